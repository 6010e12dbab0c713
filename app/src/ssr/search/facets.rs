//! The catalogue's counts per filter value, in the same pass as the total and the page.

use super::Dimension;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentReader};

/// What a query asks of one dimension: any value, or this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Wanted {
    Any,
    Text(String),
    Flag(bool),
}

/// Where a segment's documents have more than one value in a dimension (a category and a
/// second one, an arrondissement and its city): a document's values are
/// `values[starts[doc]..starts[doc + 1]]`.
struct MultiValues {
    starts: Vec<u32>,
    values: Vec<u32>,
}

impl MultiValues {
    #[inline]
    fn of(&self, doc: usize) -> &[u32] {
        match (self.starts.get(doc), self.starts.get(doc + 1)) {
            (Some(&from), Some(&to)) => self.values.get(from as usize..to as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

const DIMENSIONS: usize = Dimension::ALL.len();
const NO_VALUE: u32 = u32::MAX;

/// A segment's eight dimensions read out of their fast fields once, one row per document: the
/// catalogue reads the eight values of every matching document on every query, and one row of
/// plain integers answers in a fraction of the time eight bit-packed columns take.
struct DenseSegment {
    /// Per document, each dimension's value ordinal (the flag's 0/1), [`NO_VALUE`] when it has
    /// none or when the dimension is in `multi`.
    rows: Vec<[u32; DIMENSIONS]>,
    /// The dimensions with several values per document in this segment.
    multi: [Option<MultiValues>; DIMENSIONS],
}

impl DenseSegment {
    fn read(segment: &SegmentReader) -> tantivy::Result<DenseSegment> {
        let fast = segment.fast_fields();
        let max_doc = segment.max_doc();
        let mut rows = vec![[NO_VALUE; DIMENSIONS]; max_doc as usize];
        let mut multi: [Option<MultiValues>; DIMENSIONS] = Default::default();
        // Ordinals and flags are small; a value past u32 would be a corrupt column, counted nowhere.
        let narrow = |value: u64| u32::try_from(value).unwrap_or(NO_VALUE);
        for (i, dimension) in Dimension::ALL.into_iter().enumerate() {
            let column = if dimension.is_flag() {
                Some(fast.u64(dimension.field_name())?)
            } else {
                fast.str(dimension.field_name())?
                    .map(|words| words.ords().clone())
            };
            let Some(column) = column else {
                continue;
            };
            match column.get_cardinality() {
                Cardinality::Full | Cardinality::Optional => {
                    for (doc, row) in (0..max_doc).zip(rows.iter_mut()) {
                        row[i] = column.first(doc).map_or(NO_VALUE, narrow);
                    }
                }
                Cardinality::Multivalued => {
                    let mut starts = Vec::with_capacity(max_doc as usize + 1);
                    let mut values = Vec::with_capacity(max_doc as usize);
                    for doc in 0..max_doc {
                        starts.push(values.len() as u32);
                        values.extend(column.values_for_doc(doc).map(narrow));
                    }
                    starts.push(values.len() as u32);
                    multi[i] = Some(MultiValues { starts, values });
                }
            }
        }
        Ok(DenseSegment { rows, multi })
    }

    /// Whether `doc` has `wanted` in dimension `i`.
    #[inline(always)]
    fn has(&self, i: usize, doc: usize, wanted: u32) -> bool {
        match self.multi.get(i) {
            Some(None) => self
                .rows
                .get(doc)
                .and_then(|row| row.get(i))
                .is_some_and(|value| *value == wanted),
            Some(Some(multi)) => multi.of(doc).contains(&wanted),
            None => false,
        }
    }

    /// Adds `doc`'s values in dimension `i` to `counts`.
    #[inline(always)]
    fn count(&self, i: usize, doc: usize, counts: &mut [u64]) {
        let value = |row: &[u32; DIMENSIONS]| row.get(i).copied().unwrap_or(NO_VALUE);
        match self.multi.get(i) {
            Some(None) => {
                // NO_VALUE is past every array: nothing counted.
                let value = self.rows.get(doc).map_or(NO_VALUE, value);
                if let Some(slot) = counts.get_mut(value as usize) {
                    *slot += 1;
                }
            }
            Some(Some(multi)) => {
                for value in multi.of(doc) {
                    if let Some(slot) = counts.get_mut(*value as usize) {
                        *slot += 1;
                    }
                }
            }
            None => {}
        }
    }

    /// Adds `doc`'s values in every dimension to `columns`' counts.
    #[inline(always)]
    fn count_all(&self, doc: usize, columns: &mut [FacetColumn]) {
        let Some(row) = self.rows.get(doc) else {
            return;
        };
        for ((value, multi), column) in row.iter().zip(&self.multi).zip(columns) {
            match multi {
                None => {
                    if let Some(slot) = column.counts.get_mut(*value as usize) {
                        *slot += 1;
                    }
                }
                Some(multi) => {
                    for value in multi.of(doc) {
                        if let Some(slot) = column.counts.get_mut(*value as usize) {
                            *slot += 1;
                        }
                    }
                }
            }
        }
    }
}

/// The segments' dense tables, kept while their segment lives (a segment never changes; a commit
/// or a merge makes new ones).
#[derive(Clone, Default)]
pub(super) struct DenseCache(Arc<Mutex<HashMap<SegmentId, Arc<DenseSegment>>>>);

impl DenseCache {
    fn get(&self, segment: &SegmentReader) -> tantivy::Result<Arc<DenseSegment>> {
        let id = segment.segment_id();
        if let Some(found) = self.0.lock().ok().and_then(|cache| cache.get(&id).cloned()) {
            return Ok(found);
        }
        // Read outside the lock: two first queries on a new segment may both read it.
        let dense = Arc::new(DenseSegment::read(segment)?);
        if let Ok(mut cache) = self.0.lock() {
            cache.insert(id, dense.clone());
        }
        Ok(dense)
    }

    /// Forgets the segments the searcher no longer has.
    pub(super) fn keep_only(&self, searcher: &tantivy::Searcher) {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.segment_id())
            .collect();
        if let Ok(mut cache) = self.0.lock() {
            cache.retain(|id, _| live.contains(id));
        }
    }
}

/// The catalogue's one pass over the documents that match everything but the dimension filters:
/// those that also pass every dimension filter go to `inner` (total, top 20) and are counted in
/// every dimension; those that fail exactly one are counted in that dimension alone, so that a
/// filtered dimension still shows its alternatives with every other filter kept.
///
/// Counts go into plain arrays indexed by the value's term ordinal (or the flag's 0/1); ordinals
/// become words once per segment, at the end.
pub(super) struct Facets<C> {
    pub(super) wanted: Vec<(Dimension, Wanted)>,
    pub(super) dense: DenseCache,
    pub(super) inner: C,
}

/// One dimension in one segment.
struct FacetColumn {
    /// For a text dimension, where ordinals become words.
    words: Option<StrColumn>,
    /// `None`: not filtered; `Some(None)`: filtered on a value this segment does not have.
    wanted: Option<Option<u32>>,
    counts: Vec<u64>,
}

impl FacetColumn {
    fn harvest(self, flag: bool) -> HashMap<String, u64> {
        let seen = self
            .counts
            .into_iter()
            .enumerate()
            .filter(|(_, count)| *count > 0);
        if flag {
            return seen
                .map(|(value, count)| {
                    let label = if value == 1 { "oui" } else { "non" };
                    (label.to_string(), count)
                })
                .collect();
        }
        let Some(words) = self.words else {
            return HashMap::new();
        };
        seen.filter_map(|(ord, count)| {
            let mut value = String::new();
            match words.ord_to_str(ord as u64, &mut value) {
                Ok(true) => Some((value, count)),
                _ => None,
            }
        })
        .collect()
    }
}

pub(super) struct SegmentFacets<S> {
    dense: Arc<DenseSegment>,
    /// The filtered columns and the value each wants (`None`: one this segment does not have).
    filters: Vec<(usize, Option<u32>)>,
    columns: Vec<FacetColumn>,
    flags: Vec<bool>,
    inner: S,
    passing: Vec<DocId>,
}

pub(super) type Counts = Vec<HashMap<String, u64>>;

impl<C: Collector> Collector for Facets<C> {
    type Fruit = (C::Fruit, Counts);
    type Child = SegmentFacets<C::Child>;

    fn for_segment(
        &self,
        segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = segment.fast_fields();
        let mut columns = Vec::with_capacity(self.wanted.len());
        let mut flags = Vec::with_capacity(self.wanted.len());
        for (dimension, wanted) in &self.wanted {
            let column = if dimension.is_flag() {
                FacetColumn {
                    words: None,
                    wanted: match wanted {
                        Wanted::Flag(value) => Some(Some(u32::from(*value))),
                        _ => None,
                    },
                    counts: vec![0; 2],
                }
            } else {
                let words = fast.str(dimension.field_name())?;
                let wanted = match wanted {
                    Wanted::Text(value) => Some(match &words {
                        Some(words) => words
                            .dictionary()
                            .term_ord(value)?
                            .and_then(|ord| u32::try_from(ord).ok()),
                        None => None,
                    }),
                    _ => None,
                };
                FacetColumn {
                    counts: vec![0; words.as_ref().map_or(0, |w| w.num_terms())],
                    words,
                    wanted,
                }
            };
            flags.push(dimension.is_flag());
            columns.push(column);
        }
        let filters = columns
            .iter()
            .enumerate()
            .filter_map(|(i, column)| column.wanted.map(|wanted| (i, wanted)))
            .collect();
        Ok(SegmentFacets {
            dense: self.dense.get(segment)?,
            filters,
            columns,
            flags,
            inner: self.inner.for_segment(segment_local_id, segment)?,
            passing: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<(<C::Child as SegmentCollector>::Fruit, Counts)>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut merged: Counts = vec![HashMap::new(); self.wanted.len()];
        let mut inner = Vec::with_capacity(segment_fruits.len());
        for (fruit, counts) in segment_fruits {
            inner.push(fruit);
            for (into, counts) in merged.iter_mut().zip(counts) {
                for (value, count) in counts {
                    *into.entry(value).or_insert(0) += count;
                }
            }
        }
        Ok((self.inner.merge_fruits(inner)?, merged))
    }
}

impl<S: SegmentCollector> SegmentFacets<S> {
    /// Counts `doc` where it belongs; true when it passes every filter.
    #[inline]
    fn sort(&mut self, doc: DocId) -> bool {
        let doc = doc as usize;
        let dense = &*self.dense;
        let mut failed = None;
        for &(i, wanted) in &self.filters {
            if !wanted.is_some_and(|wanted| dense.has(i, doc, wanted)) {
                if failed.is_some() {
                    return false;
                }
                failed = Some(i);
            }
        }
        match failed {
            Some(i) => {
                if let Some(column) = self.columns.get_mut(i) {
                    dense.count(i, doc, &mut column.counts);
                }
                false
            }
            None => {
                dense.count_all(doc, &mut self.columns);
                true
            }
        }
    }
}

impl<S: SegmentCollector> SegmentCollector for SegmentFacets<S> {
    type Fruit = (S::Fruit, Counts);

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.sort(doc) {
            self.inner.collect(doc, score);
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let mut passing = std::mem::take(&mut self.passing);
        passing.clear();
        passing.extend(docs.iter().copied().filter(|doc| self.sort(*doc)));
        self.inner.collect_block(&passing);
        self.passing = passing;
    }

    fn harvest(self) -> Self::Fruit {
        let counts = self
            .columns
            .into_iter()
            .zip(self.flags)
            .map(|(column, flag)| column.harvest(flag))
            .collect();
        (self.inner.harvest(), counts)
    }
}

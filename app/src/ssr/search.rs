//! The offer search index (tantivy), derived from the database.
//!
//! The index lives in memory and is rebuilt from the database at start-up; it is never a source of
//! truth. Each app server keeps its own, so several servers on one PostgreSQL share no index files.
//! Writes (tantivy commits) run on blocking threads.

use super::db::Db;
use crate::domain::catalogue::{CatalogueQuery, PER_PAGE, Sort};
use std::collections::HashMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{
    AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, SegmentReader,
    TantivyDocument, Term, doc,
};

/// Name of the French analyzer: lower-cased, common words dropped, accents folded ("besancon"
/// finds "Besançon"), Snowball-stemmed ("balcons" finds "balcon").
pub const FRENCH: &str = "fr";

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub offer_id: Field,
    pub text: Field,
    pub commune_insee: Field,
    pub epci_siren: Field,
    pub typology: Field,
    pub financing: Field,
    pub category: Field,
    pub in_qpv: Field,
    pub has_lift: Field,
    pub accessibility: Field,
    pub monthly_cents: Field,
    pub surface_m2: Field,
    pub opens_at: Field,
    pub closes_at: Field,
    pub published_at: Field,
}

/// What the index needs to know about one published offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferDoc {
    pub offer_id: i64,
    pub text: String,
    pub commune_insee: String,
    /// For a unit in a municipal arrondissement, its commune (75056 for 75115): indexed too, so
    /// a search for Paris finds the arrondissements' offers.
    pub commune_parent: Option<String>,
    pub epci_siren: String,
    pub typology: String,
    pub financing: String,
    pub categories: Vec<String>,
    pub in_qpv: bool,
    pub has_lift: bool,
    /// `none`, `pmr` or `adapted`.
    pub accessibility: String,
    /// Rent plus charges: what the household pays each month.
    pub monthly_cents: i64,
    pub surface_m2: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    pub published_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("index task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("index writer lock poisoned")]
    Poisoned,
}

#[derive(Clone)]
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Arc<Mutex<IndexWriter>>,
    pub fields: Fields,
}

pub fn french_analyzer() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    // The list is compiled into tantivy; `None` would only mean a language without one.
    match StopWordFilter::new(Language::French) {
        Some(stop_words) => builder
            .filter(stop_words)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build(),
        None => builder
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build(),
    }
}

/// A filter the catalogue counts values for, named by its URL parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Commune,
    Epci,
    Typology,
    Financing,
    Category,
    Qpv,
    Lift,
    Accessibility,
}

impl Dimension {
    pub const ALL: [Dimension; 8] = [
        Dimension::Commune,
        Dimension::Epci,
        Dimension::Typology,
        Dimension::Financing,
        Dimension::Category,
        Dimension::Qpv,
        Dimension::Lift,
        Dimension::Accessibility,
    ];

    pub fn field_name(self) -> &'static str {
        match self {
            Dimension::Commune => "commune",
            Dimension::Epci => "epci",
            Dimension::Typology => "typologie",
            Dimension::Financing => "financement",
            Dimension::Category => "categorie",
            Dimension::Qpv => "qpv",
            Dimension::Lift => "ascenseur",
            Dimension::Accessibility => "accessibilite",
        }
    }

    fn is_flag(self) -> bool {
        matches!(self, Dimension::Qpv | Dimension::Lift)
    }
}

/// Matching offer ids for one page, the total, and counts per value of every dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOutcome {
    pub total: u64,
    pub offer_ids: Vec<i64>,
    /// Per dimension, `(value, count)`; flags count under "oui" and "non".
    pub facets: Vec<(Dimension, Vec<(String, u64)>)>,
}

/// Counts the values of some dimensions' fast fields over the matching documents, in one pass.
struct ValueCounts {
    dimensions: Vec<Dimension>,
}

enum SegmentColumn {
    Text(Option<StrColumn>),
    Flag(Column<u64>),
}

struct SegmentValueCounts {
    columns: Vec<(SegmentColumn, HashMap<u64, u64>)>,
}

type Counts = Vec<HashMap<String, u64>>;

impl Collector for ValueCounts {
    type Fruit = Counts;
    type Child = SegmentValueCounts;

    fn for_segment(
        &self,
        _segment_local_id: u32,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentValueCounts> {
        let fast = segment.fast_fields();
        let mut columns = Vec::with_capacity(self.dimensions.len());
        for dimension in &self.dimensions {
            let column = if dimension.is_flag() {
                SegmentColumn::Flag(fast.u64(dimension.field_name())?)
            } else {
                SegmentColumn::Text(fast.str(dimension.field_name())?)
            };
            columns.push((column, HashMap::new()));
        }
        Ok(SegmentValueCounts { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut merged: Counts = vec![HashMap::new(); self.dimensions.len()];
        for fruit in segment_fruits {
            for (into, counts) in merged.iter_mut().zip(fruit) {
                for (value, count) in counts {
                    *into.entry(value).or_insert(0) += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentValueCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (column, counts) in &mut self.columns {
            match column {
                SegmentColumn::Text(Some(column)) => {
                    for ord in column.term_ords(doc) {
                        *counts.entry(ord).or_insert(0) += 1;
                    }
                }
                SegmentColumn::Text(None) => {}
                SegmentColumn::Flag(column) => {
                    if let Some(value) = column.first(doc) {
                        *counts.entry(value).or_insert(0) += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        self.columns
            .into_iter()
            .map(|(column, counts)| match column {
                SegmentColumn::Text(Some(column)) => counts
                    .into_iter()
                    .filter_map(|(ord, count)| {
                        let mut value = String::new();
                        match column.ord_to_str(ord, &mut value) {
                            Ok(true) => Some((value, count)),
                            _ => None,
                        }
                    })
                    .collect(),
                SegmentColumn::Text(None) => HashMap::new(),
                SegmentColumn::Flag(_) => counts
                    .into_iter()
                    .map(|(value, count)| {
                        let label = if value == 1 { "oui" } else { "non" };
                        (label.to_string(), count)
                    })
                    .collect(),
            })
            .collect()
    }
}

impl SearchIndex {
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let mut builder = Schema::builder();
        let text_options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(FRENCH)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            offer_id: builder.add_i64_field("offer_id", INDEXED | STORED | FAST),
            text: builder.add_text_field("text", text_options),
            commune_insee: builder.add_text_field("commune", STRING | FAST),
            epci_siren: builder.add_text_field("epci", STRING | FAST),
            typology: builder.add_text_field("typologie", STRING | FAST),
            financing: builder.add_text_field("financement", STRING | FAST),
            category: builder.add_text_field("categorie", STRING | FAST),
            in_qpv: builder.add_u64_field("qpv", INDEXED | FAST),
            has_lift: builder.add_u64_field("ascenseur", INDEXED | FAST),
            accessibility: builder.add_text_field("accessibilite", STRING | FAST),
            monthly_cents: builder.add_i64_field("loyer", INDEXED | FAST),
            surface_m2: builder.add_i64_field("surface", INDEXED | FAST),
            opens_at: builder.add_i64_field("opens_at", INDEXED | FAST),
            closes_at: builder.add_i64_field("closes_at", INDEXED | FAST),
            published_at: builder.add_i64_field("published_at", INDEXED | FAST),
        };
        let index = Index::create_in_ram(builder.build());
        index.tokenizers().register(FRENCH, french_analyzer());
        // One indexing thread with a modest arena: the corpus is small and the machine shared.
        let writer = index.writer_with_num_threads(1, 30_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Arc::new(Mutex::new(writer)),
            fields,
        })
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn reader(&self) -> &IndexReader {
        &self.reader
    }

    fn to_document(&self, offer: &OfferDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut document = doc!(
            f.offer_id => offer.offer_id,
            f.text => offer.text.clone(),
            f.commune_insee => offer.commune_insee.clone(),
            f.epci_siren => offer.epci_siren.clone(),
            f.typology => offer.typology.clone(),
            f.financing => offer.financing.clone(),
            f.in_qpv => u64::from(offer.in_qpv),
            f.has_lift => u64::from(offer.has_lift),
            f.accessibility => offer.accessibility.clone(),
            f.monthly_cents => offer.monthly_cents,
            f.surface_m2 => offer.surface_m2,
            f.opens_at => offer.opens_at,
            f.closes_at => offer.closes_at,
            f.published_at => offer.published_at,
        );
        for category in &offer.categories {
            document.add_text(f.category, category);
        }
        if let Some(parent) = &offer.commune_parent {
            document.add_text(f.commune_insee, parent);
        }
        document
    }

    /// Runs `change` with the writer on a blocking thread, commits, and makes the result visible.
    async fn write(
        &self,
        change: impl FnOnce(&SearchIndex, &mut IndexWriter) -> Result<(), SearchError> + Send + 'static,
    ) -> Result<(), SearchError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.write_blocking(change)).await?
    }

    fn write_blocking(
        &self,
        change: impl FnOnce(&SearchIndex, &mut IndexWriter) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        change(self, &mut writer)?;
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces the whole index with `offers`, calling `progress(done, total)` now and then.
    pub fn replace_all_blocking(
        &self,
        offers: Vec<OfferDoc>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(), SearchError> {
        let total = offers.len();
        self.write_blocking(|index, writer| {
            writer.delete_all_documents()?;
            for (done, offer) in offers.iter().enumerate() {
                writer.add_document(index.to_document(offer))?;
                if done % 1_000 == 0 {
                    progress(done, total);
                }
            }
            progress(total, total);
            Ok(())
        })
    }

    /// Replaces the whole index with `offers`.
    pub async fn replace_all(&self, offers: Vec<OfferDoc>) -> Result<(), SearchError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.replace_all_blocking(offers, &mut |_, _| {}))
            .await?
    }

    /// Adds or refreshes each offer (`Some`), or removes it (`None`), in one commit.
    pub async fn upsert_many(
        &self,
        changes: Vec<(i64, Option<OfferDoc>)>,
    ) -> Result<(), SearchError> {
        self.write(move |index, writer| {
            for (offer_id, offer) in &changes {
                writer.delete_term(Term::from_field_i64(index.fields.offer_id, *offer_id));
                if let Some(offer) = offer {
                    writer.add_document(index.to_document(offer))?;
                }
            }
            Ok(())
        })
        .await
    }

    /// Adds or refreshes one offer (`Some`), or removes it (`None`).
    pub async fn upsert(&self, offer_id: i64, offer: Option<OfferDoc>) -> Result<(), SearchError> {
        self.upsert_many(vec![(offer_id, offer)]).await
    }

    /// Rebuilds the index from the published offers in the database.
    pub async fn rebuild(&self, db: &Db) -> Result<usize, SearchError> {
        let offers = super::store::listings::published_offer_docs(db.pool()).await?;
        let count = offers.len();
        self.replace_all(offers).await?;
        Ok(count)
    }

    /// The filter clauses of `query`, each tagged with the dimension it restricts (if any).
    fn clauses(
        &self,
        query: &CatalogueQuery,
        now: i64,
        within: Option<&[i64]>,
    ) -> Vec<(Option<Dimension>, Box<dyn Query>)> {
        let f = &self.fields;
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let flag = |field: Field, value: bool| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_u64(field, u64::from(value)),
                IndexRecordOption::Basic,
            ))
        };
        let range = |field: Field, lower: Bound<i64>, upper: Bound<i64>| -> Box<dyn Query> {
            let to_term = |b: Bound<i64>| match b {
                Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
                Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
                Bound::Unbounded => Bound::Unbounded,
            };
            Box::new(RangeQuery::new(to_term(lower), to_term(upper)))
        };
        let restriction = within.map(|ids| -> (Option<Dimension>, Box<dyn Query>) {
            let terms = ids.iter().map(|id| Term::from_field_i64(f.offer_id, *id));
            (None, Box::new(TermSetQuery::new(terms)))
        });
        let mut clauses: Vec<(Option<Dimension>, Box<dyn Query>)> = vec![
            // Only offers whose window is open right now.
            (
                None,
                range(f.opens_at, Bound::Unbounded, Bound::Included(now)),
            ),
            (
                None,
                range(f.closes_at, Bound::Excluded(now), Bound::Unbounded),
            ),
        ];
        clauses.extend(restriction);
        let words = crate::domain::catalogue::plain_words(&query.q);
        if !words.is_empty() {
            let mut parser = QueryParser::for_index(&self.index, vec![f.text]);
            parser.set_conjunction_by_default();
            // Plain words only: a field name or a wildcard typed in the box searches words.
            let (text, _) = parser.parse_query_lenient(&words);
            clauses.push((None, text));
        }
        if let Some(v) = &query.commune {
            clauses.push((Some(Dimension::Commune), term(f.commune_insee, v)));
        }
        if let Some(v) = &query.epci {
            clauses.push((Some(Dimension::Epci), term(f.epci_siren, v)));
        }
        if let Some(v) = query.typologie {
            clauses.push((Some(Dimension::Typology), term(f.typology, v.code())));
        }
        if let Some(v) = query.financement {
            clauses.push((Some(Dimension::Financing), term(f.financing, v.code())));
        }
        if let Some(v) = query.categorie {
            clauses.push((Some(Dimension::Category), term(f.category, v.code())));
        }
        if let Some(v) = query.qpv {
            clauses.push((Some(Dimension::Qpv), flag(f.in_qpv, v)));
        }
        if let Some(v) = query.ascenseur {
            clauses.push((Some(Dimension::Lift), flag(f.has_lift, v)));
        }
        if let Some(v) = query.accessibilite {
            clauses.push((
                Some(Dimension::Accessibility),
                term(f.accessibility, v.code()),
            ));
        }
        if let Some(euros) = query.loyer_max {
            clauses.push((
                None,
                range(
                    f.monthly_cents,
                    Bound::Unbounded,
                    Bound::Included(euros * 100),
                ),
            ));
        }
        if let Some(m2) = query.surface_min {
            clauses.push((
                None,
                range(f.surface_m2, Bound::Included(m2), Bound::Unbounded),
            ));
        }
        clauses
    }

    fn combine(
        clauses: &[(Option<Dimension>, Box<dyn Query>)],
        without: Option<Dimension>,
    ) -> Box<dyn Query> {
        let kept: Vec<(Occur, Box<dyn Query>)> = clauses
            .iter()
            .filter(|(dimension, _)| dimension.is_none() || *dimension != without)
            .map(|(_, q)| (Occur::Must, q.box_clone()))
            .collect();
        if kept.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(kept))
        }
    }

    /// Runs a catalogue query: one page of ids in the requested order, the total, and for each
    /// dimension the counts its values would give with every other filter kept.
    ///
    /// `within`, when given, keeps only those offers (the ones a household may apply to), so that
    /// the total, the pages and the facet counts all agree with it.
    pub fn search_blocking(
        &self,
        query: &CatalogueQuery,
        now: i64,
        within: Option<&[i64]>,
    ) -> Result<SearchOutcome, SearchError> {
        let searcher = self.reader.searcher();
        let clauses = self.clauses(query, now, within);
        let all = Self::combine(&clauses, None);
        let (active, inactive): (Vec<Dimension>, Vec<Dimension>) = Dimension::ALL
            .into_iter()
            .partition(|dimension| clauses.iter().any(|(d, _)| *d == Some(*dimension)));
        // Dimensions nobody filtered on are counted in the same pass as the hits.
        let counter = ValueCounts {
            dimensions: inactive.clone(),
        };
        let limit = PER_PAGE as usize;
        let offset = (query.page.saturating_sub(1) * PER_PAGE) as usize;
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (total, addresses, counts): (usize, Vec<DocAddress>, Counts) =
            match query.effective_sort() {
                Sort::Relevance => {
                    let (n, hits, c) =
                        searcher.search(&all, &(Count, top.order_by_score(), counter))?;
                    (n, hits.into_iter().map(|(_, a)| a).collect(), c)
                }
                sort => {
                    let (field, order) = match sort {
                        Sort::Rent => ("loyer", Order::Asc),
                        Sort::ClosingSoon => ("closes_at", Order::Asc),
                        _ => ("published_at", Order::Desc),
                    };
                    let by_field = top.order_by_fast_field::<i64>(field, order);
                    let (n, hits, c) = searcher.search(&all, &(Count, by_field, counter))?;
                    (n, hits.into_iter().map(|(_, a)| a).collect(), c)
                }
            };
        let mut offer_ids = Vec::with_capacity(addresses.len());
        for address in addresses {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .i64("offer_id")?;
            if let Some(id) = column.first(address.doc_id) {
                offer_ids.push(id);
            }
        }
        let mut by_dimension: Vec<(Dimension, HashMap<String, u64>)> =
            inactive.into_iter().zip(counts).collect();
        // A filtered dimension counts its values with every other filter, so that its
        // alternatives stay visible.
        for dimension in active {
            let counter = ValueCounts {
                dimensions: vec![dimension],
            };
            let mut counts =
                searcher.search(&Self::combine(&clauses, Some(dimension)), &counter)?;
            by_dimension.push((dimension, counts.pop().unwrap_or_default()));
        }
        let facets = Dimension::ALL
            .into_iter()
            .map(|dimension| {
                let mut values: Vec<(String, u64)> = by_dimension
                    .iter()
                    .find(|(d, _)| *d == dimension)
                    .map(|(_, counts)| counts.iter().map(|(v, c)| (v.clone(), *c)).collect())
                    .unwrap_or_default();
                values.sort();
                (dimension, values)
            })
            .collect();
        Ok(SearchOutcome {
            total: total as u64,
            offer_ids,
            facets,
        })
    }

    /// [`SearchIndex::search_blocking`] on a blocking thread.
    pub async fn search(
        &self,
        query: CatalogueQuery,
        now: i64,
        within: Option<Vec<i64>>,
    ) -> Result<SearchOutcome, SearchError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.search_blocking(&query, now, within.as_deref()))
            .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenStream;

    fn tokens(text: &str) -> Vec<String> {
        let mut analyzer = french_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn accents_and_plurals_meet() {
        assert_eq!(tokens("Besançon"), tokens("besancon"));
        assert_eq!(tokens("balcons"), tokens("balcon"));
    }

    #[tokio::test]
    async fn documents_are_counted_replaced_and_removed() {
        let index = SearchIndex::in_memory().unwrap();
        let offer = |id| OfferDoc {
            commune_parent: None,
            offer_id: id,
            text: "T3 lumineux avec balcon à Besançon".into(),
            commune_insee: "25056".into(),
            epci_siren: "242500361".into(),
            typology: "T3".into(),
            financing: "PLUS".into(),
            categories: vec!["tout_public".into()],
            in_qpv: false,
            has_lift: true,
            accessibility: "pmr".into(),
            monthly_cents: 45_000,
            opens_at: 0,
            surface_m2: 65,
            closes_at: 10,
            published_at: 1,
        };
        index.replace_all(vec![offer(1), offer(2)]).await.unwrap();
        assert_eq!(index.num_docs(), 2);
        index.upsert(2, Some(offer(2))).await.unwrap();
        assert_eq!(index.num_docs(), 2);
        index.upsert(1, None).await.unwrap();
        assert_eq!(index.num_docs(), 1);
    }
}

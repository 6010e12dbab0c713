//! The offer search index (tantivy), derived from the database.
//!
//! The index lives in memory and is rebuilt from the database at start-up; it is never a source of
//! truth. Each app server keeps its own, so several servers on one PostgreSQL share no index files.
//! Writes (tantivy commits) run on blocking threads.

mod facets;
mod recent;

use super::db::Db;
use crate::domain::catalogue::{CatalogueQuery, PER_PAGE, Sort};
use facets::{Counts, DenseCache, Facets, Wanted};
use recent::RecentOutcomes;
use std::ops::Bound;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermSetQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term, doc,
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
    dense: DenseCache,
    recent: RecentOutcomes,
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
            dense: DenseCache::default(),
            recent: RecentOutcomes::default(),
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
        self.recent.renew(&self.reader.searcher());
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

    /// The clauses of `query` that are not dimension filters: the open window, the words, the
    /// rent and surface bounds, and `within`.
    fn clauses(&self, query: &CatalogueQuery, now: i64, within: Option<&[i64]>) -> Box<dyn Query> {
        let f = &self.fields;
        let range = |field: Field, lower: Bound<i64>, upper: Bound<i64>| -> Box<dyn Query> {
            let to_term = |b: Bound<i64>| match b {
                Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
                Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
                Bound::Unbounded => Bound::Unbounded,
            };
            Box::new(RangeQuery::new(to_term(lower), to_term(upper)))
        };
        // Only offers whose window is open right now.
        let mut clauses: Vec<Box<dyn Query>> = vec![
            range(f.opens_at, Bound::Unbounded, Bound::Included(now)),
            range(f.closes_at, Bound::Excluded(now), Bound::Unbounded),
        ];
        if let Some(ids) = within {
            let terms = ids.iter().map(|id| Term::from_field_i64(f.offer_id, *id));
            clauses.push(Box::new(TermSetQuery::new(terms)));
        }
        let words = crate::domain::catalogue::plain_words(&query.q);
        if !words.is_empty() {
            let mut parser = QueryParser::for_index(&self.index, vec![f.text]);
            parser.set_conjunction_by_default();
            // Plain words only: a field name or a wildcard typed in the box searches words.
            let (text, _) = parser.parse_query_lenient(&words);
            clauses.push(text);
        }
        if let Some(euros) = query.loyer_max {
            clauses.push(range(
                f.monthly_cents,
                Bound::Unbounded,
                Bound::Included(euros * 100),
            ));
        }
        if let Some(m2) = query.surface_min {
            clauses.push(range(f.surface_m2, Bound::Included(m2), Bound::Unbounded));
        }
        Box::new(BooleanQuery::new(
            clauses.into_iter().map(|q| (Occur::Must, q)).collect(),
        ))
    }

    /// What `query` asks of each dimension, in [`Dimension::ALL`]'s order.
    fn wanted(query: &CatalogueQuery) -> Vec<(Dimension, Wanted)> {
        let text = |value: Option<&str>| value.map_or(Wanted::Any, |v| Wanted::Text(v.to_string()));
        let flag = |value: Option<bool>| value.map_or(Wanted::Any, Wanted::Flag);
        Dimension::ALL
            .into_iter()
            .map(|dimension| {
                let wanted = match dimension {
                    Dimension::Commune => text(query.commune.as_deref()),
                    Dimension::Epci => text(query.epci.as_deref()),
                    Dimension::Typology => text(query.typologie.map(|v| v.code())),
                    Dimension::Financing => text(query.financement.map(|v| v.code())),
                    Dimension::Category => text(query.categorie.map(|v| v.code())),
                    Dimension::Qpv => flag(query.qpv),
                    Dimension::Lift => flag(query.ascenseur),
                    Dimension::Accessibility => text(query.accessibilite.map(|v| v.code())),
                };
                (dimension, wanted)
            })
            .collect()
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
        self.search_on(&self.reader.searcher(), query, now, within)
    }

    fn search_on(
        &self,
        searcher: &tantivy::Searcher,
        query: &CatalogueQuery,
        now: i64,
        within: Option<&[i64]>,
    ) -> Result<SearchOutcome, SearchError> {
        let base = self.clauses(query, now, within);
        let wanted = Self::wanted(query);
        self.dense.keep_only(searcher);
        let dense = self.dense.clone();
        let limit = PER_PAGE as usize;
        let offset = (query.page.saturating_sub(1) * PER_PAGE) as usize;
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (total, addresses, counts): (usize, Vec<DocAddress>, Counts) =
            match query.effective_sort() {
                Sort::Relevance => {
                    let ((n, hits), c) = searcher.search(
                        &base,
                        &Facets {
                            wanted,
                            dense,
                            inner: (Count, top.order_by_score()),
                        },
                    )?;
                    (n, hits.into_iter().map(|(_, a)| a).collect(), c)
                }
                sort => {
                    let (field, order) = match sort {
                        Sort::Rent => ("loyer", Order::Asc),
                        Sort::ClosingSoon => ("closes_at", Order::Asc),
                        _ => ("published_at", Order::Desc),
                    };
                    let by_field = top.order_by_fast_field::<i64>(field, order);
                    let ((n, hits), c) = searcher.search(
                        &base,
                        &Facets {
                            wanted,
                            dense,
                            inner: (Count, by_field),
                        },
                    )?;
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
        let facets = Dimension::ALL
            .into_iter()
            .zip(counts)
            .map(|(dimension, counts)| {
                let mut values: Vec<(String, u64)> = counts.into_iter().collect();
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

    /// [`SearchIndex::search_blocking`] on a blocking thread, or the same outcome kept from an
    /// earlier identical query when no commit and no opening or closing came in between.
    pub async fn search(
        &self,
        query: CatalogueQuery,
        now: i64,
        within: Option<Vec<i64>>,
    ) -> Result<SearchOutcome, SearchError> {
        let key = within.is_none().then(|| query.to_query_string());
        if let Some(key) = &key {
            let generation = self.reader.searcher().generation().generation_id();
            if let Some(kept) = self.recent.get(generation, now, key) {
                return Ok(SearchOutcome::clone(&kept));
            }
        }
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let searcher = this.reader.searcher();
            let outcome = this.search_on(&searcher, &query, now, within.as_deref())?;
            if let Some(key) = key {
                let generation = searcher.generation().generation_id();
                this.recent
                    .put(generation, now, key, Arc::new(outcome.clone()));
            }
            Ok(outcome)
        })
        .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
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

    /// A repeated query is answered from the kept outcome while the same offers are open and
    /// nothing was committed; an opening, a closing or a commit gives a fresh search.
    #[tokio::test]
    async fn kept_outcomes_are_given_only_while_they_are_still_true() {
        let index = SearchIndex::in_memory().unwrap();
        let offer = |id, opens_at, closes_at| OfferDoc {
            commune_parent: None,
            offer_id: id,
            text: "T2 avec balcon".into(),
            commune_insee: "25056".into(),
            epci_siren: "242500361".into(),
            typology: "T2".into(),
            financing: "PLUS".into(),
            categories: vec!["tout_public".into()],
            in_qpv: false,
            has_lift: false,
            accessibility: "none".into(),
            monthly_cents: 40_000,
            surface_m2: 45,
            opens_at,
            closes_at,
            published_at: opens_at,
        };
        index
            .replace_all(vec![offer(1, 0, 100), offer(2, 50, 200)])
            .await
            .unwrap();
        let query = CatalogueQuery::from_query_string("q=balcon").unwrap();
        let key = query.to_query_string();
        let ids = |outcome: SearchOutcome| {
            let mut ids = outcome.offer_ids;
            ids.sort();
            ids
        };
        let search = |now| index.search(query.clone(), now, None);
        assert_eq!(ids(search(10).await.unwrap()), [1]);
        assert_eq!(index.recent.held().0, 1);
        // Proof that the next query in the same slot is not searched again: it gets what is kept.
        let generation = index.reader.searcher().generation().generation_id();
        let marked = SearchOutcome {
            total: 999,
            offer_ids: vec![],
            facets: vec![],
        };
        index
            .recent
            .put(generation, 10, key.clone(), Arc::new(marked.clone()));
        assert_eq!(search(49).await.unwrap(), marked);
        // Offer 2 opens at 50, offer 1 closes at 100 (its last open second is 99).
        assert_eq!(ids(search(50).await.unwrap()), [1, 2]);
        assert_eq!(ids(search(99).await.unwrap()), [1, 2]);
        assert_eq!(ids(search(100).await.unwrap()), [2]);
        // A commit forgets everything kept.
        index.upsert(3, Some(offer(3, 0, 300))).await.unwrap();
        assert_eq!(index.recent.held(), (0, 0));
        assert_eq!(ids(search(10).await.unwrap()), [1, 3]);
        // A search among one household's offers is not kept.
        let mine = index.search(query.clone(), 10, Some(vec![3])).await.unwrap();
        assert_eq!(ids(mine), [3]);
        assert_eq!(index.recent.held().0, 1);
    }

    /// The one-pass counting agrees with counting by hand: for each dimension, the offers that
    /// pass every other filter, per value; the total and the page, the offers that pass them all.
    #[tokio::test]
    async fn facets_and_totals_agree_with_counting_by_hand() {
        let index = SearchIndex::in_memory().unwrap();
        let communes = ["25056", "25388", "25462", "75115"];
        let typologies = ["T1", "T2", "T3", "T4"];
        let financings = ["PLAI", "PLUS", "PLS"];
        let categories = ["tout_public", "mutation", "pls"];
        let access = ["none", "pmr", "adapted"];
        // A small deterministic mix (no two offers alike in rent, so the order is certain).
        let offers: Vec<OfferDoc> = (0..240i64)
            .map(|i| OfferDoc {
                offer_id: i + 1,
                text: if i % 3 == 0 {
                    "balcon".into()
                } else {
                    "cave".into()
                },
                commune_insee: communes[(i % 4) as usize].into(),
                commune_parent: (i % 4 == 3).then(|| "75056".to_string()),
                epci_siren: if i % 4 < 2 {
                    "242500361".into()
                } else {
                    "200065647".into()
                },
                typology: typologies[(i * 7 % 4) as usize].into(),
                financing: financings[(i * 5 % 3) as usize].into(),
                categories: if i % 10 == 0 {
                    vec!["tout_public".into(), "mutation".into()]
                } else {
                    vec![categories[(i * 11 % 3) as usize].into()]
                },
                in_qpv: i % 5 == 0,
                has_lift: i % 3 != 1,
                accessibility: access[(i * 13 % 3) as usize].into(),
                monthly_cents: 30_000 + i * 97 % 240 * 100 + i,
                surface_m2: 20 + i % 90,
                opens_at: 0,
                // A few closed already: never counted.
                closes_at: if i % 17 == 0 { 5 } else { 100 },
                published_at: i,
            })
            .collect();
        index.replace_all(offers.clone()).await.unwrap();
        let value = |offer: &OfferDoc, dimension: Dimension| -> Vec<String> {
            let flag = |b: bool| vec![if b { "oui" } else { "non" }.to_string()];
            match dimension {
                Dimension::Commune => {
                    let mut v = vec![offer.commune_insee.clone()];
                    v.extend(offer.commune_parent.clone());
                    v
                }
                Dimension::Epci => vec![offer.epci_siren.clone()],
                Dimension::Typology => vec![offer.typology.clone()],
                Dimension::Financing => vec![offer.financing.clone()],
                Dimension::Category => offer.categories.clone(),
                Dimension::Qpv => flag(offer.in_qpv),
                Dimension::Lift => flag(offer.has_lift),
                Dimension::Accessibility => vec![offer.accessibility.clone()],
            }
        };
        // One segment without deletions (read by blocks), then a second segment and a deleted
        // document in the first (read one document at a time).
        for second_segment in [false, true] {
            if second_segment {
                index.upsert(5, Some(offers[4].clone())).await.unwrap();
            }
            for raw in [
                "",
                "q=balcon",
                "typologie=T2",
                "typologie=T3&financement=PLUS",
                "q=cave&qpv=non&ascenseur=oui&tri=loyer",
                "commune=75056&categorie=mutation",
                "epci=242500361&accessibilite=pmr&loyer_max=400&tri=loyer",
                "commune=25056&typologie=T4&financement=PLAI&categorie=pls&qpv=oui",
                "commune=99999",
                "surface_min=60&tri=loyer&page=2",
            ] {
                let query = CatalogueQuery::from_query_string(raw).unwrap();
                let outcome = index.search(query.clone(), 10, None).await.unwrap();
                let wanted = SearchIndex::wanted(&query);
                let basic = |offer: &OfferDoc| {
                    offer.closes_at > 10
                        && (query.q.is_empty() || offer.text == query.q)
                        && query
                            .loyer_max
                            .is_none_or(|euros| offer.monthly_cents <= euros * 100)
                        && query.surface_min.is_none_or(|m2| offer.surface_m2 >= m2)
                };
                let passes = |offer: &OfferDoc, dimension: Dimension, wanted: &Wanted| match wanted
                {
                    Wanted::Any => true,
                    Wanted::Text(v) => value(offer, dimension).contains(v),
                    Wanted::Flag(b) => {
                        value(offer, dimension) == vec![if *b { "oui" } else { "non" }]
                    }
                };
                let all: Vec<&OfferDoc> = offers
                    .iter()
                    .filter(|o| basic(o) && wanted.iter().all(|(d, w)| passes(o, *d, w)))
                    .collect();
                assert_eq!(outcome.total, all.len() as u64, "{raw}");
                if query.effective_sort() == Sort::Rent {
                    let mut by_rent = all.clone();
                    by_rent.sort_by_key(|o| o.monthly_cents);
                    let skip = (query.page.saturating_sub(1) * PER_PAGE) as usize;
                    let expected: Vec<i64> = by_rent
                        .iter()
                        .skip(skip)
                        .take(PER_PAGE as usize)
                        .map(|o| o.offer_id)
                        .collect();
                    assert_eq!(outcome.offer_ids, expected, "{raw}");
                }
                for (dimension, counted) in &outcome.facets {
                    let mut expected: HashMap<String, u64> = HashMap::new();
                    for offer in offers.iter().filter(|o| {
                        basic(o)
                            && wanted
                                .iter()
                                .all(|(d, w)| d == dimension || passes(o, *d, w))
                    }) {
                        for v in value(offer, *dimension) {
                            *expected.entry(v).or_insert(0) += 1;
                        }
                    }
                    let mut expected: Vec<(String, u64)> = expected.into_iter().collect();
                    expected.sort();
                    assert_eq!(counted, &expected, "{raw}: {dimension:?}");
                }
            }
        }
    }
}

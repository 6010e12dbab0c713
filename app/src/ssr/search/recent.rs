//! Outcomes of recent catalogue queries, answered again without searching while nothing that
//! decides them has changed.
//!
//! An outcome depends on three things only: the query, the indexed documents, and which offers
//! are open at the moment asked. The documents change with each commit, which makes a new
//! searcher generation: [`RecentOutcomes::renew`] forgets everything then. Which offers are open
//! changes only at the instants an offer opens or closes; between two of those instants (a
//! "slot") every query has the same answer, so the slot is part of the key. Nothing is kept for a
//! time: an answer is reused exactly as long as it is the one a search would give.
//!
//! Searches among an applicant's own eligible offers ("pour moi") are not kept: they differ per
//! household and would only fill the memory.

use super::SearchOutcome;
use lru::LruCache;
use std::sync::{Arc, Mutex};
use tantivy::Searcher;

/// Memory the kept outcomes may take, roughly: a commune facet listing thousands of communes
/// weighs hundreds of kilobytes, a query in one town a few hundred bytes.
const BUDGET_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone)]
pub(super) struct RecentOutcomes(Arc<Mutex<State>>);

struct State {
    /// The searcher generation the outcomes and the instants below belong to; `None` before the
    /// first renewal.
    generation: Option<u64>,
    /// Every instant at which some indexed offer opens or closes, sorted, without repeats.
    instants: Arc<[i64]>,
    entries: LruCache<(usize, String), (Arc<SearchOutcome>, usize)>,
    bytes: usize,
    budget: usize,
}

impl Default for RecentOutcomes {
    fn default() -> Self {
        RecentOutcomes::within(BUDGET_BYTES)
    }
}

impl State {
    /// Which slot `now` is in: the number of instants at or before it. An offer is open from its
    /// opening instant included to its closing instant excluded, so the set of open offers is the
    /// same at any two moments with the same count.
    fn slot(&self, now: i64) -> usize {
        self.instants.partition_point(|instant| *instant <= now)
    }
}

/// Every instant at which an offer of `searcher` opens or closes, sorted, without repeats.
fn instants(searcher: &Searcher) -> tantivy::Result<Vec<i64>> {
    let mut instants = Vec::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let opens = fast.i64("opens_at")?;
        let closes = fast.i64("closes_at")?;
        for doc in segment.doc_ids_alive() {
            instants.extend(opens.values_for_doc(doc));
            instants.extend(closes.values_for_doc(doc));
        }
    }
    instants.sort_unstable();
    instants.dedup();
    Ok(instants)
}

/// Approximate memory of one kept outcome and its key.
fn weight(key: &str, outcome: &SearchOutcome) -> usize {
    const OVERHEAD: usize = 128;
    let facets: usize = outcome
        .facets
        .iter()
        .flat_map(|(_, values)| values)
        .map(|(value, _)| value.len() + std::mem::size_of::<(String, u64)>())
        .sum();
    OVERHEAD + key.len() + outcome.offer_ids.len() * 8 + facets
}

impl RecentOutcomes {
    fn within(budget: usize) -> Self {
        RecentOutcomes(Arc::new(Mutex::new(State {
            generation: None,
            instants: Arc::from([]),
            entries: LruCache::unbounded(),
            bytes: 0,
            budget,
        })))
    }

    /// Forgets every outcome and learns `searcher`'s opening and closing instants. Called after
    /// each reload of the reader, on the blocking thread that committed.
    pub(super) fn renew(&self, searcher: &Searcher) {
        let generation = searcher.generation().generation_id();
        let instants = match instants(searcher) {
            Ok(instants) => Some(instants),
            Err(error) => {
                // Without the instants no slot can be told: keep nothing until the next commit.
                tracing::warn!(%error, "catalogue outcomes not kept: opening instants unreadable");
                None
            }
        };
        let Ok(mut state) = self.0.lock() else {
            return;
        };
        // A slower renewal from an older reload must not replace a newer one.
        if state.generation.is_some_and(|kept| kept > generation) {
            return;
        }
        state.entries.clear();
        state.bytes = 0;
        match instants {
            Some(instants) => {
                state.generation = Some(generation);
                state.instants = instants.into();
            }
            None => state.generation = None,
        }
    }

    /// The kept outcome of `key` at `now`, if it was computed on this `generation` in the same
    /// slot.
    pub(super) fn get(&self, generation: u64, now: i64, key: &str) -> Option<Arc<SearchOutcome>> {
        let mut state = self.0.lock().ok()?;
        if state.generation != Some(generation) {
            return None;
        }
        let slot = state.slot(now);
        // The key is rebuilt for the lookup: a miss costs one small allocation, a hit saves a search.
        state
            .entries
            .get(&(slot, key.to_string()))
            .map(|(outcome, _)| outcome.clone())
    }

    /// Keeps `outcome`, computed at `now` on a searcher of `generation`, then forgets the least
    /// recently used outcomes past the budget.
    pub(super) fn put(&self, generation: u64, now: i64, key: String, outcome: Arc<SearchOutcome>) {
        let Ok(mut state) = self.0.lock() else {
            return;
        };
        // Computed on a searcher that a commit has since replaced (or before the first renewal):
        // the next search will compute it again on the current one.
        if state.generation != Some(generation) {
            return;
        }
        let weight = weight(&key, &outcome);
        if weight > state.budget / 4 {
            return;
        }
        let slot = state.slot(now);
        if let Some((_, replaced)) = state.entries.put((slot, key), (outcome, weight)) {
            state.bytes = state.bytes.saturating_sub(replaced);
        }
        state.bytes += weight;
        while state.bytes > state.budget {
            match state.entries.pop_lru() {
                Some((_, (_, freed))) => state.bytes = state.bytes.saturating_sub(freed),
                None => break,
            }
        }
    }

    /// How many outcomes are kept, and their approximate weight in bytes.
    #[cfg(test)]
    pub(super) fn held(&self) -> (usize, usize) {
        self.0
            .lock()
            .map(|state| (state.entries.len(), state.bytes))
            .unwrap_or((0, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::search::Dimension;

    fn outcome(total: u64, communes: usize) -> Arc<SearchOutcome> {
        let values = (0..communes).map(|i| (format!("{:05}", i), 1)).collect();
        Arc::new(SearchOutcome {
            total,
            offer_ids: (0..20).collect(),
            facets: vec![(Dimension::Commune, values)],
        })
    }

    fn renewed(budget: usize, instants: &[i64]) -> RecentOutcomes {
        let recent = RecentOutcomes::within(budget);
        if let Ok(mut state) = recent.0.lock() {
            state.generation = Some(7);
            state.instants = instants.into();
        }
        recent
    }

    #[test]
    fn memory_stays_within_the_budget_the_least_recent_forgotten_first() {
        let one = weight("q=0", &outcome(0, 100));
        let recent = renewed(one * 10, &[]);
        for i in 0..10u64 {
            recent.put(7, 0, format!("q={i}"), outcome(i, 100));
        }
        assert_eq!(recent.held(), (10, one * 10));
        // Reading the first makes the second the least recent.
        assert!(recent.get(7, 0, "q=0").is_some());
        recent.put(7, 0, "q=a".into(), outcome(10, 100));
        assert_eq!(recent.held().0, 10);
        assert!(recent.get(7, 0, "q=0").is_some());
        assert!(recent.get(7, 0, "q=1").is_none());
        // An outcome heavier than a quarter of the budget is not kept at all.
        recent.put(7, 0, "q=big".into(), outcome(0, 1_000));
        assert!(recent.get(7, 0, "q=big").is_none());
        assert!(recent.held().1 <= one * 10);
    }

    #[test]
    fn outcomes_of_another_generation_or_slot_are_not_given() {
        let recent = renewed(BUDGET_BYTES, &[50, 100]);
        recent.put(7, 10, "q=balcon".into(), outcome(1, 3));
        assert_eq!(recent.get(7, 49, "q=balcon").map(|o| o.total), Some(1));
        // 50 is an instant where an offer opens or closes: another slot.
        assert!(recent.get(7, 50, "q=balcon").is_none());
        assert!(recent.get(8, 10, "q=balcon").is_none());
        // Computed on an older searcher: not kept.
        recent.put(6, 10, "q=cave".into(), outcome(2, 3));
        assert!(recent.get(7, 10, "q=cave").is_none());
    }
}

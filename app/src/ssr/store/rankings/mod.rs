//! Rankings made when an offer closes, the skips and the shortlist staff build from them.
//!
//! A ranking stores everything it used: the offer's terms, and for each candidate the profile as
//! it stood at the close, the grid version, the breakdown and the eligibility. Replaying it from
//! those snapshots gives the same order, whatever changed since.

use crate::domain::calendar::{Date, paris_date};
use crate::domain::cotation::{Facts, GridVersion, Score, score};
use crate::domain::eligibility::{Assessment, OfferTerms, Verdict};
use crate::domain::offer::{Financing, OfferStatus, Typology, categories_from_csv};
use crate::domain::profile::Profile;
use crate::domain::ranking::{Candidate, RankingMode, ShortlistException, check_shortlist, rank};
use crate::ssr::db::{bind_rows, rows_per_statement};
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

mod staff_view;
pub use staff_view::{
    EntryRow, RANKING_PAGE, csv_head, csv_lines, decode, entries, entry_rows, title_of, view,
};

fn json_error(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// The offer as ranking needs it, whatever its status.
async fn terms_of(
    conn: &mut AnyConnection,
    offer_id: i64,
) -> Result<Option<(String, RankingMode, OfferTerms)>, sqlx::Error> {
    let row: Option<(String, String, String, String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT u.epci_siren, o.ranking_mode, u.financing, u.typology, o.categories, u.rent_cents,
                u.charges_cents, u.commune_insee
         FROM offers o JOIN units u ON u.id = o.unit_id WHERE o.id = $1",
    )
    .bind(offer_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(
        |(epci, mode, financing, typology, categories, rent, charges, insee)| {
            Some((
                epci,
                RankingMode::parse(&mode)?,
                OfferTerms {
                    financing: Financing::parse(&financing)?,
                    typology: Typology::parse(&typology)?,
                    categories: categories_from_csv(&categories),
                    zone: crate::ssr::reference::zone_of(&insee),
                    rent_cents: rent,
                    charges_cents: charges,
                },
            ))
        },
    ))
}

/// One candidate as the ranking computes it from snapshots.
struct Evaluated {
    candidate: Candidate,
    score: Score,
    assessment: Assessment,
}

fn evaluate(
    application_id: i64,
    applied_at: i64,
    profile: &Profile,
    grid: Option<&GridVersion>,
    terms: &OfferTerms,
    on: Date,
) -> Evaluated {
    let assessment = profile.assess(terms, on);
    let score = match grid {
        Some(g) => score(&Facts::of(profile, on), &g.grid),
        None => Score {
            total: 0,
            lines: Vec::new(),
        },
    };
    Evaluated {
        candidate: Candidate {
            application_id,
            eligible: assessment.verdict != Verdict::Ineligible,
            score: score.total,
            first_filing: profile.first_filing_date,
            applied_at,
        },
        score,
        assessment,
    }
}

/// An offer about to be ranked: its territory, ranking mode and terms, and its active
/// applications as `(application, applicant, applied at)`.
pub struct Pending {
    pub epci_siren: String,
    pub mode: RankingMode,
    pub terms: OfferTerms,
    pub applications: Vec<(i64, i64, i64)>,
}

/// What the ranking of an offer will use, or `None` when it is ranked already (or unreadable).
pub async fn pending(
    conn: &mut AnyConnection,
    offer_id: i64,
) -> Result<Option<Pending>, sqlx::Error> {
    let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM rankings WHERE offer_id = $1")
        .bind(offer_id)
        .fetch_optional(&mut *conn)
        .await?;
    if existing.is_some() {
        return Ok(None);
    }
    let Some((epci_siren, mode, terms)) = terms_of(conn, offer_id).await? else {
        return Ok(None);
    };
    let applications: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, applicant_user_id, created_at FROM applications
         WHERE offer_id = $1 AND status = 'active' ORDER BY id",
    )
    .bind(offer_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Pending {
        epci_siren,
        mode,
        terms,
        applications,
    }))
}

/// One candidate as they stood at the close: their profile and the grid that scores them.
pub struct Snapshot {
    pub application_id: i64,
    pub user_id: i64,
    pub applied_at: i64,
    pub profile: Profile,
    pub grid: Option<GridVersion>,
}

/// A ranking just stored.
pub struct Made {
    pub ranking_id: i64,
    pub mode: RankingMode,
    pub seed: i64,
    pub candidates: usize,
    pub ranked: usize,
}

/// Ranks the candidates of an offer that has just closed and stores the order with every
/// snapshot it used, in the caller's transaction.
pub async fn record(
    conn: &mut AnyConnection,
    offer_id: i64,
    pending: &Pending,
    snapshots: Vec<Snapshot>,
    at: i64,
) -> Result<Made, sqlx::Error> {
    let on = paris_date(at);
    let mode = pending.mode;
    let terms = &pending.terms;
    let evaluated: Vec<(Snapshot, Evaluated)> = snapshots
        .into_iter()
        .map(|s| {
            let e = evaluate(
                s.application_id,
                s.applied_at,
                &s.profile,
                s.grid.as_ref(),
                terms,
                on,
            );
            (s, e)
        })
        .collect();
    let seed = i64::from_le_bytes(rand::random::<[u8; 8]>()) & i64::MAX;
    let order = rank(
        &evaluated
            .iter()
            .map(|(_, e)| e.candidate.clone())
            .collect::<Vec<_>>(),
        mode,
        seed as u64,
    );
    let positions: HashMap<i64, i64> = order
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as i64 + 1))
        .collect();
    let (ranking_id,): (i64,) = sqlx::query_as(
        "INSERT INTO rankings (offer_id, mode, seed, ranked_on, terms, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(offer_id)
    .bind(mode.code())
    .bind(seed)
    .bind(on.iso())
    .bind(serde_json::to_string(terms).map_err(json_error)?)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    let candidates = evaluated.len();
    // Ten thousand candidates make ten thousand rows: a few multi-row statements, not one each.
    for chunk in evaluated.chunks(rows_per_statement(11)) {
        let sql = format!(
            "INSERT INTO ranking_entries (ranking_id, application_id, applicant_user_id, position, eligible,
                 score, grid_id, profile_snapshot, breakdown, assessment, applied_at)
             VALUES {}",
            bind_rows(chunk.len(), 11)
        );
        let mut insert = sqlx::query(&sql);
        for (snapshot, e) in chunk {
            insert = insert
                .bind(ranking_id)
                .bind(e.candidate.application_id)
                .bind(snapshot.user_id)
                .bind(positions.get(&e.candidate.application_id).copied())
                .bind(i64::from(e.candidate.eligible))
                .bind(i64::from(e.score.total))
                .bind(snapshot.grid.as_ref().map(|g| g.id))
                .bind(serde_json::to_string(&snapshot.profile).map_err(json_error)?)
                .bind(serde_json::to_string(&e.score).map_err(json_error)?)
                .bind(serde_json::to_string(&e.assessment).map_err(json_error)?)
                .bind(e.candidate.applied_at);
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(Made {
        ranking_id,
        mode,
        seed,
        candidates,
        ranked: order.len(),
    })
}

/// Where candidates would stand if the offer closed on `at`, by the same evaluation and order as
/// [`record`], storing nothing. A draw has no provisional order: its seed is drawn at the close.
pub struct Provisional {
    /// Application ids of the eligible candidates, best first.
    pub order: Vec<i64>,
    /// Each candidate's score, by application id.
    pub scores: HashMap<i64, i32>,
}

pub fn provisional(pending: &Pending, snapshots: &[Snapshot], at: i64) -> Provisional {
    let on = paris_date(at);
    let evaluated: Vec<Evaluated> = snapshots
        .iter()
        .map(|s| {
            evaluate(
                s.application_id,
                s.applied_at,
                &s.profile,
                s.grid.as_ref(),
                &pending.terms,
                on,
            )
        })
        .collect();
    let candidates: Vec<Candidate> = evaluated.iter().map(|e| e.candidate.clone()).collect();
    Provisional {
        order: rank(&candidates, pending.mode, 0),
        scores: evaluated
            .iter()
            .map(|e| (e.candidate.application_id, e.score.total))
            .collect(),
    }
}

/// The stored order of an offer's ranking and the order replayed from its snapshots.
///
/// `grids` holds every stored grid version: the entries name the version that scored them.
pub async fn replay(
    pool: &AnyPool,
    offer_id: i64,
    grids: &[GridVersion],
) -> Result<Option<(Vec<i64>, Vec<i64>)>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let ranking: Option<(i64, String, i64, String, String)> =
        sqlx::query_as("SELECT id, mode, seed, ranked_on, terms FROM rankings WHERE offer_id = $1")
            .bind(offer_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((ranking_id, mode, seed, ranked_on, terms)) = ranking else {
        return Ok(None);
    };
    let (Some(mode), Some(on)) = (RankingMode::parse(&mode), Date::parse(&ranked_on)) else {
        return Ok(None);
    };
    let terms: OfferTerms = serde_json::from_str(&terms).map_err(json_error)?;
    let entries: Vec<(i64, Option<i64>, Option<i64>, String, i64)> = sqlx::query_as(
        "SELECT application_id, position, grid_id, profile_snapshot, applied_at
         FROM ranking_entries WHERE ranking_id = $1",
    )
    .bind(ranking_id)
    .fetch_all(&mut *conn)
    .await?;
    let grids: HashMap<i64, &GridVersion> = grids.iter().map(|g| (g.id, g)).collect();
    let mut stored: Vec<(i64, i64)> = Vec::new();
    let mut candidates = Vec::with_capacity(entries.len());
    for (application_id, position, grid_id, snapshot, applied_at) in entries {
        if let Some(p) = position {
            stored.push((p, application_id));
        }
        let profile: Profile = serde_json::from_str(&snapshot).map_err(json_error)?;
        let grid = grid_id.and_then(|id| grids.get(&id).copied());
        candidates.push(evaluate(application_id, applied_at, &profile, grid, &terms, on).candidate);
    }
    stored.sort();
    let replayed = rank(&candidates, mode, seed as u64);
    Ok(Some((
        stored.into_iter().map(|(_, id)| id).collect(),
        replayed,
    )))
}

#[derive(Debug, thiserror::Error)]
pub enum RankingWriteError {
    #[error("not found")]
    NotFound,
    /// The offer went to the commission: its ranking is final.
    #[error("ranking frozen")]
    Frozen,
    #[error(transparent)]
    Shortlist(#[from] crate::domain::ranking::ShortlistProblem),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The ranking id of an offer of `organisation_id` that may still change, locked for writing.
async fn editable_ranking(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
) -> Result<i64, RankingWriteError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT r.id, o.status FROM rankings r JOIN offers o ON o.id = r.offer_id
         WHERE r.offer_id = $1 AND o.organisation_id = $2",
    )
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (id, status) = row.ok_or(RankingWriteError::NotFound)?;
    if !matches!(
        OfferStatus::parse(&status),
        Some(OfferStatus::Closed | OfferStatus::InReview)
    ) {
        return Err(RankingWriteError::Frozen);
    }
    Ok(id)
}

/// Sets aside a ranked candidate with a motive (`Some`) or brings them back (`None`). A
/// shortlist already built is undone, since it was drawn from the previous state.
pub async fn set_skip(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
    entry_id: i64,
    motive: Option<&str>,
    actor: i64,
    at: i64,
) -> Result<(), RankingWriteError> {
    let ranking_id = editable_ranking(conn, organisation_id, offer_id).await?;
    let changed = sqlx::query(
        "UPDATE ranking_entries SET skip_motive = $1, skipped_by = $2, skipped_at = $3
         WHERE id = $4 AND ranking_id = $5 AND position IS NOT NULL",
    )
    .bind(motive)
    .bind(motive.map(|_| actor))
    .bind(motive.map(|_| at))
    .bind(entry_id)
    .bind(ranking_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(RankingWriteError::NotFound);
    }
    clear_shortlist(conn, ranking_id).await?;
    Ok(())
}

async fn clear_shortlist(conn: &mut AnyConnection, ranking_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE ranking_entries SET shortlisted = 0 WHERE ranking_id = $1")
        .bind(ranking_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE rankings SET shortlist_size = NULL, shortlist_exception = '', shortlisted_by = NULL,
             shortlisted_at = NULL WHERE id = $1",
    )
    .bind(ranking_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts the first `size` ranked candidates not set aside on the shortlist, after checking the
/// size against the law (at least 3 unless `exception`). Returns the application ids chosen.
pub async fn build_shortlist(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
    size: usize,
    exception: Option<ShortlistException>,
    actor: i64,
    at: i64,
) -> Result<Vec<i64>, RankingWriteError> {
    let ranking_id = editable_ranking(conn, organisation_id, offer_id).await?;
    let available: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, application_id FROM ranking_entries
         WHERE ranking_id = $1 AND position IS NOT NULL AND skip_motive IS NULL
         ORDER BY position",
    )
    .bind(ranking_id)
    .fetch_all(&mut *conn)
    .await?;
    check_shortlist(size, available.len(), exception)?;
    clear_shortlist(conn, ranking_id).await?;
    for (entry_id, _) in available.iter().take(size) {
        sqlx::query("UPDATE ranking_entries SET shortlisted = 1 WHERE id = $1")
            .bind(entry_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "UPDATE rankings SET shortlist_size = $1, shortlist_exception = $2, shortlisted_by = $3,
             shortlisted_at = $4 WHERE id = $5",
    )
    .bind(size as i64)
    .bind(exception.map(|e| e.code()).unwrap_or(""))
    .bind(actor)
    .bind(at)
    .bind(ranking_id)
    .execute(&mut *conn)
    .await?;
    Ok(available.iter().take(size).map(|(_, a)| *a).collect())
}

/// For each of the applicant's ranked applications: (rank, ranked candidates) or the reasons
/// the household was not eligible at the close.
pub async fn for_applicant(
    pool: &AnyPool,
    user_id: i64,
) -> Result<HashMap<i64, Result<(i64, i64), Vec<String>>>, sqlx::Error> {
    let rows: Vec<(i64, Option<i64>, String, i64)> = sqlx::query_as(
        "SELECT e.application_id, e.position, e.assessment,
                (SELECT COUNT(*) FROM ranking_entries x WHERE x.ranking_id = e.ranking_id AND x.position IS NOT NULL)
         FROM ranking_entries e WHERE e.applicant_user_id = $1",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(application_id, position, assessment, total)| {
            let outcome = match position {
                Some(p) => Ok((p, total)),
                None => Err(serde_json::from_str::<Assessment>(&assessment)
                    .map(|a| {
                        a.reasons
                            .into_iter()
                            .filter(|r| r.blocking)
                            .map(|r| r.message)
                            .collect()
                    })
                    .unwrap_or_default()),
            };
            (application_id, outcome)
        })
        .collect())
}

/// An offer's ranking mode and whether it has been ranked.
pub async fn mode_of(pool: &AnyPool, offer_id: i64) -> Result<(String, bool), sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT o.ranking_mode, (SELECT COUNT(*) FROM rankings r WHERE r.offer_id = o.id)
         FROM offers o WHERE o.id = $1",
    )
    .bind(offer_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map_or(
        (RankingMode::Cotation.code().to_string(), false),
        |(mode, n)| (mode, n > 0),
    ))
}

/// Sets how a draft offer will be ranked.
pub async fn set_mode(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
    mode: RankingMode,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE offers SET ranking_mode = $1 WHERE id = $2 AND organisation_id = $3 AND status = 'draft'",
    )
    .bind(mode.code())
    .bind(offer_id)
    .bind(organisation_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// Sets aside, with `motive`, the entries of `user_id` in rankings not yet before a commission
/// (their offer closed or under review): the request ended, so staff do not shortlist it.
pub async fn set_aside_everywhere(
    conn: &mut AnyConnection,
    user_id: i64,
    motive: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE ranking_entries SET skip_motive = $2, skipped_at = $3, shortlisted = 0
         WHERE applicant_user_id = $1 AND skip_motive IS NULL
           AND ranking_id IN (SELECT r.id FROM rankings r JOIN offers o ON o.id = r.offer_id
                              WHERE o.status IN ('closed', 'in_review'))",
    )
    .bind(user_id)
    .bind(motive)
    .bind(crate::ssr::db::now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Removes from the profiles frozen in rankings what names the household (the SNE number, first
/// names, the current landlord), keeping what the ranking used: a ranking can still be replayed
/// for the other candidates, and no longer says who this one was.
pub async fn scrub_snapshots(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, profile_snapshot FROM ranking_entries WHERE applicant_user_id = $1",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    for (id, snapshot) in rows {
        let mut profile: Profile = serde_json::from_str(&snapshot).map_err(json_error)?;
        profile.sne_number = None;
        profile.current_landlord.clear();
        for member in &mut profile.members {
            member.first_name = "—".to_string();
        }
        sqlx::query("UPDATE ranking_entries SET profile_snapshot = $2 WHERE id = $1")
            .bind(id)
            .bind(serde_json::to_string(&profile).map_err(json_error)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The profile snapshot a ranking entry was ranked on (JSON), if the entry exists.
pub async fn entry_snapshot(pool: &AnyPool, entry_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT profile_snapshot FROM ranking_entries WHERE id = $1")
            .bind(entry_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(snapshot,)| snapshot))
}

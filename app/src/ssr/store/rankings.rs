//! Rankings made when an offer closes, the skips and the shortlist staff build from them.
//!
//! A ranking stores everything it used: the offer's terms, and for each candidate the profile as
//! it stood at the close, the grid version, the breakdown and the eligibility. Replaying it from
//! those snapshots gives the same order, whatever changed since.

use crate::domain::calendar::{Date, paris_date};
use crate::domain::cotation::{Audience, Facts, GridVersion, Score, score};
use crate::domain::eligibility::{Assessment, OfferTerms, Verdict};
use crate::domain::format::spreadsheet_safe;
use crate::domain::offer::{Financing, OfferStatus, Typology, categories_from_csv};
use crate::domain::profile::Profile;
use crate::domain::ranking::{Candidate, RankingMode, ShortlistException, check_shortlist, rank};
use crate::model::{RankedCandidate, RankingView};
use crate::ssr::db::{bind_rows, rows_per_statement};
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

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

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    position: Option<i64>,
    display_name: String,
    profile_snapshot: String,
    breakdown: String,
    assessment: String,
    applied_at: i64,
    grid_audience: Option<String>,
    grid_version: Option<i64>,
    skip_motive: Option<String>,
    skipped_by: Option<String>,
    shortlisted: i64,
}

#[derive(sqlx::FromRow)]
struct RankingRow {
    id: i64,
    mode: String,
    seed: i64,
    ranked_on: String,
    shortlist_size: Option<i64>,
    shortlist_exception: String,
    status: String,
    typology: String,
    surface_m2: i64,
    commune_insee: String,
}

/// Candidates per page of a ranking: what a person reads at once, and a bounded answer however
/// many applied.
pub const RANKING_PAGE: i64 = 50;

/// The candidates of the ranking of an offer of `organisation_id`, in ranking order (the ranked
/// by rank, then the others), `limit` from `offset`. The organisation is checked on every call,
/// so an export read in batches stays within it.
pub async fn entries(
    pool: &AnyPool,
    organisation_id: i64,
    offer_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<RankedCandidate>, sqlx::Error> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT e.id, e.position, us.display_name, e.profile_snapshot, e.breakdown, e.assessment,
                e.applied_at, g.audience AS grid_audience, g.version AS grid_version, e.skip_motive,
                sk.display_name AS skipped_by, e.shortlisted
         FROM ranking_entries e JOIN users us ON us.id = e.applicant_user_id
              LEFT JOIN users sk ON sk.id = e.skipped_by
              LEFT JOIN cotation_grids g ON g.id = e.grid_id
         WHERE e.id IN (
             -- The page is chosen on the narrow columns first: sorting thousands of entries with
             -- their snapshots attached would cost ten times more.
             SELECT p.id FROM ranking_entries p JOIN rankings r ON r.id = p.ranking_id
                  JOIN offers o ON o.id = r.offer_id
             WHERE r.offer_id = $1 AND o.organisation_id = $2
             ORDER BY CASE WHEN p.position IS NULL THEN 1 ELSE 0 END, p.position, p.id
             LIMIT $3 OFFSET $4)
         ORDER BY CASE WHEN e.position IS NULL THEN 1 ELSE 0 END, e.position, e.id",
    )
    .bind(offer_id)
    .bind(organisation_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(candidate).collect()
}

fn candidate(row: EntryRow) -> Result<RankedCandidate, sqlx::Error> {
    let profile: Profile = serde_json::from_str(&row.profile_snapshot).map_err(json_error)?;
    let persons = profile.members.len();
    let audience = row.grid_audience.as_deref().and_then(Audience::parse);
    let grid_label = match audience.zip(row.grid_version) {
        Some((audience, version)) => format!("{}, version {version}", audience.label()),
        None => "Aucune grille en vigueur pour ce territoire".to_string(),
    };
    Ok(RankedCandidate {
        entry_id: row.id,
        position: row.position,
        name: row.display_name,
        sne_number: profile.sne_number.clone().unwrap_or_default(),
        household: format!("{persons} personne{}", if persons > 1 { "s" } else { "" }),
        first_filing: profile
            .first_filing_date
            .map(|d| d.french())
            .unwrap_or_else(|| "non renseignée".into()),
        applied_on: paris_date(row.applied_at).french(),
        score: serde_json::from_str(&row.breakdown).map_err(json_error)?,
        grid_label,
        assessment: serde_json::from_str(&row.assessment).map_err(json_error)?,
        skip_motive: row.skip_motive,
        skipped_by: row.skipped_by,
        shortlisted: row.shortlisted != 0,
    })
}

/// One page (from 1; past the last gives the last) of the ranking of an offer of
/// `organisation_id`, with the counts over the whole ranking. `None` when the offer is not theirs
/// or not ranked yet.
pub async fn view(
    pool: &AnyPool,
    organisation_id: i64,
    offer_id: i64,
    page: i64,
) -> Result<Option<RankingView>, sqlx::Error> {
    let ranking: Option<RankingRow> = sqlx::query_as(
        "SELECT r.id, r.mode, r.seed, r.ranked_on, r.shortlist_size, r.shortlist_exception, o.status,
                u.typology, u.surface_m2, u.commune_insee
         FROM rankings r JOIN offers o ON o.id = r.offer_id JOIN units u ON u.id = o.unit_id
         WHERE r.offer_id = $1 AND o.organisation_id = $2",
    )
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(pool)
    .await?;
    let Some(r) = ranking else {
        return Ok(None);
    };
    let (total, ranked, available): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(position),
                COALESCE(SUM(CASE WHEN position IS NOT NULL AND skip_motive IS NULL THEN 1 ELSE 0 END), 0)
         FROM ranking_entries WHERE ranking_id = $1",
    )
    .bind(r.id)
    .fetch_one(pool)
    .await?;
    let marked: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT position, shortlisted FROM ranking_entries
         WHERE ranking_id = $1 AND position IS NOT NULL
           AND (shortlisted <> 0
                -- Only the ranks passed over matter, and withdrawals set thousands aside.
                OR (skip_motive IS NOT NULL AND position < (
                    SELECT MAX(k.position) FROM ranking_entries k
                    WHERE k.ranking_id = $1 AND k.shortlisted <> 0)))
         ORDER BY position",
    )
    .bind(r.id)
    .fetch_all(pool)
    .await?;
    let (kept, set_aside): (Vec<(i64, i64)>, Vec<(i64, i64)>) = marked
        .into_iter()
        .partition(|(_, shortlisted)| *shortlisted != 0);
    let pages = ((total + RANKING_PAGE - 1) / RANKING_PAGE).max(1);
    let page = page.clamp(1, pages);
    let candidates = entries(
        pool,
        organisation_id,
        offer_id,
        (page - 1) * RANKING_PAGE,
        RANKING_PAGE,
    )
    .await?;
    let mode = RankingMode::parse(&r.mode).unwrap_or(RankingMode::Cotation);
    let status = OfferStatus::parse(&r.status);
    Ok(Some(RankingView {
        offer_id,
        title: format!(
            "{} de {} m² à {}",
            r.typology,
            r.surface_m2,
            crate::ssr::reference::commune_name(&r.commune_insee)
        ),
        status_label: status.map(|s| s.label()).unwrap_or("?").to_string(),
        mode_label: mode.label().to_string(),
        mode_explain: mode.explain().to_string(),
        seed: r.seed,
        ranked_on: Date::parse(&r.ranked_on)
            .map(|d| d.french())
            .unwrap_or(r.ranked_on),
        candidates,
        page,
        pages,
        total,
        ranked,
        available,
        kept: kept.into_iter().map(|(p, _)| p).collect(),
        set_aside: set_aside.into_iter().map(|(p, _)| p).collect(),
        shortlist: r.shortlist_size.map(|size| {
            (
                size,
                ShortlistException::parse(&r.shortlist_exception).map(|e| e.label().to_string()),
            )
        }),
        editable: matches!(status, Some(OfferStatus::Closed | OfferStatus::InReview)),
    }))
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

/// The first lines of the ranking as CSV for staff (semicolon-separated, as French spreadsheets
/// expect): a byte-order mark, so that spreadsheets read the accents as UTF-8, and the header.
pub fn csv_head() -> Result<Vec<u8>, csv::Error> {
    let mut out = csv_writer(Vec::from("\u{feff}".as_bytes()));
    out.write_record([
        "rang",
        "candidat",
        "numero_unique",
        "foyer",
        "premiere_demande",
        "candidature",
        "note",
        "detail_note",
        "eligibilite",
        "ecarte_motif",
        "liste_commission",
    ])?;
    into_bytes(out)
}

/// Candidates as lines of that CSV, one batch of the export at a time.
pub fn csv_lines(candidates: &[RankedCandidate]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv_writer(Vec::new());
    for c in candidates {
        let detail = c
            .score
            .met()
            .map(|l| {
                format!(
                    "{} {}{}",
                    l.label,
                    l.points,
                    if l.counted { "" } else { " (non cumulé)" }
                )
            })
            .collect::<Vec<_>>()
            .join(" | ");
        let eligibility = match c.assessment.verdict {
            Verdict::Eligible => "recevable",
            Verdict::ToCheck => "à vérifier",
            Verdict::Ineligible => "non recevable",
        };
        out.write_record([
            c.position.map(|p| p.to_string()).unwrap_or_default(),
            spreadsheet_safe(&c.name),
            c.sne_number.clone(),
            c.household.clone(),
            c.first_filing.clone(),
            c.applied_on.clone(),
            c.score.total.to_string(),
            spreadsheet_safe(&detail),
            eligibility.to_string(),
            spreadsheet_safe(c.skip_motive.as_deref().unwrap_or("")),
            if c.shortlisted { "oui" } else { "non" }.to_string(),
        ])?;
    }
    into_bytes(out)
}

fn csv_writer(into: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().delimiter(b';').from_writer(into)
}

fn into_bytes(out: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
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

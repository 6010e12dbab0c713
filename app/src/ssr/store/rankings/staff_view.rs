//! What staff read of a ranking: a page of candidates with the counts over the whole ranking,
//! the candidates in batches for the export, and the export's CSV lines.

use super::json_error;
use crate::domain::calendar::{Date, paris_date};
use crate::domain::cotation::Audience;
use crate::domain::eligibility::Verdict;
use crate::domain::format::spreadsheet_safe;
use crate::domain::offer::OfferStatus;
use crate::domain::profile::Profile;
use crate::domain::ranking::{RankingMode, ShortlistException};
use crate::model::{RankedCandidate, RankingView};
use sqlx::AnyPool;

/// One entry as stored, its snapshots still JSON text: [`decode`] reads them (CPU work, which a
/// long export does on a blocking thread).
#[derive(sqlx::FromRow)]
pub struct EntryRow {
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

/// How staff name a ranked offer: "T3 de 65 m² à Besançon".
fn title(typology: &str, surface_m2: i64, commune_insee: &str) -> String {
    format!(
        "{typology} de {surface_m2} m² à {}",
        crate::ssr::reference::commune_name(commune_insee)
    )
}

/// The title of the ranked offer of `organisation_id`, or `None` when the offer is not theirs or
/// not ranked yet: the access check of what reads a whole ranking (the export, the replay).
pub async fn title_of(
    pool: &AnyPool,
    organisation_id: i64,
    offer_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT u.typology, u.surface_m2, u.commune_insee
         FROM rankings r JOIN offers o ON o.id = r.offer_id JOIN units u ON u.id = o.unit_id
         WHERE r.offer_id = $1 AND o.organisation_id = $2",
    )
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(typology, surface, insee)| title(&typology, surface, &insee)))
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
    decode(entry_rows(pool, organisation_id, offer_id, offset, limit).await?)
}

/// [`entries`] as stored, not yet decoded.
pub async fn entry_rows(
    pool: &AnyPool,
    organisation_id: i64,
    offer_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as(
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
    .await
}

/// Reads the stored entries' snapshots.
pub fn decode(rows: Vec<EntryRow>) -> Result<Vec<RankedCandidate>, sqlx::Error> {
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
        title: title(&r.typology, r.surface_m2, &r.commune_insee),
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

//! What ended offers came to, read for publication and for each applicant's explanation: the
//! ranking made at the close, the proposals, the lease. Read only; nothing here names a
//! household, and the callers publish only what `domain::results` lets through.

use crate::domain::calendar::Date;
use crate::domain::cotation::{Score, months_between};
use crate::domain::profile::Profile;
use sqlx::AnyPool;
use std::collections::{HashMap, HashSet};

/// An offer that ended, attributed or not, with what its result page publishes.
pub struct Ended {
    pub offer_id: i64,
    pub attributed: bool,
    pub published_at: Option<i64>,
    pub typology: String,
    pub surface_m2: i64,
    pub commune_insee: String,
    pub landlord: String,
    /// The ranking's mode code, when the offer was ranked.
    pub mode: Option<String>,
    pub applications: i64,
    pub eligible: i64,
    /// The housed household's score (when a grid scored it) and the age of its request at the
    /// close, in months.
    pub housed: Option<(Option<i64>, Option<i64>)>,
    pub refusals: i64,
    pub leased_on: Option<String>,
}

#[derive(sqlx::FromRow)]
struct EndedRow {
    id: i64,
    status: String,
    published_at: Option<i64>,
    typology: String,
    surface_m2: i64,
    commune_insee: String,
    landlord: String,
    ranking_id: Option<i64>,
    mode: Option<String>,
    ranked_on: Option<String>,
}

/// The age in months, at `on`, of the request a profile snapshot describes.
fn seniority(snapshot: &str, on: Option<&str>) -> Option<i64> {
    let profile: Profile = serde_json::from_str(snapshot).ok()?;
    let on = Date::parse(on?)?;
    Some(i64::from(months_between(profile.first_filing_date?, on)))
}

/// The lease signed for an offer: its date and tenant (`None` once the tenant's account is gone).
async fn lease_of(
    pool: &AnyPool,
    offer_id: i64,
) -> Result<Option<(String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT signed_on, tenant_user_id FROM leases WHERE offer_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(offer_id)
    .fetch_optional(pool)
    .await
}

/// An ended offer's result; `None` while it is still open, ranked or in commission.
pub async fn ended(pool: &AnyPool, offer_id: i64) -> Result<Option<Ended>, sqlx::Error> {
    let row: Option<EndedRow> = sqlx::query_as(
        "SELECT o.id, o.status, o.published_at, u.typology, u.surface_m2, u.commune_insee,
                g.name AS landlord, r.id AS ranking_id, r.mode, r.ranked_on
         FROM offers o JOIN units u ON u.id = o.unit_id
              JOIN organisations g ON g.id = o.organisation_id
              LEFT JOIN rankings r ON r.offer_id = o.id
         WHERE o.id = $1 AND o.status IN ('attributed', 'unsuccessful')",
    )
    .bind(offer_id)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let entries: Vec<(i64, i64, i64, String, Option<i64>)> = match row.ranking_id {
        Some(ranking_id) => {
            sqlx::query_as(
                "SELECT applicant_user_id, eligible, score, profile_snapshot, grid_id
                 FROM ranking_entries WHERE ranking_id = $1",
            )
            .bind(ranking_id)
            .fetch_all(pool)
            .await?
        }
        None => Vec::new(),
    };
    let lease = lease_of(pool, offer_id).await?;
    let housed = lease
        .as_ref()
        .and_then(|(_, tenant)| *tenant)
        .and_then(|tenant| entries.iter().find(|e| e.0 == tenant))
        .map(|(_, _, score, snapshot, grid)| {
            (
                grid.map(|_| *score),
                seniority(snapshot, row.ranked_on.as_deref()),
            )
        });
    let (refusals,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM offer_proposals WHERE offer_id = $1 AND status IN ('refusee', 'expiree')",
    )
    .bind(offer_id)
    .fetch_one(pool)
    .await?;
    Ok(Some(Ended {
        offer_id: row.id,
        attributed: row.status == "attributed",
        published_at: row.published_at,
        typology: row.typology,
        surface_m2: row.surface_m2,
        commune_insee: row.commune_insee,
        landlord: row.landlord,
        mode: row.mode,
        applications: entries.len() as i64,
        eligible: entries.iter().filter(|e| e.1 != 0).count() as i64,
        housed,
        refusals,
        leased_on: lease.map(|(on, _)| on),
    }))
}

/// Offers of a territory with this typology and financing leased on or after `since`: for each,
/// the applications ranked at its close, the housed household's score when the offer was ranked
/// by cotation, and the age of its request in months.
pub async fn comparable(
    pool: &AnyPool,
    epci_siren: &str,
    typology: &str,
    financing: &str,
    since: Date,
) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM ranking_entries x WHERE x.ranking_id = r.id), r.mode,
                r.ranked_on, CASE WHEN e.grid_id IS NULL THEN NULL ELSE e.score END, e.profile_snapshot
         FROM leases l JOIN offers o ON o.id = l.offer_id JOIN units u ON u.id = o.unit_id
              JOIN rankings r ON r.offer_id = o.id
              LEFT JOIN ranking_entries e ON e.ranking_id = r.id AND e.applicant_user_id = l.tenant_user_id
         WHERE u.epci_siren = $1 AND u.typology = $2 AND u.financing = $3 AND l.signed_on >= $4
               AND o.status = 'attributed'",
    )
    .bind(epci_siren)
    .bind(typology)
    .bind(financing)
    .bind(since.iso())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(applications, mode, ranked_on, score, snapshot)| {
            let score = score.filter(|_| mode == "cotation");
            let months = snapshot.and_then(|s| seniority(&s, Some(&ranked_on)));
            (applications, score, months)
        })
        .collect())
}

/// One application of an applicant, as its explanation needs it once the offer is ranked.
pub struct Outcome {
    pub application_id: i64,
    pub offer_id: i64,
    pub withdrawn: bool,
    pub offer_status: String,
    pub typology: String,
    pub surface_m2: i64,
    pub commune_insee: String,
    pub landlord: String,
    pub landlord_address: String,
    pub published_at: Option<i64>,
    pub closes_at: i64,
    pub mode: String,
    pub ranked_on: String,
    /// The applicant's own line of the ranking: its score lines and the grid that made them.
    pub score: Option<Score>,
    pub grid_id: Option<i64>,
    /// The housed household's score lines, grid and age of request (months).
    pub housed: Option<(Score, Option<i64>, Option<i64>)>,
    /// The applicant is the tenant.
    pub is_housed: bool,
    pub commission_on: Option<String>,
    pub leased_on: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OutcomeRow {
    id: i64,
    offer_id: i64,
    status: String,
    offer_status: String,
    typology: String,
    surface_m2: i64,
    commune_insee: String,
    landlord: String,
    postal_address: String,
    published_at: Option<i64>,
    closes_at: i64,
    ranking_id: i64,
    mode: String,
    ranked_on: String,
}

/// The applicant's application once its offer is ranked; `None` before the close, or when the
/// application is somebody else's.
pub async fn outcome(
    pool: &AnyPool,
    user_id: i64,
    application_id: i64,
) -> Result<Option<Outcome>, sqlx::Error> {
    let row: Option<OutcomeRow> = sqlx::query_as(
        "SELECT a.id, a.offer_id, a.status, o.status AS offer_status, u.typology, u.surface_m2,
                u.commune_insee, g.name AS landlord, g.postal_address, o.published_at, o.closes_at,
                r.id AS ranking_id, r.mode, r.ranked_on
         FROM applications a JOIN offers o ON o.id = a.offer_id JOIN units u ON u.id = o.unit_id
              JOIN organisations g ON g.id = o.organisation_id
              JOIN rankings r ON r.offer_id = a.offer_id
         WHERE a.id = $1 AND a.applicant_user_id = $2",
    )
    .bind(application_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let entries: Vec<(i64, i64, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT application_id, applicant_user_id, breakdown, grid_id, profile_snapshot
         FROM ranking_entries WHERE ranking_id = $1",
    )
    .bind(row.ranking_id)
    .fetch_all(pool)
    .await?;
    let breakdown = |raw: &str| serde_json::from_str::<Score>(raw).ok();
    let mine = entries.iter().find(|e| e.0 == row.id);
    let lease = lease_of(pool, row.offer_id).await?;
    let tenant = lease.as_ref().and_then(|(_, tenant)| *tenant);
    let housed = tenant
        .and_then(|tenant| entries.iter().find(|e| e.1 == tenant))
        .and_then(|(_, _, raw, grid, snapshot)| {
            Some((
                breakdown(raw)?,
                *grid,
                seniority(snapshot, Some(&row.ranked_on)),
            ))
        });
    let commission_on: Option<(String,)> = sqlx::query_as(
        "SELECT s.held_on FROM session_items i JOIN caleol_sessions s ON s.id = i.session_id
         WHERE i.offer_id = $1 AND s.status IN ('close', 'signee')",
    )
    .bind(row.offer_id)
    .fetch_optional(pool)
    .await?;
    Ok(Some(Outcome {
        application_id: row.id,
        offer_id: row.offer_id,
        withdrawn: row.status == "withdrawn",
        offer_status: row.offer_status,
        typology: row.typology,
        surface_m2: row.surface_m2,
        commune_insee: row.commune_insee,
        landlord: row.landlord,
        landlord_address: row.postal_address,
        published_at: row.published_at,
        closes_at: row.closes_at,
        mode: row.mode,
        ranked_on: row.ranked_on,
        score: mine.and_then(|e| breakdown(&e.2)),
        grid_id: mine.and_then(|e| e.3),
        housed,
        is_housed: tenant == Some(user_id),
        commission_on: commission_on.map(|(on,)| on),
        leased_on: lease.map(|(on, _)| on),
    }))
}

/// One offer of a territory as its figures need it: publication, applications at the close,
/// proposals, and its lease with the tenant as they stood at the close (`None` fields when the
/// offer was not ranked, or the tenant's line is gone with their account).
pub struct TerritoryOffer {
    pub published_at: Option<i64>,
    pub applications: Option<i64>,
    pub lease: Option<(String, bool, Option<Profile>)>,
}

#[derive(sqlx::FromRow)]
struct TerritoryRow {
    id: i64,
    published_at: Option<i64>,
    in_qpv: i64,
    applications: i64,
}

/// The territory's offers published since `since` (Unix seconds) or leased since `since_day`.
pub async fn territory_offers(
    pool: &AnyPool,
    epci_siren: &str,
    since: i64,
    since_day: Date,
) -> Result<Vec<TerritoryOffer>, sqlx::Error> {
    let rows: Vec<TerritoryRow> = sqlx::query_as(
        "SELECT o.id, o.published_at, u.in_qpv,
                (SELECT COUNT(*) FROM ranking_entries e JOIN rankings r ON r.id = e.ranking_id
                 WHERE r.offer_id = o.id) AS applications
         FROM offers o JOIN units u ON u.id = o.unit_id
         WHERE u.epci_siren = $1 AND o.published_at IS NOT NULL
               AND (o.published_at >= $2
                    OR EXISTS (SELECT 1 FROM leases l WHERE l.offer_id = o.id AND l.signed_on >= $3))",
    )
    .bind(epci_siren)
    .bind(since)
    .bind(since_day.iso())
    .fetch_all(pool)
    .await?;
    let ranked: HashSet<i64> = sqlx::query_as::<_, (i64,)>(
        "SELECT r.offer_id FROM rankings r JOIN offers o ON o.id = r.offer_id
         JOIN units u ON u.id = o.unit_id
         WHERE u.epci_siren = $1 AND o.published_at IS NOT NULL
               AND (o.published_at >= $2
                    OR EXISTS (SELECT 1 FROM leases l WHERE l.offer_id = o.id AND l.signed_on >= $3))",
    )
    .bind(epci_siren)
    .bind(since)
    .bind(since_day.iso())
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    let mut leases: HashMap<i64, (String, Option<String>)> = HashMap::new();
    let rows_of_leases: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT l.offer_id, l.signed_on, e.profile_snapshot
         FROM leases l JOIN offers o ON o.id = l.offer_id JOIN units u ON u.id = o.unit_id
              LEFT JOIN rankings r ON r.offer_id = o.id
              LEFT JOIN ranking_entries e ON e.ranking_id = r.id AND e.applicant_user_id = l.tenant_user_id
         WHERE u.epci_siren = $1 AND l.signed_on >= $2",
    )
    .bind(epci_siren)
    .bind(since_day.iso())
    .fetch_all(pool)
    .await?;
    for (offer, on, snapshot) in rows_of_leases {
        // One lease per offer; the first recorded stands.
        leases.entry(offer).or_insert((on, snapshot));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let lease = leases.remove(&row.id).map(|(on, snapshot)| {
                (
                    on,
                    row.in_qpv != 0,
                    snapshot
                        .as_deref()
                        .and_then(|s| serde_json::from_str::<Profile>(s).ok()),
                )
            });
            TerritoryOffer {
                published_at: row.published_at,
                applications: ranked.contains(&row.id).then_some(row.applications),
                lease,
            }
        })
        .collect())
}

/// The units offered in the territory and answered since `since` (Unix seconds): when, and
/// whether refused or left unanswered.
pub async fn territory_answers(
    pool: &AnyPool,
    epci_siren: &str,
    since: i64,
) -> Result<Vec<(i64, bool)>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT p.responded_at, p.status FROM offer_proposals p
         JOIN offers o ON o.id = p.offer_id JOIN units u ON u.id = o.unit_id
         WHERE u.epci_siren = $1 AND p.responded_at IS NOT NULL AND p.responded_at >= $2
               AND p.status IN ('refusee', 'expiree', 'acceptee', 'bail_signe')",
    )
    .bind(epci_siren)
    .bind(since)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, status)| (at, matches!(status.as_str(), "refusee" | "expiree")))
        .collect())
}

/// The territories where offers were published, as `(SIREN, offers)`, most offers first.
pub async fn territories_with_offers(pool: &AnyPool) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.epci_siren, COUNT(*) AS offers FROM offers o JOIN units u ON u.id = o.unit_id
         WHERE o.published_at IS NOT NULL GROUP BY u.epci_siren ORDER BY offers DESC, u.epci_siren",
    )
    .fetch_all(pool)
    .await
}

/// The territory's latest ended offers, newest first: `(offer, typology, surface, commune, attributed)`.
pub async fn ended_in_territory(
    pool: &AnyPool,
    epci_siren: &str,
    limit: i64,
) -> Result<Vec<(i64, String, i64, String, bool)>, sqlx::Error> {
    let rows: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT o.id, u.typology, u.surface_m2, u.commune_insee, o.status
         FROM offers o JOIN units u ON u.id = o.unit_id
         WHERE u.epci_siren = $1 AND o.status IN ('attributed', 'unsuccessful')
         ORDER BY o.updated_at DESC, o.id DESC LIMIT $2",
    )
    .bind(epci_siren)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, typology, surface, insee, status)| {
            (id, typology, surface, insee, status == "attributed")
        })
        .collect())
}

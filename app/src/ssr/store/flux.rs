//! Gestion en flux: the réservataires each landlord has conventions with, the conventions' shares
//! of the yearly flow, the flow's forecasts, and the counts the orientation form and the bilans
//! read from the offers oriented to them. Every query is scoped to one organisation.

use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

/// One convention, with its réservataire.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Convention {
    pub id: i64,
    pub reservataire_id: i64,
    pub kind: String,
    pub name: String,
    pub year: i64,
    pub departement: String,
    pub commune_insee: String,
    pub share_bp: i64,
    pub reference: String,
}

const CONVENTION_COLUMNS: &str = "c.id, c.reservataire_id, r.kind, r.name, c.year, c.departement,
     c.commune_insee, c.share_bp, c.reference";

/// The réservataire of this kind and name among the organisation's, recorded if new.
pub async fn reservataire_id(
    conn: &mut AnyConnection,
    organisation_id: i64,
    kind: &str,
    name: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO reservataires (organisation_id, kind, name, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (organisation_id, kind, name) DO NOTHING",
    )
    .bind(organisation_id)
    .bind(kind)
    .bind(name)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "SELECT id FROM reservataires WHERE organisation_id = $1 AND kind = $2 AND name = $3",
    )
    .bind(organisation_id)
    .bind(kind)
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The organisation's réservataires: `(id, kind, name)`, by kind then name.
pub async fn reservataires(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, name FROM reservataires WHERE organisation_id = $1 ORDER BY kind, name",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await
}

/// The organisation's conventions of a year (of one département when given), by département,
/// commune, then réservataire.
pub async fn conventions<'e, E>(
    executor: E,
    organisation_id: i64,
    year: i32,
    departement: Option<&str>,
) -> Result<Vec<Convention>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!(
        "SELECT {CONVENTION_COLUMNS} FROM flux_conventions c
         JOIN reservataires r ON r.id = c.reservataire_id
         WHERE c.organisation_id = $1 AND c.year = $2 AND ($3 = '' OR c.departement = $3)
         ORDER BY c.departement, c.commune_insee, r.kind, r.name"
    ))
    .bind(organisation_id)
    .bind(i64::from(year))
    .bind(departement.unwrap_or(""))
    .fetch_all(executor)
    .await
}

/// Every convention of one réservataire of the organisation, any year.
pub async fn conventions_of(
    pool: &AnyPool,
    organisation_id: i64,
    reservataire_id: i64,
) -> Result<Vec<Convention>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {CONVENTION_COLUMNS} FROM flux_conventions c
         JOIN reservataires r ON r.id = c.reservataire_id
         WHERE c.organisation_id = $1 AND c.reservataire_id = $2
         ORDER BY c.year, c.departement, c.commune_insee"
    ))
    .bind(organisation_id)
    .bind(reservataire_id)
    .fetch_all(pool)
    .await
}

/// What a convention says, as recorded.
pub struct NewConvention<'a> {
    pub reservataire_id: i64,
    pub year: i32,
    pub departement: &'a str,
    pub commune_insee: &'a str,
    pub share_bp: u32,
    pub reference: &'a str,
}

/// Records a convention, or replaces the share and reference of the one the réservataire already
/// has for that year and territory. Returns its id.
pub async fn save_convention(
    conn: &mut AnyConnection,
    organisation_id: i64,
    convention: &NewConvention<'_>,
    by: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO flux_conventions (organisation_id, reservataire_id, year, departement,
             commune_insee, share_bp, reference, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (reservataire_id, year, departement, commune_insee)
         DO UPDATE SET share_bp = excluded.share_bp, reference = excluded.reference,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
         RETURNING id",
    )
    .bind(organisation_id)
    .bind(convention.reservataire_id)
    .bind(i64::from(convention.year))
    .bind(convention.departement)
    .bind(convention.commune_insee)
    .bind(i64::from(convention.share_bp))
    .bind(convention.reference)
    .bind(by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Records (or replaces) the forecast of a year's flow in a département.
pub async fn save_forecast(
    conn: &mut AnyConnection,
    organisation_id: i64,
    year: i32,
    departement: &str,
    units: u32,
    out_of_flow: u32,
    by: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO flux_forecasts (organisation_id, year, departement, units, out_of_flow,
             recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (organisation_id, year, departement)
         DO UPDATE SET units = excluded.units, out_of_flow = excluded.out_of_flow,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(organisation_id)
    .bind(i64::from(year))
    .bind(departement)
    .bind(i64::from(units))
    .bind(i64::from(out_of_flow))
    .bind(by)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

/// The forecasts of a year: `(département, units, out of the flow)`.
pub async fn forecasts(
    pool: &AnyPool,
    organisation_id: i64,
    year: i32,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT departement, units, out_of_flow FROM flux_forecasts
         WHERE organisation_id = $1 AND year = $2 ORDER BY departement",
    )
    .bind(organisation_id)
    .bind(i64::from(year))
    .fetch_all(pool)
    .await
}

/// The convention a réservataire has for a unit of this commune in that year: its commune's
/// convention if it signed one, else its departmental one.
pub async fn convention_for(
    conn: &mut AnyConnection,
    organisation_id: i64,
    reservataire_id: i64,
    year: i32,
    departement: &str,
    commune_insee: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM flux_conventions
         WHERE organisation_id = $1 AND reservataire_id = $2 AND year = $3 AND departement = $4
           AND (commune_insee = '' OR commune_insee = $5)
         ORDER BY commune_insee DESC LIMIT 1",
    )
    .bind(organisation_id)
    .bind(reservataire_id)
    .bind(i64::from(year))
    .bind(departement)
    .bind(commune_insee)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Which offers count in the flow, everywhere it is counted: published (a draft proposes
/// nothing yet) and not cancelled (a cancelled offer's unit is offered again).
const COUNTED: &str = "o.published_at IS NOT NULL AND o.status <> 'cancelled'";

/// How many offers of the year each convention has had, and how many of them led to a lease:
/// `(convention id, oriented, attributed)`.
pub async fn usage(
    pool: &AnyPool,
    organisation_id: i64,
    year: i32,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT o.convention_id, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM leases l WHERE l.offer_id = o.id) THEN 1 ELSE 0 END)
         FROM offers o
         WHERE o.organisation_id = $1 AND o.flux_year = $2 AND o.convention_id IS NOT NULL
           AND {COUNTED}
         GROUP BY o.convention_id"
    ))
    .bind(organisation_id)
    .bind(i64::from(year))
    .fetch_all(pool)
    .await
}

/// The offers of the year counted outside the conventions, per département and orientation
/// (`bailleur` or a reason for leaving the flow):
/// `(département, orientation, offers, attributed)`.
pub async fn other_orientations(
    pool: &AnyPool,
    organisation_id: i64,
    year: i32,
) -> Result<Vec<(String, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT rc.departement, o.orientation, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM leases l WHERE l.offer_id = o.id) THEN 1 ELSE 0 END)
         FROM offers o
         JOIN units u ON u.id = o.unit_id
         JOIN ref_communes rc ON rc.insee = u.commune_insee
         WHERE o.organisation_id = $1 AND o.flux_year = $2 AND o.orientation <> 'convention'
           AND {COUNTED}
         GROUP BY rc.departement, o.orientation"
    ))
    .bind(organisation_id)
    .bind(i64::from(year))
    .fetch_all(pool)
    .await
}

/// One unit a réservataire's conventions of a year put on offer, as its bilan breaks it down.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BilanRow {
    pub typology: String,
    pub financing: String,
    pub in_qpv: i64,
    pub commune_insee: String,
    pub construction_period: String,
    pub leased: i64,
}

/// The published offers oriented to a réservataire's conventions of a year.
pub async fn bilan_rows(
    pool: &AnyPool,
    organisation_id: i64,
    reservataire_id: i64,
    year: i32,
) -> Result<Vec<BilanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT u.typology, u.financing, u.in_qpv, u.commune_insee, u.construction_period,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM leases l WHERE l.offer_id = o.id) THEN 1 ELSE 0 END
                    AS BIGINT) AS leased
         FROM offers o
         JOIN flux_conventions c ON c.id = o.convention_id
         JOIN units u ON u.id = o.unit_id
         WHERE o.organisation_id = $1 AND c.reservataire_id = $2 AND c.year = $3 AND {COUNTED}
         ORDER BY o.id"
    ))
    .bind(organisation_id)
    .bind(reservataire_id)
    .bind(i64::from(year))
    .fetch_all(pool)
    .await
}

/// The offers of a year the organisation took out of the flow in a département, per reason:
/// `(reason, offers)`.
pub async fn out_of_flow(
    pool: &AnyPool,
    organisation_id: i64,
    year: i32,
    departement: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT o.orientation, COUNT(*)
         FROM offers o
         JOIN units u ON u.id = o.unit_id
         JOIN ref_communes rc ON rc.insee = u.commune_insee
         WHERE o.organisation_id = $1 AND o.flux_year = $2 AND rc.departement = $3
           AND o.orientation IN ('anru', 'mutation', 'autre') AND {COUNTED}
         GROUP BY o.orientation ORDER BY o.orientation"
    ))
    .bind(organisation_id)
    .bind(i64::from(year))
    .bind(departement)
    .fetch_all(pool)
    .await
}

/// One of the organisation's réservataires: `(kind, name)`.
pub async fn reservataire_of(
    pool: &AnyPool,
    organisation_id: i64,
    reservataire_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT kind, name FROM reservataires WHERE id = $1 AND organisation_id = $2")
        .bind(reservataire_id)
        .bind(organisation_id)
        .fetch_optional(pool)
        .await
}

/// Binds an account to the réservataire it reads for.
pub async fn link_account(
    conn: &mut AnyConnection,
    user_id: i64,
    reservataire_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO reservataire_accounts (user_id, reservataire_id) VALUES ($1, $2)")
        .bind(user_id)
        .bind(reservataire_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The réservataire an account reads for, with its landlord: `(organisation id, réservataire id)`.
pub async fn account_of(pool: &AnyPool, user_id: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.organisation_id, r.id FROM reservataire_accounts a
         JOIN reservataires r ON r.id = a.reservataire_id WHERE a.user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await
}

/// The accounts of the organisation's réservataires: `(réservataire id, name, e-mail, active)`.
pub async fn accounts(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, u.display_name, u.email, u.active FROM reservataire_accounts a
         JOIN reservataires r ON r.id = a.reservataire_id JOIN users u ON u.id = a.user_id
         WHERE r.organisation_id = $1 ORDER BY r.kind, r.name, u.email",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await
}

/// The years a réservataire has conventions for, latest first.
pub async fn years_of(
    pool: &AnyPool,
    organisation_id: i64,
    reservataire_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT year FROM flux_conventions
         WHERE organisation_id = $1 AND reservataire_id = $2 ORDER BY year DESC",
    )
    .bind(organisation_id)
    .bind(reservataire_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(y,)| y).collect())
}

/// An offer oriented to a réservataire: what it may read of it (the unit and where the offer
/// stands; nothing of the applicants).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrientedOffer {
    pub id: i64,
    pub year: i64,
    pub status: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub typology: String,
    pub financing: String,
    pub commune_insee: String,
    pub leased: i64,
}

/// The offers oriented to a réservataire, drafts aside, newest first, at most `limit`.
pub async fn oriented_offers(
    pool: &AnyPool,
    organisation_id: i64,
    reservataire_id: i64,
    limit: i64,
) -> Result<Vec<OrientedOffer>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, c.year, o.status, o.opens_at, o.closes_at, u.typology, u.financing,
                u.commune_insee,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM leases l WHERE l.offer_id = o.id) THEN 1 ELSE 0 END
                    AS BIGINT) AS leased
         FROM offers o
         JOIN flux_conventions c ON c.id = o.convention_id
         JOIN units u ON u.id = o.unit_id
         WHERE o.organisation_id = $1 AND c.reservataire_id = $2 AND o.status <> 'draft'
         ORDER BY o.opens_at DESC, o.id DESC LIMIT $3",
    )
    .bind(organisation_id)
    .bind(reservataire_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A lease, as the attribution objectives read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttributionRow {
    pub lease_id: i64,
    pub landlord: String,
    pub in_qpv: i64,
    pub signed_on: String,
    /// The housed household as ranked at the close (absent when it was not ranked here).
    pub snapshot: Option<String>,
    pub orientation: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
}

/// The leases signed in `year` for units of an EPCI (of one organisation when given), one row
/// per lease; those recorded without an offer here have no household and no orientation.
pub async fn attributions(
    pool: &AnyPool,
    epci_siren: &str,
    year: i32,
    organisation_id: Option<i64>,
) -> Result<Vec<AttributionRow>, sqlx::Error> {
    let mut rows: Vec<AttributionRow> = sqlx::query_as(
        "SELECT l.id AS lease_id, g.name AS landlord, u.in_qpv, l.signed_on,
                e.profile_snapshot AS snapshot, o.orientation, rs.kind, rs.name
         FROM leases l
         JOIN units u ON u.id = l.unit_id
         JOIN organisations g ON g.id = l.organisation_id
         LEFT JOIN offers o ON o.id = l.offer_id
         LEFT JOIN rankings r ON r.offer_id = o.id
         LEFT JOIN ranking_entries e ON e.ranking_id = r.id AND e.applicant_user_id = l.tenant_user_id
         LEFT JOIN flux_conventions fc ON fc.id = o.convention_id
         LEFT JOIN reservataires rs ON rs.id = fc.reservataire_id
         WHERE u.epci_siren = $1 AND l.signed_on >= $2 AND l.signed_on < $3
           AND ($4 = 0 OR l.organisation_id = $4)
         ORDER BY l.id, r.id",
    )
    .bind(epci_siren)
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{:04}-01-01", year + 1))
    .bind(organisation_id.unwrap_or(0))
    .fetch_all(pool)
    .await?;
    // An offer ranked again has several rankings: its first one stands, as for its result.
    rows.dedup_by_key(|r| r.lease_id);
    Ok(rows)
}

/// Where an offer counts, for the objectives its attribution would move: its landlord, the
/// unit's EPCI and QPV flag, and its orientation (with the réservataire's kind and name).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferFlux {
    pub organisation_id: i64,
    pub epci_siren: String,
    pub in_qpv: i64,
    pub orientation: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
}

pub async fn offer_flux(pool: &AnyPool, offer_id: i64) -> Result<Option<OfferFlux>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.organisation_id, u.epci_siren, u.in_qpv, o.orientation, rs.kind, rs.name
         FROM offers o JOIN units u ON u.id = o.unit_id
         LEFT JOIN flux_conventions fc ON fc.id = o.convention_id
         LEFT JOIN reservataires rs ON rs.id = fc.reservataire_id
         WHERE o.id = $1",
    )
    .bind(offer_id)
    .fetch_optional(pool)
    .await
}

/// An offer's orientation, the réservataire of its convention, and the year it counts in.
pub async fn orientation_of(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
) -> Result<Option<(Option<String>, Option<i64>, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.orientation, c.reservataire_id, o.flux_year FROM offers o
         LEFT JOIN flux_conventions c ON c.id = o.convention_id
         WHERE o.id = $1 AND o.organisation_id = $2",
    )
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(conn)
    .await
}

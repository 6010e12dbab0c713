//! Offers and their lifecycle, as staff and the platform's jobs change them. Every staff query
//! carries the organisation in its WHERE clause, so an offer of another organisation is simply not
//! found.

use super::record_event;
pub use super::{OfferWriteError, status_of, transition};
use super::{iso_day, last_day};
use crate::domain::flux::Orientation;
use crate::domain::offer::{OfferStatus, ValidWindow, categories_to_csv};
use crate::model::StaffOfferRow;
use crate::ssr::db::now;
use crate::ssr::reference::commune_name;
use sqlx::{AnyConnection, AnyPool};

#[derive(sqlx::FromRow)]
struct StaffOfferListRow {
    id: i64,
    unit_id: i64,
    reference: String,
    address: String,
    commune_insee: String,
    typology: String,
    status: String,
    opens_at: i64,
    closes_at: i64,
}

impl From<StaffOfferListRow> for StaffOfferRow {
    fn from(r: StaffOfferListRow) -> Self {
        let status = OfferStatus::parse(&r.status);
        StaffOfferRow {
            id: r.id,
            unit_id: r.unit_id,
            unit_reference: r.reference,
            address: r.address,
            commune: commune_name(&r.commune_insee),
            typology: r.typology,
            status_label: status.map(|s| s.label()).unwrap_or("?").to_string(),
            status: r.status,
            opens_on: iso_day(r.opens_at),
            closes_on: last_day(r.closes_at),
        }
    }
}

const STAFF_OFFER_COLUMNS: &str =
    "SELECT o.id, o.unit_id, u.reference, u.address, u.commune_insee, u.typology,
        o.status, o.opens_at, o.closes_at
     FROM offers o JOIN units u ON u.id = o.unit_id";

/// The organisation's offers still in progress (not decided or cancelled), soonest closing first.
pub async fn live_offers(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Vec<StaffOfferRow>, sqlx::Error> {
    let rows: Vec<StaffOfferListRow> = sqlx::query_as(&format!(
        "{STAFF_OFFER_COLUMNS}
         WHERE o.organisation_id = $1 AND o.status IN ('draft', 'published', 'closed', 'in_review', 'in_commission')
         ORDER BY o.closes_at, o.id LIMIT 200"
    ))
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Every offer of one unit, newest first.
pub async fn unit_offers(
    pool: &AnyPool,
    organisation_id: i64,
    unit_id: i64,
) -> Result<Vec<StaffOfferRow>, sqlx::Error> {
    let rows: Vec<StaffOfferListRow> = sqlx::query_as(&format!(
        "{STAFF_OFFER_COLUMNS} WHERE o.organisation_id = $1 AND o.unit_id = $2 ORDER BY o.id DESC"
    ))
    .bind(organisation_id)
    .bind(unit_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Creates a draft offer of one of the organisation's units.
pub async fn create_offer(
    conn: &mut AnyConnection,
    organisation_id: i64,
    unit_id: i64,
    window: &ValidWindow,
    actor: i64,
) -> Result<i64, OfferWriteError> {
    if !super::owns_unit(conn, organisation_id, unit_id).await? {
        return Err(OfferWriteError::NotFound);
    }
    let at = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO offers (unit_id, organisation_id, status, categories, opens_at, closes_at, created_at, updated_at)
         VALUES ($1, $2, 'draft', $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(unit_id)
    .bind(organisation_id)
    .bind(categories_to_csv(&window.categories))
    .bind(window.opens_at)
    .bind(window.closes_at)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    record_event(conn, id, None, OfferStatus::Draft, Some(actor), at).await?;
    Ok(id)
}

/// Records where a draft counts in the yearly flow (`convention_id` when oriented to one).
pub async fn set_orientation(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
    orientation: Orientation,
    convention_id: Option<i64>,
    year: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE offers SET orientation = $1, convention_id = $2, flux_year = $3
         WHERE id = $4 AND organisation_id = $5 AND status = 'draft'",
    )
    .bind(orientation.code())
    .bind(convention_id)
    .bind(i64::from(year))
    .bind(offer_id)
    .bind(organisation_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The unit an offer of the organisation lets: its id and commune.
pub async fn unit_of(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.commune_insee FROM offers o JOIN units u ON u.id = o.unit_id
         WHERE o.id = $1 AND o.organisation_id = $2",
    )
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(conn)
    .await
}

/// Changes a draft's window and categories.
pub async fn update_window(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
    window: &ValidWindow,
) -> Result<(), OfferWriteError> {
    let (status, _) = status_of(conn, Some(organisation_id), offer_id).await?;
    if !status.is_editable() {
        return Err(OfferWriteError::NotAllowed(status));
    }
    let changed = sqlx::query(
        "UPDATE offers SET categories = $1, opens_at = $2, closes_at = $3, updated_at = $4
         WHERE id = $5 AND organisation_id = $6 AND status = 'draft'",
    )
    .bind(categories_to_csv(&window.categories))
    .bind(window.opens_at)
    .bind(window.closes_at)
    .bind(now())
    .bind(offer_id)
    .bind(organisation_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 1 {
        Ok(())
    } else {
        Err(OfferWriteError::NotAllowed(status))
    }
}

/// Published offers whose window has ended, at most 500 at a time.
pub async fn due_to_close(pool: &AnyPool, at: i64) -> Result<Vec<i64>, sqlx::Error> {
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM offers WHERE status = 'published' AND closes_at <= $1 ORDER BY id LIMIT 500",
    )
    .bind(at)
    .fetch_all(pool)
    .await?;
    Ok(due.into_iter().map(|(id,)| id).collect())
}

/// The generation of the search index every server should be at.
pub async fn search_generation(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT value FROM platform_state WHERE key = 'search_generation'")
            .fetch_optional(pool)
            .await?;
    Ok(row.map_or(0, |(v,)| v))
}

/// Asks every app server to rebuild its index from the database.
pub async fn bump_search_generation(pool: &AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE platform_state SET value = value + 1 WHERE key = 'search_generation'")
        .execute(pool)
        .await?;
    Ok(())
}

/// Offers changed at or after `since`, with their change time.
pub async fn changes_since(pool: &AnyPool, since: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT id, updated_at FROM offers WHERE updated_at >= $1 ORDER BY id")
        .bind(since)
        .fetch_all(pool)
        .await
}

/// The organisation that publishes an offer.
pub async fn organisation_of(
    conn: &mut AnyConnection,
    offer_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT organisation_id FROM offers WHERE id = $1")
        .bind(offer_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(id,)| id))
}

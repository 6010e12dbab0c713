//! Offers and their lifecycle, as staff and the platform's jobs change them. Every staff query
//! carries the organisation in its WHERE clause, so an offer of another organisation is simply not
//! found.

use super::listings::{commune_name, iso_day, last_day};
use crate::domain::offer::{OfferStatus, ValidWindow, categories_to_csv};
use crate::model::StaffOfferRow;
use crate::ssr::db::now;
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

async fn record_event(
    conn: &mut AnyConnection,
    offer_id: i64,
    from: Option<OfferStatus>,
    to: OfferStatus,
    actor: Option<i64>,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO offer_events (offer_id, from_status, to_status, actor_user_id, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(offer_id)
    .bind(from.map(OfferStatus::code))
    .bind(to.code())
    .bind(actor)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum OfferWriteError {
    /// No such unit or offer in this organisation.
    NotFound,
    /// The unit already has an offer in progress.
    UnitBusy,
    /// The offer is not in a state that allows this.
    NotAllowed(OfferStatus),
    /// Publishing an offer whose window has already ended.
    WindowOver,
    Db(String),
}

impl From<sqlx::Error> for OfferWriteError {
    fn from(e: sqlx::Error) -> Self {
        if crate::ssr::db::is_unique_violation(&e) {
            OfferWriteError::UnitBusy
        } else {
            OfferWriteError::Db(e.to_string())
        }
    }
}

/// Creates a draft offer of one of the organisation's units.
pub async fn create_offer(
    conn: &mut AnyConnection,
    organisation_id: i64,
    unit_id: i64,
    window: &ValidWindow,
    actor: i64,
) -> Result<i64, OfferWriteError> {
    let owned: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM units WHERE organisation_id = $1 AND id = $2")
            .bind(organisation_id)
            .bind(unit_id)
            .fetch_optional(&mut *conn)
            .await?;
    if owned.is_none() {
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

/// Where an offer of the organisation stands (`None`: any organisation, for the platform's jobs),
/// and when its window closes.
pub async fn status_of(
    conn: &mut AnyConnection,
    organisation_id: Option<i64>,
    offer_id: i64,
) -> Result<(OfferStatus, i64), OfferWriteError> {
    let row: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT status, organisation_id, closes_at FROM offers WHERE id = $1")
            .bind(offer_id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some((status, owner, closes_at)) if organisation_id.is_none_or(|o| o == owner) => {
            let status = OfferStatus::parse(&status)
                .ok_or(OfferWriteError::Db(format!("unknown status {status}")))?;
            Ok((status, closes_at))
        }
        _ => Err(OfferWriteError::NotFound),
    }
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

/// Moves an offer to `to` if the lifecycle allows it from where it stands, and records who did it.
/// `organisation_id = None` is the platform itself (the closing job). Returns the previous status.
pub async fn transition(
    conn: &mut AnyConnection,
    organisation_id: Option<i64>,
    offer_id: i64,
    to: OfferStatus,
    actor: Option<i64>,
) -> Result<OfferStatus, OfferWriteError> {
    let (from, closes_at) = status_of(conn, organisation_id, offer_id).await?;
    if !from.can_become(to) {
        return Err(OfferWriteError::NotAllowed(from));
    }
    let at = now();
    if to == OfferStatus::Published && closes_at <= at {
        return Err(OfferWriteError::WindowOver);
    }
    // The status in the WHERE clause makes concurrent transitions safe: only one of them matches.
    let changed = sqlx::query(
        "UPDATE offers SET status = $1, updated_at = $2,
             published_at = CASE WHEN $1 = 'published' THEN $2 ELSE published_at END
         WHERE id = $3 AND status = $4",
    )
    .bind(to.code())
    .bind(at)
    .bind(offer_id)
    .bind(from.code())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(OfferWriteError::NotAllowed(from));
    }
    record_event(conn, offer_id, Some(from), to, actor, at).await?;
    Ok(from)
}

/// Closes every published offer whose window has ended. Safe to run any number of times, from any
/// number of servers: each offer is closed once. Returns the ids it closed.
///
/// Each applicant of a closed offer is told in the same transaction (`link` leads to their
/// applications).
pub async fn close_due(pool: &AnyPool, at: i64, link: &str) -> Result<Vec<i64>, sqlx::Error> {
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM offers WHERE status = 'published' AND closes_at <= $1 ORDER BY id LIMIT 500",
    )
    .bind(at)
    .fetch_all(pool)
    .await?;
    let mut closed = Vec::new();
    for (id,) in due {
        let mut tx = crate::ssr::db::begin_write(pool).await?;
        match transition(&mut tx, None, id, OfferStatus::Closed, None).await {
            Ok(_) => {
                // The ranking is made with the profiles as they stand at the close, in the
                // closing transaction: no application can change in between.
                super::rankings::make(&mut tx, id, at).await?;
                super::applications::notify_applicants(&mut tx, id, OfferStatus::Closed, link)
                    .await?;
                tx.commit().await?;
                closed.push(id);
            }
            // Someone else moved it first (another server, or staff): nothing to do.
            Err(OfferWriteError::NotAllowed(_) | OfferWriteError::NotFound) => {}
            Err(OfferWriteError::Db(e)) => return Err(sqlx::Error::Protocol(e)),
            Err(OfferWriteError::UnitBusy | OfferWriteError::WindowOver) => {}
        }
    }
    Ok(closed)
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

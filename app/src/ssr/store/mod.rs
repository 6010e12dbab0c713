//! Queries, grouped by subject. Every statement is parameterised; callers pass a pool or a
//! transaction's connection, so that several writes can commit together.

pub mod accounts;
pub mod alerts;
pub mod applications;
pub mod assisted;
pub mod audit;
pub mod caleol;
pub mod cotation;
pub mod documents;
pub mod file_reads;
pub mod flux;
pub mod housing;
pub mod imports;
pub mod listings;
pub mod offers;
pub mod organisations;
pub mod photos;
pub mod profiles;
pub mod rankings;
pub mod reference;
pub mod results;
pub mod territories;
pub mod units;

use crate::domain::calendar::paris_date;
use crate::domain::offer::OfferStatus;
use crate::model::PhotoRef;
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

/// Whether a unit belongs to the organisation: what staff do to a unit (offer it, add a photo)
/// is refused for anyone else's, as for a unit that does not exist.
pub(crate) async fn owns_unit(
    conn: &mut AnyConnection,
    organisation_id: i64,
    unit_id: i64,
) -> Result<bool, sqlx::Error> {
    let owned: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM units WHERE organisation_id = $1 AND id = $2")
            .bind(organisation_id)
            .bind(unit_id)
            .fetch_optional(conn)
            .await?;
    Ok(owned.is_some())
}

/// A stored instant as its day in Paris, ISO-formatted.
pub(crate) fn iso_day(unix: i64) -> String {
    paris_date(unix).iso()
}

/// The last day an offer accepts applications: the day before the (exclusive) closing instant.
pub(crate) fn last_day(closes_at: i64) -> String {
    paris_date(closes_at - 1).iso()
}

#[derive(sqlx::FromRow)]
struct RefRow {
    id: i64,
    unit_id: i64,
    alt: String,
    width: i64,
    height: i64,
}

impl From<RefRow> for PhotoRef {
    fn from(r: RefRow) -> Self {
        PhotoRef {
            id: r.id,
            alt: r.alt,
            width: r.width,
            height: r.height,
        }
    }
}

/// The photos of these units, in upload order, grouped by unit: the offers that show them and
/// the staff who manage them both read them.
pub async fn photo_refs(
    pool: &AnyPool,
    unit_ids: &[i64],
) -> Result<Vec<(i64, PhotoRef)>, sqlx::Error> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = crate::ssr::db::bind_list(unit_ids.len());
    let sql = format!(
        "SELECT id, unit_id, alt, width, height FROM unit_photos WHERE unit_id IN ({}) ORDER BY id",
        placeholders
    );
    let mut query = sqlx::query_as::<_, RefRow>(&sql);
    for id in unit_ids {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| (r.unit_id, r.into()))
        .collect())
}

// The offer's lifecycle is written here rather than in `offers`: the platform's close, the
// shortlist and the commission's follow-up all move an offer along it inside their own writes.

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

pub(crate) async fn record_event(
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

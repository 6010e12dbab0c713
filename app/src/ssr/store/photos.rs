//! Photos of units, stored in the database so that every app server serves the same files and a
//! backup holds them with the rest.

pub use super::photo_refs as for_units;
use crate::ssr::db::now;
use crate::ssr::photos::{MAX_PER_UNIT, Processed};
use sqlx::{AnyConnection, AnyPool};

pub async fn count_for_unit(pool: &AnyPool, unit_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM unit_photos WHERE unit_id = $1")
        .bind(unit_id)
        .fetch_one(pool)
        .await?;
    Ok(n)
}

/// What became of a photo sent for a unit.
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    Added(i64),
    /// Not a unit of this organisation.
    NotFound,
    /// The unit has its [`MAX_PER_UNIT`] photos already.
    Full,
}

/// Stores a photo of one of the organisation's units, within the unit's allowance, in the
/// caller's transaction.
pub async fn insert(
    conn: &mut AnyConnection,
    organisation_id: i64,
    unit_id: i64,
    alt: &str,
    photo: &Processed,
) -> Result<Stored, sqlx::Error> {
    // Touching the unit's row first makes uploads to one unit take turns (a row lock on
    // PostgreSQL; SQLite's write transactions already do): the count below cannot be overtaken.
    let owned = sqlx::query(
        "UPDATE units SET organisation_id = organisation_id WHERE id = $1 AND organisation_id = $2",
    )
    .bind(unit_id)
    .bind(organisation_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if owned == 0 {
        return Ok(Stored::NotFound);
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM unit_photos WHERE unit_id = $1")
        .bind(unit_id)
        .fetch_one(&mut *conn)
        .await?;
    if count >= MAX_PER_UNIT {
        return Ok(Stored::Full);
    }
    let at = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO unit_photos (unit_id, organisation_id, alt, width, height, large, thumb, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(unit_id)
    .bind(organisation_id)
    .bind(alt)
    .bind(i64::from(photo.width))
    .bind(i64::from(photo.height))
    .bind(photo.large.clone())
    .bind(photo.thumb.clone())
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    // Offers of the unit show the photo: mark them changed for the search sync.
    sqlx::query("UPDATE offers SET updated_at = $1 WHERE unit_id = $2")
        .bind(at)
        .bind(unit_id)
        .execute(&mut *conn)
        .await?;
    Ok(Stored::Added(id))
}

/// Removes one of the organisation's photos; answers its unit, or `None` if there was none.
pub async fn delete(
    pool: &AnyPool,
    organisation_id: i64,
    photo_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let unit: Option<(i64,)> = sqlx::query_as(
        "DELETE FROM unit_photos WHERE organisation_id = $1 AND id = $2 RETURNING unit_id",
    )
    .bind(organisation_id)
    .bind(photo_id)
    .fetch_optional(pool)
    .await?;
    Ok(unit.map(|(unit,)| unit))
}

/// The JPEG bytes of a photo (`thumb` for the small one), if whoever asks may see it: anyone
/// while the unit is on a published offer, and the staff of its organisation always.
pub async fn bytes(
    pool: &AnyPool,
    photo_id: i64,
    thumb: bool,
    staff_of: Option<i64>,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let column = if thumb { "thumb" } else { "large" };
    let row: Option<(Vec<u8>,)> = sqlx::query_as(&format!(
        "SELECT p.{column} FROM unit_photos p
         WHERE p.id = $1 AND (p.organisation_id = $2 OR EXISTS (
             SELECT 1 FROM offers o WHERE o.unit_id = p.unit_id AND o.status = 'published'))"
    ))
    .bind(photo_id)
    .bind(staff_of.unwrap_or(-1))
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(b,)| b))
}

//! Saved searches ("alertes"): an applicant's catalogue queries, and the daily digest of the
//! offers published since the last one.

use crate::domain::catalogue::CatalogueQuery;
use crate::model::SavedSearchRef;
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

/// Alerts an applicant may keep.
pub const MAX_PER_APPLICANT: i64 = 5;
/// One digest a day at most per alert.
pub const DIGEST_EVERY_SECONDS: i64 = 24 * 60 * 60;

#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    New,
    Already,
    TooMany,
}

/// Saves `query` (canonical form) for the applicant; new offers count from now on.
pub async fn save(
    conn: &mut AnyConnection,
    user_id: i64,
    query: &CatalogueQuery,
) -> Result<Saved, sqlx::Error> {
    let canonical = query.for_alert().to_query_string();
    let (count, same): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN query = $2 THEN 1 ELSE 0 END), 0)
         FROM saved_searches WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(&canonical)
    .fetch_one(&mut *conn)
    .await?;
    if same > 0 {
        return Ok(Saved::Already);
    }
    if count >= MAX_PER_APPLICANT {
        return Ok(Saved::TooMany);
    }
    let at = now();
    sqlx::query(
        "INSERT INTO saved_searches (user_id, query, created_at, digested_until) VALUES ($1, $2, $3, $3)
         ON CONFLICT (user_id, query) DO NOTHING",
    )
    .bind(user_id)
    .bind(&canonical)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(Saved::New)
}

pub async fn list(pool: &AnyPool, user_id: i64) -> Result<Vec<SavedSearchRef>, sqlx::Error> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, query FROM saved_searches WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, raw)| {
            let query = CatalogueQuery::from_query_string(&raw).ok()?;
            Some(SavedSearchRef {
                id,
                description: query.describe(crate::ssr::reference::national()),
                href: query.href(),
            })
        })
        .collect())
}

pub async fn delete(conn: &mut AnyConnection, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM saved_searches WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// An alert whose digest is due.
pub struct DueAlert {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub query: String,
    pub digested_until: i64,
}

pub async fn due(pool: &AnyPool, at: i64) -> Result<Vec<DueAlert>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT s.id, u.email, u.display_name, s.query, s.digested_until
         FROM saved_searches s JOIN users u ON u.id = s.user_id
         WHERE u.active = 1 AND s.digested_until <= $1 ORDER BY s.id LIMIT 1000",
    )
    .bind(at - DIGEST_EVERY_SECONDS)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, email, name, query, digested_until)| DueAlert {
            id,
            email,
            name,
            query,
            digested_until,
        })
        .collect())
}

/// Moves an alert's mark from `from` to `to`; false when another server already did.
pub async fn claim(
    conn: &mut AnyConnection,
    id: i64,
    from: i64,
    to: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE saved_searches SET digested_until = $3 WHERE id = $1 AND digested_until = $2",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Of `ids`, those published in `(after, until]`, in the order given.
pub async fn published_between(
    pool: &AnyPool,
    ids: &[i64],
    after: i64,
    until: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (3..ids.len() + 3).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id FROM offers WHERE published_at > $1 AND published_at <= $2 AND id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql).bind(after).bind(until);
    for id in ids {
        query = query.bind(*id);
    }
    let found: Vec<i64> = query
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    Ok(ids
        .iter()
        .copied()
        .filter(|id| found.contains(id))
        .collect())
}

/// Deletes every saved search of `user_id`.
pub async fn erase_all(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM saved_searches WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

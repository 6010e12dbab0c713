//! Applicants' proofs. The owner is always the session's applicant; staff reach a proof only
//! through an application its owner made to one of their organisation's offers.

use crate::domain::calendar::Date;
use crate::domain::documents::{DocumentKind, ValidDocument};
use crate::model::DocumentRef;
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

pub async fn count_for(conn: &mut AnyConnection, user_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM applicant_documents WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(conn)
            .await?;
    Ok(n)
}

pub async fn insert(
    conn: &mut AnyConnection,
    user_id: i64,
    document: &ValidDocument,
    content: Vec<u8>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO applicant_documents (user_id, kind, valid_until, filename, content_type, size_bytes, content, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user_id)
    .bind(document.kind.code())
    .bind(document.valid_until.map(Date::iso))
    .bind(&document.filename)
    .bind(document.content_type)
    .bind(content.len() as i64)
    .bind(content)
    .bind(now())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    kind: String,
    valid_until: Option<String>,
    filename: String,
    size_bytes: i64,
    created_at: i64,
}

/// The applicant's proofs, newest first; `today` decides which have expired.
pub async fn list(
    pool: &AnyPool,
    user_id: i64,
    today: Date,
) -> Result<Vec<DocumentRef>, sqlx::Error> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "SELECT id, kind, valid_until, filename, size_bytes, created_at
         FROM applicant_documents WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let valid_until = r.valid_until.as_deref().and_then(Date::parse);
            DocumentRef {
                id: r.id,
                kind_label: DocumentKind::parse(&r.kind)
                    .map_or_else(|| r.kind.clone(), |k| k.label().to_string()),
                filename: r.filename,
                size_kb: (r.size_bytes + 1023) / 1024,
                added_on: crate::domain::calendar::paris_date(r.created_at).french(),
                valid_until: valid_until.map(Date::french),
                expired: valid_until.is_some_and(|d| d < today),
            }
        })
        .collect())
}

/// Deletes one of the applicant's own proofs; false when there is no such proof of theirs.
pub async fn delete(conn: &mut AnyConnection, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM applicant_documents WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Who asks for a proof.
pub enum Reader {
    Applicant(i64),
    /// Staff of this organisation.
    Staff(i64),
}

/// A proof's name, type and bytes, if `reader` may have it: its owner, or staff of an
/// organisation instructing one of the owner's live applications (not withdrawn, on an offer
/// not yet ended). Access follows the application: a withdrawal or the offer's end closes it.
pub async fn read(
    pool: &AnyPool,
    id: i64,
    reader: Reader,
) -> Result<Option<(String, String, Vec<u8>)>, sqlx::Error> {
    let query = match reader {
        Reader::Applicant(user_id) => sqlx::query_as(
            "SELECT filename, content_type, content FROM applicant_documents WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user_id),
        Reader::Staff(organisation_id) => sqlx::query_as(
            "SELECT d.filename, d.content_type, d.content FROM applicant_documents d
             WHERE d.id = $1 AND EXISTS (
                 SELECT 1 FROM applications a JOIN offers o ON o.id = a.offer_id
                 WHERE a.applicant_user_id = d.user_id AND a.organisation_id = $2
                   AND a.status = 'active'
                   AND o.status IN ('published', 'closed', 'in_review', 'in_commission'))",
        )
        .bind(id)
        .bind(organisation_id),
    };
    query.fetch_optional(pool).await
}

/// Deletes the proofs of `user_id` sent before a lease of theirs was signed here.
pub async fn erase_before_lease(conn: &mut AnyConnection, user_id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM applicant_documents
         WHERE user_id = $1
           AND EXISTS (SELECT 1 FROM leases l
                       WHERE l.tenant_user_id = $1 AND applicant_documents.created_at <= l.created_at)",
    )
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes every proof of `user_id`; returns how many there were.
pub async fn erase_all(conn: &mut AnyConnection, user_id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM applicant_documents WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Applicants housed here who still hold the proofs of that request (sent before the lease; a
/// tenant applying again for a transfer keeps the new ones), at most `limit`. A struck-off
/// request's proofs go when it is struck off.
pub async fn of_housed(pool: &AnyPool, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT d.user_id FROM applicant_documents d
         WHERE EXISTS (SELECT 1 FROM leases l
                       WHERE l.tenant_user_id = d.user_id AND d.created_at <= l.created_at)
         ORDER BY d.user_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

//! The audit log: who did what, when, to what, and why.

use crate::model::caleol::AuditRow;
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

pub struct AuditEntry<'a> {
    pub actor_user_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

pub async fn record(conn: &mut AnyConnection, entry: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (actor_user_id, organisation_id, action, subject, detail, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.actor_user_id)
    .bind(entry.organisation_id)
    .bind(entry.action)
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

/// The organisation's audit log, newest first, for its admins.
pub async fn organisation_log(
    pool: &AnyPool,
    organisation_id: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows: Vec<(i64, Option<String>, String, String, String)> = sqlx::query_as(
        "SELECT a.created_at, u.display_name, a.action, a.subject, a.detail
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
         WHERE a.organisation_id = $1 ORDER BY a.id DESC LIMIT $2",
    )
    .bind(organisation_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, action, subject, detail)| AuditRow {
            at: crate::domain::calendar::paris_date(at).french(),
            actor: actor.unwrap_or_else(|| "la plateforme".into()),
            action,
            subject,
            detail,
        })
        .collect())
}

/// Whether a staff member administers their organisation.
pub async fn is_org_admin(pool: &AnyPool, user_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT user_id FROM organisation_admins WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.is_some())
}

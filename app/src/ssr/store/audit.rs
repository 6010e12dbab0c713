//! The audit log: who did what, when, to what, and why.

use crate::ssr::db::now;
use sqlx::AnyConnection;

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

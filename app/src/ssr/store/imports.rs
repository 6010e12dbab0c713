//! CSV imports of units, scoped to the organisation that made them.

use crate::model::{ImportReport, ImportRowError};
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

pub struct NewImport<'a> {
    pub organisation_id: i64,
    pub user_id: i64,
    pub filename: &'a str,
    pub content: &'a str,
    pub rows: i64,
    pub new_units: i64,
    pub updated_units: i64,
    pub errors: &'a [ImportRowError],
}

pub async fn insert(pool: &AnyPool, import: &NewImport<'_>) -> Result<i64, sqlx::Error> {
    let errors_json = serde_json::to_string(import.errors).unwrap_or_else(|_| "[]".into());
    let status = if import.errors.is_empty() {
        "checked"
    } else {
        "invalid"
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO unit_imports (organisation_id, user_id, filename, content, status, rows_count, new_units,
             updated_units, errors_json, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(import.organisation_id)
    .bind(import.user_id)
    .bind(import.filename)
    .bind(import.content)
    .bind(status)
    .bind(import.rows)
    .bind(import.new_units)
    .bind(import.updated_units)
    .bind(errors_json)
    .bind(now())
    .fetch_one(pool)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct ImportRow {
    id: i64,
    filename: String,
    status: String,
    rows_count: i64,
    new_units: i64,
    updated_units: i64,
    errors_json: String,
    created_at: i64,
    applied_at: Option<i64>,
}

impl From<ImportRow> for ImportReport {
    fn from(r: ImportRow) -> Self {
        ImportReport {
            id: r.id,
            filename: r.filename,
            status: r.status,
            rows: r.rows_count,
            new_units: r.new_units,
            updated_units: r.updated_units,
            errors: serde_json::from_str(&r.errors_json).unwrap_or_default(),
            created_at: r.created_at,
            applied_at: r.applied_at,
        }
    }
}

const COLUMNS: &str = "id, filename, status, rows_count, new_units, updated_units, errors_json, created_at, applied_at";

pub async fn report(
    pool: &AnyPool,
    organisation_id: i64,
    id: i64,
) -> Result<Option<ImportReport>, sqlx::Error> {
    let row: Option<ImportRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM unit_imports WHERE organisation_id = $1 AND id = $2"
    ))
    .bind(organisation_id)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(Into::into))
}

pub async fn recent(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Vec<ImportReport>, sqlx::Error> {
    let rows: Vec<ImportRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM unit_imports WHERE organisation_id = $1 ORDER BY id DESC LIMIT 20"
    ))
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The file of a checked, not yet applied import.
pub async fn pending_content(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT content FROM unit_imports WHERE organisation_id = $1 AND id = $2 AND status = 'checked'",
    )
    .bind(organisation_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(c,)| c))
}

/// Marks an import applied, once: `false` if it was not pending any more.
pub async fn mark_applied(
    conn: &mut AnyConnection,
    id: i64,
    new_units: i64,
    updated_units: i64,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE unit_imports SET status = 'applied', applied_at = $1, new_units = $2, updated_units = $3
         WHERE id = $4 AND status = 'checked'",
    )
    .bind(now())
    .bind(new_units)
    .bind(updated_units)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

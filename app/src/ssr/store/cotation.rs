//! Cotation grids (append-only versions per EPCI and audience), the scores the background job
//! keeps for each applicant, and the figures an applicant is owed (R441-2-17): the distribution
//! of comparable scores and the observed waiting time.

use crate::domain::calendar::Date;
use crate::domain::cotation::{Audience, Grid};
pub use crate::domain::cotation::{GridVersion, grid_for, in_force};
use crate::domain::offer::Typology;
use crate::ssr::db::{bind_rows, now, rows_per_statement};
use sqlx::{AnyConnection, AnyPool};

type GridRow = (i64, String, String, i64, String, String, i64);

fn version_of(row: GridRow) -> Option<GridVersion> {
    let (id, epci_siren, audience, version, effective_from, criteria, created_at) = row;
    Some(GridVersion {
        id,
        epci_siren,
        audience: Audience::parse(&audience)?,
        version,
        effective_from: Date::parse(&effective_from)?,
        grid: serde_json::from_str(&criteria).ok()?,
        created_at,
    })
}

const GRID_COLUMNS: &str =
    "id, epci_siren, audience, version, effective_from, criteria, created_at";

/// Stores a new version; its number follows the last one of the same EPCI and audience.
pub async fn insert_grid(
    conn: &mut AnyConnection,
    epci_siren: &str,
    audience: Audience,
    effective_from: Date,
    grid: &Grid,
    user_id: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let (last,): (Option<i64>,) = sqlx::query_as(
        "SELECT MAX(version) FROM cotation_grids WHERE epci_siren = $1 AND audience = $2",
    )
    .bind(epci_siren)
    .bind(audience.code())
    .fetch_one(&mut *conn)
    .await?;
    let version = last.unwrap_or(0) + 1;
    let criteria = serde_json::to_string(grid).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cotation_grids (epci_siren, audience, version, effective_from, criteria, created_by_user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(epci_siren)
    .bind(audience.code())
    .bind(version)
    .bind(effective_from.iso())
    .bind(criteria)
    .bind(user_id)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, version))
}

/// Every version, of one EPCI or of all, newest first (on a pool or inside a transaction).
pub async fn versions<'e, E>(
    executor: E,
    epci_siren: Option<&str>,
) -> Result<Vec<GridVersion>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<GridRow> = sqlx::query_as(&format!(
        "SELECT {GRID_COLUMNS} FROM cotation_grids
         WHERE $1 = '' OR epci_siren = $1
         ORDER BY epci_siren, audience, version DESC"
    ))
    .bind(epci_siren.unwrap_or(""))
    .fetch_all(executor)
    .await?;
    Ok(rows.into_iter().filter_map(version_of).collect())
}

/// The grids in force today, read from the store.
pub async fn current(pool: &AnyPool, on: Date) -> Result<Vec<GridVersion>, sqlx::Error> {
    Ok(in_force(&versions(pool, None).await?, on))
}

/// Applicants after `after` (a user id) whose score on `grid` is missing or older than their
/// profile or than `stale_before`, at most `limit`, in id order. Walking on from the last id
/// seen, rather than from the start, keeps each batch as cheap as the first over a million
/// requests.
pub async fn stale_scores(
    pool: &AnyPool,
    grid: &GridVersion,
    stale_before: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let audience_filter = match grid.audience {
        Audience::All => "",
        Audience::Mutation => "AND p.housing_status = 'social_tenant'",
        Audience::FirstRequest => "AND p.housing_status <> 'social_tenant'",
    };
    let due: Vec<(i64,)> = sqlx::query_as(&format!(
        "SELECT p.user_id FROM applicant_profiles p
         LEFT JOIN cotation_scores s ON s.user_id = p.user_id AND s.grid_id = $1
         WHERE p.user_id > $4
           AND (s.user_id IS NULL OR s.computed_at < p.updated_at OR s.computed_at < $2)
           {audience_filter}
         ORDER BY p.user_id LIMIT $3"
    ))
    .bind(grid.id)
    .bind(stale_before)
    .bind(limit)
    .bind(after)
    .fetch_all(pool)
    .await?;
    Ok(due.into_iter().map(|(id,)| id).collect())
}

/// Stores applicants' scores on one grid, computed at `at`, in one transaction of a few
/// multi-row statements.
pub async fn write_scores(
    pool: &AnyPool,
    grid_id: i64,
    scores: &[(i64, i32)],
    at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = crate::ssr::db::begin_write(pool).await?;
    for chunk in scores.chunks(rows_per_statement(4)) {
        let sql = format!(
            "INSERT INTO cotation_scores (user_id, grid_id, score, computed_at) VALUES {}
             ON CONFLICT (user_id, grid_id) DO UPDATE SET score = excluded.score, computed_at = excluded.computed_at",
            bind_rows(chunk.len(), 4)
        );
        let mut upsert = sqlx::query(&sql);
        for (user_id, total) in chunk {
            upsert = upsert
                .bind(*user_id)
                .bind(grid_id)
                .bind(i64::from(*total))
                .bind(at);
        }
        upsert.execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// How far the background scoring of a grid has got: (scored, requests it applies to).
pub async fn progress(pool: &AnyPool, grid: &GridVersion) -> Result<(i64, i64), sqlx::Error> {
    let audience_filter = match grid.audience {
        Audience::All => "",
        Audience::Mutation => "WHERE housing_status = 'social_tenant'",
        Audience::FirstRequest => "WHERE housing_status <> 'social_tenant'",
    };
    let (total,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM applicant_profiles {audience_filter}"
    ))
    .fetch_one(pool)
    .await?;
    let (scored,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM cotation_scores WHERE grid_id = $1")
            .bind(grid.id)
            .fetch_one(pool)
            .await?;
    Ok((scored.min(total), total))
}

/// How the stored scores on `grid_id` of requests wishing `typology` (the comparable requests of
/// R441-2-17: same territory through the grid, same typology) stand against `score`: how many,
/// how many lower, and the quartiles. Counted in the database, so a page view does not carry
/// every score over the wire.
pub async fn comparable(
    pool: &AnyPool,
    grid_id: i64,
    typology: Typology,
    score: i32,
) -> Result<crate::model::Comparable, sqlx::Error> {
    const COMPARABLE: &str =
        "FROM cotation_scores s JOIN applicant_profiles p ON p.user_id = s.user_id
         WHERE s.grid_id = $1 AND (',' || p.wished_typologies || ',') LIKE $2";
    let pattern = format!("%,{},%", typology.code());
    let (count, below): (i64, Option<i64>) = sqlx::query_as(&format!(
        "SELECT COUNT(*), SUM(CASE WHEN s.score < $3 THEN 1 ELSE 0 END) {COMPARABLE}"
    ))
    .bind(grid_id)
    .bind(&pattern)
    .bind(i64::from(score))
    .fetch_one(pool)
    .await?;
    let mut quartiles = Vec::new();
    if count > 0 {
        for q in 1..=3 {
            let (value,): (i64,) = sqlx::query_as(&format!(
                "SELECT s.score {COMPARABLE} ORDER BY s.score LIMIT 1 OFFSET $3"
            ))
            .bind(grid_id)
            .bind(&pattern)
            .bind((count * q / 4).min(count - 1))
            .fetch_one(pool)
            .await?;
            quartiles.push(i32::try_from(value).unwrap_or(0));
        }
    }
    Ok(crate::model::Comparable {
        typology: typology.label().to_string(),
        count: usize::try_from(count).unwrap_or(0),
        below: usize::try_from(below.unwrap_or(0)).unwrap_or(0),
        quartiles: match quartiles[..] {
            [q1, q2, q3] => Some((q1, q2, q3)),
            _ => None,
        },
        wait: None,
    })
}

/// Waiting times (months from first filing to attribution) of units of `typology` let in
/// `epci_siren` since `since`.
pub async fn observed_waits(
    pool: &AnyPool,
    epci_siren: &str,
    typology: Typology,
    since: Date,
) -> Result<Vec<u32>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT first_filing_date, attributed_on FROM attributions
         WHERE epci_siren = $1 AND typology = $2 AND attributed_on >= $3",
    )
    .bind(epci_siren)
    .bind(typology.code())
    .bind(since.iso())
    .fetch_all(pool)
    .await?;
    let mut waits: Vec<u32> = rows
        .iter()
        .filter_map(|(from, to)| {
            Some(crate::domain::cotation::months_between(
                Date::parse(from)?,
                Date::parse(to)?,
            ))
        })
        .collect();
    waits.sort_unstable();
    Ok(waits)
}

/// Deletes the scores kept for `user_id`.
pub async fn erase_scores(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM cotation_scores WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

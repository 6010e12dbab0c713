//! Publishing a territory's cotation grid, and keeping every request's score on the grids in force.

use super::Work;
use crate::domain::calendar::Date;
use crate::domain::cotation::{Facts, ValidGrid, in_force, score};
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::ssr::AppState;
use crate::ssr::db::now;
use crate::ssr::store::audit::AuditEntry;
use crate::ssr::store::{cotation, profiles};
use sqlx::AnyPool;

/// Publishes a new version of the territory admin's grid; returns its version number. The
/// scoring job is woken to score every request on it.
pub async fn publish_grid(
    state: &AppState,
    admin: &CurrentUser,
    epci: &str,
    valid: &ValidGrid,
) -> Result<i64, AppError> {
    let mut work = Work::begin(state).await?;
    let (id, version) = cotation::insert_grid(
        &mut work,
        epci,
        valid.audience,
        valid.effective_from,
        &valid.grid,
        admin.id,
    )
    .await?;
    work.audit(AuditEntry {
        actor_user_id: Some(admin.id),
        organisation_id: None,
        action: "grid.publish",
        subject: &format!("grid:{id}"),
        detail: &format!(
            "{epci} {} v{version} from {}",
            valid.audience.code(),
            valid.effective_from.iso()
        ),
    })
    .await?;
    work.commit().await?;
    state.rescore_wakeup.notify_one();
    Ok(version)
}

/// Scores applicants whose stored score is missing or older than their profile (or than a day,
/// since seniority grows), on every grid in force. Returns how many scores it wrote; the job
/// calls it until it returns 0, so a new grid reaches everyone within minutes and a restart
/// loses nothing.
pub async fn rescore_batch(pool: &AnyPool, on: Date, limit: i64) -> Result<usize, sqlx::Error> {
    let grids = in_force(&cotation::versions(pool, None).await?, on);
    let stale_before = now() - 24 * 3600;
    let mut written = 0;
    for grid in &grids {
        let due = cotation::stale_scores(pool, grid, stale_before, limit).await?;
        if due.is_empty() {
            continue;
        }
        let mut conn = pool.acquire().await?;
        let mut scores = Vec::with_capacity(due.len());
        for user_id in due {
            let profile = profiles::load(&mut conn, user_id).await?;
            scores.push((user_id, score(&Facts::of(&profile, on), &grid.grid).total));
        }
        drop(conn);
        cotation::write_scores(pool, grid.id, &scores, now()).await?;
        written += scores.len();
    }
    Ok(written)
}

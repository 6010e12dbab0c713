//! Publishing a territory's cotation grid, and keeping every request's score on the grids in force.

use super::Work;
use crate::domain::calendar::Date;
use crate::domain::cotation::{Facts, GridVersion, ValidGrid, in_force, score};
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
/// since seniority grows), on every grid in force: one pass over the requests per grid, in id
/// order, `batch` at a time, each batch read in a few statements and written in one short
/// transaction. `progress(grid, scored so far)` is called after each batch. Returns how many
/// scores it wrote; a restart simply passes again, skipping what is fresh.
pub async fn rescore(
    pool: &AnyPool,
    on: Date,
    batch: i64,
    mut progress: impl FnMut(&GridVersion, usize),
) -> Result<usize, sqlx::Error> {
    let grids = in_force(&cotation::versions(pool, None).await?, on);
    let stale_before = now() - 24 * 3600;
    let mut written = 0;
    for grid in &grids {
        let mut after = 0;
        let mut scored = 0;
        loop {
            let due = cotation::stale_scores(pool, grid, stale_before, after, batch).await?;
            let Some(&last) = due.last() else {
                break;
            };
            after = last;
            // Stamped before the read: a profile saved meanwhile is newer than its score, and
            // scored again on the next pass.
            let read_at = now();
            let mut profiles = profiles::load_many(&mut *pool.acquire().await?, &due).await?;
            let scores: Vec<(i64, i32)> = due
                .iter()
                .map(|user_id| {
                    let profile = profiles.remove(user_id).unwrap_or_default();
                    (*user_id, score(&Facts::of(&profile, on), &grid.grid).total)
                })
                .collect();
            cotation::write_scores(pool, grid.id, &scores, read_at).await?;
            scored += scores.len();
            progress(grid, scored);
        }
        written += scored;
    }
    Ok(written)
}

//! An offer's life as staff and the platform's clock move it: created for a window, edited,
//! published, unpublished or cancelled, and closed (then ranked) when its window ends.

use super::{Staff, Work};
use crate::domain::offer::{OfferStatus, ValidWindow};
use crate::domain::ranking::RankingMode;
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::catalogue;
use crate::ssr::store::offers::{self, OfferWriteError};
use crate::ssr::store::{applications, rankings};

/// Puts one of the organisation's units on offer for a window, oriented in the flow of the year
/// it opens (`orientation` as the form sends it, see [`super::flux::orient`]); returns the
/// offer's id.
pub async fn create(
    state: &AppState,
    staff: Staff,
    unit_id: i64,
    window: &ValidWindow,
    orientation: &str,
) -> Result<i64, AppError> {
    let mut work = Work::begin(state).await?;
    let id = offers::create_offer(
        &mut work,
        staff.organisation_id,
        unit_id,
        window,
        staff.user_id,
    )
    .await?;
    let year = super::flux::flux_year(window.opens_at);
    super::flux::orient(&mut work, staff.organisation_id, id, orientation, year).await?;
    work.audit_staff(
        staff,
        "offer.create",
        &format!("offer:{id}"),
        &format!("unit:{unit_id}"),
    )
    .await?;
    work.commit().await?;
    Ok(id)
}

/// Changes an offer's window and the way it will be ranked, while it may still change.
pub async fn update(
    state: &AppState,
    staff: Staff,
    offer_id: i64,
    window: &ValidWindow,
    mode: RankingMode,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    offers::update_window(&mut work, staff.organisation_id, offer_id, window).await?;
    let year = super::flux::flux_year(window.opens_at);
    super::flux::follow_year(&mut work, staff.organisation_id, offer_id, year).await?;
    rankings::set_mode(&mut work, staff.organisation_id, offer_id, mode).await?;
    work.audit_staff(staff, "offer.update", &format!("offer:{offer_id}"), "")
        .await?;
    work.commit().await
}

/// Moves an offer along one of the transitions staff may make from its state (`to` as sent);
/// its applicants hear of a cancellation or an unpublication as it happens.
pub async fn change_status(
    state: &AppState,
    staff: Staff,
    offer_id: i64,
    to: &str,
) -> Result<(), AppError> {
    let organisation = Some(staff.organisation_id);
    let mut work = Work::begin(state).await?;
    let (from, _) = offers::status_of(&mut work, organisation, offer_id).await?;
    let to = OfferStatus::parse(to)
        .filter(|to| from.staff_actions().iter().any(|(next, _)| next == to))
        .ok_or_else(|| {
            AppError::Rejected(format!(
                "Cette action n'est pas possible pour une offre « {} ».",
                from.label().to_lowercase()
            ))
        })?;
    offers::transition(&mut work, organisation, offer_id, to, Some(staff.user_id)).await?;
    if matches!(to, OfferStatus::Cancelled | OfferStatus::Draft) {
        let link = state.link("/espace/candidatures");
        applications::notify_applicants(&mut work, offer_id, to, &link).await?;
    }
    let detail = format!("{} -> {}", from.code(), to.code());
    work.audit_staff(staff, "offer.status", &format!("offer:{offer_id}"), &detail)
        .await?;
    work.commit().await?;
    // Shown in (or removed from) this server's search at once; other servers catch up through
    // their sync within a second.
    if let Err(error) = catalogue::refresh(&state.db, &state.search, &[offer_id]).await {
        tracing::error!(%error, "search refresh after a status change failed; the sync will retry");
    }
    Ok(())
}

/// Closes every published offer whose window has ended, ranks it with the profiles as they stand,
/// and tells its applicants, each offer in one transaction. Safe to run any number of times, from
/// any number of servers: each offer is closed once. Returns the ids it closed.
///
/// Takes the pool rather than the whole state: the seed and the tests close offers too.
pub async fn close_due(pool: &sqlx::AnyPool, at: i64, link: &str) -> Result<Vec<i64>, sqlx::Error> {
    let mut closed = Vec::new();
    for id in offers::due_to_close(pool, at).await? {
        let mut tx = crate::ssr::db::begin_write(pool).await?;
        match offers::transition(&mut tx, None, id, OfferStatus::Closed, None).await {
            Ok(_) => {
                // Ranked in the closing transaction: no application can change in between.
                super::rankings::rank_at_close(&mut tx, id, at).await?;
                applications::notify_applicants(&mut tx, id, OfferStatus::Closed, link).await?;
                tx.commit().await?;
                closed.push(id);
            }
            // Someone else moved it first (another server, or staff): nothing to do.
            Err(OfferWriteError::NotAllowed(_) | OfferWriteError::NotFound) => {}
            Err(OfferWriteError::Db(e)) => return Err(sqlx::Error::Protocol(e)),
            Err(OfferWriteError::UnitBusy | OfferWriteError::WindowOver) => {}
        }
    }
    Ok(closed)
}

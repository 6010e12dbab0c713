//! The ranking of a closed offer: made at the close, replayed on demand, then worked on by staff
//! (candidates set aside or brought back, the shortlist built for the commission).

use super::{Staff, Work, audit_staff};
use crate::domain::calendar::paris_date;
use crate::domain::cotation::{Audience, grid_for, in_force};
use crate::domain::eligibility::OfferTerms;
use crate::domain::offer::OfferStatus;
use crate::domain::ranking::{RankingMode, ShortlistException};
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::db::now;
use crate::ssr::store::audit::{self, AuditEntry};
use crate::ssr::store::rankings::{self, Pending, Snapshot};
use crate::ssr::store::{cotation, offers, profiles};
use sqlx::{AnyConnection, AnyPool};

/// Ranks the active applications of an offer that has just closed, in the closing transaction,
/// with the profiles and grids as they stand at `at`. Does nothing if the offer is ranked
/// already. Returns the ranking's id.
pub async fn rank_at_close(
    conn: &mut AnyConnection,
    offer_id: i64,
    at: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let Some(pending) = rankings::pending(conn, offer_id).await? else {
        return Ok(None);
    };
    let snapshots = snapshots(conn, &pending, at).await?;
    let made = rankings::record(conn, offer_id, &pending, snapshots, at).await?;
    let organisation_id = offers::organisation_of(conn, offer_id).await?;
    audit::record(
        conn,
        AuditEntry {
            actor_user_id: None,
            organisation_id,
            action: "ranking.make",
            subject: &format!("offer:{offer_id}"),
            detail: &format!(
                "{} candidats, {} ({} classés), graine {}",
                made.candidates,
                made.mode.label(),
                made.ranked,
                made.seed
            ),
        },
    )
    .await?;
    Ok(Some(made.ranking_id))
}

/// Each candidate as the close would take them at `at`: their profile and the grid in force for
/// their request on the offer's territory.
async fn snapshots(
    conn: &mut AnyConnection,
    pending: &Pending,
    at: i64,
) -> Result<Vec<Snapshot>, sqlx::Error> {
    let grids = in_force(&cotation::versions(&mut *conn, None).await?, paris_date(at));
    let user_ids: Vec<i64> = pending.applications.iter().map(|a| a.1).collect();
    let mut profiles = profiles::load_many(conn, &user_ids).await?;
    let mut snapshots = Vec::with_capacity(pending.applications.len());
    for &(application_id, user_id, applied_at) in &pending.applications {
        let profile = profiles.remove(&user_id).unwrap_or_default();
        let grid = grid_for(&grids, &pending.epci_siren, Audience::of(&profile)).cloned();
        snapshots.push(Snapshot {
            application_id,
            user_id,
            applied_at,
            profile,
            grid,
        });
    }
    Ok(snapshots)
}

/// Where an applicant would stand if an offer still open closed at `at`.
pub struct Standing {
    /// Live applications, the applicant's included once made.
    pub applications: i64,
    pub mode: RankingMode,
    pub applied: bool,
    /// `None` when the household would not be ranked, or when the offer is drawn by lot.
    pub position: Option<i64>,
    /// How many households would be ranked.
    pub ranked: i64,
    /// The applicant's score on the grid that would score them, if the territory has one.
    pub score: Option<i32>,
    pub epci_siren: String,
    pub terms: OfferTerms,
}

/// Ranks an offer's live applications as its close would at `at` (same profiles, grids, terms and
/// order), with the applicant's own application, or the one they would make now. `None` once the
/// offer is ranked.
pub async fn standing(
    conn: &mut AnyConnection,
    offer_id: i64,
    user_id: i64,
    at: i64,
) -> Result<Option<Standing>, sqlx::Error> {
    let Some(mut pending) = rankings::pending(conn, offer_id).await? else {
        return Ok(None);
    };
    let applications = pending.applications.len() as i64;
    let mine = pending
        .applications
        .iter()
        .find(|(_, applicant, _)| *applicant == user_id)
        .map(|(id, _, _)| *id);
    let applied = mine.is_some();
    // Not applied yet: the application they would make now comes after every other one, at
    // equal merit, as a new one would.
    let application_id = mine.unwrap_or(i64::MAX);
    if !applied {
        pending.applications.push((application_id, user_id, at));
    }
    let snapshots = snapshots(conn, &pending, at).await?;
    let graded = snapshots
        .iter()
        .find(|s| s.application_id == application_id)
        .is_some_and(|s| s.grid.is_some());
    let provisional = rankings::provisional(&pending, &snapshots, at);
    let position = (pending.mode != RankingMode::Lottery)
        .then(|| {
            provisional
                .order
                .iter()
                .position(|id| *id == application_id)
                .map(|p| p as i64 + 1)
        })
        .flatten();
    Ok(Some(Standing {
        applications,
        mode: pending.mode,
        applied,
        position,
        ranked: provisional.order.len() as i64,
        score: graded
            .then(|| provisional.scores.get(&application_id).copied())
            .flatten(),
        epci_siren: pending.epci_siren,
        terms: pending.terms,
    }))
}

/// The stored order of an offer's ranking and the order replayed from its snapshots.
pub async fn replay(
    pool: &AnyPool,
    offer_id: i64,
) -> Result<Option<(Vec<i64>, Vec<i64>)>, sqlx::Error> {
    let grids = cotation::versions(pool, None).await?;
    rankings::replay(pool, offer_id, &grids).await
}

/// Sets a candidate aside with a motive the commission will read, or brings them back (`None`).
pub async fn set_aside(
    state: &AppState,
    staff: Staff,
    offer_id: i64,
    entry_id: i64,
    motive: Option<&str>,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    rankings::set_skip(
        &mut work,
        staff.organisation_id,
        offer_id,
        entry_id,
        motive,
        staff.user_id,
        now(),
    )
    .await?;
    let (action, detail) = match motive {
        Some(motive) => ("ranking.skip", format!("entry:{entry_id} {motive}")),
        None => ("ranking.restore", format!("entry:{entry_id}")),
    };
    work.audit_staff(staff, action, &format!("offer:{offer_id}"), &detail)
        .await?;
    work.commit().await
}

/// Builds the shortlist of the first candidates not set aside, and moves the offer into its
/// preparation for the commission. A refusal of the list is the `size` field's error.
pub async fn shortlist(
    state: &AppState,
    staff: Staff,
    offer_id: i64,
    size: usize,
    exception: Option<ShortlistException>,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    shortlist_in(&mut work, staff, offer_id, size, exception).await?;
    work.commit().await
}

/// [`shortlist`] within the caller's transaction (the demo's history builds its lists so too).
pub async fn shortlist_in(
    conn: &mut AnyConnection,
    staff: Staff,
    offer_id: i64,
    size: usize,
    exception: Option<ShortlistException>,
) -> Result<(), AppError> {
    let organisation = Some(staff.organisation_id);
    let chosen = rankings::build_shortlist(
        conn,
        staff.organisation_id,
        offer_id,
        size,
        exception,
        staff.user_id,
        now(),
    )
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Rejected(message) => AppError::field("size", message),
        other => other,
    })?;
    let (status, _) = offers::status_of(conn, organisation, offer_id)
        .await
        .map_err(|_| AppError::NotFound)?;
    if status == OfferStatus::Closed {
        offers::transition(
            conn,
            organisation,
            offer_id,
            OfferStatus::InReview,
            Some(staff.user_id),
        )
        .await?;
    }
    let detail = format!(
        "{} candidats{}: applications {:?}",
        chosen.len(),
        exception
            .map(|e| format!(" (exception {})", e.code()))
            .unwrap_or_default(),
        chosen
    );
    audit_staff(
        conn,
        staff,
        "ranking.shortlist",
        &format!("offer:{offer_id}"),
        &detail,
    )
    .await
}

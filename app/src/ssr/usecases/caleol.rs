//! The allocation committee: staff plan sessions and put offers on their agenda; members open a
//! session, vote, decide, close it and sign its minutes; staff then record the lease and flag
//! tenancies for the occupation review. Each action is one unit of work with its audit entry.

use super::{Staff, Work};
use crate::domain::calendar::{Date, paris_date};
use crate::domain::caleol::{OccupationFlag, ProposedUnit, Ruling, SessionMode};
use crate::domain::offer::Typology;
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::db::now;
use crate::ssr::store::audit::AuditEntry;
use crate::ssr::store::caleol::{self, CaleolError, Viewer};
use std::future::Future;
use std::pin::Pin;

/// A change to one session, made by `actor` (a member or staff).
type SessionChange<'c> = Pin<Box<dyn Future<Output = Result<(), CaleolError>> + Send + 'c>>;

/// Runs a change to a session in one unit of work, with its entry in the audit log of the
/// organisation the session belongs to.
async fn in_session<F>(
    state: &AppState,
    session_id: i64,
    actor: i64,
    action: &str,
    detail: &str,
    change: F,
) -> Result<(), AppError>
where
    F: for<'c> FnOnce(&'c mut sqlx::AnyConnection) -> SessionChange<'c>,
{
    let mut work = Work::begin(state).await?;
    change(&mut work).await?;
    let organisation = caleol::organisation_of(&mut work, session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    work.audit(AuditEntry {
        actor_user_id: Some(actor),
        organisation_id: Some(organisation),
        action,
        subject: &format!("session:{session_id}"),
        detail,
    })
    .await?;
    work.commit().await
}

/// The president opens the session (its agenda is then frozen); `meets_today` when it is held
/// on another day than planned.
pub async fn open(
    state: &AppState,
    (viewer, actor): (Viewer, i64),
    session_id: i64,
    meets_today: bool,
) -> Result<(), AppError> {
    let detail = if meets_today {
        "tenue à une autre date que celle prévue"
    } else {
        ""
    };
    in_session(state, session_id, actor, "session.open", detail, |tx| {
        Box::pin(async move {
            caleol::open(tx, session_id, viewer, meets_today)
                .await
                .map(|_| ())
        })
    })
    .await
}

/// Who gives a ruling on a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulingBy {
    /// A member's vote (or, for a consultative voice, opinion), online.
    Vote,
    /// The president records the commission's decision.
    Decision,
}

/// A ruling on one candidate of the session, by vote or recorded decision.
pub async fn rule(
    state: &AppState,
    (viewer, actor): (Viewer, i64),
    session_id: i64,
    entry_id: i64,
    ruling: &Ruling,
    by: RulingBy,
) -> Result<(), AppError> {
    let (action, detail) = match by {
        RulingBy::Vote => ("session.vote", format!("entry:{entry_id} {}", ruling.choice.label())),
        RulingBy::Decision => (
            "session.decision",
            format!("entry:{entry_id} {} {}", ruling.choice.label(), ruling.motive),
        ),
    };
    let ruling = ruling.clone();
    in_session(state, session_id, actor, action, &detail, |tx| {
        Box::pin(async move {
            match by {
                RulingBy::Vote => caleol::vote(tx, session_id, entry_id, viewer, &ruling).await,
                RulingBy::Decision => {
                    caleol::record_decision(tx, session_id, entry_id, viewer, &ruling).await
                }
            }
        })
    })
    .await
}

/// The president marks who attends a session held in person.
pub async fn attendance(
    state: &AppState,
    (viewer, actor): (Viewer, i64),
    session_id: i64,
    present: &[i64],
) -> Result<(), AppError> {
    let detail = format!("présents : {present:?}");
    let present = present.to_vec();
    in_session(
        state,
        session_id,
        actor,
        "session.attendance",
        &detail,
        |tx| {
            Box::pin(async move { caleol::set_attendance(tx, session_id, viewer, &present).await })
        },
    )
    .await
}

/// The president closes the session: decisions become final, letters leave, the minutes are
/// written.
pub async fn close(
    state: &AppState,
    (viewer, actor): (Viewer, i64),
    session_id: i64,
) -> Result<(), AppError> {
    let link = state.link("/espace/candidatures");
    let today = paris_date(now());
    in_session(state, session_id, actor, "session.close", "", |tx| {
        Box::pin(async move { caleol::close(tx, session_id, viewer, today, &link).await })
    })
    .await
}

/// The commission's finding on a tenancy up for the triennial occupation review.
pub async fn record_review(
    state: &AppState,
    (viewer, actor): (Viewer, i64),
    session_id: i64,
    lease_id: i64,
    finding: &str,
    proposed: ProposedUnit,
    typology: Option<Typology>,
) -> Result<(), AppError> {
    let detail = format!("lease:{lease_id} {} {finding}", proposed.code());
    let finding = finding.to_string();
    in_session(
        state,
        session_id,
        actor,
        "occupation.finding",
        &detail,
        |tx| {
            Box::pin(async move {
                caleol::record_review(
                    tx, session_id, viewer, lease_id, &finding, proposed, typology,
                )
                .await
            })
        },
    )
    .await
}

/// The president's observations on the minutes, until they are signed.
pub async fn observe(
    state: &AppState,
    (viewer, actor): (Viewer, i64),
    session_id: i64,
    observations: &str,
) -> Result<(), AppError> {
    let observations = observations.to_string();
    in_session(state, session_id, actor, "minutes.observations", "", |tx| {
        Box::pin(
            async move { caleol::set_observations(tx, session_id, viewer, &observations).await },
        )
    })
    .await
}

/// The president signs the minutes; nothing about the session changes after.
pub async fn sign(
    state: &AppState,
    (viewer, actor): (Viewer, i64),
    session_id: i64,
) -> Result<(), AppError> {
    in_session(state, session_id, actor, "minutes.sign", "", |tx| {
        Box::pin(caleol::sign(tx, session_id, viewer))
    })
    .await
}

/// A refusal of the store that belongs to one field of the staff's form.
fn on_field(field: &'static str) -> impl Fn(CaleolError) -> AppError {
    move |error| match AppError::from(error) {
        AppError::Rejected(message) => AppError::field(field, message),
        other => other,
    }
}

/// Staff plan a session of one of their organisation's commissions; returns its id.
pub async fn plan_session(
    state: &AppState,
    staff: Staff,
    commission_id: i64,
    mode: SessionMode,
    held_on: Date,
    quorum: i64,
) -> Result<i64, AppError> {
    let mut work = Work::begin(state).await?;
    let id = caleol::create_session(
        &mut work,
        staff.organisation_id,
        commission_id,
        mode,
        held_on,
        quorum,
        staff.user_id,
    )
    .await
    .map_err(on_field("quorum"))?;
    let detail = format!("{} {}", held_on.iso(), mode.code());
    work.audit_staff(staff, "session.create", &format!("session:{id}"), &detail)
        .await?;
    work.commit().await?;
    Ok(id)
}

/// Staff put an offer whose shortlist is ready on a planned session's agenda.
pub async fn add_to_agenda(
    state: &AppState,
    staff: Staff,
    session_id: i64,
    offer_id: i64,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    caleol::add_item(
        &mut work,
        staff.organisation_id,
        session_id,
        offer_id,
        staff.user_id,
    )
    .await
    .map_err(on_field("offer_id"))?;
    let subject = format!("session:{session_id}");
    work.audit_staff(
        staff,
        "session.agenda",
        &subject,
        &format!("offer:{offer_id}"),
    )
    .await?;
    work.commit().await
}

/// Staff record the signed lease of an accepted proposal: the offer is let, every other
/// applicant is told, and search drops it.
pub async fn record_lease(
    state: &AppState,
    staff: Staff,
    offer_id: i64,
    proposal_id: i64,
    condition_met: bool,
    signed_on: Date,
) -> Result<(), AppError> {
    let link = state.link("/espace/candidatures");
    let mut work = Work::begin(state).await?;
    caleol::sign_lease(
        &mut work,
        staff.organisation_id,
        offer_id,
        proposal_id,
        condition_met,
        signed_on,
        &link,
    )
    .await?;
    let detail = format!("proposal:{proposal_id} {}", signed_on.iso());
    work.audit_staff(staff, "offer.lease", &format!("offer:{offer_id}"), &detail)
        .await?;
    work.commit().await?;
    if let Err(error) = crate::ssr::catalogue::refresh(&state.db, &state.search, &[offer_id]).await
    {
        tracing::error!(%error, "search refresh after a lease failed; the sync will retry");
    }
    Ok(())
}

/// Staff flag a tenancy's occupation situations (L442-5-2).
pub async fn flag_tenancy(
    state: &AppState,
    staff: Staff,
    lease_id: i64,
    flags: &[OccupationFlag],
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    caleol::set_flags(&mut work, staff.organisation_id, lease_id, flags).await?;
    let detail = crate::domain::caleol::flags_to_csv(flags);
    work.audit_staff(
        staff,
        "occupation.flags",
        &format!("lease:{lease_id}"),
        &detail,
    )
    .await?;
    work.commit().await
}

//! Applying, withdrawing, answering the commission's proposal, saving a search alert.

use super::{OFFER_CLOSED, Work};
use crate::domain::calendar::paris_date;
use crate::domain::ceilings::reference_income_year;
use crate::domain::eligibility::Verdict;
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::ssr::AppState;
use crate::ssr::db::now;
use crate::ssr::store::applications::{self, ApplyRequest};
use crate::ssr::store::audit::AuditEntry;
use crate::ssr::store::{alerts, caleol, listings, offers, profiles, rankings};
use crate::ssr::subject::{Subject, audit_assisted, today};

/// Applies `subject` to an offer, after the same checks whoever acts: a complete profile, an
/// open offer (of the staff's own organisation when staff act), an eligible household, the cap.
pub async fn apply(state: &AppState, subject: &Subject, offer_id: i64) -> Result<(), AppError> {
    let profile = {
        let mut conn = state.db.pool().acquire().await?;
        profiles::load(&mut conn, subject.user_id).await?
    };
    let today = today();
    let gaps = profile
        .completeness(today, reference_income_year(today.year))
        .blocking_apply();
    if !gaps.is_empty() {
        return Err(AppError::Rejected(format!(
            "Complétez le profil avant de postuler. {}",
            gaps.join(" ")
        )));
    }
    let closed = || AppError::Rejected(OFFER_CLOSED.into());
    let (_, organisation, terms) = listings::offer_terms(state.db.pool(), Some(&[offer_id]))
        .await?
        .pop()
        .ok_or_else(closed)?;
    if subject.staff.is_some_and(|(_, own)| own != organisation) {
        return Err(AppError::NotFound);
    }
    let assessment = profile.assess(&terms, today);
    if assessment.verdict == Verdict::Ineligible {
        let reasons: Vec<String> = assessment
            .reasons
            .into_iter()
            .filter(|r| r.blocking)
            .map(|r| r.message)
            .collect();
        return Err(AppError::Rejected(format!(
            "Les conditions de cette offre ne sont pas remplies. {}",
            reasons.join(" ")
        )));
    }
    let mut work = Work::begin(state).await?;
    let request = ApplyRequest {
        offer_id,
        applicant_user_id: subject.user_id,
        actor_user_id: subject.staff.map_or(subject.user_id, |(staff, _)| staff),
        assisted: subject.staff.is_some(),
    };
    let link = state.link("/espace/candidatures");
    applications::apply(&mut work, &request, (&subject.email, &subject.name), &link).await?;
    audit_assisted(
        &mut work,
        subject,
        "assisted.apply",
        &format!("offer:{offer_id}"),
    )
    .await?;
    work.commit().await
}

/// The applicant withdraws one of their applications while its offer is open.
pub async fn withdraw(
    state: &AppState,
    applicant: &CurrentUser,
    application_id: i64,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    let link = state.link("/espace/candidatures");
    applications::withdraw(
        &mut work,
        applicant.id,
        application_id,
        (&applicant.email, &applicant.display_name),
        &link,
    )
    .await?;
    work.commit().await
}

/// The applicant accepts or declines the unit the commission attributed to them.
pub async fn answer_proposal(
    state: &AppState,
    applicant: &CurrentUser,
    proposal_id: i64,
    accept: bool,
) -> Result<(), AppError> {
    let link = state.link("/espace/candidatures");
    let mut work = Work::begin(state).await?;
    let offer_id = caleol::respond(
        &mut work,
        proposal_id,
        applicant.id,
        accept,
        paris_date(now()),
        &link,
    )
    .await?;
    let organisation_id = offers::organisation_of(&mut work, offer_id).await?;
    work.audit(AuditEntry {
        actor_user_id: Some(applicant.id),
        organisation_id,
        action: if accept {
            "proposal.accept"
        } else {
            "proposal.decline"
        },
        subject: &format!("offer:{offer_id}"),
        detail: &format!("proposal:{proposal_id}"),
    })
    .await?;
    work.commit().await
}

/// Saves a catalogue search as a daily alert, within the applicant's allowance.
pub async fn save_alert(
    state: &AppState,
    applicant: &CurrentUser,
    query: &crate::domain::catalogue::CatalogueQuery,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    let saved = alerts::save(&mut work, applicant.id, query).await?;
    work.commit().await?;
    if saved == alerts::Saved::TooMany {
        return Err(AppError::Rejected(format!(
            "Vous avez déjà {} alertes : supprimez-en une dans votre espace pour en créer une autre.",
            alerts::MAX_PER_APPLICANT
        )));
    }
    Ok(())
}

/// The applicant's applications with what became of each: rank, decision, proposal.
pub async fn mine(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Vec<crate::model::MyApplication>, sqlx::Error> {
    let outcomes = applications::Outcomes {
        ranks: rankings::for_applicant(pool, user_id).await?,
        decisions: caleol::decisions_for(pool, user_id).await?,
        proposals: caleol::proposals_for(pool, user_id, paris_date(now())).await?,
    };
    applications::mine(pool, user_id, outcomes).await
}

//! The platform admin's work: organisations, their territories and commissions, and invitations.

use super::{Work, unique_or_field};
use crate::domain::caleol::MemberQuality;
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::ssr::AppState;
use crate::ssr::store::accounts::{self, NewUser, TokenPurpose};
use crate::ssr::store::audit::AuditEntry;
use crate::ssr::store::{caleol, flux, organisations};
use crate::ssr::{letters, mail, secrets};

/// Records what the platform admin did, for the organisation concerned if any.
async fn audit_admin(
    work: &mut Work,
    admin: &CurrentUser,
    organisation_id: Option<i64>,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), AppError> {
    work.audit(AuditEntry {
        actor_user_id: Some(admin.id),
        organisation_id,
        action,
        subject,
        detail,
    })
    .await
}

/// Creates a landlord with its first territory (EPCI); returns its id.
pub async fn create_organisation(
    state: &AppState,
    admin: &CurrentUser,
    name: &str,
    siren: &str,
    epci_siren: &str,
) -> Result<i64, AppError> {
    let mut work = Work::begin(state).await?;
    let id = unique_or_field(
        organisations::insert_organisation(&mut work, name, siren).await,
        "siren",
        "Un organisme avec ce SIREN existe déjà.",
    )?;
    organisations::add_epcis(&mut work, id, &[epci_siren.to_string()]).await?;
    let subject = format!("organisation:{id}");
    audit_admin(
        &mut work,
        admin,
        Some(id),
        "organisation.create",
        &subject,
        name,
    )
    .await?;
    work.commit().await?;
    Ok(id)
}

/// Adds a territory (EPCI) where an existing organisation publishes units.
pub async fn add_territory(
    state: &AppState,
    admin: &CurrentUser,
    organisation_id: i64,
    epci_siren: &str,
    epci_name: &str,
) -> Result<(), AppError> {
    organisations::name_of(state.db.pool(), organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut work = Work::begin(state).await?;
    organisations::add_epcis(&mut work, organisation_id, &[epci_siren.to_string()]).await?;
    let subject = format!("organisation:{organisation_id}");
    let action = "organisation.territory";
    audit_admin(
        &mut work,
        admin,
        Some(organisation_id),
        action,
        &subject,
        epci_name,
    )
    .await?;
    work.commit().await
}

/// Sets the address where the organisation's applicants send a recours gracieux.
pub async fn set_postal_address(
    state: &AppState,
    admin: &CurrentUser,
    organisation_id: i64,
    address: &str,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    if !organisations::set_postal_address(&mut work, organisation_id, address).await? {
        return Err(AppError::NotFound);
    }
    audit_admin(
        &mut work,
        admin,
        Some(organisation_id),
        "organisation.address",
        &format!("organisation:{organisation_id}"),
        address,
    )
    .await?;
    work.commit().await
}

/// Creates a commission of an existing organisation; returns its id.
pub async fn create_commission(
    state: &AppState,
    admin: &CurrentUser,
    organisation_id: i64,
    name: &str,
) -> Result<i64, AppError> {
    organisations::name_of(state.db.pool(), organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut work = Work::begin(state).await?;
    let id = unique_or_field(
        organisations::insert_commission(&mut work, organisation_id, name).await,
        "name",
        "Cet organisme a déjà une commission de ce nom.",
    )?;
    let subject = format!("commission:{id}");
    audit_admin(
        &mut work,
        admin,
        Some(organisation_id),
        "commission.create",
        &subject,
        name,
    )
    .await?;
    work.commit().await?;
    Ok(id)
}

/// What an invitation grants beyond the role.
pub enum Grant {
    None,
    Seat {
        commission: i64,
        quality: MemberQuality,
        president: bool,
    },
    OrgAdmin(i64),
    /// Reads for this réservataire (gestion en flux).
    Reservataire(i64),
}

/// Creates the inactive account, what it is granted, its invitation token and e-mail, in one
/// unit of work: a duplicate address becomes a form error on `email`. `inviter` is the user who
/// invites (the platform admin, or a landlord's admin for a réservataire); `scope_name` names
/// where the person is invited (an organisation, a territory); `detail` goes to the audit log.
pub async fn invite(
    state: &AppState,
    inviter: i64,
    user: NewUser<'_>,
    scope_name: &str,
    detail: &str,
    grant: Grant,
) -> Result<(), AppError> {
    let (email, display_name, role, organisation_id) = (
        user.email.to_string(),
        user.display_name.to_string(),
        user.role,
        user.organisation_id,
    );
    let token = secrets::new_token();
    let mut work = Work::begin(state).await?;
    let user_id = unique_or_field(
        accounts::insert_user(&mut work, user).await,
        "email",
        "Un compte existe déjà avec cette adresse.",
    )?;
    accounts::insert_token(&mut work, user_id, TokenPurpose::Invitation, &token).await?;
    match grant {
        Grant::None => {}
        Grant::Seat {
            commission,
            quality,
            president,
        } => caleol::insert_seat(&mut work, user_id, commission, quality, president).await?,
        Grant::OrgAdmin(organisation) => {
            caleol::make_org_admin(&mut work, user_id, organisation).await?
        }
        Grant::Reservataire(reservataire) => {
            flux::link_account(&mut work, user_id, reservataire).await?
        }
    }
    let link = state.link(&format!("/invitation?jeton={token}"));
    let letter = letters::invitation(&email, &display_name, role.label(), scope_name, &link);
    mail::enqueue(&mut work, &letter).await?;
    work.audit(AuditEntry {
        actor_user_id: Some(inviter),
        organisation_id,
        action: "user.invite",
        subject: &format!("user:{user_id}"),
        detail,
    })
    .await?;
    work.commit().await
}

/// Ends every session of an account (a lost device, someone who left): they must sign in again.
/// Returns how many sessions were open.
pub async fn end_sessions(
    state: &AppState,
    admin: &CurrentUser,
    user_id: i64,
) -> Result<u64, AppError> {
    let mut work = Work::begin(state).await?;
    let organisation = accounts::organisation_of_user(&mut work, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ended = accounts::delete_sessions_of(&mut work, user_id).await?;
    let subject = format!("user:{user_id}");
    let detail = format!("{ended} session(s)");
    audit_admin(
        &mut work,
        admin,
        organisation,
        "user.sessions_ended",
        &subject,
        &detail,
    )
    .await?;
    work.commit().await?;
    Ok(ended)
}

//! Accounts: registering, activating, resetting a password or accepting an invitation by an
//! e-mailed link, and staff opening an account for an applicant they assist at the counter.

use super::{Staff, Work, unique_or_field};
use crate::error::AppError;
use crate::model::{CurrentUser, Role};
use crate::ssr::AppState;
use crate::ssr::db::is_unique_violation;
use crate::ssr::store::accounts::{self, NewUser, TokenPurpose};
use crate::ssr::store::{assisted, organisations};
use crate::ssr::{letters, mail, secrets};

/// Registers an applicant and e-mails the activation link. When the address is taken, the owner
/// is told by e-mail instead, and the caller cannot tell the two apart.
pub async fn register(
    state: &AppState,
    email: &str,
    display_name: &str,
    password: String,
) -> Result<(), AppError> {
    // Hash even when the address is taken, so both paths cost the same.
    let hash = secrets::hash_password(password).await?;
    let token = secrets::new_token();
    let mut work = Work::begin(state).await?;
    let inserted = accounts::insert_user(
        &mut work,
        NewUser {
            email,
            password_hash: Some(&hash),
            display_name,
            role: Role::Applicant,
            organisation_id: None,
            commission_id: None,
            epci_siren: None,
            active: false,
        },
    )
    .await;
    match inserted {
        Ok(user_id) => {
            accounts::insert_token(&mut work, user_id, TokenPurpose::Activation, &token).await?;
            let link = state.link(&format!("/activation?jeton={token}"));
            mail::enqueue(&mut work, &letters::activation(email, display_name, &link)).await?;
            work.commit().await
        }
        Err(error) if is_unique_violation(&error) => {
            work.rollback().await?;
            let (_, owner_name, _) = accounts::user_by_email(state.db.pool(), email)
                .await?
                .ok_or_else(|| crate::ssr::internal("account vanished after a unique violation"))?;
            let letter = letters::already_registered(
                email,
                &owner_name,
                &state.link("/connexion"),
                &state.link("/mot-de-passe-oublie"),
            );
            let mut work = Work::begin(state).await?;
            mail::enqueue(&mut work, &letter).await?;
            work.commit().await
        }
        Err(error) => Err(error.into()),
    }
}

/// Uses an activation link; returns the account, now active.
pub async fn activate(state: &AppState, token: &str) -> Result<i64, AppError> {
    let mut work = Work::begin(state).await?;
    let user_id = accounts::consume_token(&mut work, TokenPurpose::Activation, token.trim())
        .await?
        .ok_or_else(|| {
            AppError::Rejected(
                "Ce lien d'activation n'est plus valable (déjà utilisé ou expiré). Essayez de vous connecter, ou inscrivez-vous à nouveau.".into(),
            )
        })?;
    accounts::activate(&mut work, user_id).await?;
    work.commit().await?;
    Ok(user_id)
}

/// E-mails a password reset link to the owner of an active account, if there is one.
pub async fn request_password_reset(state: &AppState, email: &str) -> Result<(), AppError> {
    let Some((user_id, name, true)) = accounts::user_by_email(state.db.pool(), email).await? else {
        return Ok(());
    };
    let token = secrets::new_token();
    let mut work = Work::begin(state).await?;
    accounts::insert_token(&mut work, user_id, TokenPurpose::Reset, &token).await?;
    let link = state.link(&format!("/reinitialiser?jeton={token}"));
    mail::enqueue(&mut work, &letters::password_reset(email, &name, &link)).await?;
    work.commit().await
}

/// Why a password link no longer works.
pub const EXPIRED_LINK: &str = "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau depuis « Mot de passe oublié ».";

/// Uses an e-mailed link of `purpose` to set a checked password; returns the account. After a
/// reset, whoever knew the old password is signed out everywhere.
pub async fn set_password_from_link(
    state: &AppState,
    purpose: TokenPurpose,
    token: &str,
    password: String,
) -> Result<i64, AppError> {
    let hash = secrets::hash_password(password).await?;
    let mut work = Work::begin(state).await?;
    let user_id = accounts::consume_token(&mut work, purpose, token.trim())
        .await?
        .ok_or_else(|| AppError::Rejected(EXPIRED_LINK.into()))?;
    accounts::set_password_and_activate(&mut work, user_id, &hash).await?;
    if purpose == TokenPurpose::Reset {
        accounts::delete_sessions_of(&mut work, user_id).await?;
        accounts::drop_pending_links(&mut work, user_id).await?;
    }
    work.commit().await?;
    Ok(user_id)
}

/// Staff open an account for an applicant they assist and e-mail them the invitation to choose
/// a password; returns the new account.
pub async fn create_assisted_applicant(
    state: &AppState,
    staff: Staff,
    email: &str,
    display_name: &str,
) -> Result<i64, AppError> {
    let organisation_name = organisations::name_of(state.db.pool(), staff.organisation_id)
        .await?
        .map(|(name, _)| name)
        .unwrap_or_default();
    let mut work = Work::begin(state).await?;
    let applicant = unique_or_field(
        assisted::insert_applicant(&mut work, staff.organisation_id, email, display_name).await,
        "email",
        "Un compte existe déjà avec cette adresse : le demandeur peut postuler lui-même, ou utiliser « Mot de passe oublié ».",
    )?;
    let token = secrets::new_token();
    accounts::insert_token(&mut work, applicant, TokenPurpose::Invitation, &token).await?;
    let link = state.link(&format!("/invitation?jeton={token}"));
    mail::enqueue(
        &mut work,
        &letters::assisted_account(email, display_name, &organisation_name, &link),
    )
    .await?;
    work.audit_staff(staff, "assisted.create", &format!("user:{applicant}"), "")
        .await?;
    work.commit().await?;
    Ok(applicant)
}

/// Checks the signed-in user's password again before a sensitive change (ASVS 5.0 V7): a wrong
/// one is a field error on `field`, and attempts count against the sign-in guard.
pub async fn reauthenticate(
    state: &AppState,
    user: &CurrentUser,
    password: String,
    field: &str,
) -> Result<(), AppError> {
    if !state.login_limiter.allow(&format!("reauth:{}", user.id)) {
        return Err(AppError::RateLimited);
    }
    let stored = accounts::credentials_by_email(state.db.pool(), &user.email)
        .await?
        .and_then(|c| c.password_hash);
    if secrets::verify_password(password, stored).await? {
        Ok(())
    } else {
        Err(AppError::field(
            field,
            "Ce mot de passe n'est pas celui de votre compte.",
        ))
    }
}

/// Asks to move the account to `new_email` (checked and normalised), once the password is typed
/// again: the new mailbox gets the link that makes the change. When the address is another
/// account's, its owner is told instead, and the caller cannot tell the two apart.
pub async fn request_email_change(
    state: &AppState,
    user: &CurrentUser,
    new_email: &str,
    password: String,
) -> Result<(), AppError> {
    reauthenticate(state, user, password, "password_now").await?;
    if new_email == user.email {
        return Err(AppError::field("new_email", "C'est déjà l'adresse de votre compte."));
    }
    let mut work = Work::begin(state).await?;
    if accounts::user_by_email(state.db.pool(), new_email).await?.is_some() {
        mail::enqueue(&mut work, &letters::email_change_taken(new_email)).await?;
    } else {
        let token = secrets::new_token();
        accounts::insert_email_change(&mut work, user.id, new_email, &token).await?;
        let link = state.link(&format!("/compte/adresse?jeton={token}"));
        mail::enqueue(
            &mut work,
            &letters::email_change_link(new_email, &user.display_name, &link),
        )
        .await?;
    }
    work.commit().await
}

/// Uses a link confirming a new address; the old address is told.
pub async fn confirm_email_change(state: &AppState, token: &str) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    let (user_id, new_email) = accounts::consume_email_change(&mut work, token.trim())
        .await?
        .ok_or_else(|| {
            AppError::Rejected(
                "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez de nouveau le changement depuis « Mon compte ».".into(),
            )
        })?;
    let Some((old_email, name, _, _)) =
        accounts::account_facts(state.db.pool(), user_id).await?
    else {
        return Err(AppError::NotFound);
    };
    match accounts::set_email(&mut work, user_id, &new_email).await {
        Err(error) if is_unique_violation(&error) => {
            return Err(AppError::Rejected(
                "Cette adresse est devenue celle d'un autre compte entre-temps : rien n'a changé.".into(),
            ));
        }
        other => other?,
    }
    // Links sent to the old address no longer open the account, nor do its other sessions.
    accounts::drop_pending_links(&mut work, user_id).await?;
    accounts::delete_sessions_of(&mut work, user_id).await?;
    mail::enqueue(&mut work, &letters::email_changed(&old_email, &name, &new_email)).await?;
    work.commit().await
}

/// Changes the password once the current one is typed again, and closes the account's other
/// sessions (whoever knew the old password is signed out); returns how many were closed.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    current: String,
    new: String,
    kept_session: &str,
) -> Result<u64, AppError> {
    reauthenticate(state, user, current, "current_password").await?;
    let hash = secrets::hash_password(new).await?;
    let mut work = Work::begin(state).await?;
    accounts::set_password(&mut work, user.id, &hash).await?;
    accounts::drop_pending_links(&mut work, user.id).await?;
    let ended = accounts::delete_other_sessions(&mut work, user.id, kept_session).await?;
    mail::enqueue(
        &mut work,
        &letters::password_changed(&user.email, &user.display_name),
    )
    .await?;
    work.commit().await?;
    Ok(ended)
}

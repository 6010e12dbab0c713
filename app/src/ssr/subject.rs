//! Whose profile a request is about: the signed-in applicant's own, or, for staff, one of the
//! applicants their organisation registered at the counter (the assisted channel).

use super::{current_user, internal, require, state, store::profiles};
use crate::domain::calendar::{Date, paris_date};
use crate::domain::profile::Profile;
use crate::error::AppError;
use crate::model::{CurrentUser, Role};

pub fn today() -> Date {
    paris_date(crate::ssr::db::now())
}

/// The signed-in territory admin and the EPCI they administer.
pub async fn territory_admin() -> Result<(CurrentUser, String), AppError> {
    let user = require(&[Role::Territory]).await?;
    let epci = user.epci.clone().ok_or(AppError::Forbidden)?;
    Ok((user, epci))
}

pub async fn applicant() -> Result<CurrentUser, AppError> {
    require(&[Role::Applicant]).await
}

/// The applicant a request acts on, and the staff member acting if it is not them.
pub struct Subject {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    /// `(staff user, organisation)` when staff act on the applicant's behalf.
    pub staff: Option<(i64, i64)>,
}

impl Subject {
    /// Where this applicant's profile is edited.
    pub fn profile_path(&self) -> String {
        match self.staff {
            Some(_) => format!("/gestion/demandeurs/{}", self.user_id),
            None => "/espace/profil".to_string(),
        }
    }
}

/// An applicant acts for themselves (`pour` is ignored); staff act for `pour`, one of their
/// organisation's assisted applicants (anyone else's id is simply not found).
pub async fn subject(pour: Option<i64>) -> Result<Subject, AppError> {
    let user = current_user().await?.ok_or(AppError::Unauthenticated)?;
    match (user.role, pour, user.organisation) {
        (Role::Applicant, _, _) => Ok(Subject {
            user_id: user.id,
            email: user.email,
            name: user.display_name,
            staff: None,
        }),
        (Role::Staff, Some(applicant_id), Some(organisation)) => {
            let (email, name) = crate::ssr::store::assisted::applicant_of(
                state()?.db.pool(),
                organisation.id,
                applicant_id,
            )
            .await?
            .ok_or(AppError::NotFound)?;
            // Staff acting for an assisted applicant read their file: the applicant sees it.
            crate::ssr::usecases::privacy::record_read(
                &state()?,
                crate::ssr::store::file_reads::Reader::Staff {
                    user_id: user.id,
                    organisation_id: organisation.id,
                },
                crate::ssr::store::file_reads::Read::Assisted { applicant_user_id: applicant_id },
                "",
            )
            .await?;
            Ok(Subject {
                user_id: applicant_id,
                email,
                name,
                staff: Some((user.id, organisation.id)),
            })
        }
        _ => Err(AppError::Forbidden),
    }
}

pub async fn profile_of(user_id: i64) -> Result<Profile, AppError> {
    let mut conn = state()?.db.pool().acquire().await?;
    profiles::load(&mut conn, user_id).await.map_err(internal)
}

/// Records, in the caller's transaction, what staff did for an applicant.
pub async fn audit_assisted(
    conn: &mut sqlx::AnyConnection,
    subject: &Subject,
    action: &str,
    detail: &str,
) -> Result<(), AppError> {
    let Some((staff_id, organisation_id)) = subject.staff else {
        return Ok(());
    };
    crate::ssr::store::audit::record(
        conn,
        crate::ssr::store::audit::AuditEntry {
            actor_user_id: Some(staff_id),
            organisation_id: Some(organisation_id),
            action,
            subject: &format!("user:{}", subject.user_id),
            detail,
        },
    )
    .await
    .map_err(internal)
}

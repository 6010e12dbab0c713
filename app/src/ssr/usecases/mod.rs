//! Use cases: what one user action does to the data, as one unit of work.
//!
//! A server function says who calls and parses what was sent; the use case it then calls begins a
//! [`Work`], asks the store modules for each change, records the audit entries, commits, and wakes
//! the outbox. Store modules know one family of tables each and never call one another: anything
//! that spans several of them (closing an offer ranks it and tells its applicants) is written here.

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod caleol;
pub mod cotation;
pub mod flux;
pub mod offers;
pub mod privacy;
pub mod profiles;
pub mod rankings;
mod refusals;
pub mod results;
pub mod territory;
pub mod units;

pub use refusals::OFFER_CLOSED;

use super::AppState;
use super::store::audit::{self, AuditEntry};
use crate::error::AppError;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use tokio::sync::Notify;

/// One unit of work: a write transaction (immediate on SQLite, see [`super::db::begin_write`]),
/// the audit entries recorded in it, and the outbox woken once it is committed.
///
/// It dereferences to the transaction's connection, so store functions take `&mut work`. Dropped
/// without [`Work::commit`], it rolls back: an early `?` leaves nothing behind.
pub struct Work {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    outbox: Arc<Notify>,
}

impl Work {
    pub async fn begin(state: &AppState) -> Result<Work, AppError> {
        Ok(Work {
            tx: super::db::begin_write(state.db.pool()).await?,
            outbox: state.mail_wakeup.clone(),
        })
    }

    /// Records who did what in the audit log, in this unit of work.
    pub async fn audit(&mut self, entry: AuditEntry<'_>) -> Result<(), AppError> {
        audit::record(&mut self.tx, entry).await?;
        Ok(())
    }

    /// Records what a staff member did for their organisation.
    pub async fn audit_staff(
        &mut self,
        staff: Staff,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        audit_staff(&mut self.tx, staff, action, subject, detail).await
    }

    /// Commits, then wakes the outbox: letters queued in this unit leave only once it is durable.
    pub async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        self.outbox.notify_one();
        Ok(())
    }

    /// Gives up the changes now rather than at drop, when the caller goes on to other work.
    pub async fn rollback(self) -> Result<(), AppError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl Deref for Work {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for Work {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Records, on the caller's connection, what a staff member did for their organisation.
pub async fn audit_staff(
    conn: &mut sqlx::AnyConnection,
    staff: Staff,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), AppError> {
    audit::record(
        conn,
        AuditEntry {
            actor_user_id: Some(staff.user_id),
            organisation_id: Some(staff.organisation_id),
            action,
            subject,
            detail,
        },
    )
    .await?;
    Ok(())
}

/// A staff member acting for their organisation: every use case taking one scopes its queries to
/// that organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    pub user_id: i64,
    pub organisation_id: i64,
}

impl Staff {
    /// The signed-in staff member.
    pub async fn current() -> Result<Staff, AppError> {
        let user = super::require(&[crate::model::Role::Staff]).await?;
        let organisation = user.organisation.ok_or(AppError::Forbidden)?;
        Ok(Staff {
            user_id: user.id,
            organisation_id: organisation.id,
        })
    }
}

/// The result of an insert whose unique constraint stands for a rule of the form (one SIREN per
/// organisation, one account per address): a violation becomes `field`'s error, anything else
/// stays an internal failure.
pub fn unique_or_field<T>(
    inserted: Result<T, sqlx::Error>,
    field: &str,
    message: &str,
) -> Result<T, AppError> {
    match inserted {
        Err(error) if super::db::is_unique_violation(&error) => {
            Err(AppError::field(field, message))
        }
        other => Ok(other?),
    }
}

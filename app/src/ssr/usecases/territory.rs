//! A territory admin's lists: the EPCI's QPVs and its first-quartile thresholds.

use super::Work;
use crate::domain::qpv::Qpv;
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::ssr::AppState;
use crate::ssr::store::audit::AuditEntry;
use crate::ssr::store::territories;

async fn audit_territory(
    work: &mut Work,
    admin: &CurrentUser,
    epci: &str,
    action: &str,
    detail: &str,
) -> Result<(), AppError> {
    work.audit(AuditEntry {
        actor_user_id: Some(admin.id),
        organisation_id: None,
        action,
        subject: &format!("epci:{epci}"),
        detail,
    })
    .await
}

/// Replaces the territory's list of QPVs.
pub async fn replace_qpvs(
    state: &AppState,
    admin: &CurrentUser,
    epci: &str,
    list: &[Qpv],
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    territories::replace_qpvs(&mut work, epci, list).await?;
    let detail = format!("{} quartiers", list.len());
    audit_territory(&mut work, admin, epci, "territory.qpv", &detail).await?;
    work.commit().await
}

/// Sets the first-quartile threshold of a year, in euros per consumption unit.
pub async fn set_quartile_threshold(
    state: &AppState,
    admin: &CurrentUser,
    epci: &str,
    year: i32,
    amount_eur: u32,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    territories::set_threshold(&mut work, epci, year, amount_eur, admin.id).await?;
    let detail = format!("{year}: {amount_eur} €/UC");
    audit_territory(&mut work, admin, epci, "territory.first_quartile", &detail).await?;
    work.commit().await
}

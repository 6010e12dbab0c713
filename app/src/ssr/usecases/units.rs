//! The organisation's housing stock: one unit saved from its form, or many from a checked file.

use super::{Staff, Work, unique_or_field};
use crate::domain::offer::ValidUnit;
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::store::{imports, offers, units};
use crate::ssr::{catalogue, import};

/// Creates a unit (`existing` is `None`) or updates one of the organisation's; returns its id.
/// A published offer of the unit shows the new values in search at once.
pub async fn save_unit(
    state: &AppState,
    staff: Staff,
    existing: Option<i64>,
    unit: &ValidUnit,
) -> Result<i64, AppError> {
    let mut work = Work::begin(state).await?;
    let id = unique_or_field(
        units::save_unit(&mut work, staff.organisation_id, existing, unit).await,
        "reference",
        "Votre organisme a déjà un logement avec cette référence.",
    )?
    .ok_or(AppError::NotFound)?;
    let action = if existing.is_some() {
        "unit.update"
    } else {
        "unit.create"
    };
    work.audit_staff(staff, action, &format!("unit:{id}"), &unit.reference)
        .await?;
    work.commit().await?;
    let live: Vec<i64> = offers::unit_offers(state.db.pool(), staff.organisation_id, id)
        .await?
        .into_iter()
        .filter(|o| o.status == "published")
        .map(|o| o.id)
        .collect();
    if let Err(error) = catalogue::refresh(&state.db, &state.search, &live).await {
        tracing::error!(%error, "search refresh after a unit edit failed; the sync will retry");
    }
    Ok(id)
}

/// Writes a checked import, all rows or none. The file is checked again first: the stock may
/// have changed since the dry run.
pub async fn apply_import(state: &AppState, staff: Staff, id: i64) -> Result<(), AppError> {
    let organisation = staff.organisation_id;
    let already = || AppError::Rejected("Cet import a déjà été appliqué.".into());
    let mut work = Work::begin(state).await?;
    let Some(content) = imports::pending_content(&mut work, organisation, id).await? else {
        // Unknown here, or already applied: look at the report to tell which.
        work.rollback().await?;
        imports::report(state.db.pool(), organisation, id)
            .await?
            .ok_or(AppError::NotFound)?;
        return Err(already());
    };
    let context = import::OwnedUnitContext::of(state.db.pool(), organisation).await?;
    let checked = tokio::task::spawn_blocking(move || {
        import::check(content.as_bytes(), &context.get(), &mut |_| {})
    })
    .await
    .map_err(crate::ssr::internal)?;
    if !checked.errors.is_empty() {
        return Err(AppError::Rejected(
            "Le fichier ne passe plus les contrôles : renvoyez-le pour voir les erreurs.".into(),
        ));
    }
    let (created, updated) =
        import::apply(&mut work, organisation, &checked.rows, &mut |_| {}).await?;
    if !imports::mark_applied(&mut work, id, created as i64, updated as i64).await? {
        return Err(already());
    }
    work.audit_staff(
        staff,
        "unit.import",
        &format!("import:{id}"),
        &format!("{created} created, {updated} updated"),
    )
    .await?;
    work.commit().await
}

/// What became of a photo sent for a unit, as the unit's page tells it.
#[derive(Debug, PartialEq, Eq)]
pub enum PhotoOutcome {
    Added,
    /// Not a unit of the staff's organisation.
    NotFound,
    /// The unit has its photos already.
    Full,
    Refused(crate::ssr::photos::PhotoProblem),
}

/// Adds a photo to one of the organisation's units: checked and re-encoded from its bytes, a few
/// at a time whatever the number of uploads, and stored within the unit's allowance even when
/// several arrive together.
pub async fn add_photo(
    state: &AppState,
    staff: Staff,
    unit_id: i64,
    alt: &str,
    bytes: Vec<u8>,
) -> Result<PhotoOutcome, AppError> {
    use crate::ssr::photos::{MAX_PER_UNIT, process_in_turn};
    use crate::ssr::store::photos::{self, Stored};
    // Most refusals come before the work of decoding.
    if photos::count_for_unit(state.db.pool(), unit_id).await? >= MAX_PER_UNIT {
        return Ok(PhotoOutcome::Full);
    }
    let processed = match process_in_turn(bytes).await {
        Ok(processed) => processed,
        Err(problem) => return Ok(PhotoOutcome::Refused(problem)),
    };
    let mut work = Work::begin(state).await?;
    let stored = photos::insert(&mut work, staff.organisation_id, unit_id, alt, &processed).await?;
    let outcome = match stored {
        Stored::Added(id) => {
            work.audit_staff(
                staff,
                "unit.photo",
                &format!("unit:{unit_id}"),
                &format!("photo:{id}"),
            )
            .await?;
            PhotoOutcome::Added
        }
        Stored::NotFound => PhotoOutcome::NotFound,
        Stored::Full => PhotoOutcome::Full,
    };
    work.commit().await?;
    Ok(outcome)
}

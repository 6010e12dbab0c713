//! Gestion en flux for a landlord: its admins record the conventions and the forecast of each
//! year's flow; staff orient each offer to a réservataire (or out of the flow), seeing how far
//! each share is used; each réservataire's yearly bilan is read from the offers oriented to it.

use super::{Staff, Work};
use crate::domain::calendar::paris_date;
use crate::domain::flux::{
    BasisPoints, Bilan, BilanUnit, Orientation, Share, Usage, breakdowns, check_shares, own_share,
    target,
};
use crate::domain::offer::Reservataire;
use crate::domain::territory::Places;
use crate::error::AppError;
use crate::model::{FluxLine, FluxOverview};
use crate::ssr::reference::{commune_name, national};
use crate::ssr::store::flux::{self, Convention, NewConvention};
use crate::ssr::store::{audit, offers, organisations};
use sqlx::AnyPool;

/// A staff member who administers their organisation: only they record conventions and
/// forecasts.
pub async fn org_admin(pool: &AnyPool) -> Result<Staff, AppError> {
    let staff = Staff::current().await?;
    if audit::is_org_admin(pool, staff.user_id).await? {
        Ok(staff)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The départements of an organisation's territories, `(code, name)` by code.
pub async fn organisation_departements(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let epcis = organisations::epcis(pool, organisation_id).await?;
    let mut codes: Vec<&str> = national()
        .communes()
        .iter()
        .filter(|c| {
            c.epci_siren
                .as_ref()
                .is_some_and(|e| epcis.iter().any(|t| t == e))
        })
        .map(|c| c.departement.as_str())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    Ok(codes
        .into_iter()
        .map(|code| (code.to_string(), departement_label(code)))
        .collect())
}

/// "Doubs (25)".
fn departement_label(code: &str) -> String {
    match national().departement_name(code) {
        Some(name) => format!("{name} ({code})"),
        None => code.to_string(),
    }
}

/// Where a convention applies, as people read it.
fn territory_of(c: &Convention) -> String {
    if c.commune_insee.is_empty() {
        departement_label(&c.departement)
    } else {
        commune_name(&c.commune_insee)
    }
}

fn reservataire_words(kind: &str, name: &str) -> String {
    crate::domain::flux::reservataire_label(Some("convention"), Some((kind, name)), "")
}

fn share_of(c: &Convention) -> Option<Share> {
    Some(Share {
        kind: Reservataire::parse(&c.kind)?,
        commune_insee: c.commune_insee.clone(),
        share: BasisPoints::try_from(c.share_bp).ok()?,
    })
}

/// A convention as an admin typed it, checked.
pub struct ConventionInput {
    pub kind: Reservataire,
    pub name: String,
    pub year: i32,
    pub departement: String,
    /// Empty for a departmental convention.
    pub commune_insee: String,
    pub share: BasisPoints,
    pub reference: String,
}

/// Records a convention (or changes the share of the réservataire's one for that year and
/// territory), provided the year's shares in the département still hold together.
pub async fn save_convention(
    state: &crate::ssr::AppState,
    staff: Staff,
    input: &ConventionInput,
) -> Result<(), AppError> {
    let organisation = staff.organisation_id;
    let mut work = Work::begin(state).await?;
    let reservataire =
        flux::reservataire_id(&mut work, organisation, input.kind.code(), &input.name).await?;
    let existing = flux::conventions(
        &mut *work,
        organisation,
        input.year,
        Some(&input.departement),
    )
    .await?;
    let mut shares: Vec<Share> = existing
        .iter()
        .filter(|c| !(c.reservataire_id == reservataire && c.commune_insee == input.commune_insee))
        .filter_map(share_of)
        .collect();
    shares.push(Share {
        kind: input.kind,
        commune_insee: input.commune_insee.clone(),
        share: input.share,
    });
    let problems = check_shares(&shares);
    if !problems.is_empty() {
        // Dropped without a commit: a réservataire recorded above goes too.
        return Err(AppError::field("share", problems.join(" ")));
    }
    let id = flux::save_convention(
        &mut work,
        organisation,
        &NewConvention {
            reservataire_id: reservataire,
            year: input.year,
            departement: &input.departement,
            commune_insee: &input.commune_insee,
            share_bp: input.share,
            reference: &input.reference,
        },
        staff.user_id,
    )
    .await?;
    let detail = format!(
        "{} {} {}{}: {}",
        input.name,
        input.year,
        input.departement,
        if input.commune_insee.is_empty() {
            String::new()
        } else {
            format!(" / {}", input.commune_insee)
        },
        crate::domain::flux::share_words(input.share)
    );
    work.audit_staff(
        staff,
        "flux.convention",
        &format!("convention:{id}"),
        &detail,
    )
    .await?;
    work.commit().await
}

/// Records the forecast of a year's flow in one of the organisation's départements.
pub async fn save_forecast(
    state: &crate::ssr::AppState,
    staff: Staff,
    year: i32,
    departement: &str,
    units: u32,
    out_of_flow: u32,
) -> Result<(), AppError> {
    let mut work = Work::begin(state).await?;
    flux::save_forecast(
        &mut work,
        staff.organisation_id,
        year,
        departement,
        units,
        out_of_flow,
        staff.user_id,
    )
    .await?;
    let detail = format!("{year} {departement}: {units} + {out_of_flow} hors flux");
    work.audit_staff(
        staff,
        "flux.forecast",
        &format!("departement:{departement}"),
        &detail,
    )
    .await?;
    work.commit().await
}

/// The organisation's flow in a year, as lines (each convention, then the landlord's own share in
/// each département, with how far it is used), and the offers taken out of the flow:
/// `(département, reason, offers)`.
async fn flow(
    pool: &AnyPool,
    organisation_id: i64,
    year: i32,
) -> Result<(Vec<FluxLine>, Vec<(String, String, i64)>), AppError> {
    let conventions = flux::conventions(pool, organisation_id, year, None).await?;
    let used = flux::usage(pool, organisation_id, year).await?;
    let others = flux::other_orientations(pool, organisation_id, year).await?;
    let forecasts = flux::forecasts(pool, organisation_id, year).await?;
    let forecast_of = |departement: &str| {
        forecasts
            .iter()
            .find(|(d, _, _)| d == departement)
            .and_then(|(_, units, _)| u32::try_from(*units).ok())
    };
    let mut lines: Vec<FluxLine> = conventions
        .iter()
        .map(|c| {
            let (oriented, attributed) = used
                .iter()
                .find(|(id, _, _)| *id == c.id)
                .map_or((0, 0), |(_, o, a)| (*o, *a));
            let share = BasisPoints::try_from(c.share_bp).unwrap_or(0);
            FluxLine {
                reservataire_id: Some(c.reservataire_id),
                departement: c.departement.clone(),
                commune_insee: c.commune_insee.clone(),
                territory: territory_of(c),
                reference: c.reference.clone(),
                usage: Usage {
                    choice: format!("r:{}", c.reservataire_id),
                    label: reservataire_words(&c.kind, &c.name),
                    share,
                    // A commune's share is of its own flow, which is not forecast apart.
                    target: c
                        .commune_insee
                        .is_empty()
                        .then(|| forecast_of(&c.departement).map(|f| target(share, f)))
                        .flatten(),
                    oriented,
                    attributed,
                },
            }
        })
        .collect();
    let mut departements: Vec<String> = conventions
        .iter()
        .map(|c| c.departement.clone())
        .chain(forecasts.iter().map(|(d, _, _)| d.clone()))
        .chain(others.iter().map(|(d, _, _, _)| d.clone()))
        .collect();
    departements.sort_unstable();
    departements.dedup();
    let mut out_of_flow = Vec::new();
    for departement in &departements {
        let shares: Vec<Share> = conventions
            .iter()
            .filter(|c| &c.departement == departement && c.commune_insee.is_empty())
            .filter_map(share_of)
            .collect();
        let own = own_share(&shares, "");
        let (oriented, attributed) = others
            .iter()
            .find(|(d, o, _, _)| d == departement && o == Orientation::Bailleur.code())
            .map_or((0, 0), |(_, _, n, a)| (*n, *a));
        lines.push(FluxLine {
            reservataire_id: None,
            departement: departement.clone(),
            commune_insee: String::new(),
            territory: departement_label(departement),
            reference: String::new(),
            usage: Usage {
                choice: Orientation::Bailleur.code().to_string(),
                label: Reservataire::Bailleur.label().to_string(),
                share: own,
                target: forecast_of(departement).map(|f| target(own, f)),
                oriented,
                attributed,
            },
        });
        for (d, orientation, n, _) in &others {
            if d == departement
                && let Some(reason) = Orientation::parse(orientation).filter(|o| o.out_of_flow())
            {
                out_of_flow.push((
                    departement_label(departement),
                    reason.label().to_string(),
                    *n,
                ));
            }
        }
    }
    Ok((lines, out_of_flow))
}

/// The organisation's flow in a year: each convention and the landlord's own share with how far
/// it is used, the forecasts, the units taken out of the flow, the réservataires and their
/// accounts, and the attribution objectives in each of its EPCIs.
pub async fn overview(
    pool: &AnyPool,
    organisation_id: i64,
    year: i32,
    is_admin: bool,
) -> Result<FluxOverview, AppError> {
    let (lines, out_of_flow) = flow(pool, organisation_id, year).await?;
    let forecasts = flux::forecasts(pool, organisation_id, year).await?;
    let reservataires: Vec<(i64, String)> = flux::reservataires(pool, organisation_id)
        .await?
        .into_iter()
        .map(|(id, kind, name)| (id, reservataire_words(&kind, &name)))
        .collect();
    let accounts = if is_admin {
        flux::accounts(pool, organisation_id)
            .await?
            .into_iter()
            .map(|(id, name, email, active)| {
                let label = reservataires
                    .iter()
                    .find(|(r, _)| *r == id)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default();
                (label, name, email, active != 0)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(FluxOverview {
        year,
        is_admin,
        departements: organisation_departements(pool, organisation_id).await?,
        lines,
        forecasts: forecasts
            .iter()
            .map(|(d, units, out)| (departement_label(d), *units, *out))
            .collect(),
        out_of_flow,
        reservataires,
        accounts,
        objectives: {
            let mut all = Vec::new();
            for epci in organisations::epcis(pool, organisation_id).await? {
                let figures = objectives(pool, &epci, year, Some(organisation_id)).await?;
                all.push((crate::ssr::reference::epci_name(&epci), figures));
            }
            all
        },
    })
}

/// What staff may orient a unit of `commune_insee` to in `year`: the réservataires whose
/// conventions cover the commune, then the landlord's own share, each with how far it is used.
/// Empty when the organisation has no convention there: the unit then counts in its own share.
pub async fn choices_for(
    pool: &AnyPool,
    organisation_id: i64,
    commune_insee: &str,
    year: i32,
) -> Result<Vec<Usage>, AppError> {
    let Some((departement, commune)) = flux_territory(commune_insee) else {
        return Ok(Vec::new());
    };
    let (lines, _) = flow(pool, organisation_id, year).await?;
    let usages: Vec<Usage> = lines
        .into_iter()
        .filter(|l| {
            l.departement == departement
                && (l.commune_insee.is_empty() || l.commune_insee == commune)
        })
        .map(|l| l.usage)
        .collect();
    // Without a convention covering the unit, only the landlord's own share is left: no choice.
    Ok(if usages.iter().any(|u| u.choice.starts_with("r:")) {
        usages
    } else {
        Vec::new()
    })
}

/// The département of a unit's commune and the commune a convention names for it (a municipal
/// arrondissement's city: conventions are signed by Paris, Lyon or Marseille).
fn flux_territory(commune_insee: &str) -> Option<(String, String)> {
    let place = Places::commune(national(), commune_insee)?;
    Some((
        place.departement.clone(),
        place
            .parent_insee
            .clone()
            .unwrap_or_else(|| place.insee.clone()),
    ))
}

/// Orients a new offer, from the orientation field: `r:{réservataire id}` (its convention of
/// `year` covering the unit), `bailleur`, or a reason for taking the unit out of the flow. Empty
/// is the landlord's own share where no convention covers the unit, and an error elsewhere.
pub async fn orient(
    work: &mut Work,
    organisation_id: i64,
    offer_id: i64,
    choice: &str,
    year: i32,
) -> Result<(), AppError> {
    let (_, unit_commune) = offers::unit_of(work, organisation_id, offer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let choice = choice.trim();
    let Some((departement, commune)) = flux_territory(&unit_commune) else {
        // A commune the reference no longer knows: no convention can name it.
        let orientation = Orientation::parse(choice)
            .filter(|o| o.out_of_flow())
            .unwrap_or(Orientation::Bailleur);
        offers::set_orientation(work, organisation_id, offer_id, orientation, None, year).await?;
        return Ok(());
    };
    let (orientation, convention) = if let Some(id) = choice.strip_prefix("r:") {
        let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
        let convention =
            flux::convention_for(work, organisation_id, id, year, &departement, &commune)
                .await?
                .ok_or_else(|| {
                    AppError::field(
                        "orientation",
                        format!("Ce réservataire n'a pas de convention {year} pour la commune du logement : choisissez-en un autre, ou enregistrez d'abord sa convention."),
                    )
                })?;
        (Orientation::Convention, Some(convention))
    } else if choice.is_empty() {
        let covered = flux::conventions(&mut **work, organisation_id, year, Some(&departement))
            .await?
            .iter()
            .any(|c| c.commune_insee.is_empty() || c.commune_insee == commune);
        if covered {
            return Err(AppError::field(
                "orientation",
                "Choisissez le réservataire vers lequel orienter ce logement, ou le motif qui le sort du flux.",
            ));
        }
        (Orientation::Bailleur, None)
    } else {
        let orientation = Orientation::parse(choice)
            .filter(|o| *o != Orientation::Convention)
            .ok_or_else(|| {
                AppError::field("orientation", "Choisissez une orientation de la liste.")
            })?;
        (orientation, None)
    };
    offers::set_orientation(
        work,
        organisation_id,
        offer_id,
        orientation,
        convention,
        year,
    )
    .await?;
    Ok(())
}

/// Keeps a draft in the flow of the year it now opens, once its window has moved: the same
/// réservataire's convention of that year, or the same reason out of the flow.
pub async fn follow_year(
    work: &mut Work,
    organisation_id: i64,
    offer_id: i64,
    year: i32,
) -> Result<(), AppError> {
    let Some((orientation, reservataire, counted_in)) =
        flux::orientation_of(work, organisation_id, offer_id).await?
    else {
        return Err(AppError::NotFound);
    };
    if counted_in == Some(i64::from(year)) {
        return Ok(());
    }
    let choice = match (
        orientation.as_deref().and_then(Orientation::parse),
        reservataire,
    ) {
        // Made before flow management: nothing to follow.
        (None, _) => return Ok(()),
        (Some(Orientation::Convention), Some(reservataire)) => format!("r:{reservataire}"),
        (Some(other), _) => other.code().to_string(),
    };
    orient(work, organisation_id, offer_id, &choice, year)
        .await
        .map_err(|error| match error {
            AppError::Invalid(_) => AppError::field(
                "opens_on",
                format!("Le réservataire de cette offre n'a pas de convention {year} pour ce logement : ouvrez l'offre dans l'année de sa convention, ou créez une nouvelle offre orientée pour {year}."),
            ),
            other => other,
        })
}

/// The year an offer opening at `opens_at` counts in.
pub fn flux_year(opens_at: i64) -> i32 {
    paris_date(opens_at).year
}

/// A réservataire's bilan of `year`, for its landlord (`None` when the organisation has no such
/// réservataire).
pub async fn bilan(
    pool: &AnyPool,
    organisation_id: i64,
    reservataire_id: i64,
    year: i32,
) -> Result<Option<Bilan>, AppError> {
    let all = flux::conventions_of(pool, organisation_id, reservataire_id).await?;
    let Some(first) = all.first() else {
        return Ok(None);
    };
    let this_year: Vec<&Convention> = all.iter().filter(|c| c.year == i64::from(year)).collect();
    let next_year: Vec<&Convention> = all
        .iter()
        .filter(|c| c.year == i64::from(year) + 1)
        .collect();
    let units: Vec<BilanUnit> = flux::bilan_rows(pool, organisation_id, reservataire_id, year)
        .await?
        .into_iter()
        .map(|r| BilanUnit {
            typology: r.typology,
            financing: r.financing,
            in_qpv: r.in_qpv != 0,
            commune: commune_name(&r.commune_insee),
            construction_period: r.construction_period,
            attributed: r.leased != 0,
        })
        .collect();
    let forecasts = flux::forecasts(pool, organisation_id, year).await?;
    let next_forecasts = flux::forecasts(pool, organisation_id, year + 1).await?;
    let mut departements: Vec<&str> = this_year
        .iter()
        .chain(next_year.iter())
        .map(|c| c.departement.as_str())
        .collect();
    departements.sort_unstable();
    departements.dedup();
    let share_in = |conventions: &[&Convention], departement: &str| -> Option<BasisPoints> {
        conventions
            .iter()
            .find(|c| c.departement == departement && c.commune_insee.is_empty())
            .and_then(|c| BasisPoints::try_from(c.share_bp).ok())
    };
    let targets: Vec<u32> = departements
        .iter()
        .filter_map(|d| {
            let share = share_in(&this_year, d)?;
            let (_, units, _) = forecasts.iter().find(|(fd, _, _)| fd == d)?;
            Some(target(share, u32::try_from(*units).ok()?))
        })
        .collect();
    let mut out_of_flow: Vec<(String, i64)> = Vec::new();
    for departement in &departements {
        for (code, n) in flux::out_of_flow(pool, organisation_id, year, departement).await? {
            let reason = Orientation::parse(&code).map_or(code, |o| o.label().to_string());
            match out_of_flow.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, total)) => *total += n,
                None => out_of_flow.push((reason, n)),
            }
        }
    }
    let next = departements
        .iter()
        .filter_map(|d| {
            let (_, units, out) = next_forecasts.iter().find(|(fd, _, _)| fd == d)?;
            let units = u32::try_from(*units).ok()?;
            let share = share_in(&next_year, d).or_else(|| share_in(&this_year, d));
            Some((
                departement_label(d),
                units,
                u32::try_from(*out).unwrap_or(0),
                share.map(|s| target(s, units)),
            ))
        })
        .collect();
    let landlord = organisations::name_of(pool, organisation_id)
        .await?
        .map(|(name, _)| name)
        .unwrap_or_default();
    Ok(Some(Bilan {
        landlord,
        reservataire: reservataire_words(&first.kind, &first.name),
        year,
        conventions: this_year
            .iter()
            .map(|c| {
                (
                    territory_of(c),
                    BasisPoints::try_from(c.share_bp).unwrap_or(0),
                )
            })
            .collect(),
        proposed: units.len() as i64,
        attributed: units.iter().filter(|u| u.attributed).count() as i64,
        target: (!targets.is_empty()).then(|| targets.iter().sum()),
        breakdowns: breakdowns(&units),
        out_of_flow,
        next_year: next,
    }))
}

/// Invites an account for one of the organisation's réservataires: it will read that
/// réservataire's bilans and the offers oriented to it, nothing else.
pub async fn invite_reservataire(
    state: &crate::ssr::AppState,
    staff: Staff,
    reservataire_id: i64,
    email: &str,
    display_name: &str,
) -> Result<(), AppError> {
    use crate::ssr::store::accounts::NewUser;
    let pool = state.db.pool();
    let (kind, name) = flux::reservataire_of(pool, staff.organisation_id, reservataire_id)
        .await?
        .ok_or_else(|| {
            AppError::field("reservataire_id", "Choisissez un réservataire de la liste.")
        })?;
    let (landlord, _) = organisations::name_of(pool, staff.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::admin::invite(
        state,
        staff.user_id,
        NewUser {
            email,
            password_hash: None,
            display_name,
            role: crate::model::Role::Reservataire,
            organisation_id: Some(staff.organisation_id),
            commission_id: None,
            epci_siren: None,
            active: false,
        },
        &format!("{landlord} ({})", reservataire_words(&kind, &name)),
        &format!("reservataire {reservataire_id}"),
        super::admin::Grant::Reservataire(reservataire_id),
    )
    .await
}

/// The signed-in réservataire account: `(landlord, réservataire)` ids.
pub async fn reservataire_account(pool: &AnyPool) -> Result<(i64, i64), AppError> {
    let user = crate::ssr::require(&[crate::model::Role::Reservataire]).await?;
    flux::account_of(pool, user.id)
        .await?
        .ok_or(AppError::Forbidden)
}

/// What a réservataire's account sees first: its bilans by year and the offers oriented to it.
pub async fn reservataire_home(
    pool: &AnyPool,
    organisation_id: i64,
    reservataire_id: i64,
) -> Result<crate::model::ReservataireHome, AppError> {
    use crate::domain::offer::OfferStatus;
    let (kind, name) = flux::reservataire_of(pool, organisation_id, reservataire_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (landlord, _) = organisations::name_of(pool, organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let offers = flux::oriented_offers(pool, organisation_id, reservataire_id, 500)
        .await?
        .into_iter()
        .map(|o| crate::model::OrientedOfferRow {
            id: o.id,
            year: o.year as i32,
            status: OfferStatus::parse(&o.status)
                .map_or(o.status.clone(), |s| s.label().to_string()),
            opens_on: paris_date(o.opens_at).iso(),
            closes_on: paris_date(o.closes_at - 1).iso(),
            unit: format!(
                "{} {} à {}",
                o.typology,
                o.financing,
                commune_name(&o.commune_insee)
            ),
            leased: o.leased != 0,
        })
        .collect();
    Ok(crate::model::ReservataireHome {
        landlord,
        reservataire: reservataire_words(&kind, &name),
        years: flux::years_of(pool, organisation_id, reservataire_id)
            .await?
            .into_iter()
            .map(|y| y as i32)
            .collect(),
        offers,
    })
}

/// How the objectives class a household housed on `on`: first quartile (with the EPCI's
/// threshold of the year, when entered), relocated by ANRU, and a priority public.
fn classify(
    profile: Option<&crate::domain::profile::Profile>,
    on: Option<crate::domain::calendar::Date>,
    threshold: Option<u32>,
) -> (Option<bool>, bool, Option<bool>) {
    let Some((profile, on)) = profile.zip(on) else {
        return (None, false, None);
    };
    let applicant = profile.applicant(on);
    let first_quartile = threshold.and_then(|t| {
        crate::domain::quartile::is_first_quartile(
            &applicant.members,
            profile.monthly_resources_cents,
            t,
        )
    });
    (
        first_quartile,
        applicant.anru_rehousing,
        Some(applicant.priority_public),
    )
}

/// Who an attribution counts for in the réservataires' priority objectives, and with which
/// objective; `landlord` names the landlord's own share when several landlords are read together.
fn group_of(
    orientation: Option<&str>,
    kind: Option<&str>,
    name: Option<&str>,
    landlord: Option<&str>,
) -> Option<crate::domain::objectives::Group> {
    use crate::domain::objectives::{Group, PRIORITY_ETAT, PRIORITY_PER_RESERVATAIRE};
    match Orientation::parse(orientation?)? {
        Orientation::Convention => {
            let objective = match Reservataire::parse(kind?)? {
                Reservataire::EtatFonctionnaires => return None,
                Reservataire::EtatPrioritaires => PRIORITY_ETAT,
                _ => PRIORITY_PER_RESERVATAIRE,
            };
            Some(Group {
                label: reservataire_words(kind?, name?),
                objective,
            })
        }
        Orientation::Bailleur => Some(Group {
            label: match landlord {
                Some(landlord) => format!("{} — {landlord}", Reservataire::Bailleur.label()),
                None => Reservataire::Bailleur.label().to_string(),
            },
            objective: PRIORITY_PER_RESERVATAIRE,
        }),
        Orientation::Anru | Orientation::Mutation | Orientation::Autre => None,
    }
}

/// The attribution objectives of an EPCI in `year`, over one organisation's leases or, for the
/// territory's admin, every landlord's.
pub async fn objectives(
    pool: &AnyPool,
    epci_siren: &str,
    year: i32,
    organisation_id: Option<i64>,
) -> Result<crate::domain::objectives::Objectives, AppError> {
    use crate::domain::calendar::Date;
    use crate::domain::objectives::{Attribution, objectives};
    use crate::domain::profile::Profile;
    let threshold = crate::ssr::store::territories::threshold(pool, epci_siren, year).await?;
    let attributions: Vec<Attribution> =
        flux::attributions(pool, epci_siren, year, organisation_id)
            .await?
            .into_iter()
            .map(|row| {
                let profile = row
                    .snapshot
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<Profile>(s).ok());
                let (first_quartile, anru, priority) =
                    classify(profile.as_ref(), Date::parse(&row.signed_on), threshold);
                Attribution {
                    in_qpv: row.in_qpv != 0,
                    first_quartile,
                    anru,
                    priority,
                    reservataire: group_of(
                        row.orientation.as_deref(),
                        row.kind.as_deref(),
                        row.name.as_deref(),
                        organisation_id.is_none().then_some(row.landlord.as_str()),
                    ),
                }
            })
            .collect();
    Ok(objectives(&attributions))
}

/// For the commission's review: how attributing each candidate's offer to them would move the
/// landlord's objectives of the year in the unit's EPCI (the QPV indicator that applies, and the
/// priority share of the réservataire the offer is oriented to).
pub async fn review_effects(
    pool: &AnyPool,
    view: &mut crate::model::caleol::SessionView,
    today: crate::domain::calendar::Date,
) -> Result<(), AppError> {
    use crate::domain::objectives::{Objectives, priority_indicator};
    use crate::domain::profile::Profile;
    let year = today.year;
    // A session's offers are mostly of one landlord in one EPCI: their figures are read once.
    let mut read: Vec<((String, i64), Objectives, Option<u32>)> = Vec::new();
    for item in &mut view.items {
        let Some(offer) = flux::offer_flux(pool, item.offer_id).await? else {
            continue;
        };
        let key = (offer.epci_siren.clone(), offer.organisation_id);
        if !read.iter().any(|(k, _, _)| *k == key) {
            let figures =
                objectives(pool, &offer.epci_siren, year, Some(offer.organisation_id)).await?;
            let threshold =
                crate::ssr::store::territories::threshold(pool, &offer.epci_siren, year).await?;
            read.push((key.clone(), figures, threshold));
        }
        let Some((_, figures, threshold)) = read.iter().find(|(k, _, _)| *k == key) else {
            continue;
        };
        let (figures, threshold) = (figures.clone(), *threshold);
        let group = group_of(
            offer.orientation.as_deref(),
            offer.kind.as_deref(),
            offer.name.as_deref(),
            None,
        );
        let reservataire = group.map(|group| {
            figures
                .per_reservataire
                .iter()
                .find(|i| i.label == priority_indicator(&group).label)
                .cloned()
                .unwrap_or_else(|| priority_indicator(&group))
        });
        for candidate in &mut item.candidates {
            let profile = crate::ssr::store::rankings::entry_snapshot(pool, candidate.entry_id)
                .await?
                .and_then(|s| serde_json::from_str::<Profile>(&s).ok());
            let (first_quartile, anru, priority) =
                classify(profile.as_ref(), Some(today), threshold);
            // The same rules as `domain::objectives`: in QPV the other three quartiles count,
            // outside it the first quartile or an ANRU relocation.
            let qpv = if offer.in_qpv != 0 {
                figures.in_qpv.move_words(first_quartile.map(|fq| !fq))
            } else if anru {
                figures.outside_qpv.move_words(Some(true))
            } else {
                figures.outside_qpv.move_words(first_quartile)
            };
            candidate.objectives = std::iter::once(format!("{year} — {qpv}"))
                .chain(
                    reservataire
                        .as_ref()
                        .map(|r| format!("{year} — {}", r.move_words(priority))),
                )
                .collect();
        }
    }
    Ok(())
}

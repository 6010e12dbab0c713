//! Gestion en flux for a landlord's staff: the conventions of the year and how far each share is
//! used, the forecasts, the units taken out of the flow, and each réservataire's yearly bilan
//! (page, CSV). The organisation's admins record conventions and forecasts.

use crate::components::chart::BarChart;
use crate::components::commune::CommuneField;
use crate::components::form::{
    Field, FormAlert, KeptForm, SelectField, field_errors, field_message,
};
use crate::components::notices::success_flag;
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::domain::flux::{Bilan, share_words, units_words};
use crate::domain::offer::Reservataire;
use crate::error::AppError;
use crate::model::FluxOverview;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The year asked for in `?annee=`, within what the page offers, else this one.
#[cfg(feature = "ssr")]
fn chosen_year(asked: Option<i32>) -> i32 {
    let this_year = crate::ssr::subject::today().year;
    asked
        .filter(|y| (2020..=this_year + 1).contains(y))
        .unwrap_or(this_year)
}

/// A convention's or forecast's year as typed: last year (to correct), this one or the next.
#[cfg(feature = "ssr")]
fn checked_year(typed: &str, field: &str, errors: &mut crate::error::FieldErrors) -> Option<i32> {
    let this_year = crate::ssr::subject::today().year;
    match typed.trim().parse::<i32>() {
        Ok(y) if (this_year - 1..=this_year + 1).contains(&y) => Some(y),
        _ => {
            errors.add(
                field,
                format!(
                    "Indiquez une année entre {} et {}.",
                    this_year - 1,
                    this_year + 1
                ),
            );
            None
        }
    }
}

fn year_of_query() -> impl Fn() -> Option<i32> + Clone + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        query
            .read()
            .get("annee")
            .and_then(|y| y.trim().parse().ok())
    }
}

#[server(endpoint = "gestion/flux")]
pub async fn load_flux(year: Option<i32>) -> Result<FluxOverview, AppError> {
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = crate::ssr::usecases::Staff::current().await?;
        let pool = state()?.db.pool().clone();
        let is_admin = crate::ssr::store::audit::is_org_admin(&pool, staff.user_id).await?;
        crate::ssr::usecases::flux::overview(
            &pool,
            staff.organisation_id,
            chosen_year(year),
            is_admin,
        )
        .await
    })
    .await
}

/// Records a convention of the organisation (its admins only).
#[server(endpoint = "gestion/flux/convention")]
pub async fn save_convention(
    kind: String,
    #[server(default)] name: String,
    year: String,
    departement: String,
    #[server(default)] commune: String,
    share: String,
    #[server(default)] reference: String,
) -> Result<(), AppError> {
    use crate::domain::flux::{parse_share, signs_per_commune};
    use crate::domain::territory::Places;
    use crate::error::FieldErrors;
    use crate::ssr::usecases::flux::{self, ConventionInput};
    use crate::ssr::{respond, state};
    respond(async move {
        let state = state()?;
        let pool = state.db.pool().clone();
        let staff = flux::org_admin(&pool).await?;
        let mut errors = FieldErrors::new();
        let kind = Reservataire::parse(kind.trim()).filter(|k| *k != Reservataire::Bailleur);
        if kind.is_none() {
            errors.add("kind", "Choisissez le type de réservataire.");
        }
        let name: String = name.trim().chars().take(121).collect();
        let name = match (name.is_empty(), kind) {
            (true, Some(kind)) => kind.label().to_string(),
            _ => name,
        };
        if name.chars().count() > 120 {
            errors.add("name", "Le nom du réservataire tient en 120 caractères au plus.");
        }
        let year = checked_year(&year, "year", &mut errors);
        let departements = flux::organisation_departements(&pool, staff.organisation_id).await?;
        let departement = departements
            .iter()
            .find(|(code, _)| *code == departement.trim())
            .map(|(code, _)| code.clone());
        if departement.is_none() {
            errors.add("departement", "Choisissez un département de vos territoires.");
        }
        let commune: String = commune.chars().take(120).collect();
        let commune_insee = match (kind, commune.trim()) {
            (Some(kind), typed) if signs_per_commune(kind) => {
                match Places::resolve(crate::ssr::reference::national(), typed) {
                    Ok(place) if Some(&place.departement) == departement.as_ref() => {
                        Some(place.parent_insee.clone().unwrap_or_else(|| place.insee.clone()))
                    }
                    Ok(place) => {
                        errors.add(
                            "commune",
                            format!("{} n'est pas dans le département choisi.", place.name),
                        );
                        None
                    }
                    Err(problem) => {
                        errors.add("commune", problem.message());
                        None
                    }
                }
            }
            (_, "") => Some(String::new()),
            (_, _) => {
                errors.add(
                    "commune",
                    "Seule une commune signe une convention à l'échelle de la commune : laissez ce champ vide.",
                );
                None
            }
        };
        let share = parse_share(&share)
            .map_err(|message| errors.add("share", message))
            .ok();
        let reference: String = reference.trim().chars().take(81).collect();
        if reference.chars().count() > 80 {
            errors.add("reference", "La référence tient en 80 caractères au plus.");
        }
        let (Some(kind), Some(year), Some(departement), Some(commune_insee), Some(share), true) =
            (kind, year, departement, commune_insee, share, errors.is_empty())
        else {
            return Err(AppError::Invalid(errors));
        };
        flux::save_convention(
            &state,
            staff,
            &ConventionInput {
                kind,
                name,
                year,
                departement,
                commune_insee,
                share,
                reference,
            },
        )
        .await?;
        leptos_axum::redirect(&format!("/gestion/flux?annee={year}&convention=1"));
        Ok(())
    })
    .await
}

/// Records the forecast of a year's flow in a département (the organisation's admins only).
#[server(endpoint = "gestion/flux/prevision")]
pub async fn save_forecast(
    forecast_year: String,
    forecast_departement: String,
    units: String,
    #[server(default)] out_of_flow: String,
) -> Result<(), AppError> {
    use crate::domain::flux::parse_units;
    use crate::error::FieldErrors;
    use crate::ssr::usecases::flux;
    use crate::ssr::{respond, state};
    respond(async move {
        let state = state()?;
        let pool = state.db.pool().clone();
        let staff = flux::org_admin(&pool).await?;
        let mut errors = FieldErrors::new();
        let year = checked_year(&forecast_year, "forecast_year", &mut errors);
        let departement = flux::organisation_departements(&pool, staff.organisation_id)
            .await?
            .into_iter()
            .find(|(code, _)| *code == forecast_departement.trim())
            .map(|(code, _)| code);
        if departement.is_none() {
            errors.add(
                "forecast_departement",
                "Choisissez un département de vos territoires.",
            );
        }
        let units = parse_units(&units)
            .map_err(|message| errors.add("units", message))
            .ok();
        let out_of_flow = match out_of_flow.trim() {
            "" => Some(0),
            typed => parse_units(typed)
                .map_err(|message| errors.add("out_of_flow", message))
                .ok(),
        };
        let (Some(year), Some(departement), Some(units), Some(out_of_flow)) =
            (year, departement, units, out_of_flow)
        else {
            return Err(AppError::Invalid(errors));
        };
        flux::save_forecast(&state, staff, year, &departement, units, out_of_flow).await?;
        leptos_axum::redirect(&format!("/gestion/flux?annee={year}&prevision=1"));
        Ok(())
    })
    .await
}

/// Invites an account for one of the organisation's réservataires (its admins only).
#[server(endpoint = "gestion/flux/inviter")]
pub async fn invite_reservataire(
    reservataire_id: String,
    display_name: String,
    email: String,
) -> Result<(), AppError> {
    use crate::domain::account::{display_name_problem, email_problem, normalize_email};
    use crate::error::FieldErrors;
    use crate::ssr::usecases::flux;
    use crate::ssr::{respond, state};
    respond(async move {
        let state = state()?;
        let staff = flux::org_admin(state.db.pool()).await?;
        let email = normalize_email(&email);
        let display_name = display_name.trim().to_string();
        let mut errors = FieldErrors::new();
        let reservataire_id = reservataire_id.trim().parse::<i64>().ok();
        if reservataire_id.is_none() {
            errors.add("reservataire_id", "Choisissez un réservataire de la liste.");
        }
        if let Some(problem) = display_name_problem(&display_name) {
            errors.add("display_name", problem);
        }
        if let Some(problem) = email_problem(&email) {
            errors.add("email", problem);
        }
        errors.into_result()?;
        let Some(reservataire_id) = reservataire_id else {
            return Err(AppError::Internal);
        };
        flux::invite_reservataire(&state, staff, reservataire_id, &email, &display_name).await?;
        leptos_axum::redirect("/gestion/flux?invitation=1#comptes");
        Ok(())
    })
    .await
}

#[component]
pub fn FluxPage() -> impl IntoView {
    let year = year_of_query();
    let convention = ServerAction::<SaveConvention>::new();
    let forecast = ServerAction::<SaveForecast>::new();
    let invite = ServerAction::<InviteReservataire>::new();
    let overview = Resource::new(year, load_flux);
    view! {
        <Title text="Gestion en flux"/>
        {loaded(overview, move |o| view! { <FluxView o convention forecast invite/> })}
    }
}

#[component]
fn FluxView(
    o: FluxOverview,
    convention: ServerAction<SaveConvention>,
    forecast: ServerAction<SaveForecast>,
    invite: ServerAction<InviteReservataire>,
) -> impl IntoView {
    let year = o.year;
    let asked = |key: &str| success_flag(key).is_some();
    let notice = if asked("convention") {
        Some("La convention est enregistrée.")
    } else if asked("prevision") {
        Some("La prévision est enregistrée.")
    } else if asked("invitation") {
        Some(
            "L'invitation est envoyée : le compte s'active quand son destinataire choisit son mot de passe.",
        )
    } else {
        None
    };
    let bilans = o.reservataires.clone();
    view! {
        <section class="panel">
            <h1>{format!("Gestion en flux — {year}")}</h1>
            <p>"Chaque logement libéré compte dans le flux annuel : il est orienté vers un réservataire selon sa convention, vers le contingent propre du bailleur, ou sort du flux avec son motif (relogement ANRU, mutation interne). La part de chacun se lit ici face à son objectif."</p>
            {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <nav aria-label="Années">
                <ul class="inline-list">
                    {[year - 1, year + 1].into_iter().map(|y| view! {
                        <li><a href=format!("/gestion/flux?annee={y}")>{format!("Flux {y}")}</a></li>
                    }).collect_view()}
                </ul>
            </nav>
            {if o.lines.is_empty() {
                view! { <p>{format!("Aucune convention ni prévision n'est enregistrée pour {year}.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption>{format!("Réservations du flux {year} et leur utilisation")}</caption>
                            <thead><tr>
                                <th scope="col">"Réservataire"</th>
                                <th scope="col">"Territoire"</th>
                                <th scope="col">"Part du flux"</th>
                                <th scope="col">"Objectif (logements)"</th>
                                <th scope="col">"Orientés"</th>
                                <th scope="col">"Attribués"</th>
                            </tr></thead>
                            <tbody>
                                {o.lines.iter().map(|l| view! {
                                    <tr>
                                        <th scope="row">{l.usage.label.clone()}{(!l.reference.is_empty()).then(|| format!(" (convention {})", l.reference))}</th>
                                        <td>{l.territory.clone()}</td>
                                        <td>{share_words(l.usage.share)}</td>
                                        <td>{l.usage.target.map_or_else(|| "non prévu".to_string(), |t| t.to_string())}</td>
                                        <td>{l.usage.oriented}{l.usage.is_served().then_some(" (part atteinte)")}</td>
                                        <td>{l.usage.attributed}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {(!o.out_of_flow.is_empty()).then(|| view! {
                <h2>"Logements sortis du flux"</h2>
                <ul>{o.out_of_flow.iter().map(|(d, reason, n)| view! {
                    <li>{format!("{d} — {reason} : {n}")}</li>
                }).collect_view()}</ul>
            })}
            {(!o.forecasts.is_empty()).then(|| view! {
                <h2>{format!("Prévisions {year}")}</h2>
                <ul>{o.forecasts.iter().map(|(d, units, out)| view! {
                    <li>{format!("{d} : {} dans le flux, {out} hors flux", units_words(*units))}</li>
                }).collect_view()}</ul>
            })}
            {(!o.objectives.is_empty()).then(|| view! {
                <h2>"Objectifs d'attribution"</h2>
                <p>"Loi Égalité et Citoyenneté, sur les baux signés cette année pour vos logements, d'après la situation des ménages à la clôture des offres."</p>
            })}
            {o.objectives.iter().map(|(epci, objectives)| view! {
                <ObjectivesView title=format!("Objectifs d'attribution {year} — {epci}") objectives=objectives.clone()/>
            }).collect_view()}
            {(!bilans.is_empty()).then(|| view! {
                <h2>"Bilans annuels par réservataire"</h2>
                <ul>{bilans.into_iter().map(|(id, label)| view! {
                    <li><a href=format!("/gestion/flux/bilan/{id}?annee={year}")>{format!("{label} — bilan {year}")}</a></li>
                }).collect_view()}</ul>
            })}
        </section>
        {o.is_admin.then(|| view! {
            <FluxForms year departements=o.departements.clone() convention forecast/>
            <ReservataireAccounts reservataires=o.reservataires.clone() accounts=o.accounts.clone() invite/>
        })}
    }
}

#[component]
fn FluxForms(
    year: i32,
    departements: Vec<(String, String)>,
    convention: ServerAction<SaveConvention>,
    forecast: ServerAction<SaveForecast>,
) -> impl IntoView {
    let convention_errors = field_errors(convention.value());
    let forecast_errors = field_errors(forecast.value());
    let kinds: Vec<(String, String)> = Reservataire::ALL
        .iter()
        .filter(|k| **k != Reservataire::Bailleur)
        .map(|k| (k.code().to_string(), k.label().to_string()))
        .collect();
    let selected_departement = departements
        .first()
        .map(|(code, _)| code.clone())
        .unwrap_or_default();
    let forecast_departements = departements.clone();
    let forecast_selected = selected_departement.clone();
    view! {
        <section class="panel narrow" aria-labelledby="convention-titre">
            <h2 id="convention-titre">"Enregistrer une convention de réservation"</h2>
            <p class="hint">"Une convention par réservataire, par département et par an (la commune signe pour son territoire). Enregistrer de nouveau la même convention en change la part. La part de l'État est d'au plus 30 % du flux, dont 5 % pour ses agents ; le total ne dépasse pas 100 %."</p>
            <FormAlert value=convention.value()/>
            <KeptForm action=convention>
                <SelectField label="Type de réservataire" name="kind" options=kinds placeholder="Choisissez" errors=convention_errors/>
                <Field label="Nom du réservataire" name="name" required=false hint="Par exemple « Action Logement Services » ou « Ville de Besançon » ; par défaut, le type." errors=convention_errors/>
                <Field label="Année" name="year" kind="number" value=year.to_string() errors=convention_errors/>
                <SelectField label="Département" name="departement" options=departements selected=selected_departement errors=convention_errors/>
                <CommuneField label="Commune (convention d'une commune seulement)" name="commune" value="" required=false error=field_message(convention_errors, "commune")/>
                <Field label="Part du flux annuel (%)" name="share" hint="Par exemple 25 ou 12,5." errors=convention_errors/>
                <Field label="Référence de la convention" name="reference" required=false errors=convention_errors/>
                <button type="submit" class="button">"Enregistrer la convention"</button>
            </KeptForm>
        </section>
        <section class="panel narrow" aria-labelledby="prevision-titre">
            <h2 id="prevision-titre">"Prévoir le flux d'une année"</h2>
            <p class="hint">"Le nombre de logements que vous prévoyez de louer dans le département pendant l'année, hors ceux qui sortiront du flux : l'objectif de chaque réservataire en découle."</p>
            <FormAlert value=forecast.value()/>
            <KeptForm action=forecast>
                <Field label="Année" name="forecast_year" kind="number" value=year.to_string() errors=forecast_errors/>
                <SelectField label="Département" name="forecast_departement" options=forecast_departements selected=forecast_selected errors=forecast_errors/>
                <Field label="Logements dans le flux" name="units" kind="number" errors=forecast_errors/>
                <Field label="Logements prévus hors flux (relogements ANRU, mutations)" name="out_of_flow" kind="number" required=false errors=forecast_errors/>
                <button type="submit" class="button">"Enregistrer la prévision"</button>
            </KeptForm>
        </section>
    }
}

/// The réservataires' accounts, and the form that invites one.
#[component]
fn ReservataireAccounts(
    reservataires: Vec<(i64, String)>,
    accounts: Vec<(String, String, String, bool)>,
    invite: ServerAction<InviteReservataire>,
) -> impl IntoView {
    let errors = field_errors(invite.value());
    let choices: Vec<(String, String)> = reservataires
        .into_iter()
        .map(|(id, label)| (id.to_string(), label))
        .collect();
    view! {
        <section class="panel narrow" id="comptes" aria-labelledby="comptes-titre">
            <h2 id="comptes-titre">"Comptes des réservataires"</h2>
            <p>"Un réservataire invité lit ses bilans annuels et les offres orientées vers lui ; il ne voit aucune candidature."</p>
            {if accounts.is_empty() {
                view! { <p>"Aucun compte pour l'instant."</p> }.into_any()
            } else {
                view! {
                    <ul>{accounts.into_iter().map(|(label, name, email, active)| view! {
                        <li>{format!("{label} : {name} ({email}){}", if active { "" } else { " — invitation en attente" })}</li>
                    }).collect_view()}</ul>
                }.into_any()
            }}
            {if choices.is_empty() {
                view! { <p>"Enregistrez d'abord une convention : son réservataire pourra alors être invité."</p> }.into_any()
            } else {
                view! {
                    <FormAlert value=invite.value()/>
                    <KeptForm action=invite>
                        <SelectField label="Réservataire" name="reservataire_id" options=choices placeholder="Choisissez" errors/>
                        <Field label="Nom de la personne" name="display_name" autocomplete="name" errors/>
                        <Field label="Adresse électronique" name="email" kind="email" autocomplete="email" errors/>
                        <button type="submit" class="button">"Envoyer l'invitation"</button>
                    </KeptForm>
                }.into_any()
            }}
        </section>
    }
}

#[server(endpoint = "gestion/flux/bilan")]
pub async fn load_bilan(reservataire_id: i64, year: Option<i32>) -> Result<Bilan, AppError> {
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = crate::ssr::usecases::Staff::current().await?;
        let pool = state()?.db.pool().clone();
        crate::ssr::usecases::flux::bilan(
            &pool,
            staff.organisation_id,
            reservataire_id,
            chosen_year(year),
        )
        .await?
        .ok_or(AppError::NotFound)
    })
    .await
}

#[component]
pub fn BilanPage() -> impl IntoView {
    let id = id_param();
    let year = year_of_query();
    let source = id.clone();
    let bilan = Resource::new(
        move || (source(), year()),
        |(id, year)| load_bilan(id, year),
    );
    view! {
        <Title text="Bilan annuel du réservataire"/>
        {loaded(bilan, move |b| {
            let (year, id) = (b.year, id());
            view! {
                <BilanView b
                    back=(format!("/gestion/flux?annee={year}"), "← Gestion en flux")
                    files=format!("/gestion/flux/bilan/{id}/bilan")/>
            }
        })}
    }
}

/// A réservataire's bilan of one year; `back` is the link above it, `files` the path of its
/// downloads (without `.csv` or `.pdf`).
#[component]
pub fn BilanView(b: Bilan, back: (String, &'static str), files: String) -> impl IntoView {
    let year = b.year;
    let by_typology = b
        .breakdowns
        .first()
        .map(|t| {
            t.lines
                .iter()
                .map(|l| (l.value.clone(), l.proposed))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    view! {
        <section class="panel">
            <p><a href=back.0>{back.1}</a></p>
            <h1>{format!("Bilan {year} — {}", b.reservataire)}</h1>
            <p>{format!("Logements proposés et attribués par {} au titre des conventions de réservation de {year} (décret n° 2020-145 : bilan adressé à chaque réservataire avant le 28 février {}).", b.landlord, year + 1)}</p>
            {(!b.conventions.is_empty()).then(|| view! {
                <p>{format!("Conventions : {}.", b.conventions.iter().map(|(t, s)| format!("{t}, {}", share_words(*s))).collect::<Vec<_>>().join(" ; "))}</p>
            })}
            <p><strong>{crate::domain::flux::bilan_summary(&b)}</strong>{b.target.is_some().then_some(" (objectif selon la prévision du flux)")}"."</p>
            <p>
                <a href=format!("{files}.pdf?annee={year}") download="">"Télécharger le bilan (PDF)"</a>" · "
                <a href=format!("{files}.csv?annee={year}") download="">"Télécharger le bilan (CSV)"</a>
            </p>
            {(!by_typology.is_empty()).then(|| view! {
                <BarChart bars=by_typology described="Logements proposés par typologie"
                    caption="Logements proposés par typologie (le premier tableau ci-dessous donne les mêmes chiffres, avec les attributions)."/>
            })}
            {b.breakdowns.into_iter().map(|breakdown| view! {
                <div class="table-wrap">
                    <table>
                        <caption>{breakdown.title.clone()}</caption>
                        <thead><tr><th scope="col">"Catégorie"</th><th scope="col">"Proposés"</th><th scope="col">"Attribués"</th></tr></thead>
                        <tbody>
                            {if breakdown.lines.is_empty() {
                                view! { <tr><td colspan="3">"Aucun logement"</td></tr> }.into_any()
                            } else {
                                breakdown.lines.into_iter().map(|l| view! {
                                    <tr><th scope="row">{l.value}</th><td>{l.proposed}</td><td>{l.attributed}</td></tr>
                                }).collect_view().into_any()
                            }}
                        </tbody>
                    </table>
                </div>
            }).collect_view()}
            <h2>"Logements sortis du flux"</h2>
            {if b.out_of_flow.is_empty() {
                view! { <p>"Aucun logement sorti du flux dans ces territoires."</p> }.into_any()
            } else {
                view! { <ul>{b.out_of_flow.into_iter().map(|(reason, n)| view! { <li>{format!("{reason} : {n}")}</li> }).collect_view()}</ul> }.into_any()
            }}
            <h2>{format!("Prévision {}", year + 1)}</h2>
            {if b.next_year.is_empty() {
                view! { <p>{format!("La prévision du flux {} n'est pas encore enregistrée.", year + 1)}</p> }.into_any()
            } else {
                view! { <ul>{b.next_year.into_iter().map(|(t, flow, out, units)| view! {
                    <li>{format!("{t} : {} dans le flux, {out} hors flux{}", units_words(i64::from(flow)), units.map(|u| format!(" ; {} pour ce réservataire", units_words(i64::from(u)))).unwrap_or_default())}</li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

#[server(endpoint = "reservataire/accueil")]
pub async fn load_reservataire_home() -> Result<crate::model::ReservataireHome, AppError> {
    use crate::ssr::usecases::flux;
    use crate::ssr::{respond, state};
    respond(async move {
        let pool = state()?.db.pool().clone();
        let (organisation, reservataire) = flux::reservataire_account(&pool).await?;
        flux::reservataire_home(&pool, organisation, reservataire).await
    })
    .await
}

#[server(endpoint = "reservataire/bilan")]
pub async fn load_my_bilan(year: Option<i32>) -> Result<Bilan, AppError> {
    use crate::ssr::usecases::flux;
    use crate::ssr::{respond, state};
    respond(async move {
        let pool = state()?.db.pool().clone();
        let (organisation, reservataire) = flux::reservataire_account(&pool).await?;
        flux::bilan(&pool, organisation, reservataire, chosen_year(year))
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// A réservataire account's home: its bilans by year, and the offers oriented to it.
#[component]
pub fn ReservataireHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| load_reservataire_home());
    view! {
        <Title text="Réservataire — bilans et offres"/>
        {loaded(home, |h| view! {
            <section class="panel">
                <h1>{h.reservataire.clone()}</h1>
                <p>{format!("Logements du flux de {} orientés vers vous, et vos bilans annuels.", h.landlord)}</p>
                <h2>"Bilans annuels"</h2>
                {if h.years.is_empty() {
                    view! { <p>"Aucune convention n'est enregistrée pour vous."</p> }.into_any()
                } else {
                    view! { <ul>{h.years.iter().map(|y| view! {
                        <li><a href=format!("/reservataire/bilan?annee={y}")>{format!("Bilan {y}")}</a></li>
                    }).collect_view()}</ul> }.into_any()
                }}
                <h2>"Offres orientées vers vous"</h2>
                {if h.offers.is_empty() {
                    view! { <p>"Aucune offre n'a encore été orientée vers vous."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table>
                                <caption>"Offres, des plus récentes aux plus anciennes"</caption>
                                <thead><tr>
                                    <th scope="col">"Offre"</th>
                                    <th scope="col">"Logement"</th>
                                    <th scope="col">"Période de candidature"</th>
                                    <th scope="col">"État"</th>
                                    <th scope="col">"Bail signé"</th>
                                </tr></thead>
                                <tbody>
                                    {h.offers.iter().map(|o| view! {
                                        <tr>
                                            <th scope="row">{format!("n° {} (flux {})", o.id, o.year)}</th>
                                            <td>{o.unit.clone()}</td>
                                            <td>{format!("du {} au {}", crate::components::offer::french_day(&o.opens_on), crate::components::offer::french_day(&o.closes_on))}</td>
                                            <td>{o.status.clone()}</td>
                                            <td>{if o.leased { "oui" } else { "non" }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
        })}
    }
}

#[component]
pub fn ReservataireBilanPage() -> impl IntoView {
    let year = year_of_query();
    let bilan = Resource::new(year, load_my_bilan);
    view! {
        <Title text="Bilan annuel"/>
        {loaded(bilan, |b| view! {
            <BilanView b back=("/reservataire".to_string(), "← Bilans et offres")
                files="/reservataire/bilan".to_string()/>
        })}
    }
}

/// The attribution objectives of the loi Égalité et Citoyenneté as a table: each indicator with
/// its figure, its objective and whether it is met, in words (never by colour alone).
#[component]
pub fn ObjectivesView(
    title: String,
    objectives: crate::domain::objectives::Objectives,
) -> impl IntoView {
    let indicators: Vec<crate::domain::objectives::Indicator> =
        [objectives.outside_qpv, objectives.in_qpv]
            .into_iter()
            .chain(objectives.per_reservataire)
            .collect();
    view! {
        <div class="table-wrap">
            <table>
                <caption>{title}</caption>
                <thead><tr>
                    <th scope="col">"Indicateur"</th>
                    <th scope="col">"Réalisé"</th>
                    <th scope="col">"Objectif"</th>
                    <th scope="col">"Atteint"</th>
                </tr></thead>
                <tbody>
                    {indicators.into_iter().map(|i| view! {
                        <tr>
                            <th scope="row">{i.label.clone()}</th>
                            <td>{i.words()}</td>
                            <td>{format!("au moins {}\u{a0}%", i.objective)}</td>
                            <td>{match i.met() { Some(true) => "oui", Some(false) => "non", None => "sans objet" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

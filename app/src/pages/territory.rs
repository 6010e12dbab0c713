//! What a territory's admin lists for the EPCI besides its cotation grids: the quartiers
//! prioritaires staff pick a unit's QPV from, and the first-quartile income threshold of each
//! year (set by ministerial arrêté), which classes requests for the attribution objectives.

use crate::components::form::{Field, FormAlert, field_errors};
use crate::components::form::{KeptForm, kept_value};
use crate::components::outcome::loaded;
use crate::domain::qpv::Qpv;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerritoryLists {
    pub epci_name: String,
    pub qpvs: Vec<(Qpv, String)>,
    /// `(year, euros per consumption unit)`, latest first.
    pub thresholds: Vec<(i32, u32)>,
    pub year: i32,
    /// The attribution objectives of the year over every landlord's leases in the EPCI.
    pub objectives: crate::domain::objectives::Objectives,
}

#[cfg(feature = "ssr")]
use crate::ssr::subject::territory_admin;

#[server(endpoint = "territoire/listes")]
pub async fn load_territory_lists() -> Result<TerritoryLists, AppError> {
    use crate::ssr::store::territories;
    use crate::ssr::{respond, state, subject::today};
    respond(async move {
        let (_, epci) = territory_admin().await?;
        let pool = state()?.db.pool().clone();
        let qpvs = territories::qpvs_of(&pool, std::slice::from_ref(&epci))
            .await?
            .into_iter()
            .map(|q| {
                let commune = crate::ssr::reference::commune_name(&q.commune_insee);
                (q, commune)
            })
            .collect();
        let year = today().year;
        Ok(TerritoryLists {
            epci_name: crate::ssr::reference::epci_name(&epci),
            qpvs,
            thresholds: territories::thresholds(&pool, &epci).await?,
            objectives: crate::ssr::usecases::flux::objectives(&pool, &epci, year, None).await?,
            year,
        })
    })
    .await
}

/// Replaces the territory's list of QPVs with the pasted one, if every line is right.
#[server(endpoint = "territoire/qpv")]
pub async fn save_qpvs(list: String) -> Result<(), AppError> {
    use crate::error::FieldErrors;
    use crate::ssr::{respond, state};
    respond(async move {
        let (user, epci) = territory_admin().await?;
        let parsed =
            crate::domain::qpv::parse_list(&list, crate::ssr::reference::national(), &epci)
                .map_err(|problems| {
                    let mut errors = FieldErrors::new();
                    for p in problems {
                        errors.add("list", p);
                    }
                    AppError::Invalid(errors)
                })?;
        crate::ssr::usecases::territory::replace_qpvs(&state()?, &user, &epci, &parsed).await?;
        leptos_axum::redirect("/territoire?qpv=1#qpv");
        Ok(())
    })
    .await
}

/// Sets the first-quartile threshold of a year (this one, the next or a past one to correct).
#[server(endpoint = "territoire/quartile")]
pub async fn set_quartile_threshold(year: String, amount: String) -> Result<(), AppError> {
    use crate::error::FieldErrors;
    use crate::ssr::{respond, state, subject::today};
    respond(async move {
        let (user, epci) = territory_admin().await?;
        let this_year = today().year;
        let mut errors = FieldErrors::new();
        let year = match year.trim().parse::<i32>() {
            Ok(y) if (2017..=this_year + 1).contains(&y) => Some(y),
            _ => {
                errors.add(
                    "year",
                    format!(
                        "Indiquez une année entre 2017 (loi Égalité et Citoyenneté) et {}.",
                        this_year + 1
                    ),
                );
                None
            }
        };
        let amount = match crate::domain::quartile::parse_threshold(&amount) {
            Ok(a) => Some(a),
            Err(message) => {
                errors.add("amount", message);
                None
            }
        };
        let (Some(year), Some(amount)) = (year, amount) else {
            return Err(AppError::Invalid(errors));
        };
        crate::ssr::usecases::territory::set_quartile_threshold(
            &state()?,
            &user,
            &epci,
            year,
            amount,
        )
        .await?;
        leptos_axum::redirect("/territoire?quartile=1#quartile");
        Ok(())
    })
    .await
}

#[component]
pub fn TerritoryListsPanel() -> impl IntoView {
    let save = ServerAction::<SaveQpvs>::new();
    let threshold = ServerAction::<SetQuartileThreshold>::new();
    let lists = Resource::new(|| (), |_| load_territory_lists());
    view! { {loaded(lists, move |data| view! { <Lists data save threshold/> })} }
}

#[component]
fn Lists(
    data: TerritoryLists,
    save: ServerAction<SaveQpvs>,
    threshold: ServerAction<SetQuartileThreshold>,
) -> impl IntoView {
    let list_errors = field_errors(save.value());
    let threshold_errors = field_errors(threshold.value());
    let list_messages = move || {
        list_errors
            .get()
            .map(|e| e.0.into_iter().map(|(_, m)| m).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let has_list_errors = move || !list_messages().is_empty();
    let current_text: String = data
        .qpvs
        .iter()
        .map(|(q, _)| format!("{};{};{}\n", q.code, q.name, q.commune_insee))
        .collect();
    let this_year = data.thresholds.iter().find(|(y, _)| *y == data.year);
    view! {
        <section class="panel" id="qpv" aria-labelledby="qpv-titre">
            <h2 id="qpv-titre">{format!("Quartiers prioritaires — {}", data.epci_name)}</h2>
            {if data.qpvs.is_empty() {
                view! { <p>"Aucun quartier listé : le personnel des bailleurs indique seulement si un logement est en QPV."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption>"Quartiers prioritaires de la politique de la ville du territoire"</caption>
                            <thead><tr><th scope="col">"Code"</th><th scope="col">"Nom"</th><th scope="col">"Commune"</th></tr></thead>
                            <tbody>
                                {data.qpvs.iter().map(|(q, commune)| view! {
                                    <tr><td>{q.code.clone()}</td><td>{q.name.clone()}</td><td>{commune.clone()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <FormAlert value=save.value()/>
            <KeptForm action=save>
                <div class="field" class:field-invalid=has_list_errors>
                    <label for="list">"Liste des quartiers, un par ligne"</label>
                    <p class="hint" id="list-aide">"Code ; nom ; code INSEE de la commune, par exemple « QN06912M;Saint-Jean;69266 », tel que l'exporte la liste officielle (séparateur point-virgule, tabulation ou virgule). La liste remplace la précédente."</p>
                    <textarea id="list" name="list" rows="8" class="code"
                        aria-invalid=move || has_list_errors().then_some("true")
                        aria-describedby=move || if has_list_errors() { "list-aide list-erreur" } else { "list-aide" }>{crate::components::form::textarea_text(kept_value("list", current_text))}</textarea>
                    {move || has_list_errors().then(|| view! {
                        <div class="field-error" id="list-erreur">
                            <p>"Erreur : la liste n'est pas enregistrée, corrigez ces lignes :"</p>
                            <ul>{list_messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                        </div>
                    })}
                </div>
                <button type="submit" class="button">"Enregistrer la liste"</button>
            </KeptForm>
        </section>
        <section class="panel" id="objectifs" aria-labelledby="objectifs-titre">
            <h2 id="objectifs-titre">{format!("Objectifs d'attribution {} — {}", data.year, data.epci_name)}</h2>
            <p>"Calculés sur les baux signés cette année sur les offres de tous les bailleurs du territoire, d'après la situation des ménages à la clôture des offres."</p>
            <crate::pages::flux::ObjectivesView title=format!("Indicateurs de la loi Égalité et Citoyenneté, {}", data.year) objectives=data.objectives.clone()/>
        </section>
        <section class="panel narrow" id="quartile" aria-labelledby="quartile-titre">
            <h2 id="quartile-titre">"Seuil du premier quartile"</h2>
            <p>"Revenu annuel par unité de consommation sous lequel une demande relève du premier quartile, fixé chaque année par arrêté ministériel pour l'EPCI. Les objectifs d'attribution hors QPV s'y réfèrent."</p>
            {match this_year {
                Some((_, amount)) => view! { <p>{format!("Seuil {} : {} € par unité de consommation.", data.year, crate::domain::format::group_thousands(u64::from(*amount)))}</p> }.into_any(),
                None => view! { <p class="notice">{format!("Le seuil {} n'est pas encore indiqué : les demandes ne peuvent pas être classées dans un quartile.", data.year)}</p> }.into_any(),
            }}
            {(!data.thresholds.is_empty()).then(|| view! {
                <ul>{data.thresholds.iter().map(|(y, a)| view! {
                    <li>{format!("{y} : {} €", crate::domain::format::group_thousands(u64::from(*a)))}</li>
                }).collect_view()}</ul>
            })}
            <FormAlert value=threshold.value()/>
            <KeptForm action=threshold>
                <Field label="Année" name="year" kind="number" value=data.year.to_string() errors=threshold_errors/>
                <Field label="Seuil (€ par an et par unité de consommation)" name="amount" errors=threshold_errors/>
                <button type="submit" class="button">"Enregistrer le seuil"</button>
            </KeptForm>
        </section>
    }
}

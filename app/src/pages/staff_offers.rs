//! Staff back office for offers: put a unit on offer for a window, preview, publish, unpublish,
//! cancel. Everything is scoped to the staff member's organisation.

use crate::components::form::{Field, FormAlert, SelectField, field_errors, options};
use crate::components::form::{KeptForm, kept_choice};
use crate::components::offer::{OfferSheet, french_day};
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::domain::offer::Category;
use crate::domain::ranking::RankingMode;
use crate::error::AppError;
use crate::model::{StaffOffer, StaffOfferRow};
use leptos::prelude::*;
use leptos_meta::Title;

/// A publication window as typed, checked against today.
#[cfg(feature = "ssr")]
fn checked_window(
    opens_on: String,
    closes_on: String,
    categories: Vec<String>,
) -> Result<crate::domain::offer::ValidWindow, AppError> {
    crate::domain::offer::WindowInput {
        opens_on,
        closes_on,
        categories,
    }
    .validate(crate::ssr::db::now())
    .map_err(AppError::Invalid)
}

#[server(endpoint = "gestion/offre/creer")]
pub async fn create_offer(
    unit_id: i64,
    opens_on: String,
    closes_on: String,
    #[server(default)] categories: Vec<String>,
    #[server(default)] orientation: String,
) -> Result<(), AppError> {
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let window = checked_window(opens_on, closes_on, categories)?;
        let id = usecases::offers::create(&state()?, staff, unit_id, &window, &orientation).await?;
        leptos_axum::redirect(&format!("/gestion/offres/{id}"));
        Ok(())
    })
    .await
}

#[server(endpoint = "gestion/offre")]
pub async fn load_staff_offer(id: i64) -> Result<StaffOffer, AppError> {
    use crate::domain::offer::OfferStatus;
    use crate::ssr::{internal, respond, state};
    respond(async move {
        let staff = crate::ssr::usecases::Staff::current().await?;
        let organisation = staff.organisation_id;
        let state = state()?;
        let pool = state.db.pool().clone();
        let data = crate::ssr::store::listings::staff_offer(&pool, organisation, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (ranking_mode, ranked) = crate::ssr::store::rankings::mode_of(&pool, id).await?;
        let follow_up = crate::ssr::store::caleol::follow_up(&pool, organisation, id).await?;
        if follow_up.is_some() {
            use crate::ssr::store::file_reads::{Read, Reader};
            let reader = Reader::Staff {
                user_id: staff.user_id,
                organisation_id: organisation,
            };
            let label = format!("n° {id}");
            crate::ssr::usecases::privacy::record_read(
                &state,
                reader,
                Read::FollowUp { offer_id: id },
                &label,
            )
            .await?;
        }
        let status = OfferStatus::parse(&data.detail.status).ok_or_else(|| {
            internal(format!(
                "offer {id} has an unknown status {}",
                data.detail.status
            ))
        })?;
        Ok(StaffOffer {
            unit_id: data.unit_id,
            unit_reference: data.unit_reference,
            editable: status.is_editable(),
            categories: data.categories,
            actions: status
                .staff_actions()
                .into_iter()
                .map(|(to, label)| (to.code().to_string(), label.to_string()))
                .collect(),
            events: data.events,
            detail: data.detail,
            ranking_mode,
            ranked,
            follow_up,
        })
    })
    .await
}

#[server(endpoint = "gestion/offre/modifier")]
pub async fn update_offer_window(
    offer_id: i64,
    opens_on: String,
    closes_on: String,
    #[server(default)] categories: Vec<String>,
    #[server(default)] ranking_mode: String,
) -> Result<(), AppError> {
    use crate::domain::ranking::RankingMode;
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let window = checked_window(opens_on, closes_on, categories)?;
        let mode = match ranking_mode.trim() {
            "" => RankingMode::Cotation,
            code => RankingMode::parse(code).ok_or_else(|| {
                AppError::field(
                    "ranking_mode",
                    "Choisissez un mode de classement de la liste.",
                )
            })?,
        };
        usecases::offers::update(&state()?, staff, offer_id, &window, mode).await?;
        leptos_axum::redirect(&format!("/gestion/offres/{offer_id}"));
        Ok(())
    })
    .await
}

#[server(endpoint = "gestion/offre/statut")]
pub async fn change_offer_status(offer_id: i64, to: String) -> Result<(), AppError> {
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        usecases::offers::change_status(&state()?, staff, offer_id, &to).await?;
        leptos_axum::redirect(&format!("/gestion/offres/{offer_id}"));
        Ok(())
    })
    .await
}

/// The publics checkboxes, named `categories[]` so the form sends a list.
#[component]
pub(crate) fn CategoryChoices(
    checked: Vec<String>,
    errors: Signal<Option<crate::error::FieldErrors>>,
) -> impl IntoView {
    let message = move || {
        errors
            .get()
            .and_then(|e| e.get("categories").map(str::to_string))
    };
    let has_error = message.clone();
    view! {
        <fieldset class="field" class:field-invalid=move || has_error().is_some() id="categories"
            aria-describedby=move || message().map(|_| "categories-erreur")>
            <legend>"Publics visés"<span class="required" aria-hidden="true">" *"</span></legend>
            {Category::ALL.iter().map(|c| {
                let id = format!("categorie-{}", c.code());
                let is_checked = kept_choice("categories", c.code(), checked.iter().any(|v| v == c.code()));
                view! {
                    <div class="field-check">
                        <input type="checkbox" id=id.clone() name="categories[]" value=c.code() checked=is_checked/>
                        <label for=id>{c.label()}</label>
                    </div>
                }
            }).collect_view()}
            {move || errors.get().and_then(|e| e.get("categories").map(str::to_string)).map(|m| view! {
                <p class="field-error" id="categories-erreur">"Erreur : "{m}</p>
            })}
        </fieldset>
    }
}

#[component]
pub fn StaffOfferTable(offers: Vec<StaffOfferRow>, caption: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">"Offre"</th><th scope="col">"Logement"</th><th scope="col">"Commune"</th>
                    <th scope="col">"Type"</th><th scope="col">"État"</th><th scope="col">"Période"</th>
                </tr></thead>
                <tbody>
                    {offers.into_iter().map(|o| view! { <tr>
                        <td><a href=format!("/gestion/offres/{}", o.id)>{format!("Offre n° {}", o.id)}</a></td>
                        <td><a href=format!("/gestion/logements/{}", o.unit_id)>{o.unit_reference}</a></td>
                        <td>{o.commune}</td>
                        <td>{o.typology}</td>
                        <td>{o.status_label}</td>
                        <td>{french_day(&o.opens_on)}" – "{french_day(&o.closes_on)}</td>
                    </tr> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn StaffOfferPage() -> impl IntoView {
    let id = id_param();
    let change = ServerAction::<ChangeOfferStatus>::new();
    let edit = ServerAction::<UpdateOfferWindow>::new();
    let offer = Resource::new(id, load_staff_offer);
    view! {
        <Title text="Offre"/>
        {loaded(offer, move |offer| view! { <StaffOfferView offer change edit/> })}
    }
}

#[component]
fn StaffOfferView(
    offer: StaffOffer,
    change: ServerAction<ChangeOfferStatus>,
    edit: ServerAction<UpdateOfferWindow>,
) -> impl IntoView {
    let errors = field_errors(edit.value());
    let offer_id = offer.detail.id.to_string();
    let public_link =
        (offer.detail.status == "published").then(|| format!("/offres/{}", offer.detail.id));
    let (opens_on, closes_on) = (
        offer.detail.opens_on.clone(),
        offer.detail.closes_on.clone(),
    );
    let edited_id = offer.detail.id.to_string();
    let checked = offer.categories.clone();
    let ranking_mode = offer.ranking_mode.clone();
    let mode_label = RankingMode::parse(&offer.ranking_mode)
        .unwrap_or(RankingMode::Cotation)
        .label();
    let ranking_link = offer
        .ranked
        .then(|| format!("/gestion/offres/{}/classement", offer.detail.id));
    let title = format!(
        "Offre n° {} — {} de {} m² à {}",
        offer.detail.id, offer.detail.typology, offer.detail.surface_m2, offer.detail.commune
    );
    view! {
        <section class="panel">
            <p><a href="/gestion">"← Retour au parc"</a>" · "<a href=format!("/gestion/logements/{}", offer.unit_id)>{format!("Logement {}", offer.unit_reference)}</a></p>
            <h1>{title}</h1>
            <p class="status-line">"État : "<strong>{offer.detail.status_label.clone()}</strong></p>
            {public_link.map(|href| view! { <p><a href=href>"Voir l'offre dans le catalogue public"</a></p> })}
            <p>"Classement à la clôture : "{mode_label}</p>
            {ranking_link.map(|href| view! { <p><a class="button" href=href>"Voir le classement des candidats"</a></p> })}
            <FormAlert value=change.value()/>
            <div class="actions">
                {offer.actions.iter().map(|(to, label)| {
                    let to = to.clone();
                    let label = label.clone();
                    let offer_id = offer_id.clone();
                    view! {
                        <KeptForm action=change>
                            <input type="hidden" name="offer_id" value=offer_id/>
                            <input type="hidden" name="to" value=to.clone()/>
                            <button type="submit" class=if to == "cancelled" { "button button-secondary" } else { "button" }>{label}</button>
                        </KeptForm>
                    }
                }).collect_view()}
            </div>
        </section>
        {offer.editable.then(|| view! {
            <section class="panel narrow">
                <h2>"Période et publics"</h2>
                <FormAlert value=edit.value()/>
                <KeptForm action=edit>
                    <input type="hidden" name="offer_id" value=edited_id/>
                    <Field label="Ouverture des candidatures" name="opens_on" kind="date" value=opens_on errors/>
                    <Field label="Clôture des candidatures (jour inclus)" name="closes_on" kind="date" value=closes_on errors/>
                    <CategoryChoices checked=checked errors/>
                    <SelectField label="Classement des candidats à la clôture" name="ranking_mode"
                        options=options(RankingMode::ALL, RankingMode::code, RankingMode::label)
                        selected=ranking_mode errors
                        hint="Cotation : note décroissante, puis demande la plus ancienne, puis candidature la plus ancienne. Tirage au sort : la graine est enregistrée, le tirage peut être refait."/>
                    <button type="submit" class="button button-secondary">"Enregistrer la période"</button>
                </KeptForm>
            </section>
        })}
        // Loaded with the offer, in the same read: a resource of its own would ask the server again.
        {offer.follow_up.clone().map(|follow| view! { <crate::components::follow_up::FollowUpView offer_id=offer.detail.id follow/> })}
        <section class="panel">
            <h2>"Aperçu de l'annonce"</h2>
            <div class="preview">
                <OfferSheet offer=offer.detail.clone()/>
            </div>
        </section>
        <section class="panel">
            <h2>"Historique"</h2>
            <ol class="history">
                {offer.events.iter().map(|e| {
                    let when = crate::domain::calendar::paris_date(e.at).french();
                    let who = e.actor.clone().unwrap_or_else(|| "la plateforme (automatique)".to_string());
                    let what = match &e.from_label {
                        Some(from) => format!("{from} → {}", e.to_label),
                        None => format!("Création : {}", e.to_label),
                    };
                    view! { <li>{when}" — "{what}" — par "{who}</li> }
                }).collect_view()}
            </ol>
        </section>
    }
}

//! Staff back office for offers: put a unit on offer for a window, preview, publish, unpublish,
//! cancel. Everything is scoped to the staff member's organisation.

use crate::components::form::{KeptForm, kept_choice};
use crate::components::form::{Field, FormAlert, SelectField, field_errors, options};
use crate::components::offer::{OfferSheet, french_day};
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::domain::offer::Category;
use crate::domain::ranking::RankingMode;
use crate::error::AppError;
use crate::model::{StaffOffer, StaffOfferRow};
use leptos::prelude::*;
use leptos_meta::Title;

/// The caller's organisation, if they are staff.
#[cfg(feature = "ssr")]
pub(crate) async fn staff_organisation() -> Result<(i64, i64), AppError> {
    use crate::model::Role;
    let user = crate::ssr::require(&[Role::Staff]).await?;
    let organisation = user.organisation.ok_or(AppError::Forbidden)?;
    Ok((user.id, organisation.id))
}

/// Records what staff did in the audit log and commits it with the change itself.
#[cfg(feature = "ssr")]
pub(crate) async fn audit_and_commit(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    (user_id, organisation): (i64, i64),
    action: &str,
    subject: String,
    detail: String,
) -> Result<(), AppError> {
    use crate::ssr::{internal, store::audit};
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor_user_id: Some(user_id),
            organisation_id: Some(organisation),
            action,
            subject: &subject,
            detail: &detail,
        },
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

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

/// Maps a store refusal to what staff should read.
#[cfg(feature = "ssr")]
fn offer_write_error(error: crate::ssr::store::offers::OfferWriteError) -> AppError {
    use crate::ssr::store::offers::OfferWriteError;
    match error {
        OfferWriteError::NotFound => AppError::NotFound,
        OfferWriteError::UnitBusy => AppError::Rejected(
            "Ce logement a déjà une offre en cours : terminez-la ou annulez-la avant d'en créer une autre."
                .into(),
        ),
        OfferWriteError::NotAllowed(status) => AppError::Rejected(format!(
            "Impossible dans l'état actuel de l'offre ({}). Rechargez la page pour voir son état.",
            status.label().to_lowercase()
        )),
        OfferWriteError::WindowOver => AppError::Rejected(
            "La période de publication est terminée : changez ses dates avant de publier.".into(),
        ),
        OfferWriteError::Db(cause) => crate::ssr::internal(cause),
    }
}

#[server(endpoint = "gestion/offre/creer")]
pub async fn create_offer(
    unit_id: i64,
    opens_on: String,
    closes_on: String,
    #[server(default)] categories: Vec<String>,
) -> Result<(), AppError> {
    use crate::ssr::{internal, respond, state, store::offers};
    respond(async move {
        let (user_id, organisation) = staff_organisation().await?;
        let window = checked_window(opens_on, closes_on, categories)?;
        let mut tx = crate::ssr::db::begin_write(state()?.db.pool())
            .await
            .map_err(internal)?;
        let id = offers::create_offer(&mut tx, organisation, unit_id, &window, user_id)
            .await
            .map_err(offer_write_error)?;
        let subject = format!("offer:{id}");
        audit_and_commit(
            tx,
            (user_id, organisation),
            "offer.create",
            subject,
            format!("unit:{unit_id}"),
        )
        .await?;
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
        let (_, organisation) = staff_organisation().await?;
        let pool = state()?.db.pool().clone();
        let data = crate::ssr::store::listings::staff_offer(&pool, organisation, id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let (ranking_mode, ranked) = crate::ssr::store::rankings::mode_of(&pool, id)
            .await
            .map_err(internal)?;
        let follow_up = crate::ssr::store::caleol::follow_up(&pool, organisation, id)
            .await
            .map_err(internal)?;
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
    use crate::ssr::{internal, respond, state, store::offers};
    respond(async move {
        let (user_id, organisation) = staff_organisation().await?;
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
        let mut tx = crate::ssr::db::begin_write(state()?.db.pool())
            .await
            .map_err(internal)?;
        offers::update_window(&mut tx, organisation, offer_id, &window)
            .await
            .map_err(offer_write_error)?;
        crate::ssr::store::rankings::set_mode(&mut tx, organisation, offer_id, mode)
            .await
            .map_err(internal)?;
        let subject = format!("offer:{offer_id}");
        audit_and_commit(
            tx,
            (user_id, organisation),
            "offer.update",
            subject,
            String::new(),
        )
        .await?;
        leptos_axum::redirect(&format!("/gestion/offres/{offer_id}"));
        Ok(())
    })
    .await
}

#[server(endpoint = "gestion/offre/statut")]
pub async fn change_offer_status(offer_id: i64, to: String) -> Result<(), AppError> {
    use crate::domain::offer::OfferStatus;
    use crate::ssr::store::offers;
    use crate::ssr::{catalogue, internal, respond, state};
    respond(async move {
        let (user_id, organisation) = staff_organisation().await?;
        let state = state()?;
        let pool = state.db.pool();
        let mut tx = crate::ssr::db::begin_write(pool).await.map_err(internal)?;
        let (from, _) = offers::status_of(&mut tx, Some(organisation), offer_id)
            .await
            .map_err(offer_write_error)?;
        let to = OfferStatus::parse(&to)
            .filter(|to| from.staff_actions().iter().any(|(next, _)| next == to))
            .ok_or_else(|| {
                AppError::Rejected(format!(
                    "Cette action n'est pas possible pour une offre « {} ».",
                    from.label().to_lowercase()
                ))
            })?;
        offers::transition(&mut tx, Some(organisation), offer_id, to, Some(user_id))
            .await
            .map_err(offer_write_error)?;
        // Applicants hear of a cancellation or an unpublication as it happens.
        let told = if matches!(to, OfferStatus::Cancelled | OfferStatus::Draft) {
            let link = state.link("/espace/candidatures");
            crate::ssr::store::applications::notify_applicants(&mut tx, offer_id, to, &link)
                .await
                .map_err(internal)?
        } else {
            0
        };
        let detail = format!("{} -> {}", from.code(), to.code());
        audit_and_commit(tx, (user_id, organisation), "offer.status", format!("offer:{offer_id}"), detail).await?;
        if told > 0 {
            state.mail_wakeup.notify_one();
        }
        // Shown in (or removed from) this server's search at once; other servers catch up
        // through their sync within a second.
        if let Err(error) = catalogue::refresh(&state.db, &state.search, &[offer_id]).await {
            tracing::error!(%error, "search refresh after a status change failed; the sync will retry");
        }
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
    let offer = Resource::new(
        move || (id(), change.version().get(), edit.version().get()),
        |(id, _, _)| load_staff_offer(id),
    );
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
        // Loaded with the offer: a resource of its own inside this page would hydrate separately.
        {offer.follow_up.clone().map(|follow| view! { <crate::pages::caleol::FollowUpView offer_id=offer.detail.id follow/> })}
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

//! Staff: planning sessions and their agenda, and what follows the commission on an offer
//! (decisions, offers made, the lease).

use super::*;
use crate::components::form::{
    FormAlert, KeptForm, SelectField, field_errors, kept_choice, kept_value, keyed_value, options,
};
use crate::domain::caleol::SessionMode;
use leptos_router::hooks::use_query_map;

#[server(endpoint = "gestion/commissions")]
pub async fn load_sessions_overview() -> Result<SessionsOverview, AppError> {
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let organisation = crate::ssr::usecases::Staff::current()
            .await?
            .organisation_id;
        caleol::overview(state()?.db.pool(), organisation)
            .await
            .map_err(internal)
    })
    .await
}

#[server(endpoint = "gestion/commissions/seance")]
pub async fn create_commission_session(
    commission_id: String,
    held_on: String,
    mode: String,
    quorum: String,
) -> Result<(), AppError> {
    use crate::domain::calendar::{Date, paris_date};
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{db::now, respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let mut errors = crate::error::FieldErrors::new();
        let commission_id = commission_id.trim().parse::<i64>().ok();
        if commission_id.is_none() {
            errors.add("commission_id", "Choisissez une commission.");
        }
        let today = paris_date(now());
        let held_on = Date::parse(held_on.trim());
        match held_on {
            Some(d) if d >= today && d <= today.add_days(366) => {}
            Some(_) => errors.add(
                "held_on",
                "La séance a lieu aujourd'hui ou dans l'année qui vient.",
            ),
            None => errors.add("held_on", "Indiquez la date de la séance (jj/mm/aaaa)."),
        }
        let mode = SessionMode::parse(mode.trim());
        if mode.is_none() {
            errors.add("mode", "Choisissez la forme de la séance.");
        }
        let quorum = quorum.trim().parse::<i64>().ok();
        if quorum.is_none() {
            errors.add("quorum", "Indiquez le quorum (un nombre de membres).");
        }
        let (Some(commission_id), Some(held_on), Some(mode), Some(quorum)) = (
            commission_id,
            held_on.filter(|_| errors.is_empty()),
            mode,
            quorum,
        ) else {
            return Err(AppError::Invalid(errors));
        };
        let id =
            usecases::caleol::plan_session(&state()?, staff, commission_id, mode, held_on, quorum)
                .await?;
        leptos_axum::redirect(&format!("/gestion/commissions?fait=seance-{id}"));
        Ok(())
    })
    .await
}

#[server(endpoint = "gestion/commissions/ordre-du-jour")]
pub async fn add_to_agenda(session_id: i64, offer_id: String) -> Result<(), AppError> {
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let offer_id = offer_id.trim().parse::<i64>().map_err(|_| {
            AppError::field("offer_id", "Choisissez une offre dont la liste est prête.")
        })?;
        usecases::caleol::add_to_agenda(&state()?, staff, session_id, offer_id).await?;
        leptos_axum::redirect(&format!(
            "/gestion/commissions?fait=odj-{session_id}-{offer_id}"
        ));
        Ok(())
    })
    .await
}

#[component]
pub fn StaffSessionsPage() -> impl IntoView {
    let query = use_query_map();
    let overview = Resource::new(
        move || query.read().get("fait"),
        |_| load_sessions_overview(),
    );
    view! {
        <Title text="Commissions d'attribution"/>
        {loaded(overview, |overview| view! { <StaffSessions overview/> })}
    }
}

#[component]
fn StaffSessions(overview: SessionsOverview) -> impl IntoView {
    let create = ServerAction::<CreateCommissionSession>::new();
    let errors = field_errors(create.value());
    let commissions: Vec<(String, String)> = overview
        .commissions
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let ready = overview.ready_offers.clone();
    view! {
        <section class="panel">
            <h1>"Commissions d'attribution (CALEOL)"</h1>
            <p>"Les offres dont la liste de candidats est constituée peuvent être inscrites à l'ordre du jour d'une séance prévue. Le président ou la présidente de la commission ouvre la séance, les membres examinent et votent, puis la séance est close : le procès-verbal est généré et chaque candidat reçoit la décision."</p>
            <h2>"Offres prêtes pour la commission"</h2>
            {if ready.is_empty() { view! { <p>"Aucune offre en attente : constituez d'abord la liste des candidats depuis le classement d'une offre close."</p> }.into_any() } else { view! {
                <ul>{ready.iter().map(|(id, title)| view! { <li><a href=format!("/gestion/offres/{id}/classement")>{title.clone()}</a></li> }).collect_view()}</ul>
            }.into_any() }}
        </section>
        <section class="panel" aria-labelledby="nouvelle-seance">
            <h2 id="nouvelle-seance">"Prévoir une séance"</h2>
            <FormAlert value=create.value()/>
            <KeptForm action=create>
                <SelectField label="Commission" name="commission_id" options=commissions errors/>
                <div class="field">
                    <label for="held_on">"Date de la séance"</label>
                    <input id="held_on" name="held_on" type="date" required value=kept_value("held_on", "")/>
                    {move || errors.get().and_then(|e| e.get("held_on").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                </div>
                <SelectField label="Forme" name="mode" options=options(SessionMode::ALL, SessionMode::code, SessionMode::label) errors/>
                <div class="field">
                    <label for="quorum">"Quorum (membres à voix délibérative)"</label>
                    <input id="quorum" name="quorum" type="number" min="1" value=kept_value("quorum", "2") required/>
                    {move || errors.get().and_then(|e| e.get("quorum").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                </div>
                <button type="submit" class="button">"Prévoir la séance"</button>
            </KeptForm>
        </section>
        <section class="panel" aria-labelledby="seances">
            <h2 id="seances">"Séances"</h2>
            {if overview.sessions.is_empty() { view! { <p>"Aucune séance."</p> }.into_any() } else { view! {
                <ul class="ranking">
                    {overview.sessions.into_iter().map(|s| view! { <StaffSessionCard session=s ready=ready.clone()/> }).collect_view()}
                </ul>
            }.into_any() }}
        </section>
    }
}

#[component]
fn StaffSessionCard(session: SessionSummary, ready: Vec<(i64, String)>) -> impl IntoView {
    let add = ServerAction::<AddToAgenda>::new();
    let id = session.id;
    let add_result = keyed_value(add, ("session_id", id.to_string()));
    let errors = field_errors(add_result);
    let select_id = format!("offre-seance-{id}");
    let planned = session.status == SessionStatus::Planned;
    view! {
        <li class="candidate session-card">
            <h3><a href=format!("/commission/seances/{id}")>{format!("Séance du {} — {}", session.held_on, session.commission)}</a></h3>
            <p>{session.mode.label()}" — "<strong>{session.status.label()}</strong>{format!(" — quorum : {}", session.quorum)}</p>
            {if session.items.is_empty() { view! { <p>"Ordre du jour vide."</p> }.into_any() } else { view! {
                <ol>{session.items.iter().map(|(offer, title)| view! {
                    <li><a href=format!("/commission/seances/{id}?offre={offer}#offre-{offer}")>{format!("Offre n° {offer} — {title}")}</a></li>
                }).collect_view()}</ol>
            }.into_any() }}
            {matches!(session.status, SessionStatus::Closed | SessionStatus::Signed).then(|| view! {
                <p><a href=format!("/commission/seances/{id}/pv")>"Procès-verbal"</a></p>
            })}
            {(planned && !ready.is_empty()).then(|| view! {
                <FormAlert value=add_result/>
                <KeptForm action=add key=("session_id", id.to_string())>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <div class="field">
                        <label for=select_id.clone()>"Inscrire à l'ordre du jour"</label>
                        <select id=select_id name="offer_id" required>
                            {ready.iter().map(|(offer, title)| {
                                let value = offer.to_string();
                                let chosen = kept_choice("offer_id", &value, false);
                                view! { <option value=value selected=chosen>{title.clone()}</option> }
                            }).collect_view()}
                        </select>
                        {move || errors.get().and_then(|e| e.get("offer_id").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                    </div>
                    <button type="submit" class="button button-secondary">"Inscrire"</button>
                </KeptForm>
            })}
        </li>
    }
}

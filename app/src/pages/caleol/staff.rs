//! Staff: planning sessions and their agenda, and what follows the commission on an offer
//! (decisions, offers made, the lease).

use crate::components::form::{KeptForm, kept_choice, kept_value};
use super::*;

#[server(endpoint = "gestion/commissions")]
pub async fn load_sessions_overview() -> Result<SessionsOverview, AppError> {
    use crate::pages::staff_offers::staff_organisation;
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let (_, organisation) = staff_organisation().await?;
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
    use crate::pages::staff_offers::{audit_and_commit, staff_organisation};
    use crate::ssr::{db::now, internal, respond, state, store::caleol};
    respond(async move {
        let caller = staff_organisation().await?;
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
        let mut tx = crate::ssr::db::begin_write(state()?.db.pool())
            .await
            .map_err(internal)?;
        let id = caleol::create_session(
            &mut tx,
            caller.1,
            commission_id,
            mode,
            held_on,
            quorum,
            caller.0,
        )
        .await
        .map_err(|e| match guard::caleol_error(e) {
            AppError::Rejected(m) => AppError::field("quorum", m),
            other => other,
        })?;
        audit_and_commit(
            tx,
            caller,
            "session.create",
            format!("session:{id}"),
            format!("{} {}", held_on.iso(), mode.code()),
        )
        .await?;
        leptos_axum::redirect(&format!("/gestion/commissions?fait=seance-{id}"));
        Ok(())
    })
    .await
}

#[server(endpoint = "gestion/commissions/ordre-du-jour")]
pub async fn add_to_agenda(session_id: i64, offer_id: String) -> Result<(), AppError> {
    use crate::pages::staff_offers::{audit_and_commit, staff_organisation};
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let caller = staff_organisation().await?;
        let offer_id = offer_id.trim().parse::<i64>().map_err(|_| {
            AppError::field("offer_id", "Choisissez une offre dont la liste est prête.")
        })?;
        let mut tx = crate::ssr::db::begin_write(state()?.db.pool())
            .await
            .map_err(internal)?;
        caleol::add_item(&mut tx, caller.1, session_id, offer_id, caller.0)
            .await
            .map_err(|e| match guard::caleol_error(e) {
                AppError::Rejected(m) => AppError::field("offer_id", m),
                other => other,
            })?;
        audit_and_commit(
            tx,
            caller,
            "session.agenda",
            format!("session:{session_id}"),
            format!("offer:{offer_id}"),
        )
        .await?;
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
    let errors = field_errors(add.value());
    let id = session.id;
    let select_id = format!("offre-seance-{id}");
    let planned = session.status == SessionStatus::Planned;
    view! {
        <li class="candidate session-card">
            <h3><a href=format!("/commission/seances/{id}")>{format!("Séance du {} — {}", session.held_on, session.commission)}</a></h3>
            <p>{session.mode.label()}" — "<strong>{session.status.label()}</strong>{format!(" — quorum : {}", session.quorum)}</p>
            {if session.items.is_empty() { view! { <p>"Ordre du jour vide."</p> }.into_any() } else { view! {
                <ol>{session.items.iter().map(|(offer, title)| view! { <li>{format!("Offre n° {offer} — {title}")}</li> }).collect_view()}</ol>
            }.into_any() }}
            {matches!(session.status, SessionStatus::Closed | SessionStatus::Signed).then(|| view! {
                <p><a href=format!("/commission/seances/{id}/pv")>"Procès-verbal"</a></p>
            })}
            {(planned && !ready.is_empty()).then(|| view! {
                <FormAlert value=add.value()/>
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

/// How far back the audit log page reads.

#[server(endpoint = "gestion/offre/suite")]
pub async fn load_follow_up(offer_id: i64) -> Result<Option<FollowUp>, AppError> {
    use crate::pages::staff_offers::staff_organisation;
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let (_, organisation) = staff_organisation().await?;
        caleol::follow_up(state()?.db.pool(), organisation, offer_id)
            .await
            .map_err(internal)
    })
    .await
}

#[server(endpoint = "gestion/offre/bail")]
pub async fn record_lease(
    offer_id: i64,
    proposal_id: i64,
    signed_on: String,
    #[server(default)] condition_met: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::calendar::{Date, paris_date};
    use crate::pages::staff_offers::{audit_and_commit, staff_organisation};
    use crate::ssr::{db::now, internal, respond, state, store::caleol};
    respond(async move {
        let caller = staff_organisation().await?;
        let today = paris_date(now());
        let signed_on = Date::parse(signed_on.trim())
            .filter(|d| *d <= today && *d >= today.add_days(-92))
            .ok_or_else(|| {
                AppError::field(
                    "signed_on",
                    "Indiquez la date de signature du bail : aujourd'hui ou dans les trois derniers mois.",
                )
            })?;
        let state = state()?;
        let link = state.link("/espace/candidatures");
        let mut tx = crate::ssr::db::begin_write(state.db.pool()).await.map_err(internal)?;
        caleol::sign_lease(&mut tx, caller.1, offer_id, proposal_id, condition_met.is_some(), signed_on, &link)
            .await
            .map_err(guard::caleol_error)?;
        audit_and_commit(tx, caller, "offer.lease", format!("offer:{offer_id}"), format!("proposal:{proposal_id} {}", signed_on.iso())).await?;
        state.mail_wakeup.notify_one();
        if let Err(error) = crate::ssr::catalogue::refresh(&state.db, &state.search, &[offer_id]).await {
            tracing::error!(%error, "search refresh after a lease failed; the sync will retry");
        }
        leptos_axum::redirect(&format!("/gestion/offres/{offer_id}?fait=bail-{}", action_stamp()));
        Ok(())
    })
    .await
}

/// What became of an offer after the commission: decisions, offers made, and the lease.
#[component]
pub fn FollowUpView(offer_id: i64, follow: FollowUp) -> impl IntoView {
    let lease = ServerAction::<RecordLease>::new();
    let errors = field_errors(lease.value());
    view! {
        <section class="panel" aria-labelledby="suite-titre">
            <h2 id="suite-titre">"Commission et suites"</h2>
            {follow.session_id.map(|id| view! { <p><a href=format!("/commission/seances/{id}")>"Voir la séance"</a>" · "<a href=format!("/commission/seances/{id}/pv")>"Procès-verbal"</a></p> })}
            {if follow.lines.is_empty() { view! { <p>"La commission n'a pas encore statué."</p> }.into_any() } else { view! {
                <div class="table-wrap">
                    <table>
                        <caption>"Décisions et propositions"</caption>
                        <thead><tr><th scope="col">"Candidat"</th><th scope="col">"Décision"</th><th scope="col">"Proposition"</th></tr></thead>
                        <tbody>{follow.lines.into_iter().map(|(who, decision, state)| view! { <tr><th scope="row">{who}</th><td>{decision}</td><td>{state}</td></tr> }).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any() }}
            {follow.accepted.map(|(proposal, who, condition)| view! {
                <h3>{format!("Bail de {who}")}</h3>
                <FormAlert value=lease.value()/>
                <KeptForm action=lease>
                    <input type="hidden" name="offer_id" value=offer_id.to_string()/>
                    <input type="hidden" name="proposal_id" value=proposal.to_string()/>
                    <div class="field">
                        <label for="signed_on">"Date de signature du bail"</label>
                        <input id="signed_on" name="signed_on" type="date" required value=kept_value("signed_on", "")/>
                        {move || errors.get().and_then(|e| e.get("signed_on").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                    </div>
                    {condition.map(|c| view! {
                        <div class="field field-check">
                            <input type="checkbox" id="condition_met" name="condition_met" value="on" checked=kept_choice("condition_met", "on", false)/>
                            <label for="condition_met">{format!("La pièce manquante a été reçue dans le délai ({c}) et les conditions d'accès restent remplies")}</label>
                        </div>
                    })}
                    <button type="submit" class="button">"Enregistrer la signature du bail"</button>
                </KeptForm>
            })}
        </section>
    }
}

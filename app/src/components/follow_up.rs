//! What follows the commission on an offer, as staff see it on the offer's page: decisions,
//! units offered, and the signed lease they record.

use crate::components::form::{FormAlert, KeptForm, field_errors, kept_choice, kept_value};
use crate::error::AppError;
use crate::model::caleol::FollowUp;
use leptos::prelude::*;

#[server(endpoint = "gestion/offre/suite")]
pub async fn load_follow_up(offer_id: i64) -> Result<Option<FollowUp>, AppError> {
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let organisation = crate::ssr::usecases::Staff::current()
            .await?
            .organisation_id;
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
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{db::now, respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let today = paris_date(now());
        let signed_on = Date::parse(signed_on.trim())
            .filter(|d| *d <= today && *d >= today.add_days(-92))
            .ok_or_else(|| {
                AppError::field(
                    "signed_on",
                    "Indiquez la date de signature du bail : aujourd'hui ou dans les trois derniers mois.",
                )
            })?;
        usecases::caleol::record_lease(&state()?, staff, offer_id, proposal_id, condition_met.is_some(), signed_on)
            .await?;
        leptos_axum::redirect(&format!("/gestion/offres/{offer_id}?fait=bail-{}", crate::ssr::action_stamp()));
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
            {follow.session_id.map(|id| view! { <p><a href=format!("/commission/seances/{id}?offre={offer_id}#offre-{offer_id}")>"Voir l'examen de l'offre en séance"</a>" · "<a href=format!("/commission/seances/{id}/pv")>"Procès-verbal"</a></p> })}
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

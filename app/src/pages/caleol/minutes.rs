//! The minutes of a session: the printable page, observations and the signature.

use super::*;
use crate::components::form::{ConfirmStep, FormAlert, KeptForm, field_errors, kept_value};
use crate::components::route::id_param;
use leptos_router::hooks::use_query_map;

pub use crate::domain::caleol::OBSERVATIONS_MAX_CHARS;

#[server(endpoint = "commission/seance/observations")]
pub async fn save_observations(session_id: i64, observations: String) -> Result<(), AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let caller = guard::member().await?;
        let text = crate::domain::caleol::observations(&observations).map_err(AppError::Invalid)?;
        usecases::caleol::observe(&state()?, caller, session_id, &text).await?;
        leptos_axum::redirect(&format!(
            "/commission/seances/{session_id}/pv?fait=obs-{}",
            action_stamp()
        ));
        Ok(())
    })
    .await
}

#[server(endpoint = "commission/seance/signer")]
pub async fn sign_minutes(session_id: i64) -> Result<(), AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let caller = guard::member().await?;
        usecases::caleol::sign(&state()?, caller, session_id).await?;
        leptos_axum::redirect(&format!(
            "/commission/seances/{session_id}/pv?fait=signe-{}",
            action_stamp()
        ));
        Ok(())
    })
    .await
}

#[server(endpoint = "commission/pv")]
pub async fn load_minutes(session_id: i64) -> Result<(Minutes, bool), AppError> {
    use crate::ssr::{respond, state, store::caleol};
    respond(async move {
        let (viewer, user_id) = guard::viewer().await?;
        let state = state()?;
        let pool = state.db.pool().clone();
        let minutes = caleol::minutes(&pool, session_id, viewer)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::ssr::usecases::privacy::record_read(
            &state,
            guard::reader(viewer, user_id),
            crate::ssr::store::file_reads::Read::Minutes { session_id },
            &minutes.held_on,
        )
        .await?;
        let editable = caleol::may_sign(&pool, session_id, viewer).await?;
        Ok((minutes, editable))
    })
    .await
}

#[component]
pub fn MinutesPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let minutes = Resource::new(
        move || (id(), query.read().get("fait")),
        |(id, _)| load_minutes(id),
    );
    view! {
        <Title text="Procès-verbal de la commission"/>
        {loaded(minutes, |(minutes, editable)| view! { <MinutesView minutes editable/> })}
    }
}

#[component]
fn MinutesView(minutes: Minutes, editable: bool) -> impl IntoView {
    let observations = ServerAction::<SaveObservations>::new();
    let sign = ServerAction::<SignMinutes>::new();
    let errors = field_errors(observations.value());
    let id = minutes.session_id;
    view! {
        <article class="panel minutes">
            <p class="no-print"><a href=format!("/commission/seances/{id}")>"← La séance"</a>" · "
                <a href=format!("/commission/seances/{id}/pv.pdf") download="">"Télécharger en PDF"</a></p>
            <h1>{format!("Procès-verbal — {} — séance du {}", minutes.commission, minutes.held_on)}</h1>
            <p>{format!("Commission d'attribution des logements et d'examen de l'occupation des logements de {}. Séance {} ; quorum : {} ; close le {}.", minutes.organisation, minutes.mode.to_lowercase(), minutes.quorum, minutes.closed_at)}</p>
            <p class="status-line"><strong>{minutes.signed.clone().unwrap_or_else(|| "Non signé : le procès-verbal peut encore recevoir des observations.".into())}</strong></p>
            <h2>"Membres ayant participé"</h2>
            <ul>{minutes.present.iter().map(|(name, quality, voice)| view! { <li>{format!("{name} — {quality}, {voice}")}</li> }).collect_view()}</ul>
            {minutes.items.iter().map(|item| view! {
                <section>
                    <h2>{format!("Offre n° {} — {}", item.offer_id, item.title)}</h2>
                    <p>{format!("Classement : {}.", item.ranking_mode)}{item.exception.clone().map(|e| format!(" Moins de trois candidats : {e}."))}</p>
                    {if item.departures.is_empty() { view! { <p>"Liste conforme à l'ordre du classement."</p> }.into_any() } else { view! {
                        <ul>{item.departures.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>
                    }.into_any() }}
                    <div class="table-wrap">
                        <table>
                            <caption>"Décisions"</caption>
                            <thead><tr><th scope="col">"Rang"</th><th scope="col">"Candidat"</th><th scope="col">"Note"</th><th scope="col">"Décision"</th><th scope="col">"Motif ou condition"</th><th scope="col">"Vote"</th></tr></thead>
                            <tbody>
                                {item.decisions.iter().map(|d| view! {
                                    <tr>
                                        <td>{d.position}</td>
                                        <th scope="row">{format!("{} ({})", d.candidate, d.sne_number)}</th>
                                        <td>{d.score}</td>
                                        <td>{d.decision.label.clone()}</td>
                                        <td>{[d.decision.motive.clone(), d.decision.condition.clone().unwrap_or_default()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ; ")}</td>
                                        <td>{d.decision.how.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }).collect_view()}
            {(!minutes.occupation.is_empty()).then(|| view! {
                <h2>"Examen de l'occupation des logements"</h2>
                <ul>{minutes.occupation.iter().map(|(tenant, unit, flags, finding, kind)| view! {
                    <li>{format!("{tenant}, {unit} — situations : {flags} — constat : {finding} — logement à proposer : {kind}")}</li>
                }).collect_view()}</ul>
            })}
            <h2>"Observations"</h2>
            <p>{if minutes.observations.is_empty() { "Aucune.".to_string() } else { minutes.observations.clone() }}</p>
        </article>
        {editable.then(|| view! {
            <section class="panel no-print" aria-labelledby="signature-titre">
                <h2 id="signature-titre">"Observations et signature"</h2>
                <FormAlert value=observations.value()/>
                <KeptForm action=observations>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <div class="field">
                        <label for="observations">"Observations à porter au procès-verbal"</label>
                        <textarea id="observations" name="observations" rows="4">{crate::components::form::textarea_text(kept_value("observations", minutes.observations.clone()))}</textarea>
                        {move || errors.get().and_then(|e| e.get("observations").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                    </div>
                    <button type="submit" class="button button-secondary">"Enregistrer les observations"</button>
                </KeptForm>
                <FormAlert value=sign.value()/>
                <ConfirmStep label="Signer le procès-verbal"
                    warning="une fois signé, le procès-verbal ne peut plus être modifié, ni ses observations. Relisez-le avant de signer.">
                    <KeptForm action=sign>
                        <input type="hidden" name="session_id" value=id.to_string()/>
                        <button type="submit" class="button">"Oui, signer le procès-verbal"</button>
                    </KeptForm>
                </ConfirmStep>
            </section>
        })}
    }
}

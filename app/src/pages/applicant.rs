//! The applicant's own space: where the profile stands, and "Mes candidatures".

use crate::components::form::FormAlert;
use crate::components::form::{ConfirmStep, KeptForm, keyed_value};
use crate::components::notices::success_flag;
use crate::components::outcome::loaded;
use crate::error::AppError;
use crate::model::{ApplicantHome, MyApplication, format_euros};
use crate::pages::profile::CompletenessPanel;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "espace")]
pub async fn load_applicant_home() -> Result<ApplicantHome, AppError> {
    use crate::domain::ceilings::reference_income_year;
    use crate::ssr::store::alerts;
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state};
    respond(async move {
        let user = context::applicant().await?;
        let profile = context::profile_of(user.id).await?;
        let today = context::today();
        let pool = state()?.db.pool().clone();
        let applications = crate::ssr::usecases::applications::mine(&pool, user.id).await?;
        let alerts = alerts::list(&pool, user.id).await?;
        Ok(ApplicantHome {
            display_name: user.display_name,
            email: user.email,
            completeness: profile.completeness(today, reference_income_year(today.year)),
            applications,
            alerts,
        })
    })
    .await
}

#[server(endpoint = "espace/candidature/retirer")]
pub async fn withdraw_application(application_id: i64) -> Result<(), AppError> {
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let user = context::applicant().await?;
        usecases::applications::withdraw(&state()?, &user, application_id).await?;
        leptos_axum::redirect("/espace/candidatures?retiree=1");
        Ok(())
    })
    .await
}

/// The applicant accepts or declines the unit the commission attributed to them.
#[server(endpoint = "espace/proposition")]
pub async fn answer_proposal(proposal_id: i64, answer: String) -> Result<(), AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state, usecases};
    respond(async move {
        let user = require(&[Role::Applicant]).await?;
        let accept = match answer.as_str() {
            "accepter" => true,
            "refuser" => false,
            _ => return Err(AppError::BadRequest("Réponse inconnue.".into())),
        };
        usecases::applications::answer_proposal(&state()?, &user, proposal_id, accept).await?;
        leptos_axum::redirect(&format!(
            "/espace/candidatures?reponse={answer}-{proposal_id}"
        ));
        Ok(())
    })
    .await
}

#[server(endpoint = "espace/alerte/supprimer")]
pub async fn delete_alert(alert_id: i64) -> Result<(), AppError> {
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state, store::alerts};
    respond(async move {
        let user = context::applicant().await?;
        let mut conn = state()?.db.pool().acquire().await?;
        if !alerts::delete(&mut conn, user.id, alert_id).await? {
            return Err(AppError::NotFound);
        }
        leptos_axum::redirect("/espace#alertes");
        Ok(())
    })
    .await
}

#[component]
pub fn ApplicantHomePage() -> impl IntoView {
    let withdraw = ServerAction::<WithdrawApplication>::new();
    let remove_alert = ServerAction::<DeleteAlert>::new();
    let home = Resource::new(|| (), |_| load_applicant_home());
    view! {
        <Title text="Mon espace"/>
        {loaded(home, move |home| view! { <ApplicantSummary home withdraw remove_alert/> })}
    }
}

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let withdraw = ServerAction::<WithdrawApplication>::new();
    let home = Resource::new(|| (), |_| load_applicant_home());
    // The redirects after withdrawing and after answering a proposal say which was done.
    let withdrawn = success_flag("retiree").is_some();
    let answer = success_flag("reponse");
    view! {
        <Title text="Mes candidatures"/>
        <section class="panel">
            <p><a href="/espace">"← Mon espace"</a></p>
            <h1>"Mes candidatures"</h1>
            {withdrawn.then(|| view! { <p class="notice" role="status">"Votre candidature est retirée. Un e-mail vous le confirme."</p> })}
            {answer.map(|r| view! {
                <p class="notice" role="status">{if r.starts_with("accepter") {
                    "Vous avez accepté le logement. Le bailleur vous contacte pour la signature du bail."
                } else {
                    "Votre refus est enregistré : le logement est proposé au candidat suivant."
                }}</p>
            })}
            <FormAlert value=withdraw.value()/>
            {loaded(home, move |home| view! { <ApplicationList applications=home.applications withdraw level=2/> })}
        </section>
    }
}

#[component]
fn ApplicantSummary(
    home: ApplicantHome,
    withdraw: ServerAction<WithdrawApplication>,
    remove_alert: ServerAction<DeleteAlert>,
) -> impl IntoView {
    let alert_saved = success_flag("alerte").is_some();
    let alerts = home.alerts.clone();
    view! {
        <section class="panel">
            <h1>"Mon espace demandeur"</h1>
            <p>"Bonjour "{home.display_name.clone()}" ("{home.email.clone()}")."</p>
            <CompletenessPanel completeness=home.completeness.clone()/>
            <p class="actions">
                <a class="button" href="/espace/profil">"Compléter ou modifier mon profil"</a>
                <a class="button button-secondary" href="/offres?pour_moi=1">"Voir les offres pour moi"</a>
            </p>
        </section>
        <section class="panel" aria-labelledby="candidatures-titre">
            <h2 id="candidatures-titre">"Mes candidatures"</h2>
            <FormAlert value=withdraw.value()/>
            <ApplicationList applications=home.applications withdraw/>
        </section>
        <section class="panel" id="alertes" aria-labelledby="alertes-titre">
            <h2 id="alertes-titre">"Mes alertes"</h2>
            {alert_saved.then(|| view! { <p class="notice" role="status">"L'alerte est enregistrée : vous recevrez un e-mail par jour au plus quand de nouvelles offres y correspondront."</p> })}
            <FormAlert value=remove_alert.value()/>
            {if alerts.is_empty() {
                view! { <p>"Aucune alerte. Dans le catalogue, lancez une recherche puis « Créer une alerte pour cette recherche »."</p> }.into_any()
            } else {
                view! {
                    <ul class="alerts">
                        {alerts.into_iter().map(|a| {
                            let label = format!("Supprimer l'alerte {}", a.description);
                            view! {
                                <li>
                                    <a href=a.href.clone()>{a.description.clone()}</a>
                                    <KeptForm action=remove_alert>
                                        <input type="hidden" name="alert_id" value=a.id.to_string()/>
                                        <button type="submit" class="button button-secondary" aria-label=label>"Supprimer"</button>
                                    </KeptForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ApplicationList(
    applications: Vec<MyApplication>,
    withdraw: ServerAction<WithdrawApplication>,
    /// Each application's heading level: under the page's title (2) or a section's (3).
    #[prop(default = 3)]
    level: u8,
) -> impl IntoView {
    if applications.is_empty() {
        return view! {
            <p>"Vous n'avez encore postulé à aucune offre. "<a href="/offres">"Parcourir les offres"</a></p>
        }
        .into_any();
    }
    view! {
        <ul class="applications">
            {applications.into_iter().map(|a| {
                let count = match a.applicants {
                    0 => "Aucune candidature active.".to_string(),
                    1 => "1 candidature active.".to_string(),
                    n => format!("{n} candidatures actives."),
                };
                let rank = match (&a.rank, &a.not_eligible_at_close) {
                    (Some((r, total)), _) => format!("{r}{} sur {total} candidats recevables", if *r == 1 { "er" } else { "e" }),
                    (None, Some(reasons)) if reasons.is_empty() => "Non classée : votre foyer ne remplissait pas les conditions de l'offre à la clôture.".to_string(),
                    (None, Some(reasons)) => format!("Non classée : à la clôture, {}", reasons.join(" ")),
                    (None, None) if a.withdrawn => "Sans objet : vous avez retiré cette candidature avant la clôture.".to_string(),
                    (None, None) => "Connu après la clôture, quand les candidatures seront classées.".to_string(),
                };
                let label = format!("Retirer ma candidature à l'offre n° {}", a.offer_id);
                view! {
                    <li class="application">
                        {
                            let link = view! { <a href=format!("/offres/{}", a.offer_id)>{format!("Offre n° {} — {}", a.offer_id, a.title)}</a> };
                            if level == 2 { view! { <h2>{link}</h2> }.into_any() } else { view! { <h3>{link}</h3> }.into_any() }
                        }
                        <p class="status-line">"État : "<strong>{a.status_label.clone()}</strong></p>
                        <dl class="facts">
                            <dt>"Bailleur"</dt><dd>{a.landlord.clone()}</dd>
                            <dt>"Loyer charges comprises"</dt><dd>{format_euros(a.rent_cents + a.charges_cents)}</dd>
                            <dt>"Candidature du"</dt><dd>{a.applied_on.clone()}{a.assisted.then_some(" (enregistrée par le bailleur)")}</dd>
                            <dt>"Clôture"</dt><dd>{a.closes_on.clone()}</dd>
                            <dt>"Candidats"</dt><dd>{count}</dd>
                            <dt>"Classement"</dt><dd>{rank}</dd>
                        </dl>
                        {(a.rank.is_some() || a.not_eligible_at_close.is_some()).then(|| view! {
                            <p><a href=format!("/espace/candidatures/{}", a.id)>"Pourquoi ce résultat ?"<span class="visually-hidden">{format!(" (offre n° {})", a.offer_id)}</span></a></p>
                        })}
                        {a.decision.clone().map(|d| view! {
                            <p class="notice"><strong>"Décision de la commission : "</strong>{d.label}
                                {(!d.motive.is_empty()).then(|| format!(". Motif : {}", d.motive))}
                                {d.condition.map(|c| format!(". Condition : {c}"))}
                            </p>
                        })}
                        {a.proposal.clone().map(|p| view! { <ProposalAnswer proposal=p/> })}
                        {a.can_withdraw.then(|| view! {
                            <ConfirmStep label="Retirer ma candidature" aria_label=label.clone() secondary=true
                                warning=format!("votre candidature sera retirée et ne sera pas classée à la clôture. Elle libère une place pour postuler à une autre offre de {} ; vous pourrez aussi postuler de nouveau à celle-ci tant qu'elle est ouverte.", a.landlord)>
                                <KeptForm action=withdraw>
                                    <input type="hidden" name="application_id" value=a.id.to_string()/>
                                    <button type="submit" class="button" aria-label=format!("Oui, retirer ma candidature à l'offre n° {}", a.offer_id)>"Oui, retirer ma candidature"</button>
                                </KeptForm>
                            </ConfirmStep>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The unit offered after the commission, and the applicant's answer within the delay.
#[component]
fn ProposalAnswer(proposal: crate::model::caleol::ProposalInfo) -> impl IntoView {
    let answer = ServerAction::<AnswerProposal>::new();
    let id = proposal.id.to_string();
    let id2 = id.clone();
    // Two proposals may wait at once: a refused answer shows on its own.
    let result = keyed_value(answer, ("proposal_id", id.clone()));
    view! {
        <div class="proposal">
            <p><strong>"Proposition de logement (rang "{proposal.rank}") : "</strong>{proposal.status_label.clone()}</p>
            {proposal.condition.clone().map(|c| view! { <p>{c}</p> })}
            {proposal.pending.then(|| view! {
                <p>"Répondez au plus tard le "<strong>{proposal.respond_by.clone()}</strong>". Sans réponse, le logement sera proposé au candidat suivant. Un refus peut compter dans votre cotation."</p>
                <FormAlert value=result/>
                <div class="actions">
                    <ConfirmStep label="Accepter le logement"
                        warning="votre acceptation est définitive : le bailleur vous contacte pour signer le bail, et le logement n'est plus proposé aux autres candidats.">
                        <KeptForm action=answer>
                            <input type="hidden" name="proposal_id" value=id.clone()/>
                            <input type="hidden" name="answer" value="accepter"/>
                            <button type="submit" class="button">"Oui, accepter le logement"</button>
                        </KeptForm>
                    </ConfirmStep>
                    <ConfirmStep label="Refuser le logement" secondary=true
                        warning="le refus est définitif : le logement sera proposé au candidat suivant, et la grille de cotation de votre territoire peut en tenir compte.">
                        <KeptForm action=answer>
                            <input type="hidden" name="proposal_id" value=id2.clone()/>
                            <input type="hidden" name="answer" value="refuser"/>
                            <button type="submit" class="button">"Oui, refuser le logement"</button>
                        </KeptForm>
                    </ConfirmStep>
                </div>
            })}
        </div>
    }
}

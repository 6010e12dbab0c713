//! The allocation committee: a member's commission and sessions, the review of each agenda item
//! with votes and decisions, the minutes; staff's sessions and agenda.

use crate::components::form::{FormAlert, SelectField, field_errors, options};
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::domain::caleol::{DecisionKind, MAX_RANK, ProposedUnit, SessionMode, SessionStatus};
use crate::domain::documents::DocumentKind;
use crate::domain::eligibility::Verdict;
use crate::domain::offer::Typology;
use crate::error::AppError;
use crate::model::caleol::*;
use crate::pages::ranking::ScoreTable;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[cfg(feature = "ssr")]
mod guard {
    use crate::error::AppError;
    use crate::model::Role;
    use crate::ssr::store::caleol::{CaleolError, Viewer};
    use crate::ssr::{internal, require};

    pub fn caleol_error(error: CaleolError) -> AppError {
        match error {
            CaleolError::NotFound => AppError::NotFound,
            CaleolError::Refused(message) => AppError::Rejected(message),
            CaleolError::Db(cause) => internal(cause),
        }
    }

    /// The caller as a session viewer, with their user id: a member through their commission,
    /// staff through their organisation.
    pub async fn viewer() -> Result<(Viewer, i64), AppError> {
        let user = require(&[Role::Member, Role::Staff]).await?;
        let viewer = match user.role {
            Role::Member => Viewer::Member {
                user_id: user.id,
                commission_id: user.commission.ok_or(AppError::Forbidden)?.id,
            },
            _ => Viewer::Staff {
                organisation_id: user.organisation.ok_or(AppError::Forbidden)?.id,
            },
        };
        Ok((viewer, user.id))
    }

    pub async fn member() -> Result<(Viewer, i64), AppError> {
        let user = require(&[Role::Member]).await?;
        let commission_id = user.commission.ok_or(AppError::Forbidden)?.id;
        Ok((
            Viewer::Member {
                user_id: user.id,
                commission_id,
            },
            user.id,
        ))
    }

    /// Runs `change` in a write transaction, records it in the session organisation's audit
    /// log, and commits both together.
    pub async fn audited<F>(
        session_id: i64,
        actor: i64,
        action: &str,
        detail: String,
        change: F,
    ) -> Result<(), AppError>
    where
        F: for<'c> FnOnce(
            &'c mut sqlx::AnyConnection,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<(), CaleolError>> + Send + 'c>,
        >,
    {
        use crate::ssr::store::caleol;
        let state = crate::ssr::state()?;
        let mut tx = crate::ssr::db::begin_write(state.db.pool())
            .await
            .map_err(internal)?;
        change(&mut tx).await.map_err(caleol_error)?;
        let organisation = caleol::organisation_of(&mut tx, session_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        caleol::audit(
            &mut tx,
            actor,
            organisation,
            action,
            format!("session:{session_id}"),
            detail,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        state.mail_wakeup.notify_one();
        Ok(())
    }
}

#[cfg(feature = "ssr")]
fn session_path(session_id: i64, done: &str) -> String {
    format!(
        "/commission/seances/{session_id}?fait={done}-{}",
        action_stamp()
    )
}

/// A value that changes at each action, so that the page reloads its data after the redirect
/// (two votes within the same second must not share an address).
#[cfg(feature = "ssr")]
fn action_stamp() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

#[server(endpoint = "commission/accueil")]
pub async fn load_commission_home() -> Result<CommissionHome, AppError> {
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let (viewer, _) = guard::member().await?;
        let crate::ssr::store::caleol::Viewer::Member { commission_id, .. } = viewer else {
            return Err(AppError::Forbidden);
        };
        caleol::commission_home(state()?.db.pool(), commission_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    })
    .await
}

#[server(endpoint = "commission/seance")]
pub async fn load_session(session_id: i64, anonymised: bool) -> Result<SessionView, AppError> {
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let (viewer, _) = guard::viewer().await?;
        caleol::view(state()?.db.pool(), session_id, viewer, anonymised)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    })
    .await
}

#[server(endpoint = "commission/seance/ouvrir")]
pub async fn open_session(session_id: i64) -> Result<(), AppError> {
    use crate::ssr::{respond, store::caleol};
    respond(async move {
        let (viewer, actor) = guard::member().await?;
        guard::audited(session_id, actor, "session.open", String::new(), |tx| {
            Box::pin(caleol::open(tx, session_id, viewer))
        })
        .await?;
        leptos_axum::redirect(&session_path(session_id, "ouverte"));
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
fn ruling_of(
    kind: String,
    rank: String,
    motive: String,
    document: String,
    deadline: String,
) -> Result<crate::domain::caleol::Ruling, AppError> {
    use crate::domain::calendar::paris_date;
    crate::domain::caleol::RulingInput {
        kind,
        rank,
        motive,
        document,
        deadline,
    }
    .validate(paris_date(crate::ssr::db::now()))
    .map_err(AppError::Invalid)
}

/// A member's vote (or, for a consultative voice, opinion) on one candidate.
#[server(endpoint = "commission/seance/voter")]
pub async fn cast_vote(
    session_id: i64,
    entry_id: i64,
    kind: String,
    #[server(default)] rank: String,
    #[server(default)] motive: String,
    #[server(default)] document: String,
    #[server(default)] deadline: String,
) -> Result<(), AppError> {
    use crate::ssr::{respond, store::caleol};
    respond(async move {
        let (viewer, actor) = guard::member().await?;
        let ruling = ruling_of(kind, rank, motive, document, deadline)?;
        let detail = format!("entry:{entry_id} {}", ruling.choice.label());
        guard::audited(session_id, actor, "session.vote", detail, |tx| {
            Box::pin(async move { caleol::vote(tx, session_id, entry_id, viewer, &ruling).await })
        })
        .await?;
        leptos_axum::redirect(&format!(
            "{}#candidat-{entry_id}",
            session_path(session_id, "vote")
        ));
        Ok(())
    })
    .await
}

/// The president records the commission's decision on one candidate.
#[server(endpoint = "commission/seance/decider")]
pub async fn record_outcome(
    session_id: i64,
    entry_id: i64,
    kind: String,
    #[server(default)] rank: String,
    #[server(default)] motive: String,
    #[server(default)] document: String,
    #[server(default)] deadline: String,
) -> Result<(), AppError> {
    use crate::ssr::{respond, store::caleol};
    respond(async move {
        let (viewer, actor) = guard::member().await?;
        let ruling = ruling_of(kind, rank, motive, document, deadline)?;
        let detail = format!(
            "entry:{entry_id} {} {}",
            ruling.choice.label(),
            ruling.motive
        );
        guard::audited(session_id, actor, "session.decision", detail, |tx| {
            Box::pin(async move {
                caleol::record_decision(tx, session_id, entry_id, viewer, &ruling).await
            })
        })
        .await?;
        leptos_axum::redirect(&format!(
            "{}#candidat-{entry_id}",
            session_path(session_id, "decision")
        ));
        Ok(())
    })
    .await
}

#[server(endpoint = "commission/seance/presences")]
pub async fn record_attendance(
    session_id: i64,
    #[server(default)] present: Vec<i64>,
) -> Result<(), AppError> {
    use crate::ssr::{respond, store::caleol};
    respond(async move {
        let (viewer, actor) = guard::member().await?;
        let detail = format!("présents : {present:?}");
        guard::audited(session_id, actor, "session.attendance", detail, |tx| {
            Box::pin(async move { caleol::set_attendance(tx, session_id, viewer, &present).await })
        })
        .await?;
        leptos_axum::redirect(&session_path(session_id, "presences"));
        Ok(())
    })
    .await
}

#[server(endpoint = "commission/seance/clore")]
pub async fn close_session(session_id: i64) -> Result<(), AppError> {
    use crate::domain::calendar::paris_date;
    use crate::ssr::{respond, state, store::caleol};
    respond(async move {
        let (viewer, actor) = guard::member().await?;
        let link = state()?.link("/espace/candidatures");
        let today = paris_date(crate::ssr::db::now());
        guard::audited(session_id, actor, "session.close", String::new(), |tx| {
            Box::pin(async move { caleol::close(tx, session_id, viewer, today, &link).await })
        })
        .await?;
        leptos_axum::redirect(&format!("/commission/seances/{session_id}/pv"));
        Ok(())
    })
    .await
}

pub const OBSERVATIONS_MAX_CHARS: usize = 4000;

#[server(endpoint = "commission/seance/observations")]
pub async fn save_observations(session_id: i64, observations: String) -> Result<(), AppError> {
    use crate::ssr::{respond, store::caleol};
    respond(async move {
        let (viewer, actor) = guard::member().await?;
        let text = observations.trim().to_string();
        if text.chars().count() > OBSERVATIONS_MAX_CHARS {
            return Err(AppError::field(
                "observations",
                format!("{OBSERVATIONS_MAX_CHARS} caractères au plus."),
            ));
        }
        guard::audited(
            session_id,
            actor,
            "minutes.observations",
            String::new(),
            |tx| {
                Box::pin(
                    async move { caleol::set_observations(tx, session_id, viewer, &text).await },
                )
            },
        )
        .await?;
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
    use crate::ssr::{respond, store::caleol};
    respond(async move {
        let (viewer, actor) = guard::member().await?;
        guard::audited(session_id, actor, "minutes.sign", String::new(), |tx| {
            Box::pin(caleol::sign(tx, session_id, viewer))
        })
        .await?;
        leptos_axum::redirect(&format!(
            "/commission/seances/{session_id}/pv?fait=signe-{}",
            action_stamp()
        ));
        Ok(())
    })
    .await
}

pub const FINDING_MAX_CHARS: usize = 1000;

#[server(endpoint = "commission/seance/occupation")]
pub async fn record_occupation(
    session_id: i64,
    lease_id: i64,
    finding: String,
    proposed: String,
    #[server(default)] typology: String,
) -> Result<(), AppError> {
    use crate::ssr::{respond, store::caleol};
    respond(async move {
        let (viewer, actor) = guard::member().await?;
        let finding = finding.trim().to_string();
        let length = finding.chars().count();
        if !(5..=FINDING_MAX_CHARS).contains(&length) {
            return Err(AppError::field(
                "finding",
                format!(
                    "Décrivez le constat de la commission (5 à {FINDING_MAX_CHARS} caractères)."
                ),
            ));
        }
        let proposed = ProposedUnit::parse(proposed.trim()).ok_or_else(|| {
            AppError::field("proposed", "Choisissez un type de logement dans la liste.")
        })?;
        let typology = match typology.trim() {
            "" => None,
            code => Some(Typology::parse(code).ok_or_else(|| {
                AppError::field("typology", "Choisissez une typologie de la liste.")
            })?),
        };
        let detail = format!("lease:{lease_id} {} {finding}", proposed.code());
        guard::audited(session_id, actor, "occupation.finding", detail, |tx| {
            Box::pin(async move {
                caleol::record_review(
                    tx, session_id, viewer, lease_id, &finding, proposed, typology,
                )
                .await
            })
        })
        .await?;
        leptos_axum::redirect(&session_path(session_id, "occupation"));
        Ok(())
    })
    .await
}

#[server(endpoint = "commission/pv")]
pub async fn load_minutes(session_id: i64) -> Result<(Minutes, bool), AppError> {
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let (viewer, _) = guard::viewer().await?;
        let pool = state()?.db.pool().clone();
        let minutes = caleol::minutes(&pool, session_id, viewer)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let editable = caleol::may_sign(&pool, session_id, viewer)
            .await
            .map_err(internal)?;
        Ok((minutes, editable))
    })
    .await
}

#[component]
pub fn CommissionHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| load_commission_home());
    view! {
        <Title text="Ma commission"/>
        {loaded(home, |home| view! { <CommissionHomeView home/> })}
    }
}

#[component]
fn CommissionHomeView(home: CommissionHome) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>{home.commission.clone()}</h1>
            <p>"Commission d'attribution des logements et d'examen de l'occupation des logements de "
                <strong>{home.organisation.clone()}</strong>"."</p>
            <h2>"Membres"</h2>
            <SeatList seats=home.seats.clone() show_presence=false/>
        </section>
        <section class="panel" aria-labelledby="seances-titre">
            <h2 id="seances-titre">"Séances"</h2>
            <SessionList sessions=home.sessions base="/commission/seances"/>
        </section>
    }
}

#[component]
fn SeatList(seats: Vec<Seat>, show_presence: bool) -> impl IntoView {
    view! {
        <ul class="seats">
            {seats.into_iter().map(|s| view! {
                <li>
                    <strong>{s.name}</strong>{s.president.then_some(" (présidence)")}" — "{s.quality}
                    ", "{if s.votes { "voix délibérative" } else { "voix consultative" }}
                    {show_presence.then_some(if s.present { " — a participé" } else { " — n'a pas participé" })}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn SessionList(sessions: Vec<SessionSummary>, base: &'static str) -> impl IntoView {
    if sessions.is_empty() {
        return view! { <p>"Aucune séance pour le moment."</p> }.into_any();
    }
    view! {
        <ul class="sessions">
            {sessions.into_iter().map(|s| view! {
                <li>
                    <a href=format!("{base}/{}", s.id)>{format!("Séance du {}", s.held_on)}</a>
                    " — "{s.commission}" — "{s.mode.label()}" — "<strong>{s.status.label()}</strong>
                    {format!(" — quorum : {}", s.quorum)}
                    {(!s.items.is_empty()).then(|| view! {
                        <ul>{s.items.into_iter().map(|(id, title)| view! { <li>{format!("Offre n° {id} — {title}")}</li> }).collect_view()}</ul>
                    })}
                    {matches!(s.status, SessionStatus::Closed | SessionStatus::Signed).then(|| view! {
                        " "<a href=format!("/commission/seances/{}/pv", s.id)>"Procès-verbal"</a>
                    })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn SessionPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let session = Resource::new(
        move || {
            let q = query.read();
            (id(), q.get("anonyme").is_some(), q.get("fait"))
        },
        |(id, anonymised, _)| load_session(id, anonymised),
    );
    view! {
        <Title text="Séance de la commission"/>
        {loaded(session, |view| view! { <Session view/> })}
    }
}

#[component]
fn Session(view: SessionView) -> impl IntoView {
    let open = ServerAction::<OpenSession>::new();
    let close = ServerAction::<CloseSession>::new();
    let attendance = ServerAction::<RecordAttendance>::new();
    let id = view.id;
    let status = view.status;
    let president = view.president;
    let voting = view.member && status == SessionStatus::Open && view.mode == SessionMode::Remote;
    let deciding = president && status == SessionStatus::Open;
    let toggle = if view.anonymised {
        (format!("/commission/seances/{id}"), "Afficher les noms")
    } else {
        (
            format!("/commission/seances/{id}?anonyme=1"),
            "Vue pseudonymisée (masquer les noms)",
        )
    };
    let quorum_line = format!(
        "{} membre(s) à voix délibérative ; {} ont participé{}.",
        view.quorum,
        view.voting_present,
        if view.mode == SessionMode::Remote {
            " (votes en ligne)"
        } else {
            ""
        }
    );
    let seats_for_attendance = view.seats.clone();
    view! {
        <section class="panel">
            <p><a href=if view.member { "/commission" } else { "/gestion/commissions" }>"← Toutes les séances"</a></p>
            <h1>{format!("Séance du {} — {}", view.held_on, view.commission)}</h1>
            <dl class="facts">
                <dt>"Bailleur"</dt><dd>{view.organisation.clone()}</dd>
                <dt>"Forme"</dt><dd>{view.mode.label()}</dd>
                <dt>"État"</dt><dd><strong>{status.label()}</strong></dd>
                <dt>"Quorum"</dt><dd>{quorum_line}</dd>
            </dl>
            <h2>"Membres"</h2>
            <SeatList seats=view.seats.clone() show_presence=status != SessionStatus::Planned/>
            <p><a href=toggle.0>{toggle.1}</a></p>
            {matches!(status, SessionStatus::Closed | SessionStatus::Signed).then(|| view! {
                <p><a class="button" href=format!("/commission/seances/{id}/pv")>"Lire le procès-verbal"</a></p>
            })}
            {(president && status == SessionStatus::Planned).then(|| view! {
                <FormAlert value=open.value()/>
                <ActionForm action=open>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <button type="submit" class="button">"Ouvrir la séance (l'ordre du jour est alors arrêté)"</button>
                </ActionForm>
            })}
            {(deciding && view.mode == SessionMode::InPerson).then(|| view! {
                <h2>"Présences"</h2>
                <FormAlert value=attendance.value()/>
                <ActionForm action=attendance>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <fieldset class="field">
                        <legend>"Membres présents"</legend>
                        {seats_for_attendance.into_iter().map(|s| {
                            let box_id = format!("present-{}", s.user_id);
                            view! {
                                <div class="field-check">
                                    <input type="checkbox" id=box_id.clone() name="present[]" value=s.user_id.to_string() checked=s.present/>
                                    <label for=box_id>{s.name}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class="button button-secondary">"Enregistrer les présences"</button>
                </ActionForm>
            })}
        </section>
        {view.items.into_iter().map(|item| view! { <Item session_id=id item voting deciding/> }).collect_view()}
        {(!view.occupation.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="occupation-titre">
                <h2 id="occupation-titre">"Examen de l'occupation des logements"</h2>
                <p>"Locataires signalés, dont le bail a atteint une échéance triennale (article L442-5-2 du CCH)."</p>
                <ul class="ranking">
                    {view.occupation.into_iter().map(|o| view! { <OccupationCard session_id=id item=o deciding/> }).collect_view()}
                </ul>
            </section>
        })}
        {deciding.then(|| view! {
            <section class="panel" aria-labelledby="cloture-titre">
                <h2 id="cloture-titre">"Clôture"</h2>
                <p>"À la clôture, chaque candidat reçoit la décision consignée ou, à défaut, celle qui a recueilli le plus de voix délibératives (la voix du maire départage une égalité). Le procès-verbal est généré, les courriers partent, et le logement est proposé au premier candidat de l'ordre d'attribution."</p>
                <FormAlert value=close.value()/>
                <ActionForm action=close>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <button type="submit" class="button">"Clore la séance et générer le procès-verbal"</button>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
fn Item(session_id: i64, item: AgendaItem, voting: bool, deciding: bool) -> impl IntoView {
    let heading_id = format!("offre-{}", item.offer_id);
    let labelled_by = heading_id.clone();
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading_id>{format!("Offre n° {} — {}", item.offer_id, item.title)}</h2>
            <dl class="facts">
                {item.facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                {item.exception.map(|e| view! { <dt>"Moins de trois candidats"</dt><dd>{e}</dd> })}
            </dl>
            {if item.departures.is_empty() {
                view! { <p>"La liste suit l'ordre du classement."</p> }.into_any()
            } else {
                view! {
                    <div class="notice">
                        <h3>"Écarts par rapport à l'ordre du classement"</h3>
                        <ul>{item.departures.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                    </div>
                }.into_any()
            }}
            <ul class="ranking">
                {item.candidates.into_iter().map(|c| view! { <Candidate session_id candidate=c voting deciding/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Candidate(
    session_id: i64,
    candidate: ReviewCandidate,
    voting: bool,
    deciding: bool,
) -> impl IntoView {
    let verdict = match candidate.assessment.verdict {
        Verdict::Eligible => "✓ Recevable",
        Verdict::ToCheck => "? Recevable, à vérifier",
        Verdict::Ineligible => "✗ Non recevable",
    };
    let entry_id = candidate.entry_id;
    view! {
        <li class="candidate review" id=format!("candidat-{entry_id}")>
            <h3>{format!("Rang {} — {}", candidate.position, candidate.label)}</h3>
            <dl class="facts">
                <dt>"Note"</dt><dd><strong>{candidate.score.total}" points"</strong>" ("{candidate.grid_label.clone()}")"</dd>
                <dt>"Recevabilité"</dt><dd>{verdict}</dd>
                <dt>"Foyer"</dt><dd>{candidate.household.clone()}</dd>
                {candidate.sne_number.clone().map(|n| view! { <dt>"Numéro unique"</dt><dd>{n}</dd> })}
                <dt>"Pièces au dossier"</dt>
                <dd>{if candidate.documents.is_empty() { "Aucune".to_string() } else {
                    candidate.documents.iter().map(|(k, d)| format!("{k} (déposée le {d})")).collect::<Vec<_>>().join(" ; ")
                }}</dd>
            </dl>
            <details>
                <summary>"Détail de la note et de la recevabilité"</summary>
                <ScoreTable score=candidate.score.clone()/>
                <ul>{candidate.assessment.reasons.iter().map(|r| view! { <li>{r.message.clone()}</li> }).collect_view()}</ul>
            </details>
            {candidate.my_vote.clone().map(|v| view! { <p class="badge">"Votre vote : "{v}</p> })}
            {candidate.tally.clone().filter(|t| t.cast + t.opinions > 0).map(|t| view! {
                <p>
                    <strong>"Votes : "</strong>
                    {t.counts.iter().map(|(c, n)| format!("{} : {n}", c.label())).collect::<Vec<_>>().join(" ; ")}
                    {format!(" ({} voix délibératives{})", t.cast, if t.opinions > 0 { format!(", {} avis consultatifs", t.opinions) } else { String::new() })}
                    {t.casting_vote.then_some(" — égalité départagée par la voix du maire")}
                    {(t.outcome.is_none() && t.cast > 0).then_some(" — égalité : la décision doit être consignée")}
                </p>
            })}
            {candidate.decision.clone().map(|d| view! {
                <p class="notice">
                    <strong>"Décision : "</strong>{d.label}
                    {(!d.motive.is_empty()).then(|| format!(" — motif : {}", d.motive))}
                    {d.condition.map(|c| format!(" — {c}"))}
                    {format!(" ({})", d.how)}
                </p>
            })}
            {voting.then(|| view! {
                <details open=candidate.my_vote.is_none()>
                    <summary>{if candidate.my_vote.is_some() { "Changer mon vote" } else { "Voter" }}</summary>
                    <VoteForm session_id entry_id/>
                </details>
            })}
            {deciding.then(|| view! {
                <details>
                    <summary>"Consigner la décision de la commission"</summary>
                    <DecisionForm session_id entry_id/>
                </details>
            })}
        </li>
    }
}

/// A member's vote on one candidate.
#[component]
fn VoteForm(session_id: i64, entry_id: i64) -> impl IntoView {
    let action = ServerAction::<CastVote>::new();
    let errors = field_errors(action.value());
    view! {
        <div class="vote-form">
            <FormAlert value=action.value()/>
            <ActionForm action>
                <input type="hidden" name="session_id" value=session_id.to_string()/>
                <input type="hidden" name="entry_id" value=entry_id.to_string()/>
                {ruling_fields("vote", entry_id, errors)}
                <button type="submit" class="button">"Enregistrer mon vote"</button>
            </ActionForm>
        </div>
    }
}

/// The president's record of the commission's decision on one candidate.
#[component]
fn DecisionForm(session_id: i64, entry_id: i64) -> impl IntoView {
    let action = ServerAction::<RecordOutcome>::new();
    let errors = field_errors(action.value());
    view! {
        <div class="decision-form">
            <FormAlert value=action.value()/>
            <ActionForm action>
                <input type="hidden" name="session_id" value=session_id.to_string()/>
                <input type="hidden" name="entry_id" value=entry_id.to_string()/>
                {ruling_fields("decision", entry_id, errors)}
                <button type="submit" class="button">"Consigner la décision"</button>
            </ActionForm>
        </div>
    }
}

/// The closed list of decisions with what each needs. Ids carry the candidate so that several
/// forms live on one page.
fn ruling_fields(
    prefix: &'static str,
    entry_id: i64,
    errors: Signal<Option<crate::error::FieldErrors>>,
) -> impl IntoView {
    let id = move |field: &str| format!("{prefix}-{field}-{entry_id}");
    let error = move |field: &'static str| {
        move || {
            errors
                .get()
                .and_then(|e| e.get(field).map(str::to_string))
                .map(|m| view! { <p class="field-error" id=format!("{}-erreur", id(field))>"Erreur : "{m}</p> })
        }
    };
    // Links a field to its error message, once there is one.
    let described = move |field: &'static str| {
        move || {
            errors
                .get()
                .and_then(|e| e.get(field).map(|_| format!("{}-erreur", id(field))))
        }
    };
    view! {
        <div class="field">
            <label for=id("kind")>"Décision"</label>
            <select id=id("kind") name="kind" required aria-describedby=described("kind")>
                {DecisionKind::ALL.iter().map(|k| view! { <option value=k.code()>{k.label()}</option> }).collect_view()}
            </select>
            {error("kind")}
        </div>
        <div class="field">
            <label for=id("rank")>"Rang (attribution avec rang ou sous condition)"</label>
            <input id=id("rank") name="rank" type="number" min="1" max=MAX_RANK.to_string() aria-describedby=described("rank")/>
            {error("rank")}
        </div>
        <div class="field">
            <label for=id("document")>"Pièce manquante (sous condition suspensive)"</label>
            <select id=id("document") name="document" aria-describedby=described("document")>
                <option value="">"—"</option>
                {DocumentKind::ALL.iter().filter(|d| **d != DocumentKind::Other).map(|d| view! { <option value=d.code()>{d.label()}</option> }).collect_view()}
            </select>
            {error("document")}
        </div>
        <div class="field">
            <label for=id("deadline")>"Date limite de la pièce"</label>
            <input id=id("deadline") name="deadline" type="date" aria-describedby=described("deadline")/>
            {error("deadline")}
        </div>
        <div class="field">
            <label for=id("motive")>"Motif (obligatoire pour une non-attribution ou un rejet)"</label>
            <textarea id=id("motive") name="motive" rows="2" aria-describedby=described("motive")></textarea>
            {error("motive")}
        </div>
    }
}

#[component]
fn OccupationCard(session_id: i64, item: OccupationItem, deciding: bool) -> impl IntoView {
    let record = ServerAction::<RecordOccupation>::new();
    let errors = field_errors(record.value());
    let lease = item.lease_id;
    let finding_id = format!("constat-{lease}");
    let proposed_id = format!("proposition-{lease}");
    let typology_id = format!("typologie-{lease}");
    view! {
        <li class="candidate">
            <h3>{format!("{} — {}", item.tenant, item.unit)}</h3>
            <dl class="facts">
                <dt>"Bail signé le"</dt><dd>{item.signed_on.clone()}</dd>
                <dt>"Échéance d'examen"</dt><dd>{item.due_on.clone()}</dd>
                <dt>"Situations signalées"</dt><dd>{item.flags.join(" ; ")}</dd>
            </dl>
            {item.finding.clone().map(|(finding, unit)| view! {
                <p class="notice"><strong>"Constat : "</strong>{finding}" — "<strong>"Logement à proposer : "</strong>{unit}</p>
            })}
            {(deciding && item.finding.is_none()).then(|| view! {
                <FormAlert value=record.value()/>
                <ActionForm action=record>
                    <input type="hidden" name="session_id" value=session_id.to_string()/>
                    <input type="hidden" name="lease_id" value=lease.to_string()/>
                    <div class="field">
                        <label for=finding_id.clone()>"Constat de la commission"</label>
                        <textarea id=finding_id name="finding" rows="2" required></textarea>
                        {move || errors.get().and_then(|e| e.get("finding").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                    </div>
                    <div class="field">
                        <label for=proposed_id.clone()>"Logement à proposer"</label>
                        <select id=proposed_id name="proposed" required>
                            {ProposedUnit::ALL.iter().map(|p| view! { <option value=p.code()>{p.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=typology_id.clone()>"Typologie adaptée (facultatif)"</label>
                        <select id=typology_id name="typology">
                            <option value="">"—"</option>
                            {Typology::ALL.iter().map(|t| view! { <option value=t.code()>{t.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button button-secondary">"Consigner le constat"</button>
                </ActionForm>
            })}
        </li>
    }
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
                <ActionForm action=observations>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <div class="field">
                        <label for="observations">"Observations à porter au procès-verbal"</label>
                        <textarea id="observations" name="observations" rows="4">{minutes.observations.clone()}</textarea>
                        {move || errors.get().and_then(|e| e.get("observations").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                    </div>
                    <button type="submit" class="button button-secondary">"Enregistrer les observations"</button>
                </ActionForm>
                <p>"Une fois signé, le procès-verbal ne peut plus être modifié."</p>
                <FormAlert value=sign.value()/>
                <ActionForm action=sign>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <button type="submit" class="button">"Signer le procès-verbal"</button>
                </ActionForm>
            </section>
        })}
    }
}

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
            <ActionForm action=create>
                <SelectField label="Commission" name="commission_id" options=commissions errors/>
                <div class="field">
                    <label for="held_on">"Date de la séance"</label>
                    <input id="held_on" name="held_on" type="date" required/>
                    {move || errors.get().and_then(|e| e.get("held_on").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                </div>
                <SelectField label="Forme" name="mode" options=options(SessionMode::ALL, SessionMode::code, SessionMode::label) errors/>
                <div class="field">
                    <label for="quorum">"Quorum (membres à voix délibérative)"</label>
                    <input id="quorum" name="quorum" type="number" min="1" value="2" required/>
                    {move || errors.get().and_then(|e| e.get("quorum").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                </div>
                <button type="submit" class="button">"Prévoir la séance"</button>
            </ActionForm>
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
                <ActionForm action=add>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <div class="field">
                        <label for=select_id.clone()>"Inscrire à l'ordre du jour"</label>
                        <select id=select_id name="offer_id" required>
                            {ready.iter().map(|(offer, title)| view! { <option value=offer.to_string()>{title.clone()}</option> }).collect_view()}
                        </select>
                        {move || errors.get().and_then(|e| e.get("offer_id").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                    </div>
                    <button type="submit" class="button button-secondary">"Inscrire"</button>
                </ActionForm>
            })}
        </li>
    }
}

/// How far back the audit log page reads.
pub const AUDIT_PAGE_ROWS: i64 = 500;

#[server(endpoint = "gestion/journal")]
pub async fn load_audit_log() -> Result<Vec<AuditRow>, AppError> {
    use crate::pages::staff_offers::staff_organisation;
    use crate::ssr::{internal, respond, state};
    respond(async move {
        let (user, organisation) = staff_organisation().await?;
        let pool = state()?.db.pool().clone();
        if !crate::ssr::store::audit::is_org_admin(&pool, user)
            .await
            .map_err(internal)?
        {
            return Err(AppError::Forbidden);
        }
        crate::ssr::store::audit::organisation_log(&pool, organisation, AUDIT_PAGE_ROWS)
            .await
            .map_err(internal)
    })
    .await
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let log = Resource::new(|| (), |_| load_audit_log());
    view! {
        <Title text="Journal des actions"/>
        {loaded(log, |rows| view! {
            <section class="panel">
                <h1>"Journal des actions"</h1>
                <p>{format!("Les {AUDIT_PAGE_ROWS} dernières actions enregistrées pour votre organisme : classements, écarts, listes, séances, votes et décisions, avec leur auteur, leur date et leur motif. Réservé aux administrateurs de l'organisme.")}</p>
                <div class="table-wrap">
                    <table>
                        <caption>"Actions, des plus récentes aux plus anciennes"</caption>
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Auteur"</th><th scope="col">"Action"</th><th scope="col">"Objet"</th><th scope="col">"Détail"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr><td>{r.at}</td><td>{r.actor}</td><td>{r.action}</td><td>{r.subject}</td><td>{r.detail}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}
    }
}

#[server(endpoint = "gestion/occupation")]
pub async fn load_tenancies() -> Result<Vec<Tenancy>, AppError> {
    use crate::pages::staff_offers::staff_organisation;
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let (_, organisation) = staff_organisation().await?;
        caleol::tenancies(state()?.db.pool(), organisation)
            .await
            .map_err(internal)
    })
    .await
}

#[server(endpoint = "gestion/occupation/signaler")]
pub async fn flag_tenancy(
    lease_id: i64,
    #[server(default)] flags: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::caleol::OccupationFlag;
    use crate::pages::staff_offers::{audit_and_commit, staff_organisation};
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        let caller = staff_organisation().await?;
        let parsed: Option<Vec<OccupationFlag>> =
            flags.iter().map(|f| OccupationFlag::parse(f)).collect();
        let parsed = parsed
            .ok_or_else(|| AppError::field("flags", "Choisissez des situations de la liste."))?;
        let mut tx = crate::ssr::db::begin_write(state()?.db.pool())
            .await
            .map_err(internal)?;
        caleol::set_flags(&mut tx, caller.1, lease_id, &parsed)
            .await
            .map_err(guard::caleol_error)?;
        audit_and_commit(
            tx,
            caller,
            "occupation.flags",
            format!("lease:{lease_id}"),
            flags.join(","),
        )
        .await?;
        leptos_axum::redirect(&format!(
            "/gestion/occupation?fait=bail-{lease_id}-{}",
            action_stamp()
        ));
        Ok(())
    })
    .await
}

#[component]
pub fn OccupationPage() -> impl IntoView {
    let query = use_query_map();
    let tenancies = Resource::new(move || query.read().get("fait"), |_| load_tenancies());
    view! {
        <Title text="Examen de l'occupation"/>
        {loaded(tenancies, |rows| view! {
            <section class="panel">
                <h1>"Examen de l'occupation des logements"</h1>
                <p>"Tous les trois ans à compter de la signature du bail, les dossiers des locataires en sur-occupation, en sous-occupation, dans un logement adapté qui n'est plus occupé par la personne handicapée, dont le handicap demande un logement adapté, ou dont les ressources dépassent le plafond, sont transmis à la commission (article L442-5-2 du CCH). Signalez ici les situations : les dossiers arrivés à échéance s'inscrivent d'eux-mêmes à la séance suivante."</p>
                <p>"Après le constat de la commission, des logements vacants du type retenu sont proposés sous chaque bail : l'offre préparée est réservée à la mutation, et le locataire y candidate comme tout demandeur."</p>
            </section>
            <section class="panel">
                <h2>"Baux"</h2>
                {if rows.is_empty() { view! { <p>"Aucun bail enregistré."</p> }.into_any() } else { view! {
                    <ul class="ranking">{rows.into_iter().map(|t| view! { <TenancyCard tenancy=t/> }).collect_view()}</ul>
                }.into_any() }}
            </section>
        })}
    }
}

#[component]
fn TenancyCard(tenancy: Tenancy) -> impl IntoView {
    use crate::domain::caleol::OccupationFlag;
    let flag = ServerAction::<FlagTenancy>::new();
    let id = tenancy.id;
    view! {
        <li class="candidate">
            <h3>{format!("{} — {}", tenancy.tenant, tenancy.unit)}</h3>
            <p>{format!("Bail signé le {}", tenancy.signed_on)}</p>
            {tenancy.finding.clone().map(|f| view! { <p class="notice"><strong>"Dernier constat : "</strong>{f}</p> })}
            {(!tenancy.suggested_units.is_empty()).then(|| view! {
                <p>"Logements vacants de ce type, à proposer par une offre réservée à la mutation :"</p>
                <ul>
                    {tenancy.suggested_units.iter().map(|(unit, label)| view! {
                        <li><a href=format!("/gestion/logements/{unit}?mutation=1")>{format!("Préparer une offre de mutation : {label}")}</a></li>
                    }).collect_view()}
                </ul>
            })}
            <FormAlert value=flag.value()/>
            <ActionForm action=flag>
                <input type="hidden" name="lease_id" value=id.to_string()/>
                <fieldset class="field">
                    <legend>"Situations à examiner"</legend>
                    {OccupationFlag::ALL.iter().map(|f| {
                        let box_id = format!("situation-{id}-{}", f.code());
                        let checked = tenancy.flags.iter().any(|c| c == f.code());
                        view! {
                            <div class="field-check">
                                <input type="checkbox" id=box_id.clone() name="flags[]" value=f.code() checked=checked/>
                                <label for=box_id>{f.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button button-secondary">"Enregistrer les situations"</button>
            </ActionForm>
        </li>
    }
}

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
pub fn FollowUpPanel(offer_id: i64) -> impl IntoView {
    let query = use_query_map();
    let follow = Resource::new(
        move || query.read().get("fait"),
        move |_| load_follow_up(offer_id),
    );
    view! {
        {loaded(follow, move |follow| follow.map(|f| view! { <FollowUpView offer_id follow=f/> }))}
    }
}

#[component]
fn FollowUpView(offer_id: i64, follow: FollowUp) -> impl IntoView {
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
                <ActionForm action=lease>
                    <input type="hidden" name="offer_id" value=offer_id.to_string()/>
                    <input type="hidden" name="proposal_id" value=proposal.to_string()/>
                    <div class="field">
                        <label for="signed_on">"Date de signature du bail"</label>
                        <input id="signed_on" name="signed_on" type="date" required/>
                        {move || errors.get().and_then(|e| e.get("signed_on").map(str::to_string)).map(|m| view! { <p class="field-error">"Erreur : "{m}</p> })}
                    </div>
                    {condition.map(|c| view! {
                        <div class="field field-check">
                            <input type="checkbox" id="condition_met" name="condition_met" value="on"/>
                            <label for="condition_met">{format!("La pièce manquante a été reçue dans le délai ({c}) et les conditions d'accès restent remplies")}</label>
                        </div>
                    })}
                    <button type="submit" class="button">"Enregistrer la signature du bail"</button>
                </ActionForm>
            })}
        </section>
    }
}

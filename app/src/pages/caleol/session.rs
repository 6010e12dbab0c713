//! One session of the committee, reviewed one agenda point at a time: the server functions its
//! forms post to (open, vote, decide, attendance, occupation review, close) and the page itself,
//! with each candidate, their score and the forms of the member or the president.

use super::*;
use crate::components::form::{ConfirmStep, KeptForm, kept_choice, kept_value};
use crate::components::form::{FormAlert, field_errors, keyed_value};
use crate::components::route::{Pager, id_param};
use crate::components::score::ScoreTable;
use crate::domain::caleol::{DecisionKind, MAX_RANK, ProposedUnit, SessionMode};
use crate::domain::documents::DocumentKind;
use crate::domain::eligibility::Verdict;
use crate::domain::offer::Typology;
use leptos_router::hooks::use_query_map;

/// A session's page after `done`, at the agenda point the form was sent from and in the same view
/// (`anonyme` non-empty: pseudonymised), at `anchor`.
#[cfg(feature = "ssr")]
fn session_path(session_id: i64, point: i64, anonyme: &str, done: &str, anchor: &str) -> String {
    format!(
        "/commission/seances/{session_id}?point={}{}&fait={done}-{}#{anchor}",
        point.max(1),
        if anonyme.is_empty() { "" } else { "&anonyme=1" },
        action_stamp()
    )
}

#[server(endpoint = "commission/seance")]
pub async fn load_session(
    session_id: i64,
    anonymised: bool,
    #[server(default)] point: i64,
    #[server(default)] offre: Option<i64>,
) -> Result<SessionView, AppError> {
    use crate::ssr::{respond, state, store::caleol};
    respond(async move {
        let (viewer, user_id) = guard::viewer().await?;
        let state = state()?;
        let point = usize::try_from(point).unwrap_or(1);
        let at = match offre {
            Some(offer_id) => caleol::Point::Offer(offer_id),
            None => caleol::Point::Index(point),
        };
        let mut view = caleol::view(state.db.pool(), session_id, viewer, anonymised, at)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::ssr::usecases::flux::review_effects(
            state.db.pool(),
            &mut view,
            crate::ssr::subject::today(),
        )
        .await?;
        // The households read are those of the point shown: the others were not on screen.
        if let Some(item) = view.items.first() {
            crate::ssr::usecases::privacy::record_read(
                &state,
                guard::reader(viewer, user_id),
                crate::ssr::store::file_reads::Read::Session {
                    session_id,
                    item_id: item.id,
                },
                &view.held_on,
            )
            .await?;
        }
        Ok(view)
    })
    .await
}

#[server(endpoint = "commission/seance/ouvrir")]
pub async fn open_session(
    session_id: i64,
    #[server(default)] meets_today: String,
) -> Result<(), AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let caller = guard::member().await?;
        let meets_today = meets_today == "on";
        usecases::caleol::open(&state()?, caller, session_id, meets_today).await?;
        leptos_axum::redirect(&session_path(session_id, 1, "", "ouverte", "contenu"));
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
    #[server(default)] point: i64,
    #[server(default)] anonyme: String,
) -> Result<(), AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let caller = guard::member().await?;
        let ruling = ruling_of(kind, rank, motive, document, deadline)?;
        usecases::caleol::rule(
            &state()?,
            caller,
            session_id,
            entry_id,
            &ruling,
            usecases::caleol::RulingBy::Vote,
        )
        .await?;
        leptos_axum::redirect(&session_path(
            session_id,
            point,
            &anonyme,
            "vote",
            &format!("candidat-{entry_id}"),
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
    #[server(default)] point: i64,
    #[server(default)] anonyme: String,
) -> Result<(), AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let caller = guard::member().await?;
        let ruling = ruling_of(kind, rank, motive, document, deadline)?;
        usecases::caleol::rule(
            &state()?,
            caller,
            session_id,
            entry_id,
            &ruling,
            usecases::caleol::RulingBy::Decision,
        )
        .await?;
        leptos_axum::redirect(&session_path(
            session_id,
            point,
            &anonyme,
            "decision",
            &format!("candidat-{entry_id}"),
        ));
        Ok(())
    })
    .await
}

#[server(endpoint = "commission/seance/presences")]
pub async fn record_attendance(
    session_id: i64,
    #[server(default)] present: Vec<i64>,
    #[server(default)] point: i64,
    #[server(default)] anonyme: String,
) -> Result<(), AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let caller = guard::member().await?;
        usecases::caleol::attendance(&state()?, caller, session_id, &present).await?;
        leptos_axum::redirect(&session_path(
            session_id,
            point,
            &anonyme,
            "presences",
            "presences",
        ));
        Ok(())
    })
    .await
}

#[server(endpoint = "commission/seance/clore")]
pub async fn close_session(session_id: i64) -> Result<(), AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let caller = guard::member().await?;
        usecases::caleol::close(&state()?, caller, session_id).await?;
        leptos_axum::redirect(&format!("/commission/seances/{session_id}/pv"));
        Ok(())
    })
    .await
}

pub use crate::domain::caleol::FINDING_MAX_CHARS;

#[server(endpoint = "commission/seance/occupation")]
pub async fn record_occupation(
    session_id: i64,
    lease_id: i64,
    finding: String,
    proposed: String,
    #[server(default)] typology: String,
    #[server(default)] point: i64,
    #[server(default)] anonyme: String,
) -> Result<(), AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let caller = guard::member().await?;
        let valid = crate::domain::caleol::FindingInput {
            finding,
            proposed,
            typology,
        }
        .validate()
        .map_err(AppError::Invalid)?;
        usecases::caleol::record_review(
            &state()?,
            caller,
            session_id,
            lease_id,
            &valid.finding,
            valid.proposed,
            valid.typology,
        )
        .await?;
        leptos_axum::redirect(&session_path(
            session_id,
            point,
            &anonyme,
            "occupation",
            "occupation-titre",
        ));
        Ok(())
    })
    .await
}


/// Where a form of the session page brings its sender back: the agenda point shown, in the same
/// view (named or pseudonymised).
#[derive(Clone, Copy)]
struct Place {
    point: usize,
    anonymised: bool,
}

/// The hidden fields that say so, in each form of the session page.
#[component]
fn PlaceFields() -> impl IntoView {
    let place = use_context::<Place>().unwrap_or(Place {
        point: 1,
        anonymised: false,
    });
    view! {
        <input type="hidden" name="point" value=place.point.to_string()/>
        {place.anonymised.then(|| view! { <input type="hidden" name="anonyme" value="1"/> })}
    }
}

#[component]
pub fn SessionPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let session = Resource::new(
        move || {
            let q = query.read();
            let point = q.get("point").and_then(|p| p.parse().ok()).unwrap_or(1);
            let offer = q.get("offre").and_then(|o| o.parse().ok());
            (
                id(),
                q.get("anonyme").is_some(),
                point,
                offer,
                q.get("fait"),
            )
        },
        |(id, anonymised, point, offer, _)| load_session(id, anonymised, point, offer),
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
    let point = view.point;
    let anonymised = view.anonymised;
    provide_context(Place { point, anonymised });
    // The address of an agenda point, in the same view (named or pseudonymised).
    let point_href = move |point: usize, anonymised: bool| {
        format!(
            "/commission/seances/{id}?point={point}{}",
            if anonymised { "&anonyme=1" } else { "" }
        )
    };
    // The agenda's links go straight to the point's offer, past the members and the agenda.
    let offer_href = {
        let agenda = view.agenda.clone();
        move |point: usize| {
            let anchor = agenda
                .get(point.saturating_sub(1))
                .map(|(offer_id, _)| format!("#offre-{offer_id}"))
                .unwrap_or_default();
            format!("{}{anchor}", point_href(point, anonymised))
        }
    };
    let toggle = if anonymised {
        (point_href(point, false), "Afficher les noms")
    } else {
        (
            point_href(point, true),
            "Vue pseudonymisée (masquer les noms)",
        )
    };
    let points = view.agenda.len();
    let agenda = (points > 1).then(|| {
        view! {
            <nav class="panel" aria-labelledby="ordre-du-jour">
                <h2 id="ordre-du-jour">"Ordre du jour"</h2>
                <p class="hint">{format!("{points} offres, examinées une à une.")}</p>
                <ol>
                    {view.agenda.iter().enumerate().map(|(index, (offer_id, title))| {
                        let here = index + 1 == point;
                        view! {
                            <li>
                                <a href=offer_href(index + 1) aria-current=here.then_some("page")>
                                    {format!("Offre n° {offer_id} — {title}")}
                                </a>
                                {here.then_some(" (ci-dessous)")}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </nav>
        }
    });
    let neighbours = view! {
        <Pager label="Points de l'ordre du jour" unit="Point" previous="Offre précédente" next="Offre suivante"
            page=point as i64 pages=points as i64
            href=move |to| offer_href(to as usize)/>
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
                <KeptForm action=open>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    {view.other_day.clone().map(|today| view! {
                        <p>{format!("Date prévue de la séance : {}. Elle ne s'ouvre que le jour où elle se tient.", view.held_on)}</p>
                        <div class="field field-check">
                            <input type="checkbox" id="meets_today" name="meets_today" value="on" checked=kept_choice("meets_today", "on", false)/>
                            <label for="meets_today">{format!("La séance se tient aujourd'hui, le {today} : le procès-verbal et les courriers porteront cette date")}</label>
                        </div>
                    })}
                    <button type="submit" class="button">"Ouvrir la séance (l'ordre du jour est alors arrêté)"</button>
                </KeptForm>
            })}
            {(deciding && view.mode == SessionMode::InPerson).then(|| view! {
                <h2 id="presences">"Présences"</h2>
                <FormAlert value=attendance.value()/>
                <KeptForm action=attendance>
                    <input type="hidden" name="session_id" value=id.to_string()/>
                    <PlaceFields/>
                    <fieldset class="field">
                        <legend>"Membres présents"</legend>
                        {seats_for_attendance.into_iter().map(|s| {
                            let box_id = format!("present-{}", s.user_id);
                            view! {
                                <div class="field-check">
                                    <input type="checkbox" id=box_id.clone() name="present[]" value=s.user_id.to_string() checked=kept_choice("present", &s.user_id.to_string(), s.present)/>
                                    <label for=box_id>{s.name}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class="button button-secondary">"Enregistrer les présences"</button>
                </KeptForm>
            })}
        </section>
        {agenda}
        {view.items.into_iter().map(|item| view! { <Item session_id=id item voting deciding/> }).collect_view()}
        {neighbours}
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
                <ConfirmStep label="Clore la séance et générer le procès-verbal"
                    warning="la clôture est définitive : les décisions sont arrêtées, les courriers partent aux candidats et le logement est proposé. Plus aucun vote ni décision ne pourra être consigné.">
                    <KeptForm action=close>
                        <input type="hidden" name="session_id" value=id.to_string()/>
                        <button type="submit" class="button">"Oui, clore la séance"</button>
                    </KeptForm>
                </ConfirmStep>
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
                {(!candidate.objectives.is_empty()).then(|| view! {
                    <dt>"Objectifs d'attribution"</dt>
                    <dd><ul>{candidate.objectives.iter().map(|o| view! { <li>{o.clone()}</li> }).collect_view()}</ul></dd>
                })}
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
                <VoteForm session_id entry_id voted=candidate.my_vote.is_some()/>
            })}
            {deciding.then(|| view! { <DecisionForm session_id entry_id/> })}
        </li>
    }
}

/// A member's vote on one candidate, open until they have voted, and open again with what they
/// chose when it was refused.
#[component]
fn VoteForm(session_id: i64, entry_id: i64, voted: bool) -> impl IntoView {
    let action = ServerAction::<CastVote>::new();
    let result = keyed_value(action, ("entry_id", entry_id.to_string()));
    let errors = field_errors(result);
    let refused = matches!(result.get_untracked(), Some(Err(_)));
    view! {
        <details open=!voted || refused>
            <summary>{if voted { "Changer mon vote" } else { "Voter" }}</summary>
            <div class="vote-form">
                <FormAlert value=result field_ids=ruling_ids("vote", entry_id)/>
                <KeptForm action key=("entry_id", entry_id.to_string())>
                    <input type="hidden" name="session_id" value=session_id.to_string()/>
                    <input type="hidden" name="entry_id" value=entry_id.to_string()/>
                    <PlaceFields/>
                    {ruling_fields("vote", entry_id, errors)}
                    <button type="submit" class="button">"Enregistrer mon vote"</button>
                </KeptForm>
            </div>
        </details>
    }
}

/// The president's record of the commission's decision on one candidate, open when it was
/// refused.
#[component]
fn DecisionForm(session_id: i64, entry_id: i64) -> impl IntoView {
    let action = ServerAction::<RecordOutcome>::new();
    let result = keyed_value(action, ("entry_id", entry_id.to_string()));
    let errors = field_errors(result);
    view! {
        <details open=matches!(result.get_untracked(), Some(Err(_)))>
            <summary>"Consigner la décision de la commission"</summary>
            <div class="decision-form">
                <FormAlert value=result field_ids=ruling_ids("decision", entry_id)/>
                <KeptForm action key=("entry_id", entry_id.to_string())>
                    <input type="hidden" name="session_id" value=session_id.to_string()/>
                    <input type="hidden" name="entry_id" value=entry_id.to_string()/>
                    <PlaceFields/>
                    {ruling_fields("decision", entry_id, errors)}
                    <button type="submit" class="button">"Consigner la décision"</button>
                </KeptForm>
            </div>
        </details>
    }
}

/// The ids of [`ruling_fields`]: they carry the form and the candidate, as several such forms
/// share a page.
fn ruling_ids(prefix: &'static str, entry_id: i64) -> crate::components::form::FieldIds {
    std::sync::Arc::new(move |field: &str| ruling_id(prefix, field, entry_id))
}

fn ruling_id(prefix: &str, field: &str, entry_id: i64) -> String {
    format!("{prefix}-{field}-{entry_id}")
}

/// The closed list of decisions with what each needs. Ids carry the candidate so that several
/// forms live on one page.
fn ruling_fields(
    prefix: &'static str,
    entry_id: i64,
    errors: Signal<Option<crate::error::FieldErrors>>,
) -> impl IntoView {
    let id = move |field: &str| ruling_id(prefix, field, entry_id);
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
                {DecisionKind::ALL.iter().map(|k| view! { <option value=k.code() selected=kept_choice("kind", k.code(), false)>{k.label()}</option> }).collect_view()}
            </select>
            {error("kind")}
        </div>
        <div class="field">
            <label for=id("rank")>"Rang (attribution avec rang ou sous condition)"</label>
            <input id=id("rank") name="rank" type="number" min="1" max=MAX_RANK.to_string() value=kept_value("rank", "") aria-describedby=described("rank")/>
            {error("rank")}
        </div>
        <div class="field">
            <label for=id("document")>"Pièce manquante (sous condition suspensive)"</label>
            <select id=id("document") name="document" aria-describedby=described("document")>
                <option value="">"—"</option>
                {DocumentKind::ALL.iter().filter(|d| **d != DocumentKind::Other).map(|d| view! { <option value=d.code() selected=kept_choice("document", d.code(), false)>{d.label()}</option> }).collect_view()}
            </select>
            {error("document")}
        </div>
        <div class="field">
            <label for=id("deadline")>"Date limite de la pièce"</label>
            <input id=id("deadline") name="deadline" type="date" value=kept_value("deadline", "") aria-describedby=described("deadline")/>
            {error("deadline")}
        </div>
        <div class="field">
            <label for=id("motive")>"Motif (obligatoire pour une non-attribution ou un rejet)"</label>
            <textarea id=id("motive") name="motive" rows="2" aria-describedby=described("motive")>{crate::components::form::textarea_text(kept_value("motive", ""))}</textarea>
            {error("motive")}
        </div>
    }
}

#[component]
fn OccupationCard(session_id: i64, item: OccupationItem, deciding: bool) -> impl IntoView {
    let record = ServerAction::<RecordOccupation>::new();
    let lease = item.lease_id;
    let record_result = keyed_value(record, ("lease_id", lease.to_string()));
    let errors = field_errors(record_result);
    let finding_id = format!("constat-{lease}");
    let finding_error = format!("{finding_id}-erreur");
    // The summary links "finding", the one field that can be refused, to this lease's own.
    let finding_ids: crate::components::form::FieldIds = {
        let id = finding_id.clone();
        std::sync::Arc::new(move |_: &str| id.clone())
    };
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
                <FormAlert value=record_result field_ids=finding_ids.clone()/>
                <KeptForm action=record key=("lease_id", lease.to_string())>
                    <input type="hidden" name="session_id" value=session_id.to_string()/>
                    <PlaceFields/>
                    <input type="hidden" name="lease_id" value=lease.to_string()/>
                    <div class="field">
                        <label for=finding_id.clone()>"Constat de la commission"</label>
                        <textarea id=finding_id name="finding" rows="2" required
                            aria-describedby={
                                let error = finding_error.clone();
                                move || errors.get().and_then(|e| e.get("finding").map(|_| error.clone()))
                            }>{crate::components::form::textarea_text(kept_value("finding", ""))}</textarea>
                        {
                            let error = finding_error.clone();
                            move || errors.get().and_then(|e| e.get("finding").map(str::to_string)).map(|m| view! { <p class="field-error" id=error.clone()>"Erreur : "{m}</p> })
                        }
                    </div>
                    <div class="field">
                        <label for=proposed_id.clone()>"Logement à proposer"</label>
                        <select id=proposed_id name="proposed" required>
                            {ProposedUnit::ALL.iter().map(|p| view! { <option value=p.code() selected=kept_choice("proposed", p.code(), false)>{p.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=typology_id.clone()>"Typologie adaptée (facultatif)"</label>
                        <select id=typology_id name="typology">
                            <option value="">"—"</option>
                            {Typology::ALL.iter().map(|t| view! { <option value=t.code() selected=kept_choice("typology", t.code(), false)>{t.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button button-secondary">"Consigner le constat"</button>
                </KeptForm>
            })}
        </li>
    }
}

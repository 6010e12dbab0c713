//! Staff: the ranking of a closed offer, setting candidates aside with a motive, building the
//! shortlist for the commission, exporting it.

use crate::components::form::{FormAlert, SelectField, field_errors, options};
use crate::components::form::{KeptForm, kept_value, keyed_value};
use crate::components::notices::success_flag;
use crate::components::outcome::loaded;
use crate::components::route::{Pager, id_param};
use crate::components::score::ScoreTable;
use crate::domain::eligibility::Verdict;
use crate::domain::ranking::ShortlistException;
use crate::error::AppError;
use crate::model::{RankedCandidate, RankingView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[server(endpoint = "gestion/classement")]
pub async fn load_ranking(
    offer_id: i64,
    #[server(default)] page: i64,
) -> Result<RankingView, AppError> {
    use crate::ssr::{respond, state};
    respond(async move {
        use crate::ssr::store::file_reads::{Read, Reader};
        let staff = crate::ssr::usecases::Staff::current().await?;
        let state = state()?;
        let view = crate::ssr::store::rankings::view(
            state.db.pool(),
            staff.organisation_id,
            offer_id,
            page,
        )
        .await?
        .ok_or(AppError::NotFound)?;
        let reader = Reader::Staff {
            user_id: staff.user_id,
            organisation_id: staff.organisation_id,
        };
        crate::ssr::usecases::privacy::record_read(
            &state,
            reader,
            Read::Ranking { offer_id },
            &view.title,
        )
        .await?;
        Ok(view)
    })
    .await
}

pub use crate::domain::ranking::SKIP_MOTIVE_MAX_CHARS as MOTIVE_MAX_CHARS;

#[server(endpoint = "gestion/classement/ecarter")]
pub async fn skip_candidate(
    offer_id: i64,
    entry_id: i64,
    motive: String,
    #[server(default)] page: i64,
) -> Result<(), AppError> {
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let motive =
            crate::domain::ranking::skip_motive(&motive, entry_id).map_err(AppError::Invalid)?;
        usecases::rankings::set_aside(&state()?, staff, offer_id, entry_id, Some(&motive)).await?;
        leptos_axum::redirect(&format!(
            "/gestion/offres/{offer_id}/classement?fait=ecarte-{entry_id}&page={}",
            page.max(1)
        ));
        Ok(())
    })
    .await
}

#[server(endpoint = "gestion/classement/reintegrer")]
pub async fn restore_candidate(
    offer_id: i64,
    entry_id: i64,
    #[server(default)] page: i64,
) -> Result<(), AppError> {
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        usecases::rankings::set_aside(&state()?, staff, offer_id, entry_id, None).await?;
        leptos_axum::redirect(&format!(
            "/gestion/offres/{offer_id}/classement?fait=reintegre-{entry_id}&page={}",
            page.max(1)
        ));
        Ok(())
    })
    .await
}

#[server(endpoint = "gestion/classement/liste")]
pub async fn make_shortlist(
    offer_id: i64,
    size: String,
    #[server(default)] exception: String,
) -> Result<(), AppError> {
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{db::now, respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let (size, exception) = crate::domain::ranking::shortlist_request(&size, &exception)
            .map_err(AppError::Invalid)?;
        usecases::rankings::shortlist(&state()?, staff, offer_id, size, exception).await?;
        leptos_axum::redirect(&format!(
            "/gestion/offres/{offer_id}/classement?fait=liste-{}",
            now()
        ));
        Ok(())
    })
    .await
}

/// Replays the stored ranking from its snapshots and says whether the order is the same.
#[server(endpoint = "gestion/classement/rejouer")]
pub async fn replay_ranking(offer_id: i64) -> Result<bool, AppError> {
    use crate::ssr::{respond, state, store::rankings};
    respond(async move {
        let organisation = crate::ssr::usecases::Staff::current()
            .await?
            .organisation_id;
        let pool = state()?.db.pool().clone();
        // The replay reads the offer through the staff's own organisation first.
        rankings::title_of(&pool, organisation, offer_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (stored, replayed) = crate::ssr::usecases::rankings::replay(&pool, offer_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let same = stored == replayed;
        leptos_axum::redirect(&format!(
            "/gestion/offres/{offer_id}/classement?rejoue={}#rejeu",
            if same { "identique" } else { "different" }
        ));
        Ok(same)
    })
    .await
}

#[component]
pub fn RankingPage() -> impl IntoView {
    let id = id_param();
    // Each change redirects to an address of its own, which reloads the list with or without
    // JavaScript.
    let query = use_query_map();
    let ranking = Resource::new(
        move || {
            let query = query.read();
            let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            (id(), page, query.get("fait"))
        },
        |(id, page, _)| load_ranking(id, page),
    );
    view! {
        <Title text="Classement des candidats"/>
        {loaded(ranking, |view| view! { <Ranking view/> })}
    }
}

#[component]
fn Ranking(view: RankingView) -> impl IntoView {
    let shortlist = ServerAction::<MakeShortlist>::new();
    let replay = ServerAction::<ReplayRanking>::new();
    let replayed = match success_flag("rejoue").as_deref() {
        Some("identique") => Some(true),
        Some("different") => Some(false),
        _ => None,
    };
    let errors = field_errors(shortlist.value());
    let offer_id = view.offer_id;
    let (ranked, available) = (view.ranked, view.available);
    let default_size = available.clamp(1, 3).to_string();
    let exception_options = options(
        ShortlistException::ALL,
        ShortlistException::code,
        ShortlistException::label,
    );
    let (kept, set_aside) = (view.kept.clone(), view.set_aside.clone());
    let shortlist_line = view.shortlist.clone().map(|(_, exception)| {
        format!(
            "Liste pour la commission : {}{}.",
            crate::domain::ranking::shortlist_summary(&kept, &set_aside),
            exception
                .map(|e| format!(" (exception : {e})"))
                .unwrap_or_default()
        )
    });
    let editable = view.editable;
    view! {
        <section class="panel">
            <p><a href=format!("/gestion/offres/{offer_id}")>"← Retour à l'offre"</a></p>
            <h1>{format!("Classement — offre n° {offer_id}, {}", view.title)}</h1>
            <p class="status-line">"État de l'offre : "<strong>{view.status_label.clone()}</strong></p>
            <dl class="facts">
                <dt>"Mode de classement"</dt><dd>{view.mode_label.clone()}" — "{view.mode_explain.clone()}</dd>
                <dt>"Classement établi le"</dt><dd>{view.ranked_on.clone()}" (données des demandes à la clôture)"</dd>
                <dt>"Graine enregistrée"</dt><dd>{view.seed.to_string()}</dd>
                <dt>"Candidats"</dt><dd>{format!("{} dont {ranked} recevables et classés", view.total)}</dd>
            </dl>
            <p>
                <a class="button button-secondary" href=format!("/gestion/offres/{offer_id}/classement.csv") download="">"Exporter le classement (CSV)"</a>
            </p>
            <KeptForm action=replay>
                <input type="hidden" name="offer_id" value=offer_id.to_string()/>
                <button type="submit" class="button button-secondary">"Rejouer le classement à partir des instantanés"</button>
            </KeptForm>
            <FormAlert value=replay.value()/>
            {replayed.map(|same| view! {
                <p id="rejeu" role="status" class=if same { "notice" } else { "form-alert" }>
                    {if same { "Vérifié : le classement rejoué donne exactement le même ordre." } else { "Attention : le classement rejoué diffère de l'ordre enregistré. Signalez-le à l'administrateur." }}
                </p>
            })}
        </section>
        <section class="panel" aria-labelledby="liste-titre">
            <h2 id="liste-titre">"Liste pour la commission"</h2>
            {shortlist_line.clone().map(|line| view! { <p class="notice" role="status">{line}</p> })}
            {editable.then(|| view! {
                <p>"La liste reprend, dans l'ordre du classement, les premiers candidats recevables qui n'ont pas été écartés. La loi demande au moins trois candidats par logement, sauf insuffisance de candidats, candidat désigné au titre du DALO ou logement financé avec la subvention de l'article D331-25-1."</p>
                <FormAlert value=shortlist.value()/>
                <KeptForm action=shortlist>
                    <input type="hidden" name="offer_id" value=offer_id.to_string()/>
                    <div class="field">
                        <label for="size">"Nombre de candidats présentés"</label>
                        <input id="size" name="size" type="number" min="1" max="10" value=kept_value("size", default_size.clone()) required
                            aria-describedby=move || errors.get().and_then(|e| e.get("size").map(|_| "size-erreur"))/>
                        {move || errors.get().and_then(|e| e.get("size").map(str::to_string)).map(|m| view! { <p class="field-error" id="size-erreur">"Erreur : "{m}</p> })}
                    </div>
                    <SelectField label="Exception (moins de trois candidats)" name="exception" options=exception_options.clone()
                        required=false placeholder="Aucune" errors/>
                    <button type="submit" class="button">"Constituer la liste"</button>
                </KeptForm>
            })}
        </section>
        <section class="panel" aria-labelledby="candidats-titre">
            <h2 id="candidats-titre">"Candidats"</h2>
            // Each heading carries the rank (or "Non classé"): a numbered list would number the
            // unranked too.
            <ul class="ranking">
                {view.candidates.into_iter().map(|c| view! { <CandidateCard offer_id page=view.page candidate=c editable/> }).collect_view()}
            </ul>
            <Pager label="Pages des candidats" unit="Page" previous="Page précédente" next="Page suivante"
                page=view.page pages=view.pages
                href=move |to| format!("/gestion/offres/{offer_id}/classement?page={to}")/>
        </section>
    }
}

/// One candidate, with the forms to set them aside or bring them back; `page` brings staff back
/// to the page they were on.
#[component]
fn CandidateCard(
    offer_id: i64,
    page: i64,
    candidate: RankedCandidate,
    editable: bool,
) -> impl IntoView {
    let skip = ServerAction::<SkipCandidate>::new();
    let restore = ServerAction::<RestoreCandidate>::new();
    // Each ranked candidate still on the list has a skip form: a refusal shows on the one that
    // was sent, open.
    let skip_result = keyed_value(skip, ("entry_id", candidate.entry_id.to_string()));
    let errors = field_errors(skip_result);
    let motive_field = format!("motive-{}", candidate.entry_id);
    let heading = match candidate.position {
        Some(p) => format!("{p}. {}", candidate.name),
        None => format!("Non classé — {}", candidate.name),
    };
    let verdict = match candidate.assessment.verdict {
        Verdict::Eligible => "✓ Recevable",
        Verdict::ToCheck => "? Recevable, à vérifier",
        Verdict::Ineligible => "✗ Non recevable à la clôture",
    };
    let status = match (&candidate.skip_motive, candidate.shortlisted) {
        (Some(_), _) => Some("Écarté"),
        (None, true) => Some("Sur la liste pour la commission"),
        _ => None,
    };
    let entry_id = candidate.entry_id.to_string();
    let restore_entry = entry_id.clone();
    let restore_result = keyed_value(restore, ("entry_id", restore_entry.clone()));
    let can_skip = editable && candidate.position.is_some();
    let skipped = candidate.skip_motive.is_some();
    let field_for_errors = motive_field.clone();
    view! {
        <li class="candidate" class:candidate-skipped=skipped>
            <h3>{heading}</h3>
            {status.map(|s| view! { <p class="badge">{s}</p> })}
            <dl class="facts">
                <dt>"Note"</dt><dd><strong>{candidate.score.total}" points"</strong>" ("{candidate.grid_label.clone()}")"</dd>
                <dt>"Recevabilité"</dt><dd>{verdict}</dd>
                <dt>"Foyer"</dt><dd>{candidate.household.clone()}</dd>
                <dt>"Numéro unique"</dt><dd>{candidate.sne_number.clone()}</dd>
                <dt>"Première demande"</dt><dd>{candidate.first_filing.clone()}</dd>
                <dt>"Candidature"</dt><dd>{candidate.applied_on.clone()}</dd>
            </dl>
            <details>
                <summary>"Détail de la note et de la recevabilité"</summary>
                <ScoreTable score=candidate.score.clone()/>
                <ul>
                    {candidate.assessment.reasons.iter().map(|r| view! { <li>{r.message.clone()}</li> }).collect_view()}
                </ul>
            </details>
            {candidate.skip_motive.clone().map(|m| view! {
                <p><strong>"Motif de l'écart : "</strong>{m}{candidate.skipped_by.clone().map(|who| format!(" (par {who})"))}</p>
            })}
            {(can_skip && skipped).then(|| view! {
                <FormAlert value=restore_result/>
                <KeptForm action=restore key=("entry_id", restore_entry.clone())>
                    <input type="hidden" name="offer_id" value=offer_id.to_string()/>
                    <input type="hidden" name="entry_id" value=restore_entry.clone()/>
                    <input type="hidden" name="page" value=page.to_string()/>
                    <button type="submit" class="button button-secondary">"Réintégrer ce candidat"</button>
                </KeptForm>
            })}
            {(can_skip && !skipped).then(|| view! {
                <details open=matches!(skip_result.get_untracked(), Some(Err(_)))>
                    <summary>"Écarter ce candidat"</summary>
                    <FormAlert value=skip_result/>
                    <KeptForm action=skip key=("entry_id", entry_id.clone())>
                        <input type="hidden" name="offer_id" value=offer_id.to_string()/>
                        <input type="hidden" name="entry_id" value=entry_id.clone()/>
                        <input type="hidden" name="page" value=page.to_string()/>
                        <div class="field">
                            <label for=motive_field.clone()>{format!("Motif de l'écart de {}", candidate.name)}</label>
                            <textarea id=motive_field.clone() name="motive" rows="2" required
                                aria-describedby={
                                    let field = field_for_errors.clone();
                                    move || errors.get().and_then(|e| e.get(&field).map(|_| format!("{field}-erreur")))
                                }>{crate::components::form::textarea_text(kept_value("motive", ""))}</textarea>
                            {move || errors.get().and_then(|e| e.get(&field_for_errors).map(str::to_string)).map(|m| view! { <p class="field-error" id=format!("{field_for_errors}-erreur")>"Erreur : "{m}</p> })}
                        </div>
                        <button type="submit" class="button button-secondary">"Écarter avec ce motif"</button>
                    </KeptForm>
                </details>
            })}
        </li>
    }
}

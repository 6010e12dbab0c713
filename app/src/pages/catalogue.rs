//! The public catalogue of offers open to applications, and the offer page. The whole query lives
//! in the address, so a search can be bookmarked or shared, and the form works without JavaScript.

use crate::components::commune::CommuneField;
use crate::components::form::FormAlert;
use crate::components::form::KeptForm;
use crate::components::notices::success_flag;
use crate::components::offer::{EligibilityBadge, OfferCard, OfferSheet};
use crate::components::outcome::loaded;
use crate::components::outcome::sign_in_then;
use crate::components::route::id_param;
use crate::domain::catalogue::{CatalogueQuery, CatalogueResults, Facet, Sort};
use crate::domain::eligibility::Verdict;
use crate::error::AppError;
use crate::model::{OfferDetail, OfferForMe};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_location;

/// Runs the catalogue query written in `query` (a URL query string, without `?`).
#[server(endpoint = "offres/recherche")]
pub async fn search_offers(query: String) -> Result<CatalogueResults, AppError> {
    use crate::ssr::{catalogue, client_ip, respond, server_fn_call, state};
    respond(async move {
        // Called over HTTP, the catalogue answers what the open API does: one allowance for both
        // doors. A page drawn on the server is a person reading, not counted.
        if server_fn_call() && !state()?.api_limiter.allow(&client_ip()) {
            return Err(AppError::RateLimited);
        }
        let mut query = crate::domain::catalogue::CatalogueQuery::from_query_string(&query)
            .map_err(|e| AppError::BadRequest(e.message))?;
        // A commune typed that designates no single one: search without it, and ask which.
        let commune_problem = catalogue::resolve_places(&mut query, catalogue::CommuneCodes::Typed)
            .map_err(|e| AppError::BadRequest(e.message))?;
        let typed_commune = match commune_problem {
            Some(_) => query.commune.take(),
            None => None,
        };
        let mut results = search_for_visitor(query).await?;
        if commune_problem.is_some() {
            results.query.commune = typed_commune;
            results.commune_problem = commune_problem;
        } else if let Some(label) = &results.commune_label {
            // The page's links (pages, alert) name the commune as its field does, which reads
            // back to the same commune, where a bare code could be mistaken for a postcode.
            results.query.commune = Some(label.clone());
        }
        Ok(results)
    })
    .await
}

#[cfg(feature = "ssr")]
async fn search_for_visitor(
    query: crate::domain::catalogue::CatalogueQuery,
) -> Result<CatalogueResults, AppError> {
    use crate::domain::eligibility::Verdict;
    use crate::model::Role;
    use crate::ssr::store::listings;
    use crate::ssr::subject as context;
    use crate::ssr::{catalogue, current_user, internal, state};
    {
        let state = state()?;
        let applicant = current_user().await?.filter(|u| u.role == Role::Applicant);
        let Some(user) = applicant else {
            if query.pour_moi {
                return Err(AppError::Unauthenticated);
            }
            return catalogue::search(&state.db, &state.search, query)
                .await
                .map_err(internal);
        };
        let profile = context::profile_of(user.id).await?;
        let today = context::today();
        let pool = state.db.pool();
        let assess = |terms: Vec<(i64, i64, crate::domain::eligibility::OfferTerms)>| {
            terms
                .into_iter()
                .map(|(id, _, terms)| (id, profile.assess(&terms, today)))
                .collect::<std::collections::HashMap<_, _>>()
        };
        // "Pour moi" assesses every published offer (a pure check, microseconds each) and keeps
        // those the household may apply to; otherwise only this page's offers are assessed.
        let within = match query.pour_moi {
            true => Some(
                assess(listings::offer_terms(pool, None).await?)
                    .into_iter()
                    .filter(|(_, a)| a.verdict != Verdict::Ineligible)
                    .map(|(id, _)| id)
                    .collect(),
            ),
            false => None,
        };
        let mut results = catalogue::search_within(&state.db, &state.search, query, within).await?;
        let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
        let mut badges = assess(listings::offer_terms(pool, Some(&ids)).await?);
        let counts = crate::ssr::store::applications::live_counts(pool, &ids).await?;
        results.for_applicant = true;
        for hit in &mut results.hits {
            hit.for_me = badges.remove(&hit.id);
            hit.applications_so_far = Some(crate::domain::results::Count::of(
                counts.get(&hit.id).copied().unwrap_or(0),
            ));
        }
        Ok(results)
    }
}

#[server(endpoint = "offres/detail")]
pub async fn load_offer(id: i64) -> Result<OfferDetail, AppError> {
    use crate::ssr::{respond, state, store::listings};
    respond(async move {
        listings::public_offer(state()?.db.pool(), id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// What the offer means for the signed-in applicant; `None` for anyone else.
#[server(endpoint = "offres/pour-moi")]
pub async fn load_offer_for_me(id: i64) -> Result<Option<OfferForMe>, AppError> {
    use crate::domain::ceilings::reference_income_year;
    use crate::model::Role;
    use crate::ssr::store::{applications, listings};
    use crate::ssr::subject as context;
    use crate::ssr::{current_user, respond, state};
    respond(async move {
        let Some(user) = current_user().await?.filter(|u| u.role == Role::Applicant) else {
            return Ok(None);
        };
        let state = state()?;
        let Some((_, organisation, terms)) = listings::offer_terms(state.db.pool(), Some(&[id]))
            .await?
            .pop()
        else {
            return Err(AppError::NotFound);
        };
        let profile = context::profile_of(user.id).await?;
        let today = context::today();
        let mut conn = state.db.pool().acquire().await?;
        let application_id = applications::active_for_offer(&mut conn, user.id, id).await?;
        let (active, cap) = applications::active_with(&mut conn, user.id, organisation).await?;
        drop(conn);
        let chance = crate::ssr::usecases::results::chance(
            state.db.pool(),
            id,
            user.id,
            crate::ssr::db::now(),
        )
        .await?;
        Ok(Some(OfferForMe {
            assessment: profile.assess(&terms, today),
            profile_gaps: profile
                .completeness(today, reference_income_year(today.year))
                .blocking_apply(),
            application_id,
            active_with_landlord: active,
            cap,
            chance,
        }))
    })
    .await
}

/// Applies to an offer: for the signed-in applicant, or for `pour`, an applicant the staff's
/// organisation assists (then only to that organisation's offers). Same checks either way.
#[server(endpoint = "offres/postuler")]
pub async fn apply_to_offer(
    offer_id: i64,
    #[server(default)] pour: Option<i64>,
) -> Result<(), AppError> {
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let subject = context::subject(pour).await?;
        usecases::applications::apply(&state()?, &subject, offer_id).await?;
        match subject.staff {
            Some(_) => leptos_axum::redirect(&format!(
                "/gestion/demandeurs/{}?candidature=envoyee#postuler",
                subject.user_id
            )),
            None => leptos_axum::redirect(&format!("/offres/{offer_id}?candidature=envoyee")),
        }
        Ok(())
    })
    .await
}

/// Saves the catalogue query (a URL query string) as an alert: a daily e-mail of new offers.
#[server(endpoint = "offres/alerte")]
pub async fn save_alert(query: String) -> Result<(), AppError> {
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state};
    respond(async move {
        let user = context::applicant().await?;
        let mut query = crate::domain::catalogue::CatalogueQuery::from_query_string(&query)
            .map_err(|e| AppError::BadRequest(e.message))?;
        // The alert's search runs later: its commune is stored as a code, not as typed.
        if let Some(problem) = crate::ssr::catalogue::resolve_places(
            &mut query,
            crate::ssr::catalogue::CommuneCodes::Typed,
        )
        .map_err(|e| AppError::BadRequest(e.message))?
        {
            return Err(AppError::Rejected(problem.message));
        }
        crate::ssr::usecases::applications::save_alert(&state()?, &user, &query).await?;
        leptos_axum::redirect("/espace?alerte=1#alertes");
        Ok(())
    })
    .await
}

#[component]
pub fn CataloguePage() -> impl IntoView {
    let location = use_location();
    let search = Resource::new(
        move || location.search.get().trim_start_matches('?').to_string(),
        search_offers,
    );
    view! {
        <Title text="Offres de logement"/>
        {loaded(search, |results| view! { <Catalogue results/> })}
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A filter as a choice list whose options tell how many offers each would leave.
#[component]
fn FacetSelect(facet: Facet, selected: Option<String>) -> impl IntoView {
    let id = format!("filtre-{}", facet.parameter);
    let selected = selected.unwrap_or_default();
    view! {
        <div class="field">
            <label for=id.clone()>{facet.label.clone()}</label>
            <select id=id name=facet.parameter.clone()>
                <option value="">"Indifférent"</option>
                {facet.values.into_iter().map(|v| {
                    let is_selected = v.value == selected;
                    view! { <option value=v.value selected=is_selected>{format!("{} ({})", v.label, v.count)}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn Catalogue(results: CatalogueResults) -> impl IntoView {
    let query = results.query.clone();
    let alert = ServerAction::<SaveAlert>::new();
    let alert_form = results.for_applicant.then(|| {
        let saved_query = query.for_alert().to_query_string();
        let described = results.description.clone();
        view! {
            <div class="alert-form">
                <FormAlert value=alert.value()/>
                <KeptForm action=alert>
                    <input type="hidden" name="query" value=saved_query/>
                    <button type="submit" class="button button-secondary">"Créer une alerte pour cette recherche"</button>
                </KeptForm>
                <p class="hint">{format!("Un e-mail par jour au plus, quand de nouvelles offres correspondent à : {described}.")}</p>
            </div>
        }
    });
    let yes_no = |b: Option<bool>| b.map(|b| if b { "oui" } else { "non" }.to_string());
    let selected_of = |parameter: &str| -> Option<String> {
        match parameter {
            "commune" => query.commune.clone(),
            "epci" => query.epci.clone(),
            "typologie" => query.typologie.map(|v| v.code().to_string()),
            "financement" => query.financement.map(|v| v.code().to_string()),
            "categorie" => query.categorie.map(|v| v.code().to_string()),
            "qpv" => yes_no(query.qpv),
            "ascenseur" => yes_no(query.ascenseur),
            "accessibilite" => query.accessibilite.map(|v| v.code().to_string()),
            _ => None,
        }
    };
    // The commune is typed (35,000 of them), with the offers' communes as quick links.
    let commune_value = results
        .commune_label
        .clone()
        .or_else(|| query.commune.clone())
        .unwrap_or_default();
    let commune_error = results.commune_problem.as_ref().map(|p| p.message.clone());
    let commune_choices = results.commune_problem.as_ref().map(|p| {
        p.candidates
            .iter()
            .map(|(_, label)| {
                let href = CatalogueQuery {
                    commune: Some(label.clone()),
                    page: 1,
                    ..query.clone()
                }
                .href();
                view! { <li><a href=href>{label.clone()}</a></li> }
            })
            .collect_view()
    });
    let facets = results
        .facets
        .iter()
        .filter(|facet| facet.parameter != "commune")
        .map(|facet| {
            let selected = selected_of(&facet.parameter);
            view! { <FacetSelect facet=facet.clone() selected/> }
        })
        .collect_view();
    let sort = query.effective_sort();
    // On a phone the filters fold behind one line (shown open while some are in use), so that
    // the results come first; wide screens always show them (style.css).
    let in_use = query.filter_count();
    let active_filters = in_use > 0;
    let filter_summary = match in_use {
        0 => "Filtrer les offres".to_string(),
        1 => "Filtrer les offres (1 filtre actif)".to_string(),
        n => format!("Filtrer les offres ({n} filtres actifs)"),
    };
    let summary = if results.total == 0 {
        "Aucune offre ne correspond à cette recherche.".to_string()
    } else if results.page > results.pages {
        format!(
            "{} — la page {} n'existe pas : cette recherche en compte {}",
            plural(results.total, "offre trouvée", "offres trouvées"),
            results.page,
            results.pages
        )
    } else {
        format!(
            "{} — page {} sur {}",
            plural(results.total, "offre trouvée", "offres trouvées"),
            results.page,
            results.pages
        )
    };
    // Past the last page (an old link), "previous" leads back to the last one.
    let previous =
        (results.page > 1).then(|| query.on_page((results.page - 1).min(results.pages)).href());
    let next = (results.page < results.pages).then(|| query.on_page(results.page + 1).href());
    view! {
        <div class="catalogue">
            <section class="panel catalogue-filters" aria-labelledby="recherche-titre">
                <h1 id="recherche-titre">"Offres de logement social"</h1>
                <p class="hint">"Logements vacants ouverts aux candidatures. Les candidatures sont classées après la clôture."</p>
                <Form method="GET" action="/offres">
                    <div class="field">
                        <label for="q">"Rechercher"</label>
                        <p class="hint" id="q-aide">"Commune, quartier, équipement… par exemple « balcon Planoise »."</p>
                        <input id="q" name="q" type="search" value=query.q.clone() aria-describedby="q-aide"/>
                    </div>
                    <details class="filters" open=active_filters>
                    <summary>{filter_summary}</summary>
                    {if results.for_applicant {
                        view! {
                            <div class="field field-check">
                                <input type="checkbox" id="pour_moi" name="pour_moi" value="1" checked=query.pour_moi aria-describedby="pour_moi-aide"/>
                                <label for="pour_moi">"Seulement les offres pour moi"</label>
                                <p class="hint" id="pour_moi-aide">"Les offres auxquelles votre profil permet de postuler."</p>
                            </div>
                        }.into_any()
                    } else {
                        let mine = CatalogueQuery { pour_moi: true, page: 1, ..query.clone() }.href();
                        view! {
                            <p class="hint"><a href=sign_in_then(&mine)>"Connectez-vous avec votre compte demandeur"</a>" pour ne voir que les offres auxquelles vous pouvez postuler."</p>
                        }.into_any()
                    }}
                    <CommuneField label="Commune" name="commune" value=commune_value required=false
                        error=Signal::derive(move || commune_error.clone())/>
                    {commune_choices.map(|choices| view! {
                        <ul class="commune-choices" aria-label="Communes possibles">{choices}</ul>
                    })}
                    {facets}
                    <div class="field">
                        <label for="loyer_max">"Loyer charges comprises maximum (€ par mois)"</label>
                        <input id="loyer_max" name="loyer_max" type="number" min="0" step="1" inputmode="numeric"
                            value=query.loyer_max.map(|v| v.to_string()).unwrap_or_default()/>
                    </div>
                    <div class="field">
                        <label for="surface_min">"Surface minimum (m²)"</label>
                        <input id="surface_min" name="surface_min" type="number" min="0" step="1" inputmode="numeric"
                            value=query.surface_min.map(|v| v.to_string()).unwrap_or_default()/>
                    </div>
                    <div class="field">
                        <label for="tri">"Trier par"</label>
                        <select id="tri" name="tri">
                            {Sort::ALL.into_iter().map(|s| view! {
                                <option value=s.code() selected=s == sort>{s.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    </details>
                    <button type="submit" class="button">"Rechercher"</button>
                    " "<a href="/offres">"Effacer les filtres"</a>
                </Form>
            </section>
            <section class="catalogue-results" aria-labelledby="resultats-titre">
                // A live heading (not role=status, which would take its heading role away).
                <h2 id="resultats-titre" class="results-summary" aria-live="polite">{summary}</h2>
                {alert_form}
                {results.hits.into_iter().enumerate().map(|(i, offer)| view! { <OfferCard offer eager=i < 2/> }).collect_view()}
                <nav class="pager" aria-label="Pages de résultats">
                    {previous.map(|href| view! { <a href=href rel="prev">"Page précédente"</a> })}
                    {next.map(|href| view! { <a href=href rel="next">"Page suivante"</a> })}
                </nav>
            </section>
        </div>
    }
}

#[component]
pub fn OfferPage() -> impl IntoView {
    let id = id_param();
    let apply = ServerAction::<ApplyToOffer>::new();
    let offer = Resource::new(id.clone(), load_offer);
    let for_me = Resource::new(id, load_offer_for_me);
    view! {
        <Title text="Offre de logement"/>
        {loaded(offer, move |offer| {
            let title = format!("{} de {} m² à {}", offer.typology, offer.surface_m2, offer.commune);
            view! {
                <Title text=title.clone()/>
                <article class="panel offer-page">
                    <p><a href="/offres">"← Toutes les offres"</a></p>
                    <h1>{title}</h1>
                    // What a phone shows first: the cost and the deadline, before anything else.
                    <p class="offer-key">
                        <strong>{format!("{} par mois charges comprises", crate::model::format_euros(offer.rent_cents + offer.charges_cents))}</strong>
                        " · candidatures jusqu'au "<strong>{crate::components::offer::french_day(&offer.closes_on)}" inclus"</strong>
                    </p>
                    {loaded(for_me, move |for_me| view! { <ApplyPanel offer_id=offer.id for_me apply/> })}
                    <OfferSheet offer=offer.clone()/>
                </article>
            }
        })}
    }
}

/// Whether the visitor may apply, why not, and the button when they may.
#[component]
fn ApplyPanel(
    offer_id: i64,
    for_me: Option<OfferForMe>,
    apply: ServerAction<ApplyToOffer>,
) -> impl IntoView {
    // The redirect after applying carries `candidature`.
    let just_applied = success_flag("candidature").is_some();
    let Some(me) = for_me else {
        return view! {
            <section class="apply-panel" aria-labelledby="postuler-titre">
                <h2 id="postuler-titre">"Postuler"</h2>
                <p><a href=sign_in_then(&format!("/offres/{offer_id}"))>"Connectez-vous"</a>" ou "<a href="/inscription">"créez un compte demandeur"</a>" pour savoir si vous pouvez postuler et envoyer votre candidature."</p>
            </section>
        }
        .into_any();
    };
    let verdict = me.assessment.verdict;
    let can_apply = verdict != Verdict::Ineligible && me.profile_gaps.is_empty();
    let at_cap = me.active_with_landlord >= me.cap;
    let body = match me.application_id {
        Some(_) => view! {
            <p class="notice" role="status">
                {if just_applied { "Votre candidature est enregistrée. Un e-mail vous le confirme." } else { "Vous avez postulé à cette offre." }}
                " "<a href="/espace/candidatures">"Suivre ou retirer ma candidature"</a>
            </p>
        }
        .into_any(),
        None if !me.profile_gaps.is_empty() => view! {
            <div>
                <p>"Complétez votre profil pour pouvoir postuler :"</p>
                <ul>{me.profile_gaps.iter().map(|g| view! { <li>{g.clone()}</li> }).collect_view()}</ul>
                <p><a class="button" href="/espace/profil">"Compléter mon profil"</a></p>
            </div>
        }
        .into_any(),
        None if !can_apply => view! {
            <p>"Si votre situation a changé, "<a href="/espace/profil">"mettez à jour votre profil"</a>"."</p>
        }
        .into_any(),
        None => view! {
            <div>
                <p class="hint">{format!(
                    "Candidatures en cours chez ce bailleur : {} sur {} possibles.",
                    me.active_with_landlord, me.cap
                )}</p>
                // At the cap, the reason and the way out instead of a button bound to be refused.
                {if at_cap {
                    view! {
                        <p>{format!("Vous ne pouvez pas postuler à cette offre : vous avez déjà {} candidatures en cours chez ce bailleur, le maximum qu'il permet. Pour postuler ici, retirez d'abord l'une d'elles.", me.active_with_landlord)}</p>
                        <p><a class="button button-secondary" href="/espace/candidatures">"Voir mes candidatures"</a></p>
                    }.into_any()
                } else {
                    view! {
                        <FormAlert value=apply.value()/>
                        <KeptForm action=apply>
                            <input type="hidden" name="offer_id" value=offer_id.to_string()/>
                            <button type="submit" class="button">"Postuler à cette offre"</button>
                        </KeptForm>
                    }.into_any()
                }}
            </div>
        }
        .into_any(),
    };
    view! {
        <section class="apply-panel" aria-labelledby="postuler-titre">
            <h2 id="postuler-titre">"Pour moi"</h2>
            <EligibilityBadge assessment=me.assessment.clone() with_fixes=true/>
            {me.chance.clone().map(|chance| view! { <crate::pages::results::ChancePanel chance/> })}
            {body}
        </section>
    }
    .into_any()
}

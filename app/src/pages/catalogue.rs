//! The public catalogue of offers open to applications, and the offer page. The whole query lives
//! in the address, so a search can be bookmarked or shared, and the form works without JavaScript.

use crate::components::offer::{OfferCard, OfferSheet};
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::domain::catalogue::{CatalogueResults, Facet, Sort};
use crate::error::AppError;
use crate::model::OfferDetail;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_location;

/// Runs the catalogue query written in `query` (a URL query string, without `?`).
#[server(endpoint = "offres/recherche")]
pub async fn search_offers(query: String) -> Result<CatalogueResults, AppError> {
    use crate::ssr::{catalogue, internal, respond, state};
    respond(async move {
        let query = crate::domain::catalogue::CatalogueQuery::from_query_string(&query)
            .map_err(|e| AppError::BadRequest(e.message))?;
        let state = state()?;
        catalogue::search(&state.db, &state.search, query)
            .await
            .map_err(internal)
    })
    .await
}

#[server(endpoint = "offres/detail")]
pub async fn load_offer(id: i64) -> Result<OfferDetail, AppError> {
    use crate::ssr::{internal, respond, state, store::listings};
    respond(async move {
        listings::public_offer(state()?.db.pool(), id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
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
    let facets = results
        .facets
        .iter()
        .map(|facet| {
            let selected = selected_of(&facet.parameter);
            view! { <FacetSelect facet=facet.clone() selected/> }
        })
        .collect_view();
    let sort = query.effective_sort();
    let summary = if results.total == 0 {
        "Aucune offre ne correspond à cette recherche.".to_string()
    } else {
        format!(
            "{} — page {} sur {}",
            plural(results.total, "offre trouvée", "offres trouvées"),
            results.page,
            results.pages
        )
    };
    let previous = (results.page > 1).then(|| query.on_page(results.page - 1).href());
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
                    <button type="submit" class="button">"Rechercher"</button>
                    " "<a href="/offres">"Effacer les filtres"</a>
                </Form>
            </section>
            <section class="catalogue-results" aria-labelledby="resultats-titre">
                <h2 id="resultats-titre" class="results-summary" role="status">{summary}</h2>
                {results.hits.into_iter().map(|offer| view! { <OfferCard offer/> }).collect_view()}
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
    let offer = Resource::new(id, load_offer);
    view! {
        <Title text="Offre de logement"/>
        {loaded(offer, |offer| {
            let title = format!("{} de {} m² à {}", offer.typology, offer.surface_m2, offer.commune);
            view! {
                <Title text=title.clone()/>
                <article class="panel offer-page">
                    <p><a href="/offres">"← Toutes les offres"</a></p>
                    <h1>{title}</h1>
                    <OfferSheet offer/>
                </article>
            }
        })}
    }
}

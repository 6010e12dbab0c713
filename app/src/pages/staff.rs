//! The landlord staff's back office: their organisation and its stock.

use crate::components::outcome::loaded;
use crate::error::AppError;
use crate::model::{StaffDashboard, format_euros};
use crate::pages::staff_offers::StaffOfferTable;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[cfg(feature = "ssr")]
const UNITS_PER_PAGE: i64 = 25;

#[server(endpoint = "gestion")]
pub async fn load_staff_dashboard(page: i64) -> Result<StaffDashboard, AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state, store::housing};
    respond(async move {
        let user = require(&[Role::Staff]).await?;
        // Staff only ever see the organisation their account belongs to.
        let organisation = user.organisation.ok_or(AppError::Forbidden)?;
        let state = state()?;
        let pool = state.db.pool();
        let (_, siren) = crate::ssr::store::organisations::name_of(pool, organisation.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let counts = housing::stock_counts(pool, organisation.id).await?;
        let pages = ((counts.units + UNITS_PER_PAGE - 1) / UNITS_PER_PAGE).max(1);
        let page = page.clamp(1, pages);
        let units = housing::units_page(pool, organisation.id, page, UNITS_PER_PAGE).await?;
        let offers = crate::ssr::store::offers::live_offers(pool, organisation.id).await?;
        Ok(StaffDashboard {
            organisation,
            siren,
            unit_count: counts.units,
            units_in_qpv: counts.units_in_qpv,
            published_offers: counts.published_offers,
            offers,
            units,
            page,
            pages,
        })
    })
    .await
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
    };
    let dashboard = Resource::new(page, load_staff_dashboard);
    view! {
        <Title text="Gestion du parc"/>
        <crate::components::notices::CeilingsNotice/>
        {loaded(dashboard, |data| view! { <Dashboard data/> })}
    }
}

#[component]
fn Dashboard(data: StaffDashboard) -> impl IntoView {
    let previous = (data.page > 1).then(|| format!("/gestion?page={}", data.page - 1));
    let next = (data.page < data.pages).then(|| format!("/gestion?page={}", data.page + 1));
    view! {
        <section class="panel">
            <h1>{data.organisation.name.clone()}</h1>
            <p class="hint">"SIREN "{data.siren.clone()}</p>
            <ul class="stats">
                <li><strong>{data.unit_count}</strong>" logements"</li>
                <li><strong>{data.units_in_qpv}</strong>" en quartier prioritaire (QPV)"</li>
                <li><strong>{data.published_offers}</strong>" offres publiées"</li>
            </ul>
            <ToDo offers=data.offers.clone()/>
            <h2>"Offres en cours"</h2>
            {if data.offers.is_empty() {
                view! { <p>"Aucune offre en cours. Choisissez un logement pour le mettre en location active."</p> }.into_any()
            } else {
                view! { <StaffOfferTable offers=data.offers.clone() caption="Offres en cours, de la clôture la plus proche à la plus lointaine"/> }.into_any()
            }}
            <h2>"Logements"</h2>
            <p><a class="button" href="/gestion/logements/nouveau">"Ajouter un logement"</a>" "
               <a class="button button-secondary" href="/gestion/import">"Importer des logements (CSV)"</a></p>
            <div class="table-wrap">
                <table>
                    <caption>"Logements du parc, page "{data.page}" sur "{data.pages}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Référence"</th>
                            <th scope="col">"Adresse"</th>
                            <th scope="col">"Commune"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Financement"</th>
                            <th scope="col">"Surface"</th>
                            <th scope="col">"Loyer + charges"</th>
                            <th scope="col">"QPV"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {data.units.iter().map(|u| view! {
                            <tr>
                                <td><a href=format!("/gestion/logements/{}", u.id)>{u.reference.clone()}</a></td>
                                <td>{u.address.clone()}</td>
                                <td>{u.commune.clone()}</td>
                                <td>{u.typology.clone()}</td>
                                <td>{u.financing.clone()}</td>
                                <td>{u.surface_m2}" m²"</td>
                                <td>{format_euros(u.rent_cents)}" + "{format_euros(u.charges_cents)}</td>
                                <td>{if u.in_qpv { "Oui" } else { "Non" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <nav class="pager" aria-label="Pages de la liste des logements">
                {previous.map(|href| view! { <a href=href rel="prev">"Page précédente"</a> })}
                {next.map(|href| view! { <a href=href rel="next">"Page suivante"</a> })}
            </nav>
        </section>
    }
}

/// What the offers' states ask of staff now, first on the page: closed offers wait for their
/// shortlist, shortlisted ones for a session, those in commission for its follow-up.
#[component]
fn ToDo(offers: Vec<crate::model::StaffOfferRow>) -> impl IntoView {
    let items: Vec<(String, String)> = offers
        .iter()
        .filter_map(|o| {
            let what = format!("{} — {} à {}", o.unit_reference, o.typology, o.commune);
            match o.status.as_str() {
                "closed" => Some((
                    format!("/gestion/offres/{}/classement", o.id),
                    format!("Constituer la liste des candidats pour la commission : offre n° {} ({what})", o.id),
                )),
                "in_review" => Some((
                    "/gestion/commissions".to_string(),
                    format!("Inscrire à l'ordre du jour d'une séance : offre n° {} ({what})", o.id),
                )),
                "in_commission" => Some((
                    format!("/gestion/offres/{}", o.id),
                    format!("Suivre la décision, la proposition et le bail : offre n° {} ({what})", o.id),
                )),
                _ => None,
            }
        })
        .collect();
    (!items.is_empty()).then(|| {
        view! {
            <h2>"À faire"</h2>
            <ul class="todo">
                {items.into_iter().map(|(href, text)| view! { <li><a href=href>{text}</a></li> }).collect_view()}
            </ul>
        }
    })
}

//! Staff: tenancies, their occupation situations, and the findings of the triennial review.

use super::*;
use crate::components::form::{FormAlert, KeptForm, kept_choice, keyed_value};
use leptos_router::hooks::use_query_map;

#[server(endpoint = "gestion/occupation")]
pub async fn load_tenancies() -> Result<Vec<Tenancy>, AppError> {
    use crate::ssr::{internal, respond, state, store::caleol};
    respond(async move {
        use crate::ssr::store::file_reads::{Read, Reader};
        let staff = crate::ssr::usecases::Staff::current().await?;
        let state = state()?;
        let tenancies = caleol::tenancies(state.db.pool(), staff.organisation_id)
            .await
            .map_err(internal)?;
        let reader = Reader::Staff { user_id: staff.user_id, organisation_id: staff.organisation_id };
        let read = Read::Tenancies { organisation_id: staff.organisation_id };
        crate::ssr::usecases::privacy::record_read(&state, reader, read, "").await?;
        Ok(tenancies)
    })
    .await
}

#[server(endpoint = "gestion/occupation/signaler")]
pub async fn flag_tenancy(
    lease_id: i64,
    #[server(default)] flags: Vec<String>,
) -> Result<(), AppError> {
    use crate::domain::caleol::OccupationFlag;
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let parsed: Option<Vec<OccupationFlag>> =
            flags.iter().map(|f| OccupationFlag::parse(f)).collect();
        let parsed = parsed
            .ok_or_else(|| AppError::field("flags", "Choisissez des situations de la liste."))?;
        usecases::caleol::flag_tenancy(&state()?, staff, lease_id, &parsed).await?;
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
    let flag_result = keyed_value(flag, ("lease_id", id.to_string()));
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
            <FormAlert value=flag_result/>
            <KeptForm action=flag key=("lease_id", id.to_string())>
                <input type="hidden" name="lease_id" value=id.to_string()/>
                <fieldset class="field">
                    <legend>"Situations à examiner"</legend>
                    {OccupationFlag::ALL.iter().map(|f| {
                        let box_id = format!("situation-{id}-{}", f.code());
                        let checked = kept_choice("flags", f.code(), tenancy.flags.iter().any(|c| c == f.code()));
                        view! {
                            <div class="field-check">
                                <input type="checkbox" id=box_id.clone() name="flags[]" value=f.code() checked=checked/>
                                <label for=box_id>{f.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button button-secondary">"Enregistrer les situations"</button>
            </KeptForm>
        </li>
    }
}

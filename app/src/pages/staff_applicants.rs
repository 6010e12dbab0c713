//! The assisted channel: staff register an applicant at the counter, fill the profile with them
//! and apply on their behalf, under the same rules and in the same queue as everyone. Every step
//! is recorded in the audit log under the staff member's name.

use crate::components::form::KeptForm;
use crate::components::form::{Field, FormAlert, field_errors};
use crate::components::notices::success_flag;
use crate::components::offer::{EligibilityBadge, french_day};
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::error::AppError;
use crate::model::{AssistedOffer, AssistedRow, format_euros};
use crate::pages::catalogue::ApplyToOffer;
use crate::pages::profile::ProfileEditor;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "gestion/demandeurs")]
pub async fn load_assisted_list() -> Result<Vec<AssistedRow>, AppError> {
    use crate::ssr::{respond, state, store::assisted};
    respond(async move {
        use crate::ssr::store::file_reads::{Read, Reader};
        let staff = crate::ssr::usecases::Staff::current().await?;
        let organisation = staff.organisation_id;
        let state = state()?;
        let reader = Reader::Staff {
            user_id: staff.user_id,
            organisation_id: organisation,
        };
        let read = Read::AssistedList {
            organisation_id: organisation,
        };
        crate::ssr::usecases::privacy::record_read(&state, reader, read, "").await?;
        Ok(assisted::list(state.db.pool(), organisation)
            .await?
            .into_iter()
            .map(|(id, name, email, active_applications)| AssistedRow {
                id,
                name,
                email,
                active_applications,
            })
            .collect())
    })
    .await
}

#[server(endpoint = "gestion/demandeur/creer")]
pub async fn create_assisted_applicant(
    display_name: String,
    email: String,
) -> Result<(), AppError> {
    use crate::domain::account::{display_name_problem, email_problem, normalize_email};
    use crate::error::FieldErrors;
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let display_name = display_name.trim().to_string();
        let email = normalize_email(&email);
        let mut errors = FieldErrors::new();
        if let Some(problem) = display_name_problem(&display_name) {
            errors.add("display_name", problem);
        }
        if let Some(problem) = email_problem(&email) {
            errors.add("email", problem);
        }
        errors.into_result()?;
        let applicant =
            usecases::accounts::create_assisted_applicant(&state()?, staff, &email, &display_name)
                .await?;
        leptos_axum::redirect(&format!("/gestion/demandeurs/{applicant}"));
        Ok(())
    })
    .await
}

/// The organisation's open offers as they stand for one of its assisted applicants.
#[server(endpoint = "gestion/demandeur/offres")]
pub async fn load_assisted_offers(id: i64) -> Result<Vec<AssistedOffer>, AppError> {
    use crate::ssr::store::{applications, listings};
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state};
    respond(async move {
        let subject = context::subject(Some(id)).await?;
        let Some((_, organisation)) = subject.staff else {
            return Err(AppError::Forbidden);
        };
        let pool = state()?.db.pool().clone();
        let profile = context::profile_of(subject.user_id).await?;
        let today = context::today();
        let terms: Vec<_> = listings::offer_terms(&pool, None)
            .await?
            .into_iter()
            .filter(|(_, org, _)| *org == organisation)
            .collect();
        let ids: Vec<i64> = terms.iter().map(|(id, _, _)| *id).collect();
        let summaries = listings::summaries(&pool, &ids).await?;
        let mut conn = pool.acquire().await?;
        let mut offers = Vec::new();
        for summary in summaries {
            let Some((_, _, offer_terms)) = terms.iter().find(|(id, _, _)| *id == summary.id)
            else {
                continue;
            };
            let applied = applications::active_for_offer(&mut conn, subject.user_id, summary.id)
                .await?
                .is_some();
            offers.push(AssistedOffer {
                id: summary.id,
                title: format!(
                    "{} de {} m² à {}",
                    summary.typology, summary.surface_m2, summary.commune
                ),
                total_cents: summary.rent_cents + summary.charges_cents,
                closes_on: summary.closes_on.clone(),
                assessment: profile.assess(offer_terms, today),
                applied,
            });
        }
        Ok(offers)
    })
    .await
}

#[component]
pub fn AssistedListPage() -> impl IntoView {
    let create = ServerAction::<CreateAssistedApplicant>::new();
    let list = Resource::new(|| (), |_| load_assisted_list());
    let errors = field_errors(create.value());
    view! {
        <Title text="Demandeurs accompagnés"/>
        <section class="panel">
            <p><a href="/gestion">"← Retour au parc"</a></p>
            <h1>"Demandeurs accompagnés"</h1>
            <p>"Pour une personne qui ne peut pas utiliser le site seule : ouvrez son espace, complétez son dossier avec elle et postulez en son nom. Les mêmes règles s'appliquent, et chaque action est tracée à votre nom."</p>
            {loaded(list, |rows| {
                if rows.is_empty() {
                    return view! { <p>"Aucun demandeur accompagné pour l'instant."</p> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption>"Demandeurs accompagnés par votre organisme"</caption>
                            <thead><tr><th scope="col">"Nom"</th><th scope="col">"Adresse e-mail"</th><th scope="col">"Candidatures en cours"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <th scope="row"><a href=format!("/gestion/demandeurs/{}", r.id)>{r.name}</a></th>
                                        <td>{r.email}</td>
                                        <td>{r.active_applications}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            })}
        </section>
        <section class="panel narrow">
            <h2>"Ouvrir l'espace d'un demandeur"</h2>
            <FormAlert value=create.value()/>
            <KeptForm action=create>
                <Field label="Nom et prénom" name="display_name" autocomplete="off" errors/>
                <Field label="Adresse e-mail du demandeur" name="email" kind="email" autocomplete="off"
                    hint="Il y recevra chaque étape de ses candidatures, et un lien pour choisir son mot de passe." errors/>
                <button type="submit" class="button">"Ouvrir l'espace"</button>
            </KeptForm>
        </section>
    }
}

#[component]
pub fn AssistedApplicantPage() -> impl IntoView {
    let id = id_param();
    let apply = ServerAction::<ApplyToOffer>::new();
    let offers = Resource::new(id.clone(), load_assisted_offers);
    let applied = success_flag("candidature").is_some();
    view! {
        <Title text="Dossier d'un demandeur"/>
        // One load decides whether the file exists for this organisation: an unknown or foreign
        // applicant gets a single "not found" page, not one per section.
        {loaded(offers, {
            let id = id.clone();
            move |offers| view! {
                <ProfileEditor pour=Some(id())/>
                <section class="panel" id="postuler" aria-labelledby="postuler-titre">
                    <h2 id="postuler-titre">"Postuler pour ce demandeur"</h2>
                    {applied.then(|| view! { <p class="notice" role="status">"La candidature est enregistrée ; le demandeur en est informé par e-mail."</p> })}
                    <FormAlert value=apply.value()/>
                    <AssistedOffers offers apply pour=id()/>
                </section>
            }
        })}
    }
}

#[component]
fn AssistedOffers(
    offers: Vec<AssistedOffer>,
    apply: ServerAction<ApplyToOffer>,
    pour: i64,
) -> impl IntoView {
    if offers.is_empty() {
        return view! { <p>"Votre organisme n'a aucune offre ouverte aux candidatures en ce moment."</p> }.into_any();
    }
    view! {
        <ul class="applications">
            {offers.into_iter().map(|o| {
                let label = format!("Postuler à l'offre n° {} pour ce demandeur", o.id);
                let can = o.assessment.verdict != crate::domain::eligibility::Verdict::Ineligible;
                view! {
                    <li class="application">
                        <h3><a href=format!("/offres/{}", o.id)>{format!("Offre n° {} — {}", o.id, o.title)}</a></h3>
                        <p>{format_euros(o.total_cents)}" par mois charges comprises · candidatures jusqu'au "{french_day(&o.closes_on)}" inclus"</p>
                        <EligibilityBadge assessment=o.assessment.clone()/>
                        {match (o.applied, can) {
                            (true, _) => view! { <p><strong>"Candidature en cours."</strong></p> }.into_any(),
                            (false, true) => view! {
                                <KeptForm action=apply>
                                    <input type="hidden" name="offer_id" value=o.id.to_string()/>
                                    <input type="hidden" name="pour" value=pour.to_string()/>
                                    <button type="submit" class="button" aria-label=label>"Postuler pour ce demandeur"</button>
                                </KeptForm>
                            }.into_any(),
                            (false, false) => ().into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

//! Platform administration: organisations, their commissions, and invitations of staff and
//! committee members.

use crate::components::commune::CommuneField;
use crate::components::form::{
    CheckField, Field, FormAlert, SelectField, TextAreaField, field_errors, field_message, options,
};
use crate::components::form::{KeptForm, kept_choice};
use crate::components::notices::success_flag;

/// What a territory field accepts.
const TERRITORY_HINT: &str = "Une commune de l'EPCI, son nom ou son SIREN, par exemple « Villeurbanne » ou « Métropole de Lyon ».";
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::domain::caleol::MemberQuality;
use crate::error::AppError;
use crate::model::{OrganisationDetail, OrganisationSummary};
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "admin/organisations")]
pub async fn list_organisations() -> Result<Vec<OrganisationSummary>, AppError> {
    use crate::model::Role;
    use crate::ssr::{internal, require, respond, state, store::organisations};
    respond(async move {
        require(&[Role::Admin]).await?;
        organisations::list(state()?.db.pool())
            .await
            .map_err(internal)
    })
    .await
}

#[server(endpoint = "admin/organisation/creer")]
pub async fn create_organisation(
    name: String,
    siren: String,
    #[server(default)] territory: String,
) -> Result<(), AppError> {
    use crate::domain::identifiers::{normalize_siren, siren_problem};
    use crate::error::FieldErrors;
    use crate::model::Role;
    use crate::ssr::{require, respond, state};
    respond(async move {
        let admin = require(&[Role::Admin]).await?;
        let mut errors = FieldErrors::new();
        let name = crate::domain::identifiers::checked_name(&name, "de l'organisme")
            .unwrap_or_else(|message| {
                errors.add("name", message);
                String::new()
            });
        if let Some(problem) = siren_problem(&siren) {
            errors.add("siren", problem);
        }
        let epci = match crate::ssr::reference::national().resolve_epci(&territory) {
            Ok(epci) => Some(epci.siren.clone()),
            Err(message) => {
                errors.add("territory", message);
                None
            }
        };
        errors.into_result()?;
        let siren = normalize_siren(&siren);
        let Some(epci) = epci else {
            return Err(AppError::Internal);
        };
        let id = crate::ssr::usecases::admin::create_organisation(
            &state()?,
            &admin,
            &name,
            &siren,
            &epci,
        )
        .await?;
        leptos_axum::redirect(&format!("/admin/organisations/{id}"));
        Ok(())
    })
    .await
}

/// Adds a territory (EPCI) where the organisation publishes units.
#[server(endpoint = "admin/organisation/territoire")]
pub async fn add_territory(organisation_id: i64, territory: String) -> Result<(), AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state};
    respond(async move {
        let admin = require(&[Role::Admin]).await?;
        let epci = crate::ssr::reference::national()
            .resolve_epci(&territory)
            .map_err(|message| AppError::field("territory", message))?;
        crate::ssr::usecases::admin::add_territory(
            &state()?,
            &admin,
            organisation_id,
            &epci.siren,
            &epci.name,
        )
        .await?;
        leptos_axum::redirect(&format!(
            "/admin/organisations/{organisation_id}#territoires-titre"
        ));
        Ok(())
    })
    .await
}

/// Sets where the organisation's applicants write to contest a decision.
#[server(endpoint = "admin/organisation/adresse")]
pub async fn set_postal_address(organisation_id: i64, address: String) -> Result<(), AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state};
    respond(async move {
        let admin = require(&[Role::Admin]).await?;
        let address = crate::domain::results::recourse_address(&address)
            .map_err(|message| AppError::field("address", message))?;
        crate::ssr::usecases::admin::set_postal_address(
            &state()?,
            &admin,
            organisation_id,
            &address,
        )
        .await?;
        leptos_axum::redirect(&format!(
            "/admin/organisations/{organisation_id}?adresse=1#adresse-titre"
        ));
        Ok(())
    })
    .await
}

/// The platform admin ends every session of one account; answers how many were open.
#[server(endpoint = "admin/sessions/fermer")]
pub async fn end_user_sessions(organisation_id: i64, user_id: i64) -> Result<u64, AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state};
    respond(async move {
        let admin = require(&[Role::Admin]).await?;
        let ended = crate::ssr::usecases::admin::end_sessions(&state()?, &admin, user_id).await?;
        // The page says it from its address.
        leptos_axum::redirect(&format!(
            "/admin/organisations/{organisation_id}?fermees={ended}"
        ));
        Ok(ended)
    })
    .await
}

#[server(endpoint = "admin/organisation")]
pub async fn load_organisation(id: i64) -> Result<OrganisationDetail, AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state, store::organisations};
    respond(async move {
        require(&[Role::Admin]).await?;
        organisations::detail(state()?.db.pool(), id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

#[server(endpoint = "admin/commission/creer")]
pub async fn create_commission(organisation_id: i64, name: String) -> Result<(), AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state};
    respond(async move {
        let admin = require(&[Role::Admin]).await?;
        let name = crate::domain::identifiers::checked_name(&name, "de la commission")
            .map_err(|message| AppError::field("name", message))?;
        crate::ssr::usecases::admin::create_commission(&state()?, &admin, organisation_id, &name)
            .await?;
        leptos_axum::redirect(&format!(
            "/admin/organisations/{organisation_id}#commissions"
        ));
        Ok(())
    })
    .await
}

/// Invites a staff member (`role = "staff"`) or a committee member (`role = "member"`, with a
/// commission of the same organisation) by e-mail.
// One argument per form field.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "admin/inviter")]
pub async fn invite_person(
    organisation_id: i64,
    role: String,
    display_name: String,
    email: String,
    #[server(default)] commission_id: String,
    #[server(default)] quality: String,
    #[server(default)] president: Option<String>,
    #[server(default)] org_admin: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::account::{display_name_problem, email_problem, normalize_email};
    use crate::error::FieldErrors;
    use crate::model::Role;
    use crate::ssr::store::{accounts, organisations};
    use crate::ssr::usecases::admin::Grant;
    use crate::ssr::{require, respond, state};
    respond(async move {
        let admin = require(&[Role::Admin]).await?;
        let state = state()?;
        let pool = state.db.pool();
        let (organisation_name, _) = organisations::name_of(pool, organisation_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let email = normalize_email(&email);
        let display_name = display_name.trim().to_string();
        let mut errors = FieldErrors::new();
        if let Some(problem) = display_name_problem(&display_name) {
            errors.add("display_name", problem);
        }
        if let Some(problem) = email_problem(&email) {
            errors.add("email", problem);
        }
        let role = match role.as_str() {
            "staff" => Role::Staff,
            "member" => Role::Member,
            _ => {
                return Err(AppError::field(
                    "role",
                    "Choisissez un rôle : personnel ou membre de commission.",
                ));
            }
        };
        let commission_id = if role == Role::Member {
            match commission_id.trim().parse::<i64>() {
                Ok(id)
                    if organisations::commission_organisation(pool, id).await?
                        == Some(organisation_id) =>
                {
                    Some(id)
                }
                _ => {
                    errors.add(
                        "commission_id",
                        "Choisissez une commission de cet organisme.",
                    );
                    None
                }
            }
        } else {
            None
        };
        let quality = match quality.trim() {
            "" => MemberQuality::Designated,
            code => MemberQuality::parse(code).unwrap_or_else(|| {
                errors.add("quality", "Choisissez une qualité de la liste.");
                MemberQuality::Designated
            }),
        };
        errors.into_result()?;
        let grant = match (role, commission_id) {
            (Role::Member, Some(commission)) => Grant::Seat {
                commission,
                quality,
                president: president.is_some(),
            },
            (Role::Staff, _) if org_admin.is_some() => Grant::OrgAdmin(organisation_id),
            _ => Grant::None,
        };
        crate::ssr::usecases::admin::invite(
            &state,
            admin.id,
            accounts::NewUser {
                email: &email,
                password_hash: None,
                display_name: &display_name,
                role,
                organisation_id: Some(organisation_id),
                commission_id,
                epci_siren: None,
                active: false,
            },
            &organisation_name,
            role.as_str(),
            grant,
        )
        .await?;
        leptos_axum::redirect(&format!("/admin/organisations/{organisation_id}#personnes"));
        Ok(())
    })
    .await
}

/// Invites the admin of a territory (EPCI), who will publish its cotation grids.
#[server(endpoint = "admin/territoire/inviter")]
pub async fn invite_territory_admin(
    epci_siren: String,
    display_name: String,
    email: String,
) -> Result<(), AppError> {
    use crate::domain::account::{display_name_problem, email_problem, normalize_email};
    use crate::error::FieldErrors;
    use crate::model::Role;
    use crate::ssr::store::accounts;
    use crate::ssr::usecases::admin::Grant;
    use crate::ssr::{require, respond, state};
    respond(async move {
        let admin = require(&[Role::Admin]).await?;
        let email = normalize_email(&email);
        let display_name = display_name.trim().to_string();
        let mut errors = FieldErrors::new();
        let epci = match crate::ssr::reference::national().resolve_epci(&epci_siren) {
            Ok(epci) => Some(epci),
            Err(message) => {
                errors.add("epci_siren", message);
                None
            }
        };
        if let Some(problem) = display_name_problem(&display_name) {
            errors.add("display_name", problem);
        }
        if let Some(problem) = email_problem(&email) {
            errors.add("email", problem);
        }
        errors.into_result()?;
        let Some(epci) = epci else {
            return Err(AppError::Internal);
        };
        crate::ssr::usecases::admin::invite(
            &state()?,
            admin.id,
            accounts::NewUser {
                email: &email,
                password_hash: None,
                display_name: &display_name,
                role: Role::Territory,
                organisation_id: None,
                commission_id: None,
                epci_siren: Some(&epci.siren),
                active: false,
            },
            &epci.name,
            &format!("territory {}", epci.siren),
            Grant::None,
        )
        .await?;
        leptos_axum::redirect("/admin?invitation=1#invitation-territoire");
        Ok(())
    })
    .await
}

#[component]
fn TerritoryInvite() -> impl IntoView {
    let invite = ServerAction::<InviteTerritoryAdmin>::new();
    let errors = field_errors(invite.value());
    let sent = success_flag("invitation").is_some();
    view! {
        <section class="panel narrow">
            <h2 id="invitation-territoire">"Inviter l'administrateur d'un territoire"</h2>
            <p>"Il publie les grilles de cotation de son EPCI."</p>
            <FormAlert value=invite.value()/>
            {sent.then(|| view! {
                <p class="notice" role="status">"Invitation envoyée."</p>
            })}
            <KeptForm action=invite>
                <CommuneField label="Territoire (EPCI)" name="epci_siren" value=""
                    hint=TERRITORY_HINT error=field_message(errors, "epci_siren")/>
                <Field label="Nom" name="display_name" errors/>
                <Field label="Adresse e-mail" name="email" kind="email" errors/>
                <button type="submit" class="button">"Inviter"</button>
            </KeptForm>
        </section>
    }
}

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let create = ServerAction::<CreateOrganisation>::new();
    let errors = field_errors(create.value());
    let organisations = Resource::new(|| (), |_| list_organisations());
    view! {
        <Title text="Administration"/>
        <crate::components::notices::CeilingsNotice/>
        {loaded(organisations, |list| view! {
                        <section class="panel">
                            <h1>"Organismes"</h1>
                            <div class="table-wrap">
                                <table>
                                    <caption>"Organismes inscrits sur la plateforme"</caption>
                                    <thead><tr>
                                        <th scope="col">"Nom"</th><th scope="col">"SIREN"</th>
                                        <th scope="col">"Personnel"</th><th scope="col">"Logements"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|o| {
                                            let href = format!("/admin/organisations/{}", o.id);
                                            view! { <tr>
                                                <td><a href=href>{o.name}</a></td><td>{o.siren}</td>
                                                <td>{o.staff_count}</td><td>{o.unit_count}</td>
                                            </tr> }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </section>
                    })}
        <section class="panel narrow">
            <h2>"Ajouter un organisme"</h2>
            <FormAlert value=create.value()/>
            <KeptForm action=create>
                <Field label="Nom de l'organisme" name="name" errors/>
                <Field label="SIREN" name="siren" hint="9 chiffres, tels qu'inscrits au répertoire Sirene." errors/>
                <CommuneField label="Territoire (EPCI) où il a des logements" name="territory" value=""
                    hint=TERRITORY_HINT error=field_message(errors, "territory")/>
                <button type="submit" class="button">"Ajouter"</button>
            </KeptForm>
        </section>
        <TerritoryInvite/>
    }
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let id = id_param();
    let add_commission = ServerAction::<CreateCommission>::new();
    let invite = ServerAction::<InvitePerson>::new();
    let add_territory = ServerAction::<AddTerritory>::new();
    let set_address = ServerAction::<SetPostalAddress>::new();
    let detail = Resource::new(id, load_organisation);
    view! {
        <Title text="Organisme"/>
        {loaded(detail, move |detail| view! {
            <OrganisationView detail=detail.clone() add_commission invite/>
            <TerritoriesPanel detail=detail.clone() add_territory/>
            <AddressPanel detail set_address/>
        })}
    }
}

#[component]
fn TerritoriesPanel(
    detail: OrganisationDetail,
    add_territory: ServerAction<AddTerritory>,
) -> impl IntoView {
    let errors = field_errors(add_territory.value());
    view! {
        <section class="panel narrow" aria-labelledby="territoires-titre">
            <h2 id="territoires-titre">"Territoires"</h2>
            <p class="hint">"Son personnel publie des logements dans les communes de ces EPCI."</p>
            {if detail.epcis.is_empty() {
                view! { <p>"Aucun territoire : son personnel ne peut pas encore y publier de logement."</p> }.into_any()
            } else {
                view! { <ul>{detail.epcis.iter().map(|(siren, name)| view! { <li>{name.clone()}" (SIREN "{siren.clone()}")"</li> }).collect_view()}</ul> }.into_any()
            }}
            <FormAlert value=add_territory.value()/>
            <KeptForm action=add_territory>
                <input type="hidden" name="organisation_id" value=detail.id.to_string()/>
                <CommuneField label="Ajouter un territoire (EPCI)" name="territory" value=""
                    hint=TERRITORY_HINT error=field_message(errors, "territory")/>
                <button type="submit" class="button">"Ajouter le territoire"</button>
            </KeptForm>
        </section>
    }
}

#[component]
fn AddressPanel(
    detail: OrganisationDetail,
    set_address: ServerAction<SetPostalAddress>,
) -> impl IntoView {
    let errors = field_errors(set_address.value());
    let saved = success_flag("adresse").is_some();
    view! {
        <section class="panel narrow" aria-labelledby="adresse-titre">
            <h2 id="adresse-titre">"Adresse pour les recours"</h2>
            <p class="hint">"Les demandeurs y écrivent pour contester une décision (recours gracieux) : elle figure dans l'explication de chaque résultat."</p>
            {saved.then(|| view! { <p class="notice" role="status">"L'adresse est enregistrée."</p> })}
            <FormAlert value=set_address.value()/>
            <KeptForm action=set_address>
                <input type="hidden" name="organisation_id" value=detail.id.to_string()/>
                <TextAreaField label="Adresse postale" name="address" value=detail.postal_address.clone()
                    hint="Sur 2 à 6 lignes : service, numéro et rue, code postal et commune." errors/>
                <button type="submit" class="button">"Enregistrer l'adresse"</button>
            </KeptForm>
        </section>
    }
}

#[component]
fn OrganisationView(
    detail: OrganisationDetail,
    add_commission: ServerAction<CreateCommission>,
    invite: ServerAction<InvitePerson>,
) -> impl IntoView {
    let end_sessions = ServerAction::<EndUserSessions>::new();
    let organisation = detail.id;
    let commission_errors = field_errors(add_commission.value());
    let invite_errors = field_errors(invite.value());
    let invite_commission_error = move || {
        invite_errors
            .get()
            .and_then(|e| e.get("commission_id").map(str::to_string))
    };
    let org_id = detail.id.to_string();
    let org_id_invite = org_id.clone();
    let commissions = detail.commissions.clone();
    view! {
        <section class="panel">
            <h1>{detail.name.clone()}</h1>
            <p class="hint">"SIREN "{detail.siren.clone()}</p>
            <h2 id="personnes">"Personnes"</h2>
            <FormAlert value=end_sessions.value()/>
            {success_flag("fermees").and_then(|n| n.parse::<u64>().ok()).map(|n| view! {
                <p class="notice" role="status">{match n {
                    0 => "Aucune session n'était ouverte.".to_string(),
                    1 => "Une session a été fermée : la personne devra se reconnecter.".to_string(),
                    n => format!("{n} sessions ont été fermées : la personne devra se reconnecter."),
                }}</p>
            })}
            <div class="table-wrap">
                <table>
                    <caption>"Personnel et membres de commission"</caption>
                    <thead><tr>
                        <th scope="col">"Nom"</th><th scope="col">"Adresse e-mail"</th>
                        <th scope="col">"Rôle"</th><th scope="col">"Commission"</th><th scope="col">"État"</th>
                        <th scope="col">"Sessions"</th>
                    </tr></thead>
                    <tbody>
                        {detail.people.clone().into_iter().map(move |p| {
                            let whose = format!(" de {}", p.display_name);
                            let user_id = p.id.to_string();
                            view! { <tr>
                                <td>{p.display_name}</td><td>{p.email}</td>
                                <td>{p.role.label()}</td><td>{p.commission.unwrap_or_default()}</td>
                                <td>{if p.active { "Actif" } else { "Invitation envoyée" }}</td>
                                <td>
                                    <KeptForm action=end_sessions>
                                        <input type="hidden" name="organisation_id" value=organisation.to_string()/>
                                        <input type="hidden" name="user_id" value=user_id/>
                                        <button type="submit" class="link-button">
                                            "Fermer les sessions"<span class="visually-hidden">{whose}</span>
                                        </button>
                                    </KeptForm>
                                </td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h2 id="commissions">"Commissions (CALEOL)"</h2>
            <ul>
                {detail.commissions.iter().map(|c| view! {
                    <li>{c.name.clone()}" — "{c.member_count}" membre(s)"</li>
                }).collect_view()}
            </ul>
        </section>
        <section class="panel narrow">
            <h2>"Inviter une personne"</h2>
            <FormAlert value=invite.value()/>
            <KeptForm action=invite>
                <input type="hidden" name="organisation_id" value=org_id_invite/>
                <Field label="Nom et prénom" name="display_name" errors=invite_errors/>
                <Field label="Adresse e-mail" name="email" kind="email" errors=invite_errors/>
                <fieldset class="field">
                    <legend>"Rôle"</legend>
                    <label><input type="radio" name="role" value="staff" checked=kept_choice("role", "staff", true)/>" Personnel du bailleur"</label>
                    <label><input type="radio" name="role" value="member" checked=kept_choice("role", "member", false)/>" Membre de CALEOL"</label>
                </fieldset>
                <div class="field" class:field-invalid=move || invite_commission_error().is_some()>
                    <label for="commission_id">"Commission (pour un membre de CALEOL)"</label>
                    <select id="commission_id" name="commission_id"
                        aria-describedby=move || invite_commission_error().map(|_| "commission_id-erreur")>
                        <option value="">"—"</option>
                        {commissions.into_iter().map(|c| {
                            let value = c.id.to_string();
                            let chosen = kept_choice("commission_id", &value, false);
                            view! { <option value=value selected=chosen>{c.name}</option> }
                        }).collect_view()}
                    </select>
                    {move || invite_commission_error().map(|m| view! { <p class="field-error" id="commission_id-erreur">"Erreur : "{m}</p> })}
                </div>
                <SelectField label="Qualité (pour un membre de CALEOL)" name="quality"
                    options=options(MemberQuality::ALL, MemberQuality::code, MemberQuality::label)
                    required=false errors=invite_errors
                    hint="Les représentants d'associations et les réservataires non membres siègent avec voix consultative."/>
                <CheckField label="Président ou présidente de la commission (pour un membre)" name="president"/>
                <CheckField label="Administrateur de l'organisme : lit le journal des actions (pour le personnel)" name="org_admin"/>
                <button type="submit" class="button">"Envoyer l'invitation"</button>
            </KeptForm>
        </section>
        <section class="panel narrow">
            <h2>"Créer une commission"</h2>
            <FormAlert value=add_commission.value()/>
            <KeptForm action=add_commission>
                <input type="hidden" name="organisation_id" value=org_id/>
                <Field label="Nom de la commission" name="name" errors=commission_errors/>
                <button type="submit" class="button">"Créer"</button>
            </KeptForm>
        </section>
    }
}

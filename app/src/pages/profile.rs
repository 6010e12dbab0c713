//! The applicant's profile, one form per part, each saved on its own. Works without JavaScript:
//! every form posts to its server function, which redirects back to its part of the page.

use crate::components::commune::CommuneField;
use crate::components::form::{
    CheckField, CheckGroup, Field, FormAlert, SelectField, field_errors, field_message, options,
};
use crate::components::form::{KeptForm, kept_values};
use crate::components::notices::success_flag;
use crate::components::outcome::loaded;
use crate::domain::offer::Typology;
use crate::domain::profile::{
    HousingStatus, IncomeBasis, Member, Part, PartState, Relationship, Situation,
};
use crate::error::AppError;
use crate::model::{ProfileView, format_euros};
use crate::pages::documents::{DeleteDocument, DocumentsPart};
#[cfg(feature = "ssr")]
use crate::ssr::subject;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "espace/profil")]
pub async fn load_profile(#[server(default)] pour: Option<i64>) -> Result<ProfileView, AppError> {
    use crate::domain::ceilings::reference_income_year;
    use crate::ssr::{respond, state, store::documents};
    respond(async move {
        let subject = subject::subject(pour).await?;
        let profile = subject::profile_of(subject.user_id).await?;
        let today = subject::today();
        let income_year = reference_income_year(today.year);
        // Proofs stay between the applicant and the landlords they apply to: staff helping
        // at the counter see them through the applications, not here.
        let documents = match subject.staff {
            None => documents::list(state()?.db.pool(), subject.user_id, today).await?,
            Some(_) => Vec::new(),
        };
        let wished_communes = profile
            .wished_communes
            .iter()
            .map(|insee| {
                let label = crate::domain::territory::Places::commune(
                    crate::ssr::reference::national(),
                    insee,
                )
                .map_or_else(|| insee.clone(), |p| p.label());
                (insee.clone(), label)
            })
            .collect();
        Ok(ProfileView {
            wished_communes,
            completeness: profile.completeness(today, income_year),
            profile,
            income_year,
            documents,
            pour: subject.staff.map(|_| subject.user_id),
            display_name: subject.name,
        })
    })
    .await
}

/// Saves one part for the signed-in applicant or, for staff, the applicant `pour`, then sends
/// the browser back to that part.
#[cfg(feature = "ssr")]
async fn save_part(
    pour: Option<i64>,
    input: crate::ssr::usecases::profiles::PartInput,
) -> Result<(), AppError> {
    let subject = subject::subject(pour).await?;
    let anchor = input.part().anchor();
    crate::ssr::usecases::profiles::save(&crate::ssr::state()?, &subject, input).await?;
    leptos_axum::redirect(&format!(
        "{}?enregistre={anchor}#{anchor}",
        subject.profile_path()
    ));
    Ok(())
}

#[server(endpoint = "espace/profil/membre")]
pub async fn add_member(
    relationship: String,
    first_name: String,
    birth_date: String,
    #[server(default)] handicap: String,
    #[server(default)] dependant: String,
    #[server(default)] rfr_n2: String,
    #[server(default)] pour: Option<i64>,
) -> Result<(), AppError> {
    use crate::domain::profile::MemberInput;
    use crate::ssr::usecases::profiles::PartInput;
    let member = MemberInput {
        relationship,
        first_name,
        birth_date,
        handicap: handicap == "on",
        dependant: dependant == "on",
        rfr_n2,
    };
    crate::ssr::respond(save_part(pour, PartInput::AddMember(member))).await
}

#[server(endpoint = "espace/profil/membre/retirer")]
pub async fn remove_member(
    member_id: i64,
    #[server(default)] pour: Option<i64>,
) -> Result<(), AppError> {
    use crate::ssr::usecases::profiles::PartInput;
    crate::ssr::respond(save_part(pour, PartInput::RemoveMember(member_id))).await
}

#[server(endpoint = "espace/profil/ressources")]
pub async fn save_resources(
    monthly_resources: String,
    #[server(default)] income_basis: String,
    #[server(default)] declared_income: String,
    #[server(default)] income_members: Vec<i64>,
    #[server(default)] incomes: Vec<String>,
    #[server(default)] pour: Option<i64>,
) -> Result<(), AppError> {
    use crate::domain::profile::ResourcesInput;
    use crate::ssr::usecases::profiles::PartInput;
    let input = PartInput::Resources {
        input: ResourcesInput {
            monthly_resources,
            income_basis,
            declared_income,
        },
        incomes: income_members.into_iter().zip(incomes).collect(),
    };
    crate::ssr::respond(save_part(pour, input)).await
}

#[server(endpoint = "espace/profil/logement")]
pub async fn save_housing(
    housing_status: String,
    #[server(default)] current_landlord: String,
    #[server(default)] current_typology: String,
    #[server(default)] current_rent: String,
    #[server(default)] pour: Option<i64>,
) -> Result<(), AppError> {
    use crate::domain::profile::HousingInput;
    use crate::ssr::usecases::profiles::PartInput;
    let housing = HousingInput {
        housing_status,
        current_landlord,
        current_typology,
        current_rent,
    };
    crate::ssr::respond(save_part(pour, PartInput::Housing(housing))).await
}

#[server(endpoint = "espace/profil/demande")]
pub async fn save_request(
    sne_number: String,
    first_filing_date: String,
    renewal_date: String,
    #[server(default)] pour: Option<i64>,
) -> Result<(), AppError> {
    use crate::domain::profile::RequestInput;
    use crate::ssr::usecases::profiles::PartInput;
    let request = RequestInput {
        sne_number,
        first_filing_date,
        renewal_date,
    };
    crate::ssr::respond(save_part(pour, PartInput::Request(request))).await
}

#[server(endpoint = "espace/profil/situations")]
pub async fn save_situations(
    #[server(default)] dalo: String,
    #[server(default)] situations: Vec<String>,
    #[server(default)] action_logement_employee: String,
    #[server(default)] pour: Option<i64>,
) -> Result<(), AppError> {
    use crate::ssr::usecases::profiles::PartInput;
    let input = PartInput::Situations {
        dalo: dalo == "on",
        situations,
        action_logement_employee: action_logement_employee == "on",
    };
    crate::ssr::respond(save_part(pour, input)).await
}

#[server(endpoint = "espace/profil/souhaits")]
pub async fn save_wishes(
    #[server(default)] communes: Vec<String>,
    #[server(default)] add_commune: String,
    #[server(default)] typologies: Vec<String>,
    #[server(default)] max_rent: String,
    #[server(default)] pour: Option<i64>,
) -> Result<(), AppError> {
    use crate::domain::profile::WishesInput;
    use crate::ssr::usecases::profiles::PartInput;
    let wishes = WishesInput {
        communes,
        add_commune,
        typologies,
        max_rent,
    };
    crate::ssr::respond(save_part(pour, PartInput::Wishes(wishes))).await
}

/// The page's forms, one server action each.
#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddMember>,
    remove: ServerAction<RemoveMember>,
    resources: ServerAction<SaveResources>,
    housing: ServerAction<SaveHousing>,
    request: ServerAction<SaveRequest>,
    situations: ServerAction<SaveSituations>,
    wishes: ServerAction<SaveWishes>,
    delete_document: ServerAction<DeleteDocument>,
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Mon profil"/>
        <ProfileEditor pour=None/>
    }
}

/// Every part of a profile: the applicant's own, or (`pour`) one staff help at the counter.
#[component]
pub fn ProfileEditor(pour: Option<i64>) -> impl IntoView {
    let actions = Actions {
        add: ServerAction::new(),
        remove: ServerAction::new(),
        resources: ServerAction::new(),
        housing: ServerAction::new(),
        request: ServerAction::new(),
        situations: ServerAction::new(),
        wishes: ServerAction::new(),
        delete_document: ServerAction::new(),
    };
    let profile = Resource::new(|| (), move |_| load_profile(pour));
    view! {
        {loaded(profile, move |view| view! { <ProfileForms view actions/> })}
    }
}

/// Where the profile stands, with a link to each part still to fill in.
#[component]
pub fn CompletenessPanel(
    completeness: crate::domain::profile::Completeness,
    /// The page holding the parts (links go to its anchors).
    #[prop(default = "/espace/profil")]
    base: &'static str,
) -> impl IntoView {
    let percent = completeness.percent();
    let missing: Vec<PartState> = completeness
        .parts
        .into_iter()
        .filter(|p| !p.missing.is_empty())
        .collect();
    view! {
        <div class="completeness">
            <p id="completude-libelle"><strong>{format!("Profil complété à {percent} %")}</strong></p>
            <progress max="100" value=percent aria-labelledby="completude-libelle">{format!("{percent} %")}</progress>
            {(!missing.is_empty()).then(|| view! {
                <ul class="missing">
                    {missing.into_iter().map(|p| view! {
                        <li>
                            <a href=format!("{base}#{}", p.part.anchor())>{p.part.label()}</a>
                            {if p.part.required_to_apply() { " (nécessaire pour postuler)" } else { " (facultatif)" }}
                            " : "{p.missing.join(" ")}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

fn part_status(view: &ProfileView, part: Part) -> impl IntoView + use<> {
    let state = view
        .completeness
        .parts
        .iter()
        .find(|p| p.part == part)
        .cloned();
    let done = state.as_ref().is_none_or(|s| s.missing.is_empty());
    view! {
        <p class=if done { "part-status part-done" } else { "part-status part-todo" }>
            {if done { "✓ Complet" } else { "À compléter" }}
        </p>
    }
}

/// "Saved", from the address the save redirected to.
fn saved_notice(part: Part) -> impl IntoView {
    success_flag("enregistre")
        .is_some_and(|p| p == part.anchor())
        .then(|| view! { <p class="notice" role="status">"Enregistré."</p> })
}

#[component]
fn ProfileForms(view: ProfileView, actions: Actions) -> impl IntoView {
    let header = match view.pour {
        None => view! {
            <section class="panel">
                <p><a href="/espace">"← Mon espace"</a></p>
                <h1>"Mon profil de demandeur"</h1>
                <p>"Chaque partie s'enregistre séparément. Ces informations servent à vérifier, pour chaque offre, si vous pouvez postuler ; le bailleur les contrôlera sur pièces."</p>
                <CompletenessPanel completeness=view.completeness.clone()/>
            </section>
        }
        .into_any(),
        Some(_) => view! {
            <section class="panel">
                <p><a href="/gestion/demandeurs">"← Demandeurs accompagnés"</a></p>
                <h1>{format!("Dossier de {}", view.display_name)}</h1>
                <p>"Vous complétez ce dossier pour le demandeur, avec lui : chaque enregistrement est tracé à votre nom."</p>
                <CompletenessPanel completeness=view.completeness.clone() base=""/>
            </section>
        }
        .into_any(),
    };
    view! {
        {header}
        <HouseholdPart view=view.clone() actions/>
        <ResourcesPart view=view.clone() action=actions.resources/>
        <HousingPart view=view.clone() action=actions.housing/>
        <RequestPart view=view.clone() action=actions.request/>
        <SituationsPart view=view.clone() action=actions.situations/>
        <WishesPart view=view.clone() action=actions.wishes/>
        {view.pour.is_none().then(|| view! { <DocumentsPart view=view.clone() action=actions.delete_document/> })}
    }
}

/// The hidden field that tells the server which applicant staff are helping.
fn pour_input(pour: Option<i64>) -> impl IntoView {
    pour.map(|id| view! { <input type="hidden" name="pour" value=id.to_string()/> })
}

fn member_row(m: Member, remove: ServerAction<RemoveMember>, pour: Option<i64>) -> impl IntoView {
    let rfr = m
        .rfr_n2_eur
        .map(|v| format_euros(i64::from(v) * 100))
        .unwrap_or_else(|| {
            if m.dependant {
                "—".into()
            } else {
                "non renseigné".into()
            }
        });
    let label = format!("Retirer {} du foyer", m.first_name);
    view! {
        <tr>
            <th scope="row">{m.first_name.clone()}</th>
            <td>{m.relationship.label()}</td>
            <td>{m.birth_date.french()}</td>
            <td>{if m.handicap { "Oui" } else { "Non" }}</td>
            <td>{if m.dependant { "Oui" } else { "Non" }}</td>
            <td>{rfr}</td>
            <td>
                <KeptForm action=remove>
                    <input type="hidden" name="member_id" value=m.id.to_string()/>
                    {pour_input(pour)}
                    <button type="submit" class="button button-secondary" aria-label=label>"Retirer"</button>
                </KeptForm>
            </td>
        </tr>
    }
}

#[component]
fn HouseholdPart(view: ProfileView, actions: Actions) -> impl IntoView {
    let errors = field_errors(actions.add.value());
    let members = view.profile.members.clone();
    let has_applicant = members
        .iter()
        .any(|m| m.relationship == Relationship::Applicant);
    let default_relationship = if has_applicant { "" } else { "self" };
    let hint_year = format!(
        "Revenu fiscal de référence {} : il figure sur l'avis d'impôt {} de chaque adulte qui déclare ses revenus.",
        view.income_year,
        view.income_year + 1
    );
    view! {
        <section class="panel" id="foyer" aria-labelledby="foyer-titre">
            <h2 id="foyer-titre">{Part::Household.label()}</h2>
            {part_status(&view, Part::Household)}
            {saved_notice(Part::Household)}
            <FormAlert value=actions.remove.value()/>
            {if members.is_empty() {
                view! { <p>"Aucune personne déclarée. Commencez par vous-même."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption>"Personnes qui vivront dans le logement"</caption>
                            <thead><tr>
                                <th scope="col">"Prénom"</th><th scope="col">"Lien"</th><th scope="col">"Naissance"</th>
                                <th scope="col">"Handicap"</th><th scope="col">"À charge"</th>
                                <th scope="col">{format!("Revenu fiscal {}", view.income_year)}</th><th scope="col">"Action"</th>
                            </tr></thead>
                            <tbody>{members.into_iter().map(|m| member_row(m, actions.remove, view.pour)).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <h3>"Ajouter une personne"</h3>
            <FormAlert value=actions.add.value()/>
            <KeptForm action=actions.add>
                {pour_input(view.pour)}
                <SelectField label="Lien avec vous" name="relationship"
                    options=options(Relationship::ALL, Relationship::code, Relationship::label)
                    selected=default_relationship placeholder="Choisissez" errors/>
                <Field label="Prénom" name="first_name" autocomplete="given-name" errors/>
                <Field label="Date de naissance" name="birth_date" kind="date" errors/>
                <CheckField label="Titulaire de la carte mobilité inclusion, mention invalidité" name="handicap"/>
                <CheckField label="Personne à charge (rattachée fiscalement à un autre membre)" name="dependant"/>
                <Field label="Revenu fiscal de référence N-2 (€)" name="rfr_n2" required=false
                    hint="Pour un adulte qui déclare ses revenus ; 0 s'il n'a eu aucun revenu. Laissez vide pour une personne à charge." errors/>
                <p class="hint">{hint_year}</p>
                <button type="submit" class="button">"Ajouter au foyer"</button>
            </KeptForm>
        </section>
    }
}

#[component]
fn ResourcesPart(view: ProfileView, action: ServerAction<SaveResources>) -> impl IntoView {
    let errors = field_errors(action.value());
    let p = view.profile.clone();
    let taxable: Vec<Member> = p
        .members
        .iter()
        .filter(|m| m.is_taxable())
        .cloned()
        .collect();
    let monthly = p
        .monthly_resources_cents
        .map(|c| format!("{},{:02}", c / 100, c % 100))
        .unwrap_or_default();
    let (basis, declared) = match p.declared_income {
        Some((basis, amount)) => (basis.code().to_string(), amount.to_string()),
        None => (String::new(), String::new()),
    };
    let income_year = view.income_year;
    view! {
        <section class="panel" id="ressources" aria-labelledby="ressources-titre">
            <h2 id="ressources-titre">{Part::Resources.label()}</h2>
            {part_status(&view, Part::Resources)}
            {saved_notice(Part::Resources)}
            <FormAlert value=action.value()/>
            <KeptForm action>
                {pour_input(view.pour)}
                {if taxable.is_empty() {
                    view! { <p>"Ajoutez d'abord les adultes du foyer : leur revenu fiscal de référence se saisit ici."</p> }.into_any()
                } else {
                    // After a refusal, each adult's line shows what was sent for them.
                    let sent = kept_values("income_members").zip(kept_values("incomes"));
                    view! {
                        <fieldset>
                            <legend>{format!("Revenu fiscal de référence {income_year} de chaque adulte (€)")}</legend>
                            {taxable.into_iter().map(move |m| {
                                let value = match &sent {
                                    Some((members, incomes)) => members
                                        .iter()
                                        .position(|id| *id == m.id.to_string())
                                        .and_then(|i| incomes.get(i).cloned())
                                        .unwrap_or_default(),
                                    None => m.rfr_n2_eur.map(|v| v.to_string()).unwrap_or_default(),
                                };
                                let id = format!("income-{}", m.id);
                                let message = move || errors.get().and_then(|e| e.get(&format!("income-{}", m.id)).map(str::to_string));
                                let error_id = format!("income-{}-erreur", m.id);
                                let described = {
                                    let error_id = error_id.clone();
                                    move || message().map(|_| error_id.clone())
                                };
                                view! {
                                    <div class="field">
                                        <label for=id.clone()>{m.first_name.clone()}</label>
                                        <input type="hidden" name="income_members[]" value=m.id.to_string()/>
                                        <input id=id name="incomes[]" inputmode="decimal"
                                            value=value
                                            aria-describedby=described/>
                                        {move || message().map(|text| view! { <p class="field-error" id=error_id.clone()>"Erreur : "{text}</p> })}
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                    }.into_any()
                }}
                <Field label="Ressources mensuelles du foyer (€)" name="monthly_resources" value=monthly
                    hint="Salaires, pensions, allocations (hors aide au logement) de toutes les personnes du foyer, par mois. Elles servent au calcul du taux d'effort."
                    errors/>
                <SelectField label="Vos revenus ont baissé d'au moins 10 % ?" name="income_basis" required=false
                    options=options(IncomeBasis::ALL, IncomeBasis::code, IncomeBasis::label) selected=basis
                    placeholder="Non : revenus de l'année N-2 (cas général)"
                    hint="Dans ce cas, les revenus de l'année dernière ou des 12 derniers mois remplacent ceux de l'avis d'impôt."
                    errors/>
                <Field label="Revenus de cette période, pour tout le foyer (€ par an)" name="declared_income" required=false value=declared errors/>
                <button type="submit" class="button">"Enregistrer les ressources"</button>
            </KeptForm>
        </section>
    }
}

#[component]
fn HousingPart(view: ProfileView, action: ServerAction<SaveHousing>) -> impl IntoView {
    let errors = field_errors(action.value());
    let p = view.profile.clone();
    let statuses: Vec<HousingStatus> = HousingStatus::ALL
        .iter()
        .copied()
        .filter(|s| *s != HousingStatus::Unknown)
        .collect();
    view! {
        <section class="panel" id="logement" aria-labelledby="logement-titre">
            <h2 id="logement-titre">{Part::Housing.label()}</h2>
            {part_status(&view, Part::Housing)}
            {saved_notice(Part::Housing)}
            <FormAlert value=action.value()/>
            <KeptForm action>
                {pour_input(view.pour)}
                <SelectField label="Où logez-vous aujourd'hui ?" name="housing_status"
                    options=options(&statuses, HousingStatus::code, HousingStatus::label)
                    selected=p.housing_status.map(|s| s.code().to_string()).unwrap_or_default()
                    placeholder="Choisissez" hint="Un locataire du parc social demande une mutation : certaines offres lui sont réservées." errors/>
                <Field label="Bailleur social actuel" name="current_landlord" required=false value=p.current_landlord.clone()
                    hint="Pour un locataire du parc social." errors/>
                <SelectField label="Type du logement actuel" name="current_typology" required=false
                    options=options(Typology::ALL, Typology::code, Typology::label)
                    selected=p.current_typology.map(|t| t.code().to_string()).unwrap_or_default()
                    placeholder="Choisissez" hint="Pour un locataire du parc social." errors/>
                <Field label="Loyer mensuel actuel (€)" name="current_rent" required=false
                    value=p.current_rent_cents.map(|c| format!("{},{:02}", c / 100, c % 100)).unwrap_or_default()
                    hint="Pour un locataire." errors/>
                <button type="submit" class="button">"Enregistrer le logement actuel"</button>
            </KeptForm>
        </section>
    }
}

#[component]
fn RequestPart(view: ProfileView, action: ServerAction<SaveRequest>) -> impl IntoView {
    let errors = field_errors(action.value());
    let p = view.profile.clone();
    view! {
        <section class="panel" id="demande" aria-labelledby="demande-titre">
            <h2 id="demande-titre">{Part::Request.label()}</h2>
            {part_status(&view, Part::Request)}
            {saved_notice(Part::Request)}
            <p>"Ces informations figurent sur l'attestation d'enregistrement de votre demande de logement social. Sans numéro unique valide, aucune candidature n'est possible."</p>
            <FormAlert value=action.value()/>
            <KeptForm action>
                {pour_input(view.pour)}
                <Field label="Numéro unique d'enregistrement" name="sne_number" value=p.sne_number.clone().unwrap_or_default()
                    hint="13 ou 18 caractères, par exemple 1111023517879GDPUB." errors/>
                <Field label="Date de dépôt initial" name="first_filing_date" kind="date"
                    value=p.first_filing_date.map(|d| d.iso()).unwrap_or_default() errors/>
                <Field label="Date de renouvellement" name="renewal_date" kind="date"
                    value=p.renewal_date.map(|d| d.iso()).unwrap_or_default()
                    hint="Votre demande doit être renouvelée chaque année avant cette date : nous vous le rappellerons un mois avant." errors/>
                <button type="submit" class="button">"Enregistrer la demande"</button>
            </KeptForm>
        </section>
    }
}

#[component]
fn SituationsPart(view: ProfileView, action: ServerAction<SaveSituations>) -> impl IntoView {
    let errors = field_errors(action.value());
    let p = view.profile.clone();
    let checked: Vec<String> = p.situations.iter().map(|s| s.code().to_string()).collect();
    view! {
        <section class="panel" id="situations" aria-labelledby="situations-titre">
            <h2 id="situations-titre">{Part::Situations.label()}</h2>
            {part_status(&view, Part::Situations)}
            {saved_notice(Part::Situations)}
            <FormAlert value=action.value()/>
            <KeptForm action>
                {pour_input(view.pour)}
                <CheckField label="Ma demande est reconnue prioritaire et urgente au titre du droit au logement opposable (DALO)" name="dalo" checked=p.dalo/>
                <CheckGroup legend="Situations prioritaires et dispositifs (article L441-1 du code de la construction et de l'habitation)"
                    name="situations" options=options(Situation::ALL, Situation::code, Situation::label) checked
                    hint="Cochez ce qui vous concerne : le bailleur vous demandera un justificatif." errors/>
                <CheckField label="Je suis salarié·e d'une entreprise privée de 10 salariés ou plus (offres Action Logement)" name="action_logement_employee" checked=p.action_logement_employee/>
                <button type="submit" class="button">"Enregistrer les situations"</button>
            </KeptForm>
        </section>
    }
}

#[component]
fn WishesPart(view: ProfileView, action: ServerAction<SaveWishes>) -> impl IntoView {
    let errors = field_errors(action.value());
    let p = view.profile.clone();
    let typologies: Vec<String> = p
        .wished_typologies
        .iter()
        .map(|t| t.code().to_string())
        .collect();
    view! {
        <section class="panel" id="souhaits" aria-labelledby="souhaits-titre">
            <h2 id="souhaits-titre">{Part::Wishes.label()}</h2>
            {part_status(&view, Part::Wishes)}
            {saved_notice(Part::Wishes)}
            <FormAlert value=action.value()/>
            <KeptForm action>
                {pour_input(view.pour)}
                {(!view.wished_communes.is_empty()).then(|| view! {
                    <CheckGroup legend="Communes souhaitées" name="communes" options=view.wished_communes.clone()
                        checked=p.wished_communes.clone() hint="Décochez une commune pour la retirer." errors/>
                })}
                <CommuneField label="Ajouter une commune souhaitée" name="add_commune" value=""
                    required=view.wished_communes.is_empty() error=field_message(errors, "add_commune")/>
                <CheckGroup legend="Types de logement souhaités" name="typologies"
                    options=options(Typology::ALL, Typology::code, Typology::label) checked=typologies errors/>
                <Field label="Loyer maximum, charges comprises (€ par mois)" name="max_rent" required=false
                    value=p.max_rent_cents.map(|c| (c / 100).to_string()).unwrap_or_default() errors/>
                <button type="submit" class="button">"Enregistrer les souhaits"</button>
            </KeptForm>
        </section>
    }
}

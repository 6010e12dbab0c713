//! Personal data: the applicant's own ("Mes données": a copy, who read the file, deleting the
//! account), and the public privacy page and legal notice.

use crate::components::form::{ConfirmStep, Field, FormAlert, KeptForm, field_errors};
use crate::components::outcome::loaded;
use crate::error::AppError;
use crate::model::{FileRead, MyData, format_euros};
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "espace/donnees")]
pub async fn load_my_data() -> Result<MyData, AppError> {
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state};
    respond(async move {
        let user = context::applicant().await?;
        crate::ssr::usecases::privacy::my_data(&state()?, &user).await
    })
    .await
}

/// Deletes the signed-in applicant's account, once their password is typed again.
#[server(endpoint = "espace/donnees/supprimer")]
pub async fn delete_my_account(password: String) -> Result<(), AppError> {
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state};
    respond(async move {
        let user = context::applicant().await?;
        if password.is_empty() {
            return Err(AppError::field(
                "password",
                "Indiquez votre mot de passe pour confirmer.",
            ));
        }
        let state = state()?;
        crate::ssr::usecases::privacy::delete_account(&state, &user, password).await?;
        // The account's sessions are gone with it; the browser forgets its cookie too.
        crate::ssr::session::sign_out(&state).await?;
        leptos_axum::redirect("/compte-supprime");
        Ok(())
    })
    .await
}

/// What the privacy page and legal notice state from the settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrivacyStatement {
    pub operator: String,
    pub director: String,
    pub host: String,
    pub dpo_contact: String,
    pub retention_months: u32,
    pub site: String,
}

#[server(endpoint = "confidentialite")]
pub async fn privacy_notice() -> Result<PrivacyStatement, AppError> {
    use crate::ssr::{respond, state};
    respond(async move {
        let state = state()?;
        let privacy = &state.settings.privacy;
        Ok(PrivacyStatement {
            operator: privacy.operator.clone(),
            director: privacy.director.clone(),
            host: privacy.host.clone(),
            dpo_contact: privacy.dpo_contact.clone(),
            retention_months: privacy.retention_months,
            site: state.settings.public_base_url.clone(),
        })
    })
    .await
}

#[component]
pub fn MyDataPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_my_data());
    let delete = ServerAction::<DeleteMyAccount>::new();
    view! {
        <Title text="Mes données personnelles"/>
        {loaded(data, move |data| view! {
            <section class="panel">
                <p><a href="/espace">"← Mon espace"</a></p>
                <h1>"Mes données personnelles"</h1>
                <p>"Voici ce que la plateforme conserve sur vous (votre compte, votre demande et votre foyer, vos candidatures avec leur rang et la décision de la commission, vos justificatifs et vos alertes), qui l'a consulté, et comment supprimer votre compte. "
                   <a href="/confidentialite">"Comment vos données sont traitées"</a></p>
                <p class="actions">
                    <a class="button" href="/espace/donnees.json" download="mes-donnees-locactive.json">"Télécharger mes données (fichier JSON)"</a>
                </p>
                <p class="hint">"Le fichier reprend tout ce qui figure sur cette page, dans un format lisible par un autre service."</p>
            </section>
            <DataSections data/>
            <DeleteAccount action=delete/>
        })}
    }
}

#[component]
fn DataSections(data: MyData) -> impl IntoView {
    let MyData {
        generated_on,
        account,
        profile,
        struck_off_on,
        applications,
        documents,
        saved_searches,
        reads,
    } = data;
    let members = profile.members.clone();
    let line = |label: &'static str, value: String| {
        view! { <dt>{label}</dt><dd>{value}</dd> }
    };
    let or_none = |value: Option<String>| value.unwrap_or_else(|| "non renseigné".to_string());
    let yes_no = |flag: bool| if flag { "oui" } else { "non" }.to_string();
    view! {
        <section class="panel" aria-labelledby="compte-titre">
            <h2 id="compte-titre">"Mon compte"</h2>
            <p class="hint">{format!("État au {generated_on}.")}</p>
            <dl class="facts">
                {line("Adresse e-mail", account.email)}
                {line("Nom", account.display_name)}
                {line("Compte créé le", account.created_on)}
                {line("Dernière connexion", or_none(account.last_sign_in))}
            </dl>
        </section>
        <section class="panel" aria-labelledby="demande-titre">
            <h2 id="demande-titre">"Ma demande et mon foyer"</h2>
            {struck_off_on.map(|on| view! {
                <p class="notice" role="status">{format!("Votre demande a été radiée le {on}, faute de renouvellement.")}</p>
            })}
            <dl class="facts">
                {line("Numéro unique (SNE)", or_none(profile.sne_number.clone()))}
                {line("Première demande", or_none(profile.first_filing_date.map(|d| d.french())))}
                {line("Renouvellement", or_none(profile.renewal_date.map(|d| d.french())))}
                {line("Logement actuel", or_none(profile.housing_status.map(|h| h.label().to_string())))}
                {line("Bailleur actuel", if profile.current_landlord.is_empty() { "non renseigné".to_string() } else { profile.current_landlord.clone() })}
                {line("Ressources mensuelles", or_none(profile.monthly_resources_cents.map(format_euros)))}
                {line("Reconnu prioritaire DALO", yes_no(profile.dalo))}
                {line("Situations déclarées", if profile.situations.is_empty() { "aucune".to_string() } else { profile.situations.iter().map(|s| s.label()).collect::<Vec<_>>().join(" ; ") })}
                {line("Communes souhaitées", if profile.wished_communes.is_empty() { "aucune".to_string() } else { profile.wished_communes.join(", ") })}
                {line("Loyer maximal", or_none(profile.max_rent_cents.map(format_euros)))}
                {line("Salarié d'une entreprise cotisant à Action Logement", yes_no(profile.action_logement_employee))}
            </dl>
            {if members.is_empty() {
                view! { <p>"Aucune personne déclarée dans votre foyer."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table>
                        <caption>"Les personnes du foyer"</caption>
                        <thead><tr>
                            <th scope="col">"Prénom"</th><th scope="col">"Lien"</th><th scope="col">"Naissance"</th>
                            <th scope="col">"Handicap"</th><th scope="col">"À charge"</th><th scope="col">"Revenu fiscal de référence"</th>
                        </tr></thead>
                        <tbody>
                            {members.into_iter().map(|m| view! {
                                <tr>
                                    <th scope="row">{m.first_name}</th>
                                    <td>{m.relationship.label()}</td>
                                    <td>{m.birth_date.french()}</td>
                                    <td>{yes_no(m.handicap)}</td>
                                    <td>{yes_no(m.dependant)}</td>
                                    <td>{m.rfr_n2_eur.map_or_else(|| "—".to_string(), |e| format_euros(i64::from(e) * 100))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="dossier-titre">
            <h2 id="dossier-titre">"Mes candidatures, justificatifs et alertes"</h2>
            <h3>"Candidatures"</h3>
            {if applications.is_empty() {
                view! { <p>"Aucune candidature."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {applications.into_iter().map(|a| {
                            let rank = a.rank.map(|(rank, of)| format!(" ; rang {rank} sur {of}")).unwrap_or_default();
                            let decision = a.decision.as_ref().map(|d| format!(" ; décision de la commission : {}", d.label)).unwrap_or_default();
                            view! {
                                <li>{format!("{} ({}), candidature du {} : {}{rank}{decision}", a.title, a.landlord, a.applied_on, a.status_label)}</li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>"Justificatifs"</h3>
            {if documents.is_empty() {
                view! { <p>"Aucun justificatif."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {documents.into_iter().map(|d| view! {
                            <li>{format!("{} : {} ({} Ko), déposé le {}", d.kind_label, d.filename, d.size_kb, d.added_on)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>"Alertes"</h3>
            {if saved_searches.is_empty() {
                view! { <p>"Aucune alerte."</p> }.into_any()
            } else {
                view! {
                    <ul>{saved_searches.into_iter().map(|s| view! { <li>{s.description}</li> }).collect_view()}</ul>
                }.into_any()
            }}
        </section>
        <ReadsTable reads/>
    }
}

/// "Qui a consulté mon dossier": every read by a landlord's staff or a commission member.
#[component]
fn ReadsTable(reads: Vec<FileRead>) -> impl IntoView {
    view! {
        <section class="panel" id="consultations" aria-labelledby="consultations-titre">
            <h2 id="consultations-titre">"Qui a consulté mon dossier"</h2>
            <p>"Chaque lecture de vos données par le personnel d'un bailleur ou un membre de commission est notée ici, "
               "avec l'organisme et ce qui a été lu. Une même lecture répétée dans l'heure compte une fois."</p>
            {if reads.is_empty() {
                view! { <p>"Personne n'a encore consulté votre dossier."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table>
                        <caption>"Consultations de votre dossier, les plus récentes d'abord"</caption>
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Organisme"</th><th scope="col">"Données consultées"</th></tr></thead>
                        <tbody>
                            {reads.into_iter().map(|r| view! {
                                <tr><td>{r.on}</td><td>{r.reader}</td><td>{r.read}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn DeleteAccount(action: ServerAction<DeleteMyAccount>) -> impl IntoView {
    let errors = field_errors(action.value());
    view! {
        <section class="panel" id="suppression" aria-labelledby="suppression-titre">
            <h2 id="suppression-titre">"Supprimer mon compte"</h2>
            <p>"Votre profil, votre foyer, vos justificatifs et vos alertes seront effacés, et vos candidatures aux offres encore ouvertes retirées. "
               "Ce que la loi demande de garder (les procès-verbaux de commission, les classements et les attributions) reste, "
               "sous un pseudonyme qui ne permet plus de vous nommer. Votre demande au numéro unique (SNE) n'est pas touchée : "
               "elle se gère auprès d'un guichet enregistreur ou sur "
               <a href="https://www.demande-logement-social.gouv.fr">"www.demande-logement-social.gouv.fr"</a>"."</p>
            <FormAlert value=action.value()/>
            <ConfirmStep label="Je veux supprimer mon compte" warning="la suppression est définitive ; votre compte ne pourra pas être rétabli."
                open=Signal::derive(move || matches!(action.value().get(), Some(Err(_))))>
                <KeptForm action>
                    <Field label="Votre mot de passe, pour confirmer" name="password" kind="password" autocomplete="current-password" errors/>
                    <button type="submit" class="button">"Supprimer définitivement mon compte"</button>
                </KeptForm>
            </ConfirmStep>
        </section>
    }
}

#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    view! {
        <Title text="Compte supprimé"/>
        <section class="panel narrow" role="status">
            <h1>"Votre compte est supprimé"</h1>
            <p>"Vos données personnelles sont effacées, sauf ce que la loi demande de garder sous un pseudonyme. Un dernier e-mail vous le confirme."</p>
            <p><a href="/">"Retour à l'accueil"</a></p>
        </section>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let facts = Resource::new(|| (), |_| privacy_notice());
    view! {
        <Title text="Données personnelles"/>
        {loaded(facts, |f| view! {
            <article class="panel">
                <h1>"Vos données personnelles"</h1>
                <h2>"Qui en répond"</h2>
                <p>"Chaque organisme Hlm est responsable du traitement des candidatures faites à ses offres, de leur classement et de leur examen en commission d'attribution (CALEOL). "
                   {format!("La plateforme est exploitée pour leur compte par {}, qui en est le sous-traitant et répond du compte que vous y créez.", f.operator)}</p>
                <p>{format!("Délégué à la protection des données : {}.", f.dpo_contact)}</p>
                <h2>"Pourquoi, et sur quelle base"</h2>
                <ul>
                    <li>"Publier les logements vacants, recevoir vos candidatures, vérifier les conditions d'accès et classer les candidats selon la grille de cotation du territoire."</li>
                    <li>"Préparer l'examen des dossiers par la commission d'attribution, vous informer de sa décision et de ses motifs, suivre la proposition de logement jusqu'au bail."</li>
                    <li>"Vous prévenir par e-mail de chaque étape, et des nouvelles offres si vous créez une alerte."</li>
                </ul>
                <p>"Base légale : l'exécution d'une mission d'intérêt public confiée aux organismes Hlm par le code de la construction et de l'habitation, articles L. 441 et suivants (article 6, paragraphe 1, point e, du RGPD). "
                   "Une situation de handicap n'est traitée que pour l'accès aux logements adaptés, au titre d'un motif d'intérêt public important (article 9, paragraphe 2, point g, du RGPD)."</p>
                <h2>"Ce qui est conservé, et combien de temps"</h2>
                <ul>
                    <li>"Votre profil et vos candidatures, tant que votre demande de logement social est valide : vous devez la renouveler chaque année avant sa date anniversaire ; sinon, elle est radiée."</li>
                    <li>"Vos justificatifs, jusqu'à la fin de votre demande (radiation ou bail signé) : ils sont alors supprimés."</li>
                    <li>{format!("Votre compte et vos données : ils sont supprimés automatiquement {} mois après la radiation de votre demande, ou après {} mois sans connexion si vous n'avez pas de demande enregistrée. Un compte jamais activé est supprimé après 30 jours.", f.retention_months, f.retention_months)}</li>
                    <li>"Les procès-verbaux de commission, les classements et les attributions, que la loi demande de conserver : sous un pseudonyme une fois votre compte supprimé."</li>
                    <li>"Les e-mails envoyés : 30 jours après leur envoi."</li>
                </ul>
                <h2>"Qui y a accès"</h2>
                <p>"Le personnel habilité des bailleurs auxquels vous candidatez, tant que votre candidature est en cours, et les membres de la commission qui examine votre dossier. "
                   "Chaque consultation de votre dossier (classement, justificatifs, séance de commission, procès-verbal, suivi après la commission, liste des locataires ou des demandeurs accompagnés) est notée, et vous la voyez dans « Mes données personnelles ». "
                   "Aucune donnée personnelle ne figure sur les pages publiques ni dans les chiffres publiés."</p>
                <h2>"Vos droits"</h2>
                <p>"Vous pouvez consulter et télécharger toutes vos données, les corriger dans votre profil, et supprimer votre compte, depuis « Mes données personnelles » (une fois connecté). "
                   "Vous pouvez aussi demander la limitation d'un traitement ou vous y opposer, en écrivant au délégué à la protection des données. "
                   "Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL : "
                   <a href="https://www.cnil.fr/fr/plaintes">"www.cnil.fr/fr/plaintes"</a>"."</p>
                <p><a href="/espace/donnees">"Mes données personnelles"</a>" · "<a href="/mentions-legales">"Mentions légales"</a></p>
            </article>
        })}
    }
}

#[component]
pub fn LegalNoticePage() -> impl IntoView {
    let facts = Resource::new(|| (), |_| privacy_notice());
    view! {
        <Title text="Mentions légales"/>
        {loaded(facts, |f| view! {
            <article class="panel">
                <h1>"Mentions légales"</h1>
                <h2>"Éditeur"</h2>
                <p>{format!("Le site {} est édité et exploité par {}.", f.site, f.operator)}</p>
                <p>{format!("Directeur ou directrice de la publication : {}.", f.director)}</p>
                <h2>"Hébergement"</h2>
                <p>{f.host.clone()}</p>
                <p>{format!("Contact pour les données personnelles : {}.", f.dpo_contact)}</p>
                <h2>"Les offres"</h2>
                <p>"Chaque offre est publiée par le bailleur social qui la propose ; il en répond, et la commission d'attribution reste souveraine dans ses décisions."</p>
                <h2>"Logiciel"</h2>
                <p>"locactive, logiciel de location active du logement social."</p>
                <p><a href="/confidentialite">"Vos données personnelles"</a></p>
            </article>
        })}
    }
}

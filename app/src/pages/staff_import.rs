//! Bulk import of units from a CSV file: upload (a plain multipart form, handled by the server's
//! upload route), the dry-run report with every error and its line, then confirmation.

use crate::components::form::FormAlert;
use crate::components::form::KeptForm;
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::error::AppError;
use crate::model::ImportReport;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The columns of the import file, with what each holds.
#[server(endpoint = "gestion/import/colonnes")]
pub async fn load_import_home() -> Result<(Vec<(String, String)>, Vec<ImportReport>), AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state, store::imports};
    respond(async move {
        let user = require(&[Role::Staff]).await?;
        let organisation = user.organisation.ok_or(AppError::Forbidden)?;
        let recent = imports::recent(state()?.db.pool(), organisation.id).await?;
        let columns = crate::ssr::import::COLUMNS
            .iter()
            .map(|(name, what)| (name.to_string(), what.to_string()))
            .collect();
        Ok((columns, recent))
    })
    .await
}

#[server(endpoint = "gestion/import/rapport")]
pub async fn load_import(id: i64) -> Result<ImportReport, AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond, state, store::imports};
    respond(async move {
        let user = require(&[Role::Staff]).await?;
        let organisation = user.organisation.ok_or(AppError::Forbidden)?;
        imports::report(state()?.db.pool(), organisation.id, id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// Writes a checked import, all rows or none. The file is checked again first: the stock may
/// have changed since the dry run.
#[server(endpoint = "gestion/import/appliquer")]
pub async fn apply_import(id: i64) -> Result<(), AppError> {
    use crate::ssr::usecases::{self, Staff};
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = Staff::current().await?;
        let state = state()?;
        if !state
            .import_limiter
            .allow(&format!("user:{}", staff.user_id))
        {
            return Err(AppError::RateLimited);
        }
        usecases::units::apply_import(&state, staff, id).await?;
        leptos_axum::redirect(&format!("/gestion/import/{id}"));
        Ok(())
    })
    .await
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let home = Resource::new(|| (), |_| load_import_home());
    let missing_file = use_query_map().read_untracked().get("fichier").is_some();
    view! {
        <Title text="Importer des logements"/>
        {loaded(home, move |(columns, recent)| view! {
            <section class="panel">
                <p><a href="/gestion">"← Retour au parc"</a></p>
                <h1>"Importer des logements (CSV)"</h1>
                <p>"Une ligne par logement. La première ligne nomme les colonnes, dans n'importe quel ordre ; "
                   "séparateur point-virgule ou virgule ; encodage UTF-8 ou Windows-1252 (Excel). "
                   "Une référence déjà connue met à jour le logement correspondant."</p>
                <p>"Le fichier est d'abord vérifié en entier : rien n'est enregistré tant que vous n'avez pas confirmé, "
                   "et rien du tout s'il contient une seule erreur."</p>
                {missing_file.then(|| view! { <div class="form-alert" role="alert"><p><strong>"Erreur : "</strong>"Choisissez un fichier CSV à envoyer."</p></div> })}
                // A plain multipart form: it works the same with or without JavaScript.
                <form method="post" action="/gestion/import/fichier" enctype="multipart/form-data">
                    <div class="field">
                        <label for="fichier">"Fichier CSV"<span class="required" aria-hidden="true">" *"</span></label>
                        <p class="hint" id="fichier-aide">"5 Mo et 20 000 lignes au plus."</p>
                        <crate::components::form::FileInput id="fichier" name="fichier" accept=".csv,text/csv" max_bytes=crate::domain::limits::IMPORT_BYTES/>
                    </div>
                    <button type="submit" class="button">"Vérifier le fichier"</button>
                </form>
                <h2>"Colonnes"</h2>
                <div class="table-wrap">
                    <table>
                        <caption>"Colonnes du fichier d'import"</caption>
                        <thead><tr><th scope="col">"Nom"</th><th scope="col">"Contenu"</th></tr></thead>
                        <tbody>
                            {columns.into_iter().map(|(name, what)| view! { <tr><td><code>{name}</code></td><td>{what}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(!recent.is_empty()).then(|| view! {
                    <h2>"Imports récents"</h2>
                    <ul>
                        {recent.into_iter().map(|r| view! {
                            <li><a href=format!("/gestion/import/{}", r.id)>{format!("Import n° {} — {}", r.id, r.filename)}</a>" — "{status_label(&r.status)}</li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
        })}
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "checked" => "vérifié, en attente de confirmation",
        "invalid" => "refusé (erreurs)",
        "applied" => "importé",
        _ => "inconnu",
    }
}

#[component]
pub fn ImportReportPage() -> impl IntoView {
    let id = id_param();
    let apply = ServerAction::<ApplyImport>::new();
    let report = Resource::new(id, load_import);
    view! {
        <Title text="Import de logements"/>
        {loaded(report, move |report| view! { <Report report apply/> })}
    }
}

#[component]
fn Report(report: ImportReport, apply: ServerAction<ApplyImport>) -> impl IntoView {
    let summary = match report.status.as_str() {
        "applied" => format!(
            "Import terminé : {} logement(s) créé(s), {} mis à jour.",
            report.new_units, report.updated_units
        ),
        "checked" => format!(
            "Le fichier est correct : {} ligne(s), soit {} logement(s) à créer et {} à mettre à jour. Rien n'est encore enregistré.",
            report.rows, report.new_units, report.updated_units
        ),
        _ => format!(
            "Le fichier contient {} erreur(s) : rien n'a été enregistré. Corrigez-le et envoyez-le de nouveau.",
            report.errors.len()
        ),
    };
    let id = report.id.to_string();
    view! {
        <section class="panel">
            <p><a href="/gestion/import">"← Importer un autre fichier"</a>" · "<a href="/gestion">"Retour au parc"</a></p>
            <h1>{format!("Import n° {} — {}", report.id, report.filename)}</h1>
            <p class="notice" role="status">{summary}</p>
            <FormAlert value=apply.value()/>
            {(report.status == "checked").then(|| view! {
                <KeptForm action=apply>
                    <input type="hidden" name="id" value=id.clone()/>
                    <button type="submit" class="button">{format!("Importer ces {} logement(s)", report.new_units + report.updated_units)}</button>
                </KeptForm>
            })}
            {(!report.errors.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table>
                        <caption>"Erreurs, par ligne du fichier (la ligne 1 nomme les colonnes)"</caption>
                        <thead><tr><th scope="col">"Ligne"</th><th scope="col">"Colonne"</th><th scope="col">"Erreur"</th></tr></thead>
                        <tbody>
                            {report.errors.iter().take(500).map(|e| view! { <tr>
                                <td>{e.line}</td><td>{e.column.clone().unwrap_or_default()}</td><td>{e.message.clone()}</td>
                            </tr> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

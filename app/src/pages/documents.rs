//! The applicant's proofs on their profile page: the list, deletion, and the plain multipart form
//! that sends a file to the upload route (files do not travel through server functions).

use crate::components::form::FormAlert;
use crate::components::form::KeptForm;
use crate::error::AppError;
use crate::model::ProfileView;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[server(endpoint = "espace/document/supprimer")]
pub async fn delete_document(document_id: i64) -> Result<(), AppError> {
    use crate::ssr::subject as context;
    use crate::ssr::{respond, store::documents};
    respond(async move {
        let user = context::applicant().await?;
        let mut conn = crate::ssr::state()?.db.pool().acquire().await?;
        if !documents::delete(&mut conn, user.id, document_id).await? {
            return Err(AppError::NotFound);
        }
        leptos_axum::redirect("/espace/profil?document=supprime#justificatifs");
        Ok(())
    })
    .await
}

/// What the upload route reported, from the address it redirected to.
fn document_notice() -> Option<(String, bool)> {
    use crate::domain::documents::DocumentProblem;
    let query = use_query_map().read_untracked();
    let code = query.get("document")?;
    match code.as_str() {
        "ajoute" => Some(("Le justificatif est ajouté.".into(), false)),
        "supprime" => Some(("Le justificatif est supprimé.".into(), false)),
        other => DocumentProblem::from_code(other).map(|p| (p.message().to_string(), true)),
    }
}

#[component]
pub fn DocumentsPart(view: ProfileView, action: ServerAction<DeleteDocument>) -> impl IntoView {
    use crate::domain::documents::DocumentKind;
    let notice = document_notice().map(|(text, problem)| {
        if problem {
            view! { <div class="form-alert" role="alert"><p><strong>"Erreur : "</strong>{text}</p></div> }.into_any()
        } else {
            view! { <p class="notice" role="status">{text}</p> }.into_any()
        }
    });
    let documents = view.documents.clone();
    view! {
        <section class="panel" id="justificatifs" aria-labelledby="justificatifs-titre">
            <h2 id="justificatifs-titre">"Justificatifs"</h2>
            <p>"Ajoutez ici vos pièces une fois pour toutes : elles servent à chaque candidature. Seuls vous et le bailleur d'une offre à laquelle vous avez postulé pouvez les ouvrir."</p>
            {notice}
            <FormAlert value=action.value()/>
            {if documents.is_empty() {
                view! { <p>"Aucun justificatif pour l'instant."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption>"Mes justificatifs"</caption>
                            <thead><tr>
                                <th scope="col">"Nature"</th><th scope="col">"Fichier"</th><th scope="col">"Ajouté le"</th>
                                <th scope="col">"Valable jusqu'au"</th><th scope="col">"Action"</th>
                            </tr></thead>
                            <tbody>
                                {documents.into_iter().map(|d| {
                                    let label = format!("Supprimer {}", d.filename);
                                    let validity = match (&d.valid_until, d.expired) {
                                        (Some(day), true) => format!("{day} — expiré, à remplacer"),
                                        (Some(day), false) => day.clone(),
                                        (None, _) => "—".to_string(),
                                    };
                                    view! {
                                        <tr class:expired=d.expired>
                                            <td>{d.kind_label.clone()}</td>
                                            <td><a href=format!("/documents/{}", d.id)>{d.filename.clone()}</a>{format!(" ({} Ko)", d.size_kb)}</td>
                                            <td>{d.added_on.clone()}</td>
                                            <td>{d.expired.then_some(view! { <strong>"⚠ "</strong> })}{validity}</td>
                                            <td>
                                                <KeptForm action>
                                                    <input type="hidden" name="document_id" value=d.id.to_string()/>
                                                    <button type="submit" class="button button-secondary" aria-label=label>"Supprimer"</button>
                                                </KeptForm>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <h3>"Ajouter un justificatif"</h3>
            // A plain multipart form: files do not travel through server functions.
            <form method="post" action="/espace/documents" enctype="multipart/form-data">
                <div class="field">
                    <label for="document-kind">"Nature du justificatif"<span class="required" aria-hidden="true">" *"</span></label>
                    <select id="document-kind" name="kind" required>
                        <option value="">"Choisissez"</option>
                        {DocumentKind::ALL.iter().map(|k| view! { <option value=k.code()>{k.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="document-valid-until">"Valable jusqu'au"</label>
                    <p class="hint" id="document-valid-until-aide">"Pour une pièce qui expire (titre de séjour, attestation) ; sinon laissez vide."</p>
                    <input id="document-valid-until" name="valid_until" type="date" aria-describedby="document-valid-until-aide"/>
                </div>
                <div class="field">
                    <label for="document-file">"Fichier"<span class="required" aria-hidden="true">" *"</span></label>
                    <p class="hint" id="document-file-aide">{format!("PDF, JPEG ou PNG, {} au plus. Un scan en qualité « document » (150 ou 200 points par pouce) tient largement dans cette limite.", crate::domain::limits::megabytes(crate::domain::limits::DOCUMENT_BYTES as u64))}</p>
                    <crate::components::form::FileInput id="document-file" name="file" accept="application/pdf,image/jpeg,image/png" max_bytes=crate::domain::limits::DOCUMENT_BYTES/>
                </div>
                <button type="submit" class="button">"Envoyer le justificatif"</button>
            </form>
        </section>
    }
}

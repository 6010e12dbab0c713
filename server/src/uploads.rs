//! File uploads, which do not fit the server-function form encoding: a plain multipart form post
//! that works without JavaScript, answered with a redirect to the page showing the outcome.

use crate::answers::{forbidden, page, signed_in, staff_caller};
use app::model::Role;
use app::ssr::import;
use app::ssr::store::imports;
use app::ssr::usecases::units::PhotoOutcome;
use app::ssr::usecases::{self, Staff};
use app::ssr::{AppState, Caller};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

/// Where staff send a CSV file of units to be checked.
pub const IMPORT_PATH: &str = "/gestion/import/fichier";
/// Where applicants send their proofs.
pub const DOCUMENTS_PATH: &str = "/espace/documents";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            IMPORT_PATH,
            post(check_units_file).layer(DefaultBodyLimit::max(crate::http::UPLOAD_LIMIT_BYTES)),
        )
        .route(
            "/gestion/logements/{id}/photos",
            post(add_photo).layer(DefaultBodyLimit::max(crate::http::UPLOAD_LIMIT_BYTES)),
        )
        .route(
            DOCUMENTS_PATH,
            post(add_document).layer(DefaultBodyLimit::max(crate::http::UPLOAD_LIMIT_BYTES)),
        )
}

/// The body limit of an upload route (the file plus its multipart envelope), `None` elsewhere.
pub fn upload_limit(path: &str) -> Option<usize> {
    const ENVELOPE: usize = 64 * 1024;
    if path == IMPORT_PATH {
        return Some(import::MAX_BYTES + ENVELOPE);
    }
    if path == DOCUMENTS_PATH {
        return Some(app::domain::documents::MAX_BYTES + ENVELOPE);
    }
    path.strip_prefix("/gestion/logements/")
        .and_then(|rest| rest.strip_suffix("/photos"))
        .filter(|id| id.bytes().all(|b| b.is_ascii_digit()))
        .map(|_| app::ssr::photos::MAX_BYTES + ENVELOPE)
}

async fn add_photo(
    State(state): State<AppState>,
    Path(unit_id): Path<String>,
    caller: Caller,
    mut multipart: Multipart,
) -> Response {
    let Ok(unit_id) = unit_id.parse::<i64>() else {
        return page(
            StatusCode::NOT_FOUND,
            "La ressource demandée est introuvable.",
        );
    };
    let (user, organisation) = match staff_caller(caller) {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let back = |code: &str| {
        Redirect::to(&format!("/gestion/logements/{unit_id}?photo={code}#photos")).into_response()
    };
    if !state.import_limiter.allow(&format!("user:{}", user.id)) {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            "Trop d'envois en peu de temps. Patientez avant de réessayer.",
        );
    }
    let (mut bytes, mut alt) = (None, String::new());
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("photo") => match field.bytes().await {
                    Ok(b) => bytes = Some(b.to_vec()),
                    Err(_) => return back("taille"),
                },
                Some("alt") => alt = field.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back("envoi"),
        }
    }
    let alt = alt.trim().to_string();
    if !(3..=200).contains(&alt.chars().count()) {
        return back("alt");
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return back("type");
    };
    let staff = Staff {
        user_id: user.id,
        organisation_id: organisation.id,
    };
    match usecases::units::add_photo(&state, staff, unit_id, &alt, bytes).await {
        Ok(PhotoOutcome::Added) => back("ajoutee"),
        Ok(PhotoOutcome::Full) => back("nombre"),
        Ok(PhotoOutcome::Refused(problem)) => back(problem.code()),
        // Not a unit of theirs: the same answer as for a unit that does not exist.
        Ok(PhotoOutcome::NotFound) => page(
            StatusCode::NOT_FOUND,
            "La ressource demandée est introuvable.",
        ),
        // The cause was logged where it happened.
        Err(_) => back("envoi"),
    }
}

async fn check_units_file(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> Response {
    let (user, organisation) = match staff_caller(caller) {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    if !state.import_limiter.allow(&format!("user:{}", user.id)) {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            "Trop d'imports en peu de temps. Patientez avant de réessayer.",
        );
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("fichier") => {
                let name = field
                    .file_name()
                    .unwrap_or("import.csv")
                    .chars()
                    .take(120)
                    .collect();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => {
                        return page(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "Le fichier est trop volumineux (5 Mo au plus) ou l'envoi a été interrompu.",
                        );
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return page(
                    StatusCode::BAD_REQUEST,
                    "L'envoi du fichier a échoué : réessayez.",
                );
            }
        }
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Redirect::to("/gestion/import?fichier=absent").into_response();
    };
    let context = match import::OwnedUnitContext::of(state.db.pool(), organisation.id).await {
        Ok(t) => t,
        Err(error) => {
            tracing::error!(%error, "reading the organisation's territories failed");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le contrôle du fichier a échoué : réessayez dans un instant.",
            );
        }
    };
    // Parsing a large file is CPU work: off the async runtime.
    let checked = match tokio::task::spawn_blocking(move || {
        let checked = import::check(&bytes, &context.get(), &mut |_| {});
        (checked, import::decode(&bytes))
    })
    .await
    {
        Ok(result) => result,
        Err(error) => {
            tracing::error!(%error, "import check panicked");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le fichier n'a pas pu être lu.",
            );
        }
    };
    let (checked, content) = checked;
    let pool = state.db.pool();
    let (new_units, updated_units) =
        match import::count_new(pool, organisation.id, &checked.rows).await {
            Ok(counts) => counts,
            Err(error) => {
                tracing::error!(%error, "import count failed");
                return page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Le service a rencontré un problème. Réessayez dans un instant.",
                );
            }
        };
    let stored = imports::insert(
        pool,
        &imports::NewImport {
            organisation_id: organisation.id,
            user_id: user.id,
            filename: &filename,
            content: &content,
            rows: (checked.rows.len() + checked.errors.len()) as i64,
            new_units: new_units as i64,
            updated_units: updated_units as i64,
            errors: &checked.errors,
        },
    )
    .await;
    match stored {
        Ok(id) => Redirect::to(&format!("/gestion/import/{id}")).into_response(),
        Err(error) => {
            tracing::error!(%error, "import record failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            )
        }
    }
}

/// An applicant adds a proof: checked from its bytes, kept as sent.
async fn add_document(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> Response {
    use app::domain::documents::{self, DocumentProblem};
    let user = match signed_in(caller) {
        Ok(user) if user.role == Role::Applicant => user,
        Ok(_) => return forbidden(),
        Err(answer) => return answer,
    };
    let back = |code: &str| {
        Redirect::to(&format!("/espace/profil?document={code}#justificatifs")).into_response()
    };
    if !state.import_limiter.allow(&format!("user:{}", user.id)) {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            "Trop d'envois en peu de temps. Patientez avant de réessayer.",
        );
    }
    let (mut kind, mut valid_until, mut file) = (String::new(), String::new(), None);
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("kind") => kind = field.text().await.unwrap_or_default(),
                Some("valid_until") => valid_until = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes.to_vec())),
                        Err(_) => return back(DocumentProblem::TooLarge.code()),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back(DocumentProblem::TooLarge.code()),
        }
    }
    let (filename, bytes) = file.unwrap_or_default();
    let valid = match documents::check(&kind, &valid_until, &filename, &bytes) {
        Ok(valid) => valid,
        Err(problem) => return back(problem.code()),
    };
    let stored = async {
        let mut tx = app::ssr::db::begin_write(state.db.pool()).await?;
        if app::ssr::store::documents::count_for(&mut tx, user.id).await?
            >= documents::MAX_PER_APPLICANT
        {
            return Ok(None);
        }
        let id = app::ssr::store::documents::insert(&mut tx, user.id, &valid, bytes).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some(id))
    }
    .await;
    match stored {
        Ok(Some(_)) => back("ajoute"),
        Ok(None) => back(DocumentProblem::TooMany.code()),
        Err(error) => {
            tracing::error!(%error, "document insert failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            )
        }
    }
}

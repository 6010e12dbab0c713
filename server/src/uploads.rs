//! File uploads, which do not fit the server-function form encoding: a plain multipart form post
//! that works without JavaScript, answered with a redirect to the page showing the outcome.

use app::model::Role;
use app::ssr::AppState;
use app::ssr::import;
use app::ssr::store::imports;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

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
        .route("/documents/{id}", get(document))
        .route("/gestion/offres/{id}/classement.csv", get(ranking_csv))
        .route("/commission/seances/{id}/pv.pdf", get(minutes_pdf))
        .route("/photos/{id}", get(photo_large))
        .route("/photos/{id}/vignette", get(photo_thumb))
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
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    use app::ssr::photos;
    let Ok(unit_id) = unit_id.parse::<i64>() else {
        return page(
            StatusCode::NOT_FOUND,
            "La ressource demandée est introuvable.",
        );
    };
    let (user, organisation) = match staff_caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let back = |code: &str| {
        Redirect::to(&format!("/gestion/logements/{unit_id}?photo={code}")).into_response()
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
    let pool = state.db.pool();
    match app::ssr::store::photos::count_for_unit(pool, unit_id).await {
        Ok(n) if n >= photos::MAX_PER_UNIT => return back("nombre"),
        Ok(_) => {}
        Err(error) => {
            tracing::error!(%error, "photo count failed");
            return back("envoi");
        }
    }
    // Decoding and resizing are CPU work: off the async runtime.
    let processed = match tokio::task::spawn_blocking(move || photos::process(&bytes)).await {
        Ok(Ok(processed)) => processed,
        Ok(Err(problem)) => return back(problem.code()),
        Err(error) => {
            tracing::error!(%error, "photo processing panicked");
            return back("illisible");
        }
    };
    let stored = async {
        let mut tx = app::ssr::db::begin_write(pool).await?;
        let id =
            app::ssr::store::photos::insert(&mut tx, organisation.id, unit_id, &alt, &processed)
                .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(id)
    }
    .await;
    match stored {
        Ok(Some(_)) => back("ajoutee"),
        // Not a unit of theirs: the same answer as for a unit that does not exist.
        Ok(None) => page(
            StatusCode::NOT_FOUND,
            "La ressource demandée est introuvable.",
        ),
        Err(error) => {
            tracing::error!(%error, "photo insert failed");
            back("envoi")
        }
    }
}

async fn photo(state: AppState, headers: HeaderMap, id: String, thumb: bool) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return page(StatusCode::NOT_FOUND, "Photo introuvable.");
    };
    // Staff see their organisation's photos before publication; everyone else, published ones.
    let staff_of = match app::ssr::user_for_headers(&state, &headers).await {
        Ok(Some(user)) if user.role == Role::Staff => user.organisation.map(|o| o.id),
        _ => None,
    };
    match app::ssr::store::photos::bytes(state.db.pool(), id, thumb, staff_of).await {
        Ok(Some(bytes)) => (
            [
                ("content-type", "image/jpeg"),
                // A photo never changes under its id (a new upload gets a new id).
                (
                    "cache-control",
                    if staff_of.is_some() {
                        "private, max-age=86400"
                    } else {
                        "public, max-age=86400"
                    },
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => page(StatusCode::NOT_FOUND, "Photo introuvable."),
        Err(error) => {
            tracing::error!(%error, "photo read failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème.",
            )
        }
    }
}

async fn photo_large(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    photo(state, headers, id, false).await
}

async fn photo_thumb(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    photo(state, headers, id, true).await
}

fn page(status: StatusCode, message: &str) -> Response {
    let mut response = (
        status,
        [
            ("content-type", "text/plain; charset=utf-8"),
            // Marks the message as the site's own, shown on the error page (error_pages.rs).
            ("content-language", "fr"),
        ],
        message.to_string(),
    )
        .into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        // The upload limits count per hour: past that, the sender is sure to be let in.
        response
            .headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("3600"));
    }
    response
}

/// The signed-in user, or the answer for anyone else: sign in first.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<app::model::CurrentUser, Response> {
    match app::ssr::user_for_headers(state, headers).await {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(Redirect::to("/connexion").into_response()),
        Err(_) => Err(page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Le service a rencontré un problème. Réessayez dans un instant.",
        )),
    }
}

fn forbidden() -> Response {
    page(
        StatusCode::FORBIDDEN,
        "Vous n'avez pas accès à cette ressource.",
    )
}

/// The signed-in staff member and their organisation, or the answer for anyone else: sign in
/// first (anonymous), or 403.
async fn staff_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(app::model::CurrentUser, app::model::NamedRef), Response> {
    let user = signed_in(state, headers).await?;
    match (user.role, user.organisation.clone()) {
        (Role::Staff, Some(organisation)) => Ok((user, organisation)),
        _ => Err(forbidden()),
    }
}

async fn check_units_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let (user, organisation) = match staff_caller(&state, &headers).await {
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
    let context =
        match import::OwnedUnitContext::of(state.db.pool(), organisation.id).await {
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
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    use app::domain::documents::{self, DocumentProblem};
    let user = match signed_in(&state, &headers).await {
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

/// A proof, for its owner or for staff of a landlord the owner applied to; 404 for anyone else.
async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    use app::ssr::store::documents::{Reader, read};
    let not_found = || page(StatusCode::NOT_FOUND, "Justificatif introuvable.");
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let mut staff_reader = None;
    let reader = match signed_in(&state, &headers).await {
        Ok(user) => match (user.role, user.organisation) {
            (Role::Applicant, _) => Reader::Applicant(user.id),
            (Role::Staff, Some(organisation)) => {
                staff_reader = Some((user.id, organisation.id));
                Reader::Staff(organisation.id)
            }
            _ => return forbidden(),
        },
        Err(answer) => return answer,
    };
    match read(state.db.pool(), id, reader).await {
        Ok(Some((filename, content_type, bytes))) => {
            // Staff opening an applicant's proof is personal data access: recorded.
            if let Some((user_id, organisation_id)) = staff_reader {
                let logged = record_access(
                    &state,
                    (user_id, organisation_id),
                    "document.read",
                    &format!("document:{id}"),
                )
                .await;
                if let Err(error) = logged {
                    tracing::error!(%error, "audit of a document read failed; not served");
                    return page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Le service a rencontré un problème. Réessayez dans un instant.",
                    );
                }
            }
            // The name was cleaned of quotes and separators when the file was stored.
            let disposition = format!(
                "attachment; filename=\"{}\"",
                filename.replace(|c: char| !c.is_ascii(), "_")
            );
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            for (name, value) in [
                ("content-type", content_type),
                ("content-disposition", disposition),
                ("cache-control", "private, no-store".to_string()),
            ] {
                if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
                    headers.insert(name, value);
                }
            }
            response
        }
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(%error, "document read failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            )
        }
    }
}

/// The ranking of one of the caller's offers as a CSV file; the export is audit-logged, since it
/// carries applicants' personal data out of the platform.
async fn ranking_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    use app::ssr::store::rankings;
    let (user, organisation) = match staff_caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let not_found = || page(StatusCode::NOT_FOUND, "Classement introuvable.");
    let Ok(offer_id) = id.parse::<i64>() else {
        return not_found();
    };
    let failed = |error: &dyn std::fmt::Display| {
        tracing::error!(%error, offer_id, "ranking export failed");
        page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Le service a rencontré un problème. Réessayez dans un instant.",
        )
    };
    let view = match rankings::view(state.db.pool(), organisation.id, offer_id).await {
        Ok(Some(view)) => view,
        Ok(None) => return not_found(),
        Err(error) => return failed(&error),
    };
    let csv = match rankings::to_csv(&view) {
        Ok(csv) => csv,
        Err(error) => return failed(&error),
    };
    let logged = record_access(
        &state,
        (user.id, organisation.id),
        "ranking.export",
        &format!("offer:{offer_id}"),
    )
    .await;
    if let Err(error) = logged {
        return failed(&error);
    }
    (
        [
            ("content-type", "text/csv; charset=utf-8".to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"classement-offre-{offer_id}.csv\""),
            ),
        ],
        // A byte-order mark so that spreadsheets read the accents as UTF-8.
        format!("\u{feff}{csv}"),
    )
        .into_response()
}

/// The minutes of a closed session as a PDF, for the commission's members and the landlord's
/// staff.
async fn minutes_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    use app::ssr::store::caleol::{self, Viewer};
    let user = match signed_in(&state, &headers).await {
        Ok(user) => user,
        Err(refusal) => return refusal,
    };
    let viewer = match (user.role, &user.commission, &user.organisation) {
        (Role::Member, Some(commission), _) => Viewer::Member {
            user_id: user.id,
            commission_id: commission.id,
        },
        (Role::Staff, _, Some(organisation)) => Viewer::Staff {
            organisation_id: organisation.id,
        },
        _ => return forbidden(),
    };
    let not_found = || page(StatusCode::NOT_FOUND, "Procès-verbal introuvable.");
    let Ok(session_id) = id.parse::<i64>() else {
        return not_found();
    };
    match caleol::minutes(state.db.pool(), session_id, viewer).await {
        Ok(Some(minutes)) => (
            [
                ("content-type", "application/pdf".to_string()),
                (
                    "content-disposition",
                    format!("attachment; filename=\"pv-seance-{session_id}.pdf\""),
                ),
            ],
            app::ssr::minutes::to_pdf(&minutes),
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(%error, session_id, "minutes export failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            )
        }
    }
}

/// Records in the audit log that a staff member read applicants' personal data, before it is
/// served: a read that cannot be recorded is not served.
async fn record_access(
    state: &AppState,
    (user_id, organisation_id): (i64, i64),
    action: &str,
    subject: &str,
) -> Result<(), sqlx::Error> {
    let mut conn = state.db.pool().acquire().await?;
    app::ssr::store::audit::record(
        &mut conn,
        app::ssr::store::audit::AuditEntry {
            actor_user_id: Some(user_id),
            organisation_id: Some(organisation_id),
            action,
            subject,
            detail: "",
        },
    )
    .await
}

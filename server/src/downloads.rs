//! Files served to those who may read them: unit photos, applicants' proofs, a ranking as CSV and
//! the minutes as PDF. Reads of personal data by staff are recorded before they are served.

use crate::answers::{forbidden, page, signed_in, staff_caller};
use app::model::Role;
use app::ssr::{AppState, Caller};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Who calls, for a route that also serves anyone: a session that cannot be read (the database
/// is down) is an anonymous visitor, who still sees published photos.
type CallerOrNot = Result<Caller, app::error::AppError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/documents/{id}", get(document))
        .route("/espace/donnees.json", get(my_data))
        .route("/gestion/offres/{id}/classement.csv", get(ranking_csv))
        .route("/commission/seances/{id}/pv.pdf", get(minutes_pdf))
        .route("/resultats.csv", get(results_csv))
        .route("/gestion/flux/bilan/{id}/bilan.csv", get(bilan_csv))
        .route("/gestion/flux/bilan/{id}/bilan.pdf", get(bilan_pdf))
        .route("/reservataire/bilan.csv", get(my_bilan_csv))
        .route("/reservataire/bilan.pdf", get(my_bilan_pdf))
        .route("/photos/{id}", get(photo_large))
        .route("/photos/{id}/vignette", get(photo_thumb))
}

async fn photo(state: AppState, caller: CallerOrNot, id: String, thumb: bool) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return page(StatusCode::NOT_FOUND, "Photo introuvable.");
    };
    // Staff see their organisation's photos before publication; everyone else, published ones.
    let staff_of = match caller {
        Ok(Caller(Some(user))) if user.role == Role::Staff => user.organisation.map(|o| o.id),
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
    caller: CallerOrNot,
) -> Response {
    photo(state, caller, id, false).await
}

async fn photo_thumb(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: CallerOrNot,
) -> Response {
    photo(state, caller, id, true).await
}

/// A proof, for its owner or for staff of a landlord the owner applied to; 404 for anyone else.
async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> Response {
    use app::ssr::store::documents::{self, read};
    use app::ssr::store::file_reads::{Read, Reader};
    use app::ssr::usecases::privacy::record_read;
    let not_found = || page(StatusCode::NOT_FOUND, "Justificatif introuvable.");
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let mut staff_reader = None;
    let reader = match signed_in(caller) {
        Ok(user) => match (user.role, user.organisation) {
            (Role::Applicant, _) => documents::Reader::Applicant(user.id),
            (Role::Staff, Some(organisation)) => {
                staff_reader = Some((user.id, organisation.id));
                documents::Reader::Staff(organisation.id)
            }
            _ => return forbidden(),
        },
        Err(answer) => return answer,
    };
    match read(state.db.pool(), id, reader).await {
        Ok(Some((filename, content_type, bytes))) => {
            // Staff opening an applicant's proof is personal data access: recorded.
            if let Some((user_id, organisation_id)) = staff_reader {
                let reader = Reader::Staff {
                    user_id,
                    organisation_id,
                };
                let logged = match record_access(
                    &state,
                    (user_id, organisation_id),
                    "document.read",
                    &format!("document:{id}"),
                )
                .await
                {
                    Ok(()) => record_read(
                        &state,
                        reader,
                        Read::Document { document_id: id },
                        &filename,
                    )
                    .await
                    .map_err(|e| e.to_string()),
                    Err(error) => Err(error.to_string()),
                };
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

/// A territory's public figures as CSV, as the page `/resultats` shows them.
async fn results_csv(
    State(state): State<AppState>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let siren = query.get("territoire").map(|s| s.trim().to_string());
    if siren
        .as_deref()
        .is_some_and(|s| s.len() != 9 || !s.bytes().all(|b| b.is_ascii_digit()))
    {
        return page(
            StatusCode::BAD_REQUEST,
            "Le territoire s'indique par le SIREN de son EPCI, 9 chiffres.",
        );
    }
    let today = app::domain::calendar::paris_date(app::ssr::db::now());
    let dashboard = match app::ssr::usecases::results::dashboard(
        state.db.pool(),
        siren.as_deref(),
        today,
    )
    .await
    {
        Ok(dashboard) => dashboard,
        Err(error) => {
            tracing::error!(%error, "results export failed");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            );
        }
    };
    let Some((siren, _)) = dashboard.territory else {
        return page(StatusCode::NOT_FOUND, "Aucun résultat pour ce territoire.");
    };
    (
        [
            ("content-type", "text/csv; charset=utf-8".to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"resultats-{siren}.csv\""),
            ),
        ],
        // A byte-order mark so that spreadsheets read the accents as UTF-8.
        format!(
            "\u{feff}{}",
            app::domain::results::dashboard_csv(&dashboard.figures)
        ),
    )
        .into_response()
}

/// How a bilan is downloaded.
#[derive(Clone, Copy)]
enum BilanFormat {
    Csv,
    Pdf,
}

/// A réservataire's yearly bilan (`?annee=`), for its landlord's staff. It counts units, not
/// households: nothing personal is in it.
async fn staff_bilan(
    state: AppState,
    id: String,
    query: std::collections::HashMap<String, String>,
    caller: Caller,
    format: BilanFormat,
) -> Response {
    let (_, organisation) = match staff_caller(caller) {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let Ok(reservataire_id) = id.parse::<i64>() else {
        return page(StatusCode::NOT_FOUND, "Bilan introuvable.");
    };
    bilan_answer(
        &state,
        organisation.id,
        reservataire_id,
        query.get("annee"),
        format,
    )
    .await
}

async fn bilan_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    caller: Caller,
) -> Response {
    staff_bilan(state, id, query, caller, BilanFormat::Csv).await
}

async fn bilan_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    caller: Caller,
) -> Response {
    staff_bilan(state, id, query, caller, BilanFormat::Pdf).await
}

/// The bilan of the réservataire a signed-in réservataire account reads for.
async fn own_bilan(
    state: AppState,
    query: std::collections::HashMap<String, String>,
    caller: Caller,
    format: BilanFormat,
) -> Response {
    let user = match signed_in(caller) {
        Ok(user) if user.role == Role::Reservataire => user,
        Ok(_) => return forbidden(),
        Err(refusal) => return refusal,
    };
    match app::ssr::store::flux::account_of(state.db.pool(), user.id).await {
        Ok(Some((organisation, reservataire))) => {
            bilan_answer(
                &state,
                organisation,
                reservataire,
                query.get("annee"),
                format,
            )
            .await
        }
        Ok(None) => forbidden(),
        Err(error) => {
            tracing::error!(%error, "réservataire account read failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            )
        }
    }
}

async fn my_bilan_csv(
    State(state): State<AppState>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    caller: Caller,
) -> Response {
    own_bilan(state, query, caller, BilanFormat::Csv).await
}

async fn my_bilan_pdf(
    State(state): State<AppState>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    caller: Caller,
) -> Response {
    own_bilan(state, query, caller, BilanFormat::Pdf).await
}

/// A bilan as a download, the year as asked (`annee`, this year by default).
async fn bilan_answer(
    state: &AppState,
    organisation_id: i64,
    reservataire_id: i64,
    asked_year: Option<&String>,
    format: BilanFormat,
) -> Response {
    let this_year = app::domain::calendar::paris_date(app::ssr::db::now()).year;
    let year = match asked_year.map(|y| y.trim().parse::<i32>()) {
        None => this_year,
        Some(Ok(y)) if (2020..=this_year + 1).contains(&y) => y,
        Some(_) => {
            return page(
                StatusCode::BAD_REQUEST,
                "L'année du bilan s'indique sur quatre chiffres, de 2020 à l'an prochain.",
            );
        }
    };
    let bilan = match app::ssr::usecases::flux::bilan(
        state.db.pool(),
        organisation_id,
        reservataire_id,
        year,
    )
    .await
    {
        Ok(Some(bilan)) => bilan,
        Ok(None) => return page(StatusCode::NOT_FOUND, "Bilan introuvable."),
        Err(error) => {
            tracing::error!(%error, reservataire_id, "bilan export failed");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            );
        }
    };
    match format {
        BilanFormat::Csv => (
            [
                ("content-type", "text/csv; charset=utf-8".to_string()),
                (
                    "content-disposition",
                    format!("attachment; filename=\"bilan-{reservataire_id}-{year}.csv\""),
                ),
            ],
            // A byte-order mark so that spreadsheets read the accents as UTF-8.
            format!("\u{feff}{}", app::domain::flux::bilan_csv(&bilan)),
        )
            .into_response(),
        BilanFormat::Pdf => {
            pdf_answer(
                move || app::ssr::bilan::to_pdf(&bilan),
                format!("bilan-{reservataire_id}-{year}.pdf"),
            )
            .await
        }
    }
}

/// The ranking of one of the caller's offers as a CSV file; the export is audit-logged, since it
/// carries applicants' personal data out of the platform.
async fn ranking_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> Response {
    use app::ssr::store::rankings;
    let (user, organisation) = match staff_caller(caller) {
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
    let title = match rankings::title_of(state.db.pool(), organisation.id, offer_id).await {
        Ok(Some(title)) => title,
        Ok(None) => return not_found(),
        Err(error) => return failed(&error),
    };
    let head = match rankings::csv_head() {
        Ok(head) => head,
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
    let reader = app::ssr::store::file_reads::Reader::Staff {
        user_id: user.id,
        organisation_id: organisation.id,
    };
    let read = app::ssr::store::file_reads::Read::Export { offer_id };
    if let Err(error) = app::ssr::usecases::privacy::record_read(&state, reader, read, &title).await
    {
        return failed(&error);
    }
    let lines = ranking_lines(state.db.pool().clone(), organisation.id, offer_id, head);
    (
        [
            ("content-type", "text/csv; charset=utf-8".to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"classement-offre-{offer_id}.csv\""),
            ),
        ],
        axum::body::Body::from_stream(lines),
    )
        .into_response()
}

/// Candidates read per batch of a ranking export.
const EXPORT_BATCH: i64 = 500;

/// The export's lines as they are read, a batch at a time: the first bytes leave at once, and
/// for a slow client the reading waits once a few batches are queued (two here, and the frames
/// the render relay keeps in flight), so a big offer's file is never held whole in memory. A
/// client that leaves stops the reading. A database error mid-way breaks the download (the
/// browser shows it failed) rather than ending it short as if complete.
fn ranking_lines(
    pool: sqlx::AnyPool,
    organisation_id: i64,
    offer_id: i64,
    head: Vec<u8>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    use app::ssr::store::rankings;
    let (send, receive) = tokio::sync::mpsc::channel(2);
    tokio::spawn(async move {
        if send.send(Ok(head)).await.is_err() {
            return;
        }
        let mut offset = 0;
        loop {
            let lines =
                match rankings::entry_rows(&pool, organisation_id, offer_id, offset, EXPORT_BATCH)
                    .await
                {
                    Ok(rows) => {
                        offset += rows.len() as i64;
                        let last = (rows.len() as i64) < EXPORT_BATCH;
                        // Decoding the snapshots and writing the lines is CPU work: off the
                        // threads that answer requests.
                        tokio::task::spawn_blocking(move || {
                            let batch = rankings::decode(rows).map_err(|e| e.to_string())?;
                            rankings::csv_lines(&batch)
                                .map(|lines| (lines, last))
                                .map_err(|e| e.to_string())
                        })
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|lines| lines)
                    }
                    Err(error) => Err(error.to_string()),
                };
            match lines {
                Ok((lines, last)) => {
                    if send.send(Ok(lines)).await.is_err() || last {
                        return;
                    }
                }
                Err(error) => {
                    tracing::error!(%error, offer_id, offset, "ranking export broke off");
                    let _ = send
                        .send(Err(std::io::Error::other("ranking export failed")))
                        .await;
                    return;
                }
            }
        }
    });
    futures_util::stream::unfold(receive, |mut receive| async move {
        receive.recv().await.map(|item| (item, receive))
    })
}

/// The minutes of a closed session as a PDF, for the commission's members and the landlord's
/// staff.
async fn minutes_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> Response {
    use app::ssr::store::caleol::{self, Viewer};
    let user = match signed_in(caller) {
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
    let minutes = caleol::minutes(state.db.pool(), session_id, viewer).await;
    if let Ok(Some(minutes)) = &minutes {
        use app::ssr::store::file_reads::Read;
        let reader = app::ssr::usecases::privacy::commission_reader(viewer, user.id);
        let read = Read::Minutes { session_id };
        if let Err(error) =
            app::ssr::usecases::privacy::record_read(&state, reader, read, &minutes.held_on).await
        {
            tracing::error!(%error, session_id, "a read of the minutes could not be recorded");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            );
        }
    }
    match minutes {
        Ok(Some(minutes)) => {
            pdf_answer(
                move || app::ssr::minutes::to_pdf(&minutes),
                format!("pv-seance-{session_id}.pdf"),
            )
            .await
        }
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

/// Everything held about the signed-in applicant, as a JSON file (RGPD art. 15 and 20).
async fn my_data(State(state): State<AppState>, caller: Caller) -> Response {
    let user = match signed_in(caller) {
        Ok(user) if user.role == Role::Applicant => user,
        Ok(_) => return forbidden(),
        Err(refusal) => return refusal,
    };
    let data = match app::ssr::usecases::privacy::my_data(&state, &user).await {
        Ok(data) => data,
        Err(error) => {
            tracing::error!(%error, "export of an applicant's data failed");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            );
        }
    };
    let Ok(json) = serde_json::to_string_pretty(&data) else {
        return page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Le service a rencontré un problème. Réessayez dans un instant.",
        );
    };
    (
        [
            ("content-type", "application/json; charset=utf-8"),
            (
                "content-disposition",
                "attachment; filename=\"mes-donnees-locactive.json\"",
            ),
            ("cache-control", "private, no-store"),
        ],
        json,
    )
        .into_response()
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

/// A PDF made on a blocking thread (laying out and subsetting fonts is CPU work), as a download.
async fn pdf_answer(
    make: impl FnOnce() -> Result<Vec<u8>, app::ssr::pdf::PdfError> + Send + 'static,
    filename: String,
) -> Response {
    match tokio::task::spawn_blocking(make).await {
        Ok(Ok(bytes)) => (
            [
                ("content-type", "application/pdf".to_string()),
                (
                    "content-disposition",
                    format!("attachment; filename=\"{filename}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(error)) => {
            tracing::error!(%error, filename, "PDF rendering failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            )
        }
        Err(error) => {
            tracing::error!(%error, filename, "PDF rendering panicked");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Le service a rencontré un problème. Réessayez dans un instant.",
            )
        }
    }
}

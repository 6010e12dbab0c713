//! The open, read-only JSON API over published offers, for aggregators and national portals.
//! It runs the same parser and search as the catalogue page, so both answer alike.

use app::domain::catalogue::CatalogueQuery;
use app::ssr::AppState;
use axum::extract::{ConnectInfo, Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::net::SocketAddr;

/// The OpenAPI description, kept beside the code it describes (a test checks they agree).
pub const OPENAPI: &str = include_str!("openapi.json");

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v1/offres", get(list))
        .route("/api/v1/offres/{id}", get(one))
        .route("/api/v1/offres/{id}/resultat", get(result))
        .route("/api/v1/openapi.json", get(openapi))
        .route_layer(middleware::from_fn_with_state(state, rate_limit))
}

/// Each client address gets a fixed number of API requests a minute (429 beyond).
async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    if !state.api_limiter.allow(&client) {
        let message = format!(
            "Trop de requêtes : l'API accepte {} requêtes par minute et par adresse. Réessayez dans une minute.",
            state.settings.searches_per_address
        );
        let mut refused = public(error(StatusCode::TOO_MANY_REQUESTS, &message, None));
        // The window is a minute: a client waiting that long is sure to be let in.
        refused.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("60"),
        );
        return refused;
    }
    next.run(request).await
}

fn error(status: StatusCode, message: &str, parameter: Option<&str>) -> Response {
    (
        status,
        Json(json!({ "erreur": message, "parametre": parameter })),
    )
        .into_response()
}

/// Anyone may read published offers, from any site.
fn public(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

async fn list(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let mut query = match CatalogueQuery::from_query_string(raw.as_deref().unwrap_or("")) {
        // The API is anonymous: eligibility needs an applicant's session on the website.
        Ok(query) if query.pour_moi => {
            return public(error(
                StatusCode::BAD_REQUEST,
                "Le filtre « pour moi » n'existe que sur le site, connecté en tant que demandeur.",
                Some("pour_moi"),
            ));
        }
        Ok(query) => query,
        Err(problem) => {
            return public(error(
                StatusCode::BAD_REQUEST,
                &problem.message,
                Some(&problem.parameter),
            ));
        }
    };
    match app::ssr::catalogue::resolve_places(&mut query, app::ssr::catalogue::CommuneCodes::Strict)
    {
        Ok(None) => {}
        Ok(Some(choice)) => {
            return public(error(
                StatusCode::BAD_REQUEST,
                &choice.message,
                Some("commune"),
            ));
        }
        Err(problem) => {
            return public(error(
                StatusCode::BAD_REQUEST,
                &problem.message,
                Some(&problem.parameter),
            ));
        }
    }
    match app::ssr::catalogue::search(&state.db, &state.search, query).await {
        Ok(results) => public(Json(results).into_response()),
        Err(cause) => {
            tracing::error!(%cause, "API search failed");
            public(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "La recherche a échoué. Réessayez dans un instant.",
                None,
            ))
        }
    }
}

async fn one(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return public(error(
            StatusCode::BAD_REQUEST,
            "L'identifiant d'une offre est un nombre entier.",
            Some("id"),
        ));
    };
    match app::ssr::store::listings::public_offer(state.db.pool(), id).await {
        Ok(Some(offer)) => public(Json(offer).into_response()),
        Ok(None) => public(error(
            StatusCode::NOT_FOUND,
            "Aucune offre publiée ne porte cet identifiant.",
            None,
        )),
        Err(cause) => {
            tracing::error!(%cause, "API offer read failed");
            public(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "La lecture a échoué. Réessayez dans un instant.",
                None,
            ))
        }
    }
}

/// An ended offer's public result, as its page shows it.
async fn result(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return public(error(
            StatusCode::BAD_REQUEST,
            "L'identifiant d'une offre est un nombre entier.",
            Some("id"),
        ));
    };
    match app::ssr::usecases::results::offer_result(state.db.pool(), id).await {
        Ok(Some(result)) => public(Json(result).into_response()),
        Ok(None) => public(error(
            StatusCode::NOT_FOUND,
            "Aucune offre terminée ne porte cet identifiant : le résultat est publié quand l'offre se termine.",
            None,
        )),
        Err(cause) => {
            tracing::error!(%cause, "API offer result read failed");
            public(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "La lecture a échoué. Réessayez dans un instant.",
                None,
            ))
        }
    }
}

async fn openapi() -> Response {
    public(
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            OPENAPI,
        )
            .into_response(),
    )
}

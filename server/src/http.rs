//! The HTTP surface: pages, server functions, health check, static files, and the middleware
//! every request goes through (security headers, Origin check, body limits, panic guard).

use app::app::{App, shell};
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, generate_route_list, handle_server_fns_with_context,
};
use std::any::Any;
use std::sync::OnceLock;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted (forms are small; file uploads have their own limit).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
/// Largest upload of any kind; each upload route has its own limit below it.
pub const UPLOAD_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// Longest a request may take before it is answered with an error. Nothing legitimate comes
/// close (a 20,000-row import applies in seconds); a request past it is stuck, and the log names
/// it instead of a client waiting forever.
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

async fn deadline(request: Request, next: Next) -> Response {
    // An upload's time is mostly the body arriving over the visitor's link: its own size limit
    // bounds it instead.
    if crate::uploads::upload_limit(request.uri().path()).is_some() {
        return next.run(request).await;
    }
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    match tokio::time::timeout(REQUEST_DEADLINE, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%method, path, "request exceeded its deadline and was abandoned");
            crate::error_pages::response(StatusCode::SERVICE_UNAVAILABLE, None, None)
        }
    }
}

/// Refuses bodies over the limit of their route with a 413, whether or not they announce their
/// length.
async fn limit_body(request: Request, next: Next) -> Response {
    let limit = crate::uploads::upload_limit(request.uri().path()).unwrap_or(BODY_LIMIT_BYTES);
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|length| length > limit) {
        let detail = format!(
            "Cet envoi fait plus de {}, la taille admise ici.",
            app::domain::limits::megabytes(limit as u64)
        );
        return crate::error_pages::response(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(&detail),
            Some(request.headers()),
        );
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// The application's routes, listed once per process.
///
/// Listing them renders the app with every resource held back, and Leptos holds them back through
/// a flag shared by the whole process (`SuppressResourceLoad`): a page that another server of the
/// same process rendered meanwhile would wait for its data until the deadline answered 503. The
/// test suites start many servers in one process; that was the offer page seen without its offer
/// (README, "An intermittent hang").
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState, extra_routes: Router<AppState>) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let options = state.leptos_options.clone();
    let https = state.settings.secure_cookies;
    let router = Router::new()
        .route("/healthz", get(healthz))
        .merge(crate::api::routes(state.clone()))
        .merge(crate::uploads::routes())
        .merge(crate::downloads::routes())
        .route("/api/{*fn_name}", get(server_fn_handler).post(server_fn_handler))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .merge(extra_routes)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        // On the whole router: the Leptos routes register each server function on its own path.
        .layer(middleware::from_fn(server_fn_errors))
        .layer(middleware::from_fn_with_state(state.clone(), keep_refused_form))
        .layer(middleware::from_fn_with_state(state.clone(), reject_cross_site))
        .layer(middleware::from_fn(limit_body))
        .layer(middleware::from_fn(deadline))
        .layer(middleware::from_fn(crate::error_pages::styled))
        .layer(middleware::from_fn(crate::assets::cache_control))
        .layer(CatchPanicLayer::custom(panic_response))
        // Outside the panic guard and the deadline, so that both act on the render's own thread.
        .layer(middleware::from_fn_with_state(
            crate::render_threads::RenderThreads::new(),
            crate::render_threads::on_one_thread,
        ))
        // A kept page is given from here, without going to a render thread at all.
        .layer(middleware::from_fn_with_state(
            crate::public_pages::PublicPages::new(state.settings.public_pages_kept),
            crate::public_pages::serve,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Pages set their own policy with a per-response nonce; everything else gets this one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'",
            ),
        ))
        .with_state(state);
    // Behind https (the public address says so), browsers keep to https for a year.
    if https {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    }
}

async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), request).await
}

/// Server functions answer on their own paths under /api/ (registered by the Leptos routes as well
/// as by the catch-all route): what they answer with a 500 is looked at here.
async fn server_fn_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    if path.starts_with("/api/") && response.status() == StatusCode::INTERNAL_SERVER_ERROR {
        return unreadable_arguments(&path, response).await;
    }
    response
}

/// The framework answers a request it cannot read (an argument missing, repeated or malformed, a
/// number out of range, bytes that are not UTF-8, a body past its limit) with a 500 that spells
/// out its parser's words. That is the sender's mistake: a 400 (413 past the limit) with the
/// site's own words, the cause in the log. Other 500s pass unchanged.
async fn unreadable_arguments(path: &str, response: Response) -> Response {
    use app::error::AppError;
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return crate::error_pages::response(StatusCode::INTERNAL_SERVER_ERROR, None, None);
    };
    // Only the request's own decoding: other framework failures stay the server's.
    let Ok(AppError::Transport(cause)) = serde_json::from_slice::<AppError>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if !cause.starts_with("error deserializing server function") {
        return Response::from_parts(parts, Body::from(bytes));
    }
    tracing::warn!(path, cause, "server function arguments could not be read");
    let (status, message) = if cause.contains("length limit exceeded") {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            "L'envoi dépasse la taille admise.",
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            "Les données envoyées sont incomplètes ou mal formées. Rechargez la page et réessayez.",
        )
    };
    let answer = serde_json::to_string(&AppError::BadRequest(message.into())).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], answer).into_response()
}

/// A plain form (no JavaScript) that a server function refuses is answered with a redirect back
/// to its page, with the error in the address: its fields are kept for that page to show again.
async fn keep_refused_form(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let plain_form = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    if !plain_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT_BYTES).await else {
        return crate::error_pages::response(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("Le formulaire envoyé dépasse la taille admise."),
            Some(&parts.headers),
        );
    };
    let path = parts.uri.path().to_string();
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    let refused = response.status().is_redirection()
        && response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|location| location.contains("__path=") && location.contains("__err="));
    if refused {
        let token = state.refused_forms.keep(&path, &bytes);
        let cookie = app::ssr::forms::set_cookie_header(
            &token,
            app::ssr::forms::LIFETIME.as_secs(),
            state.settings.secure_cookies,
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Liveness and readiness: the status, the database backend, and the size of the search index.
async fn healthz(State(state): State<AppState>) -> Response {
    let database_ok = sqlx::query("SELECT 1")
        .execute(state.db.pool())
        .await
        .is_ok();
    let body = serde_json::json!({
        "status": if database_ok { "ok" } else { "degraded" },
        "database": state.db.backend().name(),
        "search_documents": state.search.num_docs(),
    });
    let status = if database_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses state-changing requests sent by another site (CSRF), server functions included.
/// Browsers say where a request comes from with `Sec-Fetch-Site` and `Origin`; a request with
/// neither is not from a browser page, and carries no ambient cookie a page could abuse.
async fn reject_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_safe_method(request.method()) && !same_site(&state, &request) {
        tracing::warn!(
            method = %request.method(),
            path = %request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "cross-site request refused"
        );
        return crate::error_pages::response(
            StatusCode::FORBIDDEN,
            Some("Cette action doit être faite depuis les pages de locactive."),
            None,
        );
    }
    next.run(request).await
}

fn same_site(state: &AppState, request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" || site == "same-site" {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if origin == "null" {
        return false;
    }
    let public = state.settings.public_base_url.trim_end_matches('/');
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    origin == public
        || host.is_some_and(|host| {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        })
}

/// A panic is a bug: log it, and answer a plain page that leaks nothing.
fn panic_response(cause: Box<dyn Any + Send + 'static>) -> Response {
    let message = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("(non-text panic payload)");
    tracing::error!(panic = message, "request handler panicked");
    crate::error_pages::internal_error()
}

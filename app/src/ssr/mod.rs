//! Server-only adapters: the store, search, mail, sessions, and the helpers server functions use
//! to reach them. Compiled only with the `ssr` feature.

pub mod bilan;
pub mod built;
pub mod catalogue;
pub mod db;
pub mod forms;
#[cfg(test)]
mod fuzzing;
pub mod import;
pub mod letters;
pub mod mail;
pub mod minutes;
pub mod pdf;
pub mod photos;
pub mod ratelimit;
pub mod reference;
pub mod search;
pub mod secrets;
pub mod session;
pub mod store;
pub mod subject;
pub mod usecases;

use crate::error::AppError;
use crate::model::{CurrentUser, Role};
use axum::extract::{ConnectInfo, FromRef};
use db::Db;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use mail::Mailer;
use ratelimit::RateLimiter;
use search::SearchIndex;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Settings the request handlers need at run time (the server crate builds them from its config).
#[derive(Debug, Clone)]
pub struct RuntimeSettings {
    /// Where users reach the app, e.g. `https://locactive.example.fr`; used in e-mailed links and
    /// for the Origin check.
    pub public_base_url: String,
    /// Send the session cookie with `Secure` (true when the public URL is https).
    pub secure_cookies: bool,
    /// Sign-in attempts allowed per client address and minute.
    pub login_attempts_per_address: u32,
    /// Searches (open API and catalogue together) allowed per client address and minute.
    pub searches_per_address: u32,
    /// How long sessions last, idle and in all.
    pub sessions: store::accounts::SessionLimits,
    /// How long a public page drawn for a visitor without a cookie is given to the next ones
    /// (zero: never).
    pub public_pages_kept: std::time::Duration,
    pub privacy: Privacy,
}

/// Who answers for the data, and how long it is kept: the privacy page states them, the retention
/// job applies them.
#[derive(Debug, Clone)]
pub struct Privacy {
    /// The organisation that runs this platform, as the privacy page and legal notice name it.
    pub operator: String,
    /// Who is responsible for publication (legal notice, LCEN article 6).
    pub director: String,
    /// The host: name, address and telephone (legal notice, LCEN article 6).
    pub host: String,
    /// How to reach the data protection officer (an address or a URL).
    pub dpo_contact: String,
    /// Months after a request is struck off before the account and its data are deleted.
    pub retention_months: u32,
}

/// Everything a request may need, shared by the router and the server functions.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub search: SearchIndex,
    pub mailer: Arc<Mailer>,
    /// Wakes the outbox worker when a change has queued mail.
    pub mail_wakeup: Arc<Notify>,
    /// Wakes the scoring job when a grid is published.
    pub rescore_wakeup: Arc<Notify>,
    pub settings: Arc<RuntimeSettings>,
    /// Sign-in attempts per account and client address.
    pub login_limiter: Arc<RateLimiter>,
    /// Sign-in attempts per account, from every address.
    pub account_login_limiter: Arc<RateLimiter>,
    /// Sign-in attempts per client address.
    pub address_login_limiter: Arc<RateLimiter>,
    pub email_limiter: Arc<RateLimiter>,
    /// Costly actions (file imports) per account.
    pub import_limiter: Arc<RateLimiter>,
    /// Searches through the open API and the catalogue together, per client address.
    pub api_limiter: Arc<RateLimiter>,
    /// Plain forms refused, waiting for the page that shows them again.
    pub refused_forms: Arc<forms::RefusedForms>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        db: Db,
        search: SearchIndex,
        mailer: Mailer,
        settings: RuntimeSettings,
    ) -> Self {
        let per_address = settings.login_attempts_per_address;
        let searches = settings.searches_per_address;
        AppState {
            leptos_options,
            db,
            search,
            mailer: Arc::new(mailer),
            mail_wakeup: Arc::new(Notify::new()),
            rescore_wakeup: Arc::new(Notify::new()),
            settings: Arc::new(settings),
            // Ten sign-in attempts a minute per account from one address, a hundred from all;
            // per client address as configured.
            login_limiter: Arc::new(RateLimiter::new(10, Duration::from_secs(60))),
            account_login_limiter: Arc::new(RateLimiter::new(100, Duration::from_secs(60))),
            address_login_limiter: Arc::new(RateLimiter::new(per_address, Duration::from_secs(60))),
            // Five e-mails (reset, registration) a quarter of an hour per address and per client.
            email_limiter: Arc::new(RateLimiter::new(5, Duration::from_secs(15 * 60))),
            // Twenty file checks or imports an hour per account: far above real use.
            import_limiter: Arc::new(RateLimiter::new(20, Duration::from_secs(60 * 60))),
            // Two requests a second on average per client by default: an aggregator's full crawl
            // of the catalogue fits, a loop hammering the search does not, whichever door it uses.
            api_limiter: Arc::new(RateLimiter::new(searches, Duration::from_secs(60))),
            refused_forms: Arc::new(forms::RefusedForms::default()),
        }
    }

    /// A link into the app, for e-mails.
    pub fn link(&self, path_and_query: &str) -> String {
        format!(
            "{}{}",
            self.settings.public_base_url.trim_end_matches('/'),
            path_and_query
        )
    }
}

/// A value that changes at each action, for the address a form redirects to, so that the page
/// reloads its data after the redirect (two votes within the same second must not share one).
pub fn action_stamp() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// The shared state, as provided to server functions and rendering.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the reactive context");
        AppError::Internal
    })
}

/// Logs an unexpected failure with its cause and answers the generic error.
pub fn internal(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "internal error");
    AppError::Internal
}

/// Runs a server function's body and answers its error with the matching HTTP status.
///
/// A plain form post (no JavaScript) is answered with a redirect back to the form, carrying the
/// error in the address; that redirect must keep its 302, so the status is left alone there.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(error) = &result {
        let plain_form_post = request_parts().is_some_and(|parts| {
            parts.method == http::Method::POST
                && parts
                    .headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|accept| accept.contains("text/html"))
        });
        if plain_form_post {
            return result;
        }
        if let Some(response) = use_context::<ResponseOptions>() {
            let status = http::StatusCode::from_u16(error.status_code())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            response.set_status(status);
        }
    }
    result
}

fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// Whether the current request calls a server function over HTTP (a browser's script, or any
/// client), rather than rendering a page on the server.
pub fn server_fn_call() -> bool {
    request_parts().is_some_and(|parts| parts.uri.path().starts_with("/api/"))
}

/// The client's address, for rate limits.
pub fn client_ip() -> String {
    request_parts()
        .and_then(|p| {
            p.extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Who calls: the user behind the request's session cookie, if any. Axum routes take it as an
/// extractor; server functions reach it through [`current_user`] and [`require`], which run the
/// same extraction on the request they serve.
#[derive(Debug, Clone)]
pub struct Caller(pub Option<CurrentUser>);

impl axum::extract::FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Caller, AppError> {
        let Some(session_id) = session::cookie_value(&parts.headers) else {
            return Ok(Caller(None));
        };
        Ok(Caller(
            store::accounts::user_by_session(state.db.pool(), &session_id, state.settings.sessions)
                .await?,
        ))
    }
}

impl axum::response::IntoResponse for AppError {
    /// The status and the French message; causes were logged where they happened.
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            [
                (http::header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (http::header::CONTENT_LANGUAGE, "fr"),
            ],
            self.to_string(),
        )
            .into_response()
    }
}

/// The signed-in user of the current request, if any.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    use axum::extract::FromRequestParts;
    let Some(mut parts) = request_parts() else {
        return Ok(None);
    };
    Ok(Caller::from_request_parts(&mut parts, &state()?).await?.0)
}

/// The signed-in user, who must hold one of `roles`.
pub async fn require(roles: &[Role]) -> Result<CurrentUser, AppError> {
    let user = current_user().await?.ok_or(AppError::Unauthenticated)?;
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

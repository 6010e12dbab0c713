//! The session cookie: an opaque random id whose hash names a row of `sessions`.

use super::secrets::new_token;
use super::{AppState, internal};
use crate::error::AppError;
use http::HeaderMap;
use http::header::{COOKIE, SET_COOKIE};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub const COOKIE_NAME: &str = "locactive_session";

/// The session id sent by the browser, if any.
pub fn cookie_value(headers: &HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE_NAME)
}

/// The non-empty value of the cookie `wanted` sent by the browser, if any.
pub fn cookie_named(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` value: HttpOnly so scripts cannot read it, SameSite=Lax so other sites cannot send
/// it along with their forms, Secure behind https.
pub fn set_cookie_header(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn append_set_cookie(value: String) -> Result<(), AppError> {
    let response =
        use_context::<ResponseOptions>().ok_or_else(|| internal("no ResponseOptions"))?;
    let header = http::HeaderValue::from_str(&value).map_err(internal)?;
    response.append_header(SET_COOKIE, header);
    Ok(())
}

/// Signs `user_id` in with a brand-new session id, and ends the session the browser presented, if
/// any: a session id known before sign-in is never the one used after it.
pub async fn sign_in(state: &AppState, user_id: i64) -> Result<(), AppError> {
    if let Some(previous) =
        use_context::<http::request::Parts>().and_then(|p| cookie_value(&p.headers))
    {
        super::store::accounts::delete_session(state.db.pool(), &previous).await?;
    }
    let session_id = new_token();
    let limits = state.settings.sessions;
    super::store::accounts::create_session(state.db.pool(), user_id, &session_id, limits).await?;
    append_set_cookie(set_cookie_header(
        &session_id,
        limits.lifetime,
        state.settings.secure_cookies,
    ))
}

/// Ends the current session on the server and clears the cookie.
pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    if let Some(session_id) =
        use_context::<http::request::Parts>().and_then(|p| cookie_value(&p.headers))
    {
        super::store::accounts::delete_session(state.db.pool(), &session_id).await?;
    }
    append_set_cookie(set_cookie_header("", 0, state.settings.secure_cookies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "a=1; locactive_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie_value(&headers).as_deref(), Some("abc"));
        headers.insert(COOKIE, "locactive_session=".parse().unwrap());
        assert_eq!(cookie_value(&headers), None);
    }

    #[test]
    fn the_cookie_is_locked_down() {
        let header = set_cookie_header("abc", 60, true);
        assert!(header.contains("HttpOnly"));
        assert!(header.contains("SameSite=Lax"));
        assert!(header.contains("Secure"));
        assert!(!set_cookie_header("abc", 60, false).contains("Secure"));
    }
}

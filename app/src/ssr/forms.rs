//! Forms refused without JavaScript: the browser posted a plain form, the server function
//! refused it, and the browser is sent back to the page. The page must show what was typed and
//! chosen, not the saved values: the fields wait here, in memory, for that one next page, named by
//! a random token in a short-lived cookie.
//!
//! Memory is bounded: the body is kept as sent (at most the 64 KiB form limit, parsed only when
//! read, and into [`MAX_FIELDS`] fields at most), and the oldest entries are dropped past
//! [`CAPACITY`], so a flood of refused posts holds 32 MiB at worst and only pushes out older
//! entries. Nothing lasts: an entry is read once, or expires after [`LIFETIME`].
//! Passwords are never kept. With several app servers, the page after a refusal may be drawn by
//! another one: the form then shows the saved values, as before, and the error message still.

use super::secrets::new_token;
use crate::components::form::Sent;
use http::HeaderMap;
use leptos::prelude::*;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const COOKIE_NAME: &str = "locactive_saisie";
/// Refused forms kept at once, across all visitors.
pub const CAPACITY: usize = 512;
/// Fields read back from one form: far above any of the site's forms.
pub const MAX_FIELDS: usize = 400;
/// Time for the browser to follow the redirect back to the page.
pub const LIFETIME: Duration = Duration::from_secs(5 * 60);

struct Entry {
    at: Instant,
    path: String,
    body: Vec<u8>,
}

pub struct RefusedForms {
    entries: Mutex<LruCache<String, Entry>>,
}

impl Default for RefusedForms {
    fn default() -> Self {
        RefusedForms {
            entries: Mutex::new(LruCache::new(
                NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl RefusedForms {
    /// Keeps the fields of a refused form posted to `path`; answers the token for the cookie.
    pub fn keep(&self, path: &str, body: &[u8]) -> String {
        // Passwords are dropped at once: they never wait here, nor go back into a page.
        let mut kept = form_urlencoded::Serializer::new(String::with_capacity(body.len()));
        for (name, value) in form_urlencoded::parse(body)
            .take(MAX_FIELDS)
            .filter(|(name, _)| !name.contains("password"))
        {
            kept.append_pair(&name, &value);
        }
        let entry = Entry {
            at: Instant::now(),
            path: path.to_string(),
            body: kept.finish().into_bytes(),
        };
        let token = new_token();
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(token.clone(), entry);
        }
        token
    }

    /// The refused form named by `token`, once.
    pub fn take(&self, token: &str) -> Option<(String, Sent)> {
        let entry = self.entries.lock().ok()?.pop(token)?;
        if entry.at.elapsed() > LIFETIME {
            return None;
        }
        let pairs = form_urlencoded::parse(&entry.body).map(|(name, value)| (name.into_owned(), value.into_owned()));
        Some((entry.path, Sent::from_pairs(pairs)))
    }
}

/// `Set-Cookie` for the token (or, empty with a zero age, to clear it).
pub fn set_cookie_header(token: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn token_of(headers: &HeaderMap) -> Option<String> {
    super::session::cookie_named(headers, COOKIE_NAME)
}

/// The refused form this page draws again, if the browser was sent back here with one; the
/// cookie is cleared.
pub fn take_for_page() -> Vec<(String, Sent)> {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Vec::new();
    };
    let (Some(token), Some(state)) = (token_of(&parts.headers), use_context::<super::AppState>())
    else {
        return Vec::new();
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let clear = set_cookie_header("", 0, state.settings.secure_cookies);
        if let Ok(value) = http::HeaderValue::from_str(&clear) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
    state.refused_forms.take(&token).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::COOKIE;

    #[test]
    fn a_refused_form_is_read_once_without_its_passwords() {
        let forms = RefusedForms::default();
        let token = forms.keep(
            "/api/espace/profil/logement",
            b"housing_status=social_tenant&current_rent=abc&password=secret&typologies%5B%5D=T2&typologies%5B%5D=T3",
        );
        let (path, sent) = forms.take(&token).expect("kept");
        assert_eq!(path, "/api/espace/profil/logement");
        assert_eq!(sent.value("housing_status"), Some("social_tenant"));
        assert_eq!(sent.value("password"), None);
        assert_eq!(sent.values("typologies"), vec!["T2", "T3"]);
        assert!(forms.take(&token).is_none());
    }

    #[test]
    fn the_oldest_are_dropped_past_the_capacity() {
        let forms = RefusedForms::default();
        let first = forms.keep("/api/a", b"x=1");
        for _ in 0..CAPACITY {
            forms.keep("/api/b", b"x=2");
        }
        assert!(forms.take(&first).is_none());
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "a=1; locactive_saisie=tok; b=2".parse().unwrap());
        assert_eq!(token_of(&headers).as_deref(), Some("tok"));
    }
}

//! The built browser files (`/pkg/`): their names, and how long browsers and caches keep them.
//!
//! A release build names the script, the WebAssembly and the stylesheet after a hash of their
//! content (cargo-leptos `hash-files`, listed in `hash.txt` beside the binary) and stores brotli and
//! gzip copies beside them (`--precompress`). A hashed file never changes under its name, so it is
//! kept for a year without asking again; a page is asked for again each time, so that it always
//! names the current files.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The name cargo-leptos gives the hash list, beside the server binary.
pub const HASH_FILE: &str = "hash.txt";

/// The content hashes of one build, from its `hash.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashes {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl Hashes {
    /// Reads `js: …`, `wasm: …` and `css: …` lines; `None` unless all three are there.
    pub fn parse(text: &str) -> Option<Hashes> {
        let mut found = (None, None, None);
        for line in text.lines() {
            let Some((kind, hash)) = line.split_once(':') else {
                continue;
            };
            let hash = hash.trim();
            if hash.is_empty()
                || !hash
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                continue;
            }
            match kind.trim() {
                "js" => found.0 = Some(hash.to_string()),
                "wasm" => found.1 = Some(hash.to_string()),
                "css" => found.2 = Some(hash.to_string()),
                _ => {}
            }
        }
        match found {
            (Some(js), Some(wasm), Some(css)) => Some(Hashes { js, wasm, css }),
            _ => None,
        }
    }
}

/// The hash file of the running binary, where Leptos looks for it too.
pub fn hash_file_of_this_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(HASH_FILE))
}

/// The hashes of this build when its hash file is there and its stylesheet is in `site_root`:
/// a binary built without cargo-leptos (the test suites) serves the plain names.
pub fn read_hashes(hash_file: &Path, site_root: &Path, output_name: &str) -> Option<Hashes> {
    let hashes = Hashes::parse(&std::fs::read_to_string(hash_file).ok()?)?;
    let stylesheet = site_root
        .join("pkg")
        .join(format!("{output_name}.{}.css", hashes.css));
    if stylesheet.is_file() {
        Some(hashes)
    } else {
        tracing::warn!(
            hash_file = %hash_file.display(),
            "the hash file names files the site does not have; serving plain names"
        );
        None
    }
}

static STYLESHEET: OnceLock<String> = OnceLock::new();
static HASHED: OnceLock<bool> = OnceLock::new();

/// Records this build's file names, once per process, for the pages the app does not render.
pub fn remember(output_name: &str, hashes: Option<&Hashes>) {
    let href = match hashes {
        Some(hashes) => format!("/pkg/{output_name}.{}.css", hashes.css),
        None => format!("/pkg/{output_name}.css"),
    };
    let _ = STYLESHEET.set(href);
    let _ = HASHED.set(hashes.is_some());
}

/// The stylesheet's address, for the error pages written without the app.
pub fn stylesheet_href() -> &'static str {
    STYLESHEET
        .get()
        .map_or("/pkg/locactive.css", String::as_str)
}

const A_YEAR: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const ASK_AGAIN: HeaderValue = HeaderValue::from_static("no-cache");
/// Pages may be personal: browsers keep them only to ask whether they changed, shared caches
/// not at all.
const PAGE: HeaderValue = HeaderValue::from_static("private, no-cache");
const A_DAY: HeaderValue = HeaderValue::from_static("public, max-age=86400");

/// How long what was answered at `path` may be kept, or `None` to say nothing.
pub fn policy(
    path: &str,
    status: StatusCode,
    content_type: Option<&[u8]>,
    hashed: bool,
) -> Option<HeaderValue> {
    let found = status == StatusCode::OK || status == StatusCode::NOT_MODIFIED;
    if path.starts_with("/pkg/") {
        return found.then_some(if hashed { A_YEAR } else { ASK_AGAIN });
    }
    if path == "/favicon.ico" {
        return found.then_some(A_DAY);
    }
    content_type
        .is_some_and(|v| v.starts_with(b"text/html"))
        .then_some(PAGE)
}

/// Sets `Cache-Control` on what the site serves, unless a handler already said.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(HeaderValue::as_bytes);
    let hashed = HASHED.get().copied().unwrap_or(false);
    if let Some(policy) = policy(&path, response.status(), content_type, hashed) {
        response.headers_mut().insert(header::CACHE_CONTROL, policy);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_list_names_three_files_or_none() {
        let hashes = Hashes::parse("js: abc123\nwasm: d_e-f\ncss: 0f0f\n").unwrap();
        assert_eq!(hashes.js, "abc123");
        assert_eq!(hashes.wasm, "d_e-f");
        assert_eq!(hashes.css, "0f0f");
        assert_eq!(Hashes::parse("js: abc\nwasm: def\n"), None);
        // A hash is a file name part: nothing that could climb out of /pkg/.
        assert_eq!(Hashes::parse("js: a\nwasm: b\ncss: ../x\n"), None);
    }

    #[test]
    fn hashed_files_are_kept_a_year_and_pages_asked_again() {
        let ok = StatusCode::OK;
        let html = Some(&b"text/html; charset=utf-8"[..]);
        let css = Some(&b"text/css"[..]);
        let value = |v: Option<HeaderValue>| v.map(|v| v.to_str().unwrap().to_string());
        assert_eq!(
            value(policy("/pkg/locactive.abc.css", ok, css, true)).as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        // Without hashes a file keeps its name across builds: asked again each time.
        assert_eq!(
            value(policy("/pkg/locactive.css", ok, css, false)).as_deref(),
            Some("no-cache")
        );
        assert_eq!(
            policy("/pkg/missing.css", StatusCode::NOT_FOUND, html, true),
            None
        );
        assert_eq!(
            value(policy("/offres", ok, html, true)).as_deref(),
            Some("private, no-cache")
        );
        assert_eq!(
            value(policy("/nulle-part", StatusCode::NOT_FOUND, html, true)).as_deref(),
            Some("private, no-cache")
        );
        assert_eq!(
            policy("/api/offres", ok, Some(&b"application/json"[..]), true),
            None
        );
    }
}

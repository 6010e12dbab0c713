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

/// The hashes of this build when its hash file is there and names files the site has: a binary
/// built without cargo-leptos (the test suites) serves the plain names.
pub fn read_hashes(hash_file: &Path, site_root: &Path, output_name: &str) -> Option<Hashes> {
    let pkg = site_root.join("pkg");
    let hashes = std::fs::read_to_string(hash_file)
        .ok()
        .and_then(|text| Hashes::parse(&text));
    if let Some(hashes) = hashes
        && pkg
            .join(format!("{output_name}.{}.css", hashes.css))
            .is_file()
    {
        return Some(hashes);
    }
    // Without a matching list the pages would name files that are not there: no style, no
    // script. Say so loudly (a deploy that left `hash.txt` behind, another build's site).
    if !pkg.join(format!("{output_name}.css")).is_file() && pkg.is_dir() {
        tracing::error!(
            hash_file = %hash_file.display(),
            site = %pkg.display(),
            "no hash list matches the built files: pages will miss their stylesheet and script; \
             rebuild, or copy hash.txt beside the binary"
        );
    }
    None
}

/// This build's hashes as they appear in a file name (`.hash.`): only names carrying one are kept
/// a year.
static HASHED_PARTS: OnceLock<Vec<String>> = OnceLock::new();

/// Records this build's file names, once per process, for the pages the app does not render.
pub fn remember(output_name: &str, hashes: Option<&Hashes>) {
    let href = match hashes {
        Some(hashes) => format!("/pkg/{output_name}.{}.css", hashes.css),
        None => format!("/pkg/{output_name}.css"),
    };
    app::ssr::built::remember_stylesheet(href);
    let (script, module) = match hashes {
        Some(hashes) => (
            format!("/pkg/{output_name}.{}.js", hashes.js),
            format!("/pkg/{output_name}.{}.wasm", hashes.wasm),
        ),
        None => (
            format!("/pkg/{output_name}.js"),
            format!("/pkg/{output_name}.wasm"),
        ),
    };
    app::ssr::built::remember(script, module);
    let _ = HASHED_PARTS.set(
        hashes
            .map(|h| {
                [&h.js, &h.wasm, &h.css]
                    .map(|hash| format!(".{hash}."))
                    .to_vec()
            })
            .unwrap_or_default(),
    );
}

/// The stylesheet's address, for the error pages written without the app.
pub fn stylesheet_href() -> &'static str {
    app::ssr::built::stylesheet()
}

const A_YEAR: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const ASK_AGAIN: HeaderValue = HeaderValue::from_static("no-cache");
/// Anonymous pages: browsers keep them only to ask whether they changed, shared caches not at all.
const PAGE: HeaderValue = HeaderValue::from_static("private, no-cache");
/// A signed-in visitor's pages and every other answer (server functions, CSV, PDF, JSON): kept
/// nowhere, so that the back button after signing out on a shared computer shows nothing.
const NOWHERE: HeaderValue = HeaderValue::from_static("private, no-store");
const A_DAY: HeaderValue = HeaderValue::from_static("public, max-age=86400");

/// What was asked, as far as caching goes.
pub struct Asked<'a> {
    pub path: &'a str,
    pub signed_in: bool,
}

/// How long what was answered may be kept. `hashed`: the path names a file of this build by its
/// content hash.
pub fn policy(
    asked: &Asked<'_>,
    status: StatusCode,
    content_type: Option<&[u8]>,
    hashed: bool,
) -> HeaderValue {
    let found = status == StatusCode::OK || status == StatusCode::NOT_MODIFIED;
    if found && asked.path.starts_with("/pkg/") {
        return if hashed { A_YEAR } else { ASK_AGAIN };
    }
    if found && asked.path == "/favicon.ico" {
        return A_DAY;
    }
    let page = content_type.is_some_and(|v| v.starts_with(b"text/html"));
    if page && !asked.signed_in {
        PAGE
    } else {
        NOWHERE
    }
}

/// Sets `Cache-Control` on what the site serves, unless a handler already said (photos, the
/// open API). Built files vary with the compression the browser accepts.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let signed_in = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(app::ssr::session::COOKIE_NAME));
    let mut response = next.run(request).await;
    if path.starts_with("/pkg/") {
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(HeaderValue::as_bytes);
    let hashed = HASHED_PARTS
        .get()
        .is_some_and(|parts| parts.iter().any(|part| path.contains(part.as_str())));
    let asked = Asked {
        path: &path,
        signed_in,
    };
    let policy = policy(&asked, response.status(), content_type, hashed);
    response.headers_mut().insert(header::CACHE_CONTROL, policy);
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
        let anonymous = |path| Asked {
            path,
            signed_in: false,
        };
        let signed_in = |path| Asked {
            path,
            signed_in: true,
        };
        let value = |v: HeaderValue| v.to_str().unwrap().to_string();
        assert_eq!(
            value(policy(&anonymous("/pkg/locactive.abc.css"), ok, css, true)),
            "public, max-age=31536000, immutable"
        );
        // A name without this build's hash keeps its name across builds: asked again each time.
        assert_eq!(
            value(policy(&anonymous("/pkg/locactive.css"), ok, css, false)),
            "no-cache"
        );
        assert_eq!(
            value(policy(
                &anonymous("/pkg/absent.css"),
                StatusCode::NOT_FOUND,
                html,
                true
            )),
            "private, no-cache"
        );
        assert_eq!(
            value(policy(&anonymous("/offres"), ok, html, true)),
            "private, no-cache"
        );
        assert_eq!(
            value(policy(&signed_in("/espace"), ok, html, true)),
            "private, no-store"
        );
        // A ranking's CSV, a PDF, a server function's answer: never kept.
        for (path, kind) in [
            ("/gestion/offres/1/classement.csv", &b"text/csv"[..]),
            ("/commission/seances/1/pv.pdf", &b"application/pdf"[..]),
            ("/api/offres", &b"application/json"[..]),
        ] {
            assert_eq!(
                value(policy(&signed_in(path), ok, Some(kind), true)),
                "private, no-store"
            );
        }
    }
}

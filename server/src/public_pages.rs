//! The public pages of visitors without a cookie, drawn once and shared for a moment.
//!
//! A surge on the catalogue (an offer shared widely, the first morning of a campaign) is mostly
//! people who are not signed in asking for the same few addresses, and their page is the same for
//! all of them. It is drawn once and given to each of them for `public_pages_kept_ms` (one second
//! by default; 0 turns it off), as a caching proxy in front of the site would do.
//!
//! What is kept, and only that: a GET of `/`, `/offres?…` or `/offres/{id}` (the catalogue with
//! its query, the two others without one) that carries no cookie at all (no session, no refused
//! form waiting to be shown), answered 200 with HTML that sets no cookie, of at most
//! [`MAX_PAGE_BYTES`]. Nothing personal can be in it: the same request from anyone gets the same
//! page. A page is read whole before it is sent, so that it can be kept; the request deadline
//! inside still bounds how long it takes.
//!
//! Each answer still has its own nonce for the content security policy: the kept page's nonce is
//! replaced with a fresh one in the policy and in the page. Kept answers say their `Age`.
//!
//! When a page expires under load, one request draws it again while the others get the expired
//! one for at most as long again, so an expiry is one render and not a burst of them: a page is
//! thus at most twice the setting old. When the new drawing cannot be kept (the offer was
//! withdrawn: a 404), the old page is forgotten at once.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use lru::LruCache;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A page past this size is sent as usual and not kept (a catalogue page weighs about 25 KB).
pub const MAX_PAGE_BYTES: usize = 512 * 1024;
/// Memory all kept pages may take together; the least recently asked go first.
const BUDGET_BYTES: usize = 16 * 1024 * 1024;
/// A longer address is not kept (the catalogue's own queries stay far below).
const MAX_KEY_BYTES: usize = 2048;

#[derive(Clone)]
pub struct PublicPages(Arc<Inner>);

struct Inner {
    kept_for: Duration,
    kept: Mutex<Kept>,
}

struct Kept {
    pages: LruCache<String, Page>,
    bytes: usize,
}

#[derive(Clone)]
struct Page {
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
    /// The nonce the page was drawn with, to be replaced in each answer.
    nonce: Option<String>,
    /// One request is drawing this page again.
    redrawing: bool,
}

impl Page {
    /// Memory taken by a page kept under a key of `key_bytes`.
    fn weight(&self, key_bytes: usize) -> usize {
        // Headers and bookkeeping: a generous round figure.
        const OVERHEAD: usize = 1024;
        OVERHEAD + key_bytes + self.body.len()
    }
}

/// The nonce in a content security policy: `'nonce-…'`.
fn nonce_in(headers: &HeaderMap) -> Option<String> {
    let policy = headers.get(header::CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy.get(start..)?.find('\'')?;
    let nonce = policy.get(start..start + length)?;
    (!nonce.is_empty()).then(|| nonce.to_string())
}

/// Whether `path` is one of the pages everyone sees alike.
fn is_public(path: &str) -> bool {
    match path.strip_prefix("/offres") {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('/')
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())),
        None => path == "/",
    }
}

impl PublicPages {
    /// Pages kept for `kept_for`; zero keeps none.
    pub fn new(kept_for: Duration) -> Self {
        PublicPages(Arc::new(Inner {
            kept_for,
            kept: Mutex::new(Kept {
                pages: LruCache::unbounded(),
                bytes: 0,
            }),
        }))
    }

    /// The key of `request` when its answer may be shared.
    fn key_of(&self, request: &Request) -> Option<String> {
        let uri = request.uri();
        // Only the catalogue reads its query: elsewhere a query would only multiply one page.
        let shared = !self.0.kept_for.is_zero()
            && request.method() == Method::GET
            && !request.headers().contains_key(header::COOKIE)
            && is_public(uri.path())
            && (uri.query().is_none() || uri.path() == "/offres");
        let key = uri.path_and_query()?.as_str();
        (shared && key.len() <= MAX_KEY_BYTES).then(|| key.to_string())
    }

    /// The page kept for `key` when it may be given, with its age. An expired page is given only
    /// while another request draws it again; the first to find it expired draws it (`None`).
    fn find(&self, key: &str) -> Option<(Page, Duration)> {
        let kept_for = self.0.kept_for;
        let mut kept = self.0.kept.lock().ok()?;
        let page = kept.pages.get_mut(key)?;
        let age = page.at.elapsed();
        if age < kept_for {
            return Some((page.clone(), age));
        }
        if age < kept_for * 2 {
            if page.redrawing {
                return Some((page.clone(), age));
            }
            page.redrawing = true;
        }
        None
    }

    /// Forgets the page of `key`, whose new drawing could not be kept.
    fn forget(&self, key: &str) {
        if let Ok(mut kept) = self.0.kept.lock()
            && let Some(page) = kept.pages.pop(key)
        {
            kept.bytes = kept.bytes.saturating_sub(page.weight(key.len()));
        }
    }

    fn keep(&self, key: String, page: Page) {
        let Ok(mut kept) = self.0.kept.lock() else {
            return;
        };
        let key_bytes = key.len();
        let weight = page.weight(key_bytes);
        if let Some(replaced) = kept.pages.put(key, page) {
            kept.bytes = kept.bytes.saturating_sub(replaced.weight(key_bytes));
        }
        kept.bytes += weight;
        while kept.bytes > BUDGET_BYTES {
            match kept.pages.pop_lru() {
                Some((key, page)) => {
                    kept.bytes = kept.bytes.saturating_sub(page.weight(key.len()));
                }
                None => break,
            }
        }
    }

    /// Reads `response` whole when it may be kept, keeps it, and gives it on.
    async fn keep_answer(&self, key: String, response: Response) -> Response {
        let headers = response.headers();
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if response.status() != StatusCode::OK || !html || headers.contains_key(header::SET_COOKIE)
        {
            self.forget(&key);
            return response;
        }
        let (parts, mut body) = response.into_parts();
        let mut read = Vec::new();
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        read.extend_from_slice(&data);
                    }
                    if read.len() > MAX_PAGE_BYTES {
                        self.forget(&key);
                        // Too big to keep: what was read, then the rest as it comes.
                        let head = futures_util::stream::once(async move {
                            Ok::<_, axum::Error>(Bytes::from(read))
                        });
                        let body = Body::from_stream(head.chain(body.into_data_stream()));
                        return Response::from_parts(parts, body);
                    }
                }
                Err(error) => {
                    self.forget(&key);
                    // The body failed half-way: the client sees it fail too, and nothing is kept.
                    let failed = futures_util::stream::iter([Ok(Bytes::from(read)), Err(error)]);
                    return Response::from_parts(parts, Body::from_stream(failed));
                }
            }
        }
        let body = Bytes::from(read);
        // A page that is not text could not have its nonce replaced: not kept.
        if std::str::from_utf8(&body).is_err() {
            self.forget(&key);
        } else {
            let page = Page {
                at: Instant::now(),
                headers: parts.headers.clone(),
                body: body.clone(),
                nonce: nonce_in(&parts.headers),
                redrawing: false,
            };
            self.keep(key, page);
        }
        Response::from_parts(parts, Body::from(body))
    }
}

/// A kept page as one answer: a fresh nonce, and its age.
fn answer(page: Page, age: Duration) -> Response {
    let Page {
        mut headers,
        mut body,
        nonce,
        ..
    } = page;
    if let Some(old) = nonce {
        let fresh = leptos::nonce::Nonce::new().to_string();
        if let Ok(text) = std::str::from_utf8(&body) {
            body = Bytes::from(text.replace(&old, &fresh));
        }
        let policy = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.replace(&old, &fresh))
            .and_then(|v| HeaderValue::from_str(&v).ok());
        if let Some(policy) = policy {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(header::AGE, HeaderValue::from(age.as_secs()));
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response
}

/// Middleware: gives a kept page when there is one, keeps the answer when it may be shared.
pub async fn serve(State(pages): State<PublicPages>, request: Request, next: Next) -> Response {
    let Some(key) = pages.key_of(&request) else {
        return next.run(request).await;
    };
    if let Some((page, age)) = pages.find(&key) {
        return answer(page, age);
    }
    let response = next.run(request).await;
    pages.keep_answer(key, response).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_pages_everyone_sees_alike() {
        for path in ["/", "/offres", "/offres/12"] {
            assert!(is_public(path), "{path}");
        }
        for path in [
            "/offres/",
            "/offres/12/candidater",
            "/offres/x",
            "/offresx",
            "/espace",
            "/connexion",
            "/api/v1/offres",
        ] {
            assert!(!is_public(path), "{path}");
        }
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; script-src 'self' 'nonce-AbC_9-x' 'wasm-unsafe-eval'"),
        );
        assert_eq!(nonce_in(&headers).as_deref(), Some("AbC_9-x"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'"),
        );
        assert_eq!(nonce_in(&headers), None);
    }

    #[test]
    fn an_expired_page_is_drawn_again_by_one_request_while_the_others_get_it() {
        let pages = PublicPages::new(Duration::from_millis(100));
        let page = |at| Page {
            at,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"<p>page</p>"),
            nonce: None,
            redrawing: false,
        };
        pages.keep("/offres".into(), page(Instant::now()));
        assert!(pages.find("/offres").is_some());
        let expired = Instant::now() - Duration::from_millis(150);
        pages.keep("/offres".into(), page(expired));
        assert!(pages.find("/offres").is_none(), "the first one draws it");
        assert!(pages.find("/offres").is_some(), "the others get it meanwhile");
        // A new drawing that cannot be kept (a withdrawn offer's 404) forgets the old page.
        pages.forget("/offres");
        assert!(pages.find("/offres").is_none());
        assert!(pages.find("/offres").is_none());
        // Past twice its time, nobody gets it any more.
        let old = Instant::now() - Duration::from_millis(250);
        pages.keep("/offres".into(), page(old));
        assert!(pages.find("/offres").is_none());
        assert!(pages.find("/offres").is_none());
    }

    #[test]
    fn kept_pages_stay_within_the_budget() {
        let pages = PublicPages::new(Duration::from_secs(1));
        let body = Bytes::from(vec![b'x'; 400 * 1024]);
        for i in 0..100 {
            pages.keep(
                format!("/offres/{i}"),
                Page {
                    at: Instant::now(),
                    headers: HeaderMap::new(),
                    body: body.clone(),
                    nonce: None,
                    redrawing: false,
                },
            );
        }
        let kept = pages.0.kept.lock().unwrap();
        assert!(kept.bytes <= BUDGET_BYTES);
        assert!(kept.pages.len() < 100 && kept.pages.len() >= 30);
        assert!(kept.pages.contains("/offres/99"));
        assert!(!kept.pages.contains("/offres/0"));
    }
}

//! The addresses of this build's stylesheet, script and WebAssembly, which the server learns at
//! start-up (their names carry a content hash in a release build) and every page names. Kept in
//! memory: read from `hash.txt` on each page, a file gone missing would fail every page.

use std::sync::OnceLock;

static SCRIPT_AND_MODULE: OnceLock<(String, String)> = OnceLock::new();
static STYLESHEET: OnceLock<String> = OnceLock::new();

/// Records the stylesheet's address, once per process.
pub fn remember_stylesheet(href: String) {
    let _ = STYLESHEET.set(href);
}

/// The stylesheet's address; the unhashed name until told otherwise.
pub fn stylesheet() -> &'static str {
    STYLESHEET
        .get()
        .map_or("/pkg/locactive.css", String::as_str)
}

/// Records the script's and the WebAssembly's addresses, once per process.
pub fn remember(script: String, module: String) {
    let _ = SCRIPT_AND_MODULE.set((script, module));
}

/// The script's and the WebAssembly's addresses; the unhashed names until told otherwise.
pub fn script_and_module() -> (&'static str, &'static str) {
    match SCRIPT_AND_MODULE.get() {
        Some((script, module)) => (script, module),
        None => ("/pkg/locactive.js", "/pkg/locactive.wasm"),
    }
}

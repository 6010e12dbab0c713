//! The addresses of this build's script and WebAssembly, which the server learns at start-up
//! (their names carry a content hash in a release build) and every page names.

use std::sync::OnceLock;

static SCRIPT_AND_MODULE: OnceLock<(String, String)> = OnceLock::new();

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

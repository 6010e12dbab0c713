//! locactive: the web application shared by the server and the browser.
//!
//! - [`domain`]: pure rules and reference data, no IO; compiled for the browser too.
//! - [`error`], [`model`]: types that cross the wire between server functions and pages.
//! - [`pages`], [`components`]: the UI, with each page's server functions beside it.
//! - `ssr` (server only): the store, search, mail and session adapters those functions call.

#![forbid(unsafe_code)]

pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod ssr;

/// Readies the browser side: pages are drawn on the server only, and the page's script then
/// wakes each island (`#[island]`: the commune combobox, the file input) by its exported name.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

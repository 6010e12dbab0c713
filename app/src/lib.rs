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

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets browser tests (and curious people) know the page is interactive now.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

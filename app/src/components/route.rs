//! Reading the current route.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The numeric `:id` of the current route; `-1` (which no record has) when it is not a number,
/// so the page answers "not found" rather than failing.
pub fn id_param() -> impl Fn() -> i64 + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(-1)
    }
}

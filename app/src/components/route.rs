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

/// Links to the neighbours of `page` among `pages` (both from 1), around "{unit} {page} sur
/// {pages}"; nothing when there is one page. Plain links: the pages are drawn on the server.
#[component]
pub fn Pager<F>(
    /// The navigation's name for screen readers ("Pages des candidats").
    label: &'static str,
    /// What one page is ("Page", "Point").
    unit: &'static str,
    /// The links' words ("Page précédente", "Page suivante"); the arrows are added, hidden from
    /// screen readers.
    previous: &'static str,
    next: &'static str,
    page: i64,
    pages: i64,
    /// The address of a page.
    href: F,
) -> impl IntoView
where
    F: Fn(i64) -> String + Send + Sync + 'static,
{
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=label>
                {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev"><span aria-hidden="true">"← "</span>{previous}</a> })}
                <span aria-current="page">{format!("{unit} {page} sur {pages}")}</span>
                {(page < pages).then(|| view! { <a href=href(page + 1) rel="next">{next}<span aria-hidden="true">" →"</span></a> })}
            </nav>
        }
    })
}

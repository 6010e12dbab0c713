//! Notices about the platform itself that staff and administrators must not miss.

use crate::error::AppError;
use leptos::prelude::*;

/// The warning while this year's income ceilings are not loaded, for staff and admins.
#[server(endpoint = "plateforme/plafonds")]
pub async fn ceilings_notice() -> Result<Option<String>, AppError> {
    use crate::model::Role;
    use crate::ssr::{require, respond};
    respond(async move {
        require(&[Role::Staff, Role::Admin]).await?;
        let year = crate::ssr::subject::today().year;
        Ok(crate::domain::ceilings::missing_year_notice(year))
    })
    .await
}

#[component]
pub fn CeilingsNotice() -> impl IntoView {
    let notice = Resource::new(|| (), |_| ceilings_notice());
    // The page's own content says what went wrong if the caller may not be here: nothing more.
    view! {
        <Suspense fallback=|| ()>
            {move || notice.get().and_then(Result::ok).flatten().map(|text| view! {
                <div class="form-alert" role="alert">
                    <p><strong>"Attention : "</strong>{text}</p>
                </div>
            })}
        </Suspense>
    }
}

/// A success flag that a server function put in the address it redirected to (`?enregistre=1`).
/// Forms are plain posts, and a refused one comes back to the same address with `__err` added:
/// the earlier flag is still there then, and its notice must not stand beside the error.
pub fn success_flag(name: &str) -> Option<String> {
    let query = leptos_router::hooks::use_query_map();
    let query = query.read_untracked();
    if query.get("__err").is_some() {
        return None;
    }
    query.get(name)
}

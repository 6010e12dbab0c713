//! How a page shows a failed load: a message that says what to do next, never a raw error.

use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let (title, action) = match &error {
        AppError::Unauthenticated => (
            "Connexion requise",
            view! { <p><a href=sign_in_href()>"Se connecter"</a>" pour continuer."</p> }.into_any(),
        ),
        AppError::Forbidden => (
            "Accès refusé",
            view! { <p>"Cette page est réservée à un autre profil d'utilisateur. "<a href="/">"Retour à l'accueil"</a></p> }.into_any(),
        ),
        AppError::NotFound => (
            "Page introuvable",
            view! { <p><a href="/">"Retour à l'accueil"</a></p> }.into_any(),
        ),
        AppError::BadRequest(_) => (
            "Adresse incorrecte",
            view! { <p><a href="/offres">"Revenir au catalogue des offres"</a></p> }.into_any(),
        ),
        _ => ("Une erreur est survenue", view! { <p>"Réessayez dans un instant."</p> }.into_any()),
    };
    view! {
        <section class="panel panel-error" role="alert" aria-labelledby="erreur-titre">
            <h1 id="erreur-titre">{title}</h1>
            <p>{error.to_string()}</p>
            {action}
        </section>
    }
}

/// The sign-in page, coming back to this one afterwards.
pub fn sign_in_href() -> String {
    let location = leptos_router::hooks::use_location();
    let (path, search) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    let here = if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    };
    sign_in_then(&here)
}

/// The sign-in page, going to `path` afterwards.
pub fn sign_in_then(path: &str) -> String {
    format!(
        "/connexion?retour={}",
        crate::domain::catalogue::percent_encode(path)
    )
}

/// Shows a server function's result once loaded: `render` on success, the error panel otherwise.
pub fn loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p role="status">"Chargement…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => render(data).into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page introuvable"/>
        <section class="panel narrow">
            <h1>"Page introuvable"</h1>
            <p>"L'adresse demandée ne correspond à aucune page. Elle a peut-être été déplacée, ou contient une faute de frappe."</p>
            <p><a href="/">"Retour à l'accueil"</a></p>
        </section>
    }
}

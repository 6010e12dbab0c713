use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Trouvez votre logement social, et proposez votre candidature"</h1>
            <p>"Les bailleurs sociaux publient ici leurs logements vacants pour une durée limitée. Vous choisissez ceux qui vous conviennent et vous vous portez candidat ; à la clôture, les candidatures sont classées selon la grille de cotation publique du territoire, puis la commission d'attribution décide."</p>
            <p class="hero-actions">
                <a class="button" href="/inscription">"Créer un compte demandeur"</a>
                <a class="button button-secondary" href="/connexion">"Se connecter"</a>
            </p>
        </section>
        <section class="cards" aria-label="Comment ça marche">
            <article class="card">
                <h2>"1. Votre dossier"</h2>
                <p>"Renseignez votre foyer, vos ressources et votre numéro unique de demande de logement social."</p>
            </article>
            <article class="card">
                <h2>"2. Vos candidatures"</h2>
                <p>"Pour chaque offre, locactive vous dit si vous êtes éligible et pourquoi. Vous candidatez en quelques clics."</p>
            </article>
            <article class="card">
                <h2>"3. La décision"</h2>
                <p>"Vous suivez chaque étape et recevez par e-mail la décision de la commission et ses motifs."</p>
            </article>
        </section>
    }
}

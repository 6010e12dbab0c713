//! The page frame: header with the navigation of the signed-in role, and the footer.

use crate::components::form::KeptForm;
use crate::error::AppError;
use crate::model::{CurrentUser, Role};
use crate::pages::auth::Logout;
use leptos::prelude::*;
use leptos_router::components::A;

/// Who is signed in, for the navigation. Anonymous visitors get `None`.
#[server(endpoint = "moi")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    crate::ssr::respond(crate::ssr::current_user()).await
}

#[component]
pub fn Header() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    // Read for each page, which is drawn anew on the server after every navigation and sign-out.
    let user = Resource::new(|| (), |_| whoami());
    view! {
        <header class="site-header">
            <div class="site-header-inner">
                <a class="brand" href="/">"locactive"<span class="brand-tagline">" · location active du logement social"</span></a>
                <nav aria-label="Navigation principale">
                    <Transition fallback=|| view! { <ul class="nav"></ul> }>
                        {move || Suspend::new(async move {
                            let user = user.await.ok().flatten();
                            view! { <NavLinks user logout/> }
                        })}
                    </Transition>
                </nav>
            </div>
        </header>
    }
}

#[component]
fn NavLinks(user: Option<CurrentUser>, logout: ServerAction<Logout>) -> impl IntoView {
    match user {
        None => view! {
            <ul class="nav">
                <li><A href="/">"Accueil"</A></li>
                <li><A href="/offres">"Offres"</A></li>
                <li><A href="/connexion">"Se connecter"</A></li>
                <li><A href="/inscription">"Créer un compte"</A></li>
            </ul>
        }
        .into_any(),
        Some(user) => {
            let links: Vec<(&'static str, &'static str)> = match user.role {
                Role::Applicant => vec![
                    ("/offres", "Offres"),
                    ("/espace", "Mon espace"),
                    ("/espace/profil", "Mon profil"),
                    ("/espace/candidatures", "Mes candidatures"),
                    ("/espace/cotation", "Ma cotation"),
                    ("/espace/donnees", "Mes données"),
                ],
                Role::Staff => vec![
                    ("/gestion", "Gestion du parc"),
                    ("/gestion/demandeurs", "Demandeurs accompagnés"),
                    ("/gestion/commissions", "Commissions"),
                    ("/gestion/occupation", "Occupation"),
                    ("/gestion/flux", "Flux"),
                    ("/gestion/journal", "Journal"),
                    ("/offres", "Catalogue public"),
                ],
                Role::Member => vec![("/commission", "Ma commission")],
                Role::Admin => vec![
                    ("/admin", "Administration"),
                    ("/cotation", "Grilles publiées"),
                ],
                Role::Territory => vec![
                    ("/territoire", "Grilles de cotation"),
                    ("/cotation", "Page publique"),
                ],
                Role::Reservataire => vec![("/reservataire", "Bilans et offres")],
            };
            let scope = user
                .organisation
                .as_ref()
                .map(|o| format!(" — {}", o.name))
                .unwrap_or_default();
            view! {
                <ul class="nav">
                    {links.into_iter().map(|(href, label)| view! { <li><A href=href>{label}</A></li> }).collect_view()}
                    <li class="nav-user">
                        <span class="visually-hidden">"Connecté en tant que "</span>
                        {user.display_name.clone()}
                        <span class="nav-role">{format!(" ({}{scope})", user.role.label())}</span>
                    </li>
                    <li>
                        <KeptForm action=logout attr:class="inline-form">
                            <button type="submit" class="link-button">"Se déconnecter"</button>
                        </KeptForm>
                    </li>
                </ul>
            }
            .into_any()
        }
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"locactive — les logements sociaux vacants publiés par les bailleurs, ouverts aux candidatures des demandeurs."</p>
            <p>"Le classement des candidatures suit la grille de cotation publique du territoire ; la commission d'attribution (CALEOL) reste souveraine."</p>
            <p>
                <a href="/resultats">"Résultats des attributions"</a>" · "
                <a href="/compte">"Mon compte"</a>" · "
                <a href="/deconnexion">"Sessions et déconnexion"</a>" · "
                <a href="/confidentialite">"Données personnelles"</a>" · "
                <a href="/mentions-legales">"Mentions légales"</a>
            </p>
        </footer>
    }
}

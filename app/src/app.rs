//! The HTML shell, the router and the per-role navigation.

use crate::components::layout::{Footer, Header};
use crate::pages::{
    account, admin, applicant, auth, caleol, catalogue, cotation, errors, flux, home, privacy,
    profile, ranking, results, staff, staff_applicants, staff_import, staff_offers, staff_units,
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="fr">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.ico"/>
                <AutoReload options=options.clone()/>
                <BuiltStylesheet/>
                <HydrateWhenIdle/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The stylesheet, whose name carries a hash of its content in a release build.
#[component]
fn BuiltStylesheet() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let href = crate::ssr::built::stylesheet();
    #[cfg(not(feature = "ssr"))]
    let href = "";
    view! { <link id="leptos" rel="stylesheet" href=href/> }
}

/// Wakes the page's islands, the only parts of a page that run in the browser. A page without
/// any (most public pages) loads no WebAssembly at all; one with islands loads it once the page is
/// idle, with no hint in the head to fetch it earlier: on a slow link the page's text and photos
/// come first, and every form works before it arrives. (The framework's own `HydrationScripts`
/// preloads it, which on a phone's connection delayed the largest paint by seconds: README,
/// "Lighthouse".) `data-hydrated` on the body tells browser tests the islands are awake.
#[component]
fn HydrateWhenIdle() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        // Outside islands nothing is hydrated: the page need not carry its resources' data for
        // the browser (what Leptos' own `HydrationScripts` does in islands mode).
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
        let (script, module) = crate::ssr::built::script_and_module();
        let nonce = leptos::nonce::use_nonce();
        // Each island wakes on its own: one that fails is logged and the others still wake.
        // Islands here take no children and are not lazy, so Leptos' fuller island script (which
        // handles both) is not needed.
        let code = format!(
            "const awake = () => document.body.setAttribute('data-hydrated', 'true'); \
             const start = () => {{ \
               const islands = document.querySelectorAll('leptos-island'); \
               if (islands.length === 0) {{ awake(); return; }} \
               import({script:?}).then(async (bundle) => {{ \
                 await bundle.default({{ module_or_path: {module:?} }}); bundle.hydrate(); \
                 for (const island of islands) {{ \
                   const wake = bundle[island.dataset.component]; \
                   try {{ \
                     if (wake) {{ wake(island); }} else {{ throw new Error('not in the bundle'); }} \
                   }} catch (error) {{ console.error('island ' + island.dataset.component + ': ' + error); }} \
                 }} \
                 awake(); \
               }}).catch((error) => console.error('the islands could not be loaded: ' + error)); \
             }}; \
             if ('requestIdleCallback' in window) {{ requestIdleCallback(start, {{ timeout: 2000 }}); }} \
             else {{ setTimeout(start, 0); }}"
        );
        view! { <script type="module" nonce=nonce>{code}</script> }.into_any()
    }
    #[cfg(not(feature = "ssr"))]
    {
        ().into_any()
    }
}

/// A fresh nonce per page, allowed in the Content-Security-Policy: only the scripts Leptos writes
/// into this page may run, plus the WebAssembly they load.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use leptos::nonce::{provide_nonce, use_nonce};
    provide_nonce();
    let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    let refused = crate::ssr::forms::take_for_page();
    #[cfg(not(feature = "ssr"))]
    let refused = Vec::new();
    crate::components::form::SentForms::provide(refused);
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "locactive".to_string() } else { format!("{page} · locactive") }
        }/>
        <Router>
            <a class="skip-link" href="#contenu">"Aller au contenu"</a>
            <Header/>
            <main id="contenu" tabindex="-1">
                <Routes fallback=errors::NotFound>
                    <Route path=path!("") view=home::HomePage/>
                    <Route path=path!("/inscription") view=auth::RegisterPage/>
                    <Route path=path!("/inscription/envoyee") view=auth::RegisterSentPage/>
                    <Route path=path!("/activation") view=auth::ActivatePage/>
                    <Route path=path!("/connexion") view=auth::LoginPage/>
                    <Route path=path!("/deconnexion") view=auth::LogoutPage/>
                    <Route path=path!("/compte") view=account::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/compte/adresse") view=account::ConfirmEmailPage/>
                    <Route path=path!("/mot-de-passe-oublie") view=auth::ForgotPasswordPage/>
                    <Route path=path!("/mot-de-passe-oublie/envoye") view=auth::ForgotSentPage/>
                    <Route path=path!("/reinitialiser") view=auth::ResetPasswordPage/>
                    <Route path=path!("/invitation") view=auth::InvitationPage/>
                    <Route path=path!("/offres") view=catalogue::CataloguePage ssr=SsrMode::Async/>
                    <Route path=path!("/offres/:id") view=catalogue::OfferPage ssr=SsrMode::Async/>
                    <Route path=path!("/offres/:id/resultat") view=results::OfferResultPage ssr=SsrMode::Async/>
                    <Route path=path!("/resultats") view=results::DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/cotation") view=cotation::PublicGridsPage ssr=SsrMode::Async/>
                    <Route path=path!("/confidentialite") view=privacy::PrivacyPage ssr=SsrMode::Async/>
                    <Route path=path!("/mentions-legales") view=privacy::LegalNoticePage ssr=SsrMode::Async/>
                    <Route path=path!("/compte-supprime") view=privacy::AccountDeletedPage/>
                    // One parent route per area: the area's pages in one place. Who may see them is
                    // checked by each page's server functions, the only place a check cannot be
                    // skipped.
                    <ParentRoute path=path!("/espace") view=Outlet ssr=SsrMode::Async>
                        <Route path=path!("") view=applicant::ApplicantHomePage ssr=SsrMode::Async/>
                        <Route path=path!("profil") view=profile::ProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("candidatures") view=applicant::ApplicationsPage ssr=SsrMode::Async/>
                        <Route path=path!("candidatures/:id") view=results::ExplanationPage ssr=SsrMode::Async/>
                        <Route path=path!("cotation") view=cotation::MyCotationPage ssr=SsrMode::Async/>
                        <Route path=path!("donnees") view=privacy::MyDataPage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <ParentRoute path=path!("/gestion") view=Outlet ssr=SsrMode::Async>
                        <Route path=path!("") view=staff::StaffHomePage ssr=SsrMode::Async/>
                        <Route path=path!("logements/nouveau") view=staff_units::NewUnitPage ssr=SsrMode::Async/>
                        <Route path=path!("logements/:id") view=staff_units::UnitPage ssr=SsrMode::Async/>
                        <Route path=path!("import") view=staff_import::ImportPage ssr=SsrMode::Async/>
                        <Route path=path!("import/:id") view=staff_import::ImportReportPage ssr=SsrMode::Async/>
                        <Route path=path!("demandeurs") view=staff_applicants::AssistedListPage ssr=SsrMode::Async/>
                        <Route path=path!("demandeurs/:id") view=staff_applicants::AssistedApplicantPage ssr=SsrMode::Async/>
                        <Route path=path!("flux") view=flux::FluxPage ssr=SsrMode::Async/>
                        <Route path=path!("flux/bilan/:id") view=flux::BilanPage ssr=SsrMode::Async/>
                        <Route path=path!("offres/:id") view=staff_offers::StaffOfferPage ssr=SsrMode::Async/>
                        <Route path=path!("offres/:id/classement") view=ranking::RankingPage ssr=SsrMode::Async/>
                        <Route path=path!("commissions") view=caleol::StaffSessionsPage ssr=SsrMode::Async/>
                        <Route path=path!("journal") view=caleol::AuditLogPage ssr=SsrMode::Async/>
                        <Route path=path!("occupation") view=caleol::OccupationPage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <ParentRoute path=path!("/commission") view=Outlet ssr=SsrMode::Async>
                        <Route path=path!("") view=caleol::CommissionHomePage ssr=SsrMode::Async/>
                        <Route path=path!("seances/:id") view=caleol::SessionPage ssr=SsrMode::Async/>
                        <Route path=path!("seances/:id/pv") view=caleol::MinutesPage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <ParentRoute path=path!("/reservataire") view=Outlet ssr=SsrMode::Async>
                        <Route path=path!("") view=flux::ReservataireHomePage ssr=SsrMode::Async/>
                        <Route path=path!("bilan") view=flux::ReservataireBilanPage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <ParentRoute path=path!("/territoire") view=Outlet ssr=SsrMode::Async>
                        <Route path=path!("") view=cotation::TerritoryPage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <ParentRoute path=path!("/admin") view=Outlet ssr=SsrMode::Async>
                        <Route path=path!("") view=admin::AdminHomePage ssr=SsrMode::Async/>
                        <Route path=path!("organisations/:id") view=admin::OrganisationPage ssr=SsrMode::Async/>
                    </ParentRoute>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}

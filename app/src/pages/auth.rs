//! Registration, activation, sign-in and sign-out, password reset, invitations.
//!
//! Answers never reveal whether an address has an account: sign-in failures share one message,
//! and registration and reset requests always answer "check your mailbox" while the e-mail itself
//! says what applies.

use crate::components::form::KeptForm;
use crate::components::form::{Field, FormAlert, field_errors};
use crate::components::notices::success_flag;
use crate::error::{AppError, FieldErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[cfg(feature = "ssr")]
use crate::ssr::{internal, respond, state};

/// The one answer to a failed sign-in, whatever the cause.
pub const LOGIN_FAILED: &str =
    "Adresse e-mail ou mot de passe incorrect, ou compte pas encore activé.";

#[server(endpoint = "inscription")]
pub async fn register(
    display_name: String,
    email: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::domain::account::*;
    use crate::ssr::client_ip;
    respond(async move {
        let state = state()?;
        let email = normalize_email(&email);
        let display_name = display_name.trim().to_string();
        let mut errors = FieldErrors::new();
        if let Some(problem) = display_name_problem(&display_name) {
            errors.add("display_name", problem);
        }
        if let Some(problem) = email_problem(&email) {
            errors.add("email", problem);
        }
        check_new_password(
            &mut errors,
            &password,
            &password_confirm,
            "password",
            "password_confirm",
        );
        errors.into_result()?;
        if !state
            .email_limiter
            .allow(&format!("register:{}", client_ip()))
        {
            return Err(AppError::RateLimited);
        }
        crate::ssr::usecases::accounts::register(&state, &email, &display_name, password).await?;
        leptos_axum::redirect("/inscription/envoyee");
        Ok(())
    })
    .await
}

#[server(endpoint = "activation")]
pub async fn activate(token: String) -> Result<(), AppError> {
    use crate::ssr::session;
    respond(async move {
        let state = state()?;
        let user_id = crate::ssr::usecases::accounts::activate(&state, &token).await?;
        session::sign_in(&state, user_id).await?;
        leptos_axum::redirect("/espace");
        Ok(())
    })
    .await
}

#[server(endpoint = "connexion")]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] retour: String,
) -> Result<(), AppError> {
    use crate::domain::account::normalize_email;
    use crate::ssr::{client_ip, secrets, session, store::accounts};
    respond(async move {
        let state = state()?;
        let email = normalize_email(&email);
        let mut errors = FieldErrors::new();
        if email.is_empty() {
            errors.add("email", "Indiquez votre adresse e-mail.");
        }
        if password.is_empty() {
            errors.add("password", "Indiquez votre mot de passe.");
        }
        errors.into_result()?;
        // Each limit counts only the attempts the previous one let through, so that one address
        // refused by its own limit cannot use up an account's. Ten a minute for one account from
        // one address: someone guessing elsewhere does not lock the owner out. A hundred a minute
        // for the account from everywhere slows guessing spread over many addresses.
        let client = client_ip();
        if !state.address_login_limiter.allow(&client) {
            return Err(AppError::RateLimited);
        }
        // No account has a longer address: a made-up one does not become a limiter's key.
        if email.chars().count() > crate::domain::account::EMAIL_MAX_CHARS {
            return Err(AppError::Rejected(LOGIN_FAILED.into()));
        }
        if !state
            .login_limiter
            .allow(&format!("email:{email} from:{client}"))
            || !state.account_login_limiter.allow(&format!("email:{email}"))
        {
            return Err(AppError::RateLimited);
        }
        let account = accounts::credentials_by_email(state.db.pool(), &email).await?;
        let stored = account.as_ref().and_then(|a| a.password_hash.clone());
        let matches = secrets::verify_password(password, stored).await?;
        match account {
            Some(account) if matches && account.active => {
                session::sign_in(&state, account.user_id).await?;
                let back = crate::domain::account::return_path(&retour);
                leptos_axum::redirect(back.unwrap_or(account.role.home_path()));
                Ok(())
            }
            _ => Err(AppError::Rejected(LOGIN_FAILED.into())),
        }
    })
    .await
}

#[server(endpoint = "deconnexion")]
pub async fn logout() -> Result<(), AppError> {
    respond(async move {
        let state = state()?;
        crate::ssr::session::sign_out(&state).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Ends every session of the signed-in account but this one (another device, a shared computer);
/// answers how many were ended.
#[server(endpoint = "deconnexion/autres")]
pub async fn sign_out_elsewhere() -> Result<u64, AppError> {
    use crate::ssr::session::cookie_value;
    respond(async move {
        let state = state()?;
        let user = crate::ssr::current_user()
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let kept = use_context::<http::request::Parts>()
            .and_then(|parts| cookie_value(&parts.headers))
            .ok_or(AppError::Unauthenticated)?;
        let mut conn = state.db.pool().acquire().await?;
        let ended =
            crate::ssr::store::accounts::delete_other_sessions(&mut conn, user.id, &kept).await?;
        leptos_axum::redirect(&format!("/deconnexion?autres={ended}"));
        Ok(ended)
    })
    .await
}

#[server(endpoint = "mot-de-passe-oublie")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::domain::account::{email_problem, normalize_email};
    use crate::ssr::client_ip;
    respond(async move {
        let state = state()?;
        let email = normalize_email(&email);
        if let Some(problem) = email_problem(&email) {
            return Err(AppError::field("email", problem));
        }
        let by_client = state
            .email_limiter
            .allow(&format!("reset-ip:{}", client_ip()));
        let by_account = state.email_limiter.allow(&format!("reset:{email}"));
        if !by_client || !by_account {
            return Err(AppError::RateLimited);
        }
        crate::ssr::usecases::accounts::request_password_reset(&state, &email).await?;
        leptos_axum::redirect("/mot-de-passe-oublie/envoye");
        Ok(())
    })
    .await
}

/// Checks a new password, uses the e-mailed token of `purpose`, and stores the password;
/// returns the account. Shared by password reset and invitation acceptance.
#[cfg(feature = "ssr")]
async fn set_password_from_link(
    purpose: crate::ssr::store::accounts::TokenPurpose,
    token: &str,
    password: String,
    password_confirm: &str,
) -> Result<i64, AppError> {
    use crate::domain::account::check_new_password;
    let state = state()?;
    let mut errors = FieldErrors::new();
    check_new_password(
        &mut errors,
        &password,
        password_confirm,
        "password",
        "password_confirm",
    );
    errors.into_result()?;
    crate::ssr::usecases::accounts::set_password_from_link(&state, purpose, token, password).await
}

#[server(endpoint = "reinitialiser")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::store::accounts::TokenPurpose;
    respond(async move {
        set_password_from_link(TokenPurpose::Reset, &token, password, &password_confirm).await?;
        leptos_axum::redirect("/connexion?reinitialise=1");
        Ok(())
    })
    .await
}

#[server(endpoint = "invitation")]
pub async fn accept_invitation(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::session;
    use crate::ssr::store::accounts::{self, TokenPurpose};
    respond(async move {
        let user_id = set_password_from_link(
            TokenPurpose::Invitation,
            &token,
            password,
            &password_confirm,
        )
        .await?;
        let state = state()?;
        session::sign_in(&state, user_id).await?;
        let role = accounts::role_of(state.db.pool(), user_id).await?;
        leptos_axum::redirect(role.map(|r| r.home_path()).unwrap_or("/"));
        Ok(())
    })
    .await
}

/// Whether an e-mailed link can still be used, so the page can say so before the form is filled.
#[server(endpoint = "jeton")]
pub async fn token_still_valid(purpose: String, token: String) -> Result<bool, AppError> {
    use crate::ssr::store::accounts::{self, TokenPurpose};
    respond(async move {
        let purpose = match purpose.as_str() {
            "activation" => TokenPurpose::Activation,
            "reset" => TokenPurpose::Reset,
            "invitation" => TokenPurpose::Invitation,
            _ => return Err(AppError::NotFound),
        };
        let state = state()?;
        accounts::token_is_valid(state.db.pool(), purpose, token.trim())
            .await
            .map_err(internal)
    })
    .await
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let errors = field_errors(action.value());
    view! {
        <Title text="Créer un compte demandeur"/>
        <section class="panel narrow">
            <h1>"Créer un compte demandeur"</h1>
            <p>"Avec un compte, vous pourrez compléter votre dossier, voir les logements auxquels vous êtes éligible et y candidater."</p>
            <p class="hint">"Les champs marqués d'un astérisque (*) sont obligatoires."</p>
            <FormAlert value=action.value()/>
            <KeptForm action=action>
                <Field label="Nom et prénom" name="display_name" autocomplete="name" errors/>
                <Field label="Adresse e-mail" name="email" kind="email" autocomplete="email"
                    hint="Un lien d'activation vous sera envoyé à cette adresse." errors/>
                <Field label="Mot de passe" name="password" kind="password" autocomplete="new-password"
                    hint="Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner." errors/>
                <Field label="Confirmation du mot de passe" name="password_confirm" kind="password" autocomplete="new-password" errors/>
                <button type="submit" class="button">"Créer mon compte"</button>
            </KeptForm>
            <p>"Déjà inscrit ? "<a href="/connexion">"Se connecter"</a></p>
        </section>
    }
}

#[component]
pub fn RegisterSentPage() -> impl IntoView {
    view! {
        <Title text="Vérifiez votre messagerie"/>
        <section class="panel narrow" role="status">
            <h1>"Vérifiez votre messagerie"</h1>
            <p>"Nous vous avons envoyé un e-mail. Ouvrez le lien qu'il contient pour activer votre compte (il reste valable 48 heures)."</p>
            <p>"Rien reçu après quelques minutes ? Regardez dans les courriers indésirables, puis recommencez l'inscription."</p>
        </section>
    }
}

/// Reads `?jeton=` from the address.
fn token_from_query() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("jeton").unwrap_or_default())
}

/// Shows `form` when the link's token is still valid, and what to do otherwise.
#[component]
fn WhenTokenValid(purpose: &'static str, children: ChildrenFn) -> impl IntoView {
    let token = token_from_query();
    let valid = Resource::new(
        move || token.get(),
        move |t| token_still_valid(purpose.to_string(), t),
    );
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p>"Vérification du lien…"</p> }>
            {move || Suspend::new(async move {
                match valid.await {
                    Ok(true) => children.read_value()().into_any(),
                    _ => view! {
                        <div class="form-alert" role="alert">
                            <p><strong>"Lien invalide : "</strong>"ce lien n'est plus valable (déjà utilisé ou expiré)."</p>
                            <p><a href="/mot-de-passe-oublie">"Demander un nouveau lien"</a>" ou "<a href="/connexion">"se connecter"</a>"."</p>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ActivatePage() -> impl IntoView {
    let action = ServerAction::<Activate>::new();
    let token = token_from_query();
    view! {
        <Title text="Activer mon compte"/>
        <section class="panel narrow">
            <h1>"Activer mon compte"</h1>
            <FormAlert value=action.value()/>
            <WhenTokenValid purpose="activation">
                <KeptForm action=action>
                    <input type="hidden" name="token" value=move || token.get()/>
                    <p>"Confirmez l'activation de votre compte demandeur."</p>
                    <button type="submit" class="button">"Activer mon compte"</button>
                </KeptForm>
            </WhenTokenValid>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let errors = field_errors(action.value());
    let query = use_query_map();
    let after_reset = success_flag("reinitialise").is_some();
    let after_address = success_flag("adresse").is_some();
    // The page that asked for a sign-in, to go back to it.
    let back = move || {
        query
            .read()
            .get("retour")
            .and_then(|r| crate::domain::account::return_path(&r).map(str::to_string))
    };
    view! {
        <Title text="Se connecter"/>
        <section class="panel narrow">
            <h1>"Se connecter"</h1>
            {after_reset.then(|| view! {
                <p class="notice" role="status">"Votre mot de passe a été modifié. Connectez-vous avec le nouveau."</p>
            })}
            {after_address.then(|| view! {
                <p class="notice" role="status">"Votre adresse e-mail est changée. Connectez-vous avec la nouvelle."</p>
            })}
            <FormAlert value=action.value()/>
            <KeptForm action=action>
                {move || back().map(|path| view! { <input type="hidden" name="retour" value=path/> })}
                <Field label="Adresse e-mail" name="email" kind="email" autocomplete="username" errors/>
                <Field label="Mot de passe" name="password" kind="password" autocomplete="current-password" errors/>
                <button type="submit" class="button">"Se connecter"</button>
            </KeptForm>
            <p><a href="/mot-de-passe-oublie">"Mot de passe oublié ?"</a></p>
            <p>"Pas encore de compte ? "<a href="/inscription">"Créer un compte demandeur"</a></p>
        </section>
    }
}

#[component]
pub fn LogoutPage() -> impl IntoView {
    let action = ServerAction::<Logout>::new();
    view! {
        <Title text="Se déconnecter"/>
        <section class="panel narrow">
            <h1>"Se déconnecter"</h1>
            <FormAlert value=action.value()/>
            <KeptForm action=action>
                <p>"Voulez-vous fermer votre session sur cet appareil ?"</p>
                <button type="submit" class="button">"Se déconnecter"</button>
            </KeptForm>
        </section>
        <OtherSessions/>
    }
}

/// Closing the account's sessions on other devices: after using a shared computer, or when a
/// device is lost. The redirect carries the count.
#[component]
fn OtherSessions() -> impl IntoView {
    let action = ServerAction::<SignOutElsewhere>::new();
    let ended = success_flag("autres").and_then(|n| n.parse::<u64>().ok());
    view! {
        <section class="panel narrow" aria-labelledby="autres-titre">
            <h2 id="autres-titre">"Vos autres appareils"</h2>
            <p>"Une session se ferme d'elle-même après une heure sans activité, et douze heures après la connexion. "
               "Vous pouvez aussi fermer tout de suite vos sessions ouvertes ailleurs, par exemple sur un ordinateur partagé."</p>
            <FormAlert value=action.value()/>
            {ended.map(|n| view! {
                <p class="notice" role="status">{match n {
                    0 => "Aucune autre session n'était ouverte.".to_string(),
                    1 => "Une autre session a été fermée.".to_string(),
                    n => format!("{n} autres sessions ont été fermées."),
                }}</p>
            })}
            <KeptForm action=action>
                <button type="submit" class="button button-secondary">"Fermer mes sessions sur les autres appareils"</button>
            </KeptForm>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let errors = field_errors(action.value());
    view! {
        <Title text="Mot de passe oublié"/>
        <section class="panel narrow">
            <h1>"Mot de passe oublié"</h1>
            <p>"Indiquez l'adresse de votre compte : nous y enverrons un lien pour choisir un nouveau mot de passe."</p>
            <FormAlert value=action.value()/>
            <KeptForm action=action>
                <Field label="Adresse e-mail" name="email" kind="email" autocomplete="email" errors/>
                <button type="submit" class="button">"Recevoir le lien"</button>
            </KeptForm>
        </section>
    }
}

#[component]
pub fn ForgotSentPage() -> impl IntoView {
    view! {
        <Title text="Demande envoyée"/>
        <section class="panel narrow" role="status">
            <h1>"Demande enregistrée"</h1>
            <p>"Si un compte actif correspond à cette adresse, un e-mail avec un lien de réinitialisation vient de lui être envoyé. Le lien est valable une heure et ne sert qu'une fois."</p>
            <p><a href="/connexion">"Retour à la connexion"</a></p>
        </section>
    }
}

#[component]
fn NewPasswordFields(errors: Signal<Option<FieldErrors>>) -> impl IntoView {
    let token = token_from_query();
    view! {
        <input type="hidden" name="token" value=move || token.get()/>
        <Field label="Nouveau mot de passe" name="password" kind="password" autocomplete="new-password"
            hint="Au moins 12 caractères." errors/>
        <Field label="Confirmation du mot de passe" name="password_confirm" kind="password" autocomplete="new-password" errors/>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let errors = field_errors(action.value());
    view! {
        <Title text="Nouveau mot de passe"/>
        <section class="panel narrow">
            <h1>"Choisir un nouveau mot de passe"</h1>
            <FormAlert value=action.value()/>
            <WhenTokenValid purpose="reset">
                <KeptForm action=action>
                    <NewPasswordFields errors/>
                    <button type="submit" class="button">"Enregistrer"</button>
                </KeptForm>
            </WhenTokenValid>
        </section>
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let errors = field_errors(action.value());
    view! {
        <Title text="Accepter l'invitation"/>
        <section class="panel narrow">
            <h1>"Accepter l'invitation"</h1>
            <p>"Choisissez le mot de passe de votre compte."</p>
            <FormAlert value=action.value()/>
            <WhenTokenValid purpose="invitation">
                <KeptForm action=action>
                    <NewPasswordFields errors/>
                    <button type="submit" class="button">"Activer mon compte"</button>
                </KeptForm>
            </WhenTokenValid>
        </section>
    }
}

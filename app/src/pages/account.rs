//! "Mon compte", for every signed-in person: change the e-mail address or the password, each
//! after typing the current password again (ASVS 5.0 V7).

use crate::components::form::{Field, FormAlert, KeptForm, field_errors};
use crate::components::notices::success_flag;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[server(endpoint = "compte/adresse")]
pub async fn change_email(new_email: String, password_now: String) -> Result<(), AppError> {
    use crate::domain::account::{email_problem, normalize_email};
    use crate::ssr::{current_user, respond, state};
    respond(async move {
        let user = current_user().await?.ok_or(AppError::Unauthenticated)?;
        let new_email = normalize_email(&new_email);
        if let Some(problem) = email_problem(&new_email) {
            return Err(AppError::field("new_email", problem));
        }
        crate::ssr::usecases::accounts::request_email_change(
            &state()?,
            &user,
            &new_email,
            password_now,
        )
        .await?;
        leptos_axum::redirect("/compte?adresse=envoyee");
        Ok(())
    })
    .await
}

#[server(endpoint = "compte/adresse/confirmer")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    use crate::ssr::{respond, state};
    respond(async move {
        crate::ssr::usecases::accounts::confirm_email_change(&state()?, &token).await?;
        // The account's sessions ended with the old address.
        leptos_axum::redirect("/connexion?adresse=changee");
        Ok(())
    })
    .await
}

#[server(endpoint = "compte/mot-de-passe")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::domain::account::password_problem;
    use crate::error::FieldErrors;
    use crate::ssr::session::cookie_value;
    use crate::ssr::{current_user, respond, state};
    respond(async move {
        let user = current_user().await?.ok_or(AppError::Unauthenticated)?;
        let mut errors = FieldErrors::new();
        if let Some(problem) = password_problem(&password) {
            errors.add("password", problem);
        } else if password != password_confirm {
            errors.add(
                "password_confirm",
                "Les deux mots de passe ne sont pas identiques.",
            );
        }
        errors.into_result()?;
        let kept = use_context::<http::request::Parts>()
            .and_then(|parts| cookie_value(&parts.headers))
            .ok_or(AppError::Unauthenticated)?;
        let ended = crate::ssr::usecases::accounts::change_password(
            &state()?,
            &user,
            current_password,
            password,
            &kept,
        )
        .await?;
        leptos_axum::redirect(&format!("/compte?mot-de-passe={ended}"));
        Ok(())
    })
    .await
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let email = ServerAction::<ChangeEmail>::new();
    let password = ServerAction::<ChangePassword>::new();
    let email_errors = field_errors(email.value());
    let password_errors = field_errors(password.value());
    let email_sent = success_flag("adresse").as_deref() == Some("envoyee");
    let password_changed = success_flag("mot-de-passe").is_some();
    let user = Resource::new(|| (), |_| crate::components::layout::whoami());
    view! {
        <Title text="Mon compte"/>
        <Suspense fallback=|| view! { <p role="status">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match user.await.ok().flatten() {
                    None => view! {
                        <section class="panel narrow">
                            <h1>"Mon compte"</h1>
                            <p class="form-alert" role="alert">"Connexion requise. "<a href="/connexion?retour=/compte">"Se connecter"</a></p>
                        </section>
                    }.into_any(),
                    Some(current) => view! {
                        <section class="panel narrow">
                            <h1>"Mon compte"</h1>
                            <p>"Adresse actuelle : "<strong>{current.email}</strong></p>
                            <p><a href="/deconnexion">"Sessions et déconnexion"</a></p>
                            <p class="hint">"Les champs marqués d'un astérisque (*) sont obligatoires."</p>
                        </section>
                        <section class="panel narrow" aria-labelledby="adresse-titre">
                            <h2 id="adresse-titre">"Changer d'adresse e-mail"</h2>
                            <p>"Un lien de confirmation part à la nouvelle adresse : le changement se fait quand vous l'ouvrez. L'ancienne adresse est prévenue, et vous vous reconnectez ensuite avec la nouvelle."</p>
                            {email_sent.then(|| view! {
                                <p class="notice" role="status">"Si cette adresse peut être utilisée, un lien de confirmation vient de lui être envoyé (valable 24 heures)."</p>
                            })}
                            <FormAlert value=email.value()/>
                            <KeptForm action=email>
                                <Field label="Nouvelle adresse e-mail" name="new_email" kind="email" autocomplete="email" errors=email_errors/>
                                <Field label="Mot de passe actuel, pour confirmer" name="password_now" kind="password" autocomplete="current-password" errors=email_errors/>
                                <button type="submit" class="button">"Recevoir le lien de confirmation"</button>
                            </KeptForm>
                        </section>
                        <section class="panel narrow" aria-labelledby="mdp-titre">
                            <h2 id="mdp-titre">"Changer de mot de passe"</h2>
                            <p>"Vos sessions ouvertes sur d'autres appareils seront fermées."</p>
                            {password_changed.then(|| view! {
                                <p class="notice" role="status">"Votre mot de passe est changé, et vos autres sessions sont fermées."</p>
                            })}
                            <FormAlert value=password.value()/>
                            <KeptForm action=password>
                                <Field label="Mot de passe actuel" name="current_password" kind="password" autocomplete="current-password" errors=password_errors/>
                                <Field label="Nouveau mot de passe" name="password" kind="password" autocomplete="new-password"
                                    hint="Au moins 12 caractères." errors=password_errors/>
                                <Field label="Confirmation du mot de passe" name="password_confirm" kind="password" autocomplete="new-password" errors=password_errors/>
                                <button type="submit" class="button">"Changer de mot de passe"</button>
                            </KeptForm>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The page the confirmation link opens: a button, so that a mail scanner following links does
/// not make the change by itself.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let query = use_query_map();
    let token = move || query.read().get("jeton").unwrap_or_default();
    view! {
        <Title text="Confirmer ma nouvelle adresse"/>
        <section class="panel narrow">
            <h1>"Confirmer ma nouvelle adresse"</h1>
            <FormAlert value=action.value()/>
            <KeptForm action>
                <input type="hidden" name="token" value=token/>
                <p>"Confirmez que votre compte utilisera désormais cette adresse e-mail."</p>
                <button type="submit" class="button">"Confirmer"</button>
            </KeptForm>
        </section>
    }
}

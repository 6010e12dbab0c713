//! Accounts: registration, activation, sign-in and out, password reset, invitations.

use crate::common::*;
use app::model::Role;

on_both_backends!(
    an_applicant_registers_activates_logs_out_and_logs_in,
    registering_a_taken_address_looks_the_same_and_warns_the_owner,
    invalid_registration_is_refused_field_by_field_and_creates_nothing,
    an_unactivated_account_cannot_sign_in,
    password_reset_links_work_once_and_expire,
    an_invited_staff_member_sets_a_password_and_lands_on_their_organisation,
    the_address_changes_from_the_new_mailbox_after_the_password_is_typed_again,
    a_password_change_asks_the_current_one_and_closes_the_other_sessions,
);

async fn an_applicant_registers_activates_logs_out_and_logs_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = "lea.martin@exemple.fr";
    app.register_and_activate("Léa Martin", email, PASSWORD)
        .await;
    let me = app.whoami(&app.client).await;
    assert_eq!(me["email"], email);
    assert_eq!(me["role"], "Applicant");

    let response = app.call("deconnexion", &[]).await;
    assert!(response.status().is_success());
    assert!(app.whoami(&app.client).await.is_null());

    let response = app
        .login(&app.client, "  LEA.Martin@exemple.fr ", PASSWORD)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.whoami(&app.client).await["email"], email);
}

async fn registering_a_taken_address_looks_the_same_and_warns_the_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = "karim@exemple.fr";
    app.register_and_activate("Karim B.", email, PASSWORD).await;
    let stranger = new_client();
    let form = [
        ("display_name", "Imposteur"),
        ("email", email),
        ("password", "une-autre-phrase-secrete"),
        ("password_confirm", "une-autre-phrase-secrete"),
    ];
    let response = app.call_with(&stranger, "inscription", &form).await;
    let fresh = app
        .call_with(
            &stranger,
            "inscription",
            &[
                ("display_name", "Nouvelle"),
                ("email", "nouvelle@exemple.fr"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), fresh.status());
    assert_eq!(response.text().await.unwrap(), fresh.text().await.unwrap());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'karim@exemple.fr'")
            .await,
        1
    );
    let mails = app.mail_to(email).await;
    assert_eq!(mails.len(), 2);
    assert!(
        mails[1].subject.contains("déjà un compte"),
        "{}",
        mails[1].subject
    );
    // The owner's password still works; the stranger's does not.
    assert_eq!(
        app.login(&new_client(), email, PASSWORD).await.status(),
        200
    );
    assert_eq!(
        app.login(&new_client(), email, "une-autre-phrase-secrete")
            .await
            .status(),
        422
    );
}

async fn invalid_registration_is_refused_field_by_field_and_creates_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .call(
            "inscription",
            &[
                ("display_name", " "),
                ("email", "pas-une-adresse"),
                ("password", "court"),
                ("password_confirm", "court"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let error: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<&str> = error["Invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair[0].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["display_name", "email", "password"]);
    let messages = error["Invalid"].to_string();
    assert!(messages.contains("12 caractères"), "{messages}");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    assert!(app.deliver_mail().await.is_empty());

    // Mismatched confirmation.
    let response = app
        .call(
            "inscription",
            &[
                ("display_name", "Léa"),
                ("email", "lea@exemple.fr"),
                ("password", PASSWORD),
                ("password_confirm", "cheval-agrafe-batteri"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("password_confirm"));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

async fn an_unactivated_account_cannot_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = "pas.active@exemple.fr";
    let response = app
        .call(
            "inscription",
            &[
                ("display_name", "Pas Active"),
                ("email", email),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert!(response.status().is_success());
    let response = app.login(&new_client(), email, PASSWORD).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains(app::pages::auth::LOGIN_FAILED)
    );
    // The activation link works once only.
    let token = token_in(&app.mail_to(email).await[0].body);
    assert!(
        app.call_with(&new_client(), "activation", &[("token", &token)])
            .await
            .status()
            .is_success()
    );
    assert_eq!(
        app.call_with(&new_client(), "activation", &[("token", &token)])
            .await
            .status(),
        422
    );
}

async fn password_reset_links_work_once_and_expire(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = "ines@exemple.fr";
    app.register_and_activate("Inès", email, PASSWORD).await;
    let old_session = app.client.clone();

    let response = app
        .call_with(&new_client(), "mot-de-passe-oublie", &[("email", email)])
        .await;
    assert!(response.status().is_success());
    let token = token_in(&app.mail_to(email).await.last().unwrap().body);
    let new_password = "une-toute-nouvelle-phrase";
    let response = app
        .call_with(
            &new_client(),
            "reinitialiser",
            &[
                ("token", &token),
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert!(response.status().is_success());
    // Sessions opened with the old password are closed.
    assert!(app.whoami(&old_session).await.is_null());
    assert_eq!(
        app.login(&new_client(), email, PASSWORD).await.status(),
        422
    );
    assert_eq!(
        app.login(&new_client(), email, new_password).await.status(),
        200
    );
    // Single use.
    let again = app
        .call_with(
            &new_client(),
            "reinitialiser",
            &[
                ("token", &token),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status(), 422);

    // Expired links are refused.
    app.call_with(&new_client(), "mot-de-passe-oublie", &[("email", email)])
        .await;
    let token = token_in(&app.mail_to(email).await.last().unwrap().body);
    sqlx::query("UPDATE email_tokens SET expires_at = 0 WHERE used_at IS NULL")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let expired = app
        .call_with(
            &new_client(),
            "reinitialiser",
            &[
                ("token", &token),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(expired.status(), 422);
    assert!(expired.text().await.unwrap().contains("plus valable"));

    // Unknown addresses get the same answer and no mail.
    let unknown = app
        .call_with(
            &new_client(),
            "mot-de-passe-oublie",
            &[("email", "personne@exemple.fr")],
        )
        .await;
    assert!(unknown.status().is_success());
    assert!(app.mail_to("personne@exemple.fr").await.is_empty());
}

async fn an_invited_staff_member_sets_a_password_and_lands_on_their_organisation(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("admin@exemple.fr", PASSWORD, Role::Admin, None, None)
        .await;
    assert_eq!(
        app.login(&app.client, "admin@exemple.fr", PASSWORD)
            .await
            .status(),
        200
    );

    let response = app
        .call(
            "admin/organisation/creer",
            &[
                ("name", "Habitat Test"),
                ("siren", "242 500 361"),
                ("territory", "Besançon"),
            ],
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let (org_id,): (i64,) =
        sqlx::query_as("SELECT id FROM organisations WHERE siren = '242500361'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let org = org_id.to_string();
    let response = app
        .call(
            "admin/inviter",
            &[
                ("organisation_id", &org),
                ("role", "staff"),
                ("display_name", "Julien Agent"),
                ("email", "julien@habitat.fr"),
            ],
        )
        .await;
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
    let invitation = app.mail_to("julien@habitat.fr").await;
    assert!(invitation[0].body.contains("Habitat Test"));
    let token = token_in(&invitation[0].body);

    let staff = new_client();
    let response = app
        .call_with(
            &staff,
            "invitation",
            &[
                ("token", &token),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert!(response.status().is_success());
    let me = app.whoami(&staff).await;
    assert_eq!(me["role"], "Staff");
    assert_eq!(me["organisation"]["name"], "Habitat Test");
    let dashboard = app.call_with(&staff, "gestion", &[("page", "1")]).await;
    assert_eq!(dashboard.status(), 200);
    let dashboard: serde_json::Value = dashboard.json().await.unwrap();
    assert_eq!(dashboard["organisation"]["id"], org_id);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('organisation.create', 'user.invite')"
        )
        .await,
        2
    );
}

async fn the_address_changes_from_the_new_mailbox_after_the_password_is_typed_again(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (old, new) = ("ines@exemple.fr", "ines.nouvelle@exemple.fr");
    app.register_and_activate("Inès R.", old, PASSWORD).await;
    app.register_and_activate("Autre", "autre@exemple.fr", PASSWORD)
        .await;
    ok(app.login(&app.client, old, PASSWORD).await).await;
    let ask = |address: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.call(
                "compte/adresse",
                &[("new_email", address), ("password_now", password)],
            )
            .await
        }
    };

    // Without the right password, or with a malformed address, nothing is sent.
    assert_eq!(ask(new, "pas-le-mot-de-passe").await.status(), 422);
    assert_eq!(ask("pas une adresse", PASSWORD).await.status(), 422);
    assert_eq!(ask(old, PASSWORD).await.status(), 422);
    assert!(app.mail_to(new).await.is_empty());

    // Another account's address: the same answer, its owner is told, nothing is pending.
    ok(ask("autre@exemple.fr", PASSWORD).await).await;
    let told = app.mail_to("autre@exemple.fr").await;
    assert!(
        told.last()
            .unwrap()
            .subject
            .contains("proposée pour un autre compte")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM email_changes").await, 0);

    // The link goes to the new mailbox; the address changes only when it is used, once.
    ok(ask(new, PASSWORD).await).await;
    assert_eq!(app.whoami(&app.client).await["email"], old);
    let token = token_in(&app.mail_to(new).await.last().unwrap().body);
    ok(app
        .call("compte/adresse/confirmer", &[("token", &token)])
        .await)
    .await;
    // Every session ends with the old address: one signs in again with the new one.
    assert!(app.whoami(&app.client).await.is_null());
    let (email,): (String,) =
        sqlx::query_as("SELECT email FROM users WHERE display_name = 'Inès R.'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(email, new);
    let notice = app.mail_to(old).await;
    assert!(notice.last().unwrap().body.contains(new));
    assert_eq!(
        app.call("compte/adresse/confirmer", &[("token", &token)])
            .await
            .status(),
        422
    );
    ok(app.login(&new_client(), new, PASSWORD).await).await;
}

async fn a_password_change_asks_the_current_one_and_closes_the_other_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = "noe@exemple.fr";
    app.register_and_activate("Noé", email, PASSWORD).await;
    ok(app.login(&app.client, email, PASSWORD).await).await;
    let elsewhere = new_client();
    ok(app.login(&elsewhere, email, PASSWORD).await).await;
    let fresh = "une-toute-nouvelle-phrase";
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        let app = &app;
        async move {
            app.call(
                "compte/mot-de-passe",
                &[
                    ("current_password", current),
                    ("password", new),
                    ("password_confirm", confirm),
                ],
            )
            .await
        }
    };
    assert_eq!(
        change("mauvais-mot-de-passe", fresh, fresh).await.status(),
        422
    );
    assert_eq!(
        change(PASSWORD, fresh, "une-autre-phrase-encore")
            .await
            .status(),
        422
    );
    assert_eq!(change(PASSWORD, "court", "court").await.status(), 422);
    assert_eq!(app.whoami(&elsewhere).await["email"], email);
    // Whoever knew the old password asked to move the account to their own address: the new
    // password voids that pending change.
    ok(app
        .call(
            "compte/adresse",
            &[
                ("new_email", "intrus@exemple.fr"),
                ("password_now", PASSWORD),
            ],
        )
        .await)
    .await;
    let planted = token_in(&app.mail_to("intrus@exemple.fr").await.last().unwrap().body);
    ok(change(PASSWORD, fresh, fresh).await).await;
    assert_eq!(
        app.call("compte/adresse/confirmer", &[("token", &planted)])
            .await
            .status(),
        422
    );
    // This session goes on; the other device is signed out; only the new password works.
    assert_eq!(app.whoami(&app.client).await["email"], email);
    assert!(app.whoami(&elsewhere).await.is_null());
    assert_ne!(
        app.login(&new_client(), email, PASSWORD).await.status(),
        200
    );
    ok(app.login(&new_client(), email, fresh).await).await;
    let letters = app.mail_to(email).await;
    assert!(
        letters
            .iter()
            .any(|m| m.subject == "Votre mot de passe a été modifié")
    );
}

//! Accounts: registration, activation, sign-in and out, password reset, invitations.

mod common;

use app::model::Role;
use common::*;

on_both_backends!(
    an_applicant_registers_activates_logs_out_and_logs_in,
    registering_a_taken_address_looks_the_same_and_warns_the_owner,
    invalid_registration_is_refused_field_by_field_and_creates_nothing,
    an_unactivated_account_cannot_sign_in,
    password_reset_links_work_once_and_expire,
    an_invited_staff_member_sets_a_password_and_lands_on_their_organisation,
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

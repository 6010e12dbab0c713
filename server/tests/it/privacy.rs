//! Personal data (RGPD): the applicant's copy of their data, who read their file, and the
//! retention that strikes off requests not renewed and erases them later. The deletion of an
//! account named in a commission's minutes is in `caleol.rs`, beside the session it needs.

use crate::common::ranked::{applicant, offer, ranked_offer, today};
use crate::common::*;
use app::domain::calendar::paris_date;
use app::ssr::usecases::privacy::retention;
use serde_json::Value;

on_both_backends!(
    an_applicant_downloads_their_data_and_sees_who_read_their_file,
    a_request_not_renewed_is_struck_off_then_erased_after_the_retention_period,
    the_privacy_page_and_legal_notice_name_who_answers_for_the_data,
    accounts_left_unused_are_erased,
);

async fn my_data(app: &TestApp, client: &reqwest::Client) -> Value {
    let response = client
        .get(app.url("/espace/donnees.json"))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    response.json().await.expect("JSON")
}

async fn an_applicant_downloads_their_data_and_sees_who_read_their_file(backend: Backend) {
    let app = spawn_app(backend).await;
    let ranked = ranked_offer(&app).await;
    let a = ranked.applicant("a@example.fr");

    // Nobody has read the file yet.
    let data = my_data(&app, a).await;
    assert_eq!(data["account"]["email"], "a@example.fr");
    assert_eq!(data["profile"]["members"][0]["first_name"], "Alex");
    assert_eq!(data["applications"].as_array().unwrap().len(), 1);
    assert_eq!(data["reads"], Value::Array(Vec::new()));

    // Staff open the ranking twice (a reload counts once) and download it.
    let offer_id = ranked.offer_id.to_string();
    for _ in 0..2 {
        ok(app
            .call_with(
                &ranked.staff,
                "gestion/classement",
                &[("offer_id", &offer_id)],
            )
            .await)
        .await;
    }
    let csv = ranked
        .staff
        .get(app.url(&format!("/gestion/offres/{offer_id}/classement.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);

    let data = my_data(&app, a).await;
    let reads = data["reads"].as_array().unwrap();
    assert_eq!(reads.len(), 2, "{reads:?}");
    assert!(
        reads
            .iter()
            .all(|r| r["reader"] == "Un agent de Habitat Comtois")
    );
    assert!(reads[0]["read"].as_str().unwrap().ends_with("téléchargé"));
    assert!(
        reads[1]["read"]
            .as_str()
            .unwrap()
            .starts_with("le classement de l'offre")
    );
    // Only their own data: no other household of the ranking appears.
    assert!(!data.to_string().contains("b@example.fr"));

    // The readable page says the same.
    let page = app.page_text(a, "/espace/donnees").await;
    assert!(page.contains("Qui a consulté mon dossier"));
    assert!(page.contains("Un agent de Habitat Comtois"));

    // Each of the five other applicants has their own two reads; staff's own names are not there.
    assert_eq!(app.count("SELECT COUNT(*) FROM file_reads").await, 12);
    let json = my_data(&app, ranked.applicant("b@example.fr"))
        .await
        .to_string();
    assert!(!json.contains("staff@") && !json.contains("agent@"));

    // Nobody else gets an applicant's copy.
    let staff = ranked
        .staff
        .get(app.url("/espace/donnees.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(staff.status(), 403);
    let anonymous = new_client()
        .get(app.url("/espace/donnees.json"))
        .send()
        .await
        .unwrap();
    assert!(anonymous.status().is_redirection());
    assert_eq!(anonymous.headers()["location"], "/connexion");
}

async fn lapse(app: &TestApp, email: &str) {
    sqlx::query(
        "UPDATE applicant_profiles SET renewal_date = $1
         WHERE user_id = (SELECT id FROM users WHERE email = $2)",
    )
    .bind(today().add_days(-1).iso())
    .bind(email)
    .execute(app.state.db.pool())
    .await
    .unwrap();
}

async fn a_request_not_renewed_is_struck_off_then_erased_after_the_retention_period(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Comtois", "552081317").await;
    let offer_id = offer(&app, &staff, "R-1").await.to_string();
    let lapsed = applicant(&app, "lapsed@example.fr", "15 000", &[], "2024-01-01").await;
    let renews = applicant(&app, "renews@example.fr", "15 000", &[], "2024-01-01").await;
    for client in [&lapsed, &renews] {
        ok(app
            .call_with(client, "offres/postuler", &[("offer_id", &offer_id)])
            .await)
        .await;
    }
    sqlx::query(
        "INSERT INTO applicant_documents (user_id, kind, filename, content_type, size_bytes, content, created_at)
         SELECT id, 'identite', 'piece.pdf', 'application/pdf', 4, $1, 0 FROM users WHERE email = 'lapsed@example.fr'",
    )
    .bind(b"%PDF".to_vec())
    .execute(app.state.db.pool())
    .await
    .unwrap();
    lapse(&app, "lapsed@example.fr").await;
    lapse(&app, "renews@example.fr").await;

    let day = paris_date(app::ssr::db::now());
    let done = retention(&app.state, day, 12).await.unwrap();
    assert_eq!(
        (done.struck_off, done.proofs_deleted, done.accounts_erased),
        (2, 1, 0)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applicant_documents").await,
        0
    );
    let mail = app.mail_to("lapsed@example.fr").await;
    assert!(
        mail.iter().any(|m| m.subject.contains("radiée")),
        "{mail:?}"
    );
    // A second pass the same day changes nothing.
    let again = retention(&app.state, day, 12).await.unwrap();
    assert_eq!((again.struck_off, again.accounts_erased), (0, 0));

    // A renewed request is live again: no longer struck off, so not erased later.
    ok(app
        .call_with(
            &renews,
            "espace/profil/demande",
            &[
                ("sne_number", "0250124000042"),
                ("first_filing_date", "2024-01-01"),
                ("renewal_date", &today().add_days(300).iso()),
            ],
        )
        .await)
    .await;

    // Twelve months after the striking off, the lapsed account is erased.
    let done = retention(&app.state, day.add_days(366), 12).await.unwrap();
    assert_eq!(done.accounts_erased, 1);
    let (email, name, active): (String, String, i64) = sqlx::query_as(
        "SELECT email, display_name, active FROM users WHERE email LIKE 'supprime-%'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert!(email.ends_with("@locactive.invalid"));
    assert!(name.starts_with("Demandeur supprimé"));
    assert_eq!(active, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'lapsed@example.fr'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applicant_profiles").await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM household_members").await, 1);
    let response = app
        .login(&new_client(), "lapsed@example.fr", PASSWORD)
        .await;
    assert_ne!(response.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'renews@example.fr'")
            .await,
        1
    );
}

async fn the_privacy_page_and_legal_notice_name_who_answers_for_the_data(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = new_client();
    let privacy = app.page_text(&client, "/confidentialite").await;
    for words in [
        "Délégué à la protection des données : dpo@locactive.localhost",
        "12 mois après la radiation",
        "mission d'intérêt public",
        "CNIL",
    ] {
        assert!(privacy.contains(words), "{words}");
    }
    let notice = app.page_text(&client, "/mentions-legales").await;
    assert!(notice.contains("locactive (démonstration)"));
    // Every page links to both.
    let home = app.page_text(&client, "/").await;
    assert!(
        home.contains("href=\"/confidentialite\"") && home.contains("href=\"/mentions-legales\"")
    );
}

async fn accounts_left_unused_are_erased(backend: Backend) {
    let app = spawn_app(backend).await;
    // Registered, never activated.
    ok(app
        .call(
            "inscription",
            &[
                ("display_name", "Jamais Venu"),
                ("email", "jamais@example.fr"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await)
    .await;
    // Activated, with a request on file: kept however long.
    let _filed = applicant(&app, "filed@example.fr", "15 000", &[], "2024-01-01").await;
    let day = paris_date(app::ssr::db::now());
    let done = retention(&app.state, day, 12).await.unwrap();
    assert_eq!(done.accounts_erased, 0, "nothing is due yet");
    // Forty days on: the accounts are older, the request still on file.
    sqlx::query("UPDATE users SET created_at = created_at - 40 * 86400")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let done = retention(&app.state, day, 12).await.unwrap();
    assert_eq!(done.accounts_erased, 1);
    let gone = app
        .count("SELECT COUNT(*) FROM users WHERE email = 'jamais@example.fr'")
        .await;
    assert_eq!(gone, 0);
    let kept = app
        .count("SELECT COUNT(*) FROM users WHERE email = 'filed@example.fr'")
        .await;
    assert_eq!(kept, 1);
}

//! Applicants: the profile part by part, eligibility with reasons, applying within the cap,
//! withdrawing, the e-mails of each step, and the walls between applicants.

use crate::common::http_get;
use crate::common::{Backend, OfferSpec, PASSWORD, TestApp, join_all, new_client, ok, spawn_app};

on_both_backends!(
    the_profile_is_saved_part_by_part_and_bad_input_changes_nothing,
    applying_needs_a_complete_profile_and_an_eligible_household,
    the_catalogue_shows_each_offer_s_verdict_and_filters_those_for_me,
    the_cap_holds_under_concurrent_requests_and_a_double_submission_is_harmless,
    the_close_is_told_to_every_applicant_and_ends_withdrawals,
    an_applicant_can_neither_read_nor_change_another_s_profile_or_applications,
    the_sne_renewal_reminder_goes_once_a_month_before,
    proofs_are_checked_from_their_bytes_and_open_only_to_their_owner_and_the_landlords_applied_to,
    an_alert_sends_one_digest_a_day_with_only_the_new_matching_offers,
    staff_register_an_applicant_fill_the_profile_and_apply_on_their_behalf_under_the_same_rules,
);

/// A signed-in applicant on a client of their own.
async fn applicant(app: &TestApp, email: &str) -> reqwest::Client {
    app.create_user(email, PASSWORD, app::model::Role::Applicant, None, None)
        .await;
    let client = new_client();
    let response = app.login(&client, email, PASSWORD).await;
    assert!(response.status().is_success(), "applicant login failed");
    client
}

async fn profile(app: &TestApp, client: &reqwest::Client) -> serde_json::Value {
    ok(app.call_with(client, "espace/profil", &[]).await)
        .await
        .json()
        .await
        .expect("JSON")
}

/// Fills every part a single person alone needs to apply, with this yearly income.
async fn complete_profile(app: &TestApp, client: &reqwest::Client, rfr: &str) {
    use app::pages::profile::{AddMember, SaveHousing, SaveRequest, SaveResources};
    let today = app::domain::calendar::paris_date(app::ssr::db::now());
    let text = |s: &str| s.to_string();
    let member = AddMember {
        relationship: text("self"),
        first_name: text("Nadia"),
        birth_date: text("1986-04-12"),
        handicap: String::new(),
        dependant: String::new(),
        rfr_n2: text(rfr),
        pour: None,
    };
    app.run(client, member).await.expect("the applicant");
    let resources = SaveResources {
        monthly_resources: text("1 500"),
        income_basis: String::new(),
        declared_income: String::new(),
        income_members: Vec::new(),
        incomes: Vec::new(),
        pour: None,
    };
    app.run(client, resources).await.expect("the resources");
    let housing = SaveHousing {
        housing_status: text("hosted"),
        current_landlord: String::new(),
        current_typology: String::new(),
        current_rent: String::new(),
        pour: None,
    };
    app.run(client, housing).await.expect("the housing");
    let request = SaveRequest {
        sne_number: text("0251123000042"),
        first_filing_date: text("2023-11-02"),
        renewal_date: today.add_days(200).iso(),
        pour: None,
    };
    app.run(client, request).await.expect("the request");
}

fn spec<'a>(reference: &'a str, typology: &'a str, categories: &'a [&'a str]) -> OfferSpec<'a> {
    OfferSpec {
        reference,
        typology,
        financing: "PLUS",
        rent_euros: "400",
        categories,
    }
}

async fn apply(app: &TestApp, client: &reqwest::Client, offer_id: i64) -> reqwest::Response {
    app.call_with(
        client,
        "offres/postuler",
        &[("offer_id", &offer_id.to_string())],
    )
    .await
}

async fn for_me(app: &TestApp, client: &reqwest::Client, offer_id: i64) -> serde_json::Value {
    ok(app
        .call_with(client, "offres/pour-moi", &[("id", &offer_id.to_string())])
        .await)
    .await
    .json()
    .await
    .expect("JSON")
}

async fn the_profile_is_saved_part_by_part_and_bad_input_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = applicant(&app, "nadia@example.fr").await;
    let empty = profile(&app, &client).await;
    assert_eq!(empty["profile"]["members"].as_array().unwrap().len(), 0);

    // A member with every field wrong: each error beside its field, nothing stored.
    let response = app
        .call_with(
            &client,
            "espace/profil/membre",
            &[
                ("relationship", "cousin"),
                ("first_name", ""),
                ("birth_date", "31/02/1986"),
                ("rfr_n2", "beaucoup"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    for field in ["relationship", "first_name", "birth_date", "rfr_n2"] {
        assert!(body.contains(field), "{field} missing from {body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM household_members").await, 0);

    // A wrong SNE number is refused with the reason, the stored request untouched.
    let response = app
        .call_with(
            &client,
            "espace/profil/demande",
            &[
                ("sne_number", "12345"),
                ("first_filing_date", "2023-11-02"),
                ("renewal_date", "2030-01-01"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("13 ou 18"));

    complete_profile(&app, &client, "15 000").await;
    ok(app
        .call_with(
            &client,
            "espace/profil/situations",
            &[
                ("situations[]", "handicap"),
                ("situations[]", "relogement_anru"),
                ("dalo", "on"),
            ],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &client,
            "espace/profil/souhaits",
            &[
                ("communes[]", "25056"),
                ("typologies[]", "T2"),
                ("max_rent", "550"),
            ],
        )
        .await)
    .await;
    let full = profile(&app, &client).await;
    let p = &full["profile"];
    assert_eq!(p["members"][0]["rfr_n2_eur"], 15_000);
    assert_eq!(p["monthly_resources_cents"], 150_000);
    assert_eq!(p["sne_number"], "0251123000042");
    assert_eq!(
        p["situations"],
        serde_json::json!(["Handicap", "RelogementAnru"])
    );
    assert_eq!(p["dalo"], true);
    assert_eq!(p["wished_communes"], serde_json::json!(["25056"]));
    let parts = full["completeness"]["parts"].as_array().unwrap();
    assert!(
        parts
            .iter()
            .all(|part| part["missing"].as_array().unwrap().is_empty())
    );

    // A social tenant must name their landlord: refused, the previous answer kept.
    let response = app
        .call_with(
            &client,
            "espace/profil/logement",
            &[("housing_status", "social_tenant")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        profile(&app, &client).await["profile"]["housing_status"],
        "Hosted"
    );

    // The page itself renders the saved profile for a browser without JavaScript.
    let page = client.get(app.url("/espace/profil")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Profil complété à 100 %"), "{html}");
    assert!(html.contains("0251123000042"));
}

async fn applying_needs_a_complete_profile_and_an_eligible_household(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let open = app
        .published_offer(&staff, spec("A-1", "T2", &["tout_public"]))
        .await;
    let mutation = app
        .published_offer(&staff, spec("A-2", "T2", &["mutation"]))
        .await;
    let family_size = app
        .published_offer(&staff, spec("A-3", "T4", &["tout_public"]))
        .await;

    let client = applicant(&app, "nadia@example.fr").await;
    let response = apply(&app, &client, open).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Complétez le profil")
    );

    // Income over the PLUS 2026 ceiling for one person outside Île-de-France (23 403 €).
    complete_profile(&app, &client, "23 404").await;
    let verdict = for_me(&app, &client, open).await;
    assert_eq!(verdict["assessment"]["verdict"], "Ineligible");
    assert_eq!(verdict["assessment"]["reasons"][0]["code"], "income");
    let response = apply(&app, &client, open).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("plafond"));

    // The 10 % drop rule: a lower income of the last twelve months makes the household eligible.
    ok(app
        .call_with(
            &client,
            "espace/profil/ressources",
            &[
                ("monthly_resources", "1 500"),
                ("income_basis", "12m"),
                ("declared_income", "19 000"),
            ],
        )
        .await)
    .await;
    assert_eq!(
        for_me(&app, &client, open).await["assessment"]["verdict"],
        "Eligible"
    );

    // Every reason at once: the public and the household size.
    let mutation_verdict = for_me(&app, &client, mutation).await;
    assert_eq!(
        mutation_verdict["assessment"]["reasons"][0]["code"],
        "public"
    );
    let size = for_me(&app, &client, family_size).await;
    assert_eq!(size["assessment"]["reasons"][0]["code"], "typology");
    for refused in [mutation, family_size] {
        let response = apply(&app, &client, refused).await;
        assert_eq!(response.status(), 422);
    }
    ok(apply(&app, &client, open).await).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'")
            .await,
        1
    );
    let mail = app.mail_to("nadia@example.fr").await;
    assert!(
        mail.iter()
            .any(|m| m.subject.starts_with("Candidature enregistrée")
                && m.body.contains(&format!("offre n° {open}"))),
        "{mail:?}"
    );

    // Anyone else asking about the offer gets no verdict, and cannot apply.
    let anonymous = new_client();
    let answer = app
        .call_with(&anonymous, "offres/pour-moi", &[("id", &open.to_string())])
        .await;
    assert_eq!(
        answer.json::<serde_json::Value>().await.unwrap(),
        serde_json::Value::Null
    );
    assert_eq!(apply(&app, &anonymous, open).await.status(), 401);
    assert_eq!(apply(&app, &staff, open).await.status(), 403);
}

async fn the_catalogue_shows_each_offer_s_verdict_and_filters_those_for_me(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let fits = app
        .published_offer(&staff, spec("C-1", "T2", &["tout_public"]))
        .await;
    let too_big = app
        .published_offer(&staff, spec("C-2", "T5", &["tout_public"]))
        .await;
    let client = applicant(&app, "nadia@example.fr").await;
    complete_profile(&app, &client, "15 000").await;

    let search = |query: &'static str| {
        let app = &app;
        let client = &client;
        async move {
            ok(app
                .call_with(client, "offres/recherche", &[("query", query)])
                .await)
            .await
            .json::<serde_json::Value>()
            .await
            .expect("JSON")
        }
    };
    let all = search("").await;
    assert_eq!(all["total"], 2);
    for hit in all["hits"].as_array().unwrap() {
        let expected = if hit["id"] == fits {
            "Eligible"
        } else {
            "Ineligible"
        };
        assert_eq!(hit["for_me"]["verdict"], expected, "{hit}");
    }
    let mine = search("pour_moi=1").await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["hits"][0]["id"], fits);
    let typologies = mine["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["parameter"] == "typologie")
        .expect("typology facet");
    assert_eq!(
        typologies["values"].as_array().unwrap().len(),
        1,
        "facets agree with the filter"
    );

    // Anonymous visitors see no badge, and the filter asks them to sign in; the API refuses it.
    let anonymous = new_client();
    let public = app
        .call_with(&anonymous, "offres/recherche", &[("query", "")])
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(public["hits"][0].get("for_me").is_none());
    let response = app
        .call_with(&anonymous, "offres/recherche", &[("query", "pour_moi=1")])
        .await;
    assert_eq!(response.status(), 401);
    let response = http_get(app.url("/api/v1/offres?pour_moi=1"))
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    // The offer page says why, and what to change, in the HTML itself.
    let page = app.page_text(&client, &format!("/offres/{too_big}")).await;
    assert!(page.contains("Vous ne pouvez pas postuler"), "{page}");
    assert!(
        page.contains("convient à un foyer de 4 à 8 personnes"),
        "{page}"
    );
}

async fn the_cap_holds_under_concurrent_requests_and_a_double_submission_is_harmless(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let mut offers = Vec::new();
    for n in 0..5 {
        let reference = format!("K-{n}");
        offers.push(
            app.published_offer(&staff, spec(&reference, "T2", &["tout_public"]))
                .await,
        );
    }
    let client = applicant(&app, "nadia@example.fr").await;
    complete_profile(&app, &client, "15 000").await;

    let attempts = offers.iter().map(|id| apply(&app, &client, *id));
    let statuses: Vec<u16> = futures_statuses(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'")
            .await,
        3
    );

    // Applying twice to the same offer (a double click) changes nothing.
    let (applied,): (i64,) =
        sqlx::query_as("SELECT MIN(offer_id) FROM applications WHERE status = 'active'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let twice =
        futures_statuses([apply(&app, &client, applied), apply(&app, &client, applied)]).await;
    assert_eq!(twice, vec![200, 200]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'")
            .await,
        3
    );

    // At the cap, the refusal says what to do; a withdrawal frees a place.
    let (waiting,): (i64,) = sqlx::query_as(
        "SELECT MIN(id) FROM offers WHERE id NOT IN (SELECT offer_id FROM applications)",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    let refused = apply(&app, &client, waiting).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Retirez-en une"));
    let (application,): (i64,) = sqlx::query_as("SELECT id FROM applications WHERE offer_id = $1")
        .bind(applied)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let id = application.to_string();
    ok(app
        .call_with(
            &client,
            "espace/candidature/retirer",
            &[("application_id", &id)],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &client,
            "espace/candidature/retirer",
            &[("application_id", &id)],
        )
        .await)
    .await;
    ok(apply(&app, &client, waiting).await).await;

    let mail = app.mail_to("nadia@example.fr").await;
    let count = |prefix: &str| {
        mail.iter()
            .filter(|m| m.subject.starts_with(prefix))
            .count()
    };
    assert_eq!(count("Candidature enregistrée"), 4);
    assert_eq!(count("Candidature retirée"), 1);

    // "Mes candidatures" lists all four, the withdrawn one included, with the applicant count.
    let home: serde_json::Value = ok(app.call_with(&client, "espace", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    let listed = home["applications"].as_array().unwrap();
    assert_eq!(listed.len(), 4);
    assert!(
        listed
            .iter()
            .any(|a| a["status_label"].as_str().unwrap().starts_with("Retirée"))
    );
    assert!(
        listed
            .iter()
            .all(|a| a["applicants"].as_i64().unwrap() <= 1)
    );
}

/// Sends the requests together and returns their statuses in order.
async fn futures_statuses<F>(requests: impl IntoIterator<Item = F>) -> Vec<u16>
where
    F: std::future::Future<Output = reqwest::Response>,
{
    let handles: Vec<F> = requests.into_iter().collect();
    let mut statuses = Vec::new();
    for response in join_all(handles).await {
        statuses.push(response.status().as_u16());
    }
    statuses
}

async fn the_close_is_told_to_every_applicant_and_ends_withdrawals(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let closing = app
        .published_offer(&staff, spec("F-1", "T2", &["tout_public"]))
        .await;
    let cancelled = app
        .published_offer(&staff, spec("F-2", "T2", &["tout_public"]))
        .await;
    let first = applicant(&app, "nadia@example.fr").await;
    let second = applicant(&app, "yann@example.fr").await;
    for client in [&first, &second] {
        complete_profile(&app, client, "15 000").await;
        ok(apply(&app, client, closing).await).await;
    }
    ok(apply(&app, &first, cancelled).await).await;

    // The window ends: withdrawing is refused even before the clock job has run.
    sqlx::query("UPDATE offers SET closes_at = $1 WHERE id = $2")
        .bind(app::ssr::db::now() - 1)
        .bind(closing)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let (application,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM applications a JOIN users u ON u.id = a.applicant_user_id
         WHERE a.offer_id = $1 AND u.email = 'nadia@example.fr'",
    )
    .bind(closing)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    let late = app
        .call_with(
            &first,
            "espace/candidature/retirer",
            &[("application_id", &application.to_string())],
        )
        .await;
    assert_eq!(late.status(), 422);
    assert!(late.text().await.unwrap().contains("closes"));

    app::ssr::usecases::offers::close_due(
        app.state.db.pool(),
        app::ssr::db::now(),
        "http://test/espace",
    )
    .await
    .unwrap();
    let response = app
        .call_with(
            &staff,
            "gestion/offre/statut",
            &[("offer_id", &cancelled.to_string()), ("to", "cancelled")],
        )
        .await;
    ok(response).await;

    for email in ["nadia@example.fr", "yann@example.fr"] {
        let mail = app.mail_to(email).await;
        assert_eq!(
            mail.iter()
                .filter(|m| m.subject.starts_with("Candidatures closes")
                    && m.body.contains(&format!("offre n° {closing}")))
                .count(),
            1,
            "{email}: {mail:?}"
        );
    }
    let nadia = app.mail_to("nadia@example.fr").await;
    assert!(nadia.iter().any(|m| m.subject.starts_with("Offre annulée")));
    assert!(
        !app.mail_to("yann@example.fr")
            .await
            .iter()
            .any(|m| m.subject.starts_with("Offre annulée"))
    );
}

async fn an_applicant_can_neither_read_nor_change_another_s_profile_or_applications(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let offer = app
        .published_offer(&staff, spec("S-1", "T2", &["tout_public"]))
        .await;
    let nadia = applicant(&app, "nadia@example.fr").await;
    complete_profile(&app, &nadia, "15 000").await;
    ok(apply(&app, &nadia, offer).await).await;
    let (member_id, application_id): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT MIN(id) FROM household_members), (SELECT MIN(id) FROM applications)",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();

    let intruder = applicant(&app, "yann@example.fr").await;
    let theirs = profile(&app, &intruder).await;
    assert_eq!(theirs["profile"]["members"].as_array().unwrap().len(), 0);
    assert_eq!(theirs["profile"]["sne_number"], serde_json::Value::Null);
    let home: serde_json::Value = ok(app.call_with(&intruder, "espace", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(home["applications"].as_array().unwrap().len(), 0);

    let remove = app
        .call_with(
            &intruder,
            "espace/profil/membre/retirer",
            &[("member_id", &member_id.to_string())],
        )
        .await;
    assert_eq!(remove.status(), 404);
    let withdraw = app
        .call_with(
            &intruder,
            "espace/candidature/retirer",
            &[("application_id", &application_id.to_string())],
        )
        .await;
    assert_eq!(withdraw.status(), 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM household_members").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'")
            .await,
        1
    );

    // Staff and anonymous visitors have no applicant space at all.
    assert_eq!(
        app.call_with(&staff, "espace/profil", &[]).await.status(),
        403
    );
    assert_eq!(
        app.call_with(&new_client(), "espace/profil", &[])
            .await
            .status(),
        401
    );
    assert_eq!(
        app.call_with(&new_client(), "espace", &[]).await.status(),
        401
    );
}

async fn the_sne_renewal_reminder_goes_once_a_month_before(backend: Backend) {
    use app::domain::calendar::paris_date;
    let app = spawn_app(backend).await;
    let soon = applicant(&app, "nadia@example.fr").await;
    let later = applicant(&app, "yann@example.fr").await;
    complete_profile(&app, &soon, "15 000").await;
    complete_profile(&app, &later, "15 000").await;
    let today = paris_date(app::ssr::db::now());
    sqlx::query(
        "UPDATE applicant_profiles SET renewal_date = $1
         WHERE user_id = (SELECT id FROM users WHERE email = 'nadia@example.fr')",
    )
    .bind(today.add_days(20).iso())
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let remind = || {
        app::ssr::store::profiles::remind_renewals(
            app.state.db.pool(),
            today,
            30,
            "http://test/espace/profil",
        )
    };
    assert_eq!(remind().await.unwrap(), 1);
    assert_eq!(remind().await.unwrap(), 0, "once per renewal date");
    let mail = app.mail_to("nadia@example.fr").await;
    let reminder = mail
        .iter()
        .find(|m| m.subject == "Renouvelez votre demande de logement social")
        .expect("reminder sent");
    assert!(
        reminder.body.contains(&today.add_days(20).french()),
        "{}",
        reminder.body
    );
    assert!(
        app.mail_to("yann@example.fr")
            .await
            .iter()
            .all(|m| !m.subject.starts_with("Renouvelez"))
    );
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    valid_until: &str,
    name: &str,
    bytes: Vec<u8>,
) -> String {
    let form = reqwest::multipart::Form::new()
        .text("kind", kind.to_string())
        .text("valid_until", valid_until.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let response = client
        .post(app.url("/espace/documents"))
        .header("Origin", app.url(""))
        .multipart(form)
        .send()
        .await
        .expect("upload sent");
    assert!(response.status().is_redirection(), "{}", response.status());
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn proofs_are_checked_from_their_bytes_and_open_only_to_their_owner_and_the_landlords_applied_to(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (landlord, _) = app.staff_of("Habitat Test", "111111111").await;
    let (other_landlord, _) = app.staff_of("Autre Bailleur", "222222222").await;
    let offer = app
        .published_offer(&landlord, spec("D-1", "T2", &["tout_public"]))
        .await;
    let nadia = applicant(&app, "nadia@example.fr").await;
    complete_profile(&app, &nadia, "15 000").await;

    // Refused: a program renamed .pdf, a missing kind, a file over 5 MB; nothing is kept.
    let renamed = upload(
        &app,
        &nadia,
        "identite",
        "",
        "carte.pdf",
        b"MZ\x90\x00binary".to_vec(),
    )
    .await;
    assert!(
        renamed.ends_with("?document=type#justificatifs"),
        "{renamed}"
    );
    let no_kind = upload(&app, &nadia, "", "", "a.pdf", b"%PDF-1.4 x".to_vec()).await;
    assert!(no_kind.contains("document=nature"), "{no_kind}");
    let mut big = b"%PDF-1.4".to_vec();
    big.resize(app::domain::documents::MAX_BYTES + 10, b' ');
    let too_big = upload(&app, &nadia, "autre", "", "gros.pdf", big).await;
    assert!(too_big.contains("document=taille"), "{too_big}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applicant_documents").await,
        0
    );

    // Kept: a PDF tax notice, and an expired residence permit, flagged.
    let pdf = b"%PDF-1.4 avis d'imposition".to_vec();
    assert!(
        upload(&app, &nadia, "avis_impot", "", "avis.pdf", pdf.clone())
            .await
            .contains("document=ajoute")
    );
    upload(
        &app,
        &nadia,
        "identite",
        "2020-01-31",
        "titre.png",
        b"\x89PNG\r\n\x1a\nxxxx".to_vec(),
    )
    .await;
    let documents = profile(&app, &nadia).await["documents"].clone();
    let documents = documents.as_array().unwrap();
    assert_eq!(documents.len(), 2);
    let expired = documents
        .iter()
        .find(|d| d["filename"] == "titre.png")
        .unwrap();
    assert_eq!(expired["expired"], true);
    let tax = documents
        .iter()
        .find(|d| d["filename"] == "avis.pdf")
        .unwrap();
    let path = format!("/documents/{}", tax["id"]);

    // The owner downloads it as it was sent.
    let mine = nadia.get(app.url(&path)).send().await.unwrap();
    assert_eq!(mine.status(), 200);
    assert_eq!(mine.headers()["content-type"], "application/pdf");
    assert!(
        mine.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(mine.bytes().await.unwrap().to_vec(), pdf);

    // Before any application, no landlord may open it; nor another applicant, ever.
    assert_eq!(
        landlord.get(app.url(&path)).send().await.unwrap().status(),
        404
    );
    let yann = applicant(&app, "yann@example.fr").await;
    assert_eq!(yann.get(app.url(&path)).send().await.unwrap().status(), 404);
    assert!(
        new_client()
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status()
            .is_redirection()
    );

    // Once Nadia applies, that landlord's staff may; another landlord's still may not.
    ok(apply(&app, &nadia, offer).await).await;
    assert_eq!(
        landlord.get(app.url(&path)).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.read'")
            .await,
        1,
        "a landlord's access is recorded"
    );
    assert_eq!(
        other_landlord
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Access follows the application: once Nadia withdraws, the landlord's staff may no longer
    // read her proofs, those already sent nor any sent afterwards.
    let (application,): (i64,) =
        sqlx::query_as("SELECT id FROM applications WHERE offer_id = $1 AND status = 'active'")
            .bind(offer)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    ok(app
        .call_with(
            &nadia,
            "espace/candidature/retirer",
            &[("application_id", &application.to_string())],
        )
        .await)
    .await;
    assert_eq!(
        landlord.get(app.url(&path)).send().await.unwrap().status(),
        404
    );
    assert_eq!(
        nadia.get(app.url(&path)).send().await.unwrap().status(),
        200
    );

    // Only the owner deletes it.
    let id = tax["id"].to_string();
    let theirs = app
        .call_with(&yann, "espace/document/supprimer", &[("document_id", &id)])
        .await;
    assert_eq!(theirs.status(), 404);
    ok(app
        .call_with(&nadia, "espace/document/supprimer", &[("document_id", &id)])
        .await)
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applicant_documents").await,
        1
    );
}

async fn an_alert_sends_one_digest_a_day_with_only_the_new_matching_offers(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let old = app
        .published_offer(&staff, spec("G-1", "T2", &["tout_public"]))
        .await;
    let nadia = applicant(&app, "nadia@example.fr").await;
    ok(app
        .call_with(
            &nadia,
            "offres/alerte",
            &[("query", "typologie=T2&page=3&pour_moi=1")],
        )
        .await)
    .await;
    // Saving it twice keeps one alert; a malformed query is refused.
    ok(app
        .call_with(&nadia, "offres/alerte", &[("query", "typologie=T2")])
        .await)
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM saved_searches").await, 1);
    let bad = app
        .call_with(&nadia, "offres/alerte", &[("query", "typologie=T9")])
        .await;
    assert_eq!(bad.status(), 400);
    let anonymous = app
        .call_with(&new_client(), "offres/alerte", &[("query", "")])
        .await;
    assert_eq!(anonymous.status(), 401);

    let new_t2 = app
        .published_offer(&staff, spec("G-2", "T2", &["tout_public"]))
        .await;
    let _new_t3 = app
        .published_offer(&staff, spec("G-3", "T3", &["tout_public"]))
        .await;
    let now = app::ssr::db::now();
    // The alert was saved two days ago, the first offer published three days ago.
    sqlx::query("UPDATE saved_searches SET digested_until = $1")
        .bind(now - 2 * 86_400)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE offers SET published_at = $1 WHERE id = $2")
        .bind(now - 3 * 86_400)
        .bind(old)
        .execute(app.state.db.pool())
        .await
        .unwrap();

    let link = |path: &str| format!("http://test{path}");
    let digest = || app::ssr::catalogue::send_digests(&app.state.db, &app.state.search, link, now);
    assert_eq!(digest().await.unwrap(), 1);
    assert_eq!(digest().await.unwrap(), 0, "one digest a day");
    let mail = app.mail_to("nadia@example.fr").await;
    let sent: Vec<_> = mail
        .iter()
        .filter(|m| m.subject.contains("nouvelle offre"))
        .collect();
    assert_eq!(sent.len(), 1, "{mail:?}");
    assert!(
        sent[0]
            .body
            .contains(&format!("http://test/offres/{new_t2}")),
        "{}",
        sent[0].body
    );
    assert!(
        !sent[0].body.contains(&format!("/offres/{old}")),
        "{}",
        sent[0].body
    );
    assert_eq!(
        sent[0].body.matches("/offres/").count(),
        1,
        "only the new T2"
    );
    assert!(
        sent[0].body.contains("http://test/offres?typologie=T2"),
        "{}",
        sent[0].body
    );

    // The applicant's space lists the alert; deleting it stops the digests.
    let home: serde_json::Value = ok(app.call_with(&nadia, "espace", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    let alert = &home["alerts"][0];
    assert_eq!(alert["description"], "T2");
    assert_eq!(alert["href"], "/offres?typologie=T2");
    let id = alert["id"].to_string();
    let yann = applicant(&app, "yann@example.fr").await;
    assert_eq!(
        app.call_with(&yann, "espace/alerte/supprimer", &[("alert_id", &id)])
            .await
            .status(),
        404
    );
    ok(app
        .call_with(&nadia, "espace/alerte/supprimer", &[("alert_id", &id)])
        .await)
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM saved_searches").await, 0);
}

async fn staff_register_an_applicant_fill_the_profile_and_apply_on_their_behalf_under_the_same_rules(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (staff, organisation) = app.staff_of("Habitat Test", "111111111").await;
    let (other_staff, _) = app.staff_of("Autre Bailleur", "222222222").await;
    let offer = app
        .published_offer(&staff, spec("H-1", "T2", &["tout_public"]))
        .await;
    let elsewhere = app
        .published_offer(&other_staff, spec("H-2", "T2", &["tout_public"]))
        .await;

    let bad = app
        .call_with(
            &staff,
            "gestion/demandeur/creer",
            &[("display_name", ""), ("email", "pas-une-adresse")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    ok(app
        .call_with(
            &staff,
            "gestion/demandeur/creer",
            &[
                ("display_name", "Marcel Duval"),
                ("email", "marcel@example.fr"),
            ],
        )
        .await)
    .await;
    let (marcel,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'marcel@example.fr'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let pour = marcel.to_string();
    let welcome = app.mail_to("marcel@example.fr").await;
    assert!(
        welcome
            .iter()
            .any(|m| m.body.contains("/invitation?jeton=")),
        "{welcome:?}"
    );

    // The profile, filled by staff for Marcel, part by part.
    let today = app::domain::calendar::paris_date(app::ssr::db::now());
    let renewal = today.add_days(200).iso();
    for (endpoint, form) in [
        (
            "espace/profil/membre",
            vec![
                ("relationship", "self"),
                ("first_name", "Marcel"),
                ("birth_date", "1958-02-03"),
                ("rfr_n2", "11 000"),
            ],
        ),
        (
            "espace/profil/ressources",
            vec![("monthly_resources", "1 500")],
        ),
        (
            "espace/profil/logement",
            vec![("housing_status", "private_tenant")],
        ),
        (
            "espace/profil/demande",
            vec![
                ("sne_number", "0250324000888"),
                ("first_filing_date", "2024-03-15"),
                ("renewal_date", &renewal),
            ],
        ),
    ] {
        let mut form = form;
        form.push(("pour", &pour));
        ok(app.call_with(&staff, endpoint, &form).await).await;
    }
    let profile: serde_json::Value = ok(app
        .call_with(&staff, "espace/profil", &[("pour", &pour)])
        .await)
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(profile["profile"]["members"][0]["first_name"], "Marcel");
    assert_eq!(profile["pour"], marcel);

    // Another landlord's staff cannot reach Marcel; an applicant's "pour" is ignored.
    assert_eq!(
        app.call_with(&other_staff, "espace/profil", &[("pour", &pour)])
            .await
            .status(),
        404
    );
    let nadia = applicant(&app, "nadia@example.fr").await;
    let own: serde_json::Value = ok(app
        .call_with(&nadia, "espace/profil", &[("pour", &pour)])
        .await)
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(own["profile"]["members"].as_array().unwrap().len(), 0);

    // Applying on Marcel's behalf: only to the organisation's own offers, same cap, same mail.
    let offers: serde_json::Value = ok(app
        .call_with(&staff, "gestion/demandeur/offres", &[("id", &pour)])
        .await)
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(offers.as_array().unwrap().len(), 1);
    assert_eq!(offers[0]["assessment"]["verdict"], "Eligible");
    let foreign = app
        .call_with(
            &staff,
            "offres/postuler",
            &[("offer_id", &elsewhere.to_string()), ("pour", &pour)],
        )
        .await;
    assert_eq!(foreign.status(), 404);
    ok(app
        .call_with(
            &staff,
            "offres/postuler",
            &[("offer_id", &offer.to_string()), ("pour", &pour)],
        )
        .await)
    .await;
    let (channel, created_by): (String, i64) = sqlx::query_as(
        "SELECT channel, created_by_user_id FROM applications WHERE applicant_user_id = $1",
    )
    .bind(marcel)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(channel, "assisted");
    let (staff_id,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'agent@111111111.fr'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(created_by, staff_id);
    let mail = app.mail_to("marcel@example.fr").await;
    assert!(
        mail.iter()
            .any(|m| m.body.contains("a enregistré pour vous votre candidature")),
        "{mail:?}"
    );

    // The audit log names who did what for whom.
    let subject = format!("user:{marcel}");
    let (entries,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE actor_user_id = $1 AND organisation_id = $2 AND subject = $3
           AND action IN ('assisted.create', 'assisted.profile', 'assisted.apply')",
    )
    .bind(staff_id)
    .bind(organisation)
    .bind(&subject)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(entries, 6, "creation, four profile parts, one application");

    // The list shows Marcel with one application; applicants cannot see the list.
    let list: serde_json::Value = ok(app.call_with(&staff, "gestion/demandeurs", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["name"], "Marcel Duval");
    assert_eq!(list[0]["active_applications"], 1);
    assert_eq!(
        app.call_with(&nadia, "gestion/demandeurs", &[])
            .await
            .status(),
        403
    );
}

//! Applicants: the profile part by part, eligibility with reasons, applying within the cap,
//! withdrawing, the e-mails of each step, and the walls between applicants.

mod common;

use common::{Backend, OfferSpec, PASSWORD, TestApp, new_client, spawn_app};

on_both_backends!(
    the_profile_is_saved_part_by_part_and_bad_input_changes_nothing,
    applying_needs_a_complete_profile_and_an_eligible_household,
    the_catalogue_shows_each_offer_s_verdict_and_filters_those_for_me,
    the_cap_holds_under_concurrent_requests_and_a_double_submission_is_harmless,
    the_close_is_told_to_every_applicant_and_ends_withdrawals,
    an_applicant_can_neither_read_nor_change_another_s_profile_or_applications,
    the_sne_renewal_reminder_goes_once_a_month_before,
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

async fn ok(response: reqwest::Response) -> reqwest::Response {
    let status = response.status();
    assert!(
        status.is_success(),
        "expected success, got {status}: {}",
        response.text().await.unwrap_or_default()
    );
    response
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
    let today = app::domain::calendar::paris_date(app::ssr::db::now());
    let renewal = today.add_days(200).iso();
    ok(app
        .call_with(
            client,
            "espace/profil/membre",
            &[
                ("relationship", "self"),
                ("first_name", "Nadia"),
                ("birth_date", "1986-04-12"),
                ("rfr_n2", rfr),
            ],
        )
        .await)
    .await;
    ok(app
        .call_with(client, "espace/profil/ressources", &[("monthly_resources", "1 500")])
        .await)
    .await;
    ok(app
        .call_with(client, "espace/profil/logement", &[("housing_status", "hosted")])
        .await)
    .await;
    ok(app
        .call_with(
            client,
            "espace/profil/demande",
            &[
                ("sne_number", "0251123000042"),
                ("first_filing_date", "2023-11-02"),
                ("renewal_date", &renewal),
            ],
        )
        .await)
    .await;
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
    app.call_with(client, "offres/postuler", &[("offer_id", &offer_id.to_string())])
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
            &[("situations[]", "handicap"), ("situations[]", "relogement_anru"), ("dalo", "on")],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &client,
            "espace/profil/souhaits",
            &[("communes[]", "25056"), ("typologies[]", "T2"), ("max_rent", "550")],
        )
        .await)
    .await;
    let full = profile(&app, &client).await;
    let p = &full["profile"];
    assert_eq!(p["members"][0]["rfr_n2_eur"], 15_000);
    assert_eq!(p["monthly_resources_cents"], 150_000);
    assert_eq!(p["sne_number"], "0251123000042");
    assert_eq!(p["situations"], serde_json::json!(["Handicap", "RelogementAnru"]));
    assert_eq!(p["dalo"], true);
    assert_eq!(p["wished_communes"], serde_json::json!(["25056"]));
    let parts = full["completeness"]["parts"].as_array().unwrap();
    assert!(parts.iter().all(|part| part["missing"].as_array().unwrap().is_empty()));

    // A social tenant must name their landlord: refused, the previous answer kept.
    let response = app
        .call_with(&client, "espace/profil/logement", &[("housing_status", "social_tenant")])
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(profile(&app, &client).await["profile"]["housing_status"], "Hosted");

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
    let open = app.published_offer(&staff, spec("A-1", "T2", &["tout_public"])).await;
    let mutation = app.published_offer(&staff, spec("A-2", "T2", &["mutation"])).await;
    let family_size = app.published_offer(&staff, spec("A-3", "T4", &["tout_public"])).await;

    let client = applicant(&app, "nadia@example.fr").await;
    let response = apply(&app, &client, open).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Complétez votre profil"));

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
    assert_eq!(for_me(&app, &client, open).await["assessment"]["verdict"], "Eligible");

    // Every reason at once: the public and the household size.
    let mutation_verdict = for_me(&app, &client, mutation).await;
    assert_eq!(mutation_verdict["assessment"]["reasons"][0]["code"], "public");
    let size = for_me(&app, &client, family_size).await;
    assert_eq!(size["assessment"]["reasons"][0]["code"], "typology");
    for refused in [mutation, family_size] {
        let response = apply(&app, &client, refused).await;
        assert_eq!(response.status(), 422);
    }
    ok(apply(&app, &client, open).await).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'").await,
        1
    );
    let mail = app.mail_to("nadia@example.fr").await;
    assert!(
        mail.iter()
            .any(|m| m.subject.starts_with("Candidature enregistrée") && m.body.contains(&format!("offre n° {open}"))),
        "{mail:?}"
    );

    // Anyone else asking about the offer gets no verdict, and cannot apply.
    let anonymous = new_client();
    let answer = app
        .call_with(&anonymous, "offres/pour-moi", &[("id", &open.to_string())])
        .await;
    assert_eq!(answer.json::<serde_json::Value>().await.unwrap(), serde_json::Value::Null);
    assert_eq!(apply(&app, &anonymous, open).await.status(), 401);
    assert_eq!(apply(&app, &staff, open).await.status(), 403);
}

async fn the_catalogue_shows_each_offer_s_verdict_and_filters_those_for_me(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let fits = app.published_offer(&staff, spec("C-1", "T2", &["tout_public"])).await;
    let too_big = app.published_offer(&staff, spec("C-2", "T5", &["tout_public"])).await;
    let client = applicant(&app, "nadia@example.fr").await;
    complete_profile(&app, &client, "15 000").await;

    let search = |query: &'static str| {
        let app = &app;
        let client = &client;
        async move {
            ok(app.call_with(client, "offres/recherche", &[("query", query)]).await)
                .await
                .json::<serde_json::Value>()
                .await
                .expect("JSON")
        }
    };
    let all = search("").await;
    assert_eq!(all["total"], 2);
    for hit in all["hits"].as_array().unwrap() {
        let expected = if hit["id"] == fits { "Eligible" } else { "Ineligible" };
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
    assert_eq!(typologies["values"].as_array().unwrap().len(), 1, "facets agree with the filter");

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
    let response = reqwest::get(app.url("/api/v1/offres?pour_moi=1")).await.unwrap();
    assert_eq!(response.status(), 400);

    // The offer page says why, and what to change, in the HTML itself.
    let page = client
        .get(app.url(&format!("/offres/{too_big}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Vous ne pouvez pas postuler"), "{page}");
    assert!(page.contains("convient à un foyer de 4 à 8 personnes"), "{page}");
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
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 2, "{statuses:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'").await,
        3
    );

    // Applying twice to the same offer (a double click) changes nothing.
    let (applied,): (i64,) =
        sqlx::query_as("SELECT MIN(offer_id) FROM applications WHERE status = 'active'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let twice = futures_statuses([apply(&app, &client, applied), apply(&app, &client, applied)]).await;
    assert_eq!(twice, vec![200, 200]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'").await,
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
    let (application,): (i64,) =
        sqlx::query_as("SELECT id FROM applications WHERE offer_id = $1")
            .bind(applied)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let id = application.to_string();
    ok(app.call_with(&client, "espace/candidature/retirer", &[("application_id", &id)]).await).await;
    ok(app.call_with(&client, "espace/candidature/retirer", &[("application_id", &id)]).await).await;
    ok(apply(&app, &client, waiting).await).await;

    let mail = app.mail_to("nadia@example.fr").await;
    let count = |prefix: &str| mail.iter().filter(|m| m.subject.starts_with(prefix)).count();
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
    assert!(listed.iter().any(|a| a["status_label"].as_str().unwrap().starts_with("Retirée")));
    assert!(listed.iter().all(|a| a["applicants"].as_i64().unwrap() <= 1));
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

/// Polls every future until all are done (no extra dependency for a test helper).
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

async fn the_close_is_told_to_every_applicant_and_ends_withdrawals(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let closing = app.published_offer(&staff, spec("F-1", "T2", &["tout_public"])).await;
    let cancelled = app.published_offer(&staff, spec("F-2", "T2", &["tout_public"])).await;
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
        .call_with(&first, "espace/candidature/retirer", &[("application_id", &application.to_string())])
        .await;
    assert_eq!(late.status(), 422);
    assert!(late.text().await.unwrap().contains("closes"));

    app::ssr::store::offers::close_due(app.state.db.pool(), app::ssr::db::now(), "http://test/espace")
        .await
        .unwrap();
    let response = app
        .call_with(&staff, "gestion/offre/statut", &[("offer_id", &cancelled.to_string()), ("to", "cancelled")])
        .await;
    ok(response).await;

    for email in ["nadia@example.fr", "yann@example.fr"] {
        let mail = app.mail_to(email).await;
        assert_eq!(
            mail.iter()
                .filter(|m| m.subject.starts_with("Candidatures closes") && m.body.contains(&format!("offre n° {closing}")))
                .count(),
            1,
            "{email}: {mail:?}"
        );
    }
    let nadia = app.mail_to("nadia@example.fr").await;
    assert!(nadia.iter().any(|m| m.subject.starts_with("Offre annulée")));
    assert!(!app.mail_to("yann@example.fr").await.iter().any(|m| m.subject.starts_with("Offre annulée")));
}

async fn an_applicant_can_neither_read_nor_change_another_s_profile_or_applications(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let offer = app.published_offer(&staff, spec("S-1", "T2", &["tout_public"])).await;
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
        .call_with(&intruder, "espace/profil/membre/retirer", &[("member_id", &member_id.to_string())])
        .await;
    assert_eq!(remove.status(), 404);
    let withdraw = app
        .call_with(&intruder, "espace/candidature/retirer", &[("application_id", &application_id.to_string())])
        .await;
    assert_eq!(withdraw.status(), 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM household_members").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'active'").await,
        1
    );

    // Staff and anonymous visitors have no applicant space at all.
    assert_eq!(app.call_with(&staff, "espace/profil", &[]).await.status(), 403);
    assert_eq!(app.call_with(&new_client(), "espace/profil", &[]).await.status(), 401);
    assert_eq!(app.call_with(&new_client(), "espace", &[]).await.status(), 401);
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
    let remind = || app::ssr::store::profiles::remind_renewals(app.state.db.pool(), today, 30, "http://test/espace/profil");
    assert_eq!(remind().await.unwrap(), 1);
    assert_eq!(remind().await.unwrap(), 0, "once per renewal date");
    let mail = app.mail_to("nadia@example.fr").await;
    let reminder = mail
        .iter()
        .find(|m| m.subject == "Renouvelez votre demande de logement social")
        .expect("reminder sent");
    assert!(reminder.body.contains(&today.add_days(20).french()), "{}", reminder.body);
    assert!(app.mail_to("yann@example.fr").await.iter().all(|m| !m.subject.starts_with("Renouvelez")));
}

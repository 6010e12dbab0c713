//! Units and offers: the staff back office, the lifecycle, the closing job, the catalogue and its
//! open API, and the search index staying in step with the database on every server.

use crate::common::http_get;
use crate::common::{Backend, TestApp, new_client, spawn_app};
use app::domain::catalogue::PARAMETERS;
use std::time::Duration;

on_both_backends!(
    staff_publish_an_offer_and_anyone_finds_it_by_a_word_of_its_description,
    another_organisation_s_staff_can_neither_see_nor_change_a_unit_or_its_offer,
    invalid_units_and_windows_are_refused_field_by_field_and_change_nothing,
    the_lifecycle_refuses_transitions_it_does_not_have_and_records_those_it_does,
    offers_close_by_themselves_at_the_end_of_their_window_once,
    a_second_server_sees_a_publication_in_its_own_index_within_a_second,
    the_open_api_answers_400_for_bad_parameters_404_for_unknown_offers_and_documents_itself,
    the_open_api_is_rate_limited_per_client,
    the_catalogue_s_server_function_and_the_api_share_one_allowance,
    facets_count_each_value_with_the_other_filters_applied,
    an_offer_page_gets_its_data_while_another_server_of_the_process_starts,
);

fn unit_form<'a>(reference: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("unit_id", "0"),
        ("reference", reference),
        ("address", "12 rue de Dole"),
        ("commune_insee", "25056"),
        ("neighbourhood", "Planoise"),
        ("in_qpv", "on"),
        ("typology", "T3"),
        ("surface_m2", "64"),
        ("floor", "2"),
        ("has_lift", "on"),
        ("accessibility", "none"),
        ("energy_label", "C"),
        ("financing", "PLUS"),
        ("rent_euros", "412,50"),
        ("charges_euros", "95"),
        ("reservataire", "bailleur"),
        ("construction_period", "1949-1974"),
        ("description", description),
    ]
}

/// Today and in a week, Paris time, as a date input sends them.
fn window() -> (String, String) {
    use app::domain::calendar::paris_date;
    let today = paris_date(app::ssr::db::now());
    (today.iso(), today.add_days(7).iso())
}

async fn create_unit(
    app: &TestApp,
    client: &reqwest::Client,
    reference: &str,
    description: &str,
) -> i64 {
    let response = app
        .call_with(
            client,
            "gestion/logement/enregistrer",
            &unit_form(reference, description),
        )
        .await;
    assert!(
        response.status().is_success(),
        "unit not saved: {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM units WHERE reference = $1")
        .bind(reference)
        .fetch_one(app.state.db.pool())
        .await
        .expect("unit stored");
    id
}

async fn create_offer(
    app: &TestApp,
    client: &reqwest::Client,
    unit_id: i64,
    categories: &[&str],
) -> i64 {
    let (opens, closes) = window();
    let unit = unit_id.to_string();
    let mut form = vec![
        ("unit_id", unit.as_str()),
        ("opens_on", opens.as_str()),
        ("closes_on", closes.as_str()),
    ];
    for category in categories {
        form.push(("categories[]", category));
    }
    let response = app.call_with(client, "gestion/offre/creer", &form).await;
    assert!(
        response.status().is_success(),
        "offer not created: {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    let (id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM offers WHERE unit_id = $1")
        .bind(unit_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("offer stored");
    id
}

async fn set_status(
    app: &TestApp,
    client: &reqwest::Client,
    offer_id: i64,
    to: &str,
) -> reqwest::Response {
    let id = offer_id.to_string();
    app.call_with(
        client,
        "gestion/offre/statut",
        &[("offer_id", &id), ("to", to)],
    )
    .await
}

async fn api(app: &TestApp, path_and_query: &str) -> (u16, serde_json::Value) {
    let response = http_get(app.url(path_and_query))
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

fn hit_ids(results: &serde_json::Value) -> Vec<i64> {
    results["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_i64().expect("id"))
        .collect()
}

async fn staff_publish_an_offer_and_anyone_finds_it_by_a_word_of_its_description(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let unit = create_unit(
        &app,
        &staff,
        "HT-0001",
        "Grand séjour lumineux, balcons plein sud, verrière.",
    )
    .await;
    let offer = create_offer(&app, &staff, unit, &["tout_public", "mutation"]).await;

    // A draft is nobody's business but the landlord's.
    let (_, results) = api(&app, "/api/v1/offres?q=verriere").await;
    assert!(hit_ids(&results).is_empty());
    let (status, _) = api(&app, &format!("/api/v1/offres/{offer}")).await;
    assert_eq!(status, 404);

    assert!(
        set_status(&app, &staff, offer, "published")
            .await
            .status()
            .is_success()
    );
    // Accents and plurals do not matter; filters narrow; the page shows the offer.
    for query in [
        "q=verriere",
        "q=Verri%C3%A8re",
        "q=balcon+besancon",
        "q=verriere&typologie=T3&qpv=oui&categorie=mutation&loyer_max=600&ascenseur=oui&accessibilite=none&surface_min=60",
    ] {
        let (status, results) = api(&app, &format!("/api/v1/offres?{query}")).await;
        assert_eq!(status, 200);
        assert_eq!(hit_ids(&results), vec![offer], "{query}");
    }
    for query in [
        "q=verriere&typologie=T2",
        "q=verriere&loyer_max=400",
        "q=verriere&categorie=pls",
        "q=verriere&commune=25388",
        "q=verriere&accessibilite=pmr",
    ] {
        let (_, results) = api(&app, &format!("/api/v1/offres?{query}")).await;
        assert!(hit_ids(&results).is_empty(), "{query}");
    }
    // The engine's syntax typed in the box searches words (it answered 500 before).
    for query in [
        "q=title:*",
        "q=text:verriere",
        "q=*:*",
        "q=%22verri%C3%A8re%22~2^3",
    ] {
        let (status, results) = api(&app, &format!("/api/v1/offres?{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert!(results["hits"].is_array(), "{query}");
        let page = http_get(app.url(&format!("/offres?{query}")))
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{query}");
    }
    let (_, results) = api(&app, "/api/v1/offres?q=%22verriere%22").await;
    assert_eq!(hit_ids(&results), vec![offer]);
    let (status, detail) = api(&app, &format!("/api/v1/offres/{offer}")).await;
    assert_eq!(status, 200);
    assert_eq!(detail["rent_cents"], 41_250);
    assert_eq!(detail["commune"], "Besançon");
    let page = http_get(app.url("/offres?q=verriere"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("/offres/{offer}")),
        "catalogue page lists the offer"
    );
    let answer = http_get(app.url(&format!("/offres/{offer}")))
        .await
        .unwrap();
    let status = answer.status();
    let page = answer.text().await.unwrap();
    assert!(
        page.contains("verrière") && page.contains("412,50"),
        "{status}: {page}"
    );

    // Unpublished, it leaves the catalogue at once.
    assert!(
        set_status(&app, &staff, offer, "draft")
            .await
            .status()
            .is_success()
    );
    let (_, results) = api(&app, "/api/v1/offres?q=verriere").await;
    assert!(hit_ids(&results).is_empty());
}

async fn another_organisation_s_staff_can_neither_see_nor_change_a_unit_or_its_offer(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (owner, _) = app.staff_of("Habitat Test", "999000011").await;
    let (other, _) = app.staff_of("Autre Bailleur", "999000029").await;
    let unit = create_unit(&app, &owner, "HT-0002", "Logement calme.").await;
    let offer = create_offer(&app, &owner, unit, &["tout_public"]).await;
    let unit_id = unit.to_string();
    let offer_id = offer.to_string();

    let attempts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("gestion/logement", vec![("id", &unit_id)]),
        ("gestion/offre", vec![("id", &offer_id)]),
        (
            "gestion/offre/statut",
            vec![("offer_id", &offer_id), ("to", "published")],
        ),
        (
            "gestion/offre/statut",
            vec![("offer_id", &offer_id), ("to", "cancelled")],
        ),
        (
            "gestion/offre/modifier",
            vec![
                ("offer_id", &offer_id),
                ("opens_on", "2030-01-01"),
                ("closes_on", "2030-01-09"),
                ("categories[]", "mutation"),
            ],
        ),
    ];
    for (endpoint, form) in attempts {
        let response = app.call_with(&other, endpoint, &form).await;
        assert_eq!(
            response.status(),
            404,
            "{endpoint} leaked another organisation's data"
        );
    }
    let mut edit = unit_form("HT-0002", "Piraté.");
    edit[0] = ("unit_id", &unit_id);
    let response = app
        .call_with(&other, "gestion/logement/enregistrer", &edit)
        .await;
    assert_eq!(response.status(), 404);
    let (opens, closes) = window();
    let response = app
        .call_with(
            &other,
            "gestion/offre/creer",
            &[
                ("unit_id", &unit_id),
                ("opens_on", &opens),
                ("closes_on", &closes),
                ("categories[]", "tout_public"),
            ],
        )
        .await;
    assert_eq!(response.status(), 404);

    // Nothing changed, and the other organisation's dashboard does not list the unit.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM units WHERE description = 'Piraté.'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM offers").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM offers WHERE status = 'draft'")
            .await,
        1
    );
    let dashboard = app.call_with(&other, "gestion", &[("page", "1")]).await;
    let body = dashboard.text().await.unwrap();
    assert!(!body.contains("HT-0002"));

    // Applicants and anonymous visitors get no back office at all.
    let anonymous = new_client();
    let response = app
        .call_with(&anonymous, "gestion/offre", &[("id", &offer_id)])
        .await;
    assert_eq!(response.status(), 401);
}

async fn invalid_units_and_windows_are_refused_field_by_field_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let mut form = unit_form("", "x");
    form[3] = ("commune_insee", "99999");
    form[7] = ("surface_m2", "quatre");
    form[12] = ("financing", "LLI");
    let response = app
        .call_with(&staff, "gestion/logement/enregistrer", &form)
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    for field in ["reference", "commune_insee", "surface_m2", "financing"] {
        assert!(
            body.contains(&format!("\"{field}\"")),
            "{field} not reported: {body}"
        );
    }
    assert!(body.contains("Indiquez la surface habitable"));
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 0);

    let unit = create_unit(&app, &staff, "HT-0003", "Correct.").await;
    let unit = unit.to_string();
    let response = app
        .call_with(
            &staff,
            "gestion/offre/creer",
            &[
                ("unit_id", &unit),
                ("opens_on", "2030-01-01"),
                ("closes_on", "2030-01-02"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("closes_on") && body.contains("categories"),
        "{body}"
    );
    // The same reference twice is a form error, not a crash.
    let response = app
        .call_with(
            &staff,
            "gestion/logement/enregistrer",
            &unit_form("HT-0003", "Doublon."),
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("déjà un logement avec cette référence")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM offers").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 1);
}

async fn the_lifecycle_refuses_transitions_it_does_not_have_and_records_those_it_does(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let unit = create_unit(&app, &staff, "HT-0004", "Cycle de vie.").await;
    let offer = create_offer(&app, &staff, unit, &["tout_public"]).await;
    // A second live offer for the same unit is refused.
    let (opens, closes) = window();
    let unit_id = unit.to_string();
    let response = app
        .call_with(
            &staff,
            "gestion/offre/creer",
            &[
                ("unit_id", &unit_id),
                ("opens_on", &opens),
                ("closes_on", &closes),
                ("categories[]", "tout_public"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("déjà une offre en cours")
    );

    for (to, expected) in [
        ("closed", 422),
        ("attributed", 422),
        ("published", 200),
        ("published", 422),
        ("cancelled", 200),
        ("published", 422),
        ("draft", 422),
    ] {
        let response = set_status(&app, &staff, offer, to).await;
        assert_eq!(response.status(), expected, "-> {to}");
    }
    let events: Vec<(Option<String>, String, Option<i64>)> = sqlx::query_as(
        "SELECT from_status, to_status, actor_user_id FROM offer_events WHERE offer_id = $1 ORDER BY id",
    )
    .bind(offer)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    let steps: Vec<(Option<&str>, &str)> = events
        .iter()
        .map(|(f, t, _)| (f.as_deref(), t.as_str()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (None, "draft"),
            (Some("draft"), "published"),
            (Some("published"), "cancelled")
        ]
    );
    assert!(events.iter().all(|(_, _, actor)| actor.is_some()));
    // Once cancelled, the unit may be offered again.
    create_offer(&app, &staff, unit, &["mutation"]).await;
}

async fn offers_close_by_themselves_at_the_end_of_their_window_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let unit = create_unit(&app, &staff, "HT-0005", "Bientôt clos.").await;
    let offer = create_offer(&app, &staff, unit, &["tout_public"]).await;
    assert!(
        set_status(&app, &staff, offer, "published")
            .await
            .status()
            .is_success()
    );
    let now = app::ssr::db::now();
    sqlx::query("UPDATE offers SET opens_at = $1, closes_at = $2 WHERE id = $3")
        .bind(now - 10 * 86_400)
        .bind(now - 1)
        .bind(offer)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    // The job of another server, or a restart, may run it again: the offer closes exactly once.
    let first = app::ssr::usecases::offers::close_due(
        app.state.db.pool(),
        now,
        "http://test/espace/candidatures",
    )
    .await
    .unwrap();
    let second = app::ssr::usecases::offers::close_due(
        app.state.db.pool(),
        now,
        "http://test/espace/candidatures",
    )
    .await
    .unwrap();
    let already = first.contains(&offer) as usize + second.contains(&offer) as usize;
    assert!(already <= 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM offers WHERE id = {offer} AND status = 'closed'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM offer_events WHERE offer_id = {offer} AND to_status = 'closed' AND actor_user_id IS NULL")).await,
        1
    );
    // Closed offers leave the catalogue and cannot be read through the API any more.
    let (status, _) = api(&app, &format!("/api/v1/offres/{offer}")).await;
    assert_eq!(status, 404);
}

async fn a_second_server_sees_a_publication_in_its_own_index_within_a_second(backend: Backend) {
    let app = spawn_app(backend).await;
    let peer = app.spawn_peer().await;
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let unit = create_unit(&app, &staff, "HT-0006", "Mezzanine et poutres apparentes.").await;
    let offer = create_offer(&app, &staff, unit, &["tout_public"]).await;
    assert!(
        set_status(&app, &staff, offer, "published")
            .await
            .status()
            .is_success()
    );
    let started = std::time::Instant::now();
    loop {
        let (_, results) = api(&peer, "/api/v1/offres?q=mezzanine").await;
        if hit_ids(&results) == vec![offer] {
            break;
        }
        // It polls twice a second; the bound is loose so that a loaded machine (the loop of
        // scripts/loop.sh beside a build) does not fail it: what matters is that it catches up.
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the peer's index did not catch up"
        );
        // Looked at twice a second: forty looks at most stay within the API's allowance of
        // 120 a minute for one address, however slow the machine.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // A raised generation (what `locactive reindex` does) makes every server rebuild: drop the
    // document from the peer's index behind its back, and watch the rebuild bring it back.
    peer.state.search.upsert(offer, None).await.unwrap();
    assert_eq!(peer.state.search.num_docs(), 0);
    app::ssr::store::offers::bump_search_generation(app.state.db.pool())
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while peer.state.search.num_docs() != 1 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the peer did not rebuild its index"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn the_open_api_answers_400_for_bad_parameters_404_for_unknown_offers_and_documents_itself(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    for (query, parameter) in [
        ("prix=3", "prix"),
        ("loyer_max=cher", "loyer_max"),
        ("q=a&q=b", "q"),
        ("tri=hasard", "tri"),
        ("page=0", "page"),
    ] {
        let (status, body) = api(&app, &format!("/api/v1/offres?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["parametre"], parameter);
        assert!(body["erreur"].as_str().unwrap().len() > 10);
    }
    let (status, _) = api(&app, "/api/v1/offres/abc").await;
    assert_eq!(status, 400);
    let (status, _) = api(&app, "/api/v1/offres/424242").await;
    assert_eq!(status, 404);
    let (status, empty) = api(&app, "/api/v1/offres").await;
    assert_eq!(status, 200);
    assert_eq!(empty["total"], 0);
    let (status, document) = api(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let documented: Vec<&str> = document["paths"]["/api/v1/offres"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        documented, PARAMETERS,
        "the OpenAPI document and the parser disagree"
    );
    // The HTML catalogue explains a bad address with a 400 too.
    let response = http_get(app.url("/offres?prix=3")).await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("Paramètre inconnu"));
}

async fn facets_count_each_value_with_the_other_filters_applied(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let mut published = Vec::new();
    for (n, typology) in ["T2", "T3", "T3"].into_iter().enumerate() {
        let reference = format!("HT-01{n}");
        let mut form = unit_form(&reference, "Résidence des tilleuls.");
        form[6] = ("typology", typology);
        let response = app
            .call_with(&staff, "gestion/logement/enregistrer", &form)
            .await;
        assert!(response.status().is_success());
        let (unit,): (i64,) = sqlx::query_as("SELECT id FROM units WHERE reference = $1")
            .bind(&reference)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        let offer = create_offer(&app, &staff, unit, &["tout_public"]).await;
        assert!(
            set_status(&app, &staff, offer, "published")
                .await
                .status()
                .is_success()
        );
        published.push(offer);
    }
    let (_, results) = api(&app, "/api/v1/offres?q=tilleuls&typologie=T3").await;
    assert_eq!(results["total"], 2);
    let typologies = results["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["parameter"] == "typologie")
        .unwrap()["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect::<Vec<_>>();
    // The chosen typology's alternatives keep their counts.
    assert_eq!(
        typologies,
        vec![("T2".to_string(), 1), ("T3".to_string(), 2)]
    );
    let (_, sorted) = api(&app, "/api/v1/offres?q=tilleuls&tri=cloture").await;
    assert_eq!(sorted["total"], 3);
    let (_, paged) = api(&app, "/api/v1/offres?q=tilleuls&page=2").await;
    assert!(hit_ids(&paged).is_empty());
}

async fn the_open_api_is_rate_limited_per_client(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut statuses = Vec::new();
    for _ in 0..125 {
        statuses.push(api(&app, "/api/v1/openapi.json").await.0);
    }
    assert!(statuses[..120].iter().all(|s| *s == 200));
    assert_eq!(statuses[120..], [429; 5]);
    let refused = http_get(app.url("/api/v1/offres")).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "60");
    let (status, body) = api(&app, "/api/v1/offres").await;
    assert_eq!(status, 429);
    assert!(
        body["erreur"]
            .as_str()
            .unwrap()
            .contains("120 requêtes par minute")
    );
    // The pages are not counted against the API, but the catalogue's server function, the same
    // search through another door, is.
    let page = http_get(app.url("/offres")).await.unwrap();
    assert_eq!(page.status(), 200);
    let search = app.call("offres/recherche", &[("query", "q=calme")]).await;
    assert_eq!(search.status(), 429);
}

async fn the_catalogue_s_server_function_and_the_api_share_one_allowance(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..60 {
        assert_eq!(api(&app, "/api/v1/offres").await.0, 200);
    }
    for n in 0..60 {
        let search = app.call("offres/recherche", &[("query", "")]).await;
        assert_eq!(search.status(), 200, "search {n}");
    }
    let search = app.call("offres/recherche", &[("query", "")]).await;
    assert_eq!(search.status(), 429);
    assert_eq!(api(&app, "/api/v1/offres").await.0, 429);
}

/// Starting a server lists the app's routes, which holds back every resource of the process while
/// it runs; a page rendered meanwhile by a server already up waited for its data until the
/// deadline (the offer page seen without its offer in the loop). The list is made once per process:
/// asking for it while pages render must hold nothing back. (It is asked for directly: building
/// whole servers in a loop, each with its render threads, starved the suite's process once.)
async fn an_offer_page_gets_its_data_while_another_server_of_the_process_starts(backend: Backend) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let unit = create_unit(&app, &staff, "HT-0009", "Cellier et jardinet privatif.").await;
    let offer = create_offer(&app, &staff, unit, &["tout_public"]).await;
    assert!(
        set_status(&app, &staff, offer, "published")
            .await
            .status()
            .is_success()
    );
    let done = Arc::new(AtomicBool::new(false));
    let starting = tokio::task::spawn_blocking({
        let done = done.clone();
        move || {
            let mut listed = 0;
            while !done.load(Ordering::Relaxed) && listed < 5_000 {
                drop(locactive::http::route_list());
                listed += 1;
            }
            listed
        }
    });
    // Far below the server's deadline: a page held back fails here, by name.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    for _ in 0..20 {
        let answer = client
            .get(app.url(&format!("/offres/{offer}")))
            .send()
            .await;
        let page = match answer {
            Ok(answer) => answer.text().await.unwrap_or_default(),
            Err(error) => format!("no answer: {error}"),
        };
        if !page.contains("jardinet") {
            done.store(true, Ordering::Relaxed);
            panic!("the offer page came without its offer: {page}");
        }
    }
    done.store(true, Ordering::Relaxed);
    assert!(
        starting.await.unwrap() > 0,
        "the routes were not listed meanwhile"
    );
}

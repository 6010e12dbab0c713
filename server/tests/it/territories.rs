//! Any landlord in France: the national reference in the database, organisations and their
//! territories, units anywhere in those territories, communes typed by name in the catalogue and
//! the API, and what a territory's admin lists (QPVs, first-quartile threshold).

use crate::common::*;

on_both_backends!(
    the_national_reference_is_loaded_once_per_version,
    a_landlord_of_lyon_publishes_in_villeurbanne_and_is_found_by_a_typed_commune,
    units_outside_the_territories_overseas_or_unknown_are_refused,
    a_territory_admin_lists_its_qpvs_and_its_first_quartile_threshold,
);

async fn the_national_reference_is_loaded_once_per_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let communes = app.count("SELECT COUNT(*) FROM ref_communes").await;
    assert!(communes > 34_900, "{communes}");
    assert!(app.count("SELECT COUNT(*) FROM ref_epcis").await > 1_200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ref_communes WHERE parent_insee = '75056'")
            .await,
        20
    );
    let (name, epci): (String, Option<String>) =
        sqlx::query_as("SELECT name, epci_siren FROM ref_communes WHERE insee = '69266'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(name, "Villeurbanne");
    assert_eq!(epci.as_deref(), Some("200046977"));
    // A second server on the same database finds the version loaded and leaves the tables be.
    let national = app::ssr::reference::national();
    assert_eq!(
        app::ssr::store::reference::sync(app.state.db.pool(), national)
            .await
            .unwrap(),
        app::ssr::store::reference::Sync::AlreadyCurrent
    );
    // A new version replaces the tables whole.
    sqlx::query("UPDATE ref_sources SET version = 'older' WHERE name = 'cog'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM ref_communes WHERE insee = '69266'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert!(matches!(
        app::ssr::store::reference::sync(app.state.db.pool(), national)
            .await
            .unwrap(),
        app::ssr::store::reference::Sync::Loaded { .. }
    ));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ref_communes").await,
        communes
    );
}

fn villeurbanne_unit(reference: &str, commune: &str) -> Vec<(&'static str, String)> {
    vec![
        ("unit_id", "0".into()),
        ("reference", reference.into()),
        ("address", "12 rue Francis de Pressensé".into()),
        ("commune_insee", commune.into()),
        ("typology", "T3".into()),
        ("surface_m2", "64".into()),
        ("energy_label", "C".into()),
        ("financing", "PLUS".into()),
        ("rent_euros", "480".into()),
        ("charges_euros", "90".into()),
        ("construction_period", "1990-2005".into()),
        ("description", "Traversant, balcon sur cour.".into()),
    ]
}

async fn save_unit(
    app: &TestApp,
    client: &reqwest::Client,
    form: &[(&'static str, String)],
) -> reqwest::Response {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call_with(client, "gestion/logement/enregistrer", &form)
        .await
}

/// Puts the unit `reference` on offer from today and publishes it.
async fn publish(app: &TestApp, staff: &reqwest::Client, reference: &str) {
    let (unit,): (i64,) = sqlx::query_as("SELECT id FROM units WHERE reference = $1")
        .bind(reference)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let today = app::domain::calendar::paris_date(app::ssr::db::now());
    let (opens, closes, unit) = (today.iso(), today.add_days(7).iso(), unit.to_string());
    ok(app
        .call_with(
            staff,
            "gestion/offre/creer",
            &[
                ("unit_id", &unit),
                ("opens_on", &opens),
                ("closes_on", &closes),
                ("categories[]", "tout_public"),
            ],
        )
        .await)
    .await;
    let (offer,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM offers")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let offer = offer.to_string();
    ok(app
        .call_with(
            staff,
            "gestion/offre/statut",
            &[("offer_id", &offer), ("to", "published")],
        )
        .await)
    .await;
}

/// The platform admin, signed in.
async fn admin(app: &TestApp) -> reqwest::Client {
    let id = app
        .create_user(
            "admin@example.fr",
            PASSWORD,
            app::model::Role::Admin,
            None,
            None,
        )
        .await;
    app.signed_in_as(id).await
}

async fn a_landlord_of_lyon_publishes_in_villeurbanne_and_is_found_by_a_typed_commune(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let admin = admin(&app).await;
    // A territory typed that designates nothing: refused beside its field, nothing created.
    let refused = app
        .call_with(
            &admin,
            "admin/organisation/creer",
            &[
                ("name", "Rhône Habitat"),
                ("siren", "732829320"),
                ("territory", "Atlantide"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("territory"));
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 0);
    // Typed as one of its communes, the EPCI is the Métropole de Lyon.
    let created = app
        .call_with(
            &admin,
            "admin/organisation/creer",
            &[
                ("name", "Rhône Habitat"),
                ("siren", "732829320"),
                ("territory", "Villeurbanne (69100)"),
            ],
        )
        .await;
    assert!(created.status().is_success(), "{}", created.status());
    let (organisation,): (i64,) =
        sqlx::query_as("SELECT id FROM organisations WHERE siren = '732829320'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let (epci,): (String,) =
        sqlx::query_as("SELECT epci_siren FROM organisation_epcis WHERE organisation_id = $1")
            .bind(organisation)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(epci, "200046977");

    let staff_id = app
        .create_user(
            "agent@rhone.fr",
            PASSWORD,
            app::model::Role::Staff,
            Some(organisation),
            None,
        )
        .await;
    let staff = app.signed_in_as(staff_id).await;
    // The commune is typed as a person would, accents and case aside.
    ok(save_unit(&app, &staff, &villeurbanne_unit("RH-1", "villeurbanne")).await).await;
    let (insee, unit_epci): (String, String) =
        sqlx::query_as("SELECT commune_insee, epci_siren FROM units WHERE reference = 'RH-1'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!((insee.as_str(), unit_epci.as_str()), ("69266", "200046977"));
    publish(&app, &staff, "RH-1").await;

    // Another landlord's offer in Besançon, which the commune filter must leave out.
    let (other, _) = app.staff_of("Habitat Comtois", "552100554").await;
    app.published_offer(
        &other,
        OfferSpec {
            reference: "HC-1",
            typology: "T3",
            financing: "PLUS",
            rent_euros: "400",
            categories: &["tout_public"],
        },
    )
    .await;
    let everything: serde_json::Value = http_get(app.url("/api/v1/offres"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(everything["total"], 2);

    // The open API and the catalogue take a misspelt commune, and the one it resolves to shows.
    let api: serde_json::Value = http_get(app.url("/api/v1/offres?commune=villeurbane"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["total"], 1, "{api}");
    assert_eq!(api["query"]["commune"], "69266");
    let found: serde_json::Value = app
        .call("offres/recherche", &[("query", "commune=Villeurbane")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1);
    assert_eq!(found["commune_label"], "Villeurbanne (69100)");
    assert_eq!(found["hits"][0]["commune"], "Villeurbanne");
    // A name several communes share: the API says so, the page lists them to choose from.
    let shared = http_get(app.url("/api/v1/offres?commune=Saint-Denis"))
        .await
        .unwrap();
    assert_eq!(shared.status(), 400);
    assert!(shared.text().await.unwrap().contains("Plusieurs communes"));
    let page: serde_json::Value = app
        .call("offres/recherche", &[("query", "commune=Saint-Denis")])
        .await
        .json()
        .await
        .unwrap();
    let candidates = page["commune_problem"]["candidates"].as_array().unwrap();
    assert!(candidates.iter().any(|c| c[0] == "93066"), "{page}");
    assert!(candidates.iter().any(|c| c[0] == "97411"), "{page}");
    // The commune suggestions answer anyone, ten at most.
    let suggestions: serde_json::Value = app
        .call("communes/suggestions", &[("typed", "saint")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(suggestions.as_array().unwrap().len(), 10);
}

async fn units_outside_the_territories_overseas_or_unknown_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let organisation = {
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        let id = app::ssr::store::organisations::insert_organisation(
            &mut conn,
            "Rhône Habitat",
            "732829320",
        )
        .await
        .unwrap();
        app::ssr::store::organisations::add_epcis(&mut conn, id, &["200046977".into()])
            .await
            .unwrap();
        id
    };
    let staff_id = app
        .create_user(
            "agent@rhone.fr",
            PASSWORD,
            app::model::Role::Staff,
            Some(organisation),
            None,
        )
        .await;
    let staff = app.signed_in_as(staff_id).await;
    for (commune, expected) in [
        ("25056", "n'est pas dans les territoires de votre organisme"),
        ("97209", "outre-mer"),
        ("99999", "Aucune commune ne correspond"),
        ("Saint-Denis", "Plusieurs communes correspondent"),
    ] {
        let response = save_unit(&app, &staff, &villeurbanne_unit("RH-X", commune)).await;
        assert_eq!(response.status(), 422, "{commune}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("commune_insee") && body.contains(expected),
            "{commune}: {body}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 0);
    // A unit in a municipal arrondissement belongs to its commune's EPCI.
    ok(save_unit(&app, &staff, &villeurbanne_unit("RH-7", "69387")).await).await;
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM units WHERE commune_insee = '69387' AND epci_siren = '200046977'"
        )
        .await,
        1
    );
    // On offer, it is found under Lyon as well as under its arrondissement.
    publish(&app, &staff, "RH-7").await;
    for commune in ["69387", "69123", "Lyon 7e Arrondissement"] {
        let found: serde_json::Value = app
            .call(
                "offres/recherche",
                &[("query", &format!("commune={commune}"))],
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(found["total"], 1, "{commune}: {found}");
    }
}

async fn a_territory_admin_lists_its_qpvs_and_its_first_quartile_threshold(backend: Backend) {
    let app = spawn_app(backend).await;
    let territory_id = app
        .create_user(
            "epci@example.fr",
            PASSWORD,
            app::model::Role::Territory,
            None,
            None,
        )
        .await;
    let territory = app.signed_in_as(territory_id).await;
    // One faulty line (a Lyon commune in Grand Besançon's list): nothing is stored.
    let bad = app
        .call_with(
            &territory,
            "territoire/qpv",
            &[(
                "list",
                "code;nom;commune\nQN02504M;Planoise;25056\nQN06901M;Mermoz;69388",
            )],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("Ligne 3"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM qpv_neighbourhoods").await,
        0
    );
    ok(app
        .call_with(
            &territory,
            "territoire/qpv",
            &[("list", "QN02504M;Planoise;25056\nQN02505M;Battant;25056")],
        )
        .await)
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM qpv_neighbourhoods WHERE epci_siren = '242500361'")
            .await,
        2
    );

    // Staff of a landlord there pick a unit's QPV from that list.
    // Its organisation publishes in Grand Besançon (the fixtures' territory).
    let (staff, _) = app.staff_of("Habitat Comtois", "552100554").await;
    let mut form = villeurbanne_unit("HC-1", "Besançon");
    form.push(("qpv_code", "QN02505M".into()));
    ok(save_unit(&app, &staff, &form).await).await;
    let (in_qpv, code, neighbourhood): (i64, Option<String>, String) = sqlx::query_as(
        "SELECT in_qpv, qpv_code, neighbourhood FROM units WHERE reference = 'HC-1'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(
        (in_qpv, code.as_deref(), neighbourhood.as_str()),
        (1, Some("QN02505M"), "Battant")
    );

    // The first-quartile threshold: a bad amount changes nothing; a good one is kept per year.
    let year = app::domain::calendar::paris_date(app::ssr::db::now())
        .year
        .to_string();
    let refused = app
        .call_with(
            &territory,
            "territoire/quartile",
            &[("year", &year), ("amount", "douze")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM first_quartile_thresholds")
            .await,
        0
    );
    ok(app
        .call_with(
            &territory,
            "territoire/quartile",
            &[("year", &year), ("amount", "10 962")],
        )
        .await)
    .await;
    let lists: serde_json::Value = app
        .call_with(&territory, "territoire/listes", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lists["thresholds"][0][1], 10_962, "{lists}");
    assert_eq!(lists["qpvs"].as_array().unwrap().len(), 2);
    // Nobody else may change them.
    let other = app
        .call_with(
            &staff,
            "territoire/quartile",
            &[("year", &year), ("amount", "1")],
        )
        .await;
    assert_eq!(other.status(), 403);
}

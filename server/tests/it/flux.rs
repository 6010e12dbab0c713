//! Gestion en flux: a landlord's admin records conventions (their shares checked against the
//! law's caps) and forecasts, staff orient each offer, and each réservataire's bilan counts what
//! was proposed and attributed for it. Every expected figure below is worked out by hand from the
//! fixture, not by the code under test.

use crate::common::ranked::today;
use crate::common::*;
use app::domain::flux::Bilan;
use app::model::{FluxOverview, Role};
use app::pages::flux::{LoadBilan, LoadFlux};

on_both_backends!(
    conventions_hold_together_and_orientation_follows_them,
    a_reservataires_bilan_counts_what_was_proposed_and_attributed_for_it,
    the_attribution_objectives_count_leases_by_quartile_and_priority,
);

/// A landlord whose staff member administers it, signed in.
async fn landlord(app: &TestApp, name: &str, siren: &str) -> (reqwest::Client, i64) {
    let organisation = app.create_organisation(name, siren).await;
    let user = app
        .create_user(
            &format!("admin@{siren}.fr"),
            PASSWORD,
            Role::Staff,
            Some(organisation),
            None,
        )
        .await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    app::ssr::store::caleol::make_org_admin(&mut conn, user, organisation)
        .await
        .unwrap();
    (app.signed_in_as(user).await, organisation)
}

async fn convention(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    name: &str,
    commune: &str,
    share: &str,
) -> reqwest::Response {
    let year = today().year.to_string();
    app.call_with(
        client,
        "gestion/flux/convention",
        &[
            ("kind", kind),
            ("name", name),
            ("year", &year),
            ("departement", "25"),
            ("commune", commune),
            ("share", share),
            ("reference", ""),
        ],
    )
    .await
}

async fn reservataire(app: &TestApp, organisation: i64, name: &str) -> i64 {
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM reservataires WHERE organisation_id = $1 AND name = $2")
            .bind(organisation)
            .bind(name)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    id
}

/// A unit in Besançon put on offer from today, oriented as `orientation` says.
async fn offer(
    app: &TestApp,
    client: &reqwest::Client,
    reference: &str,
    typology: &str,
    financing: &str,
    orientation: &str,
) -> (i64, reqwest::Response) {
    let unit = app
        .unit(
            client,
            &OfferSpec {
                reference,
                typology,
                financing,
                rent_euros: "400",
                categories: &["tout_public"],
            },
        )
        .await
        .to_string();
    let (opens, closes) = (today().iso(), today().add_days(7).iso());
    let response = app
        .call_with(
            client,
            "gestion/offre/creer",
            &[
                ("unit_id", &unit),
                ("opens_on", &opens),
                ("closes_on", &closes),
                ("categories[]", "tout_public"),
                ("orientation", orientation),
            ],
        )
        .await;
    let offer = sqlx::query_as::<_, (i64,)>("SELECT id FROM offers WHERE unit_id = $1")
        .bind(unit.parse::<i64>().unwrap())
        .fetch_optional(app.state.db.pool())
        .await
        .unwrap()
        .map_or(0, |(id,)| id);
    (offer, response)
}

async fn publish(app: &TestApp, client: &reqwest::Client, offer: i64) {
    let id = offer.to_string();
    ok(app
        .call_with(
            client,
            "gestion/offre/statut",
            &[("offer_id", &id), ("to", "published")],
        )
        .await)
    .await;
}

async fn conventions_hold_together_and_orientation_follows_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, organisation) = landlord(&app, "Habitat du Doubs", "552100554").await;
    let year = today().year;

    // Staff who do not administer the organisation read the flow but record nothing.
    let agent_id = app
        .create_user(
            "agent@552100554.fr",
            PASSWORD,
            Role::Staff,
            Some(organisation),
            None,
        )
        .await;
    let agent = app.signed_in_as(agent_id).await;
    let refused = convention(
        &app,
        &agent,
        "action_logement",
        "Action Logement Services",
        "",
        "30",
    )
    .await;
    assert_eq!(refused.status(), 403);

    for (kind, name, commune, share) in [
        ("etat_prioritaires", "Préfecture du Doubs", "", "25"),
        ("action_logement", "Action Logement Services", "", "30"),
        ("commune", "Ville de Besançon", "Besançon", "20"),
    ] {
        ok(convention(&app, &admin, kind, name, commune, share).await).await;
    }
    // Each refusal says why in French and changes nothing.
    for (kind, name, commune, share, expected) in [
        // 25 % + 6 % for the État: over 30 %, and its agents over 5 %.
        (
            "etat_fonctionnaires",
            "Préfecture du Doubs",
            "",
            "6",
            "au plus 30\u{a0}%",
        ),
        (
            "etat_fonctionnaires",
            "Préfecture du Doubs",
            "",
            "6",
            "au plus 5\u{a0}%",
        ),
        // Raising the préfet's own convention to 31 % replaces its 25 %: still over 30 %.
        (
            "etat_prioritaires",
            "Préfecture du Doubs",
            "",
            "31",
            "31\u{a0}%",
        ),
        // In Besançon: 25 + 30 + 20 + 26 = 101 %.
        (
            "departement",
            "Département du Doubs",
            "",
            "26",
            "101\u{a0}%",
        ),
        (
            "action_logement",
            "Action Logement Services",
            "Besançon",
            "5",
            "Seule une commune",
        ),
        (
            "commune",
            "Ville de Besançon",
            "",
            "5",
            "Indiquez la commune",
        ),
        (
            "commune",
            "Ville de Dijon",
            "Dijon",
            "5",
            "pas dans le département",
        ),
        (
            "action_logement",
            "Action Logement Services",
            "",
            "trente",
            "pourcentage",
        ),
        ("bailleur", "", "", "10", "type de réservataire"),
    ] {
        let response = convention(&app, &admin, kind, name, commune, share).await;
        assert_eq!(response.status(), 422, "{kind} {share}");
        let body = response.text().await.unwrap();
        assert!(body.contains(expected), "{kind} {share}: {body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM flux_conventions").await, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM reservataires").await, 3);
    // 25 + 30 + 20 + 25 = 100 % in Besançon: allowed, up to the whole flow.
    ok(convention(
        &app,
        &admin,
        "departement",
        "Département du Doubs",
        "",
        "25",
    )
    .await)
    .await;
    let year_text = year.to_string();
    ok(app
        .call_with(
            &admin,
            "gestion/flux/prevision",
            &[
                ("forecast_year", &year_text),
                ("forecast_departement", "25"),
                ("units", "40"),
                ("out_of_flow", "4"),
            ],
        )
        .await)
    .await;

    // With conventions covering the unit, staff must choose; each choice is stored as made.
    let (none, response) = offer(&app, &agent, "F-0", "T3", "PLUS", "").await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Choisissez le réservataire")
    );
    assert_eq!(none, 0, "a refused orientation leaves no offer behind");
    let action_logement = reservataire(&app, organisation, "Action Logement Services").await;
    let besancon = reservataire(&app, organisation, "Ville de Besançon").await;
    let (a, _) = offer(
        &app,
        &agent,
        "F-1",
        "T3",
        "PLUS",
        &format!("r:{action_logement}"),
    )
    .await;
    let (c, _) = offer(&app, &agent, "F-2", "T2", "PLAI", &format!("r:{besancon}")).await;
    let (d, _) = offer(&app, &agent, "F-3", "T4", "PLUS", "anru").await;
    let (e, _) = offer(&app, &agent, "F-4", "T1", "PLUS", "bailleur").await;
    for id in [a, c, d, e] {
        assert!(id > 0);
    }
    let stored: Vec<(i64, String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT id, orientation, convention_id, flux_year FROM offers ORDER BY id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(stored.len(), 4);
    assert!(
        stored
            .iter()
            .all(|(_, _, _, y)| *y == Some(i64::from(year)))
    );
    let orientations: Vec<&str> = stored.iter().map(|(_, o, _, _)| o.as_str()).collect();
    assert_eq!(
        orientations,
        ["convention", "convention", "anru", "bailleur"]
    );

    // Another landlord's réservataire is not a choice here.
    let (other, other_organisation) = landlord(&app, "Montbéliard Logis", "552100562").await;
    ok(convention(
        &app,
        &other,
        "action_logement",
        "Action Logement Services",
        "",
        "20",
    )
    .await)
    .await;
    let theirs = reservataire(&app, other_organisation, "Action Logement Services").await;
    let (_, response) = offer(&app, &agent, "F-5", "T3", "PLUS", &format!("r:{theirs}")).await;
    assert_eq!(response.status(), 422);

    // The offer page names the réservataire the unit is oriented to. Only published offers count
    // in the flow (a draft proposes nothing yet).
    for id in [a, c, d, e] {
        publish(&app, &agent, id).await;
    }
    let page = app.page_text(&app.client, &format!("/offres/{a}")).await;
    assert!(
        page.contains("Action Logement — Action Logement Services"),
        "{page}"
    );

    // The year at a glance: shares of the forecast 40 units, rounded half up.
    let flux: FluxOverview = app
        .run(&agent, LoadFlux { year: Some(year) })
        .await
        .unwrap();
    assert!(!flux.is_admin);
    let line = |label: &str| {
        flux.lines
            .iter()
            .find(|l| l.usage.label == label)
            .unwrap_or_else(|| panic!("{label} in {:?}", flux.lines))
            .usage
            .clone()
    };
    let al = line("Action Logement — Action Logement Services");
    // 30 % of 40 = 12.
    assert_eq!((al.target, al.oriented, al.attributed), (Some(12), 1, 0));
    let etat = line("État — publics prioritaires — Préfecture du Doubs");
    assert_eq!((etat.target, etat.oriented), (Some(10), 0));
    // A commune's share is of its own flow, not forecast apart.
    let commune = line("Commune — Ville de Besançon");
    assert_eq!((commune.target, commune.oriented), (None, 1));
    // The landlord keeps 100 − 25 − 30 − 25 = 20 % of the departmental flow: 8 units.
    let own = line("Bailleur (non réservé)");
    assert_eq!((own.share, own.target, own.oriented), (2_000, Some(8), 1));
    assert_eq!(
        flux.out_of_flow,
        [(
            "Doubs (25)".to_string(),
            "Hors flux — relogement ANRU / NPNRU".to_string(),
            1
        )]
    );
    let admin_view: FluxOverview = app.run(&admin, LoadFlux { year: None }).await.unwrap();
    assert!(admin_view.is_admin);
    assert_eq!(admin_view.year, year);
    // The other landlord sees none of this.
    let theirs: FluxOverview = app
        .run(&other, LoadFlux { year: Some(year) })
        .await
        .unwrap();
    assert!(
        theirs
            .lines
            .iter()
            .all(|l| l.usage.label != "Commune — Ville de Besançon")
    );
    assert!(theirs.out_of_flow.is_empty());
}

async fn a_reservataires_bilan_counts_what_was_proposed_and_attributed_for_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, organisation) = landlord(&app, "Habitat du Doubs", "552100554").await;
    let year = today().year;
    ok(convention(
        &app,
        &admin,
        "action_logement",
        "Action Logement Services",
        "",
        "30",
    )
    .await)
    .await;
    ok(convention(
        &app,
        &admin,
        "etat_prioritaires",
        "Préfecture du Doubs",
        "",
        "25",
    )
    .await)
    .await;
    for (y, units, out) in [(year, "40", "4"), (year + 1, "50", "5")] {
        let y = y.to_string();
        ok(app
            .call_with(
                &admin,
                "gestion/flux/prevision",
                &[
                    ("forecast_year", &y),
                    ("forecast_departement", "25"),
                    ("units", units),
                    ("out_of_flow", out),
                ],
            )
            .await)
        .await;
    }
    let action_logement = reservataire(&app, organisation, "Action Logement Services").await;
    let to_al = format!("r:{action_logement}");
    // For Action Logement: a T3 PLUS let, a T2 PLAI not let, and a T4 PLUS never published
    // (a draft proposes nothing). For the préfet: a T3. Out of the flow: two ANRU rehousings, one
    // still a draft.
    let (a, _) = offer(&app, &admin, "B-1", "T3", "PLUS", &to_al).await;
    let (b, _) = offer(&app, &admin, "B-2", "T2", "PLAI", &to_al).await;
    let (_draft, _) = offer(&app, &admin, "B-3", "T4", "PLUS", &to_al).await;
    let prefet = reservataire(&app, organisation, "Préfecture du Doubs").await;
    let (p, _) = offer(&app, &admin, "B-4", "T3", "PLUS", &format!("r:{prefet}")).await;
    let (r1, _) = offer(&app, &admin, "B-5", "T5", "PLUS", "anru").await;
    let (_r2, _) = offer(&app, &admin, "B-6", "T5", "PLUS", "anru").await;
    for id in [a, b, p, r1] {
        publish(&app, &admin, id).await;
    }
    // The T3's lease, signed today.
    sqlx::query(
        "INSERT INTO leases (organisation_id, unit_id, offer_id, tenant_name, signed_on, created_at)
         SELECT organisation_id, unit_id, id, 'Locataire', $2, 0 FROM offers WHERE id = $1",
    )
    .bind(a)
    .bind(today().iso())
    .execute(app.state.db.pool())
    .await
    .unwrap();

    let bilan: Bilan = app
        .run(
            &admin,
            LoadBilan {
                reservataire_id: action_logement,
                year: Some(year),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        bilan.reservataire,
        "Action Logement — Action Logement Services"
    );
    assert_eq!((bilan.proposed, bilan.attributed), (2, 1));
    // 30 % of the 40 units forecast.
    assert_eq!(bilan.target, Some(12));
    let lines = |title: &str| -> Vec<(String, i64, i64)> {
        bilan
            .breakdowns
            .iter()
            .find(|b| b.title == title)
            .unwrap()
            .lines
            .iter()
            .map(|l| (l.value.clone(), l.proposed, l.attributed))
            .collect()
    };
    assert_eq!(
        lines("Par typologie"),
        [("T2".into(), 1, 0), ("T3".into(), 1, 1)]
    );
    assert_eq!(
        lines("Par financement"),
        [("PLAI".into(), 1, 0), ("PLUS".into(), 1, 1)]
    );
    assert_eq!(lines("Par commune"), [("Besançon".into(), 2, 1)]);
    assert_eq!(
        lines("En quartier prioritaire (QPV) ou hors QPV"),
        [("Hors QPV".into(), 2, 1)]
    );
    assert_eq!(
        lines("Par période de construction"),
        [("1975 à 1989".into(), 2, 1)]
    );
    assert_eq!(
        bilan.out_of_flow,
        [("Hors flux — relogement ANRU / NPNRU".to_string(), 1)]
    );
    // Next year: 50 units forecast, 5 out of the flow, and 30 % of 50 (this year's share, none
    // being signed yet for next year) = 15.
    assert_eq!(
        bilan.next_year,
        [("Doubs (25)".to_string(), 50, 5, Some(15))]
    );

    // The same as CSV, and as a page.
    let csv = admin
        .get(app.url(&format!(
            "/gestion/flux/bilan/{action_logement}/bilan.csv?annee={year}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("Par typologie;T3;1;1\n"), "{csv}");
    assert!(csv.contains("Par typologie;T2;1;0\n"), "{csv}");
    assert!(
        csv.contains(&format!("Prévision {};Doubs (25);50;\n", year + 1)),
        "{csv}"
    );
    let page = app
        .page_text(
            &admin,
            &format!("/gestion/flux/bilan/{action_logement}?annee={year}"),
        )
        .await;
    assert!(page.contains("2 logements proposés, 1 attribué"), "{page}");
    let pdf = admin
        .get(app.url(&format!(
            "/gestion/flux/bilan/{action_logement}/bilan.pdf?annee={year}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let printed = pdf_extract::extract_text_from_mem(&pdf.bytes().await.unwrap()).unwrap();
    for expected in [
        "Réservataire : Action Logement — Action Logement Services",
        "Par typologie",
        "2 logements proposés, 1 attribué, pour un objectif de 12 logements",
        "relogement ANRU / NPNRU",
        "Page 1 sur 1",
    ] {
        assert!(
            printed.contains(expected),
            "{expected} is not in the bilan: {printed}"
        );
    }

    // The landlord's admin invites Action Logement's account: once it has chosen its password,
    // it reads its own bilan, the offers oriented to it, and nothing else.
    let invite = app
        .call_with(
            &admin,
            "gestion/flux/inviter",
            &[
                ("reservataire_id", &action_logement.to_string()),
                ("display_name", "Agnès Réservataire"),
                ("email", "agnes@actionlogement.example"),
            ],
        )
        .await;
    ok(invite).await;
    let letter = app.mail_to("agnes@actionlogement.example").await;
    assert!(
        letter[0].body.contains("Action Logement Services"),
        "{}",
        letter[0].body
    );
    let account = new_client();
    ok(app
        .call_with(
            &account,
            "invitation",
            &[
                ("token", &token_in(&letter[0].body)),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await)
    .await;
    assert_eq!(app.whoami(&account).await["role"], "Reservataire");
    let mine: Bilan = app
        .run(&account, app::pages::flux::LoadMyBilan { year: Some(year) })
        .await
        .unwrap();
    assert_eq!(mine, bilan);
    let home: app::model::ReservataireHome = app
        .run(&account, app::pages::flux::LoadReservataireHome {})
        .await
        .unwrap();
    // The two published offers oriented to it, not the draft.
    let mut seen: Vec<i64> = home.offers.iter().map(|o| o.id).collect();
    seen.sort_unstable();
    assert_eq!(seen, [a, b]);
    assert_eq!(home.years, [year]);
    let csv = account
        .get(app.url(&format!("/reservataire/bilan.csv?annee={year}")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.text().await.unwrap().contains("Par typologie;T3;1;1\n"));
    let pdf = account
        .get(app.url(&format!("/reservataire/bilan.pdf?annee={year}")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    // Nothing of the landlord's back office or of the other réservataires.
    for (endpoint, form) in [
        ("gestion/flux", vec![]),
        (
            "gestion/flux/bilan",
            vec![("reservataire_id", prefet.to_string())],
        ),
        ("gestion", vec![("page", "1".to_string())]),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app.call_with(&account, endpoint, &form).await;
        assert_eq!(response.status(), 403, "{endpoint}");
    }
    let page = app
        .page_text(&account, &format!("/gestion/offres/{a}/classement"))
        .await;
    assert!(!page.contains("Locataire"));

    // Another landlord, or the public, reads none of it.
    let (other, _) = landlord(&app, "Montbéliard Logis", "552100562").await;
    let refused = app
        .run(
            &other,
            LoadBilan {
                reservataire_id: action_logement,
                year: Some(year),
            },
        )
        .await;
    assert!(
        matches!(refused, Err(app::error::AppError::NotFound)),
        "{refused:?}"
    );
    let csv = other
        .get(app.url(&format!("/gestion/flux/bilan/{action_logement}/bilan.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 404);
    let anonymous = app
        .client
        .get(app.url(&format!("/gestion/flux/bilan/{action_logement}/bilan.csv")))
        .send()
        .await
        .unwrap();
    assert_ne!(anonymous.status(), 200);
}

/// A lease signed today on `offer` for `tenant` (none: a household the platform did not rank).
async fn lease(app: &TestApp, offer: i64, tenant: Option<i64>) {
    sqlx::query(
        "INSERT INTO leases (organisation_id, unit_id, offer_id, tenant_user_id, tenant_name, signed_on, created_at)
         SELECT organisation_id, unit_id, id, $2, 'Locataire', $3, 0 FROM offers WHERE id = $1",
    )
    .bind(offer)
    .bind(tenant)
    .bind(today().iso())
    .execute(app.state.db.pool())
    .await
    .unwrap();
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    id
}

async fn the_attribution_objectives_count_leases_by_quartile_and_priority(backend: Backend) {
    use app::domain::objectives::Objectives;
    let app = spawn_app(backend).await;
    let year = today().year;
    let territory =
        crate::common::ranked::signed_in(&app, "epci@example.fr", Role::Territory).await;
    // First quartile under 20 000 € a year per consumption unit: a person alone earning 1 500 €
    // a month (18 000 € a year) is in it, one earning 2 500 € (30 000 €) is not.
    ok(app
        .call_with(
            &territory,
            "territoire/quartile",
            &[("year", &year.to_string()), ("amount", "20 000")],
        )
        .await)
    .await;
    let (staff, _) = landlord(&app, "Habitat du Doubs", "552100554").await;
    let outside = crate::common::ranked::offer(&app, &staff, "Q-1").await;
    let inside = crate::common::ranked::offer(&app, &staff, "Q-2").await;
    let unranked = crate::common::ranked::offer(&app, &staff, "Q-3").await;
    sqlx::query("UPDATE units SET in_qpv = 1 WHERE reference = 'Q-2'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    // A: DALO, first quartile, housed outside QPV; B: no priority, above the first quartile,
    // housed in QPV.
    let a =
        crate::common::ranked::applicant(&app, "a@example.fr", "15 000", &["dalo"], "2024-01-01")
            .await;
    let b =
        crate::common::ranked::applicant(&app, "b@example.fr", "15 000", &[], "2024-01-01").await;
    ok(app
        .call_with(
            &b,
            "espace/profil/ressources",
            &[("monthly_resources", "2 500")],
        )
        .await)
    .await;
    for (client, offer) in [(&a, outside), (&b, inside)] {
        ok(app
            .call_with(
                client,
                "offres/postuler",
                &[("offer_id", &offer.to_string())],
            )
            .await)
        .await;
    }
    crate::common::ranked::close(&app, outside).await;
    crate::common::ranked::close(&app, inside).await;
    lease(&app, outside, Some(user_id(&app, "a@example.fr").await)).await;
    lease(&app, inside, Some(user_id(&app, "b@example.fr").await)).await;
    // A lease on an offer nobody applied to here: its household is not known.
    lease(&app, unranked, None).await;
    // Another landlord of the territory, with one lease outside QPV of an unknown household.
    let (other, _) = landlord(&app, "Montbéliard Logis", "552100562").await;
    let theirs = crate::common::ranked::offer(&app, &other, "Q-4").await;
    lease(&app, theirs, None).await;

    let flux: FluxOverview = app
        .run(&staff, LoadFlux { year: Some(year) })
        .await
        .unwrap();
    let (epci, mine) = flux
        .objectives
        .iter()
        .find(|(name, _)| name.contains("Besançon"))
        .unwrap_or_else(|| panic!("{:?}", flux.objectives));
    assert!(epci.contains("Grand Besançon"));
    // Outside QPV: A (first quartile) and the unknown household: 1 of 2, 50 %.
    assert_eq!(
        (
            mine.outside_qpv.part,
            mine.outside_qpv.whole,
            mine.outside_qpv.unknown
        ),
        (1, 2, 1)
    );
    assert_eq!(mine.outside_qpv.met(), Some(true));
    // In QPV: B, of the other quartiles: 1 of 1.
    assert_eq!((mine.in_qpv.part, mine.in_qpv.whole), (1, 1));
    // The landlord's own share (no convention here): A is DALO, B is not, the third unknown.
    assert_eq!(mine.per_reservataire.len(), 1);
    let own = &mine.per_reservataire[0];
    assert!(
        own.label.starts_with("Bailleur (non réservé)"),
        "{}",
        own.label
    );
    assert_eq!((own.part, own.whole, own.unknown), (1, 3, 1));
    assert_eq!(own.percent(), Some(33));

    // The territory's admin reads every landlord's leases: outside QPV 1 of 3.
    let lists: serde_json::Value = ok(app.call_with(&territory, "territoire/listes", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    let all: Objectives = serde_json::from_value(lists["objectives"].clone()).unwrap();
    assert_eq!((all.outside_qpv.part, all.outside_qpv.whole), (1, 3));
    assert_eq!(all.outside_qpv.percent(), Some(33));
    assert_eq!((all.in_qpv.part, all.in_qpv.whole), (1, 1));
}

//! Cotation and ranking: grids published by a territory admin, the applicant's score and what
//! they are told, the ranking made at close and replayed from its snapshots, skips, the
//! shortlist and the export, with the walls between organisations.

use crate::common::ranked::*;
use crate::common::{Backend, new_client, ok, spawn_app};
use app::ssr::usecases::cotation::rescore;

on_both_backends!(
    a_territory_admin_publishes_a_grid_and_bad_input_changes_nothing,
    an_applicant_sees_their_score_its_breakdown_and_comparable_requests,
    closing_ranks_the_applicants_and_the_ranking_replays_identically,
    staff_set_a_candidate_aside_with_a_motive_build_a_shortlist_and_export_it,
    the_provisional_rank_before_the_close_is_the_rank_the_close_gives,
    an_offer_with_a_thousand_candidates_is_ranked_paged_and_exported_whole,
);

async fn a_territory_admin_publishes_a_grid_and_bad_input_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let territory = signed_in(&app, "epci@example.fr", app::model::Role::Territory).await;

    let faulty = publish(
        &app,
        &territory,
        "DALO ; situation dalo ; 50\nX ; situation inconnue ; 3\nY ; ancienneté ; 5",
    )
    .await;
    assert_eq!(faulty.status(), 422);
    let body = faulty.text().await.unwrap();
    assert!(
        body.contains("Ligne 2") && body.contains("Ligne 3"),
        "{body}"
    );
    let past = app
        .call_with(
            &territory,
            "territoire/grille",
            &[
                ("audience", "all"),
                ("effective_from", &today().add_days(-1).iso()),
                ("criteria", GRID),
            ],
        )
        .await;
    assert_eq!(past.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM cotation_grids").await, 0);

    // Only a territory admin publishes, and only for their own territory.
    let (staff, _) = app.staff_of("Habitat Comtois", "552081317").await;
    assert_eq!(publish(&app, &staff, GRID).await.status(), 403);
    let anonymous = new_client();
    assert_eq!(publish(&app, &anonymous, GRID).await.status(), 401);

    ok(publish(&app, &territory, GRID).await).await;
    ok(publish(&app, &territory, GRID).await).await;
    let versions: Vec<(String, i64)> =
        sqlx::query_as("SELECT epci_siren, version FROM cotation_grids ORDER BY version")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(
        versions,
        vec![
            (GRAND_BESANCON.to_string(), 1),
            (GRAND_BESANCON.to_string(), 2)
        ]
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'grid.publish'")
            .await,
        2
    );

    // The public page lists the grid in force, criteria and points, to anyone.
    let public: serde_json::Value = ok(app.call_with(&anonymous, "cotation", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    let grids = public.as_array().unwrap();
    assert_eq!(
        grids.len(),
        1,
        "the replaced version is not listed: {public}"
    );
    assert_eq!(grids[0]["version"], 2);
    assert_eq!(grids[0]["criteria"][0]["label"], "Prioritaire DALO");
    assert_eq!(grids[0]["criteria"][0]["points"], "50");
}

async fn an_applicant_sees_their_score_its_breakdown_and_comparable_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    let territory = signed_in(&app, "epci@example.fr", app::model::Role::Territory).await;
    ok(publish(&app, &territory, GRID).await).await;
    let nadia = applicant(
        &app,
        "nadia@example.fr",
        "15 000",
        &["menace_expulsion"],
        "2023-11-02",
    )
    .await;
    ok(app
        .call_with(
            &nadia,
            "espace/profil/souhaits",
            &[("communes[]", "25056"), ("typologies[]", "T2")],
        )
        .await)
    .await;
    for (n, situations) in [&["dalo"][..], &[], &["pdalhpd", "menace_expulsion"]]
        .iter()
        .enumerate()
    {
        let other = applicant(
            &app,
            &format!("autre{n}@example.fr"),
            "15 000",
            situations,
            "2022-05-10",
        )
        .await;
        ok(app
            .call_with(
                &other,
                "espace/profil/souhaits",
                &[("communes[]", "25056"), ("typologies[]", "T2")],
            )
            .await)
        .await;
    }
    // The background job scores everyone on the grid in force, here two at a time, telling its
    // progress after each batch; a second pass finds nothing stale.
    let pool = app.state.db.pool();
    let mut told = Vec::new();
    let written = rescore(pool, today(), 2, |_, scored| told.push(scored))
        .await
        .unwrap();
    assert!(written >= 3, "{written} scores written");
    assert_eq!(
        told.len(),
        written.div_ceil(2),
        "progress after each batch: {told:?}"
    );
    assert_eq!(told.last(), Some(&written));
    assert_eq!(rescore(pool, today(), 2, |_, _| {}).await.unwrap(), 0);

    let mine: serde_json::Value = ok(app.call_with(&nadia, "espace/cotation", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    let territory = &mine["territories"][0];
    assert_eq!(territory["epci_name"], "CU Grand Besançon Métropole");
    // Threatened with eviction (20); no rent recorded, so no effort rate.
    assert_eq!(territory["score"]["total"], 20, "{mine}");
    let lines = territory["score"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[2]["points"], 20);
    assert_eq!(lines[4]["detail"], "Non calculable avec le profil actuel");
    // Four comparable requests (T2 in Grand Besançon): 50, 0, 60 and hers.
    let comparable = &territory["comparables"][0];
    assert_eq!(comparable["count"], 4, "{mine}");
    assert_eq!(comparable["below"], 1);
    assert_eq!(territory["refusal_effect"], serde_json::Value::Null);
    assert_eq!(mine["priority"], true);

    // Staff have no cotation page of their own.
    let (staff, _) = app.staff_of("Habitat Comtois", "552081317").await;
    assert_eq!(
        app.call_with(&staff, "espace/cotation", &[]).await.status(),
        403
    );
}

async fn closing_ranks_the_applicants_and_the_ranking_replays_identically(backend: Backend) {
    let app = spawn_app(backend).await;
    let ranked = ranked_offer(&app).await;
    let (staff, offer_id) = (&ranked.staff, ranked.offer_id);
    let ranking: serde_json::Value = ok(app
        .call_with(
            staff,
            "gestion/classement",
            &[("offer_id", &offer_id.to_string())],
        )
        .await)
    .await
    .json()
    .await
    .unwrap();
    let order: Vec<(String, serde_json::Value, i64)> = ranking["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["position"].clone(),
                c["score"]["total"].as_i64().unwrap(),
            )
        })
        .collect();
    let names: Vec<&str> = order.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "a@example.fr",
            "e@example.fr",
            "c@example.fr",
            "b@example.fr",
            "d@example.fr",
            "f@example.fr"
        ],
        "{ranking}"
    );
    assert_eq!(
        order[5].1,
        serde_json::Value::Null,
        "over the ceiling at the close"
    );
    assert_eq!(ranking["mode_label"], "Cotation du territoire");

    // Each applicant sees their rank; the one ruled out sees why.
    let c = ranked.applicant("c@example.fr");
    let home: serde_json::Value = ok(app.call_with(c, "espace", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(home["applications"][0]["rank"], serde_json::json!([3, 5]));
    let f = ranked.applicant("f@example.fr");
    let home: serde_json::Value = ok(app.call_with(f, "espace", &[]).await)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        home["applications"][0]["not_eligible_at_close"].is_array(),
        "{home}"
    );

    // Profiles and grids change after the close; the replay from the snapshots does not.
    ok(app
        .call_with(c, "espace/profil/situations", &[("dalo", "on")])
        .await)
    .await;
    ok(publish(
        &app,
        &ranked.territory,
        "Ancienneté ; ancienneté ; 3 par mois",
    )
    .await)
    .await;
    let (stored, replayed) = app::ssr::usecases::rankings::replay(app.state.db.pool(), offer_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.len(), 5);
    assert_eq!(stored, replayed);
    let same: serde_json::Value = ok(app
        .call_with(
            staff,
            "gestion/classement/rejouer",
            &[("offer_id", &offer_id.to_string())],
        )
        .await)
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(same, true);

    // A lottery offer records its seed and replays the same draw.
    let lottery = offer(&app, staff, "R-2").await;
    sqlx::query("UPDATE offers SET ranking_mode = 'tirage' WHERE id = $1")
        .bind(lottery)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    for email in [
        "a@example.fr",
        "b@example.fr",
        "d@example.fr",
        "e@example.fr",
    ] {
        let client = ranked.applicant(email);
        ok(app
            .call_with(
                client,
                "offres/postuler",
                &[("offer_id", &lottery.to_string())],
            )
            .await)
        .await;
    }
    close(&app, lottery).await;
    let (stored, replayed) = app::ssr::usecases::rankings::replay(app.state.db.pool(), lottery)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.len(), 4);
    assert_eq!(stored, replayed);
}

async fn staff_set_a_candidate_aside_with_a_motive_build_a_shortlist_and_export_it(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let ranked = ranked_offer(&app).await;
    let (staff, offer_id) = (ranked.staff, ranked.offer_id);
    let id = offer_id.to_string();
    let ranking: serde_json::Value = ok(app
        .call_with(&staff, "gestion/classement", &[("offer_id", &id)])
        .await)
    .await
    .json()
    .await
    .unwrap();
    let second = ranking["candidates"][1]["entry_id"]
        .as_i64()
        .unwrap()
        .to_string();

    // A motive is required, and another landlord cannot touch the ranking.
    let bare = app
        .call_with(
            &staff,
            "gestion/classement/ecarter",
            &[("offer_id", &id), ("entry_id", &second), ("motive", " ")],
        )
        .await;
    assert_eq!(bare.status(), 422);
    // Sent without JavaScript, the refusal comes back on that candidate's card only: the message
    // links to its field, which it describes.
    let refused = app
        .submit_form_as(
            &staff,
            "gestion/classement/ecarter",
            &[
                ("offer_id", id.as_str()),
                ("entry_id", second.as_str()),
                ("motive", " "),
                ("page", "1"),
            ],
            &format!("/gestion/offres/{id}/classement"),
        )
        .await;
    assert!(refused.status().is_redirection(), "{}", refused.status());
    let back = refused.headers()["location"].to_str().unwrap().to_string();
    let back = back.strip_prefix(&app.address).unwrap_or(&back);
    let page = app.page_text(&staff, back).await;
    let field = format!("motive-{second}");
    assert_eq!(page.matches("role=\"alert\"").count(), 1, "{page}");
    assert!(page.contains(&format!("href=\"#{field}\"")), "{page}");
    assert!(page.contains(&format!("id=\"{field}-erreur\"")), "{page}");
    assert!(
        page.contains(&format!("aria-describedby=\"{field}-erreur\"")),
        "{page}"
    );
    let (other, _) = app.staff_of("Montbéliard Logis", "552100554").await;
    for (endpoint, form) in [
        ("gestion/classement", vec![("offer_id", id.as_str())]),
        (
            "gestion/classement/ecarter",
            vec![
                ("offer_id", id.as_str()),
                ("entry_id", second.as_str()),
                ("motive", "Pas le bon motif"),
            ],
        ),
        (
            "gestion/classement/liste",
            vec![("offer_id", id.as_str()), ("size", "3")],
        ),
    ] {
        assert_eq!(
            app.call_with(&other, endpoint, &form).await.status(),
            404,
            "{endpoint}"
        );
    }
    let other_csv = other
        .get(app.url(&format!("/gestion/offres/{offer_id}/classement.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(other_csv.status(), 404);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ranking_entries WHERE skip_motive IS NOT NULL")
            .await,
        0
    );

    ok(app
        .call_with(
            &staff,
            "gestion/classement/ecarter",
            &[
                ("offer_id", &id),
                ("entry_id", &second),
                (
                    "motive",
                    "Logement au 4e sans ascenseur, inadapté au handicap déclaré",
                ),
            ],
        )
        .await)
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'ranking.skip'")
            .await,
        1
    );

    // Fewer than three needs one of the law's exceptions; too few candidates only if all go.
    let two = app
        .call_with(
            &staff,
            "gestion/classement/liste",
            &[("offer_id", &id), ("size", "2")],
        )
        .await;
    assert_eq!(two.status(), 422);
    let wrong_exception = app
        .call_with(
            &staff,
            "gestion/classement/liste",
            &[
                ("offer_id", &id),
                ("size", "2"),
                ("exception", "peu_de_candidats"),
            ],
        )
        .await;
    assert_eq!(wrong_exception.status(), 422);
    ok(app
        .call_with(
            &staff,
            "gestion/classement/liste",
            &[("offer_id", &id), ("size", "3")],
        )
        .await)
    .await;
    let shortlisted: Vec<(String,)> = sqlx::query_as(
        "SELECT u.email FROM ranking_entries e JOIN users u ON u.id = e.applicant_user_id
         WHERE e.shortlisted = 1 ORDER BY e.position",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    let shortlisted: Vec<&str> = shortlisted.iter().map(|(e,)| e.as_str()).collect();
    assert_eq!(
        shortlisted,
        ["a@example.fr", "c@example.fr", "b@example.fr"]
    );
    let (status,): (String,) = sqlx::query_as("SELECT status FROM offers WHERE id = $1")
        .bind(offer_id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "in_review");

    let csv = staff
        .get(app.url(&format!("/gestion/offres/{offer_id}/classement.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(lines[0].contains("rang;candidat;numero_unique"));
    assert!(
        lines[2].contains("inadapté au handicap") && lines[2].ends_with(";non"),
        "{text}"
    );
    assert!(lines[1].starts_with("1;a@example.fr;") && lines[1].ends_with(";oui"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'ranking.export'")
            .await,
        1
    );
}

/// The chance indicator ranks the live applications as the close will: when nothing changes in
/// between, every applicant's provisional rank is the rank the close gives, and a household that
/// has not applied yet is told the rank an application would get now.
async fn the_provisional_rank_before_the_close_is_the_rank_the_close_gives(backend: Backend) {
    let app = spawn_app(backend).await;
    let story = applied_offer(&app).await;
    let offer = story.offer_id.to_string();
    let chance = |client: &reqwest::Client| {
        let (app, offer) = (&app, offer.clone());
        let client = client.clone();
        async move {
            let me: serde_json::Value = ok(app
                .call_with(&client, "offres/pour-moi", &[("id", &offer)])
                .await)
            .await
            .json()
            .await
            .unwrap();
            me["chance"].clone()
        }
    };

    // Not applied yet: no situation, a request of 2025 after d's of 2020, both at 0 points.
    let late = applicant(&app, "g@example.fr", "15 000", &[], "2025-06-01").await;
    let before = chance(&late).await;
    assert_eq!(before["applied"], false, "{before}");
    assert_eq!(
        before["applications"],
        serde_json::json!({"kind": "exactly", "value": 6}),
        "{before}"
    );
    assert_eq!(before["position"], 6, "{before}");
    assert_eq!(before["ranked"]["value"], 6, "{before}");
    assert_eq!(before["score_points"], 0);
    assert_eq!(before["outlook"], "Fair");
    // No offer of the territory ended yet: nothing to compare with, and nothing published.
    assert_eq!(before["comparable"]["offers"]["kind"], "zero");
    assert!(before["comparable"]["median_score"].is_null());
    ok(app
        .call_with(&late, "offres/postuler", &[("offer_id", &offer)])
        .await)
    .await;

    let mut everyone: Vec<(String, &reqwest::Client)> = story
        .applicants
        .iter()
        .map(|(email, client)| (email.clone(), client))
        .collect();
    everyone.push(("g@example.fr".into(), &late));
    let mut provisional = Vec::new();
    for (email, client) in &everyone {
        let chance = chance(*client).await;
        assert_eq!(chance["applied"], true, "{email}: {chance}");
        provisional.push((
            email.clone(),
            chance["position"].clone(),
            chance["ranked"]["value"].clone(),
        ));
    }
    // The scores 50, 40, 20, 20, 0, 0 of the fixture, in the order the close will give.
    let first = provisional
        .iter()
        .find(|(e, _, _)| e == "a@example.fr")
        .unwrap();
    assert_eq!(first.1, 1);
    let over_the_ceiling = provisional
        .iter()
        .find(|(e, _, _)| e == "f@example.fr")
        .unwrap();
    assert!(over_the_ceiling.1.is_null(), "{provisional:?}");

    close(&app, story.offer_id).await;
    for ((email, client), (_, position, ranked)) in everyone.iter().zip(&provisional) {
        let home: serde_json::Value = ok(app.call_with(client, "espace", &[]).await)
            .await
            .json()
            .await
            .unwrap();
        let rank = &home["applications"][0]["rank"];
        if position.is_null() {
            assert!(rank.is_null(), "{email}: {home}");
        } else {
            assert_eq!(rank, &serde_json::json!([position, ranked]), "{email}");
        }
    }
    // Closed, the offer is no longer anyone's to apply to.
    let closed = app
        .call_with(&late, "offres/pour-moi", &[("id", &offer)])
        .await;
    assert_eq!(closed.status(), 404);
}

async fn an_offer_with_a_thousand_candidates_is_ranked_paged_and_exported_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    let territory = signed_in(&app, "epci@example.fr", app::model::Role::Territory).await;
    ok(publish(&app, &territory, GRID).await).await;
    let (staff, _) = app.staff_of("Habitat Comtois", "552081317").await;
    let offer_id = offer(&app, &staff, "R-1").await;
    // More than two batches of the close's reads and writes, and of the export's.
    let db = &app.state.db;
    assert_eq!(
        locactive::seed::bulk::applicants(db, 1_100).await.unwrap(),
        1_100
    );
    assert_eq!(
        locactive::seed::bulk::apply(db, offer_id, 1_100)
            .await
            .unwrap(),
        1_100
    );
    close(&app, offer_id).await;

    let id = offer_id.to_string();
    let page = |n: &'static str| {
        let (app, staff, id) = (&app, &staff, id.clone());
        async move {
            let form = [("offer_id", id.as_str()), ("page", n)];
            ok(app.call_with(staff, "gestion/classement", &form).await)
                .await
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let first = page("1").await;
    assert_eq!(first["total"], 1_100);
    assert_eq!(first["pages"], 22);
    assert_eq!(first["candidates"].as_array().unwrap().len(), 50);
    let ranked = first["ranked"].as_i64().unwrap();
    assert!(
        ranked > 100 && ranked < 1_100,
        "some households are over the ceiling: {ranked}"
    );
    assert_eq!(first["candidates"][0]["position"], 1);
    let second = page("2").await;
    assert_eq!(second["page"], 2);
    assert_eq!(second["candidates"][0]["position"], 51);
    // Past the last page: the last page, with the unranked households at the end.
    let last = page("99").await;
    assert_eq!(last["page"], 22);
    assert_eq!(last["candidates"].as_array().unwrap().len(), 50);
    assert!(last["candidates"][49]["position"].is_null());

    // The page itself, without JavaScript: where this page stands, and the way to the others.
    let html = staff
        .get(app.url(&format!("/gestion/offres/{offer_id}/classement?page=2")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Page 2 sur 22"), "{html}");
    assert!(html.contains(&format!("/gestion/offres/{offer_id}/classement?page=3")));
    assert!(html.contains(&format!("/gestion/offres/{offer_id}/classement?page=1")));

    // The export carries every candidate, ranks in order, the unranked after them.
    let csv = staff
        .get(app.url(&format!("/gestion/offres/{offer_id}/classement.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let ranks: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|line| line.split(';').next().unwrap())
        .collect();
    assert_eq!(ranks.len(), 1_100);
    let expected: Vec<String> = (1..=ranked).map(|r| r.to_string()).collect();
    assert_eq!(ranks[..ranked as usize], expected);
    assert!(ranks[ranked as usize..].iter().all(|r| r.is_empty()));
}

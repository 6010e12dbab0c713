//! The allocation committee: sessions and their agenda, online votes with the mayor's casting
//! vote, the close with its minutes and letters, the applicants' answers passing the unit down
//! the ranks, the lease, the occupation review, and the walls between commissions.

use crate::common::ranked::*;
use crate::common::{Backend, PASSWORD, TestApp, ok, spawn_app};
use app::domain::caleol::MemberQuality;
use app::error::AppError;
use app::model::Role;
use app::model::caleol::SessionView;
use app::pages::caleol::{CastVote, LoadSession};
use serde_json::Value;

on_both_backends!(
    members_see_only_their_own_commissions_sessions,
    a_dematerialised_session_decides_and_the_unit_goes_down_the_ranks_to_a_lease,
    an_unanswered_offer_lapses_and_an_occupation_review_is_recorded,
    an_in_person_session_counts_those_marked_present_and_the_president_records_decisions,
    a_session_opens_on_its_day_or_on_the_day_the_president_records,
    a_deleted_account_reads_pseudonymised_in_the_minutes_and_members_reads_are_logged,
    once_leased_each_applicant_reads_why_and_anyone_reads_the_result_without_a_name,
    a_session_of_several_offers_is_reviewed_one_offer_at_a_time,
);

/// A member of `commission`, seated in `quality`, signed in.
async fn member(
    app: &TestApp,
    email: &str,
    organisation: i64,
    commission: i64,
    quality: MemberQuality,
    president: bool,
) -> reqwest::Client {
    let id = app
        .create_user(
            email,
            PASSWORD,
            Role::Member,
            Some(organisation),
            Some(commission),
        )
        .await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    app::ssr::store::caleol::insert_seat(&mut conn, id, commission, quality, president)
        .await
        .unwrap();
    app.signed_in_as(id).await
}

/// A name as people have it, beyond Latin-1.
const UNICODE_NAME: &str = "Nguyễn Łukasz Ayşe Ţepeş";

async fn json(response: reqwest::Response) -> Value {
    ok(response).await.json().await.unwrap()
}

async fn organisation_id(app: &TestApp, siren: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM organisations WHERE siren = $1")
        .bind(siren)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    id
}

async fn latest_session(app: &TestApp) -> String {
    let (id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM caleol_sessions")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    id.to_string()
}

/// A ranked offer with its shortlist of three (a, e, c in the ranking's order), a commission
/// of Habitat Comtois with a president, a mayor's representative and an association, and a
/// dematerialised session with the offer on its agenda.
struct Committee {
    ranked: Ranked,
    organisation: i64,
    president: reqwest::Client,
    mayor: reqwest::Client,
    association: reqwest::Client,
    session: String,
}

async fn committee(app: &TestApp) -> Committee {
    committee_meeting(app, "dematerialisee").await
}

async fn committee_meeting(app: &TestApp, mode: &str) -> Committee {
    let ranked = ranked_offer(app).await;
    let id = ranked.offer_id.to_string();
    ok(app
        .call_with(
            &ranked.staff,
            "gestion/classement/liste",
            &[("offer_id", &id), ("size", "3")],
        )
        .await)
    .await;
    let organisation = organisation_id(app, "552081317").await;
    let commission = app.create_commission(organisation, "CALEOL Besançon").await;
    let president = member(
        app,
        "presidente@example.fr",
        organisation,
        commission,
        MemberQuality::Designated,
        true,
    )
    .await;
    let mayor = member(
        app,
        "maire@example.fr",
        organisation,
        commission,
        MemberQuality::Mayor,
        false,
    )
    .await;
    let association = member(
        app,
        "asso@example.fr",
        organisation,
        commission,
        MemberQuality::Association,
        false,
    )
    .await;

    // Bad input changes nothing: a past date, a quorum above the voting members.
    let commission_id = commission.to_string();
    for (held_on, quorum) in [("2020-01-01", "2"), (today().iso().as_str(), "3")] {
        let refused = app
            .call_with(
                &ranked.staff,
                "gestion/commissions/seance",
                &[
                    ("commission_id", &commission_id),
                    ("held_on", held_on),
                    ("mode", "dematerialisee"),
                    ("quorum", quorum),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422, "{held_on} {quorum}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM caleol_sessions").await, 0);
    ok(app
        .call_with(
            &ranked.staff,
            "gestion/commissions/seance",
            &[
                ("commission_id", &commission_id),
                ("held_on", &today().iso()),
                ("mode", mode),
                ("quorum", "2"),
            ],
        )
        .await)
    .await;
    let session = latest_session(app).await;
    let overview = json(
        app.call_with(&ranked.staff, "gestion/commissions", &[])
            .await,
    )
    .await;
    assert_eq!(overview["ready_offers"][0][0], ranked.offer_id);
    ok(app
        .call_with(
            &ranked.staff,
            "gestion/commissions/ordre-du-jour",
            &[("session_id", &session), ("offer_id", &id)],
        )
        .await)
    .await;
    let (status,): (String,) = sqlx::query_as("SELECT status FROM offers WHERE id = $1")
        .bind(ranked.offer_id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "in_commission");
    Committee {
        ranked,
        organisation,
        president,
        mayor,
        association,
        session,
    }
}

/// The session as `client` sees it, with names.
async fn session_view(app: &TestApp, client: &reqwest::Client, session: &str) -> SessionView {
    let call = LoadSession {
        session_id: session.parse().unwrap(),
        anonymised: false,
        point: 1,
        offre: None,
    };
    app.run(client, call).await.expect("the session view")
}

async fn entries(app: &TestApp, client: &reqwest::Client, session: &str) -> Vec<(i64, String)> {
    let view = session_view(app, client, session).await;
    view.items[0]
        .candidates
        .iter()
        .map(|c| (c.entry_id, c.label.clone()))
        .collect()
}

/// A member's vote, as the voting form sends it: `kind`, then `rank`, `motive`, `document` and
/// `deadline` when the choice needs them.
async fn vote(
    app: &TestApp,
    client: &reqwest::Client,
    session: &str,
    entry: i64,
    form: &[(&str, &str)],
) -> Result<(), AppError> {
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    };
    let call = CastVote {
        session_id: session.parse().unwrap(),
        entry_id: entry,
        kind: field("kind"),
        rank: field("rank"),
        motive: field("motive"),
        document: field("document"),
        deadline: field("deadline"),
        point: 1,
        anonyme: String::new(),
    };
    app.run(client, call).await
}

async fn members_see_only_their_own_commissions_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = committee(&app).await;
    let other_organisation = app
        .create_organisation("Montbéliard Logis", "552100554")
        .await;
    let other_commission = app
        .create_commission(other_organisation, "CALEOL Montbéliard")
        .await;
    let outsider = member(
        &app,
        "autre@example.fr",
        other_organisation,
        other_commission,
        MemberQuality::Designated,
        true,
    )
    .await;

    // The session's own members see it, in full or pseudonymised.
    let named = entries(&app, &c.mayor, &c.session).await;
    assert_eq!(named.len(), 3);
    assert_eq!(named[0].1, "a@example.fr");
    let pseudonymised = json(
        app.call_with(
            &c.mayor,
            "commission/seance",
            &[("session_id", &c.session), ("anonymised", "true")],
        )
        .await,
    )
    .await;
    let first = &pseudonymised["items"][0]["candidates"][0];
    assert_eq!(first["label"], "Candidat A");
    assert!(first["sne_number"].is_null());
    assert!(!pseudonymised.to_string().contains("a@example.fr"));

    // Another commission's member sees neither the session nor its minutes, and cannot vote.
    let home = json(app.call_with(&outsider, "commission/accueil", &[]).await).await;
    assert_eq!(home["sessions"].as_array().unwrap().len(), 0);
    for (endpoint, form) in [
        (
            "commission/seance",
            vec![("session_id", c.session.as_str()), ("anonymised", "false")],
        ),
        ("commission/pv", vec![("session_id", c.session.as_str())]),
        (
            "commission/seance/ouvrir",
            vec![("session_id", c.session.as_str())],
        ),
    ] {
        assert_eq!(
            app.call_with(&outsider, endpoint, &form).await.status(),
            404,
            "{endpoint}"
        );
    }
    let pdf = outsider
        .get(app.url(&format!("/commission/seances/{}/pv.pdf", c.session)))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 404);
    // Nor do another landlord's staff, and applicants are not let in at all.
    let (other_staff, _) = app.staff_of("Autre bailleur", "552120222").await;
    assert_eq!(
        app.call_with(
            &other_staff,
            "commission/seance",
            &[("session_id", &c.session), ("anonymised", "false")],
        )
        .await
        .status(),
        404
    );
    let applicant = c.ranked.applicant("a@example.fr");
    assert_eq!(
        app.call_with(
            applicant,
            "commission/seance",
            &[("session_id", &c.session), ("anonymised", "false")],
        )
        .await
        .status(),
        403
    );
    // The member's own home lists the session.
    let own = json(app.call_with(&c.president, "commission/accueil", &[]).await).await;
    assert_eq!(own["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(own["seats"].as_array().unwrap().len(), 3);
}

async fn a_dematerialised_session_decides_and_the_unit_goes_down_the_ranks_to_a_lease(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let c = committee(&app).await;
    let s = c.session.as_str();
    // The first candidate's name has Vietnamese, Polish, Turkish and Romanian letters: the
    // minutes' PDF must print it as written.
    sqlx::query("UPDATE users SET display_name = $1 WHERE email = 'a@example.fr'")
        .bind(UNICODE_NAME)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let list = entries(&app, &c.president, s).await;
    let (a, e, third) = (list[0].0, list[1].0, list[2].0);
    // Each candidate's line says how attributing the unit would move the landlord's objectives of
    // the year: nothing let yet, a unit outside QPV, no first-quartile threshold entered (so the
    // quartile is not known), and the first candidate recognised DALO for the landlord's own share.
    let review = session_view(&app, &c.president, s).await;
    let first = &review.items[0].candidates[0];
    assert_eq!(first.objectives.len(), 2, "{:?}", first.objectives);
    assert!(
        first.objectives[0].contains("Hors QPV")
            && first.objectives[0].contains("aucune attribution jusqu'ici, 0\u{a0}% avec")
            && first.objectives[0].contains("non connue"),
        "{:?}",
        first.objectives
    );
    assert!(
        first.objectives[1].starts_with(&format!("{} — Bailleur (non réservé) :", today().year))
            && first.objectives[1].contains("jusqu'ici, 100\u{a0}% avec"),
        "{:?}",
        first.objectives
    );

    // Nobody votes before the president opens the session, and only the president opens it.
    let early = vote(
        &app,
        &c.mayor,
        s,
        a,
        &[("kind", "attribution_rang"), ("rank", "1")],
    )
    .await;
    assert_eq!(early.unwrap_err().status_code(), 422);
    let not_president = app
        .call_with(&c.mayor, "commission/seance/ouvrir", &[("session_id", s)])
        .await;
    assert_eq!(not_president.status(), 422);
    ok(app
        .call_with(
            &c.president,
            "commission/seance/ouvrir",
            &[("session_id", s)],
        )
        .await)
    .await;

    // A refusal without a motive is refused and records nothing.
    let bare = vote(&app, &c.president, s, third, &[("kind", "non_attribution")]).await;
    assert!(
        bare.unwrap_err()
            .field_errors()
            .unwrap()
            .get("motive")
            .is_some()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM votes").await, 0);

    // The president and the mayor agree on the first two; on the third they split, and the
    // mayor's casting vote decides. The association's opinion does not count. The mayor first
    // votes otherwise on the second and then changes their vote.
    for (entry, form) in [
        (a, vec![("kind", "attribution_rang"), ("rank", "1")]),
        (e, vec![("kind", "attribution_rang"), ("rank", "2")]),
        (
            third,
            vec![
                ("kind", "non_attribution"),
                ("motive", "Typologie trop grande pour le foyer"),
            ],
        ),
    ] {
        vote(&app, &c.president, s, entry, &form).await.unwrap();
    }
    // One voter is below the quorum of two.
    let short = app
        .call_with(
            &c.president,
            "commission/seance/clore",
            &[("session_id", s)],
        )
        .await;
    assert_eq!(short.status(), 422);
    assert!(short.text().await.unwrap().contains("Quorum"));
    vote(
        &app,
        &c.mayor,
        s,
        e,
        &[("kind", "non_attribution"), ("motive", "Hésitation")],
    )
    .await
    .unwrap();
    for (entry, form) in [
        (a, vec![("kind", "attribution_rang"), ("rank", "1")]),
        (e, vec![("kind", "attribution_rang"), ("rank", "2")]),
        (
            third,
            vec![
                ("kind", "irrecevabilite"),
                ("motive", "Titre de séjour expiré"),
            ],
        ),
    ] {
        vote(&app, &c.mayor, s, entry, &form).await.unwrap();
    }
    vote(
        &app,
        &c.association,
        s,
        a,
        &[("kind", "non_attribution"), ("motive", "Avis contraire")],
    )
    .await
    .unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM votes").await, 7);
    // Members do not see the count during the session; the president does.
    let mayor_view = session_view(&app, &c.mayor, s).await;
    let mayors = &mayor_view.items[0].candidates[0];
    assert!(mayors.tally.is_none());
    assert!(mayors.my_vote.as_deref().unwrap().contains("rang 1"));
    let president_view = session_view(&app, &c.president, s).await;
    let candidates = &president_view.items[0].candidates;
    let tally = candidates[2].tally.as_ref().unwrap();
    assert!(tally.casting_vote);
    assert_eq!(tally.opinions, 0);
    assert_eq!(candidates[0].tally.as_ref().unwrap().opinions, 1);

    // Only the president closes.
    let not_president = app
        .call_with(&c.mayor, "commission/seance/clore", &[("session_id", s)])
        .await;
    assert_eq!(not_president.status(), 422);
    app.deliver_mail().await;
    ok(app
        .call_with(
            &c.president,
            "commission/seance/clore",
            &[("session_id", s)],
        )
        .await)
    .await;
    let kinds: Vec<(String, Option<i64>, i64)> =
        sqlx::query_as("SELECT kind, rank, casting_vote FROM decisions ORDER BY entry_id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert!(kinds.contains(&("attribution_rang".into(), Some(1), 0)));
    assert!(kinds.contains(&("attribution_rang".into(), Some(2), 0)));
    assert!(kinds.contains(&("irrecevabilite".into(), None, 1)));
    // Votes can no longer change.
    let late = vote(
        &app,
        &c.mayor,
        s,
        a,
        &[("kind", "non_attribution"), ("motive", "Trop tard")],
    )
    .await;
    assert_eq!(late.unwrap_err().status_code(), 422);

    // The minutes: members present, decisions, ranks, motives; as a page and as a PDF.
    let (minutes, editable): (Value, bool) = serde_json::from_value(
        json(
            app.call_with(&c.mayor, "commission/pv", &[("session_id", s)])
                .await,
        )
        .await,
    )
    .unwrap();
    assert!(!editable);
    assert_eq!(minutes["present"].as_array().unwrap().len(), 3);
    let text = minutes.to_string();
    assert!(text.contains("Titre de séjour expiré"));
    assert!(text.contains("voix prépondérante du maire"));
    let pdf = c
        .ranked
        .staff
        .get(app.url(&format!("/commission/seances/{s}/pv.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let printed = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    for word in UNICODE_NAME.split(' ') {
        assert!(
            printed.contains(word),
            "{word} is not in the minutes: {printed}"
        );
    }
    assert!(printed.contains("Titre de séjour expiré"), "{printed}");
    assert!(printed.contains("Page 1 sur"), "{printed}");

    // Every candidate is told, with the rank, the delay or the motive.
    let mail = app.deliver_mail().await;
    let to = |who: &str| {
        mail.iter()
            .find(|m| {
                m.to == who
                    && (m.subject.starts_with("Le logement vous est proposé")
                        || m.subject.starts_with("Décision de la commission"))
            })
            .unwrap_or_else(|| panic!("no decision letter to {who}"))
    };
    assert!(to("a@example.fr").body.contains("10 jours"));
    assert!(to("e@example.fr").body.contains("rang 2"));
    assert!(to("c@example.fr").body.contains("Titre de séjour expiré"));
    assert!(to("c@example.fr").body.contains("L441-2-2"));

    // The first-ranked declines: the refusal counts, and the unit goes to the second.
    let first = c.ranked.applicant("a@example.fr");
    let mine = json(app.call_with(first, "espace", &[]).await).await;
    let proposal = mine["applications"][0]["proposal"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    // Another applicant cannot answer for them.
    let second = c.ranked.applicant("e@example.fr");
    let foreign = app
        .call_with(
            second,
            "espace/proposition",
            &[("proposal_id", &proposal), ("answer", "accepter")],
        )
        .await;
    assert_eq!(foreign.status(), 404);
    ok(app
        .call_with(
            first,
            "espace/proposition",
            &[("proposal_id", &proposal), ("answer", "refuser")],
        )
        .await)
    .await;
    assert_eq!(
        app.count("SELECT refusals FROM applicant_profiles WHERE user_id = (SELECT id FROM users WHERE email = 'a@example.fr')")
            .await,
        1
    );
    let twice = app
        .call_with(
            first,
            "espace/proposition",
            &[("proposal_id", &proposal), ("answer", "accepter")],
        )
        .await;
    assert_eq!(twice.status(), 422);
    let offered = app.deliver_mail().await;
    assert!(
        offered.iter().any(
            |m| m.to == "e@example.fr" && m.subject.starts_with("Le logement vous est proposé")
        )
    );

    // The second accepts, staff record the lease: the offer is attributed, the attribution is
    // counted for observed waits, and everyone else is told.
    let theirs = json(app.call_with(second, "espace", &[]).await).await;
    let proposal = theirs["applications"][0]["proposal"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    ok(app
        .call_with(
            second,
            "espace/proposition",
            &[("proposal_id", &proposal), ("answer", "accepter")],
        )
        .await)
    .await;
    let offer = c.ranked.offer_id.to_string();
    let future = app
        .call_with(
            &c.ranked.staff,
            "gestion/offre/bail",
            &[
                ("offer_id", &offer),
                ("proposal_id", &proposal),
                ("signed_on", &today().add_days(3).iso()),
            ],
        )
        .await;
    assert_eq!(future.status(), 422);
    ok(app
        .call_with(
            &c.ranked.staff,
            "gestion/offre/bail",
            &[
                ("offer_id", &offer),
                ("proposal_id", &proposal),
                ("signed_on", &today().iso()),
            ],
        )
        .await)
    .await;
    let (status,): (String,) = sqlx::query_as("SELECT status FROM offers WHERE id = $1")
        .bind(c.ranked.offer_id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "attributed");
    assert_eq!(app.count("SELECT COUNT(*) FROM attributions").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM leases").await, 1);
    let follow = json(
        app.call_with(
            &c.ranked.staff,
            "gestion/offre/suite",
            &[("offer_id", &offer)],
        )
        .await,
    )
    .await;
    assert!(
        follow
            .to_string()
            .contains("radiation de la demande à instruire avant le")
    );
    let endings = app.deliver_mail().await;
    for who in [
        "a@example.fr",
        "b@example.fr",
        "c@example.fr",
        "d@example.fr",
        "f@example.fr",
    ] {
        assert!(
            endings
                .iter()
                .any(|m| m.to == who && m.subject.starts_with("Offre terminée")),
            "{who} was not told"
        );
    }
    assert!(
        endings
            .iter()
            .any(|m| m.to == "e@example.fr" && m.subject.starts_with("Bail signé"))
    );

    // The president signs the minutes; nothing changes them afterwards.
    ok(app
        .call_with(
            &c.president,
            "commission/seance/observations",
            &[("session_id", s), ("observations", "Séance sans incident.")],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &c.president,
            "commission/seance/signer",
            &[("session_id", s)],
        )
        .await)
    .await;
    let after = app
        .call_with(
            &c.president,
            "commission/seance/observations",
            &[("session_id", s), ("observations", "Ajout tardif")],
        )
        .await;
    assert_eq!(after.status(), 422);
    let (minutes, _): (Value, bool) = serde_json::from_value(
        json(
            app.call_with(&c.president, "commission/pv", &[("session_id", s)])
                .await,
        )
        .await,
    )
    .unwrap();
    assert_eq!(minutes["observations"], "Séance sans incident.");
    assert!(minutes["signed"].as_str().unwrap().starts_with("Signé par"));

    // The audit log has the votes and decisions, for the organisation's admins only.
    assert_eq!(
        app.call_with(&c.ranked.staff, "gestion/journal", &[])
            .await
            .status(),
        403
    );
    let staff_id: (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'agent@552081317.fr'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    app::ssr::store::caleol::make_org_admin(&mut conn, staff_id.0, c.organisation)
        .await
        .unwrap();
    let log = json(app.call_with(&c.ranked.staff, "gestion/journal", &[]).await).await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for action in [
        "Classement établi à la clôture",
        "Liste pour la commission constituée",
        "Séance prévue",
        "Offre inscrite à l'ordre du jour",
        "Séance ouverte",
        "Vote d'un membre",
        "Séance close",
        "Logement refusé par le candidat",
        "Bail signé",
        "Procès-verbal signé",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
}

async fn an_unanswered_offer_lapses_and_an_occupation_review_is_recorded(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = committee(&app).await;
    let s = c.session.as_str();
    // A tenancy signed a little over three years ago, flagged by staff for under-occupation.
    let unit: (i64,) = sqlx::query_as("SELECT unit_id FROM offers WHERE id = $1")
        .bind(c.ranked.offer_id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO leases (organisation_id, unit_id, tenant_name, signed_on, created_at)
         VALUES ($1, $2, 'Jeanne Locataire', $3, 0)",
    )
    .bind(c.organisation)
    .bind(unit.0)
    .bind(today().add_days(-3 * 365 - 10).iso())
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let tenancies = json(
        app.call_with(&c.ranked.staff, "gestion/occupation", &[])
            .await,
    )
    .await;
    let lease = tenancies[0]["id"].as_i64().unwrap().to_string();
    let unknown = app
        .call_with(
            &c.ranked.staff,
            "gestion/occupation/signaler",
            &[("lease_id", &lease), ("flags[]", "trop_bruyant")],
        )
        .await;
    assert_eq!(unknown.status(), 422);
    ok(app
        .call_with(
            &c.ranked.staff,
            "gestion/occupation/signaler",
            &[("lease_id", &lease), ("flags[]", "sous_occupation")],
        )
        .await)
    .await;

    ok(app
        .call_with(
            &c.president,
            "commission/seance/ouvrir",
            &[("session_id", s)],
        )
        .await)
    .await;
    let view = session_view(&app, &c.president, s).await;
    assert_eq!(view.occupation[0].tenant, "Jeanne Locataire");
    ok(app
        .call_with(
            &c.president,
            "commission/seance/occupation",
            &[
                ("session_id", s),
                ("lease_id", &lease),
                (
                    "finding",
                    "Deux chambres inoccupées depuis le départ des enfants",
                ),
                ("proposed", "plus_petit"),
                ("typology", "T2"),
            ],
        )
        .await)
    .await;

    // The president records every decision (the votes are not needed then); the third is
    // conditional on a missing tax notice.
    let list = entries(&app, &c.president, s).await;
    let deadline = today().add_days(15).iso();
    for (entry, form) in [
        (list[0].0, vec![("kind", "attribution_rang"), ("rank", "1")]),
        (list[1].0, vec![("kind", "attribution_rang"), ("rank", "1")]),
        (
            list[2].0,
            vec![
                ("kind", "sous_condition"),
                ("rank", "3"),
                ("document", "avis_impot"),
                ("deadline", deadline.as_str()),
            ],
        ),
    ] {
        let entry = entry.to_string();
        let mut all = vec![("session_id", s), ("entry_id", entry.as_str())];
        all.extend_from_slice(&form);
        ok(app
            .call_with(&c.president, "commission/seance/decider", &all)
            .await)
        .await;
    }
    // Two candidates at rank 1: the order must be settled before closing; so must the quorum.
    vote(&app, &c.president, s, list[0].0, &[("kind", "attribution")])
        .await
        .unwrap();
    vote(&app, &c.mayor, s, list[0].0, &[("kind", "attribution")])
        .await
        .unwrap();
    let clash = app
        .call_with(
            &c.president,
            "commission/seance/clore",
            &[("session_id", s)],
        )
        .await;
    assert_eq!(clash.status(), 422);
    assert!(clash.text().await.unwrap().contains("même rang"));
    let entry = list[1].0.to_string();
    ok(app
        .call_with(
            &c.president,
            "commission/seance/decider",
            &[
                ("session_id", s),
                ("entry_id", &entry),
                ("kind", "attribution_rang"),
                ("rank", "2"),
            ],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &c.president,
            "commission/seance/clore",
            &[("session_id", s)],
        )
        .await)
    .await;
    let (minutes, editable): (Value, bool) = serde_json::from_value(
        json(
            app.call_with(&c.president, "commission/pv", &[("session_id", s)])
                .await,
        )
        .await,
    )
    .unwrap();
    assert!(editable);
    assert!(
        minutes["occupation"][0][3]
            .as_str()
            .unwrap()
            .contains("Deux chambres")
    );
    let tenancies = json(
        app.call_with(&c.ranked.staff, "gestion/occupation", &[])
            .await,
    )
    .await;
    assert!(
        tenancies[0]["finding"]
            .as_str()
            .unwrap()
            .contains("plus petit")
    );
    // Vacant T2 units of the landlord are suggested for a mutation offer (the test landlord has
    // only the ranked offer's unit, which is let now or on offer: none).
    assert!(
        tenancies[0]["suggested_units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u[1].as_str().unwrap().contains("T2"))
    );

    // Nobody answers the first offer: after the delay it lapses, and the second is offered.
    app.deliver_mail().await;
    let lapsed = app::ssr::store::caleol::lapse_due(
        app.state.db.pool(),
        today().add_days(11),
        "http://test/espace",
    )
    .await
    .unwrap();
    assert_eq!(lapsed, 1);
    let mail = app.deliver_mail().await;
    assert!(
        mail.iter()
            .any(|m| m.to == "a@example.fr" && m.subject.starts_with("Délai de réponse dépassé"))
    );
    assert!(
        mail.iter().any(
            |m| m.to == "e@example.fr" && m.subject.starts_with("Le logement vous est proposé")
        )
    );
    // Running again changes nothing: the second offer is still within its delay then.
    let again = app::ssr::store::caleol::lapse_due(
        app.state.db.pool(),
        today().add_days(11),
        "http://test/espace",
    )
    .await
    .unwrap();
    assert_eq!(again, 0);

    // The landlord cancels the offer (the unit is damaged): the pending offer can no longer be
    // answered, and nothing passes on any more.
    ok(app
        .call_with(
            &c.ranked.staff,
            "gestion/offre/statut",
            &[
                ("offer_id", &c.ranked.offer_id.to_string()),
                ("to", "cancelled"),
            ],
        )
        .await)
    .await;
    let second = c.ranked.applicant("e@example.fr");
    let theirs = json(app.call_with(second, "espace", &[]).await).await;
    let proposal = &theirs["applications"][0]["proposal"];
    assert_eq!(proposal["pending"], false);
    let id = proposal["id"].as_i64().unwrap().to_string();
    let answer = app
        .call_with(
            second,
            "espace/proposition",
            &[("proposal_id", &id), ("answer", "accepter")],
        )
        .await;
    assert_eq!(answer.status(), 422);
    let later = app::ssr::store::caleol::lapse_due(
        app.state.db.pool(),
        today().add_days(40),
        "http://test/espace",
    )
    .await
    .unwrap();
    assert_eq!(later, 0);
}

async fn an_in_person_session_counts_those_marked_present_and_the_president_records_decisions(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let c = committee_meeting(&app, "presentielle").await;
    let s = c.session.as_str();
    ok(app
        .call_with(
            &c.president,
            "commission/seance/ouvrir",
            &[("session_id", s)],
        )
        .await)
    .await;
    let list = entries(&app, &c.president, s).await;
    // Nobody votes online in a session held in person.
    let online = vote(&app, &c.mayor, s, list[0].0, &[("kind", "attribution")]).await;
    assert_eq!(online.unwrap_err().status_code(), 422);
    for (i, (entry, _)) in list.iter().enumerate() {
        let entry = entry.to_string();
        let rank = (i + 1).to_string();
        ok(app
            .call_with(
                &c.president,
                "commission/seance/decider",
                &[
                    ("session_id", s),
                    ("entry_id", &entry),
                    ("kind", "attribution_rang"),
                    ("rank", &rank),
                ],
            )
            .await)
        .await;
    }
    // Without the attendance, the quorum is not met; the association's presence does not count.
    let ids: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, email FROM users WHERE role = 'member' ORDER BY id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    let id_of = |email: &str| ids.iter().find(|(_, e)| e == email).unwrap().0.to_string();
    let (president, mayor, association) = (
        id_of("presidente@example.fr"),
        id_of("maire@example.fr"),
        id_of("asso@example.fr"),
    );
    let refused = app
        .call_with(
            &c.president,
            "commission/seance/clore",
            &[("session_id", s)],
        )
        .await;
    assert_eq!(refused.status(), 422);
    ok(app
        .call_with(
            &c.president,
            "commission/seance/presences",
            &[
                ("session_id", s),
                ("present[]", &president),
                ("present[]", &association),
            ],
        )
        .await)
    .await;
    let refused = app
        .call_with(
            &c.president,
            "commission/seance/clore",
            &[("session_id", s)],
        )
        .await;
    assert_eq!(refused.status(), 422);
    ok(app
        .call_with(
            &c.president,
            "commission/seance/presences",
            &[
                ("session_id", s),
                ("present[]", &president),
                ("present[]", &mayor),
                ("present[]", &association),
            ],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &c.president,
            "commission/seance/clore",
            &[("session_id", s)],
        )
        .await)
    .await;
    let (minutes, _): (Value, bool) = serde_json::from_value(
        json(
            app.call_with(&c.president, "commission/pv", &[("session_id", s)])
                .await,
        )
        .await,
    )
    .unwrap();
    assert_eq!(minutes["present"].as_array().unwrap().len(), 3);
    assert!(minutes.to_string().contains("Consignée par la présidence"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM offer_proposals WHERE status = 'en_attente'")
            .await,
        1
    );
}

async fn a_session_opens_on_its_day_or_on_the_day_the_president_records(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = committee(&app).await;
    let s = c.session.as_str();
    let tomorrow = today().add_days(1);
    sqlx::query("UPDATE caleol_sessions SET held_on = $1 WHERE id = $2")
        .bind(tomorrow.iso())
        .bind(c.session.parse::<i64>().unwrap())
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let early = app
        .call_with(
            &c.president,
            "commission/seance/ouvrir",
            &[("session_id", s)],
        )
        .await;
    assert_eq!(early.status(), 422);
    assert!(
        early
            .text()
            .await
            .unwrap()
            .contains("elle s'ouvre ce jour-là")
    );
    let (status, held_on): (String, String) =
        sqlx::query_as("SELECT status, held_on FROM caleol_sessions")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), held_on), ("prevue", tomorrow.iso()));

    ok(app
        .call_with(
            &c.president,
            "commission/seance/ouvrir",
            &[("session_id", s), ("meets_today", "on")],
        )
        .await)
    .await;
    let (status, held_on): (String, String) =
        sqlx::query_as("SELECT status, held_on FROM caleol_sessions")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), held_on), ("ouverte", today().iso()));
    let view = session_view(&app, &c.president, s).await;
    assert_eq!(view.held_on, today().french());
    assert!(view.other_day.is_none());
}

/// Decides for every candidate in person (ranks 1, 2, 3), with all three members present, and
/// closes: the first-ranked is offered the unit.
async fn decided_in_person(app: &TestApp) -> Committee {
    let c = committee_meeting(app, "presentielle").await;
    let s = c.session.as_str();
    ok(app
        .call_with(
            &c.president,
            "commission/seance/ouvrir",
            &[("session_id", s)],
        )
        .await)
    .await;
    for (i, (entry, _)) in entries(app, &c.president, s).await.iter().enumerate() {
        let (entry, rank) = (entry.to_string(), (i + 1).to_string());
        ok(app
            .call_with(
                &c.president,
                "commission/seance/decider",
                &[
                    ("session_id", s),
                    ("entry_id", &entry),
                    ("kind", "attribution_rang"),
                    ("rank", &rank),
                ],
            )
            .await)
        .await;
    }
    let members: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE role = 'member' ORDER BY id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    let mut form = vec![("session_id", s.to_string())];
    form.extend(members.iter().map(|(id,)| ("present[]", id.to_string())));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ok(app
        .call_with(&c.president, "commission/seance/presences", &form)
        .await)
    .await;
    ok(app
        .call_with(
            &c.president,
            "commission/seance/clore",
            &[("session_id", s)],
        )
        .await)
    .await;
    c
}

async fn a_deleted_account_reads_pseudonymised_in_the_minutes_and_members_reads_are_logged(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let c = decided_in_person(&app).await;
    let s = c.session.as_str();
    let ranks: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, p.sne_number FROM decisions d
         JOIN users u ON u.id = d.applicant_user_id
         JOIN applicant_profiles p ON p.user_id = u.id ORDER BY d.rank",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    let (first, second) = (&ranks[0], &ranks[1]);
    let minutes_text = || async {
        app.call_with(&c.president, "commission/pv", &[("session_id", s)])
            .await
            .text()
            .await
            .unwrap()
    };
    // Quoted: "presidente@example.fr" ends with another candidate's address.
    let quoted = |text: &str| format!("\"{text}\"");
    let before = minutes_text().await;
    assert!(before.contains(&quoted(&second.1)) && before.contains(&quoted(&second.2)));

    // The second-ranked household sees the commission's reads of its file.
    let client = c.ranked.applicant(&second.1);
    let data: Value = client
        .get(app.url("/espace/donnees.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reads = data["reads"].to_string();
    assert!(
        reads.contains("Un membre de la commission CALEOL Besançon"),
        "{reads}"
    );
    assert!(reads.contains("présentée en séance du"), "{reads}");
    assert!(
        reads.contains("le procès-verbal de la séance du"),
        "{reads}"
    );

    // The first-ranked cannot go while the unit offered to them awaits their answer.
    let refused = app
        .call_with(
            c.ranked.applicant(&first.1),
            "espace/donnees/supprimer",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("proposé"));

    // A wrong password changes nothing.
    let wrong = app
        .call_with(
            client,
            "espace/donnees/supprimer",
            &[("password", "pas-le-bon-mot")],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM household_members WHERE user_id = {}",
            second.0
        ))
        .await,
        1
    );
    ok(app
        .call_with(
            client,
            "espace/donnees/supprimer",
            &[("password", PASSWORD)],
        )
        .await)
    .await;

    // Gone: the profile, the session, the address; the minutes still read, under a pseudonym.
    let reads = app
        .count(&format!(
            "SELECT COUNT(*) FROM file_reads WHERE applicant_user_id = {}",
            second.0
        ))
        .await;
    assert_eq!(reads, 0, "the log of reads goes with the file");
    for table in [
        "household_members",
        "applicant_profiles",
        "sessions",
        "cotation_scores",
    ] {
        let left = app
            .count(&format!(
                "SELECT COUNT(*) FROM {table} WHERE user_id = {}",
                second.0
            ))
            .await;
        assert_eq!(left, 0, "{table}");
    }
    assert_eq!(app.whoami(client).await, Value::Null);
    let after = minutes_text().await;
    assert!(!after.contains(&quoted(&second.1)), "{after}");
    assert!(!after.contains(&quoted(&second.2)), "{after}");
    assert!(after.contains(&format!("Demandeur supprimé n° {}", second.0)));
    assert!(
        after.contains(&quoted(&first.1)),
        "the others keep their names"
    );
    let snapshots: Vec<(String,)> =
        sqlx::query_as("SELECT profile_snapshot FROM ranking_entries WHERE applicant_user_id = $1")
            .bind(second.0)
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert!(
        snapshots
            .iter()
            .all(|(s,)| !s.contains(&second.2) && !s.contains("Alex"))
    );
    let letters = app.mail_to(&second.1).await;
    assert!(
        letters
            .iter()
            .any(|m| m.subject.contains("compte locactive est supprimé"))
    );
    assert_ne!(
        app.login(&crate::common::new_client(), &second.1, PASSWORD)
            .await
            .status(),
        200
    );
}

/// After the lease, the public result of the offer (page and API) and each applicant's
/// explanation, with the figures computed here by hand from the fixture; nothing public carries
/// a name, an e-mail address or a request number.
async fn once_leased_each_applicant_reads_why_and_anyone_reads_the_result_without_a_name(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let c = decided_in_person(&app).await;
    let offer = c.ranked.offer_id.to_string();
    let result_api = app.url(&format!("/api/v1/offres/{offer}/resultat"));
    assert_eq!(
        crate::common::http_get(result_api.clone())
            .await
            .unwrap()
            .status(),
        404
    );

    // The platform admin sets where applicants write; a one-line address is refused.
    let admin = signed_in(&app, "admin@example.fr", Role::Admin).await;
    let organisation = c.organisation.to_string();
    let refused = app
        .call_with(
            &admin,
            "admin/organisation/adresse",
            &[("organisation_id", &organisation), ("address", "Besançon")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM organisations WHERE postal_address <> ''")
            .await,
        0
    );
    ok(app
        .call_with(
            &admin,
            "admin/organisation/adresse",
            &[
                ("organisation_id", &organisation),
                (
                    "address",
                    "Service des attributions\n5 rue de la Préfecture\n25000 Besançon",
                ),
            ],
        )
        .await)
    .await;

    // Rank 1 (a, DALO, 50 points) declines; rank 2 (e, PDALHPD, 40 points) accepts and signs.
    let proposal_of = |client: &reqwest::Client| {
        let (app, client) = (&app, client.clone());
        async move {
            let mine = json(app.call_with(&client, "espace", &[]).await).await;
            mine["applications"][0]["proposal"]["id"]
                .as_i64()
                .unwrap()
                .to_string()
        }
    };
    let (first, second) = (
        c.ranked.applicant("a@example.fr"),
        c.ranked.applicant("e@example.fr"),
    );
    let proposal = proposal_of(first).await;
    ok(app
        .call_with(
            first,
            "espace/proposition",
            &[("proposal_id", &proposal), ("answer", "refuser")],
        )
        .await)
    .await;
    let proposal = proposal_of(second).await;
    ok(app
        .call_with(
            second,
            "espace/proposition",
            &[("proposal_id", &proposal), ("answer", "accepter")],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &c.ranked.staff,
            "gestion/offre/bail",
            &[
                ("offer_id", &offer),
                ("proposal_id", &proposal),
                ("signed_on", &today().iso()),
            ],
        )
        .await)
    .await;

    // The public result: six applications, five eligible (f was over the ceiling at the close),
    // one refusal ("moins de 5"), e's 40 points and a request filed on 2025-01-01.
    let api = crate::common::http_get(result_api).await.unwrap();
    assert_eq!(api.status(), 200);
    let api_text = api.text().await.unwrap();
    let result: Value = serde_json::from_str(&api_text).unwrap();
    // Expected figures from the dates stored (the test may run across midnight or a month's end).
    let (published_at, ranked_on, signed_on): (i64, String, String) = sqlx::query_as(
        "SELECT o.published_at, r.ranked_on, l.signed_on FROM offers o
         JOIN rankings r ON r.offer_id = o.id JOIN leases l ON l.offer_id = o.id WHERE o.id = $1",
    )
    .bind(c.ranked.offer_id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    let date = |iso: &str| app::domain::calendar::Date::parse(iso).unwrap();
    let published_on = app::domain::calendar::paris_date(published_at);
    // e filed on 2025-01-01.
    let months = i64::from(app::domain::cotation::months_between(
        date("2025-01-01"),
        date(&ranked_on),
    ));
    let days = date(&signed_on).days_since_epoch() - published_on.days_since_epoch();
    assert_eq!(result["attributed"], true);
    assert_eq!(
        result["applications"],
        serde_json::json!({"kind": "exactly", "value": 6})
    );
    // Five of six eligible would tell that one was not: withheld.
    assert_eq!(result["eligible"], serde_json::json!({"kind": "withheld"}));
    assert_eq!(
        result["refusals"],
        serde_json::json!({"kind": "fewer_than_five"})
    );
    // Another household's score is told to ten points, the age of its request in years.
    assert_eq!(result["housed"]["score_band"], 40);
    assert_eq!(result["housed"]["seniority_years"], months / 12);
    assert_eq!(result["days_to_lease"], days);
    let page = crate::common::http_get(app.url(&format!("/offres/{offer}/resultat")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Logement attribué, bail signé"), "{page}");
    assert!(
        page.contains("entre 40 et 49 points") && page.contains("moins de 5"),
        "{page}"
    );

    // The territory's figures: one offer published this month, one lease, so every figure
    // about households is hidden.
    let dashboard =
        crate::common::http_get(app.url(&format!("/resultats?territoire={GRAND_BESANCON}")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    assert!(
        dashboard.contains("Résultats des attributions"),
        "{dashboard}"
    );
    assert!(
        dashboard.contains(&format!("/offres/{offer}/resultat")),
        "{dashboard}"
    );
    let csv =
        crate::common::http_get(app.url(&format!("/resultats.csv?territoire={GRAND_BESANCON}")))
            .await
            .unwrap();
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    let month = format!("{}-{:02}", published_on.year, published_on.month);
    assert!(csv.contains(&format!("\n{month};1;")), "{csv}");
    assert!(
        csv.contains("\n12 derniers mois;1;non publié;moins de 5;non publié;non publié;"),
        "{csv}"
    );
    let bad = crate::common::http_get(app.url("/resultats.csv?territoire=abc"))
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Nothing public names anyone: no e-mail (the display names here), no request number.
    let people: Vec<(String,)> = sqlx::query_as(
        "SELECT email FROM users WHERE role = 'applicant'
         UNION SELECT sne_number FROM applicant_profiles WHERE sne_number IS NOT NULL",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert!(people.len() >= 12, "{people:?}");
    // Every fixture household is one person born on 10 February 1984.
    let people: Vec<(String,)> = people
        .into_iter()
        .chain([("1984-02-10".to_string(),), ("10/02/1984".to_string(),)])
        .collect();
    for (personal,) in &people {
        assert!(
            !page.contains(personal.as_str()),
            "{personal} on the result page"
        );
        assert!(
            !api_text.contains(personal.as_str()),
            "{personal} in the API"
        );
    }

    // a reads why: first, declined; the line that differed is their situations, not the other
    // household's detail; and where to write.
    let mine = json(app.call_with(first, "espace", &[]).await).await;
    let application = mine["applications"][0]["id"].as_i64().unwrap().to_string();
    let why = json(
        app.call_with(
            first,
            "espace/candidature/resultat",
            &[("application_id", &application)],
        )
        .await,
    )
    .await;
    assert_eq!(why["position"], serde_json::json!([1, 5]), "{why}");
    assert_eq!(why["housed"]["score_band"], 40);
    assert_eq!(
        why["differences"],
        serde_json::json!([{
            "label": app::domain::results::SITUATION_LINES,
            "mine": 50,
            "theirs": "moins"
        }])
    );
    assert!(
        why["landlord_address"]
            .as_str()
            .unwrap()
            .contains("5 rue de la Préfecture")
    );
    // Already recognised DALO, a turns to the préfet, not to the mediation commission.
    assert_eq!(why["dalo_situation"], false);
    assert!(why["decision"]["label"].is_string(), "{why}");
    let why_text = why.to_string();
    assert!(!why_text.contains("e@example.fr"), "{why}");
    let page = first
        .get(app.url(&format!("/espace/candidatures/{application}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Pourquoi ce résultat ?") && page.contains("recours gracieux"),
        "{page}"
    );

    // b, threatened with eviction, is told that the mediation commission hears that at once.
    let threatened = c.ranked.applicant("b@example.fr");
    let theirs = json(app.call_with(threatened, "espace", &[]).await).await;
    let theirs = theirs["applications"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let why_b = json(
        app.call_with(
            threatened,
            "espace/candidature/resultat",
            &[("application_id", &theirs)],
        )
        .await,
    )
    .await;
    assert_eq!(why_b["dalo_situation"], true, "{why_b}");

    // Nobody else reads it; the tenant reads that the home is theirs.
    let other = app
        .call_with(
            second,
            "espace/candidature/resultat",
            &[("application_id", &application)],
        )
        .await;
    assert_eq!(other.status(), 404);
    let theirs = json(app.call_with(second, "espace", &[]).await).await;
    let theirs = theirs["applications"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let housed = json(
        app.call_with(
            second,
            "espace/candidature/resultat",
            &[("application_id", &theirs)],
        )
        .await,
    )
    .await;
    assert_eq!(housed["is_housed"], true);
    assert!(
        housed["outcome"]
            .as_str()
            .unwrap()
            .contains("bail est signé")
    );
}

/// The session at one agenda point, as `client` sees it.
async fn session_at(
    app: &TestApp,
    client: &reqwest::Client,
    session: &str,
    point: i64,
) -> SessionView {
    let call = LoadSession {
        session_id: session.parse().unwrap(),
        anonymised: false,
        point,
        offre: None,
    };
    app.run(client, call).await.expect("the session view")
}

async fn a_session_of_several_offers_is_reviewed_one_offer_at_a_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = committee(&app).await;
    // A second offer of the same landlord, applied to by three of the households, ranked and
    // put on the same agenda.
    let second = offer(&app, &c.ranked.staff, "R-2").await;
    for email in ["a@example.fr", "b@example.fr", "c@example.fr"] {
        ok(app
            .call_with(
                c.ranked.applicant(email),
                "offres/postuler",
                &[("offer_id", &second.to_string())],
            )
            .await)
        .await;
    }
    close(&app, second).await;
    let id = second.to_string();
    ok(app
        .call_with(
            &c.ranked.staff,
            "gestion/classement/liste",
            &[("offer_id", &id), ("size", "3")],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &c.ranked.staff,
            "gestion/commissions/ordre-du-jour",
            &[("session_id", &c.session), ("offer_id", &id)],
        )
        .await)
    .await;

    // Each point holds its own offer's candidates only; the agenda lists both.
    let first = session_at(&app, &c.president, &c.session, 1).await;
    let agenda: Vec<i64> = first.agenda.iter().map(|(offer, _)| *offer).collect();
    assert_eq!(agenda, vec![c.ranked.offer_id, second]);
    assert_eq!(first.point, 1);
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.items[0].offer_id, c.ranked.offer_id);
    let at_two = session_at(&app, &c.president, &c.session, 2).await;
    assert_eq!((at_two.point, at_two.items.len()), (2, 1));
    assert_eq!(at_two.items[0].offer_id, second);
    assert_eq!(at_two.items[0].candidates.len(), 3);
    // Past the end, the last point; before the start, the first; by offer, its point.
    assert_eq!(
        session_at(&app, &c.president, &c.session, 99).await.point,
        2
    );
    assert_eq!(
        session_at(&app, &c.president, &c.session, -4).await.point,
        1
    );
    let by_offer = LoadSession {
        session_id: c.session.parse().unwrap(),
        anonymised: false,
        point: 1,
        offre: Some(second),
    };
    assert_eq!(app.run(&c.president, by_offer).await.unwrap().point, 2);

    // Reading a point logs a read for its households only: the mayor opens the second point.
    let reads = "SELECT COUNT(*) FROM file_reads WHERE what = 'session'";
    let before = app.count(reads).await;
    session_at(&app, &c.mayor, &c.session, 2).await;
    assert_eq!(
        app.count(reads).await - before,
        3,
        "one read per household shown"
    );

    // The page itself, without JavaScript: the agenda links each point, the current one marked.
    let page = app
        .page_text(
            &c.president,
            &format!("/commission/seances/{}?point=2", c.session),
        )
        .await;
    assert!(page.contains("Point 2 sur 2"), "{page}");
    let link = |point: i64, offer: i64| {
        format!(
            "href=\"/commission/seances/{}?point={point}#offre-{offer}\"",
            c.session
        )
    };
    assert!(page.contains(&link(1, c.ranked.offer_id)));
    assert!(page.contains(&format!("{} aria-current=\"page\"", link(2, second))));
    let shown = |entry: i64| format!("id=\"candidat-{entry}\"");
    assert!(page.contains(&shown(at_two.items[0].candidates[0].entry_id)));
    assert!(!page.contains(&shown(first.items[0].candidates[0].entry_id)));

    // A vote sent from the second point comes back to it, at the candidate voted on.
    ok(app
        .call_with(
            &c.president,
            "commission/seance/ouvrir",
            &[("session_id", &c.session)],
        )
        .await)
    .await;
    let entry = at_two.items[0].candidates[0].entry_id.to_string();
    let from_point_two = format!("/commission/seances/{}?point=2", c.session);
    let voted = app
        .submit_form_as(
            &c.president,
            "commission/seance/voter",
            &[
                ("session_id", c.session.as_str()),
                ("entry_id", entry.as_str()),
                ("kind", "attribution"),
                ("point", "2"),
                ("anonyme", "1"),
            ],
            &from_point_two,
        )
        .await;
    assert!(voted.status().is_redirection(), "{}", voted.status());
    let location = voted.headers()["location"].to_str().unwrap().to_string();
    assert!(
        // In the same view: a member voting in the pseudonymised view stays in it.
        location.starts_with(&format!(
            "/commission/seances/{}?point=2&anonyme=1&fait=vote-",
            c.session
        )),
        "{location}"
    );
    assert!(
        location.ends_with(&format!("#candidat-{entry}")),
        "{location}"
    );

    // A refused vote comes back to its own candidate only: the message there, the form open (the
    // president has voted, so it is otherwise folded); the other candidates' forms say nothing.
    let refused = app
        .submit_form_as(
            &c.president,
            "commission/seance/voter",
            &[
                ("session_id", c.session.as_str()),
                ("entry_id", entry.as_str()),
                ("kind", "au-hasard"),
                ("point", "2"),
            ],
            &from_point_two,
        )
        .await;
    assert!(refused.status().is_redirection(), "{}", refused.status());
    let back = refused.headers()["location"].to_str().unwrap().to_string();
    // The browser comes back with the refused form's cookie beside its session's (this test
    // client sends a fixed session cookie and keeps no other: both are sent by hand here).
    use reqwest::header;
    let kept = refused
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .find(|pair| pair.starts_with(&format!("{}=", app::ssr::forms::COOKIE_NAME)))
        .expect("the refused form's cookie")
        .to_string();
    let president_id = app
        .count("SELECT id FROM users WHERE email = 'presidente@example.fr'")
        .await;
    let session = app::ssr::secrets::new_token();
    app::ssr::store::accounts::create_session(
        app.state.db.pool(),
        president_id,
        &session,
        app.state.settings.sessions,
    )
    .await
    .unwrap();
    let page = reqwest::Client::new()
        .get(back)
        .header(
            header::COOKIE,
            format!("{}={session}; {kept}", app::ssr::session::COOKIE_NAME),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let message = "Choisissez une décision de la liste.";
    let card = |entry: &str| {
        let start = page
            .find(&format!("id=\"candidat-{entry}\""))
            .expect("the candidate's card");
        // Up to the next card (a card holds lists of its own).
        let end = page[start + 1..]
            .find("id=\"candidat-")
            .map_or(page.len(), |e| start + 1 + e);
        page[start..end].to_string()
    };
    let sent = card(&entry);
    assert!(sent.contains(message), "{sent}");
    assert!(sent.contains("<details open"), "{sent}");
    // The summary's link leads to this candidate's field.
    assert!(
        sent.contains(&format!("href=\"#vote-kind-{entry}\"")),
        "{sent}"
    );
    assert_eq!(page.matches("role=\"alert\"").count(), 1, "{page}");
    for other in &at_two.items[0].candidates[1..] {
        let other = card(&other.entry_id.to_string());
        assert!(!other.contains(message), "{other}");
    }
}

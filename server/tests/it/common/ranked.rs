//! A published offer with six applicants ranked at its close under a Grand Besançon grid: the
//! starting point of the ranking and commission tests.

use super::{OfferSpec, PASSWORD, TestApp, new_client, ok};

pub const GRAND_BESANCON: &str = "242500361";

/// Rhône / Métropole de Lyon primo-demandeur rows (domain.md §1.5, grid B) and two Toulouse
/// rows (grid A, DALO and PDALHPD): both are exact partial fixtures.
pub const GRID: &str = "\
Prioritaire DALO ; situation dalo ; 50
Public prioritaire du PDALHPD ; situation pdalhpd ; 40
Menacé d'expulsion ; situation menace_expulsion ; 20
Parent isolé ; situation parent_isole ; 5
Taux d'effort trop élevé ; taux_effort > 30 ; 10
";

pub async fn signed_in(app: &TestApp, email: &str, role: app::model::Role) -> reqwest::Client {
    // A territory admin is created for Grand Besançon (GRAND_BESANCON).
    app.create_user(email, PASSWORD, role, None, None).await;
    let client = new_client();
    ok(app.login(&client, email, PASSWORD).await).await;
    client
}

pub fn today() -> app::domain::calendar::Date {
    app::domain::calendar::paris_date(app::ssr::db::now())
}

pub async fn publish(app: &TestApp, client: &reqwest::Client, criteria: &str) -> reqwest::Response {
    app.call_with(
        client,
        "territoire/grille",
        &[
            ("audience", "all"),
            ("effective_from", &today().iso()),
            ("criteria", criteria),
        ],
    )
    .await
}

/// A single applicant alone, hosted, with these monthly resources, situations and DALO flag.
pub async fn applicant(
    app: &TestApp,
    email: &str,
    rfr: &str,
    situations: &[&str],
    filed: &str,
) -> reqwest::Client {
    let client = signed_in(app, email, app::model::Role::Applicant).await;
    let renewal = today().add_days(200).iso();
    let member = [
        ("relationship", "self"),
        ("first_name", "Alex"),
        ("birth_date", "1984-02-10"),
        ("rfr_n2", rfr),
    ];
    ok(app
        .call_with(&client, "espace/profil/membre", &member)
        .await)
    .await;
    ok(app
        .call_with(
            &client,
            "espace/profil/ressources",
            &[("monthly_resources", "1 500")],
        )
        .await)
    .await;
    ok(app
        .call_with(
            &client,
            "espace/profil/logement",
            &[("housing_status", "hosted")],
        )
        .await)
    .await;
    let sne = format!("025{}{}000042", &filed[5..7], &filed[2..4]);
    let request = [
        ("sne_number", sne.as_str()),
        ("first_filing_date", filed),
        ("renewal_date", &renewal),
    ];
    ok(app
        .call_with(&client, "espace/profil/demande", &request)
        .await)
    .await;
    let mut form: Vec<(&str, &str)> = situations.iter().map(|s| ("situations[]", *s)).collect();
    if situations.contains(&"dalo") {
        form.retain(|(_, s)| *s != "dalo");
        form.push(("dalo", "on"));
    }
    ok(app
        .call_with(&client, "espace/profil/situations", &form)
        .await)
    .await;
    client
}

pub async fn offer(app: &TestApp, staff: &reqwest::Client, reference: &str) -> i64 {
    app.published_offer(
        staff,
        OfferSpec {
            reference,
            typology: "T1",
            financing: "PLUS",
            rent_euros: "380",
            categories: &["tout_public"],
        },
    )
    .await
}

pub async fn close(app: &TestApp, offer_id: i64) {
    sqlx::query("UPDATE offers SET closes_at = $1 WHERE id = $2")
        .bind(app::ssr::db::now() - 1)
        .bind(offer_id)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let closed = app::ssr::usecases::offers::close_due(
        app.state.db.pool(),
        app::ssr::db::now(),
        "http://test/espace",
    )
    .await
    .unwrap();
    assert!(closed.contains(&offer_id));
}

/// Signed-in clients of the closed offer's story (logins are rate-limited: each signs in once).
pub struct Ranked {
    pub staff: reqwest::Client,
    pub territory: reqwest::Client,
    pub offer_id: i64,
    pub applicants: Vec<(String, reqwest::Client)>,
}

impl Ranked {
    pub fn applicant(&self, email: &str) -> &reqwest::Client {
        &self.applicants.iter().find(|(e, _)| e == email).unwrap().1
    }
}

pub async fn ranked_offer(app: &TestApp) -> Ranked {
    let story = applied_offer(app).await;
    close(app, story.offer_id).await;
    story
}

/// The same story up to the close: the six have applied and the offer is still open.
pub async fn applied_offer(app: &TestApp) -> Ranked {
    let territory = signed_in(app, "epci@example.fr", app::model::Role::Territory).await;
    ok(publish(app, &territory, GRID).await).await;
    let (staff, _) = app.staff_of("Habitat Comtois", "552081317").await;
    let offer_id = offer(app, &staff, "R-1").await;
    // Scores 50, 20, 20 (older request first), 0, 40; one household is over the ceiling.
    let people: [(&str, &str, &[&str], &str); 6] = [
        ("a@example.fr", "15 000", &["dalo"], "2024-01-01"),
        (
            "b@example.fr",
            "15 000",
            &["menace_expulsion"],
            "2024-03-01",
        ),
        (
            "c@example.fr",
            "15 000",
            &["menace_expulsion"],
            "2023-03-01",
        ),
        ("d@example.fr", "15 000", &[], "2020-01-01"),
        ("e@example.fr", "15 000", &["pdalhpd"], "2025-01-01"),
        ("f@example.fr", "95 000", &["dalo", "pdalhpd"], "2019-01-01"),
    ];
    let mut applicants = Vec::new();
    for (email, rfr, situations, filed) in people {
        let client = applicant(app, email, rfr, situations, filed).await;
        let response = app
            .call_with(
                &client,
                "offres/postuler",
                &[("offer_id", &offer_id.to_string())],
            )
            .await;
        if rfr == "95 000" {
            // Refused now; the household then declares a lower income and applies, but the
            // ranking re-checks with the data at the close.
            assert_eq!(response.status(), 422);
            ok(app
                .call_with(
                    &client,
                    "espace/profil/ressources",
                    &[
                        ("monthly_resources", "1 500"),
                        ("income_basis", "12m"),
                        ("declared_income", "14 000"),
                    ],
                )
                .await)
            .await;
            ok(app
                .call_with(
                    &client,
                    "offres/postuler",
                    &[("offer_id", &offer_id.to_string())],
                )
                .await)
            .await;
            ok(app
                .call_with(
                    &client,
                    "espace/profil/ressources",
                    &[("monthly_resources", "1 500")],
                )
                .await)
            .await;
        } else {
            ok(response).await;
        }
        applicants.push((email.to_string(), client));
    }
    Ranked {
        staff,
        territory,
        offer_id,
        applicants,
    }
}

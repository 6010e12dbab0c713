//! Health check, demo seed, error pages, forms without JavaScript, and the mail outbox.

use crate::common::*;
use app::ssr::mail::{self, MailTransport, Mailer, OutgoingMail};

on_both_backends!(
    healthz_reports_status_backend_and_index_size,
    the_demo_seed_is_realistic_and_idempotent,
    unknown_pages_get_a_french_404,
    forms_work_without_javascript,
    mail_is_enqueued_with_the_change_and_sent_once_per_message_id,
    failed_deliveries_are_retried_with_backoff_then_set_aside,
    a_relay_that_does_not_answer_is_given_up_before_the_claim_ends,
    a_backup_taken_while_serving_restores_to_a_working_application,
    built_files_are_served_precompressed_and_pages_are_asked_again,
    pages_carry_islands_only_where_the_browser_has_work,
    public_pages_of_visitors_without_a_cookie_are_drawn_once_and_shared,
);

async fn healthz_reports_status_backend_and_index_size(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = app.health().await;
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["database"],
        match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    );
    assert_eq!(health["search_documents"], 0);

    locactive::seed::seed(&app.state.db, "http://localhost", |_| {})
        .await
        .unwrap();
    let published = app
        .count("SELECT COUNT(*) FROM offers WHERE status = 'published'")
        .await;
    app.state.search.rebuild(&app.state.db).await.unwrap();
    let health = app.health().await;
    assert_eq!(health["search_documents"], published);
}

async fn the_demo_seed_is_realistic_and_idempotent(backend: Backend) {
    let app = spawn_app(backend).await;
    let report = locactive::seed::seed(&app.state.db, "http://localhost", |_| {})
        .await
        .unwrap();
    assert!(!report.already_seeded);
    assert_eq!(report.units, 300);
    assert_eq!(report.applicants, 1000);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 2);
    // 300 units, and 44 more let over the past year (30 in Grand Besançon, 14 in Montbéliard).
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 344);
    assert!(
        app.count("SELECT COUNT(*) FROM units WHERE in_qpv = 1")
            .await
            > 30
    );
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT epci_siren) FROM units")
            .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM units WHERE commune_insee = '25056'")
            .await
            > 0,
        true
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applicant_profiles").await,
        1001
    );
    assert!(app.count("SELECT COUNT(*) FROM household_members").await > 2000);
    assert!(
        app.count("SELECT COUNT(*) FROM applicant_profiles WHERE housing_status = 'social_tenant'")
            .await
            > 150
    );
    // Every seeded SNE number is one the domain accepts.
    let numbers: Vec<(String,)> = sqlx::query_as("SELECT sne_number FROM applicant_profiles")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    for (number,) in numbers {
        assert_eq!(
            app::domain::sne::sne_number_problem(&number),
            None,
            "{number}"
        );
    }
    // One login per role works.
    for login in &locactive::seed::DEMO_LOGINS {
        let response = app
            .login(&new_client(), login.email, locactive::seed::DEMO_PASSWORD)
            .await;
        assert_eq!(response.status(), 200, "{}", login.email);
    }
    let again = locactive::seed::seed(&app.state.db, "http://localhost", |_| {})
        .await
        .unwrap();
    assert!(again.already_seeded);
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 344);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1009);
    // Gestion en flux: five conventions per landlord for last year and this one, every offer
    // oriented, and the demo réservataire's account bound to Action Logement.
    assert_eq!(app.count("SELECT COUNT(*) FROM flux_conventions").await, 20);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM offers WHERE orientation IS NULL OR flux_year IS NULL")
            .await,
        0
    );
    assert!(
        app.count("SELECT COUNT(*) FROM offers WHERE orientation = 'convention'")
            .await
            > 40
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM reservataire_accounts")
            .await,
        1
    );
    // The demo grid is in force for Grand Besançon and applicants have a history to compare with.
    assert_eq!(app.count("SELECT COUNT(*) FROM cotation_grids").await, 1);
    // 300 past attributions for the observed waits, and one per lease of an offer: the one the
    // demo's history signs and those of the past year.
    let leases = app
        .count("SELECT COUNT(*) FROM leases WHERE offer_id IS NOT NULL")
        .await;
    assert!(leases > 30, "{leases}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM attributions").await,
        300 + leases
    );
    // The past year gives Grand Besançon's public figures something to publish.
    let today = app::domain::calendar::paris_date(app::ssr::db::now());
    let dashboard =
        app::ssr::usecases::results::dashboard(app.state.db.pool(), Some("242500361"), today)
            .await
            .unwrap();
    let year = dashboard.figures.last().unwrap();
    assert!(
        matches!(year.attributions, app::domain::results::Count::Exactly(n) if n >= 20),
        "{year:?}"
    );
    assert!(year.median_days_to_let.is_some(), "{year:?}");
    // The history: offers at every stage, done by the store's own calls.
    for (status, at_least) in [
        ("closed", 2),
        ("in_review", 1),
        ("in_commission", 2),
        ("attributed", 1),
    ] {
        let n = app
            .count(&format!(
                "SELECT COUNT(*) FROM offers WHERE status = '{status}'"
            ))
            .await;
        assert!(n >= at_least, "{status}: {n}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM caleol_sessions WHERE status = 'signee'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM caleol_sessions WHERE status = 'prevue'")
            .await,
        1
    );
    let demo_proposals = app
        .count(
            "SELECT COUNT(*) FROM offer_proposals p JOIN users u ON u.id = p.applicant_user_id
             WHERE u.email = 'demandeur@locactive.demo' AND p.status = 'en_attente'",
        )
        .await;
    assert_eq!(demo_proposals, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM offer_proposals WHERE status = 'bail_signe'")
            .await,
        1
    );
    assert!(app.count("SELECT COUNT(*) FROM outbox").await > 20);
}

async fn unknown_pages_get_a_french_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/cette-page-n-existe-pas"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    assert!(body.contains("Page introuvable"));
    assert!(body.contains("lang=\"fr\""));
}

async fn forms_work_without_javascript(backend: Backend) {
    let app = spawn_app(backend).await;
    // The page renders a real form that posts to the server function.
    let page = app.page_text(&app.client, "/inscription").await;
    assert!(page.contains("action=\"/api/inscription\""), "{page}");
    assert!(page.contains("method=\"post\""));
    assert!(page.contains("<label for=\"email\""));

    // A bad submission comes back to the form with the error in the address, shown beside the field.
    let response = app
        .submit_form(
            "inscription",
            &[
                ("display_name", "Léa"),
                ("email", "pas-une-adresse"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            "/inscription",
        )
        .await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("__err="), "{location}");
    // Hydration markers aside, the message sits in the field's error paragraph.
    let page = app
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(page.contains("<p id=\"email-erreur\" class=\"field-error\">Erreur : Cette adresse e-mail n'est pas valide"), "{page}");
    assert!(page.contains("aria-describedby=\"email-aide email-erreur\""));
    assert!(page.contains("aria-invalid=\"true\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);

    // A good one goes to the next step.
    let response = app
        .submit_form(
            "inscription",
            &[
                ("display_name", "Léa"),
                ("email", "lea@exemple.fr"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
            "/inscription",
        )
        .await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/inscription/envoyee");
    let token = token_in(&app.mail_to("lea@exemple.fr").await[0].body);
    let response = app
        .submit_form(
            "activation",
            &[("token", &token)],
            &format!("/activation?jeton={token}"),
        )
        .await;
    assert_eq!(response.headers()["location"], "/espace");
    let page = app.page_text(&app.client, "/espace").await;
    assert!(page.contains("Mon espace demandeur"));
}

async fn mail_is_enqueued_with_the_change_and_sent_once_per_message_id(backend: Backend) {
    let app = outbox_fixture(backend).await;
    let letter = OutgoingMail {
        to: "a@exemple.fr".into(),
        subject: "Objet".into(),
        body: "Corps".into(),
    };

    // A rolled-back change leaves no message behind.
    let mut tx = app.db.pool().begin().await.unwrap();
    mail::enqueue(&mut tx, &letter).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);

    let mut tx = app.db.pool().begin().await.unwrap();
    mail::enqueue(&mut tx, &letter).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.deliver_mail().await.len(), 1);

    // Simulate a crash after the transport accepted the message but before it was marked sent:
    // the retry reuses the Message-ID, so the receiver holds one message, not two.
    sqlx::query("UPDATE outbox SET sent_at = NULL, locked_until = NULL")
        .execute(app.db.pool())
        .await
        .unwrap();
    let delivered = app.deliver_mail().await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")
            .await,
        1
    );

    // The file transport behaves the same: one file per Message-ID.
    let dir = tempfile::tempdir().unwrap();
    let files = Mailer {
        transport: MailTransport::Files(dir.path().to_path_buf()),
        ..app.mailer.clone()
    };
    sqlx::query("UPDATE outbox SET sent_at = NULL, locked_until = NULL")
        .execute(app.db.pool())
        .await
        .unwrap();
    files.deliver_due(&app.db).await.unwrap();
    sqlx::query("UPDATE outbox SET sent_at = NULL, locked_until = NULL")
        .execute(app.db.pool())
        .await
        .unwrap();
    files.deliver_due(&app.db).await.unwrap();
    let written: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(written.len(), 1);
    let eml = std::fs::read_to_string(written[0].path()).unwrap();
    assert!(eml.contains("Message-ID: <"), "{eml}");
    assert!(eml.contains("Subject: Objet"));
}

async fn a_relay_that_does_not_answer_is_given_up_before_the_claim_ends(backend: Backend) {
    let app = outbox_fixture(backend).await;
    // A relay that accepts the connection and then says nothing.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((connection, _)) = silent.accept().await {
            open.push(connection);
        }
    });
    let stalled = Mailer {
        transport: MailTransport::smtp(mail::SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            username: None,
            password: None,
            security: mail::SmtpSecurity::None,
        })
        .unwrap(),
        send_timeout: std::time::Duration::from_secs(1),
        ..app.mailer.clone()
    };
    let mut conn = app.db.pool().acquire().await.unwrap();
    let letter = OutgoingMail {
        to: "a@exemple.fr".into(),
        subject: "S".into(),
        body: "B".into(),
    };
    mail::enqueue(&mut conn, &letter).await.unwrap();
    drop(conn);
    let started = std::time::Instant::now();
    let report = stalled.deliver_due(&app.db).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!((report.sent, report.retried), (0, 1));
    let (locked, error): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT locked_until, last_error FROM outbox")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    // Released for a later attempt rather than left to a claim that expires while sending.
    assert_eq!(locked, None);
    assert!(error.unwrap().contains("no answer within 1 s"));
    held.abort();
}

async fn failed_deliveries_are_retried_with_backoff_then_set_aside(backend: Backend) {
    let app = outbox_fixture(backend).await;
    // An SMTP server that is not there: every attempt fails.
    let unreachable = Mailer {
        transport: MailTransport::smtp(mail::SmtpSettings {
            host: "127.0.0.1".into(),
            port: 9,
            username: None,
            password: None,
            security: mail::SmtpSecurity::None,
        })
        .unwrap(),
        ..app.mailer.clone()
    };
    let mut conn = app.db.pool().acquire().await.unwrap();
    mail::enqueue(
        &mut conn,
        &OutgoingMail {
            to: "a@exemple.fr".into(),
            subject: "S".into(),
            body: "B".into(),
        },
    )
    .await
    .unwrap();
    drop(conn);
    let report = unreachable.deliver_due(&app.db).await.unwrap();
    assert_eq!(report.retried, 1);
    let (attempts, next, created, error): (i64, i64, i64, Option<String>) =
        sqlx::query_as("SELECT attempts, next_attempt_at, created_at, last_error FROM outbox")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(next >= created + 30, "backoff before the next attempt");
    assert!(error.is_some());
    // Not due yet: nothing happens.
    assert_eq!(
        unreachable.deliver_due(&app.db).await.unwrap(),
        Default::default()
    );
    // At the last attempt it is set aside, not retried forever.
    sqlx::query("UPDATE outbox SET next_attempt_at = 0, attempts = $1")
        .bind(mail::MAX_ATTEMPTS - 1)
        .execute(app.db.pool())
        .await
        .unwrap();
    let report = unreachable.deliver_due(&app.db).await.unwrap();
    assert_eq!(report.failed, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL AND sent_at IS NULL")
            .await,
        1
    );
}

async fn a_backup_taken_while_serving_restores_to_a_working_application(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register_and_activate("Léa", "lea@exemple.fr", PASSWORD)
        .await;
    app.create_organisation("Habitat Sauvegardé", "242500361")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copie.db");
    if backend == Backend::Postgres {
        let refused = app.state.db.backup_to(&copy).await.unwrap_err();
        assert!(refused.to_string().contains("pg_dump"), "{refused}");
        return;
    }
    // Writes go on while the copy is taken.
    let writing = {
        let db = app.state.db.clone();
        tokio::spawn(async move {
            for n in 0..200 {
                let mut conn = db.pool().acquire().await.unwrap();
                let letter = OutgoingMail {
                    to: format!("n{n}@exemple.fr"),
                    subject: "S".into(),
                    body: "B".into(),
                };
                mail::enqueue(&mut conn, &letter).await.unwrap();
            }
        })
    };
    app.state.db.backup_to(&copy).await.unwrap();
    writing.await.unwrap();
    // Never over an existing file.
    assert!(app.state.db.backup_to(&copy).await.is_err());

    let restored = spawn_app_on_database(format!("sqlite://{}", copy.display())).await;
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(restored.state.db.pool())
        .await
        .unwrap();
    assert_eq!(check, "ok");
    for table in ["users", "organisations", "ref_communes"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(restored.count(&sql).await, app.count(&sql).await, "{table}");
    }
    let letters = restored.count("SELECT COUNT(*) FROM outbox").await;
    assert!(letters <= app.count("SELECT COUNT(*) FROM outbox").await);
    // The restored application works: the account signs in.
    let client = new_client();
    let response = restored.login(&client, "lea@exemple.fr", PASSWORD).await;
    assert!(response.status().is_success(), "{}", response.status());
}

/// A release build stores brotli and gzip copies beside each built file (`--precompress`): the
/// server answers with the one the browser accepts, and says how long each answer may be kept.
async fn built_files_are_served_precompressed_and_pages_are_asked_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let pkg = std::path::Path::new(&*app.state.leptos_options.site_root).join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let plain = "main { margin: 0 auto; }\n".repeat(200);
    std::fs::write(pkg.join("locactive.css"), &plain).unwrap();
    std::fs::write(pkg.join("locactive.css.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("locactive.css.gz"), b"gzip bytes").unwrap();
    let client = new_client();
    let fetch = |encoding: &'static str| {
        let request = client.get(app.url("/pkg/locactive.css"));
        let request = if encoding.is_empty() {
            request
        } else {
            request.header("accept-encoding", encoding)
        };
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_string())
            };
            // A shared cache must keep one copy per accepted encoding.
            assert_eq!(header("vary").as_deref(), Some("accept-encoding"));
            let (encoding, cache) = (header("content-encoding"), header("cache-control"));
            (encoding, cache, response.bytes().await.unwrap())
        }
    };
    let (encoding, cache, body) = fetch("br, gzip").await;
    assert_eq!(encoding.as_deref(), Some("br"));
    assert_eq!(&body[..], b"brotli bytes");
    // The tests' build has no hashed names: the file is asked for again each time.
    assert_eq!(cache.as_deref(), Some("no-cache"));
    let (encoding, _, body) = fetch("gzip").await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert_eq!(&body[..], b"gzip bytes");
    let (encoding, _, body) = fetch("").await;
    assert_eq!(encoding, None);
    assert_eq!(body.len(), plain.len());

    // Pages, personal ones included, are kept by the browser only to ask whether they changed.
    let page = client.get(app.url("/offres")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers().get("cache-control").unwrap(),
        "private, no-cache"
    );
    let missing = client.get(app.url("/pkg/absent.css")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    // The site's own "not found" page, for an anonymous visitor: never kept a year.
    assert_eq!(
        missing.headers().get("cache-control").unwrap(),
        "private, no-cache"
    );
}

/// Pages are drawn on the server; only islands run in the browser. A page without one gets no
/// script to fetch, and no page carries its data a second time for hydration.
async fn pages_carry_islands_only_where_the_browser_has_work(backend: Backend) {
    let app = spawn_app(backend).await;
    locactive::seed::seed(&app.state.db, "http://localhost", |_| {})
        .await
        .unwrap();
    app.state.search.rebuild(&app.state.db).await.unwrap();
    let html = |path: String| async move {
        let page = http_get(path).await.unwrap();
        assert_eq!(page.status(), 200);
        page.text().await.unwrap()
    };
    let catalogue = html(app.url("/offres")).await;
    // The commune filter is the catalogue's one island, with its props in the page.
    assert_eq!(
        catalogue.matches("<leptos-island").count(),
        1,
        "{catalogue}"
    );
    assert!(catalogue.contains("data-component=\"CommuneCombobox_"));
    assert!(catalogue.contains("class=\"offer-card"));
    let offer = catalogue
        .split("href=\"/offres/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an offer on the catalogue")
        .to_string();
    for path in [
        "/".to_string(),
        format!("/offres/{offer}"),
        "/connexion".into(),
        "/inscription".into(),
    ] {
        let page = html(app.url(&path)).await;
        assert!(page.contains("<main"), "{path}");
        assert!(!page.contains("<leptos-island"), "{path} has an island");
    }
    for path in ["/", "/offres"] {
        let page = html(app.url(path)).await;
        assert!(
            !page.contains("__RESOLVED_RESOURCES["),
            "{path} carries its data for hydration"
        );
    }
}

/// A public page asked for without any cookie is drawn once and given to the next visitors for
/// a moment, each answer with its own nonce; signed-in visitors, other pages and failures are
/// always drawn afresh.
async fn public_pages_of_visitors_without_a_cookie_are_drawn_once_and_shared(backend: Backend) {
    use reqwest::header;
    let app = spawn_app_with(
        backend,
        // Long enough that a slow test machine never sees the page expire between two requests
        // (expiry is tested in `public_pages.rs`).
        |settings| settings.public_pages_kept_ms = 10_000,
        axum::Router::new(),
    )
    .await;
    let (staff, _) = app.staff_of("Habitat Test", "111111111").await;
    let offer = app
        .published_offer(
            &staff,
            OfferSpec {
                reference: "K-1",
                typology: "T3",
                financing: "PLUS",
                rent_euros: "450",
                categories: &["tout_public"],
            },
        )
        .await;
    app.state.search.rebuild(&app.state.db).await.unwrap();
    let anonymous = || async {
        let response = http_get(app.url("/offres?q=lumineux")).await.unwrap();
        assert_eq!(response.status(), 200);
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        let age = response.headers().get(header::AGE).cloned();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in the policy")
            .to_string();
        (age, nonce, response.text().await.unwrap())
    };
    // Drawn, then given again while it is fresh: the same page, each time with a nonce of its own
    // that the page's scripts carry.
    let (age, first_nonce, first) = anonymous().await;
    assert!(age.is_none(), "the first visitor's page is drawn");
    assert!(first.contains(&format!("/offres/{offer}")));
    let (age, second_nonce, second) = anonymous().await;
    assert!(age.is_some(), "the next visitor gets the page drawn for the first");
    assert_ne!(first_nonce, second_nonce);
    assert!(second.contains(&format!("nonce=\"{second_nonce}\"")));
    assert!(!second.contains(&first_nonce));
    assert_eq!(first.replace(&first_nonce, "N"), second.replace(&second_nonce, "N"));
    // A signed-in visitor's page is always drawn for them.
    let signed_in = staff.get(app.url("/offres?q=lumineux")).send().await.unwrap();
    assert_eq!(signed_in.status(), 200);
    assert!(signed_in.headers().get(header::AGE).is_none());
    // Any cookie at all (here a refused form's token) and the page is drawn for this visitor.
    for _ in 0..2 {
        let with_cookie = reqwest::Client::new()
            .get(app.url("/offres?q=lumineux"))
            .header(header::COOKIE, "locactive_saisie=abc")
            .send()
            .await
            .unwrap();
        assert_eq!(with_cookie.status(), 200);
        assert!(with_cookie.headers().get(header::AGE).is_none());
    }
    // The home page and an offer page read no query: with one, they are drawn each time.
    for _ in 0..2 {
        let home = http_get(app.url("/?x=1")).await.unwrap();
        assert!(home.headers().get(header::AGE).is_none());
    }
    let offer_page = || async { http_get(app.url(&format!("/offres/{offer}"))).await.unwrap() };
    assert!(offer_page().await.headers().get(header::AGE).is_none());
    assert!(offer_page().await.headers().get(header::AGE).is_some());
    // An address that answers an error is drawn each time.
    for _ in 0..2 {
        let missing = http_get(app.url("/offres/999999")).await.unwrap();
        assert_eq!(missing.status(), 404);
        assert!(missing.headers().get(header::AGE).is_none());
    }
    // Other pages are never shared, even without a cookie.
    for _ in 0..2 {
        let sign_in = http_get(app.url("/connexion")).await.unwrap();
        assert!(sign_in.headers().get(header::AGE).is_none());
    }
}

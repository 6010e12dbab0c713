//! Test harness: starts the real application on port 0 with its own database (a fresh SQLite
//! file, or a fresh database in the throwaway PostgreSQL cluster the test command starts), and an
//! in-memory mail transport.

use app::error::AppError;
use app::ssr::AppState;
use app::ssr::mail::{MailTransport, MemoryMailbox, SentMail};
use locactive::config::{MailTransportKind, Settings};
use locactive::startup::Application;
use rand::RngCore;
use reqwest::header::{HeaderMap, HeaderValue};
use std::sync::Once;
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend for each listed `async fn name(backend: Backend)`, run by
/// [`run_test`].
/// A test still running after two minutes fails with its name, rather than stalling the run.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                $crate::common::run_test(super::$name($crate::common::Backend::Sqlite))
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                $crate::common::run_test(super::$name($crate::common::Backend::Postgres))
            })*
        }
    };
}

tokio::task_local! {
    /// The PostgreSQL databases made for the running test, dropped when it ends: a suite of a few
    /// hundred tests otherwise leaves gigabytes of them in the throwaway cluster.
    static MADE: std::sync::Arc<std::sync::Mutex<Vec<String>>>;
}

/// Runs a test on a runtime of its own (two workers, as `#[tokio::test(flavor =
/// "multi_thread")]` did), within its time limit, then gives the runtime ten seconds to stop. A
/// worker caught in the renderer's deadlock (README, "An intermittent hang") never stops: the
/// test still ends, with a warning, instead of holding the whole suite. The test's PostgreSQL
/// databases are dropped afterwards, whether it passed or not.
pub fn run_test(test: impl std::future::Future<Output = ()>) {
    let made = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime");
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(MADE.scope(made.clone(), within_time_limit(test)))
    }));
    let started = std::time::Instant::now();
    runtime.shutdown_timeout(std::time::Duration::from_secs(10));
    if started.elapsed() >= std::time::Duration::from_secs(10) {
        eprintln!(
            "warning: a runtime worker did not stop within 10 s (see the README's hang notes)"
        );
    }
    let names = std::mem::take(&mut *made.lock().unwrap_or_else(|e| e.into_inner()));
    drop_databases(names);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Drops the test's databases once its application has stopped. `WITH (FORCE)` ends what a
/// stuck worker may still hold; a failure only warns, as the cluster goes with the run anyway.
fn drop_databases(names: Vec<String>) {
    if names.is_empty() {
        return;
    }
    let Ok(admin_url) = std::env::var("LOCACTIVE_TEST_POSTGRES_URL") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("cleanup runtime");
    let dropping = async {
        let admin = match app::ssr::db::Db::connect(&admin_url, 1).await {
            Ok(admin) => admin,
            Err(error) => {
                eprintln!("warning: test databases {names:?} not dropped: {error}");
                return;
            }
        };
        for name in names {
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            if let Err(error) = sqlx::query(&drop).execute(admin.pool()).await {
                eprintln!("warning: test database {name} not dropped: {error}");
            }
        }
        admin.close().await;
    };
    // A cluster that stopped answering costs each test ten seconds, not the connect timeout.
    let limit = std::time::Duration::from_secs(10);
    if runtime
        .block_on(async { tokio::time::timeout(limit, dropping).await })
        .is_err()
    {
        eprintln!("warning: the test databases were not dropped within {limit:?}");
    }
}

pub async fn within_time_limit(test: impl std::future::Future<Output = ()>) {
    if tokio::time::timeout(std::time::Duration::from_secs(120), test)
        .await
        .is_err()
    {
        panic!("the test did not finish within two minutes (a hang)");
    }
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub state: AppState,
    pub client: reqwest::Client,
    pub mailbox: MemoryMailbox,
    pub database_url: String,
    _data_dir: TempDir,
}

fn init_logging() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            locactive::telemetry::init(locactive::config::LogFormat::Pretty);
        }
    });
}

/// A database URL for a brand-new, empty database on `backend`.
pub async fn fresh_database_url(backend: Backend, data_dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}?mode=rwc", data_dir.join("test.db").display()),
        Backend::Postgres => {
            let admin_url = std::env::var("LOCACTIVE_TEST_POSTGRES_URL").expect(
                "LOCACTIVE_TEST_POSTGRES_URL is not set: run the README's test command (scripts/test.sh), \
                 which starts a throwaway PostgreSQL and sets it",
            );
            let mut suffix = [0u8; 6];
            rand::rngs::OsRng.fill_bytes(&mut suffix);
            let name: String = format!(
                "t_{}",
                suffix
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            );
            let admin = app::ssr::db::Db::connect(&admin_url, 1)
                .await
                .expect("connect to the test PostgreSQL");
            let create = format!("CREATE DATABASE {name}");
            sqlx::query(&create)
                .execute(admin.pool())
                .await
                .expect("create the test database");
            admin.close().await;
            // Outside `run_test` (there is no such caller today) the database is simply kept.
            let _ = MADE.try_with(|made| {
                made.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(name.clone())
            });
            let base = admin_url
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
    }
}

pub fn test_settings(data_dir: &std::path::Path, database_url: String) -> Settings {
    let mut settings = Settings::default();
    settings.data_dir = data_dir.to_path_buf();
    settings.database_url = Some(locactive::config::Secret::new(database_url));
    settings.database_max_connections = 5;
    settings.listen_addr = "127.0.0.1:0".parse().expect("loopback address");
    settings.site_root = data_dir.join("site");
    settings.mail.transport = MailTransportKind::Memory;
    // The suites read public pages right after changing what they show; the test of kept pages
    // turns them on for itself.
    settings.public_pages_kept_ms = 0;
    settings
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}, axum::Router::new()).await
}

pub async fn spawn_app_with(
    backend: Backend,
    customise: impl FnOnce(&mut Settings),
    extra_routes: axum::Router<AppState>,
) -> TestApp {
    init_logging();
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let url = fresh_database_url(backend, data_dir.path()).await;
    start_app(data_dir, url, customise, extra_routes).await
}

/// The application started on an existing database (a restored backup, for instance).
pub async fn spawn_app_on_database(url: String) -> TestApp {
    init_logging();
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    start_app(data_dir, url, |_| {}, axum::Router::new()).await
}

async fn start_app(
    data_dir: TempDir,
    url: String,
    customise: impl FnOnce(&mut Settings),
    extra_routes: axum::Router<AppState>,
) -> TestApp {
    let mut settings = test_settings(data_dir.path(), url.clone());
    customise(&mut settings);
    let app = Application::build_with_routes(settings, extra_routes)
        .await
        .expect("application starts");
    let port = app.port();
    let state = app.state().clone();
    let mailbox = match &state.mailer.transport {
        MailTransport::Memory(mailbox) => mailbox.clone(),
        _ => MemoryMailbox::default(),
    };
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        state,
        client: new_client(),
        mailbox,
        database_url: url,
        _data_dir: data_dir,
    }
}

/// Longer than the server's own request deadline: a request that never returns fails the test
/// with its address instead of waiting for the suite's guard.
pub const CLIENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(45);

/// `reqwest::get` with the tests' timeout: a fresh client, as a visitor without cookies.
pub async fn http_get(url: String) -> Result<reqwest::Response, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()?
        .get(url)
        .send()
        .await
}

/// A client that keeps cookies and does not follow redirects (tests look at them).
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(CLIENT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

impl TestApp {
    /// A second app server on the same database, with its own search index: how production runs
    /// several servers on one PostgreSQL.
    pub async fn spawn_peer(&self) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temporary data directory");
        start_app(
            data_dir,
            self.database_url.clone(),
            |_| {},
            axum::Router::new(),
        )
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Calls a server function the way the hydrated page does (the answer is JSON).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.call_with(&self.client, endpoint, form).await
    }

    pub async fn call_with(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Origin", self.address.clone())
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// Calls a server function through its own argument type, at its own path, as the hydrated
    /// page does, and reads its typed answer, or the error it answered with.
    pub async fn run<F>(&self, client: &reqwest::Client, call: F) -> Result<F::Output, AppError>
    where
        F: server_fn::ServerFn + serde::Serialize,
        F::Output: serde::de::DeserializeOwned,
    {
        let body = serde_qs::to_string(&call).expect("arguments encode");
        let response = client
            .post(self.url(F::PATH))
            .header("Origin", self.address.clone())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("answer read");
        if status.is_success() {
            Ok(serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} answered {text}: {e}", F::PATH)))
        } else {
            Err(serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} failed with {status} {text}: {e}", F::PATH)))
        }
    }

    /// The text of a page as `client` gets it.
    pub async fn page_text(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
            .text()
            .await
            .expect("page read")
    }

    /// Submits a form the way a browser without JavaScript does.
    pub async fn submit_form(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        from_page: &str,
    ) -> reqwest::Response {
        self.submit_form_as(&self.client, endpoint, form, from_page)
            .await
    }

    /// [`TestApp::submit_form`] from `client`.
    pub async fn submit_form_as(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
        from_page: &str,
    ) -> reqwest::Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            "Accept",
            HeaderValue::from_static("text/html,application/xhtml+xml"),
        );
        headers.insert(
            "Referer",
            HeaderValue::from_str(&self.url(from_page)).expect("header"),
        );
        headers.insert(
            "Origin",
            HeaderValue::from_str(&self.address).expect("header"),
        );
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .headers(headers)
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// The JSON answer of `GET /healthz`.
    pub async fn health(&self) -> serde_json::Value {
        let response = self
            .client
            .get(self.url("/healthz"))
            .send()
            .await
            .expect("request sent");
        response.json().await.expect("JSON")
    }

    /// Runs the outbox until nothing due is left and returns every message delivered so far.
    ///
    /// The app's own worker may have claimed a message a moment earlier; this waits for it to
    /// finish rather than reading the mailbox half-way.
    pub async fn deliver_mail(&self) -> Vec<SentMail> {
        for _ in 0..500 {
            self.state
                .mailer
                .deliver_due(&self.state.db)
                .await
                .expect("outbox run");
            let pending = self
                .count(&format!(
                    "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL
                     AND next_attempt_at <= {}",
                    app::ssr::db::now()
                ))
                .await;
            if pending == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.mailbox.messages()
    }

    pub async fn mail_to(&self, recipient: &str) -> Vec<SentMail> {
        self.deliver_mail()
            .await
            .into_iter()
            .filter(|m| m.to == recipient)
            .collect()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(self.state.db.pool())
            .await
            .expect("count query");
        n
    }

    /// Registers and activates an applicant through the real flow; the client ends signed in.
    pub async fn register_and_activate(&self, name: &str, email: &str, password: &str) {
        let response = self
            .call(
                "inscription",
                &[
                    ("display_name", name),
                    ("email", email),
                    ("password", password),
                    ("password_confirm", password),
                ],
            )
            .await;
        assert!(
            response.status().is_success(),
            "registration failed: {}",
            response.status()
        );
        let mail = self.mail_to(email).await;
        let token = token_in(&mail.last().expect("activation mail").body);
        let response = self.call("activation", &[("token", &token)]).await;
        assert!(
            response.status().is_success(),
            "activation failed: {}",
            response.status()
        );
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.call_with(
            client,
            "connexion",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Who the server thinks `client` is (the `moi` server function).
    pub async fn whoami(&self, client: &reqwest::Client) -> serde_json::Value {
        let response = self.call_with(client, "moi", &[]).await;
        assert!(response.status().is_success());
        response.json().await.expect("JSON")
    }

    /// Creates an account directly in the store (for staff, members, admins, whose real path is an
    /// invitation tested on its own).
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        role: app::model::Role,
        organisation_id: Option<i64>,
        commission_id: Option<i64>,
    ) -> i64 {
        let hash = app::ssr::secrets::hash_password(password.to_string())
            .await
            .expect("hash");
        let mut conn = self.state.db.pool().acquire().await.expect("connection");
        app::ssr::store::accounts::insert_user(
            &mut conn,
            app::ssr::store::accounts::NewUser {
                email,
                password_hash: Some(&hash),
                display_name: email,
                role,
                organisation_id,
                commission_id,
                // Territory admins belong to Grand Besançon Métropole.
                epci_siren: (role == app::model::Role::Territory).then_some("242500361"),
                active: true,
            },
        )
        .await
        .expect("insert user")
    }

    /// A client signed in as `user_id` through the store: for tests that need more accounts than
    /// the login rate limit lets one address sign in within a minute.
    pub async fn signed_in_as(&self, user_id: i64) -> reqwest::Client {
        let session = app::ssr::secrets::new_token();
        let limits = self.state.settings.sessions;
        app::ssr::store::accounts::create_session(self.state.db.pool(), user_id, &session, limits)
            .await
            .expect("session");
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::COOKIE,
            HeaderValue::from_str(&format!("{}={session}", app::ssr::session::COOKIE_NAME))
                .expect("cookie"),
        );
        reqwest::Client::builder()
            .default_headers(headers)
            .timeout(CLIENT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client")
    }

    /// A new organisation and one of its staff, signed in on a client of their own.
    pub async fn staff_of(&self, name: &str, siren: &str) -> (reqwest::Client, i64) {
        let organisation = self.create_organisation(name, siren).await;
        let email = format!("agent@{siren}.fr");
        self.create_user(
            &email,
            PASSWORD,
            app::model::Role::Staff,
            Some(organisation),
            None,
        )
        .await;
        let client = new_client();
        let response = self.login(&client, &email, PASSWORD).await;
        assert!(response.status().is_success(), "staff login failed");
        (client, organisation)
    }

    /// An organisation with units in the two EPCIs of the Doubs where the fixtures put them.
    pub async fn create_organisation(&self, name: &str, siren: &str) -> i64 {
        let mut conn = self.state.db.pool().acquire().await.expect("connection");
        let id = app::ssr::store::organisations::insert_organisation(&mut conn, name, siren)
            .await
            .expect("insert organisation");
        let doubs = ["242500361".to_string(), "200065647".to_string()];
        app::ssr::store::organisations::add_epcis(&mut conn, id, &doubs)
            .await
            .expect("organisation territory");
        id
    }

    pub async fn create_commission(&self, organisation_id: i64, name: &str) -> i64 {
        let mut conn = self.state.db.pool().acquire().await.expect("connection");
        app::ssr::store::organisations::insert_commission(&mut conn, organisation_id, name)
            .await
            .expect("insert commission")
    }
}

/// The outbox without an application around it: no background worker competes with the test
/// for the rows it inspects.
pub struct OutboxFixture {
    pub db: app::ssr::db::Db,
    pub mailer: app::ssr::mail::Mailer,
    pub mailbox: MemoryMailbox,
    _data_dir: TempDir,
}

pub async fn outbox_fixture(backend: Backend) -> OutboxFixture {
    init_logging();
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let url = fresh_database_url(backend, data_dir.path()).await;
    let settings = test_settings(data_dir.path(), url);
    let db = locactive::startup::open_database(&settings)
        .await
        .expect("database");
    let mailer = locactive::startup::build_mailer(&settings).expect("mailer");
    let mailbox = match &mailer.transport {
        MailTransport::Memory(mailbox) => mailbox.clone(),
        _ => MemoryMailbox::default(),
    };
    OutboxFixture {
        db,
        mailer,
        mailbox,
        _data_dir: data_dir,
    }
}

impl OutboxFixture {
    pub async fn deliver_mail(&self) -> Vec<SentMail> {
        self.mailer.deliver_due(&self.db).await.expect("outbox run");
        self.mailbox.messages()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(self.db.pool())
            .await
            .expect("count query");
        n
    }
}

/// The `jeton=` value of the first link in an e-mail body.
pub fn token_in(body: &str) -> String {
    let start = body.find("jeton=").expect("a link with a token") + "jeton=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The session cookie value set by a response, if any.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("locactive_session="))
        .map(|v| {
            v["locactive_session=".len()..]
                .split(';')
                .next()
                .unwrap_or("")
                .to_string()
        })
}

/// The response, after asserting it succeeded (the body is shown when it did not).
pub async fn ok(response: reqwest::Response) -> reqwest::Response {
    let status = response.status();
    assert!(
        status.is_success(),
        "expected success, got {status}: {}",
        response.text().await.unwrap_or_default()
    );
    response
}

pub mod ranked;

pub const PASSWORD: &str = "cheval-agrafe-batterie";

/// A published offer of `client`'s organisation: a new unit in Besançon with these terms, open
/// from today for a week, for `categories`.
pub struct OfferSpec<'a> {
    pub reference: &'a str,
    pub typology: &'a str,
    pub financing: &'a str,
    pub rent_euros: &'a str,
    pub categories: &'a [&'a str],
}

impl TestApp {
    /// A unit saved by staff through the form, vacant (no offer yet).
    pub async fn unit(&self, client: &reqwest::Client, spec: &OfferSpec<'_>) -> i64 {
        let unit_form = [
            ("unit_id", "0"),
            ("reference", spec.reference),
            ("address", "3 rue de Vesoul"),
            ("commune_insee", "25056"),
            ("neighbourhood", "Montrapon"),
            ("typology", spec.typology),
            ("surface_m2", "58"),
            ("floor", "1"),
            ("accessibility", "none"),
            ("energy_label", "C"),
            ("financing", spec.financing),
            ("rent_euros", spec.rent_euros),
            ("charges_euros", "60"),
            ("reservataire", "bailleur"),
            ("construction_period", "1975-1989"),
            ("description", "Logement lumineux proche du tram."),
        ];
        let response = self
            .call_with(client, "gestion/logement/enregistrer", &unit_form)
            .await;
        let status = response.status();
        assert!(
            status.is_success(),
            "unit not saved: {status} {}",
            response.text().await.unwrap_or_default()
        );
        let (unit_id,): (i64,) = sqlx::query_as("SELECT id FROM units WHERE reference = $1")
            .bind(spec.reference)
            .fetch_one(self.state.db.pool())
            .await
            .expect("unit stored");
        unit_id
    }

    pub async fn published_offer(&self, client: &reqwest::Client, spec: OfferSpec<'_>) -> i64 {
        let unit_id = self.unit(client, &spec).await;
        let today = app::domain::calendar::paris_date(app::ssr::db::now());
        let (opens, closes) = (today.iso(), today.add_days(7).iso());
        let unit = unit_id.to_string();
        let mut form = vec![
            ("unit_id", unit.as_str()),
            ("opens_on", opens.as_str()),
            ("closes_on", closes.as_str()),
        ];
        for category in spec.categories {
            form.push(("categories[]", category));
        }
        let response = self.call_with(client, "gestion/offre/creer", &form).await;
        assert!(
            response.status().is_success(),
            "offer not created: {}",
            response.status()
        );
        let (offer_id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM offers WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_one(self.state.db.pool())
            .await
            .expect("offer stored");
        let id = offer_id.to_string();
        let response = self
            .call_with(
                client,
                "gestion/offre/statut",
                &[("offer_id", &id), ("to", "published")],
            )
            .await;
        assert!(
            response.status().is_success(),
            "offer not published: {}",
            response.status()
        );
        offer_id
    }
}

/// Polls every future until all are done (no extra dependency for a test helper).
pub async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
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

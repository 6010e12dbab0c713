//! Building and running the application: the database, search index, mailer, background jobs and
//! the HTTP server. Tests build the very same `Application`, on port 0 with their own database.

use crate::config::{MailTransportKind, Settings, SmtpSecurityKind};
use crate::{http, jobs};
use app::ssr::db::{Db, DbError};
use app::ssr::mail::{MailTransport, Mailer, MemoryMailbox, SmtpSecurity, SmtpSettings};
use app::ssr::search::{SearchError, SearchIndex};
use app::ssr::{AppState, RuntimeSettings};
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("search index: {0}")]
    Search(#[from] SearchError),
    #[error("demo seed: {0}")]
    Seed(String),
    #[error("mail: {0}")]
    Mail(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

/// The state of a started application, with extra routes a test may add (mounted under the same
/// middleware as the real ones).
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
    port: u16,
    workers: Vec<JoinHandle<()>>,
}

/// Connects to the database, applies pending migrations and returns the handle.
pub async fn open_database(settings: &Settings) -> Result<Db, StartupError> {
    std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartupError::DataDir {
        path: settings.data_dir.display().to_string(),
        source,
    })?;
    let db = Db::connect(&settings.database_url(), settings.database_max_connections).await?;
    db.migrate().await?;
    let national = app::ssr::reference::national();
    let started = std::time::Instant::now();
    match app::ssr::store::reference::sync(db.pool(), national)
        .await
        .map_err(DbError::from)?
    {
        app::ssr::store::reference::Sync::AlreadyCurrent => {}
        app::ssr::store::reference::Sync::Loaded { communes, epcis } => tracing::info!(
            source = %national.source,
            communes,
            epcis,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "national reference loaded"
        ),
    }
    Ok(db)
}

pub fn build_mailer(settings: &Settings) -> Result<Mailer, StartupError> {
    let mail = &settings.mail;
    let transport = match mail.transport {
        MailTransportKind::Files => MailTransport::Files(settings.mail_dir()),
        MailTransportKind::Memory => MailTransport::Memory(MemoryMailbox::default()),
        MailTransportKind::Smtp => MailTransport::smtp(SmtpSettings {
            host: mail.smtp_host.clone(),
            port: mail.smtp_port,
            username: mail.smtp_username.clone(),
            password: mail.smtp_password.as_ref().map(|s| s.expose().to_string()),
            security: match mail.smtp_security {
                SmtpSecurityKind::Tls => SmtpSecurity::Tls,
                SmtpSecurityKind::Starttls => SmtpSecurity::StartTls,
                SmtpSecurityKind::None => SmtpSecurity::None,
            },
        })
        .map_err(|e| StartupError::Mail(e.to_string()))?,
    };
    let from = mail
        .from
        .parse()
        .map_err(|e| StartupError::Mail(format!("LOCACTIVE_MAIL_FROM «{}»: {e}", mail.from)))?;
    let domain = public_base_url(settings)
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split([':', '/']).next())
        .unwrap_or("locactive.localhost")
        .to_string();
    Ok(Mailer {
        transport,
        from,
        message_id_domain: domain,
        send_timeout: app::ssr::mail::SEND_TIMEOUT,
    })
}

pub fn public_base_url(settings: &Settings) -> String {
    settings
        .public_base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.listen_addr))
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        Self::build_with_routes(settings, axum::Router::new()).await
    }

    pub async fn build_with_routes(
        settings: Settings,
        extra_routes: axum::Router<AppState>,
    ) -> Result<Application, StartupError> {
        let listener = TcpListener::bind(settings.listen_addr)
            .await
            .map_err(|source| StartupError::Listen {
                addr: settings.listen_addr,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartupError::Listen {
                addr: settings.listen_addr,
                source,
            })?;
        let mut settings = settings;
        // With port 0 the real port is known only now.
        settings.listen_addr = addr;

        let db = open_database(&settings).await?;
        if settings.seed_demo {
            let base_url = public_base_url(&settings);
            let report =
                crate::seed::seed(&db, &base_url, |step| tracing::info!("demo seed: {step}"))
                    .await
                    .map_err(|e| StartupError::Seed(e.to_string()))?;
            if !report.already_seeded {
                tracing::info!(
                    units = report.units,
                    applicants = report.applicants,
                    "demo territory loaded"
                );
            }
        }
        let search = SearchIndex::in_memory()?;
        let indexed = search.rebuild(&db).await?;
        tracing::info!(
            backend = db.backend().name(),
            indexed,
            "database ready, search index built"
        );

        let base_url = public_base_url(&settings);
        let output_name =
            std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "locactive".into());
        let hashes = crate::assets::hash_file_of_this_binary()
            .and_then(|file| crate::assets::read_hashes(&file, &settings.site_root, &output_name));
        crate::assets::remember(&output_name, hashes.as_ref());
        let leptos_options = LeptosOptions::builder()
            .output_name(output_name)
            .site_root(settings.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .hash_files(hashes.is_some())
            .build();
        let state = AppState::new(
            leptos_options,
            db,
            search,
            build_mailer(&settings)?,
            RuntimeSettings {
                secure_cookies: base_url.starts_with("https://"),
                public_base_url: base_url,
                login_attempts_per_address: settings.login_attempts_per_address,
                searches_per_address: settings.searches_per_address,
                public_pages_kept: std::time::Duration::from_millis(u64::from(
                    settings.public_pages_kept_ms,
                )),
                sessions: app::ssr::store::accounts::SessionLimits {
                    idle: i64::from(settings.session_idle_minutes) * 60,
                    lifetime: i64::from(settings.session_lifetime_hours) * 3600,
                },
                privacy: app::ssr::Privacy {
                    operator: settings.operator.clone(),
                    dpo_contact: settings.dpo_contact.clone(),
                    director: settings.director.clone(),
                    host: settings.host.clone(),
                    retention_months: settings.retention_months,
                },
            },
        );
        app::ssr::secrets::warm_up();
        let workers = vec![
            tokio::spawn(jobs::outbox_worker(state.clone())),
            tokio::spawn(jobs::search_sync(state.clone())),
            tokio::spawn(jobs::offer_clock(state.clone())),
            tokio::spawn(jobs::renewal_reminders(state.clone())),
            tokio::spawn(jobs::retention(state.clone())),
            tokio::spawn(jobs::alert_digests(state.clone())),
            tokio::spawn(jobs::cotation_scores(state.clone())),
        ];
        let router = http::router(state.clone(), extra_routes);
        Ok(Application {
            listener,
            router,
            state,
            port: addr.port(),
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        // Answers go out at once: with Nagle's algorithm a response written in two parts waited
        // for the client's delayed acknowledgement, 40 ms in the load test's p99.
        let listener = self.listener.tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!(%error, "TCP_NODELAY refused on a connection");
            }
        });
        let result = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        for worker in self.workers {
            worker.abort();
        }
        self.state.db.close().await;
        result
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

//! Typed, layered configuration: built-in defaults, then an optional TOML file, then `LOCACTIVE_*`
//! environment variables (the last word wins). Secrets are wrapped so they never reach a log.

use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A value that must not be printed: `Debug` shows it redacted.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransportKind {
    /// `.eml` files under `<data_dir>/mail` (the default: nothing leaves the machine).
    Files,
    Smtp,
    /// Kept in memory; for tests.
    Memory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurityKind {
    Tls,
    Starttls,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailSettings {
    pub transport: MailTransportKind,
    pub from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<Secret>,
    pub smtp_security: SmtpSecurityKind,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            transport: MailTransportKind::Files,
            from: "locactive <ne-pas-repondre@locactive.localhost>".into(),
            smtp_host: "localhost".into(),
            smtp_port: 587,
            smtp_username: None,
            smtp_password: None,
            smtp_security: SmtpSecurityKind::Starttls,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where the SQLite database and the e-mail files live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `<data_dir>/locactive.db`.
    pub database_url: Option<Secret>,
    pub database_max_connections: u32,
    /// The address to listen on; port 0 picks a free port (tests).
    pub listen_addr: SocketAddr,
    /// How users reach the app; defaults to `http://<listen_addr>`.
    pub public_base_url: Option<String>,
    /// Where cargo-leptos put the compiled site (JS, wasm, CSS, public assets).
    pub site_root: PathBuf,
    pub log_format: LogFormat,
    /// Load the demo territory at start-up when the database has no organisation yet.
    pub seed_demo: bool,
    /// Sign-in attempts allowed per client address and minute. Raise it when a whole office signs
    /// in from one address (a landlord's agency behind one gateway).
    pub login_attempts_per_address: u32,
    /// Searches allowed per client address and minute, through the open API and the catalogue
    /// together.
    pub searches_per_address: u32,
    /// Milliseconds a public page drawn for a visitor without a cookie is given to the next
    /// ones (`public_pages.rs`); 0 turns it off.
    pub public_pages_kept_ms: u32,
    /// Minutes without a request after which a session ends.
    pub session_idle_minutes: u32,
    /// Hours after sign-in after which a session ends, however active.
    pub session_lifetime_hours: u32,
    /// The organisation that runs the platform (privacy page, legal notice).
    pub operator: String,
    /// How to reach its data protection officer.
    pub dpo_contact: String,
    /// The publication director named in the legal notice.
    pub director: String,
    /// The host named in the legal notice: name, address, telephone.
    pub host: String,
    /// Months after a request is struck off before its account and data are deleted.
    pub retention_months: u32,
    pub mail: MailSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_dir: PathBuf::from("data"),
            database_url: None,
            database_max_connections: 10,
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_base_url: None,
            site_root: PathBuf::from("target/site"),
            log_format: LogFormat::Pretty,
            seed_demo: false,
            login_attempts_per_address: 10,
            searches_per_address: 120,
            public_pages_kept_ms: 1000,
            session_idle_minutes: 60,
            session_lifetime_hours: 12,
            operator: "locactive (démonstration)".into(),
            dpo_contact: "dpo@locactive.localhost".into(),
            director: "la personne qui représente l'exploitant (démonstration)".into(),
            host: "Démonstration : le site est servi depuis la machine qui l'exécute.".into(),
            retention_months: 12,
            mail: MailSettings::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
    #[error("invalid value for {name}: {reason}")]
    Env { name: &'static str, reason: String },
}

impl Settings {
    /// Defaults, then the file named by `LOCACTIVE_CONFIG` (or `locactive.toml` if present), then
    /// the environment.
    pub fn load() -> Result<Settings, ConfigError> {
        let explicit = std::env::var("LOCACTIVE_CONFIG").ok();
        let path = explicit
            .clone()
            .unwrap_or_else(|| "locactive.toml".to_string());
        let mut settings = match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str(&text).map_err(|source| ConfigError::Parse { path, source })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
                Settings::default()
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        settings.apply_env(|name| std::env::var(name).ok())?;
        Ok(settings)
    }

    /// Overrides fields from environment variables, read through `get` (testable without touching
    /// the process environment).
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &'static str, value: String) -> Result<T, ConfigError>
        where
            T::Err: fmt::Display,
        {
            value.parse().map_err(|e: T::Err| ConfigError::Env {
                name,
                reason: e.to_string(),
            })
        }
        fn choice<T: for<'de> Deserialize<'de>>(
            name: &'static str,
            value: String,
        ) -> Result<T, ConfigError> {
            T::deserialize(serde::de::value::StringDeserializer::<
                serde::de::value::Error,
            >::new(value.to_lowercase()))
            .map_err(|e| ConfigError::Env {
                name,
                reason: e.to_string(),
            })
        }
        if let Some(v) = get("LOCACTIVE_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("LOCACTIVE_DATABASE_URL") {
            self.database_url = Some(Secret::new(v));
        }
        if let Some(v) = get("LOCACTIVE_DATABASE_MAX_CONNECTIONS") {
            self.database_max_connections = parse("LOCACTIVE_DATABASE_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = get("LOCACTIVE_LISTEN_ADDR") {
            self.listen_addr = parse("LOCACTIVE_LISTEN_ADDR", v)?;
        }
        if let Some(v) = get("LOCACTIVE_PUBLIC_BASE_URL") {
            self.public_base_url = Some(v);
        }
        if let Some(v) = get("LOCACTIVE_SITE_ROOT") {
            self.site_root = PathBuf::from(v);
        }
        if let Some(v) = get("LOCACTIVE_LOG_FORMAT") {
            self.log_format = choice("LOCACTIVE_LOG_FORMAT", v)?;
        }
        if let Some(v) = get("LOCACTIVE_SEED_DEMO") {
            self.seed_demo = match v.as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" | "" => false,
                other => {
                    return Err(ConfigError::Env {
                        name: "LOCACTIVE_SEED_DEMO",
                        reason: format!("«{other}» is not 1/0 or true/false"),
                    });
                }
            };
        }
        if let Some(v) = get("LOCACTIVE_LOGIN_ATTEMPTS_PER_ADDRESS") {
            self.login_attempts_per_address = parse("LOCACTIVE_LOGIN_ATTEMPTS_PER_ADDRESS", v)?;
            if self.login_attempts_per_address == 0 {
                return Err(ConfigError::Env {
                    name: "LOCACTIVE_LOGIN_ATTEMPTS_PER_ADDRESS",
                    reason: "must be at least 1".into(),
                });
            }
        }
        if let Some(v) = get("LOCACTIVE_SEARCHES_PER_ADDRESS") {
            self.searches_per_address = parse("LOCACTIVE_SEARCHES_PER_ADDRESS", v)?;
            if self.searches_per_address == 0 {
                return Err(ConfigError::Env {
                    name: "LOCACTIVE_SEARCHES_PER_ADDRESS",
                    reason: "must be at least 1".into(),
                });
            }
        }
        if let Some(v) = get("LOCACTIVE_PUBLIC_PAGES_KEPT_MS") {
            self.public_pages_kept_ms = parse("LOCACTIVE_PUBLIC_PAGES_KEPT_MS", v)?;
        }
        // Checked whether it came from the file or the environment: past a minute a visitor could
        // act on a page long out of date.
        if self.public_pages_kept_ms > 60_000 {
            return Err(ConfigError::Env {
                name: "LOCACTIVE_PUBLIC_PAGES_KEPT_MS",
                reason: "must be at most 60000 (one minute), in the file as in the environment"
                    .into(),
            });
        }
        for (name, value) in [
            (
                "LOCACTIVE_SESSION_IDLE_MINUTES",
                &mut self.session_idle_minutes,
            ),
            (
                "LOCACTIVE_SESSION_LIFETIME_HOURS",
                &mut self.session_lifetime_hours,
            ),
            ("LOCACTIVE_RETENTION_MONTHS", &mut self.retention_months),
        ] {
            if let Some(v) = get(name) {
                *value = parse(name, v)?;
                if *value == 0 {
                    return Err(ConfigError::Env {
                        name,
                        reason: "must be at least 1".into(),
                    });
                }
            }
        }
        if let Some(v) = get("LOCACTIVE_OPERATOR") {
            self.operator = v;
        }
        if let Some(v) = get("LOCACTIVE_DPO_CONTACT") {
            self.dpo_contact = v;
        }
        if let Some(v) = get("LOCACTIVE_PUBLICATION_DIRECTOR") {
            self.director = v;
        }
        if let Some(v) = get("LOCACTIVE_HOST") {
            self.host = v;
        }
        if let Some(v) = get("LOCACTIVE_MAIL_TRANSPORT") {
            self.mail.transport = choice("LOCACTIVE_MAIL_TRANSPORT", v)?;
        }
        if let Some(v) = get("LOCACTIVE_MAIL_FROM") {
            self.mail.from = v;
        }
        if let Some(v) = get("LOCACTIVE_SMTP_HOST") {
            self.mail.smtp_host = v;
        }
        if let Some(v) = get("LOCACTIVE_SMTP_PORT") {
            self.mail.smtp_port = parse("LOCACTIVE_SMTP_PORT", v)?;
        }
        if let Some(v) = get("LOCACTIVE_SMTP_USERNAME") {
            self.mail.smtp_username = Some(v);
        }
        if let Some(v) = get("LOCACTIVE_SMTP_PASSWORD") {
            self.mail.smtp_password = Some(Secret::new(v));
        }
        if let Some(v) = get("LOCACTIVE_SMTP_SECURITY") {
            self.mail.smtp_security = choice("LOCACTIVE_SMTP_SECURITY", v)?;
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_string(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("locactive.db").display()
            ),
        }
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn defaults_use_sqlite_in_the_data_directory() {
        let settings = Settings::default();
        assert_eq!(
            settings.database_url(),
            "sqlite://data/locactive.db?mode=rwc"
        );
        assert_eq!(settings.mail.transport, MailTransportKind::Files);
    }

    #[test]
    fn the_file_then_the_environment_override_defaults() {
        let mut settings: Settings = toml::from_str(
            "data_dir = \"/srv/locactive\"\nlog_format = \"json\"\n[mail]\ntransport = \"smtp\"\nsmtp_host = \"mail.example.fr\"\n",
        )
        .unwrap();
        assert_eq!(settings.data_dir, PathBuf::from("/srv/locactive"));
        assert_eq!(settings.log_format, LogFormat::Json);
        settings
            .apply_env(env(&[
                ("LOCACTIVE_SMTP_HOST", "relay.example.fr"),
                (
                    "LOCACTIVE_DATABASE_URL",
                    "postgres://u:p@127.0.0.1/locactive",
                ),
                ("LOCACTIVE_SMTP_SECURITY", "TLS"),
            ]))
            .unwrap();
        assert_eq!(settings.mail.transport, MailTransportKind::Smtp);
        assert_eq!(settings.mail.smtp_host, "relay.example.fr");
        assert_eq!(settings.mail.smtp_security, SmtpSecurityKind::Tls);
        assert_eq!(
            settings.database_url(),
            "postgres://u:p@127.0.0.1/locactive"
        );
    }

    #[test]
    fn bad_values_are_reported_with_their_variable() {
        let mut settings = Settings::default();
        let error = settings
            .apply_env(env(&[("LOCACTIVE_SESSION_IDLE_MINUTES", "0")]))
            .unwrap_err();
        assert!(error.to_string().contains("LOCACTIVE_SESSION_IDLE_MINUTES"));
        settings
            .apply_env(env(&[("LOCACTIVE_SESSION_LIFETIME_HOURS", "8")]))
            .unwrap();
        assert_eq!(settings.session_lifetime_hours, 8);
        let error = settings
            .apply_env(env(&[("LOCACTIVE_SEARCHES_PER_ADDRESS", "0")]))
            .unwrap_err();
        assert!(error.to_string().contains("LOCACTIVE_SEARCHES_PER_ADDRESS"));
        settings
            .apply_env(env(&[("LOCACTIVE_SEARCHES_PER_ADDRESS", "600")]))
            .unwrap();
        assert_eq!(settings.searches_per_address, 600);
        settings
            .apply_env(env(&[("LOCACTIVE_PUBLIC_PAGES_KEPT_MS", "0")]))
            .unwrap();
        assert_eq!(settings.public_pages_kept_ms, 0);
        let error = settings
            .apply_env(env(&[("LOCACTIVE_PUBLIC_PAGES_KEPT_MS", "120000")]))
            .unwrap_err();
        assert!(error.to_string().contains("LOCACTIVE_PUBLIC_PAGES_KEPT_MS"));
        // From the file too: checked once everything is read.
        let error = settings.apply_env(env(&[])).unwrap_err();
        assert!(error.to_string().contains("60000"));
        settings.public_pages_kept_ms = 1000;
        let error = settings
            .apply_env(env(&[("LOCACTIVE_SMTP_PORT", "vingt-cinq")]))
            .unwrap_err();
        assert!(error.to_string().contains("LOCACTIVE_SMTP_PORT"));
        let error = settings
            .apply_env(env(&[("LOCACTIVE_MAIL_TRANSPORT", "pigeon")]))
            .unwrap_err();
        assert!(error.to_string().contains("LOCACTIVE_MAIL_TRANSPORT"));
        let error = settings
            .apply_env(env(&[("LOCACTIVE_LOGIN_ATTEMPTS_PER_ADDRESS", "0")]))
            .unwrap_err();
        assert!(error.to_string().contains("at least 1"));
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        assert!(toml::from_str::<Settings>("databse_url = \"x\"").is_err());
    }

    #[test]
    fn secrets_are_not_printed() {
        let mut settings = Settings::default();
        settings.mail.smtp_password = Some(Secret::new("hunter2-hunter2"));
        settings.database_url = Some(Secret::new("postgres://u:topsecret@h/db"));
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains("topsecret"));
    }
}

//! Outgoing e-mail through a durable outbox.
//!
//! A change that must tell someone writes its message into the `outbox` table inside the same
//! transaction, so the message exists exactly when the change does. A worker then claims due
//! messages, sends them and marks them sent, retrying with exponential backoff. Each message carries
//! a Message-ID fixed at enqueue time: if the process dies after the transport accepted a message
//! but before it was marked, the retry carries the same Message-ID (and the file transport writes
//! the same file), so receivers can recognise the duplicate.

use super::db::{Db, now};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rand::RngCore;
use sqlx::AnyConnection;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// After this many failed attempts a message is set aside as failed (and logged), not retried.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a worker owns a claimed message before another may retry it.
const CLAIM_SECONDS: i64 = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Writes a message into the outbox, on the caller's connection or transaction.
pub async fn enqueue(conn: &mut AnyConnection, mail: &OutgoingMail) -> Result<(), sqlx::Error> {
    enqueue_all(conn, std::slice::from_ref(mail)).await
}

/// Queues many messages in the caller's transaction, 166 per statement: the close of an offer
/// with thousands of applications writes a letter to each.
pub async fn enqueue_all(
    conn: &mut AnyConnection,
    mails: &[OutgoingMail],
) -> Result<(), sqlx::Error> {
    let at = now();
    for chunk in mails.chunks(crate::ssr::db::rows_per_statement(6)) {
        let sql = format!(
            "INSERT INTO outbox (message_id, recipient, subject, body_text, created_at, next_attempt_at)
             VALUES {}",
            crate::ssr::db::bind_rows(chunk.len(), 6)
        );
        let mut insert = sqlx::query(&sql);
        for mail in chunk {
            let mut id = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut id);
            let message_id: String = id.iter().map(|b| format!("{b:02x}")).collect();
            insert = insert
                .bind(message_id)
                .bind(&mail.to)
                .bind(&mail.subject)
                .bind(&mail.body)
                .bind(at)
                .bind(at);
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Deletes the messages to `recipient` that no worker is sending right now, sent or not: the
/// outbox keeps no copy of letters to a deleted account.
pub async fn forget(conn: &mut AnyConnection, recipient: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM outbox WHERE recipient = $1 AND (locked_until IS NULL OR locked_until < $2)",
    )
    .bind(recipient)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the messages sent or given up before `before`: a delivered letter needs no copy.
pub async fn purge_delivered(conn: &mut AnyConnection, before: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < $1) OR (failed_at IS NOT NULL AND failed_at < $1)",
    )
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A message as the in-memory transport keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The mailbox of the in-memory transport, shared with tests. Keyed by Message-ID like a real
/// receiver, so a re-sent message replaces itself instead of appearing twice.
#[derive(Debug, Clone, Default)]
pub struct MemoryMailbox(Arc<Mutex<Vec<SentMail>>>);

impl MemoryMailbox {
    pub fn messages(&self) -> Vec<SentMail> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn deliver(&self, mail: SentMail) {
        if let Ok(mut messages) = self.0.lock() {
            if let Some(existing) = messages
                .iter_mut()
                .find(|m| m.message_id == mail.message_id)
            {
                *existing = mail;
            } else {
                messages.push(mail);
            }
        }
    }
}

#[derive(Clone)]
pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `<message-id>.eml` file per message in this directory.
    Files(PathBuf),
    Memory(MemoryMailbox),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Implicit TLS (usually port 465).
    Tls,
    /// STARTTLS upgrade, required (usually port 587).
    StartTls,
    /// Plain text: only for a relay on the same host or a test server.
    None,
}

pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    pub security: SmtpSecurity,
}

impl MailTransport {
    pub fn smtp(settings: SmtpSettings) -> Result<MailTransport, lettre::transport::smtp::Error> {
        let builder = match settings.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?
            }
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            }
        };
        let mut builder = builder.port(settings.port);
        if let (Some(user), Some(password)) = (settings.username, settings.password) {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(MailTransport::Smtp(builder.build()))
    }

    pub fn name(&self) -> &'static str {
        match self {
            MailTransport::Smtp(_) => "smtp",
            MailTransport::Files(_) => "files",
            MailTransport::Memory(_) => "memory",
        }
    }

    async fn send(
        &self,
        message_id: &str,
        message: Message,
        plain: SentMail,
    ) -> Result<(), Failure> {
        let transient = |e: std::io::Error| Failure::Transient(e.to_string());
        match self {
            // A 5xx answer of the relay (unknown mailbox, refused domain) will not change.
            MailTransport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    Failure::Permanent(e.to_string())
                } else {
                    Failure::Transient(e.to_string())
                }
            }),
            MailTransport::Files(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(transient)?;
                let path = dir.join(format!("{message_id}.eml"));
                let partial = dir.join(format!(".{message_id}.eml.partial"));
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .map_err(transient)?;
                tokio::fs::rename(&partial, &path).await.map_err(transient)
            }
            MailTransport::Memory(mailbox) => {
                mailbox.deliver(plain);
                Ok(())
            }
        }
    }
}

#[derive(Clone)]
pub struct Mailer {
    pub transport: MailTransport,
    pub from: Mailbox,
    /// The domain part of Message-IDs.
    pub message_id_domain: String,
    /// How long one delivery may take before it is abandoned and retried later.
    pub send_timeout: Duration,
}

/// A delivery gives up well within its claim: while a worker is still sending, the claim holds,
/// so no other worker (or app server) picks the message up and sends it a second time. A relay
/// that accepts the message and then stalls past this is the one case left (see the README).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);
const _: () = assert!(SEND_TIMEOUT.as_secs() * 2 <= CLAIM_SECONDS as u64);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

type DueRow = (i64, String, String, String, String, i64);

impl Mailer {
    /// Sends every message that is due, and returns what happened to them.
    pub async fn deliver_due(&self, db: &Db) -> Result<DeliveryReport, sqlx::Error> {
        let mut report = DeliveryReport::default();
        loop {
            let at = now();
            let due: Vec<DueRow> = sqlx::query_as(
                "SELECT id, message_id, recipient, subject, body_text, attempts FROM outbox
                 WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
                   AND (locked_until IS NULL OR locked_until < $1)
                 ORDER BY id LIMIT 50",
            )
            .bind(at)
            .fetch_all(db.pool())
            .await?;
            if due.is_empty() {
                return Ok(report);
            }
            for (id, message_id, to, subject, body, attempts) in due {
                // Claim the row: another worker (or app server) that read it too loses this race.
                // The claim counts from now, not from when the batch was read: the messages
                // before this one may have taken their whole send timeout.
                let at = now();
                let claimed = sqlx::query(
                    "UPDATE outbox SET locked_until = $1, attempts = attempts + 1
                     WHERE id = $2 AND sent_at IS NULL AND failed_at IS NULL
                       AND (locked_until IS NULL OR locked_until < $3)",
                )
                .bind(at + CLAIM_SECONDS)
                .bind(id)
                .bind(at)
                .execute(db.pool())
                .await?
                .rows_affected();
                if claimed != 1 {
                    continue;
                }
                let attempt = attempts + 1;
                let outcome = match self.build(&message_id, &to, &subject, &body) {
                    Ok(message) => {
                        let plain = SentMail {
                            message_id: message_id.clone(),
                            to: to.clone(),
                            subject: subject.clone(),
                            body: body.clone(),
                        };
                        let sending = self.transport.send(&message_id, message, plain);
                        match tokio::time::timeout(self.send_timeout, sending).await {
                            Ok(outcome) => outcome,
                            Err(_) => Err(Failure::Transient(format!(
                                "no answer within {} s",
                                self.send_timeout.as_secs()
                            ))),
                        }
                    }
                    // A malformed address will not get better with time.
                    Err(e) => Err(Failure::Permanent(e)),
                };
                match outcome {
                    Ok(()) => {
                        sqlx::query("UPDATE outbox SET sent_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2")
                            .bind(now())
                            .bind(id)
                            .execute(db.pool())
                            .await?;
                        report.sent += 1;
                    }
                    Err(failure)
                        if attempt >= MAX_ATTEMPTS || matches!(failure, Failure::Permanent(_)) =>
                    {
                        let error = failure.to_string();
                        tracing::error!(outbox_id = id, attempt, %error, "mail given up");
                        sqlx::query("UPDATE outbox SET failed_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3")
                            .bind(now())
                            .bind(&error)
                            .bind(id)
                            .execute(db.pool())
                            .await?;
                        report.failed += 1;
                    }
                    Err(failure) => {
                        let error = failure.to_string();
                        tracing::warn!(outbox_id = id, attempt, %error, "mail delivery failed; will retry");
                        sqlx::query("UPDATE outbox SET next_attempt_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3")
                            .bind(now() + backoff_seconds(attempt))
                            .bind(&error)
                            .bind(id)
                            .execute(db.pool())
                            .await?;
                        report.retried += 1;
                    }
                }
            }
        }
    }

    fn build(
        &self,
        message_id: &str,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<Message, String> {
        let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
        Message::builder()
            .message_id(Some(format!("<{message_id}@{}>", self.message_id_domain)))
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| e.to_string())
    }
}

/// 30 s, 1 min, 2 min … capped at 6 h.
pub fn backoff_seconds(attempt: i64) -> i64 {
    let exponent = (attempt - 1).clamp(0, 20) as u32;
    (30_i64.saturating_mul(1_i64 << exponent)).min(6 * 3600)
}

/// Why one delivery did not go through: worth another try later, or never.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// The message cannot be built (a malformed address): retrying changes nothing.
    #[error("permanent: {0}")]
    Permanent(String),
    /// The transport failed this time (server down, timeout).
    #[error("{0}")]
    Transient(String),
}

#[cfg(test)]
mod tests {
    use super::backoff_seconds;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(3), 120);
        assert_eq!(backoff_seconds(30), 6 * 3600);
    }
}

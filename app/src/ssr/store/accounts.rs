//! Users, sessions and one-time e-mail tokens.

use crate::model::{CurrentUser, NamedRef, Role};
use crate::ssr::db::now;
use crate::ssr::secrets::token_hash;
use sqlx::{AnyConnection, AnyPool};

/// Sessions last two weeks from sign-in.
/// How long a session lasts: it ends after `idle` seconds without a request, and `lifetime`
/// seconds after sign-in whatever happens (ASVS 5.0 V7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: i64,
    pub lifetime: i64,
}

impl Default for SessionLimits {
    /// An hour idle, twelve hours in all: a working day at the counter, and a phone left on a
    /// table does not stay signed in to a household's file.
    fn default() -> Self {
        SessionLimits {
            idle: 3600,
            lifetime: 12 * 3600,
        }
    }
}

/// A session's last use is written at most this often: a page's requests do not each write.
const TOUCH_EVERY: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    Activation,
    Reset,
    Invitation,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Activation => "activation",
            TokenPurpose::Reset => "reset",
            TokenPurpose::Invitation => "invitation",
        }
    }

    /// How long a link stays valid.
    pub fn lifetime_seconds(self) -> i64 {
        match self {
            TokenPurpose::Activation => 48 * 3600,
            TokenPurpose::Reset => 3600,
            TokenPurpose::Invitation => 7 * 24 * 3600,
        }
    }
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: Option<&'a str>,
    pub display_name: &'a str,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub commission_id: Option<i64>,
    /// The EPCI of a territory admin.
    pub epci_siren: Option<&'a str>,
    pub active: bool,
}

pub async fn insert_user(conn: &mut AnyConnection, user: NewUser<'_>) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (email, password_hash, display_name, role, organisation_id, commission_id, active, created_at, epci_siren)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(user.email)
    .bind(user.password_hash)
    .bind(user.display_name)
    .bind(user.role.as_str())
    .bind(user.organisation_id)
    .bind(user.commission_id)
    .bind(i64::from(user.active))
    .bind(now())
    .bind(user.epci_siren)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The credentials of an account, for sign-in.
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: Option<String>,
    pub active: bool,
    pub role: Role,
}

pub async fn credentials_by_email(
    pool: &AnyPool,
    email: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row: Option<(i64, Option<String>, i64, String)> =
        sqlx::query_as("SELECT id, password_hash, active, role FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(pool)
            .await?;
    Ok(row.and_then(|(user_id, password_hash, active, role)| {
        Some(Credentials {
            user_id,
            password_hash,
            active: active != 0,
            role: Role::parse(&role)?,
        })
    }))
}

/// Id, display name and whether the account is active, for an address.
pub async fn user_by_email(
    pool: &AnyPool,
    email: &str,
) -> Result<Option<(i64, String, bool)>, sqlx::Error> {
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT id, display_name, active FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(id, name, active)| (id, name, active != 0)))
}

pub async fn role_of(pool: &AnyPool, user_id: i64) -> Result<Option<Role>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT role FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(|(role,)| Role::parse(&role)))
}

pub async fn email_of(
    pool: &AnyPool,
    user_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

/// The live user behind a session cookie value, if the session exists, is neither idle past its
/// limit nor past its lifetime, and the account is active. Marks the session used.
pub async fn user_by_session(
    pool: &AnyPool,
    session_id: &str,
    limits: SessionLimits,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    type SessionRow = (
        i64,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
        i64,
    );
    let at = now();
    let hash = token_hash(session_id);
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.role, o.id, o.name, c.id, c.name, u.epci_siren,
                s.last_seen_at
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         LEFT JOIN organisations o ON o.id = u.organisation_id
         LEFT JOIN commissions c ON c.id = u.commission_id
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3
               AND s.created_at > $4 AND u.active = 1",
    )
    .bind(&hash)
    .bind(at)
    .bind(at - limits.idle)
    // The lifetime counts from sign-in as the settings say now, whatever the session was
    // given when it opened.
    .bind(at - limits.lifetime)
    .fetch_optional(pool)
    .await?;
    let Some((id, email, display_name, role, org_id, org_name, com_id, com_name, epci, seen)) = row
    else {
        return Ok(None);
    };
    if seen <= at - TOUCH_EVERY {
        // Best effort: a page to read must not fail because the write waited behind another.
        let touched = sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $1",
        )
        .bind(at)
        .bind(&hash)
        .execute(pool)
        .await;
        if let Err(error) = touched {
            tracing::warn!(%error, "a session's last use could not be recorded");
        }
    }
    Ok(Role::parse(&role).map(|role| CurrentUser {
        id,
        email,
        display_name,
        role,
        organisation: org_id.zip(org_name).map(|(id, name)| NamedRef { id, name }),
        commission: com_id.zip(com_name).map(|(id, name)| NamedRef { id, name }),
        epci,
    }))
}

/// Ends every session of `user_id` but the one the caller presents; returns how many.
pub async fn delete_other_sessions(
    conn: &mut AnyConnection,
    user_id: i64,
    kept_session_id: &str,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(token_hash(kept_session_id))
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Opens a session for `user_id` under the (fresh, random) `session_id`.
pub async fn create_session(
    pool: &AnyPool,
    user_id: i64,
    session_id: &str,
    limits: SessionLimits,
) -> Result<(), sqlx::Error> {
    let at = now();
    let mut tx = crate::ssr::db::begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(token_hash(session_id))
    .bind(user_id)
    .bind(at)
    .bind(at + limits.lifetime)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    // Sweep this user's expired sessions while we are here.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
        .bind(user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn delete_session(pool: &AnyPool, session_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(token_hash(session_id))
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of `user_id`; returns how many there were.
pub async fn delete_sessions_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected())
}

/// The organisation an account belongs to (`Some(None)`: none, an applicant or an admin), or
/// `None` when there is no such account.
pub async fn organisation_of_user(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<Option<i64>>, sqlx::Error> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT organisation_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(organisation,)| organisation))
}

/// Stores a new one-time token (by hash) for `user_id`, replacing any unused one of the same
/// purpose so that only the latest link works.
pub async fn insert_token(
    conn: &mut AnyConnection,
    user_id: i64,
    purpose: TokenPurpose,
    token: &str,
) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO email_tokens (hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(token))
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(at)
    .bind(at + purpose.lifetime_seconds())
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses a token: succeeds once, before expiry, for the right purpose, and returns its user.
/// The single UPDATE makes two concurrent uses of one link impossible.
pub async fn consume_token(
    conn: &mut AnyConnection,
    purpose: TokenPurpose,
    token: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE email_tokens SET used_at = $1
         WHERE hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $4
         RETURNING user_id",
    )
    .bind(at)
    .bind(token_hash(token))
    .bind(purpose.as_str())
    .bind(at)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Whether a token would be accepted now, without using it (to show the right form).
pub async fn token_is_valid(
    pool: &AnyPool,
    purpose: TokenPurpose,
    token: &str,
) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM email_tokens WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash(token))
    .bind(purpose.as_str())
    .bind(now())
    .fetch_optional(pool)
    .await?;
    Ok(row.is_some())
}

pub async fn set_password_and_activate(
    conn: &mut AnyConnection,
    user_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1, active = 1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn activate(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET active = 1 WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// What stands for a deleted account wherever it must still be named (minutes, attributions).
pub fn pseudonym(user_id: i64) -> String {
    format!("Demandeur supprimé n° {user_id}")
}

/// Strips an account of what identifies the person: name and address replaced by a pseudonym,
/// no password, inactive, no session and no pending link. The row stays for the records that refer
/// to it. Returns false when there is no such account.
pub async fn pseudonymise(conn: &mut AnyConnection, user_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET email = $2, display_name = $3, password_hash = NULL, active = 0,
                assisted_by_organisation_id = NULL
         WHERE id = $1",
    )
    .bind(user_id)
    .bind(format!("supprime-{user_id}@locactive.invalid"))
    .bind(pseudonym(user_id))
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM email_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM email_changes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The account as its owner sees it in their data: e-mail, name, created, last signed in.
pub async fn account_facts(
    pool: &AnyPool,
    user_id: i64,
) -> Result<Option<(String, String, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT email, display_name, created_at, last_login_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

/// How long the link confirming a new address works.
const EMAIL_CHANGE_SECONDS: i64 = 24 * 3600;

/// Stores a pending change of `user_id`'s address to `new_email`, confirmed by `token`; an earlier
/// pending change of theirs no longer works.
pub async fn insert_email_change(
    conn: &mut AnyConnection,
    user_id: i64,
    new_email: &str,
    token: &str,
) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query("DELETE FROM email_changes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO email_changes (hash, user_id, new_email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(token))
    .bind(user_id)
    .bind(new_email)
    .bind(at)
    .bind(at + EMAIL_CHANGE_SECONDS)
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses a change link once, before expiry: the account and its new address.
pub async fn consume_email_change(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let at = now();
    sqlx::query_as(
        "UPDATE email_changes SET used_at = $1
         WHERE hash = $2 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id, new_email",
    )
    .bind(at)
    .bind(token_hash(token))
    .fetch_optional(conn)
    .await
}

/// Sets the account's address; a unique violation means another account has it.
pub async fn set_email(conn: &mut AnyConnection, user_id: i64, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET email = $2 WHERE id = $1")
        .bind(user_id)
        .bind(email)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_password(
    conn: &mut AnyConnection,
    user_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops what a password change or reset must invalidate: address changes not yet confirmed
/// (asked, perhaps, by whoever knew the old password) and unused reset links.
pub async fn drop_pending_links(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM email_changes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND purpose = 'reset' AND used_at IS NULL")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Applicant accounts left unused, at most `limit`: never activated and created before
/// `unactivated_before`, or with no request on file and no sign-in since `idle_before`.
pub async fn dormant(
    pool: &AnyPool,
    unactivated_before: i64,
    idle_before: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM users u
         WHERE u.role = 'applicant' AND u.email NOT LIKE 'supprime-%'
           AND ((u.active = 0 AND u.password_hash IS NOT NULL AND u.created_at < $1)
             OR (COALESCE(u.last_login_at, u.created_at) < $2
                 AND NOT EXISTS (SELECT 1 FROM applicant_profiles p
                                 WHERE p.user_id = u.id AND p.renewal_date IS NOT NULL)))
         ORDER BY u.id LIMIT $3",
    )
    .bind(unactivated_before)
    .bind(idle_before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

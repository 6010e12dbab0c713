//! The assisted channel: applicants an organisation's staff registered at the counter, and whom
//! they may help (fill the profile, apply). Every query carries the organisation.

use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

/// An assisted applicant's address and name, if they are one of `organisation_id`'s.
pub async fn applicant_of(
    pool: &AnyPool,
    organisation_id: i64,
    user_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT email, display_name FROM users
         WHERE id = $1 AND role = 'applicant' AND assisted_by_organisation_id = $2",
    )
    .bind(user_id)
    .bind(organisation_id)
    .fetch_optional(pool)
    .await
}

/// Registers an applicant for `organisation_id`: active, without a password until they choose
/// one through the e-mailed link.
pub async fn insert_applicant(
    conn: &mut AnyConnection,
    organisation_id: i64,
    email: &str,
    display_name: &str,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (email, password_hash, display_name, role, active, created_at, assisted_by_organisation_id)
         VALUES ($1, NULL, $2, 'applicant', 1, $3, $4) RETURNING id",
    )
    .bind(email)
    .bind(display_name)
    .bind(now())
    .bind(organisation_id)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The organisation's assisted applicants: id, name, e-mail, active applications with it.
pub async fn list(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.display_name, u.email,
                (SELECT COUNT(*) FROM applications a WHERE a.applicant_user_id = u.id
                   AND a.organisation_id = $1 AND a.status = 'active')
         FROM users u WHERE u.role = 'applicant' AND u.assisted_by_organisation_id = $1
         ORDER BY u.display_name, u.id",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await
}

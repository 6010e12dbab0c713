//! Requests in bulk, for the benchmarks and tests at the scale of a real territory: a
//! département's file holds 10,000–100,000 requests, and one offer may draw thousands of
//! applications. Written by set-based statements (one per table, whatever the count), the same
//! text on SQLite and PostgreSQL, so that a million requests take seconds rather than the hours
//! of going through the forms.
//!
//! The households vary with their user id (seniority, housing, priority situations, income,
//! members), so that scores, eligibility and ranks spread as they would in a real file. Their
//! addresses end in `.invalid`: no mail can ever reach anyone.

use app::ssr::db::{Db, now};

/// Adds `count` applicants with a whole profile (a request filed in the Doubs, wishing Besançon,
/// household members with their tax income). Returns the number of applicants added.
pub async fn applicants(db: &Db, count: i64) -> Result<u64, sqlx::Error> {
    let pool = db.pool();
    let at = now();
    let first: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email LIKE 'bulk-%'")
        .fetch_one(pool)
        .await?;
    let mut tx = app::ssr::db::begin_write(pool).await?;
    let added = sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
         INSERT INTO users (email, display_name, role, active, created_at)
         SELECT 'bulk-' || ($2 + i) || '@example.invalid', 'Demandeur ' || ($2 + i), 'applicant', 1, $3
         FROM n",
    )
    .bind(count)
    .bind(first.0)
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "INSERT INTO applicant_profiles (user_id, sne_number, first_filing_date, renewal_date,
             housing_status, dalo, priority_flags, wished_communes, wished_typologies,
             monthly_resources_cents, updated_at)
         SELECT u.id, '02526' || u.id,
                CASE u.id % 5 WHEN 0 THEN '2019-02-11' WHEN 1 THEN '2021-06-30' WHEN 2 THEN '2023-01-15'
                              WHEN 3 THEN '2024-09-01' ELSE '2025-11-20' END,
                '2027-03-01',
                CASE u.id % 4 WHEN 0 THEN 'private_tenant' WHEN 1 THEN 'hosted'
                              WHEN 2 THEN 'social_tenant' ELSE 'shelter' END,
                CASE WHEN u.id % 23 = 0 THEN 1 ELSE 0 END,
                CASE u.id % 7 WHEN 0 THEN 'menace_expulsion' WHEN 1 THEN 'heberge' WHEN 2 THEN 'parent_isole'
                              WHEN 3 THEN 'handicap_foyer,pdalhpd' ELSE '' END,
                '25056', 'T2,T3', 110000 + (u.id % 200) * 1000, $1
         FROM users u LEFT JOIN applicant_profiles p ON p.user_id = u.id
         WHERE u.email LIKE 'bulk-%' AND p.user_id IS NULL",
    )
    .bind(at)
    .execute(&mut *tx)
    .await?;
    // Everyone is their own first member; one household in three has a child too.
    sqlx::query(
        "INSERT INTO household_members (user_id, relationship, first_name, birth_date, rfr_n2_eur)
         SELECT u.id, 'self', 'Prénom', CASE u.id % 3 WHEN 0 THEN '1979-04-02' WHEN 1 THEN '1988-10-17'
                                                   ELSE '1996-01-25' END,
                9000 + (u.id % 40) * 400
         FROM users u LEFT JOIN household_members m ON m.user_id = u.id
         WHERE u.email LIKE 'bulk-%' AND m.user_id IS NULL",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO household_members (user_id, relationship, first_name, birth_date, dependant)
         SELECT u.id, 'child', 'Enfant', '2016-06-06', 1
         FROM users u LEFT JOIN household_members c ON c.user_id = u.id AND c.relationship = 'child'
         WHERE u.email LIKE 'bulk-%' AND u.id % 3 = 0 AND c.user_id IS NULL",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(added)
}

/// Makes the first `count` bulk applicants apply to `offer_id` (a published offer), a second
/// apart in id order. Returns how many applications were made.
pub async fn apply(db: &Db, offer_id: i64, count: i64) -> Result<u64, sqlx::Error> {
    let pool = db.pool();
    let mut tx = app::ssr::db::begin_write(pool).await?;
    let made = sqlx::query(
        "INSERT INTO applications (offer_id, organisation_id, applicant_user_id, status, channel,
             created_by_user_id, created_at)
         SELECT o.id, o.organisation_id, u.id, 'active', 'online', u.id, $3 + u.id
         FROM offers o, users u
         WHERE o.id = $1 AND u.id IN (SELECT id FROM users WHERE email LIKE 'bulk-%' ORDER BY id LIMIT $2)",
    )
    .bind(offer_id)
    .bind(count)
    .bind(now() - 30 * 86_400)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(made)
}

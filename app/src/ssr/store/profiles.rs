//! The applicant's profile, read whole and written part by part. Every statement is scoped by the
//! applicant's own user id, which the caller takes from the session, never from the request.

use crate::domain::calendar::Date;
use crate::domain::offer::Typology;
use crate::domain::profile::{
    HousingStatus, IncomeBasis, Member, Profile, Relationship, Situation, ValidHousing,
    ValidRequest, ValidResources, ValidWishes, parse_codes,
};
use crate::ssr::db::{BATCH_ROWS, bind_list, now};
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct ProfileRow {
    user_id: i64,
    sne_number: Option<String>,
    first_filing_date: Option<String>,
    renewal_date: Option<String>,
    housing_status: String,
    current_landlord: Option<String>,
    current_typology: Option<String>,
    current_rent_cents: Option<i64>,
    dalo: i64,
    priority_flags: String,
    wished_communes: String,
    wished_typologies: String,
    max_rent_cents: Option<i64>,
    action_logement_employee: i64,
    monthly_resources_cents: Option<i64>,
    declared_income_basis: String,
    declared_income_eur: Option<i64>,
    refusals: i64,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    user_id: i64,
    relationship: String,
    first_name: String,
    birth_date: String,
    handicap: i64,
    dependant: i64,
    rfr_n2_eur: Option<i64>,
}

fn date(stored: Option<&str>) -> Option<Date> {
    stored.and_then(Date::parse)
}

fn euros(stored: Option<i64>) -> Option<u32> {
    stored.and_then(|v| u32::try_from(v).ok())
}

const PROFILE_COLUMNS: &str =
    "user_id, sne_number, first_filing_date, renewal_date, housing_status,
    current_landlord, current_typology, current_rent_cents, dalo, priority_flags, wished_communes,
    wished_typologies, max_rent_cents, action_logement_employee, monthly_resources_cents,
    declared_income_basis, declared_income_eur, refusals";

const MEMBER_COLUMNS: &str =
    "id, user_id, relationship, first_name, birth_date, handicap, dependant, rfr_n2_eur";

impl MemberRow {
    fn into_member(self) -> Option<Member> {
        Some(Member {
            id: self.id,
            relationship: Relationship::parse(&self.relationship)?,
            first_name: self.first_name,
            birth_date: Date::parse(&self.birth_date)?,
            handicap: self.handicap != 0,
            dependant: self.dependant != 0,
            rfr_n2_eur: euros(self.rfr_n2_eur),
        })
    }
}

impl ProfileRow {
    fn into_profile(self, members: Vec<Member>) -> Profile {
        Profile {
            members,
            monthly_resources_cents: self.monthly_resources_cents,
            declared_income: IncomeBasis::parse(&self.declared_income_basis)
                .zip(euros(self.declared_income_eur)),
            housing_status: HousingStatus::parse(&self.housing_status)
                .filter(|s| *s != HousingStatus::Unknown),
            current_landlord: self.current_landlord.unwrap_or_default(),
            current_typology: self.current_typology.as_deref().and_then(Typology::parse),
            current_rent_cents: self.current_rent_cents,
            sne_number: self.sne_number.filter(|n| !n.is_empty()),
            first_filing_date: date(self.first_filing_date.as_deref()),
            renewal_date: date(self.renewal_date.as_deref()),
            dalo: self.dalo != 0,
            situations: parse_codes(&self.priority_flags, Situation::parse),
            wished_communes: self
                .wished_communes
                .split(',')
                .filter(|c| !c.trim().is_empty())
                .map(str::to_string)
                .collect(),
            wished_typologies: parse_codes(&self.wished_typologies, Typology::parse),
            max_rent_cents: self.max_rent_cents,
            action_logement_employee: self.action_logement_employee != 0,
            refusals: u32::try_from(self.refusals).unwrap_or(0),
        }
    }
}

/// The applicant's members, in the order they were added.
pub async fn members(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Member>, sqlx::Error> {
    let rows: Vec<MemberRow> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM household_members WHERE user_id = $1 ORDER BY id"
    ))
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(MemberRow::into_member)
        .collect())
}

/// The whole profile; an applicant who never saved anything gets an empty one.
pub async fn load(conn: &mut AnyConnection, user_id: i64) -> Result<Profile, sqlx::Error> {
    Ok(load_many(conn, &[user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_default())
}

/// The whole profiles of many applicants, by user id (an applicant who never saved anything gets
/// an empty one): two statements per [`BATCH_ROWS`] applicants, for the ranking of an offer with
/// thousands of candidates and the scoring of a whole territory's requests.
pub async fn load_many(
    conn: &mut AnyConnection,
    user_ids: &[i64],
) -> Result<HashMap<i64, Profile>, sqlx::Error> {
    let mut profiles = HashMap::with_capacity(user_ids.len());
    for chunk in user_ids.chunks(BATCH_ROWS) {
        let list = bind_list(chunk.len());
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM household_members WHERE user_id IN ({list})
             ORDER BY user_id, id"
        );
        let mut query = sqlx::query_as::<_, MemberRow>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        let mut members: HashMap<i64, Vec<Member>> = HashMap::new();
        for row in query.fetch_all(&mut *conn).await? {
            let user_id = row.user_id;
            if let Some(member) = row.into_member() {
                members.entry(user_id).or_default().push(member);
            }
        }
        let sql =
            format!("SELECT {PROFILE_COLUMNS} FROM applicant_profiles WHERE user_id IN ({list})");
        let mut query = sqlx::query_as::<_, ProfileRow>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let user_id = row.user_id;
            let own = members.remove(&user_id).unwrap_or_default();
            profiles.insert(user_id, row.into_profile(own));
        }
        // Applicants who never saved their profile, with or without members.
        for id in chunk {
            profiles.entry(*id).or_insert_with(|| Profile {
                members: members.remove(id).unwrap_or_default(),
                ..Profile::default()
            });
        }
    }
    Ok(profiles)
}

/// Creates the profile row on first save, so each part can be written with a plain UPDATE.
async fn ensure_row(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO applicant_profiles (user_id, updated_at) VALUES ($1, $2)
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_member(
    conn: &mut AnyConnection,
    user_id: i64,
    member: &Member,
) -> Result<i64, sqlx::Error> {
    ensure_row(&mut *conn, user_id).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO household_members (user_id, relationship, first_name, birth_date, handicap, dependant, rfr_n2_eur)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user_id)
    .bind(member.relationship.code())
    .bind(&member.first_name)
    .bind(member.birth_date.iso())
    .bind(i64::from(member.handicap))
    .bind(i64::from(member.dependant))
    .bind(member.rfr_n2_eur.map(i64::from))
    .fetch_one(&mut *conn)
    .await?;
    touch(conn, user_id).await?;
    Ok(id)
}

/// Removes one of the applicant's own members; false when there is no such member of theirs.
pub async fn remove_member(
    conn: &mut AnyConnection,
    user_id: i64,
    member_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM household_members WHERE id = $1 AND user_id = $2")
        .bind(member_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    touch(conn, user_id).await?;
    Ok(done.rows_affected() == 1)
}

async fn touch(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applicant_profiles SET updated_at = $2 WHERE user_id = $1")
        .bind(user_id)
        .bind(now())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn save_resources(
    conn: &mut AnyConnection,
    user_id: i64,
    resources: &ValidResources,
) -> Result<(), sqlx::Error> {
    ensure_row(&mut *conn, user_id).await?;
    sqlx::query(
        "UPDATE applicant_profiles SET monthly_resources_cents = $2, declared_income_basis = $3,
             declared_income_eur = $4, updated_at = $5
         WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(resources.monthly_resources_cents)
    .bind(
        resources
            .declared_income
            .map_or("", |(basis, _)| basis.code()),
    )
    .bind(
        resources
            .declared_income
            .map(|(_, amount)| i64::from(amount)),
    )
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets each taxable member's N-2 income (the resources form lists them all).
pub async fn save_member_incomes(
    conn: &mut AnyConnection,
    user_id: i64,
    incomes: &[(i64, u32)],
) -> Result<(), sqlx::Error> {
    for (member_id, amount) in incomes {
        sqlx::query(
            "UPDATE household_members SET rfr_n2_eur = $3 WHERE id = $1 AND user_id = $2 AND dependant = 0",
        )
        .bind(member_id)
        .bind(user_id)
        .bind(i64::from(*amount))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn save_housing(
    conn: &mut AnyConnection,
    user_id: i64,
    housing: &ValidHousing,
) -> Result<(), sqlx::Error> {
    ensure_row(&mut *conn, user_id).await?;
    sqlx::query(
        "UPDATE applicant_profiles SET housing_status = $2, current_landlord = $3, current_typology = $4,
             current_rent_cents = $5, updated_at = $6
         WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(housing.status.code())
    .bind((!housing.landlord.is_empty()).then_some(housing.landlord.as_str()))
    .bind(housing.typology.map(Typology::code))
    .bind(housing.rent_cents)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn save_request(
    conn: &mut AnyConnection,
    user_id: i64,
    request: &ValidRequest,
) -> Result<(), sqlx::Error> {
    ensure_row(&mut *conn, user_id).await?;
    sqlx::query(
        // A request renewed past today is live again: a striking off no longer applies to it.
        "UPDATE applicant_profiles SET sne_number = $2, first_filing_date = $3, renewal_date = $4, updated_at = $5,
                struck_off_on = CASE WHEN $4 >= $6 THEN NULL ELSE struck_off_on END
         WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(&request.sne_number)
    .bind(request.first_filing_date.iso())
    .bind(request.renewal_date.iso())
    .bind(now())
    .bind(crate::domain::calendar::paris_date(now()).iso())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn save_situations(
    conn: &mut AnyConnection,
    user_id: i64,
    dalo: bool,
    situations: &[Situation],
    action_logement_employee: bool,
) -> Result<(), sqlx::Error> {
    ensure_row(&mut *conn, user_id).await?;
    let codes: Vec<&str> = situations.iter().map(|s| s.code()).collect();
    sqlx::query(
        "UPDATE applicant_profiles SET dalo = $2, priority_flags = $3, action_logement_employee = $4, updated_at = $5
         WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(i64::from(dalo))
    .bind(codes.join(","))
    .bind(i64::from(action_logement_employee))
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn save_wishes(
    conn: &mut AnyConnection,
    user_id: i64,
    wishes: &ValidWishes,
) -> Result<(), sqlx::Error> {
    ensure_row(&mut *conn, user_id).await?;
    let typologies: Vec<&str> = wishes.typologies.iter().map(|t| t.code()).collect();
    sqlx::query(
        "UPDATE applicant_profiles SET wished_communes = $2, wished_typologies = $3, max_rent_cents = $4, updated_at = $5
         WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(wishes.communes.join(","))
    .bind(typologies.join(","))
    .bind(wishes.max_rent_cents)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues the SNE renewal reminder of every applicant whose request lapses within `days` of
/// `today`, once per renewal date, even with several servers running the job.
pub async fn remind_renewals(
    pool: &AnyPool,
    today: Date,
    days: i64,
    link: &str,
) -> Result<usize, sqlx::Error> {
    let due: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT p.user_id, p.renewal_date, u.email, u.display_name
         FROM applicant_profiles p JOIN users u ON u.id = p.user_id
         WHERE u.active = 1 AND p.renewal_date IS NOT NULL AND p.renewal_date >= $1 AND p.renewal_date <= $2
           AND p.renewal_reminder_for <> p.renewal_date
         ORDER BY p.user_id LIMIT 1000",
    )
    .bind(today.iso())
    .bind(today.add_days(days).iso())
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    for (user_id, renewal, email, name) in due {
        let mut tx = crate::ssr::db::begin_write(pool).await?;
        let claimed = sqlx::query(
            "UPDATE applicant_profiles SET renewal_reminder_for = $2
             WHERE user_id = $1 AND renewal_date = $2 AND renewal_reminder_for <> $2",
        )
        .bind(user_id)
        .bind(&renewal)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 1 {
            let on = Date::parse(&renewal).map_or(renewal.clone(), Date::french);
            crate::ssr::mail::enqueue(
                &mut tx,
                &crate::ssr::letters::renewal_reminder(&email, &name, &on, link),
            )
            .await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// Deletes the profile and household of `user_id`.
pub async fn erase(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM household_members WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM applicant_profiles WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Applicants whose request lapsed before `today` without renewal and is not yet struck off,
/// at most `limit`: (user id, e-mail, name).
pub async fn lapsed(
    pool: &AnyPool,
    today: Date,
    limit: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.user_id, u.email, u.display_name
         FROM applicant_profiles p JOIN users u ON u.id = p.user_id
         WHERE p.renewal_date IS NOT NULL AND p.renewal_date < $1 AND p.struck_off_on IS NULL
         ORDER BY p.user_id LIMIT $2",
    )
    .bind(today.iso())
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Strikes off the request of `user_id` on `today`, if it is still lapsed and not struck off
/// (another server may have done it): true when this call did.
pub async fn strike_off(
    conn: &mut AnyConnection,
    user_id: i64,
    today: Date,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE applicant_profiles SET struck_off_on = $2
         WHERE user_id = $1 AND struck_off_on IS NULL AND renewal_date < $2",
    )
    .bind(user_id)
    .bind(today.iso())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Applicants struck off on or before `cutoff`, whose data is now to be deleted, at most `limit`.
pub async fn struck_off_by(
    pool: &AnyPool,
    cutoff: Date,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM applicant_profiles
         WHERE struck_off_on IS NOT NULL AND struck_off_on <= $1 ORDER BY user_id LIMIT $2",
    )
    .bind(cutoff.iso())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The day the request was struck off, if it was.
pub async fn struck_off_on(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<Date>, sqlx::Error> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT struck_off_on FROM applicant_profiles WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(d,)| d).as_deref().and_then(Date::parse))
}

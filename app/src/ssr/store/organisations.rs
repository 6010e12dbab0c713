//! Landlord organisations, their commissions (CALEOL) and the people attached to them.

use crate::model::{CommissionRow, OrganisationDetail, OrganisationSummary, PersonRow, Role};
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

pub async fn insert_organisation(
    conn: &mut AnyConnection,
    name: &str,
    siren: &str,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO organisations (name, siren, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(siren)
    .bind(now())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Sets where applicants write to contest a decision; false when there is no such organisation.
pub async fn set_postal_address(
    conn: &mut AnyConnection,
    organisation_id: i64,
    address: &str,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query("UPDATE organisations SET postal_address = $1 WHERE id = $2")
        .bind(address)
        .bind(organisation_id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// The EPCIs (SIREN) where the organisation publishes, in order.
pub async fn epcis(pool: &AnyPool, organisation_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT epci_siren FROM organisation_epcis WHERE organisation_id = $1 ORDER BY epci_siren",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// Adds territories to an organisation; those it already has are left as they are.
pub async fn add_epcis(
    conn: &mut AnyConnection,
    organisation_id: i64,
    sirens: &[String],
) -> Result<(), sqlx::Error> {
    for siren in sirens {
        sqlx::query(
            "INSERT INTO organisation_epcis (organisation_id, epci_siren) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(organisation_id)
        .bind(siren)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn insert_commission(
    conn: &mut AnyConnection,
    organisation_id: i64,
    name: &str,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO commissions (organisation_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(organisation_id)
    .bind(name)
    .bind(now())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn list(pool: &AnyPool) -> Result<Vec<OrganisationSummary>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT o.id, o.name, o.siren,
                (SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id AND u.role = 'staff'),
                (SELECT COUNT(*) FROM units n WHERE n.organisation_id = o.id)
         FROM organisations o ORDER BY o.name",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, siren, staff_count, unit_count)| OrganisationSummary {
                id,
                name,
                siren,
                staff_count,
                unit_count,
            },
        )
        .collect())
}

pub async fn name_of(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name, siren FROM organisations WHERE id = $1")
        .bind(organisation_id)
        .fetch_optional(pool)
        .await
}

type PersonTuple = (i64, String, String, String, i64, Option<String>);

fn person((id, display_name, email, role, active, commission): PersonTuple) -> Option<PersonRow> {
    Some(PersonRow {
        id,
        display_name,
        email,
        role: Role::parse(&role)?,
        active: active != 0,
        commission,
    })
}

pub async fn detail(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Option<OrganisationDetail>, sqlx::Error> {
    let Some((name, siren)) = name_of(pool, organisation_id).await? else {
        return Ok(None);
    };
    let (postal_address,): (String,) =
        sqlx::query_as("SELECT postal_address FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(pool)
            .await?;
    let people: Vec<PersonTuple> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email, u.role, u.active, c.name
         FROM users u LEFT JOIN commissions c ON c.id = u.commission_id
         WHERE u.organisation_id = $1 ORDER BY u.role DESC, u.display_name",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let commissions: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.name, (SELECT COUNT(*) FROM users u WHERE u.commission_id = c.id)
         FROM commissions c WHERE c.organisation_id = $1 ORDER BY c.name",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let epcis = epcis(pool, organisation_id)
        .await?
        .into_iter()
        .map(|siren| {
            let name = crate::ssr::reference::epci_name(&siren);
            (siren, name)
        })
        .collect();
    Ok(Some(OrganisationDetail {
        id: organisation_id,
        name,
        siren,
        postal_address,
        epcis,
        people: people.into_iter().filter_map(person).collect(),
        commissions: commissions
            .into_iter()
            .map(|(id, name, member_count)| CommissionRow {
                id,
                name,
                member_count,
            })
            .collect(),
    }))
}

/// The organisation a commission belongs to.
pub async fn commission_organisation(
    pool: &AnyPool,
    commission_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT organisation_id FROM commissions WHERE id = $1")
            .bind(commission_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(id,)| id))
}

pub async fn id_by_siren(pool: &AnyPool, siren: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM organisations WHERE siren = $1")
        .bind(siren)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|(id,)| id))
}

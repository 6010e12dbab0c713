//! Units as staff edit them. Every query carries the organisation in its WHERE clause, so a unit
//! of another organisation is simply not found.

use crate::domain::offer::{UnitInput, ValidUnit};
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

/// Creates a unit (`id = None`) or updates one of the organisation's. `Ok(None)`: no such unit in
/// this organisation.
pub async fn save_unit(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: Option<i64>,
    unit: &ValidUnit,
) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    let query = match id {
        None => sqlx::query_as::<_, (i64,)>(
            "INSERT INTO units (reference, address, commune_insee, epci_siren, neighbourhood, in_qpv, typology,
                 surface_m2, floor, has_lift, accessibility, energy_label, financing, rent_cents, charges_cents,
                 reservataire, construction_period, description, organisation_id, created_at, updated_at, qpv_code)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21)
             RETURNING id",
        ),
        Some(_) => sqlx::query_as::<_, (i64,)>(
            "UPDATE units SET reference = $1, address = $2, commune_insee = $3, epci_siren = $4, neighbourhood = $5,
                 in_qpv = $6, typology = $7, surface_m2 = $8, floor = $9, has_lift = $10, accessibility = $11,
                 energy_label = $12, financing = $13, rent_cents = $14, charges_cents = $15, reservataire = $16,
                 construction_period = $17, description = $18, updated_at = $20, qpv_code = $21
             WHERE organisation_id = $19 AND id = $22
             RETURNING id",
        ),
    };
    let mut query = query
        .bind(&unit.reference)
        .bind(&unit.address)
        .bind(&unit.commune_insee)
        .bind(&unit.epci_siren)
        .bind(&unit.neighbourhood)
        .bind(i64::from(unit.in_qpv))
        .bind(unit.typology.code())
        .bind(unit.surface_m2)
        .bind(unit.floor)
        .bind(i64::from(unit.has_lift))
        .bind(unit.accessibility.code())
        .bind(unit.energy_label.code())
        .bind(unit.financing.code())
        .bind(unit.rent_cents)
        .bind(unit.charges_cents)
        .bind(unit.reservataire.code())
        .bind(unit.construction_period.code())
        .bind(&unit.description)
        .bind(organisation_id)
        .bind(at)
        .bind(unit.qpv_code.clone());
    if let Some(id) = id {
        query = query.bind(id);
    }
    let row = query.fetch_optional(&mut *conn).await?;
    if let Some((unit_id,)) = row {
        // The unit's offers show its fields: mark them changed so every search index refreshes them.
        sqlx::query("UPDATE offers SET updated_at = $1 WHERE unit_id = $2")
            .bind(at)
            .bind(unit_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(row.map(|(id,)| id))
}

#[derive(sqlx::FromRow)]
struct UnitEditRow {
    reference: String,
    address: String,
    commune_insee: String,
    neighbourhood: String,
    in_qpv: i64,
    qpv_code: Option<String>,
    typology: String,
    surface_m2: i64,
    floor: i64,
    has_lift: i64,
    accessibility: String,
    energy_label: String,
    financing: String,
    rent_cents: i64,
    charges_cents: i64,
    reservataire: String,
    construction_period: String,
    description: String,
}

fn euros_for_input(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{},{:02}", cents / 100, cents % 100)
    }
}

/// One of the organisation's units, as the edit form shows it.
pub async fn unit_input(
    pool: &AnyPool,
    organisation_id: i64,
    id: i64,
) -> Result<Option<UnitInput>, sqlx::Error> {
    let row: Option<UnitEditRow> = sqlx::query_as(
        "SELECT reference, address, commune_insee, neighbourhood, in_qpv, qpv_code, typology, surface_m2, floor, has_lift,
                accessibility, energy_label, financing, rent_cents, charges_cents, reservataire,
                construction_period, description
         FROM units WHERE organisation_id = $1 AND id = $2",
    )
    .bind(organisation_id)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| UnitInput {
        reference: r.reference,
        address: r.address,
        commune_insee: r.commune_insee,
        neighbourhood: r.neighbourhood,
        in_qpv: r.in_qpv != 0,
        qpv_code: r.qpv_code.unwrap_or_default(),
        typology: r.typology,
        surface_m2: r.surface_m2.to_string(),
        floor: r.floor.to_string(),
        has_lift: r.has_lift != 0,
        accessibility: r.accessibility,
        energy_label: r.energy_label,
        financing: r.financing,
        rent_euros: euros_for_input(r.rent_cents),
        charges_euros: euros_for_input(r.charges_cents),
        reservataire: r.reservataire,
        construction_period: r.construction_period,
        description: r.description,
    }))
}

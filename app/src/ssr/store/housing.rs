//! The housing stock, offers and applicants' requests, as far as the foundation needs them.

use crate::model::UnitRow;
use sqlx::AnyPool;

pub struct StockCounts {
    pub units: i64,
    pub units_in_qpv: i64,
    pub published_offers: i64,
}

pub async fn stock_counts(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<StockCounts, sqlx::Error> {
    let (units, units_in_qpv, published_offers): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM units WHERE organisation_id = $1),
                (SELECT COUNT(*) FROM units WHERE organisation_id = $1 AND in_qpv = 1),
                (SELECT COUNT(*) FROM offers WHERE organisation_id = $1 AND status = 'published')",
    )
    .bind(organisation_id)
    .fetch_one(pool)
    .await?;
    Ok(StockCounts {
        units,
        units_in_qpv,
        published_offers,
    })
}

#[derive(sqlx::FromRow)]
struct UnitListRow {
    id: i64,
    reference: String,
    address: String,
    commune_insee: String,
    typology: String,
    financing: String,
    surface_m2: i64,
    rent_cents: i64,
    charges_cents: i64,
    in_qpv: i64,
}

/// One page of an organisation's units, by reference.
pub async fn units_page(
    pool: &AnyPool,
    organisation_id: i64,
    page: i64,
    per_page: i64,
) -> Result<Vec<UnitRow>, sqlx::Error> {
    let rows: Vec<UnitListRow> = sqlx::query_as(
        "SELECT id, reference, address, commune_insee, typology, financing, surface_m2, rent_cents, charges_cents, in_qpv
         FROM units WHERE organisation_id = $1 ORDER BY reference LIMIT $2 OFFSET $3",
    )
    .bind(organisation_id)
    .bind(per_page)
    .bind((page - 1).max(0) * per_page)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| UnitRow {
            id: row.id,
            reference: row.reference,
            address: row.address,
            commune: crate::ssr::reference::commune_name(&row.commune_insee),
            typology: row.typology,
            financing: row.financing,
            surface_m2: row.surface_m2,
            rent_cents: row.rent_cents,
            charges_cents: row.charges_cents,
            in_qpv: row.in_qpv != 0,
        })
        .collect())
}

pub struct NewUnit<'a> {
    pub organisation_id: i64,
    pub reference: &'a str,
    pub address: &'a str,
    pub commune_insee: &'a str,
    pub epci_siren: &'a str,
    pub neighbourhood: &'a str,
    pub in_qpv: bool,
    pub typology: &'a str,
    pub surface_m2: i64,
    pub floor: i64,
    pub has_lift: bool,
    pub accessibility: &'a str,
    pub energy_label: &'a str,
    pub financing: &'a str,
    pub rent_cents: i64,
    pub charges_cents: i64,
    pub reservataire: &'a str,
    pub construction_period: &'a str,
    pub description: &'a str,
}

pub async fn insert_unit(
    conn: &mut sqlx::AnyConnection,
    unit: &NewUnit<'_>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO units (organisation_id, reference, address, commune_insee, epci_siren, neighbourhood, in_qpv,
             typology, surface_m2, floor, has_lift, accessibility, energy_label, financing, rent_cents, charges_cents,
             reservataire, construction_period, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
         RETURNING id",
    )
    .bind(unit.organisation_id)
    .bind(unit.reference)
    .bind(unit.address)
    .bind(unit.commune_insee)
    .bind(unit.epci_siren)
    .bind(unit.neighbourhood)
    .bind(i64::from(unit.in_qpv))
    .bind(unit.typology)
    .bind(unit.surface_m2)
    .bind(unit.floor)
    .bind(i64::from(unit.has_lift))
    .bind(unit.accessibility)
    .bind(unit.energy_label)
    .bind(unit.financing)
    .bind(unit.rent_cents)
    .bind(unit.charges_cents)
    .bind(unit.reservataire)
    .bind(unit.construction_period)
    .bind(unit.description)
    .bind(crate::ssr::db::now())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub struct NewOffer<'a> {
    pub unit_id: i64,
    pub organisation_id: i64,
    pub status: &'a str,
    pub categories: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
}

pub async fn insert_offer(
    conn: &mut sqlx::AnyConnection,
    offer: &NewOffer<'_>,
) -> Result<i64, sqlx::Error> {
    let at = crate::ssr::db::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO offers (unit_id, organisation_id, status, categories, opens_at, closes_at, created_at, updated_at,
             published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(offer.unit_id)
    .bind(offer.organisation_id)
    .bind(offer.status)
    .bind(offer.categories)
    .bind(offer.opens_at)
    .bind(offer.closes_at)
    .bind(at)
    .bind(at)
    .bind((offer.status == "published").then_some(offer.opens_at))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub struct NewProfile<'a> {
    pub user_id: i64,
    pub sne_number: Option<&'a str>,
    pub first_filing_date: Option<&'a str>,
    pub renewal_date: Option<&'a str>,
    pub housing_status: &'a str,
    pub current_landlord: Option<&'a str>,
    pub current_typology: Option<&'a str>,
    pub current_rent_cents: Option<i64>,
    pub dalo: bool,
    pub priority_flags: &'a str,
    pub wished_communes: &'a str,
    pub wished_typologies: &'a str,
    pub max_rent_cents: Option<i64>,
    pub action_logement_employee: bool,
    pub monthly_resources_cents: Option<i64>,
}

pub async fn insert_profile(
    conn: &mut sqlx::AnyConnection,
    p: &NewProfile<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO applicant_profiles (user_id, sne_number, first_filing_date, renewal_date, housing_status,
             current_landlord, current_typology, current_rent_cents, dalo, priority_flags, wished_communes,
             wished_typologies, max_rent_cents, action_logement_employee, updated_at, monthly_resources_cents)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(p.user_id)
    .bind(p.sne_number)
    .bind(p.first_filing_date)
    .bind(p.renewal_date)
    .bind(p.housing_status)
    .bind(p.current_landlord)
    .bind(p.current_typology)
    .bind(p.current_rent_cents)
    .bind(i64::from(p.dalo))
    .bind(p.priority_flags)
    .bind(p.wished_communes)
    .bind(p.wished_typologies)
    .bind(p.max_rent_cents)
    .bind(i64::from(p.action_logement_employee))
    .bind(crate::ssr::db::now())
    .bind(p.monthly_resources_cents)
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewMember<'a> {
    pub user_id: i64,
    pub relationship: &'a str,
    pub first_name: &'a str,
    pub birth_date: &'a str,
    pub handicap: bool,
    pub dependant: bool,
    pub rfr_n2_eur: Option<i64>,
}

pub async fn insert_household_member(
    conn: &mut sqlx::AnyConnection,
    m: &NewMember<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO household_members (user_id, relationship, first_name, birth_date, handicap, dependant, rfr_n2_eur)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(m.user_id)
    .bind(m.relationship)
    .bind(m.first_name)
    .bind(m.birth_date)
    .bind(i64::from(m.handicap))
    .bind(i64::from(m.dependant))
    .bind(m.rfr_n2_eur)
    .execute(conn)
    .await?;
    Ok(())
}

//! Read models of offers: the search index's documents, the catalogue cards, and the offer sheet
//! the public and staff see.

use crate::domain::catalogue::OfferSummary;
use crate::domain::offer::{
    Accessibility, Category, ConstructionPeriod, OfferStatus, categories_from_csv,
};
use crate::domain::territory::Places;
use crate::model::{OfferDetail, OfferEvent};
use crate::ssr::db::now;
use crate::ssr::reference::national;
use crate::ssr::search::OfferDoc;
use sqlx::AnyPool;

use super::{iso_day, last_day};
use crate::ssr::reference::commune_name;

#[derive(sqlx::FromRow)]
struct OfferDocRow {
    id: i64,
    address: String,
    neighbourhood: String,
    description: String,
    commune_insee: String,
    epci_siren: String,
    typology: String,
    financing: String,
    in_qpv: i64,
    has_lift: i64,
    accessibility: String,
    rent_cents: i64,
    charges_cents: i64,
    surface_m2: i64,
    opens_at: i64,
    closes_at: i64,
    published_at: Option<i64>,
    categories: String,
    landlord: String,
}

impl From<OfferDocRow> for OfferDoc {
    fn from(row: OfferDocRow) -> Self {
        let commune = national().commune(&row.commune_insee);
        let commune_name = commune.map(|c| c.name.as_str()).unwrap_or("");
        let postcode = commune.map(|c| c.postcodes.join(" ")).unwrap_or_default();
        OfferDoc {
            commune_parent: commune.and_then(|c| c.parent_insee.clone()),
            offer_id: row.id,
            text: format!(
                "{} {commune_name} {postcode} {} {} {} {}",
                row.typology, row.neighbourhood, row.address, row.landlord, row.description
            ),
            categories: categories_from_csv(&row.categories)
                .into_iter()
                .map(|c| c.code().to_string())
                .collect(),
            commune_insee: row.commune_insee,
            epci_siren: row.epci_siren,
            typology: row.typology,
            financing: row.financing,
            in_qpv: row.in_qpv != 0,
            has_lift: row.has_lift != 0,
            accessibility: row.accessibility,
            monthly_cents: row.rent_cents + row.charges_cents,
            surface_m2: row.surface_m2,
            opens_at: row.opens_at,
            closes_at: row.closes_at,
            published_at: row.published_at.unwrap_or(row.opens_at),
        }
    }
}

const OFFER_DOC_QUERY: &str = "SELECT o.id, u.address, u.neighbourhood, u.description, u.commune_insee,
        u.epci_siren, u.typology, u.financing, u.in_qpv, u.has_lift, u.accessibility, u.rent_cents, u.charges_cents,
        u.surface_m2, o.opens_at, o.closes_at, o.published_at, o.categories, g.name AS landlord
     FROM offers o JOIN units u ON u.id = o.unit_id JOIN organisations g ON g.id = o.organisation_id
     WHERE o.status = 'published'";

/// Every published offer, shaped for the search index.
pub async fn published_offer_docs(pool: &AnyPool) -> Result<Vec<OfferDoc>, sqlx::Error> {
    let rows: Vec<OfferDocRow> = sqlx::query_as(OFFER_DOC_QUERY).fetch_all(pool).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One offer for the index: `None` when it is not (or no longer) published.
pub async fn offer_doc(pool: &AnyPool, offer_id: i64) -> Result<Option<OfferDoc>, sqlx::Error> {
    let row: Option<OfferDocRow> = sqlx::query_as(&format!("{OFFER_DOC_QUERY} AND o.id = $1"))
        .bind(offer_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Into::into))
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: i64,
    status: String,
    organisation_id: i64,
    landlord: String,
    unit_id: i64,
    reference: String,
    typology: String,
    surface_m2: i64,
    floor: i64,
    has_lift: i64,
    accessibility: String,
    energy_label: String,
    financing: String,
    rent_cents: i64,
    charges_cents: i64,
    address: String,
    commune_insee: String,
    epci_siren: String,
    neighbourhood: String,
    in_qpv: i64,
    reservataire: String,
    orientation: Option<String>,
    oriented_kind: Option<String>,
    oriented_name: Option<String>,
    construction_period: String,
    description: String,
    categories: String,
    opens_at: i64,
    closes_at: i64,
}

const DETAIL_QUERY: &str = "SELECT o.id, o.status, o.organisation_id, g.name AS landlord, u.id AS unit_id,
        u.reference, u.typology, u.surface_m2, u.floor, u.has_lift, u.accessibility, u.energy_label, u.financing,
        u.rent_cents, u.charges_cents, u.address, u.commune_insee, u.epci_siren, u.neighbourhood, u.in_qpv,
        u.reservataire, o.orientation, rs.kind AS oriented_kind, rs.name AS oriented_name,
        u.construction_period, u.description, o.categories, o.opens_at, o.closes_at
     FROM offers o JOIN units u ON u.id = o.unit_id JOIN organisations g ON g.id = o.organisation_id
     LEFT JOIN flux_conventions fc ON fc.id = o.convention_id
     LEFT JOIN reservataires rs ON rs.id = fc.reservataire_id";

impl DetailRow {
    fn into_detail(self) -> OfferDetail {
        let commune = national().commune(&self.commune_insee);
        let status = OfferStatus::parse(&self.status);
        OfferDetail {
            id: self.id,
            status_label: status.map(|s| s.label()).unwrap_or("?").to_string(),
            status: self.status,
            landlord: self.landlord,
            typology: self.typology,
            surface_m2: self.surface_m2,
            floor: self.floor,
            has_lift: self.has_lift != 0,
            accessibility_label: Accessibility::parse(&self.accessibility)
                .map(|a| a.label())
                .unwrap_or("")
                .to_string(),
            accessibility: self.accessibility,
            energy_label: self.energy_label,
            financing_label: crate::domain::offer::Financing::parse(&self.financing)
                .map(|f| f.label())
                .unwrap_or("")
                .to_string(),
            financing: self.financing,
            rent_cents: self.rent_cents,
            charges_cents: self.charges_cents,
            address: self.address,
            postcode: commune.map(|c| c.postcode()).unwrap_or("").to_string(),
            commune: commune_name(&self.commune_insee),
            commune_insee: self.commune_insee,
            epci: national()
                .epci_name(&self.epci_siren)
                .map(str::to_string)
                .unwrap_or(self.epci_siren),
            neighbourhood: self.neighbourhood,
            in_qpv: self.in_qpv != 0,
            reservataire_label: crate::domain::flux::reservataire_label(
                self.orientation.as_deref(),
                self.oriented_kind
                    .as_deref()
                    .zip(self.oriented_name.as_deref()),
                &self.reservataire,
            ),
            construction_period: ConstructionPeriod::parse(&self.construction_period)
                .map(|p| p.label().to_string())
                .unwrap_or(self.construction_period),
            description: self.description,
            categories: categories_from_csv(&self.categories)
                .into_iter()
                .map(|c: Category| (c.code().to_string(), c.label().to_string()))
                .collect(),
            opens_on: iso_day(self.opens_at),
            closes_on: last_day(self.closes_at),
            photos: Vec::new(),
        }
    }
}

async fn with_photos(
    pool: &AnyPool,
    unit_id: i64,
    mut detail: OfferDetail,
) -> Result<OfferDetail, sqlx::Error> {
    detail.photos = super::photo_refs(pool, &[unit_id])
        .await?
        .into_iter()
        .map(|(_, photo)| photo)
        .collect();
    Ok(detail)
}

/// An offer as the public sees it: only while published and open.
pub async fn public_offer(
    pool: &AnyPool,
    offer_id: i64,
) -> Result<Option<OfferDetail>, sqlx::Error> {
    let row: Option<DetailRow> = sqlx::query_as(&format!(
        "{DETAIL_QUERY} WHERE o.id = $1 AND o.status = 'published' AND o.opens_at <= $2 AND o.closes_at > $2"
    ))
    .bind(offer_id)
    .bind(now())
    .fetch_optional(pool)
    .await?;
    match row {
        Some(row) => {
            let unit_id = row.unit_id;
            Ok(Some(with_photos(pool, unit_id, row.into_detail()).await?))
        }
        None => Ok(None),
    }
}

/// An offer of the organisation, in any state, with its unit and history.
pub struct StaffOfferData {
    pub detail: OfferDetail,
    pub unit_id: i64,
    pub unit_reference: String,
    pub categories: Vec<String>,
    pub events: Vec<OfferEvent>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: i64,
    from_status: Option<String>,
    to_status: String,
    actor: Option<String>,
}

pub async fn staff_offer(
    pool: &AnyPool,
    organisation_id: i64,
    offer_id: i64,
) -> Result<Option<StaffOfferData>, sqlx::Error> {
    let row: Option<DetailRow> = sqlx::query_as(&format!(
        "{DETAIL_QUERY} WHERE o.id = $1 AND o.organisation_id = $2"
    ))
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    debug_assert_eq!(row.organisation_id, organisation_id);
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT e.at, e.from_status, e.to_status, u.display_name AS actor
         FROM offer_events e LEFT JOIN users u ON u.id = e.actor_user_id
         WHERE e.offer_id = $1 ORDER BY e.id",
    )
    .bind(offer_id)
    .fetch_all(pool)
    .await?;
    let label = |code: &str| {
        OfferStatus::parse(code)
            .map(|s| s.label())
            .unwrap_or("?")
            .to_string()
    };
    let unit_id = row.unit_id;
    let unit_reference = row.reference.clone();
    let categories = categories_from_csv(&row.categories)
        .into_iter()
        .map(|c| c.code().to_string())
        .collect();
    let detail = with_photos(pool, unit_id, row.into_detail()).await?;
    Ok(Some(StaffOfferData {
        detail,
        unit_id,
        unit_reference,
        categories,
        events: events
            .into_iter()
            .map(|e| OfferEvent {
                at: e.at,
                from_label: e.from_status.as_deref().map(label),
                to_label: label(&e.to_status),
                actor: e.actor,
            })
            .collect(),
    }))
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    unit_id: i64,
    typology: String,
    surface_m2: i64,
    commune_insee: String,
    neighbourhood: String,
    in_qpv: i64,
    has_lift: i64,
    floor: i64,
    financing: String,
    rent_cents: i64,
    charges_cents: i64,
    categories: String,
    landlord: String,
    closes_at: i64,
    description: String,
}

/// Catalogue cards for `ids`, in that order, leaving out any no longer published (the index may
/// be a moment behind the database, which stays the source of truth).
/// "Published", for a query that names its offers by id: written as an expression so that no
/// index on `status` applies. Given `status = 'published' AND id IN (…)`, SQLite walked the
/// status index through every published offer (100,000 in the load test, 70 % of a catalogue
/// request's time) rather than fetching the twenty ids by primary key.
const PUBLISHED_BY_ID: &str = "(o.status || '') = 'published'";

pub async fn summaries(pool: &AnyPool, ids: &[i64]) -> Result<Vec<OfferSummary>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = crate::ssr::db::bind_list(ids.len());
    let sql = format!(
        "SELECT o.id, o.unit_id, u.typology, u.surface_m2, u.commune_insee, u.neighbourhood, u.in_qpv, u.has_lift, u.floor,
                u.financing, u.rent_cents, u.charges_cents, o.categories, g.name AS landlord, o.closes_at,
                u.description
         FROM offers o JOIN units u ON u.id = o.unit_id JOIN organisations g ON g.id = o.organisation_id
         WHERE o.id IN ({}) AND {PUBLISHED_BY_ID}",
        placeholders
    );
    let mut query = sqlx::query_as::<_, SummaryRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut rows = query.fetch_all(pool).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    let unit_ids: Vec<i64> = rows.iter().map(|r| r.unit_id).collect();
    let photos = super::photo_refs(pool, &unit_ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| OfferSummary {
            id: r.id,
            typology: r.typology,
            surface_m2: r.surface_m2,
            commune: commune_name(&r.commune_insee),
            commune_insee: r.commune_insee,
            neighbourhood: r.neighbourhood,
            in_qpv: r.in_qpv != 0,
            has_lift: r.has_lift != 0,
            floor: r.floor,
            financing: r.financing,
            rent_cents: r.rent_cents,
            charges_cents: r.charges_cents,
            categories: categories_from_csv(&r.categories)
                .into_iter()
                .map(|c| c.label().to_string())
                .collect(),
            landlord: r.landlord,
            closes_on: last_day(r.closes_at),
            excerpt: excerpt(&r.description, 180),
            thumbnail: photos
                .iter()
                .find(|(unit, _)| *unit == r.unit_id)
                .map(|(_, photo)| photo.clone()),
            for_me: None,
            applications_so_far: None,
        })
        .collect())
}

/// The start of `text`, cut at a word boundary.
fn excerpt(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let end = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", &cut[..end])
}

#[derive(sqlx::FromRow)]
struct TermsRow {
    id: i64,
    organisation_id: i64,
    financing: String,
    typology: String,
    categories: String,
    commune_insee: String,
    rent_cents: i64,
    charges_cents: i64,
}

/// What the eligibility engine needs about each of `ids` that is published (every published offer
/// when `ids` is `None`), with its landlord.
pub async fn offer_terms(
    pool: &AnyPool,
    ids: Option<&[i64]>,
) -> Result<Vec<(i64, i64, crate::domain::eligibility::OfferTerms)>, sqlx::Error> {
    use crate::domain::offer::{Financing, Typology};
    let filter = match ids {
        Some([]) => return Ok(Vec::new()),
        Some(ids) => {
            let placeholders = crate::ssr::db::bind_list(ids.len());
            format!("o.id IN ({}) AND {PUBLISHED_BY_ID}", placeholders)
        }
        None => "o.status = 'published'".to_string(),
    };
    let sql = format!(
        "SELECT o.id, o.organisation_id, u.financing, u.typology, o.categories, u.commune_insee, u.rent_cents,
                u.charges_cents
         FROM offers o JOIN units u ON u.id = o.unit_id
         WHERE {filter}"
    );
    let mut query = sqlx::query_as::<_, TermsRow>(&sql);
    for id in ids.unwrap_or_default() {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let terms = crate::domain::eligibility::OfferTerms {
                financing: Financing::parse(&r.financing)?,
                typology: Typology::parse(&r.typology)?,
                categories: categories_from_csv(&r.categories),
                zone: crate::ssr::reference::zone_of(&r.commune_insee),
                rent_cents: r.rent_cents,
                charges_cents: r.charges_cents,
            };
            Some((r.id, r.organisation_id, terms))
        })
        .collect())
}

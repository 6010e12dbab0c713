//! The public catalogue: a query runs against the search index for ids, totals and counts, and
//! the database fills in the cards. Shared by the catalogue page and the open JSON API.

use super::db::{Db, now};
use super::search::{Dimension, SearchError, SearchIndex};
use super::store::listings;
use crate::domain::catalogue::{
    CatalogueQuery, CatalogueResults, Facet, FacetValue, MAX_PAGE, PER_PAGE,
};
use crate::domain::offer::{Accessibility, Category, Financing, Typology};
use crate::domain::territory;

fn label(dimension: Dimension, value: &str) -> String {
    match dimension {
        Dimension::Commune => territory::commune(value)
            .map(|c| c.name.to_string())
            .unwrap_or_else(|| value.to_string()),
        Dimension::Epci => territory::epci(value)
            .map(|e| e.name.to_string())
            .unwrap_or_else(|| value.to_string()),
        Dimension::Typology => Typology::parse(value)
            .map(|t| t.label().to_string())
            .unwrap_or_else(|| value.to_string()),
        Dimension::Financing => Financing::parse(value)
            .map(|f| f.label().to_string())
            .unwrap_or_else(|| value.to_string()),
        Dimension::Category => Category::parse(value)
            .map(|c| c.label().to_string())
            .unwrap_or_else(|| value.to_string()),
        Dimension::Accessibility => Accessibility::parse(value)
            .map(|a| a.label().to_string())
            .unwrap_or_else(|| value.to_string()),
        Dimension::Qpv | Dimension::Lift => {
            if value == "oui" {
                "Oui".to_string()
            } else {
                "Non".to_string()
            }
        }
    }
}

fn title(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Commune => "Commune",
        Dimension::Epci => "Intercommunalité",
        Dimension::Typology => "Typologie",
        Dimension::Financing => "Financement",
        Dimension::Category => "Public visé",
        Dimension::Qpv => "En quartier prioritaire (QPV)",
        Dimension::Lift => "Ascenseur",
        Dimension::Accessibility => "Accessibilité",
    }
}

/// The value of `dimension` the query filters on, as the index stores it.
fn selected(query: &CatalogueQuery, dimension: Dimension) -> Option<String> {
    let yes_no = |b: bool| if b { "oui" } else { "non" }.to_string();
    match dimension {
        Dimension::Commune => query.commune.clone(),
        Dimension::Epci => query.epci.clone(),
        Dimension::Typology => query.typologie.map(|v| v.code().to_string()),
        Dimension::Financing => query.financement.map(|v| v.code().to_string()),
        Dimension::Category => query.categorie.map(|v| v.code().to_string()),
        Dimension::Qpv => query.qpv.map(yes_no),
        Dimension::Lift => query.ascenseur.map(yes_no),
        Dimension::Accessibility => query.accessibilite.map(|v| v.code().to_string()),
    }
}

/// Sorting rank of a value inside its facet: the vocabulary's order where there is one.
fn rank(dimension: Dimension, value: &str) -> (usize, String) {
    let position = match dimension {
        Dimension::Typology => Typology::ALL.iter().position(|t| t.code() == value),
        Dimension::Financing => Financing::ALL.iter().position(|f| f.code() == value),
        Dimension::Category => Category::ALL.iter().position(|c| c.code() == value),
        Dimension::Accessibility => Accessibility::ALL.iter().position(|a| a.code() == value),
        Dimension::Qpv | Dimension::Lift => Some(usize::from(value != "oui")),
        Dimension::Commune | Dimension::Epci => None,
    };
    (position.unwrap_or(0), label(dimension, value))
}

/// Runs `query` and builds the page or API answer.
pub async fn search(
    db: &Db,
    index: &SearchIndex,
    query: CatalogueQuery,
) -> Result<CatalogueResults, SearchError> {
    search_within(db, index, query, None).await
}

/// [`search`] among `within` only, when given.
pub async fn search_within(
    db: &Db,
    index: &SearchIndex,
    query: CatalogueQuery,
    within: Option<Vec<i64>>,
) -> Result<CatalogueResults, SearchError> {
    let outcome = index.search(query.clone(), now(), within).await?;
    let hits = listings::summaries(db.pool(), &outcome.offer_ids).await?;
    let pages = (outcome.total.div_ceil(u64::from(PER_PAGE)) as u32).clamp(1, MAX_PAGE);
    let facets = outcome
        .facets
        .into_iter()
        .map(|(dimension, counts)| {
            let chosen = selected(&query, dimension);
            let mut values: Vec<FacetValue> = counts
                .into_iter()
                .map(|(value, count)| FacetValue {
                    label: label(dimension, &value),
                    value,
                    count,
                })
                .collect();
            // A chosen value stays listed even when nothing matches it any more.
            if let Some(chosen) = chosen
                && !values.iter().any(|v| v.value == chosen)
            {
                values.push(FacetValue {
                    label: label(dimension, &chosen),
                    value: chosen,
                    count: 0,
                });
            }
            values.sort_by_key(|v| rank(dimension, &v.value));
            Facet {
                parameter: dimension.field_name().to_string(),
                label: title(dimension).to_string(),
                values,
            }
        })
        .collect();
    Ok(CatalogueResults {
        page: query.page,
        pages,
        total: outcome.total,
        hits,
        facets,
        query,
        for_applicant: false,
    })
}

/// Brings the index in line with the database for these offers: published ones are (re)indexed,
/// the others removed.
pub async fn refresh(db: &Db, index: &SearchIndex, offer_ids: &[i64]) -> Result<(), SearchError> {
    if offer_ids.is_empty() {
        return Ok(());
    }
    let mut changes = Vec::with_capacity(offer_ids.len());
    for id in offer_ids {
        changes.push((*id, listings::offer_doc(db.pool(), *id).await?));
    }
    index.upsert_many(changes).await
}

/// Sends the daily digest of every alert that is due: the offers published since its last
/// digest that match its search. Each alert moves its mark in the same transaction as its
/// e-mail, so two servers never send the same digest and a crash loses none.
pub async fn send_digests(
    db: &Db,
    index: &SearchIndex,
    link: impl Fn(&str) -> String,
    at: i64,
) -> Result<usize, SearchError> {
    use super::letters::{DigestLine, new_offers_digest};
    use super::store::alerts;
    use crate::domain::catalogue::Sort;
    let pool = db.pool();
    let mut sent = 0;
    for alert in alerts::due(pool, at).await? {
        let query = CatalogueQuery::from_query_string(&alert.query).ok();
        let mut fresh = Vec::new();
        if let Some(query) = &query {
            let newest = CatalogueQuery {
                tri: Some(Sort::Newest),
                ..query.for_alert()
            };
            let outcome = index.search(newest, at, None).await?;
            let ids = alerts::published_between(pool, &outcome.offer_ids, alert.digested_until, at)
                .await?;
            fresh = listings::summaries(pool, &ids).await?;
        }
        let mut tx = super::db::begin_write(pool).await?;
        if !alerts::claim(&mut tx, alert.id, alert.digested_until, at).await? {
            continue;
        }
        if let (Some(query), false) = (&query, fresh.is_empty()) {
            let lines: Vec<DigestLine> = fresh
                .iter()
                .map(|o| DigestLine {
                    title: format!(
                        "{} de {} m² à {}, {} par mois charges comprises",
                        o.typology,
                        o.surface_m2,
                        o.commune,
                        crate::model::format_euros(o.rent_cents + o.charges_cents)
                    ),
                    link: link(&format!("/offres/{}", o.id)),
                })
                .collect();
            let mail = new_offers_digest(
                &alert.email,
                &alert.name,
                &query.describe(),
                &lines,
                &link(&query.href()),
                &link("/espace#alertes"),
            );
            super::mail::enqueue(&mut tx, &mail).await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

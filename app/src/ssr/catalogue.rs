//! The public catalogue: a query runs against the search index for ids, totals and counts, and
//! the database fills in the cards. Shared by the catalogue page and the open JSON API.

use super::db::{Db, now};
use super::reference::{Resolution, national};
use super::search::{Dimension, SearchError, SearchIndex};
use super::store::listings;
use crate::domain::catalogue::{
    CatalogueQuery, CatalogueResults, CommuneChoice, Facet, FacetValue, MAX_PAGE, PER_PAGE,
    QueryError,
};
use crate::domain::offer::{Accessibility, Category, Financing, Typology};
use crate::domain::territory::Places;

fn label(dimension: Dimension, value: &str) -> String {
    match dimension {
        Dimension::Commune => super::reference::commune_name(value),
        Dimension::Epci => national()
            .epci_name(value)
            .map(str::to_string)
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

/// How a five-digit commune is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommuneCodes {
    /// As an INSEE code first (the open API documents `commune` so).
    Strict,
    /// As a person types it: a postcode as much as a code, asking when they disagree.
    Typed,
}

/// Looks the query's commune and EPCI up in the national reference. A commune typed by name
/// becomes its INSEE code; one that designates no single commune comes back as a choice to
/// offer (the query keeps what was typed). An unknown EPCI is an error.
pub fn resolve_places(
    query: &mut CatalogueQuery,
    codes: CommuneCodes,
) -> Result<Option<CommuneChoice>, QueryError> {
    let national = national();
    if let Some(siren) = &query.epci
        && national.epci(siren).is_none()
    {
        return Err(QueryError {
            parameter: "epci".into(),
            message: format!("Intercommunalité inconnue : aucun EPCI n'a le SIREN {siren}."),
        });
    }
    let Some(typed) = query.commune.clone() else {
        return Ok(None);
    };
    if let CommuneCodes::Strict = codes
        && national.commune(&typed).is_some()
    {
        return Ok(None);
    }
    let labels = |found: Vec<&crate::domain::territory::Place>| {
        found
            .into_iter()
            .map(|p| (p.insee.clone(), p.label()))
            .collect::<Vec<_>>()
    };
    Ok(match national.resolve_typed(&typed) {
        Resolution::Found(place) => {
            query.commune = Some(place.insee.clone());
            None
        }
        Resolution::Ambiguous(found) => {
            let candidates = labels(found);
            let shown: Vec<String> = candidates.iter().map(|(_, l)| l.clone()).collect();
            Some(CommuneChoice {
                message: crate::domain::territory::CommuneProblem::Ambiguous(shown).message(),
                candidates,
            })
        }
        Resolution::NotFound => Some(CommuneChoice {
            message: crate::domain::territory::CommuneProblem::Unknown(typed).message(),
            candidates: Vec::new(),
        }),
    })
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
        description: query.describe(national()),
        commune_label: query
            .commune
            .as_deref()
            .and_then(|c| national().commune(c))
            .map(|p| p.label()),
        commune_problem: None,
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
                &query.describe(national()),
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

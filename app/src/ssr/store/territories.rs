//! What each territory (EPCI) lists for itself: its quartiers prioritaires, and the
//! first-quartile income threshold of each year.

use crate::domain::qpv::Qpv;
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

/// The QPVs of these territories, by commune then name.
pub async fn qpvs_of(pool: &AnyPool, epcis: &[String]) -> Result<Vec<Qpv>, sqlx::Error> {
    if epcis.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = crate::ssr::db::bind_list(epcis.len());
    let sql = format!(
        "SELECT code, name, commune_insee FROM qpv_neighbourhoods WHERE epci_siren IN ({})
         ORDER BY commune_insee, name",
        placeholders
    );
    let mut query = sqlx::query_as::<_, (String, String, String)>(&sql);
    for e in epcis {
        query = query.bind(e);
    }
    Ok(query
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(code, name, commune_insee)| Qpv {
            code,
            name,
            commune_insee,
        })
        .collect())
}

/// Replaces a territory's list. Units keep the code they were given.
pub async fn replace_qpvs(
    conn: &mut AnyConnection,
    epci_siren: &str,
    list: &[Qpv],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM qpv_neighbourhoods WHERE epci_siren = $1")
        .bind(epci_siren)
        .execute(&mut *conn)
        .await?;
    for q in list {
        sqlx::query(
            "INSERT INTO qpv_neighbourhoods (epci_siren, code, name, commune_insee) VALUES ($1, $2, $3, $4)",
        )
        .bind(epci_siren)
        .bind(&q.code)
        .bind(&q.name)
        .bind(&q.commune_insee)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The thresholds a territory entered, latest year first: `(year, euros per unit)`.
pub async fn thresholds(pool: &AnyPool, epci_siren: &str) -> Result<Vec<(i32, u32)>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT year, amount_eur FROM first_quartile_thresholds WHERE epci_siren = $1 ORDER BY year DESC",
    )
    .bind(epci_siren)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(y, a)| (y as i32, a.clamp(0, i64::from(u32::MAX)) as u32))
        .collect())
}

pub async fn threshold(
    pool: &AnyPool,
    epci_siren: &str,
    year: i32,
) -> Result<Option<u32>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT amount_eur FROM first_quartile_thresholds WHERE epci_siren = $1 AND year = $2",
    )
    .bind(epci_siren)
    .bind(i64::from(year))
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(a,)| a.clamp(0, i64::from(u32::MAX)) as u32))
}

/// Sets (or corrects) a year's threshold.
pub async fn set_threshold(
    conn: &mut AnyConnection,
    epci_siren: &str,
    year: i32,
    amount_eur: u32,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO first_quartile_thresholds (epci_siren, year, amount_eur, set_by_user_id, set_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (epci_siren, year) DO UPDATE SET amount_eur = excluded.amount_eur,
             set_by_user_id = excluded.set_by_user_id, set_at = excluded.set_at",
    )
    .bind(epci_siren)
    .bind(i64::from(year))
    .bind(i64::from(amount_eur))
    .bind(user_id)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

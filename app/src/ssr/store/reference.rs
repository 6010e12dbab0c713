//! The reference tables: communes and EPCIs as the embedded national reference lists them,
//! replaced whole when the embedded version changes, so that SQL can join on names and
//! territories (reports, exports) with the same data the server searches in memory.

use crate::domain::territory::{Area, Place};
use crate::ssr::db::{begin_write, now};
use crate::ssr::reference::{EpciRecord, National};
use sqlx::AnyPool;

/// What the start-up load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    AlreadyCurrent,
    Loaded { communes: usize, epcis: usize },
}

/// The version of the national reference the tables hold.
pub async fn loaded_version(pool: &AnyPool) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT version FROM ref_sources WHERE name = 'cog'")
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(v,)| v))
}

/// Loads `national` into the reference tables unless they already hold its version. One
/// transaction: a crash half-way leaves the previous version, and servers starting together
/// on one PostgreSQL each either load it or find it done.
pub async fn sync(pool: &AnyPool, national: &National) -> Result<Sync, sqlx::Error> {
    if loaded_version(pool).await?.as_deref() == Some(national.source.as_str()) {
        return Ok(Sync::AlreadyCurrent);
    }
    let mut tx = begin_write(pool).await?;
    // Servers starting together on one PostgreSQL take turns (SQLite's write lock does the same).
    if pool.connect_options().database_url.scheme() != "sqlite" {
        sqlx::query("SELECT pg_advisory_xact_lock(7239001)")
            .execute(&mut *tx)
            .await?;
    }
    // Checked again under the lock: the first server to get it loaded the tables.
    let current: Option<(String,)> =
        sqlx::query_as("SELECT version FROM ref_sources WHERE name = 'cog'")
            .fetch_optional(&mut *tx)
            .await?;
    if current.is_some_and(|(v,)| v == national.source) {
        return Ok(Sync::AlreadyCurrent);
    }
    sqlx::query("DELETE FROM ref_communes")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM ref_epcis")
        .execute(&mut *tx)
        .await?;
    for chunk in national
        .communes()
        .chunks(crate::ssr::db::rows_per_statement(7))
    {
        insert_communes(&mut tx, chunk).await?;
    }
    for chunk in national
        .epcis()
        .chunks(crate::ssr::db::rows_per_statement(3))
    {
        insert_epcis(&mut tx, chunk).await?;
    }
    sqlx::query(
        "INSERT INTO ref_sources (name, version, loaded_at) VALUES ('cog', $1, $2)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, loaded_at = excluded.loaded_at",
    )
    .bind(&national.source)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Sync::Loaded {
        communes: national.communes().len(),
        epcis: national.epcis().len(),
    })
}

async fn insert_communes(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    places: &[Place],
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO ref_communes (insee, name, postcodes, departement, area, epci_siren, parent_insee) VALUES {}",
        crate::ssr::db::bind_rows(places.len(), 7)
    );
    let mut query = sqlx::query(&sql);
    for p in places {
        query = query
            .bind(&p.insee)
            .bind(&p.name)
            .bind(p.postcodes.join(" "))
            .bind(&p.departement)
            .bind(match p.area {
                Area::Metropole => "metropole",
                Area::Overseas => "overseas",
            })
            .bind(p.epci_siren.clone())
            .bind(p.parent_insee.clone());
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

async fn insert_epcis(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    epcis: &[EpciRecord],
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO ref_epcis (siren, name, kind) VALUES {}",
        crate::ssr::db::bind_rows(epcis.len(), 3)
    );
    let mut query = sqlx::query(&sql);
    for e in epcis {
        query = query.bind(&e.siren).bind(&e.name).bind(&e.kind);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// How many communes and EPCIs the tables hold.
pub async fn counts(pool: &AnyPool) -> Result<(i64, i64), sqlx::Error> {
    let (communes,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ref_communes")
        .fetch_one(pool)
        .await?;
    let (epcis,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ref_epcis")
        .fetch_one(pool)
        .await?;
    Ok((communes, epcis))
}

//! Catalogue search benchmark: tantivy (what the app uses) against SQLite FTS5 (the obvious
//! alternative), on the same generated offers and the same fixed mix of queries, in one run.
//!
//! Run with `scripts/bench.sh` (or `cargo bench -p locactive --bench search`). `BENCH_OFFERS`
//! changes the corpus size (default 100 000), `BENCH_ROUNDS` the repetitions of the mix (default 10),
//! `BENCH_TANTIVY_ONLY=1` times tantivy alone (for a profiler).
//!
//! Each engine answers what the catalogue page needs: the total, the top 20 in the requested
//! order, and the counts per value of the eight filters.

use app::domain::catalogue::CatalogueQuery;
use app::domain::offer::{Category, Financing, Typology};
use locactive::seed::doubs::COMMUNES;
use app::ssr::db::Db;
use app::ssr::search::{OfferDoc, SearchIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const FEATURES: &[&str] = &[
    "balcon",
    "cave",
    "place de parking",
    "cuisine équipée",
    "double vitrage",
    "chauffage collectif",
    "proche des écoles",
    "desservi par le bus",
    "vue dégagée",
    "logement traversant",
    "terrasse",
    "jardin partagé",
    "local vélos",
    "parquet",
];

fn generate(count: usize) -> Vec<OfferDoc> {
    let mut rng = StdRng::seed_from_u64(2026);
    let now = app::ssr::db::now();
    (0..count)
        .map(|i| {
            let commune = &COMMUNES[rng.gen_range(0..COMMUNES.len())];
            let typology = Typology::ALL[rng.gen_range(0..Typology::ALL.len())];
            let financing = Financing::ALL[rng.gen_range(0..Financing::ALL.len())];
            let category = Category::ALL[rng.gen_range(0..Category::ALL.len())];
            let surface = rng.gen_range(20..120);
            let features: Vec<&str> = FEATURES
                .iter()
                .copied()
                .filter(|_| rng.gen_bool(0.3))
                .collect();
            let opens = now - rng.gen_range(0..8) * 86_400;
            OfferDoc {
                commune_parent: None,
                offer_id: i as i64 + 1,
                text: format!(
                    "{} {} Appartement {} de {surface} m², {}.",
                    typology.code(),
                    commune.name,
                    typology.code(),
                    features.join(", ")
                ),
                commune_insee: commune.insee.to_string(),
                epci_siren: commune.epci_siren.to_string(),
                typology: typology.code().to_string(),
                financing: financing.code().to_string(),
                categories: vec![category.code().to_string()],
                in_qpv: rng.gen_bool(0.25),
                has_lift: rng.gen_bool(0.4),
                accessibility: ["none", "pmr", "adapted"][rng.gen_range(0..3)].to_string(),
                monthly_cents: surface * rng.gen_range(700..1_300),
                surface_m2: surface,
                opens_at: opens,
                closes_at: opens + 9 * 86_400,
                published_at: opens,
            }
        })
        .collect()
}

/// The fixed mix: words alone, words with filters, filters alone, and a word nothing has.
const MIX: &[&str] = &[
    "accessibilite=pmr&ascenseur=oui",
    "q=balcon",
    "q=balcon&typologie=T3",
    "q=besancon+cave&loyer_max=600",
    "q=double+vitrage&qpv=non&ascenseur=oui",
    "q=parking&commune=25056&surface_min=50",
    "financement=PLUS&typologie=T2",
    "q=terrasse&tri=loyer",
    "q=ecoles&categorie=tout_public&tri=cloture",
    "q=montbeliard&epci=200065647",
    "q=piscine",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<14} p50 {:>8.2} ms   p99 {:>8.2} ms   ({} queries)",
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.len()
    );
}

/// FTS5 syntax for the words of a query: each word quoted, all required.
fn fts_match(q: &str) -> String {
    q.split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn fts_search(
    db: &Db,
    query: &CatalogueQuery,
    now: i64,
) -> Result<(i64, Vec<i64>), sqlx::Error> {
    let mut conditions = vec![
        "o.opens_at <= $1".to_string(),
        "o.closes_at > $1".to_string(),
    ];
    let mut binds: Vec<String> = Vec::new();
    // With words, the full-text matches are computed once, first (a materialised CTE), and joined
    // to the offers: left to itself SQLite may probe the FTS index once per candidate row, which
    // is quadratic. Without words, the offers table alone.
    let with_words = !query.q.is_empty();
    let (prefix, from) = if with_words {
        binds.push(fts_match(&query.q));
        (
            "WITH f AS MATERIALIZED (SELECT rowid, rank FROM offers_fts WHERE offers_fts MATCH $2) ",
            "f JOIN offers o ON o.id = f.rowid",
        )
    } else {
        ("", "offers o")
    };
    let mut push = |sql: &str, value: String, conditions: &mut Vec<String>| {
        binds.push(value);
        conditions.push(sql.replace('?', &format!("${}", binds.len() + 1)));
    };
    if let Some(v) = &query.commune {
        push("o.commune = ?", v.clone(), &mut conditions);
    }
    if let Some(v) = &query.epci {
        push("o.epci = ?", v.clone(), &mut conditions);
    }
    if let Some(v) = query.typologie {
        push("o.typology = ?", v.code().into(), &mut conditions);
    }
    if let Some(v) = query.financement {
        push("o.financing = ?", v.code().into(), &mut conditions);
    }
    if let Some(v) = query.categorie {
        push("o.category = ?", v.code().into(), &mut conditions);
    }
    if let Some(v) = query.qpv {
        push(
            "o.in_qpv = CAST(? AS INTEGER)",
            i64::from(v).to_string(),
            &mut conditions,
        );
    }
    if let Some(v) = query.ascenseur {
        push(
            "o.has_lift = CAST(? AS INTEGER)",
            i64::from(v).to_string(),
            &mut conditions,
        );
    }
    if let Some(v) = query.accessibilite {
        push("o.accessibility = ?", v.code().into(), &mut conditions);
    }
    if let Some(v) = query.loyer_max {
        push(
            "o.monthly_cents <= CAST(? AS INTEGER)",
            (v * 100).to_string(),
            &mut conditions,
        );
    }
    if let Some(v) = query.surface_min {
        push(
            "o.surface_m2 >= CAST(? AS INTEGER)",
            v.to_string(),
            &mut conditions,
        );
    }
    let filter = conditions.join(" AND ");
    let order = match query.effective_sort() {
        app::domain::catalogue::Sort::Relevance => "f.rank",
        app::domain::catalogue::Sort::Rent => "o.monthly_cents",
        app::domain::catalogue::Sort::ClosingSoon => "o.closes_at",
        app::domain::catalogue::Sort::Newest => "o.published_at DESC",
    };
    let count_sql = format!("{prefix}SELECT COUNT(*) FROM {from} WHERE {filter}");
    let (total,) = bound::<(i64,)>(&count_sql, now, &binds)
        .fetch_one(db.pool())
        .await?;
    let top_sql =
        format!("{prefix}SELECT o.id FROM {from} WHERE {filter} ORDER BY {order} LIMIT 20");
    let ids: Vec<(i64,)> = bound(&top_sql, now, &binds).fetch_all(db.pool()).await?;
    // The eight facet counts (with every filter: a lower bound on the work tantivy does, which
    // leaves out each filtered dimension's own clause).
    for column in [
        "commune",
        "epci",
        "typology",
        "financing",
        "category",
        "in_qpv",
        "has_lift",
        "accessibility",
    ] {
        let sql = format!(
            "{prefix}SELECT CAST(o.{column} AS TEXT), COUNT(*) FROM {from} WHERE {filter} GROUP BY o.{column}"
        );
        bound::<(String, i64)>(&sql, now, &binds)
            .fetch_all(db.pool())
            .await?;
    }
    Ok((total, ids.into_iter().map(|(id,)| id).collect()))
}

/// `sql` with `now` as `$1` and `binds` after it.
fn bound<'q, T>(
    sql: &'q str,
    now: i64,
    binds: &'q [String],
) -> sqlx::query::QueryAs<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    let mut query = sqlx::query_as::<_, T>(sql).bind(now);
    for b in binds {
        query = query.bind(b.as_str());
    }
    query
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::var("BENCH_OFFERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    // For profiling the app's engine alone: FTS5 is then built and checked but not timed.
    let tantivy_only = std::env::var("BENCH_TANTIVY_ONLY").is_ok_and(|v| v == "1");
    println!("Generating {count} offers…");
    let offers = generate(count);
    let queries: Vec<CatalogueQuery> = MIX
        .iter()
        .map(|q| CatalogueQuery::from_query_string(q).map_err(|e| e.message))
        .collect::<Result<_, _>>()?;
    let now = app::ssr::db::now();

    // tantivy
    let index = SearchIndex::in_memory()?;
    let started = Instant::now();
    let docs = offers.clone();
    let index = tokio::task::spawn_blocking(move || {
        index
            .replace_all_blocking(docs, &mut |_, _| {})
            .map(|()| index)
    })
    .await??;
    let tantivy_build = started.elapsed();

    // SQLite FTS5, in a temporary file like the app's database.
    let dir = tempfile::tempdir()?;
    let db = Db::connect(
        &format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        ),
        2,
    )
    .await?;
    sqlx::query(
        "CREATE TABLE offers (id INTEGER PRIMARY KEY, commune TEXT, epci TEXT, typology TEXT, financing TEXT,
             category TEXT, in_qpv INTEGER, has_lift INTEGER, accessibility TEXT, monthly_cents INTEGER,
             surface_m2 INTEGER, opens_at INTEGER, closes_at INTEGER, published_at INTEGER)",
    )
    .execute(db.pool())
    .await?;
    sqlx::query("CREATE VIRTUAL TABLE offers_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')")
        .execute(db.pool())
        .await?;
    let started = Instant::now();
    for chunk in offers.chunks(5_000) {
        let mut tx = db.pool().begin().await?;
        for o in chunk {
            sqlx::query("INSERT INTO offers VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
                .bind(o.offer_id)
                .bind(&o.commune_insee)
                .bind(&o.epci_siren)
                .bind(&o.typology)
                .bind(&o.financing)
                .bind(&o.categories[0])
                .bind(i64::from(o.in_qpv))
                .bind(i64::from(o.has_lift))
                .bind(&o.accessibility)
                .bind(o.monthly_cents)
                .bind(o.surface_m2)
                .bind(o.opens_at)
                .bind(o.closes_at)
                .bind(o.published_at)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO offers_fts (rowid, text) VALUES ($1, $2)")
                .bind(o.offer_id)
                .bind(&o.text)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    for index_sql in [
        "CREATE INDEX o_typology ON offers (typology)",
        "CREATE INDEX o_commune ON offers (commune)",
        "CREATE INDEX o_financing ON offers (financing)",
        "CREATE INDEX o_closes ON offers (closes_at)",
    ] {
        sqlx::query(index_sql).execute(db.pool()).await?;
    }
    let fts_build = started.elapsed();

    // Warm both, check they broadly agree on totals, then measure.
    println!("\nQuery                                         tantivy total   FTS5 total");
    for (raw, query) in MIX.iter().zip(&queries) {
        let t = index.search_blocking(query, now, None)?;
        let (f, _) = fts_search(&db, query, now).await?;
        println!("{raw:<45} {:>13} {:>12}", t.total, f);
    }
    let mut tantivy_samples = Vec::new();
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); queries.len()];
    let mut fts_samples = Vec::new();
    for _ in 0..rounds {
        for (n, query) in queries.iter().enumerate() {
            let started = Instant::now();
            let this = index.clone();
            let q = query.clone();
            tokio::task::spawn_blocking(move || this.search_blocking(&q, now, None)).await??;
            tantivy_samples.push(started.elapsed());
            per_query[n].push(started.elapsed());
            if tantivy_only {
                continue;
            }
            let started = Instant::now();
            fts_search(&db, query, now).await?;
            fts_samples.push(started.elapsed());
        }
    }
    println!(
        "\n{count} offers; index build: tantivy {:.1} s, SQLite FTS5 {:.1} s (with its B-tree indexes)",
        tantivy_build.as_secs_f64(),
        fts_build.as_secs_f64()
    );
    println!("\ntantivy per query: p50 / slowest");
    for (raw, mut samples) in MIX.iter().zip(per_query) {
        samples.sort();
        println!(
            "{raw:<45} {:>6.2} ms {:>6.2} ms",
            percentile(&samples, 0.5).as_secs_f64() * 1e3,
            samples.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
        );
    }
    println!("\nLatency per catalogue query (total + top 20 + 8 facet counts):");
    report("tantivy", tantivy_samples);
    if !tantivy_only {
        report("SQLite FTS5", fts_samples);
    }
    db.close().await;
    Ok(())
}

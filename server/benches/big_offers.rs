//! Big offers and a big file, on SQLite and on PostgreSQL in one run: an offer with 10,000
//! applications closed and ranked, its ranking read page by page and exported whole, and a
//! million requests re-scored after a grid change.
//!
//! Run with `scripts/bench-scale.sh`, which starts a throwaway PostgreSQL (or `cargo bench -p
//! locactive --bench big_offers`, SQLite alone unless `LOCACTIVE_TEST_POSTGRES_URL` is set).
//! `BENCH_REQUESTS` changes the size of the file (default 1,000,000), `BENCH_APPLICATIONS` the
//! applications to the offer (default 10,000).
//!
//! Each figure is the time of the platform's own code path (the closing job, the ranking page's
//! store read, the export's batches, the scoring job), on the demo data plus generated requests.

use app::domain::calendar::paris_date;
use app::domain::cotation::{Audience, Grid};
use app::ssr::db::{Db, now};
use app::ssr::store::rankings;
use locactive::seed::doubs::GRAND_BESANCON;
use std::time::{Duration, Instant};

/// The demo grid with other weights: what a territory publishes when it changes its policy.
const NEW_GRID: &str = "\
Ancienneté de la demande ; ancienneté ; 2 par mois ; plafond 200 ; bonus 30 après 36 mois
Reconnu prioritaire DALO ; situation dalo ; 80
Public prioritaire du PDALHPD ; situation pdalhpd ; 50
Violences au sein du couple ; situation violences_conjugales ; 50
Menacé d'expulsion sans relogement ; situation menace_expulsion ; 25
Sans logement ; situation sans_abri ; 25 ; groupe hébergement
En structure d'hébergement ; situation structure ; 20 ; groupe hébergement
Hébergé chez un tiers ; situation heberge ; 10 ; groupe hébergement
Personne handicapée dans le foyer ; situation handicap_foyer ; 15
Parent isolé ; situation parent_isole ; 10
Taux d'effort supérieur à 40 % ; taux_effort > 40 ; 10 ; groupe effort
Sur-occupation ; personnes_par_piece > 1,5 ; 8
";

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn setting(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace(['_', ' '], "").parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Median and worst of some timings.
fn spread(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> BenchResult<()> {
    let requests = setting("BENCH_REQUESTS", 1_000_000);
    let applications = setting("BENCH_APPLICATIONS", 10_000).min(requests);
    let dir = tempfile::tempdir()?;
    let mut backends = vec![(
        "SQLite",
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        ),
        None,
    )];
    match std::env::var("LOCACTIVE_TEST_POSTGRES_URL") {
        Ok(admin) => {
            let name = format!("bench_{}", std::process::id());
            let admin_db = Db::connect(&admin, 1).await?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(admin_db.pool())
                .await?;
            admin_db.close().await;
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            backends.push(("PostgreSQL", format!("{base}/{name}"), Some((admin, name))));
        }
        Err(_) => println!("LOCACTIVE_TEST_POSTGRES_URL is not set: SQLite only."),
    }
    for (engine, url, cleanup) in backends {
        println!("\n=== {engine}: {requests} requests, {applications} applications to one offer");
        let outcome = run(&url, requests, applications).await;
        if let Some((admin, name)) = cleanup {
            let admin_db = Db::connect(&admin, 1).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin_db.pool())
                .await?;
            admin_db.close().await;
        }
        outcome?;
    }
    Ok(())
}

async fn run(url: &str, requests: i64, applications: i64) -> BenchResult<()> {
    let db = Db::connect(url, 5).await?;
    db.migrate().await?;
    locactive::seed::seed(&db, "http://bench.invalid", |_| {}).await?;
    let pool = db.pool();

    let started = Instant::now();
    locactive::seed::bulk::applicants(&db, requests).await?;
    println!(
        "generated {requests} requests in {}",
        secs(started.elapsed())
    );

    // A published offer of the demo in Grand Besançon, ranked by cotation.
    let (offer_id, organisation_id): (i64, i64) = sqlx::query_as(
        "SELECT o.id, o.organisation_id FROM offers o JOIN units u ON u.id = o.unit_id
         WHERE o.status = 'published' AND o.ranking_mode = 'cotation' AND u.epci_siren = $1
         ORDER BY o.id LIMIT 1",
    )
    .bind(GRAND_BESANCON.siren)
    .fetch_one(pool)
    .await?;
    let made = locactive::seed::bulk::apply(&db, offer_id, applications).await? as i64;
    sqlx::query("UPDATE offers SET closes_at = $1 WHERE id = $2")
        .bind(now() - 1)
        .bind(offer_id)
        .execute(pool)
        .await?;
    let started = Instant::now();
    let closed =
        app::ssr::usecases::offers::close_due(pool, now(), "http://bench.invalid/espace").await?;
    let close_time = started.elapsed();
    assert!(closed.contains(&offer_id), "the offer did not close");
    let (ranked,): (i64,) = sqlx::query_as(
        "SELECT COUNT(e.position) FROM ranking_entries e JOIN rankings r ON r.id = e.ranking_id
         WHERE r.offer_id = $1",
    )
    .bind(offer_id)
    .fetch_one(pool)
    .await?;
    println!(
        "close and rank, {made} applications ({ranked} ranked; letters queued): {}",
        ms(close_time)
    );

    // The ranking page: the first, a middle and the last page, several times each.
    let pages = (made + rankings::RANKING_PAGE - 1) / rankings::RANKING_PAGE;
    let mut times = Vec::new();
    for _ in 0..5 {
        for page in [1, pages / 2, pages] {
            let started = Instant::now();
            let view = rankings::view(pool, organisation_id, offer_id, page)
                .await?
                .ok_or("no ranking")?;
            times.push(started.elapsed());
            assert_eq!(view.page, page.max(1));
        }
    }
    let (median, worst) = spread(times);
    println!(
        "ranking page ({} per page, {pages} pages): median {}, worst {}",
        rankings::RANKING_PAGE,
        ms(median),
        ms(worst)
    );

    // The export, read and written batch by batch as the download streams it.
    let started = Instant::now();
    let mut bytes = rankings::csv_head()?.len();
    let mut first_batch = None;
    let mut offset = 0;
    loop {
        let batch = rankings::entries(pool, organisation_id, offer_id, offset, 500).await?;
        if batch.is_empty() {
            break;
        }
        offset += batch.len() as i64;
        bytes += rankings::csv_lines(&batch)?.len();
        first_batch.get_or_insert(started.elapsed());
    }
    println!(
        "CSV export of {offset} candidates: {} in all, first batch after {}, {:.1} MB",
        ms(started.elapsed()),
        ms(first_batch.unwrap_or_default()),
        bytes as f64 / 1e6
    );

    // A grid change: a new version in force today, every request to score on it.
    let grid = Grid::parse(NEW_GRID).map_err(|problems| problems.join("; "))?;
    let (territory,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE role = 'admin' LIMIT 1")
        .fetch_one(pool)
        .await?;
    let today = paris_date(now());
    let mut conn = pool.acquire().await?;
    app::ssr::store::cotation::insert_grid(
        &mut conn,
        GRAND_BESANCON.siren,
        Audience::All,
        today,
        &grid,
        territory,
    )
    .await?;
    drop(conn);
    let started = Instant::now();
    let mut reported = Instant::now();
    let written = app::ssr::usecases::cotation::rescore(pool, today, 2_000, |_, scored| {
        if reported.elapsed() >= Duration::from_secs(10) {
            reported = Instant::now();
            println!("  … {scored} scored after {}", secs(started.elapsed()));
        }
    })
    .await?;
    let took = started.elapsed();
    println!(
        "re-scoring after a grid change: {written} requests in {} ({:.0} per second)",
        secs(took),
        written as f64 / took.as_secs_f64()
    );
    db.close().await;
    Ok(())
}

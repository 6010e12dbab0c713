//! The national reference: how long parsing the embedded files and loading them into an empty
//! SQLite database take, and how fast the commune search answers for every prefix a person may
//! type (1 to 12 letters of 200 commune names spread over the list, plus postcodes and typos).
//!
//! `cargo bench -p app --features ssr --bench communes` (release build). Prints a table.

use app::ssr::reference::national;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let started = Instant::now();
    let n = national();
    let parse = started.elapsed();
    assert_eq!(n.rejected_lines, 0);
    println!(
        "reference: {} communes and arrondissements, {} EPCI ({})",
        n.communes().len(),
        n.epcis().len(),
        n.source
    );
    println!(
        "parse and index the embedded files: {:.0} ms",
        parse.as_secs_f64() * 1e3
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let dir = std::env::temp_dir().join(format!("locactive-bench-communes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let load = runtime.block_on(async {
        let db = app::ssr::db::Db::connect(&url, 2).await.expect("SQLite");
        db.migrate().await.expect("migrations");
        let started = Instant::now();
        app::ssr::store::reference::sync(db.pool(), n)
            .await
            .expect("the load");
        let elapsed = started.elapsed();
        let again = Instant::now();
        app::ssr::store::reference::sync(db.pool(), n)
            .await
            .expect("the second load");
        (elapsed, again.elapsed())
    });
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "load into empty SQLite tables: {:.0} ms; at the next start (same version): {:.1} ms",
        load.0.as_secs_f64() * 1e3,
        load.1.as_secs_f64() * 1e3
    );

    // Every prefix of 200 names taken at regular intervals, postcode prefixes, and typos.
    let step = n.communes().len() / 200;
    let mut queries: Vec<String> = Vec::new();
    for place in n.communes().iter().step_by(step.max(1)) {
        let chars: Vec<char> = place.name.chars().collect();
        for len in 1..=chars.len().min(12) {
            queries.push(chars[..len].iter().collect());
        }
        if let Some(postcode) = place.postcodes.first() {
            for len in 2..=5 {
                queries.push(postcode[..len].to_string());
            }
        }
        if chars.len() > 6 {
            let mut typo = chars.clone();
            typo.remove(chars.len() / 2);
            queries.push(typo.into_iter().collect());
        }
    }
    for q in [
        "villeurbane",
        "st etienne",
        "saint",
        "besancon",
        "paris",
        "69",
        "75001",
    ] {
        queries.push(q.to_string());
    }
    let mut timed: Vec<(Duration, &str)> = Vec::with_capacity(queries.len() * 3);
    for _ in 0..3 {
        for q in &queries {
            let started = Instant::now();
            let found = n.search(q, 10);
            timed.push((started.elapsed(), q));
            std::hint::black_box(found);
        }
    }
    timed.sort();
    let times: Vec<Duration> = timed.iter().map(|(d, _)| *d).collect();
    println!(
        "search, {} queries × 3: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        queries.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
    );
    let slowest: Vec<String> = timed
        .iter()
        .rev()
        .take(5)
        .map(|(d, q)| format!("« {q} » {:.2} ms", d.as_secs_f64() * 1e3))
        .collect();
    println!("slowest: {}", slowest.join(", "));
}

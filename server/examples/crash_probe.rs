//! Crash safety, proven: drives a burst of applications and withdrawals from many applicants
//! against a release server, kills it with SIGKILL in the middle, restarts it, and checks that
//! nothing acknowledged was lost, nothing was stored twice, the cap held, every e-mail was
//! delivered once, and the search index matches the database.
//!
//! Run through `scripts/crash.sh` (both backends); by hand:
//! `cargo run --release --example crash_probe -- SERVER_BINARY WORK_DIR [DATABASE_URL]`
//! (`DATABASE_URL` absent: SQLite in `WORK_DIR`). Settings by environment: `CRASH_SECONDS`
//! (burst length, 30), `CRASH_KILL_AT` (seconds into the burst, 12), `CRASH_CLIENTS` (concurrent
//! clients, 48), `CRASH_APPLICANTS` (300).

use app::ssr::db::Db;
use app::ssr::store::accounts::{SessionLimits, create_session};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A running server, killed when dropped: an error half-way leaves nothing behind.
struct Running(Child);

impl Running {
    /// SIGKILL, as a crash would.
    fn kill(&mut self) -> std::io::Result<()> {
        self.0.kill()?;
        self.0.wait().map(|_| ())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Server {
    binary: PathBuf,
    data_dir: PathBuf,
    database_url: String,
    address: String,
    log: PathBuf,
}

impl Server {
    fn start(&self, seed: bool) -> Result<Running, Failure> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        Ok(Running(
            Command::new(&self.binary)
                .arg("serve")
                .env("LOCACTIVE_DATA_DIR", &self.data_dir)
                .env("LOCACTIVE_DATABASE_URL", &self.database_url)
                .env("LOCACTIVE_LISTEN_ADDR", &self.address)
                .env("LOCACTIVE_SEED_DEMO", if seed { "1" } else { "0" })
                .env("LOCACTIVE_MAIL_TRANSPORT", "files")
                .env("LOCACTIVE_DATABASE_MAX_CONNECTIONS", "20")
                .env("LOCACTIVE_LOG_FORMAT", "json")
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()?,
        ))
    }

    async fn wait_until_up(&self, http: &reqwest::Client) -> Result<Duration, Failure> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(600) {
            let answer = http
                .get(format!("http://{}/healthz", self.address))
                .send()
                .await;
            if answer.is_ok_and(|a| a.status().is_success()) {
                return Ok(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("the server did not come up within ten minutes".into())
    }
}

/// What the clients were told: the server's answers, not the database's state.
#[derive(Default)]
struct Acknowledged {
    /// (applicant, offer) whose application the server confirmed, in order of confirmation.
    applied: Vec<(i64, i64)>,
    /// Application ids whose withdrawal the server confirmed.
    withdrawn: HashSet<i64>,
    requests: u64,
    refused: u64,
    failed: u64,
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: crash_probe SERVER_BINARY WORK_DIR [DATABASE_URL]";
    let binary = PathBuf::from(args.next().ok_or(usage)?);
    let work = PathBuf::from(args.next().ok_or(usage)?);
    std::fs::create_dir_all(&work)?;
    let database_url = args
        .next()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", work.join("locactive.db").display()));
    let backend = if database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let seconds = setting("CRASH_SECONDS", 30);
    let kill_at = setting("CRASH_KILL_AT", 12);
    let clients = setting("CRASH_CLIENTS", 48) as usize;
    let applicants_wanted = setting("CRASH_APPLICANTS", 300) as i64;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let server = Server {
        binary,
        data_dir: work.clone(),
        database_url: database_url.clone(),
        address: format!("127.0.0.1:{port}"),
        log: work.join("server.log"),
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(clients)
        .build()?;

    println!("== {backend}: seeding the demo and starting a release server");
    let mut child = server.start(true)?;
    let took = server.wait_until_up(&http).await?;
    println!("   up in {:.1} s", took.as_secs_f64());

    let db = Db::connect(&database_url, 5).await?;
    let pool = db.pool().clone();
    let applicants: Vec<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM users u JOIN applicant_profiles p ON p.user_id = u.id
         WHERE u.role = 'applicant' AND p.sne_number IS NOT NULL ORDER BY u.id LIMIT $1",
    )
    .bind(applicants_wanted)
    .fetch_all(&pool)
    .await?;
    let offers: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM offers WHERE status = 'published' ORDER BY id")
            .fetch_all(&pool)
            .await?;
    let limits = SessionLimits {
        idle: 3600,
        lifetime: 3600,
    };
    // Sessions are made in the database: the probe is about applying, not signing in.
    let mut sessions = Vec::new();
    for (user_id,) in &applicants {
        let token = app::ssr::secrets::new_token();
        create_session(&pool, *user_id, &token, limits).await?;
        sessions.push((*user_id, token));
    }
    let offers: Vec<i64> = offers.into_iter().map(|(id,)| id).collect();
    let (outbox_before,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
        .fetch_one(&pool)
        .await?;
    println!(
        "   {} applicants signed in, {} published offers, {} e-mails already in the outbox",
        sessions.len(),
        offers.len(),
        outbox_before
    );

    println!(
        "== a {seconds} s burst from {clients} clients; SIGKILL at {kill_at} s, then a restart"
    );
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let sessions = Arc::new(sessions);
    let offers = Arc::new(offers);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let base = format!("http://{}", server.address);
    let mut workers = Vec::new();
    for worker in 0..clients {
        let (http, base, acked, sessions, offers, pool) = (
            http.clone(),
            base.clone(),
            acked.clone(),
            sessions.clone(),
            offers.clone(),
            pool.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut rng = SmallRng::seed_from_u64(worker as u64);
            while Instant::now() < deadline {
                let (user_id, token) = &sessions[rng.gen_range(0..sessions.len())];
                let cookie = format!("{}={token}", app::ssr::session::COOKIE_NAME);
                let withdraw = rng.gen_bool(0.3);
                let (endpoint, form, target) = if withdraw {
                    let live: Option<(i64,)> = sqlx::query_as(
                        "SELECT id FROM applications WHERE applicant_user_id = $1 AND status = 'active'
                         ORDER BY id DESC LIMIT 1",
                    )
                    .bind(user_id)
                    .fetch_optional(&pool)
                    .await
                    .ok()
                    .flatten();
                    let Some((application,)) = live else { continue };
                    (
                        "espace/candidature/retirer",
                        vec![("application_id", application.to_string())],
                        application,
                    )
                } else {
                    let offer = offers[rng.gen_range(0..offers.len())];
                    ("offres/postuler", vec![("offer_id", offer.to_string())], offer)
                };
                let answer = http
                    .post(format!("{base}/api/{endpoint}"))
                    .header("Cookie", &cookie)
                    .header("Origin", &base)
                    .form(&form)
                    .send()
                    .await;
                let down = {
                    let mut acked = acked.lock().unwrap_or_else(|e| e.into_inner());
                    acked.requests += 1;
                    match answer {
                        Ok(answer) if answer.status().is_success() => {
                            if withdraw {
                                acked.withdrawn.insert(target);
                            } else {
                                acked.applied.push((*user_id, target));
                            }
                            false
                        }
                        Ok(answer) if answer.status().is_client_error() => {
                            acked.refused += 1;
                            false
                        }
                        // Refused connections while the server is down, or answers lost at the
                        // kill.
                        _ => {
                            acked.failed += 1;
                            true
                        }
                    }
                };
                if down {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(kill_at)).await;
    let before_kill = acked.lock().unwrap_or_else(|e| e.into_inner()).requests;
    child.kill()?;
    println!("   killed with SIGKILL after {before_kill} requests");
    let child = server.start(false)?;
    let took = server.wait_until_up(&http).await?;
    println!("   restarted and answering in {:.1} s", took.as_secs_f64());
    for worker in workers {
        worker.await?;
    }
    let acked = Arc::try_unwrap(acked)
        .map_err(|_| "workers still hold the record")?
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    let answered = acked.requests - acked.failed;
    println!(
        "   {answered} requests answered ({:.0}/s over the burst, downtime included): {} applications and {} withdrawals acknowledged, {} refused (4xx: not eligible, cap reached, already applied), {} without an answer (server down or killed mid-request)",
        answered as f64 / seconds as f64,
        acked.applied.len(),
        acked.withdrawn.len(),
        acked.refused,
        acked.failed
    );

    println!("== checks");
    let report = check(&pool, &acked, &work, &http, &base).await?;
    drop(child);
    db.close().await;
    println!("{report}");
    if report.contains("FAIL") {
        return Err("crash probe failed".into());
    }
    Ok(())
}

async fn check(
    pool: &sqlx::AnyPool,
    acked: &Acknowledged,
    work: &Path,
    http: &reqwest::Client,
    base: &str,
) -> Result<String, Failure> {
    let mut lines = Vec::new();
    let mut verdict = |ok: bool, line: String| {
        lines.push(format!("   [{}] {line}", if ok { " ok " } else { "FAIL" }));
    };

    // Applications: every acknowledged one is stored, in the state last acknowledged.
    let rows: Vec<(i64, i64, i64, String)> =
        sqlx::query_as("SELECT id, applicant_user_id, offer_id, status FROM applications")
            .fetch_all(pool)
            .await?;
    let stored: HashSet<(i64, i64)> = rows.iter().map(|(_, u, o, _)| (*u, *o)).collect();
    let lost = acked.applied.iter().filter(|k| !stored.contains(k)).count();
    verdict(
        lost == 0,
        format!(
            "{lost} of {} acknowledged applications lost",
            acked.applied.len()
        ),
    );
    let status: HashMap<i64, &str> = rows.iter().map(|(id, _, _, s)| (*id, s.as_str())).collect();
    let unwithdrawn = acked
        .withdrawn
        .iter()
        .filter(|id| status.get(id) != Some(&"withdrawn"))
        .count();
    verdict(
        unwithdrawn == 0,
        format!(
            "{unwithdrawn} of {} acknowledged withdrawals lost",
            acked.withdrawn.len()
        ),
    );
    let mut live: HashMap<(i64, i64), usize> = HashMap::new();
    for (_, user, offer, s) in &rows {
        if s == "active" {
            *live.entry((*user, *offer)).or_default() += 1;
        }
    }
    let twice = live.values().filter(|n| **n > 1).count();
    verdict(
        twice == 0,
        format!("{twice} applications stored twice (live for one offer and applicant)"),
    );

    // The cap of each landlord, per applicant, as the platform counts it: live applications to
    // offers not yet ended (an attributed or cancelled offer frees its slot).
    let over: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.applicant_user_id, a.organisation_id, COUNT(*), g.max_active_applications
         FROM applications a JOIN organisations g ON g.id = a.organisation_id
         JOIN offers o ON o.id = a.offer_id
         WHERE a.status = 'active' AND o.status IN ('published', 'closed', 'in_review', 'in_commission')
         GROUP BY a.applicant_user_id, a.organisation_id, g.max_active_applications
         HAVING COUNT(*) > g.max_active_applications",
    )
    .fetch_all(pool)
    .await?;
    for (user, organisation, count, cap) in &over {
        println!("   applicant {user}: {count} live applications with organisation {organisation}, cap {cap}");
    }
    verdict(over.is_empty(), format!("{} applicants over a landlord's cap", over.len()));

    // The outbox drains after the restart; a message claimed at the kill waits for its claim
    // (two minutes) to expire, then goes once more under the same Message-ID.
    let started = Instant::now();
    let pending = loop {
        let (pending,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(pool)
        .await?;
        if pending == 0 || started.elapsed() > Duration::from_secs(300) {
            break pending;
        }
        println!("   waiting for the outbox: {pending} e-mails to deliver");
        tokio::time::sleep(Duration::from_secs(10)).await;
    };
    let messages: Vec<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT message_id, attempts, failed_at FROM outbox")
            .fetch_all(pool)
            .await?;
    let files: HashSet<String> = std::fs::read_dir(work.join("mail"))?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".eml").map(str::to_string))
        .collect();
    let ids: HashSet<&str> = messages.iter().map(|(id, _, _)| id.as_str()).collect();
    let undelivered = ids.iter().filter(|id| !files.contains(**id)).count();
    let strays = files.iter().filter(|f| !ids.contains(f.as_str())).count();
    let failed = messages.iter().filter(|(_, _, f)| f.is_some()).count();
    let resent = messages
        .iter()
        .filter(|(_, attempts, _)| *attempts > 1)
        .count();
    verdict(
        pending == 0 && undelivered == 0 && failed == 0,
        format!(
            "{} e-mails in the outbox, {undelivered} undelivered ({pending} pending, {failed} given up)",
            messages.len()
        ),
    );
    verdict(
        strays == 0 && files.len() == ids.len(),
        format!(
            "{} delivered, one file per Message-ID, {strays} files without a message; {resent} sent again after the kill under their own Message-ID (same file)",
            files.len()
        ),
    );

    // The search index, rebuilt at start-up, against the database.
    let (published,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM offers WHERE status = 'published'")
            .fetch_one(pool)
            .await?;
    let mut indexed = HashSet::new();
    let mut page = 1;
    loop {
        let answer: serde_json::Value = http
            .get(format!("{base}/api/v1/offres?page={page}"))
            .send()
            .await?
            .json()
            .await?;
        for hit in answer["hits"].as_array().into_iter().flatten() {
            if let Some(id) = hit["id"].as_i64() {
                indexed.insert(id);
            }
        }
        let pages = answer["pages"].as_i64().unwrap_or(1);
        if page >= pages {
            break;
        }
        page += 1;
    }
    verdict(
        indexed.len() as i64 == published,
        format!(
            "{} offers in the search index, {published} published in the database",
            indexed.len()
        ),
    );
    Ok(lines.join("\n"))
}

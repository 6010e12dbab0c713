//! Background work of each app server.

use app::ssr::AppState;
use std::time::Duration;

/// Delivers queued e-mail: at once when a change wakes it, and every few seconds anyway so that
/// retries fall due and messages queued by another app server are not left waiting.
pub async fn outbox_worker(state: AppState) {
    loop {
        match state.mailer.deliver_due(&state.db).await {
            Ok(report) if report.sent + report.retried + report.failed > 0 => {
                tracing::info!(
                    sent = report.sent,
                    retried = report.retried,
                    failed = report.failed,
                    "outbox run"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "outbox run failed; will try again"),
        }
        tokio::select! {
            () = state.mail_wakeup.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}

/// How often each server looks for offers changed by others (or by itself) to refresh its index.
const SEARCH_SYNC_EVERY: Duration = Duration::from_millis(500);
/// Changes are read again for this long, so a transaction that committed late is not missed.
const SEARCH_SYNC_OVERLAP: i64 = 5;
/// How often published offers whose window has ended are closed.
const CLOSING_EVERY: Duration = Duration::from_secs(15);

/// Keeps this server's search index in step with the database. Each server runs its own, so
/// several servers on one PostgreSQL need no shared index files. A raised `search_generation`
/// (from `locactive reindex`) makes it rebuild everything.
pub async fn search_sync(state: AppState) {
    use app::ssr::store::offers;
    use std::collections::HashMap;
    let pool = state.db.pool();
    let mut generation = offers::search_generation(pool).await.unwrap_or(0);
    let mut watermark = app::ssr::db::now() - SEARCH_SYNC_OVERLAP;
    let mut seen: HashMap<i64, i64> = HashMap::new();
    loop {
        tokio::time::sleep(SEARCH_SYNC_EVERY).await;
        let started = app::ssr::db::now();
        match offers::search_generation(pool).await {
            Ok(current) if current != generation => match state.search.rebuild(&state.db).await {
                Ok(count) => {
                    tracing::info!(
                        count,
                        generation = current,
                        "search index rebuilt on request"
                    );
                    generation = current;
                }
                Err(error) => tracing::error!(%error, "search index rebuild failed; will retry"),
            },
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot read the search generation"),
        }
        let changes = match offers::changes_since(pool, watermark).await {
            Ok(changes) => changes,
            Err(error) => {
                tracing::warn!(%error, "cannot read offer changes; will retry");
                continue;
            }
        };
        let fresh: Vec<(i64, i64)> = changes
            .into_iter()
            .filter(|(id, at)| seen.get(id) != Some(at))
            .collect();
        let ids: Vec<i64> = fresh.iter().map(|(id, _)| *id).collect();
        match app::ssr::catalogue::refresh(&state.db, &state.search, &ids).await {
            Ok(()) => {
                seen.extend(fresh);
                watermark = started - SEARCH_SYNC_OVERLAP;
                seen.retain(|_, at| *at >= watermark);
            }
            Err(error) => tracing::error!(%error, "search index refresh failed; will retry"),
        }
    }
}

/// Closes published offers at the end of their window, and passes unanswered unit offers on
/// once their delay is over. Idempotent and safe on several servers:
/// each offer moves from published to closed once, whoever gets there first.
pub async fn offer_clock(state: AppState) {
    loop {
        let link = state.link("/espace/candidatures");
        match app::ssr::usecases::offers::close_due(state.db.pool(), app::ssr::db::now(), &link)
            .await
        {
            Ok(closed) if !closed.is_empty() => {
                tracing::info!(
                    count = closed.len(),
                    "offers closed at the end of their window"
                );
                state.mail_wakeup.notify_one();
                if let Err(error) =
                    app::ssr::catalogue::refresh(&state.db, &state.search, &closed).await
                {
                    tracing::error!(%error, "search refresh after closing failed; the sync will retry");
                }
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "closing offers failed; will try again"),
        }
        // Offers of a unit left unanswered past the 10-day delay pass to the next rank.
        let today = app::domain::calendar::paris_date(app::ssr::db::now());
        match app::ssr::store::caleol::lapse_due(state.db.pool(), today, &link).await {
            Ok(0) => {}
            Ok(lapsed) => {
                tracing::info!(lapsed, "unanswered unit offers passed to the next rank");
                state.mail_wakeup.notify_one();
            }
            Err(error) => tracing::error!(%error, "lapsing unit offers failed; will try again"),
        }
        tokio::time::sleep(CLOSING_EVERY).await;
    }
}

/// How long before its renewal date an applicant is reminded (the law asks for one month).
const RENEWAL_NOTICE_DAYS: i64 = 30;
/// The reminder job looks every hour; each reminder goes once per renewal date.
const REMINDERS_EVERY: Duration = Duration::from_secs(60 * 60);

/// Reminds applicants a month before their SNE request lapses.
pub async fn renewal_reminders(state: AppState) {
    loop {
        let today = app::domain::calendar::paris_date(app::ssr::db::now());
        let link = state.link("/espace/profil#demande");
        match app::ssr::store::profiles::remind_renewals(
            state.db.pool(),
            today,
            RENEWAL_NOTICE_DAYS,
            &link,
        )
        .await
        {
            Ok(0) => {}
            Ok(sent) => {
                tracing::info!(sent, "SNE renewal reminders queued");
                state.mail_wakeup.notify_one();
            }
            Err(error) => tracing::error!(%error, "renewal reminders failed; will retry"),
        }
        tokio::time::sleep(REMINDERS_EVERY).await;
    }
}

/// Applies retention: strikes off requests not renewed, deletes proofs of closed requests and the
/// data of requests struck off long enough ago. Hourly, like the reminders: each step is idempotent
/// and safe with several servers.
pub async fn retention(state: AppState) {
    loop {
        let today = app::domain::calendar::paris_date(app::ssr::db::now());
        let months = state.settings.privacy.retention_months;
        match app::ssr::usecases::privacy::retention(&state, today, months).await {
            Ok(done) if done == Default::default() => {}
            Ok(done) => tracing::info!(?done, "retention applied"),
            Err(error) => tracing::error!(%error, "retention failed; will retry"),
        }
        tokio::time::sleep(REMINDERS_EVERY).await;
    }
}

/// How often due alerts are looked for; each alert is digested at most once a day.
const DIGESTS_EVERY: Duration = Duration::from_secs(10 * 60);

/// Sends the daily digests of new offers matching applicants' saved searches.
pub async fn alert_digests(state: AppState) {
    loop {
        let link = |path: &str| state.link(path);
        match app::ssr::catalogue::send_digests(&state.db, &state.search, link, app::ssr::db::now())
            .await
        {
            Ok(0) => {}
            Ok(sent) => {
                tracing::info!(sent, "new-offer digests queued");
                state.mail_wakeup.notify_one();
            }
            Err(error) => tracing::error!(%error, "alert digests failed; will retry"),
        }
        tokio::time::sleep(DIGESTS_EVERY).await;
    }
}

/// Applicants scored per batch: small enough that each write transaction stays short.
const SCORING_BATCH: i64 = 2_000;
/// Profiles change all day; their stored scores are refreshed this often.
const SCORING_EVERY: Duration = Duration::from_secs(60);
/// How often a long pass logs how far it has got.
const SCORING_REPORT_EVERY: Duration = Duration::from_secs(10);

/// Keeps every applicant's score on each grid in force, which gives applicants the distribution
/// of comparable requests. A new grid wakes it at once; it works in batches, so progress shows on
/// the territory page (and in the log every ten seconds) and a restart resumes where it stopped.
pub async fn cotation_scores(state: AppState) {
    loop {
        let today = app::domain::calendar::paris_date(app::ssr::db::now());
        let started = std::time::Instant::now();
        let mut reported = started;
        let pass = app::ssr::usecases::cotation::rescore(
            state.db.pool(),
            today,
            SCORING_BATCH,
            |grid, scored| {
                if reported.elapsed() >= SCORING_REPORT_EVERY {
                    reported = std::time::Instant::now();
                    tracing::info!(
                        grid = grid.id,
                        epci = %grid.epci_siren,
                        scored,
                        "scoring requests on a cotation grid"
                    );
                }
            },
        )
        .await;
        match pass {
            Ok(0) => {}
            Ok(written) => tracing::info!(
                written,
                seconds = started.elapsed().as_secs_f64(),
                "cotation scores refreshed"
            ),
            Err(error) => tracing::error!(%error, "scoring applicants failed; will try again"),
        }
        tokio::select! {
            () = state.rescore_wakeup.notified() => {}
            () = tokio::time::sleep(SCORING_EVERY) => {}
        }
    }
}

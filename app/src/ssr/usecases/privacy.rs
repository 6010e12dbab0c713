//! The applicant's rights over their data (RGPD): everything held about them, who read their
//! file, deleting their account; and the retention that runs by itself (requests not renewed are
//! struck off, then their data goes after the period of the settings).

use super::Work;
use crate::domain::calendar::{Date, paris_date, paris_midnight, paris_moment};
use crate::error::AppError;
use crate::model::{CurrentUser, MyAccount, MyData, Role};
use crate::ssr::AppState;
use crate::ssr::db::now;
use crate::ssr::store::audit::AuditEntry;
use crate::ssr::store::file_reads::{self, Read, Reader};
use crate::ssr::store::{
    accounts, alerts, applications, caleol, cotation, documents, profiles, rankings,
};
use crate::ssr::{letters, mail};

/// Reads of the file shown to the applicant and exported: the newest ones, enough for years of
/// an ordinary file.
const READS_SHOWN: i64 = 1_000;
/// Applicants handled per pass of the retention job and step; the next pass takes the rest.
const RETENTION_BATCH: i64 = 200;
/// How long a delivered letter is kept in the outbox (for support questions), in seconds.
const DELIVERED_KEPT_SECONDS: i64 = 30 * 86_400;

/// Everything the platform holds about the signed-in applicant.
pub async fn my_data(state: &AppState, user: &CurrentUser) -> Result<MyData, AppError> {
    let pool = state.db.pool();
    let (email, display_name, created_at, last_login_at) = accounts::account_facts(pool, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut conn = pool.acquire().await?;
    let profile = profiles::load(&mut conn, user.id).await?;
    let struck_off_on = profiles::struck_off_on(&mut conn, user.id).await?;
    drop(conn);
    let today = paris_date(now());
    Ok(MyData {
        generated_on: paris_moment(now()),
        account: MyAccount {
            email,
            display_name,
            created_on: paris_moment(created_at),
            last_sign_in: last_login_at.map(paris_moment),
        },
        profile,
        struck_off_on: struck_off_on.map(Date::french),
        applications: super::applications::mine(pool, user.id).await?,
        documents: documents::list(pool, user.id, today).await?,
        saved_searches: alerts::list(pool, user.id).await?,
        reads: file_reads::of_applicant(pool, user.id, READS_SHOWN).await?,
    })
}

/// Who reads a household's data through the commission's views: a member, or the landlord's
/// staff member `user_id`.
pub fn commission_reader(viewer: caleol::Viewer, user_id: i64) -> Reader {
    match viewer {
        caleol::Viewer::Member {
            user_id,
            commission_id,
        } => Reader::Member {
            user_id,
            commission_id,
        },
        caleol::Viewer::Staff { organisation_id } => Reader::Staff {
            user_id,
            organisation_id,
        },
    }
}

/// Records that `reader` read the households `read` shows, before it is shown: a read that cannot
/// be recorded is not served.
pub async fn record_read(
    state: &AppState,
    reader: Reader,
    read: Read,
    label: &str,
) -> Result<(), AppError> {
    let mut conn = state.db.pool().acquire().await?;
    file_reads::record(&mut conn, reader, read, label).await?;
    Ok(())
}

/// Deletes the signed-in applicant's account once their password is confirmed.
pub async fn delete_account(
    state: &AppState,
    user: &CurrentUser,
    password: String,
) -> Result<(), AppError> {
    if user.role != Role::Applicant {
        return Err(AppError::Forbidden);
    }
    super::accounts::reauthenticate(state, user, password, "password").await?;
    let mut work = Work::begin(state).await?;
    if let Some(why) = caleol::work_under_way(&mut work, user.id).await? {
        return Err(AppError::Rejected(why.into()));
    }
    erase(&mut work, user.id, &user.email, &user.display_name).await?;
    mail::enqueue(
        &mut work,
        &letters::account_deleted(&user.email, &user.display_name),
    )
    .await?;
    work.audit(AuditEntry {
        actor_user_id: Some(user.id),
        organisation_id: None,
        action: "account.delete",
        subject: &format!("user:{}", user.id),
        detail: "",
    })
    .await?;
    work.commit().await
}

/// Removes what identifies the household, keeping what the law asks to keep under a pseudonym:
/// the minutes, the rankings (for the other candidates' recourse) and the attributions.
async fn erase(work: &mut Work, user_id: i64, email: &str, name: &str) -> Result<(), AppError> {
    applications::withdraw_all(work, user_id).await?;
    rankings::set_aside_everywhere(work, user_id, "Demande close : compte supprimé").await?;
    rankings::scrub_snapshots(work, user_id).await?;
    caleol::pseudonymise(work, user_id, name, &accounts::pseudonym(user_id)).await?;
    documents::erase_all(work, user_id).await?;
    alerts::erase_all(work, user_id).await?;
    cotation::erase_scores(work, user_id).await?;
    profiles::erase(work, user_id).await?;
    file_reads::erase_of(work, user_id).await?;
    mail::forget(work, email).await?;
    accounts::pseudonymise(work, user_id).await?;
    Ok(())
}

/// What one pass of the retention job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub struck_off: usize,
    pub proofs_deleted: u64,
    pub accounts_erased: usize,
    pub letters_purged: u64,
    /// Households whose turn failed (logged); the next pass tries them again.
    pub failures: usize,
}

/// Accounts never activated are erased after this many seconds.
const UNACTIVATED_KEPT_SECONDS: i64 = 30 * 86_400;

/// One pass of retention on `today`: strikes off requests not renewed (their live applications
/// withdrawn, their proofs deleted, the applicant told), deletes the proofs of requests closed by
/// a lease, and erases the accounts struck off `retention_months` ago or more, those never
/// activated after 30 days, and those with no request on file and no sign-in for
/// `retention_months`. A household whose file a commission is working on waits for the next pass;
/// one whose turn fails is logged and does not stop the others.
pub async fn retention(
    state: &AppState,
    today: Date,
    retention_months: u32,
) -> Result<Retention, AppError> {
    let pool = state.db.pool();
    let mut done = Retention::default();
    let mut failed = |step: &str, user_id: i64, error: AppError| {
        tracing::error!(%error, user_id, step, "retention of one household failed; next pass");
        done.failures += 1;
    };
    let link = state.link("/espace/profil#demande");
    let mut struck = 0;
    let mut proofs = 0;
    for (user_id, email, name) in profiles::lapsed(pool, today, RETENTION_BATCH).await? {
        match strike_off(
            state,
            user_id,
            &email,
            &name,
            today,
            retention_months,
            &link,
        )
        .await
        {
            Ok(Some(deleted)) => {
                struck += 1;
                proofs += deleted;
            }
            Ok(None) => {}
            Err(error) => failed("strike off", user_id, error),
        }
    }
    for user_id in documents::of_housed(pool, RETENTION_BATCH).await? {
        let deleted = async {
            let mut work = Work::begin(state).await?;
            let deleted = documents::erase_before_lease(&mut work, user_id).await?;
            work.commit().await?;
            Ok::<_, AppError>(deleted)
        }
        .await;
        match deleted {
            Ok(deleted) => proofs += deleted,
            Err(error) => failed("proofs of the housed", user_id, error),
        }
    }
    let now = now();
    let idle_before = paris_midnight(today.minus_months(retention_months));
    let mut due =
        profiles::struck_off_by(pool, today.minus_months(retention_months), RETENTION_BATCH)
            .await?;
    due.extend(
        accounts::dormant(
            pool,
            now - UNACTIVATED_KEPT_SECONDS,
            idle_before,
            RETENTION_BATCH,
        )
        .await?,
    );
    due.sort_unstable();
    due.dedup();
    let mut erased = 0;
    for user_id in due {
        match erase_account(state, user_id).await {
            Ok(true) => erased += 1,
            Ok(false) => {}
            Err(error) => failed("erase", user_id, error),
        }
    }
    done.struck_off = struck;
    done.proofs_deleted = proofs;
    done.accounts_erased = erased;
    let mut conn = pool.acquire().await?;
    done.letters_purged = mail::purge_delivered(&mut conn, now - DELIVERED_KEPT_SECONDS).await?;
    Ok(done)
}

/// Strikes off one lapsed request; the proofs deleted, or `None` when it was not struck off now
/// (another server did, or a commission is working on the file).
async fn strike_off(
    state: &AppState,
    user_id: i64,
    email: &str,
    name: &str,
    today: Date,
    retention_months: u32,
    link: &str,
) -> Result<Option<u64>, AppError> {
    let mut work = Work::begin(state).await?;
    if caleol::work_under_way(&mut work, user_id).await?.is_some() {
        return Ok(None);
    }
    if !profiles::strike_off(&mut work, user_id, today).await? {
        return Ok(None);
    }
    applications::withdraw_all(&mut work, user_id).await?;
    rankings::set_aside_everywhere(&mut work, user_id, "Demande radiée faute de renouvellement")
        .await?;
    let deleted = documents::erase_all(&mut work, user_id).await?;
    mail::enqueue(
        &mut work,
        &letters::struck_off(email, name, retention_months, link),
    )
    .await?;
    work.audit(AuditEntry {
        actor_user_id: None,
        organisation_id: None,
        action: "request.struck_off",
        subject: &format!("user:{user_id}"),
        detail: "",
    })
    .await?;
    work.commit().await?;
    Ok(Some(deleted))
}

/// Erases one account whose time is up; false when a commission is working on the file.
async fn erase_account(state: &AppState, user_id: i64) -> Result<bool, AppError> {
    let Some((email, name, _, _)) = accounts::account_facts(state.db.pool(), user_id).await? else {
        return Ok(false);
    };
    let mut work = Work::begin(state).await?;
    if caleol::work_under_way(&mut work, user_id).await?.is_some() {
        return Ok(false);
    }
    erase(&mut work, user_id, &email, &name).await?;
    work.audit(AuditEntry {
        actor_user_id: None,
        organisation_id: None,
        action: "account.erase",
        subject: &format!("user:{user_id}"),
        detail: "",
    })
    .await?;
    work.commit().await?;
    Ok(true)
}

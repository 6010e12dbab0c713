//! The applicant's rights over their data (RGPD): everything held about them, who read their
//! file, deleting their account; and the retention that runs by itself (requests not renewed are
//! struck off, then their data goes after the period of the settings).

use super::Work;
use crate::domain::calendar::{Date, paris_date, paris_moment};
use crate::error::AppError;
use crate::model::{CurrentUser, MyAccount, MyData, Role};
use crate::ssr::AppState;
use crate::ssr::db::now;
use crate::ssr::store::audit::AuditEntry;
use crate::ssr::store::file_reads::{self, Read, Reader};
use crate::ssr::store::{
    accounts, alerts, applications, caleol, cotation, documents, profiles, rankings,
};
use crate::ssr::{letters, mail, secrets};

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
    // The same guard as sign-in: the form must not become a way to guess the password.
    if !state.login_limiter.allow(&format!("delete:{}", user.id)) {
        return Err(AppError::RateLimited);
    }
    let stored = accounts::credentials_by_email(state.db.pool(), &user.email)
        .await?
        .and_then(|c| c.password_hash);
    if !secrets::verify_password(password, stored).await? {
        return Err(AppError::field(
            "password",
            "Ce mot de passe n'est pas celui de votre compte.",
        ));
    }
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
}

/// One pass of retention on `today`: strikes off requests not renewed (their live applications
/// withdrawn, their proofs deleted, the applicant told), deletes the proofs of requests closed
/// otherwise (housed here), and erases the accounts struck off `retention_months` ago or more.
pub async fn retention(
    state: &AppState,
    today: Date,
    retention_months: u32,
) -> Result<Retention, AppError> {
    let pool = state.db.pool();
    let mut done = Retention::default();
    let link = state.link("/espace/profil#demande");
    for (user_id, email, name) in profiles::lapsed(pool, today, RETENTION_BATCH).await? {
        let mut work = Work::begin(state).await?;
        if !profiles::strike_off(&mut work, user_id, today).await? {
            continue;
        }
        applications::withdraw_all(&mut work, user_id).await?;
        rankings::set_aside_everywhere(
            &mut work,
            user_id,
            "Demande radiée faute de renouvellement",
        )
        .await?;
        done.proofs_deleted += documents::erase_all(&mut work, user_id).await?;
        mail::enqueue(
            &mut work,
            &letters::struck_off(&email, &name, retention_months, &link),
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
        done.struck_off += 1;
    }
    for user_id in documents::of_closed_requests(pool, RETENTION_BATCH).await? {
        let mut work = Work::begin(state).await?;
        done.proofs_deleted += documents::erase_all(&mut work, user_id).await?;
        work.commit().await?;
    }
    let cutoff = today.minus_months(retention_months);
    for user_id in profiles::struck_off_by(pool, cutoff, RETENTION_BATCH).await? {
        let Some((email, name, _, _)) = accounts::account_facts(pool, user_id).await? else {
            continue;
        };
        let mut work = Work::begin(state).await?;
        if caleol::work_under_way(&mut work, user_id).await?.is_some() {
            continue;
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
        done.accounts_erased += 1;
    }
    let mut conn = pool.acquire().await?;
    done.letters_purged = mail::purge_delivered(&mut conn, now() - DELIVERED_KEPT_SECONDS).await?;
    Ok(done)
}

//! Applications to offers: apply within the organisation's cap, withdraw before the close, and
//! what the applicant follows. The applicant's id always comes from the session.

use crate::domain::calendar::paris_date;
use crate::domain::offer::OfferStatus;
use crate::model::MyApplication;
use crate::model::caleol::{DecisionLine, ProposalInfo};
use crate::ssr::db::{is_unique_violation, now};
use crate::ssr::letters;
use crate::ssr::mail::{enqueue, enqueue_all};
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

/// Offer states in which an application still counts against the cap.
const LIVE_OFFER_STATES: &str = "('published', 'closed', 'in_review', 'in_commission')";

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("offer not open for applications")]
    NotOpen,
    #[error("cap of {0} active applications reached")]
    CapReached(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    #[error("no such application of this applicant")]
    NotFound,
    #[error("the offer has closed")]
    TooLate,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub struct ApplyRequest {
    pub offer_id: i64,
    pub applicant_user_id: i64,
    /// The applicant, or the staff member applying on their behalf.
    pub actor_user_id: i64,
    pub assisted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    New(i64),
    /// The applicant had already applied (a double click, a second tab): nothing changed.
    Already(i64),
}

/// Takes the applicant's row lock, so that one applicant's requests run one after the other on
/// both backends (PostgreSQL row lock; SQLite's single writer) and the cap cannot be overrun.
async fn lock_applicant(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO applicant_profiles (user_id, updated_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE applicant_profiles SET applications_version = applications_version + 1 WHERE user_id = $1",
    )
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OfferLine {
    organisation_id: i64,
    cap: i64,
    typology: String,
    commune_insee: String,
    closes_at: i64,
}

async fn open_offer(
    conn: &mut AnyConnection,
    offer_id: i64,
) -> Result<Option<OfferLine>, sqlx::Error> {
    let at = now();
    sqlx::query_as(
        "SELECT o.organisation_id, g.max_active_applications AS cap, u.typology, u.commune_insee, o.closes_at
         FROM offers o JOIN units u ON u.id = o.unit_id JOIN organisations g ON g.id = o.organisation_id
         WHERE o.id = $1 AND o.status = 'published' AND o.opens_at <= $2 AND o.closes_at > $2",
    )
    .bind(offer_id)
    .bind(at)
    .fetch_optional(conn)
    .await
}

/// The applicant's active application count with an organisation, and its cap.
pub async fn active_with(
    conn: &mut AnyConnection,
    user_id: i64,
    organisation_id: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT (SELECT COUNT(*) FROM applications a JOIN offers o ON o.id = a.offer_id
                 WHERE a.applicant_user_id = $1 AND a.organisation_id = $2 AND a.status = 'active'
                   AND o.status IN {LIVE_OFFER_STATES}),
                (SELECT max_active_applications FROM organisations WHERE id = $2)"
    ))
    .bind(user_id)
    .bind(organisation_id)
    .fetch_one(conn)
    .await
}

/// The applicant's live application to an offer, if any.
pub async fn active_for_offer(
    conn: &mut AnyConnection,
    user_id: i64,
    offer_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM applications WHERE offer_id = $1 AND applicant_user_id = $2 AND status = 'active'",
    )
    .bind(offer_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Records an application, with its confirmation e-mail, in the caller's transaction. The
/// caller has checked eligibility; this checks what must hold at the instant of writing.
pub async fn apply(
    conn: &mut AnyConnection,
    request: &ApplyRequest,
    (email, name): (&str, &str),
    link: &str,
) -> Result<Applied, ApplyError> {
    lock_applicant(&mut *conn, request.applicant_user_id).await?;
    let offer = open_offer(&mut *conn, request.offer_id)
        .await?
        .ok_or(ApplyError::NotOpen)?;
    if let Some(id) =
        active_for_offer(&mut *conn, request.applicant_user_id, request.offer_id).await?
    {
        return Ok(Applied::Already(id));
    }
    let (active, _) =
        active_with(&mut *conn, request.applicant_user_id, offer.organisation_id).await?;
    if active >= offer.cap {
        return Err(ApplyError::CapReached(offer.cap));
    }
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO applications (offer_id, organisation_id, applicant_user_id, status, channel, created_by_user_id, created_at)
         VALUES ($1, $2, $3, 'active', $4, $5, $6) RETURNING id",
    )
    .bind(request.offer_id)
    .bind(offer.organisation_id)
    .bind(request.applicant_user_id)
    .bind(if request.assisted { "assisted" } else { "online" })
    .bind(request.actor_user_id)
    .bind(now())
    .fetch_one(&mut *conn)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        // The lock makes this unreachable in practice; the index is the last word.
        Err(e) if is_unique_violation(&e) => {
            let existing =
                active_for_offer(&mut *conn, request.applicant_user_id, request.offer_id)
                    .await?
                    .ok_or(ApplyError::Db(e))?;
            return Ok(Applied::Already(existing));
        }
        Err(e) => return Err(e.into()),
    };
    let what = letters::OfferLabel {
        id: request.offer_id,
        typology: offer.typology,
        commune: crate::ssr::reference::commune_name(&offer.commune_insee),
    };
    let closes_on = paris_date(offer.closes_at - 1).french();
    enqueue(
        conn,
        &letters::application_received(email, name, &what, &closes_on, request.assisted, link),
    )
    .await?;
    Ok(Applied::New(id))
}

/// Withdraws one of the applicant's own active applications while the offer is open.
pub async fn withdraw(
    conn: &mut AnyConnection,
    user_id: i64,
    application_id: i64,
    (email, name): (&str, &str),
    link: &str,
) -> Result<i64, WithdrawError> {
    lock_applicant(&mut *conn, user_id).await?;
    let row: Option<(i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT a.offer_id, a.status, o.closes_at, u.typology, u.commune_insee
         FROM applications a JOIN offers o ON o.id = a.offer_id JOIN units u ON u.id = o.unit_id
         WHERE a.id = $1 AND a.applicant_user_id = $2",
    )
    .bind(application_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (offer_id, status, closes_at, typology, commune_insee) =
        row.ok_or(WithdrawError::NotFound)?;
    if status == "withdrawn" {
        // Already withdrawn (a double click): nothing more to do.
        return Ok(offer_id);
    }
    let at = now();
    if closes_at <= at {
        return Err(WithdrawError::TooLate);
    }
    let updated = sqlx::query(
        "UPDATE applications SET status = 'withdrawn', withdrawn_at = $3
         WHERE id = $1 AND applicant_user_id = $2 AND status = 'active'
           AND EXISTS (SELECT 1 FROM offers o WHERE o.id = applications.offer_id AND o.status = 'published')",
    )
    .bind(application_id)
    .bind(user_id)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(WithdrawError::TooLate);
    }
    let what = letters::OfferLabel {
        id: offer_id,
        typology,
        commune: crate::ssr::reference::commune_name(&commune_insee),
    };
    enqueue(
        conn,
        &letters::application_withdrawn(email, name, &what, link),
    )
    .await?;
    Ok(offer_id)
}

#[derive(sqlx::FromRow)]
struct MineRow {
    id: i64,
    offer_id: i64,
    status: String,
    channel: String,
    created_at: i64,
    withdrawn_at: Option<i64>,
    offer_status: String,
    closes_at: i64,
    typology: String,
    surface_m2: i64,
    commune_insee: String,
    rent_cents: i64,
    charges_cents: i64,
    landlord: String,
    applicants: i64,
}

/// What became of an applicant's applications after the close, read from the rankings and the
/// commission by the caller, by application or by offer.
pub struct Outcomes {
    /// By application: the rank and number ranked, or why it was not ranked.
    pub ranks: HashMap<i64, Result<(i64, i64), Vec<String>>>,
    /// By offer: the commission's decision.
    pub decisions: Vec<(i64, DecisionLine)>,
    /// By offer: the unit proposed after the decision.
    pub proposals: Vec<(i64, ProposalInfo)>,
}

/// Every application of the applicant, newest first, with how many applicants each offer has
/// and what became of it.
pub async fn mine(
    pool: &AnyPool,
    user_id: i64,
    outcomes: Outcomes,
) -> Result<Vec<MyApplication>, sqlx::Error> {
    let rows: Vec<MineRow> = sqlx::query_as(
        "SELECT a.id, a.offer_id, a.status, a.channel, a.created_at, a.withdrawn_at, o.status AS offer_status,
                o.closes_at, u.typology, u.surface_m2, u.commune_insee, u.rent_cents, u.charges_cents,
                g.name AS landlord,
                (SELECT COUNT(*) FROM applications b WHERE b.offer_id = a.offer_id AND b.status = 'active') AS applicants
         FROM applications a JOIN offers o ON o.id = a.offer_id JOIN units u ON u.id = o.unit_id
              JOIN organisations g ON g.id = o.organisation_id
         WHERE a.applicant_user_id = $1
         ORDER BY a.created_at DESC, a.id DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let at = now();
    let Outcomes {
        mut ranks,
        mut decisions,
        proposals,
    } = outcomes;
    // The latest offer of each unit comes last and wins.
    let proposals: HashMap<i64, ProposalInfo> = proposals.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let ranked = ranks.remove(&r.id);
            let offer_status = OfferStatus::parse(&r.offer_status);
            let active = r.status == "active";
            let can_withdraw =
                active && offer_status == Some(OfferStatus::Published) && r.closes_at > at;
            MyApplication {
                id: r.id,
                offer_id: r.offer_id,
                title: format!(
                    "{} de {} m² à {}",
                    r.typology,
                    r.surface_m2,
                    crate::ssr::reference::commune_name(&r.commune_insee)
                ),
                landlord: r.landlord,
                rent_cents: r.rent_cents,
                charges_cents: r.charges_cents,
                applied_on: paris_date(r.created_at).french(),
                closes_on: paris_date(r.closes_at - 1).french(),
                status_label: status_label(active, offer_status, r.withdrawn_at, ranked.is_some()),
                assisted: r.channel == "assisted",
                applicants: r.applicants,
                can_withdraw,
                withdrawn: r.withdrawn_at.is_some(),
                rank: ranked.as_ref().and_then(|o| o.as_ref().ok().copied()),
                not_eligible_at_close: ranked.and_then(|o| o.err()),
                decision: decisions
                    .iter()
                    .position(|(offer, _)| *offer == r.offer_id)
                    .map(|i| decisions.swap_remove(i).1),
                proposal: proposals.get(&r.offer_id).cloned(),
            }
        })
        .collect())
}

fn status_label(
    active: bool,
    offer: Option<OfferStatus>,
    withdrawn_at: Option<i64>,
    ranked: bool,
) -> String {
    if !active {
        return match withdrawn_at {
            Some(at) => format!("Retirée le {}", paris_date(at).french()),
            None => "Retirée".into(),
        };
    }
    match offer {
        Some(OfferStatus::Published) => "Enregistrée : l'offre est ouverte aux candidatures".into(),
        Some(OfferStatus::Closed | OfferStatus::InReview) if ranked => {
            "Candidatures closes : classement établi, le bailleur prépare la commission".into()
        }
        Some(OfferStatus::Closed | OfferStatus::InReview) => {
            "Candidatures closes : classement en cours".into()
        }
        Some(OfferStatus::InCommission) => "Examinée en commission d'attribution".into(),
        Some(OfferStatus::Attributed) => "Logement attribué : décision envoyée par e-mail".into(),
        Some(OfferStatus::Unsuccessful) => "Offre sans attribution".into(),
        Some(OfferStatus::Cancelled) => "Offre annulée par le bailleur".into(),
        Some(OfferStatus::Draft) | None => "Offre retirée de la publication".into(),
    }
}

/// Tells every active applicant of an offer what happened to it (closed, cancelled, unpublished),
/// in the caller's transaction, so that no one learns the outcome by silence.
pub async fn notify_applicants(
    conn: &mut AnyConnection,
    offer_id: i64,
    to: OfferStatus,
    link: &str,
) -> Result<usize, sqlx::Error> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT us.email, us.display_name, u.typology, u.commune_insee
         FROM applications a JOIN users us ON us.id = a.applicant_user_id
              JOIN offers o ON o.id = a.offer_id JOIN units u ON u.id = o.unit_id
         WHERE a.offer_id = $1 AND a.status = 'active' ORDER BY a.id",
    )
    .bind(offer_id)
    .fetch_all(&mut *conn)
    .await?;
    let letters: Vec<_> = rows
        .iter()
        .map(|(email, name, typology, commune_insee)| {
            let what = letters::OfferLabel {
                id: offer_id,
                typology: typology.clone(),
                commune: crate::ssr::reference::commune_name(commune_insee),
            };
            letters::offer_status_changed(email, name, &what, to, link)
        })
        .collect();
    enqueue_all(&mut *conn, &letters).await?;
    Ok(rows.len())
}

/// Withdraws every live application of `user_id` to an offer still open (the request ended:
/// struck off, or the account deleted); returns how many. No letter: the caller sends one for all.
pub async fn withdraw_all(conn: &mut AnyConnection, user_id: i64) -> Result<u64, sqlx::Error> {
    lock_applicant(&mut *conn, user_id).await?;
    let done = sqlx::query(
        "UPDATE applications SET status = 'withdrawn', withdrawn_at = $2
         WHERE applicant_user_id = $1 AND status = 'active'
           AND EXISTS (SELECT 1 FROM offers o WHERE o.id = applications.offer_id AND o.status = 'published')",
    )
    .bind(user_id)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Live applications to each of these offers, by offer (offers without any are left out).
pub async fn live_counts(
    pool: &AnyPool,
    offer_ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, sqlx::Error> {
    if offer_ids.is_empty() {
        return Ok(Default::default());
    }
    let placeholders = crate::ssr::db::bind_list(offer_ids.len());
    let sql = format!(
        "SELECT offer_id, COUNT(*) FROM applications WHERE status = 'active' AND offer_id IN ({})
         GROUP BY offer_id",
        placeholders
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
    for id in offer_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(pool).await?.into_iter().collect())
}

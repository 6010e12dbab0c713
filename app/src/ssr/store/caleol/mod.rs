//! The commission's work in the store: sessions and their agenda, members' votes, decisions,
//! the minutes, the offers made to attributed candidates and the lease that ends an offer.
//!
//! Access is checked here as well as in the server functions: a member reaches a session only
//! through their own commission, staff only through their organisation.

use crate::domain::calendar::{Date, paris_date};
use crate::domain::caleol::{
    Ballot, CandidateAtClose, CastVote, Choice, CloseLetter, DecisionKind, ItemAtClose,
    MemberQuality, OccupationFlag, ProposedUnit, Refusal, Ruling, SessionAtClose, SessionMode,
    SessionStatus, Tally, close_letter, flags_from_csv, offer_order, plan_close, pseudonym,
    reply_by, review_due, tally,
};
use crate::domain::cotation::Score;
use crate::domain::documents::DocumentKind;
use crate::domain::eligibility::Assessment;
use crate::domain::offer::{OfferStatus, Typology};
use crate::domain::profile::Profile;
use crate::domain::ranking::{RankingMode, ShortlistException};
use crate::model::caleol::*;
use crate::ssr::db::now;
use crate::ssr::letters::{self, CommissionOutcome, Ending, OfferLabel};
use crate::ssr::mail::enqueue;
use crate::ssr::store::transition;
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

mod decisions;
mod follow_up;
mod occupation;
mod review;

pub use decisions::*;
pub use follow_up::*;
pub use occupation::*;
pub use review::*;

fn json_error(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// Why a change to a session was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaleolError {
    #[error("not found")]
    NotFound,
    /// The change is not allowed as things stand.
    #[error("refused: {0}")]
    Refused(Refusal),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// A stored value the code cannot read: a bug or a hand edit, never the user's doing.
    #[error("unreadable row: {0}")]
    Corrupt(String),
}

fn refused(refusal: Refusal) -> CaleolError {
    CaleolError::Refused(refusal)
}

/// Who is looking at a session.
#[derive(Debug, Clone, Copy)]
pub enum Viewer {
    Member { user_id: i64, commission_id: i64 },
    Staff { organisation_id: i64 },
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    commission_id: i64,
    organisation_id: i64,
    mode: String,
    held_on: String,
    quorum: i64,
    status: String,
    observations: String,
    minutes: Option<String>,
    commission: String,
    organisation: String,
    president_user_id: Option<i64>,
}

impl SessionRow {
    fn status(&self) -> SessionStatus {
        SessionStatus::parse(&self.status).unwrap_or(SessionStatus::Planned)
    }
    fn mode(&self) -> SessionMode {
        SessionMode::parse(&self.mode).unwrap_or(SessionMode::InPerson)
    }
    fn held_on_french(&self) -> String {
        Date::parse(&self.held_on)
            .map(|d| d.french())
            .unwrap_or_else(|| self.held_on.clone())
    }
}

/// The session if `viewer` may see it.
async fn session(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
) -> Result<Option<SessionRow>, sqlx::Error> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT s.id, s.commission_id, s.organisation_id, s.mode, s.held_on, s.quorum, s.status,
                s.observations, s.minutes, c.name AS commission, o.name AS organisation,
                c.president_user_id
         FROM caleol_sessions s JOIN commissions c ON c.id = s.commission_id
              JOIN organisations o ON o.id = s.organisation_id
         WHERE s.id = $1",
    )
    .bind(session_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.filter(|s| match viewer {
        Viewer::Member { commission_id, .. } => s.commission_id == commission_id,
        Viewer::Staff { organisation_id } => s.organisation_id == organisation_id,
    }))
}

/// Whether `viewer` presides the session and its minutes still await the signature.
pub async fn may_sign(
    pool: &AnyPool,
    session_id: i64,
    viewer: Viewer,
) -> Result<bool, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    Ok(session(&mut conn, session_id, viewer)
        .await?
        .is_some_and(|s| president_of(&s, viewer) && s.status() == SessionStatus::Closed))
}

fn president_of(session: &SessionRow, viewer: Viewer) -> bool {
    matches!(viewer, Viewer::Member { user_id, .. } if session.president_user_id == Some(user_id))
}

/// Members of a commission with their quality; members without a recorded seat sit as
/// designated members.
async fn seats(
    conn: &mut AnyConnection,
    commission_id: i64,
    president: Option<i64>,
) -> Result<Vec<Seat>, sqlx::Error> {
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT u.id, u.display_name, s.quality
         FROM users u LEFT JOIN commission_seats s ON s.user_id = u.id
         WHERE u.commission_id = $1 AND u.role = 'member' AND u.active = 1
         ORDER BY u.display_name",
    )
    .bind(commission_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(user_id, name, quality)| {
            let quality = quality
                .as_deref()
                .and_then(MemberQuality::parse)
                .unwrap_or(MemberQuality::Designated);
            Seat {
                user_id,
                name,
                quality: quality.label().to_string(),
                votes: quality.votes(),
                president: president == Some(user_id),
                present: false,
            }
        })
        .collect())
}

/// Who took part: those who voted online in a dematerialised session, those marked present in
/// person otherwise.
async fn mark_presence(
    conn: &mut AnyConnection,
    session: &SessionRow,
    seats: &mut [Seat],
) -> Result<(), sqlx::Error> {
    let present: Vec<(i64,)> = if session.mode() == SessionMode::Remote {
        sqlx::query_as(
            "SELECT DISTINCT v.member_user_id FROM votes v JOIN session_items i ON i.id = v.item_id
             WHERE i.session_id = $1",
        )
        .bind(session.id)
        .fetch_all(conn)
        .await?
    } else {
        sqlx::query_as("SELECT user_id FROM session_attendance WHERE session_id = $1")
            .bind(session.id)
            .fetch_all(conn)
            .await?
    };
    for seat in seats.iter_mut() {
        seat.present = present.iter().any(|(id,)| *id == seat.user_id);
    }
    Ok(())
}

async fn item_titles(
    conn: &mut AnyConnection,
    session_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT i.offer_id, u.typology, u.surface_m2, u.commune_insee
         FROM session_items i JOIN offers o ON o.id = i.offer_id JOIN units u ON u.id = o.unit_id
         WHERE i.session_id = $1 ORDER BY i.id",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, typology, surface, insee)| (id, unit_title(&typology, surface, &insee)))
        .collect())
}

fn unit_title(typology: &str, surface_m2: i64, insee: &str) -> String {
    format!(
        "{typology} de {surface_m2} m² à {}",
        crate::ssr::reference::commune_name(insee)
    )
}

async fn summaries(
    conn: &mut AnyConnection,
    filter_sql: &str,
    id: i64,
) -> Result<Vec<SessionSummary>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT s.id, c.name, s.held_on, s.mode, s.status, s.quorum
         FROM caleol_sessions s JOIN commissions c ON c.id = s.commission_id
         WHERE {filter_sql} = $1 ORDER BY s.held_on DESC, s.id DESC"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut sessions = Vec::with_capacity(rows.len());
    for (id, commission, held_on, mode, status, quorum) in rows {
        sessions.push(SessionSummary {
            id,
            commission,
            held_on: Date::parse(&held_on).map(|d| d.french()).unwrap_or(held_on),
            mode: SessionMode::parse(&mode).unwrap_or(SessionMode::InPerson),
            status: SessionStatus::parse(&status).unwrap_or(SessionStatus::Planned),
            quorum,
            items: item_titles(conn, id).await?,
        });
    }
    Ok(sessions)
}

/// A member's commission, its seats and its sessions (and no other commission's).
pub async fn commission_home(
    pool: &AnyPool,
    commission_id: i64,
) -> Result<Option<CommissionHome>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let head: Option<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT c.name, o.name, c.president_user_id FROM commissions c
         JOIN organisations o ON o.id = c.organisation_id WHERE c.id = $1",
    )
    .bind(commission_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((commission, organisation, president)) = head else {
        return Ok(None);
    };
    Ok(Some(CommissionHome {
        commission,
        organisation,
        seats: seats(&mut conn, commission_id, president).await?,
        sessions: summaries(&mut conn, "s.commission_id", commission_id).await?,
    }))
}

/// Staff's overview: their commissions, sessions, and the offers ready for an agenda.
pub async fn overview(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<SessionsOverview, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let commissions: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM commissions WHERE organisation_id = $1 ORDER BY name")
            .bind(organisation_id)
            .fetch_all(&mut *conn)
            .await?;
    let ready: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT o.id, u.typology, u.surface_m2, u.commune_insee
         FROM offers o JOIN units u ON u.id = o.unit_id JOIN rankings r ON r.offer_id = o.id
         WHERE o.organisation_id = $1 AND o.status = 'in_review' AND r.shortlist_size IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM session_items i WHERE i.offer_id = o.id)
         ORDER BY o.id",
    )
    .bind(organisation_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(SessionsOverview {
        commissions,
        sessions: summaries(&mut conn, "s.organisation_id", organisation_id).await?,
        ready_offers: ready
            .into_iter()
            .map(|(id, t, s, insee)| (id, format!("Offre n° {id} — {}", unit_title(&t, s, &insee))))
            .collect(),
    })
}

/// A new session of one of the organisation's commissions.
pub async fn create_session(
    conn: &mut AnyConnection,
    organisation_id: i64,
    commission_id: i64,
    mode: SessionMode,
    held_on: Date,
    quorum: i64,
    actor: i64,
) -> Result<i64, CaleolError> {
    let owned: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM commissions WHERE id = $1 AND organisation_id = $2")
            .bind(commission_id)
            .bind(organisation_id)
            .fetch_optional(&mut *conn)
            .await?;
    if owned.is_none() {
        return Err(CaleolError::NotFound);
    }
    let voting = seats(conn, commission_id, None)
        .await?
        .iter()
        .filter(|s| s.votes)
        .count() as i64;
    if quorum < 1 || quorum > voting.max(1) {
        return Err(refused(Refusal::QuorumOutOfRange {
            voting: voting.max(1),
        }));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO caleol_sessions (commission_id, organisation_id, mode, held_on, quorum, status,
                                      created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'prevue', $6, $7) RETURNING id",
    )
    .bind(commission_id)
    .bind(organisation_id)
    .bind(mode.code())
    .bind(held_on.iso())
    .bind(quorum)
    .bind(actor)
    .bind(now())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Puts an offer whose shortlist is ready on a planned session's agenda; the offer goes into
/// commission.
pub async fn add_item(
    conn: &mut AnyConnection,
    organisation_id: i64,
    session_id: i64,
    offer_id: i64,
    actor: i64,
) -> Result<(), CaleolError> {
    let s = session(conn, session_id, Viewer::Staff { organisation_id })
        .await?
        .ok_or(CaleolError::NotFound)?;
    if s.status() != SessionStatus::Planned {
        return Err(refused(Refusal::AgendaFrozen));
    }
    let ready: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT r.shortlist_size FROM offers o JOIN rankings r ON r.offer_id = o.id
         WHERE o.id = $1 AND o.organisation_id = $2 AND o.status = 'in_review'",
    )
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?;
    match ready {
        None => return Err(CaleolError::NotFound),
        Some((None,)) => {
            return Err(refused(Refusal::ShortlistNotReady));
        }
        Some((Some(_),)) => {}
    }
    let inserted = sqlx::query(
        "INSERT INTO session_items (session_id, offer_id, added_by, added_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(session_id)
    .bind(offer_id)
    .bind(actor)
    .bind(now())
    .execute(&mut *conn)
    .await;
    match inserted {
        Err(e) if crate::ssr::db::is_unique_violation(&e) => {
            return Err(refused(Refusal::AlreadyOnAgenda));
        }
        other => {
            other?;
        }
    }
    transition(
        conn,
        Some(organisation_id),
        offer_id,
        OfferStatus::InCommission,
        Some(actor),
    )
    .await
    .map_err(|_| refused(Refusal::OfferCannotGoToCommission))?;
    Ok(())
}

/// The president opens a planned session: the agenda is frozen, review and votes begin.
/// Opens a planned session on the day it is held (see `domain::caleol::opening_day`), which
/// becomes its date; answers that day.
pub async fn open(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
    meets_today: bool,
) -> Result<Date, CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Planned {
        return Err(refused(Refusal::AlreadyOpen));
    }
    let planned = Date::parse(&s.held_on).ok_or_else(|| {
        CaleolError::Corrupt(format!("session {session_id} held_on {}", s.held_on))
    })?;
    let held = crate::domain::caleol::opening_day(
        planned,
        crate::domain::calendar::paris_date(now()),
        meets_today,
    )
    .map_err(refused)?;
    let (items,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM session_items WHERE session_id = $1")
            .bind(session_id)
            .fetch_one(&mut *conn)
            .await?;
    let reviews = due_reviews(conn, s.organisation_id, Some(held)).await?;
    if items == 0 && reviews.is_empty() {
        return Err(refused(Refusal::EmptyAgenda));
    }
    sqlx::query(
        "UPDATE caleol_sessions SET status = 'ouverte', opened_at = $1, held_on = $2
         WHERE id = $3 AND status = 'prevue'",
    )
    .bind(now())
    .bind(held.iso())
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(held)
}

async fn president_session(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
) -> Result<SessionRow, CaleolError> {
    let s = session(conn, session_id, viewer)
        .await?
        .ok_or(CaleolError::NotFound)?;
    if !president_of(&s, viewer) {
        return Err(refused(Refusal::PresidentOnly));
    }
    Ok(s)
}

/// The shortlisted entry `entry_id` on this session's agenda: (item id, applicant id).
async fn agenda_entry(
    conn: &mut AnyConnection,
    session_id: i64,
    entry_id: i64,
) -> Result<(i64, i64), CaleolError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT i.id, e.applicant_user_id
         FROM ranking_entries e JOIN rankings r ON r.id = e.ranking_id
              JOIN session_items i ON i.offer_id = r.offer_id
         WHERE e.id = $1 AND i.session_id = $2 AND e.shortlisted = 1",
    )
    .bind(entry_id)
    .bind(session_id)
    .fetch_optional(conn)
    .await?;
    row.ok_or(CaleolError::NotFound)
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    offer_id: i64,
    typology: String,
    surface_m2: i64,
    commune_insee: String,
    rent_cents: i64,
    charges_cents: i64,
    financing: String,
    ranking_mode: String,
    shortlist_exception: String,
    ranking_id: i64,
}

async fn items_of(conn: &mut AnyConnection, session_id: i64) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.offer_id, u.typology, u.surface_m2, u.commune_insee, u.rent_cents,
                u.charges_cents, u.financing, r.mode AS ranking_mode, r.shortlist_exception,
                r.id AS ranking_id
         FROM session_items i JOIN offers o ON o.id = i.offer_id JOIN units u ON u.id = o.unit_id
              JOIN rankings r ON r.offer_id = o.id
         WHERE i.session_id = $1 ORDER BY i.id",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    applicant_user_id: i64,
    position: Option<i64>,
    display_name: String,
    profile_snapshot: String,
    breakdown: String,
    assessment: String,
    skip_motive: Option<String>,
    shortlisted: i64,
    grid_audience: Option<String>,
    grid_version: Option<i64>,
}

async fn entries_of(
    conn: &mut AnyConnection,
    ranking_id: i64,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.applicant_user_id, e.position, us.display_name,
                e.profile_snapshot, e.breakdown, e.assessment, e.skip_motive, e.shortlisted,
                g.audience AS grid_audience, g.version AS grid_version
         FROM ranking_entries e JOIN users us ON us.id = e.applicant_user_id
              LEFT JOIN cotation_grids g ON g.id = e.grid_id
         WHERE e.ranking_id = $1 AND e.position IS NOT NULL
         ORDER BY e.position",
    )
    .bind(ranking_id)
    .fetch_all(conn)
    .await
}

/// Candidates set aside ahead of the last one presented: a departure from the ranking's order,
/// with the staff's motive.
fn departures(entries: &[EntryRow]) -> Vec<String> {
    let last = entries
        .iter()
        .filter(|e| e.shortlisted != 0)
        .filter_map(|e| e.position)
        .max()
        .unwrap_or(0);
    entries
        .iter()
        .filter(|e| e.position.unwrap_or(i64::MAX) < last)
        .filter_map(|e| {
            e.skip_motive.as_ref().map(|motive| {
                format!(
                    "Le candidat classé {} n'est pas présenté. Motif donné par le bailleur : {motive}",
                    e.position.unwrap_or_default()
                )
            })
        })
        .collect()
}

/// The organisation a session belongs to (for the audit log).
pub async fn organisation_of(
    conn: &mut AnyConnection,
    session_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT organisation_id FROM caleol_sessions WHERE id = $1")
            .bind(session_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// Seats a member on their commission in `quality`; `president` makes them its president.
pub async fn insert_seat(
    conn: &mut AnyConnection,
    user_id: i64,
    commission_id: i64,
    quality: MemberQuality,
    president: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO commission_seats (user_id, commission_id, quality) VALUES ($1, $2, $3)",
    )
    .bind(user_id)
    .bind(commission_id)
    .bind(quality.code())
    .execute(&mut *conn)
    .await?;
    if president {
        sqlx::query("UPDATE commissions SET president_user_id = $1 WHERE id = $2")
            .bind(user_id)
            .bind(commission_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Lets a staff member administer their organisation (read its audit log).
pub async fn make_org_admin(
    conn: &mut AnyConnection,
    user_id: i64,
    organisation_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO organisation_admins (user_id, organisation_id) VALUES ($1, $2)")
        .bind(user_id)
        .bind(organisation_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Why the household's data cannot go yet, if a commission's work on it is under way: a unit
/// proposed and not yet answered or let, or an offer of theirs before a commission.
pub async fn work_under_way(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<&'static str>, sqlx::Error> {
    let proposal: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM offer_proposals WHERE applicant_user_id = $1 AND status IN ('en_attente', 'acceptee')",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    if proposal.is_some() {
        return Ok(Some(
            "Un logement vous est proposé et la suite est en cours : répondez à la proposition, ou attendez la signature du bail, avant de supprimer votre compte.",
        ));
    }
    let before_commission: Option<(i64,)> = sqlx::query_as(
        "SELECT e.id FROM ranking_entries e JOIN rankings r ON r.id = e.ranking_id
         JOIN offers o ON o.id = r.offer_id
         WHERE e.applicant_user_id = $1 AND e.shortlisted = 1 AND e.skip_motive IS NULL
           AND o.status = 'in_commission'
           AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.entry_id = e.id)",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(before_commission.map(|_| {
        "Une commission d'attribution examine en ce moment l'une de vos candidatures. Vous pourrez supprimer votre compte dès sa décision."
    }))
}

/// Replaces the household's name and SNE number in the minutes frozen at each close, and the
/// tenant's name of its leases, by `pseudonym`: the minutes still read, without naming them.
pub async fn pseudonymise(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
    pseudonym: &str,
) -> Result<(), sqlx::Error> {
    let sessions: Vec<(i64, String)> = sqlx::query_as(
        "SELECT s.id, s.minutes FROM caleol_sessions s
         WHERE s.minutes IS NOT NULL
           AND (s.id IN (SELECT si.session_id FROM decisions d JOIN session_items si ON si.id = d.item_id
                         WHERE d.applicant_user_id = $1)
             OR s.id IN (SELECT r.session_id FROM occupation_reviews r JOIN leases l ON l.id = r.lease_id
                         WHERE l.tenant_user_id = $1))",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    for (session_id, raw) in sessions {
        let mut minutes: Minutes = serde_json::from_str(&raw).map_err(json_error)?;
        for decision in minutes.items.iter_mut().flat_map(|item| item.decisions.iter_mut()) {
            if decision.candidate == name {
                decision.candidate = pseudonym.to_string();
                decision.sne_number.clear();
            }
        }
        for line in &mut minutes.occupation {
            if line.0 == name {
                line.0 = pseudonym.to_string();
            }
        }
        sqlx::query("UPDATE caleol_sessions SET minutes = $2 WHERE id = $1")
            .bind(session_id)
            .bind(serde_json::to_string(&minutes).map_err(json_error)?)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE leases SET tenant_name = $2 WHERE tenant_user_id = $1")
        .bind(user_id)
        .bind(pseudonym)
        .execute(conn)
        .await?;
    Ok(())
}

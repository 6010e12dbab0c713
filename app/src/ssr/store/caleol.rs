//! The commission's work in the store: sessions and their agenda, members' votes, decisions,
//! the minutes, the offers made to attributed candidates and the lease that ends an offer.
//!
//! Access is checked here as well as in the server functions: a member reaches a session only
//! through their own commission, staff only through their organisation.

use crate::domain::caleol::{
    Ballot, Choice, DecisionKind, MemberQuality, OccupationFlag, ProposedUnit, Ruling,
    SessionMode, SessionStatus, Tally, flags_from_csv, offer_order, pseudonym, quorum_met,
    reply_by, review_due, tally,
};
use crate::domain::calendar::{Date, paris_date};
use crate::domain::cotation::Score;
use crate::domain::documents::DocumentKind;
use crate::domain::eligibility::Assessment;
use crate::domain::offer::{OfferStatus, Typology};
use crate::domain::profile::Profile;
use crate::domain::ranking::{RankingMode, ShortlistException};
use crate::model::caleol::*;
use crate::ssr::db::now;
use crate::ssr::letters::{self, CommissionOutcome, OfferLabel};
use crate::ssr::mail::enqueue;
use crate::ssr::store::{audit, offers};
use sqlx::{AnyConnection, AnyPool};

fn json_error(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// Why a change to a session was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaleolError {
    #[error("not found")]
    NotFound,
    /// The change is not allowed as things stand; the message says why, in French.
    #[error("refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn refused(message: impl Into<String>) -> CaleolError {
    CaleolError::Refused(message.into())
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

pub async fn quality_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<MemberQuality, sqlx::Error> {
    let quality: Option<(String,)> =
        sqlx::query_as("SELECT quality FROM commission_seats WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(quality
        .and_then(|(q,)| MemberQuality::parse(&q))
        .unwrap_or(MemberQuality::Designated))
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
        crate::ssr::store::listings::commune_name(insee)
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
pub async fn overview(pool: &AnyPool, organisation_id: i64) -> Result<SessionsOverview, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let commissions: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM commissions WHERE organisation_id = $1 ORDER BY name",
    )
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
        return Err(refused(format!(
            "Le quorum doit être compris entre 1 et {} (membres à voix délibérative de la commission).",
            voting.max(1)
        )));
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
        return Err(refused(
            "L'ordre du jour est arrêté : la séance est ouverte ou close.",
        ));
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
            return Err(refused(
                "La liste des candidats n'est pas encore constituée pour cette offre.",
            ));
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
            return Err(refused(
                "Cette offre est déjà inscrite à l'ordre du jour d'une séance.",
            ));
        }
        other => {
            other?;
        }
    }
    offers::transition(
        conn,
        Some(organisation_id),
        offer_id,
        OfferStatus::InCommission,
        Some(actor),
    )
    .await
    .map_err(|_| refused("L'offre ne peut pas passer en commission dans son état actuel."))?;
    Ok(())
}

/// The president opens a planned session: the agenda is frozen, review and votes begin.
pub async fn open(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
) -> Result<(), CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Planned {
        return Err(refused("La séance est déjà ouverte."));
    }
    let (items,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM session_items WHERE session_id = $1")
            .bind(session_id)
            .fetch_one(&mut *conn)
            .await?;
    let reviews = due_reviews(conn, s.organisation_id, Date::parse(&s.held_on)).await?;
    if items == 0 && reviews.is_empty() {
        return Err(refused(
            "L'ordre du jour est vide : le personnel du bailleur doit d'abord y inscrire des offres.",
        ));
    }
    sqlx::query(
        "UPDATE caleol_sessions SET status = 'ouverte', opened_at = $1 WHERE id = $2 AND status = 'prevue'",
    )
    .bind(now())
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(())
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
        return Err(refused(
            "Seul le président ou la présidente de la commission peut le faire.",
        ));
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

/// A member's vote on a candidate in an open dematerialised session; a new vote replaces the
/// previous one.
pub async fn vote(
    conn: &mut AnyConnection,
    session_id: i64,
    entry_id: i64,
    viewer: Viewer,
    ruling: &Ruling,
) -> Result<(), CaleolError> {
    let Viewer::Member { user_id, .. } = viewer else {
        return Err(CaleolError::NotFound);
    };
    let s = session(conn, session_id, viewer)
        .await?
        .ok_or(CaleolError::NotFound)?;
    if s.status() != SessionStatus::Open {
        return Err(refused(
            "Les votes sont possibles seulement pendant la séance ouverte.",
        ));
    }
    if s.mode() != SessionMode::Remote {
        return Err(refused(
            "Cette séance se tient en présentiel : le président consigne les décisions.",
        ));
    }
    let (item_id, _) = agenda_entry(conn, session_id, entry_id).await?;
    let updated = sqlx::query(
        "UPDATE votes SET kind = $1, rank = $2, motive = $3, document = $4, deadline = $5,
             updated_at = $6
         WHERE entry_id = $7 AND member_user_id = $8",
    )
    .bind(ruling.choice.kind.code())
    .bind(ruling.choice.rank.map(i64::from))
    .bind(&ruling.motive)
    .bind(ruling.document.map(|d| d.code()).unwrap_or(""))
    .bind(ruling.deadline.map(|d| d.iso()).unwrap_or_default())
    .bind(now())
    .bind(entry_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        sqlx::query(
            "INSERT INTO votes (item_id, entry_id, member_user_id, kind, rank, motive, document,
                                deadline, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(item_id)
        .bind(entry_id)
        .bind(user_id)
        .bind(ruling.choice.kind.code())
        .bind(ruling.choice.rank.map(i64::from))
        .bind(&ruling.motive)
        .bind(ruling.document.map(|d| d.code()).unwrap_or(""))
        .bind(ruling.deadline.map(|d| d.iso()).unwrap_or_default())
        .bind(now())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The president records the commission's decision for a candidate (in person, or to settle
/// what the votes left open); it stands over the votes at the close.
pub async fn record_decision(
    conn: &mut AnyConnection,
    session_id: i64,
    entry_id: i64,
    viewer: Viewer,
    ruling: &Ruling,
) -> Result<(), CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Open {
        return Err(refused(
            "Les décisions se consignent pendant la séance ouverte.",
        ));
    }
    let (item_id, applicant) = agenda_entry(conn, session_id, entry_id).await?;
    let Viewer::Member { user_id, .. } = viewer else {
        return Err(CaleolError::NotFound);
    };
    sqlx::query("DELETE FROM decisions WHERE entry_id = $1")
        .bind(entry_id)
        .execute(&mut *conn)
        .await?;
    insert_decision(
        conn,
        item_id,
        entry_id,
        applicant,
        ruling,
        "president",
        None,
        Some(user_id),
    )
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_decision(
    conn: &mut AnyConnection,
    item_id: i64,
    entry_id: i64,
    applicant: i64,
    ruling: &Ruling,
    source: &str,
    counted: Option<&Tally>,
    by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO decisions (item_id, entry_id, applicant_user_id, kind, rank, motive, document,
                                deadline, source, casting_vote, votes_for, votes_cast, recorded_by,
                                recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(item_id)
    .bind(entry_id)
    .bind(applicant)
    .bind(ruling.choice.kind.code())
    .bind(ruling.choice.rank.map(i64::from))
    .bind(&ruling.motive)
    .bind(ruling.document.map(|d| d.code()).unwrap_or(""))
    .bind(ruling.deadline.map(|d| d.iso()).unwrap_or_default())
    .bind(source)
    .bind(counted.map(|t| t.casting_vote as i64).unwrap_or(0))
    .bind(counted.and_then(|t| t.outcome.map(|c| t.votes_for(c) as i64)).unwrap_or(0))
    .bind(counted.map(|t| t.cast as i64).unwrap_or(0))
    .bind(by)
    .bind(now())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Marks who sits at a session held in person.
pub async fn set_attendance(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
    present: &[i64],
) -> Result<(), CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Open || s.mode() != SessionMode::InPerson {
        return Err(refused(
            "Les présences se notent pendant une séance ouverte tenue en présentiel.",
        ));
    }
    let members = seats(conn, s.commission_id, None).await?;
    sqlx::query("DELETE FROM session_attendance WHERE session_id = $1")
        .bind(session_id)
        .execute(&mut *conn)
        .await?;
    for id in present {
        if members.iter().any(|m| m.user_id == *id) {
            sqlx::query("INSERT INTO session_attendance (session_id, user_id) VALUES ($1, $2)")
                .bind(session_id)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct VoteRow {
    entry_id: i64,
    member_user_id: i64,
    kind: String,
    rank: Option<i64>,
    motive: String,
    document: String,
    deadline: String,
    quality: Option<String>,
}

impl VoteRow {
    fn ruling(&self) -> Option<Ruling> {
        Some(Ruling {
            choice: Choice {
                kind: DecisionKind::parse(&self.kind)?,
                rank: self.rank.map(|r| r as u32),
            },
            motive: self.motive.clone(),
            document: DocumentKind::parse(&self.document),
            deadline: Date::parse(&self.deadline),
        })
    }
    fn quality(&self) -> MemberQuality {
        self.quality
            .as_deref()
            .and_then(MemberQuality::parse)
            .unwrap_or(MemberQuality::Designated)
    }
}

async fn votes_of(conn: &mut AnyConnection, session_id: i64) -> Result<Vec<VoteRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.entry_id, v.member_user_id, v.kind, v.rank, v.motive, v.document, v.deadline,
                s.quality
         FROM votes v JOIN session_items i ON i.id = v.item_id
              LEFT JOIN commission_seats s ON s.user_id = v.member_user_id
         WHERE i.session_id = $1 ORDER BY v.id",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await
}

fn tally_for(votes: &[VoteRow], entry_id: i64) -> Tally {
    let ballots: Vec<Ballot> = votes
        .iter()
        .filter(|v| v.entry_id == entry_id)
        .filter_map(|v| {
            v.ruling().map(|r| Ballot {
                choice: r.choice,
                quality: v.quality(),
            })
        })
        .collect();
    tally(&ballots)
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: i64,
    item_id: i64,
    entry_id: i64,
    applicant_user_id: i64,
    kind: String,
    rank: Option<i64>,
    motive: String,
    document: String,
    deadline: String,
    source: String,
    casting_vote: i64,
    votes_for: i64,
    votes_cast: i64,
}

impl DecisionRow {
    fn choice(&self) -> Choice {
        Choice {
            kind: DecisionKind::parse(&self.kind).unwrap_or(DecisionKind::NonAttribution),
            rank: self.rank.map(|r| r as u32),
        }
    }

    fn condition(&self) -> Option<String> {
        let document = DocumentKind::parse(&self.document)?;
        let deadline = Date::parse(&self.deadline)?;
        Some(format!(
            "pièce manquante : {}, à fournir au plus tard le {}",
            document.label(),
            deadline.french()
        ))
    }

    fn line(&self) -> DecisionLine {
        let how = if self.source == "president" {
            "Consignée par le président ou la présidente".to_string()
        } else {
            format!(
                "{} voix sur {} exprimées{}",
                self.votes_for,
                self.votes_cast,
                if self.casting_vote != 0 {
                    " (voix prépondérante du maire)"
                } else {
                    ""
                }
            )
        };
        DecisionLine {
            label: self.choice().label(),
            motive: self.motive.clone(),
            condition: self.condition(),
            how,
        }
    }
}

async fn decisions_of(
    conn: &mut AnyConnection,
    session_id: i64,
) -> Result<Vec<DecisionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.item_id, d.entry_id, d.applicant_user_id, d.kind, d.rank, d.motive,
                d.document, d.deadline, d.source, d.casting_vote, d.votes_for, d.votes_cast
         FROM decisions d JOIN session_items i ON i.id = d.item_id
         WHERE i.session_id = $1 ORDER BY d.id",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await
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

fn household(profile: &Profile) -> String {
    let persons = profile.members.len();
    let children = profile
        .members
        .iter()
        .filter(|m| m.dependant)
        .count();
    let mut parts = vec![format!(
        "{persons} personne{}{}",
        if persons > 1 { "s" } else { "" },
        if children > 0 {
            format!(" dont {children} à charge")
        } else {
            String::new()
        }
    )];
    if let Some(cents) = profile.monthly_resources_cents {
        parts.push(format!(
            "ressources mensuelles {}",
            crate::model::format_euros(cents)
        ));
    }
    if let Some(status) = profile.housing_status {
        parts.push(format!("logement actuel : {}", status.label().to_lowercase()));
    }
    if profile.dalo {
        parts.push("reconnu prioritaire DALO".into());
    }
    parts.join(" ; ")
}

fn grid_label(audience: Option<&str>, version: Option<i64>) -> String {
    match audience
        .and_then(crate::domain::cotation::Audience::parse)
        .zip(version)
    {
        Some((audience, version)) => format!("{}, version {version}", audience.label()),
        None => "Aucune grille en vigueur pour ce territoire".to_string(),
    }
}

/// Everything a member (or staff) sees of a session. `anonymised` replaces names by letters
/// and hides the request numbers.
pub async fn view(
    pool: &AnyPool,
    session_id: i64,
    viewer: Viewer,
    anonymised: bool,
) -> Result<Option<SessionView>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let Some(s) = session(&mut conn, session_id, viewer).await? else {
        return Ok(None);
    };
    let status = s.status();
    let president = president_of(&s, viewer);
    let mut seats = seats(&mut conn, s.commission_id, s.president_user_id).await?;
    mark_presence(&mut conn, &s, &mut seats).await?;
    let votes = votes_of(&mut conn, session_id).await?;
    let decisions = decisions_of(&mut conn, session_id).await?;
    let viewer_id = match viewer {
        Viewer::Member { user_id, .. } => Some(user_id),
        Viewer::Staff { .. } => None,
    };
    // During the session each member sees their own vote; the count is the president's, so
    // that no member votes by following the others. After it, everyone sees it.
    let show_tally = president || matches!(status, SessionStatus::Closed | SessionStatus::Signed);
    let mut items = Vec::new();
    for item in items_of(&mut conn, session_id).await? {
        let entries = entries_of(&mut conn, item.ranking_id).await?;
        let mut candidates = Vec::new();
        for (index, e) in entries.iter().filter(|e| e.shortlisted != 0).enumerate() {
            let profile: Profile = serde_json::from_str(&e.profile_snapshot).map_err(json_error)?;
            let documents: Vec<(String, i64)> = sqlx::query_as(
                "SELECT kind, created_at FROM applicant_documents WHERE user_id = $1 ORDER BY kind, created_at",
            )
            .bind(e.applicant_user_id)
            .fetch_all(&mut *conn)
            .await?;
            let my_vote = viewer_id.and_then(|me| {
                votes
                    .iter()
                    .find(|v| v.entry_id == e.id && v.member_user_id == me)
                    .and_then(|v| v.ruling())
                    .map(|r| ruling_words(&r))
            });
            candidates.push(ReviewCandidate {
                entry_id: e.id,
                label: if anonymised {
                    pseudonym(index)
                } else {
                    e.display_name.clone()
                },
                position: e.position.unwrap_or_default(),
                sne_number: if anonymised {
                    None
                } else {
                    profile.sne_number.clone()
                },
                household: household(&profile),
                score: serde_json::from_str::<Score>(&e.breakdown).map_err(json_error)?,
                grid_label: grid_label(e.grid_audience.as_deref(), e.grid_version),
                assessment: serde_json::from_str::<Assessment>(&e.assessment)
                    .map_err(json_error)?,
                documents: documents
                    .into_iter()
                    .map(|(kind, at)| {
                        (
                            DocumentKind::parse(&kind)
                                .map(|k| k.label().to_string())
                                .unwrap_or(kind),
                            paris_date(at).french(),
                        )
                    })
                    .collect(),
                my_vote,
                tally: show_tally.then(|| tally_for(&votes, e.id)),
                decision: decisions
                    .iter()
                    .find(|d| d.entry_id == e.id)
                    .map(DecisionRow::line),
            });
        }
        items.push(AgendaItem {
            id: item.id,
            offer_id: item.offer_id,
            title: unit_title(&item.typology, item.surface_m2, &item.commune_insee),
            facts: vec![
                (
                    "Loyer et charges".into(),
                    format!(
                        "{} + {} de charges",
                        crate::model::format_euros(item.rent_cents),
                        crate::model::format_euros(item.charges_cents)
                    ),
                ),
                (
                    "Financement".into(),
                    crate::domain::offer::Financing::parse(&item.financing)
                        .map(|f| f.label().to_string())
                        .unwrap_or(item.financing.clone()),
                ),
                (
                    "Classement".into(),
                    RankingMode::parse(&item.ranking_mode)
                        .map(|m| m.label().to_string())
                        .unwrap_or_default(),
                ),
            ],
            exception: ShortlistException::parse(&item.shortlist_exception)
                .map(|e| e.label().to_string()),
            departures: departures(&entries),
            candidates,
        });
    }
    let occupation = occupation_items(&mut conn, &s).await?;
    let voting_present = seats.iter().filter(|m| m.present && m.votes).count() as i64;
    Ok(Some(SessionView {
        id: s.id,
        commission: s.commission.clone(),
        organisation: s.organisation.clone(),
        held_on: s.held_on_french(),
        mode: s.mode(),
        status,
        quorum: s.quorum,
        voting_present,
        seats,
        president,
        member: matches!(viewer, Viewer::Member { .. }),
        anonymised,
        items,
        occupation,
        observations: s.observations.clone(),
    }))
}

fn ruling_words(ruling: &Ruling) -> String {
    let mut words = ruling.choice.label();
    if let (Some(document), Some(deadline)) = (ruling.document, ruling.deadline) {
        words.push_str(&format!(
            " — pièce manquante : {}, avant le {}",
            document.label(),
            deadline.french()
        ));
    }
    if !ruling.motive.is_empty() {
        words.push_str(&format!(" — motif : {}", ruling.motive));
    }
    words
}

/// Closes an open session: every presented candidate gets the decision the president recorded
/// or, failing that, the one the votes gave; the quorum must be met. The unit is offered to the
/// first candidate in the order, every candidate gets a letter, and the minutes are written.
pub async fn close(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
    today: Date,
    link: &str,
) -> Result<(), CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Open {
        return Err(refused("Seule une séance ouverte peut être close."));
    }
    let mut members = seats(conn, s.commission_id, s.president_user_id).await?;
    mark_presence(conn, &s, &mut members).await?;
    let voting_present = members.iter().filter(|m| m.present && m.votes).count() as u32;
    if !quorum_met(voting_present, s.quorum as u32) {
        return Err(refused(format!(
            "Quorum non atteint : {voting_present} membre(s) à voix délibérative ont participé, il en faut {}. {}",
            s.quorum,
            if s.mode() == SessionMode::Remote {
                "Les membres doivent voter en ligne avant la clôture."
            } else {
                "Notez les présences avant de clore."
            }
        )));
    }
    let votes = votes_of(conn, session_id).await?;
    let recorded = decisions_of(conn, session_id).await?;
    let items = items_of(conn, session_id).await?;
    let mut undecided = Vec::new();
    let mut plans = Vec::new();
    for item in &items {
        let entries = entries_of(conn, item.ranking_id).await?;
        let mut chosen: Vec<(i64, Choice)> = Vec::new();
        for e in entries.iter().filter(|e| e.shortlisted != 0) {
            if let Some(d) = recorded.iter().find(|d| d.entry_id == e.id) {
                chosen.push((e.id, d.choice()));
                continue;
            }
            let counted = tally_for(&votes, e.id);
            match counted.outcome {
                Some(choice) => {
                    // The details of the winning choice come from the first member who voted
                    // it, the president first.
                    let mut voters: Vec<&VoteRow> = votes
                        .iter()
                        .filter(|v| v.entry_id == e.id)
                        .filter(|v| v.ruling().map(|r| r.choice) == Some(choice))
                        .collect();
                    voters.sort_by_key(|v| Some(v.member_user_id) != s.president_user_id);
                    let ruling = voters
                        .first()
                        .and_then(|v| v.ruling())
                        .unwrap_or(Ruling {
                            choice,
                            motive: String::new(),
                            document: None,
                            deadline: None,
                        });
                    insert_decision(
                        conn,
                        item.id,
                        e.id,
                        e.applicant_user_id,
                        &ruling,
                        "votes",
                        Some(&counted),
                        None,
                    )
                    .await?;
                    chosen.push((e.id, choice));
                }
                None => undecided.push(format!(
                    "{} (offre n° {})",
                    e.display_name, item.offer_id
                )),
            }
        }
        plans.push((item, chosen));
    }
    if !undecided.is_empty() {
        return Err(refused(format!(
            "Aucune décision pour : {}. Les votes sont partagés ou absents : consignez la décision de la commission pour ces candidats.",
            undecided.join(", ")
        )));
    }
    for (item, chosen) in &plans {
        if let Err(crate::domain::caleol::OrderProblem::SameRank(rank)) = offer_order(chosen) {
            return Err(refused(format!(
                "Offre n° {} : deux candidats sont attribués au même rang ({rank}). Consignez un rang distinct pour chacun.",
                item.offer_id
            )));
        }
    }
    let decisions = decisions_of(conn, session_id).await?;
    let held_on = s.held_on_french();
    for (item, chosen) in &plans {
        let order = offer_order(chosen).unwrap_or_default();
        let label = OfferLabel {
            id: item.offer_id,
            typology: item.typology.clone(),
            commune: crate::ssr::store::listings::commune_name(&item.commune_insee),
        };
        let first = order.first().map(|(entry, _)| *entry);
        for d in decisions.iter().filter(|d| d.item_id == item.id) {
            let choice = d.choice();
            let condition = d.condition();
            let respond_by = reply_by(today).french();
            let outcome = match choice.kind {
                DecisionKind::NonAttribution => CommissionOutcome::NotAttributed {
                    motive: &d.motive,
                },
                DecisionKind::Irrecevable => CommissionOutcome::Inadmissible {
                    motive: &d.motive,
                },
                _ if Some(d.entry_id) == first => {
                    make_proposal(conn, item.offer_id, d, today).await?;
                    CommissionOutcome::Offered {
                        rank: choice.offer_rank().unwrap_or(1),
                        respond_by: &respond_by,
                        condition: condition.as_deref(),
                    }
                }
                _ => CommissionOutcome::Waiting {
                    rank: choice.offer_rank().unwrap_or(1),
                    condition: condition.as_deref(),
                },
            };
            let (email, name) = contact(conn, d.applicant_user_id).await?;
            enqueue(
                conn,
                &letters::commission_decision(&email, &name, &label, &held_on, outcome, link),
            )
            .await?;
        }
        if first.is_none() {
            conclude(conn, item.offer_id, false, link).await?;
        }
    }
    let minutes = minutes_of(conn, &s, &members).await?;
    sqlx::query(
        "UPDATE caleol_sessions SET status = 'close', closed_at = $1, closed_by = $2, minutes = $3
         WHERE id = $4 AND status = 'ouverte'",
    )
    .bind(now())
    .bind(match viewer {
        Viewer::Member { user_id, .. } => Some(user_id),
        Viewer::Staff { .. } => None,
    })
    .bind(serde_json::to_string(&minutes).map_err(json_error)?)
    .bind(session_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn contact(conn: &mut AnyConnection, user_id: i64) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

async fn make_proposal(
    conn: &mut AnyConnection,
    offer_id: i64,
    decision: &DecisionRow,
    today: Date,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO offer_proposals (offer_id, decision_id, applicant_user_id, rank, status,
                                      offered_at, respond_by)
         VALUES ($1, $2, $3, $4, 'en_attente', $5, $6)",
    )
    .bind(offer_id)
    .bind(decision.id)
    .bind(decision.applicant_user_id)
    .bind(decision.choice().offer_rank().unwrap_or(1) as i64)
    .bind(now())
    .bind(reply_by(today).iso())
    .execute(conn)
    .await?;
    Ok(())
}

/// The minutes as they stand at the close.
async fn minutes_of(
    conn: &mut AnyConnection,
    s: &SessionRow,
    members: &[Seat],
) -> Result<Minutes, sqlx::Error> {
    let decisions = decisions_of(conn, s.id).await?;
    let mut items = Vec::new();
    for item in items_of(conn, s.id).await? {
        let entries = entries_of(conn, item.ranking_id).await?;
        let mut lines = Vec::new();
        for e in entries.iter().filter(|e| e.shortlisted != 0) {
            let Some(d) = decisions.iter().find(|d| d.entry_id == e.id) else {
                continue;
            };
            let profile: Profile = serde_json::from_str(&e.profile_snapshot).map_err(json_error)?;
            let score: Score = serde_json::from_str(&e.breakdown).map_err(json_error)?;
            lines.push(MinutesDecision {
                candidate: e.display_name.clone(),
                sne_number: profile.sne_number.unwrap_or_default(),
                position: e.position.unwrap_or_default(),
                score: i64::from(score.total),
                decision: d.line(),
            });
        }
        items.push(MinutesItem {
            offer_id: item.offer_id,
            title: unit_title(&item.typology, item.surface_m2, &item.commune_insee),
            ranking_mode: RankingMode::parse(&item.ranking_mode)
                .map(|m| m.label().to_string())
                .unwrap_or_default(),
            exception: ShortlistException::parse(&item.shortlist_exception)
                .map(|e| e.label().to_string()),
            departures: departures(&entries),
            decisions: lines,
        });
    }
    let occupation = occupation_items(conn, s)
        .await?
        .into_iter()
        .filter_map(|o| {
            let (finding, unit) = o.finding?;
            Some((o.tenant, o.unit, o.flags.join(", "), finding, unit))
        })
        .collect();
    Ok(Minutes {
        session_id: s.id,
        commission: s.commission.clone(),
        organisation: s.organisation.clone(),
        held_on: s.held_on_french(),
        mode: s.mode().label().to_string(),
        quorum: s.quorum,
        present: members
            .iter()
            .filter(|m| m.present)
            .map(|m| {
                (
                    format!("{}{}", m.name, if m.president { " (président)" } else { "" }),
                    m.quality.clone(),
                    if m.votes {
                        "voix délibérative".to_string()
                    } else {
                        "voix consultative".to_string()
                    },
                )
            })
            .collect(),
        items,
        occupation,
        closed_at: paris_date(now()).french(),
        observations: s.observations.clone(),
        signed: None,
    })
}

/// The minutes of a closed session, with the observations and signature as they stand.
pub async fn minutes(
    pool: &AnyPool,
    session_id: i64,
    viewer: Viewer,
) -> Result<Option<Minutes>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let Some(s) = session(&mut conn, session_id, viewer).await? else {
        return Ok(None);
    };
    let Some(raw) = s.minutes.as_deref() else {
        return Ok(None);
    };
    let mut minutes: Minutes = serde_json::from_str(raw).map_err(json_error)?;
    minutes.observations = s.observations.clone();
    let signed: Option<(Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT s.signed_at, u.display_name FROM caleol_sessions s
         LEFT JOIN users u ON u.id = s.signed_by WHERE s.id = $1",
    )
    .bind(session_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((Some(at), who)) = signed {
        minutes.signed = Some(format!(
            "Signé par {} le {}",
            who.unwrap_or_default(),
            paris_date(at).french()
        ));
    }
    Ok(Some(minutes))
}

/// Observations the president adds to the minutes before signing.
pub async fn set_observations(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
    text: &str,
) -> Result<(), CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Closed {
        return Err(refused(
            "Les observations s'ajoutent au procès-verbal d'une séance close, avant sa signature.",
        ));
    }
    sqlx::query("UPDATE caleol_sessions SET observations = $1 WHERE id = $2 AND status = 'close'")
        .bind(text)
        .bind(session_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Signs the minutes: nothing of the session changes afterwards.
pub async fn sign(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
) -> Result<(), CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Closed {
        return Err(refused(
            "Seul le procès-verbal d'une séance close et non encore signé peut être signé.",
        ));
    }
    let Viewer::Member { user_id, .. } = viewer else {
        return Err(CaleolError::NotFound);
    };
    sqlx::query(
        "UPDATE caleol_sessions SET status = 'signee', signed_at = $1, signed_by = $2
         WHERE id = $3 AND status = 'close'",
    )
    .bind(now())
    .bind(user_id)
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: i64,
    offer_id: i64,
    status: String,
    respond_by: String,
}

fn proposal_status_label(status: &str) -> &'static str {
    match status {
        "en_attente" => "Proposé, en attente de réponse",
        "acceptee" => "Accepté, bail à signer",
        "refusee" => "Refusé par le candidat",
        "expiree" => "Sans réponse dans le délai",
        "bail_signe" => "Bail signé",
        _ => "?",
    }
}

/// The applicant's offers, by offer id.
pub async fn proposals_for(
    pool: &AnyPool,
    user_id: i64,
    today: Date,
) -> Result<Vec<(i64, ProposalInfo)>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.offer_id, p.rank, p.status, p.respond_by, d.document, d.deadline
         FROM offer_proposals p JOIN decisions d ON d.id = p.decision_id
         WHERE p.applicant_user_id = $1 ORDER BY p.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, offer_id, rank, status, respond_by, document, deadline)| {
            let by = Date::parse(&respond_by);
            let condition = DocumentKind::parse(&document).zip(Date::parse(&deadline)).map(
                |(doc, date)| format!("Pièce à fournir : {}, au plus tard le {}", doc.label(), date.french()),
            );
            (
                offer_id,
                ProposalInfo {
                    id,
                    rank,
                    status_label: proposal_status_label(&status).to_string(),
                    respond_by: by.map(|d| d.french()).unwrap_or(respond_by),
                    pending: status == "en_attente" && by.is_some_and(|d| d >= today),
                    condition,
                },
            )
        })
        .collect())
}

/// The commission's decision for each of the applicant's applications, by offer id, once the
/// session is closed.
pub async fn decisions_for(
    pool: &AnyPool,
    user_id: i64,
) -> Result<Vec<(i64, DecisionLine)>, sqlx::Error> {
    let rows: Vec<DecisionRow> = sqlx::query_as(
        "SELECT d.id, d.item_id, d.entry_id, d.applicant_user_id, d.kind, d.rank, d.motive,
                d.document, d.deadline, d.source, d.casting_vote, d.votes_for, d.votes_cast
         FROM decisions d JOIN session_items i ON i.id = d.item_id
              JOIN caleol_sessions s ON s.id = i.session_id
         WHERE d.applicant_user_id = $1 AND s.status IN ('close', 'signee')",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let offers: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT d.id, i.offer_id FROM decisions d JOIN session_items i ON i.id = d.item_id
         WHERE d.applicant_user_id = $1",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|d| {
            let offer = offers.iter().find(|(id, _)| *id == d.id)?.1;
            Some((offer, d.line()))
        })
        .collect())
}

/// The applicant answers an offer within the delay. A refusal counts against the request (the
/// grid may score it) and passes the unit to the next rank.
pub async fn respond(
    conn: &mut AnyConnection,
    proposal_id: i64,
    user_id: i64,
    accept: bool,
    today: Date,
    link: &str,
) -> Result<i64, CaleolError> {
    let p: ProposalRow = sqlx::query_as(
        "SELECT id, offer_id, status, respond_by FROM offer_proposals WHERE id = $1 AND applicant_user_id = $2",
    )
    .bind(proposal_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(CaleolError::NotFound)?;
    if p.status != "en_attente" {
        return Err(refused("Vous avez déjà répondu à cette proposition."));
    }
    if Date::parse(&p.respond_by).is_none_or(|d| d < today) {
        return Err(refused(
            "Le délai de réponse est dépassé : le logement a été proposé au candidat suivant.",
        ));
    }
    let status = if accept { "acceptee" } else { "refusee" };
    sqlx::query(
        "UPDATE offer_proposals SET status = $1, responded_at = $2 WHERE id = $3 AND status = 'en_attente'",
    )
    .bind(status)
    .bind(now())
    .bind(p.id)
    .execute(&mut *conn)
    .await?;
    if !accept {
        sqlx::query("UPDATE applicant_profiles SET refusals = refusals + 1 WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        pass_on(conn, p.offer_id, today, link).await?;
    }
    Ok(p.offer_id)
}

/// Offers the unit to the next candidate in the commission's order who has not had it yet, or
/// ends the offer when nobody is left.
async fn pass_on(
    conn: &mut AnyConnection,
    offer_id: i64,
    today: Date,
    link: &str,
) -> Result<(), sqlx::Error> {
    let rows: Vec<DecisionRow> = sqlx::query_as(
        "SELECT d.id, d.item_id, d.entry_id, d.applicant_user_id, d.kind, d.rank, d.motive,
                d.document, d.deadline, d.source, d.casting_vote, d.votes_for, d.votes_cast
         FROM decisions d JOIN session_items i ON i.id = d.item_id
         WHERE i.offer_id = $1
               AND NOT EXISTS (SELECT 1 FROM offer_proposals p WHERE p.decision_id = d.id)",
    )
    .bind(offer_id)
    .fetch_all(&mut *conn)
    .await?;
    let chosen: Vec<(i64, Choice)> = rows.iter().map(|d| (d.id, d.choice())).collect();
    let next = offer_order(&chosen)
        .ok()
        .and_then(|order| order.first().copied())
        .and_then(|(id, _)| rows.iter().find(|d| d.id == id));
    let label = offer_label(conn, offer_id).await?;
    match next {
        Some(d) => {
            make_proposal(conn, offer_id, d, today).await?;
            let (email, name) = contact(conn, d.applicant_user_id).await?;
            enqueue(
                conn,
                &letters::unit_offered(
                    &email,
                    &name,
                    &label,
                    d.choice().offer_rank().unwrap_or(1),
                    &reply_by(today).french(),
                    link,
                ),
            )
            .await?;
        }
        None => conclude(conn, offer_id, false, link).await?,
    }
    Ok(())
}

async fn offer_label(conn: &mut AnyConnection, offer_id: i64) -> Result<OfferLabel, sqlx::Error> {
    let (typology, insee): (String, String) = sqlx::query_as(
        "SELECT u.typology, u.commune_insee FROM offers o JOIN units u ON u.id = o.unit_id WHERE o.id = $1",
    )
    .bind(offer_id)
    .fetch_one(conn)
    .await?;
    Ok(OfferLabel {
        id: offer_id,
        typology,
        commune: crate::ssr::store::listings::commune_name(&insee),
    })
}

/// Ends an offer in commission (attributed or not) and tells every applicant who is not the new
/// tenant.
async fn conclude(
    conn: &mut AnyConnection,
    offer_id: i64,
    attributed: bool,
    link: &str,
) -> Result<(), sqlx::Error> {
    let to = if attributed {
        OfferStatus::Attributed
    } else {
        OfferStatus::Unsuccessful
    };
    if let Err(error) = offers::transition(conn, None, offer_id, to, None).await {
        tracing::warn!(?error, offer_id, "offer already concluded");
        return Ok(());
    }
    let label = offer_label(conn, offer_id).await?;
    let others: Vec<(String, String)> = sqlx::query_as(
        "SELECT us.email, us.display_name FROM applications a JOIN users us ON us.id = a.applicant_user_id
         WHERE a.offer_id = $1 AND a.status = 'active'
               AND NOT EXISTS (SELECT 1 FROM offer_proposals p WHERE p.offer_id = a.offer_id
                               AND p.applicant_user_id = a.applicant_user_id AND p.status = 'bail_signe')
         ORDER BY a.id",
    )
    .bind(offer_id)
    .fetch_all(&mut *conn)
    .await?;
    for (email, name) in others {
        enqueue(
            conn,
            &letters::offer_concluded(&email, &name, &label, attributed, link),
        )
        .await?;
    }
    Ok(())
}

/// Offers left unanswered past their delay pass to the next rank. Returns how many lapsed.
pub async fn lapse_due(pool: &AnyPool, today: Date, link: &str) -> Result<usize, sqlx::Error> {
    let due: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, offer_id, applicant_user_id FROM offer_proposals
         WHERE status = 'en_attente' AND respond_by < $1",
    )
    .bind(today.iso())
    .fetch_all(pool)
    .await?;
    let mut lapsed = 0;
    for (id, offer_id, applicant) in due {
        let mut tx = crate::ssr::db::begin_write(pool).await?;
        let changed = sqlx::query(
            "UPDATE offer_proposals SET status = 'expiree', responded_at = $1
             WHERE id = $2 AND status = 'en_attente'",
        )
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Another server got there first.
        if changed == 0 {
            continue;
        }
        let label = offer_label(&mut tx, offer_id).await?;
        let (email, name) = contact(&mut tx, applicant).await?;
        enqueue(&mut tx, &letters::proposal_lapsed(&email, &name, &label, link)).await?;
        pass_on(&mut tx, offer_id, today, link).await?;
        tx.commit().await?;
        lapsed += 1;
    }
    Ok(lapsed)
}

/// Where an offer stands after the commission, for staff.
pub async fn follow_up(
    pool: &AnyPool,
    organisation_id: i64,
    offer_id: i64,
) -> Result<Option<FollowUp>, sqlx::Error> {
    let session: Option<(i64, String)> = sqlx::query_as(
        "SELECT i.session_id, s.status FROM session_items i JOIN offers o ON o.id = i.offer_id
         JOIN caleol_sessions s ON s.id = i.session_id
         WHERE i.offer_id = $1 AND o.organisation_id = $2",
    )
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(pool)
    .await?;
    let Some((session_id, status)) = session else {
        return Ok(None);
    };
    let rows: Vec<(String, String, Option<i64>, String, String, Option<String>, Option<i64>, Option<i64>)> =
        sqlx::query_as(
            "SELECT us.display_name, d.kind, d.rank, d.document, d.deadline, p.status, p.id, d.entry_id
             FROM decisions d JOIN session_items i ON i.id = d.item_id
                  JOIN users us ON us.id = d.applicant_user_id
                  LEFT JOIN offer_proposals p ON p.decision_id = d.id
             WHERE i.offer_id = $1 ORDER BY COALESCE(d.rank, 99), d.id",
        )
        .bind(offer_id)
        .fetch_all(pool)
        .await?;
    let decided = matches!(status.as_str(), "close" | "signee");
    let mut lines = Vec::new();
    let mut accepted = None;
    for (name, kind, rank, document, deadline, p_status, p_id, _) in rows.into_iter().filter(|_| decided) {
        let choice = Choice {
            kind: DecisionKind::parse(&kind).unwrap_or(DecisionKind::NonAttribution),
            rank: rank.map(|r| r as u32),
        };
        let condition = DocumentKind::parse(&document)
            .zip(Date::parse(&deadline))
            .map(|(d, date)| format!("{} avant le {}", d.label(), date.french()));
        if p_status.as_deref() == Some("acceptee") {
            accepted = p_id.map(|id| (id, name.clone(), condition.clone()));
        }
        lines.push((
            name,
            choice.label(),
            p_status
                .as_deref()
                .map(proposal_status_label)
                .unwrap_or(if choice.kind.attributes() {
                    "Pas encore proposé"
                } else {
                    "—"
                })
                .to_string(),
        ));
    }
    Ok(Some(FollowUp {
        session_id: Some(session_id),
        lines,
        accepted,
    }))
}

/// Staff record the signed lease of an accepted offer: the offer is attributed, the attribution
/// feeds the observed waits, the tenancy starts its occupation-review clock, and everyone else
/// is told.
pub async fn sign_lease(
    conn: &mut AnyConnection,
    organisation_id: i64,
    offer_id: i64,
    proposal_id: i64,
    condition_met: bool,
    signed_on: Date,
    link: &str,
) -> Result<(), CaleolError> {
    let row: Option<(i64, String, String, i64, String, String)> = sqlx::query_as(
        "SELECT p.applicant_user_id, d.kind, u.epci_siren, o.unit_id, u.typology, e.profile_snapshot
         FROM offer_proposals p JOIN decisions d ON d.id = p.decision_id
              JOIN ranking_entries e ON e.id = d.entry_id
              JOIN offers o ON o.id = p.offer_id JOIN units u ON u.id = o.unit_id
         WHERE p.id = $1 AND p.offer_id = $2 AND o.organisation_id = $3 AND p.status = 'acceptee'",
    )
    .bind(proposal_id)
    .bind(offer_id)
    .bind(organisation_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((tenant, kind, epci, unit_id, typology, snapshot)) = row else {
        return Err(CaleolError::NotFound);
    };
    if kind == DecisionKind::Conditional.code() && !condition_met {
        return Err(refused(
            "Attribution sous condition suspensive : confirmez que la pièce manquante a été reçue dans le délai avant de signer le bail.",
        ));
    }
    sqlx::query("UPDATE offer_proposals SET status = 'bail_signe' WHERE id = $1")
        .bind(proposal_id)
        .execute(&mut *conn)
        .await?;
    let profile: Profile = serde_json::from_str(&snapshot).map_err(json_error)?;
    sqlx::query(
        "INSERT INTO attributions (epci_siren, typology, first_filing_date, attributed_on, offer_id,
                                   applicant_user_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&epci)
    .bind(&typology)
    .bind(
        profile
            .first_filing_date
            .map(|d| d.iso())
            .unwrap_or_else(|| signed_on.iso()),
    )
    .bind(signed_on.iso())
    .bind(offer_id)
    .bind(tenant)
    .execute(&mut *conn)
    .await?;
    let (email, name) = contact(conn, tenant).await?;
    sqlx::query(
        "INSERT INTO leases (organisation_id, unit_id, offer_id, tenant_user_id, tenant_name,
                             signed_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(organisation_id)
    .bind(unit_id)
    .bind(offer_id)
    .bind(tenant)
    .bind(&name)
    .bind(signed_on.iso())
    .bind(now())
    .execute(&mut *conn)
    .await?;
    let label = offer_label(conn, offer_id).await?;
    enqueue(
        conn,
        &letters::lease_signed(&email, &name, &label, &signed_on.french()),
    )
    .await?;
    conclude(conn, offer_id, true, link).await?;
    Ok(())
}

/// Tenancies of the organisation flagged for the occupation review and due by `on` (every three
/// years from the lease), not yet examined for that date: (lease id, due date).
async fn due_reviews(
    conn: &mut AnyConnection,
    organisation_id: i64,
    on: Option<Date>,
) -> Result<Vec<(i64, Date)>, sqlx::Error> {
    let Some(on) = on else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, signed_on FROM leases WHERE organisation_id = $1 AND occupation_flags <> ''",
    )
    .bind(organisation_id)
    .fetch_all(&mut *conn)
    .await?;
    let reviewed: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.lease_id, r.due_on FROM occupation_reviews r JOIN leases l ON l.id = r.lease_id
         WHERE l.organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, signed)| {
            let due = review_due(Date::parse(&signed)?, on)?;
            let iso = due.iso();
            (!reviewed.iter().any(|(l, d)| *l == id && *d == iso)).then_some((id, due))
        })
        .collect())
}

/// The occupation reviews of a session: those due (while it is planned or open) and those it
/// recorded.
async fn occupation_items(
    conn: &mut AnyConnection,
    s: &SessionRow,
) -> Result<Vec<OccupationItem>, sqlx::Error> {
    let mut wanted: Vec<(i64, Date)> = Vec::new();
    if matches!(s.status(), SessionStatus::Planned | SessionStatus::Open) {
        wanted = due_reviews(conn, s.organisation_id, Date::parse(&s.held_on)).await?;
    }
    let recorded: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT lease_id, due_on, finding, proposed_unit, proposed_typology
         FROM occupation_reviews WHERE session_id = $1 ORDER BY id",
    )
    .bind(s.id)
    .fetch_all(&mut *conn)
    .await?;
    for (lease, due, ..) in &recorded {
        if let Some(date) = Date::parse(due) {
            wanted.push((*lease, date));
        }
    }
    let mut items = Vec::new();
    for (lease_id, due) in wanted {
        let row: Option<(String, String, String, String, i64, String)> = sqlx::query_as(
            "SELECT l.tenant_name, l.signed_on, l.occupation_flags, u.typology, u.surface_m2,
                    u.commune_insee
             FROM leases l JOIN units u ON u.id = l.unit_id WHERE l.id = $1",
        )
        .bind(lease_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((tenant, signed_on, flags, typology, surface, insee)) = row else {
            continue;
        };
        let finding = recorded
            .iter()
            .find(|(l, d, ..)| *l == lease_id && *d == due.iso())
            .map(|(_, _, finding, unit, typology)| {
                let kind = ProposedUnit::parse(unit)
                    .map(|u| u.label().to_string())
                    .unwrap_or_default();
                let kind = if typology.is_empty() {
                    kind
                } else {
                    format!("{kind} ({typology})")
                };
                (finding.clone(), kind)
            });
        items.push(OccupationItem {
            lease_id,
            tenant,
            unit: unit_title(&typology, surface, &insee),
            signed_on: Date::parse(&signed_on)
                .map(|d| d.french())
                .unwrap_or(signed_on),
            due_on: due.french(),
            flags: flags_from_csv(&flags)
                .into_iter()
                .map(|f: OccupationFlag| f.label().to_string())
                .collect(),
            finding,
        });
    }
    Ok(items)
}

/// The president records the commission's finding on a tenant's occupation and the kind of unit
/// to propose.
#[allow(clippy::too_many_arguments)]
pub async fn record_review(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
    lease_id: i64,
    finding: &str,
    proposed: ProposedUnit,
    typology: Option<Typology>,
) -> Result<(), CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Open {
        return Err(refused("Le constat se consigne pendant la séance ouverte."));
    }
    let due = due_reviews(conn, s.organisation_id, Date::parse(&s.held_on))
        .await?
        .into_iter()
        .find(|(id, _)| *id == lease_id)
        .ok_or(CaleolError::NotFound)?;
    let flags: (String,) = sqlx::query_as("SELECT occupation_flags FROM leases WHERE id = $1")
        .bind(lease_id)
        .fetch_one(&mut *conn)
        .await?;
    let Viewer::Member { user_id, .. } = viewer else {
        return Err(CaleolError::NotFound);
    };
    sqlx::query(
        "INSERT INTO occupation_reviews (lease_id, session_id, due_on, flags, finding, proposed_unit,
                                         proposed_typology, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(lease_id)
    .bind(session_id)
    .bind(due.1.iso())
    .bind(&flags.0)
    .bind(finding)
    .bind(proposed.code())
    .bind(typology.map(|t| t.code()).unwrap_or(""))
    .bind(user_id)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

/// The organisation's tenancies with their occupation situations and the latest finding.
pub async fn tenancies(
    pool: &AnyPool,
    organisation_id: i64,
) -> Result<Vec<(i64, String, String, String, Vec<OccupationFlag>, Option<String>)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, i64, String, String)> = sqlx::query_as(
        "SELECT l.id, l.tenant_name, l.signed_on, u.typology, u.surface_m2, u.commune_insee,
                l.occupation_flags
         FROM leases l JOIN units u ON u.id = l.unit_id
         WHERE l.organisation_id = $1 ORDER BY l.signed_on, l.id",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let findings: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT r.lease_id, r.finding, r.proposed_unit, r.proposed_typology
         FROM occupation_reviews r JOIN leases l ON l.id = r.lease_id
         WHERE l.organisation_id = $1 ORDER BY r.id",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, tenant, signed_on, typology, surface, insee, flags)| {
            let finding = findings.iter().rev().find(|f| f.0 == id).map(|f| {
                format!(
                    "{} — {}{}",
                    f.1,
                    ProposedUnit::parse(&f.2).map(|u| u.label()).unwrap_or(""),
                    if f.3.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", f.3)
                    }
                )
            });
            (
                id,
                tenant,
                unit_title(&typology, surface, &insee),
                Date::parse(&signed_on)
                    .map(|d| d.french())
                    .unwrap_or(signed_on),
                flags_from_csv(&flags),
                finding,
            )
        })
        .collect())
}

/// Staff flag (or clear) the occupation situations of one of their tenancies.
pub async fn set_flags(
    conn: &mut AnyConnection,
    organisation_id: i64,
    lease_id: i64,
    flags: &[OccupationFlag],
) -> Result<(), CaleolError> {
    let changed = sqlx::query(
        "UPDATE leases SET occupation_flags = $1 WHERE id = $2 AND organisation_id = $3",
    )
    .bind(crate::domain::caleol::flags_to_csv(flags))
    .bind(lease_id)
    .bind(organisation_id)
    .execute(conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(CaleolError::NotFound);
    }
    Ok(())
}

/// The organisation's audit log, newest first.
pub async fn audit_log(
    pool: &AnyPool,
    organisation_id: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows: Vec<(i64, Option<String>, String, String, String)> = sqlx::query_as(
        "SELECT a.created_at, u.display_name, a.action, a.subject, a.detail
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
         WHERE a.organisation_id = $1 ORDER BY a.id DESC LIMIT $2",
    )
    .bind(organisation_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, action, subject, detail)| AuditRow {
            at: crate::domain::calendar::paris_date(at).french(),
            actor: actor.unwrap_or_else(|| "la plateforme".into()),
            action,
            subject,
            detail,
        })
        .collect())
}

/// Whether a staff member administers their organisation.
pub async fn is_org_admin(pool: &AnyPool, user_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT user_id FROM organisation_admins WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.is_some())
}

/// Records an action on a session in the audit log.
pub async fn audit(
    conn: &mut AnyConnection,
    actor: i64,
    organisation_id: i64,
    action: &str,
    subject: String,
    detail: String,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        audit::AuditEntry {
            actor_user_id: Some(actor),
            organisation_id: Some(organisation_id),
            action,
            subject: &subject,
            detail: &detail,
        },
    )
    .await
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
    sqlx::query("INSERT INTO commission_seats (user_id, commission_id, quality) VALUES ($1, $2, $3)")
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

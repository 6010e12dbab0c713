//! Who read an applicant's file: every read of a household's personal data by a landlord's staff
//! or a commission member, which the applicant sees on "Mes données".
//!
//! Each function records, in one statement, a read of every household the viewed thing shows.
//! A reader looking again at the same thing within the hour counts once: a page reloaded does
//! not bury the log.

use crate::model::FileRead;
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

/// A repeated read of the same thing by the same person within this many seconds counts once.
const SAME_READ_SECONDS: i64 = 3_600;

/// Who read: a staff member of an organisation, or a member of a commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Staff { user_id: i64, organisation_id: i64 },
    Member { user_id: i64, commission_id: i64 },
}

impl Reader {
    fn user_id(self) -> i64 {
        match self {
            Reader::Staff { user_id, .. } | Reader::Member { user_id, .. } => user_id,
        }
    }

    fn organisation_id(self) -> Option<i64> {
        match self {
            Reader::Staff {
                organisation_id, ..
            } => Some(organisation_id),
            Reader::Member { .. } => None,
        }
    }

    fn commission_id(self) -> Option<i64> {
        match self {
            Reader::Member { commission_id, .. } => Some(commission_id),
            Reader::Staff { .. } => None,
        }
    }
}

/// What was read, and the households it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// The ranking of an offer, on screen.
    Ranking { offer_id: i64 },
    /// The ranking of an offer, downloaded.
    Export { offer_id: i64 },
    /// One proof.
    Document { document_id: i64 },
    /// The candidates of one agenda point (`item_id`) of a commission's session: the page shows
    /// one point at a time.
    Session { session_id: i64, item_id: i64 },
    /// The minutes of a session, on screen or as a PDF.
    Minutes { session_id: i64 },
    /// An assisted applicant's file, opened by the staff who registered them.
    Assisted { applicant_user_id: i64 },
    /// The list of an organisation's assisted applicants (names and addresses).
    AssistedList { organisation_id: i64 },
    /// An organisation's tenancies (tenants' names and occupation situations).
    Tenancies { organisation_id: i64 },
    /// An offer's follow-up after the commission (candidates, decisions, proposals).
    FollowUp { offer_id: i64 },
}

impl Read {
    fn code(self) -> &'static str {
        match self {
            Read::Ranking { .. } => "ranking",
            Read::Export { .. } => "export",
            Read::Document { .. } => "document",
            Read::Session { .. } => "session",
            Read::Minutes { .. } => "minutes",
            Read::Assisted { .. } => "assisted",
            Read::AssistedList { .. } => "assisted_list",
            Read::Tenancies { .. } => "tenancies",
            Read::FollowUp { .. } => "follow_up",
        }
    }

    fn subject(self) -> String {
        match self {
            Read::Ranking { offer_id } | Read::Export { offer_id } => format!("offer:{offer_id}"),
            Read::Document { document_id } => format!("document:{document_id}"),
            Read::Session { session_id, .. } | Read::Minutes { session_id } => {
                format!("session:{session_id}")
            }
            Read::Assisted { applicant_user_id } => format!("user:{applicant_user_id}"),
            Read::AssistedList { organisation_id } | Read::Tenancies { organisation_id } => {
                format!("organisation:{organisation_id}")
            }
            Read::FollowUp { offer_id } => format!("offer:{offer_id}"),
        }
    }

    /// The households shown, as a query of `applicant_user_id` whose one parameter ($9) is the
    /// thing's id.
    fn households(self) -> (&'static str, i64) {
        match self {
            Read::Ranking { offer_id } | Read::Export { offer_id } => (
                "SELECT DISTINCT e.applicant_user_id AS applicant_user_id FROM ranking_entries e
                 JOIN rankings r ON r.id = e.ranking_id WHERE r.offer_id = $9",
                offer_id,
            ),
            Read::Document { document_id } => (
                "SELECT user_id AS applicant_user_id FROM applicant_documents WHERE id = $9",
                document_id,
            ),
            Read::Session { item_id, .. } => (
                "SELECT DISTINCT e.applicant_user_id AS applicant_user_id FROM session_items si
                 JOIN rankings r ON r.offer_id = si.offer_id
                 JOIN ranking_entries e ON e.ranking_id = r.id
                 WHERE si.id = $9 AND e.shortlisted = 1",
                item_id,
            ),
            Read::Minutes { session_id } => (
                "SELECT DISTINCT d.applicant_user_id AS applicant_user_id FROM decisions d
                 JOIN session_items si ON si.id = d.item_id WHERE si.session_id = $9",
                session_id,
            ),
            Read::Assisted { applicant_user_id } => (
                "SELECT id AS applicant_user_id FROM users WHERE id = $9",
                applicant_user_id,
            ),
            Read::AssistedList { organisation_id } => (
                "SELECT id AS applicant_user_id FROM users WHERE assisted_by_organisation_id = $9",
                organisation_id,
            ),
            Read::Tenancies { organisation_id } => (
                "SELECT DISTINCT tenant_user_id AS applicant_user_id FROM leases
                 WHERE organisation_id = $9 AND tenant_user_id IS NOT NULL",
                organisation_id,
            ),
            Read::FollowUp { offer_id } => (
                "SELECT DISTINCT e.applicant_user_id AS applicant_user_id FROM ranking_entries e
                 JOIN rankings r ON r.id = e.ranking_id WHERE r.offer_id = $9 AND e.shortlisted = 1",
                offer_id,
            ),
        }
    }
}

/// Records that `reader` read `read`; `label` names it for the applicant (an offer's title, a
/// proof's file name, a session's date).
pub async fn record(
    conn: &mut AnyConnection,
    reader: Reader,
    read: Read,
    label: &str,
) -> Result<(), sqlx::Error> {
    let (households, id) = read.households();
    let at = now();
    let sql = format!(
        "INSERT INTO file_reads (applicant_user_id, reader_user_id, organisation_id, commission_id,
                                 what, subject, label, created_at)
         SELECT h.applicant_user_id, $1, $2, $3, $4, $5, $6, $7
         FROM ({households}) AS h
         WHERE NOT EXISTS (SELECT 1 FROM file_reads f
                           WHERE f.applicant_user_id = h.applicant_user_id AND f.reader_user_id = $1
                             AND f.what = $4 AND f.subject = $5 AND f.created_at > $8)"
    );
    sqlx::query(&sql)
        .bind(reader.user_id())
        .bind(reader.organisation_id())
        .bind(reader.commission_id())
        .bind(read.code())
        .bind(read.subject())
        .bind(label)
        .bind(at)
        .bind(at - SAME_READ_SECONDS)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReadRow {
    created_at: i64,
    what: String,
    label: String,
    organisation: Option<String>,
    commission: Option<String>,
}

/// The newest reads of `applicant`'s file, at most `limit`.
pub async fn of_applicant(
    pool: &AnyPool,
    applicant: i64,
    limit: i64,
) -> Result<Vec<FileRead>, sqlx::Error> {
    let rows: Vec<ReadRow> = sqlx::query_as(
        "SELECT f.created_at, f.what, f.label, g.name AS organisation, c.name AS commission
         FROM file_reads f
         LEFT JOIN organisations g ON g.id = f.organisation_id
         LEFT JOIN commissions c ON c.id = f.commission_id
         WHERE f.applicant_user_id = $1
         ORDER BY f.created_at DESC, f.id DESC LIMIT $2",
    )
    .bind(applicant)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FileRead {
            on: crate::domain::calendar::paris_moment(r.created_at),
            reader: match (r.organisation, r.commission) {
                (Some(organisation), _) => format!("Un agent de {organisation}"),
                (None, Some(commission)) => format!("Un membre de la commission {commission}"),
                (None, None) => "Une personne habilitée".to_string(),
            },
            read: match r.what.as_str() {
                "ranking" => format!("le classement de l'offre « {} »", r.label),
                "export" => format!("le classement de l'offre « {} », téléchargé", r.label),
                "document" => format!("votre justificatif « {} »", r.label),
                "session" => format!("votre candidature présentée en séance du {}", r.label),
                "minutes" => format!("le procès-verbal de la séance du {}", r.label),
                "assisted" => "votre dossier de demandeur accompagné".to_string(),
                "assisted_list" => "la liste de ses demandeurs accompagnés".to_string(),
                "tenancies" => {
                    "la liste de ses locataires et de leur situation d'occupation".to_string()
                }
                "follow_up" => format!("le suivi de l'offre « {} » après la commission", r.label),
                other => other.to_string(),
            },
        })
        .collect())
}

/// Forgets the reads of an erased household's file: the log was kept for them, and its labels
/// may name their proofs.
pub async fn erase_of(conn: &mut AnyConnection, applicant: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM file_reads WHERE applicant_user_id = $1")
        .bind(applicant)
        .execute(conn)
        .await?;
    Ok(())
}

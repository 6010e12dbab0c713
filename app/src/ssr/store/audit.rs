//! The audit log: who did what, when, to what, and why.

use crate::model::caleol::AuditRow;
use crate::ssr::db::now;
use sqlx::{AnyConnection, AnyPool};

pub struct AuditEntry<'a> {
    pub actor_user_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

pub async fn record(conn: &mut AnyConnection, entry: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (actor_user_id, organisation_id, action, subject, detail, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.actor_user_id)
    .bind(entry.organisation_id)
    .bind(entry.action)
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

/// The organisation's audit log, newest first, for its admins.
pub async fn organisation_log(
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
    // People named as the subject of an entry (an invitation, a file opened): their names.
    let mut people = std::collections::HashMap::new();
    for (_, _, _, subject, _) in &rows {
        if let Some(id) = subject
            .strip_prefix("user:")
            .and_then(|id| id.parse::<i64>().ok())
            && !people.contains_key(&id)
        {
            let name: Option<(String,)> =
                sqlx::query_as("SELECT display_name FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            people.insert(id, name.map(|(n,)| n));
        }
    }
    Ok(rows
        .into_iter()
        .map(|(at, actor, action, subject, detail)| AuditRow {
            at: crate::domain::calendar::paris_moment(at),
            actor: actor.unwrap_or_else(|| "la plateforme".into()),
            action: action_label(&action).map(str::to_string).unwrap_or(action),
            subject: subject_label(&subject, &people),
            detail,
        })
        .collect())
}

/// An entry's subject in words ("offer:12" is "Offre n° 12", a user is named); an unknown
/// form is shown as stored rather than hidden.
fn subject_label(
    subject: &str,
    people: &std::collections::HashMap<i64, Option<String>>,
) -> String {
    let Some((kind, id)) = subject.split_once(':') else {
        return subject.to_string();
    };
    let what = match kind {
        "user" => {
            if let Some(Some(name)) = id.parse::<i64>().ok().and_then(|id| people.get(&id)) {
                return name.clone();
            }
            "Compte"
        }
        "offer" => "Offre",
        "session" => "Séance",
        "unit" => "Logement",
        "proposal" => "Proposition",
        "entry" => "Candidat classé",
        "import" => "Import",
        "commission" => "Commission",
        "organisation" => "Organisme",
        "grid" => "Grille de cotation",
        "application" => "Candidature",
        "document" => "Justificatif",
        "convention" => "Convention de réservation",
        "departement" => "Flux du département",
        _ => return subject.to_string(),
    };
    format!("{what} n° {id}")
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


/// What an action code means, for the organisation's admins.
fn action_label(code: &str) -> Option<&'static str> {
    Some(match code {
        "ranking.make" => "Classement établi à la clôture",
        "ranking.skip" => "Candidat écarté du classement",
        "ranking.restore" => "Candidat réintégré",
        "ranking.shortlist" => "Liste pour la commission constituée",
        "ranking.export" => "Classement exporté",
        "offer.status" => "Changement d'état d'une offre",
        "offer.lease" => "Bail signé",
        "session.create" => "Séance prévue",
        "session.agenda" => "Offre inscrite à l'ordre du jour",
        "session.open" => "Séance ouverte",
        "session.vote" => "Vote d'un membre",
        "session.decision" => "Décision consignée par la présidence",
        "session.attendance" => "Présences notées",
        "session.close" => "Séance close",
        "minutes.observations" => "Observations au procès-verbal",
        "minutes.sign" => "Procès-verbal signé",
        "occupation.flags" => "Situations d'occupation signalées",
        "occupation.finding" => "Constat d'occupation",
        "proposal.accept" => "Logement accepté par le candidat",
        "proposal.decline" => "Logement refusé par le candidat",
        "offer.create" => "Offre créée",
        "offer.update" => "Offre modifiée",
        "unit.create" => "Logement créé",
        "unit.update" => "Logement modifié",
        "unit.photo" => "Photo de logement ajoutée",
        "unit.import" => "Logements importés",
        "import.csv" => "Fichier de logements vérifié",
        "document.read" => "Justificatif consulté",
        "assisted.create" => "Demandeur accompagné enregistré",
        "assisted.profile" => "Profil d'un demandeur accompagné modifié",
        "assisted.apply" => "Candidature enregistrée pour un demandeur accompagné",
        "user.invite" => "Personne invitée",
        "user.sessions_ended" => "Sessions fermées par l'administration",
        "commission.create" => "Commission créée",
        "account.delete" => "Compte supprimé par son titulaire",
        "account.erase" => "Compte effacé au terme de la conservation",
        "request.struck_off" => "Demande radiée faute de renouvellement",
        "flux.convention" => "Convention de réservation enregistrée",
        "flux.forecast" => "Prévision du flux enregistrée",
        _ => return None,
    })
}

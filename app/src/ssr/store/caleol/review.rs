//! What a member (or staff) sees of a session: each agenda item with its candidates, their
//! score, eligibility, household and proofs, votes and decisions; pseudonymised on request.

use super::*;

pub(super) fn household(profile: &Profile) -> String {
    let persons = profile.members.len();
    let children = profile.members.iter().filter(|m| m.dependant).count();
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
        parts.push(format!(
            "logement actuel : {}",
            status.label().to_lowercase()
        ));
    }
    if profile.dalo {
        parts.push("reconnu prioritaire DALO".into());
    }
    parts.join(" ; ")
}

pub(super) fn grid_label(audience: Option<&str>, version: Option<i64>) -> String {
    match audience
        .and_then(crate::domain::cotation::Audience::parse)
        .zip(version)
    {
        Some((audience, version)) => format!("{}, version {version}", audience.label()),
        None => "Aucune grille en vigueur pour ce territoire".to_string(),
    }
}

/// Which agenda point a session's page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// By its place on the agenda, from 1; past the end, the last.
    Index(usize),
    /// The point of this offer; the first if it is not on the agenda.
    Offer(i64),
}

/// Everything a member (or staff) sees of a session, with the candidates of one agenda point: a
/// session of many offers is reviewed one offer at a time, so a page holds a few households, not
/// hundreds. `anonymised` replaces names by letters and hides the request numbers.
pub async fn view(
    pool: &AnyPool,
    session_id: i64,
    viewer: Viewer,
    anonymised: bool,
    at: Point,
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
    let agenda_items = items_of(&mut conn, session_id).await?;
    let agenda = agenda_items
        .iter()
        .map(|item| {
            let title = unit_title(&item.typology, item.surface_m2, &item.commune_insee);
            (item.offer_id, title)
        })
        .collect();
    let point = match at {
        Point::Index(point) => point,
        Point::Offer(offer_id) => agenda_items
            .iter()
            .position(|item| item.offer_id == offer_id)
            .map_or(1, |index| index + 1),
    }
    .clamp(1, agenda_items.len().max(1));
    let mut items = Vec::new();
    for item in agenda_items.into_iter().skip(point - 1).take(1) {
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
                    .map(|v| ruling_words(&v.ruling()))
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
                objectives: Vec::new(),
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
        other_day: {
            let today = crate::domain::calendar::paris_date(crate::ssr::db::now());
            (Date::parse(&s.held_on) != Some(today)).then(|| today.french())
        },
        mode: s.mode(),
        status,
        quorum: s.quorum,
        voting_present,
        seats,
        president,
        member: matches!(viewer, Viewer::Member { .. }),
        anonymised,
        agenda,
        point,
        items,
        occupation,
        observations: s.observations.clone(),
    }))
}

pub(super) fn ruling_words(ruling: &Ruling) -> String {
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

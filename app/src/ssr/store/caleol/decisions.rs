//! Votes, the decisions the president records or the votes give, the close of a session with
//! its letters, and the minutes.

use super::*;

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
    // One statement, so that a double click cannot insert the same vote twice.
    sqlx::query(
        "INSERT INTO votes (item_id, entry_id, member_user_id, kind, rank, motive, document,
                            deadline, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (entry_id, member_user_id) DO UPDATE SET
             kind = excluded.kind, rank = excluded.rank, motive = excluded.motive,
             document = excluded.document, deadline = excluded.deadline,
             updated_at = excluded.updated_at",
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
pub(super) async fn insert_decision(
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
    .bind(
        counted
            .and_then(|t| t.outcome.map(|c| t.votes_for(c) as i64))
            .unwrap_or(0),
    )
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
pub(super) struct VoteRow {
    pub(super) entry_id: i64,
    pub(super) member_user_id: i64,
    pub(super) kind: String,
    pub(super) rank: Option<i64>,
    pub(super) motive: String,
    pub(super) document: String,
    pub(super) deadline: String,
    pub(super) quality: Option<String>,
}

impl VoteRow {
    pub(super) fn ruling(&self) -> Option<Ruling> {
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
    pub(super) fn quality(&self) -> MemberQuality {
        self.quality
            .as_deref()
            .and_then(MemberQuality::parse)
            .unwrap_or(MemberQuality::Designated)
    }
}

pub(super) async fn votes_of(
    conn: &mut AnyConnection,
    session_id: i64,
) -> Result<Vec<VoteRow>, sqlx::Error> {
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

pub(super) fn tally_for(votes: &[VoteRow], entry_id: i64) -> Tally {
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
pub(super) struct DecisionRow {
    pub(super) id: i64,
    pub(super) item_id: i64,
    pub(super) entry_id: i64,
    pub(super) applicant_user_id: i64,
    pub(super) kind: String,
    pub(super) rank: Option<i64>,
    pub(super) motive: String,
    pub(super) document: String,
    pub(super) deadline: String,
    pub(super) source: String,
    pub(super) casting_vote: i64,
    pub(super) votes_for: i64,
    pub(super) votes_cast: i64,
}

impl DecisionRow {
    pub(super) fn choice(&self) -> Choice {
        Choice {
            kind: DecisionKind::parse(&self.kind).unwrap_or(DecisionKind::NonAttribution),
            rank: self.rank.map(|r| r as u32),
        }
    }

    pub(super) fn condition(&self) -> Option<String> {
        let document = DocumentKind::parse(&self.document)?;
        let deadline = Date::parse(&self.deadline)?;
        Some(format!(
            "pièce manquante : {}, à fournir au plus tard le {}",
            document.label(),
            deadline.french()
        ))
    }

    pub(super) fn line(&self) -> DecisionLine {
        let how = if self.source == "president" {
            "Consignée par la présidence".to_string()
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

pub(super) async fn decisions_of(
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
                    let ruling = voters.first().and_then(|v| v.ruling()).unwrap_or(Ruling {
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
                None => undecided.push(format!("{} (offre n° {})", e.display_name, item.offer_id)),
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
                DecisionKind::NonAttribution => {
                    CommissionOutcome::NotAttributed { motive: &d.motive }
                }
                DecisionKind::Irrecevable => CommissionOutcome::Inadmissible { motive: &d.motive },
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
            conclude(conn, item.offer_id, Ending::NoneAttributed, link).await?;
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

/// The minutes as they stand at the close.
pub(super) async fn minutes_of(
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
                    format!(
                        "{}{}",
                        m.name,
                        if m.president { " (présidence)" } else { "" }
                    ),
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

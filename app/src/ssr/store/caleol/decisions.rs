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
        return Err(refused(Refusal::VotesOnlyWhileOpen));
    }
    if s.mode() != SessionMode::Remote {
        return Err(refused(Refusal::InPersonPresidentDecides));
    }
    let (item_id, _) = agenda_entry(conn, session_id, entry_id).await?;
    // One statement, so that a double click cannot insert the same vote twice.
    let query = sqlx::query(
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
    .bind(user_id);
    bind_ruling(query, ruling)
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
        return Err(refused(Refusal::DecisionsOnlyWhileOpen));
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
    let query = sqlx::query(
        "INSERT INTO decisions (item_id, entry_id, applicant_user_id, kind, rank, motive, document,
                                deadline, source, casting_vote, votes_for, votes_cast, recorded_by,
                                recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(item_id)
    .bind(entry_id)
    .bind(applicant);
    let row = bind_ruling(query, ruling)
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
    sqlx::Row::try_get(&row, 0)
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
        return Err(refused(Refusal::AttendanceOnlyInPerson));
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

/// A ruling as its five columns store it, in a vote and in a decision alike.
#[derive(sqlx::FromRow)]
pub(super) struct StoredRuling {
    #[sqlx(try_from = "String")]
    pub(super) kind: DecisionKind,
    pub(super) rank: Option<i64>,
    pub(super) motive: String,
    pub(super) document: String,
    pub(super) deadline: String,
}

impl StoredRuling {
    pub(super) fn choice(&self) -> Choice {
        Choice {
            kind: self.kind,
            rank: self.rank.map(|r| r as u32),
        }
    }

    pub(super) fn ruling(&self) -> Ruling {
        Ruling {
            choice: self.choice(),
            motive: self.motive.clone(),
            document: DocumentKind::parse(&self.document),
            deadline: Date::parse(&self.deadline),
        }
    }

    /// The condition of an attribution under a suspensive condition, in words.
    pub(super) fn condition(&self) -> Option<String> {
        let document = DocumentKind::parse(&self.document)?;
        let deadline = Date::parse(&self.deadline)?;
        Some(format!(
            "pièce manquante : {}, à fournir au plus tard le {}",
            document.label(),
            deadline.french()
        ))
    }
}

/// Binds a ruling's five columns, in `StoredRuling`'s order.
fn bind_ruling<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ruling: &'q Ruling,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(ruling.choice.kind.code())
        .bind(ruling.choice.rank.map(i64::from))
        .bind(&ruling.motive)
        .bind(ruling.document.map(|d| d.code()).unwrap_or(""))
        .bind(ruling.deadline.map(|d| d.iso()).unwrap_or_default())
}

#[derive(sqlx::FromRow)]
pub(super) struct VoteRow {
    pub(super) entry_id: i64,
    pub(super) member_user_id: i64,
    #[sqlx(flatten)]
    pub(super) stored: StoredRuling,
    pub(super) quality: Option<String>,
}

impl VoteRow {
    pub(super) fn ruling(&self) -> Ruling {
        self.stored.ruling()
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
        .map(|v| Ballot {
            choice: v.stored.choice(),
            quality: v.quality(),
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
    #[sqlx(flatten)]
    pub(super) stored: StoredRuling,
    pub(super) source: String,
    pub(super) casting_vote: i64,
    pub(super) votes_for: i64,
    pub(super) votes_cast: i64,
}

impl DecisionRow {
    pub(super) fn choice(&self) -> Choice {
        self.stored.choice()
    }

    pub(super) fn condition(&self) -> Option<String> {
        self.stored.condition()
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
            motive: self.stored.motive.clone(),
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

/// Closes an open session as `domain::caleol::plan_close` decides from its facts: decisions the
/// votes gave are stored, the unit is offered to the first candidate in the order, every
/// candidate gets a letter, an offer nobody was attributed ends, and the minutes are written.
pub async fn close(
    conn: &mut AnyConnection,
    session_id: i64,
    viewer: Viewer,
    today: Date,
    link: &str,
) -> Result<(), CaleolError> {
    let s = president_session(conn, session_id, viewer).await?;
    if s.status() != SessionStatus::Open {
        return Err(refused(Refusal::CloseOnlyOpen));
    }
    let mut members = seats(conn, s.commission_id, s.president_user_id).await?;
    mark_presence(conn, &s, &mut members).await?;
    let votes = votes_of(conn, session_id).await?;
    let recorded = decisions_of(conn, session_id).await?;
    let items = items_of(conn, session_id).await?;
    // Entry -> (agenda item, applicant), to store what the plan decides.
    let mut presented = HashMap::new();
    let mut facts = SessionAtClose {
        quorum: s.quorum,
        voting_present: members.iter().filter(|m| m.present && m.votes).count() as u32,
        remote: s.mode() == SessionMode::Remote,
        items: Vec::with_capacity(items.len()),
    };
    for item in &items {
        let entries = entries_of(conn, item.ranking_id).await?;
        let candidates = entries
            .iter()
            .filter(|e| e.shortlisted != 0)
            .map(|e| {
                presented.insert(e.id, (item.id, e.applicant_user_id));
                CandidateAtClose {
                    entry_id: e.id,
                    name: e.display_name.clone(),
                    recorded: recorded
                        .iter()
                        .find(|d| d.entry_id == e.id)
                        .map(|d| d.choice()),
                    votes: votes
                        .iter()
                        .filter(|v| v.entry_id == e.id)
                        .map(|v| CastVote {
                            ruling: v.ruling(),
                            quality: v.quality(),
                            by_president: Some(v.member_user_id) == s.president_user_id,
                        })
                        .collect(),
                }
            })
            .collect();
        facts.items.push(ItemAtClose {
            offer_id: item.offer_id,
            candidates,
        });
    }
    let plans = plan_close(&facts).map_err(refused)?;
    for plan in &plans {
        for (entry_id, ruling, counted) in &plan.from_votes {
            let Some(&(item_id, applicant)) = presented.get(entry_id) else {
                continue;
            };
            insert_decision(
                conn,
                item_id,
                *entry_id,
                applicant,
                ruling,
                "votes",
                Some(counted),
                None,
            )
            .await?;
        }
    }
    let decisions = decisions_of(conn, session_id).await?;
    let held_on = s.held_on_french();
    for (item, plan) in items.iter().zip(&plans) {
        let label = OfferLabel {
            id: item.offer_id,
            typology: item.typology.clone(),
            commune: crate::ssr::reference::commune_name(&item.commune_insee),
        };
        let first = plan.offered_to();
        for d in decisions.iter().filter(|d| d.item_id == item.id) {
            let condition = d.condition();
            let respond_by = reply_by(today).french();
            let outcome = match close_letter(d.choice(), Some(d.entry_id) == first) {
                CloseLetter::NotAttributed => CommissionOutcome::NotAttributed {
                    motive: &d.stored.motive,
                },
                CloseLetter::Inadmissible => CommissionOutcome::Inadmissible {
                    motive: &d.stored.motive,
                },
                CloseLetter::Offered { rank } => {
                    make_proposal(conn, item.offer_id, d, today).await?;
                    CommissionOutcome::Offered {
                        rank,
                        respond_by: &respond_by,
                        condition: condition.as_deref(),
                    }
                }
                CloseLetter::Waiting { rank } => CommissionOutcome::Waiting {
                    rank,
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
        return Err(refused(Refusal::ObservationsOnlyBeforeSigning));
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
        return Err(refused(Refusal::SignOnlyClosedUnsigned));
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

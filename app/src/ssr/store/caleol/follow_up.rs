//! After the commission: the unit offered in rank order, the applicants' answers within the
//! delay, lapses, and the lease that ends the offer.

use super::*;

pub(super) async fn contact(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

pub(super) async fn make_proposal(
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

#[derive(sqlx::FromRow)]
pub(super) struct ProposalRow {
    pub(super) id: i64,
    pub(super) offer_id: i64,
    pub(super) status: String,
    pub(super) respond_by: String,
    pub(super) offer_status: String,
}

pub(super) fn proposal_status_label(status: &str) -> &'static str {
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
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        offer_id: i64,
        rank: i64,
        status: String,
        respond_by: String,
        document: String,
        deadline: String,
        offer_status: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.id, p.offer_id, p.rank, p.status, p.respond_by, d.document, d.deadline,
                o.status AS offer_status
         FROM offer_proposals p JOIN decisions d ON d.id = p.decision_id
              JOIN offers o ON o.id = p.offer_id
         WHERE p.applicant_user_id = $1 ORDER BY p.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let by = Date::parse(&r.respond_by);
            let condition = DocumentKind::parse(&r.document)
                .zip(Date::parse(&r.deadline))
                .map(|(doc, date)| {
                    format!(
                        "Pièce à fournir : {}, au plus tard le {}",
                        doc.label(),
                        date.french()
                    )
                });
            (
                r.offer_id,
                ProposalInfo {
                    id: r.id,
                    rank: r.rank,
                    status_label: proposal_status_label(&r.status).to_string(),
                    pending: r.status == "en_attente"
                        && r.offer_status == OfferStatus::InCommission.code()
                        && by.is_some_and(|d| d >= today),
                    respond_by: by.map(|d| d.french()).unwrap_or(r.respond_by),
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
        "SELECT p.id, p.offer_id, p.status, p.respond_by, o.status AS offer_status
         FROM offer_proposals p JOIN offers o ON o.id = p.offer_id
         WHERE p.id = $1 AND p.applicant_user_id = $2",
    )
    .bind(proposal_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(CaleolError::NotFound)?;
    if p.status != "en_attente" {
        return Err(refused(Refusal::AlreadyAnswered));
    }
    if p.offer_status != OfferStatus::InCommission.code() {
        return Err(refused(Refusal::OfferCancelled));
    }
    if Date::parse(&p.respond_by).is_none_or(|d| d < today) {
        return Err(refused(Refusal::ReplyTooLate));
    }
    let status = if accept { "acceptee" } else { "refusee" };
    let changed = sqlx::query(
        "UPDATE offer_proposals SET status = $1, responded_at = $2 WHERE id = $3 AND status = 'en_attente'",
    )
    .bind(status)
    .bind(now())
    .bind(p.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // A second click that raced the first finds the answer already recorded.
    if changed == 0 {
        return Err(refused(Refusal::AlreadyAnswered));
    }
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
pub(super) async fn pass_on(
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
        None => conclude(conn, offer_id, Ending::NoneAccepted, link).await?,
    }
    Ok(())
}

pub(super) async fn offer_label(
    conn: &mut AnyConnection,
    offer_id: i64,
) -> Result<OfferLabel, sqlx::Error> {
    let (typology, insee): (String, String) = sqlx::query_as(
        "SELECT u.typology, u.commune_insee FROM offers o JOIN units u ON u.id = o.unit_id WHERE o.id = $1",
    )
    .bind(offer_id)
    .fetch_one(conn)
    .await?;
    Ok(OfferLabel {
        id: offer_id,
        typology,
        commune: crate::ssr::reference::commune_name(&insee),
    })
}

/// Ends an offer in commission (attributed or not) and tells every applicant who is not the new
/// tenant.
pub(super) async fn conclude(
    conn: &mut AnyConnection,
    offer_id: i64,
    ending: Ending,
    link: &str,
) -> Result<(), sqlx::Error> {
    let to = if ending == Ending::Leased {
        OfferStatus::Attributed
    } else {
        OfferStatus::Unsuccessful
    };
    if let Err(error) = crate::ssr::store::transition(conn, None, offer_id, to, None).await {
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
            &letters::offer_concluded(&email, &name, &label, ending, link),
        )
        .await?;
    }
    Ok(())
}

/// Offers left unanswered past their delay pass to the next rank. Returns how many lapsed.
pub async fn lapse_due(pool: &AnyPool, today: Date, link: &str) -> Result<usize, sqlx::Error> {
    let due: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.offer_id, p.applicant_user_id FROM offer_proposals p
         JOIN offers o ON o.id = p.offer_id
         WHERE p.status = 'en_attente' AND p.respond_by < $1 AND o.status = 'in_commission'",
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
        enqueue(
            &mut tx,
            &letters::proposal_lapsed(&email, &name, &label, link),
        )
        .await?;
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
    if !matches!(status.as_str(), "close" | "signee") {
        return Ok(Some(FollowUp {
            session_id: Some(session_id),
            lines: Vec::new(),
            accepted: None,
        }));
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        name: String,
        #[sqlx(try_from = "String")]
        kind: DecisionKind,
        rank: Option<i64>,
        document: String,
        deadline: String,
        proposal_status: Option<String>,
        proposal_id: Option<i64>,
        recorded_at: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT us.display_name AS name, d.kind, d.rank, d.document, d.deadline,
                p.status AS proposal_status, p.id AS proposal_id, d.recorded_at
         FROM decisions d JOIN session_items i ON i.id = d.item_id
              JOIN users us ON us.id = d.applicant_user_id
              LEFT JOIN offer_proposals p ON p.decision_id = d.id
         WHERE i.offer_id = $1 ORDER BY COALESCE(d.rank, 99), d.id",
    )
    .bind(offer_id)
    .fetch_all(pool)
    .await?;
    let mut lines = Vec::new();
    let mut accepted = None;
    for row in rows {
        let choice = Choice {
            kind: row.kind,
            rank: row.rank.map(|r| r as u32),
        };
        let condition = DocumentKind::parse(&row.document)
            .zip(Date::parse(&row.deadline))
            .map(|(d, date)| format!("{} avant le {}", d.label(), date.french()));
        if row.proposal_status.as_deref() == Some("acceptee") {
            accepted = row
                .proposal_id
                .map(|id| (id, row.name.clone(), condition.clone()));
        }
        let offered = match row.proposal_status.as_deref() {
            Some(status) => proposal_status_label(status).to_string(),
            None if choice.kind.attributes() => "Pas encore proposé".to_string(),
            // The request may be struck off within a month of the notified rejection (R441-2-8).
            None if choice.kind == DecisionKind::Irrecevable => format!(
                "Rejet notifié : radiation de la demande à instruire avant le {}",
                paris_date(row.recorded_at).add_days(30).french()
            ),
            None => "—".to_string(),
        };
        lines.push((row.name, choice.label(), offered));
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
        return Err(refused(Refusal::ConditionNotConfirmed));
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
    conclude(conn, offer_id, Ending::Leased, link).await?;
    Ok(())
}

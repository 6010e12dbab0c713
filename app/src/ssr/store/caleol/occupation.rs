//! The triennial occupation review (L442-5-2): tenancies flagged by staff, due every three years
//! from the lease, and the commission's findings.

use super::*;

/// Tenancies of the organisation flagged for the occupation review and due by `on` (every three
/// years from the lease), not yet examined for that date: (lease id, due date).
pub(super) async fn due_reviews(
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
pub(super) async fn occupation_items(
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
        return Err(refused(Refusal::FindingOnlyWhileOpen));
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

/// Units of the organisation with neither a tenancy nor a live offer: what staff can offer a
/// tenant after an occupation review.
async fn vacant_units(
    pool: &AnyPool,
    organisation_id: i64,
    typology: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT u.id, u.reference, u.typology, u.surface_m2, u.commune_insee FROM units u
         WHERE u.organisation_id = $1 AND ($2 = '' OR u.typology = $2)
               AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.unit_id = u.id)
               AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.unit_id = u.id
                               AND o.status IN ('draft', 'published', 'closed', 'in_review', 'in_commission'))
         ORDER BY u.reference LIMIT 5",
    )
    .bind(organisation_id)
    .bind(typology)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, reference, typology, surface, insee)| {
            (
                id,
                format!("{reference} — {}", unit_title(&typology, surface, &insee)),
            )
        })
        .collect())
}

/// The organisation's tenancies with their occupation situations, the latest finding and, when
/// it calls for another unit, vacant units of that kind.
pub async fn tenancies(pool: &AnyPool, organisation_id: i64) -> Result<Vec<Tenancy>, sqlx::Error> {
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
    let mut tenancies = Vec::with_capacity(rows.len());
    for (id, tenant, signed_on, typology, surface, insee, flags) in rows {
        let latest = findings.iter().rev().find(|f| f.0 == id);
        let proposed = latest.and_then(|f| ProposedUnit::parse(&f.2));
        let suggested_units = match (proposed, latest) {
            (Some(kind), Some(f))
                if !matches!(kind, ProposedUnit::Stay | ProposedUnit::Accession) =>
            {
                vacant_units(pool, organisation_id, &f.3).await?
            }
            _ => Vec::new(),
        };
        tenancies.push(Tenancy {
            id,
            tenant,
            unit: unit_title(&typology, surface, &insee),
            signed_on: Date::parse(&signed_on)
                .map(|d| d.french())
                .unwrap_or(signed_on),
            flags: flags_from_csv(&flags)
                .iter()
                .map(|f| f.code().to_string())
                .collect(),
            finding: latest.map(|f| {
                format!(
                    "{} — {}{}",
                    f.1,
                    proposed.map(|u| u.label()).unwrap_or(""),
                    if f.3.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", f.3)
                    }
                )
            }),
            suggested_units,
        });
    }
    Ok(tenancies)
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

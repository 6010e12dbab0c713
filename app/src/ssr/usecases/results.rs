//! What applicants and visitors are told: an applicant's chances before applying, each ended
//! offer's public result, and the explanation of an applicant's own result. Reads only; every
//! figure published goes through `domain::results`, which hides the small ones.

use super::rankings::standing;
use crate::domain::calendar::{Date, paris_date};
use crate::domain::cotation::Grid;
use crate::domain::quartile::is_first_quartile;
use crate::domain::ranking::RankingMode;
use crate::domain::results::{
    Answer, Comparable, Count, Lease, OfferLine, Outlook, dashboard as dashboard_figures,
    differences, score_band,
};
use crate::model::results::{
    Chance, Dashboard, Difference, Explanation, Housed, OfferResult, Step,
};
use crate::ssr::reference::commune_name;
use crate::ssr::store::{caleol, cotation, profiles, rankings, results, territories};
use sqlx::AnyPool;

fn title(typology: &str, surface_m2: i64, commune_insee: &str) -> String {
    format!(
        "{typology} de {surface_m2} m² à {}",
        commune_name(commune_insee)
    )
}

/// Where the applicant would stand if the offer closed at `at`, and what comparable offers
/// came to over the last twelve months. `None` once the offer is ranked.
pub async fn chance(
    pool: &AnyPool,
    offer_id: i64,
    user_id: i64,
    at: i64,
) -> Result<Option<Chance>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let Some(standing) = standing(&mut conn, offer_id, user_id, at).await? else {
        return Ok(None);
    };
    drop(conn);
    let since = paris_date(at).minus_months(12);
    let comparable = results::comparable(
        pool,
        &standing.epci_siren,
        standing.terms.typology.code(),
        standing.terms.financing.code(),
        since,
    )
    .await?;
    Ok(Some(Chance {
        applications: Count::of(standing.applications),
        mode: standing.mode,
        applied: standing.applied,
        position: standing.position,
        ranked: Count::of(standing.ranked),
        score_points: standing
            .score
            .filter(|_| standing.mode == RankingMode::Cotation)
            .map(i64::from),
        outlook: standing.position.map(Outlook::of),
        comparable: Comparable::from_attributions(&comparable),
    }))
}

/// An ended offer's public result; `None` while it has not ended.
pub async fn offer_result(
    pool: &AnyPool,
    offer_id: i64,
) -> Result<Option<OfferResult>, sqlx::Error> {
    let Some(ended) = results::ended(pool, offer_id).await? else {
        return Ok(None);
    };
    let mode = ended.mode.as_deref().and_then(RankingMode::parse);
    let published_on = ended.published_at.map(paris_date);
    let leased_on = ended.leased_on.as_deref().and_then(Date::parse);
    Ok(Some(OfferResult {
        offer_id: ended.offer_id,
        title: title(&ended.typology, ended.surface_m2, &ended.commune_insee),
        landlord: ended.landlord,
        attributed: ended.attributed,
        mode_label: mode
            .map_or("Sans classement", RankingMode::label)
            .to_string(),
        applications: Count::of(ended.applications),
        eligible: Count::of_part(ended.eligible, ended.applications),
        housed: ended.housed.map(|(score, months)| Housed {
            score_band: score
                .filter(|_| mode == Some(RankingMode::Cotation))
                .map(score_band),
            seniority_years: months.map(|m| m.div_euclid(12)),
        }),
        refusals: Count::of(ended.refusals),
        days_to_lease: published_on
            .zip(leased_on)
            .map(|(from, to)| to.days_since_epoch() - from.days_since_epoch()),
        published_on: published_on.map(Date::iso),
        leased_on: leased_on.map(Date::iso),
    }))
}

/// "Pourquoi ce résultat ?" for one of the applicant's applications; `None` before the close or
/// for anyone else's application.
pub async fn explanation(
    pool: &AnyPool,
    user_id: i64,
    application_id: i64,
) -> Result<Option<Explanation>, sqlx::Error> {
    let Some(outcome) = results::outcome(pool, user_id, application_id).await? else {
        return Ok(None);
    };
    let mode = RankingMode::parse(&outcome.mode).unwrap_or(RankingMode::Cotation);
    let standing = rankings::for_applicant(pool, user_id)
        .await?
        .remove(&application_id);
    let (position, not_ranked_because) = match standing {
        Some(Ok(rank)) => (Some(rank), Vec::new()),
        Some(Err(reasons)) => (None, reasons),
        None => (None, Vec::new()),
    };
    let decision = caleol::decisions_for(pool, user_id)
        .await?
        .into_iter()
        .find(|(offer, _)| *offer == outcome.offer_id)
        .map(|(_, line)| line);
    // Scores compare only on an offer ranked by cotation and when both come from the same grid
    // (a mutation may be scored on a grid of its own, and saying so would tell it).
    let same_grid = matches!(
        (&outcome.housed, outcome.grid_id),
        (Some((_, Some(theirs), _)), Some(mine)) if *theirs == mine
    ) && mode == RankingMode::Cotation
        && !outcome.is_housed;
    let mut lines = Vec::new();
    if let (Some(mine), Some((theirs, _, _)), Some(grid_id)) =
        (&outcome.score, &outcome.housed, outcome.grid_id)
        && same_grid
    {
        let grid: Option<Grid> = cotation::versions(pool, None)
            .await?
            .into_iter()
            .find(|g| g.id == grid_id)
            .map(|g| g.grid);
        if let Some(grid) = grid {
            lines = differences(&grid, mine, theirs);
        }
    }
    let profile = profiles::load(&mut *pool.acquire().await?, user_id).await?;
    let mut steps = Vec::new();
    let mut step = |label: &str, on: Option<String>| {
        if let Some(on) = on {
            steps.push(Step {
                label: label.into(),
                on,
            });
        }
    };
    step(
        "Publication de l'offre",
        outcome.published_at.map(|at| paris_date(at).iso()),
    );
    step(
        "Clôture des candidatures",
        Some(paris_date(outcome.closes_at - 1).iso()),
    );
    step("Classement des candidats", Some(outcome.ranked_on.clone()));
    step("Commission d'attribution", outcome.commission_on.clone());
    step("Signature du bail", outcome.leased_on.clone());
    let ended = matches!(outcome.offer_status.as_str(), "attributed" | "unsuccessful");
    let result = match (&decision, outcome.is_housed, ended) {
        _ if outcome.withdrawn => {
            "Vous avez retiré cette candidature avant la clôture : elle n'a pas été classée.".to_string()
        }
        (_, true, _) => "Le logement vous a été attribué et votre bail est signé.".to_string(),
        (Some(d), false, _) => format!("Décision de la commission : {}.", d.label),
        (None, false, true) if outcome.offer_status == "attributed" => {
            "Le logement a été attribué à un autre ménage.".to_string()
        }
        (None, false, true) => "L'offre s'est terminée sans attribution.".to_string(),
        (None, false, false) if position.is_none() => {
            "Votre candidature n'a pas été classée.".to_string()
        }
        (None, false, false) => {
            "Le classement est fait ; la commission d'attribution n'a pas encore statué sur votre dossier.".to_string()
        }
    };
    Ok(Some(Explanation {
        application_id: outcome.application_id,
        offer_id: outcome.offer_id,
        title: title(
            &outcome.typology,
            outcome.surface_m2,
            &outcome.commune_insee,
        ),
        landlord: outcome.landlord,
        outcome: result,
        mode_label: mode.label().to_string(),
        mode_explain: mode.explain().to_string(),
        position,
        not_ranked_because,
        score: outcome.score,
        // The band as the offer's public result gives it: for a cotation offer whose tenant a
        // grid scored, whatever grid that was.
        housed: outcome.housed.as_ref().map(|(score, grid, months)| Housed {
            score_band: (mode == RankingMode::Cotation && grid.is_some())
                .then_some(score_band(i64::from(score.total))),
            seniority_years: months.map(|m| m.div_euclid(12)),
        }),
        differences: lines
            .into_iter()
            .map(|(label, mine, theirs)| Difference {
                label,
                mine,
                theirs,
            })
            .collect(),
        is_housed: outcome.is_housed,
        decision,
        steps,
        landlord_address: outcome.landlord_address,
        // Already recognised DALO, a household turns to the préfet (or the court), not to the
        // mediation commission.
        dalo_situation: !profile.dalo
            && profile.situations.iter().any(|s| s.opens_dalo_mediation()),
    }))
}

/// The public figures of a territory (`siren`, or the one with most offers), over the twelve
/// months up to `today`.
pub async fn dashboard(
    pool: &AnyPool,
    siren: Option<&str>,
    today: Date,
) -> Result<Dashboard, sqlx::Error> {
    let territories: Vec<(String, String)> = results::territories_with_offers(pool)
        .await?
        .into_iter()
        .map(|(siren, _)| {
            let name = crate::ssr::reference::epci_name(&siren);
            (siren, name)
        })
        .collect();
    let chosen = match siren {
        Some(siren) => territories.iter().find(|(s, _)| s == siren).cloned(),
        None => territories.first().cloned(),
    };
    let Some((siren, name)) = chosen else {
        return Ok(Dashboard {
            territories,
            territory: None,
            figures: Vec::new(),
            ended: Vec::new(),
            quartile_unknown: false,
        });
    };
    let first_day =
        Date::new(today.minus_months(11).year, today.minus_months(11).month, 1).unwrap_or(today);
    let since = crate::domain::calendar::paris_midnight(first_day);
    let thresholds = territories::thresholds(pool, &siren).await?;
    let offers = results::territory_offers(pool, &siren, since, first_day).await?;
    let lines: Vec<OfferLine> = offers
        .into_iter()
        .map(|o| OfferLine {
            published_on: o.published_at.map(paris_date),
            applications: o.applications,
            lease: o.lease.and_then(|(on, in_qpv, profile)| {
                let signed_on = Date::parse(&on)?;
                let threshold = thresholds
                    .iter()
                    .find(|(year, _)| *year == signed_on.year)
                    .map(|(_, amount)| *amount);
                Some(Lease {
                    signed_on,
                    in_qpv,
                    priority: profile
                        .as_ref()
                        .is_some_and(|p| p.dalo || p.situations.iter().any(|s| s.is_priority())),
                    mutation: profile.as_ref().is_some_and(|p| {
                        p.housing_status
                            == Some(crate::domain::profile::HousingStatus::SocialTenant)
                    }),
                    first_quartile: profile.as_ref().zip(threshold).and_then(|(p, t)| {
                        is_first_quartile(
                            &p.applicant(signed_on).members,
                            p.monthly_resources_cents,
                            t,
                        )
                    }),
                })
            }),
        })
        .collect();
    let answers: Vec<Answer> = results::territory_answers(pool, &siren, since)
        .await?
        .into_iter()
        .map(|(at, refused)| Answer {
            on: paris_date(at),
            refused,
        })
        .collect();
    let ended = results::ended_in_territory(pool, &siren, 20)
        .await?
        .into_iter()
        .map(|(id, typology, surface, insee, attributed)| {
            (id, title(&typology, surface, &insee), attributed)
        })
        .collect();
    Ok(Dashboard {
        territories,
        figures: dashboard_figures(&lines, &answers, today),
        territory: Some((siren, name)),
        ended,
        quartile_unknown: !thresholds.iter().any(|(year, _)| *year == today.year),
    })
}

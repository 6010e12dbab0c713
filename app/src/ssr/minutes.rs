//! The commission's minutes as a PDF file, from the same record the printable page shows.

use crate::model::caleol::Minutes;
use crate::ssr::pdf::{Block, Style, render};

pub fn to_pdf(minutes: &Minutes) -> Vec<u8> {
    let mut blocks = Vec::new();
    let mut push = |style: Style, text: String| blocks.push(Block { text, style });
    let title = format!(
        "Procès-verbal — {} — séance du {}",
        minutes.commission, minutes.held_on
    );
    push(Style::Title, title.clone());
    push(
        Style::Body,
        format!(
            "Commission d'attribution des logements et d'examen de l'occupation des logements de {}. Séance {} ; quorum : {} ; close le {}.",
            minutes.organisation,
            minutes.mode.to_lowercase(),
            minutes.quorum,
            minutes.closed_at
        ),
    );
    push(
        Style::Body,
        minutes
            .signed
            .clone()
            .unwrap_or_else(|| "Non signé.".to_string()),
    );
    push(Style::Heading, "Membres ayant participé".into());
    for (name, quality, voice) in &minutes.present {
        push(Style::Body, format!("• {name} — {quality}, {voice}"));
    }
    for item in &minutes.items {
        push(
            Style::Heading,
            format!("Offre n° {} — {}", item.offer_id, item.title),
        );
        push(
            Style::Body,
            format!(
                "Classement : {}.{}",
                item.ranking_mode,
                item.exception
                    .as_ref()
                    .map(|e| format!(" Moins de trois candidats : {e}."))
                    .unwrap_or_default()
            ),
        );
        if item.departures.is_empty() {
            push(
                Style::Body,
                "Liste conforme à l'ordre du classement.".into(),
            );
        }
        for departure in &item.departures {
            push(Style::Body, format!("Écart : {departure}"));
        }
        for d in &item.decisions {
            let mut line = format!(
                "Rang {} — {} ({}), {} points : {}",
                d.position, d.candidate, d.sne_number, d.score, d.decision.label
            );
            if !d.decision.motive.is_empty() {
                line.push_str(&format!(" — motif : {}", d.decision.motive));
            }
            if let Some(condition) = &d.decision.condition {
                line.push_str(&format!(" — {condition}"));
            }
            line.push_str(&format!(" — {}.", d.decision.how));
            push(Style::Body, line);
        }
    }
    if !minutes.occupation.is_empty() {
        push(
            Style::Heading,
            "Examen de l'occupation des logements".into(),
        );
        for (tenant, unit, flags, finding, kind) in &minutes.occupation {
            push(
                Style::Body,
                format!(
                    "{tenant}, {unit} — situations : {flags} — constat : {finding} — logement à proposer : {kind}"
                ),
            );
        }
    }
    push(Style::Heading, "Observations".into());
    push(
        Style::Body,
        if minutes.observations.is_empty() {
            "Aucune.".into()
        } else {
            minutes.observations.clone()
        },
    );
    render(&title, &blocks)
}

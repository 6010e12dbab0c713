//! The commission's minutes as a PDF file, from the same record the printable page shows.

use crate::model::caleol::Minutes;
use crate::ssr::pdf::{Block, PdfError, Table, render};

pub fn to_pdf(minutes: &Minutes) -> Result<Vec<u8>, PdfError> {
    let title = format!(
        "Procès-verbal — {} — séance du {}",
        minutes.commission, minutes.held_on
    );
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Paragraph(format!(
            "Commission d'attribution des logements et d'examen de l'occupation des logements de {}. Séance {} ; quorum : {} ; close le {}.",
            minutes.organisation,
            minutes.mode.to_lowercase(),
            minutes.quorum,
            minutes.closed_at
        )),
        Block::Paragraph(
            minutes
                .signed
                .clone()
                .unwrap_or_else(|| "Non signé.".to_string()),
        ),
        Block::Heading("Membres ayant participé".into()),
        Block::Table(Table {
            columns: vec![
                ("Membre".into(), 3.0),
                ("Qualité".into(), 3.0),
                ("Voix".into(), 2.0),
            ],
            rows: minutes
                .present
                .iter()
                .map(|(name, quality, voice)| vec![name.clone(), quality.clone(), voice.clone()])
                .collect(),
        }),
    ];
    for item in &minutes.items {
        blocks.push(Block::Heading(format!(
            "Offre n° {} — {}",
            item.offer_id, item.title
        )));
        blocks.push(Block::Paragraph(format!(
            "Classement : {}.{}",
            item.ranking_mode,
            item.exception
                .as_ref()
                .map(|e| format!(" Moins de trois candidats : {e}."))
                .unwrap_or_default()
        )));
        if item.departures.is_empty() {
            blocks.push(Block::Paragraph(
                "Liste conforme à l'ordre du classement.".into(),
            ));
        }
        for departure in &item.departures {
            blocks.push(Block::Paragraph(format!("Écart : {departure}")));
        }
        blocks.push(Block::Table(Table {
            columns: vec![
                ("Rang".into(), 0.8),
                ("Candidat".into(), 2.6),
                ("N° unique".into(), 2.2),
                ("Points".into(), 0.9),
                ("Décision".into(), 2.2),
                ("Motif et vote".into(), 4.0),
            ],
            rows: item
                .decisions
                .iter()
                .map(|d| {
                    let mut why = Vec::new();
                    if !d.decision.motive.is_empty() {
                        why.push(format!("Motif : {}", d.decision.motive));
                    }
                    if let Some(condition) = &d.decision.condition {
                        why.push(condition.clone());
                    }
                    why.push(format!("{}.", d.decision.how));
                    vec![
                        d.position.to_string(),
                        d.candidate.clone(),
                        d.sne_number.clone(),
                        d.score.to_string(),
                        d.decision.label.clone(),
                        why.join(" — "),
                    ]
                })
                .collect(),
        }));
    }
    if !minutes.occupation.is_empty() {
        blocks.push(Block::Heading(
            "Examen de l'occupation des logements".into(),
        ));
        blocks.push(Block::Table(Table {
            columns: vec![
                ("Locataire".into(), 2.5),
                ("Logement".into(), 2.5),
                ("Situations".into(), 2.5),
                ("Constat".into(), 3.0),
                ("Logement à proposer".into(), 2.0),
            ],
            rows: minutes
                .occupation
                .iter()
                .map(|(tenant, unit, flags, finding, kind)| {
                    vec![
                        tenant.clone(),
                        unit.clone(),
                        flags.clone(),
                        finding.clone(),
                        kind.clone(),
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Heading("Observations".into()));
    blocks.push(Block::Paragraph(if minutes.observations.is_empty() {
        "Aucune.".into()
    } else {
        minutes.observations.clone()
    }));
    render(&title, &blocks)
}

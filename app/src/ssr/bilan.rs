//! A réservataire's yearly bilan as a PDF fit to send, from the same figures as its page and CSV.

use crate::domain::flux::{Bilan, share_words};
use crate::ssr::pdf::{Block, PdfError, Table, render};

pub fn to_pdf(bilan: &Bilan) -> Result<Vec<u8>, PdfError> {
    let title = format!("Bilan {} — {}", bilan.year, bilan.reservataire);
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Paragraph(format!(
            "Réservataire : {}. Bailleur : {}.",
            bilan.reservataire, bilan.landlord
        )),
        Block::Paragraph(format!(
            "Logements proposés et attribués par {} au titre des conventions de réservation de {} (gestion en flux, décret n° 2020-145), bilan adressé avant le 28 février {}.",
            bilan.landlord,
            bilan.year,
            bilan.year + 1
        )),
    ];
    if !bilan.conventions.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Conventions : {}.",
            bilan
                .conventions
                .iter()
                .map(|(t, s)| format!("{t}, {}", share_words(*s)))
                .collect::<Vec<_>>()
                .join(" ; ")
        )));
    }
    blocks.push(Block::Paragraph(format!(
        "{}.",
        crate::domain::flux::bilan_summary(bilan)
    )));
    for breakdown in &bilan.breakdowns {
        blocks.push(Block::Heading(breakdown.title.clone()));
        blocks.push(Block::Table(Table {
            columns: vec![
                ("Catégorie".into(), 4.0),
                ("Proposés".into(), 1.5),
                ("Attribués".into(), 1.5),
            ],
            rows: breakdown
                .lines
                .iter()
                .map(|l| {
                    vec![
                        l.value.clone(),
                        l.proposed.to_string(),
                        l.attributed.to_string(),
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Heading("Logements sortis du flux".into()));
    if bilan.out_of_flow.is_empty() {
        blocks.push(Block::Paragraph(
            "Aucun logement sorti du flux dans ces territoires.".into(),
        ));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![("Motif".into(), 4.0), ("Logements".into(), 1.5)],
            rows: bilan
                .out_of_flow
                .iter()
                .map(|(reason, n)| vec![reason.clone(), n.to_string()])
                .collect(),
        }));
    }
    blocks.push(Block::Heading(format!("Prévision {}", bilan.year + 1)));
    if bilan.next_year.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "La prévision du flux {} n'est pas encore enregistrée.",
            bilan.year + 1
        )));
    } else {
        blocks.push(Block::Table(Table {
            columns: vec![
                ("Territoire".into(), 3.0),
                ("Flux prévu".into(), 1.5),
                ("Hors flux prévu".into(), 1.5),
                ("Pour le réservataire".into(), 1.8),
            ],
            rows: bilan
                .next_year
                .iter()
                .map(|(t, flow, out, units)| {
                    vec![
                        t.clone(),
                        flow.to_string(),
                        out.to_string(),
                        units.map_or_else(|| "—".to_string(), |u| u.to_string()),
                    ]
                })
                .collect(),
        }));
    }
    render(&title, &blocks)
}

//! A grid as text, one criterion per line, the way a territory admin types it and the public
//! page reads it back; and the form a new version is published with.

use super::{Audience, Condition, Criterion, Grid, Measure, Rule, capitalise, hundredths};
use crate::domain::calendar::Date;
use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

pub const MAX_CRITERIA: usize = 60;
pub const LABEL_MAX_CHARS: usize = 120;
const POINTS_LIMIT: i32 = 1000;

/// Lower-cases and strips the accents the keywords may be typed with.
fn keyword(word: &str) -> String {
    word.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' => 'e',
            'à' | 'â' => 'a',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

fn parse_points(raw: &str) -> Option<i32> {
    let raw = raw.trim().replace(['\u{a0}', ' '], "");
    let raw = raw.strip_prefix('+').unwrap_or(&raw);
    raw.parse::<i32>()
        .ok()
        .filter(|p| (-POINTS_LIMIT..=POINTS_LIMIT).contains(p))
}

/// "30", "1,5" or "1.5" → hundredths.
fn parse_hundredths(raw: &str) -> Option<u32> {
    let raw = raw.trim().trim_end_matches('%').trim().replace(',', ".");
    let (whole, part) = raw.split_once('.').unwrap_or((&raw, ""));
    if whole.is_empty() || part.len() > 2 || !part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: u32 = whole.parse().ok().filter(|w| *w <= 100_000)?;
    let part: u32 = match part.len() {
        0 => 0,
        1 => part.parse::<u32>().ok()? * 10,
        _ => part.parse().ok()?,
    };
    Some(whole * 100 + part)
}

fn parse_line(line: &str) -> Result<Criterion, String> {
    let fields: Vec<&str> = line.split(';').map(str::trim).collect();
    if fields.len() < 3 {
        return Err(
            "écrivez « libellé ; critère ; points », séparés par des points-virgules.".into(),
        );
    }
    let label = fields[0].to_string();
    if label.is_empty() {
        return Err("le libellé du critère est vide.".into());
    }
    if label.chars().count() > LABEL_MAX_CHARS {
        return Err(format!("le libellé dépasse {LABEL_MAX_CHARS} caractères."));
    }
    let kind = keyword(fields[1]);
    let points_field = keyword(fields[2]);
    let mut group = None;
    let mut cap = None;
    let mut bonus = None;
    for option in &fields[3..] {
        let words: Vec<String> = option.split_whitespace().map(keyword).collect();
        match words
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["groupe", ..] if words.len() > 1 => {
                group = Some(
                    option
                        .split_whitespace()
                        .skip(1)
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
            ["plafond", n] => {
                cap = Some(parse_points(n).ok_or("le plafond doit être un nombre de points.")?);
            }
            ["bonus", n, "apres", m, "mois"] => {
                let extra = parse_points(n).ok_or("le bonus doit être un nombre de points.")?;
                let after = m.parse::<u32>().ok().filter(|m| *m <= 600).ok_or(
                    "le bonus doit dire après combien de mois (« bonus 20 après 36 mois »).",
                )?;
                bonus = Some((after, extra));
            }
            [] => {}
            _ => {
                return Err(format!(
                    "option « {option} » inconnue (options : « groupe nom », « plafond N », « bonus N après M mois »)."
                ));
            }
        }
    }
    let rule = if kind == "anciennete" {
        let per_month = points_field
            .strip_suffix("par mois")
            .and_then(parse_points)
            .ok_or("l'ancienneté se note en points par mois (« 1 par mois »).")?;
        Rule::Seniority {
            points_per_month: per_month,
            cap,
            bonus,
        }
    } else {
        if cap.is_some() || bonus.is_some() {
            return Err("« plafond » et « bonus » ne s'appliquent qu'à l'ancienneté.".into());
        }
        if kind == "refus" {
            let per_refusal = points_field
                .strip_suffix("par refus")
                .and_then(parse_points)
                .ok_or("les refus se notent en points par refus (« -10 par refus »).")?;
            Rule::Refusal {
                points_per_refusal: per_refusal,
            }
        } else if let Some(code) = kind.strip_prefix("situation ") {
            let condition = Condition::parse(code.trim()).ok_or_else(|| {
                format!(
                    "situation « {} » inconnue : choisissez un code de la liste.",
                    code.trim()
                )
            })?;
            Rule::When {
                condition,
                points: parse_points(&points_field)
                    .ok_or("les points doivent être un nombre entier entre -1000 et 1000.")?,
            }
        } else if let Some((measure, threshold)) = kind.split_once('>') {
            let measure = Measure::parse(measure.trim()).ok_or_else(|| {
                format!(
                    "mesure « {} » inconnue (taux_effort, personnes_par_piece, pieces_en_trop).",
                    measure.trim()
                )
            })?;
            Rule::Above {
                measure,
                threshold: parse_hundredths(threshold)
                    .ok_or("le seuil doit être un nombre (« taux_effort > 30 »).")?,
                points: parse_points(&points_field)
                    .ok_or("les points doivent être un nombre entier entre -1000 et 1000.")?,
            }
        } else {
            return Err(format!(
                "critère « {} » inconnu : « ancienneté », « situation code », « mesure > seuil » ou « refus ».",
                fields[1]
            ));
        }
    };
    Ok(Criterion { label, rule, group })
}

impl Grid {
    /// Reads a grid written one criterion per line; blank lines and lines starting with `#` are
    /// skipped. Every faulty line is reported with its number.
    pub fn parse(text: &str) -> Result<Grid, Vec<String>> {
        let mut criteria = Vec::new();
        let mut problems = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Ok(c) => criteria.push(c),
                Err(problem) => problems.push(format!("Ligne {} : {problem}", number + 1)),
            }
        }
        if criteria.is_empty() && problems.is_empty() {
            problems.push("La grille doit compter au moins un critère.".into());
        }
        if criteria.len() > MAX_CRITERIA {
            problems.push(format!(
                "La grille compte {} critères ; {MAX_CRITERIA} au plus.",
                criteria.len()
            ));
        }
        if criteria
            .iter()
            .filter(|c| matches!(c.rule, Rule::Seniority { .. }))
            .count()
            > 1
        {
            problems.push("L'ancienneté ne peut figurer qu'une fois dans la grille.".into());
        }
        if problems.is_empty() {
            Ok(Grid { criteria })
        } else {
            Err(problems)
        }
    }

    /// The grid written back in the form `parse` reads.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for c in &self.criteria {
            let mut fields = vec![c.label.clone()];
            match c.rule {
                Rule::When { condition, points } => {
                    fields.push(format!("situation {}", condition.code()));
                    fields.push(points.to_string());
                }
                Rule::Seniority {
                    points_per_month,
                    cap,
                    bonus,
                } => {
                    fields.push("ancienneté".into());
                    fields.push(format!("{points_per_month} par mois"));
                    if let Some(cap) = cap {
                        fields.push(format!("plafond {cap}"));
                    }
                    if let Some((after, extra)) = bonus {
                        fields.push(format!("bonus {extra} après {after} mois"));
                    }
                }
                Rule::Above {
                    measure,
                    threshold,
                    points,
                } => {
                    fields.push(format!("{} > {}", measure.code(), hundredths(threshold)));
                    fields.push(points.to_string());
                }
                Rule::Refusal { points_per_refusal } => {
                    fields.push("refus".into());
                    fields.push(format!("{points_per_refusal} par refus"));
                }
            }
            if let Some(group) = &c.group {
                fields.push(format!("groupe {group}"));
            }
            out.push_str(&fields.join(" ; "));
            out.push('\n');
        }
        out
    }
}

impl Criterion {
    /// The rule in words, for the public page.
    pub fn describe(&self) -> String {
        match self.rule {
            Rule::When { condition, .. } => condition.label().to_string(),
            Rule::Seniority { cap, bonus, .. } => {
                let mut text = "Par mois d'ancienneté de la demande".to_string();
                if let Some(cap) = cap {
                    text.push_str(&format!(", dans la limite de {cap} points"));
                }
                if let Some((after, extra)) = bonus {
                    text.push_str(&format!(
                        " ; {extra} points de plus au-delà de {after} mois"
                    ));
                }
                text
            }
            Rule::Above {
                measure, threshold, ..
            } => format!(
                "{} supérieur à {}",
                capitalise(measure.label()),
                hundredths(threshold)
            ),
            Rule::Refusal { .. } => "Par refus d'un logement adapté à la demande".to_string(),
        }
    }

    /// The points as the public page shows them.
    pub fn points_label(&self) -> String {
        match self.rule {
            Rule::When { points, .. } | Rule::Above { points, .. } => points.to_string(),
            Rule::Seniority {
                points_per_month, ..
            } => format!("{points_per_month} par mois"),
            Rule::Refusal { points_per_refusal } => format!("{points_per_refusal} par refus"),
        }
    }
}

/// A new grid version as typed in the territory admin's form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridInput {
    pub audience: String,
    pub effective_from: String,
    pub criteria: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidGrid {
    pub audience: Audience,
    pub effective_from: Date,
    pub grid: Grid,
}

impl GridInput {
    /// A version takes effect today or later: rankings already made keep the grid they used.
    pub fn validate(&self, today: Date) -> Result<ValidGrid, FieldErrors> {
        let mut errors = FieldErrors::new();
        let audience = Audience::parse(self.audience.trim());
        if audience.is_none() {
            errors.add("audience", "Choisissez les demandes que la grille note.");
        }
        let effective_from = match Date::parse(self.effective_from.trim()) {
            Some(d) if d >= today => Some(d),
            Some(_) => {
                errors.add(
                    "effective_from",
                    format!(
                        "La date d'effet ne peut pas être passée : le {} au plus tôt.",
                        today.french()
                    ),
                );
                None
            }
            None => {
                errors.add("effective_from", "Indiquez une date d'effet (jj/mm/aaaa).");
                None
            }
        };
        let grid = match Grid::parse(&self.criteria) {
            Ok(grid) => Some(grid),
            Err(problems) => {
                for p in problems {
                    errors.add("criteria", p);
                }
                None
            }
        };
        match (audience, effective_from, grid) {
            (Some(audience), Some(effective_from), Some(grid)) if errors.is_empty() => {
                Ok(ValidGrid {
                    audience,
                    effective_from,
                    grid,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::Date;
    use crate::domain::cotation::tests::{LYON, TOULOUSE};

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    #[test]
    fn text_round_trips() {
        for text in [TOULOUSE, LYON] {
            let grid = Grid::parse(text).unwrap();
            assert_eq!(Grid::parse(&grid.to_text()).unwrap(), grid);
        }
        let grid = Grid::parse("Sur-occupation ; personnes_par_piece > 1,5 ; 4 ; groupe logement")
            .unwrap();
        assert_eq!(
            grid.criteria[0].rule,
            Rule::Above {
                measure: Measure::PersonsPerRoom,
                threshold: 150,
                points: 4
            }
        );
        assert_eq!(Grid::parse(&grid.to_text()).unwrap(), grid);
    }

    #[test]
    fn faulty_lines_are_reported_by_number() {
        let problems = Grid::parse(
            "DALO ; situation dalo ; 50\nX ; situation inconnue ; 3\nY ; anciennete ; 5",
        )
        .unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].starts_with("Ligne 2 : situation « inconnue »"));
        assert!(problems[1].starts_with("Ligne 3 : l'ancienneté"));
        assert!(Grid::parse("# rien\n\n").is_err());
        assert!(Grid::parse("A ; situation dalo ; 5000").is_err());
    }

    #[test]
    fn grid_input_refuses_a_past_effective_date() {
        let today = date("2026-11-22");
        let input = GridInput {
            audience: "all".into(),
            effective_from: "2026-11-21".into(),
            criteria: LYON.into(),
        };
        let errors = input.validate(today).unwrap_err();
        assert!(errors.get("effective_from").is_some());
        let ok = GridInput {
            effective_from: "2026-11-22".into(),
            ..input
        }
        .validate(today)
        .unwrap();
        assert_eq!(ok.grid.criteria.len(), 3);
    }
}

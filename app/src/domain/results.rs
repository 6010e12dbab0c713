//! What is published about attributions: an applicant's chances before applying, each offer's
//! result once it ends, a territory's figures. Pure, and the one place where small figures are
//! hidden: no published count of one to four households, no figure drawn from fewer than five.
//! Scores are whole points already (grids give whole points), so a median is one too.

use crate::domain::cotation::{Grid, Rule, Score};
use crate::domain::ranking::SHORTLIST_MIN;
use serde::{Deserialize, Serialize};

/// Below this many households a figure is not published: with a few of them, a neighbour could
/// tell who they are (the usual threshold of statistical confidentiality).
pub const SMALL_FIGURE: i64 = 5;

/// A number of households, or of offers, as it may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Count {
    /// None at all: nobody is revealed by a zero.
    Zero,
    /// One to four: shown as "moins de 5".
    FewerThanFive,
    Exactly(i64),
}

impl Count {
    pub fn of(n: i64) -> Count {
        match n {
            n if n <= 0 => Count::Zero,
            n if n < SMALL_FIGURE => Count::FewerThanFive,
            n => Count::Exactly(n),
        }
    }

    /// In words, for a page: "aucun", "moins de 5", "12".
    pub fn label(self) -> String {
        match self {
            Count::Zero => "aucun".into(),
            Count::FewerThanFive => "moins de 5".into(),
            Count::Exactly(n) => n.to_string(),
        }
    }

    /// For a CSV cell: the number, or the same words as on the page.
    pub fn cell(self) -> String {
        match self {
            Count::Zero => "0".into(),
            other => other.label(),
        }
    }
}

/// A share in percent (rounded), published only when its whole counts five households or more:
/// a share of a small whole tells as much as the count it hides.
pub fn share(part: i64, whole: i64) -> Option<i64> {
    (whole >= SMALL_FIGURE).then(|| (part * 100 + whole / 2) / whole)
}

/// The median (the lower middle of an even count), published only over five values or more.
pub fn median(values: &[i64]) -> Option<i64> {
    if (values.len() as i64) < SMALL_FIGURE {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    Some(sorted[(sorted.len() - 1) / 2])
}

/// How an applicant's provisional rank reads against the commission's usual list of three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outlook {
    /// Among the first three: would be presented to the commission if the offer closed now.
    Good,
    /// Within the first ten: presented if several before refuse or are set aside.
    Fair,
    /// Further down.
    Low,
}

impl Outlook {
    pub fn of(position: i64) -> Outlook {
        match position {
            p if p <= SHORTLIST_MIN as i64 => Outlook::Good,
            p if p <= 10 => Outlook::Fair,
            _ => Outlook::Low,
        }
    }

    /// The gauge's value out of [`Outlook::MAX`], and its words: both say the same, so that the
    /// gauge never relies on its colour or its length alone.
    pub const MAX: u8 = 3;

    pub fn value(self) -> u8 {
        match self {
            Outlook::Good => 3,
            Outlook::Fair => 2,
            Outlook::Low => 1,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outlook::Good => "Chances sérieuses",
            Outlook::Fair => "Chances possibles",
            Outlook::Low => "Chances faibles",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            Outlook::Good => {
                "Si l'offre fermait aujourd'hui, votre dossier serait parmi les trois premiers présentés à la commission d'attribution."
            }
            Outlook::Fair => {
                "Si l'offre fermait aujourd'hui, votre dossier viendrait juste après les trois premiers : il serait présenté si des candidats mieux classés renoncent ou sont écartés."
            }
            Outlook::Low => {
                "Si l'offre fermait aujourd'hui, plus de dix ménages seraient classés avant vous : le logement a peu de chances de vous être proposé."
            }
        }
    }
}

/// What the households housed by comparable offers looked like (same territory, typology and
/// financing, ended in the last twelve months): each figure only over five offers or more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparable {
    /// Comparable offers that ended with a lease.
    pub offers: Count,
    pub median_applications: Option<i64>,
    pub median_score: Option<i64>,
    pub median_seniority_months: Option<i64>,
}

impl Comparable {
    /// From each comparable attribution: applications received, the housed household's score
    /// (`None` when the offer was not ranked by cotation) and the age of its request in months.
    pub fn from_attributions(rows: &[(i64, Option<i64>, Option<i64>)]) -> Comparable {
        let applications: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let scores: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
        let seniority: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
        Comparable {
            offers: Count::of(rows.len() as i64),
            median_applications: median(&applications),
            median_score: median(&scores),
            median_seniority_months: median(&seniority),
        }
    }
}

/// The label of the one line that sums every criterion about a household's situation.
pub const SITUATION_LINES: &str = "Situation du foyer (priorités, logement actuel), sans détail";

/// Where two scores made on the same grid differ, in whole points, as `(label, mine, theirs)`.
/// The age of the request and refusals are compared line by line; every criterion about the
/// household's situation (priorities, violence, handicap, current home) is summed into one line,
/// so that nothing is told of the other household's situations.
pub fn differences(grid: &Grid, mine: &Score, theirs: &Score) -> Vec<(String, i64, i64)> {
    let counted = |score: &Score, i: usize| {
        score
            .lines
            .get(i)
            .filter(|l| l.counted)
            .map_or(0, |l| i64::from(l.points))
    };
    let mut lines = Vec::new();
    let (mut situation_mine, mut situation_theirs) = (0, 0);
    for (i, criterion) in grid.criteria.iter().enumerate() {
        let (a, b) = (counted(mine, i), counted(theirs, i));
        match criterion.rule {
            Rule::Seniority { .. } | Rule::Refusal { .. } => {
                if a != b {
                    lines.push((criterion.label.clone(), a, b));
                }
            }
            Rule::When { .. } | Rule::Above { .. } => {
                situation_mine += a;
                situation_theirs += b;
            }
        }
    }
    if situation_mine != situation_theirs {
        lines.push((
            SITUATION_LINES.to_string(),
            situation_mine,
            situation_theirs,
        ));
    }
    lines
}

/// Checks the postal address where applicants send a recours gracieux: a few lines, as a letter
/// is addressed; the blank lines and spaces typed around them are dropped.
pub fn recourse_address(typed: &str) -> Result<String, String> {
    let lines: Vec<&str> = typed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let address = lines.join("\n");
    let length = address.chars().count();
    if lines.len() < 2 || lines.len() > 6 || !(10..=300).contains(&length) {
        return Err(
            "Indiquez l'adresse postale sur 2 à 6 lignes, comme sur une enveloppe : service, numéro et rue, code postal et commune."
                .into(),
        );
    }
    Ok(address)
}

/// Months as a person says them: "8 mois", "2 ans et 3 mois".
pub fn duration_words(months: i64) -> String {
    let (years, rest) = (months / 12, months % 12);
    let years_words = match years {
        0 => String::new(),
        1 => "1 an".into(),
        n => format!("{n} ans"),
    };
    match (years, rest) {
        (0, m) => format!("{m} mois"),
        (_, 0) => years_words,
        (_, m) => format!("{years_words} et {m} mois"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_one_to_four_households_are_never_published() {
        assert_eq!(Count::of(0).label(), "aucun");
        for n in 1..=4 {
            assert_eq!(Count::of(n).label(), "moins de 5", "{n}");
            assert_eq!(Count::of(n).cell(), "moins de 5", "{n}");
        }
        assert_eq!(Count::of(5).label(), "5");
        assert_eq!(Count::of(230).cell(), "230");
    }

    #[test]
    fn shares_and_medians_need_five_households() {
        assert_eq!(share(1, 4), None);
        assert_eq!(share(1, 5), Some(20));
        assert_eq!(share(2, 3 * 5), Some(13));
        assert_eq!(median(&[3, 1, 2, 5]), None);
        assert_eq!(median(&[9, 1, 5, 3, 7]), Some(5));
        assert_eq!(median(&[6, 1, 5, 3, 7, 2]), Some(3));
    }

    #[test]
    fn the_outlook_follows_the_list_of_three() {
        assert_eq!(Outlook::of(1), Outlook::Good);
        assert_eq!(Outlook::of(3), Outlook::Good);
        assert_eq!(Outlook::of(4), Outlook::Fair);
        assert_eq!(Outlook::of(10), Outlook::Fair);
        assert_eq!(Outlook::of(11), Outlook::Low);
        assert!(Outlook::of(1).value() > Outlook::of(11).value());
    }

    #[test]
    fn comparable_offers_say_nothing_under_five() {
        let four = [(10, Some(40), Some(20)); 4];
        let none = Comparable::from_attributions(&four);
        assert_eq!(none.offers, Count::FewerThanFive);
        assert_eq!(
            (
                none.median_applications,
                none.median_score,
                none.median_seniority_months
            ),
            (None, None, None)
        );
        let rows = [
            (12, Some(40), Some(30)),
            (8, Some(35), Some(14)),
            (30, None, Some(50)),
            (21, Some(60), Some(26)),
            (15, Some(20), Some(8)),
            (9, Some(50), Some(41)),
        ];
        let some = Comparable::from_attributions(&rows);
        assert_eq!(some.offers, Count::Exactly(6));
        assert_eq!(some.median_applications, Some(12));
        // Five scores (one offer ranked by seniority): 20, 35, 40, 50, 60.
        assert_eq!(some.median_score, Some(40));
        assert_eq!(some.median_seniority_months, Some(26));
    }

    #[test]
    fn differences_never_tell_the_other_household_s_situations() {
        use crate::domain::cotation::{Facts, Flag, score};
        let grid = Grid::parse(
            "Ancienneté ; ancienneté ; 1 par mois\n\
             DALO ; situation dalo ; 50\n\
             Handicap ; situation handicap_foyer ; 20\n\
             Refus ; refus ; -10 par refus",
        )
        .unwrap();
        let mine = score(
            &Facts {
                months_waiting: Some(30),
                flags: vec![Flag::HandicapInHousehold],
                refusals: 1,
                ..Facts::default()
            },
            &grid,
        );
        let theirs = score(
            &Facts {
                months_waiting: Some(12),
                flags: vec![Flag::Dalo],
                ..Facts::default()
            },
            &grid,
        );
        let lines = differences(&grid, &mine, &theirs);
        assert_eq!(
            lines,
            vec![
                ("Ancienneté".to_string(), 30, 12),
                ("Refus".to_string(), -10, 0),
                (SITUATION_LINES.to_string(), 20, 50),
            ]
        );
        assert!(
            !lines
                .iter()
                .any(|(label, _, _)| label == "DALO" || label == "Handicap")
        );
        // Equal situations leave no line at all.
        assert!(differences(&grid, &theirs, &theirs).is_empty());
    }

    #[test]
    fn a_recourse_address_is_written_as_on_an_envelope() {
        assert_eq!(
            recourse_address("  Service des attributions \r\n\n 12 rue de Dole\n25000 Besançon  ")
                .unwrap(),
            "Service des attributions\n12 rue de Dole\n25000 Besançon"
        );
        assert!(recourse_address("Besançon").is_err());
        assert!(recourse_address("a\nb").is_err(), "too short");
        assert!(recourse_address(&"ligne\n".repeat(7)).is_err());
        assert!(recourse_address(&format!("{}\n25000 Besançon", "x".repeat(300))).is_err());
    }

    #[test]
    fn durations_read_as_spoken() {
        assert_eq!(duration_words(0), "0 mois");
        assert_eq!(duration_words(8), "8 mois");
        assert_eq!(duration_words(12), "1 an");
        assert_eq!(duration_words(27), "2 ans et 3 mois");
    }
}

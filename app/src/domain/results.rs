//! What is published about attributions: an applicant's chances before applying, each offer's
//! result once it ends, a territory's figures. Pure, and the one place where small figures are
//! hidden: no published count of one to four households, no figure drawn from fewer than five.
//! Scores are whole points already (grids give whole points), so a median is one too.

use crate::domain::calendar::Date;
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
    /// None at all: nobody is revealed by a zero ("0").
    Zero,
    /// One to four: shown as "moins de 5".
    FewerThanFive,
    Exactly(i64),
    /// Withheld although five or more, because with the figures beside it, it would give away a
    /// hidden one (secondary suppression): shown as "non publié".
    Withheld,
}

impl Count {
    pub fn of(n: i64) -> Count {
        match n {
            n if n <= 0 => Count::Zero,
            n if n < SMALL_FIGURE => Count::FewerThanFive,
            n => Count::Exactly(n),
        }
    }

    /// A part of a published whole (eligible households among the applications): withheld too
    /// when the rest of the whole is one to four, which the difference would give away.
    pub fn of_part(part: i64, whole: i64) -> Count {
        match Count::of(part) {
            Count::Exactly(_) if (1..SMALL_FIGURE).contains(&(whole - part)) => Count::Withheld,
            count => count,
        }
    }

    /// As a page shows it: "0", "moins de 5", "12".
    pub fn label(self) -> String {
        match self {
            Count::Zero => "0".into(),
            Count::FewerThanFive => "moins de 5".into(),
            Count::Exactly(n) => n.to_string(),
            Count::Withheld => "non publié".into(),
        }
    }

    /// For a CSV cell: the same as on the page.
    pub fn cell(self) -> String {
        self.label()
    }
}

/// A share in percent (rounded), published only when neither the households it counts nor the
/// others are one to four: with the whole known, 20 % of 5 names one household as surely as a
/// count of 1 would, and 80 % of 5 does the same for the one left out.
pub fn share(part: i64, whole: i64) -> Option<i64> {
    let small = |n: i64| (1..SMALL_FIGURE).contains(&n);
    (whole >= SMALL_FIGURE && !small(part) && !small(whole - part))
        .then(|| (part * 100 + whole / 2) / whole)
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
                "Si l'offre fermait aujourd'hui, votre dossier serait parmi les dix premiers, après les trois que la commission examine d'ordinaire : il serait présenté si des candidats mieux classés renoncent ou sont écartés."
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

/// One offer of a territory as its figures count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferLine {
    pub published_on: Option<Date>,
    /// Applications ranked at its close, once closed.
    pub applications: Option<i64>,
    pub lease: Option<Lease>,
}

/// A unit offered to a household and answered: the day, and whether it was refused (or left
/// unanswered until the delay ran out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub on: Date,
    pub refused: bool,
}

/// The lease that ended an offer, and what the figures count of its tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub signed_on: Date,
    pub in_qpv: bool,
    /// DALO or an L441-1 situation at the close.
    pub priority: bool,
    /// Already a social tenant (a mutation).
    pub mutation: bool,
    /// In the territory's first quartile; `None` without a threshold for the year or resources.
    pub first_quartile: Option<bool>,
}

/// A territory's figures over one month, or over the whole period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// "2026-11", or [`WHOLE_PERIOD`].
    pub period: String,
    /// Offers are not households: their count is published whole.
    pub offers_published: i64,
    pub median_applications: Option<i64>,
    pub attributions: Count,
    /// Shares of attributions, in percent.
    pub priority_share: Option<i64>,
    pub mutation_share: Option<i64>,
    /// Of the attributions outside QPV, those to first-quartile households (objective ≥ 25 %).
    pub first_quartile_outside_qpv: Option<i64>,
    /// Of the units offered and answered in the period, those refused or left unanswered.
    pub refusal_rate: Option<i64>,
    pub median_days_to_let: Option<i64>,
}

/// The label of the whole period's line.
pub const WHOLE_PERIOD: &str = "12 derniers mois";

fn month_key(date: Date) -> (i32, u32) {
    (date.year, date.month)
}

/// "novembre 2026" for "2026-11"; any other period as it is.
pub fn period_words(period: &str) -> String {
    match period.split_once('-') {
        Some((year, month)) => match month.parse::<usize>() {
            Ok(m @ 1..=12) => format!("{} {year}", crate::domain::calendar::MONTHS[m - 1]),
            _ => period.to_string(),
        },
        None => period.to_string(),
    }
}

fn figures(
    period: String,
    published: &[&OfferLine],
    leased: &[&OfferLine],
    answers: &[&Answer],
) -> Figures {
    let applications: Vec<i64> = published.iter().filter_map(|o| o.applications).collect();
    let leases: Vec<(&OfferLine, &Lease)> = leased
        .iter()
        .filter_map(|o| o.lease.as_ref().map(|l| (*o, l)))
        .collect();
    let count =
        |keep: &dyn Fn(&Lease) -> bool| leases.iter().filter(|(_, l)| keep(l)).count() as i64;
    let outside: Vec<bool> = leases
        .iter()
        .filter(|(_, l)| !l.in_qpv)
        .filter_map(|(_, l)| l.first_quartile)
        .collect();
    let days: Vec<i64> = leases
        .iter()
        .filter_map(|(o, l)| {
            o.published_on
                .map(|p| l.signed_on.days_since_epoch() - p.days_since_epoch())
        })
        .collect();
    let refusals = answers.iter().filter(|a| a.refused).count() as i64;
    let total = leases.len() as i64;
    Figures {
        period,
        offers_published: published.len() as i64,
        median_applications: median(&applications),
        attributions: Count::of(total),
        priority_share: share(count(&|l| l.priority), total),
        mutation_share: share(count(&|l| l.mutation), total),
        first_quartile_outside_qpv: share(
            outside.iter().filter(|q| **q).count() as i64,
            outside.len() as i64,
        ),
        // Each answer is a household's: the same rule as any share of households.
        refusal_rate: share(refusals, answers.len() as i64),
        median_days_to_let: median(&days),
    }
}

/// A territory's figures for each of the twelve months up to `today`'s, newest first, then over
/// the twelve months together. An offer counts in the month it was published; an attribution,
/// with its delay, in the month its lease was signed; an answer to a unit offered, in the month
/// it was given (or the delay ran out).
pub fn dashboard(lines: &[OfferLine], answers: &[Answer], today: Date) -> Vec<Figures> {
    let first = today.minus_months(11);
    let first = (first.year, first.month);
    let last = month_key(today);
    let within = |d: Option<Date>| d.map(month_key).filter(|m| *m >= first && *m <= last);
    let mut months: Vec<(i32, u32)> = Vec::with_capacity(12);
    let (mut year, mut month) = last;
    for _ in 0..12 {
        months.push((year, month));
        (year, month) = if month == 1 {
            (year - 1, 12)
        } else {
            (year, month - 1)
        };
    }
    let mut out: Vec<Figures> = months
        .iter()
        .map(|m| {
            let published: Vec<&OfferLine> = lines
                .iter()
                .filter(|o| within(o.published_on) == Some(*m))
                .collect();
            let leased: Vec<&OfferLine> = lines
                .iter()
                .filter(|o| within(o.lease.as_ref().map(|l| l.signed_on)) == Some(*m))
                .collect();
            let answered: Vec<&Answer> = answers
                .iter()
                .filter(|a| within(Some(a.on)) == Some(*m))
                .collect();
            figures(
                format!("{}-{:02}", m.0, m.1),
                &published,
                &leased,
                &answered,
            )
        })
        .collect();
    let published: Vec<&OfferLine> = lines
        .iter()
        .filter(|o| within(o.published_on).is_some())
        .collect();
    let leased: Vec<&OfferLine> = lines
        .iter()
        .filter(|o| within(o.lease.as_ref().map(|l| l.signed_on)).is_some())
        .collect();
    let answered: Vec<&Answer> = answers
        .iter()
        .filter(|a| within(Some(a.on)).is_some())
        .collect();
    // The whole period's count is published: with a single month hidden, it would be the total
    // less the others. A second month, the smallest published, is then withheld too.
    let hidden = out
        .iter()
        .filter(|f| f.attributions == Count::FewerThanFive)
        .count();
    if hidden == 1 {
        let smallest = out
            .iter_mut()
            .filter(|f| matches!(f.attributions, Count::Exactly(_)))
            .min_by_key(|f| match f.attributions {
                Count::Exactly(n) => n,
                _ => i64::MAX,
            });
        if let Some(month) = smallest {
            month.attributions = Count::Withheld;
        }
    }
    out.push(figures(
        WHOLE_PERIOD.to_string(),
        &published,
        &leased,
        &answered,
    ));
    out
}

/// The figures as CSV (semicolon-separated, as French spreadsheets expect), small figures
/// written as on the page.
pub fn dashboard_csv(figures: &[Figures]) -> String {
    let optional = |v: Option<i64>| v.map_or_else(|| "non publié".to_string(), |v| v.to_string());
    let mut out = String::from(
        "periode;offres_publiees;candidatures_par_offre_mediane;attributions;part_publics_prioritaires_pct;part_mutations_pct;part_premier_quartile_hors_qpv_pct;taux_de_refus_pct;delai_median_jours\n",
    );
    for f in figures {
        out.push_str(&format!(
            "{};{};{};{};{};{};{};{};{}\n",
            f.period,
            f.offers_published,
            optional(f.median_applications),
            f.attributions.cell(),
            optional(f.priority_share),
            optional(f.mutation_share),
            optional(f.first_quartile_outside_qpv),
            optional(f.refusal_rate),
            optional(f.median_days_to_let),
        ));
    }
    out
}

/// The label of the one line that sums every criterion about a household's situation.
pub const SITUATION_LINES: &str = "Situation du foyer (priorités, logement actuel)";

/// Another household's score as it may be told: the ten points it falls in ("entre 40 et 49
/// points"), never the exact figure, which the public grid could take apart into situations.
pub fn score_band(points: i64) -> i64 {
    points.div_euclid(10) * 10
}

pub fn band_words(from: i64) -> String {
    format!("entre {from} et {} points", from + 9)
}

/// The age of another household's request as it may be told: whole years.
pub fn years_words(months: i64) -> String {
    match months.div_euclid(12) {
        0 => "moins d'un an".to_string(),
        1 => "entre 1 et 2 ans".to_string(),
        y => format!("entre {y} et {} ans", y + 1),
    }
}

/// Where two scores made on the same grid differ, as `(label, mine, theirs in words)`. The age of
/// the request is compared line by line; every criterion about the household's situation
/// (priorities, violence, handicap, current home, refusals) is summed into one line. Of the
/// other household only the direction is told ("davantage", "moins"): its exact points would
/// give its exact wait, or, with the band of its total, its situations.
pub fn differences(grid: &Grid, mine: &Score, theirs: &Score) -> Vec<(String, i64, String)> {
    let counted = |score: &Score, i: usize| {
        score
            .lines
            .get(i)
            .filter(|l| l.counted)
            .map_or(0, |l| i64::from(l.points))
    };
    let direction =
        |mine: i64, theirs: i64| (if theirs > mine { "davantage" } else { "moins" }).to_string();
    let mut lines = Vec::new();
    let (mut situation_mine, mut situation_theirs) = (0, 0);
    for (i, criterion) in grid.criteria.iter().enumerate() {
        let (a, b) = (counted(mine, i), counted(theirs, i));
        match criterion.rule {
            Rule::Seniority { .. } => {
                if a != b {
                    lines.push((criterion.label.clone(), a, direction(a, b)));
                }
            }
            Rule::When { .. } | Rule::Above { .. } | Rule::Refusal { .. } => {
                situation_mine += a;
                situation_theirs += b;
            }
        }
    }
    if situation_mine != situation_theirs {
        lines.push((
            SITUATION_LINES.to_string(),
            situation_mine,
            direction(situation_mine, situation_theirs),
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
        assert_eq!(Count::of(0).label(), "0");
        for n in 1..=4 {
            assert_eq!(Count::of(n).label(), "moins de 5", "{n}");
            assert_eq!(Count::of(n).cell(), "moins de 5", "{n}");
        }
        assert_eq!(Count::of(5).label(), "5");
        assert_eq!(Count::of(230).cell(), "230");
        // 6 applications of which 5 eligible would say that one was not.
        assert_eq!(Count::of_part(5, 6), Count::Withheld);
        assert_eq!(Count::of_part(5, 5), Count::Exactly(5));
        assert_eq!(Count::of_part(5, 10), Count::Exactly(5));
        assert_eq!(Count::of_part(3, 10), Count::FewerThanFive);
        assert_eq!(Count::Withheld.label(), "non publié");
    }

    #[test]
    fn shares_and_medians_need_five_households() {
        assert_eq!(share(1, 4), None);
        assert_eq!(share(0, 4), None);
        // One household of five, or all but one: as telling as a count of 1.
        assert_eq!(share(1, 5), None);
        assert_eq!(share(4, 5), None);
        assert_eq!(share(2, 15), None);
        assert_eq!(share(12, 14), None);
        assert_eq!(share(0, 6), Some(0));
        assert_eq!(share(6, 6), Some(100));
        assert_eq!(share(5, 10), Some(50));
        assert_eq!(share(5, 15), Some(33));
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
        // The handicap line and the refusal of mine, the DALO line of theirs: one line, and
        // only its direction for the other household.
        assert_eq!(
            lines,
            vec![
                ("Ancienneté".to_string(), 30, "moins".to_string()),
                (SITUATION_LINES.to_string(), 10, "davantage".to_string()),
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

    fn lease(on: &str, in_qpv: bool, priority: bool, first_quartile: Option<bool>) -> Lease {
        Lease {
            signed_on: Date::parse(on).unwrap(),
            in_qpv,
            priority,
            mutation: false,
            first_quartile,
        }
    }

    #[test]
    fn the_dashboard_counts_by_month_and_hides_small_figures() {
        let today = Date::parse("2026-12-04").unwrap();
        let offer = |published: &str, applications: i64, lease: Option<Lease>| OfferLine {
            published_on: Date::parse(published),
            applications: Some(applications),
            lease,
        };
        let mut lines = vec![
            // Published and let in November: 30 days each.
            offer(
                "2026-10-15",
                10,
                Some(lease("2026-11-14", false, true, Some(true))),
            ),
            offer(
                "2026-10-20",
                20,
                Some(lease("2026-11-19", false, false, Some(false))),
            ),
            offer(
                "2026-10-25",
                30,
                Some(lease("2026-11-24", true, true, Some(true))),
            ),
            offer(
                "2026-11-01",
                40,
                Some(lease("2026-12-01", false, false, Some(true))),
            ),
            offer(
                "2026-11-02",
                50,
                Some(lease("2026-12-02", false, true, None)),
            ),
            // Published a year and a half ago: outside the period, its lease inside it.
            offer(
                "2025-06-01",
                60,
                Some(lease("2026-01-10", false, false, Some(false))),
            ),
            offer("2026-12-01", 0, None),
        ];
        lines[6].applications = None;
        // Twelve answers in the period, six of them refusals; one from before the period.
        let answer = |on: &str, refused: bool| Answer {
            on: Date::parse(on).unwrap(),
            refused,
        };
        let mut answers: Vec<Answer> = (1..=6)
            .flat_map(|m| {
                let on = format!("2026-{m:02}-10");
                [answer(&on, true), answer(&on, false)]
            })
            .collect();
        answers.push(answer("2025-11-30", true));
        let figures = dashboard(&lines, &answers, today);
        assert_eq!(figures.len(), 13);
        assert_eq!(figures[0].period, "2026-12");
        assert_eq!(figures[11].period, "2026-01");
        let december = &figures[0];
        assert_eq!(december.offers_published, 1);
        assert_eq!(december.attributions, Count::FewerThanFive);
        assert_eq!(december.priority_share, None);
        assert_eq!(december.median_days_to_let, None);
        let november = &figures[1];
        assert_eq!(november.offers_published, 2);
        assert_eq!(november.attributions, Count::FewerThanFive);
        let whole = &figures[12];
        assert_eq!(whole.period, WHOLE_PERIOD);
        // Six published in the period (the 2025 one is not), five of them ranked.
        assert_eq!(whole.offers_published, 6);
        assert_eq!(whole.median_applications, Some(30));
        // Six leases in the period, three to priority households: a share of 3 is not published.
        assert_eq!(whole.attributions, Count::Exactly(6));
        assert_eq!(whole.priority_share, None);
        assert_eq!(whole.mutation_share, Some(0));
        // Outside QPV with a known quartile: Oct-15 yes, Oct-20 no, Nov-01 yes, 2025 no → 4 < 5.
        assert_eq!(whole.first_quartile_outside_qpv, None);
        // 6 refusals out of 12 answers in the period (the one of 2025 is outside it).
        assert_eq!(whole.refusal_rate, Some(50));
        assert_eq!(figures[11].refusal_rate, None, "two answers in January");
        // 30, 30, 30, 30, 30 and 223 days: the median is 30.
        assert_eq!(whole.median_days_to_let, Some(30));
        let csv = dashboard_csv(&figures);
        assert!(csv.starts_with("periode;offres_publiees;"));
        assert!(csv.contains("\n2026-12;1;non publié;moins de 5;"));
        assert!(
            csv.contains("\n12 derniers mois;6;30;6;non publié;0;non publié;50;30\n"),
            "{csv}"
        );
        assert_eq!(period_words("2026-11"), "novembre 2026");
        assert_eq!(period_words(WHOLE_PERIOD), WHOLE_PERIOD);
    }

    #[test]
    fn a_single_hidden_month_hides_a_second_one() {
        let today = Date::parse("2026-12-04").unwrap();
        let let_on = |on: &str| OfferLine {
            published_on: Date::parse("2026-02-01"),
            applications: Some(10),
            lease: Some(lease(on, false, false, None)),
        };
        let mut lines: Vec<OfferLine> = (0..6).map(|_| let_on("2026-03-10")).collect();
        lines.extend((0..7).map(|_| let_on("2026-07-10")));
        lines.extend((0..2).map(|_| let_on("2026-05-10")));
        let figures = dashboard(&lines, &[], today);
        let month = |period: &str| {
            figures
                .iter()
                .find(|f| f.period == period)
                .unwrap()
                .attributions
        };
        assert_eq!(month("2026-05"), Count::FewerThanFive);
        // Without it, 15 less 6 and 7 would give May's 2.
        assert_eq!(month("2026-03"), Count::Withheld);
        assert_eq!(month("2026-07"), Count::Exactly(7));
        assert_eq!(figures[12].attributions, Count::Exactly(15));
    }

    #[test]
    fn another_household_s_score_and_wait_are_told_in_bands() {
        assert_eq!(band_words(score_band(47)), "entre 40 et 49 points");
        assert_eq!(band_words(score_band(40)), "entre 40 et 49 points");
        assert_eq!(band_words(score_band(-3)), "entre -10 et -1 points");
        assert_eq!(years_words(11), "moins d'un an");
        assert_eq!(years_words(23), "entre 1 et 2 ans");
        assert_eq!(years_words(50), "entre 4 et 5 ans");
    }

    #[test]
    fn durations_read_as_spoken() {
        assert_eq!(duration_words(0), "0 mois");
        assert_eq!(duration_words(8), "8 mois");
        assert_eq!(duration_words(12), "1 an");
        assert_eq!(duration_words(27), "2 ans et 3 mois");
    }
}

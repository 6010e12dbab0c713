//! Cotation grids and scores (domain.md §1). A grid is a list of criteria set by the territory
//! (EPCI); the score of a request is the sum of the points of the criteria it meets, with a line
//! per criterion so that the applicant, staff and the commission read the same explanation.
//!
//! Grids are written as text, one criterion per line, so that a territory admin can paste the
//! table of their PPGD deliberation and read it back as it will be published:
//!
//! ```text
//! Ancienneté de la demande ; ancienneté ; 1 par mois ; bonus 20 après 36 mois
//! Reconnu prioritaire DALO ; situation dalo ; 50
//! Taux d'effort trop élevé ; taux_effort > 30 ; 10 ; groupe logement
//! Refus d'un logement adapté ; refus ; -10 par refus
//! ```
//!
//! Pure: the server ranks with it and the browser explains with the same code. The grid as text
//! and the publication form are in `text`.

use crate::domain::calendar::Date;
use crate::domain::offer::{Typology, vocabulary};
use crate::domain::profile::{HousingStatus, Profile, Relationship, Situation, age_on};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Which requests a grid scores. A territory may score mutation requests (tenants already in
    /// social housing) on a grid of their own (domain.md §1.1).
    Audience {
        All = "all" => "Toutes les demandes",
        FirstRequest = "first" => "Premières demandes (hors mutation)",
        Mutation = "mutation" => "Demandes de mutation",
    }
);

impl Audience {
    /// Which audience a request belongs to, beside `All`.
    pub fn of(profile: &Profile) -> Audience {
        if profile.housing_status == Some(HousingStatus::SocialTenant) {
            Audience::Mutation
        } else {
            Audience::FirstRequest
        }
    }
}

vocabulary!(
    /// Facts read from the profile that are not one of the L441-1 situations.
    Flag {
        Dalo = "dalo" => "Reconnu prioritaire et urgent au titre du DALO",
        SingleParent = "parent_isole" => "Parent isolé avec enfant à charge",
        HandicapInHousehold = "handicap_foyer" => "Une personne du foyer est en situation de handicap",
        Hosted = "heberge" => "Hébergé·e chez un tiers",
        Homeless = "sans_abri" => "Sans logement",
        Shelter = "structure" => "En structure d'hébergement ou logement temporaire",
        SocialTenant = "mutation" => "Déjà locataire du parc social",
    }
);

vocabulary!(
    /// Values computed from the profile that a criterion can compare with a threshold.
    Measure {
        EffortRate = "taux_effort" => "taux d'effort actuel (loyer ÷ ressources mensuelles, en %)",
        PersonsPerRoom = "personnes_par_piece" => "personnes par pièce du logement actuel",
        SpareRooms = "pieces_en_trop" => "pièces du logement actuel au-delà du nombre d'occupants",
    }
);

/// A fact a criterion may require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    Situation(Situation),
    Flag(Flag),
}

impl Condition {
    pub fn code(self) -> &'static str {
        match self {
            Condition::Situation(s) => s.code(),
            Condition::Flag(f) => f.code(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Condition::Situation(s) => s.label(),
            Condition::Flag(f) => f.label(),
        }
    }

    pub fn parse(code: &str) -> Option<Condition> {
        Flag::parse(code)
            .map(Condition::Flag)
            .or_else(|| Situation::parse(code).map(Condition::Situation))
    }

    /// Every condition a grid may name, for the help of the editor.
    pub fn all() -> Vec<Condition> {
        Flag::ALL
            .iter()
            .map(|f| Condition::Flag(*f))
            .chain(Situation::ALL.iter().map(|s| Condition::Situation(*s)))
            .collect()
    }
}

/// How a criterion earns its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// Points when the request shows the condition.
    When { condition: Condition, points: i32 },
    /// Points per full month since the first filing, up to `cap`, plus `bonus.1` once the wait
    /// exceeds `bonus.0` months (the "délai anormalement long").
    Seniority {
        points_per_month: i32,
        cap: Option<i32>,
        bonus: Option<(u32, i32)>,
    },
    /// Points when the measure is strictly above the threshold (in hundredths: 30 % is 3000,
    /// 1.5 persons per room is 150).
    Above {
        measure: Measure,
        threshold: u32,
        points: i32,
    },
    /// Points (usually negative) per suitable unit refused (R441-2-17: the applicant is told).
    Refusal { points_per_refusal: i32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub label: String,
    pub rule: Rule,
    /// Criteria of one group do not add up: only the highest one met counts (domain.md §1.5,
    /// Paris: "only the highest counts").
    pub group: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    pub criteria: Vec<Criterion>,
}

/// What scoring reads from a request, on a given date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub months_waiting: Option<u32>,
    pub situations: Vec<Situation>,
    pub flags: Vec<Flag>,
    /// In hundredths of a percent.
    pub effort_rate: Option<u32>,
    /// In hundredths.
    pub persons_per_room: Option<u32>,
    pub spare_rooms: Option<u32>,
    pub refusals: u32,
}

/// Full months from `from` to `to` (0 when `to` is earlier).
pub fn months_between(from: Date, to: Date) -> u32 {
    let mut months = (to.year - from.year) * 12 + to.month as i32 - from.month as i32;
    if to.day < from.day {
        months -= 1;
    }
    months.max(0) as u32
}

pub fn rooms(typology: Typology) -> u32 {
    match typology {
        Typology::T1 => 1,
        Typology::T2 => 2,
        Typology::T3 => 3,
        Typology::T4 => 4,
        Typology::T5 => 5,
        Typology::T6Plus => 6,
    }
}

impl Facts {
    pub fn of(profile: &Profile, on: Date) -> Facts {
        let mut flags = Vec::new();
        if profile.dalo {
            flags.push(Flag::Dalo);
        }
        let has_partner = profile
            .members
            .iter()
            .any(|m| m.relationship == Relationship::Spouse);
        let has_child = profile.members.iter().any(|m| {
            m.relationship == Relationship::Child && (m.dependant || age_on(m.birth_date, on) < 18)
        });
        if has_child && !has_partner {
            flags.push(Flag::SingleParent);
        }
        if profile.members.iter().any(|m| m.handicap) {
            flags.push(Flag::HandicapInHousehold);
        }
        match profile.housing_status {
            Some(HousingStatus::Hosted) => flags.push(Flag::Hosted),
            Some(HousingStatus::Homeless) => flags.push(Flag::Homeless),
            Some(HousingStatus::Shelter) => flags.push(Flag::Shelter),
            Some(HousingStatus::SocialTenant) => flags.push(Flag::SocialTenant),
            _ => {}
        }
        let effort_rate = match (profile.current_rent_cents, profile.monthly_resources_cents) {
            (Some(rent), Some(resources)) if resources > 0 && rent >= 0 => {
                u32::try_from(rent.saturating_mul(10_000) / resources).ok()
            }
            _ => None,
        };
        let persons = profile.members.len() as u32;
        let current_rooms = match profile.housing_status {
            Some(HousingStatus::SocialTenant | HousingStatus::PrivateTenant) => {
                profile.current_typology.map(rooms)
            }
            _ => None,
        };
        Facts {
            months_waiting: profile.first_filing_date.map(|d| months_between(d, on)),
            situations: profile.situations.clone(),
            flags,
            effort_rate,
            persons_per_room: current_rooms
                .filter(|_| persons > 0)
                .map(|r| persons * 100 / r),
            spare_rooms: current_rooms
                .filter(|_| persons > 0)
                .map(|r| r.saturating_sub(persons)),
            refusals: profile.refusals,
        }
    }

    fn meets(&self, condition: Condition) -> bool {
        match condition {
            Condition::Situation(s) => self.situations.contains(&s),
            Condition::Flag(f) => self.flags.contains(&f),
        }
    }

    fn measure(&self, measure: Measure) -> Option<u32> {
        match measure {
            Measure::EffortRate => self.effort_rate,
            Measure::PersonsPerRoom => self.persons_per_room,
            Measure::SpareRooms => self.spare_rooms.map(|r| r * 100),
        }
    }
}

/// One criterion as applied to one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub label: String,
    /// Points this criterion gives before groups are applied (0 when not met).
    pub points: i32,
    /// Whether the points count in the total (false when a higher criterion of its group won).
    pub counted: bool,
    /// How the points were reached, or why none were.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub total: i32,
    pub lines: Vec<Line>,
}

impl Score {
    /// The lines that earned (or cost) points.
    pub fn met(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| l.points != 0)
    }
}

/// Hundredths as French decimal text: 3000 → "30", 150 → "1,5".
pub fn hundredths(value: u32) -> String {
    let (whole, part) = (value / 100, value % 100);
    match part {
        0 => whole.to_string(),
        p if p % 10 == 0 => format!("{whole},{}", p / 10),
        p => format!("{whole},{p:02}"),
    }
}

fn points_text(points: i32) -> String {
    match points.abs() {
        1 => format!("{points} point"),
        _ => format!("{points} points"),
    }
}

fn apply(rule: &Rule, facts: &Facts) -> (i32, String) {
    match *rule {
        Rule::When { condition, points } => {
            if facts.meets(condition) {
                (points, "Situation déclarée".into())
            } else {
                (0, "Non concerné".into())
            }
        }
        Rule::Seniority {
            points_per_month,
            cap,
            bonus,
        } => {
            let Some(months) = facts.months_waiting else {
                return (0, "Date de première demande non renseignée".into());
            };
            let raw = i32::try_from(months)
                .unwrap_or(i32::MAX)
                .saturating_mul(points_per_month);
            let mut detail = format!("{months} mois × {}", points_text(points_per_month));
            let mut points = raw;
            if let Some(cap) = cap.filter(|c| raw > *c) {
                points = cap;
                detail.push_str(&format!(", plafonné à {cap}"));
            }
            if let Some((after, extra)) = bonus {
                if months > after {
                    points = points.saturating_add(extra);
                    detail.push_str(&format!(", + {extra} au-delà de {after} mois"));
                }
            }
            (points, detail)
        }
        Rule::Above {
            measure,
            threshold,
            points,
        } => match facts.measure(measure) {
            Some(value) if value > threshold => (
                points,
                format!(
                    "{} : {} (seuil {})",
                    capitalise(measure.label()),
                    hundredths(value),
                    hundredths(threshold)
                ),
            ),
            Some(value) => (
                0,
                format!(
                    "{} : {} (seuil {} non dépassé)",
                    capitalise(measure.label()),
                    hundredths(value),
                    hundredths(threshold)
                ),
            ),
            None => (0, "Non calculable avec le profil actuel".into()),
        },
        Rule::Refusal { points_per_refusal } => {
            let refusals = i32::try_from(facts.refusals).unwrap_or(i32::MAX);
            match refusals {
                0 => (0, "Aucun refus enregistré".into()),
                n => (
                    n.saturating_mul(points_per_refusal),
                    format!("{n} refus × {}", points_text(points_per_refusal)),
                ),
            }
        }
    }
}

pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The score of a request on a grid, with a line per criterion.
pub fn score(facts: &Facts, grid: &Grid) -> Score {
    let mut lines: Vec<Line> = grid
        .criteria
        .iter()
        .map(|c| {
            let (points, detail) = apply(&c.rule, facts);
            Line {
                label: c.label.clone(),
                points,
                counted: true,
                detail,
            }
        })
        .collect();
    // Within a group only the best criterion met counts; the first one wins a tie, so the
    // outcome does not depend on anything but the grid's order.
    for (i, criterion) in grid.criteria.iter().enumerate() {
        let Some(group) = &criterion.group else {
            continue;
        };
        if lines[i].points <= 0 {
            continue;
        }
        let best = grid
            .criteria
            .iter()
            .enumerate()
            .filter(|(_, c)| c.group.as_ref() == Some(group))
            .map(|(j, _)| j)
            .fold(i, |best, j| {
                if lines[j].points > lines[best].points {
                    j
                } else {
                    best
                }
            });
        if best != i {
            let winner = lines[best].label.clone();
            lines[i].counted = false;
            lines[i].detail = format!("Non cumulable : « {winner} » compte davantage");
        }
    }
    let total = lines
        .iter()
        .filter(|l| l.counted)
        .fold(0i32, |sum, l| sum.saturating_add(l.points));
    Score { total, lines }
}

/// How one more refusal of a suitable unit would change the score (None when the grid says
/// nothing of refusals).
pub fn refusal_effect(facts: &Facts, grid: &Grid) -> Option<i32> {
    grid.criteria
        .iter()
        .any(|c| matches!(c.rule, Rule::Refusal { .. }))
        .then(|| {
            let after = Facts {
                refusals: facts.refusals + 1,
                ..facts.clone()
            };
            score(&after, grid).total - score(facts, grid).total
        })
}

/// One stored version of a grid.
#[derive(Debug, Clone)]
pub struct GridVersion {
    pub id: i64,
    pub epci_siren: String,
    pub audience: Audience,
    pub version: i64,
    pub effective_from: Date,
    pub grid: Grid,
    pub created_at: i64,
}

/// The versions in force on `on`: for each EPCI and audience, the latest that took effect.
pub fn in_force(all: &[GridVersion], on: Date) -> Vec<GridVersion> {
    let mut current: Vec<GridVersion> = Vec::new();
    for v in all.iter().filter(|v| v.effective_from <= on) {
        match current
            .iter_mut()
            .find(|c| c.epci_siren == v.epci_siren && c.audience == v.audience)
        {
            Some(c) if (v.effective_from, v.version) > (c.effective_from, c.version) => {
                *c = v.clone()
            }
            Some(_) => {}
            None => current.push(v.clone()),
        }
    }
    current
}

/// The grid that scores a request of `audience` in `epci`: the one for its audience if the
/// territory has one, otherwise the one for every request.
pub fn grid_for<'a>(
    current: &'a [GridVersion],
    epci_siren: &str,
    audience: Audience,
) -> Option<&'a GridVersion> {
    let of = |a: Audience| {
        current
            .iter()
            .find(|g| g.epci_siren == epci_siren && g.audience == a)
    };
    of(audience).or_else(|| of(Audience::All))
}

mod text;
pub use text::*;

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::profile::Member;

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    fn member(relationship: Relationship, birth: &str) -> Member {
        Member {
            id: 0,
            relationship,
            first_name: "X".into(),
            birth_date: date(birth),
            handicap: false,
            dependant: relationship == Relationship::Child,
            rfr_n2_eur: None,
        }
    }

    /// Toulouse Métropole, families 1 and 2 (domain.md §1.5, grid A).
    pub(super) const TOULOUSE: &str = "\
# Toulouse Métropole, familles 1 et 2
Ancienneté de la demande ; ancienneté ; 1 par mois ; bonus 20 après 36 mois
Prioritaire DALO ; situation dalo ; 50
Public prioritaire du PDALHPD ; situation pdalhpd ; 40
";

    /// Rhône / Métropole de Lyon, primo-demandeurs (domain.md §1.5, grid B).
    pub(super) const LYON: &str = "\
Menacé d'expulsion ; situation menace_expulsion ; 20
Parent isolé ; situation parent_isole ; 5
Taux d'effort trop élevé ; taux_effort > 30 ; 10
";

    #[test]
    fn lyon_worked_example_scores_35() {
        let grid = Grid::parse(LYON).unwrap();
        let profile = Profile {
            members: vec![
                member(Relationship::Applicant, "1985-03-01"),
                member(Relationship::Child, "2015-05-01"),
                member(Relationship::Child, "2018-09-01"),
            ],
            situations: vec![Situation::MenaceExpulsion],
            housing_status: Some(HousingStatus::PrivateTenant),
            current_typology: Some(Typology::T3),
            current_rent_cents: Some(720_00),
            monthly_resources_cents: Some(1_600_00),
            ..Profile::default()
        };
        let score = score(&Facts::of(&profile, date("2026-11-22")), &grid);
        assert_eq!(score.total, 35);
        assert_eq!(score.met().count(), 3);
        assert!(score.lines[2].detail.contains("45"), "{:?}", score.lines[2]);
    }

    #[test]
    fn toulouse_seniority_bonus_starts_past_36_months() {
        let grid = Grid::parse(TOULOUSE).unwrap();
        let mut profile = Profile {
            first_filing_date: Some(date("2023-11-22")),
            dalo: true,
            ..Profile::default()
        };
        let on = date("2026-11-22");
        // Exactly 36 months: not yet "more than 36".
        assert_eq!(score(&Facts::of(&profile, on), &grid).total, 36 + 50);
        profile.first_filing_date = Some(date("2023-10-21"));
        assert_eq!(score(&Facts::of(&profile, on), &grid).total, 37 + 20 + 50);
        profile.situations = vec![Situation::Pdalhpd];
        assert_eq!(
            score(&Facts::of(&profile, on), &grid).total,
            37 + 20 + 50 + 40
        );
    }

    #[test]
    fn only_the_highest_criterion_of_a_group_counts() {
        // Paris 2014 (historical, grid C): décohabitation +2 and living with one's parents +1
        // overlap; only the highest counts.
        let grid = Grid::parse(
            "Décohabitation ; situation heberge ; 2 ; groupe hébergement\n\
             Vit chez ses parents ; situation sans_logement ; 1 ; groupe hébergement\n\
             Handicap ; situation handicap_foyer ; 4",
        )
        .unwrap();
        let mut profile = Profile {
            housing_status: Some(HousingStatus::Hosted),
            situations: vec![Situation::SansLogement],
            ..Profile::default()
        };
        let s = score(&Facts::of(&profile, date("2026-01-01")), &grid);
        assert_eq!(s.total, 2);
        assert!(!s.lines[1].counted);
        profile.members = vec![Member {
            handicap: true,
            ..member(Relationship::Applicant, "1970-01-01")
        }];
        assert_eq!(
            score(&Facts::of(&profile, date("2026-01-01")), &grid).total,
            6
        );
    }

    #[test]
    fn seniority_cap_and_refusals() {
        let grid = Grid::parse(
            "Ancienneté ; ancienneté ; 2 par mois ; plafond 24\nRefus ; refus ; -10 par refus",
        )
        .unwrap();
        let profile = Profile {
            first_filing_date: Some(date("2020-01-01")),
            refusals: 1,
            ..Profile::default()
        };
        let facts = Facts::of(&profile, date("2026-01-01"));
        assert_eq!(score(&facts, &grid).total, 24 - 10);
        assert_eq!(refusal_effect(&facts, &grid), Some(-10));
        assert_eq!(refusal_effect(&facts, &Grid::parse(LYON).unwrap()), None);
    }
}

//! The allocation committee (CALEOL, domain.md §4): who sits and who votes, the closed list of
//! decisions and what each needs, how votes give an outcome (the mayor's casting vote on a tie),
//! the quorum, the order in which the unit is offered, the 10-day reply delay, and the triennial
//! occupation review. Pure.

use crate::domain::calendar::Date;
use crate::domain::documents::DocumentKind;
use crate::domain::offer::{Typology, vocabulary};
use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

mod close;
mod forms;
mod refusal;
pub use close::*;
pub use forms::*;
pub use refusal::*;

vocabulary!(
    /// The quality a member sits in (R441-9 CCH).
    MemberQuality {
        Designated = "administrateur" => "Membre désigné par le conseil d'administration",
        Mayor = "maire" => "Maire de la commune ou son représentant",
        Prefet = "prefet" => "Préfet ou son représentant",
        EpciPresident = "president_epci" => "Président de l'EPCI ou son représentant",
        Association = "association" => "Représentant d'une association d'insertion ou de logement",
        Reservataire = "reservataire" => "Réservataire non membre",
    }
);

impl MemberQuality {
    /// Associations and non-member réservataires sit with a consultative voice only.
    pub fn votes(self) -> bool {
        !matches!(
            self,
            MemberQuality::Association | MemberQuality::Reservataire
        )
    }

    pub fn voice(self) -> &'static str {
        if self.votes() {
            "voix délibérative"
        } else {
            "voix consultative"
        }
    }
}

vocabulary!(
    SessionMode {
        InPerson = "presentielle" => "En présentiel",
        Remote = "dematerialisee" => "Dématérialisée (vote en ligne)",
    }
);

vocabulary!(
    SessionStatus {
        Planned = "prevue" => "Prévue (ordre du jour ouvert)",
        Open = "ouverte" => "Ouverte (examen et votes en cours)",
        Closed = "close" => "Close (procès-verbal à signer)",
        Signed = "signee" => "Procès-verbal signé",
    }
);

vocabulary!(
    /// The decisions the commission may take for each candidate (R441-3 CCH).
    DecisionKind {
        Attribution = "attribution" => "Attribution",
        Ranked = "attribution_rang" => "Attribution avec rang",
        Conditional = "sous_condition" => "Attribution sous condition suspensive",
        NonAttribution = "non_attribution" => "Non-attribution",
        Irrecevable = "irrecevabilite" => "Rejet pour irrecevabilité",
    }
);

impl DecisionKind {
    /// Whether the candidate may be offered the unit.
    pub fn attributes(self) -> bool {
        matches!(
            self,
            DecisionKind::Attribution | DecisionKind::Ranked | DecisionKind::Conditional
        )
    }
}

/// Reply delay to an offer of a unit (R441-10: ten days).
pub const REPLY_DAYS: i64 = 10;
/// Longest deadline for a missing document in a conditional attribution.
pub const CONDITION_MAX_DAYS: i64 = 90;
pub const MOTIVE_MIN_CHARS: usize = 5;
pub const MOTIVE_MAX_CHARS: usize = 500;
/// The most candidates a shortlist holds, hence the largest rank.
pub const MAX_RANK: u32 = 10;

/// What a vote or a decision chooses; two votes agree when their choices are equal (the motive
/// and details are the voter's own words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Choice {
    pub kind: DecisionKind,
    /// Position in the order of offers, for the decisions that attribute.
    pub rank: Option<u32>,
}

impl Choice {
    pub fn label(&self) -> String {
        match (self.kind, self.rank) {
            (DecisionKind::Ranked, Some(rank)) => format!("Attribution en rang {rank}"),
            (DecisionKind::Conditional, Some(rank)) => {
                format!("Attribution sous condition suspensive, rang {rank}")
            }
            (kind, _) => kind.label().to_string(),
        }
    }

    /// Order among the candidates the unit is attributed to; `None` when it is not.
    pub fn offer_rank(&self) -> Option<u32> {
        match self.kind {
            DecisionKind::Attribution => Some(1),
            DecisionKind::Ranked | DecisionKind::Conditional => Some(self.rank.unwrap_or(1)),
            DecisionKind::NonAttribution | DecisionKind::Irrecevable => None,
        }
    }
}

/// A choice with what it needs: the motive of a refusal, the missing document and its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ruling {
    pub choice: Choice,
    pub motive: String,
    pub document: Option<DocumentKind>,
    pub deadline: Option<Date>,
}

/// A decision or a vote as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulingInput {
    pub kind: String,
    pub rank: String,
    pub motive: String,
    pub document: String,
    pub deadline: String,
}

impl RulingInput {
    /// Checks the input against the closed list and what each decision needs; `today` bounds
    /// the deadline of a conditional attribution.
    pub fn validate(&self, today: Date) -> Result<Ruling, FieldErrors> {
        let mut errors = FieldErrors::default();
        let Some(kind) = DecisionKind::parse(self.kind.trim()) else {
            errors.add("kind", "Choisissez une décision de la liste.");
            return Err(errors);
        };
        let rank = match self.rank.trim() {
            "" => None,
            raw => match raw.parse::<u32>() {
                Ok(rank) if (1..=MAX_RANK).contains(&rank) => Some(rank),
                _ => {
                    errors.add("rank", format!("Le rang est un nombre de 1 à {MAX_RANK}."));
                    None
                }
            },
        };
        let motive = self.motive.trim().to_string();
        let motive_length = motive.chars().count();
        let mut document = None;
        let mut deadline = None;
        match kind {
            DecisionKind::Attribution => {}
            DecisionKind::Ranked => {
                if rank.is_none() && errors.get("rank").is_none() {
                    errors.add("rank", "Indiquez le rang du candidat.");
                }
            }
            DecisionKind::Conditional => {
                document =
                    DocumentKind::parse(self.document.trim()).filter(|d| *d != DocumentKind::Other);
                if document.is_none() {
                    errors.add("document", "Choisissez la pièce manquante dans la liste.");
                }
                match Date::parse(self.deadline.trim()) {
                    Some(date) if date > today && date <= today.add_days(CONDITION_MAX_DAYS) => {
                        deadline = Some(date)
                    }
                    Some(_) => errors.add(
                        "deadline",
                        format!(
                            "Le délai doit tomber entre demain et dans {CONDITION_MAX_DAYS} jours."
                        ),
                    ),
                    None => errors.add("deadline", "Indiquez la date limite (jj/mm/aaaa)."),
                }
            }
            DecisionKind::NonAttribution | DecisionKind::Irrecevable => {
                if !(MOTIVE_MIN_CHARS..=MOTIVE_MAX_CHARS).contains(&motive_length) {
                    errors.add(
                        "motive",
                        format!("Le motif est obligatoire ({MOTIVE_MIN_CHARS} à {MOTIVE_MAX_CHARS} caractères) : il sera communiqué au candidat."),
                    );
                }
            }
        }
        if motive_length > MOTIVE_MAX_CHARS && errors.get("motive").is_none() {
            errors.add("motive", format!("{MOTIVE_MAX_CHARS} caractères au plus."));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let rank = match kind {
            DecisionKind::Attribution
            | DecisionKind::NonAttribution
            | DecisionKind::Irrecevable => None,
            DecisionKind::Ranked => rank,
            DecisionKind::Conditional => Some(rank.unwrap_or(1)),
        };
        Ok(Ruling {
            choice: Choice { kind, rank },
            motive,
            document,
            deadline,
        })
    }
}

/// One member's vote on one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ballot {
    pub choice: Choice,
    pub quality: MemberQuality,
}

/// The votes on one candidate, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Each choice with its deliberative votes, most first.
    pub counts: Vec<(Choice, u32)>,
    /// Deliberative votes cast.
    pub cast: u32,
    /// Consultative opinions given (not counted).
    pub opinions: u32,
    /// The choice with the most votes, or the mayor's on a tie; `None` on a tie the mayor did
    /// not settle, or without votes.
    pub outcome: Option<Choice>,
    pub casting_vote: bool,
}

impl Tally {
    pub fn votes_for(&self, choice: Choice) -> u32 {
        self.counts
            .iter()
            .find(|(c, _)| *c == choice)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
}

/// Counts deliberative votes; on a tie at the top, the mayor's vote decides (R441-9).
pub fn tally(ballots: &[Ballot]) -> Tally {
    let mut counts: Vec<(Choice, u32)> = Vec::new();
    let mut opinions = 0;
    for ballot in ballots {
        if !ballot.quality.votes() {
            opinions += 1;
            continue;
        }
        match counts.iter_mut().find(|(c, _)| *c == ballot.choice) {
            Some((_, n)) => *n += 1,
            None => counts.push((ballot.choice, 1)),
        }
    }
    // Stable: equal counts keep the order votes first appeared in.
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let cast = counts.iter().map(|(_, n)| n).sum();
    let top = counts.first().map(|(_, n)| *n).unwrap_or(0);
    let leaders: Vec<Choice> = counts
        .iter()
        .filter(|(_, n)| *n == top && top > 0)
        .map(|(c, _)| *c)
        .collect();
    let (outcome, casting_vote) = match leaders.as_slice() {
        [] => (None, false),
        [only] => (Some(*only), false),
        tied => {
            let mayor = ballots
                .iter()
                .find(|b| b.quality == MemberQuality::Mayor)
                .map(|b| b.choice)
                .filter(|c| tied.contains(c));
            (mayor, mayor.is_some())
        }
    };
    Tally {
        counts,
        cast,
        opinions,
        outcome,
        casting_vote,
    }
}

/// Whether enough voting members took part.
pub fn quorum_met(voting_present: u32, quorum: u32) -> bool {
    voting_present >= quorum
}

/// Why the attributions of one unit cannot stand together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderProblem {
    /// Two candidates hold the same place in the order of offers.
    SameRank(u32),
}

/// The candidates the unit will be offered to, in order (candidate ids with their rank). Two
/// candidates cannot share a place: the committee must say who comes first.
pub fn offer_order(decisions: &[(i64, Choice)]) -> Result<Vec<(i64, u32)>, OrderProblem> {
    let mut order: Vec<(i64, u32)> = decisions
        .iter()
        .filter_map(|(id, choice)| choice.offer_rank().map(|rank| (*id, rank)))
        .collect();
    order.sort_by_key(|(_, rank)| *rank);
    if let Some(pair) = order.windows(2).find(|w| w[0].1 == w[1].1) {
        return Err(OrderProblem::SameRank(pair[0].1));
    }
    Ok(order)
}

/// Last day to answer an offer made on `offered_on`.
pub fn reply_by(offered_on: Date) -> Date {
    offered_on.add_days(REPLY_DAYS)
}

/// How a candidate is named in the pseudonymised view: A, B, … in the order of the list.
pub fn pseudonym(index: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    match letters.get(index) {
        Some(letter) => format!("Candidat {}", *letter as char),
        None => format!("Candidat {}", index + 1),
    }
}

vocabulary!(
    /// The situations that send a tenant's file to the occupation review (L442-5-2).
    OccupationFlag {
        Overcrowded = "sur_occupation" => "Sur-occupation",
        Underoccupied = "sous_occupation" => "Sous-occupation",
        AdaptedUnneeded = "adapte_inutile" => "Logement adapté qui n'est plus occupé par la personne handicapée",
        NeedsAdaptation = "handicap" => "Handicap ou perte d'autonomie nécessitant un logement adapté",
        OverCeiling = "depassement_plafond" => "Ressources au-dessus du plafond du logement",
    }
);

vocabulary!(
    /// The kind of unit the commission finds suited after an occupation review.
    ProposedUnit {
        Smaller = "plus_petit" => "Un logement plus petit",
        Larger = "plus_grand" => "Un logement plus grand",
        Adapted = "adapte" => "Un logement adapté au handicap ou à la perte d'autonomie",
        Ordinary = "ordinaire" => "Un logement ordinaire (l'adaptation n'est plus nécessaire)",
        Accession = "accession" => "Une accession sociale à la propriété (PSLA, BRS)",
        Stay = "maintien" => "Le maintien dans le logement actuel",
    }
);

pub fn flags_to_csv(flags: &[OccupationFlag]) -> String {
    flags.iter().map(|f| f.code()).collect::<Vec<_>>().join(",")
}

pub fn flags_from_csv(csv: &str) -> Vec<OccupationFlag> {
    csv.split(',').filter_map(OccupationFlag::parse).collect()
}

/// Years between occupation reviews.
pub const REVIEW_EVERY_YEARS: i32 = 3;

/// The latest review date reached by `today` for a lease signed on `signed_on` (every three
/// years from the signature); `None` before the first.
pub fn review_due(signed_on: Date, today: Date) -> Option<Date> {
    let mut due = None;
    let mut years = REVIEW_EVERY_YEARS;
    loop {
        let anniversary = signed_on.plus_years(years);
        if anniversary > today {
            return due;
        }
        due = Some(anniversary);
        years += REVIEW_EVERY_YEARS;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    fn ballot(kind: DecisionKind, rank: Option<u32>, quality: MemberQuality) -> Ballot {
        Ballot {
            choice: Choice { kind, rank },
            quality,
        }
    }

    #[test]
    fn only_deliberative_members_vote() {
        assert!(MemberQuality::Mayor.votes());
        assert!(MemberQuality::Prefet.votes());
        assert!(!MemberQuality::Association.votes());
        assert!(!MemberQuality::Reservataire.votes());
    }

    #[test]
    fn the_choice_with_most_votes_wins() {
        use DecisionKind::*;
        use MemberQuality::*;
        let t = tally(&[
            ballot(Ranked, Some(1), Designated),
            ballot(Ranked, Some(1), Prefet),
            ballot(NonAttribution, None, Mayor),
            ballot(NonAttribution, None, Association),
        ]);
        assert_eq!(
            t.outcome,
            Some(Choice {
                kind: Ranked,
                rank: Some(1)
            })
        );
        assert_eq!((t.cast, t.opinions, t.casting_vote), (3, 1, false));
    }

    #[test]
    fn the_mayor_settles_a_tie_and_nobody_else_does() {
        use DecisionKind::*;
        use MemberQuality::*;
        let tie = [
            ballot(Attribution, None, Designated),
            ballot(NonAttribution, None, Mayor),
        ];
        let t = tally(&tie);
        assert_eq!(t.outcome.map(|c| c.kind), Some(NonAttribution));
        assert!(t.casting_vote);
        let without_mayor = tally(&[
            ballot(Attribution, None, Designated),
            ballot(NonAttribution, None, Prefet),
        ]);
        assert_eq!(without_mayor.outcome, None);
        assert_eq!(tally(&[]).outcome, None);
    }

    #[test]
    fn a_refusal_needs_a_motive_and_a_condition_a_document_and_a_deadline() {
        let today = date("2026-11-23");
        let refusal = RulingInput {
            kind: "non_attribution".into(),
            ..Default::default()
        };
        assert!(refusal.validate(today).unwrap_err().get("motive").is_some());
        let conditional = RulingInput {
            kind: "sous_condition".into(),
            document: "autre".into(),
            deadline: "2026-11-23".into(),
            ..Default::default()
        };
        let errors = conditional.validate(today).unwrap_err();
        assert!(errors.get("document").is_some() && errors.get("deadline").is_some());
        let ok = RulingInput {
            kind: "sous_condition".into(),
            document: "avis_impot".into(),
            deadline: "2026-12-07".into(),
            rank: "2".into(),
            ..Default::default()
        }
        .validate(today)
        .unwrap();
        assert_eq!(ok.choice.rank, Some(2));
        assert_eq!(ok.document, Some(DocumentKind::TaxNotice));
        let ranked = RulingInput {
            kind: "attribution_rang".into(),
            ..Default::default()
        };
        assert!(ranked.validate(today).unwrap_err().get("rank").is_some());
        assert!(
            RulingInput {
                kind: "promesse".into(),
                ..Default::default()
            }
            .validate(today)
            .is_err()
        );
    }

    #[test]
    fn the_unit_is_offered_in_rank_order_and_ranks_cannot_repeat() {
        use DecisionKind::*;
        let c = |kind, rank| Choice { kind, rank };
        let order = offer_order(&[
            (10, c(Ranked, Some(2))),
            (11, c(NonAttribution, None)),
            (12, c(Ranked, Some(1))),
            (13, c(Conditional, Some(3))),
        ])
        .unwrap();
        assert_eq!(order, vec![(12, 1), (10, 2), (13, 3)]);
        assert_eq!(
            offer_order(&[(1, c(Attribution, None)), (2, c(Ranked, Some(1)))]),
            Err(OrderProblem::SameRank(1))
        );
    }

    #[test]
    fn ten_days_to_answer() {
        assert_eq!(reply_by(date("2026-11-23")), date("2026-12-03"));
    }

    #[test]
    fn occupation_is_reviewed_every_three_years_from_the_lease() {
        let lease = date("2019-03-15");
        assert_eq!(review_due(lease, date("2022-03-14")), None);
        assert_eq!(
            review_due(lease, date("2022-03-15")),
            Some(date("2022-03-15"))
        );
        assert_eq!(
            review_due(lease, date("2026-11-23")),
            Some(date("2025-03-15"))
        );
        // A lease signed on 29 February reaches its anniversary on 28 February.
        assert_eq!(
            review_due(date("2020-02-29"), date("2023-03-01")),
            Some(date("2023-02-28"))
        );
    }

    #[test]
    fn pseudonyms_follow_the_list() {
        assert_eq!(pseudonym(0), "Candidat A");
        assert_eq!(pseudonym(2), "Candidat C");
        assert_eq!(pseudonym(30), "Candidat 31");
    }
}

/// The day a session is held, fixed when it opens: its planned day, or today when the president
/// records that it meets on another day than planned (moved, or held late). Minutes and letters
/// give this day, so a session can never say it met on a day it did not.
pub fn opening_day(planned: Date, today: Date, meets_today: bool) -> Result<Date, Refusal> {
    if planned == today || meets_today {
        return Ok(today);
    }
    Err(Refusal::NotTheDay {
        planned,
        early: planned > today,
    })
}

#[cfg(test)]
mod opening_tests {
    use super::*;

    #[test]
    fn a_session_opens_on_its_day_or_on_the_day_recorded() {
        let planned = Date::new(2026, 12, 3).unwrap();
        let before = Date::new(2026, 12, 1).unwrap();
        let after = Date::new(2026, 12, 4).unwrap();
        assert_eq!(opening_day(planned, planned, false), Ok(planned));
        let early = opening_day(planned, before, false).unwrap_err().to_string();
        assert!(early.contains("prévue le 3 décembre 2026"), "{early}");
        assert!(
            opening_day(planned, after, false)
                .unwrap_err()
                .to_string()
                .contains("était prévue")
        );
        assert_eq!(opening_day(planned, before, true), Ok(before));
        assert_eq!(opening_day(planned, after, true), Ok(after));
    }
}

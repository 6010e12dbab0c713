//! The allocation committee (CALEOL, domain.md §4): who sits and who votes, the closed list of
//! decisions and what each needs, how votes give an outcome (the mayor's casting vote on a tie),
//! the quorum, the order in which the unit is offered, the 10-day reply delay, and the triennial
//! occupation review. Pure.

use crate::domain::calendar::Date;
use crate::domain::documents::DocumentKind;
use crate::domain::offer::{Typology, vocabulary};
use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

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

/// The longest finding the commission writes on a tenancy under occupation review.
pub const FINDING_MAX_CHARS: usize = 1000;
/// The longest observations the president adds to the minutes.
pub const OBSERVATIONS_MAX_CHARS: usize = 4000;

/// The commission's finding on a tenancy, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingInput {
    pub finding: String,
    pub proposed: String,
    pub typology: String,
}

/// A checked finding: what the commission found, the kind of unit it proposes and, if it says
/// so, its typology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidFinding {
    pub finding: String,
    pub proposed: ProposedUnit,
    pub typology: Option<Typology>,
}

impl FindingInput {
    pub fn validate(&self) -> Result<ValidFinding, FieldErrors> {
        let mut errors = FieldErrors::new();
        let finding = self.finding.trim().to_string();
        if !(5..=FINDING_MAX_CHARS).contains(&finding.chars().count()) {
            errors.add(
                "finding",
                format!("Décrivez le constat de la commission (5 à {FINDING_MAX_CHARS} caractères)."),
            );
        }
        let proposed = ProposedUnit::parse(self.proposed.trim());
        if proposed.is_none() {
            errors.add("proposed", "Choisissez un type de logement dans la liste.");
        }
        let typology = match self.typology.trim() {
            "" => Some(None),
            code => Typology::parse(code).map(Some),
        };
        if typology.is_none() {
            errors.add("typology", "Choisissez une typologie de la liste.");
        }
        match (proposed, typology) {
            (Some(proposed), Some(typology)) if errors.is_empty() => Ok(ValidFinding {
                finding,
                proposed,
                typology,
            }),
            _ => Err(errors),
        }
    }
}

/// The president's observations on the minutes, as typed (trimmed; empty is allowed).
pub fn observations(typed: &str) -> Result<String, FieldErrors> {
    let text = typed.trim();
    if text.chars().count() <= OBSERVATIONS_MAX_CHARS {
        return Ok(text.to_string());
    }
    let mut errors = FieldErrors::new();
    errors.add("observations", format!("{OBSERVATIONS_MAX_CHARS} caractères au plus."));
    Err(errors)
}

/// A member's vote on one candidate, as the close reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastVote {
    pub ruling: Ruling,
    pub quality: MemberQuality,
    pub by_president: bool,
}

/// A candidate presented to the commission, as the close finds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateAtClose {
    pub entry_id: i64,
    pub name: String,
    /// The decision the president recorded: it prevails over the votes.
    pub recorded: Option<Choice>,
    /// The members' votes, in the order they were cast.
    pub votes: Vec<CastVote>,
}

/// One offer of the agenda at the close, with its presented candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemAtClose {
    pub offer_id: i64,
    pub candidates: Vec<CandidateAtClose>,
}

/// What the close of a session needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAtClose {
    pub quorum: i64,
    /// Deliberative members who took part (present, or voted online).
    pub voting_present: u32,
    pub remote: bool,
    pub items: Vec<ItemAtClose>,
}

/// What the close decides for one offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPlan {
    pub offer_id: i64,
    /// Decisions the votes gave (no decision was recorded): the winning ruling, with the details
    /// of the first member who voted it (the president first), and the count.
    pub from_votes: Vec<(i64, Ruling, Tally)>,
    /// Candidates attributed the unit, in the order it is offered to them: (entry, rank).
    pub order: Vec<(i64, u32)>,
}

impl ItemPlan {
    /// The candidate the unit is offered to now, if the commission attributed it.
    pub fn offered_to(&self) -> Option<i64> {
        self.order.first().map(|(entry, _)| *entry)
    }
}

/// The close of a session, decided from its facts: the quorum must be met, every presented
/// candidate gets the decision the president recorded or, failing that, the one the votes gave
/// (the mayor's casting vote breaks a tie), and no two attributions of one offer share a rank.
pub fn plan_close(session: &SessionAtClose) -> Result<Vec<ItemPlan>, Refusal> {
    if !quorum_met(
        session.voting_present,
        u32::try_from(session.quorum).unwrap_or(u32::MAX),
    ) {
        return Err(Refusal::NoQuorum {
            present: session.voting_present,
            required: session.quorum,
            remote: session.remote,
        });
    }
    let mut undecided = Vec::new();
    let mut plans = Vec::new();
    for item in &session.items {
        let mut chosen: Vec<(i64, Choice)> = Vec::new();
        let mut from_votes = Vec::new();
        for candidate in &item.candidates {
            if let Some(choice) = candidate.recorded {
                chosen.push((candidate.entry_id, choice));
                continue;
            }
            let ballots: Vec<Ballot> = candidate
                .votes
                .iter()
                .map(|v| Ballot {
                    choice: v.ruling.choice,
                    quality: v.quality,
                })
                .collect();
            let counted = tally(&ballots);
            let Some(choice) = counted.outcome else {
                undecided.push(format!("{} (offre n° {})", candidate.name, item.offer_id));
                continue;
            };
            let mut voters: Vec<&CastVote> = candidate
                .votes
                .iter()
                .filter(|v| v.ruling.choice == choice)
                .collect();
            voters.sort_by_key(|v| !v.by_president);
            let ruling = voters.first().map_or_else(
                || Ruling {
                    choice,
                    motive: String::new(),
                    document: None,
                    deadline: None,
                },
                |v| v.ruling.clone(),
            );
            chosen.push((candidate.entry_id, choice));
            from_votes.push((candidate.entry_id, ruling, counted));
        }
        plans.push((item.offer_id, chosen, from_votes));
    }
    if !undecided.is_empty() {
        return Err(Refusal::Undecided(undecided));
    }
    plans
        .into_iter()
        .map(
            |(offer_id, chosen, from_votes)| match offer_order(&chosen) {
                Ok(order) => Ok(ItemPlan {
                    offer_id,
                    from_votes,
                    order,
                }),
                Err(OrderProblem::SameRank(rank)) => Err(Refusal::SameRank { offer_id, rank }),
            },
        )
        .collect()
}

/// The letter a candidate gets at the close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseLetter {
    /// Attributed and offered the unit now.
    Offered {
        rank: u32,
    },
    /// Attributed at a rank behind another candidate.
    Waiting {
        rank: u32,
    },
    NotAttributed,
    Inadmissible,
}

/// The letter for a decision, knowing whether its candidate is the one offered the unit now.
pub fn close_letter(choice: Choice, offered_now: bool) -> CloseLetter {
    let rank = choice.offer_rank().unwrap_or(1);
    match choice.kind {
        DecisionKind::NonAttribution => CloseLetter::NotAttributed,
        DecisionKind::Irrecevable => CloseLetter::Inadmissible,
        _ if offered_now => CloseLetter::Offered { rank },
        _ => CloseLetter::Waiting { rank },
    }
}

/// Why the commission's work refuses a change as things stand: each says it in French, to
/// whoever tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    VotesOnlyWhileOpen,
    InPersonPresidentDecides,
    DecisionsOnlyWhileOpen,
    AttendanceOnlyInPerson,
    CloseOnlyOpen,
    /// Too few deliberative members took part.
    NoQuorum {
        present: u32,
        required: i64,
        remote: bool,
    },
    /// Candidates with neither a recorded decision nor a majority, by name and offer.
    Undecided(Vec<String>),
    SameRank {
        offer_id: i64,
        rank: u32,
    },
    ObservationsOnlyBeforeSigning,
    SignOnlyClosedUnsigned,
    AlreadyAnswered,
    OfferCancelled,
    ReplyTooLate,
    ConditionNotConfirmed,
    /// The quorum asked for is outside 1 and the commission's deliberative members.
    QuorumOutOfRange {
        voting: i64,
    },
    AgendaFrozen,
    ShortlistNotReady,
    AlreadyOnAgenda,
    OfferCannotGoToCommission,
    AlreadyOpen,
    /// A session opens on its planned day unless the president records it meets today.
    NotTheDay {
        planned: Date,
        early: bool,
    },
    EmptyAgenda,
    PresidentOnly,
    FindingOnlyWhileOpen,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Refusal::*;
        match self {
            VotesOnlyWhileOpen => f.write_str("Les votes sont possibles seulement pendant la séance ouverte."),
            InPersonPresidentDecides => f.write_str("Cette séance se tient en présentiel : le président consigne les décisions."),
            DecisionsOnlyWhileOpen => f.write_str("Les décisions se consignent pendant la séance ouverte."),
            AttendanceOnlyInPerson => f.write_str("Les présences se notent pendant une séance ouverte tenue en présentiel."),
            CloseOnlyOpen => f.write_str("Seule une séance ouverte peut être close."),
            NoQuorum { present, required, remote } => write!(
                f,
                "Quorum non atteint : {present} membre(s) à voix délibérative ont participé, il en faut {required}. {}",
                if *remote {
                    "Les membres doivent voter en ligne avant la clôture."
                } else {
                    "Notez les présences avant de clore."
                }
            ),
            Undecided(who) => write!(
                f,
                "Aucune décision pour : {}. Les votes sont partagés ou absents : consignez la décision de la commission pour ces candidats.",
                who.join(", ")
            ),
            SameRank { offer_id, rank } => write!(
                f,
                "Offre n° {offer_id} : deux candidats sont attribués au même rang ({rank}). Consignez un rang distinct pour chacun."
            ),
            ObservationsOnlyBeforeSigning => f.write_str("Les observations s'ajoutent au procès-verbal d'une séance close, avant sa signature."),
            SignOnlyClosedUnsigned => f.write_str("Seul le procès-verbal d'une séance close et non encore signé peut être signé."),
            AlreadyAnswered => f.write_str("Vous avez déjà répondu à cette proposition."),
            OfferCancelled => f.write_str("Cette offre est terminée : le bailleur l'a annulée. Vous en avez été informé(e) par e-mail."),
            ReplyTooLate => f.write_str("Le délai de réponse est dépassé : le logement a été proposé au candidat suivant."),
            ConditionNotConfirmed => f.write_str("Attribution sous condition suspensive : confirmez que la pièce manquante a été reçue dans le délai avant de signer le bail."),
            QuorumOutOfRange { voting } => write!(
                f,
                "Le quorum doit être compris entre 1 et {voting} (membres à voix délibérative de la commission)."
            ),
            AgendaFrozen => f.write_str("L'ordre du jour est arrêté : la séance est ouverte ou close."),
            ShortlistNotReady => f.write_str("La liste des candidats n'est pas encore constituée pour cette offre."),
            AlreadyOnAgenda => f.write_str("Cette offre est déjà inscrite à l'ordre du jour d'une séance."),
            OfferCannotGoToCommission => f.write_str("L'offre ne peut pas passer en commission dans son état actuel."),
            AlreadyOpen => f.write_str("La séance est déjà ouverte."),
            NotTheDay { planned, early: true } => write!(
                f,
                "La séance est prévue le {} : elle s'ouvre ce jour-là. Si elle se tient aujourd'hui, cochez « La séance se tient aujourd'hui ».",
                planned.french()
            ),
            NotTheDay { planned, early: false } => write!(
                f,
                "La séance était prévue le {}. Si elle se tient aujourd'hui, cochez « La séance se tient aujourd'hui » : c'est la date que porteront le procès-verbal et les courriers.",
                planned.french()
            ),
            EmptyAgenda => f.write_str("L'ordre du jour est vide : le personnel du bailleur doit d'abord y inscrire des offres."),
            PresidentOnly => f.write_str("Seul le président ou la présidente de la commission peut le faire."),
            FindingOnlyWhileOpen => f.write_str("Le constat se consigne pendant la séance ouverte."),
        }
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

#[cfg(test)]
mod close_tests {
    use super::*;

    fn ruling(kind: DecisionKind, rank: Option<u32>, motive: &str) -> Ruling {
        Ruling {
            choice: Choice { kind, rank },
            motive: motive.to_string(),
            document: None,
            deadline: None,
        }
    }

    fn vote(
        kind: DecisionKind,
        rank: Option<u32>,
        quality: MemberQuality,
        president: bool,
    ) -> CastVote {
        CastVote {
            ruling: ruling(kind, rank, if president { "présidence" } else { "membre" }),
            quality,
            by_president: president,
        }
    }

    fn candidate(
        entry_id: i64,
        recorded: Option<Choice>,
        votes: Vec<CastVote>,
    ) -> CandidateAtClose {
        CandidateAtClose {
            entry_id,
            name: format!("Candidat {entry_id}"),
            recorded,
            votes,
        }
    }

    fn session(voting_present: u32, candidates: Vec<CandidateAtClose>) -> SessionAtClose {
        SessionAtClose {
            quorum: 2,
            voting_present,
            remote: true,
            items: vec![ItemAtClose {
                offer_id: 7,
                candidates,
            }],
        }
    }

    #[test]
    fn without_quorum_nothing_is_decided() {
        let refused = plan_close(&session(1, vec![])).unwrap_err();
        assert_eq!(
            refused,
            Refusal::NoQuorum {
                present: 1,
                required: 2,
                remote: true
            }
        );
        assert!(refused.to_string().contains("voter en ligne"));
    }

    #[test]
    fn a_recorded_decision_prevails_over_the_votes() {
        use DecisionKind::*;
        use MemberQuality::*;
        let recorded = Choice {
            kind: NonAttribution,
            rank: None,
        };
        let plan = plan_close(&session(
            2,
            vec![candidate(
                1,
                Some(recorded),
                vec![
                    vote(Attribution, None, Designated, false),
                    vote(Attribution, None, Mayor, true),
                ],
            )],
        ))
        .unwrap();
        assert!(plan[0].from_votes.is_empty());
        assert_eq!(plan[0].offered_to(), None);
    }

    #[test]
    fn the_votes_decide_with_the_presidents_words_and_the_first_rank_is_offered() {
        use DecisionKind::*;
        use MemberQuality::*;
        let plan = plan_close(&session(
            3,
            vec![
                candidate(
                    1,
                    None,
                    vec![
                        vote(Ranked, Some(2), Designated, false),
                        vote(Ranked, Some(2), Prefet, true),
                        vote(NonAttribution, None, Mayor, false),
                    ],
                ),
                candidate(
                    2,
                    Some(Choice {
                        kind: Ranked,
                        rank: Some(1),
                    }),
                    vec![],
                ),
            ],
        ))
        .unwrap();
        let (entry, words, count) = &plan[0].from_votes[0];
        assert_eq!(*entry, 1);
        assert_eq!(words.motive, "présidence");
        assert_eq!(count.cast, 3);
        assert_eq!(plan[0].order, vec![(2, 1), (1, 2)]);
        assert_eq!(plan[0].offered_to(), Some(2));
        let first = Choice {
            kind: Ranked,
            rank: Some(1),
        };
        assert_eq!(close_letter(first, true), CloseLetter::Offered { rank: 1 });
        assert_eq!(
            close_letter(words.choice, false),
            CloseLetter::Waiting { rank: 2 }
        );
    }

    #[test]
    fn a_split_vote_or_a_shared_rank_is_refused() {
        use DecisionKind::*;
        use MemberQuality::*;
        let split = plan_close(&session(
            2,
            vec![candidate(
                1,
                None,
                vec![
                    vote(Attribution, None, Designated, false),
                    vote(NonAttribution, None, Prefet, true),
                ],
            )],
        ))
        .unwrap_err();
        assert_eq!(
            split,
            Refusal::Undecided(vec!["Candidat 1 (offre n° 7)".into()])
        );
        let rank_one = Some(Choice {
            kind: Ranked,
            rank: Some(1),
        });
        let shared = plan_close(&session(
            2,
            vec![
                candidate(1, rank_one, vec![]),
                candidate(2, rank_one, vec![]),
            ],
        ))
        .unwrap_err();
        assert_eq!(
            shared,
            Refusal::SameRank {
                offer_id: 7,
                rank: 1
            }
        );
        assert_eq!(
            close_letter(
                Choice {
                    kind: Irrecevable,
                    rank: None
                },
                true
            ),
            CloseLetter::Inadmissible
        );
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn a_finding_needs_words_a_kind_of_unit_and_a_known_typology() {
        let valid = FindingInput {
            finding: " Sous-occupation constatée ".into(),
            proposed: ProposedUnit::ALL[0].code().into(),
            typology: "T2".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(valid.finding, "Sous-occupation constatée");
        assert_eq!(valid.typology, Some(Typology::T2));
        let errors = FindingInput {
            finding: "ok".into(),
            proposed: "?".into(),
            typology: "T9".into(),
        }
        .validate()
        .unwrap_err();
        for field in ["finding", "proposed", "typology"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn observations_may_be_empty_but_not_endless() {
        assert_eq!(observations("  ").unwrap(), "");
        assert!(observations(&"a".repeat(OBSERVATIONS_MAX_CHARS + 1)).is_err());
    }
}

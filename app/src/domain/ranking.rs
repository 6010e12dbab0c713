//! Ranking the applicants of a closed offer, and the shortlist sent to the commission
//! (domain.md §1.4 and §4). Pure: the same function ranks at close and replays a stored ranking
//! from its snapshots.

use crate::domain::calendar::Date;
use crate::domain::offer::vocabulary;
use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// How an offer's applicants are ordered once it closes.
    RankingMode {
        Cotation = "cotation" => "Cotation du territoire",
        Seniority = "anciennete" => "Ancienneté de la demande",
        Lottery = "tirage" => "Tirage au sort",
    }
);

impl RankingMode {
    pub fn explain(self) -> &'static str {
        match self {
            RankingMode::Cotation => {
                "Note décroissante ; à égalité, la demande la plus ancienne, puis la candidature la plus ancienne."
            }
            RankingMode::Seniority => {
                "Date de première demande, la plus ancienne d'abord ; à égalité, la candidature la plus ancienne."
            }
            RankingMode::Lottery => {
                "Ordre tiré au sort ; la graine du tirage est enregistrée, le tirage peut être refait à l'identique."
            }
        }
    }
}

/// What ranking needs to know about one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub application_id: i64,
    pub eligible: bool,
    pub score: i32,
    pub first_filing: Option<Date>,
    /// When the application was made (Unix seconds).
    pub applied_at: i64,
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, and the same sequence on every platform, which
/// is what a reproducible draw needs.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (bound > 0), without modulo bias.
    fn below(&mut self, bound: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % bound;
        loop {
            let v = self.next();
            if v < zone {
                return v % bound;
            }
        }
    }
}

/// The eligible candidates' application ids, best first. Ineligible candidates are not ranked.
/// `seed` is used by the lottery only.
pub fn rank(candidates: &[Candidate], mode: RankingMode, seed: u64) -> Vec<i64> {
    let mut eligible: Vec<&Candidate> = candidates.iter().filter(|c| c.eligible).collect();
    // A request with no first-filing date comes after every dated one.
    let filing = |c: &Candidate| c.first_filing.map_or((1, None), |d| (0, Some(d)));
    match mode {
        RankingMode::Cotation => eligible.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| filing(a).cmp(&filing(b)))
                .then_with(|| a.applied_at.cmp(&b.applied_at))
                .then_with(|| a.application_id.cmp(&b.application_id))
        }),
        RankingMode::Seniority => eligible.sort_by(|a, b| {
            filing(a)
                .cmp(&filing(b))
                .then_with(|| a.applied_at.cmp(&b.applied_at))
                .then_with(|| a.application_id.cmp(&b.application_id))
        }),
        RankingMode::Lottery => {
            // Start from an order that does not depend on how the rows were read, then shuffle
            // (Fisher–Yates).
            eligible.sort_by_key(|c| c.application_id);
            let mut rng = SplitMix64(seed);
            for i in (1..eligible.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                eligible.swap(i, j);
            }
        }
    }
    eligible.iter().map(|c| c.application_id).collect()
}

vocabulary!(
    /// The cases where fewer than three candidates may go to the commission (R441-3 CCH,
    /// domain.md §4).
    ShortlistException {
        TooFewCandidates = "peu_de_candidats" => "Insuffisance du nombre de candidats",
        DaloDesignation = "dalo_prefet" => "Candidat désigné par le préfet au titre du DALO (L441-2-3)",
        SubsidisedUnit = "d331_25_1" => "Logement financé avec la subvention de l'article D331-25-1",
    }
);

/// The least number of candidates per unit before the commission, unless an exception applies.
pub const SHORTLIST_MIN: usize = 3;
pub const SHORTLIST_MAX: usize = 10;

/// Why a shortlist cannot be built as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShortlistProblem {
    #[error(
        "Aucun candidat recevable n'est disponible : l'offre peut être déclarée infructueuse ou republiée."
    )]
    NoCandidate,
    #[error("Retenez au moins un candidat.")]
    Empty,
    #[error("Retenez au plus {SHORTLIST_MAX} candidats.")]
    TooMany,
    #[error("Seuls {available} candidats recevables sont disponibles (hors candidats écartés).")]
    MoreThanAvailable { available: usize },
    #[error(
        "La loi demande au moins {SHORTLIST_MIN} candidats par logement : retenez-en davantage ou indiquez l'exception qui s'applique."
    )]
    BelowMinimum,
    #[error(
        "{available} candidats sont disponibles : l'insuffisance de candidats ne vaut que si tous sont retenus."
    )]
    NotAllKept { available: usize },
}

/// Checks the size of a shortlist against the candidates still in the running.
pub fn check_shortlist(
    size: usize,
    available: usize,
    exception: Option<ShortlistException>,
) -> Result<(), ShortlistProblem> {
    if available == 0 {
        return Err(ShortlistProblem::NoCandidate);
    }
    if size == 0 {
        return Err(ShortlistProblem::Empty);
    }
    if size > SHORTLIST_MAX {
        return Err(ShortlistProblem::TooMany);
    }
    if size > available {
        return Err(ShortlistProblem::MoreThanAvailable { available });
    }
    if size >= SHORTLIST_MIN {
        return Ok(());
    }
    match exception {
        None => Err(ShortlistProblem::BelowMinimum),
        Some(ShortlistException::TooFewCandidates) if size < available => {
            Err(ShortlistProblem::NotAllKept { available })
        }
        Some(_) => Ok(()),
    }
}

/// The shortlist in words: who was kept, by rank, and which ranks before them were set aside.
/// `kept` and `set_aside` are ranks (1 = first).
pub fn shortlist_summary(kept: &[i64], set_aside: &[i64]) -> String {
    let mut kept = kept.to_vec();
    kept.sort_unstable();
    let n = kept.len();
    if kept.iter().copied().eq(1..=n as i64) {
        return match n {
            1 => "le premier candidat retenu".to_string(),
            n => format!("les {n} premiers candidats retenus"),
        };
    }
    let last = kept.last().copied().unwrap_or(0);
    let mut passed: Vec<i64> = set_aside.iter().copied().filter(|r| *r < last).collect();
    passed.sort_unstable();
    let ranks = |ranks: &[i64]| {
        let words: Vec<String> = ranks.iter().map(i64::to_string).collect();
        match words.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
            None => String::new(),
        }
    };
    let plural = |n: usize| if n > 1 { "s" } else { "" };
    let mut line = format!(
        "{n} candidat{} retenu{} : rang{} {}",
        plural(n),
        plural(n),
        plural(n),
        ranks(&kept)
    );
    if !passed.is_empty() {
        line.push_str(&format!(
            " (rang{} {} écarté{} avec motif)",
            plural(passed.len()),
            ranks(&passed),
            plural(passed.len())
        ));
    }
    line
}

/// The longest motive staff may give for setting a candidate aside.
pub const SKIP_MOTIVE_MAX_CHARS: usize = 500;

/// The motive for setting a ranking entry aside, as typed: the commission reads it, so it says
/// something. The error is keyed by the entry's own field (`motive-{entry_id}`).
pub fn skip_motive(motive: &str, entry_id: i64) -> Result<String, FieldErrors> {
    let motive = motive.trim();
    if (5..=SKIP_MOTIVE_MAX_CHARS).contains(&motive.chars().count()) {
        return Ok(motive.to_string());
    }
    let mut errors = FieldErrors::new();
    errors.add(
        &format!("motive-{entry_id}"),
        format!(
            "Indiquez le motif (5 à {SKIP_MOTIVE_MAX_CHARS} caractères) : il sera lu par la commission."
        ),
    );
    Err(errors)
}

/// The shortlist's size and exception as sent by the form.
pub fn shortlist_request(
    size: &str,
    exception: &str,
) -> Result<(usize, Option<ShortlistException>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let size = size.trim().parse::<usize>().ok();
    if size.is_none() {
        errors.add("size", "Indiquez un nombre de candidats.");
    }
    let exception = match exception.trim() {
        "" => Ok(None),
        code => ShortlistException::parse(code).map(Some).ok_or(()),
    };
    if exception.is_err() {
        errors.add("exception", "Choisissez une exception de la liste.");
    }
    match (size, exception) {
        (Some(size), Ok(exception)) => Ok((size, exception)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shortlist_says_which_ranks_were_kept_and_set_aside() {
        use super::shortlist_summary;
        assert_eq!(
            shortlist_summary(&[1, 2, 3], &[]),
            "les 3 premiers candidats retenus"
        );
        assert_eq!(shortlist_summary(&[1], &[]), "le premier candidat retenu");
        assert_eq!(
            shortlist_summary(&[1, 3, 4], &[2]),
            "3 candidats retenus : rangs 1, 3 et 4 (rang 2 écarté avec motif)"
        );
        assert_eq!(
            shortlist_summary(&[3, 4, 5], &[1, 2, 7]),
            "3 candidats retenus : rangs 3, 4 et 5 (rangs 1 et 2 écartés avec motif)"
        );
    }

    use super::*;

    fn candidate(id: i64, score: i32, filing: &str, applied_at: i64) -> Candidate {
        Candidate {
            application_id: id,
            eligible: true,
            score,
            first_filing: Date::parse(filing),
            applied_at,
        }
    }

    #[test]
    fn cotation_breaks_ties_by_filing_then_application() {
        let candidates = vec![
            candidate(1, 40, "2024-01-01", 10),
            candidate(2, 55, "2025-01-01", 20),
            candidate(3, 40, "2023-06-01", 30),
            candidate(4, 40, "2023-06-01", 5),
            Candidate {
                eligible: false,
                ..candidate(5, 99, "2020-01-01", 1)
            },
            candidate(6, 40, "", 1),
        ];
        assert_eq!(
            rank(&candidates, RankingMode::Cotation, 0),
            vec![2, 4, 3, 1, 6]
        );
        assert_eq!(
            rank(&candidates, RankingMode::Seniority, 0),
            vec![4, 3, 1, 2, 6]
        );
    }

    #[test]
    fn the_lottery_is_reproducible_from_its_seed() {
        let candidates: Vec<Candidate> =
            (1..=50).map(|i| candidate(i, 0, "2024-01-01", i)).collect();
        let first = rank(&candidates, RankingMode::Lottery, 42);
        let mut reversed = candidates.clone();
        reversed.reverse();
        assert_eq!(rank(&reversed, RankingMode::Lottery, 42), first);
        assert_ne!(rank(&candidates, RankingMode::Lottery, 43), first);
        let mut sorted = first.clone();
        sorted.sort();
        assert_eq!(sorted, (1..=50).collect::<Vec<_>>());
    }

    #[test]
    fn shortlists_need_three_unless_an_exception_applies() {
        assert!(check_shortlist(3, 8, None).is_ok());
        assert!(check_shortlist(2, 8, None).is_err());
        assert!(check_shortlist(2, 8, Some(ShortlistException::TooFewCandidates)).is_err());
        assert!(check_shortlist(2, 2, Some(ShortlistException::TooFewCandidates)).is_ok());
        assert!(check_shortlist(1, 8, Some(ShortlistException::DaloDesignation)).is_ok());
        assert!(check_shortlist(4, 3, None).is_err());
        assert!(check_shortlist(1, 0, Some(ShortlistException::TooFewCandidates)).is_err());
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn a_skip_motive_says_something_and_stays_readable() {
        assert_eq!(skip_motive("  Dossier incomplet ", 4).unwrap(), "Dossier incomplet");
        let short = skip_motive("non", 4).unwrap_err();
        assert!(short.get("motive-4").unwrap().contains("5 à 500"));
        assert!(skip_motive(&"x".repeat(501), 4).is_err());
    }

    #[test]
    fn the_shortlist_form_names_each_faulty_field() {
        assert_eq!(shortlist_request(" 3 ", "").unwrap(), (3, None));
        assert_eq!(
            shortlist_request("2", "dalo_prefet").unwrap(),
            (2, Some(ShortlistException::DaloDesignation))
        );
        let both = shortlist_request("trois", "autre").unwrap_err();
        assert!(both.get("size").is_some() && both.get("exception").is_some());
        assert_eq!(
            check_shortlist(2, 8, None).unwrap_err().to_string(),
            "La loi demande au moins 3 candidats par logement : retenez-en davantage ou indiquez l'exception qui s'applique."
        );
    }
}

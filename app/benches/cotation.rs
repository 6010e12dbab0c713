//! Cotation benchmarks: `cargo bench -p app --bench cotation`.
//!
//! - rank 10,000 applicants of one offer: score each on the grid, then order them;
//! - re-score 1,000,000 applicants after a grid change.
//!
//! Profiles are generated (deterministically) with the spread of situations of the demo data.
//! Prints the best of a few runs, so that a busy machine does not inflate the figure.

use app::domain::calendar::Date;
use app::domain::cotation::{Facts, Grid, score};
use app::domain::offer::Typology;
use app::domain::profile::{HousingStatus, Member, Profile, Relationship, Situation};
use app::domain::ranking::{Candidate, RankingMode, rank};
use std::hint::black_box;
use std::time::{Duration, Instant};

const GRID: &str = "\
Ancienneté de la demande ; ancienneté ; 1 par mois ; plafond 120 ; bonus 20 après 36 mois
Prioritaire DALO ; situation dalo ; 50
Public prioritaire du PDALHPD ; situation pdalhpd ; 40
Violences au sein du couple ; situation violences_conjugales ; 30
Menacé d'expulsion ; situation menace_expulsion ; 20
Sans logement ; situation sans_abri ; 20 ; groupe hébergement
En structure ; situation structure ; 15 ; groupe hébergement
Chez un tiers ; situation heberge ; 10 ; groupe hébergement
Handicap dans le foyer ; situation handicap_foyer ; 10
Parent isolé ; situation parent_isole ; 5
Taux d'effort > 40 % ; taux_effort > 40 ; 10 ; groupe effort
Taux d'effort > 30 % ; taux_effort > 30 ; 5 ; groupe effort
Sur-occupation ; personnes_par_piece > 1,5 ; 8
Refus ; refus ; -10 par refus
";

/// A small xorshift generator: deterministic profiles without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn profile(rng: &mut Rng) -> Profile {
    let on_date = |y, m, d| {
        Date::new(y, m, d).unwrap_or(Date {
            year: 2000,
            month: 1,
            day: 1,
        })
    };
    let mut members = vec![Member {
        id: 1,
        relationship: Relationship::Applicant,
        first_name: "A".into(),
        birth_date: on_date(1960 + rng.below(45) as i32, 1 + rng.below(12) as u32, 1),
        handicap: rng.below(20) == 0,
        dependant: false,
        rfr_n2_eur: Some(8_000 + rng.below(25_000) as u32),
    }];
    for i in 0..rng.below(4) {
        members.push(Member {
            id: 2 + i as i64,
            relationship: Relationship::Child,
            first_name: "E".into(),
            birth_date: on_date(2008 + rng.below(17) as i32, 6, 1),
            handicap: false,
            dependant: true,
            rfr_n2_eur: None,
        });
    }
    let situations: Vec<Situation> = Situation::ALL
        .iter()
        .copied()
        .filter(|_| rng.below(12) == 0)
        .collect();
    Profile {
        members,
        monthly_resources_cents: Some(90_000 + rng.below(200_000) as i64),
        housing_status: Some(
            [
                HousingStatus::PrivateTenant,
                HousingStatus::SocialTenant,
                HousingStatus::Hosted,
                HousingStatus::Shelter,
            ][rng.below(4) as usize],
        ),
        current_typology: Some(Typology::ALL[rng.below(4) as usize]),
        current_rent_cents: Some(30_000 + rng.below(60_000) as i64),
        first_filing_date: Some(on_date(
            2016 + rng.below(10) as i32,
            1 + rng.below(12) as u32,
            1,
        )),
        dalo: rng.below(30) == 0,
        situations,
        refusals: (rng.below(10) == 0) as u32,
        ..Profile::default()
    }
}

fn best_of(runs: usize, mut work: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let grid = Grid::parse(GRID).expect("the benchmark grid parses");
    let on = Date::new(2026, 11, 22).expect("a valid date");
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);

    let applicants: Vec<Profile> = (0..10_000).map(|_| profile(&mut rng)).collect();
    let ranking = best_of(5, || {
        let candidates: Vec<Candidate> = applicants
            .iter()
            .enumerate()
            .map(|(i, p)| Candidate {
                application_id: i as i64,
                eligible: true,
                score: score(&Facts::of(p, on), &grid).total,
                first_filing: p.first_filing_date,
                applied_at: i as i64,
            })
            .collect();
        black_box(rank(&candidates, RankingMode::Cotation, 7));
    });
    println!("rank 10,000 applicants of one offer (score + order): {ranking:.2?}");

    let everyone: Vec<Profile> = (0..1_000_000).map(|_| profile(&mut rng)).collect();
    let rescore = best_of(3, || {
        let total: i64 = everyone
            .iter()
            .map(|p| i64::from(score(&Facts::of(p, on), &grid).total))
            .sum();
        black_box(total);
    });
    println!("re-score 1,000,000 applicants after a grid change: {rescore:.2?}");
}

//! Whether a household may apply to an offer, with every reason, in French. Pure, so the server
//! decides with it and the browser can explain with the same code.
//!
//! The checks: household category and income ceiling of the unit's financing (RFR of year N-2,
//! `ceilings`), household size against the typology (a per-territory table; the default is the
//! practice summarised in domain.md §5), effort rate (rent plus charges over monthly resources,
//! before housing benefit; the threshold is a policy setting), and the offer's publics.
//!
//! Reasons speak of "the household", never "your household": applicants, staff and commission
//! members read the same words (they are also kept with each ranking). Only the fixes, shown to
//! the applicant alone, say "you".

use crate::domain::ceilings::{self, Lookup, Product};
use crate::domain::household::{self, Person};
use crate::domain::offer::{Category, Financing, Typology};
use crate::domain::territory::CeilingZone;
use serde::{Deserialize, Serialize};

pub use crate::domain::profile::HousingStatus;

/// What the engine needs to know about the applicant's household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub members: Vec<Person>,
    /// Revenu fiscal de référence of year N-2 summed over the household, in euros (or the
    /// declared N-1 / last-12-months income when it fell by 10 % or more).
    pub reference_income_eur: Option<u32>,
    /// Monthly resources of the household, in cents, for the effort rate.
    pub monthly_resources_cents: Option<i64>,
    pub housing_status: HousingStatus,
    pub action_logement_employee: bool,
    /// To be rehoused because of an ANRU renewal or a demolition.
    pub anru_rehousing: bool,
    /// Followed by an association for a bail glissant or intermédiation locative.
    pub supported_tenancy: bool,
    /// Recognised DALO, or in one of the priority situations of L441-1.
    #[serde(default)]
    pub priority_public: bool,
}

/// What the engine needs to know about the offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferTerms {
    pub financing: Financing,
    pub typology: Typology,
    pub categories: Vec<Category>,
    /// `None` when the unit's commune has no known ceiling zone (then income is left to check).
    #[serde(default)]
    pub zone: Option<CeilingZone>,
    pub rent_cents: i64,
    pub charges_cents: i64,
}

/// Household sizes each typology suits: `(typology, fewest persons, most persons)`.
pub type TypologyFit = [(Typology, u32, u32); 6];

/// Bailleur practice (domain.md §5, [U]: to be set per territory).
pub const DEFAULT_TYPOLOGY_FIT: TypologyFit = [
    (Typology::T1, 1, 1),
    (Typology::T2, 1, 2),
    (Typology::T3, 2, 4),
    (Typology::T4, 3, 6),
    (Typology::T5, 4, 8),
    (Typology::T6Plus, 5, 99),
];

/// The territory's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// The year applications are made: ceilings of this year, incomes of two years before.
    pub application_year: i32,
    /// Highest effort rate accepted, in percent (not regulatory; domain.md §5).
    pub max_effort_rate_percent: u32,
    pub typology_fit: TypologyFit,
}

impl Policy {
    pub fn for_year(application_year: i32) -> Policy {
        Policy {
            application_year,
            max_effort_rate_percent: 35,
            typology_fit: DEFAULT_TYPOLOGY_FIT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Eligible,
    /// Nothing rules the household out, but something could not be checked.
    ToCheck,
    Ineligible,
}

/// One finding, with what to do about it when the applicant can do something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable identifier, for tests and styling: `household`, `income`, `typology`, `effort`,
    /// `public`.
    pub code: String,
    /// Whether this finding rules the household out (otherwise it only leaves a doubt).
    pub blocking: bool,
    pub message: String,
    pub fix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
}

fn euros(amount: u32) -> String {
    format!(
        "{}\u{a0}€",
        crate::domain::format::group_thousands(u64::from(amount))
    )
}

fn product(financing: Financing) -> Product {
    match financing {
        Financing::Plai => Product::Plai,
        Financing::Plus => Product::Plus,
        Financing::Pls => Product::Pls,
        Financing::Pli => Product::Pli,
    }
}

/// Whether the applicant belongs to a public the offer is open to.
fn in_public(applicant: &Applicant, category: Category) -> bool {
    match category {
        Category::ToutPublic | Category::Pls | Category::Qpv => true,
        Category::Mutation => applicant.housing_status == HousingStatus::SocialTenant,
        Category::RelogementAnru => applicant.anru_rehousing,
        Category::ActionLogement => applicant.action_logement_employee,
        Category::BailGlissant => applicant.supported_tenancy,
        Category::Prioritaire => applicant.priority_public,
    }
}

/// Assesses one household against one offer.
pub fn assess(applicant: &Applicant, offer: &OfferTerms, policy: &Policy) -> Assessment {
    let mut reasons = Vec::new();
    let mut add = |code: &str, blocking: bool, message: String, fix: Option<&str>| {
        reasons.push(Reason {
            code: code.to_string(),
            blocking,
            message,
            fix: fix.map(str::to_string),
        })
    };

    // The offer's publics.
    if !offer.categories.iter().any(|c| in_public(applicant, *c)) {
        let labels: Vec<&str> = offer.categories.iter().map(|c| c.label()).collect();
        add(
            "public",
            true,
            format!("Cette offre est réservée à : {}.", labels.join(", ")),
            Some(
                "Si votre situation correspond, mettez à jour votre logement actuel ou vos situations dans votre profil.",
            ),
        );
    }

    let persons = applicant.members.len() as u32;
    match household::category(&applicant.members) {
        None => add(
            "household",
            true,
            "La composition du foyer n'est pas renseignée.".into(),
            Some("Ajoutez dans votre profil chaque personne qui vivra dans le logement."),
        ),
        Some(category) => {
            let year = policy.application_year;
            let income_year = ceilings::reference_income_year(year);
            let lookup = offer
                .zone
                .map(|zone| ceilings::lookup(product(offer.financing), zone, year, category));
            match (applicant.reference_income_eur, lookup) {
                (None, _) => add(
                    "income",
                    false,
                    format!(
                        "Le revenu fiscal de référence {income_year} du foyer n'est pas renseigné."
                    ),
                    Some(
                        "Indiquez dans votre profil le revenu fiscal de référence de chaque adulte (avis d'impôt).",
                    ),
                ),
                (Some(_), None) => add(
                    "income",
                    false,
                    "La zone de plafonds de ressources de la commune de ce logement n'est pas connue : le bailleur vérifiera les revenus du foyer.".into(),
                    None,
                ),
                (Some(_), Some(Lookup::Unpublished)) => add(
                    "income",
                    false,
                    format!(
                        "Le plafond de ressources {} {year} n'est pas encore publié dans une source vérifiée : le bailleur vérifiera les revenus du foyer.",
                        offer.financing.code()
                    ),
                    None,
                ),
                (Some(income), Some(Lookup::Provisional { table_year, amount })) => add(
                    "income",
                    false,
                    format!(
                        "Verdict provisoire : les plafonds de ressources {year} ne sont pas encore chargés. D'après ceux de {table_year} ({} pour un foyer en {}), les revenus {income_year} du foyer ({}) {} ; le bailleur vérifiera avec les plafonds {year}.",
                        euros(amount),
                        category.label(),
                        euros(income),
                        if income > amount {
                            "dépasseraient ce plafond, qui sera relevé"
                        } else {
                            "sont en dessous"
                        }
                    ),
                    None,
                ),
                (Some(income), Some(Lookup::Known(ceiling))) if income > ceiling => add(
                    "income",
                    true,
                    format!(
                        "Les revenus {income_year} du foyer ({}) dépassent le plafond {} pour un foyer en {} : {}.",
                        euros(income),
                        offer.financing.code(),
                        category.label(),
                        euros(ceiling)
                    ),
                    Some(
                        "Si vos revenus ont baissé d'au moins 10 %, déclarez vos revenus de l'an dernier ou des 12 derniers mois dans votre profil.",
                    ),
                ),
                (Some(_), Some(Lookup::Known(_))) => {}
            }
        }
    }

    if persons > 0 {
        let fit = policy
            .typology_fit
            .iter()
            .find(|(t, _, _)| *t == offer.typology);
        if let Some((typology, fewest, most)) = fit
            && !(*fewest..=*most).contains(&persons)
        {
            let range = if fewest == most {
                format!("{fewest} personne{}", if *fewest > 1 { "s" } else { "" })
            } else {
                format!("{fewest} à {most} personnes")
            };
            add(
                "typology",
                true,
                format!(
                    "Un {} convient à un foyer de {range} ; celui-ci en compte {persons}.",
                    typology.label()
                ),
                None,
            );
        }
    }

    let monthly_cost = offer.rent_cents + offer.charges_cents;
    match applicant.monthly_resources_cents {
        Some(resources) if resources > 0 => {
            // Rounded up: a rate just over the threshold is over it.
            let rate = (monthly_cost * 100 + resources - 1) / resources;
            // No regulation sets a maximum (domain.md §5): above the policy's threshold it is a
            // point for the landlord to examine, not a reason to refuse.
            if rate > i64::from(policy.max_effort_rate_percent) {
                add(
                    "effort",
                    false,
                    format!(
                        "À vérifier : le loyer charges comprises représenterait {rate} % des ressources mensuelles du foyer, au-delà des {} % que le bailleur retient comme repère (avant aides au logement).",
                        policy.max_effort_rate_percent
                    ),
                    Some("Vérifiez vos ressources mensuelles dans votre profil ; une aide au logement peut être prise en compte par le bailleur."),
                );
            }
        }
        _ => add(
            "effort",
            false,
            "Les ressources mensuelles du foyer ne sont pas renseignées : le taux d'effort ne peut pas être calculé.".into(),
            Some("Indiquez vos ressources mensuelles dans votre profil."),
        ),
    }

    let verdict = if reasons.iter().any(|r| r.blocking) {
        Verdict::Ineligible
    } else if reasons.is_empty() {
        Verdict::Eligible
    } else {
        Verdict::ToCheck
    };
    Assessment { verdict, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adult(age: u32) -> Person {
        Person {
            age,
            handicap: false,
            dependant: false,
            partner: false,
        }
    }

    fn child() -> Person {
        Person {
            age: 6,
            handicap: false,
            dependant: true,
            partner: false,
        }
    }

    fn applicant(members: Vec<Person>, income: u32) -> Applicant {
        Applicant {
            members,
            reference_income_eur: Some(income),
            monthly_resources_cents: Some(2_000_00),
            housing_status: HousingStatus::PrivateTenant,
            action_logement_employee: false,
            anru_rehousing: false,
            supported_tenancy: false,
            priority_public: false,
        }
    }

    fn offer(financing: Financing, typology: Typology) -> OfferTerms {
        OfferTerms {
            financing,
            typology,
            categories: vec![Category::ToutPublic],
            zone: Some(CeilingZone::OtherRegions),
            rent_cents: 400_00,
            charges_cents: 80_00,
        }
    }

    fn codes(a: &Assessment) -> Vec<&str> {
        a.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn the_official_2026_plus_ceiling_for_one_person_outside_ile_de_france_is_the_limit() {
        let policy = Policy::for_year(2026);
        let t1 = offer(Financing::Plus, Typology::T1);
        let at = assess(&applicant(vec![adult(40)], 23_403), &t1, &policy);
        assert_eq!(at.verdict, Verdict::Eligible, "{:?}", at.reasons);
        let over = assess(&applicant(vec![adult(40)], 23_404), &t1, &policy);
        assert_eq!(over.verdict, Verdict::Ineligible);
        assert_eq!(codes(&over), vec!["income"]);
        assert!(
            over.reasons[0].message.contains("23\u{202f}403"),
            "{}",
            over.reasons[0].message
        );
        assert!(over.reasons[0].message.contains("2024"));
    }

    #[test]
    fn pls_ceilings_are_plus_times_1_3_and_a_single_parent_takes_the_next_category() {
        let policy = Policy::for_year(2026);
        // One adult with one dependant child: category 3, PLS 2026 other regions = 48 859.
        let household = vec![adult(35), child()];
        let t2 = offer(Financing::Pls, Typology::T2);
        assert_eq!(
            assess(&applicant(household.clone(), 48_859), &t2, &policy).verdict,
            Verdict::Eligible
        );
        assert_eq!(
            assess(&applicant(household, 48_860), &t2, &policy).verdict,
            Verdict::Ineligible
        );
    }

    #[test]
    fn every_reason_is_given_at_once() {
        let mut family = applicant(
            vec![adult(40), adult(41), child(), child(), child()],
            90_000,
        );
        family.monthly_resources_cents = Some(1_000_00);
        let mut mutation_t1 = offer(Financing::Plus, Typology::T1);
        mutation_t1.categories = vec![Category::Mutation];
        let assessment = assess(&family, &mutation_t1, &Policy::for_year(2026));
        assert_eq!(assessment.verdict, Verdict::Ineligible);
        assert_eq!(
            codes(&assessment),
            vec!["public", "income", "typology", "effort"]
        );
        // The effort rate is a point to check, never a refusal: no regulation sets its maximum.
        for r in &assessment.reasons {
            assert_eq!(r.blocking, r.code != "effort", "{}", r.code);
            assert!(!r.message.is_empty());
        }
    }

    #[test]
    fn a_high_effort_rate_alone_is_a_warning_to_check_not_an_ineligibility() {
        let mut tight = applicant(vec![adult(30)], 15_000);
        tight.monthly_resources_cents = Some(900_00);
        let assessment = assess(
            &tight,
            &offer(Financing::Plus, Typology::T1),
            &Policy::for_year(2026),
        );
        assert_eq!(assessment.verdict, Verdict::ToCheck);
        assert_eq!(codes(&assessment), vec!["effort"]);
        assert!(
            assessment.reasons[0].message.contains("54 %"),
            "{}",
            assessment.reasons[0].message
        );
    }

    #[test]
    fn a_year_without_ceilings_gives_a_provisional_verdict_that_says_why() {
        let policy = Policy::for_year(2027);
        let t1 = offer(Financing::Plus, Typology::T1);
        for income in [20_000, 30_000] {
            let assessment = assess(&applicant(vec![adult(40)], income), &t1, &policy);
            assert_eq!(assessment.verdict, Verdict::ToCheck, "{income}");
            assert_eq!(codes(&assessment), vec!["income"]);
            let message = &assessment.reasons[0].message;
            assert!(
                message.contains("provisoire") && message.contains("2026"),
                "{message}"
            );
            assert!(message.contains("2027"), "{message}");
        }
    }

    #[test]
    fn a_commune_without_ceiling_zone_leaves_the_income_to_check() {
        let mut terms = offer(Financing::Plus, Typology::T1);
        terms.zone = None;
        let assessment = assess(
            &applicant(vec![adult(40)], 90_000),
            &terms,
            &Policy::for_year(2026),
        );
        assert_eq!(assessment.verdict, Verdict::ToCheck);
        assert_eq!(codes(&assessment), vec!["income"]);
    }

    #[test]
    fn missing_information_or_unpublished_ceilings_leave_it_to_check_rather_than_refuse() {
        let policy = Policy::for_year(2026);
        let mut unknown = applicant(vec![adult(30)], 0);
        unknown.reference_income_eur = None;
        unknown.monthly_resources_cents = None;
        let assessment = assess(&unknown, &offer(Financing::Plus, Typology::T1), &policy);
        assert_eq!(assessment.verdict, Verdict::ToCheck);
        assert!(
            assessment
                .reasons
                .iter()
                .all(|r| !r.blocking && r.fix.is_some())
        );
        let plai = assess(
            &applicant(vec![adult(30)], 10_000),
            &offer(Financing::Plai, Typology::T1),
            &policy,
        );
        assert_eq!(plai.verdict, Verdict::ToCheck);
        assert_eq!(codes(&plai), vec!["income"]);
        let nobody = assess(
            &applicant(vec![], 10_000),
            &offer(Financing::Plus, Typology::T2),
            &policy,
        );
        assert_eq!(nobody.verdict, Verdict::Ineligible);
    }

    #[test]
    fn each_public_admits_its_own_households() {
        let policy = Policy::for_year(2026);
        let mut terms = offer(Financing::Plus, Typology::T2);
        let mut person = applicant(vec![adult(30)], 15_000);
        let cases: [(Category, fn(&mut Applicant)); 5] = [
            (Category::Mutation, |a| {
                a.housing_status = HousingStatus::SocialTenant
            }),
            (Category::ActionLogement, |a| {
                a.action_logement_employee = true
            }),
            (Category::RelogementAnru, |a| a.anru_rehousing = true),
            (Category::BailGlissant, |a| a.supported_tenancy = true),
            (Category::Prioritaire, |a| a.priority_public = true),
        ];
        for (category, qualify) in cases {
            terms.categories = vec![category];
            let before = person.clone();
            assert_eq!(
                assess(&person, &terms, &policy).verdict,
                Verdict::Ineligible,
                "{category:?}"
            );
            qualify(&mut person);
            assert_eq!(
                assess(&person, &terms, &policy).verdict,
                Verdict::Eligible,
                "{category:?}"
            );
            person = before;
        }
    }

    /// A small deterministic generator: property checks without an extra dependency.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: u32) -> u32 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % u64::from(below)) as u32
        }
    }

    fn random_household(rng: &mut Lcg) -> Vec<Person> {
        let adults = 1 + rng.next(2);
        let children = rng.next(5);
        let mut members = Vec::new();
        for _ in 0..adults {
            members.push(Person {
                age: 18 + rng.next(60),
                handicap: rng.next(10) == 0,
                dependant: false,
                partner: false,
            });
        }
        for _ in 0..children {
            members.push(Person {
                age: rng.next(18),
                handicap: rng.next(20) == 0,
                dependant: true,
                partner: false,
            });
        }
        members
    }

    #[test]
    fn more_income_never_makes_an_ineligible_household_eligible() {
        let policy = Policy::for_year(2026);
        let mut rng = Lcg(7);
        for _ in 0..2_000 {
            let members = random_household(&mut rng);
            let financing = [Financing::Plus, Financing::Pls][rng.next(2) as usize];
            let terms = offer(financing, Typology::ALL[rng.next(6) as usize]);
            let income = rng.next(120_000);
            let richer = income + 1 + rng.next(20_000);
            let poor = assess(&applicant(members.clone(), income), &terms, &policy);
            let rich = assess(&applicant(members, richer), &terms, &policy);
            if poor.verdict == Verdict::Ineligible {
                assert_eq!(rich.verdict, Verdict::Ineligible, "{income} -> {richer}");
            }
        }
    }

    #[test]
    fn more_resources_never_raise_the_effort_rate_above_the_threshold_and_eligible_means_no_reason()
    {
        let policy = Policy::for_year(2026);
        let mut rng = Lcg(11);
        for _ in 0..2_000 {
            let members = random_household(&mut rng);
            let terms = offer(Financing::Plus, Typology::ALL[rng.next(6) as usize]);
            let mut household = applicant(members, rng.next(60_000));
            household.monthly_resources_cents = Some(i64::from(500_00 + rng.next(400_000)));
            let before = assess(&household, &terms, &policy);
            household.monthly_resources_cents =
                household.monthly_resources_cents.map(|r| r + 100_00);
            let after = assess(&household, &terms, &policy);
            let effort = |a: &Assessment| a.reasons.iter().any(|r| r.code == "effort");
            assert!(!effort(&after) || effort(&before));
            assert_eq!(
                before.verdict == Verdict::Eligible,
                before.reasons.is_empty()
            );
        }
    }

    #[test]
    fn a_larger_household_never_gets_a_lower_ceiling() {
        let mut rng = Lcg(3);
        for _ in 0..1_000 {
            let mut members = random_household(&mut rng);
            let before = household::category(&members).unwrap();
            members.push(Person {
                age: rng.next(18),
                handicap: false,
                dependant: true,
                partner: false,
            });
            let after = household::category(&members).unwrap();
            let ceiling =
                |c| ceilings::ceiling(Product::Plus, CeilingZone::OtherRegions, 2026, c).unwrap();
            assert!(ceiling(after) >= ceiling(before));
        }
    }
}

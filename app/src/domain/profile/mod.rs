//! The applicant's profile: household, resources, current housing, SNE request, priority
//! situations, wishes. Each part is checked on its own (the profile page saves them one at a
//! time), and the whole says how complete it is and what the eligibility engine sees.
//! Pure: shared by server and browser. The checks of each part as typed are in `forms`.

use crate::domain::calendar::Date;
use crate::domain::eligibility::{self, Applicant, Assessment, OfferTerms, Policy};
use crate::domain::household::Person;
use crate::domain::offer::{Typology, vocabulary};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// How a member relates to the applicant.
    Relationship {
        Applicant = "self" => "Demandeur ou demandeuse",
        Spouse = "spouse" => "Conjoint, concubin ou partenaire de PACS",
        Child = "child" => "Enfant",
        Other = "other" => "Autre personne",
    }
);

vocabulary!(
    /// Where the household lives today. A social tenant asks for a *mutation*.
    HousingStatus {
        Unknown = "unknown" => "Non renseigné",
        SocialTenant = "social_tenant" => "Locataire d'un logement social",
        PrivateTenant = "private_tenant" => "Locataire du parc privé",
        Hosted = "hosted" => "Hébergé·e par de la famille ou des amis",
        Homeless = "homeless" => "Sans logement",
        Shelter = "shelter" => "En structure d'hébergement ou logement temporaire",
    }
);

vocabulary!(
    /// The priority publics of article L441-1 CCH (domain.md §2), and two schemes some offers are
    /// reserved to. The "travailleurs essentiels" criterion is left out: domain.md marks it
    /// unverified.
    Situation {
        Handicap = "handicap" => "Personne en situation de handicap, ou famille ayant à charge une personne handicapée",
        SortieAct = "sortie_act" => "Sortie d'un appartement de coordination thérapeutique",
        Defavorise = "defavorise" => "Personne mal logée ou défavorisée, ou en difficultés financières ou d'insertion",
        SortieStructure = "sortie_structure" => "Hébergé·e ou logé·e temporairement dans un établissement ou un logement de transition",
        RepriseEmploi = "reprise_emploi" => "Personne mal logée reprenant une activité après un chômage de longue durée",
        LogementIndigne = "logement_indigne" => "Exposé·e à un habitat indigne",
        ViolencesConjugales = "violences_conjugales" => "Victime de violences au sein du couple, ou menacée de mariage forcé",
        ViolencesSexuelles = "violences_sexuelles" => "Victime de viol ou d'agression sexuelle au domicile ou à ses abords",
        SortieProstitution = "sortie_prostitution" => "Engagé·e dans un parcours de sortie de la prostitution",
        Traite = "traite" => "Victime de traite des êtres humains ou de proxénétisme",
        SurOccupation = "sur_occupation" => "Avec un enfant mineur, dans un logement sur-occupé ou non décent",
        SansLogement = "sans_logement" => "Dépourvu·e de logement, y compris hébergé·e par des tiers",
        MenaceExpulsion = "menace_expulsion" => "Menacé·e d'expulsion sans relogement",
        Pdalhpd = "pdalhpd" => "Public prioritaire du plan départemental (PDALHPD)",
        JeuneAse = "jeune_ase" => "Jeune de moins de 21 ans ayant été pris en charge par l'aide sociale à l'enfance",
        RelogementAnru = "relogement_anru" => "À reloger pour un projet de renouvellement urbain (ANRU) ou une démolition",
        BailGlissant = "bail_glissant" => "Accompagné·e par une association (bail glissant, intermédiation locative)",
    }
);

impl Situation {
    /// Whether this is one of the L441-1 priority publics (the others are schemes).
    pub fn is_priority(self) -> bool {
        !matches!(self, Situation::RelogementAnru | Situation::BailGlissant)
    }

    /// Whether the DALO mediation commission hears a household in this situation without
    /// waiting for the "délai anormalement long" (R441-14-1 CCH).
    pub fn opens_dalo_mediation(self) -> bool {
        matches!(
            self,
            Situation::SansLogement
                | Situation::MenaceExpulsion
                | Situation::SortieStructure
                | Situation::LogementIndigne
                | Situation::SurOccupation
        )
    }
}

vocabulary!(
    /// Which income replaces the N-2 revenu fiscal de référence after a drop of 10 % or more.
    IncomeBasis {
        LastYear = "n1" => "Revenus de l'année dernière (N-1)",
        LastTwelveMonths = "12m" => "Revenus des douze derniers mois",
    }
);

/// One person who will live in the unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub relationship: Relationship,
    pub first_name: String,
    pub birth_date: Date,
    pub handicap: bool,
    pub dependant: bool,
    /// Revenu fiscal de référence of year N-2, in euros, for a taxable adult.
    pub rfr_n2_eur: Option<u32>,
}

impl Member {
    /// A taxable adult: whoever is not fiscally dependent declares their own income.
    pub fn is_taxable(&self) -> bool {
        !self.dependant
    }
}

/// The whole profile as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub members: Vec<Member>,
    pub monthly_resources_cents: Option<i64>,
    /// A lower income declared under the 10 % drop rule, in euros a year.
    pub declared_income: Option<(IncomeBasis, u32)>,
    pub housing_status: Option<HousingStatus>,
    pub current_landlord: String,
    pub current_typology: Option<Typology>,
    pub current_rent_cents: Option<i64>,
    pub sne_number: Option<String>,
    pub first_filing_date: Option<Date>,
    pub renewal_date: Option<Date>,
    pub dalo: bool,
    pub situations: Vec<Situation>,
    pub wished_communes: Vec<String>,
    pub wished_typologies: Vec<Typology>,
    pub max_rent_cents: Option<i64>,
    /// Works for a private-sector employer of 10 staff or more (Action Logement).
    pub action_logement_employee: bool,
    /// Suitable units refused after an attribution (the cotation grid may count them).
    pub refusals: u32,
}

/// Full years between `birth` and `on`.
pub fn age_on(birth: Date, on: Date) -> u32 {
    let mut years = on.year - birth.year;
    if (on.month, on.day) < (birth.month, birth.day) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The parts of the profile, in the order of the page. `anchor` is the section's id there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    Household,
    Resources,
    Housing,
    Request,
    Situations,
    Wishes,
}

impl Part {
    pub const ALL: [Part; 6] = [
        Part::Household,
        Part::Resources,
        Part::Housing,
        Part::Request,
        Part::Situations,
        Part::Wishes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Part::Household => "Composition du foyer",
            Part::Resources => "Ressources",
            Part::Housing => "Logement actuel",
            Part::Request => "Demande de logement social (SNE)",
            Part::Situations => "Situations particulières",
            Part::Wishes => "Souhaits",
        }
    }

    pub fn anchor(self) -> &'static str {
        match self {
            Part::Household => "foyer",
            Part::Resources => "ressources",
            Part::Housing => "logement",
            Part::Request => "demande",
            Part::Situations => "situations",
            Part::Wishes => "souhaits",
        }
    }

    /// Applying needs this part filled in.
    pub fn required_to_apply(self) -> bool {
        !matches!(self, Part::Situations | Part::Wishes)
    }
}

/// One part's state: what is missing, in French, when it is not done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartState {
    pub part: Part,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    pub parts: Vec<PartState>,
}

impl Completeness {
    /// Share of the parts that are done, in percent, rounded down.
    pub fn percent(&self) -> u32 {
        let done = self.parts.iter().filter(|p| p.missing.is_empty()).count();
        (done * 100 / self.parts.len().max(1)) as u32
    }

    /// What still stands between the applicant and applying, in French.
    pub fn blocking_apply(&self) -> Vec<String> {
        self.parts
            .iter()
            .filter(|p| p.part.required_to_apply())
            .flat_map(|p| p.missing.iter().cloned())
            .collect()
    }
}

impl Profile {
    /// The household as the eligibility engine sees it on `today`.
    pub fn applicant(&self, today: Date) -> Applicant {
        let members = self
            .members
            .iter()
            .map(|m| Person {
                age: age_on(m.birth_date, today),
                handicap: m.handicap,
                dependant: m.dependant,
                partner: m.relationship == Relationship::Spouse,
            })
            .collect();
        Applicant {
            members,
            reference_income_eur: self.reference_income(),
            monthly_resources_cents: self.monthly_resources_cents,
            housing_status: self.housing_status.unwrap_or(HousingStatus::Unknown),
            action_logement_employee: self.action_logement_employee,
            anru_rehousing: self.situations.contains(&Situation::RelogementAnru),
            supported_tenancy: self.situations.contains(&Situation::BailGlissant),
            priority_public: self.dalo || self.situations.iter().any(|s| s.is_priority()),
        }
    }

    /// Whether this household may apply to `offer`, with every reason, on `today`.
    pub fn assess(&self, offer: &OfferTerms, today: Date) -> Assessment {
        eligibility::assess(&self.applicant(today), offer, &Policy::for_year(today.year))
    }

    /// The income compared with the ceilings: the declared lower income if any, otherwise the
    /// N-2 RFR summed over taxable members, known only once every one of them has given it.
    pub fn reference_income(&self) -> Option<u32> {
        if let Some((_, amount)) = self.declared_income {
            return Some(amount);
        }
        let taxable: Vec<&Member> = self.members.iter().filter(|m| m.is_taxable()).collect();
        if taxable.is_empty() {
            return None;
        }
        taxable
            .iter()
            .try_fold(0u32, |sum, m| m.rfr_n2_eur.map(|v| sum.saturating_add(v)))
    }

    /// Whether the SNE request has lapsed (not renewed by its anniversary) on `today`.
    pub fn request_lapsed(&self, today: Date) -> bool {
        self.renewal_date.is_some_and(|renewal| renewal < today)
    }

    pub fn completeness(&self, today: Date, income_year: i32) -> Completeness {
        let mut parts = Vec::new();
        for part in Part::ALL {
            let mut missing = Vec::new();
            match part {
                Part::Household => {
                    if !self
                        .members
                        .iter()
                        .any(|m| m.relationship == Relationship::Applicant)
                    {
                        missing.push("Ajoutez-vous comme membre du foyer (lien : demandeur ou demandeuse).".to_string());
                    }
                }
                Part::Resources => {
                    if self.declared_income.is_none() {
                        for m in self
                            .members
                            .iter()
                            .filter(|m| m.is_taxable() && m.rfr_n2_eur.is_none())
                        {
                            missing.push(format!(
                                "Indiquez le revenu fiscal de référence {income_year} de {}.",
                                m.first_name
                            ));
                        }
                    }
                    if self.monthly_resources_cents.is_none() {
                        missing.push("Indiquez les ressources mensuelles du foyer.".to_string());
                    }
                }
                Part::Housing => {
                    if self.housing_status.is_none_or(|s| s == HousingStatus::Unknown) {
                        missing.push("Indiquez où vous logez actuellement.".to_string());
                    }
                }
                Part::Request => match &self.sne_number {
                    None => missing.push(
                        "Indiquez le numéro unique de votre demande de logement social.".to_string(),
                    ),
                    Some(_) if self.request_lapsed(today) => missing.push(
                        "Votre demande n'a pas été renouvelée à temps : renouvelez-la, puis indiquez la nouvelle date de renouvellement.".to_string(),
                    ),
                    Some(_) => {}
                },
                Part::Situations => {}
                Part::Wishes => {
                    if self.wished_communes.is_empty() {
                        missing.push("Choisissez au moins une commune souhaitée.".to_string());
                    }
                }
            }
            parts.push(PartState { part, missing });
        }
        Completeness { parts }
    }
}

/// Comma-separated codes, as stored, read into a vocabulary (unknown codes are dropped).
pub fn parse_codes<T>(stored: &str, parse: fn(&str) -> Option<T>) -> Vec<T> {
    stored
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .filter_map(parse)
        .collect()
}

mod forms;
pub use forms::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 22).unwrap()
    }

    fn member(relationship: Relationship, birth: (i32, u32, u32), rfr: Option<u32>) -> Member {
        Member {
            id: 1,
            relationship,
            first_name: "Camille".into(),
            birth_date: Date::new(birth.0, birth.1, birth.2).unwrap(),
            handicap: false,
            dependant: relationship == Relationship::Child,
            rfr_n2_eur: rfr,
        }
    }

    #[test]
    fn ages_turn_on_the_birthday() {
        let birth = Date::new(2000, 11, 23).unwrap();
        assert_eq!(age_on(birth, today()), 25);
        assert_eq!(age_on(birth, Date::new(2026, 11, 23).unwrap()), 26);
    }

    #[test]
    fn the_reference_income_needs_every_taxable_adult_or_a_declared_drop() {
        let mut profile = Profile {
            members: vec![
                member(Relationship::Applicant, (1985, 5, 1), Some(15_000)),
                member(Relationship::Spouse, (1986, 6, 1), None),
                member(Relationship::Child, (2015, 1, 1), None),
            ],
            ..Profile::default()
        };
        assert_eq!(profile.reference_income(), None);
        profile.members[1].rfr_n2_eur = Some(9_500);
        assert_eq!(profile.reference_income(), Some(24_500));
        profile.declared_income = Some((IncomeBasis::LastTwelveMonths, 12_000));
        assert_eq!(profile.reference_income(), Some(12_000));
        let applicant = profile.applicant(today());
        assert_eq!(applicant.members.len(), 3);
        assert_eq!(applicant.members[2].age, 11);
        assert!(applicant.members[2].dependant);
    }

    #[test]
    fn completeness_names_what_is_missing() {
        let empty = Profile::default().completeness(today(), 2024);
        assert_eq!(empty.percent(), 16, "only the optional situations are done");
        assert_eq!(empty.blocking_apply().len(), 4);

        let profile = Profile {
            members: vec![member(Relationship::Applicant, (1985, 5, 1), Some(15_000))],
            monthly_resources_cents: Some(1_400_00),
            housing_status: Some(HousingStatus::Hosted),
            sne_number: Some("0251123000042".into()),
            first_filing_date: Date::new(2023, 11, 2),
            renewal_date: Date::new(2027, 11, 2),
            wished_communes: vec!["25056".into()],
            ..Profile::default()
        };
        let full = profile.completeness(today(), 2024);
        assert_eq!(full.percent(), 100);
        assert!(full.blocking_apply().is_empty());

        let lapsed = Profile {
            renewal_date: Date::new(2026, 11, 2),
            ..profile
        };
        let blocking = lapsed.completeness(today(), 2024).blocking_apply();
        assert_eq!(blocking.len(), 1);
        assert!(blocking[0].contains("renouvel"));
    }
}

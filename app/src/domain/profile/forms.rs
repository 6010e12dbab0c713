//! Each part of the profile as typed in its form, checked field by field with French messages.

use super::{HousingStatus, IncomeBasis, Member, Relationship, Situation, age_on};
use crate::domain::calendar::Date;
use crate::domain::offer::{Typology, choice, parse_euros, required_text};
use crate::domain::sne;
use crate::domain::territory::Places;
use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

fn checked_date(errors: &mut FieldErrors, field: &str, raw: &str, message: &str) -> Option<Date> {
    let parsed = Date::parse(raw);
    if parsed.is_none() {
        errors.add(field, message);
    }
    parsed
}

/// An amount in whole euros a year (a revenu fiscal de référence).
fn yearly_euros(raw: &str) -> Option<u32> {
    let cents = parse_euros(raw)?;
    u32::try_from(cents / 100).ok().filter(|v| *v <= 2_000_000)
}

/// A household member as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    pub relationship: String,
    pub first_name: String,
    pub birth_date: String,
    pub handicap: bool,
    pub dependant: bool,
    pub rfr_n2: String,
}

impl MemberInput {
    /// Checks the new member against `today` and the members already declared.
    pub fn validate(&self, today: Date, existing: &[Member]) -> Result<Member, FieldErrors> {
        let mut errors = FieldErrors::new();
        let relationship = choice(
            &mut errors,
            "relationship",
            &self.relationship,
            Relationship::parse,
            "Choisissez le lien de cette personne avec vous.",
        );
        if relationship == Some(Relationship::Applicant)
            && existing
                .iter()
                .any(|m| m.relationship == Relationship::Applicant)
        {
            errors.add(
                "relationship",
                "Le foyer compte déjà un demandeur ou une demandeuse.",
            );
        }
        if relationship == Some(Relationship::Spouse)
            && existing
                .iter()
                .any(|m| m.relationship == Relationship::Spouse)
        {
            errors.add("relationship", "Le foyer compte déjà un conjoint.");
        }
        if existing.len() >= 15 {
            errors.add(
                "relationship",
                "Un foyer compte au plus 15 personnes ; contactez le bailleur au-delà.",
            );
        }
        let first_name =
            required_text(&mut errors, "first_name", &self.first_name, 60, "le prénom");
        let birth_date = checked_date(
            &mut errors,
            "birth_date",
            &self.birth_date,
            "Indiquez la date de naissance au format JJ/MM/AAAA.",
        );
        if let Some(birth) = birth_date {
            if birth > today {
                errors.add(
                    "birth_date",
                    "La date de naissance ne peut pas être dans le futur.",
                );
            } else if age_on(birth, today) > 120 {
                errors.add("birth_date", "Vérifiez l'année de naissance.");
            }
        }
        let adult = birth_date.is_some_and(|b| age_on(b, today) >= 18);
        if relationship == Some(Relationship::Applicant)
            && !self.dependant
            && birth_date.is_some()
            && !adult
        {
            errors.add(
                "birth_date",
                "Le demandeur ou la demandeuse doit être majeur·e.",
            );
        }
        if relationship == Some(Relationship::Applicant) && self.dependant {
            errors.add(
                "dependant",
                "Le demandeur ou la demandeuse ne peut pas être à charge.",
            );
        }
        let rfr_n2_eur = match self.rfr_n2.trim() {
            "" => None,
            raw => match yearly_euros(raw) {
                Some(v) => Some(v),
                None => {
                    errors.add(
                        "rfr_n2",
                        "Indiquez le revenu fiscal de référence en euros, par exemple 18 250 (0 si aucun revenu).",
                    );
                    None
                }
            },
        };
        if self.dependant && rfr_n2_eur.is_some_and(|v| v > 0) {
            errors.add(
                "rfr_n2",
                "Une personne à charge figure sur l'avis d'impôt d'un autre membre : laissez ce champ vide.",
            );
        }
        match (relationship, birth_date, errors.is_empty()) {
            (Some(relationship), Some(birth_date), true) => Ok(Member {
                id: 0,
                relationship,
                first_name,
                birth_date,
                handicap: self.handicap,
                dependant: self.dependant,
                rfr_n2_eur: if self.dependant { None } else { rfr_n2_eur },
            }),
            _ => Err(errors),
        }
    }
}

/// The resources part as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourcesInput {
    pub monthly_resources: String,
    /// Empty when the N-2 income applies; otherwise an [`IncomeBasis`] code.
    pub income_basis: String,
    pub declared_income: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidResources {
    pub monthly_resources_cents: i64,
    pub declared_income: Option<(IncomeBasis, u32)>,
}

impl ResourcesInput {
    pub fn validate(&self) -> Result<ValidResources, FieldErrors> {
        let mut errors = FieldErrors::new();
        let monthly = match parse_euros(&self.monthly_resources) {
            Some(c) if c <= 10_000_000 => Some(c),
            _ => {
                errors.add(
                    "monthly_resources",
                    "Indiquez les ressources mensuelles du foyer en euros (salaires, pensions, allocations hors aide au logement), par exemple 1 450.",
                );
                None
            }
        };
        let declared = match self.income_basis.trim() {
            "" => None,
            code => match IncomeBasis::parse(code) {
                None => {
                    errors.add("income_basis", "Choisissez une des périodes proposées.");
                    None
                }
                Some(basis) => match yearly_euros(&self.declared_income) {
                    Some(amount) => Some((basis, amount)),
                    None => {
                        errors.add(
                            "declared_income",
                            "Indiquez le montant annuel des revenus de cette période, en euros.",
                        );
                        None
                    }
                },
            },
        };
        match monthly {
            Some(monthly_resources_cents) if errors.is_empty() => Ok(ValidResources {
                monthly_resources_cents,
                declared_income: declared,
            }),
            _ => Err(errors),
        }
    }
}

/// The current-housing part as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HousingInput {
    pub housing_status: String,
    pub current_landlord: String,
    pub current_typology: String,
    pub current_rent: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidHousing {
    pub status: HousingStatus,
    pub landlord: String,
    pub typology: Option<Typology>,
    pub rent_cents: Option<i64>,
}

impl HousingInput {
    pub fn validate(&self) -> Result<ValidHousing, FieldErrors> {
        let mut errors = FieldErrors::new();
        let status = HousingStatus::parse(self.housing_status.trim())
            .filter(|s| *s != HousingStatus::Unknown);
        if status.is_none() {
            errors.add(
                "housing_status",
                "Choisissez votre situation de logement actuelle.",
            );
        }
        let social = status == Some(HousingStatus::SocialTenant);
        let tenant = social || status == Some(HousingStatus::PrivateTenant);
        let landlord = if social {
            required_text(
                &mut errors,
                "current_landlord",
                &self.current_landlord,
                120,
                "le nom de votre bailleur social",
            )
        } else {
            String::new()
        };
        let typology = if social {
            choice(
                &mut errors,
                "current_typology",
                &self.current_typology,
                Typology::parse,
                "Choisissez le type de votre logement actuel.",
            )
        } else {
            None
        };
        let rent_cents = match (tenant, self.current_rent.trim()) {
            (false, _) => None,
            (true, "") if !social => None,
            (true, raw) => match parse_euros(raw) {
                Some(c) if c <= 1_000_000 => Some(c),
                _ => {
                    errors.add(
                        "current_rent",
                        "Indiquez votre loyer mensuel actuel en euros, par exemple 430.",
                    );
                    None
                }
            },
        };
        match status {
            Some(status) if errors.is_empty() => Ok(ValidHousing {
                status,
                landlord,
                typology,
                rent_cents,
            }),
            _ => Err(errors),
        }
    }
}

/// The SNE request part as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestInput {
    pub sne_number: String,
    pub first_filing_date: String,
    pub renewal_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRequest {
    pub sne_number: String,
    pub first_filing_date: Date,
    pub renewal_date: Date,
}

impl RequestInput {
    pub fn validate(&self, today: Date) -> Result<ValidRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let number = self.sne_number.trim().to_ascii_uppercase();
        if let Some(problem) = sne::sne_number_problem(&number) {
            errors.add("sne_number", problem);
        }
        let filed = checked_date(
            &mut errors,
            "first_filing_date",
            &self.first_filing_date,
            "Indiquez la date de dépôt initial figurant sur votre attestation (JJ/MM/AAAA).",
        );
        let renewal = checked_date(
            &mut errors,
            "renewal_date",
            &self.renewal_date,
            "Indiquez la date de renouvellement figurant sur votre attestation (JJ/MM/AAAA).",
        );
        if let Some(filed) = filed {
            // The SNE has registered requests since 28 March 2011 (domain.md §7).
            if filed > today {
                errors.add(
                    "first_filing_date",
                    "La date de dépôt ne peut pas être dans le futur.",
                );
            } else if filed
                < (Date {
                    year: 2011,
                    month: 3,
                    day: 28,
                })
            {
                errors.add(
                    "first_filing_date",
                    "Le système national d'enregistrement existe depuis le 28 mars 2011 : vérifiez la date.",
                );
            } else if let Some((month, year)) = sne::first_filing_month(&number)
                && (month, year) != (filed.month, (filed.year % 100) as u32)
            {
                errors.add(
                    "first_filing_date",
                    format!(
                        "Votre numéro unique indique un dépôt en {month:02}/{year:02} : vérifiez la date de dépôt ou le numéro."
                    ),
                );
            }
        }
        if let (Some(filed), Some(renewal)) = (filed, renewal)
            && renewal <= filed
        {
            errors.add(
                "renewal_date",
                "La date de renouvellement suit la date de dépôt.",
            );
        }
        match (filed, renewal, errors.is_empty()) {
            (Some(first_filing_date), Some(renewal_date), true) => Ok(ValidRequest {
                sne_number: number,
                first_filing_date,
                renewal_date,
            }),
            _ => Err(errors),
        }
    }
}

/// The situations part: checked boxes, as codes.
pub fn valid_situations(codes: &[String]) -> Result<Vec<Situation>, FieldErrors> {
    let mut situations = Vec::new();
    for code in codes {
        match Situation::parse(code.trim()) {
            Some(s) if !situations.contains(&s) => situations.push(s),
            Some(_) => {}
            None => {
                let mut errors = FieldErrors::new();
                errors.add(
                    "situations",
                    "Une des situations cochées est inconnue : rechargez la page.",
                );
                return Err(errors);
            }
        }
    }
    Ok(situations)
}

/// The wishes part as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WishesInput {
    /// INSEE codes of the communes already chosen (ticked).
    pub communes: Vec<String>,
    /// A commune to add, as typed: a name, a postcode or an INSEE code.
    #[serde(default)]
    pub add_commune: String,
    pub typologies: Vec<String>,
    pub max_rent: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidWishes {
    pub communes: Vec<String>,
    pub typologies: Vec<Typology>,
    pub max_rent_cents: Option<i64>,
}

/// Most communes a request may wish for.
pub const MAX_WISHED_COMMUNES: usize = 30;

impl WishesInput {
    pub fn validate(&self, places: &impl Places) -> Result<ValidWishes, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut communes: Vec<String> = Vec::new();
        for insee in self.communes.iter().take(MAX_WISHED_COMMUNES + 1) {
            match places.commune(insee.trim()) {
                Some(c) if !communes.contains(&c.insee) => communes.push(c.insee.clone()),
                Some(_) => {}
                None => errors.add("communes", "Une des communes choisies est inconnue."),
            }
        }
        if !self.add_commune.trim().is_empty() {
            match places.resolve(&self.add_commune) {
                Ok(c) if !communes.contains(&c.insee) => communes.push(c.insee.clone()),
                Ok(_) => {}
                Err(problem) => errors.add("add_commune", problem.message()),
            }
        }
        if communes.len() > MAX_WISHED_COMMUNES {
            errors.add(
                "communes",
                format!("{MAX_WISHED_COMMUNES} communes au plus : décochez-en une pour en ajouter une autre."),
            );
        }
        if communes.is_empty()
            && errors.get("communes").is_none()
            && errors.get("add_commune").is_none()
        {
            errors.add("add_commune", "Choisissez au moins une commune.");
        }
        let mut typologies = Vec::new();
        for code in &self.typologies {
            match Typology::parse(code.trim()) {
                Some(t) if !typologies.contains(&t) => typologies.push(t),
                Some(_) => {}
                None => errors.add(
                    "typologies",
                    "Un des types de logement choisis est inconnu.",
                ),
            }
        }
        let max_rent_cents = match self.max_rent.trim() {
            "" => None,
            raw => match parse_euros(raw) {
                Some(c) if c > 0 && c <= 1_000_000 => Some(c),
                _ => {
                    errors.add(
                        "max_rent",
                        "Indiquez un loyer maximum en euros charges comprises, par exemple 550.",
                    );
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidWishes {
            communes,
            typologies,
            max_rent_cents,
        })
    }
}

/// Each adult's reference tax income as typed beside their name (`income-{member}` fields),
/// in whole euros; blank lines are left out.
pub fn member_incomes(typed: &[(i64, String)]) -> Result<Vec<(i64, u32)>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut incomes = Vec::new();
    for (member_id, raw) in typed {
        if raw.trim().is_empty() {
            continue;
        }
        match parse_euros(raw).and_then(|c| u32::try_from(c / 100).ok()) {
            Some(amount) => incomes.push((*member_id, amount)),
            None => errors.add(
                &format!("income-{member_id}"),
                "Indiquez un revenu fiscal de référence en euros, par exemple 18 250 (0 si aucun revenu).",
            ),
        }
    }
    if errors.is_empty() {
        Ok(incomes)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::parse_codes;

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

    fn input(relationship: &str, birth: &str, rfr: &str) -> MemberInput {
        MemberInput {
            relationship: relationship.into(),
            first_name: "Sami".into(),
            birth_date: birth.into(),
            handicap: false,
            dependant: relationship == "child",
            rfr_n2: rfr.into(),
        }
    }

    #[test]
    fn a_member_is_checked_field_by_field() {
        let ok = input("self", "12/03/1988", "18 250")
            .validate(today(), &[])
            .unwrap();
        assert_eq!(ok.rfr_n2_eur, Some(18_250));
        assert_eq!(ok.birth_date, Date::new(1988, 3, 12).unwrap());

        let errors = input("cousin", "31/02/1988", "beaucoup")
            .validate(today(), &[])
            .unwrap_err();
        assert!(errors.get("relationship").is_some());
        assert!(errors.get("birth_date").is_some());
        assert!(errors.get("rfr_n2").is_some());

        let existing = [member(Relationship::Applicant, (1980, 1, 1), Some(10_000))];
        let twice = input("self", "1990-01-01", "0")
            .validate(today(), &existing)
            .unwrap_err();
        assert!(twice.get("relationship").unwrap().contains("déjà"));

        let future = input("child", "2027-01-01", "")
            .validate(today(), &existing)
            .unwrap_err();
        assert!(future.get("birth_date").unwrap().contains("futur"));

        let minor = input("self", "2015-01-01", "0")
            .validate(today(), &[])
            .unwrap_err();
        assert!(minor.get("birth_date").unwrap().contains("majeur"));
    }

    #[test]
    fn the_request_part_checks_the_number_against_its_filing_date() {
        let good = RequestInput {
            sne_number: "0251123000042".into(),
            first_filing_date: "02/11/2023".into(),
            renewal_date: "02/11/2027".into(),
        };
        assert_eq!(good.validate(today()).unwrap().sne_number, "0251123000042");
        let mismatch = RequestInput {
            first_filing_date: "02/12/2023".into(),
            ..good.clone()
        };
        let errors = mismatch.validate(today()).unwrap_err();
        assert!(errors.get("first_filing_date").unwrap().contains("11/23"));
        let bad = RequestInput {
            sne_number: "12345".into(),
            renewal_date: "01/01/2020".into(),
            ..good
        };
        let errors = bad.validate(today()).unwrap_err();
        assert!(errors.get("sne_number").is_some());
        assert!(errors.get("renewal_date").is_some());
    }

    #[test]
    fn a_social_tenant_names_their_landlord_and_unit() {
        let social = HousingInput {
            housing_status: "social_tenant".into(),
            ..HousingInput::default()
        };
        let errors = social.validate().unwrap_err();
        assert!(errors.get("current_landlord").is_some());
        assert!(errors.get("current_typology").is_some());
        assert!(errors.get("current_rent").is_some());
        let hosted = HousingInput {
            housing_status: "hosted".into(),
            current_rent: "n'importe quoi".into(),
            ..HousingInput::default()
        };
        let valid = hosted.validate().unwrap();
        assert_eq!(valid.status, HousingStatus::Hosted);
        assert_eq!(valid.rent_cents, None);
        assert!(HousingInput::default().validate().is_err());
    }

    #[test]
    fn resources_and_wishes_reject_what_they_cannot_read() {
        let ok = ResourcesInput {
            monthly_resources: "1 450,50".into(),
            income_basis: "n1".into(),
            declared_income: "11 000".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(ok.monthly_resources_cents, 1_450_50);
        assert_eq!(ok.declared_income, Some((IncomeBasis::LastYear, 11_000)));
        let bad = ResourcesInput {
            monthly_resources: "".into(),
            income_basis: "n1".into(),
            declared_income: "".into(),
        }
        .validate()
        .unwrap_err();
        assert!(bad.get("monthly_resources").is_some());
        assert!(bad.get("declared_income").is_some());

        let places = crate::domain::territory::tests::few();
        let wishes = WishesInput {
            communes: vec!["25056".into(), "25056".into()],
            add_commune: "Villeurbanne".into(),
            typologies: vec!["T3".into()],
            max_rent: "".into(),
        }
        .validate(&places)
        .unwrap();
        assert_eq!(
            wishes.communes,
            vec!["25056".to_string(), "69266".to_string()]
        );
        let unknown = WishesInput {
            communes: vec!["75056".into()],
            add_commune: "Atlantide".into(),
            typologies: vec!["T9".into()],
            max_rent: "-3".into(),
        }
        .validate(&places)
        .unwrap_err();
        assert_eq!(unknown.0.len(), 4);
        let nothing = WishesInput::default().validate(&places).unwrap_err();
        assert!(nothing.get("add_commune").is_some());
    }

    #[test]
    fn situations_are_read_from_their_codes() {
        let read = valid_situations(&["handicap".into(), "relogement_anru".into()]).unwrap();
        assert!(read[0].is_priority() && !read[1].is_priority());
        assert!(valid_situations(&["inconnue".into()]).is_err());
        assert_eq!(
            parse_codes("handicap,,bogus,sans_logement", Situation::parse),
            vec![Situation::Handicap, Situation::SansLogement]
        );
    }
}

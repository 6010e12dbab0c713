//! Units and offers: the closed vocabularies landlords report (domain.md §8), the offer lifecycle,
//! and the checks a unit or a publication window must pass. Pure: shared by server and browser.

use crate::domain::calendar::{Date, paris_midnight};
use crate::domain::territory::{self, Places};
use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary stored by its code, with a French label for screens.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal => $label:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        /// A stored code read back: an unknown one is an error to log, never a default.
        impl TryFrom<String> for $name {
            type Error = $crate::domain::offer::UnknownCode;
            fn try_from(code: String) -> Result<$name, Self::Error> {
                $name::parse(&code).ok_or($crate::domain::offer::UnknownCode {
                    vocabulary: stringify!($name),
                    code,
                })
            }
        }
    };
}
pub(crate) use vocabulary;

/// A code outside its vocabulary, found where only known codes are ever written: a bug or a
/// hand edit of the database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} code {code:?}")]
pub struct UnknownCode {
    pub vocabulary: &'static str,
    pub code: String,
}

vocabulary!(
    /// Number of main rooms (T1 = one room plus kitchen and bathroom).
    Typology {
        T1 = "T1" => "T1",
        T2 = "T2" => "T2",
        T3 = "T3" => "T3",
        T4 = "T4" => "T4",
        T5 = "T5" => "T5",
        T6Plus = "T6+" => "T6 et plus",
    }
);

vocabulary!(
    /// How the unit was financed, which sets its income ceiling and rent band.
    Financing {
        Plai = "PLAI" => "PLAI (très social)",
        Plus = "PLUS" => "PLUS (social ordinaire)",
        Pls = "PLS" => "PLS (intermédiaire social)",
        Pli = "PLI" => "PLI (intermédiaire)",
    }
);

vocabulary!(
    /// Who an offer is open to. Several may apply to one offer.
    Category {
        ToutPublic = "tout_public" => "Tout public",
        Mutation = "mutation" => "Mutation (locataires du parc social)",
        Pls = "pls" => "Logement PLS",
        Qpv = "qpv" => "Quartier prioritaire (QPV)",
        RelogementAnru = "relogement_anru" => "Relogement ANRU / démolition",
        ActionLogement = "action_logement" => "Salariés (Action Logement)",
        BailGlissant = "bail_glissant" => "Bail glissant / intermédiation locative",
        Prioritaire = "prioritaire" => "Publics prioritaires (DALO, article L441-1)",
    }
);

vocabulary!(
    Accessibility {
        None = "none" => "Non adapté",
        Pmr = "pmr" => "Accessible aux personnes à mobilité réduite",
        Adapted = "adapted" => "Adapté au handicap",
    }
);

vocabulary!(
    /// The réservataire whose flow the unit is oriented to (gestion en flux, domain.md §8).
    Reservataire {
        Bailleur = "bailleur" => "Bailleur (non réservé)",
        EtatPrioritaires = "etat_prioritaires" => "État — publics prioritaires",
        EtatFonctionnaires = "etat_fonctionnaires" => "État — agents publics",
        ActionLogement = "action_logement" => "Action Logement",
        Commune = "commune" => "Commune",
        Epci = "epci" => "EPCI",
        Departement = "departement" => "Département",
        AutreCollectivite = "autre_collectivite" => "Autre collectivité",
    }
);

vocabulary!(
    ConstructionPeriod {
        Before1949 = "avant 1949" => "Avant 1949",
        From1949 = "1949-1974" => "1949 à 1974",
        From1975 = "1975-1989" => "1975 à 1989",
        From1990 = "1990-2005" => "1990 à 2005",
        After2005 = "après 2005" => "Après 2005",
    }
);

vocabulary!(
    EnergyLabel {
        A = "A" => "A",
        B = "B" => "B",
        C = "C" => "C",
        D = "D" => "D",
        E = "E" => "E",
        F = "F" => "F",
        G = "G" => "G",
    }
);

vocabulary!(
    /// Where an offer stands. Only the transitions of [`OfferStatus::can_become`] exist.
    OfferStatus {
        Draft = "draft" => "Brouillon",
        Published = "published" => "Publiée",
        Closed = "closed" => "Clôturée",
        InReview = "in_review" => "En instruction",
        InCommission = "in_commission" => "En commission",
        Attributed = "attributed" => "Attribuée",
        Unsuccessful = "unsuccessful" => "Infructueuse",
        Cancelled = "cancelled" => "Annulée",
    }
);

impl OfferStatus {
    /// The lifecycle: draft → published → closed → in review → in commission → attributed or
    /// unsuccessful; a published offer may go back to draft (unpublished) and anything not yet
    /// decided may be cancelled.
    pub fn can_become(self, next: OfferStatus) -> bool {
        use OfferStatus::*;
        matches!(
            (self, next),
            (Draft, Published)
                | (Published, Draft)
                | (Published, Closed)
                | (Closed, InReview)
                | (InReview, InCommission)
                | (InCommission, Attributed)
                | (InCommission, Unsuccessful)
                | (
                    Draft | Published | Closed | InReview | InCommission,
                    Cancelled
                )
        )
    }

    /// What landlord staff may do from here, with the button label. Moving an offer into or out
    /// of commission belongs to the shortlist and the committee, not to these buttons.
    pub fn staff_actions(self) -> Vec<(OfferStatus, &'static str)> {
        use OfferStatus::*;
        let mut actions = Vec::new();
        match self {
            Draft => actions.push((Published, "Publier l'offre")),
            Published => actions.push((Draft, "Dépublier (repasser en brouillon)")),
            Closed => actions.push((InReview, "Passer en instruction")),
            _ => {}
        }
        if self.can_become(Cancelled) {
            actions.push((Cancelled, "Annuler l'offre"));
        }
        actions
    }

    /// A draft is the only state in which the window and categories may still change freely.
    pub fn is_editable(self) -> bool {
        self == OfferStatus::Draft
    }
}

/// A unit as typed into the staff form or a CSV row: every value still a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitInput {
    pub reference: String,
    pub address: String,
    pub commune_insee: String,
    pub neighbourhood: String,
    pub in_qpv: bool,
    /// The unit's QPV, by its code in the territory's list (empty: none chosen).
    #[serde(default)]
    pub qpv_code: String,
    pub typology: String,
    pub surface_m2: String,
    pub floor: String,
    pub has_lift: bool,
    pub accessibility: String,
    pub energy_label: String,
    pub financing: String,
    pub rent_euros: String,
    pub charges_euros: String,
    pub reservataire: String,
    pub construction_period: String,
    pub description: String,
}

/// What a unit is checked against besides its own fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitContext<'a> {
    /// The organisation's EPCIs (SIREN); empty: anywhere in metropolitan France.
    pub territories: &'a [String],
    /// The quartiers prioritaires of those territories.
    pub qpvs: &'a [crate::domain::qpv::Qpv],
}

/// A unit that passed every check, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidUnit {
    pub reference: String,
    pub address: String,
    pub commune_insee: String,
    pub epci_siren: String,
    pub neighbourhood: String,
    pub in_qpv: bool,
    pub qpv_code: Option<String>,
    pub typology: Typology,
    pub surface_m2: i64,
    pub floor: i64,
    pub has_lift: bool,
    pub accessibility: Accessibility,
    pub energy_label: EnergyLabel,
    pub financing: Financing,
    pub rent_cents: i64,
    pub charges_cents: i64,
    pub reservataire: Reservataire,
    pub construction_period: ConstructionPeriod,
    pub description: String,
}

pub const DESCRIPTION_MAX_CHARS: usize = 4000;

/// Parses an amount in euros as typed in France ("512,40", "512.4", "1 020"), into cents.
pub fn parse_euros(raw: &str) -> Option<i64> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '€')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (whole, fraction) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    if whole.is_empty()
        || whole.len() > 7
        || fraction.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    Some(whole * 100 + cents)
}

pub(crate) fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    what: &str,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, format!("Indiquez {what}."));
    } else if value.chars().count() > max {
        errors.add(
            field,
            format!("{} : {max} caractères au plus.", capitalise(what)),
        );
    }
    value.to_string()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(crate) fn choice<T: Copy>(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    message: &str,
) -> Option<T> {
    let parsed = parse(value.trim());
    if parsed.is_none() {
        errors.add(field, message);
    }
    parsed
}

impl UnitInput {
    /// Checks every field and reports all problems at once, each beside its field. The commune
    /// is looked up in `places` and must lie in one of the organisation's territories (when it
    /// lists any); a QPV comes from the territories' lists.
    pub fn validate(
        &self,
        places: &impl Places,
        context: &UnitContext,
    ) -> Result<ValidUnit, FieldErrors> {
        let territories = context.territories;
        let mut errors = FieldErrors::new();
        let reference = required_text(
            &mut errors,
            "reference",
            &self.reference,
            40,
            "la référence du logement",
        );
        let address = required_text(&mut errors, "address", &self.address, 200, "l'adresse");
        let commune = match territory::commune_for_unit(places, &self.commune_insee, territories) {
            Ok(place) => Some(place),
            Err(message) => {
                errors.add("commune_insee", message);
                None
            }
        };
        let mut neighbourhood = self.neighbourhood.trim().to_string();
        let mut in_qpv = self.in_qpv;
        let qpv_code = match self.qpv_code.trim() {
            "" => None,
            code => {
                // Codes are unique within a territory only: the commune tells them apart.
                let in_commune = |q: &crate::domain::qpv::Qpv| {
                    commune.is_none_or(|c| {
                        c.parent_insee.as_deref().unwrap_or(&c.insee) == q.commune_insee
                    })
                };
                let listed: Vec<&crate::domain::qpv::Qpv> =
                    context.qpvs.iter().filter(|q| q.code == code).collect();
                match listed
                    .iter()
                    .copied()
                    .find(|q| in_commune(q))
                    .or(listed.first().copied())
                {
                    Some(q) => {
                        if !in_commune(q) {
                            errors.add(
                                "qpv_code",
                                format!(
                                    "Le quartier {} n'est pas dans la commune choisie.",
                                    q.name
                                ),
                            );
                        }
                        in_qpv = true;
                        if neighbourhood.is_empty() {
                            neighbourhood = q.name.clone();
                        }
                        Some(q.code.clone())
                    }
                    None => {
                        errors.add(
                            "qpv_code",
                            "Choisissez un quartier prioritaire de la liste.",
                        );
                        None
                    }
                }
            }
        };
        if neighbourhood.chars().count() > 80 {
            errors.add(
                "neighbourhood",
                "Le nom du quartier : 80 caractères au plus.",
            );
        }
        let typology = choice(
            &mut errors,
            "typology",
            &self.typology,
            Typology::parse,
            "Choisissez une typologie (T1 à T6 et plus).",
        );
        let surface_m2 = match self.surface_m2.trim().parse::<i64>() {
            Ok(s) if (9..=400).contains(&s) => Some(s),
            _ => {
                errors.add(
                    "surface_m2",
                    "Indiquez la surface habitable en m², entre 9 et 400.",
                );
                None
            }
        };
        let floor = match self.floor.trim() {
            "" => Some(0),
            raw => match raw.parse::<i64>() {
                Ok(f) if (-1..=60).contains(&f) => Some(f),
                _ => {
                    errors.add(
                        "floor",
                        "Indiquez l'étage par un nombre (0 pour le rez-de-chaussée).",
                    );
                    None
                }
            },
        };
        let accessibility = match self.accessibility.trim() {
            "" => Some(Accessibility::None),
            raw => choice(
                &mut errors,
                "accessibility",
                raw,
                Accessibility::parse,
                "Choisissez un niveau d'accessibilité de la liste.",
            ),
        };
        let energy_label = choice(
            &mut errors,
            "energy_label",
            &self.energy_label.to_uppercase(),
            EnergyLabel::parse,
            "Choisissez une étiquette énergie de A à G.",
        );
        let financing = choice(
            &mut errors,
            "financing",
            &self.financing.to_uppercase(),
            Financing::parse,
            "Choisissez un financement : PLAI, PLUS, PLS ou PLI.",
        );
        let rent_cents = match parse_euros(&self.rent_euros) {
            Some(c) if c > 0 && c <= 500_000 => Some(c),
            _ => {
                errors.add(
                    "rent_euros",
                    "Indiquez le loyer mensuel hors charges en euros, par exemple 412,50.",
                );
                None
            }
        };
        let charges_cents = match self.charges_euros.trim() {
            "" => Some(0),
            raw => match parse_euros(raw) {
                Some(c) if c <= 200_000 => Some(c),
                _ => {
                    errors.add(
                        "charges_euros",
                        "Indiquez les charges mensuelles en euros, par exemple 85 ou 85,20.",
                    );
                    None
                }
            },
        };
        let reservataire = match self.reservataire.trim() {
            "" => Some(Reservataire::Bailleur),
            raw => choice(
                &mut errors,
                "reservataire",
                raw,
                Reservataire::parse,
                "Choisissez un réservataire de la liste.",
            ),
        };
        let construction_period = choice(
            &mut errors,
            "construction_period",
            &self.construction_period,
            ConstructionPeriod::parse,
            "Choisissez une période de construction.",
        );
        let description = self.description.trim().to_string();
        if description.chars().count() > DESCRIPTION_MAX_CHARS {
            errors.add(
                "description",
                format!("La description : {DESCRIPTION_MAX_CHARS} caractères au plus."),
            );
        }
        match (
            commune,
            typology,
            surface_m2,
            floor,
            accessibility,
            energy_label,
            financing,
            rent_cents,
            charges_cents,
            reservataire,
            construction_period,
        ) {
            (
                Some(commune),
                Some(typology),
                Some(surface_m2),
                Some(floor),
                Some(accessibility),
                Some(energy_label),
                Some(financing),
                Some(rent_cents),
                Some(charges_cents),
                Some(reservataire),
                Some(construction_period),
            ) if errors.is_empty() => Ok(ValidUnit {
                reference,
                address,
                commune_insee: commune.insee.clone(),
                epci_siren: commune.epci_siren.clone().unwrap_or_default(),
                neighbourhood,
                in_qpv,
                qpv_code,
                typology,
                surface_m2,
                floor,
                has_lift: self.has_lift,
                accessibility,
                energy_label,
                financing,
                rent_cents,
                charges_cents,
                reservataire,
                construction_period,
                description,
            }),
            _ => Err(errors),
        }
    }
}

/// Shortest and longest publication windows, in days. Paris keeps ads about nine days online
/// (domain.md §6); a window shorter than three days would exclude people who check weekly.
pub const WINDOW_MIN_DAYS: i64 = 3;
pub const WINDOW_MAX_DAYS: i64 = 31;

/// A publication window and its categories as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowInput {
    pub opens_on: String,
    pub closes_on: String,
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidWindow {
    /// First second of the opening day, Paris time.
    pub opens_at: i64,
    /// First second after the closing day, Paris time: the closing day is included.
    pub closes_at: i64,
    pub categories: Vec<Category>,
}

impl WindowInput {
    /// `now` decides what "in the past" means, so the check stays pure.
    pub fn validate(&self, now: i64) -> Result<ValidWindow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let opens = Date::parse(self.opens_on.trim());
        if opens.is_none() {
            errors.add(
                "opens_on",
                "Indiquez la date d'ouverture au format JJ/MM/AAAA.",
            );
        }
        let closes = Date::parse(self.closes_on.trim());
        if closes.is_none() {
            errors.add(
                "closes_on",
                "Indiquez la date de clôture au format JJ/MM/AAAA.",
            );
        }
        let mut categories = Vec::new();
        for code in &self.categories {
            match Category::parse(code.trim()) {
                Some(c) if !categories.contains(&c) => categories.push(c),
                Some(_) => {}
                None => {
                    errors.add(
                        "categories",
                        "Choisissez les publics dans la liste proposée.",
                    );
                    break;
                }
            }
        }
        if categories.is_empty() && errors.get("categories").is_none() {
            errors.add(
                "categories",
                "Choisissez au moins un public (par exemple « Tout public »).",
            );
        }
        if let (Some(opens), Some(closes)) = (opens, closes) {
            let days = closes.days_since_epoch() - opens.days_since_epoch() + 1;
            let closes_at = paris_midnight(closes.next_day());
            if !(WINDOW_MIN_DAYS..=WINDOW_MAX_DAYS).contains(&days) {
                errors.add(
                    "closes_on",
                    format!(
                        "La publication doit durer entre {WINDOW_MIN_DAYS} et {WINDOW_MAX_DAYS} jours, jour de clôture compris."
                    ),
                );
            } else if closes_at <= now {
                errors.add("closes_on", "La date de clôture est déjà passée.");
            }
            if errors.is_empty() {
                return Ok(ValidWindow {
                    opens_at: paris_midnight(opens),
                    closes_at,
                    categories,
                });
            }
        }
        Err(errors)
    }
}

/// Categories as stored: comma-separated codes.
pub fn categories_to_csv(categories: &[Category]) -> String {
    categories
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn categories_from_csv(csv: &str) -> Vec<Category> {
    csv.split(',')
        .filter_map(|c| Category::parse(c.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_besancon() -> UnitContext<'static> {
        static TERRITORIES: std::sync::LazyLock<Vec<String>> =
            std::sync::LazyLock::new(|| vec!["242500361".to_string()]);
        UnitContext {
            territories: &TERRITORIES,
            qpvs: BESANCON_QPVS,
        }
    }

    const BESANCON_QPVS: &[crate::domain::qpv::Qpv] = &[];

    fn unit() -> UnitInput {
        UnitInput {
            reference: "HC-056-0001".into(),
            address: "12 rue de Dole".into(),
            commune_insee: "25056".into(),
            neighbourhood: "Planoise".into(),
            in_qpv: true,
            qpv_code: String::new(),
            typology: "T3".into(),
            surface_m2: "64".into(),
            floor: "2".into(),
            has_lift: false,
            accessibility: "none".into(),
            energy_label: "c".into(),
            financing: "plus".into(),
            rent_euros: "412,50".into(),
            charges_euros: "95".into(),
            reservataire: "".into(),
            construction_period: "1949-1974".into(),
            description: "Appartement lumineux avec balcon.".into(),
        }
    }

    #[test]
    fn a_complete_unit_is_accepted_with_its_epci_derived_from_the_commune() {
        let places = crate::domain::territory::tests::few();
        let valid = unit().validate(&places, &in_besancon()).unwrap();
        assert_eq!(valid.epci_siren, "242500361");
        assert_eq!(valid.rent_cents, 41_250);
        assert_eq!(valid.charges_cents, 9_500);
        assert_eq!(valid.financing, Financing::Plus);
        assert_eq!(valid.energy_label, EnergyLabel::C);
        assert_eq!(valid.reservataire, Reservataire::Bailleur);
    }

    #[test]
    fn a_qpv_is_chosen_from_the_territory_list_and_must_be_in_the_commune() {
        let places = crate::domain::territory::tests::few();
        let qpvs = [crate::domain::qpv::Qpv {
            code: "QN02504M".into(),
            name: "Planoise".into(),
            commune_insee: "25056".into(),
        }];
        let both = ["242500361".to_string(), "200046977".to_string()];
        let context = UnitContext {
            territories: &both,
            qpvs: &qpvs,
        };
        let mut input = unit();
        input.in_qpv = false;
        input.neighbourhood = String::new();
        input.qpv_code = "QN02504M".into();
        let valid = input.validate(&places, &context).unwrap();
        assert!(valid.in_qpv);
        assert_eq!(valid.neighbourhood, "Planoise");
        assert_eq!(valid.qpv_code.as_deref(), Some("QN02504M"));
        input.commune_insee = "69266".into();
        assert!(
            input
                .validate(&places, &context)
                .unwrap_err()
                .get("qpv_code")
                .is_some()
        );
        input.commune_insee = "25056".into();
        input.qpv_code = "QN99999X".into();
        assert!(
            input
                .validate(&places, &context)
                .unwrap_err()
                .get("qpv_code")
                .is_some()
        );
    }

    #[test]
    fn every_bad_field_is_reported_beside_itself() {
        let mut input = unit();
        input.commune_insee = "75056".into();
        input.surface_m2 = "4".into();
        input.rent_euros = "beaucoup".into();
        input.typology = "T9".into();
        let places = crate::domain::territory::tests::few();
        let errors = input
            .validate(&places, &UnitContext::default())
            .unwrap_err();
        for field in ["commune_insee", "surface_m2", "rent_euros", "typology"] {
            assert!(errors.get(field).is_some(), "{field} not reported");
        }
        assert!(errors.get("address").is_none());
    }

    #[test]
    fn euros_are_read_the_french_way() {
        assert_eq!(parse_euros("512,40"), Some(51_240));
        assert_eq!(parse_euros("1 020"), Some(102_000));
        assert_eq!(parse_euros("85.5 €"), Some(8_550));
        assert_eq!(parse_euros("-3"), None);
        assert_eq!(parse_euros("1,234"), None);
        assert_eq!(parse_euros(""), None);
    }

    #[test]
    fn the_lifecycle_allows_only_its_transitions() {
        use OfferStatus::*;
        assert!(Draft.can_become(Published));
        assert!(Published.can_become(Closed));
        assert!(InCommission.can_become(Attributed));
        assert!(!Draft.can_become(Closed));
        assert!(!Closed.can_become(Published));
        assert!(!Attributed.can_become(Cancelled));
        assert!(!Cancelled.can_become(Draft));
        for status in OfferStatus::ALL {
            assert_eq!(OfferStatus::parse(status.code()), Some(*status));
            for (next, _) in status.staff_actions() {
                assert!(status.can_become(next), "{status:?} -> {next:?}");
            }
        }
        assert!(Attributed.staff_actions().is_empty());
    }

    #[test]
    fn a_window_includes_its_closing_day_in_paris_time() {
        let input = WindowInput {
            opens_on: "2026-11-24".into(),
            closes_on: "2026-12-02".into(),
            categories: vec!["mutation".into(), "qpv".into(), "mutation".into()],
        };
        let window = input.validate(0).unwrap();
        // 24 November 2026 00:00 in Paris (UTC+1) is 23 November 23:00 UTC.
        assert_eq!(window.opens_at, 1_795_474_800);
        assert_eq!(window.closes_at - window.opens_at, 9 * 86_400);
        assert_eq!(window.categories, vec![Category::Mutation, Category::Qpv]);
        assert_eq!(categories_to_csv(&window.categories), "mutation,qpv");
    }

    #[test]
    fn windows_too_short_too_long_past_or_without_public_are_refused() {
        let window = |opens: &str, closes: &str, categories: &[&str]| WindowInput {
            opens_on: opens.into(),
            closes_on: closes.into(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
        };
        let short = window("2026-11-24", "2026-11-25", &["tout_public"])
            .validate(0)
            .unwrap_err();
        assert!(short.get("closes_on").is_some());
        let long = window("2026-11-01", "2026-12-15", &["tout_public"])
            .validate(0)
            .unwrap_err();
        assert!(long.get("closes_on").is_some());
        let past = window("2020-01-01", "2020-01-09", &["tout_public"])
            .validate(1_795_474_800)
            .unwrap_err();
        assert_eq!(
            past.get("closes_on"),
            Some("La date de clôture est déjà passée.")
        );
        let nobody = window("2026-11-24", "2026-12-02", &[])
            .validate(0)
            .unwrap_err();
        assert!(nobody.get("categories").is_some());
        let unknown = window("2026-11-24", "2026-12-02", &["vip"])
            .validate(0)
            .unwrap_err();
        assert!(unknown.get("categories").is_some());
        let garbage = window("demain", "2026-02-30", &["tout_public"])
            .validate(0)
            .unwrap_err();
        assert!(garbage.get("opens_on").is_some() && garbage.get("closes_on").is_some());
    }
}

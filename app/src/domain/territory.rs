//! Places: communes (by INSEE code of the Code officiel géographique) grouped into EPCIs (by
//! SIREN), and the income-ceiling zone of a commune.
//!
//! The national list of some 35,000 communes is reference data loaded by the server
//! (`ssr::reference`); the rules here only see it through [`Places`], so they stay pure and the
//! browser bundle carries none of it.

use serde::{Deserialize, Serialize};

/// Income-ceiling zones of the arrêté of 29 July 1987.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CeilingZone {
    ParisAndNeighbours,
    IleDeFrance,
    OtherRegions,
}

impl CeilingZone {
    pub fn label(self) -> &'static str {
        match self {
            CeilingZone::ParisAndNeighbours => "Paris et communes limitrophes",
            CeilingZone::IleDeFrance => "Île-de-France hors Paris et communes limitrophes",
            CeilingZone::OtherRegions => "autres régions",
        }
    }
}

/// Metropolitan France, or overseas (départements and collectivités d'outre-mer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Area {
    Metropole,
    Overseas,
}

/// A commune, or a municipal arrondissement of Paris, Lyon or Marseille.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub insee: String,
    pub name: String,
    /// Every postcode of the commune, the first being the main one.
    pub postcodes: Vec<String>,
    pub departement: String,
    pub area: Area,
    /// The EPCI the commune belongs to (a few islands belong to none).
    pub epci_siren: Option<String>,
    /// For a municipal arrondissement, the commune it is part of (75056 for 75101).
    pub parent_insee: Option<String>,
}

impl Place {
    pub fn postcode(&self) -> &str {
        self.postcodes.first().map_or("", String::as_str)
    }

    /// "Villeurbanne (69100)": how a commune is shown in lists and fields.
    pub fn label(&self) -> String {
        match self.postcode() {
            "" => self.name.clone(),
            postcode => format!("{} ({postcode})", self.name),
        }
    }
}

/// Where the rules look communes and EPCIs up.
pub trait Places {
    fn commune(&self, insee: &str) -> Option<&Place>;
    fn epci_name(&self, siren: &str) -> Option<&str>;
    /// The commune someone typed in a field: an INSEE code, a name, a name and its postcode.
    fn resolve(&self, typed: &str) -> Result<&Place, CommuneProblem>;
}

/// Why a typed commune designates no single commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommuneProblem {
    Missing,
    Unknown(String),
    /// Several communes fit, shown as their labels ("Saint-Denis (93200)").
    Ambiguous(Vec<String>),
}

impl CommuneProblem {
    pub fn message(&self) -> String {
        match self {
            CommuneProblem::Missing => {
                "Indiquez la commune : son nom, son code postal ou son code INSEE.".into()
            }
            CommuneProblem::Unknown(typed) => format!(
                "Aucune commune ne correspond à « {typed} » : vérifiez l'orthographe, ou indiquez le code postal ou le code INSEE."
            ),
            CommuneProblem::Ambiguous(labels) => format!(
                "Plusieurs communes correspondent : {}. Précisez le code postal, par exemple « {} ».",
                labels.join(", "),
                labels.first().map_or("", String::as_str)
            ),
        }
    }
}

/// A commune typed in a unit's form, checked: known, in metropolitan France (where the ceilings
/// apply), and in one of `territories`, the EPCIs of the organisation (none: nowhere yet).
pub fn commune_for_unit<'a>(
    places: &'a impl Places,
    typed: &str,
    territories: &[String],
) -> Result<&'a Place, String> {
    let place = places.resolve(typed).map_err(|p| p.message())?;
    ceiling_zone(place).map_err(|e| e.to_string())?;
    let Some(epci) = place.epci_siren.as_deref() else {
        return Err(format!(
            "{} n'appartient à aucun EPCI : locactive ne peut pas y publier de logement.",
            place.name
        ));
    };
    if territories.is_empty() {
        return Err("Votre organisme n'a pas encore de territoire : demandez à l'administrateur de la plateforme d'ajouter l'EPCI où il a des logements.".into());
    }
    if !territories.iter().any(|t| t == epci) {
        return Err(format!(
            "{} ({}) n'est pas dans les territoires de votre organisme : demandez à l'administrateur de la plateforme de l'y ajouter.",
            place.name,
            places.epci_name(epci).unwrap_or(epci)
        ));
    }
    Ok(place)
}

/// Why a commune has no ceiling zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZoneError {
    #[error(
        "{0} est outre-mer : le logement social y est financé en LLS ou LLTS, avec des plafonds de ressources propres que locactive ne gère pas encore."
    )]
    Overseas(String),
}

/// Départements of Île-de-France.
pub const ILE_DE_FRANCE: [&str; 8] = ["75", "77", "78", "91", "92", "93", "94", "95"];

/// The 29 communes limitrophes of Paris, which share its ceilings (zone "Paris et communes
/// limitrophes" of the arrêté of 29 July 1987). Source: `shared/domain.md` §3.1, the list commonly
/// given for that zone ([C] there); INSEE codes taken from @etalab/decoupage-administratif 6.0.0
/// by name and département, not from memory.
pub const PARIS_NEIGHBOURS: [&str; 29] = [
    // Hauts-de-Seine: Boulogne-Billancourt, Clichy, Issy-les-Moulineaux, Levallois-Perret,
    // Malakoff, Montrouge, Neuilly-sur-Seine, Puteaux, Saint-Cloud, Suresnes, Vanves.
    "92012", "92024", "92040", "92044", "92046", "92049", "92051", "92062", "92064", "92073",
    "92075",
    // Seine-Saint-Denis: Aubervilliers, Bagnolet, Les Lilas, Montreuil, Pantin,
    // Le Pré-Saint-Gervais, Saint-Denis, Saint-Ouen-sur-Seine.
    "93001", "93006", "93045", "93048", "93055", "93061", "93066", "93070",
    // Val-de-Marne: Charenton-le-Pont, Fontenay-sous-Bois, Gentilly, Ivry-sur-Seine,
    // Joinville-le-Pont, Le Kremlin-Bicêtre, Nogent-sur-Marne, Saint-Mandé, Saint-Maurice,
    // Vincennes.
    "94018", "94033", "94037", "94041", "94042", "94043", "94052", "94067", "94069", "94080",
];

/// The ceiling zone of a commune, by rule: Paris (and its arrondissements) and the communes
/// limitrophes; the rest of Île-de-France; other regions. Overseas has ceilings of its own.
pub fn ceiling_zone(place: &Place) -> Result<CeilingZone, ZoneError> {
    if place.area == Area::Overseas {
        return Err(ZoneError::Overseas(place.name.clone()));
    }
    let commune = place.parent_insee.as_deref().unwrap_or(&place.insee);
    if place.departement == "75" || PARIS_NEIGHBOURS.contains(&commune) {
        Ok(CeilingZone::ParisAndNeighbours)
    } else if ILE_DE_FRANCE.contains(&place.departement.as_str()) {
        Ok(CeilingZone::IleDeFrance)
    } else {
        Ok(CeilingZone::OtherRegions)
    }
}

/// Whether `text` has the shape of an INSEE commune code: five characters, digits except the
/// Corsican 2A / 2B.
pub fn looks_like_insee(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 5
        && (b[0].is_ascii_digit() || b[0] == b'2')
        && (b[1].is_ascii_digit() || (b[0] == b'2' && matches!(b[1], b'A' | b'B' | b'a' | b'b')))
        && b[2..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A handful of real communes (from the national reference), enough for the rules' tests.
    pub struct FewPlaces(pub Vec<Place>);

    pub fn place(insee: &str, name: &str, departement: &str, epci: Option<&str>) -> Place {
        Place {
            insee: insee.into(),
            name: name.into(),
            postcodes: vec![],
            departement: departement.into(),
            area: if departement.len() == 3 && departement.starts_with("97") {
                Area::Overseas
            } else {
                Area::Metropole
            },
            epci_siren: epci.map(Into::into),
            parent_insee: None,
        }
    }

    impl Places for FewPlaces {
        fn commune(&self, insee: &str) -> Option<&Place> {
            self.0.iter().find(|p| p.insee == insee)
        }
        fn resolve(&self, typed: &str) -> Result<&Place, CommuneProblem> {
            let typed = typed.trim();
            if typed.is_empty() {
                return Err(CommuneProblem::Missing);
            }
            self.0
                .iter()
                .find(|p| p.insee == typed || p.name == typed)
                .ok_or_else(|| CommuneProblem::Unknown(typed.to_string()))
        }
        fn epci_name(&self, siren: &str) -> Option<&str> {
            match siren {
                "242500361" => Some("CU Grand Besançon Métropole"),
                "200046977" => Some("Métropole de Lyon"),
                _ => None,
            }
        }
    }

    pub fn few() -> FewPlaces {
        FewPlaces(vec![
            place("25056", "Besançon", "25", Some("242500361")),
            place("69266", "Villeurbanne", "69", Some("200046977")),
            place("97411", "Saint-Denis", "974", Some("249740119")),
        ])
    }

    #[test]
    fn paris_and_its_arrondissements_are_the_paris_zone() {
        let paris = place("75056", "Paris", "75", Some("200054781"));
        assert_eq!(ceiling_zone(&paris), Ok(CeilingZone::ParisAndNeighbours));
        let mut first = place("75101", "Paris 1er Arrondissement", "75", Some("200054781"));
        first.parent_insee = Some("75056".into());
        assert_eq!(ceiling_zone(&first), Ok(CeilingZone::ParisAndNeighbours));
    }

    #[test]
    fn communes_limitrophes_share_the_paris_zone_but_their_neighbours_do_not() {
        for (insee, name, dep) in [
            ("92012", "Boulogne-Billancourt", "92"),
            ("93066", "Saint-Denis", "93"),
            ("94080", "Vincennes", "94"),
        ] {
            let p = place(insee, name, dep, Some("200054781"));
            assert_eq!(
                ceiling_zone(&p),
                Ok(CeilingZone::ParisAndNeighbours),
                "{name}"
            );
        }
        // Nanterre (92), Bobigny (93), Créteil (94), Versailles (78), Meaux (77): Île-de-France.
        for (insee, dep) in [
            ("92050", "92"),
            ("93008", "93"),
            ("94028", "94"),
            ("78646", "78"),
            ("77284", "77"),
        ] {
            let p = place(insee, "", dep, None);
            assert_eq!(ceiling_zone(&p), Ok(CeilingZone::IleDeFrance), "{insee}");
        }
    }

    #[test]
    fn provincial_communes_are_other_regions_and_overseas_ones_have_no_zone() {
        let few = few();
        let besancon = few.commune("25056").unwrap();
        assert_eq!(ceiling_zone(besancon), Ok(CeilingZone::OtherRegions));
        let villeurbanne = few.commune("69266").unwrap();
        assert_eq!(ceiling_zone(villeurbanne), Ok(CeilingZone::OtherRegions));
        let reunion = few.commune("97411").unwrap();
        let error = ceiling_zone(reunion).unwrap_err();
        assert!(error.to_string().contains("LLS"), "{error}");
    }

    #[test]
    fn the_neighbour_list_has_29_distinct_codes_of_the_inner_ring() {
        let mut codes = PARIS_NEIGHBOURS.to_vec();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 29);
        assert!(codes.iter().all(|c| ["92", "93", "94"].contains(&&c[..2])));
    }

    #[test]
    fn a_unit_commune_must_be_known_metropolitan_and_in_the_organisation_territories() {
        let few = few();
        let besancon = vec!["242500361".to_string()];
        let found = commune_for_unit(&few, "Besançon", &besancon).unwrap();
        assert_eq!(found.insee, "25056");
        let nowhere = commune_for_unit(&few, "Besançon", &[]).unwrap_err();
        assert!(nowhere.contains("pas encore de territoire"), "{nowhere}");
        let lyon_only = vec!["200046977".to_string()];
        let found = commune_for_unit(&few, "69266", &lyon_only).unwrap();
        assert_eq!(found.name, "Villeurbanne");
        let elsewhere = commune_for_unit(&few, "25056", &lyon_only).unwrap_err();
        assert!(elsewhere.contains("Grand Besançon"), "{elsewhere}");
        let overseas = commune_for_unit(&few, "97411", &besancon).unwrap_err();
        assert!(overseas.contains("outre-mer"), "{overseas}");
        let unknown = commune_for_unit(&few, "Atlantide", &besancon).unwrap_err();
        assert!(unknown.contains("« Atlantide »"), "{unknown}");
        let missing = commune_for_unit(&few, " ", &besancon).unwrap_err();
        assert!(missing.contains("Indiquez"), "{missing}");
    }

    #[test]
    fn insee_codes_have_five_characters_with_corsica_as_2a_or_2b() {
        for ok in ["25056", "2A004", "2B033", "97411"] {
            assert!(looks_like_insee(ok), "{ok}");
        }
        for bad in ["2505", "250560", "3A004", "ABCDE", "25 56", "Besan"] {
            assert!(!looks_like_insee(bad), "{bad}");
        }
    }
}

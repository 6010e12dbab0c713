//! The demo territory: two EPCIs of the Doubs (25) and eleven of their communes, with
//! neighbourhoods and streets to build plausible addresses. Names, postcodes and EPCIs are those of
//! the national reference (a test checks it); neighbourhoods flagged `qpv` are quartiers
//! prioritaires of the geography in force since 1 January 2024 (décret of 28 December 2023; for
//! Besançon: Planoise, Palente-Orchamps, Montrapon, Clairs-Soleils, and the new Battant).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Epci {
    pub siren: &'static str,
    pub name: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Commune {
    pub insee: &'static str,
    pub name: &'static str,
    pub postcode: &'static str,
    pub epci_siren: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Neighbourhood {
    pub commune_insee: &'static str,
    pub name: &'static str,
    pub qpv: bool,
    /// Streets used to build plausible demo addresses in this neighbourhood.
    pub streets: &'static [&'static str],
}

pub const GRAND_BESANCON: Epci = Epci {
    siren: "242500361",
    name: "Grand Besançon Métropole",
};
pub const PAYS_DE_MONTBELIARD: Epci = Epci {
    siren: "200065647",
    name: "Pays de Montbéliard Agglomération",
};

pub const EPCIS: [Epci; 2] = [GRAND_BESANCON, PAYS_DE_MONTBELIARD];

pub const COMMUNES: &[Commune] = &[
    Commune {
        insee: "25056",
        name: "Besançon",
        postcode: "25000",
        epci_siren: "242500361",
    },
    Commune {
        insee: "25014",
        name: "Amagney",
        postcode: "25220",
        epci_siren: "242500361",
    },
    Commune {
        insee: "25212",
        name: "École-Valentin",
        postcode: "25480",
        epci_siren: "242500361",
    },
    Commune {
        insee: "25527",
        name: "Saint-Vit",
        postcode: "25410",
        epci_siren: "242500361",
    },
    Commune {
        insee: "25560",
        name: "Thise",
        postcode: "25220",
        epci_siren: "242500361",
    },
    Commune {
        insee: "25388",
        name: "Montbéliard",
        postcode: "25200",
        epci_siren: "200065647",
    },
    Commune {
        insee: "25031",
        name: "Audincourt",
        postcode: "25400",
        epci_siren: "200065647",
    },
    Commune {
        insee: "25580",
        name: "Valentigney",
        postcode: "25700",
        epci_siren: "200065647",
    },
    Commune {
        insee: "25057",
        name: "Bethoncourt",
        postcode: "25200",
        epci_siren: "200065647",
    },
    Commune {
        insee: "25284",
        name: "Grand-Charmont",
        postcode: "25200",
        epci_siren: "200065647",
    },
    Commune {
        insee: "25547",
        name: "Sochaux",
        postcode: "25600",
        epci_siren: "200065647",
    },
];

pub const NEIGHBOURHOODS: &[Neighbourhood] = &[
    Neighbourhood {
        commune_insee: "25056",
        name: "Planoise",
        qpv: true,
        streets: &[
            "rue de Cologne",
            "avenue de Bourgogne",
            "rue de Savoie",
            "rue d'Artois",
        ],
    },
    Neighbourhood {
        commune_insee: "25056",
        name: "Palente-Orchamps",
        qpv: true,
        streets: &["rue des Orchamps", "chemin de Palente", "rue de Vesoul"],
    },
    Neighbourhood {
        commune_insee: "25056",
        name: "Montrapon",
        qpv: true,
        streets: &["avenue de Montrapon", "rue de Fontaine-Écu"],
    },
    Neighbourhood {
        commune_insee: "25056",
        name: "Clairs-Soleils",
        qpv: true,
        streets: &["rue de Chalezeule", "rue Jean Wyrsch"],
    },
    Neighbourhood {
        commune_insee: "25056",
        name: "Battant",
        qpv: true,
        streets: &["rue Battant", "rue du Petit-Battant", "quai de Strasbourg"],
    },
    Neighbourhood {
        commune_insee: "25056",
        name: "Centre-ville",
        qpv: false,
        streets: &["rue des Granges", "rue Pasteur", "rue de la République"],
    },
    Neighbourhood {
        commune_insee: "25056",
        name: "Chaprais",
        qpv: false,
        streets: &[
            "rue de Belfort",
            "avenue Fontaine-Argent",
            "rue des Chaprais",
        ],
    },
    Neighbourhood {
        commune_insee: "25014",
        name: "Bourg",
        qpv: false,
        streets: &["rue de Besançon", "grande rue"],
    },
    Neighbourhood {
        commune_insee: "25212",
        name: "Valentin",
        qpv: false,
        streets: &["rue de la Gare", "chemin des Vignes"],
    },
    Neighbourhood {
        commune_insee: "25527",
        name: "Centre",
        qpv: false,
        streets: &["rue de Dole", "grande rue", "rue des Écoles"],
    },
    Neighbourhood {
        commune_insee: "25560",
        name: "Bourg",
        qpv: false,
        streets: &["rue de l'Église", "chemin du Stade"],
    },
    Neighbourhood {
        commune_insee: "25388",
        name: "Petite Hollande",
        qpv: true,
        streets: &[
            "rue de Bâle",
            "rue d'Helvétie",
            "avenue du Président Wilson",
        ],
    },
    Neighbourhood {
        commune_insee: "25388",
        name: "Centre",
        qpv: false,
        streets: &["rue Cuvier", "rue de Belfort", "avenue des Alliés"],
    },
    Neighbourhood {
        commune_insee: "25031",
        name: "Champs-Montants",
        qpv: true,
        streets: &["rue des Champs-Montants", "rue de Normandie"],
    },
    Neighbourhood {
        commune_insee: "25031",
        name: "Centre",
        qpv: false,
        streets: &["grande rue", "rue de Seloncourt"],
    },
    Neighbourhood {
        commune_insee: "25580",
        name: "Les Buis",
        qpv: true,
        streets: &["rue des Buis", "rue Sous-les-Vignes"],
    },
    Neighbourhood {
        commune_insee: "25057",
        name: "Champvallon",
        qpv: true,
        streets: &["rue de Champvallon", "rue Jean Jaurès"],
    },
    Neighbourhood {
        commune_insee: "25284",
        name: "Les Fougères",
        qpv: true,
        streets: &["rue des Fougères", "rue de Nommay"],
    },
    Neighbourhood {
        commune_insee: "25547",
        name: "Centre",
        qpv: false,
        streets: &["rue de Belfort", "rue de Montbéliard"],
    },
];

pub fn commune(insee: &str) -> Option<&'static Commune> {
    COMMUNES.iter().find(|c| c.insee == insee)
}

pub fn epci(siren: &str) -> Option<&'static Epci> {
    EPCIS.iter().find(|e| e.siren == siren)
}

pub fn neighbourhoods_of(insee: &str) -> impl Iterator<Item = &'static Neighbourhood> + '_ {
    NEIGHBOURHOODS
        .iter()
        .filter(move |n| n.commune_insee == insee)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_commune_belongs_to_a_known_epci_and_has_a_doubs_code() {
        for c in COMMUNES {
            assert!(epci(c.epci_siren).is_some(), "{}", c.name);
            assert!(
                c.insee.starts_with("25") && c.insee.len() == 5,
                "{}",
                c.name
            );
            assert!(c.postcode.starts_with("25"), "{}", c.name);
        }
    }

    #[test]
    fn every_commune_has_a_neighbourhood_and_every_neighbourhood_a_commune() {
        for c in COMMUNES {
            assert!(neighbourhoods_of(c.insee).next().is_some(), "{}", c.name);
        }
        for n in NEIGHBOURHOODS {
            assert!(commune(n.commune_insee).is_some(), "{}", n.name);
            assert!(!n.streets.is_empty());
        }
    }

    #[test]
    fn the_demo_communes_are_those_of_the_national_reference() {
        use app::domain::territory::Places;
        let national = app::ssr::reference::national();
        for c in COMMUNES {
            let place = national.commune(c.insee).expect(c.name);
            assert_eq!(place.name, c.name);
            assert_eq!(place.postcode(), c.postcode, "{}", c.name);
            assert_eq!(place.epci_siren.as_deref(), Some(c.epci_siren), "{}", c.name);
        }
        for e in EPCIS {
            assert!(national.epci(e.siren).is_some(), "{}", e.name);
        }
    }

    #[test]
    fn both_epcis_have_priority_neighbourhoods() {
        for e in EPCIS {
            let has_qpv = NEIGHBOURHOODS
                .iter()
                .filter(|n| n.qpv)
                .any(|n| commune(n.commune_insee).is_some_and(|c| c.epci_siren == e.siren));
            assert!(has_qpv, "{}", e.name);
        }
    }
}

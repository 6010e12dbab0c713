//! Gestion en flux (loi ELAN art. 114, décret n° 2020-145; `shared/domain.md` §8): each landlord
//! signs, per département (or commune) and year, one convention per réservataire giving it a share
//! of the yearly flow of vacant units. When staff put a vacant unit on offer they orient it to a
//! réservataire, or take it out of the flow with a reason; before 28 February each réservataire
//! receives a bilan of the units proposed and attributed for it. Pure: shared by server and browser.

use crate::domain::offer::{Reservataire, vocabulary};
use serde::{Deserialize, Serialize};

/// A share of the flow in hundredths of a percent: 2 550 is 25,5 %.
pub type BasisPoints = u32;

/// The whole flow.
pub const ALL_OF_IT: BasisPoints = 10_000;
/// The État's share (priority publics and public servants together) is at most 30 % of the flow.
pub const ETAT_MAX: BasisPoints = 3_000;
/// Of the État's share, 5 % of the flow goes to its own agents (fonctionnaires).
pub const FONCTIONNAIRES_MAX: BasisPoints = 500;

vocabulary!(
    /// Where an offer's unit is counted in the yearly flow.
    Orientation {
        Convention = "convention" => "Réservataire sous convention",
        Bailleur = "bailleur" => "Bailleur (contingent propre, non réservé)",
        Anru = "anru" => "Hors flux — relogement ANRU / NPNRU",
        Mutation = "mutation" => "Hors flux — mutation interne",
        Autre = "autre" => "Hors flux — autre motif",
    }
);

impl Orientation {
    /// Units taken out of the flow are not counted against any réservataire's share.
    pub fn out_of_flow(self) -> bool {
        matches!(
            self,
            Orientation::Anru | Orientation::Mutation | Orientation::Autre
        )
    }

    pub const OUT_OF_FLOW: &'static [Orientation] =
        &[Orientation::Anru, Orientation::Mutation, Orientation::Autre];
}

/// The réservataire an offer page names, as LOC'annonces does: the one the offer is oriented to
/// (`convention` is its réservataire's kind code and name), or why it is out of the flow; for an
/// offer made before flow management, the unit's réservataire as recorded in stock.
pub fn reservataire_label(
    orientation: Option<&str>,
    convention: Option<(&str, &str)>,
    unit_reservataire: &str,
) -> String {
    match (orientation.and_then(Orientation::parse), convention) {
        (Some(Orientation::Convention), Some((kind, name))) => {
            let kind = Reservataire::parse(kind).map_or("", Reservataire::label);
            if kind.is_empty() || kind == name {
                name.to_string()
            } else {
                format!("{kind} — {name}")
            }
        }
        (Some(Orientation::Convention) | None, _) => Reservataire::parse(unit_reservataire)
            .map_or("", Reservataire::label)
            .to_string(),
        (Some(Orientation::Bailleur), _) => Reservataire::Bailleur.label().to_string(),
        (Some(other), _) => other.label().to_string(),
    }
}

/// Whether a réservataire signs at commune level: only communes do; every other convention,
/// the préfet's included, is departmental (décret 2020-145).
pub fn signs_per_commune(kind: Reservataire) -> bool {
    kind == Reservataire::Commune
}

/// "25,5 %": a share as people read it.
pub fn share_words(share: BasisPoints) -> String {
    let whole = share / 100;
    match share % 100 {
        0 => format!("{whole}\u{a0}%"),
        cents if cents % 10 == 0 => format!("{whole},{}\u{a0}%", cents / 10),
        cents => format!("{whole},{cents:02}\u{a0}%"),
    }
}

/// Reads a share as typed ("25", "25,5", "12.75 %"): more than 0 and at most 100 %, to the
/// hundredth of a percent.
pub fn parse_share(typed: &str) -> Result<BasisPoints, String> {
    const WRONG: &str = "Indiquez la part du flux en pourcentage, par exemple 25 ou 12,5 (plus de 0 et au plus 100).";
    let cleaned: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '%')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty()
        || whole.len() > 3
        || fraction.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(WRONG.into());
    }
    let whole: u32 = whole.parse().map_err(|_| WRONG.to_string())?;
    let fraction: u32 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<u32>().map_err(|_| WRONG.to_string())? * 10,
        _ => fraction.parse().map_err(|_| WRONG.to_string())?,
    };
    let share = whole * 100 + fraction;
    if share == 0 || share > ALL_OF_IT {
        return Err(WRONG.into());
    }
    Ok(share)
}

/// Reads a number of units as typed (a forecast): a whole number up to 100 000.
pub fn parse_units(typed: &str) -> Result<u32, String> {
    let cleaned: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    match cleaned.parse::<u32>() {
        Ok(n) if n <= 100_000 => Ok(n),
        _ => Err("Indiquez un nombre entier de logements, par exemple 120.".into()),
    }
}

/// What a convention's share of a forecast flow comes to, in whole units, rounded half up.
pub fn target(share: BasisPoints, forecast_units: u32) -> u32 {
    ((u64::from(share) * u64::from(forecast_units) + 5_000) / 10_000) as u32
}

/// One convention's share, as the checks need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub kind: Reservataire,
    /// Empty for a departmental convention.
    pub commune_insee: String,
    pub share: BasisPoints,
}

/// Checks the shares of one landlord's conventions for one département and year, the new one
/// included; each problem is a French sentence, and none means they hold together:
/// - only a commune's convention is signed at commune level;
/// - the État's share is at most 30 % of the flow, of which at most 5 % for its agents;
/// - what the departmental conventions and any one commune's conventions give away is at most
///   the whole flow of that commune.
pub fn check_shares(shares: &[Share]) -> Vec<String> {
    let mut problems = Vec::new();
    if shares
        .iter()
        .any(|s| !s.commune_insee.is_empty() && !signs_per_commune(s.kind))
    {
        problems.push(
            "Seule une commune signe une convention à l'échelle de la commune : les autres réservataires, l'État compris, signent pour le département."
                .to_string(),
        );
    }
    let departmental = |kind: fn(Reservataire) -> bool| -> BasisPoints {
        shares
            .iter()
            .filter(|s| s.commune_insee.is_empty() && kind(s.kind))
            .map(|s| s.share)
            .sum()
    };
    let etat = departmental(|k| {
        matches!(
            k,
            Reservataire::EtatPrioritaires | Reservataire::EtatFonctionnaires
        )
    });
    if etat > ETAT_MAX {
        problems.push(format!(
            "La part de l'État (publics prioritaires et agents publics) est d'au plus 30\u{a0}% du flux annuel ; elle serait de {}.",
            share_words(etat)
        ));
    }
    let fonctionnaires = departmental(|k| k == Reservataire::EtatFonctionnaires);
    if fonctionnaires > FONCTIONNAIRES_MAX {
        problems.push(format!(
            "La part réservée aux agents publics de l'État est d'au plus 5\u{a0}% du flux annuel ; elle serait de {}.",
            share_words(fonctionnaires)
        ));
    }
    let whole_departement = departmental(|_| true);
    let mut communes: Vec<&str> = shares
        .iter()
        .map(|s| s.commune_insee.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    communes.sort_unstable();
    communes.dedup();
    let worst = communes
        .iter()
        .map(|c| {
            whole_departement
                + shares
                    .iter()
                    .filter(|s| s.commune_insee == *c)
                    .map(|s| s.share)
                    .sum::<BasisPoints>()
        })
        .chain([whole_departement])
        .max()
        .unwrap_or(0);
    if worst > ALL_OF_IT {
        problems.push(format!(
            "Les conventions donneraient {} du flux annuel : le total ne peut dépasser 100\u{a0}%.",
            share_words(worst)
        ));
    }
    problems
}

/// What is left to the landlord's own (non-reserved) share in a commune once the departmental
/// conventions and that commune's have been served.
pub fn own_share(shares: &[Share], commune_insee: &str) -> BasisPoints {
    let given: BasisPoints = shares
        .iter()
        .filter(|s| s.commune_insee.is_empty() || s.commune_insee == commune_insee)
        .map(|s| s.share)
        .sum();
    ALL_OF_IT.saturating_sub(given)
}

/// How far one réservataire's share of the year is used, shown when staff orient a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// What the orientation field sends for it: `r:{réservataire id}`, or `bailleur`.
    pub choice: String,
    pub label: String,
    pub share: BasisPoints,
    /// The units its share comes to, when the year's flow has been forecast.
    pub target: Option<u32>,
    pub oriented: i64,
    pub attributed: i64,
}

impl Usage {
    /// "3 orientés sur 6 prévus (50 %)": where the réservataire stands against its target.
    pub fn progress_words(&self) -> String {
        let oriented = match self.oriented {
            0 => "aucun logement orienté".to_string(),
            1 => "1 logement orienté".to_string(),
            n => format!("{n} logements orientés"),
        };
        match self.target {
            Some(0) | None => oriented,
            Some(target) => format!(
                "{oriented} sur {target} prévus ({}\u{a0}%)",
                self.oriented * 100 / i64::from(target)
            ),
        }
    }

    /// Whether it has had its share already: the form says so, and staff orient elsewhere unless
    /// they have a reason.
    pub fn is_served(&self) -> bool {
        self.target
            .is_some_and(|target| self.oriented >= i64::from(target))
    }
}

/// One offer counted in a bilan: the unit it let out and whether a lease followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanUnit {
    pub typology: String,
    pub financing: String,
    pub in_qpv: bool,
    pub commune: String,
    pub construction_period: String,
    pub attributed: bool,
}

/// One line of a breakdown: a value and the units proposed and attributed with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilanLine {
    pub value: String,
    pub proposed: i64,
    pub attributed: i64,
}

/// One breakdown of a bilan ("Par typologie").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub title: String,
    pub lines: Vec<BilanLine>,
}

/// What a landlord sends one réservataire for a year (domain.md §8): units proposed and
/// attributed, broken down by typology, financing, QPV, commune and construction period; the
/// units taken out of the flow and why; and the forecast of the next year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilan {
    pub landlord: String,
    pub reservataire: String,
    pub year: i32,
    /// Its conventions of the year: `(territory, share)`.
    pub conventions: Vec<(String, BasisPoints)>,
    pub proposed: i64,
    pub attributed: i64,
    /// What its shares of the year's forecast flow came to, when forecast.
    pub target: Option<u32>,
    pub breakdowns: Vec<Breakdown>,
    /// Units the landlord took out of the flow in the réservataire's territories: `(reason, count)`.
    pub out_of_flow: Vec<(String, i64)>,
    /// The next year, per territory: `(territory, forecast flow, forecast out of the flow, the
    /// réservataire's units at its share)`.
    pub next_year: Vec<(String, u32, u32, Option<u32>)>,
}

/// "1 logement", "12 logements".
pub fn units_words(n: i64) -> String {
    if n > 1 || n < -1 {
        format!("{n} logements")
    } else {
        format!("{n} logement")
    }
}

/// "2 logements proposés, 1 attribué, pour un objectif de 12 logements": a bilan in one line.
pub fn bilan_summary(bilan: &Bilan) -> String {
    let plural = |n: i64| if n > 1 { "s" } else { "" };
    let target = bilan
        .target
        .map(|t| format!(", pour un objectif de {}", units_words(i64::from(t))))
        .unwrap_or_default();
    format!(
        "{} proposé{}, {} attribué{}{target}",
        units_words(bilan.proposed),
        plural(bilan.proposed),
        bilan.attributed,
        plural(bilan.attributed)
    )
}

/// Counts `units` by `key`, in the order `order` gives (values outside it last, by name).
fn breakdown(
    title: &str,
    units: &[BilanUnit],
    key: impl Fn(&BilanUnit) -> String,
    order: &[&str],
) -> Breakdown {
    let mut lines: Vec<BilanLine> = Vec::new();
    for unit in units {
        let value = key(unit);
        match lines.iter_mut().find(|l| l.value == value) {
            Some(line) => {
                line.proposed += 1;
                line.attributed += i64::from(unit.attributed);
            }
            None => lines.push(BilanLine {
                value,
                proposed: 1,
                attributed: i64::from(unit.attributed),
            }),
        }
    }
    let rank = |value: &str| {
        order
            .iter()
            .position(|o| *o == value)
            .unwrap_or(order.len())
    };
    lines.sort_by(|a, b| {
        rank(&a.value)
            .cmp(&rank(&b.value))
            .then_with(|| a.value.cmp(&b.value))
    });
    Breakdown {
        title: title.to_string(),
        lines,
    }
}

/// The breakdowns of a bilan, each line with its proposed and attributed units.
pub fn breakdowns(units: &[BilanUnit]) -> Vec<Breakdown> {
    use crate::domain::offer::{ConstructionPeriod, Financing, Typology};
    let typologies: Vec<&str> = Typology::ALL.iter().map(|t| t.code()).collect();
    let financings: Vec<&str> = Financing::ALL.iter().map(|f| f.code()).collect();
    let periods: Vec<&str> = ConstructionPeriod::ALL
        .iter()
        .map(|p| p.label())
        .chain(["Non renseignée"])
        .collect();
    vec![
        breakdown("Par typologie", units, |u| u.typology.clone(), &typologies),
        breakdown(
            "Par financement",
            units,
            |u| u.financing.clone(),
            &financings,
        ),
        breakdown(
            "En quartier prioritaire (QPV) ou hors QPV",
            units,
            |u| if u.in_qpv { "En QPV" } else { "Hors QPV" }.to_string(),
            &["En QPV", "Hors QPV"],
        ),
        breakdown("Par commune", units, |u| u.commune.clone(), &[]),
        breakdown(
            "Par période de construction",
            units,
            |u| {
                ConstructionPeriod::parse(&u.construction_period)
                    .map_or("Non renseignée", ConstructionPeriod::label)
                    .to_string()
            },
            &periods,
        ),
    ]
}

/// Quotes a CSV field when it holds the separator, a quote or a line break; names typed by
/// people cannot become formulas.
fn csv_field(text: &str) -> String {
    let text = crate::domain::format::spreadsheet_safe(text);
    if text.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The bilan as CSV (semicolon-separated, as French spreadsheets open it): one line per figure.
pub fn bilan_csv(bilan: &Bilan) -> String {
    let mut out = String::from("rubrique;valeur;proposes;attribues\n");
    let mut line = |section: &str, value: &str, proposed: String, attributed: String| {
        out.push_str(&format!(
            "{};{};{proposed};{attributed}\n",
            csv_field(section),
            csv_field(value)
        ));
    };
    line(
        "Total",
        &format!("{} {}", bilan.reservataire, bilan.year),
        bilan.proposed.to_string(),
        bilan.attributed.to_string(),
    );
    for b in &bilan.breakdowns {
        for l in &b.lines {
            line(
                &b.title,
                &l.value,
                l.proposed.to_string(),
                l.attributed.to_string(),
            );
        }
    }
    for (reason, count) in &bilan.out_of_flow {
        line("Hors flux", reason, count.to_string(), String::new());
    }
    for (territory, flow, out_of_flow, units) in &bilan.next_year {
        line(
            &format!("Prévision {}", bilan.year + 1),
            territory,
            flow.to_string(),
            String::new(),
        );
        line(
            &format!("Prévision {} hors flux", bilan.year + 1),
            territory,
            out_of_flow.to_string(),
            String::new(),
        );
        if let Some(units) = units {
            line(
                &format!("Prévision {} pour le réservataire", bilan.year + 1),
                territory,
                units.to_string(),
                String::new(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn departmental(kind: Reservataire, share: BasisPoints) -> Share {
        Share {
            kind,
            commune_insee: String::new(),
            share,
        }
    }

    #[test]
    fn an_offer_names_the_reservataire_it_is_oriented_to() {
        assert_eq!(
            reservataire_label(
                Some("convention"),
                Some(("action_logement", "Action Logement Services")),
                "bailleur"
            ),
            "Action Logement — Action Logement Services"
        );
        assert_eq!(
            reservataire_label(Some("convention"), Some(("commune", "Commune")), "bailleur"),
            "Commune"
        );
        assert_eq!(
            reservataire_label(Some("anru"), None, "commune"),
            "Hors flux — relogement ANRU / NPNRU"
        );
        assert_eq!(
            reservataire_label(Some("bailleur"), None, "commune"),
            "Bailleur (non réservé)"
        );
        // Before flow management: the unit's stock réservataire.
        assert_eq!(reservataire_label(None, None, "commune"), "Commune");
    }

    #[test]
    fn shares_read_as_typed_and_print_the_french_way() {
        assert_eq!(parse_share("25"), Ok(2_500));
        assert_eq!(parse_share("25,5 %"), Ok(2_550));
        assert_eq!(parse_share(" 12.75"), Ok(1_275));
        assert_eq!(parse_share("100"), Ok(10_000));
        for wrong in ["", "0", "100,01", "-5", "25,555", "vingt", "1e2", "1000"] {
            assert!(parse_share(wrong).is_err(), "{wrong:?} was accepted");
        }
        assert_eq!(share_words(2_500), "25\u{a0}%");
        assert_eq!(share_words(2_550), "25,5\u{a0}%");
        assert_eq!(share_words(1_275), "12,75\u{a0}%");
        assert_eq!(share_words(5), "0,05\u{a0}%");
    }

    #[test]
    fn a_share_of_the_forecast_rounds_half_up() {
        // 25 % of 120 units is 30; 12,5 % of 20 is 2,5, so 3; 30 % of 0 is 0.
        assert_eq!(target(2_500, 120), 30);
        assert_eq!(target(1_250, 20), 3);
        assert_eq!(target(1_240, 20), 2);
        assert_eq!(target(3_000, 0), 0);
    }

    #[test]
    fn the_etat_share_and_its_agents_share_are_capped() {
        let within = [
            departmental(Reservataire::EtatPrioritaires, 2_500),
            departmental(Reservataire::EtatFonctionnaires, 500),
            departmental(Reservataire::ActionLogement, 4_000),
        ];
        assert_eq!(check_shares(&within), Vec::<String>::new());

        let etat_over = [
            departmental(Reservataire::EtatPrioritaires, 2_600),
            departmental(Reservataire::EtatFonctionnaires, 500),
        ];
        let problems = check_shares(&etat_over);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("31\u{a0}%"), "{problems:?}");

        let agents_over = [departmental(Reservataire::EtatFonctionnaires, 600)];
        let problems = check_shares(&agents_over);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("agents publics"), "{problems:?}");
    }

    #[test]
    fn the_total_counts_departmental_shares_with_each_communes_own() {
        let mut shares = vec![
            departmental(Reservataire::EtatPrioritaires, 3_000),
            departmental(Reservataire::ActionLogement, 4_000),
            Share {
                kind: Reservataire::Commune,
                commune_insee: "25056".into(),
                share: 2_000,
            },
            // Another commune's share does not add to Besançon's.
            Share {
                kind: Reservataire::Commune,
                commune_insee: "25388".into(),
                share: 3_000,
            },
        ];
        assert_eq!(check_shares(&shares), Vec::<String>::new());
        assert_eq!(own_share(&shares, "25056"), 1_000);
        assert_eq!(own_share(&shares, "25388"), 0);
        assert_eq!(own_share(&shares, "25047"), 3_000);

        shares.push(Share {
            kind: Reservataire::Commune,
            commune_insee: "25056".into(),
            share: 1_500,
        });
        let problems = check_shares(&shares);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("105\u{a0}%"), "{problems:?}");
    }

    #[test]
    fn only_communes_sign_per_commune() {
        let shares = [Share {
            kind: Reservataire::ActionLogement,
            commune_insee: "25056".into(),
            share: 1_000,
        }];
        assert_eq!(check_shares(&shares).len(), 1);
    }

    #[test]
    fn usage_says_where_a_reservataire_stands() {
        let mut usage = Usage {
            choice: "r:1".into(),
            label: "Action Logement".into(),
            share: 2_500,
            target: Some(6),
            oriented: 3,
            attributed: 1,
        };
        assert_eq!(
            usage.progress_words(),
            "3 logements orientés sur 6 prévus (50\u{a0}%)"
        );
        assert!(!usage.is_served());
        usage.oriented = 6;
        assert!(usage.is_served());
        usage.target = None;
        usage.oriented = 0;
        assert_eq!(usage.progress_words(), "aucun logement orienté");
    }

    fn unit(typology: &str, financing: &str, in_qpv: bool, attributed: bool) -> BilanUnit {
        BilanUnit {
            typology: typology.into(),
            financing: financing.into(),
            in_qpv,
            commune: "Besançon".into(),
            construction_period: "1975-1989".into(),
            attributed,
        }
    }

    #[test]
    fn a_bilan_breaks_units_down_in_the_vocabularies_order() {
        let units = [
            unit("T3", "PLUS", true, true),
            unit("T2", "PLAI", false, false),
            unit("T3", "PLUS", false, true),
        ];
        let b = breakdowns(&units);
        let lines = |i: usize| -> Vec<(String, i64, i64)> {
            b[i].lines
                .iter()
                .map(|l| (l.value.clone(), l.proposed, l.attributed))
                .collect()
        };
        assert_eq!(lines(0), [("T2".into(), 1, 0), ("T3".into(), 2, 2)]);
        assert_eq!(lines(1), [("PLAI".into(), 1, 0), ("PLUS".into(), 2, 2)]);
        assert_eq!(
            lines(2),
            [("En QPV".into(), 1, 1), ("Hors QPV".into(), 2, 1)]
        );
        assert_eq!(lines(4), [("1975 à 1989".into(), 3, 2)]);
    }

    #[test]
    fn the_csv_quotes_what_needs_it() {
        let bilan = Bilan {
            landlord: "Habitat".into(),
            reservataire: "Ville de \"B\"; centre".into(),
            year: 2026,
            conventions: vec![],
            proposed: 2,
            attributed: 1,
            target: None,
            breakdowns: breakdowns(&[unit("T3", "PLUS", true, true)]),
            out_of_flow: vec![("Relogement ANRU / NPNRU".into(), 1)],
            next_year: vec![("Doubs".into(), 100, 10, Some(25))],
        };
        assert_eq!(bilan_summary(&bilan), "2 logements proposés, 1 attribué");
        let csv = bilan_csv(&bilan);
        assert!(csv.starts_with("rubrique;valeur;proposes;attribues\nTotal;\"Ville de \"\"B\"\"; centre 2026\";2;1\n"), "{csv}");
        assert!(csv.contains("Par typologie;T3;1;1\n"));
        assert!(csv.contains("Hors flux;Relogement ANRU / NPNRU;1;\n"));
        assert!(csv.contains("Prévision 2027 pour le réservataire;Doubs;25;\n"));
    }
}

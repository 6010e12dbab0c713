//! Quartiers prioritaires de la politique de la ville, as a territory lists them: the territory's
//! admin pastes the list (code, name, commune), every line is checked, and staff then pick a
//! unit's QPV from it.

use crate::domain::territory::Places;
use serde::{Deserialize, Serialize};

/// Most neighbourhoods one territory lists (Paris has some twenty, a large EPCI a few dozen).
pub const MAX_PER_TERRITORY: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qpv {
    pub code: String,
    pub name: String,
    pub commune_insee: String,
}

impl Qpv {
    /// "Planoise — QN02504M", as a choice list shows it.
    pub fn label(&self) -> String {
        format!("{} — {}", self.name, self.code)
    }
}

fn valid_code(code: &str) -> bool {
    (4..=16).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Reads a pasted list, one neighbourhood a line: `code;nom;code INSEE de la commune` (or with
/// commas or tabs). A first line naming the columns is skipped. Every faulty line is reported
/// with its number; the communes must belong to `epci_siren`.
pub fn parse_list(
    text: &str,
    places: &impl Places,
    epci_siren: &str,
) -> Result<Vec<Qpv>, Vec<String>> {
    let mut list: Vec<Qpv> = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if problems.len() >= 50 {
            problems.push("Trop d'erreurs : corrigez celles-ci puis renvoyez la liste.".into());
            break;
        }
        let separator = [';', '\t', ',']
            .into_iter()
            .find(|s| line.contains(*s))
            .unwrap_or(';');
        let fields: Vec<&str> = line.split(separator).map(str::trim).collect();
        if number == 1
            && fields
                .first()
                .is_some_and(|f| f.eq_ignore_ascii_case("code"))
        {
            continue;
        }
        let [code, name, insee] = fields[..] else {
            problems.push(format!(
                "Ligne {number} : trois colonnes attendues (code ; nom ; code INSEE de la commune)."
            ));
            continue;
        };
        let code = code.to_uppercase();
        if !valid_code(&code) {
            problems.push(format!(
                "Ligne {number} : « {code} » n'est pas un code de quartier (4 à 16 lettres, chiffres ou tirets)."
            ));
            continue;
        }
        if name.is_empty() || name.chars().count() > 120 {
            problems.push(format!(
                "Ligne {number} : le nom du quartier (120 caractères au plus)."
            ));
            continue;
        }
        match places.commune(insee) {
            None => problems.push(format!("Ligne {number} : commune inconnue « {insee} ».")),
            Some(p) if p.epci_siren.as_deref() != Some(epci_siren) => problems.push(format!(
                "Ligne {number} : {} n'est pas une commune de ce territoire.",
                p.name
            )),
            Some(p) => {
                if list.iter().any(|q| q.code == code) {
                    problems.push(format!(
                        "Ligne {number} : le code {code} figure déjà plus haut."
                    ));
                } else if list.len() >= MAX_PER_TERRITORY {
                    problems.push(format!(
                        "Ligne {number} : {MAX_PER_TERRITORY} quartiers au plus par territoire."
                    ));
                } else {
                    list.push(Qpv {
                        code,
                        name: name.to_string(),
                        commune_insee: p.parent_insee.clone().unwrap_or_else(|| p.insee.clone()),
                    });
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(list)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::territory::tests::few;

    #[test]
    fn a_pasted_list_is_read_with_its_header_and_separators() {
        let text = "code;nom;commune\nQN02504M;Planoise;25056\n\nqn02505m\tBattant\t25056\n";
        let list = parse_list(text, &few(), "242500361").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].code, "QN02505M");
        assert_eq!(list[0].label(), "Planoise — QN02504M");
    }

    #[test]
    fn every_faulty_line_is_named() {
        let text = "QN1;x;25056\nQN02504M;Planoise;69266\nQN02504M;Planoise;25056\nQN02504M;Bis;25056\nQN0;;\nQN02506M;Sans commune;99999";
        let problems = parse_list(text, &few(), "242500361").unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
        for (line, problem) in [1, 2, 4, 5, 6].iter().zip(&problems) {
            assert!(problem.starts_with(&format!("Ligne {line} ")), "{problem}");
        }
    }
}

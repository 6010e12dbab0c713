//! French administrative identifiers.

/// A SIREN is 9 digits whose Luhn checksum is valid (INSEE's rule for the Sirene register).
pub fn siren_problem(raw: &str) -> Option<&'static str> {
    let value: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if value.len() != 9 || !value.chars().all(|c| c.is_ascii_digit()) {
        return Some("Le SIREN compte exactement 9 chiffres.");
    }
    if !luhn_valid(&value) {
        return Some(
            "Ce SIREN n'est pas valide (clé de contrôle incorrecte) : vérifiez-le sur l'avis de situation Sirene.",
        );
    }
    None
}

/// The longest name of an organisation or of one of its commissions.
pub const NAME_MAX_CHARS: usize = 120;

/// A name as typed (`of` says whose, e.g. "de l'organisme"), trimmed, or why it is refused.
pub fn checked_name(typed: &str, of: &str) -> Result<String, String> {
    let name = typed.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
        return Err(format!(
            "Indiquez le nom {of} ({NAME_MAX_CHARS} caractères au plus)."
        ));
    }
    Ok(name.to_string())
}

/// The SIREN without spaces, as stored.
pub fn normalize_siren(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_sirens_pass() {
        // Grand Besançon Métropole and Pays de Montbéliard Agglomération.
        assert_eq!(siren_problem("242500361"), None);
        assert_eq!(siren_problem("200 065 647"), None);
        assert_eq!(normalize_siren("200 065 647"), "200065647");
    }

    #[test]
    fn wrong_sirens_fail() {
        assert!(siren_problem("242500362").is_some());
        assert!(siren_problem("24250036").is_some());
        assert!(siren_problem("24250036A").is_some());
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_bounded() {
        assert_eq!(checked_name("  Habitat Comtois ", "de l'organisme").unwrap(), "Habitat Comtois");
        assert_eq!(
            checked_name(" ", "de la commission").unwrap_err(),
            "Indiquez le nom de la commission (120 caractères au plus)."
        );
        assert!(checked_name(&"é".repeat(121), "de l'organisme").is_err());
        assert!(checked_name(&"é".repeat(120), "de l'organisme").is_ok());
    }
}

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

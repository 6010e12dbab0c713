//! The numéro unique d'enregistrement of the Système national d'enregistrement (SNE).
//!
//! Its structure is not published as a specification: the one real example known (an Île-de-France
//! attestation, `1111023517879GDPUB`) reads as a 3-character territory code, the MMYY of the first
//! filing, a 6-digit sequence and a 5-character guichet code. Numbers are therefore stored exactly as
//! given; validation only refuses what cannot be one (see `shared/domain.md` §7).

/// Why a string cannot be an SNE number, in French, or `None` when it can.
pub fn sne_number_problem(raw: &str) -> Option<&'static str> {
    let value = raw.trim();
    if value.is_empty() {
        return Some(
            "Indiquez votre numéro unique d'enregistrement (il figure sur votre attestation).",
        );
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some("Le numéro unique ne contient que des chiffres et des lettres, sans espace.");
    }
    if value.len() != 13 && value.len() != 18 {
        return Some("Le numéro unique compte 13 ou 18 caractères.");
    }
    if !value[..13].chars().all(|c| c.is_ascii_digit()) {
        return Some("Les 13 premiers caractères du numéro unique sont des chiffres.");
    }
    let month: u32 = value[3..5].parse().unwrap_or(0);
    if !(1..=12).contains(&month) {
        return Some(
            "Le numéro unique ne correspond pas à un mois de dépôt valide (caractères 4 et 5).",
        );
    }
    None
}

/// The month and two-digit year of the first filing, as encoded in the number.
pub fn first_filing_month(value: &str) -> Option<(u32, u32)> {
    if sne_number_problem(value).is_some() {
        return None;
    }
    let value = value.trim();
    let month = value[3..5].parse().ok()?;
    let year = value[5..7].parse().ok()?;
    Some((month, year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_example_is_accepted() {
        assert_eq!(sne_number_problem("1111023517879GDPUB"), None);
        assert_eq!(first_filing_month("1111023517879GDPUB"), Some((10, 23)));
    }

    #[test]
    fn the_short_form_is_accepted() {
        assert_eq!(sne_number_problem("0251123000042"), None);
        assert_eq!(first_filing_month("0251123000042"), Some((11, 23)));
    }

    #[test]
    fn impossible_numbers_are_refused() {
        assert!(sne_number_problem("").is_some());
        assert!(sne_number_problem("111 1023517879").is_some());
        assert!(sne_number_problem("12345").is_some());
        assert!(sne_number_problem("11113235178790").is_some());
        assert!(
            sne_number_problem("1111323517879GDPUB").is_some(),
            "month 13"
        );
        assert!(sne_number_problem("AB11023517879GDPUB").is_some());
    }
}

//! Rules for accounts: e-mail addresses, passwords, names.

use crate::error::FieldErrors;

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const EMAIL_MAX_CHARS: usize = 254;
const NAME_MAX_CHARS: usize = 100;

/// Lower-cases and trims an address so that one mailbox maps to one account.
pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// A deliberately simple shape check: one `@`, a non-empty local part, a dotted domain, no spaces.
/// Deliverability is proven by the activation e-mail, not by a pattern.
pub fn email_problem(email: &str) -> Option<&'static str> {
    if email.is_empty() {
        return Some("Indiquez votre adresse e-mail.");
    }
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Some("Cette adresse e-mail est trop longue.");
    }
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Some("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).");
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || !domain_ok || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Some("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).");
    }
    None
}

/// Length is what protects a password (ANSSI and CNIL guidance favour long passphrases);
/// a few obviously weak shapes are refused too.
pub fn password_problem(password: &str) -> Option<String> {
    let count = password.chars().count();
    if count < PASSWORD_MIN_CHARS {
        return Some(format!(
            "Le mot de passe doit contenir au moins {PASSWORD_MIN_CHARS} caractères."
        ));
    }
    if count > PASSWORD_MAX_CHARS {
        return Some(format!(
            "Le mot de passe ne doit pas dépasser {PASSWORD_MAX_CHARS} caractères."
        ));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Some("Ce mot de passe est trop simple : variez davantage les caractères.".into());
    }
    None
}

pub fn display_name_problem(name: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() {
        return Some("Indiquez votre nom.");
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Some("Ce nom est trop long (100 caractères au plus).");
    }
    if name.chars().any(char::is_control) {
        return Some("Ce nom contient des caractères non autorisés.");
    }
    None
}

/// Checks a new password and its confirmation, adding messages under the given field names.
pub fn check_new_password(
    errors: &mut FieldErrors,
    password: &str,
    confirmation: &str,
    field: &str,
    confirmation_field: &str,
) {
    if let Some(problem) = password_problem(password) {
        errors.add(field, problem);
    } else if password != confirmation {
        errors.add(
            confirmation_field,
            "Les deux mots de passe ne sont pas identiques.",
        );
    }
}

/// Where to go back after signing in, if `raw` is a page of this site: a path, never another
/// host (`//host`, `/\\host`, `https:`), so a link cannot send someone elsewhere with it.
pub fn return_path(raw: &str) -> Option<&str> {
    let path = raw.trim();
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path.len() <= 2_000;
    (local && !path.starts_with("/connexion") && !path.starts_with("/api/")).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_before_comparison() {
        assert_eq!(
            normalize_email("  Marie.Dupont@Exemple.FR "),
            "marie.dupont@exemple.fr"
        );
    }

    #[test]
    fn email_shapes() {
        assert_eq!(email_problem("marie@exemple.fr"), None);
        assert!(email_problem("").is_some());
        assert!(email_problem("marie").is_some());
        assert!(email_problem("marie@exemple").is_some());
        assert!(email_problem("ma rie@exemple.fr").is_some());
        assert!(email_problem("a@b@exemple.fr").is_some());
        assert!(email_problem("@exemple.fr").is_some());
        assert!(email_problem("marie@exemple..fr").is_some());
    }

    #[test]
    fn passwords_need_length_and_some_variety() {
        assert!(password_problem("court").is_some());
        assert!(password_problem("aaaaaaaaaaaaaaaa").is_some());
        assert!(password_problem(&"x".repeat(200)).is_some());
        assert_eq!(password_problem("cheval-agrafe-batterie"), None);
        // Twelve characters counted as characters, not bytes.
        assert_eq!(password_problem("éèàùçôîâêëïü"), None);
    }

    #[test]
    fn confirmation_must_match() {
        let mut errors = FieldErrors::new();
        check_new_password(
            &mut errors,
            "cheval-agrafe-batterie",
            "autre",
            "password",
            "confirm",
        );
        assert!(errors.get("confirm").is_some());
        assert!(errors.get("password").is_none());
    }

    #[test]
    fn names() {
        assert!(display_name_problem("  ").is_some());
        assert!(display_name_problem(&"a".repeat(101)).is_some());
        assert_eq!(display_name_problem("Léa Martin"), None);
    }

    #[test]
    fn only_a_page_of_this_site_is_a_return_path() {
        assert_eq!(return_path("/offres?pour_moi=1&page=2"), Some("/offres?pour_moi=1&page=2"));
        for outside in ["//evil.example", "/\\evil.example", "https://evil.example", "offres", "", "/connexion?retour=/x", "/a\nb"] {
            assert_eq!(return_path(outside), None, "{outside}");
        }
    }
}

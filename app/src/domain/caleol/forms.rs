//! What members type beside their votes: a finding on a tenancy, observations on the minutes.

use super::*;

/// The longest finding the commission writes on a tenancy under occupation review.
pub const FINDING_MAX_CHARS: usize = 1000;
/// The longest observations the president adds to the minutes.
pub const OBSERVATIONS_MAX_CHARS: usize = 4000;

/// The commission's finding on a tenancy, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingInput {
    pub finding: String,
    pub proposed: String,
    pub typology: String,
}

/// A checked finding: what the commission found, the kind of unit it proposes and, if it says
/// so, its typology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidFinding {
    pub finding: String,
    pub proposed: ProposedUnit,
    pub typology: Option<Typology>,
}

impl FindingInput {
    pub fn validate(&self) -> Result<ValidFinding, FieldErrors> {
        let mut errors = FieldErrors::new();
        let finding = self.finding.trim().to_string();
        if !(5..=FINDING_MAX_CHARS).contains(&finding.chars().count()) {
            errors.add(
                "finding",
                format!(
                    "Décrivez le constat de la commission (5 à {FINDING_MAX_CHARS} caractères)."
                ),
            );
        }
        let proposed = ProposedUnit::parse(self.proposed.trim());
        if proposed.is_none() {
            errors.add("proposed", "Choisissez un type de logement dans la liste.");
        }
        let typology = match self.typology.trim() {
            "" => Some(None),
            code => Typology::parse(code).map(Some),
        };
        if typology.is_none() {
            errors.add("typology", "Choisissez une typologie de la liste.");
        }
        match (proposed, typology) {
            (Some(proposed), Some(typology)) if errors.is_empty() => Ok(ValidFinding {
                finding,
                proposed,
                typology,
            }),
            _ => Err(errors),
        }
    }
}

/// The president's observations on the minutes, as typed (trimmed; empty is allowed).
pub fn observations(typed: &str) -> Result<String, FieldErrors> {
    let text = typed.trim();
    if text.chars().count() <= OBSERVATIONS_MAX_CHARS {
        return Ok(text.to_string());
    }
    let mut errors = FieldErrors::new();
    errors.add(
        "observations",
        format!("{OBSERVATIONS_MAX_CHARS} caractères au plus."),
    );
    Err(errors)
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn a_finding_needs_words_a_kind_of_unit_and_a_known_typology() {
        let valid = FindingInput {
            finding: " Sous-occupation constatée ".into(),
            proposed: ProposedUnit::ALL[0].code().into(),
            typology: "T2".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(valid.finding, "Sous-occupation constatée");
        assert_eq!(valid.typology, Some(Typology::T2));
        let errors = FindingInput {
            finding: "ok".into(),
            proposed: "?".into(),
            typology: "T9".into(),
        }
        .validate()
        .unwrap_err();
        for field in ["finding", "proposed", "typology"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn observations_may_be_empty_but_not_endless() {
        assert_eq!(observations("  ").unwrap(), "");
        assert!(observations(&"a".repeat(OBSERVATIONS_MAX_CHARS + 1)).is_err());
    }
}

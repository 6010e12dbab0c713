//! Applicants' proofs: the kinds a landlord asks for, and what a file must be to be kept.
//! Pure: the type is read from the file's first bytes, never from its name.

use crate::domain::calendar::Date;
use crate::domain::offer::vocabulary;
use serde::{Deserialize, Serialize};

/// Largest proof accepted.
pub const MAX_BYTES: usize = crate::domain::limits::DOCUMENT_BYTES;
/// Proofs kept per applicant.
pub const MAX_PER_APPLICANT: i64 = 40;

vocabulary!(
    /// What a proof shows (the usual pieces of a social-housing file).
    DocumentKind {
        Identity = "identite" => "Pièce d'identité ou titre de séjour",
        TaxNotice = "avis_impot" => "Avis d'impôt sur le revenu",
        Income = "ressources" => "Justificatif de ressources (bulletins de salaire, pension, allocations)",
        SneCertificate = "attestation_sne" => "Attestation d'enregistrement de la demande (numéro unique)",
        Housing = "logement" => "Justificatif de la situation de logement (quittance, attestation d'hébergement)",
        Household = "famille" => "Livret de famille ou justificatif de la composition du foyer",
        Handicap = "handicap" => "Carte mobilité inclusion ou décision de la MDPH",
        Court = "decision" => "Décision de justice (divorce, expulsion, protection)",
        Other = "autre" => "Autre justificatif",
    }
);

/// The content type of a PDF, JPEG or PNG file, from its signature; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Why an upload cannot be kept, as a short code the page turns into a French message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentProblem {
    Kind,
    Empty,
    TooLarge,
    Type,
    Date,
    TooMany,
}

impl DocumentProblem {
    pub fn code(self) -> &'static str {
        match self {
            DocumentProblem::Kind => "nature",
            DocumentProblem::Empty => "vide",
            DocumentProblem::TooLarge => "taille",
            DocumentProblem::Type => "type",
            DocumentProblem::Date => "date",
            DocumentProblem::TooMany => "nombre",
        }
    }

    pub fn from_code(code: &str) -> Option<DocumentProblem> {
        [
            DocumentProblem::Kind,
            DocumentProblem::Empty,
            DocumentProblem::TooLarge,
            DocumentProblem::Type,
            DocumentProblem::Date,
            DocumentProblem::TooMany,
        ]
        .into_iter()
        .find(|p| p.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            DocumentProblem::Kind => "Choisissez la nature du justificatif.",
            DocumentProblem::Empty => "Choisissez un fichier à envoyer.",
            DocumentProblem::TooLarge => {
                "Le fichier dépasse 5 Mo : réduisez-le (numérisez en niveaux de gris ou en 150 ppp) avant de l'envoyer."
            }
            DocumentProblem::Type => {
                "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG. Enregistrez-le dans l'un de ces formats."
            }
            DocumentProblem::Date => {
                "Indiquez la date de fin de validité au format JJ/MM/AAAA, ou laissez le champ vide."
            }
            DocumentProblem::TooMany => {
                "Vous avez atteint le nombre maximum de justificatifs : supprimez ceux qui ne servent plus."
            }
        }
    }
}

/// A proof as sent, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDocument {
    pub kind: DocumentKind,
    pub valid_until: Option<Date>,
    pub filename: String,
    pub content_type: &'static str,
}

/// Checks an upload's fields and bytes.
pub fn check(
    kind: &str,
    valid_until: &str,
    filename: &str,
    bytes: &[u8],
) -> Result<ValidDocument, DocumentProblem> {
    let kind = DocumentKind::parse(kind.trim()).ok_or(DocumentProblem::Kind)?;
    if bytes.is_empty() {
        return Err(DocumentProblem::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(DocumentProblem::TooLarge);
    }
    let content_type = sniff(bytes).ok_or(DocumentProblem::Type)?;
    let valid_until = match valid_until.trim() {
        "" => None,
        raw => Some(Date::parse(raw).ok_or(DocumentProblem::Date)?),
    };
    // Only the name is kept from the client's path, without characters that would break a header.
    let base = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != ';')
        .take(120)
        .collect();
    let filename = if cleaned.trim().is_empty() {
        "justificatif".to_string()
    } else {
        cleaned.trim().to_string()
    };
    Ok(ValidDocument {
        kind,
        valid_until,
        filename,
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"MZ\x90\x00 not a pdf"), None);
        let renamed = check("identite", "", "carte.pdf", b"<html>bonjour</html>");
        assert_eq!(renamed, Err(DocumentProblem::Type));
    }

    #[test]
    fn an_upload_is_checked_field_by_field() {
        let ok = check(
            "avis_impot",
            "31/12/2027",
            "C:\\Users\\moi\\avis \"2025\".pdf",
            b"%PDF-1.4",
        )
        .unwrap();
        assert_eq!(ok.kind, DocumentKind::TaxNotice);
        assert_eq!(ok.valid_until, Date::new(2027, 12, 31));
        assert_eq!(ok.filename, "avis 2025.pdf");
        assert_eq!(
            check("permis_de_chasse", "", "a.pdf", b"%PDF-"),
            Err(DocumentProblem::Kind)
        );
        assert_eq!(
            check("autre", "", "a.pdf", b""),
            Err(DocumentProblem::Empty)
        );
        assert_eq!(
            check("autre", "bientôt", "a.pdf", b"%PDF-"),
            Err(DocumentProblem::Date)
        );
        let big = vec![b'%'; MAX_BYTES + 1];
        assert_eq!(
            check("autre", "", "a.pdf", &big),
            Err(DocumentProblem::TooLarge)
        );
        for problem in [
            DocumentProblem::Kind,
            DocumentProblem::TooMany,
            DocumentProblem::Type,
        ] {
            assert_eq!(DocumentProblem::from_code(problem.code()), Some(problem));
        }
    }
}

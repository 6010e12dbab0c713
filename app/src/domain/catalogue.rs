//! The public catalogue's query: read from the URL (the page and the open API share one parser),
//! written back to a canonical URL, and the shapes of its answers.

use crate::domain::offer::{Accessibility, Category, Financing, Typology};
use crate::domain::territory::Places;
use serde::{Deserialize, Serialize};

/// Every parameter the catalogue accepts, in canonical order.
pub const PARAMETERS: &[&str] = &[
    "q",
    "commune",
    "epci",
    "typologie",
    "financement",
    "categorie",
    "qpv",
    "loyer_max",
    "surface_min",
    "ascenseur",
    "accessibilite",
    "tri",
    "page",
    "pour_moi",
];

pub const PER_PAGE: u32 = 20;
pub const MAX_PAGE: u32 = 500;
const QUERY_MAX_CHARS: usize = 200;
const COMMUNE_MAX_CHARS: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    Relevance,
    Newest,
    Rent,
    ClosingSoon,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Relevance, Sort::Newest, Sort::Rent, Sort::ClosingSoon];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Relevance => "pertinence",
            Sort::Newest => "recent",
            Sort::Rent => "loyer",
            Sort::ClosingSoon => "cloture",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Pertinence",
            Sort::Newest => "Les plus récentes",
            Sort::Rent => "Loyer croissant",
            Sort::ClosingSoon => "Clôture la plus proche",
        }
    }

    fn parse(code: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What a visitor asked for. Absent filters are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueQuery {
    pub q: String,
    pub commune: Option<String>,
    pub epci: Option<String>,
    pub typologie: Option<Typology>,
    pub financement: Option<Financing>,
    pub categorie: Option<Category>,
    pub qpv: Option<bool>,
    /// Monthly rent plus charges, in whole euros.
    pub loyer_max: Option<i64>,
    pub surface_min: Option<i64>,
    pub ascenseur: Option<bool>,
    pub accessibilite: Option<Accessibility>,
    pub tri: Option<Sort>,
    pub page: u32,
    /// Only the offers the signed-in applicant may apply to (the website only: it needs a session).
    #[serde(default)]
    pub pour_moi: bool,
}

/// A parameter the catalogue cannot use, with a message for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryError {
    pub parameter: String,
    pub message: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn problem(parameter: &str, message: impl Into<String>) -> QueryError {
    QueryError {
        parameter: parameter.to_string(),
        message: message.into(),
    }
}

fn yes_no(parameter: &str, value: &str) -> Result<bool, QueryError> {
    match value {
        "oui" | "true" | "1" => Ok(true),
        "non" | "false" | "0" => Ok(false),
        _ => Err(problem(
            parameter,
            format!("Le paramètre « {parameter} » vaut « oui » ou « non »."),
        )),
    }
}

fn whole_number(parameter: &str, value: &str, max: i64, example: &str) -> Result<i64, QueryError> {
    match value.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(n),
        _ => Err(problem(
            parameter,
            format!(
                "Le paramètre « {parameter} » doit être un nombre entier entre 0 et {max}, par exemple {example}."
            ),
        )),
    }
}

impl CatalogueQuery {
    /// How many filters are in use (the words searched and the sort order are not filters).
    pub fn filter_count(&self) -> usize {
        [
            self.commune.is_some(),
            self.epci.is_some(),
            self.typologie.is_some(),
            self.financement.is_some(),
            self.categorie.is_some(),
            self.qpv.is_some(),
            self.loyer_max.is_some(),
            self.surface_min.is_some(),
            self.ascenseur.is_some(),
            self.accessibilite.is_some(),
            self.pour_moi,
        ]
        .into_iter()
        .filter(|used| *used)
        .count()
    }

    /// Reads decoded `(name, value)` pairs. Empty values count as absent, because a form sends
    /// its unset selects that way; unknown or repeated names are errors.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<CatalogueQuery, QueryError> {
        let mut query = CatalogueQuery {
            page: 1,
            ..CatalogueQuery::default()
        };
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            // Some browsers' form serialisation adds a nameless entry for the submit button.
            if name.is_empty() {
                continue;
            }
            let Some(known) = PARAMETERS.iter().find(|p| **p == name) else {
                return Err(problem(
                    name,
                    format!(
                        "Paramètre inconnu : « {name} ». Paramètres acceptés : {}.",
                        PARAMETERS.join(", ")
                    ),
                ));
            };
            if seen.contains(known) {
                return Err(problem(
                    name,
                    format!("Le paramètre « {name} » ne peut figurer qu'une fois."),
                ));
            }
            seen.push(known);
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match name {
                "q" => {
                    if value.chars().count() > QUERY_MAX_CHARS {
                        return Err(problem(
                            name,
                            format!("La recherche est limitée à {QUERY_MAX_CHARS} caractères."),
                        ));
                    }
                    query.q = value.to_string();
                }
                // Names need the national reference, which the server holds: here only the
                // shape is checked, the server resolves the commune and the EPCI.
                "commune" => {
                    if value.chars().count() > COMMUNE_MAX_CHARS {
                        return Err(problem(
                            name,
                            format!(
                                "La commune tient en {COMMUNE_MAX_CHARS} caractères au plus : son nom, son code postal ou son code INSEE."
                            ),
                        ));
                    }
                    query.commune = Some(value.to_string());
                }
                "epci" => {
                    if value.len() != 9 || !value.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(problem(
                            name,
                            "Intercommunalité inconnue : indiquez le SIREN de l'EPCI (9 chiffres), par exemple 242500361.",
                        ));
                    }
                    query.epci = Some(value.to_string());
                }
                "typologie" => {
                    query.typologie =
                        Some(Typology::parse(&value.to_uppercase()).ok_or_else(|| {
                            problem(name, "Typologie inconnue : T1, T2, T3, T4, T5 ou T6+.")
                        })?)
                }
                "financement" => {
                    query.financement =
                        Some(Financing::parse(&value.to_uppercase()).ok_or_else(|| {
                            problem(name, "Financement inconnu : PLAI, PLUS, PLS ou PLI.")
                        })?)
                }
                "categorie" => {
                    query.categorie = Some(Category::parse(value).ok_or_else(|| {
                        problem(
                            name,
                            format!(
                                "Public inconnu. Valeurs acceptées : {}.",
                                Category::ALL
                                    .iter()
                                    .map(|c| c.code())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                    })?)
                }
                "qpv" => query.qpv = Some(yes_no(name, value)?),
                "ascenseur" => query.ascenseur = Some(yes_no(name, value)?),
                "accessibilite" => {
                    query.accessibilite = Some(Accessibility::parse(value).ok_or_else(|| {
                        problem(name, "Accessibilité inconnue : none, pmr ou adapted.")
                    })?)
                }
                "loyer_max" => query.loyer_max = Some(whole_number(name, value, 100_000, "600")?),
                "surface_min" => query.surface_min = Some(whole_number(name, value, 1_000, "45")?),
                "tri" => {
                    query.tri = Some(Sort::parse(value).ok_or_else(|| {
                        problem(name, "Tri inconnu : pertinence, recent, loyer ou cloture.")
                    })?)
                }
                "page" => {
                    query.page = match value.parse::<u32>() {
                        Ok(p) if (1..=MAX_PAGE).contains(&p) => p,
                        _ => {
                            return Err(problem(
                                name,
                                format!("Le numéro de page va de 1 à {MAX_PAGE}."),
                            ));
                        }
                    }
                }
                "pour_moi" => {
                    query.pour_moi = match value {
                        "1" | "oui" | "on" => true,
                        "0" | "non" => false,
                        _ => return Err(problem(name, "Valeur attendue : 1 (oui) ou 0 (non).")),
                    }
                }
                // Every name of PARAMETERS has its arm above; a new one without an arm is refused
                // rather than crashing the request.
                other => {
                    return Err(problem(
                        other,
                        format!("Paramètre non pris en charge : « {other} »."),
                    ));
                }
            }
        }
        Ok(query)
    }

    /// Reads a raw query string (`a=1&b=2`, without the `?`), percent-decoding it.
    pub fn from_query_string(raw: &str) -> Result<CatalogueQuery, QueryError> {
        let pairs: Vec<(String, String)> = raw
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(name), percent_decode(value))
            })
            .collect();
        CatalogueQuery::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    }

    /// The sort actually applied: relevance only means something when there are words.
    pub fn effective_sort(&self) -> Sort {
        match self.tri {
            Some(Sort::Relevance) if self.q.is_empty() => Sort::Newest,
            Some(sort) => sort,
            None if self.q.is_empty() => Sort::Newest,
            None => Sort::Relevance,
        }
    }

    /// The canonical query string (without `?`), omitting what is unset or default.
    pub fn to_query_string(&self) -> String {
        let yes_no = |b: bool| if b { "oui" } else { "non" };
        let mut parts: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            parts.push(("q", self.q.clone()));
        }
        if let Some(v) = &self.commune {
            parts.push(("commune", v.clone()));
        }
        if let Some(v) = &self.epci {
            parts.push(("epci", v.clone()));
        }
        if let Some(v) = self.typologie {
            parts.push(("typologie", v.code().to_string()));
        }
        if let Some(v) = self.financement {
            parts.push(("financement", v.code().to_string()));
        }
        if let Some(v) = self.categorie {
            parts.push(("categorie", v.code().to_string()));
        }
        if let Some(v) = self.qpv {
            parts.push(("qpv", yes_no(v).to_string()));
        }
        if let Some(v) = self.loyer_max {
            parts.push(("loyer_max", v.to_string()));
        }
        if let Some(v) = self.surface_min {
            parts.push(("surface_min", v.to_string()));
        }
        if let Some(v) = self.ascenseur {
            parts.push(("ascenseur", yes_no(v).to_string()));
        }
        if let Some(v) = self.accessibilite {
            parts.push(("accessibilite", v.code().to_string()));
        }
        if let Some(v) = self.tri {
            parts.push(("tri", v.code().to_string()));
        }
        if self.page > 1 {
            parts.push(("page", self.page.to_string()));
        }
        if self.pour_moi {
            parts.push(("pour_moi", "1".to_string()));
        }
        parts
            .into_iter()
            .map(|(name, value)| format!("{name}={}", percent_encode(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The same query on another page.
    pub fn on_page(&self, page: u32) -> CatalogueQuery {
        CatalogueQuery {
            page,
            ..self.clone()
        }
    }

    /// The query for an alert: the same filters, from the first page, without "pour moi" (an
    /// alert follows the search; eligibility is told on each offer).
    pub fn for_alert(&self) -> CatalogueQuery {
        CatalogueQuery {
            page: 1,
            pour_moi: false,
            tri: None,
            ..self.clone()
        }
    }

    /// The filters in a few French words, for lists and e-mails.
    pub fn describe(&self, places: &impl Places) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("« {} »", self.q));
        }
        if let Some(t) = self.typologie {
            parts.push(t.label().to_string());
        }
        if let Some(c) = self.commune.as_deref().and_then(|c| places.commune(c)) {
            parts.push(format!("à {}", c.name));
        }
        if let Some(e) = self.epci.as_deref().and_then(|e| places.epci_name(e)) {
            parts.push(e.to_string());
        }
        if let Some(f) = self.financement {
            parts.push(f.code().to_string());
        }
        if let Some(c) = self.categorie {
            parts.push(format!("public : {}", c.label().to_lowercase()));
        }
        if let Some(q) = self.qpv {
            parts.push(if q { "en QPV" } else { "hors QPV" }.to_string());
        }
        if let Some(max) = self.loyer_max {
            parts.push(format!("jusqu'à {max} € charges comprises"));
        }
        if let Some(min) = self.surface_min {
            parts.push(format!("{min} m² et plus"));
        }
        if self.ascenseur == Some(true) {
            parts.push("avec ascenseur".to_string());
        }
        if let Some(a) = self.accessibilite {
            parts.push(a.label().to_lowercase());
        }
        if parts.is_empty() {
            "Toutes les offres".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// Link to the catalogue page for this query.
    pub fn href(&self) -> String {
        let qs = self.to_query_string();
        if qs.is_empty() {
            "/offres".to_string()
        } else {
            format!("/offres?{qs}")
        }
    }
}

/// What was typed in the search box, as plain words: the search engine's own syntax (`field:`,
/// `*`, quotes, brackets, `+`, `^`, `~`) is written by people by accident, and must search for
/// words rather than address fields or fail. Letters, digits, apostrophes and inner hyphens stay.
pub fn plain_words(typed: &str) -> String {
    let cleaned: String = typed
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' || c == '’' || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .map(|word| word.trim_matches(|c| c == '-' || c == '\'' || c == '’'))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes `%XX` escapes and `+` as a space; invalid escapes are kept as typed.
pub fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A typed commune that needs a choice: the message, and the candidates as `(INSEE, label)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneChoice {
    pub message: String,
    pub candidates: Vec<(String, String)>,
}

/// One value of a filter, with how many offers it would leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// Counts per value for one filter, computed with every other active filter applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    pub parameter: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

/// An offer as listed in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferSummary {
    pub id: i64,
    pub typology: String,
    pub surface_m2: i64,
    pub commune: String,
    pub commune_insee: String,
    pub neighbourhood: String,
    pub in_qpv: bool,
    pub has_lift: bool,
    pub floor: i64,
    pub financing: String,
    pub rent_cents: i64,
    pub charges_cents: i64,
    pub categories: Vec<String>,
    pub landlord: String,
    /// Last day applications are accepted, `AAAA-MM-JJ` (Paris time).
    pub closes_on: String,
    pub excerpt: String,
    pub thumbnail: Option<crate::model::PhotoRef>,
    /// For a signed-in applicant only: whether they may apply, and why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_me: Option<crate::domain::eligibility::Assessment>,
    /// For a signed-in applicant only: live applications so far (the rank is on the offer page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applications_so_far: Option<crate::domain::results::Count>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueResults {
    pub query: CatalogueQuery,
    /// The filters in words (for the alert form).
    #[serde(default)]
    pub description: String,
    /// The commune filtered on, as its field shows it ("Villeurbanne (69100)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune_label: Option<String>,
    /// Why the commune typed designates no single commune, and the communes it might be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune_problem: Option<CommuneChoice>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
    pub hits: Vec<OfferSummary>,
    pub facets: Vec<Facet>,
    /// The page is shown to a signed-in applicant (who may save the search as an alert).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub for_applicant: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_query_round_trips_through_its_url() {
        let raw = "q=balcon+lumineux&commune=25056&typologie=t3&financement=PLUS&categorie=mutation&qpv=non&loyer_max=600&surface_min=45&ascenseur=oui&accessibilite=pmr&tri=loyer&page=2";
        let query = CatalogueQuery::from_query_string(raw).unwrap();
        assert_eq!(query.q, "balcon lumineux");
        assert_eq!(query.typologie, Some(Typology::T3));
        assert_eq!(query.categorie, Some(Category::Mutation));
        assert_eq!(query.qpv, Some(false));
        assert_eq!(query.loyer_max, Some(600));
        assert_eq!(query.page, 2);
        let again = CatalogueQuery::from_query_string(&query.to_query_string()).unwrap();
        assert_eq!(again, query);
        assert!(
            query
                .href()
                .starts_with("/offres?q=balcon%20lumineux&commune=25056")
        );
    }

    #[test]
    fn empty_values_are_absent_and_defaults_are_sensible() {
        let query = CatalogueQuery::from_query_string("q=&commune=&typologie=&page=&=").unwrap();
        assert_eq!(
            query,
            CatalogueQuery {
                page: 1,
                ..Default::default()
            }
        );
        assert_eq!(query.effective_sort(), Sort::Newest);
        assert_eq!(query.href(), "/offres");
        let words = CatalogueQuery::from_query_string("q=Besan%C3%A7on").unwrap();
        assert_eq!(words.q, "Besançon");
        assert_eq!(words.effective_sort(), Sort::Relevance);
    }

    #[test]
    fn unknown_repeated_or_malformed_parameters_are_explained() {
        let unknown = CatalogueQuery::from_query_string("prix=3").unwrap_err();
        assert_eq!(unknown.parameter, "prix");
        assert!(unknown.message.contains("loyer_max"));
        let twice = CatalogueQuery::from_query_string("q=a&q=b").unwrap_err();
        assert_eq!(twice.parameter, "q");
        for raw in [
            "loyer_max=beaucoup",
            "surface_min=-4",
            "qpv=peut-etre",
            "epci=123",
            "epci=24250036A",
            "typologie=T9",
            "financement=LLI",
            "categorie=vip",
            "accessibilite=oui",
            "tri=prix",
            "page=0",
        ] {
            let error = CatalogueQuery::from_query_string(raw).unwrap_err();
            assert_eq!(error.parameter, raw.split('=').next().unwrap(), "{raw}");
        }
    }

    #[test]
    fn the_search_box_searches_words_never_the_engine_s_syntax() {
        assert_eq!(plain_words("title:*"), "title");
        assert_eq!(
            plain_words("text:\"balcon\" +sud -nord^2 (T3)"),
            "text balcon sud nord 2 T3"
        );
        assert_eq!(
            plain_words("Saint-Ferjeux l'arbre"),
            "Saint-Ferjeux l'arbre"
        );
        assert_eq!(plain_words("*:*"), "");
    }

    #[test]
    fn percent_coding_is_symmetric_and_forgiving() {
        assert_eq!(
            percent_decode(&percent_encode("T3 & balcon é")),
            "T3 & balcon é"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}

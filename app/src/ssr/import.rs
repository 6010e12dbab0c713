//! Bulk import of units from CSV: one row per unit, columns named in the first line.
//!
//! Checking is separate from applying: a file is read and every row validated first (the dry
//! run), and only a file without a single error is written, in one transaction, so an import is
//! never half done. A reference already known in the organisation updates that unit.

use crate::domain::offer::{UnitContext, UnitInput, ValidUnit};
use crate::model::ImportRowError;
use crate::ssr::store::units;
use sqlx::AnyConnection;

/// The columns, in the order of the template, with what each holds.
pub const COLUMNS: &[(&str, &str)] = &[
    (
        "reference",
        "Référence interne du logement, unique dans l'organisme (obligatoire)",
    ),
    ("adresse", "Numéro et voie (obligatoire)"),
    (
        "commune_insee",
        "Code INSEE de la commune, 5 caractères, par exemple 69266 pour Villeurbanne (obligatoire)",
    ),
    ("quartier", "Nom du quartier"),
    (
        "qpv",
        "oui si le logement est en quartier prioritaire, sinon non",
    ),
    (
        "code_qpv",
        "Code du quartier prioritaire dans la liste du territoire (remplace la colonne qpv)",
    ),
    ("typologie", "T1, T2, T3, T4, T5 ou T6+ (obligatoire)"),
    (
        "surface_m2",
        "Surface habitable en m², nombre entier (obligatoire)",
    ),
    ("etage", "Étage, 0 pour le rez-de-chaussée"),
    ("ascenseur", "oui ou non"),
    ("accessibilite", "none, pmr ou adapted"),
    ("dpe", "Étiquette énergie, de A à G (obligatoire)"),
    ("financement", "PLAI, PLUS, PLS ou PLI (obligatoire)"),
    (
        "loyer",
        "Loyer mensuel hors charges en euros, par exemple 412,50 (obligatoire)",
    ),
    ("charges", "Charges mensuelles en euros"),
    (
        "reservataire",
        "bailleur, etat_prioritaires, etat_fonctionnaires, action_logement, commune, epci, departement ou autre_collectivite",
    ),
    (
        "periode_construction",
        "avant 1949, 1949-1974, 1975-1989, 1990-2005 ou après 2005 (obligatoire)",
    ),
    ("description", "Texte libre montré aux demandeurs"),
];

const REQUIRED: &[&str] = &[
    "reference",
    "adresse",
    "commune_insee",
    "typologie",
    "surface_m2",
    "dpe",
    "financement",
    "loyer",
    "periode_construction",
];

/// More rows than this is more than any organisation's stock change at once; split the file.
pub const MAX_ROWS: usize = 20_000;
/// Largest file accepted, in bytes.
pub const MAX_BYTES: usize = crate::domain::limits::IMPORT_BYTES;

/// An organisation's territories and their QPVs, which its units are checked against (the form
/// and the import alike). Borrow them with [`OwnedUnitContext::get`].
pub struct OwnedUnitContext {
    pub territories: Vec<String>,
    pub qpvs: Vec<crate::domain::qpv::Qpv>,
}

impl OwnedUnitContext {
    pub async fn of(pool: &sqlx::AnyPool, organisation_id: i64) -> Result<Self, sqlx::Error> {
        let territories = crate::ssr::store::organisations::epcis(pool, organisation_id).await?;
        let qpvs = crate::ssr::store::territories::qpvs_of(pool, &territories).await?;
        Ok(OwnedUnitContext { territories, qpvs })
    }

    pub fn get(&self) -> UnitContext<'_> {
        UnitContext {
            territories: &self.territories,
            qpvs: &self.qpvs,
        }
    }
}

/// The CSV column a validation message of [`UnitInput::validate`] belongs to.
fn column_of(field: &str) -> &'static str {
    match field {
        "reference" => "reference",
        "address" => "adresse",
        "commune_insee" => "commune_insee",
        "neighbourhood" => "quartier",
        "qpv_code" => "code_qpv",
        "typology" => "typologie",
        "surface_m2" => "surface_m2",
        "floor" => "etage",
        "accessibility" => "accessibilite",
        "energy_label" => "dpe",
        "financing" => "financement",
        "rent_euros" => "loyer",
        "charges_euros" => "charges",
        "reservataire" => "reservataire",
        "construction_period" => "periode_construction",
        _ => "description",
    }
}

/// Problems listed for one file: enough to fix a file, and a bound on what a hostile one (a
/// header of 200,000 unknown columns) makes the server keep.
pub const MAX_ERRORS: usize = 500;

/// What a file holds: the valid rows with their line numbers, and the problems found (the first
/// [`MAX_ERRORS`], then a line counting the others).
#[derive(Debug, Default)]
pub struct Checked {
    pub rows: Vec<(u64, ValidUnit)>,
    pub errors: Vec<ImportRowError>,
    omitted: usize,
}

impl Checked {
    fn error(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        if self.errors.len() >= MAX_ERRORS {
            self.omitted += 1;
            return;
        }
        // A column name is the file's own text: shown, but never at any length.
        let column = column.map(|c| c.chars().take(60).collect::<String>());
        self.errors.push(ImportRowError {
            line,
            column,
            message: message.into(),
        });
    }

    /// Closes the list with the count of problems not listed.
    fn finish(mut self) -> Self {
        if self.omitted > 0 {
            self.errors.push(ImportRowError {
                line: 0,
                column: None,
                message: format!(
                    "… et {} autres problèmes, non listés : corrigez d'abord ceux-ci.",
                    self.omitted
                ),
            });
        }
        self
    }
}

/// A cell of the file quoted in a message, cut to a readable length.
fn quoted(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// Spreadsheets in France often save CSV in Windows-1252: read UTF-8 when it is, that otherwise.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                0x80 => '€',
                0x92 => '’',
                0x9C => 'œ',
                0x8C => 'Œ',
                _ => char::from(b),
            })
            .collect(),
    }
}

fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "oui" | "o" | "1" | "true" | "vrai" | "x" => Some(true),
        "non" | "n" | "0" | "false" | "faux" | "" => Some(false),
        _ => None,
    }
}

/// Reads and validates a whole file, for an organisation whose territories and their QPVs are
/// `context`. `progress(rows_read)` is called every few hundred rows.
pub fn check(bytes: &[u8], context: &UnitContext, progress: &mut dyn FnMut(usize)) -> Checked {
    check_all(bytes, context, progress).finish()
}

fn check_all(bytes: &[u8], context: &UnitContext, progress: &mut dyn FnMut(usize)) -> Checked {
    let mut checked = Checked::default();
    if bytes.len() > MAX_BYTES {
        checked.error(
            0,
            None,
            format!(
                "Le fichier dépasse {} Mo : découpez-le en plusieurs fichiers.",
                MAX_BYTES / 1024 / 1024
            ),
        );
        return checked;
    }
    let text = decode(bytes);
    let first_line = text.lines().next().unwrap_or("");
    // French spreadsheets separate with semicolons, others with commas.
    let delimiter = if first_line.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            checked.error(
                1,
                None,
                format!(
                    "La première ligne (les noms de colonnes) est illisible : {}.",
                    csv_problem(&e)
                ),
            );
            return checked;
        }
    };
    if headers.iter().all(|h| h.is_empty()) {
        checked.error(
            1,
            None,
            "Le fichier est vide : la première ligne doit nommer les colonnes.",
        );
        return checked;
    }
    for header in &headers {
        if !COLUMNS.iter().any(|(name, _)| name == header) {
            checked.error(1, Some(header), format!("Colonne inconnue « {} ». Les colonnes possibles sont listées sur la page d'import.", quoted(header)));
        }
    }
    for required in REQUIRED {
        if !headers.iter().any(|h| h == required) {
            checked.error(
                1,
                Some(required),
                format!("Colonne obligatoire manquante : « {required} »."),
            );
        }
    }
    if !checked.errors.is_empty() {
        return checked;
    }
    let position = |name: &str| headers.iter().position(|h| h == name);
    let index: Vec<(&str, Option<usize>)> = COLUMNS
        .iter()
        .map(|(name, _)| (*name, position(name)))
        .collect();
    let mut seen_references: std::collections::HashMap<String, u64> = Default::default();
    for (n, record) in reader.records().enumerate() {
        if n % 500 == 0 {
            progress(n);
        }
        let line = n as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                checked.error(
                    line,
                    None,
                    format!("Ligne illisible : {}.", csv_problem(&e)),
                );
                continue;
            }
        };
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if checked.rows.len() + checked.errors.len() + checked.omitted >= MAX_ROWS {
            checked.error(
                line,
                None,
                format!("Plus de {MAX_ROWS} lignes : découpez le fichier."),
            );
            break;
        }
        let get = |name: &str| -> String {
            index
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, i)| *i)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let mut row_ok = true;
        let mut flag = |name: &str, checked: &mut Checked| match yes_no(&get(name)) {
            Some(b) => b,
            None => {
                checked.error(line, Some(name), "Indiquez oui ou non.");
                row_ok = false;
                false
            }
        };
        let in_qpv = flag("qpv", &mut checked);
        let has_lift = flag("ascenseur", &mut checked);
        // The file names communes by code only: a name could designate several.
        let commune = get("commune_insee");
        if !commune.is_empty() && !crate::domain::territory::looks_like_insee(&commune) {
            checked.error(
                line,
                Some("commune_insee"),
                format!("« {commune} » n'est pas un code INSEE (5 caractères, par exemple 69266 pour Villeurbanne)."),
            );
            row_ok = false;
        }
        let input = UnitInput {
            reference: get("reference"),
            address: get("adresse"),
            commune_insee: get("commune_insee"),
            neighbourhood: get("quartier"),
            in_qpv,
            qpv_code: get("code_qpv").to_uppercase(),
            typology: get("typologie").to_uppercase(),
            surface_m2: get("surface_m2"),
            floor: get("etage"),
            has_lift,
            accessibility: get("accessibilite").to_lowercase(),
            energy_label: get("dpe"),
            financing: get("financement"),
            rent_euros: get("loyer"),
            charges_euros: get("charges"),
            reservataire: get("reservataire").to_lowercase(),
            construction_period: get("periode_construction").to_lowercase(),
            description: get("description"),
        };
        match input.validate(crate::ssr::reference::national(), context) {
            Ok(unit) if row_ok => {
                if let Some(first) = seen_references.insert(unit.reference.clone(), line) {
                    checked.error(
                        line,
                        Some("reference"),
                        format!(
                            "Référence « {} » déjà présente ligne {first}.",
                            unit.reference
                        ),
                    );
                } else {
                    checked.rows.push((line, unit));
                }
            }
            Ok(_) => {}
            Err(errors) => {
                for (field, message) in errors.0 {
                    checked.error(line, Some(column_of(&field)), message);
                }
            }
        }
    }
    progress(checked.rows.len() + checked.errors.len());
    checked
}

/// Writes checked rows for `organisation_id` on the caller's transaction: new references are
/// created, known ones updated. Returns `(created, updated)`.
pub async fn apply(
    conn: &mut AnyConnection,
    organisation_id: i64,
    rows: &[(u64, ValidUnit)],
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<(u64, u64), sqlx::Error> {
    let (mut created, mut updated) = (0, 0);
    for (n, (_, unit)) in rows.iter().enumerate() {
        let existing: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM units WHERE organisation_id = $1 AND reference = $2")
                .bind(organisation_id)
                .bind(&unit.reference)
                .fetch_optional(&mut *conn)
                .await?;
        units::save_unit(conn, organisation_id, existing.map(|(id,)| id), unit).await?;
        if existing.is_some() {
            updated += 1;
        } else {
            created += 1;
        }
        if n % 500 == 0 {
            progress(n);
        }
    }
    progress(rows.len());
    Ok((created, updated))
}

/// How many of `rows` are new to the organisation, and how many update a unit.
pub async fn count_new(
    pool: &sqlx::AnyPool,
    organisation_id: i64,
    rows: &[(u64, ValidUnit)],
) -> Result<(u64, u64), sqlx::Error> {
    let known: Vec<(String,)> =
        sqlx::query_as("SELECT reference FROM units WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_all(pool)
            .await?;
    let known: std::collections::HashSet<String> = known.into_iter().map(|(r,)| r).collect();
    let updates = rows
        .iter()
        .filter(|(_, u)| known.contains(&u.reference))
        .count() as u64;
    Ok((rows.len() as u64 - updates, updates))
}

/// What the CSV reader could not read, in the words of the person who sent the file (the
/// reader's own message is English and speaks of bytes and records).
fn csv_problem(error: &csv::Error) -> &'static str {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "des caractères ne sont ni en UTF-8 ni en Windows-1252",
        csv::ErrorKind::UnequalLengths { .. } => {
            "elle n'a pas autant de cellules que la ligne des noms de colonnes"
        }
        _ => "le fichier est mal formé à cet endroit (guillemets, séparateurs)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn besancon() -> UnitContext<'static> {
        static TERRITORIES: std::sync::LazyLock<Vec<String>> =
            std::sync::LazyLock::new(|| vec!["242500361".to_string()]);
        UnitContext {
            territories: &TERRITORIES,
            qpvs: &[],
        }
    }

    #[test]
    fn a_header_of_thousands_of_unknown_columns_keeps_a_bounded_list() {
        // 1 MB of header: 10,000 columns of 100 characters.
        let long_name = "x".repeat(95);
        let header: Vec<String> = (0..10_000).map(|n| format!("{long_name}{n:05}")).collect();
        let checked = check(header.join(";").as_bytes(), &besancon(), &mut |_| {});
        // The first problems, the line counting the others (the missing columns among them).
        assert_eq!(checked.errors.len(), MAX_ERRORS + 1);
        let last = &checked.errors[MAX_ERRORS].message;
        assert!(last.contains("autres problèmes"), "{last}");
        let kept: usize = checked
            .errors
            .iter()
            .map(|e| e.message.len() + e.column.as_ref().map_or(0, String::len))
            .sum();
        assert!(kept < 200_000, "{kept} bytes of messages");
    }

    #[test]
    fn any_real_insee_code_is_accepted_and_an_unknown_one_is_named() {
        let file = format!(
            "{HEADER}\nLY-1;3 cours Émile-Zola;69266;;non;T3;64;2;oui;C;PLUS;412,50;95;1949-1974;\n\
             LY-2;5 rue;99999;;non;T3;64;2;oui;C;PLUS;412,50;95;1949-1974;\n\
             LY-3;5 rue;Villeurbanne;;non;T3;64;2;oui;C;PLUS;412,50;95;1949-1974;\n"
        );
        let lyon = ["200046977".to_string()];
        let context = UnitContext {
            territories: &lyon,
            qpvs: &[],
        };
        let checked = check(file.as_bytes(), &context, &mut |_| {});
        assert_eq!(checked.rows.len(), 1);
        assert_eq!(checked.rows[0].1.epci_siren, "200046977");
        let messages: Vec<&str> = checked.errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("« 99999 »")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("« Villeurbanne »")),
            "{messages:?}"
        );
    }

    const HEADER: &str = "reference;adresse;commune_insee;quartier;qpv;typologie;surface_m2;etage;ascenseur;dpe;financement;loyer;charges;periode_construction;description";

    #[test]
    fn a_good_file_in_windows_1252_with_semicolons_is_read() {
        let mut file = format!("{HEADER}\nHC-1;3 rue Battant;25056;Battant;oui;t3;64;2;non;C;PLUS;412,50;95;1949-1974;Balcon\n")
            .into_bytes();
        file.extend_from_slice(b"HC-2;5 rue de Belfort;25056;;non;T2;45;0;oui;D;PLAI;310;60;apr\xe8s 2005;R\xe9nov\xe9\n");
        let checked = check(&file, &besancon(), &mut |_| {});
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert_eq!(checked.rows.len(), 2);
        assert_eq!(checked.rows[1].1.description, "Rénové");
        assert_eq!(checked.rows[0].0, 2);
        assert!(checked.rows[0].1.in_qpv);
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_column() {
        let file = format!(
            "{HEADER}\nHC-1;3 rue Battant;75056;;peut-être;T3;64;2;non;C;PLUS;412,50;95;1949-1974;\n\
             HC-2;;25056;;non;T3;quatre;0;non;C;PLUS;300;0;1949-1974;\n\
             HC-2;1 rue;25056;;non;T3;40;0;non;C;PLUS;300;0;1949-1974;\n"
        );
        let checked = check(file.as_bytes(), &besancon(), &mut |_| {});
        let found: Vec<(u64, Option<&str>)> = checked
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert!(found.contains(&(2, Some("qpv"))));
        assert!(found.contains(&(2, Some("commune_insee"))));
        assert!(found.contains(&(3, Some("adresse"))));
        assert!(found.contains(&(3, Some("surface_m2"))));
        // Line 4 repeats HC-2, which line 3 used even though line 3 failed for other reasons.
        assert!(checked.rows.len() <= 1);
    }

    #[test]
    fn unknown_and_missing_columns_stop_at_the_first_line() {
        let checked = check(
            b"reference,prix\nA,3\n",
            &UnitContext::default(),
            &mut |_| {},
        );
        assert!(checked.rows.is_empty());
        assert!(
            checked
                .errors
                .iter()
                .any(|e| e.column.as_deref() == Some("prix"))
        );
        assert!(
            checked
                .errors
                .iter()
                .any(|e| e.column.as_deref() == Some("loyer"))
        );
        assert!(checked.errors.iter().all(|e| e.line == 1));
        assert!(
            !check(b"", &UnitContext::default(), &mut |_| {})
                .errors
                .is_empty()
        );
    }
}

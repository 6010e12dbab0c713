//! The national reference: every current commune and municipal arrondissement, every EPCI, the
//! départements and régions, from `app/reference/*.tsv` (built by `scripts/reference.sh` from the
//! npm package @etalab/decoupage-administratif). Embedded in the server binary only, parsed once,
//! and searched in memory: the commune fields of every form ask it, in microseconds.

use crate::domain::territory::{
    Area, CeilingZone, CommuneProblem, Place, Places, ceiling_zone, looks_like_insee,
};
use std::collections::HashMap;
use std::sync::LazyLock;

const COMMUNES: &str = include_str!("../../reference/communes.tsv");
const EPCIS: &str = include_str!("../../reference/epcis.tsv");
const DEPARTEMENTS: &str = include_str!("../../reference/departements.tsv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpciRecord {
    pub siren: String,
    pub name: String,
    /// CA, CC, CU, METRO or MET69 (the Métropole de Lyon).
    pub kind: String,
}

/// One commune in the search index: its name folded for matching, and how big it is (bigger
/// communes come first among equal matches: "Saint-Denis" is more often the one of 93 or 974).
struct Entry {
    folded: String,
    population: u64,
}

pub struct National {
    /// The package and version the files come from, as their first line says.
    pub source: String,
    communes: Vec<Place>,
    entries: Vec<Entry>,
    /// Commune indexes sorted by folded name, for prefix lookups by binary search.
    by_name: Vec<u32>,
    /// (commune index, byte offset of a word after the first), sorted by the name from there.
    by_word: Vec<(u32, u16)>,
    by_insee: HashMap<String, usize>,
    /// (postcode, commune index), sorted, for prefix lookups.
    postcodes: Vec<(String, usize)>,
    epcis: Vec<EpciRecord>,
    epci_by_siren: HashMap<String, usize>,
    departements: HashMap<String, String>,
    /// Lines of the embedded files that could not be read (a test keeps this at zero).
    pub rejected_lines: usize,
}

static NATIONAL: LazyLock<National> =
    LazyLock::new(|| National::parse(COMMUNES, EPCIS, DEPARTEMENTS));

/// The reference embedded in this build.
pub fn national() -> &'static National {
    &NATIONAL
}

/// A commune's name for display, or its code when the reference no longer knows it (a commune
/// merged away since the unit was entered).
pub fn commune_name(insee: &str) -> String {
    national()
        .commune(insee)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| insee.to_string())
}

/// An EPCI's name for display, or its SIREN when the reference does not know it.
pub fn epci_name(siren: &str) -> String {
    national()
        .epci_name(siren)
        .map(str::to_string)
        .unwrap_or_else(|| siren.to_string())
}

/// The ceiling zone of a stored unit's commune. `None` (logged) when the commune is unknown or
/// overseas: the eligibility check then leaves the income to the landlord, never to a default
/// zone.
pub fn zone_of(insee: &str) -> Option<CeilingZone> {
    let Some(place) = national().commune(insee) else {
        tracing::error!(insee, "a unit's commune is not in the national reference");
        return None;
    };
    match ceiling_zone(place) {
        Ok(zone) => Some(zone),
        Err(e) => {
            tracing::error!(insee, error = %e, "a unit's commune has no ceiling zone");
            None
        }
    }
}

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
}

/// Lower case, accents and ligatures folded, every other separator a single space, and "st" /
/// "ste" spelled out, so "ST ETIENNE", "saint-étienne" and "Saint Étienne" all read the same.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded: &str = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ÿ' | 'ý' => "y",
            'ñ' => "n",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_ascii_alphanumeric() => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
                continue;
            }
            _ => {
                pending_space = true;
                continue;
            }
        };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push_str(folded);
    }
    let mut words: Vec<&str> = out.split(' ').collect();
    for w in &mut words {
        *w = match *w {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        };
    }
    words.join(" ")
}

/// How well a commune matches a query; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Exact,
    Prefix,
    WordPrefix,
    Typo,
}

/// The edit distance between `query` and the closest prefix of `name` (so "villeurbane" is one
/// edit from "villeurbanne"), or `None` past `max`.
fn prefix_distance(query: &[u8], name: &[u8], max: usize, row: &mut Vec<usize>) -> Option<usize> {
    let n = query.len();
    // row[i] = distance between query[..i] and name[..j] for the current j.
    row.clear();
    row.extend(0..=n);
    let mut best = row[n];
    for (j, &b) in name.iter().enumerate().take(n + max) {
        let mut diagonal = row[0];
        row[0] = j + 1;
        let mut row_min = row[0];
        for i in 1..=n {
            let above = row[i];
            let cost = usize::from(query[i - 1] != b);
            row[i] = (above + 1).min(row[i - 1] + 1).min(diagonal + cost);
            diagonal = above;
            row_min = row_min.min(row[i]);
        }
        best = best.min(row[n]);
        if row_min > max {
            break;
        }
    }
    (best <= max).then_some(best)
}

/// What a typed commune resolves to.
#[derive(Debug)]
pub enum Resolution<'a> {
    Found(&'a Place),
    /// Several communes fit: the field should ask which one.
    Ambiguous(Vec<&'a Place>),
    NotFound,
}

impl National {
    fn parse(communes: &str, epcis: &str, departements: &str) -> National {
        let source = communes
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# source: "))
            .unwrap_or("unknown")
            .to_string();
        let mut rejected_lines = 0;
        let mut national = National {
            source,
            communes: Vec::new(),
            entries: Vec::new(),
            by_name: Vec::new(),
            by_word: Vec::new(),
            by_insee: HashMap::new(),
            postcodes: Vec::new(),
            epcis: Vec::new(),
            epci_by_siren: HashMap::new(),
            departements: HashMap::new(),
            rejected_lines: 0,
        };
        for line in data_lines(communes) {
            let f: Vec<&str> = line.split('\t').collect();
            let [
                insee,
                name,
                postcodes,
                departement,
                _region,
                zone,
                epci,
                parent,
                population,
            ] = f[..]
            else {
                rejected_lines += 1;
                continue;
            };
            if !looks_like_insee(insee) || name.is_empty() {
                rejected_lines += 1;
                continue;
            }
            let index = national.communes.len();
            let place = Place {
                insee: insee.to_string(),
                name: name.to_string(),
                postcodes: postcodes.split_whitespace().map(str::to_string).collect(),
                departement: departement.to_string(),
                area: if zone == "metro" {
                    Area::Metropole
                } else {
                    Area::Overseas
                },
                epci_siren: (!epci.is_empty()).then(|| epci.to_string()),
                parent_insee: (!parent.is_empty()).then(|| parent.to_string()),
            };
            for postcode in &place.postcodes {
                national.postcodes.push((postcode.clone(), index));
            }
            national.entries.push(Entry {
                folded: fold(name),
                population: population.parse().unwrap_or(0),
            });
            national.by_insee.insert(place.insee.clone(), index);
            national.communes.push(place);
        }
        national.postcodes.sort();
        let entries = &national.entries;
        let mut by_name: Vec<u32> = (0..entries.len() as u32).collect();
        by_name.sort_by(|&a, &b| entries[a as usize].folded.cmp(&entries[b as usize].folded));
        let mut by_word: Vec<(u32, u16)> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            for (at, _) in entry.folded.match_indices(' ') {
                by_word.push((i as u32, (at + 1) as u16));
            }
        }
        let suffix = |&(i, at): &(u32, u16)| &entries[i as usize].folded[usize::from(at)..];
        by_word.sort_by(|a, b| suffix(a).cmp(suffix(b)));
        national.by_name = by_name;
        national.by_word = by_word;
        for line in data_lines(epcis) {
            match line.split('\t').collect::<Vec<_>>()[..] {
                [siren, name, kind] if siren.len() == 9 => {
                    national
                        .epci_by_siren
                        .insert(siren.to_string(), national.epcis.len());
                    national.epcis.push(EpciRecord {
                        siren: siren.to_string(),
                        name: name.to_string(),
                        kind: kind.to_string(),
                    });
                }
                _ => rejected_lines += 1,
            }
        }
        for line in data_lines(departements) {
            match line.split('\t').collect::<Vec<_>>()[..] {
                [code, name, _region] => {
                    national
                        .departements
                        .insert(code.to_string(), name.to_string());
                }
                _ => rejected_lines += 1,
            }
        }
        national.rejected_lines = rejected_lines;
        national
    }

    pub fn communes(&self) -> &[Place] {
        &self.communes
    }

    pub fn epcis(&self) -> &[EpciRecord] {
        &self.epcis
    }

    pub fn epci(&self, siren: &str) -> Option<&EpciRecord> {
        self.epci_by_siren.get(siren).map(|&i| &self.epcis[i])
    }

    pub fn departement_name(&self, code: &str) -> Option<&str> {
        self.departements.get(code).map(String::as_str)
    }

    /// Up to `limit` communes matching what someone typed: a name (accents, hyphens and case
    /// ignored, one typo forgiven in a last word of five letters, two from nine), a postcode or its first
    /// digits, an INSEE code, or a name and a postcode ("Villeurbanne (69100)").
    pub fn search(&self, typed: &str, limit: usize) -> Vec<&Place> {
        self.ranked(typed, limit)
            .into_iter()
            .map(|(_, i)| &self.communes[i])
            .collect()
    }

    fn ranked(&self, typed: &str, limit: usize) -> Vec<(Tier, usize)> {
        // Bounded work whatever is typed: no name is longer than this.
        let typed: String = typed.chars().take(80).collect();
        let folded = fold(&typed);
        let mut digits: Option<&str> = None;
        let mut words: Vec<&str> = Vec::new();
        for word in folded.split(' ').filter(|w| !w.is_empty()) {
            if word.bytes().all(|b| b.is_ascii_digit()) && digits.is_none() {
                digits = Some(word);
            } else {
                words.push(word);
            }
        }
        let name = words.join(" ");
        let mut found: Vec<(Tier, usize)> = Vec::new();
        if name.is_empty() {
            let Some(digits) = digits.filter(|d| d.len() >= 2) else {
                return Vec::new();
            };
            if let Some(&i) = self.by_insee.get(digits) {
                found.push((Tier::Exact, i));
            }
            let start = self.postcodes.partition_point(|(p, _)| p.as_str() < digits);
            for (postcode, i) in self.postcodes[start..]
                .iter()
                .take_while(|(p, _)| p.starts_with(digits))
            {
                let tier = if postcode == digits {
                    Tier::Exact
                } else {
                    Tier::Prefix
                };
                found.push((tier, *i));
            }
        } else {
            let keep = |i: usize| {
                digits.is_none_or(|d| self.communes[i].postcodes.iter().any(|p| p.starts_with(d)))
            };
            // Names starting with the query: one range of the sorted index.
            let start = self
                .by_name
                .partition_point(|&i| self.entries[i as usize].folded.as_str() < name.as_str());
            for &i in self.by_name[start..]
                .iter()
                .take_while(|&&i| self.entries[i as usize].folded.starts_with(&name))
            {
                let i = i as usize;
                if keep(i) {
                    let tier = if self.entries[i].folded == name {
                        Tier::Exact
                    } else {
                        Tier::Prefix
                    };
                    found.push((tier, i));
                }
            }
            // A later word starting with it ("denis" for Saint-Denis): a range of the word index.
            if name.len() >= 3 {
                let suffix =
                    |&(i, at): &(u32, u16)| &self.entries[i as usize].folded[usize::from(at)..];
                let start = self.by_word.partition_point(|w| suffix(w) < name.as_str());
                for w in self.by_word[start..]
                    .iter()
                    .take_while(|w| suffix(w).starts_with(&name))
                {
                    if keep(w.0 as usize) {
                        found.push((Tier::WordPrefix, w.0 as usize));
                    }
                }
            }
            // Typos only when the exact spelling finds too little, and only in the last word
            // typed: the words before it must be right ("saint etiene" looks among the Saint-…),
            // a single word must start with the right letter. Either way a contiguous range of
            // the sorted index, where each name costs one small edit-distance table.
            let (scope, last) = match name.rfind(' ') {
                Some(at) => (&name[..=at], &name[at + 1..]),
                None => (&name[..1], name.as_str()),
            };
            let compared_from = if scope.len() == 1 { 0 } else { scope.len() };
            let max_typos = match last.len() {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            if found.len() < limit && max_typos > 0 {
                let query = last.as_bytes();
                let start = self
                    .by_name
                    .partition_point(|&i| self.entries[i as usize].folded.as_str() < scope);
                let mut row = Vec::with_capacity(query.len() + 1);
                for &i in self.by_name[start..]
                    .iter()
                    .take_while(|&&i| self.entries[i as usize].folded.starts_with(scope))
                {
                    let i = i as usize;
                    let rest = &self.entries[i].folded.as_bytes()[compared_from..];
                    if keep(i)
                        && !found.iter().any(|(_, f)| *f == i)
                        && prefix_distance(query, rest, max_typos, &mut row).is_some()
                    {
                        found.push((Tier::Typo, i));
                    }
                }
            }
        }
        // Best tier per commune, then the `limit` best: tier, then bigger communes first.
        found.sort_unstable_by_key(|&(tier, i)| (i, tier));
        found.dedup_by_key(|(_, i)| *i);
        let order = |a: &(Tier, usize), b: &(Tier, usize)| {
            a.0.cmp(&b.0)
                .then(
                    self.entries[b.1]
                        .population
                        .cmp(&self.entries[a.1].population),
                )
                .then(a.1.cmp(&b.1))
        };
        if found.len() > limit && limit > 0 {
            found.select_nth_unstable_by(limit - 1, order);
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        found.truncate(limit);
        found
    }

    /// What a commune typed in a form without JavaScript designates: an INSEE code, a unique
    /// exact name (with or without its postcode), or the only close match.
    pub fn resolve_typed(&self, typed: &str) -> Resolution<'_> {
        let typed = typed.trim();
        // Five digits may be an INSEE code or a postcode, and 3,000 of them are both, for two
        // different communes (69100 is Villeurbanne's postcode and Irigny's code): only a number
        // that designates one commune either way is taken.
        if typed.len() == 5 && typed.bytes().all(|b| b.is_ascii_digit()) {
            let mut found: Vec<&Place> = self.commune(typed).into_iter().collect();
            let start = self.postcodes.partition_point(|(p, _)| p.as_str() < typed);
            for (_, i) in self.postcodes[start..]
                .iter()
                .take_while(|(p, _)| p == typed)
            {
                let place = &self.communes[*i];
                if !found.iter().any(|f| f.insee == place.insee) {
                    found.push(place);
                }
            }
            return match found.len() {
                0 => Resolution::NotFound,
                1 => Resolution::Found(found[0]),
                _ => Resolution::Ambiguous(found),
            };
        }
        if let Some(place) = self.commune(typed) {
            return Resolution::Found(place);
        }
        // "Villeurbanne (69100)", as a combobox fills the field.
        let ranked = self.ranked(typed, 8);
        let exact: Vec<usize> = ranked
            .iter()
            .filter(|(t, _)| *t == Tier::Exact)
            .map(|(_, i)| *i)
            .collect();
        match (exact.len(), ranked.len()) {
            (_, 0) => Resolution::NotFound,
            (1, _) => Resolution::Found(&self.communes[exact[0]]),
            (0, 1) => Resolution::Found(&self.communes[ranked[0].1]),
            _ => Resolution::Ambiguous(ranked.iter().map(|(_, i)| &self.communes[*i]).collect()),
        }
    }

    /// The EPCI someone typed: its SIREN, its name (every word), or one of its communes. The
    /// error is a French message for the field.
    pub fn resolve_epci(&self, typed: &str) -> Result<&EpciRecord, String> {
        // Bounded work whatever is posted: no EPCI or commune name is longer.
        let typed: String = typed.chars().take(120).collect();
        let typed = typed.trim();
        if typed.is_empty() {
            return Err(
                "Indiquez le territoire : une de ses communes, le nom de l'EPCI ou son SIREN."
                    .into(),
            );
        }
        if let Some(e) = self.epci(typed) {
            return Ok(e);
        }
        let folded = fold(typed);
        let words: Vec<&str> = folded.split(' ').collect();
        let by_name: Vec<&EpciRecord> = self
            .epcis
            .iter()
            .filter(|e| {
                let name = fold(&e.name);
                words
                    .iter()
                    .all(|w| name.split(' ').any(|n| n.starts_with(w)))
            })
            .collect();
        if let [one] = by_name[..] {
            return Ok(one);
        }
        match self.resolve_typed(typed) {
            Resolution::Found(place) => place
                .epci_siren
                .as_deref()
                .and_then(|s| self.epci(s))
                .ok_or_else(|| format!("{} n'appartient à aucun EPCI.", place.name)),
            _ if by_name.len() > 1 => Err(format!(
                "Plusieurs EPCI correspondent : {}. Précisez le nom ou indiquez le SIREN.",
                by_name
                    .iter()
                    .take(6)
                    .map(|e| format!("{} ({})", e.name, e.siren))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Resolution::Ambiguous(places) => {
                Err(crate::domain::territory::CommuneProblem::Ambiguous(
                    places.iter().map(|p| p.label()).collect(),
                )
                .message())
            }
            _ => Err(format!(
                "Aucun EPCI ni aucune commune ne correspond à « {typed} »."
            )),
        }
    }
}

impl Places for National {
    fn commune(&self, insee: &str) -> Option<&Place> {
        let insee = insee.trim();
        // Called for every offer listed: only Corsica's "2a…" needs a new string.
        let found = match self.by_insee.get(insee) {
            Some(i) => Some(i),
            None if insee.bytes().any(|b| b.is_ascii_lowercase()) => {
                self.by_insee.get(&insee.to_uppercase())
            }
            None => None,
        };
        found.map(|&i| &self.communes[i])
    }

    fn epci_name(&self, siren: &str) -> Option<&str> {
        self.epci(siren).map(|e| e.name.as_str())
    }

    fn resolve(&self, typed: &str) -> Result<&Place, CommuneProblem> {
        if typed.trim().is_empty() {
            return Err(CommuneProblem::Missing);
        }
        match self.resolve_typed(typed) {
            Resolution::Found(place) => Ok(place),
            Resolution::Ambiguous(places) => Err(CommuneProblem::Ambiguous(
                places.iter().map(|p| p.label()).collect(),
            )),
            Resolution::NotFound => Err(CommuneProblem::Unknown(
                typed.trim().chars().take(80).collect(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: &[&Place]) -> Vec<String> {
        found.iter().map(|p| p.name.clone()).collect()
    }

    #[test]
    fn the_embedded_files_read_in_full() {
        let n = national();
        assert_eq!(n.rejected_lines, 0);
        assert!(n.communes().len() > 34_000, "{}", n.communes().len());
        assert!(n.epcis().len() > 1_200);
        assert!(n.source.contains("@etalab/decoupage-administratif"));
        assert_eq!(n.departement_name("25"), Some("Doubs"));
    }

    #[test]
    fn arrondissements_point_to_their_commune_and_its_epci() {
        let n = national();
        let first = n.commune("75101").unwrap();
        assert_eq!(first.parent_insee.as_deref(), Some("75056"));
        assert_eq!(first.epci_siren.as_deref(), Some("200054781"));
        assert_eq!(ceiling_zone(first), Ok(CeilingZone::ParisAndNeighbours));
        let lyon_7 = n.commune("69387").unwrap();
        assert_eq!(lyon_7.parent_insee.as_deref(), Some("69123"));
        assert_eq!(lyon_7.epci_siren.as_deref(), Some("200046977"));
        assert!(n.commune("13201").is_some(), "Marseille 1er");
    }

    #[test]
    fn zones_by_rule_on_the_real_reference() {
        let n = national();
        let zone = |insee: &str| ceiling_zone(n.commune(insee).unwrap());
        assert_eq!(zone("75056"), Ok(CeilingZone::ParisAndNeighbours));
        assert_eq!(zone("75120"), Ok(CeilingZone::ParisAndNeighbours));
        assert_eq!(zone("92012"), Ok(CeilingZone::ParisAndNeighbours));
        assert_eq!(zone("93066"), Ok(CeilingZone::ParisAndNeighbours));
        assert_eq!(zone("92050"), Ok(CeilingZone::IleDeFrance), "Nanterre");
        assert_eq!(zone("77284"), Ok(CeilingZone::IleDeFrance), "Meaux");
        assert_eq!(zone("95127"), Ok(CeilingZone::IleDeFrance), "Cergy");
        assert_eq!(zone("69266"), Ok(CeilingZone::OtherRegions));
        assert_eq!(zone("25056"), Ok(CeilingZone::OtherRegions));
        assert!(zone("97411").is_err(), "La Réunion");
        assert!(zone("97209").is_err(), "Fort-de-France");
        assert!(n.commune("99999").is_none());
        assert!(n.commune("2A004").is_some(), "Ajaccio");
        // Every limitrophe code is a real commune of the inner ring.
        for code in crate::domain::territory::PARIS_NEIGHBOURS {
            let p = n.commune(code).unwrap();
            assert!(
                ["92", "93", "94"].contains(&p.departement.as_str()),
                "{code}"
            );
        }
    }

    #[test]
    fn search_forgives_accents_case_hyphens_and_a_typo() {
        let n = national();
        assert_eq!(names(&n.search("villeurbane", 5))[0], "Villeurbanne");
        assert_eq!(names(&n.search("BESANCON", 5))[0], "Besançon");
        assert_eq!(names(&n.search("st etienne", 5))[0], "Saint-Étienne");
        assert_eq!(names(&n.search("ecole valentin", 5))[0], "École-Valentin");
        assert_eq!(names(&n.search("69100", 5))[0], "Villeurbanne");
        assert!(names(&n.search("2541", 50)).contains(&"Saint-Vit".to_string()));
        assert_eq!(n.search("25056", 5)[0].name, "Besançon");
        assert!(n.search("", 5).is_empty());
        assert!(n.search("zzzzzzzz", 5).is_empty());
        assert_eq!(n.search("saint", 10).len(), 10);
    }

    #[test]
    fn a_typed_commune_resolves_or_asks_which() {
        let n = national();
        let found = |typed: &str| match n.resolve_typed(typed) {
            Resolution::Found(p) => Some(p.insee.clone()),
            _ => None,
        };
        assert_eq!(found("69266").as_deref(), Some("69266"));
        // 69100 is Villeurbanne's postcode and Irigny's INSEE code: it asks which.
        assert!(matches!(n.resolve_typed("69100"), Resolution::Ambiguous(v) if v.len() == 2));
        assert_eq!(found("25000").as_deref(), Some("25056"));
        assert_eq!(found("Villeurbanne (69100)").as_deref(), Some("69266"));
        assert_eq!(found("villeurbane").as_deref(), Some("69266"));
        assert_eq!(found("Saint-Denis 93200").as_deref(), Some("93066"));
        assert!(matches!(n.resolve_typed("Saint-Denis"), Resolution::Ambiguous(v) if v.len() > 2));
        assert!(matches!(n.resolve_typed("qwxzqwxz"), Resolution::NotFound));
    }

    #[test]
    fn epcis_are_found_by_siren_name_or_commune() {
        let n = national();
        assert_eq!(
            n.resolve_epci("200046977").unwrap().name,
            "Métropole de Lyon"
        );
        assert_eq!(n.resolve_epci("grand besancon").unwrap().siren, "242500361");
        assert_eq!(n.resolve_epci("Villeurbanne").unwrap().siren, "200046977");
        assert_eq!(
            n.resolve_epci("métropole de lyon").unwrap().siren,
            "200046977"
        );
        assert_eq!(n.resolve_epci("242500361").unwrap().siren, "242500361");
        assert_eq!(n.commune("2a004").unwrap().name, "Ajaccio");
        assert!(n.resolve_epci("Saint-Denis").is_err());
        assert!(n.resolve_epci("").is_err());
    }

    #[test]
    fn folding_is_bounded_and_tolerant() {
        assert_eq!(fold("  L'Haÿ-les-Roses "), "l hay les roses");
        assert_eq!(fold("ŒUVRE—Æ"), "oeuvre ae");
        let long = "é".repeat(10_000);
        assert!(national().search(&long, 5).len() <= 5);
    }
}

//! Income ceilings (plafonds de ressources) as data: product × zone × year × category.
//!
//! The figures live in `ceilings.tsv` beside this file, one reviewed line per year, product and
//! zone, with its source: PLUS from the yearly arrêtés (2024–2026, `shared/domain.md` §3.2), PLS =
//! PLUS × 1.30 rounded half up (§3.3). PLAI and PLI have no complete table from a verified source,
//! so no figure is invented for them: the lookup answers `Unpublished`. A year whose arrêté is not
//! loaded yet answers `Provisional` with the last known figures, for the caller to say so.

use super::household::Category;
use super::territory::CeilingZone;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Product {
    Plai,
    Plus,
    Pls,
    Pli,
}

impl Product {
    pub fn parse(code: &str) -> Option<Product> {
        match code {
            "PLAI" => Some(Product::Plai),
            "PLUS" => Some(Product::Plus),
            "PLS" => Some(Product::Pls),
            "PLI" => Some(Product::Pli),
            _ => None,
        }
    }
}

/// Annual ceilings in euros for categories 1–6, then the amount per extra person.
type Row = [u32; 7];

/// One line of `ceilings.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Table {
    year: i32,
    product: Product,
    zone: CeilingZone,
    row: Row,
}

const DATA: &str = include_str!("ceilings.tsv");

/// The tables of `ceilings.tsv`, and how many of its lines could not be read (a test keeps that
/// at zero, so a typo in the file fails the suite instead of dropping a year).
fn parse(data: &str) -> (Vec<Table>, usize) {
    let mut tables = Vec::new();
    let mut rejected = 0;
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let parsed = (|| {
            let [year, product, zone, amounts @ ..] = &fields[..] else {
                return None;
            };
            let zone = match *zone {
                "paris" => CeilingZone::ParisAndNeighbours,
                "idf" => CeilingZone::IleDeFrance,
                "autres" => CeilingZone::OtherRegions,
                _ => return None,
            };
            let mut row: Row = [0; 7];
            for (slot, amount) in row.iter_mut().zip(amounts.iter()) {
                *slot = amount.parse().ok()?;
            }
            (amounts.len() == 8 && row.iter().all(|a| *a > 0)).then_some(Table {
                year: year.parse().ok()?,
                product: Product::parse(product)?,
                zone,
                row,
            })
        })();
        match parsed {
            Some(t) => tables.push(t),
            None => rejected += 1,
        }
    }
    (tables, rejected)
}

static TABLES: std::sync::LazyLock<(Vec<Table>, usize)> = std::sync::LazyLock::new(|| parse(DATA));

fn row(product: Product, zone: CeilingZone, year: i32) -> Option<&'static Row> {
    TABLES
        .0
        .iter()
        .find(|t| t.product == product && t.zone == zone && t.year == year)
        .map(|t| &t.row)
}

/// Whether the ceilings of `year` are loaded (the PLUS table, from which the others follow).
pub fn has_year(year: i32) -> bool {
    TABLES
        .0
        .iter()
        .any(|t| t.year == year && t.product == Product::Plus)
}

/// The warning staff and the platform admin see while `year` has no ceilings loaded.
pub fn missing_year_notice(year: i32) -> Option<String> {
    if has_year(year) {
        return None;
    }
    let last = latest_year().map_or_else(String::new, |y| {
        format!(" (derniers plafonds chargés : {y})")
    });
    Some(format!(
        "Les plafonds de ressources {year} ne sont pas encore chargés dans locactive{last}. Jusqu'à la mise à jour de la plateforme avec l'arrêté de l'année, les demandeurs voient un verdict provisoire sur leurs revenus, et chaque dossier est à vérifier avec les plafonds {year}."
    ))
}

/// The latest year whose ceilings are loaded.
pub fn latest_year() -> Option<i32> {
    TABLES
        .0
        .iter()
        .filter(|t| t.product == Product::Plus)
        .map(|t| t.year)
        .max()
}

/// `amount` × 1.3, rounded half up, in integer arithmetic (no floating-point surprises).
pub fn pls_from_plus(amount: u32) -> u32 {
    (amount * 13 + 5) / 10
}

fn total(row: &Row, category: Category) -> u32 {
    row[usize::from(category.base.clamp(1, 6)) - 1] + row[6] * category.extra_persons
}

/// The annual ceiling (revenu fiscal de référence, euros) for a household of `category` applying
/// in `year` (the year of the application, which looks at the income of year N-2), from that
/// year's table only.
pub fn ceiling(product: Product, zone: CeilingZone, year: i32, category: Category) -> Option<u32> {
    row(product, zone, year).map(|r| total(r, category))
}

/// What is known of a ceiling for `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The year's own figure.
    Known(u32),
    /// The year's table is not loaded yet (a new arrêté each January): the last loaded year's
    /// figure, to be shown as provisional, never used as if it were this year's.
    Provisional { table_year: i32, amount: u32 },
    /// No verified figure for this product.
    Unpublished,
}

pub fn lookup(product: Product, zone: CeilingZone, year: i32, category: Category) -> Lookup {
    if let Some(amount) = ceiling(product, zone, year, category) {
        return Lookup::Known(amount);
    }
    let earlier = TABLES
        .0
        .iter()
        .filter(|t| t.product == product && t.zone == zone && t.year < year)
        .max_by_key(|t| t.year);
    match earlier {
        Some(t) if !has_year(year) => Lookup::Provisional {
            table_year: t.year,
            amount: total(&t.row, category),
        },
        _ => Lookup::Unpublished,
    }
}

/// The income year the ceilings of `application_year` compare against.
pub fn reference_income_year(application_year: i32) -> i32 {
    application_year - 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(base: u8) -> Category {
        Category {
            base,
            extra_persons: 0,
        }
    }

    #[test]
    fn plus_2026_official_figures() {
        let other = CeilingZone::OtherRegions;
        assert_eq!(ceiling(Product::Plus, other, 2026, cat(1)), Some(23_403));
        assert_eq!(ceiling(Product::Plus, other, 2026, cat(4)), Some(45_374));
        assert_eq!(
            ceiling(Product::Plus, CeilingZone::ParisAndNeighbours, 2026, cat(6)),
            Some(84_304)
        );
        assert_eq!(
            ceiling(Product::Plus, CeilingZone::IleDeFrance, 2026, cat(3)),
            Some(48_362)
        );
        assert_eq!(
            ceiling(
                Product::Plus,
                other,
                2026,
                Category {
                    base: 6,
                    extra_persons: 2
                }
            ),
            Some(60_156 + 2 * 6_710)
        );
    }

    #[test]
    fn pls_2026_is_plus_times_1_3_rounded_half_up() {
        // The computed table of domain.md §3.3.
        let other = CeilingZone::OtherRegions;
        let expected = [30_424, 40_630, 48_859, 58_986, 69_389, 78_203];
        for (i, want) in expected.into_iter().enumerate() {
            assert_eq!(
                ceiling(Product::Pls, other, 2026, cat(i as u8 + 1)),
                Some(want)
            );
        }
        assert_eq!(
            ceiling(Product::Pls, CeilingZone::ParisAndNeighbours, 2026, cat(6)),
            Some(109_595)
        );
        assert_eq!(
            ceiling(
                Product::Pls,
                CeilingZone::IleDeFrance,
                2026,
                Category {
                    base: 6,
                    extra_persons: 1
                }
            ),
            Some(100_322 + 11_177)
        );
        // The 2023 published check: 45 675.5 rounds up to 45 676.
        assert_eq!(pls_from_plus(35_135), 45_676);
    }

    #[test]
    fn the_revaluation_between_2025_and_2026_is_0_87_percent() {
        for zone in [
            CeilingZone::ParisAndNeighbours,
            CeilingZone::IleDeFrance,
            CeilingZone::OtherRegions,
        ] {
            for base in 1..=6 {
                let y25 = ceiling(Product::Plus, zone, 2025, cat(base)).unwrap() as f64;
                let y26 = ceiling(Product::Plus, zone, 2026, cat(base)).unwrap() as f64;
                assert!((y26 / y25 - 1.0087).abs() < 0.0002, "{zone:?} {base}");
            }
        }
    }

    #[test]
    fn unknown_years_and_unpublished_products_have_no_ceiling() {
        assert_eq!(
            ceiling(Product::Plus, CeilingZone::OtherRegions, 2023, cat(1)),
            None
        );
        assert_eq!(
            ceiling(Product::Plai, CeilingZone::OtherRegions, 2026, cat(1)),
            None
        );
        assert_eq!(
            ceiling(Product::Pli, CeilingZone::OtherRegions, 2026, cat(1)),
            None
        );
        assert_eq!(reference_income_year(2026), 2024);
    }

    #[test]
    fn the_data_file_reads_in_full_and_pls_rows_are_plus_times_1_3() {
        let (tables, rejected) = parse(DATA);
        assert_eq!(rejected, 0);
        for year in [2024, 2025, 2026] {
            assert!(has_year(year));
            for zone in [
                CeilingZone::ParisAndNeighbours,
                CeilingZone::IleDeFrance,
                CeilingZone::OtherRegions,
            ] {
                let plus = row(Product::Plus, zone, year).unwrap();
                let pls = row(Product::Pls, zone, year).unwrap();
                assert_eq!(*pls, plus.map(pls_from_plus), "{year} {zone:?}");
            }
        }
        assert_eq!(tables.len(), 18);
        assert_eq!(latest_year(), Some(2026));
        let bad = "2027\tPLUS\tautres\t1\t2\n2027\tPLUS\tailleurs\t1\t2\t3\t4\t5\t6\t7\tx\n";
        assert_eq!(parse(bad), (vec![], 2));
    }

    #[test]
    fn a_year_without_its_table_is_provisional_never_silently_last_year() {
        let other = CeilingZone::OtherRegions;
        assert!(!has_year(2027));
        assert_eq!(ceiling(Product::Plus, other, 2027, cat(1)), None);
        assert_eq!(
            lookup(Product::Plus, other, 2027, cat(1)),
            Lookup::Provisional {
                table_year: 2026,
                amount: 23_403
            }
        );
        assert_eq!(
            lookup(Product::Plus, other, 2026, cat(1)),
            Lookup::Known(23_403)
        );
        assert_eq!(
            lookup(Product::Plai, other, 2026, cat(1)),
            Lookup::Unpublished
        );
        assert_eq!(
            lookup(Product::Plus, other, 2020, cat(1)),
            Lookup::Unpublished
        );
        assert_eq!(missing_year_notice(2026), None);
        let notice = missing_year_notice(2027).unwrap();
        assert!(
            notice.contains("2027") && notice.contains("2026"),
            "{notice}"
        );
    }

    #[test]
    fn ceilings_grow_with_the_category() {
        for product in [Product::Plus, Product::Pls] {
            let mut last = 0;
            for base in 1..=6 {
                let now = ceiling(product, CeilingZone::OtherRegions, 2026, cat(base)).unwrap();
                assert!(now > last);
                last = now;
            }
        }
    }
}

//! Income ceilings (plafonds de ressources) as data: product × zone × year × category.
//!
//! PLUS figures are the official ones of the arrêtés for 2024, 2025 and 2026 (openfisca-france
//! parameters, cross-checked; `shared/domain.md` §3.2). PLS ceilings are PLUS × 1.30 rounded half
//! up (art. 1 of the 1987 arrêté; §3.3). PLAI 2026 and PLI have not been published in a source we
//! could verify, so no figure is invented for them: the lookup answers `None`.

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

/// PLUS ceilings: (year, [Paris and neighbours, rest of Île-de-France, other regions]).
const PLUS: &[(i32, [Row; 3])] = &[
    (
        2024,
        [
            [26_044, 38_925, 51_025, 60_921, 72_482, 81_562, 9_089],
            [26_044, 38_925, 46_789, 56_046, 66_347, 74_662, 8_319],
            [22_642, 30_238, 36_362, 43_899, 51_641, 58_200, 6_492],
        ],
    ),
    (
        2025,
        [
            [26_687, 39_885, 52_284, 62_424, 74_271, 83_575, 9_313],
            [26_687, 39_885, 47_944, 57_429, 67_984, 76_504, 8_524],
            [23_201, 30_984, 37_259, 44_982, 52_915, 59_636, 6_652],
        ],
    ),
    (
        2026,
        [
            [26_920, 40_233, 52_740, 62_968, 74_919, 84_304, 9_394],
            [26_920, 40_233, 48_362, 57_930, 68_577, 77_171, 8_598],
            [23_403, 31_254, 37_584, 45_374, 53_376, 60_156, 6_710],
        ],
    ),
];

fn zone_index(zone: CeilingZone) -> usize {
    match zone {
        CeilingZone::ParisAndNeighbours => 0,
        CeilingZone::IleDeFrance => 1,
        CeilingZone::OtherRegions => 2,
    }
}

/// `amount` × 1.3, rounded half up, in integer arithmetic (no floating-point surprises).
pub fn pls_from_plus(amount: u32) -> u32 {
    (amount * 13 + 5) / 10
}

fn total(row: &Row, category: Category) -> u32 {
    row[usize::from(category.base.clamp(1, 6)) - 1] + row[6] * category.extra_persons
}

/// The annual ceiling (revenu fiscal de référence, euros) for a household of `category` applying
/// in `year` (the year of the application, which looks at the income of year N-2).
pub fn ceiling(product: Product, zone: CeilingZone, year: i32, category: Category) -> Option<u32> {
    let plus_row = PLUS
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, rows)| &rows[zone_index(zone)])?;
    match product {
        Product::Plus => Some(total(plus_row, category)),
        Product::Pls => {
            let pls: Row = plus_row.map(pls_from_plus);
            Some(total(&pls, category))
        }
        Product::Plai | Product::Pli => None,
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

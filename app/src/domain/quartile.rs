//! The first quartile of requests (loi Égalité et Citoyenneté): a request is in it when the
//! household's annual resources per consumption unit are under the threshold a ministerial
//! arrêté sets for the EPCI and the year (`shared/domain.md` §2). The attribution objectives
//! count attributions outside QPV to these requests.
//!
//! Consumption units follow the modified OECD scale used for those thresholds [C]: 1 for the
//! first person, 0.5 for each other person aged 14 or more, 0.3 for each child under 14.

use crate::domain::household::Person;

/// Tenths of a consumption unit, so the scale stays in integers.
pub fn consumption_units_tenths(members: &[Person]) -> u32 {
    // The first person of the scale is an adult: the eldest, whatever order the profile lists.
    let mut ages: Vec<u32> = members.iter().map(|p| p.age).collect();
    ages.sort_unstable_by(|a, b| b.cmp(a));
    ages.iter()
        .enumerate()
        .map(|(i, age)| match (i, age) {
            (0, _) => 10,
            (_, age) if *age >= 14 => 5,
            _ => 3,
        })
        .sum()
}

/// Whether the household is in the first quartile: `monthly_resources_cents` × 12 per
/// consumption unit under `threshold_eur` (annual euros per unit). `None` when the resources or
/// the household are not known.
pub fn is_first_quartile(
    members: &[Person],
    monthly_resources_cents: Option<i64>,
    threshold_eur: u32,
) -> Option<bool> {
    let units = i64::from(consumption_units_tenths(members));
    let resources = monthly_resources_cents?;
    if units == 0 || resources < 0 {
        return None;
    }
    // annual cents × 10 / tenths < threshold × 100, kept in integers.
    Some(resources * 12 * 10 < i64::from(threshold_eur) * 100 * units)
}

/// Checks a threshold typed by a territory admin: whole euros per consumption unit and year.
pub fn parse_threshold(typed: &str) -> Result<u32, String> {
    let cleaned: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '€')
        .collect();
    match cleaned.parse::<u32>() {
        Ok(n) if (1_000..=100_000).contains(&n) => Ok(n),
        _ => Err(
            "Indiquez le seuil en euros par an et par unité de consommation, par exemple 10 962 (entre 1 000 et 100 000)."
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(age: u32) -> Person {
        Person {
            age,
            handicap: false,
            dependant: age < 18,
            partner: false,
        }
    }

    #[test]
    fn consumption_units_of_common_households() {
        assert_eq!(consumption_units_tenths(&[person(40)]), 10);
        assert_eq!(consumption_units_tenths(&[person(40), person(38)]), 15);
        // A couple with children of 15 and 8: 1 + 0.5 + 0.5 + 0.3.
        assert_eq!(
            consumption_units_tenths(&[person(40), person(38), person(15), person(8)]),
            23
        );
        assert_eq!(consumption_units_tenths(&[]), 0);
        // Listed child first, the adult still counts as the first person.
        assert_eq!(consumption_units_tenths(&[person(6), person(33)]), 13);
    }

    #[test]
    fn the_threshold_is_strict_and_per_unit() {
        // A single person with 900 € a month: 10,800 € a year, one unit.
        let alone = [person(30)];
        assert_eq!(is_first_quartile(&alone, Some(900_00), 10_801), Some(true));
        assert_eq!(is_first_quartile(&alone, Some(900_00), 10_800), Some(false));
        // A couple and two young children on 1,800 € a month: 21,600 € over 2.1 units = 10,285.7.
        let family = [person(35), person(34), person(6), person(3)];
        assert_eq!(
            is_first_quartile(&family, Some(1_800_00), 10_286),
            Some(true)
        );
        assert_eq!(
            is_first_quartile(&family, Some(1_800_00), 10_285),
            Some(false)
        );
        assert_eq!(is_first_quartile(&family, None, 10_000), None);
        assert_eq!(is_first_quartile(&[], Some(1), 10_000), None);
    }

    #[test]
    fn thresholds_are_read_the_french_way_and_bounded() {
        assert_eq!(parse_threshold("10 962"), Ok(10_962));
        assert_eq!(parse_threshold("10\u{202f}962 €"), Ok(10_962));
        assert!(parse_threshold("12").is_err());
        assert!(parse_threshold("dix mille").is_err());
        assert!(parse_threshold("").is_err());
    }
}

//! Every parser of what users type, fed random input: the catalogue's address, a cotation grid as
//! text, a CSV file of units, an SNE number, each part of the profile. None may panic, and every
//! refusal says why in French.

use crate::domain::calendar::Date;
use crate::domain::catalogue::{CatalogueQuery, PARAMETERS};
use crate::domain::cotation::Grid;
use crate::domain::offer::UnitContext;
use crate::domain::profile::{
    HousingInput, MemberInput, RequestInput, ResourcesInput, WishesInput, member_incomes,
};
use crate::domain::sne::{first_filing_month, sne_number_problem};
use crate::error::FieldErrors;
use crate::ssr::import::{COLUMNS, check};
use proptest::prelude::*;

/// A refusal users can read: something said, and not a parser's own English words.
fn readable(message: &str) -> bool {
    const LEAKS: [&str; 12] = [
        "invalid digit",
        "overflow",
        "ParseInt",
        "unexpected",
        "panicked",
        "Error(",
        "error",
        "record",
        "byte",
        "found",
        "expected",
        "line:",
    ];
    !message.trim().is_empty() && !LEAKS.iter().any(|leak| message.contains(leak))
}

fn all_readable(errors: &FieldErrors) -> bool {
    !errors.is_empty() && errors.0.iter().all(|(_, message)| readable(message))
}

/// Text that looks like what a form receives: plausible words and numbers, odd characters,
/// separators, long runs.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[0-9 ,.\u{a0}€-]{0,20}",
        "-?[0-9]{1,25}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[0-9]{2}/[0-9]{2}/[0-9]{4}",
        Just(String::new()),
        "\\PC{200,400}",
    ]
}

fn today() -> Date {
    Date::new(2026, 12, 4).expect("a date")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_catalogue_reads_any_address(
        pairs in prop::collection::vec(
            (prop_oneof![prop::sample::select(PARAMETERS.to_vec()).prop_map(String::from), "\\PC{0,12}"],
             typed()),
            0..8,
        ),
        raw in "\\PC{0,200}",
    ) {
        let built: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for query in [built.join("&"), raw] {
            if let Err(error) = CatalogueQuery::from_query_string(&query) {
                prop_assert!(readable(&error.message), "{query:?}: {}", error.message);
            }
        }
    }

    #[test]
    fn a_grid_as_text_is_read_or_each_faulty_line_is_named(
        lines in prop::collection::vec(
            prop_oneof![
                "\\PC{0,60}",
                "[A-Za-zéè ]{0,20} ?[;:|] ?-?[0-9]{0,6}",
                "(ancienneté|dalo|handicap|refus|taux d'effort) ?[;:] ?[0-9]{0,4}( ?[;:] ?[a-z0-9 ]{0,10}){0,3}",
            ],
            0..12,
        ),
    ) {
        let text = lines.join("\n");
        if let Err(problems) = Grid::parse(&text) {
            prop_assert!(!problems.is_empty());
            for problem in &problems {
                prop_assert!(readable(problem), "{text:?}: {problem}");
            }
        }
    }

    #[test]
    fn a_csv_file_of_units_is_checked_whatever_it_holds(
        raw in prop::collection::vec(any::<u8>(), 0..2048),
        header in prop::collection::vec(prop::sample::select(COLUMNS.iter().map(|(c, _)| *c).collect::<Vec<_>>()), 0..20),
        rows in prop::collection::vec(prop::collection::vec(typed(), 0..20), 0..6),
        separator in prop::sample::select(vec![";", ",", "\t"]),
    ) {
        let context = UnitContext { territories: &[], qpvs: &[] };
        let mut structured = header.join(separator);
        for row in &rows {
            structured.push('\n');
            structured.push_str(&row.join(separator));
        }
        for bytes in [raw, structured.into_bytes()] {
            let checked = check(&bytes, &context, &mut |_| {});
            for error in &checked.errors {
                prop_assert!(readable(&error.message), "{}", error.message);
            }
        }
    }

    #[test]
    fn an_sne_number_is_accepted_or_refused_in_words(raw in prop_oneof!["\\PC{0,30}", "[0-9 ]{10,16}", "0[0-9]{2}1[0-9]{9}"]) {
        match sne_number_problem(&raw) {
            Some(problem) => prop_assert!(readable(problem), "{raw:?}: {problem}"),
            None => prop_assert!(first_filing_month(raw.trim()).is_some() || first_filing_month(&raw).is_some()),
        }
    }

    #[test]
    fn every_part_of_the_profile_is_checked_without_fail(
        fields in prop::collection::vec(typed(), 12),
        flags in any::<(bool, bool)>(),
        incomes in prop::collection::vec((any::<i64>(), typed()), 0..5),
    ) {
        let f = |i: usize| fields[i].clone();
        let member = MemberInput {
            relationship: f(0),
            first_name: f(1),
            birth_date: f(2),
            handicap: flags.0,
            dependant: flags.1,
            rfr_n2: f(3),
        };
        if let Err(errors) = member.validate(today(), &[]) {
            prop_assert!(all_readable(&errors), "{errors:?}");
        }
        let resources = ResourcesInput { monthly_resources: f(4), income_basis: f(5), declared_income: f(6) };
        if let Err(errors) = resources.validate() {
            prop_assert!(all_readable(&errors), "{errors:?}");
        }
        if let Err(errors) = member_incomes(&incomes) {
            prop_assert!(all_readable(&errors), "{errors:?}");
        }
        let housing = HousingInput { housing_status: f(7), current_landlord: f(8), current_typology: f(9), current_rent: f(10) };
        if let Err(errors) = housing.validate() {
            prop_assert!(all_readable(&errors), "{errors:?}");
        }
        let request = RequestInput { sne_number: f(11), first_filing_date: f(2), renewal_date: f(3) };
        if let Err(errors) = request.validate(today()) {
            prop_assert!(all_readable(&errors), "{errors:?}");
        }
        let wishes = WishesInput {
            communes: vec![f(0), f(4)],
            add_commune: f(1),
            typologies: vec![f(9), "T3".into()],
            max_rent: f(10),
        };
        if let Err(errors) = wishes.validate(crate::ssr::reference::national()) {
            prop_assert!(all_readable(&errors), "{errors:?}");
        }
    }
}

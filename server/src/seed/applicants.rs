//! The demo applicants: varied households, incomes, situations and wishes.

use super::*;

/// A household and a request for one applicant.
pub(super) async fn insert_applicant(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    today: Date,
    user_id: i64,
    n: usize,
) -> Result<(), sqlx::Error> {
    let shape = pick(
        rng,
        &[
            ("single", 40),
            ("couple", 15),
            ("single_parent", 20),
            ("family", 20),
            ("senior_couple", 5),
        ],
    );
    let adult_age = |rng: &mut StdRng| -> i64 {
        match shape {
            "senior_couple" => rng.gen_range(62..85),
            _ => rng.gen_range(19..64),
        }
    };
    let birth = |rng: &mut StdRng, age: i64| {
        date_string(today - Duration::days(age * 365 + rng.gen_range(0..365)))
    };
    let children = match shape {
        "single_parent" => rng.gen_range(1..4),
        "family" => rng.gen_range(1..5),
        _ => 0,
    };
    let adults = if matches!(shape, "couple" | "family" | "senior_couple") {
        2
    } else {
        1
    };
    // Annual revenu fiscal de référence per adult, skewed low as in social-housing demand.
    let income = |rng: &mut StdRng| -> i64 {
        let band = pick(rng, &[(0, 12), (1, 20), (2, 30), (3, 25), (4, 13)]);
        match band {
            0 => 0,
            1 => rng.gen_range(3_000..9_000),
            2 => rng.gen_range(9_000..16_000),
            3 => rng.gen_range(16_000..24_000),
            _ => rng.gen_range(24_000..38_000),
        }
    };
    let mut household_income = 0;
    for adult in 0..adults {
        let age = adult_age(rng);
        let rfr = income(rng);
        household_income += rfr;
        housing::insert_household_member(
            conn,
            &housing::NewMember {
                user_id,
                relationship: if adult == 0 { "self" } else { "spouse" },
                first_name: pick(rng, FIRST_NAMES_WEIGHTED),
                birth_date: &birth(rng, age),
                handicap: rng.gen_bool(0.06),
                dependant: false,
                rfr_n2_eur: Some(rfr),
            },
        )
        .await?;
    }
    for _ in 0..children {
        let age = rng.gen_range(0..18);
        housing::insert_household_member(
            conn,
            &housing::NewMember {
                user_id,
                relationship: "child",
                first_name: pick(rng, FIRST_NAMES_WEIGHTED),
                birth_date: &birth(rng, age),
                handicap: rng.gen_bool(0.03),
                dependant: true,
                rfr_n2_eur: None,
            },
        )
        .await?;
    }
    let housing_status = pick(
        rng,
        &[
            ("social_tenant", 30),
            ("private_tenant", 35),
            ("hosted", 22),
            ("homeless", 5),
            ("shelter", 8),
        ],
    );
    let first_filing = today - Duration::days(rng.gen_range(20..(6 * 365)));
    let mut renewal = first_filing;
    while renewal <= today {
        renewal = renewal
            .replace_year(renewal.year() + 1)
            .unwrap_or(renewal + Duration::days(365));
    }
    // Departmental form: "025" + MMYY of the first filing + a 6-digit sequence.
    let sne = format!(
        "025{:02}{:02}{:06}",
        u8::from(first_filing.month()),
        first_filing.year() % 100,
        100_000 + n
    );
    let mut flags = Vec::new();
    for (flag, p) in [
        ("violences_conjugales", 0.03),
        ("menace_expulsion", 0.06),
        ("logement_indigne", 0.04),
        ("handicap", 0.05),
        ("sortie_structure", 0.05),
        ("sans_logement", 0.05),
    ] {
        if rng.gen_bool(p) {
            flags.push(flag);
        }
    }
    let epci = if rng.gen_bool(0.6) {
        GRAND_BESANCON.siren
    } else {
        PAYS_DE_MONTBELIARD.siren
    };
    let wishes: Vec<&str> = COMMUNES
        .iter()
        .filter(|c| c.epci_siren == epci)
        .enumerate()
        .filter(|(i, _)| *i == 0 || rng.gen_bool(0.3))
        .map(|(_, c)| c.insee)
        .collect();
    let household = adults + children;
    let typologies = match household {
        1 => "T1,T2",
        2 => "T2,T3",
        3 | 4 => "T3,T4",
        _ => "T4,T5,T6+",
    };
    let social_tenant = housing_status == "social_tenant";
    housing::insert_profile(
        conn,
        &housing::NewProfile {
            user_id,
            sne_number: Some(&sne),
            first_filing_date: Some(&date_string(first_filing)),
            renewal_date: Some(&date_string(renewal)),
            housing_status,
            current_landlord: social_tenant.then_some("Habitat Comtois (démo)"),
            current_typology: social_tenant.then_some(if household > 3 { "T3" } else { "T2" }),
            current_rent_cents: social_tenant.then(|| rng.gen_range(30_000..55_000)),
            dalo: rng.gen_bool(0.03),
            priority_flags: &flags.join(","),
            wished_communes: &wishes.join(","),
            wished_typologies: typologies,
            max_rent_cents: Some(rng.gen_range(35..80) * 1000),
            action_logement_employee: rng.gen_bool(0.2),
            // Earnings a month plus family and minimum-income benefits, before housing benefit.
            monthly_resources_cents: Some(
                ((household_income / 12).max(650) + 140 * i64::from(children)) * 100,
            ),
        },
    )
    .await
}

pub(super) const FIRST_NAMES_WEIGHTED: &[(&str, u32)] = &[
    ("Marie", 5),
    ("Nathalie", 3),
    ("Isabelle", 3),
    ("Sophie", 3),
    ("Camille", 3),
    ("Léa", 3),
    ("Inès", 3),
    ("Fatima", 3),
    ("Aïcha", 2),
    ("Chloé", 2),
    ("Manon", 2),
    ("Sandrine", 2),
    ("Jean", 4),
    ("Pierre", 3),
    ("Nicolas", 3),
    ("Thomas", 3),
    ("Mohamed", 3),
    ("Karim", 2),
    ("Lucas", 3),
    ("Hugo", 2),
    ("Mehdi", 2),
    ("Julien", 3),
    ("Sébastien", 2),
    ("Mamadou", 2),
    ("Emma", 3),
    ("Louise", 2),
    ("Jade", 2),
    ("Gabriel", 2),
    ("Noah", 2),
    ("Yanis", 2),
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Moreau",
    "Girard",
    "Bonnet",
    "Mercier",
    "Faivre",
    "Vuillemin",
    "Cuenot",
    "Pernot",
    "Jacquot",
    "Grosjean",
    "Mougin",
    "Girardot",
    "Bourgeois",
    "Benali",
    "Haddad",
    "Diallo",
    "Traoré",
    "Nguyen",
    "Da Silva",
    "Lopes",
    "Yilmaz",
    "Kaya",
    "Boucher",
    "Roy",
    "Gauthier",
    "Fleury",
    "Colin",
    "Perrin",
    "Marchand",
    "Renaud",
    "Garnier",
];

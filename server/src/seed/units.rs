//! The demo landlords' units, and the tenancies of some of them.

use super::*;

/// Tenancies of let units, some flagged for the triennial occupation review: those past a
/// three-year anniversary come up at the commission's next session.
pub(super) async fn insert_tenancies(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    organisation_id: i64,
    units: &[i64],
) -> Result<(), sqlx::Error> {
    let today = app::domain::calendar::paris_date(now());
    for (n, unit_id) in units.iter().enumerate() {
        let first = pick(rng, FIRST_NAMES_WEIGHTED);
        let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
        let signed_on = today.add_days(-rng.gen_range(200..4000));
        // One tenancy in three has a situation staff flagged.
        let flags = match n % 9 {
            0 => "sous_occupation",
            3 => "sur_occupation",
            6 => "depassement_plafond",
            _ => "",
        };
        sqlx::query(
            "INSERT INTO leases (organisation_id, unit_id, tenant_name, signed_on, occupation_flags,
                                 created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(organisation_id)
        .bind(unit_id)
        .bind(format!("{first} {last}"))
        .bind(signed_on.iso())
        .bind(flags)
        .bind(now())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(super) async fn insert_unit(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    landlord: &Landlord,
    organisation_id: i64,
    communes: &[&Commune],
    n: usize,
) -> Result<(i64, &'static str, bool), sqlx::Error> {
    // The central city holds most of the stock.
    let commune = if rng.gen_bool(0.6) {
        communes[0]
    } else {
        communes[rng.gen_range(0..communes.len())]
    };
    let quarters: Vec<_> = doubs::neighbourhoods_of(commune.insee).collect();
    let quarter = quarters[rng.gen_range(0..quarters.len())];
    let street = quarter.streets[rng.gen_range(0..quarter.streets.len())];
    // The street only: pages add the postcode and commune from the unit's own fields.
    let address = format!("{} {street}", rng.gen_range(1..120));
    let typology = pick(
        rng,
        &[
            ("T1", 10),
            ("T2", 25),
            ("T3", 35),
            ("T4", 20),
            ("T5", 8),
            ("T6+", 2),
        ],
    );
    let surface: i64 = match typology {
        "T1" => rng.gen_range(22..36),
        "T2" => rng.gen_range(40..56),
        "T3" => rng.gen_range(58..76),
        "T4" => rng.gen_range(74..91),
        "T5" => rng.gen_range(88..111),
        _ => rng.gen_range(105..131),
    };
    let financing = pick(rng, &[("PLAI", 20), ("PLUS", 60), ("PLS", 15), ("PLI", 5)]);
    // Typical rents per m² in the Doubs, in cents.
    let rent_per_m2: i64 = match financing {
        "PLAI" => rng.gen_range(480..560),
        "PLUS" => rng.gen_range(560..680),
        "PLS" => rng.gen_range(780..900),
        _ => rng.gen_range(900..1050),
    };
    let floor: i64 = if rng.gen_bool(0.15) {
        0
    } else {
        rng.gen_range(1..11)
    };
    let has_lift = floor >= 4 || rng.gen_bool(0.3);
    let accessibility = pick(rng, &[("none", 80), ("pmr", 15), ("adapted", 5)]);
    let period = pick(
        rng,
        &[
            ("avant 1949", 8),
            ("1949-1974", 35),
            ("1975-1989", 22),
            ("1990-2005", 17),
            ("après 2005", 18),
        ],
    );
    let energy = pick(
        rng,
        &[
            ("A", 3),
            ("B", 10),
            ("C", 25),
            ("D", 32),
            ("E", 18),
            ("F", 8),
            ("G", 4),
        ],
    );
    let mut features = Vec::new();
    for (feature, p) in [
        ("balcon", 0.4),
        ("cave", 0.5),
        ("place de parking", 0.35),
        ("cuisine équipée", 0.3),
        ("double vitrage", 0.7),
        ("chauffage collectif", 0.5),
        ("proche des écoles", 0.4),
        ("desservi par le bus", 0.6),
        ("vue dégagée", 0.2),
        ("logement traversant", 0.25),
    ] {
        if rng.gen_bool(p) {
            features.push(feature);
        }
    }
    let floor_text = if floor == 0 {
        "en rez-de-chaussée".to_string()
    } else {
        if floor == 1 {
            "au 1er étage".to_string()
        } else {
            format!("au {floor}e étage")
        }
    };
    let lift_text = if has_lift {
        "avec ascenseur"
    } else {
        "sans ascenseur"
    };
    let description = format!(
        "Appartement {typology} de {surface} m² {floor_text} {lift_text}, quartier {}. {}.",
        quarter.name,
        if features.is_empty() {
            "Logement rénové".to_string()
        } else {
            capitalise(&features.join(", "))
        }
    );
    let reference = format!("{}-{}-{:04}", landlord.prefix, &commune.insee[2..], n + 1);
    housing::insert_unit(
        conn,
        &housing::NewUnit {
            organisation_id,
            reference: &reference,
            address: &address,
            commune_insee: commune.insee,
            epci_siren: commune.epci_siren,
            neighbourhood: quarter.name,
            in_qpv: quarter.qpv,
            typology,
            surface_m2: surface,
            floor,
            has_lift,
            accessibility,
            energy_label: energy,
            financing,
            rent_cents: surface * rent_per_m2,
            charges_cents: surface * rng.gen_range(150..260),
            reservataire: pick(
                rng,
                &[
                    ("bailleur", 40),
                    ("etat_prioritaires", 25),
                    ("action_logement", 25),
                    ("commune", 10),
                ],
            ),
            construction_period: period,
            description: &description,
        },
    )
    .await
    .map(|id| (id, financing, quarter.qpv))
}

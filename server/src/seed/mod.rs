//! The demo territory: the Doubs, with two fictional landlords, about 300 units, 1,000 applicants
//! of varied households and situations, and one demo login per role.
//!
//! Deterministic (fixed random seed) and idempotent: it runs in one transaction and does nothing
//! when the demo organisations already exist.

use app::domain::caleol::MemberQuality;
pub mod doubs;
mod history;

use doubs::{COMMUNES, Commune, GRAND_BESANCON, PAYS_DE_MONTBELIARD};
use app::model::Role;
use app::ssr::db::{Db, now};
use app::ssr::secrets::hash_password;
use app::ssr::store::{accounts, caleol, housing, organisations};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;
use time::{Date, Duration, OffsetDateTime};

pub const DEMO_PASSWORD: &str = "demo-locactive-2026";

pub struct DemoLogin {
    pub role: Role,
    pub email: &'static str,
    pub name: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 8] = [
    DemoLogin {
        role: Role::Admin,
        email: "admin@locactive.demo",
        name: "Camille Administratrice",
    },
    DemoLogin {
        role: Role::Staff,
        email: "agent@habitat-comtois.demo",
        name: "Julien Chargé de location",
    },
    DemoLogin {
        role: Role::Staff,
        email: "agent@montbeliard-logis.demo",
        name: "Nadia Gestionnaire",
    },
    DemoLogin {
        role: Role::Member,
        email: "membre@habitat-comtois.demo",
        name: "Hélène Présidente de CALEOL",
    },
    DemoLogin {
        role: Role::Member,
        email: "maire@habitat-comtois.demo",
        name: "Marc Adjoint au maire",
    },
    DemoLogin {
        role: Role::Member,
        email: "membre@montbeliard-logis.demo",
        name: "Paul Président de CALEOL",
    },
    DemoLogin {
        role: Role::Territory,
        email: "territoire@grandbesancon.demo",
        name: "Claire Chargée de mission habitat",
    },
    DemoLogin {
        role: Role::Applicant,
        email: "demandeur@locactive.demo",
        name: "Sofiane Demandeur",
    },
];

struct Landlord {
    name: &'static str,
    siren: &'static str,
    prefix: &'static str,
    epci: &'static str,
    units: usize,
}

/// Fictional organisations (SIRENs in a range with a valid key but no real company behind it).
const LANDLORDS: [Landlord; 2] = [
    Landlord {
        name: "Habitat Comtois (démo)",
        siren: "999000011",
        prefix: "HC",
        epci: GRAND_BESANCON.siren,
        units: 180,
    },
    Landlord {
        name: "Montbéliard Logis (démo)",
        siren: "999000029",
        prefix: "ML",
        epci: PAYS_DE_MONTBELIARD.siren,
        units: 120,
    },
];

const APPLICANTS: usize = 1000;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub already_seeded: bool,
    pub organisations: usize,
    pub units: usize,
    pub published_offers: usize,
    pub applicants: usize,
}

/// `public_base_url` is where the demo's letters link to.
pub async fn seed(
    db: &Db,
    public_base_url: &str,
    progress: impl Fn(&str),
) -> Result<SeedReport, Box<dyn std::error::Error + Send + Sync>> {
    let exists: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organisations WHERE siren = $1")
        .bind(LANDLORDS[0].siren)
        .fetch_one(db.pool())
        .await?;
    if exists.0 > 0 {
        return Ok(SeedReport {
            already_seeded: true,
            ..SeedReport::default()
        });
    }
    let password_hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    let mut rng = StdRng::seed_from_u64(25_056);
    let today = OffsetDateTime::now_utc().date();
    let mut report = SeedReport::default();
    let mut tx = app::ssr::db::begin_write(db.pool()).await?;

    let mut organisation_ids = Vec::new();
    for landlord in &LANDLORDS {
        let id = organisations::insert_organisation(&mut tx, landlord.name, landlord.siren).await?;
        organisations::add_epcis(&mut tx, id, &[landlord.epci.to_string()]).await?;
        organisation_ids.push(id);
        report.organisations += 1;
    }
    // Each territory's quartiers prioritaires, as its admin would paste them. The codes are
    // demonstration codes, not the official ones.
    let mut qpv_number = 0;
    for epci in doubs::EPCIS {
        let list: Vec<app::domain::qpv::Qpv> = doubs::NEIGHBOURHOODS
            .iter()
            .filter(|n| n.qpv)
            .filter(|n| COMMUNES.iter().any(|c| c.insee == n.commune_insee && c.epci_siren == epci.siren))
            .map(|n| {
                qpv_number += 1;
                app::domain::qpv::Qpv {
                    code: format!("DEMO-25-{qpv_number:02}"),
                    name: n.name.to_string(),
                    commune_insee: n.commune_insee.to_string(),
                }
            })
            .collect();
        app::ssr::store::territories::replace_qpvs(&mut tx, epci.siren, &list).await?;
    }
    let commission_id =
        organisations::insert_commission(&mut tx, organisation_ids[0], "CALEOL Grand Besançon")
            .await?;
    let second_commission_id = organisations::insert_commission(
        &mut tx,
        organisation_ids[1],
        "CALEOL Pays de Montbéliard",
    )
    .await?;

    let mut territory_user_id = None;
    let mut let_units: Vec<i64> = Vec::new();
    for login in &DEMO_LOGINS {
        let (organisation_id, commission) = match login.email {
            "agent@habitat-comtois.demo" => (Some(organisation_ids[0]), None),
            "agent@montbeliard-logis.demo" => (Some(organisation_ids[1]), None),
            "membre@habitat-comtois.demo" | "maire@habitat-comtois.demo" => {
                (Some(organisation_ids[0]), Some(commission_id))
            }
            "membre@montbeliard-logis.demo" => {
                (Some(organisation_ids[1]), Some(second_commission_id))
            }
            _ => (None, None),
        };
        let user_id = accounts::insert_user(
            &mut tx,
            accounts::NewUser {
                email: login.email,
                password_hash: Some(&password_hash),
                display_name: login.name,
                role: login.role,
                organisation_id,
                commission_id: commission,
                epci_siren: (login.role == Role::Territory)
                    .then_some(GRAND_BESANCON.siren),
                active: true,
            },
        )
        .await?;
        if login.role == Role::Territory {
            territory_user_id = Some(user_id);
        }
        if let Some(commission) = commission {
            // The mayor's representative sits with the casting vote; the others are designated
            // members, and each commission's first one presides.
            let mayor = login.email.starts_with("maire@");
            let quality = if mayor {
                MemberQuality::Mayor
            } else {
                MemberQuality::Designated
            };
            caleol::insert_seat(&mut tx, user_id, commission, quality, !mayor).await?;
        }
        if let (Role::Staff, Some(organisation)) = (login.role, organisation_id) {
            caleol::make_org_admin(&mut tx, user_id, organisation).await?;
        }
        if login.role == Role::Applicant {
            insert_applicant(&mut tx, &mut rng, today, user_id, 0).await?;
        }
    }

    for (landlord, &organisation_id) in LANDLORDS.iter().zip(&organisation_ids) {
        let communes: Vec<&Commune> = COMMUNES
            .iter()
            .filter(|c| c.epci_siren == landlord.epci)
            .collect();
        for n in 0..landlord.units {
            let (unit_id, financing, in_qpv) =
                insert_unit(&mut tx, &mut rng, landlord, organisation_id, &communes, n).await?;
            report.units += 1;
            // About one unit in six is vacant and published; a few more are drafts being prepared.
            let roll = rng.gen_range(0..100);
            if roll < 17 {
                let opened = now() - rng.gen_range(0..5) * 86_400;
                let categories = match pick(
                    &mut rng,
                    &[
                        ("tout_public", 60),
                        ("mutation", 12),
                        ("pls", 6),
                        ("qpv", 6),
                        ("relogement_anru", 6),
                        ("action_logement", 6),
                        ("bail_glissant", 4),
                    ],
                ) {
                    // A category must fit the unit: PLS offers are PLS-financed, QPV ones in a QPV.
                    "pls" if financing != "PLS" => "tout_public",
                    "qpv" if !in_qpv => "tout_public",
                    other => other,
                };
                housing::insert_offer(
                    &mut tx,
                    &housing::NewOffer {
                        unit_id,
                        organisation_id,
                        status: "published",
                        categories,
                        opens_at: opened,
                        closes_at: opened + 9 * 86_400,
                    },
                )
                .await?;
                report.published_offers += 1;
            } else if roll > 90 && organisation_id == organisation_ids[0] {
                let_units.push(unit_id);
            } else if roll < 21 {
                let opens = now() + 3 * 86_400;
                housing::insert_offer(
                    &mut tx,
                    &housing::NewOffer {
                        unit_id,
                        organisation_id,
                        status: "draft",
                        categories: "tout_public",
                        opens_at: opens,
                        closes_at: opens + 9 * 86_400,
                    },
                )
                .await?;
            }
        }
        progress(&format!("{} : {} logements", landlord.name, landlord.units));
    }

    for n in 1..=APPLICANTS {
        let first = pick(&mut rng, FIRST_NAMES_WEIGHTED);
        let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
        let email = format!("demandeur{n:04}@exemple.demo");
        // Imported requests: no password until the person claims the account by a reset.
        let user_id = accounts::insert_user(
            &mut tx,
            accounts::NewUser {
                email: &email,
                password_hash: None,
                display_name: &format!("{first} {last}"),
                role: Role::Applicant,
                organisation_id: None,
                commission_id: None,
                epci_siren: None,
                active: true,
            },
        )
        .await?;
        insert_applicant(&mut tx, &mut rng, today, user_id, n).await?;
        report.applicants += 1;
        if n % 250 == 0 {
            progress(&format!("demandeurs : {n}/{APPLICANTS}"));
        }
    }
    insert_tenancies(&mut tx, &mut rng, organisation_ids[0], &let_units).await?;
    progress("baux et examen de l'occupation");
    if let Some(user_id) = territory_user_id {
        insert_cotation(&mut tx, &mut rng, user_id).await?;
        progress("cotation : grille du Grand Besançon et attributions passées");
    }
    tx.commit().await?;
    // The history goes through the store's own transactions, one step after another, as real
    // use does.
    history::run(db, public_base_url, &progress).await?;
    Ok(report)
}

/// Tenancies of let units, some flagged for the triennial occupation review: those past a
/// three-year anniversary come up at the commission's next session.
async fn insert_tenancies(
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

/// Picks a value with the given integer weights.
fn pick<T: Copy>(rng: &mut StdRng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (value, weight) in weighted {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    weighted[0].0
}

async fn insert_unit(
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

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn date_string(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// A household and a request for one applicant.
async fn insert_applicant(
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

const FIRST_NAMES_WEIGHTED: &[(&str, u32)] = &[
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

const LAST_NAMES: &[&str] = &[
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

/// A demonstration grid for Grand Besançon Métropole. Its values are fictional: the territory's
/// real grid is not in domain.md. The families follow the published grids it lists (Toulouse
/// Métropole, Métropole de Lyon).
const DEMO_GRID: &str = "\
# Grille de démonstration (valeurs fictives)
Ancienneté de la demande ; ancienneté ; 1 par mois ; plafond 120 ; bonus 20 après 36 mois
Reconnu prioritaire DALO ; situation dalo ; 50
Public prioritaire du PDALHPD ; situation pdalhpd ; 40
Violences au sein du couple ; situation violences_conjugales ; 30
Menacé d'expulsion sans relogement ; situation menace_expulsion ; 20
Sans logement ; situation sans_abri ; 20 ; groupe hébergement
En structure d'hébergement ; situation structure ; 15 ; groupe hébergement
Hébergé chez un tiers ; situation heberge ; 10 ; groupe hébergement
Personne handicapée dans le foyer ; situation handicap_foyer ; 10
Parent isolé ; situation parent_isole ; 5
Taux d'effort supérieur à 40 % ; taux_effort > 40 ; 10 ; groupe effort
Taux d'effort supérieur à 30 % ; taux_effort > 30 ; 5 ; groupe effort
Sur-occupation ; personnes_par_piece > 1,5 ; 8
Refus d'un logement adapté ; refus ; -10 par refus
";

/// The demo grid, in force from today, and a year and a half of past attributions in both
/// territories, which give applicants an observed waiting time.
async fn insert_cotation(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    territory_user_id: i64,
) -> Result<(), sqlx::Error> {
    use app::domain::calendar::paris_date;
    use app::domain::cotation::{Audience, Grid};
    let grid =
        Grid::parse(DEMO_GRID).map_err(|problems| sqlx::Error::Protocol(problems.join("; ")))?;
    let today = paris_date(now());
    app::ssr::store::cotation::insert_grid(
        conn,
        GRAND_BESANCON.siren,
        Audience::All,
        today,
        &grid,
        territory_user_id,
    )
    .await?;
    for _ in 0..300 {
        let epci = if rng.gen_bool(0.6) {
            GRAND_BESANCON.siren
        } else {
            PAYS_DE_MONTBELIARD.siren
        };
        let typology = pick(
            rng,
            &[("T1", 15), ("T2", 30), ("T3", 30), ("T4", 18), ("T5", 7)],
        );
        let attributed = today.add_days(-rng.gen_range(0..540));
        let wait_days = rng.gen_range(60..1800);
        sqlx::query(
            "INSERT INTO attributions (epci_siren, typology, first_filing_date, attributed_on) VALUES ($1, $2, $3, $4)",
        )
        .bind(epci)
        .bind(typology)
        .bind(attributed.add_days(-wait_days).iso())
        .bind(attributed.iso())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

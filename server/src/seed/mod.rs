//! The demo territory: the Doubs, with two fictional landlords, about 300 units, 1,000 applicants
//! of varied households and situations, and one demo login per role.
//!
//! Deterministic (fixed random seed) and idempotent: it runs in one transaction and does nothing
//! when the demo organisations already exist.

use app::domain::caleol::MemberQuality;
mod applicants;
pub mod bulk;
mod cotation;
pub mod doubs;
mod flux;
mod history;
mod past;
mod units;

use applicants::{FIRST_NAMES_WEIGHTED, LAST_NAMES, insert_applicant};
use cotation::insert_cotation;
use units::{insert_tenancies, insert_unit};

use app::model::Role;
use app::ssr::db::{Db, now};
use app::ssr::secrets::hash_password;
use app::ssr::store::{accounts, caleol, housing, organisations};
use doubs::{COMMUNES, Commune, GRAND_BESANCON, PAYS_DE_MONTBELIARD};
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

pub const DEMO_LOGINS: [DemoLogin; 9] = [
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
        role: Role::Reservataire,
        email: "reservataire@actionlogement.demo",
        name: "Agnès Chargée de réservation",
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
    /// Where its applicants write to contest a decision (a fictional address).
    postal_address: &'static str,
}

/// Fictional organisations (SIRENs in a range with a valid key but no real company behind it).
const LANDLORDS: [Landlord; 2] = [
    Landlord {
        name: "Habitat Comtois (démo)",
        siren: "999000011",
        prefix: "HC",
        epci: GRAND_BESANCON.siren,
        units: 180,
        postal_address: "Habitat Comtois (démo), service des attributions\n1 rue de la Démonstration\n25000 Besançon",
    },
    Landlord {
        name: "Montbéliard Logis (démo)",
        siren: "999000029",
        prefix: "ML",
        epci: PAYS_DE_MONTBELIARD.siren,
        units: 120,
        postal_address: "Montbéliard Logis (démo), service des attributions\n2 place de l'Exemple\n25200 Montbéliard",
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
        organisations::set_postal_address(&mut tx, id, landlord.postal_address).await?;
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
            .filter(|n| {
                COMMUNES
                    .iter()
                    .any(|c| c.insee == n.commune_insee && c.epci_siren == epci.siren)
            })
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
            "agent@habitat-comtois.demo" | "reservataire@actionlogement.demo" => {
                (Some(organisation_ids[0]), None)
            }
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
                epci_siren: (login.role == Role::Territory).then_some(GRAND_BESANCON.siren),
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
    past::run(db, &progress).await?;
    flux::run(db, &progress).await?;
    Ok(report)
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

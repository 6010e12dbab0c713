//! The demo's gestion en flux: the conventions each landlord signed in the Doubs for last year and
//! this one, the forecasts of the flow up to next year, and every demo offer oriented as staff
//! would have oriented it (by the réservataires' shares, a few taken out of the flow), so that
//! `/gestion/flux` and the bilans have figures.

use super::LANDLORDS;
use app::domain::calendar::paris_date;
use app::domain::flux::Orientation;
use app::ssr::db::{Db, begin_write};
use app::ssr::store::flux::{self, NewConvention};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

type Failure = Box<dyn std::error::Error + Send + Sync>;

const DEPARTEMENT: &str = "25";

/// `(kind, name, commune, share in hundredths of a percent)`: fictional conventions, within the
/// law's caps (État ≤ 30 %, of which 5 % for its agents).
const CONVENTIONS: [[(&str, &str, &str, u32); 5]; 2] = [
    [
        ("etat_prioritaires", "Préfecture du Doubs", "", 2_500),
        ("etat_fonctionnaires", "Préfecture du Doubs", "", 500),
        ("action_logement", "Action Logement Services", "", 3_000),
        ("departement", "Département du Doubs", "", 500),
        ("commune", "Ville de Besançon", "25056", 1_500),
    ],
    [
        ("etat_prioritaires", "Préfecture du Doubs", "", 2_500),
        ("etat_fonctionnaires", "Préfecture du Doubs", "", 500),
        ("action_logement", "Action Logement Services", "", 2_500),
        ("epci", "Pays de Montbéliard Agglomération", "", 1_000),
        ("commune", "Ville de Montbéliard", "25388", 1_000),
    ],
];

/// The flow each landlord forecasts in the Doubs per year, and how many units out of it.
const FORECAST: [(u32, u32); 2] = [(60, 6), (24, 2)];

pub async fn run(db: &Db, progress: &impl Fn(&str)) -> Result<(), Failure> {
    let pool = db.pool();
    let mut rng = StdRng::seed_from_u64(2_020_145);
    let year = paris_date(app::ssr::db::now()).year;
    for (landlord, (conventions, (units, out))) in
        LANDLORDS.iter().zip(CONVENTIONS.iter().zip(FORECAST))
    {
        let (organisation,): (i64,) =
            sqlx::query_as("SELECT id FROM organisations WHERE siren = $1")
                .bind(landlord.siren)
                .fetch_one(pool)
                .await?;
        let (admin,): (i64,) = sqlx::query_as(
            "SELECT user_id FROM organisation_admins WHERE organisation_id = $1 ORDER BY user_id LIMIT 1",
        )
        .bind(organisation)
        .fetch_one(pool)
        .await?;
        let mut tx = begin_write(pool).await?;
        // Convention ids by year: `(year, id, commune, share)`.
        let mut signed = Vec::new();
        for y in [year - 1, year] {
            for (kind, name, commune, share) in conventions {
                let reservataire = flux::reservataire_id(&mut tx, organisation, kind, name).await?;
                let id = flux::save_convention(
                    &mut tx,
                    organisation,
                    &NewConvention {
                        reservataire_id: reservataire,
                        year: y,
                        departement: DEPARTEMENT,
                        commune_insee: commune,
                        share_bp: *share,
                        reference: &format!("{DEPARTEMENT}-{y}-{}", signed.len() + 1),
                    },
                    admin,
                )
                .await?;
                signed.push((y, id, *commune, *share));
            }
        }
        for y in [year - 1, year, year + 1] {
            flux::save_forecast(&mut tx, organisation, y, DEPARTEMENT, units, out, admin).await?;
        }
        let offers: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT o.id, o.opens_at, u.commune_insee FROM offers o JOIN units u ON u.id = o.unit_id
             WHERE o.organisation_id = $1 AND o.orientation IS NULL ORDER BY o.id",
        )
        .bind(organisation)
        .fetch_all(&mut *tx)
        .await?;
        for (offer, opens_at, commune) in offers {
            let offer_year = paris_date(opens_at).year;
            // The conventions covering the unit, then the landlord's own share.
            let covering: Vec<(Option<i64>, u32)> = signed
                .iter()
                .filter(|(y, _, c, _)| *y == offer_year && (c.is_empty() || *c == commune))
                .map(|(_, id, _, share)| (Some(*id), *share))
                .collect();
            let roll = rng.gen_range(0..100);
            let (orientation, convention) = if roll < 4 {
                (Orientation::Anru, None)
            } else if roll < 7 {
                (Orientation::Mutation, None)
            } else {
                let mut pick = rng.gen_range(0..10_000);
                covering
                    .iter()
                    .find_map(|(id, share)| {
                        if pick < *share {
                            Some((Orientation::Convention, *id))
                        } else {
                            pick -= share;
                            None
                        }
                    })
                    .unwrap_or((Orientation::Bailleur, None))
            };
            sqlx::query(
                "UPDATE offers SET orientation = $1, convention_id = $2, flux_year = $3 WHERE id = $4",
            )
            .bind(orientation.code())
            .bind(convention)
            .bind(i64::from(offer_year))
            .bind(offer)
            .execute(&mut *tx)
            .await?;
        }
        if landlord.siren == LANDLORDS[0].siren {
            // The demo's réservataire account reads for Action Logement at Habitat Comtois.
            let action_logement = flux::reservataire_id(
                &mut tx,
                organisation,
                "action_logement",
                "Action Logement Services",
            )
            .await?;
            let (account,): (i64,) = sqlx::query_as(
                "SELECT id FROM users WHERE email = 'reservataire@actionlogement.demo'",
            )
            .fetch_one(&mut *tx)
            .await?;
            flux::link_account(&mut tx, account, action_logement).await?;
        }
        tx.commit().await?;
    }
    progress("gestion en flux : conventions, prévisions et orientations");
    Ok(())
}

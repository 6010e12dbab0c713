//! A year of ended offers before the demo's day, so that the territories' public figures
//! (`/resultats`) and the comparable offers an applicant is shown have something to count.
//!
//! Each past offer is a new unit of the landlord, applied to by demo applicants whose request was
//! filed before it closed, and ranked by the platform's own close (`rank_at_close`, from their
//! profiles and the grid in force today, and dated today, so that a replay of the ranking gives
//! the same order). Its publication, close and lease are dated in the month it stands for: a seed
//! cannot make time pass. No commission or proposal is recorded for them (a proposal belongs to a
//! decision), so they count no refusal.

use super::units::insert_unit;
use super::{LANDLORDS, doubs};
use app::domain::calendar::{Date, paris_date, paris_midnight};
use app::ssr::db::{Db, begin_write};
use app::ssr::store::housing;
use app::ssr::usecases::rankings::rank_at_close;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Ended offers per landlord, spread over the twelve months up to today.
const PAST_OFFERS: [usize; 2] = [30, 14];

pub async fn run(db: &Db, progress: &impl Fn(&str)) -> Result<(), Failure> {
    let pool = db.pool();
    // A generator of its own: the rest of the demo stays as it was without this history.
    let mut rng = StdRng::seed_from_u64(2_026);
    let today = paris_date(app::ssr::db::now());
    let applicants: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT u.id, p.first_filing_date FROM users u JOIN applicant_profiles p ON p.user_id = u.id
         WHERE u.email LIKE 'demandeur0%' AND p.sne_number IS NOT NULL ORDER BY u.id",
    )
    .fetch_all(pool)
    .await?;
    let now = app::ssr::db::now();
    for (landlord, count) in LANDLORDS.iter().zip(PAST_OFFERS) {
        let (organisation,): (i64,) =
            sqlx::query_as("SELECT id FROM organisations WHERE siren = $1")
                .bind(landlord.siren)
                .fetch_one(pool)
                .await?;
        let communes: Vec<&doubs::Commune> = doubs::COMMUNES
            .iter()
            .filter(|c| c.epci_siren == landlord.epci)
            .collect();
        for n in 0..count {
            // Months back from this one, evenly; a day within the month, never after today.
            let month = today.minus_months((n % 12) as u32);
            let leased_on = Date::new(month.year, month.month, rng.gen_range(1..=28))
                .filter(|d| *d <= today)
                .unwrap_or(today);
            let published_on = leased_on.add_days(-rng.gen_range(35..80));
            let closed_on = published_on.add_days(rng.gen_range(9..15));
            let (published, closed) = (
                paris_midnight(published_on) + 9 * 3_600,
                paris_midnight(closed_on),
            );
            // Those whose request existed before the window closed.
            let filed_before: Vec<i64> = applicants
                .iter()
                .filter(|(_, filed)| {
                    filed
                        .as_deref()
                        .and_then(Date::parse)
                        .is_some_and(|filed| filed < closed_on)
                })
                .map(|(id, _)| *id)
                .collect();
            let mut tx = begin_write(pool).await?;
            let (unit, _, _) = insert_unit(
                &mut tx,
                &mut rng,
                landlord,
                organisation,
                &communes,
                landlord.units + n,
            )
            .await?;
            let offer = housing::insert_offer(
                &mut tx,
                &housing::NewOffer {
                    unit_id: unit,
                    organisation_id: organisation,
                    status: "published",
                    categories: "tout_public",
                    opens_at: published,
                    closes_at: closed,
                },
            )
            .await?;
            let mut chosen: Vec<i64> = Vec::new();
            let wanted = rng.gen_range(5..=16);
            while chosen.len() < wanted.min(filed_before.len()) {
                let user = filed_before[rng.gen_range(0..filed_before.len())];
                if !chosen.contains(&user) {
                    chosen.push(user);
                }
            }
            for user in &chosen {
                sqlx::query(
                    "INSERT INTO applications (offer_id, organisation_id, applicant_user_id, status, channel,
                         created_by_user_id, created_at)
                     VALUES ($1, $2, $3, 'active', 'online', $3, $4)",
                )
                .bind(offer)
                .bind(organisation)
                .bind(user)
                .bind(published + rng.gen_range(3_600..6 * 86_400))
                .execute(&mut *tx)
                .await?;
            }
            rank_at_close(&mut tx, offer, now).await?;
            // Mostly the first-ranked household; now and then the second, after a withdrawal.
            let position: i64 = if rng.gen_bool(0.75) { 1 } else { 2 };
            let tenant: Option<(i64, String, String)> = sqlx::query_as(
                "SELECT e.applicant_user_id, u.display_name, COALESCE(p.first_filing_date, '')
                 FROM ranking_entries e JOIN rankings r ON r.id = e.ranking_id
                      JOIN users u ON u.id = e.applicant_user_id
                      LEFT JOIN applicant_profiles p ON p.user_id = e.applicant_user_id
                 WHERE r.offer_id = $1 AND e.position <= $2 ORDER BY e.position DESC LIMIT 1",
            )
            .bind(offer)
            .bind(position)
            .fetch_optional(&mut *tx)
            .await?;
            let status = match &tenant {
                Some((tenant, name, filed)) => {
                    sqlx::query(
                        "INSERT INTO leases (organisation_id, unit_id, offer_id, tenant_user_id, tenant_name,
                             signed_on, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(organisation)
                    .bind(unit)
                    .bind(offer)
                    .bind(tenant)
                    .bind(name)
                    .bind(leased_on.iso())
                    .bind((paris_midnight(leased_on) + 10 * 3_600).min(now))
                    .execute(&mut *tx)
                    .await?;
                    if !filed.is_empty() {
                        let (typology,): (String,) =
                            sqlx::query_as("SELECT typology FROM units WHERE id = $1")
                                .bind(unit)
                                .fetch_one(&mut *tx)
                                .await?;
                        sqlx::query(
                            "INSERT INTO attributions (epci_siren, typology, first_filing_date, attributed_on,
                                 offer_id, applicant_user_id)
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(landlord.epci)
                        .bind(typology)
                        .bind(filed)
                        .bind(leased_on.iso())
                        .bind(offer)
                        .bind(tenant)
                        .execute(&mut *tx)
                        .await?;
                    }
                    "attributed"
                }
                None => "unsuccessful",
            };
            // Never after now, when the lease is today's.
            let ended = (paris_midnight(leased_on) + 10 * 3_600).min(now);
            sqlx::query("UPDATE offers SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(status)
                .bind(ended)
                .bind(offer)
                .execute(&mut *tx)
                .await?;
            for (from, to, at) in [
                (None, "published", published),
                (Some("published"), "closed", closed),
                (Some("closed"), status, ended),
            ] {
                sqlx::query(
                    "INSERT INTO offer_events (offer_id, from_status, to_status, actor_user_id, at)
                     VALUES ($1, $2, $3, NULL, $4)",
                )
                .bind(offer)
                .bind(from)
                .bind(to)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
        progress(&format!(
            "{} : {count} offres terminées sur l'année",
            landlord.name
        ));
    }
    Ok(())
}

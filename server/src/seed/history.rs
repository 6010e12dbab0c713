//! The demo's history: offers taken through every stage of location active by the store calls the
//! server functions make (apply, withdraw, close and rank, shortlist, plan a session, put on the
//! agenda, open, decide, close with letters, sign the minutes, answer a proposal, sign a lease),
//! so that each role signs in to work in progress rather than to empty pages.
//!
//! Time cannot pass during a seed: an offer's window is ended by moving its closing time, as the
//! browser tests do, and the platform's own close then ranks it. Sessions are held the day of the
//! seed, since a session opens only on its day.
//!
//! What each role finds:
//! - the demo applicant: a ranked application at Montbéliard Logis, a unit proposed to them at
//!   Habitat Comtois awaiting their answer, an application the commission did not retain (with
//!   its motive; the unit was let to another household), and one withdrawn. Only the proposal
//!   counts against Habitat Comtois' cap of three, so the demo applicant can still apply there;
//! - Habitat Comtois staff: an offer closed and ranked whose shortlist is to build, one ready for
//!   the commission, a lease signed, the journal of all of it;
//! - its commission: a session planned today with an offer on its agenda (the president opens
//!   it), and a closed, signed session with its minutes;
//! - Montbéliard Logis staff: a ranked offer whose shortlist is to build.

use app::domain::calendar::{Date, paris_date};
use app::domain::caleol::{RulingInput, SessionMode};
use app::domain::eligibility::Verdict;
use app::ssr::db::{Db, begin_write, now};
use app::ssr::store::applications::{self, ApplyRequest};
use app::ssr::store::caleol::{self, Viewer};
use app::ssr::store::{listings, profiles};
use app::ssr::usecases::{self, Staff};
use sqlx::AnyPool;
use std::collections::HashMap;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Applicants beside the demo one on each offer.
const OTHERS_PER_OFFER: usize = 6;

struct People {
    applicant: i64,
    staff: HashMap<i64, i64>,
    president: i64,
    mayor: i64,
    commission: i64,
}

struct Person {
    id: i64,
    email: String,
    name: String,
}

async fn user(pool: &AnyPool, email: &str) -> Result<i64, Failure> {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await?;
    Ok(id)
}

async fn person(pool: &AnyPool, id: i64) -> Result<Person, Failure> {
    let (email, name): (String, String) =
        sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?;
    Ok(Person { id, email, name })
}

/// Published offers of `organisation` the demo applicant may apply to, oldest first.
async fn open_to(
    pool: &AnyPool,
    organisation: i64,
    applicant: &app::domain::profile::Profile,
    today: Date,
) -> Result<Vec<i64>, Failure> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM offers WHERE organisation_id = $1 AND status = 'published' ORDER BY id",
    )
    .bind(organisation)
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
    let terms = listings::offer_terms(pool, Some(&ids)).await?;
    let mut open: Vec<i64> = terms
        .into_iter()
        .filter(|(_, _, terms)| applicant.assess(terms, today).verdict == Verdict::Eligible)
        .map(|(id, _, _)| id)
        .collect();
    open.sort_unstable();
    Ok(open)
}

/// Applies `who` to `offer` as the applicant would.
async fn apply(pool: &AnyPool, offer: i64, who: &Person, link: &str) -> Result<i64, Failure> {
    let mut tx = begin_write(pool).await?;
    let applied = applications::apply(
        &mut tx,
        &ApplyRequest {
            offer_id: offer,
            applicant_user_id: who.id,
            actor_user_id: who.id,
            assisted: false,
        },
        (&who.email, &who.name),
        link,
    )
    .await?;
    tx.commit().await?;
    Ok(match applied {
        applications::Applied::New(id) | applications::Applied::Already(id) => id,
    })
}

/// Other applicants, eligible to `offer`, each used once across the demo's offers.
async fn others_for(
    pool: &AnyPool,
    offer: i64,
    today: Date,
    used: &mut Vec<i64>,
) -> Result<Vec<Person>, Failure> {
    let terms = listings::offer_terms(pool, Some(&[offer])).await?;
    let Some((_, _, terms)) = terms.into_iter().next() else {
        return Ok(Vec::new());
    };
    let candidates: Vec<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM users u JOIN applicant_profiles p ON p.user_id = u.id
         WHERE u.email LIKE 'demandeur0%' AND p.sne_number IS NOT NULL ORDER BY u.id LIMIT 400",
    )
    .fetch_all(pool)
    .await?;
    let mut chosen = Vec::new();
    let mut conn = pool.acquire().await?;
    for (id,) in candidates {
        if chosen.len() == OTHERS_PER_OFFER {
            break;
        }
        if used.contains(&id) {
            continue;
        }
        let profile = profiles::load(&mut conn, id).await?;
        if profile.assess(&terms, today).verdict == Verdict::Eligible {
            used.push(id);
            chosen.push(id);
        }
    }
    drop(conn);
    let mut people = Vec::new();
    for id in chosen {
        people.push(person(pool, id).await?);
    }
    Ok(people)
}

/// The end of the offers' windows: the platform's own close ranks them.
async fn end_windows(pool: &AnyPool, offers_ending: &[i64], link: &str) -> Result<(), Failure> {
    let at = now();
    for offer in offers_ending {
        // A window opened today is taken as opened ten days ago, to end before now.
        sqlx::query("UPDATE offers SET opens_at = $1 WHERE id = $2 AND opens_at > $1")
            .bind(at - 10 * 86_400)
            .bind(offer)
            .execute(pool)
            .await?;
        sqlx::query("UPDATE offers SET closes_at = $1 WHERE id = $2")
            .bind(at - 1)
            .bind(offer)
            .execute(pool)
            .await?;
    }
    usecases::offers::close_due(pool, at, link).await?;
    Ok(())
}

async fn shortlist(
    pool: &AnyPool,
    organisation: i64,
    offer: i64,
    staff: i64,
) -> Result<(), Failure> {
    // Everyone ranked is presented (at most ten), so the demo applicant is among them.
    let (available,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM ranking_entries e JOIN rankings r ON r.id = e.ranking_id
         WHERE r.offer_id = $1 AND e.position IS NOT NULL AND e.skip_motive IS NULL",
    )
    .bind(offer)
    .fetch_one(pool)
    .await?;
    let size = (available as usize).clamp(3, 10);
    let mut tx = begin_write(pool).await?;
    let staff = Staff {
        user_id: staff,
        organisation_id: organisation,
    };
    usecases::rankings::shortlist_in(&mut tx, staff, offer, size, None)
        .await
        .map_err(|e| format!("shortlist of offer {offer} ({available} ranked): {e}"))?;
    tx.commit().await?;
    Ok(())
}

/// What someone did, in the organisation's audit log, as the server functions record it.
async fn audit(
    conn: &mut sqlx::AnyConnection,
    actor: i64,
    organisation: i64,
    action: &str,
    subject: String,
    detail: String,
) -> Result<(), sqlx::Error> {
    app::ssr::store::audit::record(
        conn,
        app::ssr::store::audit::AuditEntry {
            actor_user_id: Some(actor),
            organisation_id: Some(organisation),
            action,
            subject: &subject,
            detail: &detail,
        },
    )
    .await
}

/// The shortlisted entries of an offer, as (entry, applicant), in rank order.
async fn shortlisted(pool: &AnyPool, offer: i64) -> Result<Vec<(i64, i64)>, Failure> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.applicant_user_id FROM ranking_entries e JOIN rankings r ON r.id = e.ranking_id
         WHERE r.offer_id = $1 AND e.shortlisted = 1 ORDER BY e.position",
    )
    .bind(offer)
    .fetch_all(pool)
    .await?)
}

fn ruling(
    kind: &str,
    rank: &str,
    motive: &str,
    today: Date,
) -> Result<app::domain::caleol::Ruling, Failure> {
    RulingInput {
        kind: kind.to_string(),
        rank: rank.to_string(),
        motive: motive.to_string(),
        document: String::new(),
        deadline: String::new(),
    }
    .validate(today)
    .map_err(|errors| format!("demo ruling refused: {errors:?}").into())
}

pub async fn run(db: &Db, base_url: &str, progress: &impl Fn(&str)) -> Result<(), Failure> {
    let pool = db.pool();
    let link = format!("{}/espace/candidatures", base_url.trim_end_matches('/'));
    let today = paris_date(now());
    let organisation = |siren: &'static str| async move {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM organisations WHERE siren = $1")
            .bind(siren)
            .fetch_one(pool)
            .await?;
        Ok::<i64, Failure>(id)
    };
    let comtois = organisation(super::LANDLORDS[0].siren).await?;
    let montbeliard = organisation(super::LANDLORDS[1].siren).await?;
    let (commission,): (i64,) =
        sqlx::query_as("SELECT id FROM commissions WHERE organisation_id = $1 ORDER BY id LIMIT 1")
            .bind(comtois)
            .fetch_one(pool)
            .await?;
    let people = People {
        applicant: user(pool, "demandeur@locactive.demo").await?,
        staff: HashMap::from([
            (comtois, user(pool, "agent@habitat-comtois.demo").await?),
            (
                montbeliard,
                user(pool, "agent@montbeliard-logis.demo").await?,
            ),
        ]),
        president: user(pool, "membre@habitat-comtois.demo").await?,
        mayor: user(pool, "maire@habitat-comtois.demo").await?,
        commission,
    };
    let demo = person(pool, people.applicant).await?;
    let demo_profile = {
        let mut conn = pool.acquire().await?;
        profiles::load(&mut conn, people.applicant).await?
    };

    // Offers the demo applicant may apply to: the stages are taken from them.
    let at_comtois = open_to(pool, comtois, &demo_profile, today).await?;
    let at_montbeliard = open_to(pool, montbeliard, &demo_profile, today).await?;
    let [
        proposed,
        let_offer,
        on_agenda,
        ready,
        to_shortlist,
        withdrawn,
        ..,
    ] = at_comtois[..]
    else {
        return Err(format!(
            "the demo needs 6 offers of Habitat Comtois open to its applicant, found {}",
            at_comtois.len()
        )
        .into());
    };
    let Some(&ranked_elsewhere) = at_montbeliard.first() else {
        return Err("the demo needs an offer of Montbéliard Logis open to its applicant".into());
    };

    // Applications: the demo applicant where they follow a stage, others everywhere.
    let mut used = Vec::new();
    for offer in [proposed, let_offer, withdrawn, ranked_elsewhere] {
        apply(pool, offer, &demo, &link).await?;
    }
    // Every offer whose window ends in the demo's history.
    let ending = [
        proposed,
        let_offer,
        on_agenda,
        ready,
        to_shortlist,
        ranked_elsewhere,
    ];
    for offer in ending {
        for other in others_for(pool, offer, today, &mut used).await? {
            apply(pool, offer, &other, &link).await?;
        }
    }
    // The demo applicant changes their mind about one.
    {
        let (application,): (i64,) = sqlx::query_as(
            "SELECT id FROM applications WHERE offer_id = $1 AND applicant_user_id = $2 AND status = 'active'",
        )
        .bind(withdrawn)
        .bind(people.applicant)
        .fetch_one(pool)
        .await?;
        let mut tx = begin_write(pool).await?;
        applications::withdraw(
            &mut tx,
            people.applicant,
            application,
            (&demo.email, &demo.name),
            &link,
        )
        .await?;
        tx.commit().await?;
    }
    progress("historique : candidatures");

    // The windows end; the platform closes and ranks.
    end_windows(
        pool,
        &ending,
        &link,
    )
    .await?;
    let comtois_staff = people.staff[&comtois];
    for offer in [proposed, let_offer, on_agenda, ready] {
        shortlist(pool, comtois, offer, comtois_staff).await?;
    }
    let mut decided = Vec::new();
    for offer in [proposed, let_offer] {
        decided.push((offer, shortlisted(pool, offer).await?));
    }
    progress("historique : classements et listes");

    // A session held today, decided, closed with its letters, and signed.
    let president = Viewer::Member {
        user_id: people.president,
        commission_id: people.commission,
    };
    let mut tx = begin_write(pool).await?;
    let held = caleol::create_session(
        &mut tx,
        comtois,
        people.commission,
        SessionMode::InPerson,
        today,
        2,
        comtois_staff,
    )
    .await
    .map_err(|e| format!("plan the held session: {e}"))?;
    for offer in [proposed, let_offer] {
        caleol::add_item(&mut tx, comtois, held, offer, comtois_staff)
            .await
            .map_err(|e| format!("agenda of the held session: {e}"))?;
    }
    // It meets today, the day of the seed (past midnight too).
    caleol::open(&mut tx, held, president, true)
        .await
        .map_err(|e| format!("open the held session: {e}"))?;
    caleol::set_attendance(&mut tx, held, president, &[people.president, people.mayor])
        .await
        .map_err(|e| format!("attendance: {e}"))?;
    for (offer, entries) in decided {
        // The demo applicant gets one unit proposed; for the other the first-ranked does, and
        // the demo applicant is not retained, with the commission's motive.
        let mut next_rank = 1;
        let mut order = entries;
        if offer == proposed {
            order.sort_by_key(|(_, user)| *user != people.applicant);
        }
        for (entry, user) in order {
            let decision = if offer != proposed && user == people.applicant {
                ruling(
                    "non_attribution",
                    "",
                    "La commission a retenu des candidats dont la demande est plus ancienne et la situation plus urgente ; votre demande reste active.",
                    today,
                )?
            } else if next_rank <= 3 {
                next_rank += 1;
                ruling("attribution_rang", &(next_rank - 1).to_string(), "", today)?
            } else {
                ruling(
                    "non_attribution",
                    "",
                    "Rang insuffisant : trois candidats ont été classés avant vous pour ce logement.",
                    today,
                )?
            };
            caleol::record_decision(&mut tx, held, entry, president, &decision)
                .await
                .map_err(|e| format!("decision: {e}"))?;
        }
    }
    caleol::close(&mut tx, held, president, today, &link)
        .await
        .map_err(|e| format!("close: {e}"))?;
    caleol::sign(&mut tx, held, president)
        .await
        .map_err(|e| format!("sign: {e}"))?;
    audit(
        &mut tx,
        comtois_staff,
        comtois,
        "session.create",
        format!("session:{held}"),
        today.iso(),
    )
    .await?;
    for offer in [proposed, let_offer] {
        audit(
            &mut tx,
            comtois_staff,
            comtois,
            "session.agenda",
            format!("offer:{offer}"),
            String::new(),
        )
        .await?;
    }
    for action in ["session.open", "session.close", "minutes.sign"] {
        audit(
            &mut tx,
            people.president,
            comtois,
            action,
            format!("session:{held}"),
            String::new(),
        )
        .await?;
    }
    tx.commit().await?;

    // The first-ranked of one unit accepts it, and staff record the lease.
    let (proposal, first): (i64, i64) = sqlx::query_as(
        "SELECT id, applicant_user_id FROM offer_proposals WHERE offer_id = $1 AND status = 'en_attente'",
    )
    .bind(let_offer)
    .fetch_one(pool)
    .await?;
    let mut tx = begin_write(pool).await?;
    caleol::respond(&mut tx, proposal, first, true, today, &link)
        .await
        .map_err(|e| format!("accept: {e}"))?;
    caleol::sign_lease(&mut tx, comtois, let_offer, proposal, false, today, &link)
        .await
        .map_err(|e| format!("lease: {e}"))?;
    audit(
        &mut tx,
        comtois_staff,
        comtois,
        "offer.lease",
        format!("offer:{let_offer}"),
        today.iso(),
    )
    .await?;
    tx.commit().await?;
    progress("historique : séance close et signée, bail");

    // A session planned for today, with an offer on its agenda: the president opens it.
    let mut tx = begin_write(pool).await?;
    let planned = caleol::create_session(
        &mut tx,
        comtois,
        people.commission,
        SessionMode::Remote,
        today,
        2,
        comtois_staff,
    )
    .await?;
    caleol::add_item(&mut tx, comtois, planned, on_agenda, comtois_staff)
        .await
        .map_err(|e| format!("agenda of the planned session: {e}"))?;
    for (action, subject) in [
        ("session.create", format!("session:{planned}")),
        ("session.agenda", format!("offer:{on_agenda}")),
    ] {
        audit(
            &mut tx,
            comtois_staff,
            comtois,
            action,
            subject,
            String::new(),
        )
        .await?;
    }
    tx.commit().await?;
    progress("historique : séance prévue aujourd'hui");
    Ok(())
}

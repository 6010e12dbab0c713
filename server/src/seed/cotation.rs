//! The demo territory's cotation grid (fictional values, labelled so).

use super::*;

/// A demonstration grid for Grand Besançon Métropole. Its values are fictional: the territory's
/// real grid is not in domain.md. The families follow the published grids it lists (Toulouse
/// Métropole, Métropole de Lyon).
pub(super) const DEMO_GRID: &str = "\
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
pub(super) async fn insert_cotation(
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

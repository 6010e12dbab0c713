//! What applicants and visitors are told about chances and results.

use crate::domain::cotation::Score;
use crate::domain::ranking::RankingMode;
use crate::domain::results::{Comparable, Count, Outlook};
use crate::model::caleol::DecisionLine;
use serde::{Deserialize, Serialize};

/// Before the close: where the signed-in applicant would stand if the offer closed now, ranked
/// by the same terms, grids and order as the close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chance {
    /// Live applications so far, the applicant's included once made (1 to 4 are not told).
    pub applications: Count,
    pub mode: RankingMode,
    /// The applicant has applied (otherwise the rank is the one an application now would get).
    pub applied: bool,
    /// The provisional rank; `None` when the household would not be ranked, or for a draw.
    pub position: Option<i64>,
    /// How many households would be ranked (1 to 4 are not told).
    pub ranked: Count,
    /// The applicant's score on the offer's grid (cotation offers).
    pub score_points: Option<i64>,
    pub outlook: Option<Outlook>,
    pub comparable: Comparable,
}

/// The housed household of an ended offer, as it may be told: no identity, no exact score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Housed {
    /// The ten points its score fell in (40 for 40 to 49), when the offer was ranked by cotation.
    pub score_band: Option<i64>,
    /// How old its request was at the close, in whole years.
    pub seniority_years: Option<i64>,
}

/// The public result of an offer once it ended (`/offres/{id}/resultat` and the open API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferResult {
    pub offer_id: i64,
    /// "T3 de 64 m² à Besançon".
    pub title: String,
    pub landlord: String,
    /// A lease was signed; otherwise the offer ended without a tenant.
    pub attributed: bool,
    pub mode_label: String,
    pub applications: Count,
    pub eligible: Count,
    pub housed: Option<Housed>,
    /// Offers refused or left unanswered before the one accepted.
    pub refusals: Count,
    /// Days from publication to the lease.
    pub days_to_lease: Option<i64>,
    /// ISO dates.
    pub published_on: Option<String>,
    pub leased_on: Option<String>,
}

/// A criterion line where the applicant and the housed household differ: the applicant's
/// points, and the other household's points or only whether it had more or fewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub label: String,
    pub mine: i64,
    pub theirs: String,
}

/// A dated step of the offer, for the applicant's explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub label: String,
    /// ISO date.
    pub on: String,
}

/// "Pourquoi ce résultat ?": everything the applicant may know about the outcome of their
/// application, and how to contest it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub application_id: i64,
    pub offer_id: i64,
    pub title: String,
    pub landlord: String,
    /// What became of the application, in a sentence.
    pub outcome: String,
    pub mode_label: String,
    pub mode_explain: String,
    /// Rank at the close and the number ranked.
    pub position: Option<(i64, i64)>,
    /// Why the household was not ranked, when it was not.
    pub not_ranked_because: Vec<String>,
    /// The applicant's own score and its lines at the close.
    pub score: Option<Score>,
    /// The housed household's score and its request's age.
    pub housed: Option<Housed>,
    /// Where the two scores differ, line by line (personal situations in one line).
    pub differences: Vec<Difference>,
    /// The applicant is the one housed.
    pub is_housed: bool,
    pub decision: Option<DecisionLine>,
    pub steps: Vec<Step>,
    /// Where a recours gracieux is sent.
    pub landlord_address: String,
    /// The household's profile names a situation the DALO mediation commission hears at once.
    pub dalo_situation: bool,
}

/// A territory's public figures (`/resultats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The territories with published offers, as `(SIREN, name)`, for the choice.
    pub territories: Vec<(String, String)>,
    /// The territory shown, as `(SIREN, name)`; `None` when no offer was ever published.
    pub territory: Option<(String, String)>,
    /// Month by month, newest first, then the twelve months together.
    pub figures: Vec<crate::domain::results::Figures>,
    /// Its latest ended offers: `(offer, "T3 de 64 m² à Besançon", attributed)`.
    pub ended: Vec<(i64, String, bool)>,
    /// No first-quartile threshold is set for the territory this year.
    pub quartile_unknown: bool,
}

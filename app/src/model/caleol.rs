//! What the CALEOL pages show: sessions, their agenda, the candidates under review, votes,
//! decisions, the minutes, and the offers made to applicants.

use crate::domain::caleol::{SessionMode, SessionStatus, Tally};
use crate::domain::cotation::Score;
use crate::domain::eligibility::Assessment;
use serde::{Deserialize, Serialize};

/// A member of a commission, in the quality they sit in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    pub user_id: i64,
    pub name: String,
    pub quality: String,
    pub votes: bool,
    pub president: bool,
    /// At the session being shown: took part (voted online or marked present).
    pub present: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub id: i64,
    pub commission: String,
    pub held_on: String,
    pub mode: SessionMode,
    pub status: SessionStatus,
    pub quorum: i64,
    /// The offers on the agenda: (offer id, short title).
    pub items: Vec<(i64, String)>,
}

/// A member's own commission: its seats and sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissionHome {
    pub commission: String,
    pub organisation: String,
    pub seats: Vec<Seat>,
    pub sessions: Vec<SessionSummary>,
}

/// Staff's view of their organisation's commissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsOverview {
    pub commissions: Vec<(i64, String)>,
    pub sessions: Vec<SessionSummary>,
    /// Offers whose shortlist is ready and not yet on an agenda: (offer id, title).
    pub ready_offers: Vec<(i64, String)>,
}

/// A decision as recorded, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionLine {
    pub label: String,
    pub motive: String,
    /// The missing document and its deadline, for a conditional attribution.
    pub condition: Option<String>,
    /// "Consignée par le président" or "2 voix sur 3 (voix prépondérante du maire)".
    pub how: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewCandidate {
    pub entry_id: i64,
    /// The applicant's name, or "Candidat A" in the pseudonymised view.
    pub label: String,
    /// Rank in the ranking made at the close.
    pub position: i64,
    /// Hidden in the pseudonymised view.
    pub sne_number: Option<String>,
    pub household: String,
    pub score: Score,
    pub grid_label: String,
    pub assessment: Assessment,
    /// The proofs on file: (kind, upload date).
    pub documents: Vec<(String, String)>,
    /// The viewer's own vote, in words.
    pub my_vote: Option<String>,
    /// The count so far: the president's during the session, everyone's after it.
    pub tally: Option<Tally>,
    pub decision: Option<DecisionLine>,
    /// How attributing the unit to this candidate would move the landlord's attribution
    /// objectives of the year, in sentences.
    #[serde(default)]
    pub objectives: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub id: i64,
    pub offer_id: i64,
    pub title: String,
    pub facts: Vec<(String, String)>,
    /// The recorded exception when fewer than three candidates are presented.
    pub exception: Option<String>,
    /// Candidates set aside ahead of those presented, with the staff's motive.
    pub departures: Vec<String>,
    pub candidates: Vec<ReviewCandidate>,
}

/// A tenant whose occupation the commission examines at this session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccupationItem {
    pub lease_id: i64,
    pub tenant: String,
    pub unit: String,
    pub signed_on: String,
    pub due_on: String,
    pub flags: Vec<String>,
    /// The finding and the kind of unit, once recorded.
    pub finding: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub commission: String,
    pub organisation: String,
    pub held_on: String,
    /// Today, when it is not the planned day: opening then records that the session meets today.
    pub other_day: Option<String>,
    pub mode: SessionMode,
    pub status: SessionStatus,
    pub quorum: i64,
    pub voting_present: i64,
    pub seats: Vec<Seat>,
    /// Whether the viewer is this commission's president (records outcomes, closes, signs).
    pub president: bool,
    /// Whether the viewer is a member who may vote or give an opinion here.
    pub member: bool,
    pub anonymised: bool,
    /// Every offer on the agenda, in order: `(offer id, title)`.
    pub agenda: Vec<(i64, String)>,
    /// The agenda point shown, from 1; the review goes one point (one offer) at a time.
    pub point: usize,
    /// The point shown, with its candidates: none when the agenda is empty.
    pub items: Vec<AgendaItem>,
    pub occupation: Vec<OccupationItem>,
    pub observations: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesDecision {
    pub candidate: String,
    pub sne_number: String,
    pub position: i64,
    pub score: i64,
    pub decision: DecisionLine,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesItem {
    pub offer_id: i64,
    pub title: String,
    pub ranking_mode: String,
    pub exception: Option<String>,
    pub departures: Vec<String>,
    pub decisions: Vec<MinutesDecision>,
}

/// The procès-verbal of a session, generated at its close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minutes {
    pub session_id: i64,
    pub commission: String,
    pub organisation: String,
    pub held_on: String,
    pub mode: String,
    pub quorum: i64,
    /// (name, quality, voice)
    pub present: Vec<(String, String, String)>,
    pub items: Vec<MinutesItem>,
    /// (tenant, unit, situations, finding, kind of unit)
    pub occupation: Vec<(String, String, String, String, String)>,
    pub closed_at: String,
    pub observations: String,
    /// "Signé par … le …" once signed.
    pub signed: Option<String>,
}

/// An offer of a unit made to an applicant after the commission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalInfo {
    pub id: i64,
    pub rank: i64,
    pub status_label: String,
    pub respond_by: String,
    /// Waiting for the applicant's answer, within the delay.
    pub pending: bool,
    pub condition: Option<String>,
}

/// Where an offer in commission stands for staff: the commission's order and the offers made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub session_id: Option<i64>,
    /// (candidate, decision, offer status)
    pub lines: Vec<(String, String, String)>,
    /// The accepted offer a lease can now be signed for: (proposal id, candidate, condition).
    pub accepted: Option<(i64, String, Option<String>)>,
}

/// A tenancy, its occupation situations, the latest finding, and vacant units staff could offer
/// the tenant by a mutation offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenancy {
    pub id: i64,
    pub tenant: String,
    pub unit: String,
    pub signed_on: String,
    /// Codes of the flagged situations.
    pub flags: Vec<String>,
    pub finding: Option<String>,
    /// (unit id, description) of vacant units of the kind the commission named.
    pub suggested_units: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

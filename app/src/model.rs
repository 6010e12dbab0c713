//! Data that travels between server functions and pages.

use serde::{Deserialize, Serialize};

pub mod caleol;
pub mod results;

/// What a signed-in person may do. Staff are scoped to one organisation, committee members to one
/// commission (and through it to its organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Applicant,
    Staff,
    Member,
    Admin,
    /// Publishes the cotation grids of one EPCI.
    Territory,
    /// Reads the bilans of one réservataire of one landlord (gestion en flux), and the offers
    /// oriented to it.
    Reservataire,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Applicant,
        Role::Staff,
        Role::Member,
        Role::Admin,
        Role::Territory,
        Role::Reservataire,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Staff => "staff",
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Territory => "territory",
            Role::Reservataire => "reservataire",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Applicant => "Demandeur",
            Role::Staff => "Personnel du bailleur",
            Role::Member => "Membre de CALEOL",
            Role::Admin => "Administrateur de la plateforme",
            Role::Territory => "Administrateur de territoire",
            Role::Reservataire => "Réservataire",
        }
    }

    /// The page a person of this role lands on after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Applicant => "/espace",
            Role::Staff => "/gestion",
            Role::Member => "/commission",
            Role::Admin => "/admin",
            Role::Territory => "/territoire",
            Role::Reservataire => "/reservataire",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// The signed-in person, as pages need to know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: Option<NamedRef>,
    pub commission: Option<NamedRef>,
    /// The EPCI (SIREN) of a territory admin.
    pub epci: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationSummary {
    pub id: i64,
    pub name: String,
    pub siren: String,
    pub staff_count: i64,
    pub unit_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    /// False while an invitation has not been accepted.
    pub active: bool,
    pub commission: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissionRow {
    pub id: i64,
    pub name: String,
    pub member_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationDetail {
    pub id: i64,
    pub name: String,
    pub siren: String,
    /// Where applicants write to contest a decision.
    pub postal_address: String,
    /// The territories where it publishes: `(SIREN, name)` of each EPCI.
    pub epcis: Vec<(String, String)>,
    pub people: Vec<PersonRow>,
    pub commissions: Vec<CommissionRow>,
}

/// One line of the staff unit list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub id: i64,
    pub reference: String,
    pub address: String,
    pub commune: String,
    pub typology: String,
    pub financing: String,
    pub surface_m2: i64,
    pub rent_cents: i64,
    pub charges_cents: i64,
    pub in_qpv: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDashboard {
    pub organisation: NamedRef,
    pub siren: String,
    pub unit_count: i64,
    pub units_in_qpv: i64,
    pub published_offers: i64,
    pub offers: Vec<StaffOfferRow>,
    pub units: Vec<UnitRow>,
    pub page: i64,
    pub pages: i64,
}

/// The applicant's own space: where the profile stands and every application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantHome {
    pub display_name: String,
    pub email: String,
    pub completeness: crate::domain::profile::Completeness,
    pub applications: Vec<MyApplication>,
    pub alerts: Vec<SavedSearchRef>,
}

/// The profile page: the stored profile and what it still lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub profile: crate::domain::profile::Profile,
    pub completeness: crate::domain::profile::Completeness,
    /// The year whose revenu fiscal de référence is asked for (N-2).
    pub income_year: i32,
    pub documents: Vec<DocumentRef>,
    /// The applicant staff act for (assisted channel); `None` on the applicant's own page.
    pub pour: Option<i64>,
    pub display_name: String,
    /// The wished communes as `(INSEE code, "Name (postcode)")`, for the wishes form.
    #[serde(default)]
    pub wished_communes: Vec<(String, String)>,
}

/// Everything the platform holds about an applicant, as they download it (RGPD art. 15 and 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyData {
    /// When this copy was made, "4 décembre 2026 à 15:20".
    pub generated_on: String,
    pub account: MyAccount,
    pub profile: crate::domain::profile::Profile,
    /// The day the request was struck off for want of renewal, if it was.
    pub struck_off_on: Option<String>,
    pub applications: Vec<MyApplication>,
    pub documents: Vec<DocumentRef>,
    pub saved_searches: Vec<SavedSearchRef>,
    /// Who read the file, newest first.
    pub reads: Vec<FileRead>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAccount {
    pub email: String,
    pub display_name: String,
    pub created_on: String,
    pub last_sign_in: Option<String>,
}

/// One read of the applicant's file by a landlord's staff or a commission member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRead {
    /// "23 novembre 2026 à 14:05".
    pub on: String,
    /// "Un agent de Habitat Comtois": the organisation or commission, never a person's name.
    pub reader: String,
    /// What was read, in French.
    pub read: String,
}

/// A saved search of the applicant, e-mailed as a daily digest of new offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSearchRef {
    pub id: i64,
    pub description: String,
    pub href: String,
}

/// One of the applicant's proofs, as their profile lists it (downloaded at `/documents/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    pub id: i64,
    pub kind_label: String,
    pub filename: String,
    pub size_kb: i64,
    pub added_on: String,
    pub valid_until: Option<String>,
    pub expired: bool,
}

/// One of the applicant's applications, as "Mes candidatures" lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplication {
    pub id: i64,
    pub offer_id: i64,
    pub title: String,
    pub landlord: String,
    pub rent_cents: i64,
    pub charges_cents: i64,
    pub applied_on: String,
    pub closes_on: String,
    pub status_label: String,
    /// Made by staff on the applicant's behalf.
    pub assisted: bool,
    /// Active applications to the offer so far, the applicant's included.
    pub applicants: i64,
    pub can_withdraw: bool,
    /// The applicant withdrew it.
    pub withdrawn: bool,
    /// The rank at the close and the number of ranked candidates, once the offer is ranked.
    pub rank: Option<(i64, i64)>,
    /// Set when the household was found not eligible at the close, with the reasons.
    pub not_eligible_at_close: Option<Vec<String>>,
    /// The commission's decision, once its session is closed.
    pub decision: Option<caleol::DecisionLine>,
    /// The unit offered to the applicant after the commission.
    pub proposal: Option<caleol::ProposalInfo>,
}

/// An applicant an organisation registered at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistedRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub active_applications: i64,
}

/// One of the organisation's open offers, as it stands for an assisted applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistedOffer {
    pub id: i64,
    pub title: String,
    pub total_cents: i64,
    pub closes_on: String,
    pub assessment: crate::domain::eligibility::Assessment,
    pub applied: bool,
}

/// What an offer means for the signed-in applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferForMe {
    pub assessment: crate::domain::eligibility::Assessment,
    /// Gaps in the profile that stop any application, in French.
    pub profile_gaps: Vec<String>,
    /// The applicant's live application to this offer.
    pub application_id: Option<i64>,
    /// Active applications with this landlord, and the landlord's cap.
    pub active_with_landlord: i64,
    pub cap: i64,
    /// Where the household would stand if the offer closed now; `None` once it is closed.
    pub chance: Option<results::Chance>,
}

/// A photo of a unit: served at `/photos/{id}` and, small, at `/photos/{id}/vignette`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub id: i64,
    /// What the photo shows, for people who cannot see it.
    pub alt: String,
    pub width: i64,
    pub height: i64,
}

/// Everything a household needs to decide about one offer (public page and open API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferDetail {
    pub id: i64,
    pub status: String,
    pub status_label: String,
    pub landlord: String,
    pub typology: String,
    pub surface_m2: i64,
    pub floor: i64,
    pub has_lift: bool,
    pub accessibility: String,
    pub accessibility_label: String,
    pub energy_label: String,
    pub financing: String,
    pub financing_label: String,
    pub rent_cents: i64,
    pub charges_cents: i64,
    pub address: String,
    pub postcode: String,
    pub commune: String,
    pub commune_insee: String,
    pub epci: String,
    pub neighbourhood: String,
    pub in_qpv: bool,
    pub reservataire_label: String,
    pub construction_period: String,
    pub description: String,
    /// `(code, label)` of each public the offer is open to.
    pub categories: Vec<(String, String)>,
    /// First and last day of the window, `AAAA-MM-JJ`, Paris time.
    pub opens_on: String,
    pub closes_on: String,
    pub photos: Vec<PhotoRef>,
}

/// One line of the staff offer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOfferRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_reference: String,
    pub address: String,
    pub commune: String,
    pub typology: String,
    pub status: String,
    pub status_label: String,
    pub opens_on: String,
    pub closes_on: String,
}

/// One status change of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferEvent {
    pub at: i64,
    pub from_label: Option<String>,
    pub to_label: String,
    pub actor: Option<String>,
}

/// The staff view of one of their organisation's offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOffer {
    pub detail: OfferDetail,
    pub unit_id: i64,
    pub unit_reference: String,
    pub editable: bool,
    pub categories: Vec<String>,
    /// `(status code, button label)` of the transitions staff may make now.
    pub actions: Vec<(String, String)>,
    pub events: Vec<OfferEvent>,
    /// How applicants are ranked at the close (a `RankingMode` code).
    pub ranking_mode: String,
    /// Whether the ranking made at the close exists.
    pub ranked: bool,
    /// What followed the commission, once the offer is on a session's agenda.
    pub follow_up: Option<caleol::FollowUp>,
}

/// One candidate of a ranking, as staff and the commission read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedCandidate {
    pub entry_id: i64,
    /// Rank among eligible candidates; `None` when the household was not eligible at the close.
    pub position: Option<i64>,
    pub name: String,
    pub sne_number: String,
    pub household: String,
    pub first_filing: String,
    pub applied_on: String,
    pub score: crate::domain::cotation::Score,
    /// "Grille … version N", or why no grid applied.
    pub grid_label: String,
    pub assessment: crate::domain::eligibility::Assessment,
    pub skip_motive: Option<String>,
    pub skipped_by: Option<String>,
    pub shortlisted: bool,
}

/// The ranking of a closed offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingView {
    pub offer_id: i64,
    pub title: String,
    pub status_label: String,
    pub mode_label: String,
    pub mode_explain: String,
    pub seed: i64,
    pub ranked_on: String,
    /// The candidates of this page, in ranking order.
    pub candidates: Vec<RankedCandidate>,
    /// This page (from 1) and how many there are: an offer may draw thousands of candidates.
    pub page: i64,
    pub pages: i64,
    /// Over the whole ranking: candidates, those ranked, and those ranked and not set aside.
    pub total: i64,
    pub ranked: i64,
    pub available: i64,
    /// Ranks on the shortlist, and the ranks set aside before its last one.
    pub kept: Vec<i64>,
    pub set_aside: Vec<i64>,
    /// Set once the shortlist is built: its size and the exception recorded, if any.
    pub shortlist: Option<(i64, Option<String>)>,
    /// Whether skips and the shortlist may still change (before the commission).
    pub editable: bool,
}

/// One criterion of a published grid, as the public page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridCriterionRow {
    pub label: String,
    pub rule: String,
    pub points: String,
    pub group: Option<String>,
}

/// A grid version as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedGrid {
    pub id: i64,
    pub epci_name: String,
    pub audience_label: String,
    pub version: i64,
    pub effective_from: String,
    /// "En vigueur", "À venir" or "Remplacée".
    pub state: String,
    pub criteria: Vec<GridCriterionRow>,
    /// For the territory admin: applicants scored on it so far, out of how many.
    pub progress: Option<(i64, i64)>,
}

/// The territory admin's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerritoryGrids {
    pub epci_name: String,
    pub grids: Vec<PublishedGrid>,
    /// The grid in force written as text, to start a new version from.
    pub current_text: String,
    pub today: String,
}

/// How the applicant's score compares for one wished typology (R441-2-17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparable {
    pub typology: String,
    pub count: usize,
    /// Comparable requests with a lower score.
    pub below: usize,
    /// First quartile, median, third quartile.
    pub quartiles: Option<(i32, i32, i32)>,
    /// Units let over the last year: how many, and the median wait in months.
    pub wait: Option<(usize, u32)>,
}

/// The applicant's score in one territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerritoryScore {
    pub epci_name: String,
    pub grid_label: String,
    pub score: crate::domain::cotation::Score,
    pub comparables: Vec<Comparable>,
    /// How one refusal of a suitable unit would change the score.
    pub refusal_effect: Option<i32>,
    /// Whether the request is in the territory's first quartile of resources, in words.
    #[serde(default)]
    pub first_quartile: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCotation {
    pub territories: Vec<TerritoryScore>,
    /// Whether the request is a priority one under L441-1 (subject to checking).
    pub priority: bool,
    pub has_filing_date: bool,
}

/// A unit in the staff form: its values as typed, and its offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitEditor {
    pub unit_id: Option<i64>,
    pub input: crate::domain::offer::UnitInput,
    pub offers: Vec<StaffOfferRow>,
    pub has_live_offer: bool,
    pub photos: Vec<PhotoRef>,
    /// The QPVs of the organisation's territories as `(code, label)`; empty when none is listed.
    #[serde(default)]
    pub qpvs: Vec<(String, String)>,
    /// What an offer of the unit may be oriented to this year (gestion en flux), each with how far
    /// it is used; empty when no convention covers the unit's commune.
    #[serde(default)]
    pub orientation: Vec<crate::domain::flux::Usage>,
    pub flux_year: i32,
}

/// One line of a landlord's yearly flow: a convention, or the landlord's own share in a
/// département, and how far it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FluxLine {
    /// `None` for the landlord's own share.
    pub reservataire_id: Option<i64>,
    /// Where it applies: a département's code, and a commune's INSEE code for a commune's
    /// convention (empty otherwise).
    pub departement: String,
    pub commune_insee: String,
    pub territory: String,
    pub reference: String,
    pub usage: crate::domain::flux::Usage,
}

/// An offer oriented to a réservataire, as its account reads it: the unit and where the offer
/// stands, nothing of the applicants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrientedOfferRow {
    pub id: i64,
    pub year: i32,
    pub status: String,
    pub opens_on: String,
    pub closes_on: String,
    /// "T3 PLUS à Besançon".
    pub unit: String,
    pub leased: bool,
}

/// A réservataire account's home: its bilans by year and the offers oriented to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservataireHome {
    pub landlord: String,
    pub reservataire: String,
    /// Years with a convention, latest first.
    pub years: Vec<i32>,
    pub offers: Vec<OrientedOfferRow>,
}

/// A landlord's flow of one year, for its staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FluxOverview {
    pub year: i32,
    /// Whether the reader may record conventions and forecasts.
    pub is_admin: bool,
    /// The départements of the organisation's territories: `(code, label)`.
    pub departements: Vec<(String, String)>,
    pub lines: Vec<FluxLine>,
    /// `(département, forecast flow, forecast out of the flow)`.
    pub forecasts: Vec<(String, i64, i64)>,
    /// Offers of the year taken out of the flow: `(département, reason, offers)`.
    pub out_of_flow: Vec<(String, String, i64)>,
    /// The organisation's réservataires, for their bilans: `(id, label)`.
    pub reservataires: Vec<(i64, String)>,
    /// Their accounts: `(réservataire label, name, e-mail, active)`.
    pub accounts: Vec<(String, String, String, bool)>,
    /// The attribution objectives of the year in each of the organisation's EPCIs, over its own
    /// leases: `(EPCI name, objectives)`.
    pub objectives: Vec<(String, crate::domain::objectives::Objectives)>,
}

/// One problem in an imported file: its line (1 is the column names), column and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowError {
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

/// A checked (and maybe applied) CSV import of units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    pub filename: String,
    /// `checked` (valid, not yet written), `invalid`, or `applied`.
    pub status: String,
    pub rows: i64,
    pub new_units: i64,
    pub updated_units: i64,
    pub errors: Vec<ImportRowError>,
    pub created_at: i64,
    pub applied_at: Option<i64>,
}

/// Formats an amount in cents the French way: "1 234,50 €".
pub fn format_euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!(
        "{sign}{},{:02}\u{a0}€",
        crate::domain::format::group_thousands(cents / 100),
        cents % 100
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_value() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn euros_are_grouped_by_thousands_with_a_comma() {
        assert_eq!(format_euros(0), "0,00\u{a0}€");
        assert_eq!(format_euros(45_250), "452,50\u{a0}€");
        assert_eq!(
            format_euros(123_456_789),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(format_euros(-1_005), "-10,05\u{a0}€");
    }
}

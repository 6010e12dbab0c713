//! Pure rules and reference data. Nothing here does IO, so it runs the same on the server and in
//! the browser and is tested without a database.

pub mod account;
pub mod calendar;
pub mod caleol;
pub mod catalogue;
pub mod ceilings;
pub mod cotation;
pub mod documents;
pub mod eligibility;
pub mod flux;
pub mod format;
pub mod household;
pub mod identifiers;
pub mod limits;
pub mod objectives;
pub mod offer;
pub mod profile;
pub mod qpv;
pub mod quartile;
pub mod ranking;
pub mod results;
pub mod sne;
pub mod territory;

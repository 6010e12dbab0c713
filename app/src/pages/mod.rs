//! One module per area, each with its server functions beside the components that call them.

pub mod account;
pub mod admin;
pub mod applicant;
pub mod auth;
pub mod caleol;
pub mod catalogue;
pub mod cotation;
pub mod documents;
pub mod errors;
pub mod flux;
pub mod home;
pub mod privacy;
pub mod profile;
pub mod ranking;
pub mod results;
pub mod staff;
pub mod staff_applicants;
pub mod staff_import;
pub mod staff_offers;
pub mod staff_units;
pub mod territory;

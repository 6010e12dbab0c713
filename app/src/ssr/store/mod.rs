//! Queries, grouped by subject. Every statement is parameterised; callers pass a pool or a
//! transaction's connection, so that several writes can commit together.

pub mod accounts;
pub mod alerts;
pub mod applications;
pub mod assisted;
pub mod audit;
pub mod caleol;
pub mod cotation;
pub mod documents;
pub mod housing;
pub mod imports;
pub mod listings;
pub mod offers;
pub mod organisations;
pub mod photos;
pub mod profiles;
pub mod rankings;
pub mod reference;
pub mod territories;
pub mod units;

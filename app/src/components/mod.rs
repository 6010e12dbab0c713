//! Building blocks shared by pages.

pub mod form;
pub mod layout;
pub mod offer;
pub mod outcome;
pub mod route;

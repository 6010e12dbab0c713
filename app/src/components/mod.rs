//! Building blocks shared by pages.

pub mod chart;
pub mod commune;
pub mod follow_up;
pub mod form;
pub mod layout;
pub mod notices;
pub mod offer;
pub mod outcome;
pub mod route;
pub mod score;

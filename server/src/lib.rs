//! The locactive server: configuration, HTTP router and middleware, background jobs, CLI.

#![forbid(unsafe_code)]

mod answers;
pub mod api;
pub mod assets;
pub mod cli;
pub mod error_pages;
pub mod config;
pub mod downloads;
pub mod http;
pub mod jobs;
pub mod public_pages;
pub mod render_threads;
pub mod seed;
pub mod startup;
pub mod telemetry;
pub mod uploads;

//! The server's integration tests, in one test binary.
//!
//! Each file below was once a binary of its own. Every one of them linked the whole application
//! (about 160 MB with line tables), so fifteen of them cost fifteen links and some 2.4 GB of
//! `target/` — the disk a CI machine ran out of. One binary links once; `cargo test -p locactive
//! --test it -- accounts::` still runs one family.

#[macro_use]
mod common;

mod accounts;
mod applications;
mod architecture;
mod caleol;
mod cotation;
mod flux;
mod imports;
mod offers;
mod photos;
mod platform;
mod privacy;
mod render_threads;
mod schema;
mod security;
mod territories;

//! qala's integration tests: one test binary with one module per capability, so the whole crate is linked
//! once for all of them. The helpers in [`support`] are split by what they provide.
//!
//! Most tests run qala's server in this process (`qala::server::run` on port 0, [`support::Server`]); the
//! ones that need a real process say so where they spawn the binary ([`support::QalaProcess`]): kill -9
//! and durability, start-up and shutdown, the process's log, an outside process on the store, the CLI.
//! GeoPackage-only tests need no PostgreSQL.
//!
//! Run one capability with a filter: `cargo test --test it -- pins_api::`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod support;

mod api_openapi;
mod area_files;
mod area_import_cli;
mod area_import_http;
mod areas_api;
mod areas_differential;
mod bad_input;
mod durability;
mod exports;
mod faults;
mod filter_budget;
mod geopackage_gdal;
mod gpkg_contention;
mod hardening;
mod harness;
mod index_differential;
mod lifecycle;
mod map_api;
mod moderation;
mod ogc_api;
mod pins_api;
mod privacy;
mod request_heads;
mod schemathesis;
mod staff_access;
mod store_copy;
mod upgrade;
mod web_map;
mod workflow;

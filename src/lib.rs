//! # qala
//!
//! The people of Almaty pin accessibility problems (prams, wheelchairs, bicycles, limited mobility, low vision)
//! to points on the map; planners and GIS analysts query them by area.
//!
//! ## Layout
//! A core that knows no HTTP, and two edges over it: the HTTP layer ([`http`], served by [`server`]) and the
//! command line ([`cli`]). Only `http/` and `server.rs` import axum or tower-http; only `store/` (and the
//! GeoPackage file reader and writer, `spatial/import/gpkg_file.rs` and `export/gpkg.rs`, which share its
//! format) import sqlx; only `index/` imports rstar; no two files of a folder import each other in a cycle.
//! `scripts/check-layout.py` (run by the test command) checks these rules. SQL lives in `.sql` files beside
//! the code that runs it (`store/postgis/sql/`, `store/gpkg/sql/`, `export/sql/`, `spatial/import/sql/`),
//! compiled in with `include_str!`; the few statements built in Rust are named in those modules' docs.
//!
//! The core:
//! - [`domain`]: plain types and validation (pin, category, status, bbox, paging). No I/O.
//! - [`params`]: the one parser of query parameters, with each route's allow-list (`params/routes.rs`),
//!   used by every HTTP listing and by `qala export`.
//! - [`store`]: the [`store::Store`] trait, the store of record: `postgis/` and `gpkg/` implement it.
//! - [`index`]: the in-memory R-trees over every pin and area, loaded from the store and updated after each
//!   commit.
//! - [`feature_cache`]: pins already rendered as GeoJSON, so listings need not ask the store.
//! - [`state`]: the shared handle (store, indexes, cache) and what both edges ask of it.
//! - [`spatial`]: the service area (Almaty's boundary), CRSs and reprojection, area files, GeoJSON rendering.
//! - [`selection`]: which pins a reader asked for (box, area, attributes, time, CQL2), paged through the index
//!   and the store; shared by OGC API items, exports and `qala export`.
//! - [`filter`]: CQL2 text filters compiled into a predicate over pins.
//! - [`export`]: the export formats (GeoJSON, GeoJSONSeq, CSV streamed; GeoPackage, FlatGeobuf built whole)
//!   and what an export holds.
//! - [`ingest`], [`seed`]: areas loaded into a store; deterministic synthetic pins for demos and benchmarks.
//! - [`contact_key`], [`retention`]: reporters' contacts sealed at rest (XChaCha20-Poly1305, the key kept
//!   outside the store) and deleted when their retention is over.
//! - [`limits`], [`edge`], [`rate_limit`]: what a stranger may cost (time, size, concurrency), how qala is
//!   reached (public URL, trusted proxies), and how many anonymous writes an address may make.
//!
//! The edges:
//! - [`http`]: one file per resource; `error.rs` maps every failure to RFC 9457 problem+json; `extract.rs`
//!   reads bodies and query strings; `listing.rs` answers pin listings; `collection.rs` writes every
//!   FeatureCollection; `map.rs` and `map_table.rs` answer what the web map needs beyond the public API;
//!   `web.rs` serves the built web map (`maps/dist`); `ogc/` is OGC API – Features.
//! - [`config`], [`cli`]: the command line; [`server`]: serve with graceful shutdown.
//!
//! A request goes `http::router` → handler in `http/pins.rs` → `params` or `domain` validation → `Store`
//! commit → `index` update → response.

pub mod auth;
pub mod cli;
pub mod config;
pub mod contact_key;
#[cfg(test)]
mod corpus;
pub mod domain;
pub mod edge;
pub mod export;
pub mod feature_cache;
pub mod filter;
pub mod http;
pub mod index;
pub mod ingest;
pub mod limits;
pub mod params;
pub mod rate_limit;
pub mod retention;
pub mod seed;
pub mod selection;
pub mod server;
pub mod spatial;
pub mod state;
pub mod store;

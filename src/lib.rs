//! # qala
//!
//! The people of Almaty pin accessibility problems (prams, wheelchairs, bicycles, limited mobility, low vision)
//! to points on the map; planners and GIS analysts query them by area.
//!
//! ## Layout
//! - [`http`]: the only place that imports axum. One file per resource; `error.rs` maps every failure to
//!   RFC 9457 problem+json; `extract.rs` parses requests into typed values; `map.rs` and `map_table.rs` answer
//!   what the web map needs beyond the public API; `web.rs` serves the built web map (`maps/dist`).
//! - [`domain`]: plain types and validation (pin, category, status, bbox, paging). No I/O.
//! - [`store`]: the [`store::Store`] trait, the store of record; `postgis/` implements it with sqlx.
//! - [`index`]: the in-memory R-tree over every pin, loaded from the store and updated after each commit.
//! - [`spatial`]: the service area (Almaty's boundary), CRSs and reprojection, and GeoJSON rendering.
//! - [`selection`]: which pins a reader asked for (box, area, attributes, time, CQL2), paged through the index
//!   and the store; shared by OGC API items, exports and `qala export`.
//! - [`filter`]: CQL2 text filters compiled into a predicate over pins.
//! - [`export`]: the export formats (GeoJSON, GeoJSONSeq, CSV streamed; GeoPackage, FlatGeobuf built whole).
//! - [`seed`]: deterministic synthetic pins for demos and benchmarks.
//! - [`config`], [`cli`]: the command line; [`server`]: serve with graceful shutdown; [`state`]: shared handles.
//!
//! A request goes `http::router` → handler in `http/pins.rs` → `domain` validation → `Store` commit →
//! `index` update → response.

pub mod cli;
pub mod config;
pub mod domain;
pub mod export;
pub mod filter;
pub mod http;
pub mod index;
pub mod ingest;
pub mod seed;
pub mod selection;
pub mod server;
pub mod spatial;
pub mod state;
pub mod store;

//! OGC API – Features under `/ogc`: Part 1 (core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS by reference)
//! and Part 3 (queryables and CQL2 text filters), so that QGIS, GDAL's OAPIF driver and any OGC client
//! need only a URL.
//!
//! A request goes: [`router`] → `landing.rs` / `collections.rs` / `pin_items.rs` / `area_items.rs` →
//! parameters (the core's one parser, [`crate::params`], with the OGC routes' allow-lists) → a
//! [`crate::selection::Selection`] answered by the R-tree (and the store for the
//! records) → JSON or HTML (`representation.rs`). The OGC words live in `vocabulary.rs`, the OpenAPI
//! document in `openapi.rs`.

mod area_items;
mod catalog;
mod collections;
mod landing;
mod openapi;
mod pin_items;
mod representation;
mod vocabulary;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::ApiError;
use super::extract::QueryPairs;
use crate::http::extract::Segments;
use crate::state::AppState;
use catalog::CollectionId;

pub use vocabulary::ROOT;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(ROOT, get(landing::landing))
        .route("/ogc/", get(landing::landing))
        .route("/ogc/conformance", get(landing::conformance))
        .route("/ogc/api", get(landing::api))
        .route("/ogc/collections", get(collections::list))
        .route("/ogc/collections/{id}", get(collections::one))
        .route("/ogc/collections/{id}/queryables", get(collections::queryables))
        .route("/ogc/collections/{id}/items", get(items))
        .route("/ogc/collections/{id}/items/{feature_id}", get(item))
}

/// `GET /ogc/collections/{id}/items`.
async fn items(
    State(state): State<AppState>,
    Segments(raw): Segments<String>,
    headers: HeaderMap,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    match collections::find(&state, &raw)? {
        CollectionId::Pins => pin_items::items(&state, &headers, pairs).await,
        area_collection => area_items::items(&state, area_collection, &headers, pairs).await,
    }
}

/// `GET /ogc/collections/{id}/items/{featureId}`.
async fn item(
    State(state): State<AppState>,
    Segments((raw, feature_id)): Segments<(String, String)>,
    headers: HeaderMap,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    match collections::find(&state, &raw)? {
        CollectionId::Pins => pin_items::item(&state, &headers, &feature_id, pairs).await,
        area_collection => area_items::item(&state, area_collection, &headers, &feature_id, pairs).await,
    }
}

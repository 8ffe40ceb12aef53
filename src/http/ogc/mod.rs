//! OGC API – Features under `/ogc`: Part 1 (core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS by reference)
//! and Part 3 (queryables and CQL2 text filters), so that QGIS, GDAL's OAPIF driver and any OGC client
//! need only a URL.
//!
//! A request goes: [`router`] → `landing.rs` / `collections.rs` / `pin_items.rs` / `area_items.rs` →
//! parameters (`params.rs`) → a [`crate::selection::Selection`] answered by the R-tree (and the store for the
//! records) → JSON or HTML (`representation.rs`). The OGC words live in `vocabulary.rs`, the OpenAPI
//! document in `openapi.rs`.

mod area_items;
mod catalog;
mod collections;
mod landing;
mod openapi;
mod params;
mod pin_items;
mod representation;
mod vocabulary;

use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::get;

use super::ApiError;
use super::extract::QueryPairs;
use crate::domain::FieldError;
use crate::state::AppState;
use catalog::CollectionId;
use representation::Format;

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
    Path(raw): Path<String>,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    match collections::find(&state, &raw)? {
        CollectionId::Pins => pin_items::items(&state, &headers, pairs).await,
        area_collection => area_items::items(&state, area_collection, &headers, pairs).await,
    }
}

/// `GET /ogc/collections/{id}/items/{featureId}`.
async fn item(
    State(state): State<AppState>,
    Path((raw, feature_id)): Path<(String, String)>,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    match collections::find(&state, &raw)? {
        CollectionId::Pins => pin_items::item(&state, &headers, &feature_id, pairs).await,
        area_collection => area_items::item(&state, area_collection, &headers, &feature_id, pairs).await,
    }
}

/// The only parameter of the metadata documents: `f`. Anything else is refused by name.
pub struct FormatOnly(Option<String>);

impl FormatOnly {
    /// # Errors
    /// 400 when `f` names an unknown format.
    pub fn format(&self, headers: &HeaderMap) -> Result<Format, ApiError> {
        Format::negotiate(self.0.as_deref(), headers).map_err(|e| ApiError::BadParameters(vec![e]))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FormatOnly {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let QueryPairs(pairs) = QueryPairs::from_request_parts(parts, state).await?;
        let mut f = None;
        let mut errors = Vec::new();
        for (name, value) in pairs {
            if name == "f" {
                f = Some(value);
            } else {
                errors.push(FieldError::parameter(name, "unknown parameter; this document takes only f"));
            }
        }
        if errors.is_empty() { Ok(Self(f)) } else { Err(ApiError::BadParameters(errors)) }
    }
}

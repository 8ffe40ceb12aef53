//! `GET /api/v1/map/table`: the web map's table of pins, one page at a time, sorted by a column.
//!
//! Unlike the public listing (keyset paging in id order, which never repeats or skips a pin however the data
//! changes), a table is sorted by what the reader clicks (report time, category, status) and jumps to a
//! page number, so this pages by `offset`. The index supplies every matching pin with the columns it sorts
//! on, the page is cut from the sorted list, and only that page is rendered in full (from the feature
//! cache, or the store for pins not in it). Ties are always broken by ascending id, so the order is total
//! and consecutive pages neither repeat nor skip a pin while the data stays the same.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::ApiError;
use super::collection::FeatureCollection;
use super::extract::QueryPairs;
use super::response::geojson_text_response;
use crate::domain::{PinId, Visibility};
use crate::index::PinQuery;
use crate::params::routes;
use crate::state::AppState;

/// `GET /api/v1/map/table?bbox=&category=&status=&datetime=&within=&sortby=&offset=&limit=`:
/// `{"type":"FeatureCollection","numberMatched":N,"offset":O,"numberReturned":n,"features":[…]}`, the
/// features as `/api/v1/pins` renders them.
pub(super) async fn list_map_table(State(state): State<AppState>, pairs: QueryPairs) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::MAP_TABLE)?;
    let (sort, offset, limit) = (params.sort, params.offset, params.limit.get());
    let area = state.area_of(params.area)?;
    let (matched, page) = {
        let query = PinQuery { area: area.as_deref(), ..PinQuery::new(&params.filter) };
        let mut pins = state.pins.matching(&query);
        // A full sort of even 100,000 pins is a few milliseconds; a partial one would save little.
        pins.sort_unstable_by(|a, b| sort.compare(a, b));
        let page: Vec<PinId> = pins.iter().skip(offset).take(limit).map(|p| p.id).collect();
        (pins.len(), page)
    };
    let features = state.rendered_pins(&page, Visibility::Public).await?;
    let body = FeatureCollection::with_capacity(features.iter().map(|f| f.len() + 1).sum())
        .member("numberMatched", &json!(matched))
        .member("offset", &json!(offset))
        .features(&features)
        .finish();
    Ok(geojson_text_response(StatusCode::OK, body))
}

//! `GET /api/v1/map/table`: the web map's table of pins, one page at a time, sorted by a column.
//!
//! Unlike the public listing (keyset paging in id order, which never repeats or skips a pin however the data
//! changes), a table is sorted by what the reader clicks (report time, category, status) and jumps to a
//! page number, so this pages by `offset`. The index supplies every matching pin with the columns it sorts
//! on, the pins up to the page's end are selected and sorted (not the whole list), the page is cut from them, and only that page is rendered in full (from the feature
//! cache, or the store for pins not in it). Ties are always broken by ascending id, so the order is total
//! and consecutive pages neither repeat nor skip a pin while the data stays the same.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::ApiError;
use super::collection::FeatureCollection;
use super::error::off_workers;
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
    let pins = state.pins.clone();
    // Off the async workers: the walk and the selection are linear in the matching pins.
    let (matched, page) = off_workers("sorting the map's table", move || {
        let query = PinQuery { area: area.as_deref(), ..PinQuery::new(&params.filter) };
        let mut pins = pins.matching(&query);
        let matched = pins.len();
        // Only the pins up to the page's end are put in order: a selection (linear) brings them to the front,
        // then they alone are sorted, so a first page of a million pins costs no full sort.
        let end = offset.saturating_add(limit).min(matched);
        if end < matched && end > 0 {
            pins.select_nth_unstable_by(end - 1, |a, b| sort.compare(a, b));
            pins.truncate(end);
        }
        pins.sort_unstable_by(|a, b| sort.compare(a, b));
        let page: Vec<PinId> = pins.iter().skip(offset).take(limit).map(|p| p.id).collect();
        (matched, page)
    })
    .await?;
    let features = state.rendered_pins(&page, Visibility::Public).await?;
    let body = FeatureCollection::with_capacity(features.iter().map(|f| f.len() + 1).sum())
        .member("numberMatched", &json!(matched))
        .member("offset", &json!(offset))
        .features(&features)
        .finish();
    Ok(geojson_text_response(StatusCode::OK, body))
}

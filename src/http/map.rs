//! `/api/v1/map/…`: what the web map needs beyond the public API.
//!
//! - `config`: the city outline and its bounds (to frame the map before any pin loads), the category and
//!   status vocabularies (to build the legend and filters without hard-coding them twice), and the
//!   deployment's basemap style.
//! - `pins`: every matching pin at once (up to 50,000; beyond, pages linked by `next`), lean, with an `ETag`
//!   (a reload of unchanged pins is a 304). A map draws all pins of the current filter, not a page of
//!   them, so paging through `/api/v1/pins` (100 features of full detail per request) would be both slow and
//!   wasteful. These features hold only what the index holds (id, point, category, status, report time to
//!   the second), so the answer never reads the store, and the body is written by hand: 100,000 pins are
//!   20 MB of GeoJSON (3.1 MB gzipped; coordinates at full `f64` precision, the listing's own), and a
//!   `serde_json::Value` per pin costs several times the writing itself.
//! - `table`: one page of the matching pins sorted by a column (`map_table.rs`), for the table beside the map.

use std::fmt::Write as _;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde_json::json;

use super::ApiError;
use super::client::base_url;
use super::collection::FeatureCollection;
use super::conditional::revalidated;
use super::error::off_workers;
use super::extract::QueryPairs;
use super::map_table::list_map_table;
use super::response::{GEOJSON, href, json_document, link};
use crate::domain::{Category, PinId, Status};
use crate::index::{IndexedPin, PinQuery};
use crate::params::routes;
use crate::spatial::multipolygon_geometry;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/map/config", get(get_map_config))
        .route("/api/v1/map/pins", get(list_map_pins))
        .route("/api/v1/map/table", get(list_map_table))
}

/// `GET /api/v1/map/config`: `basemap_style` and `geocoder_url` (URLs or null), `bounds` and `city` (the city boundary as a
/// box and as a GeoJSON geometry), and every `categories` and `statuses` slug in the domain's order.
async fn get_map_config(State(state): State<AppState>, pairs: QueryPairs) -> Result<Response, ApiError> {
    pairs.parse(&routes::NONE)?;
    let body = json!({
        "basemap_style": state.web.basemap_style,
        "geocoder_url": state.web.geocoder_url,
        "moderation": state.moderation.as_str(),
        "bounds": state.service_area.bounds(),
        "city": multipolygon_geometry(state.service_area.geometry()),
        "categories": Category::ALL.map(Category::as_str),
        "statuses": Status::ALL.map(Status::as_str),
    });
    Ok(json_document(body))
}

/// `GET /api/v1/map/pins?bbox=&category=&status=&datetime=&within=&limit=&cursor=`: the matching pins, lean, in
/// ascending id order, at most `limit` (50,000, also the default: every pin of a city the size of Almaty
/// today, about 10 MB) with `numberReturned`, `numberMatched` and a `next` link when more remain.
/// Revalidated on every load (`conditional.rs`): a changed set of pins is never served from a cache, an
/// unchanged one costs a 304.
async fn list_map_pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::MAP_PINS)?;
    let area = state.area_of(params.area)?;
    let url = format!("{}/api/v1/map/pins", base_url(&headers));
    // Walking a whole city's pins and writing megabytes is CPU work: keep it off the async workers.
    let body = off_workers("writing the map's pins", move || {
        let query = PinQuery { area: area.as_deref(), ..PinQuery::new(&params.filter) };
        let after = params.cursor.map_or(PinId::MIN, |c| c.0);
        let page = state.pins.matching_page(&query, after, params.limit);
        let next = page.pins.last().filter(|_| page.more).map(|last| {
            let cursor = last.id.to_string();
            vec![link("next", GEOJSON, href(&url, &params.echo, &[("cursor", &cursor)]))]
        });
        lean_collection(&page.pins, page.matched, next)
    })
    .await?;
    Ok(revalidated(&headers, GEOJSON, body))
}

/// `{"type":"FeatureCollection","numberMatched":m,"numberReturned":n,"features":[…],"links":[…]}` with one
/// lean feature per pin; `links` only when there is a next page.
fn lean_collection(pins: &[IndexedPin], matched: u64, next: Option<Vec<serde_json::Value>>) -> String {
    // A feature is ~200 bytes; reserving once avoids copying megabytes while the string grows.
    let body = FeatureCollection::with_capacity(pins.len() * 210)
        .member("numberMatched", &json!(matched))
        .features_written(pins.len(), |body, i| write_lean_feature(body, &pins[i]));
    match next {
        Some(links) => body.links(links).finish(),
        None => body.finish(),
    }
}

/// `{"type":"Feature","id":…,"geometry":{"type":"Point","coordinates":[lon,lat]},"properties":{"category":…,
/// "status":…,"location_precision":…,"created_at":"YYYY-MM-DDTHH:MM:SSZ"}}`. Coordinates are written by `ryu`, as serde_json writes
/// them in `/api/v1/pins`: the shortest text that reads back as the same `f64` (the index holds them
/// finite). Slugs are fixed ASCII and need no escaping.
fn write_lean_feature(body: &mut String, pin: &IndexedPin) {
    let mut lon = ryu::Buffer::new();
    let mut lat = ryu::Buffer::new();
    let _ = write!(
        body,
        r#"{{"type":"Feature","id":{},"geometry":{{"type":"Point","coordinates":[{},{}]}},"properties":{{"category":"{}","status":"{}","location_precision":"{}","created_at":"#,
        pin.id,
        lon.format_finite(pin.lon),
        lat.format_finite(pin.lat),
        pin.category.as_str(),
        pin.status.as_str(),
        pin.precision.as_str(),
    );
    match DateTime::<Utc>::from_timestamp_micros(pin.created_at_us) {
        // By hand rather than `to_rfc3339_opts`: no allocation per pin.
        Some(t) => {
            let _ = write!(
                body,
                r#""{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z""#,
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            );
        }
        None => body.push_str("null"),
    }
    body.push_str("}}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LocationPrecision;

    #[test]
    fn a_lean_collection_is_the_geojson_it_claims_to_be() {
        let pins = [
            IndexedPin {
                id: 7,
                lon: 76.9458,
                lat: 43.238,
                category: Category::LowVision,
                status: Status::InProgress,
                precision: LocationPrecision::District,
                created_at_us: 1_793_491_200_999_999,
            },
            IndexedPin {
                id: 9,
                lon: 77.0,
                lat: 0.1 + 0.2,
                category: Category::Pram,
                status: Status::New,
                precision: LocationPrecision::Point,
                created_at_us: 0,
            },
        ];
        let parsed: serde_json::Value = serde_json::from_str(&lean_collection(&pins, 2, None)).unwrap_or_default();
        let want = json!({
            "type": "FeatureCollection",
            "numberMatched": 2,
            "numberReturned": 2,
            "features": [
                {
                    "type": "Feature", "id": 7,
                    "geometry": { "type": "Point", "coordinates": [76.9458, 43.238] },
                    "properties": { "category": "low_vision", "status": "in_progress",
                                    "location_precision": "district", "created_at": "2026-11-01T00:00:00Z" }
                },
                {
                    "type": "Feature", "id": 9,
                    "geometry": { "type": "Point", "coordinates": [77.0, 0.1 + 0.2] },
                    "properties": { "category": "pram", "status": "new", "location_precision": "point",
                                    "created_at": "1970-01-01T00:00:00Z" }
                }
            ]
        });
        assert_eq!(parsed, want);
        // The same coordinate text as serde_json writes for the full features (77.0, not 77).
        assert!(lean_collection(&pins, 2, None).contains(&format!("[{},{}]", json!(77.0), json!(0.1 + 0.2))));
        let empty: serde_json::Value = serde_json::from_str(&lean_collection(&[], 0, None)).unwrap_or_default();
        assert_eq!(
            empty,
            json!({ "type": "FeatureCollection", "numberMatched": 0, "numberReturned": 0, "features": [] })
        );
        let next = vec![json!({ "rel": "next", "href": "/api/v1/map/pins?cursor=9" })];
        let paged: serde_json::Value =
            serde_json::from_str(&lean_collection(&pins, 5, Some(next.clone()))).unwrap_or_default();
        assert_eq!((paged["numberMatched"].as_u64(), &paged["links"]), (Some(5), &json!(next)));
    }
}

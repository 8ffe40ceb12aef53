//! `/api/v1/pins`: report a problem, read one, list them by area and attributes.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::ApiError;
use super::extract::{JsonBody, PinListParams, QueryPairs, base_url};
use crate::domain::{FieldError, PinId, parse_new_pin};
use crate::spatial::pin_feature;
use crate::state::AppState;

const GEOJSON: &str = "application/geo+json";
const PINS_PATH: &str = "/api/v1/pins";

pub fn router() -> Router<AppState> {
    Router::new().route(PINS_PATH, get(list_pins).post(create_pin)).route("/api/v1/pins/{id}", get(get_pin))
}

/// `POST /api/v1/pins`: validate, commit, index, and only then answer 201.
async fn create_pin(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let new_pin = parse_new_pin(&body).map_err(ApiError::Validation)?;
    if !state.service_area.covers(new_pin.lon, new_pin.lat) {
        return Err(ApiError::Validation(vec![FieldError::pointer(
            "/geometry/coordinates",
            format!(
                "the point ({}, {}) is outside {}: qala takes reports inside the city boundary only",
                new_pin.lon,
                new_pin.lat,
                state.service_area.name()
            ),
        )]));
    }
    let pin = state.store.insert_pin(&new_pin).await?;
    state.pins.upsert(&pin.location());
    tracing::info!(pin = pin.id, category = pin.category.as_str(), "pin created");
    let location = format!("{}{PINS_PATH}/{}", base_url(&headers), pin.id);
    Ok(geojson_response(StatusCode::CREATED, &pin_feature(&pin), Some(&location)))
}

/// `GET /api/v1/pins/{id}`.
async fn get_pin(State(state): State<AppState>, Path(raw_id): Path<String>) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound(format!("there is no pin {raw_id:?}"));
    let id: PinId = raw_id.parse().map_err(|_| not_found())?;
    let pin = state.store.pin(id).await?.ok_or_else(not_found)?;
    Ok(geojson_response(StatusCode::OK, &pin_feature(&pin), None))
}

/// `GET /api/v1/pins?bbox=&category=&status=&limit=&cursor=`: the R-tree picks the page's ids, the store
/// supplies their text.
async fn list_pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let params = PinListParams::parse(pairs)?;
    let page = state.pins.page(&params.filter, params.cursor, params.limit);
    let pins = state.store.pins(&page.ids).await?;
    let base = format!("{}{PINS_PATH}", base_url(&headers));
    let mut links = vec![link("self", &base, &params.echo, params.cursor.map(|c| c.0))];
    if let (true, Some(last)) = (page.has_more, page.ids.last()) {
        links.push(link("next", &base, &params.echo, Some(*last)));
    }
    let body = json!({
        "type": "FeatureCollection",
        "features": pins.iter().map(pin_feature).collect::<Vec<_>>(),
        "numberReturned": pins.len(),
        "links": links,
    });
    Ok(geojson_response(StatusCode::OK, &body, None))
}

fn link(rel: &str, base: &str, params: &[(String, String)], cursor: Option<PinId>) -> Value {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(params);
    if let Some(c) = cursor {
        query.append_pair("cursor", &c.to_string());
    }
    let query = query.finish();
    let href = if query.is_empty() { base.to_owned() } else { format!("{base}?{query}") };
    json!({ "rel": rel, "type": GEOJSON, "href": href })
}

fn geojson_response(status: StatusCode, body: &Value, location: Option<&str>) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON));
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    response
}

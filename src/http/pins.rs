//! `/api/v1/pins`: report a problem, read one, list them by box, area, drawn outline or distance.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};

use super::ApiError;
use super::auth::Caller;
use super::extract::{JsonBody, MAX_SEARCH_BODY_BYTES, QueryPairs, base_url};
use super::listing::listing;
use super::response::geojson_response;
use crate::domain::{FieldError, PinId, parse_new_pin};
use crate::params::routes;
use crate::spatial::{PreparedArea, parse_search_area, pin_feature};
use crate::state::AppState;

const PINS_PATH: &str = "/api/v1/pins";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PINS_PATH, get(list_pins).post(create_pin))
        .route("/api/v1/pins/search", post(search_pins))
        .route("/api/v1/pins/{id}", get(get_pin))
}

/// `POST /api/v1/pins`: validate, commit, index, and only then answer 201.
async fn create_pin(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let mut new_pin = parse_new_pin(&body).map_err(ApiError::Validation)?;
    new_pin.visibility = state.moderation.new_report();
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
    state.index_new_pin(&pin.location());
    tracing::info!(pin = pin.id, category = pin.category.as_str(), visibility = pin.visibility.as_str(), "pin created");
    let location = format!("{}{PINS_PATH}/{}", base_url(&headers), pin.id);
    Ok(geojson_response(StatusCode::CREATED, &pin_feature(&pin), Some(&location)))
}

/// `GET /api/v1/pins/{id}`, with the `ETag` a staff update must send back in `If-Match`. Read from the
/// store, not the feature cache: the tag must be the stored state's. A pending or hidden pin is not there
/// for the public (404, as if it did not exist), only for staff.
async fn get_pin(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound(format!("there is no pin {raw_id:?}"));
    let id: PinId = raw_id.parse().map_err(|_| not_found())?;
    let pin = state.store.pin(id).await?.filter(|p| caller.may_see(p)).ok_or_else(not_found)?;
    let mut response = geojson_response(StatusCode::OK, &pin_feature(&pin), None);
    if let Ok(tag) = HeaderValue::from_str(&pin.etag()) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    headers.insert(header::VARY, HeaderValue::from_static("Authorization, Cookie"));
    Ok(response)
}

/// `GET /api/v1/pins?bbox=&category=&status=&within=&near=&radius_m=&k=&limit=&cursor=`.
async fn list_pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::PINS)?;
    let area = state.area_of(params.area)?;
    let url = format!("{}{PINS_PATH}", base_url(&headers));
    listing(&state, &caller, &url, &params, area.as_deref()).await
}

/// `POST /api/v1/pins/search` with a Polygon or MultiPolygon (or a Feature holding one) in the body; the
/// listing parameters (except `within`) go in the query string, and a `next` link is to be POSTed the same
/// body again.
async fn search_pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    pairs: QueryPairs,
    JsonBody(body): JsonBody<MAX_SEARCH_BODY_BYTES>,
) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::PINS_IN_AREA)?;
    let outline = parse_search_area(&body).map_err(|e| ApiError::Validation(vec![e]))?;
    let url = format!("{}{PINS_PATH}/search", base_url(&headers));
    listing(&state, &caller, &url, &params, Some(&PreparedArea::new(&outline))).await
}

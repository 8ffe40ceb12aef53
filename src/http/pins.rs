//! `/api/v1/pins`: report a problem, read one, list them by box, area, drawn outline or distance.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::ApiError;
use super::extract::{JsonBody, MAX_SEARCH_BODY_BYTES, PinListParams, QueryPairs, base_url};
use super::feature_cache::Rendered;
use super::response::{geojson_response, geojson_text_response, link};
use crate::domain::{FieldError, NearCursor, PinId, parse_new_pin};
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
    state.pins.insert(&pin.location());
    tracing::info!(pin = pin.id, category = pin.category.as_str(), "pin created");
    let location = format!("{}{PINS_PATH}/{}", base_url(&headers), pin.id);
    Ok(geojson_response(StatusCode::CREATED, &pin_feature(&pin), Some(&location)))
}

/// `GET /api/v1/pins/{id}`.
async fn get_pin(State(state): State<AppState>, Path(raw_id): Path<String>) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound(format!("there is no pin {raw_id:?}"));
    let id: PinId = raw_id.parse().map_err(|_| not_found())?;
    let feature = rendered_pins(&state, &[id]).await?.pop().ok_or_else(not_found)?;
    Ok(geojson_text_response(StatusCode::OK, feature.to_string()))
}

/// `GET /api/v1/pins?bbox=&category=&status=&within=&near=&radius_m=&k=&limit=&cursor=`.
async fn list_pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let params = PinListParams::parse(pairs)?;
    let area = super::areas::within_area(&state, params.within)?;
    let url = format!("{}{PINS_PATH}", base_url(&headers));
    listing(&state, &url, &params, area.as_deref()).await
}

/// `POST /api/v1/pins/search` with a Polygon or MultiPolygon (or a Feature holding one) in the body; the
/// listing parameters (except `within`) go in the query string, and a `next` link is to be POSTed the same
/// body again.
async fn search_pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
    JsonBody(body): JsonBody<MAX_SEARCH_BODY_BYTES>,
) -> Result<Response, ApiError> {
    let params = PinListParams::parse_allowing(
        pairs,
        &["bbox", "category", "status", "datetime", "near", "radius_m", "k", "limit", "cursor"],
    )?;
    let outline = parse_search_area(&body).map_err(|e| ApiError::Validation(vec![e]))?;
    let url = format!("{}{PINS_PATH}/search", base_url(&headers));
    listing(&state, &url, &params, Some(&PreparedArea::new(&outline))).await
}

/// Answers a listing: the index picks the page (by id, or by distance for `near`), the feature cache (or, for
/// pins not in it, the store) supplies the rendered pins, and the FeatureCollection links to the next page.
pub(super) async fn listing(
    state: &AppState,
    url: &str,
    params: &PinListParams,
    area: Option<&PreparedArea>,
) -> Result<Response, ApiError> {
    let (features, next_cursor, self_cursor) = match &params.near {
        Some(near) => {
            let page = state.pins.near_page(&params.filter, area, near, params.near_cursor, params.limit);
            let ids: Vec<PinId> = page.hits.iter().map(|h| h.0).collect();
            let pins = state.store.pins(&ids).await?;
            let distances: HashMap<PinId, f64> = page.hits.iter().copied().collect();
            let features: Vec<Rendered> = pins
                .iter()
                .map(|pin| {
                    let mut f = pin_feature(pin);
                    f["properties"]["distance_m"] = json!(distances.get(&pin.id));
                    Rendered::from(f.to_string())
                })
                .collect();
            let next = page
                .has_more
                .then(|| page.hits.last().map(|&(id, d)| NearCursor { distance_m: d, id }.encode()))
                .flatten();
            (features, next, params.near_cursor.map(|c| c.encode()))
        }
        None => {
            let page = state.pins.page(&params.filter, area, params.cursor, params.limit);
            let features = rendered_pins(state, &page.ids).await?;
            let next = page.has_more.then(|| page.ids.last().map(PinId::to_string)).flatten();
            (features, next, params.cursor.map(|c| c.0.to_string()))
        }
    };
    let mut links = vec![link("self", url, &params.echo, self_cursor.as_deref())];
    if let Some(next) = next_cursor {
        links.push(link("next", url, &params.echo, Some(&next)));
    }
    Ok(geojson_text_response(StatusCode::OK, feature_collection(&features, &links)))
}

/// The rendered features of `ids`, in that order, from the cache where it has them and from the store for the
/// rest (which then join the cache). A pin the store no longer holds is left out.
pub(super) async fn rendered_pins(state: &AppState, ids: &[PinId]) -> Result<Vec<Rendered>, ApiError> {
    let cached = state.features.get_many(ids);
    let missing: Vec<PinId> = ids.iter().zip(&cached).filter(|(_, c)| c.is_none()).map(|(&id, _)| id).collect();
    if missing.is_empty() {
        return Ok(cached.into_iter().flatten().collect());
    }
    let started = state.features.generation();
    let fetched: HashMap<PinId, Rendered> =
        state.features.fill(started, &state.store.pins(&missing).await?).into_iter().collect();
    Ok(ids.iter().zip(cached).filter_map(|(id, c)| c.or_else(|| fetched.get(id).cloned())).collect())
}

/// `{"type":"FeatureCollection","numberReturned":n,"features":[…],"links":[…]}` from rendered features.
fn feature_collection(features: &[Rendered], links: &[Value]) -> String {
    let links = Value::Array(links.to_vec()).to_string();
    let mut body = String::with_capacity(features.iter().map(|f| f.len() + 1).sum::<usize>() + links.len() + 96);
    body.push_str(r#"{"type":"FeatureCollection","numberReturned":"#);
    body.push_str(&features.len().to_string());
    body.push_str(r#","features":["#);
    for (i, feature) in features.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(feature);
    }
    body.push_str(r#"],"links":"#);
    body.push_str(&links);
    body.push('}');
    body
}

//! `/api/v1/pins`: report a problem, read one, list them by box, area, drawn outline or distance.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Extension, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::ApiError;
use super::auth::{Caller, presents_credentials};
use super::client::ClientAddr;
use super::client::base_url;
use super::extract::{JsonBody, MAX_SEARCH_BODY_BYTES, NoQuery, QueryPairs, Segments};
use super::listing::listing;
use super::response::geojson_response;
use crate::domain::{FieldError, Idempotency, Pin, PinId, idempotency, parse_new_pin};
use crate::params::routes;
use crate::spatial::{PreparedArea, parse_search_area, pin_feature};
use crate::state::AppState;
use crate::store::StoreError;

const PINS_PATH: &str = "/api/v1/pins";

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route(PINS_PATH, get(list_pins).post(create_pin.layer(middleware::from_fn_with_state(state, refuse_flood))))
        .route("/api/v1/pins/search", post(search_pins))
        .route("/api/v1/pins/{id}", get(get_pin))
}

/// Refuses a report from an address the rate limit already refused, before its body is read or parsed: a
/// flood from one address then costs a lookup per request. Requests with credentials go on to be checked
/// (staff are not limited).
async fn refuse_flood(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !presents_credentials(request.headers())
        && let Some(ClientAddr(client)) = request.extensions().get::<ClientAddr>().copied()
        && let Some(wait) = state.report_limit.still_refused(client)
    {
        return ApiError::RateLimited(wait).into_response();
    }
    next.run(request).await
}

/// `POST /api/v1/pins`: validate, commit, index, and only then answer 201. With an `Idempotency-Key`, a
/// repeat of a report already stored is answered with that pin and writes nothing.
async fn create_pin(
    State(state): State<AppState>,
    _: NoQuery,
    headers: HeaderMap,
    caller: Caller,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (mut new_pin, contact) = parse_new_pin(&body).map_err(ApiError::Validation)?;
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
    if let Some(raw) = headers.get(idempotency::HEADER) {
        let key = idempotency::parse_key(raw.as_bytes()).map_err(|e| ApiError::BadParameters(vec![e]))?;
        let contact_key = state.contact_key.as_ref().ok_or_else(|| ApiError::Internal("no contact key".into()))?;
        let once = Idempotency { key, fingerprint: contact_key.fingerprint(&idempotency::canonical(&body)) };
        if let Some(replay) = replay(&state, &headers, &once).await? {
            return Ok(replay);
        }
        new_pin.idempotency = Some(once);
    }
    if let Some(contact) = contact {
        let key = state.contact_key.as_ref().ok_or_else(|| ApiError::Internal("no contact key".into()))?;
        new_pin.contact = Some(key.seal(&contact).map_err(|e| ApiError::Internal(e.to_string()))?);
    }
    // Counted here, after validation and the replay check: a report the citizen must correct, or a retry
    // answered from its key, does not use up their allowance. Staff are not limited.
    if caller.0.is_none() {
        state.report_limit.check(client).map_err(ApiError::RateLimited)?;
    }
    // The commit and the index update run on a task of their own: a client hanging up drops this handler,
    // and a drop between the two would leave the index without a pin the store holds.
    let committing = {
        let (state, new_pin) = (state.clone(), new_pin.clone());
        tokio::spawn(async move {
            let pin = state.store.insert_pin(&new_pin).await?;
            state.index_new_pin(&pin.location());
            Ok::<Pin, StoreError>(pin)
        })
    };
    let committed = committing.await.map_err(|e| ApiError::Internal(format!("the commit task failed: {e}")))?;
    let pin = match committed {
        Ok(pin) => pin,
        // A retry raced its original and lost: the original committed first, so it is there to answer with.
        Err(StoreError::KeyTaken) => {
            let once = new_pin.idempotency.as_ref().ok_or(StoreError::KeyTaken)?;
            return replay(&state, &headers, once).await?.ok_or_else(|| StoreError::KeyTaken.into());
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(pin = pin.id, category = pin.category.as_str(), visibility = pin.visibility.as_str(), "pin created");
    Ok(created(&headers, &pin))
}

fn created(headers: &HeaderMap, pin: &Pin) -> Response {
    let location = format!("{}{PINS_PATH}/{}", base_url(headers), pin.id);
    geojson_response(StatusCode::CREATED, &pin_feature(pin), Some(&location))
}

/// The answer to a report already made with this key within the window: the same 201 and `Location`, with
/// the pin as it stands now (staff may have answered it since), and `Idempotent-Replayed: true`; or 422 when
/// the key came with another body. `None` when the key is new.
async fn replay(state: &AppState, headers: &HeaderMap, once: &Idempotency) -> Result<Option<Response>, ApiError> {
    let since = chrono::Utc::now() - idempotency::WINDOW;
    let Some((id, fingerprint)) = state.store.idempotent_pin(&once.key, since).await? else {
        return Ok(None);
    };
    if fingerprint != once.fingerprint {
        return Err(ApiError::Validation(vec![FieldError::parameter(
            idempotency::HEADER,
            "was already used for a different report in the last 24 hours; send a new key for a new report",
        )]));
    }
    let pin = state
        .store
        .pin(id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("idempotency key of pin {id} without its pin")))?;
    tracing::info!(pin = pin.id, "repeated report answered from its idempotency key");
    let mut response = created(headers, &pin);
    response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(Some(response))
}

/// `GET /api/v1/pins/{id}`, with the `ETag` a staff update must send back in `If-Match`. Read from the
/// store, not the feature cache: the tag must be the stored state's. A pending or hidden pin is not there
/// for the public (404, as if it did not exist), only for staff.
async fn get_pin(
    State(state): State<AppState>,
    _: NoQuery,
    Segments(raw_id): Segments<String>,
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
    listing(&state, &caller, &url, &params, area).await
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
    listing(&state, &caller, &url, &params, Some(Arc::new(PreparedArea::new(&outline)))).await
}

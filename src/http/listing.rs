//! The pins listing shared by `/api/v1/pins`, `/api/v1/pins/search` and `/api/v1/areas/{id}/pins`: the index
//! picks the page (by id, or by distance for `near`), the feature cache (or, for pins not in it, the store)
//! supplies the rendered pins, and the FeatureCollection links to the next page.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use super::ApiError;
use super::auth::Caller;
use super::collection::FeatureCollection;
use super::error::off_workers;
use super::response::{GEOJSON, geojson_text_response, href, link};
use crate::domain::{NearCursor, PinId, Power, Visibility};
use crate::feature_cache::Rendered;
use crate::params::Params;
use crate::spatial::{PreparedArea, pin_feature};
use crate::state::AppState;

/// Answers a listing of the pins `params` select within `area`, linked from `url`: public pins, or for
/// staff who ask (`visibility=pending|hidden`) the ones the public may not see.
///
/// # Errors
/// 401/403 for a `visibility` the caller may not see; a store failure.
pub async fn listing(
    state: &AppState,
    caller: &Caller,
    url: &str,
    params: &Params,
    area: Option<Arc<PreparedArea>>,
) -> Result<Response, ApiError> {
    let visibility = params.visibility.unwrap_or_default();
    if visibility != Visibility::Public {
        caller.require(Power::SeeInternal, "list pins the public may not see")?;
    }
    let index = state.pins_of(visibility);
    let (features, next_cursor, self_cursor) = match &params.near {
        Some(near) => {
            // Linear in the pins within the radius (up to 50 km, the whole city): off the async workers.
            let (index, filter, near, cursor, limit) =
                (index.clone(), params.filter.clone(), *near, params.near_cursor, params.limit);
            let page = off_workers("finding the pins near the point", move || {
                index.near_page(&filter, area.as_deref(), &near, cursor, limit)
            })
            .await?;
            let ids: Vec<PinId> = page.hits.iter().map(|h| h.0).collect();
            let pins = state.store.pins_of(&ids, visibility).await?;
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
            let page = index.page(&params.filter, area.as_deref(), params.cursor, params.limit);
            let features = state.rendered_pins(&page.ids, visibility).await?;
            let next = page.has_more.then(|| page.ids.last().map(PinId::to_string)).flatten();
            (features, next, params.cursor.map(|c| c.0.to_string()))
        }
    };
    let page_href = |cursor: Option<&str>| match cursor {
        Some(c) => href(url, &params.echo, &[("cursor", c)]),
        None => href(url, &params.echo, &[]),
    };
    let mut links = vec![link("self", GEOJSON, page_href(self_cursor.as_deref()))];
    if let Some(next) = next_cursor {
        links.push(link("next", GEOJSON, page_href(Some(&next))));
    }
    let capacity = features.iter().map(|f| f.len() + 1).sum::<usize>();
    let body = FeatureCollection::with_capacity(capacity).features(&features).links(links).finish();
    let mut response = geojson_text_response(StatusCode::OK, body);
    if visibility != Visibility::Public {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    Ok(response)
}

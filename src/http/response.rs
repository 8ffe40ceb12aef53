//! Building responses: GeoJSON bodies with the right media type, and paging links.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const GEOJSON: &str = "application/geo+json";

/// A JSON body with `Content-Type: application/geo+json` (and a `Location` when given).
pub fn geojson_response(status: StatusCode, body: &Value, location: Option<&str>) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON));
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    response
}

/// Pre-rendered GeoJSON text with `Content-Type: application/geo+json`.
pub fn geojson_text_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON));
    response
}

/// A link object `{rel, type, href}` to `base` with `params` and an optional cursor.
pub fn link(rel: &str, base: &str, params: &[(String, String)], cursor: Option<&str>) -> Value {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(params);
    if let Some(c) = cursor {
        query.append_pair("cursor", c);
    }
    let query = query.finish();
    let href = if query.is_empty() { base.to_owned() } else { format!("{base}?{query}") };
    json!({ "rel": rel, "type": GEOJSON, "href": href })
}

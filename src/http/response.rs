//! Building responses: GeoJSON bodies with the right media type, and the one link builder every answer with
//! links uses: [`href`] for a paged answer's `self`, `next`, `prev` and `alternate`, and [`link`] (or
//! [`titled_link`]) for each link object, paged or not (OGC API's landing page, collections and items, the
//! audit log's `next`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const GEOJSON: &str = "application/geo+json";

/// A JSON body with `Content-Type: application/geo+json` (and a `Location` when given).
pub fn geojson_response(status: StatusCode, body: &Value, location: Option<&str>) -> Response {
    let mut response = geojson_text_response(status, body.to_string());
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Pre-rendered GeoJSON text with `Content-Type: application/geo+json`.
pub fn geojson_text_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON));
    response
}

/// A plain JSON document (statistics, comparisons, configuration: not GeoJSON).
pub fn json_document(body: Value) -> Response {
    axum::Json(body).into_response()
}

/// `base?…`: the request's parameters as echoed (`echo`), with those named in `set` replaced by (or added
/// as) the given values, in that order after the rest. An empty query leaves `base` bare.
pub fn href(base: &str, echo: &[(String, String)], set: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(echo.iter().filter(|(name, _)| !set.iter().any(|(n, _)| n == name)));
    query.extend_pairs(set);
    let query = query.finish();
    if query.is_empty() { base.to_owned() } else { format!("{base}?{query}") }
}

/// A link object `{rel, type, href}`.
pub fn link(rel: &str, media: &str, href: String) -> Value {
    json!({ "rel": rel, "type": media, "href": href })
}

/// A link object with a title, `{rel, type, href, title}`.
pub fn titled_link(rel: &str, media: &str, href: String, title: &str) -> Value {
    let mut link = link(rel, media, href);
    link["title"] = json!(title);
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_replace_the_paging_parameters() {
        let echo = vec![("f".to_owned(), "json".to_owned()), ("bbox".to_owned(), "1,2,3,4".to_owned())];
        assert_eq!(href("/x", &echo, &[("f", "html"), ("cursor", "7")]), "/x?bbox=1%2C2%2C3%2C4&f=html&cursor=7");
        assert_eq!(href("/x", &[], &[]), "/x");
    }

    #[test]
    fn links_are_written_in_one_order() {
        let text = titled_link("self", "application/json", "/x?f=json".to_owned(), "this document").to_string();
        assert_eq!(text, r#"{"rel":"self","type":"application/json","href":"/x?f=json","title":"this document"}"#);
    }
}

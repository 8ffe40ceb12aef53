//! Conditional GETs for answers that change only when the pins do: `ETag` + `Cache-Control: no-cache`.
//!
//! Why: the web map reloads `/api/v1/map/pins` after every report and filter. `no-cache` makes the browser
//! ask again each time (so a new pin is always drawn, with no cache-busting parameter), and the `ETag`
//! (a SHA-256 of the body) lets it answer `304 Not Modified` instead of the megabytes again when nothing
//! changed. The tag is weak (`W/`) because the compression layer may send the same entity gzipped or not;
//! RFC 9110 compares `If-None-Match` weakly. The tag is a hash of the content, not a counter of one instance's writes, so two instances behind
//! one load balancer give the same tag for the same pins and never a stale match.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const NO_CACHE: &str = "no-cache";

/// `body` (already a full response's text, of type `content_type`) as 200 with its `ETag`, or as a bodiless
/// 304 when the request's `If-None-Match` already names that tag.
pub fn revalidated(request: &HeaderMap, content_type: &'static str, body: String) -> Response {
    let tag = entity_tag(body.as_bytes());
    let mut response = if matches(request, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = (StatusCode::OK, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// `W/"…"`: the first 128 bits of the body's SHA-256, in hex.
fn entity_tag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// RFC 9110 §13.1.2: `If-None-Match` is `*` or a list of tags, compared weakly (a `W/` prefix is ignored).
fn matches(request: &HeaderMap, tag: &str) -> bool {
    request.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).any(|list| {
        list.split(',')
            .map(str::trim)
            .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == tag.trim_start_matches("W/"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_if_none_match(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")));
        headers
    }

    #[test]
    fn the_same_body_is_not_sent_twice() {
        let first = revalidated(&HeaderMap::new(), "application/geo+json", "{}".into());
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
        let tag = first.headers()[header::ETAG].to_str().unwrap_or_default().to_owned();
        assert_eq!(tag.len(), 36);
        let strong = tag.trim_start_matches("W/").to_owned();
        for header in [tag.clone(), strong, format!("\"other\", {tag}"), "*".into()] {
            let again = revalidated(&with_if_none_match(&header), "application/geo+json", "{}".into());
            assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "If-None-Match: {header}");
            assert_eq!(again.headers()[header::ETAG], tag.as_str());
        }
        let changed = revalidated(&with_if_none_match(&tag), "application/geo+json", "{ }".into());
        assert_eq!(changed.status(), StatusCode::OK);
        assert_ne!(changed.headers()[header::ETAG], tag.as_str());
    }
}

//! The headers every answer carries for the browser's sake, and CORS for the public API.
//!
//! - `X-Content-Type-Options: nosniff`: a description served as JSON is never sniffed into HTML.
//! - `Referrer-Policy: strict-origin-when-cross-origin`: a pin's address (`/#pin/ID` is a fragment, never
//!   sent, but the query of a listing is) does not leave with the tile requests; the origin still does, which
//!   tile servers such as OpenStreetMap's require.
//! - `Content-Security-Policy`: the web map may load code, styles, fonts and workers from qala only, images
//!   and data also from the configured basemap's and geocoder's origins; MapLibre's workers and images need
//!   `blob:`/`data:`; the page's scripts and its workers are served with the same policy. The API's answers
//!   get `default-src 'none'`. `frame-ancestors 'none'` (and
//!   `X-Frame-Options: DENY` for older browsers) keeps the page out of other sites' frames (clickjacking of
//!   the staff tools).
//! - `Access-Control-Allow-Origin: *` on GET and HEAD of the public API, as civic APIs do, so another site's
//!   page may read public pins; never with credentials, and not on the staff-only routes (session, audit).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::{AppState, WebConfig};

/// Adds the headers above to every answer.
pub async fn secure(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let cors = matches!(*request.method(), Method::GET | Method::HEAD) && is_public_api(path);
    let is_api = is_api(path);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The page's files get the page's policy: a worker script is governed by the policy it is served with
    // (MapLibre's worker fetches the pins), not by the page's.
    let policy = if is_api {
        Some(HeaderValue::from_static(API_POLICY))
    } else {
        HeaderValue::from_str(&page_policy(&state.web)).ok()
    };
    if let Some(policy) = policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if cors {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("ETag, Link, Location, Retry-After"),
        );
    }
    response
}

const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/ogc/") || path == "/ogc"
}

fn is_public_api(path: &str) -> bool {
    is_api(path)
        && !path.ends_with("/contact")
        && !path.starts_with("/api/v1/session")
        && !path.starts_with("/api/v1/audit")
}

/// The web map's policy: qala itself, plus the origins of the configured basemap and geocoder.
pub fn page_policy(web: &WebConfig) -> String {
    let others: Vec<String> =
        [web.basemap_style.as_deref(), web.geocoder_url.as_deref()].into_iter().flatten().filter_map(origin).collect();
    let extra = others.iter().map(|o| format!(" {o}")).collect::<String>();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; \
         img-src 'self' data: blob:{extra}; connect-src 'self'{extra}; worker-src 'self' blob:; child-src blob:; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `scheme://host[:port]` of an absolute http(s) URL or tile template; `None` for a relative one (qala's
/// own origin, already allowed) or anything else.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let ok = !authority.is_empty()
        && authority.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_basemaps_and_geocoders() {
        assert_eq!(
            origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(origin("http://127.0.0.1:9000/style.json").as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(origin("/basemap-test/style.json"), None);
        assert_eq!(origin("javascript://x"), None);
        assert_eq!(origin("https://evil.example; script-src *"), None);
    }

    #[test]
    fn the_page_policy_names_the_configured_origins_only() {
        let web = WebConfig {
            basemap_style: Some("https://tiles.example.org/style.json".into()),
            geocoder_url: Some("https://nominatim.example.org".into()),
            ..WebConfig::default()
        };
        let policy = page_policy(&web);
        assert!(
            policy.contains("connect-src 'self' https://tiles.example.org https://nominatim.example.org;"),
            "{policy}"
        );
        assert!(page_policy(&WebConfig::default()).contains("connect-src 'self';"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn cors_is_for_the_public_api_only() {
        assert!(is_public_api("/api/v1/pins"));
        assert!(is_public_api("/ogc/api/collections/pins/items"));
        assert!(!is_public_api("/api/v1/session"));
        assert!(!is_public_api("/api/v1/audit.csv"));
        assert!(!is_public_api("/api/v1/pins/7/contact"));
        assert!(!is_public_api("/"));
    }
}

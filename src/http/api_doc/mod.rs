//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 definition of `/api/v1`, for client generators and for
//! schemathesis to hold the server to.
//!
//! Why it is built, not written: a document written by hand drifts from the code (a parameter added to a
//! route and not to the document, one documented that the route refuses). So each operation's query
//! parameters are built from its route's own allow-list (`src/params/routes.rs`: names, which are required,
//! `limit`'s default and maximum) through one table of what each name accepts (`params.rs`), the enums from
//! the domain's own lists, and the export formats from `ExportFormat::ALL`. What the allow-lists cannot say
//! (which routes exist, their bodies, their answers) is in `paths.rs` (built by `op.rs`) and `schemas.rs`, the
//! textual shapes the parsers take (a `datetime`, a text, a contact) in `patterns.rs`, and
//! `tests/it/api_openapi.rs` checks that against the routers' source and the running server, and
//! `tests/it/schemathesis.rs` holds the server to it (and to the OGC API's document) with schemathesis.

mod op;
mod params;
mod paths;
pub(super) mod patterns;
mod schemas;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::ApiError;
use super::PROBLEM_JSON;
use super::auth::SESSION_COOKIE;
use super::client::base_url;
use super::extract::QueryPairs;
use crate::params::routes;
use crate::state::AppState;

/// The document's media type.
pub const MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.1";

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi))
}

async fn openapi(State(state): State<AppState>, headers: HeaderMap, pairs: QueryPairs) -> Result<Response, ApiError> {
    pairs.parse(&routes::NONE)?;
    let doc = document(&base_url(&headers), state.service_area.bounds());
    let mut response = (StatusCode::OK, doc.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    Ok(response)
}

/// The document, its server at `base` (the paths are absolute: `/api/v1/…`), reports taken inside `city`
/// (the service area's bounding box).
pub fn document(base: &str, city: [f64; 4]) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "qala API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Accessibility problems that citizens of Almaty pin on the map, the city's answers to them, \
                            and Almaty's districts and historic-centre versions. Every problem is RFC 9457 \
                            application/problem+json. Every operation answers 400 naming any query parameter it does \
                            not document. Staff sign in with Authorization: Bearer <token> or the web map's session cookie; \
                            a state-changing request on the cookie must come with this site's Origin (else 403).",
            "license": { "name": "MIT" }
        },
        "servers": [ { "url": base } ],
        "paths": paths::paths(),
        "components": {
            "parameters": params::parameters(),
            "schemas": schemas::schemas(city),
            "responses": responses(),
            "securitySchemes": {
                "bearerAuth": { "type": "http", "scheme": "bearer",
                                "description": "A staff API token (qala staff add|token)." },
                "sessionCookie": { "type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                                   "description": "The web map's session (POST /api/v1/session)." }
            }
        }
    })
}

/// The problem answers: name, status, when.
const PROBLEMS: [(&str, &str, &str); 16] = [
    (
        "BadRequest",
        "400",
        "A query or path parameter is unknown, repeated or bad (each named), or the body or the request is malformed.",
    ),
    ("Unauthorized", "401", "No credential, or a bad, expired or revoked one (WWW-Authenticate: Bearer)."),
    ("Forbidden", "403", "The role may not do this, or a cookie-signed change came from another origin."),
    ("NotFound", "404", "No such pin, area or export (or one the caller may not see)."),
    ("RequestTimeout", "408", "The body stopped arriving; nothing was written."),
    ("Conflict", "409", "The change does not fit the pin's state (the workflow, the moderation table)."),
    ("PreconditionFailed", "412", "If-Match names an older state of the pin; nothing was written."),
    (
        "PayloadTooLarge",
        "413",
        "The body is over its limit (64 KiB; 1 MiB for a search outline; 20 MiB for an area file).",
    ),
    ("UriTooLong", "414", "The path and query are longer than qala reads."),
    ("UnsupportedMediaType", "415", "The body is not sent as the media type the operation takes."),
    ("Unprocessable", "422", "The body is well-formed but not valid (each field named by JSON pointer)."),
    ("PreconditionRequired", "428", "A change without If-Match."),
    (
        "TooManyRequests",
        "429",
        "This address has sent its allowance (of reports, of failed sign-ins); see Retry-After.",
    ),
    ("HeadersTooLarge", "431", "The request's headers are larger than qala reads."),
    ("InternalError", "500", "An unexpected failure; it is logged."),
    (
        "ServiceUnavailable",
        "503",
        "Starting up, too many requests at once, a read that took too long, or the store is busy; see Retry-After.",
    ),
];

/// The status of the problem answer `name` (`500` for a name not in [`PROBLEMS`], which the tests rule out).
fn status_of(name: &str) -> &'static str {
    PROBLEMS.iter().find(|(n, _, _)| *n == name).map_or("500", |(_, status, _)| status)
}

fn responses() -> Value {
    let mut all = serde_json::Map::new();
    for (name, status, description) in PROBLEMS {
        let mut r = json!({
            "description": description,
            "content": { PROBLEM_JSON: { "schema": schemas::schema_ref("Problem") } }
        });
        let header = |what: &str| json!({ "description": what, "schema": { "type": "string" } });
        match status {
            "401" => r["headers"] = json!({ "WWW-Authenticate": header("Bearer realm=\"qala\"") }),
            "429" | "503" => r["headers"] = json!({ "Retry-After": header("seconds to wait") }),
            _ => {}
        }
        all.insert(name.to_owned(), r);
    }
    Value::Object(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Route;

    /// Roughly the service area's bounding box.
    const ALMATY: [f64; 4] = [76.74, 43.03, 77.17, 43.4];

    /// Every route whose names the document is built from.
    const ROUTES: [Route; 11] = [
        routes::PINS,
        routes::PINS_IN_AREA,
        routes::MAP_PINS,
        routes::MAP_TABLE,
        routes::NONE,
        routes::AREAS,
        routes::AREAS_STATS,
        routes::AREAS_COMPARE,
        routes::EXPORT_PINS,
        routes::EXPORT_AREAS,
        routes::AUDIT,
    ];

    #[test]
    fn every_name_a_route_takes_has_an_entry() {
        let missing: Vec<&str> = ROUTES
            .iter()
            .flat_map(|r| r.names.iter().copied())
            .filter(|n| *n != "limit" && params::entry(n).is_none())
            .collect();
        assert!(missing.is_empty(), "no entry in api_doc/params.rs for {missing:?}");
    }

    #[test]
    fn every_operation_is_built_from_its_route() {
        let doc = document("http://qala.test", ALMATY);
        let pins = &doc["paths"]["/api/v1/pins"]["get"]["parameters"];
        let names: Vec<&str> = pins.as_array().into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, routes::PINS.names);
        let compare = &doc["paths"]["/api/v1/areas/compare"]["get"]["parameters"];
        for p in compare.as_array().into_iter().flatten() {
            let required = routes::AREAS_COMPARE.required.contains(&p["name"].as_str().unwrap_or_default());
            assert_eq!(p["required"], json!(required), "{p}");
        }
        let limit = |path: &str| {
            doc["paths"][path]["get"]["parameters"].as_array().and_then(|ps| {
                ps.iter()
                    .find(|p| p["name"] == "limit")
                    .map(|p| (p["schema"]["default"].clone(), p["schema"]["maximum"].clone()))
            })
        };
        assert_eq!(
            limit("/api/v1/map/table"),
            Some((json!(routes::MAP_TABLE.default_limit), json!(routes::MAP_TABLE.max_limit)))
        );
        assert_eq!(limit("/api/v1/map/pins"), Some((json!(routes::MAP_PINS_MAX), json!(routes::MAP_PINS_MAX))));
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document("http://qala.test", ALMATY);
        let text = doc.to_string();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("\"$ref\":\"#/") {
            let tail = &rest[at + 10..];
            let end = tail.find('"').unwrap_or(tail.len());
            let target = tail[..end].split('/').fold(&doc, |v, part| &v[part]);
            assert!(!target.is_null(), "#/{} does not resolve", &tail[..end]);
            rest = &tail[end..];
        }
        assert!(PROBLEMS.iter().all(|(name, status, _)| status_of(name) == *status));
    }
}

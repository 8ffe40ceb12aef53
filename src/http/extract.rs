//! Validated extractors: the request is parsed once into typed values, so handlers never see raw strings.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, header, request::Parts};
use serde_json::Value;

use super::error::ApiError;
use crate::domain::{Bbox, Cursor, FieldError, Limit, PinFilter};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest body read (and discarded) to answer 413 cleanly; beyond it the connection is closed at once.
const DRAIN_BYTES: usize = 1024 * 1024;

/// A JSON body: `application/json` or `application/geo+json`, at most 64 KiB, syntactically valid.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let content_type = check_content_type(req.headers());
        let declared =
            req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > DRAIN_BYTES as u64) {
            return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
        }
        // Read (up to DRAIN_BYTES) even a body we will refuse, so that a client still sending it gets our
        // answer rather than a connection reset.
        let bytes = axum::body::to_bytes(req.into_body(), DRAIN_BYTES)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(MAX_BODY_BYTES))?;
        content_type?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let raw = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = raw.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "application/geo+json" => Ok(()),
        "" => Err(ApiError::UnsupportedMediaType("no Content-Type".into())),
        _ => Err(ApiError::UnsupportedMediaType(essence)),
    }
}

fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        // serde_json refuses numbers beyond f64 (1e400) as a syntax error; for a coordinate that is an
        // out-of-range value, not malformed JSON.
        if e.to_string().starts_with("number out of range") {
            ApiError::Validation(vec![FieldError::pointer(
                "",
                format!("a number at line {} column {} is out of range (infinite)", e.line(), e.column()),
            )])
        } else {
            ApiError::MalformedJson(e.to_string())
        }
    })
}

/// The raw query string as name/value pairs; a parameter given twice is an error.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let dupes: Vec<FieldError> = pairs
            .iter()
            .filter(|(k, _)| !seen.insert(k.clone()))
            .map(|(k, _)| FieldError::parameter(k, "is given more than once"))
            .collect();
        if dupes.is_empty() { Ok(Self(pairs)) } else { Err(ApiError::BadParameters(dupes)) }
    }
}

/// Parameters of a pins listing: `bbox`, `category`, `status`, `limit`, `cursor`.
#[derive(Debug, Default)]
pub struct PinListParams {
    pub filter: PinFilter,
    pub limit: Limit,
    pub cursor: Option<Cursor>,
    /// The parameters as given, minus `cursor`, to build `next` links.
    pub echo: Vec<(String, String)>,
}

impl PinListParams {
    const KNOWN: [&'static str; 5] = ["bbox", "category", "status", "limit", "cursor"];

    /// # Errors
    /// [`ApiError::BadParameters`] naming every bad or unknown parameter.
    pub fn parse(pairs: Vec<(String, String)>) -> Result<Self, ApiError> {
        let mut out = PinListParams::default();
        let mut errors = Vec::new();
        for (name, value) in pairs {
            let result = match name.as_str() {
                "bbox" => Bbox::parse("bbox", &value).map(|b| out.filter.bbox = Some(b)),
                "category" => list(&name, &value).map(|v| out.filter.categories = v),
                "status" => list(&name, &value).map(|v| out.filter.statuses = v),
                "limit" => Limit::parse(&value).map(|l| out.limit = l),
                "cursor" => Cursor::parse(&value).map(|c| out.cursor = Some(c)),
                _ => Err(FieldError::parameter(
                    &name,
                    format!("unknown parameter; this listing takes {}", Self::KNOWN.join(", ")),
                )),
            };
            match result {
                Ok(()) if name != "cursor" => out.echo.push((name, value)),
                Ok(()) => {}
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() { Ok(out) } else { Err(ApiError::BadParameters(errors)) }
    }
}

/// A comma-separated list of categories or statuses (`category=pram,wheelchair`).
fn list<T>(name: &str, raw: &str) -> Result<Vec<T>, FieldError>
where
    T: std::str::FromStr<Err = crate::domain::UnknownValue>,
{
    raw.split(',').map(|s| s.trim().parse::<T>().map_err(|e| FieldError::parameter(name, e.0))).collect()
}

/// The service's own base URL as the client sees it, for absolute links (`X-Forwarded-*` respected).
pub fn base_url(headers: &HeaderMap) -> String {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = get("x-forwarded-host").or_else(|| get(header::HOST.as_str())).unwrap_or("localhost");
    let proto = get("x-forwarded-proto").unwrap_or("http");
    format!("{proto}://{host}")
}

//! Validated extractors: the request is parsed once into typed values, so handlers never see raw strings.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, header, request::Parts};
use serde_json::Value;

use super::error::ApiError;
use super::strict_json;
use crate::domain::FieldError;
use crate::params::{self, Params, Route};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest search-outline body: 10,000 vertices of GeoJSON at full precision fit comfortably.
pub const MAX_SEARCH_BODY_BYTES: usize = 1024 * 1024;
/// How much more than its limit a body is read (and discarded) to answer 413 cleanly; beyond that the
/// connection is closed at once.
const DRAIN_BYTES: usize = 1024 * 1024;

/// A JSON body: `application/json` or `application/geo+json`, at most `MAX` bytes (64 KiB by default),
/// syntactically valid.
pub struct JsonBody<const MAX: usize = MAX_BODY_BYTES>(pub Value);

impl<S: Send + Sync, const MAX: usize> FromRequest<S> for JsonBody<MAX> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let content_type = check_content_type(req.headers());
        let declared =
            req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > (MAX + DRAIN_BYTES) as u64) {
            return Err(ApiError::PayloadTooLarge(MAX));
        }
        // Read (up to DRAIN_BYTES) even a body we will refuse, so that a client still sending it gets our
        // answer rather than a connection reset.
        let bytes = axum::body::to_bytes(req.into_body(), MAX + DRAIN_BYTES).await.map_err(|e| body_error(&e, MAX))?;
        content_type?;
        if bytes.len() > MAX {
            return Err(ApiError::PayloadTooLarge(MAX));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

/// Why a body could not be read: it stopped arriving (the body timeout of `src/server.rs`), or it went on
/// beyond `max`.
pub fn body_error(e: &(dyn std::error::Error + 'static), max: usize) -> ApiError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::BodyTimeout;
        }
        cause = c.source();
    }
    ApiError::PayloadTooLarge(max)
}

/// The media types a JSON body may be sent as.
const JSON_TYPES: &str = "application/geo+json or application/json";

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let raw = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = raw.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "application/geo+json" => Ok(()),
        "" => Err(ApiError::UnsupportedMediaType { expected: JSON_TYPES, got: "no Content-Type".into() }),
        _ => Err(ApiError::UnsupportedMediaType { expected: JSON_TYPES, got: essence }),
    }
}

fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    strict_json::from_slice(bytes).map_err(|e| {
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

/// The raw query string as name/value pairs, to be parsed by the route's allow-list ([`QueryPairs::parse`]).
pub struct QueryPairs(pub Vec<(String, String)>);

impl QueryPairs {
    /// The parameters as `route` takes them.
    ///
    /// # Errors
    /// [`ApiError::BadParameters`] naming every unknown, repeated or bad parameter.
    pub fn parse(self, route: &Route) -> Result<Params, ApiError> {
        params::parse(self.0, route).map_err(ApiError::BadParameters)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Self(
            form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

/// A route's path parameters (`{id}`, `{file}`, …), as axum's `Path` reads them, but a segment axum cannot
/// read (`%FF`, not UTF-8) is a 400 problem naming it, like every other bad parameter, rather than axum's
/// plain-text answer.
pub struct Segments<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Segments<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => {
                let text = rejection.body_text();
                // axum names the segment between backticks ("Invalid UTF-8 in `id`").
                let name = text.split('`').nth(1).unwrap_or("path").to_owned();
                Err(ApiError::BadParameters(vec![FieldError::parameter(name, text)]))
            }
        }
    }
}

/// The query string of a request that takes no parameters: any name is refused with a 400 naming it, as
/// every route refuses the names its allow-list lacks.
pub struct NoQuery;

impl<S: Send + Sync> FromRequestParts<S> for NoQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        QueryPairs::from_request_parts(parts, state).await?.parse(&params::routes::NONE).map(|_| NoQuery)
    }
}

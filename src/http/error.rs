//! The one HTTP error type, rendered as RFC 9457 `application/problem+json`.
//!
//! Every failure a handler can meet becomes an [`ApiError`]; this file alone decides its status code and body.
//! 5xx details are logged, not sent: the client gets a generic message.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::FieldError;
use crate::store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Bad query or path parameters (400), each named.
    #[error("invalid parameters")]
    BadParameters(Vec<FieldError>),
    /// The body is not JSON at all (400).
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// A request line or header that is not HTTP/1.1 (400), refused by hyper before any handler
    /// ([`super::hyper_refusals`]).
    #[error("malformed request")]
    MalformedRequest,
    /// A multipart body (an area upload) that cannot be read as one.
    #[error("malformed multipart body: {0}")]
    MalformedMultipart(String),
    /// The body is JSON but not a valid report (422), each field named by pointer.
    #[error("invalid body")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    /// No, a bad, an expired or a revoked credential (401, with `WWW-Authenticate: Bearer`).
    #[error("unauthorised: {0}")]
    Unauthorized(String),
    /// Signed in, but the role may not do this (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request contradicts the resource's state, e.g. a status change the workflow does not allow (409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A state-changing request without `If-Match` (428).
    #[error("If-Match required")]
    PreconditionRequired,
    /// `If-Match` names an older state of the resource (412).
    #[error("stale If-Match")]
    PreconditionFailed,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("unsupported media type: {got}")]
    UnsupportedMediaType { expected: &'static str, got: String },
    #[error("body larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// The request target is longer than qala reads (414).
    #[error("request target longer than {0} bytes")]
    UriTooLong(usize),
    /// The request's headers are larger than qala reads (431).
    #[error("request headers larger than {0} bytes")]
    HeadersTooLarge(usize),
    /// The body stopped arriving for longer than the body timeout (408).
    #[error("request body timed out")]
    BodyTimeout,
    /// This address has sent its allowance of anonymous writes; it may again after the duration (429).
    #[error("rate limited for {0:?}")]
    RateLimited(std::time::Duration),
    /// As many requests as qala takes at once are in flight (503 at once, with `Retry-After`).
    #[error("overloaded")]
    Overloaded,
    /// A read took longer than the request timeout, in seconds (503).
    #[error("request took longer than {0} s")]
    TimedOut(u64),
    /// The index is still loading at start.
    #[error("not ready")]
    NotReady,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A failure of this machine that is not the store's (a temporary file, a worker thread).
    #[error("{0}")]
    Internal(String),
    /// An export file could not be built (disk full, encoder failure); logged, answered 500.
    #[error(transparent)]
    Export(crate::export::ExportError),
}

impl From<crate::export::ExportError> for ApiError {
    fn from(e: crate::export::ExportError) -> Self {
        match e {
            crate::export::ExportError::Store(s) => ApiError::Store(s),
            crate::export::ExportError::TooMuchWork(field) => ApiError::BadParameters(vec![field]),
            other => ApiError::Export(other),
        }
    }
}

struct Problem {
    status: StatusCode,
    slug: &'static str,
    title: &'static str,
    detail: String,
    errors: Option<Vec<FieldError>>,
    retry_after_s: Option<u32>,
}

impl From<crate::selection::SelectionError> for ApiError {
    fn from(e: crate::selection::SelectionError) -> Self {
        match e {
            crate::selection::SelectionError::Store(s) => ApiError::Store(s),
            crate::selection::SelectionError::TooMuchWork(field) => ApiError::BadParameters(vec![field]),
        }
    }
}

impl From<crate::params::QueryError> for ApiError {
    fn from(e: crate::params::QueryError) -> Self {
        match e {
            crate::params::QueryError::BadParameters(errors) => ApiError::BadParameters(errors),
            unknown @ crate::params::QueryError::UnknownArea(_) => ApiError::NotFound(unknown.to_string()),
        }
    }
}

impl ApiError {
    fn problem(&self) -> Problem {
        let p = |status, slug, title, detail: String| Problem {
            status,
            slug,
            title,
            detail,
            errors: None,
            retry_after_s: None,
        };
        match self {
            ApiError::BadParameters(errors) => Problem {
                errors: Some(errors.clone()),
                ..p(
                    StatusCode::BAD_REQUEST,
                    "invalid-parameters",
                    "Invalid query parameters",
                    FieldError::summaries(errors),
                )
            },
            ApiError::MalformedRequest => p(
                StatusCode::BAD_REQUEST,
                "malformed-request",
                "Malformed request",
                "the request line or a header is not HTTP/1.1 that qala reads".into(),
            ),
            ApiError::MalformedMultipart(msg) => p(
                StatusCode::BAD_REQUEST,
                "malformed-multipart",
                "The body is not valid multipart/form-data",
                msg.clone(),
            ),
            ApiError::MalformedJson(msg) => {
                p(StatusCode::BAD_REQUEST, "malformed-json", "The body is not valid JSON", msg.clone())
            }
            ApiError::Validation(errors) => Problem {
                errors: Some(errors.clone()),
                ..p(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    "The request is not valid",
                    FieldError::summaries(errors),
                )
            },
            ApiError::NotFound(what) => p(StatusCode::NOT_FOUND, "not-found", "Not found", what.clone()),
            ApiError::Unauthorized(why) => p(StatusCode::UNAUTHORIZED, "unauthorized", "Sign-in required", why.clone()),
            ApiError::Forbidden(why) => p(StatusCode::FORBIDDEN, "forbidden", "Not allowed for this role", why.clone()),
            ApiError::Conflict(why) => {
                p(StatusCode::CONFLICT, "conflict", "Conflicts with the current state", why.clone())
            }
            ApiError::PreconditionRequired => p(
                StatusCode::PRECONDITION_REQUIRED,
                "if-match-required",
                "If-Match required",
                "send the pin's ETag (from GET /api/v1/pins/{id}) in If-Match, so that no one's change is overwritten"
                    .into(),
            ),
            ApiError::PreconditionFailed => p(
                StatusCode::PRECONDITION_FAILED,
                "stale",
                "Changed since you read it",
                "the pin changed since the ETag you sent in If-Match; read it again and retry; nothing was written"
                    .into(),
            ),
            ApiError::MethodNotAllowed => p(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "this resource does not accept that method".into(),
            ),
            ApiError::UnsupportedMediaType { expected, got } => p(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                format!("send the body as {expected}; got {got}"),
            ),
            ApiError::PayloadTooLarge(max) => p(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Body too large",
                format!("the body must be at most {max} bytes"),
            ),
            ApiError::UriTooLong(max) => p(
                StatusCode::URI_TOO_LONG,
                "uri-too-long",
                "Request target too long",
                format!("the path and query must be at most {max} bytes; send a long filter or outline in a POST body"),
            ),
            ApiError::HeadersTooLarge(max) => p(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers-too-large",
                "Request headers too large",
                format!("the request's headers must be at most {max} bytes together"),
            ),
            ApiError::BodyTimeout => p(
                StatusCode::REQUEST_TIMEOUT,
                "body-timeout",
                "The body did not arrive in time",
                "the request body stopped arriving; nothing was written; send it again".into(),
            ),
            ApiError::RateLimited(wait) => {
                let secs = u32::try_from(wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0)))
                    .unwrap_or(u32::MAX)
                    .max(1);
                Problem {
                    retry_after_s: Some(secs),
                    ..p(
                        StatusCode::TOO_MANY_REQUESTS,
                        "rate-limited",
                        "Too many requests from this address",
                        format!(
                            "this address has sent as many of these as qala takes in a while; try again in {secs} s; nothing was written"
                        ),
                    )
                }
            }
            ApiError::Overloaded => Problem {
                retry_after_s: Some(1),
                ..p(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "overloaded",
                    "Too many requests at once",
                    "qala is answering as many requests as it takes at once; try again in a moment".into(),
                )
            },
            ApiError::TimedOut(secs) => Problem {
                retry_after_s: Some(5),
                ..p(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "timeout",
                    "The answer took too long",
                    format!("the request was not answered within {secs} s; narrow it (a smaller box, a page) or retry"),
                )
            },
            ApiError::NotReady => Problem {
                retry_after_s: Some(2),
                ..p(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "not-ready",
                    "Starting up",
                    "qala is loading its index; try again in a moment".into(),
                )
            },
            ApiError::Store(StoreError::Unavailable(_)) => Problem {
                retry_after_s: Some(1),
                ..p(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store-unavailable",
                    "Storage unavailable",
                    "the store is busy or unreachable, so the request may not have been carried out; retry it \
                     (a report retried with its Idempotency-Key is never stored twice)"
                        .into(),
                )
            },
            ApiError::Store(StoreError::Full(_)) => p(
                StatusCode::INSUFFICIENT_STORAGE,
                "store-full",
                "Storage full",
                "the store's disk is full, so nothing more can be written until an operator frees space; \
                 reading still works"
                    .into(),
            ),
            ApiError::Store(_) | ApiError::Export(_) | ApiError::Internal(_) => p(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "an unexpected error occurred; it has been logged".into(),
            ),
        }
    }
}

impl ApiError {
    /// The problem document alone, for an answer written outside axum ([`super::hyper_refusals`]).
    pub(super) fn problem_document(&self) -> String {
        self.problem().document()
    }
}

impl Problem {
    fn document(&self) -> String {
        let mut body = json!({
            "type": format!("/problems/{}", self.slug),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let (Some(errors), Some(obj)) = (&self.errors, body.as_object_mut()) {
            obj.insert("errors".into(), json!(errors));
        }
        body.to_string()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        // "Not ready" during the index load at start is expected (load balancers poll /readyz), not a failure.
        if problem.status.is_server_error() && !matches!(self, ApiError::NotReady | ApiError::Overloaded) {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = (problem.status, problem.document()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(s) = problem.retry_after_s {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if problem.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"qala\""));
        }
        response
    }
}

/// Runs CPU work of a handler (walks of the whole index, sorts, big bodies written by hand) on a blocking
/// thread, so the async workers stay free for other requests; a task that panicked is a 500 about `what`.
///
/// # Errors
/// [`ApiError::Internal`] when the task did not finish.
pub async fn off_workers<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::Internal(format!("{what} failed: {e}")))
}

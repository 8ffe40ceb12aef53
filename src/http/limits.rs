//! The limits of [`crate::limits::Limits`] that are decided per request, before any handler runs: the size of
//! the request's head (414, 431), the requests in flight (503 at once beyond the cap, never a queue) and the
//! time a read may take to be answered (503). Each refusal is a problem document like every other answer;
//! hyper's own refusals (a head beyond its buffer) come before qala sees the request; `hyper_refusals.rs`
//! gives them the same problem documents.
//!
//! Only safe methods (and not exports) are cut off by the request timeout: cancelling a write between its commit and the
//! index update would leave the index disagreeing with the store. Writes are bounded by the body timeout
//! (their bodies are small) and by the store's own timeouts.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;
use crate::state::AppState;

/// Applies the head-size caps, the in-flight cap and the request timeout.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limits = &state.limits;
    let target = request.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > limits.max_uri_bytes {
        return ApiError::UriTooLong(limits.max_uri_bytes).into_response();
    }
    let head: usize = request.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if head > limits.max_header_bytes {
        return ApiError::HeadersTooLarge(limits.max_header_bytes).into_response();
    }
    // Liveness answers even when qala is saturated: it says the process is up, nothing more.
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let Ok(permit) = state.in_flight.clone().try_acquire_owned() else {
        return ApiError::Overloaded.into_response();
    };
    // Exports built whole (GeoPackage, FlatGeobuf) take longer than a page at a million pins, and streamed
    // ones stream: both are bounded by the body idle timeout instead.
    let timed = matches!(*request.method(), Method::GET | Method::HEAD)
        && !request.uri().path().starts_with("/api/v1/exports/");
    let response = if timed {
        match tokio::time::timeout(limits.request, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::TimedOut(limits.request.as_secs()).into_response(),
        }
    } else {
        next.run(request).await
    };
    drop(permit);
    response
}

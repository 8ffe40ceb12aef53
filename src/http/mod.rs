//! The HTTP layer: the only module that imports axum. One file per resource; routers merged in [`router`].
//!
//! A request goes: [`router`] → resource handler (`pins.rs`) → validated extractors (`extract.rs`) → domain
//! validation → `Store` commit → index update → response; every failure becomes an `ApiError` (`error.rs`).

mod areas;
mod error;
pub mod exports;
mod extract;
mod feature_cache;
mod health;
mod ogc;
mod pins;
mod response;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::{ApiError, PROBLEM_JSON};
pub use extract::MAX_BODY_BYTES;
pub use feature_cache::FeatureCache;

use crate::state::AppState;

/// The whole application; tests and `qala serve` use the same router.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(pins::router())
        .merge(areas::router())
        .merge(ogc::router())
        .merge(exports::router())
        .route_layer(middleware::from_fn_with_state(state.clone(), require_ready));
    Router::new()
        .merge(health::router())
        .merge(api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Store(crate::store::StoreError::Corrupt("a handler panicked".into())).into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                // `ApiError` logs the real failures itself, with their cause; a 503 while the index loads or
                // the embedded store is busy is expected and is no error.
                .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
        )
        .with_state(state)
}

/// Until the index is loaded every API answer would be wrong, so the API says "not ready" instead.
async fn require_ready(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.pins.is_loaded() { next.run(request).await } else { ApiError::NotReady.into_response() }
}

async fn not_found(request: Request) -> ApiError {
    ApiError::NotFound(format!("no resource at {}", request.uri().path()))
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

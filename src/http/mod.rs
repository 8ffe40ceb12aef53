//! The HTTP layer: the only module that imports axum. One file per resource; routers merged in [`router`].
//!
//! A request goes: [`router`] → resource handler (`pins.rs`) → validated extractors (`extract.rs`) → domain
//! validation → `Store` commit → index update → response; every failure becomes an `ApiError` (`error.rs`).
//! What no route claims is a file of the web map or a 404 (`web.rs`).
//!
//! Responses are gzip-compressed for clients that ask (`Accept-Encoding: gzip`): the web map's pins are
//! 20 MB of GeoJSON at 100,000 pins and 3.1 MB gzipped (measured on `qala seed --count 100000`).
//! Compression streams, so streamed exports still stream; clients that do not ask get the bytes as before.

mod api_doc;
mod area_imports;
mod areas;
mod audit;
mod auth;
mod client;
mod collection;
mod conditional;
mod error;
mod exports;
mod extract;
mod headers;
mod health;
mod html;
mod hyper_refusals;
mod limits;
mod listing;
mod map;
mod map_table;
mod moderation;
mod ogc;
mod pins;
mod request_id;
mod response;
mod session;
mod strict_json;
mod updates;
mod web;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::{ApiError, PROBLEM_JSON};
pub use extract::MAX_BODY_BYTES;
pub use hyper_refusals::{HyperRefusals, ProblemStream};

use crate::state::AppState;

/// The whole application; tests and `qala serve` use the same router.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(pins::router(state.clone()))
        .merge(areas::router())
        .merge(area_imports::router())
        .merge(ogc::router())
        .merge(exports::router())
        .merge(map::router())
        .merge(session::router())
        .merge(audit::router())
        .merge(updates::router())
        .merge(moderation::router())
        .merge(api_doc::router())
        .route_layer(middleware::from_fn_with_state(state.clone(), require_ready));
    Router::new()
        .merge(health::router())
        .merge(api)
        .merge(web::router())
        .fallback(web::static_file)
        .method_not_allowed_fallback(method_not_allowed)
        // One layer of all of them: `Router::layer` wraps every route in a boxed service per layer, and each
        // request clones its route's boxes (seven layers were 40 allocations a request, about 10% of a
        // listing's instructions). In a stack the first layer runs first: the trace, compression, `identify`,
        // then the request id and the security headers (so the limits' refusals carry them too), then the
        // limits, and the panic catcher around the handler.
        .layer(
            ServiceBuilder::new()
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                        .on_response(DefaultOnResponse::new().level(Level::INFO))
                        // `ApiError` logs the real failures itself, with their cause; a 503 while the index
                        // loads or the embedded store is busy is expected and is no error.
                        .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
                )
                .layer(CompressionLayer::new())
                .layer(middleware::from_fn_with_state(state.clone(), client::identify))
                .layer(middleware::from_fn(request_id::assign))
                .layer(middleware::from_fn_with_state(state.clone(), headers::secure))
                .layer(middleware::from_fn_with_state(state.clone(), limits::guard))
                .layer(CatchPanicLayer::custom(|_| {
                    ApiError::Store(crate::store::StoreError::Corrupt("a handler panicked".into())).into_response()
                })),
        )
        .with_state(state)
}

/// Until the index is loaded every API answer would be wrong, so the API says "not ready" instead.
async fn require_ready(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.pins.is_loaded() { next.run(request).await } else { ApiError::NotReady.into_response() }
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

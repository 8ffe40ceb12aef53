//! Liveness and readiness, for load balancers and the test harness.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// The process is up and serving HTTP.
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The store answers and the index is loaded: requests will be answered correctly.
async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    if !state.pins.is_loaded() {
        return Err(ApiError::NotReady);
    }
    state.store.ping().await?;
    Ok(Json(json!({
        "status": "ready",
        "store": state.store.kind(),
        "pins": state.pins.len(),
        "areas": state.areas.list(None, false).len(),
    })))
}

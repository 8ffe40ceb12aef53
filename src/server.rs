//! Serving: the listener and the shutdown future come from the caller (mini-redis style), so tests and
//! `qala serve` run the same code, and the index loads in the background while `/healthz` already answers.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

use crate::state::AppState;

/// Serves `state` on `listener` until `shutdown` completes, then drains in-flight requests.
///
/// # Errors
/// I/O errors from the listener.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tokio::spawn(load_index(state.clone()));
    tokio::spawn(follow_areas(state.clone()));
    axum::serve(listener, crate::http::router(state)).with_graceful_shutdown(shutdown).await
}

/// Bulk-loads the area and pins indexes from the store, retrying while the store is unreachable. Until both
/// are loaded the service is alive but not ready.
async fn load_index(state: AppState) {
    let started = Instant::now();
    while let Err(e) = state.reload_areas().await {
        tracing::error!(error = %e, "reading areas for the index failed; retrying");
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    loop {
        match state.store.pin_locations().await {
            Ok(locations) => {
                let count = locations.len();
                let loading = state.clone();
                // Building a tree over a million points takes a while: keep it off the async workers.
                match tokio::task::spawn_blocking(move || loading.load_pins(&locations)).await {
                    Ok(()) => {
                        tracing::info!(pins = count, elapsed_ms = started.elapsed().as_millis() as u64, "index loaded");
                        return;
                    }
                    Err(e) => tracing::error!(error = %e, "index build failed; retrying"),
                }
            }
            Err(e) => tracing::error!(error = %e, "reading pins for the index failed; retrying"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// How often a running service checks the store for area imports or activations made by another process.
const AREAS_POLL: Duration = Duration::from_secs(2);

/// Keeps the area index in step with the store: `qala areas import` and `qala areas activate` run as
/// separate processes, so the service polls the store's cheap areas revision and reloads on a change.
async fn follow_areas(state: AppState) {
    loop {
        tokio::time::sleep(AREAS_POLL).await;
        if state.areas.revision().is_none() {
            continue;
        }
        match state.store.areas_revision().await {
            Ok(rev) if Some(&rev) != state.areas.revision().as_ref() => match state.reload_areas().await {
                Ok(n) => tracing::info!(areas = n, "areas changed in the store; index reloaded"),
                Err(e) => tracing::error!(error = %e, "reloading areas failed; will retry"),
            },
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "checking the store for area changes failed"),
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

//! Serving: the listener and the shutdown future come from the caller (mini-redis style), so tests and
//! `qala serve` run the same code, and the index loads in the background while `/healthz` already answers.
//!
//! Connections are served by hyper directly rather than through `axum::serve`, because a service on the open
//! internet needs what `axum::serve` leaves out: a header read timeout (hyper has one only with a timer,
//! which `axum::serve` does not give it), a bound on open connections, the peer's address for each request
//! (`ConnectInfo`), a deadline for the graceful shutdown ([`crate::limits::Limits`]) and problem documents in
//! the answers hyper gives itself ([`crate::http::ProblemStream`]).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

use crate::limits::Limits;
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
    tokio::spawn(forget_idle_addresses(state.clone()));
    tokio::spawn(purge_old_contacts(state.clone()));
    let limits = state.limits.clone();
    serve(listener, crate::http::router(state), &limits, shutdown).await;
    Ok(())
}

/// Accepts connections until `shutdown`, each served on a task of its own under `limits`; then stops
/// accepting, asks every connection to finish its request in flight and close, and waits for them at most
/// `limits.shutdown_grace`.
async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let refusals = crate::http::HyperRefusals::new(limits);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At the connection cap, wait for one to close before accepting: the rest wait in the backlog.
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => match permit { Ok(p) => p, Err(_) => break },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut stop = stop_rx.clone();
        let stream = crate::http::ProblemStream::new(stream, refusals.clone());
        let (header_read, idle) = (limits.header_read, limits.body_idle);
        tokio::spawn(async move {
            // Bodies both ways under the idle timeout: a body that stops arriving ends in 408 (the handler
            // sees the error), an answer that stops being produced ends the connection.
            let service = app
                .map_request(move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                    request.map(|body| Body::new(TimeoutBody::new(idle, body)))
                })
                .map_response(move |response: axum::response::Response| {
                    response.map(|body| Body::new(TimeoutBody::new(idle, body)))
                });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read)
                .max_buf_size(Limits::HYPER_BUFFER_BYTES)
                .keep_alive(true);
            let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => log_connection_end(result),
                () = async { drop(stop.wait_for(|stop| *stop).await) } => {
                    connection.as_mut().graceful_shutdown();
                    log_connection_end(connection.await);
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection task holds a permit: all of them back means every connection has closed.
    let all = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let drained = tokio::time::timeout(limits.shutdown_grace, connections.acquire_many(all)).await;
    if drained.is_err() {
        tracing::warn!(grace_s = limits.shutdown_grace.as_secs(), "connections still open after the shutdown grace");
    }
}

fn log_connection_end(result: Result<(), hyper::Error>) {
    if let Err(e) = result {
        // A client going away or timing out in its headers is its business, not an error of ours.
        tracing::debug!(error = %e, "connection ended");
    }
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

/// Deletes the contacts past their retention and the idempotency keys past their window, at start and every
/// six hours (see [`crate::retention`]).
async fn purge_old_contacts(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(6 * 3600));
    loop {
        every.tick().await;
        let days = state.contact_retention_days;
        match crate::retention::purge_contacts(state.store.as_ref(), days, crate::domain::Actor::service()).await {
            Ok(Some((purged, _))) if purged > 0 => {
                tracing::info!(purged, days, "contacts past their retention deleted")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging old contacts failed; will retry"),
        }
        if let Err(e) = crate::retention::forget_old_keys(state.store.as_ref()).await {
            tracing::warn!(error = %e, "forgetting old idempotency keys failed; will retry");
        }
    }
}

/// Keeps the rate limiters' tables to the addresses seen lately.
async fn forget_idle_addresses(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        state.forget_idle_addresses();
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

//! `qala serve`: connect the store, bind, print the address, serve until SIGINT/SIGTERM.

use std::sync::Arc;

use tokio::net::TcpListener;

use super::CliError;
use crate::config::ServeArgs;
use crate::server;
use crate::spatial::ServiceArea;
use crate::state::AppState;
use crate::store::postgis::PostgisStore;

pub async fn run(args: ServeArgs) -> Result<(), CliError> {
    let url = args.database_url.ok_or_else(|| {
        CliError::Usage(
            "DATABASE_URL is not set: give a postgres:// URL (e.g. postgres://postgres@127.0.0.1:5432/qala)".into(),
        )
    })?;
    let store = PostgisStore::connect(&url, args.max_connections).await?;
    tracing::info!(store = "postgis", "store connected, schema up to date");
    let state = AppState::new(Arc::new(store), ServiceArea::almaty()?);
    let listener = TcpListener::bind(args.bind)
        .await
        .map_err(|source| CliError::Io { context: format!("cannot listen on {}", args.bind), source })?;
    let addr = listener.local_addr().map_err(|source| CliError::Io { context: "no local address".into(), source })?;
    // A plain line on stdout, for scripts and the test harness that started us on port 0.
    println!("qala listening on http://{addr}");
    tracing::info!(%addr, "listening");
    server::run(listener, state, server::shutdown_signal())
        .await
        .map_err(|source| CliError::Io { context: "serving HTTP failed".into(), source })?;
    tracing::info!("stopped");
    Ok(())
}

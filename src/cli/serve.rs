//! `qala serve`: open the store (loading Almaty's areas into an empty one), bind, print the address, serve
//! until SIGINT/SIGTERM.

use tokio::net::TcpListener;

use super::{CliError, contact_key, open_store};
use crate::config::ServeArgs;
use crate::edge::Edge;
use crate::feature_cache::FeatureCache;
use crate::ingest::seed_shipped_areas;
use crate::rate_limit::Rate;
use crate::server;
use crate::spatial::ServiceArea;
use crate::state::{AppState, WebConfig};

pub async fn run(args: ServeArgs) -> Result<(), CliError> {
    let (listener, state) = listen(args).await?;
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

/// What `qala serve` serves: the store opened (and migrated), Almaty's areas loaded into an empty one, the
/// feature cache, the service area and the web map's settings, and the bound listener. The in-process
/// servers of the integration tests start through this too, so they run what the binary runs.
///
/// # Errors
/// The store cannot be opened or seeded, or the address cannot be bound.
pub async fn listen(args: ServeArgs) -> Result<(TcpListener, AppState), CliError> {
    let limits = args.limits();
    let report_rate = Rate::parse(&args.report_rate, args.report_burst).map_err(CliError::Usage)?;
    let store = open_store(&args.store).await?;
    seed_shipped_areas(store.as_ref()).await?;
    let contact_key = contact_key(store.as_ref(), &args.store).await?;
    let features = FeatureCache::new(args.feature_cache_mib.saturating_mul(1024 * 1024));
    // An empty QALA_BASEMAP_STYLE (a deployment unsetting it) means no basemap, not a style at "".
    let basemap_style = args.basemap_style.filter(|s| !s.trim().is_empty());
    let geocoder_url = args.geocoder_url.and_then(|url| url.into_inner());
    let web = WebConfig { dir: args.web_dir, basemap_style, geocoder_url };
    let moderation = args.moderation.parse().map_err(|e: crate::domain::UnknownValue| CliError::Usage(e.0))?;
    let state = AppState::new(store, ServiceArea::almaty()?, features)
        .with_web(web)
        .with_moderation(moderation)
        .with_limits(limits)
        .with_filter_budget(args.filter_budget)
        .with_contact_key(contact_key, args.retention.contact_retention_days)
        .with_edge(Edge { public_url: args.public_url, trusted_proxies: args.trusted_proxies }, report_rate);
    let listener = TcpListener::bind(args.bind)
        .await
        .map_err(|source| CliError::Io { context: format!("cannot listen on {}", args.bind), source })?;
    Ok((listener, state))
}

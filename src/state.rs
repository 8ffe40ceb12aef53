//! The state every request shares: a cheap-clone handle (everything inside is an `Arc`).

use std::path::PathBuf;
use std::sync::Arc;

use crate::http::FeatureCache;
use crate::index::{AreaIndex, PinIndex};
use crate::spatial::ServiceArea;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState {
    /// The store of record.
    pub store: Arc<dyn Store>,
    /// The in-memory R-tree over every pin the store holds.
    pub pins: PinIndex,
    /// Every area polygon of every version (districts, historic-centre drafts).
    pub areas: AreaIndex,
    /// Where pins may be placed (Almaty's boundary).
    pub service_area: Arc<ServiceArea>,
    /// Pins already rendered as GeoJSON, so that listings need not ask the store.
    pub features: FeatureCache,
    /// What the web map needs from the deployment: its built files and its basemap.
    pub web: Arc<WebConfig>,
}

/// The deployment's settings for the web map (`qala serve --web-dir`, `--basemap-style`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebConfig {
    /// The built web map (`maps/dist`): `index.html` and its hashed `assets/`.
    pub dir: PathBuf,
    /// A MapLibre style URL for the basemap; `None` lets the page draw without tiles (no third-party
    /// requests, works offline).
    pub basemap_style: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { dir: PathBuf::from("maps/dist"), basemap_style: None }
    }
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, service_area: ServiceArea, features: FeatureCache) -> Self {
        Self {
            store,
            pins: PinIndex::default(),
            areas: AreaIndex::default(),
            service_area: Arc::new(service_area),
            features,
            web: Arc::new(WebConfig::default()),
        }
    }

    /// The same state with the web map's settings.
    pub fn with_web(self, web: WebConfig) -> Self {
        Self { web: Arc::new(web), ..self }
    }
}

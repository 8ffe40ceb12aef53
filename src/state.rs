//! The state every request shares: a cheap-clone handle (everything inside is an `Arc`).

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
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, service_area: ServiceArea, features: FeatureCache) -> Self {
        Self {
            store,
            pins: PinIndex::default(),
            areas: AreaIndex::default(),
            service_area: Arc::new(service_area),
            features,
        }
    }
}

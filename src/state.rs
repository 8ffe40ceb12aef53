//! The state every request shares: a cheap-clone handle (one `Arc` around everything), and what the HTTP
//! layer and the CLI both ask of it (rendered pins, an area by id, the area index reloaded). It knows no
//! HTTP: `qala export` builds one too.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::contact_key::ContactKey;
use crate::domain::{AreaId, ModerationMode, PinId, PinLocation, Visibility};
use crate::edge::Edge;
use crate::feature_cache::{FeatureCache, Rendered};
use crate::index::{AreaIndex, PinIndex};
use crate::limits::Limits;
use crate::params::QueryError;
use crate::rate_limit::{AddressLimiter, Rate};
use crate::selection::Work;
use crate::spatial::{PreparedArea, ServiceArea};
use crate::store::{Store, StoreError};

/// The state every request shares: one `Arc`, so the router's and the extractors' clones of it (several a
/// request) cost one reference count each, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Clone)]
pub struct Shared {
    /// The store of record.
    pub store: Arc<dyn Store>,
    /// The in-memory R-tree over every public pin the store holds: what every public surface reads.
    pub pins: PinIndex,
    /// The pins the public may not see (pending, hidden), in indexes of their own, for staff listings.
    pub withheld: Withheld,
    /// Whether a new report is public at once or waits for a moderator.
    pub moderation: ModerationMode,
    /// Stripes of locks that order the changes of one pin between the store and the indexes.
    pub pin_locks: Arc<[tokio::sync::Mutex<()>]>,
    /// Every area polygon of every version (districts, historic-centre drafts).
    pub areas: AreaIndex,
    /// Where pins may be placed (Almaty's boundary).
    pub service_area: Arc<ServiceArea>,
    /// Pins already rendered as GeoJSON, so that listings need not ask the store.
    pub features: FeatureCache,
    /// What the web map needs from the deployment: its built files and its basemap.
    pub web: Arc<WebConfig>,
    /// Time, size and concurrency limits on what clients send (`qala serve --max-requests-in-flight`…).
    pub limits: Arc<Limits>,
    /// What a page with a CQL2 filter may spend, and how many such pages are computed at once.
    pub filter_work: Work,
    /// Permits for the requests being handled, `limits.max_in_flight` of them.
    pub in_flight: Arc<tokio::sync::Semaphore>,
    /// The public URL and the trusted proxies (`--public-url`, `--trusted-proxy`).
    pub edge: Arc<Edge>,
    /// Anonymous reports per address (`--report-rate`, `--report-burst`).
    pub report_limit: Arc<AddressLimiter>,
    /// Failed sign-ins per address.
    pub sign_in_limit: Arc<AddressLimiter>,
    /// Seals reporters' contacts before they are stored and opens them for an audited read (`qala serve`
    /// always has one; a state without one takes no contact).
    pub contact_key: Option<Arc<ContactKey>>,
    /// Days a contact is kept after its report (0: for ever); `qala serve` purges older ones on a schedule.
    pub contact_retention_days: u32,
}

/// Failed sign-in attempts an address may make: 5 at once, then one every 6 seconds.
pub const SIGN_IN_FAILURES: Rate = Rate { count: 10, period: std::time::Duration::from_secs(60), burst: 5 };

/// Stripes of [`AppState::pin_locks`]: enough that 16 or 64 planners at once rarely share one.
const PIN_LOCK_STRIPES: usize = 256;

/// The pins the public may not see, one index per visibility, so that no public query can reach them (the
/// public index does not hold them) while staff list them with every filter a listing has.
#[derive(Clone, Default)]
pub struct Withheld {
    pub pending: PinIndex,
    pub hidden: PinIndex,
}

/// The deployment's settings for the web map (`qala serve --web-dir`, `--basemap-style`, `--geocoder-url`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebConfig {
    /// The built web map (`maps/dist`): `index.html` and its hashed `assets/`.
    pub dir: PathBuf,
    /// A MapLibre style URL for the basemap; `None` lets the page draw without tiles (no third-party
    /// requests, works offline).
    pub basemap_style: Option<String>,
    /// A Nominatim-compatible geocoder's base URL for the page's place search; `None`: qala's area names only.
    pub geocoder_url: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { dir: PathBuf::from("maps/dist"), basemap_style: None, geocoder_url: None }
    }
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, service_area: ServiceArea, features: FeatureCache) -> Self {
        Self(Arc::new(Shared {
            store,
            pins: PinIndex::default(),
            withheld: Withheld::default(),
            moderation: ModerationMode::default(),
            pin_locks: (0..PIN_LOCK_STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
            areas: AreaIndex::default(),
            service_area: Arc::new(service_area),
            features,
            web: Arc::new(WebConfig::default()),
            limits: Arc::new(Limits::default()),
            filter_work: Work::default(),
            in_flight: Limits::default().in_flight(),
            edge: Arc::new(Edge::default()),
            report_limit: Arc::new(AddressLimiter::new(None)),
            sign_in_limit: Arc::new(AddressLimiter::new(Some(SIGN_IN_FAILURES))),
            contact_key: None,
            contact_retention_days: 0,
        }))
    }

    /// The same state with `change` made (the builders below, used while the server starts).
    fn with(self, change: impl FnOnce(Shared) -> Shared) -> Self {
        let shared = Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone());
        Self(Arc::new(change(shared)))
    }

    /// The same state with the key that seals contacts, kept `retention_days` after their report.
    pub fn with_contact_key(self, key: Arc<ContactKey>, retention_days: u32) -> Self {
        self.with(|s| Shared { contact_key: Some(key), contact_retention_days: retention_days, ..s })
    }

    /// The same state behind `edge`, with anonymous reports limited to `reports` per address (`None`:
    /// unlimited).
    pub fn with_edge(self, edge: Edge, reports: Option<Rate>) -> Self {
        self.with(|s| Shared { edge: Arc::new(edge), report_limit: Arc::new(AddressLimiter::new(reports)), ..s })
    }

    /// Forgets the addresses whose rate allowances are full again (called now and then by the server).
    pub fn forget_idle_addresses(&self) {
        self.report_limit.forget_idle();
        self.sign_in_limit.forget_idle();
    }

    /// The same state with other limits.
    pub fn with_limits(self, limits: Limits) -> Self {
        self.with(|s| Shared { in_flight: limits.in_flight(), limits: Arc::new(limits), ..s })
    }

    /// The same state with another budget for filtered pages (`qala serve --filter-budget`).
    pub fn with_filter_budget(self, budget: u64) -> Self {
        self.with(|s| Shared { filter_work: Work::default().with_budget(budget), ..s })
    }

    /// The same state with a moderation mode.
    pub fn with_moderation(self, moderation: ModerationMode) -> Self {
        self.with(|s| Shared { moderation, ..s })
    }

    /// The index holding the pins of visibility `v`.
    pub fn pins_of(&self, v: Visibility) -> &PinIndex {
        match v {
            Visibility::Public => &self.pins,
            Visibility::Pending => &self.withheld.pending,
            Visibility::Hidden => &self.withheld.hidden,
        }
    }

    /// Loads every index from the store's locations, each pin into its visibility's index. The public index
    /// is loaded last, since its being loaded is what makes the service ready.
    pub fn load_pins(&self, locations: &[PinLocation]) {
        for v in [Visibility::Pending, Visibility::Hidden, Visibility::Public] {
            self.pins_of(v).load(locations.iter().filter(|p| p.visibility == v));
        }
    }

    /// Indexes a pin the store has just committed.
    pub fn index_new_pin(&self, pin: &PinLocation) {
        self.pins_of(pin.visibility).insert(pin);
    }

    /// Puts the pin as the store committed it (`new`) in its visibility's index, and takes it out of the
    /// others, by id (so whatever an index held for it before does not matter), then forgets its rendered
    /// feature. Callers hold the pin's [`AppState::lock_pin`] from their commit to here, so that two changes
    /// of one pin reach the indexes in the order the store applied them.
    pub fn reindex(&self, new: &PinLocation) {
        for v in Visibility::ALL.into_iter().filter(|&v| v != new.visibility) {
            self.pins_of(v).remove(new);
        }
        self.pins_of(new.visibility).replace(new);
        self.features.invalidate(new.id);
    }

    /// The lock for changes of pin `id` (one of a fixed set of stripes): held from the store's commit of a
    /// change until the indexes have it.
    pub async fn lock_pin(&self, id: PinId) -> tokio::sync::MutexGuard<'_, ()> {
        let stripe = usize::try_from(id.unsigned_abs()).unwrap_or(0) % self.pin_locks.len();
        self.pin_locks[stripe].lock().await
    }

    /// The same state with the web map's settings.
    pub fn with_web(self, web: WebConfig) -> Self {
        self.with(|s| Shared { web: Arc::new(web), ..s })
    }

    /// The rendered features of `ids`, in that order, from the feature cache where it has them and from the
    /// store for the rest (which then join the cache). A pin the store no longer holds, or no longer holds
    /// with `visibility` (a moderation committed while the page was being picked), is left out.
    ///
    /// # Errors
    /// A store failure.
    pub async fn rendered_pins(&self, ids: &[PinId], visibility: Visibility) -> Result<Vec<Rendered>, StoreError> {
        let cached = self.features.get_many(ids);
        let missing: Vec<PinId> = ids.iter().zip(&cached).filter(|(_, c)| c.is_none()).map(|(&id, _)| id).collect();
        if missing.is_empty() {
            return Ok(cached.into_iter().flatten().collect());
        }
        let started = self.features.generation();
        let fetched: HashMap<PinId, Rendered> =
            self.features.fill(started, &self.store.pins_of(&missing, visibility).await?).into_iter().collect();
        Ok(ids.iter().zip(cached).filter_map(|(id, c)| c.or_else(|| fetched.get(id).cloned())).collect())
    }

    /// The prepared polygon of a listing's `within=<id>` (none when not given).
    ///
    /// # Errors
    /// [`QueryError::UnknownArea`] when there is no such area.
    pub fn area_of(&self, id: Option<AreaId>) -> Result<Option<Arc<PreparedArea>>, QueryError> {
        id.map(|id| self.areas.prepared(id).ok_or(QueryError::UnknownArea(id))).transpose()
    }

    /// Reads every area and replaces the area index. The revision is read first, so a change racing with the
    /// read is seen again on the next check rather than missed.
    ///
    /// # Errors
    /// A store failure; the index keeps what it had.
    pub async fn reload_areas(&self) -> Result<usize, StoreError> {
        let revision = self.store.areas_revision().await?;
        let areas = self.store.areas().await?;
        let n = areas.len();
        self.areas.load(areas, revision);
        Ok(n)
    }
}

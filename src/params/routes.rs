//! Which parameters each request takes, in one table, so that a route's allow-list is read in one place and
//! the same names mean the same thing everywhere.

use crate::domain::Limit;

/// What a route takes: the parameter names it allows and the sizes of its pages.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub names: &'static [&'static str],
    /// The names that must be given.
    pub required: &'static [&'static str],
    /// The page size when `limit` is not given.
    pub default_limit: usize,
    /// The largest `limit` accepted.
    pub max_limit: usize,
}

impl Route {
    /// A route of `names` with the listings' page sizes (default 100, at most 10,000).
    pub const fn new(names: &'static [&'static str]) -> Self {
        Self { names, required: &[], default_limit: Limit::DEFAULT, max_limit: Limit::MAX }
    }
}

/// `GET /api/v1/pins`.
pub const PINS: Route = Route::new(&[
    "bbox",
    "category",
    "status",
    "location_precision",
    "datetime",
    "within",
    "near",
    "radius_m",
    "k",
    "limit",
    "cursor",
    "visibility",
]);

/// `POST /api/v1/pins/search` and `GET /api/v1/areas/{id}/pins`: the listing within an area the request
/// itself names, so without `within`.
pub const PINS_IN_AREA: Route = Route::new(&[
    "bbox",
    "category",
    "status",
    "location_precision",
    "datetime",
    "near",
    "radius_m",
    "k",
    "limit",
    "cursor",
    "visibility",
]);

/// `GET /api/v1/map/pins`: the filters that select pins, and id pages of up to [`MAP_PINS_MAX`] (no distance
/// order).
pub const MAP_PINS: Route = Route {
    names: &["bbox", "category", "status", "location_precision", "datetime", "within", "limit", "cursor"],
    required: &[],
    default_limit: MAP_PINS_MAX,
    max_limit: MAP_PINS_MAX,
};

/// The most pins one answer of `GET /api/v1/map/pins` holds (about 10 MB of lean GeoJSON).
pub const MAP_PINS_MAX: usize = 50_000;

/// `GET /api/v1/map/table`: the map's filters, a sort column and offset pages of at most 1,000 (25 by default).
pub const MAP_TABLE: Route = Route {
    names: &["bbox", "category", "status", "location_precision", "datetime", "within", "sortby", "offset", "limit"],
    required: &[],
    default_limit: 25,
    max_limit: 1000,
};

/// Documents that take no parameter (`GET /api/v1/map/config`).
pub const NONE: Route = Route::new(&[]);

/// `GET /api/v1/areas`.
pub const AREAS: Route = Route::new(&["kind", "current"]);

/// `GET /api/v1/areas/stats`.
pub const AREAS_STATS: Route = Route::new(&["kind", "current", "category", "status", "location_precision", "datetime"]);

/// `GET /api/v1/areas/compare`: two drafts, the filters, and id pages of each group (1,000 ids by default).
pub const AREAS_COMPARE: Route = Route {
    names: &["a", "b", "category", "status", "location_precision", "datetime", "group", "limit", "cursor"],
    required: &["a", "b"],
    default_limit: 1000,
    max_limit: Limit::MAX,
};

/// `…/exports/pins.{format}` and `qala export --what pins`.
pub const EXPORT_PINS: Route = Route::new(&[
    "bbox",
    "within",
    "category",
    "status",
    "location_precision",
    "datetime",
    "filter",
    "filter-lang",
    "filter-crs",
]);

/// `…/exports/areas.{format}` and `qala export --what areas`.
pub const EXPORT_AREAS: Route = Route::new(&["kind", "version", "area"]);

/// `GET /ogc/collections/pins/items`.
pub const OGC_PIN_ITEMS: Route = Route::new(&[
    "f",
    "limit",
    "bbox",
    "bbox-crs",
    "datetime",
    "crs",
    "category",
    "status",
    "location_precision",
    "filter",
    "filter-lang",
    "filter-crs",
    "cursor",
    "before",
]);

/// `GET /ogc/collections/{areas}/items`.
pub const OGC_AREA_ITEMS: Route = Route::new(&["f", "limit", "bbox", "bbox-crs", "crs", "offset"]);

/// `GET /ogc/collections/{id}/items/{featureId}`.
pub const OGC_ITEM: Route = Route::new(&["f", "crs"]);

/// `GET /api/v1/audit` and `/api/v1/audit.csv`: the audit log's filters, and pages of 1 to 1,000 entries (100
/// by default).
pub const AUDIT: Route = Route {
    names: &["actor", "action", "target", "datetime", "limit", "cursor"],
    required: &[],
    default_limit: 100,
    max_limit: 1000,
};

/// The OGC API's metadata documents (landing page, conformance, collections, queryables).
pub const OGC_DOCUMENT: Route = Route::new(&["f"]);

//! One leaf of the pins R-tree ([`Entry`]) and the tree's shape ([`Tree`]): what every other file of the index
//! walks over, so it lives below all of them.
//!
//! Each leaf holds the point, id, category, status, location precision and report time, so every filter a listing, an area query or
//! a near query applies is answered from the tree without the store. Nothing else (no description, no update
//! time): rstar stores each leaf as a node-sized enum (56 bytes here), and the whole index stays within 64 bytes
//! per pin (61 measured at a million pins, BENCHMARKS.md).
//!
//! Nodes hold up to 32 children, not rstar's default 6: the tree is bulk-loaded and mostly read, and wider
//! nodes mean fewer nodes (less memory per pin) and shallower walks. A window's cost is mostly the number of
//! nodes it opens, each at an unrelated heap address. Measured with `cargo bench --bench index` (1,000
//! windows of ~1 km² over a million pins): uniform pins 11.1 ms with 16 children, 8.9 ms with 32, 8.6 ms
//! with 64; `qala seed`'s clustered pins 9.3 ms with 16 and 9.1 ms with 32 (runs differ by up to 10% on this
//! machine). 32 keeps inserts (an R* split sorts a full node) and the point tests on a window's edge cheap.

use rstar::{AABB, RStarInsertionStrategy, RTree, RTreeObject, RTreeParams};

use crate::domain::{Category, LocationPrecision, PinId, PinLocation, Status};

/// A pin as the index holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Entry {
    pub(super) point: [f64; 2],
    pub(super) id: PinId,
    pub(super) created_at_us: i64,
    pub(super) category: Category,
    pub(super) status: Status,
    pub(super) precision: LocationPrecision,
}

impl Entry {
    #[inline]
    pub(super) fn from_location(p: &PinLocation) -> Self {
        Self {
            id: p.id,
            point: [p.lon, p.lat],
            category: p.category,
            status: p.status,
            precision: p.precision,
            created_at_us: p.created_at.timestamp_micros(),
        }
    }
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    #[inline]
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.point)
    }
}

/// Wider nodes than rstar's default (see the module docs).
pub(super) struct PinParams;

impl RTreeParams for PinParams {
    const MIN_SIZE: usize = 12;
    const MAX_SIZE: usize = 32;
    const REINSERTION_COUNT: usize = 10;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

pub(super) type Tree = RTree<Entry, PinParams>;

/// A new `pram` pin at (lon, lat), reported now: the index's tests need many and care only where they are.
#[cfg(test)]
pub(super) fn test_location(id: PinId, lon: f64, lat: f64) -> PinLocation {
    PinLocation {
        visibility: Default::default(),
        id,
        lon,
        lat,
        precision: LocationPrecision::Point,
        category: Category::Pram,
        status: Status::New,
        created_at: chrono::Utc::now(),
    }
}

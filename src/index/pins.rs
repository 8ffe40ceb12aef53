//! The pins R-tree and the id-ordered map beside it.
//!
//! Why both: the R-tree answers "which pins lie in this box", the `BTreeMap` answers "the next page after id
//! N" for listings without a box and finds a pin's tree entry by id for updates. Both hold the same 40-byte
//! `Entry` (id, point, category, status, creation time), so filters never need the store.
//!
//! Concurrency: a `std::sync::RwLock`, never held across an `.await` (every method here is synchronous), like
//! mini-redis's `Db`. Reads vastly outnumber writes (a citizen adds one pin, planners query thousands), and a
//! write is one R-tree insert (microseconds), so readers are never starved in practice.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use rstar::{AABB, RTree, RTreeObject};

use crate::domain::{Bbox, Category, Cursor, Limit, PinFilter, PinId, PinLocation, Status};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    id: PinId,
    point: [f64; 2],
    category: Category,
    status: Status,
    created_at_us: i64,
}

impl Entry {
    fn from_location(p: &PinLocation) -> Self {
        Self {
            id: p.id,
            point: [p.lon, p.lat],
            category: p.category,
            status: p.status,
            created_at_us: p.created_at.timestamp_micros(),
        }
    }

    fn to_location(self) -> PinLocation {
        PinLocation {
            id: self.id,
            lon: self.point[0],
            lat: self.point[1],
            category: self.category,
            status: self.status,
            created_at: DateTime::<Utc>::from_timestamp_micros(self.created_at_us).unwrap_or_default(),
        }
    }
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.point)
    }
}

#[derive(Default)]
struct Inner {
    tree: RTree<Entry>,
    by_id: BTreeMap<PinId, Entry>,
}

/// A cheap-clone handle to the pins index, shared by every request.
#[derive(Clone, Default)]
pub struct PinIndex {
    inner: Arc<RwLock<Inner>>,
    loaded: Arc<AtomicBool>,
}

/// One page of a listing: ids in ascending order, and whether more remain after the last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub ids: Vec<PinId>,
    pub has_more: bool,
}

impl PinIndex {
    /// Replaces the whole index with `pins` (bulk loading builds a better-packed tree than inserts) and marks
    /// it loaded.
    pub fn load(&self, pins: &[PinLocation]) {
        let entries: Vec<Entry> = pins.iter().map(Entry::from_location).collect();
        let by_id = entries.iter().map(|e| (e.id, *e)).collect();
        let tree = RTree::bulk_load(entries);
        *self.write() = Inner { tree, by_id };
        self.loaded.store(true, Ordering::Release);
    }

    /// Whether [`PinIndex::load`] has finished; until then the service is not ready.
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    /// Adds or replaces one pin. Call only after the store has committed it.
    pub fn upsert(&self, pin: &PinLocation) {
        let entry = Entry::from_location(pin);
        let mut inner = self.write();
        if let Some(old) = inner.by_id.insert(entry.id, entry) {
            inner.tree.remove(&old);
        }
        inner.tree.insert(entry);
    }

    /// Removes one pin. Call only after the store has committed the removal.
    pub fn remove(&self, id: PinId) {
        let mut inner = self.write();
        if let Some(old) = inner.by_id.remove(&id) {
            inner.tree.remove(&old);
        }
    }

    pub fn len(&self) -> usize {
        self.read().by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, id: PinId) -> Option<PinLocation> {
        self.read().by_id.get(&id).map(|e| e.to_location())
    }

    /// The first `limit` ids (ascending) after `cursor` that match `filter`.
    ///
    /// With a bbox the R-tree yields the candidates (edges inclusive, as PostGIS `ST_Intersects`) and the
    /// smallest ids are selected without sorting them all; without one the id map is walked from the cursor.
    pub fn page(&self, filter: &PinFilter, cursor: Option<Cursor>, limit: Limit) -> Page {
        let after = cursor.map_or(PinId::MIN, |c| c.0);
        let want = limit.get();
        let inner = self.read();
        let mut ids: Vec<PinId> = match filter.bbox {
            Some(bbox) => {
                let mut ids: Vec<PinId> = inner
                    .tree
                    .locate_in_envelope_intersecting(&envelope(&bbox))
                    .filter(|e| e.id > after && filter.matches_attributes(e.category, e.status))
                    .map(|e| e.id)
                    .collect();
                if ids.len() > want + 1 {
                    ids.select_nth_unstable(want);
                    ids.truncate(want + 1);
                }
                ids.sort_unstable();
                ids
            }
            None => inner
                .by_id
                .range((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded))
                .map(|(_, e)| e)
                .filter(|e| filter.matches_attributes(e.category, e.status))
                .map(|e| e.id)
                .take(want + 1)
                .collect(),
        };
        let has_more = ids.len() > want;
        ids.truncate(want);
        Page { ids, has_more }
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the tree half-updated in a way readers could observe
        // (rstar's insert/remove complete or unwind before returning), so a poisoned lock is still usable.
        self.inner.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn envelope(b: &Bbox) -> AABB<[f64; 2]> {
    AABB::from_corners([b.min_lon, b.min_lat], [b.max_lon, b.max_lat])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(id: PinId, lon: f64, lat: f64) -> PinLocation {
        PinLocation { id, lon, lat, category: Category::Pram, status: Status::New, created_at: Utc::now() }
    }

    fn bbox(a: f64, b: f64, c: f64, d: f64) -> PinFilter {
        PinFilter { bbox: Some(Bbox { min_lon: a, min_lat: b, max_lon: c, max_lat: d }), ..Default::default() }
    }

    #[test]
    fn pages_in_id_order_with_inclusive_edges() {
        let index = PinIndex::default();
        index.load(&(1..=10).map(|i| loc(i, f64::from(i as i32), 0.0)).collect::<Vec<_>>());
        let f = bbox(2.0, 0.0, 8.0, 0.0);
        let first = index.page(&f, None, Limit::parse("4").unwrap_or_default());
        assert_eq!(first, Page { ids: vec![2, 3, 4, 5], has_more: true });
        let second = index.page(&f, Some(Cursor(5)), Limit::parse("4").unwrap_or_default());
        assert_eq!(second, Page { ids: vec![6, 7, 8], has_more: false });
    }

    #[test]
    fn upsert_moves_and_remove_forgets() {
        let index = PinIndex::default();
        index.upsert(&loc(1, 0.0, 0.0));
        index.upsert(&loc(1, 5.0, 5.0));
        assert_eq!(index.len(), 1);
        assert!(index.page(&bbox(-1.0, -1.0, 1.0, 1.0), None, Limit::default()).ids.is_empty());
        assert_eq!(index.page(&bbox(4.0, 4.0, 6.0, 6.0), None, Limit::default()).ids, vec![1]);
        index.remove(1);
        assert!(index.is_empty());
        assert!(index.page(&PinFilter::default(), None, Limit::default()).ids.is_empty());
    }
}

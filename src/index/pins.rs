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
use std::ops::Bound;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::{AABB, PointDistance, RTree, RTreeObject};

use crate::domain::{Category, Cursor, Limit, PinFilter, PinId, PinLocation, Status};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Entry {
    pub(super) id: PinId,
    pub(super) point: [f64; 2],
    pub(super) category: Category,
    pub(super) status: Status,
    pub(super) created_at_us: i64,
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

/// Squared distance in degrees: only for rstar's nearest-neighbour walk, which ranks candidates. It is not a
/// distance in metres; `pin_queries` re-ranks every candidate by geodesic metres.
impl PointDistance for Entry {
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        let (dx, dy) = (self.point[0] - point[0], self.point[1] - point[1]);
        dx * dx + dy * dy
    }
}

#[derive(Default)]
pub(super) struct Inner {
    pub(super) tree: RTree<Entry>,
    pub(super) by_id: BTreeMap<PinId, Entry>,
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

    /// The first `limit` ids (ascending) after `cursor` that match `filter` and, when given, lie in `area`
    /// (inside or on its boundary, as `ST_Intersects`).
    ///
    /// The R-tree yields the candidates in the bbox (edges inclusive) and/or the area's bounding box. Without
    /// an area the smallest ids are selected without sorting them all; with one, candidates are sorted by id
    /// and the exact polygon test runs only until the page is full.
    pub fn page(
        &self,
        filter: &PinFilter,
        area: Option<&MultiPolygon<f64>>,
        cursor: Option<Cursor>,
        limit: Limit,
    ) -> Page {
        let after = cursor.map_or(PinId::MIN, |c| c.0);
        let want = limit.get();
        let inner = self.read();
        let mut ids: Vec<PinId> = match (area, search_envelope(filter, area)) {
            (_, Search::Nothing) => Vec::new(),
            (None, Search::Everything) => inner
                .by_id
                .range((Bound::Excluded(after), Bound::Unbounded))
                .map(|(_, e)| e)
                .filter(|e| filter.matches_attributes(e.category, e.status))
                .map(|e| e.id)
                .take(want + 1)
                .collect(),
            (None, Search::Within(envelope)) => {
                let mut ids: Vec<PinId> = inner
                    .tree
                    .locate_in_envelope_intersecting(&envelope)
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
            (Some(area), search) => {
                let mut candidates = inner.candidates(&search, filter, after);
                candidates.sort_unstable_by_key(|e| e.id);
                candidates.into_iter().filter(|e| in_area(area, e)).map(|e| e.id).take(want + 1).collect()
            }
        };
        let has_more = ids.len() > want;
        ids.truncate(want);
        Page { ids, has_more }
    }

    pub(super) fn read(&self) -> RwLockReadGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the tree half-updated in a way readers could observe
        // (rstar's insert/remove complete or unwind before returning), so a poisoned lock is still usable.
        self.inner.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Where the R-tree must look for a filter and an optional area.
pub(super) enum Search {
    Everything,
    Within(AABB<[f64; 2]>),
    /// The bbox and the area do not overlap.
    Nothing,
}

pub(super) fn search_envelope(filter: &PinFilter, area: Option<&MultiPolygon<f64>>) -> Search {
    let bbox = filter.bbox.map(|b| [b.min_lon, b.min_lat, b.max_lon, b.max_lat]);
    let area_box = area.and_then(|a| a.bounding_rect()).map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
    let merged = match (bbox, area_box) {
        (None, None) => return Search::Everything,
        (Some(b), None) | (None, Some(b)) => b,
        (Some(a), Some(b)) => [a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])],
    };
    if merged[0] > merged[2] || merged[1] > merged[3] {
        return Search::Nothing;
    }
    Search::Within(AABB::from_corners([merged[0], merged[1]], [merged[2], merged[3]]))
}

pub(super) fn in_area(area: &MultiPolygon<f64>, e: &Entry) -> bool {
    area.intersects(&Point::new(e.point[0], e.point[1]))
}

impl Inner {
    /// Entries in the search region matching the attribute filter with id > `after`, in no order.
    pub(super) fn candidates(&self, search: &Search, filter: &PinFilter, after: PinId) -> Vec<Entry> {
        let keep = |e: &&Entry| e.id > after && filter.matches_attributes(e.category, e.status);
        match search {
            Search::Nothing => Vec::new(),
            Search::Everything => self.by_id.values().filter(keep).copied().collect(),
            Search::Within(envelope) => {
                self.tree.locate_in_envelope_intersecting(envelope).filter(keep).copied().collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Bbox;

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
        let first = index.page(&f, None, None, Limit::parse("4").unwrap_or_default());
        assert_eq!(first, Page { ids: vec![2, 3, 4, 5], has_more: true });
        let second = index.page(&f, None, Some(Cursor(5)), Limit::parse("4").unwrap_or_default());
        assert_eq!(second, Page { ids: vec![6, 7, 8], has_more: false });
    }

    #[test]
    fn upsert_moves_and_remove_forgets() {
        let index = PinIndex::default();
        index.upsert(&loc(1, 0.0, 0.0));
        index.upsert(&loc(1, 5.0, 5.0));
        assert_eq!(index.len(), 1);
        assert!(index.page(&bbox(-1.0, -1.0, 1.0, 1.0), None, None, Limit::default()).ids.is_empty());
        assert_eq!(index.page(&bbox(4.0, 4.0, 6.0, 6.0), None, None, Limit::default()).ids, vec![1]);
        index.remove(1);
        assert!(index.is_empty());
        assert!(index.page(&PinFilter::default(), None, None, Limit::default()).ids.is_empty());
    }
}

//! The pins index's handle ([`PinIndex`]): one R-tree for every pin, nothing beside it; its load and updates,
//! listing pages by id, and the filtered walk that pages, counts and area queries share
//! (`Inner::for_each_matching`: search region, attribute filter, area, cursor).
//!
//! Why only the tree: memory. A second structure keyed by id (a `BTreeMap` cost another ~60 bytes per pin)
//! would double the index for the sake of listings without any box, which are rare. Those listings scan the
//! tree and keep the smallest ids in a bounded heap (`bounded`): O(n log k), a few milliseconds at a million
//! pins. What a leaf holds and how wide the nodes are is in `entry`.
//!
//! Concurrency: a `std::sync::RwLock`, never held across an `.await` (every method here is synchronous), like
//! mini-redis's `Db`. Reads vastly outnumber writes (a citizen adds one pin, planners query thousands), and a
//! write is one R-tree insert (microseconds), so readers are never starved in practice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use rstar::{AABB, Envelope, RTree, SelectionFunction};

use super::bounded::Smallest;
use super::entry::{Entry, Tree};
use super::walk::{self, Search, search_envelope};
use crate::domain::{Cursor, Limit, PinFilter, PinId, PinLocation};
use crate::spatial::PreparedArea;

/// Selects the leaf of one pin: the nodes around its point, the leaf with its id.
struct SameId {
    point: [f64; 2],
    id: PinId,
}

impl SameId {
    fn of(pin: &PinLocation) -> Self {
        Self { point: [pin.lon, pin.lat], id: pin.id }
    }
}

impl SelectionFunction<Entry> for SameId {
    fn should_unpack_parent(&self, envelope: &AABB<[f64; 2]>) -> bool {
        envelope.contains_point(&self.point)
    }

    fn should_unpack_leaf(&self, leaf: &Entry) -> bool {
        leaf.id == self.id
    }
}

#[derive(Default)]
pub(super) struct Inner {
    pub(super) tree: Tree,
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
    pub fn load<'a>(&self, pins: impl IntoIterator<Item = &'a PinLocation>) {
        let entries: Vec<Entry> = pins.into_iter().map(Entry::from_location).collect();
        let tree = RTree::bulk_load_with_params(entries);
        *self.write() = Inner { tree };
        self.loaded.store(true, Ordering::Release);
    }

    /// Whether [`PinIndex::load`] has finished; until then the service is not ready.
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    /// Adds a pin the store has just committed under a new id.
    pub fn insert(&self, pin: &PinLocation) {
        self.write().tree.insert(Entry::from_location(pin));
    }

    /// Replaces the pin `new.id` with `new`, after the store committed the change. The entry is found by its
    /// id at its point (pins never move), whatever attributes it was indexed with, so a stale `old` cannot
    /// leave it behind or take another away.
    pub fn replace(&self, new: &PinLocation) {
        let mut inner = self.write();
        inner.tree.remove_with_selection_function(SameId::of(new));
        inner.tree.insert(Entry::from_location(new));
    }

    /// Removes the pin `pin.id` (found by id at its point), after the store committed the change. Whether
    /// it was there is returned.
    pub fn remove(&self, pin: &PinLocation) -> bool {
        self.write().tree.remove_with_selection_function(SameId::of(pin)).is_some()
    }

    pub fn len(&self) -> usize {
        self.read().tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first `limit` ids (ascending) after `cursor` that match `filter` and, when given, lie in `area`
    /// (inside or on its boundary, as `ST_Intersects`).
    ///
    /// The walk visits the bbox (edges inclusive) and/or the area's bounding box, tests area membership
    /// with the prepared area (whole subtrees at once where the area surely covers them), and keeps the
    /// smallest ids in a bounded heap instead of sorting every candidate.
    pub fn page(&self, filter: &PinFilter, area: Option<&PreparedArea>, cursor: Option<Cursor>, limit: Limit) -> Page {
        let after = cursor.map_or(PinId::MIN, |c| c.0);
        let want = limit.get();
        let inner = self.read();
        let search = search_envelope(filter, area);
        let mut smallest = Smallest::new(want + 1);
        inner.for_each_matching(&search, filter, after, area, |e| smallest.offer(e.id));
        let mut ids = smallest.into_sorted_vec();
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

impl Inner {
    /// Calls `f` on each entry in the search region matching the attribute filter with id > `after` and lying
    /// in `area` when given (inside or on its boundary, as `ST_Intersects`), in no order.
    pub(super) fn for_each_matching(
        &self,
        search: &Search,
        filter: &PinFilter,
        after: PinId,
        area: Option<&PreparedArea>,
        mut f: impl FnMut(&Entry),
    ) {
        let mut keep = |e: &Entry| {
            if e.id > after && filter.matches_attributes(e.category, e.status, e.precision, e.created_at_us) {
                f(e);
            }
        };
        let root = self.tree.root();
        match (search, area) {
            (Search::Nothing, _) => {}
            (Search::Everything, None) => walk::for_each(root, &mut keep),
            (Search::Everything, Some(_)) => {
                let everywhere = AABB::from_corners([f64::MIN, f64::MIN], [f64::MAX, f64::MAX]);
                walk::for_each_in(root, &everywhere, area, &mut keep);
            }
            (Search::InBox(envelope), _) => walk::for_each_in(root, envelope, area, &mut keep),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Bbox;

    use crate::index::entry::test_location as loc;

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
    fn replace_and_remove_go_by_id_whatever_was_indexed() {
        let index = PinIndex::default();
        let neighbour = loc(2, 0.0, 0.0);
        index.insert(&loc(1, 0.0, 0.0));
        index.insert(&neighbour);
        // The pin as it is now, with an attribute the index did not hold for it.
        let mut changed = loc(1, 0.0, 0.0);
        changed.status = crate::domain::Status::Resolved;
        index.replace(&changed);
        index.replace(&changed);
        assert_eq!(index.len(), 2, "replaced, not added");
        let resolved = PinFilter { statuses: vec![crate::domain::Status::Resolved], ..PinFilter::default() };
        assert_eq!(index.page(&resolved, None, None, Limit::default()).ids, vec![1]);
        assert!(index.remove(&loc(1, 0.0, 0.0)), "found by id although indexed as resolved");
        assert!(!index.remove(&loc(1, 0.0, 0.0)));
        assert_eq!(index.page(&PinFilter::default(), None, None, Limit::default()).ids, vec![2], "the neighbour stays");
    }

    #[test]
    fn listings_without_a_box_page_through_every_id_in_order() {
        let index = PinIndex::default();
        // Ids deliberately not in spatial order.
        let pins: Vec<PinLocation> =
            (1..=1000).map(|i| loc((i * 7919) % 1000 + 1, f64::from(i as i32 % 37), 0.0)).collect();
        index.load(&pins);
        let mut seen: Vec<PinId> = Vec::new();
        let mut cursor = None;
        loop {
            let page = index.page(&PinFilter::default(), None, cursor, Limit::parse("64").unwrap_or_default());
            seen.extend(&page.ids);
            if !page.has_more {
                break;
            }
            cursor = page.ids.last().map(|&id| Cursor(id));
        }
        assert_eq!(seen, (1..=1000).collect::<Vec<_>>());
    }
}

//! Pages and counts for filters richer than a listing's: an extra per-pin test (a CQL2 filter, a box given in
//! a projected CRS) on top of the box, area and attribute filters, and pages in both directions, so that
//! OGC API – Features can link to the previous page as well as the next.
//!
//! The extra test only ever sees pins the R-tree walk already found inside the search box (the filter's box,
//! the area's, and any box the caller derived from its test), so a spatial filter is still answered from
//! the tree, never by a scan of every pin.
//!
//! Also here, for the same callers (OGC API and the web map): every match at once with its indexed attributes
//! ([`PinIndex::matching`], for the web map), and the extent of all pins (for an OGC collection's `extent`).

use std::cmp::Reverse;

use super::PinIndex;
use super::bounded::Smallest;
use super::entry::Entry;
use super::walk::{self, narrow, search_envelope};
use crate::domain::{Category, Limit, LocationPrecision, PinFilter, PinId, Status};
use crate::spatial::PreparedArea;

/// What a per-pin test sees: the pin as the index holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexedPin {
    pub id: PinId,
    pub lon: f64,
    pub lat: f64,
    pub category: Category,
    pub status: Status,
    pub precision: LocationPrecision,
    pub created_at_us: i64,
}

impl From<&Entry> for IndexedPin {
    fn from(e: &Entry) -> Self {
        Self {
            id: e.id,
            lon: e.point[0],
            lat: e.point[1],
            category: e.category,
            status: e.status,
            precision: e.precision,
            created_at_us: e.created_at_us,
        }
    }
}

/// A filter for [`PinIndex::page_of`], [`PinIndex::count_of`] and [`PinIndex::matching`].
#[derive(Clone, Copy)]
pub struct PinQuery<'a> {
    pub filter: &'a PinFilter,
    pub area: Option<&'a PreparedArea>,
    /// A lon/lat box `[min_lon, min_lat, max_lon, max_lat]` every match lies in, when the caller's test
    /// implies one (a CQL2 `S_INTERSECTS`, a projected `bbox`): the walk looks only there. An inverted box
    /// (min > max) holds nothing.
    pub lon_lat_box: Option<[f64; 4]>,
    /// A last test on each pin the rest of the query keeps.
    pub test: Option<&'a dyn Fn(&IndexedPin) -> bool>,
}

impl<'a> PinQuery<'a> {
    pub fn new(filter: &'a PinFilter) -> Self {
        Self { filter, area: None, lon_lat_box: None, test: None }
    }
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFrom {
    /// The smallest ids.
    Start,
    /// The smallest ids greater than this one.
    After(PinId),
    /// The largest ids smaller than this one (still answered in ascending order).
    Before(PinId),
}

/// A page in ascending id order; `more` says whether matches remain beyond it in the direction it was asked
/// for (after its last id for `Start`/`After`, before its first for `Before`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectedPage {
    pub ids: Vec<PinId>,
    pub more: bool,
    /// How many pins match the query in all (on every page), counted by the same walk.
    pub matched: u64,
}

/// A page of [`PinIndex::matching_page`].
#[derive(Debug, Clone, PartialEq)]
pub struct MatchingPage {
    pub pins: Vec<IndexedPin>,
    /// Whether matches remain after the last.
    pub more: bool,
    /// How many pins match in all.
    pub matched: u64,
}

/// A pin ordered by its id alone, for the bounded heap.
struct ById(IndexedPin);

impl PartialEq for ById {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for ById {}

impl PartialOrd for ById {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ById {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.id.cmp(&other.0.id)
    }
}

impl PinIndex {
    /// One page of the pins matching `query`, from `from`, at most `limit`.
    pub fn page_of(&self, query: &PinQuery, from: PageFrom, limit: Limit) -> DirectedPage {
        let want = limit.get();
        let mut matched = 0_u64;
        let mut ids = match from {
            PageFrom::Start | PageFrom::After(_) => {
                let after = if let PageFrom::After(a) = from { a } else { PinId::MIN };
                let mut smallest: Smallest<PinId> = Smallest::new(want + 1);
                self.for_each_of(query, |id| {
                    matched += 1;
                    if id > after {
                        smallest.offer(id);
                    }
                });
                smallest.into_sorted_vec()
            }
            PageFrom::Before(before) => {
                let mut largest: Smallest<Reverse<PinId>> = Smallest::new(want + 1);
                self.for_each_of(query, |id| {
                    matched += 1;
                    if id < before {
                        largest.offer(Reverse(id));
                    }
                });
                let mut ids: Vec<PinId> = largest.into_vec().into_iter().map(|Reverse(id)| id).collect();
                ids.sort_unstable();
                ids
            }
        };
        let more = ids.len() > want;
        if more {
            match from {
                PageFrom::Before(_) => {
                    ids.remove(0);
                }
                _ => ids.truncate(want),
            }
        }
        DirectedPage { ids, more, matched }
    }

    /// How many pins match `query`.
    pub fn count_of(&self, query: &PinQuery) -> u64 {
        let mut n = 0_u64;
        self.for_each_of(query, |_| n += 1);
        n
    }

    /// Every pin matching `query`, as the index holds it, in ascending id order: for answers that need all
    /// of them at once (the web map draws every pin; its table sorts them by other keys than id) and no
    /// more of each pin than the index has, so the store is never read.
    pub fn matching(&self, query: &PinQuery) -> Vec<IndexedPin> {
        let mut pins = Vec::new();
        self.for_each_entry_of(query, |e| pins.push(IndexedPin::from(e)));
        pins.sort_unstable_by_key(|p| p.id);
        pins
    }

    /// At most `limit` of the pins matching `query` with ids above `after`, ascending, as the index holds
    /// them, with how many match in all and whether more remain: [`matching`](Self::matching) in bounded
    /// pages, for answers a stranger may ask for (a bounded heap, so memory is `limit`, not every match).
    pub fn matching_page(&self, query: &PinQuery, after: PinId, limit: Limit) -> MatchingPage {
        let mut smallest: Smallest<ById> = Smallest::new(limit.get() + 1);
        let mut matched = 0_u64;
        self.for_each_entry_of(query, |e| {
            matched += 1;
            if e.id > after {
                smallest.offer(ById(IndexedPin::from(e)));
            }
        });
        let mut pins: Vec<IndexedPin> = smallest.into_sorted_vec().into_iter().map(|p| p.0).collect();
        let more = pins.len() > limit.get();
        pins.truncate(limit.get());
        MatchingPage { pins, more, matched }
    }

    /// The lon/lat box of every pin and the first and last report time (µs), `None` when there is no pin.
    pub fn extent(&self) -> Option<([f64; 4], i64, i64)> {
        let inner = self.read();
        if inner.tree.size() == 0 {
            return None;
        }
        let envelope = inner.tree.root().envelope();
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        walk::for_each(inner.tree.root(), &mut |e| {
            first = first.min(e.created_at_us);
            last = last.max(e.created_at_us);
        });
        let (lo, hi) = (envelope.lower(), envelope.upper());
        Some(([lo[0], lo[1], hi[0], hi[1]], first, last))
    }

    /// Calls `f` with the id of every pin matching `query`, in no order.
    fn for_each_of(&self, query: &PinQuery, mut f: impl FnMut(PinId)) {
        self.for_each_entry_of(query, |e| f(e.id));
    }

    /// Calls `f` on every entry matching `query`, in no order.
    fn for_each_entry_of(&self, query: &PinQuery, mut f: impl FnMut(&Entry)) {
        let mut search = search_envelope(query.filter, query.area);
        if let Some([x0, y0, x1, y1]) = query.lon_lat_box {
            search = narrow(search, [x0, y0, x1, y1]);
        }
        let in_box = |e: &Entry| {
            query.lon_lat_box.is_none_or(|[x0, y0, x1, y1]| {
                e.point[0] >= x0 && e.point[0] <= x1 && e.point[1] >= y0 && e.point[1] <= y1
            })
        };
        let Some(test) = query.test else {
            let inner = self.read();
            inner.for_each_matching(&search, query.filter, PinId::MIN, query.area, |e| {
                if in_box(e) {
                    f(e);
                }
            });
            return;
        };
        // The caller's test may be slow (a CQL2 filter): the walk only copies the candidates, and the test
        // runs after the lock is released, so a write never waits for it.
        let mut candidates: Vec<Entry> = Vec::new();
        {
            let inner = self.read();
            inner.for_each_matching(&search, query.filter, PinId::MIN, query.area, |e| {
                if in_box(e) {
                    candidates.push(*e);
                }
            });
        }
        for e in &candidates {
            if test(&IndexedPin::from(e)) {
                f(e);
            }
        }
    }

    /// The ids of every pin matching `query`, ascending: the candidates of a filter that needs the record,
    /// which are then read from the store in id order.
    pub fn ids_of(&self, query: &PinQuery) -> Vec<PinId> {
        let mut ids = Vec::new();
        self.for_each_of(query, |id| ids.push(id));
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PinLocation;
    use chrono::Utc;

    fn index(n: i64) -> PinIndex {
        let pins: Vec<PinLocation> = (1..=n)
            .map(|id| PinLocation {
                visibility: Default::default(),
                id,
                lon: (id % 10) as f64,
                lat: (id / 10) as f64,
                category: Category::ALL[(id % 6) as usize],
                status: Status::New,
                precision: LocationPrecision::Point,
                created_at: Utc::now(),
            })
            .collect();
        let index = PinIndex::default();
        index.load(&pins);
        index
    }

    fn limit(n: usize) -> Limit {
        Limit::parse(&n.to_string()).unwrap_or_default()
    }

    #[test]
    fn pages_forwards_and_backwards_cover_the_same_ids() {
        let index = index(100);
        let filter = PinFilter::default();
        let even = |p: &IndexedPin| p.id % 2 == 0;
        let query = PinQuery { test: Some(&even), ..PinQuery::new(&filter) };
        assert_eq!(index.count_of(&query), 50);
        let first = index.page_of(&query, PageFrom::Start, limit(7));
        assert_eq!(first.ids, vec![2, 4, 6, 8, 10, 12, 14]);
        assert!(first.more);
        let second = index.page_of(&query, PageFrom::After(14), limit(7));
        assert_eq!(second.ids[0], 16);
        let back = index.page_of(&query, PageFrom::Before(16), limit(7));
        assert_eq!(back, DirectedPage { ids: first.ids.clone(), more: false, matched: 50 });
        let back_short = index.page_of(&query, PageFrom::Before(16), limit(3));
        assert_eq!(back_short, DirectedPage { ids: vec![10, 12, 14], more: true, matched: 50 });
        let last = index.page_of(&query, PageFrom::After(96), limit(7));
        assert_eq!(last, DirectedPage { ids: vec![98, 100], more: false, matched: 50 });
    }

    #[test]
    fn matching_pages_hold_every_match_once_in_id_order() {
        let index = index(100);
        let filter = PinFilter { categories: vec![Category::ALL[2]], ..Default::default() };
        let query = PinQuery::new(&filter);
        let all = index.matching(&query);
        let mut paged = Vec::new();
        let mut after = PinId::MIN;
        loop {
            let page = index.matching_page(&query, after, limit(4));
            assert_eq!(page.matched, all.len() as u64);
            assert!(page.pins.len() <= 4);
            paged.extend(page.pins.iter().copied());
            match (page.more, page.pins.last()) {
                (true, Some(last)) => after = last.id,
                _ => break,
            }
        }
        assert_eq!(paged, all);
        let whole = index.matching_page(&query, PinId::MIN, limit(1000));
        assert_eq!((whole.pins, whole.more), (all, false));
    }

    #[test]
    fn a_test_runs_outside_the_lock_so_a_write_never_waits_for_it() {
        let index = index(10);
        let filter = PinFilter::default();
        let writer = index.clone();
        // The test itself writes to the index: under the read lock this would deadlock.
        let test = |p: &IndexedPin| {
            if p.id == 5 {
                writer.remove(&PinLocation {
                    visibility: Default::default(),
                    id: 5,
                    lon: 5.0,
                    lat: 0.0,
                    category: Category::ALL[5],
                    status: Status::New,
                    precision: LocationPrecision::Point,
                    created_at: Utc::now(),
                });
            }
            true
        };
        let query = PinQuery { test: Some(&test), ..PinQuery::new(&filter) };
        assert_eq!(index.count_of(&query), 10, "the walk saw the pins as they were");
        assert_eq!(index.len(), 9);
    }

    #[test]
    fn a_box_from_the_test_narrows_the_walk() {
        let index = index(100);
        let filter = PinFilter { categories: vec![Category::ALL[0]], ..Default::default() };
        let query = PinQuery { lon_lat_box: Some([0.0, 0.0, 5.0, 2.0]), ..PinQuery::new(&filter) };
        // ids with lon 0..=5, lat 0..=2 (ids 1..=25 with id % 10 <= 5), category slot 0 (id % 6 == 0).
        let want: Vec<PinId> = (1..=29).filter(|id| id % 10 <= 5 && id / 10 <= 2 && id % 6 == 0).collect();
        assert_eq!(index.page_of(&query, PageFrom::Start, limit(100)).ids, want);
        let nothing = PinQuery { lon_lat_box: Some([50.0, 50.0, 60.0, 60.0]), ..PinQuery::new(&filter) };
        assert_eq!(index.count_of(&nothing), 0);
    }

    #[test]
    fn matching_holds_every_match_with_its_attributes_in_id_order() {
        let index = index(100);
        let filter = PinFilter { categories: vec![Category::ALL[1], Category::ALL[4]], ..Default::default() };
        let query = PinQuery { lon_lat_box: Some([2.0, 0.0, 9.0, 9.0]), ..PinQuery::new(&filter) };
        let got = index.matching(&query);
        let want: Vec<PinId> = (1..=99).filter(|id| id % 10 >= 2 && (id % 6 == 1 || id % 6 == 4)).collect();
        assert_eq!(got.iter().map(|p| p.id).collect::<Vec<_>>(), want);
        assert_eq!(got.len() as u64, index.count_of(&query));
        for p in &got {
            assert_eq!((p.lon, p.lat), ((p.id % 10) as f64, (p.id / 10) as f64));
            assert_eq!((p.category, p.status), (Category::ALL[(p.id % 6) as usize], Status::New));
        }
    }
}

//! Where the pins R-tree is searched ([`Search`]) and the walk over it, by hand over rstar's public nodes.
//!
//! Every query of the index narrows its region the same way first: the filter's bbox, the area's bounding box
//! and any box the caller derived from its own test are intersected into one [`Search`], and an empty
//! intersection is answered without opening a node. The walk then visits only that region.
//!
//! Why not rstar's `locate_in_envelope_intersecting`: its iterator tests every leaf it meets against the box
//! and keeps a stack of child iterators; a window of ~1 km² returns hundreds of pins, most of them in subtrees
//! that lie wholly inside the window. Here such a subtree is emptied without a single test, and the walk is
//! plain recursion (a bulk-loaded tree of a million pins is five levels deep), which the compiler turns into
//! tight loops over each node's children. Measured in BENCHMARKS.md (bbox windows).

use rstar::{AABB, Envelope, ParentNode, RTreeNode};

use super::entry::Entry;
use crate::domain::PinFilter;
use crate::spatial::PreparedArea;

/// Where the R-tree must look for a filter and an optional area.
pub(super) enum Search {
    /// No box narrows the search.
    Everything,
    /// Only inside this lon/lat box, edges inclusive.
    InBox(AABB<[f64; 2]>),
    /// The boxes do not overlap.
    Nothing,
}

/// The region of a filter's bbox and an area's bounding box, both when both are given.
///
/// `#[inline]`: its callers ([`PinIndex::page`](super::PinIndex::page) among them) live in other files, and
/// without it each page paid a call for it (1% of a bbox page's instructions under callgrind).
#[inline]
pub(super) fn search_envelope(filter: &PinFilter, area: Option<&PreparedArea>) -> Search {
    let bbox = filter.bbox.map(|b| [b.min_lon, b.min_lat, b.max_lon, b.max_lat]);
    let merged = match (bbox, area.map(PreparedArea::bounding_box)) {
        // An area without a box is empty: nothing lies in it.
        (_, Some(None)) => return Search::Nothing,
        (None, None) => return Search::Everything,
        (Some(b), None) | (None, Some(Some(b))) => b,
        (Some(a), Some(Some(b))) => [a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])],
    };
    if merged[0] > merged[2] || merged[1] > merged[3] {
        return Search::Nothing;
    }
    Search::InBox(AABB::from_corners([merged[0], merged[1]], [merged[2], merged[3]]))
}

/// The part of `search` inside the box `[min_lon, min_lat, max_lon, max_lat]`; an inverted or NaN box holds
/// nothing.
pub(super) fn narrow(search: Search, [x0, y0, x1, y1]: [f64; 4]) -> Search {
    let merged = match search {
        Search::Nothing => return Search::Nothing,
        Search::Everything => [x0, y0, x1, y1],
        Search::InBox(e) => {
            let (lo, hi) = (e.lower(), e.upper());
            [lo[0].max(x0), lo[1].max(y0), hi[0].min(x1), hi[1].min(y1)]
        }
    };
    if merged[0] > merged[2] || merged[1] > merged[3] || merged.iter().any(|v| v.is_nan()) {
        return Search::Nothing;
    }
    Search::InBox(AABB::from_corners([merged[0], merged[1]], [merged[2], merged[3]]))
}

/// Whether the entry lies in `area`, inside or on its boundary (as `ST_Intersects`).
#[inline]
pub(super) fn in_area(area: &PreparedArea, e: &Entry) -> bool {
    area.intersects(e.point[0], e.point[1])
}

/// Calls `f` on every entry inside `window` (edges inclusive) and, when given, covered by `area` (inside or
/// on its boundary), in no particular order. A subtree inside the window (and wholly inside the area, by
/// [`PreparedArea::covers_box`]) is emptied without a test per pin: most pins of a window or a district lie
/// in such subtrees.
pub(super) fn for_each_in(
    node: &ParentNode<Entry>,
    window: &AABB<[f64; 2]>,
    area: Option<&PreparedArea>,
    f: &mut impl FnMut(&Entry),
) {
    let (lo, hi) = (window.lower(), window.upper());
    for child in node.children() {
        match child {
            RTreeNode::Leaf(e) => {
                let [x, y] = e.point;
                if x >= lo[0] && x <= hi[0] && y >= lo[1] && y <= hi[1] && area.is_none_or(|a| a.intersects(x, y)) {
                    f(e);
                }
            }
            RTreeNode::Parent(p) => {
                let envelope = p.envelope();
                if !window.intersects(&envelope) {
                    continue;
                }
                let ([x0, y0], [x1, y1]) = (envelope.lower(), envelope.upper());
                if window.contains_envelope(&envelope) && area.is_none_or(|a| a.covers_box([x0, y0, x1, y1])) {
                    for_each(p, f);
                } else {
                    for_each_in(p, window, area, f);
                }
            }
        }
    }
}

/// Calls `f` on every entry under `node`.
pub(super) fn for_each(node: &ParentNode<Entry>, f: &mut impl FnMut(&Entry)) {
    for child in node.children() {
        match child {
            RTreeNode::Leaf(e) => f(e),
            RTreeNode::Parent(p) => for_each(p, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, Status};
    use crate::index::entry::Tree;
    use geo::polygon;
    use rand::{Rng, SeedableRng};

    #[test]
    fn the_walk_finds_exactly_what_rstar_finds() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x2545_F491_4F6C_DD1D);
        let mut next = move || rng.random::<f64>();
        // Points on a coarse grid, so that many lie exactly on window edges.
        let entries: Vec<Entry> = (0..20_000)
            .map(|i| Entry {
                point: [(next() * 200.0).round() / 100.0, (next() * 200.0).round() / 100.0],
                id: i,
                created_at_us: 0,
                category: Category::Other,
                status: Status::New,
                precision: Default::default(),
            })
            .collect();
        let tree = Tree::bulk_load_with_params(entries);
        for _ in 0..500 {
            let (x, y) = ((next() * 200.0).round() / 100.0, (next() * 200.0).round() / 100.0);
            let (w, h) = ((next() * 60.0).round() / 100.0, (next() * 60.0).round() / 100.0);
            let window = AABB::from_corners([x, y], [x + w, y + h]);
            let mut got = Vec::new();
            for_each_in(tree.root(), &window, None, &mut |e| got.push(e.id));
            let mut want: Vec<_> = tree.locate_in_envelope_intersecting(&window).map(|e| e.id).collect();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want);
        }
        let square = geo::MultiPolygon(vec![polygon![
            (x: 0.3, y: 0.3), (x: 1.7, y: 0.3), (x: 1.7, y: 1.7), (x: 0.3, y: 1.7), (x: 0.3, y: 0.3)
        ]]);
        let area = PreparedArea::new(&square);
        let everywhere = AABB::from_corners([-1.0, -1.0], [3.0, 3.0]);
        let mut got = Vec::new();
        for_each_in(tree.root(), &everywhere, Some(&area), &mut |e| got.push(e.id));
        let mut want: Vec<_> = tree.iter().filter(|e| area.intersects(e.point[0], e.point[1])).map(|e| e.id).collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want);
        assert!(got.len() > 5_000);
        let mut all = 0;
        for_each(tree.root(), &mut |_| all += 1);
        assert_eq!(all, 20_000);
    }
}

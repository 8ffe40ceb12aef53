//! Walking the pins R-tree for a box, by hand over rstar's public nodes.
//!
//! Why not rstar's `locate_in_envelope_intersecting`: its iterator tests every leaf it meets against the box
//! and keeps a stack of child iterators; a window of ~1 km² returns hundreds of pins, most of them in subtrees
//! that lie wholly inside the window. Here such a subtree is emptied without a single test, and the walk is
//! plain recursion (a bulk-loaded tree of a million pins is five levels deep), which the compiler turns into
//! tight loops over each node's children. Measured in BENCHMARKS.md (bbox windows).

use rstar::{AABB, Envelope, ParentNode, RTreeNode};

use super::pins::Entry;
use crate::spatial::PreparedArea;

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
    use crate::index::pins::Tree;
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

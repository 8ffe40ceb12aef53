//! The k nearest pins in true metres, by a best-first walk over the R-tree's nodes.
//!
//! Why not rstar's own nearest-neighbour iterator: it ranks by distance in degrees, and a degree of longitude
//! here (81 km) is a fifth shorter than one of latitude (111 km). Turning a distance in degrees into a safe
//! bound in metres must then assume the shorter of the two in every direction, so the walk has to visit every
//! pin out to 1.37 times the k-th distance: hundreds of thousands of pins for a query point kilometres from
//! the nearest pin. Here each node's box gets its own lower bound in metres, with the length of a degree of
//! longitude and one of latitude applied separately; the walk stops when the nearest unvisited box is farther
//! than the k-th best pin, so it visits little more than the pins it returns.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rstar::{AABB, ParentNode, RTreeNode};

use super::entry::{Entry, Tree};
use crate::domain::{Near, PinId};
use crate::spatial::measure::distance_m;

/// The `k` nearest pins that satisfy `matches` (and lie within `near.radius_m` when given), by geodesic
/// distance then id.
pub(super) fn k_nearest(tree: &Tree, near: &Near, k: usize, matches: impl Fn(&Entry) -> bool) -> Vec<(PinId, f64)> {
    let centre = [near.lon, near.lat];
    let mut best = Best { k, limit_m: near.radius_m.unwrap_or(f64::INFINITY), hits: Vec::with_capacity(k + 1) };
    if k == 0 {
        return Vec::new();
    }
    let mut pending = BinaryHeap::new();
    pending.push(Pending { bound_m: 0.0, node: tree.root() });
    while let Some(Pending { bound_m, node }) = pending.pop() {
        if bound_m > best.worst_m() {
            break;
        }
        for child in node.children() {
            match child {
                RTreeNode::Leaf(e) => {
                    // The bound is cheap; the exact distance (Karney's series beyond 2 km) only when it may count.
                    if lower_bound_m(centre, e.point, e.point) <= best.worst_m() && matches(e) {
                        best.offer(distance_m((centre[0], centre[1]), (e.point[0], e.point[1])), e.id);
                    }
                }
                RTreeNode::Parent(p) => {
                    let envelope: AABB<[f64; 2]> = p.envelope();
                    let bound_m = lower_bound_m(centre, envelope.lower(), envelope.upper());
                    if bound_m <= best.worst_m() {
                        pending.push(Pending { bound_m, node: p });
                    }
                }
            }
        }
    }
    best.hits.into_iter().map(|(d, id)| (id, d)).collect()
}

/// The best hits so far, by distance then id, at most `k`.
struct Best {
    k: usize,
    limit_m: f64,
    hits: Vec<(f64, PinId)>,
}

impl Best {
    /// The distance a pin must not exceed to enter the answer.
    fn worst_m(&self) -> f64 {
        if self.hits.len() == self.k { self.hits[self.k - 1].0.min(self.limit_m) } else { self.limit_m }
    }

    fn offer(&mut self, d: f64, id: PinId) {
        if d > self.limit_m {
            return;
        }
        let at = self.hits.partition_point(|&(bd, bid)| bd.total_cmp(&d).then(bid.cmp(&id)).is_lt());
        if at < self.k {
            self.hits.insert(at, (d, id));
            self.hits.truncate(self.k);
        }
    }
}

/// A node waiting to be opened, nearest bound first.
struct Pending<'a> {
    bound_m: f64,
    node: &'a ParentNode<Entry>,
}

impl PartialEq for Pending<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.bound_m == other.bound_m
    }
}
impl Eq for Pending<'_> {}
impl PartialOrd for Pending<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending<'_> {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the smallest bound first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.bound_m.total_cmp(&self.bound_m)
    }
}

/// Metres per degree of latitude, at least (the meridian's radius of curvature is smallest at the equator,
/// a·(1 − e²) = 6,335,439 m), and per degree of longitude at the equator (a = 6,378,137 m), each less 0.1%.
const MIN_M_PER_DEG_LAT: f64 = 110_574.0 * 0.999;
const M_PER_DEG_LON_EQUATOR: f64 = 111_319.0 * 0.999;

/// A lower bound on the geodesic distance in metres from `q` to any point of the box `lo`–`hi`.
///
/// Any path from `q` to a point of the box crosses at least `dx` degrees of longitude and `dy` of latitude,
/// never goes farther poleward than the box, `q` and a geodesic's poleward bulge, and there a degree of
/// longitude is at least `M_PER_DEG_LON_EQUATOR · cos φ` long. The path's length is then at least the
/// hypotenuse of the two scaled crossings (the triangle inequality for the integral of its speed).
fn lower_bound_m(q: [f64; 2], lo: [f64; 2], hi: [f64; 2]) -> f64 {
    let dx = (lo[0] - q[0]).max(q[0] - hi[0]).max(0.0);
    let dy = (lo[1] - q[1]).max(q[1] - hi[1]).max(0.0);
    let span_lon = (q[0] - lo[0]).abs().max((hi[0] - q[0]).abs());
    let m_per_deg_lon = if span_lon > 20.0 {
        0.0
    } else {
        // A geodesic spanning Δλ bulges poleward by at most about Δλ²/16 (radians); doubled, plus 0.01°.
        let bulge = 2.0 * (span_lon.to_radians().powi(2) / 16.0).to_degrees() + 0.01;
        let poleward = (q[1].abs().max(lo[1].abs()).max(hi[1].abs()) + bulge).min(90.0);
        M_PER_DEG_LON_EQUATOR * poleward.to_radians().cos()
    };
    (dx * m_per_deg_lon).hypot(dy * MIN_M_PER_DEG_LAT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn the_bound_never_exceeds_the_geodesic_distance() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x9E37_79B9_7F4A_7C15);
        let mut next = move || rng.random::<f64>();
        for _ in 0..20_000 {
            let q = [-170.0 + next() * 340.0, -80.0 + next() * 160.0];
            let reach = [0.01, 0.5, 5.0, 30.0][(next() * 4.0) as usize % 4];
            let p = [q[0] + (next() - 0.5) * reach, (q[1] + (next() - 0.5) * reach).clamp(-89.0, 89.0)];
            let exact = crate::spatial::measure::geodesic_distance_m((q[0], q[1]), (p[0], p[1]));
            assert!(lower_bound_m(q, p, p) <= exact, "{q:?} → {p:?}: bound {} > {exact}", lower_bound_m(q, p, p));
        }
    }
}

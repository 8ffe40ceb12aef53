//! Box, area and distance questions over the pins index: every pin in a box, all pins in an area and their
//! statistics, and pins near a point in true metres (in a radius, or the k nearest).
//!
//! Distances: the R-tree works in degrees, which are not metres (a degree of longitude is 81 km here, one of
//! latitude 111 km). So the tree only supplies candidates from a box that surely contains the circle, and
//! the geodesic distance on WGS 84 filters and ranks them. The k nearest come from a best-first walk with
//! bounds in metres (`nearest`).

use chrono::{DateTime, Utc};
use rstar::AABB;

use super::PinIndex;
use super::entry::Entry;
use super::nearest::k_nearest;
use super::walk::{self, in_area, search_envelope};
use crate::domain::{Bbox, Category, Limit, Near, NearCursor, PinFilter, PinId, PinStats, Status};
use crate::spatial::PreparedArea;
use crate::spatial::measure::{distance_m, radius_envelope};

/// One page of a distance-ordered listing.
#[derive(Debug, Clone, PartialEq)]
pub struct NearPage {
    /// (id, distance in metres), by distance then id.
    pub hits: Vec<(PinId, f64)>,
    pub has_more: bool,
}

impl PinIndex {
    /// Every pin id in the box (edges inclusive), in no particular order: the raw R-tree answer.
    pub fn ids_in_bbox(&self, bbox: &Bbox) -> Vec<PinId> {
        let mut ids = Vec::new();
        self.ids_in_bbox_into(bbox, &mut ids);
        ids
    }

    /// As [`PinIndex::ids_in_bbox`], into `out` (cleared first), so that a caller asking for many windows
    /// reuses one buffer. Growing a fresh vector was 15% of the instructions of a 700-pin window (callgrind,
    /// BENCHMARKS.md).
    pub fn ids_in_bbox_into(&self, bbox: &Bbox, out: &mut Vec<PinId>) {
        out.clear();
        let envelope = AABB::from_corners([bbox.min_lon, bbox.min_lat], [bbox.max_lon, bbox.max_lat]);
        walk::for_each_in(self.read().tree.root(), &envelope, None, &mut |e| out.push(e.id));
    }

    /// Every pin id in `area` (inside or on its boundary), ascending.
    pub fn ids_in(&self, area: &PreparedArea) -> Vec<PinId> {
        let inner = self.read();
        let (search, filter) = (search_envelope(&PinFilter::default(), Some(area)), PinFilter::default());
        let mut ids: Vec<PinId> = Vec::new();
        inner.for_each_matching(&search, &filter, PinId::MIN, Some(area), |e| ids.push(e.id));
        ids.sort_unstable();
        ids
    }

    /// Counts by category and status and the first and last report time of the pins in `area`.
    pub fn stats_in(&self, area: &PreparedArea) -> PinStats {
        let inner = self.read();
        let (search, filter) = (search_envelope(&PinFilter::default(), Some(area)), PinFilter::default());
        let mut by_category = Category::ALL.map(|c| (c, 0_u64));
        let mut by_status = Status::ALL.map(|s| (s, 0_u64));
        let (mut count, mut first, mut last) = (0_u64, i64::MAX, i64::MIN);
        inner.for_each_matching(&search, &filter, PinId::MIN, Some(area), |e| {
            count += 1;
            // `ALL` lists the variants in declaration order, so a variant's discriminant is its slot.
            if let Some(slot) = by_category.get_mut(e.category as usize) {
                slot.1 += 1;
            }
            if let Some(slot) = by_status.get_mut(e.status as usize) {
                slot.1 += 1;
            }
            first = first.min(e.created_at_us);
            last = last.max(e.created_at_us);
        });
        debug_assert!(by_category.iter().enumerate().all(|(i, (c, _))| *c as usize == i));
        debug_assert!(by_status.iter().enumerate().all(|(i, (s, _))| *s as usize == i));
        let at = |us: i64| (count > 0).then(|| DateTime::<Utc>::from_timestamp_micros(us)).flatten();
        PinStats {
            count,
            by_category: by_category.to_vec(),
            by_status: by_status.to_vec(),
            first_report_at: at(first),
            last_report_at: at(last),
        }
    }

    /// Pins near a point, by geodesic distance then id, after `cursor`, at most `limit`, also matching
    /// `filter` and lying in `area` when given. Only the page is sorted: the rest of a radius's hits are
    /// merely partitioned off.
    pub fn near_page(
        &self,
        filter: &PinFilter,
        area: Option<&PreparedArea>,
        near: &Near,
        cursor: Option<NearCursor>,
        limit: Limit,
    ) -> NearPage {
        let mut hits = match near.k {
            Some(_) => self.near(filter, area, near),
            None => self.in_radius(filter, area, near),
        };
        if let Some(c) = cursor {
            hits.retain(|&(id, d)| (d, id) > (c.distance_m, c.id));
        }
        let has_more = hits.len() > limit.get();
        if has_more {
            hits.select_nth_unstable_by_key(limit.get(), distance_then_id);
            hits.truncate(limit.get());
        }
        hits.sort_unstable_by_key(distance_then_id);
        NearPage { hits, has_more }
    }

    /// Every hit of a near query (within the radius, or the k nearest), by geodesic distance then id.
    pub fn near(&self, filter: &PinFilter, area: Option<&PreparedArea>, near: &Near) -> Vec<(PinId, f64)> {
        if let Some(k) = near.k {
            let inner = self.read();
            return k_nearest(&inner.tree, near, k, |e| near_filter(filter, area, e));
        }
        let mut hits = self.in_radius(filter, area, near);
        hits.sort_unstable_by_key(distance_then_id);
        hits
    }

    /// The pins within `near.radius_m` (0 when absent) of the point with their geodesic distances, matching
    /// `filter` and lying in `area` when given, in no particular order (what `ST_DWithin` answers).
    pub fn in_radius(&self, filter: &PinFilter, area: Option<&PreparedArea>, near: &Near) -> Vec<(PinId, f64)> {
        let centre = (near.lon, near.lat);
        let radius = near.radius_m.unwrap_or(0.0);
        let [x0, y0, x1, y1] = radius_envelope(centre, radius);
        let search = AABB::from_corners([x0, y0], [x1, y1]);
        let mut hits: Vec<(PinId, f64)> = Vec::new();
        walk::for_each_in(self.read().tree.root(), &search, None, &mut |e| {
            if near_filter(filter, area, e) {
                let d = distance_m(centre, (e.point[0], e.point[1]));
                if d <= radius {
                    hits.push((e.id, d));
                }
            }
        });
        hits
    }
}

/// The attribute, bbox and area filters of a near query.
fn near_filter(filter: &PinFilter, area: Option<&PreparedArea>, e: &Entry) -> bool {
    filter.matches_attributes(e.category, e.status, e.precision, e.created_at_us)
        && filter.bbox.is_none_or(|b| {
            (b.min_lon..=b.max_lon).contains(&e.point[0]) && (b.min_lat..=b.max_lat).contains(&e.point[1])
        })
        && area.is_none_or(|a| in_area(a, e))
}

/// The order of near hits: distances are never negative (`abs` folds a -0), so their bit patterns sort as the
/// numbers do, and an integer key is cheaper than a float comparison.
fn distance_then_id(&(id, d): &(PinId, f64)) -> (u64, PinId) {
    (d.abs().to_bits(), id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PinLocation;
    use geo::polygon;
    use rand::{Rng, SeedableRng};

    use crate::index::entry::test_location as loc;

    #[test]
    fn polygon_membership_includes_the_boundary_and_respects_holes() {
        let index = PinIndex::default();
        index.load(&[loc(1, 0.5, 0.5), loc(2, 0.0, 0.5), loc(3, 2.0, 2.0), loc(4, 0.25, 0.25)]);
        let square = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 0.2, y: 0.2), (x: 0.3, y: 0.2), (x: 0.3, y: 0.3), (x: 0.2, y: 0.3), (x: 0.2, y: 0.2)]],
        );
        let area = PreparedArea::new(&geo::MultiPolygon(vec![square]));
        assert_eq!(index.ids_in(&area), vec![1, 2]);
        let stats = index.stats_in(&area);
        assert_eq!(stats.count, 2);
        assert_eq!(stats.by_category[0], (Category::Pram, 2));
    }

    #[test]
    fn k_nearest_ranks_by_metres_not_degrees() {
        let index = PinIndex::default();
        // At 43° N, 0.010° of longitude (813 m) is shorter than 0.008° of latitude (889 m): nearer in metres
        // but farther in degrees.
        index.load(&[loc(1, 76.95, 43.248), loc(2, 76.96, 43.24)]);
        let near = Near { lon: 76.95, lat: 43.24, radius_m: None, k: Some(1) };
        let page = index.near_page(&PinFilter::default(), None, &near, None, Limit::default());
        assert_eq!(page.hits.iter().map(|h| h.0).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn k_nearest_equals_brute_force_even_far_from_every_pin() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x9E37_79B9_7F4A_7C15);
        let mut next = move || rng.random::<f64>();
        // A dense cluster and a sparse spread; query points inside, between and far outside.
        let pins: Vec<PinLocation> = (1..=3000)
            .map(|i| {
                let (lon, lat) = if i % 3 == 0 {
                    (76.95 + next() * 0.01, 43.25 + next() * 0.01)
                } else {
                    (76.75 + next() * 0.4, 43.05 + next() * 0.35)
                };
                loc(i, lon, lat)
            })
            .collect();
        let index = PinIndex::default();
        index.load(&pins);
        for q in 0..200 {
            let (lon, lat) =
                if q % 4 == 0 { (77.6 + next(), 42.5 + next()) } else { (76.7 + next() * 0.5, 43.0 + next() * 0.45) };
            for k in [1, 10, 57] {
                let near = Near { lon, lat, radius_m: None, k: Some(k) };
                let got = index.near(&PinFilter::default(), None, &near);
                let mut all: Vec<(PinId, f64)> =
                    pins.iter().map(|p| (p.id, distance_m((lon, lat), (p.lon, p.lat)))).collect();
                all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                all.truncate(k);
                assert_eq!(got, all, "k = {k} at ({lon}, {lat})");
            }
        }
    }
}

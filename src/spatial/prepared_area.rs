//! A (multi)polygon prepared for fast, exact point membership: [`PreparedArea::intersects`] answers exactly
//! what `geo::Intersects<Point<f64>>` answers for the [`MultiPolygon`] it was built from (inside or on the
//! boundary is `true`), for every `f64` point, in a few nanoseconds instead of an O(n) walk over every edge.
//! It is meant for bulk work such as assigning a million pins to Almaty's districts.
//!
//! # What "the same as geo" means
//! geo 0.33 decides a point against each ring with a *winding number* (non-zero rule, not even-odd parity),
//! counting an edge only when one end has `y <= py` and the other `y > py` (so a vertex is never counted
//! twice and horizontal edges never count), and reports "on the boundary" as soon as the point is collinear
//! with an edge and inside the edge's bounding box. Orientation comes from the exact (adaptive) predicate
//! `RobustKernel::orient2d`. A polygon covers the point when the exterior ring says boundary; or when it says
//! inside and the first hole that does not say outside says boundary, or no hole does. A multipolygon covers
//! it when any polygon does. This module reproduces that rule edge for edge, with the same exact predicate,
//! so self-intersecting rings, overlapping holes, touching parts, repeated vertices and zero-area rings all
//! get geo's answer, not a "fixed" one.
//!
//! # Structure
//! 1. **Bounding box** of the exterior rings (the same box geo tests first). Outside it, or NaN: `false`.
//! 2. **Uniform grid** over the box: up to 256 × 256 cells (about 64 cells per edge for small polygons),
//!    split according to the box's aspect. One byte per cell: `Outside`, `Inside` or `Boundary`. Most
//!    queries end here: two subtractions, two multiplications and one byte load.
//! 3. **Horizontal bands**, one per grid row. A band keeps every edge whose y-range meets the band, grouped
//!    by ring in geo's order (polygon, then exterior before its holes), each group sorted by its largest x,
//!    descending. A query in a `Boundary` cell runs geo's ring test on its band only: an edge that misses the
//!    band cannot cross the point's horizontal ray nor hold the point, and the scan stops at the first edge
//!    that lies wholly left of the point. An edge wholly right of the point needs no orientation test at
//!    all; only the few edges whose x-range holds the point call the exact predicate, so the boundary answer
//!    is exact too. A ring with no edge in the band is "outside" for every point of the band (its ray crosses
//!    nothing), which settles absent exteriors and holes without looking at them.
//!
//! # Why the shortcut is exact
//! The cell and band of a point come from `min((v - min) * inv_step as usize, n - 1)`: a composition of
//! monotone floating-point operations, so the map is monotone. Hence (a) an edge with `y_min <= py <= y_max`
//! is always filed under the point's band (the edge was filed under every band from `band(y_min)` to
//! `band(y_max)` with the same function); and (b) the points that land in one cell form exactly a rectangle
//! `[X_i, X_i+1) × [Y_j, Y_j+1)`, whose corners `X_i` (the least `f64` with column `>= i`) are found at build
//! time by stepping ulp by ulp from the nominal line, so no rounding margin has to be guessed. A cell is
//! marked `Boundary` when any edge meets its closed rectangle, by an exact test (bounding boxes overlap, and
//! the rectangle's corners are not all strictly on one side of the edge's line, by `orient2d`). A cell met by
//! no edge lies in one connected piece of the plane minus the rings, where every ring's winding number, and
//! so geo's answer, is constant; that answer is computed once at the cell's corner `(X_i, Y_j)` by the exact
//! band test. If the ulp stepping ever failed to settle (it cannot for finite boxes; it is bounded anyway),
//! that axis falls back to a single column or row, which is slower but still exact.
//!
//! # When geo answers itself
//! All of the above leans on `orient2d` being exact, and Shewchuk's predicate is exact only while nothing in
//! it underflows or overflows. So:
//! - an area with a vertex coordinate that is not zero and not within `[2^-400, 2^400]` in magnitude (this
//!   includes NaN and infinities), or a ring that is not closed (geo-types' constructors never make one), is
//!   kept as is and every query is delegated to geo;
//! - a query inside the box with a coordinate that is not zero but smaller than 2^-400 in magnitude is
//!   delegated to geo (a copy of the area is kept only when the box comes that close to zero, so never for
//!   Almaty), and grid cells whose corners are that small are never trusted as pure.
//!
//! In those corners geo's own answer is not the true geometric one, but it is the reference.
//!
//! # Cost
//! Building takes a few milliseconds for a district (one exact band test per pure cell). Memory is one byte
//! per cell (at most 64 KiB) plus 56 bytes per (edge, band) pair: edges are copied into each band they meet,
//! which for Almaty's districts comes to 70–190 KiB each; [`PreparedArea::heap_bytes`] reports it.

use std::fmt;

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{BoundingRect, Coord, Intersects, MultiPolygon, Point};

const OUTSIDE: u8 = 0;
const INSIDE: u8 = 1;
const BOUNDARY: u8 = 2;

/// Most cells along one side of the grid.
const MAX_SIDE: usize = 256;
/// Cells wanted per edge before the cap, so small polygons get small grids.
const CELLS_PER_EDGE: usize = 64;
const MIN_CELLS: usize = 64;
/// Ulp steps allowed when settling a grid line (a handful are ever needed).
const NUDGE_LIMIT: usize = 4096;

/// One edge of a ring, stored with its lower end first. `dir` is +1 when the ring runs upwards along it,
/// -1 downwards, 0 for a horizontal edge (which never counts as a crossing).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Edge {
    lo_x: f64,
    lo_y: f64,
    hi_x: f64,
    hi_y: f64,
    x_min: f64,
    x_max: f64,
    dir: i32,
}

impl Edge {
    fn new(a: Coord<f64>, b: Coord<f64>) -> Self {
        let (lo, hi, dir) = if a.y < b.y {
            (a, b, 1)
        } else if a.y > b.y {
            (b, a, -1)
        } else {
            (a, b, 0)
        };
        Self { lo_x: lo.x, lo_y: lo.y, hi_x: hi.x, hi_y: hi.y, x_min: a.x.min(b.x), x_max: a.x.max(b.x), dir }
    }

    #[inline]
    fn orient(&self, x: f64, y: f64) -> Orientation {
        <RobustKernel as Kernel<f64>>::orient2d(
            Coord { x: self.lo_x, y: self.lo_y },
            Coord { x: self.hi_x, y: self.hi_y },
            Coord { x, y },
        )
    }

    /// Whether the segment meets the closed rectangle `[x0, x1] × [y0, y1]` (exact).
    fn touches(&self, x0: f64, x1: f64, y0: f64, y1: f64) -> bool {
        if self.x_max < x0 || self.x_min > x1 || self.hi_y < y0 || self.lo_y > y1 {
            return false;
        }
        let (mut left, mut right) = (false, false);
        for (x, y) in [(x0, y0), (x1, y0), (x1, y1), (x0, y1)] {
            match self.orient(x, y) {
                Orientation::CounterClockwise => left = true,
                Orientation::Clockwise => right = true,
                Orientation::Collinear => return true,
            }
        }
        left && right
    }
}

/// The edges of one ring that meet one band: `edges[start..end]`, sorted by `x_max` descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RingRun {
    polygon: usize,
    hole: bool,
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RingPos {
    Outside,
    Inside,
    Boundary,
}

/// The monotone map from a coordinate to a column (or row): `min((v - min) * inv_step as usize, last)`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Axis {
    min: f64,
    inv_step: f64,
    last: usize,
}

impl Axis {
    fn new(min: f64, max: f64, n: usize) -> Self {
        let single = Self { min, inv_step: 0.0, last: 0 };
        if n <= 1 || max <= min {
            return single;
        }
        let inv_step = n as f64 / (max - min);
        if inv_step.is_finite() && inv_step > 0.0 { Self { min, inv_step, last: n - 1 } } else { single }
    }

    #[inline]
    fn index(&self, v: f64) -> usize {
        // `as usize` saturates: negative and NaN give 0, so the map stays monotone everywhere.
        (((v - self.min) * self.inv_step) as usize).min(self.last)
    }

    fn count(&self) -> usize {
        self.last + 1
    }

    /// `lines[i]` is the least `f64` whose index is at least `i` (`lines[0] = min`), and `lines[n] = max`,
    /// so index `i` holds exactly `[lines[i], lines[i + 1])` (closed at `max` for the last one).
    /// `None` when a line does not settle within [`NUDGE_LIMIT`] ulp steps.
    fn lines(&self, max: f64) -> Option<Vec<f64>> {
        let n = self.count();
        let mut lines = Vec::with_capacity(n + 1);
        lines.push(self.min);
        for i in 1..n {
            let mut v = self.min + (max - self.min) * (i as f64 / n as f64);
            let mut steps = 0;
            while self.index(v) >= i {
                v = v.next_down();
                steps += 1;
                if steps > NUDGE_LIMIT {
                    return None;
                }
            }
            while self.index(v) < i {
                v = v.next_up();
                steps += 1;
                if steps > NUDGE_LIMIT {
                    return None;
                }
            }
            lines.push(v);
        }
        lines.push(max);
        lines.windows(2).all(|w| w[0] <= w[1]).then_some(lines)
    }
}

/// A multipolygon prepared for exact point-membership queries; see the module documentation.
#[derive(Clone)]
pub struct PreparedArea {
    /// Box of the exterior rings; inverted (`+inf..-inf`) when the area is empty, so every test fails.
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
    cols: Axis,
    rows: Axis,
    /// `rows × cols`, row-major: `OUTSIDE`, `INSIDE` or `BOUNDARY`.
    cells: Vec<u8>,
    /// Band `j` owns `runs[band_runs[j]..band_runs[j + 1]]`.
    band_runs: Vec<usize>,
    runs: Vec<RingRun>,
    edges: Vec<Edge>,
    /// Every query goes to geo (input a grid cannot take; see the module documentation).
    delegate_all: bool,
    /// The input, kept only when some queries go to geo: all of them, or those with a coordinate so close
    /// to zero that `orient2d` could underflow (possible only when the box reaches that close to zero).
    geo_shape: Option<Box<MultiPolygon<f64>>>,
}

impl PreparedArea {
    /// Prepares `area`. Never fails: degenerate or empty input gives an area that answers like geo does.
    #[must_use]
    pub fn new(area: &MultiPolygon<f64>) -> Self {
        Self::build(area).unwrap_or_else(|| Self::delegate(area))
    }

    /// Whether the point (`lon`, `lat`) is inside the area or on its boundary: exactly
    /// `area.intersects(&Point::new(lon, lat))`. NaN and points outside the bounding box are `false`.
    #[inline]
    #[must_use]
    pub fn intersects(&self, lon: f64, lat: f64) -> bool {
        if let Some(shape) = &self.geo_shape
            && (self.delegate_all || !exact_range(lon) || !exact_range(lat))
        {
            // Everything, or a coordinate so close to zero that `orient2d` might underflow: geo decides.
            return shape.intersects(&Point::new(lon, lat));
        }
        // Branch-free on purpose: for scattered points the box test and the inside/outside answer are coin
        // flips, and mispredicted branches would cost more than the whole lookup. Outside the box the clamped
        // cell index is still valid; `in_box` throws its answer away.
        let in_box = (lon >= self.min_x) & (lon <= self.max_x) & (lat >= self.min_y) & (lat <= self.max_y);
        let row = self.rows.index(lat);
        let cell = self.cells.get(row * self.cols.count() + self.cols.index(lon)).copied().unwrap_or(BOUNDARY);
        if cell == BOUNDARY {
            return in_box && self.exact(lon, lat, row);
        }
        in_box & (cell == INSIDE)
    }

    /// `[min_lon, min_lat, max_lon, max_lat]` of the exterior rings (every covered point lies in it); `None`
    /// when the area is empty.
    #[must_use]
    pub fn bounding_box(&self) -> Option<[f64; 4]> {
        if let Some(shape) = self.geo_shape.as_deref().filter(|_| self.delegate_all) {
            return shape.bounding_rect().map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        }
        (self.min_x <= self.max_x && self.min_y <= self.max_y)
            .then_some([self.min_x, self.min_y, self.max_x, self.max_y])
    }

    /// Heap memory held, in bytes (capacities, not lengths).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        let shape = self.geo_shape.as_deref().map_or(0, |shape| {
            let rings = |p: &geo::Polygon<f64>| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| r.0.capacity() * size_of::<Coord<f64>>())
                    .sum::<usize>()
                    + std::mem::size_of_val(p.interiors())
            };
            size_of::<MultiPolygon<f64>>()
                + shape.0.capacity() * size_of::<geo::Polygon<f64>>()
                + shape.0.iter().map(rings).sum::<usize>()
        });
        self.cells.capacity()
            + self.band_runs.capacity() * size_of::<usize>()
            + self.runs.capacity() * size_of::<RingRun>()
            + self.edges.capacity() * size_of::<Edge>()
            + shape
    }

    fn delegate(area: &MultiPolygon<f64>) -> Self {
        let mut empty = Self::empty();
        empty.delegate_all = true;
        empty.geo_shape = Some(Box::new(area.clone()));
        empty
    }

    fn empty() -> Self {
        let axis = Axis { min: 0.0, inv_step: 0.0, last: 0 };
        Self {
            min_x: f64::INFINITY,
            min_y: f64::INFINITY,
            max_x: f64::NEG_INFINITY,
            max_y: f64::NEG_INFINITY,
            cols: axis,
            rows: axis,
            cells: Vec::new(),
            band_runs: Vec::new(),
            runs: Vec::new(),
            edges: Vec::new(),
            delegate_all: false,
            geo_shape: None,
        }
    }

    /// `None` asks for the fallback.
    fn build(area: &MultiPolygon<f64>) -> Option<Self> {
        // Rings in geo's order, as (polygon, is hole, edges). A polygon with an empty exterior covers nothing.
        let mut rings: Vec<(usize, bool, Vec<Edge>)> = Vec::new();
        let (mut min_x, mut min_y, mut max_x, mut max_y) =
            (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (polygon_index, polygon) in area.0.iter().enumerate() {
            if polygon.exterior().0.is_empty() {
                continue;
            }
            for (ring_index, ring) in std::iter::once(polygon.exterior()).chain(polygon.interiors()).enumerate() {
                let coords = &ring.0;
                if coords.iter().any(|c| !exact_range(c.x) || !exact_range(c.y)) || coords.first() != coords.last() {
                    return None;
                }
                let edges: Vec<Edge> = match coords.as_slice() {
                    [] => Vec::new(),
                    // geo: a one-coordinate ring is "on the boundary" at that coordinate only.
                    [only] => vec![Edge::new(*only, *only)],
                    many => many.windows(2).map(|w| Edge::new(w[0], w[1])).collect(),
                };
                if ring_index == 0 {
                    for c in coords {
                        min_x = min_x.min(c.x);
                        min_y = min_y.min(c.y);
                        max_x = max_x.max(c.x);
                        max_y = max_y.max(c.y);
                    }
                }
                rings.push((polygon_index, ring_index > 0, edges));
            }
        }
        if rings.is_empty() {
            return Some(Self::empty());
        }
        let (width, height) = (max_x - min_x, max_y - min_y);
        if !width.is_finite() || !height.is_finite() {
            return None;
        }

        let edge_count: usize = rings.iter().map(|r| r.2.len()).sum();
        let target = edge_count.saturating_mul(CELLS_PER_EDGE).clamp(MIN_CELLS, MAX_SIDE * MAX_SIDE);
        let (n_cols, n_rows) = if width > 0.0 && height > 0.0 {
            let cols = ((target as f64 * width / height).sqrt().round() as usize).clamp(1, MAX_SIDE);
            let rows = (target / cols).clamp(1, MAX_SIDE);
            ((target / rows).clamp(1, MAX_SIDE), rows)
        } else if width > 0.0 {
            (target.min(MAX_SIDE), 1)
        } else if height > 0.0 {
            (1, target.min(MAX_SIDE))
        } else {
            (1, 1)
        };
        let (cols, x_lines) = settled_axis(min_x, max_x, n_cols);
        let (rows, y_lines) = settled_axis(min_y, max_y, n_rows);

        // Bands: every edge is filed under each band from band(lo_y) to band(hi_y).
        let mut bands: Vec<Vec<(usize, Edge)>> = vec![Vec::new(); rows.count()];
        for (ring_index, (_, _, edges)) in rings.iter().enumerate() {
            for edge in edges {
                let (first, last) = (rows.index(edge.lo_y), rows.index(edge.hi_y));
                for band in bands.iter_mut().take(last + 1).skip(first) {
                    band.push((ring_index, *edge));
                }
            }
        }
        let mut band_runs = Vec::with_capacity(rows.count() + 1);
        let mut runs = Vec::new();
        let mut edges: Vec<Edge> = Vec::new();
        band_runs.push(0);
        for band in &bands {
            // Entries are in ring order already; cut them into one run per ring.
            for chunk in band.chunk_by(|a, b| a.0 == b.0) {
                let Some(&(ring_index, _)) = chunk.first() else { continue };
                let Some(&(polygon, hole, _)) = rings.get(ring_index) else { continue };
                let start = edges.len();
                edges.extend(chunk.iter().map(|e| e.1));
                if let Some(run_edges) = edges.get_mut(start..) {
                    run_edges.sort_by(|a, b| b.x_max.total_cmp(&a.x_max));
                }
                runs.push(RingRun { polygon, hole, start, end: edges.len() });
            }
            band_runs.push(runs.len());
        }
        drop(bands);
        edges.shrink_to_fit();
        runs.shrink_to_fit();

        let mut area = Self {
            min_x,
            min_y,
            max_x,
            max_y,
            cols,
            rows,
            cells: vec![OUTSIDE; cols.count() * rows.count()],
            band_runs,
            runs,
            edges,
            delegate_all: false,
            // Only a box reaching within 2^-400 of zero lets a query coordinate fall outside `exact_range`.
            geo_shape: (min_x < TINY && max_x > -TINY || min_y < TINY && max_y > -TINY).then(|| Box::new(area.clone())),
        };
        area.classify(&x_lines, &y_lines);
        Some(area)
    }

    /// Marks every cell an edge meets as `BOUNDARY`, then gives every other cell the answer at its corner.
    fn classify(&mut self, x_lines: &[f64], y_lines: &[f64]) {
        let n_cols = self.cols.count();
        let mut cells = std::mem::take(&mut self.cells);
        for (row, (row_cells, y)) in cells.chunks_mut(n_cols).zip(y_lines.windows(2)).enumerate() {
            let (y0, y1) = (y[0], y[1]);
            let row_exact = exact_range(y0) && exact_range(y1);
            for (cell, x) in row_cells.iter_mut().zip(x_lines.windows(2)) {
                // Corners where `orient2d` might underflow are not trusted: such cells take the slow path.
                if !row_exact || !exact_range(x[0]) || !exact_range(x[1]) {
                    *cell = BOUNDARY;
                }
            }
            for edge in self.band_edges(row) {
                let (first, last) = (self.cols.index(edge.x_min), self.cols.index(edge.x_max));
                for (cell, x) in row_cells.iter_mut().zip(x_lines.windows(2)).take(last + 1).skip(first) {
                    if *cell != BOUNDARY && edge.touches(x[0], x[1], y0, y1) {
                        *cell = BOUNDARY;
                    }
                }
            }
            for (cell, x) in row_cells.iter_mut().zip(x_lines) {
                if *cell != BOUNDARY {
                    *cell = if self.exact(*x, y0, self.rows.index(y0)) { INSIDE } else { OUTSIDE };
                }
            }
        }
        self.cells = cells;
    }

    fn band_edges(&self, band: usize) -> impl Iterator<Item = &Edge> {
        let runs = self.band(band);
        let start = runs.first().map_or(0, |r| r.start);
        let end = runs.last().map_or(0, |r| r.end);
        self.edges.get(start..end).unwrap_or(&[]).iter()
    }

    fn band(&self, band: usize) -> &[RingRun] {
        match (self.band_runs.get(band), self.band_runs.get(band + 1)) {
            (Some(&start), Some(&end)) => self.runs.get(start..end).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// geo's polygon rule over the rings that meet the point's band (`band` must be `rows.index(py)`).
    fn exact(&self, px: f64, py: f64, band: usize) -> bool {
        let runs = self.band(band);
        let mut k = 0;
        while let Some(run) = runs.get(k) {
            let mut next = k + 1;
            while runs.get(next).is_some_and(|r| r.polygon == run.polygon) {
                next += 1;
            }
            // When the exterior has no edge in the band, the ray crosses nothing of it: outside.
            if !run.hole {
                match self.ring_position(run, px, py) {
                    RingPos::Boundary => return true,
                    RingPos::Outside => {}
                    RingPos::Inside => {
                        let mut covered = true;
                        for hole in runs.get(k + 1..next).unwrap_or(&[]) {
                            match self.ring_position(hole, px, py) {
                                RingPos::Outside => {}
                                RingPos::Boundary => return true,
                                RingPos::Inside => {
                                    covered = false;
                                    break;
                                }
                            }
                        }
                        if covered {
                            return true;
                        }
                    }
                }
            }
            k = next;
        }
        false
    }

    /// geo's `coord_pos_relative_to_ring` on the run's edges: winding number of a ray to the right, counting
    /// an edge when `lo_y <= py < hi_y`; on the boundary when the point is on a segment.
    #[inline]
    fn ring_position(&self, run: &RingRun, px: f64, py: f64) -> RingPos {
        let mut winding: i64 = 0;
        for edge in self.edges.get(run.start..run.end).unwrap_or(&[]) {
            if edge.x_max < px {
                break; // sorted by x_max descending: the rest lie wholly left of the point
            }
            if py < edge.lo_y || py > edge.hi_y {
                continue;
            }
            if edge.x_min > px {
                // Wholly right of the point: it crosses the ray unless the ray passes its upper end.
                if py < edge.hi_y {
                    winding += i64::from(edge.dir);
                }
                continue;
            }
            match edge.orient(px, py) {
                // Collinear and inside the edge's box: on the segment.
                Orientation::Collinear => return RingPos::Boundary,
                Orientation::CounterClockwise if py < edge.hi_y => winding += i64::from(edge.dir),
                Orientation::CounterClockwise | Orientation::Clockwise => {}
            }
        }
        if winding == 0 { RingPos::Outside } else { RingPos::Inside }
    }
}

/// Coordinates whose magnitude is below this (but not zero) may make `orient2d` underflow.
const TINY: f64 = 3.872_591_914_849_318_3e-121; // 2^-400
/// Coordinates whose magnitude is above this may make `orient2d` overflow.
const HUGE: f64 = 2.582_249_878_086_908_6e120; // 2^400

/// Whether `v` is zero or has a magnitude in `[2^-400, 2^400]`. With every coordinate in that range,
/// every difference and partial product inside Shewchuk's `orient2d` is a multiple of 2^-906 and below
/// 2^803, so nothing underflows or overflows and the predicate is exact; outside it, it may not be, and only
/// geo itself can reproduce geo's answer.
#[inline]
fn exact_range(v: f64) -> bool {
    v == 0.0 || (v.abs() >= TINY && v.abs() <= HUGE)
}

/// The axis for `n` cells and its exact lines; one cell when the lines do not settle.
fn settled_axis(min: f64, max: f64, n: usize) -> (Axis, Vec<f64>) {
    let axis = Axis::new(min, max, n);
    match axis.lines(max) {
        Some(lines) => (axis, lines),
        None => (Axis::new(min, max, 1), vec![min, max]),
    }
}

impl fmt::Debug for PreparedArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedArea")
            .field("bounding_box", &self.bounding_box())
            .field("grid", &(self.cols.count(), self.rows.count()))
            .field("boundary_cells", &self.cells.iter().filter(|&&c| c == BOUNDARY).count())
            .field("band_edges", &self.edges.len())
            .field("delegates_to_geo", &self.delegate_all)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use geo::{LineString, Polygon};

    use super::*;

    /// xorshift64*: deterministic and dependency-free.
    struct Rng(u64);

    impl Rng {
        fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        /// Uniform in [0, 1).
        fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }

        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.unit()
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next_u64() % n
        }
    }

    /// Asserts that the prepared area and geo agree on every point; returns how many were covered.
    fn agree(name: &str, shape: &MultiPolygon<f64>, area: &PreparedArea, points: &[(f64, f64)]) -> usize {
        let mut covered = 0;
        for &(x, y) in points {
            let expected = shape.intersects(&Point::new(x, y));
            let got = area.intersects(x, y);
            assert_eq!(
                got,
                expected,
                "{name}: point ({x:?}, {y:?}) bits ({:#x}, {:#x}): prepared {got}, geo {expected}; {area:?}",
                x.to_bits(),
                y.to_bits()
            );
            covered += usize::from(expected);
        }
        covered
    }

    fn ulp_neighbours(x: f64, y: f64, out: &mut Vec<(f64, f64)>) {
        for dx in [x.next_down(), x, x.next_up()] {
            for dy in [y.next_down(), y, y.next_up()] {
                out.push((dx, dy));
            }
        }
    }

    /// Probes concentrated where a shortcut could go wrong: vertices and their ulp neighbours, edge midpoints
    /// and random points along edges (and their neighbours), points level with vertices, the grid's own cell
    /// lines, plus `random` points over the box grown by 5%.
    fn probes(shape: &MultiPolygon<f64>, area: &PreparedArea, rng: &mut Rng, random: usize) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        let rings: Vec<&LineString<f64>> =
            shape.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())).collect();
        let Some([x0, y0, x1, y1]) = area.bounding_box() else { return out };
        let (mx, my) = ((x1 - x0) * 0.05 + 1e-9, (y1 - y0) * 0.05 + 1e-9);
        for _ in 0..random {
            out.push((rng.range(x0 - mx, x1 + mx), rng.range(y0 - my, y1 + my)));
        }
        for ring in &rings {
            for c in &ring.0 {
                ulp_neighbours(c.x, c.y, &mut out);
                out.push((rng.range(x0 - mx, x1 + mx), c.y));
                out.push((c.x, rng.range(y0 - my, y1 + my)));
            }
            for line in ring.lines() {
                let (a, b) = (line.start, line.end);
                let mid = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
                ulp_neighbours(mid.0, mid.1, &mut out);
                for _ in 0..2 {
                    let t = rng.unit();
                    ulp_neighbours(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y), &mut out);
                }
                // Level with one end, beyond the other.
                out.push((b.x, a.y));
                out.push((a.x, b.y));
            }
        }
        if !area.delegate_all {
            let x_lines = area.cols.lines(area.max_x).unwrap_or_default();
            let y_lines = area.rows.lines(area.max_y).unwrap_or_default();
            for &x in &x_lines {
                for _ in 0..4 {
                    let y = rng.range(y0, y1);
                    out.extend([(x, y), (x.next_down(), y), (x.next_up(), y)]);
                }
            }
            for &y in &y_lines {
                for _ in 0..4 {
                    let x = rng.range(x0, x1);
                    out.extend([(x, y), (x, y.next_down()), (x, y.next_up())]);
                }
            }
            for _ in 0..500 {
                let (Some(&x), Some(&y)) = (
                    x_lines.get(rng.below(x_lines.len().max(1) as u64) as usize),
                    y_lines.get(rng.below(y_lines.len().max(1) as u64) as usize),
                ) else {
                    break;
                };
                ulp_neighbours(x, y, &mut out);
            }
        }
        out.extend([(x0, y0), (x1, y1), (x0, y1), (x1, y0), (f64::NAN, y0), (x0, f64::NAN), (f64::NAN, f64::NAN)]);
        out.extend([(f64::INFINITY, y0), (f64::NEG_INFINITY, (y0 + y1) / 2.0), ((x0 + x1) / 2.0, f64::INFINITY)]);
        out.extend([(0.0, 0.0), (-0.0, -0.0), (f64::MAX, f64::MIN), (f64::MIN_POSITIVE, -f64::MIN_POSITIVE)]);
        out
    }

    fn check_shape(name: &str, shape: &MultiPolygon<f64>, rng: &mut Rng, random: usize) -> usize {
        let area = PreparedArea::new(shape);
        let points = probes(shape, &area, rng, random);
        agree(name, shape, &area, &points)
    }

    fn load(file: &str) -> Vec<(String, MultiPolygon<f64>)> {
        let path = format!("{}/data/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("data file readable");
        let geojson::GeoJson::FeatureCollection(fc) = text.parse().expect("GeoJSON") else {
            panic!("{path} is not a FeatureCollection")
        };
        fc.features
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let name = f
                    .properties
                    .as_ref()
                    .and_then(|p| p.get("id").or_else(|| p.get("name")))
                    .and_then(|v| v.as_str())
                    .map_or_else(|| format!("feature {i}"), str::to_owned);
                let shape = match geo::Geometry::<f64>::try_from(f.geometry.expect("geometry")).expect("geometry") {
                    geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                    geo::Geometry::MultiPolygon(mp) => mp,
                    other => panic!("{name}: not a polygon: {other:?}"),
                };
                (name, shape)
            })
            .collect()
    }

    fn poly(exterior: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> Polygon<f64> {
        Polygon::new(LineString::from(exterior.to_vec()), holes.iter().map(|h| LineString::from(h.to_vec())).collect())
    }

    fn lattice(x0: f64, x1: f64, y0: f64, y1: f64, step: f64) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        let mut x = x0;
        while x <= x1 {
            let mut y = y0;
            while y <= y1 {
                out.push((x, y));
                y += step;
            }
            x += step;
        }
        out
    }

    fn check_lattice(name: &str, shape: &MultiPolygon<f64>, rng: &mut Rng) -> PreparedArea {
        let area = PreparedArea::new(shape);
        let mut points = probes(shape, &area, rng, 20_000);
        if let Some([x0, y0, x1, y1]) = area.bounding_box() {
            let step = ((x1 - x0).max(y1 - y0) / 64.0).max(f64::MIN_POSITIVE);
            // A power-of-two step keeps lattice points exact for the small integer shapes below.
            let step = 2f64.powi(step.log2().floor() as i32);
            points.extend(lattice(x0 - 2.0 * step, x1 + 2.0 * step, y0 - 2.0 * step, y1 + 2.0 * step, step));
        }
        agree(name, shape, &area, &points);
        area
    }

    #[test]
    fn exact_range_bounds_are_powers_of_two() {
        assert_eq!(TINY, 2f64.powi(-400));
        assert_eq!(HUGE, 2f64.powi(400));
        assert!(exact_range(0.0) && exact_range(-0.0) && exact_range(76.9) && exact_range(-TINY));
        assert!(!exact_range(TINY.next_down()) && !exact_range(f64::NAN) && !exact_range(f64::INFINITY));
    }

    #[test]
    fn is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<PreparedArea>();
    }

    #[test]
    fn almaty_districts_agree_with_geo() {
        let districts = load("almaty_districts.geojson");
        assert_eq!(districts.len(), 8);
        std::thread::scope(|s| {
            for (i, (name, shape)) in districts.iter().enumerate() {
                s.spawn(move || {
                    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1));
                    let area = PreparedArea::new(shape);
                    assert!(!area.delegate_all && area.geo_shape.is_none(), "{name} is served by the grid alone");
                    assert!(area.cells.len() > 10_000, "{name}: a fine grid ({area:?})");
                    let covered = check_shape(name, shape, &mut rng, 20_000);
                    assert!(covered > 1000, "{name}: the probes hit the district");
                });
            }
        });
    }

    #[test]
    fn every_pin_in_the_city_box_gets_geos_district() {
        let districts = load("almaty_districts.geojson");
        let prepared: Vec<PreparedArea> = districts.iter().map(|(_, s)| PreparedArea::new(s)).collect();
        let boxes: Vec<[f64; 4]> = prepared.iter().filter_map(PreparedArea::bounding_box).collect();
        let x0 = boxes.iter().map(|b| b[0]).fold(f64::INFINITY, f64::min);
        let y0 = boxes.iter().map(|b| b[1]).fold(f64::INFINITY, f64::min);
        let x1 = boxes.iter().map(|b| b[2]).fold(f64::NEG_INFINITY, f64::max);
        let y1 = boxes.iter().map(|b| b[3]).fold(f64::NEG_INFINITY, f64::max);
        let mut rng = Rng(7);
        let points: Vec<(f64, f64)> = (0..20_000).map(|_| (rng.range(x0, x1), rng.range(y0, y1))).collect();
        for ((name, shape), area) in districts.iter().zip(&prepared) {
            agree(name, shape, area, &points);
        }
    }

    #[test]
    fn historic_centre_agrees_with_geo() {
        let mut rng = Rng(42);
        for (name, shape) in load("historic_centre_illustrative.geojson") {
            assert!(check_shape(&name, &shape, &mut rng, 20_000) > 1000);
        }
    }

    #[test]
    fn square_with_a_hole() {
        let square = poly(
            &[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)],
            &[&[(3.0, 3.0), (7.0, 3.0), (7.0, 7.0), (3.0, 7.0)]],
        );
        let shape = MultiPolygon(vec![square]);
        let area = check_lattice("square with hole", &shape, &mut Rng(1));
        assert!(area.intersects(1.0, 1.0));
        assert!(!area.intersects(5.0, 5.0), "in the hole");
        assert!(area.intersects(3.0, 5.0), "on the hole's left edge");
        assert!(area.intersects(5.0, 7.0), "on the hole's top edge");
        assert!(area.intersects(7.0, 7.0), "on the hole's corner");
        assert!(!area.intersects(3.0_f64.next_up(), 5.0), "just inside the hole");
        assert!(area.intersects(10.0, 4.0) && area.intersects(0.0, 0.0) && area.intersects(5.0, 10.0));
        assert!(!area.intersects(10.0_f64.next_up(), 4.0) && !area.intersects(-1.0, 5.0));
        assert_eq!(area.bounding_box(), Some([0.0, 0.0, 10.0, 10.0]));
        assert!(area.heap_bytes() > area.cells.len());
    }

    #[test]
    fn two_touching_squares() {
        let shape = MultiPolygon(vec![
            poly(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)], &[]),
            poly(&[(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0)], &[]),
            // A corner-touching exclave and a far island.
            poly(&[(2.0, 1.0), (3.0, 1.0), (3.0, 2.0), (2.0, 2.0)], &[]),
            poly(&[(5.0, 5.0), (6.0, 5.0), (5.5, 6.0)], &[]),
        ]);
        let area = check_lattice("touching squares", &shape, &mut Rng(2));
        assert!(area.intersects(1.0, 0.5), "on the shared edge");
        assert!(area.intersects(2.0, 1.0), "on the shared corner");
        assert!(area.intersects(5.5, 5.5) && !area.intersects(4.0, 4.0));
    }

    #[test]
    fn horizontal_and_vertical_edges() {
        // A staircase and a comb: many axis-parallel edges, vertices level with each other.
        let stairs = poly(
            &[
                (0.0, 0.0),
                (4.0, 0.0),
                (4.0, 1.0),
                (3.0, 1.0),
                (3.0, 2.0),
                (2.0, 2.0),
                (2.0, 3.0),
                (1.0, 3.0),
                (1.0, 4.0),
                (0.0, 4.0),
            ],
            &[],
        );
        let mut comb = vec![(10.0, 0.0)];
        for i in 0..8 {
            let x = 10.0 + f64::from(i);
            comb.extend([(x + 0.5, 0.0), (x + 0.5, 3.0), (x + 1.0, 3.0), (x + 1.0, 0.5)]);
        }
        comb.extend([(18.0, 0.0), (18.0, -1.0), (10.0, -1.0)]);
        let shape = MultiPolygon(vec![stairs, poly(&comb, &[])]);
        let area = check_lattice("axis-parallel", &shape, &mut Rng(3));
        assert!(area.intersects(2.5, 2.0), "on a horizontal edge");
        assert!(area.intersects(3.0, 1.5), "on a vertical edge");
        assert!(!area.intersects(3.5, 1.5));
        assert!(area.intersects(10.75, 3.0) && !area.intersects(11.25, 2.0));
    }

    #[test]
    fn thin_sliver_and_diagonals() {
        let sliver = poly(&[(0.0, 0.0), (1.0, 1e-12), (2.0, 0.0), (1.0, -1e-12)], &[]);
        let diamond = poly(&[(5.0, 0.0), (6.0, 1.0), (5.0, 2.0), (4.0, 1.0)], &[]);
        let shape = MultiPolygon(vec![sliver, diamond]);
        let area = check_lattice("sliver", &shape, &mut Rng(4));
        assert!(area.intersects(1.0, 0.0) && area.intersects(0.5, 0.0) && !area.intersects(1.0, 1e-11));
        assert!(area.intersects(5.5, 0.5), "on a diagonal edge");
        assert!(area.intersects(5.5, 1.5), "on a diagonal edge");
        let mut rng = Rng(5);
        let thin = MultiPolygon(vec![poly(&[(76.9, 43.2), (77.0, 43.2 + 1e-10), (77.0, 43.2)], &[])]);
        check_shape("thin triangle", &thin, &mut rng, 50_000);
    }

    #[test]
    fn vertices_on_the_grid_lines() {
        // 256 × 256 box with enough edges for a 256 × 256 grid: cells are 1 × 1 and every integer vertex lies
        // on a cell line.
        // Collinear vertices on every integer of the bottom, top and left sides add edges.
        let mut zigzag: Vec<(f64, f64)> = (0..256).map(|i| (f64::from(i), 0.0)).collect();
        for i in 0..128 {
            let y = f64::from(2 * i);
            zigzag.extend([(256.0, y + 1.0), (128.0 + f64::from(i % 7), y + 1.0), (128.0 + f64::from(i % 5), y + 2.0)]);
        }
        zigzag.extend((0..=256).rev().map(|i| (f64::from(i), 256.0)));
        zigzag.extend((1..256).rev().map(|i| (0.0, f64::from(i))));
        let hole: Vec<(f64, f64)> = vec![(10.0, 10.0), (20.0, 10.0), (20.0, 20.0), (15.0, 25.0), (10.0, 20.0)];
        let shape = MultiPolygon(vec![poly(&zigzag, &[&hole])]);
        let area = check_lattice("grid-aligned", &shape, &mut Rng(6));
        assert_eq!((area.cols.count(), area.rows.count()), (256, 256));
        assert_eq!(area.cols.lines(256.0).unwrap(), (0..=256).map(f64::from).collect::<Vec<_>>());
        // Every integer point (each a cell corner), and the ulp neighbours of a random fifth of them.
        let mut points = Vec::new();
        let mut rng = Rng(66);
        for x in 0..=256 {
            for y in 0..=256 {
                let (x, y) = (f64::from(x), f64::from(y));
                if rng.below(5) == 0 {
                    ulp_neighbours(x, y, &mut points);
                } else {
                    points.push((x, y));
                }
            }
        }
        agree("grid-aligned lattice", &shape, &area, &points);
    }

    #[test]
    fn self_intersecting_rings_use_the_winding_rule() {
        // Pentagram: the centre has winding number 2, so geo says inside (even-odd would say outside).
        let star: Vec<(f64, f64)> = (0..5)
            .map(|k| {
                let a = std::f64::consts::FRAC_PI_2 + f64::from(k * 2) * std::f64::consts::TAU / 5.0;
                (a.cos() * 4.0, a.sin() * 4.0)
            })
            .collect();
        let bowtie = poly(&[(10.0, 0.0), (12.0, 2.0), (12.0, 0.0), (10.0, 2.0)], &[]);
        // Overlapping holes, a hole poking out of its exterior, a hole sharing an exterior edge.
        let holes = poly(
            &[(20.0, 0.0), (30.0, 0.0), (30.0, 10.0), (20.0, 10.0)],
            &[
                &[(21.0, 1.0), (25.0, 1.0), (25.0, 5.0), (21.0, 5.0)],
                &[(23.0, 3.0), (27.0, 3.0), (27.0, 7.0), (23.0, 7.0)],
                &[(28.0, 8.0), (32.0, 8.0), (32.0, 9.0), (28.0, 9.0)],
                &[(20.0, 8.0), (21.0, 9.0), (20.0, 9.5)],
            ],
        );
        let shape = MultiPolygon(vec![poly(&star, &[]), bowtie, holes]);
        let area = check_lattice("self-intersecting", &shape, &mut Rng(7));
        assert!(area.intersects(0.0, 0.0), "pentagram centre");
    }

    #[test]
    fn degenerate_input_answers_like_geo() {
        let mut rng = Rng(8);
        let empty = MultiPolygon::<f64>(vec![]);
        let area = PreparedArea::new(&empty);
        assert_eq!(area.bounding_box(), None);
        assert!(!area.intersects(0.0, 0.0) && !area.intersects(f64::NAN, 0.0));
        agree("empty", &empty, &area, &[(0.0, 0.0), (1.0, 1.0)]);

        let c = |x: f64, y: f64| Coord { x, y };
        let shapes = [
            ("empty polygon", MultiPolygon(vec![Polygon::empty()])),
            ("one coordinate", MultiPolygon(vec![Polygon::new(LineString(vec![c(1.0, 2.0)]), vec![])])),
            ("two coordinates", MultiPolygon(vec![Polygon::new(LineString(vec![c(1.0, 2.0), c(3.0, 5.0)]), vec![])])),
            ("repeated point", MultiPolygon(vec![Polygon::new(LineString(vec![c(1.0, 2.0), c(1.0, 2.0)]), vec![])])),
            ("collinear", MultiPolygon(vec![poly(&[(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)], &[])])),
            ("horizontal line", MultiPolygon(vec![poly(&[(0.0, 1.0), (3.0, 1.0), (1.0, 1.0)], &[])])),
            ("vertical line", MultiPolygon(vec![poly(&[(1.0, 0.0), (1.0, 3.0)], &[])])),
            (
                "repeated vertices",
                MultiPolygon(vec![poly(&[(0.0, 0.0), (0.0, 0.0), (2.0, 0.0), (2.0, 0.0), (2.0, 2.0)], &[])]),
            ),
            (
                "hole without exterior",
                MultiPolygon(vec![Polygon::new(
                    LineString(vec![]),
                    vec![LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)])],
                )]),
            ),
            (
                "empty hole",
                MultiPolygon(vec![Polygon::new(
                    LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]),
                    vec![LineString(vec![])],
                )]),
            ),
            ("negative zero", MultiPolygon(vec![poly(&[(-0.0, -0.0), (1.0, 0.0), (0.0, 1.0)], &[])])),
            ("tiny", MultiPolygon(vec![poly(&[(1e-300, 1e-300), (3e-300, 1e-300), (2e-300, 5e-300)], &[])])),
            ("subnormal", MultiPolygon(vec![poly(&[(0.0, 0.0), (5e-324, 0.0), (5e-324, 1e-323)], &[])])),
            ("far away", MultiPolygon(vec![poly(&[(1e15, 1e15), (1e15 + 1.0, 1e15), (1e15 + 0.5, 1e15 + 3.0)], &[])])),
            ("huge", MultiPolygon(vec![poly(&[(-1e308, -1e308), (1e308, -1e308), (0.0, 1e308)], &[])])),
            ("infinite", MultiPolygon(vec![poly(&[(0.0, 0.0), (f64::INFINITY, 0.0), (0.0, 1.0)], &[])])),
            ("NaN vertex", MultiPolygon(vec![poly(&[(0.0, 0.0), (f64::NAN, 0.0), (1.0, 1.0), (0.0, 1.0)], &[])])),
        ];
        for (name, shape) in &shapes {
            let area = PreparedArea::new(shape);
            let mut points = probes(shape, &area, &mut rng, 2_000);
            points.extend(lattice(-1.0, 4.0, -1.0, 6.0, 0.25));
            agree(name, shape, &area, &points);
        }
        assert!(PreparedArea::new(&shapes[15].1).delegate_all, "a non-finite box goes to geo");
        assert!(PreparedArea::new(&shapes[16].1).delegate_all, "NaN goes to geo");
    }

    /// Random rings on a small lattice: collinear edges, shared vertices, self-crossings, spikes, holes
    /// anywhere; placed at Almaty-like and at awkward offsets and scales.
    #[test]
    fn random_lattice_polygons_agree_with_geo() {
        let mut rng = Rng(0x5eed);
        let placements: [(f64, f64); 4] = [(0.0, 1.0), (76.75, 1.0 / 256.0), (-1e6, 3.0), (1e-3, 1e-9)];
        for case in 0..400 {
            let (offset, scale) = placements[case % placements.len()];
            let ring = |rng: &mut Rng, n: u64| -> Vec<(f64, f64)> {
                (0..3 + rng.below(n))
                    .map(|_| (offset + scale * rng.below(9) as f64, offset + scale * rng.below(9) as f64))
                    .collect()
            };
            let polygons: Vec<Polygon<f64>> = (0..1 + rng.below(3))
                .map(|_| {
                    let exterior = ring(&mut rng, 10);
                    let holes: Vec<Vec<(f64, f64)>> = (0..rng.below(3)).map(|_| ring(&mut rng, 5)).collect();
                    let hole_refs: Vec<&[(f64, f64)]> = holes.iter().map(Vec::as_slice).collect();
                    poly(&exterior, &hole_refs)
                })
                .collect();
            let shape = MultiPolygon(polygons);
            let area = PreparedArea::new(&shape);
            let mut points = probes(&shape, &area, &mut rng, 500);
            for i in -2..=20 {
                for j in -2..=20 {
                    let (x, y) = (offset + scale * f64::from(i) * 0.5, offset + scale * f64::from(j) * 0.5);
                    points.push((x, y));
                }
            }
            agree(&format!("random case {case}: {shape:?}"), &shape, &area, &points);
        }
    }
}

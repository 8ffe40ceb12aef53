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

use geo::kernels::Orientation;
use geo::{BoundingRect, Coord, Intersects, MultiPolygon, Point};

mod axis;
mod edge;

use axis::Axis;
use edge::Edge;

const OUTSIDE: u8 = 0;
const INSIDE: u8 = 1;
const BOUNDARY: u8 = 2;

/// Most cells along one side of the grid.
const MAX_SIDE: usize = 256;
/// Cells wanted per edge before the cap, so small polygons get small grids.
const CELLS_PER_EDGE: usize = 64;
const MIN_CELLS: usize = 64;

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

    /// Whether the area surely covers every point of the box `[min_lon, min_lat, max_lon, max_lat]`: `true`
    /// only when every grid cell the box can reach is wholly inside. `false` means "not known" (the box meets
    /// a boundary cell, leaves the area's box, spans too many cells to check cheaply, or the area is one that
    /// geo answers for); callers then test point by point.
    ///
    /// Exact for the same reason as the cell shortcut: the cell map is monotone, so every point of the box
    /// lands in a cell between the cells of its corners.
    #[must_use]
    pub fn covers_box(&self, b: [f64; 4]) -> bool {
        const MAX_CELLS_CHECKED: usize = 1024;
        if self.geo_shape.is_some() || !(b[0] >= self.min_x && b[2] <= self.max_x) {
            return false;
        }
        if !(b[1] >= self.min_y && b[3] <= self.max_y) {
            return false;
        }
        let (c0, c1) = (self.cols.index(b[0]), self.cols.index(b[2]));
        let (r0, r1) = (self.rows.index(b[1]), self.rows.index(b[3]));
        if (c1 + 1).saturating_sub(c0) * (r1 + 1).saturating_sub(r0) > MAX_CELLS_CHECKED {
            return false;
        }
        let cols = self.cols.count();
        (r0..=r1)
            .all(|r| self.cells.get(r * cols + c0..=r * cols + c1).is_some_and(|row| row.iter().all(|&c| c == INSIDE)))
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
        let axis = Axis::new(0.0, 0.0, 1);
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
mod tests;

//! Spatial conditions: a pin's point against a geometry literal, with the OGC (DE-9IM) meaning of every `S_*`
//! operator as geo's `Relate` computes it, boundaries included (a pin on a polygon's edge intersects and touches
//! it but is not within it). `relate` runs in the order the filter wrote its arguments, so `S_WITHIN(geometry, G)`
//! and `S_WITHIN(G, geometry)` each get their own meaning.
//!
//! # Fast paths
//! The literal is converted to lon/lat once, at compile time, and its bounding box is kept: every operator but
//! `S_DISJOINT` needs the point to meet the geometry, so a pin outside the box is answered at once, and the box
//! is what [`Envelope`] reports. Inside the box, `relate` builds a topology graph of the whole literal for every
//! pin: 0.8 ms against a 2,000-vertex polygon in a release build, 8 s for 10,000 candidate pins. For a point the
//! DE-9IM matrix follows from where the point lies (geo's `CoordinatePosition`: inside, on the boundary or
//! outside, by the same mod-2 boundary rule), which costs one pass over the edges:
//! - intersects: not outside; disjoint: outside; touches: on the boundary; overlaps, crosses: never (a point
//!   cannot be both inside and outside a geometry);
//! - point within G, G contains point: inside;
//! - point contains G, G within point, equals: inside, and every coordinate of G is the point.
//!
//! Every literal but a collection takes that path; a seeded test checks it against `relate` point by point, on
//! valid literals with tricky boundaries and on invalid ones (bow-tie, zero-length line, hole outside its shell),
//! and they agree. They differ only on multipolygons whose parts overlap or share an edge, where `relate`
//! contradicts itself (it finds a point on a shared edge disjoint from both parts) and the position rule treats
//! each part as closed. geo's `Validation` is not used to pick a path: it is quadratic (3.5 s for a polygon of
//! 20,000 vertices). Collections keep `relate`, which handles the mixed dimensions of their members; geo's
//! `PreparedGeometry` would cache its graph but holds an `Rc`, which would make the predicate `!Send`. `relate`
//! can panic on some invalid geometries: a collection literal is tried once at compile time (a panic there
//! rejects the filter), and at evaluation a panic is caught and counts as NULL (no match).

use std::panic::catch_unwind;

use cql2::Expr;
use geo::coordinate_position::CoordPos;
use geo::{
    BoundingRect, Coord, CoordinatePosition, CoordsIter, Geometry, LineString, MapCoords, Point, Polygon, Rect, Relate,
};

use super::envelope::Envelope;
use super::error::{FilterError, show};

/// The `S_*` operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SpatialOp {
    Intersects,
    Within,
    Contains,
    Disjoint,
    Equals,
    Touches,
    Overlaps,
    Crosses,
}

impl SpatialOp {
    pub(super) fn from_name(op: &str) -> Option<SpatialOp> {
        Some(match op {
            "s_intersects" => SpatialOp::Intersects,
            "s_within" => SpatialOp::Within,
            "s_contains" => SpatialOp::Contains,
            "s_disjoint" => SpatialOp::Disjoint,
            "s_equals" => SpatialOp::Equals,
            "s_touches" => SpatialOp::Touches,
            "s_overlaps" => SpatialOp::Overlaps,
            "s_crosses" => SpatialOp::Crosses,
            _ => return None,
        })
    }
}

/// How many times a vertex costs more under `relate` than under a position test (a graph per point).
const RELATE_COST_PER_VERTEX: u64 = 16;

/// `op(geometry, literal)` when `pin_first`, else `op(literal, geometry)`.
#[derive(Debug, Clone)]
pub(super) struct SpatialTest {
    op: SpatialOp,
    pin_first: bool,
    literal: Geometry<f64>,
    /// `None` for an empty literal, which nothing meets.
    rect: Option<Rect<f64>>,
    /// Decide by the point's position (see the module docs) rather than by `relate`.
    by_position: bool,
    /// What one test costs, in the units of `PinPredicate::eval_counting`: the literal's vertices, each looked
    /// at once by a position test; `relate` builds a graph of the geometry for every point, so it counts more.
    cost: u64,
}

impl SpatialTest {
    /// # Errors
    /// geo's `relate` panics on the literal.
    pub(super) fn new(op: SpatialOp, pin_first: bool, literal: Geometry<f64>) -> Result<SpatialTest, FilterError> {
        let rect = literal.bounding_rect();
        let by_position = !matches!(literal, Geometry::GeometryCollection(_));
        let vertices = literal.coords_count() as u64;
        let cost = if by_position { vertices } else { vertices.saturating_mul(RELATE_COST_PER_VERTEX) };
        let test = SpatialTest { op, pin_first, literal, rect, by_position, cost };
        if let Some(rect) = rect.filter(|_| !by_position) {
            let (min, max) = (rect.min(), rect.max());
            for (x, y) in [(min.x, min.y), ((min.x + max.x) / 2.0, (min.y + max.y) / 2.0), (max.x + 1.0, max.y)] {
                if test.relate(x, y).is_none() {
                    return Err(FilterError::new(
                        "the geometry cannot be used: geo's relate fails on it; is it valid?",
                    ));
                }
            }
        }
        Ok(test)
    }

    /// What one [`eval`](Self::eval) costs.
    pub(super) fn cost(&self) -> u64 {
        self.cost
    }

    /// Whether the pin at (`lon`, `lat`) satisfies the condition; `None` if geo's relate panicked.
    pub(super) fn eval(&self, lon: f64, lat: f64) -> Option<bool> {
        let in_box = self.rect.is_some_and(|rect| {
            let (min, max) = (rect.min(), rect.max());
            min.x <= lon && lon <= max.x && min.y <= lat && lat <= max.y
        });
        if !in_box {
            return Some(self.op == SpatialOp::Disjoint);
        }
        if self.by_position { Some(self.position(Coord { x: lon, y: lat })) } else { self.relate(lon, lat) }
    }

    /// Whether this test decides by the point's position rather than by `relate`.
    #[cfg(test)]
    pub(super) fn by_position(&self) -> bool {
        self.by_position
    }

    /// The answer from the point's position; only for non-collection literals and finite points.
    fn position(&self, point: Coord<f64>) -> bool {
        let position = position_in(&self.literal, point);
        let literal_is_the_point = || self.rect.is_some_and(|rect| rect.min() == point && rect.max() == point);
        match (self.op, self.pin_first) {
            (SpatialOp::Intersects, _) => position != CoordPos::Outside,
            (SpatialOp::Disjoint, _) => position == CoordPos::Outside,
            (SpatialOp::Touches, _) => position == CoordPos::OnBoundary,
            (SpatialOp::Overlaps | SpatialOp::Crosses, _) => false,
            (SpatialOp::Within, true) | (SpatialOp::Contains, false) => position == CoordPos::Inside,
            (SpatialOp::Within | SpatialOp::Contains | SpatialOp::Equals, _) => {
                position == CoordPos::Inside && literal_is_the_point()
            }
        }
    }

    /// The answer from geo's `relate`, in the written order; `None` if it panicked.
    pub(super) fn relate(&self, lon: f64, lat: f64) -> Option<bool> {
        let point = Point::new(lon, lat);
        let matrix =
            catch_unwind(|| if self.pin_first { point.relate(&self.literal) } else { self.literal.relate(&point) })
                .ok()?;
        Some(match self.op {
            SpatialOp::Intersects => matrix.is_intersects(),
            SpatialOp::Within => matrix.is_within(),
            SpatialOp::Contains => matrix.is_contains(),
            SpatialOp::Disjoint => matrix.is_disjoint(),
            SpatialOp::Equals => matrix.is_equal_topo(),
            SpatialOp::Touches => matrix.is_touches(),
            SpatialOp::Overlaps => matrix.is_overlaps(),
            SpatialOp::Crosses => matrix.is_crosses(),
        })
    }

    /// Every operator but `S_DISJOINT` is false outside the literal's box (see [`SpatialTest::eval`]).
    pub(super) fn envelope(&self) -> Option<Envelope> {
        if self.op == SpatialOp::Disjoint {
            return None;
        }
        Some(match self.rect {
            Some(rect) => Envelope::InBox([rect.min().x, rect.min().y, rect.max().x, rect.max().y]),
            None => Envelope::Empty,
        })
    }
}

/// Where `point` lies relative to `literal`, correcting two cases where geo's `CoordinatePosition` disagrees with
/// its own `relate` (found by the oracle test):
/// - a multipolygon: geo applies the mod-2 boundary rule across parts, which puts the vertex where two valid parts
///   meet outside both. Valid parts have disjoint interiors, so the union is: inside a part, else on a part's
///   boundary, else outside;
/// - a multilinestring: an endpoint shared by an even number of parts is interior by the mod-2 rule, but geo
///   reports it outside.
fn position_in(literal: &Geometry<f64>, point: Coord<f64>) -> CoordPos {
    match literal {
        Geometry::MultiPolygon(parts) => {
            let mut position = CoordPos::Outside;
            for part in parts {
                match part.coordinate_position(&point) {
                    CoordPos::Inside => return CoordPos::Inside,
                    CoordPos::OnBoundary => position = CoordPos::OnBoundary,
                    CoordPos::Outside => {}
                }
            }
            position
        }
        Geometry::MultiLineString(lines) => {
            let (mut inside, mut endpoints) = (false, 0);
            lines.calculate_coordinate_position(&point, &mut inside, &mut endpoints);
            match (endpoints % 2 == 1, inside || endpoints > 0) {
                (true, _) => CoordPos::OnBoundary,
                (false, true) => CoordPos::Inside,
                (false, false) => CoordPos::Outside,
            }
        }
        _ => literal.coordinate_position(&point),
    }
}

/// A geometry literal (`POINT(…)` … `GEOMETRYCOLLECTION(…)`, `BBOX(…)`) in lon/lat, each coordinate passed
/// through `to_lon_lat`.
pub(super) fn literal_geometry(
    expr: &Expr,
    to_lon_lat: &dyn Fn(f64, f64) -> Result<(f64, f64), String>,
) -> Result<Geometry<f64>, FilterError> {
    let convert = |c: Coord<f64>| -> Result<Coord<f64>, FilterError> {
        if !(c.x.is_finite() && c.y.is_finite()) {
            return Err(FilterError::new(format!("{} has a coordinate that is not a finite number", show(expr))));
        }
        let (x, y) = to_lon_lat(c.x, c.y).map_err(|error| {
            FilterError::new(format!("the coordinate ({} {}) of {} cannot be converted: {error}", c.x, c.y, show(expr)))
        })?;
        if !(x.is_finite() && y.is_finite()) {
            return Err(FilterError::new(format!("the coordinate ({} {}) has no lon/lat", c.x, c.y)));
        }
        Ok(Coord { x, y })
    };
    match expr {
        Expr::BBox { bbox } => bbox_geometry(bbox, expr, &convert),
        // cql2's own conversion reads WKT with the wkt 0.11 crate, whose number parser is an ulp off for some
        // inputs (POINT(76.81390341254577 43.161936326652636) missed the pin stored exactly there); geozero's
        // reader (wkt 0.14) parses numbers with the standard library, exactly.
        Expr::Geometry(cql2::Geometry::Wkt(text)) => {
            use geozero::ToGeo;
            // geozero refuses some EMPTY forms, which cql2's conversion takes (they carry no number to misread).
            let parsed = match geozero::wkt::Wkt(text.as_str()).to_geo() {
                Ok(g) => g,
                Err(_) => Geometry::<f64>::try_from(expr.clone())
                    .map_err(|_| FilterError::new(format!("{} is not a geometry", show(expr))))?,
            };
            parsed.try_map_coords(convert)
        }
        Expr::Geometry(_) => {
            let parsed = Geometry::<f64>::try_from(expr.clone())
                .map_err(|_| FilterError::new(format!("{} is not a geometry", show(expr))))?;
            parsed.try_map_coords(convert)
        }
        _ => Err(FilterError::new(format!("{} is not a geometry", show(expr)))),
    }
}

/// A `BBOX` in the filter's CRS becomes the polygon of its densified outline in lon/lat (16 points per edge), or
/// a `Rect` when that outline is still an axis-aligned rectangle (lon/lat CRSs, in either axis order).
fn bbox_geometry(
    bbox: &[Box<Expr>],
    expr: &Expr,
    convert: &dyn Fn(Coord<f64>) -> Result<Coord<f64>, FilterError>,
) -> Result<Geometry<f64>, FilterError> {
    let numbers: Vec<f64> = bbox.iter().filter_map(|v| if let Expr::Float(v) = **v { Some(v) } else { None }).collect();
    let [x0, y0, x1, y1] = match numbers[..] {
        [x0, y0, x1, y1] if bbox.len() == 4 => [x0, y0, x1, y1],
        [x0, y0, _, x1, y1, _] if bbox.len() == 6 => [x0, y0, x1, y1],
        _ => return Err(FilterError::new(format!("{} needs 4 (or 6) numbers", show(expr)))),
    };
    if !(x0 <= x1 && y0 <= y1) {
        return Err(FilterError::new(format!(
            "{}: the minimum is above the maximum (boxes across the antimeridian are not supported)",
            show(expr)
        )));
    }
    const STEPS: usize = 16;
    let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    let mut ring = Vec::with_capacity(4 * STEPS + 1);
    for (&(ax, ay), &(bx, by)) in corners.iter().zip(corners.iter().skip(1)) {
        for step in 0..STEPS {
            let t = step as f64 / STEPS as f64;
            ring.push(convert(Coord { x: ax + (bx - ax) * t, y: ay + (by - ay) * t })?);
        }
    }
    ring.push(convert(Coord { x: x0, y: y0 })?);
    let outline = LineString::new(ring);
    let Some(rect) = outline.bounding_rect() else {
        return Err(FilterError::new(format!("{} has no extent", show(expr))));
    };
    let (min, max) = (rect.min(), rect.max());
    // Each step runs along one side of the box: the outline is the box's own boundary.
    let along_a_side = |pair: &[Coord<f64>]| match pair {
        [a, b] => (a.x == b.x && (a.x == min.x || a.x == max.x)) || (a.y == b.y && (a.y == min.y || a.y == max.y)),
        _ => false,
    };
    if outline.0.windows(2).all(along_a_side) {
        Ok(Geometry::Rect(rect))
    } else {
        Ok(Geometry::Polygon(Polygon::new(outline, Vec::new())))
    }
}

//! The position shortcut (see `spatial`) against geo's `relate`, its reference: for every operator, both argument
//! orders, and points on a grid that hits the literals' vertices, edges and interiors.

use super::super::spatial::{SpatialOp, SpatialTest, literal_geometry};
use super::identity;

const OPS: [SpatialOp; 8] = [
    SpatialOp::Intersects,
    SpatialOp::Within,
    SpatialOp::Contains,
    SpatialOp::Disjoint,
    SpatialOp::Equals,
    SpatialOp::Touches,
    SpatialOp::Overlaps,
    SpatialOp::Crosses,
];

/// Valid literals with the corner cases of boundaries: holes, a hole touching the shell, parts meeting at a
/// vertex, concave and closed rings, lines meeting end to end (mod-2 boundary), repeated points, thin boxes.
const VALID: &[&str] = &[
    "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))",
    "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 3 1, 3 3, 1 3, 1 1))",
    "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (0 0, 2 1, 1 2, 0 0))",
    "POLYGON((0 0, 4 0, 4 4, 2 1, 0 4, 0 0))",
    "MULTIPOLYGON(((0 0, 2 0, 2 2, 0 2, 0 0)), ((2 2, 4 2, 4 4, 2 4, 2 2)))",
    "LINESTRING(0 0, 2 2, 4 0)",
    "LINESTRING(0 0, 4 0, 4 4, 0 0)",
    "LINESTRING(0 0, 4 4, 4 0, 0 4)",
    "MULTILINESTRING((0 0, 2 2), (2 2, 4 0), (1 3, 3 3))",
    "MULTILINESTRING((0 0, 2 2), (2 2, 4 0), (2 2, 2 4))",
    "MULTILINESTRING((0 0, 4 0), (2 0, 2 2))",
    "MULTILINESTRING((0 0, 4 4), (0 4, 4 0))",
    "LINESTRING(2 2, 2 4, 0 4, 0 0, 4 4)",
    "MULTIPOLYGON(((0 0, 2 0, 2 2, 0 2, 0 0)), ((3 3, 4 3, 4 4, 3 4, 3 3)))",
    "POINT(2 2)",
    "MULTIPOINT((2 2), (2 2))",
    "MULTIPOINT((1 1), (3 3))",
    "BBOX(1, 1, 3, 3)",
    "BBOX(1, 1, 1, 3)",
    "BBOX(2, 2, 2, 2)",
];

#[test]
fn position_shortcut_agrees_with_relate() {
    assert_agreement(VALID);
}

fn assert_agreement(literals: &[&str]) {
    let grid: Vec<f64> = (-2..=18).map(|i| f64::from(i) * 0.25).collect();
    for text in literals {
        let literal = literal_geometry(&cql2::parse_text(text).unwrap(), &identity).unwrap();
        for op in OPS {
            for pin_first in [true, false] {
                let test = SpatialTest::new(op, pin_first, literal.clone()).unwrap();
                assert!(test.by_position(), "{text} should take the shortcut");
                for &x in &grid {
                    for &y in &grid {
                        assert_eq!(
                            test.eval(x, y),
                            test.relate(x, y),
                            "{op:?} pin_first={pin_first} {text} at ({x} {y})"
                        );
                    }
                }
            }
        }
    }
}

/// Invalid or degenerate literals on which `relate` is still consistent, and the shortcut agrees with it.
const INVALID: &[&str] = &[
    "POLYGON((0 0, 4 4, 4 0, 0 4, 0 0))",
    "POLYGON((0 0, 2 2))",
    "LINESTRING(2 2, 2 2)",
    "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 5 1, 5 3, 1 3, 1 1))",
];

#[test]
fn position_shortcut_agrees_with_relate_on_consistent_invalid_literals() {
    assert_agreement(INVALID);
}

/// On a multipolygon whose parts overlap or share an edge, `relate` contradicts itself (a point on an edge shared by
/// two parts is disjoint from the multipolygon); the shortcut treats each part as closed.
#[test]
fn invalid_multipolygons_are_the_closure_of_their_parts() {
    let test = |text: &str, op| {
        let literal = literal_geometry(&cql2::parse_text(text).unwrap(), &identity).unwrap();
        SpatialTest::new(op, true, literal).unwrap()
    };
    let sharing = "MULTIPOLYGON(((0 0, 2 0, 2 2, 0 2, 0 0)), ((2 0, 4 0, 4 2, 2 2, 2 0)))";
    assert_eq!(test(sharing, SpatialOp::Intersects).eval(2.0, 0.5), Some(true));
    assert_eq!(test(sharing, SpatialOp::Intersects).relate(2.0, 0.5), Some(false), "geo's relate changed: update docs");
    let overlapping = "MULTIPOLYGON(((0 0, 3 0, 3 3, 0 3, 0 0)), ((1 1, 4 1, 4 4, 1 4, 1 1)))";
    assert_eq!(test(overlapping, SpatialOp::Within).eval(1.0, 1.5), Some(true));
    assert_eq!(test(overlapping, SpatialOp::Within).eval(3.5, 3.5), Some(true));
    assert_eq!(test(overlapping, SpatialOp::Touches).eval(4.0, 2.0), Some(true));
}

#[test]
fn collections_use_relate() {
    let text = "GEOMETRYCOLLECTION(POINT(5 5), POLYGON((0 0, 4 0, 4 4, 0 0)))";
    let literal = literal_geometry(&cql2::parse_text(text).unwrap(), &identity).unwrap();
    let test = SpatialTest::new(SpatialOp::Intersects, true, literal).unwrap();
    assert!(!test.by_position());
    assert_eq!(test.eval(5.0, 5.0), Some(true));
    assert_eq!(test.eval(4.0, 2.0), Some(true));
    assert_eq!(test.eval(1.0, 3.0), Some(false));
}

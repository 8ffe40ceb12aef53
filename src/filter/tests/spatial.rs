//! `S_*` functions on the pin's point, geometry literals, `to_lon_lat`, and `envelope()`. The reference pin is at
//! (76.95, 43.25), inside the square SQUARE.

use super::super::Envelope::{Empty, InBox};
use super::super::Tri::{False, True};
use super::super::{PinFields, compile};
use super::{check, check_all, error, filter, pin};

const SQUARE: &str = "POLYGON((76 43, 77 43, 77 44, 76 44, 76 43))";

fn at(lon: f64, lat: f64) -> PinFields<'static> {
    PinFields { lon, lat, ..pin() }
}

#[test]
fn point_inside_a_polygon() {
    check_all(&[
        (&format!("S_INTERSECTS(geometry, {SQUARE})"), True),
        (&format!("S_WITHIN(geometry, {SQUARE})"), True),
        (&format!("S_CONTAINS(geometry, {SQUARE})"), False),
        (&format!("S_DISJOINT(geometry, {SQUARE})"), False),
        (&format!("S_TOUCHES(geometry, {SQUARE})"), False),
        (&format!("S_EQUALS(geometry, {SQUARE})"), False),
        (&format!("S_OVERLAPS(geometry, {SQUARE})"), False),
        (&format!("S_CROSSES(geometry, {SQUARE})"), False),
        (&format!("NOT S_INTERSECTS(geometry, {SQUARE})"), False),
        (&format!("ST_Intersects(geometry, {SQUARE})"), True),
    ]);
}

#[test]
fn literal_first_spatial_functions_keep_their_meaning() {
    check_all(&[
        (&format!("S_INTERSECTS({SQUARE}, geometry)"), True),
        (&format!("S_CONTAINS({SQUARE}, geometry)"), True),
        (&format!("S_WITHIN({SQUARE}, geometry)"), False),
        (&format!("S_DISJOINT({SQUARE}, geometry)"), False),
        ("S_WITHIN(POINT(76.95 43.25), geometry)", True),
        ("S_CONTAINS(POINT(76.95 43.25), geometry)", True),
        ("S_CONTAINS(MULTIPOINT((76.95 43.25), (1 1)), geometry)", True),
        ("S_WITHIN(MULTIPOINT((76.95 43.25), (1 1)), geometry)", False),
    ]);
}

#[test]
fn point_outside_a_polygon() {
    let outside = at(78.0, 43.5);
    for (op, expected) in [("S_INTERSECTS", False), ("S_WITHIN", False), ("S_TOUCHES", False), ("S_DISJOINT", True)] {
        check(&format!("{op}(geometry, {SQUARE})"), &outside, expected);
        check(&format!("{op}({SQUARE}, geometry)"), &outside, expected);
    }
}

#[test]
fn point_on_a_polygon_boundary() {
    for boundary in [at(76.0, 43.5), at(77.0, 43.5), at(76.5, 44.0), at(76.0, 43.0)] {
        check(&format!("S_INTERSECTS(geometry, {SQUARE})"), &boundary, True);
        check(&format!("S_WITHIN(geometry, {SQUARE})"), &boundary, False);
        check(&format!("S_TOUCHES(geometry, {SQUARE})"), &boundary, True);
        check(&format!("S_TOUCHES({SQUARE}, geometry)"), &boundary, True);
        check(&format!("S_DISJOINT(geometry, {SQUARE})"), &boundary, False);
        check(&format!("S_CONTAINS({SQUARE}, geometry)"), &boundary, False);
    }
}

#[test]
fn bbox_edges_are_inclusive() {
    let bbox = "BBOX(76, 43, 77, 44)";
    for (p, expected) in [(pin(), True), (at(77.0, 43.25), True), (at(76.0, 43.0), True), (at(77.000001, 43.5), False)]
    {
        check(&format!("S_INTERSECTS(geometry, {bbox})"), &p, expected);
    }
    check(&format!("S_WITHIN(geometry, {bbox})"), &at(77.0, 43.25), False);
    check(&format!("S_WITHIN(geometry, {bbox})"), &pin(), True);
    check(&format!("S_TOUCHES(geometry, {bbox})"), &at(77.0, 43.25), True);
    check("S_INTERSECTS(geometry, BBOX(76, 43, 0, 77, 44, 100))", &pin(), True);
}

#[test]
fn point_literals() {
    check_all(&[
        ("S_EQUALS(geometry, POINT(76.95 43.25))", True),
        ("S_EQUALS(geometry, POINT(76.95 43.26))", False),
        ("S_INTERSECTS(geometry, POINT(76.95 43.25))", True),
        ("S_WITHIN(geometry, POINT(76.95 43.25))", True),
        ("S_CONTAINS(geometry, POINT(76.95 43.25))", True),
        ("S_TOUCHES(geometry, POINT(76.95 43.25))", False),
        ("S_DISJOINT(geometry, POINT(76.95 43.26))", True),
        ("S_EQUALS(geometry, POINT(76.95 43.25 900))", True),
        ("S_EQUALS(geometry, POINT Z(76.95 43.25 900))", True),
        ("S_INTERSECTS(geometry, MULTIPOINT((76.95 43.25), (1 1)))", True),
        ("S_WITHIN(geometry, MULTIPOINT((76.95 43.25), (1 1)))", True),
        ("S_EQUALS(geometry, MULTIPOINT((76.95 43.25), (1 1)))", False),
        ("S_EQUALS(geometry, MULTIPOINT((76.95 43.25), (76.95 43.25)))", True),
        ("S_CONTAINS(geometry, MULTIPOINT((76.95 43.25), (1 1)))", False),
    ]);
}

#[test]
fn line_literals() {
    check_all(&[
        ("S_INTERSECTS(geometry, LINESTRING(76.9 43.25, 77 43.25))", True),
        ("S_WITHIN(geometry, LINESTRING(76.9 43.25, 77 43.25))", True),
        ("S_TOUCHES(geometry, LINESTRING(76.9 43.25, 77 43.25))", False),
        ("S_CROSSES(geometry, LINESTRING(76.9 43.25, 77 43.25))", False),
        ("S_TOUCHES(geometry, LINESTRING(76.95 43.25, 77 44))", True),
        ("S_WITHIN(geometry, LINESTRING(76.95 43.25, 77 44))", False),
        ("S_INTERSECTS(geometry, LINESTRING(76.9 43.3, 77 43.3))", False),
        ("S_INTERSECTS(geometry, MULTILINESTRING((0 0, 1 1), (76.9 43.25, 77 43.25)))", True),
        ("S_INTERSECTS(geometry, MULTILINESTRING((0 0, 1 1), (2 2, 3 3)))", False),
    ]);
}

#[test]
fn polygons_with_holes_multipolygons_and_collections() {
    let holed = "POLYGON((76 43, 77 43, 77 44, 76 44, 76 43), (76.9 43.2, 77 43.2, 77 43.3, 76.9 43.3, 76.9 43.2))";
    check_all(&[
        (&format!("S_INTERSECTS(geometry, {holed})"), False),
        (&format!("S_DISJOINT(geometry, {holed})"), True),
        ("S_WITHIN(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((76 43, 77 43, 77 44, 76 43))))", True),
        ("S_INTERSECTS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0))))", False),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 1), POLYGON((76 43, 77 43, 77 44, 76 43))))", True),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 2 2)))", False),
    ]);
}

#[test]
fn empty_geometries_meet_nothing() {
    for empty in ["POINT EMPTY", "POLYGON EMPTY", "GEOMETRYCOLLECTION EMPTY", "MULTIPOLYGON EMPTY"] {
        check(&format!("S_INTERSECTS(geometry, {empty})"), &pin(), False);
        check(&format!("S_DISJOINT(geometry, {empty})"), &pin(), True);
        assert_eq!(filter(&format!("S_INTERSECTS(geometry, {empty})")).envelope(), Some(Empty), "{empty}");
    }
}

fn swap(x: f64, y: f64) -> Result<(f64, f64), String> {
    Ok((y, x))
}

#[test]
fn to_lon_lat_converts_every_coordinate() {
    // EPSG:4326 gives latitude first.
    let polygon = "S_INTERSECTS(geometry, POLYGON((43 76, 43 77, 44 77, 44 76, 43 76)))";
    assert_eq!(compile(polygon, &swap).unwrap().eval(&pin()), True);
    assert_eq!(filter(polygon).eval(&pin()), False);
    let bbox = compile("S_WITHIN(geometry, BBOX(43, 76, 44, 77))", &swap).unwrap();
    assert_eq!(bbox.eval(&pin()), True);
    assert_eq!(bbox.envelope(), Some(InBox([76.0, 43.0, 77.0, 44.0])));
    assert_eq!(compile("S_EQUALS(geometry, POINT(43.25 76.95))", &swap).unwrap().eval(&pin()), True);
}

#[test]
fn a_projected_bbox_is_densified() {
    // A made-up CRS whose box's lower edge bends up to latitude 43.25 at its ends: y = lat - (lon - 76.5)².
    let bend = |x: f64, y: f64| Ok((x, y + (x - 76.5) * (x - 76.5)));
    let predicate = compile("S_INTERSECTS(geometry, BBOX(76, 43, 77, 44))", &bend).unwrap();
    assert_eq!(predicate.eval(&at(76.5, 43.01)), True);
    assert_eq!(predicate.eval(&at(76.95, 43.1)), False, "below the bent edge, inside the corners' box");
    assert_eq!(predicate.eval(&at(76.95, 43.25)), True);
    let Some(InBox([min_lon, min_lat, max_lon, max_lat])) = predicate.envelope() else { unreachable!() };
    assert_eq!((min_lon, min_lat, max_lon), (76.0, 43.0, 77.0));
    assert!((max_lat - 44.25).abs() < 1e-9, "{max_lat}");
}

#[test]
fn to_lon_lat_errors_are_reported() {
    let refuse = |x: f64, _: f64| if x > 100.0 { Err("outside the area of use".to_string()) } else { Ok((x, 0.0)) };
    let message = compile("S_INTERSECTS(geometry, POINT(120 5))", &refuse).unwrap_err().message;
    assert!(message.contains("outside the area of use") && message.contains("120"), "{message}");
    let nan = |_: f64, _: f64| Ok((f64::NAN, 0.0));
    assert!(compile("S_INTERSECTS(geometry, BBOX(1, 2, 3, 4))", &nan).is_err());
    // Only geometry literals are converted.
    assert!(compile("id = 1", &refuse).is_ok());
}

#[test]
fn envelopes_of_combinations() {
    let a = "S_INTERSECTS(geometry, BBOX(76, 43, 77, 44))";
    let b = "S_WITHIN(geometry, POLYGON((76.5 43.5, 78 43.5, 78 45, 76.5 43.5)))";
    let far = "S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))";
    let envelope = |text: &str| filter(text).envelope();
    assert_eq!(envelope(a), Some(InBox([76.0, 43.0, 77.0, 44.0])));
    assert_eq!(envelope(b), Some(InBox([76.5, 43.5, 78.0, 45.0])));
    assert_eq!(envelope(&format!("{a} AND {b}")), Some(InBox([76.5, 43.5, 77.0, 44.0])));
    assert_eq!(envelope(&format!("{a} AND {far}")), Some(Empty));
    assert_eq!(envelope(&format!("{a} AND id = 1")), Some(InBox([76.0, 43.0, 77.0, 44.0])));
    assert_eq!(envelope(&format!("{a} AND NOT {b}")), Some(InBox([76.0, 43.0, 77.0, 44.0])));
    assert_eq!(envelope(&format!("{a} OR {b}")), Some(InBox([76.0, 43.0, 78.0, 45.0])));
    assert_eq!(envelope(&format!("{a} OR id = 1")), None);
    assert_eq!(envelope(&format!("{a} OR FALSE")), Some(InBox([76.0, 43.0, 77.0, 44.0])));
    assert_eq!(envelope(&format!("({a} AND {far}) OR {b}")), Some(InBox([76.5, 43.5, 78.0, 45.0])));
    assert_eq!(envelope(&format!("NOT {a}")), None);
    assert_eq!(envelope("S_DISJOINT(geometry, BBOX(0, 0, 1, 1))"), None);
    assert_eq!(envelope("S_CONTAINS(BBOX(0, 0, 1, 1), geometry)"), Some(InBox([0.0, 0.0, 1.0, 1.0])));
    assert_eq!(envelope("S_EQUALS(geometry, POINT(5 6))"), Some(InBox([5.0, 6.0, 5.0, 6.0])));
    assert_eq!(envelope("FALSE"), Some(Empty));
    assert_eq!(envelope("TRUE"), None);
    assert_eq!(envelope("id = 1"), None);
}

#[test]
fn matches_lie_inside_the_envelope() {
    let filters = [
        "S_INTERSECTS(geometry, POLYGON((76 43, 77 43, 77 44, 76 43)))",
        "S_TOUCHES(geometry, LINESTRING(76 43, 77 44)) OR S_WITHIN(geometry, BBOX(76.2, 43.2, 76.4, 43.4))",
        "S_INTERSECTS(geometry, BBOX(76, 43, 77, 44)) AND S_CONTAINS(POLYGON((76.5 43, 78 43, 78 45, 76.5 43)), geometry)",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    for text in filters {
        let predicate = filter(text);
        let Some(InBox([x0, y0, x1, y1])) = predicate.envelope() else { unreachable!("{text}") };
        for _ in 0..2000 {
            // Snap to a 1/64 grid so that edges and vertices are hit too.
            let (lon, lat) = (75.5 + (next() * 192.0).floor() / 64.0, 42.5 + (next() * 192.0).floor() / 64.0);
            if predicate.eval(&at(lon, lat)) == True {
                assert!(x0 <= lon && lon <= x1 && y0 <= lat && lat <= y1, "{text} at ({lon}, {lat})");
            }
        }
    }
}

#[test]
fn spatial_errors() {
    for (text, needle) in [
        ("S_INTERSECTS(geometry, POINT(1))", "POINT(1) is not a geometry"),
        ("S_INTERSECTS(POINT(1), geometry)", "POINT(1) is not a geometry"),
        ("S_INTERSECTS(category, POINT(1 2))", "S_INTERSECTS needs the property geometry as one argument"),
        ("S_INTERSECTS(category, POINT(1 2))", "category is a string"),
        ("S_INTERSECTS(POINT(1 2), POINT(1 2))", "needs the property geometry"),
        ("S_WITHIN(geometry, geometry)", "S_WITHIN needs the property geometry"),
        ("S_INTERSECTS(geometry)", "S_INTERSECTS takes 2 arguments, not 1"),
        ("S_INTERSECTS(geom, POINT(1 2))", "unknown property \"geom\""),
        ("S_INTERSECTS(geometry, 'POINT(1 2)')", "is not a geometry"),
        ("S_INTERSECTS(geometry, BBOX(1, 2, 3))", "needs 4 (or 6) numbers"),
        ("S_INTERSECTS(geometry, BBOX(1, 2, 'x', 4))", "needs 4 (or 6) numbers"),
        ("S_INTERSECTS(geometry, BBOX(3, 0, 1, 1))", "antimeridian"),
        (&format!("S_INTERSECTS(geometry, POINT(1{} 1))", "0".repeat(400)), "not a finite number"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(1 2))))", "GEOMETRYCOLLECTION"),
        ("geometry = POINT(1 2)", "spatial functions"),
    ] {
        let message = error(text).message;
        assert!(message.contains(needle), "{text}: {message}");
    }
}

#[test]
fn point_literals_keep_every_digit() {
    // Full-precision coordinates, as a client copies them from a feature, must hit the pin stored there.
    for (lon, lat) in [(76.81390341254577, 43.161936326652636), (76.82028058522116, 43.30776708585547)] {
        let f = filter(&format!("S_INTERSECTS(geometry, POINT({lon} {lat}))"));
        assert_eq!(f.eval(&at(lon, lat)), True, "({lon} {lat})");
        assert_eq!(f.eval(&at(lon, lat + 1e-12)), False);
    }
}

//! Unit tests of [`PreparedArea`]: it must answer exactly what `geo::Intersects<Point<f64>>` answers, so
//! every test compares the two on probes placed where a shortcut could go wrong (vertices and their ulp
//! neighbours, edges, the grid's cell lines), on Almaty's districts and historic centre, hand-made shapes
//! (holes, touching squares, slivers, self-intersecting rings, degenerate input) and random lattice polygons.

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

#[test]
fn a_box_said_to_be_covered_is_covered_at_every_probe() {
    let mut rng = Rng(0x51_7cc1_b727_220a);
    let (mut covered_boxes, mut boxes) = (0, 0);
    for (name, shape) in load("almaty_districts.geojson") {
        let area = PreparedArea::new(&shape);
        let [x0, y0, x1, y1] = area.bounding_box().unwrap();
        for _ in 0..2_000 {
            let (w, h) = (rng.range(0.0, 0.02), rng.range(0.0, 0.02));
            let (x, y) = (rng.range(x0 - 0.01, x1), rng.range(y0 - 0.01, y1));
            let b = [x, y, x + w, y + h];
            boxes += 1;
            if !area.covers_box(b) {
                continue;
            }
            covered_boxes += 1;
            let mut probes = vec![(b[0], b[1]), (b[2], b[3]), (b[0], b[3]), (b[2], b[1])];
            probes.extend((0..50).map(|_| (rng.range(b[0], b[2]), rng.range(b[1], b[3]))));
            for (px, py) in probes {
                assert!(shape.intersects(&Point::new(px, py)), "{name}: {b:?} said covered, ({px}, {py}) is not");
            }
        }
    }
    assert!(covered_boxes > boxes / 20, "only {covered_boxes} of {boxes} boxes were found covered");
}

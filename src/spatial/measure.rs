//! Measures in true metres on the WGS 84 ellipsoid (geo's `Geodesic`, Karney's algorithm), so that areas and
//! distances agree with PostGIS on `geography` and never treat degrees as if they were metres.
//!
//! Short distances take a shortcut: below 2 km, the ellipsoid's local radii of curvature at the mean latitude
//! give the geodesic distance to within 0.2 mm (the error grows with the cube of the
//! distance; the unit test checks the bound against Karney over many random pairs), at a fraction of the cost
//! of Karney's series. Radius and nearest-neighbour queries, which measure thousands of candidates, depend on
//! that.

use geo::{Distance, Geodesic, GeodesicArea, MultiPolygon, Point};

/// Geodesic area in km².
pub fn area_km2(mp: &MultiPolygon<f64>) -> f64 {
    mp.geodesic_area_unsigned() / 1_000_000.0
}

/// Geodesic distance in metres between two lon/lat points on WGS 84 (within 0.2 mm of Karney's).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let local = local_distance_m(a, b);
    if local < SHORTCUT_BELOW_M { local } else { geodesic_distance_m(a, b) }
}

/// Karney's geodesic distance in metres, always.
pub fn geodesic_distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
}

const SHORTCUT_BELOW_M: f64 = 2_000.0;
const WGS84_A: f64 = 6_378_137.0;
const WGS84_E2: f64 = (2.0 - 1.0 / 298.257_223_563) / 298.257_223_563;

/// The distance in the plane tangent at the mean latitude, scaled by the meridional (M) and prime-vertical (N)
/// radii of curvature there. Exact to first order; its error is of order d³/R².
fn local_distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (sin_phi, cos_phi) = ((a.1 + b.1) / 2.0).to_radians().sin_cos();
    let w2 = 1.0 - WGS84_E2 * sin_phi * sin_phi;
    let w = w2.sqrt();
    let n = WGS84_A / w;
    let m = WGS84_A * (1.0 - WGS84_E2) / (w2 * w);
    let mut dlon = b.0 - a.0;
    if dlon.abs() > 180.0 {
        dlon -= 360.0_f64.copysign(dlon);
    }
    let dy = (b.1 - a.1).to_radians() * m;
    let dx = dlon.to_radians() * n * cos_phi;
    // Not `hypot`: no overflow is possible at these magnitudes, and `sqrt` is several times cheaper.
    (dx * dx + dy * dy).sqrt()
}

/// A lon/lat box that surely contains every point within `radius_m` of `centre` (a prefilter for the R-tree;
/// the exact test is [`distance_m`]). Degrees of latitude are at least 110.57 km long and a degree of longitude
/// at latitude φ at least 111.32·cos φ km; a 1% margin covers the ellipsoid's flattening.
pub fn radius_envelope(centre: (f64, f64), radius_m: f64) -> [f64; 4] {
    let dlat = radius_m / 110_574.0 * 1.01;
    let far_lat = (centre.1.abs() + dlat).min(89.9).to_radians();
    let dlon = (radius_m / (111_320.0 * far_lat.cos()) * 1.01).min(180.0);
    [centre.0 - dlon, (centre.1 - dlat).max(-90.0), centre.0 + dlon, (centre.1 + dlat).min(90.0)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn envelope_contains_the_circle() {
        let c = (76.9458, 43.2380);
        let [x0, y0, x1, y1] = radius_envelope(c, 500.0);
        for (x, y) in [(x0, c.1), (x1, c.1), (c.0, y0), (c.0, y1)] {
            assert!(distance_m(c, (x, y)) > 500.0);
        }
        assert!((distance_m(c, (c.0, c.1 + 0.01)) - 1111.0).abs() < 5.0);
    }

    #[test]
    fn the_short_distance_shortcut_agrees_with_karney() {
        // Pairs up to 2.5 km apart, at latitudes from the equator to 75°, both hemispheres.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x2545_F491_4F6C_DD1D);
        let mut next = move || rng.random::<f64>();
        let mut worst: f64 = 0.0;
        for _ in 0..200_000 {
            let lat = (next() * 2.0 - 1.0) * 75.0;
            let a = (next() * 360.0 - 180.0, lat);
            let reach = next() * 0.03;
            let b = (a.0 + (next() * 2.0 - 1.0) * reach / lat.to_radians().cos(), lat + (next() * 2.0 - 1.0) * reach);
            let exact = geodesic_distance_m(a, b);
            if exact < 2_100.0 {
                worst = worst.max((distance_m(a, b) - exact).abs());
            }
        }
        assert!(worst < 2e-4, "worst difference {worst} m");
    }
}

//! Measures in true metres on the WGS 84 ellipsoid (geo's `Geodesic`, Karney's algorithm), so that areas and
//! distances agree with PostGIS on `geography` and never treat degrees as if they were metres.

use geo::{Distance, Geodesic, GeodesicArea, MultiPolygon, Point};

/// Geodesic area in km².
pub fn area_km2(mp: &MultiPolygon<f64>) -> f64 {
    mp.geodesic_area_unsigned() / 1_000_000.0
}

/// Geodesic distance in metres between two lon/lat points.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
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

    #[test]
    fn envelope_contains_the_circle() {
        let c = (76.9458, 43.2380);
        let [x0, y0, x1, y1] = radius_envelope(c, 500.0);
        for (x, y) in [(x0, c.1), (x1, c.1), (c.0, y0), (c.0, y1)] {
            assert!(distance_m(c, (x, y)) > 500.0);
        }
        assert!((distance_m(c, (c.0, c.1 + 0.01)) - 1111.0).abs() < 5.0);
    }
}

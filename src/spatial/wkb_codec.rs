//! MultiPolygons to and from WKB, the geometry encoding both stores speak (PostGIS `ST_GeomFromWKB` /
//! `ST_AsBinary`, and the GeoPackage geometry blob after its header). Uses the `wkb` crate; WKB keeps every
//! double bit for bit, so a geometry read back equals the one written.

use geo::{Geometry, MultiPolygon};
use geo_traits::to_geo::{ToGeoMultiPolygon, ToGeoPolygon};
use geo_traits::{GeometryTrait, GeometryType};

#[derive(Debug, thiserror::Error)]
pub enum WkbError {
    #[error("cannot encode WKB: {0}")]
    Encode(String),
    #[error("cannot decode WKB: {0}")]
    Decode(String),
    #[error("expected a (multi)polygon, found another geometry type")]
    NotPolygonal,
}

/// Little-endian ISO WKB of a MultiPolygon.
///
/// # Errors
/// Only if the writer fails (it writes to memory).
pub fn multipolygon_to_wkb(mp: &MultiPolygon<f64>) -> Result<Vec<u8>, WkbError> {
    let mut out = Vec::new();
    wkb::writer::write_geometry(&mut out, &Geometry::MultiPolygon(mp.clone()), &Default::default())
        .map_err(|e| WkbError::Encode(e.to_string()))?;
    Ok(out)
}

/// A (multi)polygon from WKB; a polygon becomes a one-part MultiPolygon.
///
/// # Errors
/// When the bytes are not WKB or hold another geometry type.
pub fn multipolygon_from_wkb(bytes: &[u8]) -> Result<MultiPolygon<f64>, WkbError> {
    let wkb = wkb::reader::read_wkb(bytes).map_err(|e| WkbError::Decode(e.to_string()))?;
    match wkb.as_type() {
        GeometryType::MultiPolygon(mp) => Ok(mp.to_multi_polygon()),
        GeometryType::Polygon(p) => Ok(MultiPolygon(vec![p.to_polygon()])),
        _ => Err(WkbError::NotPolygonal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn round_trips_bit_for_bit() {
        let p = polygon![(x: 76.9000001, y: 43.2), (x: 76.95, y: 43.2), (x: 76.95, y: 43.25), (x: 76.9000001, y: 43.2)];
        let mp = MultiPolygon(vec![p]);
        let back = multipolygon_to_wkb(&mp).and_then(|b| multipolygon_from_wkb(&b)).ok();
        assert_eq!(back, Some(mp));
        assert!(multipolygon_from_wkb(&[1, 2, 3]).is_err());
    }
}

//! GeoPackage geometry blobs (a `GP` header with SRS id and envelope, then WKB), through geozero, for the
//! embedded store. Points carry no envelope (the standard allows it); polygons carry theirs so readers such
//! as GDAL can skip them cheaply.

use geo::{BoundingRect, Geometry, MultiPolygon, Point};
use geozero::wkb::GpkgWkb;
use geozero::{CoordDimensions, ToGeo, ToWkb};

use super::wkb_codec::WkbError;

pub const SRS_ID: i32 = 4326;

/// # Errors
/// Only if the encoder fails (it writes to memory).
pub fn point_to_gpkg(lon: f64, lat: f64) -> Result<Vec<u8>, WkbError> {
    Geometry::Point(Point::new(lon, lat))
        .to_gpkg_wkb(CoordDimensions::xy(), Some(SRS_ID), Vec::new())
        .map_err(|e| WkbError::Encode(e.to_string()))
}

/// # Errors
/// Only if the encoder fails (it writes to memory).
pub fn multipolygon_to_gpkg(mp: &MultiPolygon<f64>) -> Result<Vec<u8>, WkbError> {
    let envelope = mp.bounding_rect().map(|r| vec![r.min().x, r.max().x, r.min().y, r.max().y]).unwrap_or_default();
    Geometry::MultiPolygon(mp.clone())
        .to_gpkg_wkb(CoordDimensions::xy(), Some(SRS_ID), envelope)
        .map_err(|e| WkbError::Encode(e.to_string()))
}

/// # Errors
/// When the blob is not a GeoPackage point.
pub fn gpkg_to_point(blob: &[u8]) -> Result<(f64, f64), WkbError> {
    match GpkgWkb(blob).to_geo().map_err(|e| WkbError::Decode(e.to_string()))? {
        Geometry::Point(p) => Ok((p.x(), p.y())),
        _ => Err(WkbError::NotPolygonal),
    }
}

/// # Errors
/// When the blob is not a GeoPackage (multi)polygon.
pub fn gpkg_to_multipolygon(blob: &[u8]) -> Result<MultiPolygon<f64>, WkbError> {
    match GpkgWkb(blob).to_geo().map_err(|e| WkbError::Decode(e.to_string()))? {
        Geometry::MultiPolygon(mp) => Ok(mp),
        Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        _ => Err(WkbError::NotPolygonal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn round_trips() {
        let blob = point_to_gpkg(76.9458, 43.238).unwrap_or_default();
        assert_eq!(&blob[..2], b"GP");
        assert_eq!(gpkg_to_point(&blob).ok(), Some((76.9458, 43.238)));
        let mp = MultiPolygon(vec![
            polygon![(x: 76.9, y: 43.2), (x: 77.0, y: 43.2), (x: 77.0, y: 43.3), (x: 76.9, y: 43.2)],
        ]);
        let blob = multipolygon_to_gpkg(&mp).unwrap_or_default();
        assert_eq!(gpkg_to_multipolygon(&blob).ok(), Some(mp));
        assert!(gpkg_to_point(&[0, 1, 2]).is_err());
    }
}

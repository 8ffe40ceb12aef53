//! Reprojection to EPSG:4326 (lon, lat) with PROJ. `proj::Proj` is not `Send`, so a [`Reprojector`] lives
//! only inside one import call.

use geo::Coord;

use super::ImportError;

/// Whether `crs` already is WGS 84 longitude/latitude, so no reprojection is needed. (GeoJSON files always
/// carry lon/lat order, even when they name EPSG:4326.)
pub fn is_wgs84_lon_lat(crs: &str) -> bool {
    let c = crs.trim().to_ascii_uppercase();
    matches!(
        c.as_str(),
        "EPSG:4326" | "URN:OGC:DEF:CRS:EPSG::4326" | "OGC:CRS84" | "CRS84" | "URN:OGC:DEF:CRS:OGC:1.3:CRS84"
    )
}

pub(super) struct Reprojector {
    proj: Option<proj::Proj>,
}

impl Reprojector {
    pub(super) fn new(source: &str) -> Result<Self, ImportError> {
        if is_wgs84_lon_lat(source) {
            return Ok(Self { proj: None });
        }
        // new_known_crs normalises axis order for visualisation: lon/lat out, easting/northing in.
        let proj = proj::Proj::new_known_crs(source, "EPSG:4326", None)
            .map_err(|e| ImportError::UnknownCrs { crs: source.to_owned(), reason: e.to_string() })?;
        Ok(Self { proj: Some(proj) })
    }

    pub(super) fn convert(&self, c: Coord<f64>) -> Result<Coord<f64>, String> {
        match &self.proj {
            None => Ok(c),
            Some(p) => p
                .convert((c.x, c.y))
                .map(|(x, y)| Coord { x, y })
                .map_err(|e| format!("cannot reproject ({}, {}): {e}", c.x, c.y)),
        }
    }
}

//! Reprojection of area files to EPSG:4326 (longitude, latitude) with PROJ.
//!
//! Whatever names the source CRS (`EPSG:32643`, `urn:ogc:def:crs:EPSG::3857`, the WKT of a `.prj`) goes to
//! PROJ as it is; PROJ alone decides whether it knows it. `Proj::new_known_crs` normalises axis order for
//! visualisation, so easting/northing or lon/lat go in and lon/lat comes out, whatever the authority's order.
//! WGS 84 lon/lat sources skip PROJ altogether.
//!
//! A CRS PROJ knows can still be the wrong one (a UTM file with no `.prj`, read as degrees), so this module
//! also checks the result: a reprojected area must lie in the Almaty region ([`SANE_ENVELOPE`]).
//!
//! `proj::Proj` is not `Send`, so a [`Reprojector`] is made inside one import call and dropped with it; it is
//! never stored in shared state.

use geo::{BoundingRect, Coord, CoordsIter, MapCoords, MultiPolygon};

use super::{ImportError, SANE_ENVELOPE};

/// Whether `crs` already is WGS 84 longitude/latitude, so no reprojection is needed: `EPSG:4326` and
/// `CRS84` in their code, URN and URL spellings. (GeoJSON coordinates are lon/lat even when a file names
/// EPSG:4326, whose authority order is lat/lon.)
pub fn is_wgs84_lon_lat(crs: &str) -> bool {
    let c = crs.trim().to_ascii_uppercase();
    let c = c.trim_start_matches("HTTPS://").trim_start_matches("HTTP://");
    matches!(
        c,
        "EPSG:4326"
            | "URN:OGC:DEF:CRS:EPSG::4326"
            | "WWW.OPENGIS.NET/DEF/CRS/EPSG/0/4326"
            | "CRS84"
            | "OGC:CRS84"
            | "URN:OGC:DEF:CRS:OGC:1.3:CRS84"
            | "URN:OGC:DEF:CRS:OGC::CRS84"
            | "WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84"
    )
}

/// Converts coordinates of one source CRS to EPSG:4326 lon/lat; the identity for WGS 84 lon/lat.
pub(super) struct Reprojector {
    proj: Option<proj::Proj>,
}

impl Reprojector {
    /// # Errors
    /// [`ImportError::UnknownCrs`] when PROJ cannot build a transformation from `source` to EPSG:4326.
    pub(super) fn new(source: &str) -> Result<Self, ImportError> {
        if is_wgs84_lon_lat(source) {
            return Ok(Self { proj: None });
        }
        let proj = proj::Proj::new_known_crs(source, "EPSG:4326", None)
            .map_err(|e| ImportError::UnknownCrs { crs: source.to_owned(), reason: e.to_string() })?;
        Ok(Self { proj: Some(proj) })
    }

    /// # Errors
    /// The coordinate and PROJ's reason, when the point is outside what the source CRS can convert.
    pub(super) fn convert(&self, c: Coord<f64>) -> Result<Coord<f64>, String> {
        match &self.proj {
            None => Ok(c),
            Some(p) => p
                .convert((c.x, c.y))
                .map(|(x, y)| Coord { x, y })
                .map_err(|e| format!("cannot reproject ({}, {}): {e}", c.x, c.y)),
        }
    }

    /// Every coordinate of `mp` in lon/lat.
    ///
    /// # Errors
    /// A coordinate PROJ cannot convert, or one that comes out not finite.
    pub(super) fn multipolygon(&self, mp: &MultiPolygon<f64>, crs_note: &str) -> Result<MultiPolygon<f64>, String> {
        let out = mp.try_map_coords(|c| self.convert(c))?;
        if out.coords_iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
            return Err(format!("a coordinate is not a finite number after reprojection from {crs_note}"));
        }
        Ok(out)
    }
}

/// Whether a reprojected geometry lies in the Almaty region ([`SANE_ENVELOPE`]). A file in a projected CRS
/// read without it (or with the wrong one) lands far outside, so the message blames the CRS.
pub(super) fn check_in_almaty(geometry: &MultiPolygon<f64>, crs_note: &str) -> Result<(), String> {
    let [west, south, east, north] = SANE_ENVELOPE;
    let inside = |x0: f64, y0: f64, x1: f64, y1: f64| x0 >= west && y0 >= south && x1 <= east && y1 <= north;
    let Some(r) = geometry.bounding_rect() else { return Ok(()) };
    let (min, max) = (r.min(), r.max());
    if inside(min.x, min.y, max.x, max.y) {
        return Ok(());
    }
    let hint = if inside(min.y, min.x, max.y, max.x) {
        "longitude and latitude are swapped in the file"
    } else {
        "the CRS is probably wrong; give the right one with --crs"
    };
    Err(format!(
        "read as {crs_note} it lies at lon {:.4}..{:.4}, lat {:.4}..{:.4}, outside the Almaty region \
         (lon {west}..{east}, lat {south}..{north}): {hint}",
        min.x, max.x, min.y, max.y
    ))
}

/// A CRS as a message shows it: the name of a WKT definition (`WGS_1984_UTM_Zone_43N`) rather than all of it.
pub(super) fn short_name(crs: &str) -> &str {
    let wkt = crs.trim_start().starts_with(|c: char| c.is_ascii_uppercase()) && crs.contains('[');
    match crs.split('"').nth(1) {
        Some(name) if wkt => name,
        _ => crs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check values of `docs/style.md`: Almaty's centre in WGS 84, UTM 43N and Web Mercator.
    const LON_LAT: (f64, f64) = (76.9458, 43.2380);
    const UTM_43N: (f64, f64) = (657987.359, 4789082.923);
    const WEB_MERCATOR: (f64, f64) = (8565567.275, 5348268.322);
    /// The `.prj` GDAL writes for EPSG:32643 (ESRI-flavoured WKT1).
    const UTM_43N_PRJ: &str = r#"PROJCS["WGS_1984_UTM_Zone_43N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",75.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

    fn to_lon_lat(source: &str, (x, y): (f64, f64)) -> Coord<f64> {
        match Reprojector::new(source).map(|r| r.convert(Coord { x, y })) {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => unreachable!("{source}: {e}"),
            Err(e) => unreachable!("{source}: {e}"),
        }
    }

    fn assert_close(got: Coord<f64>, want: (f64, f64), tolerance: f64, what: &str) {
        let (dx, dy) = ((got.x - want.0).abs(), (got.y - want.1).abs());
        assert!(dx < tolerance && dy < tolerance, "{what}: got ({}, {}), want {want:?}", got.x, got.y);
    }

    #[test]
    fn the_check_values_convert_both_ways() {
        // Forward, as PROJ does it here: 1 mm, the precision of the check values.
        for (target, want) in [("EPSG:32643", UTM_43N), ("EPSG:3857", WEB_MERCATOR)] {
            let forward = proj::Proj::new_known_crs("EPSG:4326", target, None).map(|p| p.convert(LON_LAT));
            let Ok(Ok(got)) = forward else { unreachable!("EPSG:4326 -> {target}: {forward:?}") };
            assert_close(Coord { x: got.0, y: got.1 }, want, 1e-3, target);
        }
        // Back through the reader's own path, in every spelling a file may use: 1e-8° is about 1 mm.
        for (source, xy) in [
            ("EPSG:32643", UTM_43N),
            ("urn:ogc:def:crs:EPSG::32643", UTM_43N),
            (UTM_43N_PRJ, UTM_43N),
            ("EPSG:3857", WEB_MERCATOR),
            ("urn:ogc:def:crs:EPSG::3857", WEB_MERCATOR),
            ("http://www.opengis.net/def/crs/EPSG/0/3857", WEB_MERCATOR),
        ] {
            assert_close(to_lon_lat(source, xy), LON_LAT, 1e-8, source);
        }
    }

    #[test]
    fn wgs84_lon_lat_is_the_identity_in_every_spelling() {
        for crs in [
            "EPSG:4326",
            "epsg:4326",
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "OGC:CRS84",
            "CRS84",
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        ] {
            assert!(is_wgs84_lon_lat(crs), "{crs}");
            assert_eq!(to_lon_lat(crs, LON_LAT), Coord { x: LON_LAT.0, y: LON_LAT.1 }, "{crs}");
        }
        for crs in ["EPSG:3857", "EPSG:43260", "EPSG:4326x"] {
            assert!(!is_wgs84_lon_lat(crs), "{crs}");
        }
        // The `.prj` of a WGS 84 Shapefile is not in the shortcut: it goes through PROJ and still comes out lon/lat.
        let wgs84_prj = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_close(to_lon_lat(wgs84_prj, LON_LAT), LON_LAT, 1e-12, wgs84_prj);
    }

    #[test]
    fn messages_name_a_wkt_crs_by_its_name() {
        assert_eq!(short_name(UTM_43N_PRJ), "WGS_1984_UTM_Zone_43N");
        assert_eq!(short_name("urn:ogc:def:crs:EPSG::3857"), "urn:ogc:def:crs:EPSG::3857");
    }

    #[test]
    fn an_unknown_crs_is_refused_with_its_name() {
        for crs in ["EPSG:999999", "not a CRS", ""] {
            let e = Reprojector::new(crs).err().map(|e| e.to_string());
            assert!(
                e.as_deref().is_some_and(|e| e.starts_with(&format!("unknown or unusable CRS {crs:?}"))),
                "{crs}: {e:?}"
            );
        }
    }
}

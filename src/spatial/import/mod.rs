//! Reading area files (districts, historic-centre drafts) into validated polygons in EPSG:4326 (lon, lat).
//!
//! Planners hand over whatever their GIS exported: GeoJSON or an ESRI Shapefile (GeoPackage through
//! [`read_any_area_file`]), in WGS 84, Web Mercator or UTM. The readers (`geojson_file`, `shapefile_file`,
//! `gpkg_file`) only turn a file into raw features in its own CRS, checking what only they can see (an open
//! ring before anything closes it). This module owns the rest, once for every format: the CRS (`--crs`, else
//! the file's own, else EPSG:4326), reprojection with PROJ (`crs`), names, and validation.
//!
//! It is all or nothing: the first bad feature fails the whole file with one line that names it (1-based, as
//! a person counts, with its name when it has one) and says what to fix, so a half-imported set of districts
//! can never reach the store. Validity is geo's `Validation` (OGC simple features rules); this module only
//! adds where the problem is, in lon/lat, so the planner can find it on a map. A polygon that lands outside
//! the Almaty region after reprojection almost always means a wrong or missing CRS, and is reported so.
//!
//! Tests: `tests.rs`; the validation through GeoJSON text in `geojson_file.rs`; Shapefiles written on the fly
//! in `shapefile_file.rs`; the PROJ check values in `crs.rs`; GDAL's own exports in `tests/area_files.rs`.
//!
//! Rings come out oriented as RFC 7946 asks (exterior counter-clockwise, holes clockwise), whatever the
//! file had: Shapefiles store them the other way round, and geo's geodesic area of a clockwise ring (used
//! for `area_km2`) is the rest of the globe.

mod crs;
mod geojson_file;
mod gpkg_file;
mod shapefile_file;
mod zipped;

use std::collections::BTreeMap;
use std::path::Path;

use geo::algorithm::sweep::Cross;
use geo::orient::{Direction, Orient};
use geo::validation::{InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::{Coord, Intersections, Line, LineIntersection, LineString, MultiPolygon, Validation};

pub use crs::is_wgs84_lon_lat;
pub(crate) use geojson_file::polygons as geojson_polygons;
pub use zipped::MAX_UNZIPPED_BYTES;

/// Where the areas of an Almaty file may lie once in EPSG:4326 (`[west, south, east, north]`): the city and
/// a wide margin. A projected file read as degrees (or with the wrong CRS) lands far outside.
pub const SANE_ENVELOPE: [f64; 4] = [76.0, 42.7, 78.0, 43.9];
/// Attributes tried, in order, for an area's name when no `--name-field` is given.
pub const NAME_FIELDS: [&str; 4] = ["name", "name_en", "name_ru", "name_kk"];

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The source CRS (`EPSG:32643`, a URN or WKT), overriding the file's own (.prj or GeoJSON `crs`).
    pub crs: Option<String>,
    /// The attribute holding each area's name, instead of the first of [`NAME_FIELDS`] present.
    pub name_field: Option<String>,
}

/// One validated area in EPSG:4326 (lon, lat).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedArea {
    /// 0-based position of the feature in the file.
    pub index: usize,
    /// From `name_field`, else the first non-empty of [`NAME_FIELDS`].
    pub name: String,
    pub name_kk: Option<String>,
    pub name_ru: Option<String>,
    pub name_en: Option<String>,
    /// Valid (OGC rules), inside [`SANE_ENVELOPE`], a Polygon becoming a one-part MultiPolygon.
    pub geometry: MultiPolygon<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFile {
    /// The CRS the file was read in, as given (`--crs`, the .prj's WKT, the GeoJSON `crs` name, or EPSG:4326).
    pub source_crs: String,
    /// Every feature of the file, in file order.
    pub areas: Vec<ImportedArea>,
}

/// Why a file was refused; one line a planner can act on.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}: {reason}")]
    Unsupported { path: String, reason: String },
    #[error("{0}")]
    Format(String),
    #[error("unknown or unusable CRS {crs:?}: {reason}")]
    UnknownCrs { crs: String, reason: String },
    #[error("the file holds no features")]
    NoFeatures,
    /// One feature is unusable; `index` is 0-based as in [`ImportedArea`], shown 1-based.
    #[error("feature {} of {total}{}: {reason}", .index + 1, .name.as_ref().map(|n| format!(" ({n:?})")).unwrap_or_default())]
    Feature { index: usize, total: usize, name: Option<String>, reason: String },
}

/// A feature as a reader found it, still in the file's CRS.
pub(crate) struct RawFeature {
    pub properties: BTreeMap<String, String>,
    /// The polygons, or why the geometry is not usable (not a polygon, empty, unclosed ring…).
    pub geometry: Result<MultiPolygon<f64>, String>,
}

pub(crate) struct RawFile {
    /// The CRS the file declares, if any.
    pub crs: Option<String>,
    pub features: Vec<RawFeature>,
}

/// Reads a GeoJSON (`.geojson`, `.json`) or ESRI Shapefile (`.shp` with its `.dbf`, `.prj`) area file.
/// `progress(done, total)` is called as features are checked.
///
/// # Errors
/// The first problem, naming the file or the feature; see [`ImportError`].
pub fn read_area_file(
    path: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportedFile, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable { path: path.display().to_string(), reason };
    let unsupported =
        |reason: &str| ImportError::Unsupported { path: path.display().to_string(), reason: reason.into() };
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let raw = match extension.as_str() {
        "geojson" | "json" => {
            let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
            geojson_file::parse(&text, options.crs.is_some())?
        }
        "shp" => shapefile_file::read(path)?,
        "gpkg" => return Err(unsupported("a GeoPackage is read with read_any_area_file (it needs the async runtime)")),
        _ => {
            return Err(unsupported(
                "not an area file: give a GeoJSON (.geojson, .json), .shp, zipped Shapefile (.zip) or .gpkg file",
            ));
        }
    };
    finish(raw, options, progress)
}

/// Reads any supported file: GeoJSON and Shapefile as [`read_area_file`] does, a zipped Shapefile (`.zip`,
/// unpacked into a temporary directory, see `zipped`), and GeoPackage (`.gpkg`, one feature table), which is
/// read through SQLite and so needs the async runtime.
///
/// # Errors
/// The first problem, naming the file or the feature; see [`ImportError`].
pub async fn read_any_area_file(
    path: &Path,
    options: &ImportOptions,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<ImportedFile, ImportError> {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if extension == "zip" {
        return read_zipped_shapefile(path, options, progress);
    }
    if extension != "gpkg" {
        return read_area_file(path, options, progress);
    }
    if !path.is_file() {
        return Err(ImportError::Unreadable { path: path.display().to_string(), reason: "no such file".into() });
    }
    let raw = gpkg_file::read(path).await?;
    finish(raw, options, progress)
}

fn read_zipped_shapefile(
    path: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportedFile, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable { path: path.display().to_string(), reason };
    let dir = tempfile::tempdir().map_err(|e| unreadable(format!("no temporary directory to unpack into: {e}")))?;
    let shp = zipped::unzip_shapefile(path, dir.path())?;
    // A reader's complaint names the unpacked part; the planner knows the archive.
    read_area_file(&shp, options, progress).map_err(|e| match e {
        ImportError::Unreadable { reason, .. } => unreadable(reason),
        ImportError::Unsupported { reason, .. } => {
            ImportError::Unsupported { path: path.display().to_string(), reason }
        }
        other => other,
    })
}

/// Reads GeoJSON text (a FeatureCollection, a Feature or a bare geometry), as [`read_area_file`] does.
///
/// # Errors
/// The first problem, naming the feature; see [`ImportError`].
pub fn read_area_geojson(
    text: &str,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportedFile, ImportError> {
    finish(geojson_file::parse(text, options.crs.is_some())?, options, progress)
}

fn finish(
    raw: RawFile,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportedFile, ImportError> {
    let total = raw.features.len();
    if total == 0 {
        return Err(ImportError::NoFeatures);
    }
    let (source_crs, crs_origin) = match (&options.crs, raw.crs) {
        (Some(given), _) => (given.clone(), "given with --crs"),
        (None, Some(declared)) => (declared, "named by the file"),
        (None, None) => ("EPSG:4326".to_owned(), "the default: the file names no CRS"),
    };
    let reproject = crs::Reprojector::new(&source_crs)?;
    let crs_note = format!("{} ({crs_origin})", crs::short_name(&source_crs));
    progress(0, total);
    let mut areas = Vec::with_capacity(total);
    for (index, feature) in raw.features.into_iter().enumerate() {
        // Exact attribute name first, then any case (`NAME_RU` from ArcGIS is `name_ru`).
        let props = &feature.properties;
        let any_case = |k: &str| props.iter().find(|(p, _)| p.eq_ignore_ascii_case(k)).map(|(_, v)| v);
        let get = |k: &str| props.get(k).or_else(|| any_case(k)).map(|v| v.trim()).filter(|v| !v.is_empty());
        let chosen = match options.name_field.as_deref() {
            Some(field) => get(field).map(|v| (field, v)),
            None => NAME_FIELDS.iter().find_map(|&f| get(f).map(|v| (f, v))),
        };
        let label = chosen.map(|(_, v)| v).or_else(|| NAME_FIELDS.iter().find_map(|&f| get(f)));
        let fail = |reason: String| ImportError::Feature { index, total, name: label.map(str::to_owned), reason };
        let (name_field, name) = chosen.ok_or_else(|| fail(missing_name(options.name_field.as_deref(), &feature)))?;
        let texts = ["name_en", "name_ru", "name_kk"].into_iter().filter_map(|f| get(f).map(|v| (f, v)));
        for (field, value) in std::iter::once((name_field, name)).chain(texts) {
            check_text(field, value).map_err(&fail)?;
        }
        let source = feature.geometry.as_ref().map_err(|e| fail(e.clone()))?;
        let geometry = reproject.multipolygon(source, &crs_note).map_err(&fail)?;
        check(&geometry, &crs_note).map_err(&fail)?;
        areas.push(ImportedArea {
            index,
            name: name.to_owned(),
            name_kk: get("name_kk").map(str::to_owned),
            name_ru: get("name_ru").map(str::to_owned),
            name_en: get("name_en").map(str::to_owned),
            geometry: geometry.orient(Direction::Default),
        });
        progress(index + 1, total);
    }
    Ok(ImportedFile { source_crs, areas })
}

fn missing_name(field: Option<&str>, feature: &RawFeature) -> String {
    let fields: Vec<&str> = feature.properties.keys().map(String::as_str).collect();
    let fields = if fields.is_empty() { "none".to_owned() } else { fields.join(", ") };
    match field {
        Some(f) => format!("has no value in the name field {f:?} (its attributes: {fields})"),
        None => format!(
            "has no name: give it one of {}, or choose the attribute with --name-field (its attributes: {fields})",
            NAME_FIELDS.join(", ")
        ),
    }
}

/// Refuses names whose letters were lost to an encoding: U+FFFD where bytes were not UTF-8 (a `.dbf` in a
/// legacy code page), or question marks where a writer could not encode them (ogr2ogr's default Shapefile
/// encoding is ISO-8859-1, so Cyrillic and Kazakh names become `????`).
fn check_text(field: &str, value: &str) -> Result<(), String> {
    let lost = value.contains('\u{FFFD}')
        || value.contains("???")
        || (value.contains('?') && !value.chars().any(char::is_alphanumeric));
    if lost {
        return Err(format!(
            "its {field} {value:?} has lost its letters to a text encoding; export the file again in UTF-8 \
             (for a Shapefile: ogr2ogr -lco ENCODING=UTF-8)"
        ));
    }
    Ok(())
}

/// The readers' check of one ring, before anything can close it: finite, at least 4 positions, closed.
fn check_ring(coords: &[Coord<f64>], which: &str) -> Result<(), String> {
    if let Some(i) = coords.iter().position(|c| !c.x.is_finite() || !c.y.is_finite()) {
        return Err(format!("{which} position {i} is not a finite number"));
    }
    if coords.len() < 4 {
        return Err(format!("{which} has {} positions; a ring needs at least 4", coords.len()));
    }
    if coords.first() != coords.last() {
        return Err(format!("{which} is not closed: its last position differs from its first"));
    }
    Ok(())
}

/// Non-empty, inside the sane envelope, and valid by OGC rules (geo's `Validation`).
fn check(geometry: &MultiPolygon<f64>, crs_note: &str) -> Result<(), String> {
    if let Some(i) = geometry.0.iter().position(|p| p.exterior().0.is_empty()) {
        return Err(format!("polygon {i} is empty"));
    }
    if geometry.0.is_empty() {
        return Err("the geometry is empty".into());
    }
    crs::check_in_almaty(geometry, crs_note)?;
    geometry.check_validation().map_err(|e| format!("invalid polygon: {}", explain(geometry, &e)))
}

/// geo's explanation, with a lon/lat near the problem when one can be found so the planner can see it on a
/// map: where the boundaries cross, else the first vertex of the ring at fault.
fn explain(mp: &MultiPolygon<f64>, e: &InvalidMultiPolygon) -> String {
    let ring = |p: usize, r: &RingRole| {
        mp.0.get(p).and_then(|poly| match r {
            RingRole::Exterior => Some(poly.exterior()),
            RingRole::Interior(i) => poly.interiors().get(*i),
        })
    };
    let all_rings = |p: usize| mp.0.get(p).into_iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    let start = |r: Option<&LineString<f64>>| r.and_then(|r| r.0.first().copied());
    let (text, near) = match e {
        InvalidMultiPolygon::InvalidPolygon(p, invalid) => {
            let near = match invalid {
                InvalidPolygon::SelfIntersection(r) => crossing(&[ring(p.0, r)]),
                InvalidPolygon::IntersectingRingsOnALine(a, b) | InvalidPolygon::IntersectingRingsOnAnArea(a, b) => {
                    crossing(&[ring(p.0, a), ring(p.0, b)])
                }
                InvalidPolygon::InteriorRingNotContainedInExteriorRing(r) => {
                    crossing(&[ring(p.0, &RingRole::Exterior), ring(p.0, r)]).or_else(|| start(ring(p.0, r)))
                }
                InvalidPolygon::TooFewPointsInRing(r) => start(ring(p.0, r)),
                InvalidPolygon::NonFiniteCoord(..) => None,
            };
            (format!("polygon {}: {invalid}", p.0), near)
        }
        InvalidMultiPolygon::ElementsOverlaps(i, j) | InvalidMultiPolygon::ElementsTouchOnALine(i, j) => {
            let both: Vec<_> = all_rings(i.0).chain(all_rings(j.0)).map(Some).collect();
            (e.to_string(), crossing(&both).or_else(|| start(mp.0.get(j.0).map(|p| p.exterior()))))
        }
    };
    match near {
        Some(c) => format!("{text} near ({:.5}, {:.5})", c.x, c.y),
        None => text,
    }
}

/// A segment of ring `ring`, number `i` of `n`, for geo's sweep-line [`Intersections`].
#[derive(Clone)]
struct Segment {
    line: Line<f64>,
    ring: usize,
    i: usize,
    n: usize,
}

impl Cross for Segment {
    type Scalar = f64;
    fn line(&self) -> Line<f64> {
        self.line
    }
}

/// The first place where the boundaries of `rings` touch or cross, other than where consecutive segments of
/// one ring meet.
fn crossing(rings: &[Option<&LineString<f64>>]) -> Option<Coord<f64>> {
    let segments = rings.iter().enumerate().flat_map(|(ring, r)| {
        let lines: Vec<Line<f64>> = r.map(|r| r.lines().filter(|l| l.start != l.end).collect()).unwrap_or_default();
        let n = lines.len();
        lines.into_iter().enumerate().map(move |(i, line)| Segment { line, ring, i, n })
    });
    Intersections::from_iter(segments).find_map(|(a, b, hit)| {
        let consecutive = a.ring == b.ring && (a.i.abs_diff(b.i) == 1 || a.i.abs_diff(b.i) + 1 == a.n);
        match hit {
            LineIntersection::SinglePoint { is_proper: false, .. } if consecutive => None,
            LineIntersection::SinglePoint { intersection, .. } => Some(intersection),
            LineIntersection::Collinear { intersection } => Some(intersection.start),
        }
    })
}

#[cfg(test)]
mod tests;

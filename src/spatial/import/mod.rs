//! Reading area files (districts, historic-centre drafts) into validated polygons in EPSG:4326.
//!
//! Planners hand over whatever their GIS exported: GeoJSON or ESRI Shapefile, in WGS 84, Web Mercator or UTM.
//! The readers (`geojson_file`, `shapefile_file`) turn a file into raw features in its own CRS; this module
//! reprojects them with PROJ (`crs`), checks every feature and gives all or nothing: the first bad feature
//! fails the whole file with a message that names it, so nothing half-imported ever reaches the store.

mod crs;
mod geojson_file;
mod gpkg_file;
mod shapefile_file;

use std::collections::BTreeMap;
use std::path::Path;

use geo::orient::{Direction, Orient};
use geo::{BoundingRect, CoordsIter, MapCoords, MultiPolygon, Validation};

pub use crs::is_wgs84_lon_lat;
pub(crate) use geojson_file::polygons as geojson_polygons;

/// Where the areas of an Almaty file may lie once in EPSG:4326: the city and a wide margin. A projected file
/// read as degrees (or with the wrong CRS) lands far outside and is caught here.
pub const SANE_ENVELOPE: [f64; 4] = [76.0, 42.7, 78.0, 43.9];
/// Attributes tried, in order, for an area's name when no `--name-field` is given.
pub const NAME_FIELDS: [&str; 4] = ["name", "name_en", "name_ru", "name_kk"];

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The source CRS, overriding the file's own (.prj or GeoJSON `crs`).
    pub crs: Option<String>,
    /// The attribute holding each area's name.
    pub name_field: Option<String>,
}

/// One validated area in EPSG:4326 (lon, lat).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedArea {
    /// 0-based position of the feature in the file.
    pub index: usize,
    pub name: String,
    pub name_kk: Option<String>,
    pub name_ru: Option<String>,
    pub name_en: Option<String>,
    pub geometry: MultiPolygon<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFile {
    /// The CRS the file was read in.
    pub source_crs: String,
    pub areas: Vec<ImportedArea>,
}

/// Why a file was refused; one line a planner can act on.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{0}")]
    Format(String),
    #[error("unknown or unusable CRS {crs:?}: {reason}")]
    UnknownCrs { crs: String, reason: String },
    #[error("the file holds no features")]
    NoFeatures,
    /// `number` is 1-based, as a person counts.
    #[error("feature {number} of {total}{}: {reason}", name.as_ref().map(|n| format!(" ({n:?})")).unwrap_or_default())]
    Feature { number: usize, total: usize, name: Option<String>, reason: String },
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

/// Reads a `.geojson`/`.json` or `.shp` file.
///
/// # Errors
/// The first problem, naming the feature; see [`ImportError`].
pub fn read_area_file(
    path: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportedFile, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable { path: path.display().to_string(), reason };
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let raw = match extension.as_str() {
        "geojson" | "json" => {
            let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
            geojson_file::parse(&text)?
        }
        "shp" => shapefile_file::read(path)?,
        _ => {
            return Err(unreadable(
                "not a GeoJSON (.geojson, .json), Shapefile (.shp) or GeoPackage (.gpkg) file".into(),
            ));
        }
    };
    finish(raw, options, progress)
}

/// Reads any supported file: GeoJSON and Shapefile as [`read_area_file`] does, and GeoPackage (`.gpkg`, one
/// feature table), which is read through SQLite and so needs the async runtime.
///
/// # Errors
/// The first problem, naming the feature; see [`ImportError`].
pub async fn read_any_area_file(
    path: &Path,
    options: &ImportOptions,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<ImportedFile, ImportError> {
    let is_gpkg = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg"));
    if !is_gpkg {
        return read_area_file(path, options, progress);
    }
    if !path.is_file() {
        return Err(ImportError::Unreadable { path: path.display().to_string(), reason: "no such file".into() });
    }
    let raw = gpkg_file::read(path).await?;
    finish(raw, options, progress)
}

/// Reads GeoJSON text (a FeatureCollection, a Feature or a bare geometry).
///
/// # Errors
/// The first problem, naming the feature; see [`ImportError`].
pub fn read_area_geojson(
    text: &str,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportedFile, ImportError> {
    finish(geojson_file::parse(text)?, options, progress)
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
    let source_crs = options.crs.clone().or(raw.crs).unwrap_or_else(|| "EPSG:4326".to_owned());
    let reproject = crs::Reprojector::new(&source_crs)?;
    let mut areas = Vec::with_capacity(total);
    for (index, feature) in raw.features.into_iter().enumerate() {
        let name = feature_name(&feature.properties, options.name_field.as_deref());
        let fail = |reason: String| ImportError::Feature { number: index + 1, total, name: name.clone().ok(), reason };
        let name_found = name.clone().map_err(&fail)?;
        let source = feature.geometry.map_err(&fail)?;
        // Rings are oriented as RFC 7946 asks (exterior counter-clockwise): Shapefiles store them the other way
        // round, and a geodesic area of a clockwise ring is the rest of the globe.
        let geometry = source.try_map_coords(|c| reproject.convert(c)).map_err(&fail)?.orient(Direction::Default);
        check(&geometry).map_err(&fail)?;
        let get = |k: &str| feature.properties.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        areas.push(ImportedArea {
            index,
            name: name_found,
            name_kk: get("name_kk"),
            name_ru: get("name_ru"),
            name_en: get("name_en"),
            geometry,
        });
        progress(index + 1, total);
    }
    Ok(ImportedFile { source_crs, areas })
}

fn feature_name(properties: &BTreeMap<String, String>, field: Option<&str>) -> Result<String, String> {
    let value = |k: &str| properties.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
    match field {
        Some(f) => value(f).ok_or_else(|| format!("has no value in the name field {f:?}")),
        None => NAME_FIELDS.iter().find_map(|f| value(f)).ok_or_else(|| {
            format!("has no name: give it one of {} or choose the attribute with --name-field", NAME_FIELDS.join(", "))
        }),
    }
}

/// Non-empty, finite, inside the sane envelope, and valid by OGC rules (geo's `Validation`).
fn check(geometry: &MultiPolygon<f64>) -> Result<(), String> {
    if geometry.0.is_empty() || geometry.0.iter().any(|p| p.exterior().0.is_empty()) {
        return Err("the geometry is empty".into());
    }
    if geometry.coords_iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
        return Err("a coordinate is not a finite number".into());
    }
    let [x0, y0, x1, y1] = SANE_ENVELOPE;
    if let Some(r) = geometry.bounding_rect()
        && (r.min().x < x0 || r.min().y < y0 || r.max().x > x1 || r.max().y > y1)
    {
        return Err(format!(
            "after reprojection it spans lon {:.4}..{:.4}, lat {:.4}..{:.4}, outside the Almaty region \
             (lon {x0}..{x1}, lat {y0}..{y1}): the source CRS is probably wrong (use --crs)",
            r.min().x,
            r.max().x,
            r.min().y,
            r.max().y
        ));
    }
    geometry.check_validation().map_err(|e| format!("invalid polygon: {e}"))
}

#[cfg(test)]
mod tests;

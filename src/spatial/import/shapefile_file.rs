//! ESRI Shapefiles (`.shp` with `.dbf`, `.prj` for the CRS) through the `shapefile` crate. The `.dbf` is
//! decoded as UTF-8, which is what GDAL writes (with a `.cpg` saying so); names in Kazakh and Russian need it.

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Geometry, MultiPolygon};
use shapefile::dbase::FieldValue;

use super::{ImportError, RawFeature, RawFile};

pub(super) fn read(path: &Path) -> Result<RawFile, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable { path: path.display().to_string(), reason };
    let mut reader = shapefile::Reader::from_path(path).map_err(|e| unreadable(e.to_string()))?;
    let crs = std::fs::read_to_string(path.with_extension("prj")).ok().map(|wkt| wkt.trim().to_owned());
    let mut features = Vec::new();
    for item in reader.iter_shapes_and_records() {
        let (shape, record) = item.map_err(|e| unreadable(e.to_string()))?;
        let properties: BTreeMap<String, String> =
            record.into_iter().filter_map(|(name, value)| text(value).map(|v| (name, v))).collect();
        let geometry = match Geometry::<f64>::try_from(shape) {
            Ok(Geometry::MultiPolygon(mp)) => Ok(mp),
            Ok(Geometry::Polygon(p)) => Ok(MultiPolygon(vec![p])),
            Ok(_) => Err("is not a polygon".to_owned()),
            Err(e) => Err(format!("has an unusable shape: {e}")),
        };
        features.push(RawFeature { properties, geometry });
    }
    Ok(RawFile { crs: crs.filter(|c| !c.is_empty()), features })
}

fn text(value: FieldValue) -> Option<String> {
    match value {
        FieldValue::Character(s) => s,
        FieldValue::Memo(s) => Some(s),
        FieldValue::Numeric(n) => n.map(|n| n.to_string()),
        FieldValue::Float(n) => n.map(|n| n.to_string()),
        FieldValue::Integer(n) => Some(n.to_string()),
        FieldValue::Double(n) => Some(n.to_string()),
        _ => None,
    }
}

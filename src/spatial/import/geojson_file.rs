//! GeoJSON area files: a FeatureCollection, one Feature or a bare geometry; the legacy `crs` member
//! (`{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}`, as ogr2ogr writes it) names
//! the CRS.
//!
//! Geometry is read from the JSON itself rather than through a GeoJSON library's geometry types, because
//! those close open rings silently, and an unclosed ring is exactly what must be reported.

use std::collections::BTreeMap;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;

use super::{ImportError, RawFeature, RawFile};

pub(super) fn parse(text: &str) -> Result<RawFile, ImportError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| ImportError::Format(format!("the file is not valid JSON: {e}")))?;
    let crs = root.pointer("/crs/properties/name").and_then(Value::as_str).map(str::to_owned);
    let features = match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => root
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| ImportError::Format("the FeatureCollection has no \"features\" array".into()))?
            .iter()
            .map(feature)
            .collect(),
        Some("Feature") => vec![feature(&root)],
        Some(_) => vec![RawFeature { properties: BTreeMap::new(), geometry: polygons(&root) }],
        None => return Err(ImportError::Format("not GeoJSON: the top level has no \"type\"".into())),
    };
    Ok(RawFile { crs, features })
}

fn feature(v: &Value) -> RawFeature {
    let properties = v
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some((k.clone(), s.clone())),
                    Value::Number(n) => Some((k.clone(), n.to_string())),
                    Value::Bool(b) => Some((k.clone(), b.to_string())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    RawFeature { properties, geometry: polygons(v.get("geometry").unwrap_or(&Value::Null)) }
}

/// A GeoJSON Polygon or MultiPolygon object as geo polygons, with rings checked (closed, at least 4
/// positions, finite numbers) before anything closes them silently.
pub(crate) fn polygons(geometry: &Value) -> Result<MultiPolygon<f64>, String> {
    let kind = match geometry {
        Value::Null => return Err("has no geometry".into()),
        g => g.get("type").and_then(Value::as_str).unwrap_or("an unknown geometry"),
    };
    let coords = geometry.get("coordinates").and_then(Value::as_array);
    match (kind, coords) {
        ("Polygon", Some(rings)) => Ok(MultiPolygon(vec![polygon(rings, "")?])),
        ("MultiPolygon", Some(parts)) => parts
            .iter()
            .enumerate()
            .map(|(i, p)| polygon(p.as_array().map_or(&[][..], Vec::as_slice), &format!("part {i} ")))
            .collect::<Result<Vec<_>, _>>()
            .map(MultiPolygon),
        ("Polygon" | "MultiPolygon", None) => Err(format!("the {kind} has no coordinates array")),
        (other, _) => Err(format!("is a {other}, not a Polygon or MultiPolygon")),
    }
}

fn polygon(rings: &[Value], part: &str) -> Result<Polygon<f64>, String> {
    let mut rings = rings.iter().enumerate().map(|(i, r)| ring(r, &format!("{part}ring {i}")));
    let exterior = rings.next().ok_or_else(|| "the geometry is empty".to_owned())??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn ring(v: &Value, which: &str) -> Result<LineString<f64>, String> {
    let positions = v.as_array().ok_or_else(|| format!("{which} is not an array of positions"))?;
    let coords = positions
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok(Coord { x, y }),
                _ => Err(format!("{which} has a position that is not two finite numbers")),
            },
            _ => Err(format!("{which} has a position that is not [x, y]")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if coords.len() < 4 {
        return Err(format!("{which} has {} positions; a ring needs at least 4", coords.len()));
    }
    if coords.first() != coords.last() {
        return Err(format!("{which} is not closed: its last position differs from its first"));
    }
    Ok(LineString(coords))
}

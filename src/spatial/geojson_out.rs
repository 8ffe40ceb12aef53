//! Pins as RFC 7946 GeoJSON (lon, lat order). Only public fields are rendered: `Pin` has no contact field,
//! so no code path here can publish one.

use chrono::SecondsFormat;
use geo::InteriorPoint;
use serde_json::{Map, Value, json};

use crate::domain::{Area, Pin, Visibility};

/// `{"type": "Point", "coordinates": [lon, lat]}`.
pub fn point_geometry(lon: f64, lat: f64) -> Value {
    json!({ "type": "Point", "coordinates": [lon, lat] })
}

/// A pin as a GeoJSON Feature whose `id` is the pin's id.
pub fn pin_feature(pin: &Pin) -> Value {
    let mut properties = Map::new();
    properties.insert("category".into(), json!(pin.category.as_str()));
    properties.insert("status".into(), json!(pin.status.as_str()));
    properties.insert("location_precision".into(), json!(pin.precision.as_str()));
    properties.insert("description".into(), json!(pin.description));
    properties.insert("created_at".into(), json!(pin.created_at.to_rfc3339_opts(SecondsFormat::Micros, true)));
    properties.insert("updated_at".into(), json!(pin.updated_at.to_rfc3339_opts(SecondsFormat::Micros, true)));
    if let Some(original) = pin.duplicate_of {
        properties.insert("duplicate_of".into(), json!(original));
    }
    // Only staff ever see a pin that is not public, and they see that it is not.
    if pin.visibility != Visibility::Public {
        properties.insert("visibility".into(), json!(pin.visibility.as_str()));
    }
    json!({
        "type": "Feature",
        "id": pin.id,
        "geometry": point_geometry(pin.lon, pin.lat),
        "properties": properties,
    })
}

/// A MultiPolygon as a GeoJSON geometry object.
pub fn multipolygon_geometry(mp: &geo::MultiPolygon<f64>) -> Value {
    serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(mp))).unwrap_or(Value::Null)
}

/// An area as a GeoJSON Feature; `geometry: null` when `with_geometry` is false (lists of areas that only
/// name them).
///
/// `label_point` is `[lon, lat]` of a point inside the area (geo's `InteriorPoint`; `null` only for an empty
/// geometry): where a map writes the area's name, and where a report placed "in this district" without
/// coordinates can go. A centroid would not do: it can fall outside a concave district, or in a hole.
pub fn area_feature(area: &Area, with_geometry: bool) -> Value {
    let v = &area.version;
    json!({
        "type": "Feature",
        "id": area.id,
        "geometry": if with_geometry { multipolygon_geometry(&area.geometry) } else { Value::Null },
        "properties": {
            "kind": v.kind.as_str(),
            "name_kk": area.names.kk,
            "name_ru": area.names.ru,
            "name_en": area.names.en,
            "label": area.label,
            "version": v.number,
            "version_id": v.id,
            "version_label": v.label,
            "source_file": v.source_file,
            "imported_at": v.created_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            "current": v.current,
            "area_km2": area.area_km2,
            "label_point": area.geometry.interior_point().map(|p| [p.x(), p.y()]),
        }
    })
}

//! Pins as RFC 7946 GeoJSON (lon, lat order). Only public fields are rendered: `Pin` has no contact field,
//! so no code path here can publish one.

use chrono::SecondsFormat;
use serde_json::{Map, Value, json};

use crate::domain::Pin;

/// `{"type": "Point", "coordinates": [lon, lat]}`.
pub fn point_geometry(lon: f64, lat: f64) -> Value {
    json!({ "type": "Point", "coordinates": [lon, lat] })
}

/// A pin as a GeoJSON Feature whose `id` is the pin's id.
pub fn pin_feature(pin: &Pin) -> Value {
    let mut properties = Map::new();
    properties.insert("category".into(), json!(pin.category.as_str()));
    properties.insert("status".into(), json!(pin.status.as_str()));
    properties.insert("description".into(), json!(pin.description));
    properties.insert("created_at".into(), json!(pin.created_at.to_rfc3339_opts(SecondsFormat::Micros, true)));
    properties.insert("updated_at".into(), json!(pin.updated_at.to_rfc3339_opts(SecondsFormat::Micros, true)));
    json!({
        "type": "Feature",
        "id": pin.id,
        "geometry": point_geometry(pin.lon, pin.lat),
        "properties": properties,
    })
}

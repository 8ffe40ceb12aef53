//! A planner's own outline (`POST /api/v1/pins/search`): a GeoJSON Polygon or MultiPolygon, bare or as a
//! Feature's geometry, checked before it is used as a query region.

use geo::{CoordsIter, MultiPolygon, Validation};
use serde_json::Value;

use crate::domain::FieldError;
use crate::spatial::import::geojson_polygons;

/// Largest outline accepted, in vertices (each ring's closing vertex counted).
pub const SEARCH_MAX_VERTICES: usize = 10_000;

/// Parses and validates a search outline.
///
/// # Errors
/// A [`FieldError`] naming the bad part by JSON pointer: not a (multi)polygon, coordinates not finite or out
/// of range, more than 10,000 vertices, or an invalid polygon (self-intersection, unclosed ring…).
pub fn parse_search_area(body: &Value) -> Result<MultiPolygon<f64>, FieldError> {
    let (geometry, pointer) = match body.get("type").and_then(Value::as_str) {
        Some("Feature") => (body.get("geometry").unwrap_or(&Value::Null), "/geometry"),
        _ => (body, ""),
    };
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    if !matches!(kind, "Polygon" | "MultiPolygon") {
        return Err(FieldError::pointer(
            format!("{pointer}/type"),
            "must be a GeoJSON Polygon or MultiPolygon (bare, or as a Feature's geometry)",
        ));
    }
    let coords_pointer = format!("{pointer}/coordinates");
    let vertices = count_positions(geometry.get("coordinates").unwrap_or(&Value::Null));
    if vertices > SEARCH_MAX_VERTICES {
        return Err(FieldError::pointer(
            &coords_pointer,
            format!("has {vertices} vertices; at most {SEARCH_MAX_VERTICES} are accepted"),
        ));
    }
    let shape = geojson_polygons(geometry).map_err(|e| FieldError::pointer(&coords_pointer, e))?;
    if shape.0.is_empty() || shape.coords_count() == 0 {
        return Err(FieldError::pointer(&coords_pointer, "is empty"));
    }
    if shape.coords_iter().any(|c| !c.x.is_finite() || !c.y.is_finite() || c.x.abs() > 180.0 || c.y.abs() > 90.0) {
        return Err(FieldError::pointer(&coords_pointer, "has a position outside lon -180..180, lat -90..90"));
    }
    if let Err(e) = shape.check_validation() {
        return Err(FieldError::pointer(&coords_pointer, format!("is not a valid polygon: {e}")));
    }
    Ok(shape)
}

/// Positions in a nested coordinates array, counted without building geometry (the size check comes first).
fn count_positions(v: &Value) -> usize {
    match v {
        Value::Array(items) if items.first().is_some_and(Value::is_number) => 1,
        Value::Array(items) => items.iter().map(count_positions).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_polygons_and_features() {
        let ring = json!([[76.9, 43.2], [77.0, 43.2], [77.0, 43.3], [76.9, 43.2]]);
        assert!(parse_search_area(&json!({"type": "Polygon", "coordinates": [ring]})).is_ok());
        let feature =
            json!({"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]}});
        assert!(parse_search_area(&feature).is_ok());
    }

    #[test]
    fn rejects_bad_outlines() {
        let bow_tie = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]});
        let open = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0]]]});
        let point = json!({"type": "Point", "coordinates": [0, 0]});
        let far = json!({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [0, 1], [0, 0]]]});
        let mut big: Vec<Value> =
            (0..10_001).map(|i| json!([f64::from(i) * 1e-4, (f64::from(i) * 1e-4).sin()])).collect();
        big.push(big[0].clone());
        let huge = json!({"type": "Polygon", "coordinates": [big]});
        for bad in [bow_tie, open, point, far, huge] {
            assert!(parse_search_area(&bad).is_err(), "{bad}");
        }
    }
}

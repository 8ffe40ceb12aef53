//! Unit tests of the reader: every rejection reason, and the CRS check values.

use super::*;
use serde_json::json;

fn read(v: serde_json::Value, options: &ImportOptions) -> Result<ImportedFile, ImportError> {
    read_area_geojson(&v.to_string(), options, &mut |_, _| {})
}

fn fc(features: Vec<serde_json::Value>) -> serde_json::Value {
    json!({"type": "FeatureCollection", "features": features})
}

fn square(name: &str, x: f64, y: f64, d: f64) -> serde_json::Value {
    json!({"type": "Feature", "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}})
}

fn error(v: serde_json::Value, options: &ImportOptions) -> String {
    match read(v, options) {
        Ok(_) => String::from("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn reads_polygons_and_keeps_names() {
    let mut f = square("Алмалы", 76.9, 43.25, 0.01);
    f["properties"]["name_kk"] = json!("Алмалы ауданы");
    let file = read(fc(vec![f]), &ImportOptions::default()).ok();
    let area = file.as_ref().map(|f| &f.areas[0]);
    assert_eq!(area.map(|a| a.name.as_str()), Some("Алмалы"));
    assert_eq!(area.and_then(|a| a.name_kk.as_deref()), Some("Алмалы ауданы"));
    assert_eq!(file.map(|f| f.source_crs), Some("EPSG:4326".to_owned()));
}

#[test]
fn every_rejection_names_the_feature_and_the_reason() {
    let good = square("Good", 76.9, 43.25, 0.01);
    let o = ImportOptions::default();
    let bow_tie = json!({"type": "Feature", "properties": {"name": "Bow"},
        "geometry": {"type": "Polygon", "coordinates": [[[76.9, 43.2], [77.0, 43.3], [77.0, 43.2], [76.9, 43.3], [76.9, 43.2]]]}});
    let e = error(fc(vec![good.clone(), bow_tie]), &o);
    assert!(e.starts_with("feature 2 of 2 (\"Bow\"): invalid polygon"), "{e}");
    let line = json!({"type": "Feature", "properties": {"name": "Line"},
        "geometry": {"type": "LineString", "coordinates": [[76.9, 43.2], [77.0, 43.3]]}});
    assert!(error(fc(vec![line]), &o).contains("is a LineString"));
    let empty =
        json!({"type": "Feature", "properties": {"name": "E"}, "geometry": {"type": "Polygon", "coordinates": []}});
    assert!(error(fc(vec![empty]), &o).contains("empty"));
    let none = json!({"type": "Feature", "properties": {"name": "N"}, "geometry": null});
    assert!(error(fc(vec![none]), &o).contains("no geometry"));
    let open = json!({"type": "Feature", "properties": {"name": "O"},
        "geometry": {"type": "Polygon", "coordinates": [[[76.9, 43.2], [77.0, 43.3], [77.0, 43.2], [76.95, 43.1]]]}});
    assert!(error(fc(vec![open]), &o).contains("not closed"));
    let short = json!({"type": "Feature", "properties": {"name": "S"},
        "geometry": {"type": "Polygon", "coordinates": [[[76.9, 43.2], [77.0, 43.3], [76.9, 43.2]]]}});
    assert!(error(fc(vec![short]), &o).contains("at least 4"));
    assert!(error(fc(vec![square("Far", 10.0, 10.0, 1.0)]), &o).contains("outside the Almaty region"));
    let nameless = json!({"type": "Feature", "properties": {"title": "x"}, "geometry": good["geometry"].clone()});
    assert!(error(fc(vec![nameless]), &o).contains("has no name"));
    let field = ImportOptions { name_field: Some("official".into()), ..Default::default() };
    assert!(error(fc(vec![good.clone()]), &field).contains("\"official\""));
    let unknown = ImportOptions { crs: Some("EPSG:999999".into()), ..Default::default() };
    assert!(error(fc(vec![good]), &unknown).contains("unknown or unusable CRS \"EPSG:999999\""));
    assert!(error(fc(vec![]), &o).contains("no features"));
    assert!(read_area_geojson("{not json", &o, &mut |_, _| {}).is_err());
}

#[test]
fn crs_check_values() {
    let to_4326 = |crs: &str, x: f64, y: f64| {
        let r = crs::Reprojector::new(crs).ok();
        r.and_then(|r| r.convert(geo::Coord { x, y }).ok())
    };
    for (crs, x, y) in [("EPSG:32643", 657987.359, 4789082.923), ("EPSG:3857", 8565567.275, 5348268.322)] {
        let c = to_4326(crs, x, y);
        assert!(c.is_some_and(|c| (c.x - 76.9458).abs() < 1e-7 && (c.y - 43.2380).abs() < 1e-7), "{crs}: {c:?}");
    }
    // The legacy GeoJSON `crs` member is honoured.
    let mut v = fc(vec![json!({"type": "Feature", "properties": {"name": "UTM"}, "geometry": {"type": "Polygon",
        "coordinates": [[[657987.0, 4789082.0], [658987.0, 4789082.0], [658987.0, 4790082.0], [657987.0, 4789082.0]]]}})]);
    v["crs"] = json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32643"}});
    let file = read(v, &ImportOptions::default()).ok();
    assert_eq!(file.as_ref().map(|f| f.source_crs.as_str()), Some("urn:ogc:def:crs:EPSG::32643"));
    assert!(is_wgs84_lon_lat("urn:ogc:def:crs:OGC:1.3:CRS84"));
}

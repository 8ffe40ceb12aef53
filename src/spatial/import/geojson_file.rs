//! GeoJSON area files: a FeatureCollection, one Feature or a bare geometry, with the CRS named by the legacy
//! `crs` member when there is one (`{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}`,
//! as ogr2ogr writes it for anything but WGS 84; also `"EPSG:3857"` as a plain string, and the 2008 draft's
//! `{"type": "EPSG", "properties": {"code": 3857}}`). RFC 7946 dropped the member, so most files have none.
//!
//! Geometry is read from the JSON itself rather than through a GeoJSON library's types, because those (and
//! `geo::Polygon::new`) close open rings silently, and an unclosed or too short ring is exactly what must be
//! reported, with where it is: `polygon 0 ring 1` counts polygons of a MultiPolygon and rings from the
//! exterior (0), both from 0.

use std::collections::BTreeMap;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;

use super::{ImportError, RawFeature, RawFile};

/// Parses GeoJSON text into raw features. The `crs` member is only looked at when `crs_given` is false (a
/// CRS chosen by the planner wins, even over a member this reader does not understand).
pub(super) fn parse(text: &str, crs_given: bool) -> Result<RawFile, ImportError> {
    // A byte order mark, as some Windows tools write, is not JSON.
    let root: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| ImportError::Format(format!("the file is not valid JSON: {e}")))?;
    let crs = if crs_given { None } else { declared_crs(&root)? };
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

/// The CRS a legacy `crs` member names, if any.
fn declared_crs(root: &Value) -> Result<Option<String>, ImportError> {
    let member = match root.get("crs") {
        None | Some(Value::Null) => return Ok(None),
        Some(member) => member,
    };
    let named = match member {
        Value::String(name) => Some(name.clone()),
        _ => match member.get("type").and_then(Value::as_str) {
            Some("name") => member.pointer("/properties/name").and_then(Value::as_str).map(str::to_owned),
            Some("EPSG") => member.pointer("/properties/code").and_then(Value::as_u64).map(|c| format!("EPSG:{c}")),
            _ => None,
        },
    };
    match named.map(|n| n.trim().to_owned()) {
        Some(name) if !name.is_empty() => Ok(Some(name)),
        _ => Err(ImportError::Format(format!(
            "the GeoJSON \"crs\" member {member} does not name a CRS; give the CRS with --crs"
        ))),
    }
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
/// positions) before anything can close them silently.
///
/// # Errors
/// What is wrong and where, e.g. `polygon 1 ring 0 is not closed: …` or `is a Point, not a Polygon…`.
pub(crate) fn polygons(geometry: &Value) -> Result<MultiPolygon<f64>, String> {
    let kind = match geometry {
        Value::Null => return Err("has no geometry".into()),
        g => g.get("type").and_then(Value::as_str).ok_or("has a geometry without a \"type\"")?,
    };
    let coords = geometry.get("coordinates").and_then(Value::as_array);
    match (kind, coords) {
        ("Polygon" | "MultiPolygon", Some(c)) if c.is_empty() => Err("the geometry is empty".into()),
        ("Polygon", Some(rings)) => Ok(MultiPolygon(vec![polygon(rings, 0)?])),
        ("MultiPolygon", Some(parts)) => parts
            .iter()
            .enumerate()
            .map(|(i, p)| match p.as_array() {
                Some(rings) if !rings.is_empty() => polygon(rings, i),
                Some(_) => Err(format!("polygon {i} is empty")),
                None => Err(format!("polygon {i} is not an array of rings")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(MultiPolygon),
        ("Polygon" | "MultiPolygon", None) => Err(format!("the {kind} has no \"coordinates\" array")),
        (other, _) => Err(format!("is a {other}, not a Polygon or MultiPolygon")),
    }
}

fn polygon(rings: &[Value], index: usize) -> Result<Polygon<f64>, String> {
    let mut rings = rings.iter().enumerate().map(|(i, r)| ring(r, &format!("polygon {index} ring {i}")));
    let exterior = rings.next().ok_or_else(|| format!("polygon {index} is empty"))??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn ring(v: &Value, which: &str) -> Result<LineString<f64>, String> {
    let positions = v.as_array().ok_or_else(|| format!("{which} is not an array of positions"))?;
    let coords = positions
        .iter()
        .enumerate()
        .map(|(i, p)| match p.as_array().map(Vec::as_slice) {
            Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => Ok(Coord { x, y }),
                _ => Err(format!("{which} position {i} is not two numbers")),
            },
            _ => Err(format!("{which} position {i} is not [x, y]")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    super::check_ring(&coords, which)?;
    Ok(LineString(coords))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::ImportOptions;
    use super::*;

    fn geometry_error(geometry: Value) -> String {
        match polygons(&geometry) {
            Ok(_) => "accepted".to_owned(),
            Err(e) => e,
        }
    }

    fn crs_of(member: Value) -> Result<Option<String>, String> {
        let file = json!({"type": "FeatureCollection", "crs": member, "features": []});
        parse(&file.to_string(), false).map(|f| f.crs).map_err(|e| e.to_string())
    }

    #[test]
    fn non_polygons_and_missing_geometry_are_named() {
        for (geometry, want) in [
            (json!({"type": "Point", "coordinates": [76.9, 43.2]}), "is a Point, not a Polygon or MultiPolygon"),
            (json!({"type": "LineString", "coordinates": [[76.9, 43.2], [77.0, 43.3]]}), "is a LineString"),
            (json!({"type": "GeometryCollection", "geometries": []}), "is a GeometryCollection"),
            (json!(null), "has no geometry"),
            (json!({"coordinates": []}), "without a \"type\""),
            (json!({"type": "Polygon"}), "the Polygon has no \"coordinates\" array"),
        ] {
            let e = geometry_error(geometry.clone());
            assert!(e.contains(want), "{geometry}: {e}");
        }
        let no_geometry = json!({"type": "Feature", "properties": {"name": "x"}});
        let file = parse(&no_geometry.to_string(), false).ok().map(|f| f.features.into_iter().next());
        assert!(matches!(file, Some(Some(RawFeature { geometry: Err(e), .. })) if e == "has no geometry"));
    }

    #[test]
    fn empty_short_unclosed_and_non_numeric_rings_are_located() {
        let ok = json!([[76.9, 43.2], [77.0, 43.2], [77.0, 43.3], [76.9, 43.2]]);
        for (geometry, want) in [
            (json!({"type": "Polygon", "coordinates": []}), "the geometry is empty"),
            (json!({"type": "MultiPolygon", "coordinates": []}), "the geometry is empty"),
            (json!({"type": "MultiPolygon", "coordinates": [[ok], []]}), "polygon 1 is empty"),
            (json!({"type": "Polygon", "coordinates": [[]]}), "ring 0 has 0 positions; a ring needs at least 4"),
            (json!({"type": "Polygon", "coordinates": [[[76.9, 43.2], [77.0, 43.3], [76.9, 43.2]]]}), "at least 4"),
            (
                json!({"type": "MultiPolygon", "coordinates": [[ok], [ok, [[76.9, 43.2], [77.0, 43.2], [77.0, 43.3], [76.95, 43.1]]]]}),
                "polygon 1 ring 1 is not closed",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[76.9, "43.2"], [77.0, 43.2]]]}),
                "position 0 is not two numbers",
            ),
            (json!({"type": "Polygon", "coordinates": [[[76.9], [77.0, 43.2]]]}), "position 0 is not [x, y]"),
        ] {
            let e = geometry_error(geometry.clone());
            assert!(e.contains(want), "{geometry}: {e}");
        }
    }

    #[test]
    fn the_crs_member_in_its_spellings() {
        let name = |n: &str| json!({"type": "name", "properties": {"name": n}});
        assert_eq!(crs_of(name("urn:ogc:def:crs:EPSG::3857")), Ok(Some("urn:ogc:def:crs:EPSG::3857".into())));
        assert_eq!(crs_of(name("urn:ogc:def:crs:OGC:1.3:CRS84")), Ok(Some("urn:ogc:def:crs:OGC:1.3:CRS84".into())));
        assert_eq!(crs_of(json!("EPSG:3857")), Ok(Some("EPSG:3857".into())));
        assert_eq!(crs_of(json!({"type": "EPSG", "properties": {"code": 32643}})), Ok(Some("EPSG:32643".into())));
        assert_eq!(crs_of(json!(null)), Ok(None));
        let link = json!({"type": "link", "properties": {"href": "http://example.com/crs", "type": "proj4"}});
        assert!(crs_of(link.clone()).is_err_and(|e| e.contains("does not name a CRS")));
        // A CRS given by the planner wins over a member this reader cannot use.
        let file = json!({"type": "FeatureCollection", "crs": link, "features": []});
        assert!(parse(&file.to_string(), true).is_ok_and(|f| f.crs.is_none()));
    }

    #[test]
    fn a_feature_a_bare_geometry_and_properties() {
        let ring = json!([[76.9, 43.2], [77.0, 43.2], [77.0, 43.3], [76.9, 43.2]]);
        let bare = json!({"type": "Polygon", "coordinates": [ring]});
        assert!(parse(&bare.to_string(), false).is_ok_and(|f| f.features.len() == 1 && f.features[0].geometry.is_ok()));
        let feature = json!({"type": "Feature", "geometry": bare,
            "properties": {"name": "Алмалы", "osm_id": 42, "official": true, "note": null, "tags": ["a"]}});
        let file = parse(&feature.to_string(), false).ok();
        let props = file.map(|f| f.features.into_iter().map(|f| f.properties).collect::<Vec<_>>());
        let want: BTreeMap<String, String> =
            [("name", "Алмалы"), ("official", "true"), ("osm_id", "42")].map(|(k, v)| (k.into(), v.into())).into();
        assert_eq!(props, Some(vec![want]));
        assert!(parse(&format!("\u{feff}{bare}"), false).is_ok(), "a byte order mark is skipped");
        for bad in ["{not json", "[]", r#"{"type": "FeatureCollection"}"#] {
            assert!(parse(bad, false).is_err(), "{bad}");
        }
    }

    // The validation of mod.rs, through GeoJSON text (the shortest way to write a bad polygon).

    fn read(features: Vec<Value>, options: &ImportOptions) -> Result<Vec<String>, String> {
        let text = json!({"type": "FeatureCollection", "features": features}).to_string();
        let file = super::super::read_area_geojson(&text, options, &mut |_, _| {}).map_err(|e| e.to_string())?;
        Ok(file.areas.into_iter().map(|a| a.name).collect())
    }

    fn area(name: &str, rings: Value) -> Value {
        json!({"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": rings}})
    }

    fn ring(points: &[(f64, f64)]) -> Value {
        json!(points.iter().chain(points.first()).map(|&(x, y)| [x, y]).collect::<Vec<_>>())
    }

    const SHELL: [(f64, f64); 4] = [(76.90, 43.20), (77.00, 43.20), (77.00, 43.30), (76.90, 43.30)];

    #[test]
    fn invalid_polygons_are_explained_with_a_place() {
        let o = ImportOptions::default();
        let good = area("Good", json!([ring(&SHELL)]));
        let (hole_a, hole_b) =
            ([(76.92, 43.22), (76.96, 43.22), (76.96, 43.26)], [(76.93, 43.21), (76.97, 43.25), (76.93, 43.25)]);
        let cases = [
            (
                area("Medeu District", json!([ring(&[(76.9, 43.2), (77.0, 43.3), (77.0, 43.2), (76.9, 43.3)])])),
                "(\"Medeu District\"): invalid polygon: polygon 0: exterior ring has a self-intersection",
                "near (76.95000, 43.25000)",
            ),
            (
                area("Hole", json!([ring(&SHELL), ring(&[(77.1, 43.2), (77.2, 43.2), (77.2, 43.3)])])),
                "polygon 0: interior ring at index 0 is not contained within the polygon's exterior",
                "near (77.10000, 43.20000)",
            ),
            (
                area("Cross", json!([ring(&SHELL), ring(&[(76.95, 43.25), (77.05, 43.25), (77.05, 43.28)])])),
                "polygon 0: interior ring at index 0 is not contained within the polygon's exterior",
                "near (77.00000, 43.25000)",
            ),
            (
                area("Holes", json!([ring(&SHELL), ring(&hole_a), ring(&hole_b)])),
                "polygon 0: interior ring at index 0 and interior ring at index 1 intersect on an area",
                "near (76.9",
            ),
            (
                json!({"type": "Feature", "properties": {"name_ru": "Двойной"}, "geometry": {"type": "MultiPolygon",
                    "coordinates": [[ring(&SHELL)], [ring(&[(76.95, 43.25), (77.05, 43.25), (77.05, 43.35)])]]}}),
                "(\"Двойной\"): invalid polygon: polygons at indices 0 and 1 overlap",
                "near (77.00000, 43.", // where the boundaries cross: 43.25 or 43.30
            ),
        ];
        for (bad, what, near) in cases {
            let e = read(vec![good.clone(), bad], &o).err().unwrap_or_default();
            assert!(e.starts_with("feature 2 of 2 (") && e.contains(&format!("{what} {near}")), "{what} {near}: {e}");
        }
        assert_eq!(read(vec![good], &o), Ok(vec!["Good".to_owned()]));
    }

    #[test]
    fn names_must_be_there_and_readable() {
        let shell = json!([ring(&SHELL)]);
        let with = |props: Value| json!({"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": shell}});
        let o = ImportOptions::default();
        // The first non-empty of name, name_en, name_ru, name_kk.
        let names = with(json!({"name": " ", "name_ru": "Медеуский район", "name_kk": "Медеу ауданы"}));
        assert_eq!(read(vec![names.clone()], &o), Ok(vec!["Медеуский район".to_owned()]));
        let official = ImportOptions { name_field: Some("name_kk".into()), ..o.clone() };
        assert_eq!(read(vec![names.clone()], &official), Ok(vec!["Медеу ауданы".to_owned()]));
        let missing = ImportOptions { name_field: Some("official".into()), ..o.clone() };
        let e = read(vec![names], &missing).err().unwrap_or_default();
        assert!(
            e.starts_with("feature 1 of 1 (\"Медеуский район\"): has no value in the name field \"official\""),
            "{e}"
        );
        let e = read(vec![with(json!({"id": 7}))], &o).err().unwrap_or_default();
        assert!(e.starts_with("feature 1 of 1: has no name") && e.contains("(its attributes: id)"), "{e}");
        for lost in ["?????? ??????", "Алатау ???", "\u{FFFD}\u{FFFD}"] {
            let e =
                read(vec![with(json!({"name_en": "Alatau District", "name_kk": lost}))], &o).err().unwrap_or_default();
            assert!(e.contains("its name_kk") && e.contains("export the file again in UTF-8"), "{lost}: {e}");
        }
        assert!(read(vec![with(json!({"name": "Who is there?"}))], &o).is_ok());
        assert_eq!(read(vec![with(json!({"NAME_EN": " Alatau "}))], &o), Ok(vec!["Alatau".to_owned()]), "any case");
    }

    #[test]
    fn the_envelope_blames_the_crs_and_nothing_is_half_read() {
        let o = ImportOptions::default();
        let metres =
            area("Metres", json!([ring(&[(657987.0, 4789082.0), (658987.0, 4789082.0), (658987.0, 4790082.0)])]));
        let e = read(vec![metres.clone()], &o).err().unwrap_or_default();
        assert!(e.contains("read as EPSG:4326 (the default: the file names no CRS) it lies at lon 657987.0000"), "{e}");
        assert!(e.contains("outside the Almaty region") && e.contains("the CRS is probably wrong"), "{e}");
        let swapped = area("Swapped", json!([ring(&SHELL.map(|(x, y)| (y, x)))]));
        let e = read(vec![swapped], &o).err().unwrap_or_default();
        assert!(
            e.ends_with(
                "outside the Almaty region (lon 76..78, lat 42.7..43.9): longitude and latitude are swapped in the file"
            ),
            "{e}"
        );
        let utm = ImportOptions { crs: Some("EPSG:32643".into()), ..o.clone() };
        assert_eq!(read(vec![metres.clone()], &utm), Ok(vec!["Metres".to_owned()]));
        // Progress is reported as features pass; a bad third feature fails the file after two.
        let mut seen = Vec::new();
        let good = area("Good", json!([ring(&SHELL)]));
        let text = json!({"type": "FeatureCollection", "features": [good.clone(), good, metres]}).to_string();
        let result = super::super::read_area_geojson(&text, &o, &mut |done, total| seen.push((done, total)));
        assert!(result.is_err_and(|e| e.to_string().starts_with("feature 3 of 3 (\"Metres\")")));
        assert_eq!(seen, [(0, 3), (1, 3), (2, 3)]);
    }
}

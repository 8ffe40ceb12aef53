//! The schemas of `/api/v1`'s bodies, as the handlers write and read them: what is always there is
//! `required`, what only sometimes is (a staff-only member, a `next` link) is not, and objects stay open
//! (`additionalProperties` allowed) so that a member added later is no breach.

use serde_json::{Map, Value, json};

use super::patterns;
use crate::domain::{
    AreaKind, COMMENT_MAX_CHARS, Category, DESCRIPTION_MAX_CHARS, LocationPrecision, ModerationAction, PinId,
    REASON_MAX_CHARS, Role, Status, Visibility,
};
use crate::http::area_imports::MAX_LABEL_CHARS;

/// `#/components/schemas`; reports must lie in `city` (the service area's `[min_lon, min_lat, max_lon,
/// max_lat]`).
pub fn schemas(city: [f64; 4]) -> Value {
    let mut all = Map::new();
    for (name, schema) in responses().into_iter().chain(requests(city)) {
        all.insert(name.to_owned(), schema);
    }
    Value::Object(all)
}

/// `{"$ref": "#/components/schemas/{name}"}`.
pub fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// An object with these members, all of them `required`, and maybe more.
fn object(properties: Value) -> Value {
    let required: Vec<String> = properties.as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    json!({ "type": "object", "required": required, "properties": properties })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn or_null(type_name: &str) -> Value {
    json!({ "type": [type_name, "null"] })
}

fn time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn one_of(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}

fn array_of(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

fn counts() -> Value {
    json!({ "type": "object", "additionalProperties": { "type": "integer", "minimum": 0 } })
}

fn responses() -> Vec<(&'static str, Value)> {
    let statuses = Status::ALL.map(Status::as_str);
    let categories = Category::ALL.map(Category::as_str);
    let kinds = AreaKind::ALL.map(AreaKind::as_str);
    let precisions = LocationPrecision::ALL.map(LocationPrecision::as_str);
    let position = json!({ "type": "array", "minItems": 2, "maxItems": 2, "items": { "type": "number" } });
    let mut pin_properties = object(json!({
        "category": one_of(&categories), "status": one_of(&statuses), "location_precision": one_of(&precisions),
        "description": string(), "created_at": time(), "updated_at": time(),
    }));
    pin_properties["properties"]["duplicate_of"] =
        json!({ "type": "integer", "description": "the original, for a duplicate" });
    pin_properties["properties"]["visibility"] = json!({
        "type": "string", "enum": ["pending", "hidden"], "description": "only on a pin the public does not see (staff)"
    });
    pin_properties["properties"]["distance_m"] = json!({ "type": "number", "description": "in a near listing" });
    let mut timeline_entry = object(json!({
        "id": { "type": "integer" }, "pin_id": { "type": "integer" }, "at": time(), "role": string(),
        "status_from": or_null("string"), "status": or_null("string"), "public_comment": or_null("string"),
        "duplicate_of": or_null("integer"),
    }));
    timeline_entry["properties"]["internal_note"] = json!({ "type": ["string", "null"], "description": "staff only" });
    let group = json!({
        "type": "object", "required": ["count", "ids"],
        "properties": {
            "count": { "type": "integer" }, "ids": array_of(json!({ "type": "integer" })), "next": string()
        }
    });
    let mut comparison = object(
        json!({ "a": schema_ref("AreaFeature"), "b": schema_ref("AreaFeature"), "filter": { "type": "object" } }),
    );
    for name in ["only_a", "only_b", "both"] {
        comparison["properties"][name] = group.clone();
    }
    vec![
        ("Problem", problem()),
        ("Link", object(json!({ "rel": string(), "type": string(), "href": string() }))),
        ("Point", object(json!({ "type": one_of(&["Point"]), "coordinates": position }))),
        ("PinProperties", pin_properties),
        ("PinFeature", feature(json!({ "type": "integer" }), schema_ref("Point"), schema_ref("PinProperties"))),
        ("PinCollection", collection("PinFeature", &["links"])),
        (
            "LeanPinFeature",
            feature(
                json!({ "type": "integer" }),
                schema_ref("Point"),
                object(json!({ "category": one_of(&categories), "status": one_of(&statuses),
                               "location_precision": one_of(&precisions), "created_at": time() })),
            ),
        ),
        ("LeanPinCollection", collection("LeanPinFeature", &["numberMatched"])),
        ("PinTable", collection("PinFeature", &["numberMatched", "offset"])),
        (
            "AreaProperties",
            object(json!({
                "kind": one_of(&kinds), "name_kk": or_null("string"), "name_ru": or_null("string"),
                "name_en": or_null("string"), "label": string(), "version": { "type": "integer" },
                "version_id": { "type": "integer" }, "version_label": string(), "source_file": string(),
                "imported_at": time(), "current": { "type": "boolean" }, "area_km2": { "type": "number" },
                "label_point": { "type": ["array", "null"], "items": { "type": "number" } },
            })),
        ),
        ("AreaFeature", feature(json!({ "type": "integer" }), or_null("object"), schema_ref("AreaProperties"))),
        ("AreaCollection", collection("AreaFeature", &[])),
        (
            "AreaStats",
            object(json!({
                "area_id": { "type": "integer" }, "kind": one_of(&kinds), "label": string(),
                "area_km2": { "type": "number" }, "count": { "type": "integer" }, "pins_per_km2": or_null("number"),
                "by_category": counts(), "by_status": counts(),
                "first_report_at": { "type": ["string", "null"], "format": "date-time" },
                "last_report_at": { "type": ["string", "null"], "format": "date-time" },
            })),
        ),
        (
            "AreasStats",
            object(json!({
                "areas": array_of(object(json!({
                    "area_id": { "type": "integer" }, "label": string(), "name_kk": or_null("string"),
                    "name_ru": or_null("string"), "name_en": or_null("string"), "kind": one_of(&kinds),
                    "version": { "type": "integer" }, "current": { "type": "boolean" },
                    "area_km2": { "type": "number" }, "count": { "type": "integer" }, "pins_per_km2": or_null("number"),
                }))),
                "filter": { "type": "object" },
            })),
        ),
        ("AreaComparison", comparison),
        (
            "MapConfig",
            object(json!({
                "basemap_style": or_null("string"), "geocoder_url": or_null("string"),
                "moderation": one_of(&["pre", "post"]),
                "bounds": { "type": "array", "minItems": 4, "maxItems": 4, "items": { "type": "number" } },
                "city": { "type": "object" }, "categories": array_of(one_of(&categories)),
                "statuses": array_of(one_of(&statuses)),
            })),
        ),
        (
            "Session",
            object(json!({ "name": string(), "role": one_of(&Role::ALL.map(Role::as_str)), "expires_at": time() })),
        ),
        ("TimelineEntry", timeline_entry),
        (
            "Timeline",
            object(json!({ "pin_id": { "type": "integer" }, "status": one_of(&statuses),
                        "updates": array_of(schema_ref("TimelineEntry")) })),
        ),
        (
            "UpdateResult",
            json!({ "allOf": [schema_ref("TimelineEntry"), object(json!({
                "pin_etag": string(), "visibility": one_of(&Visibility::ALL.map(Visibility::as_str)) }))] }),
        ),
        ("Contact", object(json!({ "pin_id": { "type": "integer" }, "contact": or_null("string") }))),
        (
            "AuditPage",
            object(json!({
                "entries": array_of(object(json!({
                    "id": { "type": "integer" }, "at": time(), "actor": string(), "role": string(), "action": string(),
                    "target": string(), "before": {}, "after": {}, "request_id": or_null("string"),
                }))),
                "links": array_of(schema_ref("Link")),
            })),
        ),
        (
            "AreaVersion",
            object(json!({
                "id": { "type": "integer" }, "kind": one_of(&kinds), "number": { "type": "integer" }, "label": string(),
                "source_file": string(), "current": { "type": "boolean" }, "imported_at": time(),
            })),
        ),
        ("AreaImport", {
            let mut c = collection("AreaFeature", &[]);
            if let Some(required) = c["required"].as_array_mut() {
                required.push(json!("version"));
            }
            c["properties"]["version"] = schema_ref("AreaVersion");
            c
        }),
        ("AreaActivation", object(json!({ "version": schema_ref("AreaVersion") }))),
    ]
}

/// RFC 9457, as `error.rs` writes it: `errors` names each bad field of a 400 or 422.
fn problem() -> Value {
    let field = json!({
        "type": "object", "required": ["detail"],
        "properties": { "parameter": string(), "pointer": string(), "detail": string() },
        "oneOf": [ { "required": ["parameter"] }, { "required": ["pointer"] } ]
    });
    let mut p = object(json!({
        "type": string(), "title": string(), "status": { "type": "integer", "minimum": 400, "maximum": 599 },
        "detail": string(),
    }));
    p["properties"]["errors"] = array_of(field);
    p
}

fn feature(id: Value, geometry: Value, properties: Value) -> Value {
    object(json!({ "type": one_of(&["Feature"]), "id": id, "geometry": geometry, "properties": properties }))
}

/// A FeatureCollection of `item`s with `numberReturned` and the members in `also`.
fn collection(item: &str, also: &[&str]) -> Value {
    let mut c = object(json!({
        "type": one_of(&["FeatureCollection"]), "numberReturned": { "type": "integer", "minimum": 0 },
        "features": array_of(schema_ref(item)),
    }));
    for name in also {
        if let Some(required) = c["required"].as_array_mut() {
            required.push(json!(name));
        }
        c["properties"][*name] = match *name {
            "links" => array_of(schema_ref("Link")),
            _ => json!({ "type": "integer", "minimum": 0 }),
        };
    }
    // The map's pins link to the next page only when more remain.
    if item == "LeanPinFeature" {
        c["properties"]["links"] = array_of(schema_ref("Link"));
    }
    c
}

/// Free text of at most `max` characters with something visible in it, no control character but tabs and
/// line breaks, and no bidirectional control (`domain::text::check_text`).
fn text(max: usize) -> Value {
    json!({ "type": "string", "minLength": 1, "maxLength": max, "pattern": patterns::text() })
}

/// `schema` (of one type), or null: a member the server reads as left out when it is null.
fn nullable(mut schema: Value) -> Value {
    if let Some(t) = schema["type"].as_str().map(str::to_owned) {
        schema["type"] = json!([t, "null"]);
    }
    schema
}

/// One of `values`, or null.
fn or_null_of(values: &[&str]) -> Value {
    let mut all: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    all.push(Value::Null);
    json!({ "type": ["string", "null"], "enum": all })
}

/// A `[lon, lat]` position in degrees, each in its range, maybe with more numbers (heights) after them.
fn position() -> Value {
    json!({ "type": "array", "minItems": 2, "items": { "type": "number" }, "prefixItems": [
        { "type": "number", "minimum": -180, "maximum": 180 }, { "type": "number", "minimum": -90, "maximum": 90 } ] })
}

/// A GeoJSON Polygon's or MultiPolygon's geometry object: rings of at least 4 positions. That each ring is
/// closed (its last position its first) and the polygon valid (no self-intersection, holes inside) no
/// schema can say: the server answers 422 naming the ring.
fn polygon_geometry(kind: &str) -> Value {
    let ring = json!({ "type": "array", "minItems": 4, "items": position() });
    let polygon = json!({ "type": "array", "minItems": 1, "items": ring });
    let coordinates =
        if kind == "Polygon" { polygon } else { json!({ "type": "array", "minItems": 1, "items": polygon }) };
    object(json!({ "type": one_of(&[kind]), "coordinates": coordinates }))
}

fn requests(city: [f64; 4]) -> Vec<(&'static str, Value)> {
    let [min_lon, min_lat, max_lon, max_lat] = city;
    let mut report = object(json!({
        "type": one_of(&["Feature"]),
        "geometry": object(json!({ "type": one_of(&["Point"]),
            "coordinates": { "type": "array", "minItems": 2, "maxItems": 2, "items": { "type": "number" },
                "description": "inside the city's boundary: these bounds are its bounding box",
                "prefixItems": [
                    { "type": "number", "minimum": min_lon, "maximum": max_lon },
                    { "type": "number", "minimum": min_lat, "maximum": max_lat } ] } })),
        "properties": {
            "type": "object", "required": ["category", "description"], "additionalProperties": false,
            "properties": {
                "category": one_of(&Category::ALL.map(Category::as_str)),
                "description": text(DESCRIPTION_MAX_CHARS),
                "contact": { "type": ["string", "null"], "maxLength": 254, "pattern": patterns::contact(),
                             "description": "private: an e-mail address or a phone number (or nothing)" },
                "location_precision": { "type": ["string", "null"], "enum": ["point", "district", null],
                                        "default": "point" },
            }
        },
    }));
    report["description"] = json!(
        "A report: a Point inside the city's boundary (else 422; the coordinates' bounds are the boundary's \
         bounding box) with its category and description."
    );
    report["examples"] = json!([{
        "type": "Feature", "geometry": { "type": "Point", "coordinates": [76.9458, 43.238] },
        "properties": { "category": "wheelchair", "description": "No ramp at the entrance" }
    }]);
    let polygons = [polygon_geometry("Polygon"), polygon_geometry("MultiPolygon")];
    let mut feature = object(json!({ "type": one_of(&["Feature"]), "geometry": { "oneOf": polygons.clone() } }));
    feature["properties"]["properties"] = json!({ "type": ["object", "null"] });
    let search = json!({
        "description": "A GeoJSON Polygon or MultiPolygon of at most 10,000 vertices, bare or as a Feature's \
                        geometry; its rings closed and the polygon valid (else 422).",
        "oneOf": [polygons[0], polygons[1], feature],
        "examples": [{ "type": "Polygon", "coordinates": [[[76.93, 43.23], [76.96, 43.23], [76.96, 43.25],
                                                           [76.93, 43.25], [76.93, 43.23]]] }],
    });
    // An update sets duplicate_of exactly when its status is duplicate.
    let duplicate = json!({ "type": "integer", "format": "int64", "minimum": 1, "maximum": PinId::MAX,
                            "description": "with status duplicate only (and then required): another public pin \
                                            that is not itself a duplicate (else 422)" });
    let update_statuses: Vec<&str> =
        Status::ALL.into_iter().filter(|s| *s != Status::Duplicate).map(Status::as_str).collect();
    let moderations: Vec<&str> = ModerationAction::ALL
        .into_iter()
        .filter(|a| *a != ModerationAction::Redact)
        .map(ModerationAction::as_str)
        .collect();
    let one_given = ["status", "public_comment", "internal_note"]
        .map(|name| json!({ "required": [name], "properties": { name: { "type": "string" } } }));
    let mut redacted = text(DESCRIPTION_MAX_CHARS);
    redacted["description"] = json!("the new public text; with redact only (and then required)");
    vec![
        ("NewPin", report),
        ("SearchArea", search),
        (
            "SignIn",
            object(json!({ "token": { "type": "string", "description": "a staff API token (qala staff add|token)" } })),
        ),
        (
            "UpdateRequest",
            json!({ "type": "object", "additionalProperties": false,
                "description": "null is the same as leaving a member out",
                "properties": {
                    "status": or_null_of(&Status::ALL.map(Status::as_str)),
                    "public_comment": nullable(text(COMMENT_MAX_CHARS)),
                    "internal_note": nullable(text(COMMENT_MAX_CHARS)), "duplicate_of": nullable(duplicate) },
                // At least one of the three is given.
                "anyOf": one_given,
                "oneOf": [
                    { "required": ["status", "duplicate_of"],
                      "properties": { "status": { "const": "duplicate" }, "duplicate_of": { "type": "integer" } } },
                    { "properties": { "status": or_null_of(&update_statuses), "duplicate_of": { "type": "null" } } }
                ] }),
        ),
        (
            "ModerationRequest",
            json!({ "type": "object", "required": ["action", "reason"], "additionalProperties": false, "properties": {
                "action": one_of(&ModerationAction::ALL.map(ModerationAction::as_str)),
                "reason": text(REASON_MAX_CHARS),
                "description": nullable(redacted) },
                "oneOf": [
                    { "required": ["description"],
                      "properties": { "action": { "const": "redact" }, "description": { "type": "string" } } },
                    { "properties": { "action": one_of(&moderations), "description": { "type": "null" } } }
                ] }),
        ),
        (
            "AreaUpload",
            json!({ "type": "object", "required": ["file", "kind", "label"], "additionalProperties": false,
                    "properties": {
                "file": { "type": "string", "contentMediaType": "application/octet-stream", "minLength": 1,
                          "description": "GeoJSON (.geojson, .json), a zipped Shapefile (.zip) or a GeoPackage \
                                          (.gpkg), at most 20 MiB" },
                "kind": one_of(&AreaKind::ALL.map(AreaKind::as_str)), "label": text(MAX_LABEL_CHARS),
                "crs": { "type": "string", "description": "the file's CRS, when it does not say" },
                "name_field": { "type": "string", "description": "the attribute holding each area's name" } } }),
        ),
    ]
}

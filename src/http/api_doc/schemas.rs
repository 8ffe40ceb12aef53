//! The schemas of `/api/v1`'s bodies, as the handlers write and read them: what is always there is
//! `required`, what only sometimes is (a staff-only member, a `next` link) is not, and objects stay open
//! (`additionalProperties` allowed) so that a member added later is no breach.

use serde_json::{Map, Value, json};

use crate::domain::{
    AreaKind, COMMENT_MAX_CHARS, Category, DESCRIPTION_MAX_CHARS, LocationPrecision, ModerationAction,
    REASON_MAX_CHARS, Role, Status, Visibility,
};

/// `#/components/schemas`.
pub fn schemas() -> Value {
    let mut all = Map::new();
    for (name, schema) in responses().into_iter().chain(requests()) {
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

fn requests() -> Vec<(&'static str, Value)> {
    let text = |max: usize| json!({ "type": "string", "minLength": 1, "maxLength": max });
    let mut report = object(json!({
        "type": one_of(&["Feature"]),
        "geometry": object(json!({ "type": one_of(&["Point"]),
            "coordinates": { "type": "array", "minItems": 2, "maxItems": 2, "prefixItems": [
                { "type": "number", "minimum": -180, "maximum": 180 },
                { "type": "number", "minimum": -90, "maximum": 90 } ] } })),
        "properties": {
            "type": "object", "required": ["category", "description"], "additionalProperties": false,
            "properties": {
                "category": one_of(&Category::ALL.map(Category::as_str)),
                "description": text(DESCRIPTION_MAX_CHARS),
                "contact": { "type": ["string", "null"], "maxLength": 254,
                             "description": "private: an e-mail address or phone" },
                "location_precision": { "type": ["string", "null"], "enum": ["point", "district", null],
                                        "default": "point" },
            }
        },
    }));
    report["description"] = json!("A report: a Point inside the city (else 422) with its category and description.");
    vec![
        ("NewPin", report),
        (
            "SearchArea",
            json!({ "type": "object", "required": ["type"],
                    "description": "A GeoJSON Polygon or MultiPolygon of at most 10,000 vertices, bare or as a \
                                    Feature's geometry.",
                    "properties": { "type": one_of(&["Polygon", "MultiPolygon", "Feature"]) } }),
        ),
        (
            "SignIn",
            object(json!({ "token": { "type": "string", "description": "a staff API token (qala staff add|token)" } })),
        ),
        (
            "UpdateRequest",
            json!({ "type": "object", "minProperties": 1, "additionalProperties": false, "properties": {
                "status": one_of(&Status::ALL.map(Status::as_str)), "public_comment": text(COMMENT_MAX_CHARS),
                "internal_note": text(COMMENT_MAX_CHARS),
                "duplicate_of": { "type": "integer", "minimum": 1,
                                  "description": "with status duplicate only (and then required)" } } }),
        ),
        (
            "ModerationRequest",
            json!({ "type": "object", "required": ["action", "reason"], "additionalProperties": false, "properties": {
                "action": one_of(&ModerationAction::ALL.map(ModerationAction::as_str)),
                "reason": text(REASON_MAX_CHARS),
                "description": { "type": "string", "minLength": 1, "maxLength": DESCRIPTION_MAX_CHARS,
                                 "description": "the new public text; with redact only (and then required)" } } }),
        ),
        (
            "AreaUpload",
            json!({ "type": "object", "required": ["file", "kind", "label"], "properties": {
                "file": { "type": "string", "contentMediaType": "application/octet-stream",
                          "description": "GeoJSON (.geojson, .json), a zipped Shapefile (.zip) or a GeoPackage \
                                          (.gpkg), at most 20 MiB" },
                "kind": one_of(&AreaKind::ALL.map(AreaKind::as_str)), "label": text(200),
                "crs": { "type": "string", "description": "the file's CRS, when it does not say" },
                "name_field": { "type": "string", "description": "the attribute holding each area's name" } } }),
        ),
    ]
}

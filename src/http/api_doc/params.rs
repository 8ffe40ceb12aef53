//! The query parameters of `/api/v1`, one entry per name: what each accepts, as `src/params` parses it. An
//! operation's parameters are built from its route's allow-list ([`Route::names`]), so a name a route gains
//! is documented (or the unit test in `mod.rs` fails for want of an entry here), and a name it refuses is not.

use serde_json::{Value, json};

use super::patterns;
use crate::domain::{AreaKind, Category, CompareGroup, LocationPrecision, Near, PinId, Status, Visibility};
use crate::export::ExportFormat;
use crate::params::Route;
use crate::spatial::Crs;

/// The query parameters `route` takes, in its order, `required` as it says; `limit` with its default and
/// maximum.
pub fn query(route: &Route) -> Vec<Value> {
    route.names.iter().map(|name| parameter(name, route)).collect()
}

fn parameter(name: &str, route: &Route) -> Value {
    let (description, schema) = if name == "limit" {
        let schema =
            json!({ "type": "integer", "minimum": 1, "maximum": route.max_limit, "default": route.default_limit });
        ("The page size.".to_owned(), schema)
    } else if name == "cursor" && route.names.contains(&"near") {
        // A listing that can be ordered by distance takes either kind of cursor, by whether it has `near`.
        let schema = json!({ "type": "string", "pattern": patterns::any_cursor() });
        ("The page token of a next link: a pin id, or distance_m:id in a near listing.".to_owned(), schema)
    } else {
        entry(name).unwrap_or_else(|| (String::new(), json!({ "type": "string" })))
    };
    let mut p = json!({
        "name": name, "in": "query", "required": route.required.contains(&name),
        "description": description, "schema": schema,
    });
    // A comma-separated list (`category=pram,wheelchair`, `bbox=1,2,3,4`) is an array sent form-style, unexploded.
    if p["schema"]["type"] == "array" {
        p["style"] = json!("form");
        p["explode"] = json!(false);
    }
    p
}

/// The description and schema of every query parameter `/api/v1` takes, but `limit` (whose bounds are each
/// route's); `None` for a name without an entry.
pub fn entry(name: &str) -> Option<(String, Value)> {
    let area_id = json!({ "type": "integer", "format": "int64", "minimum": 1, "maximum": PinId::MAX });
    let (description, schema) = match name {
        "bbox" => (
            "minLon,minLat,maxLon,maxLat in degrees (CRS84); six numbers minLon,minLat,minHeight,maxLon,maxLat,\
             maxHeight are taken too (the heights are dropped). A minimum above its maximum is a 400.",
            lon_lat_box(),
        ),
        "category" => ("Pins of these categories.", list(&Category::ALL.map(Category::as_str))),
        "status" => ("Pins in these statuses.", list(&Status::ALL.map(Status::as_str))),
        "location_precision" => (
            "Pins placed at a point, or only in a district.",
            list(&LocationPrecision::ALL.map(LocationPrecision::as_str)),
        ),
        "datetime" => (
            "Report time (audit: entry time): an RFC 3339 date-time or date (that day in UTC), or an interval \
             start/end with .. (or nothing) for an open end; an interval whose start is after its end is a 400.",
            datetime(),
        ),
        "within" => ("Only pins inside this area (404 when there is no such area).", area_id),
        "near" => (
            "lon,lat in degrees: pins by distance, nearest first; needs radius_m, k or both.",
            json!({ "type": "string", "pattern": patterns::lon_lat(), "examples": ["76.9458,43.238"] }),
        ),
        "radius_m" => (
            "With near: pins within this many metres (geodesic).",
            json!({ "type": "number", "exclusiveMinimum": 0, "maximum": Near::MAX_RADIUS_M }),
        ),
        "k" => ("With near: the k nearest pins.", json!({ "type": "integer", "minimum": 1, "maximum": Near::MAX_K })),
        "cursor" => (
            "The page token of a next link (a pin or entry id).",
            json!({ "type": "integer", "format": "int64", "minimum": 0, "maximum": PinId::MAX }),
        ),
        "offset" => {
            ("The number of pins before the page.", json!({ "type": "integer", "minimum": 0, "maximum": usize::MAX }))
        }
        "sortby" => (
            "The column the table is sorted by; - sorts descending. Ties go by ascending id.",
            json!({ "type": "string", "enum": sort_keys() }),
        ),
        "visibility" => (
            "public (the default); pending and hidden are for staff (401 without a credential).",
            json!({ "type": "string", "enum": Visibility::ALL.map(Visibility::as_str), "default": "public" }),
        ),
        "kind" => ("Areas of this kind.", json!({ "type": "string", "enum": AreaKind::ALL.map(AreaKind::as_str) })),
        "current" => ("Only the current version of each kind.", json!({ "type": "boolean" })),
        "version" => (
            "This version (its number) of the kind; needs kind (else a 400).",
            json!({ "type": "integer", "format": "int32", "minimum": 1, "maximum": i32::MAX }),
        ),
        "area" => ("Only this area.", area_id),
        "a" | "b" => ("A historic-centre area (a version of the outline) to compare.", area_id),
        "group" => (
            "Only this group of the comparison, to page through it.",
            json!({ "type": "string", "enum": CompareGroup::ALL.map(CompareGroup::as_str) }),
        ),
        "filter" => (
            "A CQL2 text filter over the pins' queryables (see /ogc/collections/pins/queryables); one that does \
             not parse, or names what is not a queryable, is a 400 naming its line and column.",
            json!({ "type": "string", "examples": ["category = 'wheelchair' AND status <> 'resolved'"] }),
        ),
        "filter-lang" => {
            ("The filter's language.", json!({ "type": "string", "enum": ["cql2-text"], "default": "cql2-text" }))
        }
        "filter-crs" => (
            "The CRS of the filter's geometries (CRS84 by default).",
            json!({ "type": "string", "format": "uri", "enum": Crs::ALL.map(Crs::uri) }),
        ),
        "actor" => ("Entries by this staff member (their name).", json!({ "type": "string" })),
        "action" => ("Entries of this action (pin.update, session.sign_in, …).", json!({ "type": "string" })),
        "target" => ("Entries about this target (pin:42, staff:name, …).", json!({ "type": "string" })),
        _ => return None,
    };
    Some((description.to_owned(), schema))
}

/// `bbox` in lon/lat: four numbers, or six with heights, each in its range (sent as `a,b,c,d`).
fn lon_lat_box() -> Value {
    let lon = json!({ "type": "number", "minimum": -180, "maximum": 180 });
    let lat = json!({ "type": "number", "minimum": -90, "maximum": 90 });
    let height = json!({ "type": "number" });
    json!({
        "type": "array", "items": { "type": "number" },
        "anyOf": [
            { "minItems": 4, "maxItems": 4, "prefixItems": [lon, lat, lon, lat] },
            { "minItems": 6, "maxItems": 6, "prefixItems": [lon, lat, height, lon, lat, height] }
        ]
    })
}

/// `datetime`: an instant, a date or an interval (`patterns::datetime`).
pub fn datetime() -> Value {
    json!({ "type": "string", "pattern": patterns::datetime(),
            "examples": ["2025-05-01", "2025-05-01T00:00:00Z/..", "2025-01-01/2025-06-30"] })
}

/// The values `sortby` takes: a column of `src/params/sort.rs`, ascending or (`-`) descending.
fn sort_keys() -> Vec<String> {
    ["id", "created_at", "category", "status"].iter().flat_map(|k| [k.to_string(), format!("-{k}")]).collect()
}

/// A comma-separated list of one or more of `values`.
fn list(values: &[&str]) -> Value {
    json!({ "type": "array", "minItems": 1, "items": { "type": "string", "enum": values } })
}

/// `#/components/parameters`: the path and header parameters.
pub fn parameters() -> Value {
    let id = json!({ "type": "integer", "format": "int64", "minimum": 1, "maximum": PinId::MAX });
    json!({
        "PinId": path("id", "The pin's id (404 for one there is not, or that the caller may not see).", id.clone()),
        "AreaId": path("id", "The area's id.", id),
        "LonLat": path(
            "lonlat",
            "lon,lat in degrees.",
            json!({ "type": "string", "pattern": patterns::lon_lat(), "examples": ["76.9458,43.238"] }),
        ),
        "Format": path(
            "format",
            "The file format.",
            json!({ "type": "string", "enum": ExportFormat::ALL.map(ExportFormat::extension) }),
        ),
        "IfMatch": header(
            "If-Match",
            true,
            "The pin's ETag as last read (428 without it, 412 when stale).",
            json!({ "type": "string" }),
        ),
        "IfNoneMatch": header(
            "If-None-Match",
            false,
            "The ETag of the pins already held: 304 while they are unchanged.",
            json!({ "type": "string" }),
        ),
        "IdempotencyKey": header(
            "Idempotency-Key",
            false,
            "1 to 255 visible ASCII characters (a UUID): a retry with the same key and report within 24 hours is \
             answered with the first pin, and writes nothing (the same key with another report is a 422).",
            json!({ "type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$" }),
        ),
    })
}

fn path(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": schema })
}

fn header(name: &str, required: bool, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "header", "required": required, "description": description, "schema": schema })
}

//! The OpenAPI 3.0 definition of `/ogc` (served at `/ogc/api`). Written out by hand as one JSON value: it is
//! small, and every operation in it is exercised by `tests/ogc_api.rs`, which also has the document checked
//! by `openapi-spec-validator`.
//!
//! GDAL's OAPIF driver reads `limit`'s default and maximum here, and translates an attribute filter into
//! the query parameters listed for the items operation (`category`, `status`). Pins and areas have an items
//! operation each, so that no parameter is documented where the route refuses it.

use serde_json::{Value, json};

use super::super::api_doc::patterns;
use super::vocabulary::{ROOT, media};
use crate::domain::{Category, Limit, LocationPrecision, PinId, Status};
use crate::spatial::Crs;

pub fn document(base: &str) -> Value {
    let crs_uris = Crs::ALL.map(Crs::uri);
    // Page tokens: what the links hand out, pin ids.
    let token = json!({ "type": "integer", "format": "int64", "minimum": 0, "maximum": PinId::MAX });
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "qala OGC API – Features",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Accessibility problems that citizens of Almaty pin on the map, Almaty's districts and the \
                            versions of its historic-centre outline. Contacts are private and never served.",
            "license": { "name": "Data: ODbL (districts from OpenStreetMap); software: MIT" }
        },
        "servers": [ { "url": format!("{base}{ROOT}") } ],
        "paths": {
            "/": { "get": op("landingPage", "The landing page", &["f"], "Landing", media::JSON) },
            "/conformance": { "get": op("getConformance", "The conformance classes this API implements", &["f"], "Conformance", media::JSON) },
            "/api": { "get": {
                "operationId": "getApi", "summary": "This API definition",
                "parameters": [ { "$ref": "#/components/parameters/f" } ],
                "responses": {
                    "200": { "description": "The OpenAPI 3.0 definition", "content": { media::OPENAPI_JSON: { "schema": { "type": "object" } }, media::HTML: {} } },
                    "400": { "$ref": "#/components/responses/BadRequest" }
                }
            } },
            "/collections": { "get": op("getCollections", "The collections: pins, districts, the historic centre and each of its versions", &["f"], "Collections", media::JSON) },
            "/collections/{collectionId}": { "get": op("describeCollection", "One collection's metadata", &["collectionId", "f"], "Collection", media::JSON) },
            "/collections/{collectionId}/queryables": { "get": op("getQueryables", "The properties a CQL2 filter may name (pins only)", &["collectionId", "f"], "Queryables", media::SCHEMA_JSON) },
            // Pins and areas take different parameters (pins page by keyset and filter; areas page by offset),
            // so each has its own operation: a client reading this document sends what the route takes.
            "/collections/pins/items": { "get": op(
                "getPins",
                "The pins, filtered and paged by keyset (cursor, before).",
                &["f", "limit", "bbox", "bbox-crs", "datetime", "crs", "category", "status", "location_precision", "filter", "filter-lang", "filter-crs", "cursor", "before"],
                "FeatureCollection",
                media::GEOJSON,
            ) },
            "/collections/{areaCollectionId}/items": { "get": op(
                "getAreas",
                "The areas of districts, the historic centre or one of its versions, paged by offset.",
                &["areaCollectionId", "f", "limit", "bbox", "bbox-crs", "crs", "offset"],
                "FeatureCollection",
                media::GEOJSON,
            ) },
            "/collections/{collectionId}/items/{featureId}": { "get": op("getFeature", "One feature", &["collectionId", "featureId", "f", "crs"], "Feature", media::GEOJSON) }
        },
        "components": {
            "parameters": {
                "f": param("f", "query", "The representation: json or html (else the Accept header decides).", json!({ "type": "string", "enum": ["json", "html"] })),
                "collectionId": param("collectionId", "path", "pins, districts, historic_centre or historic_centre_v{N}.", json!({ "type": "string", "pattern": "^(pins|districts|historic_centre|historic_centre_v[1-9][0-9]{0,8})$" })),
                "areaCollectionId": param("areaCollectionId", "path", "districts, historic_centre or historic_centre_v{N}.", json!({ "type": "string", "pattern": "^(districts|historic_centre|historic_centre_v[1-9][0-9]{0,8})$" })),
                "featureId": param("featureId", "path", "The feature's id.", json!({ "type": "string" })),
                "limit": param("limit", "query", "Page size.", json!({ "type": "integer", "minimum": 1, "maximum": Limit::MAX, "default": Limit::DEFAULT })),
                "bbox": {
                    "name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
                    "description": "minx,miny,maxx,maxy in bbox-crs (CRS84 by default; EPSG:4326 is lat,lon), or six numbers with a height after each y (dropped). In CRS84 and EPSG:4326 each number is in its range of degrees; a minimum above its maximum, or a box a projected CRS cannot convert, is a 400.",
                    "schema": { "type": "array", "items": { "type": "number" }, "anyOf": [ { "minItems": 4, "maxItems": 4 }, { "minItems": 6, "maxItems": 6 } ] }
                },
                "bbox-crs": param("bbox-crs", "query", "The CRS of bbox (without bbox it changes nothing).", json!({ "type": "string", "format": "uri", "enum": crs_uris })),
                "crs": param("crs", "query", "The CRS of the response's geometries.", json!({ "type": "string", "format": "uri", "enum": crs_uris })),
                "datetime": param("datetime", "query", "Report time: an RFC 3339 date-time or date (that day in UTC), or an interval start/end with .. (or nothing) for an open end; an interval whose start is after its end is a 400.", json!({ "type": "string", "pattern": patterns::datetime() })),
                "category": param("category", "query", "Pins of these categories (comma-separated).", json!({ "type": "string", "enum": Category::ALL.map(Category::as_str) })),
                "status": param("status", "query", "Pins in these statuses (comma-separated).", json!({ "type": "string", "enum": Status::ALL.map(Status::as_str) })),
                "location_precision": param("location_precision", "query", "Pins placed at a point, or only in a district (comma-separated).", json!({ "type": "string", "enum": LocationPrecision::ALL.map(LocationPrecision::as_str) })),
                "filter": param("filter", "query", "A CQL2 text filter over the queryables; one that does not parse, or names what is not a queryable, is a 400 naming its line and column.", json!({ "type": "string", "example": "category = 'wheelchair' AND status <> 'resolved'" })),
                "filter-lang": param("filter-lang", "query", "The filter language.", json!({ "type": "string", "enum": ["cql2-text"], "default": "cql2-text" })),
                "filter-crs": param("filter-crs", "query", "The CRS of the filter's geometries.", json!({ "type": "string", "format": "uri", "enum": crs_uris })),
                "cursor": param("cursor", "query", "Page token of a next link.", token.clone()),
                "before": param("before", "query", "Page token of a prev link (not with cursor: follow one link).", token),
                "offset": param("offset", "query", "Page start (from an area collection's next or prev link).", json!({ "type": "integer", "minimum": 0, "maximum": usize::MAX }))
            },
            "schemas": {
                "Link": {
                    "type": "object", "required": ["href"],
                    "properties": { "href": { "type": "string" }, "rel": { "type": "string" }, "type": { "type": "string" }, "title": { "type": "string" } }
                },
                "Landing": { "type": "object", "required": ["links"], "properties": { "title": { "type": "string" }, "description": { "type": "string" }, "links": links() } },
                "Conformance": { "type": "object", "required": ["conformsTo"], "properties": { "conformsTo": { "type": "array", "items": { "type": "string" } } } },
                "Collection": {
                    "type": "object", "required": ["id", "links"],
                    "properties": {
                        "id": { "type": "string" }, "title": { "type": "string" }, "description": { "type": "string" },
                        "itemType": { "type": "string" }, "extent": { "type": "object" },
                        "crs": { "type": "array", "items": { "type": "string" } }, "storageCrs": { "type": "string" },
                        "links": links()
                    }
                },
                "Collections": { "type": "object", "required": ["links", "collections"], "properties": { "links": links(), "collections": { "type": "array", "items": { "$ref": "#/components/schemas/Collection" } } } },
                "Queryables": { "type": "object", "required": ["type", "properties"], "properties": { "type": { "type": "string" }, "properties": { "type": "object" } } },
                "Feature": {
                    "type": "object", "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": { "type": "string", "enum": ["Feature"] }, "id": { "oneOf": [ { "type": "integer" }, { "type": "string" } ] },
                        "geometry": { "type": "object", "nullable": true }, "properties": { "type": "object", "nullable": true }, "links": links()
                    }
                },
                "FeatureCollection": {
                    "type": "object", "required": ["type", "features"],
                    "properties": {
                        "type": { "type": "string", "enum": ["FeatureCollection"] },
                        "features": { "type": "array", "items": { "$ref": "#/components/schemas/Feature" } },
                        "numberMatched": { "type": "integer", "minimum": 0 }, "numberReturned": { "type": "integer", "minimum": 0 },
                        "timeStamp": { "type": "string", "format": "date-time" }, "links": links()
                    }
                },
                "Problem": {
                    "type": "object",
                    "properties": { "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" }, "detail": { "type": "string" }, "errors": { "type": "array", "items": { "type": "object" } } }
                }
            },
            "responses": {
                "BadRequest": { "description": "A parameter is invalid; the problem names it.", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
                "NotFound": { "description": "No such collection or feature.", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
            }
        }
    })
}

fn links() -> Value {
    json!({ "type": "array", "items": { "$ref": "#/components/schemas/Link" } })
}

fn param(name: &str, location: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": location, "required": location == "path", "description": description, "schema": schema })
}

/// A GET operation answering `schema` as `media` (or HTML), 400 on bad parameters and 404 where a path names
/// something.
fn op(id: &str, summary: &str, params: &[&str], schema: &str, media_type: &str) -> Value {
    let parameters: Vec<Value> =
        params.iter().map(|p| json!({ "$ref": format!("#/components/parameters/{p}") })).collect();
    let mut responses = json!({
        "200": {
            "description": summary,
            "content": { media_type: { "schema": { "$ref": format!("#/components/schemas/{schema}") } }, media::HTML: {} }
        },
        "400": { "$ref": "#/components/responses/BadRequest" }
    });
    if params.iter().any(|p| matches!(*p, "collectionId" | "areaCollectionId")) {
        responses["404"] = json!({ "$ref": "#/components/responses/NotFound" });
    }
    json!({ "operationId": id, "summary": summary, "parameters": parameters, "responses": responses })
}

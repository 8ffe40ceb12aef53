//! `/ogc/collections`, `/ogc/collections/{id}` and the pins' `/queryables` (OGC API – Features Part 3): the
//! JSON Schema of the properties a CQL2 filter may name.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::catalog::{self, CollectionId};
use super::representation::{Format, FormatOnly, anchor, cell, html_response, json_response};
use super::vocabulary::{ROOT, media, rel};
use crate::filter::{QUERYABLES, QueryableType};
use crate::http::ApiError;
use crate::http::client::base_url;
use crate::http::extract::Segments;
use crate::http::html::escape;
use crate::http::response::link;
use crate::state::AppState;

/// The collection named in the path, if it exists.
pub fn find(state: &AppState, raw: &str) -> Result<CollectionId, ApiError> {
    CollectionId::parse(raw)
        .filter(|id| catalog::exists(state, *id))
        .ok_or_else(|| ApiError::NotFound(format!("there is no collection {raw:?}; see {ROOT}/collections")))
}

/// `GET /ogc/collections`.
pub async fn list(State(state): State<AppState>, headers: HeaderMap, q: FormatOnly) -> Result<Response, ApiError> {
    let format = q.format(&headers)?;
    let base = base_url(&headers);
    let collections: Vec<Value> =
        catalog::all(&state).into_iter().map(|id| catalog::describe(&state, &base, id)).collect();
    let href = format!("{base}{ROOT}/collections");
    Ok(match format {
        Format::Json => {
            let doc = json!({
                "links": [
                    link(rel::SELF, media::JSON, format!("{href}?f=json")),
                    link(rel::ALTERNATE, media::HTML, format!("{href}?f=html")),
                ],
                "collections": collections,
                "crs": crate::spatial::Crs::ALL.map(crate::spatial::Crs::uri),
            });
            json_response(&doc, media::JSON)
        }
        Format::Html => {
            let rows: String = collections
                .iter()
                .map(|c| {
                    let id = c["id"].as_str().unwrap_or_default();
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        anchor(&format!("{href}/{id}?f=html"), id),
                        cell(&c["title"]),
                        anchor(&format!("{href}/{id}/items?f=html"), "items")
                    )
                })
                .collect();
            html_response("Collections", &format!("<table><tr><th>id</th><th>title</th><th></th></tr>{rows}</table>"))
        }
    })
}

/// `GET /ogc/collections/{id}`.
pub async fn one(
    State(state): State<AppState>,
    Segments(raw): Segments<String>,
    headers: HeaderMap,
    q: FormatOnly,
) -> Result<Response, ApiError> {
    let format = q.format(&headers)?;
    let id = find(&state, &raw)?;
    let doc = catalog::describe(&state, &base_url(&headers), id);
    Ok(match format {
        Format::Json => json_response(&doc, media::JSON),
        Format::Html => {
            let title = doc["title"].as_str().unwrap_or_default().to_owned();
            let body = format!(
                "<p>{}</p><p>Extent: <code>{}</code></p><p>{} · {}</p>",
                cell(&doc["description"]),
                escape(&doc["extent"].to_string()),
                anchor(&format!("{ROOT}/collections/{}/items?f=html", id.name()), "Browse the items"),
                anchor(&format!("{ROOT}/collections/{}/items?f=json", id.name()), "GeoJSON"),
            );
            html_response(&title, &body)
        }
    })
}

/// `GET /ogc/collections/pins/queryables`: a JSON Schema of what a filter may name.
pub async fn queryables(
    State(state): State<AppState>,
    Segments(raw): Segments<String>,
    headers: HeaderMap,
    q: FormatOnly,
) -> Result<Response, ApiError> {
    let format = q.format(&headers)?;
    if find(&state, &raw)? != CollectionId::Pins {
        return Err(ApiError::NotFound(format!("the collection {raw:?} has no queryables; only pins can be filtered")));
    }
    let href = format!("{}{ROOT}/collections/pins/queryables", base_url(&headers));
    let mut properties = Map::new();
    for (name, kind) in QUERYABLES {
        properties.insert((*name).to_owned(), schema_of(name, *kind));
    }
    let doc = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": href,
        "type": "object",
        "title": "pins",
        "properties": properties,
        "additionalProperties": false,
    });
    Ok(match format {
        Format::Json => json_response(&doc, media::SCHEMA_JSON),
        Format::Html => {
            let rows: String = QUERYABLES
                .iter()
                .map(|(name, kind)| {
                    format!("<tr><td><code>{}</code></td><td>{}</td></tr>", escape(name), cell(&schema_of(name, *kind)))
                })
                .collect();
            html_response("Queryables of pins", &format!("<table><tr><th>name</th><th>schema</th></tr>{rows}</table>"))
        }
    })
}

fn schema_of(name: &str, kind: QueryableType) -> Value {
    use crate::domain::{Category, LocationPrecision, Status};
    match (name, kind) {
        ("category", _) => json!({ "type": "string", "enum": Category::ALL.map(Category::as_str) }),
        ("status", _) => json!({ "type": "string", "enum": Status::ALL.map(Status::as_str) }),
        ("location_precision", _) => {
            json!({ "type": "string", "enum": LocationPrecision::ALL.map(LocationPrecision::as_str) })
        }
        (_, QueryableType::Integer) => json!({ "type": "integer" }),
        (_, QueryableType::String) => json!({ "type": "string" }),
        ("created_at", _) => json!({ "type": "string", "format": "date-time", "x-ogc-role": "primary-instant" }),
        (_, QueryableType::Timestamp) => json!({ "type": "string", "format": "date-time" }),
        // QGIS recognises a geometry queryable by a `$ref` to the GeoJSON schemas, and only without `type`.
        (_, QueryableType::Point) => json!({
            "$ref": "https://geojson.org/schema/Point.json",
            "format": "geometry-point",
            "x-ogc-role": "primary-geometry"
        }),
    }
}

//! The landing page, the conformance declaration and the OpenAPI document: what a client (QGIS, GDAL's
//! OAPIF driver, a browser) reads first to find everything else.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::openapi;
use super::representation::{Format, FormatOnly, anchor, html_response, json_response};
use super::vocabulary::{CONFORMANCE, ROOT, media, rel};
use crate::http::ApiError;
use crate::http::client::base_url;
use crate::http::html::escape;
use crate::http::response::titled_link;
use crate::state::AppState;

/// `GET /ogc`.
pub async fn landing(headers: HeaderMap, q: FormatOnly) -> Result<Response, ApiError> {
    let format = q.format(&headers)?;
    let base = format!("{}{ROOT}", base_url(&headers));
    let links = vec![
        titled_link(rel::SELF, media::JSON, format!("{base}?f=json"), "this document"),
        titled_link(rel::ALTERNATE, media::HTML, format!("{base}?f=html"), "as HTML"),
        titled_link(rel::SERVICE_DESC, media::OPENAPI_JSON, format!("{base}/api"), "the API definition (OpenAPI 3.0)"),
        titled_link(rel::SERVICE_DOC, media::HTML, format!("{base}/api?f=html"), "the API documentation"),
        titled_link(rel::CONFORMANCE, media::JSON, format!("{base}/conformance"), "the standards this API conforms to"),
        titled_link(rel::DATA, media::JSON, format!("{base}/collections"), "the collections"),
    ];
    let doc = json!({
        "title": "qala: accessibility problems in Almaty",
        "description": "Pins that citizens drop where the city fails them (prams, wheelchairs, bicycles, limited \
                        mobility, low vision), Almaty's districts and the drafts of its historic centre, as OGC API – Features.",
        "links": links,
    });
    Ok(match format {
        Format::Json => json_response(&doc, media::JSON),
        Format::Html => {
            let body = format!(
                "<p>{}</p><ul><li>{}</li><li>{}</li><li>{}</li></ul>",
                escape(doc["description"].as_str().unwrap_or_default()),
                anchor(&format!("{base}/collections"), "Collections"),
                anchor(&format!("{base}/conformance"), "Conformance"),
                anchor(&format!("{base}/api"), "OpenAPI 3.0 definition"),
            );
            html_response("qala", &body)
        }
    })
}

/// `GET /ogc/conformance`.
pub async fn conformance(headers: HeaderMap, q: FormatOnly) -> Result<Response, ApiError> {
    Ok(match q.format(&headers)? {
        Format::Json => json_response(&json!({ "conformsTo": CONFORMANCE }), media::JSON),
        Format::Html => {
            let items: String = CONFORMANCE.iter().map(|c| format!("<li>{}</li>", anchor(c, c))).collect();
            html_response("Conformance", &format!("<ul>{items}</ul>"))
        }
    })
}

/// `GET /ogc/api`: the OpenAPI 3.0 document (JSON), or a readable list of its operations (HTML).
pub async fn api(State(_state): State<AppState>, headers: HeaderMap, q: FormatOnly) -> Result<Response, ApiError> {
    let doc = openapi::document(&base_url(&headers));
    Ok(match q.format(&headers)? {
        Format::Json => json_response(&doc, media::OPENAPI_JSON),
        Format::Html => html_response("API definition", &operations_html(&doc)),
    })
}

fn operations_html(doc: &Value) -> String {
    let mut rows = String::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for (method, op) in item.as_object().into_iter().flatten() {
                rows.push_str(&format!(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                    escape(&method.to_uppercase()),
                    escape(path),
                    escape(op["summary"].as_str().unwrap_or_default())
                ));
            }
        }
    }
    format!(
        "<p>The machine-readable definition: {}.</p><table><tr><th>method</th><th>path</th><th>what it does</th></tr>{rows}</table>",
        anchor(&format!("{ROOT}/api?f=json"), "OpenAPI 3.0 JSON")
    )
}

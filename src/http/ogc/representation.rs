//! JSON or HTML: the `f` parameter, else the `Accept` header, picks the representation (OGC API – Features
//! Part 1, "HTML" and "GeoJSON" conformance classes). Also the small HTML toolkit the HTML pages share:
//! everything that comes from data is escaped here.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::domain::FieldError;
use crate::http::ApiError;
use crate::http::extract::QueryPairs;
use crate::http::html::escape;
use crate::params::{Params, routes};
use crate::spatial::Crs;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
}

impl Format {
    /// `f=json|html` wins; without it, a client that accepts `text/html` (a browser) gets HTML.
    ///
    /// # Errors
    /// A [`FieldError`] for `f` when it names another format.
    pub fn negotiate(f: Option<&str>, headers: &HeaderMap) -> Result<Format, FieldError> {
        match f.map(str::trim) {
            Some("json" | "geojson" | "application/json" | "application/geo+json") => Ok(Format::Json),
            Some("html" | "text/html") => Ok(Format::Html),
            Some(other) => Err(FieldError::parameter("f", format!("{other:?} is not a format here; use json or html"))),
            None => {
                let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
                Ok(if accept.contains("text/html") { Format::Html } else { Format::Json })
            }
        }
    }

    /// The `f` value that asks for this format, for `alternate` links.
    pub fn param(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

/// `Content-Crs: <uri>` (OGC API – Features Part 2).
pub fn with_crs(mut response: Response, crs: Crs) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        response.headers_mut().insert("content-crs", v);
    }
    response
}

/// The representation a request asks for, by its `f` parameter or else its `Accept` header.
///
/// # Errors
/// 400 when `f` names an unknown format.
pub fn format_of(params: &Params, headers: &HeaderMap) -> Result<Format, ApiError> {
    Format::negotiate(params.f.as_deref(), headers).map_err(|e| ApiError::BadParameters(vec![e]))
}

/// The only parameter of the metadata documents: `f`. Anything else is refused by name.
pub struct FormatOnly(Params);

impl FormatOnly {
    /// # Errors
    /// 400 when `f` names an unknown format.
    pub fn format(&self, headers: &HeaderMap) -> Result<Format, ApiError> {
        format_of(&self.0, headers)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FormatOnly {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        QueryPairs::from_request_parts(parts, state).await?.parse(&routes::OGC_DOCUMENT).map(Self)
    }
}

/// A JSON document with the given media type.
pub fn json_response(body: &Value, media_type: &'static str) -> Response {
    text_response(body.to_string(), media_type)
}

/// A pre-rendered body with the given media type.
pub fn text_response(body: String, media_type: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

/// An HTML page.
pub fn html_response(title: &str, body: &str) -> Response {
    text_response(html_page(title, body), "text/html; charset=utf-8")
}

/// `<a href="…">text</a>`, both escaped.
pub fn anchor(href: &str, text: &str) -> String {
    format!(r#"<a href="{}">{}</a>"#, escape(href), escape(text))
}

/// A JSON value as table-cell text.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => escape(s),
        other => escape(&other.to_string()),
    }
}

/// A feature's properties as the rows of an HTML table.
pub fn properties_table(feature: &Value) -> String {
    let rows: String = feature["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>", escape(k), cell(v)))
        .collect();
    format!("<table>{rows}</table>")
}

fn html_page(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · qala OGC API – Features</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; max-width: 72rem; color: #1b1b1b; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #c8c8c8; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }}
th {{ background: #f0f0f0; }}
a {{ color: #0b57a4; }}
nav a {{ margin-right: 1rem; }}
</style>
</head>
<body>
<nav><a href="{root}">qala OGC API</a><a href="{root}/collections">Collections</a><a href="{root}/conformance">Conformance</a><a href="{root}/api">OpenAPI</a></nav>
<h1>{title}</h1>
{body}
</body>
</html>
"#,
        title = escape(title),
        root = super::vocabulary::ROOT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f_wins_over_accept() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("text/html,application/xhtml+xml"));
        assert_eq!(Format::negotiate(None, &headers), Ok(Format::Html));
        assert_eq!(Format::negotiate(Some("json"), &headers), Ok(Format::Json));
        assert_eq!(Format::negotiate(None, &HeaderMap::new()), Ok(Format::Json));
        assert!(Format::negotiate(Some("xml"), &headers).is_err());
    }
}

//! `GET /api/v1/exports/pins.{geojson,geojsonseq,csv,gpkg,fgb}` and `…/areas.{…}`: whole selections for GIS
//! analysts, with the pins listing's filters (`bbox`, `within`, `category`, `status`, `datetime`) and a CQL2
//! `filter`.
//!
//! The text formats are streamed: a task pages through the selection and sends each encoded chunk through
//! a small bounded channel, so memory stays constant and the first bytes leave before the last pin is read;
//! a client that goes away stops the task at its next send. GeoPackage and FlatGeobuf are built in a
//! temporary file (already unlinked while it is sent) and then streamed.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use tokio::sync::mpsc;

use super::ApiError;
use super::extract::{PinListParams, QueryPairs, area_id, cql2_filter};
use crate::domain::{AreaKind, FieldError, PinFilter};
use crate::export::{ExportError, ExportFormat, RowSource, TextEncoder, write_file};
use crate::selection::Selection;
use crate::spatial::Crs;
use crate::state::AppState;

/// Chunks in flight between the exporting task and the connection.
const CHANNEL_CHUNKS: usize = 4;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/exports/{file}", get(export))
}

async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let not_found = || {
        ApiError::NotFound(format!(
            "there is no export {file:?}; ask for pins.<format> or areas.<format>, format one of {}",
            ExportFormat::ALL.map(ExportFormat::extension).join(", ")
        ))
    };
    let (what, ext) = file.split_once('.').ok_or_else(not_found)?;
    let format = ExportFormat::parse(ext).map_err(|_| not_found())?;
    if !matches!(what, "pins" | "areas") {
        return Err(not_found());
    }
    let source = row_source(&state, what, pairs)?;
    let filename = format!("qala-{what}-{}.{}", Utc::now().format("%Y%m%dT%H%M%SZ"), format.extension());
    let body = match format.text() {
        Some(_) => streamed(state, source, format),
        None => built(&state, source, format).await?,
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// What an export of `what` (pins or areas) with these query parameters holds; `qala export` uses it too.
///
/// # Errors
/// 400 naming each bad parameter, 404 for an unknown area.
pub fn row_source(state: &AppState, what: &str, pairs: Vec<(String, String)>) -> Result<RowSource, ApiError> {
    match what {
        "areas" => Ok(RowSource::areas(area_selection(state, pairs)?)),
        _ => Ok(RowSource::pins(pin_selection(state, pairs)?)),
    }
}

/// The pins an export asks for.
fn pin_selection(state: &AppState, pairs: Vec<(String, String)>) -> Result<Selection, ApiError> {
    let (mut text, mut filter_crs, mut errors, mut rest) = (None, Crs::Crs84, Vec::new(), Vec::new());
    for (name, value) in pairs {
        match name.as_str() {
            "filter" => text = Some(value),
            "filter-lang" if value.trim() == "cql2-text" => {}
            "filter-lang" => errors.push(FieldError::parameter("filter-lang", "the only filter language is cql2-text")),
            "filter-crs" => match Crs::parse(&value) {
                Ok(c) => filter_crs = c,
                Err(why) => errors.push(FieldError::parameter("filter-crs", why)),
            },
            _ => rest.push((name, value)),
        }
    }
    let params = PinListParams::parse_allowing(rest, &["bbox", "within", "category", "status", "datetime"]).map_err(
        |e| match e {
            ApiError::BadParameters(mut more) => {
                more.append(&mut errors);
                ApiError::BadParameters(more)
            }
            other => other,
        },
    )?;
    if !errors.is_empty() {
        return Err(ApiError::BadParameters(errors));
    }
    let area = super::areas::within_area(state, params.within)?;
    let predicate = text.map(|t| cql2_filter(&t, filter_crs)).transpose()?;
    let PinListParams { filter: PinFilter { bbox, categories, statuses, created }, .. } = params;
    Ok(Selection { filter: PinFilter { bbox, categories, statuses, created }, area, projected_box: None, predicate })
}

/// The areas an export asks for: `kind` (district, historic_centre), `version` (its number; else the current
/// version), `area` (one area id).
fn area_selection(state: &AppState, pairs: Vec<(String, String)>) -> Result<Vec<Arc<crate::domain::Area>>, ApiError> {
    let (mut kind, mut version, mut one, mut errors) = (None, None, None, Vec::new());
    for (name, value) in pairs {
        match name.as_str() {
            "kind" => match value.parse::<AreaKind>() {
                Ok(k) => kind = Some(k),
                Err(e) => errors.push(FieldError::parameter("kind", e.0)),
            },
            "version" => match value.trim().parse::<i32>() {
                Ok(n) if n > 0 => version = Some(n),
                _ => errors.push(FieldError::parameter("version", format!("must be a version number; got {value:?}"))),
            },
            "area" => match area_id("area", &value) {
                Ok(id) => one = Some(id),
                Err(e) => errors.push(e),
            },
            _ => errors.push(FieldError::parameter(name, "unknown parameter; areas exports take kind, version, area")),
        }
    }
    if version.is_some() && kind.is_none() {
        errors.push(FieldError::parameter("version", "needs kind (versions are numbered per kind)"));
    }
    if !errors.is_empty() {
        return Err(ApiError::BadParameters(errors));
    }
    Ok(state
        .areas
        .list(kind, version.is_none())
        .into_iter()
        .filter(|a| version.is_none_or(|n| a.version.number == n) && one.is_none_or(|id| a.id == id))
        .collect())
}

/// A text format, encoded by a task as the selection is paged through.
fn streamed(state: AppState, mut source: RowSource, format: ExportFormat) -> Body {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    let Some(text) = format.text() else { return Body::empty() };
    tokio::spawn(async move {
        let mut encoder = TextEncoder::new(text, source.layer());
        if tx.send(Ok(Bytes::from(encoder.header()))).await.is_err() {
            return;
        }
        loop {
            match source.next(&state.pins, state.store.as_ref()).await {
                Ok(Some(rows)) => {
                    let mut chunk = Vec::with_capacity(rows.len() * 256);
                    encoder.rows(&rows, &mut chunk);
                    if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                        tracing::debug!("export client went away");
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "export failed mid-stream");
                    let _ = tx.send(Err(std::io::Error::other("the export failed; see the server log"))).await;
                    return;
                }
            }
        }
        let _ = tx.send(Ok(Bytes::from(encoder.footer()))).await;
    });
    // Fused: a body wrapper (the gzip layer) may poll once more after the end, which a bare `unfold` forbids.
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    Body::from_stream(futures_util::StreamExt::fuse(chunks))
}

/// A file format, built whole in a temporary file, then streamed from it.
async fn built(state: &AppState, mut source: RowSource, format: ExportFormat) -> Result<Body, ApiError> {
    let temp = tempfile::Builder::new()
        .prefix("qala-export-")
        .suffix(&format!(".{}", format.extension()))
        .tempfile()
        .map_err(ExportError::from)?;
    write_file(&mut source, &state.pins, state.store.as_ref(), format, temp.path(), |_| {}).await?;
    // Open it again, then unlink it: the open handle keeps the data until the body is sent.
    let file = temp.reopen().map_err(ExportError::from)?;
    drop(temp);
    Ok(Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file))))
}

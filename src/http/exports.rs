//! `GET /api/v1/exports/pins.{geojson,geojsonseq,csv,gpkg,fgb}` and `…/areas.{…}`: whole selections for GIS
//! analysts, with the pins listing's filters (`bbox`, `within`, `category`, `status`, `datetime`) and a CQL2
//! `filter`.
//!
//! The text formats are streamed: a task pages through the selection and sends each encoded chunk through
//! a small bounded channel, so memory stays constant and the first bytes leave before the last pin is read;
//! a client that goes away stops the task at its next send. GeoPackage and FlatGeobuf are built in a
//! temporary file (already unlinked while it is sent) and then streamed.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use tokio::sync::mpsc;

use super::ApiError;
use super::extract::{QueryPairs, Segments};
use crate::export::{ExportError, ExportFormat, RowSource, TextEncoder, write_file};
use crate::state::AppState;

/// Chunks in flight between the exporting task and the connection.
const CHANNEL_CHUNKS: usize = 4;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/exports/{file}", get(export))
}

async fn export(
    State(state): State<AppState>,
    Segments(file): Segments<String>,
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
    let source = RowSource::select(&state, what, pairs)?;
    let filename = format!("qala-{what}-{}.{}", Utc::now().format("%Y%m%dT%H%M%SZ"), format.extension());
    let body = match format.text() {
        Some(_) => streamed(state, source, format).await?,
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

/// A text format, encoded by a task as the selection is paged through. For a filter that may cost more
/// than a chunk's budget, the first chunk is read before the answer starts, so that a refusal is still a
/// problem document; otherwise the header goes out at once. A later chunk failing can only cut the stream
/// short (and is logged).
async fn streamed(state: AppState, mut source: RowSource, format: ExportFormat) -> Result<Body, ApiError> {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    let Some(text) = format.text() else { return Ok(Body::empty()) };
    let first = match source.may_exceed_budget() {
        true => Some(source.next(&state.pins, state.store.as_ref()).await.map_err(ApiError::from)?),
        false => None,
    };
    tokio::spawn(async move {
        let mut encoder = TextEncoder::new(text, source.layer());
        if tx.send(Ok(Bytes::from(encoder.header()))).await.is_err() {
            return;
        }
        let mut next = match first {
            Some(first) => Ok(first),
            None => source.next(&state.pins, state.store.as_ref()).await,
        };
        loop {
            match next {
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
            next = source.next(&state.pins, state.store.as_ref()).await;
        }
        let _ = tx.send(Ok(Bytes::from(encoder.footer()))).await;
    });
    // Fused: a body wrapper (the gzip layer) may poll once more after the end, which a bare `unfold` forbids.
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    Ok(Body::from_stream(futures_util::StreamExt::fuse(chunks)))
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

//! Planners manage areas over HTTP: `POST /api/v1/areas/imports` uploads a district set or a historic-centre
//! draft, `POST /api/v1/areas/{id}/activate` makes the version of area `id` current. The same work as
//! `qala areas import|activate` (`cli/areas.rs`), through the same core: the file reader
//! ([`read_any_area_file`]), [`new_version`] and one store transaction that also writes the audit entry.
//!
//! An upload goes: staff credential (401) and role (403), before a byte of the body is read → a declared
//! length over the limit (413) → multipart parts (a refused upload's remaining body is read and dropped, so
//! the client gets the answer),
//! the file streamed to a private temporary directory and counted (413 beyond [`MAX_UPLOAD_BYTES`]) → parts
//! checked (422 naming the part) → the file read and validated off the async threads (422 with the reader's
//! line, nothing written) → the version stored, never current → the area index reloaded → 201 with the
//! version's areas. The temporary directory goes when the request ends, whatever happened.

use std::path::{Path as FsPath, PathBuf};

use axum::Router;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Extension, Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use super::ApiError;
use super::auth::Staff;
use super::collection::FeatureCollection;
use super::extract::{NoQuery, Segments, body_error};
use super::request_id::RequestId;
use super::response::{geojson_response, geojson_text_response};
use crate::domain::{Actor, AreaId, AreaKind, AreaVersion, AuditAction, FieldError, NewAuditEntry, Power};
use crate::ingest::{VersionMeta, new_version};
use crate::spatial::area_feature;
use crate::spatial::import::{ImportOptions, read_any_area_file};
use crate::state::AppState;

/// The largest area file accepted (the limit; Almaty's districts are 1 MB of GeoJSON).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// Room for the multipart framing and the small parts around the file.
const FRAMING_BYTES: usize = 64 * 1024;
/// The longest `kind`, `label`, `crs` or `name_field` (a CRS may come as WKT).
const MAX_TEXT_PART: usize = 16 * 1024;
/// The longest `label`, in characters once trimmed (the API document says so too).
pub(super) const MAX_LABEL_CHARS: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/areas/imports", post(import).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + FRAMING_BYTES)))
        .route("/api/v1/areas/{id}/activate", post(activate))
}

/// The parts of an upload, as sent.
#[derive(Default)]
struct Upload {
    /// The saved file and the name the client gave it.
    file: Option<(PathBuf, String)>,
    kind: Option<String>,
    label: Option<String>,
    crs: Option<String>,
    name_field: Option<String>,
}

/// `POST /api/v1/areas/imports`: multipart `file` (GeoJSON, zipped Shapefile or GeoPackage), `kind`, `label`,
/// optional `crs` and `name_field`.
async fn import(
    State(state): State<AppState>,
    _: NoQuery,
    Extension(request_id): Extension<RequestId>,
    Staff(staff): Staff,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    Staff(staff.clone()).require(Power::ManageAreas, "import areas")?;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES + FRAMING_BYTES) {
        return Err(ApiError::PayloadTooLarge(MAX_UPLOAD_BYTES));
    }
    let mut multipart = multipart.map_err(|e| ApiError::UnsupportedMediaType {
        expected: "multipart/form-data with the parts file, kind and label",
        got: e.body_text(),
    })?;
    let dir = tempfile::tempdir().map_err(|e| ApiError::Internal(e.to_string()))?;
    let upload = match read_parts(&mut multipart, dir.path()).await {
        Ok(upload) => upload,
        Err(e) => {
            drain(&mut multipart).await;
            return Err(e);
        }
    };
    let (kind, label, options, (path, file_name)) = check(upload)?;

    let reader_path = path.clone();
    let read = tokio::task::spawn_blocking(move || {
        let handle = tokio::runtime::Handle::current();
        handle.block_on(read_any_area_file(&reader_path, &options, &mut |_, _| {}))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the area reader stopped: {e}")))?;
    let file = read.map_err(|e| {
        // The reader names its own path; the planner knows the file by the name they uploaded.
        let reason = without_temp_paths(&e.to_string().replace(&path.display().to_string(), &file_name));
        ApiError::Validation(vec![FieldError::parameter("file", format!("{reason}; nothing was imported"))])
    })?;

    let meta = VersionMeta { kind, label: Some(label), source_file: file_name, activate: false };
    let mut version = new_version(file, &meta);
    // Over HTTP nothing becomes current on upload, districts included: a planner looks first, then activates.
    version.activate = false;
    let audit = NewAuditEntry::new(
        Actor::staff(&staff.name, staff.role),
        AuditAction::AreaImport,
        Some(request_id.0.to_string()),
    );
    let (version, areas) = state.store.insert_area_version(&version, &audit).await?;
    reload(&state).await;
    tracing::info!(
        version = version.id,
        kind = kind.as_str(),
        areas = areas.len(),
        role = staff.role.as_str(),
        "areas imported"
    );
    let features: Vec<Value> = areas.iter().map(|a| area_feature(a, true)).collect();
    let body = FeatureCollection::with_capacity(0)
        .member("version", &version_json(&version))
        .feature_values(&features)
        .finish();
    Ok(geojson_text_response(StatusCode::CREATED, body))
}

/// `POST /api/v1/areas/{id}/activate`: the version of area `id` becomes its kind's current one.
async fn activate(
    State(state): State<AppState>,
    _: NoQuery,
    Extension(request_id): Extension<RequestId>,
    Segments(raw_id): Segments<String>,
    Staff(staff): Staff,
) -> Result<Response, ApiError> {
    Staff(staff.clone()).require(Power::ManageAreas, "activate an area version")?;
    let area = raw_id
        .parse::<AreaId>()
        .ok()
        .and_then(|id| state.areas.get(id))
        .ok_or_else(|| ApiError::NotFound(format!("there is no area {raw_id:?}")))?;
    let audit = NewAuditEntry::new(
        Actor::staff(&staff.name, staff.role),
        AuditAction::AreaActivate,
        Some(request_id.0.to_string()),
    );
    let version = state
        .store
        .activate_area_version(area.version.id, &audit)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("the version of area {} has gone", area.id)))?;
    reload(&state).await;
    tracing::info!(
        version = version.id,
        kind = version.kind.as_str(),
        role = staff.role.as_str(),
        "area version activated"
    );
    Ok(geojson_response(StatusCode::OK, &json!({ "version": version_json(&version) }), None))
}

/// The stored change is committed whatever happens here; should the reload fail, the periodic revision
/// check (`server.rs`) reloads the index soon after.
async fn reload(state: &AppState) {
    if let Err(e) = state.reload_areas().await {
        tracing::warn!(error = %e, "the area index could not be reloaded after a change; the next check will");
    }
}

fn version_json(v: &AreaVersion) -> Value {
    json!({
        "id": v.id,
        "kind": v.kind.as_str(),
        "number": v.number,
        "label": v.label,
        "source_file": v.source_file,
        "current": v.current,
        "imported_at": v.created_at,
    })
}

async fn read_parts(multipart: &mut Multipart, dir: &FsPath) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        let slot = match name.as_str() {
            "file" => {
                if upload.file.is_some() {
                    return Err(part_error("file", "send one file per upload"));
                }
                match save_file(&mut field, dir).await {
                    Ok(saved) => upload.file = Some(saved),
                    Err(e) => {
                        while let Ok(Some(_)) = field.chunk().await {}
                        return Err(e);
                    }
                }
                continue;
            }
            "kind" => &mut upload.kind,
            "label" => &mut upload.label,
            "crs" => &mut upload.crs,
            "name_field" => &mut upload.name_field,
            other => {
                return Err(part_error(other, "is not a part of an area upload (file, kind, label, crs, name_field)"));
            }
        };
        if slot.is_some() {
            return Err(part_error(&name, "is sent twice"));
        }
        *slot = Some(text_part(&mut field, &name).await?);
    }
    Ok(upload)
}

/// Reads and drops what is left of a refused upload (bounded by the route's body limit), so that a client
/// still sending, or about to reuse the connection, gets the answer rather than a reset connection.
async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut rest)) = multipart.next_field().await {
        while let Ok(Some(_)) = rest.chunk().await {}
    }
}

/// Streams the file part to `dir`, counting bytes, under a name of our own with the client's extension.
async fn save_file(field: &mut Field<'_>, dir: &FsPath) -> Result<(PathBuf, String), ApiError> {
    let given = field.file_name().unwrap_or_default();
    // Only the last path component of what the client calls it, and not too long: it is shown and stored.
    let file_name: String = given.rsplit(['/', '\\']).next().unwrap_or_default().chars().take(200).collect();
    let extension = match FsPath::new(&file_name).extension().map(|e| e.to_string_lossy().to_lowercase()) {
        Some(e) if matches!(e.as_str(), "geojson" | "json" | "zip" | "gpkg") => e,
        Some(e) if e == "shp" => {
            return Err(part_error("file", "a .shp needs its .shx, .dbf and .prj: upload them zipped together"));
        }
        _ => match field.content_type().unwrap_or_default() {
            "application/geo+json" | "application/json" => "geojson".to_owned(),
            "application/zip" => "zip".to_owned(),
            "application/geopackage+sqlite3" => "gpkg".to_owned(),
            _ => {
                return Err(part_error(
                    "file",
                    "name it .geojson, .json, .zip (a zipped Shapefile) or .gpkg, or send its media type",
                ));
            }
        },
    };
    let path = dir.join(format!("upload.{extension}"));
    let io = |e: std::io::Error| ApiError::Internal(e.to_string());
    let mut out = tokio::fs::File::create(&path).await.map_err(io)?;
    let mut written = 0usize;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        written += chunk.len();
        if written > MAX_UPLOAD_BYTES {
            return Err(ApiError::PayloadTooLarge(MAX_UPLOAD_BYTES));
        }
        out.write_all(&chunk).await.map_err(io)?;
    }
    out.flush().await.map_err(io)?;
    if written == 0 {
        return Err(part_error("file", "is empty"));
    }
    let shown = if file_name.is_empty() { format!("upload.{extension}") } else { file_name };
    Ok((path, shown))
}

async fn text_part(field: &mut Field<'_>, name: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_PART {
            return Err(part_error(name, "is too long"));
        }
    }
    String::from_utf8(bytes).map(|s| s.trim().to_owned()).map_err(|_| part_error(name, "must be UTF-8 text"))
}

/// The parts, checked all at once so one answer names every missing or bad part.
fn check(upload: Upload) -> Result<(AreaKind, String, ImportOptions, (PathBuf, String)), ApiError> {
    let mut errors = Vec::new();
    let kind = match upload.kind.as_deref() {
        None | Some("") => {
            errors.push(FieldError::parameter("kind", "is required: district or historic_centre"));
            None
        }
        Some(k) => k
            .parse::<AreaKind>()
            .map_err(|_| errors.push(FieldError::parameter("kind", "must be district or historic_centre")))
            .ok(),
    };
    let label = match upload.label {
        Some(l) if !l.is_empty() && l.chars().count() <= MAX_LABEL_CHARS => Some(l),
        _ => {
            errors.push(FieldError::parameter("label", format!("is required, 1 to {MAX_LABEL_CHARS} characters")));
            None
        }
    };
    if upload.file.is_none() {
        errors.push(FieldError::parameter("file", "is required: the area file"));
    }
    let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
    let options = ImportOptions { crs: non_empty(upload.crs), name_field: non_empty(upload.name_field) };
    match (kind, label, upload.file) {
        (Some(kind), Some(label), Some(file)) if errors.is_empty() => Ok((kind, label, options, file)),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// `message` with every path under the temporary directory cut to its file name: where the server unpacks
/// an upload is nobody's business, the part's name is the planner's.
fn without_temp_paths(message: &str) -> String {
    let root = std::env::temp_dir().display().to_string();
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(&root) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ':' | ';' | ',' | ')'))
            .unwrap_or(tail.len());
        out.push_str(tail[..end].rsplit('/').next().unwrap_or_default());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn part_error(part: &str, detail: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::parameter(part, detail)])
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(MAX_UPLOAD_BYTES)
    } else if matches!(body_error(&e, MAX_UPLOAD_BYTES), ApiError::BodyTimeout) {
        ApiError::BodyTimeout
    } else {
        ApiError::MalformedMultipart(e.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_paths_are_cut_to_their_file_name() {
        let tmp = std::env::temp_dir().display().to_string();
        let message = format!("cannot read {tmp}/.tmpAbC/export/centre.dbf: no such file; see \"{tmp}/.tmpX/a.prj\"");
        assert_eq!(without_temp_paths(&message), "cannot read centre.dbf: no such file; see \"a.prj\"");
        assert_eq!(without_temp_paths("feature 2 of 2 (\"Bow tie\")"), "feature 2 of 2 (\"Bow tie\")");
    }
}

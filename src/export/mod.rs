//! Exports for GIS analysts: pins and areas as GeoJSON, GeoJSON text sequences, CSV, GeoPackage and
//! FlatGeobuf, used by `GET /api/v1/exports/…` and `qala export`.
//!
//! Every format writes [`layer::Row`]s, built from the public fields only (`layer.rs` lists them): a
//! private contact has no way into any export. Rows come in chunks from a [`RowSource`] (a pin selection
//! paged by id through the index and the store, or a list of areas), so the text formats stream in
//! constant memory and the file formats (GeoPackage, FlatGeobuf) are built in a temporary file first.

mod fgb;
mod gpkg;
pub mod layer;
mod select;
mod source;
mod text;

use std::fmt;
use std::path::Path;

pub use layer::{AREAS, Layer, PINS, Row};
pub use source::RowSource;
pub use text::{TextEncoder, TextFormat, defuse_formula};

use crate::index::PinIndex;
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    GeoJson,
    GeoJsonSeq,
    Csv,
    Gpkg,
    Fgb,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 5] =
        [ExportFormat::GeoJson, ExportFormat::GeoJsonSeq, ExportFormat::Csv, ExportFormat::Gpkg, ExportFormat::Fgb];

    /// The file extension, which also names the format in URLs and on the command line.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "geojson",
            ExportFormat::GeoJsonSeq => "geojsonseq",
            ExportFormat::Csv => "csv",
            ExportFormat::Gpkg => "gpkg",
            ExportFormat::Fgb => "fgb",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::GeoJson => "application/geo+json",
            ExportFormat::GeoJsonSeq => "application/geo+json-seq",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Gpkg => "application/geopackage+sqlite3",
            ExportFormat::Fgb => "application/flatgeobuf",
        }
    }

    /// The text formats, written row by row; `None` for the file formats.
    pub fn text(self) -> Option<TextFormat> {
        match self {
            ExportFormat::GeoJson => Some(TextFormat::GeoJson),
            ExportFormat::GeoJsonSeq => Some(TextFormat::GeoJsonSeq),
            ExportFormat::Csv => Some(TextFormat::Csv),
            ExportFormat::Gpkg | ExportFormat::Fgb => None,
        }
    }

    /// # Errors
    /// The list of formats, when `raw` is none of them.
    pub fn parse(raw: &str) -> Result<ExportFormat, String> {
        Self::ALL.into_iter().find(|f| f.extension() == raw.trim()).ok_or_else(|| {
            format!("{raw:?} is not an export format; use one of {}", Self::ALL.map(Self::extension).join(", "))
        })
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot encode: {0}")]
    Encode(String),
    #[error("cannot write: {0}")]
    Write(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The selection's filter costs more than a chunk may spend; the field names the parameter to narrow.
    #[error("{}", .0.summary())]
    TooMuchWork(crate::domain::FieldError),
}

impl From<crate::selection::SelectionError> for ExportError {
    fn from(e: crate::selection::SelectionError) -> Self {
        match e {
            crate::selection::SelectionError::Store(s) => ExportError::Store(s),
            crate::selection::SelectionError::TooMuchWork(field) => ExportError::TooMuchWork(field),
        }
    }
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Write(e.to_string())
    }
}

/// Writes everything `source` yields to `path` in `format`; `progress` is told how many rows are written so
/// far after each chunk. Returns the number of rows. For GeoPackage the file must not exist yet (or be empty).
///
/// # Errors
/// A store, encoding or file failure; the file is then incomplete.
pub async fn write_file(
    source: &mut RowSource,
    index: &PinIndex,
    store: &dyn Store,
    format: ExportFormat,
    path: &Path,
    mut progress: impl FnMut(u64),
) -> Result<u64, ExportError> {
    let layer = source.layer();
    let mut written = 0_u64;
    match format.text() {
        Some(text) => {
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
            let mut encoder = TextEncoder::new(text, layer);
            out.write_all(&encoder.header())?;
            let mut buf = Vec::new();
            while let Some(rows) = source.next(index, store).await? {
                buf.clear();
                encoder.rows(&rows, &mut buf);
                out.write_all(&buf)?;
                written += rows.len() as u64;
                progress(written);
            }
            out.write_all(&encoder.footer())?;
            out.into_inner().map_err(|e| ExportError::Write(e.to_string()))?.sync_all()?;
        }
        None if format == ExportFormat::Fgb => {
            let mut file = fgb::FgbFile::new(layer)?;
            while let Some(rows) = source.next(index, store).await? {
                file.rows(layer, &rows)?;
                written += rows.len() as u64;
                progress(written);
            }
            let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
            file.finish(&mut out)?;
            out.into_inner().map_err(|e| ExportError::Write(e.to_string()))?.sync_all()?;
        }
        None => {
            let mut file = gpkg::GpkgFile::create(path, layer).await?;
            while let Some(rows) = source.next(index, store).await? {
                file.rows(&rows).await?;
                written += rows.len() as u64;
                progress(written);
            }
            file.finish().await?;
        }
    }
    Ok(written)
}

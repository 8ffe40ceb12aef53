//! FlatGeobuf through the `flatgeobuf` crate. The format puts a header with the feature count and a packed
//! Hilbert R-tree before the features, so the whole file must be known before its first byte: the writer
//! spools features to a temporary file and writes the result at the end (the HTTP layer then streams it).
//! The spatial index is written, so QGIS and GDAL read windows of it without a full scan.

use std::io::Write;

use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::{ColumnValue, PropertyProcessor};

use super::ExportError;
use super::layer::{Cell, ColumnKind, GeometryKind, Layer, Row};

pub struct FgbFile {
    writer: FgbWriter<'static>,
}

impl FgbFile {
    /// # Errors
    /// When the writer cannot be created (its temporary file, for one).
    pub fn new(layer: &'static Layer) -> Result<Self, ExportError> {
        let geometry_type = match layer.geometry {
            GeometryKind::Point => GeometryType::Point,
            GeometryKind::MultiPolygon => GeometryType::MultiPolygon,
        };
        let options = FgbWriterOptions {
            write_index: true,
            crs: FgbCrs { code: 4326, ..Default::default() },
            title: Some(layer.title),
            ..Default::default()
        };
        let mut writer = FgbWriter::create_with_options(layer.name, geometry_type, options).map_err(fgb_error)?;
        writer.add_column("id", ColumnType::Long, |_, c| {
            c.nullable = false;
            c.primary_key = true;
        });
        for (name, kind) in layer.columns {
            let t = match kind {
                ColumnKind::Integer => ColumnType::Long,
                ColumnKind::Real => ColumnType::Double,
                ColumnKind::Text => ColumnType::String,
                ColumnKind::Boolean => ColumnType::Bool,
                ColumnKind::DateTime => ColumnType::DateTime,
            };
            writer.add_column(name, t, |_, _| {});
        }
        Ok(Self { writer })
    }

    /// # Errors
    /// When a feature cannot be encoded or spooled.
    pub fn rows(&mut self, layer: &Layer, rows: &[Row]) -> Result<(), ExportError> {
        for row in rows {
            let mut failed = None;
            self.writer
                .add_feature_geom(row.geometry.clone(), |f| {
                    let mut put = |i: usize, name: &str, value: &ColumnValue| {
                        if let Err(e) = f.property(i, name, value) {
                            failed = Some(e.to_string());
                        }
                    };
                    put(0, "id", &ColumnValue::Long(row.id));
                    for (i, ((name, _), cell)) in layer.columns.iter().zip(&row.cells).enumerate() {
                        let time;
                        let value = match cell {
                            Cell::Integer(n) => ColumnValue::Long(*n),
                            Cell::Real(x) => ColumnValue::Double(*x),
                            Cell::Text(s) => ColumnValue::String(s),
                            Cell::Boolean(b) => ColumnValue::Bool(*b),
                            Cell::DateTime(t) => {
                                time = Cell::time_text(t);
                                ColumnValue::DateTime(&time)
                            }
                            // A property left out is null.
                            Cell::Null => continue,
                        };
                        put(i + 1, name, &value);
                    }
                })
                .map_err(|e| ExportError::Encode(format!("FlatGeobuf feature {}: {e}", row.id)))?;
            if let Some(e) = failed {
                return Err(ExportError::Encode(format!("FlatGeobuf feature {}: {e}", row.id)));
            }
        }
        Ok(())
    }

    /// Writes the whole file to `out`.
    ///
    /// # Errors
    /// When writing fails.
    pub fn finish(self, out: impl Write) -> Result<(), ExportError> {
        self.writer.write(out).map_err(fgb_error)
    }
}

fn fgb_error(e: flatgeobuf::Error) -> ExportError {
    ExportError::Encode(format!("FlatGeobuf: {e}"))
}

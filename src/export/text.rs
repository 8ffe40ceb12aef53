//! The streamed formats: GeoJSON (RFC 7946 FeatureCollection), GeoJSON text sequences (RFC 8142: each
//! feature after an ASCII record separator, ended by a newline) and CSV (RFC 4180, a header, `lon`/`lat`
//! for points and a `wkt` column for every geometry, times in RFC 3339).
//!
//! Each encoder turns rows into bytes as they come, holding nothing between chunks, so an export of a
//! million pins streams in constant memory.

use geozero::ToWkt;
use serde_json::{Map, Value, json};

use super::layer::{Cell, GeometryKind, Layer, Row};

/// The formats written row by row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    GeoJson,
    GeoJsonSeq,
    Csv,
}

/// Encodes one layer in one text format; call `header`, then `rows` for each chunk, then `footer`.
pub struct TextEncoder {
    format: TextFormat,
    layer: &'static Layer,
    first: bool,
}

impl TextEncoder {
    pub fn new(format: TextFormat, layer: &'static Layer) -> Self {
        Self { format, layer, first: true }
    }

    pub fn header(&self) -> Vec<u8> {
        match self.format {
            TextFormat::GeoJson => {
                format!(r#"{{"type":"FeatureCollection","name":{},"features":["#, Value::String(self.layer.name.into()))
                    .into_bytes()
            }
            TextFormat::GeoJsonSeq => Vec::new(),
            TextFormat::Csv => {
                let mut names: Vec<&str> = vec!["id"];
                if self.layer.geometry == GeometryKind::Point {
                    names.extend(["lon", "lat"]);
                }
                names.push("wkt");
                names.extend(self.layer.columns.iter().map(|(n, _)| *n));
                csv_line(names.iter().map(|s| (*s).to_owned()))
            }
        }
    }

    /// Appends the encoding of `rows` to `out`.
    pub fn rows(&mut self, rows: &[Row], out: &mut Vec<u8>) {
        for row in rows {
            match self.format {
                TextFormat::GeoJson => {
                    if !self.first {
                        out.push(b',');
                    }
                    out.extend_from_slice(self.feature(row).to_string().as_bytes());
                }
                TextFormat::GeoJsonSeq => {
                    out.push(0x1e);
                    out.extend_from_slice(self.feature(row).to_string().as_bytes());
                    out.push(b'\n');
                }
                TextFormat::Csv => out.extend_from_slice(&self.csv_row(row)),
            }
            self.first = false;
        }
    }

    pub fn footer(&self) -> Vec<u8> {
        match self.format {
            TextFormat::GeoJson => b"]}\n".to_vec(),
            TextFormat::GeoJsonSeq | TextFormat::Csv => Vec::new(),
        }
    }

    fn feature(&self, row: &Row) -> Value {
        let mut properties = Map::new();
        for ((name, _), cell) in self.layer.columns.iter().zip(&row.cells) {
            properties.insert((*name).to_owned(), json_cell(cell));
        }
        let geometry = geojson::Geometry::new(geojson::GeometryValue::from(&row.geometry));
        json!({
            "type": "Feature",
            "id": row.id,
            "geometry": serde_json::to_value(geometry).unwrap_or(Value::Null),
            "properties": properties,
        })
    }

    fn csv_row(&self, row: &Row) -> Vec<u8> {
        let mut fields = vec![row.id.to_string()];
        if let geo::Geometry::Point(p) = &row.geometry {
            fields.extend([p.x().to_string(), p.y().to_string()]);
        }
        fields.push(row.geometry.to_wkt().unwrap_or_default());
        fields.extend(row.cells.iter().map(|cell| match cell {
            Cell::Text(s) => defuse_formula(s).into_owned(),
            other => text_cell(other),
        }));
        csv_line(fields.into_iter())
    }
}

fn json_cell(cell: &Cell) -> Value {
    match cell {
        Cell::Integer(n) => json!(n),
        Cell::Real(x) => json!(x),
        Cell::Text(s) => json!(s),
        Cell::Boolean(b) => json!(b),
        Cell::DateTime(t) => json!(Cell::time_text(t)),
        Cell::Null => Value::Null,
    }
}

fn text_cell(cell: &Cell) -> String {
    match cell {
        Cell::Integer(n) => n.to_string(),
        Cell::Real(x) => x.to_string(),
        Cell::Text(s) => s.clone(),
        Cell::Boolean(b) => b.to_string(),
        Cell::DateTime(t) => Cell::time_text(t),
        Cell::Null => String::new(),
    }
}

/// A text cell a spreadsheet will not run: OWASP's rule for CSV injection prefixes a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return with `'`, so `=HYPERLINK(…)` in a citizen's description
/// shows as text in a planner's spreadsheet instead of becoming a link or a formula. Numbers are not text
/// cells and keep their sign.
pub fn defuse_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}").into() } else { cell.into() }
}

/// One CSV record, quoted where RFC 4180 needs it, ended by CRLF.
fn csv_line(fields: impl Iterator<Item = String>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    // Writing to memory cannot fail; an error would leave the line empty rather than panic.
    let _ = writer.write_record(fields.collect::<Vec<_>>());
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::layer::PINS;
    use super::*;
    use chrono::{TimeZone, Utc};

    fn row() -> Row {
        let t = Utc.with_ymd_and_hms(2025, 5, 1, 10, 0, 0).single().unwrap_or_default();
        Row {
            id: 7,
            geometry: geo::Geometry::Point(geo::Point::new(76.9458, 43.238)),
            cells: vec![
                Cell::Text("pram".into()),
                Cell::Text("new".into()),
                Cell::Text("point".into()),
                Cell::Text("Бордюр, \"высокий\"\nи крутой".into()),
                Cell::DateTime(t),
                Cell::DateTime(t),
            ],
        }
    }

    fn encode(format: TextFormat) -> String {
        let mut enc = TextEncoder::new(format, &PINS);
        let mut out = enc.header();
        enc.rows(&[row(), row()], &mut out);
        out.extend(enc.footer());
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn geojson_is_one_valid_collection() {
        let v: Value = serde_json::from_str(&encode(TextFormat::GeoJson)).unwrap_or_default();
        assert_eq!(v["features"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["features"][0]["geometry"]["coordinates"], json!([76.9458, 43.238]));
        assert_eq!(v["features"][0]["properties"]["created_at"], "2025-05-01T10:00:00.000000Z");
    }

    #[test]
    fn sequences_separate_records() {
        let s = encode(TextFormat::GeoJsonSeq);
        let records: Vec<&str> = s.split('\u{1e}').filter(|r| !r.is_empty()).collect();
        assert_eq!(records.len(), 2);
        assert!(records.iter().all(|r| r.ends_with('\n') && serde_json::from_str::<Value>(r).is_ok()));
    }

    #[test]
    fn csv_quotes_and_has_wkt() {
        let s = encode(TextFormat::Csv);
        let mut reader = csv::Reader::from_reader(s.as_bytes());
        let header: Vec<String> = reader.headers().map(|h| h.iter().map(str::to_owned).collect()).unwrap_or_default();
        assert_eq!(
            header,
            [
                "id",
                "lon",
                "lat",
                "wkt",
                "category",
                "status",
                "location_precision",
                "description",
                "created_at",
                "updated_at"
            ]
        );
        let records: Vec<csv::StringRecord> = reader.records().flatten().collect();
        assert_eq!(records.len(), 2);
        assert_eq!(&records[0][3], "POINT(76.9458 43.238)");
        assert_eq!(&records[0][6], "point");
        assert_eq!(&records[0][7], "Бордюр, \"высокий\"\nи крутой");
    }

    #[test]
    fn csv_text_cells_cannot_become_formulas() {
        let mut r = row();
        let mut enc = TextEncoder::new(TextFormat::Csv, &PINS);
        let mut out = Vec::new();
        for text in ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "ok = fine"] {
            r.cells[3] = Cell::Text(text.into());
            enc.rows(std::slice::from_ref(&r), &mut out);
        }
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(out.as_slice());
        let cells: Vec<String> = reader.records().flatten().map(|r| r[7].to_owned()).collect();
        assert_eq!(
            cells,
            ["'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "ok = fine"]
        );
        // The coordinates are numbers, not text: a negative longitude keeps its sign.
        assert!(!String::from_utf8_lossy(&out).contains("'7"));
    }
}

//! What every export format writes: a layer of rows, each an id, a geometry and typed values in the layer's
//! column order. Pins and areas become rows here, so each format is written once for both, and a private
//! field cannot reach any format: a column exists only if it is listed below.

use chrono::{DateTime, SecondsFormat, Utc};
use geo::{Geometry, Point};

use crate::domain::{Area, Pin};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Integer,
    Real,
    Text,
    Boolean,
    DateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    Point,
    MultiPolygon,
}

/// A layer's name, geometry type and columns (besides id and geometry).
pub struct Layer {
    pub name: &'static str,
    pub title: &'static str,
    pub geometry: GeometryKind,
    pub columns: &'static [(&'static str, ColumnKind)],
}

/// Pins: the public fields, exactly those the API serves.
pub const PINS: Layer = Layer {
    name: "pins",
    title: "Accessibility problems reported by citizens of Almaty (public fields)",
    geometry: GeometryKind::Point,
    columns: &[
        ("category", ColumnKind::Text),
        ("status", ColumnKind::Text),
        ("location_precision", ColumnKind::Text),
        ("description", ColumnKind::Text),
        ("created_at", ColumnKind::DateTime),
        ("updated_at", ColumnKind::DateTime),
    ],
};

/// Areas: districts and historic-centre versions.
pub const AREAS: Layer = Layer {
    name: "areas",
    title: "Districts of Almaty and versions of the historic-centre outline",
    geometry: GeometryKind::MultiPolygon,
    columns: &[
        ("kind", ColumnKind::Text),
        ("name_kk", ColumnKind::Text),
        ("name_ru", ColumnKind::Text),
        ("name_en", ColumnKind::Text),
        ("label", ColumnKind::Text),
        ("version", ColumnKind::Integer),
        ("version_label", ColumnKind::Text),
        ("current", ColumnKind::Boolean),
        ("area_km2", ColumnKind::Real),
    ],
};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Integer(i64),
    Real(f64),
    Text(String),
    Boolean(bool),
    DateTime(DateTime<Utc>),
    Null,
}

impl Cell {
    /// RFC 3339 with microseconds and `Z`, as the API writes times.
    pub fn time_text(t: &DateTime<Utc>) -> String {
        t.to_rfc3339_opts(SecondsFormat::Micros, true)
    }
}

/// One feature of a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: i64,
    pub geometry: Geometry<f64>,
    /// In the layer's column order.
    pub cells: Vec<Cell>,
}

impl From<&Pin> for Row {
    fn from(p: &Pin) -> Self {
        Row {
            id: p.id,
            geometry: Geometry::Point(Point::new(p.lon, p.lat)),
            cells: vec![
                Cell::Text(p.category.as_str().into()),
                Cell::Text(p.status.as_str().into()),
                Cell::Text(p.precision.as_str().into()),
                Cell::Text(p.description.clone()),
                Cell::DateTime(p.created_at),
                Cell::DateTime(p.updated_at),
            ],
        }
    }
}

impl From<&Area> for Row {
    fn from(a: &Area) -> Self {
        let text = |s: &Option<String>| s.clone().map_or(Cell::Null, Cell::Text);
        Row {
            id: a.id,
            geometry: Geometry::MultiPolygon(a.geometry.clone()),
            cells: vec![
                Cell::Text(a.version.kind.as_str().into()),
                text(&a.names.kk),
                text(&a.names.ru),
                text(&a.names.en),
                Cell::Text(a.label.clone()),
                Cell::Integer(i64::from(a.version.number)),
                Cell::Text(a.version.label.clone()),
                Cell::Boolean(a.version.current),
                Cell::Real(a.area_km2),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_have_one_cell_per_column() {
        let pin = Pin {
            visibility: Default::default(),
            id: 1,
            lon: 76.9,
            lat: 43.2,
            precision: crate::domain::LocationPrecision::District,
            category: crate::domain::Category::Pram,
            status: crate::domain::Status::New,
            description: "x".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            duplicate_of: None,
        };
        assert_eq!(Row::from(&pin).cells.len(), PINS.columns.len());
    }
}

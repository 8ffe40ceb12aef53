//! Areas: districts and drafts of the historic centre, each belonging to a numbered version of its kind.
//!
//! A version is one import of one file. Each kind has at most one *current* version: districts switch to the
//! newest import; historic-centre drafts switch only when a planner activates one (or when it is the first).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use geo::MultiPolygon;

use super::UnknownValue;

pub type AreaId = i64;
pub type VersionId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AreaKind {
    District,
    HistoricCentre,
}

impl AreaKind {
    pub const ALL: [AreaKind; 2] = [AreaKind::District, AreaKind::HistoricCentre];

    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::District => "district",
            AreaKind::HistoricCentre => "historic_centre",
        }
    }
}

impl fmt::Display for AreaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AreaKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownValue(format!("{s:?} is not an area kind; use district or historic_centre")))
    }
}

/// Names in the city's three languages; any may be missing in a source file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaNames {
    pub kk: Option<String>,
    pub ru: Option<String>,
    pub en: Option<String>,
}

/// One import of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaVersion {
    pub id: VersionId,
    pub kind: AreaKind,
    /// 1, 2, 3… per kind, in import order.
    pub number: i32,
    pub label: String,
    pub source_file: String,
    pub created_at: DateTime<Utc>,
    pub current: bool,
}

/// A stored area with its geometry (EPSG:4326).
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub id: AreaId,
    pub version: AreaVersion,
    pub names: AreaNames,
    pub label: String,
    pub area_km2: f64,
    pub geometry: MultiPolygon<f64>,
}

/// An area ready to be stored: validated, in EPSG:4326, its geodesic area computed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArea {
    pub names: AreaNames,
    pub label: String,
    pub area_km2: f64,
    pub geometry: MultiPolygon<f64>,
}

/// Everything one import writes, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAreaVersion {
    pub kind: AreaKind,
    pub label: String,
    pub source_file: String,
    /// Make this version the current one of its kind.
    pub activate: bool,
    pub areas: Vec<NewArea>,
}

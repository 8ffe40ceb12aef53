//! Which collections exist and what each holds: `pins` (public fields only), `districts` and
//! `historic_centre` (the current version of each kind), and `historic_centre_v{N}` for every version of the
//! historic-centre outline, so a planner's draft can be opened in QGIS beside the adopted one.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::vocabulary::{ROOT, media, rel};
use crate::domain::{Area, AreaKind};
use crate::http::response::titled_link;
use crate::spatial::Crs;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionId {
    Pins,
    Districts,
    HistoricCentre,
    /// A version of the historic-centre outline, by its number (1, 2, …).
    HistoricCentreVersion(i32),
}

const VERSION_PREFIX: &str = "historic_centre_v";

impl CollectionId {
    pub fn parse(raw: &str) -> Option<CollectionId> {
        match raw {
            "pins" => Some(CollectionId::Pins),
            "districts" => Some(CollectionId::Districts),
            "historic_centre" => Some(CollectionId::HistoricCentre),
            _ => raw
                .strip_prefix(VERSION_PREFIX)
                .and_then(|n| n.parse::<i32>().ok())
                .filter(|n| *n > 0)
                .map(CollectionId::HistoricCentreVersion),
        }
    }

    pub fn name(self) -> String {
        match self {
            CollectionId::Pins => "pins".into(),
            CollectionId::Districts => "districts".into(),
            CollectionId::HistoricCentre => "historic_centre".into(),
            CollectionId::HistoricCentreVersion(n) => format!("{VERSION_PREFIX}{n}"),
        }
    }
}

/// Every collection, in the order the collections document lists them.
pub fn all(state: &AppState) -> Vec<CollectionId> {
    let mut ids = vec![CollectionId::Pins, CollectionId::Districts, CollectionId::HistoricCentre];
    let mut versions: Vec<i32> =
        state.areas.list(Some(AreaKind::HistoricCentre), false).iter().map(|a| a.version.number).collect();
    versions.sort_unstable();
    versions.dedup();
    ids.extend(versions.into_iter().map(CollectionId::HistoricCentreVersion));
    ids
}

/// Whether the collection exists now (a version collection exists while its version does).
pub fn exists(state: &AppState, id: CollectionId) -> bool {
    match id {
        CollectionId::HistoricCentreVersion(_) => !areas_of(state, id).is_empty(),
        _ => true,
    }
}

/// The areas an area collection serves, in id order; empty for `pins`.
pub fn areas_of(state: &AppState, id: CollectionId) -> Vec<Arc<Area>> {
    match id {
        CollectionId::Pins => Vec::new(),
        CollectionId::Districts => state.areas.list(Some(AreaKind::District), true),
        CollectionId::HistoricCentre => state.areas.list(Some(AreaKind::HistoricCentre), true),
        CollectionId::HistoricCentreVersion(n) => state
            .areas
            .list(Some(AreaKind::HistoricCentre), false)
            .into_iter()
            .filter(|a| a.version.number == n)
            .collect(),
    }
}

/// The collection's metadata document (`/collections/{id}` and an entry of `/collections`).
pub fn describe(state: &AppState, base: &str, id: CollectionId) -> Value {
    let name = id.name();
    let href = format!("{base}{ROOT}/collections/{name}");
    let (title, description, bbox, interval) = match id {
        CollectionId::Pins => {
            let extent = state.pins.extent();
            let time = |us: i64| {
                DateTime::<Utc>::from_timestamp_micros(us).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            };
            (
                "Accessibility problems reported by citizens".to_owned(),
                "Pins: a problem (pram, wheelchair, bicycle, limited mobility, low vision, other) at a point in \
                 Almaty, with its description, status and report time. Contacts are private and never served."
                    .to_owned(),
                extent.map(|e| e.0),
                extent.map(|(_, first, last)| [time(first), time(last)]),
            )
        }
        _ => {
            let areas = areas_of(state, id);
            let label = areas.first().map(|a| a.version.label.clone()).unwrap_or_default();
            let title = match id {
                CollectionId::Districts => "Districts of Almaty (current version)".to_owned(),
                CollectionId::HistoricCentre => format!("Historic centre, current version: {label}"),
                _ => format!("Historic centre, version {}: {label}", id.name().trim_start_matches(VERSION_PREFIX)),
            };
            let description = areas
                .first()
                .map(|a| format!("Imported from {} on {}.", a.version.source_file, a.version.created_at.date_naive()))
                .unwrap_or_else(|| "No version is loaded yet.".to_owned());
            (title, description, areas_bbox(&areas), None)
        }
    };
    let mut extent = json!({
        "spatial": { "bbox": [bbox.unwrap_or([76.7, 43.0, 77.2, 43.45])], "crs": Crs::Crs84.uri() }
    });
    if let Some([first, last]) = interval {
        extent["temporal"] = json!({
            "interval": [[first, last]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
        });
    }
    let mut links = vec![
        titled_link(rel::SELF, media::JSON, format!("{href}?f=json"), "this document"),
        titled_link(rel::ALTERNATE, media::HTML, format!("{href}?f=html"), "as HTML"),
        titled_link(rel::ITEMS, media::GEOJSON, format!("{href}/items?f=json"), "items"),
        titled_link(rel::ITEMS, media::HTML, format!("{href}/items?f=html"), "items as HTML"),
    ];
    if id == CollectionId::Pins {
        let queryables = format!("{href}/queryables");
        links.push(titled_link(rel::QUERYABLES, media::SCHEMA_JSON, queryables, "the properties a filter may use"));
    }
    json!({
        "id": name,
        "title": title,
        "description": description,
        "itemType": "feature",
        "extent": extent,
        "crs": Crs::ALL.map(Crs::uri),
        "storageCrs": Crs::Crs84.uri(),
        "links": links,
    })
}

fn areas_bbox(areas: &[Arc<Area>]) -> Option<[f64; 4]> {
    use geo::BoundingRect;
    areas.iter().filter_map(|a| a.geometry.bounding_rect()).fold(None, |acc, r| {
        let b = [r.min().x, r.min().y, r.max().x, r.max().y];
        Some(match acc {
            None => b,
            Some(a) => [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])],
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for id in [
            CollectionId::Pins,
            CollectionId::Districts,
            CollectionId::HistoricCentre,
            CollectionId::HistoricCentreVersion(3),
        ] {
            assert_eq!(CollectionId::parse(&id.name()), Some(id));
        }
        for bad in ["", "pin", "historic_centre_v0", "historic_centre_vx", "historic_centre_v-1"] {
            assert_eq!(CollectionId::parse(bad), None, "{bad}");
        }
    }
}

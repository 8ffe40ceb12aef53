//! Importing area files into the store, shared by `qala areas import` and the first start of an empty store.
//!
//! File → validated polygons in EPSG:4326 ([`crate::spatial::import`]) → geodesic areas → one new version in
//! one transaction ([`crate::store::Store::insert_area_version`]). A file that fails validation writes nothing.

use std::path::Path;

use crate::domain::{Actor, AreaKind, AreaNames, AreaVersion, AuditAction, NewArea, NewAreaVersion, NewAuditEntry};
use crate::spatial::import::{ImportOptions, ImportedFile, read_area_geojson};
use crate::spatial::measure::area_km2;
use crate::store::{Store, StoreError};

/// The eight districts of Almaty (OpenStreetMap, ODbL), compiled in so a fresh store is useful at once.
pub const ALMATY_DISTRICTS: &str = include_str!("../data/almaty_districts.geojson");
/// An illustrative historic-centre outline (not official; see `data/SOURCES.md` and the README).
pub const ILLUSTRATIVE_HISTORIC_CENTRE: &str = include_str!("../data/historic_centre_illustrative.geojson");

/// What to call a new version and whether to make it current.
#[derive(Debug, Clone)]
pub struct VersionMeta {
    pub kind: AreaKind,
    /// The version's label; by default the source file's name.
    pub label: Option<String>,
    pub source_file: String,
    /// Make it current even if its kind already has a current version (districts always are).
    pub activate: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Import(#[from] crate::spatial::import::ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Turns a validated file into a new version: names kept, geodesic km² computed.
pub fn new_version(file: ImportedFile, meta: &VersionMeta) -> NewAreaVersion {
    let version_label = meta.label.clone().unwrap_or_else(|| {
        Path::new(&meta.source_file).file_name().map_or(meta.source_file.clone(), |n| n.to_string_lossy().into_owned())
    });
    let areas = file
        .areas
        .into_iter()
        .map(|a| NewArea {
            area_km2: area_km2(&a.geometry),
            label: match (meta.kind, &meta.label) {
                (AreaKind::HistoricCentre, Some(label)) => label.clone(),
                _ => a.name.clone(),
            },
            names: AreaNames { kk: a.name_kk, ru: a.name_ru, en: a.name_en },
            geometry: a.geometry,
        })
        .collect();
    NewAreaVersion {
        kind: meta.kind,
        label: version_label,
        source_file: meta.source_file.clone(),
        activate: meta.activate || meta.kind == AreaKind::District,
        areas,
    }
}

/// On a store with no areas of a kind, loads the shipped file for it. Returns the versions it created.
///
/// # Errors
/// When the store fails (the shipped files are valid: a test proves it).
pub async fn seed_shipped_areas(store: &dyn Store) -> Result<Vec<AreaVersion>, IngestError> {
    let existing = store.area_versions().await?;
    let shipped = [
        (AreaKind::District, ALMATY_DISTRICTS, "data/almaty_districts.geojson", "OpenStreetMap districts (May 2026)"),
        (
            AreaKind::HistoricCentre,
            ILLUSTRATIVE_HISTORIC_CENTRE,
            "data/historic_centre_illustrative.geojson",
            "Illustrative outline — not official",
        ),
    ];
    let mut created = Vec::new();
    for (kind, text, source, label) in shipped {
        if existing.iter().any(|v| v.kind == kind) {
            continue;
        }
        let file = read_area_geojson(text, &ImportOptions::default(), &mut |_, _| {})?;
        let meta = VersionMeta { kind, label: Some(label.to_owned()), source_file: source.to_owned(), activate: true };
        let audit = NewAuditEntry::new(Actor::command_line(), AuditAction::AreaImport, None);
        let (version, _) = store.insert_area_version(&new_version(file, &meta), &audit).await?;
        tracing::info!(kind = %kind, version = version.number, "loaded the shipped {kind} areas into an empty store");
        created.push(version);
    }
    Ok(created)
}

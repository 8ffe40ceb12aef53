//! `qala store copy --from SRC --to DST`: a deployment that outgrows the laptop moves to PostGIS (or a
//! PostGIS database is taken to a workshop as a file) without losing anything: ids, times, statuses, private
//! contacts, every area version and which one is current.

use std::path::Path;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

use super::CliError;
use crate::domain::PinId;
use crate::store::Store;
use crate::store::gpkg::GpkgStore;
use crate::store::postgis::PostgisStore;

const BATCH: usize = 2000;

pub async fn copy(from: &str, to: &str) -> Result<(), CliError> {
    let source = open(from, false).await?;
    let target = open(to, true).await?;
    if !target.is_empty().await? {
        return Err(CliError::Usage(format!("{to} already holds pins or areas; copy into an empty store")));
    }
    let versions = source.area_versions().await?;
    let areas = source.areas().await?;
    for version in &versions {
        let of_version: Vec<_> = areas.iter().filter(|a| a.version.id == version.id).cloned().collect();
        target.import_area_version(version, &of_version).await?;
    }
    let total = source.pin_locations().await?.len();
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template("copying pins [{bar:40}] {pos}/{len} ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut after: PinId = 0;
    let mut copied = 0;
    // A duplicate may repeat a pin with a larger id, which a later batch brings: such pins wait and go in
    // together at the end, when every pin they can point at is there.
    let mut waiting = Vec::new();
    loop {
        let batch = source.export_pins(after, BATCH).await?;
        let Some((last, _)) = batch.last() else { break };
        after = last.id;
        let (ahead, ready): (Vec<_>, Vec<_>) =
            batch.into_iter().partition(|(pin, _)| pin.duplicate_of.is_some_and(|original| original > pin.id));
        target.import_pins(&ready).await?;
        copied += ready.len();
        waiting.extend(ahead);
        bar.set_position(copied as u64);
    }
    if !waiting.is_empty() {
        target.import_pins(&waiting).await?;
    }
    bar.finish_and_clear();
    let copied_areas = target.areas().await?.len();
    let copied_pins = target.pin_locations().await?.len();
    if copied_pins != total || copied_areas != areas.len() {
        return Err(CliError::Usage(format!(
            "the copy is incomplete: {copied_pins} of {total} pins, {copied_areas} of {} areas",
            areas.len()
        )));
    }
    println!("copied {total} pins, {} area versions and {} areas from {from} to {to}", versions.len(), areas.len());
    Ok(())
}

async fn open(location: &str, create: bool) -> Result<Arc<dyn Store>, CliError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Ok(Arc::new(PostgisStore::connect(location, 4).await?));
    }
    let path = Path::new(location);
    if !create && !path.exists() {
        return Err(CliError::Usage(format!("{location}: no such GeoPackage")));
    }
    Ok(Arc::new(GpkgStore::open(path).await?))
}

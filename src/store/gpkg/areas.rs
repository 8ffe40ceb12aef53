//! Areas and versions in the GeoPackage `areas` feature table and `area_versions` attribute table.
//!
//! Unlike PostGIS there is no table lock: the store writes through one connection and SQLite lets one
//! transaction write at a time, so imports and activations take turns; `UNIQUE (kind, number)` and the
//! one-current index stand behind that. Rows are positional tuples, each alias naming its columns.

use sqlx::sqlite::SqlitePool;
use sqlx::{Sqlite, Transaction};

use super::{format_time, now, parse_time};
use crate::domain::{Area, AreaNames, AreaVersion, NewAreaVersion, NewAuditEntry, VersionId};
use crate::spatial::gpkg_blob::{gpkg_to_multipolygon, multipolygon_to_gpkg};
use crate::store::{StoreError, area_kind, stored_area, version_audit};

/// `id, kind, number, label, source_file, created_at, current`, as every version statement returns them.
type VersionRow = (i64, String, i32, String, String, String, bool);

fn version(r: VersionRow) -> Result<AreaVersion, StoreError> {
    Ok(AreaVersion {
        id: r.0,
        kind: area_kind(&r.1)?,
        number: r.2,
        label: r.3,
        source_file: r.4,
        created_at: parse_time(&r.5)?,
        current: r.6,
    })
}

pub(super) async fn insert_version(
    writer: &SqlitePool,
    new: &NewAreaVersion,
    audit: &NewAuditEntry,
) -> Result<(AreaVersion, Vec<Area>), StoreError> {
    let mut tx = writer.begin().await?;
    let (number, has_current): (i32, bool) =
        sqlx::query_as(include_str!("sql/next_version_number.sql")).bind(new.kind.as_str()).fetch_one(&mut *tx).await?;
    let current = new.activate || !has_current;
    if current {
        clear_current(&mut tx, new.kind.as_str()).await?;
    }
    let row: VersionRow = sqlx::query_as(include_str!("sql/insert_version.sql"))
        .bind(new.kind.as_str())
        .bind(number)
        .bind(&new.label)
        .bind(&new.source_file)
        .bind(format_time(now()))
        .bind(current)
        .fetch_one(&mut *tx)
        .await?;
    let version = version(row)?;
    let mut areas = Vec::with_capacity(new.areas.len());
    for area in &new.areas {
        let blob = multipolygon_to_gpkg(&area.geometry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(include_str!("sql/insert_area.sql"))
            .bind(version.id)
            .bind(&area.names.kk)
            .bind(&area.names.ru)
            .bind(&area.names.en)
            .bind(&area.label)
            .bind(area.area_km2)
            .bind(blob)
            .fetch_one(&mut *tx)
            .await?;
        areas.push(stored_area(id, &version, area));
    }
    super::staff::insert_audit(&mut tx, &version_audit(audit, &version, Some(areas.len()))).await?;
    tx.commit().await?;
    Ok((version, areas))
}

async fn clear_current(tx: &mut Transaction<'_, Sqlite>, kind: &str) -> Result<(), StoreError> {
    sqlx::query(include_str!("sql/clear_current_version.sql")).bind(kind).execute(&mut **tx).await?;
    Ok(())
}

pub(super) async fn activate(
    writer: &SqlitePool,
    id: VersionId,
    audit: &NewAuditEntry,
) -> Result<Option<AreaVersion>, StoreError> {
    let mut tx = writer.begin().await?;
    let kind: Option<String> =
        sqlx::query_scalar(include_str!("sql/version_kind.sql")).bind(id).fetch_optional(&mut *tx).await?;
    let Some(kind) = kind else { return Ok(None) };
    clear_current(&mut tx, &kind).await?;
    let row: VersionRow = sqlx::query_as(include_str!("sql/activate_version.sql")).bind(id).fetch_one(&mut *tx).await?;
    let version = version(row)?;
    super::staff::insert_audit(&mut tx, &version_audit(audit, &version, None)).await?;
    tx.commit().await?;
    Ok(Some(version))
}

pub(super) async fn versions(readers: &SqlitePool) -> Result<Vec<AreaVersion>, StoreError> {
    let rows: Vec<VersionRow> = sqlx::query_as(include_str!("sql/area_versions.sql")).fetch_all(readers).await?;
    rows.into_iter().map(version).collect()
}

type AreaRow = (i64, Vec<u8>, Option<String>, Option<String>, Option<String>, String, f64, i64);

pub(super) async fn all(readers: &SqlitePool) -> Result<Vec<Area>, StoreError> {
    let versions = versions(readers).await?;
    let rows: Vec<AreaRow> = sqlx::query_as(include_str!("sql/areas.sql")).fetch_all(readers).await?;
    rows.into_iter()
        .map(|(id, geom, kk, ru, en, label, area_km2, version_id)| {
            let version = versions
                .iter()
                .find(|v| v.id == version_id)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt(format!("area {id} has no version {version_id}")))?;
            Ok(Area {
                id,
                version,
                names: AreaNames { kk, ru, en },
                label,
                area_km2,
                geometry: gpkg_to_multipolygon(&geom).map_err(|e| StoreError::Corrupt(format!("area {id}: {e}")))?,
            })
        })
        .collect()
}

pub(super) async fn revision(readers: &SqlitePool) -> Result<String, StoreError> {
    Ok(sqlx::query_scalar(include_str!("sql/areas_revision.sql")).fetch_one(readers).await?)
}

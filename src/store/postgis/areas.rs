//! Areas and their versions in PostGIS. Geometry crosses the wire as WKB, so it comes back bit for bit.
//!
//! Importing and activating both lock `area_versions` first (`sql/lock_area_versions.sql`): another process
//! (`qala areas import` beside a running service) may write versions too, and the next version number and
//! the single current version of a kind must not race between them.

use sqlx::{PgPool, Postgres, Transaction};

use super::rows::{AreaRow, VersionRow};
use crate::domain::{Area, AreaVersion, NewAreaVersion, NewAuditEntry, VersionId};
use crate::spatial::wkb_codec::multipolygon_to_wkb;
use crate::store::{StoreError, stored_area, version_audit};

pub(super) async fn insert_version(
    pool: &PgPool,
    new: &NewAreaVersion,
    audit: &NewAuditEntry,
) -> Result<(AreaVersion, Vec<Area>), StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query(include_str!("sql/lock_area_versions.sql")).execute(&mut *tx).await?;
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
        .bind(current)
        .fetch_one(&mut *tx)
        .await?;
    let version = AreaVersion::try_from(row)?;
    let mut areas = Vec::with_capacity(new.areas.len());
    for area in &new.areas {
        let wkb = multipolygon_to_wkb(&area.geometry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(include_str!("sql/insert_area.sql"))
            .bind(version.id)
            .bind(&area.names.kk)
            .bind(&area.names.ru)
            .bind(&area.names.en)
            .bind(&area.label)
            .bind(area.area_km2)
            .bind(wkb)
            .fetch_one(&mut *tx)
            .await?;
        areas.push(stored_area(id, &version, area));
    }
    super::staff::insert_audit(&mut tx, &version_audit(audit, &version, Some(areas.len()))).await?;
    tx.commit().await?;
    Ok((version, areas))
}

pub(super) async fn activate(
    pool: &PgPool,
    id: VersionId,
    audit: &NewAuditEntry,
) -> Result<Option<AreaVersion>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query(include_str!("sql/lock_area_versions.sql")).execute(&mut *tx).await?;
    let kind: Option<String> =
        sqlx::query_scalar(include_str!("sql/version_kind.sql")).bind(id).fetch_optional(&mut *tx).await?;
    let Some(kind) = kind else { return Ok(None) };
    clear_current(&mut tx, &kind).await?;
    let row: VersionRow = sqlx::query_as(include_str!("sql/activate_version.sql")).bind(id).fetch_one(&mut *tx).await?;
    let version = AreaVersion::try_from(row)?;
    super::staff::insert_audit(&mut tx, &version_audit(audit, &version, None)).await?;
    tx.commit().await?;
    Ok(Some(version))
}

async fn clear_current(tx: &mut Transaction<'_, Postgres>, kind: &str) -> Result<(), StoreError> {
    sqlx::query(include_str!("sql/clear_current_version.sql")).bind(kind).execute(&mut **tx).await?;
    Ok(())
}

pub(super) async fn all(pool: &PgPool) -> Result<Vec<Area>, StoreError> {
    let rows: Vec<AreaRow> = sqlx::query_as(include_str!("sql/areas.sql")).fetch_all(pool).await?;
    rows.into_iter().map(Area::try_from).collect()
}

pub(super) async fn versions(pool: &PgPool) -> Result<Vec<AreaVersion>, StoreError> {
    let rows: Vec<VersionRow> = sqlx::query_as(include_str!("sql/area_versions.sql")).fetch_all(pool).await?;
    rows.into_iter().map(AreaVersion::try_from).collect()
}

pub(super) async fn revision(pool: &PgPool) -> Result<String, StoreError> {
    Ok(sqlx::query_scalar(include_str!("sql/areas_revision.sql")).fetch_one(pool).await?)
}

//! Bulk export and import for `qala store copy`, keeping ids (SQLite's AUTOINCREMENT follows explicit ids,
//! so unlike PostGIS no sequence is moved afterwards). Rows go one statement each, all in one transaction:
//! SQLite runs in the process, so a statement costs no network round trip and the one commit (one disk
//! sync) is what counts.

use sqlx::sqlite::SqlitePool;

use super::format_time;
use crate::domain::{Area, AreaVersion, Pin, PinId, SealedContact};
use crate::spatial::gpkg_blob::{multipolygon_to_gpkg, point_to_gpkg};
use crate::store::StoreError;

pub(super) async fn is_empty(readers: &SqlitePool) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar(include_str!("sql/is_empty.sql")).fetch_one(readers).await?)
}

type Row = (i64, Vec<u8>, String, String, String, String, String, String, Option<i64>, String, Option<String>);

pub(super) async fn export_pins(
    readers: &SqlitePool,
    after: PinId,
    limit: usize,
) -> Result<Vec<(Pin, Option<SealedContact>)>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/export_pins.sql"))
        .bind(after)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(readers)
        .await?;
    rows.into_iter()
        .map(|(id, geom, cat, st, description, created, updated, precision, original, vis, contact)| {
            let pin =
                super::pins::decode((id, geom, cat, st, description, created, updated, precision, original, vis))?;
            Ok((pin, contact.map(SealedContact::new_unchecked)))
        })
        .collect()
}

pub(super) async fn import_pins(writer: &SqlitePool, pins: &[(Pin, Option<SealedContact>)]) -> Result<(), StoreError> {
    let mut tx = writer.begin().await?;
    for (pin, contact) in pins {
        let blob = point_to_gpkg(pin.lon, pin.lat).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(include_str!("sql/import_pin.sql"))
            .bind(pin.id)
            .bind(blob)
            .bind(pin.category.as_str())
            .bind(pin.status.as_str())
            .bind(&pin.description)
            .bind(format_time(pin.created_at))
            .bind(format_time(pin.updated_at))
            .bind(pin.precision.as_str())
            .bind(pin.duplicate_of)
            .bind(pin.visibility.as_str())
            .execute(&mut *tx)
            .await?;
        if let Some(c) = contact {
            sqlx::query(include_str!("sql/insert_contact.sql")).bind(pin.id).bind(c.as_str()).execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn import_area_version(
    writer: &SqlitePool,
    version: &AreaVersion,
    areas: &[Area],
) -> Result<(), StoreError> {
    let mut tx = writer.begin().await?;
    sqlx::query(include_str!("sql/import_version.sql"))
        .bind(version.id)
        .bind(version.kind.as_str())
        .bind(version.number)
        .bind(&version.label)
        .bind(&version.source_file)
        .bind(format_time(version.created_at))
        .bind(version.current)
        .execute(&mut *tx)
        .await?;
    for area in areas {
        let blob = multipolygon_to_gpkg(&area.geometry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(include_str!("sql/import_area.sql"))
            .bind(area.id)
            .bind(version.id)
            .bind(&area.names.kk)
            .bind(&area.names.ru)
            .bind(&area.names.en)
            .bind(&area.label)
            .bind(area.area_km2)
            .bind(blob)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

//! Bulk export and import for `qala store copy`, keeping ids; identity sequences are moved past the copied
//! ids so new rows never collide. Pins go in through `bulk.rs`, many rows per statement.

use sqlx::PgPool;

use super::bulk;
use super::rows::PinRow;
use crate::domain::{Area, AreaVersion, Pin, PinId, SealedContact};
use crate::spatial::wkb_codec::multipolygon_to_wkb;
use crate::store::StoreError;

pub(super) async fn is_empty(pool: &PgPool) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar(include_str!("sql/is_empty.sql")).fetch_one(pool).await?)
}

pub(super) async fn export_pins(
    pool: &PgPool,
    after: PinId,
    limit: usize,
) -> Result<Vec<(Pin, Option<SealedContact>)>, StoreError> {
    struct Row {
        pin: PinRow,
        contact: Option<String>,
    }
    impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for Row {
        fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
            use sqlx::Row as _;
            Ok(Row { pin: PinRow::from_row(row)?, contact: row.try_get("contact")? })
        }
    }
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/export_pins.sql"))
        .bind(after)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(|r| Ok((Pin::try_from(r.pin)?, r.contact.map(SealedContact::new_unchecked)))).collect()
}

/// Inserts pins with their ids as given (a copy), then moves the sequence past the largest id.
pub(super) async fn import_pins(pool: &PgPool, pins: &[(Pin, Option<SealedContact>)]) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    bulk::write_rows(&mut tx, pins).await?;
    sqlx::query(include_str!("sql/move_pin_id_sequence.sql")).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn import_area_version(
    pool: &PgPool,
    version: &AreaVersion,
    areas: &[Area],
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query(include_str!("sql/import_version.sql"))
        .bind(version.id)
        .bind(version.kind.as_str())
        .bind(version.number)
        .bind(&version.label)
        .bind(&version.source_file)
        .bind(version.created_at)
        .bind(version.current)
        .execute(&mut *tx)
        .await?;
    for area in areas {
        let wkb = multipolygon_to_wkb(&area.geometry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(include_str!("sql/import_area.sql"))
            .bind(area.id)
            .bind(version.id)
            .bind(&area.names.kk)
            .bind(&area.names.ru)
            .bind(&area.names.en)
            .bind(&area.label)
            .bind(area.area_km2)
            .bind(wkb)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(include_str!("sql/move_area_id_sequences.sql")).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

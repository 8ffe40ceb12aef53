//! Bulk export and import for `qala store copy`, keeping ids; identity sequences are moved past the copied
//! ids so new rows never collide.

use sqlx::PgPool;

use super::rows::PinRow;
use crate::domain::{Area, AreaVersion, Contact, Pin, PinId};
use crate::spatial::wkb_codec::multipolygon_to_wkb;
use crate::store::StoreError;

pub(super) async fn is_empty(pool: &PgPool) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM pins) AND NOT EXISTS (SELECT 1 FROM area_versions)")
        .fetch_one(pool)
        .await?)
}

pub(super) async fn export_pins(
    pool: &PgPool,
    after: PinId,
    limit: usize,
) -> Result<Vec<(Pin, Option<Contact>)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        pin: PinRow,
        contact: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.id, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.category, p.status, p.description,
                p.created_at, p.updated_at, c.contact
         FROM pins p LEFT JOIN pin_contacts c ON c.pin_id = p.id
         WHERE p.id > $1 ORDER BY p.id LIMIT $2",
    )
    .bind(after)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| Ok((Pin::try_from(r.pin)?, r.contact.map(Contact::new_unchecked)))).collect()
}

pub(super) async fn import_area_version(
    pool: &PgPool,
    version: &AreaVersion,
    areas: &[Area],
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO area_versions (id, kind, number, label, source_file, created_at, current)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
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
        sqlx::query(
            "INSERT INTO areas (id, version_id, name_kk, name_ru, name_en, label, area_km2, geom)
             VALUES ($1, $2, $3, $4, $5, $6, $7, ST_Multi(ST_GeomFromWKB($8, 4326)))",
        )
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
    for (table, column) in [("area_versions", "id"), ("areas", "id")] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT COALESCE(max({column}), 0) + 1 FROM {table}), false)"
        )))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

//! Pins in the GeoPackage `pins` feature table; contacts in the unregistered `pin_contacts` table, so no GIS
//! layer or export shows them. Rows are positional tuples, each alias naming its columns.

use sqlx::sqlite::SqlitePool;

use super::{format_time, parse_time};
use crate::domain::{Pin, PinId, PinLocation, PinRecord, idempotency};
use crate::spatial::gpkg_blob::{gpkg_to_point, point_to_gpkg};
use crate::store::{StoreError, category, in_id_order, key_insert_error, precision, status, visibility};

/// `fid, geom, category, status, description, created_at, updated_at, location_precision, duplicate_of,
/// visibility`.
pub(super) type PinRow = (i64, Vec<u8>, String, String, String, String, String, String, Option<i64>, String);

/// A `pins` row as a checked domain pin.
pub(super) fn decode(
    (id, geom, cat, st, description, created, updated, prec, duplicate_of, vis): PinRow,
) -> Result<Pin, StoreError> {
    let (lon, lat) = point(id, &geom)?;
    Ok(Pin {
        id,
        lon,
        lat,
        precision: precision(&prec)?,
        category: category(&cat)?,
        status: status(&st)?,
        description,
        created_at: parse_time(&created)?,
        updated_at: parse_time(&updated)?,
        duplicate_of,
        visibility: visibility(&vis)?,
    })
}

/// A pin's stored geometry blob as lon/lat, naming the pin when the blob is not a point.
fn point(id: PinId, geom: &[u8]) -> Result<(f64, f64), StoreError> {
    gpkg_to_point(geom).map_err(|e| StoreError::Corrupt(format!("pin {id}: {e}")))
}

/// `fid, geom, category, status, created_at, location_precision, visibility`.
type LocationRow = (i64, Vec<u8>, String, String, String, String, String);

/// Inserts many pins in one transaction (one WAL sync for all of them) and returns them once committed.
pub(super) async fn insert_many(writer: &SqlitePool, records: &[PinRecord]) -> Result<Vec<Pin>, StoreError> {
    let mut tx = writer.begin().await?;
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let blob = point_to_gpkg(r.pin.lon, r.pin.lat).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let created = format_time(r.created_at);
        let id: i64 = sqlx::query_scalar(include_str!("sql/insert_pin.sql"))
            .bind(blob)
            .bind(r.pin.category.as_str())
            .bind(r.status.as_str())
            .bind(&r.pin.description)
            .bind(&created)
            .bind(&created)
            .bind(r.pin.precision.as_str())
            .bind(r.pin.visibility.as_str())
            .fetch_one(&mut *tx)
            .await?;
        if let Some(contact) = &r.pin.contact {
            sqlx::query(include_str!("sql/insert_contact.sql"))
                .bind(id)
                .bind(contact.as_str())
                .execute(&mut *tx)
                .await?;
        }
        if let Some(once) = &r.pin.idempotency {
            sqlx::query(include_str!("sql/forget_idempotency.sql"))
                .bind(format_time(r.created_at - idempotency::WINDOW))
                .execute(&mut *tx)
                .await?;
            sqlx::query(include_str!("sql/insert_idempotency.sql"))
                .bind(&once.key)
                .bind(&once.fingerprint[..])
                .bind(id)
                .bind(&created)
                .execute(&mut *tx)
                .await
                .map_err(key_insert_error)?;
        }
        // Read back through the stored text, so the answer carries exactly the stored time.
        out.push(r.stored(id, parse_time(&created)?));
    }
    tx.commit().await?;
    Ok(out)
}

/// The pin created with idempotency key `key` at or after `since`, and its body's fingerprint.
pub(super) async fn idempotent(
    readers: &SqlitePool,
    key: &str,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(PinId, Vec<u8>)>, StoreError> {
    Ok(sqlx::query_as(include_str!("sql/idempotent_pin.sql"))
        .bind(key)
        .bind(format_time(since))
        .fetch_optional(readers)
        .await?)
}

pub(super) async fn by_ids(readers: &SqlitePool, ids: &[PinId]) -> Result<Vec<Pin>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let rows: Vec<PinRow> = sqlx::query_as(include_str!("sql/pins_by_ids.sql")).bind(list).fetch_all(readers).await?;
    let pins = rows.into_iter().map(decode).collect::<Result<Vec<_>, StoreError>>()?;
    Ok(in_id_order(ids, pins))
}

pub(super) async fn locations(readers: &SqlitePool) -> Result<Vec<PinLocation>, StoreError> {
    let rows: Vec<LocationRow> = sqlx::query_as(include_str!("sql/pin_locations.sql")).fetch_all(readers).await?;
    rows.into_iter()
        .map(|(id, geom, cat, st, created, prec, vis)| {
            let (lon, lat) = point(id, &geom)?;
            Ok(PinLocation {
                id,
                lon,
                lat,
                precision: precision(&prec)?,
                category: category(&cat)?,
                status: status(&st)?,
                created_at: parse_time(&created)?,
                visibility: visibility(&vis)?,
            })
        })
        .collect()
}

//! Many pins in one statement: `UNNEST` over column arrays (`sql/insert_pins_bulk.sql`), one round trip per
//! batch instead of one per row, every value still a bound parameter. Used by seeding
//! ([`crate::store::Store::insert_pins`]) and by `qala store copy` (`copy.rs`, which keeps ids).
//!
//! For seeding, new ids are drawn from the identity sequence first (`nextval` over `generate_series`), so
//! each row's id is known before the insert and contacts can be written in the same transaction without
//! relying on the order of `RETURNING`.

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Transaction};

use crate::domain::{Pin, PinId, PinRecord, SealedContact};
use crate::store::StoreError;

pub(super) async fn insert_pins(pool: &PgPool, records: &[PinRecord]) -> Result<Vec<Pin>, StoreError> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = pool.begin().await?;
    let count = i64::try_from(records.len()).unwrap_or(i64::MAX);
    let ids: Vec<PinId> =
        sqlx::query_scalar(include_str!("sql/reserve_pin_ids.sql")).bind(count).fetch_all(&mut *tx).await?;
    let pins: Vec<(Pin, Option<SealedContact>)> =
        ids.iter().zip(records).map(|(&id, r)| (r.stored(id, r.created_at), r.pin.contact.clone())).collect();
    write_rows(&mut tx, &pins).await?;
    tx.commit().await?;
    Ok(pins.into_iter().map(|(p, _)| p).collect())
}

/// Writes pins with their ids as given, and their contacts, in two statements inside `tx`.
pub(super) async fn write_rows(
    tx: &mut Transaction<'_, Postgres>,
    pins: &[(Pin, Option<SealedContact>)],
) -> Result<(), StoreError> {
    let n = pins.len();
    let (mut ids, mut lons, mut lats) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut categories, mut statuses, mut descriptions) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut created, mut updated): (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>) =
        (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut precisions, mut originals) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut visibilities = Vec::with_capacity(n);
    let (mut contact_ids, mut contacts) = (Vec::new(), Vec::new());
    for (pin, contact) in pins {
        ids.push(pin.id);
        lons.push(pin.lon);
        lats.push(pin.lat);
        categories.push(pin.category.as_str());
        statuses.push(pin.status.as_str());
        descriptions.push(pin.description.as_str());
        created.push(pin.created_at);
        updated.push(pin.updated_at);
        precisions.push(pin.precision.as_str());
        originals.push(pin.duplicate_of);
        visibilities.push(pin.visibility.as_str());
        if let Some(c) = contact {
            contact_ids.push(pin.id);
            contacts.push(c.as_str());
        }
    }
    sqlx::query(include_str!("sql/insert_pins_bulk.sql"))
        .bind(&ids)
        .bind(&lons)
        .bind(&lats)
        .bind(&categories)
        .bind(&statuses)
        .bind(&descriptions)
        .bind(&created)
        .bind(&updated)
        .bind(&precisions)
        .bind(&originals)
        .bind(&visibilities)
        .execute(&mut **tx)
        .await?;
    if !contact_ids.is_empty() {
        sqlx::query(include_str!("sql/insert_contacts_bulk.sql"))
            .bind(&contact_ids)
            .bind(&contacts)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

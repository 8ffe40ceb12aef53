//! The status workflow in the GeoPackage: a staff update applied only if the pin is as its author saw it,
//! with its timeline entry and audit entry in the same transaction; the timeline; audited contact reads.

use sqlx::sqlite::SqlitePool;

use super::pins::{PinRow, decode};
use super::staff::insert_audit;
use super::{format_time, parse_time};
use crate::domain::{NewAuditEntry, NewPinUpdate, PinId, PinUpdate, SealedContact, Status};
use crate::store::{StoreError, UpdateOutcome, status_change};

pub(super) async fn update_pin(
    writer: &SqlitePool,
    u: &NewPinUpdate,
    audit: &NewAuditEntry,
) -> Result<UpdateOutcome, StoreError> {
    let mut tx = writer.begin().await?;
    if let Some(original) = u.duplicate_of {
        let status: Option<String> =
            sqlx::query_scalar(include_str!("sql/original_status.sql")).bind(original).fetch_optional(&mut *tx).await?;
        if status.is_none_or(|s| s == Status::Duplicate.as_str()) || original == u.pin_id {
            return Ok(UpdateOutcome::UnfitOriginal);
        }
    }
    let at = format_time(u.at);
    let row: Option<PinRow> = sqlx::query_as(include_str!("sql/update_pin.sql"))
        .bind(u.pin_id)
        .bind(format_time(u.expected_updated_at))
        .bind(u.status.map(|(_, to)| to.as_str()))
        .bind(u.duplicate_of)
        .bind(&at)
        .bind(u.visibility.map(|(_, to)| to.as_str()))
        .bind(&u.description)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        let exists: bool =
            sqlx::query_scalar(include_str!("sql/pin_exists.sql")).bind(u.pin_id).fetch_one(&mut *tx).await?;
        return Ok(if exists { UpdateOutcome::Stale } else { UpdateOutcome::Missing });
    };
    let id: i64 = sqlx::query_scalar(include_str!("sql/insert_pin_update.sql"))
        .bind(u.pin_id)
        .bind(&at)
        .bind(&u.actor.name)
        .bind(u.actor.role_str())
        .bind(u.status.map(|(from, _)| from.as_str()))
        .bind(u.status.map(|(_, to)| to.as_str()))
        .bind(&u.public_comment)
        .bind(&u.internal_note)
        .bind(u.duplicate_of)
        .fetch_one(&mut *tx)
        .await?;
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    let update = u.stored(id, parse_time(&at)?);
    Ok(UpdateOutcome::Applied(Box::new((decode(row)?, update))))
}

pub(super) async fn pin_updates(readers: &SqlitePool, pin_id: PinId) -> Result<Vec<PinUpdate>, StoreError> {
    type Row =
        (i64, i64, String, String, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/pin_updates.sql")).bind(pin_id).fetch_all(readers).await?;
    rows.into_iter()
        .map(|(id, pin_id, at, actor_name, actor_role, from, to, public_comment, internal_note, duplicate_of)| {
            Ok(PinUpdate {
                id,
                pin_id,
                at: parse_time(&at)?,
                actor_name,
                actor_role,
                status: status_change(from, to)?,
                public_comment,
                internal_note,
                duplicate_of,
            })
        })
        .collect()
}

pub(super) async fn read_contact(
    writer: &SqlitePool,
    pin_id: PinId,
    audit: &NewAuditEntry,
) -> Result<Option<Option<SealedContact>>, StoreError> {
    let mut tx = writer.begin().await?;
    let contact: Option<Option<String>> =
        sqlx::query_scalar(include_str!("sql/contact.sql")).bind(pin_id).fetch_optional(&mut *tx).await?;
    if contact.is_none() {
        return Ok(None);
    }
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(contact.map(|c| c.map(SealedContact::new_unchecked)))
}

//! The status workflow in PostGIS: a staff update applied only if the pin is as its author saw it, with its
//! timeline entry and audit entry in the same transaction; the timeline; audited contact reads.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::rows::PinRow;
use super::rows::pg_row;
use super::staff::insert_audit;
use crate::domain::{NewAuditEntry, NewPinUpdate, Pin, PinId, PinUpdate, SealedContact, Status};
use crate::store::{StoreError, UpdateOutcome, status_change};

pub(super) async fn update_pin(
    pool: &PgPool,
    u: &NewPinUpdate,
    audit: &NewAuditEntry,
) -> Result<UpdateOutcome, StoreError> {
    let mut tx = pool.begin().await?;
    if let Some(original) = u.duplicate_of {
        let status: Option<String> =
            sqlx::query_scalar(include_str!("sql/lock_original.sql")).bind(original).fetch_optional(&mut *tx).await?;
        if status.is_none_or(|s| s == Status::Duplicate.as_str()) || original == u.pin_id {
            return Ok(UpdateOutcome::UnfitOriginal);
        }
    }
    let row: Option<PinRow> = sqlx::query_as(include_str!("sql/update_pin.sql"))
        .bind(u.pin_id)
        .bind(u.expected_updated_at)
        .bind(u.status.map(|(_, to)| to.as_str()))
        .bind(u.duplicate_of)
        .bind(u.at)
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
        .bind(u.at)
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
    let update = u.stored(id, u.at);
    Ok(UpdateOutcome::Applied(Box::new((Pin::try_from(row)?, update))))
}

pub(super) async fn pin_updates(pool: &PgPool, pin_id: PinId) -> Result<Vec<PinUpdate>, StoreError> {
    pg_row! {
        struct Row {
            id: i64,
            pin_id: i64,
            created_at: DateTime<Utc>,
            actor_name: String,
            actor_role: String,
            status_from: Option<String>,
            status_to: Option<String>,
            public_comment: Option<String>,
            internal_note: Option<String>,
            duplicate_of: Option<i64>,
        }
    }
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/pin_updates.sql")).bind(pin_id).fetch_all(pool).await?;
    rows.into_iter()
        .map(|r| {
            Ok(PinUpdate {
                id: r.id,
                pin_id: r.pin_id,
                at: r.created_at,
                actor_name: r.actor_name,
                actor_role: r.actor_role,
                status: status_change(r.status_from, r.status_to)?,
                public_comment: r.public_comment,
                internal_note: r.internal_note,
                duplicate_of: r.duplicate_of,
            })
        })
        .collect()
}

pub(super) async fn read_contact(
    pool: &PgPool,
    pin_id: PinId,
    audit: &NewAuditEntry,
) -> Result<Option<Option<SealedContact>>, StoreError> {
    let mut tx = pool.begin().await?;
    let contact: Option<Option<String>> =
        sqlx::query_scalar(include_str!("sql/contact.sql")).bind(pin_id).fetch_optional(&mut *tx).await?;
    if contact.is_none() {
        return Ok(None);
    }
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(contact.map(|c| c.map(SealedContact::new_unchecked)))
}

//! Staff members, their credentials, and the audit log they write to, in the GeoPackage. Every change goes
//! in one transaction with its audit entry, as in PostGIS. Times are ISO 8601 text (`format_time`).

use sqlx::sqlite::SqlitePool;
use sqlx::{Sqlite, Transaction};

use super::{format_time, parse_time};
use crate::domain::{AuditEntry, Credential, NewAuditEntry, NewCredential, Role, StaffMember};
use crate::store::{AuditQuery, StoreError, credential_kind, json_value, role};

/// Appends `entry` inside `tx`.
pub(super) async fn insert_audit(tx: &mut Transaction<'_, Sqlite>, entry: &NewAuditEntry) -> Result<(), StoreError> {
    sqlx::query(include_str!("sql/insert_audit.sql"))
        .bind(format_time(entry.at))
        .bind(&entry.actor.name)
        .bind(entry.actor.role_str())
        .bind(entry.action.as_str())
        .bind(&entry.target)
        .bind(entry.before.as_ref().map(ToString::to_string))
        .bind(entry.after.as_ref().map(ToString::to_string))
        .bind(&entry.request_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn write_credential(tx: &mut Transaction<'_, Sqlite>, c: &NewCredential) -> Result<bool, StoreError> {
    let done = sqlx::query(include_str!("sql/insert_credential.sql"))
        .bind(&c.selector)
        .bind(&c.staff_name)
        .bind(c.kind.as_str())
        .bind(c.verifier_sha256.as_slice())
        .bind(format_time(c.created_at))
        .bind(format_time(c.expires_at))
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn insert_staff(
    writer: &SqlitePool,
    role: Role,
    token: &NewCredential,
    audit: &NewAuditEntry,
) -> Result<bool, StoreError> {
    let mut tx = writer.begin().await?;
    let added = sqlx::query(include_str!("sql/insert_staff.sql"))
        .bind(&token.staff_name)
        .bind(role.as_str())
        .bind(format_time(token.created_at))
        .execute(&mut *tx)
        .await?;
    if added.rows_affected() == 0 || !write_credential(&mut tx, token).await? {
        return Ok(false);
    }
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn insert_credential(
    writer: &SqlitePool,
    credential: &NewCredential,
    audit: &NewAuditEntry,
) -> Result<bool, StoreError> {
    let mut tx = writer.begin().await?;
    if !write_credential(&mut tx, credential).await? {
        return Ok(false);
    }
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn staff(readers: &SqlitePool) -> Result<Vec<StaffMember>, StoreError> {
    type Row = (String, String, String, Option<String>, Option<String>);
    let now = format_time(chrono::Utc::now());
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/staff.sql")).bind(now).fetch_all(readers).await?;
    rows.into_iter()
        .map(|(name, r, created, revoked, expires)| {
            Ok(StaffMember {
                name,
                role: role(&r)?,
                created_at: parse_time(&created)?,
                revoked_at: revoked.as_deref().map(parse_time).transpose()?,
                token_expires_at: expires.as_deref().map(parse_time).transpose()?,
            })
        })
        .collect()
}

pub(super) async fn revoke_staff(writer: &SqlitePool, name: &str, audit: &NewAuditEntry) -> Result<bool, StoreError> {
    let mut tx = writer.begin().await?;
    let at = format_time(audit.at);
    let revoked = sqlx::query(include_str!("sql/revoke_staff.sql")).bind(name).bind(&at).execute(&mut *tx).await?;
    if revoked.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(include_str!("sql/revoke_staff_credentials.sql")).bind(name).bind(&at).execute(&mut *tx).await?;
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn credential(readers: &SqlitePool, selector: &str) -> Result<Option<Credential>, StoreError> {
    type Row = (String, Vec<u8>, String, String, String, String, bool);
    let row: Option<Row> =
        sqlx::query_as(include_str!("sql/credential.sql")).bind(selector).fetch_optional(readers).await?;
    row.map(|(selector, verifier_sha256, kind, staff_name, r, expires, revoked)| {
        Ok(Credential {
            selector,
            verifier_sha256,
            kind: credential_kind(&kind)?,
            staff_name,
            role: role(&r)?,
            expires_at: parse_time(&expires)?,
            revoked,
        })
    })
    .transpose()
}

pub(super) async fn revoke_credential(
    writer: &SqlitePool,
    selector: &str,
    audit: &NewAuditEntry,
) -> Result<(), StoreError> {
    let mut tx = writer.begin().await?;
    sqlx::query(include_str!("sql/revoke_credential.sql"))
        .bind(selector)
        .bind(format_time(audit.at))
        .execute(&mut *tx)
        .await?;
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn audit_entries(readers: &SqlitePool, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
    type Row = (i64, String, String, String, String, String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/audit_entries.sql"))
        .bind(&q.actor)
        .bind(&q.action)
        .bind(&q.target)
        .bind(q.from.map(format_time))
        .bind(q.to.map(format_time))
        .bind(q.before_id)
        .bind(i64::from(q.limit))
        .fetch_all(readers)
        .await?;
    rows.into_iter()
        .map(|(id, at, actor_name, actor_role, action, target, before, after, request_id)| {
            Ok(AuditEntry {
                id,
                at: parse_time(&at)?,
                actor_name,
                actor_role,
                action,
                target,
                before: before.as_deref().map(json_value).transpose()?,
                after: after.as_deref().map(json_value).transpose()?,
                request_id,
            })
        })
        .collect()
}

//! Staff members, their credentials, and the audit log they write to. Every change goes in one transaction
//! with its audit entry (`insert_audit`), so the log never misses an action that happened, nor records one
//! that did not.

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Transaction};

use super::rows::pg_row;
use crate::domain::{AuditEntry, Credential, NewAuditEntry, NewCredential, Role, StaffMember};
use crate::store::{AuditQuery, StoreError, credential_kind, role};

/// Appends `entry` inside `tx`.
pub(super) async fn insert_audit(tx: &mut Transaction<'_, Postgres>, entry: &NewAuditEntry) -> Result<(), StoreError> {
    sqlx::query(include_str!("sql/insert_audit.sql"))
        .bind(entry.at)
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

async fn write_credential(tx: &mut Transaction<'_, Postgres>, c: &NewCredential) -> Result<bool, StoreError> {
    let done = sqlx::query(include_str!("sql/insert_credential.sql"))
        .bind(&c.selector)
        .bind(&c.staff_name)
        .bind(c.kind.as_str())
        .bind(c.verifier_sha256.as_slice())
        .bind(c.created_at)
        .bind(c.expires_at)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn insert_staff(
    pool: &PgPool,
    role: Role,
    token: &NewCredential,
    audit: &NewAuditEntry,
) -> Result<bool, StoreError> {
    let mut tx = pool.begin().await?;
    let added = sqlx::query(include_str!("sql/insert_staff.sql"))
        .bind(&token.staff_name)
        .bind(role.as_str())
        .bind(token.created_at)
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
    pool: &PgPool,
    credential: &NewCredential,
    audit: &NewAuditEntry,
) -> Result<bool, StoreError> {
    let mut tx = pool.begin().await?;
    if !write_credential(&mut tx, credential).await? {
        return Ok(false);
    }
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn staff(pool: &PgPool) -> Result<Vec<StaffMember>, StoreError> {
    pg_row! {
        struct Row {
            name: String,
            role: String,
            created_at: DateTime<Utc>,
            revoked_at: Option<DateTime<Utc>>,
            token_expires_at: Option<DateTime<Utc>>,
        }
    }
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/staff.sql")).bind(Utc::now()).fetch_all(pool).await?;
    rows.into_iter()
        .map(|r| {
            Ok(StaffMember {
                role: role(&r.role)?,
                name: r.name,
                created_at: r.created_at,
                revoked_at: r.revoked_at,
                token_expires_at: r.token_expires_at,
            })
        })
        .collect()
}

pub(super) async fn revoke_staff(pool: &PgPool, name: &str, audit: &NewAuditEntry) -> Result<bool, StoreError> {
    let mut tx = pool.begin().await?;
    let revoked = sqlx::query(include_str!("sql/revoke_staff.sql")).bind(name).bind(audit.at).execute(&mut *tx).await?;
    if revoked.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(include_str!("sql/revoke_staff_credentials.sql")).bind(name).bind(audit.at).execute(&mut *tx).await?;
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn credential(pool: &PgPool, selector: &str) -> Result<Option<Credential>, StoreError> {
    pg_row! {
        struct Row {
            selector: String,
            verifier_sha256: Vec<u8>,
            kind: String,
            staff_name: String,
            role: String,
            expires_at: DateTime<Utc>,
            revoked: bool,
        }
    }
    let row: Option<Row> =
        sqlx::query_as(include_str!("sql/credential.sql")).bind(selector).fetch_optional(pool).await?;
    row.map(|r| {
        Ok(Credential {
            kind: credential_kind(&r.kind)?,
            role: role(&r.role)?,
            selector: r.selector,
            verifier_sha256: r.verifier_sha256,
            staff_name: r.staff_name,
            expires_at: r.expires_at,
            revoked: r.revoked,
        })
    })
    .transpose()
}

pub(super) async fn revoke_credential(pool: &PgPool, selector: &str, audit: &NewAuditEntry) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query(include_str!("sql/revoke_credential.sql")).bind(selector).bind(audit.at).execute(&mut *tx).await?;
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn audit_entries(pool: &PgPool, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
    pg_row! {
        struct Row {
            id: i64,
            at: DateTime<Utc>,
            actor_name: String,
            actor_role: String,
            action: String,
            target: String,
            before: Option<String>,
            after: Option<String>,
            request_id: Option<String>,
        }
    }
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/audit_entries.sql"))
        .bind(&q.actor)
        .bind(&q.action)
        .bind(&q.target)
        .bind(q.from)
        .bind(q.to)
        .bind(q.before_id)
        .bind(i64::from(q.limit))
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.id,
                at: r.at,
                actor_name: r.actor_name,
                actor_role: r.actor_role,
                action: r.action,
                target: r.target,
                before: r.before.as_deref().map(crate::store::json_value).transpose()?,
                after: r.after.as_deref().map(crate::store::json_value).transpose()?,
                request_id: r.request_id,
            })
        })
        .collect()
}

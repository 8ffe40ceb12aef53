//! The embedded store: one GeoPackage file (SQLite) through sqlx, for a laptop, a district office or a
//! public workshop with no database server, and a file QGIS opens as it is.
//!
//! Durability: WAL with `synchronous = FULL`, so a commit is on disk before the `201` goes out; reports that
//! arrive together share one commit (`group_commit.rs`). Concurrency:
//! one writer connection (SQLite has a single writer anyway; queueing in the pool instead of in SQLite means
//! requests wait rather than fail with "database is locked") and several readers, which WAL never blocks.
//! Another process (`qala areas import`) may write too: `busy_timeout` makes each side wait its turn, and a
//! wait that runs out becomes a `503` with `Retry-After`, never a 500.
//!
//! SQL: every statement is a file in `sql/` beside this one, one statement per file, loaded with
//! `include_str!`, every value bound. Two stay in Rust, both in `open.rs`: setting `application_id` and
//! `user_version` on a new file (a PRAGMA takes no bound parameter, so the two numbers are formatted in from
//! constants there, never from input). The connection settings (WAL, `synchronous`, foreign keys,
//! `secure_delete`, `busy_timeout`) are sqlx connect options, which sqlx sends as PRAGMAs itself.
//! Transactions are opened and committed through sqlx (`begin`, `commit`); the one explicit `BEGIN` and
//! `ROLLBACK` (`sql/probe_begin.sql`, `sql/probe_rollback.sql`) are `open.rs`'s probe of a writer connection
//! given back to the pool. SQLite has no
//! spatial functions here: geometry is encoded and decoded in Rust (`spatial::gpkg_blob`), and times are
//! ISO 8601 text (below).

mod areas;
mod copy;
mod group_commit;
mod open;
mod pins;
mod staff;
mod workflow;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use sqlx::sqlite::SqlitePool;

use super::{AuditQuery, Store, StoreError, UpdateOutcome};
use crate::domain::{
    Area, AreaVersion, AuditEntry, Credential, NewAreaVersion, NewAuditEntry, NewCredential, NewPin, NewPinUpdate, Pin,
    PinId, PinLocation, PinRecord, PinUpdate, Role, SealedContact, StaffMember, VersionId,
};

/// A GeoPackage file holding pins and areas.
#[derive(Clone)]
pub struct GpkgStore {
    path: PathBuf,
    writer: SqlitePool,
    readers: SqlitePool,
    reports: group_commit::GroupCommit,
}

impl GpkgStore {
    /// Opens `path`, creating a new qala GeoPackage if the file does not exist, and applies migrations.
    ///
    /// # Errors
    /// [`StoreError::Open`] naming the file when it is not a GeoPackage, is a GeoPackage of someone else's
    /// schema, or cannot be created (missing or read-only directory); the file is left untouched then.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        open::open(path).await
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[async_trait]
impl Store for GpkgStore {
    fn kind(&self) -> &'static str {
        "gpkg"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query(include_str!("sql/ping.sql")).execute(&self.readers).await?;
        Ok(())
    }

    async fn insert_pin(&self, pin: &NewPin) -> Result<Pin, StoreError> {
        self.reports.insert(pin.clone()).await
    }

    async fn idempotent_pin(
        &self,
        key: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<(PinId, Vec<u8>)>, StoreError> {
        pins::idempotent(&self.readers, key, since).await
    }

    async fn insert_pins(&self, pins: &[PinRecord]) -> Result<Vec<Pin>, StoreError> {
        pins::insert_many(&self.writer, pins).await
    }

    async fn pin(&self, id: PinId) -> Result<Option<Pin>, StoreError> {
        Ok(self.pins(&[id]).await?.pop())
    }

    async fn pins(&self, ids: &[PinId]) -> Result<Vec<Pin>, StoreError> {
        pins::by_ids(&self.readers, ids).await
    }

    async fn pin_locations(&self) -> Result<Vec<PinLocation>, StoreError> {
        pins::locations(&self.readers).await
    }

    async fn insert_area_version(
        &self,
        version: &NewAreaVersion,
        audit: &NewAuditEntry,
    ) -> Result<(AreaVersion, Vec<Area>), StoreError> {
        areas::insert_version(&self.writer, version, audit).await
    }

    async fn areas(&self) -> Result<Vec<Area>, StoreError> {
        areas::all(&self.readers).await
    }

    async fn area_versions(&self) -> Result<Vec<AreaVersion>, StoreError> {
        areas::versions(&self.readers).await
    }

    async fn activate_area_version(
        &self,
        id: VersionId,
        audit: &NewAuditEntry,
    ) -> Result<Option<AreaVersion>, StoreError> {
        areas::activate(&self.writer, id, audit).await
    }

    async fn areas_revision(&self) -> Result<String, StoreError> {
        areas::revision(&self.readers).await
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        copy::is_empty(&self.readers).await
    }

    async fn export_pins(&self, after: PinId, limit: usize) -> Result<Vec<(Pin, Option<SealedContact>)>, StoreError> {
        copy::export_pins(&self.readers, after, limit).await
    }

    async fn import_pins(&self, pins: &[(Pin, Option<SealedContact>)]) -> Result<(), StoreError> {
        copy::import_pins(&self.writer, pins).await
    }

    async fn import_area_version(&self, version: &AreaVersion, areas: &[Area]) -> Result<(), StoreError> {
        copy::import_area_version(&self.writer, version, areas).await
    }

    async fn insert_staff(&self, role: Role, token: &NewCredential, audit: &NewAuditEntry) -> Result<bool, StoreError> {
        staff::insert_staff(&self.writer, role, token, audit).await
    }

    async fn insert_credential(&self, credential: &NewCredential, audit: &NewAuditEntry) -> Result<bool, StoreError> {
        staff::insert_credential(&self.writer, credential, audit).await
    }

    async fn staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        staff::staff(&self.readers).await
    }

    async fn revoke_staff(&self, name: &str, audit: &NewAuditEntry) -> Result<bool, StoreError> {
        staff::revoke_staff(&self.writer, name, audit).await
    }

    async fn credential(&self, selector: &str) -> Result<Option<Credential>, StoreError> {
        staff::credential(&self.readers, selector).await
    }

    async fn revoke_credential(&self, selector: &str, audit: &NewAuditEntry) -> Result<(), StoreError> {
        staff::revoke_credential(&self.writer, selector, audit).await
    }

    async fn update_pin(&self, update: &NewPinUpdate, audit: &NewAuditEntry) -> Result<UpdateOutcome, StoreError> {
        workflow::update_pin(&self.writer, update, audit).await
    }

    async fn pin_updates(&self, id: PinId) -> Result<Vec<PinUpdate>, StoreError> {
        workflow::pin_updates(&self.readers, id).await
    }

    async fn purge_contacts(
        &self,
        reported_before: chrono::DateTime<chrono::Utc>,
        audit: &NewAuditEntry,
    ) -> Result<u64, StoreError> {
        let mut tx = self.writer.begin().await?;
        let purged = sqlx::query(include_str!("sql/purge_contacts.sql"))
            .bind(format_time(reported_before))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        staff::insert_audit(&mut tx, &super::purge_audit(audit, reported_before, purged)).await?;
        tx.commit().await?;
        // The deleted contacts were zeroed in the file (secure_delete); their last images leave the WAL.
        sqlx::query(include_str!("sql/wal_truncate.sql")).execute(&self.writer).await?;
        Ok(purged)
    }

    async fn forget_idempotency_keys(&self, before: chrono::DateTime<chrono::Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(include_str!("sql/forget_idempotency.sql"))
            .bind(format_time(before))
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }

    async fn newest_sealed_contact(&self) -> Result<Option<SealedContact>, StoreError> {
        let text: Option<String> =
            sqlx::query_scalar(include_str!("sql/newest_sealed_contact.sql")).fetch_optional(&self.readers).await?;
        Ok(text.map(SealedContact::new_unchecked))
    }

    async fn plain_contacts(&self) -> Result<Vec<(PinId, String)>, StoreError> {
        Ok(sqlx::query_as(include_str!("sql/plain_contacts.sql")).fetch_all(&self.readers).await?)
    }

    async fn seal_contacts(&self, sealed: &[(PinId, SealedContact)]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        for (id, contact) in sealed {
            sqlx::query(include_str!("sql/seal_contact.sql")).bind(contact.as_str()).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        // The plain text an older qala wrote may still sit in free pages (the old table) and in the WAL: the
        // file is rebuilt and the WAL emptied, so no copy of the file holds it.
        sqlx::query(include_str!("sql/vacuum.sql")).execute(&self.writer).await?;
        sqlx::query(include_str!("sql/wal_truncate.sql")).execute(&self.writer).await?;
        Ok(())
    }

    async fn read_contact(
        &self,
        id: PinId,
        audit: &NewAuditEntry,
    ) -> Result<Option<Option<SealedContact>>, StoreError> {
        workflow::read_contact(&self.writer, id, audit).await
    }

    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        staff::audit_entries(&self.readers, query).await
    }
}

/// Times are stored as ISO 8601 UTC text with microseconds, the GeoPackage DATETIME form.
pub(crate) fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| StoreError::Corrupt(format!("bad time {s:?}: {e}")))
}

/// Now, at the microsecond precision both stores keep.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    let t = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

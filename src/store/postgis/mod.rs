//! The PostGIS store of record, through sqlx with runtime queries (the crate builds with no database).
//!
//! Every statement of this store is a file in `sql/` beside this one, one statement per file, loaded with
//! `include_str!`; no SQL text is written or built in the Rust code, and every value is bound. Transactions
//! are opened and committed through sqlx (`begin`, `commit`), so `BEGIN`/`COMMIT` appear nowhere either.
//!
//! Pins are read and written here; areas and their versions (with the lock that orders imports) in
//! `areas.rs`; many pins per statement (seeding, copy) in `bulk.rs`; `qala store copy` in `copy.rs`; rows
//! as PostgreSQL returns them, decoded by column name, in `rows.rs`; staff, credentials and the audit log in
//! `staff.rs`; staff updates, the timeline and audited contact reads in `workflow.rs`.

mod areas;
mod bulk;
mod copy;
mod rows;
mod staff;
mod workflow;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::{AuditQuery, Store, StoreError, UpdateOutcome, in_id_order, key_insert_error};
use crate::domain::{
    Area, AreaVersion, AuditEntry, Credential, NewAreaVersion, NewAuditEntry, NewCredential, NewPin, NewPinUpdate, Pin,
    PinId, PinLocation, PinRecord, PinUpdate, Role, SealedContact, StaffMember, VersionId, idempotency,
};
use rows::{LocationRow, PinRow};

/// A pool of PostgreSQL connections to a database with PostGIS.
#[derive(Clone)]
pub struct PostgisStore {
    pool: PgPool,
}

impl PostgisStore {
    /// Connects and applies the migrations in `migrations/postgres`.
    ///
    /// Every connection runs with `synchronous_commit = on`, whatever the server's default, because a `201`
    /// promises the pin survives a crash.
    ///
    /// # Errors
    /// When the URL is malformed, the server cannot be reached, or the schema cannot be applied (for example
    /// when PostGIS is not installed on the server).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad DATABASE_URL: {e}")))?
            .options([("synchronous_commit", "on")])
            .application_name("qala");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        crate::store::migrations::POSTGRES.run(&pool).await?;
        Ok(Self { pool })
    }

    /// The underlying pool, for tools (seeding, copying) that need bulk SQL.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PostgisStore {
    fn kind(&self) -> &'static str {
        "postgis"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query(include_str!("sql/ping.sql")).execute(&self.pool).await?;
        Ok(())
    }

    async fn insert_pin(&self, pin: &NewPin) -> Result<Pin, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: PinRow = sqlx::query_as(include_str!("sql/insert_pin.sql"))
            .bind(pin.lon)
            .bind(pin.lat)
            .bind(pin.category.as_str())
            .bind(&pin.description)
            .bind(pin.precision.as_str())
            .bind(pin.visibility.as_str())
            .fetch_one(&mut *tx)
            .await?;
        if let Some(contact) = &pin.contact {
            sqlx::query(include_str!("sql/insert_contact.sql"))
                .bind(row.id)
                .bind(contact.as_str())
                .execute(&mut *tx)
                .await?;
        }
        if let Some(once) = &pin.idempotency {
            sqlx::query(include_str!("sql/forget_idempotency.sql"))
                .bind(chrono::Utc::now() - idempotency::WINDOW)
                .execute(&mut *tx)
                .await?;
            sqlx::query(include_str!("sql/insert_idempotency.sql"))
                .bind(&once.key)
                .bind(&once.fingerprint[..])
                .bind(row.id)
                .execute(&mut *tx)
                .await
                .map_err(key_insert_error)?;
        }
        tx.commit().await?;
        row.try_into()
    }

    async fn idempotent_pin(
        &self,
        key: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<(PinId, Vec<u8>)>, StoreError> {
        Ok(sqlx::query_as(include_str!("sql/idempotent_pin.sql"))
            .bind(key)
            .bind(since)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn insert_pins(&self, pins: &[PinRecord]) -> Result<Vec<Pin>, StoreError> {
        bulk::insert_pins(&self.pool, pins).await
    }

    async fn pin(&self, id: PinId) -> Result<Option<Pin>, StoreError> {
        Ok(self.pins(&[id]).await?.pop())
    }

    async fn pins(&self, ids: &[PinId]) -> Result<Vec<Pin>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<PinRow> =
            sqlx::query_as(include_str!("sql/pins_by_ids.sql")).bind(ids).fetch_all(&self.pool).await?;
        let pins = rows.into_iter().map(Pin::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(in_id_order(ids, pins))
    }

    async fn pin_locations(&self) -> Result<Vec<PinLocation>, StoreError> {
        let mut out = Vec::new();
        let mut rows = sqlx::query_as::<_, LocationRow>(include_str!("sql/pin_locations.sql")).fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            out.push(row.try_into()?);
        }
        Ok(out)
    }

    async fn insert_area_version(
        &self,
        version: &NewAreaVersion,
        audit: &NewAuditEntry,
    ) -> Result<(AreaVersion, Vec<Area>), StoreError> {
        areas::insert_version(&self.pool, version, audit).await
    }

    async fn areas(&self) -> Result<Vec<Area>, StoreError> {
        areas::all(&self.pool).await
    }

    async fn area_versions(&self) -> Result<Vec<AreaVersion>, StoreError> {
        areas::versions(&self.pool).await
    }

    async fn activate_area_version(
        &self,
        id: VersionId,
        audit: &NewAuditEntry,
    ) -> Result<Option<AreaVersion>, StoreError> {
        areas::activate(&self.pool, id, audit).await
    }

    async fn areas_revision(&self) -> Result<String, StoreError> {
        areas::revision(&self.pool).await
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        copy::is_empty(&self.pool).await
    }

    async fn export_pins(&self, after: PinId, limit: usize) -> Result<Vec<(Pin, Option<SealedContact>)>, StoreError> {
        copy::export_pins(&self.pool, after, limit).await
    }

    async fn import_pins(&self, pins: &[(Pin, Option<SealedContact>)]) -> Result<(), StoreError> {
        copy::import_pins(&self.pool, pins).await
    }

    async fn import_area_version(&self, version: &AreaVersion, areas: &[Area]) -> Result<(), StoreError> {
        copy::import_area_version(&self.pool, version, areas).await
    }

    async fn insert_staff(&self, role: Role, token: &NewCredential, audit: &NewAuditEntry) -> Result<bool, StoreError> {
        staff::insert_staff(&self.pool, role, token, audit).await
    }

    async fn insert_credential(&self, credential: &NewCredential, audit: &NewAuditEntry) -> Result<bool, StoreError> {
        staff::insert_credential(&self.pool, credential, audit).await
    }

    async fn staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        staff::staff(&self.pool).await
    }

    async fn revoke_staff(&self, name: &str, audit: &NewAuditEntry) -> Result<bool, StoreError> {
        staff::revoke_staff(&self.pool, name, audit).await
    }

    async fn credential(&self, selector: &str) -> Result<Option<Credential>, StoreError> {
        staff::credential(&self.pool, selector).await
    }

    async fn revoke_credential(&self, selector: &str, audit: &NewAuditEntry) -> Result<(), StoreError> {
        staff::revoke_credential(&self.pool, selector, audit).await
    }

    async fn update_pin(&self, update: &NewPinUpdate, audit: &NewAuditEntry) -> Result<UpdateOutcome, StoreError> {
        workflow::update_pin(&self.pool, update, audit).await
    }

    async fn pin_updates(&self, id: PinId) -> Result<Vec<PinUpdate>, StoreError> {
        workflow::pin_updates(&self.pool, id).await
    }

    async fn purge_contacts(
        &self,
        reported_before: chrono::DateTime<chrono::Utc>,
        audit: &NewAuditEntry,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let purged = sqlx::query(include_str!("sql/purge_contacts.sql"))
            .bind(reported_before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        staff::insert_audit(&mut tx, &super::purge_audit(audit, reported_before, purged)).await?;
        tx.commit().await?;
        Ok(purged)
    }

    async fn forget_idempotency_keys(&self, before: chrono::DateTime<chrono::Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(include_str!("sql/forget_idempotency.sql")).bind(before).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    async fn newest_sealed_contact(&self) -> Result<Option<SealedContact>, StoreError> {
        let text: Option<String> =
            sqlx::query_scalar(include_str!("sql/newest_sealed_contact.sql")).fetch_optional(&self.pool).await?;
        Ok(text.map(SealedContact::new_unchecked))
    }

    async fn plain_contacts(&self) -> Result<Vec<(PinId, String)>, StoreError> {
        Ok(sqlx::query_as(include_str!("sql/plain_contacts.sql")).fetch_all(&self.pool).await?)
    }

    async fn seal_contacts(&self, sealed: &[(PinId, SealedContact)]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (id, contact) in sealed {
            sqlx::query(include_str!("sql/seal_contact.sql")).bind(contact.as_str()).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn read_contact(
        &self,
        id: PinId,
        audit: &NewAuditEntry,
    ) -> Result<Option<Option<SealedContact>>, StoreError> {
        workflow::read_contact(&self.pool, id, audit).await
    }

    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        staff::audit_entries(&self.pool, query).await
    }
}

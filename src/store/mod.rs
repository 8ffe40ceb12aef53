//! Storage behind one seam: the [`Store`] trait.
//!
//! The store is the record: a write is acknowledged only after it commits, and the index is rebuilt from
//! [`Store::pin_locations`] at start. Handlers depend on `dyn Store`, never on sqlx types, so PostGIS and the
//! embedded store are interchangeable.
//!
//! SQL: each store keeps its statements in `sql/*.sql` beside it (`postgis/sql/`, `gpkg/sql/`), one statement
//! per file named for what it does, compiled in with `include_str!`, with a comment in the file where a
//! statement needs a why. Every value is bound, never formatted into the text. What stays in Rust is named in
//! each store's module doc (only two PRAGMAs setting a new GeoPackage's header). The two stores speak different
//! dialects and geometry encodings, so each has its own files; what they share in Rust (checked decoding of
//! stored names, the answer to an import, id ordering) is here. The GeoPackage export writer and area-file
//! reader, outside the stores, keep their statements the same way (`export/sql/`, `spatial/import/sql/`).

mod error;
pub mod gpkg;
mod migrations;
pub mod postgis;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use error::StoreError;
pub(crate) use error::key_insert_error;

use crate::domain::{
    Area, AreaVersion, AuditEntry, Credential, NewAreaVersion, NewAuditEntry, NewCredential, NewPin, NewPinUpdate, Pin,
    PinId, PinLocation, PinRecord, PinUpdate, Role, SealedContact, StaffMember, VersionId, Visibility,
};

/// What qala needs from a store of record.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A short name for logs (`"postgis"`, `"gpkg"`).
    fn kind(&self) -> &'static str;

    /// Checks that the store answers.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when it does not.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Inserts a pin (and its private contact) in one transaction and returns it once committed.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn insert_pin(&self, pin: &NewPin) -> Result<Pin, StoreError>;

    /// The pin created with idempotency key `key` at or after `since`, and its body's fingerprint.
    ///
    /// # Errors
    /// Any store failure.
    async fn idempotent_pin(&self, key: &str, since: DateTime<Utc>) -> Result<Option<(PinId, Vec<u8>)>, StoreError>;

    /// Inserts many pins (and their contacts) in one transaction and returns them, in order, once committed;
    /// the store assigns the ids. Seeding and bulk loads use it; one commit for many rows is what makes them
    /// fast.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn insert_pins(&self, pins: &[PinRecord]) -> Result<Vec<Pin>, StoreError>;

    /// One pin by id.
    ///
    /// # Errors
    /// Any store failure.
    async fn pin(&self, id: PinId) -> Result<Option<Pin>, StoreError>;

    /// The pins with these ids, in the order of `ids`; ids the store does not hold are left out.
    ///
    /// # Errors
    /// Any store failure.
    async fn pins(&self, ids: &[PinId]) -> Result<Vec<Pin>, StoreError>;

    /// Every pin's location and filter attributes, to bulk-load the index.
    ///
    /// # Errors
    /// Any store failure.
    async fn pin_locations(&self) -> Result<Vec<PinLocation>, StoreError>;

    /// [`Store::pins`], keeping those of `visibility` only: what a page picked from that visibility's index
    /// may show, should a moderation have committed in between.
    ///
    /// # Errors
    /// Any store failure.
    async fn pins_of(&self, ids: &[PinId], visibility: Visibility) -> Result<Vec<Pin>, StoreError> {
        let mut pins = self.pins(ids).await?;
        pins.retain(|p| p.visibility == visibility);
        Ok(pins)
    }

    /// Writes one imported file as a new version of its kind, with all its areas, in one transaction. The
    /// version becomes current when asked to or when its kind has no current version yet.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    /// `audit` is completed with the new version as its target and written in the same transaction.
    async fn insert_area_version(
        &self,
        version: &NewAreaVersion,
        audit: &NewAuditEntry,
    ) -> Result<(AreaVersion, Vec<Area>), StoreError>;

    /// Every area of every version, with geometry, to load the area index.
    ///
    /// # Errors
    /// Any store failure.
    async fn areas(&self) -> Result<Vec<Area>, StoreError>;

    /// Every version of every kind, oldest first.
    ///
    /// # Errors
    /// Any store failure.
    async fn area_versions(&self) -> Result<Vec<AreaVersion>, StoreError>;

    /// Makes a version the current one of its kind; `None` when there is no such version.
    ///
    /// # Errors
    /// Any store failure; nothing changes then.
    /// `audit` is completed with the version as its target and written in the same transaction.
    async fn activate_area_version(
        &self,
        id: VersionId,
        audit: &NewAuditEntry,
    ) -> Result<Option<AreaVersion>, StoreError>;

    /// A value that changes whenever areas or current versions change, so a running service notices an
    /// import or activation made by another process (`qala areas …`) and reloads its area index.
    ///
    /// # Errors
    /// Any store failure.
    async fn areas_revision(&self) -> Result<String, StoreError>;

    // Bulk copy between stores (`qala store copy`): ids, times, statuses and private contacts are kept.

    /// Whether the store holds no pin and no area version.
    ///
    /// # Errors
    /// Any store failure.
    async fn is_empty(&self) -> Result<bool, StoreError>;

    /// Up to `limit` pins with ids greater than `after`, in id order, each with its private contact.
    ///
    /// # Errors
    /// Any store failure.
    async fn export_pins(&self, after: PinId, limit: usize) -> Result<Vec<(Pin, Option<SealedContact>)>, StoreError>;

    /// Inserts pins exactly as given (ids included), in one transaction.
    ///
    /// # Errors
    /// Any store failure (an id already present, for one); nothing is written then.
    async fn import_pins(&self, pins: &[(Pin, Option<SealedContact>)]) -> Result<(), StoreError>;

    /// Inserts a version and its areas exactly as given (ids included), in one transaction.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn import_area_version(&self, version: &AreaVersion, areas: &[Area]) -> Result<(), StoreError>;

    // Staff and their credentials. Every change is written with its audit entry, in one transaction.

    /// Adds a staff member with a first API token; `false` (nothing written) when the name is taken.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn insert_staff(&self, role: Role, token: &NewCredential, audit: &NewAuditEntry) -> Result<bool, StoreError>;

    /// Stores another credential (a new API token or a web session) of an existing, unrevoked member;
    /// `false` (nothing written) when there is no such member.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn insert_credential(&self, credential: &NewCredential, audit: &NewAuditEntry) -> Result<bool, StoreError>;

    /// Every staff member, by name.
    ///
    /// # Errors
    /// Any store failure.
    async fn staff(&self) -> Result<Vec<StaffMember>, StoreError>;

    /// Revokes a member and with them every credential they hold; `false` when there is no such member
    /// or they are revoked already (nothing written then).
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn revoke_staff(&self, name: &str, audit: &NewAuditEntry) -> Result<bool, StoreError>;

    /// The credential with this selector, with its member's role and whether either is revoked.
    ///
    /// # Errors
    /// Any store failure.
    async fn credential(&self, selector: &str) -> Result<Option<Credential>, StoreError>;

    /// Revokes one credential (a web session signing out).
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn revoke_credential(&self, selector: &str, audit: &NewAuditEntry) -> Result<(), StoreError>;

    // The workflow.

    /// Applies a staff update if the pin is still as the staff member saw it (`expected_updated_at`), with
    /// its timeline entry and audit entry, in one transaction.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn update_pin(&self, update: &NewPinUpdate, audit: &NewAuditEntry) -> Result<UpdateOutcome, StoreError>;

    /// A pin's timeline, oldest first (internal notes included: the caller decides who sees them).
    ///
    /// # Errors
    /// Any store failure.
    async fn pin_updates(&self, id: PinId) -> Result<Vec<PinUpdate>, StoreError>;

    /// Deletes the contacts of pins reported before `reported_before` (their retention is over) and writes
    /// `audit`, completed with the count, in the same transaction. Returns how many were deleted.
    ///
    /// # Errors
    /// Any store failure; nothing is deleted then.
    async fn purge_contacts(&self, reported_before: DateTime<Utc>, audit: &NewAuditEntry) -> Result<u64, StoreError>;

    /// Forgets the idempotency keys recorded before `before` (their window is over). Returns how many.
    ///
    /// # Errors
    /// Any store failure.
    async fn forget_idempotency_keys(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// The sealed text of the newest contact, to check at start that the contact key opens this store.
    ///
    /// # Errors
    /// Any store failure.
    async fn newest_sealed_contact(&self) -> Result<Option<SealedContact>, StoreError>;

    /// Contacts an older qala stored in plain text (id and text), to be sealed.
    ///
    /// # Errors
    /// Any store failure.
    async fn plain_contacts(&self) -> Result<Vec<(PinId, String)>, StoreError>;

    /// Replaces contacts with their sealed text, in one transaction.
    ///
    /// # Errors
    /// Any store failure; nothing is changed then.
    async fn seal_contacts(&self, sealed: &[(PinId, SealedContact)]) -> Result<(), StoreError>;

    /// A pin's private contact, with the read written to the audit log first (in the same transaction):
    /// `None` when there is no such pin, `Some(None)` when the citizen left none.
    ///
    /// # Errors
    /// Any store failure; nothing is read or written then.
    async fn read_contact(&self, id: PinId, audit: &NewAuditEntry)
    -> Result<Option<Option<SealedContact>>, StoreError>;

    // The audit log.

    /// Entries that match `query`, newest first.
    ///
    /// # Errors
    /// Any store failure.
    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}

/// What became of a staff update.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOutcome {
    /// Committed: the pin as it now is, and its timeline entry.
    Applied(Box<(Pin, PinUpdate)>),
    /// There is no such pin.
    Missing,
    /// The pin changed since the staff member read it (a stale `If-Match`); nothing was written.
    Stale,
    /// `duplicate_of` names no pin, or a pin that is itself a duplicate; nothing was written.
    UnfitOriginal,
}

/// A filter over the audit log; every field is optional and they combine with AND.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// Only entries older than this id (the cursor of the previous page).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// A stored category, checked (another writer may have put anything there).
pub(crate) fn category(s: &str) -> Result<crate::domain::Category, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A stored status, checked.
pub(crate) fn status(s: &str) -> Result<crate::domain::Status, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A stored visibility, checked.
pub(crate) fn visibility(s: &str) -> Result<crate::domain::Visibility, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A stored location precision, checked.
pub(crate) fn precision(s: &str) -> Result<crate::domain::LocationPrecision, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A stored role, checked.
pub(crate) fn role(s: &str) -> Result<Role, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A stored credential kind, checked.
pub(crate) fn credential_kind(s: &str) -> Result<crate::domain::CredentialKind, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A stored status change (`status_from`, `status_to`), checked: both or neither.
pub(crate) fn status_change(
    from: Option<String>,
    to: Option<String>,
) -> Result<Option<(crate::domain::Status, crate::domain::Status)>, StoreError> {
    match (from, to) {
        (Some(f), Some(t)) => Ok(Some((status(&f)?, status(&t)?))),
        (None, None) => Ok(None),
        _ => Err(StoreError::Corrupt("a pin update with only one side of a status change".into())),
    }
}

/// Stored JSON text (an audit entry's before and after), checked.
pub(crate) fn json_value(s: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("an audit entry holds bad JSON: {e}")))
}

/// The audit entry of an area import or activation, about `version`.
pub(crate) fn version_audit(audit: &NewAuditEntry, version: &AreaVersion, areas: Option<usize>) -> NewAuditEntry {
    audit.about(
        format!("area_version:{}", version.id),
        Some(serde_json::json!({
            "kind": version.kind.as_str(),
            "number": version.number,
            "label": version.label,
            "source_file": version.source_file,
            "current": version.current,
            "areas": areas,
        })),
    )
}

/// A stored area kind, checked.
pub(crate) fn area_kind(s: &str) -> Result<crate::domain::AreaKind, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A new area as stored under `id` in `version` (both stores answer an import with this).
pub(crate) fn stored_area(id: crate::domain::AreaId, version: &AreaVersion, new: &crate::domain::NewArea) -> Area {
    Area {
        id,
        version: version.clone(),
        names: new.names.clone(),
        label: new.label.clone(),
        area_km2: new.area_km2,
        geometry: new.geometry.clone(),
    }
}

/// Orders `pins` as `ids` (stores return rows in any order).
pub(crate) fn in_id_order(ids: &[PinId], pins: Vec<Pin>) -> Vec<Pin> {
    let mut by_id: std::collections::HashMap<PinId, Pin> = pins.into_iter().map(|p| (p.id, p)).collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}

/// The audit entry of a contact purge, with what it did.
pub(crate) fn purge_audit(audit: &NewAuditEntry, reported_before: DateTime<Utc>, purged: u64) -> NewAuditEntry {
    NewAuditEntry {
        after: Some(serde_json::json!({ "contacts": purged, "reported_before": reported_before })),
        ..audit.clone()
    }
}

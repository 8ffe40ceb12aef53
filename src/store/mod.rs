//! Storage behind one seam: the [`Store`] trait.
//!
//! The store is the record: a write is acknowledged only after it commits, and the index is rebuilt from
//! [`Store::pin_locations`] at start. Handlers depend on `dyn Store`, never on sqlx types, so PostGIS and the
//! embedded store are interchangeable.
//!
//! SQL: each store keeps its statements in `sql/*.sql` beside it (`postgis/sql/`, `gpkg/sql/`), one statement
//! per file named for what it does, compiled in with `include_str!`, with a comment in the file where a
//! statement needs a why. Every value is bound, never formatted into the text. What stays in Rust is named in
//! each store's module doc (only a few PRAGMAs, in the GeoPackage store). The two stores speak different
//! dialects and geometry encodings, so each has its own files; what they share in Rust (checked decoding of
//! stored names, the answer to an import, id ordering) is here.

mod error;
pub mod gpkg;
pub mod postgis;

use async_trait::async_trait;

pub use error::StoreError;

use crate::domain::{
    Area, AreaVersion, Contact, NewAreaVersion, NewPin, Pin, PinId, PinLocation, PinRecord, VersionId,
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

    /// Writes one imported file as a new version of its kind, with all its areas, in one transaction. The
    /// version becomes current when asked to or when its kind has no current version yet.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn insert_area_version(&self, version: &NewAreaVersion) -> Result<(AreaVersion, Vec<Area>), StoreError>;

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
    async fn activate_area_version(&self, id: VersionId) -> Result<Option<AreaVersion>, StoreError>;

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
    async fn export_pins(&self, after: PinId, limit: usize) -> Result<Vec<(Pin, Option<Contact>)>, StoreError>;

    /// Inserts pins exactly as given (ids included), in one transaction.
    ///
    /// # Errors
    /// Any store failure (an id already present, for one); nothing is written then.
    async fn import_pins(&self, pins: &[(Pin, Option<Contact>)]) -> Result<(), StoreError>;

    /// Inserts a version and its areas exactly as given (ids included), in one transaction.
    ///
    /// # Errors
    /// Any store failure; nothing is written then.
    async fn import_area_version(&self, version: &AreaVersion, areas: &[Area]) -> Result<(), StoreError>;
}

/// A stored category, checked (another writer may have put anything there).
pub(crate) fn category(s: &str) -> Result<crate::domain::Category, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A stored status, checked.
pub(crate) fn status(s: &str) -> Result<crate::domain::Status, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

/// A stored location precision, checked.
pub(crate) fn precision(s: &str) -> Result<crate::domain::LocationPrecision, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
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

//! Storage behind one seam: the [`Store`] trait.
//!
//! The store is the record: a write is acknowledged only after it commits, and the index is rebuilt from
//! [`Store::pin_locations`] at start. Handlers depend on `dyn Store`, never on sqlx types, so PostGIS and the
//! embedded store are interchangeable.

mod error;
pub mod postgis;

use async_trait::async_trait;

pub use error::StoreError;

use crate::domain::{NewPin, Pin, PinId, PinLocation};

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
}

/// Orders `pins` as `ids` (stores return rows in any order).
pub(crate) fn in_id_order(ids: &[PinId], pins: Vec<Pin>) -> Vec<Pin> {
    let mut by_id: std::collections::HashMap<PinId, Pin> = pins.into_iter().map(|p| (p.id, p)).collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}

//! Row types as PostgreSQL returns them, and their checked conversion into domain types.

use chrono::{DateTime, Utc};

use crate::domain::{Category, Pin, PinLocation, Status};
use crate::store::StoreError;

#[derive(sqlx::FromRow)]
pub(super) struct PinRow {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub category: String,
    pub status: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(super) struct LocationRow {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub category: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

pub(crate) fn category(s: &str) -> Result<Category, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

pub(crate) fn status(s: &str) -> Result<Status, StoreError> {
    s.parse().map_err(|e: crate::domain::UnknownValue| StoreError::Corrupt(e.0))
}

impl TryFrom<PinRow> for Pin {
    type Error = StoreError;
    fn try_from(r: PinRow) -> Result<Self, StoreError> {
        Ok(Pin {
            id: r.id,
            lon: r.lon,
            lat: r.lat,
            category: category(&r.category)?,
            status: status(&r.status)?,
            description: r.description,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl TryFrom<LocationRow> for PinLocation {
    type Error = StoreError;
    fn try_from(r: LocationRow) -> Result<Self, StoreError> {
        Ok(PinLocation {
            id: r.id,
            lon: r.lon,
            lat: r.lat,
            category: category(&r.category)?,
            status: status(&r.status)?,
            created_at: r.created_at,
        })
    }
}

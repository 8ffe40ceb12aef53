//! Row types as PostgreSQL returns them, and their checked conversion into domain types.
//!
//! Rows are decoded by column name (`sqlx::FromRow`, written by `pg_row!`), so the column lists in `sql/*.sql`
//! and these structs meet by name, not by position. Stored text (category, status, kind) is checked, since another writer may
//! have put anything there.

use chrono::{DateTime, Utc};

use crate::domain::{Area, AreaNames, AreaVersion, Pin, PinLocation};
use crate::spatial::wkb_codec::multipolygon_from_wkb;
use crate::store::{StoreError, area_kind, category, precision, status, visibility};

/// A struct read from a PostgreSQL row by column name: what `#[derive(sqlx::FromRow)]` writes, without sqlx's
/// proc-macro crate (which built sqlx's database drivers a second time, for the compiler).
macro_rules! pg_row {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($fvis:vis $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])* $vis struct $name { $($fvis $field: $ty),* }
        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $name {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row as _;
                Ok(Self { $($field: row.try_get(stringify!($field))?),* })
            }
        }
    };
}
pub(super) use pg_row;

pg_row! {
    pub(crate) struct PinRow {
        pub id: i64,
        pub lon: f64,
        pub lat: f64,
        pub category: String,
        pub status: String,
        pub description: String,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        pub location_precision: String,
        pub duplicate_of: Option<i64>,
        pub visibility: String,
    }
}

pg_row! {
    pub(super) struct LocationRow {
        pub id: i64,
        pub lon: f64,
        pub lat: f64,
        pub category: String,
        pub status: String,
        pub created_at: DateTime<Utc>,
        pub location_precision: String,
        pub visibility: String,
    }
}

impl TryFrom<PinRow> for Pin {
    type Error = StoreError;
    fn try_from(r: PinRow) -> Result<Self, StoreError> {
        Ok(Pin {
            id: r.id,
            lon: r.lon,
            lat: r.lat,
            precision: precision(&r.location_precision)?,
            category: category(&r.category)?,
            status: status(&r.status)?,
            description: r.description,
            created_at: r.created_at,
            updated_at: r.updated_at,
            duplicate_of: r.duplicate_of,
            visibility: visibility(&r.visibility)?,
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
            precision: precision(&r.location_precision)?,
            category: category(&r.category)?,
            status: status(&r.status)?,
            created_at: r.created_at,
            visibility: visibility(&r.visibility)?,
        })
    }
}

pg_row! {
    pub(super) struct VersionRow {
        pub id: i64,
        pub kind: String,
        pub number: i32,
        pub label: String,
        pub source_file: String,
        pub created_at: DateTime<Utc>,
        pub current: bool,
    }
}

pg_row! {
    pub(super) struct AreaRow {
        pub id: i64,
        pub wkb: Vec<u8>,
        pub name_kk: Option<String>,
        pub name_ru: Option<String>,
        pub name_en: Option<String>,
        pub label: String,
        pub area_km2: f64,
        pub version_id: i64,
        pub kind: String,
        pub number: i32,
        pub version_label: String,
        pub source_file: String,
        pub created_at: DateTime<Utc>,
        pub current: bool,
    }
}

impl TryFrom<VersionRow> for AreaVersion {
    type Error = StoreError;
    fn try_from(r: VersionRow) -> Result<Self, StoreError> {
        Ok(AreaVersion {
            id: r.id,
            kind: area_kind(&r.kind)?,
            number: r.number,
            label: r.label,
            source_file: r.source_file,
            created_at: r.created_at,
            current: r.current,
        })
    }
}

impl TryFrom<AreaRow> for Area {
    type Error = StoreError;
    fn try_from(r: AreaRow) -> Result<Self, StoreError> {
        let version = AreaVersion::try_from(VersionRow {
            id: r.version_id,
            kind: r.kind,
            number: r.number,
            label: r.version_label,
            source_file: r.source_file,
            created_at: r.created_at,
            current: r.current,
        })?;
        Ok(Area {
            id: r.id,
            version,
            names: AreaNames { kk: r.name_kk, ru: r.name_ru, en: r.name_en },
            label: r.label,
            area_km2: r.area_km2,
            geometry: multipolygon_from_wkb(&r.wkb).map_err(|e| StoreError::Corrupt(format!("area {}: {e}", r.id)))?,
        })
    }
}

//! Plain types and validation, no I/O.
//!
//! Everything here is pure: it can be unit-tested without a database or an HTTP server, and both the HTTP
//! layer and the stores depend on it (never the other way round).

mod area;
mod bbox;
mod error;
mod pin;
mod query;
mod time_range;
mod validate;

pub use area::{Area, AreaId, AreaKind, AreaNames, AreaVersion, NewArea, NewAreaVersion, VersionId};
pub use bbox::Bbox;
pub use error::{FieldError, Location};
pub use pin::{Category, Contact, LocationPrecision, NewPin, Pin, PinId, PinLocation, PinRecord, Status, UnknownValue};
pub use query::{Cursor, Limit, Near, NearCursor, PinFilter, PinStats};
pub use time_range::TimeRange;
pub use validate::{DESCRIPTION_MAX_CHARS, parse_new_pin};

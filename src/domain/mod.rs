//! Plain types and validation, no I/O.
//!
//! Everything here is pure: it can be unit-tested without a database or an HTTP server, and both the HTTP
//! layer and the stores depend on it (never the other way round).

mod area;
mod audit;
mod bbox;
mod error;
pub mod idempotency;
mod moderation;
mod pin;
mod query;
mod staff;
mod text;
mod time_range;
mod validate;
mod workflow;

pub use area::{Area, AreaId, AreaKind, AreaNames, AreaVersion, NewArea, NewAreaVersion, VersionId};
pub use audit::{AuditAction, AuditEntry, NewAuditEntry};
pub use bbox::Bbox;
pub use error::{FieldError, Location};
pub use idempotency::Idempotency;
pub use moderation::{
    ModerationAction, ModerationMode, ModerationRequest, REASON_MAX_CHARS, Visibility, parse_moderation,
};
pub use pin::{
    Category, Contact, LocationPrecision, NewPin, Pin, PinId, PinLocation, PinRecord, SealedContact, Status,
    UnknownValue,
};
pub use query::{CompareGroup, Cursor, Limit, Near, NearCursor, PinFilter, PinStats};
pub use staff::{
    Credential, CredentialKind, NewCredential, Power, Role, STAFF_NAME_MAX, StaffMember, check_staff_name,
};
pub use text::{check_text, is_bidi_control};
pub use time_range::TimeRange;
pub use validate::{DESCRIPTION_MAX_CHARS, parse_new_pin};
pub use workflow::{Actor, COMMENT_MAX_CHARS, NewPinUpdate, PinUpdate, UpdateRequest, next_update_time, parse_update};

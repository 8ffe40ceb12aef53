//! A pin: one accessibility problem reported at one point of Almaty.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::moderation::Visibility;

/// A pin's id: positive, assigned by the store, stable across stores (a copy keeps ids).
pub type PinId = i64;

/// Who the problem is a problem for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Pram,
    Wheelchair,
    Bicycle,
    LimitedMobility,
    LowVision,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Pram,
        Category::Wheelchair,
        Category::Bicycle,
        Category::LimitedMobility,
        Category::LowVision,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Pram => "pram",
            Category::Wheelchair => "wheelchair",
            Category::Bicycle => "bicycle",
            Category::LimitedMobility => "limited_mobility",
            Category::LowVision => "low_vision",
            Category::Other => "other",
        }
    }

    /// `"pram, wheelchair, …"`, for error messages.
    pub fn list() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// Where a pin is in the planners' workflow. Every pin starts as `new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Confirmed,
    Planned,
    InProgress,
    Resolved,
    Rejected,
    /// The same problem as another pin (`duplicate_of`), which carries it on.
    Duplicate,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Confirmed,
        Status::Planned,
        Status::InProgress,
        Status::Resolved,
        Status::Rejected,
        Status::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Confirmed => "confirmed",
            Status::Planned => "planned",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Rejected => "rejected",
            Status::Duplicate => "duplicate",
        }
    }

    pub fn list() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// How precisely a pin's point says where the problem is. A citizen who knew neither the spot nor its
/// coordinates chose only the district: the pin then stands at the district's label point, which is not
/// where the problem is, and maps, filters and exports must be able to tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationPrecision {
    /// Placed at a point: on the map, by the device, or by coordinates.
    #[default]
    Point,
    /// Only the district is known; the point stands for the district.
    District,
}

impl LocationPrecision {
    pub const ALL: [LocationPrecision; 2] = [LocationPrecision::Point, LocationPrecision::District];

    pub fn as_str(self) -> &'static str {
        match self {
            LocationPrecision::Point => "point",
            LocationPrecision::District => "district",
        }
    }

    pub fn list() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

impl FromStr for LocationPrecision {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownValue(format!("{s:?} is not a location precision; use one of {}", Self::list())))
    }
}

/// Parsing failure for [`Category`] and [`Status`]; the message lists the allowed values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownValue(pub String);

impl FromStr for Category {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownValue(format!("{s:?} is not a category; use one of {}", Self::list())))
    }
}

impl FromStr for Status {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownValue(format!("{s:?} is not a status; use one of {}", Self::list())))
    }
}

/// A citizen's private contact (e-mail or phone). Never published, never logged: `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct Contact(String);

impl Contact {
    /// Wraps a contact that [`crate::domain::parse_new_pin`] or a store has already checked.
    pub fn new_unchecked(value: String) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Contact(<redacted>)")
    }
}

/// A contact as the store holds it: sealed by [`crate::contact_key::ContactKey`] (`sealed:v1 …`), opaque to
/// the stores, which keep and copy it as it is.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedContact(String);

impl SealedContact {
    /// Wraps text a store read, or a seal just made.
    pub fn new_unchecked(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SealedContact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealedContact(..)")
    }
}

/// A validated report, not yet stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPin {
    pub lon: f64,
    pub lat: f64,
    pub precision: LocationPrecision,
    pub category: Category,
    pub description: String,
    /// The reporter's contact, sealed before it reaches a store.
    pub contact: Option<SealedContact>,
    /// Public, or pending when the service moderates before publishing (`--moderation pre`).
    pub visibility: Visibility,
    /// The `Idempotency-Key` it was sent with, stored with it in the same transaction.
    pub idempotency: Option<super::Idempotency>,
}

/// A pin to write with its workflow status and report time already known: seeding, bulk loads, and reports
/// gathered into one commit. [`NewPin`] alone is a citizen's report, which is always `new` and dated now.
#[derive(Debug, Clone, PartialEq)]
pub struct PinRecord {
    pub pin: NewPin,
    pub status: Status,
    pub created_at: DateTime<Utc>,
}

impl PinRecord {
    /// The pin as stored under `id`, created (and last updated) at `at`.
    pub fn stored(&self, id: PinId, at: DateTime<Utc>) -> Pin {
        Pin {
            id,
            lon: self.pin.lon,
            lat: self.pin.lat,
            precision: self.pin.precision,
            category: self.pin.category,
            status: self.status,
            description: self.pin.description.clone(),
            created_at: at,
            updated_at: at,
            duplicate_of: None,
            visibility: self.pin.visibility,
        }
    }
}

/// A stored pin's public fields. The contact is not here on purpose: nothing that renders a `Pin` can leak it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pin {
    pub id: PinId,
    pub lon: f64,
    pub lat: f64,
    pub precision: LocationPrecision,
    pub category: Category,
    pub status: Status,
    pub description: String,
    pub created_at: DateTime<Utc>,
    /// Changes with every staff update; the pin's `ETag` is made from it ([`Pin::etag`]).
    pub updated_at: DateTime<Utc>,
    /// The pin this one repeats, when its status is `duplicate` (and only then).
    pub duplicate_of: Option<PinId>,
    /// Who may see it: only public pins reach the public (`moderation`).
    pub visibility: Visibility,
}

impl Pin {
    /// The pin's entity tag: a strong validator that changes with every update (`updated_at` only ever moves
    /// forward, by at least a microsecond, see [`crate::domain::next_update_time`]).
    pub fn etag(&self) -> String {
        format!("\"{}.{}\"", self.id, self.updated_at.timestamp_micros())
    }

    pub fn location(&self) -> PinLocation {
        PinLocation {
            id: self.id,
            lon: self.lon,
            lat: self.lat,
            precision: self.precision,
            category: self.category,
            status: self.status,
            created_at: self.created_at,
            visibility: self.visibility,
        }
    }
}

/// What the spatial index keeps of a pin: enough to answer area, category, status and date filters without
/// touching the store; the text is fetched from the store only for the page that is returned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PinLocation {
    pub id: PinId,
    pub lon: f64,
    pub lat: f64,
    pub precision: LocationPrecision,
    pub category: Category,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    /// Which index holds it: the public one, or the staff's pending or hidden one (`crate::state`).
    pub visibility: Visibility,
}

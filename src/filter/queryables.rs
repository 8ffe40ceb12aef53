//! The queryables of the pins collection: the only names a filter may use as properties. The list is the single
//! source for both the `/queryables` document and the compiler, so the two cannot drift apart.

/// The type of a queryable, as a `/queryables` document describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryableType {
    /// A whole number (JSON Schema `integer`).
    Integer,
    /// A string (JSON Schema `string`).
    String,
    /// An RFC 3339 date-time (JSON Schema `string` with `format: date-time`).
    Timestamp,
    /// A point geometry in lon/lat (GeoJSON `Point`).
    Point,
}

/// The queryables of the pins collection, in the order a `/queryables` document lists them, with their types.
pub const QUERYABLES: &[(&str, QueryableType)] = &[
    ("id", QueryableType::Integer),
    ("category", QueryableType::String),
    ("status", QueryableType::String),
    ("location_precision", QueryableType::String),
    ("description", QueryableType::String),
    ("created_at", QueryableType::Timestamp),
    ("updated_at", QueryableType::Timestamp),
    ("geometry", QueryableType::Point),
];

/// A queryable as the compiler and the evaluator see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Id,
    Category,
    Status,
    LocationPrecision,
    Description,
    CreatedAt,
    UpdatedAt,
    Geometry,
}

impl Field {
    /// The queryable with this exact (case-sensitive) name.
    pub(super) fn from_name(name: &str) -> Option<Field> {
        Some(match name {
            "id" => Field::Id,
            "category" => Field::Category,
            "status" => Field::Status,
            "location_precision" => Field::LocationPrecision,
            "description" => Field::Description,
            "created_at" => Field::CreatedAt,
            "updated_at" => Field::UpdatedAt,
            "geometry" => Field::Geometry,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Category => "category",
            Field::Status => "status",
            Field::LocationPrecision => "location_precision",
            Field::Description => "description",
            Field::CreatedAt => "created_at",
            Field::UpdatedAt => "updated_at",
            Field::Geometry => "geometry",
        }
    }

    pub(super) fn kind(self) -> QueryableType {
        match self {
            Field::Id => QueryableType::Integer,
            Field::Category | Field::Status | Field::LocationPrecision | Field::Description => QueryableType::String,
            Field::CreatedAt | Field::UpdatedAt => QueryableType::Timestamp,
            Field::Geometry => QueryableType::Point,
        }
    }

    /// "id is an integer", for messages.
    pub(super) fn described(self) -> String {
        let kind = match self.kind() {
            QueryableType::Integer => "an integer",
            QueryableType::String => "a string",
            QueryableType::Timestamp => "a timestamp",
            QueryableType::Point => "a point",
        };
        format!("{} is {kind}", self.name())
    }
}

/// "id, category, …, geometry", for messages.
pub(super) fn queryable_names() -> String {
    QUERYABLES.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

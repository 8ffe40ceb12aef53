//! A field-level validation problem, shared by body and query validation.
//!
//! RFC 9457 suggests an `errors` extension member whose entries name the bad part of the request; qala names
//! a body field by JSON pointer (RFC 6901) and a query parameter by its name.

use serde::Serialize;

/// Where in the request a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Location {
    /// A JSON pointer into the request body, e.g. `/properties/category`.
    #[serde(rename = "pointer")]
    Pointer(String),
    /// The name of a query or path parameter, e.g. `bbox`.
    #[serde(rename = "parameter")]
    Parameter(String),
}

/// One invalid field and the reason, written for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    #[serde(flatten)]
    pub location: Location,
    pub detail: String,
}

impl FieldError {
    pub fn pointer(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { location: Location::Pointer(pointer.into()), detail: detail.into() }
    }

    pub fn parameter(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { location: Location::Parameter(name.into()), detail: detail.into() }
    }

    /// `"/properties/category: must be one of …"`, for the problem's one-line `detail`.
    pub fn summary(&self) -> String {
        match &self.location {
            Location::Pointer(p) if p.is_empty() => format!("the body: {}", self.detail),
            Location::Pointer(p) => format!("{p}: {}", self.detail),
            Location::Parameter(p) => format!("{p}: {}", self.detail),
        }
    }

    /// Every problem's summary on one line, `; `-separated, for the problem's `detail` or a command line.
    pub fn summaries(errors: &[FieldError]) -> String {
        errors.iter().map(FieldError::summary).collect::<Vec<_>>().join("; ")
    }
}

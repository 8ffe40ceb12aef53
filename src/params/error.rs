//! Why a request's parameters select nothing: they are malformed, or they name an area that does not exist.
//! The HTTP layer answers 400 and 404; `qala export` prints the reason.

use crate::domain::{AreaId, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// Bad parameters, each named.
    #[error("{}", FieldError::summaries(.0))]
    BadParameters(Vec<FieldError>),
    /// `within=` (or another area parameter) names no area.
    #[error("there is no area {0}")]
    UnknownArea(AreaId),
}

impl From<Vec<FieldError>> for QueryError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::BadParameters(errors)
    }
}

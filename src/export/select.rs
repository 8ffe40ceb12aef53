//! What an export holds, read from its query parameters: the same parser and allow-lists as the API
//! (`params::routes::EXPORT_PINS`, `EXPORT_AREAS`), shared by `GET /api/v1/exports/…` and `qala export`.

use std::sync::Arc;

use super::RowSource;
use crate::domain::Area;
use crate::params::{self, Params, QueryError, routes};
use crate::selection::Selection;
use crate::state::AppState;

impl RowSource {
    /// The rows of an export of `what` (`pins` or `areas`) with these query parameters.
    ///
    /// # Errors
    /// [`QueryError`] naming each bad parameter, or an unknown area.
    pub fn select(state: &AppState, what: &str, pairs: Vec<(String, String)>) -> Result<Self, QueryError> {
        match what {
            "areas" => Ok(RowSource::areas(areas(state, &params::parse(pairs, &routes::EXPORT_AREAS)?))),
            _ => {
                let params = params::parse(pairs, &routes::EXPORT_PINS)?;
                let area = state.area_of(params.area)?;
                Ok(RowSource::pins(Selection::from_params(&params, area)?, state.filter_work.clone()))
            }
        }
    }
}

/// The areas an export asks for: `kind` (district, historic_centre), `version` (its number; else the current
/// version), `area` (one area id).
fn areas(state: &AppState, params: &Params) -> Vec<Arc<Area>> {
    state
        .areas
        .list(params.kind, params.version.is_none())
        .into_iter()
        .filter(|a| {
            params.version.is_none_or(|n| a.version.number == n) && params.only_area.is_none_or(|id| a.id == id)
        })
        .collect()
}

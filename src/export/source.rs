//! Where export rows come from: a pin selection, paged by id through the index and the store (a chunk at a
//! time, so memory does not grow with the export), or a list of areas.

use std::sync::Arc;

use super::layer::{AREAS, Layer, PINS, Row};
use crate::domain::{Area, Limit};
use crate::index::PinIndex;
use crate::selection::{Selection, SelectionCursor, SelectionError, Work};
use crate::store::Store;

/// Pins per chunk. Each chunk costs one walk of the selection's part of the index (a bounded heap picks the
/// next ids), so chunks are as large as a page may be: a million-pin export is 100 walks, not 500. Measured
/// on 1.03M pins over PostGIS (release build, `curl` of pins.geojson, twice each): 17.9 and 18.2 s with
/// chunks of 2,000, 12.3 and 9.7 s with 10,000. A chunk is a few megabytes in flight.
const PINS_PER_CHUNK: usize = 10_000;

pub enum RowSource {
    Pins { selection: Arc<Selection>, cursor: SelectionCursor, work: Work },
    Areas(Option<Vec<Arc<Area>>>),
}

impl RowSource {
    /// The pins `selection` holds, each chunk under `work`'s budget.
    pub fn pins(selection: Selection, work: Work) -> Self {
        RowSource::Pins { selection: Arc::new(selection), cursor: SelectionCursor::new(), work }
    }

    /// The same rows with another budget (the operator's own `qala export` has none).
    pub fn with_work(self, new: Work) -> Self {
        match self {
            RowSource::Pins { selection, cursor, .. } => RowSource::Pins { selection, cursor, work: new },
            areas => areas,
        }
    }

    pub fn areas(areas: Vec<Arc<Area>>) -> Self {
        RowSource::Areas(Some(areas))
    }

    pub fn layer(&self) -> &'static Layer {
        match self {
            RowSource::Pins { .. } => &PINS,
            RowSource::Areas(_) => &AREAS,
        }
    }

    /// Whether a chunk may be refused for its cost (a selection that tests each pin against a filter).
    pub fn may_exceed_budget(&self) -> bool {
        matches!(self, RowSource::Pins { selection, .. } if selection.tests_each_pin())
    }

    /// How many rows the export will hold, when known in advance (for a progress bar).
    pub fn len_hint(&self, index: &PinIndex) -> Option<u64> {
        match self {
            RowSource::Pins { selection, .. } => selection.count(index),
            RowSource::Areas(areas) => areas.as_ref().map(|a| a.len() as u64),
        }
    }

    /// The next chunk of rows, `None` at the end.
    ///
    /// # Errors
    /// A store failure; a chunk whose filter costs more than the budget.
    pub async fn next(&mut self, index: &PinIndex, store: &dyn Store) -> Result<Option<Vec<Row>>, SelectionError> {
        match self {
            RowSource::Pins { selection, cursor, work } => {
                let limit = Limit::of(PINS_PER_CHUNK);
                let pins = cursor.next(selection, index, store, limit, work).await?;
                Ok(pins.map(|pins| pins.iter().map(Row::from).collect()))
            }
            RowSource::Areas(areas) => {
                Ok(areas.take().filter(|a| !a.is_empty()).map(|a| a.iter().map(|a| Row::from(a.as_ref())).collect()))
            }
        }
    }
}

//! The in-memory spatial index: the only module that imports `rstar`.
//!
//! Every pin's location (and the attributes listings filter on) lives in an R-tree that answers area queries
//! without touching the store. It is bulk-loaded from the store at start and updated after every committed
//! write, so it never answers with a pin the store does not hold, nor misses one it does.

mod areas;
mod bounded;
mod entry;
mod matching;
mod nearest;
mod pin_queries;
mod pins;
mod walk;

pub use areas::AreaIndex;
pub use matching::{DirectedPage, IndexedPin, PageFrom, PinQuery};
pub use pin_queries::NearPage;
pub use pins::{Page, PinIndex};

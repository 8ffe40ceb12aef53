//! The in-memory spatial index: the only module that imports `rstar`.
//!
//! Every pin's location (and the attributes listings filter on) lives in an R-tree that answers box, area,
//! distance and filter queries without touching the store; the areas live in a second R-tree of their parts'
//! boxes. Both belong to one qala process.
//!
//! How current it is: the pins index is bulk-loaded from the store at start and updated after every write this
//! process commits, so within one instance it never answers with a pin the store does not hold, nor misses one
//! it does. Several instances may share one PostGIS: each instance's pins index then sees only the pins that
//! were in the store when it loaded and its own writes since, until it loads again (at its next start). The
//! area index instead follows the store wherever the change comes from: the server polls the store's areas
//! revision and replaces the whole set when it changes (`server.rs`), because `qala areas` imports from
//! another process.
//!
//! Layout, each file using only those above it:
//! - `entry`: a leaf of the pins tree and the tree's shape; `bounded`: the bounded heap pages keep ids in;
//! - `walk`: where a query searches (its boxes intersected) and the hand-written walk over the tree;
//! - `pins`: [`PinIndex`] itself, its load and updates, listing pages, the filtered walk the others share;
//! - `nearest`: the k nearest in metres; `pin_queries`: boxes, areas, their statistics and radius searches;
//! - `matching`: pages both ways and counts under an extra per-pin test (CQL2 filters, OGC API);
//! - `areas`: the [`AreaIndex`], on its own.

mod areas;
mod bounded;
mod entry;
mod matching;
mod nearest;
mod pin_queries;
mod pins;
mod walk;

pub use areas::AreaIndex;
pub use matching::{DirectedPage, IndexedPin, MatchingPage, PageFrom, PinQuery};
pub use pin_queries::NearPage;
pub use pins::{Page, PinIndex};

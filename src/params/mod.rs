//! Query parameters, parsed once into typed values by one parser for every request: the HTTP listings
//! (`/api/v1/pins`, the area routes, the map's routes, the exports, the audit log, OGC API items) and
//! `qala export`.
//!
//! Why one parser: the same name (`bbox`, `cursor`, `limit`, `datetime`) read by several copies drifted apart
//! in what each accepted and how it said no. Here each name has one meaning and one error message, each
//! route has an allow-list ([`routes`]), and every problem of a request comes back at once, so a 400 names
//! them all. The HTTP layer only collects the pairs and maps the errors to problem+json.

mod error;
mod parse;
pub mod routes;
mod sort;
mod values;

pub use error::QueryError;
pub use parse::{Params, parse};
pub use routes::Route;
pub use sort::{SortBy, SortKey};
pub use values::{area_id, cql2_filter, lon_lat};

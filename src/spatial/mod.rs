//! Geometry work that needs more than plain types: the service area (Almaty's outline), geodesic measures,
//! WKB for the stores, reading area files in any CRS, and GeoJSON rendering.
//!
//! Named `spatial`, not `geo`, so it never shadows the `geo` crate.

pub mod crs;
mod geojson_out;
pub mod gpkg_blob;
pub mod import;
pub mod measure;
pub mod prepared_area;
mod search_area;
mod service_area;
pub mod wkb_codec;

pub use crs::Crs;
pub use geojson_out::{area_feature, multipolygon_geometry, pin_feature, point_geometry};
pub use prepared_area::PreparedArea;
pub use search_area::{SEARCH_MAX_VERTICES, parse_search_area};
pub use service_area::{ServiceArea, ServiceAreaError};

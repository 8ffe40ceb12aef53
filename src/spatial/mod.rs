//! Geometry work that needs more than plain types: the service area (Almaty's outline) and GeoJSON rendering.
//!
//! Named `spatial`, not `geo`, so it never shadows the `geo` crate.

mod geojson_out;
mod service_area;

pub use geojson_out::{pin_feature, point_geometry};
pub use service_area::{ServiceArea, ServiceAreaError};

//! The service area: where a pin may be placed. qala serves Almaty, so a pin outside the city boundary is
//! refused. The boundary ships in `data/almaty_city_boundary.geojson` (OpenStreetMap, ODbL) and is compiled
//! into the binary, so the service needs no data files at run time.

use std::sync::Arc;

use geo::{BoundingRect, MultiPolygon, Polygon, Rect};

use super::PreparedArea;
use geojson::GeoJson;

/// The Almaty city boundary as shipped (OSM-derived dissolve of the eight districts).
pub const ALMATY_BOUNDARY_GEOJSON: &str = include_str!("../../data/almaty_city_boundary.geojson");

#[derive(Debug, thiserror::Error)]
pub enum ServiceAreaError {
    #[error("the service-area file is not GeoJSON: {0}")]
    Parse(#[from] geojson::Error),
    #[error("the service-area file holds no polygon")]
    NoPolygon,
}

/// A (multi)polygon in lon/lat, prepared for fast exact membership tests (see [`PreparedArea`]).
#[derive(Debug, Clone)]
pub struct ServiceArea {
    name: String,
    /// The outline as read, for clients that draw it (the web map's city outline).
    geometry: Arc<MultiPolygon<f64>>,
    shape: Arc<PreparedArea>,
    bounds: Rect<f64>,
}

impl ServiceArea {
    /// The shipped Almaty boundary.
    ///
    /// # Errors
    /// Only if the compiled-in file were broken (a unit test proves it is not).
    pub fn almaty() -> Result<Self, ServiceAreaError> {
        Self::from_geojson("Almaty", ALMATY_BOUNDARY_GEOJSON)
    }

    /// Every polygon of every feature in `text` (a FeatureCollection, Feature or geometry) forms the area.
    ///
    /// # Errors
    /// When `text` is not GeoJSON or holds no polygon.
    pub fn from_geojson(name: &str, text: &str) -> Result<Self, ServiceAreaError> {
        let gj: GeoJson = text.parse()?;
        let mut polygons: Vec<Polygon<f64>> = Vec::new();
        let geometries: Vec<geojson::Geometry> = match gj {
            GeoJson::FeatureCollection(fc) => fc.features.into_iter().filter_map(|f| f.geometry).collect(),
            GeoJson::Feature(f) => f.geometry.into_iter().collect(),
            GeoJson::Geometry(g) => vec![g],
        };
        for g in geometries {
            match geo::Geometry::<f64>::try_from(g)? {
                geo::Geometry::Polygon(p) => polygons.push(p),
                geo::Geometry::MultiPolygon(mp) => polygons.extend(mp.0),
                _ => {}
            }
        }
        let shape = MultiPolygon(polygons);
        let bounds = shape.bounding_rect().ok_or(ServiceAreaError::NoPolygon)?;
        Ok(Self {
            name: name.to_owned(),
            shape: Arc::new(PreparedArea::new(&shape)),
            geometry: Arc::new(shape),
            bounds,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The boundary itself, in lon/lat.
    pub fn geometry(&self) -> &MultiPolygon<f64> {
        &self.geometry
    }

    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub fn bounds(&self) -> [f64; 4] {
        [self.bounds.min().x, self.bounds.min().y, self.bounds.max().x, self.bounds.max().y]
    }

    /// Whether the point is inside or on the boundary (the same closed-set semantics as `ST_Intersects`).
    pub fn covers(&self, lon: f64, lat: f64) -> bool {
        self.shape.intersects(lon, lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn almaty_contains_its_landmarks_and_not_its_neighbours() {
        let Ok(area) = ServiceArea::almaty() else { unreachable!("the shipped boundary parses") };
        assert!(area.covers(76.9458, 43.2380), "Republic Square");
        assert!(area.covers(77.0402, 43.3521), "the airport");
        assert!(area.covers(77.15, 43.35), "Medeu's exclave");
        assert!(!area.covers(76.6330, 43.2870), "Kaskelen, west of the city");
        assert!(!area.covers(71.4306, 51.1283), "Astana");
        assert!(!area.covers(0.0, 0.0));
    }
}

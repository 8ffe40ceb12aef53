//! A lon/lat bounding box as given in `bbox=minLon,minLat,maxLon,maxLat`.

use super::FieldError;

/// An axis-aligned box in EPSG:4326 (lon, lat). Edges are inclusive, like PostGIS `ST_Intersects` with
/// `ST_MakeEnvelope`: a point exactly on an edge is inside.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl Bbox {
    /// Parses `minLon,minLat,maxLon,maxLat`.
    ///
    /// # Errors
    /// A [`FieldError`] naming the parameter when the arity is wrong, a value is not a finite number, a value
    /// is outside the lon/lat range, or a minimum exceeds its maximum.
    pub fn parse(param: &str, raw: &str) -> Result<Self, FieldError> {
        let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(FieldError::parameter(
                param,
                format!("must be four comma-separated numbers minLon,minLat,maxLon,maxLat; got {} values", parts.len()),
            ));
        }
        let mut v = [0.0_f64; 4];
        for (i, p) in parts.iter().enumerate() {
            v[i] = p.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| {
                FieldError::parameter(param, format!("value {} ({p:?}) is not a finite number", i + 1))
            })?;
        }
        let [min_lon, min_lat, max_lon, max_lat] = v;
        for (name, x, limit) in [
            ("minLon", min_lon, 180.0),
            ("minLat", min_lat, 90.0),
            ("maxLon", max_lon, 180.0),
            ("maxLat", max_lat, 90.0),
        ] {
            if x.abs() > limit {
                return Err(FieldError::parameter(param, format!("{name} {x} is outside -{limit}..{limit}")));
            }
        }
        if min_lon > max_lon {
            return Err(FieldError::parameter(param, format!("minLon {min_lon} is greater than maxLon {max_lon}")));
        }
        if min_lat > max_lat {
            return Err(FieldError::parameter(param, format!("minLat {min_lat} is greater than maxLat {max_lat}")));
        }
        Ok(Self { min_lon, min_lat, max_lon, max_lat })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let b = Bbox::parse("bbox", "76.9,43.2,77.0,43.3").ok();
        assert_eq!(b, Some(Bbox { min_lon: 76.9, min_lat: 43.2, max_lon: 77.0, max_lat: 43.3 }));
        for bad in ["1,2,3", "1,2,3,4,5", "a,2,3,4", "3,2,1,4", "1,4,3,2", "1,2,3,NaN", "1,2,3,inf", "1,2,200,4", ""] {
            assert!(Bbox::parse("bbox", bad).is_err(), "{bad} should be rejected");
        }
        // A degenerate box (a point) is allowed: it asks for pins exactly there.
        assert!(Bbox::parse("bbox", "1,2,1,2").is_ok());
    }
}

//! Parsers of single parameter values (`near=lon,lat`, `radius_m=…`, a CRS, an area id, a list of slugs, a
//! box in any supported CRS), each naming its parameter in the [`FieldError`] it returns. The listing
//! parameters' own types (`Limit`, `Cursor`, `Bbox`, `TimeRange`) parse themselves in `domain`.

use crate::domain::{AreaId, Bbox, FieldError, Near, UnknownValue};
use crate::filter::PinPredicate;
use crate::spatial::Crs;

/// `lon,lat` as two finite numbers in range.
///
/// # Errors
/// A [`FieldError`] for `name` saying what is wrong with the pair.
pub fn lon_lat(name: &str, raw: &str) -> Result<(f64, f64), FieldError> {
    let bad = |why: &str| FieldError::parameter(name, format!("must be lon,lat in degrees ({why}); got {raw:?}"));
    let (lon, lat) = raw.split_once(',').ok_or_else(|| bad("two comma-separated numbers"))?;
    let lon = lon.trim().parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| bad("lon is not a number"))?;
    let lat = lat.trim().parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| bad("lat is not a number"))?;
    if lon.abs() > 180.0 || lat.abs() > 90.0 {
        return Err(bad("lon within -180..180, lat within -90..90"));
    }
    Ok((lon, lat))
}

pub(super) fn radius_m(raw: &str) -> Result<f64, FieldError> {
    match raw.trim().parse::<f64>() {
        Ok(r) if r > 0.0 && r <= Near::MAX_RADIUS_M => Ok(r),
        _ => Err(FieldError::parameter(
            "radius_m",
            format!("must be a number of metres greater than 0 and at most {}; got {raw:?}", Near::MAX_RADIUS_M),
        )),
    }
}

pub(super) fn k_nearest(raw: &str) -> Result<usize, FieldError> {
    match raw.trim().parse::<usize>() {
        Ok(k) if (1..=Near::MAX_K).contains(&k) => Ok(k),
        _ => Err(FieldError::parameter("k", format!("must be an integer from 1 to {}; got {raw:?}", Near::MAX_K))),
    }
}

/// An area id in a query parameter.
///
/// # Errors
/// A [`FieldError`] for `name` when the value is not an id.
pub fn area_id(name: &str, raw: &str) -> Result<AreaId, FieldError> {
    match raw.trim().parse::<AreaId>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(FieldError::parameter(name, format!("must be an area id (a positive whole number); got {raw:?}"))),
    }
}

/// A comma-separated list of categories or statuses (`category=pram,wheelchair`).
pub(super) fn list<T>(name: &str, raw: &str) -> Result<Vec<T>, FieldError>
where
    T: std::str::FromStr<Err = UnknownValue>,
{
    raw.split(',').map(|s| s.trim().parse::<T>().map_err(|e| FieldError::parameter(name, e.0))).collect()
}

pub(super) fn crs(name: &str, raw: &str) -> Result<Crs, FieldError> {
    Crs::parse(raw).map_err(|why| FieldError::parameter(name, why))
}

pub(super) fn offset(raw: &str) -> Result<usize, FieldError> {
    raw.trim()
        .parse::<usize>()
        .map_err(|_| FieldError::parameter("offset", format!("must be an integer, 0 or more; got {raw:?}")))
}

pub(super) fn boolean(name: &str, raw: &str) -> Result<bool, FieldError> {
    match raw {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(FieldError::parameter(name, "must be true or false")),
    }
}

/// Free text (the audit log's `actor`, `action`, `target`), trimmed; `None` when nothing is left.
pub(super) fn text(raw: &str) -> Option<String> {
    Some(raw.trim().to_owned()).filter(|v| !v.is_empty())
}

pub(super) fn version(raw: &str) -> Result<i32, FieldError> {
    match raw.trim().parse::<i32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(FieldError::parameter("version", format!("must be a version number; got {raw:?}"))),
    }
}

/// A CQL2 text `filter` compiled against the pins' queryables, its geometries read in `crs`; a bad filter
/// names `filter` with the line and column of the fault.
///
/// # Errors
/// A [`FieldError`] for `filter` saying what is wrong and where.
pub fn cql2_filter(text: &str, crs: Crs) -> Result<PinPredicate, FieldError> {
    crate::filter::compile(text, &|x, y| crs.to_lon_lat(x, y)).map_err(|e| {
        let at = e.line.zip(e.column).map(|(l, c)| format!(" (line {l}, column {c})")).unwrap_or_default();
        FieldError::parameter("filter", format!("{}{at}", e.message))
    })
}

/// Four (or six, with heights, which are dropped) finite numbers.
pub(super) fn box_numbers(name: &str, raw: &str) -> Result<[f64; 4], FieldError> {
    let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
    if parts.len() != 4 && parts.len() != 6 {
        return Err(FieldError::parameter(
            name,
            format!("must be 4 (or 6) comma-separated numbers minLon,minLat,maxLon,maxLat; got {}", parts.len()),
        ));
    }
    let mut v = Vec::with_capacity(parts.len());
    for (i, p) in parts.iter().enumerate() {
        let x = p.parse::<f64>().ok().filter(|x| x.is_finite());
        v.push(
            x.ok_or_else(|| FieldError::parameter(name, format!("value {} ({p:?}) is not a finite number", i + 1)))?,
        );
    }
    Ok(if v.len() == 6 { [v[0], v[1], v[3], v[4]] } else { [v[0], v[1], v[2], v[3]] })
}

/// A box in a projected CRS, `[min_x, min_y, max_x, max_y]` in that CRS's units.
pub type ProjectedBox = (Crs, [f64; 4]);

/// A `bbox` given in `crs`, resolved to what the index needs: the lon/lat box that holds every point of the
/// requested box, and for a projected CRS the box in that CRS, which each candidate is tested against
/// exactly.
pub(super) fn resolve_bbox([a, b, c, d]: [f64; 4], crs: Crs) -> Result<(Bbox, Option<ProjectedBox>), FieldError> {
    let name = "bbox";
    match crs {
        Crs::Crs84 => Bbox::parse(name, &format!("{a},{b},{c},{d}")).map(|lon_lat| (lon_lat, None)),
        // EPSG:4326 in its authority's order: minLat, minLon, maxLat, maxLon.
        Crs::Epsg4326 => Bbox::parse(name, &format!("{b},{a},{d},{c}")).map(|lon_lat| (lon_lat, None)),
        projected => {
            if a > c || b > d {
                return Err(FieldError::parameter(name, "a minimum is greater than its maximum"));
            }
            // The lon/lat envelope of the box's outline, densified, so that curved images of its edges fit.
            let steps = 32;
            let mut env = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
            for i in 0..=steps {
                let t = f64::from(i) / f64::from(steps);
                for (x, y) in [(a + (c - a) * t, b), (a + (c - a) * t, d), (a, b + (d - b) * t), (c, b + (d - b) * t)] {
                    let (lon, lat) = projected.to_lon_lat(x, y).map_err(|why| {
                        FieldError::parameter(name, format!("cannot be converted from {projected}: {why}"))
                    })?;
                    env = [env[0].min(lon), env[1].min(lat), env[2].max(lon), env[3].max(lat)];
                }
            }
            // A margin of a millionth of a degree (~0.1 m) covers the curvature between the densified points.
            let m = 1e-6;
            let lon_lat = Bbox { min_lon: env[0] - m, min_lat: env[1] - m, max_lon: env[2] + m, max_lat: env[3] + m };
            Ok((lon_lat, Some((projected, [a, b, c, d]))))
        }
    }
}

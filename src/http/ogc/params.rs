//! The query parameters of OGC API – Features items requests, parsed once into typed values.
//!
//! Unknown parameters are refused (Part 1 permits it and a typo then fails loudly instead of being ignored);
//! every bad value is named in one 400 problem.

use crate::domain::{Bbox, Category, FieldError, Limit, PinId, Status, TimeRange};
use crate::http::ApiError;
use crate::http::extract::list;
use crate::spatial::Crs;

/// A `bbox` as the client gave it, in `bbox-crs`, resolved to what the index needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BboxParam {
    /// The lon/lat box that holds every point of the requested box.
    pub lon_lat: Bbox,
    /// For a projected `bbox-crs`: the box in that CRS, which each candidate is tested against exactly.
    pub projected: Option<(Crs, [f64; 4])>,
}

/// Parameters of an items request (pins or areas).
#[derive(Debug, Default)]
pub struct ItemsParams {
    pub f: Option<String>,
    pub limit: Limit,
    pub bbox: Option<BboxParam>,
    pub datetime: Option<TimeRange>,
    pub crs: Crs,
    pub categories: Vec<Category>,
    pub statuses: Vec<Status>,
    pub filter: Option<String>,
    pub filter_crs: Crs,
    pub cursor: Option<PinId>,
    pub before: Option<PinId>,
    pub offset: usize,
    /// The parameters as given, minus the paging ones, for links.
    pub echo: Vec<(String, String)>,
}

impl ItemsParams {
    /// # Errors
    /// [`ApiError::BadParameters`] naming every unknown or bad parameter.
    pub fn parse(pairs: Vec<(String, String)>, allowed: &[&str]) -> Result<Self, ApiError> {
        let mut out = ItemsParams::default();
        let mut errors = Vec::new();
        let (mut raw_bbox, mut bbox_crs) = (None, Crs::Crs84);
        for (name, value) in pairs {
            if !allowed.contains(&name.as_str()) {
                errors.push(FieldError::parameter(
                    &name,
                    format!("unknown parameter; this request takes {}", allowed.join(", ")),
                ));
                continue;
            }
            let result = match name.as_str() {
                "f" => {
                    out.f = Some(value.clone());
                    Ok(())
                }
                "limit" => Limit::parse(&value).map(|l| out.limit = l),
                "bbox" => numbers("bbox", &value).map(|b| raw_bbox = Some(b)),
                "bbox-crs" => crs("bbox-crs", &value).map(|c| bbox_crs = c),
                "crs" => crs("crs", &value).map(|c| out.crs = c),
                "datetime" => TimeRange::parse("datetime", &value).map(|r| out.datetime = Some(r)),
                "category" => list(&name, &value).map(|v| out.categories = v),
                "status" => list(&name, &value).map(|v| out.statuses = v),
                "filter" => {
                    out.filter = Some(value.clone());
                    Ok(())
                }
                "filter-lang" => match value.trim() {
                    "cql2-text" => Ok(()),
                    other => Err(FieldError::parameter(
                        "filter-lang",
                        format!("{other:?} is not supported; the only filter language is cql2-text"),
                    )),
                },
                "filter-crs" => crs("filter-crs", &value).map(|c| out.filter_crs = c),
                "cursor" => id("cursor", &value).map(|c| out.cursor = Some(c)),
                "before" => id("before", &value).map(|c| out.before = Some(c)),
                "offset" => value
                    .trim()
                    .parse::<usize>()
                    .map(|o| out.offset = o)
                    .map_err(|_| FieldError::parameter("offset", format!("must be a whole number; got {value:?}"))),
                _ => Ok(()),
            };
            match result {
                Ok(()) if !matches!(name.as_str(), "cursor" | "before" | "offset") => out.echo.push((name, value)),
                Ok(()) => {}
                Err(e) => errors.push(e),
            }
        }
        if out.cursor.is_some() && out.before.is_some() {
            errors.push(FieldError::parameter("before", "cannot be combined with cursor; follow one link"));
        }
        if let Some(raw) = raw_bbox {
            match resolve_bbox(raw, bbox_crs) {
                Ok(b) => out.bbox = Some(b),
                Err(e) => errors.push(e),
            }
        } else if out.echo.iter().any(|(k, _)| k == "bbox-crs") {
            errors.push(FieldError::parameter("bbox-crs", "is only meaningful with bbox"));
        }
        if errors.is_empty() { Ok(out) } else { Err(ApiError::BadParameters(errors)) }
    }
}

fn crs(name: &str, raw: &str) -> Result<Crs, FieldError> {
    Crs::parse(raw).map_err(|why| FieldError::parameter(name, why))
}

fn id(name: &str, raw: &str) -> Result<PinId, FieldError> {
    raw.trim()
        .parse::<PinId>()
        .ok()
        .filter(|&n| n >= 0)
        .ok_or_else(|| FieldError::parameter(name, format!("{raw:?} is not a valid page token; follow the links")))
}

/// Four (or six, with heights) finite numbers.
fn numbers(name: &str, raw: &str) -> Result<[f64; 4], FieldError> {
    let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
    if parts.len() != 4 && parts.len() != 6 {
        return Err(FieldError::parameter(
            name,
            format!("must be 4 (or 6) comma-separated numbers; got {}", parts.len()),
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

/// Turns a box in `crs` into the lon/lat box the index searches (and, when projected, the exact box).
fn resolve_bbox([a, b, c, d]: [f64; 4], crs: Crs) -> Result<BboxParam, FieldError> {
    let name = "bbox";
    match crs {
        Crs::Crs84 => {
            Bbox::parse(name, &format!("{a},{b},{c},{d}")).map(|lon_lat| BboxParam { lon_lat, projected: None })
        }
        // EPSG:4326 in its authority's order: minLat, minLon, maxLat, maxLon.
        Crs::Epsg4326 => {
            Bbox::parse(name, &format!("{b},{a},{d},{c}")).map(|lon_lat| BboxParam { lon_lat, projected: None })
        }
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
            Ok(BboxParam { lon_lat, projected: Some((projected, [a, b, c, d])) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<ItemsParams, ApiError> {
        let pairs = form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        ItemsParams::parse(pairs, super::super::vocabulary::PIN_ITEMS_PARAMS)
    }

    #[test]
    fn epsg_4326_boxes_are_lat_lon() {
        let p = parse("bbox=43.2,76.9,43.3,77.0&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326").ok();
        let b = p.and_then(|p| p.bbox).map(|b| b.lon_lat);
        assert_eq!(b, Some(Bbox { min_lon: 76.9, min_lat: 43.2, max_lon: 77.0, max_lat: 43.3 }));
    }

    #[test]
    fn projected_boxes_test_points_exactly() {
        let (x, y) = Crs::Epsg32643.from_lon_lat(76.9458, 43.2380).unwrap_or_default();
        let q = format!("bbox={},{},{},{}&bbox-crs=EPSG:32643", x - 100.0, y - 100.0, x + 100.0, y + 100.0);
        let b = parse(&q).ok().and_then(|p| p.bbox);
        assert_eq!(b.and_then(|b| b.projected), Some((Crs::Epsg32643, [x - 100.0, y - 100.0, x + 100.0, y + 100.0])));
        let b = b.map(|b| b.lon_lat).unwrap_or(Bbox { min_lon: 0.0, min_lat: 0.0, max_lon: 0.0, max_lat: 0.0 });
        assert!(b.min_lon < 76.9458 && b.max_lon > 76.9458 && b.max_lon - b.min_lon < 0.01);
    }

    #[test]
    fn names_every_bad_parameter() {
        let result = parse("bbox=1,2,3&crs=EPSG:2154&limit=0&datetime=soon&colour=red&filter-lang=cql2-json&cursor=x");
        let errors = match result {
            Err(ApiError::BadParameters(errors)) => errors,
            _ => Vec::new(),
        };
        let names: Vec<String> = errors.iter().map(|e| e.summary()).collect();
        for want in ["bbox", "crs", "limit", "datetime", "colour", "filter-lang", "cursor"] {
            assert!(names.iter().any(|n| n.starts_with(want)), "{want} missing from {names:?}");
        }
    }
}

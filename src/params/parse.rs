//! The one parser of query parameters: every name a qala request takes, parsed into typed [`Params`], with
//! each route saying which names it allows ([`Route`]). Every problem of a request (an unknown name, a name
//! given twice, a bad value, a value that needs another) is collected, so one 400 names them all.

use super::routes::Route;
use super::sort::SortBy;
use super::values::{
    ProjectedBox, area_id, boolean, box_numbers, crs, k_nearest, list, lon_lat, offset, radius_m, resolve_bbox, text,
    version,
};
use crate::domain::{
    AreaId, AreaKind, CompareGroup, Cursor, FieldError, Limit, Near, NearCursor, PinFilter, PinId, TimeRange,
    Visibility,
};
use crate::spatial::Crs;

/// Every query parameter a request may carry, typed. What a route does not allow stays at its default.
#[derive(Debug, Default)]
pub struct Params {
    /// `f`: the representation asked for (OGC API), negotiated by the HTTP layer.
    pub f: Option<String>,
    /// `bbox` (as a lon/lat box), `category`, `status`, `location_precision`, `datetime` (report time).
    pub filter: PinFilter,
    /// A `bbox` given in a projected `bbox-crs`: the box in that CRS, tested exactly (`filter.bbox` then
    /// holds a lon/lat box around it).
    pub projected_box: Option<ProjectedBox>,
    /// `within=<area id>`: only pins inside that area.
    pub area: Option<AreaId>,
    /// `near=lon,lat` with `radius_m` and/or `k`.
    pub near: Option<Near>,
    pub limit: Limit,
    /// `cursor`: the keyset cursor of an id-ordered listing.
    pub cursor: Option<Cursor>,
    /// `cursor` of a distance-ordered (`near`) listing.
    pub near_cursor: Option<NearCursor>,
    /// `before`: the first id of the page after the one asked for (OGC API `prev` links).
    pub before: Option<PinId>,
    /// `offset`: pages of few, large items (areas) and of sorted tables.
    pub offset: usize,
    /// `crs`: the CRS of the answer's geometries.
    pub crs: Crs,
    /// `filter`: CQL2 text, compiled by the caller against its queryables.
    pub cql2: Option<String>,
    /// `filter-crs`: the CRS of the filter's geometries.
    pub filter_crs: Crs,
    /// `sortby` of the map's table.
    pub sort: SortBy,
    /// `visibility` of a staff listing: public (the default, and all the public may ask), pending or hidden.
    pub visibility: Option<Visibility>,
    /// `kind` of areas.
    pub kind: Option<AreaKind>,
    /// `current`: only current area versions.
    pub current: Option<bool>,
    /// `version` of an area kind (areas exports).
    pub version: Option<i32>,
    /// `area=<id>`: one area (areas exports).
    pub only_area: Option<AreaId>,
    /// `a` and `b`: the two historic-centre versions a comparison takes.
    pub a: Option<AreaId>,
    pub b: Option<AreaId>,
    /// `group`: the one group of a comparison to page through.
    pub group: Option<CompareGroup>,
    /// `actor` of audit log entries (a staff member's name); this and the next two are trimmed, and an
    /// empty one is as if not given.
    pub actor: Option<String>,
    /// `action` of audit log entries (`pin.update`, …).
    pub action: Option<String>,
    /// `target` of audit log entries (`pin:42`, …).
    pub target: Option<String>,
    /// The parameters as given, minus the paging ones (`cursor`, `before`, `offset`), to build links.
    pub echo: Vec<(String, String)>,
}

/// The parameters that say where a page starts; links set them afresh.
const PAGING: [&str; 3] = ["cursor", "before", "offset"];

/// Parses `pairs` as `route` allows.
///
/// # Errors
/// Every unknown, repeated or bad parameter, each named.
pub fn parse(pairs: Vec<(String, String)>, route: &Route) -> Result<Params, Vec<FieldError>> {
    let mut out = Params { limit: Limit::of(route.default_limit), ..Params::default() };
    let mut raw = Raw::default();
    let mut errors = Vec::new();
    let mut seen = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        if seen.contains(&name) {
            errors.push(FieldError::parameter(&name, "is given more than once"));
            continue;
        }
        seen.push(name.clone());
        if !route.names.contains(&name.as_str()) {
            errors.push(unknown(&name, route));
            continue;
        }
        match one(&name, &value, route, &mut out, &mut raw) {
            Ok(()) if !PAGING.contains(&name.as_str()) => out.echo.push((name, value)),
            Ok(()) => {}
            Err(e) => errors.push(e),
        }
    }
    for name in route.required.iter().filter(|name| !seen.iter().any(|s| s == *name)) {
        errors.push(FieldError::parameter(*name, "is required"));
    }
    combine(&mut out, raw, &mut errors);
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn unknown(name: &str, route: &Route) -> FieldError {
    if name.is_empty() {
        FieldError::parameter(name, "a parameter without a name (nothing before its '='): leave it out")
    } else if route.names.is_empty() {
        FieldError::parameter(name, "unknown parameter; this request takes none")
    } else {
        FieldError::parameter(name, format!("unknown parameter; this request takes {}", route.names.join(", ")))
    }
}

/// Values that mean something only together with others, resolved once every pair is read.
#[derive(Default)]
struct Raw {
    bbox: Option<[f64; 4]>,
    bbox_crs: Option<Crs>,
    centre: Option<(f64, f64)>,
    radius_m: Option<f64>,
    k: Option<usize>,
    cursor: Option<String>,
}

/// Parses one allowed parameter into `out` (or, when it depends on others, into `raw`).
fn one(name: &str, value: &str, route: &Route, out: &mut Params, raw: &mut Raw) -> Result<(), FieldError> {
    match name {
        "f" => out.f = Some(value.to_owned()),
        "bbox" => raw.bbox = Some(box_numbers(name, value)?),
        "bbox-crs" => raw.bbox_crs = Some(crs(name, value)?),
        "category" => out.filter.categories = list(name, value)?,
        "status" => out.filter.statuses = list(name, value)?,
        "location_precision" => out.filter.precisions = list(name, value)?,
        "datetime" => out.filter.created = Some(TimeRange::parse(name, value)?),
        "within" => out.area = Some(area_id(name, value)?),
        "near" => raw.centre = Some(lon_lat(name, value)?),
        "radius_m" => raw.radius_m = Some(radius_m(value)?),
        "k" => raw.k = Some(k_nearest(value)?),
        "limit" => out.limit = Limit::parse_up_to(value, route.max_limit)?,
        "cursor" => raw.cursor = Some(value.to_owned()),
        "before" => out.before = Some(Cursor::parse(value).map_err(|e| renamed(e, "before"))?.0),
        "offset" => out.offset = offset(value)?,
        "crs" => out.crs = crs(name, value)?,
        "filter" => out.cql2 = Some(value.to_owned()),
        "filter-lang" => {
            if value.trim() != "cql2-text" {
                return Err(FieldError::parameter(
                    name,
                    format!("{value:?} is not supported; the only filter language is cql2-text"),
                ));
            }
        }
        "filter-crs" => out.filter_crs = crs(name, value)?,
        "sortby" => out.sort = SortBy::parse(value)?,
        "kind" => out.kind = Some(value.parse::<AreaKind>().map_err(|e| FieldError::parameter(name, e.0))?),
        "visibility" => {
            out.visibility = Some(value.parse::<Visibility>().map_err(|e| FieldError::parameter(name, e.0))?);
        }
        "current" => out.current = Some(boolean(name, value)?),
        "version" => out.version = Some(version(value)?),
        "area" => out.only_area = Some(area_id(name, value)?),
        "a" => out.a = Some(area_id(name, value)?),
        "b" => out.b = Some(area_id(name, value)?),
        "group" => out.group = Some(CompareGroup::parse(value)?),
        "actor" => out.actor = text(value),
        "action" => out.action = text(value),
        "target" => out.target = text(value),
        _ => return Err(FieldError::parameter(name, "is not a parameter qala knows")),
    }
    Ok(())
}

fn renamed(e: FieldError, name: &str) -> FieldError {
    FieldError::parameter(name, e.detail)
}

/// Resolves what depends on several parameters: the box in its CRS, `near` with its radius and count, the
/// kind of cursor, and the combinations that make no sense.
fn combine(out: &mut Params, raw: Raw, errors: &mut Vec<FieldError>) {
    // Without a box, `bbox-crs` changes nothing (a client may send its CRS with every request), so it is
    // harmless rather than an error; a CRS qala does not know is still a 400 (see `one`).
    if let Some(numbers) = raw.bbox {
        match resolve_bbox(numbers, raw.bbox_crs.unwrap_or_default()) {
            Ok((lon_lat, projected)) => {
                out.filter.bbox = Some(lon_lat);
                out.projected_box = projected;
            }
            Err(e) => errors.push(e),
        }
    }
    match (raw.centre, raw.radius_m, raw.k) {
        (Some((lon, lat)), None, None) => {
            errors.push(FieldError::parameter("near", "needs radius_m (metres) or k (number of nearest pins)"));
            out.near = Some(Near { lon, lat, radius_m: None, k: None });
        }
        (Some((lon, lat)), radius_m, k) => out.near = Some(Near { lon, lat, radius_m, k }),
        (None, Some(_), _) => errors.push(FieldError::parameter("radius_m", "is only meaningful with near=lon,lat")),
        (None, None, Some(_)) => errors.push(FieldError::parameter("k", "is only meaningful with near=lon,lat")),
        (None, None, None) => {}
    }
    if let Some(cursor) = raw.cursor {
        let parsed = match out.near {
            Some(_) => NearCursor::parse(&cursor).map(|c| out.near_cursor = Some(c)),
            None => Cursor::parse(&cursor).map(|c| out.cursor = Some(c)),
        };
        if let Err(e) = parsed {
            errors.push(e);
        }
        if out.before.is_some() {
            errors.push(FieldError::parameter("before", "cannot be combined with cursor; follow one link"));
        }
    }
    if out.version.is_some() && out.kind.is_none() {
        errors.push(FieldError::parameter("version", "needs kind (versions are numbered per kind)"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Bbox;
    use crate::params::routes;

    fn parse_ogc(q: &str) -> Result<Params, Vec<FieldError>> {
        let pairs = form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        parse(pairs, &routes::OGC_PIN_ITEMS)
    }

    #[test]
    fn epsg_4326_boxes_are_lat_lon() {
        let p = parse_ogc("bbox=43.2,76.9,43.3,77.0&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326").ok();
        let b = p.and_then(|p| p.filter.bbox);
        assert_eq!(b, Some(Bbox { min_lon: 76.9, min_lat: 43.2, max_lon: 77.0, max_lat: 43.3 }));
    }

    #[test]
    fn projected_boxes_test_points_exactly() {
        let (x, y) = Crs::Epsg32643.from_lon_lat(76.9458, 43.2380).unwrap_or_default();
        let q = format!("bbox={},{},{},{}&bbox-crs=EPSG:32643", x - 100.0, y - 100.0, x + 100.0, y + 100.0);
        let p = parse_ogc(&q).ok();
        assert_eq!(
            p.as_ref().and_then(|p| p.projected_box),
            Some((Crs::Epsg32643, [x - 100.0, y - 100.0, x + 100.0, y + 100.0]))
        );
        let b =
            p.and_then(|p| p.filter.bbox).unwrap_or(Bbox { min_lon: 0.0, min_lat: 0.0, max_lon: 0.0, max_lat: 0.0 });
        assert!(b.min_lon < 76.9458 && b.max_lon > 76.9458 && b.max_lon - b.min_lon < 0.01);
    }

    #[test]
    fn names_every_bad_parameter() {
        let errors =
            parse_ogc("bbox=1,2,3&crs=EPSG:2154&limit=0&datetime=soon&colour=red&filter-lang=cql2-json&cursor=x")
                .err()
                .unwrap_or_default();
        let names: Vec<String> = errors.iter().map(|e| e.summary()).collect();
        for want in ["bbox", "crs", "limit", "datetime", "colour", "filter-lang", "cursor"] {
            assert!(names.iter().any(|n| n.starts_with(want)), "{want} missing from {names:?}");
        }
    }

    #[test]
    fn a_repeated_or_missing_parameter_is_named_with_the_rest() {
        let pairs = vec![
            ("a".to_owned(), "1".to_owned()),
            ("a".to_owned(), "2".to_owned()),
            ("status".to_owned(), "lost".to_owned()),
        ];
        let errors = parse(pairs, &routes::AREAS_COMPARE).err().unwrap_or_default();
        let names: Vec<String> = errors.iter().map(|e| e.summary()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        for want in ["a: is given more than once", "status", "b: is required"] {
            assert!(names.iter().any(|n| n.starts_with(want)), "{want} missing from {names:?}");
        }
    }

    #[test]
    fn each_route_takes_its_own_page_sizes() {
        let limit = |route: &Route, q: &str| {
            let pairs = form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            parse(pairs, route).map(|p| p.limit.get())
        };
        assert_eq!(limit(&routes::PINS, ""), Ok(100));
        assert_eq!(limit(&routes::PINS, "limit=10000"), Ok(10_000));
        assert_eq!(limit(&routes::MAP_TABLE, ""), Ok(25));
        assert!(limit(&routes::MAP_TABLE, "limit=1001").is_err());
    }
}

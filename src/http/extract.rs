//! Validated extractors: the request is parsed once into typed values, so handlers never see raw strings.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, header, request::Parts};
use serde_json::Value;

use super::error::ApiError;
use crate::domain::{AreaId, Bbox, Cursor, FieldError, Limit, Near, NearCursor, PinFilter, TimeRange};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest search-outline body: 10,000 vertices of GeoJSON at full precision fit comfortably.
pub const MAX_SEARCH_BODY_BYTES: usize = 1024 * 1024;
/// How much more than its limit a body is read (and discarded) to answer 413 cleanly; beyond that the
/// connection is closed at once.
const DRAIN_BYTES: usize = 1024 * 1024;

/// A JSON body: `application/json` or `application/geo+json`, at most `MAX` bytes (64 KiB by default),
/// syntactically valid.
pub struct JsonBody<const MAX: usize = MAX_BODY_BYTES>(pub Value);

impl<S: Send + Sync, const MAX: usize> FromRequest<S> for JsonBody<MAX> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let content_type = check_content_type(req.headers());
        let declared =
            req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > (MAX + DRAIN_BYTES) as u64) {
            return Err(ApiError::PayloadTooLarge(MAX));
        }
        // Read (up to DRAIN_BYTES) even a body we will refuse, so that a client still sending it gets our
        // answer rather than a connection reset.
        let bytes = axum::body::to_bytes(req.into_body(), MAX + DRAIN_BYTES)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(MAX))?;
        content_type?;
        if bytes.len() > MAX {
            return Err(ApiError::PayloadTooLarge(MAX));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let raw = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = raw.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "application/geo+json" => Ok(()),
        "" => Err(ApiError::UnsupportedMediaType("no Content-Type".into())),
        _ => Err(ApiError::UnsupportedMediaType(essence)),
    }
}

fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        // serde_json refuses numbers beyond f64 (1e400) as a syntax error; for a coordinate that is an
        // out-of-range value, not malformed JSON.
        if e.to_string().starts_with("number out of range") {
            ApiError::Validation(vec![FieldError::pointer(
                "",
                format!("a number at line {} column {} is out of range (infinite)", e.line(), e.column()),
            )])
        } else {
            ApiError::MalformedJson(e.to_string())
        }
    })
}

/// The raw query string as name/value pairs; a parameter given twice is an error.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let dupes: Vec<FieldError> = pairs
            .iter()
            .filter(|(k, _)| !seen.insert(k.clone()))
            .map(|(k, _)| FieldError::parameter(k, "is given more than once"))
            .collect();
        if dupes.is_empty() { Ok(Self(pairs)) } else { Err(ApiError::BadParameters(dupes)) }
    }
}

/// Parameters of a pins listing: `bbox`, `category`, `status`, `datetime` (report time: an RFC 3339 instant
/// or interval, as OGC API – Features), `within`, `near` with `radius_m` and/or `k`, `limit`, `cursor`.
#[derive(Debug, Default)]
pub struct PinListParams {
    pub filter: PinFilter,
    /// `within=<area id>`: only pins inside that area.
    pub within: Option<AreaId>,
    pub near: Option<Near>,
    pub limit: Limit,
    /// The keyset cursor of an id-ordered listing.
    pub cursor: Option<Cursor>,
    /// The keyset cursor of a distance-ordered (`near`) listing.
    pub near_cursor: Option<NearCursor>,
    /// The parameters as given, minus `cursor`, to build `next` links.
    pub echo: Vec<(String, String)>,
}

impl PinListParams {
    const KNOWN: [&'static str; 10] =
        ["bbox", "category", "status", "datetime", "within", "near", "radius_m", "k", "limit", "cursor"];

    /// # Errors
    /// [`ApiError::BadParameters`] naming every bad or unknown parameter.
    pub fn parse(pairs: Vec<(String, String)>) -> Result<Self, ApiError> {
        Self::parse_allowing(pairs, &Self::KNOWN)
    }

    /// As [`PinListParams::parse`], accepting only the parameters in `allowed` (a subset of the listing's).
    ///
    /// # Errors
    /// [`ApiError::BadParameters`] naming every bad or unknown parameter.
    pub fn parse_allowing(pairs: Vec<(String, String)>, allowed: &[&str]) -> Result<Self, ApiError> {
        let mut out = PinListParams::default();
        let mut errors = Vec::new();
        let (mut centre, mut radius_m, mut k, mut raw_cursor) = (None, None, None, None);
        for (name, value) in pairs {
            let result = if !allowed.contains(&name.as_str()) {
                Err(FieldError::parameter(
                    &name,
                    format!("unknown parameter; this request takes {}", allowed.join(", ")),
                ))
            } else {
                match name.as_str() {
                    "bbox" => Bbox::parse("bbox", &value).map(|b| out.filter.bbox = Some(b)),
                    "category" => list(&name, &value).map(|v| out.filter.categories = v),
                    "status" => list(&name, &value).map(|v| out.filter.statuses = v),
                    "datetime" => TimeRange::parse("datetime", &value).map(|r| out.filter.created = Some(r)),
                    "within" => area_id("within", &value).map(|id| out.within = Some(id)),
                    "near" => lon_lat("near", &value).map(|p| centre = Some(p)),
                    "radius_m" => radius(&value).map(|r| radius_m = Some(r)),
                    "k" => k_nearest(&value).map(|n| k = Some(n)),
                    "limit" => Limit::parse(&value).map(|l| out.limit = l),
                    _ => {
                        raw_cursor = Some(value.clone());
                        Ok(())
                    }
                }
            };
            match result {
                Ok(()) if name != "cursor" => out.echo.push((name, value)),
                Ok(()) => {}
                Err(e) => errors.push(e),
            }
        }
        match (centre, radius_m, k) {
            (Some((lon, lat)), None, None) => {
                errors.push(FieldError::parameter("near", "needs radius_m (metres) or k (number of nearest pins)"));
                out.near = Some(Near { lon, lat, radius_m, k });
            }
            (Some((lon, lat)), _, _) => out.near = Some(Near { lon, lat, radius_m, k }),
            (None, Some(_), _) => {
                errors.push(FieldError::parameter("radius_m", "is only meaningful with near=lon,lat"))
            }
            (None, None, Some(_)) => errors.push(FieldError::parameter("k", "is only meaningful with near=lon,lat")),
            (None, None, None) => {}
        }
        if let Some(raw) = raw_cursor {
            let parsed = match out.near {
                Some(_) => NearCursor::parse(&raw).map(|c| out.near_cursor = Some(c)),
                None => Cursor::parse(&raw).map(|c| out.cursor = Some(c)),
            };
            if let Err(e) = parsed {
                errors.push(e);
            }
        }
        if errors.is_empty() { Ok(out) } else { Err(ApiError::BadParameters(errors)) }
    }
}

/// `lon,lat` as two finite numbers in range.
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

fn radius(raw: &str) -> Result<f64, FieldError> {
    match raw.trim().parse::<f64>() {
        Ok(r) if r > 0.0 && r <= Near::MAX_RADIUS_M => Ok(r),
        _ => Err(FieldError::parameter(
            "radius_m",
            format!("must be a number of metres greater than 0 and at most {}; got {raw:?}", Near::MAX_RADIUS_M),
        )),
    }
}

fn k_nearest(raw: &str) -> Result<usize, FieldError> {
    match raw.trim().parse::<usize>() {
        Ok(k) if (1..=Near::MAX_K).contains(&k) => Ok(k),
        _ => Err(FieldError::parameter("k", format!("must be an integer from 1 to {}; got {raw:?}", Near::MAX_K))),
    }
}

/// An area id in a query parameter.
pub fn area_id(name: &str, raw: &str) -> Result<AreaId, FieldError> {
    raw.trim().parse::<AreaId>().map_err(|_| FieldError::parameter(name, format!("must be an area id; got {raw:?}")))
}

/// A CQL2 text `filter` compiled against the pins' queryables, its geometries read in `crs`; a bad filter is a
/// 400 naming `filter` with the line and column of the fault.
pub fn cql2_filter(text: &str, crs: crate::spatial::Crs) -> Result<crate::filter::PinPredicate, ApiError> {
    crate::filter::compile(text, &|x, y| crs.to_lon_lat(x, y)).map_err(|e| {
        let at = e.line.zip(e.column).map(|(l, c)| format!(" (line {l}, column {c})")).unwrap_or_default();
        ApiError::BadParameters(vec![FieldError::parameter("filter", format!("{}{at}", e.message))])
    })
}

/// A comma-separated list of categories or statuses (`category=pram,wheelchair`).
pub fn list<T>(name: &str, raw: &str) -> Result<Vec<T>, FieldError>
where
    T: std::str::FromStr<Err = crate::domain::UnknownValue>,
{
    raw.split(',').map(|s| s.trim().parse::<T>().map_err(|e| FieldError::parameter(name, e.0))).collect()
}

/// The service's own base URL as the client sees it, for absolute links (`X-Forwarded-*` respected).
pub fn base_url(headers: &HeaderMap) -> String {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = get("x-forwarded-host").or_else(|| get(header::HOST.as_str())).unwrap_or("localhost");
    let proto = get("x-forwarded-proto").unwrap_or("http");
    format!("{proto}://{host}")
}

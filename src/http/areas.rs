//! `/api/v1/areas` and `/api/v1/point/{lon},{lat}/areas`: districts and historic-centre drafts, the pins in
//! them, their statistics (one area's in detail, or a filtered count for every area of a kind, which the
//! web map shades districts by), and how two drafts differ. Everything is answered from the in-memory indexes.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use chrono::SecondsFormat;
use serde_json::{Map, Value, json};

use super::ApiError;
use super::extract::{PinListParams, QueryPairs, area_id, base_url, lon_lat};
use super::pins::listing;
use super::response::geojson_response;
use crate::domain::{Area, AreaId, AreaKind, FieldError, PinId};
use crate::index::PinQuery;
use crate::spatial::{PreparedArea, area_feature};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/areas", get(list_areas))
        .route("/api/v1/areas/compare", get(compare_areas))
        // A static segment wins over `{id}` in axum's router, whatever the order here.
        .route("/api/v1/areas/stats", get(areas_stats))
        .route("/api/v1/areas/{id}", get(get_area))
        .route("/api/v1/areas/{id}/pins", get(area_pins))
        .route("/api/v1/areas/{id}/stats", get(area_stats))
        .route("/api/v1/point/{lonlat}/areas", get(point_areas))
}

fn find(state: &AppState, raw_id: &str) -> Result<Arc<Area>, ApiError> {
    raw_id
        .parse::<AreaId>()
        .ok()
        .and_then(|id| state.areas.get(id))
        .ok_or_else(|| ApiError::NotFound(format!("there is no area {raw_id:?}")))
}

/// The prepared area of a listing's `within=<id>`, or a 404 problem when there is no such area.
pub(super) fn within_area(state: &AppState, within: Option<AreaId>) -> Result<Option<Arc<PreparedArea>>, ApiError> {
    within
        .map(|id| state.areas.prepared(id).ok_or_else(|| ApiError::NotFound(format!("there is no area {id}"))))
        .transpose()
}

/// The area's prepared form from the same snapshot (absent only if a reload removed it in between).
fn prepared(state: &AppState, area: &Area) -> Result<Arc<PreparedArea>, ApiError> {
    state.areas.prepared(area.id).ok_or_else(|| ApiError::NotFound(format!("there is no area {}", area.id)))
}

/// `GET /api/v1/areas?kind=district|historic_centre&current=true|false`: a FeatureCollection with geometry.
async fn list_areas(State(state): State<AppState>, QueryPairs(pairs): QueryPairs) -> Result<Response, ApiError> {
    let (mut kind, mut only_current, mut errors) = (None, false, Vec::new());
    for (name, value) in pairs {
        match name.as_str() {
            "kind" => match value.parse::<AreaKind>() {
                Ok(k) => kind = Some(k),
                Err(e) => errors.push(FieldError::parameter("kind", e.0)),
            },
            "current" => match value.as_str() {
                "true" => only_current = true,
                "false" => only_current = false,
                _ => errors.push(FieldError::parameter("current", "must be true or false")),
            },
            _ => errors.push(FieldError::parameter(&name, "unknown parameter; this listing takes kind, current")),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::BadParameters(errors));
    }
    let features: Vec<Value> = state.areas.list(kind, only_current).iter().map(|a| area_feature(a, true)).collect();
    let body = json!({ "type": "FeatureCollection", "numberReturned": features.len(), "features": features });
    Ok(geojson_response(StatusCode::OK, &body, None))
}

/// `GET /api/v1/areas/{id}`: the area with its geometry.
async fn get_area(State(state): State<AppState>, Path(raw_id): Path<String>) -> Result<Response, ApiError> {
    let area = find(&state, &raw_id)?;
    Ok(geojson_response(StatusCode::OK, &area_feature(&area, true), None))
}

/// `GET /api/v1/areas/{id}/pins`: the pins listing restricted to the area (exact polygon test).
async fn area_pins(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let area = find(&state, &raw_id)?;
    let params = PinListParams::parse_allowing(
        pairs,
        &["bbox", "category", "status", "datetime", "near", "radius_m", "k", "limit", "cursor"],
    )?;
    let url = format!("{}/api/v1/areas/{}/pins", base_url(&headers), area.id);
    listing(&state, &url, &params, Some(prepared(&state, &area)?.as_ref())).await
}

/// `GET /api/v1/areas/{id}/stats`: counts by category and status, density, first and last report.
async fn area_stats(State(state): State<AppState>, Path(raw_id): Path<String>) -> Result<Response, ApiError> {
    let area = find(&state, &raw_id)?;
    let stats = state.pins.stats_in(prepared(&state, &area)?.as_ref());
    let counts =
        |pairs: Vec<(&str, u64)>| pairs.into_iter().map(|(k, n)| (k.to_owned(), json!(n))).collect::<Map<_, _>>();
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true));
    let body = json!({
        "area_id": area.id,
        "kind": area.version.kind.as_str(),
        "label": area.label,
        "area_km2": area.area_km2,
        "count": stats.count,
        "pins_per_km2": stats.count as f64 / area.area_km2,
        "by_category": counts(stats.by_category.iter().map(|(c, n)| (c.as_str(), *n)).collect()),
        "by_status": counts(stats.by_status.iter().map(|(s, n)| (s.as_str(), *n)).collect()),
        "first_report_at": when(stats.first_report_at),
        "last_report_at": when(stats.last_report_at),
    });
    Ok(json_response(body))
}

/// `GET /api/v1/areas/stats?kind=district|historic_centre&current=true|false&category=&status=&datetime=`:
/// for every area of the kind (default district, current versions only by default), how many pins matching
/// the filter lie in it (the exact polygon test of `/api/v1/areas/{id}/pins`) and how many per km².
async fn areas_stats(State(state): State<AppState>, QueryPairs(pairs): QueryPairs) -> Result<Response, ApiError> {
    let (mut kind, mut only_current, mut errors, mut filters) = (AreaKind::District, true, Vec::new(), Vec::new());
    for (name, value) in pairs {
        match name.as_str() {
            "kind" => match value.parse::<AreaKind>() {
                Ok(k) => kind = k,
                Err(e) => errors.push(FieldError::parameter("kind", e.0)),
            },
            "current" => match value.as_str() {
                "true" => only_current = true,
                "false" => only_current = false,
                _ => errors.push(FieldError::parameter("current", "must be true or false")),
            },
            known if PIN_FILTERS.contains(&known) => filters.push((name, value)),
            _ => errors.push(FieldError::parameter(
                &name,
                "unknown parameter; this request takes kind, current, category, status, datetime",
            )),
        }
    }
    let params = pin_filters(filters, errors)?;
    let mut areas = Vec::new();
    for area in state.areas.list(Some(kind), only_current) {
        let prepared = prepared(&state, &area)?;
        let count = state.pins.count_of(&PinQuery { area: Some(&prepared), ..PinQuery::new(&params.filter) });
        areas.push(json!({
            "area_id": area.id,
            "label": area.label,
            "name_kk": area.names.kk,
            "name_ru": area.names.ru,
            "name_en": area.names.en,
            "kind": area.version.kind.as_str(),
            "version": area.version.number,
            "current": area.version.current,
            "area_km2": area.area_km2,
            "count": count,
            "pins_per_km2": count as f64 / area.area_km2,
        }));
    }
    let mut filter = filter_echo(&params);
    filter.insert("kind".into(), json!(kind.as_str()));
    filter.insert("current".into(), json!(only_current));
    Ok(json_response(json!({ "areas": areas, "filter": filter })))
}

/// The attribute filters the statistics and the comparison take, as the pin listing reads them.
const PIN_FILTERS: [&str; 3] = ["category", "status", "datetime"];

/// Parses the filter parameters set aside by the caller; every error (the caller's first) in one answer.
fn pin_filters(filters: Vec<(String, String)>, mut errors: Vec<FieldError>) -> Result<PinListParams, ApiError> {
    match PinListParams::parse_allowing(filters, &PIN_FILTERS) {
        Ok(params) if errors.is_empty() => Ok(params),
        Ok(_) => Err(ApiError::BadParameters(errors)),
        Err(ApiError::BadParameters(more)) => {
            errors.extend(more);
            Err(ApiError::BadParameters(errors))
        }
        Err(other) => Err(other),
    }
}

/// The filter an answer was computed under, echoed back (`null` where not given).
fn filter_echo(params: &PinListParams) -> Map<String, Value> {
    let given = |name: &str| params.echo.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let slugs = |v: Vec<&'static str>| (!v.is_empty()).then_some(v);
    let mut echo = Map::new();
    echo.insert("category".into(), json!(slugs(params.filter.categories.iter().map(|c| c.as_str()).collect())));
    echo.insert("status".into(), json!(slugs(params.filter.statuses.iter().map(|s| s.as_str()).collect())));
    echo.insert("datetime".into(), json!(given("datetime")));
    echo
}

/// `GET /api/v1/areas/compare?a=ID&b=ID[&category=&status=&datetime=]`: for two historic-centre drafts, the
/// pins (matching the filter, if one is given) only in A, only in B, and in both.
async fn compare_areas(State(state): State<AppState>, QueryPairs(pairs): QueryPairs) -> Result<Response, ApiError> {
    let (mut a, mut b, mut errors, mut filters) = (Err(missing("a")), Err(missing("b")), Vec::new(), Vec::new());
    for (name, value) in pairs {
        match name.as_str() {
            "a" => a = area_id("a", &value),
            "b" => b = area_id("b", &value),
            known if PIN_FILTERS.contains(&known) => filters.push((name, value)),
            _ => errors.push(FieldError::parameter(
                &name,
                "unknown parameter; compare takes a, b, category, status, datetime",
            )),
        }
    }
    let (a, b, params) = match (a, b, pin_filters(filters, Vec::new())) {
        (Ok(a), Ok(b), Ok(params)) if errors.is_empty() => (a, b, params),
        (a, b, params) => {
            let mut all: Vec<FieldError> = a.err().into_iter().chain(b.err()).chain(errors).collect();
            match params {
                Err(ApiError::BadParameters(more)) => all.extend(more),
                Err(other) => return Err(other),
                Ok(_) => {}
            }
            return Err(ApiError::BadParameters(all));
        }
    };
    let (area_a, area_b) = (find(&state, &a.to_string())?, find(&state, &b.to_string())?);
    let wrong: Vec<FieldError> = [("a", &area_a), ("b", &area_b)]
        .into_iter()
        .filter(|(_, area)| area.version.kind != AreaKind::HistoricCentre)
        .map(|(name, area)| {
            FieldError::parameter(
                name,
                format!("area {} is a {}, not a historic-centre version", area.id, area.version.kind),
            )
        })
        .collect();
    if !wrong.is_empty() {
        return Err(ApiError::BadParameters(wrong));
    }
    let ids_in = |area: &PreparedArea| -> BTreeSet<PinId> {
        let query = PinQuery { area: Some(area), ..PinQuery::new(&params.filter) };
        state.pins.matching(&query).iter().map(|p| p.id).collect()
    };
    let set_a = ids_in(prepared(&state, &area_a)?.as_ref());
    let set_b = ids_in(prepared(&state, &area_b)?.as_ref());
    let group = |ids: Vec<PinId>| json!({ "count": ids.len(), "ids": ids });
    let body = json!({
        "a": area_feature(&area_a, false),
        "b": area_feature(&area_b, false),
        "filter": filter_echo(&params),
        "only_a": group(set_a.difference(&set_b).copied().collect()),
        "only_b": group(set_b.difference(&set_a).copied().collect()),
        "both": group(set_a.intersection(&set_b).copied().collect()),
    });
    Ok(json_response(body))
}

/// `GET /api/v1/point/{lon},{lat}/areas`: every current area containing the point (geometry omitted;
/// fetch `/api/v1/areas/{id}` for it).
async fn point_areas(State(state): State<AppState>, Path(raw): Path<String>) -> Result<Response, ApiError> {
    let (lon, lat) = lon_lat("lon,lat", &raw).map_err(|e| ApiError::BadParameters(vec![e]))?;
    let features: Vec<Value> = state.areas.containing(lon, lat).iter().map(|a| area_feature(a, false)).collect();
    let body = json!({ "type": "FeatureCollection", "numberReturned": features.len(), "features": features });
    Ok(geojson_response(StatusCode::OK, &body, None))
}

fn missing(name: &str) -> FieldError {
    FieldError::parameter(name, "is required: the id of a historic-centre area")
}

/// A plain JSON document (statistics, comparisons: not GeoJSON).
fn json_response(body: Value) -> Response {
    axum::response::IntoResponse::into_response(axum::Json(body))
}

//! `/api/v1/areas` and `/api/v1/point/{lon},{lat}/areas`: districts and historic-centre drafts, the pins in
//! them, their statistics (one area's in detail, or a filtered count for every area of a kind, which the
//! web map shades districts by), and how two drafts differ. Everything is answered from the in-memory indexes.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use chrono::SecondsFormat;
use serde_json::{Map, Value, json};

use super::ApiError;
use super::auth::Caller;
use super::client::base_url;
use super::collection::FeatureCollection;
use super::error::off_workers;
use super::extract::{NoQuery, QueryPairs, Segments};
use super::listing::listing;
use super::response::{geojson_response, geojson_text_response, href, json_document};
use crate::domain::{Area, AreaId, AreaKind, CompareGroup, FieldError, PinId};
use crate::index::PinQuery;
use crate::params::{Params, lon_lat, routes};
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

/// The area's prepared form from the same snapshot (absent only if a reload removed it in between).
fn prepared(state: &AppState, area: &Area) -> Result<Arc<PreparedArea>, ApiError> {
    state.areas.prepared(area.id).ok_or_else(|| ApiError::NotFound(format!("there is no area {}", area.id)))
}

/// `GET /api/v1/areas?kind=district|historic_centre&current=true|false`: a FeatureCollection with geometry.
async fn list_areas(State(state): State<AppState>, pairs: QueryPairs) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::AREAS)?;
    let (kind, only_current) = (params.kind, params.current.unwrap_or(false));
    let features: Vec<Value> = state.areas.list(kind, only_current).iter().map(|a| area_feature(a, true)).collect();
    let body = FeatureCollection::with_capacity(0).feature_values(&features).finish();
    Ok(geojson_text_response(StatusCode::OK, body))
}

/// `GET /api/v1/areas/{id}`: the area with its geometry.
async fn get_area(
    State(state): State<AppState>,
    _: NoQuery,
    Segments(raw_id): Segments<String>,
) -> Result<Response, ApiError> {
    let area = find(&state, &raw_id)?;
    Ok(geojson_response(StatusCode::OK, &area_feature(&area, true), None))
}

/// `GET /api/v1/areas/{id}/pins`: the pins listing restricted to the area (exact polygon test).
async fn area_pins(
    State(state): State<AppState>,
    Segments(raw_id): Segments<String>,
    headers: HeaderMap,
    caller: Caller,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    let area = find(&state, &raw_id)?;
    let params = pairs.parse(&routes::PINS_IN_AREA)?;
    let url = format!("{}/api/v1/areas/{}/pins", base_url(&headers), area.id);
    listing(&state, &caller, &url, &params, Some(prepared(&state, &area)?)).await
}

/// `GET /api/v1/areas/{id}/stats`: counts by category and status, density, first and last report.
async fn area_stats(
    State(state): State<AppState>,
    _: NoQuery,
    Segments(raw_id): Segments<String>,
) -> Result<Response, ApiError> {
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
    Ok(json_document(body))
}

/// `GET /api/v1/areas/stats?kind=district|historic_centre&current=true|false&category=&status=&datetime=`:
/// for every area of the kind (default district, current versions only by default), how many pins matching
/// the filter lie in it (the exact polygon test of `/api/v1/areas/{id}/pins`) and how many per km².
async fn areas_stats(State(state): State<AppState>, pairs: QueryPairs) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::AREAS_STATS)?;
    let (kind, only_current) = (params.kind.unwrap_or(AreaKind::District), params.current.unwrap_or(true));
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
    Ok(json_document(json!({ "areas": areas, "filter": filter })))
}

/// The filter an answer was computed under, echoed back (`null` where not given).
fn filter_echo(params: &Params) -> Map<String, Value> {
    let given = |name: &str| params.echo.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let slugs = |v: Vec<&'static str>| (!v.is_empty()).then_some(v);
    let mut echo = Map::new();
    echo.insert("category".into(), json!(slugs(params.filter.categories.iter().map(|c| c.as_str()).collect())));
    echo.insert("status".into(), json!(slugs(params.filter.statuses.iter().map(|s| s.as_str()).collect())));
    echo.insert(
        "location_precision".into(),
        json!(slugs(params.filter.precisions.iter().map(|p| p.as_str()).collect())),
    );
    echo.insert("datetime".into(), json!(given("datetime")));
    echo
}

/// `GET /api/v1/areas/compare?a=ID&b=ID[&category=&status=&datetime=][&group=&cursor=&limit=]`: for two
/// historic-centre drafts, the pins (matching the filter, if one is given) only in A, only in B, and in both:
/// each group's count and its first `limit` ids (1,000 by default, at most 10,000), with a `next` link to
/// the group's following ids (`group=only_a&cursor=ID`, which answers that group alone).
async fn compare_areas(
    State(state): State<AppState>,
    headers: HeaderMap,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::AREAS_COMPARE)?;
    // The route requires both: a missing one is already a 400.
    let (a, b) = (params.a.unwrap_or_default(), params.b.unwrap_or_default());
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
    let (prepared_a, prepared_b) = (prepared(&state, &area_a)?, prepared(&state, &area_b)?);
    let (pins, filter) = (state.pins.clone(), params.filter.clone());
    // Off the async workers: two walks and a merge, linear in the pins of both drafts.
    let (set_a, set_b) = off_workers("comparing the drafts", move || {
        let ids_in = |area: &PreparedArea| -> BTreeSet<PinId> {
            pins.ids_of(&PinQuery { area: Some(area), ..PinQuery::new(&filter) }).into_iter().collect()
        };
        (ids_in(&prepared_a), ids_in(&prepared_b))
    })
    .await?;
    let url = format!("{}/api/v1/areas/compare", base_url(&headers));
    let after = params.cursor.map_or(PinId::MIN, |c| c.0);
    let limit = params.limit.get();
    // Each group: its full count, then a page of its ids above the cursor, linked to the next page.
    let group = |name: CompareGroup, ids: Vec<PinId>| {
        let page: Vec<PinId> = ids.iter().copied().filter(|&id| id > after).take(limit + 1).collect();
        let more = page.len() > limit;
        let page = &page[..page.len().min(limit)];
        let mut out = json!({ "count": ids.len(), "ids": page });
        if let (true, Some(last)) = (more, page.last()) {
            let (cursor, group) = (last.to_string(), name.as_str());
            out["next"] = json!(href(&url, &params.echo, &[("group", group), ("cursor", &cursor)]));
        }
        out
    };
    let groups = [
        (CompareGroup::OnlyA, set_a.difference(&set_b).copied().collect::<Vec<_>>()),
        (CompareGroup::OnlyB, set_b.difference(&set_a).copied().collect()),
        (CompareGroup::Both, set_a.intersection(&set_b).copied().collect()),
    ];
    let mut body = json!({
        "a": area_feature(&area_a, false),
        "b": area_feature(&area_b, false),
        "filter": filter_echo(&params),
    });
    for (name, ids) in groups {
        if params.group.is_none_or(|g| g == name) {
            body[name.as_str()] = group(name, ids);
        }
    }
    Ok(json_document(body))
}

/// `GET /api/v1/point/{lon},{lat}/areas`: every current area containing the point (geometry omitted;
/// fetch `/api/v1/areas/{id}` for it).
async fn point_areas(
    State(state): State<AppState>,
    _: NoQuery,
    Segments(raw): Segments<String>,
) -> Result<Response, ApiError> {
    let (lon, lat) = lon_lat("lon,lat", &raw).map_err(|e| ApiError::BadParameters(vec![e]))?;
    let features: Vec<Value> = state.areas.containing(lon, lat).iter().map(|a| area_feature(a, false)).collect();
    let body = FeatureCollection::with_capacity(0).feature_values(&features).finish();
    Ok(geojson_text_response(StatusCode::OK, body))
}

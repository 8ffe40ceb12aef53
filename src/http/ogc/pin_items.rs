//! `/ogc/collections/pins/items` and `/items/{featureId}`: pins as GeoJSON (or HTML), filtered by `bbox`
//! (in any supported `bbox-crs`), `datetime`, `category`, `status` and a CQL2 `filter`, in any supported
//! `crs`, paged by id with `next` and `prev` links.

use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};

use super::params::ItemsParams;
use super::representation::{Format, anchor, escape, html_response, properties_table, text_response};
use super::vocabulary::{PIN_ITEMS_PARAMS, ROOT, media, rel};
use crate::domain::{FieldError, Pin, PinFilter, PinId};
use crate::http::ApiError;
use crate::http::extract::{base_url, cql2_filter};
use crate::http::pins::rendered_pins;
use crate::index::PageFrom;
use crate::selection::Selection;
use crate::spatial::{Crs, pin_feature};
use crate::state::AppState;

/// `GET /ogc/collections/pins/items`.
pub async fn items(state: &AppState, headers: &HeaderMap, pairs: Vec<(String, String)>) -> Result<Response, ApiError> {
    let params = ItemsParams::parse(pairs, PIN_ITEMS_PARAMS)?;
    let format = Format::negotiate(params.f.as_deref(), headers).map_err(|e| ApiError::BadParameters(vec![e]))?;
    let selection = selection(&params)?;
    let from = match (params.cursor, params.before) {
        (Some(after), _) => PageFrom::After(after),
        (None, Some(before)) => PageFrom::Before(before),
        (None, None) => PageFrom::Start,
    };
    let page = selection.page(&state.pins, state.store.as_ref(), from, params.limit).await?;
    let matched = page.matched;
    let ids: Vec<PinId> = page.pins.iter().map(|p| p.id).collect();
    let (first, last) = (ids.first().copied(), ids.last().copied());
    let has_next = match from {
        PageFrom::Before(_) => last.is_some(),
        _ => page.more,
    };
    let has_prev = match from {
        PageFrom::Before(_) => page.more,
        PageFrom::After(_) => true,
        PageFrom::Start => false,
    };
    let href = format!("{}{ROOT}/collections/pins/items", base_url(headers));
    let link = |rel: &str, media: &str, f: Format, page: Option<(&str, PinId)>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(params.echo.iter().filter(|(k, _)| k != "f"));
        query.append_pair("f", f.param());
        if let Some((name, id)) = page {
            query.append_pair(name, &id.to_string());
        }
        json!({ "rel": rel, "type": media, "href": format!("{href}?{}", query.finish()) })
    };
    let this_page = match from {
        PageFrom::Start => None,
        PageFrom::After(a) => Some(("cursor", a)),
        PageFrom::Before(b) => Some(("before", b)),
    };
    let (own_media, other, other_media) = match format {
        Format::Json => (media::GEOJSON, Format::Html, media::HTML),
        Format::Html => (media::HTML, Format::Json, media::GEOJSON),
    };
    let mut links = vec![
        link(rel::SELF, own_media, format, this_page),
        link(rel::ALTERNATE, other_media, other, this_page),
        json!({ "rel": rel::COLLECTION, "type": media::JSON, "href": format!("{}{ROOT}/collections/pins", base_url(headers)) }),
    ];
    if let (true, Some(last)) = (has_next, last) {
        links.push(link(rel::NEXT, own_media, format, Some(("cursor", last))));
    }
    if has_prev {
        let before = first.or(params.cursor.map(|c| c + 1));
        if let Some(before) = before {
            links.push(link(rel::PREV, own_media, format, Some(("before", before))));
        }
    }
    match format {
        Format::Json => {
            let features = features_in(state, &page.pins, params.crs).await?;
            let mut body = String::with_capacity(features.iter().map(|f| f.len() + 1).sum::<usize>() + 512);
            body.push_str(r#"{"type":"FeatureCollection","timeStamp":"#);
            body.push_str(&json!(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).to_string());
            if let Some(n) = matched {
                body.push_str(&format!(r#","numberMatched":{n}"#));
            }
            body.push_str(&format!(r#","numberReturned":{},"features":["#, features.len()));
            body.push_str(&features.join(","));
            body.push_str(r#"],"links":"#);
            body.push_str(&Value::Array(links).to_string());
            body.push('}');
            Ok(with_crs(text_response(body, media::GEOJSON), params.crs))
        }
        Format::Html => Ok(with_crs(html_response("Pins", &pins_table(&page.pins, matched, &links)), params.crs)),
    }
}

/// `GET /ogc/collections/pins/items/{featureId}`.
pub async fn item(
    state: &AppState,
    headers: &HeaderMap,
    raw_id: &str,
    pairs: Vec<(String, String)>,
) -> Result<Response, ApiError> {
    let params = ItemsParams::parse(pairs, &["f", "crs"])?;
    let format = Format::negotiate(params.f.as_deref(), headers).map_err(|e| ApiError::BadParameters(vec![e]))?;
    let not_found = || ApiError::NotFound(format!("the collection pins has no feature {raw_id:?}"));
    let id: PinId = raw_id.parse().map_err(|_| not_found())?;
    let pin = state.store.pin(id).await?.ok_or_else(not_found)?;
    let base = base_url(headers);
    let href = format!("{base}{ROOT}/collections/pins/items/{id}");
    let mut feature = pin_feature(&pin);
    if params.crs != Crs::Crs84 {
        feature["geometry"] = point_in(&pin, params.crs)?;
    }
    feature["links"] = json!([
        { "rel": rel::SELF, "type": media::GEOJSON, "href": format!("{href}?f=json") },
        { "rel": rel::ALTERNATE, "type": media::HTML, "href": format!("{href}?f=html") },
        { "rel": rel::COLLECTION, "type": media::JSON, "href": format!("{base}{ROOT}/collections/pins") },
    ]);
    Ok(match format {
        Format::Json => with_crs(text_response(feature.to_string(), media::GEOJSON), params.crs),
        Format::Html => {
            let coords = escape(&feature["geometry"]["coordinates"].to_string());
            let body = format!("{}<p>Coordinates: <code>{coords}</code></p>", properties_table(&feature));
            html_response(&format!("Pin {id}"), &body)
        }
    })
}

/// The selection an items request asks for.
fn selection(params: &ItemsParams) -> Result<Selection, ApiError> {
    let predicate = params.filter.as_deref().map(|text| cql2_filter(text, params.filter_crs)).transpose()?;
    Ok(Selection {
        filter: PinFilter {
            bbox: params.bbox.map(|b| b.lon_lat),
            categories: params.categories.clone(),
            statuses: params.statuses.clone(),
            created: params.datetime,
        },
        area: None,
        projected_box: params.bbox.and_then(|b| b.projected),
        predicate,
    })
}

/// The features of `pins` as GeoJSON text: from the feature cache in CRS84, rendered afresh otherwise.
async fn features_in(state: &AppState, pins: &[Pin], crs: Crs) -> Result<Vec<String>, ApiError> {
    if crs == Crs::Crs84 {
        let ids: Vec<PinId> = pins.iter().map(|p| p.id).collect();
        return Ok(rendered_pins(state, &ids).await?.into_iter().map(|r| r.to_string()).collect());
    }
    pins.iter()
        .map(|pin| {
            let mut f = pin_feature(pin);
            f["geometry"] = point_in(pin, crs)?;
            Ok(f.to_string())
        })
        .collect()
}

fn point_in(pin: &Pin, crs: Crs) -> Result<Value, ApiError> {
    let (x, y) = crs.from_lon_lat(pin.lon, pin.lat).map_err(|why| {
        ApiError::BadParameters(vec![FieldError::parameter(
            "crs",
            format!("pin {} cannot be converted: {why}", pin.id),
        )])
    })?;
    Ok(json!({ "type": "Point", "coordinates": [x, y] }))
}

/// `Content-Crs: <uri>` (OGC API – Features Part 2).
pub fn with_crs(mut response: Response, crs: Crs) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        response.headers_mut().insert("content-crs", v);
    }
    response
}

fn pins_table(pins: &[Pin], matched: Option<u64>, links: &[Value]) -> String {
    let rows: String = pins
        .iter()
        .map(|p| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.6}, {:.6}</td></tr>",
                anchor(&format!("{ROOT}/collections/pins/items/{}?f=html", p.id), &p.id.to_string()),
                escape(p.category.as_str()),
                escape(p.status.as_str()),
                escape(&p.description),
                escape(&p.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                p.lon,
                p.lat
            )
        })
        .collect();
    let nav: String = links
        .iter()
        .filter(|l| l["rel"] == rel::NEXT || l["rel"] == rel::PREV)
        .map(|l| anchor(l["href"].as_str().unwrap_or_default(), l["rel"].as_str().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(" · ");
    let count = matched.map(|n| format!("<p>{n} pins match.</p>")).unwrap_or_default();
    format!(
        "{count}<table><tr><th>id</th><th>category</th><th>status</th><th>description</th><th>reported</th><th>lon, lat</th></tr>{rows}</table><p>{nav}</p>"
    )
}

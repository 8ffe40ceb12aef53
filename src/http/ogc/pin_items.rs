//! `/ogc/collections/pins/items` and `/items/{featureId}`: pins as GeoJSON (or HTML), filtered by `bbox`
//! (in any supported `bbox-crs`), `datetime`, `category`, `status` and a CQL2 `filter`, in any supported
//! `crs`, paged by id with `next` and `prev` links.

use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};

use super::representation::{Format, anchor, format_of, html_response, properties_table, text_response, with_crs};
use super::vocabulary::{ROOT, media, rel};
use crate::domain::{FieldError, Pin, PinId, Visibility};
use crate::http::ApiError;
use crate::http::client::base_url;
use crate::http::collection::FeatureCollection;
use crate::http::extract::QueryPairs;
use crate::http::html::escape;
use crate::http::response::{href, link};
use crate::index::PageFrom;
use crate::params::routes;
use crate::selection::Selection;
use crate::spatial::{Crs, pin_feature};
use crate::state::AppState;

/// `GET /ogc/collections/pins/items`.
pub async fn items(state: &AppState, headers: &HeaderMap, pairs: QueryPairs) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::OGC_PIN_ITEMS)?;
    let format = format_of(&params, headers)?;
    let selection = std::sync::Arc::new(Selection::from_params(&params, None)?);
    let cursor = params.cursor.map(|c| c.0);
    let from = match (cursor, params.before) {
        (Some(after), _) => PageFrom::After(after),
        (None, Some(before)) => PageFrom::Before(before),
        (None, None) => PageFrom::Start,
    };
    let page = selection.page(&state.pins, state.store.as_ref(), from, params.limit, &state.filter_work).await?;
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
    let items = format!("{}{ROOT}/collections/pins/items", base_url(headers));
    let page_link = |rel: &str, media: &str, f: Format, page: Option<(&str, PinId)>| {
        let id = page.map(|(_, id)| id.to_string());
        let set: Vec<(&str, &str)> =
            [Some(("f", f.param())), page.map(|(name, _)| name).zip(id.as_deref())].into_iter().flatten().collect();
        link(rel, media, href(&items, &params.echo, &set))
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
        page_link(rel::SELF, own_media, format, this_page),
        page_link(rel::ALTERNATE, other_media, other, this_page),
        link(rel::COLLECTION, media::JSON, format!("{}{ROOT}/collections/pins", base_url(headers))),
    ];
    if let (true, Some(last)) = (has_next, last) {
        links.push(page_link(rel::NEXT, own_media, format, Some(("cursor", last))));
    }
    if has_prev {
        let before = first.or(cursor.map(|c| c + 1));
        if let Some(before) = before {
            links.push(page_link(rel::PREV, own_media, format, Some(("before", before))));
        }
    }
    match format {
        Format::Json => {
            let features = features_in(state, &page.pins, params.crs).await?;
            let mut body = FeatureCollection::with_capacity(features.iter().map(|f| f.len() + 1).sum())
                .member("timeStamp", &json!(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
            if let Some(n) = matched {
                body = body.member("numberMatched", &json!(n));
            }
            let body = body.features(&features).links(links).finish();
            Ok(with_crs(text_response(body, media::GEOJSON), params.crs))
        }
        Format::Html => Ok(with_crs(html_response("Pins", &pins_table(&page.pins, matched, &links)), params.crs)),
    }
}

/// `GET /ogc/collections/pins/items/{featureId}`: a public pin; the open-data API shows no other, to
/// anyone.
pub async fn item(
    state: &AppState,
    headers: &HeaderMap,
    raw_id: &str,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::OGC_ITEM)?;
    let format = format_of(&params, headers)?;
    let not_found = || ApiError::NotFound(format!("the collection pins has no feature {raw_id:?}"));
    let id: PinId = raw_id.parse().map_err(|_| not_found())?;
    let pin = state.store.pin(id).await?.filter(|p| p.visibility == Visibility::Public).ok_or_else(not_found)?;
    let base = base_url(headers);
    let href = format!("{base}{ROOT}/collections/pins/items/{id}");
    let mut feature = pin_feature(&pin);
    if params.crs != Crs::Crs84 {
        feature["geometry"] = point_in(&pin, params.crs)?;
    }
    feature["links"] = json!([
        link(rel::SELF, media::GEOJSON, format!("{href}?f=json")),
        link(rel::ALTERNATE, media::HTML, format!("{href}?f=html")),
        link(rel::COLLECTION, media::JSON, format!("{base}{ROOT}/collections/pins")),
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

/// The features of `pins` as GeoJSON text: from the feature cache in CRS84, rendered afresh otherwise.
async fn features_in(state: &AppState, pins: &[Pin], crs: Crs) -> Result<Vec<String>, ApiError> {
    if crs == Crs::Crs84 {
        let ids: Vec<PinId> = pins.iter().map(|p| p.id).collect();
        return Ok(state.rendered_pins(&ids, Visibility::Public).await?.into_iter().map(|r| r.to_string()).collect());
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

fn pins_table(pins: &[Pin], matched: Option<u64>, links: &[Value]) -> String {
    let rows: String = pins
        .iter()
        .map(|p| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.6}, {:.6}</td></tr>",
                anchor(&format!("{ROOT}/collections/pins/items/{}?f=html", p.id), &p.id.to_string()),
                escape(p.category.as_str()),
                escape(p.status.as_str()),
                escape(p.precision.as_str()),
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
        "{count}<table><tr><th>id</th><th>category</th><th>status</th><th>location_precision</th><th>description</th><th>reported</th><th>lon, lat</th></tr>{rows}</table><p>{nav}</p>"
    )
}

//! Items of the area collections (districts, historic-centre versions): few, large polygons, so they are
//! paged by `offset` and filtered by `bbox` with an exact polygon–box intersection.

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use geo::{Intersects, MapCoords, MultiPolygon, Polygon, Rect};
use serde_json::{Value, json};

use super::catalog::{self, CollectionId};
use super::representation::{Format, anchor, format_of, html_response, properties_table, text_response, with_crs};
use super::vocabulary::{ROOT, media, rel};
use crate::domain::{Area, Bbox, FieldError};
use crate::http::ApiError;
use crate::http::client::base_url;
use crate::http::collection::FeatureCollection;
use crate::http::extract::QueryPairs;
use crate::http::html::escape;
use crate::http::response::{href, link};
use crate::params::routes;
use crate::spatial::{Crs, area_feature, multipolygon_geometry};
use crate::state::AppState;

/// `GET /ogc/collections/{districts|historic_centre|historic_centre_vN}/items`.
pub async fn items(
    state: &AppState,
    id: CollectionId,
    headers: &HeaderMap,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::OGC_AREA_ITEMS)?;
    let format = format_of(&params, headers)?;
    let bbox = params.filter.bbox.map(|b| bbox_polygon(&b, params.projected_box)).transpose()?;
    let matching: Vec<Arc<Area>> = catalog::areas_of(state, id)
        .into_iter()
        .filter(|a| bbox.as_ref().is_none_or(|b| a.geometry.intersects(b)))
        .collect();
    let (offset, limit) = (params.offset, params.limit.get());
    let page: Vec<&Arc<Area>> = matching.iter().skip(offset).take(limit).collect();
    let items = format!("{}{ROOT}/collections/{}/items", base_url(headers), id.name());
    let page_link = |rel: &str, media: &str, f: Format, offset: usize| {
        let offset = offset.to_string();
        let set: &[(&str, &str)] =
            if offset == "0" { &[("f", f.param())] } else { &[("f", f.param()), ("offset", &offset)] };
        link(rel, media, href(&items, &params.echo, set))
    };
    let (own_media, other, other_media) = match format {
        Format::Json => (media::GEOJSON, Format::Html, media::HTML),
        Format::Html => (media::HTML, Format::Json, media::GEOJSON),
    };
    let mut links =
        vec![page_link(rel::SELF, own_media, format, offset), page_link(rel::ALTERNATE, other_media, other, offset)];
    if offset + page.len() < matching.len() {
        links.push(page_link(rel::NEXT, own_media, format, offset + page.len()));
    }
    if offset > 0 {
        links.push(page_link(rel::PREV, own_media, format, offset.saturating_sub(limit)));
    }
    let features: Vec<Value> = page.iter().map(|a| feature_in(a, params.crs)).collect::<Result<_, _>>()?;
    Ok(match format {
        Format::Json => {
            let doc = FeatureCollection::with_capacity(0)
                .member("timeStamp", &json!(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
                .member("numberMatched", &json!(matching.len()))
                .feature_values(&features)
                .links(links)
                .finish();
            with_crs(text_response(doc, media::GEOJSON), params.crs)
        }
        Format::Html => {
            let rows: String = page
                .iter()
                .map(|a| {
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td></tr>",
                        anchor(&format!("{items}/{}?f=html", a.id), &a.id.to_string()),
                        escape(a.names.en.as_deref().unwrap_or(&a.label)),
                        escape(a.names.kk.as_deref().unwrap_or_default()),
                        a.area_km2,
                        escape(&a.version.label)
                    )
                })
                .collect();
            let body = format!(
                "<p>{} areas.</p><table><tr><th>id</th><th>name</th><th>атауы</th><th>km²</th><th>version</th></tr>{rows}</table>",
                matching.len()
            );
            with_crs(html_response(&id.name(), &body), params.crs)
        }
    })
}

/// `GET /ogc/collections/{area collection}/items/{featureId}`.
pub async fn item(
    state: &AppState,
    id: CollectionId,
    headers: &HeaderMap,
    raw_id: &str,
    pairs: QueryPairs,
) -> Result<Response, ApiError> {
    let params = pairs.parse(&routes::OGC_ITEM)?;
    let format = format_of(&params, headers)?;
    let area = catalog::areas_of(state, id)
        .into_iter()
        .find(|a| a.id.to_string() == raw_id)
        .ok_or_else(|| ApiError::NotFound(format!("the collection {} has no feature {raw_id:?}", id.name())))?;
    let mut feature = feature_in(&area, params.crs)?;
    let href = format!("{}{ROOT}/collections/{}/items/{}", base_url(headers), id.name(), area.id);
    feature["links"] = json!([
        link(rel::SELF, media::GEOJSON, format!("{href}?f=json")),
        link(rel::ALTERNATE, media::HTML, format!("{href}?f=html")),
    ]);
    Ok(match format {
        Format::Json => with_crs(text_response(feature.to_string(), media::GEOJSON), params.crs),
        Format::Html => html_response(&format!("{} {}", id.name(), area.id), &properties_table(&feature)),
    })
}

fn feature_in(area: &Area, crs: Crs) -> Result<Value, ApiError> {
    let mut feature = area_feature(area, true);
    if crs != Crs::Crs84 {
        let converted: MultiPolygon<f64> = area
            .geometry
            .try_map_coords(|c| crs.from_lon_lat(c.x, c.y).map(|(x, y)| geo::Coord { x, y }))
            .map_err(|why| ApiError::BadParameters(vec![FieldError::parameter("crs", why)]))?;
        feature["geometry"] = multipolygon_geometry(&converted);
        // The label point is a position too: it follows the geometry into the requested CRS.
        if let Some(p) = geo::InteriorPoint::interior_point(&area.geometry) {
            let (x, y) = crs
                .from_lon_lat(p.x(), p.y())
                .map_err(|why| ApiError::BadParameters(vec![FieldError::parameter("crs", why)]))?;
            feature["properties"]["label_point"] = json!([x, y]);
        }
    }
    Ok(feature)
}

/// The requested box as a lon/lat polygon: exact for lon/lat CRSs; for a projected one, its outline
/// densified (32 points an edge) and converted, which follows the curved image of each edge to well under a
/// metre at city scale.
fn bbox_polygon(lon_lat: &Bbox, projected: Option<(Crs, [f64; 4])>) -> Result<Polygon<f64>, ApiError> {
    let Some((crs, [x0, y0, x1, y1])) = projected else {
        let l = lon_lat;
        return Ok(Rect::new((l.min_lon, l.min_lat), (l.max_lon, l.max_lat)).to_polygon());
    };
    let steps = 32;
    let mut ring = Vec::with_capacity(4 * steps + 1);
    let edges = [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))];
    for ((ax, ay), (bx, by)) in edges {
        for i in 0..steps {
            let t = i as f64 / steps as f64;
            let (lon, lat) = crs
                .to_lon_lat(ax + (bx - ax) * t, ay + (by - ay) * t)
                .map_err(|why| ApiError::BadParameters(vec![FieldError::parameter("bbox", why)]))?;
            ring.push(geo::Coord { x: lon, y: lat });
        }
    }
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    Ok(Polygon::new(geo::LineString(ring), vec![]))
}

//! What the web map asks of the server, on both stores: its lean pins are exactly the public listing's pins,
//! its per-district counts are PostGIS's `ST_Intersects` counts, its table pages through exactly the area's
//! pins in the order asked, district label points lie in their districts, the config carries the city and the
//! deployment's basemap, the built page and its assets are served with the right caching, and answers are
//! gzipped for clients that ask.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::PathBuf;

use serde_json::Value;
use sqlx::PgPool;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::{
    CATEGORIES, REPUBLIC_SQUARE, ServeOptions, Server, StoreKind, TestStore, current_area_ids, postgis_pins_in,
    qala_cli, report,
};

const STATUSES: [&str; 7] = ["new", "confirmed", "planned", "in_progress", "resolved", "rejected", "duplicate"];

/// A store with 1,500 synthetic pins (every category and status, report times over two years) plus pins
/// exactly on district vertices and edge midpoints (where a pin belongs to two districts), a running server,
/// and PostGIS holding the same pins as the oracle.
async fn fixture(kind: StoreKind) -> (TestStore, Server, PgPool) {
    let store = TestStore::new(kind).await;
    let out = qala_cli(&store, &["seed", "--count", "1500", "--seed", "11"]).await;
    assert!(out.status.success(), "seed: {}", String::from_utf8_lossy(&out.stderr));
    let vertices: Vec<(f64, f64)> = sqlx::query_as(
        "SELECT ST_X(d.geom), ST_Y(d.geom) FROM (SELECT (ST_DumpPoints(geom)).geom FROM areas a
         JOIN area_versions v ON v.id = a.version_id WHERE v.kind = 'district') d",
    )
    .fetch_all(&store.oracle().await)
    .await
    .unwrap();
    let on_borders: Vec<(f64, f64, String)> = (0..150)
        .flat_map(|i| {
            let j = (i * 37) % (vertices.len() - 1);
            let (a, b) = (vertices[j], vertices[j + 1]);
            let category = CATEGORIES[i % 6].to_owned();
            [(a.0, a.1, category.clone()), ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0, category)]
        })
        .collect();
    store.insert_pins_directly(&on_borders).await;
    let server = Server::start(&store).await;
    let oracle = store.oracle().await;
    (store, server, oracle)
}

fn features(collection: &Value) -> &Vec<Value> {
    collection["features"].as_array().unwrap()
}

fn ids_of(collection: &Value) -> Vec<i64> {
    features(collection).iter().map(|f| f["id"].as_i64().unwrap()).collect()
}

/// Every full feature of a listing at `path`, following `next` links.
async fn all_features(server: &Server, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut url = server.url(path);
    loop {
        let page: Value = server.client.get(&url).send().await.unwrap().json().await.unwrap();
        out.extend(features(&page).iter().cloned());
        match page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") {
            Some(next) => url = next["href"].as_str().unwrap().to_owned(),
            None => return out,
        }
    }
}

async fn assert_bad_parameter(server: &Server, path: &str, parameter: &str) {
    let r = server.get(path).await;
    assert_eq!(r.status(), 400, "{path}");
    assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
    let p: Value = r.json().await.unwrap();
    assert!(p["errors"].as_array().unwrap().iter().any(|e| e["parameter"] == parameter), "{path}: {p}");
}

/// The district with the most pins, by the map's own statistics (checked against PostGIS elsewhere).
async fn busiest_district(server: &Server) -> i64 {
    let (_, stats) = server.get_json("/api/v1/areas/stats").await;
    let busiest = stats["areas"].as_array().unwrap().iter().max_by_key(|a| a["count"].as_u64().unwrap()).unwrap();
    assert!(busiest["count"].as_u64().unwrap() > 200, "{busiest}");
    busiest["area_id"].as_i64().unwrap()
}

async fn map_pins_are_the_listings_pins(kind: StoreKind) {
    let (_store, server, _) = fixture(kind).await;
    let district = busiest_district(&server).await;
    let (_, centre) = server.get_json("/api/v1/areas?kind=historic_centre&current=true").await;
    let centre = features(&centre)[0]["id"].as_i64().unwrap();
    let filters = [
        String::new(),
        "category=pram,wheelchair".into(),
        "status=new,resolved&bbox=76.85,43.2,77.0,43.3".into(),
        "datetime=2025-06-01T00:00:00Z/..".into(),
        "datetime=../2025-12-31&category=low_vision,other".into(),
        format!("within={district}"),
        format!("within={district}&status=confirmed,in_progress&datetime=2025-01-01/2026-06-30"),
        format!("within={centre}"),
    ];
    for filter in &filters {
        let r = server.get(&format!("/api/v1/map/pins?{filter}")).await;
        assert_eq!(r.status(), 200, "{filter}");
        assert_eq!(r.headers()["content-type"], "application/geo+json", "{filter}");
        let lean: Value = r.json().await.unwrap();
        let full = all_features(&server, &format!("/api/v1/pins?{filter}&limit=10000")).await;
        assert!(full.len() > 5, "{filter}: too few pins ({}) for the comparison to mean much", full.len());
        assert_eq!(lean["type"], "FeatureCollection");
        assert_eq!(lean["numberReturned"].as_u64().unwrap(), full.len() as u64, "{filter}");
        assert_eq!(ids_of(&lean), full.iter().map(|f| f["id"].as_i64().unwrap()).collect::<Vec<_>>(), "{filter}");
        for (ours, theirs) in features(&lean).iter().zip(&full) {
            assert_eq!(ours["type"], "Feature");
            assert_eq!(ours["geometry"], theirs["geometry"], "{filter}");
            let (p, q) = (&ours["properties"], &theirs["properties"]);
            assert_eq!(
                p.as_object().unwrap().len(),
                4,
                "lean: category, status, location_precision, created_at only: {p}"
            );
            assert_eq!((&p["category"], &p["status"]), (&q["category"], &q["status"]), "{filter}");
            assert_eq!(p["location_precision"], q["location_precision"], "{filter}");
            // Seconds precision: the listing's time cut after the seconds.
            let full_time = q["created_at"].as_str().unwrap();
            assert_eq!(p["created_at"].as_str().unwrap(), format!("{}Z", &full_time[..19]), "{filter}");
        }
    }
    let r = server.get("/api/v1/map/pins?within=999999").await;
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (404, "application/problem+json"));
    assert_bad_parameter(&server, "/api/v1/map/pins?category=scooter", "category").await;
    assert_bad_parameter(&server, "/api/v1/map/pins?datetime=yesterday", "datetime").await;
    assert_bad_parameter(&server, "/api/v1/map/pins?limit=0", "limit").await;
    assert_bad_parameter(&server, "/api/v1/map/pins?limit=50001", "limit").await;
    assert_bad_parameter(&server, "/api/v1/map/pins?offset=10", "offset").await;

    // Bounded: at most 50,000 pins an answer; smaller pages are linked by `next` and together hold every pin.
    let (_, whole) = server.get_json("/api/v1/map/pins?category=pram").await;
    assert!(whole.get("links").is_none(), "one page holds them all: {}", whole["numberMatched"]);
    let mut paged = Vec::new();
    let mut path = "/api/v1/map/pins?category=pram&limit=97".to_owned();
    loop {
        let (status, page) = server.get_json(&path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(page["numberMatched"], whole["numberReturned"], "{path}");
        assert!(page["numberReturned"].as_u64().unwrap() <= 97);
        paged.extend(ids_of(&page));
        let Some(next) = page["links"].as_array().and_then(|l| l.iter().find(|l| l["rel"] == "next")) else { break };
        let href = next["href"].as_str().unwrap();
        assert!(href.contains("category=pram"), "{href}");
        path = href[href.find("/api/").unwrap()..].to_owned();
    }
    assert_eq!(paged, ids_of(&whole));
    assert!(paged.len() > 97, "more than one page");
    assert_bad_parameter(&server, "/api/v1/map/pins?within=x", "within").await;

    // `datetime` on an area's pins is the same as on the listing with `within`.
    let filter = "datetime=2025-03-01/2026-03-01&category=pram,other";
    let by_path = server.list_all_ids_at(&format!("/api/v1/areas/{district}/pins?{filter}")).await;
    assert!(!by_path.is_empty());
    assert_eq!(by_path, server.list_all_ids(&format!("within={district}&{filter}")).await);
    assert!(by_path.len() < server.list_all_ids_at(&format!("/api/v1/areas/{district}/pins?limit=997")).await.len());

    // The map reloads its pins with no cache-busting parameter: they are revalidated on every load (no-cache)
    // and cost a 304 while unchanged; a new report changes the tag, so the browser gets the new pins.
    let first = server.get("/api/v1/map/pins").await;
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    let before: Value = first.json().await.unwrap();
    let conditional = |tag: String| {
        let url = server.url("/api/v1/map/pins");
        let client = server.client.clone();
        async move { client.get(url).header("if-none-match", tag).send().await.unwrap() }
    };
    let again = conditional(tag.clone()).await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);
    assert!(again.bytes().await.unwrap().is_empty());
    let (lon, lat) = REPUBLIC_SQUARE;
    assert_eq!(server.post_pin(&report(lon, lat, "pram", "a new pin for the map")).await.status(), 201);
    let changed = conditional(tag.clone()).await;
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), tag);
    let after: Value = changed.json().await.unwrap();
    assert_eq!(after["numberReturned"].as_u64().unwrap(), before["numberReturned"].as_u64().unwrap() + 1);
}

/// PostGIS's count of pins matching the filter in each current district, by area id.
async fn postgis_district_counts(
    pool: &PgPool,
    categories: Option<&[&str]>,
    statuses: Option<&[&str]>,
    since: Option<&str>,
) -> Vec<(i64, i64)> {
    let strings = |v: Option<&[&str]>| v.map(|v| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>());
    sqlx::query_as(
        "SELECT a.id, count(p.id) FROM areas a JOIN area_versions v ON v.id = a.version_id
         LEFT JOIN pins p ON ST_Intersects(a.geom, p.geom)
              AND ($1::text[] IS NULL OR p.category = ANY($1))
              AND ($2::text[] IS NULL OR p.status = ANY($2))
              AND ($3::timestamptz IS NULL OR p.created_at >= $3::timestamptz)
         WHERE v.kind = 'district' AND v.current GROUP BY a.id ORDER BY a.id",
    )
    .bind(strings(categories))
    .bind(strings(statuses))
    .bind(since)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn area_stats_are_postgis_counts(kind: StoreKind) {
    let (_store, server, oracle) = fixture(kind).await;
    // (query, then the same filter for PostGIS: categories, statuses, reported since)
    type Case<'a> = (&'a str, Option<&'a [&'a str]>, Option<&'a [&'a str]>, Option<&'a str>);
    let cases: [Case; 5] = [
        ("", None, None, None),
        ("category=pram", Some(&["pram"]), None, None),
        ("category=wheelchair,bicycle&status=new", Some(&["wheelchair", "bicycle"]), Some(&["new"]), None),
        ("status=resolved,rejected", None, Some(&["resolved", "rejected"]), None),
        ("datetime=2025-09-01T00:00:00Z/..&category=other", Some(&["other"]), None, Some("2025-09-01T00:00:00Z")),
    ];
    let mut on_two_borders = 0;
    for (query, categories, statuses, since) in cases {
        let (status, stats) = server.get_json(&format!("/api/v1/areas/stats?{query}")).await;
        assert_eq!(status, 200, "{query}: {stats}");
        let areas = stats["areas"].as_array().unwrap();
        let ours: Vec<(i64, i64)> =
            areas.iter().map(|a| (a["area_id"].as_i64().unwrap(), a["count"].as_i64().unwrap())).collect();
        let expected = postgis_district_counts(&oracle, categories, statuses, since).await;
        assert_eq!(ours, expected, "{query}");
        assert_eq!(ours.len(), 8, "the eight districts");
        assert!(ours.iter().filter(|(_, n)| *n > 0).count() >= 4, "{query}: {ours:?}");
        for a in areas {
            assert_eq!(a["kind"], "district");
            assert_eq!(a["current"], true);
            assert!(a["name_en"].as_str().unwrap().ends_with("District"), "{a}");
            assert!(a["label"].is_string() && a["name_kk"].is_string() && a["name_ru"].is_string(), "{a}");
            assert_eq!(a["version"], 1);
            let (n, km2) = (a["count"].as_f64().unwrap(), a["area_km2"].as_f64().unwrap());
            assert!((a["pins_per_km2"].as_f64().unwrap() - n / km2).abs() <= 1e-12 * (n / km2).max(1.0), "{a}");
        }
        if query.is_empty() {
            let total: i64 = ours.iter().map(|(_, n)| n).sum();
            let pins: i64 = sqlx::query_scalar("SELECT count(*) FROM pins").fetch_one(&oracle).await.unwrap();
            on_two_borders = total - pins;
        }
        assert_eq!(stats["filter"]["kind"], "district");
        assert_eq!(stats["filter"]["current"], true);
    }
    // Pins on shared borders count in both districts, as ST_Intersects has it (and some lie in no district).
    assert!(on_two_borders > 50, "{on_two_borders}");

    let (_, echoed) =
        server.get_json("/api/v1/areas/stats?category=pram,other&status=new&datetime=2025-01-01/..").await;
    assert_eq!(
        echoed["filter"],
        serde_json::json!({ "kind": "district", "current": true, "category": ["pram", "other"],
                            "status": ["new"], "location_precision": null, "datetime": "2025-01-01/.." })
    );
    let (_, plain) = server.get_json("/api/v1/areas/stats").await;
    assert_eq!(plain["filter"]["category"], Value::Null);
    assert_eq!(plain["filter"]["datetime"], Value::Null);

    let (_, centre) = server.get_json("/api/v1/areas/stats?kind=historic_centre&category=pram").await;
    let centre = centre["areas"].as_array().unwrap();
    assert_eq!(centre.len(), 1);
    let id = centre[0]["area_id"].as_i64().unwrap();
    let in_centre = server.list_all_ids_at(&format!("/api/v1/areas/{id}/pins?category=pram&limit=997")).await;
    assert_eq!(centre[0]["count"].as_u64().unwrap(), in_centre.len() as u64);
    let (_, all_versions) = server.get_json("/api/v1/areas/stats?current=false").await;
    assert_eq!(all_versions["areas"].as_array().unwrap().len(), 8, "one district version in a fresh store");

    assert_bad_parameter(&server, "/api/v1/areas/stats?kind=city", "kind").await;
    assert_bad_parameter(&server, "/api/v1/areas/stats?current=yes", "current").await;
    assert_bad_parameter(&server, "/api/v1/areas/stats?status=open", "status").await;
    assert_bad_parameter(&server, "/api/v1/areas/stats?datetime=2025-13-01", "datetime").await;
    assert_bad_parameter(&server, "/api/v1/areas/stats?bbox=76,43,77,44", "bbox").await;
    // `stats` is a resource of its own, never read as an area id; an area's own stats still answer.
    let (status, one) = server.get_json(&format!("/api/v1/areas/{id}/stats")).await;
    assert_eq!((status, one["area_id"].as_i64()), (200, Some(id)));
}

/// The sort key of a full feature for `sortby` (without its `-`).
fn key(feature: &Value, by: &str) -> String {
    match by {
        "id" => String::new(),
        other => feature["properties"][other].as_str().unwrap().to_owned(),
    }
}

async fn the_table_pages_through_the_area_in_order(kind: StoreKind) {
    let (_store, server, _) = fixture(kind).await;
    let district = busiest_district(&server).await;
    let filter = "category=pram,wheelchair,bicycle,limited_mobility&datetime=2024-12-01/..";
    let expected = all_features(&server, &format!("/api/v1/areas/{district}/pins?{filter}&limit=997")).await;
    assert!(expected.len() > 100, "{}", expected.len());
    let id = |f: &Value| f["id"].as_i64().unwrap();
    for sortby in ["id", "-id", "created_at", "-created_at", "category", "-category", "status", "-status"] {
        let (descending, by) = match sortby.strip_prefix('-') {
            Some(by) => (true, by),
            None => (false, sortby),
        };
        let mut want = expected.clone();
        want.sort_by(|a, b| {
            let order = key(a, by).cmp(&key(b, by));
            let order = if descending { order.reverse() } else { order };
            let ids = if descending && by == "id" { id(b).cmp(&id(a)) } else { id(a).cmp(&id(b)) };
            order.then(ids)
        });
        let limit = 37;
        let mut got: Vec<Value> = Vec::new();
        let mut offset = 0;
        loop {
            let path =
                format!("/api/v1/map/table?within={district}&{filter}&sortby={sortby}&offset={offset}&limit={limit}");
            let r = server.get(&path).await;
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()["content-type"], "application/geo+json");
            let page: Value = r.json().await.unwrap();
            assert_eq!(page["type"], "FeatureCollection");
            assert_eq!(page["numberMatched"].as_u64().unwrap(), expected.len() as u64, "{path}");
            assert_eq!(page["offset"].as_u64().unwrap(), offset as u64, "{path}");
            let n = features(&page).len();
            assert_eq!(page["numberReturned"].as_u64().unwrap(), n as u64, "{path}");
            assert_eq!(n, limit.min(expected.len().saturating_sub(offset)), "{path}");
            got.extend(features(&page).iter().cloned());
            offset += limit;
            if offset >= expected.len() {
                break;
            }
        }
        // The same features, rendered as the listing renders them, in the order asked.
        assert_eq!(got.iter().map(id).collect::<Vec<_>>(), want.iter().map(id).collect::<Vec<_>>(), "sortby={sortby}");
        assert!(got == want, "sortby={sortby}: the same ids, rendered differently");
    }
    // The sorts really reorder: by status the first page is not the id order.
    let (_, by_status) = server.get_json(&format!("/api/v1/map/table?within={district}&{filter}&sortby=-status")).await;
    let (_, by_id) = server.get_json(&format!("/api/v1/map/table?within={district}&{filter}")).await;
    assert_ne!(ids_of(&by_status), ids_of(&by_id));
    assert_eq!(ids_of(&by_id), expected.iter().take(25).map(id).collect::<Vec<_>>(), "defaults: by id, 25");
    let (_, past_the_end) = server.get_json(&format!("/api/v1/map/table?within={district}&offset=100000")).await;
    assert_eq!((past_the_end["numberReturned"].as_u64(), features(&past_the_end).len()), (Some(0), 0));
    assert!(past_the_end["numberMatched"].as_u64().unwrap() >= expected.len() as u64);
    // Without `within`: the whole city.
    let (_, city) = server.get_json("/api/v1/map/table?limit=1000&sortby=-id").await;
    let all = server.list_all_ids("limit=10000").await;
    assert_eq!(city["numberMatched"].as_u64().unwrap(), all.len() as u64);
    assert_eq!(ids_of(&city), all.iter().rev().take(1000).copied().collect::<Vec<_>>());

    for (query, parameter) in [
        ("sortby=name", "sortby"),
        ("sortby=-", "sortby"),
        ("sortby=+id", "sortby"),
        ("sortby=id,status", "sortby"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("cursor=5", "cursor"),
        ("within=abc", "within"),
        ("category=skates&limit=0", "category"),
        ("category=skates&limit=0", "limit"),
    ] {
        assert_bad_parameter(&server, &format!("/api/v1/map/table?{query}"), parameter).await;
    }
    let r = server.get("/api/v1/map/table?within=999999").await;
    assert_eq!(r.status(), 404);
}

async fn district_label_points_lie_in_their_districts(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let (_, all) = server.get_json("/api/v1/areas").await;
    assert_eq!(features(&all).len(), 9, "eight districts and the historic centre");
    for area in features(&all) {
        let p = &area["properties"]["label_point"];
        let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
        let inside = postgis_pins_in(&store, &[(1, lon, lat)], &area["geometry"]).await;
        assert_eq!(inside, BTreeSet::from([1]), "{}: label point {p} is outside", area["properties"]["name_en"]);
        // The same point wherever the area is rendered without its geometry.
        let (_, found) = server.get_json(&format!("/api/v1/point/{lon},{lat}/areas")).await;
        let listed = features(&found).iter().find(|f| f["id"] == area["id"]).expect("the area holds its point");
        assert_eq!(&listed["properties"]["label_point"], p);
        // In another CRS (OGC API), the label point is converted with the geometry.
        if area["properties"]["kind"] == "district" {
            let crs = "http://www.opengis.net/def/crs/EPSG/0/32643";
            let (status, utm) =
                server.get_json(&format!("/ogc/collections/districts/items/{}?crs={crs}", area["id"])).await;
            assert_eq!(status, 200, "{utm}");
            let q = &utm["properties"]["label_point"];
            let (x, y): (f64, f64) = sqlx::query_as(
                "SELECT ST_X(t), ST_Y(t) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 32643) t) s",
            )
            .bind(lon)
            .bind(lat)
            .fetch_one(&store.postgis().await.pool().await)
            .await
            .unwrap();
            let (qx, qy) = (q[0].as_f64().unwrap(), q[1].as_f64().unwrap());
            assert!((qx - x).abs() < 0.01 && (qy - y).abs() < 0.01, "{q} vs PostGIS ({x}, {y})");
        }
    }
}

async fn config_has_the_city_and_the_basemap(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let (status, config) = server.get_json("/api/v1/map/config").await;
    assert_eq!(status, 200);
    assert_eq!(config["basemap_style"], Value::Null);
    assert_eq!(config["geocoder_url"], Value::Null);
    assert_eq!(config["moderation"], "post", "reports are public at once unless the deployment moderates first");
    assert_eq!(config["categories"], serde_json::json!(CATEGORIES));
    assert_eq!(config["statuses"], serde_json::json!(STATUSES));
    assert_eq!(config["city"]["type"], "MultiPolygon");
    // The bounds are the city's own box, and the city lies around Almaty.
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for polygon in config["city"]["coordinates"].as_array().unwrap() {
        for ring in polygon.as_array().unwrap() {
            for c in ring.as_array().unwrap() {
                for axis in 0..2 {
                    lo[axis] = lo[axis].min(c[axis].as_f64().unwrap());
                    hi[axis] = hi[axis].max(c[axis].as_f64().unwrap());
                }
            }
        }
    }
    assert_eq!(config["bounds"], serde_json::json!([lo[0], lo[1], hi[0], hi[1]]));
    assert!(lo[0] > 76.6 && hi[0] < 77.4 && lo[1] > 43.0 && hi[1] < 43.5, "{}", config["bounds"]);
    // Every district lies within the city's bounds (up to a hair of the dissolve).
    let (_, districts) = server.get_json("/api/v1/areas?kind=district&current=true").await;
    for d in features(&districts) {
        let p = &d["properties"]["label_point"];
        let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
        assert!(x >= lo[0] && x <= hi[0] && y >= lo[1] && y <= hi[1], "{p}");
    }
    assert_bad_parameter(&server, "/api/v1/map/config?city=astana", "city").await;
    drop(server);

    let style = "https://tiles.example.org/styles/almaty.json?key=a&b=c";
    let options = ServeOptions {
        basemap_style: Some(style.to_owned()),
        geocoder_url: Some("https://geocoder.example.org/nominatim/".into()),
        ..Default::default()
    };
    let server = Server::start_with(&store, options).await;
    let (_, config) = server.get_json("/api/v1/map/config").await;
    assert_eq!(config["basemap_style"], style);
    // The page appends `/search`: the base is kept without its trailing slash.
    assert_eq!(config["geocoder_url"], "https://geocoder.example.org/nominatim");
    assert_eq!(config["categories"], serde_json::json!(CATEGORIES));
    assert_eq!(current_area_ids(&server, "district").await.len(), 8);
}

/// A raw HTTP/1.1 GET, for paths a URL library would normalise (`..`).
async fn raw_get(server: &Server, path: &str) -> String {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

async fn the_web_map_is_served_with_caching_and_gzip(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web").join(&store.name);
    let _ = std::fs::remove_dir_all(&root);
    let dist = root.join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    let html = "<!doctype html><title>qala map</title><script type=module src=/assets/x-123.js></script>";
    let js = "console.log('qala');\n".repeat(20);
    std::fs::write(dist.join("index.html"), html).unwrap();
    std::fs::write(dist.join("assets/x-123.js"), &js).unwrap();
    std::fs::write(root.join("secret.txt"), "not for the web").unwrap();
    let server = Server::start_with(&store, ServeOptions { web_dir: Some(dist.clone()), ..Default::default() }).await;

    let r = server.get("/").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert_eq!(r.text().await.unwrap(), html);
    let r = server.get("/assets/x-123.js").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("javascript"), "{:?}", r.headers());
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(r.text().await.unwrap(), js);
    for path in ["/nope.js", "/assets/nope-1.js", "/assets", "/assets/", "/api/v1/nope", "/index.htm"] {
        let r = server.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
        assert!(r.headers().get("cache-control").is_none(), "{path}");
    }
    let escape = raw_get(&server, "/../secret.txt").await;
    assert!(escape.starts_with("HTTP/1.1 404") && !escape.contains("not for the web"), "{escape}");
    let r = server.client.post(server.url("/")).body("x").send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (405, "application/problem+json"));
    let r = server.client.post(server.url("/assets/x-123.js")).body("x").send().await.unwrap();
    assert_eq!(r.status(), 404);

    // gzip for clients that ask, and only for them (this test client does not ask by itself).
    for i in 0..40 {
        let (lon, lat) = REPUBLIC_SQUARE;
        let r = server.post_pin(&report(lon + f64::from(i) * 1e-4, lat, CATEGORIES[i as usize % 6], "gzip")).await;
        assert_eq!(r.status(), 201);
    }
    let plain = server.get("/api/v1/map/pins").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain: Value = plain.json().await.unwrap();
    assert_eq!(features(&plain).len(), 40);
    let r = server.client.get(server.url("/api/v1/map/pins")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let gz = r.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), plain);
    assert!(gz.len() * 3 < text.len(), "{} gzipped from {}", gz.len(), text.len());
    // Streamed exports stream through the gzip layer to their end, and decode to what a plain client gets.
    for file in ["pins.geojson", "pins.geojsonseq", "pins.csv", "pins.fgb"] {
        let url = server.url(&format!("/api/v1/exports/{file}"));
        let plain = server.client.get(&url).send().await.unwrap().bytes().await.unwrap();
        let r = server.client.get(&url).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!((r.status().as_u16(), &r.headers()["content-encoding"]), (200, &"gzip".parse().unwrap()), "{file}");
        let gz = r.bytes().await.unwrap();
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut decoded).unwrap();
        assert!(plain.len() > 1000, "{file}: {} bytes", plain.len());
        assert!(
            decoded == plain,
            "{file}: {} bytes gzipped decode to {} bytes, not the plain {}",
            gz.len(),
            decoded.len(),
            plain.len()
        );
    }
    let r = server.client.get(server.url("/assets/x-123.js")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let gz = r.bytes().await.unwrap();
    assert!(gz.len() < js.len());
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
    assert_eq!(text, js);
    drop(server);

    // Not built yet: a page saying how to build it, and the API as ever.
    let empty = root.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let server = Server::start_with(&store, ServeOptions { web_dir: Some(empty.clone()), ..Default::default() }).await;
    let r = server.get("/").await;
    assert_eq!(r.status(), 503);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(page.contains("./scripts/run") && page.contains("npm --prefix maps ci"), "{page}");
    let (status, _) = server.get_json("/api/v1/pins").await;
    assert_eq!(status, 200);
    assert_eq!(server.get("/assets/x-123.js").await.status(), 404);
}

on_both_stores!(
    map_pins_are_the_listings_pins,
    area_stats_are_postgis_counts,
    the_table_pages_through_the_area_in_order,
    district_label_points_lie_in_their_districts,
    config_has_the_city_and_the_basemap,
    the_web_map_is_served_with_caching_and_gzip,
);

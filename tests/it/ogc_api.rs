//! OGC API – Features under `/ogc`, over HTTP against the real server on both stores: the documents, items
//! with every parameter (checked against PostGIS), CRS round trips, CQL2 filters (each operator checked
//! against the same predicate in SQL), bad input, GDAL's OAPIF driver, and the OpenAPI document validated
//! by `openapi-spec-validator` with every operation in it exercised.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{Server, StoreKind, TestStore, gdal, qala_cli};

/// A store with `n` seeded pins (categories, statuses and report times over two years) and Almaty's areas.
async fn seeded(kind: StoreKind, n: u32) -> (TestStore, Server) {
    let store = TestStore::new(kind).await;
    let out = qala_cli(&store, &["seed", "--count", &n.to_string(), "--seed", "7"]).await;
    assert!(out.status.success(), "seed: {}", String::from_utf8_lossy(&out.stderr));
    let server = Server::start(&store).await;
    (store, server)
}

/// Every feature id of an items request, following `next` links; checks `numberMatched` when present.
async fn all_item_ids(server: &Server, path: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut url = server.url(path);
    let mut matched = None;
    loop {
        let r = server.client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}: {}", r.text().await.unwrap());
        let page: Value = r.json().await.unwrap();
        if matched.is_none() {
            matched = page["numberMatched"].as_u64();
        }
        let features = page["features"].as_array().unwrap();
        assert_eq!(page["numberReturned"].as_u64(), Some(features.len() as u64));
        ids.extend(features.iter().map(|f| f["id"].as_i64().unwrap()));
        match page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") {
            Some(next) => url = next["href"].as_str().unwrap().to_owned(),
            None => break,
        }
    }
    if let Some(m) = matched {
        assert_eq!(m, ids.len() as u64, "numberMatched of {path}");
    }
    ids
}

async fn sql_ids(oracle: &sqlx::PgPool, condition: &str) -> Vec<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT id FROM pins WHERE {condition} ORDER BY id")))
        .fetch_all(oracle)
        .await
        .unwrap_or_else(|e| panic!("oracle SQL {condition}: {e}"))
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn documents_and_paging(kind: StoreKind) {
    let (_store, server) = seeded(kind, 1200).await;
    let (status, landing) = server.get_json("/ogc").await;
    assert_eq!(status, 200);
    let rels: BTreeSet<&str> =
        landing["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(rel), "landing page lacks {rel}: {rels:?}");
    }
    let (_, conformance) = server.get_json("/ogc/conformance").await;
    let classes: Vec<&str> =
        conformance["conformsTo"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"));
    assert!(classes.contains(&"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text"));
    let (_, collections) = server.get_json("/ogc/collections").await;
    let ids: Vec<&str> =
        collections["collections"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["pins", "districts", "historic_centre", "historic_centre_v1"]);
    let (_, pins) = server.get_json("/ogc/collections/pins").await;
    assert_eq!(pins["storageCrs"], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    assert_eq!(pins["crs"].as_array().unwrap().len(), 4);
    assert_eq!(pins["extent"]["spatial"]["bbox"][0].as_array().unwrap().len(), 4);
    assert!(pins["extent"]["temporal"]["interval"][0][0].is_string());
    let r = server.get("/ogc/collections/pins/queryables").await;
    assert_eq!(r.headers()["content-type"], "application/schema+json");
    let q: Value = r.json().await.unwrap();
    assert_eq!(q["properties"]["geometry"]["format"], "geometry-point");
    assert!(q["properties"]["category"]["enum"].as_array().unwrap().contains(&"pram".into()));
    // Area collections: the current districts, each with geometry.
    let (_, districts) = server.get_json("/ogc/collections/districts/items").await;
    assert_eq!(districts["numberMatched"], 8);
    assert_eq!(districts["features"][0]["geometry"]["type"], "MultiPolygon");
    let first = districts["features"][0]["id"].as_i64().unwrap();
    let (status, one) = server.get_json(&format!("/ogc/collections/districts/items/{first}")).await;
    assert_eq!((status, one["id"].as_i64()), (200, Some(first)));
    let (_, paged) = server.get_json("/ogc/collections/districts/items?limit=3&offset=3").await;
    assert_eq!(paged["numberReturned"], 3);
    let rels: Vec<&str> = paged["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    assert!(rels.contains(&"next") && rels.contains(&"prev"), "{rels:?}");
    let (_, centre) = server.get_json("/ogc/collections/historic_centre_v1/items").await;
    assert_eq!(centre["numberMatched"], 1);

    // Pages: next links cover every pin once, in id order; prev links walk back to the same pages.
    let all = all_item_ids(&server, "/ogc/collections/pins/items?limit=500").await;
    assert_eq!(all.len(), 1200);
    assert!(all.windows(2).all(|w| w[0] < w[1]));
    let (_, p1) = server.get_json("/ogc/collections/pins/items?limit=100").await;
    let next = p1["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap()["href"].as_str().unwrap();
    let p2: Value = server.client.get(next).send().await.unwrap().json().await.unwrap();
    let prev = p2["links"].as_array().unwrap().iter().find(|l| l["rel"] == "prev").unwrap()["href"].as_str().unwrap();
    let back: Value = server.client.get(prev).send().await.unwrap().json().await.unwrap();
    let ids =
        |v: &Value| v["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(&back), ids(&p1));
    assert_eq!(ids(&p2)[0], ids(&p1)[99] + 1);
    let r = server.get(&format!("/ogc/collections/pins/items/{}", all[5])).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-crs"], "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
    let one: Value = r.json().await.unwrap();
    assert_eq!(one["id"].as_i64(), Some(all[5]));
    assert!(one["properties"].get("contact").is_none());

    // HTML for every document.
    for path in [
        "/ogc?f=html",
        "/ogc/conformance?f=html",
        "/ogc/api?f=html",
        "/ogc/collections?f=html",
        "/ogc/collections/pins?f=html",
        "/ogc/collections/pins/queryables?f=html",
        "/ogc/collections/pins/items?f=html&limit=5",
        &format!("/ogc/collections/pins/items/{}?f=html", all[0]),
        "/ogc/collections/districts/items?f=html",
        &format!("/ogc/collections/districts/items/{first}?f=html"),
    ] {
        let r = server.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        let body = r.text().await.unwrap();
        assert!(body.starts_with("<!doctype html>") && body.contains("</html>"), "{path}");
    }
    let browser = server.client.get(server.url("/ogc/collections")).header("accept", "text/html").send().await.unwrap();
    assert!(browser.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}

/// `bbox`, `datetime`, `category` and `status` select exactly what the same conditions select in PostGIS.
async fn items_filters_match_postgis(kind: StoreKind) {
    let (store, server) = seeded(kind, 3000).await;
    let oracle = store.oracle().await;
    let cases = [
        ("bbox=76.90,43.22,76.96,43.26", "ST_Intersects(geom, ST_MakeEnvelope(76.90, 43.22, 76.96, 43.26, 4326))"),
        ("category=pram,wheelchair", "category IN ('pram', 'wheelchair')"),
        ("status=resolved", "status = 'resolved'"),
        ("datetime=2025-06-01T00:00:00Z/..", "created_at >= '2025-06-01T00:00:00Z'"),
        ("datetime=../2025-06-01T00:00:00Z", "created_at <= '2025-06-01T00:00:00Z'"),
        (
            "datetime=2025-01-01T00:00:00Z/2025-03-31T23:59:59Z&category=bicycle&bbox=76.85,43.15,77.0,43.3",
            "created_at BETWEEN '2025-01-01T00:00:00Z' AND '2025-03-31T23:59:59Z' AND category = 'bicycle'
             AND ST_Intersects(geom, ST_MakeEnvelope(76.85, 43.15, 77.0, 43.3, 4326))",
        ),
        ("datetime=2025-05-01", "created_at >= '2025-05-01T00:00:00Z' AND created_at < '2025-05-02T00:00:00Z'"),
        // EPSG:4326 boxes are lat,lon.
        (
            "bbox=43.22,76.90,43.26,76.96&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326",
            "ST_Intersects(geom, ST_MakeEnvelope(76.90, 43.22, 76.96, 43.26, 4326))",
        ),
        // A box in UTM 43N, tested exactly in that CRS, as PostGIS does with ST_Transform.
        (
            "bbox=655000,4785000,662000,4792000&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/32643",
            "ST_Intersects(ST_Transform(geom, 32643), ST_MakeEnvelope(655000, 4785000, 662000, 4792000, 32643))",
        ),
    ];
    for (query, condition) in cases {
        let got = all_item_ids(&server, &format!("/ogc/collections/pins/items?limit=1000&{query}")).await;
        let want = sql_ids(&oracle, condition).await;
        assert!(!want.is_empty(), "{query}: the case selects nothing; pick another");
        assert_eq!(got, want, "{query}");
    }
}

/// Each CQL2 operator selects what the same predicate selects in PostGIS, including filters that need the
/// record (`description`, `updated_at`) rather than the index alone.
async fn cql2_matches_postgis(kind: StoreKind) {
    let (store, server) = seeded(kind, 3000).await;
    let oracle = store.oracle().await;
    let (lon, lat): (f64, f64) =
        sqlx::query_as("SELECT ST_X(geom), ST_Y(geom) FROM pins WHERE id = 17").fetch_one(&oracle).await.unwrap();
    let cases: Vec<(String, String)> = vec![
        ("category = 'wheelchair' AND status <> 'new'".into(), "category = 'wheelchair' AND status <> 'new'".into()),
        ("category IN ('pram','bicycle')".into(), "category IN ('pram','bicycle')".into()),
        ("category NOT IN ('pram','bicycle')".into(), "category NOT IN ('pram','bicycle')".into()),
        ("NOT (status = 'new') OR category = 'other'".into(), "NOT (status = 'new') OR category = 'other'".into()),
        ("id BETWEEN 100 AND 250".into(), "id BETWEEN 100 AND 250".into()),
        ("id < 50 OR id >= 2990".into(), "id < 50 OR id >= 2990".into()),
        ("description LIKE '%stairs%'".into(), "description LIKE '%stairs%'".into()),
        ("description NOT LIKE '%Street 1%'".into(), "description NOT LIKE '%Street 1%'".into()),
        ("CASEI(description) LIKE CASEI('%UNDERPASS%')".into(), "lower(description) LIKE lower('%UNDERPASS%')".into()),
        ("description IS NULL".into(), "description IS NULL".into()),
        ("description IS NOT NULL AND category = 'pram'".into(), "category = 'pram'".into()),
        ("created_at > TIMESTAMP('2025-06-01T00:00:00Z')".into(), "created_at > '2025-06-01T00:00:00Z'".into()),
        ("T_AFTER(created_at, TIMESTAMP('2026-01-01T00:00:00Z'))".into(), "created_at > '2026-01-01T00:00:00Z'".into()),
        ("T_BEFORE(created_at, DATE('2025-03-01'))".into(), "created_at < '2025-03-01T00:00:00Z'".into()),
        (
            "T_INTERSECTS(created_at, INTERVAL('2025-01-01T00:00:00Z','2025-02-01T00:00:00Z'))".into(),
            "created_at BETWEEN '2025-01-01T00:00:00Z' AND '2025-02-01T00:00:00Z'".into(),
        ),
        ("T_INTERSECTS(created_at, INTERVAL('2026-06-01T00:00:00Z','..'))".into(), "created_at >= '2026-06-01T00:00:00Z'".into()),
        ("updated_at >= TIMESTAMP('2026-03-01T00:00:00Z')".into(), "updated_at >= '2026-03-01T00:00:00Z'".into()),
        (
            "S_INTERSECTS(geometry, BBOX(76.90,43.22,76.96,43.26))".into(),
            "ST_Intersects(geom, ST_MakeEnvelope(76.90, 43.22, 76.96, 43.26, 4326))".into(),
        ),
        (
            "S_WITHIN(geometry, POLYGON((76.88 43.20, 77.00 43.20, 77.00 43.28, 76.88 43.28, 76.88 43.20)))".into(),
            "ST_Within(geom, ST_GeomFromText('POLYGON((76.88 43.20, 77.00 43.20, 77.00 43.28, 76.88 43.28, 76.88 43.20))', 4326))".into(),
        ),
        (
            "S_DISJOINT(geometry, BBOX(76.80,43.10,77.10,43.35))".into(),
            "ST_Disjoint(geom, ST_MakeEnvelope(76.80, 43.10, 77.10, 43.35, 4326))".into(),
        ),
        (format!("S_INTERSECTS(geometry, POINT({lon} {lat}))"), format!("ST_Intersects(geom, ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326))")),
        (
            "(category = 'pram' OR status = 'resolved') AND S_INTERSECTS(geometry, BBOX(76.85,43.15,77.0,43.3)) AND description LIKE '%Street%'".into(),
            "(category = 'pram' OR status = 'resolved') AND ST_Intersects(geom, ST_MakeEnvelope(76.85, 43.15, 77.0, 43.3, 4326)) AND description LIKE '%Street%'".into(),
        ),
    ];
    for (filter, condition) in &cases {
        let path = format!("/ogc/collections/pins/items?limit=1000&filter-lang=cql2-text&filter={}", enc(filter));
        let got = all_item_ids(&server, &path).await;
        let want = sql_ids(&oracle, condition).await;
        assert_eq!(got, want, "filter {filter}");
    }
    // A filter geometry in another CRS (filter-crs): the same box in EPSG:4326 axis order.
    let path = format!(
        "/ogc/collections/pins/items?limit=1000&filter-crs={}&filter={}",
        enc("http://www.opengis.net/def/crs/EPSG/0/4326"),
        enc("S_INTERSECTS(geometry, POLYGON((43.22 76.90, 43.22 76.96, 43.26 76.96, 43.26 76.90, 43.22 76.90)))")
    );
    let want = sql_ids(&oracle, "ST_Intersects(geom, ST_MakeEnvelope(76.90, 43.22, 76.96, 43.26, 4326))").await;
    assert_eq!(all_item_ids(&server, &path).await, want);
}

/// Items in EPSG:32643 and EPSG:3857 convert back (with PostGIS) to the stored coordinates within 1 cm, and
/// EPSG:4326 answers lat,lon.
async fn crs_round_trip(kind: StoreKind) {
    let (store, server) = seeded(kind, 300).await;
    let oracle = store.oracle().await;
    let (_, base) = server.get_json("/ogc/collections/pins/items?limit=300").await;
    let stored: Vec<(i64, f64, f64)> = base["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_i64().unwrap(),
                f["geometry"]["coordinates"][0].as_f64().unwrap(),
                f["geometry"]["coordinates"][1].as_f64().unwrap(),
            )
        })
        .collect();
    for (code, uri) in
        [(32643, "http://www.opengis.net/def/crs/EPSG/0/32643"), (3857, "http://www.opengis.net/def/crs/EPSG/0/3857")]
    {
        let r = server.get(&format!("/ogc/collections/pins/items?limit=300&crs={}", enc(uri))).await;
        assert_eq!(r.headers()["content-crs"].to_str().unwrap(), format!("<{uri}>"));
        let page: Value = r.json().await.unwrap();
        for (f, (id, lon, lat)) in page["features"].as_array().unwrap().iter().zip(&stored) {
            assert_eq!(f["id"].as_i64(), Some(*id));
            let (x, y) =
                (f["geometry"]["coordinates"][0].as_f64().unwrap(), f["geometry"]["coordinates"][1].as_f64().unwrap());
            // PostGIS converts back; the distance to the stored point, in metres on the ellipsoid.
            let d: f64 = sqlx::query_scalar(
                "SELECT ST_Distance(ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3), 4326)::geography,
                                    ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography)",
            )
            .bind(x)
            .bind(y)
            .bind(code)
            .bind(lon)
            .bind(lat)
            .fetch_one(&oracle)
            .await
            .unwrap();
            assert!(d < 0.01, "EPSG:{code} pin {id}: {d} m off");
        }
        let one = server.get_json(&format!("/ogc/collections/pins/items/{}?crs={}", stored[0].0, enc(uri))).await.1;
        assert_eq!(one["geometry"], page["features"][0]["geometry"]);
    }
    let page = server
        .get_json(&format!(
            "/ogc/collections/pins/items?limit=1&crs={}",
            enc("http://www.opengis.net/def/crs/EPSG/0/4326")
        ))
        .await
        .1;
    let c = &page["features"][0]["geometry"]["coordinates"];
    assert_eq!((c[0].as_f64(), c[1].as_f64()), (Some(stored[0].2), Some(stored[0].1)));
    let (_, d) = server
        .get_json(&format!(
            "/ogc/collections/districts/items?limit=1&crs={}",
            enc("http://www.opengis.net/def/crs/EPSG/0/32643")
        ))
        .await;
    let x = d["features"][0]["geometry"]["coordinates"][0][0][0][0].as_f64().unwrap();
    assert!(x > 600_000.0 && x < 720_000.0, "a UTM easting: {x}");
}

async fn bad_input(kind: StoreKind) {
    let (_store, server) = seeded(kind, 50).await;
    for (path, status, names) in [
        ("/ogc/collections/nope", 404, ""),
        ("/ogc/collections/nope/items", 404, ""),
        ("/ogc/collections/historic_centre_v99", 404, ""),
        ("/ogc/collections/pins/items/999999", 404, ""),
        ("/ogc/collections/pins/items/abc", 404, ""),
        ("/ogc/collections/districts/items/999999", 404, ""),
        ("/ogc/collections/districts/queryables", 404, ""),
        ("/ogc/collections/pins/items?bbox=1,2,3", 400, "bbox"),
        ("/ogc/collections/pins/items?bbox=77,43,76,44", 400, "bbox"),
        ("/ogc/collections/pins/items?datetime=yesterday", 400, "datetime"),
        ("/ogc/collections/pins/items?datetime=../..", 400, "datetime"),
        ("/ogc/collections/pins/items?crs=EPSG:2154", 400, "crs"),
        ("/ogc/collections/pins/items?bbox-crs=EPSG:2154", 400, "bbox-crs"),
        ("/ogc/collections/pins/items?limit=0", 400, "limit"),
        ("/ogc/collections/pins/items?limit=10001", 400, "limit"),
        ("/ogc/collections/pins/items?f=xml", 400, "f"),
        ("/ogc/collections/pins/items?filter=category%20%3D%3D%20'x'", 400, "filter"),
        ("/ogc/collections/pins/items?filter=colour%20%3D%20'red'", 400, "filter"),
        ("/ogc/collections/pins/items?filter=S_INTERSECTS(geometry%2C%20POINT(1))", 400, "filter"),
        ("/ogc/collections/pins/items?filter-lang=cql2-json&filter=true", 400, "filter-lang"),
        ("/ogc/collections/pins/items?colour=red", 400, "colour"),
        ("/ogc/collections/pins/items?cursor=x", 400, "cursor"),
        ("/ogc/conformance?f=pdf", 400, "f"),
        ("/ogc/collections?page=2", 400, "page"),
        ("/ogc/collections/districts/items?datetime=2025-01-01", 400, "datetime"),
    ] {
        let r = server.get(path).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
        let problem: Value = r.json().await.unwrap();
        if !names.is_empty() {
            let named = problem["errors"].as_array().unwrap().iter().any(|e| e["parameter"] == names);
            assert!(named, "{path}: {problem}");
        }
    }
    // The CRS of a box not given changes nothing: it is no error (a client may send it with every request).
    let alone = server.get("/ogc/collections/pins/items?bbox-crs=EPSG:3857").await;
    assert_eq!(alone.status(), 200, "bbox-crs without bbox");
    // A malformed filter names its position.
    let (_, problem) = server.get_json("/ogc/collections/pins/items?filter=category%20%3D%3D%20'x'").await;
    assert!(problem["detail"].as_str().unwrap().contains("column"), "{problem}");
}

on_both_stores!(documents_and_paging, items_filters_match_postgis, cql2_matches_postgis, crs_round_trip, bad_input);

/// What an analyst does: list the collections, summarise pins, copy a filtered subset to a GeoPackage.
#[tokio::test]
async fn gdal_reads_the_ogc_api() {
    let (store, server) = seeded(StoreKind::Gpkg, 1500).await;
    let url = format!("OAPIF:{}/ogc", server.base);
    let listing = gdal("ogrinfo", &["-ro", &url]);
    for layer in ["pins (", "districts (", "historic_centre (", "historic_centre_v1 ("] {
        assert!(listing.contains(layer), "{listing}");
    }
    let summary = gdal("ogrinfo", &["-ro", "-so", &url, "pins"]);
    assert!(summary.contains("Feature Count: 1500"), "{summary}");
    let oracle = store.oracle().await;
    let (x0, y0, x1, y1): (f64, f64, f64, f64) =
        sqlx::query_as("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)::geometry AS e FROM pins) t")
            .fetch_one(&oracle)
            .await
            .unwrap();
    let extent = format!("Extent: ({x0:.6}, {y0:.6}) - ({x1:.6}, {y1:.6})");
    assert!(summary.contains(&extent), "want {extent} in {summary}");
    let out = store.gpkg_path.with_file_name("from_oapif.gpkg");
    let _ = std::fs::remove_file(&out);
    gdal(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            out.to_str().unwrap(),
            &url,
            "pins",
            "-where",
            "category = 'wheelchair'",
            "-spat",
            "76.85",
            "43.18",
            "77.0",
            "43.3",
        ],
    );
    let copied = gdal("ogrinfo", &["-ro", "-so", out.to_str().unwrap(), "pins"]);
    let (_, page) =
        server.get_json("/ogc/collections/pins/items?limit=1&category=wheelchair&bbox=76.85,43.18,77.0,43.3").await;
    let matched = page["numberMatched"].as_u64().unwrap();
    assert!(matched > 10, "the case should select a fair number: {matched}");
    assert!(copied.contains(&format!("Feature Count: {matched}")), "want {matched}: {copied}");
    let want = sql_ids(
        &oracle,
        "category = 'wheelchair' AND ST_Intersects(geom, ST_MakeEnvelope(76.85, 43.18, 77.0, 43.3, 4326))",
    )
    .await;
    assert_eq!(matched, want.len() as u64);
}

/// The OpenAPI document is valid OpenAPI 3.0, and every operation in it is exercised (here and above).
#[tokio::test]
async fn openapi_document_validates_and_every_operation_answers() {
    let (_store, server) = seeded(StoreKind::Gpkg, 20).await;
    let r = server.get("/ogc/api").await;
    assert_eq!(r.headers()["content-type"], "application/vnd.oai.openapi+json;version=3.0");
    let doc: Value = r.json().await.unwrap();
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ogc-openapi.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let python = std::env::var("QALA_TEST_PYTHON")
        .expect("QALA_TEST_PYTHON is not set; ./scripts/test provisions the venv with openapi-spec-validator");
    let out = std::process::Command::new(&python)
        .args(["-m", "openapi_spec_validator", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openapi-spec-validator: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Each documented path, with its path parameters filled in, answers 200 for every documented parameter.
    let params = &doc["components"]["parameters"];
    for (template, item) in doc["paths"].as_object().unwrap() {
        let op = &item["get"];
        let names: Vec<String> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let name = p["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
                params[name]["name"].as_str().unwrap().to_owned()
            })
            .collect();
        let path = template
            .replace("{collectionId}", "pins")
            .replace("{areaCollectionId}", "districts")
            .replace("{featureId}", "1");
        let r = server.get(&format!("/ogc{}", if path == "/" { String::new() } else { path.clone() })).await;
        assert_eq!(r.status(), 200, "GET {template}");
        for name in names.iter().filter(|n| !["collectionId", "areaCollectionId", "featureId"].contains(&n.as_str())) {
            let value = match name.as_str() {
                "f" => "json",
                "limit" => "5",
                "bbox" => "76.8,43.1,77.1,43.4",
                "bbox-crs" | "crs" | "filter-crs" => "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                "datetime" => "2024-01-01T00:00:00Z/..",
                "category" => "pram,wheelchair,bicycle,limited_mobility,low_vision,other",
                "status" => "new,confirmed,in_progress,resolved,rejected",
                "location_precision" => "point,district",
                "filter" => "id > 0",
                "filter-lang" => "cql2-text",
                "cursor" => "0",
                "before" => "1000",
                "offset" => "0",
                other => panic!("an undocumented test value for {other}"),
            };
            let mut p = format!("/ogc{}?{name}={}", if path == "/" { String::new() } else { path.clone() }, enc(value));
            if name == "bbox-crs" {
                p.push_str("&bbox=76.8,43.1,77.1,43.4");
            }
            let r = server.get(&p).await;
            assert_eq!(r.status(), 200, "GET {p}: {}", r.text().await.unwrap());
        }
    }
    // And what an items operation does not document, its route refuses (so the document says what qala does).
    for (path, refused) in [
        ("/ogc/collections/pins/items", "offset=0"),
        ("/ogc/collections/districts/items", "datetime=2024-01-01T00:00:00Z/.."),
    ] {
        assert_eq!(server.get(&format!("{path}?{refused}")).await.status(), 400, "{path}?{refused}");
    }
}

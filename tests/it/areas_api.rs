//! Areas over HTTP: the shipped districts on a fresh start, their km² against PostGIS, stats, point lookup,
//! and every bad-input case of the area queries.

use serde_json::{Value, json};

use crate::support::{REPUBLIC_SQUARE, Server, StoreKind, TestStore, current_area_ids, postgis_pins_in, report};

async fn a_fresh_store_lists_almatys_districts_with_geodesic_km2(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let (status, list) = server.get_json("/api/v1/areas?kind=district").await;
    assert_eq!(status, 200);
    let features = list["features"].as_array().unwrap();
    assert_eq!(features.len(), 8);
    let pool = store.postgis().await.pool().await;
    for f in features {
        let p = &f["properties"];
        assert_eq!(p["kind"], "district");
        assert_eq!(p["version"], 1);
        assert_eq!(p["current"], true);
        assert!(p["name_kk"].as_str().unwrap().ends_with("ауданы"), "{p}");
        assert!(p["name_ru"].as_str().unwrap().ends_with("район"), "{p}");
        assert!(p["name_en"].as_str().unwrap().ends_with("District"), "{p}");
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        let ours = p["area_km2"].as_f64().unwrap();
        let postgis: f64 =
            sqlx::query_scalar("SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)::geography) / 1e6")
                .bind(f["geometry"].to_string())
                .fetch_one(&pool)
                .await
                .unwrap();
        assert!((ours - postgis).abs() / postgis < 0.005, "{}: {ours} vs PostGIS {postgis}", p["name_en"]);
    }
    let medeu = features.iter().find(|f| f["properties"]["name_en"] == "Medeu District").unwrap();
    assert_eq!(medeu["geometry"]["coordinates"].as_array().unwrap().len(), 2, "Medeu keeps its exclave");
    let km2 = medeu["properties"]["area_km2"].as_f64().unwrap();
    assert!((km2 - 273.15).abs() < 0.5, "Medeu is 273.15 km² per SOURCES.md, got {km2}");

    let (_, centre) = server.get_json("/api/v1/areas?kind=historic_centre").await;
    let centre = &centre["features"][0];
    assert!(centre["properties"]["label"].as_str().unwrap().to_lowercase().contains("illustrative"));
    assert_eq!(centre["properties"]["current"], true);

    let id = medeu["id"].as_i64().unwrap();
    let (status, one) = server.get_json(&format!("/api/v1/areas/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(&one, medeu);
}

async fn point_lookup_stats_and_listing_in_an_area(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    // Which district holds Republic Square is asked of PostGIS, not assumed.
    let (lon, lat) = REPUBLIC_SQUARE;
    let (status, found) = server.get_json(&format!("/api/v1/point/{lon},{lat}/areas")).await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = found["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    let (_, current) = server.get_json("/api/v1/areas?current=true").await;
    let mut expected = Vec::new();
    for area in current["features"].as_array().unwrap() {
        let hit = postgis_pins_in(&store, &[(0, lon, lat)], &area["geometry"]).await;
        if !hit.is_empty() {
            expected.push(area["id"].as_i64().unwrap());
        }
    }
    assert_eq!(ids, expected);
    assert!(!ids.is_empty());
    let district =
        found["features"].as_array().unwrap().iter().find(|f| f["properties"]["kind"] == "district").unwrap();
    let district_id = district["id"].as_i64().unwrap();

    for (i, category) in ["pram", "pram", "wheelchair"].iter().enumerate() {
        let r = server.post_pin(&report(lon + i as f64 * 1e-4, lat, category, "stats")).await;
        assert_eq!(r.status(), 201);
    }
    let (status, stats) = server.get_json(&format!("/api/v1/areas/{district_id}/stats")).await;
    assert_eq!(status, 200);
    assert_eq!(stats["count"], 3);
    assert_eq!(stats["by_category"]["pram"], 2);
    assert_eq!(stats["by_category"]["wheelchair"], 1);
    assert_eq!(stats["by_category"]["low_vision"], 0);
    assert_eq!(stats["by_status"]["new"], 3);
    let density = stats["pins_per_km2"].as_f64().unwrap();
    assert!((density - 3.0 / stats["area_km2"].as_f64().unwrap()).abs() < 1e-12);
    assert!(stats["first_report_at"].as_str().unwrap() <= stats["last_report_at"].as_str().unwrap());

    let (_, pins) = server.get_json(&format!("/api/v1/areas/{district_id}/pins?category=pram")).await;
    assert_eq!(pins["numberReturned"], 2);
    let (_, within) = server.get_json(&format!("/api/v1/pins?within={district_id}&category=pram")).await;
    assert_eq!(within["features"], pins["features"]);

    let (_, near) = server.get_json(&format!("/api/v1/pins?near={lon},{lat}&radius_m=50")).await;
    let d: Vec<f64> =
        near["features"].as_array().unwrap().iter().map(|f| f["properties"]["distance_m"].as_f64().unwrap()).collect();
    assert_eq!(d.len(), 3);
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "sorted by distance: {d:?}");
    assert!(d[0] < 0.001 && (d[1] - 8.1).abs() < 0.2, "true metres: {d:?}");
    let (_, k) = server.get_json(&format!("/api/v1/pins?near={lon},{lat}&k=2")).await;
    assert_eq!(k["numberReturned"], 2);

    let (_, empty) = server.get_json("/api/v1/point/0,0/areas").await;
    assert_eq!(empty["features"], json!([]));
}

async fn bad_area_queries_are_problems_naming_the_parameter(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let district = current_area_ids(&server, "district").await[0];
    let centre = current_area_ids(&server, "historic_centre").await[0];
    for path in [
        "/api/v1/areas/99999",
        "/api/v1/areas/abc",
        "/api/v1/areas/99999/pins",
        "/api/v1/areas/99999/stats",
        "/api/v1/pins?within=99999",
    ] {
        let r = server.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let cases: Vec<(String, &str)> = vec![
        ("/api/v1/point/abc/areas".into(), "lon,lat"),
        ("/api/v1/point/76.9/areas".into(), "lon,lat"),
        ("/api/v1/point/200,43/areas".into(), "lon,lat"),
        ("/api/v1/pins?near=76.9,43.2".into(), "near"),
        ("/api/v1/pins?near=76.9,43.2&radius_m=0".into(), "radius_m"),
        ("/api/v1/pins?near=76.9,43.2&radius_m=-5".into(), "radius_m"),
        ("/api/v1/pins?near=76.9,43.2&radius_m=50001".into(), "radius_m"),
        ("/api/v1/pins?near=76.9,43.2&radius_m=abc".into(), "radius_m"),
        ("/api/v1/pins?near=76.9,43.2&k=0".into(), "k"),
        ("/api/v1/pins?near=76.9,43.2&k=1001".into(), "k"),
        ("/api/v1/pins?near=x,43.2&k=3".into(), "near"),
        ("/api/v1/pins?near=76.9,95&k=3".into(), "near"),
        ("/api/v1/pins?radius_m=100".into(), "radius_m"),
        ("/api/v1/pins?k=3".into(), "k"),
        ("/api/v1/pins?within=abc".into(), "within"),
        ("/api/v1/pins?near=76.9,43.2&k=3&cursor=17".into(), "cursor"),
        ("/api/v1/areas?kind=park".into(), "kind"),
        (format!("/api/v1/areas/compare?a={centre}"), "b"),
        (format!("/api/v1/areas/compare?a={centre}&b=x"), "b"),
        (format!("/api/v1/areas/compare?a={district}&b={centre}"), "a"),
        (format!("/api/v1/areas/compare?a={centre}&b={centre}&status=open"), "status"),
        (format!("/api/v1/areas/compare?a={centre}&b={centre}&datetime=yesterday"), "datetime"),
        (format!("/api/v1/areas/compare?a={centre}&b={centre}&bbox=1,2,3,4"), "bbox"),
        (format!("/api/v1/areas/compare?b={centre}&category=tram"), "category"),
        (format!("/api/v1/areas/{district}/pins?within=3"), "within"),
    ];
    for (path, parameter) in cases {
        let r = server.get(&path).await;
        assert_eq!(r.status(), 400, "{path}");
        let p: Value = r.json().await.unwrap();
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["parameter"] == parameter), "{path}: {p}");
    }
    let square = |n: usize| {
        let mut ring: Vec<Value> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                json!([76.9 + 0.01 * t.cos(), 43.25 + 0.01 * t.sin()])
            })
            .collect();
        ring.push(ring[0].clone());
        json!({"type": "Polygon", "coordinates": [ring]})
    };
    let bow_tie = json!({"type": "Polygon", "coordinates": [[[76.9, 43.2], [77.0, 43.3], [77.0, 43.2], [76.9, 43.3], [76.9, 43.2]]]});
    let point = json!({"type": "Point", "coordinates": [76.9, 43.2]});
    for (body, pointer) in [(square(10_001), "/coordinates"), (bow_tie, "/coordinates"), (point, "/type")] {
        let r = server
            .client
            .post(server.url("/api/v1/pins/search"))
            .header("content-type", "application/geo+json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["pointer"] == pointer), "{p}");
    }
    let ok = server
        .client
        .post(server.url("/api/v1/pins/search"))
        .header("content-type", "application/geo+json")
        .body(square(9_999).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200, "10,000 vertices are accepted");
    assert!(!server.log().contains("panicked"));
}

on_both_stores!(
    a_fresh_store_lists_almatys_districts_with_geodesic_km2,
    point_lookup_stats_and_listing_in_an_area,
    bad_area_queries_are_problems_naming_the_parameter
);

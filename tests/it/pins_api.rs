//! The pins API against the real server on real PostGIS: create, read, list, filter, page.

use std::collections::BTreeSet;

use futures_util::StreamExt;
use serde_json::Value;

use crate::support::{CATEGORIES, REPUBLIC_SQUARE, Server, StoreKind, TestStore, count_pins, report};

async fn a_report_is_created_read_back_and_listed(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let (lon, lat) = REPUBLIC_SQUARE;

    let r = server.post_pin(&report(lon, lat, "wheelchair", "  Kerb without a ramp at the crossing  ")).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert!(location.ends_with(&format!("/api/v1/pins/{id}")), "{location}");
    assert_eq!(created["type"], "Feature");
    assert_eq!(created["geometry"]["coordinates"], serde_json::json!([lon, lat]));
    let props = &created["properties"];
    assert_eq!(props["category"], "wheelchair");
    assert_eq!(props["status"], "new");
    assert_eq!(props["description"], "Kerb without a ramp at the crossing", "trimmed");
    assert!(chrono::DateTime::parse_from_rfc3339(props["created_at"].as_str().unwrap()).is_ok());

    let read: Value = server.client.get(&location).send().await.unwrap().json().await.unwrap();
    assert_eq!(read, created);

    let (status, list) = server.get_json("/api/v1/pins?bbox=76.94,43.23,76.95,43.24").await;
    assert_eq!(status, 200);
    assert_eq!(list["type"], "FeatureCollection");
    assert_eq!(list["features"], serde_json::json!([created]));
    assert_eq!(list["numberReturned"], 1);
    assert!(list["links"].as_array().unwrap().iter().all(|l| l["rel"] != "next"));

    let (_, elsewhere) = server.get_json("/api/v1/pins?bbox=76.80,43.30,76.81,43.31").await;
    assert_eq!(elsewhere["features"], serde_json::json!([]));
    assert_eq!(count_pins(&store).await, 1);
}

async fn unknown_ids_are_404_problems(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    for path in ["/api/v1/pins/1", "/api/v1/pins/999999999", "/api/v1/pins/abc", "/api/v1/pins/-1"] {
        let r = server.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["type"], "/problems/not-found");
        assert_eq!(p["status"], 404);
    }
}

/// 1,000 pins paged through with an odd page size: every pin exactly once, in ascending id order, with and
/// without a bbox and filters; the default and the largest page size.
async fn paging_through_1000_pins_has_no_duplicates_or_gaps(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let created: Vec<(i64, f64, &str)> = futures_util::stream::iter(0..1000)
        .map(|i| {
            let server = &server;
            async move {
                let lon = 76.90 + f64::from(i % 40) * 0.002;
                let lat = 43.22 + f64::from(i / 40) * 0.001;
                let category = CATEGORIES[i as usize % CATEGORIES.len()];
                let r = server.post_pin(&report(lon, lat, category, &format!("problem {i}"))).await;
                assert_eq!(r.status(), 201);
                let v: Value = r.json().await.unwrap();
                (v["id"].as_i64().unwrap(), lon, category)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;

    let all: BTreeSet<i64> = created.iter().map(|c| c.0).collect();
    assert_eq!(all.len(), 1000);
    let paged = server.list_all_ids("limit=97").await;
    assert_eq!(paged.len(), 1000, "no duplicates, no gaps");
    assert!(paged.windows(2).all(|w| w[0] < w[1]), "stable ascending order");
    assert_eq!(paged.iter().copied().collect::<BTreeSet<_>>(), all);

    // A bbox over the western half and one category, paged.
    let west: BTreeSet<i64> = created.iter().filter(|c| c.1 <= 76.939 && c.2 == "bicycle").map(|c| c.0).collect();
    let paged = server.list_all_ids("bbox=76.89,43.2,76.939,43.3&category=bicycle&limit=7").await;
    assert_eq!(paged.len(), west.len());
    assert_eq!(paged.into_iter().collect::<BTreeSet<_>>(), west);

    // Several categories at once.
    let two = created.iter().filter(|c| c.2 == "pram" || c.2 == "other").count();
    assert_eq!(server.list_all_ids("category=pram,other&limit=10000").await.len(), two);
    assert_eq!(server.list_all_ids("status=resolved").await.len(), 0);
    assert_eq!(server.list_all_ids("status=new,resolved&limit=333").await.len(), 1000);

    let (_, first) = server.get_json("/api/v1/pins").await;
    assert_eq!(first["numberReturned"], 100, "default limit");
    let next = first["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap();
    assert!(next["href"].as_str().unwrap().contains("cursor="));
    let (_, big) = server.get_json("/api/v1/pins?limit=10000").await;
    assert_eq!(big["numberReturned"], 1000);
}

/// A report placed only by district says so (`location_precision`), through the store, a restart (the index
/// rebuilt from the store), every listing's filter, the CQL2 queryable and the exports; a precision qala does
/// not know is refused with its field named, and nothing is written.
async fn location_precision_is_kept_filtered_and_exported(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let mut server = Server::start(&store).await;
    let (lon, lat) = REPUBLIC_SQUARE;
    let placed = server.post_pin(&report(lon, lat, "pram", "Placed at the point")).await;
    assert_eq!(placed.status(), 201);
    let placed: Value = placed.json().await.unwrap();
    assert_eq!(placed["properties"]["location_precision"], "point", "the default");
    let mut body = report(lon + 0.001, lat, "pram", "Only the district is known");
    body["properties"]["location_precision"] = "district".into();
    let approximate = server.post_pin(&body).await;
    assert_eq!(approximate.status(), 201);
    let approximate: Value = approximate.json().await.unwrap();
    assert_eq!(approximate["properties"]["location_precision"], "district");
    let (p, a) = (placed["id"].as_i64().unwrap(), approximate["id"].as_i64().unwrap());

    let mut bad = report(lon, lat, "pram", "Nowhere");
    bad["properties"]["location_precision"] = "street".into();
    let refused = server.post_pin(&bad).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/properties/location_precision", "{problem}");
    assert_eq!(count_pins(&store).await, 2, "a refused report writes nothing");

    server.restart().await;
    let (_, read) = server.get_json(&format!("/api/v1/pins/{a}")).await;
    assert_eq!(read["properties"]["location_precision"], "district", "kept by the store");
    for (query, want) in [
        ("location_precision=district", vec![a]),
        ("location_precision=point", vec![p]),
        ("location_precision=point,district", vec![p, a]),
    ] {
        assert_eq!(server.list_all_ids(query).await, want, "/api/v1/pins?{query}");
        let (_, map) = server.get_json(&format!("/api/v1/map/pins?{query}")).await;
        let ids: Vec<i64> = map["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, want, "/api/v1/map/pins?{query}");
    }
    let (_, map) = server.get_json("/api/v1/map/pins?location_precision=district").await;
    assert_eq!(map["features"][0]["properties"]["location_precision"], "district");
    let (status, problem) = server.get_json("/api/v1/pins?location_precision=exact").await;
    assert_eq!(status, 400);
    assert_eq!(problem["errors"][0]["parameter"], "location_precision", "{problem}");
    let ogc = server.list_all_ids_at("/ogc/collections/pins/items?location_precision=district").await;
    assert_eq!(ogc, vec![a]);
    let cql = server.list_all_ids_at("/ogc/collections/pins/items?filter=location_precision%3D%27district%27").await;
    assert_eq!(cql, vec![a]);
    let (_, queryables) = server.get_json("/ogc/collections/pins/queryables").await;
    assert_eq!(queryables["properties"]["location_precision"]["enum"], serde_json::json!(["point", "district"]));
    let csv = server.get("/api/v1/exports/pins.csv?location_precision=district").await.text().await.unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header.iter().position(|h| *h == "location_precision").expect("a location_precision column");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(rows[0].starts_with(&format!("{a},")));
    assert_eq!(rows[0].split(',').nth(column), Some("district"), "{csv}");
}

on_both_stores!(
    location_precision_is_kept_filtered_and_exported,
    a_report_is_created_read_back_and_listed,
    unknown_ids_are_404_problems,
    paging_through_1000_pins_has_no_duplicates_or_gaps
);

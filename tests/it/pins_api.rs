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

on_both_stores!(
    a_report_is_created_read_back_and_listed,
    unknown_ids_are_404_problems,
    paging_through_1000_pins_has_no_duplicates_or_gaps
);

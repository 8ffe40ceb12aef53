//! The work budget of filtered pages (issue 17): a CQL2 filter that would cost more than `--filter-budget`
//! is refused with a 400 problem naming `filter`, on OGC items and on exports (before the download starts),
//! and the same filter under the default budget is answered, page after page, with the pins PostGIS's own
//! `LIKE` finds.

use serde_json::Value;

use crate::support::{ServeOptions, Server, StoreKind, TestStore};

const PINS: usize = 2_000;

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `PINS` pins around the centre of Almaty, each described "seeded".
async fn seeded(kind: StoreKind) -> TestStore {
    let store = TestStore::new(kind).await;
    // A first start creates the store's tables.
    Server::start(&store).await.stop().await;
    let pins: Vec<(f64, f64, String)> =
        (0..PINS).map(|i| (76.90 + (i % 50) as f64 * 0.001, 43.23 + (i / 50) as f64 * 0.001, "pram".into())).collect();
    store.insert_pins_directly(&pins).await;
    store
}

async fn problem(server: &Server, path: &str) -> Value {
    let r = server.get(path).await;
    assert_eq!(r.status(), 400, "{path}");
    assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
    r.json().await.unwrap()
}

/// Every id of a filtered OGC listing, following `next` links.
async fn all_ids(server: &Server, filter: &str) -> Vec<i64> {
    let mut path = format!("/ogc/collections/pins/items?limit=100&filter={}", enc(filter));
    let mut ids = Vec::new();
    for _ in 0..100 {
        let (status, page) = server.get_json(&path).await;
        assert_eq!(status, 200, "{path}: {page}");
        ids.extend(page["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()));
        let next = page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next");
        let Some(next) = next else { return ids };
        let href = next["href"].as_str().unwrap();
        path = href[href.find("/ogc").unwrap()..].to_owned();
    }
    panic!("more than 100 pages");
}

async fn a_costly_filter_is_refused_and_a_normal_one_answered(kind: StoreKind) {
    let store = seeded(kind).await;
    let ids = store.pin_ids().await;
    let like = "description LIKE '%amp%'";

    let server = Server::start(&store).await;
    assert_eq!(all_ids(&server, like).await, Vec::<i64>::new(), "no description holds 'amp'");
    let seeded = all_ids(&server, "description LIKE 'see%' AND id > 1000").await;
    assert_eq!(seeded, ids.iter().copied().filter(|&id| id > 1000).collect::<Vec<_>>());
    let csv = server.get(&format!("/api/v1/exports/pins.csv?filter={}", enc(like))).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.text().await.unwrap().lines().count(), 1, "the header only");

    // 2,000 records read cost 2,000,000 units: a budget of 100,000 cannot pay for it.
    let tight =
        Server::start_with(&store, ServeOptions { flags: vec!["--filter-budget=100000".into()], ..Default::default() })
            .await;
    for path in [
        format!("/ogc/collections/pins/items?filter={}", enc(like)),
        format!("/api/v1/exports/pins.csv?filter={}", enc(like)),
        format!("/api/v1/exports/pins.gpkg?filter={}", enc(like)),
    ] {
        let p = problem(&tight, &path).await;
        assert_eq!(p["errors"][0]["parameter"], "filter", "{path}: {p}");
        assert!(p["errors"][0]["detail"].as_str().unwrap().contains("more work"), "{p}");
    }
    // A polygon of 600 vertices around every pin (about as many as a URL may carry): 2,000 pins × 600
    // vertices is over the budget too, although the index alone answers it.
    let ring: Vec<String> = (0..600)
        .map(|i| {
            let a = f64::from(i) / 600.0 * std::f64::consts::TAU;
            format!("{:.4} {:.4}", 76.925 + 0.1 * a.cos(), 43.25 + 0.1 * a.sin())
        })
        .chain(std::iter::once(format!("{:.4} {:.4}", 76.925 + 0.1, 43.25)))
        .collect();
    let polygon = format!("S_INTERSECTS(geometry, POLYGON(({})))", ring.join(", "));
    let p = problem(&tight, &format!("/ogc/collections/pins/items?filter={}", enc(&polygon))).await;
    assert_eq!(p["errors"][0]["parameter"], "filter", "{p}");
    // Cheap filters are untouched by the tight budget.
    let (status, page) = tight.get_json("/ogc/collections/pins/items?limit=5&filter=id%20%3C%204").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["features"].as_array().unwrap().len(), 3);
    // The default budget pays for the polygon.
    let (status, page) =
        server.get_json(&format!("/ogc/collections/pins/items?limit=1&filter={}", enc(&polygon))).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["numberMatched"], PINS);
}

on_both_stores!(a_costly_filter_is_refused_and_a_normal_one_answered);

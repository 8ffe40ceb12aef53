//! The R-tree never disagrees with PostGIS: for thousands of pins (bulk-loaded at start and added over HTTP
//! afterwards) and hundreds of windows, including windows whose edges pass exactly through pins, the ids a
//! bbox listing returns are exactly those `ST_Intersects(geom, ST_MakeEnvelope(…))` finds.

use std::collections::BTreeSet;

use futures_util::StreamExt;
use qala::spatial::ServiceArea;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;

use crate::support::{CATEGORIES, Server, StoreKind, TestStore, report};

const LON: (f64, f64) = (76.75, 77.16);
const LAT: (f64, f64) = (43.04, 43.40);
/// Grid points are decimal values like 76.905 so windows can have edges exactly on them.
const GRID: f64 = 0.005;

fn grid(i: i64, origin: f64) -> f64 {
    format!("{:.3}", origin + i as f64 * GRID).parse().unwrap()
}

async fn postgis_ids(pool: &PgPool, b: [f64; 4], category: Option<&str>) -> BTreeSet<i64> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM pins WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))
         AND ($5::text IS NULL OR category = $5)",
    )
    .bind(b[0])
    .bind(b[1])
    .bind(b[2])
    .bind(b[3])
    .bind(category)
    .fetch_all(pool)
    .await
    .unwrap();
    ids.into_iter().collect()
}

async fn bbox_answers_match_postgis_st_intersects(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let mut server = Server::start(&store).await;
    let mut rng = StdRng::seed_from_u64(20181);

    // 3,000 pins written straight to PostGIS, then a restart: the index is bulk-loaded from the store.
    let mut points: Vec<(f64, f64)> =
        (0..1500).map(|_| (rng.random_range(LON.0..LON.1), rng.random_range(LAT.0..LAT.1))).collect();
    points.extend((0..1400).map(|_| (grid(rng.random_range(0..80), LON.0), grid(rng.random_range(0..70), LAT.0))));
    let twin = (grid(30, LON.0), grid(30, LAT.0));
    points.extend(std::iter::repeat_n(twin, 100));
    let seeded: Vec<(f64, f64, String)> =
        points.iter().map(|p| (p.0, p.1, CATEGORIES[rng.random_range(0..6)].to_owned())).collect();
    store.insert_pins_directly(&seeded).await;
    server.restart().await;

    // 400 more through the API (inside Almaty), half of them on grid points: the incremental path.
    let almaty = ServiceArea::almaty().unwrap();
    let mut api_points = Vec::new();
    while api_points.len() < 400 {
        let p = if api_points.len() % 2 == 0 {
            (rng.random_range(LON.0..LON.1), rng.random_range(LAT.0..LAT.1))
        } else {
            (grid(rng.random_range(0..80), LON.0), grid(rng.random_range(0..70), LAT.0))
        };
        if almaty.covers(p.0, p.1) {
            api_points.push(p);
        }
    }
    futures_util::stream::iter(api_points.iter().enumerate())
        .for_each_concurrent(16, |(i, p)| {
            let server = &server;
            async move {
                let r = server.post_pin(&report(p.0, p.1, CATEGORIES[i % 6], "via the API")).await;
                assert_eq!(r.status(), 201);
            }
        })
        .await;
    let all: Vec<(f64, f64)> = points.iter().chain(api_points.iter()).copied().collect();

    let mut windows: Vec<[f64; 4]> = Vec::new();
    for _ in 0..300 {
        let (w, h) = (rng.random_range(0.0005..0.08), rng.random_range(0.0005..0.06));
        let (x, y) = (rng.random_range(LON.0..LON.1 - w), rng.random_range(LAT.0..LAT.1 - h));
        windows.push([x, y, x + w, y + h]);
    }
    for _ in 0..200 {
        // Edges exactly on grid lines, where many pins lie.
        let (i, j) = (rng.random_range(0..70), rng.random_range(0..60));
        let (di, dj) = (rng.random_range(0..12), rng.random_range(0..12));
        windows.push([grid(i, LON.0), grid(j, LAT.0), grid(i + di, LON.0), grid(j + dj, LAT.0)]);
    }
    for _ in 0..100 {
        // A corner exactly on an existing pin (either end), and a zero-width window through it.
        let p = all[rng.random_range(0..all.len())];
        windows.push([p.0, p.1, p.0 + 0.01, p.1 + 0.01]);
        windows.push([p.0 - 0.01, p.1 - 0.01, p.0, p.1]);
        windows.push([p.0, p.1 - 0.01, p.0, p.1 + 0.01]);
    }
    windows.push([LON.0, LAT.0, LON.1, LAT.1]);

    let pool = store.oracle().await;
    let mut checked_nonempty = 0;
    for (n, b) in windows.iter().enumerate() {
        let bbox = format!("{},{},{},{}", b[0], b[1], b[2], b[3]);
        let category = (n % 5 == 0).then(|| CATEGORIES[n % 6]);
        let query = match category {
            Some(c) => format!("bbox={bbox}&category={c}&limit=10000"),
            None => format!("bbox={bbox}&limit=10000"),
        };
        let from_index: BTreeSet<i64> = server.list_all_ids(&query).await.into_iter().collect();
        let from_postgis = postgis_ids(&pool, *b, category).await;
        assert_eq!(from_index, from_postgis, "window {n}: {query}");
        if !from_postgis.is_empty() {
            checked_nonempty += 1;
        }
    }
    assert!(checked_nonempty > 500, "the windows hit pins ({checked_nonempty} non-empty)");
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM pins").fetch_one(&pool).await.unwrap();
    assert_eq!(total, 3400);
    assert_eq!(server.list_all_ids("limit=10000").await.len(), 3400);
}

on_both_stores!(bbox_answers_match_postgis_st_intersects);

//! Area answers are PostGIS's answers: on thousands of pins (random, on district vertices and edges, in the
//! gaps between districts, in Medeu's exclave), pins per area, per drawn outline (with a hole), per radius
//! (`ST_DWithin` on geography), the k nearest (ties allowed) and areas per point match PostGIS exactly.

use std::collections::BTreeSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::support::{CATEGORIES, Server, StoreKind, TestStore};

async fn seed(store: &TestStore, pool: &PgPool, rng: &mut StdRng) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> =
        (0..2500).map(|_| (rng.random_range(76.74..77.17), rng.random_range(43.03..43.41))).collect();
    // Exactly on district vertices, and on the midpoints of district edges.
    let vertices: Vec<(f64, f64)> = sqlx::query_as(
        "SELECT ST_X(d.geom), ST_Y(d.geom) FROM (SELECT (ST_DumpPoints(geom)).geom FROM areas a
         JOIN area_versions v ON v.id = a.version_id WHERE v.kind = 'district') d",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for _ in 0..400 {
        let i = rng.random_range(0..vertices.len() - 1);
        points.push(vertices[i]);
        let (a, b) = (vertices[i], vertices[i + 1]);
        points.push(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
    }
    // In the small gaps between districts, and in Medeu's exclave north-east of Turksib.
    for (cx, cy, r, n) in [(76.866, 43.257, 0.003, 150), (76.882, 43.238, 0.003, 150), (77.15, 43.35, 0.01, 150)] {
        points.extend((0..n).map(|_| (cx + rng.random_range(-r..r), cy + rng.random_range(-r..r))));
    }
    let seeded: Vec<(f64, f64, String)> =
        points.iter().map(|p| (p.0, p.1, CATEGORIES[rng.random_range(0..6)].to_owned())).collect();
    store.insert_pins_directly(&seeded).await;
    points
}

async fn ids(pool: &PgPool, sql: &'static str, binds: &[f64]) -> BTreeSet<i64> {
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_all(pool).await.unwrap().into_iter().collect()
}

fn set(v: Vec<i64>) -> BTreeSet<i64> {
    v.into_iter().collect()
}

async fn area_radius_knn_and_point_answers_match_postgis(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let mut server = Server::start(&store).await;
    let mut rng = StdRng::seed_from_u64(1868);
    // The district vertices come from PostGIS holding the store's areas; then the pins go into the store,
    // and PostGIS is brought up to date with them before any question is asked.
    let points = seed(&store, &store.oracle().await, &mut rng).await;
    server.restart().await;
    let pool = store.oracle().await;

    // Pins per area (every district and the historic centre), by path and by `within`.
    let area_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM areas ORDER BY id").fetch_all(&pool).await.unwrap();
    let mut on_borders = 0;
    for id in &area_ids {
        let expected: BTreeSet<i64> =
            sqlx::query_scalar("SELECT p.id FROM pins p JOIN areas a ON ST_Intersects(a.geom, p.geom) WHERE a.id = $1")
                .bind(id)
                .fetch_all(&pool)
                .await
                .unwrap()
                .into_iter()
                .collect();
        assert_eq!(
            set(server.list_all_ids_at(&format!("/api/v1/areas/{id}/pins?limit=997")).await),
            expected,
            "area {id}"
        );
        assert_eq!(set(server.list_all_ids(&format!("within={id}&limit=10000")).await), expected, "within={id}");
        let (_, stats) = server.get_json(&format!("/api/v1/areas/{id}/stats")).await;
        assert_eq!(stats["count"].as_u64().unwrap(), expected.len() as u64, "stats of area {id}");
        on_borders += expected.len();
    }
    let in_two: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pins p WHERE (SELECT count(*) FROM areas a JOIN area_versions v ON v.id = a.version_id
         WHERE v.kind = 'district' AND ST_Intersects(a.geom, p.geom)) > 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(in_two > 50, "many pins lie on shared borders ({in_two}), and belong to both districts");
    assert!(on_borders > 2500);

    // Areas per point, for random points and for every vertex/midpoint pin.
    for (n, p) in points.iter().enumerate().filter(|(n, _)| n % 7 == 0) {
        let (_, found) = server.get_json(&format!("/api/v1/point/{},{}/areas", p.0, p.1)).await;
        let ours: BTreeSet<i64> =
            found["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
        let expected = ids(
            &pool,
            "SELECT a.id FROM areas a JOIN area_versions v ON v.id = a.version_id
             WHERE v.current AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))",
            &[p.0, p.1],
        )
        .await;
        assert_eq!(ours, expected, "point {n} {p:?}");
    }

    // Drawn outlines: random star-shaped polygons, some with a hole, POSTed to /pins/search.
    for n in 0..40 {
        let (cx, cy) = (rng.random_range(76.80..77.10), rng.random_range(43.10..43.35));
        let r = rng.random_range(0.005..0.05);
        let k = rng.random_range(5..40);
        let mut ring: Vec<Value> = (0..k)
            .map(|i| {
                let t = i as f64 / k as f64 * std::f64::consts::TAU;
                let rr = r * rng.random_range(0.5..1.0);
                json!([cx + rr * t.cos() * 1.37, cy + rr * t.sin()])
            })
            .collect();
        ring.push(ring[0].clone());
        let mut rings = vec![Value::Array(ring)];
        if n % 3 == 0 {
            let h = r * 0.2;
            rings.push(json!([
                [cx - h, cy - h],
                [cx - h, cy + h],
                [cx + h, cy + h],
                [cx + h, cy - h],
                [cx - h, cy - h]
            ]));
        }
        let polygon = json!({"type": "Polygon", "coordinates": rings});
        let r = server
            .client
            .post(server.url("/api/v1/pins/search?limit=10000"))
            .header("content-type", "application/geo+json")
            .body(polygon.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "outline {n}");
        let page: Value = r.json().await.unwrap();
        let ours: BTreeSet<i64> =
            page["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
        let expected: BTreeSet<i64> = sqlx::query_scalar(
            "SELECT id FROM pins WHERE ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), geom)",
        )
        .bind(polygon.to_string())
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
        assert_eq!(ours, expected, "outline {n}");
    }

    // Radius in true metres, and the k nearest.
    for n in 0..150 {
        let c = if n % 3 == 0 {
            points[rng.random_range(0..points.len())]
        } else {
            (rng.random_range(76.80..77.10), rng.random_range(43.10..43.35))
        };
        let radius = rng.random_range(50.0..3000.0);
        let (_, page) =
            server.get_json(&format!("/api/v1/pins?near={},{}&radius_m={radius}&limit=10000", c.0, c.1)).await;
        let features = page["features"].as_array().unwrap();
        let ours: BTreeSet<i64> = features.iter().map(|f| f["id"].as_i64().unwrap()).collect();
        let expected = ids(
            &pool,
            "SELECT id FROM pins WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3)",
            &[c.0, c.1, radius],
        )
        .await;
        assert_eq!(ours, expected, "radius {radius} m around {c:?}");
        let d: Vec<f64> = features.iter().map(|f| f["properties"]["distance_m"].as_f64().unwrap()).collect();
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "sorted by distance");

        let k = rng.random_range(1..30);
        let (_, page) = server.get_json(&format!("/api/v1/pins?near={},{}&k={k}", c.0, c.1)).await;
        let ours: Vec<(i64, f64)> = page["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["id"].as_i64().unwrap(), f["properties"]["distance_m"].as_f64().unwrap()))
            .collect();
        let theirs: Vec<(i64, f64)> = sqlx::query_as(
            "SELECT id, ST_Distance(geom::geography, pt::geography) AS d
             FROM pins, (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS pt) c
             ORDER BY geom::geography <-> pt::geography, id LIMIT $3",
        )
        .bind(c.0)
        .bind(c.1)
        .bind(k as i64)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(ours.len(), k);
        // Ties allowed: the sets may differ only among pins at (almost) the k-th distance; PostGIS's `<->`
        // ranks on the sphere, qala on the ellipsoid, so "almost" is 0.5%.
        let kth = theirs.last().unwrap().1;
        let ours_ids: BTreeSet<i64> = ours.iter().map(|o| o.0).collect();
        let their_ids: BTreeSet<i64> = theirs.iter().map(|t| t.0).collect();
        for (id, d) in ours.iter().filter(|o| !their_ids.contains(&o.0)) {
            assert!((d - kth).abs() <= kth * 0.005 + 1e-6, "k={k} at {c:?}: pin {id} at {d} m vs k-th {kth} m");
        }
        for (id, d) in theirs.iter().filter(|t| !ours_ids.contains(&t.0)) {
            assert!((d - kth).abs() <= kth * 0.005 + 1e-6, "k={k} at {c:?}: PostGIS pin {id} at {d} m vs k-th {kth} m");
        }
        for ((_, ours_d), (_, their_d)) in ours.iter().zip(&theirs) {
            assert!((ours_d - their_d).abs() <= their_d * 0.005 + 1e-6, "distances agree");
        }
    }
}

on_both_stores!(area_radius_knn_and_point_answers_match_postgis);

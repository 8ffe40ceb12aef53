//! The PostGIS side: a fresh database holding the seeded pins (written through qala's own store), and the
//! queries a PostGIS user would run for each task, with the indexes such a user would create.

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use qala::domain::{AreaId, PinId, PinRecord};
use qala::store::Store;
use qala::store::postgis::PostgisStore;
use sqlx::{Connection, PgConnection, PgPool};

use crate::queries::Window;

/// Drops and recreates `name` on the server at `server` (a `postgres://user@host:port` URL) with PostGIS.
pub async fn fresh_database(server: &str, name: &str) -> String {
    let mut admin = PgConnection::connect(&format!("{server}/postgres"))
        .await
        .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at {server}: {e}"));
    for sql in [format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"), format!("CREATE DATABASE \"{name}\"")] {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await.unwrap();
    }
    format!("{server}/{name}")
}

pub async fn drop_database(server: &str, name: &str) {
    let mut admin = PgConnection::connect(&format!("{server}/postgres")).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
        .execute(&mut admin)
        .await
        .unwrap();
}

/// Writes the pins through [`Store::insert_pins`] in batches, then prepares the table as a PostGIS user would
/// for these queries: `VACUUM ANALYZE`, and a GiST index on `geom::geography` for metre-based queries.
pub async fn load(url: &str, pins: &[PinRecord]) -> Arc<PostgisStore> {
    let store = Arc::new(PostgisStore::connect(url, 64).await.unwrap());
    qala::ingest::seed_shipped_areas(store.as_ref()).await.unwrap();
    let bar = ProgressBar::new(pins.len() as u64).with_style(
        ProgressStyle::with_template("  PostGIS: writing pins [{bar:30}] {pos}/{len} ({per_sec})").unwrap(),
    );
    for batch in pins.chunks(10_000) {
        store.insert_pins(batch).await.unwrap();
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    let pool = store.pool();
    sqlx::query("CREATE INDEX IF NOT EXISTS pins_geog_gist ON pins USING gist ((geom::geography))")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("VACUUM ANALYZE pins").execute(pool).await.unwrap();
    store
}

pub async fn window_ids(pool: &PgPool, w: &Window) -> Vec<PinId> {
    sqlx::query_scalar("SELECT id FROM pins WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))")
        .bind(w.0[0])
        .bind(w.0[1])
        .bind(w.0[2])
        .bind(w.0[3])
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Every (pin, district) pair of the current district version.
pub async fn district_pairs(pool: &PgPool) -> Vec<(PinId, AreaId)> {
    sqlx::query_as(
        "SELECT p.id, a.id FROM pins p
         JOIN areas a ON ST_Intersects(a.geom, p.geom)
         JOIN area_versions v ON v.id = a.version_id
         WHERE v.kind = 'district' AND v.current",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

pub async fn area_ids(pool: &PgPool, area: AreaId) -> Vec<PinId> {
    sqlx::query_scalar("SELECT p.id FROM pins p JOIN areas a ON ST_Intersects(a.geom, p.geom) WHERE a.id = $1")
        .bind(area)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Pins within `radius_m` metres (WGS 84 spheroid, `ST_DWithin` on geography) with their distances.
pub async fn within(pool: &PgPool, lon: f64, lat: f64, radius_m: f64) -> Vec<(PinId, f64)> {
    sqlx::query_as(
        "SELECT id, ST_Distance(geom::geography, q.pt) FROM pins,
                (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography AS pt) q
         WHERE ST_DWithin(geom::geography, q.pt, $3)",
    )
    .bind(lon)
    .bind(lat)
    .bind(radius_m)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The k nearest by the geography index's `<->` (sphere), with spheroid distances.
pub async fn nearest(pool: &PgPool, lon: f64, lat: f64, k: i64) -> Vec<(PinId, f64)> {
    sqlx::query_as(
        "SELECT id, ST_Distance(geom::geography, q.pt) FROM pins,
                (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography AS pt) q
         ORDER BY geom::geography <-> q.pt LIMIT $3",
    )
    .bind(lon)
    .bind(lat)
    .bind(k)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The FeatureCollection of one bbox page, built by PostgreSQL itself: the baseline for qala's HTTP answer.
pub async fn feature_collection(pool: &PgPool, w: &Window, limit: i64) -> String {
    sqlx::query_scalar(
        "SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(ST_AsGeoJSON(t.*)::json), '[]'))::text
         FROM (SELECT id, geom, category, status, description, created_at, updated_at FROM pins
               WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY id LIMIT $5) t",
    )
    .bind(w.0[0])
    .bind(w.0[1])
    .bind(w.0[2])
    .bind(w.0[3])
    .bind(limit)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Table plus index size per pin, for comparison with the in-memory index.
pub async fn bytes_per_pin(pool: &PgPool, n: usize) -> f64 {
    let bytes: i64 = sqlx::query_scalar("SELECT pg_total_relation_size('pins')").fetch_one(pool).await.unwrap();
    bytes as f64 / n as f64
}

//! PostGIS as the oracle: the differential and contract tests ask PostGIS the question they ask qala, on
//! exactly the data qala holds, and compare the answers.
//!
//! For a PostGIS store the oracle is the store itself; for a GeoPackage it is a scratch PostGIS database
//! (made on first use) filled with `qala store copy`, so the GeoPackage's own content is what is compared.

use std::collections::BTreeSet;

use serde_json::Value;
use sqlx::postgres::PgPool;
use tokio::process::Command;

use super::store::{StoreKind, TestStore};

impl TestStore {
    /// PostGIS holding exactly what the store holds, to ask it the same questions: the store itself, or for
    /// a GeoPackage a fresh copy made with `qala store copy` into the scratch database.
    pub async fn oracle(&self) -> PgPool {
        let db = self.postgis().await;
        let pool = db.pool().await;
        if self.kind == StoreKind::Gpkg {
            sqlx::query("DROP SCHEMA public CASCADE").execute(&pool).await.unwrap();
            sqlx::query("CREATE SCHEMA public").execute(&pool).await.unwrap();
            sqlx::query("CREATE EXTENSION postgis").execute(&pool).await.unwrap();
            pool.close().await;
            // The CLI is what is tested here too: the copy runs as a `qala store copy` process.
            let out = Command::new(env!("CARGO_BIN_EXE_qala"))
                .args(["store", "copy", "--from", self.gpkg_path.to_str().unwrap(), "--to", &db.url])
                .env("RUST_LOG", "warn")
                .output()
                .await
                .unwrap();
            assert!(out.status.success(), "store copy for the oracle: {}", String::from_utf8_lossy(&out.stderr));
            return db.pool().await;
        }
        pool
    }
}

/// PostGIS as the oracle for a geometry the API returned: the ids of `pins` (id, lon, lat) that
/// `ST_Intersects` puts in `geometry` (a GeoJSON geometry object).
pub async fn postgis_pins_in(store: &TestStore, pins: &[(i64, f64, f64)], geometry: &Value) -> BTreeSet<i64> {
    let ids: Vec<i64> = pins.iter().map(|p| p.0).collect();
    let lons: Vec<f64> = pins.iter().map(|p| p.1).collect();
    let lats: Vec<f64> = pins.iter().map(|p| p.2).collect();
    let found: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM unnest($1::bigint[], $2::float8[], $3::float8[]) AS t(id, lon, lat)
         WHERE ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), ST_SetSRID(ST_MakePoint(lon, lat), 4326))",
    )
    .bind(&ids)
    .bind(&lons)
    .bind(&lats)
    .bind(geometry.to_string())
    .fetch_all(&store.postgis().await.pool().await)
    .await
    .unwrap();
    found.into_iter().collect()
}

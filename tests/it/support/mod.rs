//! What the integration tests share, one file per thing provided: a PostgreSQL database ([`db`]), a store of
//! either kind ([`store`]), qala serving in this process ([`server`], its log in [`logs`]) or as the binary
//! ([`process`]), a client of either ([`api`]), a stand-in geocoder ([`nominatim`]), PostGIS as the oracle ([`oracle`]) and GDAL's tools
//! ([`gdal`]); below, the fixtures every capability uses.
//!
//! The suite needs `QALA_TEST_PG` (a `postgres://user@host:port` URL of a server with PostGIS) for the
//! PostGIS store and the oracle only; the README test command (`./scripts/test`) provisions it. Without it
//! those tests fail loudly: nothing is skipped.

pub mod api;
pub mod cluster;
pub mod db;
pub mod gdal;
pub mod logs;
pub mod nominatim;
pub mod oracle;
pub mod process;
pub mod server;
pub mod staff;
pub mod store;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub use api::{all_pins, current_area_ids};
pub use db::TestDb;
pub use gdal::gdal;
pub use oracle::postgis_pins_in;
pub use process::{QalaProcess, qala_cli};
pub use server::{ServeOptions, Server};
pub use store::{StoreKind, TestStore, count_pins};

/// Generates, for each `async fn name(kind: StoreKind)`, a module `name` with one test per store.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn postgis() {
                    super::$name($crate::support::StoreKind::Postgis).await
                }
                #[tokio::test]
                async fn gpkg() {
                    super::$name($crate::support::StoreKind::Gpkg).await
                }
            }
        )*
    };
}

/// A valid report at (lon, lat).
pub fn report(lon: f64, lat: f64, category: &str, description: &str) -> Value {
    json!({
        "type": "Feature",
        "geometry": { "type": "Point", "coordinates": [lon, lat] },
        "properties": { "category": category, "description": description }
    })
}

/// Landmarks inside Almaty, for tests that need valid points.
pub const REPUBLIC_SQUARE: (f64, f64) = (76.9458, 43.2380);
pub const CATEGORIES: [&str; 6] = ["pram", "wheelchair", "bicycle", "limited_mobility", "low_vision", "other"];

/// Waits (up to 15 s) until `check` holds, for changes a running server picks up by polling.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

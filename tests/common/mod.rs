//! Test harness: a throw-away PostGIS database per test and the real `qala` binary on a random port.
//!
//! The suite needs `QALA_TEST_PG` (a `postgres://user@host:port` URL of a server with PostGIS); the README
//! test command (`./scripts/test`) provisions it. Without it every test fails loudly: nothing is skipped.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::postgres::PgPool;
use sqlx::{Connection, PgConnection};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn pg_server() -> String {
    std::env::var("QALA_TEST_PG").unwrap_or_else(|_| {
        panic!("QALA_TEST_PG is not set. Run the suite with ./scripts/test, which installs PostGIS and sets it.")
    })
}

/// A fresh database on the test PostgreSQL server, dropped when the value is dropped.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn create() -> TestDb {
        let server = pg_server();
        let prefix = std::env::var("QALA_TEST_DB_PREFIX").unwrap_or_else(|_| "qala_t_".into());
        let name = format!("{prefix}{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut admin = PgConnection::connect(&format!("{server}/postgres"))
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL at {server}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut admin).await.unwrap();
        TestDb { url: format!("{server}/{name}"), name }
    }

    pub async fn pool(&self) -> PgPool {
        PgPool::connect(&self.url).await.unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Best effort; ./scripts/test also drops every database of its run at the end.
        let _ = std::process::Command::new("psql")
            .args([&format!("{}/postgres", pg_server()), "-X", "-q", "-c"])
            .arg(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Which store a contract test runs against: every such test runs on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Postgis,
    Gpkg,
}

/// A fresh store of either kind: a PostGIS database, or a GeoPackage path in a fresh directory.
pub struct TestStore {
    pub kind: StoreKind,
    pub name: String,
    db: Option<TestDb>,
    pub gpkg_path: PathBuf,
}

impl TestStore {
    pub async fn new(kind: StoreKind) -> TestStore {
        let db = TestDb::create().await;
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("stores").join(&db.name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let name = format!("{}_{}", db.name, if kind == StoreKind::Gpkg { "gpkg" } else { "pg" });
        if kind == StoreKind::Gpkg {
            // The scratch database is PostGIS the oracle, not the store: it needs the extension itself.
            sqlx::query("CREATE EXTENSION postgis").execute(&db.pool().await).await.unwrap();
        }
        TestStore { kind, name, gpkg_path: dir.join("qala.gpkg"), db: Some(db) }
    }

    /// A store on an existing PostGIS database.
    pub fn from_postgis(db: TestDb) -> TestStore {
        TestStore { kind: StoreKind::Postgis, name: format!("{}_pg", db.name), gpkg_path: PathBuf::new(), db: Some(db) }
    }

    /// A store on an existing GeoPackage (no oracle database).
    pub fn from_gpkg(path: PathBuf) -> TestStore {
        let name = format!("gpkg_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        TestStore { kind: StoreKind::Gpkg, name, gpkg_path: path, db: None }
    }

    /// The PostGIS database: the store itself, or for a GeoPackage run a scratch database used as the
    /// oracle (and for PostGIS-side checks).
    pub fn postgis(&self) -> &TestDb {
        self.db.as_ref().unwrap()
    }

    /// Environment for a `qala` process using this store.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        match self.kind {
            StoreKind::Postgis => vec![("DATABASE_URL", self.postgis().url.clone())],
            StoreKind::Gpkg => {
                vec![("QALA_STORE", self.gpkg_path.display().to_string()), ("DATABASE_URL", String::new())]
            }
        }
    }

    /// Runs one SQL query returning a single integer, on whichever store this is.
    pub async fn scalar(&self, sql: &'static str) -> i64 {
        match self.kind {
            StoreKind::Postgis => sqlx::query_scalar(sql).fetch_one(&self.postgis().pool().await).await.unwrap(),
            StoreKind::Gpkg => {
                let pool =
                    sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", self.gpkg_path.display())).await.unwrap();
                let v = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
                pool.close().await;
                v
            }
        }
    }

    /// One text column of a query, on whichever store this is (the SQL differs between the two).
    pub async fn strings(&self, postgis_sql: &'static str, gpkg_sql: &'static str) -> Vec<String> {
        match self.kind {
            StoreKind::Postgis => {
                sqlx::query_scalar(postgis_sql).fetch_all(&self.postgis().pool().await).await.unwrap()
            }
            StoreKind::Gpkg => {
                let pool =
                    sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", self.gpkg_path.display())).await.unwrap();
                let v = sqlx::query_scalar(gpkg_sql).fetch_all(&pool).await.unwrap();
                pool.close().await;
                v
            }
        }
    }

    /// Inserts pins straight into the store (bypassing the service, as another writer or a bulk load
    /// would): (lon, lat, category). A running server sees them only after a restart.
    pub async fn insert_pins_directly(&self, pins: &[(f64, f64, String)]) {
        match self.kind {
            StoreKind::Postgis => {
                let lons: Vec<f64> = pins.iter().map(|p| p.0).collect();
                let lats: Vec<f64> = pins.iter().map(|p| p.1).collect();
                let cats: Vec<String> = pins.iter().map(|p| p.2.clone()).collect();
                sqlx::query(
                    "INSERT INTO pins (geom, category, description)
                     SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326), cat, 'seeded'
                     FROM unnest($1::float8[], $2::float8[], $3::text[]) AS t(lon, lat, cat)",
                )
                .bind(&lons)
                .bind(&lats)
                .bind(&cats)
                .execute(&self.postgis().pool().await)
                .await
                .unwrap();
            }
            StoreKind::Gpkg => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", self.gpkg_path.display())).await.unwrap();
                let mut tx = pool.begin().await.unwrap();
                let now = "2026-11-25T00:00:00.000000Z";
                for (lon, lat, category) in pins {
                    sqlx::query(
                        "INSERT INTO pins (geom, category, status, description, created_at, updated_at)
                         VALUES (?, ?, 'new', 'seeded', ?, ?)",
                    )
                    .bind(qala::spatial::gpkg_blob::point_to_gpkg(*lon, *lat).unwrap())
                    .bind(category)
                    .bind(now)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                }
                tx.commit().await.unwrap();
                pool.close().await;
            }
        }
    }

    /// PostGIS holding exactly what the store holds, to ask it the same questions: the store itself, or for
    /// a GeoPackage a fresh copy made with `qala store copy` into the scratch database.
    pub async fn oracle(&self) -> PgPool {
        let pool = self.postgis().pool().await;
        if self.kind == StoreKind::Gpkg {
            sqlx::query("DROP SCHEMA public CASCADE").execute(&pool).await.unwrap();
            sqlx::query("CREATE SCHEMA public").execute(&pool).await.unwrap();
            sqlx::query("CREATE EXTENSION postgis").execute(&pool).await.unwrap();
            pool.close().await;
            let out = Command::new(env!("CARGO_BIN_EXE_qala"))
                .args(["store", "copy", "--from", self.gpkg_path.to_str().unwrap(), "--to", &self.postgis().url])
                .env("RUST_LOG", "warn")
                .output()
                .await
                .unwrap();
            assert!(out.status.success(), "store copy for the oracle: {}", String::from_utf8_lossy(&out.stderr));
            return self.postgis().pool().await;
        }
        pool
    }

    /// Every pin id the store holds, sorted.
    pub async fn pin_ids(&self) -> Vec<i64> {
        let sql_pg = "SELECT id FROM pins ORDER BY id";
        match self.kind {
            StoreKind::Postgis => sqlx::query_scalar(sql_pg).fetch_all(&self.postgis().pool().await).await.unwrap(),
            StoreKind::Gpkg => {
                let pool =
                    sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", self.gpkg_path.display())).await.unwrap();
                let v = sqlx::query_scalar("SELECT fid FROM pins ORDER BY fid").fetch_all(&pool).await.unwrap();
                pool.close().await;
                v
            }
        }
    }
}

/// Generates, for each `async fn name(kind: StoreKind)`, a module `name` with one test per store.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn postgis() {
                    super::$name(super::common::StoreKind::Postgis).await
                }
                #[tokio::test]
                async fn gpkg() {
                    super::$name(super::common::StoreKind::Gpkg).await
                }
            }
        )*
    };
}

/// A running `qala serve` process.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    env: Vec<(&'static str, String)>,
    pub log_path: PathBuf,
    pub client: reqwest::Client,
    rust_log: String,
}

impl Server {
    pub async fn start(store: &TestStore) -> Server {
        Self::start_with_log(store, "qala=info,tower_http=info").await
    }

    pub async fn start_with_log(store: &TestStore, rust_log: &str) -> Server {
        Self::start_with(store, rust_log, &[]).await
    }

    /// As [`Server::start`], with more environment for the process (e.g. `QALA_WEB_DIR`).
    pub async fn start_with_env(store: &TestStore, env: &[(&'static str, String)]) -> Server {
        Self::start_with(store, "qala=info,tower_http=info", env).await
    }

    async fn start_with(store: &TestStore, rust_log: &str, extra_env: &[(&'static str, String)]) -> Server {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("server-logs");
        std::fs::create_dir_all(&dir).unwrap();
        let mut env = store.env();
        env.extend(extra_env.iter().cloned());
        let mut server = Server {
            child: None,
            base: String::new(),
            env,
            log_path: dir.join(format!("{}.log", store.name)),
            client: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap(),
            rust_log: rust_log.to_owned(),
        };
        server.spawn().await;
        server
    }

    async fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log_path).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_qala"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("RUST_LOG", &self.rust_log)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("cannot start the qala binary");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(url) = line.strip_prefix("qala listening on ") {
                    return url.to_owned();
                }
            }
            panic!("qala exited before listening; log: {}", std::fs::read_to_string(&self.log_path).unwrap());
        })
        .await
        .expect("qala did not start listening within 60 s");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.base = addr;
        self.child = Some(child);
        self.wait_ready().await;
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = self.client.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            assert!(Instant::now() < deadline, "qala never became ready; log: {}", self.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().and_then(Child::id).unwrap()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// SIGKILL: no chance to flush or finish anything.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().unwrap();
            child.wait().await.unwrap();
        }
    }

    /// SIGTERM, then wait for the exit status.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let pid = child.id().unwrap();
        std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
        tokio::time::timeout(Duration::from_secs(30), child.wait()).await.expect("no exit after SIGTERM").unwrap()
    }

    pub async fn restart(&mut self) {
        self.kill9().await;
        self.spawn().await;
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    pub async fn post_pin(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/pins"))
            .header("content-type", "application/geo+json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// Every pin id a `/api/v1/pins?{query}` listing returns, following `next` links.
    pub async fn list_all_ids(&self, query: &str) -> Vec<i64> {
        self.list_all_ids_at(&format!("/api/v1/pins?{query}")).await
    }
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

pub async fn count_pins(store: &TestStore) -> i64 {
    store.scalar("SELECT count(*) FROM pins").await
}

/// Runs `qala ARGS…` against the test store and returns its output.
pub async fn qala_cli(store: &TestStore, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_qala"))
        .args(args)
        .envs(store.env())
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap()
}

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

/// PostGIS as the oracle for a geometry the API returned: the ids of `pins` (id, lon, lat) that
/// `ST_Intersects` puts in `geometry` (a GeoJSON geometry object).
pub async fn postgis_pins_in(
    store: &TestStore,
    pins: &[(i64, f64, f64)],
    geometry: &Value,
) -> std::collections::BTreeSet<i64> {
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
    .fetch_all(&store.postgis().pool().await)
    .await
    .unwrap();
    found.into_iter().collect()
}

/// Every pin as (id, lon, lat), from the API.
pub async fn all_pins(server: &Server) -> Vec<(i64, f64, f64)> {
    let (_, page) = server.get_json("/api/v1/pins?limit=10000").await;
    page["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (f["id"].as_i64().unwrap(), c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
        })
        .collect()
}

/// Area ids of the current version of a kind, from the API.
pub async fn current_area_ids(server: &Server, kind: &str) -> Vec<i64> {
    let (status, list) = server.get_json(&format!("/api/v1/areas?kind={kind}&current=true")).await;
    assert_eq!(status, 200);
    list["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect()
}

impl Server {
    /// Every pin id of a listing at `path` (which already has a query), following `next` links.
    pub async fn list_all_ids_at(&self, path: &str) -> Vec<i64> {
        let mut ids = Vec::new();
        let mut url = self.url(path);
        loop {
            let r = self.client.get(&url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{url}");
            let page: Value = r.json().await.unwrap();
            ids.extend(page["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()));
            match page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") {
                Some(next) => url = next["href"].as_str().unwrap().to_owned(),
                None => return ids,
            }
        }
    }
}

/// Runs a GDAL tool (Debian's gdal-bin, installed by ./scripts/test) and returns its standard output; fails
/// the test, with GDAL's message, when the tool does.
pub fn gdal(tool: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (Debian gdal-bin) is needed; ./scripts/test installs it: {e}"));
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

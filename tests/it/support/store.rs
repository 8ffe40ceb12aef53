//! The store a test runs against, of either kind, and what tests read from it directly (bypassing qala).
//!
//! A GeoPackage store is a path in a fresh directory and needs no PostgreSQL; a PostGIS store is a fresh
//! database. The PostGIS database a GeoPackage test asks as its oracle is made on first use
//! ([`TestStore::postgis`]), so GeoPackage tests without an oracle run without a database server.

use std::path::PathBuf;

use tokio::sync::OnceCell;

use super::db::{TestDb, unique_name};

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
    /// The PostGIS store itself, or for a GeoPackage the scratch oracle database once asked for.
    db: OnceCell<TestDb>,
    pub gpkg_path: PathBuf,
}

impl TestStore {
    pub async fn new(kind: StoreKind) -> TestStore {
        let (base, db) = match kind {
            StoreKind::Postgis => {
                let db = TestDb::create().await;
                (db.name.clone(), OnceCell::new_with(Some(db)))
            }
            StoreKind::Gpkg => (unique_name(), OnceCell::new()),
        };
        // Every store has a fresh directory: the GeoPackage lives there, and tests keep their files beside it.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("stores").join(&base);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let name = format!("{base}_{}", if kind == StoreKind::Gpkg { "gpkg" } else { "pg" });
        TestStore { kind, name, gpkg_path: dir.join("qala.gpkg"), db }
    }

    /// A store on an existing PostGIS database.
    pub fn from_postgis(db: TestDb) -> TestStore {
        let name = format!("{}_pg", db.name);
        TestStore { kind: StoreKind::Postgis, name, gpkg_path: PathBuf::new(), db: OnceCell::new_with(Some(db)) }
    }

    /// A store on an existing GeoPackage.
    pub fn from_gpkg(path: PathBuf) -> TestStore {
        let name = format!("gpkg_{}", unique_name());
        TestStore { kind: StoreKind::Gpkg, name, gpkg_path: path, db: OnceCell::new() }
    }

    /// The PostGIS database: the store itself, or for a GeoPackage run a scratch database with PostGIS, made
    /// on first use, used as the oracle (and for PostGIS-side checks).
    pub async fn postgis(&self) -> &TestDb {
        self.db.get_or_init(TestDb::create_postgis).await
    }

    /// The PostGIS store's URL (a PostGIS store has its database from the start).
    pub fn database_url(&self) -> &str {
        assert_eq!(self.kind, StoreKind::Postgis, "only a PostGIS store has a DATABASE_URL");
        &self.db.get().expect("a PostGIS store is created with its database").url
    }

    /// Environment for a `qala` process using this store.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let key = ("QALA_CONTACT_KEY_FILE", contact_key_file().display().to_string());
        match self.kind {
            StoreKind::Postgis => vec![("DATABASE_URL", self.database_url().to_owned()), key],
            StoreKind::Gpkg => {
                vec![("QALA_STORE", self.gpkg_path.display().to_string()), ("DATABASE_URL", String::new()), key]
            }
        }
    }

    async fn sqlite(&self, read_only: bool) -> sqlx::SqlitePool {
        let mode = if read_only { "?mode=ro" } else { "" };
        sqlx::SqlitePool::connect(&format!("sqlite://{}{mode}", self.gpkg_path.display())).await.unwrap()
    }

    /// Runs one SQL query returning a single integer, on whichever store this is.
    pub async fn scalar(&self, sql: &'static str) -> i64 {
        match self.kind {
            StoreKind::Postgis => sqlx::query_scalar(sql).fetch_one(&self.postgis().await.pool().await).await.unwrap(),
            StoreKind::Gpkg => {
                let pool = self.sqlite(true).await;
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
                sqlx::query_scalar(postgis_sql).fetch_all(&self.postgis().await.pool().await).await.unwrap()
            }
            StoreKind::Gpkg => {
                let pool = self.sqlite(true).await;
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
                .execute(&self.postgis().await.pool().await)
                .await
                .unwrap();
            }
            StoreKind::Gpkg => {
                let pool = self.sqlite(false).await;
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

    /// Every pin id the store holds, sorted.
    pub async fn pin_ids(&self) -> Vec<i64> {
        match self.kind {
            StoreKind::Postgis => sqlx::query_scalar("SELECT id FROM pins ORDER BY id")
                .fetch_all(&self.postgis().await.pool().await)
                .await
                .unwrap(),
            StoreKind::Gpkg => {
                let pool = self.sqlite(true).await;
                let v = sqlx::query_scalar("SELECT fid FROM pins ORDER BY fid").fetch_all(&pool).await.unwrap();
                pool.close().await;
                v
            }
        }
    }
}

impl TestStore {
    /// Runs one statement straight on the store, as any other client of the database could; the error text
    /// when the database refuses it.
    pub async fn execute(&self, postgis_sql: &'static str, gpkg_sql: &'static str) -> Result<u64, String> {
        match self.kind {
            StoreKind::Postgis => sqlx::query(postgis_sql)
                .execute(&self.postgis().await.pool().await)
                .await
                .map(|r| r.rows_affected())
                .map_err(|e| e.to_string()),
            StoreKind::Gpkg => {
                let pool = self.sqlite(false).await;
                let r =
                    sqlx::query(gpkg_sql).execute(&pool).await.map(|r| r.rows_affected()).map_err(|e| e.to_string());
                pool.close().await;
                r
            }
        }
    }

    /// The store through qala's own `Store` trait, for what no route or command makes (an expired token).
    pub async fn open(&self) -> std::sync::Arc<dyn qala::store::Store> {
        match self.kind {
            StoreKind::Postgis => {
                std::sync::Arc::new(qala::store::postgis::PostgisStore::connect(self.database_url(), 2).await.unwrap())
            }
            StoreKind::Gpkg => std::sync::Arc::new(qala::store::gpkg::GpkgStore::open(&self.gpkg_path).await.unwrap()),
        }
    }
}

pub async fn count_pins(store: &TestStore) -> i64 {
    store.scalar("SELECT count(*) FROM pins").await
}

/// The contact key every test store is sealed with (a fixed test key, written once per run before any qala
/// reads it), so that a copy of a store opens with its source's key as a deployment's would.
pub fn contact_key_file() -> &'static std::path::Path {
    static FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-contact.key");
        // base64 of the 32 bytes 0x51 ("QQQ…"): not secret, only the tests' own.
        // Written aside and renamed into place: test runners that start one process per test (nextest) must
        // not see another's half-written file.
        let text = "UVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVE=\n";
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            let aside = path.with_extension(format!("{}.tmp", std::process::id()));
            std::fs::write(&aside, text).unwrap();
            std::fs::rename(&aside, &path).unwrap();
        }
        path
    })
}

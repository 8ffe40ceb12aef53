//! A throw-away PostgreSQL database per test, on the server `QALA_TEST_PG` names.
//!
//! Only what needs PostgreSQL asks for one: a PostGIS store, the PostGIS oracle, `qala store copy` into
//! PostGIS. Without `QALA_TEST_PG` those tests fail loudly (nothing is skipped); GeoPackage-only tests never
//! get here and run without a database server.

use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::postgres::PgPool;
use sqlx::{Connection, PgConnection};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name no other test of this run uses: the run's prefix, this process and a counter.
pub fn unique_name() -> String {
    let prefix = std::env::var("QALA_TEST_DB_PREFIX").unwrap_or_else(|_| "qala_t_".into());
    format!("{prefix}{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

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
        let name = unique_name();
        let mut admin = PgConnection::connect(&format!("{server}/postgres"))
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL at {server}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut admin).await.unwrap();
        TestDb { url: format!("{server}/{name}"), name }
    }

    /// A fresh database with the PostGIS extension, for asking PostGIS questions about data it does not
    /// store (the oracle of a GeoPackage run).
    pub async fn create_postgis() -> TestDb {
        let db = TestDb::create().await;
        let pool = db.pool().await;
        sqlx::query("CREATE EXTENSION postgis").execute(&pool).await.unwrap();
        pool.close().await;
        db
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

//! Opening the GeoPackage: refuse anything that is not a qala store before touching it, create a new one
//! when the file does not exist.
//!
//! The store's only SQL text in Rust is here: setting `application_id` and `user_version` on a new file (a
//! PRAGMA takes no bound parameter, so the two numbers are formatted in from the constants below, which
//! inspection compares with too). Every other statement of opening is a file in `sql/`: `application_id`
//! read on inspection, the check for qala's tables, `foreign_key_check` after the migrations, the
//! checkpoint, and the `BEGIN`/`ROLLBACK` probe of a writer connection given back to the pool. The
//! connection settings (WAL, `synchronous`, foreign keys, `secure_delete`, `busy_timeout`) are sqlx's
//! connect options, which sqlx sends as PRAGMAs on each new connection.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};

use super::GpkgStore;
use crate::store::StoreError;

/// `GPKG` as the SQLite header's application id (GeoPackage Requirement 2).
const GPKG_APPLICATION_ID: i32 = 0x4750_4B47;
/// GeoPackage 1.3.0 (Requirement 2).
const GPKG_USER_VERSION: i32 = 10300;
/// How long a writer waits for another process's write before giving up with "busy" (then a 503).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) async fn open(path: &Path) -> Result<GpkgStore, StoreError> {
    let refuse = |reason: String| StoreError::Open { path: path.display().to_string(), reason };
    let exists = path.exists();
    if exists {
        inspect(path).await.map_err(refuse)?;
    } else {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(refuse(format!("the directory {} does not exist", dir.display())));
        }
    }
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(|e| refuse(e.to_string()))?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // Deleted and replaced content is overwritten with zeros, not left in free pages: a purged or sealed
        // contact must not survive in a file that is handed around.
        .pragma("secure_delete", "on")
        .busy_timeout(BUSY_TIMEOUT);
    // An empty file is what a crash during creation leaves: it gets the header too.
    let new_file = !exists || std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(true);
    migrate(&options, new_file).await.map_err(|e| match e {
        MigrationFailure::Connect(e) => refuse(cannot_create(&e)),
        MigrationFailure::Store(e) => e,
    })?;
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .after_release(|conn, _| Box::pin(async move { Ok(outside_any_transaction(conn).await) }))
        .connect_with(options.clone())
        .await?;
    let readers = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options.read_only(true))
        .await?;
    let reports = super::group_commit::GroupCommit::start(writer.clone());
    Ok(GpkgStore { path: path.to_owned(), writer, readers, reports })
}

enum MigrationFailure {
    Connect(sqlx::Error),
    Store(StoreError),
}

impl From<sqlx::Error> for MigrationFailure {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Sets a new file's header and applies the migrations, on a connection of its own with foreign keys off:
/// SQLite can change a table's constraints only by rebuilding it, and dropping the old table must not
/// cascade into the tables that refer to it (SQLite's "12 steps"). Foreign keys are checked as a whole
/// afterwards; a violation refuses the file. Readers that look at the file header directly (GDAL checks
/// application_id there) must see the header and schema, not only the WAL: the connection checkpoints once.
async fn migrate(options: &SqliteConnectOptions, new_file: bool) -> Result<(), MigrationFailure> {
    let mut conn = SqliteConnection::connect_with(&options.clone().foreign_keys(false))
        .await
        .map_err(MigrationFailure::Connect)?;
    if new_file {
        for pragma in [
            format!("PRAGMA application_id = {GPKG_APPLICATION_ID}"),
            format!("PRAGMA user_version = {GPKG_USER_VERSION}"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(pragma)).execute(&mut conn).await?;
        }
    }
    crate::store::migrations::GPKG.run(&mut conn).await.map_err(|e| MigrationFailure::Store(e.into()))?;
    let broken: Vec<(String, Option<i64>)> =
        sqlx::query_as(include_str!("sql/foreign_key_check.sql")).fetch_all(&mut conn).await?;
    if let Some((table, row)) = broken.first() {
        let row = row.map_or_else(|| "?".to_owned(), |r| r.to_string());
        return Err(MigrationFailure::Store(StoreError::Corrupt(format!(
            "after migrating, row {row} of {table} refers to a row that does not exist"
        ))));
    }
    sqlx::query(include_str!("sql/wal_truncate.sql")).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Checks, read-only, that an existing file is a qala GeoPackage (or an empty file left by a crash).
async fn inspect(path: &Path) -> Result<(), String> {
    if std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        return Ok(());
    }
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(|e| e.to_string())?;
    let app_id: i32 = sqlx::query_scalar(include_str!("sql/application_id.sql"))
        .fetch_one(&mut conn)
        .await
        .map_err(|e| format!("not a GeoPackage (not even an SQLite database: {e})"))?;
    if app_id != GPKG_APPLICATION_ID {
        return Err(format!("not a GeoPackage (SQLite application_id is {app_id:#x}, not 'GPKG')"));
    }
    let ours: i64 = sqlx::query_scalar(include_str!("sql/count_qala_tables.sql"))
        .fetch_one(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    conn.close().await.map_err(|e| e.to_string())?;
    if ours != 3 {
        return Err("a GeoPackage, but not a qala store (it has other layers and no qala schema)".into());
    }
    Ok(())
}

fn cannot_create(e: &sqlx::Error) -> String {
    format!("cannot open or create it ({e}); is the directory writable?")
}

/// Whether the writer connection given back to the pool is outside any transaction, as it must be to be
/// used again; one that is not is closed.
///
/// Why: when a write fails half-way (`SQLITE_FULL` on a full disk, an I/O error), SQLite may roll the
/// transaction back by itself, or leave it open after sqlx's own `ROLLBACK` failed. Either way sqlx's count
/// of open transactions no longer matches SQLite's, and the next `begin` on that connection becomes a
/// savepoint inside a transaction that never commits: its writes would be acknowledged and lost when the
/// connection closes (found by the full-disk test, `tests/it/faults.rs`). `BEGIN` fails inside a
/// transaction, so trying one (and rolling it back) tells.
async fn outside_any_transaction(conn: &mut sqlx::SqliteConnection) -> bool {
    if sqlx::raw_sql(include_str!("sql/probe_begin.sql")).execute(&mut *conn).await.is_err() {
        tracing::warn!("the embedded store's writer connection was left inside a transaction; it is closed");
        return false;
    }
    sqlx::raw_sql(include_str!("sql/probe_rollback.sql")).execute(&mut *conn).await.is_ok()
}

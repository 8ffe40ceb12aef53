//! GeoPackage export files, written with sqlx's SQLite like the embedded store (the same geometry blobs,
//! the same core tables; see `sql/gpkg_core.sql`), but holding one layer of public fields only. The file is
//! built whole (a GeoPackage is a database, not a stream) and then handed over.
//!
//! SQL: the fixed statements are files in `sql/` beside this one, loaded with `include_str!`, every value
//! bound. Built here are only what a statement cannot bind: the layer's `CREATE TABLE` and its row `INSERT`,
//! which name its table and columns (identifiers from the fixed layer catalog in `layer.rs`, never from a
//! request), and the header's `application_id` and `user_version` PRAGMAs, which take no bound parameter
//! (formatted from the constants below).
//!
//! Why not a GeoPackage crate: the Rust ones in reach either pin another sqlx (geozero's `with-gpkg` is
//! built on sqlx 0.8) or wrap GDAL; the embedded store already writes GeoPackages GDAL reads, so the export
//! reuses that code path.

use std::path::Path;
use std::str::FromStr;

use geo::BoundingRect;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, SqlitePool};

use super::ExportError;
use super::layer::{Cell, ColumnKind, GeometryKind, Layer, Row};
use crate::spatial::gpkg_blob::{SRS_ID, multipolygon_to_gpkg, point_to_gpkg};

const CORE_SCHEMA: &str = include_str!("sql/gpkg_core.sql");
/// `GPKG` (Requirement 2) and GeoPackage 1.3.0.
const APPLICATION_ID: i32 = 0x4750_4B47;
const USER_VERSION: i32 = 10300;

pub struct GpkgFile {
    pool: SqlitePool,
    layer: &'static Layer,
    insert: String,
    bounds: Option<[f64; 4]>,
}

impl GpkgFile {
    /// Creates the file (which must not exist) with the core tables and the layer's table.
    ///
    /// # Errors
    /// When SQLite cannot create or write it.
    pub async fn create(path: &Path, layer: &'static Layer) -> Result<Self, ExportError> {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(sql_error)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Delete)
            .synchronous(SqliteSynchronous::Normal);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(sql_error)?;
        for pragma in
            [format!("PRAGMA application_id = {APPLICATION_ID}"), format!("PRAGMA user_version = {USER_VERSION}")]
        {
            sqlx::query(AssertSqlSafe(pragma)).execute(&pool).await.map_err(sql_error)?;
        }
        sqlx::raw_sql(CORE_SCHEMA).execute(&pool).await.map_err(sql_error)?;
        // Identifiers come from the fixed layer catalog in `layer.rs`, never from a request.
        let geometry_type = match layer.geometry {
            GeometryKind::Point => "POINT",
            GeometryKind::MultiPolygon => "MULTIPOLYGON",
        };
        let columns: String = layer
            .columns
            .iter()
            .map(|(name, kind)| {
                let t = match kind {
                    ColumnKind::Integer => "INTEGER",
                    ColumnKind::Real => "REAL",
                    ColumnKind::Text => "TEXT",
                    ColumnKind::Boolean => "BOOLEAN",
                    ColumnKind::DateTime => "DATETIME",
                };
                format!(", \"{name}\" {t}")
            })
            .collect();
        let table = layer.name;
        let create =
            format!("CREATE TABLE \"{table}\" (fid INTEGER PRIMARY KEY, geom {geometry_type} NOT NULL{columns})");
        sqlx::query(AssertSqlSafe(create)).execute(&pool).await.map_err(sql_error)?;
        sqlx::query(include_str!("sql/gpkg_contents.sql"))
            .bind(table)
            .bind(table)
            .bind(layer.title)
            .bind(SRS_ID)
            .execute(&pool)
            .await
            .map_err(sql_error)?;
        sqlx::query(include_str!("sql/gpkg_geometry_column.sql"))
            .bind(table)
            .bind(geometry_type)
            .bind(SRS_ID)
            .execute(&pool)
            .await
            .map_err(sql_error)?;
        let names: String = layer.columns.iter().map(|(n, _)| format!(", \"{n}\"")).collect();
        let marks: String = layer.columns.iter().map(|_| ", ?").collect();
        let insert = format!("INSERT INTO \"{table}\" (fid, geom{names}) VALUES (?, ?{marks})");
        Ok(Self { pool, layer, insert, bounds: None })
    }

    /// Adds rows in one transaction.
    ///
    /// # Errors
    /// When SQLite cannot write them.
    pub async fn rows(&mut self, rows: &[Row]) -> Result<(), ExportError> {
        let mut tx = self.pool.begin().await.map_err(sql_error)?;
        for row in rows {
            let blob = match &row.geometry {
                geo::Geometry::Point(p) => point_to_gpkg(p.x(), p.y()),
                geo::Geometry::MultiPolygon(mp) => multipolygon_to_gpkg(mp),
                other => return Err(ExportError::Encode(format!("unexpected geometry {other:?}"))),
            }
            .map_err(|e| ExportError::Encode(e.to_string()))?;
            if let Some(r) = row.geometry.bounding_rect() {
                let b = [r.min().x, r.min().y, r.max().x, r.max().y];
                self.bounds = Some(match self.bounds {
                    None => b,
                    Some(a) => [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])],
                });
            }
            let mut q = sqlx::query(AssertSqlSafe(self.insert.as_str())).bind(row.id).bind(blob);
            for cell in &row.cells {
                q = match cell {
                    Cell::Integer(n) => q.bind(*n),
                    Cell::Real(x) => q.bind(*x),
                    Cell::Text(s) => q.bind(s.clone()),
                    Cell::Boolean(b) => q.bind(*b),
                    // GeoPackage DATETIME is ISO 8601 with milliseconds (Requirement 5), which GDAL expects.
                    Cell::DateTime(t) => q.bind(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                    Cell::Null => q.bind(None::<String>),
                };
            }
            q.execute(&mut *tx).await.map_err(sql_error)?;
        }
        tx.commit().await.map_err(sql_error)
    }

    /// Records the layer's extent and closes the file.
    ///
    /// # Errors
    /// When SQLite cannot write it.
    pub async fn finish(self) -> Result<(), ExportError> {
        if let Some([x0, y0, x1, y1]) = self.bounds {
            sqlx::query(include_str!("sql/gpkg_extent.sql"))
                .bind(x0)
                .bind(y0)
                .bind(x1)
                .bind(y1)
                .bind(self.layer.name)
                .execute(&self.pool)
                .await
                .map_err(sql_error)?;
        }
        self.pool.close().await;
        Ok(())
    }
}

fn sql_error(e: sqlx::Error) -> ExportError {
    ExportError::Write(format!("GeoPackage: {e}"))
}

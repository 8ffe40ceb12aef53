//! GeoPackage area files, as GDAL's `ogr2ogr -f GPKG` writes them: the one feature table of the file (named
//! in `gpkg_contents`), its geometry column (from `gpkg_geometry_columns`) and its SRS (from
//! `gpkg_spatial_ref_sys`). Read-only; the file is never changed.
//!
//! SQL: the catalog queries are files in `sql/` beside this one, loaded with `include_str!`, every value
//! bound. The one statement built here is the read of the feature table, whose name (from the file's own
//! catalog, quoted) a statement cannot bind.

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Geometry, MultiPolygon};
use geozero::ToGeo;
use geozero::wkb::GpkgWkb;
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{Column, Connection, Row, SqliteConnection, ValueRef};

use super::{ImportError, RawFeature, RawFile};

/// The most features one area file may hold (Almaty has 8 districts; a detailed draft, a few hundred parts).
const MAX_FEATURES: usize = 100_000;

pub(super) async fn read(path: &Path) -> Result<RawFile, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable { path: path.display().to_string(), reason };
    let options = SqliteConnectOptions::new().filename(path).read_only(true).pragma("trusted_schema", "OFF");
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(|e| unreadable(e.to_string()))?;
    let layers: Vec<(String, String, i64)> = sqlx::query_as(include_str!("sql/gpkg_feature_tables.sql"))
        .fetch_all(&mut conn)
        .await
        .map_err(|e| unreadable(format!("not a GeoPackage with feature tables ({e})")))?;
    let (table, column, srs_id) = match layers.as_slice() {
        [one] => one.clone(),
        [] => return Err(unreadable("the GeoPackage has no feature table".into())),
        many => {
            let names: Vec<&str> = many.iter().map(|l| l.0.as_str()).collect();
            return Err(unreadable(format!(
                "the GeoPackage has {} feature tables ({}); give one per file",
                many.len(),
                names.join(", ")
            )));
        }
    };
    let crs: Option<(String, i64)> = sqlx::query_as(include_str!("sql/gpkg_srs.sql"))
        .bind(srs_id)
        .fetch_optional(&mut conn)
        .await
        .map_err(|e| unreadable(e.to_string()))?;
    let crs = crs.map(|(org, code)| format!("{}:{code}", org.to_ascii_uppercase()));
    // Identifiers come from the file's own catalog, quoted; no value is ever formatted into SQL.
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    // A file may come from a stranger's upload: the layer must be a plain table (a view could run any query
    // for as long as it likes), and only so many rows are read.
    let kind: Option<String> = sqlx::query_scalar(include_str!("sql/gpkg_object_type.sql"))
        .bind(&table)
        .fetch_optional(&mut conn)
        .await
        .map_err(|e| unreadable(e.to_string()))?;
    if kind.as_deref() != Some("table") {
        return Err(unreadable(format!("the feature table {table:?} is not a plain table")));
    }
    let limited = format!("SELECT * FROM {} LIMIT {}", quote(&table), MAX_FEATURES + 1);
    let rows: Vec<SqliteRow> =
        sqlx::query(sqlx::AssertSqlSafe(limited)).fetch_all(&mut conn).await.map_err(|e| unreadable(e.to_string()))?;
    if rows.len() > MAX_FEATURES {
        return Err(unreadable(format!("the feature table has more than {MAX_FEATURES} features")));
    }
    let features = rows.iter().map(|row| feature(row, &column)).collect();
    conn.close().await.map_err(|e| unreadable(e.to_string()))?;
    Ok(RawFile { crs, features })
}

fn feature(row: &SqliteRow, geometry_column: &str) -> RawFeature {
    let mut properties = BTreeMap::new();
    let mut geometry = Err("has no geometry".to_owned());
    for (i, col) in row.columns().iter().enumerate() {
        let name = col.name();
        if name == geometry_column {
            geometry = match row.try_get::<Option<Vec<u8>>, _>(i) {
                Ok(Some(blob)) => polygons(&blob),
                _ => Err("has no geometry".to_owned()),
            };
            continue;
        }
        if row.try_get_raw(i).map(|v| v.is_null()).unwrap_or(true) {
            continue;
        }
        let text = row
            .try_get::<String, _>(i)
            .ok()
            .or_else(|| row.try_get::<i64, _>(i).ok().map(|v| v.to_string()))
            .or_else(|| row.try_get::<f64, _>(i).ok().map(|v| v.to_string()));
        if let Some(text) = text {
            properties.insert(name.to_owned(), text);
        }
    }
    RawFeature { properties, geometry }
}

fn polygons(blob: &[u8]) -> Result<MultiPolygon<f64>, String> {
    match GpkgWkb(blob).to_geo() {
        Ok(Geometry::MultiPolygon(mp)) => Ok(mp),
        Ok(Geometry::Polygon(p)) => Ok(MultiPolygon(vec![p])),
        Ok(_) => Err("is not a polygon".into()),
        Err(e) => Err(format!("has an unreadable geometry: {e}")),
    }
}

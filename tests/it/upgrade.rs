//! A GeoPackage store made before the staff workflow (schema of 2026-12-02) opens with the new schema:
//! `pins` is rebuilt to take the new statuses, and nothing is lost on the way (pins, contacts, the id
//! high-water mark, the header GIS tools check).

use std::path::PathBuf;

use crate::support::staff::{add_staff, new_pin, update};
use crate::support::{Server, StoreKind, TestStore, gdal};

#[tokio::test]
async fn a_store_from_before_the_workflow_upgrades_without_loss() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    // The two migrations of the older schema, applied by sqlx as the older qala did.
    let old = store.gpkg_path.parent().unwrap().join("old-migrations");
    std::fs::create_dir_all(&old).unwrap();
    for name in ["20261125000001_geopackage.sql", "20261202000001_location_precision.sql"] {
        let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations/gpkg").join(name);
        std::fs::copy(from, old.join(name)).unwrap();
    }
    let options =
        sqlx::sqlite::SqliteConnectOptions::new().filename(&store.gpkg_path).create_if_missing(true).foreign_keys(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::query("PRAGMA application_id = 1196444487").execute(&pool).await.unwrap();
    sqlx::query("PRAGMA user_version = 10300").execute(&pool).await.unwrap();
    sqlx::migrate::Migrator::new(old.as_path()).await.unwrap().run(&pool).await.unwrap();
    let t = "2026-11-30T10:00:00.000000Z";
    for fid in [3_i64, 7, 12] {
        sqlx::query(
            "INSERT INTO pins (fid, geom, category, status, description, created_at, updated_at)
             VALUES (?, ?, 'pram', 'confirmed', 'before the upgrade', ?, ?)",
        )
        .bind(fid)
        .bind(qala::spatial::gpkg_blob::point_to_gpkg(76.9458, 43.2380).unwrap())
        .bind(t)
        .bind(t)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("INSERT INTO pin_contacts (pin_id, contact) VALUES (?, 'someone@example.kz')")
            .bind(fid)
            .execute(&pool)
            .await
            .unwrap();
    }
    // The highest id ever given was 20 (a pin since deleted): it must never be handed out again.
    sqlx::query("UPDATE sqlite_sequence SET seq = 20 WHERE name = 'pins'").execute(&pool).await.unwrap();
    pool.close().await;

    let server = Server::start(&store).await;
    assert_eq!(server.list_all_ids("").await, [3, 7, 12]);
    assert_eq!(store.scalar("SELECT count(*) FROM pin_contacts").await, 3, "no contact lost to the rebuild");
    let id = new_pin(&server, "after the upgrade").await;
    assert_eq!(id, 21);
    let planner = add_staff(&store, "planner", "planner").await;
    assert_eq!(update(&server, &planner, 3, &serde_json::json!({ "status": "planned" })).await.0, 201);
    assert_eq!(store.scalar("SELECT count(*) FROM pins WHERE status = 'planned'").await, 1);
    let info = gdal("ogrinfo", &["-ro", "-so", &store.gpkg_path.display().to_string(), "pins"]);
    assert!(info.contains("Feature Count: 4") && info.contains("duplicate_of"), "{info}");
}

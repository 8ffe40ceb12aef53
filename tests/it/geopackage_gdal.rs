//! The embedded store is a GeoPackage that GDAL reads as it is, and a GeoPackage written by GDAL is an area
//! file qala imports.

use serde_json::Value;

use crate::support::{QalaProcess, REPUBLIC_SQUARE, Server, StoreKind, TestStore, eventually, gdal, qala_cli, report};

#[tokio::test]
async fn ogrinfo_and_ogr2ogr_read_the_embedded_store() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    // The binary: GDAL reads the file after qala has exited, so the test stops the process.
    let mut server = QalaProcess::start(&store).await;
    for i in 0..25 {
        let body = report(REPUBLIC_SQUARE.0 + f64::from(i) * 1e-3, REPUBLIC_SQUARE.1, "bicycle", "GDAL");
        assert_eq!(server.post_pin(&body).await.status(), 201);
    }
    // GDAL reads the file while qala runs, and after it stops.
    let path = store.gpkg_path.to_str().unwrap().to_owned();
    for running in [true, false] {
        let listing = gdal("ogrinfo", &["-ro", &path]);
        assert!(listing.contains("pins (Point)"), "{listing}");
        assert!(listing.contains("areas (Multi Polygon)"), "{listing}");
        assert!(!listing.contains("pin_contacts"), "private data is no layer: {listing}");
        let pins = gdal("ogrinfo", &["-ro", "-so", &path, "pins"]);
        assert!(pins.contains("Feature Count: 25"), "{pins}");
        assert!(pins.contains("Geometry: Point"), "{pins}");
        assert!(pins.contains("ID[\"EPSG\",4326]"), "{pins}");
        let areas = gdal("ogrinfo", &["-ro", "-so", &path, "areas"]);
        assert!(areas.contains("Feature Count: 9"), "8 districts and the illustrative centre: {areas}");
        assert!(areas.contains("Geometry: Multi Polygon") && areas.contains("ID[\"EPSG\",4326]"), "{areas}");
        if running {
            assert!(server.terminate().await.success());
        }
    }

    // ogr2ogr reads every feature, with the same geometry.
    let out = store.gpkg_path.with_file_name("pins.geojson");
    gdal("ogr2ogr", &["-f", "GeoJSON", out.to_str().unwrap(), &path, "pins"]);
    let copied: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let features = copied["features"].as_array().unwrap();
    assert_eq!(features.len(), 25);
    assert!(
        features.iter().all(|f| f["properties"]["category"] == "bicycle" && f["properties"].get("contact").is_none())
    );
    let first = &features[0]["geometry"]["coordinates"];
    assert_eq!((first[0].as_f64(), first[1].as_f64()), (Some(REPUBLIC_SQUARE.0), Some(REPUBLIC_SQUARE.1)));
    let out = store.gpkg_path.with_file_name("areas.geojson");
    gdal("ogr2ogr", &["-f", "GeoJSON", out.to_str().unwrap(), &path, "areas"]);
    let copied: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(copied["features"].as_array().unwrap().len(), 9);
}

async fn imports_a_geopackage_written_by_ogr2ogr(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gdal-import").join(&store.name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let gpkg = dir.join("districts.gpkg");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/data/almaty_districts.geojson");
    gdal("ogr2ogr", &["-f", "GPKG", "-t_srs", "EPSG:32643", gpkg.to_str().unwrap(), src]);
    let out = qala_cli(&store, &["areas", "import", gpkg.to_str().unwrap(), "--kind", "district"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("imported 8 district area(s)") && stdout.contains("EPSG:32643"), "{stdout}");
    eventually("the GeoPackage districts are current", || async {
        let (_, list) = server.get_json("/api/v1/areas?kind=district&current=true").await;
        list["features"].as_array().unwrap().iter().all(|f| f["properties"]["version"] == 2)
    })
    .await;
    let (_, list) = server.get_json("/api/v1/areas?kind=district&current=true").await;
    let medeu =
        list["features"].as_array().unwrap().iter().find(|f| f["properties"]["name_en"] == "Medeu District").unwrap();
    assert_eq!(medeu["properties"]["name_kk"], "Медеу ауданы");
    let km2 = medeu["properties"]["area_km2"].as_f64().unwrap();
    assert!((km2 - 273.15).abs() < 0.5, "{km2}");
}

on_both_stores!(imports_a_geopackage_written_by_ogr2ogr);

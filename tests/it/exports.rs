//! Exports (`/api/v1/exports/…` and `qala export`): every format opened by GDAL with the API's count and
//! geometries, filters as in the listing, streamed text formats, and no private field in any format.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{Server, StoreKind, TestStore, gdal, qala_cli, report};

const FORMATS: [&str; 5] = ["geojson", "geojsonseq", "csv", "gpkg", "fgb"];
const SECRET: &str = "secret-contact-7f3a@example.kz";

/// A file GDAL can open, as (id → (lon, lat, category)), read back through `ogr2ogr -f GeoJSON`.
fn read_with_gdal(path: &std::path::Path) -> BTreeMap<i64, (f64, f64, String)> {
    let out = path.with_extension(format!("{}.back.geojson", path.extension().unwrap().to_str().unwrap()));
    let _ = std::fs::remove_file(&out);
    // -preserve_fid: GeoPackage and GeoJSON text sequences carry the pin id as the feature id.
    let mut args = vec!["-preserve_fid", "-f", "GeoJSON", out.to_str().unwrap(), path.to_str().unwrap()];
    if path.extension().is_some_and(|e| e == "csv") {
        args.extend(["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "KEEP_GEOM_COLUMNS=NO"]);
    }
    gdal("ogr2ogr", &args);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let id = p["id"].as_i64().or_else(|| p["id"].as_str().and_then(|s| s.parse().ok())).or(f["id"].as_i64());
            let c = &f["geometry"]["coordinates"];
            (id.unwrap(), (c[0].as_f64().unwrap(), c[1].as_f64().unwrap(), p["category"].as_str().unwrap().to_owned()))
        })
        .collect()
}

async fn api_pins(server: &Server, query: &str) -> BTreeMap<i64, (f64, f64, String)> {
    let mut out = BTreeMap::new();
    let mut url = server.url(&format!("/api/v1/pins?limit=10000&{query}"));
    loop {
        let page: Value = server.client.get(&url).send().await.unwrap().json().await.unwrap();
        for f in page["features"].as_array().unwrap() {
            let c = &f["geometry"]["coordinates"];
            out.insert(
                f["id"].as_i64().unwrap(),
                (
                    c[0].as_f64().unwrap(),
                    c[1].as_f64().unwrap(),
                    f["properties"]["category"].as_str().unwrap().to_owned(),
                ),
            );
        }
        match page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") {
            Some(next) => url = next["href"].as_str().unwrap().to_owned(),
            None => return out,
        }
    }
}

fn same_pins(got: &BTreeMap<i64, (f64, f64, String)>, want: &BTreeMap<i64, (f64, f64, String)>, what: &str) {
    assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "{what}: ids");
    for (id, (lon, lat, cat)) in want {
        let (glon, glat, gcat) = &got[id];
        assert!((glon - lon).abs() < 1e-9 && (glat - lat).abs() < 1e-9, "{what}: pin {id} moved");
        assert_eq!(gcat, cat, "{what}: pin {id}");
    }
}

async fn setup(kind: StoreKind) -> (TestStore, Server) {
    let store = TestStore::new(kind).await;
    let out = qala_cli(&store, &["seed", "--count", "2500", "--seed", "3"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = Server::start(&store).await;
    // Pins with a private contact: it must appear in no export.
    for i in 0..5 {
        let mut body = report(76.94 + f64::from(i) * 1e-3, 43.24, "low_vision", "Contact kept private");
        body["properties"]["contact"] = SECRET.into();
        assert_eq!(server.post_pin(&body).await.status(), 201);
    }
    (store, server)
}

async fn every_format_reads_back_in_gdal(kind: StoreKind) {
    let (store, server) = setup(kind).await;
    let dir = store.gpkg_path.parent().unwrap().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    for query in
        ["", "category=low_vision,pram&bbox=76.85,43.15,77.0,43.3", "status=resolved&datetime=2025-06-01T00:00:00Z/.."]
    {
        let want = api_pins(&server, query).await;
        assert!(want.len() > 20, "{query}: pick a case with pins");
        for format in FORMATS {
            let r = server.get(&format!("/api/v1/exports/pins.{format}?{query}")).await;
            assert_eq!(r.status(), 200, "{format}");
            let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
            assert!(
                disposition.starts_with("attachment; filename=\"qala-pins-")
                    && disposition.ends_with(&format!(".{format}\""))
            );
            let bytes = r.bytes().await.unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(SECRET), "{format} leaks a contact");
            let path = dir.join(format!("pins-{}.{format}", want.len()));
            std::fs::write(&path, &bytes).unwrap();
            same_pins(&read_with_gdal(&path), &want, &format!("{format} {query}"));
        }
    }
    // A GeoPackage export holds one table of public fields, nothing else.
    let path = dir.join("check.gpkg");
    std::fs::write(&path, server.get("/api/v1/exports/pins.gpkg").await.bytes().await.unwrap()).unwrap();
    let listing = gdal("ogrinfo", &["-ro", "-so", path.to_str().unwrap(), "pins"]);
    for field in
        ["category: String", "status: String", "description: String", "created_at: DateTime", "updated_at: DateTime"]
    {
        assert!(listing.contains(field), "{field}: {listing}");
    }
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", path.display())).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(tables, ["gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys", "pins"]);
    pool.close().await;
    // FlatGeobuf carries its CRS.
    let path = dir.join("check.fgb");
    std::fs::write(&path, server.get("/api/v1/exports/pins.fgb").await.bytes().await.unwrap()).unwrap();
    assert!(gdal("ogrinfo", &["-ro", "-so", path.to_str().unwrap(), "pins"]).contains("ID[\"EPSG\",4326]"));
}

/// Areas export in every format: the current districts by default, a version of the centre on request.
async fn areas_export(kind: StoreKind) {
    let (store, server) = setup(kind).await;
    let dir = store.gpkg_path.parent().unwrap().join("area-exports");
    std::fs::create_dir_all(&dir).unwrap();
    for format in FORMATS {
        let r = server.get(&format!("/api/v1/exports/areas.{format}?kind=district")).await;
        assert_eq!(r.status(), 200, "{format}");
        let path = dir.join(format!("districts.{format}"));
        std::fs::write(&path, r.bytes().await.unwrap()).unwrap();
        if format == "csv" {
            // A CSV declares no geometry type; GDAL reads the WKT column's polygons.
            let info = gdal("ogrinfo", &["-ro", "-al", "-oo", "GEOM_POSSIBLE_NAMES=wkt", path.to_str().unwrap()]);
            assert_eq!(
                info.matches("\n  MULTIPOLYGON (((").count() + info.matches("\n  POLYGON ((").count(),
                8,
                "{info}"
            );
            continue;
        }
        let info = gdal("ogrinfo", &["-ro", "-so", "-al", path.to_str().unwrap()]);
        assert!(info.contains("Feature Count: 8"), "{format}: {info}");
        assert!(info.contains("Multi Polygon"), "{format}: {info}");
    }
    let (_, centre) = server.get_json("/api/v1/exports/areas.geojson?kind=historic_centre&version=1").await;
    assert_eq!(centre["features"].as_array().unwrap().len(), 1);
}

/// The same filters as the listing (`within`, a CQL2 `filter`), and bad ones answered 400/404 by name.
async fn filters_and_bad_input(kind: StoreKind) {
    let (_store, server) = setup(kind).await;
    let (_, districts) = server.get_json("/api/v1/areas?kind=district&current=true").await;
    let medeu = districts["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["name_en"] == "Medeu District")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let want = api_pins(&server, &format!("within={medeu}&category=wheelchair")).await;
    let got: Value = server
        .get(&format!("/api/v1/exports/pins.geojson?within={medeu}&category=wheelchair"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["features"].as_array().unwrap().len(), want.len());
    let filter: String =
        form_urlencoded::byte_serialize(b"description LIKE '%stairs%' AND category = 'pram'").collect();
    let got: Value = server.get(&format!("/api/v1/exports/pins.geojson?filter={filter}")).await.json().await.unwrap();
    let features = got["features"].as_array().unwrap();
    assert!(!features.is_empty());
    assert!(features.iter().all(|f| f["properties"]["category"] == "pram"
        && f["properties"]["description"].as_str().unwrap().contains("stairs")));
    for (path, status) in [
        ("/api/v1/exports/pins.shp", 404),
        ("/api/v1/exports/people.csv", 404),
        ("/api/v1/exports/pins", 404),
        ("/api/v1/exports/pins.csv?bbox=1,2", 400),
        ("/api/v1/exports/pins.csv?within=999999", 404),
        ("/api/v1/exports/pins.csv?filter=category%20%3D", 400),
        ("/api/v1/exports/pins.csv?datetime=soon", 400),
        ("/api/v1/exports/pins.csv?contact=x", 400),
        ("/api/v1/exports/areas.csv?version=2", 400),
        ("/api/v1/exports/areas.csv?kind=park", 400),
    ] {
        let r = server.get(path).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
    }
}

on_both_stores!(every_format_reads_back_in_gdal, areas_export, filters_and_bad_input);

/// Text formats are streamed: no Content-Length, several chunks, and a body that parses whole.
#[tokio::test]
async fn text_exports_are_streamed() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    assert!(qala_cli(&store, &["seed", "--count", "20000", "--seed", "5"]).await.status.success());
    let server = Server::start(&store).await;
    for format in ["geojson", "geojsonseq", "csv"] {
        let mut r = server.get(&format!("/api/v1/exports/pins.{format}")).await;
        assert!(r.headers().get("content-length").is_none(), "{format} has a length: not streamed");
        let mut chunks = 0;
        let mut body = Vec::new();
        while let Some(chunk) = r.chunk().await.unwrap() {
            chunks += 1;
            body.extend_from_slice(&chunk);
        }
        assert!(chunks > 3, "{format}: {chunks} chunks");
        let text = String::from_utf8(body).unwrap();
        let n = match format {
            "geojson" => serde_json::from_str::<Value>(&text).unwrap()["features"].as_array().unwrap().len(),
            "geojsonseq" => {
                text.split('\u{1e}').filter(|r| !r.is_empty() && serde_json::from_str::<Value>(r).is_ok()).count()
            }
            _ => text.lines().count() - 1,
        };
        assert_eq!(n, 20_000, "{format}");
    }
}

/// `qala export` writes the same files from the command line.
#[tokio::test]
async fn the_cli_writes_what_the_api_serves() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    assert!(qala_cli(&store, &["seed", "--count", "1500", "--seed", "9"]).await.status.success());
    let dir = store.gpkg_path.parent().unwrap().join("cli-exports");
    std::fs::create_dir_all(&dir).unwrap();
    let server = Server::start(&store).await;
    let want = api_pins(&server, "category=bicycle&bbox=76.8,43.1,77.1,43.35").await;
    for format in FORMATS {
        let out = dir.join(format!("bicycles.{format}"));
        let args = [
            "export",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            "--category",
            "bicycle",
            "--bbox",
            "76.8,43.1,77.1,43.35",
        ];
        let run = qala_cli(&store, &args).await;
        assert!(run.status.success(), "{format}: {}", String::from_utf8_lossy(&run.stderr));
        assert!(String::from_utf8_lossy(&run.stdout).contains(&format!("exported {} pins", want.len())));
        same_pins(&read_with_gdal(&out), &want, &format!("cli {format}"));
    }
    let out = dir.join("districts.gpkg");
    let run = qala_cli(
        &store,
        &["export", "--what", "areas", "--kind", "district", "--format", "gpkg", "--out", out.to_str().unwrap()],
    )
    .await;
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(gdal("ogrinfo", &["-ro", "-so", out.to_str().unwrap(), "areas"]).contains("Feature Count: 8"));
    let bad = qala_cli(&store, &["export", "--format", "shp", "--out", "x.shp"]).await;
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("--format"));
    let bad = qala_cli(&store, &["export", "--format", "csv", "--out", "x.csv", "--bbox", "1,2"]).await;
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("bbox"));
}

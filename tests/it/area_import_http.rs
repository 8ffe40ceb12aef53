//! Areas over HTTP as a planner uses them: `POST /api/v1/areas/imports` in each format a GIS hands over
//! (GeoJSON, a zipped Shapefile, a GeoPackage, all made by GDAL), never current until
//! `POST /api/v1/areas/{id}/activate`; bad and oversize uploads refused whole, leaving nothing behind; every
//! import and activation in the audit log. Who may do it is in `staff_access.rs`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::staff::{activate_area, add_staff, bearer, get_with, outline_geojson, upload_areas};
use crate::support::{Server, StoreKind, TestStore, current_area_ids, gdal};

fn workdir(store: &TestStore) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("upload").join(&store.name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The Shapefile `stem` in `dir` (every part GDAL wrote), zipped into one archive under a folder, as a
/// desktop GIS exports it.
fn zip_shapefile(dir: &Path, stem: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_stem().is_some_and(|s| s == stem) {
            let name = format!("export/{}", path.file_name().unwrap().to_string_lossy());
            zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
        }
    }
    zip.finish().unwrap().into_inner()
}

/// The answer to an upload that declares `length` bytes, sending the request head only.
async fn declared_upload(server: &Server, token: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = server.url("").trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /api/v1/areas/imports HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), tcp.read_to_end(&mut answer)).await.unwrap().unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// (what, file name, bytes, text parts, what the problem must mention).
type Case<'a> = (&'a str, &'a str, Vec<u8>, Vec<(&'a str, &'a str)>, &'a [&'a str]);

async fn versions(store: &TestStore) -> i64 {
    store.scalar("SELECT count(*) FROM area_versions").await
}

async fn audit(server: &Server, admin: &str, action: &str) -> Vec<Value> {
    let (status, body) = get_with(server, &format!("/api/v1/audit?action={action}"), bearer(Some(admin))).await;
    assert_eq!(status, 200, "{body}");
    body["entries"].as_array().unwrap().clone()
}

async fn uploads_in_every_format_become_versions_current_only_when_activated(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let planner = add_staff(&store, "aigerim", "planner").await;
    let admin = add_staff(&store, "admin", "admin").await;
    let dir = workdir(&store);
    let shipped_centre = current_area_ids(&server, "historic_centre").await;
    let shipped_districts = current_area_ids(&server, "district").await;

    // A historic-centre draft as GeoJSON.
    let parts = [("kind", "historic_centre"), ("label", "Draft 2026-12")];
    let (status, body) =
        upload_areas(&server, Some(&planner), "centre-draft.geojson", outline_geojson("Golden Square"), &parts).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["version"]["current"], false, "an upload is never current at once: {body}");
    assert_eq!(body["version"]["label"], "Draft 2026-12");
    assert_eq!(body["version"]["source_file"], "centre-draft.geojson");
    let draft = &body["features"][0];
    assert_eq!(draft["properties"]["current"], false);
    assert_eq!(draft["geometry"]["type"], "MultiPolygon");
    let draft_id = draft["id"].as_i64().unwrap();
    // The running service knows it at once, and nothing current moved.
    assert_eq!(server.get_json(&format!("/api/v1/areas/{draft_id}")).await.0, 200);
    assert_eq!(current_area_ids(&server, "historic_centre").await, shipped_centre);

    // The districts as a zipped Shapefile in Web Mercator, and as a GeoPackage in UTM: GDAL's own files.
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/data/almaty_districts.geojson");
    let shp = dir.join("districts.shp");
    gdal(
        "ogr2ogr",
        &["-f", "ESRI Shapefile", "-t_srs", "EPSG:3857", "-lco", "ENCODING=UTF-8", shp.to_str().unwrap(), src],
    );
    let gpkg = dir.join("districts.gpkg");
    gdal("ogr2ogr", &["-f", "GPKG", "-t_srs", "EPSG:32643", gpkg.to_str().unwrap(), src]);
    let (_, shipped) = server.get_json("/api/v1/areas?kind=district&current=true").await;
    for (name, bytes) in
        [("districts.zip", zip_shapefile(&dir, "districts")), ("districts.gpkg", std::fs::read(&gpkg).unwrap())]
    {
        let parts = [("kind", "district"), ("label", name), ("name_field", "name_en")];
        let (status, body) = upload_areas(&server, Some(&planner), name, bytes, &parts).await;
        assert_eq!(status, 201, "{name}: {body}");
        assert_eq!(body["version"]["current"], false, "{name}: districts too wait for activation");
        let features = body["features"].as_array().unwrap();
        assert_eq!(features.len(), 8, "{name}");
        for f in features {
            let same = shipped["features"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["properties"]["name_en"] == f["properties"]["name_en"])
                .unwrap();
            let (a, b) =
                (same["properties"]["area_km2"].as_f64().unwrap(), f["properties"]["area_km2"].as_f64().unwrap());
            assert!((a - b).abs() / a < 1e-6, "{name}: {a} km² shipped, {b} km² uploaded");
        }
    }
    assert_eq!(current_area_ids(&server, "district").await, shipped_districts);

    // Activation by any area of the version.
    let (status, body) = activate_area(&server, Some(&planner), draft_id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"]["current"], true);
    assert_eq!(current_area_ids(&server, "historic_centre").await, vec![draft_id]);
    assert_eq!(activate_area(&server, Some(&planner), 999_999).await.0, 404);

    let imports = audit(&server, &admin, "area.import&actor=aigerim").await;
    assert_eq!(imports.len(), 3, "one entry per upload: {imports:?}");
    assert!(imports.iter().all(|e| e["actor"] == "aigerim" && e["role"] == "planner" && e["request_id"].is_string()));
    let activations = audit(&server, &admin, "area.activate").await;
    assert_eq!(activations.len(), 1, "{activations:?}");
    let version = draft["properties"]["version_id"].as_i64().unwrap();
    assert_eq!(activations[0]["target"], format!("area_version:{version}"));
    assert_eq!(activations[0]["after"]["current"], true);
}

async fn bad_and_oversize_uploads_are_refused_whole_and_write_nothing(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let planner = add_staff(&store, "planner", "planner").await;
    let dir = workdir(&store);
    let (_, listed) = server.get_json("/api/v1/areas").await;
    let audit_before = store.scalar("SELECT count(*) FROM audit_log").await;
    let before = versions(&store).await;

    let bow_tie = serde_json::json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Good one"}, "geometry": {"type": "Polygon", "coordinates": [[[76.93, 43.25], [76.96, 43.25], [76.96, 43.27], [76.93, 43.27], [76.93, 43.25]]]}},
        {"type": "Feature", "properties": {"name": "Bow tie"}, "geometry": {"type": "Polygon", "coordinates": [[[76.93, 43.25], [76.96, 43.27], [76.96, 43.25], [76.93, 43.27], [76.93, 43.25]]]}}]});
    let shp = dir.join("lonely.shp");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/data/historic_centre_illustrative.geojson");
    gdal("ogr2ogr", &["-f", "ESRI Shapefile", shp.to_str().unwrap(), src]);
    let mut no_shp = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    no_shp.start_file("lonely.dbf", zip::write::SimpleFileOptions::default()).unwrap();
    no_shp.write_all(&std::fs::read(dir.join("lonely.dbf")).unwrap()).unwrap();
    let no_shp = no_shp.finish().unwrap().into_inner();
    let good = [("kind", "historic_centre"), ("label", "A draft")];
    let cases: Vec<Case> = vec![
        (
            "self-intersecting",
            "bad.geojson",
            bow_tie.to_string().into_bytes(),
            good.to_vec(),
            &["feature 2 of 2", "Bow tie", "nothing was imported"],
        ),
        ("not GeoJSON", "bad.geojson", b"{ not json".to_vec(), good.to_vec(), &["nothing was imported"]),
        ("a lone .shp", "lonely.shp", std::fs::read(&shp).unwrap(), good.to_vec(), &[".shx, .dbf and .prj"]),
        ("a zip without a .shp", "parts.zip", no_shp, good.to_vec(), &["no .shp"]),
        ("not a zip", "fake.zip", b"PK but not".to_vec(), good.to_vec(), &["not a readable zip"]),
        (
            "an unknown CRS",
            "ok.geojson",
            outline_geojson("x"),
            vec![("kind", "district"), ("label", "x"), ("crs", "EPSG:999999")],
            &["EPSG:999999"],
        ),
        ("no kind or label", "ok.geojson", outline_geojson("x"), vec![], &["kind", "label"]),
        (
            "an unknown kind",
            "ok.geojson",
            outline_geojson("x"),
            vec![("kind", "park"), ("label", "x")],
            &["district or historic_centre"],
        ),
        (
            "an unknown part",
            "ok.geojson",
            outline_geojson("x"),
            vec![("kind", "district"), ("label", "x"), ("activate", "true")],
            &["activate"],
        ),
        ("an empty file", "ok.geojson", Vec::new(), good.to_vec(), &["is empty"]),
        ("an unknown format", "notes.txt", b"hello".to_vec(), good.to_vec(), &[".geojson"]),
    ];
    for (what, name, bytes, parts, mentions) in cases {
        let (status, body) = upload_areas(&server, Some(&planner), name, bytes, &parts).await;
        assert_eq!(status, 422, "{what}: {body}");
        assert_eq!(body["type"], "/problems/validation", "{what}: {body}");
        let detail = body["detail"].as_str().unwrap();
        for m in mentions {
            assert!(detail.contains(m), "{what}: the problem mentions {m:?}: {detail}");
        }
        assert!(!detail.contains("/tmp"), "{what}: no server path leaks: {detail}");
    }

    // A JSON body is not an upload.
    let r = server
        .client
        .post(server.url("/api/v1/areas/imports"))
        .headers(bearer(Some(&planner)))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);

    // Beyond 20 MB: refused by its declared length before a byte of the body is read (the body is never
    // sent here), and, just over but within the framing allowance, by the bytes counted as the file streams in.
    let head = declared_upload(&server, &planner, 21 * 1024 * 1024).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.contains("payload-too-large"), "{head}");
    let mut big = outline_geojson("Huge");
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let (status, body) = upload_areas(&server, Some(&planner), "huge.geojson", big, &good).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["type"], "/problems/payload-too-large");
    // Exactly 20 MB is accepted (trailing spaces are valid JSON).
    let mut limit = outline_geojson("At the limit");
    limit.resize(20 * 1024 * 1024, b' ');
    let (status, body) = upload_areas(&server, Some(&planner), "limit.geojson", limit, &good).await;
    assert_eq!(status, 201, "{body}");

    assert_eq!(versions(&store).await, before + 1, "only the upload at the limit was written");
    assert_eq!(store.scalar("SELECT count(*) FROM audit_log").await, audit_before + 1);
    let (_, after) = server.get_json("/api/v1/areas").await;
    assert_eq!(after["features"].as_array().unwrap().len(), listed["features"].as_array().unwrap().len() + 1);
}

/// A generated corpus of malformed multipart uploads (fixed seed): bodies cut short, wrong or missing
/// boundaries, parts repeated, unknown or without names, files that are noise or half a GeoJSON, a zip or a
/// GeoPackage. Each is a 4xx problem; nothing is written; the server stays up.
async fn malformed_multipart_uploads_are_problems(kind: StoreKind) {
    use rand::{Rng, SeedableRng};
    let store = TestStore::new(kind).await;
    let admin = add_staff(&store, "dana", "admin").await;
    let server = Server::start(&store).await;
    let before = versions(&store).await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
    let outline = outline_geojson("Corpus");
    let files: [&[u8]; 5] = [&outline, b"PK\x03\x04garbage", b"SQLite format 3\0not really", b"{\"type\":\"Feat", b""];
    for case in 0..300 {
        let boundary = ["b0undary", "", "x", &"y".repeat(80)][rng.random_range(0..4)].to_owned();
        let mut body = Vec::new();
        for _ in 0..rng.random_range(0..5) {
            let name = ["file", "kind", "label", "zzz", ""][rng.random_range(0..5)];
            body.extend(format!("--{boundary}\r\n").as_bytes());
            match rng.random_range(0..3) {
                0 => body.extend(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"a.geojson\"\r\n\r\n")
                        .as_bytes(),
                ),
                1 => body.extend(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
                _ => body.extend(b"Content-Type: text/plain\r\n\r\n"),
            }
            match (name, rng.random_range(0..3)) {
                ("kind", 0) => body.extend(b"district"),
                ("kind", _) => body.extend(b"historic_centre\xff"),
                ("label", _) => body.extend("\u{202E}label".as_bytes()),
                _ => {
                    let file = files[rng.random_range(0..files.len())];
                    let cut = rng.random_range(0..=file.len());
                    body.extend(&file[..cut]);
                    (0..rng.random_range(0..64)).for_each(|_| body.push(rng.random()));
                }
            }
            body.extend(b"\r\n");
        }
        if rng.random_bool(0.5) {
            body.extend(format!("--{boundary}--\r\n").as_bytes());
        }
        let declared = if rng.random_bool(0.8) { boundary.clone() } else { "other".into() };
        let r = server
            .client
            .post(server.url("/api/v1/areas/imports"))
            .headers(bearer(Some(&admin)))
            .header("content-type", format!("multipart/form-data; boundary={declared}"))
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert!((400..500).contains(&status), "case {case}: {status}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "case {case}");
    }
    assert_eq!(versions(&store).await, before, "nothing was written");
    let (status, _) = server.get_json("/readyz").await;
    assert_eq!(status, 200);
    assert!(!server.log().contains("panicked"), "no panic in the log");
}

on_both_stores!(
    uploads_in_every_format_become_versions_current_only_when_activated,
    bad_and_oversize_uploads_are_refused_whole_and_write_nothing,
    malformed_multipart_uploads_are_problems
);

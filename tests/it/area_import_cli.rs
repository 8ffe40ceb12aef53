//! `qala areas import|activate` as a planner uses them, against a running server on real PostGIS: versions,
//! activation seen by the running service, comparison of two drafts, re-imported districts in other CRSs and
//! as a Shapefile, and all-or-nothing rejection of bad files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::{
    Server, StoreKind, TestStore, all_pins, current_area_ids, eventually, gdal, postgis_pins_in, qala_cli, report,
};

fn workdir(store: &TestStore) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("import").join(&store.name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn outline(name: &str, ring: &[(f64, f64)]) -> Value {
    let coords: Vec<Value> = ring.iter().map(|p| json!([p.0, p.1])).collect();
    json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [coords]}}]})
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

async fn versions(store: &TestStore) -> i64 {
    store.scalar("SELECT count(*) FROM area_versions").await
}

/// The id of the first area an import printed (`  area   12  …`).
fn imported_area_id(stdout: &str) -> i64 {
    stdout
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("area ").and_then(|r| r.split_whitespace().next()?.parse().ok()))
        .unwrap_or_else(|| panic!("no area id in {stdout}"))
}

async fn two_historic_centre_drafts_are_imported_activated_and_compared(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let dir = workdir(&store);
    let shipped = current_area_ids(&server, "historic_centre").await;
    assert_eq!(shipped.len(), 1);

    // Pins on both sides of where the boundary moves.
    let places = [(76.950, 43.260), (76.970, 43.262), (76.936, 43.262), (76.940, 43.252)];
    for (n, (lon, lat)) in places.into_iter().chain(places.map(|(lon, lat)| (lon + 0.001, lat))).enumerate() {
        let category = if n % 2 == 0 { "pram" } else { "wheelchair" };
        assert_eq!(server.post_pin(&report(lon, lat, category, "compare")).await.status(), 201);
    }
    let wider = [(76.930, 43.248), (76.975, 43.248), (76.975, 43.275), (76.930, 43.275), (76.930, 43.248)];
    let file = write(&dir, "draft-2026-11.geojson", &outline("Draft November", &wider));
    let out =
        qala_cli(&store, &["areas", "import", &file, "--kind", "historic_centre", "--label", "Draft 2026-11"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("version 2") && stdout.contains("not current"), "{stdout}");

    let new_id = imported_area_id(&stdout);
    eventually("the running service lists the new draft", || async {
        server.get_json("/api/v1/areas?kind=historic_centre").await.1["features"].as_array().unwrap().len() == 2
    })
    .await;
    assert_eq!(current_area_ids(&server, "historic_centre").await, shipped, "importing a draft does not activate it");

    let out = qala_cli(&store, &["areas", "activate", &new_id.to_string()]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eventually("the running service sees the activation", || async {
        current_area_ids(&server, "historic_centre").await == vec![new_id]
    })
    .await;
    let (_, v) = server.get_json(&format!("/api/v1/areas/{new_id}")).await;
    assert_eq!((v["properties"]["version"].as_i64(), v["properties"]["current"].as_bool()), (Some(2), Some(true)));
    assert_eq!(v["properties"]["source_file"], "draft-2026-11.geojson");
    assert_eq!(v["properties"]["label"], "Draft 2026-11");

    let old = shipped[0];
    let (status, cmp) = server.get_json(&format!("/api/v1/areas/compare?a={old}&b={new_id}")).await;
    assert_eq!(status, 200);
    let pins = all_pins(&server).await;
    let geometry = |id: i64| {
        let server = &server;
        async move { server.get_json(&format!("/api/v1/areas/{id}")).await.1["geometry"].clone() }
    };
    let a: BTreeSet<i64> = postgis_pins_in(&store, &pins, &geometry(old).await).await;
    let b: BTreeSet<i64> = postgis_pins_in(&store, &pins, &geometry(new_id).await).await;
    let group =
        |key: &str| -> Vec<i64> { cmp[key]["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect() };
    assert_eq!(group("only_a"), a.difference(&b).copied().collect::<Vec<_>>());
    assert_eq!(group("only_b"), b.difference(&a).copied().collect::<Vec<_>>());
    assert_eq!(group("both"), a.intersection(&b).copied().collect::<Vec<_>>());
    assert_eq!(cmp["only_b"]["count"], group("only_b").len());
    assert!(!group("only_b").is_empty() && !group("both").is_empty(), "{cmp}");

    // Each group pages: `limit` ids at a time, its `next` link answering that group alone from the cursor.
    let both = group("both");
    assert!(both.len() > 3, "{cmp}");
    let mut paged = Vec::new();
    let mut path = format!("/api/v1/areas/compare?a={old}&b={new_id}&limit=3");
    let mut pages = 0;
    loop {
        let (status, page) = server.get_json(&path).await;
        assert_eq!(status, 200, "{path}: {page}");
        assert_eq!(page["both"]["count"], both.len(), "{page}");
        if pages > 0 {
            assert!(page.get("only_a").is_none() && page.get("only_b").is_none(), "{page}");
        }
        paged.extend(page["both"]["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()));
        pages += 1;
        let Some(next) = page["both"]["next"].as_str() else { break };
        assert!(next.contains("group=both"), "{next}");
        path = next[next.find("/api/").unwrap()..].to_owned();
    }
    assert_eq!(paged, both);
    assert_eq!(pages, both.len().div_ceil(3));
    let (status, bad) = server.get_json(&format!("/api/v1/areas/compare?a={old}&b={new_id}&group=all")).await;
    assert_eq!((status, bad["errors"][0]["parameter"].as_str()), (400, Some("group")), "{bad}");

    // Under a filter, the same comparison of only the matching pins.
    let (status, filtered) =
        server.get_json(&format!("/api/v1/areas/compare?a={old}&b={new_id}&category=wheelchair&status=new")).await;
    assert_eq!(status, 200, "{filtered}");
    assert_eq!(filtered["filter"]["category"], serde_json::json!(["wheelchair"]));
    let (_, listed) = server.get_json("/api/v1/pins?category=wheelchair&limit=1000").await;
    let wheelchair: BTreeSet<i64> =
        listed["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    let ids = |key: &str| -> Vec<i64> {
        filtered[key]["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect()
    };
    let (a, b): (BTreeSet<i64>, BTreeSet<i64>) =
        (a.intersection(&wheelchair).copied().collect(), b.intersection(&wheelchair).copied().collect());
    assert_eq!(ids("only_b"), b.difference(&a).copied().collect::<Vec<_>>());
    assert_eq!(ids("both"), a.intersection(&b).copied().collect::<Vec<_>>());
    assert_eq!(ids("only_a"), a.difference(&b).copied().collect::<Vec<_>>());
    assert!(!ids("only_b").is_empty() && !ids("both").is_empty(), "{filtered}");
    assert!(ids("both").len() < group("both").len(), "the filter leaves pins out");
    let (status, bad) = server.get_json(&format!("/api/v1/areas/compare?a={old}&b={new_id}&category=tram")).await;
    assert_eq!((status, bad["errors"][0]["parameter"].as_str()), (400, Some("category")), "{bad}");
}

async fn districts_reimported_in_other_crss_and_as_shapefile_become_new_versions(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let dir = workdir(&store);
    let original = server.get_json("/api/v1/areas?kind=district").await.1;
    let km2 = |list: &Value| -> Vec<(String, f64)> {
        let mut v: Vec<(String, f64)> = list["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (f["properties"]["name_en"].as_str().unwrap().to_owned(), f["properties"]["area_km2"].as_f64().unwrap())
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/data/almaty_districts.geojson");
    let utm = dir.join("districts-32643.geojson");
    let shp = dir.join("districts.shp");
    gdal("ogr2ogr", &["-f", "GeoJSON", "-t_srs", "EPSG:32643", utm.to_str().unwrap(), src]);
    gdal(
        "ogr2ogr",
        &["-f", "ESRI Shapefile", "-t_srs", "EPSG:3857", "-lco", "ENCODING=UTF-8", shp.to_str().unwrap(), src],
    );
    for (n, file) in [utm, shp].iter().enumerate() {
        let out = qala_cli(&store, &["areas", "import", file.to_str().unwrap(), "--kind", "district"]).await;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let expected_version = n as i64 + 2;
        eventually("the new district version is current", || async {
            let (_, list) = server.get_json("/api/v1/areas?kind=district&current=true").await;
            list["features"].as_array().unwrap().iter().all(|f| f["properties"]["version"] == expected_version)
        })
        .await;
        let (_, list) = server.get_json("/api/v1/areas?kind=district&current=true").await;
        assert_eq!(list["features"].as_array().unwrap().len(), 8);
        for ((name, a), (_, b)) in km2(&original).iter().zip(km2(&list)) {
            assert!((a - b).abs() / a < 1e-6, "{name}: {a} km² then {b} km² after a round trip through {file:?}");
        }
    }
    let (_, all) = server.get_json("/api/v1/areas?kind=district").await;
    assert_eq!(all["features"].as_array().unwrap().len(), 24, "old versions are kept");
}

async fn bad_files_are_rejected_whole_naming_the_feature_and_write_nothing(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let _server = Server::start(&store).await;
    let dir = workdir(&store);
    let good = [(76.93, 43.25), (76.96, 43.25), (76.96, 43.27), (76.93, 43.27), (76.93, 43.25)];
    let bow_tie = [(76.93, 43.25), (76.96, 43.27), (76.96, 43.25), (76.93, 43.27), (76.93, 43.25)];
    let two = |second: Value| {
        let mut fc = outline("Good one", &good);
        fc["features"].as_array_mut().unwrap().push(second);
        fc
    };
    let feature =
        |name: &str, geometry: Value| json!({"type": "Feature", "properties": {"name": name}, "geometry": geometry});
    let cases: Vec<(&str, Value, Vec<&str>, &str)> = vec![
        ("self-intersecting", two(outline("Bow tie", &bow_tie)["features"][0].clone()), vec![], "Bow tie"),
        ("point", two(feature("A point", json!({"type": "Point", "coordinates": [76.95, 43.26]}))), vec![], "A point"),
        ("empty", two(feature("Nothing", json!({"type": "Polygon", "coordinates": []}))), vec![], "Nothing"),
        (
            "unclosed",
            two(feature(
                "Open ring",
                json!({"type": "Polygon", "coordinates": [[[76.93, 43.25], [76.96, 43.25], [76.96, 43.27]]]}),
            )),
            vec![],
            "Open ring",
        ),
        (
            "projected coordinates read as degrees",
            two(feature(
                "Metres",
                json!({"type": "Polygon", "coordinates": [[[657987.0, 4789082.0], [658987.0, 4789082.0], [658987.0, 4790082.0], [657987.0, 4789082.0]]]}),
            )),
            vec![],
            "Metres",
        ),
        ("missing name field", outline("Has a name", &good), vec!["--name-field", "official_name"], "official_name"),
        ("unknown CRS", outline("Good one", &good), vec!["--crs", "EPSG:999999"], "EPSG:999999"),
    ];
    for (name, content, extra, must_mention) in cases {
        let file = write(&dir, &format!("{}.geojson", name.replace(' ', "_")), &content);
        let mut args = vec!["areas", "import", file.as_str(), "--kind", "historic_centre"];
        args.extend(extra);
        let before = versions(&store).await;
        let out = qala_cli(&store, &args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: accepted");
        assert!(stderr.contains(must_mention), "{name}: the error names {must_mention:?}: {stderr}");
        if !["missing name field", "unknown CRS"].contains(&name) {
            assert!(stderr.contains("feature 2 of 2"), "{name}: the error names the feature by index: {stderr}");
        }
        assert!(stderr.contains("nothing was imported"), "{name}: {stderr}");
        assert_eq!(versions(&store).await, before, "{name}: nothing written");
    }
    let out = qala_cli(&store, &["areas", "import", "/nonexistent/file.geojson", "--kind", "district"]).await;
    assert!(!out.status.success());
    let out = qala_cli(&store, &["areas", "activate", "99999"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("99999"));
}

on_both_stores!(
    two_historic_centre_drafts_are_imported_activated_and_compared,
    districts_reimported_in_other_crss_and_as_shapefile_become_new_versions,
    bad_files_are_rejected_whole_naming_the_feature_and_write_nothing
);

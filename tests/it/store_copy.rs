//! `qala store copy` round-trips embedded → PostGIS → embedded with identical content: pins (ids, times,
//! statuses, text, duplicates pointing either way), private contacts, every area version and which is current.

use serde_json::{Value, json};

use crate::support::staff::{add_staff, update};
use crate::support::{QalaProcess, REPUBLIC_SQUARE, StoreKind, TestDb, TestStore, eventually, qala_cli, report};

/// Everything a store shows through the API, plus its contacts.
async fn snapshot(server: &QalaProcess) -> (Value, Value) {
    let (_, pins) = server.get_json("/api/v1/pins?limit=10000").await;
    let (_, areas) = server.get_json("/api/v1/areas").await;
    (pins["features"].clone(), areas["features"].clone())
}

async fn run(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_qala"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn embedded_to_postgis_to_embedded_keeps_everything() {
    let source = TestStore::new(StoreKind::Gpkg).await;
    // More pins than one batch of the copy (2,000), so that a duplicate can point into a later batch.
    let seeded = qala_cli(&source, &["seed", "--count", "2000"]).await;
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    // The binary: it is stopped with SIGTERM (and must exit) before `qala store copy` reads its store.
    let mut server = QalaProcess::start(&source).await;
    for i in 0..300 {
        let mut body = report(
            REPUBLIC_SQUARE.0 + f64::from(i % 30) * 1e-3,
            REPUBLIC_SQUARE.1 + f64::from(i / 30) * 1e-3,
            "pram",
            &format!("ә {i}"),
        );
        if i % 3 == 0 {
            body["properties"]["contact"] = json!(format!("citizen{i}@example.kz"));
        }
        assert_eq!(server.post_pin(&body).await.status(), 201);
    }
    let draft = source.gpkg_path.with_file_name("draft.geojson");
    std::fs::write(&draft, json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Draft"},
        "geometry": {"type": "Polygon", "coordinates": [[[76.93, 43.25], [76.97, 43.25], [76.97, 43.27], [76.93, 43.27], [76.93, 43.25]]]}}]}).to_string()).unwrap();
    let out =
        qala_cli(&source, &["areas", "import", draft.to_str().unwrap(), "--kind", "historic_centre", "--activate"])
            .await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eventually("the draft is current", || async {
        server.get_json("/api/v1/areas?kind=historic_centre&current=true").await.1["features"][0]["properties"]["version"] == 2
    })
    .await;
    // A seeded pin repeats pin 2100, which the copy reads in its second batch; pin 2200 repeats a seeded one.
    let planner = add_staff(&source, "planner", "planner").await;
    let (_, new) = server.get_json("/api/v1/pins?status=new&limit=2").await;
    let first_new = |i: usize| new["features"][i]["id"].as_i64().unwrap();
    let (ahead, behind) = (first_new(0), first_new(1));
    for (copy, original) in [(ahead, 2100), (2200, behind)] {
        let (status, body) =
            update(&server, &planner, copy, &json!({ "status": "duplicate", "duplicate_of": original })).await;
        assert_eq!(status, 201, "{body}");
    }
    let before = snapshot(&server).await;
    let by_id = |id: i64| before.0.as_array().unwrap().iter().find(|f| f["id"] == id).unwrap().clone();
    assert_eq!(by_id(ahead)["properties"]["duplicate_of"], 2100);
    server.terminate().await;

    let pg = TestDb::create().await;
    let back = source.gpkg_path.with_file_name("back.gpkg");
    let out = run(&["store", "copy", "--from", source.gpkg_path.to_str().unwrap(), "--to", &pg.url]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("copied 2300 pins, 3 area versions and 10 areas"));
    let out = run(&["store", "copy", "--from", &pg.url, "--to", back.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Copying into a store that holds data is refused.
    let out = run(&["store", "copy", "--from", &pg.url, "--to", back.to_str().unwrap()]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds"));

    // The same content through the API of a server on each copy, and the same private contacts.
    let contacts_sql = "SELECT contact FROM pin_contacts ORDER BY pin_id";
    let on_pg = TestStore::from_postgis(pg);
    let on_back = TestStore::from_gpkg(back);
    let mut expected_contacts = None;
    for copy in [&on_pg, &on_back] {
        let mut server = QalaProcess::start(copy).await;
        let after = snapshot(&server).await;
        assert_eq!(after.0, before.0, "pins identical on {}", copy.name);
        assert_eq!(after.1, before.1, "areas identical on {}", copy.name);
        // New pins continue after the copied ids.
        let r = server.post_pin(&report(REPUBLIC_SQUARE.0, REPUBLIC_SQUARE.1, "other", "after the copy")).await;
        assert_eq!(r.status(), 201);
        assert_eq!(r.json::<Value>().await.unwrap()["id"], 2301);
        server.terminate().await;
        let contacts = copy.strings(contacts_sql, contacts_sql).await;
        assert!(contacts.len() > 100, "the 100 posted contacts and the seeded ones");
        assert_eq!(expected_contacts.get_or_insert_with(|| contacts.clone()), &contacts);
    }
    assert_eq!(source.strings(contacts_sql, contacts_sql).await, expected_contacts.unwrap());
}

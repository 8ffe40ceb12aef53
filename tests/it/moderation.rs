//! Moderation over HTTP against the real service: with `--moderation pre` a report waits, pending, until a
//! moderator approves it; a hidden or pending pin is absent from every public surface (a test that walks
//! them all and finds each exactly as it was before those pins existed); staff list them on asking; the
//! actions follow their table with `If-Match`; a redaction's original is kept for admins only.

use serde_json::{Value, json};

use crate::support::staff::{
    add_staff, bearer, get_with, moderate, new_pin, post_moderation, staff_etag, upload_areas,
};
use crate::support::{REPUBLIC_SQUARE, ServeOptions, Server, StoreKind, TestStore, current_area_ids, gdal, qala_cli};

/// Every public surface that shows pins or counts them, as (what, how to fetch it).
fn surfaces(district: i64, centre: i64, draft: i64) -> Vec<(String, Surface)> {
    let (lon, lat) = REPUBLIC_SQUARE;
    let search = json!({"type": "Polygon", "coordinates": [[[76.90, 43.20], [77.00, 43.20], [77.00, 43.30], [76.90, 43.30], [76.90, 43.20]]]});
    let mut list: Vec<(String, Surface)> = [
        "/api/v1/pins?limit=10000".to_owned(),
        "/api/v1/pins?bbox=76.90,43.20,77.00,43.30&limit=10000".to_owned(),
        format!("/api/v1/pins?near={lon},{lat}&k=100"),
        format!("/api/v1/pins?near={lon},{lat}&radius_m=2000&limit=10000"),
        format!("/api/v1/pins?within={district}&limit=10000"),
        "/api/v1/pins?category=wheelchair&status=new&limit=10000".to_owned(),
        format!("/api/v1/areas/{district}/pins?limit=10000"),
        format!("/api/v1/areas/{district}/stats"),
        format!("/api/v1/areas/{centre}/stats"),
        "/api/v1/areas/stats?kind=district".to_owned(),
        "/api/v1/areas/stats?kind=historic_centre&current=false".to_owned(),
        format!("/api/v1/areas/compare?a={centre}&b={draft}"),
        "/api/v1/map/pins".to_owned(),
        "/api/v1/map/pins?category=wheelchair".to_owned(),
        "/api/v1/map/table?limit=1000".to_owned(),
        "/ogc/collections/pins".to_owned(),
        "/ogc/collections/pins/items?limit=10000".to_owned(),
        "/ogc/collections/pins/items?limit=10000&f=html".to_owned(),
        "/ogc/collections/pins/items?limit=10000&filter=category%3D%27wheelchair%27".to_owned(),
        "/api/v1/exports/pins.geojson".to_owned(),
        "/api/v1/exports/pins.geojsonseq".to_owned(),
        "/api/v1/exports/pins.csv".to_owned(),
    ]
    .into_iter()
    .map(|path| (path.clone(), Surface::Get(path)))
    .collect();
    list.push((format!("POST /api/v1/pins/search {search}"), Surface::Search(search)));
    for format in ["gpkg", "fgb"] {
        list.push((format!("/api/v1/exports/pins.{format}"), Surface::Binary(format)));
    }
    list
}

enum Surface {
    Get(String),
    Search(Value),
    /// A binary export, compared as the features GDAL reads from it.
    Binary(&'static str),
}

/// What the public sees at `surface`, with what differs between two identical reads removed.
async fn read(server: &Server, surface: &Surface) -> String {
    let text = match surface {
        Surface::Get(path) => {
            let r = server.get(path).await;
            assert_eq!(r.status(), 200, "{path}");
            r.text().await.unwrap()
        }
        Surface::Search(area) => {
            let r = server
                .client
                .post(server.url("/api/v1/pins/search?limit=10000"))
                .header("content-type", "application/geo+json")
                .body(area.to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.text().await.unwrap()
        }
        Surface::Binary(format) => {
            let bytes = server.get(&format!("/api/v1/exports/pins.{format}")).await.bytes().await.unwrap();
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join(format!("pins.{format}"));
            std::fs::write(&file, bytes).unwrap();
            gdal("ogr2ogr", &["-f", "GeoJSON", "/vsistdout/", file.to_str().unwrap()])
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(mut v) => {
            forget_times(&mut v);
            v.to_string()
        }
        Err(_) => text,
    }
}

/// Drops the answer's own time (`timeStamp` of OGC pages), which is not about the pins.
fn forget_times(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("timeStamp");
            map.values_mut().for_each(forget_times);
        }
        Value::Array(items) => items.iter_mut().for_each(forget_times),
        _ => {}
    }
}

async fn snapshot(server: &Server, surfaces: &[(String, Surface)]) -> Vec<String> {
    let mut out = Vec::with_capacity(surfaces.len());
    for (_, s) in surfaces {
        out.push(read(server, s).await);
    }
    out
}

async fn public_status(server: &Server, id: i64) -> u16 {
    server.get(&format!("/api/v1/pins/{id}")).await.status().as_u16()
}

async fn pending_and_hidden_pins_are_absent_from_every_public_surface(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let seeded = qala_cli(&store, &["seed", "--count", "300"]).await;
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let server = Server::start_with(&store, ServeOptions { moderation: Some("pre"), ..Default::default() }).await;
    let (moderator, planner) =
        (add_staff(&store, "moderator", "moderator").await, add_staff(&store, "planner", "planner").await);
    let (_, config) = server.get_json("/api/v1/map/config").await;
    assert_eq!(config["moderation"], "pre");

    // A second historic-centre version around Republic Square, for the comparison.
    let ring = json!([[[76.93, 43.23], [76.96, 43.23], [76.96, 43.25], [76.93, 43.25], [76.93, 43.23]]]);
    let draft_file = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"name": "Draft"}, "geometry": {"type": "Polygon", "coordinates": ring}}]});
    let parts = [("kind", "historic_centre"), ("label", "Draft")];
    let (status, body) =
        upload_areas(&server, Some(&planner), "draft.geojson", draft_file.to_string().into_bytes(), &parts).await;
    assert_eq!(status, 201, "{body}");
    let draft = body["features"][0]["id"].as_i64().unwrap();
    let (lon, lat) = REPUBLIC_SQUARE;
    let (_, here) = server.get_json(&format!("/api/v1/point/{lon},{lat}/areas")).await;
    let district = here["features"].as_array().unwrap().iter().find(|f| f["properties"]["kind"] == "district");
    let district = district.expect("Republic Square is in a district")["id"].as_i64().unwrap();
    let centre = current_area_ids(&server, "historic_centre").await[0];
    let surfaces = surfaces(district, centre, draft);
    let before = snapshot(&server, &surfaces).await;

    // A report waits: 201 and its link, but nothing public changes.
    let r = server.post_pin(&crate::support::report(lon, lat, "wheelchair", "PENDING-REPORT kerb too high")).await;
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["properties"]["visibility"], "pending", "the citizen is told it waits: {created}");
    let pending = created["id"].as_i64().unwrap();
    assert!(location.ends_with(&format!("/api/v1/pins/{pending}")));
    // Another, approved and then hidden.
    let hidden = new_pin(&server, "HIDDEN-REPORT call 8 701 000 00 00").await;
    assert_eq!(moderate(&server, &moderator, hidden, &json!({"action": "approve", "reason": "fine"})).await.0, 201);
    assert_eq!(public_status(&server, hidden).await, 200, "approved: public");
    assert_eq!(
        moderate(&server, &moderator, hidden, &json!({"action": "hide", "reason": "a phone number"})).await.0,
        201
    );

    let after = snapshot(&server, &surfaces).await;
    for ((what, _), (b, a)) in surfaces.iter().zip(before.iter().zip(&after)) {
        assert!(!a.contains("PENDING-REPORT") && !a.contains("HIDDEN-REPORT"), "{what} shows a withheld pin");
        assert_eq!(b, a, "{what} changed although only withheld pins were added");
    }
    for id in [pending, hidden] {
        assert_eq!(public_status(&server, id).await, 404, "pin {id} to the public");
        assert_eq!(server.get(&format!("/api/v1/pins/{id}/updates")).await.status(), 404);
        assert_eq!(server.get(&format!("/ogc/collections/pins/items/{id}")).await.status(), 404);
        assert_eq!(server.get(&format!("/ogc/collections/pins/items/{id}?f=html")).await.status(), 404);
    }

    // Staff see them, and list them on asking; the public may not ask.
    let (status, pin) = get_with(&server, &format!("/api/v1/pins/{pending}"), bearer(Some(&planner))).await;
    assert_eq!((status, pin["properties"]["visibility"].as_str()), (200, Some("pending")));
    let ids = |v: &Value| -> Vec<i64> {
        v["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect()
    };
    for (visibility, expected) in [("pending", vec![pending]), ("hidden", vec![hidden])] {
        for token in [&moderator, &planner] {
            let (status, list) =
                get_with(&server, &format!("/api/v1/pins?visibility={visibility}"), bearer(Some(token))).await;
            assert_eq!((status, ids(&list)), (200, expected.clone()), "visibility={visibility}");
            let (status, list) = get_with(
                &server,
                &format!("/api/v1/areas/{district}/pins?visibility={visibility}&category=wheelchair"),
                bearer(Some(token)),
            )
            .await;
            assert_eq!(status, 200);
            assert!(ids(&list).iter().all(|id| expected.contains(id)));
        }
        let r = server.get(&format!("/api/v1/pins?visibility={visibility}")).await;
        assert_eq!(r.status(), 401, "the public asking for {visibility} pins");
    }
    let (_, public_list) = get_with(&server, "/api/v1/pins?visibility=public&limit=10000", bearer(None)).await;
    assert_eq!(public_list["features"].as_array().unwrap().len(), 300);
    assert_eq!(server.get("/api/v1/pins?visibility=secret").await.status(), 400);

    // Approval publishes: the same walk now sees a change, so it can see one at all.
    assert_eq!(moderate(&server, &moderator, pending, &json!({"action": "approve", "reason": "real"})).await.0, 201);
    assert_eq!(public_status(&server, pending).await, 200);
    let approved = snapshot(&server, &surfaces).await;
    let changed = before.iter().zip(&approved).filter(|(b, a)| b != a).count();
    assert!(changed >= surfaces.len() - 3, "only {changed} of {} surfaces show the approved pin", surfaces.len());
    let (_, list) = server.get_json("/api/v1/pins?limit=10000").await;
    assert!(ids(&list).contains(&pending) && !ids(&list).contains(&hidden));

    // A duplicate's original is shown to the public, so it must be public itself.
    let onto = |original: i64| json!({"status": "duplicate", "duplicate_of": original});
    let (status, problem) = crate::support::staff::update(&server, &planner, pending, &onto(hidden)).await;
    assert_eq!((status, problem["errors"][0]["pointer"].as_str()), (422, Some("/duplicate_of")), "{problem}");
}

async fn moderation_follows_its_table_with_if_match_and_keeps_the_original_for_admins(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let moderator = add_staff(&store, "mira", "moderator").await;
    let admin = add_staff(&store, "admin", "admin").await;
    let id = new_pin(&server, "Broken ramp, call Ivan on 8 701 123 45 67").await;
    assert_eq!(public_status(&server, id).await, 200, "post-moderation: public at once");
    let (_, config) = server.get_json("/api/v1/map/config").await;
    assert_eq!(config["moderation"], "post");

    let hide = json!({"action": "hide", "reason": "spam"});
    assert_eq!(post_moderation(&server, id, bearer(Some(&moderator)), &hide).await.0, 428, "no If-Match");
    let mut stale = bearer(Some(&moderator));
    stale.insert("if-match", "\"1.1\"".parse().unwrap());
    assert_eq!(post_moderation(&server, id, stale, &hide).await.0, 412);
    for (body, field) in [
        (json!({"action": "delete", "reason": "x"}), "/action"),
        (json!({"action": "hide"}), "/reason"),
        (json!({"action": "redact", "reason": "x"}), "/description"),
        (json!({"action": "hide", "reason": "x", "description": "y"}), "/description"),
    ] {
        let (status, problem) = moderate(&server, &moderator, id, &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["pointer"], field, "{body}: {problem}");
    }
    // The action table, walked from public: each action either fits (201) or is refused (409) naming it.
    let steps = [
        ("approve", 409, "public"),
        ("unhide", 409, "public"),
        ("hide", 201, "hidden"),
        ("hide", 409, "hidden"),
        ("approve", 409, "hidden"),
        ("unhide", 201, "public"),
    ];
    for (action, expected, visibility) in steps {
        let (status, body) = moderate(&server, &moderator, id, &json!({"action": action, "reason": "table"})).await;
        assert_eq!(status, expected, "{action}: {body}");
        if status == 409 {
            assert!(body["detail"].as_str().unwrap().contains(action), "{body}");
        } else {
            assert_eq!(body["visibility"], visibility);
            assert!(body["pin_etag"].is_string());
        }
        let listed = server.get_json("/api/v1/pins").await.1["features"].as_array().unwrap().len();
        assert_eq!(listed, usize::from(visibility == "public"), "after {action}");
    }
    // Redaction: the public sees the new text at once, everywhere; the original only in the audit log.
    let redact = json!({"action": "redact", "reason": "a phone number", "description": "Broken ramp"});
    let (status, body) = moderate(&server, &moderator, id, &redact).await;
    assert_eq!(status, 201, "{body}");
    let (_, pin) = server.get_json(&format!("/api/v1/pins/{id}")).await;
    assert_eq!(pin["properties"]["description"], "Broken ramp");
    for path in ["/api/v1/pins", "/api/v1/exports/pins.csv", "/ogc/collections/pins/items?f=html"] {
        let text = server.get(path).await.text().await.unwrap();
        assert!(!text.contains("8 701 123"), "{path} still shows the redacted text");
    }
    let (_, timeline) = server.get_json(&format!("/api/v1/pins/{id}/updates")).await;
    assert_eq!(timeline["updates"], json!([]), "moderation is not part of the public timeline");
    let (_, staff_timeline) = get_with(&server, &format!("/api/v1/pins/{id}/updates"), bearer(Some(&moderator))).await;
    let notes: Vec<&str> =
        staff_timeline["updates"].as_array().unwrap().iter().filter_map(|u| u["internal_note"].as_str()).collect();
    assert_eq!(notes, ["hide: table", "unhide: table", "redact: a phone number"]);
    let (status, audit) = get_with(&server, "/api/v1/audit?action=pin.moderate", bearer(Some(&admin))).await;
    assert_eq!(status, 200);
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "one entry per applied moderation: {entries:?}");
    let redaction = entries.iter().find(|e| e["after"]["action"] == "redact").unwrap();
    assert_eq!(redaction["before"]["description"], "Broken ramp, call Ivan on 8 701 123 45 67");
    assert_eq!((redaction["actor"].as_str(), redaction["role"].as_str()), (Some("mira"), Some("moderator")));
    assert_eq!(get_with(&server, "/api/v1/audit", bearer(Some(&moderator))).await.0, 403, "only admins read it");

    // Two moderators with the same ETag: exactly one wins.
    let tag = staff_etag(&server, &moderator, id).await;
    let race = |body: Value| {
        let mut h = bearer(Some(&moderator));
        h.insert("if-match", tag.parse().unwrap());
        let server = &server;
        async move { post_moderation(server, id, h, &body).await.0 }
    };
    let (a, b) = tokio::join!(
        race(json!({"action": "hide", "reason": "one"})),
        race(json!({"action": "redact", "reason": "two", "description": "Ramp"}))
    );
    let mut answers = [a, b];
    answers.sort_unstable();
    assert_eq!(answers, [201, 412]);
}

on_both_stores!(
    pending_and_hidden_pins_are_absent_from_every_public_surface,
    moderation_follows_its_table_with_if_match_and_keeps_the_original_for_admins
);

//! The status workflow over HTTP: every pair of statuses against the transition table, `duplicate_of`
//! rules, `If-Match` (428 without, 412 stale, exactly one of two racing planners wins), the public timeline,
//! and the audit trail, which the database itself keeps append-only.

use reqwest::header::HeaderValue;
use serde_json::{Value, json};

use crate::support::staff::{add_staff, bearer, etag, get_with, new_pin, post_update, update};
use crate::support::{Server, StoreKind, TestStore};

const STATUSES: [&str; 7] = ["new", "confirmed", "planned", "in_progress", "resolved", "rejected", "duplicate"];

/// The README's table.
fn allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("new", "confirmed" | "rejected" | "duplicate")
            | ("confirmed", "planned" | "in_progress" | "rejected" | "duplicate")
            | ("planned", "in_progress" | "rejected")
            | ("in_progress", "resolved" | "planned")
            | ("resolved", "in_progress")
            | ("rejected", "confirmed")
            | ("duplicate", "confirmed")
    )
}

/// The steps from `new` to each status.
fn path_to(status: &str) -> &'static [&'static str] {
    match status {
        "new" => &[],
        "confirmed" => &["confirmed"],
        "planned" => &["confirmed", "planned"],
        "in_progress" => &["confirmed", "in_progress"],
        "resolved" => &["confirmed", "in_progress", "resolved"],
        "rejected" => &["rejected"],
        _ => &["duplicate"],
    }
}

fn change(to: &str, original: i64) -> Value {
    if to == "duplicate" { json!({ "status": to, "duplicate_of": original }) } else { json!({ "status": to }) }
}

async fn every_pair_of_statuses_follows_the_table(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let admin = add_staff(&store, "admin", "admin").await;
    let original = new_pin(&server, "The original").await;
    for from in STATUSES {
        for to in STATUSES {
            let id = new_pin(&server, "A report").await;
            for step in path_to(from) {
                assert_eq!(update(&server, &admin, id, &change(step, original)).await.0, 201, "{from} via {step}");
            }
            let (status, body) = update(&server, &admin, id, &change(to, original)).await;
            let (_, pin) = server.get_json(&format!("/api/v1/pins/{id}")).await;
            if allowed(from, to) {
                assert_eq!(status, 201, "{from} → {to}: {body}");
                assert_eq!((body["status_from"].as_str(), body["status"].as_str()), (Some(from), Some(to)));
                assert_eq!(pin["properties"]["status"], to);
            } else {
                assert_eq!(status, 409, "{from} → {to}: {body}");
                let detail = body["detail"].as_str().unwrap();
                assert!(detail.contains(from) && detail.contains(to), "{detail}");
                assert_eq!(pin["properties"]["status"], from, "a refused change writes nothing");
            }
        }
    }
    // The index and the listings are in step with every change.
    let listed = server.list_all_ids("status=planned").await;
    let (_, planned) = server.get_json("/api/v1/pins?status=planned&limit=1000").await;
    assert_eq!(listed.len(), planned["features"].as_array().unwrap().len());
    assert!(!listed.is_empty());
    let in_store = store.scalar("SELECT count(*) FROM pins WHERE status = 'planned'").await;
    assert_eq!(listed.len() as i64, in_store);
}

async fn duplicates_name_a_fit_original(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let moderator = add_staff(&store, "moderator", "moderator").await;
    let original = new_pin(&server, "Broken ramp at the library").await;
    let copy = new_pin(&server, "Library ramp broken").await;
    let third = new_pin(&server, "Ramp again").await;
    for (body, pointer) in [
        (json!({ "status": "duplicate" }), "/duplicate_of"),
        (json!({ "status": "duplicate", "duplicate_of": 999_999 }), "/duplicate_of"),
        (json!({ "status": "duplicate", "duplicate_of": copy }), "/duplicate_of"),
        (json!({ "status": "confirmed", "duplicate_of": original }), "/duplicate_of"),
    ] {
        let (status, problem) = update(&server, &moderator, copy, &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["pointer"], pointer);
    }
    assert_eq!(
        update(&server, &moderator, copy, &json!({ "status": "duplicate", "duplicate_of": original })).await.0,
        201
    );
    let (_, pin) = server.get_json(&format!("/api/v1/pins/{copy}")).await;
    assert_eq!(
        (pin["properties"]["status"].as_str(), pin["properties"]["duplicate_of"].as_i64()),
        (Some("duplicate"), Some(original))
    );
    // A duplicate cannot be an original.
    let (status, _) = update(&server, &moderator, third, &json!({ "status": "duplicate", "duplicate_of": copy })).await;
    assert_eq!(status, 422);
    assert_eq!(server.list_all_ids("status=duplicate").await, [copy]);
    // Reopened, it no longer names an original.
    let planner = add_staff(&store, "planner", "planner").await;
    assert_eq!(update(&server, &planner, copy, &json!({ "status": "confirmed" })).await.0, 201);
    let (_, pin) = server.get_json(&format!("/api/v1/pins/{copy}")).await;
    assert!(pin["properties"].get("duplicate_of").is_none(), "{pin}");
}

async fn if_match_keeps_two_planners_from_overwriting_each_other(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let a = add_staff(&store, "planner-a", "planner").await;
    let b = add_staff(&store, "planner-b", "planner").await;
    let id = new_pin(&server, "No kerb ramp").await;
    let body = json!({ "status": "confirmed" });
    let (status, problem) = post_update(&server, id, bearer(Some(&a)), &body).await;
    assert_eq!(status, 428, "{problem}");
    let mut stale = bearer(Some(&a));
    stale.insert("if-match", HeaderValue::from_static("\"1.1\""));
    assert_eq!(post_update(&server, id, stale, &body).await.0, 412);

    for round in 0..5 {
        let tag = etag(&server, id).await;
        let send = |token: &str, body: Value| {
            let mut h = bearer(Some(token));
            h.insert("if-match", HeaderValue::from_str(&tag).unwrap());
            let server = &server;
            async move { post_update(server, id, h, &body).await }
        };
        let note = |who: &str| json!({ "internal_note": format!("round {round} by {who}") });
        let ((sa, ba), (sb, _)) = tokio::join!(send(&a, note("a")), send(&b, note("b")));
        let mut statuses = [sa, sb];
        statuses.sort();
        assert_eq!(statuses, [201, 412], "exactly one of two racing updates wins (round {round})");
        if sa == 201 {
            assert_ne!(ba["pin_etag"].as_str().unwrap(), tag, "the winner gets the pin's new ETag");
        }
    }
    assert_eq!(store.scalar("SELECT count(*) FROM pin_updates").await, 5);
}

async fn the_timeline_shows_the_public_what_is_public(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let planner = add_staff(&store, "saule", "planner").await;
    let id = new_pin(&server, "Steps without a ramp").await;
    let steps = [
        json!({ "status": "confirmed", "public_comment": "Thank you, we have seen it" }),
        json!({ "internal_note": "Budget line 14, ask the district" }),
        json!({ "status": "planned", "internal_note": "Contract in March" }),
    ];
    for body in &steps {
        assert_eq!(update(&server, &planner, id, body).await.0, 201);
    }
    let (status, public) = get_with(&server, &format!("/api/v1/pins/{id}/updates"), bearer(None)).await;
    assert_eq!(status, 200);
    let entries = public["updates"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "the internal-only entry is not public: {public}");
    assert_eq!(entries[0]["public_comment"], "Thank you, we have seen it");
    assert_eq!(
        (entries[1]["status_from"].as_str(), entries[1]["status"].as_str()),
        (Some("confirmed"), Some("planned"))
    );
    let text = public.to_string();
    assert!(!text.contains("Budget") && !text.contains("Contract") && !text.contains("saule"), "{text}");
    assert!(entries.iter().all(|e| e["role"] == "planner"));

    let (_, internal) = get_with(&server, &format!("/api/v1/pins/{id}/updates"), bearer(Some(&planner))).await;
    let entries = internal["updates"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1]["internal_note"], "Budget line 14, ask the district");
    assert_eq!(get_with(&server, "/api/v1/pins/999999/updates", bearer(None)).await.0, 404);
}

async fn every_action_is_audited_and_the_log_cannot_be_rewritten(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let admin = add_staff(&store, "nurlan", "admin").await;
    let planner = add_staff(&store, "aruzhan", "planner").await;
    let body = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [76.9458, 43.2380] },
        "properties": { "category": "pram", "description": "No ramp", "contact": "mother@example.kz" } });
    let id = server.post_pin(&body).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(update(&server, &planner, id, &json!({ "status": "confirmed" })).await.0, 201);
    let (status, contact) = get_with(&server, &format!("/api/v1/pins/{id}/contact"), bearer(Some(&planner))).await;
    assert_eq!((status, contact["contact"].as_str()), (200, Some("mother@example.kz")));

    let (status, log) = get_with(&server, "/api/v1/audit", bearer(Some(&admin))).await;
    assert_eq!(status, 200);
    let actions: Vec<(&str, &str, &str)> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap(), e["target"].as_str().unwrap()))
        .collect();
    let target = format!("pin:{id}");
    assert_eq!(
        actions,
        [
            ("aruzhan", "pin.contact_read", target.as_str()),
            ("aruzhan", "pin.update", target.as_str()),
            ("qala-cli", "staff.add", "staff:aruzhan"),
            ("qala-cli", "staff.add", "staff:nurlan"),
            // The shipped districts and historic centre, loaded into the empty store on its first start.
            ("qala-cli", "area.import", "area_version:2"),
            ("qala-cli", "area.import", "area_version:1"),
        ],
        "newest first"
    );
    let entry = &log["entries"][1];
    assert_eq!(
        (entry["before"]["status"].as_str(), entry["after"]["status"].as_str()),
        (Some("new"), Some("confirmed"))
    );
    assert!(entry["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(!log.to_string().contains("mother@example.kz"), "the log records the read, not the contact");

    let (_, mine) = get_with(&server, "/api/v1/audit?actor=aruzhan&action=pin.update", bearer(Some(&admin))).await;
    assert_eq!(mine["entries"].as_array().unwrap().len(), 1);
    let (_, page) = get_with(&server, "/api/v1/audit?limit=2", bearer(Some(&admin))).await;
    let next = page["links"][0]["href"].as_str().unwrap().to_owned();
    let r = server.client.get(&next).headers(bearer(Some(&admin))).send().await.unwrap();
    let rest: Value = r.json().await.unwrap();
    assert_eq!(rest["entries"].as_array().unwrap().len(), 2);
    assert_eq!(rest["entries"][1]["target"], "staff:nurlan");
    assert_eq!(get_with(&server, "/api/v1/audit?colour=red", bearer(Some(&admin))).await.0, 400);
    let csv = server.client.get(server.url("/api/v1/audit.csv")).headers(bearer(Some(&admin))).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("id,at,actor,role,action,target,before,after,request_id"), "{text}");
    assert_eq!(text.lines().count(), 7, "a header and the six entries");

    let before = store.scalar("SELECT count(*) FROM audit_log").await;
    for (pg, gpkg) in [
        ("UPDATE audit_log SET actor_name = 'nobody'", "UPDATE audit_log SET actor_name = 'nobody'"),
        ("DELETE FROM audit_log", "DELETE FROM audit_log"),
        ("TRUNCATE audit_log", "DELETE FROM audit_log WHERE id = 1"),
    ] {
        let refused = store.execute(pg, gpkg).await;
        assert!(refused.as_ref().is_err_and(|e| e.contains("append-only")), "{pg}: {refused:?}");
    }
    assert_eq!(store.scalar("SELECT count(*) FROM audit_log").await, before);
}

on_both_stores!(
    every_pair_of_statuses_follows_the_table,
    duplicates_name_a_fit_original,
    if_match_keeps_two_planners_from_overwriting_each_other,
    the_timeline_shows_the_public_what_is_public,
    every_action_is_audited_and_the_log_cannot_be_rewritten
);

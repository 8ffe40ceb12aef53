//! Staff accounts and who may do what: `qala staff` issues, lists and revokes; tokens work as Bearer and
//! sign the web map in with a cookie (CSRF-checked); every state-changing staff route answers each kind of
//! caller as the role matrix says (pin updates, contact and audit reads, area uploads and activations), and a
//! refused request writes nothing.

use chrono::{Duration, Utc};
use reqwest::header::HeaderValue;
use serde_json::{Value, json};

use crate::support::staff::{
    activate_area, add_staff, bearer, etag, get_with, new_pin, outline_geojson, post_moderation, post_update,
    upload_areas,
};
use crate::support::{Server, StoreKind, TestStore, qala_cli};

async fn staff_cli_issues_lists_and_revokes(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let first = add_staff(&store, "aigul", "planner").await;
    let again = qala_cli(&store, &["staff", "add", "aigul", "--role", "admin"]).await;
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already"));
    let bad_role = qala_cli(&store, &["staff", "add", "bolat", "--role", "mayor"]).await;
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("moderator, planner, admin"));
    let bad_name = qala_cli(&store, &["staff", "add", "Bolat Bek", "--role", "admin"]).await;
    assert!(!bad_name.status.success());

    let out = qala_cli(&store, &["staff", "token", "aigul"]).await;
    let second = String::from_utf8_lossy(&out.stdout).lines().last().unwrap().to_owned();
    assert_ne!(first, second);
    for token in [&first, &second] {
        let (status, me) = get_with(&server, "/api/v1/session", bearer(Some(token))).await;
        assert_eq!((status, me["name"].as_str(), me["role"].as_str()), (200, Some("aigul"), Some("planner")));
    }
    let list = String::from_utf8_lossy(&qala_cli(&store, &["staff", "list"]).await.stdout).into_owned();
    assert!(list.contains("aigul") && list.contains("planner") && !list.contains("qala_"), "{list}");

    // Only hashes are stored: no column of the credentials table holds a token or its secret half.
    let stored = store
        .strings(
            "SELECT selector || encode(verifier_sha256, 'hex') FROM staff_credentials",
            "SELECT selector || hex(verifier_sha256) FROM staff_credentials",
        )
        .await;
    assert_eq!(stored.len(), 2);
    for token in [&first, &second] {
        assert!(
            stored.iter().all(|s| !s.contains(&token[17..]) && !s.to_lowercase().contains(&token[17..].to_lowercase()))
        );
    }

    let revoke = qala_cli(&store, &["staff", "revoke", "aigul"]).await;
    assert!(revoke.status.success());
    for token in [&first, &second] {
        let r = server.client.get(server.url("/api/v1/session")).headers(bearer(Some(token))).send().await.unwrap();
        assert_eq!(r.status(), 401, "a revoked member's token stops at once");
        assert!(r.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let list = String::from_utf8_lossy(&qala_cli(&store, &["staff", "list"]).await.stdout).into_owned();
    assert!(list.contains("no valid token"), "{list}");
    assert!(!server.log().contains(&first[17..]) && !server.log().contains(&second[17..]), "no token in the log");
}

async fn web_sessions_are_cookies_checked_against_csrf(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let token = add_staff(&store, "dana", "planner").await;
    let sign_in = |body: Value| {
        server
            .client
            .post(server.url("/api/v1/session"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let r = sign_in(json!({ "token": "qala_not-a-real-token" })).await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("set-cookie").is_none());
    let r = sign_in(json!({ "token": token })).await.unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    for part in ["qala_session=qala_", "HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains(&token[5..]), "the cookie is a session of its own, not the token");
    let pair = cookie.split(';').next().unwrap().to_owned();
    let with_cookie = |origin: Option<&str>| {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("cookie", HeaderValue::from_str(&pair).unwrap());
        if let Some(o) = origin {
            h.insert("origin", HeaderValue::from_str(o).unwrap());
        }
        h
    };
    let (status, me) = get_with(&server, "/api/v1/session", with_cookie(None)).await;
    assert_eq!((status, me["name"].as_str()), (200, Some("dana")));

    let id = new_pin(&server, "Kerb too high at the crossing").await;
    let body = json!({ "status": "confirmed" });
    let mut h = with_cookie(None);
    h.insert("if-match", HeaderValue::from_str(&etag(&server, id).await).unwrap());
    assert_eq!(post_update(&server, id, h.clone(), &body).await.0, 403, "no Origin: refused");
    h.insert("origin", HeaderValue::from_static("https://evil.example"));
    assert_eq!(post_update(&server, id, h.clone(), &body).await.0, 403, "another Origin: refused");
    assert_eq!(store.scalar("SELECT count(*) FROM pin_updates").await, 0);
    let own = server.base.clone();
    h.insert("origin", HeaderValue::from_str(&own).unwrap());
    assert_eq!(post_update(&server, id, h, &body).await.0, 201, "from qala's own page");

    let r = server.client.delete(server.url("/api/v1/session")).headers(with_cookie(Some(&own))).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(get_with(&server, "/api/v1/session", with_cookie(None)).await.0, 401, "signed out everywhere");
    // A stale cookie does not stop anyone reading public pages.
    assert_eq!(get_with(&server, &format!("/api/v1/pins/{id}"), with_cookie(None)).await.0, 200);
}

/// The callers of the matrix: a header each (or none).
async fn callers(store: &TestStore) -> Vec<(&'static str, Option<String>)> {
    let handle = store.open().await;
    let (expired, credential) = qala::auth::issue(
        qala::domain::CredentialKind::Token,
        "expired",
        Utc::now() - Duration::days(2),
        Duration::days(1),
    )
    .unwrap();
    let audit = qala::domain::NewAuditEntry {
        at: Utc::now(),
        actor: qala::domain::Actor::command_line(),
        action: qala::domain::AuditAction::StaffAdd,
        target: "staff:expired".into(),
        before: None,
        after: None,
        request_id: None,
    };
    assert!(handle.insert_staff(qala::domain::Role::Admin, &credential, &audit).await.unwrap());
    let revoked = add_staff(store, "gone", "admin").await;
    assert!(qala_cli(store, &["staff", "revoke", "gone"]).await.status.success());
    vec![
        ("public", None),
        ("bad", Some(format!("qala_{}", "A".repeat(55)))),
        ("expired", Some(expired.expose().to_owned())),
        ("revoked", Some(revoked)),
        ("moderator", Some(add_staff(store, "moderator", "moderator").await)),
        ("planner", Some(add_staff(store, "planner", "planner").await)),
        ("admin", Some(add_staff(store, "admin", "admin").await)),
    ]
}

async fn every_staff_route_answers_the_role_matrix(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let callers = callers(&store).await;
    let original = new_pin(&server, "The original report").await;
    // (what, body, [public, bad, expired, revoked, moderator, planner, admin]) for POST …/updates.
    let refused = [401, 401, 401, 401];
    let updates: [(&str, Value, [u16; 3]); 4] = [
        ("status change", json!({ "status": "confirmed" }), [403, 201, 201]),
        ("public comment", json!({ "public_comment": "We will look at it" }), [403, 201, 201]),
        ("mark duplicate", json!({ "status": "duplicate", "duplicate_of": original }), [201, 201, 201]),
        ("internal note", json!({ "internal_note": "Ask the akimat" }), [201, 201, 201]),
    ];
    for (what, body, staff_answers) in &updates {
        for (i, (who, token)) in callers.iter().enumerate() {
            let id = new_pin(&server, "A report to act on").await;
            let before = store.scalar("SELECT count(*) FROM pin_updates").await;
            let audit_before = store.scalar("SELECT count(*) FROM audit_log").await;
            let mut h = bearer(token.as_deref());
            h.insert("if-match", HeaderValue::from_str(&etag(&server, id).await).unwrap());
            let (status, problem) = post_update(&server, id, h, body).await;
            let expected = if i < 4 { refused[i] } else { staff_answers[i - 4] };
            assert_eq!(status, expected, "{what} by {who}: {problem}");
            if status != 201 {
                assert_eq!(store.scalar("SELECT count(*) FROM pin_updates").await, before, "{what} by {who} wrote");
                assert_eq!(store.scalar("SELECT count(*) FROM audit_log").await, audit_before);
                let (_, pin) = server.get_json(&format!("/api/v1/pins/{id}")).await;
                assert_eq!(pin["properties"]["status"], "new");
            }
        }
    }
    // Moderation: moderators and admins.
    for (i, (who, token)) in callers.iter().enumerate() {
        let id = new_pin(&server, "A report to moderate").await;
        let (before, audit_before) = (
            store.scalar("SELECT count(*) FROM pin_updates").await,
            store.scalar("SELECT count(*) FROM audit_log").await,
        );
        let mut h = bearer(token.as_deref());
        h.insert("if-match", HeaderValue::from_str(&etag(&server, id).await).unwrap());
        let (status, problem) = post_moderation(&server, id, h, &json!({"action": "hide", "reason": "abuse"})).await;
        assert_eq!(status, [401, 401, 401, 401, 201, 403, 201][i], "moderation by {who}: {problem}");
        if status != 201 {
            assert_eq!(store.scalar("SELECT count(*) FROM pin_updates").await, before, "moderation by {who} wrote");
            assert_eq!(store.scalar("SELECT count(*) FROM audit_log").await, audit_before);
            assert_eq!(server.get(&format!("/api/v1/pins/{id}")).await.status(), 200, "still public");
        }
    }
    // Reads that only some staff may make.
    let id = new_pin(&server, "A report with a contact").await;
    for (path, staff_answers) in
        [(format!("/api/v1/pins/{id}/contact"), [403, 200, 200]), ("/api/v1/audit".to_owned(), [403, 403, 200])]
    {
        for (i, (who, token)) in callers.iter().enumerate() {
            let (status, _) = get_with(&server, &path, bearer(token.as_deref())).await;
            let expected = if i < 4 { 401 } else { staff_answers[i - 4] };
            assert_eq!(status, expected, "{path} by {who}");
        }
    }
    // Areas over HTTP: an upload, then making a version current.
    let versions = "SELECT count(*) FROM area_versions";
    let mut uploaded = None;
    for (i, (who, token)) in callers.iter().enumerate() {
        let (before, audit_before) =
            (store.scalar(versions).await, store.scalar("SELECT count(*) FROM audit_log").await);
        let parts = [("kind", "historic_centre"), ("label", "Draft by the matrix")];
        let (status, body) =
            upload_areas(&server, token.as_deref(), "draft.geojson", outline_geojson("Matrix draft"), &parts).await;
        let expected = [401, 401, 401, 401, 403, 201, 201][i];
        assert_eq!(status, expected, "area upload by {who}: {body}");
        if status == 201 {
            uploaded = body["features"][0]["id"].as_i64();
            assert_eq!(store.scalar(versions).await, before + 1);
        } else {
            assert_eq!(store.scalar(versions).await, before, "a refused upload by {who} wrote a version");
            assert_eq!(store.scalar("SELECT count(*) FROM audit_log").await, audit_before);
        }
    }
    let area = uploaded.expect("an upload was accepted");
    let current = "SELECT id FROM area_versions WHERE current AND kind = 'historic_centre'";
    for (i, (who, token)) in callers.iter().enumerate() {
        let (before, audit_before) =
            (store.scalar(current).await, store.scalar("SELECT count(*) FROM audit_log").await);
        let (status, body) = activate_area(&server, token.as_deref(), area).await;
        let expected = [401, 401, 401, 401, 403, 200, 200][i];
        assert_eq!(status, expected, "activation by {who}: {body}");
        if status != 200 {
            assert_eq!(store.scalar(current).await, before, "a refused activation by {who} changed something");
            assert_eq!(store.scalar("SELECT count(*) FROM audit_log").await, audit_before);
        }
    }
}

on_both_stores!(
    staff_cli_issues_lists_and_revokes,
    web_sessions_are_cookies_checked_against_csrf,
    every_staff_route_answers_the_role_matrix
);

//! Staff for the tests: members added by the real `qala staff` command, and the requests staff make.

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

use super::api::Api;
use super::process::qala_cli;
use super::store::TestStore;

/// Adds a member with `qala staff add NAME --role ROLE` and returns the token from the last line of stdout.
pub async fn add_staff(store: &TestStore, name: &str, role: &str) -> String {
    let out = qala_cli(store, &["staff", "add", name, "--role", role]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "staff add failed: {stdout} {}", String::from_utf8_lossy(&out.stderr));
    let token = stdout.lines().last().unwrap_or("").to_owned();
    assert!(token.starts_with("qala_") && token.len() == 60, "the last line is the token alone: {stdout:?}");
    token
}

/// `Authorization: Bearer TOKEN`, or nothing for `None`.
pub fn bearer(token: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(t) = token {
        h.insert("authorization", HeaderValue::from_str(&format!("Bearer {t}")).unwrap());
    }
    h
}

/// A pin's current `ETag`.
pub async fn etag(api: &Api, id: i64) -> String {
    let r = api.get(&format!("/api/v1/pins/{id}")).await;
    assert_eq!(r.status(), 200);
    r.headers()["etag"].to_str().unwrap().to_owned()
}

/// `POST /api/v1/pins/{id}/updates` with these headers and body; (status, body).
pub async fn post_update(api: &Api, id: i64, headers: HeaderMap, body: &Value) -> (u16, Value) {
    let r = api
        .client
        .post(api.url(&format!("/api/v1/pins/{id}/updates")))
        .headers(headers)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// An update by `token`, with the pin's current ETag.
pub async fn update(api: &Api, token: &str, id: i64, body: &Value) -> (u16, Value) {
    let mut headers = bearer(Some(token));
    headers.insert("if-match", HeaderValue::from_str(&etag(api, id).await).unwrap());
    post_update(api, id, headers, body).await
}

/// A GET with these headers; (status, body).
pub async fn get_with(api: &Api, path: &str, headers: HeaderMap) -> (u16, Value) {
    let r = api.client.get(api.url(path)).headers(headers).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Reports a pin at Republic Square and returns its id.
pub async fn new_pin(api: &Api, description: &str) -> i64 {
    let (lon, lat) = super::REPUBLIC_SQUARE;
    let r = api.post_pin(&super::report(lon, lat, "wheelchair", description)).await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

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

/// A JSON `POST` to `path` with these headers; (status, body).
pub async fn post_json(api: &Api, path: &str, headers: HeaderMap, body: &Value) -> (u16, Value) {
    let r = api
        .client
        .post(api.url(path))
        .headers(headers)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `POST /api/v1/pins/{id}/updates` with these headers and body; (status, body).
pub async fn post_update(api: &Api, id: i64, headers: HeaderMap, body: &Value) -> (u16, Value) {
    post_json(api, &format!("/api/v1/pins/{id}/updates"), headers, body).await
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

/// `POST /api/v1/areas/imports` by `token` with the file `name` holding `bytes` and these text parts;
/// (status, body).
pub async fn upload_areas(
    api: &Api,
    token: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
    parts: &[(&str, &str)],
) -> (u16, Value) {
    let mut form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    for (k, v) in parts {
        form = form.text(k.to_string(), v.to_string());
    }
    let r =
        api.client.post(api.url("/api/v1/areas/imports")).headers(bearer(token)).multipart(form).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `POST /api/v1/areas/{id}/activate` by `token`; (status, body).
pub async fn activate_area(api: &Api, token: Option<&str>, id: i64) -> (u16, Value) {
    let r =
        api.client.post(api.url(&format!("/api/v1/areas/{id}/activate"))).headers(bearer(token)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A one-feature GeoJSON outline around Republic Square, named `name`.
pub fn outline_geojson(name: &str) -> Vec<u8> {
    serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [[[76.93, 43.25], [76.96, 43.25], [76.96, 43.27], [76.93, 43.27], [76.93, 43.25]]]}}]})
    .to_string()
    .into_bytes()
}

/// A pin's current `ETag` as `token` reads it (staff see pending and hidden pins too).
pub async fn staff_etag(api: &Api, token: &str, id: i64) -> String {
    let r = api.client.get(api.url(&format!("/api/v1/pins/{id}"))).headers(bearer(Some(token))).send().await.unwrap();
    assert_eq!(r.status(), 200, "pin {id} as staff");
    r.headers()["etag"].to_str().unwrap().to_owned()
}

/// `POST /api/v1/pins/{id}/moderation` with these headers and body; (status, body).
pub async fn post_moderation(api: &Api, id: i64, headers: HeaderMap, body: &Value) -> (u16, Value) {
    post_json(api, &format!("/api/v1/pins/{id}/moderation"), headers, body).await
}

/// A moderation by `token`, with the pin's current ETag.
pub async fn moderate(api: &Api, token: &str, id: i64, body: &Value) -> (u16, Value) {
    let mut headers = bearer(Some(token));
    headers.insert("if-match", HeaderValue::from_str(&staff_etag(api, token, id).await).unwrap());
    post_moderation(api, id, headers, body).await
}

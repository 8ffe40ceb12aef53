//! Durable status updates over HTTP (`POST /api/v1/pins/{id}/updates`, 201 only after the commit of the
//! update, its timeline entry and its audit entry): the real `qala serve`, a planner's token from the real
//! `qala staff add`, and `clients` concurrent clients, each moving its own pins between `planned` and
//! `in_progress` with the `If-Match` of its previous answer (so no update is ever refused as stale and every
//! request is one durable write). wrk cannot carry an ETag from one answer to the next request, so this
//! driver is reqwest; its latencies are measured the same way (request sent to answer read).

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http::Load;

/// Pins each client moves in turn.
const PINS_PER_CLIENT: usize = 4;

/// A planner's token, made by `qala staff add` on the server's store.
pub fn staff_token(bin: &Path, store_env: &[(&str, String)]) -> String {
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["staff", "add", "bench-planner", "--role", "planner"])
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "error");
    for (k, v) in store_env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "qala staff add: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().last().unwrap().to_owned()
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    /// One update; the pin's new ETag.
    async fn update(&self, id: i64, etag: &str, status: &str) -> String {
        let r = self
            .http
            .post(format!("{}/api/v1/pins/{id}/updates", self.base))
            .bearer_auth(&self.token)
            .header("if-match", etag)
            .header("content-type", "application/json")
            .body(json!({ "status": status }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "update of pin {id} to {status}: {}", r.text().await.unwrap_or_default());
        r.json::<Value>().await.unwrap()["pin_etag"].as_str().unwrap().to_owned()
    }

    async fn etag(&self, id: i64) -> String {
        let r = self.http.get(format!("{}/api/v1/pins/{id}", self.base)).send().await.unwrap();
        r.headers()["etag"].to_str().unwrap().to_owned()
    }
}

/// Takes `clients × 4` pins in status `new` (a new pin is reported for each one missing), moves each to
/// `planned`, then runs the load for `secs` seconds.
pub async fn status_updates(base: &str, token: &str, clients: usize, secs: u64) -> Load {
    let http = reqwest::Client::new();
    let need = clients * PINS_PER_CLIENT;
    let listing: Value =
        http.get(format!("{base}/api/v1/pins?status=new&limit={need}")).send().await.unwrap().json().await.unwrap();
    let mut ids: Vec<i64> = listing["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    while ids.len() < need {
        let body = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [76.9458, 43.2380] },
            "properties": { "category": "pram", "description": "a pin for the update benchmark" } });
        let r = http
            .post(format!("{base}/api/v1/pins"))
            .header("content-type", "application/geo+json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let client = std::sync::Arc::new(Client { http, base: base.to_owned(), token: token.to_owned() });
    let mut pins = Vec::new();
    for &id in &ids {
        let tag = client.etag(id).await;
        let tag = client.update(id, &tag, "confirmed").await;
        pins.push((id, client.update(id, &tag, "planned").await, "planned"));
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for mine in pins.chunks(PINS_PER_CLIENT).map(<[_]>::to_vec) {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = mine;
            let mut latencies = Vec::new();
            let mut turn = 0;
            while Instant::now() < deadline {
                let (id, tag, status) = &mut mine[turn % PINS_PER_CLIENT];
                let next = if *status == "planned" { "in_progress" } else { "planned" };
                let sent = Instant::now();
                *tag = client.update(*id, tag, next).await;
                latencies.push(sent.elapsed());
                *status = next;
                turn += 1;
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let at = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Load { rps: all.len() as f64 / elapsed, p50_ms: at(0.5), p99_ms: at(0.99), requests: all.len() as u64, errors: 0 }
}

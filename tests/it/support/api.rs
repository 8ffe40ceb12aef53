//! A client of a running qala, whichever way it runs (in this process or as the binary): its base URL, an
//! HTTP client, and the requests many tests make. Both [`super::Server`] and [`super::QalaProcess`]
//! dereference to [`Api`], so a helper taking `&Api` serves tests of either.

use std::time::{Duration, Instant};

use serde_json::Value;

/// Where a qala answers, and a client to ask it.
pub struct Api {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    pub client: reqwest::Client,
}

impl Api {
    pub fn new(base: String) -> Api {
        Api { base, client: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Waits (up to 60 s) for `/readyz` to answer 200: the index is loaded. `log` is shown on failure.
    pub async fn wait_ready(&self, log: impl Fn() -> String) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = self.client.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            assert!(Instant::now() < deadline, "qala never became ready; log: {}", log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    pub async fn post_pin(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/pins"))
            .header("content-type", "application/geo+json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// Every pin id a `/api/v1/pins?{query}` listing returns, following `next` links.
    pub async fn list_all_ids(&self, query: &str) -> Vec<i64> {
        self.list_all_ids_at(&format!("/api/v1/pins?{query}")).await
    }

    /// Every pin id of a listing at `path` (which already has a query), following `next` links.
    pub async fn list_all_ids_at(&self, path: &str) -> Vec<i64> {
        let mut ids = Vec::new();
        let mut url = self.url(path);
        loop {
            let r = self.client.get(&url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{url}");
            let page: Value = r.json().await.unwrap();
            ids.extend(page["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()));
            match page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") {
                Some(next) => url = next["href"].as_str().unwrap().to_owned(),
                None => return ids,
            }
        }
    }
}

/// Every pin as (id, lon, lat), from the API.
pub async fn all_pins(server: &Api) -> Vec<(i64, f64, f64)> {
    let (_, page) = server.get_json("/api/v1/pins?limit=10000").await;
    page["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (f["id"].as_i64().unwrap(), c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
        })
        .collect()
}

/// Area ids of the current version of a kind, from the API.
pub async fn current_area_ids(server: &Api, kind: &str) -> Vec<i64> {
    let (status, list) = server.get_json(&format!("/api/v1/areas?kind={kind}&current=true")).await;
    assert_eq!(status, 200);
    list["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect()
}

//! Safe in public (issue 17): idempotent reports, coordinates stored exactly, spreadsheet-safe CSV, the
//! browser's security headers and CORS, and the limits on what a stranger's connection may cost (head sizes,
//! requests in flight, slow bodies, slow headers).

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{REPUBLIC_SQUARE, ServeOptions, Server, StoreKind, TestStore, count_pins, report};

async fn post_with_key(server: &Server, key: &str, body: &str) -> reqwest::Response {
    server
        .client
        .post(server.url("/api/v1/pins"))
        .header("content-type", "application/geo+json")
        .header("idempotency-key", key)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

/// A retried report is answered with the first one's pin, even formatted differently, raced 16 times at
/// once, or after a restart; a reused key with another body is refused; and nothing is written twice.
async fn a_retried_report_is_answered_and_not_stored_twice(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let mut server = Server::start(&store).await;
    let (lon, lat) = REPUBLIC_SQUARE;
    let body = report(lon, lat, "pram", "no ramp at the crossing");
    let first = post_with_key(&server, "retry-1", &body.to_string()).await;
    assert_eq!(first.status(), 201);
    let location = first.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = first.json().await.unwrap();

    let reformatted = serde_json::to_string_pretty(&body).unwrap();
    let again = post_with_key(&server, "retry-1", &reformatted).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["location"], location.as_str());
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let replayed: Value = again.json().await.unwrap();
    assert_eq!(replayed, created, "the same pin, unchanged since");

    let other = post_with_key(&server, "retry-1", &report(lon, lat, "pram", "another problem").to_string()).await;
    assert_eq!(other.status(), 422);
    let p: Value = other.json().await.unwrap();
    assert_eq!(p["errors"][0]["parameter"], "Idempotency-Key", "{p}");

    for bad in ["has space", "ключ"] {
        let r = server
            .client
            .post(server.url("/api/v1/pins"))
            .header("content-type", "application/geo+json")
            .header("idempotency-key", reqwest::header::HeaderValue::from_bytes(bad.as_bytes()).unwrap())
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }
    assert_eq!(count_pins(&store).await, 1);

    // Sixteen retries of a new report at once: one pin, sixteen answers naming it.
    let racing = report(lon, lat, "wheelchair", "sixteen taps on a bad connection").to_string();
    let answers = futures_util::future::join_all((0..16).map(|_| post_with_key(&server, "race-1", &racing))).await;
    let mut locations: Vec<String> = answers
        .iter()
        .map(|r| {
            assert_eq!(r.status(), 201);
            r.headers()["location"].to_str().unwrap().to_owned()
        })
        .collect();
    locations.dedup();
    assert_eq!(locations.len(), 1, "{locations:?}");
    assert_eq!(count_pins(&store).await, 2);
    assert_eq!(server.list_all_ids("limit=100").await.len(), 2, "the index holds each pin once");

    // The key is in the store, so a retry after a restart is still answered.
    server.restart().await;
    let after = post_with_key(&server, "race-1", &racing).await;
    assert_eq!(after.status(), 201);
    // (The restarted server listens on another port; the pin's path is the same.)
    let path = |l: &str| l.split_once("/api/").map(|(_, p)| p.to_owned());
    assert_eq!(path(after.headers()["location"].to_str().unwrap()), path(&locations[0]));
    assert_eq!(count_pins(&store).await, 2);
}

/// The point stored is bit for bit the one sent: full-precision coordinates, written shortest (as
/// JavaScript writes them), parsed exactly (serde_json's default parser lands ~5% of them one ulp away).
async fn coordinates_are_stored_exactly(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..100 {
        let (lon, lat) = (76.90 + next() * 0.05, 43.22 + next() * 0.04);
        let text = format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{},{}]}},"properties":{{"category":"pram","description":"exact"}}}}"#,
            ryu::Buffer::new().format(lon),
            ryu::Buffer::new().format(lat)
        );
        let r = server
            .client
            .post(server.url("/api/v1/pins"))
            .header("content-type", "application/geo+json")
            .body(text.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{text}");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let (_, stored) = server.get_json(&format!("/api/v1/pins/{id}")).await;
        let back = &stored["geometry"]["coordinates"];
        assert_eq!(back[0].as_f64().map(f64::to_bits), Some(lon.to_bits()), "{text} → {back}");
        assert_eq!(back[1].as_f64().map(f64::to_bits), Some(lat.to_bits()), "{text} → {back}");
    }
}

#[tokio::test]
async fn csv_cells_cannot_become_spreadsheet_formulas() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let server = Server::start(&store).await;
    let (lon, lat) = REPUBLIC_SQUARE;
    for text in ["=HYPERLINK(\"http://evil.example\",\"click\")", "+7 701 000 0000", "-1", "@SUM(A1:A9)"] {
        assert_eq!(server.post_pin(&report(lon, lat, "other", text)).await.status(), 201);
    }
    let csv = server.get("/api/v1/exports/pins.csv").await.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let column = reader.headers().unwrap().iter().position(|h| h == "description").unwrap();
    let mut cells: Vec<String> = reader.records().map(|r| r.unwrap()[column].to_owned()).collect();
    cells.sort();
    assert_eq!(cells, ["'+7 701 000 0000", "'-1", "'=HYPERLINK(\"http://evil.example\",\"click\")", "'@SUM(A1:A9)"]);
}

#[tokio::test]
async fn answers_carry_security_headers_and_public_reads_allow_any_origin() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>qala</title>").unwrap();
    let options = ServeOptions {
        web_dir: Some(dir.path().to_owned()),
        basemap_style: Some("https://tiles.example.org/styles/city.json".into()),
        ..Default::default()
    };
    let server = Server::start_with(&store, options).await;
    let page = server.get("/").await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "connect-src 'self' https://tiles.example.org",
    ] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert!(page.headers().get("access-control-allow-origin").is_none(), "the page is not an API");
    for path in ["/", "/api/v1/pins", "/api/v1/session", "/nothing"] {
        let r = server.get(path).await;
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers()["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        assert_eq!(r.headers()["x-frame-options"], "DENY", "{path}");
    }
    let api =
        server.client.get(server.url("/api/v1/pins")).header("origin", "https://civic.example").send().await.unwrap();
    assert_eq!(api.headers()["access-control-allow-origin"], "*");
    assert!(api.headers().get("access-control-allow-credentials").is_none());
    assert_eq!(api.headers()["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
    let ogc = server.get("/ogc/collections/pins/items?limit=1").await;
    assert_eq!(ogc.headers()["access-control-allow-origin"], "*");
    // Staff routes and writes are not opened to other origins.
    assert!(server.get("/api/v1/session").await.headers().get("access-control-allow-origin").is_none());
    let (lon, lat) = REPUBLIC_SQUARE;
    let posted = server.post_pin(&report(lon, lat, "pram", "d")).await;
    assert!(posted.headers().get("access-control-allow-origin").is_none());
}

/// Beyond `--max-requests-in-flight` a request is refused at once (503, `Retry-After`) rather than queued;
/// `/healthz` still answers; a body that stops arriving is cut off by the body timeout (408) and frees its
/// place; nothing is written.
#[tokio::test]
async fn load_is_shed_at_once_and_stalled_bodies_time_out() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let options = ServeOptions {
        flags: vec!["--max-requests-in-flight=1".into(), "--body-timeout-secs=2".into()],
        ..Default::default()
    };
    let server = Server::start_with(&store, options).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    // A report whose body never comes holds the one place.
    let mut stalled = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/pins HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"type\":"
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let r = server.get("/api/v1/pins").await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["type"], "/problems/overloaded");
    assert!(started.elapsed() < Duration::from_secs(1), "refused at once, not queued: {:?}", started.elapsed());
    assert_eq!(server.get("/healthz").await.status(), 200);
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stalled.read_to_end(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("/problems/body-timeout"), "{answer}");
    assert_eq!(server.get("/api/v1/pins").await.status(), 200, "the place is free again");
    assert_eq!(count_pins(&store).await, 0);
}

/// Slow-loris: 200 connections trickling their headers do not keep a normal client waiting, and the header
/// timeout closes them.
#[tokio::test]
async fn trickled_headers_are_cut_off_and_do_not_block_others() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let options = ServeOptions { flags: vec!["--header-timeout-secs=2".into()], ..Default::default() };
    let server = Server::start_with(&store, options).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut trickling = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /api/v1/pins HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        trickling.push(s);
    }
    let mut slowest = Duration::ZERO;
    for round in 0..6 {
        for s in &mut trickling {
            // A header line a piece at a time, never the blank line that ends the head.
            let _ = s.write_all(format!("X-{round}: y\r\n").as_bytes()).await;
        }
        let started = Instant::now();
        assert_eq!(server.get("/api/v1/pins?limit=1").await.status(), 200);
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!("slowest normal request beside 200 trickling connections: {slowest:?}");
    assert!(slowest < Duration::from_millis(500), "a normal client waited {slowest:?}");
    // Past the header timeout every trickling connection has been closed by the server.
    let mut closed = 0;
    for s in &mut trickling {
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(_)) | Ok(Err(_)) => closed += 1,
            Err(_) => {}
        }
    }
    assert_eq!(closed, 200, "connections closed by the header timeout");
}

on_both_stores!(a_retried_report_is_answered_and_not_stored_twice, coordinates_are_stored_exactly);

async fn post_from(
    server: &Server,
    forwarded_for: Option<&str>,
    token: Option<&str>,
    description: &str,
) -> reqwest::Response {
    let (lon, lat) = REPUBLIC_SQUARE;
    let mut request = server
        .client
        .post(server.url("/api/v1/pins"))
        .header("content-type", "application/geo+json")
        .body(report(lon, lat, "pram", description).to_string());
    if let Some(addr) = forwarded_for {
        request = request.header("x-forwarded-for", addr);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// A flood of reports from one address is refused (429, `Retry-After`) after its burst, and writes nothing;
/// staff are not limited; `X-Forwarded-For` names another client only when a trusted proxy sends it.
#[tokio::test]
async fn reports_are_rate_limited_per_address() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let planner = crate::support::staff::add_staff(&store, "aigul", "planner").await;
    let flags = |proxy: bool| {
        let mut f = vec!["--report-rate=2/1h".to_owned(), "--report-burst=2".to_owned()];
        if proxy {
            f.push("--trusted-proxy=127.0.0.1".into());
        }
        f
    };
    let mut server = Server::start_with(&store, ServeOptions { flags: flags(false), ..Default::default() }).await;
    assert_eq!(post_from(&server, None, None, "first").await.status(), 201);
    assert_eq!(post_from(&server, None, None, "second").await.status(), 201);
    for _ in 0..5 {
        let r = post_from(&server, None, None, "flood").await;
        assert_eq!(r.status(), 429);
        let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=1800).contains(&wait), "Retry-After {wait}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["type"], "/problems/rate-limited", "{p}");
    }
    // Once refused, the address is refused before its body is read: even a body that is not JSON at all is
    // a 429, not a 400 (a flood costs a lookup per request, not a parse).
    let unread = server
        .client
        .post(server.url("/api/v1/pins"))
        .header("content-type", "application/geo+json")
        .body("{ not json")
        .send()
        .await
        .unwrap();
    assert_eq!(unread.status(), 429);
    assert!(unread.headers().contains_key("retry-after"));
    // Claiming to be someone else does not help without a trusted proxy.
    assert_eq!(post_from(&server, Some("198.51.100.23"), None, "spoofed").await.status(), 429);
    assert_eq!(post_from(&server, None, Some(&planner), "staff are not limited").await.status(), 201);
    assert_eq!(count_pins(&store).await, 3, "the refused reports wrote nothing");

    // Behind a trusted proxy (here: the test itself), each client it names has its own allowance.
    server.stop().await;
    let server = Server::start_with(&store, ServeOptions { flags: flags(true), ..Default::default() }).await;
    for client in ["198.51.100.23", "198.51.100.24"] {
        assert_eq!(post_from(&server, Some(client), None, "via the proxy").await.status(), 201, "{client}");
        assert_eq!(post_from(&server, Some(client), None, "via the proxy").await.status(), 201, "{client}");
        assert_eq!(post_from(&server, Some(client), None, "via the proxy").await.status(), 429, "{client}");
    }
    // The address the proxy appended is the client's; what the client claimed before it is not.
    assert_eq!(post_from(&server, Some("203.0.113.1, 198.51.100.23"), None, "claimed").await.status(), 429);
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited_and_a_good_token_still_signs_in() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let planner = crate::support::staff::add_staff(&store, "aigul", "planner").await;
    let server = Server::start(&store).await;
    let sign_in = |token: String| {
        let server = &server;
        async move {
            server
                .client
                .post(server.url("/api/v1/session"))
                .json(&serde_json::json!({"token": token}))
                .send()
                .await
                .unwrap()
        }
    };
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(sign_in(format!("qala_guess{i}")).await.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    assert_eq!(sign_in(planner).await.status(), 200);
}

/// Links and `Location` come from `--public-url`, or from a trusted proxy's forwarded host; a client's own
/// `X-Forwarded-Host` is not echoed, nor a malformed `Host`.
#[tokio::test]
async fn links_are_not_built_from_what_a_client_claims() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let (lon, lat) = REPUBLIC_SQUARE;
    let body = report(lon, lat, "pram", "d").to_string();
    let post = |server: &Server, host: Option<&'static str>| {
        let mut r = server
            .client
            .post(server.url("/api/v1/pins"))
            .header("content-type", "application/geo+json")
            .header("x-forwarded-host", "evil.example")
            .header("x-forwarded-proto", "https")
            .body(body.clone());
        if let Some(host) = host {
            r = r.header("host", host);
        }
        r.send()
    };
    let server = Server::start(&store).await;
    let own = server.base.trim_start_matches("http://").to_owned();
    let r = post(&server, None).await.unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("http://{own}/api/v1/pins/1"));
    let r = post(&server, Some("qala.kz/@evil.example")).await.unwrap();
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        "http://localhost/api/v1/pins/2",
        "a malformed Host is not echoed"
    );
    let landing: Value = server
        .client
        .get(server.url("/ogc"))
        .header("x-forwarded-host", "evil.example")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!landing.to_string().contains("evil.example"), "{landing}");
    drop(server);

    let behind = Server::start_with(
        &store,
        ServeOptions { flags: vec!["--trusted-proxy=127.0.0.0/8".into()], ..Default::default() },
    )
    .await;
    let r = post(&behind, None).await.unwrap();
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        "https://evil.example/api/v1/pins/3",
        "a trusted proxy is believed"
    );
    drop(behind);

    let public = Server::start_with(
        &store,
        ServeOptions { flags: vec!["--public-url=https://qala.example.kz/city/".into()], ..Default::default() },
    )
    .await;
    let r = post(&public, None).await.unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), "https://qala.example.kz/city/api/v1/pins/4");
    let landing: Value = public.get("/ogc").await.json().await.unwrap();
    assert!(
        landing["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["href"].as_str().unwrap().starts_with("https://qala.example.kz/city/ogc")),
        "{landing}"
    );
}

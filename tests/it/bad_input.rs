//! Every kind of bad input gets a clear problem+json answer and writes nothing, to the store or the index.

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{REPUBLIC_SQUARE, Server, StoreKind, TestStore, count_pins, report};

struct Case {
    name: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: u16,
    problem: &'static str,
    pointer: Option<&'static str>,
}

fn case(name: &'static str, body: Value, status: u16, problem: &'static str, pointer: Option<&'static str>) -> Case {
    Case {
        name,
        content_type: Some("application/geo+json"),
        body: body.to_string().into_bytes(),
        status,
        problem,
        pointer,
    }
}

fn with_props(props: Value) -> Value {
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [76.9458, 43.238]}, "properties": props})
}

fn with_coords(coords: Value) -> Value {
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": coords},
        "properties": {"category": "pram", "description": "d"}})
}

fn body_cases() -> Vec<Case> {
    let (lon, lat) = REPUBLIC_SQUARE;
    let ok = report(lon, lat, "pram", "fine");
    let mut cases = vec![
        Case {
            name: "malformed JSON",
            content_type: Some("application/json"),
            body: b"{\"type\": \"Feature\",".to_vec(),
            status: 400,
            problem: "/problems/malformed-json",
            pointer: None,
        },
        Case {
            name: "not UTF-8",
            content_type: Some("application/json"),
            body: vec![b'{', 0xff, 0xfe, b'}'],
            status: 400,
            problem: "/problems/malformed-json",
            pointer: None,
        },
        Case {
            name: "NaN literal",
            content_type: Some("application/json"),
            body: br#"{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,43.2]},"properties":{}}"#.to_vec(),
            status: 400,
            problem: "/problems/malformed-json",
            pointer: None,
        },
        Case {
            name: "infinite coordinate",
            content_type: Some("application/json"),
            body: br#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,43.2]},"properties":{"category":"pram","description":"d"}}"#.to_vec(),
            status: 422,
            problem: "/problems/validation",
            pointer: Some(""),
        },
        Case {
            // A parser differential: serde_json alone would keep the second geometry, another parser the
            // first (issue 17).
            name: "a key twice",
            content_type: Some("application/geo+json"),
            body: br#"{"type":"Feature","geometry":{"type":"Point","coordinates":[76.9458,43.238]},"geometry":{"type":"Point","coordinates":[76.95,43.25]},"properties":{"category":"pram","description":"d"}}"#.to_vec(),
            status: 400,
            problem: "/problems/malformed-json",
            pointer: None,
        },
        Case {
            name: "nested 10,000 deep",
            content_type: Some("application/json"),
            body: format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            status: 400,
            problem: "/problems/malformed-json",
            pointer: None,
        },
        Case {
            name: "wrong content type",
            content_type: Some("text/plain"),
            body: ok.to_string().into_bytes(),
            status: 415,
            problem: "/problems/unsupported-media-type",
            pointer: None,
        },
        Case {
            name: "form content type",
            content_type: Some("application/x-www-form-urlencoded"),
            body: b"category=pram".to_vec(),
            status: 415,
            problem: "/problems/unsupported-media-type",
            pointer: None,
        },
        Case {
            name: "no content type",
            content_type: None,
            body: ok.to_string().into_bytes(),
            status: 415,
            problem: "/problems/unsupported-media-type",
            pointer: None,
        },
        Case {
            name: "body over 64 KiB",
            content_type: Some("application/json"),
            body: report(lon, lat, "pram", &"x".repeat(70 * 1024)).to_string().into_bytes(),
            status: 413,
            problem: "/problems/payload-too-large",
            pointer: None,
        },
    ];
    cases.extend([
        case("an array", json!([1, 2]), 422, "/problems/validation", Some("")),
        case(
            "a FeatureCollection",
            json!({"type": "FeatureCollection", "features": [ok]}),
            422,
            "/problems/validation",
            Some("/type"),
        ),
        case(
            "no geometry",
            json!({"type": "Feature", "properties": {"category": "pram", "description": "d"}}),
            422,
            "/problems/validation",
            Some("/geometry"),
        ),
        case(
            "a LineString",
            json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[76.9, 43.2], [76.91, 43.21]]},
                "properties": {"category": "pram", "description": "d"}}),
            422,
            "/problems/validation",
            Some("/geometry/type"),
        ),
        case(
            "3D point",
            with_coords(json!([76.9458, 43.238, 850.0])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates"),
        ),
        case(
            "one coordinate",
            with_coords(json!([76.9458])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates"),
        ),
        case(
            "nested junk",
            with_coords(json!([[76.9458, 43.238], 1])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates/0"),
        ),
        case(
            "string coordinate",
            with_coords(json!(["76.9", 43.238])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates/0"),
        ),
        case(
            "NaN as a string",
            with_coords(json!(["NaN", 43.238])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates/0"),
        ),
        case(
            "longitude out of range",
            with_coords(json!([181.0, 43.238])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates/0"),
        ),
        case(
            "latitude out of range",
            with_coords(json!([76.9, -90.5])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates/1"),
        ),
        case(
            "swapped lat/lon",
            with_coords(json!([43.238, 76.9458])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates"),
        ),
        case(
            "outside Almaty",
            with_coords(json!([71.4306, 51.1283])),
            422,
            "/problems/validation",
            Some("/geometry/coordinates"),
        ),
        case("null island", with_coords(json!([0.0, 0.0])), 422, "/problems/validation", Some("/geometry/coordinates")),
        case(
            "no properties",
            json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [76.9458, 43.238]}}),
            422,
            "/problems/validation",
            Some("/properties"),
        ),
        case(
            "unknown category",
            with_props(json!({"category": "car", "description": "d"})),
            422,
            "/problems/validation",
            Some("/properties/category"),
        ),
        case(
            "category not a string",
            with_props(json!({"category": 3, "description": "d"})),
            422,
            "/problems/validation",
            Some("/properties/category"),
        ),
        case(
            "missing description",
            with_props(json!({"category": "pram"})),
            422,
            "/problems/validation",
            Some("/properties/description"),
        ),
        case(
            "blank description",
            with_props(json!({"category": "pram", "description": "   \n "})),
            422,
            "/problems/validation",
            Some("/properties/description"),
        ),
        case(
            "description of 2001 characters",
            with_props(json!({"category": "pram", "description": "ы".repeat(2001)})),
            422,
            "/problems/validation",
            Some("/properties/description"),
        ),
        case(
            "NUL in description",
            with_props(json!({"category": "pram", "description": "a\u{0}b"})),
            422,
            "/problems/validation",
            Some("/properties/description"),
        ),
        case(
            "description of invisible characters only",
            with_props(json!({"category": "pram", "description": "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}"})),
            422,
            "/problems/validation",
            Some("/properties/description"),
        ),
        case(
            "bidi override in description",
            with_props(json!({"category": "pram", "description": "call +7 701 \u{202E}8765 432"})),
            422,
            "/problems/validation",
            Some("/properties/description"),
        ),
        case(
            "bidi isolate in contact",
            with_props(json!({"category": "pram", "description": "d", "contact": "a\u{2066}@b.kz"})),
            422,
            "/problems/validation",
            Some("/properties/contact"),
        ),
        case(
            "bad contact",
            with_props(json!({"category": "pram", "description": "d", "contact": "call me"})),
            422,
            "/problems/validation",
            Some("/properties/contact"),
        ),
        case(
            "contact not a string",
            with_props(json!({"category": "pram", "description": "d", "contact": 87012345678_i64})),
            422,
            "/problems/validation",
            Some("/properties/contact"),
        ),
        case(
            "client-chosen status",
            with_props(json!({"category": "pram", "description": "d", "status": "resolved"})),
            422,
            "/problems/validation",
            Some("/properties/status"),
        ),
    ]);
    cases
}

async fn bad_reports_are_refused_and_write_nothing(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    for c in body_cases() {
        let mut req = server.client.post(server.url("/api/v1/pins")).body(c.body.clone());
        if let Some(ct) = c.content_type {
            req = req.header("content-type", ct);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), c.status, "{}", c.name);
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{}", c.name);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["type"], c.problem, "{}: {p}", c.name);
        assert_eq!(p["status"], c.status, "{}", c.name);
        assert!(!p["title"].as_str().unwrap().is_empty() && !p["detail"].as_str().unwrap().is_empty(), "{}", c.name);
        if let Some(pointer) = c.pointer {
            let errors = p["errors"].as_array().unwrap_or_else(|| panic!("{}: no errors list in {p}", c.name));
            assert!(errors.iter().any(|e| e["pointer"] == pointer), "{}: {pointer} not named in {p}", c.name);
        }
    }
    assert_nothing_written(&server, &store).await;
}

/// A body over the limit sent chunked (no Content-Length to check up front) is cut off at 64 KiB.
async fn an_oversize_chunked_body_is_413(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let chunk = "x".repeat(8192);
    let mut request = format!(
        "POST /api/v1/pins HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    for _ in 0..10 {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    request.push_str("0\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("application/problem+json"), "{response}");
    assert_nothing_written(&server, &store).await;
}

async fn bad_listing_parameters_are_400_and_name_the_parameter(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let cases = [
        ("bbox=1,2,3", "bbox"),
        ("bbox=1,2,3,4,5", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=77,43,76,44", "bbox"),
        ("bbox=76,44,77,43", "bbox"),
        ("bbox=76,43,77,NaN", "bbox"),
        ("bbox=76,43,181,44", "bbox"),
        ("bbox=", "bbox"),
        ("limit=0", "limit"),
        ("limit=10001", "limit"),
        ("limit=ten", "limit"),
        ("limit=-5", "limit"),
        ("cursor=abc", "cursor"),
        ("category=car", "category"),
        ("status=done", "status"),
        ("colour=red", "colour"),
        ("limit=5&limit=6", "limit"),
        // Area ids are positive: the README promises 400 for a malformed one, not 404.
        ("within=-1", "within"),
        ("within=0", "within"),
        ("within=9223372036854775808", "within"),
    ];
    for (query, parameter) in cases {
        let r = server.get(&format!("/api/v1/pins?{query}")).await;
        assert_eq!(r.status(), 400, "{query}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{query}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["type"], "/problems/invalid-parameters", "{query}");
        let errors = p["errors"].as_array().unwrap();
        assert!(errors.iter().any(|e| e["parameter"] == parameter), "{query}: {p}");
    }
}

async fn unknown_routes_and_methods_are_problems(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    // `/` is the web map's page now (tests/it/map_api.rs); a path that is neither a route nor one of its files
    // is still a problem+json 404.
    for path in ["/api/v1/nothing", "/api/v2/pins", "/nothing.js"] {
        let r = server.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    // A path segment that is not UTF-8, and a query parameter a route does not take, are named problems.
    for (path, parameter) in [
        ("/api/v1/pins/%FF", "id"),
        ("/api/v1/areas/%FF/stats", "id"),
        ("/api/v1/exports/%FF.csv", "file"),
        ("/api/v1/pins/1?zzz=1", "zzz"),
        ("/api/v1/areas/1?format=x", "format"),
    ] {
        let r = server.get(path).await;
        assert_eq!(r.status(), 400, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
        let p: Value = r.json().await.unwrap();
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["parameter"] == parameter), "{path}: {p}");
    }
    let r = server.client.delete(server.url("/api/v1/pins")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_nothing_written(&server, &store).await;
}

/// A 100 MB body announced by `Content-Length` is refused before a byte of it is sent.
async fn a_100_mb_body_is_413_before_it_is_read(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/pins HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        100 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut response = vec![0_u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut response))
        .await
        .expect("answered without the body being sent")
        .unwrap();
    let response = String::from_utf8_lossy(&response[..n]).into_owned();
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("application/problem+json"), "{response}");
    assert_nothing_written(&server, &store).await;
}

/// Hostile bytes and numbers in a report and in listing parameters: each a 4xx problem naming what is
/// wrong, the server up afterwards, nothing written.
async fn hostile_bytes_and_numbers_are_named_problems(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let server = Server::start(&store).await;
    let (lon, lat) = REPUBLIC_SQUARE;
    let ok = report(lon, lat, "pram", "kerb").to_string();
    let mut invalid_utf8 = ok.clone().into_bytes();
    let at = ok.find("kerb").unwrap();
    invalid_utf8[at] = 0xff;
    let bodies: Vec<(&str, Vec<u8>, u16, Option<&str>)> = vec![
        ("invalid UTF-8", invalid_utf8, 400, None),
        (
            "NUL in a description",
            report(lon, lat, "pram", "a\u{0}b").to_string().into_bytes(),
            422,
            Some("/properties/description"),
        ),
        (
            "a longitude of -0.0 is outside Almaty",
            report(-0.0, lat, "pram", "kerb").to_string().into_bytes(),
            422,
            Some("/geometry/coordinates"),
        ),
        (
            "a number too large for a double",
            ok.replace(&format!("[{lon},"), "[1e400,").into_bytes(),
            422,
            // The parser refuses it with its line and column: the body is what is named.
            Some(""),
        ),
        (
            "a negative zero latitude",
            ok.replace(&format!(",{lat}]"), ",-0.0]").into_bytes(),
            422,
            Some("/geometry/coordinates"),
        ),
    ];
    for (name, body, status, pointer) in bodies {
        let r = server
            .client
            .post(server.url("/api/v1/pins"))
            .header("content-type", "application/geo+json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{name}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{name}");
        let p: Value = r.json().await.unwrap();
        if let Some(pointer) = pointer {
            let errors = p["errors"].as_array().unwrap_or_else(|| panic!("{name}: {p}"));
            assert!(
                errors.iter().any(|e| e["pointer"].as_str().is_some_and(|q| q.starts_with(pointer))),
                "{name}: {p}"
            );
        }
    }
    let queries = [
        ("bbox=-180,-90,180,90.000001", "bbox"),
        ("bbox=1e400,43,77,44", "bbox"),
        ("bbox=77,43,76,44", "bbox"),
        ("cursor=-1", "cursor"),
        ("cursor=9223372036854775808", "cursor"),
        ("cursor=%00", "cursor"),
        ("category=pram%00", "category"),
        ("near=76.9,43.2&radius_m=1e400", "radius_m"),
        ("near=76.9,43.2&radius_m=-0.0", "radius_m"),
        ("within=%E2%80%AE1", "within"),
    ];
    for (query, parameter) in queries {
        let r = server.get(&format!("/api/v1/pins?{query}")).await;
        assert_eq!(r.status(), 400, "{query}");
        let p: Value = r.json().await.unwrap();
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["parameter"] == parameter), "{query}: {p}");
    }
    // Extreme but well-formed: the whole world, and the last possible cursor, are answered.
    for query in ["bbox=-180,-90,180,90", "cursor=9223372036854775807", "limit=10000"] {
        let (status, page) = server.get_json(&format!("/api/v1/pins?{query}")).await;
        assert_eq!(status, 200, "{query}: {page}");
    }
    assert_nothing_written(&server, &store).await;
}

async fn assert_nothing_written(server: &Server, store: &TestStore) {
    assert_eq!(count_pins(store).await, 0, "the store holds no pin");
    assert_eq!(store.scalar("SELECT count(*) FROM pin_contacts").await, 0);
    assert!(server.list_all_ids("limit=10000").await.is_empty(), "the index holds no pin");
    let (_, ready) = server.get_json("/readyz").await;
    assert_eq!(ready["pins"], 0);
    assert!(!server.log().contains("panicked"), "no panic in the log");
}

on_both_stores!(
    bad_reports_are_refused_and_write_nothing,
    an_oversize_chunked_body_is_413,
    a_100_mb_body_is_413_before_it_is_read,
    hostile_bytes_and_numbers_are_named_problems,
    bad_listing_parameters_are_400_and_name_the_parameter,
    unknown_routes_and_methods_are_problems
);

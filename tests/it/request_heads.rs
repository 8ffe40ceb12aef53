//! Request heads qala will not read (issue 17): too long a path and query (414), too large headers (431), a
//! request line or header that is not HTTP/1.1 (400). Each is a problem document, whether qala refuses it
//! (up to hyper's hard limits) or hyper does before qala sees the request (beyond them).

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Server, StoreKind, TestStore};

#[tokio::test]
async fn oversized_heads_are_refused_with_problems() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let server = Server::start(&store).await;
    let long_filter = format!("description LIKE '{}'", "x".repeat(20_000));
    let r = server
        .client
        .get(server.url("/ogc/collections/pins/items"))
        .query(&[("filter", &long_filter)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 414);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    for size in [40 * 1024, 100 * 1024] {
        let r =
            server.client.get(server.url("/api/v1/pins")).header("x-padding", "p".repeat(size)).send().await.unwrap();
        assert_eq!(r.status(), 431, "{size}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{size}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["type"], "/problems/headers-too-large");
    }
}

/// Sends `head` on a connection of its own and reads the whole answer until hyper closes the connection.
async fn raw_answer(server: &Server, head: &[u8]) -> (String, Value) {
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut s = TcpStream::connect(&addr).await.unwrap();
    s.write_all(head).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no head in {answer:?}"));
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned))
        .unwrap_or_else(|| panic!("no content-length in {head}"));
    assert_eq!(length.parse::<usize>().unwrap(), body.len(), "{answer}");
    assert!(head.to_ascii_lowercase().contains("\r\ncontent-type: application/problem+json\r\n"), "{head}");
    (head.lines().next().unwrap().to_owned(), serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}")))
}

/// Beyond hyper's own limits (a path and query over 64 KiB, a head that fills its 256 KiB buffer, a head it
/// cannot parse), hyper answers before qala sees the request; the answer is still a problem document, and the
/// server goes on answering everyone else.
#[tokio::test]
async fn heads_beyond_hypers_limits_are_refused_with_problems_too() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let server = Server::start(&store).await;
    let long_uri = format!("GET /api/v1/pins?q={} HTTP/1.1\r\nHost: x\r\n\r\n", "x".repeat(70_000));
    let (status, doc) = raw_answer(&server, long_uri.as_bytes()).await;
    assert_eq!(status, "HTTP/1.1 414 URI Too Long");
    assert_eq!(doc["type"], "/problems/uri-too-long");
    assert_eq!(doc["status"], 414);
    // Exactly hyper's buffer of a head that never ends: hyper has read it all when it refuses it, so the
    // connection closes cleanly rather than being reset with bytes unread.
    let mut full = b"GET /api/v1/pins HTTP/1.1\r\nHost: x\r\nX-Padding: ".to_vec();
    full.resize(256 * 1024, b'p');
    let (status, doc) = raw_answer(&server, &full).await;
    assert_eq!(status, "HTTP/1.1 431 Request Header Fields Too Large");
    assert_eq!(doc["type"], "/problems/headers-too-large");
    let many: String = (0..120).map(|i| format!("X-{i}: y\r\n")).collect();
    let (status, doc) = raw_answer(&server, format!("GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n").as_bytes()).await;
    assert_eq!(status, "HTTP/1.1 431 Request Header Fields Too Large", "over 100 headers");
    assert_eq!(doc["type"], "/problems/headers-too-large");
    for garbage in
        [&b"NOT HTTP AT ALL\r\n\r\n"[..], b"GET /api/v1/pins HTTP/1.1\r\nBad Header\r\n\r\n", b"\x00\x01\x02\r\n\r\n"]
    {
        let (status, doc) = raw_answer(&server, garbage).await;
        assert_eq!(status, "HTTP/1.1 400 Bad Request", "{garbage:?}");
        assert_eq!(doc["type"], "/problems/malformed-request", "{garbage:?}");
    }
    assert_eq!(server.get("/api/v1/pins?limit=1").await.status(), 200);
}

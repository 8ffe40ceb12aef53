//! Under write contention the embedded store never says "database is locked": requests wait for the lock,
//! and one that cannot get it within the busy timeout is a 503 with Retry-After, writing nothing.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use sqlx::Connection;

use crate::support::{QalaProcess, REPUBLIC_SQUARE, StoreKind, TestStore, count_pins, report};

#[tokio::test]
async fn an_outside_writer_holding_the_lock_gives_waits_or_503_never_500() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    // The binary: the lock is held by another process than qala's, as SQLite sees a real outside writer.
    let server = QalaProcess::start(&store).await;

    // Another process's write transaction, held for a while (as a long `qala areas import` might).
    let mut outside =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", store.gpkg_path.display())).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut outside).await.unwrap();

    // A short hold: the request waits and succeeds once the lock is released.
    let waiting = {
        let server = &server;
        async move { server.post_pin(&report(REPUBLIC_SQUARE.0, REPUBLIC_SQUARE.1, "pram", "waits")).await.status() }
    };
    let release = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        sqlx::query("COMMIT").execute(&mut outside).await.unwrap();
    };
    let (status, ()) = tokio::join!(waiting, release);
    assert_eq!(status, 201, "a request waits for a short lock");

    // A long hold: past the busy timeout the answer is 503 with Retry-After, and nothing is written.
    sqlx::query("BEGIN IMMEDIATE").execute(&mut outside).await.unwrap();
    let statuses: Vec<(u16, Option<String>, String)> = futures_util::stream::iter(0..2)
        .map(|i| {
            let server = &server;
            async move {
                let r = server
                    .post_pin(&report(REPUBLIC_SQUARE.0, REPUBLIC_SQUARE.1, "pram", &format!("blocked {i}")))
                    .await;
                let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
                (r.status().as_u16(), retry, r.text().await.unwrap())
            }
        })
        .buffer_unordered(2)
        .collect()
        .await;
    sqlx::query("ROLLBACK").execute(&mut outside).await.unwrap();
    for (status, retry, body) in &statuses {
        assert_eq!(*status, 503, "{body}");
        assert!(retry.is_some(), "Retry-After on a 503");
        assert!(!body.contains("locked"), "no SQLite message reaches the client: {body}");
        let p: Value = serde_json::from_str(body).unwrap();
        assert_eq!(p["type"], "/problems/store-unavailable");
    }
    assert_eq!(count_pins(&store).await, 1, "the refused writes wrote nothing");
    assert_eq!(server.list_all_ids("limit=10000").await.len(), 1, "nor reached the index");
    // And the service is fine afterwards.
    assert_eq!(server.post_pin(&report(REPUBLIC_SQUARE.0, REPUBLIC_SQUARE.1, "pram", "after")).await.status(), 201);
}

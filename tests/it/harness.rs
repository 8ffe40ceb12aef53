//! The harness keeps its promise: an in-process server's log holds what the binary's stderr would (its
//! events and any panic on its threads), so the tests' "no panic in the log" checks mean what they meant
//! when every server was a process.

use std::time::Duration;

use crate::support::{Server, StoreKind, TestStore, eventually};

#[tokio::test]
async fn an_in_process_server_logs_its_requests_and_panics() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let server = Server::start(&store).await;
    assert_eq!(server.get("/healthz").await.status(), 200);
    eventually("the request is in the log", || async { server.log().contains("finished processing request") }).await;
    assert!(!server.log().contains("panicked"), "{}", server.log());

    let task = server.runtime().spawn(async {
        tokio::time::sleep(Duration::from_millis(1)).await;
        panic!("a task of the server fails");
    });
    assert!(task.await.is_err(), "the task panicked");
    let log = server.log();
    assert!(log.contains("panicked") && log.contains("a task of the server fails"), "{log}");
}

//! Start, health, readiness, graceful shutdown and start-up failures of the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, TestDb};

#[tokio::test]
async fn health_readiness_and_graceful_shutdown() {
    let db = TestDb::create().await;
    let mut server = Server::start(&db).await;
    let (status, health) = server.get_json("/healthz").await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    let (status, ready) = server.get_json("/readyz").await;
    assert_eq!(status, 200);
    assert_eq!(ready["store"], "postgis");
    let exit = server.terminate().await;
    assert!(exit.success(), "SIGTERM ends qala cleanly: {exit:?}");
    assert!(server.log().contains("shutting down"));
}

#[tokio::test]
async fn an_unreachable_database_is_a_one_line_error_and_a_failed_exit() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_qala"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.lines().any(|l| l.starts_with("qala: error:")), "{stderr}");

    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_qala"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("DATABASE_URL"));
}

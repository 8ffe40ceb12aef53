//! Start, health, readiness, graceful shutdown and start-up failures of the real binary.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{QalaProcess, REPUBLIC_SQUARE, StoreKind, TestStore, report};

async fn health_readiness_and_graceful_shutdown(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    // The binary: its start, its exit status after SIGTERM and what it logs on the way are the point.
    let mut server = QalaProcess::start(&store).await;
    let (status, health) = server.get_json("/healthz").await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    let (status, ready) = server.get_json("/readyz").await;
    assert_eq!(status, 200);
    assert_eq!(ready["store"], if kind == StoreKind::Postgis { "postgis" } else { "gpkg" });
    let exit = server.terminate().await;
    assert!(exit.success(), "SIGTERM ends qala cleanly: {exit:?}");
    assert!(server.log().contains("shutting down"));
}

/// SIGTERM under load: what is in flight is answered (every pin stored was acknowledged, and every
/// acknowledged pin is stored), no answer is a 5xx, the process exits 0 well within its grace, and the
/// address refuses new connections.
async fn sigterm_under_load_finishes_what_is_in_flight(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    let mut server = QalaProcess::start(&store).await;
    let acknowledged: Arc<Mutex<BTreeSet<i64>>> = Arc::default();
    let failures: Arc<Mutex<Vec<u16>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..16 {
        let (client, url) = (server.client.clone(), server.url("/api/v1/pins"));
        let (acknowledged, failures) = (acknowledged.clone(), failures.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let body = report(REPUBLIC_SQUARE.0, REPUBLIC_SQUARE.1, "pram", &format!("writer {w} #{i}"));
                let sent =
                    client.post(&url).header("content-type", "application/json").body(body.to_string()).send().await;
                // Refused or closed: the server has stopped taking requests.
                let Ok(response) = sent else { return };
                if response.status() != 201 {
                    failures.lock().unwrap().push(response.status().as_u16());
                    return;
                }
                let Ok(v) = response.json::<Value>().await else { return };
                acknowledged.lock().unwrap().insert(v["id"].as_i64().unwrap());
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let exit = server.terminate().await;
    let took = started.elapsed();
    for w in writers {
        w.await.unwrap();
    }
    assert!(exit.success(), "SIGTERM under load ends qala cleanly: {exit:?}");
    assert!(took < Duration::from_secs(10), "exited {took:?} after SIGTERM");
    let failures = failures.lock().unwrap().clone();
    assert!(failures.iter().all(|s| *s < 500), "answers during the shutdown: {failures:?}");
    let acked = acknowledged.lock().unwrap().clone();
    assert!(acked.len() > 20, "the writers were answered before the signal ({})", acked.len());
    let stored: BTreeSet<i64> = store.pin_ids().await.into_iter().collect();
    assert_eq!(stored, acked, "every stored pin was acknowledged, and every acknowledged pin stored");
    assert!(tokio::net::TcpStream::connect(&addr).await.is_err(), "the address refuses new connections");
}

async fn serve(env: &[(&str, &str)]) -> std::process::Output {
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_qala"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(std::time::Duration::from_secs(30), child).await.expect("qala should have exited").unwrap()
}

fn assert_one_line_error(output: &std::process::Output, mentions: &[&str]) {
    assert!(!output.status.success(), "qala should refuse to start");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.lines().find(|l| l.starts_with("qala: error:")).unwrap_or_else(|| panic!("{stderr}"));
    for m in mentions {
        assert!(line.contains(m), "{m:?} not in {line:?}");
    }
}

#[tokio::test]
async fn an_unreachable_database_is_a_one_line_error_and_a_failed_exit() {
    let output = serve(&[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")]).await;
    assert_one_line_error(&output, &[]);
}

/// Bad embedded stores: a clear one-line error naming the file and the reason, a failed exit, and the
/// file exactly as it was.
#[tokio::test]
async fn unusable_geopackages_are_refused_at_start_and_left_untouched() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bad-stores-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let text = dir.join("notes.gpkg");
    std::fs::write(&text, "these are meeting notes, not a GeoPackage\n".repeat(50)).unwrap();
    let foreign = dir.join("foreign.gpkg");
    let status = std::process::Command::new("ogr2ogr")
        .args([
            "-f",
            "GPKG",
            foreign.to_str().unwrap(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/data/almaty_districts.geojson"),
        ])
        .status()
        .expect("ogr2ogr (Debian gdal-bin) is needed; ./scripts/test installs it");
    assert!(status.success());
    let plain_sqlite = dir.join("plain.gpkg");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", plain_sqlite.display())).await.unwrap();
    sqlx::query("CREATE TABLE t (x)").execute(&pool).await.unwrap();
    pool.close().await;

    for (path, reason) in
        [(&text, "not a GeoPackage"), (&foreign, "not a qala store"), (&plain_sqlite, "not a GeoPackage")]
    {
        let before = std::fs::read(path).unwrap();
        let output = serve(&[("QALA_STORE", path.to_str().unwrap()), ("DATABASE_URL", "")]).await;
        assert_one_line_error(&output, &[path.to_str().unwrap(), reason]);
        assert_eq!(std::fs::read(path).unwrap(), before, "{} untouched", path.display());
    }
    let missing = dir.join("no-such-dir").join("qala.gpkg");
    let output = serve(&[("QALA_STORE", missing.to_str().unwrap()), ("DATABASE_URL", "")]).await;
    assert_one_line_error(&output, &[missing.to_str().unwrap(), "does not exist"]);
    assert!(!missing.exists());

    // A directory nobody can write in. Permission bits stop every user but root; for root (CI runs as
    // root) a path whose "directory" is a regular file is equally unwritable.
    let read_only = dir.join("read-only");
    std::fs::create_dir_all(&read_only).unwrap();
    std::fs::set_permissions(&read_only, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    let is_root =
        std::process::Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(true);
    if !is_root {
        let inside = read_only.join("qala.gpkg");
        let output = serve(&[("QALA_STORE", inside.to_str().unwrap()), ("DATABASE_URL", "")]).await;
        assert_one_line_error(&output, &[inside.to_str().unwrap()]);
        assert!(!inside.exists());
    }
    let not_a_dir = dir.join("a-file");
    std::fs::write(&not_a_dir, b"x").unwrap();
    let inside = not_a_dir.join("qala.gpkg");
    let output = serve(&[("QALA_STORE", inside.to_str().unwrap()), ("DATABASE_URL", "")]).await;
    assert_one_line_error(&output, &[inside.to_str().unwrap()]);
}

on_both_stores!(health_readiness_and_graceful_shutdown, sigterm_under_load_finishes_what_is_in_flight);

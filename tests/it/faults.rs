//! Faults survived (issue 17): PostgreSQL restarted while qala serves under load, and a GeoPackage on a disk
//! that fills up. In both, every answer is a success or a problem a client can act on (503, 507), never a
//! 500 or a dropped connection; qala recovers by itself; nothing acknowledged is lost or written twice.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Mutex;

use crate::support::cluster::Cluster;
use crate::support::db::unique_name;
use crate::support::{Server, TestStore, report};

/// One answer: when its request was sent and answered, its status (0: no answer) and content type.
#[derive(Debug, Clone)]
struct Answer {
    sent: Instant,
    answered: Instant,
    status: u16,
    content_type: String,
}

async fn send(request: reqwest::RequestBuilder) -> (Answer, Option<Value>) {
    let sent = Instant::now();
    match request.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            let content_type =
                r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let body = r.json::<Value>().await.ok();
            (Answer { sent, answered: Instant::now(), status, content_type }, body)
        }
        Err(_) => (Answer { sent, answered: Instant::now(), status: 0, content_type: String::new() }, None),
    }
}

fn post(server: &Server, key: &str, description: &str) -> reqwest::RequestBuilder {
    let (lon, lat) = crate::support::REPUBLIC_SQUARE;
    server
        .client
        .post(server.url("/api/v1/pins"))
        .header("content-type", "application/geo+json")
        .header("idempotency-key", key)
        .body(report(lon, lat, "wheelchair", description).to_string())
}

/// Writers that report until `stop`, each report retried with its key until it is acknowledged; every
/// answer and every acknowledged id is recorded.
async fn write_load(
    server: &Arc<Server>,
    writers: usize,
    stop: &Arc<AtomicBool>,
) -> (Vec<tokio::task::JoinHandle<()>>, Arc<Mutex<Vec<Answer>>>, Arc<Mutex<Vec<i64>>>) {
    let (answers, acked) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (server, stop, answers, acked) = (server.clone(), stop.clone(), answers.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let key = format!("restart-{w}-{i}");
                loop {
                    let (answer, body) = send(post(&server, &key, "kerb too high at the crossing")).await;
                    let created = answer.status == 201;
                    answers.lock().await.push(answer);
                    if created {
                        acked.lock().await.push(body.and_then(|b| b["id"].as_i64()).unwrap());
                        break;
                    }
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                if stop.load(Ordering::SeqCst) {
                    return;
                }
            }
        }));
    }
    (tasks, answers, acked)
}

/// Every answer is a success or a 503 problem; none is a 500 or a dropped connection.
fn only_successes_and_problems(answers: &[Answer]) {
    for a in answers {
        match a.status {
            200 | 201 => {}
            503 => assert_eq!(a.content_type, "application/problem+json", "{a:?}"),
            _ => panic!("an answer that is neither a success nor a 503 problem: {a:?}"),
        }
    }
}

/// Acknowledged reports are all in the store, once each, and the index holds exactly the store's pins.
async fn nothing_acknowledged_lost(server: &Server, store: &TestStore, acked: &[i64]) {
    let acked: BTreeSet<i64> = acked.iter().copied().collect();
    let stored: BTreeSet<i64> = store.pin_ids().await.into_iter().collect();
    assert_eq!(stored, acked, "the store holds every acknowledged report and nothing else (no duplicate)");
    let indexed: BTreeSet<i64> = server.list_all_ids("").await.into_iter().collect();
    assert_eq!(indexed, stored, "index == store");
}

#[tokio::test]
async fn postgresql_restarted_under_load() {
    let cluster = Arc::new(Cluster::start());
    let store = TestStore::from_postgis(cluster.database().await);
    let server = Arc::new(Server::start(&store).await);
    let stop = Arc::new(AtomicBool::new(false));
    let (writers, answers, acked) = write_load(&server, 4, &stop).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    let c = cluster.clone();
    tokio::task::spawn_blocking(move || c.stop()).await.unwrap();
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    // A read while the database is down is answered (from the index and the feature cache) or refused with
    // a 503 problem, like the writes.
    let (listing, _) = send(server.client.get(server.url("/api/v1/pins?limit=5"))).await;
    only_successes_and_problems(&[listing]);
    let c = cluster.clone();
    tokio::task::spawn_blocking(move || c.start_again()).await.unwrap();
    let up = Instant::now();
    tokio::time::sleep(Duration::from_secs(6)).await;
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }

    let answers = answers.lock().await.clone();
    only_successes_and_problems(&answers);
    assert!(
        answers.iter().any(|a| a.status == 503 && a.answered > down && a.sent < up),
        "writes while the database was down are refused with 503"
    );
    let recovered = answers.iter().filter(|a| a.status == 201 && a.sent >= up).map(|a| a.answered).min();
    let recovered = recovered.expect("writes succeed again after the database is back");
    assert!(recovered - up <= Duration::from_secs(5), "recovered {:?} after the database came back", recovered - up);
    nothing_acknowledged_lost(&server, &store, &acked.lock().await).await;
}

/// A small tmpfs of the test's own, unmounted when dropped.
struct SmallDisk {
    dir: PathBuf,
}

impl SmallDisk {
    fn mount(mib: u32) -> SmallDisk {
        let dir = PathBuf::from("/tmp").join(format!("qala-full-{}", unique_name()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "this test mounts a {mib} MiB tmpfs (it needs root, as ./scripts/test runs): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { dir }
    }

    /// Gives the filesystem more room, as an operator freeing space would.
    fn grow(&self, mib: u32) {
        let status = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={mib}m")])
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(status.success(), "remount {}", self.dir.display());
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazily: a test that failed may still hold the store open, and the mount must not outlive the run.
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

async fn integrity_check(path: &Path) -> String {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", path.display())).await.unwrap();
    let result: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
    pool.close().await;
    result
}

#[tokio::test]
async fn a_geopackage_on_a_full_disk() {
    let disk = SmallDisk::mount(8);
    let store = TestStore::from_gpkg(disk.path("qala.gpkg"));
    let mut server = Server::start(&store).await;
    let description = "the pavement is broken along the whole block; ".repeat(40);
    let mut acked = Vec::new();
    let mut refused = None;
    for i in 0..20_000 {
        let (answer, body) = send(post(&server, &format!("full-{i}"), &description)).await;
        match answer.status {
            201 => acked.push(body.and_then(|b| b["id"].as_i64()).unwrap()),
            _ => {
                refused = Some((answer, body));
                break;
            }
        }
    }
    let (answer, body) = refused.expect("an 8 MiB disk fills before 20,000 reports");
    assert!([503, 507].contains(&answer.status), "a full disk is 507 or 503: {answer:?} {body:?}");
    assert_eq!(answer.content_type, "application/problem+json");
    assert!(!acked.is_empty(), "some reports fit");
    // Further writes are refused cleanly (or fit, in space SQLite gave back); reads keep working.
    for i in 0..20 {
        let (again, body) = send(post(&server, &format!("full-again-{i}"), &description)).await;
        match again.status {
            201 => acked.push(body.and_then(|b| b["id"].as_i64()).unwrap()),
            status => assert!([503, 507].contains(&status), "{again:?}"),
        }
    }
    let (_, pin) = server.get_json(&format!("/api/v1/pins/{}", acked[acked.len() / 2])).await;
    assert_eq!(pin["properties"]["description"], description.trim_end());
    let (status, listing) = server.get_json("/api/v1/pins?limit=5").await;
    assert_eq!(status, 200, "{listing}");
    nothing_acknowledged_lost(&server, &store, &acked).await;

    server.stop().await;
    assert_eq!(integrity_check(&store.gpkg_path).await, "ok");
    // The operator frees space; qala starts again on the same file with every acknowledged report, and
    // takes reports again.
    disk.grow(16);
    server.restart().await;
    nothing_acknowledged_lost(&server, &store, &acked).await;
    let (answer, _) = send(post(&server, "after-the-disk-grew", "kerb too high")).await;
    assert_eq!(answer.status, 201, "{answer:?}");
}

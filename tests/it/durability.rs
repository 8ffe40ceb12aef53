//! Acknowledged means durable: every pin answered with 201 before a SIGKILL is in the store and in the index
//! after a restart, and the index again matches the store exactly; a report whose answer the kill swallowed,
//! sent again with its idempotency key, is stored once.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::support::{QalaProcess, REPUBLIC_SQUARE, StoreKind, TestStore, report};

/// What the writers learnt: the pins acknowledged, and the reports whose answer the kill swallowed (their
/// idempotency key and body), to be sent again after the restart as a phone would.
#[derive(Default)]
struct Writes {
    acknowledged: BTreeSet<i64>,
    unanswered: Vec<(String, String)>,
}

async fn post_once(client: &reqwest::Client, url: &str, key: &str, body: &str) -> Result<i64, ()> {
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(body.to_owned())
        .send()
        .await
        .map_err(|_| ())?;
    if response.status() != 201 {
        return Err(());
    }
    let v: Value = response.json().await.map_err(|_| ())?;
    v["id"].as_i64().ok_or(())
}

async fn a_kill_9_loses_no_acknowledged_pin(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    // The binary, not an in-process server: a SIGKILL of the process is the point.
    let mut server = QalaProcess::start(&store).await;
    let mut rng = StdRng::seed_from_u64(7);
    let writes: Arc<Mutex<Writes>> = Arc::default();

    // Round 0: the simplest case, a kill right after one 201.
    let r = server.post_pin(&report(REPUBLIC_SQUARE.0, REPUBLIC_SQUARE.1, "pram", "before the kill")).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    writes.lock().unwrap().acknowledged.insert(v["id"].as_i64().unwrap());
    server.kill9().await;

    let mut retried = 0;
    // Twenty rounds of load and a kill; the last pass only restarts, retries and checks.
    for round in 0..=20 {
        server.restart().await;
        // Every report whose answer was lost is sent again with its key: answered with the pin the first
        // attempt stored if it was committed, stored now if not; never stored twice (checked below).
        let unanswered = std::mem::take(&mut writes.lock().unwrap().unanswered);
        for (key, body) in unanswered {
            let id = post_once(&server.client, &server.url("/api/v1/pins"), &key, &body).await;
            writes.lock().unwrap().acknowledged.insert(id.unwrap_or_else(|()| panic!("the retry of {key} failed")));
            retried += 1;
        }
        let acked = writes.lock().unwrap().acknowledged.clone();
        check(&server, &store, &acked, round).await;
        if round == 20 {
            break;
        }

        // Sixteen writers, then a SIGKILL at a random moment while they write.
        let mut writers = Vec::new();
        for w in 0..16 {
            let client = server.client.clone();
            let url = server.url("/api/v1/pins");
            let writes = writes.clone();
            writers.push(tokio::spawn(async move {
                for i in 0.. {
                    let lon = REPUBLIC_SQUARE.0 + f64::from(w) * 0.0005;
                    let lat = REPUBLIC_SQUARE.1 + f64::from(i % 100) * 0.0001;
                    let key = format!("r{round}-w{w}-{i}");
                    let body = report(lon, lat, "wheelchair", &format!("report {key}")).to_string();
                    match post_once(&client, &url, &key, &body).await {
                        Ok(id) => {
                            writes.lock().unwrap().acknowledged.insert(id);
                        }
                        Err(()) => {
                            writes.lock().unwrap().unanswered.push((key, body));
                            return;
                        }
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..400))).await;
        server.kill9().await;
        for w in writers {
            w.await.unwrap();
        }
    }
    let acked = writes.lock().unwrap().acknowledged.clone();
    assert!(acked.len() > 100, "the writers got acknowledgements ({})", acked.len());
    assert!(retried >= 20, "reports were cut off by the kills and sent again ({retried})");
    // No report is stored twice: each key's description is on exactly one pin.
    let duplicated = store
        .strings(
            "SELECT description FROM pins GROUP BY description HAVING count(*) > 1",
            "SELECT description FROM pins GROUP BY description HAVING count(*) > 1",
        )
        .await;
    assert!(duplicated.is_empty(), "stored twice despite their idempotency keys: {duplicated:?}");
}

async fn check(server: &QalaProcess, store: &TestStore, acknowledged: &BTreeSet<i64>, round: usize) {
    let stored: BTreeSet<i64> = store.pin_ids().await.into_iter().collect();
    let missing: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(missing.is_empty(), "round {round}: acknowledged but not stored: {missing:?}");
    let indexed: BTreeSet<i64> = server.list_all_ids("limit=10000").await.into_iter().collect();
    assert_eq!(indexed, stored, "round {round}: the index matches the store");
    let in_bbox: BTreeSet<i64> =
        server.list_all_ids("bbox=76.94,43.23,76.96,43.25&limit=10000").await.into_iter().collect();
    assert!(acknowledged.is_subset(&in_bbox), "round {round}: every acknowledged pin is in the bbox listing");
    if let Some(last) = acknowledged.last() {
        assert_eq!(server.get(&format!("/api/v1/pins/{last}")).await.status(), 200);
    }
}

on_both_stores!(a_kill_9_loses_no_acknowledged_pin);

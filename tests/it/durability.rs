//! Acknowledged means durable: every pin answered with 201 before a SIGKILL is in the store and in the index
//! after a restart, and the index again matches the store exactly.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::support::{QalaProcess, REPUBLIC_SQUARE, StoreKind, TestStore, report};

async fn a_kill_9_loses_no_acknowledged_pin(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    // The binary, not an in-process server: a SIGKILL of the process is the point.
    let mut server = QalaProcess::start(&store).await;
    let mut rng = StdRng::seed_from_u64(7);
    let acknowledged: Arc<Mutex<BTreeSet<i64>>> = Arc::default();

    // Round 0: the simplest case, a kill right after one 201.
    let r = server.post_pin(&report(REPUBLIC_SQUARE.0, REPUBLIC_SQUARE.1, "pram", "before the kill")).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    acknowledged.lock().unwrap().insert(v["id"].as_i64().unwrap());
    server.kill9().await;

    for round in 0..10 {
        server.restart().await;
        let acked = acknowledged.lock().unwrap().clone();
        check(&server, &store, &acked, round).await;

        // Eight writers, then a SIGKILL at a random moment while they write.
        let mut writers = Vec::new();
        for w in 0..8 {
            let client = server.client.clone();
            let url = server.url("/api/v1/pins");
            let acknowledged = acknowledged.clone();
            writers.push(tokio::spawn(async move {
                for i in 0.. {
                    let lon = REPUBLIC_SQUARE.0 + f64::from(w) * 0.001;
                    let lat = REPUBLIC_SQUARE.1 + f64::from(i % 100) * 0.0001;
                    let body = report(lon, lat, "wheelchair", &format!("round {round} writer {w} #{i}"));
                    let sent = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body.to_string())
                        .send()
                        .await;
                    let Ok(response) = sent else { return };
                    if response.status() != 201 {
                        return;
                    }
                    let Ok(v) = response.json::<Value>().await else { return };
                    acknowledged.lock().unwrap().insert(v["id"].as_i64().unwrap());
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..400))).await;
        server.kill9().await;
        for w in writers {
            w.await.unwrap();
        }
    }
    server.restart().await;
    let acked = acknowledged.lock().unwrap().clone();
    check(&server, &store, &acked, 10).await;
    assert!(acked.len() > 50, "the writers got acknowledgements ({})", acked.len());
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

//! schemathesis (PyPI) against both API documents, every check: a run of a fixed seed and a bounded number
//! of examples per operation must find no server error, no response that breaks its schema, no schema-valid
//! request refused and no schema-invalid one accepted, so each document says what the server does.
//!
//! The server runs in this process on a GeoPackage store with seeded pins, a second historic-centre version
//! and an admin, whose token schemathesis sends, so the staff operations are exercised too (none of them
//! revokes it: tokens are issued and revoked only by `qala staff`). The refusals no schema can state (a
//! parameter that needs another, a point inside the city's outline, the pins that exist) are the few
//! exceptions of `tests/it/schemathesis/` (`schemathesis.toml`, `hooks.py`), each with its reason; the test
//! prints how often each one excused a refusal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::staff::{add_staff, outline_geojson, upload_areas};
use crate::support::{Server, StoreKind, TestStore, qala_cli};

/// Examples per operation and phase; both runs take about 40 s in the dev build.
const MAX_EXAMPLES: &str = "15";
const SEED: &str = "20250501";
/// The longest a run may take before it is stopped and the test fails.
const TIME_LIMIT: Duration = Duration::from_secs(240);
const METHODS: [&str; 8] = ["get", "post", "put", "delete", "patch", "head", "options", "trace"];

#[tokio::test]
async fn schemathesis_finds_nothing_in_either_document() {
    let python = std::env::var("QALA_TEST_PYTHON").unwrap_or_else(|_| {
        panic!(
            "QALA_TEST_PYTHON is not set: it is the python of the venv benches/peers/setup.sh provisions (schemathesis)"
        )
    });
    let store = TestStore::new(StoreKind::Gpkg).await;
    let out = qala_cli(&store, &["seed", "--count", "30", "--seed", "7"]).await;
    assert!(out.status.success(), "seed: {}", String::from_utf8_lossy(&out.stderr));
    let admin = add_staff(&store, "schemathesis-admin", "admin").await;
    let mut server = Server::start(&store).await;
    let (status, imported) = upload_areas(
        &server,
        Some(&admin),
        "draft.geojson",
        outline_geojson("draft"),
        &[("kind", "historic_centre"), ("label", "schemathesis draft")],
    )
    .await;
    assert_eq!(status, 201, "{imported}");
    let draft = imported["features"][0]["id"].as_i64().unwrap();
    let (_, centre) = server.get_json("/api/v1/areas?kind=historic_centre&current=true").await;
    let current = centre["features"][0]["id"].as_i64().unwrap();

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("schemathesis").join(&store.name);
    std::fs::create_dir_all(&dir).unwrap();
    let run = Run { python, dir, admin, centres: (current, draft) };
    let started = Instant::now();
    for (name, document) in [("api-v1", "/api/v1/openapi.json"), ("ogc", "/ogc/api")] {
        let (status, doc) = server.get_json(document).await;
        assert_eq!(status, 200, "{document}");
        run.check(name, &server.url(document), operations(&doc)).await;
    }
    eprintln!("schemathesis: both documents in {:.1} s", started.elapsed().as_secs_f64());
    // Every thread of the server ends before the test does: the runs converted boxes and answers through
    // PROJ on its threads, and a thread still dropping its PROJ context while the process exits crashes it.
    server.stop().await;
}

/// What a run needs: the python with schemathesis, a directory of its own, the token, the two areas to compare.
struct Run {
    python: String,
    dir: PathBuf,
    admin: String,
    centres: (i64, i64),
}

impl Run {
    /// Runs schemathesis against the document at `url`, which has `operations` operations: it must exit 0,
    /// report no failure and no error, and have tested every operation.
    async fn check(&self, name: &str, url: &str, operations: usize) {
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/schemathesis");
        let report = self.dir.join(format!("{name}.json"));
        let excused = self.dir.join(format!("{name}-excused.ndjson"));
        let _ = std::fs::remove_file(&report);
        let _ = std::fs::remove_file(&excused);
        let mut command = tokio::process::Command::new(&self.python);
        command
            .args(["-m", "schemathesis.cli", "--config-file"])
            .arg(config.join("schemathesis.toml"))
            .args(["run", url, "--checks", "all", "--seed", SEED, "--max-examples", MAX_EXAMPLES, "--no-color"])
            // The operation that serves the document itself is left out unless a filter selects it.
            .args(["--include-path-regex", ".", "--request-timeout", "30", "--report", "json", "--report-json-path"])
            .arg(&report)
            .arg("--report-dir")
            .arg(&self.dir)
            .args(["-H", &format!("Authorization: Bearer {}", self.admin)])
            .env("QALA_SCHEMATHESIS_DIR", &config)
            .env("QALA_SCHEMATHESIS_CENTRE_A", self.centres.0.to_string())
            .env("QALA_SCHEMATHESIS_CENTRE_B", self.centres.1.to_string())
            .env("QALA_SCHEMATHESIS_EXCUSED", &excused)
            // Hypothesis and schemathesis keep their files in the working directory: this run's own.
            .current_dir(&self.dir)
            .kill_on_drop(true);
        let started = Instant::now();
        let out = tokio::time::timeout(TIME_LIMIT, command.output())
            .await
            .unwrap_or_else(|_| panic!("schemathesis against {url} ran over {TIME_LIMIT:?} and was stopped"))
            .unwrap_or_else(|e| panic!("{} -m schemathesis.cli did not start: {e}", self.python));
        let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let hint =
            if output.contains("No module named") { " (benches/peers/setup.sh installs schemathesis)" } else { "" };
        assert!(out.status.success(), "schemathesis against {url} failed ({}){hint}:\n{output}", out.status);
        let summary: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap_or_default())
            .unwrap_or_else(|e| panic!("no JSON report at {}: {e}\n{output}", report.display()));
        let ops = &summary["operations"];
        let n = operations as u64;
        assert!(
            ops["total"] == n && ops["selected"] == n && ops["tested"] == n && ops["errored"] == 0,
            "schemathesis did not test each of the {n} operations of {url}: {ops}\n{output}"
        );
        let generated = summary["test_cases"]["generated"].as_u64().unwrap_or(0);
        assert!(generated >= 10 * n, "only {generated} test cases for {n} operations of {url}\n{output}");
        for key in ["failures", "errors"] {
            assert_eq!(summary[key], Value::Array(vec![]), "schemathesis reported {key} against {url}\n{output}");
        }
        for (phase, result) in summary["phases"].as_object().into_iter().flatten() {
            assert_eq!(result["status"], "success", "phase {phase} against {url}: {result}\n{output}");
        }
        eprintln!(
            "schemathesis {name}: {n} operations, {generated} test cases in {:.1} s; refusals excused by \
             tests/it/schemathesis/hooks.py:\n{}",
            started.elapsed().as_secs_f64(),
            tally(&excused)
        );
    }
}

/// The operations of an OpenAPI document: one per path and method.
fn operations(doc: &Value) -> usize {
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
        .sum()
}

/// How often each rule of hooks.py excused a refusal, by operation.
fn tally(log: &Path) -> String {
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for line in std::fs::read_to_string(log).unwrap_or_default().lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        let what = entry["entry"]["parameter"].as_str().or(entry["entry"]["pointer"].as_str()).unwrap_or("");
        let key = (entry["operation"].as_str().unwrap_or("").to_owned(), format!("{} {what}", entry["status"]));
        *counts.entry(key).or_default() += 1;
    }
    if counts.is_empty() {
        return "  none".to_owned();
    }
    counts.iter().map(|((op, what), n)| format!("  {op} {what}: {n}")).collect::<Vec<_>>().join("\n")
}

//! End to end over HTTP: the real `qala serve` under `wrk` (Debian's), and the PostgreSQL baseline that builds
//! the same FeatureCollection itself, driven at the same concurrency through one sqlx pool.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::PgPool;
use tokio::io::AsyncBufReadExt;

use crate::queries::Window;

/// Requests per second and latency percentiles of one load run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Load {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    pub errors: u64,
}

pub struct Server {
    pub child: Child,
    pub base: String,
    pub startup: Duration,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `qala serve` on port 0 with `store_env` and waits until `/readyz` answers 200; the start-up time
/// runs from spawning the process to that answer.
pub async fn start(bin: &Path, store_env: &[(&str, String)]) -> Server {
    // The load comes from one address (this machine); the per-address report limit would refuse it.
    start_with(bin, store_env, &["--report-rate=off", "--contact-retention-days=0"]).await
}

/// [`start`] with other flags than the load runs' (which turn the report limit off).
pub async fn start_with(bin: &Path, store_env: &[(&str, String)], flags: &[&str]) -> Server {
    let started = Instant::now();
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .args(flags)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in store_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(tokio::process::ChildStdout::from_std(stdout).unwrap()).lines();
    let base = loop {
        let line = lines.next_line().await.unwrap().expect("qala exited before listening");
        if let Some(url) = line.strip_prefix("qala listening on ") {
            break url.trim().to_owned();
        }
    };
    let client = reqwest::Client::new();
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Server { child, base, startup: started.elapsed() }
}

const REPORT_LUA: &str = r#"
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
               + summary.errors.write + summary.errors.timeout
  io.write(string.format('{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors))
end
"#;

/// A wrk script that cycles through the paths in `paths_file` (one per line).
pub fn get_script(dir: &Path, paths_file: &Path) -> PathBuf {
    let script = format!(
        r#"
local paths = {{}}
for line in io.lines("{}") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
{REPORT_LUA}"#,
        paths_file.display()
    );
    let path = dir.join(format!("get_{}.lua", paths_file.file_stem().unwrap().to_string_lossy()));
    std::fs::write(&path, script).unwrap();
    path
}

/// A wrk script that reports a pin at a random point of central Almaty with every request.
pub fn post_script(dir: &Path) -> PathBuf {
    let script = format!(
        r#"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/geo+json"
local categories = {{"pram", "wheelchair", "bicycle", "limited_mobility", "low_vision", "other"}}
local n = 0
setup = function(thread) thread:set("seed", math.random(1, 1000000)) end
init = function(args) math.randomseed(seed or 1) end
request = function()
  n = n + 1
  local lon = 76.90 + math.random() * 0.06
  local lat = 43.23 + math.random() * 0.03
  local body = string.format('{{"type":"Feature","geometry":{{"type":"Point","coordinates":[%.7f,%.7f]}},' ..
    '"properties":{{"category":"%s","description":"benchmark report %d"}}}}', lon, lat,
    categories[(n % 6) + 1], n)
  return wrk.format(nil, nil, nil, body)
end
{REPORT_LUA}"#
    );
    let path = dir.join("post.lua");
    std::fs::write(&path, script).unwrap();
    path
}

/// Runs wrk with `conns` connections for `secs` seconds.
pub fn wrk(url: &str, script: &Path, conns: usize, secs: u64) -> Load {
    let threads = conns.min(2).to_string();
    let out = Command::new("wrk")
        .args(["-t", &threads, "-c", &conns.to_string(), "-d", &format!("{secs}s"), "--latency", "-s"])
        .arg(script)
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("cannot run wrk (the bench script installs Debian's wrk): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = stdout.lines().rev().find(|l| l.starts_with('{')).unwrap_or_else(|| panic!("wrk said: {stdout}"));
    let v: Value = serde_json::from_str(json).unwrap();
    let requests = v["requests"].as_u64().unwrap();
    // A non-2xx answer or a socket error is a failed request: a rate of failures is not a measurement.
    let errors = v["errors"].as_u64().unwrap();
    assert_eq!(errors, 0, "wrk saw {errors} failed requests of {requests} on {url}");
    let secs = v["duration_us"].as_f64().unwrap() / 1e6;
    Load {
        rps: requests as f64 / secs,
        p50_ms: v["p50_us"].as_f64().unwrap() / 1000.0,
        p99_ms: v["p99_us"].as_f64().unwrap() / 1000.0,
        requests,
        errors,
    }
}

/// PostgreSQL building the FeatureCollection of the same windows, `conns` concurrent clients on one pool.
pub async fn postgres_json_load(pool: &PgPool, windows: &[Window], limit: i64, conns: usize, secs: u64) -> Load {
    let windows = Arc::new(windows.to_vec());
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..conns {
        let (pool, windows) = (pool.clone(), windows.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = c;
            while Instant::now() < deadline {
                let t = Instant::now();
                let body = crate::postgis::feature_collection(&pool, &windows[i % windows.len()], limit).await;
                std::hint::black_box(body);
                latencies.push(t.elapsed());
                i += conns;
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0;
    Load {
        rps: all.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        requests: all.len() as u64,
        errors: 0,
    }
}

//! The side-by-side benchmark: qala's in-memory index against PostGIS (GiST, same data, queried from the same
//! process) and shapely 2's STRtree, on the same seeded pins, with every answer checked for equality with
//! PostGIS before it is timed (a fast wrong answer is a bug, so a mismatch aborts the run).
//!
//! `scripts/bench` provisions what this needs (PostGIS, wrk, the shapely venv) and runs it (`cargo bench`); it
//! writes `BENCHMARKS.md`. Smoke mode does everything on 1,000 pins with one-second load runs and writes only
//! under `target/bench-smoke/`, so the driver never rots; it asserts no times, only equal answers. Smoke mode
//! is what `cargo test` runs (it starts this binary without cargo bench's `--bench` flag), so the README test
//! command exercises the whole driver in the test profile without a second, optimised build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod abuse;
mod exports;
mod http;
mod measure;
mod postgis;
mod queries;
mod report;
mod tasks;
mod updates;
mod web_map;

use std::path::PathBuf;

use qala::domain::PinRecord;
use qala::seed::PinGenerator;
use qala::spatial::ServiceArea;

/// What to run, from the command line (`cargo bench --bench side_by_side -- [--smoke] [--sizes a,b,c]`).
pub struct Options {
    pub smoke: bool,
    pub sizes: Vec<usize>,
    /// Pins for the index-only scale run.
    pub scale: usize,
    /// `postgres://user@host:port` of the server that gets the `qala_bench` databases.
    pub server: String,
    pub out_dir: PathBuf,
    /// Python with shapely (set up by `benches/peers/setup.sh`).
    pub python: String,
    pub http_secs: u64,
    pub repeat: usize,
    pub pg_repeat: usize,
    /// Where the Markdown report goes.
    pub report: PathBuf,
    /// The scratch database (dropped and recreated for each size).
    pub database: String,
    /// `--only-abuse`: only the run under abuse, reported to `out_dir/abuse.md` (BENCHMARKS.md untouched).
    pub only_abuse: bool,
}

impl Options {
    fn from_args() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let smoke = args.iter().any(|a| a == "--smoke") || !args.iter().any(|a| a == "--bench");
        let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let sizes = value("--sizes")
            .map(|s| s.split(',').map(|n| n.trim().parse().expect("--sizes takes numbers")).collect())
            .unwrap_or_else(|| if smoke { vec![1000] } else { vec![10_000, 100_000, 1_000_000] });
        let out_dir = root.join("target").join(if smoke { "bench-smoke" } else { "bench" });
        let only_abuse = args.iter().any(|a| a == "--only-abuse");
        Options {
            smoke,
            sizes,
            scale: value("--scale").map_or(if smoke { 20_000 } else { 10_000_000 }, |s| s.parse().unwrap()),
            server: std::env::var("QALA_BENCH_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into()),
            report: if smoke || only_abuse {
                out_dir.join(if only_abuse { "abuse.md" } else { "BENCHMARKS.md" })
            } else {
                root.join("BENCHMARKS.md")
            },
            only_abuse,
            out_dir,
            python: std::env::var("QALA_BENCH_PYTHON").unwrap_or_else(|_| "python3".into()),
            http_secs: if smoke { 1 } else { 5 },
            repeat: if smoke { 1 } else { 5 },
            pg_repeat: if smoke { 1 } else { 3 },
            // Under ./scripts/test the name carries the run's prefix, so the run's cleanup drops it even after a
            // failure.
            database: match (smoke, std::env::var("QALA_TEST_DB_PREFIX")) {
                (false, _) => "qala_bench".into(),
                (true, Ok(prefix)) => format!("{prefix}bench_smoke"),
                (true, Err(_)) => format!("qala_bench_smoke_{}", std::process::id()),
            },
        }
    }
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; anything unknown is ignored rather than misread.
    let opts = Options::from_args();
    std::fs::create_dir_all(&opts.out_dir).unwrap();
    let mut report = report::Report::new(&opts);
    if !opts.only_abuse {
        let largest = opts.sizes.iter().copied().max().unwrap_or(0);
        eprintln!("generating {largest} pins (seed 1)");
        let all: Vec<PinRecord> = PinGenerator::new(1, ServiceArea::almaty().unwrap()).take(largest).collect();
        for &n in &opts.sizes {
            eprintln!("== {n} pins");
            tasks::compare(&opts, &all[..n], n == largest, &mut report).await;
        }
        eprintln!("== index alone at {} pins", opts.scale);
        tasks::scale(&opts, &mut report);
    }
    let n = if opts.smoke { 1000 } else { abuse::PINS };
    eprintln!("== under abuse, {n} pins");
    let records: Vec<PinRecord> = PinGenerator::new(1, ServiceArea::almaty().unwrap()).take(n).collect();
    let windows = queries::windows(200, 1.0, ServiceArea::almaty().unwrap().bounds(), 31);
    report.abuse(n, abuse::run(&opts, &records, &windows).await);
    report.write(&opts);
    if opts.smoke {
        postgis::drop_database(&opts.server, &opts.database).await;
    }
    eprintln!("wrote {}", opts.report.display());
}

//! Collects every measurement and writes `BENCHMARKS.md` (and `results.json` beside the run's files): the
//! machine, the commands, the tables, the ratios, and whether each target of the benchmark issue is met.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::Options;
use crate::http::Load;

/// One task at one size: medians in seconds (shapely's filled in later when it ran the same task).
pub struct Row {
    pub task: String,
    pub n: usize,
    pub qala: Duration,
    pub postgis: Duration,
    pub note: String,
}

impl Row {
    pub fn new(task: &str, n: usize, qala: Duration, postgis: Duration) -> Self {
        Row { task: task.into(), n, qala, postgis, note: String::new() }
    }
    pub fn note(mut self, note: String) -> Self {
        self.note = note;
        self
    }
}

pub struct HttpRow {
    pub what: String,
    pub conns: usize,
    pub qala: Load,
    pub postgres: Option<Load>,
}

pub struct WriteRow {
    pub store: String,
    pub clients: usize,
    pub load: Load,
}

/// What the shapely peer printed.
pub struct Peer(pub Value);

impl Peer {
    /// The fastest of the ways the peer answered `task` (its plain predicate query, or a variant with the
    /// same answer), so qala is compared with the best a shapely user would write.
    fn median(&self, task: &str) -> Option<f64> {
        let main = self.0[task]["median_s"].as_f64();
        let variants = self.0[task]["variants"].as_object().into_iter().flat_map(|m| m.values());
        variants
            .filter(|v| v["same_check"].as_bool() != Some(false))
            .filter_map(|v| v["median_s"].as_f64())
            .chain(main)
            .reduce(f64::min)
    }

    pub fn check_windows(&self, counts: &[usize]) {
        let theirs: Vec<usize> = self.0["windows"]["check"]["counts"]
            .as_array()
            .expect("shapely printed no window counts")
            .iter()
            .map(|c| c.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(theirs, counts, "bbox windows: shapely and qala disagree");
    }

    pub fn check_districts(&self, counts: &BTreeMap<i64, usize>, outside: usize) {
        let check = &self.0["districts"]["check"];
        let per: BTreeMap<i64, usize> = check["per_district"]
            .as_object()
            .expect("shapely printed no district counts")
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), v.as_u64().unwrap() as usize))
            .filter(|(_, v)| *v > 0)
            .collect();
        let nonzero: BTreeMap<i64, usize> = counts.iter().filter(|(_, v)| **v > 0).map(|(k, v)| (*k, *v)).collect();
        assert_eq!(per, nonzero, "districts: shapely and qala disagree");
        assert_eq!(check["no_district"].as_u64().map(|v| v as usize), Some(outside), "pins in no district differ");
    }
}

/// Runs `benches/peers/shapely_peer.py` on the files in `dir`.
pub fn run_shapely(opts: &Options, dir: &Path) -> Peer {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/shapely_peer.py");
    let out = Command::new(&opts.python)
        .arg(&script)
        .arg(dir)
        .args(["--repeat", &opts.repeat.to_string()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} (scripts/bench sets up the venv): {e}", opts.python));
    assert!(out.status.success(), "the shapely peer failed: {}", String::from_utf8_lossy(&out.stderr));
    Peer(serde_json::from_slice(&out.stdout).expect("the shapely peer printed no JSON"))
}

#[derive(Default)]
pub struct Report {
    machine: Vec<(String, String)>,
    rows: Vec<Row>,
    peers: BTreeMap<usize, Peer>,
    memory: Vec<(usize, f64, f64, Duration)>,
    http: Vec<HttpRow>,
    writes: Vec<WriteRow>,
    updates: Vec<WriteRow>,
    startup: Vec<(String, usize, Duration, u64)>,
    rss_after: Vec<(String, u64)>,
    scale: Vec<(usize, Duration, Duration, f64, f64)>,
    exports: Vec<crate::exports::ExportRow>,
    web: Vec<crate::web_map::WebMapRow>,
    abuse: Option<(usize, Vec<crate::abuse::AbuseRow>)>,
}

fn first_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").trim().to_owned())
        .unwrap_or_else(|| "unknown".into())
}

impl Report {
    pub fn new(_opts: &Options) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1));
        let mem = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let machine = vec![
            ("CPU".into(), cpu.unwrap_or("unknown").trim().to_owned()),
            ("cores".into(), std::thread::available_parallelism().map_or(0, |n| n.get()).to_string()),
            ("memory".into(), mem.lines().next().unwrap_or("").replace("MemTotal:", "").trim().to_owned()),
            ("kernel".into(), first_line("uname", &["-sr"])),
            ("rustc".into(), first_line("rustc", &["--version"])),
            ("PostgreSQL".into(), first_line("psql", &["--version"])),
            ("wrk".into(), first_line("sh", &["-c", "wrk --version 2>&1 | head -1"])),
            ("Chromium".into(), first_line("sh", &["-c", "chromium --version 2>/dev/null | head -1"])),
            ("Node.js".into(), first_line("node", &["--version"])),
        ];
        Report { machine, ..Default::default() }
    }

    pub fn row(&mut self, row: Row) {
        eprintln!(
            "  {:<48} qala {:>10.3} ms   PostGIS {:>10.3} ms   ×{:.1}",
            row.task,
            ms(row.qala),
            ms(row.postgis),
            row.postgis.as_secs_f64() / row.qala.as_secs_f64()
        );
        self.rows.push(row);
    }
    pub fn shapely(&mut self, n: usize, peer: Peer) {
        if let Some(v) = peer.0["shapely_version"].as_str() {
            self.machine.retain(|(k, _)| k != "shapely");
            self.machine.push(("shapely".into(), v.to_owned()));
        }
        self.peers.insert(n, peer);
    }
    pub fn memory(&mut self, n: usize, index_bytes: f64, postgis_bytes: f64, load: Duration) {
        self.memory.push((n, index_bytes, postgis_bytes, load));
    }
    pub fn http(&mut self, row: HttpRow) {
        eprintln!(
            "  {} ×{}: {:.0} req/s ({} requests), p99 {:.2} ms",
            row.what, row.conns, row.qala.rps, row.qala.requests, row.qala.p99_ms
        );
        self.http.push(row);
    }
    pub fn write_row(&mut self, row: WriteRow) {
        eprintln!(
            "  POST on {} ×{}: {:.0} pins/s, p99 {:.2} ms",
            row.store, row.clients, row.load.rps, row.load.p99_ms
        );
        self.writes.push(row);
    }
    pub fn update_row(&mut self, row: WriteRow) {
        eprintln!(
            "  status updates on {} ×{}: {:.0}/s, p99 {:.2} ms",
            row.store, row.clients, row.load.rps, row.load.p99_ms
        );
        self.updates.push(row);
    }
    pub fn startup(&mut self, store: &str, n: usize, t: Duration, rss: u64) {
        self.startup.push((store.into(), n, t, rss));
    }
    pub fn rss_after(&mut self, store: &str, rss: u64) {
        self.rss_after.push((store.into(), rss));
    }
    pub fn abuse(&mut self, n: usize, rows: Vec<crate::abuse::AbuseRow>) {
        self.abuse = Some((n, rows));
    }
    pub fn web_map(&mut self, row: crate::web_map::WebMapRow) {
        self.web.push(row);
    }

    pub fn export(&mut self, row: crate::exports::ExportRow) {
        eprintln!(
            "  export {} of {} pins: {:.1} MB in {:.2} s, first byte {:.1} ms, peak growth {:.1} MiB",
            row.format,
            row.n,
            row.bytes as f64 / 1e6,
            row.total.as_secs_f64(),
            row.first_byte.as_secs_f64() * 1e3,
            row.peak_growth as f64 / 1048576.0
        );
        self.exports.push(row);
    }
    pub fn scale(&mut self, n: usize, build: Duration, windows: Duration, per_window: f64, bytes: f64) {
        self.scale.push((n, build, windows, per_window, bytes));
    }

    fn shapely_time(&self, n: usize, task: &str) -> Option<f64> {
        let key = match task {
            t if t.starts_with("1,000 bbox") => "windows",
            t if t.starts_with("every pin") => "districts",
            t if t.starts_with("radius") => "radius500",
            t if t.starts_with("k = 10") => "knn10",
            _ => return None,
        };
        self.peers.get(&n).and_then(|p| p.median(key))
    }

    pub fn write(&self, opts: &Options) {
        let mut md = String::new();
        let cmd = if opts.smoke { "scripts/bench --smoke" } else { "scripts/bench" };
        writeln!(md, "# qala benchmarks\n").unwrap();
        writeln!(
            md,
            "Generated by `{cmd}` (the driver is `benches/side_by_side/`); do not edit by hand. Every answer below \
             was checked equal to PostGIS's on the same data before it was timed; times are medians of {} runs \
             (PostGIS: {}) after a warm-up.\n",
            opts.repeat, opts.pg_repeat
        )
        .unwrap();
        writeln!(md, "## Machine\n\n| | |\n|---|---|").unwrap();
        for (k, v) in &self.machine {
            writeln!(md, "| {k} | {v} |").unwrap();
        }
        writeln!(md, "\n## Commands\n\n```sh\n./scripts/bench            # this file\n./scripts/bench --smoke    # 1,000 pins, as the test command runs it\ncargo bench --bench index  # the index alone, criterion\n```\n").unwrap();
        writeln!(md, "Data: `qala seed`'s generator (seed 1): 70% of pins spread over Almaty, 30% around 36 hotspots. PostGIS holds the same pins, written through qala's store, with a GiST index on `geom` and one on `geom::geography`, after `VACUUM ANALYZE`; it is queried from this process through sqlx, one query at a time. shapely 2's STRtree is queried in one Python process (vectorised where shapely allows).\n").unwrap();

        writeln!(md, "## In-process queries\n").unwrap();
        writeln!(md, "| task | pins | qala | PostGIS | shapely | PostGIS ÷ qala | shapely ÷ qala | notes |").unwrap();
        writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---|").unwrap();
        for r in &self.rows {
            let shapely = self.shapely_time(r.n, &r.task);
            let approx = if r.task.starts_with("radius") || r.task.starts_with("k = 10") { " (approx.)" } else { "" };
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {:.1}× | {} | {} |",
                r.task,
                thousands(r.n),
                fmt_s(r.qala),
                fmt_s(r.postgis),
                shapely.map_or("—".into(), |s| format!("{}{approx}", fmt_s(Duration::from_secs_f64(s)))),
                r.postgis.as_secs_f64() / r.qala.as_secs_f64(),
                shapely.map_or("—".into(), |s| format!("{:.1}×", s / r.qala.as_secs_f64())),
                r.note
            )
            .unwrap();
        }

        writeln!(md, "\n## Memory and start-up\n").unwrap();
        writeln!(md, "| pins | index bytes per pin (allocator, measured) | index load | PostGIS table + indexes per pin | shapely STRtree per pin |").unwrap();
        writeln!(md, "|---:|---:|---:|---:|---:|").unwrap();
        for (n, ib, pb, load) in &self.memory {
            let peer = self.peers.get(n).and_then(|p| p.0["memory"]["bytes_per_pin"].as_f64());
            writeln!(
                md,
                "| {} | {ib:.1} | {} | {pb:.1} | {} |",
                thousands(*n),
                fmt_s(*load),
                peer.map_or("—".into(), |b| format!("{b:.1}"))
            )
            .unwrap();
        }
        for (store, n, t, rss) in &self.startup {
            writeln!(
                md,
                "\n`qala serve` on {store} holding {} pins: ready (`/readyz` 200) {} after spawn, RSS {:.0} MiB.",
                thousands(*n),
                fmt_s(*t),
                *rss as f64 / 1048576.0
            )
            .unwrap();
        }
        for (store, rss) in &self.rss_after {
            writeln!(md, "RSS of the {store} server after the HTTP runs: {:.0} MiB.", *rss as f64 / 1048576.0).unwrap();
        }

        writeln!(md, "\n## HTTP end to end (wrk, {} s per run, same machine)\n", opts.http_secs).unwrap();
        writeln!(
            md,
            "| request | connections | qala req/s | p50 ms | p99 ms | PostgreSQL JSON req/s | p50 ms | p99 ms |"
        )
        .unwrap();
        writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|").unwrap();
        for h in &self.http {
            let pg = h
                .postgres
                .map_or("— | — | —".into(), |p| format!("{:.0} | {:.2} | {:.2}", p.rps, p.p50_ms, p.p99_ms));
            writeln!(
                md,
                "| `{}` | {} | {:.0}{} | {:.2} | {:.2} | {pg} |",
                h.what,
                h.conns,
                h.qala.rps,
                errors(&h.qala),
                h.qala.p50_ms,
                h.qala.p99_ms
            )
            .unwrap();
        }
        writeln!(md, "\nThe PostgreSQL column is the baseline the issue asks for: the same page (same window, `ORDER BY id LIMIT n`) built by PostgreSQL itself (`json_agg(ST_AsGeoJSON(…))`), the same number of concurrent clients on one sqlx pool in the driver.").unwrap();

        writeln!(md, "\n## Durable writes (`POST /api/v1/pins`, 201 only after commit)\n").unwrap();
        writeln!(md, "| store | concurrent clients | pins/s | p50 ms | p99 ms |").unwrap();
        writeln!(md, "|---|---:|---:|---:|---:|").unwrap();
        for w in &self.writes {
            writeln!(
                md,
                "| {} | {} | {:.0}{} | {:.2} | {:.2} |",
                w.store,
                w.clients,
                w.load.rps,
                errors(&w.load),
                w.load.p50_ms,
                w.load.p99_ms
            )
            .unwrap();
        }

        writeln!(md, "\n## Durable status updates (`POST /api/v1/pins/{{id}}/updates`, 201 only after commit)\n")
            .unwrap();
        writeln!(md, "Each client moves its own 4 pins between `planned` and `in_progress` with a planner's token, sending the `If-Match` of its previous answer; each update commits the pin, its timeline entry and its audit entry together, then updates the index and the feature cache (`benches/side_by_side/updates.rs`, reqwest: wrk cannot carry an ETag from an answer to the next request).\n").unwrap();
        writeln!(md, "| store | concurrent clients | updates/s | p50 ms | p99 ms |").unwrap();
        writeln!(md, "|---|---:|---:|---:|---:|").unwrap();
        for w in &self.updates {
            writeln!(
                md,
                "| {} | {} | {:.0} | {:.2} | {:.2} |",
                w.store, w.clients, w.load.rps, w.load.p50_ms, w.load.p99_ms
            )
            .unwrap();
        }

        writeln!(md, "\n## Exports (`GET /api/v1/exports/pins.{{format}}`, every pin, PostGIS store)\n").unwrap();
        writeln!(
            md,
            "| pins | format | size | time to last byte | MB/s | features/s | first byte | server peak RSS growth |"
        )
        .unwrap();
        writeln!(md, "|---:|---|---:|---:|---:|---:|---:|---:|").unwrap();
        for e in &self.exports {
            let secs = e.total.as_secs_f64();
            writeln!(
                md,
                "| {} | {} | {:.1} MB | {} | {:.1} | {:.0} | {} | {:.1} MiB |",
                thousands(e.n),
                e.format,
                e.bytes as f64 / 1e6,
                fmt_s(e.total),
                e.bytes as f64 / 1e6 / secs,
                e.n as f64 / secs,
                fmt_s(e.first_byte),
                e.peak_growth as f64 / 1048576.0
            )
            .unwrap();
        }
        writeln!(md, "\nGeoJSON, GeoJSONSeq and CSV are streamed (the first byte leaves before the store is read to the end); FlatGeobuf and GeoPackage are built in a temporary file first, so their first byte waits for the whole file. Peak RSS growth is the server's high-water mark during the export minus its resident size before it (reset through `/proc/PID/clear_refs`).").unwrap();

        writeln!(md, "\n## Web map (Debian's Chromium headless, playwright-core, 1366×860, PostGIS store)\n").unwrap();
        writeln!(
            md,
            "| pins | page ready, every pin drawn | pins payload (gzip / JSON) | pins fetch | camera moves: frames | fps | frame p50 | p95 | max | filter → redrawn | JS heap |"
        )
        .unwrap();
        writeln!(md, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|").unwrap();
        for w in &self.web {
            let mb = |b: Option<u64>| b.map_or("–".into(), |b| format!("{:.1} MB", b as f64 / 1e6));
            writeln!(
                md,
                "| {} | {} ms | {} / {} | {} ms | {} | {:.1} | {:.1} ms | {:.1} ms | {:.1} ms | {} ms | {} |",
                thousands(w.pins as usize),
                w.load_ms,
                mb(w.pins_bytes),
                mb(w.pins_decoded_bytes),
                w.pins_fetch_ms.map_or("–".into(), |m| m.to_string()),
                w.frames,
                w.fps,
                w.frame_p50_ms,
                w.frame_p95_ms,
                w.frame_max_ms,
                w.filter_ms,
                mb(w.js_heap_bytes)
            )
            .unwrap();
        }
        writeln!(md, "\nThe page as a citizen opens it (`/#report`, every pin clustered by MapLibre's worker from `GET /api/v1/map/pins`), timed from navigation until the map is idle with the pins source loaded; then eased camera moves across the city (zoom 11 to 14.6, 400 ms each) with every frame interval recorded by `requestAnimationFrame`; then a planner's category filter, from the click until the choropleth, the pins and the map are redrawn. Headless Chromium draws WebGL on the CPU here (SwiftShader, 2 cores), so frame times are an upper bound for a browser with a GPU. Script: `maps/bench/map-load.mjs`.").unwrap();

        if let Some((n, rows)) = &self.abuse {
            md.push_str(&crate::abuse::markdown(rows, *n));
        }

        writeln!(md, "\n## Scale: the index alone\n").unwrap();
        writeln!(md, "| pins | bulk load | 1,000 windows of ~1 km² | pins per window | bytes per pin |").unwrap();
        writeln!(md, "|---:|---:|---:|---:|---:|").unwrap();
        for (n, b, w, pw, bytes) in &self.scale {
            writeln!(md, "| {} | {} | {} | {pw:.0} | {bytes:.1} |", thousands(*n), fmt_s(*b), fmt_s(*w)).unwrap();
        }

        md.push_str(&self.targets());
        let reading = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/side_by_side/reading.md");
        if let Ok(text) = std::fs::read_to_string(reading) {
            md.push('\n');
            md.push_str(&text);
        }
        std::fs::write(&opts.report, md).unwrap();
        let results = json!({
            "rows": self.rows.iter().map(|r| json!({"task": r.task, "n": r.n, "qala_s": r.qala.as_secs_f64(), "postgis_s": r.postgis.as_secs_f64(), "note": r.note})).collect::<Vec<_>>(),
            "shapely": self.peers.iter().map(|(n, p)| (n.to_string(), p.0.clone())).collect::<BTreeMap<_, _>>(),
        });
        std::fs::write(opts.out_dir.join("results.json"), serde_json::to_string_pretty(&results).unwrap()).unwrap();
    }

    /// The issue's targets, each with the measured value and whether it is met (at the largest size).
    fn targets(&self) -> String {
        let mut out =
            String::from("\n## Targets (largest size of this run)\n\n| target | measured | met |\n|---|---|---|\n");
        let largest = self.rows.iter().map(|r| r.n).max().unwrap_or(0);
        let row = |prefix: &str| self.rows.iter().find(|r| r.n == largest && r.task.starts_with(prefix));
        let mut line = |target: &str, measured: String, met: bool| {
            writeln!(out, "| {target} | {measured} | {} |", if met { "yes" } else { "**no**" }).unwrap();
        };
        if let Some(r) = row("1,000 bbox") {
            let pg = r.postgis.as_secs_f64() / r.qala.as_secs_f64();
            line("bbox windows ≥ 50× PostGIS", format!("{pg:.1}×"), pg >= 50.0);
            if let Some(s) = self.shapely_time(largest, &r.task) {
                let ratio = s / r.qala.as_secs_f64();
                line("bbox windows ≥ 3× shapely", format!("{ratio:.1}×"), ratio >= 3.0);
            }
        }
        if let Some(r) = row("k = 10") {
            let pg = r.postgis.as_secs_f64() / r.qala.as_secs_f64();
            line("k = 10 nearest ≥ 20× PostGIS", format!("{pg:.1}×"), pg >= 20.0);
        }
        if let Some(r) = row("radius") {
            let pg = r.postgis.as_secs_f64() / r.qala.as_secs_f64();
            line("radius 500 m ≥ 20× PostGIS", format!("{pg:.1}×"), pg >= 20.0);
            if let Some(s) = self.shapely_time(largest, &r.task) {
                line(
                    "radius 500 m (exact) faster than shapely's approximation",
                    format!("{:.1}×", s / r.qala.as_secs_f64()),
                    s > r.qala.as_secs_f64(),
                );
            }
        }
        if let Some(r) = row("every pin") {
            line("every pin to its district ≤ 0.1 s", fmt_s(r.qala), r.qala.as_secs_f64() <= 0.1);
        }
        if let Some(h) = self.http.iter().find(|h| h.conns == 16 && h.what.contains("limit=100 ")) {
            line(
                "HTTP bbox page of 100 ≥ 5,000 req/s at 16 connections",
                format!("{:.0} req/s", h.qala.rps),
                h.qala.rps >= 5000.0,
            );
            line("… with p99 ≤ 20 ms", format!("{:.2} ms", h.qala.p99_ms), h.qala.p99_ms <= 20.0);
        }
        let pages: Vec<&HttpRow> = self.http.iter().filter(|h| h.postgres.is_some()).collect();
        if !pages.is_empty() {
            let faster = pages.iter().filter(|h| h.postgres.is_some_and(|p| h.qala.rps > p.rps)).count();
            line(
                "HTTP pages faster than PostgreSQL building the JSON (every size and concurrency)",
                format!("{faster} of {}", pages.len()),
                faster == pages.len(),
            );
        }
        for (store, floor) in [("GeoPackage", 1000.0), ("PostGIS", 2000.0)] {
            if let Some(w) = self.writes.iter().find(|w| w.store == store && w.clients == 64) {
                line(
                    &format!("durable writes on {store} ≥ {floor:.0} pins/s at 64 clients"),
                    format!("{:.0} pins/s", w.load.rps),
                    w.load.rps >= floor,
                );
            }
        }
        if let Some(w) = self.updates.iter().find(|w| w.store == "PostGIS" && w.clients == 16) {
            line(
                "durable status updates on PostGIS ≥ 1000/s at 16 clients",
                format!("{:.0} updates/s", w.load.rps),
                w.load.rps >= 1000.0,
            );
        }
        if let Some((_, b, _, _)) = self.memory.iter().find(|m| m.0 == largest) {
            line("index ≤ 64 bytes per pin", format!("{b:.1}"), *b <= 64.0);
        }
        if let Some((_, _, t, _)) = self.startup.first() {
            line("start-up with the largest store ≤ 10 s", fmt_s(*t), t.as_secs_f64() <= 10.0);
        }
        // Streamed exports: memory must not grow with the number of pins (within 32 MiB of the smallest run).
        let smallest = self.exports.iter().map(|e| e.n).min().unwrap_or(0);
        for format in ["geojson", "geojsonseq", "csv"] {
            let at = |n: usize| self.exports.iter().find(|e| e.n == n && e.format == format).map(|e| e.peak_growth);
            if let (Some(small), Some(large)) = (at(smallest), at(largest))
                && largest > smallest
            {
                let mib = |b: u64| b as f64 / 1048576.0;
                line(
                    &format!(
                        "{format} export streams: peak RSS growth at {} pins within 32 MiB of {} pins",
                        thousands(largest),
                        thousands(smallest)
                    ),
                    format!("{:.1} MiB vs {:.1} MiB", mib(large), mib(small)),
                    large <= small + 32 * 1048576,
                );
            }
        }
        out
    }
}

fn errors(load: &Load) -> String {
    if load.errors > 0 { format!(" ({} errors)", load.errors) } else { String::new() }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn fmt_s(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.001 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

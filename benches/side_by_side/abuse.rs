//! Safe in public, measured: what ordinary clients see while qala is abused. The real `qala serve` on PostGIS
//! with its public defaults (rate limits on, the filter budget) and this machine as a trusted proxy, so each
//! client can be its own address through `X-Forwarded-For`. Four runs of the same ordinary clients (a bbox
//! listing, a citizen's report, `/healthz`): quiet; beside one address flooding reports as fast as it can
//! (rate-limited, so answered 429); beside 8 clients running the costliest filter a page accepts
//! (`description LIKE '%…%'` that matches no pin, so every description is read and tested); beside both.
//!
//! The p50/p99 of each ordinary request, the heavy filter's own latency and the flood's answers go in the
//! report. Closed loops with a 10 ms pause between an ordinary client's requests (a person, not a load
//! generator); the abusers pause not at all.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use qala::domain::PinRecord;
use serde_json::json;

use crate::Options;
use crate::http::{self, Load};
use crate::postgis;
use crate::queries::Window;

/// Pins in the store: Almaty's order of magnitude, where the issue measured `LIKE` at ~0.2 s.
pub const PINS: usize = 22_000;
/// Clients running the heavy filter at once.
const HEAVY_CLIENTS: usize = 8;
/// Connections of the flooding address.
const FLOOD_CONNS: usize = 4;
const PAUSE: Duration = Duration::from_millis(10);

pub struct AbuseRow {
    pub scenario: &'static str,
    pub listing: Load,
    pub report: Load,
    pub healthz: Load,
    /// The heavy filter's latencies and answers by status.
    pub heavy: Option<(Load, BTreeMap<u16, u64>)>,
    /// The flood's answers by status.
    pub flood: Option<BTreeMap<u16, u64>>,
}

/// One client's loop until `deadline`: each request's latency and status.
async fn closed_loop(
    deadline: Instant,
    pause: Duration,
    mut request: impl FnMut(usize) -> reqwest::RequestBuilder,
) -> (Vec<Duration>, BTreeMap<u16, u64>) {
    let (mut latencies, mut statuses) = (Vec::new(), BTreeMap::new());
    let mut i = 0;
    while Instant::now() < deadline {
        let sent = Instant::now();
        let status = match request(i).send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let _ = r.bytes().await;
                status
            }
            Err(_) => 0,
        };
        latencies.push(sent.elapsed());
        *statuses.entry(status).or_default() += 1;
        i += 1;
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    (latencies, statuses)
}

fn load_of(mut latencies: Vec<Duration>, secs: f64, errors: u64) -> Load {
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Load {
        rps: latencies.len() as f64 / secs,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        requests: latencies.len() as u64,
        errors,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap()
}

fn report_body(i: usize) -> String {
    let (lon, lat) = (76.90 + (i % 97) as f64 * 0.0007, 43.22 + (i % 89) as f64 * 0.0005);
    json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [lon, lat] },
        "properties": { "category": "wheelchair", "description": "no ramp at the crossing" } })
    .to_string()
}

type Outcome = (Vec<Duration>, BTreeMap<u16, u64>);

/// Who abuses qala in a run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Abusers {
    None,
    Flood,
    Heavy,
    Both,
}

impl Abusers {
    fn name(self) -> &'static str {
        match self {
            Abusers::None => "quiet",
            Abusers::Flood => "flood only",
            Abusers::Heavy => "heavy filters only",
            Abusers::Both => "flood and heavy filters",
        }
    }
}

/// Runs the ordinary clients (and the abusers) for `secs`.
async fn scenario(base: &str, windows: &[Window], secs: u64, abusers: Abusers) -> AbuseRow {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let base: Arc<str> = base.into();
    let mut ordinary: Vec<(&'static str, tokio::task::JoinHandle<Outcome>)> = Vec::new();
    for k in 0..2 {
        let (http, base, windows) = (client(), base.clone(), windows.to_vec());
        ordinary.push((
            "listing",
            tokio::spawn(closed_loop(deadline, PAUSE, move |i| {
                let w = windows[(i * 2 + k) % windows.len()].0;
                http.get(format!("{base}/api/v1/pins?bbox={},{},{},{}&limit=100", w[0], w[1], w[2], w[3]))
                    .header("x-forwarded-for", format!("10.1.0.{k}"))
            })),
        ));
    }
    let (http, b) = (client(), base.clone());
    // A new citizen for every report (a fresh address, a fresh idempotency key), so the rate limit never
    // refuses them: what is measured is a report among abusers, not the limit.
    ordinary.push((
        "report",
        tokio::spawn(closed_loop(deadline, PAUSE, move |i| {
            http.post(format!("{b}/api/v1/pins"))
                .header("content-type", "application/geo+json")
                .header("x-forwarded-for", format!("10.2.{}.{}", i / 250, i % 250 + 1))
                .header("idempotency-key", format!("bench-{}-{i}", std::process::id()))
                .body(report_body(i))
        })),
    ));
    let (http, b) = (client(), base.clone());
    ordinary.push(("healthz", tokio::spawn(closed_loop(deadline, PAUSE, move |_| http.get(format!("{b}/healthz"))))));

    let mut heavy = Vec::new();
    let mut flood = Vec::new();
    if matches!(abusers, Abusers::Heavy | Abusers::Both) {
        let filter: String = form_urlencoded::byte_serialize(b"description LIKE '%qq-no-such-text%'").collect();
        for k in 0..HEAVY_CLIENTS {
            let (http, b, filter) = (client(), base.clone(), filter.clone());
            heavy.push(tokio::spawn(closed_loop(deadline, Duration::ZERO, move |_| {
                http.get(format!("{b}/ogc/collections/pins/items?filter={filter}"))
                    .header("x-forwarded-for", format!("10.3.0.{k}"))
            })));
        }
    }
    if matches!(abusers, Abusers::Flood | Abusers::Both) {
        for _ in 0..FLOOD_CONNS {
            let (http, b) = (client(), base.clone());
            flood.push(tokio::spawn(closed_loop(deadline, Duration::ZERO, move |i| {
                http.post(format!("{b}/api/v1/pins"))
                    .header("content-type", "application/geo+json")
                    .header("x-forwarded-for", "10.9.9.9")
                    .body(report_body(i))
            })));
        }
    }
    let mut results: BTreeMap<&str, Outcome> = BTreeMap::new();
    for (what, task) in ordinary {
        let (latencies, statuses) = task.await.unwrap();
        let entry = results.entry(what).or_default();
        entry.0.extend(latencies);
        for (s, n) in statuses {
            *entry.1.entry(s).or_default() += n;
        }
    }
    let merge = |outcomes: Vec<Outcome>| {
        let mut all: Outcome = Default::default();
        for (latencies, statuses) in outcomes {
            all.0.extend(latencies);
            for (s, n) in statuses {
                *all.1.entry(s).or_default() += n;
            }
        }
        all
    };
    let mut heavy_outcomes = Vec::new();
    for t in heavy {
        heavy_outcomes.push(t.await.unwrap());
    }
    let mut flood_outcomes = Vec::new();
    for t in flood {
        flood_outcomes.push(t.await.unwrap());
    }
    let secs = secs as f64;
    let mut load = |what: &str, ok: u16| {
        let (latencies, statuses) = results.remove(what).unwrap_or_default();
        let errors = statuses.iter().filter(|(s, _)| **s != ok).map(|(_, n)| n).sum();
        assert_eq!(errors, 0, "{what}: ordinary requests failed: {statuses:?}");
        load_of(latencies, secs, errors)
    };
    let (listing, report, healthz) = (load("listing", 200), load("report", 201), load("healthz", 200));
    AbuseRow {
        scenario: abusers.name(),
        listing,
        report,
        healthz,
        heavy: (!heavy_outcomes.is_empty()).then(|| {
            let (latencies, statuses) = merge(heavy_outcomes);
            (load_of(latencies, secs, 0), statuses)
        }),
        flood: (!flood_outcomes.is_empty()).then(|| merge(flood_outcomes).1),
    }
}

/// Both runs on a fresh database of `records`.
pub async fn run(opts: &Options, records: &[PinRecord], windows: &[Window]) -> Vec<AbuseRow> {
    let name = format!("{}_abuse", opts.database);
    let url = postgis::fresh_database(&opts.server, &name).await;
    let store = postgis::load(&url, records).await;
    drop(store);
    let bin = Path::new(env!("CARGO_BIN_EXE_qala"));
    let server = http::start_with(
        bin,
        &[("DATABASE_URL", url.clone())],
        &["--trusted-proxy=127.0.0.1", "--contact-retention-days=0"],
    )
    .await;
    let mut rows = Vec::new();
    for abusers in [Abusers::None, Abusers::Flood, Abusers::Heavy, Abusers::Both] {
        let row = scenario(&server.base, windows, opts.http_secs * 2, abusers).await;
        eprintln!(
            "  {}: listing p50 {:.1} p99 {:.1} ms; report p50 {:.1} p99 {:.1} ms; healthz p99 {:.1} ms",
            row.scenario,
            row.listing.p50_ms,
            row.listing.p99_ms,
            row.report.p50_ms,
            row.report.p99_ms,
            row.healthz.p99_ms
        );
        rows.push(row);
    }
    drop(server);
    postgis::drop_database(&opts.server, &name).await;
    rows
}

fn statuses(s: &BTreeMap<u16, u64>) -> String {
    s.iter().map(|(code, n)| format!("{n} × {code}")).collect::<Vec<_>>().join(", ")
}

/// The report's section.
pub fn markdown(rows: &[AbuseRow], n: usize) -> String {
    let mut md = String::new();
    writeln!(md, "\n## Under abuse (PostGIS store, {n} pins, public defaults)\n").unwrap();
    writeln!(
        md,
        "Ordinary clients (2 bbox listings of 100 features, 1 citizen reporting from a new address each time, \
         1 `/healthz`, each pausing 10 ms between requests) alone, beside one address flooding \
         `POST /api/v1/pins` on {FLOOD_CONNS} connections without pause (rate-limited: 429), beside \
         {HEAVY_CLIENTS} clients running `filter=description LIKE '%qq-no-such-text%'` on \
         `/ogc/collections/pins/items` without pause (no pin matches, so every description is read and \
         tested: the costliest page qala accepts at this size), and beside both. Addresses through \
         `X-Forwarded-For` from a trusted proxy (`--trusted-proxy=127.0.0.1`).\n"
    )
    .unwrap();
    writeln!(md, "| run | listing p50 / p99 | report p50 / p99 | `/healthz` p50 / p99 | heavy filter p50 / p99 (answers) | flood answers |").unwrap();
    writeln!(md, "|---|---:|---:|---:|---|---|").unwrap();
    for r in rows {
        let pair = |l: &Load| format!("{:.1} / {:.1} ms", l.p50_ms, l.p99_ms);
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            r.scenario,
            pair(&r.listing),
            pair(&r.report),
            pair(&r.healthz),
            r.heavy.as_ref().map_or("—".into(), |(l, s)| format!("{} ({})", pair(l), statuses(s))),
            r.flood.as_ref().map_or("—".into(), statuses),
        )
        .unwrap();
    }
    md
}

//! The web map with every pin loaded, timed in Debian's Chromium: `maps/bench/map-load.mjs` (playwright-core)
//! opens the page served by a `qala serve` on the PostGIS store and reports how long the page takes until every
//! pin is loaded, clustered and drawn, the frame intervals while the camera moves, and how long a planner's
//! filter takes to redraw. Headless Chromium draws WebGL on the CPU (SwiftShader), so the frame times are an
//! upper bound for a browser with a GPU.

use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use crate::http::Server;

#[derive(Debug, Deserialize)]
pub struct WebMapRow {
    pub pins: u64,
    pub load_ms: u64,
    pub pins_bytes: Option<u64>,
    pub pins_decoded_bytes: Option<u64>,
    pub pins_fetch_ms: Option<u64>,
    pub frames: u64,
    pub fps: f64,
    pub frame_p50_ms: f64,
    pub frame_p95_ms: f64,
    pub frame_max_ms: f64,
    pub filter_ms: u64,
    pub js_heap_bytes: Option<u64>,
    pub errors: Vec<String>,
}

/// Runs the browser timing against `server` (which must serve the built page) and checks it saw `n` pins.
pub fn run(server: &Server, n: usize, moves: usize) -> WebMapRow {
    let maps = Path::new(env!("CARGO_MANIFEST_DIR")).join("maps");
    assert!(
        maps.join("dist/index.html").exists() && maps.join("node_modules/playwright-core").exists(),
        "the web map is not built in maps/ (./scripts/bench and ./scripts/test build it)"
    );
    let out = Command::new("node")
        .arg("bench/map-load.mjs")
        .current_dir(&maps)
        .env("QALA_URL", &server.base)
        .env("QALA_BENCH_MOVES", moves.to_string())
        .output()
        .expect("node (Node.js 20) runs the web map timing");
    assert!(out.status.success(), "map-load.mjs failed: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let row: WebMapRow = serde_json::from_str(line).unwrap_or_else(|e| panic!("map-load.mjs printed {line:?}: {e}"));
    assert_eq!(row.pins, n as u64, "the page's qala holds every pin");
    assert!(row.errors.is_empty(), "the page reported errors: {:?}", row.errors);
    row
}

//! Exports end to end: `GET /api/v1/exports/pins.{format}` of every pin from a `qala serve` on the PostGIS
//! store, timed from the request to the last byte, with the server's peak memory growth during the export
//! (the kernel's high-water mark, reset before each request through `/proc/PID/clear_refs`). The streamed
//! formats must not grow with the number of pins; each file's feature count is checked before it is reported.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::http::Server;

pub struct ExportRow {
    pub n: usize,
    pub format: &'static str,
    pub bytes: u64,
    pub total: Duration,
    pub first_byte: Duration,
    /// Peak resident memory during the export minus resident memory before it.
    pub peak_growth: u64,
}

pub const FORMATS: [&str; 5] = ["geojson", "geojsonseq", "csv", "fgb", "gpkg"];

fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Exports every pin in `format` into `dir` and checks the file holds `n` features.
pub async fn run(server: &Server, n: usize, format: &'static str, dir: &Path) -> ExportRow {
    let pid = server.child.id();
    // Reset the high-water mark (VmHWM) to the current resident size.
    if let Err(e) = std::fs::write(format!("/proc/{pid}/clear_refs"), "5") {
        eprintln!("  cannot reset the server's peak RSS ({e}); the growth below then includes earlier peaks");
    }
    let before = status_kib(pid, "VmRSS:");
    let path = dir.join(format!("pins-{n}.{format}"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let started = Instant::now();
    let mut response =
        reqwest::get(format!("{}/api/v1/exports/pins.{format}", server.base)).await.expect("export request");
    assert!(response.status().is_success(), "export {format}: {}", response.status());
    let (mut bytes, mut first_byte) = (0_u64, None);
    while let Some(chunk) = response.chunk().await.unwrap() {
        first_byte.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len() as u64;
        file.write_all(&chunk).unwrap();
    }
    let total = started.elapsed();
    let peak = status_kib(pid, "VmHWM:");
    drop(file);
    assert_eq!(count_features(&path, format), n, "export {format}: wrong number of features");
    let _ = std::fs::remove_file(&path);
    ExportRow {
        n,
        format,
        bytes,
        total,
        first_byte: first_byte.unwrap_or(total),
        peak_growth: peak.saturating_sub(before) * 1024,
    }
}

fn count_features(path: &Path, format: &str) -> usize {
    match format {
        "geojson" => {
            let v: serde_json::Value =
                serde_json::from_reader(std::io::BufReader::new(std::fs::File::open(path).unwrap())).unwrap();
            v["features"].as_array().map_or(0, Vec::len)
        }
        "geojsonseq" => std::fs::read(path).unwrap().iter().filter(|&&b| b == 0x1e).count(),
        "csv" => csv::Reader::from_path(path).unwrap().records().count(),
        "fgb" => {
            let reader =
                flatgeobuf::FgbReader::open(std::io::BufReader::new(std::fs::File::open(path).unwrap())).unwrap();
            reader.header().features_count() as usize
        }
        _ => {
            let out = std::process::Command::new("sqlite3").arg(path).arg("SELECT count(*) FROM pins").output();
            match out {
                Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().parse().unwrap(),
                // Without the sqlite3 shell, GDAL (installed by the scripts) counts.
                _ => {
                    let o = std::process::Command::new("ogrinfo")
                        .args(["-ro", "-so"])
                        .arg(path)
                        .arg("pins")
                        .output()
                        .unwrap();
                    let text = String::from_utf8_lossy(&o.stdout);
                    text.lines()
                        .find_map(|l| l.strip_prefix("Feature Count: "))
                        .and_then(|c| c.trim().parse().ok())
                        .expect("ogrinfo gave no feature count")
                }
            }
        }
    }
}

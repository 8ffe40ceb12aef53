//! Each task: qala's answer and PostGIS's answer on the same data, checked equal, then timed.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use qala::domain::{AreaKind, Bbox, Near, PinFilter, PinId, PinLocation, PinRecord};
use qala::index::{AreaIndex, PinIndex};
use qala::seed::PinGenerator;
use qala::spatial::ServiceArea;
use qala::store::Store;

use crate::Options;
use crate::http;
use crate::measure::{median_of, median_of_async, retained_heap_bytes, rss_bytes};
use crate::postgis;
use crate::queries::{self, Window};
use crate::report::{HttpRow, Report, Row, WriteRow};
use crate::updates;

/// Concurrent staff clients of the status-update runs (the 1 and 16).
const UPDATE_CLIENTS: [usize; 2] = [1, 16];

fn bbox(w: &Window) -> Bbox {
    Bbox { min_lon: w.0[0], min_lat: w.0[1], max_lon: w.0[2], max_lat: w.0[3] }
}

fn sorted(mut v: Vec<PinId>) -> Vec<PinId> {
    v.sort_unstable();
    v
}

fn radius(lon: f64, lat: f64, radius_m: f64) -> Near {
    Near { lon, lat, radius_m: Some(radius_m), k: None }
}

fn nearest(lon: f64, lat: f64, k: usize) -> Near {
    Near { lon, lat, radius_m: None, k: Some(k) }
}

/// Everything for one size: load both sides, check, time, and at the largest size the HTTP runs.
pub async fn compare(opts: &Options, records: &[PinRecord], largest: bool, report: &mut Report) {
    let n = records.len();
    let url = postgis::fresh_database(&opts.server, &opts.database).await;
    let store = postgis::load(&url, records).await;
    let pool = store.pool().clone();

    // The index as `qala serve` builds it: from the store.
    let locations = store.pin_locations().await.unwrap();
    assert_eq!(locations.len(), n);
    let ((index, load_time), index_bytes) = retained_heap_bytes(|| {
        let started = Instant::now();
        let index = PinIndex::default();
        index.load(&locations);
        (index, started.elapsed())
    });
    let areas = AreaIndex::default();
    areas.load(store.areas().await.unwrap(), String::new());
    let bounds = ServiceArea::almaty().unwrap().bounds();
    let windows = queries::windows(1000, 1.0, bounds, 11);
    let points = queries::points(1000, &locations, bounds, 12);

    // 1. ~1 km² windows.
    let mut pg_windows = Vec::new();
    for w in &windows {
        pg_windows.push(sorted(postgis::window_ids(&pool, w).await));
    }
    let qala_windows: Vec<Vec<PinId>> = windows.iter().map(|w| sorted(index.ids_in_bbox(&bbox(w)))).collect();
    assert_eq!(qala_windows, pg_windows, "bbox windows: qala and PostGIS disagree");
    let per_window = qala_windows.iter().map(Vec::len).sum::<usize>() as f64 / windows.len() as f64;
    // One output buffer for all windows, as shapely's vectorised query fills one array for all of them.
    let mut ids = Vec::new();
    let (q, _) = median_of(opts.repeat, || {
        windows
            .iter()
            .map(|w| {
                index.ids_in_bbox_into(&bbox(w), &mut ids);
                ids.len()
            })
            .sum::<usize>()
    });
    let (p, _) = median_of_async(opts.pg_repeat, || async {
        let mut total = 0;
        for w in &windows {
            total += postgis::window_ids(&pool, w).await.len();
        }
        total
    })
    .await;
    report.row(Row::new("1,000 bbox windows of ~1 km²", n, q, p).note(format!("{per_window:.0} pins per window")));
    let window_counts: Vec<usize> = qala_windows.iter().map(Vec::len).collect();

    // 2. Every pin to its district.
    let pg_pairs = {
        let mut v = postgis::district_pairs(&pool).await;
        v.sort_unstable();
        v
    };
    let qala_pairs = {
        let mut v = areas.pairs(AreaKind::District, &locations);
        v.sort_unstable();
        v
    };
    assert_eq!(qala_pairs, pg_pairs, "districts: qala and PostGIS disagree");
    let (q, _) = median_of(opts.repeat, || areas.pairs(AreaKind::District, &locations).len());
    let (p, _) = median_of_async(opts.pg_repeat, || async { postgis::district_pairs(&pool).await.len() }).await;
    report.row(Row::new("every pin to its district", n, q, p).note("2 threads on qala's side".into()));
    let mut district_counts: BTreeMap<i64, usize> = BTreeMap::new();
    for (_, d) in &qala_pairs {
        *district_counts.entry(*d).or_default() += 1;
    }

    // 3. Pins in one district (the one with most pins) and in the current historic centre.
    let busiest = district_counts.iter().max_by_key(|(_, c)| **c).map(|(d, _)| *d).unwrap_or(0);
    let centre = areas.list(Some(AreaKind::HistoricCentre), true).first().map(|a| a.id).unwrap();
    for (label, area_id) in [("pins in the busiest district", busiest), ("pins in the current historic centre", centre)]
    {
        let Some(area) = areas.prepared(area_id) else { continue };
        let pg = sorted(postgis::area_ids(&pool, area_id).await);
        assert_eq!(index.ids_in(&area), pg, "{label}: qala and PostGIS disagree");
        let (q, _) = median_of(opts.repeat, || index.ids_in(&area).len());
        let (p, _) = median_of_async(opts.pg_repeat, || async { postgis::area_ids(&pool, area_id).await.len() }).await;
        report.row(Row::new(label, n, q, p).note(format!("{} pins", pg.len())));
    }

    // 4. Radius 500 m (geodesic) and k = 10 nearest, 1,000 points.
    let filter = PinFilter::default();
    let mut mismatched = 0;
    for &(lon, lat) in &points {
        let pg = postgis::within(&pool, lon, lat, 500.0).await;
        let ours = index.in_radius(&filter, None, &radius(lon, lat, 500.0));
        let a: BTreeSet<PinId> = pg.iter().map(|h| h.0).collect();
        let b: BTreeSet<PinId> = ours.iter().map(|h| h.0).collect();
        // Only a pin within a millimetre of the circle may fall on different sides (spheroid arithmetic).
        for id in a.symmetric_difference(&b) {
            let d = pg.iter().chain(ours.iter()).find(|h| h.0 == *id).map_or(0.0, |h| h.1);
            assert!((d - 500.0).abs() < 1e-3, "radius: pin {id} at {d} m differs between qala and PostGIS");
            mismatched += 1;
        }
    }
    let (q, hits) = median_of(opts.repeat, || {
        // The pins and their distances, unordered, as `ST_DWithin` answers (the API orders each page).
        points.iter().map(|&(x, y)| index.in_radius(&filter, None, &radius(x, y, 500.0)).len()).sum::<usize>()
    });
    let (p, _) = median_of_async(opts.pg_repeat.min(if n >= 1_000_000 { 1 } else { 3 }), || async {
        let mut total = 0;
        for &(x, y) in &points {
            total += postgis::within(&pool, x, y, 500.0).await.len();
        }
        total
    })
    .await;
    report.row(Row::new("radius 500 m (WGS 84 spheroid), 1,000 points", n, q, p).note(format!(
        "{:.0} pins per circle{}",
        hits as f64 / points.len() as f64,
        if mismatched > 0 { format!("; {mismatched} on the circle within 1 mm") } else { String::new() }
    )));
    for &(lon, lat) in &points {
        let pg = postgis::nearest(&pool, lon, lat, 10).await;
        let ours = index.near(&filter, None, &nearest(lon, lat, 10));
        let mut pg_d: Vec<f64> = pg.iter().map(|h| h.1).collect();
        pg_d.sort_by(f64::total_cmp);
        assert_eq!(pg_d.len(), ours.len(), "k nearest: different counts");
        for (a, b) in pg_d.iter().zip(ours.iter().map(|h| h.1)) {
            // PostGIS ranks on the sphere, qala on the spheroid: the k-th distances agree within 0.5%.
            assert!((a - b).abs() <= 0.005 * a.max(b) + 0.01, "k nearest at ({lon}, {lat}): {a} vs {b} m");
        }
    }
    let (q, _) = median_of(opts.repeat, || {
        points.iter().map(|&(x, y)| index.near(&filter, None, &nearest(x, y, 10)).len()).sum::<usize>()
    });
    let (p, _) = median_of_async(opts.pg_repeat, || async {
        let mut total = 0;
        for &(x, y) in &points {
            total += postgis::nearest(&pool, x, y, 10).await.len();
        }
        total
    })
    .await;
    report.row(Row::new("k = 10 nearest, 1,000 points", n, q, p).note("PostGIS ranks on the sphere".into()));

    // Memory and load.
    report.memory(n, index_bytes as f64 / n as f64, postgis::bytes_per_pin(&pool, n).await, load_time);

    // shapely on the same pins and queries.
    let dir = opts.out_dir.join(format!("peer-{n}"));
    queries::write_peer_files(&dir, &locations, &windows, &points, &areas_geojson(&areas));
    let peer = crate::report::run_shapely(opts, &dir);
    peer.check_windows(&window_counts);
    peer.check_districts(&district_counts, n - pairs_pins(&qala_pairs));
    report.shapely(n, peer);

    export_runs(opts, &url, n, report).await;
    // The web map at 100,000 pins (the size planners must be able to work with) and at 10,000 for comparison;
    // the smoke run times it at its one size. A million lean pins (~200 MB of JSON) is beyond a browser tab.
    if n == 10_000 || n == 100_000 || (opts.smoke && largest) {
        web_map_run(opts, &url, n, report).await;
    }
    if largest {
        http_runs(opts, &url, &index, &locations, &areas, report).await;
    }
    drop(index);
    pool.close().await;
}

fn pairs_pins(pairs: &[(PinId, i64)]) -> usize {
    pairs.iter().map(|p| p.0).collect::<BTreeSet<_>>().len()
}

/// The current districts as GeoJSON with integer `id`s, for the shapely peer.
fn areas_geojson(areas: &AreaIndex) -> String {
    let features: Vec<serde_json::Value> = areas
        .list(Some(AreaKind::District), true)
        .iter()
        .map(|a| {
            serde_json::json!({
                "type": "Feature",
                "properties": {"id": a.id},
                "geometry": qala::spatial::multipolygon_geometry(&a.geometry),
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// Windows that hold at least `limit` pins (or the fullest ones), as listing paths.
fn pages(index: &PinIndex, locations: &[PinLocation], km: f64, limit: usize) -> Vec<Window> {
    let mut candidates: Vec<(usize, Window)> = queries::windows_on_pins(400, km, locations, 21)
        .into_iter()
        .map(|w| (index.ids_in_bbox(&bbox(&w)).len(), w))
        .collect();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
    let full: Vec<Window> = candidates.iter().filter(|c| c.0 >= limit).map(|c| c.1).take(100).collect();
    if full.is_empty() { candidates.into_iter().take(20).map(|c| c.1).collect() } else { full }
}

fn paths_file(opts: &Options, name: &str, paths: &[String]) -> std::path::PathBuf {
    let file = opts.out_dir.join(format!("{name}.txt"));
    std::fs::write(&file, paths.join("\n") + "\n").unwrap();
    file
}

/// Every pin exported in each format from a server on the PostGIS store: throughput and peak memory.
async fn export_runs(opts: &Options, url: &str, n: usize, report: &mut Report) {
    let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_qala"));
    let server = http::start(&bin, &[("DATABASE_URL", url.to_owned())]).await;
    let dir = opts.out_dir.join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    for format in crate::exports::FORMATS {
        report.export(crate::exports::run(&server, n, format, &dir).await);
    }
}

/// The web map in Chromium with every pin loaded, from a server on the PostGIS store.
async fn web_map_run(opts: &Options, url: &str, n: usize, report: &mut Report) {
    let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_qala"));
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/dist");
    let server =
        http::start(&bin, &[("DATABASE_URL", url.to_owned()), ("QALA_WEB_DIR", dist.to_string_lossy().into())]).await;
    eprintln!("  web map in Chromium, {n} pins");
    report.web_map(crate::web_map::run(&server, n, if opts.smoke { 4 } else { 24 }));
}

async fn http_runs(
    opts: &Options,
    url: &str,
    index: &PinIndex,
    locations: &[PinLocation],
    areas: &AreaIndex,
    report: &mut Report,
) {
    let n = locations.len();
    let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_qala"));
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(64).connect(url).await.unwrap();
    let server = http::start(&bin, &[("DATABASE_URL", url.to_owned())]).await;
    let rss = rss_bytes(server.child.id()).unwrap_or(0);
    report.startup("PostGIS", n, server.startup, rss);
    let conns = [1, 16, 64];
    let mut page_100_script = None;
    for (limit, km) in [(100_usize, 1.0), (1000, 2.0)] {
        let windows = pages(index, locations, km, limit);
        let paths: Vec<String> = windows
            .iter()
            .map(|w| format!("/api/v1/pins?bbox={:?},{:?},{:?},{:?}&limit={limit}", w.0[0], w.0[1], w.0[2], w.0[3]))
            .collect();
        // The same page from both sides, compared before anything is timed.
        let ours: serde_json::Value =
            reqwest::get(format!("{}{}", server.base, paths[0])).await.unwrap().json().await.unwrap();
        let theirs: serde_json::Value =
            serde_json::from_str(&postgis::feature_collection(&pool, &windows[0], limit as i64).await).unwrap();
        let ids = |v: &serde_json::Value, key: &dyn Fn(&serde_json::Value) -> Option<i64>| -> Vec<i64> {
            v["features"].as_array().unwrap().iter().filter_map(key).collect()
        };
        let ours_ids = ids(&ours, &|f| f["id"].as_i64());
        assert_eq!(ours_ids, ids(&theirs, &|f| f["properties"]["id"].as_i64()), "HTTP page: ids differ");
        let file = paths_file(opts, &format!("pages_{limit}"), &paths);
        let script = http::get_script(&opts.out_dir, &file);
        if limit == 100 {
            page_100_script = Some((script.clone(), ours_ids.len()));
        }
        for &c in &conns {
            let qala = http::wrk(&server.base, &script, c, opts.http_secs);
            let pg = http::postgres_json_load(&pool, &windows, limit as i64, c, opts.http_secs).await;
            report.http(HttpRow {
                what: format!("GET /api/v1/pins?bbox=…&limit={limit} ({} features)", ours_ids.len()),
                conns: c,
                qala,
                postgres: Some(pg),
            });
        }
    }
    // The baseline's 64 connections are idle from here on; closed, they leave PostgreSQL's 100 to the servers
    // and the `qala staff add` below (which once found none free: "sorry, too many clients already").
    pool.close().await;
    let busiest = areas
        .list(Some(AreaKind::District), true)
        .into_iter()
        .max_by_key(|a| areas.prepared(a.id).map_or(0, |p| index.ids_in(&p).len()));
    if let Some(area) = busiest {
        let file = paths_file(opts, "stats", &[format!("/api/v1/areas/{}/stats", area.id)]);
        let script = http::get_script(&opts.out_dir, &file);
        for &c in &conns {
            let qala = http::wrk(&server.base, &script, c, opts.http_secs);
            report.http(HttpRow {
                what: format!("GET /api/v1/areas/{{id}}/stats ({})", area.label),
                conns: c,
                qala,
                postgres: None,
            });
        }
    }
    let post = http::post_script(&opts.out_dir);
    let pins_url = format!("{}/api/v1/pins", server.base);
    for &c in &conns {
        report.write_row(WriteRow {
            store: "PostGIS".into(),
            clients: c,
            load: http::wrk(&pins_url, &post, c, opts.http_secs),
        });
    }
    let token = updates::staff_token(&bin, &[("DATABASE_URL", url.to_owned())]);
    for c in UPDATE_CLIENTS {
        let load = updates::status_updates(&server.base, &token, c, opts.http_secs).await;
        report.update_row(WriteRow { store: "PostGIS".into(), clients: c, load });
    }
    report.rss_after("PostGIS", rss_bytes(server.child.id()).unwrap_or(0));
    drop(server);

    // The same 100-feature pages with the feature cache off: every page fetches its rows from PostGIS.
    if let Some((script, features)) = page_100_script {
        let server =
            http::start(&bin, &[("DATABASE_URL", url.to_owned()), ("QALA_FEATURE_CACHE_MIB", "0".into())]).await;
        for c in [1, 16] {
            report.http(HttpRow {
                what: format!("GET /api/v1/pins?bbox=…&limit=100 ({features} features), feature cache off"),
                conns: c,
                qala: http::wrk(&server.base, &script, c, opts.http_secs),
                postgres: None,
            });
        }
    }

    // The embedded store: a fresh GeoPackage (writes do not depend on how many pins it holds).
    let dir = opts.out_dir.join("gpkg");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let server = http::start(&bin, &[("QALA_STORE", dir.join("qala.gpkg").display().to_string())]).await;
    let pins_url = format!("{}/api/v1/pins", server.base);
    for &c in &conns {
        report.write_row(WriteRow {
            store: "GeoPackage".into(),
            clients: c,
            load: http::wrk(&pins_url, &post, c, opts.http_secs),
        });
    }
    let token = updates::staff_token(&bin, &[("QALA_STORE", dir.join("qala.gpkg").display().to_string())]);
    for c in UPDATE_CLIENTS {
        let load = updates::status_updates(&server.base, &token, c, opts.http_secs).await;
        report.update_row(WriteRow { store: "GeoPackage".into(), clients: c, load });
    }
    drop(server);
}

/// The index alone at a larger scale: build time, windows, bytes per pin.
pub fn scale(opts: &Options, report: &mut Report) {
    let n = opts.scale;
    let locations: Vec<PinLocation> = {
        let records: Vec<PinRecord> = PinGenerator::new(1, ServiceArea::almaty().unwrap()).take(n).collect();
        queries::locations(&records, 1)
    };
    let ((index, build), bytes) = retained_heap_bytes(|| {
        let started = Instant::now();
        let index = PinIndex::default();
        index.load(&locations);
        (index, started.elapsed())
    });
    let windows = queries::windows(1000, 1.0, ServiceArea::almaty().unwrap().bounds(), 11);
    let (q, hits): (Duration, usize) =
        median_of(opts.repeat, || windows.iter().map(|w| index.ids_in_bbox(&bbox(w)).len()).sum());
    report.scale(n, build, q, hits as f64 / windows.len() as f64, bytes as f64 / n as f64);
}

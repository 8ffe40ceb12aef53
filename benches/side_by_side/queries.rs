//! The fixed query sets (windows and points, from a seeded generator) and the files the shapely peer reads.

use std::fmt::Write as _;
use std::path::Path;

use qala::domain::{PinLocation, PinRecord};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `[min_lon, min_lat, max_lon, max_lat]`.
#[derive(Debug, Clone, Copy)]
pub struct Window(pub [f64; 4]);

/// ~1 km × 1 km at Almaty's latitude.
pub const KM_LON: f64 = 1000.0 / 81_180.0;
pub const KM_LAT: f64 = 1000.0 / 111_132.0;

/// `count` windows of `km` × `km`, centres uniform over `bounds` (the city's bounding box).
pub fn windows(count: usize, km: f64, bounds: [f64; 4], seed: u64) -> Vec<Window> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let (x, y) = (rng.random_range(bounds[0]..bounds[2]), rng.random_range(bounds[1]..bounds[3]));
            let (hx, hy) = (km * KM_LON / 2.0, km * KM_LAT / 2.0);
            Window([x - hx, y - hy, x + hx, y + hy])
        })
        .collect()
}

/// Windows centred on random pins (so they hold data), for the HTTP pages.
pub fn windows_on_pins(count: usize, km: f64, pins: &[PinLocation], seed: u64) -> Vec<Window> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let p = &pins[rng.random_range(0..pins.len())];
            let (hx, hy) = (km * KM_LON / 2.0, km * KM_LAT / 2.0);
            Window([p.lon - hx, p.lat - hy, p.lon + hx, p.lat + hy])
        })
        .collect()
}

/// Query points: half at pins (where people ask), half uniform over the city's bounding box.
pub fn points(count: usize, pins: &[PinLocation], bounds: [f64; 4], seed: u64) -> Vec<(f64, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|i| {
            if i % 2 == 0 {
                let p = &pins[rng.random_range(0..pins.len())];
                (p.lon + rng.random_range(-1e-4..1e-4), p.lat + rng.random_range(-1e-4..1e-4))
            } else {
                (rng.random_range(bounds[0]..bounds[2]), rng.random_range(bounds[1]..bounds[3]))
            }
        })
        .collect()
}

/// `pins.csv`, `windows.csv`, `points.csv` and `districts.geojson` for the shapely peer, with every number in
/// its shortest round-trip form, so both sides see the same doubles.
pub fn write_peer_files(dir: &Path, pins: &[PinLocation], windows: &[Window], points: &[(f64, f64)], districts: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let mut s = String::with_capacity(pins.len() * 40);
    s.push_str("id,lon,lat\n");
    for p in pins {
        writeln!(s, "{},{:?},{:?}", p.id, p.lon, p.lat).unwrap();
    }
    std::fs::write(dir.join("pins.csv"), s).unwrap();
    let mut s = String::from("min_lon,min_lat,max_lon,max_lat\n");
    for w in windows {
        writeln!(s, "{:?},{:?},{:?},{:?}", w.0[0], w.0[1], w.0[2], w.0[3]).unwrap();
    }
    std::fs::write(dir.join("windows.csv"), s).unwrap();
    let mut s = String::from("lon,lat\n");
    for (x, y) in points {
        writeln!(s, "{x:?},{y:?}").unwrap();
    }
    std::fs::write(dir.join("points.csv"), s).unwrap();
    std::fs::write(dir.join("districts.geojson"), districts).unwrap();
}

/// The seeded pins as the index will hold them, with the ids the store gave them.
pub fn locations(records: &[PinRecord], first_id: i64) -> Vec<PinLocation> {
    records
        .iter()
        .enumerate()
        .map(|(i, r)| PinLocation {
            visibility: Default::default(),
            id: first_id + i as i64,
            lon: r.pin.lon,
            lat: r.pin.lat,
            category: r.pin.category,
            status: r.status,
            precision: r.pin.precision,
            created_at: r.created_at,
        })
        .collect()
}

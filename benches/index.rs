//! The pins R-tree alone: bulk load and ~1 km² bbox pages over 100,000 pins spread over Almaty, and the same
//! windows over a million seeded pins.
//! The side-by-side comparison with PostGIS is a separate driver; this measures the index in isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use qala::domain::{Bbox, Category, Limit, PinFilter, PinLocation, Status};
use qala::index::PinIndex;

/// A small deterministic generator (xorshift), so the bench needs no extra dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn pins(n: usize) -> Vec<PinLocation> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|i| PinLocation {
            visibility: Default::default(),
            id: i as i64 + 1,
            lon: 76.75 + rng.next() * 0.40,
            lat: 43.04 + rng.next() * 0.36,
            category: Category::ALL[i % 6],
            status: Status::New,
            precision: Default::default(),
            created_at: Utc::now(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = pins(100_000);
    c.bench_function("bulk load 100k pins", |b| {
        b.iter(|| {
            let index = PinIndex::default();
            index.load(black_box(&data));
            index
        })
    });
    let index = PinIndex::default();
    index.load(&data);
    let mut rng = Rng(42);
    // ~1 km × 1 km at Almaty's latitude: 0.0123° of longitude, 0.009° of latitude.
    let windows: Vec<PinFilter> = (0..1000)
        .map(|_| {
            let (x, y) = (76.75 + rng.next() * 0.38, 43.04 + rng.next() * 0.35);
            PinFilter {
                bbox: Some(Bbox { min_lon: x, min_lat: y, max_lon: x + 0.0123, max_lat: y + 0.009 }),
                ..Default::default()
            }
        })
        .collect();
    let limit = Limit::parse("10000").unwrap();
    c.bench_function("1000 bbox pages of ~1 km2 over 100k pins", |b| {
        b.iter(|| windows.iter().map(|w| index.page(w, None, None, limit).ids.len()).sum::<usize>())
    });
    // The same windows over a million pins as `qala seed` makes them (70% spread, 30% in hotspots): the ids
    // alone, as the side-by-side driver measures them.
    let area = qala::spatial::ServiceArea::almaty().unwrap();
    let seeded: Vec<PinLocation> = qala::seed::PinGenerator::new(1, area)
        .take(1_000_000)
        .enumerate()
        .map(|(i, r)| PinLocation {
            visibility: Default::default(),
            id: i as i64 + 1,
            lon: r.pin.lon,
            lat: r.pin.lat,
            category: r.pin.category,
            status: r.status,
            precision: r.pin.precision,
            created_at: r.created_at,
        })
        .collect();
    let million = PinIndex::default();
    million.load(&seeded);
    let boxes: Vec<Bbox> = windows.iter().filter_map(|w| w.bbox).collect();
    // One output buffer for all windows, as shapely's vectorised query fills one array for all of them.
    let mut ids = Vec::new();
    c.bench_function("1000 bbox windows of ~1 km2 over 1M pins, ids only", |b| {
        b.iter(|| {
            boxes
                .iter()
                .map(|w| {
                    million.ids_in_bbox_into(w, &mut ids);
                    ids.len()
                })
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

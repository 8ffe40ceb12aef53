//! Deterministic synthetic pins: realistic-looking reports inside Almaty, for demos (`qala seed`) and for the
//! benchmarks, which need the same data in every store and every run.
//!
//! The shape imitates what a city sees: about 70% of reports spread over the whole city, 30% in tight clusters
//! around a few dozen hotspots (a broken underpass, a market without kerb cuts), every category and status,
//! report times over two years. Every point lies inside the shipped city boundary (rejection sampling).
//!
//! Determinism: the stream is ChaCha8 (whose output is fixed by its specification, unlike `StdRng`) seeded with
//! the user's seed, and pins are drawn one after another, so the first `k` pins of a run of `n` are the pins
//! of a run of `k`: 10k ⊂ 100k ⊂ 1M in the benchmarks.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::contact_key::ContactKey;
use crate::domain::{Category, Contact, LocationPrecision, NewPin, PinRecord, Status};
use crate::spatial::ServiceArea;

/// How many hotspots the clustered 30% gather around.
pub const HOTSPOTS: usize = 36;
/// The share of pins drawn around hotspots.
const CLUSTERED_SHARE: f64 = 0.30;
/// Reports span the two years before this instant (fixed, so a seed means the same data forever).
const LAST_REPORT: i64 = 1_793_491_200; // 2026-11-01T00:00:00Z
const SPAN_S: i64 = 2 * 365 * 24 * 3600;

/// Metres per degree of latitude, and of longitude at Almaty's latitude (43.25° N).
const M_PER_DEG_LAT: f64 = 111_132.0;
const M_PER_DEG_LON: f64 = 81_180.0;

struct Hotspot {
    lon: f64,
    lat: f64,
    sigma_m: f64,
}

/// An endless, deterministic stream of pins inside the service area.
pub struct PinGenerator {
    rng: ChaCha8Rng,
    /// Seals the synthetic contacts; without it the pins carry none (the draws are the same either way).
    contacts: Option<Arc<ContactKey>>,
    area: ServiceArea,
    bounds: [f64; 4],
    hotspots: Vec<Hotspot>,
}

impl PinGenerator {
    /// A generator for `seed` over `area` (normally [`ServiceArea::almaty`]).
    pub fn new(seed: u64, area: ServiceArea) -> Self {
        let bounds = area.bounds();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut hotspots = Vec::with_capacity(HOTSPOTS);
        while hotspots.len() < HOTSPOTS {
            let (lon, lat) = uniform_point(&mut rng, &area, bounds);
            hotspots.push(Hotspot { lon, lat, sigma_m: rng.random_range(60.0..350.0) });
        }
        Self { rng, contacts: None, area, bounds, hotspots }
    }

    /// The same generator, sealing the synthetic contacts (about 15% of pins have one) with `key`.
    pub fn with_contacts(self, key: Arc<ContactKey>) -> Self {
        Self { contacts: Some(key), ..self }
    }

    /// The next pin's location: spread over the city or near a hotspot.
    fn location(&mut self) -> (f64, f64) {
        if self.rng.random_bool(CLUSTERED_SHARE) {
            let spot = &self.hotspots[self.rng.random_range(0..self.hotspots.len())];
            let (lon0, lat0, sigma) = (spot.lon, spot.lat, spot.sigma_m);
            loop {
                let (dx, dy) = gaussian_pair(&mut self.rng);
                let (lon, lat) = (lon0 + dx * sigma / M_PER_DEG_LON, lat0 + dy * sigma / M_PER_DEG_LAT);
                if self.area.covers(lon, lat) {
                    return (lon, lat);
                }
            }
        }
        uniform_point(&mut self.rng, &self.area, self.bounds)
    }
}

impl Iterator for PinGenerator {
    type Item = PinRecord;

    fn next(&mut self) -> Option<PinRecord> {
        let (lon, lat) = self.location();
        let category = pick(&mut self.rng, &CATEGORY_WEIGHTS);
        let status = pick(&mut self.rng, &STATUS_WEIGHTS);
        let created_s = LAST_REPORT - self.rng.random_range(0..SPAN_S);
        let created_at = DateTime::<Utc>::from_timestamp(created_s, 0).unwrap_or_default();
        let description = describe(&mut self.rng, category);
        let contact = self.rng.random_bool(0.15).then(|| {
            Contact::new_unchecked(format!(
                "+7 701 {:03} {:04}",
                self.rng.random_range(0..1000),
                self.rng.random_range(0..10_000)
            ))
        });
        let contact = match (&self.contacts, contact) {
            (Some(key), Some(c)) => key.seal(&c).ok(),
            _ => None,
        };
        let pin = NewPin {
            lon,
            lat,
            precision: LocationPrecision::Point,
            category,
            description,
            contact,
            visibility: Default::default(),
            idempotency: None,
        };
        Some(PinRecord { pin, status, created_at })
    }
}

fn uniform_point(rng: &mut ChaCha8Rng, area: &ServiceArea, [x0, y0, x1, y1]: [f64; 4]) -> (f64, f64) {
    loop {
        let (lon, lat) = (rng.random_range(x0..=x1), rng.random_range(y0..=y1));
        if area.covers(lon, lat) {
            return (lon, lat);
        }
    }
}

/// Two independent standard normal values (Box–Muller).
fn gaussian_pair(rng: &mut ChaCha8Rng) -> (f64, f64) {
    let u1: f64 = rng.random_range(f64::MIN_POSITIVE..1.0);
    let u2: f64 = rng.random::<f64>();
    let r = (-2.0 * u1.ln()).sqrt();
    let t = std::f64::consts::TAU * u2;
    (r * t.cos(), r * t.sin())
}

const CATEGORY_WEIGHTS: [(Category, u32); 6] = [
    (Category::Wheelchair, 25),
    (Category::Pram, 20),
    (Category::LimitedMobility, 20),
    (Category::Bicycle, 15),
    (Category::LowVision, 12),
    (Category::Other, 8),
];

const STATUS_WEIGHTS: [(Status, u32); 6] = [
    (Status::New, 35),
    (Status::Confirmed, 20),
    (Status::Planned, 5),
    (Status::InProgress, 15),
    (Status::Resolved, 20),
    (Status::Rejected, 5),
];

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut ticket = rng.random_range(0..total);
    for &(value, weight) in weighted {
        if ticket < weight {
            return value;
        }
        ticket -= weight;
    }
    weighted[0].0
}

const STREETS: [&str; 12] = [
    "Abay Avenue",
    "Dostyk Avenue",
    "Raiymbek Avenue",
    "Al-Farabi Avenue",
    "Tole Bi Street",
    "Zhibek Zholy Street",
    "Makatayev Street",
    "Pushkin Street",
    "Furmanov Street",
    "Seifullin Avenue",
    "Satpayev Street",
    "Gogol Street",
];

fn describe(rng: &mut ChaCha8Rng, category: Category) -> String {
    let problems: &[&str] = match category {
        Category::Wheelchair => &["No ramp at the entrance", "Kerb too high at the crossing", "Lift out of order"],
        Category::Pram => &["Underpass has stairs only", "Pavement blocked by parked cars", "Broken tiles"],
        Category::Bicycle => &["Cycle lane ends abruptly", "No place to lock a bicycle", "Lane blocked by kiosks"],
        Category::LimitedMobility => &["No bench for 500 m", "Steps without handrail", "Crossing light too short"],
        Category::LowVision => &["No tactile paving", "Unlit pedestrian crossing", "Missing audio signal"],
        Category::Other => &["Open drainage channel", "Ice not cleared", "Construction fence on the pavement"],
    };
    let problem = problems[rng.random_range(0..problems.len())];
    let street = STREETS[rng.random_range(0..STREETS.len())];
    format!("{problem}, {street} {}", rng.random_range(1..300))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn almaty() -> ServiceArea {
        ServiceArea::almaty().unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn same_seed_same_pins_and_prefixes_agree() {
        let a: Vec<PinRecord> = PinGenerator::new(7, almaty()).take(500).collect();
        let b: Vec<PinRecord> = PinGenerator::new(7, almaty()).take(200).collect();
        assert_eq!(a[..200], b[..]);
        let c: Vec<PinRecord> = PinGenerator::new(8, almaty()).take(200).collect();
        assert_ne!(b, c);
    }

    #[test]
    fn every_pin_is_inside_almaty_and_every_value_occurs() {
        let area = almaty();
        let pins: Vec<PinRecord> = PinGenerator::new(1, almaty()).take(3000).collect();
        assert!(pins.iter().all(|p| area.covers(p.pin.lon, p.pin.lat)));
        for c in Category::ALL {
            assert!(pins.iter().any(|p| p.pin.category == c), "{c:?}");
        }
        // A duplicate needs the pin it repeats; only staff make one.
        for s in Status::ALL.into_iter().filter(|&s| s != Status::Duplicate) {
            assert!(pins.iter().any(|p| p.status == s), "{s:?}");
        }
        let first = pins.iter().map(|p| p.created_at).min().unwrap_or_default();
        let last = pins.iter().map(|p| p.created_at).max().unwrap_or_default();
        assert!((last - first).num_days() > 600, "reports span about two years");
        assert!(pins.iter().all(|p| !p.pin.description.is_empty() && p.pin.description.trim() == p.pin.description));
    }
}

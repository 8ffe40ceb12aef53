//! Pins already rendered as GeoJSON Features, kept in memory so that a listing page is answered from the index
//! and this cache alone, without a round trip to the store.
//!
//! Why: a page of 100 features spent most of its time fetching the page's rows from the store and building
//! `serde_json::Value`s; the index had already answered which pins belong on the page in microseconds. A map
//! asks for the same neighbourhoods over and over, so the rendered features of those pins stay here, bounded
//! by their total size in bytes (quick_cache's S3-FIFO eviction keeps the pins that are asked for often).
//!
//! Coherence: a pin's public fields change only through this process's writes (the only multi-instance
//! staleness is the index's own, which the cache cannot widen). A writer calls [`FeatureCache::invalidate`]
//! after its commit; a reader that fetched a pin from the store before that commit must not put the old
//! rendering back afterwards, so fills carry the write generation they started in and are dropped when any
//! write happened since.

use std::sync::{Arc, Mutex, MutexGuard};

use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::domain::{Pin, PinId};
use crate::spatial::pin_feature;

/// A rendered Feature: the JSON text of one pin.
pub type Rendered = Arc<str>;

#[derive(Clone)]
pub struct FeatureCache {
    /// `None` when the cache is off (a budget of 0).
    features: Option<Arc<Cache<PinId, Rendered, ByLength>>>,
    /// The write generation; held while a fill checks it and inserts, and while a write bumps it.
    generation: Arc<Mutex<u64>>,
}

#[derive(Clone)]
struct ByLength;

impl Weighter<PinId, Rendered> for ByLength {
    fn weight(&self, _id: &PinId, feature: &Rendered) -> u64 {
        // The text plus the entry's own bookkeeping.
        feature.len() as u64 + 48
    }
}

/// The generation a fill started in; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(u64);

impl FeatureCache {
    /// A cache holding at most `capacity_bytes` of rendered features; 0 turns it off.
    pub fn new(capacity_bytes: u64) -> Self {
        let estimated_items = usize::try_from(capacity_bytes / 300).unwrap_or(usize::MAX).max(16);
        Self {
            features: (capacity_bytes > 0)
                .then(|| Arc::new(Cache::with_weighter(estimated_items, capacity_bytes, ByLength))),
            generation: Arc::new(Mutex::new(0)),
        }
    }

    /// Call before reading pins from the store; pass the answer to [`FeatureCache::fill`].
    pub fn generation(&self) -> Generation {
        Generation(*self.lock())
    }

    /// The rendered features of `ids`, in order; `None` where a pin is not cached.
    pub fn get_many(&self, ids: &[PinId]) -> Vec<Option<Rendered>> {
        match &self.features {
            Some(features) => ids.iter().map(|id| features.get(id)).collect(),
            None => vec![None; ids.len()],
        }
    }

    /// Renders `pins` (read from the store after `started`) and keeps them unless a write happened since.
    /// Returns the renderings either way.
    pub fn fill(&self, started: Generation, pins: &[Pin]) -> Vec<(PinId, Rendered)> {
        let rendered: Vec<(PinId, Rendered)> = pins.iter().map(|p| (p.id, render(p))).collect();
        let generation = self.lock();
        if let Some(features) = self.features.as_ref().filter(|_| *generation == started.0) {
            for (id, feature) in &rendered {
                features.insert(*id, Arc::clone(feature));
            }
        }
        rendered
    }

    /// Forgets pin `id`; call after a committed write that changed it.
    pub fn invalidate(&self, id: PinId) {
        let mut generation = self.lock();
        *generation += 1;
        if let Some(features) = &self.features {
            features.remove(&id);
        }
    }

    /// The generation lock; nothing panics while holding it, so a poisoned lock still holds a valid count.
    fn lock(&self) -> MutexGuard<'_, u64> {
        self.generation.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Bytes held (the weights quick_cache counts).
    pub fn weight(&self) -> u64 {
        self.features.as_ref().map_or(0, |f| f.weight())
    }
}

/// A pin's Feature as JSON text.
fn render(pin: &Pin) -> Rendered {
    Arc::from(pin_feature(pin).to_string())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::domain::{Category, Status};

    fn pin(id: PinId, description: &str) -> Pin {
        Pin {
            visibility: Default::default(),
            id,
            lon: 76.95,
            lat: 43.25,
            precision: Default::default(),
            category: Category::Wheelchair,
            status: Status::New,
            duplicate_of: None,
            description: description.into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_fill_that_started_before_a_write_is_not_kept() {
        let cache = FeatureCache::new(1024 * 1024);
        let before = cache.generation();
        cache.invalidate(7);
        let rendered = cache.fill(before, &[pin(7, "old text")]);
        assert!(rendered[0].1.contains("old text"), "the caller still gets what it read");
        assert_eq!(cache.get_many(&[7]), vec![None]);

        let now = cache.generation();
        cache.fill(now, &[pin(7, "new text")]);
        assert!(cache.get_many(&[7])[0].as_deref().is_some_and(|f| f.contains("new text")));
        cache.invalidate(7);
        assert_eq!(cache.get_many(&[7]), vec![None]);
    }

    #[test]
    fn the_cache_stays_within_its_budget() {
        let cache = FeatureCache::new(64 * 1024);
        for id in 1..=2_000 {
            cache.fill(cache.generation(), &[pin(id, &"x".repeat(200))]);
        }
        assert!(cache.weight() <= 64 * 1024, "{} bytes held", cache.weight());
        let held = cache.get_many(&(1..=2_000).collect::<Vec<_>>()).iter().flatten().count();
        assert!(held > 50 && held < 2_000, "{held} features held");
    }

    #[test]
    fn a_budget_of_zero_keeps_nothing() {
        let cache = FeatureCache::new(0);
        let rendered = cache.fill(cache.generation(), &[pin(1, "text")]);
        assert_eq!(rendered.len(), 1);
        assert_eq!(cache.get_many(&[1]), vec![None]);
        assert_eq!(cache.weight(), 0);
    }

    #[test]
    fn the_rendering_is_the_pin_feature() {
        let p = pin(3, "kerb too high");
        let parsed: serde_json::Value = serde_json::from_str(&render(&p)).unwrap_or_default();
        assert_eq!(parsed, pin_feature(&p));
    }
}

//! The area polygons in an R-tree of their parts' bounding boxes, for "which areas contain this point".
//!
//! Areas are few (dozens, a few versions each) but large (districts have up to 1,400 vertices), so the tree
//! prunes by bounding box and the exact test runs only on the few candidates. Each area is also kept
//! prepared ([`PreparedArea`]: a grid and edge bands built once per load) so that membership costs
//! nanoseconds, not a walk over every edge: pins-in-area, statistics and assigning every pin to its district
//! all go through it. The whole set is replaced at once ([`AreaIndex::load`]) after an import or activation,
//! also one made by another process (the server polls the store's areas revision): areas change rarely, and a
//! fresh snapshot can never be half-updated.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use geo::BoundingRect;
use rstar::{AABB, RTree, RTreeObject};

use crate::domain::{Area, AreaId, AreaKind, PinId, PinLocation};
use crate::spatial::PreparedArea;

struct Part {
    area: AreaId,
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Part {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

#[derive(Default)]
struct Snapshot {
    areas: BTreeMap<AreaId, Arc<Area>>,
    prepared: BTreeMap<AreaId, Arc<PreparedArea>>,
    tree: RTree<Part>,
    revision: Option<String>,
}

/// A cheap-clone handle to the current snapshot of all areas.
#[derive(Clone, Default)]
pub struct AreaIndex {
    snapshot: Arc<RwLock<Arc<Snapshot>>>,
}

impl AreaIndex {
    /// Replaces every area; `revision` is the store's [`crate::store::Store::areas_revision`] at load time.
    pub fn load(&self, areas: Vec<Area>, revision: String) {
        let mut parts = Vec::new();
        for area in &areas {
            for polygon in &area.geometry.0 {
                if let Some(r) = polygon.bounding_rect() {
                    parts.push(Part { area: area.id, envelope: AABB::from_corners(r.min().into(), r.max().into()) });
                }
            }
        }
        let prepared = areas.iter().map(|a| (a.id, Arc::new(PreparedArea::new(&a.geometry)))).collect();
        let snapshot = Snapshot {
            prepared,
            areas: areas.into_iter().map(|a| (a.id, Arc::new(a))).collect(),
            tree: RTree::bulk_load(parts),
            revision: Some(revision),
        };
        *self.snapshot.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(snapshot);
    }

    fn current(&self) -> Arc<Snapshot> {
        self.snapshot.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The store revision this snapshot was loaded at, `None` before the first load.
    pub fn revision(&self) -> Option<String> {
        self.current().revision.clone()
    }

    pub fn get(&self, id: AreaId) -> Option<Arc<Area>> {
        self.current().areas.get(&id).cloned()
    }

    /// The area prepared for fast membership tests (pins in it, its statistics).
    pub fn prepared(&self, id: AreaId) -> Option<Arc<PreparedArea>> {
        self.current().prepared.get(&id).cloned()
    }

    /// Every (pin, area) pair where the pin lies in (or on the boundary of) an area of the current version of
    /// `kind`: each pin assigned to its district. A pin on a shared border belongs to both, as with
    /// `ST_Intersects`. The pins are split over the machine's cores.
    pub fn pairs(&self, kind: AreaKind, pins: &[PinLocation]) -> Vec<(PinId, AreaId)> {
        let snapshot = self.current();
        let areas: Vec<(AreaId, &PreparedArea, [f64; 4])> = snapshot
            .areas
            .values()
            .filter(|a| a.version.kind == kind && a.version.current)
            .filter_map(|a| {
                let prepared = snapshot.prepared.get(&a.id)?;
                Some((a.id, prepared.as_ref(), prepared.bounding_box()?))
            })
            .collect();
        let assign = |chunk: &[PinLocation]| {
            let mut out = Vec::with_capacity(chunk.len());
            for p in chunk {
                for (id, prepared, b) in &areas {
                    let in_box = p.lon >= b[0] && p.lon <= b[2] && p.lat >= b[1] && p.lat <= b[3];
                    if in_box && prepared.intersects(p.lon, p.lat) {
                        out.push((p.id, *id));
                    }
                }
            }
            out
        };
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let chunk = pins.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = pins.chunks(chunk).map(|c| scope.spawn(move || assign(c))).collect();
            workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
        })
    }

    /// Areas in id order, optionally of one kind and/or only current versions.
    pub fn list(&self, kind: Option<AreaKind>, only_current: bool) -> Vec<Arc<Area>> {
        self.current()
            .areas
            .values()
            .filter(|a| kind.is_none_or(|k| a.version.kind == k) && (!only_current || a.version.current))
            .cloned()
            .collect()
    }

    /// Areas of current versions that contain the point or have it on their boundary (as `ST_Intersects`).
    pub fn containing(&self, lon: f64, lat: f64) -> Vec<Arc<Area>> {
        let snapshot = self.current();
        let mut ids: Vec<AreaId> = snapshot
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .map(|p| p.area)
            .collect::<Vec<_>>();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter_map(|id| snapshot.areas.get(&id).zip(snapshot.prepared.get(&id)))
            .filter(|(a, prepared)| a.version.current && prepared.intersects(lon, lat))
            .map(|(a, _)| a.clone())
            .collect()
    }
}

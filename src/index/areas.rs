//! The area polygons in an R-tree of their parts' bounding boxes, for "which areas contain this point".
//!
//! Areas are few (dozens, a few versions each) but large (districts have up to 1,400 vertices), so the tree
//! prunes by bounding box and the exact test runs only on the few candidates. The whole set is replaced at
//! once ([`AreaIndex::load`]) after an import or activation: areas change rarely, and a fresh snapshot can
//! never be half-updated.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use geo::{BoundingRect, Intersects, Point};
use rstar::{AABB, RTree, RTreeObject};

use crate::domain::{Area, AreaId, AreaKind};

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
        let snapshot = Snapshot {
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
        let point = Point::new(lon, lat);
        let mut ids: Vec<AreaId> = snapshot
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .map(|p| p.area)
            .collect::<Vec<_>>();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter_map(|id| snapshot.areas.get(&id))
            .filter(|a| a.version.current && a.geometry.intersects(&point))
            .cloned()
            .collect()
    }
}

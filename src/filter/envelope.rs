//! [`Envelope`]: where the pins a predicate can match lie, so that a caller asks its R-tree for candidates
//! instead of testing every pin.
//!
//! Spatial conditions produce it (`spatial`) and the compiled predicate combines it over `AND` and `OR`
//! (`eval`); it lives in neither's file, so that both use it without depending on each other.

/// Where the pins a predicate can match lie, in lon/lat.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Envelope {
    /// No pin can match (for example two disjoint `S_INTERSECTS`, or `FALSE`).
    Empty,
    /// Every matching pin lies in this closed box: `[min_lon, min_lat, max_lon, max_lat]`, min ≤ max.
    InBox([f64; 4]),
}

/// Both boxes: their overlap, or nothing.
pub(super) fn intersection(a: Envelope, b: Envelope) -> Envelope {
    match (a, b) {
        (Envelope::InBox(a), Envelope::InBox(b)) => {
            let boxed = [a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])];
            if boxed[0] <= boxed[2] && boxed[1] <= boxed[3] { Envelope::InBox(boxed) } else { Envelope::Empty }
        }
        _ => Envelope::Empty,
    }
}

/// Either box: the box around both; an empty side adds nothing.
pub(super) fn union(a: Envelope, b: Envelope) -> Envelope {
    match (a, b) {
        (Envelope::InBox(a), Envelope::InBox(b)) => {
            Envelope::InBox([a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
        }
        (Envelope::Empty, other) | (other, Envelope::Empty) => other,
    }
}

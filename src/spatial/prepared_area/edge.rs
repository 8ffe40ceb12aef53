//! One ring edge as the prepared area stores it, with the exact predicates the grid and bands need.

use geo::Coord;
use geo::kernels::{Kernel, Orientation, RobustKernel};

/// One edge of a ring, stored with its lower end first. `dir` is +1 when the ring runs upwards along it,
/// -1 downwards, 0 for a horizontal edge (which never counts as a crossing).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Edge {
    pub(super) lo_x: f64,
    pub(super) lo_y: f64,
    pub(super) hi_x: f64,
    pub(super) hi_y: f64,
    pub(super) x_min: f64,
    pub(super) x_max: f64,
    pub(super) dir: i32,
}

impl Edge {
    pub(super) fn new(a: Coord<f64>, b: Coord<f64>) -> Self {
        let (lo, hi, dir) = if a.y < b.y {
            (a, b, 1)
        } else if a.y > b.y {
            (b, a, -1)
        } else {
            (a, b, 0)
        };
        Self { lo_x: lo.x, lo_y: lo.y, hi_x: hi.x, hi_y: hi.y, x_min: a.x.min(b.x), x_max: a.x.max(b.x), dir }
    }

    #[inline]
    pub(super) fn orient(&self, x: f64, y: f64) -> Orientation {
        <RobustKernel as Kernel<f64>>::orient2d(
            Coord { x: self.lo_x, y: self.lo_y },
            Coord { x: self.hi_x, y: self.hi_y },
            Coord { x, y },
        )
    }

    /// Whether the segment meets the closed rectangle `[x0, x1] × [y0, y1]` (exact).
    pub(super) fn touches(&self, x0: f64, x1: f64, y0: f64, y1: f64) -> bool {
        if self.x_max < x0 || self.x_min > x1 || self.hi_y < y0 || self.lo_y > y1 {
            return false;
        }
        let (mut left, mut right) = (false, false);
        for (x, y) in [(x0, y0), (x1, y0), (x1, y1), (x0, y1)] {
            match self.orient(x, y) {
                Orientation::CounterClockwise => left = true,
                Orientation::Clockwise => right = true,
                Orientation::Collinear => return true,
            }
        }
        left && right
    }
}

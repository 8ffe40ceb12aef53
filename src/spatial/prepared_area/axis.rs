//! The grid's axes: a monotone map from a coordinate to a column (or row), and the exact cell borders it
//! implies, found by stepping one ulp at a time so that no safety margin has to be guessed.

/// Ulp steps allowed when settling a grid line (a handful are ever needed).
const NUDGE_LIMIT: usize = 4096;

/// The monotone map from a coordinate to a column (or row): `min((v - min) * inv_step as usize, last)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Axis {
    min: f64,
    inv_step: f64,
    last: usize,
}

impl Axis {
    pub(super) fn new(min: f64, max: f64, n: usize) -> Self {
        let single = Self { min, inv_step: 0.0, last: 0 };
        if n <= 1 || max <= min {
            return single;
        }
        let inv_step = n as f64 / (max - min);
        if inv_step.is_finite() && inv_step > 0.0 { Self { min, inv_step, last: n - 1 } } else { single }
    }

    #[inline]
    pub(super) fn index(&self, v: f64) -> usize {
        // `as usize` saturates: negative and NaN give 0, so the map stays monotone everywhere.
        (((v - self.min) * self.inv_step) as usize).min(self.last)
    }

    pub(super) fn count(&self) -> usize {
        self.last + 1
    }

    /// `lines[i]` is the least `f64` whose index is at least `i` (`lines[0] = min`), and `lines[n] = max`,
    /// so index `i` holds exactly `[lines[i], lines[i + 1])` (closed at `max` for the last one).
    /// `None` when a line does not settle within [`NUDGE_LIMIT`] ulp steps.
    pub(super) fn lines(&self, max: f64) -> Option<Vec<f64>> {
        let n = self.count();
        let mut lines = Vec::with_capacity(n + 1);
        lines.push(self.min);
        for i in 1..n {
            let mut v = self.min + (max - self.min) * (i as f64 / n as f64);
            let mut steps = 0;
            while self.index(v) >= i {
                v = v.next_down();
                steps += 1;
                if steps > NUDGE_LIMIT {
                    return None;
                }
            }
            while self.index(v) < i {
                v = v.next_up();
                steps += 1;
                if steps > NUDGE_LIMIT {
                    return None;
                }
            }
            lines.push(v);
        }
        lines.push(max);
        lines.windows(2).all(|w| w[0] <= w[1]).then_some(lines)
    }
}

//! Truth values for a caller that may not know every field.
//!
//! SQL gives a condition three values (true, false, NULL), and a caller that has only the R-tree's copy of a pin
//! adds a fourth: "not known yet", for `description` and `updated_at`. Rather than inventing a four-valued logic,
//! each node evaluates to the *set* of SQL values it could have, three bits: a known field gives one value, an
//! unknown one every value it could take. `AND`, `OR` and `NOT` apply SQL's (Kleene) rules to every combination.
//! At the top, NULL counts as false (a row whose filter is NULL is not returned), and the answer is
//! [`Tri::Unknown`] only when the set still holds both a true and a false: `FALSE AND description LIKE 'x'` is
//! false without the description. `description LIKE 'x' OR NOT description LIKE 'x'` is (over-cautiously)
//! unknown, because the two leaves are treated as independent.
//!
//! [`Tri`], the answer a caller sees, lives here with the sets it is read from, below the evaluator (`eval`)
//! that produces them.

/// The answer of a predicate for one pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    /// It depends on a field the caller did not know: fetch the record and evaluate again.
    Unknown,
}

const TRUE: u8 = 1;
const FALSE: u8 = 2;
const NULL: u8 = 4;

/// A set of SQL truth values, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Outcomes(u8);

impl Outcomes {
    pub(super) const NULL: Outcomes = Outcomes(NULL);
    /// A comparison on a field that is not known and may be NULL.
    pub(super) const ANY: Outcomes = Outcomes(TRUE | FALSE | NULL);
    /// A comparison on a field that is not known but never NULL.
    pub(super) const TRUE_OR_FALSE: Outcomes = Outcomes(TRUE | FALSE);

    pub(super) fn of(value: bool) -> Outcomes {
        Outcomes(if value { TRUE } else { FALSE })
    }

    fn combine(self, other: Outcomes, rule: fn(u8, u8) -> u8) -> Outcomes {
        let mut out = 0;
        for a in [TRUE, FALSE, NULL].into_iter().filter(|a| self.0 & a != 0) {
            for b in [TRUE, FALSE, NULL].into_iter().filter(|b| other.0 & b != 0) {
                out |= rule(a, b);
            }
        }
        Outcomes(out)
    }

    /// Kleene AND: false wins, then NULL (the larger bit), then true.
    pub(super) fn and(self, other: Outcomes) -> Outcomes {
        self.combine(other, |a, b| if a == FALSE || b == FALSE { FALSE } else { a.max(b) })
    }

    /// Kleene OR: true wins, then NULL (the larger bit), then false.
    pub(super) fn or(self, other: Outcomes) -> Outcomes {
        self.combine(other, |a, b| if a == TRUE || b == TRUE { TRUE } else { a.max(b) })
    }

    /// NOT swaps true and false; NOT NULL is NULL.
    pub(super) fn not(self) -> Outcomes {
        let flip = |from: u8, to: u8| if self.0 & from != 0 { to } else { 0 };
        Outcomes(flip(TRUE, FALSE) | flip(FALSE, TRUE) | (self.0 & NULL))
    }

    /// The answer at the top of a filter, where NULL means no match.
    pub(super) fn answer(self) -> Tri {
        let can_match = self.0 & TRUE != 0;
        let can_fail = self.0 & (FALSE | NULL) != 0;
        match (can_match, can_fail) {
            (true, false) => Tri::True,
            (true, true) => Tri::Unknown,
            (false, _) => Tri::False,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Outcomes, TRUE};
    use crate::filter::Tri;

    const T: Outcomes = Outcomes(TRUE);

    #[test]
    fn kleene_tables() {
        let (f, n) = (Outcomes::of(false), Outcomes::NULL);
        assert_eq!([T.and(T), T.and(f), T.and(n), f.and(n), n.and(n)], [T, f, n, f, n]);
        assert_eq!([f.or(f), T.or(f), f.or(n), T.or(n), n.or(n)], [f, T, n, T, n]);
        assert_eq!([T.not(), f.not(), n.not()], [f, T, n]);
    }

    #[test]
    fn sets_combine_pointwise() {
        let any = Outcomes::ANY;
        assert_eq!(any.and(Outcomes::of(false)), Outcomes::of(false));
        assert_eq!(any.or(T), T);
        assert_eq!(any.not(), any);
        assert_eq!(Outcomes::TRUE_OR_FALSE.and(Outcomes::NULL), Outcomes(2 | 4));
        assert_eq!(Outcomes(2 | 4).answer(), Tri::False);
        assert_eq!(Outcomes::NULL.answer(), Tri::False);
        assert_eq!(any.answer(), Tri::Unknown);
        assert_eq!(Outcomes(TRUE | 4).answer(), Tri::Unknown);
    }
}

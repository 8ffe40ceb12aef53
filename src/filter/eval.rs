//! The compiled predicate ([`PinPredicate`], a tree of `Node`s that `compile`, `compare` and `temporal` build)
//! and its evaluation on one pin ([`PinFields`]). Each node answers with the set of SQL truth values it could
//! have ([`Outcomes`], see `outcomes`), so one walk covers SQL NULL and fields the caller does not know yet.
//!
//! The node types and what is asked of them (evaluation, whether the record is needed, the envelope) share this
//! file: a new kind of condition is one variant here and one arm in each of those three matches.

use super::envelope::{Envelope, intersection, union};
use super::like::{LikePattern, fold_case};
use super::outcomes::{Outcomes, Tri};
use super::spatial::SpatialTest;

/// The fields of one pin, as far as the caller knows them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PinFields<'a> {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub category: &'a str,
    pub status: &'a str,
    pub location_precision: &'a str,
    /// Microseconds since the Unix epoch.
    pub created_at_us: i64,
    /// `None`: not known at this stage (the caller only has the index's copy); `Some(None)`: SQL NULL;
    /// `Some(Some(s))`: the value.
    pub description: Option<Option<&'a str>>,
    /// Microseconds since the Unix epoch; `None`: not known at this stage.
    pub updated_at_us: Option<i64>,
}

/// A compiled CQL2 filter over pins; see [`compile()`](super::compile()). Cheap to evaluate, `Send + Sync`.
#[derive(Debug, Clone)]
pub struct PinPredicate {
    root: Node,
    needs_record: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextField {
    Category,
    Status,
    LocationPrecision,
    Description,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TimeField {
    CreatedAt,
    UpdatedAt,
}

/// `=`, `<`, `<=`, `>`, `>=`; `<>` compiles to `NOT =`, which is the same under SQL's NULL rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone)]
pub(super) enum TextTest {
    Compare(Order, String),
    Like(LikePattern),
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Const(bool),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// `lo <= id <= hi`; i128 so that bounds rounded from any `f64` fit.
    Id {
        lo: i128,
        hi: i128,
    },
    /// `fold`: the value is lowercased first (`CASEI(property)`).
    Text {
        field: TextField,
        fold: bool,
        test: TextTest,
    },
    /// `start <= t < end`, in nanoseconds since the Unix epoch.
    Time {
        field: TimeField,
        start: i128,
        end: i128,
    },
    DescriptionIsNull,
    Spatial(Box<SpatialTest>),
}

impl PinPredicate {
    pub(super) fn new(root: Node) -> PinPredicate {
        let needs_record = root.needs_record();
        PinPredicate { root, needs_record }
    }

    /// Whether `pin` matches. [`Tri::Unknown`] only when the answer depends on a field that `pin` does not know
    /// (`None`). SQL NULL (`description: Some(None)`) makes comparisons, `LIKE`, `IN` and `BETWEEN` NULL, which
    /// counts as no match at the top, also under `NOT`; `IS NULL` is true.
    pub fn eval(&self, pin: &PinFields) -> Tri {
        self.eval_counting(pin, &mut 0)
    }

    /// [`eval`](Self::eval), adding to `work` what the evaluation cost: one unit per condition looked at, plus
    /// one per byte a text test reads (times the tokens of a `LIKE` pattern, whose matcher may revisit a byte
    /// once per token) and one per vertex of a geometry a spatial test walks. Callers hold a request to a
    /// budget of these units, so a filter costs what it does on the pins it meets, not a guess made in advance.
    pub fn eval_counting(&self, pin: &PinFields, work: &mut u64) -> Tri {
        self.root.eval(pin, work).answer()
    }

    /// Whether the filter refers to `description` or `updated_at`, so that a caller holding only the index's
    /// copy of a pin may get [`Tri::Unknown`] and must then fetch the record.
    pub fn needs_record(&self) -> bool {
        self.needs_record
    }

    /// A lon/lat box that every matching pin lies in, from the filter's spatial conditions, so that a caller can
    /// ask its R-tree for candidates; `None` when matches may be anywhere. `AND` intersects its conditions'
    /// boxes, `OR` unites them only when every branch has one, `NOT` and `S_DISJOINT` give none.
    pub fn envelope(&self) -> Option<Envelope> {
        self.root.envelope()
    }
}

impl Node {
    fn eval(&self, pin: &PinFields, work: &mut u64) -> Outcomes {
        *work += 1;
        match self {
            Node::Const(value) => Outcomes::of(*value),
            Node::And(children) => {
                let mut acc = Outcomes::of(true);
                for child in children {
                    acc = acc.and(child.eval(pin, work));
                    if acc == Outcomes::of(false) {
                        break;
                    }
                }
                acc
            }
            Node::Or(children) => {
                let mut acc = Outcomes::of(false);
                for child in children {
                    acc = acc.or(child.eval(pin, work));
                    if acc == Outcomes::of(true) {
                        break;
                    }
                }
                acc
            }
            Node::Not(child) => child.eval(pin, work).not(),
            Node::Id { lo, hi } => Outcomes::of((*lo..=*hi).contains(&i128::from(pin.id))),
            Node::Text { field, fold, test } => {
                let value = match field {
                    TextField::Category => pin.category,
                    TextField::Status => pin.status,
                    TextField::LocationPrecision => pin.location_precision,
                    TextField::Description => match pin.description {
                        None => return Outcomes::ANY,
                        Some(None) => return Outcomes::NULL,
                        Some(Some(value)) => value,
                    },
                };
                *work += test.cost(value.len(), *fold);
                if *fold { Outcomes::of(test.matches(&fold_case(value))) } else { Outcomes::of(test.matches(value)) }
            }
            Node::Time { field, start, end } => {
                let us = match field {
                    TimeField::CreatedAt => pin.created_at_us,
                    TimeField::UpdatedAt => match pin.updated_at_us {
                        Some(us) => us,
                        None => return Outcomes::TRUE_OR_FALSE,
                    },
                };
                Outcomes::of((*start..*end).contains(&(i128::from(us) * 1000)))
            }
            Node::DescriptionIsNull => match pin.description {
                None => Outcomes::TRUE_OR_FALSE,
                Some(value) => Outcomes::of(value.is_none()),
            },
            Node::Spatial(test) => {
                *work += test.cost();
                test.eval(pin.lon, pin.lat).map_or(Outcomes::NULL, Outcomes::of)
            }
        }
    }

    fn needs_record(&self) -> bool {
        match self {
            Node::And(children) | Node::Or(children) => children.iter().any(Node::needs_record),
            Node::Not(child) => child.needs_record(),
            Node::Text { field, .. } => *field == TextField::Description,
            Node::Time { field, .. } => *field == TimeField::UpdatedAt,
            Node::DescriptionIsNull => true,
            Node::Const(_) | Node::Id { .. } | Node::Spatial(_) => false,
        }
    }

    fn envelope(&self) -> Option<Envelope> {
        match self {
            Node::Const(false) => Some(Envelope::Empty),
            Node::Spatial(test) => test.envelope(),
            Node::And(children) => children.iter().filter_map(Node::envelope).reduce(intersection),
            Node::Or(children) => children.iter().map(Node::envelope).reduce(|a, b| Some(union(a?, b?)))?,
            _ => None,
        }
    }
}

impl TextTest {
    /// What testing a value of `len` bytes costs, in the units of [`PinPredicate::eval_counting`].
    fn cost(&self, len: usize, fold: bool) -> u64 {
        let per_byte = match self {
            TextTest::Compare(..) => 1,
            TextTest::Like(pattern) => pattern.token_count().max(1),
        } + usize::from(fold);
        (len as u64).saturating_mul(per_byte as u64)
    }

    fn matches(&self, value: &str) -> bool {
        match self {
            TextTest::Compare(order, literal) => order.holds(value.cmp(literal.as_str())),
            TextTest::Like(pattern) => pattern.matches(value),
        }
    }
}

impl Order {
    pub(super) fn holds(self, ordering: std::cmp::Ordering) -> bool {
        match self {
            Order::Eq => ordering.is_eq(),
            Order::Lt => ordering.is_lt(),
            Order::Le => ordering.is_le(),
            Order::Gt => ordering.is_gt(),
            Order::Ge => ordering.is_ge(),
        }
    }
}

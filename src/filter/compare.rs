//! Comparisons of a queryable with literals: `=`, `<>`, `<`, `<=`, `>`, `>=`, `LIKE`, `IN`, `IS NULL` (and
//! `BETWEEN`, compiled as `>= AND <=`). Either side may hold the queryable (`'pram' = category`); the operator is
//! mirrored so the queryable is always on the left. Each queryable type gets exact semantics:
//! - `id` against numbers, decided on integers: `id < 2.5` is `id <= 2`, `id = 1.5` is false, not an error;
//! - strings lexicographically (by code point), `CASEI` lowercasing whichever side it wraps;
//! - timestamps as range tests on the literal's period (see `temporal`).

use cql2::Expr;

use super::error::{FilterError, describe, show};
use super::eval::{Node, Order, TextField, TextTest, TimeField};
use super::like::{LikePattern, fold_case};
use super::operands::{Operand, operand};
use super::queryables::{Field, QueryableType, queryable_names};
use super::temporal::instant_or_day;

/// `left op right` for `op` one of `=`, `<>`, `<`, `<=`, `>`, `>=`.
pub(super) fn comparison(op: &str, left: &Expr, right: &Expr) -> Result<Node, FilterError> {
    let order = match op {
        "<" => Order::Lt,
        "<=" => Order::Le,
        ">" => Order::Gt,
        ">=" => Order::Ge,
        _ => Order::Eq,
    };
    let (field, fold, value, order) = match (operand(left)?, operand(right)?) {
        (Operand::Field { field, fold }, Operand::Value { expr, fold: value_fold }) => {
            (field, fold, (expr, value_fold), order)
        }
        (Operand::Value { expr, fold: value_fold }, Operand::Field { field, fold }) => {
            (field, fold, (expr, value_fold), mirror(order))
        }
        (Operand::Field { field: a, .. }, Operand::Field { field: b, .. }) => {
            return Err(FilterError::new(format!(
                "comparing two queryables ({} {op} {}) is not supported; compare a queryable with a literal",
                a.name(),
                b.name()
            )));
        }
        (Operand::Value { .. }, Operand::Value { .. }) => {
            return Err(FilterError::new(format!(
                "{} {op} {} compares two literals; one side must be a queryable ({})",
                show(left),
                show(right),
                queryable_names()
            )));
        }
    };
    let node = compare(field, fold, order, value)?;
    Ok(if op == "<>" { Node::Not(Box::new(node)) } else { node })
}

/// `value LIKE pattern`: the queryable on the left, a string pattern on the right.
pub(super) fn like(value: &Expr, pattern: &Expr) -> Result<Node, FilterError> {
    let Operand::Field { field, fold } = operand(value)? else {
        return Err(FilterError::new(format!("LIKE needs a queryable on its left, not {}", describe(value))));
    };
    let (Some(text_field), Operand::Value { expr: Expr::Literal(text), fold: fold_pattern }) =
        (text_field(field), operand(pattern)?)
    else {
        return Err(FilterError::new(format!(
            "LIKE compares a string queryable (category, status, location_precision, description) with a quoted pattern, not {} with {}",
            field.name(),
            describe(pattern)
        )));
    };
    let pattern = LikePattern::new(text, fold_pattern).map_err(FilterError::new)?;
    Ok(Node::Text { field: text_field, fold, test: TextTest::Like(pattern) })
}

/// `value IN (a, b, …)`: true when any element equals.
pub(super) fn in_list(value: &Expr, list: &Expr) -> Result<Node, FilterError> {
    let Operand::Field { field, fold } = operand(value)? else {
        return Err(FilterError::new(format!("IN needs a queryable on its left, not {}", describe(value))));
    };
    let Expr::Array(items) = list else {
        return Err(FilterError::new(format!("IN needs a list in parentheses, not {}", describe(list))));
    };
    let mut alternatives = Vec::with_capacity(items.len());
    for item in items {
        let Operand::Value { expr, fold: item_fold } = operand(item)? else {
            return Err(FilterError::new("the list of IN holds literals only, not queryables"));
        };
        alternatives.push(compare(field, fold, Order::Eq, (expr, item_fold))?);
    }
    Ok(Node::Or(alternatives))
}

/// `value IS NULL`: only `description` can be NULL.
pub(super) fn is_null(value: &Expr) -> Result<Node, FilterError> {
    match operand(value)? {
        Operand::Field { field: Field::Description, .. } => Ok(Node::DescriptionIsNull),
        Operand::Field { .. } => Ok(Node::Const(false)),
        Operand::Value { .. } => Err(FilterError::new(format!("IS NULL needs a queryable, not {}", describe(value)))),
    }
}

/// `field order value`, with the literal checked against the queryable's type.
fn compare(field: Field, fold: bool, order: Order, (value, fold_value): (&Expr, bool)) -> Result<Node, FilterError> {
    let mismatch =
        || FilterError::new(format!("{} and cannot be compared with {}", field.described(), describe(value)));
    if matches!(value, Expr::Null) {
        return Err(FilterError::new(format!(
            "comparing with NULL is never true; write {} IS NULL or IS NOT NULL",
            field.name()
        )));
    }
    if (fold || fold_value) && field.kind() != QueryableType::String {
        return Err(FilterError::new(format!("CASEI applies to strings; {}", field.described())));
    }
    match field.kind() {
        QueryableType::Integer => match value {
            Expr::Float(x) if !x.is_nan() => Ok(id_node(order, *x)),
            _ => Err(mismatch()),
        },
        QueryableType::String => match (value, text_field(field)) {
            (Expr::Literal(text), Some(text_field)) => {
                let literal = if fold_value { fold_case(text) } else { text.clone() };
                Ok(Node::Text { field: text_field, fold, test: TextTest::Compare(order, literal) })
            }
            _ => Err(mismatch()),
        },
        QueryableType::Timestamp => {
            let period = instant_or_day(field.name(), value)?;
            let time = if field == Field::UpdatedAt { TimeField::UpdatedAt } else { TimeField::CreatedAt };
            let range = |start: i128, end: i128| Node::Time { field: time, start, end };
            Ok(match order {
                Order::Eq => range(period.start, period.end),
                Order::Lt => range(i128::MIN, period.start),
                Order::Le => range(i128::MIN, period.end),
                Order::Gt => range(period.end, i128::MAX),
                Order::Ge => range(period.start, i128::MAX),
            })
        }
        QueryableType::Point => Err(FilterError::new(
            "geometry can only be used in the spatial functions (S_INTERSECTS(geometry, …), S_WITHIN, …)",
        )),
    }
}

/// `id order x`, decided on integers: i128 holds every rounded `f64` bound (saturating) and every `i64`.
fn id_node(order: Order, x: f64) -> Node {
    let (floor, ceil) = (x.floor() as i128, x.ceil() as i128);
    let range = |lo: i128, hi: i128| Node::Id { lo, hi };
    match order {
        Order::Eq if x.fract() == 0.0 => range(floor, floor),
        Order::Eq => Node::Const(false),
        Order::Lt => range(i128::MIN, ceil.saturating_sub(1)),
        Order::Le => range(i128::MIN, floor),
        Order::Gt => range(floor.saturating_add(1), i128::MAX),
        Order::Ge => range(ceil, i128::MAX),
    }
}

/// `a op b` as `b mirror(op) a`.
fn mirror(order: Order) -> Order {
    match order {
        Order::Eq => Order::Eq,
        Order::Lt => Order::Gt,
        Order::Le => Order::Ge,
        Order::Gt => Order::Lt,
        Order::Ge => Order::Le,
    }
}

fn text_field(field: Field) -> Option<TextField> {
    match field {
        Field::Category => Some(TextField::Category),
        Field::Status => Some(TextField::Status),
        Field::LocationPrecision => Some(TextField::LocationPrecision),
        Field::Description => Some(TextField::Description),
        _ => None,
    }
}

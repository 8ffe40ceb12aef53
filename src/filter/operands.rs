//! What stands in an operation's argument list: how many arguments there are, which one names a queryable
//! (possibly under `CASEI`) and which is a literal, and the errors for an unknown property or for an
//! operation where a value or a condition was expected.
//!
//! Both the walk over the expression (`compile`) and the comparisons (`compare`) read arguments this way, so it
//! has a file of its own below both. The list of supported operators lives here, beside the error that quotes
//! it; an operator added to `compile` goes into [`SUPPORTED`] too.

use cql2::Expr;

use super::error::{FilterError, show};
use super::queryables::{Field, queryable_names};

/// The operators and functions a filter may use, for messages: every name `compile` accepts.
const SUPPORTED: &str = "AND, OR, NOT, =, <>, <, <=, >, >=, LIKE, IN, BETWEEN, IS NULL, CASEI, \
    S_INTERSECTS, S_WITHIN, S_CONTAINS, S_DISJOINT, S_EQUALS, S_TOUCHES, S_OVERLAPS, S_CROSSES, \
    T_BEFORE, T_AFTER, T_INTERSECTS, T_EQUALS, T_DISJOINT, T_DURING";

const GEOMETRY_TYPES: &[&str] =
    &["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"];

/// One side of a comparison: a queryable or a literal, either possibly under `CASEI`.
pub(super) enum Operand<'e> {
    Field { field: Field, fold: bool },
    Value { expr: &'e Expr, fold: bool },
}

pub(super) fn operand(expr: &Expr) -> Result<Operand<'_>, FilterError> {
    match expr {
        Expr::Property { property } => match Field::from_name(property) {
            Some(field) => Ok(Operand::Field { field, fold: false }),
            None => Err(unknown_property(property)),
        },
        Expr::Operation { op, args } if op == "casei" => {
            let [inner] = arguments("CASEI", args)?;
            Ok(match operand(inner)? {
                Operand::Field { field, .. } => Operand::Field { field, fold: true },
                Operand::Value { expr, .. } => Operand::Value { expr, fold: true },
            })
        }
        Expr::Operation { op, .. } => Err(unsupported(op, expr)),
        _ => Ok(Operand::Value { expr, fold: false }),
    }
}

/// The queryable an argument names (also under `CASEI`), or `None` for a literal.
pub(super) fn property_side(expr: &Expr) -> Result<Option<Field>, FilterError> {
    match expr {
        Expr::Property { .. } => match operand(expr)? {
            Operand::Field { field, .. } => Ok(Some(field)),
            Operand::Value { .. } => Ok(None),
        },
        _ => Ok(None),
    }
}

/// Exactly `N` arguments, or an error naming the operator.
pub(super) fn arguments<'e, const N: usize>(name: &str, args: &'e [Box<Expr>]) -> Result<[&'e Expr; N], FilterError> {
    let args: &[Box<Expr>; N] = args.try_into().map_err(|_| {
        FilterError::new(format!("{} takes {N} argument{}, not {}", name, if N == 1 { "" } else { "s" }, args.len()))
    })?;
    Ok(args.each_ref().map(|arg| &**arg))
}

pub(super) fn unknown_property(name: &str) -> FilterError {
    FilterError::new(format!("unknown property \"{name}\"; the queryables are {}", queryable_names()))
}

/// The error for an operation that is not supported where it stands.
pub(super) fn unsupported(op: &str, expr: &Expr) -> FilterError {
    let upper = op.to_uppercase();
    let message = if GEOMETRY_TYPES.contains(&upper.as_str()) {
        format!("{} is not a geometry", show(expr))
    } else if cql2::TEMPORALOPS.contains(&op) || cql2::ARRAYOPS.contains(&op) {
        format!("operator {upper} is not supported; supported: {SUPPORTED}")
    } else if cql2::ARITHOPS.contains(&op) {
        format!("arithmetic ({}) is not supported", show(expr))
    } else if op == "casei" {
        format!("{} is a string, not a condition; compare it, e.g. CASEI(category) = CASEI('…')", show(expr))
    } else if op == "accenti" {
        format!("function ACCENTI is not supported; supported: {SUPPORTED}")
    } else if cql2::SPATIALOPS.contains(&op)
        || matches!(
            op,
            "and" | "or" | "not" | "like" | "in" | "between" | "isNull" | "=" | "<>" | "<" | "<=" | ">" | ">="
        )
    {
        format!("{} is a condition, not a value", show(expr))
    } else {
        format!("unknown function {op}(…); supported: {SUPPORTED}")
    };
    FilterError::new(message)
}

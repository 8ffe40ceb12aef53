//! From CQL2 text to a [`PinPredicate`]: parse with cql2 (stack-bounded, see `parse`), then walk its `Expr`
//! once, checking every operator, argument count, property name and type, and converting every literal (numbers
//! to integer bounds, strings folded for `CASEI`, timestamps to nanosecond periods, geometries to lon/lat). All
//! errors surface here, so evaluation cannot fail.
//!
//! This file is the walk and its dispatch on the operator; each kind of condition is built in its own file
//! (`compare`, `temporal`, `spatial`), and reading an operation's arguments is shared with them (`operands`).
//!
//! cql2's evaluator (`reduce`/`matches`) is not used: it was found to compare timestamps wrongly in `BETWEEN` and
//! to fail on a missing property, and it knows nothing of "not known yet". Nor is its parser trusted to have
//! rejected nonsense: any `name(args)` parses as an operation called `name` (`POINT(1)`, `bogus(x)`), so only the
//! operators this walk knows are let through (an operator added here also goes into `operands::SUPPORTED`, the
//! list error messages quote).

use cql2::Expr;

use super::compare::{comparison, in_list, is_null, like};
use super::error::{FilterError, describe};
use super::eval::{Node, PinPredicate, TimeField};
use super::operands::{arguments, property_side, unknown_property, unsupported};
use super::parse::parse;
use super::queryables::Field;
use super::spatial::{SpatialOp, SpatialTest, literal_geometry};
use super::temporal::{TemporalOp, period, temporal_node};

/// Compiles a CQL2 text filter over the pins' [`QUERYABLES`](super::QUERYABLES).
///
/// `to_lon_lat` converts a coordinate of the filter's geometry literals, given in the request's filter-crs and in
/// that CRS's axis order, to (lon, lat); for CRS84 it is the identity. It is called only here, never during
/// evaluation.
///
/// # Errors
/// A [`FilterError`] for a syntax error (with its line and column), an unknown property, an unsupported operator
/// or function, a wrong number or type of arguments, an invalid literal, a coordinate `to_lon_lat` rejects, or a
/// filter too deeply nested to parse safely.
pub fn compile(
    text: &str,
    to_lon_lat: &dyn Fn(f64, f64) -> Result<(f64, f64), String>,
) -> Result<PinPredicate, FilterError> {
    let expr = parse(text)?;
    let root = Compiler { to_lon_lat }.condition(&expr)?;
    Ok(PinPredicate::new(root))
}

struct Compiler<'a> {
    to_lon_lat: &'a dyn Fn(f64, f64) -> Result<(f64, f64), String>,
}

impl Compiler<'_> {
    fn condition(&self, expr: &Expr) -> Result<Node, FilterError> {
        match expr {
            Expr::Bool(value) => Ok(Node::Const(*value)),
            Expr::Operation { op, args } => self.operation(expr, op, args),
            Expr::Property { property } => Err(match Field::from_name(property) {
                Some(field) => FilterError::new(format!(
                    "{}, not a condition; compare it with a value, e.g. {property} = …",
                    field.described()
                )),
                None => unknown_property(property),
            }),
            _ => Err(FilterError::new(format!("{} is not a condition", describe(expr)))),
        }
    }

    fn operation(&self, expr: &Expr, op: &str, args: &[Box<Expr>]) -> Result<Node, FilterError> {
        match op {
            "and" | "or" => {
                let children = args.iter().map(|arg| self.condition(arg)).collect::<Result<Vec<_>, _>>()?;
                Ok(if op == "and" { Node::And(children) } else { Node::Or(children) })
            }
            "not" => {
                let [arg] = arguments("NOT", args)?;
                Ok(Node::Not(Box::new(self.condition(arg)?)))
            }
            "=" | "<>" | "<" | "<=" | ">" | ">=" => {
                let [left, right] = arguments(op, args)?;
                comparison(op, left, right)
            }
            "like" => {
                let [value, pattern] = arguments("LIKE", args)?;
                like(value, pattern)
            }
            "in" => {
                let [value, list] = arguments("IN", args)?;
                in_list(value, list)
            }
            "between" => {
                let [value, low, high] = arguments("BETWEEN", args)?;
                Ok(Node::And(vec![comparison(">=", value, low)?, comparison("<=", value, high)?]))
            }
            "isNull" => {
                let [value] = arguments("IS NULL", args)?;
                is_null(value)
            }
            _ => {
                if let Some(spatial) = SpatialOp::from_name(op) {
                    self.spatial(op, spatial, args)
                } else if let Some(temporal) = TemporalOp::from_name(op) {
                    temporal_condition(op, temporal, args)
                } else {
                    Err(unsupported(op, expr))
                }
            }
        }
    }

    fn spatial(&self, name: &str, op: SpatialOp, args: &[Box<Expr>]) -> Result<Node, FilterError> {
        let name = name.to_uppercase();
        let [a, b] = arguments(&name, args)?;
        let (pin_first, literal) = match (property_side(a)?, property_side(b)?) {
            (Some(Field::Geometry), None) => (true, b),
            (None, Some(Field::Geometry)) => (false, a),
            (first, second) => {
                let other = first.or(second).filter(|field| *field != Field::Geometry);
                let detail = other.map(|field| format!("; {}", field.described())).unwrap_or_default();
                return Err(FilterError::new(format!(
                    "{name} needs the property geometry as one argument and a geometry literal as the other{detail}"
                )));
            }
        };
        if let Expr::Operation { op, .. } = literal {
            return Err(unsupported(op, literal));
        }
        let geometry = literal_geometry(literal, self.to_lon_lat)?;
        Ok(Node::Spatial(Box::new(SpatialTest::new(op, pin_first, geometry)?)))
    }
}

fn temporal_condition(name: &str, op: TemporalOp, args: &[Box<Expr>]) -> Result<Node, FilterError> {
    let name = name.to_uppercase();
    let [a, b] = arguments(&name, args)?;
    let time_field = |field: Field| match field {
        Field::CreatedAt => Some(TimeField::CreatedAt),
        Field::UpdatedAt => Some(TimeField::UpdatedAt),
        _ => None,
    };
    let (field, pin_first, literal) = match (property_side(a)?, property_side(b)?) {
        (Some(field), None) => (field, true, b),
        (None, Some(field)) => (field, false, a),
        (Some(_), Some(_)) => {
            return Err(FilterError::new(format!("{name} between two queryables is not supported")));
        }
        (None, None) => {
            return Err(FilterError::new(format!("{name} needs created_at or updated_at as one argument")));
        }
    };
    let Some(time) = time_field(field) else {
        return Err(FilterError::new(format!(
            "{name} needs created_at or updated_at as one argument; {}",
            field.described()
        )));
    };
    temporal_node(op, time, pin_first, period(field.name(), literal)?)
}

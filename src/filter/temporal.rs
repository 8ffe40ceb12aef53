//! Temporal literals and the `T_*` functions. Every literal becomes a half-open period `[start, end)` in
//! nanoseconds since the Unix epoch (i128, so chrono's whole range and the open ends fit, and a literal's
//! sub-microsecond digits are kept exactly while pins carry microseconds):
//! - `TIMESTAMP('…')`, or a plain string in RFC 3339: the instant, `[t, t + 1 ns)`;
//! - `DATE('…')`, or a plain `'YYYY-MM-DD'`: the whole UTC day;
//! - `INTERVAL(a, b)`: from the start of `a` to the end of `b` (so a date as the end includes that day), `'..'`
//!   leaving that side open.
//!
//! With one representation, a comparison is one range test on the pin's instant: `created_at = DATE(d)` holds for
//! every time of day d, `<` means before the period starts, `>` after it ends. Pins are instants, so the `T_*`
//! functions are the instant-versus-period cases of OGC's definitions; the ones that only make sense between two
//! periods (`T_MEETS`, `T_OVERLAPS`, …) are rejected.
//!
//! cql2 itself rewrites a `TIMESTAMP` literal containing `T` or a space into RFC 3339 UTC before we see it, and
//! reads a missing offset as UTC, so `TIMESTAMP('2025-01-01T10:00')` is accepted as `10:00Z`.

use chrono::{DateTime, NaiveDate};
use cql2::Expr;

use super::error::{FilterError, describe, show};
use super::eval::{Node, TimeField};

/// `[start, end)` in nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Period {
    pub(super) start: i128,
    pub(super) end: i128,
}

const OPEN_START: i128 = i128::MIN;
const OPEN_END: i128 = i128::MAX;

/// The period of a literal compared with `field`: a `TIMESTAMP`, a `DATE` or a plain string that reads as one.
pub(super) fn instant_or_day(field: &str, expr: &Expr) -> Result<Period, FilterError> {
    match expr {
        Expr::Timestamp { timestamp } => match &**timestamp {
            Expr::Literal(text) => timestamp_period(text)
                .ok_or_else(|| FilterError::new(format!("{} is not an RFC 3339 date-time", show(expr)))),
            _ => Err(FilterError::new(format!("{} needs a quoted date-time", show(expr)))),
        },
        Expr::Date { date } => match &**date {
            Expr::Literal(text) => day_period(text)
                .ok_or_else(|| FilterError::new(format!("{} is not a date (YYYY-MM-DD)", show(expr)))),
            _ => Err(FilterError::new(format!("{} needs a quoted date", show(expr)))),
        },
        Expr::Literal(text) => timestamp_period(text).or_else(|| day_period(text)).ok_or_else(|| {
            FilterError::new(format!(
                "{field} is a timestamp and cannot be compared with the string {}; write TIMESTAMP('2025-01-31T12:00:00Z') or DATE('2025-01-31')",
                show(expr)
            ))
        }),
        _ => Err(FilterError::new(format!("{field} is a timestamp and cannot be compared with {}", describe(expr)))),
    }
}

/// The period of a `T_*` function's literal: any of [`instant_or_day`], or an `INTERVAL`.
pub(super) fn period(field: &str, expr: &Expr) -> Result<Period, FilterError> {
    let Expr::Interval { interval } = expr else {
        return instant_or_day(field, expr);
    };
    let [start, end] = interval.as_slice() else {
        return Err(FilterError::new(format!("{} needs two bounds", show(expr))));
    };
    let bound = |bound: &Expr, open: i128| match bound {
        Expr::Literal(text) if text == ".." => Ok(Period { start: open, end: open }),
        _ => instant_or_day(field, bound)
            .map_err(|_| FilterError::new(format!("{} is not a date, date-time or '..'", show(bound)))),
    };
    let (start, end) = (bound(start, OPEN_START)?.start, bound(end, OPEN_END)?.end);
    if start >= end {
        return Err(FilterError::new(format!("{} ends before it starts", show(expr))));
    }
    Ok(Period { start, end })
}

fn timestamp_period(text: &str) -> Option<Period> {
    let time = DateTime::parse_from_rfc3339(text).ok()?;
    let start = i128::from(time.timestamp()) * 1_000_000_000 + i128::from(time.timestamp_subsec_nanos());
    Some(Period { start, end: start + 1 })
}

fn day_period(text: &str) -> Option<Period> {
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().filter(|_| shaped)?;
    let nanos = |day: NaiveDate| i128::from(day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()) * 1_000_000_000;
    Some(Period { start: nanos(day), end: day.succ_opt().map_or(OPEN_END, nanos) })
}

/// The supported `T_*` functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TemporalOp {
    Before,
    After,
    Intersects,
    Equals,
    Disjoint,
    During,
}

impl TemporalOp {
    pub(super) fn from_name(op: &str) -> Option<TemporalOp> {
        Some(match op {
            "t_before" => TemporalOp::Before,
            "t_after" => TemporalOp::After,
            "t_intersects" => TemporalOp::Intersects,
            "t_equals" => TemporalOp::Equals,
            "t_disjoint" => TemporalOp::Disjoint,
            "t_during" => TemporalOp::During,
            _ => return None,
        })
    }
}

/// `op(field, p)` when `pin_first`, else `op(p, field)`, for a pin's instant t.
pub(super) fn temporal_node(op: TemporalOp, field: TimeField, pin_first: bool, p: Period) -> Result<Node, FilterError> {
    let range = |start: i128, end: i128| Node::Time { field, start, end };
    Ok(match (op, pin_first) {
        // t before p, or p after t: t ends before p starts.
        (TemporalOp::Before, true) | (TemporalOp::After, false) => range(OPEN_START, p.start),
        (TemporalOp::After, true) | (TemporalOp::Before, false) => range(p.end, OPEN_END),
        (TemporalOp::Intersects, _) => range(p.start, p.end),
        (TemporalOp::Disjoint, _) => Node::Not(Box::new(range(p.start, p.end))),
        // An instant equals only a period that is that instant.
        (TemporalOp::Equals, _) if p.end == p.start.saturating_add(1) => range(p.start, p.end),
        (TemporalOp::Equals, _) => Node::Const(false),
        // Strictly inside: after the first instant and before the last one (end - 1).
        (TemporalOp::During, true) => range(p.start.saturating_add(1), p.end.saturating_sub(1)),
        (TemporalOp::During, false) => {
            return Err(FilterError::new(
                "T_DURING(period, property) asks whether a period lies inside a pin's instant, which is never true; write T_DURING(created_at, INTERVAL(…))",
            ));
        }
    })
}

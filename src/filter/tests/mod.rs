//! Tests of the filter compiler, by theme. `pin()` is the reference pin every test starts from.
#![allow(clippy::unwrap_used)]

mod compare;
mod errors;
mod logic;
mod oracle;
mod robustness;
mod spatial;
mod temporal;

use super::{FilterError, PinFields, PinPredicate, Tri, compile};

/// The CRS84 conversion.
pub(super) fn identity(x: f64, y: f64) -> Result<(f64, f64), String> {
    Ok((x, y))
}

/// Microseconds since the epoch of an RFC 3339 date-time.
pub(super) fn us(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp_micros()
}

/// A fully known pin in Almaty.
pub(super) fn pin() -> PinFields<'static> {
    PinFields {
        id: 42,
        lon: 76.95,
        lat: 43.25,
        category: "ramp",
        status: "open",
        location_precision: "district",
        created_at_us: us("2025-03-10T12:00:00Z"),
        description: Some(Some("Пандус сломан у входа")),
        updated_at_us: Some(us("2025-03-11T08:30:00Z")),
    }
}

pub(super) fn filter(text: &str) -> PinPredicate {
    match compile(text, &identity) {
        Ok(predicate) => predicate,
        Err(error) => unreachable!("{text:?} did not compile: {error}"),
    }
}

pub(super) fn error(text: &str) -> FilterError {
    match compile(text, &identity) {
        Ok(predicate) => unreachable!("{text:?} compiled to {predicate:?}"),
        Err(error) => error,
    }
}

/// Asserts what `text` answers for `pin`.
#[track_caller]
pub(super) fn check(text: &str, pin: &PinFields, expected: Tri) {
    assert_eq!(filter(text).eval(pin), expected, "{text}");
}

/// Asserts what each filter answers for the reference pin.
#[track_caller]
pub(super) fn check_all(cases: &[(&str, Tri)]) {
    for (text, expected) in cases {
        check(text, &pin(), *expected);
    }
}

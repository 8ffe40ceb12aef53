//! A generated corpus of hostile input against the parsers a stranger reaches (issue 17): malformed GeoJSON
//! reports and query parameters (boxes, times, cursors, lists, unknown names). CQL2 text has its own fuzzer
//! beside its parser (`filter/tests/robustness.rs`, `fuzzed_filters_never_panic`). Thousands of cases
//! from a fixed seed, so a failure is reproducible and CI sees the same cases every run. Each parser must
//! answer without panicking, and a refusal must name the field (a JSON pointer into the body, or the
//! parameter) so the 4xx problem built from it names it too. Over HTTP, `tests/it/bad_input.rs` sends the
//! hand-picked cases (deep nesting, 100 MB bodies, invalid UTF-8, `1e400`, `-0.0`, cursors out of range).

#![allow(clippy::panic)]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use crate::domain::{FieldError, Location, parse_new_pin};
use crate::params::{self, routes};

/// Cases per corpus.
const CASES: u32 = 3_000;

fn runner() -> TestRunner {
    let config = Config { cases: CASES, failure_persistence: None, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[17; 32]))
}

/// Strings a stranger might send: ASCII noise, numbers in every spelling, Unicode that tends to break
/// parsers (NUL, bidi overrides, zero-width, surrogates' neighbours, emoji), and the empty string.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,40}",
        "[0-9eE+\\-.,/:TZ ]{0,40}",
        Just(String::new()),
        prop::sample::select(vec![
            "\u{0}",
            "\u{202E}",
            "\u{2066}",
            "\u{200B}",
            "\u{FEFF}",
            "\u{FFFF}",
            "😀",
            "1e400",
            "-0.0",
            "NaN",
            "inf",
            "9223372036854775808",
            "-9223372036854775809",
            "..",
            "../..",
            "%00",
            "\\",
            "'",
            "\"",
        ])
        .prop_map(str::to_owned),
        prop::collection::vec(any::<char>(), 0..20).prop_map(|c| c.into_iter().collect()),
    ]
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_filter("JSON has no NaN or infinity", |f| f.is_finite()).prop_map(|f| json!(f)),
        any::<i64>().prop_map(Value::from),
        hostile_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(hostile_text(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A report with some of its parts replaced by hostile values.
fn report() -> impl Strategy<Value = Value> {
    let part = |valid: Value| prop_oneof![Just(valid), json_value()];
    (
        part(json!("Feature")),
        part(json!({ "type": "Point", "coordinates": [76.9458, 43.238] })),
        part(json!("pram")),
        part(json!("no ramp")),
        part(json!(null)),
        part(json!("point")),
        prop::option::of(json_value()),
    )
        .prop_map(|(kind, geometry, category, description, contact, precision, extra)| {
            let mut feature = json!({
                "type": kind, "geometry": geometry,
                "properties": { "category": category, "description": description, "contact": contact,
                                "location_precision": precision },
            });
            if let Some(extra) = extra {
                feature["properties"]["extra"] = extra;
            }
            feature
        })
}

fn names_a_field(errors: &[FieldError]) -> bool {
    !errors.is_empty()
        && errors.iter().all(|e| match &e.location {
            Location::Pointer(p) => p.is_empty() || p.starts_with('/'),
            // An empty name only for a parameter sent without one (`?=x`), which the caller checks.
            Location::Parameter(_) => true,
        } && !e.detail.is_empty())
}

#[test]
fn hostile_reports_are_refused_naming_the_field() {
    runner()
        .run(&report(), |body| {
            if let Err(errors) = parse_new_pin(&body) {
                prop_assert!(names_a_field(&errors), "{body}: {errors:?}");
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Query strings for the pins listing: known names (and unknown ones) with hostile values.
fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        prop::sample::select(routes::PINS.names.to_vec()).prop_map(str::to_owned),
        prop::sample::select(vec!["bbox-crs", "filter", "offset", "before", "f"]).prop_map(str::to_owned),
        hostile_text(),
    ];
    let value = prop_oneof![
        hostile_text(),
        (any::<f64>(), any::<f64>(), any::<f64>(), any::<f64>()).prop_map(|(a, b, c, d)| format!("{a},{b},{c},{d}")),
        (any::<i64>(), any::<i64>()).prop_map(|(a, b)| format!("{a}/{b}")),
        any::<i64>().prop_map(|n| n.to_string()),
    ];
    prop::collection::vec((name, value), 0..6)
}

#[test]
fn hostile_parameters_are_refused_naming_them() {
    runner()
        .run(&pairs(), |pairs| {
            let given: Vec<String> = pairs.iter().map(|(n, _)| n.clone()).collect();
            if let Err(errors) = params::parse(pairs.clone(), &routes::PINS) {
                prop_assert!(names_a_field(&errors), "{pairs:?}: {errors:?}");
                for e in &errors {
                    if let Location::Parameter(name) = &e.location {
                        // A parameter the request named, or one that depends on it (radius_m needs near).
                        let related = ["near", "radius_m", "k", "bbox", "bbox-crs", "cursor"];
                        prop_assert!(given.contains(name) || related.contains(&name.as_str()), "{pairs:?}: {e:?}");
                    }
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

//! Every way a filter is rejected: with a position for syntax errors, naming the offending piece otherwise.

use super::super::{FilterError, compile};
use super::{error, identity};

/// Asserts that `text` is rejected with a one-line message containing each of `needles`.
#[track_caller]
fn rejects(text: &str, needles: &[&str]) {
    let message = error(text).message;
    assert!(!message.contains('\n'), "{text}: multi-line message {message:?}");
    for needle in needles {
        assert!(message.contains(needle), "{text}: {message:?} lacks {needle:?}");
    }
}

#[test]
fn syntax_errors_have_a_position() {
    let missing = error("category = ");
    assert_eq!((missing.line, missing.column), (Some(1), Some(12)));
    assert!(missing.message.starts_with("at line 1 column 12: expected a value"), "{}", missing.message);
    assert!(missing.message.ends_with("found the end of the filter"), "{}", missing.message);

    let doubled = error("category == 'x'");
    assert_eq!((doubled.line, doubled.column), (Some(1), Some(11)));
    assert!(doubled.message.contains("found \"= 'x'\""), "{}", doubled.message);

    let second_line = error("id = 1\n  AND category ==");
    assert_eq!((second_line.line, second_line.column), (Some(2), Some(17)));
    assert!(!second_line.message.contains('\n'));

    let unicode = error("description = 'Пандус' AND");
    assert_eq!(unicode.column, Some(27), "columns count characters: {}", unicode.message);
}

#[test]
fn syntax_error_messages_say_what_was_expected() {
    rejects("(id = 1", &["at line 1 column 8", "AND or OR", "found the end of the filter"]);
    rejects("x ! y", &["column 3", "a comparison", "the end of the filter"]);
    rejects("id BETWEEN 1", &["AND between the bounds of BETWEEN"]);
    rejects("category = 'unterminated", &["column 12", "found \"'unterminated\""]);
    rejects("category LIKE 'a' ESCAPE 'x'", &["column 19"]);
    rejects("id in ()", &["column 8"]);
    rejects("", &["at line 1 column 1", "expected a value"]);
    rejects("DATE()", &["date", "missing a required argument"]);
}

#[test]
fn syntax_errors_display_their_message() {
    let error = error("category = ");
    assert_eq!(error.to_string(), error.message);
}

#[test]
fn unknown_properties_list_the_queryables() {
    rejects(
        "foo = 1",
        &[
            "unknown property \"foo\"; the queryables are id, category, status, location_precision, description, created_at, updated_at, geometry",
        ],
    );
    rejects("Category = 'ramp'", &["unknown property \"Category\""]);
    rejects("T_BEFORE(born, DATE('2025-01-01'))", &["unknown property \"born\""]);
    rejects("CASEI(nom) = 'x'", &["unknown property \"nom\""]);
}

#[test]
fn unsupported_operators_are_named() {
    for op in ["T_MEETS", "T_METBY", "T_OVERLAPS", "T_OVERLAPPEDBY", "T_STARTS", "T_STARTEDBY", "T_CONTAINS"] {
        rejects(
            &format!("{op}(created_at, INTERVAL('2025-01-01', '..'))"),
            &[&format!("operator {op} is not supported; supported: AND, OR"), "T_DURING"],
        );
    }
    rejects("T_FINISHES(created_at, DATE('2025-01-01'))", &["operator T_FINISHES is not supported"]);
    rejects("A_CONTAINS(category, ('a'))", &["operator A_CONTAINS is not supported"]);
    rejects("ACCENTI(category) = 'x'", &["ACCENTI is not supported"]);
    rejects("id = 1 + 1", &["arithmetic (1 + 1) is not supported"]);
    rejects("id * 2 > 3", &["arithmetic"]);
    rejects("id = -id", &["arithmetic"]);
    rejects("id div 2 = 1", &["arithmetic"]);
}

#[test]
fn unknown_functions_and_fake_geometries_are_rejected() {
    rejects("POINT(1)", &["POINT(1) is not a geometry"]);
    rejects("bogus(x)", &["unknown function bogus(…); supported:"]);
    rejects("bogus(x) = 1", &["unknown function bogus"]);
    rejects("category = upper('x')", &["unknown function upper"]);
    rejects("category = POLYGON(1, 2)", &["is not a geometry"]);
    rejects("CASEI(category)", &["is a string, not a condition"]);
    rejects("(id = 1) = TRUE", &["is a condition, not a value"]);
}

#[test]
fn type_mismatches_name_both_sides() {
    rejects("category = 1", &["category is a string and cannot be compared with a number"]);
    rejects("1 < status", &["status is a string and cannot be compared with a number"]);
    rejects("id = 'x'", &["id is an integer and cannot be compared with the string 'x'"]);
    rejects("id = TRUE", &["id is an integer and cannot be compared with a boolean"]);
    rejects("category = TIMESTAMP('2025-01-01T00:00:00Z')", &["category is a string", "a TIMESTAMP"]);
    rejects("created_at = 5", &["created_at is a timestamp and cannot be compared with a number"]);
    rejects("created_at = 'yesterday'", &["created_at is a timestamp", "'yesterday'", "TIMESTAMP("]);
    rejects("created_at = INTERVAL('2025-01-01', '..')", &["created_at is a timestamp", "INTERVAL"]);
    rejects("description = NULL", &["IS NULL"]);
    rejects("category IN (1, 2)", &["category is a string and cannot be compared with a number"]);
    rejects("id IN ('1')", &["id is an integer"]);
    rejects("CASEI(id) = 1", &["CASEI applies to strings; id is an integer"]);
    rejects("created_at = CASEI('x')", &["CASEI applies to strings"]);
}

#[test]
fn malformed_temporal_literals() {
    rejects("created_at = TIMESTAMP('x')", &["TIMESTAMP('x') is not an RFC 3339 date-time"]);
    rejects("created_at = TIMESTAMP('2025-01-01')", &["is not an RFC 3339 date-time"]);
    rejects("created_at = TIMESTAMP('2025-02-30T00:00:00Z')", &["is not an RFC 3339 date-time"]);
    rejects("created_at = TIMESTAMP(5)", &["needs a quoted date-time"]);
    rejects("created_at = DATE('2025-13-01')", &["DATE('2025-13-01') is not a date (YYYY-MM-DD)"]);
    rejects("created_at = DATE('2025-1-1')", &["is not a date"]);
    rejects("created_at = DATE('2025-01-01T00:00:00Z')", &["is not a date"]);
    rejects("T_INTERSECTS(created_at, INTERVAL('2025-02-01', '2025-01-01'))", &["ends before it starts"]);
    rejects("T_INTERSECTS(created_at, INTERVAL('x', '..'))", &["'x' is not a date, date-time or '..'"]);
    rejects("T_INTERSECTS(created_at, INTERVAL('2025-01-01'))", &["needs two bounds"]);
}

#[test]
fn misused_temporal_functions() {
    rejects("T_DURING(INTERVAL('2025-01-01', '..'), created_at)", &["write T_DURING(created_at"]);
    rejects("T_BEFORE(created_at, updated_at)", &["T_BEFORE between two queryables"]);
    rejects(
        "T_BEFORE(category, DATE('2025-01-01'))",
        &["T_BEFORE needs created_at or updated_at", "category is a string"],
    );
    rejects("T_BEFORE(DATE('2025-01-01'), DATE('2025-01-02'))", &["T_BEFORE needs created_at or updated_at"]);
    rejects("T_AFTER(created_at, 5)", &["created_at is a timestamp and cannot be compared with a number"]);
    rejects("T_AFTER(created_at)", &["T_AFTER takes 2 arguments, not 1"]);
}

#[test]
fn misused_comparisons() {
    rejects("1 = 1", &["compares two literals; one side must be a queryable"]);
    rejects("category = status", &["comparing two queryables (category = status)"]);
    rejects("id LIKE '1%'", &["LIKE compares a string queryable"]);
    rejects("'x' LIKE category", &["LIKE needs a queryable on its left"]);
    rejects("category LIKE 'a\\'", &["ends with a backslash"]);
    rejects("'a' IN ('a', 'b')", &["IN needs a queryable on its left"]);
    rejects("category IN ('a', status)", &["literals only"]);
    rejects("NULL IS NULL", &["IS NULL needs a queryable"]);
    rejects("id BETWEEN 'a' AND 2", &["id is an integer"]);
}

#[test]
fn non_conditions_are_rejected() {
    rejects("category", &["category is a string, not a condition"]);
    rejects("1", &["a number is not a condition"]);
    rejects("'x'", &["the string 'x' is not a condition"]);
    rejects("NULL", &["NULL is not a condition"]);
    rejects("POINT(1 2)", &["a geometry is not a condition"]);
    rejects("TRUE AND 1", &["a number is not a condition"]);
    rejects("NOT category", &["not a condition"]);
}

#[test]
fn errors_compare_and_clone() {
    let error: FilterError = compile("foo = 1", &identity).unwrap_err();
    assert_eq!(error.clone(), error);
    assert_eq!((error.line, error.column), (None, None));
}

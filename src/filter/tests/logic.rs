//! Boolean structure, SQL NULL, and "not known yet".

use super::super::Tri::{False, True, Unknown};
use super::{check, check_all, filter, pin};

#[test]
fn boolean_literals_are_whole_predicates() {
    check_all(&[("TRUE", True), ("FALSE", False), ("NOT TRUE", False), ("NOT FALSE", True), ("true", True)]);
}

#[test]
fn and_or_not() {
    check_all(&[
        ("id = 42 AND category = 'ramp'", True),
        ("id = 42 AND category = 'stairs'", False),
        ("id = 1 OR category = 'ramp'", True),
        ("id = 1 OR category = 'stairs'", False),
        ("NOT id = 42", False),
        ("NOT (id = 1 OR status = 'closed')", True),
        ("id = 1 OR (id = 42 AND (status = 'open' OR status = 'x'))", True),
        ("id = 42 AND status = 'open' AND category = 'ramp' AND TRUE", True),
        ("NOT NOT id = 42", True),
    ]);
}

#[test]
fn null_description_is_false_for_comparisons_and_their_negations() {
    let mut p = pin();
    p.description = Some(None);
    for text in [
        "description = 'x'",
        "description <> 'x'",
        "NOT description = 'x'",
        "description < 'x'",
        "description >= 'x'",
        "'x' = description",
        "description LIKE '%'",
        "description NOT LIKE 'x'",
        "NOT description LIKE '%'",
        "description IN ('a', 'b')",
        "description NOT IN ('a', 'b')",
        "description BETWEEN 'a' AND 'z'",
        "description NOT BETWEEN 'a' AND 'z'",
        "CASEI(description) = CASEI('x')",
        "description IS NOT NULL",
        "NOT (description = 'x' OR id = 1)",
    ] {
        check(text, &p, False);
    }
    for text in [
        "description IS NULL",
        "NOT description IS NOT NULL",
        "description = 'x' OR id = 42",
        "NOT (description = 'x' AND id = 1)",
    ] {
        check(text, &p, True);
    }
}

#[test]
fn unknown_description_is_unknown_only_when_it_matters() {
    let mut p = pin();
    p.description = None;
    for text in [
        "description = 'x'",
        "description LIKE '%сломан%'",
        "NOT description = 'x'",
        "description IS NULL",
        "description IS NOT NULL",
        "id = 42 AND description LIKE 'x'",
        "id = 1 OR description IN ('a')",
    ] {
        check(text, &p, Unknown);
    }
    for text in ["FALSE AND description LIKE 'x'", "id = 1 AND description LIKE 'x'", "NOT (TRUE OR description = 'x')"]
    {
        check(text, &p, False);
    }
    for text in ["TRUE OR description LIKE 'x'", "id = 42 OR description = 'x'", "NOT (FALSE AND description = 'x')"] {
        check(text, &p, True);
    }
}

#[test]
fn unknown_updated_at_is_unknown_only_when_it_matters() {
    let mut p = pin();
    p.updated_at_us = None;
    check("updated_at > TIMESTAMP('2025-01-01T00:00:00Z')", &p, Unknown);
    check("T_AFTER(updated_at, DATE('2025-01-01'))", &p, Unknown);
    check("NOT updated_at = DATE('2025-03-11')", &p, Unknown);
    check("category = 'stairs' AND updated_at > DATE('2025-01-01')", &p, False);
    check("category = 'ramp' OR updated_at > DATE('2025-01-01')", &p, True);
    // updated_at is never NULL, whether known or not.
    check("updated_at IS NULL", &p, False);
    check("updated_at IS NOT NULL", &p, True);
}

#[test]
fn known_fields_give_definite_answers() {
    check_all(&[
        ("description LIKE '%сломан%'", True),
        ("description IS NULL", False),
        ("description IS NOT NULL", True),
        ("updated_at > DATE('2025-03-10')", True),
        ("updated_at < DATE('2025-03-11')", False),
    ]);
}

#[test]
fn non_nullable_queryables_are_never_null() {
    check_all(&[
        ("id IS NULL", False),
        ("category IS NULL", False),
        ("created_at IS NULL", False),
        ("geometry IS NULL", False),
        ("status IS NOT NULL", True),
    ]);
}

#[test]
fn needs_record_when_description_or_updated_at_is_referred_to() {
    for text in [
        "description = 'x'",
        "description IS NULL",
        "id = 1 OR NOT description LIKE 'a%'",
        "updated_at > DATE('2025-01-01')",
        "T_BEFORE(updated_at, DATE('2025-01-01'))",
        "CASEI(description) IN (CASEI('a'))",
    ] {
        assert!(filter(text).needs_record(), "{text}");
    }
    for text in [
        "id = 1",
        "category = 'ramp' AND status <> 'closed'",
        "created_at > DATE('2025-01-01')",
        "S_INTERSECTS(geometry, BBOX(76, 43, 77, 44))",
        "TRUE",
        "updated_at IS NULL",
    ] {
        assert!(!filter(text).needs_record(), "{text}");
    }
}

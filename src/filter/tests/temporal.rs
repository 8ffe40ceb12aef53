//! Timestamps, dates, intervals and the `T_*` functions. The reference pin was created at 2025-03-10T12:00:00Z
//! and updated at 2025-03-11T08:30:00Z.

use super::super::Tri::{False, True, Unknown};
use super::{check, check_all, pin, us};

#[test]
fn timestamps_compare_as_instants() {
    check_all(&[
        ("created_at = TIMESTAMP('2025-03-10T12:00:00Z')", True),
        ("created_at = TIMESTAMP('2025-03-10T12:00:00.000001Z')", False),
        ("created_at <> TIMESTAMP('2025-03-10T12:00:00Z')", False),
        ("created_at < TIMESTAMP('2025-03-10T12:00:00.000001Z')", True),
        ("created_at < TIMESTAMP('2025-03-10T12:00:00Z')", False),
        ("created_at <= TIMESTAMP('2025-03-10T12:00:00Z')", True),
        ("created_at > TIMESTAMP('2025-03-10T11:59:59.999999Z')", True),
        ("created_at > TIMESTAMP('2025-03-10T12:00:00Z')", False),
        ("created_at >= TIMESTAMP('2025-03-10T12:00:00Z')", True),
        ("updated_at > TIMESTAMP('2025-03-11T08:29:59Z')", True),
    ]);
}

#[test]
fn sub_microsecond_literals_are_exact() {
    check_all(&[
        ("created_at < TIMESTAMP('2025-03-10T12:00:00.0000001Z')", True),
        ("created_at >= TIMESTAMP('2025-03-10T12:00:00.0000001Z')", False),
        ("created_at = TIMESTAMP('2025-03-10T12:00:00.0000001Z')", False),
        ("created_at > TIMESTAMP('2025-03-10T11:59:59.9999999Z')", True),
    ]);
}

#[test]
fn offsets_are_honoured() {
    check_all(&[
        ("created_at = TIMESTAMP('2025-03-10T17:00:00+05:00')", True),
        ("created_at = TIMESTAMP('2025-03-10T07:00:00-05:00')", True),
        ("created_at = TIMESTAMP('2025-03-10T12:00:00+05:00')", False),
        ("created_at > TIMESTAMP('2025-03-10T16:59:59+05:00')", True),
        ("created_at = '2025-03-10T17:00:00+05:00'", True),
    ]);
}

#[test]
fn a_date_is_its_whole_utc_day() {
    check_all(&[
        ("created_at = DATE('2025-03-10')", True),
        ("created_at = DATE('2025-03-11')", False),
        ("created_at <> DATE('2025-03-10')", False),
        ("created_at < DATE('2025-03-10')", False),
        ("created_at < DATE('2025-03-11')", True),
        ("created_at <= DATE('2025-03-10')", True),
        ("created_at <= DATE('2025-03-09')", False),
        ("created_at > DATE('2025-03-09')", True),
        ("created_at > DATE('2025-03-10')", False),
        ("created_at >= DATE('2025-03-10')", True),
        ("created_at >= DATE('2025-03-11')", False),
        ("created_at = '2025-03-10'", True),
    ]);
    let mut p = pin();
    for (time, on_the_10th) in [
        ("2025-03-10T00:00:00Z", true),
        ("2025-03-10T23:59:59.999999Z", true),
        ("2025-03-11T00:00:00Z", false),
        ("2025-03-09T23:59:59.999999Z", false),
        // 01:00 on the 11th in Almaty (+05:00), still the 10th in UTC.
        ("2025-03-11T01:00:00+05:00", true),
    ] {
        p.created_at_us = us(time);
        check("created_at = DATE('2025-03-10')", &p, if on_the_10th { True } else { False });
    }
}

#[test]
fn between_includes_both_ends() {
    check_all(&[
        ("created_at BETWEEN TIMESTAMP('2025-03-10T12:00:00Z') AND TIMESTAMP('2025-03-10T13:00:00Z')", True),
        ("created_at BETWEEN TIMESTAMP('2025-03-10T11:00:00Z') AND TIMESTAMP('2025-03-10T12:00:00Z')", True),
        ("created_at BETWEEN TIMESTAMP('2025-03-10T12:00:01Z') AND TIMESTAMP('2025-03-10T13:00:00Z')", False),
        ("created_at BETWEEN DATE('2025-03-01') AND DATE('2025-03-10')", True),
        ("created_at BETWEEN DATE('2025-03-10') AND DATE('2025-03-10')", True),
        ("created_at BETWEEN DATE('2025-03-11') AND DATE('2025-03-31')", False),
        ("created_at NOT BETWEEN DATE('2025-03-11') AND DATE('2025-03-31')", True),
        ("created_at BETWEEN '2025-03-01' AND '2025-03-10T12:00:00Z'", True),
    ]);
}

#[test]
fn t_before_and_t_after() {
    check_all(&[
        ("T_BEFORE(created_at, TIMESTAMP('2025-03-10T12:00:01Z'))", True),
        ("T_BEFORE(created_at, TIMESTAMP('2025-03-10T12:00:00Z'))", False),
        ("T_BEFORE(created_at, DATE('2025-03-11'))", True),
        ("T_BEFORE(created_at, DATE('2025-03-10'))", False),
        ("T_BEFORE(created_at, INTERVAL('2025-03-10T12:00:01Z', '..'))", True),
        ("T_BEFORE(created_at, INTERVAL('..', '2030-01-01'))", False),
        ("T_AFTER(created_at, TIMESTAMP('2025-03-10T11:59:59Z'))", True),
        ("T_AFTER(created_at, TIMESTAMP('2025-03-10T12:00:00Z'))", False),
        ("T_AFTER(created_at, DATE('2025-03-09'))", True),
        ("T_AFTER(created_at, DATE('2025-03-10'))", False),
        ("T_AFTER(created_at, INTERVAL('2025-01-01', '2025-03-09'))", True),
        ("T_AFTER(created_at, INTERVAL('2025-01-01', '2025-03-10'))", False),
        ("T_AFTER(created_at, INTERVAL('2025-01-01', '..'))", False),
        ("T_AFTER(updated_at, DATE('2025-03-10'))", True),
    ]);
}

#[test]
fn t_intersects_t_disjoint_t_equals() {
    check_all(&[
        ("T_INTERSECTS(created_at, INTERVAL('2025-03-01', '2025-03-10'))", True),
        ("T_INTERSECTS(created_at, INTERVAL('2025-03-01T00:00:00Z', '2025-03-10T12:00:00Z'))", True),
        ("T_INTERSECTS(created_at, INTERVAL('2025-03-10T12:00:00Z', '2025-03-20T00:00:00Z'))", True),
        ("T_INTERSECTS(created_at, INTERVAL('..', '2025-03-09'))", False),
        ("T_INTERSECTS(created_at, INTERVAL('2025-03-01', '..'))", True),
        ("T_INTERSECTS(created_at, INTERVAL('..', '..'))", True),
        ("T_INTERSECTS(created_at, DATE('2025-03-10'))", True),
        ("T_INTERSECTS(created_at, TIMESTAMP('2025-03-10T12:00:00Z'))", True),
        ("T_DISJOINT(created_at, INTERVAL('2025-03-01', '2025-03-10'))", False),
        ("T_DISJOINT(created_at, INTERVAL('..', '2025-03-09'))", True),
        ("T_DISJOINT(created_at, DATE('2025-03-11'))", True),
        ("T_EQUALS(created_at, TIMESTAMP('2025-03-10T12:00:00Z'))", True),
        ("T_EQUALS(created_at, TIMESTAMP('2025-03-10T17:00:00+05:00'))", True),
        ("T_EQUALS(created_at, TIMESTAMP('2025-03-10T12:00:01Z'))", False),
        ("T_EQUALS(created_at, DATE('2025-03-10'))", False),
        ("T_EQUALS(created_at, INTERVAL('2025-03-10T12:00:00Z', '2025-03-10T12:00:00Z'))", True),
        ("T_EQUALS(created_at, INTERVAL('2025-03-10T12:00:00Z', '..'))", False),
    ]);
}

#[test]
fn t_during_is_strictly_inside() {
    check_all(&[
        ("T_DURING(created_at, INTERVAL('2025-03-10T11:59:59Z', '2025-03-10T12:00:01Z'))", True),
        ("T_DURING(created_at, INTERVAL('2025-03-10T12:00:00Z', '..'))", False),
        ("T_DURING(created_at, INTERVAL('..', '2025-03-10T12:00:00Z'))", False),
        ("T_DURING(created_at, INTERVAL('2025-03-10T11:59:59.999999Z', '..'))", True),
        ("T_DURING(created_at, INTERVAL('..', '..'))", True),
        ("T_DURING(created_at, DATE('2025-03-10'))", True),
        ("T_DURING(created_at, DATE('2025-03-11'))", False),
        ("T_DURING(created_at, TIMESTAMP('2025-03-10T12:00:00Z'))", False),
        ("T_DURING(created_at, INTERVAL('2025-03-01', '2025-03-10'))", True),
    ]);
    let mut p = pin();
    p.created_at_us = us("2025-03-10T00:00:00Z");
    check("T_DURING(created_at, DATE('2025-03-10'))", &p, False);
}

#[test]
fn literal_first_temporal_functions() {
    check_all(&[
        ("T_BEFORE(TIMESTAMP('2025-03-10T11:00:00Z'), created_at)", True),
        ("T_BEFORE(TIMESTAMP('2025-03-10T13:00:00Z'), created_at)", False),
        ("T_BEFORE(DATE('2025-03-10'), created_at)", False),
        ("T_BEFORE(DATE('2025-03-09'), created_at)", True),
        ("T_AFTER(TIMESTAMP('2025-03-10T13:00:00Z'), created_at)", True),
        ("T_AFTER(DATE('2025-03-10'), created_at)", False),
        ("T_INTERSECTS(INTERVAL('2025-03-01', '..'), created_at)", True),
        ("T_DISJOINT(DATE('2025-03-10'), created_at)", False),
        ("T_EQUALS(TIMESTAMP('2025-03-10T12:00:00Z'), created_at)", True),
    ]);
}

#[test]
fn unknown_updated_at_in_temporal_functions() {
    let mut p = pin();
    p.updated_at_us = None;
    check("T_INTERSECTS(updated_at, INTERVAL('2025-01-01', '..'))", &p, Unknown);
    check("T_EQUALS(updated_at, DATE('2025-03-11'))", &p, False);
    check("T_BEFORE(created_at, DATE('2025-01-01')) AND T_AFTER(updated_at, DATE('2025-01-01'))", &p, False);
}

#[test]
fn cql2_reads_a_timestamp_without_offset_as_utc() {
    // cql2 rewrites TIMESTAMP literals that contain 'T' before we see them; documented in `temporal`.
    check_all(&[
        ("created_at = TIMESTAMP('2025-03-10T12:00')", True),
        ("created_at = TIMESTAMP('2025-03-10T12:00:00')", True),
        ("created_at = TIMESTAMP('2025-03-10 12:00:00Z')", True),
    ]);
}

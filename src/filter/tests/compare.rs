//! Comparisons, `LIKE`, `IN`, `BETWEEN`, `CASEI`, on `id` and the string queryables.

use super::super::Tri::{False, True};
use super::super::like::LikePattern;
use super::{check, check_all, pin};

#[test]
fn id_against_integers() {
    check_all(&[
        ("id = 42", True),
        ("id = 41", False),
        ("id <> 42", False),
        ("id <> 41", True),
        ("id != 41", True),
        ("id < 43", True),
        ("id < 42", False),
        ("id <= 42", True),
        ("id > 41", True),
        ("id > 42", False),
        ("id >= 42", True),
        ("id >= 43", False),
        ("id > -5", True),
        ("id = 42.0", True),
        ("id = 4.2e1", True),
    ]);
}

#[test]
fn id_against_fractions_and_extremes() {
    check_all(&[
        ("id = 42.5", False),
        ("id <> 42.5", True),
        ("id < 42.5", True),
        ("id < 42.0001", True),
        ("id <= 41.9", False),
        ("id > 41.5", True),
        ("id >= 42.1", False),
        ("id < 1e300", True),
        ("id > -1e999", True),
        ("id = 1e999", False),
        ("id < -1e999", False),
        ("id = 9223372036854775807", False),
    ]);
    let mut p = pin();
    p.id = i64::MAX;
    check("id >= 9.2e18", &p, True);
    p.id = i64::MIN;
    check("id < -9.2e18", &p, True);
}

#[test]
fn literal_first_comparisons_are_mirrored() {
    check_all(&[
        ("42 = id", True),
        ("50 > id", True),
        ("50 < id", False),
        ("42 <= id", True),
        ("42 >= id", True),
        ("41 >= id", False),
        ("'ramp' = category", True),
        ("'z' > category", True),
        ("'a' > category", False),
        ("'open' <> status", False),
        ("DATE('2025-03-11') > created_at", True),
        ("TIMESTAMP('2025-03-10T12:00:00Z') <= created_at", True),
    ]);
}

#[test]
fn id_in_and_between() {
    check_all(&[
        ("id IN (1, 42, 7)", True),
        ("id IN (42)", True),
        ("id IN (1.5, 2)", False),
        ("id NOT IN (1, 2)", True),
        ("id NOT IN (42)", False),
        ("id BETWEEN 40 AND 42", True),
        ("id BETWEEN 42 AND 42", True),
        ("id BETWEEN 42.5 AND 50", False),
        ("id BETWEEN 41.5 AND 42.5", True),
        ("id BETWEEN 50 AND 40", False),
        ("id NOT BETWEEN 1 AND 10", True),
        ("id NOT BETWEEN 1 AND 100", False),
    ]);
}

#[test]
fn strings_compare_by_code_point() {
    check_all(&[
        ("category = 'ramp'", True),
        ("category = 'Ramp'", False),
        ("category <> 'ramp'", False),
        ("category < 'z'", True),
        ("category < 'ramp'", False),
        ("category <= 'ramp'", True),
        ("category > 'a'", True),
        ("category >= 'ramq'", False),
        ("status IN ('open', 'closed')", True),
        ("status IN ('closed')", False),
        ("status NOT IN ('closed', 'rejected')", True),
        ("location_precision = 'district'", True),
        ("location_precision IN ('point')", False),
        ("category BETWEEN 'a' AND 'z'", True),
        ("category BETWEEN 'ramp' AND 'ramp'", True),
        ("category BETWEEN 's' AND 'z'", False),
        ("category NOT BETWEEN 's' AND 'z'", True),
        ("description > 'П'", True),
        ("\"category\" = 'ramp'", True),
    ]);
    let mut p = pin();
    p.category = "it's";
    check("category = 'it''s'", &p, True);
}

#[test]
fn casei_folds_the_side_it_wraps() {
    check_all(&[
        ("CASEI(category) = CASEI('RAMP')", True),
        ("CASEI(category) = 'ramp'", True),
        ("CASEI(category) = 'RAMP'", False),
        ("category = CASEI('RaMp')", True),
        ("CASEI('RAMP') = CASEI(category)", True),
        ("CASEI(status) IN (CASEI('OPEN'), CASEI('CLOSED'))", True),
        ("CASEI(status) <> CASEI('OPEN')", False),
        ("CASEI(description) LIKE CASEI('%СЛОМАН%')", True),
        ("description LIKE CASEI('ПАНДУС%')", False),
        ("CASEI(description) LIKE 'ПАНДУС%'", False),
        ("CASEI(description) = CASEI('ПАНДУС СЛОМАН У ВХОДА')", True),
    ]);
    let mut p = pin();
    p.category = "RAMP";
    check("CASEI(category) = CASEI('ramp')", &p, True);
    check("CASEI(category) LIKE 'r_mp'", &p, True);
    check("category LIKE 'r_mp'", &p, False);
}

#[test]
fn like_on_queryables() {
    check_all(&[
        ("category LIKE 'ramp'", True),
        ("category LIKE 'ra%'", True),
        ("category LIKE 'r_mp'", True),
        ("category LIKE '%m%'", True),
        ("category LIKE '%'", True),
        ("category LIKE 'ram'", False),
        ("category LIKE '_'", False),
        ("category NOT LIKE 'ra%'", False),
        ("category NOT LIKE 'st%'", True),
        ("description LIKE 'Пандус%'", True),
        ("description LIKE '%входа'", True),
        ("description LIKE '_андус%'", True),
        ("description LIKE 'пандус%'", False),
    ]);
}

fn like(pattern: &str, text: &str) -> bool {
    LikePattern::new(pattern, false).unwrap().matches(text)
}

#[test]
fn like_wildcards_and_anchoring() {
    assert!(like("", ""));
    assert!(!like("", "a"));
    assert!(like("%", ""));
    assert!(like("%%%", "abc"));
    assert!(like("a%", "a"));
    assert!(like("%a", "ba"));
    assert!(!like("%a", "ab"));
    assert!(like("a_c", "abc"));
    assert!(!like("a_c", "ac"));
    assert!(!like("a_c", "abbc"));
    assert!(like("a%b%c", "aXXbYYc"));
    assert!(like("a%b%c", "abbbc"));
    assert!(!like("a%b%c", "acb"));
    assert!(like("%ab%ab%", "xxabyyabzz"));
    assert!(like("%aab", "aaab"));
    assert!(!like("%aab", "aaba"));
    assert!(like("_%_", "ab"));
    assert!(!like("_%_", "a"));
}

#[test]
fn like_escapes_and_unicode() {
    assert!(like("100\\%", "100%"));
    assert!(!like("100\\%", "1000"));
    assert!(like("a\\_b", "a_b"));
    assert!(!like("a\\_b", "axb"));
    assert!(like("a\\\\b", "a\\b"));
    assert!(like("\\x", "x"));
    assert!(like("Қ_з%", "Қаз"));
    assert!(like("_", "Қ"));
    assert!(like("__", "Қз"));
    assert!(!like("_", "Қз"));
    assert!(like("%🙂", "ok 🙂"));
    assert!(LikePattern::new("ends with \\", false).is_err());
    assert!(LikePattern::new("ҚАЗ%", true).unwrap().matches("қазақ"));
}

#[test]
fn like_is_not_exponential() {
    let text = "a".repeat(20_000);
    let started = std::time::Instant::now();
    assert!(!like("%a%a%a%a%a%a%b", &text));
    assert!(like("%a%a%a%a%a%a%", &text));
    assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
}

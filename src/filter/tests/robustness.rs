//! Nothing panics or overflows the stack, whatever the text.

use super::super::parse::{MAX_DEPTH, MAX_NESTING, nesting_tokens};
use super::super::{PinPredicate, compile};
use super::{filter, identity, pin};

#[test]
fn the_predicate_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<PinPredicate>();
    let predicate = filter("S_INTERSECTS(geometry, BBOX(76, 43, 77, 44)) AND category LIKE 'r%'");
    let answer = std::thread::spawn(move || predicate.eval(&pin())).join().unwrap();
    assert_eq!(answer, super::super::Tri::True);
}

const TOKENS: &[&str] = &[
    "id",
    "category",
    "status",
    "description",
    "created_at",
    "updated_at",
    "geometry",
    "foo",
    "AND",
    "OR",
    "NOT",
    "LIKE",
    "IN",
    "BETWEEN",
    "IS",
    "NULL",
    "TRUE",
    "FALSE",
    "CASEI",
    "ACCENTI",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "(",
    "(",
    ")",
    ")",
    ",",
    ",",
    "'",
    "'ramp'",
    "'%a_'",
    "'2025-03-10'",
    "'..'",
    "\"",
    "0",
    "42",
    "-1.5",
    "1e999",
    "76.9",
    "43.2",
    "TIMESTAMP",
    "DATE",
    "INTERVAL",
    "BBOX",
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "GEOMETRYCOLLECTION",
    "EMPTY",
    "S_INTERSECTS",
    "S_WITHIN",
    "S_CONTAINS",
    "S_DISJOINT",
    "T_BEFORE",
    "T_AFTER",
    "T_DURING",
    "T_MEETS",
    "A_CONTAINS",
    "\\",
    "%",
    "Қ",
    "\n",
];

const CLAUSES: &[&str] = &[
    "id = 42",
    "id <> 1",
    "category LIKE 'r%'",
    "CASEI(status) IN (CASEI('OPEN'), 'closed')",
    "description IS NULL",
    "description LIKE '%сломан%'",
    "updated_at > DATE('2025-01-01')",
    "T_DURING(created_at, INTERVAL('2025-01-01', '..'))",
    "S_INTERSECTS(geometry, BBOX(76, 43, 77, 44))",
    "S_WITHIN(geometry, POLYGON((0 0, 1 0, 1 1, 0 0)))",
    "S_DISJOINT(geometry, POINT(76.95 43.25))",
    "TRUE",
    "FALSE",
];

/// Random token soup, plus mutations of valid filters, must compile or fail cleanly, and what compiles must
/// evaluate without panicking.
#[test]
fn fuzzed_filters_never_panic() {
    let valid = [
        "S_INTERSECTS(geometry, POLYGON((76 43, 77 43, 77 44, 76 44, 76 43))) AND category IN ('ramp', 'stairs')",
        "T_DURING(created_at, INTERVAL('2025-01-01', '..')) OR description LIKE '%a_%'",
        "NOT (id BETWEEN 1 AND 10) AND CASEI(status) <> CASEI('OPEN') AND updated_at > DATE('2025-01-01')",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as usize
    };
    let mut unknown = pin();
    unknown.description = None;
    unknown.updated_at_us = None;
    let (mut compiled, mut rejected) = (0, 0);
    for round in 0..2000 {
        let text = if round % 4 == 1 {
            // A random boolean combination of valid conditions.
            let mut text = CLAUSES[next(CLAUSES.len())].to_string();
            for _ in 0..next(4) {
                let joined = [" AND ", " OR "][next(2)];
                let clause = CLAUSES[next(CLAUSES.len())];
                text = match next(3) {
                    0 => format!("{text}{joined}{clause}"),
                    1 => format!("NOT ({text}){joined}{clause}"),
                    _ => format!("{clause}{joined}({text})"),
                };
            }
            text
        } else if round % 4 == 3 {
            // Cut and splice a valid filter.
            let source = valid[next(valid.len())];
            let chars: Vec<char> = source.chars().collect();
            let (a, b) = (next(chars.len()), next(chars.len()));
            let token = TOKENS[next(TOKENS.len())];
            format!(
                "{}{token}{}",
                chars[..a.min(b)].iter().collect::<String>(),
                chars[a.max(b)..].iter().collect::<String>()
            )
        } else {
            (0..1 + next(14)).map(|_| TOKENS[next(TOKENS.len())]).collect::<Vec<_>>().join(if round % 2 == 0 {
                " "
            } else {
                ""
            })
        };
        match compile(&text, &identity) {
            Ok(predicate) => {
                compiled += 1;
                let _ =
                    (predicate.eval(&pin()), predicate.eval(&unknown), predicate.envelope(), predicate.needs_record());
            }
            Err(error) => {
                rejected += 1;
                assert!(!error.message.is_empty() && !error.message.contains('\n'), "{text:?}: {error:?}");
            }
        }
    }
    assert!(compiled > 400 && rejected > 900, "compiled {compiled}, rejected {rejected}");
}

/// The worst shapes at the nesting limit run on the parser's own thread and come back as values or errors.
#[test]
fn deep_nesting_at_the_limit_does_not_overflow() {
    let n = MAX_NESTING - 4;
    let shapes = [
        format!("{}id = 1", "NOT ".repeat(n)),
        format!("{}id = 1{}", "(".repeat(n), ")".repeat(n)),
        format!("id = {}1", "-".repeat(n)),
        format!("id = 1{}", " - 1".repeat(n)),
        format!("id{}", " = 1".repeat(n)),
        format!("{}1{}", "f(".repeat(n), ")".repeat(n)),
        format!("id = 1{}", " AND id = 1".repeat(n / 2)),
        format!("S_INTERSECTS(geometry, POINT({}))", "(".repeat(n)),
        format!("id IN ({}1{})", "(".repeat(n), ")".repeat(n)),
        format!("{}1{}", "CASEI(".repeat(n), ")".repeat(n)),
    ];
    for text in &shapes {
        assert!(nesting_tokens(text) <= MAX_NESTING, "{}", &text[..40]);
        let _ = compile(text, &identity);
    }
    let message = compile(&shapes[0], &identity).unwrap_err().message;
    assert!(message.contains(&format!("more than {MAX_DEPTH} levels")), "{message}");
}

#[test]
fn nesting_beyond_the_limit_is_rejected_unparsed() {
    for text in [
        format!("{}id = 1", "NOT ".repeat(MAX_NESTING + 1)),
        format!("{}id = 1{}", "(".repeat(50_000), ")".repeat(50_000)),
        format!("id = {}1", "-".repeat(1_000_000)),
        format!("S_INTERSECTS(geometry, POINT(1{}))", " -1".repeat(5000)),
    ] {
        let message = compile(&text, &identity).unwrap_err().message;
        assert!(message.contains("too complex"), "{message}");
    }
}

#[test]
fn big_geometries_with_negative_coordinates_are_not_counted_as_nesting() {
    let ring: Vec<String> = (0..=2000)
        .map(|i| {
            let angle = std::f64::consts::TAU * f64::from(i % 2000) / 2000.0;
            format!("{:.6} {:.6}", -77.0 + angle.cos(), -43.0 + angle.sin())
        })
        .collect();
    let text = format!("S_INTERSECTS(geometry, POLYGON(({})))", ring.join(", "));
    assert!(nesting_tokens(&text) < 10, "{}", nesting_tokens(&text));
    let predicate = filter(&text);
    let mut p = pin();
    (p.lon, p.lat) = (-77.0, -43.0);
    assert_eq!(predicate.eval(&p), super::super::Tri::True);
}

#[test]
fn nesting_tokens_ignore_quoted_text() {
    assert_eq!(nesting_tokens("description = '((((NOT NOT ----'"), 1);
    assert_eq!(nesting_tokens("\"a(b\" = 1"), 1);
    assert_eq!(nesting_tokens("id = 1 AND NOT (category IN ('a'))"), 6);
}

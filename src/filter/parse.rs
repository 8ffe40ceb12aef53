//! Parsing with a bounded stack. cql2's parser, its normaliser and `Drop` of its `Expr` all recurse once per
//! level of nesting, without a guard (pest guards its own recursion, cql2 does not): `NOT NOT … id = 1` with a few
//! hundred `NOT`s overflows a 2 MiB tokio worker stack in a debug build, and a stack overflow aborts the whole
//! server, which no `catch_unwind` can stop. So before parsing, the text is scanned for tokens that can add a
//! level (an upper bound on the depth, see [`nesting_tokens`]):
//! - at most [`INLINE_NESTING`]: parse on the caller's thread (most ordinary filters);
//! - at most [`MAX_NESTING`]: parse on a short-lived thread with a [`PARSER_STACK_BYTES`] stack, and drop the
//!   expression there if it is deeper than [`MAX_DEPTH`];
//! - more: reject without parsing.
//!
//! What leaves this module is at most [`MAX_DEPTH`] deep, so compiling, evaluating and dropping it recurses
//! boundedly on any thread.
//!
//! Time is bounded too. cql2's grammar backtracks exponentially when a parse fails inside nested parentheses (it
//! tries each `(` as a parenthesised expression, then again as a list): `((((((((((((((((((((` takes seconds,
//! a few more `(` take hours. pest's only remedy is a *process-wide* budget of rule calls per parse, so the first
//! parse sets it to [`PEST_CALL_LIMIT`] (about 15 ms of parsing in a release build; a polygon of 20,000 vertices
//! fits) for every pest parser in the process; nothing else in qala uses pest.

use std::num::NonZeroUsize;
use std::sync::Once;

use cql2::Expr;

use super::error::FilterError;

/// Nesting tokens up to which the caller's stack is trusted. The worst shapes take up to 40 KiB of stack per
/// token in an unoptimised build (measured: 1,000 tokens needed between 32 and 48 MiB), so 8 use at most a sixth
/// of a 2 MiB tokio worker stack; ordinary filters have fewer.
const INLINE_NESTING: usize = 8;
/// Nesting tokens beyond which a filter is rejected unparsed.
pub(super) const MAX_NESTING: usize = 500;
/// Stack for parsing up to [`MAX_NESTING`] tokens: about four times what an unoptimised build needs. Only the pages
/// a parse touches are ever committed.
const PARSER_STACK_BYTES: usize = 96 << 20;
/// The deepest expression the compiler accepts; real filters are a handful of levels deep.
pub(super) const MAX_DEPTH: usize = 64;

/// pest's budget of rule calls per parse (about 200 per polygon vertex).
const PEST_CALL_LIMIT: usize = 4_000_000;
static LIMIT_PEST_CALLS: Once = Once::new();

/// Parses `text` into an expression at most [`MAX_DEPTH`] deep.
pub(super) fn parse(text: &str) -> Result<Expr, FilterError> {
    LIMIT_PEST_CALLS.call_once(|| pest::set_call_limit(NonZeroUsize::new(PEST_CALL_LIMIT)));
    let nesting = nesting_tokens(text);
    if nesting > MAX_NESTING {
        return Err(FilterError::new(format!(
            "the filter is too complex: it has more than {MAX_NESTING} operators, parentheses and signs"
        )));
    }
    if nesting <= INLINE_NESTING {
        return parse_bounded(text);
    }
    let spawned = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("cql2-parse".to_string())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || parse_bounded(text))
            .map(|handle| handle.join())
    });
    match spawned {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(FilterError::new("the filter could not be parsed: the parser failed")),
        Err(error) => Err(FilterError::new(format!("the filter could not be parsed: no parser thread ({error})"))),
    }
}

fn parse_bounded(text: &str) -> Result<Expr, FilterError> {
    let expr = cql2::parse_text(text).map_err(|error| FilterError::from_cql2(error, text))?;
    if deeper_than(&expr, MAX_DEPTH) {
        return Err(FilterError::new(format!("the filter is nested too deeply (more than {MAX_DEPTH} levels)")));
    }
    Ok(expr)
}

/// Whether `expr` has more than `limit` levels; recurses at most `limit + 1` deep.
fn deeper_than(expr: &Expr, limit: usize) -> bool {
    if limit == 0 {
        return true;
    }
    let children: &[Box<Expr>] = match expr {
        Expr::Operation { args, .. } => args,
        Expr::Array(items) => items,
        Expr::Interval { interval } => interval,
        Expr::BBox { bbox } => bbox,
        Expr::Timestamp { timestamp } => std::slice::from_ref(timestamp),
        Expr::Date { date } => std::slice::from_ref(date),
        _ => &[],
    };
    children.iter().any(|child| deeper_than(child, limit - 1))
}

const KEYWORDS: &[&str] = &["not", "and", "or", "like", "in", "between", "is", "div"];
const GEOMETRY_WORDS: &[&str] =
    &["point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection"];

/// An upper bound on how deep cql2 recurses for `text`: every `(`, operator character, sign and keyword outside
/// quotes counts one. One exception keeps large geometries with negative coordinates usable: inside the
/// parentheses after a geometry keyword, a sign written like a coordinate's (right before a digit, after a space,
/// `(` or `,`) is free for the first four numbers of each comma-separated group. Whether pest then reads that
/// text as a geometry or as a function call, the free signs add at most four levels per argument, and arguments
/// are siblings, not nested.
pub(super) fn nesting_tokens(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut count = 0;
    let mut i = 0;
    // Parenthesis depth inside a geometry literal (0: outside one), and numbers seen in the current group.
    let (mut geometry_depth, mut armed, mut numbers) = (0usize, false, 0usize);
    while let Some(&c) = chars.get(i) {
        if !(c.is_whitespace() || c.is_alphabetic() || c == '(') {
            armed = false;
        }
        match c {
            '\'' | '"' => {
                i += 1;
                while chars.get(i).is_some_and(|&q| q != c) {
                    i += 1;
                }
            }
            '(' => {
                count += 1;
                if armed || geometry_depth > 0 {
                    geometry_depth += 1;
                }
                armed = false;
                numbers = 0;
            }
            ')' => {
                geometry_depth = geometry_depth.saturating_sub(1);
                numbers = 0;
            }
            ',' => numbers = 0,
            '-' | '+' => {
                let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied().unwrap_or(' ');
                let coordinate_sign = geometry_depth > 0
                    && numbers < 4
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                    && (before.is_whitespace() || before == '(' || before == ',');
                if !coordinate_sign {
                    count += 1;
                }
            }
            '=' | '<' | '>' | '!' | '*' | '/' | '%' | '^' => count += 1,
            c if c.is_ascii_digit() || c == '.' => {
                numbers += 1;
                while chars.get(i + 1).is_some_and(|d| d.is_ascii_alphanumeric() || *d == '.') {
                    i += 1;
                }
            }
            c if c.is_alphabetic() => {
                let start = i;
                while chars.get(i + 1).is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '.' | ':')) {
                    i += 1;
                }
                let word: String = chars[start..=i].iter().collect::<String>().to_lowercase();
                if KEYWORDS.contains(&word.as_str()) {
                    count += 1;
                }
                armed = GEOMETRY_WORDS.contains(&word.as_str())
                    || (armed && ["z", "m", "zm", "empty"].contains(&word.as_str()));
            }
            _ => {}
        }
        i += 1;
    }
    count
}

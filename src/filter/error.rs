//! [`FilterError`] and the words used in it. A filter comes from a person typing into a URL, so every message
//! names the offending piece of the filter and says what would have been accepted, on one line: pest's own
//! rendering (a multi-line diagram listing grammar rule names) is rewritten into plain words here.

use cql2::Expr;
use pest::error::{ErrorVariant, InputLocation, LineColLocation};

/// Why a filter was rejected. `line` and `column` (1-based, in characters) are set for syntax errors; semantic
/// errors (unknown property, wrong type, unsupported operator) name the offending piece in `message` instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct FilterError {
    /// The line of a syntax error, 1-based.
    pub line: Option<usize>,
    /// The column of a syntax error, 1-based, counted in characters.
    pub column: Option<usize>,
    /// One line for a human: what is wrong and what would be accepted.
    pub message: String,
}

impl FilterError {
    pub(super) fn new(message: impl Into<String>) -> FilterError {
        FilterError { line: None, column: None, message: message.into() }
    }

    /// Translates an error of `cql2::parse_text` on `text`.
    pub(super) fn from_cql2(error: cql2::Error, text: &str) -> FilterError {
        let cql2::Error::Pest(error) = error else {
            return FilterError::new(format!("invalid filter: {error}"));
        };
        let (line, column) = match error.line_col {
            LineColLocation::Pos(pos) | LineColLocation::Span(pos, _) => pos,
        };
        let offset = match error.location {
            InputLocation::Pos(offset) | InputLocation::Span((offset, _)) => offset,
        };
        let what = match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => {
                let names: Vec<String> = positives.iter().map(|rule| format!("{rule:?}")).collect();
                format!("expected {}, found {}", expected(&names), found(text, offset))
            }
            ErrorVariant::CustomError { message } if message.contains("stack") => {
                "the filter is nested too deeply".to_string()
            }
            ErrorVariant::CustomError { message } if message.contains("call limit") => {
                "the filter is too complex to parse; check that its parentheses match".to_string()
            }
            ErrorVariant::CustomError { message } => message.clone(),
        };
        FilterError {
            line: Some(line),
            column: Some(column),
            message: format!("at line {line} column {column}: {what}"),
        }
    }
}

/// Groups pest's rule names into the few things a person can type there.
fn expected(rules: &[String]) -> String {
    const GROUPS: &[(&str, &[&str])] = &[
        (
            "a value (a property, 'string', number, TIMESTAMP, DATE, geometry or parenthesised condition)",
            &[
                "GEOMETRY",
                "Identifier",
                "Negative",
                "UnaryNot",
                "True",
                "False",
                "Null",
                "DECIMAL",
                "Double",
                "SingleQuotedString",
                "ExpressionInParentheses",
                "Array",
                "Expr",
                "BetweenOperand",
                "Function",
            ],
        ),
        (
            "a comparison (=, <>, <, <=, >, >=, LIKE, IN, BETWEEN, IS NULL)",
            &["Eq", "NotEq", "Lt", "LtEq", "Gt", "GtEq"],
        ),
        ("AND or OR", &["And", "Or"]),
        ("AND between the bounds of BETWEEN", &["Add", "Subtract", "Multiply", "Divide", "Modulo", "Power"]),
        ("the end of the filter", &["EOI"]),
    ];
    let mut out: Vec<String> = Vec::new();
    for (words, members) in GROUPS {
        if rules.iter().any(|rule| members.contains(&rule.as_str())) {
            out.push((*words).to_string());
        }
    }
    // An arithmetic operator is wanted after a complete value, so it only means "AND" when nothing else fits.
    if out.len() > 1 {
        out.retain(|words| !words.starts_with("AND between"));
    }
    let known: Vec<&str> = GROUPS.iter().flat_map(|(_, members)| members.iter().copied()).collect();
    let ignored = ["NotFlag", "IsNullPostfix", "BetweenPostfix", "Like", "In"];
    for rule in rules {
        if !known.contains(&rule.as_str()) && !ignored.contains(&rule.as_str()) {
            out.push(rule.to_lowercase());
        }
    }
    if out.is_empty() {
        return "something else".to_string();
    }
    out.join(" or ")
}

/// What stands at byte `offset` of `text`: a short quoted excerpt, or the end of the filter.
fn found(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    let line = rest.lines().next().unwrap_or("");
    if line.trim().is_empty() {
        return if rest.trim().is_empty() { "the end of the filter".to_string() } else { "a line break".to_string() };
    }
    let excerpt: String = line.chars().take(16).collect();
    let more = if line.chars().count() > 16 { "…" } else { "" };
    format!("\"{excerpt}{more}\"")
}

/// A piece of the filter as cql2 text, shortened for a message.
pub(super) fn show(expr: &Expr) -> String {
    let text = expr.to_text().unwrap_or_else(|_| "this expression".to_string());
    if text.chars().count() > 60 { format!("{}…", text.chars().take(59).collect::<String>()) } else { text }
}

/// What kind of value an expression is, for "cannot be compared with …".
pub(super) fn describe(expr: &Expr) -> String {
    match expr {
        Expr::Float(_) => "a number".to_string(),
        Expr::Literal(_) => format!("the string {}", show(expr)),
        Expr::Bool(_) => "a boolean".to_string(),
        Expr::Null => "NULL".to_string(),
        Expr::Timestamp { .. } => "a TIMESTAMP".to_string(),
        Expr::Date { .. } => "a DATE".to_string(),
        Expr::Interval { .. } => "an INTERVAL".to_string(),
        Expr::Geometry(_) | Expr::BBox { .. } => "a geometry".to_string(),
        Expr::Array(_) => "a list".to_string(),
        Expr::Property { property } => format!("the property {property}"),
        _ => show(expr),
    }
}

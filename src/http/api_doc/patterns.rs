//! The textual shapes qala's parsers accept, as the ECMA-262 patterns of JSON Schema `pattern` (also read
//! by Python's `re`, which schemathesis generates from, so nothing here needs a flag of either: no `\p{…}`,
//! no `\u{…}`, no lookaround). Both API documents (`/api/v1/openapi.json`, `/ogc/api`) take them from here.
//!
//! Each pattern describes what a client should send, and every string it matches is accepted by the parser
//! named beside it; a parser may accept a little more (surrounding spaces it trims, an exponent in a number)
//! without that being documented. What a pattern cannot say (that an interval's start is not after its
//! end, that a box's minimum is not above its maximum) the descriptions say, and the server names in its 400.

/// A longitude in plain decimal degrees, -180 to 180 (`lon_lat`, `Bbox::parse`).
const LON: &str = r"[-+]?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)";

/// A latitude in plain decimal degrees, -90 to 90.
const LAT: &str = r"[-+]?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)";

/// `lon,lat` in degrees, each in its range (`params::lon_lat`: `near=`, `/api/v1/point/{lonlat}/areas`).
pub fn lon_lat() -> String {
    format!("^{LON},{LAT}$")
}

/// A calendar date `YYYY-MM-DD` that exists: each month's days, 29 February in leap years only.
fn date() -> String {
    let leap = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[048]|[2468][048]|[13579][26])00)";
    format!(
        "(?:[0-9]{{4}}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)\
         |02-(?:0[1-9]|1[0-9]|2[0-8]))|{leap}-02-29)"
    )
}

/// An RFC 3339 date-time (chrono's `parse_from_rfc3339`: `T` or `t`, any fraction of a second, `Z`, `z`
/// or an offset of at most 23:59) or a date (`NaiveDate`, that whole day in UTC).
fn instant() -> String {
    let time =
        r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])";
    format!("{}(?:{time})?", date())
}

/// OGC API's `datetime` as `TimeRange::parse` takes it: an instant or date, or an interval `start/end` with
/// `..` or nothing for an open end (not both). That the start is not after the end no pattern can say.
pub fn datetime() -> String {
    let i = instant();
    format!("^(?:{i}|{i}/(?:{i}|\\.\\.)?|(?:\\.\\.)?/{i})$")
}

/// A cursor of an id-ordered page (a pin id, `Cursor::parse`) or of a distance-ordered one
/// (`distance_m:id`, `NearCursor::parse`), as a next link hands them out: which one a request takes depends
/// on whether it has `near`.
pub fn any_cursor() -> String {
    // At most 300 digits before the point: a longer distance overflows to infinity, which is no cursor.
    "^(?:[0-9]{1,18}|[0-9]{1,300}(?:\\.[0-9]+)?:[0-9]{1,18})$".to_owned()
}

/// The controls `domain::text::check_text` refuses: C0 and C1 controls but tab and line breaks, and the
/// bidirectional embeddings, overrides and isolates (and the Arabic letter mark).
const REFUSED: &str = r"\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u061C\u202A-\u202E\u2066-\u2069";

/// Characters that are certainly visible (letters, digits, punctuation and symbols of blocks assigned
/// since Unicode 3.2): a text must hold one visible character, and which code points are visible (not
/// unassigned, not a format character) is a table no pattern can carry, so the pattern requires one of
/// these and the descriptions say "visible".
const VISIBLE: &str = r"!-~\u00A1-\u00AC\u00AE-\u024F\u0391-\u03A9\u03B1-\u03C9\u0400-\u052F\u0531-\u0556\u05D0-\u05EA\u0621-\u063A\u0641-\u064A\u2190-\u21FF\u2500-\u25FF\u3041-\u3096\u4E00-\u9FA5\uAC00-\uD7A3";

/// Free text as `check_text` takes it: no refused control, and something visible (its length is the
/// schema's `maxLength`; the server counts it after trimming, so it never refuses what that allows).
pub fn text() -> String {
    format!("^[^{REFUSED}]*[{VISIBLE}][^{REFUSED}]*$")
}

/// Rust's `char::is_whitespace` (Unicode White_Space), spelled out: ECMA-262's `\s` also matches U+FEFF.
const WHITE_SPACE: &str = r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// A reporter's contact as `domain::validate` takes it: nothing (no contact), an e-mail address (something,
/// `@`, a domain with a dot inside it) or a phone number (7 to 15 digits, spaces, dashes, brackets and a
/// leading `+`).
pub fn contact() -> String {
    let not = format!("{WHITE_SPACE}\\x00-\\x1F\\x7F-\\x9F\\u061C\\u202A-\\u202E\\u2066-\\u2069");
    let email = format!("[^{not}]+@[^{not}@.][^{not}@]*\\.[^{not}@]*[^{not}@.]");
    let phone = r"\+?[ ()-]*(?:[0-9][ ()-]*){7,15}";
    format!("^(?:|{email}|{phone})$")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns hold no construct one of the two regex dialects reads differently.
    #[test]
    fn patterns_use_the_common_subset() {
        for p in [lon_lat(), datetime(), any_cursor(), text(), contact()] {
            assert!(p.starts_with('^') && p.ends_with('$'), "{p}");
            for construct in ["\\p{", "\\u{", "(?=", "(?!", "(?<", "\\s", "\\d", "\\w"] {
                assert!(!p.contains(construct), "{construct} in {p}");
            }
        }
    }
}

//! A closed time range over report times, as OGC API – Features' `datetime` gives it: an instant, or an
//! interval `start/end` where either end may be open (`..` or empty).
//!
//! Times are kept as microseconds since the epoch, the precision the stores keep and the index holds, so a
//! range test in the R-tree walk is two integer comparisons.

use chrono::{DateTime, NaiveDate, Utc};

use super::FieldError;

/// Both ends inclusive; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    pub start_us: Option<i64>,
    pub end_us: Option<i64>,
}

impl TimeRange {
    /// Whether a time (microseconds since the epoch) lies in the range.
    pub fn contains_us(&self, t: i64) -> bool {
        self.start_us.is_none_or(|s| t >= s) && self.end_us.is_none_or(|e| t <= e)
    }

    /// The overlap of two ranges (both filters must hold).
    #[must_use]
    pub fn and(self, other: TimeRange) -> TimeRange {
        let max = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let min = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        TimeRange { start_us: max(self.start_us, other.start_us), end_us: min(self.end_us, other.end_us) }
    }

    /// Parses OGC API – Features `datetime`: `2025-05-01T10:00:00Z`, `2025-05-01` (that whole day, UTC),
    /// `start/end`, `../end`, `start/..`, `/end`, `start/`. RFC 3339 times with any offset.
    ///
    /// # Errors
    /// A [`FieldError`] naming `param` when a part is not an RFC 3339 date or date-time, both ends are open,
    /// or the start is after the end.
    pub fn parse(param: &str, raw: &str) -> Result<Self, FieldError> {
        let bad = |why: String| FieldError::parameter(param, why);
        let raw = raw.trim();
        match raw.split_once('/') {
            None => {
                if raw.is_empty() || raw == ".." {
                    return Err(bad("must be an RFC 3339 date-time, a date, or an interval start/end".into()));
                }
                let (start, end) = instant(raw).map_err(&bad)?;
                Ok(TimeRange { start_us: Some(start), end_us: Some(end) })
            }
            Some((a, b)) => {
                let open = |s: &str| s.trim().is_empty() || s.trim() == "..";
                if open(a) && open(b) {
                    return Err(bad(format!("{raw:?}: an interval needs at least one closed end")));
                }
                let start = if open(a) { None } else { Some(instant(a.trim()).map_err(&bad)?.0) };
                let end = if open(b) { None } else { Some(instant(b.trim()).map_err(&bad)?.1) };
                if let (Some(s), Some(e)) = (start, end)
                    && s > e
                {
                    return Err(bad(format!("{raw:?}: the start is after the end")));
                }
                Ok(TimeRange { start_us: start, end_us: end })
            }
        }
    }
}

/// The first and last microsecond an instant or a date covers.
fn instant(s: &str) -> Result<(i64, i64), String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let us = t.with_timezone(&Utc).timestamp_micros();
        return Ok((us, us));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let start = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_micros());
        let next = d.succ_opt().and_then(|n| n.and_hms_opt(0, 0, 0)).map(|t| t.and_utc().timestamp_micros() - 1);
        if let (Some(a), Some(b)) = (start, next) {
            return Ok((a, b));
        }
    }
    Err(format!("{s:?} is not an RFC 3339 date-time (2025-05-01T10:00:00Z) or date (2025-05-01)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).map(|t| t.timestamp_micros()).unwrap_or(i64::MIN)
    }

    #[test]
    fn instants_intervals_and_open_ends() {
        let t = "2025-05-01T10:00:00Z";
        assert_eq!(TimeRange::parse("datetime", t), Ok(TimeRange { start_us: Some(us(t)), end_us: Some(us(t)) }));
        let day = TimeRange::parse("datetime", "2025-05-01").unwrap_or_default();
        assert!(day.contains_us(us("2025-05-01T00:00:00Z")) && day.contains_us(us("2025-05-01T23:59:59.999999Z")));
        assert!(!day.contains_us(us("2025-05-02T00:00:00Z")));
        let open_end = TimeRange::parse("datetime", "2025-01-01T00:00:00+05:00/..").unwrap_or_default();
        assert_eq!(open_end, TimeRange { start_us: Some(us("2024-12-31T19:00:00Z")), end_us: None });
        assert_eq!(TimeRange::parse("datetime", "/2025-01-01T00:00:00Z").map(|r| r.start_us), Ok(None));
        assert_eq!(TimeRange::parse("datetime", "../2025-01-01T00:00:00Z").map(|r| r.start_us), Ok(None));
        for bad in ["", "..", "../..", "/", "yesterday", "2025-13-01", "2025-02-01/2025-01-01", "2025-01-01T25:00:00Z"]
        {
            assert!(TimeRange::parse("datetime", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overlap() {
        let a = TimeRange { start_us: Some(10), end_us: None };
        let b = TimeRange { start_us: Some(5), end_us: Some(20) };
        assert_eq!(a.and(b), TimeRange { start_us: Some(10), end_us: Some(20) });
    }
}

//! Typed listing parameters: filters, page size and cursor, parsed once so handlers never see raw strings.

use chrono::{DateTime, Utc};

use super::{Bbox, Category, FieldError, LocationPrecision, PinId, Status, TimeRange};

/// Which pins a listing asks for. Empty category/status/precision lists mean "any"; no `created` range means
/// "any time".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinFilter {
    pub bbox: Option<Bbox>,
    pub categories: Vec<Category>,
    pub statuses: Vec<Status>,
    /// `location_precision`: pins placed at a point, or only in a district.
    pub precisions: Vec<LocationPrecision>,
    /// Report time (`created_at`) in this range, both ends inclusive.
    pub created: Option<TimeRange>,
}

impl PinFilter {
    /// The attribute part of the filter (everything but the box), on what the index holds of a pin.
    pub fn matches_attributes(
        &self,
        category: Category,
        status: Status,
        precision: LocationPrecision,
        created_at_us: i64,
    ) -> bool {
        (self.categories.is_empty() || self.categories.contains(&category))
            && (self.statuses.is_empty() || self.statuses.contains(&status))
            && (self.precisions.is_empty() || self.precisions.contains(&precision))
            && self.created.is_none_or(|r| r.contains_us(created_at_us))
    }
}

/// Page size: 1..=10,000, default 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(usize);

impl Limit {
    pub const DEFAULT: usize = 100;
    pub const MAX: usize = 10_000;

    /// # Errors
    /// A [`FieldError`] for `limit` when the value is not an integer in 1..=10,000.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::parse_up_to(raw, Self::MAX)
    }

    /// As [`Limit::parse`], for a request whose pages are smaller (1..=`max`).
    ///
    /// # Errors
    /// A [`FieldError`] for `limit` when the value is not an integer in 1..=`max`.
    pub fn parse_up_to(raw: &str, max: usize) -> Result<Self, FieldError> {
        match raw.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(Self(n)),
            _ => Err(FieldError::parameter("limit", format!("must be an integer from 1 to {max}; got {raw:?}"))),
        }
    }

    /// A page size chosen by the service (a route's default), not by a client.
    pub const fn of(n: usize) -> Self {
        Self(n)
    }

    pub fn get(self) -> usize {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Self(Self::DEFAULT)
    }
}

/// Keyset cursor: the id of the last pin on the previous page. Pages are in ascending id order, so the next
/// page is "ids greater than this", an index seek rather than an OFFSET scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(pub PinId);

impl Cursor {
    /// # Errors
    /// A [`FieldError`] for `cursor` when the value is not a cursor this service handed out.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw.trim().parse::<PinId>() {
            Ok(n) if n >= 0 => Ok(Self(n)),
            _ => Err(FieldError::parameter("cursor", format!("{raw:?} is not a valid cursor; use the `next` link"))),
        }
    }
}

/// "Near this point": within `radius_m` true metres, and/or the `k` nearest. At least one of the two is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub lon: f64,
    pub lat: f64,
    pub radius_m: Option<f64>,
    pub k: Option<usize>,
}

impl Near {
    pub const MAX_RADIUS_M: f64 = 50_000.0;
    pub const MAX_K: usize = 1000;
}

/// One group of an area comparison (`/api/v1/areas/compare?group=`): the pins only in A, only in B, or in
/// both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareGroup {
    OnlyA,
    OnlyB,
    Both,
}

impl CompareGroup {
    pub const ALL: [CompareGroup; 3] = [CompareGroup::OnlyA, CompareGroup::OnlyB, CompareGroup::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            CompareGroup::OnlyA => "only_a",
            CompareGroup::OnlyB => "only_b",
            CompareGroup::Both => "both",
        }
    }

    /// # Errors
    /// A [`FieldError`] for `group` naming the three groups.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == raw.trim())
            .ok_or_else(|| FieldError::parameter("group", format!("must be one of only_a, only_b, both; got {raw:?}")))
    }
}

/// Keyset cursor of a distance-ordered listing: results come in (distance, id) order, so the next page is
/// "after this pair".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearCursor {
    pub distance_m: f64,
    pub id: PinId,
}

impl NearCursor {
    /// # Errors
    /// A [`FieldError`] for `cursor` unless the value is `distance:id` as handed out in a `next` link.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::parameter("cursor", format!("{raw:?} is not a valid cursor; use the `next` link"));
        let (d, id) = raw.split_once(':').ok_or_else(bad)?;
        let distance_m = d.parse::<f64>().ok().filter(|d| d.is_finite() && *d >= 0.0).ok_or_else(bad)?;
        let id = id.parse::<PinId>().map_err(|_| bad())?;
        Ok(Self { distance_m, id })
    }

    pub fn encode(&self) -> String {
        format!("{}:{}", self.distance_m, self.id)
    }
}

/// Counts of the pins in an area, from the index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinStats {
    pub count: u64,
    pub by_category: Vec<(Category, u64)>,
    pub by_status: Vec<(Status, u64)>,
    pub first_report_at: Option<DateTime<Utc>>,
    pub last_report_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_bounds() {
        assert_eq!(Limit::parse("1").map(Limit::get), Ok(1));
        assert_eq!(Limit::parse("10000").map(Limit::get), Ok(10_000));
        for bad in ["0", "10001", "-1", "abc", "", "1.5"] {
            assert!(Limit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn near_cursor_round_trips() {
        let c = NearCursor { distance_m: 123.456789012345, id: 7 };
        assert_eq!(NearCursor::parse(&c.encode()), Ok(c));
        assert!(NearCursor::parse("7").is_err());
        assert!(NearCursor::parse("-1:7").is_err());
    }

    #[test]
    fn cursor_bounds() {
        assert_eq!(Cursor::parse("42"), Ok(Cursor(42)));
        assert!(Cursor::parse("-3").is_err());
        assert!(Cursor::parse("x").is_err());
    }
}

//! `sortby=[-]id|created_at|category|status`: the order of the web map's table of pins (`/api/v1/map/table`).
//!
//! A table is sorted by what the reader clicks, so the order must be total for its offset pages to neither
//! repeat nor skip a pin: ties are always broken by id.

use std::cmp::Ordering;

use crate::domain::FieldError;
use crate::index::IndexedPin;

/// The column a table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Id,
    CreatedAt,
    /// By the category's slug, as the reader sees it.
    Category,
    /// By the status's slug.
    Status,
}

/// `sortby=[-]id|created_at|category|status`; `-` sorts descending. Ties go by ascending id either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortBy {
    pub key: SortKey,
    pub descending: bool,
}

impl SortBy {
    /// # Errors
    /// A [`FieldError`] for `sortby` naming the columns a table sorts by.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let (descending, name) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let key = match name {
            "id" => SortKey::Id,
            "created_at" => SortKey::CreatedAt,
            "category" => SortKey::Category,
            "status" => SortKey::Status,
            _ => {
                return Err(FieldError::parameter(
                    "sortby",
                    format!(
                        "must be id, created_at, category or status, with - before it to sort descending; got {raw:?}"
                    ),
                ));
            }
        };
        Ok(Self { key, descending })
    }

    /// The table's order: by the key, then by ascending id (descending for `-id`), a total order.
    pub fn compare(self, a: &IndexedPin, b: &IndexedPin) -> Ordering {
        let by_key = match self.key {
            SortKey::Id => Ordering::Equal,
            SortKey::CreatedAt => a.created_at_us.cmp(&b.created_at_us),
            SortKey::Category => a.category.as_str().cmp(b.category.as_str()),
            SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
        };
        let by_key = if self.descending { by_key.reverse() } else { by_key };
        let by_id = if self.descending && self.key == SortKey::Id { b.id.cmp(&a.id) } else { a.id.cmp(&b.id) };
        by_key.then(by_id)
    }
}

impl Default for SortBy {
    fn default() -> Self {
        Self { key: SortKey::Id, descending: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, PinId, Status};

    fn pin(id: PinId, category: Category, status: Status, created_at_us: i64) -> IndexedPin {
        IndexedPin { id, lon: 0.0, lat: 0.0, category, status, precision: Default::default(), created_at_us }
    }

    fn sorted(raw: &str, pins: &[IndexedPin]) -> Vec<PinId> {
        let Ok(by) = SortBy::parse(raw) else { unreachable!("{raw} is a valid sortby") };
        let mut pins = pins.to_vec();
        pins.sort_by(|a, b| by.compare(a, b));
        pins.iter().map(|p| p.id).collect()
    }

    #[test]
    fn sorts_by_each_column_with_ties_by_ascending_id() {
        let pins = [
            pin(4, Category::Wheelchair, Status::New, 30),
            pin(1, Category::Pram, Status::Resolved, 20),
            pin(3, Category::Bicycle, Status::New, 20),
            pin(2, Category::Wheelchair, Status::Confirmed, 10),
        ];
        assert_eq!(sorted("id", &pins), vec![1, 2, 3, 4]);
        assert_eq!(sorted("-id", &pins), vec![4, 3, 2, 1]);
        assert_eq!(sorted("created_at", &pins), vec![2, 1, 3, 4]);
        assert_eq!(sorted("-created_at", &pins), vec![4, 1, 3, 2]);
        // Slugs: bicycle < pram < wheelchair.
        assert_eq!(sorted("category", &pins), vec![3, 1, 2, 4]);
        assert_eq!(sorted("-category", &pins), vec![2, 4, 1, 3]);
        // Slugs: confirmed < new < resolved (not the declaration order new, confirmed, …, resolved).
        assert_eq!(sorted("status", &pins), vec![2, 3, 4, 1]);
        assert_eq!(sorted("-status", &pins), vec![1, 3, 4, 2]);
    }

    #[test]
    fn a_bad_sortby_names_the_parameter() {
        for raw in ["", "-", "--id", "name", "Id", "+id", "id,status"] {
            let Err(e) = SortBy::parse(raw) else { unreachable!("{raw:?} must be refused") };
            assert_eq!(e.location, crate::domain::FieldError::parameter("sortby", "").location, "{raw:?}");
        }
    }
}

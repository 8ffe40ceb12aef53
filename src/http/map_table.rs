//! `GET /api/v1/map/table`: the web map's table of pins, one page at a time, sorted by a column.
//!
//! Unlike the public listing (keyset paging in id order, which never repeats or skips a pin however the data
//! changes), a table is sorted by what the reader clicks (report time, category, status) and jumps to a
//! page number, so this pages by `offset`. The index supplies every matching pin with the columns it sorts
//! on, the page is cut from the sorted list, and only that page is rendered in full (from the feature
//! cache, or the store for pins not in it). Ties are always broken by ascending id, so the order is total
//! and consecutive pages neither repeat nor skip a pin while the data stays the same.

use std::cmp::Ordering;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::ApiError;
use super::areas::within_area;
use super::extract::{PinListParams, QueryPairs};
use super::map::MAP_FILTERS;
use super::pins::rendered_pins;
use super::response::geojson_text_response;
use crate::domain::{FieldError, PinId};
use crate::index::{IndexedPin, PinQuery};
use crate::state::AppState;

/// The column a table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Id,
    CreatedAt,
    /// By the category's slug, as the reader sees it.
    Category,
    /// By the status's slug.
    Status,
}

/// `sortby=[-]id|created_at|category|status`; `-` sorts descending. Ties go by ascending id either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SortBy {
    key: SortKey,
    descending: bool,
}

impl SortBy {
    fn parse(raw: &str) -> Result<Self, FieldError> {
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

    fn compare(self, a: &IndexedPin, b: &IndexedPin) -> Ordering {
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

/// The table's parameters: the map's filters plus `sortby`, `offset` and `limit`.
struct TableParams {
    list: PinListParams,
    sort: SortBy,
    offset: usize,
    limit: usize,
}

impl TableParams {
    const DEFAULT_LIMIT: usize = 25;
    const MAX_LIMIT: usize = 1000;
    const OWN: [&'static str; 3] = ["sortby", "offset", "limit"];

    fn parse(pairs: Vec<(String, String)>) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let (mut sort, mut offset, mut limit) =
            (SortBy { key: SortKey::Id, descending: false }, 0, Self::DEFAULT_LIMIT);
        let mut filters = Vec::new();
        for (name, value) in pairs {
            let result = match name.as_str() {
                "sortby" => SortBy::parse(&value).map(|s| sort = s),
                "offset" => value.trim().parse::<usize>().map(|o| offset = o).map_err(|_| {
                    FieldError::parameter("offset", format!("must be an integer, 0 or more; got {value:?}"))
                }),
                "limit" => match value.trim().parse::<usize>() {
                    Ok(n) if (1..=Self::MAX_LIMIT).contains(&n) => {
                        limit = n;
                        Ok(())
                    }
                    _ => Err(FieldError::parameter(
                        "limit",
                        format!("must be an integer from 1 to {}; got {value:?}", Self::MAX_LIMIT),
                    )),
                },
                known if MAP_FILTERS.contains(&known) => {
                    filters.push((name, value));
                    Ok(())
                }
                _ => Err(FieldError::parameter(
                    &name,
                    format!(
                        "unknown parameter; this request takes {}, {}",
                        MAP_FILTERS.join(", "),
                        Self::OWN.join(", ")
                    ),
                )),
            };
            if let Err(e) = result {
                errors.push(e);
            }
        }
        let list = match PinListParams::parse_allowing(filters, &MAP_FILTERS) {
            Ok(list) => Some(list),
            Err(ApiError::BadParameters(more)) => {
                errors.extend(more);
                None
            }
            Err(other) => return Err(other),
        };
        match list {
            Some(list) if errors.is_empty() => Ok(Self { list, sort, offset, limit }),
            _ => Err(ApiError::BadParameters(errors)),
        }
    }
}

/// `GET /api/v1/map/table?bbox=&category=&status=&datetime=&within=&sortby=&offset=&limit=`:
/// `{"type":"FeatureCollection","numberMatched":N,"offset":O,"numberReturned":n,"features":[…]}`, the
/// features as `/api/v1/pins` renders them.
pub(super) async fn list_map_table(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let TableParams { list, sort, offset, limit } = TableParams::parse(pairs)?;
    let area = within_area(&state, list.within)?;
    let (matched, page) = {
        let query = PinQuery { area: area.as_deref(), ..PinQuery::new(&list.filter) };
        let mut pins = state.pins.matching(&query);
        // A full sort of even 100,000 pins is a few milliseconds; a partial one would save little.
        pins.sort_unstable_by(|a, b| sort.compare(a, b));
        let page: Vec<PinId> = pins.iter().skip(offset).take(limit).map(|p| p.id).collect();
        (pins.len(), page)
    };
    let features = rendered_pins(&state, &page).await?;
    let mut body = String::with_capacity(features.iter().map(|f| f.len() + 1).sum::<usize>() + 128);
    body.push_str(&format!(
        r#"{{"type":"FeatureCollection","numberMatched":{matched},"offset":{offset},"numberReturned":{},"features":["#,
        features.len()
    ));
    for (i, feature) in features.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(feature);
    }
    body.push_str("]}");
    Ok(geojson_text_response(StatusCode::OK, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, Status};

    fn pin(id: PinId, category: Category, status: Status, created_at_us: i64) -> IndexedPin {
        IndexedPin { id, lon: 0.0, lat: 0.0, category, status, created_at_us }
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

//! A selection of pins: every filter a reader can ask for (box, area, category, status, report time, a box in
//! a projected CRS, a CQL2 filter), answered page by page from the index and the store.
//!
//! OGC API items, the exports and `qala export` all select pins the same way, so they share this type.
//!
//! Most filters are answered by the index alone: the box, the area, the attributes it holds (category,
//! status, report time) and a CQL2 filter on those. A CQL2 filter that names `description` or `updated_at`
//! needs the record: the index then supplies candidates (everything the filter could still match on what
//! the index knows) in id order, and the store's copies decide. Such a selection cannot be counted without
//! reading every candidate, so it has no `count`.

use std::sync::Arc;

use crate::domain::{Limit, Pin, PinFilter, PinId, Visibility};
use crate::filter::{Envelope, PinFields, PinPredicate, Tri};
use crate::index::{IndexedPin, PageFrom, PinIndex, PinQuery};
use crate::params::{Params, QueryError, cql2_filter};
use crate::spatial::{Crs, PreparedArea};
use crate::store::{Store, StoreError};

/// How many candidates are read from the store at a time when a filter needs the record.
const CANDIDATE_CHUNK: usize = 500;

#[derive(Default)]
pub struct Selection {
    pub filter: PinFilter,
    pub area: Option<Arc<PreparedArea>>,
    /// A box in a projected CRS (edges inclusive) that each pin is tested against exactly; `filter.bbox`
    /// then holds a lon/lat box around it.
    pub projected_box: Option<(Crs, [f64; 4])>,
    pub predicate: Option<PinPredicate>,
}

/// One page of a selection, ascending by id.
#[derive(Debug, Default)]
pub struct SelectedPage {
    pub pins: Vec<Pin>,
    /// Whether more pins match beyond the page, in the direction it was asked for.
    pub more: bool,
    /// How many pins match in all, when the index alone can tell (counted by the page's own walk).
    pub matched: Option<u64>,
}

impl Selection {
    /// The selection a request's parameters ask for (its filters, projected box and CQL2 `filter`, compiled
    /// in its `filter-crs`), within `area` when the request names one.
    ///
    /// # Errors
    /// A bad CQL2 filter, named.
    pub fn from_params(params: &Params, area: Option<Arc<PreparedArea>>) -> Result<Self, QueryError> {
        let predicate = params
            .cql2
            .as_deref()
            .map(|text| cql2_filter(text, params.filter_crs))
            .transpose()
            .map_err(|e| QueryError::BadParameters(vec![e]))?;
        Ok(Selection { filter: params.filter.clone(), area, projected_box: params.projected_box, predicate })
    }

    /// The number of matching pins, when the index alone can tell.
    pub fn count(&self, index: &PinIndex) -> Option<u64> {
        if self.needs_record() {
            return None;
        }
        let test = |p: &IndexedPin| self.index_test(p);
        Some(index.count_of(&self.query(&test)))
    }

    /// One page: at most `limit` pins from `from`, with their full records.
    ///
    /// # Errors
    /// A store failure.
    pub async fn page(
        &self,
        index: &PinIndex,
        store: &dyn Store,
        from: PageFrom,
        limit: Limit,
    ) -> Result<SelectedPage, StoreError> {
        if !self.needs_record() {
            let page = {
                let test = |p: &IndexedPin| self.index_test(p);
                index.page_of(&self.query(&test), from, limit)
            };
            return Ok(SelectedPage {
                pins: store.pins_of(&page.ids, Visibility::Public).await?,
                more: page.more,
                matched: Some(page.matched),
            });
        }
        let want = limit.get();
        let chunk = Limit::parse(&CANDIDATE_CHUNK.max(want + 1).min(Limit::MAX).to_string()).unwrap_or_default();
        let backwards = matches!(from, PageFrom::Before(_));
        let mut kept: Vec<Pin> = Vec::new();
        let mut cursor = from;
        loop {
            let candidates = {
                let test = |p: &IndexedPin| self.index_test(p);
                index.page_of(&self.query(&test), cursor, chunk)
            };
            let mut pins = store.pins_of(&candidates.ids, Visibility::Public).await?;
            if backwards {
                pins.reverse();
            }
            for pin in pins {
                if kept.len() > want {
                    break;
                }
                if self.record_test(&pin) {
                    kept.push(pin);
                }
            }
            if kept.len() > want || !candidates.more {
                break;
            }
            cursor = match (backwards, candidates.ids.first(), candidates.ids.last()) {
                (true, Some(&first), _) => PageFrom::Before(first),
                (false, _, Some(&last)) => PageFrom::After(last),
                _ => break,
            };
        }
        let more = kept.len() > want;
        kept.truncate(want);
        if backwards {
            kept.reverse();
        }
        Ok(SelectedPage { pins: kept, more, matched: None })
    }

    fn needs_record(&self) -> bool {
        self.predicate.as_ref().is_some_and(PinPredicate::needs_record)
    }

    fn query<'a>(&'a self, test: &'a dyn Fn(&IndexedPin) -> bool) -> PinQuery<'a> {
        PinQuery {
            filter: &self.filter,
            area: self.area.as_deref(),
            lon_lat_box: self.predicate.as_ref().and_then(PinPredicate::envelope).map(|e| match e {
                Envelope::Within(b) => b,
                // An inverted box: no pin lies in it, and the walk opens no node.
                Envelope::Empty => [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY],
            }),
            test: (self.projected_box.is_some() || self.predicate.is_some()).then_some(test),
        }
    }

    /// What can be decided on the index's copy: the projected box, and the filter unless it needs the record.
    fn index_test(&self, p: &IndexedPin) -> bool {
        if let Some((crs, [x0, y0, x1, y1])) = self.projected_box
            && !crs.from_lon_lat(p.lon, p.lat).is_ok_and(|(x, y)| x >= x0 && x <= x1 && y >= y0 && y <= y1)
        {
            return false;
        }
        let Some(predicate) = &self.predicate else { return true };
        let fields = PinFields {
            id: p.id,
            lon: p.lon,
            lat: p.lat,
            category: p.category.as_str(),
            status: p.status.as_str(),
            location_precision: p.precision.as_str(),
            created_at_us: p.created_at_us,
            description: None,
            updated_at_us: None,
        };
        match predicate.eval(&fields) {
            Tri::True => true,
            Tri::False => false,
            Tri::Unknown => self.needs_record(),
        }
    }

    /// The full decision on a record (the index already vouched for the rest).
    fn record_test(&self, pin: &Pin) -> bool {
        let Some(predicate) = &self.predicate else { return true };
        let fields = PinFields {
            id: pin.id,
            lon: pin.lon,
            lat: pin.lat,
            category: pin.category.as_str(),
            status: pin.status.as_str(),
            location_precision: pin.precision.as_str(),
            created_at_us: pin.created_at.timestamp_micros(),
            description: Some(Some(pin.description.as_str())),
            updated_at_us: Some(pin.updated_at.timestamp_micros()),
        };
        predicate.eval(&fields) == Tri::True
    }
}

/// Pages through a whole selection in id order, for exports: `limit` pins at a time.
pub struct SelectionCursor {
    after: Option<PinId>,
    done: bool,
}

impl SelectionCursor {
    pub fn new() -> Self {
        Self { after: None, done: false }
    }

    /// The next chunk, or `None` when the selection is exhausted.
    ///
    /// # Errors
    /// A store failure.
    pub async fn next(
        &mut self,
        selection: &Selection,
        index: &PinIndex,
        store: &dyn Store,
        limit: Limit,
    ) -> Result<Option<Vec<Pin>>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let from = self.after.map_or(PageFrom::Start, PageFrom::After);
        let page = selection.page(index, store, from, limit).await?;
        self.done = !page.more;
        self.after = page.pins.last().map(|p| p.id).or(self.after);
        if page.pins.is_empty() {
            self.done = true;
            return Ok(None);
        }
        Ok(Some(page.pins))
    }
}

impl Default for SelectionCursor {
    fn default() -> Self {
        Self::new()
    }
}

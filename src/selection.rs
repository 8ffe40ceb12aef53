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

use std::cell::Cell;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::domain::{FieldError, Limit, Pin, PinFilter, PinId, Visibility};
use crate::filter::{Envelope, PinFields, PinPredicate, Tri};
use crate::index::{IndexedPin, PageFrom, PinIndex, PinQuery};
use crate::params::{Params, QueryError, cql2_filter};
use crate::spatial::{Crs, PreparedArea};
use crate::store::{Store, StoreError};

/// How many candidates are read from the store at a time when a filter needs the record.
const CANDIDATE_CHUNK: usize = 500;

/// What reading one record from the store costs, in the units of `PinPredicate::eval_counting` (a few
/// microseconds of the store's time, against a nanosecond or so per unit).
const RECORD_COST: u64 = 1_000;

/// What testing one pin against a box in a projected CRS costs (a PROJ transformation).
const PROJECTION_COST: u64 = 200;

/// The work pages with a per-pin test may do: how much each (`budget`, in the units of
/// `PinPredicate::eval_counting`) and how many at once (the rest wait for a permit), so that expensive
/// filters can neither run without end nor crowd out the cheap requests beside them.
#[derive(Clone)]
pub struct Work {
    pub budget: u64,
    permits: Arc<Semaphore>,
}

impl Work {
    /// The default budget: about 0.3 s of one core. A `LIKE` on every description of 22,000 pins spends about
    /// a quarter of it (~26 M units, ~80 ms a page in BENCHMARKS.md, "Under abuse"), so a city's pins fit
    /// with room; at 100,000 pins such a filter needs narrowing (or `--filter-budget`).
    pub const DEFAULT_BUDGET: u64 = 100_000_000;

    /// `budget` per page, `at_once` such pages at a time.
    pub fn new(budget: u64, at_once: usize) -> Self {
        Self { budget, permits: Arc::new(Semaphore::new(at_once.max(1))) }
    }

    /// The same permits with another budget.
    pub fn with_budget(self, budget: u64) -> Self {
        Self { budget, ..self }
    }

    /// No budget, one page at a time per core: for the operator's own `qala export`.
    pub fn unbounded() -> Self {
        Self::new(u64::MAX, 1)
    }
}

impl Default for Work {
    /// The default budget, and one page at a time for each core but one, so that a core is always left
    /// for everything else.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self::new(Self::DEFAULT_BUDGET, cores.saturating_sub(1))
    }
}

/// Why a page could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The filter costs more than the budget; the field names the parameter to narrow.
    #[error("{}", .0.summary())]
    TooMuchWork(FieldError),
}

/// Runs `f` on a blocking thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Corrupt(format!("a filter task failed: {e}")))
}

fn closed() -> StoreError {
    StoreError::Unavailable("the filter permits are closed (shutting down)".into())
}

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
        let test = |p: &IndexedPin| self.index_test(p, &mut 0);
        Some(index.count_of(&self.query(&test)))
    }

    /// One page: at most `limit` pins from `from`, with their full records.
    ///
    /// A page with a per-pin test (a CQL2 filter, a projected box) is computed on a blocking thread, one
    /// such page per [`Work`] permit at a time, and may spend at most [`Work::budget`] units on it.
    ///
    /// # Errors
    /// A store failure; [`SelectionError::TooMuchWork`] when the filter costs more than the budget.
    pub async fn page(
        self: &Arc<Self>,
        index: &PinIndex,
        store: &dyn Store,
        from: PageFrom,
        limit: Limit,
        work: &Work,
    ) -> Result<SelectedPage, SelectionError> {
        if !self.tests_each_pin() {
            let page = index.page_of(&self.query(&|_| true), from, limit);
            return Ok(SelectedPage {
                pins: store.pins_of(&page.ids, Visibility::Public).await?,
                more: page.more,
                matched: Some(page.matched),
            });
        }
        let _permit = work.permits.acquire().await.map_err(|_| SelectionError::Store(closed()))?;
        let budget = work.budget;
        if !self.needs_record() {
            let (this, index) = (Arc::clone(self), index.clone());
            let (page, spent) = blocking(move || {
                let spent = Cell::new(0);
                let test = |p: &IndexedPin| this.index_test_budgeted(p, &spent, budget);
                let page = index.page_of(&this.query(&test), from, limit);
                (page, spent.get())
            })
            .await?;
            self.check_budget(spent, budget)?;
            return Ok(SelectedPage {
                pins: store.pins_of(&page.ids, Visibility::Public).await?,
                more: page.more,
                matched: Some(page.matched),
            });
        }
        // Every candidate the index cannot rule out, in one walk, then their records a chunk at a time in the
        // direction asked, until the page is full.
        let (this, walked) = (Arc::clone(self), index.clone());
        let (ids, mut spent) = blocking(move || {
            let spent = Cell::new(0);
            let test = |p: &IndexedPin| this.index_test_budgeted(p, &spent, budget);
            let ids = walked.ids_of(&this.query(&test));
            (ids, spent.get())
        })
        .await?;
        self.check_budget(spent, budget)?;
        let backwards = matches!(from, PageFrom::Before(_));
        let candidates: Vec<PinId> = match from {
            PageFrom::Start => ids,
            PageFrom::After(after) => ids.into_iter().filter(|&id| id > after).collect(),
            PageFrom::Before(before) => ids.into_iter().rev().filter(|&id| id < before).collect(),
        };
        let want = limit.get();
        let mut kept: Vec<Pin> = Vec::new();
        for chunk in candidates.chunks(CANDIDATE_CHUNK) {
            spent = spent.saturating_add(RECORD_COST.saturating_mul(chunk.len() as u64));
            self.check_budget(spent, budget)?;
            let mut pins = store.pins_of(chunk, Visibility::Public).await?;
            if backwards {
                pins.reverse();
            }
            let this = Arc::clone(self);
            let room = want + 1 - kept.len();
            let (matches, chunk_spent) = blocking(move || {
                let mut work = 0;
                let matches: Vec<Pin> =
                    pins.into_iter().filter(|pin| this.record_test(pin, &mut work)).take(room).collect();
                (matches, work)
            })
            .await?;
            spent = spent.saturating_add(chunk_spent);
            self.check_budget(spent, budget)?;
            kept.extend(matches);
            if kept.len() > want {
                break;
            }
        }
        let more = kept.len() > want;
        kept.truncate(want);
        if backwards {
            kept.reverse();
        }
        Ok(SelectedPage { pins: kept, more, matched: None })
    }

    /// Refuses a page that spent more than `budget`.
    fn check_budget(&self, spent: u64, budget: u64) -> Result<(), SelectionError> {
        if spent <= budget {
            return Ok(());
        }
        Err(SelectionError::TooMuchWork(FieldError::parameter(
            if self.predicate.is_some() { "filter" } else { "bbox" },
            format!(
                "the filter needs more work than one request may do (over {budget} units on this page); \
                 narrow it with bbox, datetime, category or status, or ask for a smaller limit"
            ),
        )))
    }

    /// [`index_test`](Self::index_test), counting into `spent`; once the budget is spent every further pin is
    /// rejected without being looked at, and the caller refuses the page.
    fn index_test_budgeted(&self, p: &IndexedPin, spent: &Cell<u64>, budget: u64) -> bool {
        if spent.get() > budget {
            return false;
        }
        let mut work = spent.get();
        let keep = self.index_test(p, &mut work);
        spent.set(work);
        keep
    }

    /// Whether pages test each pin (a CQL2 filter, a projected box): only such pages spend the budget.
    pub fn tests_each_pin(&self) -> bool {
        self.predicate.is_some() || self.projected_box.is_some()
    }

    fn needs_record(&self) -> bool {
        self.predicate.as_ref().is_some_and(PinPredicate::needs_record)
    }

    fn query<'a>(&'a self, test: &'a dyn Fn(&IndexedPin) -> bool) -> PinQuery<'a> {
        PinQuery {
            filter: &self.filter,
            area: self.area.as_deref(),
            lon_lat_box: self.predicate.as_ref().and_then(PinPredicate::envelope).map(|e| match e {
                Envelope::InBox(b) => b,
                // An inverted box: no pin lies in it, and the walk opens no node.
                Envelope::Empty => [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY],
            }),
            test: self.tests_each_pin().then_some(test),
        }
    }

    /// What can be decided on the index's copy: the projected box, and the filter unless it needs the record.
    fn index_test(&self, p: &IndexedPin, work: &mut u64) -> bool {
        if let Some((crs, [x0, y0, x1, y1])) = self.projected_box {
            *work += PROJECTION_COST;
            if !crs.from_lon_lat(p.lon, p.lat).is_ok_and(|(x, y)| x >= x0 && x <= x1 && y >= y0 && y <= y1) {
                return false;
            }
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
        match predicate.eval_counting(&fields, work) {
            Tri::True => true,
            Tri::False => false,
            Tri::Unknown => self.needs_record(),
        }
    }

    /// The full decision on a record (the index already vouched for the rest).
    fn record_test(&self, pin: &Pin, work: &mut u64) -> bool {
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
        predicate.eval_counting(&fields, work) == Tri::True
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
        selection: &Arc<Selection>,
        index: &PinIndex,
        store: &dyn Store,
        limit: Limit,
        work: &Work,
    ) -> Result<Option<Vec<Pin>>, SelectionError> {
        if self.done {
            return Ok(None);
        }
        let from = self.after.map_or(PageFrom::Start, PageFrom::After);
        let page = selection.page(index, store, from, limit, work).await?;
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

//! CQL2 text filters over pins (OGC API – Features Part 3), compiled once per request into a [`PinPredicate`]
//! that answers for one pin at a time.
//!
//! # Why compile, and why our own evaluator
//! A filter is evaluated on every candidate pin, so all the work that does not depend on the pin happens once in
//! [`compile()`]: the text is parsed by the `cql2` crate, every name, operator and type is checked (so evaluation
//! cannot fail), and literals are turned into what the comparison needs: integer bounds for `id`, folded strings
//! for `CASEI`, nanosecond periods for timestamps and dates, lon/lat geometries (through the caller's
//! `to_lon_lat`, for the request's filter-crs) with their bounding boxes. cql2's own evaluator is not used (see
//! `compile`).
//!
//! # Not known yet
//! A caller that holds only the R-tree's copy of a pin (without `description` and `updated_at`) can still
//! evaluate: [`PinPredicate::eval`] returns [`Tri::Unknown`] only when the answer really depends on a missing
//! field, and [`PinPredicate::needs_record`] says in advance whether that can happen. [`PinPredicate::envelope`]
//! gives the lon/lat box the matches must lie in, so spatial filters are answered from the R-tree.
//!
//! # Layout
//! Each file uses only files listed after it (`scripts/check-layout.py` checks that there is no cycle):
//! - `compile`: the entry point, the walk over cql2's `Expr` and its dispatch on the operator;
//! - `compare`: comparisons, `LIKE`, `IN`, `IS NULL`; `operands`: an operation's arguments (how many, queryable
//!   or literal, `CASEI`) and the errors for what cannot stand there, shared by `compile` and `compare`;
//! - `temporal`: dates, timestamps, intervals, `T_*`;
//! - `eval`: the compiled form ([`PinFields`] in, [`Tri`] and [`Envelope`] out) and its evaluation;
//! - `spatial`: geometry literals and `S_*`; `envelope`: the box matches lie in, shared by `spatial` and `eval`;
//! - `outcomes`: the logic of NULL and not-known-yet, and [`Tri`]; `like`: the `LIKE` matcher;
//! - `parse`: cql2's parser behind a stack guard; `error`: [`FilterError`] and its wording;
//!   `queryables`: the names a filter may use.

mod compare;
mod compile;
mod envelope;
mod error;
mod eval;
mod like;
mod operands;
mod outcomes;
mod parse;
mod queryables;
mod spatial;
mod temporal;
#[cfg(test)]
mod tests;

pub use compile::compile;
pub use envelope::Envelope;
pub use error::FilterError;
pub use eval::{PinFields, PinPredicate};
pub use outcomes::Tri;
pub use queryables::{QUERYABLES, QueryableType};

//! Timing and memory helpers: medians of repeated runs, and heap bytes counted by the allocator.

use std::time::{Duration, Instant};

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Runs `f` once to warm up, then `repeat` times, and returns the median wall time and the last result.
pub fn median_of<T>(repeat: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut last = f();
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        last = std::hint::black_box(f());
        times.push(start.elapsed());
    }
    times.sort_unstable();
    (times[times.len() / 2], last)
}

/// The async twin of [`median_of`].
pub async fn median_of_async<T, F: std::future::Future<Output = T>>(
    repeat: usize,
    mut f: impl FnMut() -> F,
) -> (Duration, T) {
    let mut last = f().await;
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        last = f().await;
        times.push(start.elapsed());
    }
    times.sort_unstable();
    (times[times.len() / 2], last)
}

/// Heap bytes still allocated after `f` that were not before it: the memory a structure built by `f`
/// keeps (temporary allocations freed inside `f` do not count).
pub fn retained_heap_bytes<T>(f: impl FnOnce() -> T) -> (T, i64) {
    let region = Region::new(GLOBAL);
    let value = f();
    let stats = region.change();
    let retained = stats.bytes_allocated as i64 - stats.bytes_deallocated as i64 + stats.bytes_reallocated as i64;
    (value, retained)
}

/// Resident set size of a process in bytes, from /proc.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

//! The `k` smallest of many items, in one bounded heap shared by every page of the index.
//!
//! A page wants the first `k` ids of all the pins that match, and a listing without a box matches every pin:
//! sorting them all would cost O(n log n) and n ids of memory. A max-heap of at most `k` that drops its largest
//! costs O(n log k) and `k` ids, a few milliseconds over a million pins. Ascending pages keep the smallest ids;
//! a page before a cursor keeps the largest by offering `Reverse(id)`.

use std::collections::BinaryHeap;

/// The `k` smallest items offered so far.
pub(super) struct Smallest<T: Ord> {
    k: usize,
    heap: BinaryHeap<T>,
}

impl<T: Ord> Smallest<T> {
    pub(super) fn new(k: usize) -> Self {
        Self { k, heap: BinaryHeap::with_capacity(k + 1) }
    }

    /// Keeps `item` if it is among the `k` smallest so far, dropping the largest kept to make room.
    ///
    /// Not `#[inline]`: forced into a page's per-pin closure it made that closure too big for LLVM to inline
    /// into the walk, a call per candidate pin and 6% more instructions per bbox page (callgrind, `cargo bench
    /// --bench index`). Left to LLVM, the walk, the closure and this are one loop.
    pub(super) fn offer(&mut self, item: T) {
        if self.heap.len() < self.k {
            self.heap.push(item);
        } else if let Some(mut top) = self.heap.peek_mut()
            && item < *top
        {
            // One sift down as the replaced top is dropped, where pop and push sifted twice.
            *top = item;
        }
    }

    /// What was kept, ascending.
    pub(super) fn into_sorted_vec(self) -> Vec<T> {
        self.heap.into_sorted_vec()
    }

    /// What was kept, in no particular order.
    pub(super) fn into_vec(self) -> Vec<T> {
        self.heap.into_vec()
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;

    use super::Smallest;

    #[test]
    fn keeps_the_k_smallest_of_any_order() {
        let mut smallest = Smallest::new(3);
        for id in [9, 4, 7, 1, 8, 4, 2, 6] {
            smallest.offer(id);
        }
        assert_eq!(smallest.into_sorted_vec(), vec![1, 2, 4]);
        let mut largest = Smallest::new(2);
        for id in [3, 9, 1, 7] {
            largest.offer(Reverse(id));
        }
        let mut kept: Vec<i64> = largest.into_vec().into_iter().map(|Reverse(id)| id).collect();
        kept.sort_unstable();
        assert_eq!(kept, vec![7, 9]);
        let mut none = Smallest::new(0);
        none.offer(1);
        assert!(none.into_sorted_vec().is_empty());
    }
}

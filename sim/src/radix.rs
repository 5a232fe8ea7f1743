//! A radix heap: a monotone priority queue on integer keys.
//!
//! Virtual time never goes backwards, so the queue only ever needs keys at or
//! after the last one popped. Item `k` lives in bucket `bit_length(k ^ last)`;
//! when bucket 0 (keys equal to `last`) runs dry, the first non-empty bucket
//! is spread over the lower ones around its minimum. Each item moves at most
//! 64 times in total and usually a handful, and a push is a single append.
//!
//! Items with equal keys always share a bucket and keep their arrival order,
//! so ties pop first-in first-out: the order is exactly (key, insertion).

use std::collections::VecDeque;

pub(crate) struct RadixQueue<T> {
    last: u64,
    /// Keys equal to `last`, in arrival order.
    now: VecDeque<(u64, T)>,
    /// `buckets[i]` holds keys whose highest bit differing from `last` is bit `i`.
    buckets: [Vec<(u64, T)>; 64],
    /// Bit `i` set when `buckets[i]` is non-empty.
    used: u64,
    len: usize,
}

impl<T: Copy> RadixQueue<T> {
    pub fn new() -> Self {
        RadixQueue {
            last: 0,
            now: VecDeque::new(),
            buckets: std::array::from_fn(|_| Vec::new()),
            used: 0,
            len: 0,
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Adds an item; `key` must not be before the last key popped.
    #[inline]
    pub fn push(&mut self, key: u64, item: T) {
        debug_assert!(key >= self.last, "radix queue keys must be monotone");
        self.len += 1;
        let diff = key ^ self.last;
        if diff == 0 {
            self.now.push_back((key, item));
        } else {
            let b = 63 - diff.leading_zeros() as usize;
            self.buckets[b].push((key, item));
            self.used |= 1 << b;
        }
    }

    /// Puts back the item just popped, ahead of everything else.
    pub fn push_front(&mut self, key: u64, item: T) {
        debug_assert_eq!(key, self.last);
        self.len += 1;
        self.now.push_front((key, item));
    }

    pub fn pop(&mut self) -> Option<(u64, T)> {
        if self.now.is_empty() {
            if self.used == 0 {
                return None;
            }
            let b = self.used.trailing_zeros() as usize;
            self.used &= !(1 << b);
            let mut bucket = std::mem::take(&mut self.buckets[b]);
            let min = bucket.iter().map(|&(k, _)| k).min().unwrap_or(self.last);
            self.last = min;
            for (key, item) in bucket.drain(..) {
                let diff = key ^ min;
                if diff == 0 {
                    self.now.push_back((key, item));
                } else {
                    let nb = 63 - diff.leading_zeros() as usize;
                    self.buckets[nb].push((key, item));
                    self.used |= 1 << nb;
                }
            }
            // Keep the emptied bucket's allocation for reuse.
            self.buckets[b] = bucket;
        }
        let popped = self.now.pop_front()?;
        self.len -= 1;
        Some(popped)
    }

    /// Every queued item, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.now
            .iter()
            .chain(self.buckets.iter().flatten())
            .map(|(_, item)| item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// Pops exactly what a binary heap ordered by (key, insertion) pops, for
    /// random mixes of same-instant, near and far pushes between pops.
    #[test]
    fn matches_a_binary_heap_on_key_then_insertion_order() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut radix = RadixQueue::new();
        let mut heap = BinaryHeap::new();
        let (mut now, mut seq) = (0u64, 0u64);
        for _ in 0..200_000 {
            if rng.random_bool(0.55) || heap.is_empty() {
                let delay = match rng.random_range(0..6) {
                    0 => 0,
                    1 => rng.random_range(0..4),
                    2 => rng.random_range(0..5_000_000_000),
                    _ => rng.random_range(1_000_000..10_000_000),
                };
                radix.push(now + delay, seq);
                heap.push(Reverse((now + delay, seq)));
                seq += 1;
            } else {
                let Reverse(expected) = heap.pop().unwrap();
                assert_eq!(radix.pop(), Some(expected));
                now = expected.0;
            }
            assert_eq!(radix.len(), heap.len());
        }
        while let Some(Reverse(expected)) = heap.pop() {
            assert_eq!(radix.pop(), Some(expected));
        }
        assert_eq!(radix.pop(), None);
    }

    #[test]
    fn push_front_restores_the_popped_item_first() {
        let mut q = RadixQueue::new();
        q.push(5, 'a');
        q.push(5, 'b');
        let (k, item) = q.pop().unwrap();
        q.push_front(k, item);
        assert_eq!(q.pop(), Some((5, 'a')));
        assert_eq!(q.pop(), Some((5, 'b')));
    }
}

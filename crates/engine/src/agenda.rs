//! The kernel's event queue: a 4-ary min-heap of items keyed by (time, sequence).
//!
//! Sequence numbers are unique, so the order is total and popping is exactly the order a
//! `BinaryHeap` of the same keys gives: equal times resolve by who was scheduled first, and the
//! run stays deterministic. Four children per node halve the depth of a binary heap, and their
//! keys sit in one or two cache lines, so a pop does fewer, cheaper levels; the sift moves a
//! hole instead of swapping.

use crate::time::SimTime;

/// `key` is the time in the high 64 bits and the sequence number in the low 64: one integer
/// comparison orders by time, then sequence, and compiles to branch-free selects.
#[derive(Debug, Clone, Copy)]
struct Entry<T> {
    key: u128,
    item: T,
}

impl<T> Entry<T> {
    #[inline(always)]
    fn time(&self) -> SimTime {
        SimTime((self.key >> 64) as u64)
    }
}

/// A priority queue of `Copy` items, earliest (time, sequence) first.
#[derive(Debug, Clone)]
pub struct Agenda<T: Copy> {
    heap: Vec<Entry<T>>,
    seq: u64,
}

impl<T: Copy> Default for Agenda<T> {
    fn default() -> Self {
        Agenda::new()
    }
}

const ARITY: usize = 4;

impl<T: Copy> Agenda<T> {
    pub fn new() -> Agenda<T> {
        Agenda {
            heap: Vec::with_capacity(1024),
            seq: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Items ever scheduled: the sequence number of the last one.
    pub fn scheduled(&self) -> u64 {
        self.seq
    }

    /// Schedules `item` at `time`, after everything already scheduled at that time.
    #[inline]
    pub fn push(&mut self, time: SimTime, item: T) {
        self.seq += 1;
        let entry = Entry {
            key: (u128::from(time.0) << 64) | u128::from(self.seq),
            item,
        };
        let mut pos = self.heap.len();
        self.heap.push(entry);
        // Sift the hole up: parents later than the new entry move down one level.
        while pos > 0 {
            let parent = (pos - 1) / ARITY;
            if entry.key >= self.heap[parent].key {
                break;
            }
            self.heap[pos] = self.heap[parent];
            pos = parent;
        }
        self.heap[pos] = entry;
    }

    /// The time of the earliest item.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|e| e.time())
    }

    /// Removes and returns the earliest item if it is due at or before `until`.
    #[inline]
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, T)> {
        match self.heap.first() {
            Some(e) if e.time() <= until => self.pop(),
            _ => None,
        }
    }

    /// Removes and returns the earliest item.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, T)> {
        let last = self.heap.pop()?;
        let len = self.heap.len();
        if len == 0 {
            return Some((last.time(), last.item));
        }
        let top = self.heap[0];
        // Sift the hole from the root down, moving the earliest child up, until `last` fits.
        let mut pos = 0;
        loop {
            let first = pos * ARITY + 1;
            if first >= len {
                break;
            }
            let best = if first + ARITY <= len {
                // A full set of children: a tournament of selects, no unpredictable branches.
                let c = &self.heap[first..first + ARITY];
                let (a, ka) = if c[1].key < c[0].key {
                    (1, c[1].key)
                } else {
                    (0, c[0].key)
                };
                let (b, kb) = if c[3].key < c[2].key {
                    (3, c[3].key)
                } else {
                    (2, c[2].key)
                };
                if kb < ka {
                    b
                } else {
                    a
                }
            } else {
                // One bounds check per level: the children as a slice.
                let children = &self.heap[first..len];
                let mut best = 0;
                for (k, child) in children.iter().enumerate().skip(1) {
                    if child.key < children[best].key {
                        best = k;
                    }
                }
                best
            };
            let child = self.heap[first + best];
            if child.key >= last.key {
                break;
            }
            self.heap[pos] = child;
            pos = first + best;
        }
        self.heap[pos] = last;
        Some((top.time(), top.item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// Pops in exactly the order of a binary heap keyed by (time, sequence), ties included,
    /// under interleaved pushes and pops.
    #[test]
    fn pops_in_time_then_sequence_order_like_a_binary_heap() {
        let mut rng = SimRng::new(9);
        let mut agenda = Agenda::new();
        let mut reference = BinaryHeap::new();
        let mut seq = 0u64;
        let mut now = 0u64;
        for step in 0..200_000u64 {
            if rng.below(3) > 0 || reference.is_empty() {
                // Coarse times so that many items tie.
                let t = now + rng.below(50) * 10;
                seq += 1;
                agenda.push(SimTime(t), step);
                reference.push(Reverse((t, seq, step)));
            } else {
                let Reverse((t, _, item)) = reference.pop().expect("non-empty");
                assert_eq!(agenda.pop(), Some((SimTime(t), item)));
                now = t;
            }
        }
        while let Some(Reverse((t, _, item))) = reference.pop() {
            assert_eq!(
                agenda.pop_until(SimTime(u64::MAX)),
                Some((SimTime(t), item))
            );
        }
        assert!(agenda.is_empty() && agenda.pop().is_none());
        assert_eq!(agenda.scheduled(), seq);
    }
}

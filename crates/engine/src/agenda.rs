//! The kernel's event queue: a 4-ary min-heap plus FIFO lanes, keyed by (time, sequence).
//!
//! Sequence numbers are unique, so the order is total and popping is exactly the order a
//! `BinaryHeap` of the same keys gives: equal times resolve by who was scheduled first, and the
//! run stays deterministic. Four children per node halve the depth of a binary heap, and their
//! keys sit in one or two cache lines, so a pop does fewer, cheaper levels; the sift moves a
//! hole instead of swapping.
//!
//! Most of a design's events are not random in *when*: a request crossing the network, a
//! response travelling back to its user, the next health check. Everything scheduled the same
//! fixed delay after a non-decreasing clock comes due in the order it was scheduled, so such an
//! item joins a FIFO lane for its delay ([`Agenda::push_after`]) in O(1) instead of sifting
//! through the heap, and the heap keeps only the randomly timed items (service completions,
//! arrivals). A pop takes the smaller of the heap's top and the earliest lane head, so the order
//! is the same as one heap's: where an item waits changes the speed, never the result.

use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

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

/// `a < b` for keys. WebAssembly has no 128-bit compare: the generic one there is a chain of
/// 64-bit compares and selects, while comparing the times first is a well-predicted branch (times
/// nearly always differ).
#[inline(always)]
fn lt(a: u128, b: u128) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        let (ta, tb) = ((a >> 64) as u64, (b >> 64) as u64);
        if ta != tb {
            ta < tb
        } else {
            (a as u64) < (b as u64)
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        a < b
    }
}

/// No item: larger than every real key, whose sequence number never reaches `u64::MAX`.
const NONE: u128 = u128::MAX;

/// Lanes are found by a linear scan of their delays and the earliest head by a scan of the
/// lanes: a design has a handful of distinct fixed delays, and any beyond this go to the heap.
const MAX_LANES: usize = 16;

/// A priority queue of `Copy` items, earliest (time, sequence) first.
#[derive(Debug, Clone)]
pub struct Agenda<T: Copy> {
    heap: Vec<Entry<T>>,
    /// The delay of each lane, in the order lanes were opened.
    lane_delays: Vec<u64>,
    lanes: Vec<VecDeque<Entry<T>>>,
    /// The key of each lane's head ([`NONE`] when empty), side by side for a quick scan.
    lane_heads: Vec<u128>,
    /// The lane used last: consecutive pushes mostly share a delay.
    lane_hint: usize,
    /// The earliest key among the lane heads ([`NONE`] when every lane is empty) and its lane.
    lane_min: u128,
    lane_min_index: usize,
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
            lane_delays: Vec::new(),
            lanes: Vec::new(),
            lane_heads: Vec::new(),
            lane_hint: 0,
            lane_min: NONE,
            lane_min_index: 0,
            seq: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.lanes.iter().map(VecDeque::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty() && self.lane_min == NONE
    }

    /// Items ever scheduled: the sequence number of the last one.
    pub fn scheduled(&self) -> u64 {
        self.seq
    }

    #[inline(always)]
    fn next_key(&mut self, time: SimTime) -> u128 {
        self.seq += 1;
        (u128::from(time.0) << 64) | u128::from(self.seq)
    }

    /// Schedules `item` at `time`, after everything already scheduled at that time.
    #[inline]
    pub fn push(&mut self, time: SimTime, item: T) {
        let key = self.next_key(time);
        self.push_heap(Entry { key, item });
    }

    /// Schedules `item` a fixed `delay` after `now`, after everything already scheduled at that
    /// time. For delays that recur (network latencies, intervals) with `now` never decreasing
    /// between calls: such items are due in the order they are pushed, and wait in a lane.
    #[inline]
    pub fn push_after(&mut self, now: SimTime, delay: SimDuration, item: T) {
        let key = self.next_key(now + delay);
        let entry = Entry { key, item };
        let lane = if self.lane_delays.get(self.lane_hint) == Some(&delay.0) {
            self.lane_hint
        } else {
            match self.lane_delays.iter().position(|&d| d == delay.0) {
                Some(lane) => lane,
                None if self.lanes.len() < MAX_LANES => {
                    self.lane_delays.push(delay.0);
                    self.lanes.push(VecDeque::with_capacity(64));
                    self.lane_heads.push(NONE);
                    self.lanes.len() - 1
                }
                None => return self.push_heap(entry),
            }
        };
        self.lane_hint = lane;
        let queue = &mut self.lanes[lane];
        match queue.back() {
            // A clock that went backwards would break the lane's order: the heap keeps it right.
            Some(back) if back.key > key => self.push_heap(entry),
            Some(_) => queue.push_back(entry),
            None => {
                queue.push_back(entry);
                self.lane_heads[lane] = key;
                if key < self.lane_min {
                    self.lane_min = key;
                    self.lane_min_index = lane;
                }
            }
        }
    }

    #[inline]
    fn push_heap(&mut self, entry: Entry<T>) {
        let mut pos = self.heap.len();
        self.heap.push(entry);
        // Sift the hole up: parents later than the new entry move down one level.
        while pos > 0 {
            let parent = (pos - 1) / ARITY;
            if !lt(entry.key, self.heap[parent].key) {
                break;
            }
            self.heap[pos] = self.heap[parent];
            pos = parent;
        }
        self.heap[pos] = entry;
    }

    #[inline(always)]
    fn heap_min(&self) -> u128 {
        self.heap.first().map_or(NONE, |e| e.key)
    }

    /// The time of the earliest item.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        let key = self.heap_min().min(self.lane_min);
        (key != NONE).then_some(SimTime((key >> 64) as u64))
    }

    /// Removes and returns the earliest item if it is due at or before `until`.
    #[inline]
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, T)> {
        let heap_min = self.heap_min();
        let key = heap_min.min(self.lane_min);
        if key == NONE || (key >> 64) as u64 > until.0 {
            return None;
        }
        if self.lane_min < heap_min {
            self.pop_lane()
        } else {
            self.pop_heap()
        }
    }

    /// Removes and returns the earliest item.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, T)> {
        if self.lane_min < self.heap_min() {
            self.pop_lane()
        } else {
            self.pop_heap()
        }
    }

    /// Pops the head of the lane holding the earliest head, then finds the new earliest head.
    #[inline]
    fn pop_lane(&mut self) -> Option<(SimTime, T)> {
        let lane = &mut self.lanes[self.lane_min_index];
        let entry = lane.pop_front()?;
        self.lane_heads[self.lane_min_index] = lane.front().map_or(NONE, |e| e.key);
        let (mut min, mut index) = (NONE, 0);
        for (i, &head) in self.lane_heads.iter().enumerate() {
            if head < min {
                (min, index) = (head, i);
            }
        }
        self.lane_min = min;
        self.lane_min_index = index;
        Some((entry.time(), entry.item))
    }

    /// Removes and returns the heap's earliest item.
    #[inline]
    fn pop_heap(&mut self) -> Option<(SimTime, T)> {
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
                let (a, ka) = if lt(c[1].key, c[0].key) {
                    (1, c[1].key)
                } else {
                    (0, c[0].key)
                };
                let (b, kb) = if lt(c[3].key, c[2].key) {
                    (3, c[3].key)
                } else {
                    (2, c[2].key)
                };
                if lt(kb, ka) {
                    b
                } else {
                    a
                }
            } else {
                // One bounds check per level: the children as a slice.
                let children = &self.heap[first..len];
                let mut best = 0;
                for (k, child) in children.iter().enumerate().skip(1) {
                    if lt(child.key, children[best].key) {
                        best = k;
                    }
                }
                best
            };
            let child = self.heap[first + best];
            if !lt(child.key, last.key) {
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

    /// Items in lanes (more distinct delays than there are lanes, so some overflow to the heap)
    /// and in the heap come out in exactly one binary heap's (time, sequence) order.
    #[test]
    fn lanes_and_heap_pop_in_one_order() {
        let mut rng = SimRng::new(10);
        let mut agenda = Agenda::new();
        let mut reference = BinaryHeap::new();
        let mut seq = 0u64;
        let mut now = 0u64;
        // Delays repeat (lanes), some are zero, and there are more than MAX_LANES of them.
        let delays: Vec<u64> = (0..MAX_LANES as u64 + 8).map(|d| d * 30).collect();
        for step in 0..300_000u64 {
            match rng.below(5) {
                0 | 1 => {
                    let d = delays[rng.below(delays.len() as u64) as usize];
                    seq += 1;
                    agenda.push_after(SimTime(now), SimDuration(d), step);
                    reference.push(Reverse((now + d, seq, step)));
                }
                2 => {
                    let t = now + rng.below(50) * 10;
                    seq += 1;
                    agenda.push(SimTime(t), step);
                    reference.push(Reverse((t, seq, step)));
                }
                _ => {
                    let expected = reference
                        .pop()
                        .map(|Reverse((t, _, item))| (SimTime(t), item));
                    assert_eq!(agenda.peek_time(), expected.map(|(t, _)| t));
                    assert_eq!(agenda.pop(), expected);
                    if let Some((t, _)) = expected {
                        now = t.0;
                    }
                }
            }
            assert_eq!(agenda.len(), reference.len());
        }
        // Draining up to a horizon stops exactly there.
        let horizon = now + 200;
        while let Some(Reverse((t, _, item))) = reference.peek().copied() {
            if t > horizon {
                break;
            }
            reference.pop();
            assert_eq!(agenda.pop_until(SimTime(horizon)), Some((SimTime(t), item)));
        }
        assert_eq!(agenda.pop_until(SimTime(horizon)), None);
        assert_eq!(agenda.len(), reference.len());
    }
}

//! The kernel's event queue: a 4-ary min-heap, far time slots and FIFO lanes, keyed by
//! (time, sequence).
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
//!
//! Once the heap grows, randomly timed items beyond a near horizon wait in time slots instead
//! ([`Far`], a calendar queue) and join the heap when the clock reaches their slot, so the heap
//! holds a few dozen items whatever the size of the design. Stage 5 at five times its load
//! (about 1,700 items waiting) runs 8 % fewer instructions with the slots than without.

use crate::time::{SimDuration, SimTime};
use std::collections::{BinaryHeap, VecDeque};

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

/// The agenda switches its far slots on when its heap holds more than this many items.
const FAR_FROM: usize = 64;
/// About how many items a far slot holds: the heap then holds a slot's items or so, and a pop
/// costs a level or two of it. Narrower slots cost more in slot moves than they save in the heap
/// (callgrind, stage 5 at one and five times its load).
const PER_SLOT: usize = 2;
/// How many of the earliest items measure the load when the slots open: enough that one short
/// gap between two of them does not make the slots far too narrow.
const SAMPLE: usize = 32;
/// Slots in the ring; items further ahead wait in the overflow.
const SLOTS: u64 = 1024;
/// Words of the ring's occupancy bitmap.
const WORDS: usize = (SLOTS / 64) as usize;
/// Items due after this (146 years of simulated time: "never") always wait in the heap, which
/// keeps slot numbers and slot start times far from overflowing.
const FAR_LIMIT: u64 = 1 << 62;

/// Randomly timed items that fall due beyond the near horizon: a ring of time slots, each an
/// unsorted list (a calendar queue), plus an overflow heap for items beyond the ring.
///
/// A heap's pop costs a level per factor of four in its size. Items instead wait in their slot
/// for O(1) and join the heap only when the clock reaches their slot, so the heap holds about
/// one slot's items; a bitmap of occupied slots lets the clock skip empty ones a word at a time.
/// The heap still orders everything it pops exactly, and an item leaves its slot before anything
/// later than the slot's start is popped, so the order is exactly one heap's.
#[derive(Debug, Clone)]
struct Far<T: Copy> {
    /// The heap size at which the agenda (re)opens the slots.
    reopen_at: usize,
    /// Every far item's time is at least this: the start of slot `cursor`.
    boundary: u64,
    /// Slot width: `1 << shift` nanoseconds.
    shift: u32,
    /// The absolute number of the next slot to move into the heap.
    cursor: u64,
    ring: Vec<Vec<Entry<T>>>,
    /// Bit `i` is set when ring slot `i` holds items.
    occupied: [u64; WORDS],
    /// Items taken out of the ring since slot `lap_start`: their density over a lap of slots
    /// tells whether the slots still suit the load.
    passed: usize,
    lap_start: u64,
    /// The slot width the last lap's density asks for, if it differs (see [`Far::emptied`]).
    retune: Option<u32>,
    /// Items in the ring, and in the ring and overflow together.
    in_ring: usize,
    len: usize,
    /// Items beyond the ring, earliest first: each moves into the ring once, when it comes
    /// within reach, however far the cursor jumps.
    overflow: BinaryHeap<Overflow<T>>,
}

/// An overflow item, ordered so that `BinaryHeap` (a max-heap) yields the earliest first.
#[derive(Debug, Clone, Copy)]
struct Overflow<T>(Entry<T>);

impl<T> PartialEq for Overflow<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.key == other.0.key
    }
}
impl<T> Eq for Overflow<T> {}
impl<T> PartialOrd for Overflow<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Overflow<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.key.cmp(&self.0.key)
    }
}

impl<T: Copy> Far<T> {
    fn new() -> Far<T> {
        Far {
            reopen_at: FAR_FROM,
            boundary: u64::MAX,
            shift: 0,
            cursor: 0,
            ring: Vec::new(),
            occupied: [0; WORDS],
            passed: 0,
            lap_start: 0,
            retune: None,
            in_ring: 0,
            len: 0,
            overflow: BinaryHeap::new(),
        }
    }

    /// Starts empty slots `1 << shift` wide, the first beginning after `start` (or none at
    /// all, if `start` is past [`FAR_LIMIT`]).
    fn open(&mut self, start: u64, shift: u32) {
        self.shift = shift.min(61);
        self.cursor = (start.min(FAR_LIMIT) >> self.shift) + 1;
        self.boundary = self.slot_start(self.cursor);
        self.passed = 0;
        self.lap_start = self.cursor;
        self.retune = None;
        if self.ring.is_empty() {
            self.ring = (0..SLOTS).map(|_| Vec::new()).collect();
        }
    }

    /// Takes every item out.
    fn drain(&mut self) -> Vec<Entry<T>> {
        let mut all: Vec<Entry<T>> = self.overflow.drain().map(|o| o.0).collect();
        for slot in &mut self.ring {
            all.append(slot);
        }
        self.occupied = [0; WORDS];
        self.in_ring = 0;
        self.len = 0;
        all
    }

    /// The first time of slot number `slot`. Slots reach a little past [`FAR_LIMIT`] at most,
    /// so this never overflows.
    #[inline]
    fn slot_start(&self, slot: u64) -> u64 {
        slot << self.shift
    }

    /// The common case (a slot within reach with room) is a leaf that saves no registers; a
    /// slot that must grow, or an item beyond the ring, takes the cold path.
    #[inline]
    fn push(&mut self, entry: Entry<T>) {
        let slot = entry.time().0 >> self.shift;
        if slot < self.cursor.saturating_add(SLOTS) {
            let index = (slot % SLOTS) as usize;
            let items = &mut self.ring[index];
            if items.len() < items.capacity() {
                items.push(entry);
                self.occupied[index / 64] |= 1 << (index % 64);
                self.in_ring += 1;
                self.len += 1;
                return;
            }
        }
        self.push_cold(slot, entry);
    }

    #[cold]
    #[inline(never)]
    fn push_cold(&mut self, slot: u64, entry: Entry<T>) {
        if slot < self.cursor.saturating_add(SLOTS) {
            self.put(slot, entry);
        } else {
            self.overflow.push(Overflow(entry));
        }
        self.len += 1;
    }

    /// Puts an item into the ring slot of absolute slot number `slot` (within reach).
    #[inline(always)]
    fn put(&mut self, slot: u64, entry: Entry<T>) {
        let index = (slot % SLOTS) as usize;
        self.ring[index].push(entry);
        self.occupied[index / 64] |= 1 << (index % 64);
        self.in_ring += 1;
    }

    /// The first occupied ring index at or after `index` in this lap of the ring.
    #[inline]
    fn occupied_from(&self, index: usize) -> Option<usize> {
        let mut word = index / 64;
        let mut bits = self.occupied[word] & (u64::MAX << (index % 64));
        loop {
            if bits != 0 {
                return Some(word * 64 + bits.trailing_zeros() as usize);
            }
            word += 1;
            if word == WORDS {
                return None;
            }
            bits = self.occupied[word];
        }
    }

    /// Moves the cursor to the next slot that holds items and returns its ring index; the caller
    /// takes them out with [`Far::emptied`]. Needs `len > 0`. Empty slots are skipped by the
    /// bitmap; when the ring is empty the cursor jumps to the earliest overflow item's slot, and
    /// overflow items join the ring as each lap of it comes within reach.
    #[inline]
    fn next_occupied(&mut self) -> usize {
        loop {
            if self.in_ring == 0 {
                let first = self.overflow.peek().map(|o| o.0.time().0 >> self.shift);
                self.cursor = first.unwrap_or(self.cursor);
                // An idle stretch says nothing about the load: the next lap is measured afresh.
                self.passed = 0;
                self.lap_start = self.cursor;
                self.refill_from_overflow();
            }
            let index = (self.cursor % SLOTS) as usize;
            if let Some(found) = self.occupied_from(index) {
                self.cursor += (found - index) as u64;
                return found;
            }
            // Nothing more in this lap: the next one starts at ring index 0.
            self.cursor += SLOTS - index as u64;
            self.lap_done();
        }
    }

    /// Records that slot `index` (the cursor's) was emptied of `count` items, and moves the
    /// boundary past it.
    ///
    /// After each lap of the ring, [`Far::lap_done`] asks for narrower slots if they held more
    /// than three times [`PER_SLOT`] items on average (the heap grows a level deeper), or wider
    /// ones if under an eighth of that (the ring then reaches too little time ahead and items
    /// wait in the overflow): the load has changed since the slots were sized. The new width
    /// brings the average back within those bounds, so a steady load does not resize again.
    #[inline]
    fn emptied(&mut self, index: usize, count: usize) {
        self.occupied[index / 64] &= !(1 << (index % 64));
        self.in_ring -= count;
        self.len -= count;
        self.passed += count;
        self.cursor += 1;
        self.boundary = self.slot_start(self.cursor);
        if self.cursor.is_multiple_of(SLOTS) {
            self.lap_done();
        }
    }

    /// The cursor has reached the start of a lap of the ring: overflow items now within reach
    /// join it, and the density of the lap(s) since the last check may ask for a new width.
    #[cold]
    #[inline(never)]
    fn lap_done(&mut self) {
        self.refill_from_overflow();
        let slots = self.cursor - self.lap_start;
        if slots >= SLOTS {
            let (passed, wanted) = (self.passed as u64, slots.saturating_mul(PER_SLOT as u64));
            let shift = if passed > wanted.saturating_mul(3) {
                let narrower = 63 - (passed / wanted).leading_zeros();
                self.shift.saturating_sub(narrower)
            } else if passed.saturating_mul(8) < wanted {
                let wider = 63 - (wanted / passed.max(1)).leading_zeros();
                (self.shift + wider).min(61)
            } else {
                self.shift
            };
            // At the narrowest or widest width already, resizing would only rebuild the slots.
            self.retune = (shift != self.shift).then_some(shift);
            self.passed = 0;
            self.lap_start = self.cursor;
        }
    }

    /// Moves the overflow items now within the ring's reach into their slots.
    fn refill_from_overflow(&mut self) {
        let reach = self.cursor.saturating_add(SLOTS);
        while let Some(&Overflow(e)) = self.overflow.peek() {
            let slot = e.time().0 >> self.shift;
            if slot >= reach {
                break;
            }
            self.overflow.pop();
            self.put(slot, e);
        }
    }
}

/// A priority queue of `Copy` items, earliest (time, sequence) first.
#[derive(Debug, Clone)]
pub struct Agenda<T: Copy> {
    /// The 4-ary min-heap of randomly timed items that are near (before `far.boundary`), or all
    /// of them while there are few.
    heap: Vec<Entry<T>>,
    /// Randomly timed items beyond the near horizon, in time slots (see [`Far`]).
    far: Far<T>,
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
    /// How often the slots were (re)built, for the tests.
    #[cfg(test)]
    reopens: u32,
}

impl<T: Copy> Default for Agenda<T> {
    fn default() -> Self {
        Agenda::new()
    }
}

const ARITY: usize = 4;

/// Adds `entry` to the 4-ary min-heap `heap`. Parents later than the entry move down a level,
/// the first into a new last slot, and the entry is written once, where it belongs: most
/// entries (due later than their parent) are a plain push.
#[inline(always)]
fn sift_in<T: Copy>(heap: &mut Vec<Entry<T>>, entry: Entry<T>) {
    let mut pos = heap.len();
    if pos > 0 {
        let parent = (pos - 1) / ARITY;
        if lt(entry.key, heap[parent].key) {
            heap.push(heap[parent]);
            pos = parent;
            while pos > 0 {
                let parent = (pos - 1) / ARITY;
                if !lt(entry.key, heap[parent].key) {
                    break;
                }
                heap[pos] = heap[parent];
                pos = parent;
            }
            heap[pos] = entry;
            return;
        }
    }
    heap.push(entry);
}

/// Orders `heap` into a 4-ary min-heap in place (Floyd's: each parent sifts down, the last
/// first).
fn heapify<T: Copy>(heap: &mut [Entry<T>]) {
    let n = heap.len();
    if n < 2 {
        return;
    }
    for start in (0..=(n - 2) / ARITY).rev() {
        let entry = heap[start];
        let mut pos = start;
        loop {
            let first = pos * ARITY + 1;
            if first >= n {
                break;
            }
            let children = &heap[first..(first + ARITY).min(n)];
            let mut best = 0;
            for (k, child) in children.iter().enumerate().skip(1) {
                if lt(child.key, children[best].key) {
                    best = k;
                }
            }
            if !lt(children[best].key, entry.key) {
                break;
            }
            heap[pos] = children[best];
            pos = first + best;
        }
        heap[pos] = entry;
    }
}

impl<T: Copy> Agenda<T> {
    pub fn new() -> Agenda<T> {
        Agenda {
            heap: Vec::with_capacity(1024),
            far: Far::new(),
            lane_delays: Vec::new(),
            lanes: Vec::new(),
            lane_heads: Vec::new(),
            lane_hint: 0,
            lane_min: NONE,
            lane_min_index: 0,
            seq: 0,
            #[cfg(test)]
            reopens: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.far.len + self.lanes.iter().map(VecDeque::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty() && self.far.len == 0 && self.lane_min == NONE
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
    #[inline(always)]
    pub fn push(&mut self, time: SimTime, item: T) {
        let key = self.next_key(time);
        let entry = Entry { key, item };
        if time.0 >= self.far.boundary && time.0 < FAR_LIMIT {
            self.far.push(entry);
        } else {
            self.push_heap(entry);
            if self.heap.len() > self.far.reopen_at {
                self.open_far(None);
            }
        }
    }

    /// Schedules `item` a fixed `delay` after `now`, after everything already scheduled at that
    /// time. For delays that recur (network latencies, intervals) with `now` never decreasing
    /// between calls: such items are due in the order they are pushed, and wait in a lane.
    ///
    /// The common case (a lane for the delay exists, holds items and has room) is a leaf that
    /// saves no registers; the rest takes the cold path.
    #[inline]
    pub fn push_after(&mut self, now: SimTime, delay: SimDuration, item: T) {
        let key = self.next_key(now + delay);
        let entry = Entry { key, item };
        let lane = if self.lane_delays.get(self.lane_hint) == Some(&delay.0) {
            Some(self.lane_hint)
        } else {
            self.lane_delays.iter().position(|&d| d == delay.0)
        };
        if let Some(lane) = lane {
            self.lane_hint = lane;
            let queue = &mut self.lanes[lane];
            if queue.back().is_some_and(|back| lt(back.key, key)) && queue.len() < queue.capacity()
            {
                queue.push_back(entry);
                return;
            }
        }
        self.push_after_cold(delay, entry);
    }

    #[cold]
    #[inline(never)]
    fn push_after_cold(&mut self, delay: SimDuration, entry: Entry<T>) {
        let key = entry.key;
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
        sift_in(&mut self.heap, entry);
    }

    /// The smallest key among the randomly timed items. The heap's top is that as long as it
    /// is before the far boundary; otherwise the next far slots move into the heap first.
    #[inline(always)]
    fn heap_min(&mut self) -> u128 {
        let top = self.heap.first().map_or(NONE, |e| e.key);
        if (top >> 64) as u64 >= self.far.boundary && self.far.len > 0 {
            self.advance_far();
            return self.heap.first().map_or(NONE, |e| e.key);
        }
        top
    }

    /// Moves far slots into the heap until the heap's top is before the boundary again (or
    /// nothing is far any more).
    #[cold]
    #[inline(never)]
    fn advance_far(&mut self) {
        loop {
            let top = self.heap.first().map_or(u64::MAX, |e| e.time().0);
            if top < self.far.boundary || self.far.len == 0 {
                return;
            }
            let Agenda { heap, far, .. } = self;
            let index = far.next_occupied();
            let slot = &mut far.ring[index];
            let count = slot.len();
            if heap.is_empty() {
                // Every heap item is due before the boundary when it is pushed, and the boundary
                // only moves on, so the heap is empty here (but for items beyond FAR_LIMIT): the
                // slot's list becomes the heap, ordered in place, and the heap's emptied list
                // takes the slot's place. No item is copied.
                std::mem::swap(heap, slot);
                heapify(heap);
            } else {
                for &e in slot.iter() {
                    sift_in(heap, e);
                }
                slot.clear();
            }
            far.emptied(index, count);
            if let Some(shift) = self.far.retune.take() {
                self.open_far(Some(shift));
            } else if self.heap.len() > self.far.reopen_at {
                // The slots have become too wide for the load: narrow them.
                self.open_far(None);
            }
        }
    }

    /// Switches the far slots on once the heap has grown, or resizes them when it grows again
    /// (the design got busier) or when a lap of them found the load changed (`shift`, the new
    /// width). Without `shift` the slots become about as wide as the time in which [`PER_SLOT`]
    /// items fall due (measured over the earliest [`SAMPLE`]), so the heap keeps about that many.
    #[cold]
    #[inline(never)]
    fn open_far(&mut self, shift: Option<u32>) {
        #[cfg(test)]
        {
            self.reopens += 1;
        }
        let mut all: Vec<Entry<T>> = self.heap.drain(..).collect();
        all.extend(self.far.drain());
        let Some(start) = all.iter().map(|e| e.time().0).min() else {
            // Nothing waits: the slots open afresh when the heap next grows.
            self.far.boundary = u64::MAX;
            self.far.reopen_at = FAR_FROM;
            return;
        };
        let shift = shift.unwrap_or_else(|| {
            let mut times: Vec<u64> = all.iter().map(|e| e.time().0).collect();
            times.sort_unstable();
            let last = SAMPLE.min(times.len() - 1);
            let width = (times[last] - times[0]) / (last / PER_SLOT).max(1) as u64;
            64 - width.max(1).leading_zeros()
        });
        self.far.open(start, shift);
        for e in all {
            let t = e.time().0;
            if t < self.far.boundary || t >= FAR_LIMIT {
                self.push_heap(e);
            } else {
                self.far.push(e);
            }
        }
        // Resize again only if the heap doubles: a heap of items all due before the boundary
        // (many at one instant) would otherwise reopen on every push.
        self.far.reopen_at = FAR_FROM.max(2 * self.heap.len());
    }

    /// The time of the earliest item.
    #[inline]
    pub fn peek_time(&mut self) -> Option<SimTime> {
        let key = self.heap_min().min(self.lane_min);
        (key != NONE).then_some(SimTime((key >> 64) as u64))
    }

    /// Removes and returns the earliest item if it is due at or before `until`.
    #[inline]
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, T)> {
        let heap_min = self.heap_min();
        let from_lane = lt(self.lane_min, heap_min);
        let key = if from_lane { self.lane_min } else { heap_min };
        if (key >> 64) as u64 > until.0 || key == NONE {
            return None;
        }
        if from_lane {
            self.pop_lane()
        } else {
            self.pop_heap()
        }
    }

    /// Removes and returns the earliest item.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, T)> {
        let heap_min = self.heap_min();
        if self.lane_min < heap_min {
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
            if lt(head, min) {
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
        // The last entry fills the root's hole; it stays in its slot (past the new length)
        // while the hole sifts down, and moves once, at the end: only its key is carried.
        let len = self.heap.len().checked_sub(1)?;
        let top = self.heap[0];
        if len == 0 {
            self.heap.clear();
            return Some((top.time(), top.item));
        }
        let last = self.heap[len].key;
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
            if !lt(child.key, last) {
                break;
            }
            self.heap[pos] = child;
            pos = first + best;
        }
        self.heap[pos] = self.heap[len];
        self.heap.truncate(len);
        Some((top.time(), top.item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// Heapify leaves every parent no later than its children, for lists of every small size
    /// and some large ones.
    #[test]
    fn heapify_orders_any_list_into_a_heap() {
        let mut rng = SimRng::new(5);
        for n in (0..40).chain([100, 1000, 4097]) {
            let mut heap: Vec<Entry<u32>> = (0..n)
                .map(|i| Entry {
                    key: (u128::from(rng.below(8)) << 64) | i as u128,
                    item: i,
                })
                .collect();
            heapify(&mut heap);
            for child in 1..heap.len() {
                assert!(heap[(child - 1) / ARITY].key < heap[child].key, "n = {n}");
            }
        }
    }

    /// Pops in exactly the order of a binary heap keyed by (time, sequence), ties included,
    /// under interleaved pushes and pops.
    #[test]
    fn pops_in_time_then_sequence_order_like_a_binary_heap() {
        // Without, and with, items beyond FAR_LIMIT: those wait in the heap, so far slots then
        // join a heap that is not empty.
        for never in [0u64, 3] {
            pops_like_a_binary_heap(never);
        }
    }

    fn pops_like_a_binary_heap(never: u64) {
        let mut rng = SimRng::new(9);
        let mut agenda = Agenda::new();
        let mut reference = BinaryHeap::new();
        let mut seq = 0u64;
        let mut now = 0u64;
        for k in 0..never {
            let t = u64::MAX - k;
            seq += 1;
            agenda.push(SimTime(t), u64::MAX - k);
            reference.push(Reverse((t, seq, u64::MAX - k)));
        }
        for step in 0..200_000u64 {
            // The items beyond FAR_LIMIT come out last, after the loop.
            if rng.below(3) > 0 || reference.len() as u64 <= never {
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

    /// Checks an agenda against a binary heap under a stream of operations: `delay(rng, step)`
    /// gives each push's distance from the clock, or `None` for a pop.
    /// Returns the most items the heap held at once, and the most the agenda held.
    fn matches_binary_heap(
        seed: u64,
        steps: u64,
        delay: impl Fn(&mut SimRng, u64) -> Option<u64>,
    ) -> (usize, usize) {
        let (mut most_in_heap, mut most) = (0, 0);
        let mut rng = SimRng::new(seed);
        let mut agenda = Agenda::new();
        let mut reference = BinaryHeap::new();
        let (mut seq, mut now) = (0u64, 0u64);
        for step in 0..steps {
            match delay(&mut rng, step) {
                Some(d) => {
                    let t = now.saturating_add(d);
                    seq += 1;
                    agenda.push(SimTime(t), step);
                    reference.push(Reverse((t, seq, step)));
                }
                None => {
                    let expected = reference
                        .pop()
                        .map(|Reverse((t, _, item))| (SimTime(t), item));
                    assert_eq!(agenda.peek_time(), expected.map(|(t, _)| t), "step {step}");
                    assert_eq!(agenda.pop(), expected, "step {step}");
                    if let Some((t, _)) = expected {
                        now = t.0;
                    }
                }
            }
            assert_eq!(agenda.len(), reference.len());
            most_in_heap = most_in_heap.max(agenda.heap.len());
            most = most.max(reference.len());
        }
        while let Some(Reverse((t, _, item))) = reference.pop() {
            assert_eq!(agenda.pop(), Some((SimTime(t), item)));
        }
        assert!(agenda.is_empty());
        (most_in_heap, most)
    }

    /// A steady population of items whose delays shrink sixteenfold (a design turned sixteen
    /// times busier), then grow a hundredfold: the slots are resized from the density of the
    /// laps, though the heap alone never grows enough to ask for it, and the heap stays about a
    /// slot deep in each phase.
    #[test]
    fn far_slots_follow_the_density_of_the_load() {
        let mut rng = SimRng::new(15);
        let mut agenda = Agenda::new();
        let mut now = 0u64;
        let mut deepest = [0usize; 3];
        for phase in 0..3 {
            let scale = [16_000, 1_000, 100_000][phase];
            for step in 0..300_000 {
                while agenda.len() < 400 {
                    agenda.push(SimTime(now + 1 + rng.below(scale * 100)), 0u32);
                }
                let (t, _) = agenda.pop().expect("items wait");
                assert!(t.0 >= now, "time went back");
                now = t.0;
                if step > 150_000 {
                    deepest[phase] = deepest[phase].max(agenda.heap.len());
                }
            }
        }
        assert!(deepest.iter().all(|&d| d <= 8 * PER_SLOT), "{deepest:?}");
    }

    /// Regression: eight items due every nanosecond narrow the slots to 1 ns, and laps still
    /// find them too dense; the slots were rebuilt (every waiting item moved) on every lap.
    #[test]
    fn slots_at_their_narrowest_are_not_rebuilt_every_lap() {
        let n = 100_000u64;
        let mut agenda = Agenda::new();
        for i in 0..n {
            agenda.push(SimTime(1 + i / 8), i);
        }
        for _ in 0..400_000 {
            let (t, item) = agenda.pop().expect("items wait");
            agenda.push(SimTime(t.0 + n / 8), item);
        }
        assert_eq!(agenda.far.shift, 0);
        assert!(agenda.reopens <= 4, "{} rebuilds", agenda.reopens);
    }

    /// Regression: after 1 ns slots, an item 2^62 ns ahead made the next lap's count of slots
    /// passed overflow a multiplication (a panic where overflow is checked).
    #[test]
    fn a_far_future_item_after_narrow_slots_does_not_overflow() {
        let mut agenda = Agenda::new();
        for t in 0..65u64 {
            agenda.push(SimTime(t), 0u32);
        }
        for k in 1..5000u64 {
            for _ in 0..10 {
                agenda.push(SimTime(4 * k + 100), 1);
            }
        }
        let mut pushed = false;
        let mut last = 0;
        while let Some((t, _)) = agenda.pop() {
            assert!(t.0 >= last);
            last = t.0;
            if !pushed && agenda.far.shift == 0 {
                agenda.push(SimTime(FAR_LIMIT - 1), 2);
                pushed = true;
            }
        }
        assert!(pushed && last == FAR_LIMIT - 1);
    }

    /// Delays from nanoseconds to hours (and some at the end of time), so that items land in
    /// the heap, in the ring of far slots and beyond it in the overflow, and the slots jump
    /// over long empty stretches.
    #[test]
    fn far_slots_keep_the_order_over_any_spread_of_times() {
        matches_binary_heap(11, 400_000, |rng, _| {
            if rng.below(7) < 3 {
                return None;
            }
            Some(match rng.below(100) {
                0 => u64::MAX - rng.below(1000),
                1..=4 => rng.below(1 << 42),
                _ => {
                    let bits = 1 + rng.below(30);
                    rng.below(1 << bits)
                }
            })
        });
    }

    /// A design that gets a hundred times busier, then quiet again: the slots are resized as
    /// the heap grows and the order stays exact.
    #[test]
    fn far_slots_resize_when_the_load_changes() {
        let (most_in_heap, most) = matches_binary_heap(12, 600_000, |rng, step| {
            let scale = match step / 100_000 {
                1 | 2 => 1_000,
                3 => 10_000,
                _ => 1_000_000,
            };
            // Pushes outnumber pops while the load builds, then the heap drains.
            let push = if step < 450_000 { 5 } else { 2 };
            (rng.below(9) < push).then(|| scale + rng.below(50 * scale))
        });
        // The agenda held tens of thousands of items; resized slots kept the heap small.
        assert!(
            most > 10_000 && most_in_heap < 4 * FAR_FROM,
            "{most_in_heap} of {most}"
        );
    }

    /// Most items a few nanoseconds ahead (narrow slots), the rest thousands of slots ahead:
    /// items wait in the overflow and join the ring as it comes within reach, at every turn.
    #[test]
    fn overflow_items_join_the_ring_in_time() {
        matches_binary_heap(14, 400_000, |rng, _| match rng.below(10) {
            0..=3 => None,
            4..=7 => Some(rng.below(64)),
            _ => Some(rng.below(100_000)),
        });
    }

    /// Many items at one instant: they all stay in the heap, and the slots are not rebuilt on
    /// every push.
    #[test]
    fn many_items_at_one_instant() {
        matches_binary_heap(13, 50_000, |rng, step| {
            if step < 10_000 {
                Some(7)
            } else {
                (rng.below(2) == 0).then(|| rng.below(3))
            }
        });
    }
}

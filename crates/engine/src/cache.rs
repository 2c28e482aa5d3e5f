//! A key-value cache with a capacity in items, LRU / LFU / FIFO eviction and TTL expiry: the store
//! behind cache and CDN nodes. Pure data structure; the kernel decides when it is consulted.
//!
//! Keys are dense integers (`0..keys`), so the key→slot index is a plain vector: O(1), and no
//! hash map whose iteration order could leak into results. LRU and FIFO keep an intrusive doubly
//! linked list of slots; LFU is "perfect" LFU (frequencies are counted for every key ever seen,
//! resident or not) over an indexed min-heap, which converges to the static top-C set whose hit
//! ratio [`crate::analytic::lfu_hit_ratio`] gives.

use crate::model::Eviction;

const NIL: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u32,
    version: u32,
    /// Nanoseconds of simulated time; `u64::MAX` never expires.
    expires: u64,
    dirty: bool,
    prev: u32,
    next: u32,
    /// Position in the LFU heap.
    heap_pos: u32,
}

/// What a lookup found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Hit {
        version: u32,
    },
    /// Not present (or present under an expired TTL, now dropped).
    Miss,
}

/// A write-back entry that left the cache dirty: the caller must flush or count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dirty {
    pub key: u32,
    pub version: u32,
}

#[derive(Debug, Clone)]
pub struct KeyCache {
    policy: Eviction,
    capacity: u32,
    ttl_ns: u64,
    ttl_reset: bool,
    slot_of: Vec<u32>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    head: u32,
    tail: u32,
    len: u32,
    freq: Vec<u32>,
    heap: Vec<u32>,
    dirty: Vec<u32>,
}

impl KeyCache {
    /// `ttl_ns` zero means entries never expire.
    pub fn new(policy: Eviction, capacity: u32, ttl_ns: u64, ttl_reset: bool) -> KeyCache {
        KeyCache {
            policy,
            capacity,
            ttl_ns,
            ttl_reset,
            slot_of: Vec::new(),
            slots: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            len: 0,
            freq: Vec::new(),
            heap: Vec::new(),
            dirty: Vec::new(),
        }
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Asks the CPU to fetch `key`'s index entry, which a lookup soon will read (a hint).
    #[inline]
    pub fn prefetch(&self, key: u32) {
        crate::hint::prefetch(&self.slot_of, key as usize);
    }

    /// Asks the CPU to fetch the slot holding `key`, if any (a hint; reads the index entry, so
    /// best after [`KeyCache::prefetch`] has had time to bring that in).
    #[inline]
    pub fn prefetch_slot(&self, key: u32) {
        let s = self.slot(key);
        if s != NIL {
            crate::hint::prefetch(&self.slots, s as usize);
        }
    }

    fn slot(&self, key: u32) -> u32 {
        self.slot_of.get(key as usize).copied().unwrap_or(NIL)
    }

    fn expiry(&self, now: u64) -> u64 {
        if self.ttl_ns == 0 {
            u64::MAX
        } else {
            now.saturating_add(self.ttl_ns)
        }
    }

    /// Looks `key` up at simulated time `now` (ns), updating recency or frequency on a hit.
    /// An expired entry is dropped and reported as a miss; if it was dirty it is returned so that
    /// the caller can flush it.
    ///
    /// This and the other lookups returning a pair or an option are always inlined: in
    /// WebAssembly such a result comes back through linear memory, which would give every
    /// caller (the station handlers) a shadow-stack frame.
    #[inline(always)]
    pub fn get(&mut self, key: u32, now: u64) -> (Lookup, Option<Dirty>) {
        if self.policy == Eviction::Lfu {
            if self.freq.len() <= key as usize {
                self.freq.resize(key as usize + 1, 0);
            }
            self.freq[key as usize] = self.freq[key as usize].saturating_add(1);
        }
        let s = self.slot(key);
        if s == NIL {
            return (Lookup::Miss, None);
        }
        if self.slots[s as usize].expires <= now {
            let gone = self.remove_slot(s);
            return (Lookup::Miss, gone);
        }
        match self.policy {
            Eviction::Lru => {
                self.unlink(s);
                self.push_front(s);
            }
            Eviction::Fifo => {}
            Eviction::Lfu => self.sift_down(self.slots[s as usize].heap_pos),
        }
        if self.ttl_reset {
            self.slots[s as usize].expires = self.expiry(now);
        }
        (
            Lookup::Hit {
                version: self.slots[s as usize].version,
            },
            None,
        )
    }

    /// The version cached for `key`, without touching recency (for invalidation checks).
    #[inline(always)]
    pub fn peek(&self, key: u32) -> Option<u32> {
        let s = self.slot(key);
        (s != NIL).then(|| self.slots[s as usize].version)
    }

    /// Inserts or updates `key`. Returns the dirty entry evicted to make room, if any. Under LFU a
    /// new key less frequent than every resident one is not admitted.
    #[inline(always)]
    pub fn put(&mut self, key: u32, version: u32, now: u64, dirty: bool) -> Option<Dirty> {
        if self.capacity == 0 {
            return None;
        }
        let expires = self.expiry(now);
        let s = self.slot(key);
        if s != NIL {
            let slot = &mut self.slots[s as usize];
            slot.version = version;
            slot.expires = expires;
            if dirty && !slot.dirty {
                slot.dirty = true;
                self.dirty.push(key);
            }
            if self.policy == Eviction::Lru {
                self.unlink(s);
                self.push_front(s);
            }
            return None;
        }
        let mut evicted = None;
        if self.len >= self.capacity {
            let victim = match self.policy {
                Eviction::Lru | Eviction::Fifo => self.tail,
                Eviction::Lfu => {
                    let victim = self.heap[0];
                    let vf = self.freq_of(self.slots[victim as usize].key);
                    if self.freq_of(key) <= vf {
                        return None;
                    }
                    victim
                }
            };
            evicted = self.remove_slot(victim);
        }
        let slot = Slot {
            key,
            version,
            expires,
            dirty,
            prev: NIL,
            next: NIL,
            heap_pos: NIL,
        };
        let s = if let Some(s) = self.free.pop() {
            self.slots[s as usize] = slot;
            s
        } else {
            self.slots.push(slot);
            (self.slots.len() - 1) as u32
        };
        if self.slot_of.len() <= key as usize {
            self.slot_of.resize(key as usize + 1, NIL);
        }
        self.slot_of[key as usize] = s;
        self.len += 1;
        if dirty {
            self.dirty.push(key);
        }
        match self.policy {
            Eviction::Lru | Eviction::Fifo => self.push_front(s),
            Eviction::Lfu => {
                let pos = self.heap.len() as u32;
                self.heap.push(s);
                self.slots[s as usize].heap_pos = pos;
                self.sift_up(pos);
            }
        }
        evicted
    }

    /// Drops `key` if present (an invalidation); returns it if it was dirty.
    #[inline(always)]
    pub fn remove(&mut self, key: u32) -> Option<Dirty> {
        let s = self.slot(key);
        if s == NIL {
            None
        } else {
            self.remove_slot(s)
        }
    }

    /// Takes every dirty entry still resident and marks it clean (a write-back flush).
    pub fn take_dirty(&mut self) -> Vec<Dirty> {
        let keys = std::mem::take(&mut self.dirty);
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let s = self.slot(key);
            if s != NIL && self.slots[s as usize].dirty {
                self.slots[s as usize].dirty = false;
                out.push(Dirty {
                    key,
                    version: self.slots[s as usize].version,
                });
            }
        }
        out
    }

    /// Empties the cache (a crash or a purge) and returns the dirty entries that were lost.
    pub fn clear(&mut self) -> Vec<Dirty> {
        let lost = self.take_dirty();
        for slot in &self.slots {
            if let Some(i) = self.slot_of.get_mut(slot.key as usize) {
                *i = NIL;
            }
        }
        self.slots.clear();
        self.free.clear();
        self.heap.clear();
        self.head = NIL;
        self.tail = NIL;
        self.len = 0;
        lost
    }

    fn freq_of(&self, key: u32) -> u32 {
        self.freq.get(key as usize).copied().unwrap_or(0)
    }

    #[inline(always)]
    fn remove_slot(&mut self, s: u32) -> Option<Dirty> {
        let slot = self.slots[s as usize];
        match self.policy {
            Eviction::Lru | Eviction::Fifo => self.unlink(s),
            Eviction::Lfu => self.heap_remove(slot.heap_pos),
        }
        self.slot_of[slot.key as usize] = NIL;
        self.free.push(s);
        self.len -= 1;
        slot.dirty.then_some(Dirty {
            key: slot.key,
            version: slot.version,
        })
    }

    // This and `push_front`, on every hit and fill of an LRU cache, stayed calls in WebAssembly.
    #[inline(always)]
    fn unlink(&mut self, s: u32) {
        let Slot { prev, next, .. } = self.slots[s as usize];
        if prev != NIL {
            self.slots[prev as usize].next = next;
        } else {
            self.head = next;
        }
        if next != NIL {
            self.slots[next as usize].prev = prev;
        } else {
            self.tail = prev;
        }
    }

    #[inline(always)]
    fn push_front(&mut self, s: u32) {
        self.slots[s as usize].prev = NIL;
        self.slots[s as usize].next = self.head;
        if self.head != NIL {
            self.slots[self.head as usize].prev = s;
        } else {
            self.tail = s;
        }
        self.head = s;
    }

    /// Heap order: lower frequency first; ties broken by key so the order is total.
    fn less(&self, a: u32, b: u32) -> bool {
        let ka = self.slots[a as usize].key;
        let kb = self.slots[b as usize].key;
        (self.freq_of(ka), ka) < (self.freq_of(kb), kb)
    }

    fn heap_swap(&mut self, i: u32, j: u32) {
        self.heap.swap(i as usize, j as usize);
        let (a, b) = (self.heap[i as usize], self.heap[j as usize]);
        self.slots[a as usize].heap_pos = i;
        self.slots[b as usize].heap_pos = j;
    }

    fn sift_up(&mut self, mut i: u32) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.less(self.heap[i as usize], self.heap[parent as usize]) {
                self.heap_swap(i, parent);
                i = parent;
            } else {
                break;
            }
        }
    }

    fn sift_down(&mut self, mut i: u32) {
        let n = self.heap.len() as u32;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut m = i;
            if l < n && self.less(self.heap[l as usize], self.heap[m as usize]) {
                m = l;
            }
            if r < n && self.less(self.heap[r as usize], self.heap[m as usize]) {
                m = r;
            }
            if m == i {
                break;
            }
            self.heap_swap(i, m);
            i = m;
        }
    }

    fn heap_remove(&mut self, pos: u32) {
        let last = self.heap.len() as u32 - 1;
        if pos != last {
            self.heap_swap(pos, last);
        }
        self.heap.pop();
        if pos < self.heap.len() as u32 {
            self.sift_down(pos);
            self.sift_up(pos);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_after(policy: Eviction, accesses: &[u32]) -> Vec<u32> {
        let mut c = KeyCache::new(policy, 2, 0, false);
        for &k in accesses {
            if let (Lookup::Miss, _) = c.get(k, 0) {
                c.put(k, 0, 0, false);
            }
        }
        let mut v: Vec<u32> = (0..10).filter(|&k| c.peek(k).is_some()).collect();
        v.sort();
        v
    }

    #[test]
    fn each_policy_evicts_its_own_victim() {
        // 1 2 1 3: LRU evicts 2 (least recent), FIFO evicts 1 (first in), LFU keeps 1 (twice)
        // and refuses 3 (seen once, no more frequent than the resident 2).
        let cases = [
            (Eviction::Lru, vec![1, 3]),
            (Eviction::Fifo, vec![2, 3]),
            (Eviction::Lfu, vec![1, 2]),
        ];
        for (policy, expect) in cases {
            assert_eq!(keys_after(policy, &[1, 2, 1, 3]), expect, "{policy:?}");
        }
    }

    #[test]
    fn ttl_expires_and_reset_extends() {
        for (reset, hit_at_15) in [(false, false), (true, true)] {
            let mut c = KeyCache::new(Eviction::Lru, 10, 10, reset);
            c.put(7, 1, 0, false);
            assert_eq!(c.get(7, 9).0, Lookup::Hit { version: 1 });
            assert_eq!(c.get(7, 15).0 != Lookup::Miss, hit_at_15);
        }
    }

    #[test]
    fn dirty_entries_are_flushed_once_or_lost_on_clear() {
        let mut c = KeyCache::new(Eviction::Lru, 10, 0, false);
        c.put(1, 3, 0, true);
        c.put(2, 4, 0, true);
        assert_eq!(c.take_dirty().len(), 2);
        assert!(c.take_dirty().is_empty());
        c.put(1, 5, 0, true);
        assert_eq!(c.clear(), vec![Dirty { key: 1, version: 5 }]);
        assert!(c.is_empty());
    }
}

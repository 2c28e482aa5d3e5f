//! Caches: lookup, miss with a fill lease, write-through / write-back / invalidation, warming.

use crate::sim::*;

pub(in crate::sim) struct CacheRt {
    pub(in crate::sim) spec: CacheSpec,
    pub(in crate::sim) store: KeyCache,
    /// Per key (grown on demand): the reads this cache has sent to its database and not yet
    /// had back, and the key's fill lease.
    pub(in crate::sim) fetching: Vec<KeyFetch>,
    /// A primary with a replica: its changes the replica does not have yet.
    pub(in crate::sim) changes: Option<Box<Changes>>,
}

/// A cache's per-key miss state, side by side so a miss touches one line.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::sim) struct KeyFetch {
    /// Reads in flight: a miss that finds one is part of a stampede.
    pub(in crate::sim) reads: u16,
    /// Bumped by every invalidation of the key. A miss remembers it, and its fill is refused if
    /// it changed meanwhile (a lease, as memcached's): the read may predate the write whose
    /// delete it raced, and would otherwise put the old version back for a whole TTL.
    pub(in crate::sim) lease: u16,
}

impl Simulation {
    // ----- cache ---------------------------------------------------------------------------

    /// Steps of a cache frame: 0 lookup (station), 1 waiting for the database on a miss or a
    /// write, 2 the application talking to the database directly while the cache is down.
    pub(in crate::sim) fn cache_deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let Kind::Cache(c) = &self.nodes[f.node as usize].kind else {
            return;
        };
        let (read, write, backend) = (c.spec.read, c.spec.write, c.spec.backend);
        // The lookup after the cache's service time reads the key's index entry, and the reply
        // its row (the stale-read check, a database read on a miss): fetch both meanwhile.
        c.store.prefetch_slot(f.key);
        self.keys_tab.prefetch(f.key as usize);
        let up = self.nodes[f.node as usize].up;
        if !up && self.forward_to_stand_in(frame) {
            return;
        }
        if f.op == Op::Write && write == WriteStrategy::WriteAround {
            // Write-around bypasses the cache entirely.
            self.frames[frame as usize].step = 2;
            self.call_backend(frame, backend, f.op);
            return;
        }
        if f.op == Op::Write && write == WriteStrategy::Invalidate {
            // The database first; the cached copy is deleted when it has acknowledged.
            self.frames[frame as usize].step = 3;
            self.call_backend(frame, backend, f.op);
            return;
        }
        if !up && f.op == Op::Read && read == ReadStrategy::CacheAside {
            // The application falls back to the database: every read is a miss (a miss storm).
            // Nothing is filled, so these are the application's own reads, served by replicas.
            self.window_counters.cache_misses += 1;
            self.frames[frame as usize].step = 2;
            self.call_backend(frame, backend, Op::Read);
            return;
        }
        self.enter(frame);
    }

    /// Sends the frame's key to the cache's database as `op` (the frame's own op, or a
    /// miss's read from where the cache fills).
    pub(in crate::sim) fn call_backend(&mut self, frame: FrameId, backend: Option<NodeId>, op: Op) {
        let f = self.frames[frame as usize];
        match backend {
            Some(db) => self.call(frame, f.req, f.node, db, op, f.key, SimDuration::ZERO),
            None => self.finish(frame, Ok(f.version)),
        }
    }

    pub(in crate::sim) fn cache_after_lookup(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let now = self.now.0;
        self.free_worker(f.node);
        let n = &mut self.nodes[f.node as usize];
        let Kind::Cache(c) = &mut n.kind else { return };
        let backend = c.spec.backend;
        match f.op {
            Op::Write => match c.spec.write {
                WriteStrategy::WriteBack => {
                    // Acknowledged here; the database learns of it at the next flush.
                    let truth = self.keys_tab.get(f.key as usize, TRUTH);
                    let v = truth + 1;
                    if let Some(t) = self.keys_tab.get_mut(f.key as usize, TRUTH) {
                        *t = v;
                    }
                    let evicted = c.store.put(f.key, v, now, true);
                    if let Some(log) = &mut c.changes {
                        log.record(now, f.key);
                    }
                    self.flush_out(f.node, evicted);
                    self.finish(frame, Ok(v));
                }
                _ => {
                    self.frames[frame as usize].step = 1;
                    self.call_backend(frame, backend, f.op);
                }
            },
            _ => {
                let (found, dirty) = c.store.get(f.key, now);
                match found {
                    Lookup::Hit { version } => {
                        n.win.hits += 1;
                        self.window_counters.cache_hits += 1;
                        self.flush_out(f.node, dirty);
                        self.finish(frame, Ok(version));
                    }
                    Lookup::Miss => {
                        n.win.misses += 1;
                        self.window_counters.cache_misses += 1;
                        // Reads in flight per key; a cache with no database fills nothing and
                        // never comes back through `cache_resume`.
                        let mut lease = 0;
                        if backend.is_some() {
                            let key = f.key as usize;
                            if c.fetching.len() <= key {
                                c.fetching.resize(key + 1, KeyFetch::default());
                            }
                            let k = &mut c.fetching[key];
                            if k.reads > 0 {
                                self.window_counters.stampede_reads += 1;
                                let w = &mut self.watch[f.node as usize];
                                if w.stampede_reads == 0 {
                                    w.stampede_since = SimTime(now);
                                }
                                w.stampede_reads += 1;
                            }
                            k.reads = k.reads.saturating_add(1);
                            lease = u32::from(k.lease);
                        }
                        let op = fill_op(c.spec.fill_from);
                        self.flush_out(f.node, dirty);
                        let fr = &mut self.frames[frame as usize];
                        fr.step = 1;
                        fr.seen = lease;
                        self.call_backend(frame, backend, op);
                    }
                }
            }
        }
    }

    pub(in crate::sim) fn cache_resume(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        // A miss's fill holds its lease while no invalidation of the key came since it left.
        let mut leased = true;
        if let (1, Op::Read) = (f.step, f.op) {
            // The miss's read is back (or failed). A crash since reset the counts.
            let n = &mut self.nodes[f.node as usize];
            if let (true, Kind::Cache(c)) = (n.epoch == f.epoch, &mut n.kind) {
                if let Some(k) = c.fetching.get_mut(f.key as usize) {
                    k.reads = k.reads.saturating_sub(1);
                    leased = u32::from(k.lease) == f.seen;
                }
            }
        }
        if let (3, Ok(_)) = (f.step, outcome) {
            self.invalidate(f.node, f.key);
        }
        if let (1, Ok(version), true) = (f.step, outcome, leased) {
            // Fill on a read miss, update on a write-through — unless the cache crashed since.
            let now = self.now.0;
            let n = &mut self.nodes[f.node as usize];
            if n.up && n.epoch == f.epoch {
                if let Kind::Cache(c) = &mut n.kind {
                    // Never back in time: a fill that a write overtook (a write-through's update,
                    // a write-back's buffered version) must not put an older one back.
                    let version = c.store.peek(f.key).map_or(version, |v| v.max(version));
                    let evicted = c.store.put(f.key, version, now, false);
                    if let Some(log) = &mut c.changes {
                        log.record(now, f.key);
                    }
                    self.flush_out(f.node, evicted);
                }
            }
        }
        self.finish(frame, outcome);
    }

    /// Invalidate on write: the entry goes (a dead cache has nothing to delete), and the fills
    /// of misses already in flight for the key lose their lease.
    #[inline(never)]
    pub(in crate::sim) fn invalidate(&mut self, node: NodeId, key: u32) {
        let n = &mut self.nodes[node as usize];
        if let (true, Kind::Cache(c)) = (n.up, &mut n.kind) {
            let _ = c.store.remove(key);
            if let Some(log) = &mut c.changes {
                log.record(self.now.0, key);
            }
            if let Some(k) = c.fetching.get_mut(key as usize) {
                k.lease = k.lease.wrapping_add(1);
            }
        }
    }

    /// Sends dirty write-back entries to the database as background writes.
    /// Takes an `Option` from a lookup or a fill (nearly always `None`: nothing to do) or the
    /// `Vec` of a periodic flush.
    #[inline]
    pub(in crate::sim) fn flush_out(
        &mut self,
        node: NodeId,
        dirty: impl IntoIterator<Item = Dirty>,
    ) {
        for d in dirty {
            self.flush_one(node, d);
        }
    }

    #[inline(never)]
    pub(in crate::sim) fn flush_one(&mut self, node: NodeId, d: Dirty) {
        let Kind::Cache(c) = &self.nodes[node as usize].kind else {
            return;
        };
        let Some(backend) = c.spec.backend else {
            return;
        };
        let (db, step) = self.addressee(backend, Op::Flush, node);
        let frame = self.new_frame(Frame {
            version: d.version,
            step,
            ..Frame::root(NIL, db, Op::Flush, d.key, self.now)
        });
        match self.lat(node, db) {
            Some(l) if l.0 > 0 => self.schedule_after(l, Action::Deliver { frame }),
            Some(_) => self.deliver(frame),
            None => self.free_frames.push(frame),
        }
    }

    #[inline(never)]
    pub(in crate::sim) fn on_flush(&mut self, node: NodeId) {
        let Kind::Cache(c) = &mut self.nodes[node as usize].kind else {
            return;
        };
        let interval = c.spec.flush_interval.max(SimDuration(1));
        let dirty = if self.nodes[node as usize].up {
            match &mut self.nodes[node as usize].kind {
                Kind::Cache(c) => c.store.take_dirty(),
                _ => Vec::new(),
            }
        } else {
            Vec::new()
        };
        self.flush_out(node, dirty);
        self.schedule_after(interval, Action::Flush { node });
    }

    /// The version of `key` the cache's data tier holds (what a read through it would find).
    pub(in crate::sim) fn db_version_behind(&self, cache: NodeId, key: u32) -> u32 {
        let Kind::Cache(c) = &self.nodes[cache as usize].kind else {
            return 0;
        };
        c.spec
            .backend
            .map_or(0, |data| self.stored_version(data, key))
    }

    /// Cache warming: fills a cache that asks for it with the most popular keys (key 0 is the
    /// most popular under Zipf), at the versions the database holds, the most popular inserted
    /// last so that LRU and FIFO keep it longest.
    pub(in crate::sim) fn warm(&mut self, node: NodeId) {
        let now = self.now.0;
        let Some(Kind::Cache(c)) = self.nodes.get(node as usize).map(|n| &n.kind) else {
            return;
        };
        if !c.spec.warm {
            return;
        }
        let count = (c.spec.capacity as usize).min(self.keys_tab.keys);
        let versions: Vec<u32> = (0..count)
            .rev()
            .map(|key| self.db_version_behind(node, key as u32))
            .collect();
        if let Some(Kind::Cache(c)) = self.nodes.get_mut(node as usize).map(|n| &mut n.kind) {
            for (key, version) in (0..count).rev().zip(versions) {
                // Clean entries: warming evicts nothing dirty from an empty cache.
                let _ = c.store.put(key as u32, version, now, false);
            }
        }
    }

    /// Dirty write-back entries a crashed cache lost: the database still has the last flushed
    /// version, so the truth rolls back to it.
    pub(in crate::sim) fn cache_lost_dirty(&mut self, node: NodeId, lost: Vec<Dirty>) {
        for d in lost {
            let stored = self.db_version_behind(node, d.key);
            self.window_counters.lost_writes += u64::from(d.version.saturating_sub(stored));
            if let Some(t) = self.keys_tab.get_mut(d.key as usize, TRUTH) {
                *t = stored;
            }
        }
    }
}

/// The op of a cache miss's read: from any replica, or from the primary.
#[inline]
pub(in crate::sim) fn fill_op(from: FillFrom) -> Op {
    match from {
        FillFrom::Replicas => Op::Read,
        FillFrom::Primary => Op::PrimaryRead,
    }
}

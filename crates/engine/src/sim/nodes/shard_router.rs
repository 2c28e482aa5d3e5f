//! Shard routers: a key's shard by the shard map, scatter-gather for salted hot keys, and
//! resharding by paced, throttled key copies.

use crate::sim::*;

pub(in crate::sim) struct RouterRt {
    pub(in crate::sim) spec: ShardRouterSpec,
    pub(in crate::sim) map: Option<ShardMap>,
    /// During a resharding: the map keys are leaving, and which keys have arrived.
    pub(in crate::sim) old: Option<ShardMap>,
    pub(in crate::sim) migrated: Vec<u64>,
    /// The router's migration queues, one per new shard (by position in `spec.shards`): keys
    /// still to copy there (a failed copy goes back to the end), and the copies in flight
    /// there, which the throttle bounds. The pacer visits the shards in turn from `next_slot`.
    pub(in crate::sim) waiting: Vec<VecDeque<u32>>,
    pub(in crate::sim) in_flight: Vec<u32>,
    pub(in crate::sim) next_slot: usize,
    /// Copies sent and not yet landed.
    pub(in crate::sim) copying: usize,
    /// When the resharding under way began (for the migration-time counter).
    pub(in crate::sim) migrating_since: SimTime,
    /// During a resharding of salted hot keys: (shard key, hot key) of every salted row,
    /// sorted, so a copy of a shard key carries the hot-key rows stored under it.
    pub(in crate::sim) salted_rows: Vec<(u32, u32)>,
}

impl Simulation {
    // ----- sharded database ----------------------------------------------------------------

    pub(in crate::sim) fn shard_for(&self, router: &RouterRt, key: u64) -> Option<NodeId> {
        let map = router.map.as_ref()?;
        let mut shard = map.shard_of(key);
        if let Some(old) = &router.old {
            let k = key as usize;
            let done = router
                .migrated
                .get(k / 64)
                .is_some_and(|w| w & (1 << (k % 64)) != 0);
            if !done {
                shard = old.shard_of(key);
            }
        }
        router.spec.shards.get(shard as usize).copied()
    }

    // Out of line: its scatter-gather list and `shard_for`'s optional answer live in linear
    // memory in WebAssembly, and inlined into `deliver` they would give every delivery a
    // shadow-stack frame.
    #[inline(never)]
    pub(in crate::sim) fn router_deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        if !self.nodes[f.node as usize].up {
            self.finish(frame, Err(ErrorCause::NodeDown));
            return;
        }
        let Kind::Router(r) = &self.nodes[f.node as usize].kind else {
            return;
        };
        let (hot_keys, salt, space) = (r.spec.hot_keys, r.spec.salt, r.spec.key_space.max(1));
        if let Some(home) = Self::hot_home(r, f.key) {
            self.frames[frame as usize].pending = 1;
            self.call(frame, f.req, f.node, home, f.op, f.key, SimDuration::ZERO);
            return;
        }
        let hot = f.key < hot_keys && salt > 1;
        if hot && matches!(f.op, Op::Read | Op::PrimaryRead) {
            // Scatter-gather: the key's rows live under every salt suffix; the router asks each
            // shard holding some of them once, for all of its suffixes (a multi-get).
            let mut targets: Vec<Option<NodeId>> = (0..salt)
                .map(|s| self.shard_for(r, salted_key(f.key as u64, s) % u64::from(space)))
                .collect();
            targets.sort_unstable();
            targets.dedup();
            self.window_counters.gather_reads += targets.len() as u64 - 1;
            self.frames[frame as usize].pending = targets.len() as u16;
            for t in targets {
                match t {
                    Some(t) => self.call(frame, f.req, f.node, t, f.op, f.key, SimDuration::ZERO),
                    None => self.router_resume(frame, Err(ErrorCause::NoRoute)),
                }
            }
            return;
        }
        let shard_key = if hot {
            let s = self.nodes[f.node as usize].rng.below(u64::from(salt)) as u32;
            salted_key(f.key as u64, s) % u64::from(space)
        } else {
            f.key as u64
        };
        let Kind::Router(r) = &self.nodes[f.node as usize].kind else {
            return;
        };
        match self.shard_for(r, shard_key) {
            Some(t) => {
                self.frames[frame as usize].pending = 1;
                self.call(frame, f.req, f.node, t, f.op, f.key, SimDuration::ZERO)
            }
            None => self.finish(frame, Err(ErrorCause::NoRoute)),
        }
    }

    /// The dedicated shard of a hot key, when the router gives hot keys one.
    pub(in crate::sim) fn hot_home(r: &RouterRt, key: u32) -> Option<NodeId> {
        r.spec.dedicated.filter(|_| key < r.spec.hot_keys)
    }

    pub(in crate::sim) fn router_resume(&mut self, frame: FrameId, outcome: Outcome) {
        if let (Ok(v), Op::Write) = (outcome, self.frames[frame as usize].op) {
            self.forward_late_write(frame, v);
        }
        let f = &mut self.frames[frame as usize];
        match outcome {
            Ok(v) => f.version = f.version.max(v),
            Err(e) => {
                f.err.get_or_insert(e);
            }
        }
        f.pending = f.pending.saturating_sub(1);
        if f.pending == 0 {
            let result = match f.err {
                Some(e) => Err(e),
                None => Ok(f.version),
            };
            self.finish(frame, result);
        }
    }

    /// k → k+1 shards: counts the keys whose shard changes and starts copying them to their new
    /// shard at the migration rate; until a key has arrived it is still served by its old shard.
    pub(in crate::sim) fn reshard(&mut self, node: NodeId) {
        let now = self.now;
        let Some(Kind::Router(r)) = self.kind_mut(node) else {
            return;
        };
        let Some(map) = r.map.clone() else { return };
        if r.old.is_some() || map.shards() as usize >= r.spec.shards.len() {
            return;
        }
        let Ok(next) = ShardMap::new(r.spec.strategy, map.shards() + 1, r.spec.key_space as u64)
        else {
            return;
        };
        let space = r.spec.key_space;
        // Hot keys on their dedicated shard stay there.
        let pinned = if r.spec.dedicated.is_some() {
            r.spec.hot_keys
        } else {
            0
        };
        let to_move: Vec<u32> = (pinned.min(space)..space)
            .filter(|&k| map.shard_of(k as u64) != next.shard_of(k as u64))
            .collect();
        for &k in &to_move {
            if let Some(q) = r.waiting.get_mut(next.shard_of(u64::from(k)) as usize) {
                q.push_back(k);
            }
        }
        r.migrating_since = now;
        r.salted_rows = if r.spec.salt > 1 && r.spec.dedicated.is_none() {
            let mut rows: Vec<(u32, u32)> = (0..r.spec.hot_keys.min(space))
                .flat_map(|h| {
                    (0..r.spec.salt).map(move |s| {
                        let shard_key = salted_key(u64::from(h), s) % u64::from(space.max(1));
                        (shard_key as u32, h)
                    })
                })
                .collect();
            rows.sort_unstable();
            rows
        } else {
            Vec::new()
        };
        r.migrated = vec![0; (space as usize).div_ceil(64)];
        // Keys that stay put count as already migrated.
        let mut moving = vec![false; space as usize];
        for &k in &to_move {
            moving[k as usize] = true;
        }
        for (k, m) in moving.iter().enumerate() {
            if !m {
                r.migrated[k / 64] |= 1 << (k % 64);
            }
        }
        let moved = to_move.len() as u64;
        let joining = r.spec.shards.get(map.shards() as usize).copied();
        r.old = Some(map);
        r.map = Some(next);
        // The shard joining is billed from now on.
        if let Some(n) = joining.and_then(|j| self.nodes.get_mut(j as usize)) {
            if let Kind::Db(d) = &n.kind {
                n.cost_per_hour_usd = d.spec.cost_per_hour_usd;
            }
        }
        self.window_counters.keys_moved += moved;
        self.schedule(self.now, Action::Migrate { node });
        self.note_reshard(node, joining.unwrap_or(NIL), moved);
    }

    /// The migration's pacer: every 1/`migration_rps` seconds (every millisecond in groups when
    /// faster) it sends the next copy, visiting the new shards' queues in turn. A copy goes only
    /// to a new shard that is up, has a free worker, and holds fewer copies than its share of
    /// workers (`migration_share`, at least one); otherwise the key waits in the router, so
    /// copies never wait in a shard's request queue ahead of user requests. A key switches to
    /// its new shard when its copy lands ([`Self::on_copied`]); the resharding ends when every
    /// copy has.
    #[inline(never)]
    pub(in crate::sim) fn on_migrate(&mut self, node: NodeId) {
        let Kind::Router(r) = &self.nodes[node as usize].kind else {
            return;
        };
        let rps = r.spec.migration_rps.max(1e-3);
        let interval = SimDuration::from_secs_f64((1.0 / rps).max(1e-3));
        let per_tick = libm::round(rps * interval.as_secs_f64()).max(1.0) as usize;
        let share = r.spec.migration_share;
        let slots = r.waiting.len();
        let mut sent = 0;
        // Visits every shard at most once per copy sent, plus one round finding no room.
        let mut idle = 0;
        while sent < per_tick && idle < slots {
            let Kind::Router(r) = &mut self.nodes[node as usize].kind else {
                return;
            };
            let slot = r.next_slot % slots;
            r.next_slot = (slot + 1) % slots;
            let to = r.spec.shards[slot];
            let copies = r.in_flight[slot];
            let Some(&k) = r.waiting[slot].front() else {
                idle += 1;
                continue;
            };
            let from = Self::move_of(r, k).map(|(from, _)| from);
            let room = match self.nodes.get(to as usize) {
                Some(n) if n.up && n.station.busy < n.station.workers => {
                    let budget = (f64::from(n.station.workers) * share) as u32;
                    copies < budget.max(1)
                }
                _ => false,
            };
            if !room {
                // Down, busy or at its copy budget: its keys wait their turn in the router.
                idle += 1;
                continue;
            }
            idle = 0;
            let Kind::Router(r) = &mut self.nodes[node as usize].kind else {
                return;
            };
            r.waiting[slot].pop_front();
            let Some(from) = from else {
                // Nowhere to copy from: the key simply follows the new map.
                r.migrated[k as usize / 64] |= 1 << (k % 64);
                continue;
            };
            r.in_flight[slot] += 1;
            r.copying += 1;
            sent += 1;
            let version = match &self.nodes[from as usize].kind {
                Kind::Db(d) => self.keys_tab.get(k as usize, d.col),
                _ => 0,
            };
            // The copy is a write the new shard must serve: the migration load. It takes the
            // free worker at once.
            let frame = self.new_frame(Frame {
                step: 1,
                version,
                aux: node,
                ..Frame::root(NIL, to, Op::Migrate, k, self.now)
            });
            self.enter(frame);
        }
        let Kind::Router(r) = &mut self.nodes[node as usize].kind else {
            return;
        };
        let finished = r.copying == 0 && r.waiting.iter().all(VecDeque::is_empty);
        if finished {
            r.old = None;
            r.salted_rows = Vec::new();
            let since = r.migrating_since.max(self.window_start);
            self.window_counters.migration_ns += self.now.since(since).0;
            self.note_reshard_done(node);
        } else {
            self.schedule(self.now + interval, Action::Migrate { node });
        }
    }

    /// A write that reached a key's old shard while its copy was landing (or queued there
    /// until after the resharding ended): the key belongs to its new shard by the time the
    /// write is acknowledged, so the router applies it there too. Salted hot keys excepted:
    /// their shard key is not the key.
    pub(in crate::sim) fn forward_late_write(&mut self, frame: FrameId, version: u32) {
        let f = self.frames[frame as usize];
        let Kind::Router(r) = &self.nodes[f.node as usize].kind else {
            return;
        };
        if f.key < r.spec.hot_keys && (r.spec.salt > 1 || r.spec.dedicated.is_some()) {
            return;
        }
        if let Some(owner) = self.shard_for(r, u64::from(f.key)) {
            self.raise_stored(owner, f.key, version);
        }
    }

    /// Raises database member `db`'s stored version of `key` to at least `version` (versions
    /// only move forward: replication, copies and forwarded writes may arrive out of order).
    pub(in crate::sim) fn raise_stored(&mut self, db: NodeId, key: u32, version: u32) {
        if let Some(Kind::Db(d)) = self.nodes.get(db as usize).map(|n| &n.kind) {
            let col = d.col;
            if let Some(v) = self.keys_tab.get_mut(key as usize, col) {
                *v = (*v).max(version);
            }
        }
    }

    /// The old and the new shard of key `k` during a resharding.
    pub(in crate::sim) fn move_of(r: &RouterRt, k: u32) -> Option<(NodeId, NodeId)> {
        let shard = |m: &Option<ShardMap>| {
            m.as_ref()
                .map(|m| m.shard_of(k as u64))
                .and_then(|s| r.spec.shards.get(s as usize).copied())
        };
        Some((shard(&r.old)?, shard(&r.map)?))
    }

    /// A copy sent by resharding router `router` has landed (or failed: it is sent again). The
    /// key switches to its new shard now, taking along any write its old shard got since the
    /// copy left, so no read of it is ever served an older version.
    pub(in crate::sim) fn on_copied(
        &mut self,
        router: NodeId,
        key: u32,
        shard: NodeId,
        landed: bool,
    ) {
        let Some(Kind::Router(r)) = self.nodes.get_mut(router as usize).map(|n| &mut n.kind) else {
            return;
        };
        r.copying = r.copying.saturating_sub(1);
        if let Some(slot) = r.spec.shards.iter().position(|&s| s == shard) {
            r.in_flight[slot] = r.in_flight[slot].saturating_sub(1);
        }
        if r.old.is_none() {
            return;
        }
        if !landed {
            if let Some(q) = r.spec.shards.iter().position(|&s| s == shard) {
                r.waiting[q].push_back(key);
            }
            return;
        }
        r.migrated[key as usize / 64] |= 1 << (key % 64);
        let Some((from, to)) = Self::move_of(r, key) else {
            return;
        };
        let start = r.salted_rows.partition_point(|&(k, _)| k < key);
        let carried: Vec<u32> = r.salted_rows[start..]
            .iter()
            .take_while(|&&(k, _)| k == key)
            .map(|&(_, h)| h)
            .collect();
        let current = self.stored_version(from, key);
        self.raise_stored(to, key, current);
        // Salted rows of hot keys stored under this shard key move with it.
        for h in carried {
            let at_old = match &self.nodes[from as usize].kind {
                Kind::Db(d) => self.keys_tab.get(h as usize, d.col),
                _ => 0,
            };
            self.raise_stored(to, h, at_old);
        }
        self.window_counters.keys_migrated += 1;
    }
}

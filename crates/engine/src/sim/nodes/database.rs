//! Database groups: a primary and replicas, member choice for reads and writes, replication,
//! failover and resynchronisation.

use crate::sim::*;

/// A write on its way from a primary to a replica (`epoch`: of the primary that sent it).
#[derive(Debug, Clone, Copy)]
pub(in crate::sim) struct ReplicaWrite {
    pub(in crate::sim) replica: NodeId,
    pub(in crate::sim) primary: NodeId,
    pub(in crate::sim) key: u32,
    pub(in crate::sim) version: u32,
    pub(in crate::sim) epoch: u32,
    /// When the primary sent it: the lag is exact at any simulated age.
    pub(in crate::sim) sent: SimTime,
}

pub(in crate::sim) struct DbRt {
    pub(in crate::sim) spec: DbSpec,
    /// This member's column of versions in the key table.
    pub(in crate::sim) col: usize,
    /// For the group's address node: the member acting as primary now, and the reader rotation.
    pub(in crate::sim) primary: NodeId,
    pub(in crate::sim) next_reader: usize,
    /// Writes sent to replicas and not yet applied.
    pub(in crate::sim) unreplicated: u64,
}

/// How often a primary retries sending a write to a replica it cannot reach.
pub(in crate::sim) const REPLICATION_RETRY: SimDuration = SimDuration::from_millis(500);

impl Simulation {
    // ----- database ------------------------------------------------------------------------

    /// Where a frame sent by `from` to `target` for `op` goes, and the step it starts at. A
    /// database group is an address: the frame goes straight to the member serving it (its
    /// step 1), across whatever network lies between the sender and that member.
    pub(in crate::sim) fn addressee(
        &mut self,
        target: NodeId,
        op: Op,
        from: NodeId,
    ) -> (NodeId, u8) {
        match self.nodes.get(target as usize).map(|n| &n.kind) {
            Some(Kind::Db(_)) => (self.db_member(target, op, from), 1),
            _ => (target, 0),
        }
    }

    /// The member of database group `group` that serves `op` for node `reader`: writes (and a
    /// cache's reads from the primary) go to the acting primary, reads rotate over the healthy
    /// replicas (and the primary if allowed or alone); with several regions, the nearest ones.
    pub(in crate::sim) fn db_member(&mut self, group: NodeId, op: Op, reader: NodeId) -> NodeId {
        let nodes = &self.nodes;
        let Kind::Db(g) = &nodes[group as usize].kind else {
            return group;
        };
        let (primary, on_primary) = (g.primary, g.spec.reads_on_primary);
        if op != Op::Read {
            return primary;
        }
        if self.regions > 1 {
            return self.db_reader_near(group, reader);
        }
        // Counted and picked in place: no candidate list per query.
        let candidates = || {
            std::iter::once(group)
                .chain(g.spec.replicas.iter().copied())
                .filter(|&m| (m != primary || on_primary) && nodes[m as usize].up)
        };
        let count = candidates().count();
        if count == 0 {
            return primary;
        }
        let next = g.next_reader.wrapping_add(1);
        let pick = candidates().nth(next % count).unwrap_or(primary);
        if let Kind::Db(g) = &mut self.nodes[group as usize].kind {
            g.next_reader = next;
        }
        pick
    }

    /// A read's member when the design has regions: a healthy replica in the reader's own
    /// region if there is one; else the acting primary if it is there (a primary next door is
    /// milliseconds away, a replica across an ocean tens of them); else the reachable healthy
    /// replicas of the nearest other region; else the primary. Equals rotate. Out of line: it
    /// is only reached by designs with data centres.
    #[inline(never)]
    pub(in crate::sim) fn db_reader_near(&mut self, group: NodeId, reader: NodeId) -> NodeId {
        let nodes = &self.nodes;
        let Kind::Db(g) = &nodes[group as usize].kind else {
            return group;
        };
        let (primary, on_primary) = (g.primary, g.spec.reads_on_primary);
        let home = nodes.get(reader as usize).map_or(0, |n| n.region);
        // Lower is better: 0 a serving member in the reader's region, 1 the primary there when
        // it does not serve reads otherwise, 2 + one-way latency a serving member elsewhere.
        let rank = |m: NodeId| -> Option<u64> {
            let n = &nodes[m as usize];
            if !n.up {
                return None;
            }
            let serves = m != primary || on_primary;
            match (n.region == home, serves) {
                (true, true) => Some(0),
                (true, false) => Some(1),
                (false, true) => self.region_lat(home, n.region).map(|l| 2 + l.0),
                (false, false) => None,
            }
        };
        let members = || std::iter::once(group).chain(g.spec.replicas.iter().copied());
        let Some(best) = members().filter_map(rank).min() else {
            return primary;
        };
        let count = members().filter(|&m| rank(m) == Some(best)).count();
        let next = g.next_reader.wrapping_add(1);
        let pick = members()
            .filter(|&m| rank(m) == Some(best))
            .nth(next % count.max(1))
            .unwrap_or(primary);
        if let Kind::Db(g) = &mut self.nodes[group as usize].kind {
            g.next_reader = next;
        }
        pick
    }

    /// Steps of a database frame: 0 addressed to the group (a background write sent to it),
    /// 1 at the member that serves it. Calls pick the member when they are sent ([`Self::call`]),
    /// so that the network time is the caller's to that member.
    pub(in crate::sim) fn db_deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        if f.step == 0 {
            self.frames[frame as usize].step = 1;
            let member = self.db_member(f.node, f.op, f.node);
            self.frames[frame as usize].node = member;
            if member != f.node {
                match self.lat(f.node, member) {
                    Some(l) if l.0 > 0 => {
                        self.schedule_after(l, Action::Deliver { frame });
                        return;
                    }
                    Some(_) => {}
                    None => {
                        self.finish(frame, Err(ErrorCause::NoRoute));
                        return;
                    }
                }
            }
        }
        self.enter(frame);
    }

    pub(in crate::sim) fn db_after_service(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        self.free_worker(f.node);
        self.window_counters.db_queries += 1;
        let node = f.node;
        let key = f.key as usize;
        match f.op {
            Op::Read | Op::PrimaryRead => {
                let v = match &self.nodes[node as usize].kind {
                    Kind::Db(d) => self.keys_tab.get(key, d.col),
                    _ => 0,
                };
                self.finish(frame, Ok(v));
            }
            Op::Session | Op::Static | Op::Job | Op::Attack => self.finish(frame, Ok(0)),
            Op::Write | Op::Flush | Op::Migrate => {
                let Kind::Db(d) = &mut self.nodes[node as usize].kind else {
                    return;
                };
                let stored = self.keys_tab.get(key, d.col);
                let v = match f.op {
                    Op::Write => stored.max(self.keys_tab.get(key, TRUTH)) + 1,
                    _ => stored.max(f.version),
                };
                if let Some(s) = self.keys_tab.get_mut(key, d.col) {
                    *s = v;
                }
                if f.op == Op::Write {
                    if let Some(t) = self.keys_tab.get_mut(key, TRUTH) {
                        *t = (*t).max(v);
                    }
                }
                if f.op == Op::Migrate {
                    self.finish(frame, Ok(v));
                    return;
                }
                let (replicas, mode, lag) =
                    (d.spec.replicas.clone(), d.spec.replication, d.spec.lag);
                let record = kb_bytes(d.spec.record_kb);
                let epoch = self.nodes[node as usize].epoch;
                let mut slowest = SimDuration::ZERO;
                // Replicas of this member. It may be a promoted replica: then its group's
                // members, replication mode and lag are the group address's.
                let (replicas, mode, lag) = if replicas.is_empty() {
                    self.group_replication(node)
                        .unwrap_or((replicas, mode, lag))
                } else {
                    (replicas, mode, lag)
                };
                for r in replicas {
                    if r == node || !self.nodes[r as usize].up {
                        continue;
                    }
                    // A replica in another data centre: the record crosses regions.
                    if self.nodes[r as usize].region != self.nodes[node as usize].region {
                        self.nodes[node as usize].usage.cross_region_bytes += record;
                    }
                    // A replica cut off by a partition gets the write when the link heals
                    // (asynchronously, whatever the mode: the primary does not wait forever).
                    let net = self.lat(node, r);
                    let draw = match (mode, net) {
                        (Replication::Sync, Some(net)) => self.sync_ack(r, net),
                        _ => {
                            SimDuration::from_secs_f64(
                                self.nodes[node as usize].rng.exp(lag.as_secs_f64()),
                            ) + net.unwrap_or(SimDuration::ZERO)
                        }
                    };
                    match (mode, net) {
                        (Replication::Async, _) | (Replication::Sync, None) => {
                            if let Kind::Db(d) = &mut self.nodes[node as usize].kind {
                                d.unreplicated += 1;
                            }
                            let write = ReplicaWrite {
                                replica: r,
                                primary: node,
                                key: f.key,
                                version: v,
                                epoch,
                                sent: self.now,
                            };
                            let slot = match self.free_replica_writes.pop() {
                                Some(slot) => {
                                    self.replica_writes[slot as usize] = write;
                                    slot
                                }
                                None => {
                                    self.replica_writes.push(write);
                                    (self.replica_writes.len() - 1) as u32
                                }
                            };
                            self.schedule(self.now + draw, Action::Replicate { slot });
                        }
                        (Replication::Sync, Some(_)) => {
                            slowest = slowest.max(draw);
                            self.raise_stored(r, f.key, v);
                            self.window_counters.replicated += 1;
                            self.window_counters.replication_lag_ns += draw.0;
                        }
                    }
                }
                if slowest.0 > 0 {
                    self.frames[frame as usize].version = v;
                    self.schedule(self.now + slowest, Action::Wake { frame });
                } else {
                    self.finish(frame, Ok(v));
                }
            }
        }
    }

    /// How long a synchronous write waits for replica `r` to acknowledge it, `net` away: the
    /// round trip plus the replica applying the write (a draw of its write service time, as
    /// slowed). The asynchronous `lag` plays no part: it models a queue a sync write skips.
    #[inline(never)]
    pub(in crate::sim) fn sync_ack(&mut self, r: NodeId, net: SimDuration) -> SimDuration {
        let n = &mut self.nodes[r as usize];
        let Kind::Db(d) = &n.kind else {
            return net + net;
        };
        let mut apply = d.spec.write_service.sample(&mut n.rng);
        if n.station.slow != 1.0 {
            apply = SimDuration::from_secs_f64(apply.as_secs_f64() * n.station.slow);
        }
        net + net + apply
    }

    /// For a replica: every member of its group (the group's address lists them) and the
    /// group's replication mode and lag, which a promoted replica applies as primary.
    pub(in crate::sim) fn group_replication(
        &self,
        member: NodeId,
    ) -> Option<(Vec<NodeId>, Replication, SimDuration)> {
        self.nodes
            .iter()
            .enumerate()
            .find_map(|(i, n)| match &n.kind {
                Kind::Db(d) if d.spec.replicas.contains(&member) => {
                    let mut all = vec![i as NodeId];
                    all.extend(d.spec.replicas.iter().copied());
                    Some((all, d.spec.replication, d.spec.lag))
                }
                _ => None,
            })
    }

    #[inline(never)]
    pub(in crate::sim) fn on_replicate(&mut self, slot: u32) {
        let ReplicaWrite {
            replica,
            primary,
            key,
            version,
            epoch,
            sent,
        } = self.replica_writes[slot as usize];
        if self.nodes[primary as usize].epoch == epoch
            && self.nodes[replica as usize].up
            && self.lat(primary, replica).is_none()
        {
            // Partitioned: the write waits in the primary's outbox and is sent again.
            self.schedule_after(REPLICATION_RETRY, Action::Replicate { slot });
            return;
        }
        self.free_replica_writes.push(slot);
        if let Kind::Db(p) = &mut self.nodes[primary as usize].kind {
            p.unreplicated = p.unreplicated.saturating_sub(1);
        }
        // A write still in the primary's outbox when it crashed never arrives.
        if self.nodes[primary as usize].epoch != epoch || !self.nodes[replica as usize].up {
            return;
        }
        self.raise_stored(replica, key, version);
        self.window_counters.replicated += 1;
        self.window_counters.replication_lag_ns += self.now.since(sent).0;
    }

    /// The healthy member of database group `group` other than `old` that lacks the fewest of
    /// the versions `old` stored (lowest id among equals), and how many it lacks.
    pub(in crate::sim) fn most_up_to_date(
        &self,
        group: NodeId,
        old: NodeId,
    ) -> Option<(NodeId, u64)> {
        let Kind::Db(g) = &self.nodes[group as usize].kind else {
            return None;
        };
        let old_col = match &self.nodes[old as usize].kind {
            Kind::Db(d) => d.col,
            _ => return None,
        };
        let missing = |m: NodeId| -> u64 {
            match &self.nodes[m as usize].kind {
                Kind::Db(d) => self
                    .keys_tab
                    .rows()
                    .map(|row| u64::from(row[old_col].saturating_sub(row[d.col])))
                    .sum(),
                _ => u64::MAX,
            }
        };
        std::iter::once(group)
            .chain(g.spec.replicas.iter().copied())
            .filter(|&m| m != old && self.nodes[m as usize].up)
            .map(|m| (m, missing(m)))
            .min_by_key(|&(m, lacks)| (lacks, m))
    }

    /// Promotes the most up-to-date healthy replica if the group's primary is still down.
    /// Writes the old primary had acknowledged but the new one lacks are lost and counted.
    #[inline(never)]
    pub(in crate::sim) fn on_failover(&mut self, group: NodeId, epoch: u32) {
        let Kind::Db(g) = &self.nodes[group as usize].kind else {
            return;
        };
        let old = g.primary;
        if self.nodes[old as usize].up || self.nodes[old as usize].epoch != epoch {
            return;
        }
        let Some((best, missing)) = self.most_up_to_date(group, old) else {
            return;
        };
        self.window_counters.lost_writes += missing;
        if !self.standbys.is_empty() {
            self.standby_promoted(best, missing);
        }
        self.note_failover(group, best, missing);
        if let Kind::Db(d) = &self.nodes[best as usize].kind {
            for row in self.keys_tab.rows_mut() {
                if row[TRUTH] > row[d.col] {
                    row[TRUTH] = row[d.col];
                }
            }
        }
        if let Kind::Db(g) = &mut self.nodes[group as usize].kind {
            g.primary = best;
        }
    }

    /// The version of `key` at a database group's primary, or, behind a shard router, at the
    /// primary of the key's shard (the newest over a salted hot key's shards).
    pub(in crate::sim) fn stored_version(&self, data: NodeId, key: u32) -> u32 {
        let at_primary = |group: NodeId| match self.nodes.get(group as usize).map(|n| &n.kind) {
            Some(Kind::Db(g)) => match &self.nodes[g.primary as usize].kind {
                Kind::Db(p) => self.keys_tab.get(key as usize, p.col),
                _ => 0,
            },
            _ => 0,
        };
        match &self.nodes[data as usize].kind {
            Kind::Db(_) => at_primary(data),
            Kind::Router(r) => {
                if let Some(home) = Self::hot_home(r, key) {
                    return at_primary(home);
                }
                let (salt, space) = (r.spec.salt, u64::from(r.spec.key_space.max(1)));
                let salts = if key < r.spec.hot_keys && salt > 1 {
                    salt
                } else {
                    1
                };
                (0..salts)
                    .filter_map(|s| {
                        let shard_key = if salts > 1 {
                            salted_key(u64::from(key), s) % space
                        } else {
                            u64::from(key)
                        };
                        self.shard_for(r, shard_key)
                    })
                    .map(at_primary)
                    .max()
                    .unwrap_or(0)
            }
            _ => 0,
        }
    }

    /// A primary back before its failover fired (nothing was lost) resends what its healthy
    /// replicas lack: the writes that were on their way at its crash died with it.
    pub(in crate::sim) fn catch_up_replicas(&mut self, primary: NodeId) {
        let Kind::Db(p) = &self.nodes[primary as usize].kind else {
            return;
        };
        let from = p.col;
        // The group: the primary's own list, or a promoted replica's group's members.
        let members = if p.spec.replicas.is_empty() {
            self.group_replication(primary)
                .map(|(all, _, _)| all)
                .unwrap_or_default()
        } else {
            p.spec.replicas.clone()
        };
        let cols: Vec<usize> = members
            .iter()
            .filter(|&&r| r != primary && self.nodes[r as usize].up)
            .filter_map(|&r| match &self.nodes[r as usize].kind {
                Kind::Db(d) => Some(d.col),
                _ => None,
            })
            .collect();
        if cols.is_empty() {
            return;
        }
        for row in self.keys_tab.rows_mut() {
            for &c in &cols {
                row[c] = row[c].max(row[from]);
            }
        }
    }

    /// A database member that comes back resynchronises from its group's primary and rejoins
    /// as a replica if someone else was promoted meanwhile.
    pub(in crate::sim) fn db_rejoin(&mut self, node: NodeId) {
        // A replica's group lists it; the group's address node (the original primary) is a
        // member too, and after a failover its group's acting primary is someone else.
        let primary = self
            .nodes
            .iter()
            .find_map(|g| match &g.kind {
                Kind::Db(d) if d.spec.replicas.contains(&node) => Some(d.primary),
                _ => None,
            })
            .or_else(|| match &self.nodes[node as usize].kind {
                Kind::Db(d) => Some(d.primary),
                _ => None,
            });
        if let Some(p) = primary.filter(|&p| p != node) {
            if let (Kind::Db(pd), Kind::Db(d)) = (
                &self.nodes[p as usize].kind,
                &self.nodes[node as usize].kind,
            ) {
                let (from, to) = (pd.col, d.col);
                for row in self.keys_tab.rows_mut() {
                    row[to] = row[from];
                }
            }
        } else if primary == Some(node) {
            self.catch_up_replicas(node);
        }
    }

    /// A crashed member: a group whose acting primary it was fails over after the configured
    /// delay (`epoch`: the member's, after the crash).
    pub(in crate::sim) fn db_crashed(&mut self, node: NodeId, epoch: u32) {
        let now = self.now;
        let groups: Vec<(NodeId, SimDuration)> = self
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, g)| match &g.kind {
                Kind::Db(d) if d.primary == node && !d.spec.replicas.is_empty() => {
                    Some((i as NodeId, d.spec.failover_delay))
                }
                _ => None,
            })
            .collect();
        for (group, delay) in groups {
            // Acknowledged writes the best replica lacks are at risk now, lost if it is
            // promoted before the primary comes back.
            if let Some((_, lacks)) = self.most_up_to_date(group, node) {
                self.window_counters.writes_at_risk += lacks;
                self.note_at_risk(group, lacks);
            }
            self.schedule(now + delay, Action::Failover { node: group, epoch });
        }
    }
}

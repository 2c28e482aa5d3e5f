//! Replicated caches and session stores: a primary's changes reach its replica after a lag;
//! when the primary dies the replica is promoted, after the failover delay, with what it had.
//!
//! The replica's contents are the primary's as they were `lag` ago, so they are materialised
//! only when needed: at the primary's death its memory is copied to the replica, minus the
//! changes of the last `lag` (still on their way, lost with the primary). Nothing of this runs
//! on a request's path but recording a change (a fill, a write, an invalidation, a login) in a
//! short log, and only on a primary with a replica.

use crate::sim::*;

/// A primary's changes of the last `lag`, oldest first: what its replica does not have yet.
pub(in crate::sim) struct Changes {
    lag_ns: u64,
    recent: VecDeque<(u64, u32)>,
}

impl Changes {
    pub(in crate::sim) fn new(lag: SimDuration) -> Box<Changes> {
        Box::new(Changes {
            lag_ns: lag.0,
            recent: VecDeque::new(),
        })
    }

    /// `key` (a cache key, a session's user) changed at `now`; changes older than the lag have
    /// reached the replica and are forgotten.
    #[inline]
    pub(in crate::sim) fn record(&mut self, now: u64, key: u32) {
        while let Some(&(t, _)) = self.recent.front() {
            if t.saturating_add(self.lag_ns) > now {
                break;
            }
            self.recent.pop_front();
        }
        self.recent.push_back((now, key));
    }

    /// The keys whose last change had not reached the replica at `now`, and forgets them all.
    fn in_flight(&mut self, now: u64) -> Vec<u32> {
        let lag = self.lag_ns;
        self.recent
            .drain(..)
            .filter(|&(t, _)| t.saturating_add(lag) > now)
            .map(|(_, k)| k)
            .collect()
    }
}

/// A primary and its replica: which of them serves the primary's address now.
pub(in crate::sim) struct ReplicaRt {
    pub(in crate::sim) primary: NodeId,
    pub(in crate::sim) spec: ReplicaSpec,
    pub(in crate::sim) acting: NodeId,
    /// Entries (or sessions) the replica lacked when its primary died.
    pub(in crate::sim) lost: u64,
}

impl Simulation {
    /// The replica pairs of the model's caches and session stores.
    pub(in crate::sim) fn replica_pairs(model: &Model) -> Vec<ReplicaRt> {
        model
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let spec = match &n.kind {
                    NodeKind::Cache(c) => c.replica,
                    NodeKind::Server(s) => s.replica,
                    _ => None,
                }?;
                ((spec.node as usize) < model.nodes.len()).then_some(ReplicaRt {
                    primary: i as NodeId,
                    spec,
                    acting: i as NodeId,
                    lost: 0,
                })
            })
            .collect()
    }

    /// The node serving `node`'s address in its place: its promoted replica, if up.
    #[inline(never)]
    pub(in crate::sim) fn stand_in(&self, node: NodeId) -> Option<NodeId> {
        let pair = self.replicas.iter().find(|p| p.primary == node)?;
        (pair.acting != node && self.nodes[pair.acting as usize].up).then_some(pair.acting)
    }

    /// Sends a frame addressed to a dead primary on to its promoted replica, if there is one.
    #[inline(never)]
    pub(in crate::sim) fn forward_to_stand_in(&mut self, frame: FrameId) -> bool {
        let node = self.frames[frame as usize].node;
        let Some(to) = self.stand_in(node) else {
            return false;
        };
        self.frames[frame as usize].node = to;
        match self.lat(node, to) {
            Some(l) if l.0 > 0 => self.schedule_after(l, Action::Deliver { frame }),
            Some(_) => self.deliver(frame),
            None => self.finish(frame, Err(ErrorCause::NoRoute)),
        }
        true
    }

    /// A primary with a replica is dying (before its memory goes): the replica, if up, gets
    /// the primary's contents but the changes still on their way, and is promoted after the
    /// failover delay unless the primary is back first.
    #[inline(never)]
    pub(in crate::sim) fn replica_on_death(&mut self, node: NodeId) {
        let Some(i) = self.replicas.iter().position(|p| p.primary == node) else {
            return;
        };
        let (replica, failover) = (self.replicas[i].spec.node, self.replicas[i].spec.failover);
        if self.replicas[i].acting != node || !self.nodes[replica as usize].up {
            return;
        }
        let now = self.now.0;
        let (a, b) = pair_mut(&mut self.nodes, node, replica);
        let lost = match (&mut a.kind, &mut b.kind) {
            (Kind::Cache(p), Kind::Cache(r)) => {
                r.store = p.store.clone();
                let missing = p.changes.as_mut().map_or(Vec::new(), |c| c.in_flight(now));
                let mut lost = 0;
                for key in missing {
                    if r.store.peek(key).is_some() {
                        lost += 1;
                    }
                    let _ = r.store.remove(key);
                }
                lost
            }
            (Kind::Server(p), Kind::Server(r)) => {
                r.sessions = p.sessions.clone();
                let missing = p.changes.as_mut().map_or(Vec::new(), |c| c.in_flight(now));
                let mut lost = 0;
                for user in missing {
                    let (word, bit) = (user as usize / 64, 1u64 << (user % 64));
                    if let Some(w) = r.sessions.get_mut(word) {
                        lost += u64::from(*w & bit != 0);
                        *w &= !bit;
                    }
                }
                lost
            }
            _ => return,
        };
        self.replicas[i].lost = lost;
        // The epoch the primary will have once dead: a restore and a new death change it.
        let epoch = self.nodes[node as usize].epoch.wrapping_add(1);
        self.schedule(self.now + failover, Action::Promote { node, epoch });
    }

    /// Write-back entries a dead primary lost, less those its replica holds (and will flush).
    pub(in crate::sim) fn replica_kept(&self, node: NodeId, lost: Vec<Dirty>) -> Vec<Dirty> {
        let Some(pair) = self.replicas.iter().find(|p| p.primary == node) else {
            return lost;
        };
        match &self.nodes[pair.spec.node as usize] {
            NodeRt {
                up: true,
                kind: Kind::Cache(r),
                ..
            } => lost
                .into_iter()
                .filter(|d| r.store.peek(d.key) != Some(d.version))
                .collect(),
            _ => lost,
        }
    }

    /// The failover delay after a primary's death: its replica takes its address, warm.
    #[inline(never)]
    pub(in crate::sim) fn on_promote(&mut self, node: NodeId, epoch: u32) {
        let Some(i) = self.replicas.iter().position(|p| p.primary == node) else {
            return;
        };
        let replica = self.replicas[i].spec.node;
        let n = &self.nodes[node as usize];
        if n.up || n.epoch != epoch || !self.nodes[replica as usize].up {
            return;
        }
        self.replicas[i].acting = replica;
        let lost = self.replicas[i].lost;
        self.window_counters.replica_promotions += 1;
        self.emit(
            self.now,
            Some(node),
            EventKind::ReplicaPromoted {
                promoted: replica,
                entries_lost: lost,
            },
        );
    }

    /// A primary back while its replica serves: it resynchronises in full from the replica and
    /// takes its address back (a sentinel that fails back); the replica is a standby again.
    pub(in crate::sim) fn replica_on_restore(&mut self, node: NodeId) {
        let Some(i) = self.replicas.iter().position(|p| p.primary == node) else {
            return;
        };
        let acting = std::mem::replace(&mut self.replicas[i].acting, node);
        if acting == node || !self.nodes[acting as usize].up {
            return;
        }
        let (a, b) = pair_mut(&mut self.nodes, node, acting);
        match (&mut a.kind, &mut b.kind) {
            (Kind::Cache(p), Kind::Cache(r)) => {
                p.store = r.store.clone();
                // Its dirty entries are the primary's to flush now.
                let _ = r.store.take_dirty();
            }
            (Kind::Server(p), Kind::Server(r)) => p.sessions = r.sessions.clone(),
            _ => {}
        }
    }
}

/// Two distinct nodes, mutably.
fn pair_mut(nodes: &mut [NodeRt], a: NodeId, b: NodeId) -> (&mut NodeRt, &mut NodeRt) {
    let (a, b) = (a as usize, b as usize);
    if a < b {
        let (lo, hi) = nodes.split_at_mut(b);
        (&mut lo[a], &mut hi[0])
    } else {
        let (lo, hi) = nodes.split_at_mut(a);
        (&mut hi[0], &mut lo[b])
    }
}

//! Disaster-recovery standby data centres: hot, warm or cold. A standby's entry points are kept
//! out of GeoDNS's answers until health checks find its primary data centre dead; then it takes
//! the traffic as its mode allows: at once (hot), while the rest of its pools boot (warm), or
//! after being provisioned and restored from the last backup (cold).
//!
//! Databases fail over by their own mechanism: a hot or warm standby's replica is promoted
//! after the group's failover delay (losing the writes still in flight); a cold standby's
//! database member is down until the restore, holds the last backup, and is promoted then
//! (losing every write since that backup).

use crate::metrics::StandbyMode;
use crate::model::{DrMode, StandbySpec};
use crate::sim::*;

/// What a standby's timer does.
pub(in crate::sim) const DR_CHECK: u32 = 0;
pub(in crate::sim) const DR_RESTORED: u32 = 1;
pub(in crate::sim) const DR_BACKUP: u32 = 2;

pub(in crate::sim) struct DrRt {
    pub(in crate::sim) spec: StandbySpec,
    /// Consecutive failed checks of the primary data centre.
    fails: u32,
    /// Activated (DNS may answer with it), and serving (its region is provisioned).
    pub(in crate::sim) active: bool,
    /// When the primary data centre failed (its failure command, or the first failed check).
    failed_at: Option<SimTime>,
    recovered: bool,
    /// Cold: each node's hourly price once provisioned (nothing is billed before).
    costs: Vec<(NodeId, f64)>,
    /// The standby's bill per hour while it waits.
    pub(in crate::sim) idle_usd_per_hour: f64,
}

impl Simulation {
    /// Puts every standby in its waiting state: out of DNS, a warm one's pools scaled down, a
    /// cold one's nodes not provisioned; starts its health checks and a cold one's backups.
    pub(in crate::sim) fn setup_standbys(&mut self, specs: &[StandbySpec]) {
        for (index, spec) in specs.iter().enumerate() {
            let region = spec.region;
            if let Some(d) = self.dormant.get_mut(region as usize) {
                *d = true;
            }
            let members: Vec<NodeId> = (0..self.nodes.len() as NodeId)
                .filter(|&id| {
                    let n = &self.nodes[id as usize];
                    n.region == region && n.kind.can_crash()
                })
                .collect();
            let mut costs = Vec::new();
            for &id in &members {
                let n = &mut self.nodes[id as usize];
                match spec.mode {
                    DrMode::Hot => {}
                    DrMode::Warm => {
                        if let Kind::Server(s) = &mut n.kind {
                            let share = spec.warm_share.clamp(0.0, 1.0);
                            let full = s.running;
                            let running = ((f64::from(full) * share).ceil() as u32).clamp(1, full);
                            s.running = running;
                            let (workers, cores) = s.pool(running);
                            n.station.set_workers(SimTime::ZERO, workers, cores);
                            n.cost_per_hour_usd = s.cost_per_hour_usd();
                        }
                    }
                    DrMode::Cold => {
                        costs.push((id, n.cost_per_hour_usd));
                        n.cost_per_hour_usd = 0.0;
                        n.up = false;
                    }
                }
            }
            if spec.mode == DrMode::Cold {
                // The backups are billed on the standby's first node.
                if let Some(&first) = members.first() {
                    self.nodes[first as usize].cost_per_hour_usd += spec.backup_usd_per_hour;
                    if let Some(c) = costs.iter_mut().find(|(id, _)| *id == first) {
                        c.1 += spec.backup_usd_per_hour;
                    }
                }
                let every = spec.backup_interval.max(SimDuration(1));
                let index = index as u32;
                self.schedule_after(
                    every,
                    Action::Dr {
                        index,
                        step: DR_BACKUP,
                    },
                );
            }
            // A fold from +0.0: an empty float sum is -0.0.
            let idle = members
                .iter()
                .map(|&id| self.nodes[id as usize].cost_per_hour_usd)
                .fold(0.0, |a, b| a + b);
            self.standbys.push(DrRt {
                spec: *spec,
                fails: 0,
                active: false,
                failed_at: None,
                recovered: false,
                costs,
                idle_usd_per_hour: idle,
            });
            let every = spec.health_interval.max(SimDuration(1));
            self.schedule_after(
                every,
                Action::Dr {
                    index: index as u32,
                    step: DR_CHECK,
                },
            );
        }
    }

    /// Whether GeoDNS must leave a region's entry points out of its answers (a waiting standby).
    #[inline]
    pub(in crate::sim) fn dormant(&self, region: RegionId) -> bool {
        self.dormant.get(region as usize).copied().unwrap_or(false)
    }

    /// A data centre failed by command: the clock of every standby for it starts.
    #[inline(never)]
    pub(in crate::sim) fn dr_region_failed(&mut self, region: RegionId) {
        let now = self.now;
        for s in &mut self.standbys {
            if s.spec.primary == region && !s.active && s.failed_at.is_none() {
                s.failed_at = Some(now);
            }
        }
    }

    #[inline(never)]
    pub(in crate::sim) fn on_dr(&mut self, index: u32, step: u32) {
        let i = index as usize;
        let Some(s) = self.standbys.get(i) else {
            return;
        };
        let spec = s.spec;
        match step {
            DR_CHECK => {
                if s.active {
                    return;
                }
                if self.primary_alive(spec.primary) {
                    self.standbys[i].fails = 0;
                } else {
                    let now = self.now;
                    let s = &mut self.standbys[i];
                    s.fails += 1;
                    s.failed_at.get_or_insert(now);
                    if s.fails >= spec.health_threshold.max(1) {
                        self.activate(i);
                        return;
                    }
                }
                let every = spec.health_interval.max(SimDuration(1));
                self.schedule_after(every, Action::Dr { index, step });
            }
            DR_RESTORED => self.provisioned(i),
            _ => {
                if s.active {
                    return;
                }
                self.backup(spec.region);
                let every = spec.backup_interval.max(SimDuration(1));
                self.schedule_after(every, Action::Dr { index, step });
            }
        }
    }

    /// The addresses GeoDNS answers with that lie in data centre `region`.
    fn dns_targets_in(&self, region: RegionId) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes
            .iter()
            .filter_map(|n| match &n.kind {
                Kind::Dns(d) => Some(d.targets.iter().copied()),
                _ => None,
            })
            .flatten()
            .filter(move |&t| {
                self.nodes
                    .get(t as usize)
                    .is_some_and(|n| n.region == region)
            })
    }

    /// Whether a health check reaches the primary data centre: one of the addresses GeoDNS
    /// answers with there is up (without any, any of its nodes).
    fn primary_alive(&self, region: RegionId) -> bool {
        let mut entries = self.dns_targets_in(region).peekable();
        if entries.peek().is_some() {
            entries.into_iter().any(|t| self.nodes[t as usize].up)
        } else {
            self.nodes
                .iter()
                .any(|n| n.region == region && n.kind.can_crash() && n.up)
        }
    }

    /// The health checks failed: DNS answers with the standby (hot, warm: its pools launch
    /// what they lack) or it is provisioned (cold).
    fn activate(&mut self, i: usize) {
        let spec = self.standbys[i].spec;
        self.standbys[i].active = true;
        self.window_counters.standby_activations += 1;
        let mode = match spec.mode {
            DrMode::Hot => StandbyMode::Hot,
            DrMode::Warm => StandbyMode::Warm,
            DrMode::Cold => StandbyMode::Cold,
        };
        let entry = self.standby_entry(spec.region);
        self.emit(self.now, entry, EventKind::StandbyActivated { mode });
        match spec.mode {
            DrMode::Hot => self.dormant[spec.region as usize] = false,
            DrMode::Warm => {
                self.dormant[spec.region as usize] = false;
                for id in 0..self.nodes.len() as NodeId {
                    let n = &mut self.nodes[id as usize];
                    if n.region != spec.region {
                        continue;
                    }
                    let Kind::Server(s) = &mut n.kind else {
                        continue;
                    };
                    let full = s.spec.instances.max(1);
                    let launch = full.saturating_sub(s.running + s.booting);
                    if launch == 0 {
                        continue;
                    }
                    // Billed from launch, serving after the boot (as an autoscaler's).
                    s.booting += launch;
                    n.cost_per_hour_usd = s.cost_per_hour_usd();
                    self.window_counters.instances_launched += u64::from(launch);
                    self.emit(self.now, Some(id), EventKind::Launched { count: launch });
                    self.schedule_after(
                        spec.boot,
                        Action::Boot {
                            node: id,
                            count: launch,
                        },
                    );
                }
            }
            DrMode::Cold => self.schedule_after(
                spec.restore,
                Action::Dr {
                    index: i as u32,
                    step: DR_RESTORED,
                },
            ),
        }
    }

    /// A cold standby is provisioned: its nodes run (and are billed), its databases hold the
    /// last backup, and a group whose primary is dead promotes its best member now.
    fn provisioned(&mut self, i: usize) {
        let spec = self.standbys[i].spec;
        let now = self.now;
        for &(id, cost) in &self.standbys[i].costs {
            let n = &mut self.nodes[id as usize];
            n.cost_per_hour_usd = cost;
            if !n.up {
                n.station.account(now);
                n.up = true;
            }
        }
        self.dormant[spec.region as usize] = false;
        let groups: Vec<(NodeId, u32)> = self
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(g, n)| match &n.kind {
                Kind::Db(d) if !d.spec.replicas.is_empty() => {
                    let p = &self.nodes[d.primary as usize];
                    (!p.up).then_some((g as NodeId, p.epoch))
                }
                _ => None,
            })
            .collect();
        for (group, epoch) in groups {
            self.on_failover(group, epoch);
        }
        let entry = self.standby_entry(spec.region);
        self.emit(now, entry, EventKind::StandbyProvisioned);
    }

    /// A cold standby's backup: each of its database members gets its group's primary's data
    /// as of now (what a restore will start from).
    fn backup(&mut self, region: RegionId) {
        let nodes = &self.nodes;
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for g in nodes {
            let Kind::Db(g) = &g.kind else {
                continue;
            };
            // A dead primary is backed up by nobody: the last backup stays what it was.
            let primary = &nodes[g.primary as usize];
            let (true, Kind::Db(p)) = (primary.up, &primary.kind) else {
                continue;
            };
            for &m in &g.spec.replicas {
                if let (true, Kind::Db(d)) =
                    (nodes[m as usize].region == region, &nodes[m as usize].kind)
                {
                    pairs.push((p.col, d.col));
                }
            }
        }
        for row in self.keys_tab.rows_mut() {
            for &(from, to) in &pairs {
                row[to] = row[from];
            }
        }
    }

    /// The node a standby's events are told on: its first DNS target, else its first node.
    fn standby_entry(&self, region: RegionId) -> Option<NodeId> {
        self.dns_targets_in(region).next().or_else(|| {
            (0..self.nodes.len() as NodeId).find(|&id| {
                let n = &self.nodes[id as usize];
                n.region == region && n.kind.can_crash()
            })
        })
    }

    /// At a window's end: an active standby has recovered the service in the first window in
    /// which its data centre served and fewer than [`RECOVERED_ERRORS`] of the requests that
    /// ended failed; the recovery time runs from the primary's failure to that window's end.
    #[inline(never)]
    pub(in crate::sim) fn dr_judge_window(&mut self, stats: &[NodeStats]) {
        let ended = self.window_completed + self.window_errors.total();
        let failing = self.window_errors.total() as f64 > RECOVERED_ERRORS * ended as f64;
        for i in 0..self.standbys.len() {
            let s = &self.standbys[i];
            let Some(failed_at) = s.failed_at else {
                continue;
            };
            if !s.active || s.recovered || failing || self.window_completed == 0 {
                continue;
            }
            let region = s.spec.region;
            let served = stats.iter().any(|st| {
                self.nodes[st.id as usize].region == region
                    && st.served > 0
                    && self.nodes[st.id as usize].kind.can_crash()
            });
            if !served {
                continue;
            }
            self.standbys[i].recovered = true;
            let took = self.now.since(failed_at);
            self.window_counters.standby_recovery_ns += took.0;
            let entry = self.standby_entry(region);
            self.emit(
                self.now,
                entry,
                EventKind::StandbyServing {
                    recovery_s: took.as_secs_f64(),
                },
            );
        }
    }

    /// A database member was promoted losing `lost` writes: the standby's loss if it runs in a
    /// standby's data centre (a hot one's may be promoted before the standby is activated).
    pub(in crate::sim) fn standby_promoted(&mut self, member: NodeId, lost: u64) {
        let region = self.nodes[member as usize].region;
        if self.standbys.iter().any(|s| s.spec.region == region) {
            self.window_counters.standby_lost_writes += lost;
        }
    }

    /// The standbys' bill per hour while they wait.
    pub(in crate::sim) fn standby_idle_usd_per_hour(&self) -> f64 {
        // A fold from +0.0: an empty float sum is -0.0, which a report would print.
        self.standbys
            .iter()
            .map(|s| s.idle_usd_per_hour)
            .fold(0.0, |a, b| a + b)
    }
}

/// The share of a window's ended requests that may fail for the service to count as recovered.
pub(in crate::sim) const RECOVERED_ERRORS: f64 = 0.01;

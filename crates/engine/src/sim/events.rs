//! The events a run tells: faults, health checks, failovers, autoscaling, purges, resharding,
//! traffic profile changes and the "why" events (saturation, rejections, timeouts, a dead DNS
//! target, a stampede). Emitted from rare paths only, or judged at a window's end.

use super::*;
use crate::metrics::{EventKind, SimEvent, MAX_EVENTS_PER_WINDOW, RECOVERED, SATURATED};

/// How many events a report keeps over a whole run (the first ones: the story's beginning).
pub const MAX_TIMELINE: usize = 1_000;

/// A cache is in a stampede when, in one window, at least this many misses found their key's
/// database read already in flight, and they were at least [`STAMPEDE_SHARE`] of its misses.
const STAMPEDE_MIN_READS: u64 = 20;
const STAMPEDE_SHARE: f64 = 0.1;

/// Windows without a refusal, a timeout or a request to a dead DNS target before the next one
/// is told again as a new start (a node hovering at its limit refuses in bursts).
const QUIET_WINDOWS: u32 = 5;

/// Counts a window's occurrences and says when a new start may be told: after
/// [`QUIET_WINDOWS`] windows without any.
#[derive(Default, Clone, Copy)]
pub(super) struct Spell {
    count: u64,
    told: bool,
    quiet: u32,
}

impl Spell {
    /// One more occurrence; true if it starts a new spell (to be told).
    fn hit(&mut self) -> bool {
        self.count += 1;
        !std::mem::replace(&mut self.told, true)
    }

    /// A window closed.
    fn close(&mut self) {
        if self.count == 0 {
            self.quiet = self.quiet.saturating_add(1);
            if self.quiet >= QUIET_WINDOWS {
                self.told = false;
            }
        } else {
            self.quiet = 0;
        }
        self.count = 0;
    }
}

/// What the event judgements remember of a node between windows.
#[derive(Default, Clone, Copy)]
pub(super) struct Watch {
    saturated: bool,
    /// Refusals, and requests users sent this node as a dead DNS target.
    rejects: Spell,
    dead: Spell,
    /// Stampede reads in the open window (and the first one's time), and whether one is told.
    pub(super) stampede_reads: u64,
    pub(super) stampede_since: SimTime,
    stampede: bool,
    stampede_quiet: u32,
    /// A database group: the writes at risk when its primary died. A router: keys moving.
    pending: u64,
}

/// The events of the open window and the run's timeline.
#[derive(Default)]
pub(super) struct EventLog {
    pub(super) window: Vec<SimEvent>,
    pub(super) window_dropped: u64,
    pub(super) timeline: Vec<SimEvent>,
    pub(super) timeline_dropped: u64,
    /// Users' requests timing out.
    timeouts: Spell,
}

impl Simulation {
    /// Records an event at `at` (bounded per window).
    #[inline(never)]
    pub(super) fn emit(&mut self, at: SimTime, node: Option<NodeId>, what: EventKind) {
        if self.log.window.len() < MAX_EVENTS_PER_WINDOW {
            self.log.window.push(SimEvent {
                at_s: at.as_secs_f64(),
                node,
                what,
            });
        } else {
            self.log.window_dropped += 1;
        }
    }

    /// A command is applied now: its fault event.
    #[inline(never)]
    pub(super) fn note_command(&mut self, command: Command, scheduled: bool) {
        let node = match command {
            Command::SetRate { node, .. }
            | Command::Kill { node }
            | Command::Restore { node }
            | Command::Slow { node, .. }
            | Command::Deploy { node }
            | Command::Reshard { node } => Some(node).filter(|&n| (n as usize) < self.nodes.len()),
            Command::KillRegion { .. }
            | Command::RestoreRegion { .. }
            | Command::Partition { .. }
            | Command::Heal { .. } => None,
        };
        self.emit(self.now, node, EventKind::Fault { command, scheduled });
    }

    /// A node's bounded queue refused a request.
    #[inline(never)]
    pub(super) fn note_reject(&mut self, node: NodeId) {
        if self.watch[node as usize].rejects.hit() {
            self.emit(self.now, Some(node), EventKind::Rejecting);
        }
    }

    /// A user's request `req` timed out at `at`.
    #[inline(never)]
    pub(super) fn note_timeout(&mut self, req: ReqId, at: SimTime) {
        if self.log.timeouts.hit() {
            let source = self.requests[req as usize].source;
            self.emit(at, Some(source), EventKind::TimeoutsStarted);
        }
    }

    /// `frame` reached `node`, which is down: a user's request sent straight to a DNS target
    /// (a cached answer naming a dead data centre's entry) is counted and told once.
    #[inline(never)]
    pub(super) fn note_down_arrival(&mut self, node: NodeId, frame: FrameId) {
        let f = self.frames[frame as usize];
        if f.parent != NIL || f.req == NIL || f.lb != NIL {
            return;
        }
        let source = self.requests[f.req as usize].source;
        let entry = match self.nodes.get(source as usize).map(|n| &n.kind) {
            Some(Kind::Users(u)) => u.spec.entry,
            _ => return,
        };
        // Only a cached answer keeps users here when a fresh one would name a target alive.
        let up = |t: NodeId| self.nodes.get(t as usize).is_some_and(|n| n.up);
        let stuck = matches!(
            self.nodes.get(entry as usize).map(|n| &n.kind),
            Some(Kind::Dns(d)) if d.targets.contains(&node)
                && d.targets.iter().any(|&t| t != node && up(t))
        );
        if !stuck {
            return;
        }
        if self.watch[node as usize].dead.hit() {
            self.emit(
                self.now,
                Some(node),
                EventKind::DeadDnsTarget { dns: entry },
            );
        }
    }

    /// A database group's primary died with `at_risk` acknowledged writes its best replica lacks.
    pub(super) fn note_at_risk(&mut self, group: NodeId, at_risk: u64) {
        self.watch[group as usize].pending = at_risk;
    }

    /// A database group promoted `promoted`, losing `lost` writes.
    pub(super) fn note_failover(&mut self, group: NodeId, promoted: NodeId, lost: u64) {
        let at_risk = std::mem::take(&mut self.watch[group as usize].pending);
        self.emit(
            self.now,
            Some(group),
            EventKind::Failover {
                promoted,
                writes_lost: lost,
                writes_at_risk: at_risk,
            },
        );
    }

    /// A router started a resharding that moves `moved` keys to `shard`.
    pub(super) fn note_reshard(&mut self, router: NodeId, shard: NodeId, moved: u64) {
        self.watch[router as usize].pending = moved;
        let what = EventKind::ReshardStarted {
            shard,
            keys_moved: moved,
        };
        self.emit(self.now, Some(router), what);
    }

    /// A router's resharding finished.
    pub(super) fn note_reshard_done(&mut self, router: NodeId) {
        let moved = std::mem::take(&mut self.watch[router as usize].pending);
        let what = EventKind::ReshardFinished { keys_moved: moved };
        self.emit(self.now, Some(router), what);
    }

    /// At a window's end: the judgements made over the whole window (saturation, stampedes),
    /// the traffic profiles' changes inside it, and the end of rejections, timeouts and dead
    /// DNS targets that stopped. `stats` are the window's node statistics.
    #[inline(never)]
    pub(super) fn judge_window(&mut self, stats: &[NodeStats], misses: &[(NodeId, u64)]) {
        let (start, now) = (self.window_start, self.now);
        for s in stats {
            let id = s.id as NodeId;
            let load = s.utilization.max(s.cpu_utilization);
            let w = &mut self.watch[id as usize];
            if s.up && load >= SATURATED && !w.saturated {
                w.saturated = true;
                self.emit(start, Some(id), EventKind::Saturated { utilization: load });
            } else if w.saturated && (load < RECOVERED || !s.up) {
                w.saturated = false;
                // A node that went down is not "recovered": it is simply gone.
                if s.up {
                    self.emit(start, Some(id), EventKind::Recovered { utilization: load });
                }
            }
        }
        for &(id, node_misses) in misses {
            let w = &mut self.watch[id as usize];
            let reads = std::mem::take(&mut w.stampede_reads);
            let storm = reads >= STAMPEDE_MIN_READS
                && reads as f64 >= STAMPEDE_SHARE * node_misses.max(1) as f64;
            if storm {
                w.stampede_quiet = 0;
                if !std::mem::replace(&mut w.stampede, true) {
                    let at = w.stampede_since.max(start);
                    self.emit(at, Some(id), EventKind::Stampede { reads });
                }
            } else {
                w.stampede_quiet = w.stampede_quiet.saturating_add(1);
                if w.stampede_quiet >= QUIET_WINDOWS {
                    w.stampede = false;
                }
            }
        }
        for w in &mut self.watch {
            w.rejects.close();
            w.dead.close();
        }
        self.log.timeouts.close();
        self.profile_events(start, now);
        // Judgements are stamped at the window's start: keep the window in time order.
        self.log.window.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    }

    /// The changes of every users node's traffic profile at instants in the window
    /// (`start`, `now`] (the first window includes 0).
    fn profile_events(&mut self, start: SimTime, now: SimTime) {
        use crate::model::RateProfile;
        let mut found = Vec::new();
        for (id, n) in self.nodes.iter().enumerate() {
            let Kind::Users(u) = &n.kind else { continue };
            let base = u.rate_rps;
            let at = SimTime::from_secs_f64;
            let inside = |t: SimTime| t <= now && (t > start || t == SimTime::ZERO);
            let mut add = |t: SimTime, what: EventKind| {
                if inside(t) {
                    found.push((t, id as NodeId, what));
                }
            };
            match u.spec.profile {
                RateProfile::Steady | RateProfile::Daily { .. } => {}
                RateProfile::Step { at_s, factor } => add(
                    at(at_s),
                    EventKind::RateStep {
                        factor,
                        rate_rps: base * factor,
                    },
                ),
                RateProfile::Ramp {
                    from_s,
                    to_s,
                    factor,
                } => {
                    let rate_rps = base * factor;
                    add(at(from_s), EventKind::RampStarted { factor, rate_rps });
                    add(at(to_s), EventKind::RampEnded { factor, rate_rps });
                }
                RateProfile::Spike {
                    at_s,
                    duration_s,
                    factor,
                } => {
                    let begin = at(at_s);
                    let rate_rps = base * factor;
                    add(begin, EventKind::SpikeStarted { factor, rate_rps });
                    let end = begin + SimDuration::from_secs_f64(duration_s);
                    add(end, EventKind::SpikeEnded { rate_rps: base });
                }
            }
        }
        for (t, id, what) in found {
            self.emit(t, Some(id), what);
        }
    }

    /// Closes the window's events into its statistics and the run's timeline.
    pub(super) fn close_events(&mut self) -> (Vec<SimEvent>, u64) {
        let events = std::mem::take(&mut self.log.window);
        let dropped = std::mem::take(&mut self.log.window_dropped);
        let room = MAX_TIMELINE.saturating_sub(self.log.timeline.len());
        self.log.timeline.extend(events.iter().take(room).cloned());
        self.log.timeline_dropped += (events.len().saturating_sub(room)) as u64 + dropped;
        (events, dropped)
    }

    /// The run's events so far: the closed windows' and the open one's (bounded).
    pub(super) fn timeline(&self) -> (Vec<SimEvent>, u64) {
        let mut all = self.log.timeline.clone();
        let room = MAX_TIMELINE.saturating_sub(all.len());
        // The open window is not sorted yet (a reply handled early tells its timeout ahead).
        let mut open = self.log.window.clone();
        open.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        all.extend(open.into_iter().take(room));
        let dropped = self.log.timeline_dropped
            + self.log.window.len().saturating_sub(room) as u64
            + self.log.window_dropped;
        (all, dropped)
    }
}

//! Load balancers: pick a healthy target by policy, forward the frame, health-check targets.

use crate::sim::*;

pub(in crate::sim) struct LbRt {
    pub(in crate::sim) spec: LbSpec,
    pub(in crate::sim) healthy: Vec<bool>,
    /// How many of `healthy` are true: counted when a health check changes them, not per pick.
    pub(in crate::sim) healthy_count: usize,
    pub(in crate::sim) fails: Vec<u32>,
    pub(in crate::sim) passes: Vec<u32>,
    pub(in crate::sim) outstanding: Vec<u32>,
    pub(in crate::sim) next: usize,
    /// Sticky sessions: target index + 1 per user (0 = none yet).
    pub(in crate::sim) sticky: Vec<u16>,
}

impl Simulation {
    // ----- load balancer -------------------------------------------------------------------

    pub(in crate::sim) fn lb_deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        // Only sticky sessions and IP hashing look at the user: the others spare the request's
        // record, written at its arrival and long out of the nearer caches, a read.
        let needs_user = match &self.nodes[f.node as usize].kind {
            Kind::Lb(lb) => lb.spec.sticky || lb.spec.policy == LbPolicy::IpHash,
            _ => false,
        };
        let user = if f.req == NIL || !needs_user {
            0
        } else {
            self.global_user(f.req)
        };
        let n = &mut self.nodes[f.node as usize];
        if !n.up {
            n.win.errors += 1;
            self.note_down_arrival(f.node, frame);
            self.finish(frame, Err(ErrorCause::NodeDown));
            return;
        }
        let Kind::Lb(lb) = &mut n.kind else { return };
        let pick = lb_pick(lb, &mut n.rng, user);
        let Some(i) = pick else {
            n.win.errors += 1;
            self.finish(frame, Err(ErrorCause::NoRoute));
            return;
        };
        lb.outstanding[i] += 1;
        let target = lb.spec.targets[i];
        n.win.served += 1;
        self.frames[frame as usize].aux = i as u32;
        // A balancer only forwards. When the target is in its data centre (no network time
        // between them), the request's frame moves on to the target itself, and the balancer
        // counts it outstanding until it finishes: the same outcome and timing as a child call
        // and its return, without a frame of its own. A target across regions, or another
        // balancer (which would need `aux` for its own choice), takes the call.
        let direct = matches!(
            self.nodes.get(target as usize),
            Some(t) if !matches!(t.kind, Kind::Lb(_))
        ) && self.lat(f.node, target) == Some(SimDuration::ZERO);
        if direct {
            let fr = &mut self.frames[frame as usize];
            fr.lb = f.node;
            fr.node = target;
            self.deliver(frame);
        } else {
            self.call(frame, f.req, f.node, target, f.op, f.key, SimDuration::ZERO);
        }
    }

    pub(in crate::sim) fn lb_resume(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        self.lb_done(f.node, f.aux);
        self.finish(frame, outcome);
    }

    /// A request the balancer `lb` sent to its target number `target` has finished.
    pub(in crate::sim) fn lb_done(&mut self, lb: NodeId, target: u32) {
        if let Kind::Lb(lb) = &mut self.nodes[lb as usize].kind {
            if let Some(o) = lb.outstanding.get_mut(target as usize) {
                *o = o.saturating_sub(1);
            }
        }
    }

    #[inline(never)]
    pub(in crate::sim) fn on_health_check(&mut self, node: NodeId) {
        let targets: Vec<(NodeId, bool)> = match &self.nodes[node as usize].kind {
            Kind::Lb(lb) => lb
                .spec
                .targets
                .iter()
                .map(|&t| {
                    let up = self.nodes.get(t as usize).is_some_and(|n| n.up)
                        && self.lat(node, t).is_some();
                    (t, up)
                })
                .collect(),
            _ => return,
        };
        let Kind::Lb(lb) = &mut self.nodes[node as usize].kind else {
            return;
        };
        let threshold = lb.spec.health_threshold.max(1);
        let mut changed = Vec::new();
        for (i, (target, up)) in targets.into_iter().enumerate() {
            let was = lb.healthy[i];
            if up {
                lb.fails[i] = 0;
                lb.passes[i] += 1;
                if lb.passes[i] >= threshold {
                    lb.healthy[i] = true;
                }
            } else {
                lb.passes[i] = 0;
                lb.fails[i] += 1;
                if lb.fails[i] >= threshold {
                    lb.healthy[i] = false;
                }
            }
            if lb.healthy[i] != was {
                changed.push((target, lb.healthy[i]));
            }
        }
        lb.healthy_count = lb.healthy.iter().filter(|&&h| h).count();
        let interval = lb.spec.health_interval;
        self.schedule_after(interval, Action::HealthCheck { node });
        for (target, healthy) in changed {
            let what = if healthy {
                EventKind::TargetIn { target }
            } else {
                EventKind::TargetOut { target }
            };
            self.emit(self.now, Some(node), what);
        }
    }
}

pub(in crate::sim) fn lb_pick(lb: &mut LbRt, rng: &mut SimRng, user: u32) -> Option<usize> {
    let n = lb.spec.targets.len();
    let healthy = |i: usize| lb.healthy[i];
    let count = lb.healthy_count;
    debug_assert_eq!(count, lb.healthy.iter().filter(|&&h| h).count());
    if count == 0 {
        return None;
    }
    if lb.spec.sticky {
        let u = user as usize;
        if lb.sticky.len() <= u {
            lb.sticky.resize(u + 1, 0);
        }
        let slot = lb.sticky[u] as usize;
        if slot > 0 && healthy(slot - 1) {
            return Some(slot - 1);
        }
    }
    let nth_healthy = |k: usize| (0..n).filter(|&i| lb.healthy[i]).nth(k);
    let pick = match lb.spec.policy {
        LbPolicy::RoundRobin => {
            let mut i = lb.next;
            loop {
                // `lb.next < n`: a compare, not a division.
                i = if i + 1 >= n { 0 } else { i + 1 };
                if healthy(i) {
                    break;
                }
            }
            lb.next = i;
            Some(i)
        }
        LbPolicy::Random => nth_healthy(rng.below(count as u64) as usize),
        LbPolicy::IpHash => nth_healthy((hash64(u64::from(user)) % count as u64) as usize),
        LbPolicy::LeastConnections => {
            // Ties go round robin, as nginx's least_conn breaks them: scanning from after the
            // last pick, the first least-loaded target wins. Taking the lowest index instead
            // sent web0 40 % more requests than web2 whenever the servers were mostly idle.
            let mut best: Option<usize> = None;
            let mut i = lb.next;
            for _ in 0..n {
                i = if i + 1 >= n { 0 } else { i + 1 };
                if healthy(i) && best.is_none_or(|b| lb.outstanding[i] < lb.outstanding[b]) {
                    best = Some(i);
                }
            }
            if let Some(b) = best {
                lb.next = b;
            }
            best
        }
        LbPolicy::PowerOfTwo => {
            let a = nth_healthy(rng.below(count as u64) as usize);
            let b = if count > 1 {
                let mut k = rng.below(count as u64 - 1) as usize;
                let ka = a
                    .map(|a| (0..a).filter(|&i| lb.healthy[i]).count())
                    .unwrap_or(0);
                if k >= ka {
                    k += 1;
                }
                nth_healthy(k)
            } else {
                a
            };
            match (a, b) {
                (Some(a), Some(b)) if lb.outstanding[b] < lb.outstanding[a] => Some(b),
                (a, _) => a,
            }
        }
    };
    if lb.spec.sticky {
        if let Some(i) = pick {
            lb.sticky[user as usize] = (i + 1) as u16;
        }
    }
    pick
}

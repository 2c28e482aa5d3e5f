//! Web server pools: CPU work, then sessions, data and publishing as steps; and the autoscaler.

use crate::sim::*;

pub(in crate::sim) struct ServerRt {
    pub(in crate::sim) spec: ServerSpec,
    /// Users whose session this server holds in memory (a bitset).
    pub(in crate::sim) sessions: Vec<u64>,
    /// Instances serving, and instances launched that are still booting.
    pub(in crate::sim) running: u32,
    pub(in crate::sim) booting: u32,
    /// Lifetime busy and available worker-time, and CPU and core-time, at the autoscaler's
    /// last evaluation.
    pub(in crate::sim) eval_busy: u128,
    pub(in crate::sim) eval_capacity: u128,
    pub(in crate::sim) eval_cpu: u128,
    pub(in crate::sim) eval_cpu_capacity: u128,
    /// A session store with a replica: the logins the replica does not have yet.
    pub(in crate::sim) changes: Option<Box<Changes>>,
}

impl ServerRt {
    /// The pool's workers and cores with `running` instances.
    pub(in crate::sim) fn pool(&self, running: u32) -> (u32, u32) {
        let workers = self.spec.workers.max(1).saturating_mul(running);
        let cores = if self.spec.cores == UNLIMITED_CORES {
            UNLIMITED_CORES
        } else {
            self.spec.cores.max(1).saturating_mul(running)
        };
        (workers, cores)
    }
}

impl ServerRt {
    /// Every instance launched is billed, booting or serving.
    pub(in crate::sim) fn cost_per_hour_usd(&self) -> f64 {
        self.spec.cost_per_hour_usd * f64::from(self.running + self.booting)
    }
}

impl Simulation {
    // ----- web server ----------------------------------------------------------------------

    /// Steps of a web server frame after its CPU work: 0 session, 1 data, 2 publish, 3 done.
    pub(in crate::sim) fn server_step(&mut self, frame: FrameId) {
        // The frame and the spec are read once. Steps only move forward, so each is a plain
        // test in turn (no state-machine loop); the step is stored only when the frame parks on
        // a call (server_resume reads it).
        let f = self.frames[frame as usize];
        let Kind::Server(s) = &self.nodes[f.node as usize].kind else {
            return;
        };
        let (sessions, data, publish) = (s.spec.sessions, s.spec.data, s.spec.publish);
        if f.step == 0 && f.op != Op::Static && f.req != NIL {
            match sessions {
                Sessions::None => {}
                Sessions::InServer => self.check_session(frame),
                Sessions::Store(store) => {
                    self.frames[frame as usize].step = 1;
                    let user = self.global_user(f.req);
                    self.call(
                        frame,
                        f.req,
                        f.node,
                        store,
                        Op::Session,
                        user,
                        SimDuration::ZERO,
                    );
                    return;
                }
            }
        }
        if f.step <= 1 {
            if let (Some(data), Op::Read | Op::Write) = (data, f.op) {
                let fr = &mut self.frames[frame as usize];
                fr.step = 2;
                if f.op == Op::Read {
                    fr.seen = self.keys_tab.get(f.key as usize, TRUTH);
                }
                self.call(frame, f.req, f.node, data, f.op, f.key, SimDuration::ZERO);
                return;
            }
        }
        if f.step <= 2 {
            if let (Some(queue), Op::Write) = (publish, f.op) {
                self.frames[frame as usize].step = 3;
                self.call(
                    frame,
                    f.req,
                    f.node,
                    queue,
                    Op::Job,
                    f.key,
                    SimDuration::ZERO,
                );
                return;
            }
        }
        self.free_worker(f.node);
        self.finish(frame, Ok(f.version));
    }

    pub(in crate::sim) fn server_resume(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        let n = &self.nodes[f.node as usize];
        if n.epoch != f.epoch {
            // The server died while this request held one of its threads.
            self.finish(frame, Err(ErrorCause::NodeDown));
            return;
        }
        match outcome {
            Ok(version) => {
                if f.step == 2 && f.op == Op::Read {
                    // The read came back from the data tier: is it older than the last write
                    // acknowledged before it started?
                    if version < f.seen {
                        self.window_counters.stale_reads += 1;
                    }
                }
                if f.step == 2 {
                    self.frames[frame as usize].version = version;
                }
                self.server_step(frame);
            }
            Err(cause) => {
                self.free_worker(f.node);
                self.finish(frame, Err(cause));
            }
        }
    }

    pub(in crate::sim) fn global_user(&self, req: ReqId) -> u32 {
        let r = self.requests[req as usize];
        self.user_base[r.source as usize].saturating_add(r.user)
    }

    /// In-server sessions: a user this server does not know logs in; if the user had a session
    /// before (on a server that died, or one the balancer no longer sends them to) that is a
    /// forced login.
    pub(in crate::sim) fn check_session(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let user = self.global_user(f.req) as usize;
        let (word, bit) = (user / 64, 1u64 << (user % 64));
        let Kind::Server(s) = &mut self.nodes[f.node as usize].kind else {
            return;
        };
        if s.sessions.len() <= word {
            s.sessions.resize(word + 1, 0);
        }
        if s.sessions[word] & bit != 0 {
            return;
        }
        s.sessions[word] |= bit;
        if let Some(log) = &mut s.changes {
            log.record(self.now.0, user as u32);
        }
        if self.logged_in.len() <= word {
            self.logged_in.resize(word + 1, 0);
        }
        if self.logged_in[word] & bit != 0 {
            self.window_counters.lost_sessions += 1;
        }
        self.logged_in[word] |= bit;
    }

    // ----- autoscaling ---------------------------------------------------------------------

    /// The autoscaler of a server pool: measures the utilisation since its last evaluation and
    /// launches or retires instances (while the pool is down it only keeps its clock).
    #[inline(never)]
    pub(in crate::sim) fn on_autoscale(&mut self, node: NodeId) {
        let now = self.now;
        let n = &mut self.nodes[node as usize];
        let Kind::Server(s) = &mut n.kind else {
            return;
        };
        let Some(rule) = s.spec.autoscale else {
            return;
        };
        n.station.account(now);
        let busy = n.life_busy_area + n.station.busy_area.total();
        let capacity = n.life_capacity_area + n.station.capacity_until(now);
        let (d_busy, d_capacity) = (busy - s.eval_busy, capacity - s.eval_capacity);
        (s.eval_busy, s.eval_capacity) = (busy, capacity);
        let cpu = n.life_cpu_ns + u128::from(n.station.cpu_ns);
        let cpu_capacity = n.life_cpu_capacity_area + n.station.cpu_capacity_until(now);
        let (d_cpu, d_cpu_capacity) = (
            cpu.saturating_sub(s.eval_cpu),
            cpu_capacity.saturating_sub(s.eval_cpu_capacity),
        );
        (s.eval_cpu, s.eval_cpu_capacity) = (cpu, cpu_capacity);
        // CPU time is counted when a service starts, so an interval can see a little more than
        // its cores could do.
        let utilization = match rule.metric {
            AutoscaleMetric::Cpu => ratio(d_cpu as f64, d_cpu_capacity as f64).min(1.0),
            AutoscaleMetric::Occupancy => ratio(d_busy as f64, d_capacity as f64),
        };
        let min = rule.min.max(1);
        let max = rule.max.max(min);
        let launched = s.running + s.booting;
        if n.up && utilization > rule.scale_out_above && launched < max {
            // As many instances as bring the measured load back to the threshold, counting
            // those already booting; at least one more than serve now.
            let needed = libm::ceil(f64::from(s.running) * utilization / rule.scale_out_above);
            let target = (needed.min(f64::from(max)) as u32)
                .max(s.running + 1)
                .min(max);
            let count = target.saturating_sub(launched);
            if count > 0 {
                s.booting += count;
                n.cost_per_hour_usd = s.cost_per_hour_usd();
                self.window_counters.instances_launched += u64::from(count);
                self.schedule_after(rule.boot, Action::Boot { node, count });
                self.emit(now, Some(node), EventKind::Launched { count });
            }
        } else if n.up
            && utilization < rule.scale_in_below
            && s.booting == 0
            && s.running > min
            && n.station.busy <= s.spec.workers.max(1).saturating_mul(s.running - 1)
        {
            // An instance is retired once the others can hold every request in service.
            s.running -= 1;
            let (workers, cores) = s.pool(s.running);
            n.cost_per_hour_usd = s.cost_per_hour_usd();
            n.station.set_workers(now, workers, cores);
            self.window_counters.instances_retired += 1;
            self.emit(now, Some(node), EventKind::Retired { count: 1 });
        }
        self.schedule_after(
            rule.interval.max(SimDuration(1)),
            Action::Autoscale { node },
        );
    }

    /// Booted instances join the pool, and waiting requests start on their workers.
    #[inline(never)]
    pub(in crate::sim) fn on_boot(&mut self, node: NodeId, count: u32) {
        let now = self.now;
        let n = &mut self.nodes[node as usize];
        let Kind::Server(s) = &mut n.kind else {
            return;
        };
        let count = count.min(s.booting);
        s.booting -= count;
        s.running += count;
        let (workers, cores) = s.pool(s.running);
        n.cost_per_hour_usd = s.cost_per_hour_usd();
        n.station.set_workers(now, workers, cores);
        if n.up {
            // Workers waiting for a core compute on the new cores first, then waiting
            // requests take the new workers.
            self.fill_cores(node);
            self.free_worker_fill(node);
        }
        if count > 0 {
            self.emit(now, Some(node), EventKind::Booted { count });
        }
    }
}

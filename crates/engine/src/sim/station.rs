//! Stations: workers, a FIFO queue, cores and the exact time integrals behind utilisation; and
//! the kernel's steps that queue a frame, serve it on a core and free the worker.

use super::*;

/// `dt · level` for a time integral. The product nearly always fits in 64 bits (an hour times
/// a million workers does), and a 128-bit multiply, like `checked_mul`'s overflow test, is a
/// software routine in WebAssembly (`__multi3`, 5 % of a stage-5 run in V8's profile). Operands
/// of at most 64 significant bits between them cannot overflow.
#[inline(always)]
pub(super) fn area(dt: u64, level: u64) -> u128 {
    // Both under 2^32 (a step shorter than 4.3 s at under four billion workers or frames: all
    // but never): one test covers the product.
    #[cfg(target_arch = "wasm32")]
    if (dt | level) >> 32 == 0 {
        return u128::from(dt * level);
    }
    // Natively the multiply's own overflow flag is the cheapest test.
    #[cfg(not(target_arch = "wasm32"))]
    let small = dt.checked_mul(level);
    #[cfg(target_arch = "wasm32")]
    let small = product_by_bits(dt, level);
    match small {
        Some(product) => u128::from(product),
        None => u128::from(dt) * u128::from(level),
    }
}

/// `dt · level` when operands of at most 64 significant bits between them show it fits.
#[inline(always)]
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
pub(super) fn product_by_bits(dt: u64, level: u64) -> Option<u64> {
    (dt.leading_zeros() + level.leading_zeros() >= 64).then(|| dt * level)
}

/// A time integral (worker- or frame-nanoseconds) that grows by 64-bit adds: its low 64 bits
/// and how often they wrapped. A 128-bit add is a chain of compares and selects in WebAssembly,
/// paid twice on every change of every station; a wrap (billions of worker-seconds in one
/// window) is all but never.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Area {
    pub(super) low: u64,
    pub(super) wraps: u64,
}

impl Area {
    /// Adds `dt · level`.
    #[inline(always)]
    pub(super) fn add_product(&mut self, dt: u64, level: u64) {
        // In WebAssembly a 128-bit product is a call to `__multi3`, which returns through
        // linear memory: inline, it would give every station's hot path a shadow-stack frame.
        // Factors under 2^32 (a step shorter than 4.3 s) multiply plainly; the rest go out of
        // line (with `area`'s bit count before that, V8 ran 0.9 % more instructions). Natively
        // the multiply's own overflow flag is the cheapest test.
        #[cfg(target_arch = "wasm32")]
        let small = ((dt | level) >> 32 == 0).then(|| dt * level);
        #[cfg(not(target_arch = "wasm32"))]
        let small = dt.checked_mul(level);
        match small {
            Some(product) => {
                let (low, wrapped) = self.low.overflowing_add(product);
                self.low = low;
                if wrapped {
                    self.wraps += 1;
                }
            }
            None => self.add_product_wide(dt, level),
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn add_product_wide(&mut self, dt: u64, level: u64) {
        let sum = self.total() + area(dt, level);
        (self.low, self.wraps) = (sum as u64, (sum >> 64) as u64);
    }

    pub(super) fn total(self) -> u128 {
        (u128::from(self.wraps) << 64) | u128::from(self.low)
    }
}

/// Workers, a FIFO queue and the time integrals that give utilisation and queue length; and the
/// cores a worker computes on (a web server's only: the other stations serve at most
/// `min(workers, cores)` at once, so their workers never wait for a core).
pub(super) struct Station {
    pub(super) workers: u32,
    pub(super) busy: u32,
    pub(super) queue: VecDeque<FrameId>,
    pub(super) queue_capacity: u32,
    pub(super) slow: f64,
    pub(super) last_change: SimTime,
    /// The open window's integrals of busy workers and of queued frames.
    pub(super) busy_area: Area,
    pub(super) queue_area: Area,
    /// Worker-time available from `capacity_mark` up to the last change of `workers`: the
    /// denominator of utilisation when an autoscaler changes the workers mid-window.
    pub(super) capacity_area: u128,
    pub(super) capacity_mark: SimTime,
    /// Cores of the node ([`UNLIMITED_CORES`]: none to wait for). Workers wait for one only
    /// when there are fewer cores than workers; otherwise the core layer costs nothing.
    pub(super) cores: u32,
    /// Cores computing, and workers waiting for one (their CPU work not yet started).
    pub(super) cores_busy: u32,
    pub(super) core_queue: VecDeque<FrameId>,
    /// CPU time of the services started in the open window (counted when they start).
    pub(super) cpu_ns: u64,
    /// Core-time available from `capacity_mark` up to the last change of `cores`.
    pub(super) cpu_capacity_area: u128,
}

impl Station {
    pub(super) fn new(workers: u32, queue_capacity: u32) -> Station {
        Station {
            workers,
            busy: 0,
            queue: VecDeque::new(),
            queue_capacity,
            slow: 1.0,
            last_change: SimTime::ZERO,
            busy_area: Area::default(),
            queue_area: Area::default(),
            capacity_area: 0,
            capacity_mark: SimTime::ZERO,
            cores: UNLIMITED_CORES,
            cores_busy: 0,
            core_queue: VecDeque::new(),
            cpu_ns: 0,
            cpu_capacity_area: 0,
        }
    }

    /// A station whose service is exclusive work on a core: at most `min(workers, cores)`
    /// frames are served at once, and CPU utilisation is measured over `cores`.
    pub(super) fn on_cores(workers: u32, cores: u32, queue_capacity: u32) -> Station {
        let mut st = Station::new(workers.min(cores).max(1), queue_capacity);
        st.cores = cores.max(1);
        st
    }

    /// Worker-nanoseconds available from the capacity mark to `now` (at least one worker, so
    /// that a ratio over it is defined).
    pub(super) fn capacity_until(&self, now: SimTime) -> u128 {
        self.capacity_area
            + area(
                now.since(self.capacity_mark).0,
                u64::from(self.workers.max(1)),
            )
    }

    /// The cores CPU utilisation is measured over: the node's own, or its workers when the
    /// cores are unlimited.
    pub(super) fn cpu_cores(&self) -> u64 {
        if self.cores == UNLIMITED_CORES {
            u64::from(self.workers.max(1))
        } else {
            u64::from(self.cores.max(1))
        }
    }

    /// Core-nanoseconds available from the capacity mark to `now`.
    pub(super) fn cpu_capacity_until(&self, now: SimTime) -> u128 {
        self.cpu_capacity_area + area(now.since(self.capacity_mark).0, self.cpu_cores())
    }

    /// Changes the number of workers and cores from `now` on.
    pub(super) fn set_workers(&mut self, now: SimTime, workers: u32, cores: u32) {
        self.account(now);
        self.capacity_area = self.capacity_until(now);
        self.cpu_capacity_area = self.cpu_capacity_until(now);
        self.capacity_mark = now;
        self.workers = workers;
        self.cores = cores;
    }

    /// Adds the time since the last change to the busy and queue integrals.
    #[inline]
    pub(super) fn account(&mut self, now: SimTime) {
        let dt = now.since(self.last_change).0;
        self.busy_area.add_product(dt, u64::from(self.busy));
        self.queue_area.add_product(dt, self.queue.len() as u64);
        self.last_change = now;
    }
}

impl Simulation {
    // ----- stations ------------------------------------------------------------------------

    /// Queues a frame for a worker of its node, starting service at once if one is free.
    pub(super) fn enter(&mut self, frame: FrameId) {
        let now = self.now;
        let node = self.frames[frame as usize].node;
        let n = &mut self.nodes[node as usize];
        if !n.up && !n.kind.durable() {
            if self.forward_to_stand_in(frame) {
                return;
            }
            let n = &mut self.nodes[node as usize];
            n.win.errors += 1;
            self.note_down_arrival(node, frame);
            self.finish(frame, Err(ErrorCause::NodeDown));
            return;
        }
        let st = &mut n.station;
        if n.up && st.busy < st.workers {
            st.account(now);
            st.busy += 1;
            self.start_service(frame);
        } else if st.queue.len() < st.queue_capacity as usize {
            st.account(now);
            st.queue.push_back(frame);
        } else {
            n.win.errors += 1;
            self.note_reject(node);
            self.finish(frame, Err(ErrorCause::Rejected));
        }
    }

    /// Inlined into its two callers, `enter` and `start_waiting` (neither is the event loop):
    /// one call fewer per service, 1.4 % of V8's instructions and 0.6 % natively.
    #[inline(always)]
    pub(super) fn start_service(&mut self, frame: FrameId) {
        let node = self.frames[frame as usize].node;
        let st = &self.nodes[node as usize].station;
        // Fewer cores than workers (a web server's threads outnumbering its vCPUs): the worker
        // computes only on a free core.
        if st.cores < st.workers && !self.take_core(node, frame) {
            return;
        }
        self.compute(frame);
    }

    /// A worker of a node with fewer cores than workers takes a free core, or waits for one.
    #[inline(never)]
    pub(super) fn take_core(&mut self, node: NodeId, frame: FrameId) -> bool {
        let st = &mut self.nodes[node as usize].station;
        if st.cores_busy < st.cores && st.core_queue.is_empty() {
            st.cores_busy += 1;
            true
        } else {
            st.core_queue.push_back(frame);
            false
        }
    }

    /// A core finished its work at a node with a core layer: the next waiting worker computes.
    #[inline(never)]
    pub(super) fn release_core(&mut self, node: NodeId) {
        let st = &mut self.nodes[node as usize].station;
        st.cores_busy = st.cores_busy.saturating_sub(1);
        self.fill_cores(node);
    }

    /// Starts waiting workers on free cores; those whose user has given up are dropped as
    /// timeouts (after the next live one has started, so the order stays FIFO).
    pub(super) fn fill_cores(&mut self, node: NodeId) {
        let mut late = Vec::new();
        loop {
            let n = &mut self.nodes[node as usize];
            if !n.up || n.station.cores_busy >= n.station.cores {
                break;
            }
            let Some(next) = n.station.core_queue.pop_front() else {
                break;
            };
            if self.expired(next) {
                late.push(next);
                continue;
            }
            self.nodes[node as usize].station.cores_busy += 1;
            self.compute(next);
        }
        for frame in late {
            self.nodes[node as usize].win.errors += 1;
            self.free_worker(node);
            self.finish(frame, Err(ErrorCause::Timeout));
        }
    }

    /// Draws the frame's service time and schedules its end: the work on a core.
    #[inline(always)]
    pub(super) fn compute(&mut self, frame: FrameId) {
        if self.frames[frame as usize].op == Op::Attack {
            self.compute_attack(frame);
        } else {
            self.compute_scaled(frame, 1.0);
        }
    }

    /// An attack costs a web server its users' `attack_cost` times the service time; any other
    /// station (the WAF inspecting it) its usual time.
    #[cold]
    #[inline(never)]
    pub(super) fn compute_attack(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let server = matches!(self.nodes[f.node as usize].kind, Kind::Server(_));
        let source = (f.req != NIL).then(|| self.requests[f.req as usize].source);
        let cost = match source
            .and_then(|s| self.nodes.get(s as usize))
            .map(|n| &n.kind)
        {
            Some(Kind::Users(u)) if server => u.spec.attack_cost,
            _ => 1.0,
        };
        self.compute_scaled(frame, cost);
    }

    /// [`Self::compute`] with the service time times `factor` (a constant 1 in the usual path).
    #[inline(always)]
    pub(super) fn compute_scaled(&mut self, frame: FrameId, factor: f64) {
        let f = self.frames[frame as usize];
        let n = &mut self.nodes[f.node as usize];
        let epoch = n.epoch;
        let (dist, done) = match (&n.kind, f.op) {
            (Kind::Server(s), _) => (s.spec.service, Action::ServerDone { frame, epoch }),
            (Kind::Cache(c), _) => (c.spec.service, Action::CacheDone { frame, epoch }),
            (Kind::Db(d), Op::Read | Op::PrimaryRead) => {
                (d.spec.read_service, Action::DbDone { frame, epoch })
            }
            (Kind::Db(d), _) => (d.spec.write_service, Action::DbDone { frame, epoch }),
            (Kind::Queue(q), _) => (q.spec.job_service, Action::ServiceDone { frame, epoch }),
            (Kind::Gateway(g), _) => (g.spec.service, Action::ServiceDone { frame, epoch }),
            (Kind::Waf(w), _) => (w.spec.service, Action::ServiceDone { frame, epoch }),
            // Kinds that only forward or answer at once: they never take a worker.
            (Kind::Users(_) | Kind::Dns(_) | Kind::Lb(_) | Kind::Cdn(_) | Kind::Router(_), _) => (
                Dist::Constant { mean_s: 0.0 },
                Action::ServiceDone { frame, epoch },
            ),
        };
        let mut d = dist.sample(&mut n.rng);
        let scale = n.station.slow * factor;
        if scale != 1.0 {
            d = SimDuration::from_secs_f64(d.as_secs_f64() * scale);
        }
        n.station.cpu_ns = n.station.cpu_ns.wrapping_add(d.0);
        self.frames[frame as usize].epoch = epoch;
        self.schedule(self.now + d, done);
    }

    /// Returns a worker to the node and starts the next waiting frame; frames whose user has
    /// already given up are dropped as timeouts instead of wasting the worker.
    #[inline(always)]
    pub(super) fn free_worker(&mut self, node: NodeId) {
        let now = self.now;
        let st = &mut self.nodes[node as usize].station;
        st.account(now);
        st.busy = st.busy.saturating_sub(1);
        if !st.queue.is_empty() {
            self.start_waiting(node);
        }
    }

    /// Starts the next waiting frame on the worker just freed, if the node may.
    #[inline(never)]
    pub(super) fn start_waiting(&mut self, node: NodeId) {
        loop {
            let n = &mut self.nodes[node as usize];
            if !n.up || n.station.busy >= n.station.workers {
                return;
            }
            let Some(next) = n.station.queue.pop_front() else {
                return;
            };
            if self.expired(next) {
                self.nodes[node as usize].win.errors += 1;
                self.finish(next, Err(ErrorCause::Timeout));
                continue;
            }
            let st = &mut self.nodes[node as usize].station;
            st.busy += 1;
            self.start_service(next);
            return;
        }
    }

    pub(super) fn expired(&self, frame: FrameId) -> bool {
        let req = self.frames[frame as usize].req;
        if req == NIL {
            return false;
        }
        let r = self.requests[req as usize];
        let timeout = match &self.nodes[r.source as usize].kind {
            Kind::Users(u) => u.spec.timeout,
            _ => SimDuration(u64::MAX),
        };
        self.now.since(r.born) >= timeout
    }

    /// A worker has finished `frame`: counts it served and says whether its step follows, or
    /// handles a crash since it started (`epoch`): the frame then fails, or a durable queue
    /// takes its job back.
    #[inline(always)]
    pub(super) fn served(&mut self, frame: FrameId, epoch: u32) -> bool {
        let f = self.frames[frame as usize];
        let n = &mut self.nodes[f.node as usize];
        if n.epoch == epoch {
            n.win.served += 1;
            return true;
        }
        self.crashed_in_service(frame);
        false
    }

    #[cold]
    #[inline(never)]
    pub(super) fn crashed_in_service(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let n = &mut self.nodes[f.node as usize];
        // The node crashed while serving this frame; its worker was released at the crash.
        if n.kind.durable() {
            // A durable queue redelivers an unacknowledged job.
            n.station.account(self.now);
            n.station.queue.push_front(frame);
            if n.up {
                self.free_worker_fill(f.node);
            }
            return;
        }
        n.win.errors += 1;
        self.finish(frame, Err(ErrorCause::NodeDown));
    }

    /// Starts idle workers on waiting frames (after a restore).
    pub(super) fn free_worker_fill(&mut self, node: NodeId) {
        loop {
            let st = &self.nodes[node as usize].station;
            if st.busy >= st.workers || st.queue.is_empty() {
                return;
            }
            let st = &mut self.nodes[node as usize].station;
            st.account(self.now);
            st.busy += 1;
            self.free_worker(node);
        }
    }
}

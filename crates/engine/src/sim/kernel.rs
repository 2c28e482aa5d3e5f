//! The kernel's `impl Simulation`: construction, the event loop, live commands, calls and
//! returns between frames, dispatch of actions to the node kinds, and crashes and restores.

use super::*;

impl Simulation {
    /// Prepares a run; nothing happens until [`Simulation::run_until`].
    pub fn new(model: &Model, seed: u64) -> Simulation {
        let key_space = model
            .nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Users(u) => u.keys,
                NodeKind::ShardRouter(r) => r.key_space,
                NodeKind::Dns(_)
                | NodeKind::Server(_)
                | NodeKind::LoadBalancer(_)
                | NodeKind::Cache(_)
                | NodeKind::Database(_)
                | NodeKind::Cdn(_)
                | NodeKind::Queue(_)
                | NodeKind::ApiGateway(_)
                | NodeKind::Waf(_) => 1,
            })
            .max()
            .unwrap_or(1)
            .max(1) as usize;
        let mut user_base = Vec::new();
        let mut users_total = 0u64;
        // Every user of every users node: a per-user rate limiter keeps a bucket for each.
        let all_users: u64 = model
            .nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Users(u) => u64::from(u.users.max(1)),
                _ => 0,
            })
            .sum();
        let mut db_cols = 0usize;
        let nodes: Vec<NodeRt> = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let rng = SimRng::stream(seed, i as u64);
                let mut station = Station::new(0, 0);
                let mut cost = 0.0;
                user_base.push(users_total.min(u32::MAX as u64) as u32);
                let kind = match &node.kind {
                    NodeKind::Users(spec) => {
                        let users = spec.users.max(1);
                        users_total += users as u64;
                        Kind::Users(Box::new(UsersRt {
                            spec: spec.clone(),
                            rate_rps: spec.rate_rps,
                            mean_gap_s: mean_gap_s(spec.rate_rps),
                            generation: 0,
                            zipf: Zipf::new(spec.keys.max(1), spec.zipf_alpha),
                            static_zipf: Zipf::new(spec.static_objects.max(1), spec.zipf_alpha),
                            response_bytes: kb_bytes(spec.response_kb).min(u32::MAX as u64) as u32,
                            static_bytes: kb_bytes(spec.static_kb).min(u32::MAX as u64) as u32,
                            dns: vec![DnsAnswer::default(); users as usize],
                            extras: !spec.paths.is_empty() || spec.attack_share > 0.0,
                        }))
                    }
                    NodeKind::Dns(spec) => {
                        let mut spec = spec.clone();
                        if spec.targets.is_empty() {
                            spec.targets.push(spec.target);
                        }
                        // The hosted zone, billed by the month.
                        cost = crate::prices::price("route53_hosted_zone")
                            .map_or(0.0, |p| p.usd / crate::prices::HOURS_PER_MONTH);
                        Kind::Dns(spec)
                    }
                    NodeKind::Server(spec) => {
                        let running = match spec.autoscale {
                            Some(rule) => {
                                let min = rule.min.max(1);
                                spec.instances.clamp(min, rule.max.max(min))
                            }
                            None => spec.instances.max(1),
                        };
                        let server = ServerRt {
                            spec: spec.clone(),
                            sessions: Vec::new(),
                            running,
                            booting: 0,
                            eval_busy: 0,
                            eval_capacity: 0,
                            eval_cpu: 0,
                            eval_cpu_capacity: 0,
                            changes: spec.replica.map(|r| Changes::new(r.lag)),
                        };
                        let (workers, cores) = server.pool(running);
                        station = Station::new(workers, spec.queue_capacity);
                        station.cores = cores;
                        cost = server.cost_per_hour_usd();
                        Kind::Server(Box::new(server))
                    }
                    NodeKind::LoadBalancer(spec) => {
                        cost = spec.cost_per_hour_usd;
                        let n = spec.targets.len();
                        Kind::Lb(Box::new(LbRt {
                            spec: spec.clone(),
                            healthy: vec![true; n],
                            healthy_count: n,
                            fails: vec![0; n],
                            passes: vec![0; n],
                            outstanding: vec![0; n],
                            next: 0,
                            sticky: Vec::new(),
                        }))
                    }
                    NodeKind::Cache(spec) => {
                        station = Station::on_cores(spec.workers.max(1), spec.cores, u32::MAX);
                        // As many nodes as the items' memory needs.
                        cost = spec.cost_per_hour_usd * f64::from(spec.nodes.max(1));
                        Kind::Cache(Box::new(CacheRt {
                            spec: spec.clone(),
                            store: KeyCache::new(
                                spec.eviction,
                                spec.capacity,
                                spec.ttl.0,
                                spec.ttl_reset,
                            ),
                            fetching: Vec::new(),
                            changes: spec.replica.map(|r| Changes::new(r.lag)),
                        }))
                    }
                    NodeKind::Database(spec) => {
                        station =
                            Station::on_cores(spec.workers.max(1), spec.cores, spec.queue_capacity);
                        cost = spec.cost_per_hour_usd;
                        db_cols += 1;
                        Kind::Db(Box::new(DbRt {
                            spec: spec.clone(),
                            col: db_cols,
                            primary: i as NodeId,
                            next_reader: 0,
                            unreplicated: 0,
                        }))
                    }
                    NodeKind::Cdn(spec) => Kind::Cdn(Box::new(CdnRt {
                        spec: spec.clone(),
                        store: KeyCache::new(
                            crate::model::Eviction::Lru,
                            spec.capacity,
                            spec.ttl.0,
                            false,
                        ),
                        asset_version: 0,
                    })),
                    NodeKind::Queue(spec) => {
                        station = Station::on_cores(spec.consumers.max(1), spec.cores, u32::MAX);
                        cost = spec.cost_per_hour_usd;
                        Kind::Queue(Box::new(QueueRt { spec: spec.clone() }))
                    }
                    NodeKind::ShardRouter(spec) => Kind::Router(Box::new(RouterRt {
                        map: ShardMap::new(
                            spec.strategy,
                            spec.active.max(1),
                            spec.key_space as u64,
                        )
                        .ok(),
                        spec: spec.clone(),
                        old: None,
                        migrated: Vec::new(),
                        waiting: vec![VecDeque::new(); spec.shards.len()],
                        in_flight: vec![0; spec.shards.len()],
                        next_slot: 0,
                        copying: 0,
                        migrating_since: SimTime::ZERO,
                        salted_rows: Vec::new(),
                    })),
                    NodeKind::ApiGateway(spec) => {
                        station = Station::on_cores(spec.workers.max(1), spec.cores, u32::MAX);
                        cost = spec.cost_per_hour_usd;
                        Kind::Gateway(Box::new(GatewayRt::new(spec, all_users)))
                    }
                    NodeKind::Waf(spec) => {
                        station = Station::on_cores(spec.workers.max(1), spec.cores, u32::MAX);
                        cost = waf_cost_per_hour_usd(spec);
                        Kind::Waf(Box::new(WafRt { spec: spec.clone() }))
                    }
                };
                NodeRt {
                    region: node.region,
                    up: true,
                    epoch: 0,
                    rng,
                    station,
                    kind,
                    win: NodeCount::default(),
                    total: NodeCount::default(),
                    total_busy_area: 0,
                    total_queue_area: 0,
                    total_capacity_area: 0,
                    total_cpu_ns: 0,
                    total_cpu_capacity_area: 0,
                    life_busy_area: 0,
                    life_capacity_area: 0,
                    life_cpu_ns: 0,
                    life_cpu_capacity_area: 0,
                    cost_per_hour_usd: cost,
                    usage: Usage::default(),
                    total_usage: Usage::default(),
                    total_fixed_usd: 0.0,
                }
            })
            .collect();
        let window_len = if model.window.0 == 0 {
            SimDuration::from_secs(1)
        } else {
            model.window
        };
        let regions = model.region_count();
        let latency = if model.latency.len() == regions * regions {
            model.latency.clone()
        } else {
            vec![SimDuration::ZERO; regions * regions]
        };
        let mut sim = Simulation {
            seed,
            keys: model.nodes.iter().map(|n| n.key.clone()).collect(),
            kinds: model.nodes.iter().map(|n| n.kind.name()).collect(),
            now: SimTime::ZERO,
            events: 0,
            agenda: Agenda::new(),
            requests: Vec::new(),
            free_requests: Vec::new(),
            frames: Vec::new(),
            free_frames: Vec::new(),
            replica_writes: Vec::new(),
            free_replica_writes: Vec::new(),
            nodes,
            regions,
            latency,
            partitioned: vec![false; regions * regions],
            schedule: model.schedule.clone(),
            keys_tab: KeyTable::new(key_space, 1 + db_cols),
            logged_in: Vec::new(),
            user_base,
            window_len,
            warmup_end: SimTime::ZERO + model.warmup,
            from_warmup: (model.warmup == SimDuration::ZERO).then_some(0),
            window_index: 0,
            window_start: SimTime::ZERO,
            horizon: SimTime::ZERO,
            window_hist: WindowHistogram::new(),
            window_generated: 0,
            window_completed: 0,
            window_errors: ErrorCounts::default(),
            window_counters: Counters::default(),
            window_jobs: WindowHistogram::new(),
            total_hist: LatencyHistogram::new(),
            total_generated: 0,
            total_completed: 0,
            total_errors: ErrorCounts::default(),
            total_counters: Counters::default(),
            total_fixed_cost: SimDuration::ZERO,
            rates: Rates::from_table(),
            cost_varies: model.nodes.iter().any(|n| match &n.kind {
                NodeKind::Server(s) => s.autoscale.is_some(),
                NodeKind::ShardRouter(r) => r.shards.len() > r.active as usize,
                NodeKind::Users(_)
                | NodeKind::Dns(_)
                | NodeKind::LoadBalancer(_)
                | NodeKind::Cache(_)
                | NodeKind::Database(_)
                | NodeKind::Cdn(_)
                | NodeKind::Queue(_)
                | NodeKind::ApiGateway(_)
                | NodeKind::Waf(_) => false,
            }),
            total_jobs: LatencyHistogram::new(),
            node_lat: NodeLatencies::new(0),
            all: Conservation::default(),
            outbox: Vec::new(),
            watch: Vec::new(),
            log: EventLog::default(),
            replicas: Simulation::replica_pairs(model),
            standbys: Vec::new(),
            dormant: vec![false; regions],
        };
        // A standby's bill changes when it is activated.
        sim.cost_varies |= !model.standbys.is_empty();
        sim.watch = vec![Watch::default(); sim.nodes.len()];
        sim.node_lat = NodeLatencies::new(sim.nodes.len());
        // Spare shards are priced but cost nothing until a resharding brings them in.
        let spares: Vec<NodeId> = sim
            .nodes
            .iter()
            .filter_map(|n| match &n.kind {
                Kind::Router(r) => Some(r.spec.shards.iter().skip(r.spec.active.max(1) as usize)),
                Kind::Users(_)
                | Kind::Dns(_)
                | Kind::Server(_)
                | Kind::Lb(_)
                | Kind::Cache(_)
                | Kind::Db(_)
                | Kind::Cdn(_)
                | Kind::Queue(_)
                | Kind::Gateway(_)
                | Kind::Waf(_) => None,
            })
            .flatten()
            .copied()
            .collect();
        for spare in spares {
            if let Some(n) = sim.nodes.get_mut(spare as usize) {
                n.cost_per_hour_usd = 0.0;
            }
        }
        for id in 0..sim.nodes.len() as NodeId {
            sim.schedule_next_arrival(id);
            // The periodic actions a kind runs from the start.
            match &sim.nodes[id as usize].kind {
                Kind::Lb(lb) => {
                    if lb.spec.health_interval.0 > 0 {
                        let at = SimTime::ZERO + lb.spec.health_interval;
                        sim.schedule(at, Action::HealthCheck { node: id });
                    }
                }
                Kind::Cache(c) => {
                    if c.spec.write == WriteStrategy::WriteBack {
                        let at = SimTime::ZERO + c.spec.flush_interval.max(SimDuration(1));
                        sim.schedule(at, Action::Flush { node: id });
                    }
                }
                Kind::Server(s) => {
                    if let Some(rule) = s.spec.autoscale {
                        let interval = rule.interval.max(SimDuration(1));
                        sim.schedule_after(interval, Action::Autoscale { node: id });
                    }
                }
                Kind::Users(_)
                | Kind::Dns(_)
                | Kind::Db(_)
                | Kind::Cdn(_)
                | Kind::Queue(_)
                | Kind::Router(_)
                | Kind::Gateway(_)
                | Kind::Waf(_) => {}
            }
        }
        for (index, (at, _)) in model.schedule.iter().enumerate() {
            sim.schedule(
                *at,
                Action::Scheduled {
                    index: index as u32,
                },
            );
        }
        sim.schedule(SimTime::ZERO + window_len, Action::WindowEnd);
        sim.setup_standbys(&model.standbys);
        for id in 0..sim.nodes.len() as NodeId {
            sim.warm(id);
        }
        sim
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    pub fn conservation(&self) -> Conservation {
        self.all
    }

    /// Windows closed since the last call, oldest first.
    pub fn drain_windows(&mut self) -> Vec<WindowStats> {
        std::mem::take(&mut self.outbox)
    }

    /// Processes every action due at or before `until`, then sets the clock to `until`.
    pub fn run_until(&mut self, until: SimTime) {
        self.horizon = until;
        self.process_until(until);
    }

    /// [`Simulation::run_until`]'s loop; how far ahead a reply may be handled early is the
    /// caller's (`horizon`).
    pub(super) fn process_until(&mut self, until: SimTime) {
        while let Some((time, action)) = self.agenda.pop_until(until) {
            self.now = time;
            self.events += 1;
            self.handle(Action::dequeued(action));
        }
        self.now = self.now.max(until);
    }

    /// Applies a live change at the current simulated time. Commands naming a node of the wrong
    /// kind, or a node or region that does not exist, change nothing.
    #[inline(never)]
    pub fn apply(&mut self, command: Command) {
        self.note_command(command, false);
        self.apply_command(command);
    }

    /// A command, live or scheduled.
    fn apply_command(&mut self, command: Command) {
        match command {
            Command::SetRate { node, rps } => {
                if let Some(Kind::Users(users)) = self.kind_mut(node) {
                    users.rate_rps = if rps.is_finite() { rps.max(0.0) } else { 0.0 };
                    users.mean_gap_s = mean_gap_s(users.rate_rps);
                    users.generation = users.generation.wrapping_add(1);
                    // Poisson arrivals are memoryless, so restarting the clock of the next
                    // arrival at the new rate is exact.
                    self.schedule_next_arrival(node);
                }
            }
            Command::Kill { node } => self.kill(node),
            Command::Restore { node } => self.restore(node),
            Command::Slow { node, factor } => {
                if let Some(n) = self.nodes.get_mut(node as usize) {
                    n.station.slow = if factor.is_finite() && factor > 0.0 {
                        factor
                    } else {
                        1.0
                    };
                }
            }
            Command::KillRegion { region } => {
                if !self.standbys.is_empty() {
                    self.dr_region_failed(region);
                }
                for id in 0..self.nodes.len() as NodeId {
                    if self.nodes[id as usize].region == region && !self.is_users(id) {
                        self.kill(id);
                    }
                }
            }
            Command::RestoreRegion { region } => {
                for id in 0..self.nodes.len() as NodeId {
                    if self.nodes[id as usize].region == region && !self.is_users(id) {
                        self.restore(id);
                    }
                }
            }
            Command::Partition { a, b } | Command::Heal { a, b } => {
                let cut = matches!(command, Command::Partition { .. });
                let (a, b) = (a as usize, b as usize);
                if a < self.regions && b < self.regions && a != b {
                    self.partitioned[a * self.regions + b] = cut;
                    self.partitioned[b * self.regions + a] = cut;
                }
            }
            Command::Deploy { node } => {
                let now = self.now;
                if let Some(Kind::Cdn(cdn)) = self.kind_mut(node) {
                    cdn.asset_version += 1;
                    if cdn.spec.invalidation == Invalidation::Purge {
                        let at = now + cdn.spec.purge_delay;
                        self.schedule(at, Action::Purge { node });
                    }
                }
            }
            Command::Reshard { node } => self.reshard(node),
        }
    }

    /// The hourly cost of every node that runs now (usage excluded: it depends on traffic).
    pub fn cost_per_hour_usd(&self) -> f64 {
        self.nodes.iter().map(|n| n.cost_per_hour_usd).sum()
    }

    // ----- plumbing ------------------------------------------------------------------------

    /// Schedules an action at a time drawn at random (a service completion, an arrival).
    #[inline]
    pub(super) fn schedule(&mut self, time: SimTime, action: Action) {
        self.agenda.push(time, action.queued());
    }

    /// Schedules an action a fixed delay from now: a network crossing or an interval of the
    /// design, which recur with the same few values and wait in the agenda's FIFO lanes.
    #[inline]
    pub(super) fn schedule_after(&mut self, delay: SimDuration, action: Action) {
        self.agenda.push_after(self.now, delay, action.queued());
    }

    pub(super) fn kind_mut(&mut self, node: NodeId) -> Option<&mut Kind> {
        self.nodes.get_mut(node as usize).map(|n| &mut n.kind)
    }

    pub(super) fn is_users(&self, node: NodeId) -> bool {
        matches!(
            self.nodes.get(node as usize).map(|n| &n.kind),
            Some(Kind::Users(_))
        )
    }

    #[inline]
    pub(super) fn lat(&self, a: NodeId, b: NodeId) -> Option<SimDuration> {
        // One data centre (most designs): no region lookups at all.
        if self.regions <= 1 {
            return Some(SimDuration::ZERO);
        }
        let ra = self.nodes[a as usize].region as usize;
        let rb = self.nodes[b as usize].region as usize;
        let i = ra * self.regions + rb;
        if ra == rb {
            Some(SimDuration::ZERO)
        } else if self.partitioned[i] {
            None
        } else {
            Some(self.latency[i])
        }
    }

    pub(super) fn region_lat(&self, ra: RegionId, rb: RegionId) -> Option<SimDuration> {
        let i = ra as usize * self.regions + rb as usize;
        if ra == rb {
            Some(SimDuration::ZERO)
        } else if self.partitioned.get(i).copied().unwrap_or(false) {
            None
        } else {
            Some(self.latency.get(i).copied().unwrap_or_default())
        }
    }

    pub(super) fn new_frame(&mut self, frame: Frame) -> FrameId {
        if let Some(id) = self.free_frames.pop() {
            self.frames[id as usize] = frame;
            id
        } else {
            self.frames.push(frame);
            (self.frames.len() - 1) as FrameId
        }
    }

    #[allow(clippy::too_many_arguments)]
    /// Sends a child frame from `parent` (or from the user when `parent` is NIL) to `target`,
    /// arriving after `delay` plus the network latency between the two regions.
    pub(super) fn call(
        &mut self,
        parent: FrameId,
        req: ReqId,
        from: NodeId,
        target: NodeId,
        op: Op,
        key: u32,
        delay: SimDuration,
    ) {
        let version = if parent == NIL {
            0
        } else {
            self.frames[parent as usize].version
        };
        let frame = self.new_frame(Frame {
            req,
            parent,
            node: target,
            op,
            step: 0,
            pending: 0,
            key,
            version,
            epoch: 0,
            aux: 0,
            lb: NIL,
            seen: 0,
            err: None,
            born: self.now,
        });
        if target as usize >= self.nodes.len() {
            self.finish(frame, Err(ErrorCause::NoRoute));
            return;
        }
        let (target, step) = self.addressee(target, op, from);
        let fr = &mut self.frames[frame as usize];
        fr.node = target;
        fr.step = step;
        let Some(net) = self.lat(from, target) else {
            self.finish(frame, Err(ErrorCause::NoRoute));
            return;
        };
        if self.regions > 1 {
            self.count_cross_region(from, target, req, op);
        }
        let delay = delay + net;
        if delay.0 == 0 {
            self.deliver(frame);
        } else {
            // The node's latency counts from the call's arrival, not its departure.
            self.frames[frame as usize].born = self.now + delay;
            self.schedule_after(delay, Action::Deliver { frame });
        }
    }

    /// Bills a call from `from` to `to` when it crosses data centres: one payload (the record a
    /// read brings back or a write sends, a cache item, the user's response a balancer's
    /// server sends back, else a message) charged to the caller.
    #[inline(never)]
    pub(super) fn count_cross_region(&mut self, from: NodeId, to: NodeId, req: ReqId, op: Op) {
        let (a, b) = (&self.nodes[from as usize], &self.nodes[to as usize]);
        if a.region == b.region {
            return;
        }
        let record_kb = |id: NodeId| match self.nodes.get(id as usize).map(|n| &n.kind) {
            Some(Kind::Db(d)) => Some(d.spec.record_kb),
            _ => None,
        };
        let bytes = match &b.kind {
            Kind::Db(d) => kb_bytes(d.spec.record_kb),
            Kind::Cache(c) => kb_bytes(c.spec.item_kb),
            Kind::Router(r) => kb_bytes(
                r.spec
                    .shards
                    .first()
                    .and_then(|&s| record_kb(s))
                    .unwrap_or(MESSAGE_KB),
            ),
            Kind::Server(_) | Kind::Lb(_) | Kind::Gateway(_) | Kind::Waf(_) => {
                if req != NIL && op != Op::Session {
                    u64::from(self.requests[req as usize].bytes)
                } else {
                    kb_bytes(MESSAGE_KB)
                }
            }
            Kind::Users(_) | Kind::Dns(_) | Kind::Cdn(_) | Kind::Queue(_) => kb_bytes(MESSAGE_KB),
        };
        self.nodes[from as usize].usage.cross_region_bytes += bytes;
    }

    /// Ends a frame and hands its outcome to the parent (or the user, or nobody for background
    /// work). Frees the slot.
    pub(super) fn finish(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        self.free_frames.push(frame);
        // A frame finishes after it arrives (no saturation needed on this path).
        let took = self.now.0.wrapping_sub(f.born.0);
        self.node_lat.record(f.node, took);
        if f.lb != NIL {
            // The balancer answers when its target does.
            self.node_lat.record(f.lb, took);
            self.lb_done(f.lb, f.aux);
        }
        if f.parent != NIL {
            let parent_node = self.frames[f.parent as usize].node;
            let net = self.lat(f.node, parent_node).unwrap_or(SimDuration::ZERO);
            if net.0 == 0 {
                self.resume(f.parent, outcome);
            } else {
                self.schedule_after(
                    net,
                    Action::Return {
                        frame: f.parent,
                        outcome,
                    },
                );
            }
        } else if f.op == Op::Migrate {
            self.on_copied(f.aux, f.key, f.node, outcome.is_ok());
        } else if f.req != NIL {
            match outcome {
                Ok(_) => {
                    let Request { back, bytes, .. } = self.requests[f.req as usize];
                    // The tier facing the user sends the response: the balancer the frame came
                    // through, else its node (a server, a CDN edge).
                    let answerer = if f.lb != NIL { f.lb } else { f.node };
                    self.nodes[answerer as usize].usage.egress_bytes += u64::from(bytes);
                    let at = self.now + back;
                    if back.0 == 0 {
                        self.on_reply(f.req, at);
                    } else if at < self.window_start + self.window_len && at <= self.horizon {
                        // Nothing can change a reply on its way back: it only counts and
                        // records, in the window it lands in. Within the open window and this
                        // run it lands before anything looks, so it is handled now, as the
                        // event it is, without waiting in the agenda.
                        self.events += 1;
                        self.on_reply(f.req, at);
                    } else {
                        self.schedule_after(back, Action::Reply { req: f.req });
                    }
                }
                Err(cause) => self.fail_request(f.req, cause),
            }
        }
    }

    // ----- dispatch ------------------------------------------------------------------------

    /// Inlined into the event loop with the handlers of the common actions. The handlers of
    /// the rare ones (windows, health checks, replication, failover, flushes, autoscaling,
    /// resharding, scheduled commands) are `#[inline(never)]`: inlined, they made the loop so
    /// large that V8 spilled more of its hot values (0.3 % more of its instructions overall).
    #[inline(always)]
    pub(super) fn handle(&mut self, action: Action) {
        match action {
            Action::Arrival { node, generation } => self.on_arrival(node, generation),
            Action::Deliver { frame } => self.deliver(frame),
            Action::Return { frame, outcome } => self.resume(frame, outcome),
            Action::ServiceDone { frame, epoch } => self.on_service_done(frame, epoch),
            Action::ServerDone { frame, epoch } => {
                if self.served(frame, epoch) {
                    let node = self.frames[frame as usize].node;
                    let st = &self.nodes[node as usize].station;
                    if st.cores < st.workers {
                        self.release_core(node);
                    }
                    self.server_step(frame);
                }
            }
            Action::CacheDone { frame, epoch } => {
                if self.served(frame, epoch) {
                    self.cache_after_lookup(frame);
                }
            }
            Action::DbDone { frame, epoch } => {
                if self.served(frame, epoch) {
                    self.db_after_service(frame);
                }
            }
            Action::Wake { frame } => {
                let v = self.frames[frame as usize].version;
                self.finish(frame, Ok(v));
            }
            Action::Reply { req } => self.on_reply(req, self.now),
            Action::WindowEnd => self.on_window_end(),
            Action::Scheduled { index } => {
                if let Some(&(_, command)) = self.schedule.get(index as usize) {
                    self.note_command(command, true);
                    self.apply_command(command);
                }
            }
            Action::HealthCheck { node } => self.on_health_check(node),
            Action::Failover { node, epoch } => self.on_failover(node, epoch),
            Action::Replicate { slot } => self.on_replicate(slot),
            Action::Flush { node } => self.on_flush(node),
            Action::Purge { node } => {
                if let Some(Kind::Cdn(cdn)) = self.kind_mut(node) {
                    cdn.store.clear();
                    self.emit(self.now, Some(node), EventKind::Purged);
                }
            }
            Action::Migrate { node } => self.on_migrate(node),
            Action::Autoscale { node } => self.on_autoscale(node),
            Action::Boot { node, count } => self.on_boot(node, count),
            Action::Promote { node, epoch } => self.on_promote(node, epoch),
            Action::Dr { index, step } => self.on_dr(index, step),
        }
    }

    pub(super) fn deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let node = f.node;
        match &self.nodes[node as usize].kind {
            Kind::Server(s) => {
                // The server will ask its data tier about this key after its service time: if
                // that is a cache, fetch the key's index entry and row meanwhile.
                if let Some(data) = s.spec.data {
                    if let Some(NodeRt {
                        kind: Kind::Cache(c),
                        ..
                    }) = self.nodes.get(data as usize)
                    {
                        c.store.prefetch(f.key);
                        self.keys_tab.prefetch(f.key as usize);
                    }
                }
                self.enter(frame)
            }
            Kind::Lb(_) => self.lb_deliver(frame),
            Kind::Cache(_) => self.cache_deliver(frame),
            Kind::Db(_) => self.db_deliver(frame),
            Kind::Cdn(_) => self.cdn_deliver(frame),
            Kind::Queue(_) => self.queue_publish(frame),
            Kind::Router(_) => self.router_deliver(frame),
            Kind::Gateway(_) => self.gateway_deliver(frame),
            Kind::Waf(_) => self.enter(frame),
            Kind::Users(_) | Kind::Dns(_) => self.finish(frame, Err(ErrorCause::NoRoute)),
        }
    }

    /// A queue's worker (or any other station's but a web server's, a cache's and a
    /// database's, which finish with actions of their own) has finished `frame`.
    pub(super) fn on_service_done(&mut self, frame: FrameId, epoch: u32) {
        if !self.served(frame, epoch) {
            return;
        }
        let f = self.frames[frame as usize];
        match &self.nodes[f.node as usize].kind {
            Kind::Queue(_) => self.queue_job_done(frame),
            Kind::Gateway(_) => self.gateway_after_service(frame),
            Kind::Waf(_) => self.waf_after_service(frame),
            Kind::Users(_)
            | Kind::Dns(_)
            | Kind::Server(_)
            | Kind::Lb(_)
            | Kind::Cache(_)
            | Kind::Db(_)
            | Kind::Cdn(_)
            | Kind::Router(_) => {
                self.free_worker(f.node);
                self.finish(frame, Ok(f.version));
            }
        }
    }

    pub(super) fn resume(&mut self, frame: FrameId, outcome: Outcome) {
        let node = self.frames[frame as usize].node;
        match &self.nodes[node as usize].kind {
            Kind::Server(_) => self.server_resume(frame, outcome),
            Kind::Lb(_) => self.lb_resume(frame, outcome),
            Kind::Cache(_) => self.cache_resume(frame, outcome),
            Kind::Cdn(_) => self.cdn_resume(frame, outcome),
            Kind::Router(_) => self.router_resume(frame, outcome),
            Kind::Gateway(_) | Kind::Waf(_) => self.proxy_resume(frame, outcome),
            Kind::Db(_) | Kind::Queue(_) | Kind::Users(_) | Kind::Dns(_) => {
                self.finish(frame, outcome)
            }
        }
    }

    // ----- faults --------------------------------------------------------------------------

    pub(super) fn kill(&mut self, node: NodeId) {
        let now = self.now;
        let Some(n) = self.nodes.get(node as usize) else {
            return;
        };
        if !n.up || !n.kind.can_crash() {
            return;
        }
        if !self.replicas.is_empty() {
            self.replica_on_death(node);
        }
        let n = &mut self.nodes[node as usize];
        n.station.account(now);
        n.up = false;
        n.epoch = n.epoch.wrapping_add(1);
        // Frames in service fail when their ServiceDone fires with a stale epoch, and frames
        // holding a thread while waiting downstream fail when their child returns; the workers
        // are freed now.
        n.station.busy = 0;
        n.station.cores_busy = 0;
        let lost: Vec<FrameId> = if n.kind.durable() {
            Vec::new()
        } else {
            // Workers waiting for a core die with the rest.
            let waiting = n.station.queue.len() + n.station.core_queue.len();
            n.win.errors += waiting as u64;
            let mut lost: Vec<FrameId> = n.station.core_queue.drain(..).collect();
            lost.extend(n.station.queue.drain(..));
            lost
        };
        let epoch = n.epoch;
        // What the crash takes with it: memory, and (a primary) its group's writes at risk.
        let lost_dirty = match &mut n.kind {
            Kind::Server(s) => {
                s.sessions.clear();
                Vec::new()
            }
            Kind::Cache(c) => {
                let dirty = c.store.clear();
                c.fetching.clear();
                dirty
            }
            Kind::Cdn(c) => {
                c.store.clear();
                Vec::new()
            }
            Kind::Users(_)
            | Kind::Dns(_)
            | Kind::Lb(_)
            | Kind::Db(_)
            | Kind::Queue(_)
            | Kind::Router(_)
            | Kind::Gateway(_)
            | Kind::Waf(_) => Vec::new(),
        };
        let lost_dirty = if self.replicas.is_empty() {
            lost_dirty
        } else {
            self.replica_kept(node, lost_dirty)
        };
        self.cache_lost_dirty(node, lost_dirty);
        self.db_crashed(node, epoch);
        for frame in lost {
            self.finish(frame, Err(ErrorCause::NodeDown));
        }
    }

    pub(super) fn restore(&mut self, node: NodeId) {
        let now = self.now;
        let Some(n) = self.nodes.get_mut(node as usize) else {
            return;
        };
        if n.up {
            return;
        }
        n.station.account(now);
        n.up = true;
        // What a kind resets or resynchronises as it comes back.
        let rejoins = match &mut n.kind {
            Kind::Server(s) => {
                // The autoscaler measures from the restore on: downtime is not idle capacity.
                s.eval_busy = n.life_busy_area + n.station.busy_area.total();
                s.eval_capacity = n.life_capacity_area + n.station.capacity_until(now);
                s.eval_cpu = n.life_cpu_ns + u128::from(n.station.cpu_ns);
                s.eval_cpu_capacity = n.life_cpu_capacity_area + n.station.cpu_capacity_until(now);
                false
            }
            Kind::Db(_) => true,
            Kind::Users(_)
            | Kind::Dns(_)
            | Kind::Lb(_)
            | Kind::Cache(_)
            | Kind::Cdn(_)
            | Kind::Queue(_)
            | Kind::Router(_)
            | Kind::Gateway(_)
            | Kind::Waf(_) => false,
        };
        if rejoins {
            self.db_rejoin(node);
        }
        if !self.replicas.is_empty() {
            self.replica_on_restore(node);
        }
        self.free_worker_fill(node);
        self.warm(node);
    }
}

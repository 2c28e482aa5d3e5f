//! The event kernel: a priority queue of actions ordered by (time, sequence), and the handlers that
//! move each request through the model's nodes.

use crate::dist::Dist;
use crate::metrics::{
    ErrorCause, ErrorCounts, LatencyHistogram, LatencySummary, NodeStats, WindowStats,
};
use crate::model::{DnsSpec, Model, NodeId, NodeKind, ServerSpec, UsersSpec};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

type ReqId = u32;

/// Something that happens at an instant of simulated time.
#[derive(Debug, Clone, Copy)]
enum Action {
    /// The next request of a users node is due (`generation` drops arrivals scheduled before the
    /// rate last changed).
    Arrival { node: NodeId, generation: u32 },
    /// A request reaches a server.
    Deliver { req: ReqId, node: NodeId },
    /// A worker of a server finishes a request (`epoch` detects a crash since it started).
    ServiceDone {
        req: ReqId,
        node: NodeId,
        epoch: u32,
    },
    /// The response reaches the user.
    Reply { req: ReqId },
    /// A measurement window closes.
    WindowEnd,
}

#[derive(Debug, Clone, Copy)]
struct Scheduled {
    time: SimTime,
    seq: u64,
    action: Action,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Reversed, so that the max-heap pops the earliest time first, and among equal times the
    /// action scheduled first: ties resolve deterministically.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

#[derive(Debug, Clone, Copy)]
struct Request {
    born: SimTime,
    source: NodeId,
}

/// A live change to a running simulation: traffic and faults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Sets the request rate of a users node.
    SetRate { node: NodeId, rps: f64 },
    /// Crashes a node: requests it holds fail, new ones are refused.
    Kill { node: NodeId },
    /// Brings a crashed node back, empty.
    Restore { node: NodeId },
    /// Multiplies a node's service times by `factor` (1 restores normal speed).
    Slow { node: NodeId, factor: f64 },
}

struct UsersRt {
    spec: UsersSpec,
    rate_rps: f64,
    generation: u32,
    rng: SimRng,
    /// When each user's cached DNS answer expires, in whole milliseconds of simulated time.
    dns_expiry_ms: Vec<u32>,
}

struct StationRt {
    spec: ServerSpec,
    service: Dist,
    rng: SimRng,
    up: bool,
    epoch: u32,
    busy: u32,
    queue: VecDeque<ReqId>,
    last_change: SimTime,
    busy_area: u128,
    queue_area: u128,
    served: u64,
    errors: u64,
    total_busy_area: u128,
    total_queue_area: u128,
    total_served: u64,
}

enum NodeRt {
    Users(Box<UsersRt>),
    Dns(DnsSpec),
    Server(Box<StationRt>),
}

/// Running totals since the start, used for the cumulative report and the conservation check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conservation {
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    pub in_flight: u64,
}

/// The cumulative result of a run after the warm-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub seed: u64,
    /// Simulated seconds measured (after the warm-up).
    pub measured_s: f64,
    pub warmup_s: f64,
    pub generated: u64,
    pub completed: u64,
    pub errors: ErrorCounts,
    pub latency: LatencySummary,
    pub throughput_rps: f64,
    pub nodes: Vec<NodeReport>,
    pub cost_per_hour_usd: f64,
    /// Events the kernel processed in the whole run.
    pub events: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeReport {
    pub key: String,
    pub utilization: f64,
    pub mean_queue: f64,
    pub served: u64,
    pub hit_ratio: Option<f64>,
}

/// One simulation run of one model with one seed.
pub struct Simulation {
    seed: u64,
    keys: Vec<String>,
    now: SimTime,
    seq: u64,
    events: u64,
    agenda: BinaryHeap<Scheduled>,
    requests: Vec<Request>,
    free: Vec<ReqId>,
    nodes: Vec<NodeRt>,
    window_len: SimDuration,
    warmup_end: SimTime,
    window_index: u64,
    window_start: SimTime,
    window_hist: LatencyHistogram,
    window_generated: u64,
    window_completed: u64,
    window_errors: ErrorCounts,
    total_hist: LatencyHistogram,
    total_generated: u64,
    total_completed: u64,
    total_errors: ErrorCounts,
    all: Conservation,
    outbox: Vec<WindowStats>,
}

impl Simulation {
    /// Prepares a run; nothing happens until [`Simulation::run_until`].
    pub fn new(model: &Model, seed: u64) -> Simulation {
        let nodes = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let rng = SimRng::stream(seed, i as u64);
                match &node.kind {
                    NodeKind::Users(spec) => NodeRt::Users(Box::new(UsersRt {
                        spec: spec.clone(),
                        rate_rps: spec.rate_rps,
                        generation: 0,
                        rng,
                        dns_expiry_ms: vec![0; spec.users.max(1) as usize],
                    })),
                    NodeKind::Dns(spec) => NodeRt::Dns(spec.clone()),
                    NodeKind::Server(spec) => NodeRt::Server(Box::new(StationRt {
                        spec: spec.clone(),
                        service: spec.service,
                        rng,
                        up: true,
                        epoch: 0,
                        busy: 0,
                        queue: VecDeque::new(),
                        last_change: SimTime::ZERO,
                        busy_area: 0,
                        queue_area: 0,
                        served: 0,
                        errors: 0,
                        total_busy_area: 0,
                        total_queue_area: 0,
                        total_served: 0,
                    })),
                }
            })
            .collect();
        let window_len = if model.window.0 == 0 {
            SimDuration::from_secs(1)
        } else {
            model.window
        };
        let mut sim = Simulation {
            seed,
            keys: model.nodes.iter().map(|n| n.key.clone()).collect(),
            now: SimTime::ZERO,
            seq: 0,
            events: 0,
            agenda: BinaryHeap::new(),
            requests: Vec::new(),
            free: Vec::new(),
            nodes,
            window_len,
            warmup_end: SimTime::ZERO + model.warmup,
            window_index: 0,
            window_start: SimTime::ZERO,
            window_hist: LatencyHistogram::new(),
            window_generated: 0,
            window_completed: 0,
            window_errors: ErrorCounts::default(),
            total_hist: LatencyHistogram::new(),
            total_generated: 0,
            total_completed: 0,
            total_errors: ErrorCounts::default(),
            all: Conservation::default(),
            outbox: Vec::new(),
        };
        for id in 0..sim.nodes.len() as NodeId {
            sim.schedule_next_arrival(id);
        }
        sim.schedule(SimTime::ZERO + window_len, Action::WindowEnd);
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
        while let Some(next) = self.agenda.peek() {
            if next.time > until {
                break;
            }
            let Some(Scheduled { time, action, .. }) = self.agenda.pop() else {
                break;
            };
            self.now = time;
            self.events += 1;
            self.handle(action);
        }
        self.now = self.now.max(until);
    }

    /// Applies a live change at the current simulated time. Commands naming a node of the wrong
    /// kind, or a node that does not exist, change nothing.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::SetRate { node, rps } => {
                if let Some(NodeRt::Users(users)) = self.nodes.get_mut(node as usize) {
                    users.rate_rps = if rps.is_finite() { rps.max(0.0) } else { 0.0 };
                    users.generation = users.generation.wrapping_add(1);
                    // Poisson arrivals are memoryless, so restarting the clock of the next
                    // arrival at the new rate is exact.
                    self.schedule_next_arrival(node);
                }
            }
            Command::Kill { node } => {
                let now = self.now;
                let lost: Vec<ReqId> = match self.nodes.get_mut(node as usize) {
                    Some(NodeRt::Server(st)) if st.up => {
                        st.account(now);
                        st.up = false;
                        st.epoch = st.epoch.wrapping_add(1);
                        // Requests in service fail when their ServiceDone fires with a stale epoch;
                        // their workers are freed now.
                        st.busy = 0;
                        st.errors += st.queue.len() as u64;
                        st.queue.drain(..).collect()
                    }
                    _ => Vec::new(),
                };
                for req in lost {
                    self.fail(req, ErrorCause::NodeDown);
                }
            }
            Command::Restore { node } => {
                if let Some(NodeRt::Server(st)) = self.nodes.get_mut(node as usize) {
                    st.account(self.now);
                    st.up = true;
                }
            }
            Command::Slow { node, factor } => {
                if let Some(NodeRt::Server(st)) = self.nodes.get_mut(node as usize) {
                    let factor = if factor.is_finite() && factor > 0.0 {
                        factor
                    } else {
                        1.0
                    };
                    st.service = st.spec.service.scaled(factor);
                }
            }
        }
    }

    /// The cumulative report of everything measured after the warm-up.
    pub fn report(&self) -> Report {
        let measured = self.now.since(self.warmup_end);
        let measured_s = measured.as_secs_f64();
        let total_ns = self.now.0 as f64;
        let nodes = self
            .nodes
            .iter()
            .zip(&self.keys)
            .filter_map(|(node, key)| match node {
                NodeRt::Server(st) => {
                    let (busy, queue) = st.areas_until(self.now);
                    Some(NodeReport {
                        key: key.clone(),
                        utilization: ratio(busy as f64, total_ns * st.spec.workers as f64),
                        mean_queue: ratio(queue as f64, total_ns),
                        served: st.total_served,
                        hit_ratio: None,
                    })
                }
                _ => None,
            })
            .collect();
        Report {
            seed: self.seed,
            measured_s,
            warmup_s: self.warmup_end.as_secs_f64(),
            generated: self.total_generated,
            completed: self.total_completed,
            errors: self.total_errors,
            latency: self.total_hist.summary(),
            throughput_rps: ratio(self.total_completed as f64, measured_s),
            nodes,
            cost_per_hour_usd: self.cost_per_hour_usd(),
            events: self.events,
        }
    }

    pub fn cost_per_hour_usd(&self) -> f64 {
        self.nodes
            .iter()
            .map(|n| match n {
                NodeRt::Server(st) => st.spec.cost_per_hour_usd,
                _ => 0.0,
            })
            .sum()
    }

    fn schedule(&mut self, time: SimTime, action: Action) {
        self.seq += 1;
        self.agenda.push(Scheduled {
            time,
            seq: self.seq,
            action,
        });
    }

    fn schedule_next_arrival(&mut self, node: NodeId) {
        let now = self.now;
        let next = match self.nodes.get_mut(node as usize) {
            Some(NodeRt::Users(users)) if users.rate_rps > 0.0 => {
                let gap = SimDuration::from_secs_f64(users.rng.exp(1.0 / users.rate_rps));
                Some((now + gap, users.generation))
            }
            _ => None,
        };
        if let Some((time, generation)) = next {
            self.schedule(time, Action::Arrival { node, generation });
        }
    }

    fn handle(&mut self, action: Action) {
        match action {
            Action::Arrival { node, generation } => self.on_arrival(node, generation),
            Action::Deliver { req, node } => self.on_deliver(req, node),
            Action::ServiceDone { req, node, epoch } => self.on_service_done(req, node, epoch),
            Action::Reply { req } => self.on_reply(req),
            Action::WindowEnd => self.on_window_end(),
        }
    }

    fn on_arrival(&mut self, node: NodeId, generation: u32) {
        let now = self.now;
        let (entry, user, half_rtt) = match self.nodes.get_mut(node as usize) {
            Some(NodeRt::Users(users)) if users.generation == generation => {
                let user = users.rng.below(users.dns_expiry_ms.len() as u64) as usize;
                (users.spec.entry, user, SimDuration(users.spec.rtt.0 / 2))
            }
            _ => return,
        };
        self.schedule_next_arrival(node);
        let req = self.alloc(Request {
            born: now,
            source: node,
        });
        self.all.generated += 1;
        self.window_generated += 1;
        if now >= self.warmup_end {
            self.total_generated += 1;
        }
        // The client resolves the name unless its cached answer is still fresh.
        let (target, dns_delay) = match self.nodes.get(entry as usize) {
            Some(NodeRt::Dns(dns)) => {
                let (target, lookup, ttl) = (dns.target, dns.lookup, dns.ttl);
                let now_ms = (now.0 / 1_000_000) as u32;
                let Some(NodeRt::Users(users)) = self.nodes.get_mut(node as usize) else {
                    return;
                };
                if users.dns_expiry_ms[user] > now_ms {
                    (target, SimDuration::ZERO)
                } else {
                    let expiry = (now + lookup + ttl).0 / 1_000_000;
                    users.dns_expiry_ms[user] = expiry.min(u32::MAX as u64) as u32;
                    (target, lookup)
                }
            }
            _ => (entry, SimDuration::ZERO),
        };
        self.schedule(
            now + dns_delay + half_rtt,
            Action::Deliver { req, node: target },
        );
    }

    fn on_deliver(&mut self, req: ReqId, node: NodeId) {
        let now = self.now;
        let outcome = match self.nodes.get_mut(node as usize) {
            Some(NodeRt::Server(st)) => {
                if !st.up {
                    st.errors += 1;
                    Err(ErrorCause::NodeDown)
                } else if st.busy < st.spec.workers {
                    st.account(now);
                    st.busy += 1;
                    let done = now + st.service.sample(&mut st.rng);
                    Ok(Some((done, st.epoch)))
                } else if st.queue.len() < st.spec.queue_capacity as usize {
                    st.account(now);
                    st.queue.push_back(req);
                    Ok(None)
                } else {
                    st.errors += 1;
                    Err(ErrorCause::Rejected)
                }
            }
            _ => Err(ErrorCause::NoRoute),
        };
        match outcome {
            Ok(Some((done, epoch))) => {
                self.schedule(done, Action::ServiceDone { req, node, epoch })
            }
            Ok(None) => {}
            Err(cause) => self.fail(req, cause),
        }
    }

    fn on_service_done(&mut self, req: ReqId, node: NodeId, epoch: u32) {
        let now = self.now;
        let source = self.requests[req as usize].source;
        let half_rtt = self.half_rtt(source);
        let timeout = self.timeout(source);
        let Some(NodeRt::Server(st)) = self.nodes.get_mut(node as usize) else {
            return;
        };
        if st.epoch != epoch {
            // The server crashed while serving this request.
            st.errors += 1;
            self.fail(req, ErrorCause::NodeDown);
            return;
        }
        st.account(now);
        st.served += 1;
        st.total_served += 1;
        st.busy -= 1;
        // Take the next waiting request; ones whose client has already given up are dropped
        // (a queue timeout) instead of wasting a worker on them.
        let mut expired = Vec::new();
        let mut started = None;
        while let Some(NodeRt::Server(st)) = self.nodes.get_mut(node as usize) {
            let Some(next) = st.queue.pop_front() else {
                break;
            };
            let Request {
                born,
                source: next_source,
            } = self.requests[next as usize];
            if now.since(born) >= timeout_of(&self.nodes, next_source).unwrap_or(timeout) {
                expired.push(next);
                continue;
            }
            let Some(NodeRt::Server(st)) = self.nodes.get_mut(node as usize) else {
                break;
            };
            st.busy += 1;
            started = Some((next, now + st.service.sample(&mut st.rng), st.epoch));
            break;
        }
        self.schedule(now + half_rtt, Action::Reply { req });
        if let Some((next, done, epoch)) = started {
            self.schedule(
                done,
                Action::ServiceDone {
                    req: next,
                    node,
                    epoch,
                },
            );
        }
        for lost in expired {
            self.fail(lost, ErrorCause::Timeout);
        }
    }

    fn on_reply(&mut self, req: ReqId) {
        let Request { born, source } = self.requests[req as usize];
        let latency = self.now.since(born);
        if latency > self.timeout(source) {
            self.fail(req, ErrorCause::Timeout);
            return;
        }
        self.release(req);
        self.all.completed += 1;
        self.window_completed += 1;
        self.window_hist.record(latency);
        if self.now >= self.warmup_end {
            self.total_completed += 1;
            self.total_hist.record(latency);
        }
    }

    fn on_window_end(&mut self) {
        let now = self.now;
        let len = now.since(self.window_start);
        let len_ns = len.0.max(1) as f64;
        let nodes = self
            .nodes
            .iter_mut()
            .enumerate()
            .filter_map(|(id, node)| match node {
                NodeRt::Server(st) => {
                    st.account(now);
                    let stats = NodeStats {
                        id: id as u32,
                        utilization: st.busy_area as f64 / (len_ns * st.spec.workers.max(1) as f64),
                        mean_queue: st.queue_area as f64 / len_ns,
                        queue_len: st.queue.len() as u64,
                        served: st.served,
                        errors: st.errors,
                        hit_ratio: None,
                        up: st.up,
                    };
                    st.total_busy_area += st.busy_area;
                    st.total_queue_area += st.queue_area;
                    st.busy_area = 0;
                    st.queue_area = 0;
                    st.served = 0;
                    st.errors = 0;
                    Some(stats)
                }
                _ => None,
            })
            .collect();
        self.outbox.push(WindowStats {
            index: self.window_index,
            start_s: self.window_start.as_secs_f64(),
            len_s: len.as_secs_f64(),
            generated: self.window_generated,
            completed: self.window_completed,
            errors: self.window_errors,
            latency: self.window_hist.summary(),
            throughput_rps: self.window_completed as f64 / len.as_secs_f64().max(1e-9),
            in_flight: self.all.in_flight,
            nodes,
        });
        self.window_index += 1;
        self.window_start = now;
        self.window_hist.reset();
        self.window_generated = 0;
        self.window_completed = 0;
        self.window_errors = ErrorCounts::default();
        self.schedule(now + self.window_len, Action::WindowEnd);
    }

    fn fail(&mut self, req: ReqId, cause: ErrorCause) {
        self.release(req);
        self.all.failed += 1;
        self.window_errors.add(cause);
        if self.now >= self.warmup_end {
            self.total_errors.add(cause);
        }
    }

    fn alloc(&mut self, request: Request) -> ReqId {
        self.all.in_flight += 1;
        if let Some(id) = self.free.pop() {
            self.requests[id as usize] = request;
            id
        } else {
            self.requests.push(request);
            (self.requests.len() - 1) as ReqId
        }
    }

    fn release(&mut self, req: ReqId) {
        self.all.in_flight -= 1;
        self.free.push(req);
    }

    fn half_rtt(&self, source: NodeId) -> SimDuration {
        match self.nodes.get(source as usize) {
            Some(NodeRt::Users(users)) => SimDuration(users.spec.rtt.0 / 2),
            _ => SimDuration::ZERO,
        }
    }

    fn timeout(&self, source: NodeId) -> SimDuration {
        timeout_of(&self.nodes, source).unwrap_or(SimDuration(u64::MAX))
    }
}

fn timeout_of(nodes: &[NodeRt], source: NodeId) -> Option<SimDuration> {
    match nodes.get(source as usize) {
        Some(NodeRt::Users(users)) => Some(users.spec.timeout),
        _ => None,
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

impl StationRt {
    /// Adds the time since the last change to the busy and queue integrals.
    #[inline]
    fn account(&mut self, now: SimTime) {
        let dt = now.since(self.last_change).0 as u128;
        self.busy_area += dt * self.busy as u128;
        self.queue_area += dt * self.queue.len() as u128;
        self.last_change = now;
    }

    fn areas_until(&self, now: SimTime) -> (u128, u128) {
        let dt = now.since(self.last_change).0 as u128;
        (
            self.total_busy_area + self.busy_area + dt * self.busy as u128,
            self.total_queue_area + self.queue_area + dt * self.queue.len() as u128,
        )
    }
}

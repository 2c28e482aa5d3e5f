//! The event kernel: a priority queue of actions ordered by (time, sequence), a slab of call
//! frames, and the handlers that move each request through the model's nodes.
//!
//! A user request becomes a call tree. Every visit of a node is a [`Frame`] in a slab; a frame
//! names its parent frame, and a node that needs another node (a web server its cache, a cache
//! its database) calls it by creating a child frame and parks its own frame on a `step` of its
//! little state machine. When the child finishes, its result is delivered to the parent, which
//! resumes at that step. Because every kind speaks only `deliver`, `after_service` and `resume`,
//! any node kind composes with any other (web → session store → cache → database), and a failure
//! anywhere travels up the same chain, so every request ends exactly once: completed or failed.

use crate::agenda::Agenda;
use crate::cache::{Dirty, KeyCache, Lookup};
use crate::dist::{Dist, Zipf};
use crate::hashing::{hash64, salted_key, ShardMap};
use crate::metrics::{
    usd_per_million_requests, Bill, Counters, ErrorCause, ErrorCounts, LatencyHistogram,
    LatencySummary, NodeStats, WindowHistogram, WindowStats,
};
use crate::model::{
    AutoscaleMetric, CacheSpec, CdnSpec, DbSpec, DnsSpec, FillFrom, Invalidation, LbPolicy, LbSpec,
    Model, NodeId, NodeKind, QueueSpec, ReadStrategy, RegionId, Replication, ServerSpec, Sessions,
    ShardRouterSpec, UsersSpec, WriteStrategy, UNLIMITED_CORES,
};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

type ReqId = u32;
type FrameId = u32;
const NIL: u32 = u32::MAX;

/// What a frame asks of the node it visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Read,
    /// A read a cache sends on a miss when it fills from the primary (`fill_from`): it skips
    /// the replicas, so the fill is as fresh as the last acknowledged write.
    PrimaryRead,
    Write,
    Static,
    /// Load or check the user's session.
    Session,
    /// Publish a job (to a queue), or a job being consumed.
    Job,
    /// A write-back cache writing a buffered version to the database (`version` is carried).
    Flush,
    /// Resharding copying one key to its new shard.
    Migrate,
}

/// The outcome of a frame: the version of the key read or written, or why it failed.
type Outcome = Result<u32, ErrorCause>;

#[derive(Debug, Clone, Copy)]
struct Frame {
    req: ReqId,
    parent: FrameId,
    node: NodeId,
    op: Op,
    step: u8,
    /// Children still outstanding (scatter-gather).
    pending: u16,
    key: u32,
    version: u32,
    /// The node's epoch when this frame took a worker: a crash since then fails it.
    epoch: u32,
    /// Kind-specific: the target a load balancer chose (on its own frame, or on a frame it
    /// forwarded: see `lb`), or the resharding router a migration copy reports back to.
    aux: u32,
    /// The load balancer this frame passed through on its way to its node (NIL if none): it
    /// counts the frame as outstanding on target `aux` until the frame finishes.
    lb: NodeId,
    /// A web server's read: the last acknowledged version of its key when it asked its data
    /// tier. The read is stale if it returns an older one (a write that completes while the
    /// read is under way may or may not be seen, as in any real system). A cache's miss: the
    /// key's fill lease when the miss left.
    seen: u32,
    /// The first error seen among scatter-gather children.
    err: Option<ErrorCause>,
    born: SimTime,
}

impl Frame {
    /// A frame with no parent (a user's request, a write-back flush, a job, a migration copy),
    /// at its first step with nothing outstanding.
    #[inline]
    fn root(req: ReqId, node: NodeId, op: Op, key: u32, born: SimTime) -> Frame {
        Frame {
            req,
            parent: NIL,
            node,
            op,
            step: 0,
            pending: 0,
            key,
            version: 0,
            epoch: 0,
            aux: 0,
            lb: NIL,
            seen: 0,
            err: None,
            born,
        }
    }
}

/// Something that happens at an instant of simulated time. Small and `Copy`, so the agenda moves
/// plain bytes.
#[derive(Debug, Clone, Copy)]
// A plain tag byte, read by one load at every event: left to itself the compiler folds the tag
// into `Return`'s outcome and decodes it on every dispatch.
#[repr(u8)]
enum Action {
    /// The next request of a users node is due (`generation` drops arrivals scheduled before the
    /// rate last changed).
    Arrival {
        node: NodeId,
        generation: u32,
    },
    /// A frame reaches its node.
    Deliver {
        frame: FrameId,
    },
    /// A child's outcome reaches its parent frame.
    Return {
        frame: FrameId,
        outcome: Outcome,
    },
    /// A worker finishes the frame it serves (`epoch` detects a crash since it started).
    ServiceDone {
        frame: FrameId,
        epoch: u32,
    },
    /// The same for a web server, a cache and a database, the stations of nearly every request:
    /// the action names the step that follows, so dispatching it is one jump, not a jump on the
    /// action and then another on the node's kind (both hard to predict).
    ServerDone {
        frame: FrameId,
        epoch: u32,
    },
    CacheDone {
        frame: FrameId,
        epoch: u32,
    },
    DbDone {
        frame: FrameId,
        epoch: u32,
    },
    /// A frame that was waiting (a synchronous replication) finishes with its stored version.
    Wake {
        frame: FrameId,
    },
    /// The response reaches the user.
    Reply {
        req: ReqId,
    },
    WindowEnd,
    /// The design's scheduled command number `index`.
    Scheduled {
        index: u32,
    },
    HealthCheck {
        node: NodeId,
    },
    /// The primary of this database group may be replaced (if still down at this time).
    Failover {
        node: NodeId,
        epoch: u32,
    },
    /// A replica receives the write held in slot `slot` of the replication slab.
    Replicate {
        slot: u32,
    },
    /// A write-back cache flushes its dirty entries.
    Flush {
        node: NodeId,
    },
    /// A CDN purge takes effect.
    Purge {
        node: NodeId,
    },
    /// A resharding router migrates its next batch of keys.
    Migrate {
        node: NodeId,
    },
    /// An autoscaled server pool measures its utilisation and decides.
    Autoscale {
        node: NodeId,
    },
    /// `count` instances launched by the autoscaler finish booting and start serving.
    Boot {
        node: NodeId,
        count: u32,
    },
}

// The agenda moves actions on every sift; keeping them at 16 bytes keeps a heap entry at 32
// (two per cache line). Larger payloads live in a slab and travel by index.
const _: () = assert!(std::mem::size_of::<Action>() <= 16);

/// An [`Action`] as the agenda holds it: one 128-bit integer, the tag in the low byte, a 32-bit
/// field above it and a second field (up to 33 bits: an outcome) above that.
///
/// In WebAssembly a 16-byte enum is an aggregate: handed to a function that is not inlined (a
/// cold path of the agenda, `push_after`) it goes through linear memory, so every caller keeps
/// a frame on the shadow stack and builds the action there before copying it. An integer, and a
/// heap entry of two integers, travel in registers (4 % fewer instructions in V8 on the engine
/// benchmark, with two changes made with it: `ErrorCause`'s width, and 128-bit products kept
/// out of the stations' hot path, now in [`Area::add_product`]).
/// Natively, where the enum travels in registers anyway, packing would only add shifts (2 %).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
struct Packed(u128);

/// What the agenda holds: the action itself natively, packed in WebAssembly.
#[cfg(target_arch = "wasm32")]
type Queued = Packed;
#[cfg(not(target_arch = "wasm32"))]
type Queued = Action;

#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
impl Action {
    #[inline(always)]
    fn queued(self) -> Queued {
        #[cfg(target_arch = "wasm32")]
        return self.pack();
        #[cfg(not(target_arch = "wasm32"))]
        self
    }

    #[inline(always)]
    fn dequeued(queued: Queued) -> Action {
        #[cfg(target_arch = "wasm32")]
        return queued.unpack();
        #[cfg(not(target_arch = "wasm32"))]
        queued
    }

    #[inline(always)]
    fn pack(self) -> Packed {
        let (tag, a, b): (u8, u32, u64) = match self {
            Action::Arrival { node, generation } => (0, node, u64::from(generation)),
            Action::Deliver { frame } => (1, frame, 0),
            Action::Return { frame, outcome } => (2, frame, pack_outcome(outcome)),
            Action::ServiceDone { frame, epoch } => (3, frame, u64::from(epoch)),
            Action::ServerDone { frame, epoch } => (4, frame, u64::from(epoch)),
            Action::CacheDone { frame, epoch } => (5, frame, u64::from(epoch)),
            Action::DbDone { frame, epoch } => (6, frame, u64::from(epoch)),
            Action::Wake { frame } => (7, frame, 0),
            Action::Reply { req } => (8, req, 0),
            Action::WindowEnd => (9, 0, 0),
            Action::Scheduled { index } => (10, index, 0),
            Action::HealthCheck { node } => (11, node, 0),
            Action::Failover { node, epoch } => (12, node, u64::from(epoch)),
            Action::Replicate { slot } => (13, slot, 0),
            Action::Flush { node } => (14, node, 0),
            Action::Purge { node } => (15, node, 0),
            Action::Migrate { node } => (16, node, 0),
            Action::Autoscale { node } => (17, node, 0),
            Action::Boot { node, count } => (18, node, u64::from(count)),
        };
        Packed(u128::from(tag) | (u128::from(a) << 8) | (u128::from(b) << 40))
    }
}

#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
impl Packed {
    #[inline(always)]
    fn unpack(self) -> Action {
        let a = (self.0 >> 8) as u32;
        let b = (self.0 >> 40) as u64;
        // Every second field but an outcome is 32 bits wide.
        let b32 = b as u32;
        match self.0 as u8 {
            0 => Action::Arrival {
                node: a,
                generation: b32,
            },
            1 => Action::Deliver { frame: a },
            2 => Action::Return {
                frame: a,
                outcome: unpack_outcome(b),
            },
            3 => Action::ServiceDone {
                frame: a,
                epoch: b32,
            },
            4 => Action::ServerDone {
                frame: a,
                epoch: b32,
            },
            5 => Action::CacheDone {
                frame: a,
                epoch: b32,
            },
            6 => Action::DbDone {
                frame: a,
                epoch: b32,
            },
            7 => Action::Wake { frame: a },
            8 => Action::Reply { req: a },
            9 => Action::WindowEnd,
            10 => Action::Scheduled { index: a },
            11 => Action::HealthCheck { node: a },
            12 => Action::Failover {
                node: a,
                epoch: b32,
            },
            13 => Action::Replicate { slot: a },
            14 => Action::Flush { node: a },
            15 => Action::Purge { node: a },
            16 => Action::Migrate { node: a },
            17 => Action::Autoscale { node: a },
            18 => Action::Boot {
                node: a,
                count: b32,
            },
            // Only `Action::pack` makes these.
            tag => unreachable!("unknown action tag {tag}"),
        }
    }
}

/// An outcome in 33 bits: the version, or the cause with bit 32 set.
#[inline(always)]
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
fn pack_outcome(outcome: Outcome) -> u64 {
    match outcome {
        Ok(version) => u64::from(version),
        Err(cause) => (1 << 32) | cause as u64,
    }
}

#[inline(always)]
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
fn unpack_outcome(bits: u64) -> Outcome {
    if bits >> 32 == 0 {
        Ok(bits as u32)
    } else {
        Err(match bits as u32 {
            0 => ErrorCause::Timeout,
            1 => ErrorCause::Rejected,
            2 => ErrorCause::NoRoute,
            _ => ErrorCause::NodeDown,
        })
    }
}

/// A write on its way from a primary to a replica (`epoch`: of the primary that sent it).
#[derive(Debug, Clone, Copy)]
struct ReplicaWrite {
    replica: NodeId,
    primary: NodeId,
    key: u32,
    version: u32,
    epoch: u32,
    /// When the primary sent it: the lag is exact at any simulated age.
    sent: SimTime,
}

#[derive(Debug, Clone, Copy)]
struct Request {
    born: SimTime,
    source: NodeId,
    user: u32,
    /// One-way latency of the response back to the user.
    back: SimDuration,
    /// Bytes of the response (a dynamic response or a static asset): the answering tier's
    /// egress.
    bytes: u32,
}

/// A live change to a running simulation: traffic and faults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Sets the base request rate of a users node.
    SetRate { node: NodeId, rps: f64 },
    /// Crashes a node: requests it holds fail, new ones are refused, its memory is lost.
    Kill { node: NodeId },
    /// Brings a crashed node back, empty.
    Restore { node: NodeId },
    /// Multiplies a node's service times by `factor` (1 restores normal speed).
    Slow { node: NodeId, factor: f64 },
    /// Kills every node of a data centre.
    KillRegion { region: RegionId },
    /// Restores every node of a data centre.
    RestoreRegion { region: RegionId },
    /// Cuts the network between two regions: calls across fail, replication waits.
    Partition { a: RegionId, b: RegionId },
    /// Repairs a partition.
    Heal { a: RegionId, b: RegionId },
    /// Deploys a new version of every static asset behind a CDN (purge, versioned URL or TTL).
    Deploy { node: NodeId },
    /// Adds the next spare shard to a sharded database (k → k+1) and starts migrating keys.
    Reshard { node: NodeId },
}

/// The mean gap between arrivals at a steady rate (a profile draws at its envelope's instead);
/// infinite for no traffic, which never reaches a draw.
fn mean_gap_s(rate_rps: f64) -> f64 {
    1.0 / rate_rps
}

/// `dt · level` for a time integral. The product nearly always fits in 64 bits (an hour times
/// a million workers does), and a 128-bit multiply, like `checked_mul`'s overflow test, is a
/// software routine in WebAssembly (`__multi3`, 5 % of a stage-5 run in V8's profile). Operands
/// of at most 64 significant bits between them cannot overflow.
#[inline(always)]
fn area(dt: u64, level: u64) -> u128 {
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
fn product_by_bits(dt: u64, level: u64) -> Option<u64> {
    (dt.leading_zeros() + level.leading_zeros() >= 64).then(|| dt * level)
}

/// A time integral (worker- or frame-nanoseconds) that grows by 64-bit adds: its low 64 bits
/// and how often they wrapped. A 128-bit add is a chain of compares and selects in WebAssembly,
/// paid twice on every change of every station; a wrap (billions of worker-seconds in one
/// window) is all but never.
#[derive(Debug, Clone, Copy, Default)]
struct Area {
    low: u64,
    wraps: u64,
}

impl Area {
    /// Adds `dt · level`.
    #[inline(always)]
    fn add_product(&mut self, dt: u64, level: u64) {
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
    fn add_product_wide(&mut self, dt: u64, level: u64) {
        let sum = self.total() + area(dt, level);
        (self.low, self.wraps) = (sum as u64, (sum >> 64) as u64);
    }

    fn total(self) -> u128 {
        (u128::from(self.wraps) << 64) | u128::from(self.low)
    }
}

/// Workers, a FIFO queue and the time integrals that give utilisation and queue length; and the
/// cores a worker computes on (a web server's only: the other stations serve at most
/// `min(workers, cores)` at once, so their workers never wait for a core).
struct Station {
    workers: u32,
    busy: u32,
    queue: VecDeque<FrameId>,
    queue_capacity: u32,
    slow: f64,
    last_change: SimTime,
    /// The open window's integrals of busy workers and of queued frames.
    busy_area: Area,
    queue_area: Area,
    /// Worker-time available from `capacity_mark` up to the last change of `workers`: the
    /// denominator of utilisation when an autoscaler changes the workers mid-window.
    capacity_area: u128,
    capacity_mark: SimTime,
    /// Cores of the node ([`UNLIMITED_CORES`]: none to wait for). Workers wait for one only
    /// when there are fewer cores than workers; otherwise the core layer costs nothing.
    cores: u32,
    /// Cores computing, and workers waiting for one (their CPU work not yet started).
    cores_busy: u32,
    core_queue: VecDeque<FrameId>,
    /// CPU time of the services started in the open window (counted when they start).
    cpu_ns: u64,
    /// Core-time available from `capacity_mark` up to the last change of `cores`.
    cpu_capacity_area: u128,
}

impl Station {
    fn new(workers: u32, queue_capacity: u32) -> Station {
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
    fn on_cores(workers: u32, cores: u32, queue_capacity: u32) -> Station {
        let mut st = Station::new(workers.min(cores).max(1), queue_capacity);
        st.cores = cores.max(1);
        st
    }

    /// Worker-nanoseconds available from the capacity mark to `now` (at least one worker, so
    /// that a ratio over it is defined).
    fn capacity_until(&self, now: SimTime) -> u128 {
        self.capacity_area
            + area(
                now.since(self.capacity_mark).0,
                u64::from(self.workers.max(1)),
            )
    }

    /// The cores CPU utilisation is measured over: the node's own, or its workers when the
    /// cores are unlimited.
    fn cpu_cores(&self) -> u64 {
        if self.cores == UNLIMITED_CORES {
            u64::from(self.workers.max(1))
        } else {
            u64::from(self.cores.max(1))
        }
    }

    /// Core-nanoseconds available from the capacity mark to `now`.
    fn cpu_capacity_until(&self, now: SimTime) -> u128 {
        self.cpu_capacity_area + area(now.since(self.capacity_mark).0, self.cpu_cores())
    }

    /// Changes the number of workers and cores from `now` on.
    fn set_workers(&mut self, now: SimTime, workers: u32, cores: u32) {
        self.account(now);
        self.capacity_area = self.capacity_until(now);
        self.cpu_capacity_area = self.cpu_capacity_until(now);
        self.capacity_mark = now;
        self.workers = workers;
        self.cores = cores;
    }

    /// Adds the time since the last change to the busy and queue integrals.
    #[inline]
    fn account(&mut self, now: SimTime) {
        let dt = now.since(self.last_change).0;
        self.busy_area.add_product(dt, u64::from(self.busy));
        self.queue_area.add_product(dt, self.queue.len() as u64);
        self.last_change = now;
    }
}

struct UsersRt {
    spec: UsersSpec,
    rate_rps: f64,
    /// The mean gap between arrivals at a steady rate, `1 / rate`: kept with the rate, so that
    /// an arrival pays no division.
    mean_gap_s: f64,
    generation: u32,
    zipf: Zipf,
    static_zipf: Zipf,
    /// Bytes of a dynamic response and of a static asset.
    response_bytes: u32,
    static_bytes: u32,
    /// Per user: the cached DNS answer. Read at every arrival, for a user drawn at random: both
    /// halves of an answer share one cache line.
    dns: Vec<DnsAnswer>,
}

/// A user's cached DNS answer: when it expires (ns of simulated time, exact at any age: a
/// u32 of ms wrapped after 49.7 days) and which target it names; 16 bytes, four to a line.
#[derive(Debug, Clone, Copy, Default)]
struct DnsAnswer {
    expiry: u64,
    target: u16,
}

const _: () = assert!(std::mem::size_of::<DnsAnswer>() == 16);

struct ServerRt {
    spec: ServerSpec,
    /// Users whose session this server holds in memory (a bitset).
    sessions: Vec<u64>,
    /// Instances serving, and instances launched that are still booting.
    running: u32,
    booting: u32,
    /// Lifetime busy and available worker-time, and CPU and core-time, at the autoscaler's
    /// last evaluation.
    eval_busy: u128,
    eval_capacity: u128,
    eval_cpu: u128,
    eval_cpu_capacity: u128,
}

impl ServerRt {
    /// The pool's workers and cores with `running` instances.
    fn pool(&self, running: u32) -> (u32, u32) {
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
    fn cost_per_hour_usd(&self) -> f64 {
        self.spec.cost_per_hour_usd * f64::from(self.running + self.booting)
    }
}

struct LbRt {
    spec: LbSpec,
    healthy: Vec<bool>,
    /// How many of `healthy` are true: counted when a health check changes them, not per pick.
    healthy_count: usize,
    fails: Vec<u32>,
    passes: Vec<u32>,
    outstanding: Vec<u32>,
    next: usize,
    /// Sticky sessions: target index + 1 per user (0 = none yet).
    sticky: Vec<u16>,
}

struct CacheRt {
    spec: CacheSpec,
    store: KeyCache,
    /// Per key (grown on demand): the reads this cache has sent to its database and not yet
    /// had back, and the key's fill lease.
    fetching: Vec<KeyFetch>,
}

/// A cache's per-key miss state, side by side so a miss touches one line.
#[derive(Debug, Clone, Copy, Default)]
struct KeyFetch {
    /// Reads in flight: a miss that finds one is part of a stampede.
    reads: u16,
    /// Bumped by every invalidation of the key. A miss remembers it, and its fill is refused if
    /// it changed meanwhile (a lease, as memcached's): the read may predate the write whose
    /// delete it raced, and would otherwise put the old version back for a whole TTL.
    lease: u16,
}

struct DbRt {
    spec: DbSpec,
    /// This member's column of versions in the key table.
    col: usize,
    /// For the group's address node: the member acting as primary now, and the reader rotation.
    primary: NodeId,
    next_reader: usize,
    /// Writes sent to replicas and not yet applied.
    unreplicated: u64,
}

struct CdnRt {
    spec: CdnSpec,
    store: KeyCache,
    asset_version: u32,
}

struct QueueRt {
    spec: QueueSpec,
}

struct RouterRt {
    spec: ShardRouterSpec,
    map: Option<ShardMap>,
    /// During a resharding: the map keys are leaving, and which keys have arrived.
    old: Option<ShardMap>,
    migrated: Vec<u64>,
    /// The router's migration queues, one per new shard (by position in `spec.shards`): keys
    /// still to copy there (a failed copy goes back to the end), and the copies in flight
    /// there, which the throttle bounds. The pacer visits the shards in turn from `next_slot`.
    waiting: Vec<VecDeque<u32>>,
    in_flight: Vec<u32>,
    next_slot: usize,
    /// Copies sent and not yet landed.
    copying: usize,
    /// When the resharding under way began (for the migration-time counter).
    migrating_since: SimTime,
    /// During a resharding of salted hot keys: (shard key, hot key) of every salted row,
    /// sorted, so a copy of a shard key carries the hot-key rows stored under it.
    salted_rows: Vec<(u32, u32)>,
}

/// A node's kind and its runtime state. Matched on at nearly every step of a request, so the
/// kind is a plain tag byte: without `repr(u8)` the compiler hides it in a spare bit pattern of
/// `DnsSpec`, and every match first decodes it (several instructions, measured).
#[repr(u8)]
enum Kind {
    Users(Box<UsersRt>),
    Dns(DnsSpec),
    Server(Box<ServerRt>),
    Lb(Box<LbRt>),
    Cache(Box<CacheRt>),
    Db(Box<DbRt>),
    Cdn(Box<CdnRt>),
    Queue(Box<QueueRt>),
    Router(Box<RouterRt>),
}

#[derive(Default, Clone, Copy)]
struct NodeCount {
    served: u64,
    errors: u64,
    hits: u64,
    misses: u64,
}

struct NodeRt {
    region: RegionId,
    up: bool,
    epoch: u32,
    rng: SimRng,
    station: Station,
    kind: Kind,
    win: NodeCount,
    total: NodeCount,
    total_busy_area: u128,
    total_queue_area: u128,
    total_capacity_area: u128,
    /// CPU time and available core-time of the closed windows after the warm-up.
    total_cpu_ns: u128,
    total_cpu_capacity_area: u128,
    /// Busy and available worker-time, and CPU and core-time, of every closed window, warm-up
    /// included (autoscaling).
    life_busy_area: u128,
    life_capacity_area: u128,
    life_cpu_ns: u128,
    life_cpu_capacity_area: u128,
    cost_per_hour_usd: f64,
    /// What this node did that is billed by use, in the open window and in the closed windows
    /// after the warm-up, and the dollars its running instances cost in those windows.
    usage: Usage,
    total_usage: Usage,
    total_fixed_usd: f64,
}

/// Usage a node is billed for, counted by plain adds where a request already is and priced at
/// the window's end. Requests through a balancer and a CDN's requests are its `NodeCount`.
#[derive(Default, Clone, Copy)]
struct Usage {
    /// Bytes of the responses this node sent to users.
    egress_bytes: u64,
    /// Bytes this node sent to (or asked for from) other data centres.
    cross_region_bytes: u64,
    /// A queue's requests, a name server's queries.
    requests: u64,
}

impl Usage {
    fn add(&mut self, o: &Usage) {
        self.egress_bytes += o.egress_bytes;
        self.cross_region_bytes += o.cross_region_bytes;
        self.requests += o.requests;
    }
}

/// Queue requests a job costs, SQS-style: the producer's send, the consumer's receive and its
/// delete once done.
const QUEUE_REQUESTS_PER_JOB: u64 = 3;

/// What a call across data centres to a node other than a database or cache carries, in KB (a
/// session, a job message).
const MESSAGE_KB: f64 = 1.0;

/// Bytes in `kb` kilobytes (1 KB = 1024 bytes), saturating.
fn kb_bytes(kb: f64) -> u64 {
    (kb.max(0.0) * 1024.0) as u64
}

/// The prices the bill uses, looked up in the price table once.
struct Rates {
    internet_egress_gb: f64,
    cdn_https_10k: f64,
    inter_region_gb: f64,
    lcu_hour: f64,
    queue_million: f64,
    dns_standard_million: f64,
    dns_geo_million: f64,
}

impl Rates {
    fn from_table() -> Rates {
        let usd = |id: &str| crate::prices::price(id).map_or(0.0, |p| p.usd);
        Rates {
            internet_egress_gb: usd("ec2_egress_internet"),
            cdn_https_10k: usd("cloudfront_https_us"),
            inter_region_gb: usd("inter_region_transfer"),
            lcu_hour: usd("alb_lcu_hour"),
            queue_million: usd("sqs_standard"),
            dns_standard_million: usd("route53_queries_standard"),
            dns_geo_million: usd("route53_queries_geo"),
        }
    }
}

/// How often a primary retries sending a write to a replica it cannot reach.
const REPLICATION_RETRY: SimDuration = SimDuration::from_millis(500);

/// The key table's column of the last acknowledged version per key.
const TRUTH: usize = 0;

/// Per-key state in one row per key: the last acknowledged version (column [`TRUTH`]) and each
/// database member's stored version (its `col`). A request touching a key reads several of these
/// (the replica's version, then the truth to detect a stale read); side by side they share one
/// cache line instead of costing one random memory access each.
struct KeyTable {
    vals: Vec<u32>,
    stride: usize,
    keys: usize,
}

impl KeyTable {
    fn new(keys: usize, columns: usize) -> KeyTable {
        KeyTable {
            vals: vec![0; keys * columns],
            stride: columns,
            keys,
        }
    }

    /// The value of `key` in `col` (0 for a key outside the key space).
    #[inline]
    fn get(&self, key: usize, col: usize) -> u32 {
        if key < self.keys {
            self.vals[key * self.stride + col]
        } else {
            0
        }
    }

    #[inline]
    fn get_mut(&mut self, key: usize, col: usize) -> Option<&mut u32> {
        if key < self.keys {
            Some(&mut self.vals[key * self.stride + col])
        } else {
            None
        }
    }

    /// Asks the CPU to fetch `key`'s row (a hint).
    #[inline]
    fn prefetch(&self, key: usize) {
        crate::hint::prefetch(&self.vals, key.wrapping_mul(self.stride));
    }

    fn rows(&self) -> std::slice::ChunksExact<'_, u32> {
        self.vals.chunks_exact(self.stride)
    }

    fn rows_mut(&mut self) -> std::slice::ChunksExactMut<'_, u32> {
        self.vals.chunks_exact_mut(self.stride)
    }
}

/// Running totals since the start, used for the conservation check.
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
    /// Requests still in flight at the end, and those born in the warm-up that were in flight
    /// when counting began: `generated + from_warmup == completed + errors + in_flight`.
    #[serde(default)]
    pub in_flight: u64,
    #[serde(default)]
    pub from_warmup: u64,
    pub latency: LatencySummary,
    pub throughput_rps: f64,
    pub nodes: Vec<NodeReport>,
    /// The whole bill as dollars per hour: the running nodes (at their mean rate) plus the
    /// usage counted since the warm-up at its pace; the sum of the nodes'.
    pub cost_per_hour_usd: f64,
    /// The same bill line by line, per month (730 h), and per million requests generated.
    #[serde(default)]
    pub bill: Bill,
    #[serde(default)]
    pub cost_per_month_usd: f64,
    #[serde(default)]
    pub usd_per_million_requests: f64,
    /// Events the kernel processed in the whole run.
    pub events: u64,
    /// Mechanism counts since the warm-up.
    #[serde(default)]
    pub counters: Counters,
    #[serde(default)]
    pub cache_hit_ratio: Option<f64>,
    #[serde(default)]
    pub cdn_hit_ratio: Option<f64>,
    #[serde(default)]
    pub job_latency: LatencySummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeReport {
    pub key: String,
    /// Worker occupancy: time workers are held (waits downstream included) over the workers'
    /// time; for a database, cache or queue, over its `min(workers, cores)` service slots.
    pub utilization: f64,
    pub mean_queue: f64,
    pub served: u64,
    pub hit_ratio: Option<f64>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub errors: u64,
    /// This node's bill, dollars per hour, and its lines.
    #[serde(default)]
    pub cost_per_hour_usd: f64,
    /// CPU utilisation: CPU time over the cores' time (`utilization` is worker occupancy).
    #[serde(default)]
    pub cpu_utilization: f64,
    #[serde(default)]
    pub bill: Bill,
    /// Instances billed: a server pool's at the end, a cache's nodes; 1 for other nodes.
    #[serde(default)]
    pub instances: u32,
}

/// One simulation run of one model with one seed.
pub struct Simulation {
    seed: u64,
    keys: Vec<String>,
    kinds: Vec<&'static str>,
    now: SimTime,
    events: u64,
    agenda: Agenda<Queued>,
    requests: Vec<Request>,
    free_requests: Vec<ReqId>,
    frames: Vec<Frame>,
    free_frames: Vec<FrameId>,
    replica_writes: Vec<ReplicaWrite>,
    free_replica_writes: Vec<u32>,
    nodes: Vec<NodeRt>,
    regions: usize,
    latency: Vec<SimDuration>,
    partitioned: Vec<bool>,
    schedule: Vec<(SimTime, Command)>,
    /// Per key: the last acknowledged version (what a fresh read must return) and every
    /// database member's stored version, side by side.
    keys_tab: KeyTable,
    /// Per user of all users nodes: whether they ever logged in (a bitset).
    logged_in: Vec<u64>,
    user_base: Vec<u32>,
    window_len: SimDuration,
    warmup_end: SimTime,
    /// Requests in flight when the first window after the warm-up opened (born in the warm-up,
    /// finishing in the report's span); `None` until then.
    from_warmup: Option<u64>,
    window_index: u64,
    window_start: SimTime,
    /// The end of the current [`Simulation::run_until`]: nothing outside looks at the
    /// simulation before then.
    horizon: SimTime,
    window_hist: WindowHistogram,
    window_generated: u64,
    window_completed: u64,
    window_errors: ErrorCounts,
    window_counters: Counters,
    window_jobs: WindowHistogram,
    total_hist: LatencyHistogram,
    total_generated: u64,
    total_completed: u64,
    total_errors: ErrorCounts,
    /// Whether the running nodes' rate can change during the run (a pool autoscales, or a
    /// resharding brings in a spare shard): then the report bills each node's spend in the
    /// windows after the warm-up (`NodeRt::total_fixed_usd`) averaged, not the final rate.
    /// The simulated seconds of those windows.
    total_fixed_cost: SimDuration,
    cost_varies: bool,
    rates: Rates,
    total_counters: Counters,
    total_jobs: LatencyHistogram,
    all: Conservation,
    outbox: Vec<WindowStats>,
}

impl Simulation {
    /// Prepares a run; nothing happens until [`Simulation::run_until`].
    pub fn new(model: &Model, seed: u64) -> Simulation {
        let key_space = model
            .nodes
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Users(u) => u.keys,
                NodeKind::ShardRouter(r) => r.key_space,
                _ => 1,
            })
            .max()
            .unwrap_or(1)
            .max(1) as usize;
        let mut user_base = Vec::new();
        let mut users_total = 0u64;
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
                _ => false,
            }),
            total_jobs: LatencyHistogram::new(),
            all: Conservation::default(),
            outbox: Vec::new(),
        };
        // Spare shards are priced but cost nothing until a resharding brings them in.
        let spares: Vec<NodeId> = sim
            .nodes
            .iter()
            .filter_map(|n| match &n.kind {
                Kind::Router(r) => Some(r.spec.shards.iter().skip(r.spec.active.max(1) as usize)),
                _ => None,
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
            match &sim.nodes[id as usize].kind {
                Kind::Lb(lb) if lb.spec.health_interval.0 > 0 => {
                    let at = SimTime::ZERO + lb.spec.health_interval;
                    sim.schedule(at, Action::HealthCheck { node: id });
                }
                Kind::Cache(c) if c.spec.write == WriteStrategy::WriteBack => {
                    let at = SimTime::ZERO + c.spec.flush_interval.max(SimDuration(1));
                    sim.schedule(at, Action::Flush { node: id });
                }
                Kind::Server(s) => {
                    if let Some(rule) = s.spec.autoscale {
                        let interval = rule.interval.max(SimDuration(1));
                        sim.schedule_after(interval, Action::Autoscale { node: id });
                    }
                }
                _ => {}
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
    fn process_until(&mut self, until: SimTime) {
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

    /// The cumulative report of everything measured after the warm-up.
    pub fn report(&self) -> Report {
        let measured = self.now.since(self.warmup_end);
        let measured_s = measured.as_secs_f64();
        // Areas of the window still open count when that window is after the warm-up.
        let open = self.window_start >= self.warmup_end;
        let mut counters = self.total_counters;
        let mut bill = Bill::default();
        // Running instances are billed at each node's mean rate over the windows counted (a
        // warm-up that ends mid-window leaves that window out) when the rate can change.
        let open_s = if open {
            self.now.since(self.window_start).as_secs_f64()
        } else {
            0.0
        };
        let counted_s = self.total_fixed_cost.as_secs_f64() + open_s;
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| !matches!(n.kind, Kind::Users(_)))
            .map(|(i, n)| {
                let st = &n.station;
                let dt = self.now.since(st.last_change).0;
                let (mut busy, mut queue) = (n.total_busy_area, n.total_queue_area);
                let mut capacity = n.total_capacity_area;
                let (mut cpu, mut cpu_capacity) = (n.total_cpu_ns, n.total_cpu_capacity_area);
                let mut count = n.total;
                let mut usage = n.total_usage;
                if open {
                    usage.add(&n.usage);
                    count_usage(&n.kind, &n.usage, n.win, &mut counters);
                    busy += st.busy_area.total() + area(dt, u64::from(st.busy));
                    queue += st.queue_area.total() + area(dt, st.queue.len() as u64);
                    capacity += st.capacity_until(self.now);
                    cpu += u128::from(st.cpu_ns);
                    cpu_capacity += st.cpu_capacity_until(self.now);
                    count.served += n.win.served;
                    count.errors += n.win.errors;
                    count.hits += n.win.hits;
                    count.misses += n.win.misses;
                }
                let ns = measured.0 as f64;
                let instances_usd = if !self.cost_varies || counted_s <= 0.0 {
                    n.cost_per_hour_usd
                } else {
                    (n.total_fixed_usd + n.cost_per_hour_usd * open_s / 3600.0)
                        / (counted_s / 3600.0)
                };
                let node_bill = bill_of(n, instances_usd, usage, count, measured_s, &self.rates);
                bill.add(&node_bill);
                NodeReport {
                    key: self.keys[i].clone(),
                    utilization: ratio(busy as f64, capacity as f64),
                    mean_queue: ratio(queue as f64, ns),
                    served: count.served,
                    hit_ratio: hit_ratio(&n.kind, count),
                    kind: self.kinds[i].to_string(),
                    errors: count.errors,
                    cost_per_hour_usd: node_bill.total(),
                    bill: node_bill,
                    instances: match &n.kind {
                        Kind::Server(s) => s.running,
                        Kind::Cache(c) => c.spec.nodes.max(1),
                        _ => 1,
                    },
                    cpu_utilization: ratio(cpu as f64, cpu_capacity as f64).min(1.0),
                }
            })
            .collect();
        let mut jobs = self.total_jobs.clone();
        if open {
            counters.add(&self.window_counters);
            self.window_jobs.merge_into(&mut jobs);
        }
        let mut hist = self.total_hist.clone();
        let (mut completed, mut generated, mut errors) = (
            self.total_completed,
            self.total_generated,
            self.total_errors,
        );
        if open {
            self.window_hist.merge_into(&mut hist);
            completed += self.window_completed;
            generated += self.window_generated;
            errors.timeout += self.window_errors.timeout;
            errors.rejected += self.window_errors.rejected;
            errors.no_route += self.window_errors.no_route;
            errors.node_down += self.window_errors.node_down;
        }
        Report {
            seed: self.seed,
            measured_s,
            warmup_s: self.warmup_end.as_secs_f64(),
            generated,
            completed,
            errors,
            in_flight: self.all.in_flight,
            // Before the first counted window nothing is counted: all in flight is carried.
            from_warmup: self.from_warmup.unwrap_or(self.all.in_flight),
            latency: hist.summary(),
            throughput_rps: ratio(completed as f64, measured_s),
            nodes,
            cost_per_hour_usd: bill.total(),
            bill,
            cost_per_month_usd: crate::prices::per_month(bill.total()),
            usd_per_million_requests: usd_per_million_requests(bill.total(), generated, measured_s),
            events: self.events,
            cache_hit_ratio: counters.cache_hit_ratio(),
            cdn_hit_ratio: counters.cdn_hit_ratio(),
            counters,
            job_latency: jobs.summary(),
        }
    }

    /// The hourly cost of every node that runs now (usage excluded: it depends on traffic).
    pub fn cost_per_hour_usd(&self) -> f64 {
        self.nodes.iter().map(|n| n.cost_per_hour_usd).sum()
    }

    // ----- plumbing ------------------------------------------------------------------------

    /// Schedules an action at a time drawn at random (a service completion, an arrival).
    #[inline]
    fn schedule(&mut self, time: SimTime, action: Action) {
        self.agenda.push(time, action.queued());
    }

    /// Schedules an action a fixed delay from now: a network crossing or an interval of the
    /// design, which recur with the same few values and wait in the agenda's FIFO lanes.
    #[inline]
    fn schedule_after(&mut self, delay: SimDuration, action: Action) {
        self.agenda.push_after(self.now, delay, action.queued());
    }

    fn kind_mut(&mut self, node: NodeId) -> Option<&mut Kind> {
        self.nodes.get_mut(node as usize).map(|n| &mut n.kind)
    }

    fn is_users(&self, node: NodeId) -> bool {
        matches!(
            self.nodes.get(node as usize).map(|n| &n.kind),
            Some(Kind::Users(_))
        )
    }

    #[inline]
    fn lat(&self, a: NodeId, b: NodeId) -> Option<SimDuration> {
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

    fn region_lat(&self, ra: RegionId, rb: RegionId) -> Option<SimDuration> {
        let i = ra as usize * self.regions + rb as usize;
        if ra == rb {
            Some(SimDuration::ZERO)
        } else if self.partitioned.get(i).copied().unwrap_or(false) {
            None
        } else {
            Some(self.latency.get(i).copied().unwrap_or_default())
        }
    }

    fn new_frame(&mut self, frame: Frame) -> FrameId {
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
    fn call(
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
            self.schedule_after(delay, Action::Deliver { frame });
        }
    }

    /// Bills a call from `from` to `to` when it crosses data centres: one payload (the record a
    /// read brings back or a write sends, a cache item, the user's response a balancer's
    /// server sends back, else a message) charged to the caller.
    #[inline(never)]
    fn count_cross_region(&mut self, from: NodeId, to: NodeId, req: ReqId, op: Op) {
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
            Kind::Server(_) | Kind::Lb(_) if req != NIL && op != Op::Session => {
                u64::from(self.requests[req as usize].bytes)
            }
            _ => kb_bytes(MESSAGE_KB),
        };
        self.nodes[from as usize].usage.cross_region_bytes += bytes;
    }

    /// Ends a frame and hands its outcome to the parent (or the user, or nobody for background
    /// work). Frees the slot.
    fn finish(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        self.free_frames.push(frame);
        if f.lb != NIL {
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

    // ----- stations ------------------------------------------------------------------------

    /// Queues a frame for a worker of its node, starting service at once if one is free.
    fn enter(&mut self, frame: FrameId) {
        let now = self.now;
        let node = self.frames[frame as usize].node;
        let n = &mut self.nodes[node as usize];
        if !n.up && !matches!(n.kind, Kind::Queue(_)) {
            n.win.errors += 1;
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
            self.finish(frame, Err(ErrorCause::Rejected));
        }
    }

    /// Inlined into its two callers, `enter` and `start_waiting` (neither is the event loop):
    /// one call fewer per service, 1.4 % of V8's instructions and 0.6 % natively.
    #[inline(always)]
    fn start_service(&mut self, frame: FrameId) {
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
    fn take_core(&mut self, node: NodeId, frame: FrameId) -> bool {
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
    fn release_core(&mut self, node: NodeId) {
        let st = &mut self.nodes[node as usize].station;
        st.cores_busy = st.cores_busy.saturating_sub(1);
        self.fill_cores(node);
    }

    /// Starts waiting workers on free cores; those whose user has given up are dropped as
    /// timeouts (after the next live one has started, so the order stays FIFO).
    fn fill_cores(&mut self, node: NodeId) {
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
    fn compute(&mut self, frame: FrameId) {
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
            _ => (
                Dist::Constant { mean_s: 0.0 },
                Action::ServiceDone { frame, epoch },
            ),
        };
        let mut d = dist.sample(&mut n.rng);
        if n.station.slow != 1.0 {
            d = SimDuration::from_secs_f64(d.as_secs_f64() * n.station.slow);
        }
        n.station.cpu_ns = n.station.cpu_ns.wrapping_add(d.0);
        self.frames[frame as usize].epoch = epoch;
        self.schedule(self.now + d, done);
    }

    /// Returns a worker to the node and starts the next waiting frame; frames whose user has
    /// already given up are dropped as timeouts instead of wasting the worker.
    #[inline(always)]
    fn free_worker(&mut self, node: NodeId) {
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
    fn start_waiting(&mut self, node: NodeId) {
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

    fn expired(&self, frame: FrameId) -> bool {
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

    // ----- dispatch ------------------------------------------------------------------------

    /// Inlined into the event loop with the handlers of the common actions. The handlers of
    /// the rare ones (windows, health checks, replication, failover, flushes, autoscaling,
    /// resharding, scheduled commands) are `#[inline(never)]`: inlined, they made the loop so
    /// large that V8 spilled more of its hot values (0.3 % more of its instructions overall).
    #[inline(always)]
    fn handle(&mut self, action: Action) {
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
                    self.apply(command);
                }
            }
            Action::HealthCheck { node } => self.on_health_check(node),
            Action::Failover { node, epoch } => self.on_failover(node, epoch),
            Action::Replicate { slot } => self.on_replicate(slot),
            Action::Flush { node } => self.on_flush(node),
            Action::Purge { node } => {
                if let Some(Kind::Cdn(cdn)) = self.kind_mut(node) {
                    cdn.store.clear();
                }
            }
            Action::Migrate { node } => self.on_migrate(node),
            Action::Autoscale { node } => self.on_autoscale(node),
            Action::Boot { node, count } => self.on_boot(node, count),
        }
    }

    fn deliver(&mut self, frame: FrameId) {
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
            Kind::Users(_) | Kind::Dns(_) => self.finish(frame, Err(ErrorCause::NoRoute)),
        }
    }

    /// A queue's worker (or any other station's but a web server's, a cache's and a
    /// database's, which finish with actions of their own) has finished `frame`.
    fn on_service_done(&mut self, frame: FrameId, epoch: u32) {
        if !self.served(frame, epoch) {
            return;
        }
        let f = self.frames[frame as usize];
        match &self.nodes[f.node as usize].kind {
            Kind::Queue(_) => {
                let born = f.born;
                self.free_worker(f.node);
                let latency = self.now.since(born);
                self.window_jobs.record(latency);
                self.window_counters.jobs_done += 1;
                self.free_frames.push(frame);
            }
            _ => {
                self.free_worker(f.node);
                self.finish(frame, Ok(f.version));
            }
        }
    }

    /// A worker has finished `frame`: counts it served and says whether its step follows, or
    /// handles a crash since it started (`epoch`): the frame then fails, or a durable queue
    /// takes its job back.
    #[inline(always)]
    fn served(&mut self, frame: FrameId, epoch: u32) -> bool {
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
    fn crashed_in_service(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let n = &mut self.nodes[f.node as usize];
        // The node crashed while serving this frame; its worker was released at the crash.
        if matches!(n.kind, Kind::Queue(_)) {
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
    fn free_worker_fill(&mut self, node: NodeId) {
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

    fn resume(&mut self, frame: FrameId, outcome: Outcome) {
        let node = self.frames[frame as usize].node;
        match &self.nodes[node as usize].kind {
            Kind::Server(_) => self.server_resume(frame, outcome),
            Kind::Lb(_) => self.lb_resume(frame, outcome),
            Kind::Cache(_) => self.cache_resume(frame, outcome),
            Kind::Cdn(_) => self.cdn_resume(frame, outcome),
            Kind::Router(_) => self.router_resume(frame, outcome),
            Kind::Db(_) | Kind::Queue(_) | Kind::Users(_) | Kind::Dns(_) => {
                self.finish(frame, outcome)
            }
        }
    }

    // ----- users and DNS -------------------------------------------------------------------

    fn schedule_next_arrival(&mut self, node: NodeId) {
        let now = self.now;
        let next = match self.nodes.get_mut(node as usize) {
            Some(NodeRt {
                kind: Kind::Users(users),
                rng,
                ..
            }) if users.rate_rps > 0.0 => {
                if users.spec.profile != crate::model::RateProfile::Steady {
                    Self::profile_arrival(users, rng, now)
                } else {
                    let gap = SimDuration::from_secs_f64(rng.exp(users.mean_gap_s));
                    Some((now + gap, users.generation))
                }
            }
            _ => None,
        };
        if let Some((time, generation)) = next {
            self.schedule(time, Action::Arrival { node, generation });
        }
    }

    /// Thinning over a piecewise envelope: a gap drawn at the bound of the segment holding the
    /// clock; one that leaves the segment is dropped and the draw starts again at its end
    /// (exact: exponential gaps are memoryless), and `on_arrival` accepts at factor / bound.
    #[inline(never)]
    fn profile_arrival(users: &UsersRt, rng: &mut SimRng, now: SimTime) -> Option<(SimTime, u32)> {
        let mut t = now;
        loop {
            let (bound, until) = users.spec.profile.envelope(t);
            let rate = users.rate_rps * bound;
            if rate > 0.0 {
                let at = t + SimDuration::from_secs_f64(rng.exp(1.0 / rate));
                if at < until {
                    return Some((at, users.generation));
                }
            }
            if until == SimTime::MAX {
                return None;
            }
            t = until;
        }
    }

    fn on_arrival(&mut self, node: NodeId, generation: u32) {
        let now = self.now;
        let region = self.nodes[node as usize].region;
        let n = &mut self.nodes[node as usize];
        let Kind::Users(users) = &mut n.kind else {
            return;
        };
        if users.generation != generation {
            return;
        }
        let profile = users.spec.profile;
        let accept = if profile == crate::model::RateProfile::Steady {
            true
        } else {
            n.rng.open01() * profile.envelope(now).0 < profile.factor_at(now)
        };
        if !accept {
            self.schedule_next_arrival(node);
            return;
        }
        let spec = &users.spec;
        let user = n.rng.below(users.dns.len() as u64) as u32;
        let op = if spec.static_fraction > 0.0 && n.rng.open01() < spec.static_fraction {
            Op::Static
        } else if spec.read_fraction >= 1.0 || n.rng.open01() < spec.read_fraction {
            Op::Read
        } else {
            Op::Write
        };
        let key = if op == Op::Static {
            users.static_zipf.sample(&mut n.rng)
        } else if users.zipf.len() > 1 {
            users.zipf.sample(&mut n.rng)
        } else {
            0
        };
        let (entry, cdn, half_rtt) = (spec.entry, spec.cdn, SimDuration(spec.rtt.0 / 2));
        let bytes = if op == Op::Static {
            users.static_bytes
        } else {
            users.response_bytes
        };
        self.schedule_next_arrival(node);
        self.prefetch_next_arrival(node);
        self.all.generated += 1;
        self.window_generated += 1;
        // Static assets come from the CDN's edge while it is up; otherwise from the origin.
        if op == Op::Static {
            if let Some(cdn) = cdn {
                if let Some(NodeRt {
                    up: true,
                    kind: Kind::Cdn(c),
                    ..
                }) = self.nodes.get(cdn as usize)
                {
                    let half = SimDuration(c.spec.edge_rtt.0 / 2);
                    let req = self.alloc(Request {
                        born: now,
                        source: node,
                        user,
                        back: half,
                        bytes,
                    });
                    let frame = self.new_frame(Frame::root(req, cdn, op, key, now));
                    if half.0 == 0 {
                        self.deliver(frame);
                    } else {
                        self.schedule_after(half, Action::Deliver { frame });
                    }
                    return;
                }
            }
        }
        // The client resolves the name unless its cached answer is still fresh.
        let (target, dns_delay) = self.resolve(node, entry, user, region);
        let net = self.region_lat(region, self.nodes[target as usize].region);
        let req = self.alloc(Request {
            born: now,
            source: node,
            user,
            back: half_rtt + net.unwrap_or_default(),
            bytes,
        });
        if net.is_none() {
            self.fail_request(req, ErrorCause::NoRoute);
            return;
        }
        let frame = self.new_frame(Frame::root(req, target, op, key, now));
        let delay = dns_delay + half_rtt + net.unwrap_or_default();
        if delay.0 == 0 {
            self.deliver(frame);
        } else {
            self.schedule_after(delay, Action::Deliver { frame });
        }
    }

    /// Replays, on a copy of the users node's stream, the draws its next arrival will make up to
    /// its Zipf column, and prefetches that column: the table is read at random, so this is the
    /// arrival's likeliest cache miss. Only a hint: the stream itself is untouched.
    fn prefetch_next_arrival(&self, node: NodeId) {
        if !crate::hint::PREFETCHES {
            return;
        }
        let n = &self.nodes[node as usize];
        let Kind::Users(users) = &n.kind else {
            return;
        };
        let spec = &users.spec;
        // A DNS cache this small stays in the CPU's first-level cache.
        let dns_hint = users.dns.len() > 1024;
        if users.zipf.len() <= 1 && spec.static_fraction <= 0.0 && !dns_hint {
            // One key, no static assets and few users: no table read to hide.
            return;
        }
        let mut rng = n.rng.clone();
        if spec.profile != crate::model::RateProfile::Steady {
            rng.open01();
        }
        let user = rng.below(users.dns.len() as u64) as usize;
        if dns_hint {
            crate::hint::prefetch(&users.dns, user);
        }
        if spec.static_fraction > 0.0 && rng.open01() < spec.static_fraction {
            users.static_zipf.prefetch_next(&mut rng);
        } else if users.zipf.len() > 1 {
            if spec.read_fraction < 1.0 {
                rng.open01();
            }
            users.zipf.prefetch_next(&mut rng);
        }
    }

    /// The node a user's request goes to, and the DNS lookup time paid. GeoDNS answers with the
    /// nearest target that is up; the answer is cached for the TTL, dead or not.
    fn resolve(
        &mut self,
        users: NodeId,
        entry: NodeId,
        user: u32,
        region: RegionId,
    ) -> (NodeId, SimDuration) {
        let Some(NodeRt {
            kind: Kind::Dns(dns),
            ..
        }) = self.nodes.get(entry as usize)
        else {
            return (entry, SimDuration::ZERO);
        };
        let (lookup, ttl) = (dns.lookup, dns.ttl);
        let now = self.now.0;
        if let Some(NodeRt {
            kind: Kind::Users(u),
            ..
        }) = self.nodes.get(users as usize)
        {
            let answer = u.dns[user as usize];
            if answer.expiry > now {
                let idx = usize::from(answer.target);
                return (
                    dns.targets[idx.min(dns.targets.len() - 1)],
                    SimDuration::ZERO,
                );
            }
        }
        let mut best: Option<(usize, SimDuration)> = None;
        for (i, &t) in dns.targets.iter().enumerate() {
            let Some(n) = self.nodes.get(t as usize) else {
                continue;
            };
            if !n.up {
                continue;
            }
            let Some(l) = self.region_lat(region, n.region) else {
                continue;
            };
            if best.is_none_or(|(_, b)| l < b) {
                best = Some((i, l));
            }
        }
        let idx = best.map_or(0, |(i, _)| i);
        let target = dns.targets[idx];
        self.nodes[entry as usize].usage.requests += 1;
        let expiry = (self.now + lookup + ttl).0;
        if let Some(Kind::Users(u)) = self.kind_mut(users) {
            u.dns[user as usize] = DnsAnswer {
                expiry,
                target: idx as u16,
            };
        }
        (target, lookup)
    }

    /// The response to `req` reaches its user at `at`.
    fn on_reply(&mut self, req: ReqId, at: SimTime) {
        // A reply handled early (not at its event's instant) lands within this run, and every
        // reply lands in the open window, or at its very end (an event queued before the
        // window's end, such as a service a boot started, runs before it).
        debug_assert!(at == self.now || at <= self.horizon);
        debug_assert!(at <= self.window_start + self.window_len);
        let Request { born, source, .. } = self.requests[req as usize];
        let latency = at.since(born);
        let timeout = match &self.nodes[source as usize].kind {
            Kind::Users(u) => u.spec.timeout,
            _ => SimDuration(u64::MAX),
        };
        if latency > timeout {
            self.fail_request(req, ErrorCause::Timeout);
            return;
        }
        self.release(req);
        self.all.completed += 1;
        self.window_completed += 1;
        self.window_hist.record(latency);
    }

    fn fail_request(&mut self, req: ReqId, cause: ErrorCause) {
        self.release(req);
        self.all.failed += 1;
        self.window_errors.add(cause);
    }

    fn alloc(&mut self, request: Request) -> ReqId {
        self.all.in_flight += 1;
        if let Some(id) = self.free_requests.pop() {
            self.requests[id as usize] = request;
            id
        } else {
            self.requests.push(request);
            (self.requests.len() - 1) as ReqId
        }
    }

    fn release(&mut self, req: ReqId) {
        self.all.in_flight -= 1;
        self.free_requests.push(req);
    }

    // ----- web server ----------------------------------------------------------------------

    /// Steps of a web server frame after its CPU work: 0 session, 1 data, 2 publish, 3 done.
    fn server_step(&mut self, frame: FrameId) {
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

    fn server_resume(&mut self, frame: FrameId, outcome: Outcome) {
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

    fn global_user(&self, req: ReqId) -> u32 {
        let r = self.requests[req as usize];
        self.user_base[r.source as usize].saturating_add(r.user)
    }

    /// In-server sessions: a user this server does not know logs in; if the user had a session
    /// before (on a server that died, or one the balancer no longer sends them to) that is a
    /// forced login.
    fn check_session(&mut self, frame: FrameId) {
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
    fn on_autoscale(&mut self, node: NodeId) {
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
        }
        self.schedule_after(
            rule.interval.max(SimDuration(1)),
            Action::Autoscale { node },
        );
    }

    /// Booted instances join the pool, and waiting requests start on their workers.
    #[inline(never)]
    fn on_boot(&mut self, node: NodeId, count: u32) {
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
    }

    // ----- load balancer -------------------------------------------------------------------

    fn lb_deliver(&mut self, frame: FrameId) {
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

    fn lb_resume(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        self.lb_done(f.node, f.aux);
        self.finish(frame, outcome);
    }

    /// A request the balancer `lb` sent to its target number `target` has finished.
    fn lb_done(&mut self, lb: NodeId, target: u32) {
        if let Kind::Lb(lb) = &mut self.nodes[lb as usize].kind {
            if let Some(o) = lb.outstanding.get_mut(target as usize) {
                *o = o.saturating_sub(1);
            }
        }
    }

    #[inline(never)]
    fn on_health_check(&mut self, node: NodeId) {
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
        for (i, (_, up)) in targets.into_iter().enumerate() {
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
        }
        lb.healthy_count = lb.healthy.iter().filter(|&&h| h).count();
        let interval = lb.spec.health_interval;
        self.schedule_after(interval, Action::HealthCheck { node });
    }

    // ----- cache ---------------------------------------------------------------------------

    /// Steps of a cache frame: 0 lookup (station), 1 waiting for the database on a miss or a
    /// write, 2 the application talking to the database directly while the cache is down.
    fn cache_deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let Kind::Cache(c) = &self.nodes[f.node as usize].kind else {
            return;
        };
        let (read, write, backend) = (c.spec.read, c.spec.write, c.spec.backend);
        // The lookup after the cache's service time reads the key's index entry, and the reply
        // its row (the stale-read check, a database read on a miss): fetch both meanwhile.
        c.store.prefetch_slot(f.key);
        self.keys_tab.prefetch(f.key as usize);
        let up = self.nodes[f.node as usize].up;
        if f.op == Op::Write && write == WriteStrategy::WriteAround {
            // Write-around bypasses the cache entirely.
            self.frames[frame as usize].step = 2;
            self.call_backend(frame, backend, f.op);
            return;
        }
        if f.op == Op::Write && write == WriteStrategy::Invalidate {
            // The database first; the cached copy is deleted when it has acknowledged.
            self.frames[frame as usize].step = 3;
            self.call_backend(frame, backend, f.op);
            return;
        }
        if !up && f.op == Op::Read && read == ReadStrategy::CacheAside {
            // The application falls back to the database: every read is a miss (a miss storm).
            // Nothing is filled, so these are the application's own reads, served by replicas.
            self.window_counters.cache_misses += 1;
            self.frames[frame as usize].step = 2;
            self.call_backend(frame, backend, Op::Read);
            return;
        }
        self.enter(frame);
    }

    /// Sends the frame's key to the cache's database as `op` (the frame's own op, or a
    /// miss's read from where the cache fills).
    fn call_backend(&mut self, frame: FrameId, backend: Option<NodeId>, op: Op) {
        let f = self.frames[frame as usize];
        match backend {
            Some(db) => self.call(frame, f.req, f.node, db, op, f.key, SimDuration::ZERO),
            None => self.finish(frame, Ok(f.version)),
        }
    }

    fn cache_after_lookup(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let now = self.now.0;
        self.free_worker(f.node);
        let n = &mut self.nodes[f.node as usize];
        let Kind::Cache(c) = &mut n.kind else { return };
        let backend = c.spec.backend;
        match f.op {
            Op::Write => match c.spec.write {
                WriteStrategy::WriteBack => {
                    // Acknowledged here; the database learns of it at the next flush.
                    let truth = self.keys_tab.get(f.key as usize, TRUTH);
                    let v = truth + 1;
                    if let Some(t) = self.keys_tab.get_mut(f.key as usize, TRUTH) {
                        *t = v;
                    }
                    let evicted = c.store.put(f.key, v, now, true);
                    self.flush_out(f.node, evicted);
                    self.finish(frame, Ok(v));
                }
                _ => {
                    self.frames[frame as usize].step = 1;
                    self.call_backend(frame, backend, f.op);
                }
            },
            _ => {
                let (found, dirty) = c.store.get(f.key, now);
                match found {
                    Lookup::Hit { version } => {
                        n.win.hits += 1;
                        self.window_counters.cache_hits += 1;
                        self.flush_out(f.node, dirty);
                        self.finish(frame, Ok(version));
                    }
                    Lookup::Miss => {
                        n.win.misses += 1;
                        self.window_counters.cache_misses += 1;
                        // Reads in flight per key; a cache with no database fills nothing and
                        // never comes back through `cache_resume`.
                        let mut lease = 0;
                        if backend.is_some() {
                            let key = f.key as usize;
                            if c.fetching.len() <= key {
                                c.fetching.resize(key + 1, KeyFetch::default());
                            }
                            let k = &mut c.fetching[key];
                            if k.reads > 0 {
                                self.window_counters.stampede_reads += 1;
                            }
                            k.reads = k.reads.saturating_add(1);
                            lease = u32::from(k.lease);
                        }
                        let op = fill_op(c.spec.fill_from);
                        self.flush_out(f.node, dirty);
                        let fr = &mut self.frames[frame as usize];
                        fr.step = 1;
                        fr.seen = lease;
                        self.call_backend(frame, backend, op);
                    }
                }
            }
        }
    }

    fn cache_resume(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        // A miss's fill holds its lease while no invalidation of the key came since it left.
        let mut leased = true;
        if let (1, Op::Read) = (f.step, f.op) {
            // The miss's read is back (or failed). A crash since reset the counts.
            let n = &mut self.nodes[f.node as usize];
            if let (true, Kind::Cache(c)) = (n.epoch == f.epoch, &mut n.kind) {
                if let Some(k) = c.fetching.get_mut(f.key as usize) {
                    k.reads = k.reads.saturating_sub(1);
                    leased = u32::from(k.lease) == f.seen;
                }
            }
        }
        if let (3, Ok(_)) = (f.step, outcome) {
            self.invalidate(f.node, f.key);
        }
        if let (1, Ok(version), true) = (f.step, outcome, leased) {
            // Fill on a read miss, update on a write-through — unless the cache crashed since.
            let now = self.now.0;
            let n = &mut self.nodes[f.node as usize];
            if n.up && n.epoch == f.epoch {
                if let Kind::Cache(c) = &mut n.kind {
                    // Never back in time: a fill that a write overtook (a write-through's update,
                    // a write-back's buffered version) must not put an older one back.
                    let version = c.store.peek(f.key).map_or(version, |v| v.max(version));
                    let evicted = c.store.put(f.key, version, now, false);
                    self.flush_out(f.node, evicted);
                }
            }
        }
        self.finish(frame, outcome);
    }

    /// Invalidate on write: the entry goes (a dead cache has nothing to delete), and the fills
    /// of misses already in flight for the key lose their lease.
    #[inline(never)]
    fn invalidate(&mut self, node: NodeId, key: u32) {
        let n = &mut self.nodes[node as usize];
        if let (true, Kind::Cache(c)) = (n.up, &mut n.kind) {
            let _ = c.store.remove(key);
            if let Some(k) = c.fetching.get_mut(key as usize) {
                k.lease = k.lease.wrapping_add(1);
            }
        }
    }

    /// Sends dirty write-back entries to the database as background writes.
    /// Takes an `Option` from a lookup or a fill (nearly always `None`: nothing to do) or the
    /// `Vec` of a periodic flush.
    #[inline]
    fn flush_out(&mut self, node: NodeId, dirty: impl IntoIterator<Item = Dirty>) {
        for d in dirty {
            self.flush_one(node, d);
        }
    }

    #[inline(never)]
    fn flush_one(&mut self, node: NodeId, d: Dirty) {
        let Kind::Cache(c) = &self.nodes[node as usize].kind else {
            return;
        };
        let Some(backend) = c.spec.backend else {
            return;
        };
        let (db, step) = self.addressee(backend, Op::Flush, node);
        let frame = self.new_frame(Frame {
            version: d.version,
            step,
            ..Frame::root(NIL, db, Op::Flush, d.key, self.now)
        });
        match self.lat(node, db) {
            Some(l) if l.0 > 0 => self.schedule_after(l, Action::Deliver { frame }),
            Some(_) => self.deliver(frame),
            None => self.free_frames.push(frame),
        }
    }

    #[inline(never)]
    fn on_flush(&mut self, node: NodeId) {
        let Kind::Cache(c) = &mut self.nodes[node as usize].kind else {
            return;
        };
        let interval = c.spec.flush_interval.max(SimDuration(1));
        let dirty = if self.nodes[node as usize].up {
            match &mut self.nodes[node as usize].kind {
                Kind::Cache(c) => c.store.take_dirty(),
                _ => Vec::new(),
            }
        } else {
            Vec::new()
        };
        self.flush_out(node, dirty);
        self.schedule_after(interval, Action::Flush { node });
    }

    // ----- database ------------------------------------------------------------------------

    /// Where a frame sent by `from` to `target` for `op` goes, and the step it starts at. A
    /// database group is an address: the frame goes straight to the member serving it (its
    /// step 1), across whatever network lies between the sender and that member.
    fn addressee(&mut self, target: NodeId, op: Op, from: NodeId) -> (NodeId, u8) {
        match self.nodes.get(target as usize).map(|n| &n.kind) {
            Some(Kind::Db(_)) => (self.db_member(target, op, from), 1),
            _ => (target, 0),
        }
    }

    /// The member of database group `group` that serves `op` for node `reader`: writes (and a
    /// cache's reads from the primary) go to the acting primary, reads rotate over the healthy
    /// replicas (and the primary if allowed or alone); with several regions, the nearest ones.
    fn db_member(&mut self, group: NodeId, op: Op, reader: NodeId) -> NodeId {
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
    fn db_reader_near(&mut self, group: NodeId, reader: NodeId) -> NodeId {
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
    fn db_deliver(&mut self, frame: FrameId) {
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

    fn db_after_service(&mut self, frame: FrameId) {
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
            Op::Session | Op::Static | Op::Job => self.finish(frame, Ok(0)),
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
    fn sync_ack(&mut self, r: NodeId, net: SimDuration) -> SimDuration {
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
    fn group_replication(&self, member: NodeId) -> Option<(Vec<NodeId>, Replication, SimDuration)> {
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
    fn on_replicate(&mut self, slot: u32) {
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
    fn most_up_to_date(&self, group: NodeId, old: NodeId) -> Option<(NodeId, u64)> {
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
    fn on_failover(&mut self, group: NodeId, epoch: u32) {
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

    // ----- CDN -----------------------------------------------------------------------------

    fn cdn_deliver(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let now = self.now.0;
        let n = &mut self.nodes[f.node as usize];
        let Kind::Cdn(cdn) = &mut n.kind else { return };
        let current = cdn.asset_version;
        let (found, _) = cdn.store.get(f.key, now);
        let hit = match found {
            // A versioned URL never matches an old copy: the old URL is simply not requested.
            Lookup::Hit { version } => {
                if cdn.spec.invalidation == Invalidation::Versioned && version < current {
                    None
                } else {
                    Some(version)
                }
            }
            Lookup::Miss => None,
        };
        match hit {
            Some(version) => {
                n.win.hits += 1;
                self.window_counters.cdn_hits += 1;
                if version < current {
                    self.window_counters.stale_responses += 1;
                }
                self.finish(frame, Ok(version));
            }
            None => {
                n.win.misses += 1;
                self.window_counters.cdn_misses += 1;
                let origin = cdn.spec.origin;
                self.frames[frame as usize].version = current;
                self.call(
                    frame,
                    f.req,
                    f.node,
                    origin,
                    Op::Static,
                    f.key,
                    SimDuration::ZERO,
                );
            }
        }
    }

    fn cdn_resume(&mut self, frame: FrameId, outcome: Outcome) {
        let f = self.frames[frame as usize];
        let now = self.now.0;
        if outcome.is_ok() {
            let n = &mut self.nodes[f.node as usize];
            if let Kind::Cdn(cdn) = &mut n.kind {
                cdn.store.put(f.key, f.version, now, false);
            }
        }
        let v = f.version;
        self.finish(frame, outcome.map(|_| v));
    }

    // ----- message queue -------------------------------------------------------------------

    /// A publish is acknowledged after the broker's constant publish time; the job itself
    /// becomes a background frame waiting for a consumer.
    fn queue_publish(&mut self, frame: FrameId) {
        let f = self.frames[frame as usize];
        let Kind::Queue(q) = &self.nodes[f.node as usize].kind else {
            return;
        };
        let publish = q.spec.publish_service;
        if !self.nodes[f.node as usize].up {
            // A dead broker accepts nothing; the backlog it held is durable and waits for it.
            self.nodes[f.node as usize].win.errors += 1;
            self.finish(frame, Err(ErrorCause::NodeDown));
            return;
        }
        self.window_counters.jobs_published += 1;
        self.nodes[f.node as usize].usage.requests += QUEUE_REQUESTS_PER_JOB;
        let job = self.new_frame(Frame {
            req: NIL,
            parent: NIL,
            lb: NIL,
            op: Op::Job,
            born: self.now,
            ..f
        });
        self.enter(job);
        self.frames[frame as usize].version = f.version;
        if publish.0 == 0 {
            self.finish(frame, Ok(f.version));
        } else {
            self.schedule_after(publish, Action::Wake { frame });
        }
    }

    // ----- sharded database ----------------------------------------------------------------

    fn shard_for(&self, router: &RouterRt, key: u64) -> Option<NodeId> {
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
    fn router_deliver(&mut self, frame: FrameId) {
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
    fn hot_home(r: &RouterRt, key: u32) -> Option<NodeId> {
        r.spec.dedicated.filter(|_| key < r.spec.hot_keys)
    }

    fn router_resume(&mut self, frame: FrameId, outcome: Outcome) {
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
    fn reshard(&mut self, node: NodeId) {
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
    }

    /// The migration's pacer: every 1/`migration_rps` seconds (every millisecond in groups when
    /// faster) it sends the next copy, visiting the new shards' queues in turn. A copy goes only
    /// to a new shard that is up, has a free worker, and holds fewer copies than its share of
    /// workers (`migration_share`, at least one); otherwise the key waits in the router, so
    /// copies never wait in a shard's request queue ahead of user requests. A key switches to
    /// its new shard when its copy lands ([`Self::on_copied`]); the resharding ends when every
    /// copy has.
    #[inline(never)]
    fn on_migrate(&mut self, node: NodeId) {
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
        } else {
            self.schedule(self.now + interval, Action::Migrate { node });
        }
    }

    /// A write that reached a key's old shard while its copy was landing (or queued there
    /// until after the resharding ended): the key belongs to its new shard by the time the
    /// write is acknowledged, so the router applies it there too. Salted hot keys excepted:
    /// their shard key is not the key.
    fn forward_late_write(&mut self, frame: FrameId, version: u32) {
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
    fn raise_stored(&mut self, db: NodeId, key: u32, version: u32) {
        if let Some(Kind::Db(d)) = self.nodes.get(db as usize).map(|n| &n.kind) {
            let col = d.col;
            if let Some(v) = self.keys_tab.get_mut(key as usize, col) {
                *v = (*v).max(version);
            }
        }
    }

    /// The old and the new shard of key `k` during a resharding.
    fn move_of(r: &RouterRt, k: u32) -> Option<(NodeId, NodeId)> {
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
    fn on_copied(&mut self, router: NodeId, key: u32, shard: NodeId, landed: bool) {
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

    // ----- faults --------------------------------------------------------------------------

    fn kill(&mut self, node: NodeId) {
        let now = self.now;
        let Some(n) = self.nodes.get_mut(node as usize) else {
            return;
        };
        if !n.up || matches!(n.kind, Kind::Users(_) | Kind::Dns(_)) {
            return;
        }
        n.station.account(now);
        n.up = false;
        n.epoch = n.epoch.wrapping_add(1);
        // Frames in service fail when their ServiceDone fires with a stale epoch, and frames
        // holding a thread while waiting downstream fail when their child returns; the workers
        // are freed now.
        n.station.busy = 0;
        n.station.cores_busy = 0;
        let durable = matches!(n.kind, Kind::Queue(_));
        let lost: Vec<FrameId> = if durable {
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
        let mut lost_dirty = Vec::new();
        match &mut n.kind {
            Kind::Server(s) => s.sessions.clear(),
            Kind::Cache(c) => {
                lost_dirty = c.store.clear();
                c.fetching.clear();
            }
            Kind::Cdn(c) => {
                c.store.clear();
            }
            _ => {}
        }
        for d in lost_dirty {
            // The database still has the last flushed version: roll the truth back to it.
            let stored = self.db_version_behind(node, d.key);
            self.window_counters.lost_writes += u64::from(d.version.saturating_sub(stored));
            if let Some(t) = self.keys_tab.get_mut(d.key as usize, TRUTH) {
                *t = stored;
            }
        }
        // A dead primary: its group fails over after the configured delay.
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
            }
            self.schedule(now + delay, Action::Failover { node: group, epoch });
        }
        for frame in lost {
            self.finish(frame, Err(ErrorCause::NodeDown));
        }
    }

    /// The version of `key` the cache's data tier holds (what a read through it would find).
    fn db_version_behind(&self, cache: NodeId, key: u32) -> u32 {
        let Kind::Cache(c) = &self.nodes[cache as usize].kind else {
            return 0;
        };
        c.spec
            .backend
            .map_or(0, |data| self.stored_version(data, key))
    }

    /// The version of `key` at a database group's primary, or, behind a shard router, at the
    /// primary of the key's shard (the newest over a salted hot key's shards).
    fn stored_version(&self, data: NodeId, key: u32) -> u32 {
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

    fn restore(&mut self, node: NodeId) {
        let now = self.now;
        let Some(n) = self.nodes.get_mut(node as usize) else {
            return;
        };
        if n.up {
            return;
        }
        n.station.account(now);
        n.up = true;
        if let Kind::Server(s) = &mut n.kind {
            // The autoscaler measures from the restore on: downtime is not idle capacity.
            s.eval_busy = n.life_busy_area + n.station.busy_area.total();
            s.eval_capacity = n.life_capacity_area + n.station.capacity_until(now);
            s.eval_cpu = n.life_cpu_ns + u128::from(n.station.cpu_ns);
            s.eval_cpu_capacity = n.life_cpu_capacity_area + n.station.cpu_capacity_until(now);
        }
        // A database member that comes back resynchronises from its group's primary and
        // rejoins as a replica if someone else was promoted meanwhile.
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
        self.free_worker_fill(node);
        self.warm(node);
    }

    /// A primary back before its failover fired (nothing was lost) resends what its healthy
    /// replicas lack: the writes that were on their way at its crash died with it.
    fn catch_up_replicas(&mut self, primary: NodeId) {
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

    /// Cache warming: fills a cache that asks for it with the most popular keys (key 0 is the
    /// most popular under Zipf), at the versions the database holds, the most popular inserted
    /// last so that LRU and FIFO keep it longest.
    fn warm(&mut self, node: NodeId) {
        let now = self.now.0;
        let Some(Kind::Cache(c)) = self.nodes.get(node as usize).map(|n| &n.kind) else {
            return;
        };
        if !c.spec.warm {
            return;
        }
        let count = (c.spec.capacity as usize).min(self.keys_tab.keys);
        let versions: Vec<u32> = (0..count)
            .rev()
            .map(|key| self.db_version_behind(node, key as u32))
            .collect();
        if let Some(Kind::Cache(c)) = self.nodes.get_mut(node as usize).map(|n| &mut n.kind) {
            for (key, version) in (0..count).rev().zip(versions) {
                // Clean entries: warming evicts nothing dirty from an empty cache.
                let _ = c.store.put(key as u32, version, now, false);
            }
        }
    }

    // ----- windows -------------------------------------------------------------------------

    #[inline(never)]
    fn on_window_end(&mut self) {
        let now = self.now;
        let len = now.since(self.window_start);
        let len_ns = len.0.max(1) as f64;
        let after_warmup = self.window_start >= self.warmup_end;
        let mut backlog = 0u64;
        let mut unreplicated = 0u64;
        let len_s = len.as_secs_f64().max(1e-9);
        let rates = &self.rates;
        let counters = &mut self.window_counters;
        let mut bill = Bill::default();
        let nodes = self
            .nodes
            .iter_mut()
            .enumerate()
            .filter(|(_, n)| !matches!(n.kind, Kind::Users(_)))
            .map(|(id, n)| {
                n.station.account(now);
                let outstanding = match &n.kind {
                    Kind::Queue(_) => {
                        backlog += n.station.queue.len() as u64;
                        0
                    }
                    Kind::Db(d) => {
                        unreplicated += d.unreplicated;
                        0
                    }
                    Kind::Lb(lb) => lb.outstanding.iter().map(|&o| o as u64).sum(),
                    _ => 0,
                };
                let capacity = n.station.capacity_until(now);
                let cpu_capacity = n.station.cpu_capacity_until(now);
                let cpu = u128::from(n.station.cpu_ns);
                let (instances, booting) = match &n.kind {
                    Kind::Server(s) => (s.running, s.booting),
                    Kind::Cache(c) => (c.spec.nodes.max(1), 0),
                    _ => (1, 0),
                };
                let node_bill = bill_of(n, n.cost_per_hour_usd, n.usage, n.win, len_s, rates);
                bill.add(&node_bill);
                count_usage(&n.kind, &n.usage, n.win, counters);
                let stats = NodeStats {
                    id: id as u32,
                    utilization: n.station.busy_area.total() as f64 / capacity.max(1) as f64,
                    mean_queue: n.station.queue_area.total() as f64 / len_ns,
                    queue_len: n.station.queue.len() as u64,
                    served: n.win.served,
                    errors: n.win.errors,
                    hit_ratio: hit_ratio(&n.kind, n.win),
                    up: n.up,
                    outstanding,
                    instances,
                    booting,
                    cost_per_hour_usd: node_bill.total(),
                    bill: node_bill,
                    cpu_utilization: ratio(cpu as f64, cpu_capacity as f64).min(1.0),
                };
                n.life_busy_area += n.station.busy_area.total();
                n.life_capacity_area += capacity;
                n.life_cpu_ns += cpu;
                n.life_cpu_capacity_area += cpu_capacity;
                if after_warmup {
                    n.total_busy_area += n.station.busy_area.total();
                    n.total_queue_area += n.station.queue_area.total();
                    n.total_capacity_area += capacity;
                    n.total_cpu_ns += cpu;
                    n.total_cpu_capacity_area += cpu_capacity;
                    n.total.served += n.win.served;
                    n.total.errors += n.win.errors;
                    n.total.hits += n.win.hits;
                    n.total.misses += n.win.misses;
                    n.total_usage.add(&n.usage);
                    n.total_fixed_usd += n.cost_per_hour_usd * len_s / 3600.0;
                }
                n.usage = Usage::default();
                n.station.busy_area = Area::default();
                n.station.queue_area = Area::default();
                n.station.capacity_area = 0;
                n.station.cpu_capacity_area = 0;
                n.station.cpu_ns = 0;
                n.station.capacity_mark = now;
                n.win = NodeCount::default();
                stats
            })
            .collect();
        let window_start = self.window_start;
        for n in &self.nodes {
            if let Kind::Router(r) = &n.kind {
                if r.old.is_some() {
                    let since = r.migrating_since.max(window_start);
                    self.window_counters.migration_ns += now.since(since).0;
                }
            }
        }
        let c = self.window_counters;
        let cost = bill.total();
        self.outbox.push(WindowStats {
            index: self.window_index,
            start_s: self.window_start.as_secs_f64(),
            len_s: len.as_secs_f64(),
            generated: self.window_generated,
            completed: self.window_completed,
            errors: self.window_errors,
            latency: self
                .window_hist
                .close(after_warmup.then_some(&mut self.total_hist)),
            throughput_rps: self.window_completed as f64 / len_s,
            in_flight: self.all.in_flight,
            nodes,
            counters: c,
            cache_hit_ratio: c.cache_hit_ratio(),
            cdn_hit_ratio: c.cdn_hit_ratio(),
            replication_lag_ms: c.mean_replication_lag_ms(),
            unreplicated_writes: unreplicated,
            job_backlog: backlog,
            job_latency: self
                .window_jobs
                .close(after_warmup.then_some(&mut self.total_jobs)),
            cost_per_hour_usd: cost,
            bill,
            cost_per_month_usd: crate::prices::per_month(cost),
            usd_per_million_requests: usd_per_million_requests(cost, self.window_generated, len_s),
        });
        if after_warmup {
            self.total_generated += self.window_generated;
            self.total_completed += self.window_completed;
            let e = self.window_errors;
            self.total_errors.timeout += e.timeout;
            self.total_errors.rejected += e.rejected;
            self.total_errors.no_route += e.no_route;
            self.total_errors.node_down += e.node_down;
            self.total_counters.add(&c);
            self.total_fixed_cost = self.total_fixed_cost + len;
        }
        self.window_index += 1;
        self.window_start = now;
        if self.from_warmup.is_none() && now >= self.warmup_end {
            self.from_warmup = Some(self.all.in_flight);
        }
        self.window_generated = 0;
        self.window_completed = 0;
        self.window_errors = ErrorCounts::default();
        self.window_counters = Counters::default();
        self.schedule_after(self.window_len, Action::WindowEnd);
    }
}

fn lb_pick(lb: &mut LbRt, rng: &mut SimRng, user: u32) -> Option<usize> {
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

/// The op of a cache miss's read: from any replica, or from the primary.
#[inline]
fn fill_op(from: FillFrom) -> Op {
    match from {
        FillFrom::Replicas => Op::Read,
        FillFrom::Primary => Op::PrimaryRead,
    }
}

fn hit_ratio(kind: &Kind, c: NodeCount) -> Option<f64> {
    match kind {
        Kind::Cache(_) | Kind::Cdn(_) => {
            let n = c.hits + c.misses;
            Some(if n == 0 {
                0.0
            } else {
                c.hits as f64 / n as f64
            })
        }
        _ => None,
    }
}

/// A node's bill over a period of `secs`, dollars per hour at that period's pace: its running
/// instances at `instances_usd` per hour, and what it used. A CDN edge bills its egress and a
/// request fee per request it got (filling from an AWS origin is free); any other node that
/// answers users bills internet egress. A load balancer bills LCU-hours: each request it
/// forwards is a new connection (and a rule evaluation), the bytes it processes are the
/// responses it returns; the dominant dimension counts (`alb_lcu`).
fn bill_of(
    n: &NodeRt,
    instances_usd: f64,
    u: Usage,
    count: NodeCount,
    secs: f64,
    r: &Rates,
) -> Bill {
    let per_hour = if secs > 0.0 { 3600.0 / secs } else { 0.0 };
    let gb = |bytes: u64| bytes as f64 / 1e9;
    let mut bill = Bill {
        instances: instances_usd,
        cross_region: gb(u.cross_region_bytes) * r.inter_region_gb * per_hour,
        ..Bill::default()
    };
    match &n.kind {
        Kind::Cdn(cdn) => {
            bill.cdn_egress = gb(u.egress_bytes) * cdn.spec.egress_usd_per_gb * per_hour;
            bill.cdn_requests =
                (count.hits + count.misses) as f64 / 1e4 * r.cdn_https_10k * per_hour;
        }
        Kind::Dns(dns) => {
            // Several targets answer by the asker's location: geo DNS queries.
            let price = if dns.targets.len() > 1 {
                r.dns_geo_million
            } else {
                r.dns_standard_million
            };
            bill.dns_queries = u.requests as f64 / 1e6 * price * per_hour;
        }
        Kind::Queue(_) => {
            bill.queue_requests = u.requests as f64 / 1e6 * r.queue_million * per_hour
        }
        _ => bill.internet_egress = gb(u.egress_bytes) * r.internet_egress_gb * per_hour,
    }
    if let Kind::Lb(_) = &n.kind {
        let connections_per_s = count.served as f64 * per_hour / 3600.0;
        let lcu = crate::prices::alb_lcu(
            connections_per_s,
            // Every connection lasts under a minute: at most a minute's new connections are
            // active in it.
            connections_per_s * 60.0,
            gb(u.egress_bytes) * per_hour,
            connections_per_s,
        );
        bill.lb_capacity = lcu * r.lcu_hour;
    }
    bill
}

/// Adds a node's usage in a period to the mechanism counters.
fn count_usage(kind: &Kind, u: &Usage, count: NodeCount, c: &mut Counters) {
    c.cross_region_bytes += u.cross_region_bytes;
    match kind {
        Kind::Cdn(_) => c.cdn_egress_bytes += u.egress_bytes,
        Kind::Queue(_) => c.queue_requests += u.requests,
        Kind::Dns(_) => c.dns_queries += u.requests,
        Kind::Lb(_) => {
            c.lb_requests += count.served;
            c.internet_egress_bytes += u.egress_bytes;
        }
        _ => c.internet_egress_bytes += u.egress_bytes,
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::{area, product_by_bits, Action, Area, Simulation};
    use crate::dist::Dist;
    use crate::metrics::ErrorCause;
    use crate::model::{
        AutoscaleMetric, AutoscaleSpec, CacheSpec, DbSpec, LbSpec, ServerSpec, UsersSpec,
    };
    use crate::{Model, NodeKind, NodeSpec, SimDuration, SimTime};

    /// A time integral kept in 64-bit pieces sums exactly as a 128-bit one, past every wrap and
    /// through products too wide for 64 bits.
    #[test]
    fn time_integrals_sum_exactly_past_64_bits() {
        let steps: [(u64, u64); 6] = [
            (1, 1),
            (u32::MAX as u64, u32::MAX as u64),
            (u64::MAX / 3, 2),
            (1 << 40, 1 << 30),
            (u64::MAX, 1 << 20),
            (5, 0),
        ];
        let (mut kept, mut exact) = (Area::default(), 0u128);
        for _ in 0..3 {
            for (dt, level) in steps {
                kept.add_product(dt, level);
                exact += u128::from(dt) * u128::from(level);
                assert_eq!(kept.total(), exact, "after {dt} x {level}");
            }
        }
    }

    /// Every action comes out of the agenda's packed form as it went in, fields at their widest.
    #[test]
    fn actions_survive_packing() {
        let mut actions = vec![Action::WindowEnd];
        for x in [0, 1, 0x8000_0000, u32::MAX - 1, u32::MAX] {
            for y in [0, 7, u32::MAX] {
                actions.extend([
                    Action::Arrival {
                        node: x,
                        generation: y,
                    },
                    Action::Deliver { frame: x },
                    Action::Return {
                        frame: x,
                        outcome: Ok(y),
                    },
                    Action::ServiceDone { frame: x, epoch: y },
                    Action::ServerDone { frame: x, epoch: y },
                    Action::CacheDone { frame: x, epoch: y },
                    Action::DbDone { frame: x, epoch: y },
                    Action::Wake { frame: x },
                    Action::Reply { req: x },
                    Action::Scheduled { index: x },
                    Action::HealthCheck { node: x },
                    Action::Failover { node: x, epoch: y },
                    Action::Replicate { slot: x },
                    Action::Flush { node: x },
                    Action::Purge { node: x },
                    Action::Migrate { node: x },
                    Action::Autoscale { node: x },
                    Action::Boot { node: x, count: y },
                ]);
            }
            for cause in [
                ErrorCause::Timeout,
                ErrorCause::Rejected,
                ErrorCause::NoRoute,
                ErrorCause::NodeDown,
            ] {
                actions.push(Action::Return {
                    frame: x,
                    outcome: Err(cause),
                });
            }
        }
        for action in actions {
            assert_eq!(
                format!("{:?}", action.pack().unpack()),
                format!("{action:?}")
            );
        }
    }

    /// Users 40 ms away → a balancer → two web servers → a cache → a database, in windows of
    /// 100 ms: a reply (20 ms on its way back) often lands in the window after its response left.
    fn round_trips() -> Model {
        let web = |name| {
            NodeSpec::new(
                name,
                NodeKind::Server(ServerSpec {
                    workers: 8,
                    service: Dist::Exponential { mean_s: 0.004 },
                    data: Some(4),
                    ..ServerSpec::default()
                }),
            )
        };
        Model {
            nodes: vec![
                NodeSpec::new(
                    "users",
                    NodeKind::Users(UsersSpec {
                        users: 500,
                        rate_rps: 2000.0,
                        entry: 1,
                        rtt: SimDuration::from_millis_f64(40.0),
                        timeout: SimDuration::from_millis_f64(60.0),
                        read_fraction: 0.9,
                        keys: 1000,
                        zipf_alpha: 1.0,
                        ..UsersSpec::default()
                    }),
                ),
                NodeSpec::new(
                    "lb",
                    NodeKind::LoadBalancer(LbSpec {
                        targets: vec![2, 3],
                        ..LbSpec::default()
                    }),
                ),
                web("web0"),
                web("web1"),
                NodeSpec::new(
                    "cache",
                    NodeKind::Cache(CacheSpec {
                        capacity: 100,
                        backend: Some(5),
                        ..CacheSpec::default()
                    }),
                ),
                NodeSpec::new("db", NodeKind::Database(DbSpec::default())),
            ],
            window: SimDuration::from_millis_f64(100.0),
            warmup: SimDuration::from_secs(1),
            ..Model::default()
        }
    }

    /// Users → one autoscaled server with constant 100 ms service, windows of 100 ms and
    /// instances that boot on a window's edge: services a boot starts end exactly at the next
    /// window's end, before it closes, and their replies land there (`rtt_ms` each way).
    fn replies_on_window_edges(rtt_ms: f64) -> Model {
        Model {
            nodes: vec![
                NodeSpec::new(
                    "users",
                    NodeKind::Users(UsersSpec {
                        users: 10,
                        rate_rps: 50.0,
                        entry: 1,
                        rtt: SimDuration::from_millis_f64(rtt_ms),
                        timeout: SimDuration::from_secs(60),
                        ..UsersSpec::default()
                    }),
                ),
                NodeSpec::new(
                    "web",
                    NodeKind::Server(ServerSpec {
                        service: Dist::Constant { mean_s: 0.1 },
                        autoscale: Some(AutoscaleSpec {
                            min: 1,
                            max: 3,
                            scale_out_above: 0.5,
                            scale_in_below: 0.0,
                            interval: SimDuration::from_secs(1),
                            boot: SimDuration::from_secs(1),
                            metric: AutoscaleMetric::Occupancy,
                        }),
                        ..ServerSpec::default()
                    }),
                ),
            ],
            window: SimDuration::from_millis_f64(100.0),
            warmup: SimDuration::from_secs(1),
            ..Model::default()
        }
    }

    /// A reply handled as soon as its response leaves is counted in the window it lands in and
    /// only if it lands within the run: the windows and the report are those of a run that
    /// waits for every reply's event (a horizon of zero lets no reply through early). In debug
    /// builds the replies' own assertions run too, on window edges included (a regression: one
    /// refused a reply landing exactly at a window's end).
    #[test]
    fn replies_handled_early_count_where_their_events_would() {
        let cases = [
            (round_trips(), 4.05),
            (replies_on_window_edges(0.0), 5.0),
            (replies_on_window_edges(200.0), 5.0),
        ];
        for (i, (model, until_s)) in cases.iter().enumerate() {
            let until = SimTime::from_secs_f64(*until_s);
            let mut early = Simulation::new(model, 3);
            early.run_until(until);
            let mut waiting = Simulation::new(model, 3);
            waiting.process_until(until);
            // Debug prints every number exactly (shortest round-trip form).
            let seen = |sim: &mut Simulation| (sim.drain_windows(), format!("{:?}", sim.report()));
            let (early, waiting) = (seen(&mut early), seen(&mut waiting));
            assert!(early.0.len() > 30, "case {i}: {} windows", early.0.len());
            assert!(early.0 == waiting.0, "case {i}: the windows differ");
            assert!(early.1 == waiting.1, "case {i}: the reports differ");
        }
    }

    /// A time integral's step is the exact product whether or not it fits in 64 bits, by the
    /// overflow flag natively and by counting bits in WebAssembly.
    #[test]
    fn area_is_the_exact_product() {
        let edges = [0, 1, 3, u64::from(u32::MAX), 1 << 32, 1 << 63, u64::MAX];
        for dt in edges {
            for level in edges {
                let exact = u128::from(dt) * u128::from(level);
                assert_eq!(area(dt, level), exact, "{dt} × {level}");
                // WebAssembly's test: when it vouches for a product, the product is exact.
                if let Some(p) = product_by_bits(dt, level) {
                    assert_eq!(u128::from(p), exact, "{dt} × {level}");
                }
            }
        }
    }
}

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

mod action;
mod events;
mod kernel;
mod nodes;
mod report;
mod station;
#[cfg(test)]
mod tests;

use action::*;
use events::{EventLog, Watch};
use nodes::api_gateway::*;
use nodes::cache::*;
use nodes::cdn::*;
use nodes::database::*;
use nodes::dns::*;
use nodes::dr_standby::*;
use nodes::load_balancer::*;
use nodes::queue::*;
use nodes::replica::*;
use nodes::server::*;
use nodes::shard_router::*;
use nodes::users::*;
use nodes::waf::*;
use report::*;
pub use report::{Conservation, NodeReport, Report};
use station::*;

use crate::agenda::Agenda;
use crate::cache::{Dirty, KeyCache, Lookup};
use crate::dist::{Dist, Zipf};
use crate::hashing::{hash64, salted_key, ShardMap};
use crate::metrics::{
    usd_per_million_requests, Bill, Counters, ErrorCause, ErrorCounts, EventKind, LatencyHistogram,
    LatencySummary, NodeLatencies, NodeStats, WindowHistogram, WindowStats,
};
use crate::model::{
    AutoscaleMetric, CacheSpec, CdnSpec, DbSpec, DnsSpec, FillFrom, GatewaySpec, Invalidation,
    LbPolicy, LbSpec, Model, NodeId, NodeKind, QueueSpec, RateLimitKind, ReadStrategy, RegionId,
    ReplicaSpec, Replication, ServerSpec, Sessions, ShardRouterSpec, UsersSpec, WafSpec,
    WriteStrategy, UNLIMITED_CORES,
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
    /// An attack (`attack_share` of a users node's traffic): a dynamic request that touches no
    /// data but costs a web server `attack_cost` times its service time.
    Attack,
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
    /// The request's path (an API gateway routes by it); 0 without a path mix. It fills the
    /// record's padding: the record stays 32 bytes.
    path: u16,
}

const _: () = assert!(std::mem::size_of::<Request>() == 32);

/// A live change to a running simulation: traffic and faults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

// Read without serde's `Content` buffer (see `tagged`): the tag and every variant's fields.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum CommandTag {
    SetRate,
    Kill,
    Restore,
    Slow,
    KillRegion,
    RestoreRegion,
    Partition,
    Heal,
    Deploy,
    Reshard,
}

#[derive(Deserialize)]
struct CommandFields {
    command: CommandTag,
    node: Option<NodeId>,
    rps: Option<f64>,
    factor: Option<f64>,
    region: Option<RegionId>,
    a: Option<RegionId>,
    b: Option<RegionId>,
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::tagged::deserialize(
            deserializer,
            "internally tagged enum Command",
            |f: CommandFields| {
                use crate::tagged::need;
                let node = || need(f.node, "node");
                let region = || need(f.region, "region");
                let (a, b) = (|| need(f.a, "a"), || need(f.b, "b"));
                Ok(match f.command {
                    CommandTag::SetRate => Command::SetRate {
                        node: node()?,
                        rps: need(f.rps, "rps")?,
                    },
                    CommandTag::Kill => Command::Kill { node: node()? },
                    CommandTag::Restore => Command::Restore { node: node()? },
                    CommandTag::Slow => Command::Slow {
                        node: node()?,
                        factor: need(f.factor, "factor")?,
                    },
                    CommandTag::KillRegion => Command::KillRegion { region: region()? },
                    CommandTag::RestoreRegion => Command::RestoreRegion { region: region()? },
                    CommandTag::Partition => Command::Partition { a: a()?, b: b()? },
                    CommandTag::Heal => Command::Heal { a: a()?, b: b()? },
                    CommandTag::Deploy => Command::Deploy { node: node()? },
                    CommandTag::Reshard => Command::Reshard { node: node()? },
                })
            },
        )
    }
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
    Gateway(Box<GatewayRt>),
    Waf(Box<WafRt>),
}

// Exhaustive matches, no `_`: a new kind does not compile until it answers each.
impl Kind {
    /// Whether the node's work survives a crash: a durable queue keeps its jobs, accepts
    /// publishes while down and takes back the job a crashed consumer held.
    #[inline]
    fn durable(&self) -> bool {
        match self {
            Kind::Queue(_) => true,
            Kind::Users(_)
            | Kind::Dns(_)
            | Kind::Server(_)
            | Kind::Lb(_)
            | Kind::Cache(_)
            | Kind::Db(_)
            | Kind::Cdn(_)
            | Kind::Router(_)
            | Kind::Gateway(_)
            | Kind::Waf(_) => false,
        }
    }

    /// Whether a kill command (or a data centre's failure) can crash it: the users and the
    /// name service stand outside the design's data centres.
    fn can_crash(&self) -> bool {
        match self {
            Kind::Users(_) | Kind::Dns(_) => false,
            Kind::Server(_)
            | Kind::Lb(_)
            | Kind::Cache(_)
            | Kind::Db(_)
            | Kind::Cdn(_)
            | Kind::Queue(_)
            | Kind::Router(_)
            | Kind::Gateway(_)
            | Kind::Waf(_) => true,
        }
    }

    /// Whether the node has statistics of its own in windows and reports (users only send).
    fn reported(&self) -> bool {
        match self {
            Kind::Users(_) => false,
            Kind::Dns(_)
            | Kind::Server(_)
            | Kind::Lb(_)
            | Kind::Cache(_)
            | Kind::Db(_)
            | Kind::Cdn(_)
            | Kind::Queue(_)
            | Kind::Router(_)
            | Kind::Gateway(_)
            | Kind::Waf(_) => true,
        }
    }

    /// Instances billed and instances booting: a server pool's, a cache's nodes; 1 otherwise.
    fn instances(&self) -> (u32, u32) {
        match self {
            Kind::Server(s) => (s.running, s.booting),
            Kind::Cache(c) => (c.spec.nodes.max(1), 0),
            Kind::Users(_)
            | Kind::Dns(_)
            | Kind::Lb(_)
            | Kind::Db(_)
            | Kind::Cdn(_)
            | Kind::Queue(_)
            | Kind::Router(_)
            | Kind::Gateway(_)
            | Kind::Waf(_) => (1, 0),
        }
    }
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

/// What a call across data centres to a node other than a database or cache carries, in KB (a
/// session, a job message).
const MESSAGE_KB: f64 = 1.0;

/// Bytes in `kb` kilobytes (1 KB = 1024 bytes), saturating.
fn kb_bytes(kb: f64) -> u64 {
    (kb.max(0.0) * 1024.0) as u64
}

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
    /// Each node's answer times, by window and since the warm-up.
    node_lat: NodeLatencies,
    all: Conservation,
    outbox: Vec<WindowStats>,
    /// Per node, what the event judgements remember; the open window's events and the run's.
    watch: Vec<Watch>,
    log: EventLog,
    /// Caches and session stores with a replica, and which of the two serves.
    replicas: Vec<ReplicaRt>,
    /// Disaster-recovery standbys, and per region whether GeoDNS leaves it out (waiting).
    standbys: Vec<DrRt>,
    dormant: Vec<bool>,
}

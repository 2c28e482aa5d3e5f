//! The runtime model: what the engine simulates, already validated and lowered from a design.
//!
//! These types are not serializable on purpose: the shareable document and its formats live in
//! the design crate, which lowers into this model and reports problems as diagnostics. Every
//! spec implements `Default` so that tests and the lowering can name only what they change.

use crate::dist::Dist;
use crate::hashing::ShardingStrategy;
use crate::sim::Command;
use crate::time::{SimDuration, SimTime};

/// Index of a node in [`Model::nodes`].
pub type NodeId = u32;

/// Index of a region (data centre) in [`Model::regions`].
pub type RegionId = u16;

/// A whole architecture to simulate.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    pub nodes: Vec<NodeSpec>,
    /// Length of one measurement window (the charts' time step).
    pub window: SimDuration,
    /// Statistics before this time are left out of the cumulative report.
    pub warmup: SimDuration,
    /// Region names; empty means a single unnamed region 0.
    pub regions: Vec<String>,
    /// One-way network latency between regions, row-major `regions.len()²`; empty means zero.
    pub latency: Vec<SimDuration>,
    /// Faults and traffic changes scheduled in the design, applied at their time.
    pub schedule: Vec<(SimTime, Command)>,
    /// Disaster-recovery standby data centres, each for a primary one.
    pub standbys: Vec<StandbySpec>,
}

/// A replica of a cache or a session store: a second node (`node`, billed as one) that receives
/// the primary's changes `lag` after they happen and, `failover` after the primary's death, is
/// promoted with the contents it had (its in-flight changes are lost).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplicaSpec {
    pub node: NodeId,
    pub lag: SimDuration,
    pub failover: SimDuration,
}

/// What a disaster-recovery standby keeps running while it waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DrMode {
    /// Everything runs at full size; data replicated with the database's lag.
    #[default]
    Hot,
    /// A share of each server pool runs; on activation the rest boot.
    Warm,
    /// Nothing runs; on activation the region is provisioned and its databases restored from
    /// the last backup.
    Cold,
}

/// A standby data centre (`region`) for a primary one: GeoDNS does not answer with its entry
/// points until health checks of the primary's entry points fail `health_threshold` times in a
/// row, checked every `health_interval`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandbySpec {
    pub region: RegionId,
    pub primary: RegionId,
    pub mode: DrMode,
    pub health_interval: SimDuration,
    pub health_threshold: u32,
    /// Warm: the share of each server pool's instances running while on standby.
    pub warm_share: f64,
    /// Warm: how long an instance launched on activation takes to serve.
    pub boot: SimDuration,
    /// Cold: provisioning and restore time from activation until the region serves.
    pub restore: SimDuration,
    /// Cold: how often the primary's databases are backed up (what a restore starts from).
    pub backup_interval: SimDuration,
    /// Cold: the backup storage's price per hour (the standby's whole bill while it waits).
    pub backup_usd_per_hour: f64,
}

impl Default for StandbySpec {
    fn default() -> Self {
        StandbySpec {
            region: 1,
            primary: 0,
            mode: DrMode::Hot,
            health_interval: SimDuration::from_secs(10),
            health_threshold: 3,
            warm_share: 0.25,
            boot: SimDuration::from_secs(90),
            restore: SimDuration::from_secs(1800),
            backup_interval: SimDuration::from_secs(3600),
            backup_usd_per_hour: 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    /// A stable identifier from the design, shown in reports.
    pub key: String,
    pub kind: NodeKind,
    /// The data centre this node runs in (users: where they live).
    pub region: RegionId,
}

impl NodeSpec {
    /// A node in region 0.
    pub fn new(key: impl Into<String>, kind: NodeKind) -> NodeSpec {
        NodeSpec {
            key: key.into(),
            kind,
            region: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Users(UsersSpec),
    Dns(DnsSpec),
    Server(ServerSpec),
    LoadBalancer(LbSpec),
    Cache(CacheSpec),
    Database(DbSpec),
    Cdn(CdnSpec),
    Queue(QueueSpec),
    ShardRouter(ShardRouterSpec),
    ApiGateway(GatewaySpec),
    Waf(WafSpec),
}

impl NodeKind {
    pub fn name(&self) -> &'static str {
        match self {
            NodeKind::Users(_) => "users",
            NodeKind::Dns(_) => "dns",
            NodeKind::Server(_) => "server",
            NodeKind::LoadBalancer(_) => "load_balancer",
            NodeKind::Cache(_) => "cache",
            NodeKind::Database(_) => "database",
            NodeKind::Cdn(_) => "cdn",
            NodeKind::Queue(_) => "queue",
            NodeKind::ShardRouter(_) => "sharded_database",
            NodeKind::ApiGateway(_) => "api_gateway",
            NodeKind::Waf(_) => "waf",
        }
    }
}

/// How the request rate of a users node changes over simulated time. The rate at time t is the
/// base rate times [`RateProfile::factor`]; arrivals stay Poisson (thinning).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RateProfile {
    #[default]
    Steady,
    /// The factor jumps from 1 to `factor` at `at_s`.
    Step { at_s: f64, factor: f64 },
    /// The factor grows linearly from 1 at `from_s` to `factor` at `to_s`, then stays.
    Ramp { from_s: f64, to_s: f64, factor: f64 },
    /// A daily curve: 1 + amplitude·sin(2πt/period), amplitude in [0, 1].
    Daily { period_s: f64, amplitude: f64 },
    /// The factor is `factor` during [at_s, at_s + duration_s).
    Spike {
        at_s: f64,
        duration_s: f64,
        factor: f64,
    },
}

impl RateProfile {
    /// The multiplier of the base rate at simulated second `t`.
    pub fn factor(&self, t: f64) -> f64 {
        self.factor_at(SimTime::from_secs_f64(t))
    }

    /// The multiplier of the base rate at instant `t`; the profile's instants are compared as
    /// integer times, exact at any age.
    pub fn factor_at(&self, t: SimTime) -> f64 {
        let at = SimTime::from_secs_f64;
        match *self {
            RateProfile::Steady => 1.0,
            RateProfile::Step { at_s, factor } => {
                if t >= at(at_s) {
                    factor
                } else {
                    1.0
                }
            }
            RateProfile::Ramp {
                from_s,
                to_s,
                factor,
            } => {
                let (from, to) = (at(from_s), at(to_s));
                if t <= from {
                    1.0
                } else if t >= to || to <= from {
                    factor
                } else {
                    let done = t.since(from).as_secs_f64() / to.since(from).as_secs_f64();
                    1.0 + (factor - 1.0) * done
                }
            }
            RateProfile::Daily {
                period_s,
                amplitude,
            } => {
                let phase = core::f64::consts::TAU * t.as_secs_f64() / period_s.max(1e-9);
                (1.0 + amplitude * libm::sin(phase)).max(0.0)
            }
            RateProfile::Spike {
                at_s,
                duration_s,
                factor,
            } => {
                let start = at(at_s);
                if t >= start && t < start + SimDuration::from_secs_f64(duration_s) {
                    factor
                } else {
                    1.0
                }
            }
        }
    }

    /// An upper bound of [`RateProfile::factor`] over all time.
    pub fn max_factor(&self) -> f64 {
        match *self {
            RateProfile::Steady => 1.0,
            RateProfile::Step { factor, .. }
            | RateProfile::Ramp { factor, .. }
            | RateProfile::Spike { factor, .. } => factor.max(1.0),
            RateProfile::Daily { amplitude, .. } => 1.0 + amplitude.abs(),
        }
    }

    /// The thinning envelope at instant `t`: an upper bound of the factor from `t` until the
    /// returned instant (exclusive; `SimTime::MAX` for ever), constant on that segment. Arrivals
    /// are drawn at the segment's bound, so a short spike costs draws only while it lasts.
    pub fn envelope(&self, t: SimTime) -> (f64, SimTime) {
        let at = SimTime::from_secs_f64;
        match *self {
            RateProfile::Steady => (1.0, SimTime::MAX),
            RateProfile::Step { at_s, factor } => {
                let step = at(at_s);
                if t < step {
                    (1.0, step)
                } else {
                    (factor, SimTime::MAX)
                }
            }
            RateProfile::Ramp {
                from_s,
                to_s,
                factor,
            } => {
                let (from, to) = (at(from_s), at(to_s));
                if t < from {
                    (1.0, from)
                } else if t < to {
                    (factor.max(1.0), to)
                } else {
                    (factor, SimTime::MAX)
                }
            }
            RateProfile::Daily { amplitude, .. } => (1.0 + amplitude.abs(), SimTime::MAX),
            RateProfile::Spike {
                at_s,
                duration_s,
                factor,
            } => {
                let start = at(at_s);
                let end = start + SimDuration::from_secs_f64(duration_s);
                if t < start {
                    (1.0, start)
                } else if t < end {
                    (factor, end)
                } else {
                    (1.0, SimTime::MAX)
                }
            }
        }
    }
}

/// A population of users sending requests as a (possibly time-varying) Poisson stream.
#[derive(Debug, Clone, PartialEq)]
pub struct UsersSpec {
    /// How many distinct users send the traffic (each keeps its own DNS answer and session).
    pub users: u32,
    /// Total requests per second from all these users (times the profile's factor).
    pub rate_rps: f64,
    pub profile: RateProfile,
    /// Where each request goes first (DNS, a load balancer or a server).
    pub entry: NodeId,
    /// Edge cache for static requests; when it is down, clients fall back to `entry`.
    pub cdn: Option<NodeId>,
    /// Round-trip time of the users' access network (added to every request).
    pub rtt: SimDuration,
    /// The client gives up after this long and counts a timeout.
    pub timeout: SimDuration,
    /// Share of dynamic requests that read (the rest write).
    pub read_fraction: f64,
    /// Share of all requests that fetch a static asset (image, CSS, JS).
    pub static_fraction: f64,
    /// Distinct data keys; each request touches one, chosen by Zipf(`zipf_alpha`).
    pub keys: u32,
    pub zipf_alpha: f64,
    /// Distinct static assets (also Zipf-popular).
    pub static_objects: u32,
    /// Bytes of a dynamic response and of a static asset, in KB: what the tier that answers
    /// the users sends them (billed as internet or CDN egress).
    pub response_kb: f64,
    pub static_kb: f64,
    /// The request paths this traffic asks for and their shares, cumulative and ending at 1
    /// (an API gateway routes by them); empty: every request has path 0, the default route.
    pub paths: Vec<PathShare>,
    /// Share of all requests that are attacks (a WAF's business): dynamic requests that touch
    /// no data but cost a web server `attack_cost` times its service time.
    pub attack_share: f64,
    pub attack_cost: f64,
}

/// A request path (an index into the design's path names) and the cumulative share of requests
/// up to and including it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathShare {
    pub path: u16,
    pub cumulative: f64,
}

impl Default for UsersSpec {
    fn default() -> Self {
        UsersSpec {
            users: 1,
            rate_rps: 10.0,
            profile: RateProfile::Steady,
            entry: 0,
            cdn: None,
            rtt: SimDuration::ZERO,
            timeout: SimDuration::from_secs(10),
            read_fraction: 1.0,
            static_fraction: 0.0,
            keys: 1,
            zipf_alpha: 0.0,
            static_objects: 1,
            response_kb: 10.0,
            static_kb: 100.0,
            paths: Vec::new(),
            attack_share: 0.0,
            attack_cost: 1.0,
        }
    }
}

/// Name resolution: a lookup costs `lookup` unless the user's cached answer is younger than `ttl`.
/// With several targets it is GeoDNS: each user gets the nearest target that is up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DnsSpec {
    pub lookup: SimDuration,
    pub ttl: SimDuration,
    /// The address DNS answers with (the first of `targets`; kept for single-target designs).
    pub target: NodeId,
    /// Every address DNS may answer with; empty means just `target`.
    pub targets: Vec<NodeId>,
}

/// Where a web server keeps its users' sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sessions {
    /// No login state.
    #[default]
    None,
    /// In the server's memory: lost when the server dies or the user lands elsewhere.
    InServer,
    /// In a shared store node (stateless web tier): one call per request.
    Store(NodeId),
}

/// Cores without a limit: the engine's default, under which every worker computes at once.
pub const UNLIMITED_CORES: u32 = u32::MAX;

/// A server: `workers` requests held in parallel, the rest wait in a bounded FIFO queue. A
/// worker is held for the whole request, including the calls the server makes downstream
/// (thread-per-request), but its service time is CPU time: at most `cores` per instance compute
/// at once, and a worker that finds them all busy waits for one (FIFO).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSpec {
    pub workers: u32,
    /// Waiting requests beyond this are rejected at once (HTTP 503).
    pub queue_capacity: u32,
    pub service: Dist,
    pub cost_per_hour_usd: f64,
    pub sessions: Sessions,
    /// The data tier reads and writes go to (a cache, a database or a sharded database).
    pub data: Option<NodeId>,
    /// Writes also publish a job to this queue.
    pub publish: Option<NodeId>,
    /// Identical instances running at the start, each with `workers` and billed
    /// `cost_per_hour_usd`: the node is the pool of web servers the chapter scales out.
    pub instances: u32,
    /// Adds and retires instances by measured utilisation.
    pub autoscale: Option<AutoscaleSpec>,
    /// CPU cores of one instance (its vCPUs); [`UNLIMITED_CORES`] lets every worker compute.
    pub cores: u32,
    /// A session store's replica (its sessions are `Sessions::InServer`).
    pub replica: Option<ReplicaSpec>,
}

/// What an autoscaling rule measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AutoscaleMetric {
    /// CPU utilisation: time computing over the pool's cores.
    #[default]
    Cpu,
    /// Worker occupancy: time a worker is held (waits downstream included) over the workers.
    Occupancy,
}

/// An autoscaling rule: every `interval` the pool's utilisation over the last interval is
/// measured; above `scale_out_above` enough instances are launched to bring it back to that
/// level, and they serve after `boot`; below `scale_in_below`, with nothing booting, one instance
/// is retired. The pool stays within `min..=max` instances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoscaleSpec {
    pub min: u32,
    pub max: u32,
    pub scale_out_above: f64,
    pub scale_in_below: f64,
    pub interval: SimDuration,
    pub boot: SimDuration,
    pub metric: AutoscaleMetric,
}

impl Default for ServerSpec {
    fn default() -> Self {
        ServerSpec {
            instances: 1,
            autoscale: None,
            workers: 1,
            queue_capacity: u32::MAX,
            service: Dist::Exponential { mean_s: 0.01 },
            cost_per_hour_usd: 0.0,
            sessions: Sessions::None,
            data: None,
            publish: None,
            cores: UNLIMITED_CORES,
            replica: None,
        }
    }
}

/// How a load balancer picks a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LbPolicy {
    #[default]
    RoundRobin,
    LeastConnections,
    Random,
    /// Hash of the user (IP or session id): the same user always lands on the same server while
    /// the set of healthy servers does not change.
    IpHash,
    /// Two random healthy targets, the one with fewer outstanding requests wins.
    PowerOfTwo,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LbSpec {
    pub policy: LbPolicy,
    pub targets: Vec<NodeId>,
    /// Time between health checks of each target.
    pub health_interval: SimDuration,
    /// Consecutive failed checks before a target is taken out (and passed ones to bring it back).
    pub health_threshold: u32,
    /// Sticky sessions: a user stays on the server it first landed on while that server is healthy.
    pub sticky: bool,
    pub cost_per_hour_usd: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Eviction {
    #[default]
    Lru,
    Lfu,
    Fifo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadStrategy {
    /// The application asks the cache, and on a miss reads the database and fills the cache; if
    /// the cache is down the application reads the database directly.
    #[default]
    CacheAside,
    /// The cache sits in the path and loads misses itself; if it is down, reads fail.
    ReadThrough,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WriteStrategy {
    /// Writes go to the database only; a cached copy stays until its TTL (stale reads).
    #[default]
    WriteAround,
    /// Writes go to the cache and synchronously to the database.
    WriteThrough,
    /// Writes go to the cache only and are flushed to the database later; lost if the cache dies.
    WriteBack,
    /// Cache-aside's usual write: the database first, then the cached copy is deleted, so the
    /// next read misses and fetches the new version (a read racing the write can still refill
    /// the old one).
    Invalidate,
}

/// Where a cache's misses read the database (a group with replicas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FillFrom {
    /// Any healthy replica, as every other read: cheap for the primary, but a replica that has
    /// not yet applied the last write fills the cache with the version before it.
    #[default]
    Replicas,
    /// The acting primary: a fill is as fresh as the last acknowledged write.
    Primary,
}

/// A cache node with real keys.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheSpec {
    /// Capacity in items.
    pub capacity: u32,
    pub eviction: Eviction,
    /// Entries expire this long after insertion; zero means never.
    pub ttl: SimDuration,
    /// A hit restarts the entry's TTL.
    pub ttl_reset: bool,
    pub read: ReadStrategy,
    pub write: WriteStrategy,
    /// Time between write-back flushes.
    pub flush_interval: SimDuration,
    pub workers: u32,
    pub service: Dist,
    /// The database behind the cache.
    pub backend: Option<NodeId>,
    pub cost_per_hour_usd: f64,
    /// Cache warming: the most popular keys are loaded when the cache starts and when it comes
    /// back after a crash, instead of the first requests missing.
    pub warm: bool,
    /// Where misses (and the application's reads while a cache-aside cache is down) read.
    pub fill_from: FillFrom,
    /// CPU cores: at most `min(workers, cores)` lookups are served at once.
    pub cores: u32,
    /// Memory per item, in KB (what a call across data centres carries).
    pub item_kb: f64,
    /// Nodes of its instance type billed: as many as `capacity` items of `item_kb` need
    /// ([`crate::prices::cache_nodes`]); `cost_per_hour_usd` is one node's price.
    pub nodes: u32,
    /// A replica that takes over, warm, when this cache dies.
    pub replica: Option<ReplicaSpec>,
}

impl Default for CacheSpec {
    fn default() -> Self {
        CacheSpec {
            warm: false,
            fill_from: FillFrom::Replicas,
            capacity: 1000,
            eviction: Eviction::Lru,
            ttl: SimDuration::ZERO,
            ttl_reset: false,
            read: ReadStrategy::CacheAside,
            write: WriteStrategy::WriteAround,
            flush_interval: SimDuration::from_secs(1),
            workers: 64,
            service: Dist::Exponential { mean_s: 0.0005 },
            backend: None,
            cost_per_hour_usd: 0.0,
            cores: UNLIMITED_CORES,
            item_kb: 1.0,
            nodes: 1,
            replica: None,
        }
    }
}

/// Replication from the primary to its replicas.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Replication {
    /// Writes are acknowledged at the primary and reach replicas after an exponential lag.
    #[default]
    Async,
    /// A write is acknowledged only once every healthy replica has it (the lag is waited for).
    Sync,
}

/// One database server. A primary lists its replicas; a replica names its primary. The primary's
/// id is the address of the whole group: reads go to replicas, writes to the current primary.
#[derive(Debug, Clone, PartialEq)]
pub struct DbSpec {
    pub workers: u32,
    pub queue_capacity: u32,
    pub read_service: Dist,
    pub write_service: Dist,
    /// Replicas of this primary (empty on a replica or a lone database).
    pub replicas: Vec<NodeId>,
    pub replication: Replication,
    /// Mean replication lag.
    pub lag: SimDuration,
    /// Time from the primary's death to a replica's promotion.
    pub failover_delay: SimDuration,
    pub cost_per_hour_usd: f64,
    /// Reads may also be served by the primary (always true without replicas).
    pub reads_on_primary: bool,
    /// CPU cores: at most `min(workers, cores)` queries are served at once.
    pub cores: u32,
    /// Size of a record, in KB: what a write sends to each replica and a call across data
    /// centres carries.
    pub record_kb: f64,
}

impl Default for DbSpec {
    fn default() -> Self {
        DbSpec {
            workers: 8,
            queue_capacity: u32::MAX,
            read_service: Dist::Exponential { mean_s: 0.005 },
            write_service: Dist::Exponential { mean_s: 0.01 },
            replicas: Vec::new(),
            replication: Replication::Async,
            lag: SimDuration::from_millis(100),
            failover_delay: SimDuration::from_secs(30),
            cost_per_hour_usd: 0.0,
            reads_on_primary: false,
            cores: UNLIMITED_CORES,
            record_kb: 1.0,
        }
    }
}

/// How a new asset version reaches a CDN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Invalidation {
    /// Nothing is done: old copies are served until their TTL runs out.
    #[default]
    Ttl,
    /// The provider's purge API: after `purge_delay` every edge copy is dropped.
    Purge,
    /// A new URL (`?v=2`): old copies are never served again, every asset misses once.
    Versioned,
}

/// An edge cache for static assets.
#[derive(Debug, Clone, PartialEq)]
pub struct CdnSpec {
    pub capacity: u32,
    pub ttl: SimDuration,
    /// Round trip between the users and the edge (instead of the users' own rtt to the origin).
    pub edge_rtt: SimDuration,
    /// The design's asset size, kept for display: the bytes an edge sends are each request's
    /// (its users' `static_kb`).
    pub object_kb: f64,
    pub egress_usd_per_gb: f64,
    pub invalidation: Invalidation,
    pub purge_delay: SimDuration,
    /// The origin misses are fetched from.
    pub origin: NodeId,
}

impl Default for CdnSpec {
    fn default() -> Self {
        CdnSpec {
            capacity: 10_000,
            ttl: SimDuration::from_secs(3600),
            edge_rtt: SimDuration::from_millis(10),
            object_kb: 100.0,
            egress_usd_per_gb: 0.085,
            invalidation: Invalidation::Ttl,
            purge_delay: SimDuration::from_secs(5),
            origin: 0,
        }
    }
}

/// A durable message queue with its consumer pool: a publish is acknowledged at once; jobs wait in
/// the backlog until one of `consumers` workers takes them. A dead broker refuses publishes; the
/// backlog survives it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    pub consumers: u32,
    pub job_service: Dist,
    pub publish_service: SimDuration,
    pub cost_per_hour_usd: f64,
    /// CPU cores of the whole consumer pool: at most `min(consumers, cores)` jobs run at once.
    pub cores: u32,
}

impl Default for QueueSpec {
    fn default() -> Self {
        QueueSpec {
            consumers: 4,
            job_service: Dist::Exponential { mean_s: 0.1 },
            publish_service: SimDuration::from_millis(1),
            cost_per_hour_usd: 0.0,
            cores: UNLIMITED_CORES,
        }
    }
}

/// A sharded database: a router in front of shard servers (each a [`NodeKind::Database`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ShardRouterSpec {
    pub strategy: ShardingStrategy,
    /// Shards in use at the start.
    pub active: u32,
    /// Every shard server, active ones first; the rest are spares that resharding brings in.
    pub shards: Vec<NodeId>,
    /// Keys below this rank are "celebrity" keys whose writes are salted.
    pub hot_keys: u32,
    /// Salt suffixes per hot key (1 = no salting): writes spread, reads gather from all.
    pub salt: u32,
    /// The key space (for moved-key counts and range sharding).
    pub key_space: u32,
    /// Keys migrated per second while resharding: copies are sent evenly spaced in time.
    pub migration_rps: f64,
    /// Share of a shard's workers that migration copies may hold at once (at least one); a copy
    /// also waits for a free worker, in the router, so it never queues ahead of user requests.
    pub migration_share: f64,
    /// A shard of their own for the hot keys (the notes' dedicated shard for a celebrity): they
    /// are neither salted nor moved by resharding.
    pub dedicated: Option<NodeId>,
}

impl Default for ShardRouterSpec {
    fn default() -> Self {
        ShardRouterSpec {
            strategy: ShardingStrategy::Modulo,
            active: 1,
            shards: Vec::new(),
            hot_keys: 0,
            salt: 1,
            key_space: 1,
            migration_rps: 1000.0,
            migration_share: 0.25,
            dedicated: None,
        }
    }
}

/// How an API gateway's rate limiter keys its token buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateLimitKind {
    #[default]
    None,
    /// One bucket for all traffic.
    Global,
    /// One bucket per user (the users nodes' user ids, as sessions know them).
    PerUser,
}

/// A token bucket: `rate_rps` tokens a second, at most `burst` saved; a request takes one or
/// is refused (HTTP 429).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub kind: RateLimitKind,
    pub rate_rps: f64,
    pub burst: f64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            kind: RateLimitKind::None,
            rate_rps: 100.0,
            burst: 100.0,
        }
    }
}

/// An API gateway: limits the rate, spends a small service time per request on its cores, then
/// forwards the request to the service its path routes to (it holds no worker meanwhile).
#[derive(Debug, Clone, PartialEq)]
pub struct GatewaySpec {
    pub workers: u32,
    pub cores: u32,
    pub service: Dist,
    /// Path index → the service (a server or a load balancer) behind it.
    pub routes: Vec<(u16, NodeId)>,
    /// Where a path without a route goes; `None` refuses it (no route).
    pub default: Option<NodeId>,
    pub rate_limit: RateLimit,
    pub cost_per_hour_usd: f64,
}

impl Default for GatewaySpec {
    fn default() -> Self {
        GatewaySpec {
            workers: 64,
            cores: UNLIMITED_CORES,
            service: Dist::Exponential { mean_s: 0.0005 },
            routes: Vec::new(),
            default: None,
            rate_limit: RateLimit::default(),
            cost_per_hour_usd: 0.0,
        }
    }
}

/// A web application firewall: inspects every request (a small service time on its cores),
/// blocks an attack with probability `detection` and a legitimate request with probability
/// `false_positive` (HTTP 403), and forwards the rest to `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct WafSpec {
    pub workers: u32,
    pub cores: u32,
    pub service: Dist,
    pub target: NodeId,
    pub detection: f64,
    pub false_positive: f64,
    /// Rules in the web ACL (each billed by the month).
    pub rules: u32,
}

impl Default for WafSpec {
    fn default() -> Self {
        WafSpec {
            workers: 64,
            cores: UNLIMITED_CORES,
            service: Dist::Exponential { mean_s: 0.0002 },
            target: 0,
            detection: 0.95,
            false_positive: 0.001,
            rules: 10,
        }
    }
}

impl Model {
    pub fn node(&self, id: NodeId) -> Option<&NodeSpec> {
        self.nodes.get(id as usize)
    }

    /// Looks a node up by its design key.
    pub fn find(&self, key: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .position(|n| n.key == key)
            .map(|i| i as NodeId)
    }

    pub fn region_count(&self) -> usize {
        self.regions.len().max(1)
    }
}

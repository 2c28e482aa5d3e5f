//! The design document's types: what is saved in files and URLs, and nothing that is session
//! state (selection, zoom and run state never enter it).

use crate::tagged::{self, internally_tagged, take};
use serde::{de, Deserialize, Serialize};
use serde_json::{Map, Value};

/// The document version this build writes. Older versions are migrated on load; newer ones are
/// refused with a message, never guessed at.
pub const CURRENT_VERSION: u32 = 1;

// Read through `Known` (its `Deserialize` below), not derived: a derived `#[serde(flatten)]`
// reads the whole document through serde's `Content`, a second copy of the reading code.
/// A whole architecture: nodes placed on the canvas and the connections between them.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Design {
    pub version: u32,
    #[serde(default)]
    pub name: String,
    /// The seed of the run: the same design and seed replay exactly.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Length of one measurement window, in simulated seconds.
    #[serde(default = "default_window_s")]
    pub window_s: f64,
    pub nodes: Vec<NodeDoc>,
    #[serde(default)]
    pub edges: Vec<EdgeDoc>,
    /// Data centres; empty means everything runs in one unnamed region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionDoc>,
    /// One-way network latency between two regions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkDoc>,
    /// Faults and traffic changes applied at a simulated time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultDoc>,
    /// Fields this build does not know, kept so that saving never loses them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The fields of `Design` it reads by name; every other key goes to `extra`.
const DESIGN_FIELDS: [&str; 9] = [
    "version", "name", "seed", "window_s", "nodes", "edges", "regions", "links", "faults",
];

/// `Design` without `extra`, read by derive from the known keys only.
#[derive(Deserialize)]
struct Known {
    version: u32,
    #[serde(default)]
    name: String,
    #[serde(default = "default_seed")]
    seed: u64,
    #[serde(default = "default_window_s")]
    window_s: f64,
    nodes: Vec<NodeDoc>,
    #[serde(default)]
    edges: Vec<EdgeDoc>,
    #[serde(default)]
    regions: Vec<RegionDoc>,
    #[serde(default)]
    links: Vec<LinkDoc>,
    #[serde(default)]
    faults: Vec<FaultDoc>,
}

impl Design {
    /// Splits the keys this build does not know into `extra`, then reads the rest.
    fn from_known(value: Value) -> Result<Design, serde_json::Error> {
        let mut extra = Map::new();
        let value = match value {
            Value::Object(map) => {
                let mut known = Map::new();
                for (key, v) in map {
                    if DESIGN_FIELDS.contains(&key.as_str()) {
                        known.insert(key, v);
                    } else {
                        extra.insert(key, v);
                    }
                }
                Value::Object(known)
            }
            other => other,
        };
        let k: Known = serde_json::from_value(value)?;
        Ok(Design {
            version: k.version,
            name: k.name,
            seed: k.seed,
            window_s: k.window_s,
            nodes: k.nodes,
            edges: k.edges,
            regions: k.regions,
            links: k.links,
            faults: k.faults,
            extra,
        })
    }
}

impl<'de> Deserialize<'de> for Design {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Design, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Design::from_known(value).map_err(serde::de::Error::custom)
    }
}

fn default_seed() -> u64 {
    1
}
fn default_window_s() -> f64 {
    1.0
}

// Read by hand (below): a derived `flatten` reads through serde's buffering `Content` code.
/// One component on the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NodeDoc {
    /// Unique within the design; edges and reports refer to it.
    pub id: String,
    /// Canvas position; layout only, the engine ignores it.
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
    /// The data centre (a name from `regions`); empty is the first region.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
    #[serde(flatten)]
    pub params: NodeParams,
}

// Derived externally tagged and tagged by hand (`tagged`), so that no `Content` buffer is needed;
// the schema is told the tag. `NodeParams::deserialize` as a path names the externally tagged
// form: read through the traits (serde_json's functions).
/// The kind of a node and its parameters, tagged by `kind` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(tag = "kind", rename = "NodeParams")]
pub enum NodeParams {
    /// A population of users sending requests.
    Users {
        users: u32,
        rate_rps: f64,
        /// Round trip between the users and the data centre, in ms.
        rtt_ms: f64,
        /// The client gives up after this many ms.
        timeout_ms: f64,
        /// Share of dynamic requests that read; the rest write.
        #[serde(default = "one")]
        read_fraction: f64,
        /// Share of all requests for static assets (served by a CDN when there is one).
        #[serde(default)]
        static_fraction: f64,
        /// Distinct data keys, popular by Zipf(`zipf_alpha`).
        #[serde(default = "one_u32")]
        keys: u32,
        #[serde(default)]
        zipf_alpha: f64,
        #[serde(default = "default_static_objects")]
        static_objects: u32,
        #[serde(default)]
        profile: ProfileDoc,
        /// Size of a dynamic response (reads and writes), in KB: the bytes billed as egress.
        #[serde(default = "default_response_kb")]
        response_kb: f64,
        /// Size of a static asset, in KB; when absent, the `object_kb` of the CDN these users
        /// are connected to, else 100.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        static_kb: Option<f64>,
        /// The request paths these users ask for, each with its share of requests (shares are
        /// normalised); an API gateway routes by them. Empty: one path, the default route.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        paths: Vec<PathShareDoc>,
        /// Share of all requests that are attacks (blocked by a WAF at its detection rate).
        #[serde(default, skip_serializing_if = "is_zero")]
        attack_share: f64,
        /// An attack costs a web server this many times its service time (it touches no data).
        #[serde(default = "one", skip_serializing_if = "is_one")]
        attack_cost: f64,
    },
    /// The domain name system: resolves the site's name to the server's address.
    Dns { lookup_ms: f64, ttl_s: f64 },
    /// A server: workers in parallel, a bounded queue, a service-time distribution. The first
    /// stage runs web app, database and cache all on this one box.
    Server {
        workers: u32,
        queue_capacity: u32,
        service_ms: f64,
        #[serde(default)]
        service_shape: ServiceShape,
        /// Coefficient of variation, used by the log-normal shape.
        #[serde(default = "default_cv")]
        service_cv: f64,
        /// The instance type from the price table, which sets the cost.
        #[serde(default = "default_instance")]
        instance: String,
        /// Where user sessions live when no session store is connected.
        #[serde(default)]
        sessions: SessionsDoc,
        /// Identical instances (each with `workers`, each billed): a pool of web servers.
        #[serde(default = "one_u32")]
        instances: u32,
        /// Autoscaling: instances added above a utilisation threshold, removed below another.
        #[serde(default)]
        autoscale: AutoscaleDoc,
    },
    /// A load balancer in front of servers.
    LoadBalancer {
        #[serde(default)]
        policy: LbPolicyDoc,
        #[serde(default = "default_health_interval")]
        health_interval_s: f64,
        #[serde(default = "default_health_threshold")]
        health_threshold: u32,
        #[serde(default)]
        sticky: bool,
    },
    /// A shared session store (Redis-like) that makes the web tier stateless.
    SessionStore {
        #[serde(default = "default_store_workers")]
        workers: u32,
        #[serde(default = "default_store_ms")]
        service_ms: f64,
        #[serde(default = "default_cache_instance")]
        instance: String,
        /// A replica (0 or 1) holding the sessions too, promoted `failover_s` after this store
        /// dies; it receives each login `lag_ms` after it happens.
        #[serde(default, skip_serializing_if = "is_zero_u32")]
        replicas: u32,
        #[serde(
            default = "default_store_failover_s",
            skip_serializing_if = "is_default_store_failover_s"
        )]
        failover_s: f64,
        #[serde(
            default = "default_store_lag_ms",
            skip_serializing_if = "is_default_store_lag_ms"
        )]
        lag_ms: f64,
    },
    /// A cache with real keys in front of a database.
    Cache {
        capacity: u32,
        #[serde(default)]
        eviction: EvictionDoc,
        /// Entries expire this long after insertion; 0 never.
        #[serde(default)]
        ttl_s: f64,
        #[serde(default)]
        ttl_reset: bool,
        #[serde(default)]
        read_strategy: ReadStrategyDoc,
        #[serde(default)]
        write_strategy: WriteStrategyDoc,
        #[serde(default = "default_flush")]
        flush_interval_s: f64,
        #[serde(default = "default_store_workers")]
        workers: u32,
        #[serde(default = "default_store_ms")]
        service_ms: f64,
        #[serde(default = "default_cache_instance")]
        instance: String,
        /// Cache warming: load the most popular keys at start and after a crash.
        #[serde(default)]
        warm: bool,
        /// Where misses read a replicated database: any replica (lagging ones fill stale
        /// copies) or the primary.
        #[serde(default)]
        fill_from: FillFromDoc,
        /// Memory per cached item, in KB: the cache runs (and is billed) as as many nodes of
        /// `instance` as `capacity × item_kb` needs.
        #[serde(default = "default_item_kb")]
        item_kb: f64,
        /// A replica (0 or 1, billed as the cache's nodes again) that is promoted with its
        /// contents `failover_s` after this cache dies; it receives each change `lag_ms` late.
        #[serde(default, skip_serializing_if = "is_zero_u32")]
        replicas: u32,
        #[serde(
            default = "default_store_failover_s",
            skip_serializing_if = "is_default_store_failover_s"
        )]
        failover_s: f64,
        #[serde(
            default = "default_store_lag_ms",
            skip_serializing_if = "is_default_store_lag_ms"
        )]
        lag_ms: f64,
    },
    /// A database primary and its read replicas.
    Database {
        #[serde(default = "default_db_workers")]
        workers: u32,
        #[serde(default = "default_queue")]
        queue_capacity: u32,
        #[serde(default = "default_read_ms")]
        read_ms: f64,
        #[serde(default = "default_write_ms")]
        write_ms: f64,
        #[serde(default)]
        replicas: u32,
        #[serde(default)]
        replication: ReplicationDoc,
        #[serde(default = "default_lag_ms")]
        lag_ms: f64,
        #[serde(default = "default_failover_s")]
        failover_s: f64,
        /// Regions of the replicas, in order (default: the primary's).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        replica_regions: Vec<String>,
        #[serde(default = "default_db_instance")]
        instance: String,
        /// Size of a record, in KB: what a write sends to each replica and a call across data
        /// centres carries (billed as inter-region transfer).
        #[serde(default = "default_record_kb")]
        record_kb: f64,
    },
    /// An edge cache for static assets in front of an origin.
    Cdn {
        capacity: u32,
        ttl_s: f64,
        #[serde(default = "default_edge_rtt")]
        edge_rtt_ms: f64,
        /// Size of a static asset, in KB, for the users connected to this CDN that do not set
        /// their own `static_kb` (the users' `static_kb` is the size the edge sends).
        #[serde(default = "default_object_kb")]
        object_kb: f64,
        #[serde(default)]
        invalidation: InvalidationDoc,
        #[serde(default = "default_purge_delay")]
        purge_delay_s: f64,
    },
    /// A durable message queue and its pool of consumers.
    Queue {
        consumers: u32,
        job_ms: f64,
        #[serde(default = "one")]
        publish_ms: f64,
        #[serde(default = "default_worker_instance")]
        instance: String,
    },
    /// An API gateway: a rate limiter, a small service time, and routing by the request's path
    /// to the services it connects to (servers or load balancers).
    ApiGateway {
        #[serde(default = "default_edge_workers")]
        workers: u32,
        #[serde(default = "default_gateway_ms")]
        service_ms: f64,
        /// Path → service (the id of a node this gateway connects to).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        routes: Vec<RouteDoc>,
        /// Where a path without a route goes (a connected node's id); empty: the first
        /// connection.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        default_route: String,
        /// `{"kind":"none"}`, `{"kind":"global","rate_rps":…,"burst":…}` or
        /// `{"kind":"per_user",…}`: a token bucket for all traffic or one per user.
        #[serde(default)]
        rate_limit: RateLimitDoc,
        /// The instance type the gateway runs on (its vCPUs and price).
        #[serde(default = "default_worker_instance")]
        instance: String,
    },
    /// A web application firewall in front of a load balancer (or a server or a gateway): it
    /// inspects every request and blocks attacks at its detection rate, and legitimate requests
    /// at its false-positive rate.
    Waf {
        #[serde(default = "default_edge_workers")]
        workers: u32,
        #[serde(default = "default_waf_ms")]
        service_ms: f64,
        /// Share of attacks blocked.
        #[serde(default = "default_detection")]
        detection: f64,
        /// Share of legitimate requests blocked.
        #[serde(default = "default_false_positive")]
        false_positive: f64,
        /// Rules in the web ACL, each billed by the month.
        #[serde(default = "default_waf_rules")]
        rules: u32,
    },
    /// A database split into shards by a shard key.
    ShardedDatabase {
        shards: u32,
        #[serde(default)]
        spare_shards: u32,
        /// `{"kind":"modulo"}`, `{"kind":"range"}`, `{"kind":"consistent_hash","vnodes":100}` or
        /// `{"kind":"jump_hash"}`.
        #[schemars(with = "serde_json::Value")]
        strategy: scalelab_engine::hashing::ShardingStrategy,
        #[serde(default)]
        hot_keys: u32,
        #[serde(default = "one_u32")]
        salt: u32,
        #[serde(default = "default_db_workers")]
        workers: u32,
        #[serde(default = "default_read_ms")]
        read_ms: f64,
        #[serde(default = "default_write_ms")]
        write_ms: f64,
        #[serde(default = "default_migration_rps")]
        migration_rps: f64,
        /// Share of a shard's workers migration copies may hold at once.
        #[serde(default = "default_migration_share")]
        migration_share: f64,
        /// Where the hot keys live: `shared` (on the shards, salted when `salt` > 1) or
        /// `dedicated` (a shard of their own, `id/hot`).
        #[serde(default)]
        hot_shard: HotShardDoc,
        #[serde(default = "default_db_instance")]
        instance: String,
        /// Size of a record, in KB (what a call across data centres carries).
        #[serde(default = "default_record_kb")]
        record_kb: f64,
    },
}

fn one() -> f64 {
    1.0
}
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}
fn is_one(x: &f64) -> bool {
    *x == 1.0
}
fn default_edge_workers() -> u32 {
    256
}
fn default_gateway_ms() -> f64 {
    1.0
}
fn default_waf_ms() -> f64 {
    0.5
}
fn default_detection() -> f64 {
    0.95
}
fn default_false_positive() -> f64 {
    0.001
}
fn default_waf_rules() -> u32 {
    10
}

/// A request path and its share of a users node's requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PathShareDoc {
    pub path: String,
    pub share: f64,
}

/// An API gateway's route: requests for `path` go to the node `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RouteDoc {
    pub path: String,
    pub to: String,
}

/// An API gateway's rate limiter: a token bucket of `burst` tokens refilled at `rate_rps`, for
/// all traffic or per user; a request finding it empty is refused (HTTP 429).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(tag = "kind", rename = "RateLimitDoc")]
pub enum RateLimitDoc {
    #[default]
    None,
    Global {
        rate_rps: f64,
        burst: f64,
    },
    PerUser {
        rate_rps: f64,
        burst: f64,
    },
}
fn one_u32() -> u32 {
    1
}
fn default_static_objects() -> u32 {
    100
}
fn default_health_interval() -> f64 {
    5.0
}
fn default_health_threshold() -> u32 {
    3
}
fn default_store_workers() -> u32 {
    32
}
fn default_store_ms() -> f64 {
    0.5
}
fn default_cache_instance() -> String {
    "elasticache_redis_m5_large".into()
}
fn default_db_instance() -> String {
    "rds_mysql_m5_large".into()
}
fn default_worker_instance() -> String {
    "ec2_t3_medium".into()
}
fn default_item_kb() -> f64 {
    1.0
}
fn default_flush() -> f64 {
    1.0
}
fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}
/// A cache or session store replica's promotion: ElastiCache's Multi-AZ failover takes seconds
/// to a minute; Redis Sentinel's own default detection alone is 30 s.
fn default_store_failover_s() -> f64 {
    10.0
}
fn is_default_store_failover_s(v: &f64) -> bool {
    *v == default_store_failover_s()
}
/// Redis replication is asynchronous with a lag of about a millisecond inside a data centre.
fn default_store_lag_ms() -> f64 {
    1.0
}
fn is_default_store_lag_ms(v: &f64) -> bool {
    *v == default_store_lag_ms()
}
fn default_db_workers() -> u32 {
    16
}
fn default_queue() -> u32 {
    1000
}
fn default_read_ms() -> f64 {
    5.0
}
fn default_write_ms() -> f64 {
    10.0
}
fn default_lag_ms() -> f64 {
    100.0
}
fn default_failover_s() -> f64 {
    30.0
}
fn default_edge_rtt() -> f64 {
    10.0
}
fn default_object_kb() -> f64 {
    100.0
}
fn default_response_kb() -> f64 {
    10.0
}
fn default_record_kb() -> f64 {
    1.0
}
fn default_purge_delay() -> f64 {
    5.0
}
fn default_migration_rps() -> f64 {
    1000.0
}
fn default_migration_share() -> f64 {
    0.25
}

/// How the users' request rate changes over time (a factor of `rate_rps`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(tag = "shape", rename = "ProfileDoc")]
pub enum ProfileDoc {
    #[default]
    Steady,
    Step {
        at_s: f64,
        factor: f64,
    },
    Ramp {
        from_s: f64,
        to_s: f64,
        factor: f64,
    },
    Daily {
        period_s: f64,
        amplitude: f64,
    },
    Spike {
        at_s: f64,
        duration_s: f64,
        factor: f64,
    },
}

/// An autoscaling rule for a server pool (the chapter's automation: add web servers above a
/// utilisation threshold).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(tag = "mode", rename = "AutoscaleDoc")]
pub enum AutoscaleDoc {
    #[default]
    Off,
    /// Every `interval_s` the pool's utilisation over the last interval is measured: above
    /// `scale_out_above` instances are launched (serving after `boot_s`), below `scale_in_below`
    /// one is retired, always within `min_instances..=max_instances`.
    Utilization {
        min_instances: u32,
        max_instances: u32,
        scale_out_above: f64,
        scale_in_below: f64,
        interval_s: f64,
        boot_s: f64,
        /// What is measured: CPU utilisation (default) or worker occupancy.
        #[serde(default)]
        metric: AutoscaleMetricDoc,
    },
}

/// The utilisation an autoscaling rule acts on.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AutoscaleMetricDoc {
    /// Time computing over the pool's vCPUs.
    #[default]
    Cpu,
    /// Time a worker is held, waits on the cache and database included, over the workers.
    Occupancy,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SessionsDoc {
    #[default]
    None,
    InServer,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LbPolicyDoc {
    #[default]
    RoundRobin,
    LeastConnections,
    Random,
    IpHash,
    PowerOfTwo,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EvictionDoc {
    #[default]
    Lru,
    Lfu,
    Fifo,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReadStrategyDoc {
    #[default]
    CacheAside,
    ReadThrough,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WriteStrategyDoc {
    #[default]
    WriteAround,
    WriteThrough,
    WriteBack,
    /// Write the database, then delete the cached copy (cache-aside).
    Invalidate,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FillFromDoc {
    /// Any healthy replica, like every other read.
    #[default]
    Replicas,
    /// The acting primary: fills as fresh as the last acknowledged write.
    Primary,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReplicationDoc {
    #[default]
    Async,
    Sync,
}

/// Where a sharded database keeps its hot (celebrity) keys.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HotShardDoc {
    /// On the shards the shard map gives them (salted when `salt` > 1).
    #[default]
    Shared,
    /// On a dedicated extra shard of their own, unsalted.
    Dedicated,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InvalidationDoc {
    #[default]
    Ttl,
    Purge,
    Versioned,
}

/// A data centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegionDoc {
    pub name: String,
    /// This data centre is a disaster-recovery standby for another (see `StandbyDoc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby: Option<StandbyDoc>,
}

/// What a standby data centre keeps running for its primary, and how it takes over.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DrModeDoc {
    /// A full copy runs (billed in full): DNS answers with it once health checks fail.
    #[default]
    Hot,
    /// `warm_share` of each server pool runs; the rest boot on activation (`boot_s`).
    Warm,
    /// Nothing runs (only backups are billed): provisioned and restored on activation
    /// (`restore_min`), its databases from the last backup (`backup_interval_s`).
    Cold,
}

/// A disaster-recovery standby for data centre `for`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StandbyDoc {
    /// The primary data centre this one stands in for.
    #[serde(rename = "for")]
    pub primary: String,
    #[serde(default)]
    pub mode: DrModeDoc,
    /// DNS health checks of the primary's entry points: every `health_interval_s`, failed
    /// `health_threshold` times in a row (Route 53: 10 or 30 s, 3 failures).
    #[serde(default = "default_dr_interval")]
    pub health_interval_s: f64,
    #[serde(default = "default_dr_threshold")]
    pub health_threshold: u32,
    #[serde(default = "default_warm_share")]
    pub warm_share: f64,
    #[serde(default = "default_dr_boot")]
    pub boot_s: f64,
    #[serde(default = "default_restore_min")]
    pub restore_min: f64,
    #[serde(default = "default_backup_interval")]
    pub backup_interval_s: f64,
}

fn default_dr_interval() -> f64 {
    10.0
}
fn default_dr_threshold() -> u32 {
    3
}
fn default_warm_share() -> f64 {
    0.25
}
fn default_dr_boot() -> f64 {
    90.0
}
fn default_restore_min() -> f64 {
    30.0
}
fn default_backup_interval() -> f64 {
    3600.0
}

/// One-way latency between two regions, in ms (the same both ways).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LinkDoc {
    pub a: String,
    pub b: String,
    pub latency_ms: f64,
}

// Read by hand (below), as `NodeDoc` is.
/// A change applied at `at_s` simulated seconds.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FaultDoc {
    pub at_s: f64,
    #[serde(flatten)]
    pub action: FaultAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(tag = "action", rename = "FaultAction")]
pub enum FaultAction {
    Kill {
        node: String,
    },
    Restore {
        node: String,
    },
    Slow {
        node: String,
        factor: f64,
    },
    SetRate {
        node: String,
        rps: f64,
    },
    KillRegion {
        region: String,
    },
    RestoreRegion {
        region: String,
    },
    Partition {
        a: String,
        b: String,
    },
    Heal {
        a: String,
        b: String,
    },
    /// A new version of the static assets behind a CDN.
    Deploy {
        node: String,
    },
    /// Add the next spare shard of a sharded database.
    Reshard {
        node: String,
    },
}

fn default_cv() -> f64 {
    1.0
}
fn default_instance() -> String {
    "ec2_m5_large".into()
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceShape {
    Constant,
    #[default]
    Exponential,
    LogNormal,
}

/// A connection: requests flow from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EdgeDoc {
    pub from: String,
    pub to: String,
}

internally_tagged!(NodeParams, "kind", "internally tagged enum NodeParams");
internally_tagged!(ProfileDoc, "shape", "internally tagged enum ProfileDoc");
internally_tagged!(AutoscaleDoc, "mode", "internally tagged enum AutoscaleDoc");
internally_tagged!(RateLimitDoc, "kind", "internally tagged enum RateLimitDoc");
internally_tagged!(FaultAction, "action", "internally tagged enum FaultAction");

// The fields of `NodeDoc` and `FaultDoc` are taken out of the object in the order serde's derive
// met them (keys sorted, as a `Value` holds them), so the first problem reported is the same.
impl<'de> Deserialize<'de> for NodeDoc {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<NodeDoc, D::Error> {
        tagged::read_object(deserializer, "struct NodeDoc", |mut object| {
            let id = take(&mut object, "id")?;
            let region = take(&mut object, "region")?.unwrap_or_default();
            let x = take(&mut object, "x")?.unwrap_or_default();
            let y = take(&mut object, "y")?.unwrap_or_default();
            let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
            let params = tagged::from_map(object, "kind", NodeParams::deserialize)?;
            Ok(NodeDoc {
                id,
                x,
                y,
                region,
                params,
            })
        })
    }
}

impl<'de> Deserialize<'de> for FaultDoc {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<FaultDoc, D::Error> {
        tagged::read_object(deserializer, "struct FaultDoc", |mut object| {
            let at_s = take(&mut object, "at_s")?;
            let at_s = at_s.ok_or_else(|| de::Error::missing_field("at_s"))?;
            let action = tagged::from_map(object, "action", FaultAction::deserialize)?;
            Ok(FaultDoc { at_s, action })
        })
    }
}

impl NodeParams {
    /// The kind's name as written in JSON.
    pub fn kind_name(&self) -> &'static str {
        self.tag().as_str()
    }

    /// The kind, typed.
    pub fn tag(&self) -> crate::kinds::KindTag {
        crate::kinds::KindTag::of(self)
    }
}

/// Why a document could not be read at all.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// Not JSON, or JSON that is not a design (the serde message says where).
    Syntax(String),
    /// The document has no `version` number.
    MissingVersion,
    /// Written by a newer ScaleLab than this one.
    TooNew { found: u64, supported: u32 },
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Syntax(msg) => write!(f, "not a valid design: {msg}"),
            ParseError::MissingVersion => write!(
                f,
                "the design has no version number (a whole number from 1)"
            ),
            ParseError::TooNew { found, supported } => {
                write!(
                    f,
                    "design version {found} is newer than this app supports ({supported})"
                )
            }
        }
    }
}

impl std::error::Error for ParseError {}

impl Design {
    /// Parses a design, migrating an older version to [`CURRENT_VERSION`].
    pub fn from_json(text: &str) -> Result<Design, ParseError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ParseError::Syntax(e.to_string()))?;
        Design::from_value(value)
    }

    pub fn from_value(value: Value) -> Result<Design, ParseError> {
        // A whole number from 1 on; `1.0` is the same number written as a float.
        let version = value
            .get("version")
            .and_then(|v| {
                v.as_u64().or_else(|| {
                    v.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f <= u32::MAX as f64)
                        .map(|f| f as u64)
                })
            })
            .filter(|&v| v >= 1)
            .ok_or(ParseError::MissingVersion)?;
        if version > CURRENT_VERSION as u64 {
            return Err(ParseError::TooNew {
                found: version,
                supported: CURRENT_VERSION,
            });
        }
        let mut value = value;
        value["version"] = Value::from(version);
        let value = migrate(value, version);
        Design::from_known(value).map_err(|e| ParseError::Syntax(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The file form: the compact text indented (`pretty::indent`), byte for byte what
    /// `serde_json::to_string_pretty` writes, without a second serialiser in the bundle.
    pub fn to_json_pretty(&self) -> String {
        crate::pretty::indent(&self.to_json())
    }

    pub fn node(&self, id: &str) -> Option<&NodeDoc> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn node_mut(&mut self, id: &str) -> Option<&mut NodeDoc> {
        self.nodes.iter_mut().find(|n| n.id == id)
    }

    /// The chapter's first stage: users → DNS → one server that runs the web app, the database
    /// and the cache. Its capacity is its m5.large's 2 vCPUs / 20 ms of CPU = 100 requests per
    /// second (4 workers, so the threads are not the limit).
    pub fn single_server() -> Design {
        Design {
            version: CURRENT_VERSION,
            name: "single-server".into(),
            seed: 1,
            window_s: 1.0,
            nodes: vec![
                NodeDoc {
                    id: "users".into(),
                    x: 80.0,
                    y: 160.0,
                    region: String::new(),
                    params: NodeParams::Users {
                        users: 1_000,
                        rate_rps: 50.0,
                        rtt_ms: 40.0,
                        timeout_ms: 2_000.0,
                        read_fraction: 1.0,
                        static_fraction: 0.0,
                        keys: 1,
                        zipf_alpha: 0.0,
                        static_objects: default_static_objects(),
                        profile: ProfileDoc::Steady,
                        response_kb: default_response_kb(),
                        static_kb: None,
                        paths: Vec::new(),
                        attack_share: 0.0,
                        attack_cost: 1.0,
                    },
                },
                NodeDoc {
                    id: "dns".into(),
                    x: 320.0,
                    y: 40.0,
                    region: String::new(),
                    params: NodeParams::Dns {
                        lookup_ms: 30.0,
                        ttl_s: 300.0,
                    },
                },
                NodeDoc {
                    id: "server".into(),
                    x: 580.0,
                    y: 160.0,
                    region: String::new(),
                    params: NodeParams::Server {
                        workers: 4,
                        queue_capacity: 200,
                        service_ms: 20.0,
                        service_shape: ServiceShape::Exponential,
                        service_cv: 1.0,
                        instance: default_instance(),
                        sessions: SessionsDoc::None,
                        instances: 1,
                        autoscale: AutoscaleDoc::Off,
                    },
                },
            ],
            edges: vec![
                EdgeDoc {
                    from: "users".into(),
                    to: "dns".into(),
                },
                EdgeDoc {
                    from: "dns".into(),
                    to: "server".into(),
                },
            ],
            regions: Vec::new(),
            links: Vec::new(),
            faults: Vec::new(),
            extra: Map::new(),
        }
    }
}

/// Brings a document of an older version up to [`CURRENT_VERSION`], one step at a time. Version 1
/// is the first published format, so there is no step yet; each future format change adds an arm
/// here and a test that loads a saved document of the old version.
fn migrate(value: Value, version: u64) -> Value {
    debug_assert!(version <= CURRENT_VERSION as u64);
    value
}

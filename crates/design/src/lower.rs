//! Checks a design and lowers it into the engine's runtime model. Every problem becomes a
//! [`Diagnostic`] that names the node and the field, so the UI can show it on the node.

use crate::bounds::{
    self, MAX_INSTANCES, MAX_KEYS, MAX_PATHS, MAX_PAYLOAD_KB, MAX_RATE_RPS, MAX_REPLICAS,
    MAX_SHARDS, MAX_TIME_S, MAX_USERS, MAX_WORKERS,
};
use crate::document::{
    AutoscaleDoc, AutoscaleMetricDoc, Design, DrModeDoc, EvictionDoc, FaultAction, FillFromDoc,
    HotShardDoc, InvalidationDoc, LbPolicyDoc, NodeParams, ProfileDoc, RateLimitDoc,
    ReadStrategyDoc, ReplicationDoc, ServiceShape, SessionsDoc, WriteStrategyDoc,
};
use crate::kinds::{spec, KindTag, Role};
use scalelab_engine::dist::Dist;
use scalelab_engine::hashing::{ShardMap, ShardingStrategy};
use scalelab_engine::model::{
    AutoscaleMetric, AutoscaleSpec, CacheSpec, CdnSpec, DbSpec, DnsSpec, DrMode, Eviction,
    FillFrom, GatewaySpec, Invalidation, LbPolicy, LbSpec, PathShare, QueueSpec, RateLimit,
    RateLimitKind, RateProfile, ReadStrategy, ReplicaSpec, Replication, ServerSpec, Sessions,
    ShardRouterSpec, StandbySpec, UsersSpec, WafSpec, WriteStrategy, UNLIMITED_CORES,
};
use scalelab_engine::{prices, Command, Model, NodeId, NodeKind, NodeSpec, SimDuration, SimTime};
use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// One problem found in a design.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The node (or, for an edge, the edge's source) the problem is about.
    pub node: Option<String>,
    /// The parameter, when one is at fault.
    pub field: Option<&'static str>,
    pub problem: Problem,
}

/// What is wrong. The UI translates each variant; [`std::fmt::Display`] gives the English text.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    EmptyId,
    DuplicateId,
    /// An edge names a node that does not exist.
    DanglingEdge {
        missing: String,
    },
    /// A number outside the range the engine can simulate meaningfully.
    OutOfRange {
        value: f64,
        min: f64,
        max: f64,
    },
    /// A node needs an outgoing connection to one of these kinds.
    MissingConnection {
        /// The kinds a connection may go to (the source kind's `required`).
        expected: &'static [KindTag],
    },
    /// A connection the engine cannot simulate (not in the source kind's `outgoing`).
    UnsupportedConnection {
        from: KindTag,
        to: KindTag,
    },
    /// More than one outgoing connection where only one is meaningful.
    TooManyConnections,
    UnknownInstance {
        instance: String,
    },
    /// A design needs at least one users node to generate traffic.
    NoUsers,
    /// The window must be between 0.1 and 60 simulated seconds.
    BadWindow {
        value: f64,
    },
    /// A region name that is not in the design's `regions`.
    UnknownRegion {
        region: String,
    },
    /// A scheduled fault names a node that does not exist.
    UnknownNode {
        missing: String,
    },
    /// The price row named as `instance` is not an instance type (it has no vCPUs or memory).
    NotAnInstance,
    /// The sharding strategy cannot build a shard map with these shards and keys.
    BadShardMap,
    /// An API gateway's route names a node it has no connection to.
    RouteNotConnected {
        to: String,
    },
    /// A standby data centre names itself, or a data centre that is a standby, as its primary.
    BadStandby {
        region: String,
    },
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(node) = &self.node {
            write!(f, "node '{node}'")?;
            if let Some(field) = self.field {
                write!(f, ", field '{field}'")?;
            }
            write!(f, ": ")?;
        }
        match &self.problem {
            Problem::EmptyId => write!(f, "a node has an empty id"),
            Problem::DuplicateId => write!(f, "the id is used by more than one node"),
            Problem::DanglingEdge { missing } => write!(
                f,
                "a connection points to '{missing}', which does not exist"
            ),
            Problem::OutOfRange { value, min, max } => {
                write!(f, "{value} is outside {min}..={max}")
            }
            Problem::MissingConnection { expected } => {
                let names: Vec<String> = expected
                    .iter()
                    .map(|k| k.as_str().replace('_', " "))
                    .collect();
                let list = match names.split_last() {
                    Some((last, [])) => last.clone(),
                    Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                    None => String::new(),
                };
                write!(f, "needs a connection to a {list}")
            }
            Problem::UnsupportedConnection { from, to } => {
                write!(f, "a {from} cannot send requests to a {to}")
            }
            Problem::TooManyConnections => write!(f, "has more than one outgoing connection"),
            Problem::UnknownInstance { instance } => {
                write!(f, "unknown instance type '{instance}'")
            }
            Problem::NoUsers => write!(f, "the design has no users to send traffic"),
            Problem::BadWindow { value } => write!(f, "window {value} s is outside 0.1..=60"),
            Problem::UnknownRegion { region } => write!(f, "unknown region '{region}'"),
            Problem::UnknownNode { missing } => write!(f, "no node named '{missing}'"),
            Problem::NotAnInstance => write!(
                f,
                "this price row is not an instance type with vCPUs and memory"
            ),
            Problem::BadShardMap => {
                write!(f, "the shard map cannot be built with these parameters")
            }
            Problem::RouteNotConnected { to } => {
                write!(
                    f,
                    "a route goes to '{to}', which is not one of its connections"
                )
            }
            Problem::BadStandby { region } => write!(
                f,
                "'{region}' cannot be its primary: a standby stands in for another data centre that is no standby"
            ),
        }
    }
}

/// The result of lowering: a model to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    pub model: Model,
}

/// One node of the engine's model and the design node it comes from: a database expands into its
/// primary and replicas (`db/r1`…), a sharded database into its router and shards (`shards/s0`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelNode {
    pub design_index: usize,
    pub key: String,
}

/// The engine's nodes in model-id order (the ids in `NodeStats::id` and `Command`s), with the
/// design node each belongs to. The one place that decides the expansion.
pub fn model_nodes(design: &Design) -> Vec<ModelNode> {
    let mut out = Vec::with_capacity(design.nodes.len());
    for (i, node) in design.nodes.iter().enumerate() {
        out.push(ModelNode {
            design_index: i,
            key: node.id.clone(),
        });
        let (suffix, first, count) = match &node.params {
            NodeParams::Database { replicas, .. } => ("r", 1, (*replicas).min(MAX_REPLICAS as u32)),
            NodeParams::Cache { replicas, .. } | NodeParams::SessionStore { replicas, .. } => {
                ("r", 1, (*replicas).min(1))
            }
            NodeParams::ShardedDatabase {
                shards,
                spare_shards,
                ..
            } => (
                "s",
                0,
                shards.saturating_add(*spare_shards).min(MAX_SHARDS as u32),
            ),
            _ => ("", 0, 0),
        };
        for k in first..first + count {
            out.push(ModelNode {
                design_index: i,
                key: format!("{}/{suffix}{k}", node.id),
            });
        }
        if let NodeParams::ShardedDatabase {
            hot_shard: HotShardDoc::Dedicated,
            ..
        } = &node.params
        {
            out.push(ModelNode {
                design_index: i,
                key: format!("{}/hot", node.id),
            });
        }
    }
    out
}

/// The model id of each design node, by design index.
pub fn model_ids(design: &Design) -> Vec<NodeId> {
    let mut ids = Vec::with_capacity(design.nodes.len());
    for (id, node) in model_nodes(design).iter().enumerate() {
        if node.design_index == ids.len() {
            ids.push(id as NodeId);
        }
    }
    ids
}

/// Checks `design` and builds the engine model, or returns every problem found.
pub fn lower(design: &Design, warmup: SimDuration) -> Result<Lowered, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, node) in design.nodes.iter().enumerate() {
        if node.id.is_empty() {
            diags.push(Diagnostic {
                node: None,
                field: Some("id"),
                problem: Problem::EmptyId,
            });
        } else if index.insert(node.id.as_str(), i).is_some() {
            diags.push(Diagnostic {
                node: Some(node.id.clone()),
                field: Some("id"),
                problem: Problem::DuplicateId,
            });
        }
    }
    if !(0.1..=60.0).contains(&design.window_s) {
        diags.push(Diagnostic {
            node: None,
            field: Some("window_s"),
            problem: Problem::BadWindow {
                value: design.window_s,
            },
        });
    }
    // Regions and the latency matrix.
    let regions: Vec<String> = design.regions.iter().map(|r| r.name.clone()).collect();
    let region_of = |name: &str| -> Option<u16> {
        if name.is_empty() {
            Some(0)
        } else {
            regions.iter().position(|r| r == name).map(|i| i as u16)
        }
    };
    let nr = regions.len().max(1);
    let mut latency = vec![SimDuration::ZERO; nr * nr];
    for link in &design.links {
        match (region_of(&link.a), region_of(&link.b)) {
            (Some(a), Some(b))
                if link.latency_ms.is_finite() && (0.0..=10_000.0).contains(&link.latency_ms) =>
            {
                let l = SimDuration::from_millis_f64(link.latency_ms);
                latency[a as usize * nr + b as usize] = l;
                latency[b as usize * nr + a as usize] = l;
            }
            (Some(_), Some(_)) => diags.push(Diagnostic {
                node: None,
                field: Some("links"),
                problem: Problem::OutOfRange {
                    value: link.latency_ms,
                    min: 0.0,
                    max: 10_000.0,
                },
            }),
            _ => diags.push(Diagnostic {
                node: None,
                field: Some("links"),
                problem: Problem::UnknownRegion {
                    region: format!("{} / {}", link.a, link.b),
                },
            }),
        }
    }
    // Model ids: each document node, then the replicas or shards it expands into.
    let model_id = model_ids(design);
    let total = model_nodes(design).len();
    // Outgoing connections of each node, in document order.
    let mut outgoing: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for edge in &design.edges {
        for end in [&edge.from, &edge.to] {
            if !index.contains_key(end.as_str()) {
                diags.push(Diagnostic {
                    node: Some(edge.from.clone()),
                    field: Some("edges"),
                    problem: Problem::DanglingEdge {
                        missing: end.clone(),
                    },
                });
            }
        }
        if let (Some(_), Some(&to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
            outgoing.entry(edge.from.as_str()).or_default().push(to);
        }
    }
    let kind_of = |i: usize| design.nodes[i].params.tag();
    let keys_max = design
        .nodes
        .iter()
        .map(|n| match &n.params {
            NodeParams::Users { keys, .. } => *keys,
            _ => 1,
        })
        .max()
        .unwrap_or(1)
        .clamp(1, MAX_KEYS as u32);
    // Every path the users ask for or a gateway routes, numbered from 1 in name order (0 is a
    // request without a path: the default route).
    let mut path_names: BTreeSet<&str> = BTreeSet::new();
    for node in &design.nodes {
        match &node.params {
            NodeParams::Users { paths, .. } => {
                path_names.extend(paths.iter().map(|p| p.path.as_str()))
            }
            NodeParams::ApiGateway { routes, .. } => {
                path_names.extend(routes.iter().map(|r| r.path.as_str()))
            }
            _ => {}
        }
    }
    let path_id = |name: &str| {
        path_names
            .iter()
            .position(|&p| p == name)
            .map_or(0, |i| (i + 1).min(u16::MAX as usize) as u16)
    };
    let mut nodes: Vec<NodeSpec> = Vec::with_capacity(total);
    for (i, node) in design.nodes.iter().enumerate() {
        let id = node.id.clone();
        let mut ranges: Vec<Diagnostic> = Vec::new();
        let kind = node.params.kind_name();
        // `within`: bounds that depend on another field; otherwise the table's.
        let mut check = |field: &'static str, value: f64, within: Option<(f64, f64)>| {
            let Some((min, max)) = within.or_else(|| bounds::range(kind, field)) else {
                debug_assert!(false, "{kind}.{field} has no bounds");
                return;
            };
            if !(value.is_finite() && (min..=max).contains(&value)) {
                ranges.push(Diagnostic {
                    node: Some(id.clone()),
                    field: Some(field),
                    problem: Problem::OutOfRange { value, min, max },
                });
            }
        };
        let region = match region_of(&node.region) {
            Some(r) => r,
            None => {
                diags.push(Diagnostic {
                    node: Some(node.id.clone()),
                    field: Some("region"),
                    problem: Problem::UnknownRegion {
                        region: node.region.clone(),
                    },
                });
                0
            }
        };
        let cost = |instance: &str, diags: &mut Vec<Diagnostic>| match prices::price(instance) {
            Some(p) => p.usd,
            None => {
                diags.push(Diagnostic {
                    node: Some(node.id.clone()),
                    field: Some("instance"),
                    problem: Problem::UnknownInstance {
                        instance: instance.to_string(),
                    },
                });
                0.0
            }
        };
        // The instance's vCPUs and memory (an unknown type is reported by `cost`; a price row
        // that is not an instance type here).
        let shape =
            |instance: &str, diags: &mut Vec<Diagnostic>| match prices::instance_shape(instance) {
                Some(shape) => Some(shape),
                None => {
                    if prices::price(instance).is_some() {
                        diags.push(Diagnostic {
                            node: Some(node.id.clone()),
                            field: Some("instance"),
                            problem: Problem::NotAnInstance,
                        });
                    }
                    None
                }
            };
        let vcpus = |instance: &str, diags: &mut Vec<Diagnostic>| {
            shape(instance, diags).map_or(UNLIMITED_CORES, |s| s.vcpus.max(1))
        };
        let outs: &[usize] = outgoing
            .get(node.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let kind = match &node.params {
            NodeParams::Users {
                users,
                rate_rps,
                rtt_ms,
                timeout_ms,
                read_fraction,
                static_fraction,
                keys,
                zipf_alpha,
                static_objects,
                profile,
                response_kb,
                static_kb,
                paths,
                attack_share,
                attack_cost,
            } => {
                check("users", *users as f64, None);
                // Lists are bounded here: the kind's description holds scalar parameters only.
                check("paths", paths.len() as f64, Some((0.0, MAX_PATHS)));
                check("attack_share", *attack_share, None);
                check("attack_cost", *attack_cost, None);
                for p in paths {
                    check("paths.share", p.share, Some((0.0, 1.0)));
                }
                // Shares are normalised: cumulative shares of their sum.
                let sum: f64 = paths.iter().map(|p| p.share.clamp(0.0, 1.0)).sum();
                let mut running = 0.0;
                let path_mix: Vec<PathShare> = if sum > 0.0 && paths.len() as f64 <= MAX_PATHS {
                    paths
                        .iter()
                        .map(|p| {
                            running += p.share.clamp(0.0, 1.0);
                            PathShare {
                                path: path_id(&p.path),
                                cumulative: running / sum,
                            }
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                check("rate_rps", *rate_rps, None);
                check("rtt_ms", *rtt_ms, None);
                check("timeout_ms", *timeout_ms, None);
                check("read_fraction", *read_fraction, None);
                check("static_fraction", *static_fraction, None);
                check("keys", *keys as f64, None);
                check("zipf_alpha", *zipf_alpha, None);
                check("static_objects", *static_objects as f64, None);
                check("response_kb", *response_kb, None);
                // Old designs size static assets by their CDN's `object_kb`: the users' CDN,
                // else the design's first, so that disconnecting the CDN keeps the assets' size.
                let object_kb = |t: &usize| match &design.nodes[*t].params {
                    NodeParams::Cdn { object_kb, .. } => Some(object_kb.clamp(0.0, MAX_PAYLOAD_KB)),
                    _ => None,
                };
                let cdn_kb = outs
                    .iter()
                    .find_map(object_kb)
                    .or_else(|| (0..design.nodes.len()).find_map(|t| object_kb(&t)));
                let static_kb = match static_kb {
                    Some(kb) => {
                        check("static_kb", *kb, None);
                        *kb
                    }
                    None => cdn_kb.unwrap_or(100.0),
                };
                let profile = lower_profile(profile, &mut check);
                NodeKind::Users(UsersSpec {
                    users: (*users).clamp(1, MAX_USERS as u32),
                    rate_rps: *rate_rps,
                    profile,
                    entry: 0,
                    cdn: None,
                    rtt: SimDuration::from_millis_f64(*rtt_ms),
                    timeout: SimDuration::from_millis_f64(*timeout_ms),
                    read_fraction: *read_fraction,
                    static_fraction: *static_fraction,
                    keys: (*keys).clamp(1, MAX_KEYS as u32),
                    zipf_alpha: *zipf_alpha,
                    static_objects: (*static_objects).clamp(1, MAX_KEYS as u32),
                    response_kb: *response_kb,
                    static_kb,
                    paths: path_mix,
                    attack_share: *attack_share,
                    attack_cost: *attack_cost,
                })
            }
            NodeParams::ApiGateway {
                workers,
                service_ms,
                routes,
                default_route,
                rate_limit,
                instance,
            } => {
                check("workers", *workers as f64, None);
                check("service_ms", *service_ms, None);
                check("routes", routes.len() as f64, Some((0.0, MAX_PATHS)));
                let (limit, rate_rps, burst) = match *rate_limit {
                    RateLimitDoc::None => (RateLimitKind::None, 100.0, 100.0),
                    RateLimitDoc::Global { rate_rps, burst } => {
                        (RateLimitKind::Global, rate_rps, burst)
                    }
                    RateLimitDoc::PerUser { rate_rps, burst } => {
                        (RateLimitKind::PerUser, rate_rps, burst)
                    }
                };
                if limit != RateLimitKind::None {
                    check("rate_limit.rate_rps", rate_rps, None);
                    check("rate_limit.burst", burst, None);
                }
                // A route or the default names a node this gateway connects to.
                let connected = |to: &str, field: &'static str, diags: &mut Vec<Diagnostic>| {
                    match index.get(to) {
                        Some(&t) if outs.contains(&t) => Some(model_id[t]),
                        _ => {
                            diags.push(Diagnostic {
                                node: Some(node.id.clone()),
                                field: Some(field),
                                problem: Problem::RouteNotConnected { to: to.to_string() },
                            });
                            None
                        }
                    }
                };
                let routes: Vec<(u16, NodeId)> = routes
                    .iter()
                    .filter_map(|r| {
                        connected(&r.to, "routes", &mut diags).map(|to| (path_id(&r.path), to))
                    })
                    .collect();
                let default = if default_route.is_empty() {
                    outs.first().map(|&t| model_id[t])
                } else {
                    connected(default_route, "default_route", &mut diags)
                };
                NodeKind::ApiGateway(GatewaySpec {
                    workers: (*workers).clamp(1, MAX_WORKERS as u32),
                    cores: vcpus(instance, &mut diags),
                    service: Dist::Exponential {
                        mean_s: service_ms / 1e3,
                    },
                    routes,
                    default,
                    rate_limit: RateLimit {
                        kind: limit,
                        rate_rps,
                        burst,
                    },
                    cost_per_hour_usd: cost(instance, &mut diags),
                })
            }
            NodeParams::Waf {
                workers,
                service_ms,
                detection,
                false_positive,
                rules,
            } => {
                check("workers", *workers as f64, None);
                check("service_ms", *service_ms, None);
                check("detection", *detection, None);
                check("false_positive", *false_positive, None);
                check("rules", *rules as f64, None);
                NodeKind::Waf(WafSpec {
                    workers: (*workers).clamp(1, MAX_WORKERS as u32),
                    cores: UNLIMITED_CORES,
                    service: Dist::Exponential {
                        mean_s: service_ms / 1e3,
                    },
                    target: 0,
                    detection: *detection,
                    false_positive: *false_positive,
                    rules: *rules,
                })
            }
            NodeParams::Dns { lookup_ms, ttl_s } => {
                check("lookup_ms", *lookup_ms, None);
                check("ttl_s", *ttl_s, None);
                NodeKind::Dns(DnsSpec {
                    lookup: SimDuration::from_millis_f64(*lookup_ms),
                    ttl: SimDuration::from_secs_f64(*ttl_s),
                    target: 0,
                    targets: Vec::new(),
                })
            }
            NodeParams::Server {
                workers,
                queue_capacity,
                service_ms,
                service_shape,
                service_cv,
                instance,
                sessions,
                instances,
                autoscale,
            } => {
                check("workers", *workers as f64, None);
                check("instances", *instances as f64, None);
                let autoscale = match *autoscale {
                    AutoscaleDoc::Off => None,
                    AutoscaleDoc::Utilization {
                        min_instances,
                        max_instances,
                        scale_out_above,
                        scale_in_below,
                        interval_s,
                        boot_s,
                        metric,
                    } => {
                        let (min, max) = (min_instances as f64, max_instances as f64);
                        check(
                            "autoscale.min_instances",
                            min,
                            Some((1.0, MAX_INSTANCES.min(max))),
                        );
                        check("autoscale.max_instances", max, None);
                        check("autoscale.scale_out_above", scale_out_above, None);
                        check(
                            "autoscale.scale_in_below",
                            scale_in_below,
                            Some((0.0, scale_out_above)),
                        );
                        check("autoscale.interval_s", interval_s, None);
                        check("autoscale.boot_s", boot_s, None);
                        Some(AutoscaleSpec {
                            min: min_instances.max(1),
                            max: max_instances.max(min_instances).max(1),
                            scale_out_above,
                            scale_in_below,
                            interval: SimDuration::from_secs_f64(interval_s),
                            boot: SimDuration::from_secs_f64(boot_s),
                            metric: match metric {
                                AutoscaleMetricDoc::Cpu => AutoscaleMetric::Cpu,
                                AutoscaleMetricDoc::Occupancy => AutoscaleMetric::Occupancy,
                            },
                        })
                    }
                };
                check("queue_capacity", *queue_capacity as f64, None);
                check("service_ms", *service_ms, None);
                check("service_cv", *service_cv, None);
                let mean_s = service_ms / 1e3;
                let mut spec = ServerSpec {
                    workers: (*workers).clamp(1, MAX_WORKERS as u32),
                    queue_capacity: *queue_capacity,
                    service: match service_shape {
                        ServiceShape::Constant => Dist::Constant { mean_s },
                        ServiceShape::Exponential => Dist::Exponential { mean_s },
                        ServiceShape::LogNormal => Dist::LogNormal {
                            mean_s,
                            cv: *service_cv,
                        },
                    },
                    cost_per_hour_usd: cost(instance, &mut diags),
                    sessions: match sessions {
                        SessionsDoc::None => Sessions::None,
                        SessionsDoc::InServer => Sessions::InServer,
                    },
                    data: None,
                    publish: None,
                    replica: None,
                    instances: (*instances).clamp(1, MAX_INSTANCES as u32),
                    autoscale,
                    cores: vcpus(instance, &mut diags),
                };
                for &to in outs {
                    let t = model_id[to];
                    match kind_of(to) {
                        KindTag::SessionStore => spec.sessions = Sessions::Store(t),
                        KindTag::Cache | KindTag::Database | KindTag::ShardedDatabase => {
                            spec.data = Some(t)
                        }
                        KindTag::Queue => spec.publish = Some(t),
                        // Refused below: not in the server's `outgoing`.
                        KindTag::Users
                        | KindTag::Dns
                        | KindTag::Cdn
                        | KindTag::LoadBalancer
                        | KindTag::Server
                        | KindTag::ApiGateway
                        | KindTag::Waf => {}
                    }
                }
                NodeKind::Server(spec)
            }
            NodeParams::LoadBalancer {
                policy,
                health_interval_s,
                health_threshold,
                sticky,
            } => {
                check("health_interval_s", *health_interval_s, None);
                check("health_threshold", *health_threshold as f64, None);
                NodeKind::LoadBalancer(LbSpec {
                    policy: match policy {
                        LbPolicyDoc::RoundRobin => LbPolicy::RoundRobin,
                        LbPolicyDoc::LeastConnections => LbPolicy::LeastConnections,
                        LbPolicyDoc::Random => LbPolicy::Random,
                        LbPolicyDoc::IpHash => LbPolicy::IpHash,
                        LbPolicyDoc::PowerOfTwo => LbPolicy::PowerOfTwo,
                    },
                    targets: outs.iter().map(|&t| model_id[t]).collect(),
                    health_interval: SimDuration::from_secs_f64(*health_interval_s),
                    health_threshold: (*health_threshold).max(1),
                    sticky: *sticky,
                    cost_per_hour_usd: cost("alb_hour", &mut diags),
                })
            }
            NodeParams::SessionStore {
                workers,
                service_ms,
                instance,
                replicas,
                failover_s,
                lag_ms,
            } => {
                check("workers", *workers as f64, None);
                check("service_ms", *service_ms, None);
                check("replicas", *replicas as f64, None);
                check("failover_s", *failover_s, None);
                check("lag_ms", *lag_ms, None);
                NodeKind::Server(ServerSpec {
                    // The store holds the sessions: its death loses them (forced logins).
                    sessions: Sessions::InServer,
                    workers: (*workers).clamp(1, MAX_WORKERS as u32),
                    queue_capacity: 10_000,
                    service: Dist::Exponential {
                        mean_s: service_ms / 1e3,
                    },
                    cost_per_hour_usd: cost(instance, &mut diags),
                    cores: vcpus(instance, &mut diags),
                    ..ServerSpec::default()
                })
            }
            NodeParams::Cache {
                capacity,
                eviction,
                ttl_s,
                ttl_reset,
                read_strategy,
                write_strategy,
                flush_interval_s,
                workers,
                service_ms,
                instance,
                warm,
                fill_from,
                item_kb,
                replicas,
                failover_s,
                lag_ms,
            } => {
                check("capacity", *capacity as f64, None);
                check("replicas", *replicas as f64, None);
                check("failover_s", *failover_s, None);
                check("lag_ms", *lag_ms, None);
                let shape = shape(instance, &mut diags);
                // A cache bigger than one node's memory is a cluster of nodes.
                let nodes = prices::cache_nodes(*capacity, *item_kb, instance);
                check("ttl_s", *ttl_s, None);
                check("flush_interval_s", *flush_interval_s, None);
                check("workers", *workers as f64, None);
                check("service_ms", *service_ms, None);
                check("item_kb", *item_kb, None);
                NodeKind::Cache(CacheSpec {
                    capacity: *capacity,
                    eviction: match eviction {
                        EvictionDoc::Lru => Eviction::Lru,
                        EvictionDoc::Lfu => Eviction::Lfu,
                        EvictionDoc::Fifo => Eviction::Fifo,
                    },
                    ttl: SimDuration::from_secs_f64(*ttl_s),
                    ttl_reset: *ttl_reset,
                    read: match read_strategy {
                        ReadStrategyDoc::CacheAside => ReadStrategy::CacheAside,
                        ReadStrategyDoc::ReadThrough => ReadStrategy::ReadThrough,
                    },
                    write: match write_strategy {
                        WriteStrategyDoc::WriteAround => WriteStrategy::WriteAround,
                        WriteStrategyDoc::WriteThrough => WriteStrategy::WriteThrough,
                        WriteStrategyDoc::WriteBack => WriteStrategy::WriteBack,
                        WriteStrategyDoc::Invalidate => WriteStrategy::Invalidate,
                    },
                    flush_interval: SimDuration::from_secs_f64(*flush_interval_s),
                    workers: (*workers).clamp(1, MAX_WORKERS as u32),
                    service: Dist::Exponential {
                        mean_s: service_ms / 1e3,
                    },
                    backend: outs.first().map(|&t| model_id[t]),
                    cost_per_hour_usd: cost(instance, &mut diags),
                    warm: *warm,
                    fill_from: match fill_from {
                        FillFromDoc::Replicas => FillFrom::Replicas,
                        FillFromDoc::Primary => FillFrom::Primary,
                    },
                    // Every node of the cluster brings its vCPUs.
                    cores: shape.map_or(UNLIMITED_CORES, |s| s.vcpus.max(1).saturating_mul(nodes)),
                    item_kb: *item_kb,
                    nodes,
                    replica: None,
                })
            }
            NodeParams::Database {
                workers,
                queue_capacity,
                read_ms,
                write_ms,
                replicas,
                replication,
                lag_ms,
                failover_s,
                replica_regions: _,
                instance,
                record_kb,
            } => {
                check("workers", *workers as f64, None);
                check("queue_capacity", *queue_capacity as f64, None);
                check("read_ms", *read_ms, None);
                check("write_ms", *write_ms, None);
                check("replicas", *replicas as f64, None);
                check("lag_ms", *lag_ms, None);
                check("failover_s", *failover_s, None);
                check("record_kb", *record_kb, None);
                let base = model_id[i];
                let n = (*replicas).min(MAX_REPLICAS as u32);
                NodeKind::Database(DbSpec {
                    workers: (*workers).clamp(1, MAX_WORKERS as u32),
                    queue_capacity: *queue_capacity,
                    read_service: Dist::Exponential {
                        mean_s: read_ms / 1e3,
                    },
                    write_service: Dist::Exponential {
                        mean_s: write_ms / 1e3,
                    },
                    replicas: (1..=n).map(|r| base + r).collect(),
                    replication: match replication {
                        ReplicationDoc::Async => Replication::Async,
                        ReplicationDoc::Sync => Replication::Sync,
                    },
                    lag: SimDuration::from_millis_f64(*lag_ms),
                    failover_delay: SimDuration::from_secs_f64(*failover_s),
                    cost_per_hour_usd: cost(instance, &mut diags),
                    reads_on_primary: n == 0,
                    cores: vcpus(instance, &mut diags),
                    record_kb: *record_kb,
                })
            }
            NodeParams::Cdn {
                capacity,
                ttl_s,
                edge_rtt_ms,
                object_kb,
                invalidation,
                purge_delay_s,
            } => {
                check("capacity", *capacity as f64, None);
                check("ttl_s", *ttl_s, None);
                check("edge_rtt_ms", *edge_rtt_ms, None);
                check("object_kb", *object_kb, None);
                check("purge_delay_s", *purge_delay_s, None);
                NodeKind::Cdn(CdnSpec {
                    capacity: *capacity,
                    ttl: SimDuration::from_secs_f64(*ttl_s),
                    edge_rtt: SimDuration::from_millis_f64(*edge_rtt_ms),
                    object_kb: *object_kb,
                    egress_usd_per_gb: prices::price("cloudfront_egress").map_or(0.085, |p| p.usd),
                    invalidation: match invalidation {
                        InvalidationDoc::Ttl => Invalidation::Ttl,
                        InvalidationDoc::Purge => Invalidation::Purge,
                        InvalidationDoc::Versioned => Invalidation::Versioned,
                    },
                    purge_delay: SimDuration::from_secs_f64(*purge_delay_s),
                    origin: outs.first().map_or(0, |&t| model_id[t]),
                })
            }
            NodeParams::Queue {
                consumers,
                job_ms,
                publish_ms,
                instance,
            } => {
                check("consumers", *consumers as f64, None);
                check("job_ms", *job_ms, None);
                check("publish_ms", *publish_ms, None);
                NodeKind::Queue(QueueSpec {
                    consumers: (*consumers).clamp(1, MAX_WORKERS as u32),
                    job_service: Dist::Exponential {
                        mean_s: job_ms / 1e3,
                    },
                    publish_service: SimDuration::from_millis_f64(*publish_ms),
                    cost_per_hour_usd: cost(instance, &mut diags) * f64::from(*consumers),
                    // Each consumer runs on an instance of its own.
                    cores: match vcpus(instance, &mut diags) {
                        UNLIMITED_CORES => UNLIMITED_CORES,
                        v => v.saturating_mul((*consumers).max(1)),
                    },
                })
            }
            NodeParams::ShardedDatabase {
                shards,
                spare_shards,
                strategy,
                hot_keys,
                salt,
                workers,
                read_ms,
                write_ms,
                migration_rps,
                migration_share,
                hot_shard,
                instance: _,
                record_kb,
            } => {
                check("shards", *shards as f64, None);
                check(
                    "spare_shards",
                    shards.saturating_add(*spare_shards) as f64,
                    Some((1.0, MAX_SHARDS)),
                );
                check("hot_keys", *hot_keys as f64, None);
                check("salt", *salt as f64, None);
                check("workers", *workers as f64, None);
                check("read_ms", *read_ms, None);
                check("write_ms", *write_ms, None);
                check("migration_rps", *migration_rps, None);
                check("migration_share", *migration_share, None);
                check("record_kb", *record_kb, None);
                if let ShardingStrategy::ConsistentHash { vnodes } = strategy {
                    check(
                        "strategy",
                        *vnodes as f64,
                        bounds::range(kind, "strategy.vnodes"),
                    );
                }
                if ShardMap::new(*strategy, (*shards).max(1), keys_max as u64).is_err() {
                    diags.push(Diagnostic {
                        node: Some(node.id.clone()),
                        field: Some("strategy"),
                        problem: Problem::BadShardMap,
                    });
                }
                let base = model_id[i];
                let n = shards.saturating_add(*spare_shards).min(MAX_SHARDS as u32);
                NodeKind::ShardRouter(ShardRouterSpec {
                    strategy: *strategy,
                    active: (*shards).clamp(1, n.max(1)),
                    shards: (1..=n).map(|s| base + s).collect(),
                    hot_keys: *hot_keys,
                    salt: (*salt).clamp(1, 64),
                    key_space: keys_max,
                    migration_rps: *migration_rps,
                    migration_share: *migration_share,
                    // The dedicated shard follows the shards (see `model_nodes`).
                    dedicated: (*hot_shard == HotShardDoc::Dedicated).then_some(base + n + 1),
                })
            }
        };
        diags.extend(ranges);
        nodes.push(NodeSpec {
            key: node.id.clone(),
            kind,
            region,
        });
        // Expansions: replicas and shards are nodes of their own, so they can fail on their own.
        match &node.params {
            NodeParams::Cache {
                replicas,
                failover_s,
                lag_ms,
                ..
            }
            | NodeParams::SessionStore {
                replicas,
                failover_s,
                lag_ms,
                ..
            } if *replicas >= 1 => {
                // A copy of the primary (same size and price), billed as a second node.
                let spec = ReplicaSpec {
                    node: model_id[i] + 1,
                    lag: SimDuration::from_millis_f64(lag_ms.clamp(0.0, 600_000.0)),
                    failover: SimDuration::from_secs_f64(failover_s.clamp(0.0, 86_400.0)),
                };
                let primary = nodes.last_mut().map(|n| &mut n.kind);
                let copy = match primary {
                    Some(NodeKind::Cache(c)) => {
                        let copy = NodeKind::Cache(c.clone());
                        c.replica = Some(spec);
                        Some(copy)
                    }
                    Some(NodeKind::Server(s)) => {
                        let copy = NodeKind::Server(s.clone());
                        s.replica = Some(spec);
                        Some(copy)
                    }
                    _ => None,
                };
                if let Some(kind) = copy {
                    nodes.push(NodeSpec {
                        key: format!("{}/r1", node.id),
                        kind,
                        region,
                    });
                }
            }
            NodeParams::Database {
                workers,
                queue_capacity,
                read_ms,
                write_ms,
                replicas,
                replica_regions,
                instance,
                record_kb,
                ..
            } => {
                for r in 1..=(*replicas).min(MAX_REPLICAS as u32) {
                    let rregion = match replica_regions.get(r as usize - 1) {
                        Some(name) => match region_of(name) {
                            Some(x) => x,
                            None => {
                                diags.push(Diagnostic {
                                    node: Some(node.id.clone()),
                                    field: Some("replica_regions"),
                                    problem: Problem::UnknownRegion {
                                        region: name.clone(),
                                    },
                                });
                                region
                            }
                        },
                        None => region,
                    };
                    nodes.push(NodeSpec {
                        key: format!("{}/r{r}", node.id),
                        kind: NodeKind::Database(DbSpec {
                            workers: (*workers).clamp(1, MAX_WORKERS as u32),
                            queue_capacity: *queue_capacity,
                            read_service: Dist::Exponential {
                                mean_s: read_ms / 1e3,
                            },
                            write_service: Dist::Exponential {
                                mean_s: write_ms / 1e3,
                            },
                            cost_per_hour_usd: prices::price(instance).map_or(0.0, |p| p.usd),
                            cores: prices::instance_shape(instance)
                                .map_or(UNLIMITED_CORES, |s| s.vcpus.max(1)),
                            record_kb: *record_kb,
                            ..DbSpec::default()
                        }),
                        region: rregion,
                    });
                }
            }
            NodeParams::ShardedDatabase {
                shards,
                spare_shards,
                workers,
                read_ms,
                write_ms,
                instance,
                hot_shard,
                record_kb,
                ..
            } => {
                let n = shards.saturating_add(*spare_shards).min(MAX_SHARDS as u32);
                let hot = (*hot_shard == HotShardDoc::Dedicated).then(|| "hot".to_string());
                let names = (0..n).map(|s| format!("s{s}")).chain(hot);
                for name in names {
                    nodes.push(NodeSpec {
                        key: format!("{}/{name}", node.id),
                        kind: NodeKind::Database(DbSpec {
                            workers: (*workers).clamp(1, MAX_WORKERS as u32),
                            queue_capacity: 10_000,
                            read_service: Dist::Exponential {
                                mean_s: read_ms / 1e3,
                            },
                            write_service: Dist::Exponential {
                                mean_s: write_ms / 1e3,
                            },
                            // The engine bills a spare shard from when resharding brings it in.
                            cost_per_hour_usd: prices::price(instance).map_or(0.0, |p| p.usd),
                            cores: prices::instance_shape(instance)
                                .map_or(UNLIMITED_CORES, |s| s.vcpus.max(1)),
                            reads_on_primary: true,
                            record_kb: *record_kb,
                            ..DbSpec::default()
                        }),
                        region,
                    });
                }
            }
            _ => {}
        }
    }
    // Check the connections each kind may have, and wire users, DNS and CDN.
    for (i, node) in design.nodes.iter().enumerate() {
        let outs = outgoing
            .get(node.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut diag = |problem| {
            diags.push(Diagnostic {
                node: Some(node.id.clone()),
                field: Some("edges"),
                problem,
            })
        };
        // What this kind may call and must call is its description's.
        let kind = spec(node.params.tag());
        for &to in outs {
            if !kind.may_call(kind_of(to)) {
                diag(Problem::UnsupportedConnection {
                    from: kind.tag,
                    to: kind_of(to),
                });
            }
        }
        // One connection per role: more would be ambiguous (a refused one is reported above).
        if !kind.fan_out {
            let mut seen: Vec<Role> = Vec::new();
            for &to in outs.iter().filter(|&&t| kind.may_call(kind_of(t))) {
                let role = spec(kind_of(to)).role;
                if seen.contains(&role) {
                    diag(Problem::TooManyConnections);
                    break;
                }
                seen.push(role);
            }
        }
        let entry = outs
            .iter()
            .copied()
            .find(|&t| spec(kind_of(t)).role != Role::Cdn);
        if !kind.required.is_empty() && entry.is_none() {
            diag(Problem::MissingConnection {
                expected: kind.required,
            });
        }
        let mi = model_id[i] as usize;
        match &mut nodes[mi].kind {
            NodeKind::Users(users) => {
                users.entry = entry.map_or(0, |t| model_id[t]);
                users.cdn = outs
                    .iter()
                    .copied()
                    .find(|&t| kind_of(t) == KindTag::Cdn)
                    .map(|t| model_id[t]);
            }
            NodeKind::Dns(dns) => {
                dns.targets = outs.iter().map(|&t| model_id[t]).collect();
                dns.target = dns.targets.first().copied().unwrap_or(0);
            }
            NodeKind::Waf(waf) => waf.target = entry.map_or(0, |t| model_id[t]),
            _ => {}
        }
    }
    if !design
        .nodes
        .iter()
        .any(|n| matches!(n.params, NodeParams::Users { .. }))
    {
        diags.push(Diagnostic {
            node: None,
            field: None,
            problem: Problem::NoUsers,
        });
    }
    let standbys = lower_standbys(design, &keys_max, &mut diags);
    // Scheduled faults.
    let mut schedule = Vec::new();
    // A fault may name any engine node: a design node, or a replica or shard it expands into
    // (`db/r1`, `shards/s4`).
    let model_keys: BTreeMap<String, NodeId> = model_nodes(design)
        .into_iter()
        .enumerate()
        .map(|(id, node)| (node.key, id as NodeId))
        .collect();
    for fault in &design.faults {
        let node_of = |name: &str, diags: &mut Vec<Diagnostic>| match model_keys.get(name) {
            Some(&id) => Some(id),
            None => {
                diags.push(Diagnostic {
                    node: Some(name.to_string()),
                    field: Some("faults"),
                    problem: Problem::UnknownNode {
                        missing: name.to_string(),
                    },
                });
                None
            }
        };
        let region = |name: &str, diags: &mut Vec<Diagnostic>| match region_of(name) {
            Some(r) => Some(r),
            None => {
                diags.push(Diagnostic {
                    node: None,
                    field: Some("faults"),
                    problem: Problem::UnknownRegion {
                        region: name.to_string(),
                    },
                });
                None
            }
        };
        if !(fault.at_s.is_finite() && (0.0..=MAX_TIME_S).contains(&fault.at_s)) {
            diags.push(Diagnostic {
                node: None,
                field: Some("faults"),
                problem: Problem::OutOfRange {
                    value: fault.at_s,
                    min: 0.0,
                    max: MAX_TIME_S,
                },
            });
            continue;
        }
        let command = match &fault.action {
            FaultAction::Kill { node } => {
                node_of(node, &mut diags).map(|node| Command::Kill { node })
            }
            FaultAction::Restore { node } => {
                node_of(node, &mut diags).map(|node| Command::Restore { node })
            }
            FaultAction::Slow { node, factor } => {
                fault_range(&mut diags, node, "faults.factor", *factor, 0.001, 1_000.0);
                node_of(node, &mut diags).map(|node| Command::Slow {
                    node,
                    factor: *factor,
                })
            }
            FaultAction::SetRate { node, rps } => {
                fault_range(&mut diags, node, "faults.rps", *rps, 0.0, MAX_RATE_RPS);
                node_of(node, &mut diags).map(|node| Command::SetRate { node, rps: *rps })
            }
            FaultAction::KillRegion { region: r } => {
                region(r, &mut diags).map(|region| Command::KillRegion { region })
            }
            FaultAction::RestoreRegion { region: r } => {
                region(r, &mut diags).map(|region| Command::RestoreRegion { region })
            }
            FaultAction::Partition { a, b } => match (region(a, &mut diags), region(b, &mut diags))
            {
                (Some(a), Some(b)) => Some(Command::Partition { a, b }),
                _ => None,
            },
            FaultAction::Heal { a, b } => match (region(a, &mut diags), region(b, &mut diags)) {
                (Some(a), Some(b)) => Some(Command::Heal { a, b }),
                _ => None,
            },
            FaultAction::Deploy { node } => {
                node_of(node, &mut diags).map(|node| Command::Deploy { node })
            }
            FaultAction::Reshard { node } => {
                node_of(node, &mut diags).map(|node| Command::Reshard { node })
            }
        };
        if let Some(command) = command {
            schedule.push((SimTime::from_secs_f64(fault.at_s), command));
        }
    }
    if diags.is_empty() {
        Ok(Lowered {
            model: Model {
                nodes,
                window: SimDuration::from_secs_f64(design.window_s),
                warmup,
                regions,
                latency,
                schedule,
                standbys,
            },
        })
    } else {
        Err(diags)
    }
}

/// A fault's number outside its bounds (a rate of 1e308 would make arrivals 0 ns apart).
fn fault_range(
    diags: &mut Vec<Diagnostic>,
    node: &str,
    field: &'static str,
    value: f64,
    min: f64,
    max: f64,
) {
    if !(value.is_finite() && (min..=max).contains(&value)) {
        diags.push(Diagnostic {
            node: Some(node.to_string()),
            field: Some(field),
            problem: Problem::OutOfRange { value, min, max },
        });
    }
}

/// A rate profile's runtime form, unchecked (the budget's estimate reads it before lowering).
pub fn profile_of(profile: &ProfileDoc) -> RateProfile {
    lower_profile(profile, &mut |_, _, _| {})
}

/// Checks a rate profile's numbers and converts it.
fn lower_profile(
    profile: &ProfileDoc,
    check: &mut impl FnMut(&'static str, f64, Option<(f64, f64)>),
) -> RateProfile {
    match *profile {
        ProfileDoc::Steady => RateProfile::Steady,
        ProfileDoc::Step { at_s, factor } => {
            check("profile.at_s", at_s, None);
            check("profile.factor", factor, None);
            RateProfile::Step { at_s, factor }
        }
        ProfileDoc::Ramp {
            from_s,
            to_s,
            factor,
        } => {
            check("profile.from_s", from_s, None);
            check("profile.to_s", to_s, None);
            check("profile.factor", factor, None);
            RateProfile::Ramp {
                from_s,
                to_s,
                factor,
            }
        }
        ProfileDoc::Daily {
            period_s,
            amplitude,
        } => {
            check("profile.period_s", period_s, None);
            check("profile.amplitude", amplitude, None);
            RateProfile::Daily {
                period_s,
                amplitude,
            }
        }
        ProfileDoc::Spike {
            at_s,
            duration_s,
            factor,
        } => {
            check("profile.at_s", at_s, None);
            check("profile.duration_s", duration_s, None);
            check("profile.factor", factor, None);
            RateProfile::Spike {
                at_s,
                duration_s,
                factor,
            }
        }
    }
}

/// The design's disaster-recovery standbys, each region's `standby` checked against the
/// bounds table (kind `region`) and its primary resolved.
fn lower_standbys(design: &Design, keys: &u32, diags: &mut Vec<Diagnostic>) -> Vec<StandbySpec> {
    let index = |name: &str| design.regions.iter().position(|r| r.name == name);
    let mut out = Vec::new();
    for (i, region) in design.regions.iter().enumerate() {
        let Some(s) = &region.standby else {
            continue;
        };
        let mut check = |field: &'static str, value: f64| {
            let Some((min, max)) = bounds::standby_range(field) else {
                debug_assert!(false, "region.{field} has no bounds");
                return;
            };
            if !(value.is_finite() && (min..=max).contains(&value)) {
                diags.push(Diagnostic {
                    node: Some(region.name.clone()),
                    field: Some(field),
                    problem: Problem::OutOfRange { value, min, max },
                });
            }
        };
        check("standby.health_interval_s", s.health_interval_s);
        check("standby.health_threshold", f64::from(s.health_threshold));
        check("standby.warm_share", s.warm_share);
        check("standby.boot_s", s.boot_s);
        check("standby.restore_min", s.restore_min);
        check("standby.backup_interval_s", s.backup_interval_s);
        let primary = match index(&s.primary) {
            None => {
                diags.push(Diagnostic {
                    node: Some(region.name.clone()),
                    field: Some("standby.for"),
                    problem: Problem::UnknownRegion {
                        region: s.primary.clone(),
                    },
                });
                continue;
            }
            Some(p) if p == i || design.regions[p].standby.is_some() => {
                diags.push(Diagnostic {
                    node: Some(region.name.clone()),
                    field: Some("standby.for"),
                    problem: Problem::BadStandby {
                        region: s.primary.clone(),
                    },
                });
                continue;
            }
            Some(p) => p as u16,
        };
        // A cold standby pays for its primary's databases' backups: the simulated data (every
        // key's record) once per database in the primary data centre.
        let backup_gb: f64 = design
            .nodes
            .iter()
            .filter(|n| index(&n.region).unwrap_or(0) == primary as usize)
            .filter_map(|n| match &n.params {
                NodeParams::Database { record_kb, .. }
                | NodeParams::ShardedDatabase { record_kb, .. } => {
                    Some(f64::from(*keys) * record_kb.clamp(0.0, MAX_PAYLOAD_KB) / 1_048_576.0)
                }
                _ => None,
            })
            .sum();
        let mode = match s.mode {
            DrModeDoc::Hot => DrMode::Hot,
            DrModeDoc::Warm => DrMode::Warm,
            DrModeDoc::Cold => DrMode::Cold,
        };
        let backup_usd_per_hour = if mode == DrMode::Cold {
            prices::price("rds_backup_storage").map_or(0.0, |p| p.usd) * backup_gb
                / prices::HOURS_PER_MONTH
        } else {
            0.0
        };
        let secs = |s: f64, max: f64| SimDuration::from_secs_f64(s.clamp(0.0, max));
        out.push(StandbySpec {
            region: i as u16,
            primary,
            mode,
            health_interval: secs(s.health_interval_s, 3_600.0),
            health_threshold: s.health_threshold.clamp(1, 100),
            warm_share: s.warm_share.clamp(0.0, 1.0),
            boot: secs(s.boot_s, 3_600.0),
            restore: secs(s.restore_min * 60.0, 604_800.0),
            backup_interval: secs(s.backup_interval_s, MAX_TIME_S),
            backup_usd_per_hour,
        });
    }
    out
}

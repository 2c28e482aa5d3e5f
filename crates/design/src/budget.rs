//! What a design will cost to run, estimated from the document alone before anything is lowered
//! or allocated, and checked against limits: a link or file from a stranger cannot take the tab
//! or the machine down. Estimates are upper bounds of the engine's big tables, not exact counts.

use crate::bounds::MAX_RATE_RPS;
use crate::document::{Design, FaultAction, NodeParams, RateLimitDoc};
use scalelab_engine::SimTime;

/// Bytes of one user's cached DNS answer (the engine's 16-byte record).
const BYTES_PER_USER: f64 = 16.0;
/// Bytes of one user's token bucket in a per-user rate limiter (tokens and last refill).
const BYTES_PER_BUCKET: f64 = 16.0;
/// Bytes per key and data column (a u32 version in the engine's key table).
const BYTES_PER_KEY_COLUMN: f64 = 4.0;
/// Bytes per key of a popularity table (alias probability, alias index, and the weights built
/// on the way).
const BYTES_PER_ZIPF_KEY: f64 = 24.0;
/// Bytes per item a cache may hold (slot, index, frequency).
const BYTES_PER_CACHE_ITEM: f64 = 48.0;
/// Bytes per pair of regions: latency and partition matrices, in the model and the engine.
const BYTES_PER_REGION_PAIR: f64 = 32.0;
/// Bytes per engine node (station, stream, statistics), and per node per window kept.
const BYTES_PER_NODE: f64 = 8_192.0;
const BYTES_PER_NODE_WINDOW: f64 = 320.0;
/// Bytes per scheduled fault.
const BYTES_PER_FAULT: f64 = 64.0;
/// Events per request: two per node a request may visit, plus its arrival and reply. Measured
/// on the stage designs at 5–8, so this is an upper bound for designs of their depth.
const EVENTS_PER_REQUEST_BASE: f64 = 2.0;
const EVENTS_PER_REQUEST_MAX: f64 = 48.0;

/// What a run may cost. The browser's and the CLI's differ: see `docs/design-format.md`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Bytes of memory the engine's tables may take.
    pub memory_bytes: f64,
    /// Events per simulated second at the traffic's peak.
    pub events_per_sim_s: f64,
    /// Events of the whole run (`run_s`); unchecked without a run length.
    pub events: f64,
    /// Simulated seconds the run lasts (warm-up included), when known beforehand.
    pub run_s: Option<f64>,
    /// Windows of statistics kept at once.
    pub windows_kept: f64,
    /// Bytes of the design's text (a file or a decoded link).
    pub text_bytes: usize,
}

impl Limits {
    /// The app's worker: wasm32 addresses at most 4 GiB and a tab is killed well before; a
    /// growing table briefly needs twice its size, so 512 MiB of tables. V8 runs the engine at
    /// about 10 M events per second, so 20 M events per simulated second still plays at ½×
    /// and the worker stays responsive between slices. The app keeps ten minutes of windows.
    pub fn browser() -> Limits {
        Limits {
            memory_bytes: 512.0 * MIB,
            events_per_sim_s: 2e7,
            events: f64::INFINITY,
            run_s: None,
            windows_kept: 600.0,
            text_bytes: 1 << 20,
        }
    }

    /// The CLI for a run of `run_s` simulated seconds: 4 GiB of tables, 10^10 events (about
    /// ten minutes natively), 10^9 per simulated second; it keeps a bounded window history.
    /// `--max-memory-mb` and `--max-events` raise them.
    pub fn cli(run_s: f64) -> Limits {
        Limits {
            memory_bytes: 4096.0 * MIB,
            events_per_sim_s: 1e9,
            events: 1e10,
            run_s: Some(run_s),
            windows_kept: crate::budget::CLI_WINDOWS_KEPT as f64,
            text_bytes: 64 << 20,
        }
    }
}

const MIB: f64 = 1024.0 * 1024.0;

/// Windows of statistics the CLI keeps (older ones are dropped; totals are kept apart).
pub const CLI_WINDOWS_KEPT: usize = 1_000;

/// What a design is estimated to cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub memory_bytes: f64,
    /// Events per simulated second at the traffic's peak.
    pub events_per_sim_s: f64,
    /// Events of the whole run (when the limits name its length).
    pub events: Option<f64>,
}

/// Which limit a design exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Memory,
    EventsPerSimSecond,
    Events,
    TextSize,
}

/// A refusal: the resource, the estimate and the limit, the parameter that drives it (and its
/// node), and the largest value of that parameter that fits, the rest unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetError {
    pub resource: Resource,
    pub estimate: f64,
    pub limit: f64,
    pub node: Option<String>,
    pub parameter: String,
    pub value: f64,
    pub largest: f64,
}

impl std::fmt::Display for BudgetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.resource {
            Resource::Memory => format!(
                "about {} of memory (limit {})",
                bytes(self.estimate),
                bytes(self.limit)
            ),
            Resource::EventsPerSimSecond => format!(
                "about {:.2e} events per simulated second (limit {:.0e})",
                self.estimate, self.limit
            ),
            Resource::Events => format!(
                "about {:.2e} events (limit {:.0e})",
                self.estimate, self.limit
            ),
            Resource::TextSize => format!(
                "{} of text (limit {})",
                bytes(self.estimate),
                bytes(self.limit)
            ),
        };
        let at = match &self.node {
            Some(n) => format!("{n}: {}", self.parameter),
            None => self.parameter.clone(),
        };
        write!(
            f,
            "too large to run: the design needs {what}; {at} = {} drives it, at most {} fits",
            num(self.value),
            num(self.largest)
        )
    }
}

impl std::error::Error for BudgetError {}

fn bytes(b: f64) -> String {
    if b >= 1024.0 * MIB {
        format!("{:.1} GiB", b / (1024.0 * MIB))
    } else {
        format!("{:.1} MiB", b / MIB)
    }
}

fn num(x: f64) -> String {
    if x.abs() >= 1e7 || (x != 0.0 && x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// One part of a cost: `per_unit · value^power`, driven by one parameter.
struct Term {
    node: Option<String>,
    parameter: String,
    value: f64,
    per_unit: f64,
    power: i32,
}

impl Term {
    fn cost(&self) -> f64 {
        cost(self.per_unit, self.value, self.power)
    }
}

fn cost(per_unit: f64, value: f64, power: i32) -> f64 {
    if power == 2 {
        per_unit * value * value
    } else {
        per_unit * value
    }
}

/// The sum of `terms` against `limit`. Terms of the same parameter (every users node's `users`)
/// form a group; the costliest group names the parameter, and the largest value it could take
/// on every node of the group (capping each at it) with the rest unchanged.
fn judge(resource: Resource, terms: &[Term], limit: f64) -> Result<f64, BudgetError> {
    let total: f64 = terms.iter().map(Term::cost).sum();
    if total <= limit {
        return Ok(total);
    }
    let mut names: Vec<&str> = terms.iter().map(|t| t.parameter.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    fn group<'a>(terms: &'a [Term], name: &'a str) -> impl Iterator<Item = &'a Term> + 'a {
        terms.iter().filter(move |t| t.parameter == name)
    }
    let group_cost = |name: &str| group(terms, name).map(Term::cost).sum::<f64>();
    let driver = names
        .iter()
        .copied()
        .max_by(|a, b| group_cost(a).total_cmp(&group_cost(b)))
        .unwrap_or_default();
    // The room the other parameters leave (summed apart: `total - group` is NaN when the
    // driver's own cost is infinite).
    let others: f64 = terms
        .iter()
        .filter(|t| t.parameter != driver)
        .map(Term::cost)
        .sum();
    let room = limit - others;
    let capped = |x: f64| {
        group(terms, driver)
            .map(|t| cost(t.per_unit, t.value.min(x), t.power))
            .sum::<f64>()
    };
    let top = group(terms, driver).map(|t| t.value).fold(0.0, f64::max);
    // Bisection for the largest cap that fits (the cost grows with the cap).
    let (mut lo, mut hi) = (0.0, top);
    if room <= 0.0 || !(top.is_finite()) {
        hi = 0.0;
    }
    for _ in 0..200 {
        if hi - lo < 0.5 {
            break;
        }
        let mid = 0.5 * (lo + hi);
        if capped(mid) <= room {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let members: Vec<&Term> = group(terms, driver).collect();
    let worst = members
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .expect("a group has a term");
    let (node, parameter) = if members.len() == 1 {
        (worst.node.clone(), driver.to_string())
    } else {
        (None, format!("{driver} (each of {} nodes)", members.len()))
    };
    Err(BudgetError {
        resource,
        estimate: total,
        limit,
        node,
        parameter,
        value: top,
        largest: if room > 0.0 && capped(lo) <= room {
            lo.floor()
        } else {
            0.0
        },
    })
}

/// Refuses a text (a design file or a decoded link) longer than the limits allow, before it is
/// parsed.
pub fn check_text(len: usize, limits: &Limits) -> Result<(), BudgetError> {
    if len <= limits.text_bytes {
        return Ok(());
    }
    Err(BudgetError {
        resource: Resource::TextSize,
        estimate: len as f64,
        limit: limits.text_bytes as f64,
        node: None,
        parameter: "file size (bytes)".into(),
        value: len as f64,
        largest: limits.text_bytes as f64,
    })
}

/// Estimates a design's memory and work and checks them against `limits`; call it before
/// [`crate::lower`], which allocates in proportion to what is checked here.
pub fn check(design: &Design, limits: &Limits) -> Result<Estimate, BudgetError> {
    let memory = judge(
        Resource::Memory,
        &memory_terms(design, limits),
        limits.memory_bytes,
    )?;
    let (per_s, total) = work_terms(design, limits.run_s);
    let events_per_sim_s = judge(
        Resource::EventsPerSimSecond,
        &per_s,
        limits.events_per_sim_s,
    )?;
    let events = match total {
        Some(terms) => Some(judge(Resource::Events, &terms, limits.events)?),
        None => None,
    };
    Ok(Estimate {
        memory_bytes: memory,
        events_per_sim_s,
        events,
    })
}

/// Engine nodes a design node becomes (a database and its replicas, a router and its shards).
fn engine_nodes(params: &NodeParams) -> f64 {
    match params {
        NodeParams::Database { replicas, .. } => 1.0 + f64::from(*replicas),
        NodeParams::ShardedDatabase {
            shards,
            spare_shards,
            ..
        } => 2.0 + f64::from(*shards) + f64::from(*spare_shards),
        NodeParams::Cache { replicas, .. } | NodeParams::SessionStore { replicas, .. } => {
            1.0 + f64::from((*replicas).min(1))
        }
        _ => 1.0,
    }
}

/// Data columns of the key table a design node adds (each database member, each shard).
fn data_columns(params: &NodeParams) -> f64 {
    match params {
        NodeParams::Database { .. } | NodeParams::ShardedDatabase { .. } => engine_nodes(params),
        _ => 0.0,
    }
}

fn memory_terms(design: &Design, limits: &Limits) -> Vec<Term> {
    let mut terms = Vec::new();
    let regions = design.regions.len().max(1) as f64;
    terms.push(Term {
        node: None,
        parameter: "regions".into(),
        value: regions,
        per_unit: BYTES_PER_REGION_PAIR,
        power: 2,
    });
    let nodes: f64 = design.nodes.iter().map(|n| engine_nodes(&n.params)).sum();
    terms.push(Term {
        node: None,
        parameter: "nodes (engine nodes, with replicas and shards)".into(),
        value: nodes,
        per_unit: BYTES_PER_NODE + BYTES_PER_NODE_WINDOW * limits.windows_kept,
        power: 1,
    });
    terms.push(Term {
        node: None,
        parameter: "faults".into(),
        value: design.faults.len() as f64,
        per_unit: BYTES_PER_FAULT,
        power: 1,
    });
    // Per user: a DNS answer, a session bit per server, a sticky slot per balancer.
    let servers = design
        .nodes
        .iter()
        .filter(|n| matches!(n.params, NodeParams::Server { .. }))
        .count() as f64;
    let balancers = design
        .nodes
        .iter()
        .filter(|n| matches!(n.params, NodeParams::LoadBalancer { .. }))
        .count() as f64;
    // A per-user rate limiter: a token bucket per user of every users node.
    let limiters = design
        .nodes
        .iter()
        .filter(|n| {
            matches!(
                n.params,
                NodeParams::ApiGateway {
                    rate_limit: RateLimitDoc::PerUser { .. },
                    ..
                }
            )
        })
        .count() as f64;
    let per_user = BYTES_PER_USER + servers / 8.0 + 2.0 * balancers + BYTES_PER_BUCKET * limiters;
    // Per key: a version per data column, and each cache's index.
    let columns: f64 = 1.0
        + design
            .nodes
            .iter()
            .map(|n| data_columns(&n.params))
            .sum::<f64>();
    // A cache's replica is a cache of its own.
    let caches = design
        .nodes
        .iter()
        .map(|n| match n.params {
            NodeParams::Cache { replicas, .. } => 1.0 + f64::from(replicas.min(1)),
            NodeParams::Cdn { .. } => 1.0,
            _ => 0.0,
        })
        .sum::<f64>();
    let per_key = BYTES_PER_KEY_COLUMN * (columns + caches);
    let key_space = design
        .nodes
        .iter()
        .filter_map(|n| match n.params {
            NodeParams::Users { keys, .. } => Some(f64::from(keys)),
            _ => None,
        })
        .fold(1.0, f64::max);
    let mut key_term_done = false;
    for n in &design.nodes {
        match &n.params {
            NodeParams::Users {
                users,
                keys,
                static_objects,
                ..
            } => {
                terms.push(Term {
                    node: Some(n.id.clone()),
                    parameter: "users".into(),
                    value: f64::from(*users),
                    per_unit: per_user,
                    power: 1,
                });
                // The key table is sized by the largest key space: its users node carries it.
                let table = if !key_term_done && f64::from(*keys) >= key_space {
                    key_term_done = true;
                    per_key
                } else {
                    0.0
                };
                terms.push(Term {
                    node: Some(n.id.clone()),
                    parameter: "keys".into(),
                    value: f64::from(*keys),
                    per_unit: BYTES_PER_ZIPF_KEY + table,
                    power: 1,
                });
                terms.push(Term {
                    node: Some(n.id.clone()),
                    parameter: "static_objects".into(),
                    value: f64::from(*static_objects),
                    per_unit: BYTES_PER_ZIPF_KEY,
                    power: 1,
                });
            }
            NodeParams::Cache {
                capacity, replicas, ..
            } => {
                // The replica holds as many items.
                terms.push(Term {
                    node: Some(n.id.clone()),
                    parameter: "capacity".into(),
                    value: f64::from(*capacity),
                    per_unit: BYTES_PER_CACHE_ITEM * (1.0 + f64::from((*replicas).min(1))),
                    power: 1,
                });
            }
            NodeParams::Cdn { capacity, .. } => {
                terms.push(Term {
                    node: Some(n.id.clone()),
                    parameter: "capacity".into(),
                    value: f64::from(*capacity),
                    per_unit: BYTES_PER_CACHE_ITEM,
                    power: 1,
                });
            }
            _ => {}
        }
    }
    terms
}

/// The work of a design: events per simulated second at each users node's peak, and over a
/// run of `run_s` (each profile integrated over its thinning envelope, at the highest rate
/// the design or its faults set).
fn work_terms(design: &Design, run_s: Option<f64>) -> (Vec<Term>, Option<Vec<Term>>) {
    let nodes: f64 = design.nodes.iter().map(|n| engine_nodes(&n.params)).sum();
    let per_request =
        (EVENTS_PER_REQUEST_BASE + 2.0 * (nodes - 1.0).max(0.0)).min(EVENTS_PER_REQUEST_MAX);
    let (mut per_s, mut total) = (Vec::new(), Vec::new());
    for n in &design.nodes {
        let NodeParams::Users {
            rate_rps, profile, ..
        } = &n.params
        else {
            continue;
        };
        let fault_rps = design
            .faults
            .iter()
            .filter_map(|f| match &f.action {
                FaultAction::SetRate { node, rps } if *node == n.id => Some(*rps),
                _ => None,
            })
            .fold(0.0, f64::max);
        // Rates beyond lowering's bounds are lowering's to refuse, by node and field: the budget
        // judges what could run (a fault's 1e308 req/s would otherwise read as "at most 0 fits").
        let in_bounds = |r: f64| {
            if r.is_finite() {
                r.clamp(0.0, MAX_RATE_RPS)
            } else {
                0.0
            }
        };
        let rate = in_bounds(*rate_rps).max(in_bounds(fault_rps));
        let profile = crate::lower::profile_of(profile);
        per_s.push(Term {
            node: Some(n.id.clone()),
            parameter: "rate_rps".into(),
            value: rate,
            per_unit: per_request * profile.max_factor(),
            power: 1,
        });
        if let Some(run_s) = run_s {
            // Draws over the run: the envelope's integral, segment by segment.
            let end = SimTime::from_secs_f64(run_s);
            let (mut t, mut draws_per_rps) = (SimTime::ZERO, 0.0);
            while t < end {
                let (bound, until) = profile.envelope(t);
                let until = until.min(end);
                draws_per_rps += bound * until.since(t).as_secs_f64();
                t = until;
            }
            total.push(Term {
                node: Some(n.id.clone()),
                parameter: "rate_rps".into(),
                value: rate,
                per_unit: per_request * draws_per_rps,
                power: 1,
            });
        }
    }
    // Each window closes with a pass over every node.
    let windows = 1.0 / design.window_s.max(1e-3);
    per_s.push(Term {
        node: None,
        parameter: "window_s (windows per second)".into(),
        value: windows,
        per_unit: nodes,
        power: 1,
    });
    let total = run_s.map(|run_s| {
        total.push(Term {
            node: None,
            parameter: "duration (s)".into(),
            value: run_s,
            per_unit: nodes * windows,
            power: 1,
        });
        total
    });
    (per_s, total)
}

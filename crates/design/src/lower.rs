//! Checks a design and lowers it into the engine's runtime model. Every problem becomes a
//! [`Diagnostic`] that names the node and the field, so the UI can show it on the node.

use crate::document::{Design, NodeParams, ServiceShape};
use scalelab_engine::dist::Dist;
use scalelab_engine::model::{DnsSpec, ServerSpec, UsersSpec};
use scalelab_engine::{prices, Model, NodeId, NodeKind, NodeSpec, SimDuration};
use std::collections::BTreeMap;

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
        expected: &'static str,
    },
    /// A connection the engine cannot simulate.
    UnsupportedConnection {
        from: &'static str,
        to: &'static str,
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
                write!(f, "needs a connection to a {expected}")
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
        }
    }
}

/// The result of lowering: a model to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    pub model: Model,
}

/// Limits on parameters. Wider than any real system, narrow enough that memory and time stay
/// bounded (one DNS-cache slot per user, for example).
const MAX_USERS: f64 = 10_000_000.0;
const MAX_RATE_RPS: f64 = 1_000_000.0;

/// Checks `design` and builds the engine model, or returns every problem found.
pub fn lower(design: &Design, warmup: SimDuration) -> Result<Lowered, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut index: BTreeMap<&str, NodeId> = BTreeMap::new();
    for (i, node) in design.nodes.iter().enumerate() {
        if node.id.is_empty() {
            diags.push(Diagnostic {
                node: None,
                field: Some("id"),
                problem: Problem::EmptyId,
            });
        } else if index.insert(node.id.as_str(), i as NodeId).is_some() {
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
    // Outgoing connections of each node, in document order.
    let mut outgoing: BTreeMap<&str, Vec<NodeId>> = BTreeMap::new();
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
        if let Some(&to) = index.get(edge.to.as_str()) {
            outgoing.entry(edge.from.as_str()).or_default().push(to);
        }
    }
    let kind_of = |id: NodeId| design.nodes[id as usize].params.kind_name();
    let mut nodes = Vec::with_capacity(design.nodes.len());
    for node in &design.nodes {
        let mut check = |field: &'static str, value: f64, min: f64, max: f64| {
            if !(value.is_finite() && (min..=max).contains(&value)) {
                diags.push(Diagnostic {
                    node: Some(node.id.clone()),
                    field: Some(field),
                    problem: Problem::OutOfRange { value, min, max },
                });
            }
        };
        let kind = match &node.params {
            NodeParams::Users {
                users,
                rate_rps,
                rtt_ms,
                timeout_ms,
            } => {
                check("users", *users as f64, 1.0, MAX_USERS);
                check("rate_rps", *rate_rps, 0.0, MAX_RATE_RPS);
                check("rtt_ms", *rtt_ms, 0.0, 10_000.0);
                check("timeout_ms", *timeout_ms, 1.0, 600_000.0);
                NodeKind::Users(UsersSpec {
                    users: (*users).clamp(1, MAX_USERS as u32),
                    rate_rps: *rate_rps,
                    entry: 0,
                    rtt: SimDuration::from_millis_f64(*rtt_ms),
                    timeout: SimDuration::from_millis_f64(*timeout_ms),
                })
            }
            NodeParams::Dns { lookup_ms, ttl_s } => {
                check("lookup_ms", *lookup_ms, 0.0, 10_000.0);
                check("ttl_s", *ttl_s, 0.0, 86_400.0);
                NodeKind::Dns(DnsSpec {
                    lookup: SimDuration::from_millis_f64(*lookup_ms),
                    ttl: SimDuration::from_secs_f64(*ttl_s),
                    target: 0,
                })
            }
            NodeParams::Server {
                workers,
                queue_capacity,
                service_ms,
                service_shape,
                service_cv,
                instance,
            } => {
                check("workers", *workers as f64, 1.0, 10_000.0);
                check("queue_capacity", *queue_capacity as f64, 0.0, 1_000_000.0);
                check("service_ms", *service_ms, 0.001, 60_000.0);
                check("service_cv", *service_cv, 0.0, 10.0);
                let price = prices::price(instance);
                if price.is_none() {
                    diags.push(Diagnostic {
                        node: Some(node.id.clone()),
                        field: Some("instance"),
                        problem: Problem::UnknownInstance {
                            instance: instance.clone(),
                        },
                    });
                }
                let mean_s = service_ms / 1e3;
                NodeKind::Server(ServerSpec {
                    workers: (*workers).max(1),
                    queue_capacity: *queue_capacity,
                    service: match service_shape {
                        ServiceShape::Constant => Dist::Constant { mean_s },
                        ServiceShape::Exponential => Dist::Exponential { mean_s },
                        ServiceShape::LogNormal => Dist::LogNormal {
                            mean_s,
                            cv: *service_cv,
                        },
                    },
                    cost_per_hour_usd: price.map_or(0.0, |p| p.usd),
                })
            }
        };
        nodes.push(NodeSpec {
            key: node.id.clone(),
            kind,
        });
    }
    // Wire each node to the one it sends requests to.
    for (i, node) in design.nodes.iter().enumerate() {
        let outs = outgoing
            .get(node.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut diag = |field, problem| {
            diags.push(Diagnostic {
                node: Some(node.id.clone()),
                field,
                problem,
            })
        };
        let (allowed, expected): (&[&str], &'static str) = match node.params {
            NodeParams::Users { .. } => (&["dns", "server"], "dns or server"),
            NodeParams::Dns { .. } => (&["server"], "server"),
            NodeParams::Server { .. } => (&[], ""),
        };
        for &to in outs {
            if !allowed.contains(&kind_of(to)) {
                diag(
                    Some("edges"),
                    Problem::UnsupportedConnection {
                        from: node.params.kind_name(),
                        to: kind_of(to),
                    },
                );
            }
        }
        if allowed.is_empty() {
            continue;
        }
        match outs {
            [] => diag(Some("edges"), Problem::MissingConnection { expected }),
            [to] => match &mut nodes[i].kind {
                NodeKind::Users(users) => users.entry = *to,
                NodeKind::Dns(dns) => dns.target = *to,
                NodeKind::Server(_) => {}
            },
            _ => diag(Some("edges"), Problem::TooManyConnections),
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
    if diags.is_empty() {
        Ok(Lowered {
            model: Model {
                nodes,
                window: SimDuration::from_secs_f64(design.window_s),
                warmup,
            },
        })
    } else {
        Err(diags)
    }
}

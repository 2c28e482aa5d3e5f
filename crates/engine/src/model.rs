//! The runtime model: what the engine simulates, already validated and lowered from a design.
//!
//! These types are not serializable on purpose: the shareable document and its formats live in
//! the design crate, which lowers into this model and reports problems as diagnostics.

use crate::dist::Dist;
use crate::time::SimDuration;

/// Index of a node in [`Model::nodes`].
pub type NodeId = u32;

/// A whole architecture to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub nodes: Vec<NodeSpec>,
    /// Length of one measurement window (the charts' time step).
    pub window: SimDuration,
    /// Statistics before this time are left out of the cumulative report.
    pub warmup: SimDuration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    /// A stable identifier from the design, shown in reports.
    pub key: String,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Users(UsersSpec),
    Dns(DnsSpec),
    Server(ServerSpec),
}

/// A population of users sending requests as a Poisson stream.
#[derive(Debug, Clone, PartialEq)]
pub struct UsersSpec {
    /// How many distinct users send the traffic (each keeps its own DNS answer cached).
    pub users: u32,
    /// Total requests per second from all these users.
    pub rate_rps: f64,
    /// Where each request goes first (usually DNS).
    pub entry: NodeId,
    /// Round-trip network time between these users and the data centre.
    pub rtt: SimDuration,
    /// The client gives up after this long and counts a timeout.
    pub timeout: SimDuration,
}

/// Name resolution: a lookup costs `lookup` unless the user's cached answer is younger than `ttl`.
#[derive(Debug, Clone, PartialEq)]
pub struct DnsSpec {
    pub lookup: SimDuration,
    pub ttl: SimDuration,
    /// The address DNS answers with: the node the request is sent to next.
    pub target: NodeId,
}

/// A server: `workers` requests served in parallel, the rest wait in a bounded FIFO queue.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSpec {
    pub workers: u32,
    /// Waiting requests beyond this are rejected at once (HTTP 503).
    pub queue_capacity: u32,
    pub service: Dist,
    pub cost_per_hour_usd: f64,
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
}

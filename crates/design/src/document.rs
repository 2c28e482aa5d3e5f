//! The design document's types: what is saved in files and URLs, and nothing that is session
//! state (selection, zoom and run state never enter it).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The document version this build writes. Older versions are migrated on load; newer ones are
/// refused with a message, never guessed at.
pub const CURRENT_VERSION: u32 = 1;

/// A whole architecture: nodes placed on the canvas and the connections between them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Fields this build does not know, kept so that saving never loses them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn default_seed() -> u64 {
    1
}
fn default_window_s() -> f64 {
    1.0
}

/// One component on the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeDoc {
    /// Unique within the design; edges and reports refer to it.
    pub id: String,
    /// Canvas position; layout only, the engine ignores it.
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
    #[serde(flatten)]
    pub params: NodeParams,
}

/// The kind of a node and its parameters, tagged by `kind` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NodeParams {
    /// A population of users sending requests.
    Users {
        users: u32,
        rate_rps: f64,
        /// Round trip between the users and the data centre, in ms.
        rtt_ms: f64,
        /// The client gives up after this many ms.
        timeout_ms: f64,
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
    },
}

fn default_cv() -> f64 {
    1.0
}
fn default_instance() -> String {
    "ec2_m5_large".into()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceShape {
    Constant,
    #[default]
    Exponential,
    LogNormal,
}

/// A connection: requests flow from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeDoc {
    pub from: String,
    pub to: String,
}

impl NodeParams {
    /// The kind's name as written in JSON.
    pub fn kind_name(&self) -> &'static str {
        match self {
            NodeParams::Users { .. } => "users",
            NodeParams::Dns { .. } => "dns",
            NodeParams::Server { .. } => "server",
        }
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
            ParseError::MissingVersion => write!(f, "the design has no version number"),
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
        let version = value
            .get("version")
            .and_then(Value::as_u64)
            .ok_or(ParseError::MissingVersion)?;
        if version > CURRENT_VERSION as u64 {
            return Err(ParseError::TooNew {
                found: version,
                supported: CURRENT_VERSION,
            });
        }
        let value = migrate(value, version);
        serde_json::from_value(value).map_err(|e| ParseError::Syntax(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn node(&self, id: &str) -> Option<&NodeDoc> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn node_mut(&mut self, id: &str) -> Option<&mut NodeDoc> {
        self.nodes.iter_mut().find(|n| n.id == id)
    }

    /// The chapter's first stage: users → DNS → one server that runs the web app, the database
    /// and the cache. Its capacity is 4 workers / 40 ms = 100 requests per second.
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
                    params: NodeParams::Users {
                        users: 1_000,
                        rate_rps: 50.0,
                        rtt_ms: 40.0,
                        timeout_ms: 2_000.0,
                    },
                },
                NodeDoc {
                    id: "dns".into(),
                    x: 300.0,
                    y: 60.0,
                    params: NodeParams::Dns {
                        lookup_ms: 30.0,
                        ttl_s: 300.0,
                    },
                },
                NodeDoc {
                    id: "server".into(),
                    x: 520.0,
                    y: 160.0,
                    params: NodeParams::Server {
                        workers: 4,
                        queue_capacity: 200,
                        service_ms: 40.0,
                        service_shape: ServiceShape::Exponential,
                        service_cv: 1.0,
                        instance: default_instance(),
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

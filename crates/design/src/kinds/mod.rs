//! One description per node kind: its tag, category, parameters (unit, bounds, default,
//! choices), default node, allowed connections and charts. Lowering, bounds and the app all read
//! these, so a kind is described once; each kind lives in a file of its own.

mod api_gateway;
mod cache;
mod cdn;
mod database;
mod dns;
mod load_balancer;
mod queue;
mod replica;
mod server;
mod session_store;
mod sharded_database;
mod users;
mod waf;

use crate::document::NodeParams;

/// A node kind, typed: the `kind` of [`NodeParams`] in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KindTag {
    Users,
    Dns,
    Cdn,
    LoadBalancer,
    Server,
    SessionStore,
    Cache,
    Database,
    ShardedDatabase,
    Queue,
    ApiGateway,
    Waf,
}

impl KindTag {
    /// Every kind, in the palette's order (the way a request travels, then the back end).
    pub const ALL: [KindTag; 12] = [
        KindTag::Users,
        KindTag::Dns,
        KindTag::Cdn,
        KindTag::Waf,
        KindTag::ApiGateway,
        KindTag::LoadBalancer,
        KindTag::Server,
        KindTag::SessionStore,
        KindTag::Cache,
        KindTag::Database,
        KindTag::ShardedDatabase,
        KindTag::Queue,
    ];

    /// The tag of a node's parameters.
    pub const fn of(params: &NodeParams) -> KindTag {
        match params {
            NodeParams::Users { .. } => KindTag::Users,
            NodeParams::Dns { .. } => KindTag::Dns,
            NodeParams::Server { .. } => KindTag::Server,
            NodeParams::LoadBalancer { .. } => KindTag::LoadBalancer,
            NodeParams::SessionStore { .. } => KindTag::SessionStore,
            NodeParams::Cache { .. } => KindTag::Cache,
            NodeParams::Database { .. } => KindTag::Database,
            NodeParams::Cdn { .. } => KindTag::Cdn,
            NodeParams::Queue { .. } => KindTag::Queue,
            NodeParams::ShardedDatabase { .. } => KindTag::ShardedDatabase,
            NodeParams::ApiGateway { .. } => KindTag::ApiGateway,
            NodeParams::Waf { .. } => KindTag::Waf,
        }
    }

    /// The kind's name as written in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            KindTag::Users => "users",
            KindTag::Dns => "dns",
            KindTag::Cdn => "cdn",
            KindTag::LoadBalancer => "load_balancer",
            KindTag::Server => "server",
            KindTag::SessionStore => "session_store",
            KindTag::Cache => "cache",
            KindTag::Database => "database",
            KindTag::ShardedDatabase => "sharded_database",
            KindTag::Queue => "queue",
            KindTag::ApiGateway => "api_gateway",
            KindTag::Waf => "waf",
        }
    }

    /// The kind whose JSON name is `name`.
    pub fn from_name(name: &str) -> Option<KindTag> {
        KindTag::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The kind's description.
    pub fn spec(self) -> &'static KindSpec {
        spec(self)
    }
}

impl std::fmt::Display for KindTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `kind` name no kind has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind(pub String);

impl std::fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown node kind '{}'", self.0)
    }
}

impl std::error::Error for UnknownKind {}

impl std::str::FromStr for KindTag {
    type Err = UnknownKind;
    fn from_str(name: &str) -> Result<KindTag, UnknownKind> {
        KindTag::from_name(name).ok_or_else(|| UnknownKind(name.to_string()))
    }
}

/// The description of `tag`: one line per kind, so a kind without one does not compile.
pub fn spec(tag: KindTag) -> &'static KindSpec {
    match tag {
        KindTag::Users => &users::SPEC,
        KindTag::Dns => &dns::SPEC,
        KindTag::Cdn => &cdn::SPEC,
        KindTag::LoadBalancer => &load_balancer::SPEC,
        KindTag::Server => &server::SPEC,
        KindTag::SessionStore => &session_store::SPEC,
        KindTag::Cache => &cache::SPEC,
        KindTag::Database => &database::SPEC,
        KindTag::ShardedDatabase => &sharded_database::SPEC,
        KindTag::Queue => &queue::SPEC,
        KindTag::ApiGateway => &api_gateway::SPEC,
        KindTag::Waf => &waf::SPEC,
    }
}

/// Where a kind sits in the chapter's picture (the palette groups by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Who sends the traffic.
    Client,
    /// In front of the data centre: name resolution, edge caches.
    Edge,
    /// Spreads requests over servers.
    Traffic,
    /// Runs the application.
    Compute,
    /// Holds state: sessions, caches, databases.
    Data,
    /// Work done later, off the request's path.
    Async,
}

/// What a connection to a kind is for, as seen by the node that calls it: a node may have at
/// most one connection per role (two databases behind one server would be ambiguous), unless
/// its kind fans out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Where a request enters: a DNS answer, a balancer or a server.
    Entry,
    /// Where data is read and written: a cache or a database.
    Data,
    /// The edge that serves static assets.
    Cdn,
    /// Anything else (a session store, a queue, the users themselves).
    Other,
}

/// A dashboard chart a kind's node contributes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Hit ratio (caches and CDNs).
    HitRatio,
    /// Utilisation and queue depth (nodes with workers).
    Load,
    /// Replication lag (databases with replicas).
    Replication,
    /// Jobs waiting and done (queues).
    Jobs,
}

/// The unit a parameter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A plain number (a switch, a count of workers, an exponent).
    None,
    Ms,
    S,
    /// Requests per second.
    Rps,
    /// Keys moved per second.
    KeysPerS,
    Kb,
    /// A share of a whole, 0–1.
    Share,
    /// A multiple of another value (×).
    Factor,
    People,
    Keys,
    Objects,
    Requests,
    Replicas,
    Checks,
}

/// What a parameter holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamKind {
    /// A number within `min..=max`, whole when `integer`.
    Number {
        unit: Unit,
        min: f64,
        max: f64,
        integer: bool,
        default: f64,
    },
    /// A string that is one of `options` (the JSON names of an enum's variants, in the order the
    /// chapter presents them).
    Choice {
        options: &'static [&'static str],
        default: &'static str,
    },
    /// A nested object tagged by the field `tag`, one of `options`; its variants' fields are
    /// parameters of their own whose `when` names the variant.
    Tagged {
        tag: &'static str,
        options: &'static [&'static str],
        default: &'static str,
    },
    Flag {
        default: bool,
    },
    /// An instance type from the price table.
    Instance {
        default: &'static str,
    },
    /// A list of region names.
    Regions,
}

/// One parameter of a kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// The field, or `parent.field` inside a nested object (`autoscale.boot_s`).
    pub path: &'static str,
    pub kind: ParamKind,
    /// For a field of a tagged object's variant: that variant (`utilization`).
    pub when: Option<&'static str>,
    /// Absent from the JSON unless set (serde skips it; another value applies then).
    pub optional: bool,
}

impl ParamSpec {
    const fn new(path: &'static str, kind: ParamKind) -> ParamSpec {
        ParamSpec {
            path,
            kind,
            when: None,
            optional: false,
        }
    }

    /// A fractional number.
    pub const fn number(path: &'static str, unit: Unit, min: f64, max: f64, default: f64) -> Self {
        ParamSpec::new(
            path,
            ParamKind::Number {
                unit,
                min,
                max,
                integer: false,
                default,
            },
        )
    }

    /// A whole number.
    pub const fn integer(path: &'static str, unit: Unit, min: f64, max: f64, default: f64) -> Self {
        ParamSpec::new(
            path,
            ParamKind::Number {
                unit,
                min,
                max,
                integer: true,
                default,
            },
        )
    }

    pub const fn choice(
        path: &'static str,
        options: &'static [&'static str],
        default: &'static str,
    ) -> Self {
        ParamSpec::new(path, ParamKind::Choice { options, default })
    }

    pub const fn tagged(
        path: &'static str,
        tag: &'static str,
        options: &'static [&'static str],
        default: &'static str,
    ) -> Self {
        ParamSpec::new(
            path,
            ParamKind::Tagged {
                tag,
                options,
                default,
            },
        )
    }

    pub const fn flag(path: &'static str, default: bool) -> Self {
        ParamSpec::new(path, ParamKind::Flag { default })
    }

    pub const fn instance(path: &'static str, default: &'static str) -> Self {
        ParamSpec::new(path, ParamKind::Instance { default })
    }

    pub const fn regions(path: &'static str) -> Self {
        ParamSpec::new(path, ParamKind::Regions)
    }

    /// This parameter only exists in the variant `variant` of its tagged parent.
    pub const fn when(mut self, variant: &'static str) -> Self {
        self.when = Some(variant);
        self
    }

    /// This parameter is absent unless set.
    pub const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// `(min, max)` of a number.
    pub fn range(&self) -> Option<(f64, f64)> {
        match self.kind {
            ParamKind::Number { min, max, .. } => Some((min, max)),
            _ => None,
        }
    }

    /// The unit of a number; [`Unit::None`] for anything else.
    pub fn unit(&self) -> Unit {
        match self.kind {
            ParamKind::Number { unit, .. } => unit,
            _ => Unit::None,
        }
    }

    /// Whether the number must be whole.
    pub fn is_integer(&self) -> bool {
        matches!(self.kind, ParamKind::Number { integer: true, .. })
    }

    /// The options of a choice or of a tagged object's tag.
    pub fn choices(&self) -> Option<&'static [&'static str]> {
        match self.kind {
            ParamKind::Choice { options, .. } | ParamKind::Tagged { options, .. } => Some(options),
            _ => None,
        }
    }
}

/// Everything the program knows about one node kind, apart from its runtime.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindSpec {
    pub tag: KindTag,
    pub category: Category,
    /// What a connection to this kind is for.
    pub role: Role,
    /// Every parameter, in the order the inspector shows them.
    pub params: &'static [ParamSpec],
    /// The smallest JSON that serde completes with its defaults into a sensible new node.
    pub defaults: &'static str,
    /// The kinds this kind may send requests to.
    pub outgoing: &'static [KindTag],
    /// When not empty, a node of this kind needs a connection to one of these kinds.
    pub required: &'static [KindTag],
    /// Several connections of one role are meaningful (a DNS or a balancer spreads over them).
    pub fan_out: bool,
    /// The dashboard charts a node of this kind contributes to.
    pub charts: &'static [Chart],
}

impl KindSpec {
    /// The parameter at `path` (the first one, for a path several variants share).
    pub fn param(&self, path: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.path == path)
    }

    /// The parameter at `path` in the variant `variant` of its parent (or outside any variant
    /// when `None`).
    pub fn param_in(&self, path: &str, variant: Option<&str>) -> Option<&'static ParamSpec> {
        self.params
            .iter()
            .find(|p| p.path == path && (p.when.is_none() || p.when == variant))
    }

    /// The parameters a new node of this kind starts with.
    pub fn default_params(&self) -> NodeParams {
        // A test parses every kind's defaults, so this cannot fail in a build that passed it.
        serde_json::from_str(self.defaults)
            .unwrap_or_else(|e| panic!("{} defaults: {e}", self.tag.as_str()))
    }

    /// Whether this kind may send requests to `to`.
    pub fn may_call(&self, to: KindTag) -> bool {
        self.outgoing.contains(&to)
    }

    pub fn has_chart(&self, chart: Chart) -> bool {
        self.charts.contains(&chart)
    }
}

/// The fields of a tagged object's variant with their defaults, as JSON: what a switch to
/// `variant` of the parameter `field` starts from.
pub fn variant_defaults(
    tag: KindTag,
    field: &str,
    variant: &str,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{Number, Value};
    let prefix_len = field.len() + 1;
    spec(tag)
        .params
        .iter()
        .filter(|p| p.when == Some(variant) && p.path.starts_with(field))
        .filter(|p| p.path.as_bytes().get(field.len()) == Some(&b'.'))
        .filter_map(|p| {
            let value = match p.kind {
                ParamKind::Number {
                    default, integer, ..
                } => {
                    if integer || default.fract() == 0.0 {
                        // Integral defaults as integers, so integer fields accept them.
                        Value::Number(Number::from(default as i64))
                    } else {
                        Value::Number(Number::from_f64(default)?)
                    }
                }
                ParamKind::Choice { default, .. } => Value::String(default.to_string()),
                ParamKind::Flag { default } => Value::Bool(default),
                ParamKind::Instance { default } => Value::String(default.to_string()),
                ParamKind::Tagged { .. } | ParamKind::Regions => return None,
            };
            Some((p.path[prefix_len..].to_string(), value))
        })
        .collect()
}

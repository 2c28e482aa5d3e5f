//! The palette: every node kind the engine simulates, with the defaults a new node starts from.

use crate::i18n::Key;
use scalelab_design::NodeParams;

/// One entry of the palette.
pub struct Kind {
    /// The JSON `kind` tag, also the prefix of new node ids.
    pub tag: &'static str,
    pub label: Key,
    /// The smallest JSON that serde completes with its defaults into a sensible node.
    defaults: &'static str,
}

pub const KINDS: &[Kind] = &[
    Kind {
        tag: "users",
        label: Key::KindUsers,
        defaults: r#"{"kind":"users","users":10000,"rate_rps":100,"rtt_ms":40,"timeout_ms":2000,"keys":10000,"zipf_alpha":0.9,"response_kb":10}"#,
    },
    Kind {
        tag: "dns",
        label: Key::KindDns,
        defaults: r#"{"kind":"dns","lookup_ms":30,"ttl_s":300}"#,
    },
    Kind {
        tag: "cdn",
        label: Key::KindCdn,
        defaults: r#"{"kind":"cdn","capacity":1000,"ttl_s":3600}"#,
    },
    Kind {
        tag: "load_balancer",
        label: Key::KindLoadBalancer,
        defaults: r#"{"kind":"load_balancer"}"#,
    },
    Kind {
        tag: "server",
        label: Key::KindServer,
        defaults: r#"{"kind":"server","workers":8,"queue_capacity":200,"service_ms":20}"#,
    },
    Kind {
        tag: "session_store",
        label: Key::KindSessionStore,
        defaults: r#"{"kind":"session_store"}"#,
    },
    Kind {
        tag: "cache",
        label: Key::KindCache,
        defaults: r#"{"kind":"cache","capacity":1000,"item_kb":1,"fill_from":"replicas"}"#,
    },
    Kind {
        tag: "database",
        label: Key::KindDatabase,
        defaults: r#"{"kind":"database","record_kb":1}"#,
    },
    Kind {
        tag: "sharded_database",
        label: Key::KindShardedDatabase,
        defaults: r#"{"kind":"sharded_database","shards":4,"strategy":{"kind":"modulo"},"hot_shard":"shared","migration_share":0.25,"record_kb":1}"#,
    },
    Kind {
        tag: "queue",
        label: Key::KindQueue,
        defaults: r#"{"kind":"queue","consumers":4,"job_ms":200}"#,
    },
];

impl Kind {
    pub fn find(tag: &str) -> Option<&'static Kind> {
        KINDS.iter().find(|k| k.tag == tag)
    }

    /// The parameters a new node of this kind starts with.
    pub fn default_params(&self) -> Option<NodeParams> {
        serde_json::from_str(self.defaults).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_valid_defaults_that_round_trip() {
        for kind in KINDS {
            let params = kind
                .default_params()
                .unwrap_or_else(|| panic!("{} defaults must parse", kind.tag));
            assert_eq!(params.kind_name(), kind.tag);
        }
    }

    /// A node fresh from the palette is simulable as it is: lowering finds nothing out of range
    /// in it and knows its instance type (connections are the user's to draw).
    #[test]
    fn new_nodes_start_inside_every_bound() {
        use scalelab_design::lower::{lower, Problem};
        for kind in KINDS {
            let mut design = scalelab_design::Design::single_server();
            design.nodes[2].params = kind.default_params().expect("defaults parse");
            let id = design.nodes[2].id.clone();
            let problems: Vec<_> = lower(&design, scalelab_engine::SimDuration::ZERO)
                .err()
                .unwrap_or_default()
                .into_iter()
                .filter(|d| d.node.as_deref() == Some(id.as_str()))
                .filter(|d| {
                    matches!(
                        d.problem,
                        Problem::OutOfRange { .. }
                            | Problem::UnknownInstance { .. }
                            | Problem::NotAnInstance
                            | Problem::BadShardMap
                    )
                })
                .collect();
            assert!(problems.is_empty(), "{}: {problems:?}", kind.tag);
        }
    }
}

//! Sharded database: data split over shards by a shard key, resharded online.

use super::{Category, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::{MAX_KEYS, MAX_PAYLOAD_KB, MAX_SHARDS, MAX_WORKERS};

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::ShardedDatabase,
    category: Category::Data,
    role: Role::Data,
    params: &[
        P::integer("shards", Unit::None, 1.0, MAX_SHARDS, 4.0),
        // With `shards`, at most 256 in all: lowering checks the sum.
        P::integer("spare_shards", Unit::None, 0.0, MAX_SHARDS - 1.0, 0.0),
        P::tagged(
            "strategy",
            "kind",
            &["modulo", "range", "consistent_hash", "jump_hash"],
            "modulo",
        ),
        P::integer("strategy.vnodes", Unit::None, 1.0, 1_000.0, 100.0).when("consistent_hash"),
        P::integer("hot_keys", Unit::Keys, 0.0, MAX_KEYS, 0.0),
        P::integer("salt", Unit::None, 1.0, 64.0, 1.0),
        P::choice("hot_shard", &["shared", "dedicated"], "shared"),
        P::integer("workers", Unit::None, 1.0, MAX_WORKERS, 16.0),
        P::number("read_ms", Unit::Ms, 0.001, 60_000.0, 5.0),
        P::number("write_ms", Unit::Ms, 0.001, 60_000.0, 10.0),
        P::number("record_kb", Unit::Kb, 0.0, MAX_PAYLOAD_KB, 1.0),
        P::number("migration_rps", Unit::Rps, 1.0, 1_000_000.0, 1_000.0),
        P::number("migration_share", Unit::Share, 0.01, 1.0, 0.25),
        P::instance("instance", "rds_mysql_m5_large"),
    ],
    defaults: r#"{"kind":"sharded_database","shards":4,"strategy":{"kind":"modulo"},"hot_shard":"shared","migration_share":0.25,"record_kb":1}"#,
    outgoing: &[],
    required: &[],
    fan_out: false,
    // Its shards are charted as nodes of their own; the router holds no workers.
    charts: &[],
};

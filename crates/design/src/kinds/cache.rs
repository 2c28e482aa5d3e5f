//! Cache: real keys with eviction, expiry and read/write strategies in front of a database.

use super::{replica, Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::{MAX_KEYS, MAX_PAYLOAD_KB, MAX_WORKERS};

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::Cache,
    category: Category::Data,
    role: Role::Data,
    params: &[
        P::integer("capacity", Unit::Keys, 1.0, MAX_KEYS, 1_000.0),
        P::number("item_kb", Unit::Kb, 0.001, MAX_PAYLOAD_KB, 1.0),
        P::choice("eviction", &["lru", "lfu", "fifo"], "lru"),
        P::number("ttl_s", Unit::S, 0.0, 86_400.0 * 30.0, 0.0),
        P::flag("ttl_reset", false),
        P::choice(
            "read_strategy",
            &["cache_aside", "read_through"],
            "cache_aside",
        ),
        P::choice("fill_from", &["replicas", "primary"], "replicas"),
        P::choice(
            "write_strategy",
            &["write_around", "invalidate", "write_through", "write_back"],
            "write_around",
        ),
        P::number("flush_interval_s", Unit::S, 0.01, 3_600.0, 1.0),
        P::flag("warm", false),
        P::integer("workers", Unit::None, 1.0, MAX_WORKERS, 32.0),
        P::number("service_ms", Unit::Ms, 0.001, 60_000.0, 0.5),
        P::instance("instance", "elasticache_redis_m5_large"),
        replica::REPLICAS,
        replica::FAILOVER_S,
        replica::LAG_MS,
    ],
    defaults: r#"{"kind":"cache","capacity":1000,"item_kb":1,"fill_from":"replicas"}"#,
    outgoing: &[KindTag::Database, KindTag::ShardedDatabase],
    // A cache without a database is a store of its own (misses find nothing behind it).
    required: &[],
    fan_out: false,
    charts: &[Chart::HitRatio, Chart::Load],
};

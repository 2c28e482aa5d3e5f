//! Database: a primary and its read replicas, replicated asynchronously or synchronously.

use super::{Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::{MAX_PAYLOAD_KB, MAX_REPLICAS, MAX_WORKERS};

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::Database,
    category: Category::Data,
    role: Role::Data,
    params: &[
        P::integer("workers", Unit::None, 1.0, MAX_WORKERS, 16.0),
        P::integer("queue_capacity", Unit::Requests, 0.0, 1_000_000.0, 1_000.0),
        P::number("read_ms", Unit::Ms, 0.001, 60_000.0, 5.0),
        P::number("write_ms", Unit::Ms, 0.001, 60_000.0, 10.0),
        P::integer("replicas", Unit::Replicas, 0.0, MAX_REPLICAS, 0.0),
        P::choice("replication", &["async", "sync"], "async"),
        P::number("lag_ms", Unit::Ms, 0.0, 600_000.0, 100.0),
        P::number("failover_s", Unit::S, 0.0, 86_400.0, 30.0),
        // Absent: every replica in the primary's data centre.
        P::regions("replica_regions").optional(),
        P::number("record_kb", Unit::Kb, 0.0, MAX_PAYLOAD_KB, 1.0),
        P::instance("instance", "rds_mysql_m5_large"),
    ],
    defaults: r#"{"kind":"database","record_kb":1}"#,
    outgoing: &[],
    required: &[],
    fan_out: false,
    charts: &[Chart::Load, Chart::Replication],
};

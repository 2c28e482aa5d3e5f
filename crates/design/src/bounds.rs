//! Every number a design may hold, with its bounds, in one table: lowering refuses values outside
//! them and the inspector's inputs offer exactly them, so the two can never disagree.

/// Users of one users node (one DNS-cache slot each).
pub const MAX_USERS: f64 = 10_000_000.0;
/// Requests per second of one users node.
pub const MAX_RATE_RPS: f64 = 1_000_000.0;
/// Distinct keys (one version counter each), cache and CDN capacities.
pub const MAX_KEYS: f64 = 1_000_000.0;
pub const MAX_WORKERS: f64 = 10_000.0;
/// Instances of one server pool, autoscaled or not.
pub const MAX_INSTANCES: f64 = 1_000.0;
pub const MAX_REPLICAS: f64 = 16.0;
pub const MAX_SHARDS: f64 = 256.0;
/// Response, asset, record and item sizes, in KB (1 GB: a byte count fits 32 bits).
pub const MAX_PAYLOAD_KB: f64 = 1_000_000.0;
/// The longest time a fault or a rate profile may name, in seconds.
pub const MAX_TIME_S: f64 = 1e7;

/// The bounds `(min, max)` of the number at `path` (a field, or `parent.field` inside a nested
/// object such as `profile.at_s`) of a node of kind `kind` (the JSON kind name); `None` for a
/// path that holds no bounded number. Where a limit also depends on another field
/// (`scale_in_below` ≤ `scale_out_above`, `shards + spare_shards` ≤ 256) lowering checks that
/// too, and this is the widest the other field allows.
pub fn range(kind: &str, path: &str) -> Option<(f64, f64)> {
    Some(match (kind, path) {
        // The same name means different things on different kinds.
        ("dns", "ttl_s") => (0.0, 86_400.0),
        ("cache", "ttl_s") => (0.0, 86_400.0 * 30.0),
        ("cdn", "ttl_s") => (0.0, 86_400.0 * 365.0),
        ("cdn", "object_kb") => (0.0, 10_000_000.0),
        ("queue", "job_ms") => (0.001, 3_600_000.0),
        // A cache or session store has at most one replica.
        ("cache" | "session_store", "replicas") => (0.0, 1.0),
        // A data centre's disaster-recovery standby (`regions[].standby`).
        ("region", "standby.health_interval_s") => (1.0, 3_600.0),
        ("region", "standby.health_threshold") => (1.0, 100.0),
        ("region", "standby.warm_share") => (0.0, 1.0),
        ("region", "standby.boot_s") => (0.0, 3_600.0),
        ("region", "standby.restore_min") => (0.0, 10_080.0),
        ("region", "standby.backup_interval_s") => (60.0, MAX_TIME_S),
        (_, "users") => (1.0, MAX_USERS),
        (_, "rate_rps") => (0.0, MAX_RATE_RPS),
        (_, "rtt_ms" | "lookup_ms" | "edge_rtt_ms") => (0.0, 10_000.0),
        (_, "timeout_ms") => (1.0, 600_000.0),
        (_, "read_fraction" | "static_fraction" | "profile.amplitude") => (0.0, 1.0),
        (_, "keys" | "static_objects" | "capacity") => (1.0, MAX_KEYS),
        (_, "hot_keys") => (0.0, MAX_KEYS),
        (_, "zipf_alpha") => (0.0, 5.0),
        (_, "workers" | "consumers") => (1.0, MAX_WORKERS),
        (_, "instances" | "autoscale.min_instances" | "autoscale.max_instances") => {
            (1.0, MAX_INSTANCES)
        }
        (_, "autoscale.scale_out_above") => (0.01, 1.0),
        (_, "autoscale.scale_in_below") => (0.0, 1.0),
        (_, "autoscale.interval_s") => (0.1, 3_600.0),
        (_, "autoscale.boot_s") => (0.0, 3_600.0),
        (_, "queue_capacity") => (0.0, 1_000_000.0),
        (_, "replicas") => (0.0, MAX_REPLICAS),
        (_, "shards") => (1.0, MAX_SHARDS),
        (_, "spare_shards") => (0.0, MAX_SHARDS - 1.0),
        (_, "salt") => (1.0, 64.0),
        (_, "health_interval_s") => (0.0, 3_600.0),
        (_, "health_threshold") => (1.0, 100.0),
        (_, "strategy.vnodes") => (1.0, 1_000.0),
        (_, "service_cv") => (0.0, 10.0),
        (_, "service_ms" | "read_ms" | "write_ms") => (0.001, 60_000.0),
        (_, "publish_ms") => (0.0, 60_000.0),
        (_, "lag_ms") => (0.0, 600_000.0),
        (_, "failover_s" | "purge_delay_s") => (0.0, 86_400.0),
        (_, "flush_interval_s") => (0.01, 3_600.0),
        (_, "migration_rps") => (1.0, 1_000_000.0),
        (_, "migration_share") => (0.01, 1.0),
        (_, "response_kb" | "static_kb" | "record_kb") => (0.0, MAX_PAYLOAD_KB),
        (_, "item_kb") => (0.001, MAX_PAYLOAD_KB),
        (_, "profile.factor") => (0.0, 1_000.0),
        (_, "profile.period_s") => (1.0, MAX_TIME_S),
        (_, "profile.at_s" | "profile.from_s" | "profile.to_s" | "profile.duration_s") => {
            (0.0, MAX_TIME_S)
        }
        _ => return None,
    })
}

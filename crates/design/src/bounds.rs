//! The limits every number a design may hold is checked against: the kinds' descriptions
//! (`kinds/`) hold each parameter's bounds, lowering refuses values outside them and the
//! inspector's inputs offer exactly them, so the two can never disagree.

use crate::kinds::KindTag;

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
/// Paths of one users node, and routes of one API gateway.
pub const MAX_PATHS: f64 = 1_000.0;

/// The bounds `(min, max)` of the number at `path` (a field, or `parent.field` inside a nested
/// object such as `profile.at_s`) of a node of kind `kind` (the JSON kind name), read from the
/// kind's description in [`crate::kinds`]; `None` for a path that holds no bounded number. Where
/// a limit also depends on another field (`scale_in_below` ≤ `scale_out_above`, `shards +
/// spare_shards` ≤ 256) lowering checks that too, and this is the widest the other field allows.
pub fn range(kind: &str, path: &str) -> Option<(f64, f64)> {
    KindTag::from_name(kind)?.spec().param(path)?.range()
}

/// The bounds of a data centre's disaster-recovery standby setting (`regions[].standby.<field>`,
/// `field` written with its `standby.` prefix): a region is no node kind, so they live here.
pub fn standby_range(field: &str) -> Option<(f64, f64)> {
    Some(match field {
        "standby.health_interval_s" => (1.0, 3_600.0),
        "standby.health_threshold" => (1.0, 100.0),
        "standby.warm_share" => (0.0, 1.0),
        "standby.boot_s" => (0.0, 3_600.0),
        "standby.restore_min" => (0.0, 10_080.0),
        "standby.backup_interval_s" => (60.0, MAX_TIME_S),
        _ => return None,
    })
}

//! CDN: an edge cache for static assets in front of an origin.

use super::{Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::MAX_KEYS;

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::Cdn,
    category: Category::Edge,
    role: Role::Cdn,
    params: &[
        P::integer("capacity", Unit::Objects, 1.0, MAX_KEYS, 1_000.0),
        P::number("ttl_s", Unit::S, 0.0, 86_400.0 * 365.0, 3_600.0),
        P::number("edge_rtt_ms", Unit::Ms, 0.0, 10_000.0, 10.0),
        P::number("object_kb", Unit::Kb, 0.0, 10_000_000.0, 100.0),
        P::choice("invalidation", &["ttl", "purge", "versioned"], "ttl"),
        P::number("purge_delay_s", Unit::S, 0.0, 86_400.0, 5.0),
    ],
    defaults: r#"{"kind":"cdn","capacity":1000,"ttl_s":3600}"#,
    outgoing: &[KindTag::LoadBalancer, KindTag::Server],
    required: &[KindTag::LoadBalancer, KindTag::Server],
    fan_out: false,
    charts: &[Chart::HitRatio],
};

//! Session store: a shared store (Redis-like) for user sessions, so the web tier is stateless.

use super::{replica, Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::MAX_WORKERS;

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::SessionStore,
    category: Category::Data,
    role: Role::Other,
    params: &[
        P::integer("workers", Unit::None, 1.0, MAX_WORKERS, 32.0),
        P::number("service_ms", Unit::Ms, 0.001, 60_000.0, 0.5),
        P::instance("instance", "elasticache_redis_m5_large"),
        replica::REPLICAS,
        replica::FAILOVER_S,
        replica::LAG_MS,
    ],
    defaults: r#"{"kind":"session_store"}"#,
    outgoing: &[],
    required: &[],
    fan_out: false,
    charts: &[Chart::Load],
};

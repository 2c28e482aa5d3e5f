//! Session store: a shared store (Redis-like) for user sessions, so the web tier is stateless.

use super::{Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::MAX_WORKERS;

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::SessionStore,
    category: Category::Data,
    role: Role::Other,
    params: &[
        P::integer("workers", Unit::None, 1.0, MAX_WORKERS, 32.0),
        P::number("service_ms", Unit::Ms, 0.001, 60_000.0, 0.5),
        P::instance("instance", "elasticache_redis_m5_large"),
        // A replica promoted with its contents when this node dies (see docs/design-format.md);
        // written only when not the default, so older documents read back unchanged.
        P::integer("replicas", Unit::Replicas, 0.0, 1.0, 0.0).optional(),
        P::number("failover_s", Unit::S, 0.0, 86_400.0, 10.0).optional(),
        P::number("lag_ms", Unit::Ms, 0.0, 600_000.0, 1.0).optional(),
    ],
    defaults: r#"{"kind":"session_store"}"#,
    outgoing: &[],
    required: &[],
    fan_out: false,
    charts: &[Chart::Load],
};

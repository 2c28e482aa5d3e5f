//! The replica a cache or a session store may keep (`replicas`, `failover_s`, `lag_ms`): the same
//! three parameters on both kinds, described once (the engine's side is sim/nodes/replica.rs).

use super::{ParamSpec as P, Unit};

// A replica promoted with its contents when the node dies (see docs/design-format.md); written
// only when not the default, so older documents read back unchanged.
pub const REPLICAS: P = P::integer("replicas", Unit::Replicas, 0.0, 1.0, 0.0).optional();
pub const FAILOVER_S: P = P::number("failover_s", Unit::S, 0.0, 86_400.0, 10.0).optional();
pub const LAG_MS: P = P::number("lag_ms", Unit::Ms, 0.0, 600_000.0, 1.0).optional();

//! Load balancer: spreads requests over servers and takes unhealthy ones out.

use super::{Category, KindSpec, KindTag, ParamSpec as P, Role, Unit};

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::LoadBalancer,
    category: Category::Traffic,
    role: Role::Entry,
    params: &[
        P::choice(
            "policy",
            &[
                "round_robin",
                "least_connections",
                "ip_hash",
                "random",
                "power_of_two",
            ],
            "round_robin",
        ),
        P::number("health_interval_s", Unit::S, 0.0, 3_600.0, 5.0),
        P::integer("health_threshold", Unit::Checks, 1.0, 100.0, 3.0),
        P::flag("sticky", false),
    ],
    defaults: r#"{"kind":"load_balancer"}"#,
    outgoing: &[KindTag::Server],
    required: &[KindTag::Server],
    // The servers it balances over.
    fan_out: true,
    charts: &[],
};

//! API gateway: a rate limiter, a small service time, and routing by path to the services.

use super::{Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::{MAX_RATE_RPS, MAX_WORKERS};

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::ApiGateway,
    category: Category::Traffic,
    role: Role::Entry,
    params: &[
        P::integer("workers", Unit::None, 1.0, MAX_WORKERS, 256.0),
        P::number("service_ms", Unit::Ms, 0.001, 60_000.0, 1.0),
        P::tagged(
            "rate_limit",
            "kind",
            &["none", "global", "per_user"],
            "none",
        ),
        P::number("rate_limit.rate_rps", Unit::Rps, 0.001, MAX_RATE_RPS, 100.0).when("global"),
        P::number("rate_limit.burst", Unit::Requests, 1.0, 1_000_000.0, 100.0).when("global"),
        P::number("rate_limit.rate_rps", Unit::Rps, 0.001, MAX_RATE_RPS, 10.0).when("per_user"),
        P::number("rate_limit.burst", Unit::Requests, 1.0, 1_000_000.0, 20.0).when("per_user"),
        P::instance("instance", "ec2_t3_medium"),
    ],
    defaults: r#"{"kind":"api_gateway"}"#,
    outgoing: &[KindTag::LoadBalancer, KindTag::Server],
    required: &[KindTag::LoadBalancer, KindTag::Server],
    // The services it routes to.
    fan_out: true,
    charts: &[Chart::Load],
};

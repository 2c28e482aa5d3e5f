//! WAF: inspects every request and blocks attacks (and some legitimate requests) at stated rates.

use super::{Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::MAX_WORKERS;

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::Waf,
    category: Category::Edge,
    role: Role::Entry,
    params: &[
        P::integer("workers", Unit::None, 1.0, MAX_WORKERS, 256.0),
        P::number("service_ms", Unit::Ms, 0.001, 60_000.0, 0.5),
        P::number("detection", Unit::Share, 0.0, 1.0, 0.95),
        P::number("false_positive", Unit::Share, 0.0, 1.0, 0.001),
        P::integer("rules", Unit::None, 0.0, 1_000.0, 10.0),
    ],
    defaults: r#"{"kind":"waf"}"#,
    outgoing: &[KindTag::LoadBalancer, KindTag::Server, KindTag::ApiGateway],
    required: &[KindTag::LoadBalancer, KindTag::Server, KindTag::ApiGateway],
    fan_out: false,
    charts: &[Chart::Load],
};

//! Queue: a durable message queue and its pool of consumers, for work done off the request.

use super::{Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::MAX_WORKERS;

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::Queue,
    category: Category::Async,
    role: Role::Other,
    params: &[
        P::integer("consumers", Unit::None, 1.0, MAX_WORKERS, 4.0),
        P::number("job_ms", Unit::Ms, 0.001, 3_600_000.0, 200.0),
        P::number("publish_ms", Unit::Ms, 0.0, 60_000.0, 1.0),
        P::instance("instance", "ec2_t3_medium"),
    ],
    defaults: r#"{"kind":"queue","consumers":4,"job_ms":200}"#,
    outgoing: &[],
    required: &[],
    fan_out: false,
    charts: &[Chart::Load, Chart::Jobs],
};

//! Server: workers, a bounded queue and a service time; a pool of instances, autoscaled or not.

use super::{Category, Chart, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::{MAX_INSTANCES, MAX_WORKERS};

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::Server,
    category: Category::Compute,
    role: Role::Entry,
    params: &[
        P::integer("workers", Unit::None, 1.0, MAX_WORKERS, 8.0),
        P::integer("instances", Unit::None, 1.0, MAX_INSTANCES, 1.0),
        P::tagged("autoscale", "mode", &["off", "utilization"], "off"),
        P::integer(
            "autoscale.min_instances",
            Unit::None,
            1.0,
            MAX_INSTANCES,
            2.0,
        )
        .when("utilization"),
        P::integer(
            "autoscale.max_instances",
            Unit::None,
            1.0,
            MAX_INSTANCES,
            10.0,
        )
        .when("utilization"),
        P::number("autoscale.scale_out_above", Unit::Share, 0.01, 1.0, 0.7).when("utilization"),
        P::number("autoscale.scale_in_below", Unit::Share, 0.0, 1.0, 0.3).when("utilization"),
        P::number("autoscale.interval_s", Unit::S, 0.1, 3_600.0, 10.0).when("utilization"),
        P::number("autoscale.boot_s", Unit::S, 0.0, 3_600.0, 30.0).when("utilization"),
        P::choice("autoscale.metric", &["cpu", "occupancy"], "cpu").when("utilization"),
        P::integer("queue_capacity", Unit::Requests, 0.0, 1_000_000.0, 200.0),
        P::number("service_ms", Unit::Ms, 0.001, 60_000.0, 20.0),
        P::choice(
            "service_shape",
            &["exponential", "constant", "log_normal"],
            "exponential",
        ),
        P::number("service_cv", Unit::None, 0.0, 10.0, 1.0),
        P::choice("sessions", &["none", "in_server"], "none"),
        P::instance("instance", "ec2_m5_large"),
    ],
    defaults: r#"{"kind":"server","workers":8,"queue_capacity":200,"service_ms":20}"#,
    outgoing: &[
        KindTag::Cache,
        KindTag::Database,
        KindTag::ShardedDatabase,
        KindTag::SessionStore,
        KindTag::Queue,
    ],
    required: &[],
    fan_out: false,
    charts: &[Chart::Load],
};

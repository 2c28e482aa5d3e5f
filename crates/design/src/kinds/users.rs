//! Users: a population sending requests, the source of all traffic.

use super::{Category, KindSpec, KindTag, ParamSpec as P, Role, Unit};
use crate::bounds::{MAX_KEYS, MAX_PAYLOAD_KB, MAX_RATE_RPS, MAX_TIME_S, MAX_USERS};

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::Users,
    category: Category::Client,
    role: Role::Other,
    params: &[
        P::integer("users", Unit::People, 1.0, MAX_USERS, 10_000.0),
        P::number("rate_rps", Unit::Rps, 0.0, MAX_RATE_RPS, 100.0),
        P::number("rtt_ms", Unit::Ms, 0.0, 10_000.0, 40.0),
        P::number("timeout_ms", Unit::Ms, 1.0, 600_000.0, 2_000.0),
        P::number("read_fraction", Unit::Share, 0.0, 1.0, 1.0),
        P::number("static_fraction", Unit::Share, 0.0, 1.0, 0.0),
        P::integer("keys", Unit::Keys, 1.0, MAX_KEYS, 10_000.0),
        P::number("zipf_alpha", Unit::None, 0.0, 5.0, 0.9),
        P::integer("static_objects", Unit::Objects, 1.0, MAX_KEYS, 100.0),
        P::number("response_kb", Unit::Kb, 0.0, MAX_PAYLOAD_KB, 10.0),
        // Absent: the connected CDN's `object_kb` applies.
        P::number("static_kb", Unit::Kb, 0.0, MAX_PAYLOAD_KB, 100.0).optional(),
        P::tagged(
            "profile",
            "shape",
            &["steady", "step", "ramp", "daily", "spike"],
            "steady",
        ),
        // Each variant's defaults make its effect visible within a few simulated minutes.
        P::number("profile.at_s", Unit::S, 0.0, MAX_TIME_S, 60.0).when("step"),
        P::number("profile.factor", Unit::Factor, 0.0, 1_000.0, 2.0).when("step"),
        P::number("profile.from_s", Unit::S, 0.0, MAX_TIME_S, 0.0).when("ramp"),
        P::number("profile.to_s", Unit::S, 0.0, MAX_TIME_S, 300.0).when("ramp"),
        P::number("profile.factor", Unit::Factor, 0.0, 1_000.0, 4.0).when("ramp"),
        P::number("profile.period_s", Unit::S, 1.0, MAX_TIME_S, 600.0).when("daily"),
        P::number("profile.amplitude", Unit::Share, 0.0, 1.0, 0.5).when("daily"),
        P::number("profile.at_s", Unit::S, 0.0, MAX_TIME_S, 60.0).when("spike"),
        P::number("profile.duration_s", Unit::S, 0.0, MAX_TIME_S, 30.0).when("spike"),
        P::number("profile.factor", Unit::Factor, 0.0, 1_000.0, 5.0).when("spike"),
    ],
    defaults: r#"{"kind":"users","users":10000,"rate_rps":100,"rtt_ms":40,"timeout_ms":2000,"keys":10000,"zipf_alpha":0.9,"response_kb":10}"#,
    outgoing: &[
        KindTag::Dns,
        KindTag::LoadBalancer,
        KindTag::Server,
        KindTag::Cdn,
    ],
    required: &[KindTag::Dns, KindTag::LoadBalancer, KindTag::Server],
    fan_out: false,
    charts: &[],
};

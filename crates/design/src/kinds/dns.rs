//! DNS: resolves the site's name to an entry point; answers are cached for `ttl_s`.

use super::{Category, KindSpec, KindTag, ParamSpec as P, Role, Unit};

pub const SPEC: KindSpec = KindSpec {
    tag: KindTag::Dns,
    category: Category::Edge,
    role: Role::Entry,
    params: &[
        P::number("lookup_ms", Unit::Ms, 0.0, 10_000.0, 30.0),
        P::number("ttl_s", Unit::S, 0.0, 86_400.0, 300.0),
    ],
    defaults: r#"{"kind":"dns","lookup_ms":30,"ttl_s":300}"#,
    outgoing: &[KindTag::LoadBalancer, KindTag::Server],
    required: &[KindTag::LoadBalancer, KindTag::Server],
    // Several answers: one per data centre.
    fan_out: true,
    charts: &[],
};

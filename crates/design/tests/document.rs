//! The shareable document: round trips through JSON and URLs, refuses bad input with messages
//! that name the node and the field, and lowers the first stage into a runnable model.

mod shipped;

use scalelab_design::document::{AutoscaleDoc, AutoscaleMetricDoc, ParseError};
use scalelab_design::lower::Problem;
use scalelab_design::{
    decode_fragment, encode_fragment, lower, DecodeError, Design, EdgeDoc, NodeParams,
};
use scalelab_engine::SimDuration;

#[test]
fn url_round_trip_restores_the_same_design() {
    let mut design = Design::single_server();
    design.seed = 99;
    design
        .extra
        .insert("future_field".into(), serde_json::json!({"kept": true}));
    let fragment = encode_fragment(&design).expect("encodes");
    assert!(fragment.starts_with("v1.c."), "{fragment}");
    assert!(fragment.len() < 600, "links stay short: {}", fragment.len());
    assert_eq!(decode_fragment(&format!("#{fragment}")), Ok(design));
}

#[test]
fn bad_fragments_get_a_specific_error() {
    let good = encode_fragment(&Design::single_server()).expect("encodes");
    let truncated = &good[..good.len() / 2];
    type Expect = fn(&DecodeError) -> bool;
    let cases: Vec<(String, Expect)> = vec![
        ("".into(), |e| *e == DecodeError::UnknownPrefix),
        ("hello".into(), |e| *e == DecodeError::UnknownPrefix),
        ("v1.q.abc".into(), |e| *e == DecodeError::UnknownPrefix),
        ("v1.z.***".into(), |e| *e == DecodeError::Base64),
        (truncated.into(), |e| {
            matches!(e, DecodeError::Inflate | DecodeError::Base64)
        }),
        (cut_payload(&good), |e| *e == DecodeError::Inflate),
        ("v1.z.AAAA".into(), |e| *e == DecodeError::Inflate),
        ("v1.c.AAAA".into(), |e| *e == DecodeError::Inflate),
        // Only the digits the app writes: no version 0, no leading zero, no sign.
        (good.replacen("v1.", "v0.", 1), |e| {
            *e == DecodeError::UnknownPrefix
        }),
        (good.replacen("v1.", "v01.", 1), |e| {
            *e == DecodeError::UnknownPrefix
        }),
        (good.replacen("v1.", "v+1.", 1), |e| {
            *e == DecodeError::UnknownPrefix
        }),
        (bomb(), |e| matches!(e, DecodeError::TooLarge { .. })),
        ("v99.z.AAAA".into(), |e| {
            matches!(e, DecodeError::TooNew { found: 99, .. })
        }),
        (encode_json(r#"{"version":1,"nodes":"nope"}"#), |e| {
            matches!(e, DecodeError::Document(_))
        }),
        (encode_json(r#"{"version":7,"nodes":[]}"#), |e| {
            matches!(e, DecodeError::TooNew { found: 7, .. })
        }),
        (encode_json("not json"), |e| {
            matches!(e, DecodeError::Document(_))
        }),
    ];
    for (fragment, expected) in cases {
        let err = decode_fragment(&fragment).expect_err(&fragment);
        assert!(expected(&err), "{fragment}: {err:?}");
        assert!(!err.to_string().is_empty());
    }
}

/// A well-formed link whose compressed payload lost its last bytes.
fn cut_payload(fragment: &str) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bytes = b64
        .decode(fragment.trim_start_matches("v1.c."))
        .expect("valid link");
    format!("v1.c.{}", b64.encode(&bytes[..bytes.len() - 20]))
}

fn encode_json(json: &str) -> String {
    use base64::Engine as _;
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 9);
    format!(
        "v1.c.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
    )
}

/// A small link that inflates to 8 MiB of spaces.
fn bomb() -> String {
    encode_json(&" ".repeat(8 << 20))
}

/// Regression: raw deflate has no checksum, so hundreds of one-character changes to the example
/// links decoded silently to another valid design. Now every change is refused or harmless, and
/// links written before the checksum still open.
#[test]
fn a_changed_link_never_decodes_to_another_design() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let alphabet = b"Aw_9";
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../designs")).expect("designs/")
    {
        let path = entry.expect("entry").path();
        let design =
            Design::from_json(&std::fs::read_to_string(&path).expect("read")).expect("parse");
        let link = encode_fragment(&design).expect("encodes");
        assert_eq!(
            decode_fragment(&link).as_ref(),
            Ok(&design),
            "{}",
            path.display()
        );
        let mut changed_to_another = 0;
        for i in 5..link.len() {
            for &c in alphabet {
                let mut bytes = link.clone().into_bytes();
                if bytes[i] == c {
                    continue;
                }
                bytes[i] = c;
                let edited = String::from_utf8(bytes).expect("ascii");
                if let Ok(other) = decode_fragment(&edited) {
                    changed_to_another += usize::from(other != design);
                }
            }
        }
        assert_eq!(changed_to_another, 0, "{}", path.display());
        // The same design in the old unchecked form still opens.
        let old = format!(
            "v1.z.{}",
            b64.encode(miniz_oxide::deflate::compress_to_vec(
                design.to_json().as_bytes(),
                9
            ))
        );
        assert_eq!(decode_fragment(&old), Ok(design));
    }
}

/// Regression: a NaN window encoded into a link that was then refused when opened; and floats
/// changed by one ULP on a round trip.
#[test]
fn links_refuse_what_they_cannot_carry_and_keep_every_float() {
    let mut design = Design::single_server();
    design.window_s = f64::NAN;
    assert_eq!(
        encode_fragment(&design),
        Err(scalelab_design::EncodeError::NotRoundTrip)
    );
    let mut design = Design::single_server();
    for (i, x) in [
        0.1,
        1.0 / 3.0,
        2.0f64.sqrt(),
        1e-300,
        123_456.789_012_345_67,
    ]
    .into_iter()
    .enumerate()
    {
        design.window_s = x;
        design.nodes[0].x = x * (i as f64 + 1.0);
        let link = encode_fragment(&design).expect("encodes");
        assert_eq!(decode_fragment(&link), Ok(design.clone()), "{x}");
    }
}

#[test]
fn documents_without_version_or_from_the_future_are_refused() {
    assert_eq!(
        Design::from_json(r#"{"nodes":[]}"#),
        Err(ParseError::MissingVersion)
    );
    assert_eq!(
        Design::from_json(r#"{"version":2,"nodes":[]}"#),
        Err(ParseError::TooNew {
            found: 2,
            supported: 1
        })
    );
    // Regression: version 0 was accepted while 1.0, the same number as a float, was not.
    for bad in [
        r#"{"version":0}"#,
        r#"{"version":-1}"#,
        r#"{"version":1.5}"#,
        r#"{"version":"1"}"#,
    ] {
        assert_eq!(
            Design::from_json(bad),
            Err(ParseError::MissingVersion),
            "{bad}"
        );
    }
    let mut as_float: serde_json::Value =
        serde_json::from_str(&Design::single_server().to_json()).expect("json");
    as_float["version"] = serde_json::json!(1.0);
    assert_eq!(
        Design::from_json(&as_float.to_string()),
        Ok(Design::single_server())
    );
}

#[test]
fn the_first_stage_lowers_into_a_runnable_model() {
    let lowered = lower(&Design::single_server(), SimDuration::ZERO).expect("stage 1 is valid");
    assert_eq!(lowered.model.nodes.len(), 3);
}

/// Gives the single server an autoscaling rule (10 s interval, 30 s boot).
fn autoscale(d: &mut Design, min: u32, max: u32, out_above: f64, in_below: f64) {
    if let NodeParams::Server { autoscale, .. } = &mut d.nodes[2].params {
        *autoscale = AutoscaleDoc::Utilization {
            min_instances: min,
            max_instances: max,
            scale_out_above: out_above,
            scale_in_below: in_below,
            interval_s: 10.0,
            boot_s: 30.0,
            metric: AutoscaleMetricDoc::Cpu,
        };
    }
}

#[test]
fn invalid_designs_name_the_node_and_the_field() {
    type Edit = fn(&mut Design);
    type Expect = fn(&Problem) -> bool;
    let cases: [(Edit, Option<&str>, Option<&str>, Expect); 10] = [
        (
            |d| {
                if let NodeParams::Users { rate_rps, .. } = &mut d.nodes[0].params {
                    *rate_rps = -5.0;
                }
            },
            Some("users"),
            Some("rate_rps"),
            |p| matches!(p, Problem::OutOfRange { .. }),
        ),
        (
            |d| {
                if let NodeParams::Server { workers, .. } = &mut d.nodes[2].params {
                    *workers = 0;
                }
            },
            Some("server"),
            Some("workers"),
            |p| matches!(p, Problem::OutOfRange { .. }),
        ),
        (
            |d| {
                d.edges.push(EdgeDoc {
                    from: "dns".into(),
                    to: "ghost".into(),
                })
            },
            Some("dns"),
            Some("edges"),
            |p| matches!(p, Problem::DanglingEdge { .. }),
        ),
        (
            |d| d.edges.clear(),
            Some("users"),
            Some("edges"),
            |p| matches!(p, Problem::MissingConnection { .. }),
        ),
        (
            |d| {
                d.edges.push(EdgeDoc {
                    from: "server".into(),
                    to: "users".into(),
                })
            },
            Some("server"),
            Some("edges"),
            |p| matches!(p, Problem::UnsupportedConnection { .. }),
        ),
        (
            |d| d.nodes[1].id = "users".into(),
            Some("users"),
            Some("id"),
            |p| matches!(p, Problem::DuplicateId),
        ),
        (
            |d| {
                if let NodeParams::Server { instance, .. } = &mut d.nodes[2].params {
                    *instance = "cray-1".into();
                }
            },
            Some("server"),
            Some("instance"),
            |p| matches!(p, Problem::UnknownInstance { .. }),
        ),
        (
            |d| {
                if let NodeParams::Server { instances, .. } = &mut d.nodes[2].params {
                    *instances = 0;
                }
            },
            Some("server"),
            Some("instances"),
            |p| matches!(p, Problem::OutOfRange { .. }),
        ),
        (
            |d| autoscale(d, 5, 2, 0.7, 0.3),
            Some("server"),
            Some("autoscale.min_instances"),
            |p| matches!(p, Problem::OutOfRange { .. }),
        ),
        (
            |d| autoscale(d, 1, 4, 0.5, 0.6),
            Some("server"),
            Some("autoscale.scale_in_below"),
            |p| matches!(p, Problem::OutOfRange { .. }),
        ),
    ];
    for (edit, node, field, problem) in cases {
        let mut design = Design::single_server();
        edit(&mut design);
        let diags = lower(&design, SimDuration::ZERO).expect_err("must be refused");
        assert!(
            diags
                .iter()
                .any(|d| d.node.as_deref() == node && d.field == field && problem(&d.problem)),
            "{node:?}.{field:?}: {diags:?}"
        );
        assert!(diags.iter().all(|d| !d.to_string().is_empty()));
    }
}

#[test]
fn model_nodes_match_the_lowered_model_for_every_stage() {
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../designs")).expect("designs/")
    {
        let path = entry.expect("entry").path();
        let design =
            Design::from_json(&std::fs::read_to_string(&path).expect("read")).expect("parse");
        let model = lower(&design, SimDuration::ZERO).expect("lower").model;
        let layout = scalelab_design::lower::model_nodes(&design);
        let keys: Vec<&str> = layout.iter().map(|n| n.key.as_str()).collect();
        let model_keys: Vec<&str> = model.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, model_keys, "{}", path.display());
        for (i, id) in scalelab_design::lower::model_ids(&design)
            .into_iter()
            .enumerate()
        {
            assert_eq!(
                model.nodes[id as usize].key,
                design.nodes[i].id,
                "{}",
                path.display()
            );
        }
    }
}

/// Regression: `kill db/r1` was refused ("no node named") although reports and the format name
/// replicas and shards that way; and a fault's rate or factor was never range-checked.
#[test]
fn faults_name_replicas_and_shards_and_refuse_absurd_numbers() {
    let stage = |file: &str| {
        let path = format!("{}/../../designs/{file}", env!("CARGO_MANIFEST_DIR"));
        Design::from_json(&std::fs::read_to_string(path).expect("read")).expect("parse")
    };
    // (design, fault JSON, accepted?)
    let cases = [
        (
            "stage04-replication.json",
            r#"{"at_s":5,"action":"kill","node":"db/r1"}"#,
            true,
        ),
        (
            "stage04-replication.json",
            r#"{"at_s":5,"action":"slow","node":"db/r2","factor":4}"#,
            true,
        ),
        (
            "stage04-replication.json",
            r#"{"at_s":5,"action":"kill","node":"db/r3"}"#,
            false,
        ),
        (
            "stage11-sharding.json",
            r#"{"at_s":5,"action":"kill","node":"shards/s4"}"#,
            true,
        ),
        (
            "stage11-sharding.json",
            r#"{"at_s":5,"action":"restore","node":"shards/s0"}"#,
            true,
        ),
        (
            "stage01-single-server.json",
            r#"{"at_s":5,"action":"set_rate","node":"users","rps":1e308}"#,
            false,
        ),
        (
            "stage01-single-server.json",
            r#"{"at_s":5,"action":"set_rate","node":"users","rps":-1}"#,
            false,
        ),
        (
            "stage01-single-server.json",
            r#"{"at_s":5,"action":"slow","node":"server","factor":0}"#,
            false,
        ),
        (
            "stage01-single-server.json",
            r#"{"at_s":5,"action":"slow","node":"server","factor":1e9}"#,
            false,
        ),
    ];
    for (file, fault, accepted) in cases {
        let mut design = stage(file);
        design.faults = vec![serde_json::from_str(fault).expect("fault JSON")];
        let lowered = lower(&design, SimDuration::ZERO);
        assert_eq!(
            lowered.is_ok(),
            accepted,
            "{file} {fault}: {:?}",
            lowered.err()
        );
        if let Err(diags) = lowered {
            assert!(diags
                .iter()
                .all(|d| d.field.is_some_and(|f| f.starts_with("faults"))));
        }
    }
}

/// The gateway and WAF designs with one field replaced (by JSON pointer), lowered.
fn lower_edited(file: &str, pointer: &str, value: serde_json::Value) -> Result<(), Vec<String>> {
    let path = format!("{}/../../designs/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
    *doc.pointer_mut(pointer).expect("the field exists") = value;
    let design = Design::from_json(&doc.to_string()).expect("parses");
    lower(&design, SimDuration::ZERO)
        .map(|_| ())
        .map_err(|d| d.iter().map(|d| d.to_string()).collect())
}

#[test]
fn gateway_and_waf_numbers_out_of_bounds_are_refused_naming_node_and_field() {
    use serde_json::json;
    let cases = [
        (
            "extra-api-gateway.json",
            "/nodes/2/rate_limit",
            json!({"kind": "per_user", "rate_rps": 0, "burst": 20}),
            "node 'gateway', field 'rate_limit.rate_rps'",
        ),
        (
            "extra-api-gateway.json",
            "/nodes/2/rate_limit",
            json!({"kind": "global", "rate_rps": 10, "burst": 0.5}),
            "node 'gateway', field 'rate_limit.burst'",
        ),
        (
            "extra-api-gateway.json",
            "/nodes/0/paths/0/share",
            json!(-0.1),
            "node 'users', field 'paths.share'",
        ),
        (
            "extra-waf.json",
            "/nodes/1/detection",
            json!(1.5),
            "node 'waf', field 'detection'",
        ),
        (
            "extra-waf.json",
            "/nodes/0/attack_share",
            json!(2),
            "node 'users', field 'attack_share'",
        ),
        (
            "extra-waf.json",
            "/nodes/0/attack_cost",
            json!(0),
            "node 'users', field 'attack_cost'",
        ),
    ];
    for (file, pointer, value, expect) in cases {
        let lines = lower_edited(file, pointer, value).expect_err(expect);
        assert!(lines.iter().any(|l| l.contains(expect)), "{lines:?}");
    }
}

#[test]
fn a_route_to_a_node_the_gateway_does_not_connect_to_is_refused() {
    let lines = lower_edited(
        "extra-api-gateway.json",
        "/nodes/2/routes/1/to",
        serde_json::json!("db"),
    )
    .expect_err("db is not a connection of the gateway");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("node 'gateway', field 'routes'") && l.contains("'db'")),
        "{lines:?}"
    );
}

#[test]
fn a_per_user_rate_limiter_counts_a_bucket_per_user_in_the_budget() {
    use scalelab_design::budget::{check, Limits};
    let path = format!(
        "{}/../../designs/extra-api-gateway.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("read");
    let per_user = Design::from_json(&text).expect("parses");
    let mut none = per_user.clone();
    if let Some(NodeParams::ApiGateway { rate_limit, .. }) =
        none.node_mut("gateway").map(|n| &mut n.params)
    {
        *rate_limit = scalelab_design::document::RateLimitDoc::None;
    }
    let limits = Limits::cli(60.0);
    let a = check(&none, &limits).expect("fits").memory_bytes;
    let b = check(&per_user, &limits).expect("fits").memory_bytes;
    // 10 005 users, 16 bytes each.
    assert_eq!(b - a, 16.0 * 10_005.0);
}

/// The worker reads a design inside its messages by `Deserialize`, the app by `from_json`: both
/// must give the same document, unknown keys kept, for every shipped stage.
#[test]
fn deserialize_and_from_json_read_every_stage_alike() {
    for (path, text) in shipped::designs() {
        let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
        value["future_field"] = serde_json::json!({"kept": [1, 2]});
        let text = value.to_string();
        let read: Design = serde_json::from_str(&text).expect("deserializes");
        assert_eq!(Ok(&read), Design::from_json(&text).as_ref(), "{path:?}");
        assert_eq!(read.extra["future_field"]["kept"][1], 2, "{path:?}");
        let nodes = read.nodes.len();
        assert!(nodes > 0, "{path:?}");
    }
}

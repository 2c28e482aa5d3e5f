//! The shareable document: round trips through JSON and URLs, refuses bad input with messages
//! that name the node and the field, and lowers the first stage into a runnable model.

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
    let fragment = encode_fragment(&design);
    assert!(fragment.starts_with("v1.z."), "{fragment}");
    assert!(fragment.len() < 600, "links stay short: {}", fragment.len());
    assert_eq!(decode_fragment(&format!("#{fragment}")), Ok(design));
}

#[test]
fn bad_fragments_get_a_specific_error() {
    let good = encode_fragment(&Design::single_server());
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
        .decode(fragment.trim_start_matches("v1.z."))
        .expect("valid link");
    format!("v1.z.{}", b64.encode(&bytes[..bytes.len() - 20]))
}

fn encode_json(json: &str) -> String {
    use base64::Engine as _;
    let deflated = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!(
        "v1.z.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(deflated)
    )
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

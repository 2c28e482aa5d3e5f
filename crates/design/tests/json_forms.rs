//! The document's JSON, as files, links and the worker carry it: every stage design writes back
//! the text it read, every tagged form (node kinds, profiles, autoscaling, rate limits, sharding
//! strategies, faults) keeps its key order, and malformed nodes are refused naming the problem.
//! The reading is done by hand (`tagged`) instead of serde's buffering derive; these tests pin
//! that nothing a user sees changed with it.

mod shipped;

use scalelab_design::document::NodeParams;
use scalelab_design::{decode_fragment, encode_fragment, Design};
use serde_json::{json, Value};

/// Every stage design, read and written, reads back as itself and writes the same text again,
/// compact, pretty and in a link; each node's own params write and read alone (the inspector's
/// round trip) to the same text.
#[test]
fn every_stage_design_writes_back_the_text_it_read() {
    for (name, text) in shipped::designs() {
        let design = Design::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let compact = design.to_json();
        let again = Design::from_json(&compact).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again, design, "{name}");
        assert_eq!(again.to_json(), compact, "{name}");
        let pretty = design.to_json_pretty();
        // The file form is the compact text indented: serde_json's pretty printer, byte for byte.
        assert_eq!(
            pretty,
            serde_json::to_string_pretty(&design).unwrap(),
            "{name}"
        );
        assert_eq!(Design::from_json(&pretty).as_ref(), Ok(&design), "{name}");
        let link = encode_fragment(&design).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decode_fragment(&link).as_ref(), Ok(&design), "{name}");
        // The reader that the worker's messages use reads the same.
        let read: Design = serde_json::from_str(&compact).expect("deserializes");
        assert_eq!(read, design, "{name}");
        for node in &design.nodes {
            let params = serde_json::to_string(&node.params).expect("writes");
            assert!(params.starts_with(r#"{"kind":""#), "{name}: {params}");
            let back: NodeParams = serde_json::from_str(&params).expect("reads");
            assert_eq!(back, node.params, "{name} {}", node.id);
            let node_text = serde_json::to_string(node).expect("writes");
            assert!(node_text.starts_with(r#"{"id":""#), "{name}: {node_text}");
        }
    }
}

/// A design with every variant of every tagged enum, written as this build writes it: reading and
/// writing it gives the file's text byte for byte (key order included: share links and golden
/// files depend on it).
#[test]
fn every_tagged_form_writes_back_byte_for_byte() {
    let text = include_str!("every-tagged-form.json");
    let design = Design::from_json(text).expect("reads");
    assert_eq!(design.to_json_pretty() + "\n", text);
    assert_eq!(design.to_json(), compact(text));
    assert_eq!(design.extra["future_field"], json!({"kept": [1, 2]}));
}

/// The compact form of pretty JSON text, keeping its key order.
fn compact(text: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// A design holding `node` beside the first stage's nodes, as text.
fn with_node(node: Value) -> String {
    let mut doc: Value = serde_json::from_str(&Design::single_server().to_json()).expect("json");
    doc["nodes"].as_array_mut().expect("nodes").push(node);
    doc.to_string()
}

/// A design whose `key` is `value`, as text.
fn with(key: &str, value: Value) -> String {
    let mut doc: Value = serde_json::from_str(&Design::single_server().to_json()).expect("json");
    doc[key] = value;
    doc.to_string()
}

fn users(profile: Value) -> Value {
    json!({"id": "u", "kind": "users", "users": 1, "rate_rps": 1, "rtt_ms": 1,
           "timeout_ms": 1, "profile": profile})
}

/// Malformed nodes, profiles, limits, strategies and faults are refused with serde's message
/// naming the problem, the same words as before the reading was done by hand.
#[test]
fn malformed_nodes_are_refused_naming_the_problem() {
    let kinds = "expected one of `users`, `dns`, `server`, `load_balancer`, `session_store`, \
                 `cache`, `database`, `cdn`, `queue`, `api_gateway`, `waf`, `sharded_database`";
    let cases: Vec<(&str, String, String)> = vec![
        ("no kind", with_node(json!({"id": "n", "lookup_ms": 30, "ttl_s": 300})),
         "missing field `kind`".into()),
        ("unknown kind", with_node(json!({"id": "n", "kind": "mainframe"})),
         format!("unknown variant `mainframe`, {kinds}")),
        ("kind in capitals", with_node(json!({"id": "n", "kind": "Dns"})),
         format!("unknown variant `Dns`, {kinds}")),
        ("kind null", with_node(json!({"id": "n", "kind": null})),
         "invalid type: null, expected variant identifier".into()),
        ("kind a list", with_node(json!({"id": "n", "kind": ["dns"]})),
         "invalid type: sequence, expected variant identifier".into()),
        ("kind an object", with_node(json!({"id": "n", "kind": {"dns": {}}})),
         "invalid type: map, expected variant identifier".into()),
        ("kind past the last index", with_node(json!({"id": "n", "kind": 12})),
         "invalid value: integer `12`, expected variant index 0 <= i < 12".into()),
        ("wrong type", with_node(json!({"id": "n", "kind": "dns", "lookup_ms": "fast", "ttl_s": 3})),
         "invalid type: string \"fast\", expected f64".into()),
        ("missing field", with_node(json!({"id": "n", "kind": "dns", "lookup_ms": 30})),
         "missing field `ttl_s`".into()),
        ("no id", with_node(json!({"kind": "dns", "lookup_ms": 30, "ttl_s": 300})),
         "missing field `id`".into()),
        ("id a number", with_node(json!({"id": 5, "kind": "dns", "lookup_ms": 30, "ttl_s": 3})),
         "invalid type: integer `5`, expected a string".into()),
        ("x a word", with_node(json!({"id": "n", "kind": "dns", "x": "left", "lookup_ms": 3, "ttl_s": 3})),
         "invalid type: string \"left\", expected f64".into()),
        ("region null", with_node(json!({"id": "n", "kind": "dns", "region": null, "lookup_ms": 3, "ttl_s": 3})),
         "invalid type: null, expected a string".into()),
        ("node a number", with_node(json!(5)),
         "invalid type: integer `5`, expected struct NodeDoc".into()),
        ("node a list", with_node(json!(["dns"])),
         "invalid type: sequence, expected struct NodeDoc".into()),
        ("unknown shape", with_node(users(json!({"shape": "spiral"}))),
         "unknown variant `spiral`, expected one of `steady`, `step`, `ramp`, `daily`, `spike`".into()),
        ("no shape", with_node(users(json!({}))),
         "missing field `shape`".into()),
        ("step without factor", with_node(users(json!({"shape": "step", "at_s": 1}))),
         "missing field `factor`".into()),
        ("profile a word", with_node(users(json!("steady"))),
         "invalid type: string \"steady\", expected internally tagged enum ProfileDoc".into()),
        ("profile null", with_node(users(Value::Null)),
         "invalid type: null, expected internally tagged enum ProfileDoc".into()),
        ("autoscale half given",
         with_node(json!({"id": "s", "kind": "server", "workers": 1, "queue_capacity": 1,
                          "service_ms": 1, "autoscale": {"mode": "utilization", "min_instances": 1}})),
         "missing field `max_instances`".into()),
        ("autoscale mode unknown",
         with_node(json!({"id": "s", "kind": "server", "workers": 1, "queue_capacity": 1,
                          "service_ms": 1, "autoscale": {"mode": "sometimes"}})),
         "unknown variant `sometimes`, expected `off` or `utilization`".into()),
        ("rate limit without burst",
         with_node(json!({"id": "g", "kind": "api_gateway", "rate_limit": {"kind": "global", "rate_rps": 5}})),
         "missing field `burst`".into()),
        ("rate limit unknown",
         with_node(json!({"id": "g", "kind": "api_gateway", "rate_limit": {"kind": "leaky"}})),
         "unknown variant `leaky`, expected one of `none`, `global`, `per_user`".into()),
        ("ring without vnodes",
         with_node(json!({"id": "d", "kind": "sharded_database", "shards": 2,
                          "strategy": {"kind": "consistent_hash"}})),
         "missing field `vnodes`".into()),
        ("strategy unknown",
         with_node(json!({"id": "d", "kind": "sharded_database", "shards": 2, "strategy": {"kind": "ring"}})),
         "unknown variant `ring`, expected one of `modulo`, `range`, `consistent_hash`, `jump_hash`".into()),
        ("strategy without kind",
         with_node(json!({"id": "d", "kind": "sharded_database", "shards": 2, "strategy": {}})),
         "missing field `kind`".into()),
        ("strategy a word",
         with_node(json!({"id": "d", "kind": "sharded_database", "shards": 2, "strategy": "modulo"})),
         "invalid type: string \"modulo\", expected internally tagged enum ShardingStrategy".into()),
        ("fault unknown", with("faults", json!([{"at_s": 1, "action": "explode", "node": "server"}])),
         "unknown variant `explode`, expected one of `kill`, `restore`, `slow`, `set_rate`, \
          `kill_region`, `restore_region`, `partition`, `heal`, `deploy`, `reshard`".into()),
        ("fault without action", with("faults", json!([{"at_s": 1, "node": "server"}])),
         "missing field `action`".into()),
        ("kill without node", with("faults", json!([{"at_s": 1, "action": "kill"}])),
         "missing field `node`".into()),
        ("fault without time", with("faults", json!([{"action": "kill", "node": "server"}])),
         "missing field `at_s`".into()),
        ("fault a number", with("faults", json!([3])),
         "invalid type: integer `3`, expected struct FaultDoc".into()),
    ];
    for (name, text, expected) in cases {
        let err = Design::from_json(&text).expect_err(name).to_string();
        assert_eq!(err, format!("not a valid design: {expected}"), "{name}");
        // The worker reads a design inside its messages by `Deserialize`: the same words.
        let err = serde_json::from_str::<Design>(&text)
            .expect_err(name)
            .to_string();
        assert_eq!(err, expected, "{name}");
    }
}

/// What serde's derive accepted stays accepted, to the same value: unknown fields dropped, a
/// variant without fields ignoring any given, a tag given as its variant's index.
#[test]
fn what_was_accepted_still_reads_to_the_same_value() {
    let dns = json!({"id": "n", "kind": "dns", "lookup_ms": 30, "ttl_s": 300});
    let cases = [
        (
            "unknown field",
            json!({"id": "n", "kind": "dns", "lookup_ms": 30, "ttl_s": 300, "colour": "red"}),
            dns.clone(),
        ),
        (
            "kind as index",
            json!({"id": "n", "kind": 1, "lookup_ms": 30, "ttl_s": 300}),
            dns.clone(),
        ),
        (
            "steady with a time",
            users(json!({"shape": "steady", "at_s": 1})),
            users(json!({"shape": "steady"})),
        ),
        (
            "modulo with vnodes",
            json!({"id": "d", "kind": "sharded_database", "shards": 2, "strategy": {"kind": "modulo", "vnodes": 5}}),
            json!({"id": "d", "kind": "sharded_database", "shards": 2, "strategy": {"kind": "modulo"}}),
        ),
    ];
    for (name, given, plain) in cases {
        let read = Design::from_json(&with_node(given)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected =
            Design::from_json(&with_node(plain)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read, expected, "{name}");
    }
    let fault = |f: Value| Design::from_json(&with("faults", json!([f]))).map(|d| d.faults);
    assert_eq!(
        fault(json!({"at_s": 1, "action": "kill", "node": "server", "why": "drill"})),
        fault(json!({"at_s": 1, "action": 0, "node": "server"})),
    );
}

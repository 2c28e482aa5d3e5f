//! Issue 19's hostile designs, built once for the tests that refuse them in-process
//! (`budget.rs`) and under an address-space cap (`memory_cap.rs`).

#![allow(dead_code)] // Each test binary uses the builders it needs.

use serde_json::{json, Value};

pub const STAGE1: &str = include_str!("../../../../designs/stage01-single-server.json");
pub const STAGE5: &str = include_str!("../../../../designs/stage05-cache.json");
pub const STAGE11: &str = include_str!("../../../../designs/stage11-sharding.json");

pub fn doc(text: &str) -> Value {
    serde_json::from_str(text).expect("json")
}

pub fn users_mut(d: &mut Value) -> &mut Value {
    d["nodes"]
        .as_array_mut()
        .expect("nodes")
        .iter_mut()
        .find(|n| n["kind"] == "users")
        .expect("a users node")
}

/// Stage 1 with `count` regions named by `name(i)`: the latency matrix is their square.
pub fn with_regions(count: usize, name: impl Fn(usize) -> String) -> Value {
    let mut d = doc(STAGE1);
    d["regions"] = Value::Array((0..count).map(|i| json!({ "name": name(i) })).collect());
    d
}

/// Stage 1 with 20 000 regions: a 3.2 GB latency matrix if lowering were let through.
pub fn twenty_thousand_regions() -> Value {
    with_regions(20_000, |i| format!("r{i}"))
}

/// Stage 1 with a fault asking for `rps` requests per second at 0 s.
pub fn set_rate_fault(rps: f64) -> Value {
    let mut d = doc(STAGE1);
    d["faults"] = json!([{ "at_s": 0, "action": "set_rate", "node": "users", "rps": rps }]);
    d
}

/// Stage 1 with 60 more users nodes of ten million users each, wired like the first.
pub fn sixty_users_nodes_of_ten_million() -> Value {
    let mut d = doc(STAGE1);
    let users = users_mut(&mut d).clone();
    let to: Vec<Value> = d["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["from"] == "users")
        .map(|e| e["to"].clone())
        .collect();
    for i in 0..60 {
        let mut u = users.clone();
        u["id"] = json!(format!("u{i}"));
        u["users"] = json!(10_000_000);
        u["rate_rps"] = json!(1);
        d["nodes"].as_array_mut().expect("nodes").push(u);
        for t in &to {
            let edge = json!({ "from": format!("u{i}"), "to": t });
            d["edges"].as_array_mut().expect("edges").push(edge);
        }
    }
    d
}

/// Stage 11 with `count` more copies of its sharded database, each `shards` wide, and
/// `keys` keys.
pub fn many_sharded_databases(count: usize, shards: Option<u32>, keys: Option<u32>) -> Value {
    let mut d = doc(STAGE11);
    if let Some(keys) = keys {
        users_mut(&mut d)["keys"] = json!(keys);
    }
    let template = d["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["kind"] == "sharded_database")
        .expect("a sharded database")
        .clone();
    for i in 0..count {
        let mut s = template.clone();
        s["id"] = json!(format!("shards{i}"));
        if let Some(shards) = shards {
            s["shards"] = json!(shards);
            s["spare_shards"] = json!(0);
        }
        d["nodes"].as_array_mut().expect("nodes").push(s);
    }
    d
}

/// Stage 5 at a million requests per second, stepped ×1000 at 1 s.
pub fn million_rps_stepped_x1000() -> Value {
    let mut d = doc(STAGE5);
    let u = users_mut(&mut d);
    u["rate_rps"] = json!(1_000_000);
    u["profile"] = json!({ "shape": "step", "at_s": 1, "factor": 1000 });
    d
}

/// Stage 5 with a one-second ×1000 spike at 30 s.
pub fn one_second_x1000_spike() -> Value {
    let mut d = doc(STAGE5);
    users_mut(&mut d)["profile"] =
        json!({ "shape": "spike", "at_s": 30, "duration_s": 1, "factor": 1000 });
    d
}

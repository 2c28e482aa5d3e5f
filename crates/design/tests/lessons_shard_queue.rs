//! Stages 9 and 11 as shipped teach their chapter's point: each claim is an A/B pair of runs of
//! the shipped design with one thing changed, at the same seed, asserting the direction and a
//! meaningful size of the effect.

use scalelab_design::lower::{lower, model_nodes};
use scalelab_design::Design;
use scalelab_engine::{SimDuration, SimTime, Simulation, WindowStats};
use serde_json::Value;

const SEED: u64 = 1;
const WARMUP_S: f64 = 5.0;
const DURATION_S: f64 = 60.0;

/// A shipped design with `change` applied to its JSON.
fn design(text: &str, change: impl Fn(&mut Value)) -> Design {
    let mut v: Value = serde_json::from_str(text).expect("design JSON");
    change(&mut v);
    Design::from_json(&v.to_string()).expect("design")
}

/// Sets `field` of node `id` to `value`.
fn set(v: &mut Value, id: &str, field: &str, value: Value) {
    let nodes = v["nodes"].as_array_mut().expect("nodes");
    let node = nodes.iter_mut().find(|n| n["id"] == id).expect("node");
    node[field] = value;
}

/// The windows of a run, and the model key of every node id.
fn run(d: &Design) -> (Vec<WindowStats>, Vec<String>) {
    let model = lower(d, SimDuration::from_secs_f64(WARMUP_S))
        .expect("valid")
        .model;
    let mut sim = Simulation::new(&model, SEED);
    sim.run_until(SimTime::from_secs_f64(WARMUP_S + DURATION_S));
    let keys = model_nodes(d).into_iter().map(|n| n.key).collect();
    (sim.drain_windows(), keys)
}

const STAGE11: &str = include_str!("../../../designs/stage11-sharding.json");
const STAGE9: &str = include_str!("../../../designs/stage09-message-queue.json");

/// The busiest shard's mean utilisation over windows `from..to` (seconds).
fn hottest_shard(w: &[WindowStats], keys: &[String], from: usize, to: usize) -> f64 {
    let mut by_node: Vec<f64> = vec![0.0; keys.len()];
    for win in &w[from..to] {
        for n in &win.nodes {
            by_node[n.id as usize] += n.utilization / (to - from) as f64;
        }
    }
    by_node
        .iter()
        .zip(keys)
        .filter(|(_, k)| k.starts_with("shards/"))
        .map(|(u, _)| *u)
        .fold(0.0, f64::max)
}

/// 유명인사 문제 (the celebrity problem): salting the celebrity's key spreads its writes and a
/// dedicated shard takes it off the others; either lowers the hottest shard's load, and the
/// salted reads' gather is counted. Measured before the resharding at 40 s.
#[test]
fn stage11_salting_or_a_dedicated_shard_cools_the_hot_shard() {
    let (salted, keys) = run(&design(STAGE11, |_| {}));
    let (plain, _) = run(&design(STAGE11, |v| set(v, "shards", "salt", 1.into())));
    let (own, own_keys) = run(&design(STAGE11, |v| {
        set(v, "shards", "salt", 1.into());
        set(v, "shards", "hot_shard", "dedicated".into());
    }));
    let h_plain = hottest_shard(&plain, &keys, 5, 40);
    let h_salted = hottest_shard(&salted, &keys, 5, 40);
    let h_own = hottest_shard(&own, &own_keys, 5, 40);
    println!("hottest shard: salt 1 {h_plain:.3}, salted {h_salted:.3}, dedicated {h_own:.3}");
    assert!(h_salted < 0.8 * h_plain, "salted {h_salted} vs {h_plain}");
    assert!(h_own < 0.8 * h_plain, "dedicated {h_own} vs {h_plain}");
    let gathers = |w: &[WindowStats]| w.iter().map(|w| w.counters.gather_reads).sum::<u64>();
    assert!(
        gathers(&salted) > 10_000,
        "gather reads {}",
        gathers(&salted)
    );
    assert_eq!(gathers(&plain), 0);
}

/// 재샤딩 (resharding): consistent hashing moves about 1/(k+1) of the keys where modulo moves
/// almost all, so its throttled migration is shorter and hurts no more: fewer keys moved, no
/// more failed requests, a p99 while migrating no higher.
#[test]
fn stage11_consistent_hash_resharding_moves_fewer_keys_and_hurts_less_than_modulo() {
    let summary = |d: &Design| {
        let (w, _) = run(d);
        let migrating: Vec<&WindowStats> =
            w.iter().filter(|w| w.counters.migration_ns > 0).collect();
        let moved: u64 = w.iter().map(|w| w.counters.keys_moved).sum();
        let migrated: u64 = w.iter().map(|w| w.counters.keys_migrated).sum();
        let failed: u64 = w.iter().map(|w| w.errors.total()).sum();
        let secs = w.iter().map(|w| w.counters.migration_ns).sum::<u64>() as f64 * 1e-9;
        let p99 = migrating
            .iter()
            .map(|w| w.latency.p99_ms)
            .fold(0.0, f64::max);
        (moved, migrated, failed, secs, p99)
    };
    let c = summary(&design(STAGE11, |_| {}));
    let m = summary(&design(STAGE11, |v| {
        set(
            v,
            "shards",
            "strategy",
            serde_json::json!({"kind": "modulo"}),
        )
    }));
    println!("consistent (moved, migrated, failed, s, p99) {c:?}; modulo {m:?}");
    assert!(c.0 * 3 < m.0, "keys moved {} vs {}", c.0, m.0);
    assert_eq!((c.1, m.1), (c.0, m.0), "both migrations finish in the run");
    assert!(c.2 <= m.2, "failed {} vs {}", c.2, m.2);
    assert!(c.3 < 0.6 * m.3, "migration {} s vs {} s", c.3, m.3);
    assert!(c.4 <= m.4, "p99 while migrating {} vs {}", c.4, m.4);
}

/// 메시지 큐 (message queue): the backlog grows during the burst and while the workers are
/// slowed, then drains to nothing within the run; no job is lost and the producers' p99 stays
/// flat. A dead broker refuses publishes (the learner's toggle).
#[test]
fn stage9_the_backlog_grows_and_drains_and_a_dead_broker_refuses_publishes() {
    let (w, _) = run(&design(STAGE9, |_| {}));
    let backlog: Vec<u64> = w.iter().map(|w| w.job_backlog).collect();
    println!("backlog by second {backlog:?}");
    let peak = *backlog.iter().max().unwrap_or(&0);
    assert!(peak > 500, "backlog peak {peak}");
    assert!(backlog[backlog.len() - 1] < 20, "drained: {backlog:?}");
    let published: u64 = w.iter().map(|w| w.counters.jobs_published).sum();
    let done: u64 = w.iter().map(|w| w.counters.jobs_done).sum();
    assert!(published - done < 20, "{published} published, {done} done");
    assert_eq!(w.iter().map(|w| w.errors.total()).sum::<u64>(), 0);
    let p99s: Vec<f64> = w[5..].iter().map(|w| w.latency.p99_ms).collect();
    let (lo, hi) = (
        p99s.iter().copied().fold(f64::MAX, f64::min),
        p99s.iter().copied().fold(0.0, f64::max),
    );
    println!("producer p99 per window {lo:.1}..{hi:.1} ms");
    assert!(hi < 1.5 * lo, "producers stay fast: p99 {lo}..{hi} ms");

    let (dead, _) = run(&design(STAGE9, |v| {
        v["faults"] = serde_json::json!([
            {"at_s": 20, "action": "kill", "node": "jobs"},
            {"at_s": 25, "action": "restore", "node": "jobs"}
        ]);
    }));
    let refused: u64 = dead.iter().map(|w| w.errors.node_down).sum();
    println!("publishes refused while the broker was dead: {refused}");
    assert!(refused > 500, "refused {refused}");
}

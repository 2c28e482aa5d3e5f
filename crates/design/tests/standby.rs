//! Replicated caches and session stores, and disaster-recovery standbys: the behaviour a user
//! would notice around the lessons (what a dead replica, a fail-back, write-back and the backup
//! interval change), and the diagnostics a bad setting gets. Fixed seeds, the extra designs.

use scalelab_design::lower::Problem;
use scalelab_design::{lower, Design};
use scalelab_engine::{Report, SimDuration, SimTime, Simulation, WindowStats};
use serde_json::{json, Value};

fn design(name: &str) -> Value {
    let path = format!("{}/../../designs/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("design file")).expect("JSON")
}

fn node<'a>(doc: &'a mut Value, id: &str) -> &'a mut Value {
    doc["nodes"]
        .as_array_mut()
        .and_then(|nodes| nodes.iter_mut().find(|n| n["id"] == id))
        .unwrap_or_else(|| panic!("no node {id}"))
}

/// Runs `doc` for `seconds` after a 5 s warm-up with seed 1.
fn run(doc: &Value, seconds: f64) -> (Report, Vec<WindowStats>) {
    let design = Design::from_json(&doc.to_string()).expect("parses");
    let warmup = SimDuration::from_secs(5);
    let model = lower(&design, warmup).expect("lowers").model;
    let mut sim = Simulation::new(&model, 1);
    sim.run_until(SimTime::ZERO + warmup + SimDuration::from_secs_f64(seconds));
    (sim.report(), sim.drain_windows())
}

fn hit_ratio_between(windows: &[WindowStats], from: f64, to: f64) -> f64 {
    let (h, m) = windows
        .iter()
        .filter(|w| w.start_s >= from && w.start_s < to)
        .fold((0, 0), |(h, m), w| {
            (h + w.counters.cache_hits, m + w.counters.cache_misses)
        });
    h as f64 / (h + m).max(1) as f64
}

fn without_cache_replica(doc: &mut Value) {
    node(doc, "cache")["replicas"] = json!(0);
}

#[test]
fn a_replica_down_when_its_primary_dies_is_not_promoted() {
    let mut doc = design("extra-replicated-cache.json");
    doc["faults"]
        .as_array_mut()
        .expect("faults")
        .push(json!({"at_s": 20, "action": "kill", "node": "cache/r1"}));
    let (report, windows) = run(&doc, 85.0);
    // Only the session store's replica is promoted; the cache's reads go to the database.
    assert_eq!(report.counters.replica_promotions, 1);
    let after = hit_ratio_between(&windows, 41.0, 60.0);
    assert!(after < 0.05, "hit ratio {after}");
}

#[test]
fn the_primary_restored_takes_its_replicas_contents_back() {
    let doc = design("extra-replicated-cache.json");
    let mut cold = doc.clone();
    without_cache_replica(&mut cold);
    let (_, warm) = run(&doc, 100.0);
    let (_, cold) = run(&cold, 100.0);
    let before = hit_ratio_between(&warm, 20.0, 30.0);
    // The primary comes back at 90 s: with the replica's contents, or empty.
    let (w, c) = (
        hit_ratio_between(&warm, 90.0, 91.0),
        hit_ratio_between(&cold, 90.0, 91.0),
    );
    println!("hit ratio after the restore: fail-back {w:.3}, empty {c:.3} (before {before:.3})");
    assert!(w >= 0.9 * before, "{w} vs {before}");
    assert!(c < w - 0.1, "an empty cache refills: {c} vs {w}");
}

#[test]
fn write_back_with_a_replica_loses_only_the_writes_within_its_lag() {
    let mut doc = design("extra-replicated-cache.json");
    node(&mut doc, "cache")["write_strategy"] = json!("write_back");
    // A flush every 25 s: the cache holds 5 s of buffered writes when it dies at 30 s.
    node(&mut doc, "cache")["flush_interval_s"] = json!(25);
    let mut alone = doc.clone();
    without_cache_replica(&mut alone);
    let (with, _) = run(&doc, 40.0);
    let (without, _) = run(&alone, 40.0);
    let (a, b) = (with.counters.lost_writes, without.counters.lost_writes);
    println!("write-back writes lost at the cache's death: replicated {a}, alone {b}");
    assert!(b >= 1_000, "{b}");
    assert!(a * 100 <= b, "{a} vs {b}");
}

#[test]
fn more_frequent_backups_lose_fewer_writes_in_a_cold_restore() {
    let mut hourly = design("extra-dr-standby.json");
    hourly["regions"][1]["standby"]["mode"] = json!("cold");
    let mut minutely = hourly.clone();
    minutely["regions"][1]["standby"]["backup_interval_s"] = json!(60);
    // The data centre fails 10 s after the minute's backup.
    for d in [&mut hourly, &mut minutely] {
        d["faults"][0]["at_s"] = json!(70);
    }
    let (h, _) = run(&hourly, 400.0);
    let (m, _) = run(&minutely, 400.0);
    let (h, m) = (h.counters.lost_writes, m.counters.lost_writes);
    println!("cold restore, writes lost: hourly backups {h}, every minute {m}");
    assert!(h >= 1_000 && m * 3 <= h, "{h} vs {m}");
}

/// The bug: a backup due at the instant the primary data centre failed copied the dead
/// primary's data, so the cold restore lost nothing.
#[test]
fn a_backup_due_as_the_primary_dies_copies_nothing() {
    let mut doc = design("extra-dr-standby.json");
    doc["regions"][1]["standby"]["mode"] = json!("cold");
    doc["regions"][1]["standby"]["backup_interval_s"] = json!(60);
    doc["faults"][0]["at_s"] = json!(120);
    let (r, _) = run(&doc, 450.0);
    // The restore starts from the backup at 60 s: a minute of writes (about 200 a second).
    let lost = r.counters.lost_writes;
    println!("failure at a backup's instant: {lost} writes lost");
    assert!(lost >= 5_000, "{lost}");
}

#[test]
fn a_standby_takes_no_traffic_until_its_primary_fails() {
    let doc = design("extra-dr-standby.json");
    let (_, windows) = run(&doc, 200.0);
    let served = |from: f64, to: f64| -> u64 {
        windows
            .iter()
            .filter(|w| w.start_s >= from && w.start_s < to)
            .flat_map(|w| w.nodes.iter())
            .filter(|n| n.id == 3)
            .map(|n| n.served)
            .sum()
    };
    // Node 3 is lb-dr; the primary data centre fails at 60 s.
    assert_eq!(served(0.0, 60.0), 0);
    assert!(served(150.0, 200.0) > 10_000);
}

/// Each bad setting is refused with its node (or region) and field named.
#[test]
fn bad_replica_and_standby_settings_are_refused_by_name() {
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit, &str, &str); 5] = [
        (
            "extra-replicated-cache.json",
            |d| node(d, "cache")["replicas"] = json!(2),
            "cache",
            "replicas",
        ),
        (
            "extra-replicated-cache.json",
            |d| node(d, "sessions")["failover_s"] = json!(-1),
            "sessions",
            "failover_s",
        ),
        (
            "extra-dr-standby.json",
            |d| d["regions"][1]["standby"]["restore_min"] = json!(-5),
            "dr",
            "standby.restore_min",
        ),
        (
            "extra-dr-standby.json",
            |d| d["regions"][1]["standby"]["for"] = json!("nowhere"),
            "dr",
            "standby.for",
        ),
        (
            "extra-dr-standby.json",
            |d| d["regions"][1]["standby"]["for"] = json!("dr"),
            "dr",
            "standby.for",
        ),
    ];
    for (file, edit, who, field) in cases {
        let mut doc = design(file);
        edit(&mut doc);
        let design = Design::from_json(&doc.to_string()).expect("parses");
        let diags = lower(&design, SimDuration::ZERO).expect_err("refused");
        assert!(
            diags
                .iter()
                .any(|d| d.node.as_deref() == Some(who) && d.field == Some(field)),
            "{file} {who}.{field}: {diags:?}"
        );
    }
    // A standby for itself says so, not that the region is unknown.
    let mut doc = design("extra-dr-standby.json");
    doc["regions"][1]["standby"]["for"] = json!("dr");
    let design = Design::from_json(&doc.to_string()).expect("parses");
    let diags = lower(&design, SimDuration::ZERO).expect_err("refused");
    assert!(
        matches!(diags[0].problem, Problem::BadStandby { .. }),
        "{diags:?}"
    );
}

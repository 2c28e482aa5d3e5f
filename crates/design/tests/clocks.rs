//! Simulated clocks stay exact at any age: a run that is months old behaves as a young one.

use scalelab_design::{lower, Design};
use scalelab_engine::{Report, SimDuration, SimTime, Simulation};
use serde_json::{json, Value};

const STAGE8: &str = include_str!("../../../designs/stage08-data-centres.json");

/// Stage 8 idle until a minute before `kill_at_s`, then at its rates; `lb-us` dies at
/// `kill_at_s` and the run ends two minutes later. The report covers the last three minutes.
fn kill_late(kill_at_s: f64) -> Report {
    let mut doc: Value = serde_json::from_str(STAGE8).expect("stage 8 is JSON");
    doc["window_s"] = json!(60.0);
    let busy_from = kill_at_s - 60.0;
    doc["faults"] = json!([
        { "at_s": 0, "action": "set_rate", "node": "users", "rps": 0 },
        { "at_s": 0, "action": "set_rate", "node": "users-eu", "rps": 0 },
        { "at_s": busy_from, "action": "set_rate", "node": "users", "rps": 1000 },
        { "at_s": busy_from, "action": "set_rate", "node": "users-eu", "rps": 1000 },
        { "at_s": kill_at_s, "action": "kill", "node": "lb-us" },
    ]);
    let design = Design::from_json(&doc.to_string()).expect("the design parses");
    let warmup = SimDuration::from_secs_f64(busy_from);
    let model = lower(&design, warmup).expect("the design lowers").model;
    let mut sim = Simulation::new(&model, 7);
    let end = SimTime::from_secs_f64(kill_at_s + 120.0);
    // Idle hours in steps, dropping the windows as they close, as the CLI does.
    let mut t = SimTime::ZERO;
    while t < end {
        t = (t + SimDuration::from_secs(100_000)).min(end);
        sim.run_until(t);
        sim.drain_windows();
    }
    sim.report()
}

fn failed(r: &Report) -> u64 {
    let e = &r.errors;
    e.timeout + e.rejected + e.no_route + e.node_down
}

/// The bug: a cached DNS answer's expiry was a u32 of milliseconds, which wraps after 49.7
/// days; past it every answer looked fresh forever, so a kill at 4.3e6 s failed every request
/// sent to the dead balancer (3 568) where the same kill at 1 000 s failed 26.
#[test]
fn dns_answers_expire_after_49_7_days_as_before() {
    let early = kill_late(1_000.0);
    let late = kill_late(4.3e6);
    assert!(early.generated > 100_000 && late.generated > 100_000);
    assert!(
        4 * failed(&late) <= 5 * failed(&early) + 50,
        "a kill at 4.3e6 s fails {} requests, at 1 000 s {}",
        failed(&late),
        failed(&early)
    );
    assert!(failed(&early) > 0, "the kill costs something");
}

/// Around 2^40 ns (18 min) and far beyond it (2^52 ns, 52 days; 2^53 ns, 104 days, near the faults' limit) the same
/// kill costs about the same: no clock in the engine narrows time to 32 bits.
#[test]
fn a_kill_costs_the_same_at_2_pow_40_ns_and_beyond() {
    let at = |ns: u64| kill_late((ns as f64 * 1e-9).round());
    let base = failed(&at(1 << 40));
    for ns in [(1u64 << 40) + (1 << 32), 1 << 52, 1 << 53] {
        let f = failed(&at(ns));
        assert!(
            4 * f <= 5 * base + 50 && 4 * base <= 5 * f + 50,
            "at {ns} ns a kill fails {f}, at 2^40 ns {base}"
        );
    }
}

//! "Find the limit": the sweep's limit against M/M/c theory, its curve, the node it names as
//! saturated first on the stage designs, and the rules it states (faults removed, users nodes
//! scaled in proportion, bounded work). Every run has a fixed seed.

use scalelab_design::budget::Limits;
use scalelab_design::sweep::{StopReason, MAX_SIMULATED_S, PRECISION};
use scalelab_design::{sweep, Design, NodeParams, Sweep, SweepOptions};
use scalelab_engine::analytic;
use serde_json::{json, Value};

fn stage(name: &str) -> Value {
    let path = format!("{}/../../designs/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("stage design")).expect("json")
}

fn design(v: Value) -> Design {
    Design::from_value(v).expect("a design")
}

fn options(p99_ms: Option<f64>, step_s: f64) -> SweepOptions {
    SweepOptions {
        target_p99_ms: p99_ms,
        step_s,
        seed: Some(7),
        ..SweepOptions::new(Limits::cli(0.0))
    }
}

/// Users straight to a server of `c` workers on as many vCPUs, exponential service of
/// `service_ms`, a queue and a timeout that never refuse: M/M/c.
fn mmc_design(c: u32, service_ms: f64, instance: &str) -> Design {
    design(json!({"version": 1, "nodes": [
        {"id": "users", "kind": "users", "users": 1000, "rate_rps": 100, "rtt_ms": 0,
         "timeout_ms": 600000},
        {"id": "server", "kind": "server", "workers": c, "queue_capacity": 1000000,
         "service_ms": service_ms, "instance": instance}],
        "edges": [{"from": "users", "to": "server"}]}))
}

/// The rate at which M/M/c theory's p99 equals `p99_s`, by bisection on the response tail.
fn theory_rate(c: u32, mu: f64, p99_s: f64) -> f64 {
    let p99 = |lambda: f64| {
        analytic::mmc(lambda, mu, c)
            .and_then(|t| t.response_quantile(0.99))
            .unwrap_or(f64::INFINITY)
    };
    let (mut lo, mut hi) = (0.0, f64::from(c) * mu);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if p99(mid) <= p99_s {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[test]
fn the_limit_of_an_mmc_server_is_where_theory_p99_meets_the_target() {
    // (c, mean service ms, instance with c vCPUs, p99 target ms)
    for (c, service_ms, instance, target_ms) in [
        (4, 10.0, "ec2_m5_xlarge", 60.0),
        (2, 20.0, "ec2_m5_large", 200.0),
    ] {
        let o = sweep(
            &mmc_design(c, service_ms, instance),
            &options(Some(target_ms), 2000.0),
        )
        .expect("sweep");
        let want = theory_rate(c, 1e3 / service_ms, target_ms / 1e3);
        let got = o.limit_rps.expect("a limit");
        assert_eq!(o.stop, Some(StopReason::LimitFound), "c={c}");
        assert!(
            o.failed_rps.expect("a failing rate") <= got * (1.0 + PRECISION),
            "c={c}: not bracketed within 1 %"
        );
        assert!(
            (got / want - 1.0).abs() <= 0.02,
            "c={c}: limit {got:.1} req/s vs theory {want:.1} req/s"
        );
    }
}

#[test]
fn the_p99_of_the_points_rises_with_the_rate() {
    let o = sweep(
        &mmc_design(4, 10.0, "ec2_m5_xlarge"),
        &options(Some(60.0), 120.0),
    )
    .expect("sweep");
    assert!(o.points.len() >= 5, "{} points", o.points.len());
    for w in o.points.windows(2) {
        assert!(w[0].rate_rps < w[1].rate_rps, "points by rising rate");
        // Where the p99 is the service time's own tail, neighbouring steps differ by noise.
        assert!(
            w[1].p99_ms >= 0.98 * w[0].p99_ms,
            "p99 fell from {} ms at {} req/s to {} ms at {} req/s",
            w[0].p99_ms,
            w[0].rate_rps,
            w[1].p99_ms,
            w[1].rate_rps
        );
    }
    let (first, last) = (&o.points[0], &o.points[o.points.len() - 1]);
    assert!(
        last.p99_ms > 1.5 * first.p99_ms,
        "{} vs {}",
        last.p99_ms,
        first.p99_ms
    );
    // The step that met the targets at the limit served what was offered.
    let at_limit = o
        .points
        .iter()
        .find(|p| Some(p.rate_rps) == o.limit_rps)
        .expect("the limit is a point");
    assert!(at_limit.meets && at_limit.keeps_up);
    assert!((at_limit.throughput_rps / at_limit.rate_rps - 1.0).abs() < 0.03);
}

#[test]
fn stage_1_saturates_its_server_first() {
    let o = sweep(
        &design(stage("stage01-single-server.json")),
        &options(None, 60.0),
    )
    .expect("sweep");
    assert_eq!(o.first_saturated.as_deref(), Some("server"));
    // Its scheduled kill and restore are left out, and its ramp made steady.
    assert_eq!((o.faults_removed, o.profiles_flattened), (2, 1));
    // 4 workers on 2 vCPUs at 20 ms.
    let limit = o.limit_rps.expect("a limit");
    // The CPUs serve 100 req/s; one seed's draws (the same at every step) put the limit within
    // a few per cent of it.
    assert!((85.0..106.0).contains(&limit), "limit {limit}");
}

#[test]
fn stage_2_with_a_slow_database_saturates_the_database_first() {
    let mut v = stage("stage02-web-and-data-tiers.json");
    for n in v["nodes"].as_array_mut().expect("nodes") {
        if n["id"] == "db" {
            n["read_ms"] = json!(5.0);
            n["write_ms"] = json!(10.0);
        }
    }
    let o = sweep(&design(v), &options(Some(200.0), 60.0)).expect("sweep");
    assert_eq!(o.first_saturated.as_deref(), Some("db"));
    // As shipped, the web server's CPUs give out first instead.
    let o = sweep(
        &design(stage("stage02-web-and-data-tiers.json")),
        &options(Some(200.0), 60.0),
    )
    .expect("sweep");
    assert_eq!(o.first_saturated.as_deref(), Some("web"));
}

#[test]
fn a_scheduled_fault_does_not_change_the_limit() {
    let with_kill = |at_s: f64| {
        let mut v = stage("stage01-single-server.json");
        v["faults"] = json!([{"at_s": at_s, "action": "kill", "node": "server"}]);
        sweep(&design(v), &options(None, 30.0)).expect("sweep")
    };
    let (early, never) = (with_kill(1.0), {
        let mut v = stage("stage01-single-server.json");
        v["faults"] = json!([]);
        sweep(&design(v), &options(None, 30.0)).expect("sweep")
    });
    assert_eq!(early.faults_removed, 1);
    assert_eq!(early.limit_rps, never.limit_rps);
    assert!(early.limit_rps.is_some());
}

#[test]
fn several_users_nodes_keep_their_ratio() {
    let d = design(json!({"version": 1, "nodes": [
        {"id": "a", "kind": "users", "users": 100, "rate_rps": 30, "rtt_ms": 10,
         "timeout_ms": 2000},
        {"id": "b", "kind": "users", "users": 100, "rate_rps": 10, "rtt_ms": 10,
         "timeout_ms": 2000},
        {"id": "server", "kind": "server", "workers": 4, "queue_capacity": 100,
         "service_ms": 10, "instance": "ec2_m5_xlarge"}],
        "edges": [{"from": "a", "to": "server"}, {"from": "b", "to": "server"}]}));
    let s = Sweep::new(&d, &options(None, 30.0)).expect("sweep");
    let rates: Vec<f64> = s
        .design_at(200.0)
        .nodes
        .iter()
        .filter_map(|n| match n.params {
            NodeParams::Users { rate_rps, .. } => Some(rate_rps),
            _ => None,
        })
        .collect();
    assert_eq!(rates, vec![150.0, 50.0]);
    let o = sweep(&d, &options(None, 30.0)).expect("sweep");
    assert_eq!(o.design_rate_rps, 40.0);
    // 4 workers of 10 ms: 400 req/s in all, whichever users send it.
    let limit = o.limit_rps.expect("a limit");
    assert!((340.0..400.0).contains(&limit), "limit {limit}");
}

#[test]
fn a_sweep_stops_at_its_bounds_and_says_so() {
    let d = design(stage("stage01-single-server.json"));
    // 60 s steps after 30 s warm-ups: two fit in 200 simulated seconds.
    let o = sweep(
        &d,
        &SweepOptions {
            max_simulated_s: 200.0,
            ..options(None, 60.0)
        },
    )
    .expect("sweep");
    assert_eq!(o.stop, Some(StopReason::MaxSimulatedSeconds));
    assert_eq!((o.points.len(), o.simulated_s), (2, 180.0));
    assert!(o.limit_rps.is_some() && o.failed_rps.is_none());
    let o = sweep(
        &d,
        &SweepOptions {
            max_steps: 3,
            ..options(None, 60.0)
        },
    )
    .expect("sweep");
    assert_eq!((o.stop, o.points.len()), (Some(StopReason::MaxSteps), 3));
    // Bounds above the sweep's own are refused.
    let over = SweepOptions {
        max_simulated_s: MAX_SIMULATED_S * 2.0,
        ..options(None, 60.0)
    };
    assert!(Sweep::new(&d, &over).is_err());
}

#[test]
fn a_target_no_rate_can_meet_gives_no_limit() {
    // The users' round trip alone is 40 ms: a 1 ms p99 cannot be met at any rate.
    let o = sweep(
        &design(stage("stage01-single-server.json")),
        &options(Some(1.0), 10.0),
    )
    .expect("sweep");
    assert_eq!(o.stop, Some(StopReason::NoRateMeets));
    assert_eq!(o.limit_rps, None);
    assert!(o.points.iter().all(|p| !p.meets));
}

#[test]
fn bad_options_and_designs_without_traffic_are_refused() {
    let d = design(stage("stage01-single-server.json"));
    for o in [
        SweepOptions {
            target_p99_ms: Some(0.0),
            ..options(None, 60.0)
        },
        SweepOptions {
            target_p99_ms: Some(f64::NAN),
            ..options(None, 60.0)
        },
        SweepOptions {
            target_error_rate: 1.5,
            ..options(None, 60.0)
        },
        options(None, 0.5),
        options(None, f64::INFINITY),
    ] {
        assert!(Sweep::new(&d, &o).is_err(), "{o:?}");
    }
    let mut v = stage("stage01-single-server.json");
    v["nodes"][0]["rate_rps"] = json!(0);
    assert!(Sweep::new(&design(v), &options(None, 60.0)).is_err());
}

#[test]
fn a_sweep_replays_exactly() {
    let run = || {
        sweep(
            &design(stage("stage02-web-and-data-tiers.json")),
            &options(Some(150.0), 20.0),
        )
        .expect("sweep")
    };
    assert_eq!(run(), run());
}

#[test]
fn a_sweep_run_a_step_at_a_time_ends_as_one_run_whole() {
    let d = design(stage("stage01-single-server.json"));
    let o = options(Some(400.0), 20.0);
    let mut s = Sweep::new(&d, &o).expect("sweep");
    let mut steps = 0;
    while !s.is_done() {
        assert_eq!(s.outcome().stop, None, "still running");
        s.step().expect("a step");
        steps += 1;
        assert!(s.points().len() <= steps);
    }
    assert!(!s.step().expect("done"), "a finished sweep runs nothing");
    assert_eq!(s.outcome(), sweep(&d, &o).expect("whole"));
}

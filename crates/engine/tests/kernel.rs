//! Kernel behaviour a user would notice: M/M/1 agrees with theory, runs replay exactly, requests
//! are conserved under faults, and overload turns into tail latency and then errors.

use scalelab_engine::dist::Dist;
use scalelab_engine::model::{DnsSpec, ServerSpec, UsersSpec};
use scalelab_engine::{Command, Model, NodeKind, NodeSpec, SimDuration, SimTime, Simulation};

/// Users → server with exponential service: an M/M/c queue when the queue is unbounded, the
/// network free and the timeout out of reach.
fn queue_model(
    rate_rps: f64,
    mean_service_s: f64,
    workers: u32,
    queue_capacity: u32,
    timeout_s: f64,
) -> Model {
    Model {
        nodes: vec![
            NodeSpec::new(
                "users",
                NodeKind::Users(UsersSpec {
                    users: 1,
                    rate_rps,
                    entry: 1,
                    rtt: SimDuration::ZERO,
                    timeout: SimDuration::from_secs_f64(timeout_s),
                    ..UsersSpec::default()
                }),
            ),
            NodeSpec::new(
                "server",
                NodeKind::Server(ServerSpec {
                    workers,
                    queue_capacity,
                    service: Dist::Exponential {
                        mean_s: mean_service_s,
                    },
                    cost_per_hour_usd: 0.096,
                    ..ServerSpec::default()
                }),
            ),
        ],
        window: SimDuration::from_secs(1),
        warmup: SimDuration::from_secs(50),
        ..Model::default()
    }
}

#[test]
fn mm1_mean_and_p99_match_theory() {
    // (λ, μ): E[T] = 1/(μ−λ), p99 = ln(100)/(μ−λ).
    for (lambda, mu) in [(50.0, 100.0), (90.0, 100.0)] {
        let model = queue_model(lambda, 1.0 / mu, 1, u32::MAX, 1e6);
        let mut sim = Simulation::new(&model, 2);
        sim.run_until(SimTime::from_secs_f64(50.0 + 5_000_000.0 / lambda));
        let report = sim.report();
        let mean = 1.0 / (mu - lambda) * 1e3;
        let p99 = libm::log(100.0) / (mu - lambda) * 1e3;
        assert!(report.completed > 4_900_000, "{}", report.completed);
        assert!(
            (report.latency.mean_ms / mean - 1.0).abs() < 0.02,
            "λ={lambda}: mean {} vs {mean}",
            report.latency.mean_ms
        );
        assert!(
            (report.latency.p99_ms / p99 - 1.0).abs() < 0.03,
            "λ={lambda}: p99 {} vs {p99}",
            report.latency.p99_ms
        );
        let util = report.nodes[0].utilization;
        assert_eq!(report.nodes[0].key, "server");
        assert!((util - lambda / mu).abs() < 0.01, "utilisation {util}");
    }
}

#[test]
fn same_seed_same_report_and_other_seed_differs() {
    let model = queue_model(80.0, 0.01, 1, 50, 2.0);
    let run = |seed| {
        let mut sim = Simulation::new(&model, seed);
        sim.run_until(SimTime::from_secs_f64(200.0));
        sim.report()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7).latency, run(8).latency);
}

#[test]
fn requests_are_conserved_through_kill_restore_and_overload() {
    let model = queue_model(150.0, 0.01, 1, 100, 0.5);
    let mut sim = Simulation::new(&model, 2);
    let steps: [(f64, Option<Command>); 5] = [
        (10.0, Some(Command::Kill { node: 1 })),
        (12.0, Some(Command::Restore { node: 1 })),
        (20.0, Some(Command::SetRate { node: 0, rps: 50.0 })),
        (
            30.0,
            Some(Command::Slow {
                node: 1,
                factor: 3.0,
            }),
        ),
        (40.0, None),
    ];
    for (at, command) in steps {
        sim.run_until(SimTime::from_secs_f64(at));
        let c = sim.conservation();
        assert_eq!(
            c.generated,
            c.completed + c.failed + c.in_flight,
            "at {at}s: {c:?}"
        );
        if let Some(command) = command {
            sim.apply(command);
        }
    }
    let windows = sim.drain_windows();
    assert_eq!(windows.len(), 40);
    // While the server was down, every request failed as node-down.
    let down = &windows[10];
    assert_eq!(down.completed, 0);
    assert!(down.errors.node_down > 100, "{down:?}");
}

#[test]
fn overload_drives_p99_up_then_errors_and_recovers() {
    let model = queue_model(50.0, 0.01, 1, 200, 1.0);
    let mut sim = Simulation::new(&model, 2);
    sim.run_until(SimTime::from_secs_f64(20.0));
    sim.apply(Command::SetRate { node: 0, rps: 95.0 });
    sim.run_until(SimTime::from_secs_f64(60.0));
    sim.apply(Command::SetRate {
        node: 0,
        rps: 300.0,
    });
    sim.run_until(SimTime::from_secs_f64(80.0));
    sim.apply(Command::SetRate { node: 0, rps: 50.0 });
    sim.run_until(SimTime::from_secs_f64(120.0));
    let w = sim.drain_windows();
    let p99 = |range: std::ops::Range<usize>| {
        w[range].iter().map(|w| w.latency.p99_ms).sum::<f64>() / 10.0
    };
    let errors =
        |range: std::ops::Range<usize>| w[range].iter().map(|w| w.errors.total()).sum::<u64>();
    let calm = p99(10..20);
    let busy = p99(50..60);
    assert!(busy > 3.0 * calm, "p99 calm {calm} busy {busy}");
    assert_eq!(errors(10..20), 0);
    assert!(errors(65..80) > 1000, "overload must fail requests");
    assert_eq!(errors(105..120), 0, "lowering the rate must recover");
    assert!(p99(110..120) < 2.0 * calm);
}

#[test]
fn dns_lookups_only_when_the_cached_answer_expires() {
    let mut model = queue_model(100.0, 0.001, 4, 100, 5.0);
    model.nodes.push(NodeSpec::new(
        "dns",
        NodeKind::Dns(DnsSpec {
            lookup: SimDuration::from_millis(50),
            ttl: SimDuration::from_secs(60),
            target: 1,
            targets: vec![],
        }),
    ));
    if let NodeKind::Users(users) = &mut model.nodes[0].kind {
        users.entry = 2;
        users.users = 10;
    }
    let mut sim = Simulation::new(&model, 2);
    sim.run_until(SimTime::from_secs_f64(30.0));
    let w = sim.drain_windows();
    // Ten users: the first second pays lookups, later windows almost never do.
    assert!(w[0].latency.max_ms >= 50.0);
    assert!(w[20].latency.max_ms < 50.0, "{:?}", w[20].latency);
}

//! The edge of a design: an API gateway's token buckets and routes by path, and a WAF's
//! verdicts at its stated rates; every request is accounted for when either dies.

use scalelab_engine::dist::Dist;
use scalelab_engine::model::{
    GatewaySpec, PathShare, RateLimit, RateLimitKind, ServerSpec, UsersSpec, WafSpec,
};
use scalelab_engine::{Command, Model, NodeKind, NodeSpec, SimDuration, SimTime, Simulation};

fn server(key: &str) -> NodeSpec {
    NodeSpec::new(
        key,
        NodeKind::Server(ServerSpec {
            workers: 64,
            queue_capacity: 1_000,
            service: Dist::Exponential { mean_s: 0.001 },
            ..ServerSpec::default()
        }),
    )
}

/// users (0) → gateway (1) → "a" (2) for path 1, "b" (3) for path 2 and the default.
fn gateway(users: UsersSpec, limit: RateLimit) -> Model {
    Model {
        nodes: vec![
            NodeSpec::new("users", NodeKind::Users(UsersSpec { entry: 1, ..users })),
            NodeSpec::new(
                "gateway",
                NodeKind::ApiGateway(GatewaySpec {
                    routes: vec![(1, 2), (2, 3)],
                    default: Some(3),
                    rate_limit: limit,
                    ..GatewaySpec::default()
                }),
            ),
            server("a"),
            server("b"),
        ],
        window: SimDuration::from_secs(1),
        ..Model::default()
    }
}

fn run(model: &Model, secs: u64) -> Simulation {
    let mut sim = Simulation::new(model, 3);
    sim.run_until(SimTime::ZERO + SimDuration::from_secs(secs));
    sim
}

fn served(sim: &Simulation, key: &str) -> u64 {
    let r = sim.report();
    r.nodes.iter().find(|n| n.key == key).expect(key).served
}

/// Each of 4 users asks 100 times a second; a bucket of 5 refilled at 10 a second lets through
/// its burst and then its rate, no more and hardly less, and refuses the rest as rate limited.
#[test]
fn a_per_user_bucket_passes_its_burst_and_rate_and_refuses_the_rest() {
    let users = UsersSpec {
        users: 4,
        rate_rps: 400.0,
        ..UsersSpec::default()
    };
    let limit = RateLimit {
        kind: RateLimitKind::PerUser,
        rate_rps: 10.0,
        burst: 5.0,
    };
    let sim = run(&gateway(users, limit), 20);
    let r = sim.report();
    let passed = served(&sim, "b");
    let most = 4 * (5 + 10 * 20);
    assert!(passed <= most && passed + 8 >= most, "passed {passed}");
    assert_eq!(r.errors.rate_limited, r.counters.rate_limited);
    assert_eq!(r.errors.rate_limited + passed, r.generated - r.in_flight);
}

/// One global bucket: all users together pass its rate.
#[test]
fn a_global_bucket_passes_its_rate_for_everyone_together() {
    let users = UsersSpec {
        users: 1_000,
        rate_rps: 400.0,
        ..UsersSpec::default()
    };
    let limit = RateLimit {
        kind: RateLimitKind::Global,
        rate_rps: 100.0,
        burst: 10.0,
    };
    let sim = run(&gateway(users.clone(), limit), 20);
    let passed = served(&sim, "b");
    assert!(
        passed <= 10 + 100 * 20 && passed + 2 >= 10 + 100 * 20,
        "{passed}"
    );
    // The same users one bucket each (0.4 req/s against 100) are never refused.
    let per_user = RateLimit {
        kind: RateLimitKind::PerUser,
        ..limit
    };
    assert_eq!(
        run(&gateway(users, per_user), 20)
            .report()
            .errors
            .rate_limited,
        0
    );
}

/// Requests are routed by their path in their users' shares; no path takes the default route.
#[test]
fn paths_are_routed_in_their_shares() {
    let users = UsersSpec {
        users: 100,
        rate_rps: 1_000.0,
        paths: vec![
            PathShare {
                path: 1,
                cumulative: 0.7,
            },
            PathShare {
                path: 2,
                cumulative: 1.0,
            },
        ],
        ..UsersSpec::default()
    };
    let sim = run(&gateway(users.clone(), RateLimit::default()), 20);
    let (a, b) = (served(&sim, "a") as f64, served(&sim, "b") as f64);
    assert!((a / (a + b) - 0.7).abs() < 0.02, "{a} {b}");
    let plain = UsersSpec {
        paths: Vec::new(),
        ..users
    };
    let sim = run(&gateway(plain, RateLimit::default()), 5);
    assert_eq!(served(&sim, "a"), 0);
    assert!(served(&sim, "b") > 4_000);
}

/// users (0) → WAF (1) → web (2).
fn waf(attack_share: f64, detection: f64, false_positive: f64) -> Model {
    Model {
        nodes: vec![
            NodeSpec::new(
                "users",
                NodeKind::Users(UsersSpec {
                    users: 100,
                    rate_rps: 2_000.0,
                    entry: 1,
                    attack_share,
                    attack_cost: 4.0,
                    ..UsersSpec::default()
                }),
            ),
            NodeSpec::new(
                "waf",
                NodeKind::Waf(WafSpec {
                    target: 2,
                    detection,
                    false_positive,
                    ..WafSpec::default()
                }),
            ),
            server("web"),
        ],
        window: SimDuration::from_secs(1),
        ..Model::default()
    }
}

/// The WAF blocks attacks at its detection rate and legitimate requests at its false-positive
/// rate; each blocked request fails as blocked and the rest reach the web server.
#[test]
fn the_waf_blocks_at_its_stated_rates() {
    let sim = run(&waf(0.3, 0.9, 0.05), 20);
    let r = sim.report();
    let c = r.counters;
    let attacks = (c.attacks_blocked + c.attacks_passed) as f64;
    let legit = (c.waf_inspected as f64) - attacks;
    assert!(
        (attacks / c.waf_inspected as f64 - 0.3).abs() < 0.01,
        "{c:?}"
    );
    assert!(
        (c.attacks_blocked as f64 / attacks - 0.9).abs() < 0.01,
        "{c:?}"
    );
    assert!(
        (c.legit_blocked as f64 / legit - 0.05).abs() < 0.01,
        "{c:?}"
    );
    assert_eq!(r.errors.blocked, c.attacks_blocked + c.legit_blocked);
    assert!(r.bill.waf_requests > 0.0 && r.bill.instances > 0.0);
}

/// An attack costs the web server `attack_cost` times its service time: 30 % attacks at 4×
/// take its CPU time from 1 to 1.9 times that of clean traffic.
#[test]
fn attacks_that_pass_cost_the_web_server_their_attack_cost() {
    let cpu = |m: &Model| {
        let r = run(m, 30).report();
        r.nodes
            .iter()
            .find(|n| n.key == "web")
            .expect("web")
            .cpu_utilization
    };
    let (clean, attacked) = (cpu(&waf(0.0, 0.0, 0.0)), cpu(&waf(0.3, 0.0, 0.0)));
    assert!((attacked / clean - 1.9).abs() < 0.08, "{clean} {attacked}");
}

/// Killing the gateway or the WAF mid-run fails what they hold and what they forwarded, and
/// every request is still accounted for.
#[test]
fn requests_are_conserved_when_the_gateway_or_the_waf_dies() {
    let users = UsersSpec {
        users: 50,
        rate_rps: 500.0,
        ..UsersSpec::default()
    };
    let limit = RateLimit {
        kind: RateLimitKind::PerUser,
        rate_rps: 8.0,
        burst: 4.0,
    };
    for model in [gateway(users, limit), waf(0.3, 0.9, 0.01)] {
        let mut sim = Simulation::new(&model, 5);
        sim.run_until(SimTime::from_secs_f64(3.0));
        sim.apply(Command::Kill { node: 1 });
        sim.run_until(SimTime::from_secs_f64(5.0));
        sim.apply(Command::Restore { node: 1 });
        sim.run_until(SimTime::from_secs_f64(8.0));
        let c = sim.conservation();
        assert_eq!(c.generated, c.completed + c.failed + c.in_flight);
        assert!(sim.report().errors.node_down > 500);
    }
}

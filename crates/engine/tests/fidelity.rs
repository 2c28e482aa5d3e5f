//! The fidelity suite: every result of the brief's fidelity table reproduced through the real
//! engine (users → nodes → metrics), compared with the formulas in `analytic`, with fixed seeds.

use scalelab_engine::analytic;
use scalelab_engine::dist::Dist;
use scalelab_engine::hashing::ShardingStrategy;
use scalelab_engine::model::{
    CacheSpec, DbSpec, Eviction, LbPolicy, LbSpec, ServerSpec, ShardRouterSpec, UsersSpec,
};
use scalelab_engine::{Command, Model, NodeKind, NodeSpec, SimDuration, SimTime, Simulation};

fn users(rate_rps: f64, entry: u32, keys: u32, alpha: f64) -> NodeSpec {
    NodeSpec::new(
        "users",
        NodeKind::Users(UsersSpec {
            users: 1,
            rate_rps,
            entry,
            timeout: SimDuration::from_secs(1_000_000),
            keys,
            zipf_alpha: alpha,
            ..UsersSpec::default()
        }),
    )
}

fn model(nodes: Vec<NodeSpec>, warmup_s: u64) -> Model {
    Model {
        nodes,
        window: SimDuration::from_secs(10),
        warmup: SimDuration::from_secs(warmup_s),
        ..Model::default()
    }
}

fn run(model: &Model, seed: u64, until_s: f64) -> scalelab_engine::Report {
    let mut sim = Simulation::new(model, seed);
    sim.run_until(SimTime::from_secs_f64(until_s));
    sim.report()
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got / want - 1.0).abs() <= rel,
        "{what}: simulated {got} vs theory {want} (tolerance {rel})"
    );
}

#[test]
fn mmc_matches_erlang_c() {
    // (c, μ, λ): the brief's two M/M/c rows and one more point.
    for (c, mu, lambda) in [(4, 100.0, 200.0), (4, 100.0, 360.0), (2, 50.0, 80.0)] {
        let server = NodeSpec::new(
            "server",
            NodeKind::Server(ServerSpec {
                workers: c,
                service: Dist::Exponential { mean_s: 1.0 / mu },
                ..ServerSpec::default()
            }),
        );
        let m = model(vec![users(lambda, 1, 1, 0.0), server], 20);
        let r = run(&m, 3, 20.0 + 1_200_000.0 / lambda);
        let theory = analytic::mmc(lambda, mu, c).expect("stable");
        assert!(r.completed > 1_000_000);
        close("mean", r.latency.mean_ms, theory.mean_response * 1e3, 0.02);
        let p99 = theory.response_quantile(0.99).expect("quantile") * 1e3;
        close("p99", r.latency.p99_ms, p99, 0.03);
        // The server's own p99 (its badge) is the same M/M/c sojourn time, read from its
        // compact histogram (buckets within ±3 %).
        let node = r.nodes[0].latency.expect("the server answered");
        close("server p99", node.p99_ms, p99, 0.06);
        close(
            "server p50",
            node.p50_ms,
            theory.response_quantile(0.5).expect("quantile") * 1e3,
            0.06,
        );
        close(
            "utilisation",
            r.nodes[0].utilization,
            lambda / mu / c as f64,
            0.02,
        );
    }
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    for (lambda, service_s) in [(90.0, 0.01), (60.0, 0.01)] {
        let server = NodeSpec::new(
            "server",
            NodeKind::Server(ServerSpec {
                workers: 1,
                service: Dist::Constant { mean_s: service_s },
                ..ServerSpec::default()
            }),
        );
        let m = model(vec![users(lambda, 1, 1, 0.0), server], 20);
        let r = run(&m, 5, 20.0 + 1_100_000.0 / lambda);
        let theory = analytic::mg1(lambda, service_s, 0.0).expect("stable");
        close(
            "M/D/1 mean",
            r.latency.mean_ms,
            theory.mean_response * 1e3,
            0.02,
        );
    }
}

/// users → server → cache → database, with Zipf keys: the cache's hit ratio against Che.
fn cache_model(
    eviction: Eviction,
    keys: u32,
    alpha: f64,
    capacity: u32,
    ttl_s: f64,
    reset: bool,
    rate: f64,
) -> Model {
    let fast = Dist::Constant { mean_s: 1e-6 };
    model(
        vec![
            users(rate, 1, keys, alpha),
            NodeSpec::new(
                "web",
                NodeKind::Server(ServerSpec {
                    workers: 100_000,
                    service: fast,
                    data: Some(2),
                    ..ServerSpec::default()
                }),
            ),
            NodeSpec::new(
                "cache",
                NodeKind::Cache(CacheSpec {
                    capacity,
                    eviction,
                    ttl: SimDuration::from_secs_f64(ttl_s),
                    ttl_reset: reset,
                    workers: 100_000,
                    service: fast,
                    backend: Some(3),
                    ..CacheSpec::default()
                }),
            ),
            NodeSpec::new(
                "db",
                NodeKind::Database(DbSpec {
                    workers: 100_000,
                    read_service: fast,
                    write_service: fast,
                    reads_on_primary: true,
                    ..DbSpec::default()
                }),
            ),
        ],
        10,
    )
}

#[test]
fn cache_hit_ratios_match_che_fifo_and_lfu() {
    for (n, alpha, c) in [(10_000u32, 0.8, 100u32), (10_000, 1.0, 1_000)] {
        let probs = analytic::zipf_pmf(n as usize, alpha).expect("pmf");
        let cases = [
            (
                Eviction::Lru,
                analytic::che_lru_hit_ratio(&probs, c as usize),
            ),
            (Eviction::Fifo, analytic::fifo_hit_ratio(&probs, c as usize)),
            (Eviction::Lfu, analytic::lfu_hit_ratio(&probs, c as usize)),
        ];
        for (eviction, theory) in cases {
            let theory = theory.expect("theory");
            let m = cache_model(eviction, n, alpha, c, 0.0, false, 10_000.0);
            let r = run(&m, 7, 10.0 + 100.0);
            let hit = r.cache_hit_ratio.expect("lookups happened");
            assert!(
                (hit - theory).abs() < 0.01,
                "{eviction:?} N={n} α={alpha} C={c}: simulated {hit} vs theory {theory}"
            );
        }
    }
}

#[test]
fn ttl_hit_ratios_match_non_reset_and_reset() {
    for (rate, ttl, reset) in [
        (1.0, 1.0, false),
        (1.0, 1.0, true),
        (2.0, 0.5, false),
        (0.5, 3.0, true),
    ] {
        let m = cache_model(Eviction::Lru, 1, 0.0, 10, ttl, reset, rate);
        let r = run(&m, 11, 10.0 + 200_000.0 / rate);
        let hit = r.cache_hit_ratio.expect("lookups");
        let theory = if reset {
            analytic::ttl_hit_reset(rate, ttl)
        } else {
            analytic::ttl_hit_non_reset(rate, ttl)
        }
        .expect("theory");
        assert!(
            (hit - theory).abs() < 0.01,
            "r={rate} T={ttl} reset={reset}: {hit} vs {theory}"
        );
    }
}

#[test]
fn resharding_moves_the_fraction_theory_predicts() {
    let keys = 20_000u32;
    for (strategy, k, want, tol) in [
        (
            ShardingStrategy::Modulo,
            16u32,
            analytic::modulo_moved_fraction(16),
            0.01,
        ),
        (
            ShardingStrategy::ConsistentHash { vnodes: 100 },
            16,
            analytic::consistent_moved_fraction(16),
            0.02,
        ),
        (
            ShardingStrategy::JumpHash,
            8,
            analytic::consistent_moved_fraction(8),
            0.01,
        ),
    ] {
        let mut nodes = vec![
            users(100.0, 1, keys, 0.0),
            NodeSpec::new(
                "web",
                NodeKind::Server(ServerSpec {
                    workers: 1000,
                    service: Dist::Constant { mean_s: 0.001 },
                    data: Some(2),
                    ..ServerSpec::default()
                }),
            ),
            NodeSpec::new(
                "shards",
                NodeKind::ShardRouter(ShardRouterSpec {
                    strategy,
                    active: k,
                    shards: (3..3 + k + 1).collect(),
                    key_space: keys,
                    migration_rps: 100_000.0,
                    ..ShardRouterSpec::default()
                }),
            ),
        ];
        for s in 0..=k {
            nodes.push(NodeSpec::new(
                format!("s{s}"),
                NodeKind::Database(DbSpec {
                    reads_on_primary: true,
                    ..DbSpec::default()
                }),
            ));
        }
        let mut m = model(nodes, 0);
        m.schedule
            .push((SimTime::from_secs_f64(5.0), Command::Reshard { node: 2 }));
        let r = run(&m, 1, 20.0);
        let moved = r.counters.keys_moved as f64 / keys as f64;
        assert!(
            (moved - want).abs() < tol,
            "{strategy:?}: moved {moved} vs {want}"
        );
        assert_eq!(
            r.counters.keys_migrated, r.counters.keys_moved,
            "migration finished"
        );
    }
}

/// N servers, each M/M/1 with μ = 100/s, behind a balancer at per-server load λ.
fn lb_model(policy: LbPolicy, servers: u32, rho: f64) -> Model {
    let mu = 100.0;
    let mut nodes = vec![
        users(rho * mu * servers as f64, 1, 1, 0.0),
        NodeSpec::new(
            "lb",
            NodeKind::LoadBalancer(LbSpec {
                policy,
                targets: (2..2 + servers).collect(),
                ..LbSpec::default()
            }),
        ),
    ];
    for s in 0..servers {
        nodes.push(NodeSpec::new(
            format!("web{s}"),
            NodeKind::Server(ServerSpec {
                workers: 1,
                service: Dist::Exponential { mean_s: 1.0 / mu },
                ..ServerSpec::default()
            }),
        ));
    }
    model(nodes, 10)
}

#[test]
fn balancer_policies_match_random_and_power_of_two_theory() {
    let (servers, rho) = (100u32, 0.9);
    let rate = rho * 100.0 * servers as f64;
    let until = 10.0 + 1_500_000.0 / rate;
    let random = run(&lb_model(LbPolicy::Random, servers, rho), 2, until);
    let want = analytic::random_lb_mean_response(rho, 1.0).expect("stable") * 10.0;
    close("random", random.latency.mean_ms, want, 0.03);
    let p2c = run(&lb_model(LbPolicy::PowerOfTwo, servers, rho), 2, until);
    let want = analytic::power_of_d_mean_response(rho, 2).expect("stable") * 10.0;
    close("power of two", p2c.latency.mean_ms, want, 0.05);
    // Round robin sits between random and join-shortest-queue (E[T] → 1/μ = 10 ms).
    let rr = run(&lb_model(LbPolicy::RoundRobin, servers, rho), 2, until);
    assert!(rr.latency.mean_ms < random.latency.mean_ms && rr.latency.mean_ms > 10.0);
}

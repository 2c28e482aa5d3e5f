//! Cores and workers: a web server's service time is CPU time on its vCPUs, while a worker is
//! held for the request's whole life; CPU utilisation and worker occupancy are measured apart,
//! and an autoscaling rule acts on the one it names. Fixed seeds, closed-form checks.

use scalelab_engine::analytic;
use scalelab_engine::dist::Dist;
use scalelab_engine::model::{AutoscaleMetric, AutoscaleSpec, DbSpec, ServerSpec, UsersSpec};
use scalelab_engine::{Model, NodeKind, NodeSpec, Report, SimDuration, SimTime, Simulation};

fn users(rate_rps: f64, timeout_s: u64) -> NodeSpec {
    NodeSpec::new(
        "users",
        NodeKind::Users(UsersSpec {
            rate_rps,
            entry: 1,
            timeout: SimDuration::from_secs(timeout_s),
            ..UsersSpec::default()
        }),
    )
}

fn run(nodes: Vec<NodeSpec>, seed: u64, warmup_s: u64, until_s: f64) -> Report {
    let model = Model {
        nodes,
        window: SimDuration::from_secs(10),
        warmup: SimDuration::from_secs(warmup_s),
        ..Model::default()
    };
    let mut sim = Simulation::new(&model, seed);
    sim.run_until(SimTime::from_secs_f64(until_s));
    sim.report()
}

/// A server of `cores` vCPUs and `workers` threads, exponential CPU time, calling `data` if any.
fn server(cores: u32, workers: u32, service_ms: f64, data: Option<u32>) -> NodeSpec {
    NodeSpec::new(
        "web",
        NodeKind::Server(ServerSpec {
            workers,
            cores,
            queue_capacity: 100,
            service: Dist::Exponential {
                mean_s: service_ms / 1e3,
            },
            data,
            ..ServerSpec::default()
        }),
    )
}

/// A database that only makes callers wait: constant reads, as many cores as it needs.
fn slow_db(read_ms: f64) -> NodeSpec {
    NodeSpec::new(
        "db",
        NodeKind::Database(DbSpec {
            workers: 10_000,
            read_service: Dist::Constant {
                mean_s: read_ms / 1e3,
            },
            reads_on_primary: true,
            ..DbSpec::default()
        }),
    )
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got / want - 1.0).abs() <= rel,
        "{what}: simulated {got} vs expected {want} (tolerance {rel})"
    );
}

/// 수직적 규모 확장 (scale up): a CPU-bound server with c cores behaves as M/M/c with c servers,
/// however many more workers it has: twice the cores carry twice the load at the same
/// utilisation, and the 4-core server serves a load the 2-core one cannot.
#[test]
fn a_cpu_bound_server_with_c_cores_matches_erlang_c_whatever_its_workers() {
    for (cores, lambda) in [(2, 160.0), (4, 320.0)] {
        let mu = 100.0;
        let nodes = vec![
            users(lambda, 1_000_000),
            NodeSpec::new(
                "web",
                NodeKind::Server(ServerSpec {
                    workers: 1_000,
                    cores,
                    service: Dist::Exponential { mean_s: 1.0 / mu },
                    ..ServerSpec::default()
                }),
            ),
        ];
        let r = run(nodes, 11, 20, 20.0 + 400_000.0 / lambda);
        let theory = analytic::mmc(lambda, mu, cores).expect("stable");
        assert!(r.completed > 390_000);
        close(
            "mean response",
            r.latency.mean_ms,
            theory.mean_response * 1e3,
            0.03,
        );
        let p99 = theory.response_quantile(0.99).expect("quantile") * 1e3;
        close("p99", r.latency.p99_ms, p99, 0.04);
        close(
            "cpu",
            r.nodes[0].cpu_utilization,
            lambda / mu / f64::from(cores),
            0.02,
        );
    }
    // The 2-core server offered the 4-core server's load saturates and fails requests.
    let nodes = vec![users(320.0, 2), server(2, 1_000, 10.0, None)];
    let r = run(nodes, 11, 5, 65.0);
    let failed = r.errors.timeout + r.errors.rejected;
    assert!(
        failed > r.generated / 5,
        "2 cores at 160 % load: {failed} failed of {}",
        r.generated
    );
}

/// Threads beyond the cores add nothing to a CPU-bound server: 2 workers and 64 workers on
/// 2 cores give the same latencies (every extra thread only waits for a core).
#[test]
fn workers_beyond_cores_add_nothing_when_cpu_bound() {
    let mut means = Vec::new();
    for workers in [2, 64] {
        let mut s = server(2, workers, 10.0, None);
        if let NodeKind::Server(spec) = &mut s.kind {
            spec.queue_capacity = u32::MAX;
        }
        let r = run(vec![users(170.0, 1_000_000), s], 5, 10, 610.0);
        means.push((
            r.latency.mean_ms,
            r.latency.p99_ms,
            r.nodes[0].cpu_utilization,
        ));
    }
    let (few, many) = (means[0], means[1]);
    close("mean with 64 workers", many.0, few.0, 0.01);
    close("p99 with 64 workers", many.1, few.1, 0.01);
    close("cpu with 64 workers", many.2, few.2, 0.01);
}

/// Threads do help when requests wait downstream: 2 cores, 1 ms of CPU and a 50 ms database
/// read per request at 200 req/s need about 10 threads; 8 are not enough, 32 are.
#[test]
fn workers_help_when_requests_wait_downstream() {
    let mut failed = Vec::new();
    for workers in [8, 32] {
        let nodes = vec![
            users(200.0, 2),
            server(2, workers, 1.0, Some(2)),
            slow_db(50.0),
        ];
        let r = run(nodes, 9, 5, 125.0);
        failed.push((r.errors.rejected + r.errors.timeout, r.generated));
    }
    assert!(
        failed[0].0 > failed[0].1 / 20,
        "8 threads: {:?} should fail requests",
        failed[0]
    );
    assert_eq!(failed[1].0, 0, "32 threads fail nothing");
}

/// CPU utilisation counts time computing over the cores; worker occupancy counts time a
/// worker is held, the wait on the database included: λ·S/cores and λ·(S + W)/workers.
#[test]
fn cpu_utilisation_and_worker_occupancy_differ_by_the_wait_downstream() {
    let (lambda, s_ms, w_ms) = (200.0, 1.0, 30.0);
    let nodes = vec![
        users(lambda, 1_000),
        server(2, 16, s_ms, Some(2)),
        slow_db(w_ms),
    ];
    let r = run(nodes, 4, 10, 310.0);
    let web = &r.nodes[0];
    close("cpu", web.cpu_utilization, lambda * s_ms / 1e3 / 2.0, 0.03);
    close(
        "occupancy",
        web.utilization,
        lambda * (s_ms + w_ms) / 1e3 / 16.0,
        0.03,
    );
    assert!(web.utilization > 3.0 * web.cpu_utilization);
}

/// The autoscaler: a steady load whose CPU utilisation (20 %) is below the rule's threshold
/// but whose worker occupancy (80 %, a slow database) is above it. The CPU rule launches
/// nothing; the occupancy rule grows the pool.
#[test]
fn the_cpu_rule_ignores_waits_downstream_the_occupancy_rule_does_not() {
    let mut launched = Vec::new();
    for metric in [AutoscaleMetric::Cpu, AutoscaleMetric::Occupancy] {
        let pool = NodeSpec::new(
            "web",
            NodeKind::Server(ServerSpec {
                workers: 8,
                cores: 2,
                instances: 2,
                queue_capacity: 1_000,
                service: Dist::Exponential { mean_s: 0.002 },
                data: Some(2),
                autoscale: Some(AutoscaleSpec {
                    min: 2,
                    max: 8,
                    scale_out_above: 0.7,
                    scale_in_below: 0.1,
                    interval: SimDuration::from_secs(10),
                    boot: SimDuration::from_secs(5),
                    metric,
                }),
                ..ServerSpec::default()
            }),
        );
        let r = run(vec![users(400.0, 10), pool, slow_db(30.0)], 2, 0, 120.0);
        launched.push(r.counters.instances_launched);
    }
    assert_eq!(launched[0], 0, "cpu rule at 20 % CPU");
    assert!(launched[1] > 0, "occupancy rule at 80 % occupancy");
}

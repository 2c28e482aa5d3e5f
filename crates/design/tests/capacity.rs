//! Instance types carry capacity: vCPUs for servers, databases, caches and queues, memory for a
//! cache's items. The shipped stage 1 shows scale-up; bad sizes are refused by node and field.

use scalelab_design::document::{AutoscaleDoc, AutoscaleMetricDoc};
use scalelab_design::lower::Problem;
use scalelab_design::{lower, Design, NodeParams};
use scalelab_engine::{Report, SimDuration, SimTime, Simulation};

const STAGE1: &str = include_str!("../../../designs/stage01-single-server.json");

fn run(design: &Design, seed: u64, warmup_s: f64, duration_s: f64) -> Report {
    let model = lower(design, SimDuration::from_secs_f64(warmup_s))
        .expect("the design lowers")
        .model;
    let mut sim = Simulation::new(&model, seed);
    sim.run_until(SimTime::from_secs_f64(warmup_s + duration_s));
    sim.report()
}

fn with_instance(mut design: Design, node: &str, to: &str) -> Design {
    match &mut design.node_mut(node).expect("node").params {
        NodeParams::Server { instance, .. } => *instance = to.into(),
        _ => panic!("{node} is not a server"),
    }
    design
}

/// 수직적 규모 확장: "add more power (CPU, RAM) to your servers". At stage 1's ramp (50 → 150
/// req/s) the m5.large (2 vCPU) saturates and fails requests; the m5.xlarge (4 vCPU, twice the
/// price) fails under half as many and answers faster.
#[test]
fn stage1_an_instance_twice_the_size_fails_under_half_the_requests() {
    let large = Design::from_json(STAGE1).expect("stage 1 parses");
    let xlarge = with_instance(large.clone(), "server", "ec2_m5_xlarge");
    let (a, b) = (run(&large, 1, 5.0, 120.0), run(&xlarge, 1, 5.0, 120.0));
    let failed = |r: &Report| r.errors.timeout + r.errors.rejected;
    assert!(
        failed(&a) > a.generated / 20,
        "m5.large saturates: {} of {} rejected or timed out",
        failed(&a),
        a.generated
    );
    assert!(
        2 * failed(&b) < failed(&a),
        "m5.xlarge {} vs m5.large {}",
        failed(&b),
        failed(&a)
    );
    assert!(b.latency.p99_ms < a.latency.p99_ms / 2.0);
    // The instance line of the server's bill doubles (usage lines follow the traffic served).
    let server = |r: &Report| {
        r.nodes
            .iter()
            .find(|n| n.key == "server")
            .map(|n| n.bill.instances)
            .expect("server")
    };
    assert!((server(&b) / server(&a) - 2.0).abs() < 1e-9);
}

/// A cache's items live in its instances' memory: a million 10 KB items (9.5 GiB) need two
/// ElastiCache m5.large nodes (6.38 GiB each), with the vCPUs of both; the same items of 1 KB
/// fit one. Too small an item size is refused by node and field.
#[test]
fn a_cache_bigger_than_one_node_is_a_cluster_of_nodes() {
    let stage5 = include_str!("../../../designs/stage05-cache.json");
    let mut design = Design::from_json(stage5).expect("stage 5 parses");
    let set = |design: &mut Design, items: u32, kb: f64| {
        if let NodeParams::Cache {
            capacity, item_kb, ..
        } = &mut design.node_mut("cache").expect("cache").params
        {
            (*capacity, *item_kb) = (items, kb);
        }
    };
    let cache = |design: &Design| {
        let model = lower(design, SimDuration::ZERO).expect("lowers").model;
        match model
            .nodes
            .iter()
            .find(|n| n.key == "cache")
            .map(|n| &n.kind)
        {
            Some(scalelab_engine::NodeKind::Cache(c)) => (c.nodes, c.cores),
            _ => panic!("no cache"),
        }
    };
    set(&mut design, 1_000_000, 10.0);
    assert_eq!(cache(&design), (2, 4));
    set(&mut design, 1_000_000, 1.0);
    assert_eq!(cache(&design), (1, 2));
    set(&mut design, 1_000, 0.0);
    let diags = lower(&design, SimDuration::ZERO).expect_err("no item size");
    assert_eq!(diags[0].node.as_deref(), Some("cache"));
    assert_eq!(diags[0].field, Some("item_kb"));
    assert!(matches!(diags[0].problem, Problem::OutOfRange { .. }));
}

/// A rule written without `metric` (every design before this field) acts on CPU utilisation.
#[test]
fn an_autoscale_rule_without_a_metric_uses_cpu() {
    let rule: AutoscaleDoc = serde_json::from_str(
        r#"{"mode":"utilization","min_instances":2,"max_instances":12,"scale_out_above":0.7,
            "scale_in_below":0.3,"interval_s":10,"boot_s":30}"#,
    )
    .expect("parses");
    assert!(matches!(
        rule,
        AutoscaleDoc::Utilization {
            metric: AutoscaleMetricDoc::Cpu,
            ..
        }
    ));
}

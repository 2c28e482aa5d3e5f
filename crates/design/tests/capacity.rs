//! Instance types carry capacity: vCPUs for servers, databases, caches and queues, memory for a
//! cache's items (stage 1's scale-up is a claim of `lessons.rs`); bad sizes are refused by node
//! and field.

use scalelab_design::document::{AutoscaleDoc, AutoscaleMetricDoc};
use scalelab_design::lower::Problem;
use scalelab_design::{lower, Design, NodeParams};
use scalelab_engine::SimDuration;

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

//! Hints in the chapter's words when the running design is missing a piece the load needs: a
//! saturated tier, or a dead node nothing takes over from. Derived from the latest window only.

use crate::i18n::{t, Key, Lang};
use scalelab_design::document::AutoscaleDoc;
use scalelab_design::lower::model_ids;
use scalelab_design::{Design, NodeParams};
use scalelab_engine::WindowStats;

/// Utilisation from which a node counts as saturated.
const SATURATED: f64 = 0.9;

/// The hints for this window, one sentence each, most useful first.
pub fn hints(design: &Design, latest: Option<&WindowStats>, lang: Lang) -> Vec<String> {
    let Some(window) = latest else {
        return Vec::new();
    };
    let ids = model_ids(design);
    let mut out = Vec::new();
    for (index, node) in design.nodes.iter().enumerate() {
        let Some(stats) = ids
            .get(index)
            .and_then(|id| window.nodes.iter().find(|n| n.id == *id))
        else {
            continue;
        };
        let fill = |key: Key| {
            t(lang, key)
                .replace("{node}", &node.id)
                .replace("{util}", &format!("{:.0}", stats.utilization * 100.0))
        };
        if !stats.up {
            // A node with a sibling of the same kind behind the same balancer can be taken over.
            let same_kind = design
                .nodes
                .iter()
                .filter(|n| n.params.kind_name() == node.params.kind_name())
                .count();
            if same_kind == 1 && !matches!(node.params, NodeParams::Users { .. }) {
                out.push(fill(Key::HintSpof));
            }
            continue;
        }
        if stats.utilization < SATURATED {
            continue;
        }
        let behind_balancer = design.edges.iter().any(|e| {
            e.to == node.id
                && design
                    .node(&e.from)
                    .is_some_and(|n| matches!(n.params, NodeParams::LoadBalancer { .. }))
        });
        let key = match node.params {
            // An autoscaled pool grows by itself: say why it has not caught up yet, if it can.
            NodeParams::Server {
                autoscale: AutoscaleDoc::Utilization { max_instances, .. },
                ..
            } => {
                if stats.booting > 0 {
                    Key::HintBooting
                } else if stats.instances >= max_instances {
                    Key::HintAutoscaleMax
                } else {
                    continue;
                }
            }
            NodeParams::Server { .. } if behind_balancer => Key::HintMoreServers,
            NodeParams::Server { .. } => Key::HintScaleOut,
            NodeParams::Database { .. } => Key::HintDatabase,
            NodeParams::Cache { .. } | NodeParams::SessionStore { .. } => Key::HintStore,
            NodeParams::Queue { .. } => Key::HintQueue,
            // Users, DNS, balancers, CDNs and shard routers have no workers to saturate.
            _ => continue,
        };
        out.push(fill(key));
    }
    // Shards are engine nodes of their own: a hot shard is the celebrity problem.
    let layout = scalelab_design::lower::model_nodes(design);
    for stats in &window.nodes {
        let Some(member) = layout.get(stats.id as usize) else {
            continue;
        };
        let owner = &design.nodes[member.design_index];
        if matches!(owner.params, NodeParams::ShardedDatabase { .. })
            && member.key != owner.id
            && stats.utilization >= SATURATED
        {
            out.push(t(lang, Key::HintHotShard).replace("{node}", &member.key));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalelab_engine::NodeStats;

    fn window(stats: Vec<(u32, f64, bool)>) -> WindowStats {
        WindowStats {
            nodes: stats
                .into_iter()
                .map(|(id, utilization, up)| NodeStats {
                    id,
                    utilization,
                    up,
                    ..NodeStats::default()
                })
                .collect(),
            ..WindowStats::default()
        }
    }

    #[test]
    fn hints_name_the_missing_piece() {
        let design = Design::single_server();
        type Case = (Vec<(u32, f64, bool)>, &'static [&'static str]);
        let cases: [Case; 4] = [
            (vec![(2, 0.5, true)], &[]),
            (vec![(2, 0.97, true)], &["scale out"]),
            (vec![(2, 0.0, false)], &["single point of failure"]),
            (vec![(2, 0.95, true), (1, 0.99, true)], &["scale out"]),
        ];
        for (stats, expected) in cases {
            let got = hints(&design, Some(&window(stats.clone())), Lang::En);
            assert_eq!(got.len(), expected.len(), "{stats:?}: {got:?}");
            for (hint, needle) in got.iter().zip(expected) {
                assert!(hint.contains(needle) && hint.contains("server"), "{hint}");
            }
            // Every hint exists in Korean too, with the node named.
            for hint in hints(&design, Some(&window(stats)), Lang::Ko) {
                assert!(hint.contains("server") && !hint.contains('{'), "{hint}");
            }
        }
        assert!(hints(&design, None, Lang::En).is_empty());
    }

    /// A saturated autoscaled pool is explained, not told to scale out: its new instances are
    /// booting, or it is at its maximum; while it can still grow by itself there is no hint.
    #[test]
    fn a_saturated_autoscaled_pool_is_explained() {
        let design = crate::charts::autoscaled_pool();
        let saturated = |instances: u32, booting: u32| {
            let mut w = window(vec![(1, 0.98, true)]);
            w.nodes[0].instances = instances;
            w.nodes[0].booting = booting;
            hints(&design, Some(&w), Lang::En)
        };
        assert!(saturated(2, 1)[0].contains("still booting"));
        assert!(saturated(4, 0)[0].contains("maximum"));
        assert!(saturated(2, 0).is_empty());
    }
}

//! Hints in the chapter's words when the running design is missing a piece the load needs: a
//! saturated tier, or a dead node nothing takes over from. Re-evaluated every window from the
//! latest one and the engine's events, so a hint goes once its cause is gone.

use crate::i18n::{t, Key, Lang};
use scalelab_design::document::{AutoscaleDoc, LbPolicyDoc};
use scalelab_design::lower::model_ids;
use scalelab_design::{Design, NodeParams};
use scalelab_engine::WindowStats;

/// Utilisation from which a node counts as saturated.
const SATURATED: f64 = 0.9;

/// Whether the database group at engine node `id`, down in the latest window, has promoted a
/// replica since it went down: the engine's failover event after its last window up.
fn failed_over(windows: &[WindowStats], id: u32) -> bool {
    for w in windows.iter().rev() {
        let promoted = w.events.iter().any(|e| {
            e.node == Some(id) && matches!(e.what, scalelab_engine::EventKind::Failover { .. })
        });
        if promoted {
            return true;
        }
        if w.nodes.iter().any(|n| n.id == id && n.up) {
            return false;
        }
    }
    false
}

/// The hints for the latest of `windows`, one sentence each, most useful first.
pub fn hints(design: &Design, windows: &[WindowStats], lang: Lang) -> Vec<String> {
    let Some(window) = windows.last() else {
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
        // The busier of CPU and worker occupancy, named: both saturate a node.
        let load = crate::charts::load(stats);
        let which = t(
            lang,
            if crate::charts::cpu_bound(stats) {
                Key::Cpu
            } else {
                Key::Occupancy
            },
        );
        let fill = |key: Key| {
            t(lang, key)
                .replace("{node}", &node.id)
                .replace("{util}%", &format!("{:.0}% ({which})", load * 100.0))
                .replace("{util}", &format!("{:.0}", load * 100.0))
        };
        if !stats.up {
            // A dead server the balancer still sends to: its requests fail fast until health
            // checks take it out, and least connections even favours it.
            if stats.errors > 0 && behind_balancer(design, &node.id).is_some() {
                let key = match behind_balancer(design, &node.id) {
                    Some(LbPolicyDoc::LeastConnections) => Key::HintFailFastLeastConnections,
                    _ => Key::HintFailFast,
                };
                out.push(fill(key));
                continue;
            }
            // A primary with replicas is taken over by one of them after the failover delay.
            if let NodeParams::Database {
                replicas,
                failover_s,
                ..
            } = node.params
            {
                if replicas > 0 {
                    // A replica took over: the writes go on, nothing to fix.
                    if failed_over(windows, ids[index]) {
                        continue;
                    }
                    out.push(fill(Key::HintFailover).replace("{s}", &format!("{failover_s}")));
                    continue;
                }
            }
            // A node with a sibling of the same kind behind the same balancer can be taken over.
            let same_kind = design
                .nodes
                .iter()
                .filter(|n| n.params.tag() == node.params.tag())
                .count();
            if same_kind == 1 && !matches!(node.params, NodeParams::Users { .. }) {
                out.push(fill(Key::HintSpof));
            }
            continue;
        }
        if load < SATURATED {
            continue;
        }
        let behind_balancer = behind_balancer(design, &node.id).is_some();
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
            NodeParams::ApiGateway { .. } | NodeParams::Waf { .. } => Key::HintEdge,
            // No workers to saturate (a new kind decides here: this match has no catch-all).
            NodeParams::Users { .. }
            | NodeParams::Dns { .. }
            | NodeParams::LoadBalancer { .. }
            | NodeParams::Cdn { .. }
            | NodeParams::ShardedDatabase { .. } => continue,
        };
        out.push(fill(key));
    }
    // A resharding under way: its copies are load the shards serve.
    if window.counters.keys_migrated > 0 {
        out.push(
            t(lang, Key::HintMigration).replace("{n}", &window.counters.keys_migrated.to_string()),
        );
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
            && crate::charts::load(stats) >= SATURATED
        {
            out.push(t(lang, Key::HintHotShard).replace("{node}", &member.key));
        }
    }
    out
}

/// The policy of the load balancer in front of node `id`, if one is.
fn behind_balancer(design: &Design, id: &str) -> Option<LbPolicyDoc> {
    design.edges.iter().find_map(|e| {
        if e.to != id {
            return None;
        }
        match design.node(&e.from).map(|n| &n.params) {
            Some(NodeParams::LoadBalancer { policy, .. }) => Some(*policy),
            _ => None,
        }
    })
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
            let got = hints(
                &design,
                std::slice::from_ref(&window(stats.clone())),
                Lang::En,
            );
            assert_eq!(got.len(), expected.len(), "{stats:?}: {got:?}");
            for (hint, needle) in got.iter().zip(expected) {
                assert!(hint.contains(needle) && hint.contains("server"), "{hint}");
            }
            // Every hint exists in Korean too, with the node named.
            for hint in hints(&design, std::slice::from_ref(&window(stats)), Lang::Ko) {
                assert!(hint.contains("server") && !hint.contains('{'), "{hint}");
            }
        }
        assert!(hints(&design, &[], Lang::En).is_empty());
    }

    /// Regression: a CPU-bound web server (its workers rarely held, its vCPUs full) looked idle
    /// and got no hint.
    #[test]
    fn a_cpu_bound_server_is_saturated_too() {
        let design = Design::single_server();
        let mut w = window(vec![(2, 0.2, true)]);
        w.nodes[0].cpu_utilization = 0.97;
        let got = hints(&design, std::slice::from_ref(&w), Lang::En);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].contains("scale out") && got[0].contains("97% (CPU)"),
            "{got:?}"
        );
        let ko = hints(&design, std::slice::from_ref(&w), Lang::Ko);
        assert!(ko[0].contains("CPU") && !ko[0].contains('{'), "{ko:?}");
        // Occupancy is named when it is the busier.
        let got = hints(
            &design,
            std::slice::from_ref(&window(vec![(2, 0.95, true)])),
            Lang::En,
        );
        assert!(got[0].contains("worker occupancy"), "{got:?}");
    }

    /// A dead server the balancer still sends to is explained (least connections favours it:
    /// it fails fast), and a resharding under way names its copies.
    #[test]
    fn fail_fast_servers_and_migrations_are_explained() {
        let stage3 = crate::stages::STAGES[2].design().expect("stage 3");
        let web1 = model_ids(&stage3)[stage3
            .nodes
            .iter()
            .position(|n| n.id == "web1")
            .expect("web1")];
        let mut w = window(vec![(web1, 0.0, false)]);
        w.nodes[0].errors = 40;
        let got = hints(&stage3, std::slice::from_ref(&w), Lang::En);
        assert!(
            got[0].contains("web1") && got[0].contains("least connections"),
            "{got:?}"
        );
        let ko = hints(&stage3, std::slice::from_ref(&w), Lang::Ko);
        assert!(ko[0].contains("web1") && !ko[0].contains('{'), "{ko:?}");
        // Once health checks have taken it out nothing is sent to it: no hint about it.
        w.nodes[0].errors = 0;
        assert!(hints(&stage3, std::slice::from_ref(&w), Lang::En).is_empty());
        let mut w = window(vec![]);
        w.counters.keys_migrated = 120;
        let got = hints(&stage3, std::slice::from_ref(&w), Lang::En);
        assert!(got[0].contains("120"), "{got:?}");
    }

    /// Regression: stage 4 said "'db' is down and nothing takes over" although a replica is
    /// promoted after the failover delay.
    #[test]
    fn a_dead_primary_with_replicas_is_taken_over() {
        let stage4 = crate::stages::STAGES[3].design().expect("stage 4");
        let db = model_ids(&stage4)[stage4.nodes.iter().position(|n| n.id == "db").expect("db")];
        let got = hints(
            &stage4,
            std::slice::from_ref(&window(vec![(db, 0.0, false)])),
            Lang::En,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].contains("promoted") && !got[0].contains("single point"),
            "{got:?}"
        );
    }

    /// Regression (issue 16): stage 4's failover hint stayed after a replica was promoted. The
    /// hint holds while the primary is down and no failover has happened, and goes with the
    /// engine's failover event, though the old primary is still down.
    #[test]
    fn the_failover_hint_goes_once_a_replica_is_promoted() {
        let stage4 = crate::stages::STAGES[3].design().expect("stage 4");
        let db = model_ids(&stage4)[stage4.nodes.iter().position(|n| n.id == "db").expect("db")];
        let up = window(vec![(db, 0.3, true)]);
        let down = window(vec![(db, 0.0, false)]);
        let mut promoted = down.clone();
        promoted.events.push(scalelab_engine::SimEvent {
            at_s: 50.0,
            node: Some(db),
            what: scalelab_engine::EventKind::Failover {
                promoted: db + 2,
                writes_lost: 3,
                writes_at_risk: 3,
            },
        });
        let before = [up.clone(), down.clone(), down.clone()];
        assert_eq!(hints(&stage4, &before, Lang::En).len(), 1);
        let after = [
            up.clone(),
            down.clone(),
            promoted,
            down.clone(),
            down.clone(),
        ];
        assert!(hints(&stage4, &after, Lang::En).is_empty());
        // Back up, then down again: a new death, the hint is true again.
        let again = [up.clone(), down.clone(), after[2].clone(), up, down];
        assert_eq!(hints(&stage4, &again, Lang::En).len(), 1);
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
            hints(&design, std::slice::from_ref(&w), Lang::En)
        };
        assert!(saturated(2, 1)[0].contains("still booting"));
        assert!(saturated(4, 0)[0].contains("maximum"));
        assert!(saturated(2, 0).is_empty());
    }
}

//! The challenges after the 11 stages: open problems with a budget, each a starting design that
//! misses its goal, judged by the stages' goal checker. The challenge owns its script (the users'
//! traffic and the scheduled faults of its starting design): a design that dropped or softened
//! any of it fails the "script kept" row, so deleting the fault never passes.

use super::{Cmp, Goal, Metric, Row, Tally};
use scalelab_design::document::FaultAction;
use scalelab_design::{Design, NodeParams};
use serde_json::Value;

/// One challenge. Texts live in `i18n::course`, by challenge.
pub struct Challenge {
    /// The id a result link names (`?challenge=spike`).
    pub id: &'static str,
    /// The starting design (`designs/challenge-*.json`), which misses the goal.
    pub start: &'static str,
    pub goal: Goal,
}

const fn row(metric: Metric, cmp: Cmp, target: f64) -> Row {
    Row {
        metric,
        cmp,
        target,
    }
}

use Cmp::{AtLeast, AtMost};
use Metric::*;

pub static CHALLENGES: [Challenge; 3] = [
    // 50 000 users, half in each region: one data centre in us makes the eu half cross the ocean.
    Challenge {
        id: "two-regions",
        start: include_str!("../../designs/challenge-two-regions.json"),
        goal: Goal {
            from_s: 10.0,
            to_s: 60.0,
            rows: &[
                row(WorstP99Ms, AtMost, 100.0),
                row(ErrorRate, AtMost, 0.001),
                row(ThroughputRps, AtLeast, 1950.0),
                row(CostPerHour, AtMost, 10.5),
            ],
        },
    },
    // The us data centre (the primary's) dies at 30 s.
    Challenge {
        id: "lose-a-dc",
        start: include_str!("../../designs/challenge-lose-a-dc.json"),
        goal: Goal {
            from_s: 5.0,
            to_s: 120.0,
            rows: &[
                row(Count(Tally::LostWrites), AtMost, 0.0),
                row(ErrorRate, AtMost, 0.02),
                row(CostPerHour, AtMost, 13.0),
            ],
        },
    },
    // 1 000 req/s becomes 10 000 from 30 s to 60 s.
    Challenge {
        id: "spike",
        start: include_str!("../../designs/challenge-spike.json"),
        goal: Goal {
            from_s: 20.0,
            to_s: 80.0,
            rows: &[
                row(ErrorRate, AtMost, 0.001),
                row(WorstP99Ms, AtMost, 300.0),
                row(CostPerHour, AtMost, 22.5),
            ],
        },
    },
];

impl Challenge {
    pub fn start_design(&self) -> Design {
        Design::from_json(self.start).unwrap_or_else(|_| Design::single_server())
    }
}

/// The challenge whose id is `id`.
pub fn by_id(id: &str) -> Option<usize> {
    CHALLENGES.iter().position(|c| c.id == id)
}

/// A users node's traffic as the challenge set it: everything but its place on the canvas.
fn traffic(node: &scalelab_design::document::NodeDoc) -> Option<Value> {
    if !matches!(node.params, NodeParams::Users { .. }) {
        return None;
    }
    let mut v = serde_json::to_value(node).ok()?;
    if let Some(o) = v.as_object_mut() {
        o.remove("x");
        o.remove("y");
    }
    Some(v)
}

/// Whether `design` still carries the challenge's script: every users node of the start with
/// the same traffic, every scheduled fault, and something to lose in every region a fault kills
/// (moving every server out of the doomed data centre dodges the fault rather than surviving it).
pub fn script_kept(challenge: &Challenge, design: &Design) -> bool {
    let start = challenge.start_design();
    let users: Vec<Value> = design.nodes.iter().filter_map(traffic).collect();
    let traffic_kept = start
        .nodes
        .iter()
        .filter_map(traffic)
        .all(|t| users.contains(&t));
    let faults_kept = start.faults.iter().all(|f| design.faults.contains(f));
    let regions_held = start.faults.iter().all(|f| match &f.action {
        FaultAction::KillRegion { region } => {
            let first = design.regions.first().map_or("", |r| r.name.as_str());
            let in_region = |r: &str| r == region || (r.is_empty() && first == region);
            design.nodes.iter().any(|n| match &n.params {
                NodeParams::Users { .. } => false,
                NodeParams::Database {
                    replica_regions, ..
                } => in_region(&n.region) || replica_regions.iter().any(|r| in_region(r)),
                _ => in_region(&n.region),
            })
        }
        _ => true,
    });
    traffic_kept && faults_kept && regions_held
}

/// A challenge judged on the current run: the goal's rows as for a stage, whether the design
/// still carries the challenge's script, and the verdict (never met without the script).
pub fn judge(
    challenge: &Challenge,
    design: &Design,
    windows: &[scalelab_engine::WindowStats],
    keys: &[String],
) -> (Vec<Option<f64>>, bool, super::Verdict) {
    let (actual, verdict) = super::judge(&challenge.goal, windows, keys);
    let kept = script_kept(challenge, design);
    let verdict = if kept {
        verdict
    } else {
        super::Verdict::Missed
    };
    (actual, kept, verdict)
}

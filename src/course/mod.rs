//! The guided course over the chapter's 11 stages: what each step asks and watches, each stage's
//! goal, and how both are judged from the same windows the dashboard reads (pure, tested natively).

pub mod challenges;
pub mod lessons;
pub mod progress;
pub mod store;
pub mod view;

use scalelab_design::{Design, NodeParams};
use scalelab_engine::WindowStats;
use serde_json::Value;

/// A number read off a span of windows. Every one is the dashboard's own figure over that span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// Failed over finished (completed + failed) requests.
    ErrorRate,
    /// The worst one-second p99 (per-window percentiles are never averaged).
    WorstP99Ms,
    /// Completed requests per simulated second.
    ThroughputRps,
    /// The bill, dollars per hour, averaged over the span.
    CostPerHour,
    /// A mechanism count summed over the span.
    Count(Tally),
    /// Cache hits over cache lookups.
    HitRatio,
    /// The most jobs waiting in message queues at a window's end.
    PeakBacklog,
    /// The busiest member's mean utilisation among the model nodes `<group>/…`.
    HottestMember(&'static str),
    /// A node's mean load (the busier of CPU and worker occupancy, as the canvas colours it).
    Utilization(&'static str),
    /// A node's instances billed (serving and booting), averaged over the span: what a server
    /// pool costs in machines.
    MeanInstances(&'static str),
}

/// The mechanism counts a step or goal can watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    Failed,
    StaleReads,
    StaleResponses,
    LostWrites,
    LostSessions,
    KeysMoved,
    InstancesLaunched,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    AtMost,
    AtLeast,
}

impl Cmp {
    pub fn holds(self, actual: f64, target: f64) -> bool {
        match self {
            Cmp::AtMost => actual <= target,
            Cmp::AtLeast => actual >= target,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::AtMost => "≤",
            Cmp::AtLeast => "≥",
        }
    }
}

/// One condition on a metric: a goal's row, or what a step watches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub metric: Metric,
    pub cmp: Cmp,
    pub target: f64,
}

/// A value a step asks a node's field to take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    Str(&'static str),
    Num(f64),
    /// An object field whose `mode` is this (an autoscaling rule).
    Mode(&'static str),
}

/// What the learner does: a setting of the design, or a live action on the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Act {
    /// Start (or resume) the run.
    Play,
    /// The first users node's rate, in requests per second.
    RateAtLeast(f64),
    RateAtMost(f64),
    /// Kill a node (its design id) while the run goes on.
    Kill(&'static str),
    /// A node's field (a top-level key of its JSON) takes a value.
    Set(&'static str, &'static str, Val),
    /// A node's numeric field is at least this.
    AtLeast(&'static str, &'static str, f64),
}

/// "Do X, watch Y": the step ticks when every act holds and then the watched row holds over the
/// windows that followed, at least `after_s` simulated seconds of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub acts: &'static [Act],
    pub watch: Row,
    pub after_s: f64,
}

/// The goal that finishes a stage: every row holds over the stated span of simulated time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    pub from_s: f64,
    pub to_s: f64,
    pub rows: &'static [Row],
}

/// One stage of the course. Texts live in `i18n::course`, by stage and step.
pub struct Lesson {
    /// The design file the stage starts from (`designs/`).
    pub start: &'static str,
    /// The stage's design edited into the course's starting point (most start as shipped).
    pub prepare: fn(&mut Value),
    pub steps: &'static [Step],
    pub goal: Goal,
    /// The switch the debrief shows: the starting design's JSON edited into one that meets the
    /// goal (tested to meet it, while the start does not).
    pub solution: fn(&mut Value),
}

impl Lesson {
    pub fn start_design(&self) -> Design {
        self.edited(&[self.prepare])
    }

    /// The design the debrief shows.
    pub fn solution_design(&self) -> Design {
        self.edited(&[self.prepare, self.solution])
    }

    fn edited(&self, edits: &[fn(&mut Value)]) -> Design {
        let mut doc: Value = serde_json::from_str(self.start).unwrap_or(Value::Null);
        for edit in edits {
            edit(&mut doc);
        }
        Design::from_json(&doc.to_string()).unwrap_or_else(|_| Design::single_server())
    }
}

/// Engine node keys in model order (`db/r1`, `shards/s0`…), indexed by `NodeStats::id`.
pub fn model_keys(design: &Design) -> Vec<String> {
    scalelab_design::lower::model_nodes(design)
        .into_iter()
        .map(|n| n.key)
        .collect()
}

/// The metric over `windows`; `None` when they hold nothing to measure it by.
pub fn measure(metric: Metric, windows: &[WindowStats], keys: &[String]) -> Option<f64> {
    if windows.is_empty() {
        return None;
    }
    let sum = |f: fn(&WindowStats) -> u64| windows.iter().map(f).sum::<u64>() as f64;
    match metric {
        Metric::ErrorRate => {
            let failed = sum(|w| w.errors.total());
            let finished = failed + sum(|w| w.completed);
            (finished > 0.0).then(|| failed / finished)
        }
        Metric::WorstP99Ms => worst(windows, |w| w.latency.p99_ms),
        Metric::ThroughputRps => {
            let span: f64 = windows.iter().map(|w| w.len_s).sum();
            (span > 0.0).then(|| sum(|w| w.completed) / span)
        }
        Metric::CostPerHour => {
            Some(windows.iter().map(|w| w.cost_per_hour_usd).sum::<f64>() / windows.len() as f64)
        }
        Metric::Count(tally) => Some(windows.iter().map(|w| count(tally, w)).sum::<u64>() as f64),
        Metric::HitRatio => {
            let hits = sum(|w| w.counters.cache_hits);
            let lookups = hits + sum(|w| w.counters.cache_misses);
            (lookups > 0.0).then(|| hits / lookups)
        }
        Metric::PeakBacklog => windows
            .iter()
            .map(|w| w.job_backlog)
            .max()
            .map(|b| b as f64),
        Metric::HottestMember(group) => {
            let prefix = format!("{group}/");
            let mut mean = vec![0.0; keys.len()];
            for w in windows {
                for n in &w.nodes {
                    if let Some(m) = mean.get_mut(n.id as usize) {
                        *m += n.utilization / windows.len() as f64;
                    }
                }
            }
            mean.iter()
                .zip(keys)
                .filter(|(_, k)| k.starts_with(&prefix))
                .map(|(u, _)| *u)
                .reduce(f64::max)
        }
        Metric::Utilization(node) => {
            let id = keys.iter().position(|k| k == node)? as u32;
            let loads: Vec<f64> = windows
                .iter()
                .filter_map(|w| w.nodes.iter().find(|n| n.id == id))
                .map(|n| n.utilization.max(n.cpu_utilization))
                .collect();
            (!loads.is_empty()).then(|| loads.iter().sum::<f64>() / loads.len() as f64)
        }
        Metric::MeanInstances(node) => {
            let id = keys.iter().position(|k| k == node)? as u32;
            let counts: Vec<f64> = windows
                .iter()
                .filter_map(|w| w.nodes.iter().find(|n| n.id == id))
                .map(|n| f64::from(n.instances + n.booting))
                .collect();
            (!counts.is_empty()).then(|| counts.iter().sum::<f64>() / counts.len() as f64)
        }
    }
}

fn worst(windows: &[WindowStats], f: fn(&WindowStats) -> f64) -> Option<f64> {
    windows
        .iter()
        .filter(|w| w.completed > 0)
        .map(f)
        .reduce(f64::max)
}

fn count(tally: Tally, w: &WindowStats) -> u64 {
    let c = &w.counters;
    match tally {
        Tally::Failed => w.errors.total(),
        Tally::StaleReads => c.stale_reads,
        Tally::StaleResponses => c.stale_responses,
        Tally::LostWrites => c.lost_writes,
        Tally::LostSessions => c.lost_sessions,
        Tally::KeysMoved => c.keys_moved,
        Tally::InstancesLaunched => c.instances_launched,
    }
}

/// The windows lying wholly inside `from_s..=to_s`.
pub fn span(windows: &[WindowStats], from_s: f64, to_s: f64) -> &[WindowStats] {
    let start = windows.partition_point(|w| w.start_s < from_s - 1e-9);
    let end = windows.partition_point(|w| w.start_s + w.len_s <= to_s + 1e-9);
    &windows[start..end.max(start)]
}

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The span has not been simulated to its end yet.
    Running,
    Met,
    Missed,
}

/// A goal judged on `windows` (the current run's, in order): each row's actual value over the
/// part of the span simulated so far, and the verdict once the span is complete.
pub fn judge(goal: &Goal, windows: &[WindowStats], keys: &[String]) -> (Vec<Option<f64>>, Verdict) {
    let inside = span(windows, goal.from_s, goal.to_s);
    let actual: Vec<Option<f64>> = goal
        .rows
        .iter()
        .map(|r| measure(r.metric, inside, keys))
        .collect();
    let complete = windows
        .last()
        .is_some_and(|w| w.start_s + w.len_s >= goal.to_s - 1e-9)
        && windows
            .first()
            .is_some_and(|w| w.start_s <= goal.from_s + 1e-9);
    let verdict = if !complete {
        Verdict::Running
    } else if goal
        .rows
        .iter()
        .zip(&actual)
        .all(|(r, a)| a.is_some_and(|a| r.cmp.holds(a, r.target)) || row_vacuous(r, *a))
    {
        Verdict::Met
    } else {
        Verdict::Missed
    };
    (actual, verdict)
}

/// A count the design cannot produce at all (no cache, so no stale read) meets an "at most" row.
fn row_vacuous(row: &Row, actual: Option<f64>) -> bool {
    actual.is_none() && row.cmp == Cmp::AtMost && !matches!(row.metric, Metric::ErrorRate)
}

/// Whether `act` holds for the design as it is now (live acts are checked by the progress).
pub fn design_holds(act: &Act, design: &Design) -> Option<bool> {
    let rate = || {
        design.nodes.iter().find_map(|n| match n.params {
            NodeParams::Users { rate_rps, .. } => Some(rate_rps),
            _ => None,
        })
    };
    let field = |node: &str, field: &str| -> Option<Value> {
        let n = design.node(node)?;
        let v = serde_json::to_value(n).ok()?;
        v.get(field).cloned()
    };
    Some(match *act {
        Act::Play | Act::Kill(_) => return None,
        Act::RateAtLeast(x) => rate().is_some_and(|r| r >= x),
        Act::RateAtMost(x) => rate().is_some_and(|r| r <= x),
        Act::Set(node, name, val) => field(node, name).is_some_and(|v| match val {
            Val::Str(s) => v.as_str() == Some(s),
            Val::Num(x) => v.as_f64().is_some_and(|n| (n - x).abs() < 1e-9),
            Val::Mode(m) => v.get("mode").and_then(Value::as_str) == Some(m),
        }),
        Act::AtLeast(node, name, x) => {
            field(node, name).is_some_and(|v| v.as_f64().is_some_and(|n| n >= x))
        }
    })
}

#[cfg(test)]
mod tests;

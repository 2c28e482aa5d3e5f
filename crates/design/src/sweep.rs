//! "Find the limit": raise a design's offered load step by step until a target (p99 or error
//! rate) breaks, then bisect to the highest rate that meets it, and name the first node that
//! saturated. Pure (no I/O, no clock), so the CLI and, later, the app's worker run the same sweep.
//!
//! The rules, all on simulated time:
//! - A sweep copy of the design has its scheduled faults removed and every users node's profile
//!   made steady; the offered rate is scaled over every users node in proportion to its
//!   `rate_rps`, so several users nodes keep their ratio.
//! - Every step is a fresh run of that copy at one rate with the same seed (common random
//!   numbers, so neighbouring rates see the same draws): a warm-up that is discarded (half a
//!   step, within [`MIN_WARMUP_S`]..=[`MAX_WARMUP_S`]), then `step_s` measured seconds.
//! - A step meets the targets when its p99 is at most the p99 target (when one is set), its
//!   error rate (failed over finished) at most the error-rate target, and it keeps up: the
//!   requests left over at its end grew by at most [`BACKLOG_SHARE`] of those generated (a queue
//!   still filling cannot hold its p99 for long, however short the step).
//! - The first step runs at the design's own rate; while steps meet the targets the rate grows
//!   by [`GROWTH`]; when the first step fails the rate halves instead. Between the highest rate
//!   that met and the lowest that failed it bisects until they are within [`PRECISION`].
//! - A node is saturated at a step when the busier of its CPU utilisation and worker occupancy
//!   passes [`SATURATED`]; the first saturated node is that of the lowest-rate step with one (the
//!   busiest, if several), named by its model key (`db/r1`, `shards/s0`).
//! - Work is bounded: at most [`MAX_STEPS`] steps, [`MAX_SIMULATED_S`] simulated seconds in all,
//!   the caller's event budget in all, and each step within the caller's budget; a users node's
//!   rate stays within the document's bound. Where a bound stops it, the outcome says which.

use crate::bounds::MAX_RATE_RPS as MAX_NODE_RATE_RPS;
use crate::budget::{self, BudgetError, Limits};
use crate::document::{Design, NodeParams, ProfileDoc};
use crate::lower::lower;
use scalelab_engine::{Report, SimDuration, SimTime, Simulation};
use serde::Serialize;

/// Rate growth between steps while they meet the targets.
pub const GROWTH: f64 = 1.5;
/// The bisection stops when the failing rate is within this share above the meeting one.
pub const PRECISION: f64 = 0.01;
/// Utilisation above which a node counts as saturated.
pub const SATURATED: f64 = 0.95;
/// Growth of the backlog (requests in flight) over a step, as a share of the requests it
/// generated, above which the step does not keep up.
pub const BACKLOG_SHARE: f64 = 0.01;
/// At most this many steps (runs) in one sweep.
pub const MAX_STEPS: u32 = 40;
/// At most this many simulated seconds in one sweep, warm-ups included.
pub const MAX_SIMULATED_S: f64 = 50_000.0;
/// The shortest and the longest warm-up of a step: long enough for queues and caches to settle
/// at the stage designs' rates, while a long step's measured span does the averaging.
pub const MIN_WARMUP_S: f64 = 5.0;
pub const MAX_WARMUP_S: f64 = 120.0;
/// Halvings of the design's rate tried before concluding no rate meets the targets.
const MAX_HALVINGS: u32 = 10;
/// The bounds of `step_s`, in simulated seconds.
pub const STEP_S_RANGE: (f64, f64) = (1.0, 3_600.0);

/// What the learner asks of the sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepOptions {
    /// p99 latency target in ms; `None`: latency is not a target.
    pub target_p99_ms: Option<f64>,
    /// Highest share of finished requests that may fail.
    pub target_error_rate: f64,
    /// The seed of every step; `None`: the design's.
    pub seed: Option<u64>,
    /// Measured simulated seconds per step (the warm-up comes on top).
    pub step_s: f64,
    /// The budget of one step (its `run_s` is set per step) and, by `events`, of the sweep.
    pub limits: Limits,
    /// Bounds of the sweep's work, at most [`MAX_STEPS`] and [`MAX_SIMULATED_S`].
    pub max_steps: u32,
    pub max_simulated_s: f64,
}

impl SweepOptions {
    /// The default error-rate target: 0.1 % of requests.
    pub const DEFAULT_ERROR_RATE: f64 = 0.001;
    /// The default measured length of a step, in simulated seconds.
    pub const DEFAULT_STEP_S: f64 = 60.0;

    /// Defaults for a caller with `limits`: no p99 target, at most 0.1 % errors, 60 s steps.
    pub fn new(limits: Limits) -> SweepOptions {
        SweepOptions {
            target_p99_ms: None,
            target_error_rate: Self::DEFAULT_ERROR_RATE,
            seed: None,
            step_s: Self::DEFAULT_STEP_S,
            limits,
            max_steps: MAX_STEPS,
            max_simulated_s: MAX_SIMULATED_S,
        }
    }
}

/// One step: the offered rate and what the design did at it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    /// Offered rate, requests per second over all users nodes.
    pub rate_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Failed over finished (completed + failed) requests.
    pub error_rate: f64,
    /// Completed requests per measured second.
    pub throughput_rps: f64,
    /// Whether the step kept up with its offered load (see [`BACKLOG_SHARE`]).
    pub keeps_up: bool,
    /// Whether the step met every target.
    pub meets: bool,
    /// The busiest node (model key) and its utilisation, the busier of CPU and occupancy.
    pub busiest: Option<String>,
    pub busiest_utilization: f64,
    /// Nodes above [`SATURATED`], busiest first.
    pub saturated: Vec<String>,
}

/// Why the sweep stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The limit is bracketed within [`PRECISION`].
    LimitFound,
    /// Even the design's rate halved [`MAX_HALVINGS`] times fails the targets.
    NoRateMeets,
    /// A users node reached the document's highest rate and the targets still held.
    RateCap,
    MaxSteps,
    MaxSimulatedSeconds,
    /// The next step would exceed the budget (memory, events per second or events in all).
    Budget,
}

/// The result of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepOutcome {
    /// Every step, by rising rate.
    pub points: Vec<SweepPoint>,
    /// The highest offered rate that met the targets; `None` when none did.
    pub limit_rps: Option<f64>,
    /// The lowest offered rate that failed them; `None` when none did.
    pub failed_rps: Option<f64>,
    /// The model key of the node that saturated first as the rate rose.
    pub first_saturated: Option<String>,
    /// Why it stopped; `None` while it runs.
    pub stop: Option<StopReason>,
    /// The budget refusal that stopped the sweep, when it was the budget.
    pub budget: Option<String>,
    pub target_p99_ms: Option<f64>,
    pub target_error_rate: f64,
    pub seed: u64,
    pub step_s: f64,
    pub warmup_s: f64,
    /// Scheduled faults left out of the sweep, and users profiles made steady.
    pub faults_removed: usize,
    pub profiles_flattened: usize,
    /// The design's own offered rate (where the sweep starts).
    pub design_rate_rps: f64,
    pub simulated_s: f64,
    pub events: u64,
}

/// Why a sweep cannot start.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepError {
    /// An option outside its range (the text names it).
    Option(String),
    /// The design is invalid: one line per problem, naming node and field.
    Invalid(Vec<String>),
    /// The design offers no traffic to scale.
    NoTraffic,
    /// Even the first step is over the budget.
    Budget(BudgetError),
}

impl std::fmt::Display for SweepError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SweepError::Option(m) => write!(f, "{m}"),
            SweepError::Invalid(lines) => write!(f, "invalid design:\n  {}", lines.join("\n  ")),
            SweepError::NoTraffic => write!(
                f,
                "the design offers no traffic to raise: give a users node a rate_rps above 0"
            ),
            SweepError::Budget(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SweepError {}

/// Where the search is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Raising the rate from the design's until a step fails.
    Ascend,
    /// The design's rate failed: halving until a step meets.
    Descend {
        halvings: u32,
    },
    /// Between `lo` (met) and `hi` (failed).
    Bisect,
    Done(StopReason),
}

/// A sweep in progress, one step per [`Sweep::step`] call, so a worker can report between
/// steps; [`sweep`] runs it to the end.
#[derive(Debug, Clone)]
pub struct Sweep {
    base: Design,
    options: SweepOptions,
    seed: u64,
    warmup_s: f64,
    design_rate: f64,
    max_rate: f64,
    faults_removed: usize,
    profiles_flattened: usize,
    phase: Phase,
    next_rate: f64,
    lo: Option<f64>,
    hi: Option<f64>,
    points: Vec<SweepPoint>,
    simulated_s: f64,
    events: u64,
    budget: Option<String>,
}

/// Runs a whole sweep of `design`.
pub fn sweep(design: &Design, options: &SweepOptions) -> Result<SweepOutcome, SweepError> {
    let mut s = Sweep::new(design, options)?;
    while s.step()? {}
    Ok(s.outcome())
}

impl Sweep {
    /// Checks the options and prepares the sweep copy of `design`.
    pub fn new(design: &Design, options: &SweepOptions) -> Result<Sweep, SweepError> {
        if let Some(p99) = options.target_p99_ms {
            if !(p99.is_finite() && p99 > 0.0 && p99 <= 3_600_000.0) {
                return Err(SweepError::Option(
                    "--target-p99-ms must be above 0 and at most 3600000".into(),
                ));
            }
        }
        let e = options.target_error_rate;
        if !(e.is_finite() && (0.0..=1.0).contains(&e)) {
            return Err(SweepError::Option(
                "--target-error-rate must be between 0 and 1".into(),
            ));
        }
        let (lo, hi) = STEP_S_RANGE;
        if !(options.step_s.is_finite() && (lo..=hi).contains(&options.step_s)) {
            return Err(SweepError::Option(format!(
                "--step-s must be between {lo} and {hi}"
            )));
        }
        if !(1..=MAX_STEPS).contains(&options.max_steps) {
            return Err(SweepError::Option(format!(
                "the sweep's steps must be between 1 and {MAX_STEPS}"
            )));
        }
        let m = options.max_simulated_s;
        if !(m.is_finite() && m > 0.0 && m <= MAX_SIMULATED_S) {
            return Err(SweepError::Option(format!(
                "the sweep's simulated seconds must be above 0 and at most {MAX_SIMULATED_S}"
            )));
        }
        lower(design, SimDuration::ZERO)
            .map_err(|d| SweepError::Invalid(d.iter().map(|d| d.to_string()).collect()))?;
        let mut base = design.clone();
        let faults_removed = base.faults.len();
        base.faults.clear();
        let mut profiles_flattened = 0;
        let (mut design_rate, mut max_factor) = (0.0, f64::INFINITY);
        for node in &mut base.nodes {
            if let NodeParams::Users {
                rate_rps, profile, ..
            } = &mut node.params
            {
                if *profile != ProfileDoc::Steady {
                    *profile = ProfileDoc::Steady;
                    profiles_flattened += 1;
                }
                design_rate += *rate_rps;
                if *rate_rps > 0.0 {
                    max_factor = max_factor.min(MAX_NODE_RATE_RPS / *rate_rps);
                }
            }
        }
        if !(design_rate > 0.0 && design_rate.is_finite()) {
            return Err(SweepError::NoTraffic);
        }
        let warmup_s = (options.step_s / 2.0).clamp(MIN_WARMUP_S, MAX_WARMUP_S);
        Ok(Sweep {
            base,
            options: *options,
            seed: options.seed.unwrap_or(design.seed),
            warmup_s,
            design_rate,
            max_rate: design_rate * max_factor,
            faults_removed,
            profiles_flattened,
            phase: Phase::Ascend,
            next_rate: design_rate,
            lo: None,
            hi: None,
            points: Vec::new(),
            simulated_s: 0.0,
            events: 0,
            budget: None,
        })
    }

    /// Whether the sweep has finished.
    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done(_))
    }

    /// The steps run so far, in the order they ran.
    pub fn points(&self) -> &[SweepPoint] {
        &self.points
    }

    /// Runs the next step; `Ok(false)` once the sweep has finished (then nothing runs).
    pub fn step(&mut self) -> Result<bool, SweepError> {
        if self.is_done() {
            return Ok(false);
        }
        let run_s = self.warmup_s + self.options.step_s;
        if self.points.len() as u32 >= self.options.max_steps {
            return Ok(self.finish(StopReason::MaxSteps));
        }
        if self.simulated_s + run_s > self.options.max_simulated_s {
            return Ok(self.finish(StopReason::MaxSimulatedSeconds));
        }
        let rate = self.next_rate;
        let design = self.design_at(rate);
        let limits = Limits {
            run_s: Some(run_s),
            ..self.options.limits
        };
        let estimate = match budget::check(&design, &limits) {
            Ok(estimate) => estimate,
            Err(e) if self.points.is_empty() => return Err(SweepError::Budget(e)),
            Err(e) => {
                self.budget = Some(e.to_string());
                return Ok(self.finish(StopReason::Budget));
            }
        };
        let events_left = self.options.limits.events - self.events as f64;
        if estimate.events.unwrap_or(0.0) > events_left && !self.points.is_empty() {
            self.budget = Some(format!(
                "the sweep's events would pass its budget of {:.0}",
                self.options.limits.events
            ));
            return Ok(self.finish(StopReason::Budget));
        }
        let report = self.run(&design, run_s)?;
        self.simulated_s += run_s;
        self.events += report.events;
        let point = self.point(rate, &report);
        let meets = point.meets;
        self.points.push(point);
        self.advance(rate, meets);
        Ok(!self.is_done())
    }

    /// The outcome so far (final once [`Sweep::is_done`]).
    pub fn outcome(&self) -> SweepOutcome {
        let mut points = self.points.clone();
        points.sort_by(|a, b| a.rate_rps.total_cmp(&b.rate_rps));
        let first_saturated = points.iter().find_map(|p| p.saturated.first().cloned());
        SweepOutcome {
            limit_rps: self.lo,
            failed_rps: self.hi,
            first_saturated,
            points,
            stop: match self.phase {
                Phase::Done(reason) => Some(reason),
                _ => None,
            },
            budget: self.budget.clone(),
            target_p99_ms: self.options.target_p99_ms,
            target_error_rate: self.options.target_error_rate,
            seed: self.seed,
            step_s: self.options.step_s,
            warmup_s: self.warmup_s,
            faults_removed: self.faults_removed,
            profiles_flattened: self.profiles_flattened,
            design_rate_rps: self.design_rate,
            simulated_s: self.simulated_s,
            events: self.events,
        }
    }

    fn finish(&mut self, reason: StopReason) -> bool {
        self.phase = Phase::Done(reason);
        false
    }

    /// The sweep copy with every users node's rate scaled so that they offer `rate` in all
    /// (each within the document's bound): the design a step runs, e.g. the one at the limit.
    pub fn design_at(&self, rate: f64) -> Design {
        let factor = rate / self.design_rate;
        let mut d = self.base.clone();
        for node in &mut d.nodes {
            if let NodeParams::Users { rate_rps, .. } = &mut node.params {
                *rate_rps = (*rate_rps * factor).min(MAX_NODE_RATE_RPS);
            }
        }
        d
    }

    /// One step's run: lowered with the step's warm-up, windows drained as it goes so that
    /// memory stays flat however long the step.
    fn run(&self, design: &Design, run_s: f64) -> Result<Report, SweepError> {
        let model = lower(design, SimDuration::from_secs_f64(self.warmup_s))
            .map_err(|d| SweepError::Invalid(d.iter().map(|d| d.to_string()).collect()))?
            .model;
        let mut sim = Simulation::new(&model, self.seed);
        let end = SimTime::from_secs_f64(run_s);
        let slice = model.window.0.max(1).saturating_mul(256);
        let mut t = SimTime::ZERO;
        while t < end {
            t = SimTime(t.0.saturating_add(slice)).min(end);
            sim.run_until(t);
            sim.drain_windows();
        }
        Ok(sim.report())
    }

    fn point(&self, rate: f64, r: &Report) -> SweepPoint {
        let failed = r.errors.total();
        let finished = r.completed + failed;
        let error_rate = if finished == 0 {
            0.0
        } else {
            failed as f64 / finished as f64
        };
        let backlog = r.in_flight as f64 - r.from_warmup as f64;
        let keeps_up = backlog <= BACKLOG_SHARE * r.generated as f64;
        let p99_ok = self
            .options
            .target_p99_ms
            .is_none_or(|t| r.latency.p99_ms <= t);
        let meets = keeps_up && p99_ok && error_rate <= self.options.target_error_rate;
        let mut busy: Vec<(f64, &str)> = r
            .nodes
            .iter()
            .map(|n| (n.utilization.max(n.cpu_utilization), n.key.as_str()))
            .collect();
        // Busiest first; equal ones in the report's (model) order, as the sort is stable.
        busy.sort_by(|a, b| b.0.total_cmp(&a.0));
        SweepPoint {
            rate_rps: rate,
            p50_ms: r.latency.p50_ms,
            p99_ms: r.latency.p99_ms,
            error_rate,
            throughput_rps: r.throughput_rps,
            keeps_up,
            meets,
            busiest: busy.first().map(|b| b.1.to_string()),
            busiest_utilization: busy.first().map_or(0.0, |b| b.0),
            saturated: busy
                .iter()
                .filter(|b| b.0 > SATURATED)
                .map(|b| b.1.to_string())
                .collect(),
        }
    }

    /// The next rate after a step at `rate` that did (or did not) meet the targets.
    fn advance(&mut self, rate: f64, meets: bool) {
        if meets {
            self.lo = Some(self.lo.map_or(rate, |lo| lo.max(rate)));
        } else {
            self.hi = Some(self.hi.map_or(rate, |hi| hi.min(rate)));
        }
        match (self.phase, meets) {
            (Phase::Ascend, true) => {
                if rate >= self.max_rate {
                    self.finish(StopReason::RateCap);
                } else {
                    self.next_rate = (rate * GROWTH).min(self.max_rate);
                }
            }
            (Phase::Ascend, false) if self.lo.is_none() => {
                self.phase = Phase::Descend { halvings: 1 };
                self.next_rate = rate / 2.0;
            }
            (Phase::Descend { halvings }, false) => {
                if halvings >= MAX_HALVINGS {
                    self.finish(StopReason::NoRateMeets);
                } else {
                    self.phase = Phase::Descend {
                        halvings: halvings + 1,
                    };
                    self.next_rate = rate / 2.0;
                }
            }
            (Phase::Done(_), _) => {}
            _ => self.phase = Phase::Bisect,
        }
        if self.phase == Phase::Bisect {
            match (self.lo, self.hi) {
                (Some(lo), Some(hi)) if hi > lo * (1.0 + PRECISION) => {
                    self.next_rate = (lo + hi) / 2.0;
                }
                _ => {
                    self.finish(StopReason::LimitFound);
                }
            }
        }
    }
}

//! "Find the limit" in the worker: `scalelab_design::sweep::Sweep` one step per tick, so the UI
//! hears of every step while the next one runs, all on simulated time.

use scalelab_design::budget::Limits;
use scalelab_design::{Design, Sweep, SweepOptions, SweepOutcome};
use serde::{Deserialize, Serialize};

/// Measured simulated seconds per step in the app: shorter than the CLI's 60 s so that a sweep
/// of a large design answers in seconds (the warm-up on top is half a step, at least 5 s).
pub const APP_STEP_S: f64 = 30.0;

/// One offered rate and what the design did at it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LimitPoint {
    pub rate_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub error_rate: f64,
    pub throughput_rps: f64,
    pub meets: bool,
    /// The busiest node (model key) and its load.
    pub busiest: Option<String>,
    pub busiest_utilization: f64,
}

/// The sweep so far: its points by rising rate, and once `done`, the limit and what saturated.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LimitReport {
    pub points: Vec<LimitPoint>,
    pub limit_rps: Option<f64>,
    pub failed_rps: Option<f64>,
    pub first_saturated: Option<String>,
    pub target_p99_ms: Option<f64>,
    pub target_error_rate: f64,
    pub done: bool,
    /// Why it stopped (`limit_found`, `rate_cap`, …).
    pub stop: Option<String>,
    /// Why it could not start, or failed on the way.
    pub error: Option<String>,
}

impl LimitReport {
    fn from_outcome(o: &SweepOutcome, done: bool) -> LimitReport {
        LimitReport {
            points: o
                .points
                .iter()
                .map(|p| LimitPoint {
                    rate_rps: p.rate_rps,
                    p50_ms: p.p50_ms,
                    p99_ms: p.p99_ms,
                    error_rate: p.error_rate,
                    throughput_rps: p.throughput_rps,
                    meets: p.meets,
                    busiest: p.busiest.clone(),
                    busiest_utilization: p.busiest_utilization,
                })
                .collect(),
            limit_rps: o.limit_rps,
            failed_rps: o.failed_rps,
            first_saturated: o.first_saturated.clone(),
            target_p99_ms: o.target_p99_ms,
            target_error_rate: o.target_error_rate,
            done,
            stop: o
                .stop
                .and_then(|s| serde_json::to_value(s).ok())
                .and_then(|v| v.as_str().map(str::to_string)),
            error: None,
        }
    }

    /// A finished report saying why the sweep could not go on.
    pub fn failed(message: String) -> LimitReport {
        LimitReport {
            done: true,
            error: Some(message),
            ..LimitReport::default()
        }
    }
}

/// A sweep under way in the worker.
pub struct LimitRun {
    sweep: Sweep,
}

impl LimitRun {
    /// Starts a sweep of `design` with the browser's budget, or says why it cannot.
    pub fn start(
        design: &Design,
        target_p99_ms: Option<f64>,
        target_error_rate: f64,
    ) -> Result<LimitRun, String> {
        let mut options = SweepOptions::new(Limits::browser());
        options.target_p99_ms = target_p99_ms;
        options.target_error_rate = target_error_rate;
        options.step_s = APP_STEP_S;
        Sweep::new(design, &options)
            .map(|sweep| LimitRun { sweep })
            .map_err(|e| e.to_string())
    }

    /// Runs one step; the report after it, `done` once the sweep has finished.
    pub fn step(&mut self) -> LimitReport {
        match self.sweep.step() {
            Ok(_) => LimitReport::from_outcome(&self.sweep.outcome(), self.sweep.is_done()),
            Err(e) => LimitReport::failed(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Session, WorkerInput, WorkerOutput};
    use scalelab_design::Design;

    /// Stage 1's server carries 100 req/s: the worker's sweep, one step per tick, finds a limit
    /// just under it, names the server as what saturated, and reports every step on the way.
    #[test]
    fn the_worker_finds_stage_ones_limit_step_by_step() {
        let design =
            Design::from_json(include_str!("../../../designs/stage01-single-server.json")).unwrap();
        let mut session = Session::new();
        let out = session.handle(WorkerInput::FindLimit {
            design: Box::new(design),
            target_p99_ms: None,
            target_error_rate: 0.001,
        });
        assert!(out.is_empty());
        let mut reports = Vec::new();
        while let Some(WorkerOutput::Limit(report)) = session.limit_tick() {
            reports.push(report);
        }
        let last = reports.last().expect("a report per step");
        assert!(last.done && last.error.is_none(), "{last:?}");
        assert_eq!(reports.len(), last.points.len(), "one report per step");
        assert!(reports[..reports.len() - 1].iter().all(|r| !r.done));
        let limit = last.limit_rps.expect("a limit");
        assert!((85.0..=101.0).contains(&limit), "limit {limit}");
        assert_eq!(last.first_saturated.as_deref(), Some("server"));
        assert_eq!(last.stop.as_deref(), Some("limit_found"));
    }

    /// A design with no traffic cannot be swept: the worker says why at once.
    #[test]
    fn a_design_without_traffic_is_refused_with_the_reason() {
        let mut design = Design::single_server();
        for node in &mut design.nodes {
            if let scalelab_design::NodeParams::Users { rate_rps, .. } = &mut node.params {
                *rate_rps = 0.0;
            }
        }
        let mut session = Session::new();
        match session
            .handle(WorkerInput::FindLimit {
                design: Box::new(design),
                target_p99_ms: None,
                target_error_rate: 0.001,
            })
            .as_slice()
        {
            [WorkerOutput::Limit(r)] => assert!(r.done && r.error.is_some(), "{r:?}"),
            other => panic!("{other:?}"),
        }
        assert!(session.limit_tick().is_none());
    }
}

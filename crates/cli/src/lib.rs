//! The headless runner behind the `scalelab` binary: loads a design, runs it, and renders the
//! report as text or JSON; sweeps its load to find the limit; also the benchmarks. Kept in a library so tests call it in-process.

use scalelab_design::budget::{self, BudgetError, Limits};
use scalelab_design::sweep::{StopReason, SweepError, SweepOptions, SweepOutcome};
use scalelab_design::{lower, Design};
use scalelab_engine::prices::HOURS_PER_MONTH;
use scalelab_engine::{
    Command, EventKind, Report, SimDuration, SimEvent, SimTime, Simulation, StandbyMode,
    WindowStats,
};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::time::Instant;

/// Why a run could not start. Each variant maps to exit code 2 (bad input) in the binary.
#[derive(Debug, Clone, PartialEq)]
pub enum CliError {
    /// The command line is not understood (the text says how).
    Usage(String),
    /// The design file could not be read.
    Read { path: String, message: String },
    /// The file is not a design document.
    Parse(String),
    /// The design is well-formed but invalid: one line per problem, naming node and field.
    Invalid(Vec<String>),
    /// The design is valid but above the run's budget of memory or work.
    Budget(BudgetError),
    /// A sweep cannot start for a reason of the design (the text says which).
    Sweep(String),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}\n\n{USAGE}"),
            CliError::Read { path, message } => write!(f, "cannot read {path}: {message}"),
            CliError::Parse(m) => write!(f, "{m}"),
            CliError::Invalid(lines) => write!(f, "invalid design:\n  {}", lines.join("\n  ")),
            CliError::Budget(e) => write!(
                f,
                "{e}\n(raise the CLI's limits with --max-memory-mb and --max-events)"
            ),
            CliError::Sweep(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for CliError {}

pub const USAGE: &str = "usage:
  scalelab run DESIGN.json [--seed N] [--duration SECONDS] [--warmup SECONDS] [--json]
               [--max-memory-mb MB] [--max-events N]
  scalelab sweep DESIGN.json [--target-p99-ms MS] [--target-error-rate SHARE] [--seed N]
                 [--step-s SECONDS] [--json] [--max-memory-mb MB] [--max-events N]
  scalelab bench [--json]
  scalelab schema";

/// Options of `scalelab run`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    pub seed: Option<u64>,
    pub duration_s: f64,
    pub warmup_s: f64,
    /// Raised budget limits (`--max-memory-mb`, `--max-events`); `None`: the CLI's defaults.
    pub max_memory_mb: Option<f64>,
    pub max_events: Option<f64>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            seed: None,
            duration_s: 60.0,
            warmup_s: 5.0,
            max_memory_mb: None,
            max_events: None,
        }
    }
}

impl RunOptions {
    /// The budget of this run: the CLI's limits for its length, as raised by the options.
    pub fn limits(&self) -> Limits {
        let mut limits = Limits::cli(self.warmup_s + self.duration_s);
        if let Some(mb) = self.max_memory_mb {
            limits.memory_bytes = mb * 1024.0 * 1024.0;
        }
        if let Some(events) = self.max_events {
            limits.events = events;
            limits.events_per_sim_s = limits.events_per_sim_s.max(events);
        }
        limits
    }
}

/// Parses and validates a design text; every problem becomes one line naming node and field.
pub fn load(text: &str, warmup_s: f64) -> Result<(Design, scalelab_engine::Model), CliError> {
    let design = Design::from_json(text).map_err(|e| CliError::Parse(e.to_string()))?;
    let lowered = lower(&design, SimDuration::from_secs_f64(warmup_s))
        .map_err(|diags| CliError::Invalid(diags.iter().map(|d| d.to_string()).collect()))?;
    Ok((design, lowered.model))
}

/// Runs a design and returns the report and the wall time it took.
pub fn run(text: &str, options: &RunOptions) -> Result<(Report, f64), CliError> {
    run_windows(text, options).map(|(report, wall, _)| (report, wall))
}

/// Runs a design within its budget: refused (before parsing when the text is too long, before
/// lowering when the design is too costly) with the parameter to change. Memory stays
/// constant over time: the engine keeps running totals, and only the last
/// [`budget::CLI_WINDOWS_KEPT`] windows are kept (returned, oldest first).
pub fn run_windows(
    text: &str,
    options: &RunOptions,
) -> Result<(Report, f64, VecDeque<WindowStats>), CliError> {
    for (name, v, max) in [
        ("--duration", options.duration_s, 1e7),
        ("--warmup", options.warmup_s, 1e7),
    ] {
        if !(v.is_finite() && (0.0..=max).contains(&v)) {
            return Err(CliError::Usage(format!(
                "{name} must be between 0 and {max}"
            )));
        }
    }
    let limits = options.limits();
    budget::check_text(text.len(), &limits).map_err(CliError::Budget)?;
    let design = Design::from_json(text).map_err(|e| CliError::Parse(e.to_string()))?;
    budget::check(&design, &limits).map_err(CliError::Budget)?;
    let (design, model) = load(text, options.warmup_s)?;
    let seed = options.seed.unwrap_or(design.seed);
    let start = Instant::now();
    let mut sim = Simulation::new(&model, seed);
    let end = SimTime::from_secs_f64(options.warmup_s + options.duration_s);
    // In slices of a few hundred windows, so closed windows never pile up in the engine.
    let slice = model.window.0.max(1).saturating_mul(256);
    let mut history = VecDeque::with_capacity(budget::CLI_WINDOWS_KEPT);
    let mut t = SimTime::ZERO;
    while t < end {
        t = SimTime(t.0.saturating_add(slice)).min(end);
        sim.run_until(t);
        for w in sim.drain_windows() {
            if history.len() == budget::CLI_WINDOWS_KEPT {
                history.pop_front();
            }
            history.push_back(w);
        }
    }
    let report = sim.report();
    Ok((report, start.elapsed().as_secs_f64() * 1e3, history))
}

/// The JSON report of `scalelab run --json`.
pub fn report_json(report: &Report, wall_ms: f64) -> Value {
    let mut nodes = Map::new();
    for n in &report.nodes {
        let mut o = json!({
            "kind": n.kind,
            "utilization": n.utilization,
            "cpu_utilization": n.cpu_utilization,
            "mean_queue": n.mean_queue,
            "served": n.served,
            "errors": n.errors,
            "cost_per_hour_usd": n.cost_per_hour_usd,
            "bill": n.bill,
            "instances": n.instances,
        });
        if let (Some(h), Some(obj)) = (n.hit_ratio, o.as_object_mut()) {
            obj.insert("hit_ratio".into(), json!(h));
        }
        if let (Some(l), Some(obj)) = (n.latency, o.as_object_mut()) {
            obj.insert("p50_ms".into(), json!(l.p50_ms));
            obj.insert("p99_ms".into(), json!(l.p99_ms));
        }
        nodes.insert(n.key.clone(), o);
    }
    let c = &report.counters;
    json!({
        "seed": report.seed,
        "measured_s": report.measured_s,
        "warmup_s": report.warmup_s,
        "requests": {
            "generated": report.generated,
            "completed": report.completed,
            "failed": {
                "timeout": report.errors.timeout,
                "rejected": report.errors.rejected,
                "no_route": report.errors.no_route,
                "node_down": report.errors.node_down,
                "rate_limited": report.errors.rate_limited,
                "blocked": report.errors.blocked,
                "total": report.errors.total(),
            },
            "in_flight": report.in_flight,
            "from_warmup": report.from_warmup,
        },
        "latency_ms": {
            "mean": report.latency.mean_ms,
            "p50": report.latency.p50_ms,
            "p95": report.latency.p95_ms,
            "p99": report.latency.p99_ms,
            "max": report.latency.max_ms,
        },
        "throughput_rps": report.throughput_rps,
        "nodes": nodes,
        "cache_hit_ratio": report.cache_hit_ratio,
        "cdn_hit_ratio": report.cdn_hit_ratio,
        "mechanisms": c,
        "replication_lag_ms": c.mean_replication_lag_ms(),
        "job_latency_ms": report.job_latency,
        "cost_per_hour_usd": report.cost_per_hour_usd,
        "cost_per_month_usd": report.cost_per_month_usd,
        "usd_per_million_requests": report.usd_per_million_requests,
        "standby_cost_per_hour_usd": report.standby_cost_per_hour_usd,
        "bill": report.bill,
        "events": report.events,
        "wall_ms": wall_ms,
    })
}

/// The human-readable report.
pub fn report_text(report: &Report, wall_ms: f64) -> String {
    let mut s = String::new();
    let e = &report.errors;
    s += &format!(
        "measured {:.0} s after {:.0} s warm-up (seed {})\n",
        report.measured_s, report.warmup_s, report.seed
    );
    // The causes only a gateway or a WAF produce are told where one could.
    let mut edge = String::new();
    if e.rate_limited > 0 {
        edge += &format!(", rate limited {}", e.rate_limited);
    }
    if e.blocked > 0 {
        edge += &format!(", blocked {}", e.blocked);
    }
    s += &format!(
        "requests  generated {}  completed {}  failed {} (timeout {}, rejected {}, no route {}, node down {}{edge})\n",
        report.generated, report.completed, e.total(), e.timeout, e.rejected, e.no_route, e.node_down
    );
    s += &format!(
        "          in flight {}  from the warm-up {}\n",
        report.in_flight, report.from_warmup
    );
    let l = &report.latency;
    s += &format!(
        "latency   mean {:.2} ms  p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2}\n",
        l.mean_ms, l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms
    );
    s += &format!("throughput {:.1} req/s\n", report.throughput_rps);
    if let Some(h) = report.cache_hit_ratio {
        s += &format!("cache hit ratio {:.3}\n", h);
    }
    if let Some(h) = report.cdn_hit_ratio {
        s += &format!("cdn hit ratio {:.3}\n", h);
    }
    let c = &report.counters;
    s += &format!(
        "stale reads {}  stale responses {}  lost writes {} (at risk {})  lost sessions {}  jobs {} / {}  keys moved {}\n",
        c.stale_reads, c.stale_responses, c.lost_writes, c.writes_at_risk, c.lost_sessions, c.jobs_done, c.jobs_published, c.keys_moved
    );
    if c.keys_moved + c.gather_reads + c.migration_ns > 0 {
        s += &format!(
            "sharding  keys moved {}  migrated {}  migration {:.1} s  gather reads {}\n",
            c.keys_moved,
            c.keys_migrated,
            c.migration_ns as f64 * 1e-9,
            c.gather_reads
        );
    }
    if c.jobs_published + c.jobs_done > 0 {
        let j = &report.job_latency;
        s += &format!(
            "jobs      latency p50 {:.2} ms  p99 {:.2}  max {:.2}\n",
            j.p50_ms, j.p99_ms, j.max_ms
        );
    }
    if c.instances_launched + c.instances_retired > 0 {
        s += &format!(
            "autoscaling  instances launched {}  retired {}\n",
            c.instances_launched, c.instances_retired
        );
    }
    if c.replica_promotions > 0 {
        s += &format!("replicas  promoted {}\n", c.replica_promotions);
    }
    if c.standby_activations > 0 || report.standby_cost_per_hour_usd > 0.0 {
        s += &format!(
            "standby   activated {}  recovery {:.1} s  lost writes {}  standing by ${:.6}/h\n",
            c.standby_activations,
            c.standby_recovery_ns as f64 * 1e-9,
            c.standby_lost_writes,
            report.standby_cost_per_hour_usd
        );
    }
    // util: worker occupancy (waits downstream included); cpu: CPU time over the cores.
    // p99: the node's answer time, downstream included.
    s += "node                     kind              util   cpu  queue   served  errors   p99 ms  hit\n";
    for n in &report.nodes {
        s += &format!(
            "{:<24} {:<16} {:>5.2} {:>5.2} {:>6.2} {:>8} {:>7} {:>8}  {}\n",
            n.key,
            n.kind,
            n.utilization,
            n.cpu_utilization,
            n.mean_queue,
            n.served,
            n.errors,
            n.latency.map_or("-".into(), |l| format!("{:.2}", l.p99_ms)),
            n.hit_ratio.map_or("-".into(), |h| format!("{h:.3}"))
        );
    }
    if c.internet_egress_bytes + c.cdn_egress_bytes + c.cross_region_bytes > 0 {
        s += &format!(
            "transfer  internet egress {:.2} GB  cdn egress {:.2} GB  cross-region {:.3} GB\n",
            c.internet_egress_bytes as f64 / 1e9,
            c.cdn_egress_bytes as f64 / 1e9,
            c.cross_region_bytes as f64 / 1e9
        );
    }
    if c.lb_requests + c.queue_requests + c.dns_queries > 0 {
        s += &format!(
            "requests  load balancers {}  queue {}  dns queries {}\n",
            c.lb_requests, c.queue_requests, c.dns_queries
        );
    }
    if c.rate_limited + c.waf_inspected > 0 {
        s += &format!(
            "edge      rate limited {}  waf inspected {}  attacks blocked {}  passed {}  legit blocked {}\n",
            c.rate_limited, c.waf_inspected, c.attacks_blocked, c.attacks_passed, c.legit_blocked
        );
    }
    s += &bill_text(report);
    s += &format!(
        "cost ${:.4}/h  ${:.2}/month  ${:.4} per million requests  events {}  wall {:.0} ms\n",
        report.cost_per_hour_usd,
        report.cost_per_month_usd,
        report.usd_per_million_requests,
        report.events,
        wall_ms
    );
    s
}

/// The bill: one line per node that costs anything, its $/h by line, then the totals by line.
fn bill_text(report: &Report) -> String {
    let names = report.bill.lines().map(|(name, _)| name);
    let used: Vec<usize> = (0..names.len())
        .filter(|&i| report.bill.lines()[i].1 != 0.0)
        .collect();
    let mut s = format!("{:<24} {:>9} {:>9}", "bill $/h", "total", "$/month");
    for &i in &used {
        s += &format!(" {:>15}", names[i]);
    }
    s += "\n";
    let row = |key: &str, total: f64, bill: &scalelab_engine::Bill, extra: String| {
        let mut line = format!("{key:<24} {total:>9.4} {:>9.2}", total * HOURS_PER_MONTH);
        let lines = bill.lines();
        for &i in &used {
            line += &format!(" {:>15.4}", lines[i].1);
        }
        line + &extra + "\n"
    };
    for n in report.nodes.iter().filter(|n| n.cost_per_hour_usd != 0.0) {
        let extra = if n.kind == "cache" && n.instances > 1 {
            format!("  ({} nodes)", n.instances)
        } else {
            String::new()
        };
        s += &row(&n.key, n.cost_per_hour_usd, &n.bill, extra);
    }
    s += &row(
        "total",
        report.cost_per_hour_usd,
        &report.bill,
        String::new(),
    );
    s
}

/// Options of `scalelab sweep` beside the budget's (`RunOptions::max_*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepArgs {
    pub target_p99_ms: Option<f64>,
    pub target_error_rate: Option<f64>,
    pub seed: Option<u64>,
    pub step_s: Option<f64>,
    pub max_memory_mb: Option<f64>,
    pub max_events: Option<f64>,
}

/// Sweeps a design text (see `scalelab_design::sweep`) and returns the outcome, the design's
/// name and the wall time it took. The budget is the CLI's for one step, its events for the
/// whole sweep.
pub fn sweep(text: &str, args: &SweepArgs) -> Result<(SweepOutcome, String, f64), CliError> {
    let mut options = SweepOptions::new(Limits::cli(0.0));
    options.target_p99_ms = args.target_p99_ms;
    options.seed = args.seed;
    if let Some(e) = args.target_error_rate {
        options.target_error_rate = e;
    }
    if let Some(s) = args.step_s {
        options.step_s = s;
    }
    let run = RunOptions {
        max_memory_mb: args.max_memory_mb,
        max_events: args.max_events,
        ..RunOptions::default()
    };
    options.limits = run.limits();
    budget::check_text(text.len(), &options.limits).map_err(CliError::Budget)?;
    let design = Design::from_json(text).map_err(|e| CliError::Parse(e.to_string()))?;
    let start = Instant::now();
    let outcome = scalelab_design::sweep(&design, &options).map_err(|e| match e {
        SweepError::Option(m) => CliError::Usage(m),
        SweepError::Invalid(lines) => CliError::Invalid(lines),
        SweepError::Budget(b) => CliError::Budget(b),
        SweepError::NoTraffic => CliError::Sweep(e.to_string()),
    })?;
    Ok((outcome, design.name, start.elapsed().as_secs_f64() * 1e3))
}

/// What the sweep changed in the design, in words: said in both outputs.
fn sweep_notes(o: &SweepOutcome) -> Vec<String> {
    let mut notes = vec![format!(
        "each step: a fresh run at one rate with seed {}, {} s warm-up discarded, {} s measured",
        o.seed, o.warmup_s, o.step_s
    )];
    // Said even when there were none: a sweep never runs a design's faults.
    notes.push(format!(
        "{} scheduled fault(s) removed for the sweep",
        o.faults_removed
    ));
    if o.profiles_flattened > 0 {
        notes.push(format!(
            "{} users profile(s) made steady for the sweep",
            o.profiles_flattened
        ));
    }
    notes
}

fn stop_text(stop: Option<StopReason>) -> &'static str {
    let Some(stop) = stop else {
        return "not finished";
    };
    match stop {
        StopReason::LimitFound => "limit found within 1 %",
        StopReason::NoRateMeets => "no rate meets the targets (the design's rate halved 10 times)",
        StopReason::RateCap => "the users' highest rate meets the targets: the limit is above it",
        StopReason::MaxSteps => "the sweep's most steps reached before the limit was bracketed",
        StopReason::MaxSimulatedSeconds => {
            "the sweep's most simulated seconds reached before the limit was bracketed"
        }
        StopReason::Budget => "the next step is over the budget",
    }
}

/// The JSON of `scalelab sweep --json`: the outcome's fields, the design's name, the notes and
/// the wall time.
pub fn sweep_json(outcome: &SweepOutcome, name: &str, wall_ms: f64) -> Value {
    let mut v = serde_json::to_value(outcome).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("design".into(), json!(name));
        o.insert("notes".into(), json!(sweep_notes(outcome)));
        o.insert("wall_ms".into(), json!(wall_ms));
    }
    v
}

/// The human-readable sweep: one line per step by rising rate, then the limit and the first
/// saturated node.
pub fn sweep_text(o: &SweepOutcome, name: &str, wall_ms: f64) -> String {
    let mut s = format!("sweep of '{name}'\n");
    for n in sweep_notes(o) {
        s += &format!("  {n}\n");
    }
    s += &format!(
        "targets   p99 {}  error rate <= {:.3} %  and keeping up with the offered load\n",
        o.target_p99_ms
            .map_or("not set".into(), |t| format!("<= {t} ms")),
        o.target_error_rate * 100.0
    );
    s += "    rate/s   p50 ms    p99 ms  errors %   thru/s  meets  busiest                 util\n";
    for p in &o.points {
        s += &format!(
            "{:>10.1} {:>8.2} {:>9.2} {:>9.3} {:>8.1}  {:<5}  {:<22} {:>5.2}\n",
            p.rate_rps,
            p.p50_ms,
            p.p99_ms,
            p.error_rate * 100.0,
            p.throughput_rps,
            if p.meets {
                "yes"
            } else if p.keeps_up {
                "no"
            } else {
                "no*"
            },
            p.busiest.as_deref().unwrap_or("-"),
            p.busiest_utilization
        );
    }
    if o.points.iter().any(|p| !p.keeps_up) {
        s += "  (* the backlog grew: the step did not keep up with its offered load)\n";
    }
    s += &match (o.limit_rps, o.failed_rps) {
        (Some(l), Some(f)) => format!("limit     {l:.1} req/s (fails at {f:.1})\n"),
        (Some(l), None) => format!("limit     at least {l:.1} req/s\n"),
        (None, Some(f)) => format!("limit     none (fails even at {f:.1} req/s)\n"),
        (None, None) => "limit     none\n".into(),
    };
    s += &format!(
        "first saturated  {}\n",
        o.first_saturated
            .as_deref()
            .unwrap_or("none (no node passed 0.95 utilisation)")
    );
    s += &format!(
        "stopped   {}: {} steps, {:.0} simulated s, {} events, wall {:.0} ms\n",
        stop_text(o.stop),
        o.points.len(),
        o.simulated_s,
        o.events,
        wall_ms
    );
    if let Some(b) = &o.budget {
        s += &format!("          {b}\n");
    }
    s
}

/// The JSON Schema of the design document, generated from its types.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Design);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// The benchmark figures of `scalelab bench`.
///
/// The stage-5 hour runs first, so that the process's peak resident memory read right after it
/// is that run's (the M/M/1 run afterwards keeps its memory flat by draining its windows).
pub fn bench(stage5: &str) -> Result<Value, CliError> {
    // The stage-5 design at its own rate (10 k requests/s) for one whole simulated hour, through
    // the same path as `scalelab run`.
    let sim_s = 3600.0;
    let (report, wall_ms) = run(
        stage5,
        &RunOptions {
            seed: Some(1),
            duration_s: sim_s,
            warmup_s: 0.0,
            ..RunOptions::default()
        },
    )?;
    let stage5_rss_mb = peak_rss_mb();
    let stage_rps = report.generated as f64 / (wall_ms / 1e3);

    let mm1 = mm1_bench(10_000_000.0)?;
    Ok(json!({
        "mm1_events_per_sec": mm1.events_per_sec,
        "mm1_customers_per_sec": mm1.customers_per_sec,
        "mm1_mean_ms": mm1.mean_ms,
        "mm1_windows": mm1.windows,
        "stage_requests_per_sec": stage_rps,
        "stage5_events_per_sec": report.events as f64 / (wall_ms / 1e3),
        "stage5_sim_seconds": sim_s,
        "stage5_hour_wall_s": wall_ms / 1e3,
        "stage5_peak_rss_mb": stage5_rss_mb,
    }))
}

/// One M/M/1 benchmark run: how fast, and its mean response time (theory: 100 ms).
#[derive(Debug, Clone, Copy)]
pub struct Mm1Bench {
    pub customers_per_sec: f64,
    pub events_per_sec: f64,
    pub mean_ms: f64,
    pub windows: usize,
}

/// M/M/1 at ρ = 0.9 (λ = 90/s, mean service 10 ms) for `customers` customers through the real
/// engine with its real metrics (one-second windows, each summarised), drained every simulated
/// hour the way the app's worker drains them.
pub fn mm1_bench(customers: f64) -> Result<Mm1Bench, CliError> {
    let m = Design::from_json(
        r#"{"version":1,"nodes":[
        {"id":"users","kind":"users","users":1,"rate_rps":90,"rtt_ms":0,"timeout_ms":600000},
        {"id":"server","kind":"server","workers":1,"queue_capacity":1000000,"service_ms":10}],
        "edges":[{"from":"users","to":"server"}]}"#,
    )
    .map_err(|e| CliError::Parse(e.to_string()))?;
    let model = lower(&m, SimDuration::ZERO)
        .map_err(|d| CliError::Invalid(d.iter().map(|d| d.to_string()).collect()))?
        .model;
    let end = SimTime::from_secs_f64(customers / 90.0);
    let start = Instant::now();
    let mut sim = Simulation::new(&model, 1);
    let mut windows = 0usize;
    while sim.now() < end {
        let next = SimTime((sim.now() + SimDuration::from_secs(3600)).0.min(end.0));
        sim.run_until(next);
        windows += sim.drain_windows().len();
    }
    let wall = start.elapsed().as_secs_f64();
    let r = sim.report();
    Ok(Mm1Bench {
        customers_per_sec: r.completed as f64 / wall,
        events_per_sec: sim.events() as f64 / wall,
        mean_ms: r.latency.mean_ms,
        windows,
    })
}

/// The process's peak resident set size in MB (VmHWM), where the OS reports it (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The names a run's events use: the model's node keys and region names, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub nodes: Vec<String>,
    pub regions: Vec<String>,
}

impl Names {
    /// The names of a design's model (lowered as `run` lowers it).
    pub fn of(text: &str, warmup_s: f64) -> Result<Names, CliError> {
        let (_, model) = load(text, warmup_s)?;
        Ok(Names {
            nodes: model.nodes.iter().map(|n| n.key.clone()).collect(),
            regions: model.regions.clone(),
        })
    }

    fn node(&self, id: u32) -> String {
        self.nodes
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    fn region(&self, id: u16) -> String {
        self.regions
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }
}

/// One event in the chapter's words (English), without its time.
pub fn event_sentence(e: &SimEvent, names: &Names) -> String {
    let node = e.node.map_or_else(String::new, |n| names.node(n));
    let plural = |n: u32| if n == 1 { "" } else { "s" };
    match &e.what {
        EventKind::Fault { command, scheduled } => {
            let how = if *scheduled { "scheduled" } else { "live" };
            let what = match *command {
                Command::SetRate { rps, .. } => format!("{node}'s base rate set to {rps:.0} req/s"),
                Command::Kill { .. } => format!("{node} died"),
                Command::Restore { .. } => format!("{node} came back"),
                Command::Slow { factor, .. } => format!("{node} slowed ×{factor}"),
                Command::KillRegion { region } => {
                    format!("data centre {} failed", names.region(region))
                }
                Command::RestoreRegion { region } => {
                    format!("data centre {} came back", names.region(region))
                }
                Command::Partition { a, b } => format!(
                    "the network between {} and {} was cut",
                    names.region(a),
                    names.region(b)
                ),
                Command::Heal { a, b } => format!(
                    "the network between {} and {} was repaired",
                    names.region(a),
                    names.region(b)
                ),
                Command::Deploy { .. } => format!("a new version was deployed behind {node}"),
                Command::Reshard { .. } => format!("{node} was told to add a shard"),
            };
            format!("{what} ({how})")
        }
        EventKind::TargetOut { target } => format!(
            "{node}'s health check took {} out",
            names.node(*target)
        ),
        EventKind::TargetIn { target } => format!(
            "{node}'s health check put {} back",
            names.node(*target)
        ),
        EventKind::Failover {
            promoted,
            writes_lost,
            writes_at_risk,
        } => format!(
            "{node} failed over: {} promoted, {writes_lost} writes lost ({writes_at_risk} were at risk)",
            names.node(*promoted)
        ),
        EventKind::Launched { count } => {
            format!("{node}'s autoscaler launched {count} instance{}", plural(*count))
        }
        EventKind::Booted { count } => {
            format!("{count} instance{} of {node} finished booting", plural(*count))
        }
        EventKind::Retired { count } => {
            format!("{node}'s autoscaler retired {count} instance{}", plural(*count))
        }
        EventKind::Purged => format!("{node}'s purge landed: every edge copy is gone"),
        EventKind::ReshardStarted { shard, keys_moved } => format!(
            "{node} started resharding onto {}: {keys_moved} keys to move",
            names.node(*shard)
        ),
        EventKind::ReshardFinished { keys_moved } => {
            format!("{node} finished resharding ({keys_moved} keys moved)")
        }
        EventKind::RateStep { factor, rate_rps } => {
            format!("{node}'s traffic stepped ×{factor} to {rate_rps:.0} req/s")
        }
        EventKind::RampStarted { factor, rate_rps } => {
            format!("{node}'s traffic started ramping ×{factor} towards {rate_rps:.0} req/s")
        }
        EventKind::RampEnded { rate_rps, .. } => {
            format!("{node}'s ramp ended at {rate_rps:.0} req/s")
        }
        EventKind::SpikeStarted { factor, rate_rps } => {
            format!("{node}'s traffic spiked ×{factor} to {rate_rps:.0} req/s")
        }
        EventKind::SpikeEnded { rate_rps } => {
            format!("{node}'s spike ended: back to {rate_rps:.0} req/s")
        }
        EventKind::Saturated { utilization } => format!(
            "{node} saturated ({:.0} % busy for a whole window)",
            utilization * 100.0
        ),
        EventKind::Recovered { utilization } => {
            format!("{node} recovered ({:.0} % busy)", utilization * 100.0)
        }
        EventKind::Rejecting => format!("{node}'s queue is full: it started rejecting requests"),
        EventKind::TimeoutsStarted => format!("{node}'s requests started timing out"),
        EventKind::DeadDnsTarget { dns } => format!(
            "users kept sending requests to dead {node}: {}'s answer is cached for its TTL",
            names.node(*dns)
        ),
        EventKind::Stampede { reads } => format!(
            "cache stampede at {node}: {reads} misses piled onto reads already in flight"
        ),
        EventKind::ReplicaPromoted {
            promoted,
            entries_lost,
        } => format!(
            "{node} failed over: {} promoted with its contents ({entries_lost} recent changes lost)",
            names.node(*promoted)
        ),
        EventKind::StandbyActivated { mode } => {
            let mode = match mode {
                StandbyMode::Hot => "hot",
                StandbyMode::Warm => "warm",
                StandbyMode::Cold => "cold",
            };
            format!("health checks failed: the {mode} standby behind {node} was activated")
        }
        EventKind::StandbyProvisioned => {
            format!("the cold standby behind {node} is provisioned and restored from backup")
        }
        EventKind::StandbyServing { recovery_s } => format!(
            "the standby behind {node} serves: recovered {recovery_s:.0} s after the failure"
        ),
    }
}

/// The run's events, one line each, after the report.
pub fn timeline_text(report: &Report, names: &Names) -> String {
    if report.timeline.is_empty() {
        return String::new();
    }
    let mut s = String::from("events\n");
    for e in &report.timeline {
        s += &format!("  t={:>8.3} s  {}\n", e.at_s, event_sentence(e, names));
    }
    if report.timeline_dropped > 0 {
        s += &format!("  … and {} more events\n", report.timeline_dropped);
    }
    s
}

/// The run's events as JSON: each event as the engine emits it, with its node's key and its
/// sentence.
pub fn timeline_json(report: &Report, names: &Names) -> Value {
    let events: Vec<Value> = report
        .timeline
        .iter()
        .map(|e| {
            let mut v = json!(e);
            if let Some(o) = v.as_object_mut() {
                o.insert("node_key".into(), json!(e.node.map(|n| names.node(n))));
                o.insert("text".into(), json!(event_sentence(e, names)));
            }
            v
        })
        .collect();
    json!({ "events": events, "dropped": report.timeline_dropped })
}

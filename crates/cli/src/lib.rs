//! The headless runner behind the `scalelab` binary: loads a design, runs it, and renders the
//! report as text or JSON; also the benchmarks. Kept in a library so tests call it in-process.

use scalelab_design::budget::{self, BudgetError, Limits};
use scalelab_design::{lower, Design};
use scalelab_engine::prices::HOURS_PER_MONTH;
use scalelab_engine::{Report, SimDuration, SimTime, Simulation, WindowStats};
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
        }
    }
}

impl std::error::Error for CliError {}

pub const USAGE: &str = "usage:
  scalelab run DESIGN.json [--seed N] [--duration SECONDS] [--warmup SECONDS] [--json]
               [--max-memory-mb MB] [--max-events N]
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
    s += &format!(
        "requests  generated {}  completed {}  failed {} (timeout {}, rejected {}, no route {}, node down {})\n",
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
    // util: worker occupancy (waits downstream included); cpu: CPU time over the cores.
    s += "node                     kind              util   cpu  queue   served  errors  hit\n";
    for n in &report.nodes {
        s += &format!(
            "{:<24} {:<16} {:>5.2} {:>5.2} {:>6.2} {:>8} {:>7}  {}\n",
            n.key,
            n.kind,
            n.utilization,
            n.cpu_utilization,
            n.mean_queue,
            n.served,
            n.errors,
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

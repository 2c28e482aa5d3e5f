//! The dashboard's numbers and pictures: pure functions turn windows into named series (shared by
//! each chart and its table, so the two agree by construction), and one plotters routine draws a
//! chart's series on a canvas. The run's windows as a CSV file are `csv.rs`.

use crate::i18n::dashboard::{text, Text};
use crate::i18n::Lang;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use scalelab_design::document::{AutoscaleDoc, HotShardDoc, SessionsDoc, WriteStrategyDoc};
use scalelab_design::kinds::Chart;
use scalelab_design::{Design, NodeParams};
use scalelab_engine::prices::HOURS_PER_MONTH;
use scalelab_engine::{Counters, NodeStats, WindowStats};
use web_sys::HtmlCanvasElement;

/// How many of the most recent windows a chart shows: two minutes of one-second windows is
/// enough to see a trend, and keeps a redraw to a few thousand line segments.
pub const SHOWN: usize = 120;

/// One chart of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartId {
    Latency,
    Throughput,
    HitRatio,
    Utilization,
    Queue,
    Replication,
    Jobs,
    Cost,
}

impl ChartId {
    /// Every chart, in the order the dashboard shows them.
    pub const ALL: [ChartId; 8] = [
        ChartId::Latency,
        ChartId::Throughput,
        ChartId::HitRatio,
        ChartId::Utilization,
        ChartId::Queue,
        ChartId::Replication,
        ChartId::Jobs,
        ChartId::Cost,
    ];

    /// The chart's name in element ids (`#chart-<slug>`, `#table-<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            ChartId::Latency => "latency",
            ChartId::Throughput => "throughput",
            ChartId::HitRatio => "hit-ratio",
            ChartId::Utilization => "utilization",
            ChartId::Queue => "queue",
            ChartId::Replication => "replication",
            ChartId::Jobs => "jobs",
            ChartId::Cost => "cost",
        }
    }

    fn title(self) -> Text {
        match self {
            ChartId::Latency => Text::LatencyTitle,
            ChartId::Throughput => Text::ThroughputTitle,
            ChartId::HitRatio => Text::HitRatioTitle,
            ChartId::Utilization => Text::UtilizationTitle,
            ChartId::Queue => Text::QueueTitle,
            ChartId::Replication => Text::ReplicationTitle,
            ChartId::Jobs => Text::JobsTitle,
            ChartId::Cost => Text::CostTitle,
        }
    }
}

/// Which y axis a series is read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Left,
    Right,
}

/// One line of a chart: a value per window, `None` where the quantity is undefined (no request
/// completed, no cache lookup happened, the node did not exist yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Stable and language-free (`p99`, `timeout`, `util:web0`): element ids and tests use it.
    pub key: String,
    pub label: String,
    pub axis: Axis,
    /// Index into the palette; see [`rgb`].
    pub colour: usize,
    pub values: Vec<Option<f64>>,
}

/// Everything one chart and its table show. `xs[i]` is the end of window `i` in simulated
/// seconds, and every series has one value per entry of `xs`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub id: ChartId,
    pub title: &'static str,
    pub xs: Vec<f64>,
    /// Window length in simulated seconds, labelled on the chart.
    pub window_s: f64,
    pub left_unit: &'static str,
    pub right_unit: Option<&'static str>,
    /// The right axis is the left one times this factor (cost: $/month = $/hour × 730), so both
    /// lines coincide and either axis can be read.
    pub right_scale: Option<f64>,
    /// Percentages: the left axis is fixed at 0..100.
    pub percent: bool,
    pub series: Vec<Series>,
    /// The engine's events in the shown windows: a vertical line each, labelled, with its
    /// sentence on hover.
    pub markers: Vec<Marker>,
}

/// An event marked on a time chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub at_s: f64,
    /// A word or two, written beside the line.
    pub label: String,
    /// The event log's sentence, shown on hover.
    pub sentence: String,
    /// The event's kind, as the engine names it.
    pub kind: String,
}

/// The markers of the events in `windows`, oldest first.
pub fn markers(windows: &[WindowStats], design: &Design, lang: Lang) -> Vec<Marker> {
    use crate::i18n::events::{sentence, short};
    let names = crate::events::ModelNames::of(design);
    windows
        .iter()
        .flat_map(|w| w.events.iter())
        .map(|e| {
            let at = crate::events::fmt_time(e.at_s);
            let said = sentence(lang, e, &names);
            Marker {
                at_s: e.at_s,
                label: short(lang, e, &names),
                sentence: match lang {
                    Lang::Ko => format!("{at}초: {said}"),
                    Lang::En => format!("t={at} s: {said}"),
                },
                kind: crate::events::kind_name(e),
            }
        })
        .collect()
}

impl ChartData {
    /// The index of the window `at` (simulated seconds) falls in: the first whose end is at or
    /// after it; `None` when it is before the first shown window or after the last.
    pub fn window_of(&self, at: f64) -> Option<usize> {
        let i = self.xs.partition_point(|&v| v < at);
        let end = *self.xs.get(i)?;
        (end - self.window_s <= at + 1e-9).then_some(i)
    }

    /// The index of the window whose end is nearest to `x`.
    pub fn nearest(&self, x: f64) -> Option<usize> {
        let after = self.xs.partition_point(|&v| v < x);
        let candidates = [after.checked_sub(1), Some(after)];
        candidates
            .into_iter()
            .flatten()
            .filter(|&i| i < self.xs.len())
            .min_by(|&a, &b| (self.xs[a] - x).abs().total_cmp(&(self.xs[b] - x).abs()))
    }
}

/// What the dashboard needs to know about one engine node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelNode {
    /// The document node's id, with `/r1`, `/s1`… for the replicas and shards it expands into.
    pub label: String,
    /// A node with workers and a queue (servers, stores, databases, consumers, shards): its
    /// utilisation and queue depth are charted. Load balancers, CDNs and shard routers are not.
    pub server_like: bool,
    /// A server pool (several instances, or autoscaled): its instance count is charted.
    pub pool: bool,
}

/// The engine's nodes in engine order: `NodeStats::id` indexes this list. Document nodes come
/// first, each followed by the replicas or shards the lowering expands it into.
pub fn model_nodes(design: &Design) -> Vec<ModelNode> {
    // The expansion itself is decided in one place, the design crate; this only adds what the
    // dashboard charts about each engine node.
    scalelab_design::lower::model_nodes(design)
        .into_iter()
        .map(|node| {
            let expanded = node.key != design.nodes[node.design_index].id;
            // Replicas and shards hold workers; a design node does if its kind charts its load.
            let server_like = expanded
                || design.nodes[node.design_index]
                    .params
                    .tag()
                    .spec()
                    .has_chart(Chart::Load);
            let pool = !expanded
                && matches!(
                    design.nodes[node.design_index].params,
                    NodeParams::Server { instances, autoscale, .. }
                        if instances > 1 || autoscale != AutoscaleDoc::Off
                );
            ModelNode {
                label: node.key,
                server_like,
                pool,
            }
        })
        .collect()
}

/// How loaded a node is, 0..=1: the busier of its CPU utilisation and its worker occupancy. A
/// web server whose workers wait on the database is full while its CPU idles; a database or a
/// web server short of vCPUs is full while its workers wait for a core.
pub fn load(stats: &NodeStats) -> f64 {
    stats.utilization.max(stats.cpu_utilization)
}

/// Whether [`load`] is the CPU's (rather than the workers').
pub fn cpu_bound(stats: &NodeStats) -> bool {
    stats.cpu_utilization > stats.utilization
}

/// The charts that apply to `design`, in display order. Latency, throughput and cost always do.
pub fn applicable(design: &Design) -> Vec<ChartId> {
    let charted = |chart| {
        design
            .nodes
            .iter()
            .any(|n| n.params.tag().spec().has_chart(chart))
    };
    let caches = charted(Chart::HitRatio);
    // Replication lag exists only where a node of such a kind has replicas to lag.
    let replicas = scalelab_design::lower::model_nodes(design).iter().any(|m| {
        let node = &design.nodes[m.design_index];
        m.key != node.id && node.params.tag().spec().has_chart(Chart::Replication)
    });
    let queues = charted(Chart::Jobs);
    let servers = model_nodes(design).iter().any(|n| n.server_like);
    ChartId::ALL
        .into_iter()
        .filter(|id| match id {
            ChartId::Latency | ChartId::Throughput | ChartId::Cost => true,
            ChartId::HitRatio => caches,
            ChartId::Utilization | ChartId::Queue => servers,
            ChartId::Replication => replicas,
            ChartId::Jobs => queues,
        })
        .collect()
}

/// One of the chapter's mechanisms, counted since the run started.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// The counter's name in element ids (`#c-<key>`) and the CSV.
    pub key: &'static str,
    pub label: Text,
    pub help: Text,
    /// The raw count (nanoseconds for a time), the `data-value` tests read.
    pub value: u64,
    /// The count as shown, with its unit where it has one.
    pub shown: String,
}

/// The mechanism counts that apply to `design`, from the run's totals: shown even at zero, so
/// that "no stale reads" reads as a measurement.
pub fn tallies(totals: &Counters, design: &Design) -> Vec<Tally> {
    let any = |f: &dyn Fn(&NodeParams) -> bool| design.nodes.iter().any(|n| f(&n.params));
    let cache = any(&|p| matches!(p, NodeParams::Cache { .. }));
    let write_back = any(&|p| {
        matches!(
            p,
            NodeParams::Cache {
                write_strategy: WriteStrategyDoc::WriteBack,
                ..
            }
        )
    });
    let replicas = any(&|p| matches!(p, NodeParams::Database { replicas, .. } if *replicas > 0));
    let in_server = any(&|p| {
        matches!(
            p,
            NodeParams::Server {
                sessions: SessionsDoc::InServer,
                ..
            }
        )
    });
    let cdn = any(&|p| matches!(p, NodeParams::Cdn { .. }));
    let sharded = any(&|p| matches!(p, NodeParams::ShardedDatabase { .. }));
    let autoscaled = any(
        &|p| matches!(p, NodeParams::Server { autoscale, .. } if *autoscale != AutoscaleDoc::Off),
    );
    // Salted reads gather only where hot keys are salted on the shared shards.
    let salted = any(&|p| {
        matches!(p, NodeParams::ShardedDatabase { salt, hot_keys, hot_shard, .. }
            if *salt > 1 && *hot_keys > 0 && *hot_shard == HotShardDoc::Shared)
    });
    let c = totals;
    let count = |n: u64| (n, n.to_string());
    let rows = [
        (
            cache || replicas,
            "stale_reads",
            Text::StaleReads,
            Text::StaleReadsHelp,
            count(c.stale_reads),
        ),
        (
            replicas || write_back,
            "lost_writes",
            Text::LostWrites,
            Text::LostWritesHelp,
            count(c.lost_writes),
        ),
        (
            replicas,
            "writes_at_risk",
            Text::WritesAtRisk,
            Text::WritesAtRiskHelp,
            count(c.writes_at_risk),
        ),
        (
            in_server,
            "lost_sessions",
            Text::LostSessions,
            Text::LostSessionsHelp,
            count(c.lost_sessions),
        ),
        (
            cdn,
            "stale_responses",
            Text::StaleResponses,
            Text::StaleResponsesHelp,
            count(c.stale_responses),
        ),
        (
            cache,
            "stampede_reads",
            Text::StampedeReads,
            Text::StampedeReadsHelp,
            count(c.stampede_reads),
        ),
        (
            sharded,
            "keys_moved",
            Text::KeysMoved,
            Text::KeysMovedHelp,
            count(c.keys_moved),
        ),
        (
            salted,
            "gather_reads",
            Text::GatherReads,
            Text::GatherReadsHelp,
            count(c.gather_reads),
        ),
        (
            sharded,
            "migration_s",
            Text::MigrationTime,
            Text::MigrationTimeHelp,
            (
                c.migration_ns,
                format!("{:.1} s", c.migration_ns as f64 * 1e-9),
            ),
        ),
        (
            autoscaled,
            "instances_launched",
            Text::InstancesLaunched,
            Text::AutoscaleHelp,
            count(c.instances_launched),
        ),
        (
            autoscaled,
            "instances_retired",
            Text::InstancesRetired,
            Text::AutoscaleHelp,
            count(c.instances_retired),
        ),
    ];
    rows.into_iter()
        .filter(|row| row.0)
        .map(|(_, key, label, help, (value, shown))| Tally {
            key,
            label,
            help,
            value,
            shown,
        })
        .collect()
}

/// The last [`SHOWN`] windows: what the charts and their tables show.
pub fn shown(windows: &[WindowStats]) -> &[WindowStats] {
    &windows[windows.len().saturating_sub(SHOWN)..]
}

/// Turns windows into the series of chart `id`. `windows` are already cut to what is shown;
/// `nodes` is [`model_nodes`] of the running design; `design` decides which optional series
/// (cache, CDN) exist.
pub fn chart_data(
    id: ChartId,
    windows: &[WindowStats],
    design: &Design,
    nodes: &[ModelNode],
    lang: Lang,
) -> ChartData {
    let tr = |key| text(lang, key);
    let series =
        |key: &str, label: &str, axis, colour, f: &dyn Fn(&WindowStats) -> Option<f64>| Series {
            key: key.to_string(),
            label: label.to_string(),
            axis,
            colour,
            values: windows.iter().map(f).collect(),
        };
    // Percentiles of a window where nothing completed are reported as zero by the engine; a
    // gap is more honest than a line dropping to 0 ms while the service is down.
    let completed = |w: &WindowStats, v: f64| (w.completed > 0).then_some(v);
    let per_s = |w: &WindowStats, n: u64| n as f64 / w.len_s.max(1e-9);
    let node_value = |w: &WindowStats, i: usize, f: fn(&scalelab_engine::NodeStats) -> f64| {
        w.nodes.iter().find(|n| n.id as usize == i).map(f)
    };
    let has = |f: fn(&NodeParams) -> bool| design.nodes.iter().any(|n| f(&n.params));
    let mut percent = false;
    let mut right_unit = None;
    let mut right_scale = None;
    let (left_unit, list) = match id {
        ChartId::Latency => (
            tr(Text::Milliseconds),
            vec![
                series("p50", "p50", Axis::Left, 0, &|w| {
                    completed(w, w.latency.p50_ms)
                }),
                series("p95", "p95", Axis::Left, 1, &|w| {
                    completed(w, w.latency.p95_ms)
                }),
                series("p99", "p99", Axis::Left, 3, &|w| {
                    completed(w, w.latency.p99_ms)
                }),
            ],
        ),
        ChartId::Throughput => {
            // Errors are usually a small fraction of throughput: their own axis keeps them
            // readable instead of a flat line at the bottom.
            right_unit = Some(tr(Text::ErrorsPerSecond));
            let mut list = vec![
                series("throughput", tr(Text::Throughput), Axis::Left, 2, &|w| {
                    Some(w.throughput_rps)
                }),
                series("timeout", tr(Text::Timeout), Axis::Right, 3, &|w| {
                    Some(per_s(w, w.errors.timeout))
                }),
                series("rejected", tr(Text::Rejected), Axis::Right, 1, &|w| {
                    Some(per_s(w, w.errors.rejected))
                }),
                series("no_route", tr(Text::NoRoute), Axis::Right, 4, &|w| {
                    Some(per_s(w, w.errors.no_route))
                }),
                series("node_down", tr(Text::NodeDown), Axis::Right, 6, &|w| {
                    Some(per_s(w, w.errors.node_down))
                }),
            ];
            // The gateway's and the WAF's refusals, where the design has them.
            if has(|p| matches!(p, NodeParams::ApiGateway { .. })) {
                list.push(series(
                    "rate_limited",
                    tr(Text::RateLimited),
                    Axis::Right,
                    5,
                    &|w| Some(per_s(w, w.errors.rate_limited)),
                ));
            }
            if has(|p| matches!(p, NodeParams::Waf { .. })) {
                list.push(series("blocked", tr(Text::Blocked), Axis::Right, 7, &|w| {
                    Some(per_s(w, w.errors.blocked))
                }));
            }
            (tr(Text::PerSecond), list)
        }
        ChartId::HitRatio => {
            percent = true;
            let mut list = Vec::new();
            if has(|p| matches!(p, NodeParams::Cache { .. })) {
                list.push(series("cache", tr(Text::CacheHits), Axis::Left, 0, &|w| {
                    w.cache_hit_ratio.map(|r| r * 100.0)
                }));
            }
            if has(|p| matches!(p, NodeParams::Cdn { .. })) {
                list.push(series("cdn", tr(Text::CdnHits), Axis::Left, 1, &|w| {
                    w.cdn_hit_ratio.map(|r| r * 100.0)
                }));
            }
            (tr(Text::Percent), list)
        }
        ChartId::Utilization | ChartId::Queue => {
            let util = id == ChartId::Utilization;
            percent = util;
            let prefix = if util { "util" } else { "queue" };
            let mut list: Vec<Series> = nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.server_like)
                .enumerate()
                .map(|(colour, (i, n))| Series {
                    key: format!("{prefix}:{}", n.label),
                    label: n.label.clone(),
                    axis: Axis::Left,
                    colour,
                    values: windows
                        .iter()
                        .map(|w| {
                            if util {
                                node_value(w, i, |s| load(s) * 100.0)
                            } else {
                                node_value(w, i, |s| s.mean_queue)
                            }
                        })
                        .collect(),
                })
                .collect();
            if util {
                // Beside a pool's utilisation, its instances: an autoscaler reacting to load.
                let pools: Vec<Series> = nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.pool)
                    .enumerate()
                    .map(|(k, (i, n))| Series {
                        key: format!("instances:{}", n.label),
                        label: format!("{} ({})", n.label, tr(Text::Instances)),
                        axis: Axis::Right,
                        colour: list.len() + k,
                        values: windows
                            .iter()
                            .map(|w| node_value(w, i, |s| f64::from(s.instances)))
                            .collect(),
                    })
                    .collect();
                if !pools.is_empty() {
                    right_unit = Some(tr(Text::Instances));
                    list.extend(pools);
                }
            }
            let unit = if util { Text::Percent } else { Text::Requests };
            (tr(unit), list)
        }
        ChartId::Replication => {
            right_unit = Some(tr(Text::Writes));
            (
                tr(Text::Milliseconds),
                vec![
                    series("lag", tr(Text::ReplicationLag), Axis::Left, 0, &|w| {
                        (w.counters.replicated > 0).then_some(w.replication_lag_ms)
                    }),
                    series(
                        "unreplicated",
                        tr(Text::Unreplicated),
                        Axis::Right,
                        1,
                        &|w| Some(w.unreplicated_writes as f64),
                    ),
                ],
            )
        }
        ChartId::Jobs => {
            right_unit = Some(tr(Text::Milliseconds));
            let done = |w: &WindowStats, v: f64| (w.counters.jobs_done > 0).then_some(v);
            (
                tr(Text::Jobs),
                vec![
                    series("backlog", tr(Text::Backlog), Axis::Left, 0, &|w| {
                        Some(w.job_backlog as f64)
                    }),
                    series("job_p50", tr(Text::JobP50), Axis::Right, 2, &|w| {
                        done(w, w.job_latency.p50_ms)
                    }),
                    series("job_p99", tr(Text::JobP99), Axis::Right, 3, &|w| {
                        done(w, w.job_latency.p99_ms)
                    }),
                ],
            )
        }
        ChartId::Cost => {
            right_unit = Some(tr(Text::DollarsPerMonth));
            right_scale = Some(HOURS_PER_MONTH);
            (
                tr(Text::DollarsPerHour),
                vec![
                    series("per_hour", tr(Text::DollarsPerHour), Axis::Left, 0, &|w| {
                        Some(w.cost_per_hour_usd)
                    }),
                    series(
                        "per_month",
                        tr(Text::DollarsPerMonth),
                        Axis::Right,
                        1,
                        &|w| Some(w.cost_per_hour_usd * HOURS_PER_MONTH),
                    ),
                ],
            )
        }
    };
    ChartData {
        id,
        title: tr(id.title()),
        xs: windows.iter().map(|w| w.start_s + w.len_s).collect(),
        window_s: windows.last().map_or(design.window_s, |w| w.len_s),
        left_unit,
        right_unit,
        right_scale,
        percent,
        series: list,
        markers: markers(windows, design, lang),
    }
}

/// A number for a table cell or a tooltip: three significant figures or so, no exponent.
pub fn fmt_value(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.01 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    }
}

/// An axis tick: whole numbers when the axis is tall enough, otherwise just enough decimals.
fn fmt_tick(v: f64, span: f64) -> String {
    if span >= 20.0 {
        format!("{v:.0}")
    } else if span >= 2.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

// ----- colours ---------------------------------------------------------------------------------

/// The Okabe–Ito palette, safe for the common colour-vision deficiencies, ordered so the first
/// colours stay distinct in greyscale too. Slot 6 is the theme's text colour (Okabe–Ito's black,
/// which would vanish on the dark background); yellow comes last because it is faint on white.
pub fn rgb(i: usize, dark: bool) -> (u8, u8, u8) {
    const PALETTE: [(u8, u8, u8); 8] = [
        (0, 114, 178),   // blue
        (230, 159, 0),   // orange
        (0, 158, 115),   // bluish green
        (213, 94, 0),    // vermilion
        (204, 121, 167), // reddish purple
        (86, 180, 233),  // sky blue
        (0, 0, 0),       // black: replaced by the text colour
        (240, 228, 66),  // yellow
    ];
    match i % PALETTE.len() {
        6 => theme(dark).1,
        k => PALETTE[k],
    }
}

/// The CSS form of [`rgb`], for legends and tooltips.
pub fn css_colour(i: usize, dark: bool) -> String {
    let (r, g, b) = rgb(i, dark);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Background and text colours of the theme (the same as `styles/app.css`).
fn theme(dark: bool) -> ((u8, u8, u8), (u8, u8, u8)) {
    if dark {
        ((24, 26, 31), (220, 222, 228))
    } else {
        ((255, 255, 255), (40, 40, 48))
    }
}

// ----- drawing ---------------------------------------------------------------------------------

/// Where the plot sits on the canvas after drawing, in canvas pixels: enough to turn a mouse
/// position into simulated time and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub canvas_width: f64,
    pub left_px: f64,
    pub right_px: f64,
    pub x0: f64,
    pub x1: f64,
}

impl Layout {
    pub fn x_at(&self, px: f64) -> f64 {
        let span = (self.right_px - self.left_px).max(1.0);
        self.x0 + (px - self.left_px) / span * (self.x1 - self.x0)
    }
    pub fn px_at(&self, x: f64) -> f64 {
        let span = (self.x1 - self.x0).max(1e-9);
        self.left_px + (x - self.x0) / span * (self.right_px - self.left_px)
    }
}

/// The x range of a chart: the shown windows, and at least ten windows wide so the first seconds
/// of a run do not stretch across the whole chart.
fn x_range(data: &ChartData) -> (f64, f64) {
    let w = data.window_s.max(1e-3);
    let start = data.xs.first().map_or(0.0, |&x| (x - w).max(0.0));
    let end = data.xs.last().copied().unwrap_or(0.0).max(start + 10.0 * w);
    (start, end)
}

/// The top of an axis: a little above the highest visible value.
fn y_top(data: &ChartData, visible: &[bool], axis: Axis) -> f64 {
    let max = data
        .series
        .iter()
        .enumerate()
        .filter(|(i, s)| s.axis == axis && visible.get(*i).copied().unwrap_or(true))
        .flat_map(|(_, s)| s.values.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    if max > 0.0 {
        max * 1.1
    } else {
        1.0
    }
}

/// Draws `data` on `canvas`; `visible[i]` hides series `i` when false. Returns the layout for
/// hovering.
pub fn draw(
    canvas: HtmlCanvasElement,
    data: &ChartData,
    visible: &[bool],
    dark: bool,
    lang: Lang,
) -> Result<Layout, Box<dyn std::error::Error>> {
    let canvas_width = f64::from(canvas.width());
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    let (bg, fg) = theme(dark);
    let (bg, fg) = (RGBColor(bg.0, bg.1, bg.2), RGBColor(fg.0, fg.1, fg.2));
    root.fill(&bg)?;
    let (x0, x1) = x_range(data);
    let left_top = if data.percent {
        105.0
    } else {
        y_top(data, visible, Axis::Left)
    };
    let right_top = match data.right_scale {
        Some(k) => left_top * k,
        None => y_top(data, visible, Axis::Right),
    };
    let label_style = ("sans-serif", 12).into_font().color(&fg);
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(54)
        .right_y_label_area_size(if data.right_unit.is_some() { 54 } else { 4 })
        .build_cartesian_2d(x0..x1, 0.0..left_top)?
        .set_secondary_coord(x0..x1, 0.0..right_top);
    let x_desc = text(lang, Text::SimTime);
    chart
        .configure_mesh()
        .light_line_style(fg.mix(0.07))
        .bold_line_style(fg.mix(0.18))
        .axis_style(fg.mix(0.6))
        .label_style(label_style.clone())
        .axis_desc_style(label_style.clone())
        .x_desc(x_desc)
        .y_desc(data.left_unit)
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| fmt_tick(*y, left_top))
        .draw()?;
    if let Some(unit) = data.right_unit {
        chart
            .configure_secondary_axes()
            .axis_style(fg.mix(0.6))
            .label_style(label_style.clone())
            .axis_desc_style(label_style)
            .y_desc(unit)
            .y_labels(5)
            .y_label_formatter(&|y| fmt_tick(*y, right_top))
            .draw()?;
    }
    for (i, s) in data.series.iter().enumerate() {
        if !visible.get(i).copied().unwrap_or(true) {
            continue;
        }
        let (r, g, b) = rgb(s.colour, dark);
        let style = RGBColor(r, g, b).stroke_width(2);
        // A gap in the data (None) breaks the line rather than bridging it.
        for run in runs(&data.xs, &s.values) {
            match (s.axis, run.len()) {
                (Axis::Left, 1) => {
                    chart
                        .draw_series(run.into_iter().map(|p| Circle::new(p, 2, style.filled())))?;
                }
                (Axis::Left, _) => {
                    chart.draw_series(LineSeries::new(run, style))?;
                }
                (Axis::Right, 1) => {
                    chart.draw_secondary_series(
                        run.into_iter().map(|p| Circle::new(p, 2, style.filled())),
                    )?;
                }
                (Axis::Right, _) => {
                    chart.draw_secondary_series(LineSeries::new(run, style))?;
                }
            }
        }
    }
    // The events: a vertical line each, across the plot (their labels are the HTML overlay's).
    let marker_style = fg.mix(0.55).stroke_width(1);
    for m in data.markers.iter().filter(|m| m.at_s >= x0 && m.at_s <= x1) {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(m.at_s, 0.0), (m.at_s, left_top)],
            marker_style,
        )))?;
    }
    let (left_px, _) = chart.backend_coord(&(x0, 0.0));
    let (right_px, _) = chart.backend_coord(&(x1, 0.0));
    root.present()?;
    Ok(Layout {
        canvas_width,
        left_px: f64::from(left_px),
        right_px: f64::from(right_px),
        x0,
        x1,
    })
}

/// The events' labels over a drawn chart, each at its line, its sentence on hover (`title`) and
/// for screen readers; labels of events close together stack in up to three rows.
pub fn marker_overlay(data: &ChartData, layout: Option<Layout>) -> yew::Html {
    use yew::html;
    let Some(l) = layout else {
        return html! {};
    };
    let items = data
        .markers
        .iter()
        .filter(|m| m.at_s >= l.x0 && m.at_s <= l.x1)
        .enumerate()
        .map(|(i, m)| {
            let left = (l.px_at(m.at_s) / l.canvas_width.max(1.0) * 100.0).clamp(0.0, 100.0);
            html! {
                <li class={yew::classes!("chart-marker", format!("row{}", i % 3))} style={format!("left:{left:.2}%")}
                    data-kind={m.kind.clone()} data-at={format!("{}", m.at_s)} title={m.sentence.clone()}
                    tabindex="0" aria-label={m.sentence.clone()}>
                    { m.label.clone() }
                </li>
            }
        });
    html! { <ul class="chart-markers">{ for items }</ul> }
}

/// The runs of consecutive defined values, as points.
fn runs(xs: &[f64], values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (&x, v) in xs.iter().zip(values) {
        match v {
            Some(y) if y.is_finite() => current.push((x, *y)),
            _ => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Users → one web pool autoscaled between 1 and 4 instances of 4 workers (node 1 in the engine):
/// the fixture of the tests that read a pool's instances.
#[cfg(test)]
pub(crate) fn autoscaled_pool() -> Design {
    Design::from_json(
        r#"{"version":1,"nodes":[
        {"id":"users","kind":"users","users":10,"rate_rps":100,"rtt_ms":10,"timeout_ms":1000},
        {"id":"web","kind":"server","workers":4,"queue_capacity":10,"service_ms":5,
         "autoscale":{"mode":"utilization","min_instances":1,"max_instances":4,
         "scale_out_above":0.7,"scale_in_below":0.3,"interval_s":5,"boot_s":10}}
        ],"edges":[{"from":"users","to":"web"}]}"#,
    )
    .expect("the autoscaled pool fixture parses")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use scalelab_engine::{ErrorCounts, LatencySummary, NodeStats};

    fn design(json: &str) -> Design {
        match Design::from_json(json) {
            Ok(d) => d,
            Err(e) => panic!("test design does not parse: {e}"),
        }
    }

    /// Users → LB → two servers → cache → database with two replicas → queue.
    pub(crate) fn cached_design() -> Design {
        design(
            r#"{"version":1,"window_s":2,"nodes":[
            {"id":"users","kind":"users","users":10,"rate_rps":100,"rtt_ms":10,"timeout_ms":1000},
            {"id":"lb","kind":"load_balancer"},
            {"id":"db","kind":"database","replicas":2},
            {"id":"web0","kind":"server","workers":4,"queue_capacity":10,"service_ms":5},
            {"id":"web1","kind":"server","workers":4,"queue_capacity":10,"service_ms":5},
            {"id":"cache","kind":"cache","capacity":100}
            ],"edges":[]}"#,
        )
    }

    pub(crate) fn single_server() -> Design {
        design(
            r#"{"version":1,"nodes":[
            {"id":"users","kind":"users","users":10,"rate_rps":100,"rtt_ms":10,"timeout_ms":1000},
            {"id":"box","kind":"server","workers":4,"queue_capacity":10,"service_ms":5}
            ],"edges":[]}"#,
        )
    }

    pub(crate) fn window(index: u64, completed: u64, p99: f64) -> WindowStats {
        WindowStats {
            index,
            start_s: index as f64 * 2.0,
            len_s: 2.0,
            completed,
            throughput_rps: completed as f64 / 2.0,
            errors: ErrorCounts {
                timeout: index,
                rejected: 2 * index,
                no_route: 0,
                node_down: 4,
                rate_limited: 0,
                blocked: 0,
            },
            latency: LatencySummary {
                mean_ms: p99 / 3.0,
                p50_ms: p99 / 4.0,
                p95_ms: p99 / 2.0,
                p99_ms: p99,
                max_ms: p99 * 2.0,
            },
            nodes: vec![
                NodeStats {
                    id: 4,
                    utilization: 0.5,
                    cpu_utilization: 0.75,
                    cost_per_hour_usd: 0.5,
                    mean_queue: 1.5,
                    up: true,
                    ..NodeStats::default()
                },
                NodeStats {
                    id: 7,
                    utilization: 0.25,
                    hit_ratio: Some(0.75),
                    up: true,
                    ..NodeStats::default()
                },
            ],
            cache_hit_ratio: (index > 0).then_some(0.8),
            cost_per_hour_usd: 1.5,
            cost_per_month_usd: 1095.0,
            usd_per_million_requests: 2.5,
            bill: scalelab_engine::Bill {
                instances: 1.0,
                internet_egress: 0.5,
                ..Default::default()
            },
            ..WindowStats::default()
        }
    }

    impl ChartData {
        /// The defined points of the series named `key`, as (x, y): what the chart draws.
        fn points(&self, key: &str) -> Vec<(f64, f64)> {
            self.series
                .iter()
                .filter(|s| s.key == key)
                .flat_map(|s| {
                    self.xs
                        .iter()
                        .zip(&s.values)
                        .filter_map(|(&x, v)| v.map(|y| (x, y)))
                })
                .collect()
        }
    }

    fn labels(data: &ChartData) -> Vec<&str> {
        data.series.iter().map(|s| s.key.as_str()).collect()
    }

    /// An event log entry's moment marks the window it happened in: two-second windows end at
    /// 2, 4 and 6 s, so 3 s is the second, 4 s (an end) still the second, and moments outside
    /// the shown windows mark nothing.
    #[test]
    fn an_events_moment_marks_the_window_it_falls_in() {
        let d = single_server();
        let windows: Vec<WindowStats> = (0..3).map(|i| window(i, 10, 50.0)).collect();
        let data = chart_data(ChartId::Latency, &windows, &d, &model_nodes(&d), Lang::En);
        assert_eq!(data.xs, [2.0, 4.0, 6.0]);
        for (at, want) in [
            (0.5, Some(0)),
            (3.0, Some(1)),
            (4.0, Some(1)),
            (4.01, Some(2)),
        ] {
            assert_eq!(data.window_of(at), want, "moment {at} s");
        }
        assert_eq!(data.window_of(6.5), None, "after the last window");
        let later: Vec<WindowStats> = (5..8).map(|i| window(i, 10, 50.0)).collect();
        let data = chart_data(ChartId::Latency, &later, &d, &model_nodes(&d), Lang::En);
        assert_eq!(data.window_of(3.0), None, "before the first shown window");
    }

    #[test]
    fn model_nodes_follow_the_lowerings_expansion_of_replicas() {
        let labels: Vec<String> = model_nodes(&cached_design())
            .into_iter()
            .map(|n| n.label)
            .collect();
        assert_eq!(
            labels,
            ["users", "lb", "db", "db/r1", "db/r2", "web0", "web1", "cache"]
        );
    }

    #[test]
    fn only_charts_that_apply_are_shown() {
        use ChartId::*;
        assert_eq!(
            applicable(&single_server()),
            vec![Latency, Throughput, Utilization, Queue, Cost]
        );
        assert_eq!(
            applicable(&cached_design()),
            vec![
                Latency,
                Throughput,
                HitRatio,
                Utilization,
                Queue,
                Replication,
                Cost
            ]
        );
    }

    #[test]
    fn latency_series_are_the_window_percentiles_with_gaps_when_nothing_completed() {
        let windows = vec![window(0, 10, 40.0), window(1, 0, 0.0), window(2, 8, 80.0)];
        let data = chart_data(
            ChartId::Latency,
            &windows,
            &single_server(),
            &model_nodes(&single_server()),
            Lang::En,
        );
        assert_eq!(labels(&data), ["p50", "p95", "p99"]);
        assert_eq!(data.xs, vec![2.0, 4.0, 6.0]);
        assert_eq!(data.window_s, 2.0);
        assert_eq!(data.points("p99"), vec![(2.0, 40.0), (6.0, 80.0)]);
        assert_eq!(data.points("p50"), vec![(2.0, 10.0), (6.0, 20.0)]);
        assert_eq!(data.series[1].values, vec![Some(20.0), None, Some(40.0)]);
    }

    #[test]
    fn throughput_and_each_error_cause_are_per_second_series() {
        let windows = vec![window(0, 10, 40.0), window(3, 20, 40.0)];
        let data = chart_data(
            ChartId::Throughput,
            &windows,
            &single_server(),
            &[],
            Lang::En,
        );
        assert_eq!(
            labels(&data),
            ["throughput", "timeout", "rejected", "no_route", "node_down"]
        );
        assert_eq!(data.points("throughput"), vec![(2.0, 5.0), (8.0, 10.0)]);
        assert_eq!(data.points("timeout"), vec![(2.0, 0.0), (8.0, 1.5)]);
        assert_eq!(data.points("rejected"), vec![(2.0, 0.0), (8.0, 3.0)]);
        assert_eq!(data.points("node_down"), vec![(2.0, 2.0), (8.0, 2.0)]);
        assert_eq!(data.series[1].axis, Axis::Right);
    }

    #[test]
    fn per_node_series_are_labelled_with_node_ids_in_engine_order() {
        let d = cached_design();
        let nodes = model_nodes(&d);
        let windows = vec![window(0, 10, 40.0)];
        let util = chart_data(ChartId::Utilization, &windows, &d, &nodes, Lang::En);
        assert_eq!(
            labels(&util),
            [
                "util:db",
                "util:db/r1",
                "util:db/r2",
                "util:web0",
                "util:web1",
                "util:cache"
            ]
        );
        // Node 4 is the second replica, node 7 the cache; the others did not report. A node's
        // line is the busier of CPU (75 % on node 4) and worker occupancy (50 %).
        assert_eq!(util.points("util:db/r2"), vec![(2.0, 75.0)]);
        assert_eq!(util.points("util:cache"), vec![(2.0, 25.0)]);
        assert_eq!(util.points("util:web0"), vec![]);
        let queue = chart_data(ChartId::Queue, &windows, &d, &nodes, Lang::En);
        assert_eq!(queue.points("queue:db/r2"), vec![(2.0, 1.5)]);
    }

    /// The mechanism counts shown are those the design can produce, with the run's totals.
    #[test]
    fn tallies_are_the_mechanisms_the_design_has() {
        let totals = Counters {
            stale_reads: 3,
            stampede_reads: 7,
            lost_writes: 2,
            ..Counters::default()
        };
        let keys = |d: &Design| -> Vec<(&'static str, u64)> {
            tallies(&totals, d)
                .into_iter()
                .map(|t| (t.key, t.value))
                .collect()
        };
        assert_eq!(keys(&single_server()), vec![]);
        // A cache in front of a database with two replicas.
        assert_eq!(
            keys(&cached_design()),
            vec![
                ("stale_reads", 3),
                ("lost_writes", 2),
                ("writes_at_risk", 0),
                ("stampede_reads", 7)
            ]
        );
        // Stage 11 salts its celebrity key on shared shards and reshards: gather reads and
        // migration time (shown in seconds) join the keys moved.
        let stage11 = crate::stages::STAGES[10].design().expect("stage 11");
        let sharded = Counters {
            gather_reads: 40,
            migration_ns: 6_700_000_000,
            ..totals
        };
        let got = tallies(&sharded, &stage11);
        let find = |key: &str| got.iter().find(|t| t.key == key).map(|t| t.shown.clone());
        assert_eq!(find("gather_reads").as_deref(), Some("40"));
        assert_eq!(find("migration_s").as_deref(), Some("6.7 s"));
        assert!(find("keys_moved").is_some());
        // A dedicated hot shard is never salted: nothing to gather.
        let mut dedicated = stage11.clone();
        for node in &mut dedicated.nodes {
            if let NodeParams::ShardedDatabase { hot_shard, .. } = &mut node.params {
                *hot_shard = HotShardDoc::Dedicated;
            }
        }
        assert!(tallies(&sharded, &dedicated)
            .iter()
            .all(|t| t.key != "gather_reads"));
        for t in tallies(&totals, &cached_design())
            .into_iter()
            .chain(tallies(&sharded, &stage11))
        {
            for lang in [Lang::Ko, Lang::En] {
                assert!(!text(lang, t.label).is_empty() && !text(lang, t.help).is_empty());
            }
        }
    }

    /// An autoscaled pool's instances are charted beside its utilisation, on the right axis;
    /// a single server has no such series.
    #[test]
    fn a_pools_instances_are_charted_beside_its_utilisation() {
        let d = autoscaled_pool();
        let nodes = model_nodes(&d);
        let grown = |index: u64, instances: u32| {
            let mut w = window(index, 10, 40.0);
            w.nodes = vec![NodeStats {
                id: 1,
                utilization: 0.9,
                instances,
                up: true,
                ..NodeStats::default()
            }];
            w
        };
        let util = chart_data(
            ChartId::Utilization,
            &[grown(0, 1), grown(1, 3)],
            &d,
            &nodes,
            Lang::En,
        );
        assert_eq!(labels(&util), ["util:web", "instances:web"]);
        assert_eq!(util.points("instances:web"), vec![(2.0, 1.0), (4.0, 3.0)]);
        assert_eq!(util.right_unit, Some("instances"));
        let single = chart_data(
            ChartId::Utilization,
            &[window(0, 10, 40.0)],
            &single_server(),
            &model_nodes(&single_server()),
            Lang::En,
        );
        assert!(single.right_unit.is_none());
        assert!(!labels(&single).iter().any(|l| l.starts_with("instances")));
    }

    #[test]
    fn hit_ratio_has_a_series_per_cache_kind_in_percent() {
        let d = cached_design();
        let windows = vec![window(0, 10, 40.0), window(1, 10, 40.0)];
        let data = chart_data(ChartId::HitRatio, &windows, &d, &[], Lang::En);
        assert_eq!(labels(&data), ["cache"]);
        assert!(data.percent);
        assert_eq!(data.series[0].values, vec![None, Some(80.0)]);
    }

    #[test]
    fn cost_per_month_is_730_hours_on_a_scaled_right_axis() {
        let data = chart_data(
            ChartId::Cost,
            &[window(0, 1, 1.0)],
            &single_server(),
            &[],
            Lang::Ko,
        );
        assert_eq!(data.points("per_hour"), vec![(2.0, 1.5)]);
        assert_eq!(data.points("per_month"), vec![(2.0, 1095.0)]);
        assert_eq!(data.right_scale, Some(730.0));
        assert_eq!(data.title, "비용 ($/시간 · $/월)");
    }

    #[test]
    fn replication_and_jobs_series_come_from_the_window_fields() {
        let mut w = window(0, 1, 1.0);
        w.counters.replicated = 3;
        w.replication_lag_ms = 120.0;
        w.unreplicated_writes = 9;
        w.job_backlog = 42;
        w.counters.jobs_done = 5;
        w.job_latency.p99_ms = 300.0;
        let d = single_server();
        let rep = chart_data(ChartId::Replication, &[w.clone()], &d, &[], Lang::En);
        assert_eq!(rep.points("lag"), vec![(2.0, 120.0)]);
        assert_eq!(rep.points("unreplicated"), vec![(2.0, 9.0)]);
        let jobs = chart_data(ChartId::Jobs, &[w], &d, &[], Lang::En);
        assert_eq!(jobs.points("backlog"), vec![(2.0, 42.0)]);
        assert_eq!(jobs.points("job_p99"), vec![(2.0, 300.0)]);
    }

    #[test]
    fn charts_show_the_last_120_windows() {
        let windows: Vec<WindowStats> = (0..300).map(|i| window(i, 1, 1.0)).collect();
        let tail = shown(&windows);
        assert_eq!(tail.len(), SHOWN);
        assert_eq!(tail[0].index, 180);
        assert_eq!(shown(&windows[..5]).len(), 5);
    }

    #[test]
    fn nearest_window_to_a_time() {
        let windows = vec![window(0, 1, 1.0), window(1, 1, 1.0), window(2, 1, 1.0)];
        let data = chart_data(ChartId::Latency, &windows, &single_server(), &[], Lang::En);
        assert_eq!(data.nearest(-5.0), Some(0));
        assert_eq!(data.nearest(2.9), Some(0));
        assert_eq!(data.nearest(3.1), Some(1));
        assert_eq!(data.nearest(100.0), Some(2));
        let empty = chart_data(ChartId::Latency, &[], &single_server(), &[], Lang::En);
        assert_eq!(empty.nearest(1.0), None);
    }

    #[test]
    fn gaps_split_lines_into_runs() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        let values = [Some(1.0), None, Some(3.0), Some(4.0), Some(f64::NAN)];
        assert_eq!(
            runs(&xs, &values),
            vec![vec![(1.0, 1.0)], vec![(3.0, 3.0), (4.0, 4.0)]]
        );
    }

    #[test]
    fn layout_maps_pixels_to_time_and_back() {
        let l = Layout {
            canvas_width: 560.0,
            left_px: 60.0,
            right_px: 500.0,
            x0: 10.0,
            x1: 120.0,
        };
        assert_eq!(l.x_at(60.0), 10.0);
        assert_eq!(l.x_at(500.0), 120.0);
        assert!((l.px_at(l.x_at(321.0)) - 321.0).abs() < 1e-9);
    }

    #[test]
    fn palette_is_okabe_ito_with_a_theme_aware_neutral() {
        assert_eq!(css_colour(1, false), "#e69f00");
        assert_eq!(css_colour(3, true), "#d55e00");
        assert_eq!(css_colour(6, false), "#282830");
        assert_eq!(css_colour(6, true), "#dcdee4");
        assert_eq!(css_colour(8, false), css_colour(0, false));
    }

    #[test]
    fn values_are_formatted_without_exponents() {
        assert_eq!(fmt_value(0.0), "0");
        assert_eq!(fmt_value(1234.56), "1235");
        assert_eq!(fmt_value(12.34), "12.3");
        assert_eq!(fmt_value(0.5), "0.50");
        assert_eq!(fmt_value(0.001), "0.0010");
    }
}

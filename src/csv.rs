//! The run's windows as a CSV file: a header row, then one row per window with every metric, the
//! per-node columns named after the design's node ids.

use crate::charts::model_nodes;
use scalelab_design::Design;
use scalelab_engine::WindowStats;
use std::collections::BTreeSet;

/// Every window with every metric as CSV: a header row, then one row per window, oldest first.
/// Per-node columns are named after the design's node ids (`web0.utilization`). Undefined values
/// (no lookups, nothing completed) are empty cells.
pub fn windows_to_csv(windows: &[WindowStats], design: &Design) -> String {
    let nodes = model_nodes(design);
    // The union of the nodes that appear in any window, in engine order, so every row has the
    // same columns even when the design changed during the run.
    let ids: BTreeSet<u32> = windows
        .iter()
        .flat_map(|w| w.nodes.iter().map(|n| n.id))
        .collect();
    const FIELDS: [&str; 46] = [
        "index",
        "start_s",
        "len_s",
        "end_s",
        "generated",
        "completed",
        "in_flight",
        "throughput_rps",
        "errors_total",
        "errors_timeout",
        "errors_rejected",
        "errors_no_route",
        "errors_node_down",
        "errors_rate_limited",
        "errors_blocked",
        "latency_mean_ms",
        "latency_p50_ms",
        "latency_p95_ms",
        "latency_p99_ms",
        "latency_max_ms",
        "cache_hit_ratio",
        "cdn_hit_ratio",
        "replication_lag_ms",
        "unreplicated_writes",
        "job_backlog",
        "job_latency_mean_ms",
        "job_latency_p50_ms",
        "job_latency_p95_ms",
        "job_latency_p99_ms",
        "job_latency_max_ms",
        "cost_per_hour_usd",
        "cost_per_month_usd",
        "cache_hits",
        "cache_misses",
        "cdn_hits",
        "cdn_misses",
        "stale_reads",
        "stale_responses",
        "lost_writes",
        "lost_sessions",
        "replicated",
        "jobs_published",
        "jobs_done",
        "keys_moved",
        "keys_migrated",
        "db_queries",
    ];
    const NODE_FIELDS: [&str; 12] = [
        "up",
        "utilization",
        "cpu_utilization",
        "cost_per_hour_usd",
        "mean_queue",
        "queue_len",
        "served",
        "errors",
        "hit_ratio",
        "outstanding",
        "instances",
        "booting",
    ];
    let mut header: Vec<String> = FIELDS.iter().map(|f| f.to_string()).collect();
    header.extend(
        [
            "cdn_egress_bytes",
            "stampede_reads",
            "instances_launched",
            "instances_retired",
            "usd_per_million_requests",
            "writes_at_risk",
            "gather_reads",
            "migration_s",
            "internet_egress_bytes",
            "cross_region_bytes",
            "lb_requests",
            "queue_requests",
            "dns_queries",
        ]
        .map(String::from),
    );
    // The bill's lines, each in dollars per hour at the window's pace.
    header.extend(
        scalelab_engine::Bill::default()
            .lines()
            .map(|(line, _)| format!("bill_{line}_usd_per_hour")),
    );
    for &id in &ids {
        let label = nodes
            .get(id as usize)
            .map_or_else(|| format!("node{id}"), |n| n.label.clone());
        for field in NODE_FIELDS {
            header.push(format!("{label}.{field}"));
        }
    }
    let mut out = String::new();
    push_row(&mut out, header.iter().map(|h| csv_text(h)));
    let num = |v: f64| format!("{v}");
    let opt = |v: Option<f64>| v.map(num).unwrap_or_default();
    for w in windows {
        let c = &w.counters;
        let mut row: Vec<String> = vec![
            w.index.to_string(),
            num(w.start_s),
            num(w.len_s),
            num(w.start_s + w.len_s),
            w.generated.to_string(),
            w.completed.to_string(),
            w.in_flight.to_string(),
            num(w.throughput_rps),
            w.errors.total().to_string(),
            w.errors.timeout.to_string(),
            w.errors.rejected.to_string(),
            w.errors.no_route.to_string(),
            w.errors.node_down.to_string(),
            w.errors.rate_limited.to_string(),
            w.errors.blocked.to_string(),
            num(w.latency.mean_ms),
            num(w.latency.p50_ms),
            num(w.latency.p95_ms),
            num(w.latency.p99_ms),
            num(w.latency.max_ms),
            opt(w.cache_hit_ratio),
            opt(w.cdn_hit_ratio),
            num(w.replication_lag_ms),
            w.unreplicated_writes.to_string(),
            w.job_backlog.to_string(),
            num(w.job_latency.mean_ms),
            num(w.job_latency.p50_ms),
            num(w.job_latency.p95_ms),
            num(w.job_latency.p99_ms),
            num(w.job_latency.max_ms),
            num(w.cost_per_hour_usd),
            num(w.cost_per_month_usd),
            c.cache_hits.to_string(),
            c.cache_misses.to_string(),
            c.cdn_hits.to_string(),
            c.cdn_misses.to_string(),
            c.stale_reads.to_string(),
            c.stale_responses.to_string(),
            c.lost_writes.to_string(),
            c.lost_sessions.to_string(),
            c.replicated.to_string(),
            c.jobs_published.to_string(),
            c.jobs_done.to_string(),
            c.keys_moved.to_string(),
            c.keys_migrated.to_string(),
            c.db_queries.to_string(),
            c.cdn_egress_bytes.to_string(),
            c.stampede_reads.to_string(),
            c.instances_launched.to_string(),
            c.instances_retired.to_string(),
            num(w.usd_per_million_requests),
            c.writes_at_risk.to_string(),
            c.gather_reads.to_string(),
            num(c.migration_ns as f64 * 1e-9),
            c.internet_egress_bytes.to_string(),
            c.cross_region_bytes.to_string(),
            c.lb_requests.to_string(),
            c.queue_requests.to_string(),
            c.dns_queries.to_string(),
        ];
        row.extend(w.bill.lines().map(|(_, usd)| num(usd)));
        for &id in &ids {
            match w.nodes.iter().find(|n| n.id == id) {
                Some(n) => row.extend([
                    u8::from(n.up).to_string(),
                    num(n.utilization),
                    num(n.cpu_utilization),
                    num(n.cost_per_hour_usd),
                    num(n.mean_queue),
                    n.queue_len.to_string(),
                    n.served.to_string(),
                    n.errors.to_string(),
                    opt(n.hit_ratio),
                    n.outstanding.to_string(),
                    n.instances.to_string(),
                    n.booting.to_string(),
                ]),
                None => row.extend(NODE_FIELDS.iter().map(|_| String::new())),
            }
        }
        push_row(&mut out, row.into_iter());
    }
    out
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell);
    }
    out.push_str("\r\n");
}

/// A text cell as RFC 4180 wants it. Node ids come from shared links, so a cell that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is defused with a leading quote.
fn csv_text(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        let mut quoted = String::with_capacity(s.len() + 2);
        quoted.push('"');
        for ch in s.chars() {
            if ch == '"' {
                quoted.push('"');
            }
            quoted.push(ch);
        }
        quoted.push('"');
        quoted
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::tests::{cached_design, single_server, window};

    #[test]
    fn csv_has_a_header_and_one_row_per_window_with_every_metric() {
        let d = cached_design();
        let windows = vec![window(0, 10, 40.0), window(1, 0, 0.0)];
        let csv = windows_to_csv(&windows, &d);
        let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 3);
        let header: Vec<&str> = lines[0].split(',').collect();
        let row: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(header.len(), row.len());
        assert_eq!(lines[2].split(',').count(), header.len());
        let cell = |name: &str| {
            let i = header.iter().position(|h| *h == name);
            i.map(|i| row[i])
        };
        assert_eq!(cell("index"), Some("0"));
        assert_eq!(cell("end_s"), Some("2"));
        assert_eq!(cell("latency_p99_ms"), Some("40"));
        assert_eq!(cell("errors_node_down"), Some("4"));
        assert_eq!(cell("cache_hit_ratio"), Some(""));
        assert_eq!(cell("cost_per_month_usd"), Some("1095"));
        assert_eq!(cell("db/r2.utilization"), Some("0.5"));
        assert_eq!(cell("db/r2.cpu_utilization"), Some("0.75"));
        assert_eq!(cell("db/r2.cost_per_hour_usd"), Some("0.5"));
        assert_eq!(cell("usd_per_million_requests"), Some("2.5"));
        assert_eq!(cell("bill_instances_usd_per_hour"), Some("1"));
        assert_eq!(cell("bill_internet_egress_usd_per_hour"), Some("0.5"));
        assert_eq!(cell("bill_dns_queries_usd_per_hour"), Some("0"));
        assert_eq!(cell("cache.hit_ratio"), Some("0.75"));
        assert_eq!(cell("cache.up"), Some("1"));
        assert_eq!(cell("web0.utilization"), None);
    }

    #[test]
    fn csv_quotes_awkward_node_ids_and_defuses_formulas() {
        assert_eq!(csv_text("web,0"), "\"web,0\"");
        assert_eq!(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_text("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_text("web0.up"), "web0.up");
        assert_eq!(windows_to_csv(&[], &single_server()).lines().count(), 1);
    }
}

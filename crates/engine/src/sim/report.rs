//! What a run reports: the window each `WindowEnd` closes, the cumulative `Report`, and the
//! bill (instances and usage priced with `Rates`).

use super::*;

/// The prices the bill uses, looked up in the price table once.
pub(super) struct Rates {
    pub(super) internet_egress_gb: f64,
    pub(super) cdn_https_10k: f64,
    pub(super) inter_region_gb: f64,
    pub(super) lcu_hour: f64,
    pub(super) queue_million: f64,
    pub(super) dns_standard_million: f64,
    pub(super) dns_geo_million: f64,
    pub(super) waf_million: f64,
}

impl Rates {
    pub(super) fn from_table() -> Rates {
        let usd = |id: &str| crate::prices::price(id).map_or(0.0, |p| p.usd);
        Rates {
            internet_egress_gb: usd("ec2_egress_internet"),
            cdn_https_10k: usd("cloudfront_https_us"),
            inter_region_gb: usd("inter_region_transfer"),
            lcu_hour: usd("alb_lcu_hour"),
            queue_million: usd("sqs_standard"),
            dns_standard_million: usd("route53_queries_standard"),
            dns_geo_million: usd("route53_queries_geo"),
            waf_million: usd("waf_requests"),
        }
    }
}

/// Running totals since the start, used for the conservation check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conservation {
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    pub in_flight: u64,
}

/// The cumulative result of a run after the warm-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub seed: u64,
    /// Simulated seconds measured (after the warm-up).
    pub measured_s: f64,
    pub warmup_s: f64,
    pub generated: u64,
    pub completed: u64,
    pub errors: ErrorCounts,
    /// Requests still in flight at the end, and those born in the warm-up that were in flight
    /// when counting began: `generated + from_warmup == completed + errors + in_flight`.
    #[serde(default)]
    pub in_flight: u64,
    #[serde(default)]
    pub from_warmup: u64,
    pub latency: LatencySummary,
    pub throughput_rps: f64,
    pub nodes: Vec<NodeReport>,
    /// The whole bill as dollars per hour: the running nodes (at their mean rate) plus the
    /// usage counted since the warm-up at its pace; the sum of the nodes'.
    pub cost_per_hour_usd: f64,
    /// The same bill line by line, per month (730 h), and per million requests generated.
    #[serde(default)]
    pub bill: Bill,
    #[serde(default)]
    pub cost_per_month_usd: f64,
    #[serde(default)]
    pub usd_per_million_requests: f64,
    /// Events the kernel processed in the whole run.
    pub events: u64,
    /// Mechanism counts since the warm-up.
    #[serde(default)]
    pub counters: Counters,
    #[serde(default)]
    pub cache_hit_ratio: Option<f64>,
    #[serde(default)]
    pub cdn_hit_ratio: Option<f64>,
    #[serde(default)]
    pub job_latency: LatencySummary,
    /// What happened during the run, from its start (warm-up included), in time order: the
    /// first [`MAX_TIMELINE`](super::events::MAX_TIMELINE) events, and how many more there were.
    #[serde(default)]
    pub timeline: Vec<crate::metrics::SimEvent>,
    #[serde(default)]
    pub timeline_dropped: u64,
    /// What the disaster-recovery standbys cost per hour while they wait (0 without any).
    #[serde(default)]
    pub standby_cost_per_hour_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeReport {
    pub key: String,
    /// Worker occupancy: time workers are held (waits downstream included) over the workers'
    /// time; for a database, cache or queue, over its `min(workers, cores)` service slots.
    pub utilization: f64,
    pub mean_queue: f64,
    pub served: u64,
    pub hit_ratio: Option<f64>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub errors: u64,
    /// This node's bill, dollars per hour, and its lines.
    #[serde(default)]
    pub cost_per_hour_usd: f64,
    /// CPU utilisation: CPU time over the cores' time (`utilization` is worker occupancy).
    #[serde(default)]
    pub cpu_utilization: f64,
    #[serde(default)]
    pub bill: Bill,
    /// Instances billed: a server pool's at the end, a cache's nodes; 1 for other nodes.
    #[serde(default)]
    pub instances: u32,
    /// The node's answer times since the warm-up (as [`NodeStats::latency`]).
    #[serde(default)]
    pub latency: Option<crate::metrics::NodeLatency>,
}

impl Simulation {
    /// The cumulative report of everything measured after the warm-up.
    pub fn report(&self) -> Report {
        let measured = self.now.since(self.warmup_end);
        let measured_s = measured.as_secs_f64();
        // Areas of the window still open count when that window is after the warm-up.
        let open = self.window_start >= self.warmup_end;
        let mut counters = self.total_counters;
        let mut bill = Bill::default();
        // Running instances are billed at each node's mean rate over the windows counted (a
        // warm-up that ends mid-window leaves that window out) when the rate can change.
        let open_s = if open {
            self.now.since(self.window_start).as_secs_f64()
        } else {
            0.0
        };
        let counted_s = self.total_fixed_cost.as_secs_f64() + open_s;
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind.reported())
            .map(|(i, n)| {
                let st = &n.station;
                let dt = self.now.since(st.last_change).0;
                let (mut busy, mut queue) = (n.total_busy_area, n.total_queue_area);
                let mut capacity = n.total_capacity_area;
                let (mut cpu, mut cpu_capacity) = (n.total_cpu_ns, n.total_cpu_capacity_area);
                let mut count = n.total;
                let mut usage = n.total_usage;
                if open {
                    usage.add(&n.usage);
                    count_usage(&n.kind, &n.usage, n.win, &mut counters);
                    busy += st.busy_area.total() + area(dt, u64::from(st.busy));
                    queue += st.queue_area.total() + area(dt, st.queue.len() as u64);
                    capacity += st.capacity_until(self.now);
                    cpu += u128::from(st.cpu_ns);
                    cpu_capacity += st.cpu_capacity_until(self.now);
                    count.served += n.win.served;
                    count.errors += n.win.errors;
                    count.hits += n.win.hits;
                    count.misses += n.win.misses;
                }
                let ns = measured.0 as f64;
                let instances_usd = if !self.cost_varies || counted_s <= 0.0 {
                    n.cost_per_hour_usd
                } else {
                    (n.total_fixed_usd + n.cost_per_hour_usd * open_s / 3600.0)
                        / (counted_s / 3600.0)
                };
                let node_bill = bill_of(n, instances_usd, usage, count, measured_s, &self.rates);
                bill.add(&node_bill);
                NodeReport {
                    key: self.keys[i].clone(),
                    utilization: ratio(busy as f64, capacity as f64),
                    mean_queue: ratio(queue as f64, ns),
                    served: count.served,
                    hit_ratio: hit_ratio(&n.kind, count),
                    kind: self.kinds[i].to_string(),
                    errors: count.errors,
                    cost_per_hour_usd: node_bill.total(),
                    bill: node_bill,
                    instances: n.kind.instances().0,
                    cpu_utilization: ratio(cpu as f64, cpu_capacity as f64).min(1.0),
                    latency: self.node_lat.run(i, open),
                }
            })
            .collect();
        let mut jobs = self.total_jobs.clone();
        if open {
            counters.add(&self.window_counters);
            self.window_jobs.merge_into(&mut jobs);
        }
        let (timeline, timeline_dropped) = self.timeline();
        let mut hist = self.total_hist.clone();
        let (mut completed, mut generated, mut errors) = (
            self.total_completed,
            self.total_generated,
            self.total_errors,
        );
        if open {
            self.window_hist.merge_into(&mut hist);
            completed += self.window_completed;
            generated += self.window_generated;
            errors.add_counts(&self.window_errors);
        }
        Report {
            seed: self.seed,
            measured_s,
            warmup_s: self.warmup_end.as_secs_f64(),
            generated,
            completed,
            errors,
            in_flight: self.all.in_flight,
            // Before the first counted window nothing is counted: all in flight is carried.
            from_warmup: self.from_warmup.unwrap_or(self.all.in_flight),
            latency: hist.summary(),
            throughput_rps: ratio(completed as f64, measured_s),
            nodes,
            cost_per_hour_usd: bill.total(),
            bill,
            cost_per_month_usd: crate::prices::per_month(bill.total()),
            usd_per_million_requests: usd_per_million_requests(bill.total(), generated, measured_s),
            events: self.events,
            cache_hit_ratio: counters.cache_hit_ratio(),
            cdn_hit_ratio: counters.cdn_hit_ratio(),
            counters,
            job_latency: jobs.summary(),
            timeline,
            timeline_dropped,
            standby_cost_per_hour_usd: self.standby_idle_usd_per_hour(),
        }
    }

    // ----- windows -------------------------------------------------------------------------

    #[inline(never)]
    pub(super) fn on_window_end(&mut self) {
        let now = self.now;
        let len = now.since(self.window_start);
        let len_ns = len.0.max(1) as f64;
        let after_warmup = self.window_start >= self.warmup_end;
        let mut backlog = 0u64;
        let mut unreplicated = 0u64;
        let len_s = len.as_secs_f64().max(1e-9);
        let rates = &self.rates;
        let counters = &mut self.window_counters;
        let mut bill = Bill::default();
        let mut cache_misses: Vec<(NodeId, u64)> = Vec::new();
        let node_lat = &mut self.node_lat;
        let nodes: Vec<NodeStats> = self
            .nodes
            .iter_mut()
            .enumerate()
            .filter(|(_, n)| n.kind.reported())
            .map(|(id, n)| {
                n.station.account(now);
                let outstanding = match &n.kind {
                    Kind::Queue(_) => {
                        backlog += n.station.queue.len() as u64;
                        0
                    }
                    Kind::Db(d) => {
                        unreplicated += d.unreplicated;
                        0
                    }
                    Kind::Lb(lb) => lb.outstanding.iter().map(|&o| o as u64).sum(),
                    Kind::Users(_)
                    | Kind::Dns(_)
                    | Kind::Server(_)
                    | Kind::Cache(_)
                    | Kind::Cdn(_)
                    | Kind::Router(_)
                    | Kind::Gateway(_)
                    | Kind::Waf(_) => 0,
                };
                if let Kind::Cache(_) = n.kind {
                    cache_misses.push((id as NodeId, n.win.misses));
                }
                let capacity = n.station.capacity_until(now);
                let cpu_capacity = n.station.cpu_capacity_until(now);
                let cpu = u128::from(n.station.cpu_ns);
                let (instances, booting) = n.kind.instances();
                let node_bill = bill_of(n, n.cost_per_hour_usd, n.usage, n.win, len_s, rates);
                bill.add(&node_bill);
                count_usage(&n.kind, &n.usage, n.win, counters);
                let stats = NodeStats {
                    id: id as u32,
                    utilization: n.station.busy_area.total() as f64 / capacity.max(1) as f64,
                    mean_queue: n.station.queue_area.total() as f64 / len_ns,
                    queue_len: n.station.queue.len() as u64,
                    served: n.win.served,
                    errors: n.win.errors,
                    hit_ratio: hit_ratio(&n.kind, n.win),
                    up: n.up,
                    outstanding,
                    instances,
                    booting,
                    cost_per_hour_usd: node_bill.total(),
                    bill: node_bill,
                    cpu_utilization: ratio(cpu as f64, cpu_capacity as f64).min(1.0),
                    latency: node_lat.close(id, after_warmup),
                };
                n.life_busy_area += n.station.busy_area.total();
                n.life_capacity_area += capacity;
                n.life_cpu_ns += cpu;
                n.life_cpu_capacity_area += cpu_capacity;
                if after_warmup {
                    n.total_busy_area += n.station.busy_area.total();
                    n.total_queue_area += n.station.queue_area.total();
                    n.total_capacity_area += capacity;
                    n.total_cpu_ns += cpu;
                    n.total_cpu_capacity_area += cpu_capacity;
                    n.total.served += n.win.served;
                    n.total.errors += n.win.errors;
                    n.total.hits += n.win.hits;
                    n.total.misses += n.win.misses;
                    n.total_usage.add(&n.usage);
                    n.total_fixed_usd += n.cost_per_hour_usd * len_s / 3600.0;
                }
                n.usage = Usage::default();
                n.station.busy_area = Area::default();
                n.station.queue_area = Area::default();
                n.station.capacity_area = 0;
                n.station.cpu_capacity_area = 0;
                n.station.cpu_ns = 0;
                n.station.capacity_mark = now;
                n.win = NodeCount::default();
                stats
            })
            .collect();
        let window_start = self.window_start;
        for n in &self.nodes {
            if let Kind::Router(r) = &n.kind {
                if r.old.is_some() {
                    let since = r.migrating_since.max(window_start);
                    self.window_counters.migration_ns += now.since(since).0;
                }
            }
        }
        if !self.standbys.is_empty() {
            self.dr_judge_window(&nodes);
        }
        self.judge_window(&nodes, &cache_misses);
        let (events, events_dropped) = self.close_events();
        let c = self.window_counters;
        let cost = bill.total();
        self.outbox.push(WindowStats {
            index: self.window_index,
            start_s: self.window_start.as_secs_f64(),
            len_s: len.as_secs_f64(),
            generated: self.window_generated,
            completed: self.window_completed,
            errors: self.window_errors,
            latency: self
                .window_hist
                .close(after_warmup.then_some(&mut self.total_hist)),
            throughput_rps: self.window_completed as f64 / len_s,
            in_flight: self.all.in_flight,
            nodes,
            counters: c,
            cache_hit_ratio: c.cache_hit_ratio(),
            cdn_hit_ratio: c.cdn_hit_ratio(),
            replication_lag_ms: c.mean_replication_lag_ms(),
            unreplicated_writes: unreplicated,
            job_backlog: backlog,
            job_latency: self
                .window_jobs
                .close(after_warmup.then_some(&mut self.total_jobs)),
            cost_per_hour_usd: cost,
            bill,
            cost_per_month_usd: crate::prices::per_month(cost),
            usd_per_million_requests: usd_per_million_requests(cost, self.window_generated, len_s),
            events,
            events_dropped,
        });
        if after_warmup {
            self.total_generated += self.window_generated;
            self.total_completed += self.window_completed;
            self.total_errors.add_counts(&self.window_errors);
            self.total_counters.add(&c);
            self.total_fixed_cost = self.total_fixed_cost + len;
        }
        self.window_index += 1;
        self.window_start = now;
        if self.from_warmup.is_none() && now >= self.warmup_end {
            self.from_warmup = Some(self.all.in_flight);
        }
        self.window_generated = 0;
        self.window_completed = 0;
        self.window_errors = ErrorCounts::default();
        self.window_counters = Counters::default();
        self.schedule_after(self.window_len, Action::WindowEnd);
    }
}

pub(super) fn hit_ratio(kind: &Kind, c: NodeCount) -> Option<f64> {
    match kind {
        Kind::Cache(_) | Kind::Cdn(_) => {
            let n = c.hits + c.misses;
            Some(if n == 0 {
                0.0
            } else {
                c.hits as f64 / n as f64
            })
        }
        Kind::Users(_)
        | Kind::Dns(_)
        | Kind::Server(_)
        | Kind::Lb(_)
        | Kind::Db(_)
        | Kind::Queue(_)
        | Kind::Router(_)
        | Kind::Gateway(_)
        | Kind::Waf(_) => None,
    }
}

/// A node's bill over a period of `secs`, dollars per hour at that period's pace: its running
/// instances at `instances_usd` per hour, and what it used. A CDN edge bills its egress and a
/// request fee per request it got (filling from an AWS origin is free); any other node that
/// answers users bills internet egress. A load balancer bills LCU-hours: each request it
/// forwards is a new connection (and a rule evaluation), the bytes it processes are the
/// responses it returns; the dominant dimension counts (`alb_lcu`).
pub(super) fn bill_of(
    n: &NodeRt,
    instances_usd: f64,
    u: Usage,
    count: NodeCount,
    secs: f64,
    r: &Rates,
) -> Bill {
    let per_hour = if secs > 0.0 { 3600.0 / secs } else { 0.0 };
    let gb = |bytes: u64| bytes as f64 / 1e9;
    let mut bill = Bill {
        instances: instances_usd,
        cross_region: gb(u.cross_region_bytes) * r.inter_region_gb * per_hour,
        ..Bill::default()
    };
    match &n.kind {
        Kind::Cdn(cdn) => {
            bill.cdn_egress = gb(u.egress_bytes) * cdn.spec.egress_usd_per_gb * per_hour;
            bill.cdn_requests =
                (count.hits + count.misses) as f64 / 1e4 * r.cdn_https_10k * per_hour;
        }
        Kind::Dns(dns) => {
            // Several targets answer by the asker's location: geo DNS queries.
            let price = if dns.targets.len() > 1 {
                r.dns_geo_million
            } else {
                r.dns_standard_million
            };
            bill.dns_queries = u.requests as f64 / 1e6 * price * per_hour;
        }
        Kind::Queue(_) => {
            bill.queue_requests = u.requests as f64 / 1e6 * r.queue_million * per_hour
        }
        Kind::Lb(_) => {
            bill.internet_egress = gb(u.egress_bytes) * r.internet_egress_gb * per_hour;
            let connections_per_s = count.served as f64 * per_hour / 3600.0;
            let lcu = crate::prices::alb_lcu(
                connections_per_s,
                // Every connection lasts under a minute: at most a minute's new connections are
                // active in it.
                connections_per_s * 60.0,
                gb(u.egress_bytes) * per_hour,
                connections_per_s,
            );
            bill.lb_capacity = lcu * r.lcu_hour;
        }
        Kind::Waf(_) => {
            bill.internet_egress = gb(u.egress_bytes) * r.internet_egress_gb * per_hour;
            bill.waf_requests = u.requests as f64 / 1e6 * r.waf_million * per_hour;
        }
        Kind::Users(_)
        | Kind::Server(_)
        | Kind::Cache(_)
        | Kind::Db(_)
        | Kind::Router(_)
        | Kind::Gateway(_) => {
            bill.internet_egress = gb(u.egress_bytes) * r.internet_egress_gb * per_hour
        }
    }
    bill
}

/// Adds a node's usage in a period to the mechanism counters.
pub(super) fn count_usage(kind: &Kind, u: &Usage, count: NodeCount, c: &mut Counters) {
    c.cross_region_bytes += u.cross_region_bytes;
    match kind {
        Kind::Cdn(_) => c.cdn_egress_bytes += u.egress_bytes,
        Kind::Queue(_) => c.queue_requests += u.requests,
        Kind::Dns(_) => c.dns_queries += u.requests,
        Kind::Lb(_) => {
            c.lb_requests += count.served;
            c.internet_egress_bytes += u.egress_bytes;
        }
        Kind::Waf(_) => {
            c.waf_inspected += u.requests;
            c.internet_egress_bytes += u.egress_bytes;
        }
        Kind::Users(_)
        | Kind::Server(_)
        | Kind::Cache(_)
        | Kind::Db(_)
        | Kind::Router(_)
        | Kind::Gateway(_) => c.internet_egress_bytes += u.egress_bytes,
    }
}

pub(super) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

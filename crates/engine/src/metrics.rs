//! Measurement: latency histograms, error causes, and the plain snapshot types the engine emits.
//!
//! Percentiles come from an HDR histogram (3 significant digits, so every bucket is within 0.1 % of
//! its value), never from sorted samples: memory stays constant however long the run.

use crate::time::SimDuration;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Latencies in microseconds from 1 µs to one hour.
///
/// Closed windows are merged in at every window end, but the figures are read only for a report:
/// merged windows are therefore staged in a plain array with the same buckets (a few adds per
/// touched bucket) and handed to the crate's histogram when something reads it. The counts that
/// reach the crate are the same either way, so every figure is too.
#[derive(Debug, Clone)]
pub struct LatencyHistogram {
    inner: Histogram<u64>,
    staged: WindowHistogram,
}

const MAX_LATENCY_US: u64 = 3_600_000_000;

impl Default for LatencyHistogram {
    fn default() -> Self {
        LatencyHistogram::new()
    }
}

impl LatencyHistogram {
    pub fn new() -> LatencyHistogram {
        // The bounds and precision are constants that hdrhistogram accepts; the fallback keeps
        // this infallible without an unwrap.
        let inner = Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)
            .or_else(|_| Histogram::new(3))
            .unwrap_or_else(|_| {
                Histogram::new_with_max(MAX_LATENCY_US, 2).expect("valid fixed bounds")
            });
        LatencyHistogram {
            inner,
            staged: WindowHistogram::new(),
        }
    }

    /// The crate's histogram with the staged windows added.
    fn settled(&self) -> std::borrow::Cow<'_, Histogram<u64>> {
        if self.staged.total == 0 {
            return std::borrow::Cow::Borrowed(&self.inner);
        }
        let mut all = self.inner.clone();
        self.staged
            .for_each_recorded(|i, c| all.saturating_record_n(value_of(i), c));
        std::borrow::Cow::Owned(all)
    }

    #[inline]
    pub fn record(&mut self, latency: SimDuration) {
        let us = (latency.0 / 1_000).clamp(1, MAX_LATENCY_US);
        self.inner.saturating_record(us);
    }

    pub fn count(&self) -> u64 {
        self.inner.len() + self.staged.total
    }

    pub fn reset(&mut self) {
        self.inner.reset();
        self.staged.reset();
    }

    pub fn merge(&mut self, other: &LatencyHistogram) {
        // Both histograms share the same bounds, so addition cannot fail.
        let _ = self.inner.add(other.settled().as_ref());
    }

    pub fn summary(&self) -> LatencySummary {
        let all = self.settled();
        if all.is_empty() {
            return LatencySummary::default();
        }
        let ms = |us: u64| us as f64 / 1_000.0;
        LatencySummary {
            mean_ms: all.mean() / 1_000.0,
            p50_ms: ms(all.value_at_quantile(0.50)),
            p95_ms: ms(all.value_at_quantile(0.95)),
            p99_ms: ms(all.value_at_quantile(0.99)),
            max_ms: ms(all.max()),
        }
    }
}

/// The per-window recorder: the same buckets as [`LatencyHistogram`] (HDR layout, 3 significant
/// digits, microseconds from 1 to one hour), in a plain array that also remembers the range of
/// buckets it touched.
///
/// A window is short (one simulated second by default) and fills few of the 23 552 buckets (90
/// samples in an M/M/1 window, spread over ten thousand buckets), yet the crate's `add`, `mean`,
/// quantiles and `reset` each walk the whole array: at M/M/1 rates that per-window walk cost more
/// than the events themselves. Here summary, merge and reset visit only the buckets the window
/// touched, and the cumulative histogram stays the crate's, fed bucket by bucket, so every number
/// is what the crate would have computed.
#[derive(Debug, Clone)]
pub struct WindowHistogram {
    counts: Vec<u64>,
    total: u64,
    /// One bit per bucket, set when it is non-empty: the buckets come out in order (the mean's
    /// floating-point sum must run in the crate's order) without sorting, at one word per 64.
    occupied: Vec<u64>,
    /// Range of words of `occupied` that may have bits set, `lo > hi` when empty.
    lo: usize,
    hi: usize,
}

/// HDR layout for 3 significant digits and a unit of 1: 2048 sub-buckets, half of them 1024.
const SUB_BUCKET_HALF_MAGNITUDE: u32 = 10;
const SUB_BUCKET_HALF: usize = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const SUB_BUCKET_MASK: u64 = (2 * SUB_BUCKET_HALF as u64) - 1;
/// 64 minus the unit magnitude (0) minus the sub-bucket count magnitude (11).
const LEADING_ZERO_BASE: u32 = 53;

#[inline]
fn bucket_of(value: u64) -> u32 {
    LEADING_ZERO_BASE - (value | SUB_BUCKET_MASK).leading_zeros()
}

#[inline]
fn index_of(value: u64) -> usize {
    let bucket = bucket_of(value);
    let sub = (value >> bucket) as usize;
    ((bucket as usize + 1) << SUB_BUCKET_HALF_MAGNITUDE) + sub - SUB_BUCKET_HALF
}

/// The lowest value of bucket `index` (hdrhistogram's `value_for`).
#[inline]
fn value_of(index: usize) -> u64 {
    let bucket = (index >> SUB_BUCKET_HALF_MAGNITUDE) as i64 - 1;
    let sub = (index & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
    if bucket < 0 {
        (sub - SUB_BUCKET_HALF) as u64
    } else {
        (sub as u64) << bucket
    }
}

#[inline]
fn highest_equivalent(value: u64) -> u64 {
    let b = bucket_of(value);
    ((value >> b) << b) + (1u64 << b) - 1
}

#[inline]
fn median_equivalent(value: u64) -> u64 {
    let b = bucket_of(value);
    ((value >> b) << b) + ((1u64 << b) >> 1)
}

impl Default for WindowHistogram {
    fn default() -> Self {
        WindowHistogram::new()
    }
}

impl WindowHistogram {
    pub fn new() -> WindowHistogram {
        WindowHistogram {
            counts: vec![0; index_of(MAX_LATENCY_US) + 1],
            total: 0,
            occupied: vec![0; (index_of(MAX_LATENCY_US) + 1).div_ceil(64)],
            lo: usize::MAX,
            hi: 0,
        }
    }

    #[inline]
    pub fn record(&mut self, latency: SimDuration) {
        let us = (latency.0 / 1_000).clamp(1, MAX_LATENCY_US);
        let i = index_of(us);
        let w = i / 64;
        self.occupied[w] |= 1 << (i % 64);
        self.lo = self.lo.min(w);
        self.hi = self.hi.max(w);
        self.counts[i] += 1;
        self.total += 1;
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// Calls `f(index, count)` for every non-empty bucket, lowest first.
    #[inline]
    fn for_each_recorded(&self, mut f: impl FnMut(usize, u64)) {
        if self.lo > self.hi {
            return;
        }
        for w in self.lo..=self.hi {
            let mut bits = self.occupied[w];
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                f(i, self.counts[i]);
            }
        }
    }

    pub fn reset(&mut self) {
        if self.lo <= self.hi {
            for w in self.lo..=self.hi {
                let mut bits = std::mem::take(&mut self.occupied[w]);
                while bits != 0 {
                    self.counts[w * 64 + bits.trailing_zeros() as usize] = 0;
                    bits &= bits - 1;
                }
            }
        }
        self.total = 0;
        self.lo = usize::MAX;
        self.hi = 0;
    }

    /// Ends the window in one pass over its buckets: its summary, its counts added into `total`
    /// (when the window counts), and the recorder emptied. The same as [`Self::summary`], then
    /// [`Self::merge_into`], then [`Self::reset`]; at one-second windows the three walks cost as
    /// much as the requests themselves.
    pub fn close(&mut self, mut total: Option<&mut LatencyHistogram>) -> LatencySummary {
        if self.total == 0 {
            self.reset();
            return LatencySummary::default();
        }
        let mut acc = SummaryAcc::new(self.total);
        for w in self.lo..=self.hi {
            let word = std::mem::take(&mut self.occupied[w]);
            if word == 0 {
                continue;
            }
            if let Some(t) = total.as_deref_mut() {
                t.staged.occupied[w] |= word;
                t.staged.lo = t.staged.lo.min(w);
                t.staged.hi = t.staged.hi.max(w);
            }
            let mut bits = word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let c = std::mem::take(&mut self.counts[i]);
                if let Some(t) = total.as_deref_mut() {
                    t.staged.counts[i] += c;
                }
                acc.add(i, c);
            }
        }
        if let Some(t) = total {
            t.staged.total += self.total;
        }
        self.total = 0;
        self.lo = usize::MAX;
        self.hi = 0;
        acc.finish()
    }

    /// Adds this window into the cumulative histogram (same buckets, so counts add exactly).
    pub fn merge_into(&self, total: &mut LatencyHistogram) {
        let staged = &mut total.staged;
        self.for_each_recorded(|i, c| {
            let w = i / 64;
            staged.occupied[w] |= 1 << (i % 64);
            staged.lo = staged.lo.min(w);
            staged.hi = staged.hi.max(w);
            staged.counts[i] += c;
            staged.total += c;
        });
    }

    /// The same figures as [`LatencyHistogram::summary`] of these samples, computed the way
    /// hdrhistogram computes them (mean over bucket midpoints in bucket order, quantiles as the
    /// highest value of the bucket where the cumulative count reaches ⌈q·n⌉), in one pass.
    pub fn summary(&self) -> LatencySummary {
        if self.total == 0 {
            return LatencySummary::default();
        }
        let mut acc = SummaryAcc::new(self.total);
        self.for_each_recorded(|i, c| acc.add(i, c));
        acc.finish()
    }
}

/// A summary accumulated bucket by bucket, lowest first, the way hdrhistogram computes it: the
/// mean over bucket midpoints in bucket order, each quantile the highest value of the bucket where
/// the cumulative count reaches ⌈q·n⌉.
struct SummaryAcc {
    n: f64,
    targets: [u64; 3],
    found: [u64; 3],
    reached: usize,
    seen: u64,
    mean: f64,
    top: usize,
}

impl SummaryAcc {
    /// For `total` samples (at least one).
    fn new(total: u64) -> SummaryAcc {
        let n = total as f64;
        SummaryAcc {
            n,
            targets: [0.50, 0.95, 0.99].map(|q: f64| ((q * n).ceil() as u64).max(1)),
            found: [0; 3],
            reached: 0,
            seen: 0,
            mean: 0.0,
            top: 0,
        }
    }

    #[inline]
    fn add(&mut self, index: usize, count: u64) {
        let low = value_of(index);
        self.mean += median_equivalent(low) as f64 * count as f64 / self.n;
        self.seen += count;
        while self.reached < 3 && self.seen >= self.targets[self.reached] {
            self.found[self.reached] = highest_equivalent(low);
            self.reached += 1;
        }
        self.top = index;
    }

    fn finish(&self) -> LatencySummary {
        let ms = |us: u64| us as f64 / 1_000.0;
        LatencySummary {
            mean_ms: self.mean / 1_000.0,
            p50_ms: ms(self.found[0]),
            p95_ms: ms(self.found[1]),
            p99_ms: ms(self.found[2]),
            max_ms: ms(highest_equivalent(value_of(self.top))),
        }
    }
}

/// Latency of completed requests, in milliseconds. All zero when nothing completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Per-node latency (a frame's time from its arrival to its answer, downstream included), by
/// window: a compact log-bucket counter array with 16 buckets per octave of nanoseconds (each
/// within ±3 % of its value) over the whole range, so nothing is clamped. One add where a frame
/// already finishes; the percentiles are read at a window's end.
#[derive(Debug, Clone)]
pub struct NodeLatencies {
    /// A window's counts: a `u32` a bucket keeps the array at 4 KiB per node.
    win: Vec<[u32; NODE_LAT_BUCKETS]>,
    total: Vec<[u64; NODE_LAT_BUCKETS]>,
}

/// 1 009 buckets are used; a power of two lets the index be masked instead of bounds-checked.
const NODE_LAT_BUCKETS: usize = 1024;
/// The top 16 bits of 1.0's `f64`: exponent bias and four mantissa bits.
const NODE_LAT_ONE: u64 = 1023 << 4;

/// Percentiles of one node's answer times over a window or a run, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeLatency {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// The bucket of `ns`: the exponent and first four mantissa bits of its `f64`, which one
/// conversion gives (exact and the same on every target) where a leading-zero count takes four
/// more instructions on the hot path.
#[inline(always)]
fn node_lat_index(ns: u64) -> usize {
    // Zero lands in the bucket of 2 ns, which reads the same.
    let top = (ns as i64 as f64).to_bits() >> 48;
    (top.wrapping_sub(NODE_LAT_ONE) as usize) & (NODE_LAT_BUCKETS - 1)
}

/// The highest value of bucket `index`, in nanoseconds (a percentile reads as its bucket's top,
/// as the request histogram's do).
fn node_lat_top_ns(index: usize) -> u64 {
    let next = f64::from_bits((index as u64 + NODE_LAT_ONE + 1) << 48);
    (next as u64).saturating_sub(1)
}

/// Buckets summed together at a window's end, so the walk to a percentile and the merge skip
/// the empty ones sixteen at a time.
const NODE_LAT_GROUP: usize = 16;
const NODE_LAT_GROUPS: usize = NODE_LAT_BUCKETS / NODE_LAT_GROUP;

/// Sums of each group of buckets, and their total.
fn node_lat_groups(bucket: impl Fn(usize) -> u64) -> ([u64; NODE_LAT_GROUPS], u64) {
    let mut groups = [0u64; NODE_LAT_GROUPS];
    for (g, sum) in groups.iter_mut().enumerate() {
        *sum = (g * NODE_LAT_GROUP..(g + 1) * NODE_LAT_GROUP)
            .map(&bucket)
            .sum();
    }
    let n = groups.iter().sum();
    (groups, n)
}

/// The median and p99 of `n` (at least one) counts.
fn node_lat_summary(
    n: u64,
    groups: &[u64; NODE_LAT_GROUPS],
    bucket: impl Fn(usize) -> u64,
) -> NodeLatency {
    let targets = [0.50, 0.99].map(|q: f64| ((q * n as f64).ceil() as u64).max(1));
    let mut found = [0u64; 2];
    let (mut seen, mut reached) = (0u64, 0usize);
    for (g, &sum) in groups.iter().enumerate() {
        if reached == 2 {
            break;
        }
        if seen + sum < targets[reached] {
            seen += sum;
            continue;
        }
        for i in g * NODE_LAT_GROUP..(g + 1) * NODE_LAT_GROUP {
            seen += bucket(i);
            while reached < 2 && seen >= targets[reached] {
                found[reached] = node_lat_top_ns(i);
                reached += 1;
            }
        }
    }
    let ms = |ns: u64| ns as f64 / 1e6;
    NodeLatency {
        p50_ms: ms(found[0]),
        p99_ms: ms(found[1]),
    }
}

impl NodeLatencies {
    pub fn new(nodes: usize) -> NodeLatencies {
        NodeLatencies {
            win: vec![[0; NODE_LAT_BUCKETS]; nodes],
            total: vec![[0; NODE_LAT_BUCKETS]; nodes],
        }
    }

    /// A frame at `node` answered `ns` nanoseconds after it arrived.
    #[inline(always)]
    pub fn record(&mut self, node: u32, ns: u64) {
        self.win[node as usize][node_lat_index(ns)] += 1;
    }

    /// Ends `node`'s window: its percentiles, its counts added into the run's (when the
    /// window counts), and the window emptied.
    pub fn close(&mut self, node: usize, count: bool) -> Option<NodeLatency> {
        let win = self.win.get_mut(node)?;
        let (groups, n) = node_lat_groups(|i| u64::from(win[i]));
        if n == 0 {
            return None;
        }
        let summary = node_lat_summary(n, &groups, |i| u64::from(win[i]));
        for (g, _) in groups.iter().enumerate().filter(|(_, &sum)| sum > 0) {
            let range = g * NODE_LAT_GROUP..(g + 1) * NODE_LAT_GROUP;
            if count {
                for i in range.clone() {
                    self.total[node][i] += u64::from(win[i]);
                }
            }
            win[range].fill(0);
        }
        Some(summary)
    }

    /// `node`'s percentiles over the closed windows that count, plus the open one if `open`.
    pub fn run(&self, node: usize, open: bool) -> Option<NodeLatency> {
        let (total, win) = (self.total.get(node)?, &self.win[node]);
        let bucket = |i: usize| total[i] + if open { u64::from(win[i]) } else { 0 };
        let (groups, n) = node_lat_groups(bucket);
        (n > 0).then(|| node_lat_summary(n, &groups, bucket))
    }
}

/// Why a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// As wide as a version: `Result<u32, ErrorCause>`, the outcome every frame hands its parent, is
// then a pair of scalars, which WebAssembly passes in registers; with a one-byte cause it is an
// aggregate passed through linear memory (natively both fit one register).
#[repr(u32)]
pub enum ErrorCause {
    /// The client gave up waiting: the response came after the client's timeout.
    Timeout,
    /// A bounded queue was full and refused the request (HTTP 503).
    Rejected,
    /// No healthy node could take the request (no healthy target, or a network partition).
    NoRoute,
    /// The node holding the request crashed, or refused it because it was down.
    NodeDown,
    /// An API gateway's rate limiter refused it (HTTP 429): its bucket had no token.
    RateLimited,
    /// A WAF blocked it as an attack (HTTP 403), rightly or as a false positive.
    Blocked,
}

/// Failed requests by cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCounts {
    pub timeout: u64,
    pub rejected: u64,
    pub no_route: u64,
    pub node_down: u64,
    #[serde(default)]
    pub rate_limited: u64,
    #[serde(default)]
    pub blocked: u64,
}

impl ErrorCounts {
    pub fn total(&self) -> u64 {
        self.timeout
            + self.rejected
            + self.no_route
            + self.node_down
            + self.rate_limited
            + self.blocked
    }

    /// Adds every cause of `o`.
    pub fn add_counts(&mut self, o: &ErrorCounts) {
        self.timeout += o.timeout;
        self.rejected += o.rejected;
        self.no_route += o.no_route;
        self.node_down += o.node_down;
        self.rate_limited += o.rate_limited;
        self.blocked += o.blocked;
    }

    pub fn add(&mut self, cause: ErrorCause) {
        match cause {
            ErrorCause::Timeout => self.timeout += 1,
            ErrorCause::Rejected => self.rejected += 1,
            ErrorCause::NoRoute => self.no_route += 1,
            ErrorCause::NodeDown => self.node_down += 1,
            ErrorCause::RateLimited => self.rate_limited += 1,
            ErrorCause::Blocked => self.blocked += 1,
        }
    }
}

/// Counts of the chapter's mechanisms, per window or since the warm-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Counters {
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub cdn_hits: u64,
    pub cdn_misses: u64,
    /// Reads that returned an older version than the last write of their key acknowledged
    /// before the read started.
    pub stale_reads: u64,
    /// Static responses served from an edge copy older than the deployed asset version.
    pub stale_responses: u64,
    /// Acknowledged writes that no longer exist (write-back cache crash, failover promotion).
    pub lost_writes: u64,
    /// Users who had to log in again because their session was gone (forced logins).
    pub lost_sessions: u64,
    /// Writes applied at replicas, and the summed lag they arrived with (ns).
    pub replicated: u64,
    pub replication_lag_ns: u64,
    pub jobs_published: u64,
    pub jobs_done: u64,
    /// Keys whose shard changed in a resharding, and the ones already migrated.
    pub keys_moved: u64,
    pub keys_migrated: u64,
    /// Requests the database tier (primaries, replicas, shards) served.
    pub db_queries: u64,
    /// Bytes the CDN sent to users.
    pub cdn_egress_bytes: u64,
    /// Cache misses for a key whose database read was already in flight: in a stampede (a hot
    /// key expired, or a cold cache) every one of them reads the database.
    #[serde(default)]
    pub stampede_reads: u64,
    /// Server instances an autoscaler launched, and the ones it retired.
    #[serde(default)]
    pub instances_launched: u64,
    #[serde(default)]
    pub instances_retired: u64,
    /// Acknowledged writes the most up-to-date healthy replica lacked when their primary died:
    /// lost if that replica is promoted (`lost_writes`), kept if the primary comes back first.
    #[serde(default)]
    pub writes_at_risk: u64,
    /// Shard reads beyond the first that salted reads gathered (one per further shard holding
    /// some of a salted hot key's suffixes): the price of spreading its writes.
    #[serde(default)]
    pub gather_reads: u64,
    /// Simulated time a resharding's migration was under way (ns).
    #[serde(default)]
    pub migration_ns: u64,
    /// Bytes the origin (servers and load balancers) sent to users: EC2 internet egress.
    #[serde(default)]
    pub internet_egress_bytes: u64,
    /// Bytes sent between data centres: replication and calls across regions.
    #[serde(default)]
    pub cross_region_bytes: u64,
    /// Requests load balancers forwarded (each billed as a new connection).
    #[serde(default)]
    pub lb_requests: u64,
    /// Requests made to message queues (a job costs three: send, receive, delete).
    #[serde(default)]
    pub queue_requests: u64,
    /// DNS queries that reached a name server (answers cached by users cost nothing).
    #[serde(default)]
    pub dns_queries: u64,
    /// Requests an API gateway's rate limiter refused (HTTP 429).
    #[serde(default)]
    pub rate_limited: u64,
    /// Requests a WAF inspected; attacks it blocked and let through; legitimate requests it
    /// blocked (false positives).
    #[serde(default)]
    pub waf_inspected: u64,
    #[serde(default)]
    pub attacks_blocked: u64,
    #[serde(default)]
    pub attacks_passed: u64,
    #[serde(default)]
    pub legit_blocked: u64,
    /// Cache and session store replicas promoted in their dead primary's place.
    #[serde(default)]
    pub replica_promotions: u64,
    /// Disaster-recovery standbys activated, and the summed time from their primary data
    /// centre's failure until they served with fewer than 1 % errors (ns).
    #[serde(default)]
    pub standby_activations: u64,
    #[serde(default)]
    pub standby_recovery_ns: u64,
    /// The part of `lost_writes` lost by promoting a database member of an activated standby:
    /// the writes its data centre had not received (in flight, or since the last backup).
    #[serde(default)]
    pub standby_lost_writes: u64,
}

impl Counters {
    pub fn cache_hit_ratio(&self) -> Option<f64> {
        ratio_of(self.cache_hits, self.cache_misses)
    }
    pub fn cdn_hit_ratio(&self) -> Option<f64> {
        ratio_of(self.cdn_hits, self.cdn_misses)
    }
    pub fn mean_replication_lag_ms(&self) -> f64 {
        if self.replicated == 0 {
            0.0
        } else {
            self.replication_lag_ns as f64 / self.replicated as f64 * 1e-6
        }
    }
    pub fn add(&mut self, o: &Counters) {
        self.cache_hits += o.cache_hits;
        self.cache_misses += o.cache_misses;
        self.cdn_hits += o.cdn_hits;
        self.cdn_misses += o.cdn_misses;
        self.stale_reads += o.stale_reads;
        self.stale_responses += o.stale_responses;
        self.lost_writes += o.lost_writes;
        self.lost_sessions += o.lost_sessions;
        self.replicated += o.replicated;
        self.replication_lag_ns += o.replication_lag_ns;
        self.jobs_published += o.jobs_published;
        self.jobs_done += o.jobs_done;
        self.keys_moved += o.keys_moved;
        self.keys_migrated += o.keys_migrated;
        self.db_queries += o.db_queries;
        self.cdn_egress_bytes += o.cdn_egress_bytes;
        self.stampede_reads += o.stampede_reads;
        self.instances_launched += o.instances_launched;
        self.instances_retired += o.instances_retired;
        self.writes_at_risk += o.writes_at_risk;
        self.gather_reads += o.gather_reads;
        self.migration_ns += o.migration_ns;
        self.internet_egress_bytes += o.internet_egress_bytes;
        self.cross_region_bytes += o.cross_region_bytes;
        self.lb_requests += o.lb_requests;
        self.queue_requests += o.queue_requests;
        self.dns_queries += o.dns_queries;
        self.rate_limited += o.rate_limited;
        self.waf_inspected += o.waf_inspected;
        self.attacks_blocked += o.attacks_blocked;
        self.attacks_passed += o.attacks_passed;
        self.legit_blocked += o.legit_blocked;
        self.replica_promotions += o.replica_promotions;
        self.standby_activations += o.standby_activations;
        self.standby_recovery_ns += o.standby_recovery_ns;
        self.standby_lost_writes += o.standby_lost_writes;
    }
}

/// A bill, line by line, in US dollars per hour (of one node, or of the whole design), each line
/// priced from what the engine counted over a period at that period's pace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Bill {
    /// Running instances (servers, databases, cache nodes, queue consumers), load balancers'
    /// hourly fee and DNS hosted zones.
    pub instances: f64,
    /// Responses the origin sent to users (EC2 egress to the internet).
    pub internet_egress: f64,
    /// Responses CDN edges sent to users.
    pub cdn_egress: f64,
    /// CDN HTTPS request fees.
    pub cdn_requests: f64,
    /// Inter-region transfer: replication and calls between data centres.
    pub cross_region: f64,
    /// Load balancer capacity units (LCU-hours).
    pub lb_capacity: f64,
    /// Message queue requests.
    pub queue_requests: f64,
    /// DNS queries.
    pub dns_queries: f64,
    /// WAF requests inspected (the web ACL and its rules are billed monthly, in `instances`).
    #[serde(default)]
    pub waf_requests: f64,
}

impl Bill {
    /// The lines and their names, in report order.
    pub fn lines(&self) -> [(&'static str, f64); 9] {
        [
            ("instances", self.instances),
            ("internet_egress", self.internet_egress),
            ("cdn_egress", self.cdn_egress),
            ("cdn_requests", self.cdn_requests),
            ("cross_region", self.cross_region),
            ("lb_capacity", self.lb_capacity),
            ("queue_requests", self.queue_requests),
            ("dns_queries", self.dns_queries),
            ("waf_requests", self.waf_requests),
        ]
    }

    /// The whole bill, dollars per hour.
    pub fn total(&self) -> f64 {
        self.lines().iter().map(|(_, usd)| usd).sum()
    }

    pub fn add(&mut self, o: &Bill) {
        self.instances += o.instances;
        self.internet_egress += o.internet_egress;
        self.cdn_egress += o.cdn_egress;
        self.cdn_requests += o.cdn_requests;
        self.cross_region += o.cross_region;
        self.lb_capacity += o.lb_capacity;
        self.queue_requests += o.queue_requests;
        self.dns_queries += o.dns_queries;
        self.waf_requests += o.waf_requests;
    }
}

/// Dollars per million requests at `usd_per_hour` when `requests` arrive in `secs` seconds (0
/// without requests).
pub fn usd_per_million_requests(usd_per_hour: f64, requests: u64, secs: f64) -> f64 {
    let per_hour = requests as f64 * 3600.0 / secs;
    if requests == 0 || !per_hour.is_finite() || per_hour <= 0.0 {
        0.0
    } else {
        usd_per_hour / (per_hour / 1e6)
    }
}

fn ratio_of(hits: u64, misses: u64) -> Option<f64> {
    let n = hits + misses;
    (n > 0).then(|| hits as f64 / n as f64)
}

/// What one node did during a window (or the whole run).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeStats {
    pub id: u32,
    /// Worker occupancy: busy workers over available workers, time-averaged, 0..=1. A web
    /// server's worker is busy for its request's whole life, waits downstream included; a
    /// database's, cache's or queue's counts its `min(workers, cores)` service slots.
    pub utilization: f64,
    /// Time-averaged number of requests waiting in the queue.
    pub mean_queue: f64,
    /// Requests waiting at the end of the window.
    pub queue_len: u64,
    /// Requests this node finished serving.
    pub served: u64,
    /// Requests this node failed (rejected, or lost when it went down).
    pub errors: u64,
    /// Hit ratio where the node is a cache or CDN; `None` elsewhere.
    pub hit_ratio: Option<f64>,
    pub up: bool,
    /// Requests currently sent to this node and not yet answered (load balancers' view).
    #[serde(default)]
    pub outstanding: u64,
    /// Instances billed at the end of the window: server instances serving, a cache's nodes
    /// (as many as its memory needs); 1 for every other node.
    #[serde(default = "one")]
    pub instances: u32,
    /// Server instances launched and still booting at the end of the window.
    #[serde(default)]
    pub booting: u32,
    /// CPU utilisation: CPU time of the services started in the window over the cores' time
    /// (the workers' time where cores are unlimited), 0..=1.
    #[serde(default)]
    pub cpu_utilization: f64,
    /// This node's bill over the window, dollars per hour, and its lines.
    #[serde(default)]
    pub cost_per_hour_usd: f64,
    #[serde(default)]
    pub bill: Bill,
    /// The time this node took to answer a call (a frame's time from its call to its answer,
    /// error or not, downstream included; a load balancer's: from the request reaching it to
    /// its target's answer), over the window. `None` where it answered nothing.
    #[serde(default)]
    pub latency: Option<NodeLatency>,
}

fn one() -> u32 {
    1
}

/// How many events one window keeps; a design that flaps (a health check taking a target out
/// and back every few seconds, a slider dragged) cannot grow a window without limit.
pub const MAX_EVENTS_PER_WINDOW: usize = 64;

/// Something the engine saw happen, at a simulated instant, at a node: what the charts mark and
/// the event log tells. Emitted only on rare paths (faults, timers, window ends).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimEvent {
    /// Simulated seconds since the start.
    pub at_s: f64,
    /// The engine node it concerns (`None`: data centres or the network between them).
    pub node: Option<u32>,
    pub what: EventKind,
}

/// The closed list of events.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A fault or live change was applied: scheduled in the design, or sent while running.
    Fault {
        command: crate::sim::Command,
        scheduled: bool,
    },
    /// A load balancer's health check took target `target` out of rotation, or put it back.
    TargetOut {
        target: u32,
    },
    TargetIn {
        target: u32,
    },
    /// A database group (its address node) promoted `promoted`: the writes it lacked are lost;
    /// `writes_at_risk` were at risk when the primary died.
    Failover {
        promoted: u32,
        writes_lost: u64,
        writes_at_risk: u64,
    },
    /// An autoscaler launched instances, they finished booting, or it retired one.
    Launched {
        count: u32,
    },
    Booted {
        count: u32,
    },
    Retired {
        count: u32,
    },
    /// A CDN purge landed: every edge copy is gone.
    Purged,
    /// A resharding brought in shard `shard` and started moving keys, and finished.
    ReshardStarted {
        shard: u32,
        keys_moved: u64,
    },
    ReshardFinished {
        keys_moved: u64,
    },
    /// A users node's traffic profile changed: a step, a ramp's start and end, a spike's start
    /// and end; `rate_rps` is the rate offered from then on (a ramp's start: at its end).
    RateStep {
        factor: f64,
        rate_rps: f64,
    },
    RampStarted {
        factor: f64,
        rate_rps: f64,
    },
    RampEnded {
        factor: f64,
        rate_rps: f64,
    },
    SpikeStarted {
        factor: f64,
        rate_rps: f64,
    },
    SpikeEnded {
        rate_rps: f64,
    },
    /// A node's utilisation (the busier of CPU and worker occupancy) was at or above
    /// [`SATURATED`] for a whole window (stamped at the window's start), and later below
    /// [`RECOVERED`] for a whole window.
    Saturated {
        utilization: f64,
    },
    Recovered {
        utilization: f64,
    },
    /// A node's bounded queue started refusing requests (none refused in the window before).
    Rejecting,
    /// Users' requests started timing out (`node`: the users node).
    TimeoutsStarted,
    /// Users whose cached DNS answer names a dead target kept sending it requests (`node`: the
    /// target; `dns`: the name server).
    DeadDnsTarget {
        dns: u32,
    },
    /// A cache's misses started piling onto keys already being read from the database.
    Stampede {
        reads: u64,
    },
    /// A cache's or session store's replica took over its dead primary (`node`), with its
    /// contents but the `entries_lost` changes still on their way.
    ReplicaPromoted {
        promoted: u32,
        entries_lost: u64,
    },
    /// A disaster-recovery standby (`node`: its entry point) was activated after health checks
    /// found its primary data centre dead; a cold one finished its restore; it served again.
    StandbyActivated {
        mode: StandbyMode,
    },
    StandbyProvisioned,
    StandbyServing {
        recovery_s: f64,
    },
}

// Read without serde's `Content` buffer (see `tagged`): the tag and every variant's fields.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum EventTag {
    Fault,
    TargetOut,
    TargetIn,
    Failover,
    Launched,
    Booted,
    Retired,
    Purged,
    ReshardStarted,
    ReshardFinished,
    RateStep,
    RampStarted,
    RampEnded,
    SpikeStarted,
    SpikeEnded,
    Saturated,
    Recovered,
    Rejecting,
    TimeoutsStarted,
    DeadDnsTarget,
    Stampede,
    ReplicaPromoted,
    StandbyActivated,
    StandbyProvisioned,
    StandbyServing,
}

#[derive(Deserialize)]
struct EventFields {
    kind: EventTag,
    command: Option<crate::sim::Command>,
    scheduled: Option<bool>,
    target: Option<u32>,
    promoted: Option<u32>,
    writes_lost: Option<u64>,
    writes_at_risk: Option<u64>,
    count: Option<u32>,
    shard: Option<u32>,
    keys_moved: Option<u64>,
    factor: Option<f64>,
    rate_rps: Option<f64>,
    utilization: Option<f64>,
    dns: Option<u32>,
    reads: Option<u64>,
    entries_lost: Option<u64>,
    mode: Option<StandbyMode>,
    recovery_s: Option<f64>,
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::tagged::deserialize(
            deserializer,
            "internally tagged enum EventKind",
            |f: EventFields| {
                use crate::tagged::need;
                let count = || need(f.count, "count");
                let factor = || need(f.factor, "factor");
                let rate_rps = || need(f.rate_rps, "rate_rps");
                let utilization = || need(f.utilization, "utilization");
                let keys_moved = || need(f.keys_moved, "keys_moved");
                Ok(match f.kind {
                    EventTag::Fault => EventKind::Fault {
                        command: need(f.command, "command")?,
                        scheduled: need(f.scheduled, "scheduled")?,
                    },
                    EventTag::TargetOut => EventKind::TargetOut {
                        target: need(f.target, "target")?,
                    },
                    EventTag::TargetIn => EventKind::TargetIn {
                        target: need(f.target, "target")?,
                    },
                    EventTag::Failover => EventKind::Failover {
                        promoted: need(f.promoted, "promoted")?,
                        writes_lost: need(f.writes_lost, "writes_lost")?,
                        writes_at_risk: need(f.writes_at_risk, "writes_at_risk")?,
                    },
                    EventTag::Launched => EventKind::Launched { count: count()? },
                    EventTag::Booted => EventKind::Booted { count: count()? },
                    EventTag::Retired => EventKind::Retired { count: count()? },
                    EventTag::Purged => EventKind::Purged,
                    EventTag::ReshardStarted => EventKind::ReshardStarted {
                        shard: need(f.shard, "shard")?,
                        keys_moved: keys_moved()?,
                    },
                    EventTag::ReshardFinished => EventKind::ReshardFinished {
                        keys_moved: keys_moved()?,
                    },
                    EventTag::RateStep => EventKind::RateStep {
                        factor: factor()?,
                        rate_rps: rate_rps()?,
                    },
                    EventTag::RampStarted => EventKind::RampStarted {
                        factor: factor()?,
                        rate_rps: rate_rps()?,
                    },
                    EventTag::RampEnded => EventKind::RampEnded {
                        factor: factor()?,
                        rate_rps: rate_rps()?,
                    },
                    EventTag::SpikeStarted => EventKind::SpikeStarted {
                        factor: factor()?,
                        rate_rps: rate_rps()?,
                    },
                    EventTag::SpikeEnded => EventKind::SpikeEnded {
                        rate_rps: rate_rps()?,
                    },
                    EventTag::Saturated => EventKind::Saturated {
                        utilization: utilization()?,
                    },
                    EventTag::Recovered => EventKind::Recovered {
                        utilization: utilization()?,
                    },
                    EventTag::Rejecting => EventKind::Rejecting,
                    EventTag::TimeoutsStarted => EventKind::TimeoutsStarted,
                    EventTag::DeadDnsTarget => EventKind::DeadDnsTarget {
                        dns: need(f.dns, "dns")?,
                    },
                    EventTag::Stampede => EventKind::Stampede {
                        reads: need(f.reads, "reads")?,
                    },
                    EventTag::ReplicaPromoted => EventKind::ReplicaPromoted {
                        promoted: need(f.promoted, "promoted")?,
                        entries_lost: need(f.entries_lost, "entries_lost")?,
                    },
                    EventTag::StandbyActivated => EventKind::StandbyActivated {
                        mode: need(f.mode, "mode")?,
                    },
                    EventTag::StandbyProvisioned => EventKind::StandbyProvisioned,
                    EventTag::StandbyServing => EventKind::StandbyServing {
                        recovery_s: need(f.recovery_s, "recovery_s")?,
                    },
                })
            },
        )
    }
}

/// What a disaster-recovery standby keeps running (the engine's `DrMode`, as events tell it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandbyMode {
    Hot,
    Warm,
    Cold,
}

/// The utilisation at which a node counts as saturated, and below which it has recovered (lower:
/// a node hovering near the line would otherwise flap between the two every other window).
pub const SATURATED: f64 = 0.95;
pub const RECOVERED: f64 = 0.8;

/// Everything measured in one window of simulated time: what the UI charts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WindowStats {
    /// 0-based window number.
    pub index: u64,
    /// Start of the window, in simulated seconds.
    pub start_s: f64,
    /// Window length, in simulated seconds.
    pub len_s: f64,
    pub generated: u64,
    pub completed: u64,
    pub errors: ErrorCounts,
    pub latency: LatencySummary,
    pub throughput_rps: f64,
    /// Requests generated but neither completed nor failed at the end of the window.
    pub in_flight: u64,
    pub nodes: Vec<NodeStats>,
    /// Mechanism counts in this window.
    #[serde(default)]
    pub counters: Counters,
    /// Cache and CDN hit ratios over all cache / CDN nodes (`None` without lookups).
    #[serde(default)]
    pub cache_hit_ratio: Option<f64>,
    #[serde(default)]
    pub cdn_hit_ratio: Option<f64>,
    /// Mean lag of the writes replicas applied in this window.
    #[serde(default)]
    pub replication_lag_ms: f64,
    /// Writes acknowledged by a primary that some replica does not have yet.
    #[serde(default)]
    pub unreplicated_writes: u64,
    /// Jobs waiting in message queues at the end of the window.
    #[serde(default)]
    pub job_backlog: u64,
    /// End-to-end latency of the jobs finished in this window (publish to done).
    #[serde(default)]
    pub job_latency: LatencySummary,
    /// The whole bill of this window as dollars per hour: the running nodes plus the usage
    /// counted in the window (egress, requests, transfer) at its pace. The sum of the nodes'.
    #[serde(default)]
    pub cost_per_hour_usd: f64,
    /// The same bill line by line, per month (730 h), and per million requests generated.
    #[serde(default)]
    pub bill: Bill,
    #[serde(default)]
    pub cost_per_month_usd: f64,
    #[serde(default)]
    pub usd_per_million_requests: f64,
    /// What happened in this window, in time order (at most [`MAX_EVENTS_PER_WINDOW`]), and
    /// how many more were dropped.
    #[serde(default)]
    pub events: Vec<SimEvent>,
    #[serde(default)]
    pub events_dropped: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;

    /// A node's badge p50/p99 read from its compact histogram are within 7 % of the exact
    /// order statistics (bucket tops are at most one sixteenth of an octave above), from
    /// microseconds to minutes, and a closed window starts empty.
    #[test]
    fn node_latency_percentiles_are_within_a_bucket_of_exact() {
        let mut rng = SimRng::new(9);
        for scale_ns in [3_000.0, 2e6, 4e8, 9e10] {
            let mut lat = NodeLatencies::new(2);
            let mut samples: Vec<u64> = (0..20_001).map(|_| rng.exp(scale_ns) as u64 + 1).collect();
            for &ns in &samples {
                lat.record(1, ns);
            }
            samples.sort_unstable();
            let exact = |q: f64| {
                samples[((q * samples.len() as f64).ceil() as usize).max(1) - 1] as f64 / 1e6
            };
            let got = lat.close(1, true).expect("recorded");
            for (what, got, want) in [
                ("p50", got.p50_ms, exact(0.5)),
                ("p99", got.p99_ms, exact(0.99)),
            ] {
                assert!(
                    got >= want * 0.999 && got <= want * 1.07,
                    "{what} at scale {scale_ns}: {got} vs exact {want}"
                );
            }
            assert_eq!(lat.close(1, true), None, "the window was emptied");
            assert_eq!(lat.close(0, true), None, "nothing answered at node 0");
            assert_eq!(
                lat.run(1, false),
                Some(got),
                "the run keeps the counted window"
            );
        }
    }

    /// The window recorder must give exactly the crate's figures, and merging it must give the
    /// crate's histogram, for latencies spread over every bucket magnitude.
    #[test]
    fn window_histogram_matches_hdrhistogram_bit_for_bit() {
        let mut rng = SimRng::new(5);
        for (round, spread) in [1.0, 50.0, 5_000.0, 4e6].into_iter().enumerate() {
            let mut window = WindowHistogram::new();
            let mut reference = LatencyHistogram::new();
            let n = 1 + round * 3_000;
            for _ in 0..n {
                let ns = (rng.exp(spread) * 1e6) as u64;
                window.record(SimDuration(ns));
                reference.record(SimDuration(ns));
            }
            assert_eq!(window.count(), reference.count());
            let (a, b) = (window.summary(), reference.summary());
            assert_eq!(a.mean_ms.to_bits(), b.mean_ms.to_bits(), "{a:?} {b:?}");
            assert_eq!(a, b);
            let mut merged = LatencyHistogram::new();
            merged.record(SimDuration(7_000_000));
            let mut expected = merged.clone();
            window.merge_into(&mut merged);
            expected.merge(&reference);
            assert_eq!(merged.summary(), expected.summary());
            assert_eq!(merged.count(), expected.count());
            // Closing a window gives its summary, merges it and empties it, all in one pass.
            let mut closing = window.clone();
            let mut closed_into = LatencyHistogram::new();
            let mut summed_into = LatencyHistogram::new();
            window.merge_into(&mut summed_into);
            assert_eq!(closing.close(Some(&mut closed_into)), window.summary());
            assert_eq!(closed_into.summary(), summed_into.summary());
            assert_eq!(closing.count(), 0);
            assert_eq!(closing.close(None), LatencySummary::default());
            // Staged windows accumulate: a second merge doubles every count.
            window.merge_into(&mut merged);
            expected.merge(&reference);
            let (a, b) = (merged.summary(), expected.summary());
            assert_eq!(a.mean_ms.to_bits(), b.mean_ms.to_bits(), "{a:?} {b:?}");
            assert_eq!(a, b);
            assert_eq!(merged.count(), expected.count());
            window.reset();
            assert_eq!(window.summary(), LatencySummary::default());
            assert_eq!(window.count(), 0);
        }
    }
}

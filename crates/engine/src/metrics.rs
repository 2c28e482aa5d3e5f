//! Measurement: latency histograms, error causes, and the plain snapshot types the engine emits.
//!
//! Percentiles come from an HDR histogram (3 significant digits, so every bucket is within 0.1 % of
//! its value), never from sorted samples: memory stays constant however long the run.

use crate::time::SimDuration;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Latencies in microseconds from 1 µs to one hour.
#[derive(Debug, Clone)]
pub struct LatencyHistogram {
    inner: Histogram<u64>,
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
        LatencyHistogram { inner }
    }

    #[inline]
    pub fn record(&mut self, latency: SimDuration) {
        let us = (latency.0 / 1_000).clamp(1, MAX_LATENCY_US);
        self.inner.saturating_record(us);
    }

    pub fn count(&self) -> u64 {
        self.inner.len()
    }

    pub fn reset(&mut self) {
        self.inner.reset();
    }

    pub fn merge(&mut self, other: &LatencyHistogram) {
        // Both histograms share the same bounds, so addition cannot fail.
        let _ = self.inner.add(&other.inner);
    }

    pub fn summary(&self) -> LatencySummary {
        if self.inner.is_empty() {
            return LatencySummary::default();
        }
        let ms = |us: u64| us as f64 / 1_000.0;
        LatencySummary {
            mean_ms: self.inner.mean() / 1_000.0,
            p50_ms: ms(self.inner.value_at_quantile(0.50)),
            p95_ms: ms(self.inner.value_at_quantile(0.95)),
            p99_ms: ms(self.inner.value_at_quantile(0.99)),
            max_ms: ms(self.inner.max()),
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

/// Why a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCause {
    /// The client gave up waiting: the response came after the client's timeout.
    Timeout,
    /// A bounded queue was full and refused the request (HTTP 503).
    Rejected,
    /// No healthy node could take the request (no healthy target, or a network partition).
    NoRoute,
    /// The node holding the request crashed, or refused it because it was down.
    NodeDown,
}

/// Failed requests by cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCounts {
    pub timeout: u64,
    pub rejected: u64,
    pub no_route: u64,
    pub node_down: u64,
}

impl ErrorCounts {
    pub fn total(&self) -> u64 {
        self.timeout + self.rejected + self.no_route + self.node_down
    }

    pub fn add(&mut self, cause: ErrorCause) {
        match cause {
            ErrorCause::Timeout => self.timeout += 1,
            ErrorCause::Rejected => self.rejected += 1,
            ErrorCause::NoRoute => self.no_route += 1,
            ErrorCause::NodeDown => self.node_down += 1,
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
    /// Reads that returned an older version than the last acknowledged write of their key.
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
    /// Busy workers over available workers, time-averaged, 0..=1.
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
}

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
    /// Running cost of the nodes plus this window's CDN egress, as dollars per hour.
    #[serde(default)]
    pub cost_per_hour_usd: f64,
}

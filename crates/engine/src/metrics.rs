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
    /// No healthy node could take the request (for example no route past a dead balancer).
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
    /// Hit ratio where the node is a cache; `None` elsewhere.
    pub hit_ratio: Option<f64>,
    pub up: bool,
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
}

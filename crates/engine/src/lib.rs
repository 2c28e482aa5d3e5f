//! ScaleLab's simulation core: a deterministic discrete-event engine for web-service architectures.
//!
//! The engine does no I/O and reads no clock. Simulated time is [`SimTime`], an integer count of
//! nanoseconds; randomness comes from seeded, portable Xoshiro256++ streams, and every
//! transcendental function goes through `libm`, so the same model and seed give the same report
//! natively and in WebAssembly.
//!
//! What it does not model: packet-level networking, TCP congestion, CPU caches, garbage collection
//! pauses, or anything below the granularity of one request visiting one component.

pub mod agenda;
pub mod analytic;
pub mod cache;
pub mod hashing;
pub mod prices;
pub mod time;

pub use time::{SimDuration, SimTime};
pub mod dist;
mod hint;
pub mod metrics;
pub mod model;
pub mod rng;
pub mod sim;
pub mod tagged;

pub use metrics::{
    Bill, Counters, ErrorCause, ErrorCounts, EventKind, LatencySummary, NodeLatency, NodeStats,
    SimEvent, StandbyMode, WindowStats,
};
pub use model::{Model, NodeId, NodeKind, NodeSpec, RegionId};
pub use sim::{Command, Conservation, NodeReport, Report, Simulation};

//! The simulation worker: the engine runs here, never on the UI thread.
//!
//! [`Session`] is the pure state machine (load, play, pause, step, reset, speed, live commands)
//! and is tested natively; [`SimWorker`] is the thin gloo shell that feeds it wall-clock ticks and
//! forwards its snapshots. Messages cross the boundary as JSON text so that a malformed message is
//! an error value, not a panic inside a codec.

mod session;
mod shell;

pub mod limit;
pub use session::{Session, Snapshot, Speed, WorkerInput, WorkerOutput, TICK_MS};
pub use shell::SimWorker;

//! Notices a simulation worker that died (a wasm trap, out of memory, closed) from its silence:
//! gloo's bridge hides the worker's error event, so the page listens for the answers it is owed.
//! Pure and clocked by the caller, so it is tested natively; `app.rs` respawns on its word.

use scalelab_worker::{WorkerInput, WorkerOutput};

/// How long the worker may stay silent when it owes an answer. Generous: a restart resets the
/// run, so a slow answer (lowering a large design on a busy machine) must not look like a death.
pub const SILENCE_MS: f64 = 8_000.0;

/// What the page is owed by its worker, in wall-clock milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Watchdog {
    /// When the oldest unanswered message that must answer was sent.
    owed_since: Option<f64>,
    /// The worker's last snapshot said it was running: it then sends one every tick.
    streaming: bool,
    last_heard: f64,
    /// The worker's last word was an invalid design: it has no simulation, so play, pause and
    /// step change nothing it would report.
    without_sim: bool,
}

impl Watchdog {
    pub fn new(now: f64) -> Watchdog {
        Watchdog {
            owed_since: None,
            streaming: false,
            last_heard: now,
            without_sim: false,
        }
    }

    /// A message was handed to the worker. A design always answers (a snapshot on the next tick,
    /// or the problems at once); run controls answer when the worker has a simulation.
    pub fn sent(&mut self, input: &WorkerInput, now: f64) {
        let owed = match input {
            // A design, and a sweep, which reports after every step.
            WorkerInput::Load { .. } | WorkerInput::FindLimit { .. } => true,
            WorkerInput::Play | WorkerInput::Pause | WorkerInput::Step | WorkerInput::Reset => {
                !self.without_sim
            }
            WorkerInput::SetSpeed { .. }
            | WorkerInput::Temporary { .. }
            | WorkerInput::Command { .. }
            | WorkerInput::CancelLimit => false,
        };
        if owed && self.owed_since.is_none() {
            self.owed_since = Some(now);
        }
    }

    /// The worker spoke: it is alive, and whatever it owed is settled.
    pub fn heard(&mut self, output: &WorkerOutput, now: f64) {
        self.owed_since = None;
        self.last_heard = now;
        match output {
            WorkerOutput::Snapshot(snapshot) => {
                self.streaming = snapshot.running;
                self.without_sim = false;
            }
            WorkerOutput::Invalid { .. } => {
                self.streaming = false;
                self.without_sim = true;
            }
            WorkerOutput::Error { .. } | WorkerOutput::Limit(_) => {}
        }
    }

    /// Time the page could not watch (a hidden tab, whose timers and worker are throttled) does
    /// not count as silence.
    pub fn excuse(&mut self, now: f64) {
        if self.owed_since.is_some() {
            self.owed_since = Some(now);
        }
        self.last_heard = now;
    }

    /// Whether the worker has been silent too long: an answer it owes, or the tick of a run.
    pub fn dead(&self, now: f64) -> bool {
        self.owed_since.is_some_and(|t| now - t > SILENCE_MS)
            || (self.streaming && now - self.last_heard > SILENCE_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalelab_design::Design;
    use scalelab_worker::Snapshot;

    fn load() -> WorkerInput {
        WorkerInput::Load {
            design: Box::new(Design::single_server()),
            from_next_window: false,
        }
    }

    fn snapshot(running: bool) -> WorkerOutput {
        WorkerOutput::Snapshot(Snapshot {
            running,
            ..Snapshot::default()
        })
    }

    #[test]
    fn an_unanswered_design_is_a_death_after_the_silence() {
        let mut w = Watchdog::new(0.0);
        w.sent(&load(), 1_000.0);
        assert!(!w.dead(1_000.0 + SILENCE_MS));
        assert!(w.dead(1_001.0 + SILENCE_MS));
        w.heard(&snapshot(false), 2_000.0);
        assert!(
            !w.dead(100_000.0),
            "a paused worker that answered owes nothing"
        );
    }

    #[test]
    fn a_running_worker_that_stops_ticking_is_dead() {
        let mut w = Watchdog::new(0.0);
        w.sent(&WorkerInput::Play, 0.0);
        w.heard(&snapshot(true), 50.0);
        assert!(!w.dead(50.0 + SILENCE_MS));
        assert!(w.dead(51.0 + SILENCE_MS));
    }

    #[test]
    fn run_controls_owe_nothing_after_an_invalid_design() {
        let mut w = Watchdog::new(0.0);
        w.sent(&load(), 0.0);
        w.heard(
            &WorkerOutput::Invalid {
                problems: vec!["x".into()],
            },
            10.0,
        );
        w.sent(&WorkerInput::Play, 20.0);
        assert!(!w.dead(1e9));
        // A new design is owed an answer again.
        w.sent(&load(), 30.0);
        assert!(w.dead(31.0 + SILENCE_MS));
    }

    #[test]
    fn live_commands_and_speed_owe_nothing() {
        let mut w = Watchdog::new(0.0);
        w.sent(
            &WorkerInput::SetSpeed {
                speed: scalelab_worker::Speed::Max,
            },
            0.0,
        );
        assert!(!w.dead(1e9));
    }

    #[test]
    fn a_hidden_tab_does_not_count_as_silence() {
        let mut w = Watchdog::new(0.0);
        w.sent(&WorkerInput::Play, 0.0);
        w.heard(&snapshot(true), 0.0);
        w.sent(&WorkerInput::Pause, 100.0);
        w.excuse(60_000.0);
        assert!(!w.dead(60_000.0 + SILENCE_MS));
        assert!(w.dead(60_001.0 + SILENCE_MS));
    }
}

//! The worker's state machine: which design is loaded, whether it runs, how fast, and what the
//! UI has not seen yet.

use scalelab_design::{lower, Design};
use scalelab_engine::tagged::{self, need};
use scalelab_engine::{Command, SimDuration, SimTime, Simulation, WindowStats};
use serde::{Deserialize, Serialize};

/// How often the worker wakes up to advance the simulation and report, in wall milliseconds.
pub const TICK_MS: u32 = 50;

/// How long one tick may compute at the fastest speed: nine tenths of the tick, so that the
/// engine runs 90 % of the wall time while input (pause, commands) waits at most one tick.
const MAX_BUDGET_MS: f64 = TICK_MS as f64 * 0.9;

/// How much simulated time passes per wall second.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speed {
    /// Simulated seconds per wall second.
    Times(f64),
    /// As fast as the machine allows.
    Max,
}

/// What the UI asks of the worker. Read through [`InputFields`], not derived: a derived internally
/// tagged reader buffers through serde's `Content`, a second copy of the reading code in the wasm.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerInput {
    /// Replaces the design and resets the run (paused at time zero).
    Load {
        design: Box<Design>,
        /// While running, keep the timeline: the current window finishes with the old design
        /// and the new one takes over from the next window (with empty queues and caches).
        /// Otherwise the run restarts at time zero.
        #[serde(default)]
        from_next_window: bool,
    },
    Play,
    Pause,
    /// Runs exactly one more window, then pauses.
    Step,
    /// Back to time zero with the same design and seed.
    Reset,
    SetSpeed {
        speed: Speed,
    },
    /// A traffic spike: `command` now, then `undo` after `duration_s` simulated seconds.
    Temporary {
        command: Command,
        undo: Command,
        duration_s: f64,
    },
    /// A live change: traffic or a fault, applied at the current simulated time.
    Command {
        command: Command,
    },
    /// "Find the limit" of `design`: a sweep run one step per tick beside the simulation.
    FindLimit {
        design: Box<Design>,
        #[serde(default)]
        target_p99_ms: Option<f64>,
        target_error_rate: f64,
    },
    /// Stops a sweep under way.
    CancelLimit,
}

/// What the worker tells the UI. Read by hand (below), as `WorkerInput` is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerOutput {
    Snapshot(Snapshot),
    /// The design could not be lowered; the messages name node and field.
    Invalid {
        problems: Vec<String>,
    },
    /// A message from the UI could not be read.
    Error {
        message: String,
    },
    /// A sweep's progress after each step, and its result.
    Limit(crate::limit::LimitReport),
}

/// `WorkerInput`'s tag.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum InputTag {
    Load,
    Play,
    Pause,
    Step,
    Reset,
    SetSpeed,
    Temporary,
    Command,
    FindLimit,
    CancelLimit,
}

/// `WorkerInput`'s tag and every variant's fields, read in one pass in any key order.
#[derive(Deserialize)]
struct InputFields {
    #[serde(rename = "type")]
    tag: InputTag,
    design: Option<Box<Design>>,
    from_next_window: Option<bool>,
    speed: Option<Speed>,
    command: Option<Command>,
    undo: Option<Command>,
    duration_s: Option<f64>,
    target_p99_ms: Option<f64>,
    target_error_rate: Option<f64>,
}

impl<'de> Deserialize<'de> for WorkerInput {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        tagged::deserialize(
            deserializer,
            "internally tagged enum WorkerInput",
            |f: InputFields| {
                let command = need(f.command, "command");
                Ok(match f.tag {
                    InputTag::Load => WorkerInput::Load {
                        design: need(f.design, "design")?,
                        from_next_window: f.from_next_window.unwrap_or_default(),
                    },
                    InputTag::Play => WorkerInput::Play,
                    InputTag::Pause => WorkerInput::Pause,
                    InputTag::Step => WorkerInput::Step,
                    InputTag::Reset => WorkerInput::Reset,
                    InputTag::SetSpeed => WorkerInput::SetSpeed {
                        speed: need(f.speed, "speed")?,
                    },
                    InputTag::Temporary => WorkerInput::Temporary {
                        command: command?,
                        undo: need(f.undo, "undo")?,
                        duration_s: need(f.duration_s, "duration_s")?,
                    },
                    InputTag::Command => WorkerInput::Command { command: command? },
                    InputTag::FindLimit => WorkerInput::FindLimit {
                        design: need(f.design, "design")?,
                        target_p99_ms: f.target_p99_ms,
                        target_error_rate: need(f.target_error_rate, "target_error_rate")?,
                    },
                    InputTag::CancelLimit => WorkerInput::CancelLimit,
                })
            },
        )
    }
}

/// `WorkerOutput`'s variants with fields of their own.
#[derive(Deserialize)]
struct InvalidFields {
    problems: Vec<String>,
}
#[derive(Deserialize)]
struct ErrorFields {
    message: String,
}

impl<'de> Deserialize<'de> for WorkerOutput {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        use serde_json::Value;
        // The tag taken out of the object, the rest read as the variant's contents.
        let mut object = serde_json::Map::<String, Value>::deserialize(deserializer)?;
        let tag = object
            .remove("type")
            .ok_or_else(|| D::Error::missing_field("type"))?;
        let tag = String::deserialize(tag).map_err(D::Error::custom)?;
        let rest = Value::Object(object);
        let output = match tag.as_str() {
            "snapshot" => Snapshot::deserialize(rest).map(WorkerOutput::Snapshot),
            "invalid" => InvalidFields::deserialize(rest).map(|f| WorkerOutput::Invalid {
                problems: f.problems,
            }),
            "error" => {
                ErrorFields::deserialize(rest).map(|f| WorkerOutput::Error { message: f.message })
            }
            "limit" => crate::limit::LimitReport::deserialize(rest).map(WorkerOutput::Limit),
            other => {
                return Err(D::Error::unknown_variant(
                    other,
                    &["snapshot", "invalid", "error", "limit"],
                ))
            }
        };
        output.map_err(D::Error::custom)
    }
}

/// The state of the run as the UI renders it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// How many restarts (a `Load` that does not continue the timeline, or a `Reset`) the worker
    /// had received: a snapshot sent before the UI's latest restart arrived is from the old run.
    #[serde(default)]
    pub run: u64,
    pub sim_time_s: f64,
    pub running: bool,
    /// Windows closed since the previous snapshot.
    pub windows: Vec<WindowStats>,
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub events: u64,
    pub cost_per_hour_usd: f64,
    /// Simulated seconds per wall second actually achieved in the last tick.
    pub achieved_speed: f64,
}

impl WorkerInput {
    /// Whether this input starts the run over (both sides count these to match snapshots to runs).
    pub fn restarts(&self) -> bool {
        matches!(
            self,
            WorkerInput::Reset
                | WorkerInput::Load {
                    from_next_window: false,
                    ..
                }
        )
    }

    pub fn to_wire(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    pub fn from_wire(text: &str) -> Result<WorkerInput, String> {
        // Through a `Value`, as designs are read: every reader is then compiled for one
        // deserializer only, not again for the text parser.
        serde_json::from_str::<serde_json::Value>(text)
            .and_then(serde_json::from_value)
            .map_err(|e| e.to_string())
    }
}

impl WorkerOutput {
    pub fn to_wire(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    pub fn from_wire(text: &str) -> Result<WorkerOutput, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// One loaded design and its run.
pub struct Session {
    design: Option<Design>,
    sim: Option<Simulation>,
    running: bool,
    /// Pause when simulated time reaches this (used by Step).
    stop_at: Option<SimTime>,
    speed: Speed,
    last_achieved: f64,
    dirty: bool,
    /// A design waiting to replace the running one at the next window boundary.
    pending: Option<(Design, scalelab_engine::Model, SimTime)>,
    /// A command to apply when simulated time reaches the instant (the end of a spike).
    scheduled: Option<(SimTime, Command)>,
    /// Simulated time and windows of the designs that ran before the current one, so that the
    /// timeline continues across an edit applied from the next window.
    time_base: SimDuration,
    window_base: u64,
    emitted: u64,
    /// Restarts received (see [`Snapshot::run`]).
    run: u64,
    /// A "find the limit" sweep under way.
    limit: Option<crate::limit::LimitRun>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        Session {
            design: None,
            sim: None,
            running: false,
            stop_at: None,
            speed: Speed::Times(5.0),
            last_achieved: 0.0,
            dirty: false,
            pending: None,
            scheduled: None,
            time_base: SimDuration::ZERO,
            window_base: 0,
            emitted: 0,
            run: 0,
            limit: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Handles one input; returns what must be told to the UI at once.
    pub fn handle(&mut self, input: WorkerInput) -> Vec<WorkerOutput> {
        if input.restarts() {
            // Counted as received, valid design or not: the UI counts what it sends.
            self.run += 1;
        }
        self.apply(input)
    }

    fn apply(&mut self, input: WorkerInput) -> Vec<WorkerOutput> {
        match input {
            WorkerInput::Load {
                design,
                from_next_window,
            } => {
                let design = *design;
                match lower(&design, SimDuration::ZERO) {
                    Ok(lowered) if from_next_window && self.running && self.sim.is_some() => {
                        let (Some(sim), Some(current)) = (&self.sim, &self.design) else {
                            return Vec::new();
                        };
                        let window = SimDuration::from_secs_f64(current.window_s).0.max(1);
                        let boundary = SimTime((sim.now().0 / window + 1) * window);
                        self.pending = Some((design, lowered.model, boundary));
                    }
                    Ok(lowered) => {
                        self.pending = None;
                        self.scheduled = None;
                        self.time_base = SimDuration::ZERO;
                        self.window_base = 0;
                        self.emitted = 0;
                        self.sim = Some(Simulation::new(&lowered.model, design.seed));
                        self.design = Some(design);
                        self.running = false;
                        self.stop_at = None;
                        self.dirty = true;
                    }
                    Err(diags) => {
                        self.sim = None;
                        self.running = false;
                        return vec![WorkerOutput::Invalid {
                            problems: diags.iter().map(ToString::to_string).collect(),
                        }];
                    }
                }
            }
            WorkerInput::Play => {
                self.running = self.sim.is_some();
                self.stop_at = None;
                self.dirty = true;
            }
            WorkerInput::Pause => {
                self.running = false;
                self.dirty = true;
            }
            WorkerInput::Step => {
                if let (Some(sim), Some(design)) = (&self.sim, &self.design) {
                    let window = SimDuration::from_secs_f64(design.window_s);
                    let now = sim.now();
                    // Advance to the end of the current window.
                    let next = SimTime((now.0 / window.0.max(1) + 1) * window.0.max(1));
                    self.stop_at = Some(next);
                    self.running = true;
                }
            }
            WorkerInput::Reset => {
                if let Some(design) = self.design.clone() {
                    return self.apply(WorkerInput::Load {
                        design: Box::new(design),
                        from_next_window: false,
                    });
                }
            }
            WorkerInput::SetSpeed { speed } => self.speed = speed,
            WorkerInput::Temporary {
                command,
                undo,
                duration_s,
            } => {
                if let Some(sim) = &mut self.sim {
                    sim.apply(command);
                    self.scheduled =
                        Some((sim.now() + SimDuration::from_secs_f64(duration_s), undo));
                    self.dirty = true;
                }
            }
            WorkerInput::Command { command } => {
                if let Some(sim) = &mut self.sim {
                    sim.apply(command);
                    self.dirty = true;
                }
            }
            WorkerInput::FindLimit {
                design,
                target_p99_ms,
                target_error_rate,
            } => match crate::limit::LimitRun::start(&design, target_p99_ms, target_error_rate) {
                Ok(run) => self.limit = Some(run),
                Err(message) => {
                    self.limit = None;
                    let report = crate::limit::LimitReport::failed(message);
                    return vec![WorkerOutput::Limit(report)];
                }
            },
            WorkerInput::CancelLimit => self.limit = None,
        }
        Vec::new()
    }

    /// Runs one step of a sweep under way and returns its report (called once per tick, so
    /// inputs and snapshots interleave with the steps).
    pub fn limit_tick(&mut self) -> Option<WorkerOutput> {
        let report = self.limit.as_mut()?.step();
        if report.done {
            self.limit = None;
        }
        Some(WorkerOutput::Limit(report))
    }

    /// Advances the run by `wall_ms` of wall time at the current speed, spending at most
    /// `budget_ms` of computation (measured by `elapsed_ms`, a clock the caller supplies so that
    /// this stays testable and the engine never reads a clock). Returns a snapshot when something
    /// changed.
    pub fn tick(&mut self, wall_ms: f64, mut elapsed_ms: impl FnMut() -> f64) -> Option<Snapshot> {
        let mut carried = self.switch_if_due();
        let sim = self.sim.as_mut()?;
        let before = sim.now();
        // A pending design takes over exactly at a window boundary: never run past it.
        let switch_at = self.pending.as_ref().map(|(_, _, at)| *at);
        let undo_at = self.scheduled.as_ref().map(|(at, _)| *at);
        let cap = |target: SimTime| {
            let target = self.stop_at.map_or(target, |s| s.min(target));
            let target = undo_at.map_or(target, |s| s.min(target));
            switch_at.map_or(target, |s| s.min(target))
        };
        if self.running {
            let start = elapsed_ms();
            match self.speed {
                Speed::Times(x) => {
                    let x = if x.is_finite() {
                        x.clamp(0.01, 10_000.0)
                    } else {
                        1.0
                    };
                    let target = sim.now() + SimDuration::from_secs_f64(wall_ms / 1e3 * x);
                    advance(sim, cap(target), start, &mut elapsed_ms);
                }
                Speed::Max => loop {
                    let target = sim.now() + SimDuration::from_millis(100);
                    let target = cap(target);
                    sim.run_until(target);
                    if elapsed_ms() - start > MAX_BUDGET_MS
                        || Some(sim.now()) == self.stop_at
                        || Some(sim.now()) == switch_at
                        || Some(sim.now()) == undo_at
                    {
                        break;
                    }
                },
            }
            if let Some((at, undo)) = self.scheduled {
                if sim.now() >= at {
                    sim.apply(undo);
                    self.scheduled = None;
                }
            }
            if let Some(stop) = self.stop_at {
                if sim.now() >= stop {
                    self.running = false;
                    self.stop_at = None;
                }
            }
        }
        let advanced = sim.now().since(before).as_secs_f64();
        self.last_achieved = if wall_ms > 0.0 {
            advanced / (wall_ms / 1e3)
        } else {
            0.0
        };
        if advanced == 0.0 && !self.dirty && carried.is_empty() {
            return None;
        }
        self.dirty = false;
        let c = sim.conservation();
        let fresh = sim.drain_windows();
        self.emitted += fresh.len() as u64;
        carried.extend(self.rebase(fresh));
        let sim = self.sim.as_ref()?;
        Some(Snapshot {
            run: self.run,
            sim_time_s: (self.time_base + SimDuration(sim.now().0)).as_secs_f64(),
            running: self.running,
            windows: carried,
            generated: c.generated,
            completed: c.completed,
            failed: c.failed,
            in_flight: c.in_flight,
            events: sim.events(),
            cost_per_hour_usd: sim.cost_per_hour_usd(),
            achieved_speed: self.last_achieved,
        })
    }
}

impl Session {
    /// Windows of the current simulation placed on the continuing timeline.
    fn rebase(&self, windows: Vec<WindowStats>) -> Vec<WindowStats> {
        let base_s = self.time_base.as_secs_f64();
        windows
            .into_iter()
            .map(|mut w| {
                w.index += self.window_base;
                w.start_s += base_s;
                w
            })
            .collect()
    }

    /// Swaps in the pending design once the running one has reached the switch boundary, and
    /// returns the old simulation's last windows.
    fn switch_if_due(&mut self) -> Vec<WindowStats> {
        let due = match (&self.sim, &self.pending) {
            (Some(sim), Some((_, _, at))) => sim.now() >= *at,
            _ => false,
        };
        if !due {
            return Vec::new();
        }
        let Some((design, model, _)) = self.pending.take() else {
            return Vec::new();
        };
        let mut last = Vec::new();
        if let Some(mut old) = self.sim.take() {
            let windows = old.drain_windows();
            self.emitted += windows.len() as u64;
            last = self.rebase(windows);
            self.time_base = self.time_base + SimDuration(old.now().0);
        }
        self.window_base = self.emitted;
        self.sim = Some(Simulation::new(&model, design.seed));
        self.design = Some(design);
        self.dirty = true;
        last
    }
}

/// Runs towards `target` in small steps, stopping early if the budget is spent (the simulation
/// then falls behind real time instead of freezing the worker).
fn advance(
    sim: &mut Simulation,
    target: SimTime,
    start: f64,
    elapsed_ms: &mut impl FnMut() -> f64,
) {
    let step = SimDuration::from_millis(50);
    while sim.now() < target {
        sim.run_until((sim.now() + step).min(target));
        if elapsed_ms() - start > MAX_BUDGET_MS {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded() -> Session {
        let mut s = Session::new();
        assert!(s
            .handle(WorkerInput::Load {
                design: Box::new(Design::single_server()),
                from_next_window: false,
            })
            .is_empty());
        s
    }

    /// Snapshots name the run they belong to: every restart the worker receives (a reset, a
    /// load that does not continue, even of a design it refuses) counts, as the UI counts them.
    #[test]
    fn snapshots_carry_the_number_of_restarts_received() {
        let mut s = loaded();
        assert_eq!(s.tick(50.0, || 0.0).expect("load reports").run, 1);
        s.handle(WorkerInput::Reset);
        assert_eq!(s.tick(50.0, || 0.0).expect("reset reports").run, 2);
        let mut broken = Design::single_server();
        broken.nodes.clear();
        s.handle(WorkerInput::Load {
            design: Box::new(broken),
            from_next_window: false,
        });
        s.handle(WorkerInput::Load {
            design: Box::new(Design::single_server()),
            from_next_window: true,
        });
        s.handle(WorkerInput::Play);
        let snap = s.tick(50.0, || 0.0).expect("running");
        assert_eq!(snap.run, 3);
        assert!(WorkerInput::Reset.restarts() && !WorkerInput::Play.restarts());
    }

    #[test]
    fn paused_session_does_not_advance_and_play_does() {
        let mut s = loaded();
        let first = s.tick(50.0, || 0.0).expect("load reports once");
        assert_eq!(first.sim_time_s, 0.0);
        assert!(s.tick(50.0, || 0.0).is_none());
        s.handle(WorkerInput::Play);
        s.handle(WorkerInput::SetSpeed {
            speed: Speed::Times(20.0),
        });
        let mut windows = 0;
        for _ in 0..20 {
            windows += s.tick(50.0, || 0.0).map_or(0, |snap| snap.windows.len());
        }
        // 20 ticks × 50 ms × 20 = 20 simulated seconds = 20 one-second windows.
        assert_eq!(windows, 20);
    }

    #[test]
    fn step_runs_exactly_one_window_then_pauses() {
        let mut s = loaded();
        s.handle(WorkerInput::Step);
        let snap = s.tick(50.0, || 0.0).expect("advanced");
        let snap = if snap.windows.is_empty() {
            s.tick(10_000.0, || 0.0).expect("advanced")
        } else {
            snap
        };
        assert_eq!(snap.windows.len(), 1);
        assert!(!snap.running);
        assert_eq!(snap.sim_time_s, 1.0);
    }

    #[test]
    fn an_edit_from_the_next_window_keeps_the_timeline() {
        let mut s = loaded();
        s.handle(WorkerInput::SetSpeed {
            speed: Speed::Times(10.0),
        });
        s.handle(WorkerInput::Play);
        let mut windows = Vec::new();
        for _ in 0..5 {
            windows.extend(s.tick(50.0, || 0.0).map_or(vec![], |snap| snap.windows));
        }
        // 2.5 simulated seconds in: the edit waits for the end of the third window.
        let mut faster = Design::single_server();
        if let scalelab_design::NodeParams::Server { service_ms, .. } = &mut faster.nodes[2].params
        {
            *service_ms = 5.0;
        }
        s.handle(WorkerInput::Load {
            design: Box::new(faster),
            from_next_window: true,
        });
        let mut last_time = 0.0;
        for _ in 0..20 {
            if let Some(snap) = s.tick(50.0, || 0.0) {
                assert!(snap.sim_time_s >= last_time, "time never goes back");
                last_time = snap.sim_time_s;
                windows.extend(snap.windows);
            }
        }
        let indices: Vec<u64> = windows.iter().map(|w| w.index).collect();
        assert_eq!(
            indices,
            (0..indices.len() as u64).collect::<Vec<_>>(),
            "windows continue"
        );
        for pair in windows.windows(2) {
            assert!((pair[1].start_s - (pair[0].start_s + pair[0].len_s)).abs() < 1e-9);
        }
        assert!(last_time >= 12.0);
        // After the switch the server is eight times faster: its utilisation falls eightfold.
        let server_util = |w: &WindowStats| {
            w.nodes
                .iter()
                .find(|n| n.id == 2)
                .map_or(0.0, |n| n.utilization)
        };
        let before = server_util(&windows[1]);
        let after = windows.last().map_or(1.0, server_util);
        assert!(after < before / 2.0, "{before} → {after}");
    }

    #[test]
    fn a_spike_ends_by_itself() {
        let mut s = loaded();
        s.handle(WorkerInput::SetSpeed {
            speed: Speed::Times(20.0),
        });
        s.handle(WorkerInput::Play);
        s.handle(WorkerInput::Temporary {
            command: Command::SetRate {
                node: 0,
                rps: 150.0,
            },
            undo: Command::SetRate { node: 0, rps: 50.0 },
            duration_s: 5.0,
        });
        let mut windows = Vec::new();
        for _ in 0..20 {
            windows.extend(s.tick(50.0, || 0.0).map_or(vec![], |snap| snap.windows));
        }
        let rate = |w: &WindowStats| w.generated as f64 / w.len_s;
        assert!(
            windows[..5].iter().map(rate).sum::<f64>() / 5.0 > 120.0,
            "spiking"
        );
        let after = windows[8..].iter().map(rate).sum::<f64>() / (windows.len() - 8) as f64;
        assert!(after < 70.0, "back to normal: {after}");
    }

    #[test]
    fn invalid_design_is_reported_not_run() {
        let mut s = Session::new();
        let mut design = Design::single_server();
        design.edges.clear();
        let out = s.handle(WorkerInput::Load {
            design: Box::new(design),
            from_next_window: false,
        });
        assert!(matches!(&out[..], [WorkerOutput::Invalid { problems }] if !problems.is_empty()));
        s.handle(WorkerInput::Play);
        assert!(!s.is_running());
    }

    #[test]
    fn wire_format_round_trips_and_garbage_is_an_error() {
        let input = WorkerInput::Command {
            command: Command::SetRate {
                node: 0,
                rps: 120.0,
            },
        };
        assert_eq!(WorkerInput::from_wire(&input.to_wire()), Ok(input));
        assert!(WorkerInput::from_wire("{nope").is_err());
    }
}

//! The app's state and its reducer: a closed set of actions, pure updates, and an outbox of
//! messages for the worker that one effect in `app.rs` delivers.

use crate::i18n::Lang;
use scalelab_design::{DecodeError, Design, NodeParams};
use scalelab_engine::{Command, WindowStats};
use scalelab_worker::{Speed, WorkerInput, WorkerOutput};
use std::rc::Rc;
use yew::Reducible;

/// How many windows the charts keep (ten minutes of one-second windows).
pub const KEPT_WINDOWS: usize = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Idle,
    Running,
    Paused,
}

/// A message over the canvas: why the link was not loaded, or why the design cannot run.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    BadLink(DecodeError),
    Invalid(Vec<String>),
    WorkerError(String),
}

/// Totals of the run so far, from the latest snapshot.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub sim_time_s: f64,
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub cost_per_hour_usd: f64,
    pub achieved_speed: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub design: Design,
    pub lang: Lang,
    pub run: RunState,
    pub speed: Speed,
    pub windows: Rc<Vec<WindowStats>>,
    pub totals: Totals,
    pub notice: Option<Notice>,
    /// The last good design from local storage, offered back when it differs from the one shown.
    pub saved_offer: Option<Design>,
    /// Messages for the worker, numbered so the delivering effect sends each exactly once.
    pub outbox: Rc<Vec<(u64, WorkerInput)>>,
    pub next_message: u64,
}

/// An edit of one node from the inspector. `id` is the node's id before the edit.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeEdit {
    /// New parameters (the kind stays the same).
    Params { id: String, params: scalelab_design::NodeParams },
    /// A new id; connections follow the node.
    Rename { id: String, new_id: String },
    /// Moves the node to another data centre (a name from `Design::regions`, or empty).
    Region { id: String, region: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    FromWorker(WorkerOutput),
    SetLang(Lang),
    Play,
    Pause,
    Step,
    Reset,
    SetSpeed(Speed),
    SetRate(f64),
    SetUsers(u32),
    Kill(usize),
    Restore(usize),
    RestoreSaved,
    DismissNotice,
}

impl AppState {
    pub fn new(
        design: Design,
        lang: Lang,
        notice: Option<Notice>,
        saved_offer: Option<Design>,
    ) -> AppState {
        let mut state = AppState {
            design: design.clone(),
            lang,
            run: RunState::Idle,
            speed: Speed::Times(5.0),
            windows: Rc::new(Vec::new()),
            totals: Totals::default(),
            notice,
            saved_offer,
            outbox: Rc::new(Vec::new()),
            next_message: 0,
        };
        state.send(WorkerInput::SetSpeed { speed: state.speed });
        state.send(WorkerInput::Load {
            design: Box::new(design),
        });
        state
    }

    fn send(&mut self, input: WorkerInput) {
        let outbox = Rc::make_mut(&mut self.outbox);
        // Keep only a short tail: the effect delivers after every render, so older entries were
        // sent long ago.
        if outbox.len() > 64 {
            outbox.drain(..outbox.len() - 64);
        }
        outbox.push((self.next_message, input));
        self.next_message += 1;
    }

    /// Replaces the design and restarts the run, keeping it running if it was.
    fn load(&mut self, design: Design) {
        self.design = design.clone();
        self.windows = Rc::new(Vec::new());
        self.totals = Totals::default();
        self.send(WorkerInput::Load {
            design: Box::new(design),
        });
        if self.run == RunState::Running {
            self.send(WorkerInput::Play);
        } else {
            self.run = RunState::Idle;
        }
    }

    /// Index of the first users node, the one the traffic controls drive.
    pub fn users_index(&self) -> Option<usize> {
        self.design
            .nodes
            .iter()
            .position(|n| matches!(n.params, NodeParams::Users { .. }))
    }

    pub fn latest(&self) -> Option<&WindowStats> {
        self.windows.last()
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::FromWorker(WorkerOutput::Snapshot(snap)) => {
                if !snap.windows.is_empty() {
                    let windows = Rc::make_mut(&mut s.windows);
                    windows.extend(snap.windows);
                    if windows.len() > KEPT_WINDOWS {
                        windows.drain(..windows.len() - KEPT_WINDOWS);
                    }
                }
                s.totals = Totals {
                    sim_time_s: snap.sim_time_s,
                    generated: snap.generated,
                    completed: snap.completed,
                    failed: snap.failed,
                    in_flight: snap.in_flight,
                    cost_per_hour_usd: snap.cost_per_hour_usd,
                    achieved_speed: snap.achieved_speed,
                };
                s.run = match (snap.running, s.run) {
                    (true, _) => RunState::Running,
                    (false, RunState::Running) => RunState::Paused,
                    (false, other) => other,
                };
                if matches!(s.notice, Some(Notice::Invalid(_))) {
                    s.notice = None;
                }
            }
            Action::FromWorker(WorkerOutput::Invalid { problems }) => {
                s.notice = Some(Notice::Invalid(problems));
                s.run = RunState::Idle;
            }
            Action::FromWorker(WorkerOutput::Error { message }) => {
                s.notice = Some(Notice::WorkerError(message))
            }
            Action::SetLang(lang) => s.lang = lang,
            Action::Play => {
                s.run = RunState::Running;
                s.send(WorkerInput::Play);
            }
            Action::Pause => {
                s.run = RunState::Paused;
                s.send(WorkerInput::Pause);
            }
            Action::Step => s.send(WorkerInput::Step),
            Action::Reset => {
                s.run = RunState::Idle;
                s.windows = Rc::new(Vec::new());
                s.totals = Totals::default();
                s.send(WorkerInput::Reset);
            }
            Action::SetSpeed(speed) => {
                s.speed = speed;
                s.send(WorkerInput::SetSpeed { speed });
            }
            Action::SetRate(rps) => {
                let rps = if rps.is_finite() {
                    rps.clamp(0.0, 1_000_000.0)
                } else {
                    0.0
                };
                if let Some(i) = s.users_index() {
                    if let NodeParams::Users { rate_rps, .. } = &mut s.design.nodes[i].params {
                        *rate_rps = rps;
                    }
                    // Traffic changes apply live from now on: the run is not restarted.
                    s.send(WorkerInput::Command {
                        command: Command::SetRate {
                            node: i as u32,
                            rps,
                        },
                    });
                }
            }
            Action::SetUsers(count) => {
                if let Some(i) = s.users_index() {
                    let mut design = s.design.clone();
                    if let NodeParams::Users { users, .. } = &mut design.nodes[i].params {
                        *users = count.clamp(1, 10_000_000);
                    }
                    s.load(design);
                }
            }
            Action::Kill(node) => s.send(WorkerInput::Command {
                command: Command::Kill { node: node as u32 },
            }),
            Action::Restore(node) => s.send(WorkerInput::Command {
                command: Command::Restore { node: node as u32 },
            }),
            Action::RestoreSaved => {
                if let Some(saved) = s.saved_offer.take() {
                    s.notice = None;
                    s.load(saved);
                }
            }
            Action::DismissNotice => {
                s.notice = None;
                s.saved_offer = None;
            }
        }
        Rc::new(s)
    }
}

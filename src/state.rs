//! The app's state and its reducer: a closed set of actions, pure updates, and an outbox of
//! messages for the worker that one effect in `app.rs` delivers.

use crate::editor::{snap, Camera, Effect, Pt};
use crate::i18n::Lang;
use scalelab_design::budget::{self, BudgetError, Limits};
use scalelab_design::{DecodeError, Design, NodeParams};
use scalelab_engine::{Command, Counters, WindowStats};
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
    /// The worker fell silent and a new one was started with the current design.
    WorkerRestarted,
    /// A design that would cost more memory or work than the browser allows was refused; the
    /// design before it stays.
    TooBig(BudgetError),
    /// A file (picked, dropped or pasted) was refused; the design before it stays.
    BadFile(crate::files::FileProblem),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub design: Design,
    pub lang: Lang,
    pub run: RunState,
    pub speed: Speed,
    pub windows: Rc<Vec<WindowStats>>,
    /// The chapter's mechanism counts since the run started (the charts keep only recent
    /// windows; these totals keep counting).
    pub totals: Counters,
    /// Restarts sent to the worker: a snapshot naming an earlier one left before the worker got
    /// the latest restart, and belongs to a run that is gone.
    pub restarts: u64,
    pub notice: Option<Notice>,
    /// The last good design from local storage, offered back when it differs from the one shown.
    pub saved_offer: Option<Design>,
    /// Messages for the worker, numbered so the delivering effect sends each exactly once.
    pub outbox: Rc<Vec<(u64, WorkerInput)>>,
    pub next_message: u64,
    /// Editor session state: never part of the design or the URL.
    pub selection: Vec<String>,
    pub selected_edge: Option<usize>,
    pub camera: Camera,
    /// Designs before and after the current one, for undo and redo.
    pub past: Rc<Vec<Design>>,
    pub future: Rc<Vec<Design>>,
    /// A node waiting for the target of a keyboard connection.
    pub connect_from: Option<String>,
    /// Why the last edit was refused (a connection the engine cannot simulate).
    pub refusal: Option<String>,
    pub show_shortcuts: bool,
    /// Edits while running apply from the next window instead of restarting the run.
    pub apply_from_next_window: bool,
    /// The guided course: the stage followed, its steps and goal (`crate::course`).
    pub course: crate::course::progress::Course,
    /// The last "find the limit" sweep's report (`crate::limit`).
    pub limit: Option<scalelab_worker::limit::LimitReport>,
    /// The moment (simulated seconds) an event log entry marks on every time chart.
    pub moment: Option<f64>,
}

/// How many edits undo remembers.
const HISTORY: usize = 200;

/// An edit of one node from the inspector. `id` is the node's id before the edit.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeEdit {
    /// New parameters (the kind stays the same).
    Params {
        id: String,
        params: scalelab_design::NodeParams,
    },
    /// A new id; connections follow the node.
    Rename { id: String, new_id: String },
    /// Moves the node to another data centre (a name from `Design::regions`, or empty).
    Region { id: String, region: String },
    /// Makes data centre `region` a disaster-recovery standby (or no standby with `None`).
    Standby {
        region: String,
        standby: Option<scalelab_design::document::StandbyDoc>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    FromWorker(WorkerOutput),
    /// `app.rs` started a new worker after the old one died: it gets the current design.
    WorkerRestarted,
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
    /// Results of a canvas gesture.
    Editor(Vec<Effect>),
    AddNode {
        tag: scalelab_design::KindTag,
        at: Option<Pt>,
    },
    AddRegion,
    Nudge {
        dx: f64,
        dy: f64,
    },
    DeleteSelection,
    Duplicate,
    SelectAll,
    SelectEdge(usize),
    /// Starts a keyboard connection from the selected node.
    BeginConnect,
    /// Chooses a node: finishes a pending keyboard connection, or selects it.
    Choose(String),
    /// Marks a moment on the time charts (an event log entry was chosen).
    ShowMoment(f64),
    EditNode(NodeEdit),
    LoadDesign(Box<Design>),
    /// A design read from a file: loaded like any design, clearing a refused file's notice.
    OpenFile(Box<Design>),
    FileRefused(crate::files::FileProblem),
    Undo,
    Redo,
    Escape,
    ToggleShortcuts,
    KillRegion(String),
    RestoreRegion(String),
    Command(Command),
    SetApplyFromNextWindow(bool),
    /// Triples the traffic for ten simulated seconds, leaving the design as it is.
    Spike,
    /// Fits the view to the design, given the canvas size in pixels.
    Fit {
        width: f64,
        height: f64,
    },
    /// A message of the course panel.
    Course(crate::course::progress::Msg),
    /// Finds the design's limit in the worker: a p99 target (ms, optional), an error-rate one.
    FindLimit(Option<f64>, f64),
    CancelLimit,
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
            totals: Counters::default(),
            restarts: 0,
            notice,
            saved_offer,
            outbox: Rc::new(Vec::new()),
            next_message: 0,
            selection: Vec::new(),
            selected_edge: None,
            camera: Camera::default(),
            past: Rc::new(Vec::new()),
            future: Rc::new(Vec::new()),
            connect_from: None,
            refusal: None,
            show_shortcuts: false,
            apply_from_next_window: false,
            course: Default::default(),
            limit: None,
            moment: None,
        };
        state.send(WorkerInput::SetSpeed { speed: state.speed });
        state.send(WorkerInput::Load {
            design: Box::new(design),
            from_next_window: false,
        });
        state
    }

    fn send(&mut self, input: WorkerInput) {
        if input.restarts() {
            self.restarts += 1;
        }
        let outbox = Rc::make_mut(&mut self.outbox);
        // Keep only a short tail: the effect delivers after every render, so older entries were
        // sent long ago.
        if outbox.len() > 64 {
            outbox.drain(..outbox.len() - 64);
        }
        outbox.push((self.next_message, input));
        self.next_message += 1;
    }

    /// Hands a changed design to the worker. A running simulation either restarts, or, when the
    /// user chose so, continues its timeline with the new design from the next window.
    fn load(&mut self, design: Design) {
        if self.refused_by_budget(&design) {
            return;
        }
        self.design = design.clone();
        let continue_run = self.apply_from_next_window && self.run == RunState::Running;
        if !continue_run {
            self.windows = Rc::new(Vec::new());
            self.totals = Counters::default();
        }
        self.send(WorkerInput::Load {
            design: Box::new(design),
            from_next_window: continue_run,
        });
        if continue_run {
            return;
        }
        if self.run == RunState::Running {
            self.send(WorkerInput::Play);
        } else {
            self.run = RunState::Idle;
        }
    }

    /// A new worker knows nothing: it gets the speed and the current design, paused at time
    /// zero (a design that crashed the old one must not crash this one unasked), and counts
    /// restarts from zero again.
    fn restart_worker(&mut self) {
        self.notice = Some(Notice::WorkerRestarted);
        self.run = RunState::Idle;
        self.windows = Rc::new(Vec::new());
        self.totals = Counters::default();
        self.restarts = 0;
        self.send(WorkerInput::SetSpeed { speed: self.speed });
        self.send(WorkerInput::Load {
            design: Box::new(self.design.clone()),
            from_next_window: false,
        });
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

/// Node width and height on the canvas, for hit tests and layout.
pub const NODE_W: f64 = 180.0;
pub const NODE_H: f64 = 64.0;

impl AppState {
    /// Whether `design` would cost more memory or work than the browser allows; if so the
    /// notice says which parameter drives it and the current design stays (nothing lowers it:
    /// a link asking for 30 GB of tables must not reach the inspector or the worker).
    fn refused_by_budget(&mut self, design: &Design) -> bool {
        match budget::check(design, &Limits::browser()) {
            Ok(_) => false,
            Err(err) => {
                self.notice = Some(Notice::TooBig(err));
                true
            }
        }
    }

    /// Replaces the design as one undoable edit. `reload` restarts the run on the new model;
    /// layout-only edits (moving nodes) leave the running simulation alone.
    fn edit(&mut self, design: Design, reload: bool) {
        if design == self.design || (reload && self.refused_by_budget(&design)) {
            return;
        }
        let past = Rc::make_mut(&mut self.past);
        past.push(self.design.clone());
        if past.len() > HISTORY {
            past.remove(0);
        }
        Rc::make_mut(&mut self.future).clear();
        self.refusal = None;
        if reload {
            self.load(design);
        } else {
            self.design = design;
        }
    }

    fn unique_id(&self, base: &str) -> String {
        if self.design.node(base).is_none() {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| self.design.node(id).is_none())
            .unwrap_or_default()
    }

    /// A free spot for a node added without a position: right of everything, snapped.
    fn free_spot(&self) -> Pt {
        let x = self
            .design
            .nodes
            .iter()
            .map(|n| n.x)
            .fold(-NODE_W, f64::max)
            + NODE_W
            + 40.0;
        Pt::new(snap(x.max(40.0)), 60.0)
    }

    fn connect(&mut self, from: String, to: String) {
        if from == to
            || self
                .design
                .edges
                .iter()
                .any(|e| e.from == from && e.to == to)
        {
            return;
        }
        let mut design = self.design.clone();
        design.edges.push(scalelab_design::EdgeDoc {
            from: from.clone(),
            to: to.clone(),
        });
        // Refuse a connection the engine cannot simulate, and say why, instead of letting the
        // design fail later with a silent error.
        let refused = scalelab_design::lower(&design, scalelab_engine::SimDuration::ZERO)
            .err()
            .and_then(|diags| {
                diags.into_iter().find(|d| {
                    d.node.as_deref() == Some(from.as_str())
                        && matches!(
                            d.problem,
                            scalelab_design::lower::Problem::UnsupportedConnection { .. }
                                | scalelab_design::lower::Problem::TooManyConnections
                        )
                })
            });
        match refused {
            Some(diag) => self.refusal = Some(crate::i18n::diagnostic(self.lang, &diag)),
            None => self.edit(design, true),
        }
    }

    fn apply_effect(&mut self, effect: Effect) {
        match effect {
            Effect::Select { ids, additive } => {
                self.selected_edge = None;
                if additive {
                    for id in ids {
                        if let Some(i) = self.selection.iter().position(|s| *s == id) {
                            self.selection.remove(i);
                        } else {
                            self.selection.push(id);
                        }
                    }
                } else {
                    self.selection = ids;
                }
            }
            Effect::ClearSelection => {
                self.selection.clear();
                self.selected_edge = None;
            }
            Effect::MoveBy { ids, dx, dy } => {
                let mut design = self.design.clone();
                for node in design.nodes.iter_mut().filter(|n| ids.contains(&n.id)) {
                    node.x = snap(node.x + dx);
                    node.y = snap(node.y + dy);
                }
                self.edit(design, false);
            }
            Effect::Connect { from, to } => self.connect(from, to),
            Effect::SetCamera(camera) => self.camera = camera,
            Effect::SelectBox { a, b, additive } => {
                let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
                let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
                let inside: Vec<String> = self
                    .design
                    .nodes
                    .iter()
                    .filter(|n| n.x < x1 && n.x + NODE_W > x0 && n.y < y1 && n.y + NODE_H > y0)
                    .map(|n| n.id.clone())
                    .collect();
                if !additive {
                    self.selection.clear();
                }
                for id in inside {
                    if !self.selection.contains(&id) {
                        self.selection.push(id);
                    }
                }
            }
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        let event = crate::course::progress::event_of(&action, &s.design);
        match action {
            Action::FromWorker(WorkerOutput::Snapshot(snap)) if snap.run != s.restarts => {
                // From the run before the latest restart: its windows and counts are gone.
            }
            Action::FromWorker(WorkerOutput::Snapshot(snap)) => {
                if !snap.windows.is_empty() {
                    for w in &snap.windows {
                        s.totals.add(&w.counters);
                    }
                    let windows = Rc::make_mut(&mut s.windows);
                    windows.extend(snap.windows);
                    if windows.len() > KEPT_WINDOWS {
                        windows.drain(..windows.len() - KEPT_WINDOWS);
                    }
                }
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
            Action::WorkerRestarted => s.restart_worker(),
            Action::FromWorker(WorkerOutput::Limit(report)) => s.limit = Some(report),
            Action::FindLimit(target_p99_ms, target_error_rate) => {
                s.limit = Some(Default::default());
                s.send(WorkerInput::FindLimit {
                    design: Box::new(s.design.clone()),
                    target_p99_ms,
                    target_error_rate,
                });
            }
            Action::CancelLimit => {
                s.limit = None;
                s.send(WorkerInput::CancelLimit);
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
                s.moment = None;
                s.run = RunState::Idle;
                s.windows = Rc::new(Vec::new());
                s.totals = Counters::default();
                s.send(WorkerInput::Reset);
            }
            Action::SetSpeed(speed) => {
                s.speed = speed;
                s.send(WorkerInput::SetSpeed { speed });
            }
            Action::SetRate(rps) => {
                let rps = if rps.is_finite() {
                    rps.clamp(0.0, scalelab_design::bounds::MAX_RATE_RPS)
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
                        *users = count.clamp(1, scalelab_design::bounds::MAX_USERS as u32);
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
            Action::Editor(effects) => {
                for effect in effects {
                    s.apply_effect(effect);
                }
            }
            Action::AddNode { tag, at } => {
                let params = crate::palette::default_params(tag);
                let at = at.unwrap_or_else(|| s.free_spot());
                let id = s.unique_id(tag.as_str());
                let mut design = s.design.clone();
                design.nodes.push(scalelab_design::NodeDoc {
                    id: id.clone(),
                    x: snap(at.x),
                    y: snap(at.y),
                    region: String::new(),
                    params,
                });
                s.edit(design, true);
                s.selection = vec![id];
            }
            Action::AddRegion => {
                let mut design = s.design.clone();
                let name = (1..)
                    .map(|n| format!("dc{n}"))
                    .find(|name| !design.regions.iter().any(|r| r.name == *name))
                    .unwrap_or_default();
                design.regions.push(scalelab_design::document::RegionDoc {
                    name,
                    standby: None,
                });
                s.edit(design, true);
            }
            Action::Nudge { dx, dy } => {
                let ids = s.selection.clone();
                let mut design = s.design.clone();
                for node in design.nodes.iter_mut().filter(|n| ids.contains(&n.id)) {
                    node.x += dx;
                    node.y += dy;
                }
                s.edit(design, false);
            }
            Action::DeleteSelection => {
                let mut design = s.design.clone();
                if let Some(edge) = s.selected_edge.take() {
                    if edge < design.edges.len() {
                        design.edges.remove(edge);
                    }
                } else {
                    let ids = std::mem::take(&mut s.selection);
                    design.nodes.retain(|n| !ids.contains(&n.id));
                    design
                        .edges
                        .retain(|e| !ids.contains(&e.from) && !ids.contains(&e.to));
                }
                s.edit(design, true);
            }
            Action::Duplicate => {
                let mut design = s.design.clone();
                let mut renamed: Vec<(String, String)> = Vec::new();
                for id in &s.selection {
                    let Some(node) = design.node(id).cloned() else {
                        continue;
                    };
                    let base = node
                        .id
                        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
                        .to_string();
                    let new_id = (2..)
                        .map(|n| format!("{}-{n}", if base.is_empty() { "node" } else { &base }))
                        .find(|candidate| design.node(candidate).is_none())
                        .unwrap_or_default();
                    design.nodes.push(scalelab_design::NodeDoc {
                        id: new_id.clone(),
                        x: node.x + 2.0 * crate::editor::GRID,
                        y: node.y + 2.0 * crate::editor::GRID,
                        ..node
                    });
                    renamed.push((id.clone(), new_id));
                }
                // Connections among the copied nodes are copied too.
                let copies: Vec<scalelab_design::EdgeDoc> = design
                    .edges
                    .iter()
                    .filter_map(|e| {
                        let from = renamed.iter().find(|(old, _)| *old == e.from)?;
                        let to = renamed.iter().find(|(old, _)| *old == e.to)?;
                        Some(scalelab_design::EdgeDoc {
                            from: from.1.clone(),
                            to: to.1.clone(),
                        })
                    })
                    .collect();
                design.edges.extend(copies);
                s.edit(design, true);
                s.selection = renamed.into_iter().map(|(_, new)| new).collect();
            }
            Action::SelectAll => {
                s.selection = s.design.nodes.iter().map(|n| n.id.clone()).collect()
            }
            Action::SelectEdge(i) => {
                s.selection.clear();
                s.selected_edge = Some(i);
            }
            Action::BeginConnect => {
                if let [only] = s.selection.as_slice() {
                    s.connect_from = Some(only.clone());
                }
            }
            Action::Choose(id) => match s.connect_from.take() {
                Some(from) => {
                    // The target becomes the selection, so chains (users → DNS → server) go on
                    // with the next C.
                    s.connect(from, id.clone());
                    s.selection = vec![id];
                }
                None => {
                    s.selection = vec![id];
                    s.selected_edge = None;
                }
            },
            Action::ShowMoment(at_s) => s.moment = at_s.is_finite().then_some(at_s),
            Action::EditNode(edit) => {
                let mut design = s.design.clone();
                match edit {
                    NodeEdit::Params { id, params } => {
                        if let Some(node) = design.node_mut(&id) {
                            node.params = params;
                        }
                    }
                    NodeEdit::Rename { id, new_id } => {
                        let new_id = new_id.trim().to_string();
                        if new_id.is_empty() || design.node(&new_id).is_some() {
                            return Rc::new(s);
                        }
                        if let Some(node) = design.node_mut(&id) {
                            node.id = new_id.clone();
                        }
                        for edge in &mut design.edges {
                            if edge.from == id {
                                edge.from = new_id.clone();
                            }
                            if edge.to == id {
                                edge.to = new_id.clone();
                            }
                        }
                        s.selection = vec![new_id];
                    }
                    NodeEdit::Region { id, region } => {
                        if let Some(node) = design.node_mut(&id) {
                            node.region = region;
                        }
                    }
                    NodeEdit::Standby { region, standby } => {
                        if let Some(r) = design.regions.iter_mut().find(|r| r.name == region) {
                            r.standby = standby;
                        }
                    }
                }
                s.edit(design, true);
            }
            Action::LoadDesign(design) => {
                s.moment = None;
                s.selection.clear();
                s.selected_edge = None;
                s.camera = Camera::default();
                s.edit(*design, true);
            }
            Action::OpenFile(design) => {
                if matches!(s.notice, Some(Notice::BadFile(_))) {
                    s.notice = None;
                }
                return Rc::new(s).reduce(Action::LoadDesign(design));
            }
            Action::FileRefused(problem) => s.notice = Some(Notice::BadFile(problem)),
            Action::Undo => {
                if let Some(previous) = Rc::make_mut(&mut s.past).pop() {
                    let current = std::mem::replace(&mut s.design, previous.clone());
                    Rc::make_mut(&mut s.future).push(current);
                    s.selection.retain(|id| previous.node(id).is_some());
                    s.load(previous);
                }
            }
            Action::Redo => {
                if let Some(next) = Rc::make_mut(&mut s.future).pop() {
                    let current = std::mem::replace(&mut s.design, next.clone());
                    Rc::make_mut(&mut s.past).push(current);
                    s.selection.retain(|id| next.node(id).is_some());
                    s.load(next);
                }
            }
            Action::Escape => {
                s.connect_from = None;
                s.show_shortcuts = false;
                s.selection.clear();
                s.selected_edge = None;
                s.refusal = None;
            }
            Action::ToggleShortcuts => s.show_shortcuts = !s.show_shortcuts,
            Action::KillRegion(region) => s.send(WorkerInput::Command {
                command: Command::KillRegion {
                    region: crate::inspector::region_index(&s.design, &region).unwrap_or(0),
                },
            }),
            Action::RestoreRegion(region) => s.send(WorkerInput::Command {
                command: Command::RestoreRegion {
                    region: crate::inspector::region_index(&s.design, &region).unwrap_or(0),
                },
            }),
            Action::Command(command) => s.send(WorkerInput::Command { command }),
            Action::SetApplyFromNextWindow(on) => s.apply_from_next_window = on,
            Action::Spike => {
                let users = s.users_index().and_then(|i| {
                    let node = *scalelab_design::lower::model_ids(&s.design).get(i)?;
                    match s.design.nodes[i].params {
                        NodeParams::Users { rate_rps, .. } => Some((node, rate_rps)),
                        _ => None,
                    }
                });
                if let Some((node, rps)) = users {
                    s.send(WorkerInput::Temporary {
                        command: Command::SetRate {
                            node,
                            rps: rps * 3.0,
                        },
                        undo: Command::SetRate { node, rps },
                        duration_s: 10.0,
                    });
                }
            }
            Action::Fit { width, height } => {
                if let Some((min, max)) = crate::editor::design_bounds(&s.design) {
                    s.camera = Camera::fit(min, max, width, height);
                }
            }
            Action::Course(msg) => {
                if let Some(design) = s.course.update(msg, &s.design) {
                    if design == s.design {
                        // Starting a stage over on its untouched design restarts the run.
                        return Rc::new(s).reduce(Action::Reset);
                    }
                    s.selection.clear();
                    s.selected_edge = None;
                    s.camera = Camera::default();
                    s.edit(design, true);
                }
            }
        }
        s.course.observe(event, &s.design, &s.windows, s.restarts);
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalelab_worker::Snapshot;

    fn snapshot(run: u64, stampede_reads: u64) -> Action {
        Action::FromWorker(WorkerOutput::Snapshot(Snapshot {
            run,
            running: true,
            windows: vec![WindowStats {
                counters: Counters {
                    stampede_reads,
                    ..Counters::default()
                },
                ..WindowStats::default()
            }],
            ..Snapshot::default()
        }))
    }

    /// A design that would cost more than the browser allows (20 000 regions: a latency matrix of
    /// 400 million entries) is refused with the parameter named, and the design before it stays,
    /// whether it comes as a whole new design, an edit or the users' count.
    #[test]
    fn a_design_over_the_browser_budget_is_refused_and_the_last_one_stays() {
        let state = Rc::new(AppState::new(Design::single_server(), Lang::En, None, None));
        let mut huge = Design::single_server();
        huge.regions = (0..20_000)
            .map(|i| scalelab_design::document::RegionDoc {
                name: format!("r{i}"),
                standby: None,
            })
            .collect();
        let after = state.clone().reduce(Action::LoadDesign(Box::new(huge)));
        assert_eq!(after.design, Design::single_server());
        match &after.notice {
            Some(Notice::TooBig(err)) => assert_eq!(err.parameter, "regions"),
            other => panic!("{other:?}"),
        }
        assert!(after.past.is_empty(), "a refused design is no undo step");
        // A design within the budget still loads.
        let mut fine = Design::single_server();
        fine.seed = 7;
        let after = state.reduce(Action::LoadDesign(Box::new(fine.clone())));
        assert_eq!(after.design, fine);
    }

    /// The inspector makes a data centre a standby for another, changes its mode and turns it
    /// back into an ordinary one; each is one undoable edit of the design.
    #[test]
    fn a_data_centre_becomes_a_standby_and_back() {
        let design = crate::stages::EXTRAS[3].design().expect("the DR design");
        let eu = |s: &AppState| {
            s.design
                .regions
                .iter()
                .find(|r| r.name == "dr")
                .and_then(|r| r.standby.clone())
        };
        let state = Rc::new(AppState::new(design, Lang::En, None, None));
        let mut cold = eu(&state).expect("dr stands by for us");
        cold.mode = scalelab_design::document::DrModeDoc::Cold;
        let edit = |standby| {
            Action::EditNode(NodeEdit::Standby {
                region: "dr".into(),
                standby,
            })
        };
        let state = state.reduce(edit(Some(cold.clone())));
        assert_eq!(eu(&state), Some(cold));
        let state = state.reduce(edit(None));
        assert_eq!(eu(&state), None);
        assert!(scalelab_design::lower(&state.design, scalelab_engine::SimDuration::ZERO).is_ok());
        let state = state.reduce(Action::Undo);
        assert!(eu(&state).is_some());
    }

    /// The mechanism totals count from the start of the run, and a snapshot that left the worker
    /// before it received a reset does not leak the old run's windows or counts into the new one.
    #[test]
    fn totals_count_the_current_run_only() {
        let state = Rc::new(AppState::new(Design::single_server(), Lang::En, None, None));
        let run = state.restarts;
        let state = state.reduce(snapshot(run, 3)).reduce(snapshot(run, 4));
        assert_eq!(state.totals.stampede_reads, 7);
        assert_eq!(state.windows.len(), 2);
        let state = state.reduce(Action::Reset);
        assert_eq!((state.totals.stampede_reads, state.windows.len()), (0, 0));
        // Still in flight when the reset was sent: ignored.
        let state = state.reduce(snapshot(run, 5));
        assert_eq!((state.totals.stampede_reads, state.windows.len()), (0, 0));
        let state = state.reduce(snapshot(run + 1, 2));
        assert_eq!((state.totals.stampede_reads, state.windows.len()), (2, 1));
    }
}

//! Where the learner is in the course: the stage followed, the step, what each step's watched
//! number read, the goal's verdict, and the record of finished stages kept in local storage.

use super::challenges::{self, CHALLENGES};
use super::lessons::LESSONS;
use super::{design_holds, judge, measure, model_keys, Act, Verdict};
use scalelab_design::Design;
use scalelab_engine::WindowStats;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Finished stages and the goal numbers of the run that finished each: what local storage keeps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stage numbers (1-based) whose goal was met.
    #[serde(default)]
    pub done: Vec<u32>,
    /// Per stage number, the goal rows' values when it was met.
    #[serde(default)]
    pub results: BTreeMap<u32, Vec<f64>>,
    /// Per challenge id, the goal rows' values of the run that met it.
    #[serde(default)]
    pub challenges: BTreeMap<String, Vec<f64>>,
}

/// A live action of the learner's that a step may ask for (the rest are design settings).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Play,
    /// A node killed while running (its design id).
    Kill(String),
}

/// What the course panel asks.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Follow a stage (0-based) from a step: its starting design loads unless it is already on
    /// the canvas (a shared link opening a stage at a step keeps the link's design).
    Open { stage: usize, step: usize },
    /// Follow a stage from its first step and its starting design, whatever is on the canvas.
    Restart { stage: usize },
    /// Load the design the stage's debrief shows (the goal stays judged on the new run).
    Solution { stage: usize },
    /// Leave the course for the free sandbox (the design stays).
    Sandbox,
    /// Take up a challenge: its starting design loads unless it is already on the canvas.
    Challenge { challenge: usize },
    /// Take up a challenge again from its starting design, whatever is on the canvas.
    RestartChallenge { challenge: usize },
    /// A result link: the challenge with the link's design (already on the canvas) run with
    /// the link's seed; the verdict comes from this run, never from the link.
    CheckResult { challenge: usize, seed: u64 },
}

/// The live action in an app action, if it is one a step may ask for.
pub fn event_of(action: &crate::state::Action, design: &Design) -> Option<Event> {
    use crate::state::Action;
    let node = |model: usize| {
        let index = scalelab_design::lower::model_nodes(design)
            .get(model)?
            .design_index;
        Some(design.nodes.get(index)?.id.clone())
    };
    match action {
        Action::Play | Action::Step => Some(Event::Play),
        Action::Kill(index) => design.nodes.get(*index).map(|n| Event::Kill(n.id.clone())),
        Action::Command(scalelab_engine::Command::Kill { node: model }) => {
            node(*model as usize).map(Event::Kill)
        }
        _ => None,
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Course {
    /// The stage followed (0-based); `None` is the free sandbox or a challenge.
    pub stage: Option<usize>,
    /// The challenge taken up (0-based in `CHALLENGES`), when no stage is followed.
    pub challenge: Option<usize>,
    /// The seed of the result link the challenge was opened from (its run re-checks it).
    pub shared: Option<u64>,
    /// Whether the design still carries the challenge's script (traffic and faults).
    pub script_kept: bool,
    /// The design that met the challenge in this run, as a link fragment, and its seed.
    pub result: Option<(String, u64)>,
    /// The design the current run started with; a challenge is judged only on a run of one
    /// design (edits applied mid-run would mix two).
    run_design: Option<Design>,
    /// The current run mixes designs, so it cannot meet a challenge.
    pub mixed: bool,
    /// The current step; equal to the number of steps once all have ticked.
    pub step: usize,
    /// The watched number of each ticked step, when it ticked (`None` for a skipped step).
    pub watched: Vec<Option<f64>>,
    /// The goal's rows over the current run, and its verdict.
    pub goal: Vec<Option<f64>>,
    pub verdict: Option<Verdict>,
    pub record: Record,
    /// When the current step's acts were all seen: the restart count and simulated second.
    act_at: Option<(u64, f64)>,
    /// Live actions seen in the current run (a restart forgets them: the kill is gone too).
    seen: Vec<Event>,
    seen_run: u64,
}

impl Course {
    pub fn new(record: Record) -> Course {
        Course {
            record,
            ..Course::default()
        }
    }

    /// Handles a message of the panel; returns the design to load, if any.
    pub fn update(&mut self, msg: Msg, current: &Design) -> Option<Design> {
        match msg {
            Msg::Open { stage, step } => {
                let lesson = LESSONS.get(stage)?;
                let step = step.min(lesson.steps.len());
                self.leave_challenge();
                self.stage = Some(stage);
                self.step = step;
                self.watched = vec![None; step];
                self.goal.clear();
                self.verdict = None;
                self.act_at = None;
                let start = lesson.start_design();
                (current.name != start.name).then_some(start)
            }
            Msg::Restart { stage } => {
                self.update(Msg::Open { stage, step: 0 }, current);
                LESSONS.get(stage).map(|l| l.start_design())
            }
            Msg::Solution { stage } => LESSONS.get(stage).map(|l| l.solution_design()),
            Msg::Sandbox => {
                self.stage = None;
                self.leave_challenge();
                None
            }
            Msg::Challenge { challenge } => {
                let start = self.take_up(challenge)?;
                (current.name != start.name).then_some(start)
            }
            Msg::RestartChallenge { challenge } => self.take_up(challenge),
            Msg::CheckResult { challenge, seed } => {
                self.take_up(challenge)?;
                self.shared = Some(seed);
                let mut design = current.clone();
                design.seed = seed;
                (design != *current).then_some(design)
            }
        }
    }

    /// Follows challenge `index` from a fresh verdict; its starting design.
    fn take_up(&mut self, index: usize) -> Option<Design> {
        let challenge = CHALLENGES.get(index)?;
        self.stage = None;
        self.step = 0;
        self.watched.clear();
        self.act_at = None;
        self.leave_challenge();
        self.challenge = Some(index);
        self.script_kept = true;
        Some(challenge.start_design())
    }

    fn leave_challenge(&mut self) {
        self.challenge = None;
        self.run_design = None;
        self.mixed = false;
        self.shared = None;
        self.result = None;
        self.goal.clear();
        self.verdict = None;
    }

    /// Judges the challenge taken up on the current run. Unlike a stage's, a met challenge is
    /// judged again after every edit: the result link must carry the design that met it.
    fn observe_challenge(&mut self, index: usize, design: &Design, windows: &[WindowStats]) {
        let Some(challenge) = CHALLENGES.get(index) else {
            return;
        };
        if windows.is_empty() || self.run_design.is_none() {
            self.run_design = Some(design.clone());
        }
        self.mixed = self.run_design.as_ref() != Some(design);
        let keys = model_keys(design);
        let (actual, kept, verdict) = challenges::judge(challenge, design, windows, &keys);
        self.goal = actual;
        self.script_kept = kept;
        self.verdict = match verdict {
            _ if !kept => Some(Verdict::Missed),
            Verdict::Met if self.mixed => Some(Verdict::Running),
            _ => (!windows.is_empty()).then_some(verdict),
        };
        let verdict = self.verdict.unwrap_or(Verdict::Running);
        if verdict == Verdict::Met {
            let values = self.goal.iter().map(|a| a.unwrap_or(f64::NAN)).collect();
            self.record
                .challenges
                .insert(challenge.id.to_string(), values);
            if self.result.is_none() {
                self.result = scalelab_design::encode_fragment(design)
                    .ok()
                    .map(|f| (f, design.seed));
            }
        } else {
            self.result = None;
        }
    }

    /// Takes in what happened: an action of the learner's, and the design and windows after it.
    pub fn observe(
        &mut self,
        event: Option<Event>,
        design: &Design,
        windows: &[WindowStats],
        restarts: u64,
    ) {
        if let Some(index) = self.challenge {
            self.observe_challenge(index, design, windows);
            return;
        }
        let Some(lesson) = self.stage.and_then(|s| LESSONS.get(s)) else {
            return;
        };
        if restarts != self.seen_run {
            self.seen.clear();
            self.seen_run = restarts;
            self.act_at = None;
        }
        self.seen.extend(event);
        let now = windows.last().map_or(0.0, |w| w.start_s + w.len_s);
        let keys = model_keys(design);
        if let Some(step) = lesson.steps.get(self.step) {
            let holds = step.acts.iter().all(|act| match act {
                Act::Play => !windows.is_empty() || self.seen.contains(&Event::Play),
                Act::Kill(node) => self.seen.contains(&Event::Kill(node.to_string())),
                other => design_holds(other, design).unwrap_or(false),
            });
            match (holds, self.act_at) {
                (false, _) => self.act_at = None,
                (true, None) => self.act_at = Some((restarts, now)),
                (true, Some((_, at))) => {
                    let after = &windows[windows.partition_point(|w| w.start_s < at - 1e-9)..];
                    let span: f64 = after.iter().map(|w| w.len_s).sum();
                    let value = measure(step.watch.metric, after, &keys);
                    if let Some(v) = value.filter(|_| span >= step.after_s - 1e-9) {
                        if step.watch.cmp.holds(v, step.watch.target) {
                            self.watched.push(Some(v));
                            self.step += 1;
                            self.act_at = None;
                        }
                    }
                }
            }
        }
        if self.verdict == Some(Verdict::Met) {
            // A met goal stays met until the stage is opened again.
            return;
        }
        let (actual, verdict) = judge(&lesson.goal, windows, &keys);
        self.goal = actual;
        self.verdict = (!windows.is_empty()).then_some(verdict);
        if verdict == Verdict::Met {
            let number = self.stage.unwrap_or(0) as u32 + 1;
            if !self.record.done.contains(&number) {
                self.record.done.push(number);
                self.record.done.sort_unstable();
            }
            self.record.results.insert(
                number,
                self.goal.iter().map(|a| a.unwrap_or(f64::NAN)).collect(),
            );
        }
    }

    /// Whether the current step's acts have been seen (it waits for its watched number).
    pub fn acted(&self) -> bool {
        self.act_at.is_some()
    }
}

/// A course position in a link's query (`?course=5.2`: stage 5, step 2, both 1-based).
pub fn parse_position(text: &str) -> Option<(usize, usize)> {
    let (stage, step) = text.split_once('.').unwrap_or((text, "1"));
    let stage: usize = stage.trim().parse().ok()?;
    let step: usize = step.trim().parse().ok()?;
    (1..=LESSONS.len())
        .contains(&stage)
        .then(|| (stage - 1, step.saturating_sub(1)))
}

/// A result link's query (`challenge=spike&seed=1`): the challenge and the seed to run with.
pub fn parse_result(query: &str) -> Option<(usize, Option<u64>)> {
    let mut challenge = None;
    let mut seed = None;
    for pair in query.trim_start_matches('?').split('&') {
        if let Some(id) = pair.strip_prefix("challenge=") {
            challenge = challenges::by_id(id);
        } else if let Some(n) = pair.strip_prefix("seed=") {
            seed = n.parse().ok();
        }
    }
    challenge.map(|c| (c, seed))
}

/// The query of a result link (the design goes in the fragment after it).
pub fn result_query(challenge: usize, seed: u64) -> String {
    let id = CHALLENGES.get(challenge).map_or("", |c| c.id);
    format!("?challenge={id}&seed={seed}")
}

/// The query text of a position (the inverse of [`parse_position`]).
pub fn position_text(stage: usize, step: usize) -> String {
    format!("{}.{}", stage + 1, step + 1)
}

//! The course's claims, run on the real engine like `crates/design/tests/lessons.rs`: every
//! stage's goal is met by the design its debrief shows and missed by the design it starts from.

use super::lessons::LESSONS;
use super::*;
use scalelab_design::lower;
use scalelab_engine::{SimDuration, SimTime, Simulation};
use serde_json::{json, Value};

/// The windows of `design` run from time zero (as the worker runs it) to the goal's end.
fn run(design: &Design, to_s: f64) -> (Vec<WindowStats>, Vec<String>) {
    let model = lower(design, SimDuration::ZERO)
        .unwrap_or_else(|d| panic!("{} is refused: {d:?}", design.name))
        .model;
    let mut sim = Simulation::new(&model, design.seed);
    sim.run_until(SimTime::from_secs_f64(to_s));
    (sim.drain_windows(), model_keys(design))
}

fn verdict(stage: usize, which: &str, design: &Design) -> Verdict {
    let goal = &LESSONS[stage].goal;
    let (windows, keys) = run(design, goal.to_s);
    let (actual, verdict) = judge(goal, &windows, &keys);
    println!(
        "stage {} {which}: {verdict:?} {:?}",
        stage + 1,
        goal.rows
            .iter()
            .zip(&actual)
            .map(|(r, a)| format!("{:?} {} {} -> {a:?}", r.metric, r.cmp.symbol(), r.target))
            .collect::<Vec<_>>()
    );
    verdict
}

fn check(stage: usize) {
    let lesson = &LESSONS[stage];
    let start = verdict(stage, "start", &lesson.start_design());
    let solved = verdict(stage, "debrief", &lesson.solution_design());
    assert_eq!(
        solved,
        Verdict::Met,
        "stage {}: the debrief's design misses the goal",
        stage + 1
    );
    assert_eq!(
        start,
        Verdict::Missed,
        "stage {}: the starting design already meets the goal",
        stage + 1
    );
}

#[test]
fn stage01_goal_needs_the_debriefs_design() {
    check(0);
}
#[test]
fn stage02_goal_needs_the_debriefs_design() {
    check(1);
}
#[test]
fn stage03_goal_needs_the_debriefs_design() {
    check(2);
}
#[test]
fn stage04_goal_needs_the_debriefs_design() {
    check(3);
}
#[test]
fn stage05_goal_needs_the_debriefs_design() {
    check(4);
}
#[test]
fn stage06_goal_needs_the_debriefs_design() {
    check(5);
}
#[test]
fn stage07_goal_needs_the_debriefs_design() {
    check(6);
}
#[test]
fn stage08_goal_needs_the_debriefs_design() {
    check(7);
}
#[test]
fn stage09_goal_needs_the_debriefs_design() {
    check(8);
}
#[test]
fn stage10_goal_needs_the_debriefs_design() {
    check(9);
}
#[test]
fn stage11_goal_needs_the_debriefs_design() {
    check(10);
}

/// Every step has its "do X, watch Y" in both languages, and every stage 3 to 6 steps.
#[test]
fn every_step_has_its_texts_in_both_languages() {
    use crate::i18n::{course::stage, Lang};
    for (i, lesson) in LESSONS.iter().enumerate() {
        assert!((3..=6).contains(&lesson.steps.len()), "stage {}", i + 1);
        for lang in [Lang::Ko, Lang::En] {
            let text = stage(lang, i);
            assert_eq!(
                text.steps.len(),
                lesson.steps.len(),
                "stage {} {lang:?}",
                i + 1
            );
            assert!(!text.briefing.is_empty() && !text.debrief.is_empty() && !text.next.is_empty());
        }
    }
}

/// The progress follows a stage-1 walk: starting ticks the first step only after its watched
/// number holds, a setting ticks a step when the windows after it move, and the goal is met once
/// its whole span has been simulated.
#[test]
fn a_walk_through_stage_one_ticks_steps_and_meets_the_goal() {
    use super::progress::{Course, Event, Msg};
    let mut course = Course::default();
    let start = LESSONS[0].start_design();
    assert_eq!(
        course.update(Msg::Open { stage: 0, step: 0 }, &Design::single_server()),
        Some(start.clone())
    );
    course.observe(Some(Event::Play), &start, &[], 1);
    assert_eq!(course.step, 0, "nothing ticks before a window");
    let (windows, _) = run(&start, 10.0);
    course.observe(None, &start, &windows[..1], 1);
    course.observe(None, &start, &windows, 1);
    assert_eq!(course.step, 1, "throughput followed the load");
    // Skip to the last step: the debrief's design at 50 req/s, in a fresh run.
    let solved = LESSONS[0].solution_design();
    course.step = 3;
    let (windows, _) = run(&solved, 90.0);
    course.observe(None, &solved, &[], 2);
    course.observe(None, &solved, &windows[..10], 2);
    assert_eq!(course.step, 4);
    assert_eq!(course.verdict, Some(Verdict::Running));
    course.observe(None, &solved, &windows, 2);
    assert_eq!(course.verdict, Some(Verdict::Met));
    assert_eq!(course.record.done, vec![1]);
}

#[test]
fn a_link_names_a_stage_and_a_step() {
    use super::progress::{parse_position, position_text};
    assert_eq!(parse_position("5.2"), Some((4, 1)));
    assert_eq!(parse_position("11"), Some((10, 0)));
    assert_eq!(parse_position("12.1"), None);
    assert_eq!(parse_position("x"), None);
    assert_eq!(position_text(4, 1), "5.2");
}

/// Following a stage from the outline loads its starting design as one undoable edit; starting
/// it over on that untouched design restarts the run rather than doing nothing.
#[test]
fn opening_and_starting_a_stage_over_loads_and_restarts() {
    use super::progress::Msg;
    use crate::i18n::Lang;
    use crate::state::{Action, AppState};
    use std::rc::Rc;
    use yew::Reducible;
    let state = Rc::new(AppState::new(Design::single_server(), Lang::En, None, None));
    let state = state.reduce(Action::Course(Msg::Open { stage: 4, step: 0 }));
    assert_eq!(state.design, LESSONS[4].start_design());
    assert_eq!(state.course.stage, Some(4));
    assert_eq!(state.past.len(), 1);
    let restarts = state.restarts;
    let state = state.reduce(Action::Course(Msg::Restart { stage: 4 }));
    assert_eq!(state.restarts, restarts + 1);
    assert_eq!(state.course.step, 0);
    let state = state.reduce(Action::Course(Msg::Sandbox));
    assert_eq!(state.course.stage, None);
    assert_eq!(
        state.design,
        LESSONS[4].start_design(),
        "the sandbox keeps the design"
    );
}

/// Every step's watched number moves as its text promises when the step alone is done on the
/// stage's starting design (settings from time zero, a kill at 10 s), judged the way the panel
/// judges it: over the windows after the act, once at least `after_s` of them have passed.
#[test]
fn every_steps_watched_number_moves_when_it_is_done() {
    use scalelab_engine::Command;
    const KILL_AT_S: f64 = 10.0;
    let mut wrong = Vec::new();
    for (i, lesson) in LESSONS.iter().enumerate() {
        for (k, step) in lesson.steps.iter().enumerate() {
            let mut doc: Value = serde_json::from_str(&lesson.start_design().to_json()).unwrap();
            let mut kill = None;
            for act in step.acts {
                let mut set = |id: &str, field: &str, v: Value| set_field(&mut doc, id, field, v);
                match *act {
                    Act::Play => {}
                    Act::Kill(id) => kill = Some(id),
                    Act::RateAtLeast(x) | Act::RateAtMost(x) => set("users", "rate_rps", json!(x)),
                    Act::Set(id, field, Val::Str(s)) => set(id, field, json!(s)),
                    Act::Set(id, field, Val::Num(x)) | Act::AtLeast(id, field, x) => {
                        // Counts are integers in the document.
                        let v = if x.fract() == 0.0 {
                            json!(x as u64)
                        } else {
                            json!(x)
                        };
                        set(id, field, v)
                    }
                    Act::Set(id, field, Val::Bool(b)) => set(id, field, json!(b)),
                    Act::Set(id, field, Val::Mode(m)) => {
                        let shipped: Value = serde_json::from_str(lesson.start).unwrap();
                        let rule = shipped["nodes"]
                            .as_array()
                            .and_then(|n| n.iter().find(|n| n["id"] == id))
                            .map_or(Value::Null, |n| n[field].clone());
                        let rule = if rule["mode"] == m {
                            rule
                        } else {
                            json!({ "mode": m })
                        };
                        set(id, field, rule)
                    }
                }
            }
            let design = Design::from_json(&doc.to_string()).unwrap();
            let model = lower(&design, SimDuration::ZERO).unwrap().model;
            let keys = model_keys(&design);
            let mut sim = Simulation::new(&model, design.seed);
            let at = match kill {
                Some(id) => {
                    sim.run_until(SimTime::from_secs_f64(KILL_AT_S));
                    let index = design.nodes.iter().position(|n| n.id == id).unwrap();
                    let node = scalelab_design::lower::model_ids(&design)[index];
                    sim.apply(Command::Kill { node });
                    KILL_AT_S
                }
                None => 0.0,
            };
            sim.run_until(SimTime::from_secs_f64(at + step.after_s + 60.0));
            let windows = sim.drain_windows();
            let after = &windows[windows.partition_point(|w| w.start_s < at - 1e-9)..];
            let first = (step.after_s.ceil() as usize).max(1);
            let seen: Vec<f64> = (first..=after.len())
                .filter_map(|n| measure(step.watch.metric, &after[..n], &keys))
                .collect();
            let moved = seen
                .iter()
                .any(|v| step.watch.cmp.holds(*v, step.watch.target));
            println!(
                "stage {} step {}: {:?} {} {} -> first {:?}, last {:?}",
                i + 1,
                k + 1,
                step.watch.metric,
                step.watch.cmp.symbol(),
                step.watch.target,
                seen.first(),
                seen.last()
            );
            if !moved {
                wrong.push(format!("stage {} step {}", i + 1, k + 1));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "steps whose number does not move: {wrong:?}"
    );
}

fn set_field(doc: &mut Value, id: &str, field: &str, value: Value) {
    if let Some(node) = doc["nodes"]
        .as_array_mut()
        .and_then(|nodes| nodes.iter_mut().find(|n| n["id"] == id))
    {
        node[field] = value;
    }
}

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
/// Stage 10 teaches autoscaling, so sizing the pool for the peak all day (twelve instances,
/// reads spread over the replicas) carries the spike and still misses: too many machines.
#[test]
fn stage10_a_pool_sized_for_the_peak_misses_the_goal() {
    let mut doc: Value = serde_json::from_str(&LESSONS[9].start_design().to_json()).unwrap();
    set_field(&mut doc, "web", "instances", json!(12));
    set_field(&mut doc, "cache", "fill_from", json!("replicas"));
    let design = Design::from_json(&doc.to_string()).unwrap();
    assert_eq!(verdict(9, "12 all day", &design), Verdict::Missed);
}
#[test]
fn stage11_goal_needs_the_debriefs_design() {
    check(10);
}

fn challenge_verdict(index: usize, which: &str, design: &Design) -> Verdict {
    use super::challenges::{judge, CHALLENGES};
    let challenge = &CHALLENGES[index];
    let (windows, keys) = run(design, challenge.goal.to_s);
    let (actual, kept, verdict) = judge(challenge, design, &windows, &keys);
    println!(
        "challenge {} {which}: {verdict:?} script kept {kept} {:?}",
        challenge.id,
        challenge
            .goal
            .rows
            .iter()
            .zip(&actual)
            .map(|(r, a)| format!("{:?} {} {} -> {a:?}", r.metric, r.cmp.symbol(), r.target))
            .collect::<Vec<_>>()
    );
    verdict
}

/// Every challenge's goal is missed by its starting design and met by a design we built (the
/// fixture in `solutions/`), so it is reachable and not given away.
fn check_challenge(index: usize, solved: &str) {
    use super::challenges::CHALLENGES;
    let start = challenge_verdict(index, "start", &CHALLENGES[index].start_design());
    let solved = challenge_verdict(index, "solution", &Design::from_json(solved).unwrap());
    assert_eq!(
        solved,
        Verdict::Met,
        "{}: the solution misses",
        CHALLENGES[index].id
    );
    assert_eq!(
        start,
        Verdict::Missed,
        "{}: the start meets it",
        CHALLENGES[index].id
    );
}

#[test]
fn challenge_two_regions_is_reachable_and_not_given() {
    check_challenge(0, include_str!("solutions/challenge-two-regions.json"));
}
#[test]
fn challenge_lose_a_dc_is_reachable_and_not_given() {
    check_challenge(1, include_str!("solutions/challenge-lose-a-dc.json"));
}
#[test]
fn challenge_spike_is_reachable_and_not_given() {
    check_challenge(2, include_str!("solutions/challenge-spike.json"));
}

/// The spike's budget is what makes it a problem: a pool sized far past the peak meets every
/// latency and error row and still misses on cost.
#[test]
fn a_pool_far_past_the_spikes_peak_misses_the_budget() {
    let mut doc: Value =
        serde_json::from_str(include_str!("solutions/challenge-spike.json")).unwrap();
    set_field(&mut doc, "web", "instances", json!(24));
    let design = Design::from_json(&doc.to_string()).unwrap();
    assert_eq!(
        challenge_verdict(2, "24 instances", &design),
        Verdict::Missed
    );
}

/// A result link names the challenge and the seed; opening it keeps the link's design (never
/// the challenge's start), runs it with the link's seed, and judges that run: a link whose
/// design misses shows missed, whatever it was shared as.
#[test]
fn a_result_link_is_rechecked_by_running_it() {
    use super::challenges::CHALLENGES;
    use super::progress::{parse_result, result_query, Course, Msg};
    assert_eq!(result_query(2, 7), "?challenge=spike&seed=7");
    assert_eq!(parse_result("?challenge=spike&seed=7"), Some((2, Some(7))));
    assert_eq!(
        parse_result("?seed=7&challenge=lose-a-dc"),
        Some((1, Some(7)))
    );
    assert_eq!(parse_result("?challenge=two-regions"), Some((0, None)));
    assert_eq!(parse_result("?challenge=nope&seed=1"), None);
    let solved = Design::from_json(include_str!("solutions/challenge-two-regions.json")).unwrap();
    let mut course = Course::default();
    let loaded = course.update(
        Msg::CheckResult {
            challenge: 0,
            seed: 1,
        },
        &solved,
    );
    assert_eq!(
        loaded, None,
        "the link's design (seed 1) stays on the canvas"
    );
    assert_eq!((course.challenge, course.shared), (Some(0), Some(1)));
    let (windows, _) = run(&solved, CHALLENGES[0].goal.to_s);
    course.observe(None, &solved, &windows, 1);
    assert_eq!(course.verdict, Some(Verdict::Met));
    assert!(course.record.challenges.contains_key("two-regions"));
    assert!(course.result.is_some(), "a met challenge can be shared");
    // The starting design shared as if it were a result: the run says missed.
    let start = CHALLENGES[0].start_design();
    let mut course = Course::default();
    course.update(
        Msg::CheckResult {
            challenge: 0,
            seed: 1,
        },
        &start,
    );
    let (windows, _) = run(&start, CHALLENGES[0].goal.to_s);
    course.observe(None, &start, &windows, 1);
    assert_eq!(course.verdict, Some(Verdict::Missed));
    assert!(course.result.is_none() && course.record.challenges.is_empty());
}

/// A run that took an edit mid-run (applied from the next window) mixes two designs, so it can
/// never meet a challenge, however its numbers read: the link would carry only the last one.
#[test]
fn a_run_mixing_designs_is_not_judged_met() {
    use super::progress::{Course, Msg};
    let solved = Design::from_json(include_str!("solutions/challenge-two-regions.json")).unwrap();
    let mut course = Course::default();
    course.update(Msg::Challenge { challenge: 0 }, &solved);
    let (windows, _) = run(&solved, 60.0);
    course.observe(None, &solved, &windows[..1], 1);
    let mut edited = solved.clone();
    edited.name.push_str(" (edited)");
    course.observe(None, &edited, &windows, 1);
    assert!(course.mixed);
    assert_ne!(course.verdict, Some(Verdict::Met));
    assert!(course.result.is_none());
    // The same windows on one design are met.
    let mut course = Course::default();
    course.update(Msg::Challenge { challenge: 0 }, &solved);
    course.observe(None, &solved, &[], 1);
    course.observe(None, &solved, &windows, 1);
    assert_eq!(course.verdict, Some(Verdict::Met));
}

/// The record of earlier visits (stages only) still loads, with no challenge met.
#[test]
fn a_record_from_before_the_challenges_still_loads() {
    let record: super::progress::Record =
        serde_json::from_str(r#"{"done":[1,2],"results":{"1":[80.0]}}"#).unwrap();
    assert_eq!(record.done, vec![1, 2]);
    assert!(record.challenges.is_empty());
}

/// The script belongs to the challenge: the solution with its fault deleted, its traffic
/// lowered, or every server moved out of the doomed data centre is refused, whatever it scores.
#[test]
fn deleting_the_challenges_fault_or_traffic_does_not_pass() {
    use super::challenges::{script_kept, CHALLENGES};
    let dc = &CHALLENGES[1];
    let solved = Design::from_json(include_str!("solutions/challenge-lose-a-dc.json")).unwrap();
    assert!(script_kept(dc, &solved));
    let mut no_fault = solved.clone();
    no_fault.faults.clear();
    assert!(!script_kept(dc, &no_fault));
    assert_eq!(
        challenge_verdict(1, "fault deleted", &no_fault),
        Verdict::Missed
    );
    let mut moved: Value = serde_json::from_str(&solved.to_json()).unwrap();
    for node in moved["nodes"].as_array_mut().unwrap() {
        if node["kind"] != "users" {
            node["region"] = json!("eu");
        }
        if node["kind"] == "database" {
            node["replica_regions"] = json!(["eu", "eu"]);
        }
    }
    let moved = Design::from_json(&moved.to_string()).unwrap();
    assert!(!script_kept(dc, &moved), "nothing left in us to lose");
    let spike = &CHALLENGES[2];
    let mut calm: Value = serde_json::from_str(spike.start).unwrap();
    set_field(&mut calm, "users", "profile", json!({"shape": "steady"}));
    assert!(!script_kept(
        spike,
        &Design::from_json(&calm.to_string()).unwrap()
    ));
    let mut lower_rate: Value = serde_json::from_str(spike.start).unwrap();
    set_field(&mut lower_rate, "users", "rate_rps", json!(500));
    assert!(!script_kept(
        spike,
        &Design::from_json(&lower_rate.to_string()).unwrap()
    ));
    // Moving a users node on the canvas is no change to the script.
    let mut moved_users: Value = serde_json::from_str(spike.start).unwrap();
    set_field(&mut moved_users, "users", "x", json!(999));
    assert!(script_kept(
        spike,
        &Design::from_json(&moved_users.to_string()).unwrap()
    ));
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

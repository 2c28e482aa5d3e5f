//! The course's claims, run on the real engine like `crates/design/tests/lessons.rs`: every
//! stage's goal is met by the design its debrief shows and missed by the design it starts from.

use super::lessons::LESSONS;
use super::*;
use scalelab_design::lower;
use scalelab_engine::{SimDuration, SimTime, Simulation};

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

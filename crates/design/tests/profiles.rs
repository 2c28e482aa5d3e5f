//! Rate profiles: arrivals are drawn at the rate of the profile's current segment, not its peak,
//! and stay an exact Poisson stream in each segment.

use scalelab_design::{lower, Design};
use scalelab_engine::{Report, SimDuration, SimTime, Simulation, WindowStats};
use serde_json::{json, Value};

const STAGE5: &str = include_str!("../../../designs/stage05-cache.json");

fn run(profile: Option<Value>, seconds: f64) -> (Report, Vec<WindowStats>) {
    let mut doc: Value = serde_json::from_str(STAGE5).expect("stage 5 is JSON");
    if let Some(p) = profile {
        for n in doc["nodes"].as_array_mut().expect("nodes") {
            if n["kind"] == "users" {
                n["profile"] = p.clone();
            }
        }
    }
    let design = Design::from_json(&doc.to_string()).expect("the design parses");
    let model = lower(&design, SimDuration::ZERO)
        .expect("the design lowers")
        .model;
    let mut sim = Simulation::new(&model, 11);
    sim.run_until(SimTime::from_secs_f64(seconds));
    (sim.report(), sim.drain_windows())
}

/// The bug: a ×1000 spike of one second made every arrival of a 60 s stage-5 run be drawn at
/// the peak rate (19 s of wall time instead of 0.3 s). Now the work per request generated
/// stays that of a steady run.
#[test]
fn a_one_second_x1000_spike_costs_draws_only_while_it_lasts() {
    let (steady, _) = run(None, 60.0);
    let spike = json!({ "shape": "spike", "at_s": 30, "duration_s": 1, "factor": 1000 });
    let (spiked, _) = run(Some(spike), 60.0);
    let per_request = |r: &Report| r.events as f64 / r.generated.max(1) as f64;
    assert!(
        spiked.generated > 10 * steady.generated,
        "the spike happened"
    );
    assert!(
        per_request(&spiked) < 2.0 * per_request(&steady),
        "{:.1} events per request with the spike, {:.1} without",
        per_request(&spiked),
        per_request(&steady)
    );
}

/// In each segment of a step and of a spike, the count per 1 s window has the Poisson mean of
/// that segment's rate (within 4 σ over the segment), and the stream changes at the instant.
#[test]
fn profile_segments_keep_their_poisson_rates() {
    let (_, base) = run(None, 1.0);
    let rate = base[0].generated as f64;
    assert!(rate > 100.0);
    for (profile, segments) in [
        (
            json!({ "shape": "step", "at_s": 10, "factor": 0.25 }),
            vec![(0, 10, 1.0), (10, 20, 0.25)],
        ),
        (
            json!({ "shape": "spike", "at_s": 5, "duration_s": 3, "factor": 4 }),
            vec![(0, 5, 1.0), (5, 8, 4.0), (8, 20, 1.0)],
        ),
    ] {
        let (_, windows) = run(Some(profile.clone()), 20.0);
        for (from, to, factor) in segments {
            let n: u64 = windows[from..to].iter().map(|w| w.generated).sum();
            let mean = rate * factor * (to - from) as f64;
            assert!(
                (n as f64 - mean).abs() < 4.0 * mean.sqrt() + 0.05 * mean,
                "{profile}: {n} arrivals in [{from}, {to}) s, expected about {mean:.0}"
            );
        }
    }
}

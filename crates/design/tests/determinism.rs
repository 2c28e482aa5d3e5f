//! The determinism contract, natively and in WebAssembly: every example design, run at a fixed
//! seed, gives a report identical byte for byte to its golden file in `tests/golden/`.
//!
//! The same test compiles for both targets: `cargo test -p scalelab-design --test determinism`
//! checks the native engine, and
//! `cargo test -p scalelab-design --target wasm32-unknown-unknown --test determinism` runs it
//! under Node through wasm-bindgen-test-runner, so a libm or RNG divergence between the targets
//! shows up as a golden mismatch. The goldens are compiled in (`include_str!`) because a wasm test
//! cannot read files.
//!
//! After an intended change of results, regenerate them natively with
//! `SCALELAB_BLESS=1 cargo test -p scalelab-design --test determinism` and review the diff.

use scalelab_design::{lower, Design};
use scalelab_engine::{SimDuration, SimTime, Simulation};

/// Simulated seconds after the warm-up: long enough for every mechanism of the designs to act
/// (windows closing, caches filling, scheduled faults), short enough for wasm in a few seconds.
const DURATION_S: f64 = 8.0;
const WARMUP_S: f64 = 2.0;
const SEED: u64 = 7;

macro_rules! case {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../designs/", $name, ".json")),
            include_str!(concat!("golden/", $name, ".json")),
        )
    };
}

const CASES: [(&str, &str, &str); 15] = [
    case!("stage01-single-server"),
    case!("stage02-web-and-data-tiers"),
    case!("stage03-load-balancer"),
    case!("stage04-replication"),
    case!("stage05-cache"),
    case!("stage06-cdn"),
    case!("stage07-stateless-web"),
    case!("stage08-data-centres"),
    case!("stage09-message-queue"),
    case!("stage10-metrics-automation"),
    case!("stage11-sharding"),
    case!("extra-api-gateway"),
    case!("extra-waf"),
    case!("extra-replicated-cache"),
    case!("extra-dr-standby"),
];

/// The report of one design as pretty JSON with a final newline (what the golden holds).
fn report_of(design_json: &str) -> String {
    let design = Design::from_json(design_json).expect("example designs parse");
    let model = lower(&design, SimDuration::from_secs_f64(WARMUP_S))
        .expect("example designs lower")
        .model;
    let mut sim = Simulation::new(&model, SEED);
    sim.run_until(SimTime::from_secs_f64(WARMUP_S + DURATION_S));
    serde_json::to_string_pretty(&sim.report()).expect("reports serialize") + "\n"
}

#[cfg(not(target_arch = "wasm32"))]
fn bless(name: &str, report: &str) -> bool {
    if std::env::var_os("SCALELAB_BLESS").is_none() {
        return false;
    }
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(&path, report).expect("golden files are writable");
    true
}

#[cfg(target_arch = "wasm32")]
fn bless(_: &str, _: &str) -> bool {
    false
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_example_design_reproduces_its_golden_report() {
    let mut mismatched = Vec::new();
    for (name, design, golden) in CASES {
        let report = report_of(design);
        if bless(name, &report) || report == golden {
            continue;
        }
        let line = report
            .lines()
            .zip(golden.lines())
            .position(|(a, b)| a != b)
            .map_or(0, |i| i + 1);
        mismatched.push(format!("{name} (first difference at line {line})"));
    }
    assert!(
        mismatched.is_empty(),
        "reports differ from their goldens: {mismatched:?}; if the change is intended, \
         regenerate with SCALELAB_BLESS=1 (natively) and review the diff"
    );
}

/// Two runs in one process agree: no state leaks between simulations.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_same_design_and_seed_give_the_same_report_twice() {
    let (_, design, _) = CASES[4];
    assert_eq!(report_of(design), report_of(design));
}

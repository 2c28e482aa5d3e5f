//! The engine's speed natively and in WebAssembly in headless Chromium, on the same workloads:
//! the stage-5 design (one simulated minute at 10 000 requests/s) and M/M/1 at ρ = 0.9 (one
//! million customers). Each is run five times and the fastest is kept, which also lets V8 finish
//! tiering the wasm up to its optimising compiler.
//!
//!   cargo bench -p scalelab-design --bench engine_speed
//!   WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
//!     cargo bench -p scalelab-design --bench engine_speed --target wasm32-unknown-unknown
//!
//! `scripts/bench-wasm.sh` runs both and prints the ratio; without `WASM_BINDGEN_USE_BROWSER` the
//! wasm build runs in Node instead (`scripts/wasm-instructions.sh`). A benchmark, not a test: it
//! asserts nothing about time.

use scalelab_design::{lower, Design};
use scalelab_engine::{SimDuration, SimTime, Simulation};

const MM1: &str = r#"{"version":1,"nodes":[
    {"id":"users","kind":"users","users":1,"rate_rps":90,"rtt_ms":0,"timeout_ms":600000},
    {"id":"server","kind":"server","workers":1,"queue_capacity":1000000,"service_ms":10}],
    "edges":[{"from":"users","to":"server"}]}"#;

const WORKLOADS: [(&str, &str, f64); 2] = [
    (
        "stage5_minute",
        include_str!("../../../designs/stage05-cache.json"),
        60.0,
    ),
    ("mm1_million", MM1, 1e6 / 90.0),
];

/// `{"name": fastest wall ms, ...}` over five runs of each workload, with the events each run
/// processed (the same on every target: the engine is deterministic).
fn measure(now_ms: impl Fn() -> f64) -> String {
    let mut fields = Vec::new();
    for (name, json, seconds) in WORKLOADS {
        let design = Design::from_json(json).expect("the workload designs parse");
        let model = lower(&design, SimDuration::ZERO)
            .expect("the workload designs lower")
            .model;
        let mut fastest = f64::INFINITY;
        let mut events = 0;
        for _ in 0..5 {
            let start = now_ms();
            let mut sim = Simulation::new(&model, 1);
            sim.run_until(SimTime::from_secs_f64(seconds));
            fastest = fastest.min(now_ms() - start);
            events = sim.events();
        }
        fields.push(format!(
            "\"{name}_ms\":{fastest:.1},\"{name}_events\":{events}"
        ));
    }
    format!("{{{}}}", fields.join(","))
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let origin = std::time::Instant::now();
    println!(
        "ENGINE_SPEED native {}",
        measure(|| origin.elapsed().as_secs_f64() * 1e3)
    );
}

#[cfg(target_arch = "wasm32")]
fn main() {}

/// Runs in the page's main thread of headless Chromium through wasm-bindgen-test-runner when
/// `WASM_BINDGEN_USE_BROWSER=1` is set (`scripts/bench-wasm.sh`), and in Node otherwise
/// (`scripts/wasm-instructions.sh` counts V8's instructions there).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn engine_speed_in_v8() {
    let report = measure(js_sys::Date::now);
    wasm_bindgen_test::console_log!("ENGINE_SPEED wasm {report}");
}

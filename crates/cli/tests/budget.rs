//! A design's cost is checked before it runs: each case of issue 19 is refused (exit code 2)
//! with the parameter that drives it and the largest value that fits, before any large
//! allocation; and a long run keeps constant memory.

mod hostile;

use hostile::{doc, users_mut, STAGE1, STAGE5};
use scalelab_cli::{load, run, run_windows, CliError, RunOptions};
use scalelab_design::budget::{self, Limits, Resource};
use scalelab_design::Design;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

fn short() -> RunOptions {
    RunOptions {
        duration_s: 2.0,
        warmup_s: 0.0,
        ..RunOptions::default()
    }
}

/// Runs `design` and expects a budget refusal naming `parameter`.
fn refused(design: &Value, options: &RunOptions, resource: Resource, parameter: &str) -> String {
    match run(&design.to_string(), options) {
        Err(CliError::Budget(e)) => {
            assert_eq!(e.resource, resource, "{e}");
            assert!(e.parameter.starts_with(parameter), "{e}");
            assert!(e.largest < e.value, "{e}");
            e.to_string()
        }
        Err(other) => panic!("refused, but not by the budget: {other}"),
        Ok(_) => panic!("ran a design above the budget: {parameter}"),
    }
}

#[test]
fn a_set_rate_fault_of_1e308_rps_is_refused() {
    let mut d = hostile::set_rate_fault(1e308);
    // Out of the fault's range already (lowering); with a rate in range but far too high for
    // the run, the budget names the rate.
    assert!(run(&d.to_string(), &short()).is_err());
    d["faults"] = json!([{ "at_s": 0, "action": "set_rate", "node": "users", "rps": 1e6 }]);
    let long = RunOptions {
        duration_s: 10_000.0,
        ..short()
    };
    let text = refused(&d, &long, Resource::Events, "rate_rps");
    assert!(text.contains("users"), "{text}");
}

#[test]
fn twenty_thousand_regions_are_refused_by_the_square() {
    let d = hostile::twenty_thousand_regions();
    let text = refused(&d, &short(), Resource::Memory, "regions");
    assert!(text.contains("at most"), "{text}");
}

#[test]
fn sixty_users_nodes_of_ten_million_users_are_refused() {
    let d = hostile::sixty_users_nodes_of_ten_million();
    refused(&d, &short(), Resource::Memory, "users");
}

#[test]
fn two_thousand_nodes_for_a_day_fit_the_cli_with_its_bounded_history() {
    // The CLI keeps 1 000 windows, not 86 400: 2 000 nodes cost memory per node only once
    // per window kept. The browser keeps 600 windows, also within its limit.
    let mut d = doc(STAGE1);
    let nodes = d["nodes"].as_array_mut().expect("nodes");
    for i in 0..2_000 {
        nodes.push(json!({ "id": format!("dns{i}"), "kind": "dns", "lookup_ms": 1, "ttl_s": 1 }));
    }
    let design = Design::from_json(&d.to_string()).expect("parses");
    let e = budget::check(&design, &Limits::cli(86_400.0)).expect("fits the CLI");
    assert!(e.memory_bytes < 2e9, "{e:?}");
    budget::check(&design, &Limits::browser()).expect("fits the browser");
}

#[test]
fn sixteen_sharded_databases_of_256_shards_and_a_million_keys_are_refused() {
    let d = hostile::many_sharded_databases(16, Some(256), Some(1_000_000));
    let text = refused(&d, &short(), Resource::Memory, "keys");
    assert!(text.contains("GiB"), "{text}");
    // The browser's limit is lower still.
    let design = Design::from_json(&d.to_string()).expect("parses");
    assert!(budget::check(&design, &Limits::browser()).is_err());
}

#[test]
fn a_million_rps_stepped_x1000_is_refused_per_simulated_second() {
    let d = hostile::million_rps_stepped_x1000();
    refused(&d, &short(), Resource::EventsPerSimSecond, "rate_rps");
}

#[test]
fn a_one_second_x1000_spike_on_stage_5_fits_and_runs_quickly() {
    let d = hostile::one_second_x1000_spike();
    let design = Design::from_json(&d.to_string()).expect("parses");
    let e = budget::check(&design, &Limits::cli(65.0)).expect("fits");
    // The envelope's integral: 64 s at the base rate and 1 s at ×1000, not 65 s at the peak.
    let peak = e.events_per_sim_s * 65.0;
    assert!(e.events.expect("a run length") < peak / 10.0, "{e:?}");
}

#[test]
fn a_huge_text_is_refused_before_it_is_parsed() {
    let limits = Limits::browser();
    let e = budget::check_text(201 * 1024 + limits.text_bytes, &limits).expect_err("too long");
    assert_eq!(e.resource, Resource::TextSize);
    // A 201 KiB link of 62 000 regions fits the text limit, and the memory check refuses it
    // before lowering would ask for the matrix.
    let d = hostile::with_regions(62_000, |i| format!("{i}"));
    let design = Design::from_json(&d.to_string()).expect("parses");
    let e = budget::check(&design, &limits).expect_err("too many regions");
    assert_eq!(e.parameter, "regions");
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_scalelab"))
}

#[test]
fn the_binary_refuses_over_budget_designs_with_exit_code_2_and_a_flag_raises_the_limit() {
    let d = hostile::twenty_thousand_regions();
    let path = std::env::temp_dir().join(format!("scalelab-budget-{}.json", std::process::id()));
    std::fs::write(&path, d.to_string()).expect("writable");
    let out = Command::new(binary())
        .args(["run", path.to_str().expect("utf-8"), "--duration", "1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("regions") && err.contains("at most"), "{err}");
    // Raised just enough for the estimate, the same design passes the budget (and lowering
    // then refuses nothing: it is valid).
    let design = Design::from_json(&d.to_string()).expect("parses");
    let need = budget::check(&design, &Limits::cli(1.0))
        .expect_err("above")
        .estimate;
    let options = RunOptions {
        max_memory_mb: Some(need / 1048576.0 + 1.0),
        ..short()
    };
    assert!(!matches!(
        run(&d.to_string(), &options),
        Err(CliError::Budget(_))
    ));
    std::fs::remove_file(&path).ok();
}

/// The bug: an idle design run for 10^7 s ran out of memory (every window was kept). The CLI
/// keeps running totals and the last 1 000 windows, and its report is that of one run.
#[test]
fn an_idle_year_runs_in_constant_memory_and_slices_do_not_change_reports() {
    let mut d = doc(STAGE1);
    users_mut(&mut d)["rate_rps"] = json!(0);
    d["window_s"] = json!(10.0);
    let year = RunOptions {
        duration_s: 1e7,
        warmup_s: 0.0,
        ..RunOptions::default()
    };
    let (report, _, history) = run_windows(&d.to_string(), &year).expect("runs");
    assert_eq!(history.len(), budget::CLI_WINDOWS_KEPT);
    assert!(report.measured_s >= 1e7);
    assert_eq!(report.generated, 0);
    // Sliced as the CLI runs, stage 5's report is the one of a single `run_until`.
    let (model, options) = (load(STAGE5, 5.0).expect("loads").1, short());
    let mut sim = scalelab_engine::Simulation::new(&model, 1);
    sim.run_until(scalelab_engine::SimTime::from_secs_f64(600.0));
    let sliced = run(
        STAGE5,
        &RunOptions {
            seed: Some(1),
            duration_s: 595.0,
            warmup_s: 5.0,
            ..options
        },
    )
    .expect("runs")
    .0;
    assert_eq!(format!("{:?}", sim.report()), format!("{sliced:?}"));
}

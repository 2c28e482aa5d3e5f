//! The headless CLI: every stage design runs, reports replay bit for bit, invalid designs are
//! refused with node and field named (exit code 2), the loader survives mutated input, and the
//! committed JSON Schema is the one generated from the types.

use scalelab_cli::{load, report_json, run, schema_json, CliError, RunOptions};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn designs() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(root().join("designs"))
        .expect("designs/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    out.sort();
    out
}

fn short() -> RunOptions {
    RunOptions {
        seed: None,
        duration_s: 50.0,
        warmup_s: 5.0,
        ..RunOptions::default()
    }
}

#[test]
fn every_stage_has_a_design_that_runs_and_replays_bit_for_bit() {
    let all = designs();
    for stage in 1..=11 {
        let prefix = format!("stage{stage:02}-");
        assert!(
            all.iter().any(|(n, _)| n.starts_with(&prefix)),
            "missing {prefix}*.json"
        );
    }
    for (name, text) in &all {
        let (a, wall) = run(text, &short()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(a.completed > 0, "{name}: nothing completed");
        let (b, _) = run(text, &short()).expect("second run");
        let strip = |r| {
            let mut v = report_json(r, wall);
            if let Some(o) = v.as_object_mut() {
                o.remove("wall_ms");
            }
            v.to_string()
        };
        assert_eq!(strip(&a), strip(&b), "{name}: not reproducible");
        let json = report_json(&a, wall);
        for key in [
            "requests",
            "latency_ms",
            "throughput_rps",
            "nodes",
            "cost_per_hour_usd",
            "events",
            "wall_ms",
        ] {
            assert!(json.get(key).is_some(), "{name}: no {key}");
        }
    }
}

/// Stage 10's lesson, from its example design: the autoscaler meets the traffic spike (×3 from
/// 60 s to 180 s) by launching instances, and retires them once it has passed; the pool costs
/// more on average than the four instances it starts with.
#[test]
fn stage_10_autoscaler_grows_the_pool_for_the_spike_and_shrinks_it_after() {
    let text = std::fs::read_to_string(root().join("designs/stage10-metrics-automation.json"))
        .expect("the stage-10 design");
    let options = RunOptions {
        seed: None,
        duration_s: 260.0,
        warmup_s: 0.0,
        ..RunOptions::default()
    };
    let (report, _) = run(&text, &options).expect("stage 10 runs");
    let c = &report.counters;
    assert!(
        c.instances_launched >= 3,
        "launched {}",
        c.instances_launched
    );
    assert!(c.instances_retired >= 2, "retired {}", c.instances_retired);
    // The same design with the rule off keeps its four instances: it costs less, and fails
    // far more requests during the spike.
    let mut fixed: Value = serde_json::from_str(&text).expect("JSON");
    for node in fixed["nodes"].as_array_mut().expect("nodes") {
        if node["id"] == "web" {
            node["autoscale"] = serde_json::json!({"mode": "off"});
        }
    }
    let (fixed, _) = run(&fixed.to_string(), &options).expect("the fixed pool runs");
    assert_eq!(fixed.counters.instances_launched, 0);
    assert!(
        report.cost_per_hour_usd > fixed.cost_per_hour_usd,
        "{} vs {}",
        report.cost_per_hour_usd,
        fixed.cost_per_hour_usd
    );
    assert!(
        report.errors.total() * 2 < fixed.errors.total(),
        "errors {} vs {}",
        report.errors.total(),
        fixed.errors.total()
    );
}

#[test]
fn the_binary_refuses_invalid_designs_with_exit_code_2() {
    let dir = std::env::temp_dir().join(format!("scalelab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases = [
        (
            r#"{"version":1,"nodes":[{"id":"u","kind":"users","users":1,"rate_rps":-5,"rtt_ms":0,"timeout_ms":100}],"edges":[]}"#,
            "rate_rps",
        ),
        (
            r#"{"version":1,"nodes":[{"id":"u","kind":"wizard"}]}"#,
            "wizard",
        ),
        (r#"{"version":9,"nodes":[]}"#, "version 9"),
        (
            r#"{"version":1,"nodes":[{"id":"u","kind":"users","users":1,"rate_rps":5,"rtt_ms":0,"timeout_ms":100}],"edges":[{"from":"u","to":"ghost"}]}"#,
            "ghost",
        ),
        (
            r#"{"version":1,"nodes":[{"id":"u","kind":"users","users":1,"rate_rps":5,"rtt_ms":0,"timeout_ms":100},{"id":"s","kind":"server","workers":0,"queue_capacity":1,"service_ms":1}],"edges":[{"from":"u","to":"s"}]}"#,
            "node 's', field 'workers'",
        ),
    ];
    for (i, (text, expect)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad{i}.json"));
        std::fs::write(&path, text).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_scalelab"))
            .args(["run", path.to_str().unwrap_or_default(), "--duration", "1"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{text}: {err}");
    }
}

#[test]
fn mutated_designs_never_panic_the_loader() {
    // A fixed-seed xorshift: the mutations are the same on every run.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let weird = [
        Value::from(-1),
        Value::from(0),
        Value::from(1e308),
        Value::from(-1e308),
        Value::from(u64::MAX),
        Value::from("x"),
        Value::Null,
        Value::Bool(true),
        serde_json::json!([]),
        serde_json::json!({}),
    ];
    for (_, text) in designs() {
        let base: Value = serde_json::from_str(&text).expect("json");
        for _ in 0..150 {
            let mut doc = base.clone();
            for _ in 0..1 + next() % 3 {
                mutate(&mut doc, &weird, &mut next);
            }
            let text = doc.to_string();
            let result = std::panic::catch_unwind(|| {
                if let Ok((_, model)) = load(&text, 0.0) {
                    let mut sim = scalelab_engine::Simulation::new(&model, 1);
                    sim.run_until(scalelab_engine::SimTime::from_secs_f64(0.5));
                }
            });
            assert!(result.is_ok(), "panicked on {text}");
        }
    }
}

fn mutate(doc: &mut Value, weird: &[Value], next: &mut impl FnMut() -> u64) {
    match doc {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let k = &keys[(next() % keys.len() as u64) as usize];
            if next().is_multiple_of(3) {
                map.insert(
                    k.clone(),
                    weird[(next() % weird.len() as u64) as usize].clone(),
                );
            } else if let Some(v) = map.get_mut(k) {
                mutate(v, weird, next);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = (next() % items.len() as u64) as usize;
            if next().is_multiple_of(5) {
                items.remove(i);
            } else {
                mutate(&mut items[i], weird, next);
            }
        }
        other => *other = weird[(next() % weird.len() as u64) as usize].clone(),
    }
}

#[test]
fn committed_schema_is_the_generated_one() {
    let committed =
        std::fs::read_to_string(root().join("docs/design.schema.json")).expect("schema file");
    assert_eq!(
        committed,
        schema_json(),
        "run `scalelab schema > docs/design.schema.json`"
    );
}

#[test]
fn bad_run_options_are_usage_errors() {
    let text = &designs()[0].1;
    let opts = RunOptions {
        duration_s: f64::NAN,
        ..short()
    };
    assert!(matches!(run(text, &opts), Err(CliError::Usage(_))));
}

/// Regression: a warmed cache in front of a sharded database reloads each key at the version its
/// shard holds (it used to reload version 0 and serve stale reads after a crash), and a cache with
/// no database behind it counts no stampede reads (it used to count reads in flight that never
/// came back).
#[test]
fn warmed_and_unbacked_caches_count_what_they_should() {
    let design = |backend: &str, warm: bool| {
        format!(
            r#"{{"version":1,"nodes":[
            {{"id":"users","kind":"users","users":1000,"rate_rps":1000,"rtt_ms":10,"timeout_ms":2000,
              "read_fraction":0.8,"keys":1000,"zipf_alpha":1.0}},
            {{"id":"web","kind":"server","workers":64,"queue_capacity":1000,"service_ms":2}},
            {{"id":"cache","kind":"cache","capacity":1000,"warm":{warm},"write_strategy":"write_through"}}{backend}],
            "edges":[{{"from":"users","to":"web"}},{{"from":"web","to":"cache"}}{edge}],
            "faults":[{{"at_s":20,"action":"kill","node":"cache"}},{{"at_s":20.2,"action":"restore","node":"cache"}}]}}"#,
            edge = if backend.is_empty() {
                ""
            } else {
                r#",{"from":"cache","to":"db"}"#
            },
            backend = if backend.is_empty() {
                String::new()
            } else {
                format!(",{backend}")
            },
        )
    };
    // Measured from 20.5 s: just after the restore.
    let options = RunOptions {
        seed: Some(3),
        duration_s: 2.0,
        warmup_s: 20.5,
        ..RunOptions::default()
    };
    let sharded =
        r#"{"id":"db","kind":"sharded_database","shards":4,"strategy":{"kind":"modulo"}}"#;
    let (warmed, _) = run(&design(sharded, true), &options).expect("sharded, warmed");
    assert!(
        (warmed.counters.stale_reads as f64) < 0.02 * warmed.completed as f64,
        "stale reads {} of {}",
        warmed.counters.stale_reads,
        warmed.completed
    );
    assert!(
        warmed.cache_hit_ratio > Some(0.95),
        "{:?}",
        warmed.cache_hit_ratio
    );
    let options = RunOptions {
        seed: Some(3),
        duration_s: 30.0,
        warmup_s: 0.0,
        ..RunOptions::default()
    };
    let (alone, _) = run(&design("", false), &options).expect("a cache alone");
    assert!(alone.completed > 10_000);
    assert_eq!(alone.counters.stampede_reads, 0);
}

/// Regression: `--seed` was read as a float, so 2^53 + 1 ran as 2^53 and seeds above 1.8e19
/// were refused though a design's seed is any u64.
#[test]
fn seeds_are_read_exactly() {
    let stage1 = root().join("designs/stage01-single-server.json");
    // (argument, the seed the report names; None: refused with exit code 2)
    let cases = [
        ("9007199254740993", Some(9_007_199_254_740_993u64)),
        ("18446744073709551615", Some(u64::MAX)),
        ("0", Some(0)),
        ("18446744073709551616", None),
        ("-1", None),
        ("1.5", None),
        ("1e3", None),
    ];
    for (arg, seed) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_scalelab"))
            .args(["run", stage1.to_str().expect("path"), "--duration", "1"])
            .args(["--warmup", "0", "--json", "--seed", arg])
            .output()
            .expect("runs");
        match seed {
            Some(seed) => {
                assert!(
                    out.status.success(),
                    "{arg}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
                assert_eq!(report["seed"].as_u64(), Some(seed), "{arg}");
            }
            None => assert_eq!(out.status.code(), Some(2), "{arg}"),
        }
    }
}

/// `generated + from_warmup == completed + failed + in_flight`, read from the JSON report alone.
fn assert_conserved(json: &Value, what: &str) {
    let r = &json["requests"];
    let n = |v: &Value| {
        v.as_u64()
            .unwrap_or_else(|| panic!("{what}: not a count in {r}"))
    };
    let (generated, from_warmup) = (n(&r["generated"]), n(&r["from_warmup"]));
    let (completed, failed, in_flight) = (
        n(&r["completed"]),
        n(&r["failed"]["total"]),
        n(&r["in_flight"]),
    );
    assert_eq!(
        generated + from_warmup,
        completed + failed + in_flight,
        "{what}: requests not conserved in {r}"
    );
}

/// The bug: the JSON report had no in-flight count and counted requests born in the warm-up
/// as completed, so generated − completed − failed ranged from −19 402 to +40 644 over fuzzed
/// reports. Every stage design, with warm-ups ending on and between window edges, and mutated
/// designs now balance from the report alone.
#[test]
fn json_reports_prove_conservation_with_in_flight_and_warmup_carry_over() {
    for (name, text) in designs() {
        for (warmup_s, duration_s) in [(0.0, 3.0), (5.0, 10.0), (2.5, 4.25), (7.3, 0.2)] {
            let options = RunOptions {
                seed: Some(3),
                duration_s,
                warmup_s,
                ..RunOptions::default()
            };
            let (report, wall) = run(&text, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
            let what = format!("{name} warm-up {warmup_s} s, {duration_s} s");
            assert_conserved(&report_json(&report, wall), &what);
        }
    }
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut checked = 0;
    for (name, text) in designs() {
        let base: Value = serde_json::from_str(&text).expect("json");
        for i in 0..40 {
            let mut doc = base.clone();
            for _ in 0..1 + next() % 4 {
                scale_a_number(&mut doc, &mut next);
            }
            let options = RunOptions {
                seed: Some(next()),
                duration_s: 1.0 + (next() % 4) as f64 * 0.75,
                warmup_s: (next() % 5) as f64 * 0.6,
                ..RunOptions::default()
            };
            if let Ok((report, wall)) = run(&doc.to_string(), &options) {
                assert_conserved(&report_json(&report, wall), &format!("{name} mutant {i}"));
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} mutants ran");
}

/// Multiplies one number of the document, picked at random, by 0, ½, 2 or 10: designs that
/// mostly stay valid but run at other rates, sizes and times.
fn scale_a_number(doc: &mut Value, next: &mut impl FnMut() -> u64) {
    match doc {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let k = &keys[(next() % keys.len() as u64) as usize];
            if let Some(v) = map.get_mut(k) {
                scale_a_number(v, next);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = (next() % items.len() as u64) as usize;
            scale_a_number(&mut items[i], next);
        }
        Value::Number(n) => {
            let factor = [0.0, 0.5, 2.0, 10.0][(next() % 4) as usize];
            let x = n.as_f64().unwrap_or(0.0) * factor;
            *doc = if n.is_f64() {
                Value::from(x)
            } else {
                Value::from(x.round() as u64)
            };
        }
        _ => {}
    }
}

/// `scalelab run DESIGN --duration SECONDS`'s text report, and the same run's JSON report.
fn run_text_and_json(design: &str, seconds: &str) -> (String, Value) {
    let design = root().join(design);
    let args = ["run", design.to_str().expect("path"), "--duration", seconds];
    let bin = env!("CARGO_BIN_EXE_scalelab");
    let text = Command::new(bin).args(args).output().expect("runs").stdout;
    let json = Command::new(bin)
        .args(args)
        .arg("--json")
        .output()
        .expect("runs");
    let v = serde_json::from_slice(&json.stdout).expect("JSON");
    (String::from_utf8_lossy(&text).into_owned(), v)
}

/// `scalelab run` tells the run's events after the report, in order, with their node named.
#[test]
fn the_run_prints_its_events_in_text_and_json() {
    let (text, v) = run_text_and_json("designs/stage04-replication.json", "50");
    let died = text.find("t=  40.000 s  db died (scheduled)").expect(&text);
    let promoted = text
        .find("t=  50.000 s  db failed over: db/r")
        .expect(&text);
    assert!(died < promoted, "{text}");
    let events = v["timeline"]["events"].as_array().expect("events");
    let failover = events
        .iter()
        .find(|e| e["what"]["kind"] == "failover")
        .expect("a failover");
    assert_eq!(failover["at_s"], 50.0);
    assert_eq!(failover["node_key"], "db");
    assert!(failover["what"]["writes_lost"].as_u64().expect("count") > 0);
    assert!(failover["text"]
        .as_str()
        .expect("text")
        .contains("promoted"));
}

/// The standby's recovery, lost writes and bill, and its events, in the text report and JSON.
#[test]
fn the_run_tells_a_standbys_activation_and_recovery() {
    let (text, v) = run_text_and_json("designs/extra-dr-standby.json", "150");
    assert!(
        text.contains("standby   activated 1  recovery 80.0 s"),
        "{text}"
    );
    assert!(text.contains("standing by $0.577500/h"), "{text}");
    let activated = text
        .find("t=  80.000 s  health checks failed: the hot standby behind lb-dr was activated")
        .expect(&text);
    let serving = text.find("the standby behind lb-dr serves").expect(&text);
    assert!(activated < serving, "{text}");
    assert_eq!(v["mechanisms"]["standby_activations"], 1);
    assert_eq!(v["standby_cost_per_hour_usd"], 0.5775);
    let events = v["timeline"]["events"].as_array().expect("events");
    assert!(events
        .iter()
        .any(|e| e["what"]["kind"] == "standby_activated" && e["what"]["mode"] == "hot"));
}

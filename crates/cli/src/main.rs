//! `scalelab`: run a design headlessly (`run`), find its limit (`sweep`), measure the engine
//! (`bench`), print the design JSON Schema (`schema`). Bad input exits with code 2 and a message, never a panic.

use scalelab_cli::{
    bench, report_json, report_text, run, schema_json, sweep, sweep_json, sweep_text,
    timeline_json, timeline_text, CliError, Names, RunOptions, SweepArgs,
};
use std::process::ExitCode;

/// The stage-5 design, compiled in so `bench` runs from any directory.
const STAGE5: &str = include_str!("../../../designs/stage05-cache.json");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scalelab: {e}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(args: &[String]) -> Result<String, CliError> {
    let mut json = false;
    let mut options = RunOptions::default();
    let mut sweep_args = SweepArgs {
        target_p99_ms: None,
        target_error_rate: None,
        seed: None,
        step_s: None,
        max_memory_mb: None,
        max_events: None,
    };
    // Options given, so that one meant for another command is refused rather than ignored.
    let mut given: Vec<&str> = Vec::new();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Result<f64, CliError> {
            it.next()
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or_else(|| CliError::Usage(format!("{name} needs a number")))
        };
        given.push(a.as_str());
        match a.as_str() {
            "--json" => json = true,
            // A seed is any u64, read exactly (as a float, 2^53 + 1 ran as 2^53).
            "--seed" => {
                let seed = it
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or_else(|| {
                        CliError::Usage("--seed needs a whole number from 0 to 2^64 - 1".into())
                    })?;
                options.seed = Some(seed);
            }
            "--duration" => options.duration_s = value("--duration")?,
            "--warmup" => options.warmup_s = value("--warmup")?,
            "--max-memory-mb" => options.max_memory_mb = Some(value("--max-memory-mb")?),
            "--max-events" => options.max_events = Some(value("--max-events")?),
            "--target-p99-ms" => sweep_args.target_p99_ms = Some(value("--target-p99-ms")?),
            "--target-error-rate" => {
                sweep_args.target_error_rate = Some(value("--target-error-rate")?)
            }
            "--step-s" => sweep_args.step_s = Some(value("--step-s")?),
            "-h" | "--help" => return Ok(format!("{}\n", scalelab_cli::USAGE)),
            other if other.starts_with("--") => {
                return Err(CliError::Usage(format!("unknown option {other}")))
            }
            other => positional.push(other.to_string()),
        }
    }
    let only = |allowed: &[&str], cmd: &str| -> Result<(), CliError> {
        match given
            .iter()
            .find(|g| g.starts_with("--") && !allowed.contains(g))
        {
            Some(g) => Err(CliError::Usage(format!("{g} does not apply to {cmd}"))),
            None => Ok(()),
        }
    };
    const BUDGET: [&str; 3] = ["--json", "--max-memory-mb", "--max-events"];
    match positional.as_slice() {
        [cmd, path] if cmd == "run" => {
            only(
                &[&BUDGET[..], &["--seed", "--duration", "--warmup"]].concat(),
                cmd,
            )?;
            let text = read_design(path, &options)?;
            let (report, wall_ms) = run(&text, &options)?;
            let names = Names::of(&text, options.warmup_s)?;
            Ok(if json {
                let mut v = report_json(&report, wall_ms);
                if let Some(o) = v.as_object_mut() {
                    o.insert("timeline".into(), timeline_json(&report, &names));
                }
                format!("{v}\n")
            } else {
                report_text(&report, wall_ms) + &timeline_text(&report, &names)
            })
        }
        [cmd, path] if cmd == "sweep" => {
            only(
                &[
                    &BUDGET[..],
                    &[
                        "--seed",
                        "--target-p99-ms",
                        "--target-error-rate",
                        "--step-s",
                    ],
                ]
                .concat(),
                cmd,
            )?;
            sweep_args.seed = options.seed;
            sweep_args.max_memory_mb = options.max_memory_mb;
            sweep_args.max_events = options.max_events;
            let text = read_design(path, &options)?;
            let (outcome, name, wall_ms) = sweep(&text, &sweep_args)?;
            Ok(if json {
                format!("{}\n", sweep_json(&outcome, &name, wall_ms))
            } else {
                sweep_text(&outcome, &name, wall_ms)
            })
        }
        [cmd] if cmd == "bench" => {
            let figures = bench(STAGE5)?;
            Ok(if json {
                format!("{figures}\n")
            } else {
                let mut s = String::new();
                if let Some(o) = figures.as_object() {
                    for (k, v) in o {
                        s += &format!("{k:<30} {v}\n");
                    }
                }
                s
            })
        }
        [cmd] if cmd == "schema" => Ok(schema_json()),
        _ => Err(CliError::Usage("expected a command".into())),
    }
}

/// Reads a design file; one too long for the budget is refused before it is read.
fn read_design(path: &str, options: &RunOptions) -> Result<String, CliError> {
    if let Ok(meta) = std::fs::metadata(path) {
        let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        scalelab_design::budget::check_text(len, &options.limits()).map_err(CliError::Budget)?;
    }
    std::fs::read_to_string(path).map_err(|e| CliError::Read {
        path: path.to_string(),
        message: e.to_string(),
    })
}

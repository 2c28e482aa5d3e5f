//! `scalelab`: run a design headlessly (`run`), measure the engine (`bench`), print the design
//! JSON Schema (`schema`). Bad input exits with code 2 and a message, never a panic.

use scalelab_cli::{bench, report_json, report_text, run, schema_json, CliError, RunOptions};
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
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Result<f64, CliError> {
            it.next()
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or_else(|| CliError::Usage(format!("{name} needs a number")))
        };
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
            "-h" | "--help" => return Ok(format!("{}\n", scalelab_cli::USAGE)),
            other if other.starts_with("--") => {
                return Err(CliError::Usage(format!("unknown option {other}")))
            }
            other => positional.push(other.to_string()),
        }
    }
    match positional.as_slice() {
        [cmd, path] if cmd == "run" => {
            // A file too long for the budget is refused before it is read.
            if let Ok(meta) = std::fs::metadata(path) {
                let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
                scalelab_design::budget::check_text(len, &options.limits())
                    .map_err(CliError::Budget)?;
            }
            let text = std::fs::read_to_string(path).map_err(|e| CliError::Read {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let (report, wall_ms) = run(&text, &options)?;
            Ok(if json {
                format!("{}\n", report_json(&report, wall_ms))
            } else {
                report_text(&report, wall_ms)
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

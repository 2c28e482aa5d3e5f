//! The messages between the page and the worker, as JSON text: every kind of message reads back
//! as itself, and a malformed one is refused naming the problem. Their readers are written by
//! hand (no serde `Content` buffer in the wasm); these tests pin the wire format they keep.

use scalelab_design::Design;
use scalelab_engine::{Command, EventKind, SimEvent, StandbyMode, WindowStats};
use scalelab_worker::limit::{LimitPoint, LimitReport};
use scalelab_worker::{Snapshot, Speed, WorkerInput, WorkerOutput};

fn every_command() -> Vec<Command> {
    vec![
        Command::SetRate {
            node: 0,
            rps: 120.5,
        },
        Command::Kill { node: 2 },
        Command::Restore { node: 2 },
        Command::Slow {
            node: 3,
            factor: 4.0,
        },
        Command::KillRegion { region: 1 },
        Command::RestoreRegion { region: 1 },
        Command::Partition { a: 0, b: 1 },
        Command::Heal { a: 0, b: 1 },
        Command::Deploy { node: 4 },
        Command::Reshard { node: 5 },
    ]
}

fn every_event() -> Vec<EventKind> {
    let mut events: Vec<EventKind> = every_command()
        .into_iter()
        .map(|command| EventKind::Fault {
            command,
            scheduled: true,
        })
        .collect();
    events.extend([
        EventKind::TargetOut { target: 3 },
        EventKind::TargetIn { target: 3 },
        EventKind::Failover {
            promoted: 4,
            writes_lost: 7,
            writes_at_risk: 9,
        },
        EventKind::Launched { count: 2 },
        EventKind::Booted { count: 2 },
        EventKind::Retired { count: 1 },
        EventKind::Purged,
        EventKind::ReshardStarted {
            shard: 4,
            keys_moved: 100,
        },
        EventKind::ReshardFinished { keys_moved: 250 },
        EventKind::RateStep {
            factor: 2.0,
            rate_rps: 100.0,
        },
        EventKind::RampStarted {
            factor: 3.0,
            rate_rps: 150.0,
        },
        EventKind::RampEnded {
            factor: 3.0,
            rate_rps: 150.0,
        },
        EventKind::SpikeStarted {
            factor: 5.0,
            rate_rps: 250.0,
        },
        EventKind::SpikeEnded { rate_rps: 50.0 },
        EventKind::Saturated { utilization: 0.97 },
        EventKind::Recovered { utilization: 0.5 },
        EventKind::Rejecting,
        EventKind::TimeoutsStarted,
        EventKind::DeadDnsTarget { dns: 1 },
        EventKind::Stampede { reads: 12 },
        EventKind::ReplicaPromoted {
            promoted: 6,
            entries_lost: 3,
        },
        EventKind::StandbyActivated {
            mode: StandbyMode::Warm,
        },
        EventKind::StandbyProvisioned,
        EventKind::StandbyServing { recovery_s: 42.5 },
    ]);
    events
}

#[test]
fn every_message_reads_back_as_itself() {
    let design = Box::new(Design::single_server());
    let mut inputs = vec![
        WorkerInput::Load {
            design: design.clone(),
            from_next_window: true,
        },
        WorkerInput::Load {
            design: design.clone(),
            from_next_window: false,
        },
        WorkerInput::Play,
        WorkerInput::Pause,
        WorkerInput::Step,
        WorkerInput::Reset,
        WorkerInput::SetSpeed { speed: Speed::Max },
        WorkerInput::SetSpeed {
            speed: Speed::Times(2.5),
        },
        WorkerInput::Temporary {
            command: Command::SetRate {
                node: 0,
                rps: 150.0,
            },
            undo: Command::SetRate { node: 0, rps: 50.0 },
            duration_s: 5.0,
        },
        WorkerInput::FindLimit {
            design: design.clone(),
            target_p99_ms: Some(200.0),
            target_error_rate: 0.01,
        },
        WorkerInput::FindLimit {
            design,
            target_p99_ms: None,
            target_error_rate: 0.01,
        },
        WorkerInput::CancelLimit,
    ];
    inputs.extend(
        every_command()
            .into_iter()
            .map(|command| WorkerInput::Command { command }),
    );
    for input in inputs {
        assert_eq!(
            WorkerInput::from_wire(&input.to_wire()).as_ref(),
            Ok(&input)
        );
    }

    let events = every_event()
        .into_iter()
        .enumerate()
        .map(|(i, what)| SimEvent {
            at_s: i as f64 * 0.5,
            node: (i % 3 != 0).then_some(i as u32),
            what,
        })
        .collect();
    let window = WindowStats {
        index: 3,
        events,
        ..WindowStats::default()
    };
    let outputs = [
        WorkerOutput::Snapshot(Snapshot {
            run: 2,
            sim_time_s: 4.0,
            running: true,
            windows: vec![window],
            ..Snapshot::default()
        }),
        WorkerOutput::Invalid {
            problems: vec!["node 'db', field 'workers': too many".into()],
        },
        WorkerOutput::Error {
            message: "bad message".into(),
        },
        WorkerOutput::Limit(LimitReport {
            points: vec![LimitPoint {
                rate_rps: 100.0,
                busiest: Some("web".into()),
                ..LimitPoint::default()
            }],
            limit_rps: Some(95.0),
            done: true,
            ..LimitReport::default()
        }),
    ];
    for output in outputs {
        assert_eq!(
            WorkerOutput::from_wire(&output.to_wire()).as_ref(),
            Ok(&output)
        );
    }
}

/// The texts the page and the worker exchange, tag first, as serde's derive wrote them.
#[test]
fn messages_keep_their_text() {
    let cases = [
        (WorkerInput::Play.to_wire(), r#"{"type":"play"}"#),
        (
            WorkerInput::SetSpeed {
                speed: Speed::Times(2.0),
            }
            .to_wire(),
            r#"{"type":"set_speed","speed":{"times":2.0}}"#,
        ),
        (
            WorkerInput::Command {
                command: Command::Partition { a: 0, b: 1 },
            }
            .to_wire(),
            r#"{"type":"command","command":{"command":"partition","a":0,"b":1}}"#,
        ),
        (
            WorkerOutput::Error {
                message: "x".into(),
            }
            .to_wire(),
            r#"{"type":"error","message":"x"}"#,
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(text, expected);
    }
    let snapshot = WorkerOutput::Snapshot(Snapshot::default()).to_wire();
    assert!(
        snapshot.starts_with(r#"{"type":"snapshot","run":0,"#),
        "{snapshot}"
    );
}

/// Keys in any order read alike; a malformed message is refused naming the problem, in serde's
/// words as before.
#[test]
fn malformed_messages_are_refused_naming_the_problem() {
    assert_eq!(
        WorkerInput::from_wire(r#"{"command":{"node":2,"command":"kill"},"type":"command"}"#),
        Ok(WorkerInput::Command {
            command: Command::Kill { node: 2 }
        })
    );
    let inputs = [
        (
            r#"{"type":"jump"}"#,
            "unknown variant `jump`, expected one of `load`, `play`",
        ),
        (
            r#"{"command":{"command":"kill","node":1}}"#,
            "missing field `type`",
        ),
        (r#"{"type":"command"}"#, "missing field `command`"),
        (
            r#"{"type":"command","command":{"command":"kill"}}"#,
            "missing field `node`",
        ),
        (
            r#"{"type":"command","command":{"command":"slow","node":1}}"#,
            "missing field `factor`",
        ),
        (
            r#"{"type":"command","command":{"command":"nap","node":1}}"#,
            "unknown variant `nap`, expected one of `set_rate`, `kill`",
        ),
        (
            r#"{"type":"command","command":{"command":"kill","node":"db"}}"#,
            "invalid type: string \"db\", expected u32",
        ),
        (r#"{"type":"load"}"#, "missing field `design`"),
        (
            r#"{"type":"load","design":{"nodes":[]}}"#,
            "missing field `version`",
        ),
        (
            r#"{"type":"set_speed","speed":"warp"}"#,
            "unknown variant `warp`",
        ),
        // serde's derive also read a tagged enum from a list (`["play"]`); no writer makes one.
        (r#"["play"]"#, "invalid type: sequence, expected"),
        ("{nope", "key must be a string"),
    ];
    for (text, expected) in inputs {
        let err = WorkerInput::from_wire(text).expect_err(text);
        assert!(err.starts_with(expected), "{text}: {err}");
    }
    let outputs = [
        (r#"{"type":"gone"}"#, "unknown variant `gone`"),
        (r#"{"problems":[]}"#, "missing field `type`"),
        (r#"{"type":"invalid"}"#, "missing field `problems`"),
        (
            r#"{"type":"snapshot","run":0}"#,
            "missing field `sim_time_s`",
        ),
    ];
    for (text, expected) in outputs {
        let err = WorkerOutput::from_wire(text).expect_err(text);
        assert!(err.starts_with(expected), "{text}: {err}");
    }
}

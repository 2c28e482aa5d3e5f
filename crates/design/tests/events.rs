//! The engine's events: each kind is emitted at the simulated time its mechanism acts, at the
//! node it concerns, in the chapter's stage designs (seed 1), and no window grows without limit.

use scalelab_design::{lower, Design};
use scalelab_engine::metrics::MAX_EVENTS_PER_WINDOW;
use scalelab_engine::{Command, EventKind, Report, SimDuration, SimEvent, SimTime, Simulation};
use serde_json::{json, Value};

/// A run of a stage design (edited) for `seconds` after a 5 s warm-up.
struct Run {
    report: Report,
    windows: Vec<scalelab_engine::WindowStats>,
    keys: Vec<String>,
}

fn run(stage: &str, edit: fn(&mut Value), seconds: f64, live: &[(f64, &str)]) -> Run {
    let path = format!("{}/../../designs/{stage}.json", env!("CARGO_MANIFEST_DIR"));
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("design file")).expect("JSON");
    edit(&mut doc);
    let design = Design::from_json(&doc.to_string()).expect("the variant parses");
    let warmup = SimDuration::from_secs(5);
    let model = lower(&design, warmup).expect("the variant lowers").model;
    let keys: Vec<String> = model.nodes.iter().map(|n| n.key.clone()).collect();
    let id = |key: &str| keys.iter().position(|k| k == key).expect("node") as u32;
    let mut sim = Simulation::new(&model, 1);
    for &(at, node) in live {
        sim.run_until(SimTime::from_secs_f64(at));
        sim.apply(Command::Kill { node: id(node) });
    }
    sim.run_until(SimTime::ZERO + warmup + SimDuration::from_secs_f64(seconds));
    Run {
        report: sim.report(),
        windows: sim.drain_windows(),
        keys,
    }
}

fn kind(e: &SimEvent) -> String {
    serde_json::to_value(&e.what).expect("serializes")["kind"]
        .as_str()
        .expect("tagged")
        .to_string()
}

/// An event expected: its kind, its node's key ("" for none), and its time window [lo, hi].
type Expect = (&'static str, &'static str, f64, f64);

struct Case {
    name: &'static str,
    stage: &'static str,
    edit: fn(&mut Value),
    seconds: f64,
    live: &'static [(f64, &'static str)],
    expect: &'static [Expect],
}

fn shipped(_: &mut Value) {}

fn node<'a>(doc: &'a mut Value, id: &str) -> &'a mut Value {
    doc["nodes"]
        .as_array_mut()
        .expect("nodes")
        .iter_mut()
        .find(|n| n["id"] == id)
        .expect("node id")
}

fn step_at_20(doc: &mut Value) {
    node(doc, "users")["profile"] = json!({ "shape": "step", "at_s": 20, "factor": 2 });
}

const CASES: &[Case] = &[
    Case {
        name: "stage 3: web1 dies, the health check takes it out, it comes back and in",
        stage: "stage03-load-balancer",
        edit: shipped,
        seconds: 75.0,
        live: &[],
        expect: &[
            ("fault", "web1", 30.0, 30.0),
            ("target_out", "lb", 40.0, 40.0),
            ("fault", "web1", 60.0, 60.0),
            ("target_in", "lb", 70.0, 70.0),
        ],
    },
    Case {
        name: "stage 4: the primary dies, a replica is promoted after the failover delay",
        stage: "stage04-replication",
        edit: shipped,
        seconds: 50.0,
        live: &[],
        expect: &[("fault", "db", 40.0, 40.0), ("failover", "db", 50.0, 50.0)],
    },
    Case {
        name: "stage 6: a deploy, then its purge lands",
        stage: "stage06-cdn",
        edit: shipped,
        seconds: 40.0,
        live: &[],
        expect: &[("fault", "cdn", 30.0, 30.0), ("purged", "cdn", 40.0, 40.0)],
    },
    Case {
        name: "stage 8: eu fails, cached DNS answers keep users on its dead balancer",
        stage: "stage08-data-centres",
        edit: shipped,
        seconds: 40.0,
        live: &[],
        expect: &[
            ("fault", "", 30.0, 30.0),
            ("dead_dns_target", "lb-eu", 30.0, 31.0),
            ("target_out", "lb-eu", 40.0, 40.0),
        ],
    },
    Case {
        name: "stage 9: a spike saturates the consumers, then ends",
        stage: "stage09-message-queue",
        edit: shipped,
        seconds: 20.0,
        live: &[],
        expect: &[
            ("spike_started", "users", 10.0, 10.0),
            ("saturated", "jobs", 10.0, 11.0),
            ("spike_ended", "users", 20.0, 20.0),
        ],
    },
    Case {
        name: "stage 10: the spike fills web's queue, the autoscaler launches, boots, retires",
        stage: "stage10-metrics-automation",
        edit: shipped,
        seconds: 200.0,
        live: &[],
        expect: &[
            ("spike_started", "users", 60.0, 60.0),
            ("saturated", "web", 60.0, 60.0),
            ("rejecting", "web", 60.0, 61.0),
            ("launched", "web", 70.0, 70.0),
            ("booted", "web", 100.0, 100.0),
            ("stampede", "cache", 100.0, 101.0),
            ("recovered", "web", 180.0, 180.0),
            ("retired", "web", 190.0, 190.0),
        ],
    },
    Case {
        name: "stage 11: resharding starts at 40 s and ends when every copy has landed",
        stage: "stage11-sharding",
        edit: shipped,
        seconds: 55.0,
        live: &[],
        expect: &[
            ("fault", "shards", 40.0, 40.0),
            ("reshard_started", "shards", 40.0, 40.0),
            ("reshard_finished", "shards", 40.001, 60.0),
        ],
    },
    Case {
        name: "stage 1: the ramp starts, the queue fills, requests time out, the ramp ends",
        stage: "stage01-single-server",
        edit: shipped,
        seconds: 110.0,
        live: &[],
        expect: &[
            ("ramp_started", "users", 10.0, 10.0),
            ("rejecting", "server", 60.0, 100.0),
            ("timeouts_started", "users", 60.0, 100.0),
            ("fault", "server", 100.0, 100.0),
            ("ramp_ended", "users", 110.0, 110.0),
        ],
    },
    Case {
        name: "a step profile is told at its instant",
        stage: "stage02-web-and-data-tiers",
        edit: step_at_20,
        seconds: 20.0,
        live: &[],
        expect: &[("rate_step", "users", 20.0, 20.0)],
    },
    Case {
        name: "a live kill is a fault too, told as live",
        stage: "stage02-web-and-data-tiers",
        edit: shipped,
        seconds: 10.0,
        live: &[(7.5, "web")],
        expect: &[("fault", "web", 7.5, 7.5)],
    },
];

#[test]
fn every_event_kind_is_told_at_the_time_its_mechanism_acts() {
    for case in CASES {
        let r = run(case.stage, case.edit, case.seconds, case.live);
        let events = &r.report.timeline;
        let told: Vec<String> = events
            .iter()
            .map(|e| {
                let key = e.node.map_or("", |n| r.keys[n as usize].as_str());
                format!("{:.3} {} {key}", e.at_s, kind(e))
            })
            .collect();
        for &(k, key, lo, hi) in case.expect {
            let found = events.iter().any(|e| {
                let at_node = e.node.map_or("", |n| r.keys[n as usize].as_str());
                kind(e) == k && at_node == key && e.at_s >= lo - 1e-9 && e.at_s <= hi + 1e-9
            });
            assert!(
                found,
                "{}: no {k} at {key} in [{lo}, {hi}]: {told:?}",
                case.name
            );
        }
        // The timeline is in time order, and every window's events lie inside it.
        assert!(
            events.windows(2).all(|w| w[0].at_s <= w[1].at_s),
            "{}: out of order: {told:?}",
            case.name
        );
        for w in &r.windows {
            for e in &w.events {
                assert!(
                    e.at_s >= w.start_s - 1e-9 && e.at_s <= w.start_s + w.len_s + 1e-9,
                    "{}: {e:?} outside window {}",
                    case.name,
                    w.index
                );
            }
        }
    }
}

#[test]
fn the_failover_event_counts_the_writes_lost_and_at_risk() {
    let r = run("stage04-replication", shipped, 50.0, &[]);
    let failover = r
        .report
        .timeline
        .iter()
        .find_map(|e| match e.what {
            EventKind::Failover {
                writes_lost,
                writes_at_risk,
                ..
            } => Some((writes_lost, writes_at_risk)),
            _ => None,
        })
        .expect("a failover");
    assert!(
        failover.0 > 0,
        "async replication loses writes: {failover:?}"
    );
    assert_eq!(failover.0, r.report.counters.lost_writes);
    assert_eq!(failover.1, r.report.counters.writes_at_risk);
}

#[test]
fn a_steady_run_tells_no_story() {
    let r = run("stage05-cache", shipped, 30.0, &[]);
    assert!(r.report.timeline.is_empty(), "{:?}", r.report.timeline);
}

/// A slider dragged: a hundred live rate changes in one window keep the window's first
/// events and count the rest as dropped.
#[test]
fn a_window_keeps_a_bounded_number_of_events() {
    let path = format!(
        "{}/../../designs/stage02-web-and-data-tiers.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let design = Design::from_json(&std::fs::read_to_string(&path).expect("design")).expect("ok");
    let model = lower(&design, SimDuration::ZERO).expect("lowers").model;
    let users = model
        .nodes
        .iter()
        .position(|n| n.key == "users")
        .expect("users") as u32;
    let mut sim = Simulation::new(&model, 1);
    for i in 0..100 {
        sim.run_until(SimTime::from_secs_f64(2.0 + f64::from(i) * 0.005));
        sim.apply(Command::SetRate {
            node: users,
            rps: 10.0 + f64::from(i),
        });
    }
    sim.run_until(SimTime::from_secs_f64(4.0));
    let windows = sim.drain_windows();
    let w = &windows[2];
    assert_eq!(w.events.len(), MAX_EVENTS_PER_WINDOW);
    assert_eq!(w.events_dropped, 100 - MAX_EVENTS_PER_WINDOW as u64);
    assert_eq!(sim.report().timeline_dropped, w.events_dropped);
}

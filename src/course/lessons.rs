//! The course's data: for each of the chapter's 11 stages, its steps (what to do, what to watch)
//! and its goal, with numbers taken from what the engine really does (README's stage table and
//! `crates/design/tests/lessons.rs`); `tests.rs` runs every goal against the start and the
//! debrief's design.

use super::{Act, Cmp, Goal, Lesson, Metric, Row, Step, Tally, Val};
use serde_json::{json, Value};

const fn row(metric: Metric, cmp: Cmp, target: f64) -> Row {
    Row {
        metric,
        cmp,
        target,
    }
}

const fn step(acts: &'static [Act], watch: Row, after_s: f64) -> Step {
    Step {
        acts,
        watch,
        after_s,
    }
}

use Cmp::{AtLeast, AtMost};
use Metric::*;

/// Sets `field` of node `id` in a design's JSON.
fn set(doc: &mut Value, id: &str, field: &str, value: Value) {
    if let Some(node) = doc["nodes"]
        .as_array_mut()
        .and_then(|nodes| nodes.iter_mut().find(|n| n["id"] == id))
    {
        node[field] = value;
    }
}

/// The stage's design as shipped.
fn as_shipped(_: &mut Value) {}

pub static LESSONS: [Lesson; 11] = [
    // 1. 단일 서버: the ramp passes the server's 100 req/s; scale up.
    Lesson {
        start: include_str!("../../designs/stage01-single-server.json"),
        prepare: as_shipped,
        steps: &[
            step(&[Act::Play], row(ThroughputRps, AtLeast, 40.0), 5.0),
            step(
                &[Act::RateAtLeast(90.0)],
                row(WorstP99Ms, AtLeast, 150.0),
                1.0,
            ),
            step(
                &[Act::Kill("server")],
                row(Count(Tally::Failed), AtLeast, 20.0),
                1.0,
            ),
            step(
                &[
                    Act::Set("server", "instance", Val::Str("ec2_m5_xlarge")),
                    Act::RateAtMost(50.0),
                ],
                row(Utilization("server"), AtMost, 0.35),
                5.0,
            ),
        ],
        goal: Goal {
            from_s: 30.0,
            to_s: 90.0,
            rows: &[
                row(ThroughputRps, AtLeast, 80.0),
                row(ErrorRate, AtMost, 0.001),
                row(WorstP99Ms, AtMost, 500.0),
                row(CostPerHour, AtMost, 1.0),
            ],
        },
        solution: |d| set(d, "server", "instance", json!("ec2_m5_xlarge")),
    },
    // 2. 웹/데이터 계층: each tier has its own load; scale the web tier on its own.
    Lesson {
        start: include_str!("../../designs/stage02-web-and-data-tiers.json"),
        prepare: as_shipped,
        steps: &[
            step(&[Act::Play], row(ThroughputRps, AtLeast, 350.0), 5.0),
            step(
                &[Act::AtLeast("db", "read_ms", 2.5)],
                row(Utilization("db"), AtLeast, 0.4),
                5.0,
            ),
            step(
                &[
                    Act::AtLeast("web", "instances", 2.0),
                    Act::RateAtLeast(1500.0),
                ],
                row(Utilization("web"), AtMost, 0.5),
                5.0,
            ),
        ],
        goal: Goal {
            from_s: 10.0,
            to_s: 40.0,
            rows: &[
                row(ThroughputRps, AtLeast, 1500.0),
                row(ErrorRate, AtMost, 0.001),
                row(WorstP99Ms, AtMost, 200.0),
            ],
        },
        solution: |d| {
            set(d, "users", "rate_rps", json!(1600));
            set(d, "web", "instances", json!(2));
        },
    },
    // 3. 로드밸런서: web1 dies at 30 s; health checks take it out.
    Lesson {
        start: include_str!("../../designs/stage03-load-balancer.json"),
        prepare: as_shipped,
        steps: &[
            step(&[Act::Play], row(ThroughputRps, AtLeast, 2500.0), 5.0),
            step(
                &[Act::Kill("web2")],
                row(Count(Tally::Failed), AtLeast, 100.0),
                1.0,
            ),
            step(
                &[Act::Set("lb", "health_interval_s", Val::Num(1.0))],
                row(Count(Tally::Failed), AtMost, 5000.0),
                40.0,
            ),
        ],
        goal: Goal {
            from_s: 20.0,
            to_s: 60.0,
            rows: &[
                row(ThroughputRps, AtLeast, 2800.0),
                row(ErrorRate, AtMost, 0.001),
                row(WorstP99Ms, AtMost, 200.0),
            ],
        },
        solution: |d| {
            set(d, "lb", "health_interval_s", json!(1));
            set(d, "lb", "health_threshold", json!(1));
        },
    },
    // 4. 다중화: the primary dies at 40 s; asynchronous replication loses writes.
    Lesson {
        start: include_str!("../../designs/stage04-replication.json"),
        prepare: as_shipped,
        steps: &[
            step(&[Act::Play], row(ThroughputRps, AtLeast, 2500.0), 5.0),
            step(
                &[Act::Play],
                row(Count(Tally::LostWrites), AtLeast, 1.0),
                55.0,
            ),
            step(
                &[Act::Set("db", "replication", Val::Str("sync"))],
                row(Count(Tally::LostWrites), AtMost, 0.0),
                55.0,
            ),
        ],
        goal: Goal {
            from_s: 5.0,
            to_s: 60.0,
            rows: &[
                row(Count(Tally::LostWrites), AtMost, 0.0),
                row(ThroughputRps, AtLeast, 2500.0),
                row(WorstP99Ms, AtMost, 500.0),
            ],
        },
        solution: |d| set(d, "db", "replication", json!("sync")),
    },
    // 5. 캐시: the hit ratio comes from keys and capacity; the write strategy decides staleness.
    Lesson {
        start: include_str!("../../designs/stage05-cache.json"),
        prepare: as_shipped,
        steps: &[
            step(&[Act::Play], row(HitRatio, AtLeast, 0.6), 3.0),
            step(
                &[Act::Set("cache", "fill_from", Val::Str("replicas"))],
                row(Count(Tally::StaleReads), AtLeast, 100.0),
                1.0,
            ),
            step(
                &[Act::Set(
                    "cache",
                    "write_strategy",
                    Val::Str("write_around"),
                )],
                row(Count(Tally::StaleReads), AtLeast, 100.0),
                1.0,
            ),
            step(
                &[
                    Act::Set("cache", "write_strategy", Val::Str("invalidate")),
                    Act::Set("cache", "fill_from", Val::Str("primary")),
                    Act::AtLeast("cache", "capacity", 30000.0),
                ],
                row(HitRatio, AtLeast, 0.75),
                3.0,
            ),
        ],
        goal: Goal {
            from_s: 10.0,
            to_s: 30.0,
            rows: &[
                row(HitRatio, AtLeast, 0.75),
                row(Count(Tally::StaleReads), AtMost, 0.0),
                row(ThroughputRps, AtLeast, 9500.0),
                row(ErrorRate, AtMost, 0.001),
            ],
        },
        solution: |d| set(d, "cache", "capacity", json!(30000)),
    },
    // 6. CDN: a deploy by purge serves stale assets until the purge lands; versioned URLs none.
    Lesson {
        start: include_str!("../../designs/stage06-cdn.json"),
        prepare: as_shipped,
        steps: &[
            step(
                &[Act::Play],
                row(Count(Tally::StaleResponses), AtLeast, 100.0),
                35.0,
            ),
            step(
                &[Act::Kill("cdn")],
                row(Utilization("web0"), AtLeast, 0.4),
                3.0,
            ),
            step(
                &[Act::Set("cdn", "invalidation", Val::Str("versioned"))],
                row(Count(Tally::StaleResponses), AtMost, 0.0),
                35.0,
            ),
        ],
        goal: Goal {
            from_s: 5.0,
            to_s: 60.0,
            rows: &[
                row(Count(Tally::StaleResponses), AtMost, 0.0),
                row(ThroughputRps, AtLeast, 2500.0),
                row(ErrorRate, AtMost, 0.001),
            ],
        },
        solution: |d| set(d, "cdn", "invalidation", json!("versioned")),
    },
    // 7. 무상태 웹 계층: sessions in a shared store survive a server's death.
    Lesson {
        start: include_str!("../../designs/stage07-stateless-web.json"),
        prepare: as_shipped,
        steps: &[
            step(&[Act::Play], row(ThroughputRps, AtLeast, 1500.0), 5.0),
            step(
                &[Act::Kill("sessions")],
                row(Count(Tally::Failed), AtLeast, 100.0),
                1.0,
            ),
            step(
                &[
                    Act::Set("lb", "health_interval_s", Val::Num(1.0)),
                    Act::Set("lb", "health_threshold", Val::Num(1.0)),
                ],
                row(ErrorRate, AtMost, 0.002),
                35.0,
            ),
        ],
        goal: Goal {
            from_s: 20.0,
            to_s: 60.0,
            rows: &[
                row(Count(Tally::LostSessions), AtMost, 0.0),
                row(ErrorRate, AtMost, 0.002),
                row(ThroughputRps, AtLeast, 1800.0),
            ],
        },
        solution: |d| {
            set(d, "lb", "health_interval_s", json!(1));
            set(d, "lb", "health_threshold", json!(1));
        },
    },
    // 8. 데이터 센터: eu fails at 30 s; the DNS TTL keeps its users on it.
    Lesson {
        start: include_str!("../../designs/stage08-data-centres.json"),
        prepare: as_shipped,
        steps: &[
            step(
                &[Act::Play],
                row(Count(Tally::Failed), AtLeast, 100.0),
                35.0,
            ),
            step(
                &[Act::Set("dns", "ttl_s", Val::Num(300.0))],
                row(Count(Tally::Failed), AtLeast, 5000.0),
                40.0,
            ),
            step(
                &[Act::Set("dns", "ttl_s", Val::Num(5.0))],
                row(ErrorRate, AtMost, 0.02),
                60.0,
            ),
        ],
        goal: Goal {
            from_s: 5.0,
            to_s: 90.0,
            rows: &[
                row(ErrorRate, AtMost, 0.02),
                row(ThroughputRps, AtLeast, 1800.0),
            ],
        },
        solution: |d| set(d, "dns", "ttl_s", json!(5)),
    },
    // 9. 메시지 큐: a burst builds a backlog; more consumers absorb it.
    Lesson {
        start: include_str!("../../designs/stage09-message-queue.json"),
        prepare: as_shipped,
        steps: &[
            step(&[Act::Play], row(PeakBacklog, AtLeast, 300.0), 15.0),
            step(
                &[Act::Kill("jobs")],
                row(Count(Tally::Failed), AtLeast, 100.0),
                1.0,
            ),
            step(
                &[Act::AtLeast("jobs", "consumers", 32.0)],
                row(PeakBacklog, AtMost, 50.0),
                20.0,
            ),
        ],
        goal: Goal {
            from_s: 5.0,
            to_s: 28.0,
            rows: &[
                row(PeakBacklog, AtMost, 50.0),
                row(ErrorRate, AtMost, 0.001),
                row(ThroughputRps, AtLeast, 450.0),
            ],
        },
        solution: |d| set(d, "jobs", "consumers", json!(32)),
    },
    // 10. 자동화: a ×3 spike from 60 s on a fixed pool of four. The per-tier metrics show the
    // bottleneck moving to the database once the web tier grows; the autoscaler then carries the
    // spike with fewer machines than a pool sized for the peak all day.
    Lesson {
        start: include_str!("../../designs/stage10-metrics-automation.json"),
        prepare: |d| set(d, "web", "autoscale", json!({"mode": "off"})),
        steps: &[
            step(
                &[Act::Play],
                row(Count(Tally::Failed), AtLeast, 1000.0),
                65.0,
            ),
            step(
                &[Act::AtLeast("web", "instances", 12.0)],
                row(Count(Tally::Failed), AtLeast, 1000.0),
                65.0,
            ),
            step(
                &[
                    Act::AtLeast("web", "instances", 12.0),
                    Act::Set("cache", "fill_from", Val::Str("replicas")),
                ],
                row(ErrorRate, AtMost, 0.001),
                70.0,
            ),
            step(
                &[Act::Set("web", "autoscale", Val::Mode("utilization"))],
                row(Count(Tally::InstancesLaunched), AtLeast, 2.0),
                75.0,
            ),
        ],
        goal: Goal {
            from_s: 30.0,
            to_s: 150.0,
            rows: &[
                row(ErrorRate, AtMost, 0.001),
                row(WorstP99Ms, AtMost, 200.0),
                row(MeanInstances("web"), AtMost, 10.0),
            ],
        },
        solution: |d| {
            let shipped: Value = serde_json::from_str(include_str!(
                "../../designs/stage10-metrics-automation.json"
            ))
            .unwrap_or(Value::Null);
            let mut rule = shipped["nodes"]
                .as_array()
                .and_then(|n| n.iter().find(|n| n["id"] == "web"))
                .map_or(Value::Null, |n| n["autoscale"].clone());
            rule["min_instances"] = json!(6);
            set(d, "web", "autoscale", rule);
            set(d, "web", "instances", json!(6));
            set(d, "cache", "fill_from", json!("replicas"));
        },
    },
    // 11. 샤딩: a celebrity key and a fifth shard joining at 40 s.
    Lesson {
        start: include_str!("../../designs/stage11-sharding.json"),
        prepare: as_shipped,
        steps: &[
            step(
                &[Act::Play],
                row(Count(Tally::KeysMoved), AtLeast, 100.0),
                45.0,
            ),
            step(
                &[Act::Set("shards", "salt", Val::Num(1.0))],
                row(HottestMember("shards"), AtLeast, 0.45),
                20.0,
            ),
            step(
                &[
                    Act::Set("shards", "salt", Val::Num(16.0)),
                    Act::AtLeast("shards", "shards", 6.0),
                ],
                row(HottestMember("shards"), AtMost, 0.35),
                20.0,
            ),
        ],
        goal: Goal {
            from_s: 5.0,
            to_s: 35.0,
            rows: &[
                row(HottestMember("shards"), AtMost, 0.35),
                row(ErrorRate, AtMost, 0.001),
                row(ThroughputRps, AtLeast, 2800.0),
            ],
        },
        solution: |d| set(d, "shards", "shards", json!(6)),
    },
];

//! Unit tests of the kernel: exact time integrals, action packing, replies on window edges.

use super::{area, product_by_bits, Action, Area, Simulation};
use crate::dist::Dist;
use crate::metrics::ErrorCause;
use crate::model::{
    AutoscaleMetric, AutoscaleSpec, CacheSpec, DbSpec, LbSpec, ServerSpec, UsersSpec,
};
use crate::{Model, NodeKind, NodeSpec, SimDuration, SimTime};

/// A time integral kept in 64-bit pieces sums exactly as a 128-bit one, past every wrap and
/// through products too wide for 64 bits.
#[test]
fn time_integrals_sum_exactly_past_64_bits() {
    let steps: [(u64, u64); 6] = [
        (1, 1),
        (u32::MAX as u64, u32::MAX as u64),
        (u64::MAX / 3, 2),
        (1 << 40, 1 << 30),
        (u64::MAX, 1 << 20),
        (5, 0),
    ];
    let (mut kept, mut exact) = (Area::default(), 0u128);
    for _ in 0..3 {
        for (dt, level) in steps {
            kept.add_product(dt, level);
            exact += u128::from(dt) * u128::from(level);
            assert_eq!(kept.total(), exact, "after {dt} x {level}");
        }
    }
}

/// Every action comes out of the agenda's packed form as it went in, fields at their widest.
#[test]
fn actions_survive_packing() {
    let mut actions = vec![Action::WindowEnd];
    for x in [0, 1, 0x8000_0000, u32::MAX - 1, u32::MAX] {
        for y in [0, 7, u32::MAX] {
            actions.extend([
                Action::Arrival {
                    node: x,
                    generation: y,
                },
                Action::Deliver { frame: x },
                Action::Return {
                    frame: x,
                    outcome: Ok(y),
                },
                Action::ServiceDone { frame: x, epoch: y },
                Action::ServerDone { frame: x, epoch: y },
                Action::CacheDone { frame: x, epoch: y },
                Action::DbDone { frame: x, epoch: y },
                Action::Wake { frame: x },
                Action::Reply { req: x },
                Action::Scheduled { index: x },
                Action::HealthCheck { node: x },
                Action::Failover { node: x, epoch: y },
                Action::Replicate { slot: x },
                Action::Flush { node: x },
                Action::Purge { node: x },
                Action::Migrate { node: x },
                Action::Autoscale { node: x },
                Action::Boot { node: x, count: y },
                Action::Promote { node: x, epoch: y },
                Action::Dr { index: x, step: y },
            ]);
        }
        for cause in [
            ErrorCause::Timeout,
            ErrorCause::Rejected,
            ErrorCause::NoRoute,
            ErrorCause::NodeDown,
            ErrorCause::RateLimited,
            ErrorCause::Blocked,
        ] {
            actions.push(Action::Return {
                frame: x,
                outcome: Err(cause),
            });
        }
    }
    for action in actions {
        assert_eq!(
            format!("{:?}", action.pack().unpack()),
            format!("{action:?}")
        );
    }
}

/// Users 40 ms away → a balancer → two web servers → a cache → a database, in windows of
/// 100 ms: a reply (20 ms on its way back) often lands in the window after its response left.
fn round_trips() -> Model {
    let web = |name| {
        NodeSpec::new(
            name,
            NodeKind::Server(ServerSpec {
                workers: 8,
                service: Dist::Exponential { mean_s: 0.004 },
                data: Some(4),
                ..ServerSpec::default()
            }),
        )
    };
    Model {
        nodes: vec![
            NodeSpec::new(
                "users",
                NodeKind::Users(UsersSpec {
                    users: 500,
                    rate_rps: 2000.0,
                    entry: 1,
                    rtt: SimDuration::from_millis_f64(40.0),
                    timeout: SimDuration::from_millis_f64(60.0),
                    read_fraction: 0.9,
                    keys: 1000,
                    zipf_alpha: 1.0,
                    ..UsersSpec::default()
                }),
            ),
            NodeSpec::new(
                "lb",
                NodeKind::LoadBalancer(LbSpec {
                    targets: vec![2, 3],
                    ..LbSpec::default()
                }),
            ),
            web("web0"),
            web("web1"),
            NodeSpec::new(
                "cache",
                NodeKind::Cache(CacheSpec {
                    capacity: 100,
                    backend: Some(5),
                    ..CacheSpec::default()
                }),
            ),
            NodeSpec::new("db", NodeKind::Database(DbSpec::default())),
        ],
        window: SimDuration::from_millis_f64(100.0),
        warmup: SimDuration::from_secs(1),
        ..Model::default()
    }
}

/// Users → one autoscaled server with constant 100 ms service, windows of 100 ms and
/// instances that boot on a window's edge: services a boot starts end exactly at the next
/// window's end, before it closes, and their replies land there (`rtt_ms` each way).
fn replies_on_window_edges(rtt_ms: f64) -> Model {
    Model {
        nodes: vec![
            NodeSpec::new(
                "users",
                NodeKind::Users(UsersSpec {
                    users: 10,
                    rate_rps: 50.0,
                    entry: 1,
                    rtt: SimDuration::from_millis_f64(rtt_ms),
                    timeout: SimDuration::from_secs(60),
                    ..UsersSpec::default()
                }),
            ),
            NodeSpec::new(
                "web",
                NodeKind::Server(ServerSpec {
                    service: Dist::Constant { mean_s: 0.1 },
                    autoscale: Some(AutoscaleSpec {
                        min: 1,
                        max: 3,
                        scale_out_above: 0.5,
                        scale_in_below: 0.0,
                        interval: SimDuration::from_secs(1),
                        boot: SimDuration::from_secs(1),
                        metric: AutoscaleMetric::Occupancy,
                    }),
                    ..ServerSpec::default()
                }),
            ),
        ],
        window: SimDuration::from_millis_f64(100.0),
        warmup: SimDuration::from_secs(1),
        ..Model::default()
    }
}

/// A reply handled as soon as its response leaves is counted in the window it lands in and
/// only if it lands within the run: the windows and the report are those of a run that
/// waits for every reply's event (a horizon of zero lets no reply through early). In debug
/// builds the replies' own assertions run too, on window edges included (a regression: one
/// refused a reply landing exactly at a window's end).
#[test]
fn replies_handled_early_count_where_their_events_would() {
    let cases = [
        (round_trips(), 4.05),
        (replies_on_window_edges(0.0), 5.0),
        (replies_on_window_edges(200.0), 5.0),
    ];
    for (i, (model, until_s)) in cases.iter().enumerate() {
        let until = SimTime::from_secs_f64(*until_s);
        let mut early = Simulation::new(model, 3);
        early.run_until(until);
        let mut waiting = Simulation::new(model, 3);
        waiting.process_until(until);
        // Debug prints every number exactly (shortest round-trip form).
        let seen = |sim: &mut Simulation| (sim.drain_windows(), format!("{:?}", sim.report()));
        let (early, waiting) = (seen(&mut early), seen(&mut waiting));
        assert!(early.0.len() > 30, "case {i}: {} windows", early.0.len());
        assert!(early.0 == waiting.0, "case {i}: the windows differ");
        assert!(early.1 == waiting.1, "case {i}: the reports differ");
    }
}

/// A time integral's step is the exact product whether or not it fits in 64 bits, by the
/// overflow flag natively and by counting bits in WebAssembly.
#[test]
fn area_is_the_exact_product() {
    let edges = [0, 1, 3, u64::from(u32::MAX), 1 << 32, 1 << 63, u64::MAX];
    for dt in edges {
        for level in edges {
            let exact = u128::from(dt) * u128::from(level);
            assert_eq!(area(dt, level), exact, "{dt} × {level}");
            // WebAssembly's test: when it vouches for a product, the product is exact.
            if let Some(p) = product_by_bits(dt, level) {
                assert_eq!(u128::from(p), exact, "{dt} × {level}");
            }
        }
    }
}

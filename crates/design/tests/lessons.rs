//! The chapter's lessons, each a claim tested by running a shipped stage design two ways.
//!
//! Every claim names a sentence of the chapter (사용자 수에 따른 규모 확장성), in Korean and
//! English, and is an A/B pair: the shipped design (or a stated variant of it) against the same
//! design with one thing changed, same seed and duration. The claim asserts the direction and a
//! meaningful size of the effect on a number a learner watches. A claim that fails means a stage
//! teaches the wrong lesson, however close the engine is to theory.

use scalelab_design::{lower, Design};
use scalelab_engine::{Report, SimDuration, SimTime, Simulation, WindowStats};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// One edit of a design's JSON: the variant a claim compares.
type Edit = fn(&mut Value);

/// A number a learner reads off a run.
type Measure = fn(&Run) -> f64;

/// What a run leaves: the cumulative report and every window.
struct Run {
    report: Report,
    windows: Vec<WindowStats>,
    /// Engine node keys in model order (to find `db/r1`, `shards/s0`…).
    keys: Vec<String>,
}

/// How the B run's number must compare with the A run's.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// `b <= a * ratio` and `a > 0`: B lowers the number to at most this share of A's.
    AtMost(f64),
    /// `b >= a * ratio` and `b > 0`: B raises the number to at least this multiple of A's.
    AtLeast(f64),
    /// `a == 0` and `b >= min`: the effect appears only in B.
    OnlyInB(f64),
    /// `a >= min` and `b == 0`: B removes the effect entirely.
    GoneInB(f64),
    /// `b >= a * (1 - tolerance)`: B never lowers the number (beyond noise).
    NeverLower(f64),
    /// `b <= a * (1 + tolerance)`: B never raises the number (beyond noise).
    NeverHigher(f64),
}

struct Claim {
    /// The stage design file in `designs/`.
    stage: &'static str,
    /// The chapter's sentence, in Korean and English.
    ko: &'static str,
    en: &'static str,
    /// Name and edit of the A and B variants (A is usually the shipped design).
    a: (&'static str, Edit),
    b: (&'static str, Edit),
    /// Simulated seconds after a 5 s warm-up.
    seconds: f64,
    what: &'static str,
    measure: Measure,
    expect: Expect,
}

fn shipped(_: &mut Value) {}

/// Runs a stage variant once per test binary (claims share their A runs).
fn run(stage: &str, variant: &str, edit: Edit, seconds: f64) -> std::sync::Arc<Run> {
    type Cache = Mutex<BTreeMap<String, std::sync::Arc<Run>>>;
    static RUNS: OnceLock<Cache> = OnceLock::new();
    let key = format!("{stage}|{variant}|{seconds}");
    let cache = RUNS.get_or_init(Default::default);
    if let Some(r) = cache.lock().expect("lock").get(&key) {
        return r.clone();
    }
    let path = format!("{}/../../designs/{stage}", env!("CARGO_MANIFEST_DIR"));
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("design file")).expect("JSON");
    edit(&mut doc);
    let design = Design::from_json(&doc.to_string()).expect("the variant parses");
    let warmup = SimDuration::from_secs(5);
    let model = match lower(&design, warmup) {
        Ok(l) => l.model,
        Err(d) => panic!("{stage} / {variant} is refused: {d:?}"),
    };
    let keys = model.nodes.iter().map(|n| n.key.clone()).collect();
    let mut sim = Simulation::new(&model, 1);
    let end = SimTime::ZERO + warmup + SimDuration::from_secs_f64(seconds);
    sim.run_until(end);
    let run = std::sync::Arc::new(Run {
        report: sim.report(),
        windows: sim.drain_windows(),
        keys,
    });
    cache.lock().expect("lock").insert(key, run.clone());
    run
}

fn check(claim: &Claim) {
    let a = run(claim.stage, claim.a.0, claim.a.1, claim.seconds);
    let b = run(claim.stage, claim.b.0, claim.b.1, claim.seconds);
    let (x, y) = ((claim.measure)(&a), (claim.measure)(&b));
    let ok = match claim.expect {
        Expect::AtMost(r) => x > 0.0 && y <= x * r,
        Expect::AtLeast(r) => y > 0.0 && y >= x * r,
        Expect::OnlyInB(min) => x == 0.0 && y >= min,
        Expect::GoneInB(min) => x >= min && y == 0.0,
        Expect::NeverLower(tol) => y >= x * (1.0 - tol),
        Expect::NeverHigher(tol) => y <= x * (1.0 + tol),
    };
    let line = format!(
        "{}: {} / {}\n  {}: {} = {x:.4}, {} = {y:.4}, expected {:?}",
        claim.stage, claim.ko, claim.en, claim.what, claim.a.0, claim.b.0, claim.expect
    );
    println!("{line}");
    assert!(ok, "the lesson does not hold\n{line}");
}

// ----- edits ---------------------------------------------------------------------------------

/// The node with this id.
fn node<'a>(doc: &'a mut Value, id: &str) -> &'a mut Value {
    doc["nodes"]
        .as_array_mut()
        .and_then(|nodes| nodes.iter_mut().find(|n| n["id"] == id))
        .unwrap_or_else(|| panic!("no node {id}"))
}

fn set(doc: &mut Value, id: &str, field: &str, value: Value) {
    node(doc, id)[field] = value;
}

fn faults(doc: &mut Value) -> &mut Vec<Value> {
    if doc.get("faults").is_none() {
        doc["faults"] = json!([]);
    }
    doc["faults"].as_array_mut().expect("faults")
}

fn no_faults(doc: &mut Value) {
    faults(doc).clear();
}

fn add_fault(doc: &mut Value, fault: Value) {
    faults(doc).push(fault);
}

/// Replaces every edge `from → old` by `from → new` and drops edges leaving `old`.
fn bypass(doc: &mut Value, old: &str, new: &str) {
    let edges = doc["edges"].as_array_mut().expect("edges");
    edges.retain(|e| e["from"] != old);
    for e in edges.iter_mut() {
        if e["to"] == old {
            e["to"] = json!(new);
        }
    }
    doc["nodes"]
        .as_array_mut()
        .expect("nodes")
        .retain(|n| n["id"] != old);
}

fn remove_edge(doc: &mut Value, from: &str, to: &str) {
    doc["edges"]
        .as_array_mut()
        .expect("edges")
        .retain(|e| !(e["from"] == from && e["to"] == to));
}

// ----- measures ------------------------------------------------------------------------------

fn failed(r: &Run) -> f64 {
    let e = r.report.errors;
    (e.timeout + e.rejected + e.no_route + e.node_down) as f64
}

fn p50(r: &Run) -> f64 {
    r.report.latency.p50_ms
}

fn p99(r: &Run) -> f64 {
    r.report.latency.p99_ms
}

fn mean_latency(r: &Run) -> f64 {
    r.report.latency.mean_ms
}

fn throughput(r: &Run) -> f64 {
    r.report.throughput_rps
}

fn node_report<'a>(r: &'a Run, key: &str) -> &'a scalelab_engine::NodeReport {
    r.report
        .nodes
        .iter()
        .find(|n| n.key == key)
        .unwrap_or_else(|| panic!("no node {key} in {:?}", r.keys))
}

fn utilization(r: &Run, key: &str) -> f64 {
    node_report(r, key).utilization
}

fn served(r: &Run, key: &str) -> f64 {
    node_report(r, key).served as f64
}

/// Queries served by every member of database `group` (primary and replicas).
fn db_served(r: &Run, group: &str) -> f64 {
    let prefix = format!("{group}/");
    r.report
        .nodes
        .iter()
        .filter(|n| n.key == group || n.key.starts_with(&prefix))
        .map(|n| n.served as f64)
        .sum()
}

/// The busiest shard's mean utilisation over the windows starting in `from..to` seconds.
fn hottest_shard_between(r: &Run, from: f64, to: f64) -> f64 {
    let mut sum = vec![0.0; r.keys.len()];
    let windows: Vec<&WindowStats> = r
        .windows
        .iter()
        .filter(|w| w.start_s >= from && w.start_s < to)
        .collect();
    for w in &windows {
        for n in &w.nodes {
            sum[n.id as usize] += n.utilization / windows.len() as f64;
        }
    }
    sum.iter()
        .zip(&r.keys)
        .filter(|(_, k)| k.starts_with("shards/"))
        .map(|(u, _)| *u)
        .fold(0.0, f64::max)
}

/// The worst one-second p99 while a resharding's copies were moving.
fn p99_while_migrating(r: &Run) -> f64 {
    r.windows
        .iter()
        .filter(|w| w.counters.migration_ns > 0)
        .map(|w| w.latency.p99_ms)
        .fold(0.0, f64::max)
}

/// The worst one-second producer p99 after the first five seconds.
fn worst_window_p99(r: &Run) -> f64 {
    r.windows
        .iter()
        .filter(|w| w.start_s >= 5.0)
        .map(|w| w.latency.p99_ms)
        .fold(0.0, f64::max)
}

fn server_instance_cost(r: &Run, key: &str) -> f64 {
    node_report(r, key).bill.instances
}

fn peak_backlog(r: &Run) -> f64 {
    r.windows.iter().map(|w| w.job_backlog).max().unwrap_or(0) as f64
}

fn peak_backlog_between(r: &Run, from: f64, to: f64) -> f64 {
    r.windows
        .iter()
        .filter(|w| w.start_s >= from && w.start_s < to)
        .map(|w| w.job_backlog)
        .max()
        .unwrap_or(0) as f64
}

fn final_backlog(r: &Run) -> f64 {
    r.windows.last().map_or(0, |w| w.job_backlog) as f64
}

// ----- the claims ----------------------------------------------------------------------------

macro_rules! lessons {
    ($($name:ident: $claim:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check(&$claim);
            }
        )*
    };
}

lessons! {
    // ----- 1. 단일 서버 (single server) --------------------------------------------------------
    stage01_p99_climbs_before_throughput_stops_growing: Claim {
        stage: "stage01-single-server.json",
        ko: "부하가 용량에 다가가면 처리량이 아직 늘어나는 동안 p99가 먼저 치솟는다",
        en: "near capacity, p99 climbs while throughput is still growing",
        a: ("50 req/s steady", steady_50),
        b: ("90 req/s steady", steady_90),
        seconds: 120.0,
        what: "p99 latency (ms)",
        measure: p99,
        expect: Expect::AtLeast(2.0),
    };
    stage01_throughput_still_grows_near_capacity: Claim {
        stage: "stage01-single-server.json",
        ko: "포화 전까지는 처리량이 부하를 따라 늘어난다",
        en: "until it saturates, throughput follows the load",
        a: ("50 req/s steady", steady_50),
        b: ("90 req/s steady", steady_90),
        seconds: 120.0,
        what: "throughput (req/s)",
        measure: throughput,
        expect: Expect::AtLeast(1.6),
    };
    stage01_the_single_server_is_a_single_point_of_failure: Claim {
        stage: "stage01-single-server.json",
        ko: "서버 한 대가 죽으면 모든 요청이 실패한다 (단일 장애 지점)",
        en: "when the one server dies, every request fails (a single point of failure)",
        a: ("no fault", steady_50),
        b: ("server killed at 20 s", |d| {
            steady_50(d);
            add_fault(d, json!({"at_s": 20, "action": "kill", "node": "server"}));
        }),
        seconds: 60.0,
        what: "failed requests",
        // 40 s of 50 req/s without a server.
        measure: failed,
        expect: Expect::OnlyInB(1500.0),
    };
    stage01_scaling_up_doubles_what_one_server_serves: Claim {
        stage: "stage01-single-server.json",
        ko: "수직적 규모 확장: 두 배 큰 서버(CPU 두 배)는 같은 증가 부하에서 실패를 절반 아래로 줄인다",
        en: "scale up: a server twice the size (twice the vCPUs) fails under half the requests at the same ramp",
        a: ("m5.large (2 vCPU)", shipped),
        b: ("m5.xlarge (4 vCPU)", |d| set(d, "server", "instance", json!("ec2_m5_xlarge"))),
        seconds: 120.0,
        what: "timed-out and rejected requests",
        measure: |r| (r.report.errors.timeout + r.report.errors.rejected) as f64,
        expect: Expect::AtMost(0.5),
    };
    stage01_scaling_up_doubles_the_instance_bill: Claim {
        stage: "stage01-single-server.json",
        ko: "수직적 규모 확장의 대가: 두 배 큰 서버는 두 배 비싸다",
        en: "the price of scaling up: a server twice the size costs twice as much",
        a: ("m5.large", shipped),
        b: ("m5.xlarge", |d| set(d, "server", "instance", json!("ec2_m5_xlarge"))),
        seconds: 30.0,
        what: "the server's instance cost ($/h)",
        measure: |r| server_instance_cost(r, "server"),
        expect: Expect::AtLeast(2.0),
    };
    stage01_scaling_up_has_a_hard_limit: Claim {
        stage: "stage01-single-server.json",
        ko: "수직적 규모 확장에는 한계가 있다: 가장 큰 서버(96 vCPU)도 감당 못 할 부하가 온다",
        en: "scaling up has a hard limit: even the largest server (96 vCPU) meets a load it cannot carry",
        a: ("m5.24xlarge at 1 000 req/s", |d| largest_at(d, 1000)),
        b: ("m5.24xlarge at 10 000 req/s", |d| largest_at(d, 10_000)),
        seconds: 30.0,
        what: "failed requests",
        measure: failed,
        expect: Expect::OnlyInB(10_000.0),
    };
    // ----- 2. 웹 계층과 데이터 계층 분리 (web and data tiers) -----------------------------------
    stage02_a_slow_database_becomes_the_bottleneck: Claim {
        stage: "stage02-web-and-data-tiers.json",
        ko: "계층을 나누면 계층별 사용률이 따로 보인다: 데이터베이스가 느려지면 병목이 그쪽으로 옮겨 간다",
        en: "with separate tiers each has its own utilisation: a slower database moves the bottleneck there",
        a: ("shipped", shipped),
        b: ("database 4x slower", |d| {
            let read = node(d, "db")["read_ms"].as_f64().unwrap_or(1.0);
            let write = node(d, "db")["write_ms"].as_f64().unwrap_or(1.0);
            set(d, "db", "read_ms", json!(read * 4.0));
            set(d, "db", "write_ms", json!(write * 4.0));
        }),
        seconds: 60.0,
        what: "database utilisation",
        measure: |r| utilization(r, "db"),
        expect: Expect::AtLeast(3.0),
    };
    stage02_the_web_tier_scales_on_its_own: Claim {
        stage: "stage02-web-and-data-tiers.json",
        ko: "웹 계층은 데이터 계층과 따로 확장된다: 웹 서버를 두 대로 늘리면 웹 서버의 CPU 사용률이 반으로 준다",
        en: "the web tier scales on its own: two web instances halve its CPU utilisation",
        a: ("one web instance", shipped),
        b: ("two web instances", |d| set(d, "web", "instances", json!(2))),
        seconds: 60.0,
        what: "web CPU utilisation",
        measure: |r| node_report(r, "web").cpu_utilization,
        expect: Expect::AtMost(0.6),
    };
    // ----- 3. 로드밸런서와 수평적 규모 확장 (load balancer, scale out) -------------------------------
    stage03_health_checks_take_a_dead_server_out: Claim {
        stage: "stage03-load-balancer.json",
        ko: "헬스 체크가 죽은 서버를 빼 주면 오류는 짧게 끝난다",
        en: "health checks take a dead server out, so errors are brief and bounded",
        a: ("health checks off", |d| set(d, "lb", "health_interval_s", json!(0))),
        b: ("shipped (every 5 s, 3 failures)", shipped),
        seconds: 60.0,
        what: "failed requests",
        measure: failed,
        expect: Expect::AtMost(0.5),
    };
    stage03_faster_detection_means_fewer_errors: Claim {
        stage: "stage03-load-balancer.json",
        ko: "장애 감지가 빠를수록 실패하는 요청이 적다",
        en: "the faster the balancer detects a failure, the fewer requests fail",
        a: ("shipped (every 5 s, 3 failures)", shipped),
        b: ("every 1 s, 1 failure", |d| {
            set(d, "lb", "health_interval_s", json!(1));
            set(d, "lb", "health_threshold", json!(1));
        }),
        seconds: 60.0,
        what: "failed requests",
        measure: failed,
        expect: Expect::AtMost(0.3),
    };
    stage03_capacity_grows_by_adding_servers: Claim {
        stage: "stage03-load-balancer.json",
        ko: "수평적 규모 확장: 서버를 더 붙이면 감당할 수 있는 부하가 커진다",
        en: "scale out: adding servers raises the load the tier can carry",
        a: ("two web servers at 5 000 req/s", |d| {
            at_5000(d);
            d["nodes"].as_array_mut().expect("nodes").retain(|n| n["id"] != "web2");
            d["edges"]
                .as_array_mut()
                .expect("edges")
                .retain(|e| e["from"] != "web2" && e["to"] != "web2");
        }),
        b: ("three web servers at 5 000 req/s", at_5000),
        seconds: 30.0,
        what: "failed requests",
        measure: failed,
        expect: Expect::GoneInB(1000.0),
    };
    stage03_least_connections_feeds_a_server_that_fails_fast: Claim {
        stage: "stage03-load-balancer.json",
        ko: "최소 연결 정책은 바로 실패하는 서버를 가장 한가하다고 보고 더 많은 요청을 보낸다",
        en: "least connections sees a server that fails fast as the least busy, and sends it more",
        a: ("round robin", |d| set(d, "lb", "policy", json!("round_robin"))),
        b: ("least connections (shipped)", shipped),
        seconds: 60.0,
        what: "requests failed at the dead web1",
        measure: |r| node_report(r, "web1").errors as f64,
        expect: Expect::AtLeast(1.5),
    };
    // ----- 4. 데이터베이스 다중화 (replication) --------------------------------------------------
    stage04_replicas_take_the_reads_off_the_primary: Claim {
        stage: "stage04-replication.json",
        ko: "주 서버는 쓰기를, 부 서버는 읽기를 맡아 주 서버의 부하가 준다",
        en: "the primary takes the writes and the replicas the reads, so the primary's load falls",
        a: ("no replicas", |d| {
            no_faults(d);
            set(d, "db", "replicas", json!(0));
        }),
        b: ("two replicas", no_faults),
        seconds: 60.0,
        what: "primary utilisation",
        measure: |r| utilization(r, "db"),
        expect: Expect::AtMost(0.4),
    };
    stage04_a_dead_replica_leaves_the_others_serving: Claim {
        stage: "stage04-replication.json",
        ko: "부 서버 하나가 죽어도 읽기는 남은 부 서버로 분산된다",
        en: "when a replica dies, reads spread over the others",
        a: ("no fault", no_faults),
        b: ("db/r1 killed at 20 s", |d| {
            no_faults(d);
            add_fault(d, json!({"at_s": 20, "action": "kill", "node": "db/r1"}));
        }),
        seconds: 60.0,
        what: "queries served by db/r2",
        measure: |r| served(r, "db/r2"),
        expect: Expect::AtLeast(1.3),
    };
    stage04_async_replication_loses_writes_at_a_primary_crash: Claim {
        stage: "stage04-replication.json",
        ko: "비동기 다중화는 주 서버가 죽을 때 복제되지 않은 쓰기를 잃고, 동기 다중화는 잃지 않는다",
        en: "asynchronous replication loses the unreplicated writes when the primary dies; synchronous loses none",
        a: ("asynchronous (shipped)", shipped),
        b: ("synchronous", |d| set(d, "db", "replication", json!("sync"))),
        seconds: 60.0,
        what: "lost writes",
        measure: |r| r.report.counters.lost_writes as f64,
        expect: Expect::GoneInB(10.0),
    };
    stage04_writes_are_at_risk_as_soon_as_the_primary_dies: Claim {
        stage: "stage04-replication.json",
        ko: "주 서버가 죽는 순간 복제되지 않은 쓰기는 위험해진다 (승격 전에 끝난 실행에서도 보인다)",
        en: "unreplicated writes are at risk the moment the primary dies (even in a run that ends before the promotion)",
        a: ("no fault", no_faults),
        b: ("primary killed at 40 s, run ends at 45 s", shipped),
        seconds: 40.0,
        what: "writes at risk",
        measure: |r| r.report.counters.writes_at_risk as f64,
        expect: Expect::OnlyInB(10.0),
    };
    // ----- 5. 캐시 계층 (cache tier) ----------------------------------------------------------
    stage05_a_cache_takes_load_off_the_database: Claim {
        stage: "stage05-cache.json",
        ko: "캐시는 데이터베이스의 부하를 적중률만큼 덜어 준다",
        en: "a cache takes load off the database in proportion to its hit ratio",
        a: ("no cache", |d| bypass(d, "cache", "db")),
        b: ("shipped", shipped),
        seconds: 30.0,
        what: "database queries",
        measure: |r| db_served(r, "db"),
        expect: Expect::AtMost(0.4),
    };
    stage05_a_smaller_cache_hits_less: Claim {
        stage: "stage05-cache.json",
        ko: "적중률은 키와 용량과 방출 정책에서 나온다: 용량이 작으면 적게 맞는다",
        en: "the hit ratio comes from keys, capacity and policy: a smaller cache hits less",
        a: ("shipped", shipped),
        b: ("capacity 1 000", |d| set(d, "cache", "capacity", json!(1000))),
        seconds: 30.0,
        what: "cache hit ratio",
        measure: |r| r.report.cache_hit_ratio.unwrap_or(0.0),
        expect: Expect::AtMost(0.8),
    };
    stage05_the_cache_dying_sends_a_miss_storm_to_the_database: Claim {
        stage: "stage05-cache.json",
        ko: "캐시 서버가 죽으면 모든 읽기가 데이터베이스로 몰린다 (단일 장애 지점)",
        en: "when the cache dies, every read lands on the database (a miss storm)",
        a: ("shipped", shipped),
        b: ("cache killed at 10 s", |d| {
            add_fault(d, json!({"at_s": 10, "action": "kill", "node": "cache"}))
        }),
        seconds: 30.0,
        what: "database queries",
        measure: |r| db_served(r, "db"),
        expect: Expect::AtLeast(2.0),
    };
    stage05_write_back_loses_buffered_writes_when_the_cache_dies: Claim {
        stage: "stage05-cache.json",
        ko: "쓰기 후행(write-back) 캐시가 죽으면 아직 반영되지 않은 쓰기를 잃는다",
        en: "a write-back cache that dies loses the writes it had not flushed",
        a: ("write-back", |d| set(d, "cache", "write_strategy", json!("write_back"))),
        b: ("write-back, cache killed at 10 s", |d| {
            set(d, "cache", "write_strategy", json!("write_back"));
            add_fault(d, json!({"at_s": 10, "action": "kill", "node": "cache"}));
        }),
        seconds: 30.0,
        what: "lost writes",
        measure: |r| r.report.counters.lost_writes as f64,
        expect: Expect::OnlyInB(1.0),
    };
    stage05_a_short_ttl_sends_more_reads_to_the_database: Claim {
        stage: "stage05-cache.json",
        ko: "만료 기한이 너무 짧으면 데이터베이스를 너무 자주 읽는다",
        en: "a TTL that is too short makes the database read too often",
        a: ("TTL 300 s (shipped)", shipped),
        b: ("TTL 1 s", |d| set(d, "cache", "ttl_s", json!(1))),
        seconds: 30.0,
        what: "database queries",
        measure: |r| db_served(r, "db"),
        expect: Expect::AtLeast(1.3),
    };
    stage05_write_around_with_a_long_ttl_serves_stale_reads: Claim {
        stage: "stage05-cache.json",
        ko: "쓰기 우회(write-around)에 만료 기한이 길면 캐시가 옛 값을 준다 (만료 기한이 너무 길면 원본과 차이가 난다)",
        en: "write-around with a long TTL serves old values (a TTL too long drifts from the source)",
        a: ("invalidate on write (shipped)", shipped),
        b: ("write-around, TTL 3 600 s", |d| {
            set(d, "cache", "write_strategy", json!("write_around"));
            set(d, "cache", "ttl_s", json!(3600));
        }),
        seconds: 30.0,
        what: "stale reads",
        measure: |r| r.report.counters.stale_reads as f64,
        expect: Expect::OnlyInB(10_000.0),
    };
    stage05_refills_from_lagging_replicas_are_stale: Claim {
        stage: "stage05-cache.json",
        ko: "캐시를 지연(lag)된 부 서버에서 채우면 방금 쓴 값 대신 옛 값이 캐시에 남는다",
        en: "filling the cache from lagging replicas leaves old values in it after a write",
        a: ("misses read the primary (shipped)", shipped),
        b: ("misses read the replicas", |d| set(d, "cache", "fill_from", json!("replicas"))),
        seconds: 30.0,
        what: "stale reads",
        measure: |r| r.report.counters.stale_reads as f64,
        expect: Expect::OnlyInB(10_000.0),
    };
    // ----- 6. CDN -----------------------------------------------------------------------------
    stage06_the_cdn_brings_static_content_close_to_users: Claim {
        stage: "stage06-cdn.json",
        ko: "CDN은 정적 콘텐츠를 사용자 가까이에서 제공해 응답이 빨라진다",
        en: "a CDN serves static content close to the users, so responses are faster",
        a: ("without the CDN", without_cdn),
        b: ("with the CDN", no_faults),
        seconds: 30.0,
        what: "p50 latency (ms)",
        measure: p50,
        expect: Expect::AtMost(0.5),
    };
    stage06_the_cdn_takes_load_off_the_origin: Claim {
        stage: "stage06-cdn.json",
        ko: "CDN이 정적 요청을 맡으면 원본 서버의 부하가 준다",
        en: "with the CDN answering static requests, the origin's load falls",
        a: ("without the CDN", without_cdn),
        b: ("with the CDN", no_faults),
        seconds: 30.0,
        what: "requests through the load balancer",
        measure: |r| served(r, "lb"),
        expect: Expect::AtMost(0.6),
    };
    stage06_the_cdn_moves_egress_off_the_origins_bill: Claim {
        stage: "stage06-cdn.json",
        ko: "비용: CDN을 쓰면 원본의 인터넷 전송료가 CDN 전송료로 옮겨 간다",
        en: "cost: with a CDN the origin's internet egress moves to the CDN's egress line",
        a: ("without the CDN", without_cdn),
        b: ("with the CDN", no_faults),
        seconds: 30.0,
        what: "origin internet egress ($/h)",
        measure: |r| r.report.bill.internet_egress,
        expect: Expect::AtMost(0.3),
    };
    stage06_versioned_urls_serve_no_stale_asset_after_a_deploy: Claim {
        stage: "stage06-cdn.json",
        ko: "버전이 붙은 URL로 배포하면 낡은 파일을 내보내지 않는다 (purge는 지연 동안 낡은 파일을 준다)",
        en: "deploying with versioned URLs serves no stale asset (a purge serves stale ones until it lands)",
        a: ("purge", shipped),
        b: ("versioned URLs", |d| set(d, "cdn", "invalidation", json!("versioned"))),
        seconds: 60.0,
        what: "stale CDN responses",
        measure: |r| r.report.counters.stale_responses as f64,
        expect: Expect::GoneInB(100.0),
    };
    stage06_a_cdn_outage_falls_back_to_the_origin: Claim {
        stage: "stage06-cdn.json",
        ko: "CDN이 죽으면 클라이언트는 원본 서버로 우회해 원본 부하가 치솟는다",
        en: "when the CDN fails, clients fall back to the origin and its load jumps",
        a: ("no fault", no_faults),
        b: ("CDN down from 10 s", |d| {
            no_faults(d);
            add_fault(d, json!({"at_s": 10, "action": "kill", "node": "cdn"}));
        }),
        seconds: 30.0,
        what: "requests through the load balancer",
        measure: |r| served(r, "lb"),
        expect: Expect::AtLeast(1.8),
    };
    // ----- 7. 무상태 웹 계층 (stateless web tier) -----------------------------------------------
    stage07_sticky_sessions_lose_a_dead_servers_users: Claim {
        stage: "stage07-stateless-web.json",
        ko: "세션을 서버 메모리에 두면(고정 세션) 서버가 죽을 때 그 사용자들은 다시 로그인해야 한다",
        en: "with sessions in a server's memory (sticky sessions), its users must log in again when it dies",
        a: ("stateless (shared session store)", shipped),
        b: ("sticky, sessions in server memory", |d| {
            set(d, "lb", "sticky", json!(true));
            for web in ["web0", "web1", "web2"] {
                set(d, web, "sessions", json!("in_server"));
                remove_edge(d, web, "sessions");
            }
            d["nodes"].as_array_mut().expect("nodes").retain(|n| n["id"] != "sessions");
        }),
        seconds: 60.0,
        what: "forced logins",
        measure: |r| r.report.counters.lost_sessions as f64,
        expect: Expect::OnlyInB(100.0),
    };
    stage07_the_session_store_is_a_dependency_to_replicate: Claim {
        stage: "stage07-stateless-web.json",
        ko: "무상태 웹 계층에서는 공유 세션 저장소가 죽으면 모든 요청이 실패한다: 저장소도 다중화해야 한다",
        en: "in a stateless web tier the shared session store is a dependency: when it dies, requests fail",
        a: ("no fault", no_faults),
        b: ("session store killed at 20 s", |d| {
            no_faults(d);
            add_fault(d, json!({"at_s": 20, "action": "kill", "node": "sessions"}));
        }),
        seconds: 60.0,
        what: "failed requests",
        measure: failed,
        expect: Expect::OnlyInB(10_000.0),
    };
    // ----- 8. 데이터 센터 (data centres) ------------------------------------------------------
    stage08_losing_a_data_centre_never_makes_anyone_faster: Claim {
        stage: "stage08-data-centres.json",
        ko: "데이터 센터 하나를 잃어도 누구도 빨라지지 않는다",
        en: "losing a data centre never makes anyone faster",
        a: ("no fault", no_faults),
        b: ("eu fails at 30 s", shipped),
        seconds: 90.0,
        what: "p50 latency (ms)",
        measure: p50,
        expect: Expect::NeverLower(0.02),
    };
    stage08_reads_are_served_in_the_readers_region: Claim {
        stage: "stage08-data-centres.json",
        ko: "지리적 라우팅: 읽기는 읽는 사람의 지역에 있는 부 서버가 맡아, 대양을 건너지 않는다",
        en: "geo-routing: reads are served by a replica in the reader's own region, not across the ocean",
        a: ("one primary in us, no replicas", |d| {
            no_faults(d);
            set(d, "db", "replicas", json!(0));
        }),
        b: ("a replica in each region (shipped)", no_faults),
        seconds: 60.0,
        what: "mean latency (ms)",
        measure: mean_latency,
        expect: Expect::AtMost(0.8),
    };
    stage08_a_long_dns_ttl_keeps_users_on_a_dead_data_centre: Claim {
        stage: "stage08-data-centres.json",
        ko: "DNS TTL이 길면 장애 난 데이터 센터로 사용자를 더 오래 보낸다",
        en: "a long DNS TTL keeps sending users to the failed data centre for longer",
        a: ("TTL 30 s", shipped),
        b: ("TTL 300 s", |d| set(d, "dns", "ttl_s", json!(300))),
        seconds: 90.0,
        what: "failed requests",
        measure: failed,
        expect: Expect::AtLeast(2.0),
    };
    stage08_synchronous_replication_across_regions_is_slow: Claim {
        stage: "stage08-data-centres.json",
        ko: "데이터 센터 간 동기 다중화는 쓰기마다 대양을 왕복하므로 느리다",
        en: "synchronous replication across data centres crosses the ocean on every write, so writes are slow",
        a: ("asynchronous (shipped)", no_faults),
        b: ("synchronous", |d| {
            no_faults(d);
            set(d, "db", "replication", json!("sync"));
        }),
        seconds: 60.0,
        what: "p99 latency (ms)",
        measure: p99,
        expect: Expect::AtLeast(1.3),
    };
    // ----- 9. 메시지 큐 (message queue) --------------------------------------------------------
    stage09_a_dead_queue_refuses_publishes: Claim {
        stage: "stage09-message-queue.json",
        ko: "메시지 큐가 죽으면 발행이 거부된다",
        en: "a dead message queue refuses publishes",
        a: ("no fault", no_faults),
        b: ("queue killed at 20 s", |d| {
            no_faults(d);
            add_fault(d, json!({"at_s": 20, "action": "kill", "node": "jobs"}));
        }),
        seconds: 40.0,
        what: "failed requests",
        measure: failed,
        expect: Expect::OnlyInB(100.0),
    };
    stage09_slow_workers_grow_a_backlog: Claim {
        stage: "stage09-message-queue.json",
        ko: "작업 서버가 느려지면 큐에 백로그가 쌓인다",
        en: "when the workers slow down, a backlog builds in the queue",
        a: ("no slowdown", no_faults),
        b: ("workers 20x slower for 8 s (shipped)", shipped),
        seconds: 60.0,
        what: "peak job backlog from 28 s to 50 s",
        measure: |r| peak_backlog_between(r, 28.0, 50.0),
        // Without the slowdown a job or two may be waiting at a window's end.
        expect: Expect::AtLeast(100.0),
    };
    stage09_producers_stay_fast_while_workers_are_slow: Claim {
        stage: "stage09-message-queue.json",
        ko: "생산자와 소비자가 분리되어 있어 작업 서버가 느려도 생산자의 응답은 빠르다",
        en: "producers and consumers are decoupled: slow workers do not slow the producers",
        a: ("no slowdown", no_faults),
        b: ("workers 20x slower for 8 s (shipped)", shipped),
        seconds: 60.0,
        what: "worst one-second producer p99 (ms)",
        measure: worst_window_p99,
        expect: Expect::NeverHigher(0.25),
    };
    stage09_more_workers_finish_jobs_sooner: Claim {
        stage: "stage09-message-queue.json",
        ko: "소비자(작업 프로세스)는 웹 계층과 독립적으로 늘릴 수 있고, 늘리면 작업이 빨리 끝난다",
        en: "workers scale independently of the web tier, and more of them finish jobs sooner",
        a: ("shipped", shipped),
        b: ("twice the consumers", |d| {
            let c = node(d, "jobs")["consumers"].as_u64().unwrap_or(1);
            set(d, "jobs", "consumers", json!(c * 2));
        }),
        seconds: 60.0,
        what: "peak job backlog during the burst (10 s to 28 s)",
        measure: |r| peak_backlog_between(r, 10.0, 28.0),
        expect: Expect::AtMost(0.1),
    };
    // ----- 10. 로그, 메트릭, 자동화 (metrics and automation) ---------------------------------------
    stage10_the_autoscaler_meets_a_spike: Claim {
        stage: "stage10-metrics-automation.json",
        ko: "자동 규모 확장은 트래픽 급증에 맞춰 웹 서버를 늘려 실패를 줄인다",
        en: "autoscaling adds web servers for a traffic spike, so fewer requests fail",
        a: ("autoscaling off", |d| set(d, "web", "autoscale", json!({"mode": "off"}))),
        b: ("autoscaling on", shipped),
        seconds: 180.0,
        what: "failed requests",
        measure: failed,
        expect: Expect::AtMost(0.5),
    };
    stage10_scaling_on_occupancy_grows_for_a_slow_database: Claim {
        stage: "stage10-metrics-automation.json",
        ko: "작업자 점유율로 확장하면 느린 데이터베이스를 기다리는 시간까지 바쁨으로 세어 웹 서버를 헛되이 늘린다; CPU 사용률 규칙은 늘리지 않는다",
        en: "scaling on worker occupancy counts waiting on a slow database as busy and adds web servers for nothing; a CPU rule adds none",
        a: ("occupancy rule, slow database", |d| slow_db_rule(d, "occupancy")),
        b: ("CPU rule, slow database", |d| slow_db_rule(d, "cpu")),
        seconds: 60.0,
        what: "instances launched",
        measure: |r| r.report.counters.instances_launched as f64,
        expect: Expect::GoneInB(1.0),
    };
    // ----- 11. 샤딩 (sharding) -----------------------------------------------------------------
    stage11_consistent_hashing_moves_fewer_keys: Claim {
        stage: "stage11-sharding.json",
        ko: "안정 해시는 샤드를 늘릴 때 키의 1/(k+1)만 옮기고, 나머지 연산(modulo)은 거의 전부 옮긴다",
        en: "adding a shard, consistent hashing moves about 1/(k+1) of the keys; modulo moves almost all",
        a: ("modulo", modulo),
        b: ("consistent hashing (shipped)", shipped),
        seconds: 60.0,
        what: "keys moved",
        measure: |r| r.report.counters.keys_moved as f64,
        expect: Expect::AtMost(0.35),
    };
    stage11_consistent_hashing_migrates_sooner: Claim {
        stage: "stage11-sharding.json",
        ko: "옮길 키가 적으니 안정 해시의 재샤딩은 (같은 이주 속도에서) 더 빨리 끝난다",
        en: "with fewer keys to move, consistent hashing's resharding ends sooner at the same migration rate",
        a: ("modulo", modulo),
        b: ("consistent hashing (shipped)", shipped),
        seconds: 60.0,
        what: "migration time (s)",
        measure: |r| r.report.counters.migration_ns as f64 * 1e-9,
        expect: Expect::AtMost(0.6),
    };
    stage11_consistent_hashing_hurts_no_more_while_migrating: Claim {
        stage: "stage11-sharding.json",
        ko: "재샤딩의 이주는 조절되어 사용자 요청을 해치지 않는다: 안정 해시도 나머지 연산보다 지연이 높지 않다",
        en: "a throttled migration spares user requests: consistent hashing's p99 while migrating is no higher than modulo's",
        a: ("modulo", modulo),
        b: ("consistent hashing (shipped)", shipped),
        seconds: 60.0,
        what: "worst one-second p99 while migrating (ms)",
        measure: p99_while_migrating,
        expect: Expect::NeverHigher(0.0),
    };
    stage11_salting_cools_the_celebritys_shard: Claim {
        stage: "stage11-sharding.json",
        ko: "유명인사 문제: 키에 솔트를 붙여 쓰기를 여러 샤드로 나누면 가장 바쁜 샤드의 부하가 준다",
        en: "the celebrity problem: salting the key spreads its writes and the hottest shard cools",
        a: ("no salt", |d| set(d, "shards", "salt", json!(1))),
        b: ("salt 16 (shipped)", shipped),
        seconds: 60.0,
        what: "hottest shard's utilisation before the resharding",
        measure: |r| hottest_shard_between(r, 5.0, 40.0),
        expect: Expect::AtMost(0.8),
    };
    stage11_a_dedicated_shard_cools_the_others: Claim {
        stage: "stage11-sharding.json",
        ko: "유명인사에게 샤드 하나를 따로 주면 나머지 샤드가 한가해진다",
        en: "giving the celebrity a shard of its own takes the load off the others",
        a: ("no salt", |d| set(d, "shards", "salt", json!(1))),
        b: ("a dedicated shard", |d| {
            set(d, "shards", "salt", json!(1));
            set(d, "shards", "hot_shard", json!("dedicated"));
        }),
        seconds: 60.0,
        what: "hottest shard's utilisation before the resharding",
        measure: |r| hottest_shard_between(r, 5.0, 40.0),
        expect: Expect::AtMost(0.8),
    };
    stage11_salted_reads_gather_from_every_suffix: Claim {
        stage: "stage11-sharding.json",
        ko: "솔팅의 대가: 유명인사 키를 읽을 때마다 접미사가 있는 모든 샤드를 읽어 모아야 한다",
        en: "the price of salting: every read of the celebrity's key gathers from every shard holding a suffix",
        a: ("no salt", |d| set(d, "shards", "salt", json!(1))),
        b: ("salt 16 (shipped)", shipped),
        seconds: 60.0,
        what: "extra shard reads gathered",
        measure: |r| r.report.counters.gather_reads as f64,
        expect: Expect::OnlyInB(10_000.0),
    };

    // ----- 추가: API 게이트웨이와 처리율 제한 (API gateway and rate limiter) --------------------
    extra_without_a_limiter_a_flood_saturates_the_web_tier: Claim {
        stage: "extra-api-gateway.json",
        ko: "처리율 제한이 없으면 한 클라이언트의 폭주가 웹 계층을 포화시킨다",
        en: "without a rate limiter, one client's flood saturates the web tier",
        a: ("per-user limiter (shipped)", shipped),
        b: ("no limiter", no_limiter),
        seconds: 60.0,
        what: "feed servers' CPU utilisation",
        measure: |r| mean_cpu(r, &["feed0", "feed1"]),
        expect: Expect::AtLeast(1.6),
    };
    extra_without_a_limiter_legit_requests_slow_down: Claim {
        stage: "extra-api-gateway.json",
        ko: "처리율 제한이 없으면 정상 사용자의 요청까지 느려지고 실패한다",
        en: "without a rate limiter, legitimate users' requests slow down and fail too",
        a: ("per-user limiter (shipped)", shipped),
        b: ("no limiter", no_limiter),
        seconds: 60.0,
        what: "p99 latency (ms)",
        measure: p99,
        expect: Expect::AtLeast(5.0),
    };
    extra_a_per_user_limiter_keeps_the_web_tier_as_without_the_abuser: Claim {
        stage: "extra-api-gateway.json",
        ko: "사용자별 처리율 제한기는 폭주가 있어도 웹 계층의 사용률을 평소 수준으로 지킨다",
        en: "a per-user rate limiter keeps the web tier's utilisation where it is without the abuser",
        a: ("no abuser", no_abuser),
        b: ("abuser, per-user limiter (shipped)", shipped),
        seconds: 60.0,
        what: "feed servers' CPU utilisation",
        measure: |r| mean_cpu(r, &["feed0", "feed1"]),
        expect: Expect::NeverHigher(0.05),
    };
    extra_a_per_user_limiter_keeps_p99_as_without_the_abuser: Claim {
        stage: "extra-api-gateway.json",
        ko: "사용자별 처리율 제한기는 폭주가 있어도 p99를 평소 수준으로 지킨다",
        en: "a per-user rate limiter keeps p99 where it is without the abuser",
        a: ("no abuser", no_abuser),
        b: ("abuser, per-user limiter (shipped)", shipped),
        seconds: 60.0,
        what: "p99 latency (ms)",
        measure: p99,
        expect: Expect::NeverHigher(0.05),
    };
    extra_a_per_user_limiter_refuses_the_abusers_requests: Claim {
        stage: "extra-api-gateway.json",
        ko: "사용자별 처리율 제한기는 폭주하는 클라이언트의 요청을 429로 거부한다",
        en: "a per-user rate limiter refuses the abusive client's requests (HTTP 429)",
        a: ("no limiter", no_limiter),
        b: ("per-user limiter (shipped)", shipped),
        seconds: 60.0,
        what: "requests refused as rate limited",
        // The abuser sends 3000 req/s for 60 s; its 5 users may pass 5 req/s each.
        measure: |r| r.report.errors.rate_limited as f64,
        expect: Expect::OnlyInB(170_000.0),
    };
    extra_a_per_user_limiter_refuses_no_legit_user: Claim {
        stage: "extra-api-gateway.json",
        ko: "사용자별 처리율 제한기는 정상 사용자의 요청은 거부하지 않는다",
        en: "a per-user rate limiter refuses no legitimate user's request",
        a: ("no abuser", no_abuser),
        b: ("abuser, per-user limiter (shipped)", shipped),
        seconds: 60.0,
        // Only the legitimate users ask for /profile.
        what: "/profile requests served",
        measure: |r| served(r, "profile"),
        expect: Expect::NeverLower(0.02),
    };
    extra_a_global_limiter_refuses_legit_users_too: Claim {
        stage: "extra-api-gateway.json",
        ko: "전역 처리율 제한기도 부하는 막지만 정상 사용자의 요청까지 거부한다",
        en: "a global rate limiter caps the load too, but refuses legitimate users as well",
        a: ("per-user limiter (shipped)", shipped),
        b: ("global limiter, 1600 req/s", |d| {
            set(
                d,
                "gateway",
                "rate_limit",
                json!({"kind": "global", "rate_rps": 1600, "burst": 200}),
            );
        }),
        seconds: 60.0,
        // Only the legitimate users ask for /profile.
        what: "/profile requests served",
        measure: |r| served(r, "profile"),
        expect: Expect::AtMost(0.5),
    };
    extra_a_global_limiter_caps_the_load_too: Claim {
        stage: "extra-api-gateway.json",
        ko: "전역 처리율 제한기도 웹 계층의 포화는 막는다",
        en: "a global rate limiter also keeps the web tier from saturating",
        a: ("no limiter", no_limiter),
        b: ("global limiter, 1600 req/s", |d| {
            set(
                d,
                "gateway",
                "rate_limit",
                json!({"kind": "global", "rate_rps": 1600, "burst": 200}),
            );
        }),
        seconds: 60.0,
        what: "feed servers' CPU utilisation",
        measure: |r| mean_cpu(r, &["feed0", "feed1"]),
        expect: Expect::AtMost(0.8),
    };

    // ----- 추가: 웹 애플리케이션 방화벽 (WAF) ---------------------------------------------------
    extra_the_waf_cuts_attack_load_on_the_web_tier: Claim {
        stage: "extra-waf.json",
        ko: "WAF가 공격 요청을 걸러 내면 웹 계층의 CPU 부하가 줄어든다",
        en: "a WAF that blocks attacks cuts the CPU load on the web tier",
        a: ("no WAF", without_waf),
        b: ("WAF in front of the balancer (shipped)", shipped),
        seconds: 60.0,
        what: "web servers' CPU utilisation",
        measure: |r| mean_cpu(r, &["web0", "web1", "web2"]),
        expect: Expect::AtMost(0.6),
    };
    extra_the_waf_cuts_p99: Claim {
        stage: "extra-waf.json",
        ko: "WAF가 공격 부하를 덜어 주면 p99 지연도 줄어든다",
        en: "with the attack load off the web tier, p99 falls",
        a: ("no WAF", without_waf),
        b: ("WAF in front of the balancer (shipped)", shipped),
        seconds: 60.0,
        what: "p99 latency (ms)",
        measure: p99,
        expect: Expect::AtMost(0.7),
    };
    extra_the_waf_costs_per_request_inspected: Claim {
        stage: "extra-waf.json",
        ko: "WAF는 검사한 요청 수만큼 비용이 청구된다",
        en: "the WAF is billed for every request it inspects",
        a: ("no WAF", without_waf),
        b: ("WAF in front of the balancer (shipped)", shipped),
        seconds: 60.0,
        // 3000 req/s at $0.60 per million: about $6.5 an hour.
        what: "WAF request charges ($/h)",
        measure: |r| r.report.bill.waf_requests,
        expect: Expect::OnlyInB(5.0),
    };
}

// ----- variants shared by several claims -----------------------------------------------------

fn no_limiter(d: &mut Value) {
    set(d, "gateway", "rate_limit", json!({"kind": "none"}));
}

fn no_abuser(d: &mut Value) {
    set(d, "abuser", "rate_rps", json!(0));
}

fn without_waf(d: &mut Value) {
    bypass(d, "waf", "lb");
}

/// The mean CPU utilisation of these nodes.
fn mean_cpu(r: &Run, keys: &[&str]) -> f64 {
    keys.iter()
        .map(|k| node_report(r, k).cpu_utilization)
        .sum::<f64>()
        / keys.len() as f64
}

fn steady_50(d: &mut Value) {
    no_faults(d);
    set(d, "users", "profile", json!({"shape": "steady"}));
}

fn steady_90(d: &mut Value) {
    steady_50(d);
    set(d, "users", "rate_rps", json!(90));
}

/// Stage 1 on the largest instance type, with threads for every core, at a steady rate.
fn largest_at(d: &mut Value, rps: u32) {
    steady_50(d);
    set(d, "users", "rate_rps", json!(rps));
    set(d, "server", "instance", json!("ec2_m5_24xlarge"));
    set(d, "server", "workers", json!(256));
}

fn at_5000(d: &mut Value) {
    no_faults(d);
    set(d, "users", "rate_rps", json!(5000));
}

fn without_cdn(d: &mut Value) {
    no_faults(d);
    remove_edge(d, "users", "cdn");
}

fn modulo(d: &mut Value) {
    set(d, "shards", "strategy", json!({"kind": "modulo"}));
}

/// Stage 10 at a steady load with a database 40x slower: web requests hold their workers while
/// they wait, so occupancy is high while the CPU is not.
fn slow_db_rule(d: &mut Value, metric: &str) {
    set(d, "users", "profile", json!({"shape": "steady"}));
    add_fault(
        d,
        json!({"at_s": 0, "action": "slow", "node": "db", "factor": 40}),
    );
    for member in ["db/r1", "db/r2"] {
        add_fault(
            d,
            json!({"at_s": 0, "action": "slow", "node": member, "factor": 40}),
        );
    }
    let rule = &mut node(d, "web")["autoscale"];
    rule["metric"] = json!(metric);
}

/// The backlog of the shipped stage 9 drains after its burst and slowdown: the chapter's queue
/// absorbs bursts, it does not hide a permanent shortage of workers, and no job is lost.
#[test]
fn stage09_the_backlog_drains_and_no_job_is_lost() {
    let r = run("stage09-message-queue.json", "shipped", shipped, 120.0);
    let (peak, last) = (peak_backlog(&r), final_backlog(&r));
    println!("stage 9: peak backlog {peak}, final {last}");
    assert!(peak >= 500.0, "the burst builds no backlog: {peak}");
    assert!(last <= 20.0, "the backlog does not drain: {last} of {peak}");
    let c = r.report.counters;
    // Jobs published in the warm-up finish after it: the two counts differ by the backlog's
    // carry-over only.
    assert!(c.jobs_published.abs_diff(c.jobs_done) <= 20, "{c:?}");
}

// ----- beyond the stages: a replicated cache, a disaster-recovery standby ---------------------

/// The extra design without the replicas of its cache and session store.
fn no_replicas(d: &mut Value) {
    set(d, "cache", "replicas", json!(0));
    set(d, "sessions", "replicas", json!(0));
}

/// Windows starting in `from..to` simulated seconds (warm-up included).
fn windows_between(r: &Run, from: f64, to: f64) -> Vec<&WindowStats> {
    r.windows
        .iter()
        .filter(|w| w.start_s >= from && w.start_s < to)
        .collect()
}

/// The cache hit ratio over the windows starting in `from..to`.
fn hit_ratio_between(r: &Run, from: f64, to: f64) -> f64 {
    let (hits, misses) = windows_between(r, from, to)
        .iter()
        .fold((0, 0), |(h, m), w| {
            (h + w.counters.cache_hits, m + w.counters.cache_misses)
        });
    hits as f64 / (hits + misses).max(1) as f64
}

/// Database queries per second over the windows starting in `from..to`.
fn db_rate_between(r: &Run, from: f64, to: f64) -> f64 {
    let ws = windows_between(r, from, to);
    let queries: u64 = ws.iter().map(|w| w.counters.db_queries).sum();
    queries as f64 / ws.iter().map(|w| w.len_s).sum::<f64>().max(1e-9)
}

/// The share of the requests ending in the windows starting in `from..to` that failed.
fn error_share_between(r: &Run, from: f64, to: f64) -> f64 {
    let ws = windows_between(r, from, to);
    let failed: u64 = ws.iter().map(|w| w.errors.total()).sum();
    let done: u64 = ws.iter().map(|w| w.completed).sum();
    failed as f64 / (failed + done).max(1) as f64
}

/// The start of the first window from `from` on whose hit ratio is back to `level`.
fn hit_ratio_back_at(r: &Run, from: f64, level: f64) -> f64 {
    r.windows
        .iter()
        .filter(|w| w.start_s >= from)
        .find(|w| w.cache_hit_ratio.is_some_and(|h| h >= level))
        .map_or(f64::INFINITY, |w| w.start_s)
}

/// 캐시 서버가 한 대면 단일 장애 지점이다: 여러 대를 두면 주 서버가 죽어도 살아남는다 /
/// the replicated cache survives its primary's death. The extra design kills its cache at 30 s
/// and its session store at 60 s (both come back at 90 s); each has a replica promoted 10 s
/// after its primary dies. Without the replicas, the database takes every read and the
/// sessions are gone.
#[test]
fn extra_the_replicated_cache_survives_its_primarys_death() {
    let stage = "extra-replicated-cache.json";
    let with = run(stage, "replicated", shipped, 115.0);
    let without = run(stage, "no replicas", no_replicas, 115.0);
    let before = hit_ratio_between(&with, 20.0, 30.0);
    let db_before = db_rate_between(&with, 20.0, 30.0);
    // From the promotion (40 s) until the session store dies (60 s).
    let (hit_a, hit_b) = (
        hit_ratio_between(&with, 41.0, 60.0),
        hit_ratio_between(&without, 41.0, 60.0),
    );
    let (db_a, db_b) = (
        db_rate_between(&with, 41.0, 60.0),
        db_rate_between(&without, 41.0, 60.0),
    );
    let (err_a, err_b) = (
        error_share_between(&with, 41.0, 60.0),
        error_share_between(&without, 41.0, 60.0),
    );
    let back = hit_ratio_back_at(&with, 30.0, 0.9 * before);
    // The session store: promoted at 70 s with its replica, dead until 90 s without.
    let (sess_err_a, sess_err_b) = (
        error_share_between(&with, 71.0, 90.0),
        error_share_between(&without, 71.0, 90.0),
    );
    let (lost_a, lost_b) = (
        with.report.counters.lost_sessions,
        without.report.counters.lost_sessions,
    );
    println!(
        "{stage}: 캐시 복제 / the replicated cache survives its primary's death\n  \
         hit ratio before {before:.3}; 41-60 s: replicated {hit_a:.3}, without {hit_b:.3}; \
         back to 90 % at {back} s\n  \
         database queries/s before {db_before:.0}; 41-60 s: replicated {db_a:.0}, without {db_b:.0}\n  \
         errors 41-60 s: replicated {err_a:.4}, without {err_b:.4}; \
         71-90 s: replicated {sess_err_a:.4}, without {sess_err_b:.4}\n  \
         lost sessions: replicated {lost_a}, without {lost_b}"
    );
    assert!(before > 0.5, "the cache hits before the fault: {before}");
    assert!(
        back <= 41.0,
        "the hit ratio comes back within failover_s: {back}"
    );
    assert!(hit_a >= 0.9 * before && hit_b < 0.05, "{hit_a} / {hit_b}");
    assert!(
        db_a <= 1.5 * db_before,
        "the promoted replica keeps the database's load: {db_a}"
    );
    assert!(
        db_b >= 2.0 * db_a,
        "without a replica the database takes the misses: {db_b}"
    );
    assert!(err_a < 0.01 && err_b > 0.05, "errors {err_a} / {err_b}");
    assert!(
        sess_err_a < 0.01 && sess_err_b > 0.9,
        "{sess_err_a} / {sess_err_b}"
    );
    assert!(
        lost_a <= 10 && lost_b >= 1_000,
        "lost sessions {lost_a} / {lost_b}"
    );
}

fn standby_mode(d: &mut Value, mode: &str) {
    d["regions"][1]["standby"]["mode"] = json!(mode);
}

fn warm_standby(d: &mut Value) {
    standby_mode(d, "warm");
}

fn cold_standby(d: &mut Value) {
    standby_mode(d, "cold");
}

/// 핫 사이트는 콜드 사이트보다 빨리 복구하고 데이터를 덜 잃지만 비용이 더 든다 /
/// a hot standby recovers faster and loses less than a cold one, and costs more. The extra
/// design's primary data centre fails at 60 s; its standby is hot, warm or cold.
#[test]
fn extra_a_hot_standby_recovers_faster_and_loses_less_than_a_cold_one_and_costs_more() {
    let stage = "extra-dr-standby.json";
    let runs = [
        ("hot", run(stage, "hot", shipped, 595.0)),
        ("warm", run(stage, "warm", warm_standby, 595.0)),
        ("cold", run(stage, "cold", cold_standby, 595.0)),
    ];
    let mut rows = Vec::new();
    for (mode, r) in &runs {
        let c = r.report.counters;
        assert_eq!(c.standby_activations, 1, "{mode}: activated once");
        let recovery = c.standby_recovery_ns as f64 * 1e-9;
        assert!(recovery > 0.0, "{mode}: the standby serves again");
        let row = (
            recovery,
            c.standby_lost_writes,
            r.report.standby_cost_per_hour_usd,
        );
        println!(
            "{stage}: {mode}: recovery {:.0} s, writes lost {}, standing by ${:.6}/h",
            row.0, row.1, row.2
        );
        rows.push(row);
    }
    let [hot, warm, cold] = [rows[0], rows[1], rows[2]];
    assert!(
        hot.0 < warm.0 && warm.0 < cold.0,
        "recovery {hot:?} {warm:?} {cold:?}"
    );
    // Hot and warm replicate the same way: they lose the same few writes in flight.
    assert!(
        hot.1 <= warm.1 && warm.1 * 100 < cold.1,
        "lost {hot:?} {warm:?} {cold:?}"
    );
    assert!(
        hot.2 > warm.2 && warm.2 > cold.2 && cold.2 > 0.0,
        "cost {hot:?} {warm:?} {cold:?}"
    );
}

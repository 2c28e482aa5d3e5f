//! The bill: every line comes from a mechanism the engine counts (egress of the tier answering
//! users, CDN fees, cross-region transfer, load balancer capacity, cache nodes by memory), and
//! the per-node lines, the totals, the month and the per-million figure agree.

use scalelab_cli::{load, report_text, run, RunOptions};
use scalelab_engine::{Report, SimTime, Simulation};
use serde_json::Value;
use std::path::PathBuf;

fn design(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../designs")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("design")).expect("json")
}

fn report(doc: &Value, duration_s: f64) -> Report {
    let options = RunOptions {
        seed: Some(1),
        duration_s,
        warmup_s: 5.0,
        ..RunOptions::default()
    };
    run(&doc.to_string(), &options).expect("runs").0
}

fn node<'a>(r: &'a Report, key: &str) -> &'a scalelab_engine::NodeReport {
    r.nodes.iter().find(|n| n.key == key).expect("node")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Stage 6 with and without its CDN (the users → cdn edge deleted), same traffic: both bills
/// carry the static assets' egress, so the CDN moves the bytes off the origin's line onto its
/// own at a similar price (before the bill was complete, $104/h against $0.98/h).
#[test]
fn stage_6_with_a_cdn_bills_less_origin_egress_and_a_comparable_total() {
    let with = design("stage06-cdn.json");
    let mut without = with.clone();
    if let Some(edges) = without["edges"].as_array_mut() {
        edges.retain(|e| !(e["from"] == "users" && e["to"] == "cdn"));
    }
    // Before the scheduled CDN crash (45 s).
    let (a, b) = (report(&with, 35.0), report(&without, 35.0));
    let origin = |r: &Report| node(r, "lb").bill.internet_egress;
    assert!(
        origin(&a) < 0.3 * origin(&b),
        "origin egress with CDN {} without {}",
        origin(&a),
        origin(&b)
    );
    assert!(node(&a, "cdn").bill.cdn_egress > 0.0 && node(&a, "cdn").bill.cdn_requests > 0.0);
    assert_eq!(node(&b, "cdn").cost_per_hour_usd, 0.0);
    let ratio = a.cost_per_hour_usd / b.cost_per_hour_usd;
    assert!(
        ratio > 0.5 && ratio < 2.0,
        "with {} without {}",
        a.cost_per_hour_usd,
        b.cost_per_hour_usd
    );
    // Nearly all of it is moving the assets: 60 % of 3 000 requests/s of 200 KB.
    let bytes_per_hour = 1800.0 * 200.0 * 1024.0 * 3600.0;
    let egress = b.bill.internet_egress;
    assert!(
        (egress / (bytes_per_hour / 1e9 * 0.09) - 1.0).abs() < 0.25,
        "{egress}"
    );
}

/// A cache is billed as as many nodes of its instance type as capacity × item size needs: 100 k
/// items of 100 KB do not fit one cache.m5.large (6.38 GiB), 1 k do.
#[test]
fn a_cache_of_100k_items_costs_more_than_one_of_1k() {
    let sized = |capacity: u32| {
        let mut doc = design("stage05-cache.json");
        for n in doc["nodes"].as_array_mut().expect("nodes") {
            if n["kind"] == "cache" {
                n["capacity"] = capacity.into();
                n["item_kb"] = 100.0.into();
            }
        }
        report(&doc, 10.0)
    };
    let (small, large) = (sized(1_000), sized(100_000));
    let (s, l) = (node(&small, "cache"), node(&large, "cache"));
    assert_eq!((s.instances, l.instances), (1, 2));
    assert!(
        close(l.bill.instances, 2.0 * s.bill.instances),
        "{s:?} {l:?}"
    );
    assert!(large.cost_per_hour_usd > small.cost_per_hour_usd);
    assert!(report_text(&large, 0.0).contains("(2 nodes)"));
}

/// Stage 8 replicates its us primary to a replica in eu and its eu web server writes to the us
/// primary: both cross regions and are billed; a one-region design bills none.
#[test]
fn cross_region_transfer_is_billed_in_stage_8_and_zero_in_one_region() {
    let eight = report(&design("stage08-data-centres.json"), 20.0);
    assert!(eight.counters.cross_region_bytes > 0);
    assert!(node(&eight, "db").bill.cross_region > 0.0, "replication");
    assert!(node(&eight, "web-eu").bill.cross_region > 0.0, "calls");
    let five = report(&design("stage05-cache.json"), 20.0);
    assert_eq!(five.counters.cross_region_bytes, 0);
    assert_eq!(five.bill.cross_region, 0.0);
}

/// For every stage, in the report and in every window: the per-node lines sum to the total,
/// a month is 730 hours, and the per-million figure is the hourly bill over the requests an hour.
#[test]
fn the_bill_adds_up_per_node_per_month_and_per_million_requests() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../designs");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("designs/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 18, "11 stages, 3 challenges, 4 extra designs");
    for name in names {
        let doc = design(&name);
        let r = report(&doc, 12.0);
        let sum: f64 = r.nodes.iter().map(|n| n.cost_per_hour_usd).sum();
        assert!(close(sum, r.cost_per_hour_usd), "{name}: {sum}");
        assert!(close(r.bill.total(), r.cost_per_hour_usd), "{name}");
        for (i, (line, usd)) in r.bill.lines().into_iter().enumerate() {
            let by_node: f64 = r.nodes.iter().map(|n| n.bill.lines()[i].1).sum();
            assert!(close(by_node, usd), "{name} {line}: {by_node} {usd}");
        }
        assert!(close(r.cost_per_month_usd, 730.0 * r.cost_per_hour_usd));
        let per_hour = r.generated as f64 / r.measured_s * 3600.0;
        assert!(
            close(
                r.usd_per_million_requests,
                r.cost_per_hour_usd / (per_hour / 1e6)
            ),
            "{name}"
        );
        assert!(
            r.bill.instances > 0.0 && r.bill.internet_egress > 0.0,
            "{name}"
        );
        let (_, model) = load(&doc.to_string(), 5.0).expect("loads");
        let mut sim = Simulation::new(&model, 1);
        sim.run_until(SimTime::from_secs_f64(8.0));
        for w in sim.drain_windows() {
            let sum: f64 = w.nodes.iter().map(|n| n.cost_per_hour_usd).sum();
            assert!(close(sum, w.cost_per_hour_usd), "{name} window {}", w.index);
            assert!(close(w.bill.total(), w.cost_per_hour_usd));
            assert!(close(w.cost_per_month_usd, 730.0 * w.cost_per_hour_usd));
            let per_hour = w.generated as f64 / w.len_s * 3600.0;
            if w.generated > 0 {
                let want = w.cost_per_hour_usd / (per_hour / 1e6);
                assert!(close(w.usd_per_million_requests, want), "{name}");
            }
        }
    }
}

/// Sizes the bill multiplies are bounded, and a bad one is refused naming node and field.
#[test]
fn bad_sizes_are_refused_naming_node_and_field() {
    let users = r#"{"id":"u","kind":"users","users":1,"rate_rps":5,"rtt_ms":0,"timeout_ms":100"#;
    let server = r#"{"id":"s","kind":"server","workers":1,"queue_capacity":1,"service_ms":1}"#;
    let cases = [
        (
            format!(r#"{users},"response_kb":-1}}"#),
            "",
            "node 'u', field 'response_kb'",
        ),
        (
            format!(r#"{users},"static_kb":2e6}}"#),
            "",
            "node 'u', field 'static_kb'",
        ),
        (
            format!(r#"{users}}}"#),
            r#",{"id":"c","kind":"cache","capacity":10,"item_kb":0}"#,
            "node 'c', field 'item_kb'",
        ),
        (
            format!(r#"{users}}}"#),
            r#",{"id":"d","kind":"database","record_kb":-1}"#,
            "node 'd', field 'record_kb'",
        ),
    ];
    for (u, extra, expect) in cases {
        let text = format!(
            r#"{{"version":1,"nodes":[{u},{server}{extra}],"edges":[{{"from":"u","to":"s"}}]}}"#
        );
        match load(&text, 0.0) {
            Err(scalelab_cli::CliError::Invalid(lines)) => {
                assert!(lines.iter().any(|l| l.contains(expect)), "{lines:?}")
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

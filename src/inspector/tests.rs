//! The inspector's tests: every kind's fields edited through JSON, switches, refusals, labels
//! in both languages, input ranges against lowering, instance menus and indices.

use super::*;
use scalelab_design::document::ProfileDoc;
use scalelab_engine::hashing::ShardingStrategy;

/// One node of every kind, with every nested variant represented somewhere; then every
/// kind's default node from its description, so a kind added later is covered too.
pub(crate) fn every_kind() -> Vec<NodeParams> {
    let json = [
        r#"{"kind":"users","users":100,"rate_rps":50,"rtt_ms":40,"timeout_ms":2000,"keys":1000,"zipf_alpha":0.8,"profile":{"shape":"spike","at_s":10,"duration_s":5,"factor":3}}"#,
        r#"{"kind":"dns","lookup_ms":30,"ttl_s":300}"#,
        r#"{"kind":"server","workers":4,"queue_capacity":200,"service_ms":40}"#,
        r#"{"kind":"load_balancer"}"#,
        r#"{"kind":"session_store"}"#,
        r#"{"kind":"cache","capacity":100}"#,
        r#"{"kind":"database","replicas":2}"#,
        r#"{"kind":"cdn","capacity":50,"ttl_s":60}"#,
        r#"{"kind":"queue","consumers":2,"job_ms":100}"#,
        r#"{"kind":"sharded_database","shards":4,"strategy":{"kind":"consistent_hash","vnodes":100}}"#,
    ];
    json.iter()
        .map(|j| serde_json::from_str(j).expect("test fixture parses"))
        .chain(KindTag::ALL.map(|tag| tag.spec().default_params()))
        .collect()
}

fn path(p: &str) -> Vec<String> {
    p.split('.').map(str::to_string).collect()
}

#[test]
fn every_field_of_every_kind_round_trips_through_json_editing() {
    for params in every_kind() {
        let object = params_object(&params);
        for key in field_paths(params.tag(), &object) {
            let p = path(&key);
            let value = p[1..]
                .iter()
                .fold(object.get(&p[0]), |v, name| v.and_then(|v| v.get(name)))
                .cloned()
                .unwrap_or(Value::Null);
            let raw = match &value {
                Value::Number(n) => Raw::Number(number_text(n)),
                Value::Bool(b) => Raw::Bool(*b),
                Value::String(s) => Raw::Choice(s.clone()),
                Value::Array(_) => Raw::List(String::new()),
                Value::Object(o) => match tagged(params.tag(), &key) {
                    Some((tag, _)) => {
                        Raw::Tag(o.get(tag).and_then(Value::as_str).unwrap_or("").into())
                    }
                    None => continue,
                },
                Value::Null => continue,
            };
            // Writing back what is shown must give the same parameters.
            assert_eq!(
                apply_raw(&params, &p, &raw),
                Ok(params.clone()),
                "{} / {key}",
                params.kind_name()
            );
        }
    }
}

#[test]
fn a_changed_number_lands_in_the_right_field() {
    let server = &every_kind()[2];
    let edited = apply_raw(server, &path("workers"), &Raw::Number("8".into()));
    assert!(matches!(edited, Ok(NodeParams::Server { workers: 8, .. })));
    let edited = apply_raw(server, &path("service_ms"), &Raw::Number("12.5".into()));
    assert!(matches!(edited, Ok(NodeParams::Server { service_ms, .. }) if service_ms == 12.5));
    // A float in an integer field written as an integral exponent is still an integer.
    let edited = apply_raw(server, &path("workers"), &Raw::Number("1e2".into()));
    assert!(matches!(
        edited,
        Ok(NodeParams::Server { workers: 100, .. })
    ));
    let users = &every_kind()[0];
    let edited = apply_raw(users, &path("profile.factor"), &Raw::Number("7".into()));
    assert!(matches!(
        edited,
        Ok(NodeParams::Users { profile: ProfileDoc::Spike { factor, .. }, .. }) if factor == 7.0
    ));
    let lb = &every_kind()[3];
    let edited = apply_raw(lb, &path("sticky"), &Raw::Bool(true));
    assert!(matches!(
        edited,
        Ok(NodeParams::LoadBalancer { sticky: true, .. })
    ));
    let db = &every_kind()[6];
    let edited = apply_raw(db, &path("replica_regions"), &Raw::List("eu, us ,".into()));
    assert!(matches!(
        edited,
        Ok(NodeParams::Database { replica_regions, .. }) if replica_regions == ["eu", "us"]
    ));
}

#[test]
fn serde_refusals_are_reported_not_applied() {
    let server = &every_kind()[2];
    for (field, raw, expect_nan) in [
        ("workers", "-1", false),
        ("workers", "2.5", false),
        ("workers", "99999999999", false),
        ("workers", "", true),
        ("workers", "abc", true),
        ("service_ms", "inf", true),
        ("service_ms", "NaN", true),
    ] {
        let result = apply_raw(server, &path(field), &Raw::Number(raw.into()));
        match result {
            Err(EditError::NotANumber) => assert!(expect_nan, "{field}={raw}"),
            Err(EditError::Refused(msg)) => assert!(!expect_nan && !msg.is_empty()),
            Ok(p) => panic!("{field}={raw} was accepted: {p:?}"),
        }
    }
    let refused = apply_raw(server, &path("service_shape"), &Raw::Choice("gamma".into()));
    assert!(matches!(refused, Err(EditError::Refused(_))));
    // Out-of-range but well-formed values pass serde: lowering reports them instead.
    let ok = apply_raw(server, &path("workers"), &Raw::Number("0".into()));
    assert!(matches!(ok, Ok(NodeParams::Server { workers: 0, .. })));
}

#[test]
fn every_switch_option_is_a_variant_the_design_accepts() {
    for params in every_kind() {
        for (name, _) in params_object(&params) {
            let Some(options) = switch_options(params.tag(), &name) else {
                continue;
            };
            for option in options {
                let edited = apply_raw(&params, &path(&name), &Raw::Choice(option.to_string()));
                let edited = edited.unwrap_or_else(|e| panic!("{name}={option}: {e:?}"));
                assert_eq!(
                    params_object(&edited).get(&name),
                    Some(&Value::String(option.to_string()))
                );
            }
        }
    }
}

#[test]
fn switching_a_tag_fills_defaults_and_keeps_shared_fields() {
    let users = &every_kind()[0];
    let expect = [
        ("steady", ProfileDoc::Steady),
        (
            "step",
            ProfileDoc::Step {
                at_s: 10.0,
                factor: 3.0,
            },
        ),
        (
            "ramp",
            ProfileDoc::Ramp {
                from_s: 0.0,
                to_s: 300.0,
                factor: 3.0,
            },
        ),
        (
            "daily",
            ProfileDoc::Daily {
                period_s: 600.0,
                amplitude: 0.5,
            },
        ),
        (
            "spike",
            ProfileDoc::Spike {
                at_s: 10.0,
                duration_s: 5.0,
                factor: 3.0,
            },
        ),
    ];
    for (tag, want) in expect {
        let edited = apply_raw(users, &path("profile"), &Raw::Tag(tag.into()));
        match edited {
            Ok(NodeParams::Users { profile, .. }) => assert_eq!(profile, want, "{tag}"),
            other => panic!("{tag}: {other:?}"),
        }
    }
    let sharded = &every_kind()[9];
    for (tag, want) in [
        ("modulo", ShardingStrategy::Modulo),
        ("range", ShardingStrategy::Range),
        ("jump_hash", ShardingStrategy::JumpHash),
        (
            "consistent_hash",
            ShardingStrategy::ConsistentHash { vnodes: 100 },
        ),
    ] {
        let modulo = apply_raw(sharded, &path("strategy"), &Raw::Tag("modulo".into()))
            .expect("modulo is a strategy");
        // From modulo (no fields) to the tag: only defaults apply.
        match apply_raw(&modulo, &path("strategy"), &Raw::Tag(tag.into())) {
            Ok(NodeParams::ShardedDatabase { strategy, .. }) => assert_eq!(strategy, want),
            other => panic!("{tag}: {other:?}"),
        }
    }
    // Every listed tag has a complete set of defaults, on the kind that has the field.
    for params in every_kind() {
        let kind = params.tag();
        for p in kind.spec().params {
            let Some((_, tags)) = tagged(kind, p.path) else {
                continue;
            };
            for tag in tags {
                assert!(
                    apply_raw(&params, &path(p.path), &Raw::Tag(tag.to_string())).is_ok(),
                    "{kind}.{}.{tag}",
                    p.path
                );
            }
        }
    }
}

#[test]
fn every_current_field_has_korean_and_english_labels() {
    let params = every_variant();
    for params in &params {
        let kind = params.tag();
        for key in field_paths(kind, &params_object(params)) {
            for lang in [Lang::Ko, Lang::En] {
                let t = field_text(lang, kind, &key);
                assert!(
                    t.is_some_and(|t| !t.label.is_empty()),
                    "{kind}.{key} in {lang:?}"
                );
            }
            if let Some(options) = switch_options(kind, &key) {
                for o in options {
                    assert!(option_text(Lang::Ko, &key, o).is_some(), "{key}={o}");
                    assert!(option_text(Lang::En, &key, o).is_some(), "{key}={o}");
                }
            }
            if let Some((tag, tags)) = tagged(kind, &key) {
                let tag_key = format!("{key}.{tag}");
                for t in tags {
                    assert!(
                        option_text(Lang::Ko, &tag_key, t).is_some(),
                        "{tag_key}={t}"
                    );
                    assert!(
                        option_text(Lang::En, &tag_key, t).is_some(),
                        "{tag_key}={t}"
                    );
                }
            }
        }
    }
    // ... and has a place in the display order: it is a parameter of its kind's description
    // (or the tag of one).
    for params in params {
        let kind = params.tag();
        for key in field_paths(kind, &params_object(&params)) {
            let is_tag = key.split_once('.').is_some_and(|(parent, last)| {
                tagged(kind, parent).is_some_and(|(tag, _)| tag == last)
            });
            assert!(
                is_tag || kind.spec().param(&key).is_some(),
                "{kind}.{key} is not in its kind's description"
            );
        }
    }
    // A field the engine gains later falls back to its raw name.
    assert_eq!(
        label_text(Lang::En, KindTag::Server, "warp_factor"),
        "warp_factor"
    );
}

/// Every parameter every kind describes reads in both languages, with its options and its
/// tagged variants: a kind or parameter added without its texts fails here.
#[test]
fn every_described_parameter_has_korean_and_english_texts() {
    for kind in KindTag::ALL {
        for p in kind.spec().params {
            let mut keys = vec![p.path.to_string()];
            let mut options: Vec<(String, &str)> = Vec::new();
            if let Some((tag, tags)) = tagged(kind, p.path) {
                let tag_key = format!("{}.{tag}", p.path);
                options.extend(tags.iter().map(|t| (tag_key.clone(), *t)));
                keys.push(tag_key);
            }
            if let Some(choices) = switch_options(kind, p.path) {
                options.extend(choices.iter().map(|o| (p.path.to_string(), *o)));
            }
            for lang in [Lang::Ko, Lang::En] {
                for key in &keys {
                    let t = field_text(lang, kind, key);
                    assert!(
                        t.is_some_and(|t| !t.label.is_empty()),
                        "{kind}.{key} in {lang:?}"
                    );
                }
                for (key, option) in &options {
                    assert!(
                        option_text(lang, key, option).is_some(),
                        "{kind}.{key}={option} in {lang:?}"
                    );
                }
            }
        }
    }
}

/// Every kind, and every variant of its nested enums, so each variant's fields are covered.
fn every_variant() -> Vec<NodeParams> {
    let mut params = every_kind();
    for tag in ["step", "ramp", "daily"] {
        params.push(apply_raw(&params[0], &path("profile"), &Raw::Tag(tag.into())).expect("tag"));
    }
    params.push(
        apply_raw(
            &params[2],
            &path("autoscale"),
            &Raw::Tag("utilization".into()),
        )
        .expect("autoscale tag"),
    );
    params
}

/// Whether lowering refuses the node `params` with `key` set to `text` as out of range.
fn refused(params: &NodeParams, key: &str, text: &str) -> bool {
    let edited = apply_raw(params, &path(key), &Raw::Number(text.into()))
        .unwrap_or_else(|e| panic!("{} {key}={text}: {e:?}", params.kind_name()));
    let mut design = Design::single_server();
    design.nodes[2].params = edited;
    let id = design.nodes[2].id.clone();
    // Lowering names a consistent hash's vnodes by the strategy.
    let field = if key == "strategy.vnodes" {
        "strategy"
    } else {
        key
    };
    lower(&design, SimDuration::ZERO)
        .err()
        .unwrap_or_default()
        .iter()
        .any(|d| {
            d.node.as_deref() == Some(id.as_str())
                && d.field == Some(field)
                && matches!(
                    d.problem,
                    scalelab_design::lower::Problem::OutOfRange { .. }
                )
        })
}

/// The number inputs' ranges are lowering's: both ends are accepted and just beyond them is
/// refused, so the spinner never offers a value the design will reject.
#[test]
fn input_ranges_are_the_ranges_lowering_checks() {
    // Limits that depend on another field (or are checked under another name) are checked
    // at their fixed end only.
    let dependent = [
        "autoscale.min_instances",
        "autoscale.scale_in_below",
        "spare_shards",
    ];
    let mut checked = 0;
    for params in every_variant() {
        let kind = params.tag();
        let object = params_object(&params);
        for key in field_paths(kind, &object) {
            let p = path(&key);
            let value = p[1..]
                .iter()
                .fold(object.get(&p[0]), |v, name| v.and_then(|v| v.get(name)));
            let integer = match value {
                Some(Value::Number(n)) => n.is_u64() || n.is_i64(),
                // An optional number left out: its description says what it holds.
                Some(Value::Null) if optional_number(kind, &p) => {
                    kind.spec().param(&key).is_some_and(|p| p.is_integer())
                }
                _ => continue,
            };
            let text = |x: f64| {
                if integer {
                    format!("{}", x.round() as i64)
                } else {
                    format!("{x}")
                }
            };
            let (min, max, _) = bounds(kind, &key, integer);
            let min = min.expect("every number has a minimum");
            assert!(!refused(&params, &key, &text(min)), "{kind}.{key}={min}");
            if min > 0.0 || !integer {
                let below = if min > 0.0 { min / 2.0 } else { -1.0 };
                let below = if integer { min - 1.0 } else { below };
                assert!(refused(&params, &key, &text(below)), "{kind}.{key}={below}");
            }
            match max {
                Some(max) if !dependent.contains(&key.as_str()) => {
                    assert!(!refused(&params, &key, &text(max)), "{kind}.{key}={max}");
                    let above = if integer { max + 1.0 } else { max * 1.5 };
                    assert!(refused(&params, &key, &text(above)), "{kind}.{key}={above}");
                }
                Some(_) => {}
                None => assert!(
                    !refused(&params, &key, &text(1e9)),
                    "{kind}.{key} is bounded by lowering: give it a max"
                ),
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked} fields checked");
}

/// A node's instance menu lists the types of its kind only (EC2 for servers, ElastiCache for
/// caches, RDS for databases), each with its vCPUs and memory, its default among them.
#[test]
fn instance_menus_list_only_the_kinds_own_types() {
    let expect = [
        (KindTag::Server, "ec2_"),
        (KindTag::Cache, "elasticache_"),
        (KindTag::Database, "rds_"),
        (KindTag::ShardedDatabase, "rds_"),
    ];
    for params in every_kind() {
        let kind = params.tag();
        let Some(Value::String(default)) = params_object(&params).get("instance").cloned() else {
            continue;
        };
        let options = instance_options(kind);
        assert!(
            options.iter().any(|(id, _)| *id == default),
            "{kind}: {default} missing from {options:?}"
        );
        for (id, name) in &options {
            assert!(name.contains("vCPU") && name.contains("GiB"), "{name}");
            if let Some((_, prefix)) = expect.iter().find(|(k, _)| *k == kind) {
                assert!(id.starts_with(prefix), "{kind} lists {id}");
            }
        }
    }
    // Regression: every menu listed every instance type.
    let ids = |kind| instance_options(kind).into_iter().map(|(id, _)| id);
    let servers: Vec<String> = ids(KindTag::Server).collect();
    assert!(ids(KindTag::Database).all(|id| !servers.contains(&id)));
    assert!(ids(KindTag::Cache).all(|id| !servers.contains(&id)));
    assert!(instance_options(KindTag::LoadBalancer).is_empty());
}

#[test]
fn an_optional_size_is_set_by_typing_and_unset_by_emptying() {
    let users = &every_kind()[0];
    assert_eq!(params_object(users).get("static_kb"), Some(&Value::Null));
    let set = apply_raw(users, &path("static_kb"), &Raw::Number("250".into())).expect("set");
    assert!(matches!(
        set,
        NodeParams::Users { static_kb: Some(kb), .. } if kb == 250.0
    ));
    let unset = apply_raw(&set, &path("static_kb"), &Raw::Number(" ".into())).expect("unset");
    assert_eq!(&unset, users);
}

#[test]
fn model_index_matches_lowering_with_replicas_and_shards() {
    let design = Design::from_json(
        r#"{"version":1,"nodes":[
            {"id":"u","kind":"users","users":10,"rate_rps":1,"rtt_ms":1,"timeout_ms":1000},
            {"id":"db","kind":"database","replicas":3},
            {"id":"s","kind":"server","workers":1,"queue_capacity":1,"service_ms":1},
            {"id":"sh","kind":"sharded_database","shards":2,"spare_shards":1,"strategy":{"kind":"modulo"}},
            {"id":"c","kind":"cache","capacity":10}],
          "edges":[{"from":"u","to":"s"},{"from":"s","to":"c"},{"from":"c","to":"db"}]}"#,
    )
    .expect("fixture parses");
    let lowered = lower(&design, SimDuration::ZERO).expect("fixture lowers");
    for (i, node) in design.nodes.iter().enumerate() {
        let m = model_index(&design, i) as usize;
        assert_eq!(lowered.model.nodes[m].key, node.id);
    }
}

#[test]
fn region_indices_follow_the_design_order() {
    let mut design = Design::single_server();
    design.regions = vec![
        scalelab_design::RegionDoc {
            name: "us".into(),
            standby: None,
        },
        scalelab_design::RegionDoc {
            name: "eu".into(),
            standby: None,
        },
    ];
    assert_eq!(region_index(&design, ""), Some(0));
    assert_eq!(region_index(&design, "eu"), Some(1));
    assert_eq!(region_index(&design, "ap"), None);
}

#[test]
fn parse_number_and_ids() {
    assert_eq!(parse_number(" 5 ", false), Some(Value::from(5)));
    assert_eq!(parse_number("0.25", false), Some(Value::from(0.25)));
    assert_eq!(parse_number("3.0", true), Some(Value::from(3)));
    assert_eq!(parse_number("3.0", false), Some(Value::from(3.0)));
    assert_eq!(parse_number("inf", false), None);
    assert_eq!(input_id(&path("profile.at_s")), "field-profile-at_s");
    assert_eq!(round_2_digits(1234.0), 1200.0);
    assert_eq!(round_2_digits(0.0), 0.0);
}

//! Every node kind has a whole description (`kinds/`): its default node parses, lowers without a
//! problem and holds exactly the parameters its description lists, with bounds that take its
//! defaults; its connections are the ones lowering accepts.

use scalelab_design::kinds::{spec, variant_defaults, KindTag, ParamKind, Role};
use scalelab_design::lower::Problem;
use scalelab_design::{bounds, lower, Design, EdgeDoc, NodeDoc, NodeParams};
use scalelab_engine::SimDuration;
use serde_json::{Map, Value};

#[test]
fn every_kind_has_one_tag_one_name_and_one_description() {
    for (i, tag) in KindTag::ALL.into_iter().enumerate() {
        assert_eq!(
            spec(tag).tag,
            tag,
            "{tag}: the registry points at its own spec"
        );
        assert_eq!(KindTag::from_name(tag.as_str()), Some(tag));
        assert_eq!(tag.as_str().parse::<KindTag>(), Ok(tag));
        assert!(!KindTag::ALL[..i].contains(&tag), "{tag} listed twice");
        let params = spec(tag).default_params();
        assert_eq!(KindTag::of(&params), tag, "{tag}: defaults are of the kind");
        assert_eq!(params.kind_name(), tag.as_str());
    }
    assert!("gateway".parse::<KindTag>().is_err());
}

/// The numbers (and switches) of `value`, by path (`field`, `parent.field`), each with the
/// variant of its tagged parent, if any.
fn leaves(tag: KindTag, value: &Map<String, Value>) -> Vec<(String, Option<String>, Value)> {
    let mut out = Vec::new();
    for (name, v) in value {
        if name == "kind" {
            continue;
        }
        match v {
            Value::Object(inner) => {
                let tag_name = match spec(tag).param(name).map(|p| p.kind) {
                    Some(ParamKind::Tagged { tag, .. }) => tag,
                    other => panic!("{tag}.{name}: an object without a tagged spec: {other:?}"),
                };
                let variant = inner[tag_name].as_str().map(str::to_string);
                out.push((name.clone(), None, v.clone()));
                for (inner_name, inner_v) in inner {
                    if inner_name != tag_name {
                        let path = format!("{name}.{inner_name}");
                        out.push((path, variant.clone(), inner_v.clone()));
                    }
                }
            }
            _ => out.push((name.clone(), None, v.clone())),
        }
    }
    out
}

/// Checks the node's JSON against the kind's parameters, both ways; `variants` are the variants
/// of the tagged fields this JSON holds.
fn check_against_spec(tag: KindTag, params: &NodeParams) {
    let Ok(Value::Object(object)) = serde_json::to_value(params) else {
        panic!("{tag}: parameters serialise to an object");
    };
    let found = leaves(tag, &object);
    for (path, variant, value) in &found {
        let p = spec(tag)
            .param_in(path, variant.as_deref())
            .unwrap_or_else(|| panic!("{tag}.{path} ({variant:?}) has no ParamSpec"));
        match (p.kind, value) {
            (
                ParamKind::Number {
                    min,
                    max,
                    integer,
                    default,
                    ..
                },
                Value::Number(n),
            ) => {
                let x = n.as_f64().expect("finite");
                assert!(
                    min <= x && x <= max,
                    "{tag}.{path} = {x} outside {min}..={max}"
                );
                assert_eq!(x, default, "{tag}.{path}: the spec's default is the node's");
                assert_eq!(integer, n.is_u64(), "{tag}.{path}: integer or not");
                assert_eq!(bounds::range(tag.as_str(), path), Some((min, max)));
            }
            (ParamKind::Choice { options, default }, Value::String(s))
            | (
                ParamKind::Tagged {
                    options, default, ..
                },
                Value::String(s),
            ) => {
                assert!(options.contains(&s.as_str()), "{tag}.{path} = {s}");
                assert_eq!(s, default, "{tag}.{path}: default");
            }
            (
                ParamKind::Tagged {
                    default, tag: t, ..
                },
                Value::Object(o),
            ) => {
                assert!(variant.is_none());
                if o[t] != default {
                    // A switched variant: checked by the caller.
                    continue;
                }
            }
            (ParamKind::Flag { default }, Value::Bool(b)) => {
                assert_eq!(*b, default, "{tag}.{path}")
            }
            (ParamKind::Instance { default }, Value::String(s)) => {
                assert_eq!(s, default, "{tag}.{path}")
            }
            (ParamKind::Regions, Value::Array(_)) => {}
            (kind, value) => panic!("{tag}.{path}: spec {kind:?} but JSON {value}"),
        }
    }
    // Every parameter of the variants present is in the JSON (optional ones may be absent).
    let variant_of = |path: &str| {
        let parent = path.split_once('.').map(|(p, _)| p)?;
        let tag_name = match spec(tag).param(parent)?.kind {
            ParamKind::Tagged { tag, .. } => tag,
            _ => return None,
        };
        object
            .get(parent)?
            .get(tag_name)?
            .as_str()
            .map(str::to_string)
    };
    for p in spec(tag).params {
        let present = found.iter().any(|(path, _, _)| path == p.path);
        let expected = !p.optional
            && p.when
                .is_none_or(|w| variant_of(p.path).as_deref() == Some(w));
        if expected {
            assert!(present, "{tag}.{} is in the spec, not in the JSON", p.path);
        }
    }
}

#[test]
fn every_number_of_every_default_node_has_a_param_spec_and_back() {
    for tag in KindTag::ALL {
        let params = spec(tag).default_params();
        check_against_spec(tag, &params);
        // Each variant of each tagged field, from the variant's defaults.
        for p in spec(tag).params {
            let ParamKind::Tagged {
                tag: tag_name,
                options,
                ..
            } = p.kind
            else {
                continue;
            };
            for option in options {
                let mut value = serde_json::to_value(&params).expect("serialises");
                let mut inner = variant_defaults(tag, p.path, option);
                inner.insert(tag_name.to_string(), Value::String(option.to_string()));
                value[p.path] = Value::Object(inner);
                let switched: NodeParams = serde_json::from_value(value)
                    .unwrap_or_else(|e| panic!("{tag}.{} = {option}: {e}", p.path));
                let Ok(Value::Object(object)) = serde_json::to_value(&switched) else {
                    panic!("object");
                };
                for (path, variant, value) in leaves(tag, &object) {
                    if variant.as_deref() == Some(*option) {
                        let spec = spec(tag).param_in(&path, Some(option)).expect("listed");
                        if let (
                            ParamKind::Number {
                                min, max, default, ..
                            },
                            Some(x),
                        ) = (spec.kind, value.as_f64())
                        {
                            assert!(min <= x && x <= max, "{tag}.{path} in {option}");
                            assert_eq!(x, default, "{tag}.{path} in {option}");
                        }
                    }
                }
                check_against_spec(tag, &switched);
            }
        }
    }
}

/// Users → server, plus a node of `tag` where it belongs: in front of the server when it is an
/// entry, beside it when it is the edge, behind it otherwise.
fn minimal_design(tag: KindTag) -> Design {
    let node = |id: &str, tag: KindTag| NodeDoc {
        id: id.into(),
        x: 0.0,
        y: 0.0,
        region: String::new(),
        params: spec(tag).default_params(),
    };
    let edge = |from: &str, to: &str| EdgeDoc {
        from: from.into(),
        to: to.into(),
    };
    let mut design = Design::single_server();
    design.nodes = vec![node("users", KindTag::Users), node("web", KindTag::Server)];
    design.edges = vec![edge("users", "web")];
    if tag == KindTag::Users || tag == KindTag::Server {
        return design;
    }
    design.nodes.push(node("x", tag));
    match spec(tag).role {
        Role::Entry => design.edges = vec![edge("users", "x"), edge("x", "web")],
        Role::Cdn => design.edges.extend([edge("users", "x"), edge("x", "web")]),
        Role::Data | Role::Other => design.edges.push(edge("web", "x")),
    }
    design
}

#[test]
fn each_default_node_lowers_in_a_minimal_design_without_diagnostics() {
    for tag in KindTag::ALL {
        let design = minimal_design(tag);
        if let Err(diags) = lower(&design, SimDuration::ZERO) {
            panic!("{tag}: {diags:?}");
        }
    }
}

#[test]
fn lowering_accepts_exactly_the_connections_each_kind_lists() {
    for from in KindTag::ALL {
        for to in KindTag::ALL {
            let mut design = minimal_design(from);
            let source = if from == KindTag::Users {
                "users"
            } else if from == KindTag::Server {
                "web"
            } else {
                "x"
            };
            design.nodes.push(NodeDoc {
                id: "target".into(),
                x: 0.0,
                y: 0.0,
                region: String::new(),
                params: spec(to).default_params(),
            });
            design.edges.push(EdgeDoc {
                from: source.into(),
                to: "target".into(),
            });
            let refused = lower(&design, SimDuration::ZERO)
                .err()
                .unwrap_or_default()
                .into_iter()
                .any(|d| {
                    d.node.as_deref() == Some(source)
                        && d.problem == Problem::UnsupportedConnection { from, to }
                });
            assert_eq!(refused, !spec(from).may_call(to), "{from} → {to}");
        }
    }
}

#[test]
fn a_kind_that_needs_a_connection_names_the_kinds_it_may_have() {
    for tag in KindTag::ALL {
        let mut design = minimal_design(tag);
        let id = match tag {
            KindTag::Users => "users",
            KindTag::Server => "web",
            _ => "x",
        };
        design.edges.retain(|e| e.from != id);
        let missing: Vec<_> = lower(&design, SimDuration::ZERO)
            .err()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.node.as_deref() == Some(id))
            .filter_map(|d| match d.problem {
                Problem::MissingConnection { expected } => Some(expected),
                _ => None,
            })
            .collect();
        if spec(tag).required.is_empty() {
            assert!(missing.is_empty(), "{tag}: {missing:?}");
        } else {
            assert_eq!(missing, [spec(tag).required], "{tag}");
            assert!(spec(tag).required.iter().all(|r| spec(tag).may_call(*r)));
        }
    }
}

/// The bounds the inspector offers are lowering's: a value just outside them is refused, naming
/// the node and the field.
#[test]
fn a_number_just_outside_its_bounds_is_refused_by_lowering() {
    for tag in KindTag::ALL {
        for p in spec(tag).params.iter().filter(|p| p.when.is_none()) {
            let Some((min, max)) = p.range() else {
                continue;
            };
            // `spare_shards` is bounded with `shards`: its own upper bound is the sum's.
            for bad in [min - 1.0, max + 1.0] {
                if bad < 0.0 && p.is_integer() {
                    continue;
                }
                let mut design = minimal_design(tag);
                let index = design.nodes.len() - 1;
                let index = match tag {
                    KindTag::Users => 0,
                    KindTag::Server => 1,
                    _ => index,
                };
                let mut value = serde_json::to_value(&design.nodes[index].params).expect("json");
                value[p.path] = if p.is_integer() {
                    serde_json::json!(bad as u64)
                } else {
                    serde_json::json!(bad)
                };
                design.nodes[index].params = serde_json::from_value(value).expect("parses");
                let diags = lower(&design, SimDuration::ZERO).err().unwrap_or_default();
                assert!(
                    diags.iter().any(|d| d.field == Some(p.path)
                        && matches!(d.problem, Problem::OutOfRange { .. })),
                    "{tag}.{} = {bad}: {diags:?}",
                    p.path
                );
            }
        }
    }
}

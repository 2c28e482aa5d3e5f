//! The inspector's editing model, pure and tested natively: a node's parameters as JSON fields
//! (their order, switches and tagged variants), a typed value parsed and applied through serde,
//! the input bounds from the kind's description, the instance menus, and node and region indices
//! for faults.

use scalelab_design::kinds::{variant_defaults, KindTag, ParamKind};
use scalelab_design::{Design, NodeParams};
use serde_json::{Map, Number, Value};

/// The options of a switch field of a node of kind `kind`, if `path` is one (the JSON names of
/// the design crate's enum variants, in the order the chapter presents them).
pub fn switch_options(kind: KindTag, path: &str) -> Option<&'static [&'static str]> {
    match kind.spec().param(path)?.kind {
        ParamKind::Choice { options, .. } => Some(options),
        _ => None,
    }
}

/// The tag name and tags of a nested tagged enum of a node of kind `kind`, if `path` is one.
pub fn tagged(kind: KindTag, path: &str) -> Option<(&'static str, &'static [&'static str])> {
    match kind.spec().param(path)?.kind {
        ParamKind::Tagged { tag, options, .. } => Some((tag, options)),
        _ => None,
    }
}

/// The value of a nested enum after switching its tag to `tag`: the new variant's defaults (the
/// kind's description's, chosen to show the variant's effect in a few simulated minutes),
/// overridden by the old variant's fields of the same name (a spike keeps the step's `at_s`).
pub fn switch_tag(kind: KindTag, field: &str, old: &Value, tag: &str) -> Value {
    let tag_name = tagged(kind, field).map_or("kind", |(name, _)| name);
    let mut fields = variant_defaults(kind, field, tag);
    if let Some(old) = old.as_object() {
        for (name, value) in fields.iter_mut() {
            if let Some(kept) = old.get(name) {
                *value = kept.clone();
            }
        }
    }
    fields.insert(tag_name.to_string(), Value::String(tag.to_string()));
    Value::Object(fields)
}

/// The node's parameters as a JSON object without the `kind` tag, in the document's field order,
/// with the optional fields serde omits when empty put back.
pub fn params_object(params: &NodeParams) -> Map<String, Value> {
    let mut object = match serde_json::to_value(params) {
        Ok(Value::Object(object)) => object,
        _ => Map::new(),
    };
    object.remove("kind");
    for p in params.tag().spec().params.iter().filter(|p| p.optional) {
        if !object.contains_key(p.path) {
            let empty = match p.kind {
                ParamKind::Regions => Value::Array(Vec::new()),
                _ => Value::Null,
            };
            object.insert(p.path.to_string(), empty);
        }
    }
    object
}

/// An object's fields in the order of the kind's description (the document's order, the
/// chapter's switches next to the numbers they qualify; serde_json's map is sorted by name,
/// which would scatter them). `parent` is the nested object's field, if any. Fields this build
/// does not know come last, by name.
pub fn ordered<'a>(
    kind: KindTag,
    parent: Option<&str>,
    object: &'a Map<String, Value>,
) -> Vec<(&'a String, &'a Value)> {
    let params = kind.spec().params;
    let mut fields: Vec<(&String, &Value)> = object.iter().collect();
    fields.sort_by_key(|(name, _)| {
        params
            .iter()
            .position(|p| match parent {
                Some(parent) => {
                    p.path
                        .strip_prefix(parent)
                        .and_then(|rest| rest.strip_prefix('.'))
                        == Some(name.as_str())
                }
                None => p.path == name.as_str(),
            })
            .unwrap_or(params.len())
    });
    fields
}

/// Every editable path of an object (`a`, and `a.b` inside nested objects), in order.
pub fn field_paths(kind: KindTag, object: &Map<String, Value>) -> Vec<String> {
    let mut paths = Vec::new();
    for (name, value) in ordered(kind, None, object) {
        paths.push(name.clone());
        if let Value::Object(inner) = value {
            for (inner_name, _) in ordered(kind, Some(name), inner) {
                paths.push(format!("{name}.{inner_name}"));
            }
        }
    }
    paths
}

/// What the user did to one input, before it is turned into a JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// The text of a number input.
    Number(String),
    Bool(bool),
    /// The chosen option of a switch or of the instance list.
    Choice(String),
    Text(String),
    /// A comma-separated list of names.
    List(String),
    /// A new tag for the nested enum at the path.
    Tag(String),
}

/// Why an input's value was not applied.
#[derive(Debug, Clone, PartialEq)]
pub enum EditError {
    NotANumber,
    /// Serde refused the value; its message says why (in English).
    Refused(String),
}

/// Parses a number input. Integral text becomes a JSON integer (what `u32` fields need); for an
/// integer field, integral floats such as `1e3` do too. Non-finite numbers are not numbers.
pub fn parse_number(raw: &str, integer_field: bool) -> Option<Value> {
    let raw = raw.trim();
    if let Ok(i) = raw.parse::<i64>() {
        return Some(Value::Number(Number::from(i)));
    }
    let x = raw.parse::<f64>().ok().filter(|x| x.is_finite())?;
    if integer_field && x.fract() == 0.0 && x.abs() < 9.0e15 {
        return Some(Value::Number(Number::from(x as i64)));
    }
    Number::from_f64(x).map(Value::Number)
}

/// Whether the field at `path` of a node of kind `kind` is an optional number.
pub(super) fn optional_number(kind: KindTag, path: &[String]) -> bool {
    matches!(path, [name] if kind.spec().param(name).is_some_and(|p| {
        p.optional && matches!(p.kind, ParamKind::Number { .. })
    }))
}

/// Applies one input to the node's parameters through JSON. `path` is the field's path
/// (`["profile", "at_s"]`); for [`Raw::Tag`] it is the nested enum's field (`["profile"]`).
pub fn apply_raw(params: &NodeParams, path: &[String], raw: &Raw) -> Result<NodeParams, EditError> {
    let mut value = serde_json::to_value(params).map_err(|e| EditError::Refused(e.to_string()))?;
    let Some((last, parents)) = path.split_last() else {
        return Err(EditError::Refused("empty field path".into()));
    };
    let mut slot = &mut value;
    for name in parents {
        slot = slot
            .get_mut(name)
            .ok_or_else(|| EditError::Refused(format!("no field '{name}'")))?;
    }
    let object = slot
        .as_object_mut()
        .ok_or_else(|| EditError::Refused("not an object".into()))?;
    let current = object.get(last).cloned().unwrap_or(Value::Null);
    let kind = params.tag();
    if matches!(raw, Raw::Number(text) if text.trim().is_empty()) && optional_number(kind, path) {
        object.remove(last);
        return serde_json::from_value(value).map_err(|e| EditError::Refused(e.to_string()));
    }
    let new = match raw {
        Raw::Number(text) => {
            let integer = current.is_u64() || current.is_i64();
            parse_number(text, integer).ok_or(EditError::NotANumber)?
        }
        Raw::Bool(b) => Value::Bool(*b),
        Raw::Choice(s) | Raw::Text(s) => Value::String(s.clone()),
        Raw::List(s) => Value::Array(
            s.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_string()))
                .collect(),
        ),
        Raw::Tag(tag) => switch_tag(kind, &path.join("."), &current, tag),
    };
    object.insert(last.clone(), new);
    serde_json::from_value(value).map_err(|e| EditError::Refused(e.to_string()))
}

/// The engine's id of the document's node `index`. Lowering gives every replica and shard an id
/// of its own right after its node's, so ids shift past databases; this mirrors that numbering
/// (the test pins it to `lower`).
pub fn model_index(design: &Design, index: usize) -> u32 {
    // The design crate decides how design nodes expand into engine nodes.
    scalelab_design::lower::model_ids(design)
        .get(index)
        .copied()
        .unwrap_or(u32::MAX)
}

/// The engine's id of a region name: empty is the first region; `None` for an unknown name.
pub fn region_index(design: &Design, region: &str) -> Option<u16> {
    if region.is_empty() {
        return Some(0);
    }
    design
        .regions
        .iter()
        .position(|r| r.name == region)
        .map(|i| i as u16)
}

/// The id of a field's input element: `field-<name>`, nested `field-<parent>-<name>`.
pub fn input_id(path: &[String]) -> String {
    format!("field-{}", path.join("-"))
}

/// A readable number for an input's value: integers without a fraction, floats as Rust prints
/// them (shortest round-trip form).
pub(super) fn number_text(n: &Number) -> String {
    if let Some(u) = n.as_u64() {
        u.to_string()
    } else if let Some(i) = n.as_i64() {
        i.to_string()
    } else {
        n.as_f64().map(|f| f.to_string()).unwrap_or_default()
    }
}

/// min, max and step of a number input, from the parameter's description (the bounds lowering
/// checks, so the browser's spinner stays inside them; typing outside still works and shows
/// lowering's message). A number the description does not know is non-negative, whole when
/// `integer` (its JSON value is).
pub(super) fn bounds(
    kind: KindTag,
    path: &str,
    integer: bool,
) -> (Option<f64>, Option<f64>, String) {
    let param = kind.spec().param(path);
    let (min, max) = match param.and_then(|p| p.range()) {
        Some((min, max)) => (Some(min), Some(max)),
        None => (Some(0.0), None),
    };
    let integer = param.map_or(integer, |p| p.is_integer());
    let step = if integer {
        "1".to_string()
    } else if max == Some(1.0) && min == Some(0.0) {
        "0.05".to_string()
    } else if max == Some(1.0) {
        // Steps count from the minimum: 0.05 from 0.01 would make 0.7 a mismatch.
        "0.01".to_string()
    } else {
        "any".to_string()
    };
    (min, max, step)
}

/// The price-table prefixes of the instance types a node of kind `kind` runs on: EC2 for web
/// servers and queue consumers (a queue may also be an MSK broker), ElastiCache for caches and
/// session stores (a Redis-like store, by default on ElastiCache; or on EC2), RDS for databases
/// and shards.
pub fn instance_prefixes(kind: KindTag) -> &'static [&'static str] {
    match kind {
        KindTag::Server | KindTag::ApiGateway => &["ec2_"],
        KindTag::SessionStore => &["elasticache_", "ec2_"],
        KindTag::Queue => &["ec2_", "msk_"],
        KindTag::Cache => &["elasticache_"],
        KindTag::Database | KindTag::ShardedDatabase => &["rds_"],
        // Managed services billed by use, not by instance.
        KindTag::Users | KindTag::Dns | KindTag::Cdn | KindTag::LoadBalancer | KindTag::Waf => &[],
    }
}

/// The instance types a node of kind `kind` can run on, from the price table (rows with vCPUs
/// and memory only), each with its vCPUs, memory and hourly price.
pub fn instance_options(kind: KindTag) -> Vec<(String, String)> {
    use scalelab_engine::prices::{instance_shape, PriceUnit, PRICE_TABLE};
    let prefixes = instance_prefixes(kind);
    PRICE_TABLE
        .iter()
        .filter(|p| p.unit == PriceUnit::PerHour && prefixes.iter().any(|x| p.id.starts_with(x)))
        .filter_map(|p| {
            let shape = instance_shape(p.id)?;
            // The description's own "(2 vCPU, 1 GiB)" is replaced by the shape the model uses.
            let name = p.description.split(" (").next().unwrap_or(p.description);
            Some((
                p.id.to_string(),
                format!(
                    "{name} · {} vCPU · {} GiB · ${}/h",
                    shape.vcpus, shape.memory_gib, p.usd
                ),
            ))
        })
        .collect()
}

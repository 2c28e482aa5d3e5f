//! The inspector: every parameter of the selected node with its unit and inline validation, the
//! node's fault buttons, and (from `theory`) the queueing or cache theory next to what the
//! simulation measured.
//!
//! Parameters are edited generically through the node's JSON, so a field the engine gains later
//! appears here without code (under its raw name) until it gets a label in `i18n/inspector.rs`.
//! Serde decides what is a well-formed value; lowering decides what is simulable. A value serde
//! refuses stays in the input with its message and is not emitted; a value lowering refuses is
//! emitted, kept in the design, and its diagnostic is shown next to the field.

use crate::fields::DraftInput;
use crate::i18n::inspector::{field_hint, field_text, option_text, problem_text, text, Text};
use crate::i18n::Lang;
use crate::state::NodeEdit;
use crate::theory::{arrival_rate, cache_inputs, expected_hit_ratio, round_2_digits, theory_view};
use scalelab_design::kinds::{variant_defaults, KindTag, ParamKind};
use scalelab_design::{lower, Design, Diagnostic, NodeParams};
use scalelab_engine::analytic;
use scalelab_engine::{Command, NodeStats, SimDuration, WindowStats};
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub design: Design,
    /// The selected node's id, if one node is selected.
    pub selected: Option<String>,
    pub lang: Lang,
    /// The latest closed window, for measured values and theory beside them.
    pub latest: Option<WindowStats>,
    /// Every edit of the selected node goes through this.
    pub on_edit: Callback<NodeEdit>,
    /// Live faults for the selected node (kill / restore / slow) and data-centre faults.
    pub on_command: Callback<Command>,
}

// ---------------------------------------------------------------------------------------------
// Pure logic: JSON field editing, switches, node indices and theory inputs. Tested natively.
// ---------------------------------------------------------------------------------------------

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
fn optional_number(kind: KindTag, path: &[String]) -> bool {
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
fn number_text(n: &Number) -> String {
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
fn bounds(kind: KindTag, path: &str, integer: bool) -> (Option<f64>, Option<f64>, String) {
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

// ---------------------------------------------------------------------------------------------
// The component.
// ---------------------------------------------------------------------------------------------

/// Inputs whose value was refused, kept so the input shows what was typed and why it was refused.
#[derive(Debug, Clone, Default, PartialEq)]
struct Drafts {
    /// The node the drafts belong to; drafts of another node are ignored.
    node: String,
    /// Path key (`profile.at_s`, or `id`) → (text typed, message).
    entries: BTreeMap<String, (String, String)>,
}

impl Drafts {
    fn get(&self, node: &str, key: &str) -> Option<&(String, String)> {
        (self.node == node).then(|| self.entries.get(key)).flatten()
    }
    fn with(&self, node: &str, key: &str, draft: Option<(String, String)>) -> Drafts {
        let mut next = if self.node == node {
            self.clone()
        } else {
            Drafts {
                node: node.to_string(),
                entries: BTreeMap::new(),
            }
        };
        match draft {
            Some(d) => {
                next.entries.insert(key.to_string(), d);
            }
            None => {
                next.entries.remove(key);
            }
        }
        next
    }
}

/// Everything the field renderers share.
struct Ctx<'a> {
    lang: Lang,
    kind: KindTag,
    node: &'a str,
    diags: &'a [Diagnostic],
    drafts: &'a Drafts,
    on_field: Callback<(Vec<String>, Raw)>,
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let lang = props.lang;
    let drafts = use_state(Drafts::default);
    // Lowering the whole design is cheap but not free: redo it only when the design changes.
    let diagnostics = use_memo(props.design.clone(), |design| {
        lower(design, SimDuration::ZERO).err().unwrap_or_default()
    });
    let selected = props
        .selected
        .as_deref()
        .and_then(|id| props.design.nodes.iter().position(|n| n.id == id));
    let node = selected.map(|i| &props.design.nodes[i]);

    // Cache theory. The Zipf vector has up to a million entries, and solving for Che's
    // characteristic time walks it a hundred times: both are memoised on their inputs only.
    let cache = node.and_then(|n| cache_inputs(&props.design, &n.params));
    let pmf_cache = use_mut_ref(|| None::<((u32, u64), Rc<Vec<f64>>)>);
    let probs_for = {
        let pmf_cache = pmf_cache.clone();
        move |items: u32, alpha: f64| -> Option<Rc<Vec<f64>>> {
            let key = (items, alpha.to_bits());
            if let Some((k, probs)) = pmf_cache.borrow().as_ref() {
                if *k == key {
                    return Some(probs.clone());
                }
            }
            let probs = Rc::new(analytic::zipf_pmf(items as usize, alpha)?);
            *pmf_cache.borrow_mut() = Some((key, probs.clone()));
            Some(probs)
        }
    };
    let capacity_hit = {
        let probs_for = probs_for.clone();
        use_memo(
            cache.map(|c| (c.items, c.alpha.to_bits(), c.capacity, c.eviction)),
            move |deps| {
                let (items, alpha, capacity, eviction) = (*deps)?;
                let probs = probs_for(items, f64::from_bits(alpha))?;
                expected_hit_ratio(&probs, capacity, eviction)
            },
        )
    };
    // The TTL law needs the request rate, which changes every window: round it to two
    // significant digits so the O(N) sum reruns only when the rate really moves.
    let lookup_rate = selected.zip(props.latest.as_ref()).and_then(|(i, w)| {
        let model_id = model_index(&props.design, i);
        let stats = w.nodes.iter().find(|s| s.id == model_id)?;
        Some(round_2_digits(arrival_rate(stats, w.len_s)))
    });
    let ttl_hit = use_memo(
        cache
            .filter(|c| c.ttl_s > 0.0)
            .zip(lookup_rate)
            .map(|(c, rate)| {
                (
                    c.items,
                    c.alpha.to_bits(),
                    c.ttl_s.to_bits(),
                    c.ttl_reset,
                    rate.to_bits(),
                )
            }),
        move |deps| {
            let (items, alpha, ttl, reset, rate) = (*deps)?;
            let probs = probs_for(items, f64::from_bits(alpha))?;
            analytic::ttl_cache_hit_ratio(&probs, f64::from_bits(rate), f64::from_bits(ttl), reset)
        },
    );

    let (Some(index), Some(node)) = (selected, node) else {
        return html! {
            <section id="inspector" class="inspector" aria-label={text(lang, Text::Panel)}>
                <h2>{ text(lang, Text::Panel) }</h2>
                <p class="inspector-hint">{ text(lang, Text::SelectHint) }</p>
            </section>
        };
    };

    let id = node.id.clone();
    let kind = node.params.tag();
    let node_diags: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.node.as_deref() == Some(id.as_str()))
        .cloned()
        .collect();

    // One handler for every parameter input: apply through JSON, emit or keep as a draft.
    let on_field = {
        let params = node.params.clone();
        let id = id.clone();
        let drafts = drafts.clone();
        let on_edit = props.on_edit.clone();
        Callback::from(move |(path, raw): (Vec<String>, Raw)| {
            let key = path.join(".");
            match apply_raw(&params, &path, &raw) {
                Ok(params) => {
                    drafts.set(drafts.with(&id, &key, None));
                    on_edit.emit(NodeEdit::Params {
                        id: id.clone(),
                        params,
                    });
                }
                Err(err) => {
                    let typed = match &raw {
                        Raw::Number(s) | Raw::Text(s) | Raw::List(s) | Raw::Choice(s) => s.clone(),
                        Raw::Bool(b) => b.to_string(),
                        Raw::Tag(t) => t.clone(),
                    };
                    let message = match err {
                        EditError::NotANumber => text(lang, Text::NotANumber).to_string(),
                        EditError::Refused(why) => match lang {
                            Lang::En => why,
                            Lang::Ko => format!("{}: {why}", text(lang, Text::Refused)),
                        },
                    };
                    drafts.set(drafts.with(&id, &key, Some((typed, message))));
                }
            }
        })
    };

    let ctx = Ctx {
        lang,
        kind,
        node: &id,
        diags: &node_diags,
        drafts: &drafts,
        on_field,
    };
    let object = params_object(&node.params);
    let mut shown: Vec<String> = field_paths(kind, &object);
    shown.push("id".into());
    shown.push("region".into());
    let others: Vec<&Diagnostic> = node_diags
        .iter()
        .filter(|d| !d.field.is_some_and(|f| shown.iter().any(|s| s == f)))
        .collect();

    let model_id = model_index(&props.design, index);
    let stats = props
        .latest
        .as_ref()
        .and_then(|w| w.nodes.iter().find(|s| s.id == model_id));
    let len_s = props.latest.as_ref().map_or(0.0, |w| w.len_s);

    html! {
        <section id="inspector" class="inspector" aria-label={text(lang, Text::Panel)}
            data-node={id.clone()} data-kind={kind.as_str()}>
            <h2>{ text(lang, Text::Panel) }{ " · " }<span class="inspector-kind">
                { crate::i18n::kinds::kind_name(node.params.tag(), lang) }</span></h2>
            { id_field(&ctx, &props.design, props.on_edit.clone(), drafts.clone()) }
            { region_field(&ctx, &props.design, &node.region, props.on_edit.clone()) }
            <fieldset class="inspector-params">
                <legend>{ text(lang, Text::Parameters) }</legend>
                { for ordered(kind, None, &object).into_iter().map(|(name, value)| field_view(&ctx, vec![name.clone()], value)) }
            </fieldset>
            { notes_view(lang, &node.params) }
            if !others.is_empty() {
                <div class="inspector-problems" role="alert">
                    <strong>{ text(lang, Text::ProblemsElsewhere) }</strong>
                    <ul>{ for others.iter().map(|d| html! {
                        <li data-field={d.field.unwrap_or_default()}>{ problem_text(lang, &d.problem) }</li>
                    }) }</ul>
                </div>
            }
            { faults_view(lang, &props.design, node, model_id, stats, props.on_command.clone()) }
            { theory_view(lang, &props.design, &node.params, stats, len_s, cache, *capacity_hit, *ttl_hit) }
        </section>
    }
}

/// The explanations of what this node's settings do that a learner may not expect.
fn notes_view(lang: Lang, params: &NodeParams) -> Html {
    let notes = crate::notes::notes(params);
    if notes.is_empty() {
        return Html::default();
    }
    html! {
        <aside class="inspector-notes" aria-label={text(lang, Text::Notes)}>
            { for notes.into_iter().map(|note| html! {
                <p class="inspector-note">{ crate::i18n::notes::note_text(lang, note) }</p>
            }) }
        </aside>
    }
}

/// The messages shown under a field: lowering's diagnostics for it, then a refused draft's.
fn messages(ctx: &Ctx, key: &str, id: &str) -> (Html, bool) {
    let mut items: Vec<String> = ctx
        .diags
        .iter()
        .filter(|d| d.field == Some(key))
        .map(|d| problem_text(ctx.lang, &d.problem))
        .collect();
    if let Some((_, message)) = ctx.drafts.get(ctx.node, key) {
        items.push(message.clone());
    }
    if items.is_empty() {
        return (html! {}, false);
    }
    let html = html! {
        <ul class="field-problems" id={format!("{id}-problems")} role="alert">
            { for items.into_iter().map(|m| html! { <li>{ m }</li> }) }
        </ul>
    };
    (html, true)
}

/// A field's label text with its unit, e.g. "Mean service time (ms)"; the raw name for a field
/// this build has no text for.
fn label_text(lang: Lang, kind: KindTag, key: &str) -> String {
    match field_text(lang, kind, key) {
        Some(t) if t.unit.is_empty() => t.label.to_string(),
        Some(t) => format!("{} ({})", t.label, t.unit),
        None => key.rsplit('.').next().unwrap_or(key).to_string(),
    }
}

fn field_view(ctx: &Ctx, path: Vec<String>, value: &Value) -> Html {
    let key = path.join(".");
    let id = input_id(&path);
    let label = label_text(ctx.lang, ctx.kind, &key);
    let hint = field_hint(ctx.lang, ctx.kind, &key);
    let hint_id = format!("{id}-hint");
    let (problems, invalid) = messages(ctx, &key, &id);
    let described = match (hint.is_some(), invalid) {
        (true, true) => Some(format!("{hint_id} {id}-problems")),
        (true, false) => Some(hint_id.clone()),
        (false, true) => Some(format!("{id}-problems")),
        (false, false) => None,
    };
    let draft = ctx
        .drafts
        .get(ctx.node, &key)
        .map(|(typed, _)| typed.clone());
    let emit = |make: fn(String) -> Raw| {
        let on_field = ctx.on_field.clone();
        let path = path.clone();
        move |s: String| on_field.emit((path.clone(), make(s)))
    };
    let hint_html = hint.map_or(
        html! {},
        |h| html! { <p class="field-hint" id={hint_id.clone()}>{ h }</p> },
    );
    let input = match value {
        Value::Bool(b) => {
            let on_field = ctx.on_field.clone();
            let path = path.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                on_field.emit((path.clone(), Raw::Bool(input.checked())));
            });
            return html! {
                <div class="field field-bool" data-field={key.clone()}>
                    <input type="checkbox" id={id.clone()} checked={*b} {onchange}
                        aria-invalid={invalid.to_string()} aria-describedby={described} />
                    <label for={id}>{ label }</label>
                    { hint_html }
                    { problems }
                </div>
            };
        }
        Value::Number(n) => {
            let integer = n.is_u64() || n.is_i64();
            let (min, max, step) = bounds(ctx.kind, &key, integer);
            let emit = emit(Raw::Number);
            html! {
                <DraftInput kind="number" id={id.clone()} value={draft.unwrap_or_else(|| number_text(n))}
                    min={min.map(|m| AttrValue::from(m.to_string()))} max={max.map(|m| AttrValue::from(m.to_string()))}
                    step={Some(AttrValue::from(step.to_string()))}
                    inputmode={Some(AttrValue::Static(if integer { "numeric" } else { "decimal" }))}
                    on_commit={Callback::from(emit)} {invalid} described_by={described.map(AttrValue::from)} />
            }
        }
        Value::String(current) if key == "instance" || switch_options(ctx.kind, &key).is_some() => {
            let options: Vec<(String, String)> = if key == "instance" {
                instance_options(ctx.kind)
            } else {
                switch_options(ctx.kind, &key)
                    .unwrap_or_default()
                    .iter()
                    .map(|o| {
                        let name = option_text(ctx.lang, &key, o).unwrap_or(o);
                        (o.to_string(), name.to_string())
                    })
                    .collect()
            };
            select_view(&id, current, options, emit(Raw::Choice), invalid, described)
        }
        Value::String(current) => {
            let emit = emit(Raw::Text);
            html! {
                <DraftInput id={id.clone()} value={draft.unwrap_or_else(|| current.clone())}
                    on_commit={Callback::from(emit)} {invalid} described_by={described.map(AttrValue::from)} />
            }
        }
        Value::Array(items) => {
            let shown = items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let emit = emit(Raw::List);
            html! {
                <DraftInput id={id.clone()} value={draft.unwrap_or(shown)}
                    on_commit={Callback::from(emit)} {invalid} described_by={described.map(AttrValue::from)} />
            }
        }
        Value::Object(inner) => {
            return nested_view(ctx, path, inner, label, hint_html, problems, invalid);
        }
        Value::Null if optional_number(ctx.kind, &path) => {
            let (min, max, step) = bounds(ctx.kind, &key, false);
            let emit = emit(Raw::Number);
            html! {
                <DraftInput kind="number" id={id.clone()} value={draft.unwrap_or_default()}
                    min={min.map(|m| AttrValue::from(m.to_string()))} max={max.map(|m| AttrValue::from(m.to_string()))}
                    step={Some(AttrValue::from(step))} inputmode={Some(AttrValue::Static("decimal"))}
                    on_commit={Callback::from(emit)} {invalid} described_by={described.map(AttrValue::from)} />
            }
        }
        Value::Null => {
            let emit = emit(Raw::Text);
            html! { <DraftInput id={id.clone()} value={draft.unwrap_or_default()} on_commit={Callback::from(emit)} /> }
        }
    };
    html! {
        <div class="field" data-field={key}>
            <label for={id}>{ label }</label>
            { input }
            { hint_html }
            { problems }
        </div>
    }
}

/// A nested enum (`profile`, `strategy`): a select for its tag, then inputs for its fields.
fn nested_view(
    ctx: &Ctx,
    path: Vec<String>,
    inner: &Map<String, Value>,
    legend: String,
    hint: Html,
    problems: Html,
    invalid: bool,
) -> Html {
    let key = path.join(".");
    let tag = tagged(ctx.kind, &key);
    let tag_select = tag.map(|(tag_name, tags)| {
        let mut tag_path = path.clone();
        tag_path.push(tag_name.to_string());
        let id = input_id(&tag_path);
        let tag_key = tag_path.join(".");
        let current = inner
            .get(tag_name)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let options = tags
            .iter()
            .map(|t| {
                let name = option_text(ctx.lang, &tag_key, t).unwrap_or(t);
                (t.to_string(), name.to_string())
            })
            .collect();
        let on_field = ctx.on_field.clone();
        let parent = path.clone();
        let emit = move |t: String| on_field.emit((parent.clone(), Raw::Tag(t)));
        html! {
            <div class="field" data-field={tag_key.clone()}>
                <label for={id.clone()}>{ label_text(ctx.lang, ctx.kind, &tag_key) }</label>
                { select_view(&id, current, options, emit, invalid, None) }
            </div>
        }
    });
    let tag_name = tag.map(|(name, _)| name);
    html! {
        <fieldset class="field-group" data-field={key.clone()} aria-invalid={invalid.to_string()}>
            <legend>{ legend }</legend>
            { tag_select.unwrap_or_default() }
            { for ordered(ctx.kind, Some(&key), inner).into_iter().filter(|(name, _)| Some(name.as_str()) != tag_name).map(|(name, value)| {
                let mut p = path.clone();
                p.push(name.clone());
                field_view(ctx, p, value)
            }) }
            { hint }
            { problems }
        </fieldset>
    }
}

fn select_view(
    id: &str,
    current: &str,
    mut options: Vec<(String, String)>,
    emit: impl Fn(String) + 'static,
    invalid: bool,
    described: Option<String>,
) -> Html {
    // A value this build does not list (an older or newer document) stays visible and selected.
    if !options.iter().any(|(value, _)| value == current) {
        options.push((current.to_string(), current.to_string()));
    }
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        emit(select.value());
    });
    html! {
        <select id={id.to_string()} {onchange} aria-invalid={invalid.to_string()} aria-describedby={described}>
            { for options.into_iter().map(|(value, name)| {
                let selected = value == current;
                html! { <option {selected} {value}>{ name }</option> }
            }) }
        </select>
    }
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

/// The id input: renames are refused here when empty or taken, so the selection stays unique.
fn id_field(
    ctx: &Ctx,
    design: &Design,
    on_edit: Callback<NodeEdit>,
    drafts: UseStateHandle<Drafts>,
) -> Html {
    let lang = ctx.lang;
    let old = ctx.node.to_string();
    let taken: Vec<String> = design
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .filter(|i| *i != old)
        .collect();
    let on_commit = Callback::from(move |new_id: String| {
        let refusal = if new_id.trim().is_empty() {
            Some(Text::IdEmpty)
        } else if taken.contains(&new_id) {
            Some(Text::IdTaken)
        } else {
            None
        };
        match refusal {
            Some(why) => {
                drafts.set(drafts.with(&old, "id", Some((new_id, text(lang, why).into()))))
            }
            None => {
                drafts.set(drafts.with(&old, "id", None));
                if new_id != old {
                    on_edit.emit(NodeEdit::Rename {
                        id: old.clone(),
                        new_id,
                    });
                }
            }
        }
    });
    let (problems, invalid) = messages(ctx, "id", "field-id");
    let value = ctx
        .drafts
        .get(ctx.node, "id")
        .map_or_else(|| ctx.node.to_string(), |(typed, _)| typed.clone());
    html! {
        <div class="field" data-field="id">
            <label for="field-id">{ text(lang, Text::Id) }</label>
            <DraftInput id="field-id" {value} {on_commit} {invalid}
                described_by={invalid.then_some(AttrValue::Static("field-id-problems"))} />
            { problems }
        </div>
    }
}

/// The data-centre select: the default region and every region of the design.
fn region_field(ctx: &Ctx, design: &Design, current: &str, on_edit: Callback<NodeEdit>) -> Html {
    let lang = ctx.lang;
    let mut options: Vec<(String, String)> =
        vec![(String::new(), text(lang, Text::DefaultRegion).to_string())];
    options.extend(
        design
            .regions
            .iter()
            .map(|r| (r.name.clone(), r.name.clone())),
    );
    let id = ctx.node.to_string();
    let emit = {
        let on_edit = on_edit.clone();
        move |region: String| {
            on_edit.emit(NodeEdit::Region {
                id: id.clone(),
                region,
            })
        }
    };
    let (problems, invalid) = messages(ctx, "region", "field-region");
    let described = invalid.then(|| "field-region-problems".to_string());
    html! {
        <div class="field" data-field="region">
            <label for="field-region">{ text(lang, Text::Region) }</label>
            { select_view("field-region", current, options, emit, invalid, described) }
            { problems }
            { standby_fields(lang, design, current, on_edit) }
        </div>
    }
}

/// The node's data centre as a disaster-recovery standby: the data centre it stands in for
/// (none: it serves as usual) and how much of it runs while it waits.
fn standby_fields(lang: Lang, design: &Design, region: &str, on_edit: Callback<NodeEdit>) -> Html {
    let Some(this) = design.regions.iter().find(|r| r.name == region) else {
        return Html::default();
    };
    // Only a data centre that is no standby itself can be a primary.
    let mut options = vec![(String::new(), text(lang, Text::NoStandby).to_string())];
    options.extend(
        design
            .regions
            .iter()
            .filter(|r| r.name != region && r.standby.is_none())
            .map(|r| (r.name.clone(), r.name.clone())),
    );
    let current = this
        .standby
        .as_ref()
        .map_or(String::new(), |s| s.primary.clone());
    let set_primary = {
        let (on_edit, region, old) = (on_edit.clone(), region.to_string(), this.standby.clone());
        move |primary: String| {
            let standby = if primary.is_empty() {
                None
            } else if let Some(mut s) = old.clone() {
                s.primary = primary;
                Some(s)
            } else {
                // The documented defaults, as a new document's `{"for": …}` reads.
                serde_json::from_value(serde_json::json!({ "for": primary })).ok()
            };
            on_edit.emit(NodeEdit::Standby {
                region: region.clone(),
                standby,
            });
        }
    };
    let mode = this.standby.as_ref().map(|standby| {
        let current = serde_json::to_value(standby.mode)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let options = ["hot", "warm", "cold"]
            .iter()
            .map(|m| {
                let name = option_text(lang, "standby.mode", m).unwrap_or(m);
                (m.to_string(), name.to_string())
            })
            .collect();
        let set_mode = {
            let (on_edit, region, old) = (on_edit.clone(), region.to_string(), standby.clone());
            move |mode: String| {
                let mut s = old.clone();
                if let Ok(mode) = serde_json::from_value(Value::String(mode)) {
                    s.mode = mode;
                }
                on_edit.emit(NodeEdit::Standby {
                    region: region.clone(),
                    standby: Some(s),
                });
            }
        };
        html! {
            <>
                <label for="field-standby-mode">{ text(lang, Text::StandbyMode) }</label>
                { select_view("field-standby-mode", &current, options, set_mode, false, None) }
            </>
        }
    });
    html! {
        <>
            <label for="field-standby">{ text(lang, Text::StandbyFor) }</label>
            { select_view("field-standby", &current, options, set_primary, false, None) }
            { for mode }
        </>
    }
}

fn faults_view(
    lang: Lang,
    design: &Design,
    node: &scalelab_design::NodeDoc,
    model_id: u32,
    stats: Option<&NodeStats>,
    on_command: Callback<Command>,
) -> Html {
    let up = stats.is_none_or(|s| s.up);
    let send = |command: Command| {
        let on_command = on_command.clone();
        Callback::from(move |_: MouseEvent| on_command.emit(command))
    };
    let region = (!design.regions.is_empty())
        .then(|| region_index(design, &node.region))
        .flatten();
    let region_name = if node.region.is_empty() {
        design
            .regions
            .first()
            .map(|r| r.name.clone())
            .unwrap_or_default()
    } else {
        node.region.clone()
    };
    html! {
        <fieldset class="inspector-faults">
            <legend>{ text(lang, Text::Faults) }</legend>
            if up {
                <button id="node-kill" class="fault" onclick={send(Command::Kill { node: model_id })}>
                    { text(lang, Text::Kill) }</button>
            } else {
                <button id="node-restore" onclick={send(Command::Restore { node: model_id })}>
                    { text(lang, Text::Restore) }</button>
            }
            <button id="node-slow" class="fault" onclick={send(Command::Slow { node: model_id, factor: 4.0 })}>
                { text(lang, Text::Slow) }</button>
            <button id="node-normal" onclick={send(Command::Slow { node: model_id, factor: 1.0 })}>
                { text(lang, Text::Normal) }</button>
            if let Some(region) = region {
                <button id="region-kill" class="fault" onclick={send(Command::KillRegion { region })}>
                    { format!("{} ({region_name})", text(lang, Text::KillRegion)) }</button>
                <button id="region-restore" onclick={send(Command::RestoreRegion { region })}>
                    { format!("{} ({region_name})", text(lang, Text::RestoreRegion)) }</button>
            }
        </fieldset>
    }
}

#[cfg(test)]
pub(crate) mod tests {
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
            params
                .push(apply_raw(&params[0], &path("profile"), &Raw::Tag(tag.into())).expect("tag"));
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
            let Some(Value::String(default)) = params_object(&params).get("instance").cloned()
            else {
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
}

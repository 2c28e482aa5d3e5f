//! The inspector: every parameter of the selected node with its unit and inline validation, the
//! node's fault buttons, and (from `theory`) the queueing or cache theory next to what the
//! simulation measured.
//!
//! Parameters are edited generically through the node's JSON, so a field the engine gains later
//! appears here without code (under its raw name) until it gets a label in `i18n/inspector.rs`.
//! Serde decides what is a well-formed value; lowering decides what is simulable. A value serde
//! refuses stays in the input with its message and is not emitted; a value lowering refuses is
//! emitted, kept in the design, and its diagnostic is shown next to the field.
//!
//! `edit` is the editing model (pure); this file is the component and its views.

mod edit;
#[cfg(test)]
pub(crate) mod tests;

pub use edit::*;

use crate::fields::DraftInput;
use crate::i18n::inspector::{field_hint, field_text, option_text, problem_text, text, Text};
use crate::i18n::Lang;
use crate::state::NodeEdit;
use crate::theory::{arrival_rate, cache_inputs, expected_hit_ratio, round_2_digits, theory_view};
use scalelab_design::kinds::KindTag;
use scalelab_design::{lower, Design, Diagnostic, NodeParams};
use scalelab_engine::analytic;
use scalelab_engine::{Command, NodeStats, SimDuration, WindowStats};
use serde_json::{Map, Value};
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

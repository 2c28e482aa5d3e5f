//! The editable architecture canvas (SVG): nodes where the design places them, connections with
//! ports, data-centre frames, live load colours, badges and moving requests (`flow.rs`). DOM
//! events are translated into [`editor::Input`]s; the gesture state machine decides, the reducer
//! edits. Every text is at least `editor::MIN_FONT` world units and fitted to its room, so at
//! the default zoom none is under 12 CSS px and none runs into another or into a port.

use crate::editor::{self, Camera, Gesture, Input, Pt};
use crate::flow::EdgeFlow;
use crate::i18n::screen::{text as screen_text, Text as ScreenText};
use crate::i18n::{t, Key, Lang};
use crate::state::{Action, AppState, NODE_H, NODE_W};
use scalelab_design::document::{AutoscaleDoc, RateLimitDoc};
use scalelab_design::{Design, NodeParams};
use scalelab_engine::WindowStats;
use wasm_bindgen::JsCast;
use web_sys::{Element, PointerEvent};
use yew::prelude::*;

/// The drag payload type that carries a palette kind onto the canvas.
pub const DRAG_KIND: &str = "application/x-scalelab-kind";

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub design: Design,
    pub selection: Vec<String>,
    pub selected_edge: Option<usize>,
    pub camera: Camera,
    pub latest: Option<WindowStats>,
    pub running: bool,
    pub lang: Lang,
    pub connect_from: Option<String>,
    pub dispatch: UseReducerDispatcher<AppState>,
}

/// Utilisation to a class of a colour-blind-safe sequential scale (light blue → dark red).
fn load_class(utilization: f64) -> &'static str {
    match utilization {
        u if u >= 0.95 => "load-4",
        u if u >= 0.8 => "load-3",
        u if u >= 0.5 => "load-2",
        u if u > 0.0 => "load-1",
        _ => "load-0",
    }
}

/// The pointer's position relative to the SVG element, in pixels.
fn screen_point(svg: &NodeRef, x: i32, y: i32) -> Pt {
    svg.cast::<Element>().map_or(Pt::default(), |el| {
        let rect = el.get_bounding_client_rect();
        Pt::new(x as f64 - rect.left(), y as f64 - rect.top())
    })
}

/// The node whose box contains a world point (the topmost, drawn last, wins).
fn node_at(design: &Design, at: Pt) -> Option<String> {
    design
        .nodes
        .iter()
        .rev()
        .find(|n| at.x >= n.x && at.x <= n.x + NODE_W + 10.0 && at.y >= n.y && at.y <= n.y + NODE_H)
        .map(|n| n.id.clone())
}

/// The value of `attribute` on the event target or its nearest ancestor that has it.
fn closest_attribute(event: &PointerEvent, attribute: &str) -> Option<String> {
    let target: Element = event.target()?.dyn_into().ok()?;
    target
        .closest(&format!("[{attribute}]"))
        .ok()??
        .get_attribute(attribute)
}

/// Estimated width of `text` at `font` px: generous per character (wide Latin letters, full
/// width for Hangul and other wide scripts), so a text that fits by this estimate fits drawn.
pub fn text_width(text: &str, font: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | '·' => 0.32,
            'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 0.42,
            'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.9,
            c if c.is_ascii_uppercase() || c.is_ascii_digit() => 0.64,
            c if c.is_ascii() => 0.57,
            _ => 1.0,
        })
        .sum();
    em * font * if bold { 1.08 } else { 1.0 }
}

/// `text` cut with an ellipsis to fit `width` at `font` px.
pub fn fit_text(text: &str, width: f64, font: f64, bold: bool) -> String {
    if text_width(text, font, bold) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if text_width(&out, font, bold) + text_width("…", font, bold) > width {
            out.pop();
            break;
        }
    }
    format!("{}…", out.trim_end())
}

/// Font sizes and baselines of a node's drawing, in world units (see `editor::MIN_FONT`).
const KIND_FONT: f64 = 17.0;
const TEXT_FONT: f64 = 16.0;
/// Text stays left of the port circle at the node's right edge.
const TEXT_RIGHT: f64 = NODE_W - 12.0;

/// Two fingers on the canvas: where they started and the view then.
#[derive(Clone, Copy)]
struct Pinch {
    distance: f64,
    middle: Pt,
    camera: Camera,
}

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

#[function_component(Canvas)]
pub fn canvas(props: &CanvasProps) -> Html {
    let svg = use_node_ref();
    let gesture = use_state(|| Gesture::Idle);
    let lang = props.lang;
    let camera = props.camera;

    let feed = {
        let gesture = gesture.clone();
        let dispatch = props.dispatch.clone();
        let selection = props.selection.clone();
        move |input: Input| {
            let (next, effects) = editor::step(&gesture, input, &selection, camera);
            gesture.set(next);
            if !effects.is_empty() {
                dispatch.dispatch(Action::Editor(effects));
            }
        }
    };
    // Touch points down on the canvas, and the pinch they make when there are two.
    let touches = use_mut_ref(Vec::<(i32, Pt)>::new);
    let pinch = use_mut_ref(|| None::<Pinch>);
    let motion = use_state(|| !reduced_motion());
    let onpointerdown = {
        let feed = feed.clone();
        let svg = svg.clone();
        let dispatch = props.dispatch.clone();
        let touches = touches.clone();
        let pinch = pinch.clone();
        Callback::from(move |e: PointerEvent| {
            let screen = screen_point(&svg, e.client_x(), e.client_y());
            let at = camera.to_world(screen);
            if let Some(el) = svg.cast::<Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            if e.pointer_type() == "touch" {
                let mut t = touches.borrow_mut();
                t.retain(|(id, _)| *id != e.pointer_id());
                t.push((e.pointer_id(), screen));
                if let [(_, a), (_, b)] = t.as_slice() {
                    // A second finger: whatever the first started becomes a pinch.
                    feed(Input::Cancel);
                    *pinch.borrow_mut() = Some(Pinch {
                        distance: (a.x - b.x).hypot(a.y - b.y).max(1.0),
                        middle: Pt::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0),
                        camera,
                    });
                    return;
                }
            }
            if let Some(edge) = closest_attribute(&e, "data-edge").and_then(|i| i.parse().ok()) {
                // Focus the connection, so Delete and Backspace reach the editor's keys.
                if let Some(el) = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.closest("[data-edge]").ok().flatten())
                    .and_then(|t| t.dyn_into::<web_sys::SvgElement>().ok())
                {
                    let _ = el.focus();
                }
                dispatch.dispatch(Action::SelectEdge(edge));
            } else if let Some(id) = closest_attribute(&e, "data-port") {
                feed(Input::DownOnPort { id, at });
            } else if let Some(id) = closest_attribute(&e, "data-node") {
                feed(Input::DownOnNode {
                    id,
                    at,
                    shift: e.shift_key(),
                });
            } else if closest_attribute(&e, "data-region-action").is_none() {
                let pan = e.button() == 1 || e.alt_key();
                feed(Input::DownOnEmpty {
                    at,
                    screen,
                    shift: e.shift_key(),
                    pan,
                });
            }
        })
    };
    let onpointermove = {
        let feed = feed.clone();
        let svg = svg.clone();
        let idle = *gesture == Gesture::Idle;
        let touches = touches.clone();
        let pinch = pinch.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(start) = *pinch.borrow() {
                let screen = screen_point(&svg, e.client_x(), e.client_y());
                let mut t = touches.borrow_mut();
                if let Some(p) = t.iter_mut().find(|(id, _)| *id == e.pointer_id()) {
                    p.1 = screen;
                }
                if let [(_, a), (_, b)] = t.as_slice() {
                    let distance = (a.x - b.x).hypot(a.y - b.y).max(1.0);
                    let middle = Pt::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
                    let zoomed = start
                        .camera
                        .zoomed_at(start.middle, distance / start.distance);
                    let moved = Camera {
                        x: zoomed.x + middle.x - start.middle.x,
                        y: zoomed.y + middle.y - start.middle.y,
                        ..zoomed
                    };
                    dispatch.dispatch(Action::Editor(vec![editor::Effect::SetCamera(moved)]));
                }
                return;
            }
            if idle {
                return;
            }
            let screen = screen_point(&svg, e.client_x(), e.client_y());
            feed(Input::Move {
                at: camera.to_world(screen),
                screen,
            });
        })
    };
    // A finger lifted ends the pinch; the other one starts nothing until it is lifted too.
    let lift = {
        let touches = touches.clone();
        let pinch = pinch.clone();
        move |e: &PointerEvent| -> bool {
            let mut t = touches.borrow_mut();
            t.retain(|(id, _)| *id != e.pointer_id());
            let pinching = pinch.borrow().is_some();
            if t.is_empty() {
                *pinch.borrow_mut() = None;
            }
            pinching
        }
    };
    let onpointerup = {
        let feed = feed.clone();
        let svg = svg.clone();
        let design = props.design.clone();
        let lift = lift.clone();
        Callback::from(move |e: PointerEvent| {
            if lift(&e) {
                return;
            }
            let screen = screen_point(&svg, e.client_x(), e.client_y());
            let at = camera.to_world(screen);
            feed(Input::Up {
                at,
                over: node_at(&design, at),
            });
        })
    };
    let onpointercancel = {
        let feed = feed.clone();
        Callback::from(move |e: PointerEvent| {
            lift(&e);
            feed(Input::Cancel)
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let svg = svg.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let Some(tag) = e.data_transfer().and_then(|dt| dt.get_data(DRAG_KIND).ok()) else {
                return;
            };
            let Some(kind) = crate::palette::find(&tag) else {
                return;
            };
            let screen = screen_point(&svg, e.client_x(), e.client_y());
            let at = camera.to_world(screen);
            // Centre the new node on the drop point.
            let at = Pt::new(at.x - NODE_W / 2.0, at.y - NODE_H / 2.0);
            dispatch.dispatch(Action::AddNode {
                tag: kind,
                at: Some(at),
            });
        })
    };

    // Nodes being dragged are drawn at their provisional place; the design changes on release.
    let drag_offset = |id: &str| match &*gesture {
        Gesture::Dragging { ids, offset, .. } if ids.iter().any(|i| i == id) => *offset,
        _ => Pt::default(),
    };
    let position = |id: &str| {
        props.design.node(id).map(|n| {
            let d = drag_offset(id);
            Pt::new(n.x + d.x, n.y + d.y)
        })
    };
    // Stats are per engine node; a database's replicas and a sharded database's shards are engine
    // nodes of their own, so design indices map through `model_ids`.
    let layout = scalelab_design::lower::model_nodes(&props.design);
    let model_ids = scalelab_design::lower::model_ids(&props.design);
    let stats_of = |index: usize| {
        let id = *model_ids.get(index)?;
        props
            .latest
            .as_ref()
            .and_then(|w| w.nodes.iter().find(|n| n.id == id))
    };
    // Engine nodes a design node expands into that are down (failed replicas, shards).
    let members_down = |index: usize| {
        props.latest.as_ref().map_or(0, |w| {
            w.nodes
                .iter()
                .filter(|n| {
                    !n.up
                        && layout
                            .get(n.id as usize)
                            .is_some_and(|m| m.design_index == index)
                })
                .filter(|n| Some(&n.id) != model_ids.get(index))
                .count()
        })
    };
    let frames = region_frames(
        &props.design,
        &layout,
        &position,
        props.latest.as_ref(),
        lang,
        &props.dispatch,
    );
    // Requests on the move: dots per connection from the latest window, only while running
    // and unless the user asked for less motion.
    let flows = match (&props.latest, props.running && *motion) {
        (Some(w), true) => crate::flow::edge_flows(&props.design, &layout, w),
        _ => Vec::new(),
    };
    let edges = props.design.edges.iter().enumerate().filter_map(|(i, edge)| {
        let from = position(&edge.from)?;
        let to = position(&edge.to)?;
        let (x1, y1) = (from.x + NODE_W, from.y + NODE_H / 2.0);
        let (x2, y2) = (to.x - 6.0, to.y + NODE_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        let path = format!("M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}");
        let flow = flows.get(i).copied().flatten();
        let class = classes!("edge", flow.is_some().then_some("flow"), (props.selected_edge == Some(i)).then_some("selected"));
        let path_id = format!("edge-path-{i}");
        let label = format!("{} → {}", edge.from, edge.to);
        Some(html! {
            <g class={class} data-edge={i.to_string()} data-from={edge.from.clone()} data-to={edge.to.clone()}
                data-rps={flow.map(|f| format!("{:.1}", f.rps))} data-dots={flow.map(|f| f.dots.to_string())}
                tabindex="0" role="button" aria-label={label} aria-pressed={(props.selected_edge == Some(i)).to_string()}>
                <path class="edge-hit" d={path.clone()} />
                <path class="edge-line" id={path_id} d={path} marker-end="url(#arrow)" />
            </g>
        })
    });
    // The dots live in a layer of their own over the editor, each an element whose CSS
    // transform animation runs on the compositor: the main thread neither samples nor paints
    // them frame by frame (SMIL dots cost it a third of its time at stage 5's 10 000 req/s).
    // Their paths are keyframes, rewritten only when a connection moves.
    let mut keyframes = String::new();
    let dots: Vec<Html> = props.design.edges.iter().enumerate().filter_map(|(i, edge)| {
        let flow = flows.get(i).copied().flatten()?;
        let (from, to) = (position(&edge.from)?, position(&edge.to)?);
        keyframes += &flow_keyframes(i, (from.x + NODE_W, from.y + NODE_H / 2.0), (to.x - 6.0, to.y + NODE_H / 2.0));
        Some(html! {
            <div class="flow-dots" key={i} data-flow-from={edge.from.clone()} data-flow-to={edge.to.clone()}>
                { flow_dots(i, flow) }
            </div>
        })
    }).collect();
    let nodes = props.design.nodes.iter().enumerate().map(|(index, node)| {
        let at = position(&node.id).unwrap_or_default();
        let stats = stats_of(index);
        let kind = crate::i18n::kinds::kind_name(node.params.tag(), lang);
        let selected = props.selection.contains(&node.id);
        let class = classes!(
            "node",
            match stats {
                Some(s) if !s.up => "down",
                Some(s) => load_class(crate::charts::load(s)),
                None => "load-0",
            },
            selected.then_some("selected"),
            (props.connect_from.as_deref() == Some(node.id.as_str())).then_some("connecting"),
        );
        let is_users = matches!(node.params, NodeParams::Users { .. });
        // The live badge under the node: load, queue and (for users, who feel it) the p99 of
        // the window; a cache's hit ratio; a pool's instances on a second line.
        let users_badge = props
            .latest
            .as_ref()
            .filter(|_| is_users)
            .map(|w| format!("p99 {:.0} ms", w.latency.p99_ms));
        let badge = users_badge.or_else(|| stats.map(|s| {
            if s.up {
                let load = crate::charts::load(s) * 100.0;
                let what = if crate::charts::cpu_bound(s) { Key::Cpu } else { Key::Utilization };
                let mut text = format!("{} {load:.0}% · {} {}", t(lang, what), t(lang, Key::Queue), s.queue_len);
                if let Some(hit) = s.hit_ratio {
                    text = format!("{text} · {} {:.0}%", t(lang, Key::DetailHit), hit * 100.0);
                }
                text
            } else {
                format!("✕ {}", t(lang, Key::NodeDown))
            }
        }));
        let pool_line = stats.filter(|s| s.up && (s.instances > 1 || s.booting > 0 || is_pool(&node.params))).map(|s| {
            let mut text = t(lang, Key::DetailInstances).replace("{n}", &s.instances.to_string());
            if s.booting > 0 {
                text = format!("{text} · {}", t(lang, Key::DetailBooting).replace("{n}", &s.booting.to_string()));
            }
            text
        });
        // The node's own p99 (from its call's arrival to its answer, downstream included) leads
        // the second line, a pool's instances after it.
        let p99 = stats.filter(|s| s.up).and_then(|s| s.latency).map(|l| format!("p99 {}", node_ms(l.p99_ms)));
        let pool_line = match (p99, pool_line) {
            (Some(p), Some(pool)) => Some(format!("{p} · {pool}")),
            (p, pool) => p.or(pool),
        };
        // Both loads, on hover and for screen readers: the badge shows only the busier.
        let load_text = stats.filter(|s| s.up).map(|s| {
            format!(
                "{} {:.0}% · {} {:.0}%",
                t(lang, Key::Cpu),
                s.cpu_utilization * 100.0,
                t(lang, Key::Occupancy),
                s.utilization * 100.0
            )
        });
        let errors = stats.map_or(0, |s| s.errors);
        let down_members = members_down(index);
        let badge = badge.map(|b| if down_members > 0 { format!("{b} · ✕{down_members}") } else { b });
        let onkeydown = {
            let dispatch = props.dispatch.clone();
            let id = node.id.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    dispatch.dispatch(Action::Choose(id.clone()));
                }
            })
        };
        let detail = node_detail(&node.params, !props.design.edges.iter().any(|e| e.from == node.id), lang);
        let full = format!(
            "{kind} {}. {detail}. {}{}{}",
            node.id,
            badge.clone().unwrap_or_default(),
            pool_line.clone().map(|l| format!(" · {l}")).unwrap_or_default(),
            load_text.clone().map(|l| format!(". {l}")).unwrap_or_default()
        );
        // The id keeps its room on the first line; the kind takes what is left.
        let id_text = fit_text(&node.id, (TEXT_RIGHT - 10.0) / 2.0, TEXT_FONT, false);
        let id_w = text_width(&id_text, TEXT_FONT, false);
        let kind_text = fit_text(kind, TEXT_RIGHT - 10.0 - id_w - 10.0, KIND_FONT, true);
        // Under the node and up to the narrowest gap between the stages' columns (40).
        let chip_w = NODE_W + 32.0;
        html! {
            <g class={class} transform={format!("translate({},{})", at.x, at.y)}
                data-node={node.id.clone()} data-kind={node.params.kind_name()} tabindex="0" role="button"
                aria-pressed={selected.to_string()}
                aria-label={full.clone()}
                data-cpu={stats.map(|s| format!("{}", s.cpu_utilization))}
                data-occupancy={stats.map(|s| format!("{}", s.utilization))}
                {onkeydown}>
                <title>{ full }</title>
                <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="10" />
                <text class="kind label" x="10" y="24">{ kind_text }</text>
                <text class="id label" x={TEXT_RIGHT.to_string()} y="24" text-anchor="end">{ id_text }</text>
                <text class="detail label" x="10" y="50">{ fit_text(&detail, TEXT_RIGHT - 10.0, TEXT_FONT, false) }</text>
                if let Some(badge) = badge {
                    <text class="badge label" x="0" y={(NODE_H + 19.0).to_string()}>
                        { fit_text(&badge, chip_w, TEXT_FONT, false) }
                        if let Some(line) = pool_line {
                            <tspan x="0" dy="19">{ fit_text(&line, chip_w, TEXT_FONT, false) }</tspan>
                        }
                    </text>
                }
                if errors > 0 {
                    <g class="error-badge" transform={format!("translate({},-24)", NODE_W - 72.0)}>
                        <rect width="72" height="21" rx="10" />
                        <text class="label" x="36" y="16" text-anchor="middle">{ fit_text(&format!("⚠{errors}"), 66.0, TEXT_FONT, true) }</text>
                    </g>
                }
                <circle class="port" data-port={node.id.clone()} cx={NODE_W.to_string()} cy={(NODE_H / 2.0).to_string()} r="7">
                    <title>{ t(lang, Key::ConnectHint) }</title>
                </circle>
            </g>
        }
    });
    let overlay = match &*gesture {
        Gesture::Connecting { from, cursor } => position(from).map(|p| {
            html! { <line class="connecting" x1={(p.x + NODE_W).to_string()} y1={(p.y + NODE_H / 2.0).to_string()}
                x2={cursor.x.to_string()} y2={cursor.y.to_string()} /> }
        }),
        Gesture::BoxSelecting { start, current, .. } => Some(html! {
            <rect class="box-select" x={start.x.min(current.x).to_string()} y={start.y.min(current.y).to_string()}
                width={(start.x - current.x).abs().to_string()} height={(start.y - current.y).abs().to_string()} />
        }),
        _ => None,
    };
    html! {
        <>
        <svg class="topology editor" ref={svg} role="application" aria-label={t(lang, Key::EditorLabel)}
            data-gesture={gesture_name(&gesture)}
            {onpointerdown} {onpointermove} {onpointerup} {onpointercancel} {ondragover} {ondrop}>
            <defs>
                <pattern id="grid" width={editor::GRID.to_string()} height={editor::GRID.to_string()} patternUnits="userSpaceOnUse">
                    <circle cx="1" cy="1" r="1" class="grid-dot" />
                </pattern>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            <g transform={format!("translate({},{}) scale({})", camera.x, camera.y, camera.zoom)}>
                <rect x="-4000" y="-4000" width="8000" height="8000" fill="url(#grid)" />
                { for frames }
                { for edges }
                { for nodes }
                { for overlay }
            </g>
        </svg>
        <div class="flow-layer" aria-hidden="true">
            <style>{ keyframes }</style>
            <div class="flow-world" style={format!("transform:translate({}px,{}px) scale({})", camera.x, camera.y, camera.zoom)}>
                { for dots }
            </div>
        </div>
        </>
    }
}

/// Points along a connection's curve (the same cubic as its line) that a dot's keyframes pass.
const FLOW_STEPS: usize = 16;

/// The keyframes `flow-<i>` that move a dot along connection `i`, from `a` to `b` along the
/// curve the connection is drawn with.
fn flow_keyframes(i: usize, a: (f64, f64), b: (f64, f64)) -> String {
    let mid = (a.0 + b.0) / 2.0;
    let (p1, p2) = ((mid, a.1), (mid, b.1));
    let mut css = format!("@keyframes flow-{i}{{");
    for k in 0..=FLOW_STEPS {
        let t = k as f64 / FLOW_STEPS as f64;
        let u = 1.0 - t;
        let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        let x = w0 * a.0 + w1 * p1.0 + w2 * p2.0 + w3 * b.0;
        let y = w0 * a.1 + w1 * p1.1 + w2 * p2.1 + w3 * b.1;
        css += &format!(
            "{:.2}%{{transform:translate({x:.1}px,{y:.1}px)}}",
            t * 100.0
        );
    }
    css + "}"
}

/// The dots of one connection: evenly spaced along it, red for the failing share, and for a
/// cache's hits dots that come back from it. Keyed by their place, so a new window with the same
/// counts changes nothing in the page and the animation runs on undisturbed.
fn flow_dots(edge: usize, flow: EdgeFlow) -> Html {
    let n = flow.dots.max(1);
    let travel = crate::flow::TRAVEL_S;
    let dot = |k: u8, back: bool| {
        let delay = travel * f64::from(k) / f64::from(n);
        let class = classes!(
            "dot",
            (!back && k < flow.failing).then_some("failing"),
            back.then_some("returning")
        );
        // A returning dot runs the keyframes backwards: from the cache to where it came from.
        html! {
            <div key={format!("{}{k}", if back { "b" } else { "f" })} class={class}
                style={format!("animation-name:flow-{edge};animation-duration:{travel}s;animation-delay:-{delay:.3}s")}></div>
        }
    };
    html! {
        <>
            { for (0..n).map(|k| dot(k, false)) }
            { for (0..flow.returning).map(|k| dot(k, true)) }
        </>
    }
}

fn gesture_name(gesture: &Gesture) -> &'static str {
    match gesture {
        Gesture::Idle => "idle",
        Gesture::Pointing { .. } => "pointing",
        Gesture::Dragging { .. } => "dragging",
        Gesture::Connecting { .. } => "connecting",
        Gesture::Panning { .. } => "panning",
        Gesture::BoxSelecting { .. } => "box-selecting",
    }
}

/// A frame around each data centre's nodes, with its fault button.
fn region_frames(
    design: &Design,
    layout: &[scalelab_design::lower::ModelNode],
    position: &dyn Fn(&str) -> Option<Pt>,
    latest: Option<&WindowStats>,
    lang: Lang,
    dispatch: &UseReducerDispatcher<AppState>,
) -> Vec<Html> {
    design
        .regions
        .iter()
        .enumerate()
        .filter_map(|(r, region)| {
            let members: Vec<(usize, Pt)> = design
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.region == region.name || (n.region.is_empty() && r == 0))
                .filter_map(|(i, n)| Some((i, position(&n.id)?)))
                .collect();
            if members.is_empty() {
                return None;
            }
            let pad = 24.0;
            let x0 = members.iter().map(|(_, p)| p.x).fold(f64::MAX, f64::min) - pad;
            // Room above the nodes for the frame's name and button, clear of the error badges.
            let y0 = members.iter().map(|(_, p)| p.y).fold(f64::MAX, f64::min) - pad - 26.0;
            let x1 = members.iter().map(|(_, p)| p.x).fold(f64::MIN, f64::max) + NODE_W + pad;
            let y1 = members.iter().map(|(_, p)| p.y).fold(f64::MIN, f64::max) + NODE_H + pad;
            // A data centre is down when every server-like node in it is down.
            let down = latest.is_some_and(|w| {
                let stats: Vec<_> = w
                    .nodes
                    .iter()
                    .filter(|s| {
                        layout.get(s.id as usize).is_some_and(|m| members.iter().any(|(i, _)| *i == m.design_index))
                    })
                    .collect();
                !stats.is_empty() && stats.iter().all(|s| !s.up)
            });
            let action = if down { Action::RestoreRegion(region.name.clone()) } else { Action::KillRegion(region.name.clone()) };
            let label = if down { t(lang, Key::RestoreDataCentre) } else { t(lang, Key::FailDataCentre) };
            let onclick = {
                let dispatch = dispatch.clone();
                Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
            };
            // The button at the frame's top right, its name in the room left of it.
            let font = crate::editor::MIN_FONT;
            let button_w = text_width(label, font, false) + 20.0;
            let name_room = (x1 - x0) - button_w - 36.0;
            let name = format!("{} {}", t(lang, Key::DataCentre), region.name);
            Some(html! {
                <g class={classes!("region", down.then_some("down"))} data-region={region.name.clone()}>
                    <rect x={x0.to_string()} y={y0.to_string()} width={(x1 - x0).to_string()} height={(y1 - y0).to_string()} rx="14" />
                    <text class="region-name label" x={(x0 + 12.0).to_string()} y={(y0 + 19.0).to_string()}>
                        { fit_text(&name, name_room.max(40.0), font, true) }
                        <title>{ name }</title>
                    </text>
                    <g class="region-action" data-region-action={region.name.clone()} role="button" tabindex="0"
                        transform={format!("translate({},{})", x1 - button_w - 10.0, y0 + 3.0)} {onclick}>
                        <rect width={button_w.to_string()} height="22" rx="11" />
                        <text class="label" x={(button_w / 2.0).to_string()} y="16" text-anchor="middle">{ label }</text>
                    </g>
                </g>
            })
        })
        .collect()
}

/// One line under the node's name: its most telling parameters.
/// `standalone`: the node calls nothing downstream (the first stage's server does it all).
/// A server node that stands for several instances or autoscales.
/// Milliseconds as a badge shows them: a tenth below 10 ms, where most nodes answer.
pub fn node_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn is_pool(params: &NodeParams) -> bool {
    matches!(
        params,
        NodeParams::Server { instances, autoscale, .. }
            if *instances > 1 || *autoscale != AutoscaleDoc::Off
    )
}

/// The JSON tag of a rate limit, for its translated name.
fn rate_limit_tag(limit: &RateLimitDoc) -> &'static str {
    match limit {
        RateLimitDoc::None => "none",
        RateLimitDoc::Global { .. } => "global",
        RateLimitDoc::PerUser { .. } => "per_user",
    }
}

fn node_detail(params: &NodeParams, standalone: bool, lang: Lang) -> String {
    let per_s = screen_text(lang, ScreenText::PerSecond);
    let sec = screen_text(lang, ScreenText::Seconds);
    match params {
        NodeParams::Users {
            users, rate_rps, ..
        } => format!("{users} · {rate_rps:.0} {per_s}"),
        NodeParams::Dns { ttl_s, .. } => format!("TTL {ttl_s:.0} {sec}"),
        NodeParams::Server {
            workers,
            service_ms,
            instances,
            autoscale,
            ..
        } => {
            let capacity = *workers as f64 / (service_ms / 1e3);
            let one = if standalone {
                format!("{} · {capacity:.0} {per_s}", t(lang, Key::ServerRoles))
            } else {
                format!("{workers} × {service_ms} ms · {capacity:.0} {per_s}")
            };
            match autoscale {
                // A pool: its size (or autoscaling range), then one instance's capacity.
                AutoscaleDoc::Utilization {
                    min_instances,
                    max_instances,
                    ..
                } => format!(
                    "{} · {one}",
                    t(lang, Key::DetailAutoscale)
                        .replace("{min}", &min_instances.to_string())
                        .replace("{max}", &max_instances.to_string())
                ),
                AutoscaleDoc::Off if *instances > 1 => format!("{instances} × ({one})"),
                AutoscaleDoc::Off => one,
            }
        }
        NodeParams::LoadBalancer { policy, sticky, .. } => {
            let sticky = if *sticky {
                format!(" · {}", t(lang, Key::DetailSticky))
            } else {
                String::new()
            };
            format!("{}{sticky}", option(lang, "policy", policy))
        }
        NodeParams::SessionStore { workers, .. } => {
            t(lang, Key::DetailWorkers).replace("{n}", &workers.to_string())
        }
        NodeParams::Cache {
            capacity,
            eviction,
            ttl_s,
            ..
        } => format!(
            "{capacity} · {} · TTL {ttl_s:.0} {sec}",
            option(lang, "eviction", eviction)
        ),
        NodeParams::Database {
            replicas,
            replication,
            ..
        } => format!("+{replicas} · {}", option(lang, "replication", replication)),
        NodeParams::Cdn {
            ttl_s,
            invalidation,
            ..
        } => format!(
            "TTL {ttl_s:.0} {sec} · {}",
            option(lang, "invalidation", invalidation)
        ),
        NodeParams::ApiGateway {
            routes, rate_limit, ..
        } => {
            let limit = match rate_limit {
                RateLimitDoc::None => String::new(),
                RateLimitDoc::Global { rate_rps, .. } | RateLimitDoc::PerUser { rate_rps, .. } => {
                    format!(
                        " · {} {rate_rps:.0} {per_s}",
                        option(lang, "rate_limit.kind", &rate_limit_tag(rate_limit))
                    )
                }
            };
            format!(
                "{}{limit}",
                t(lang, Key::DetailRoutes).replace("{n}", &routes.len().max(1).to_string())
            )
        }
        NodeParams::Waf {
            detection,
            false_positive,
            ..
        } => t(lang, Key::DetailWaf)
            .replace("{d}", &format!("{:.0}", detection * 100.0))
            .replace("{f}", &format!("{:.1}", false_positive * 100.0)),
        NodeParams::Queue { consumers, .. } => {
            t(lang, Key::DetailConsumers).replace("{n}", &consumers.to_string())
        }
        NodeParams::ShardedDatabase {
            shards, hot_keys, ..
        } => t(lang, Key::DetailShards)
            .replace("{n}", &shards.to_string())
            .replace("{hot}", &hot_keys.to_string()),
    }
}

/// A strategy's short name in `lang`: the inspector's option text without its parenthesised
/// original term.
fn option(lang: Lang, field: &str, value: &impl serde::Serialize) -> String {
    let tag = serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    crate::i18n::inspector::option_text(lang, field, &tag).map_or(tag.clone(), |text| {
        text.split(" (").next().unwrap_or(text).to_string()
    })
}

//! The editable architecture canvas (SVG): nodes where the design places them, connections with
//! ports, data-centre frames, live load colours and request flow. DOM events are translated into
//! [`editor::Input`]s; the gesture state machine decides, the reducer edits.

use crate::editor::{self, Camera, Gesture, Input, Pt};
use crate::i18n::{kind_key, t, Key, Lang};
use crate::state::{Action, AppState, NODE_H, NODE_W};
use scalelab_design::document::AutoscaleDoc;
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
    let onpointerdown = {
        let feed = feed.clone();
        let svg = svg.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: PointerEvent| {
            let screen = screen_point(&svg, e.client_x(), e.client_y());
            let at = camera.to_world(screen);
            if let Some(el) = svg.cast::<Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            if let Some(edge) = closest_attribute(&e, "data-edge").and_then(|i| i.parse().ok()) {
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
        Callback::from(move |e: PointerEvent| {
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
    let onpointerup = {
        let feed = feed.clone();
        let svg = svg.clone();
        let design = props.design.clone();
        Callback::from(move |e: PointerEvent| {
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
        Callback::from(move |_: PointerEvent| feed(Input::Cancel))
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
            let Some(kind) = crate::palette::Kind::find(&tag) else {
                return;
            };
            let screen = screen_point(&svg, e.client_x(), e.client_y());
            let at = camera.to_world(screen);
            // Centre the new node on the drop point.
            let at = Pt::new(at.x - NODE_W / 2.0, at.y - NODE_H / 2.0);
            dispatch.dispatch(Action::AddNode {
                tag: kind.tag,
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
    let edges = props.design.edges.iter().enumerate().filter_map(|(i, edge)| {
        let from = position(&edge.from)?;
        let to = position(&edge.to)?;
        let (x1, y1) = (from.x + NODE_W, from.y + NODE_H / 2.0);
        let (x2, y2) = (to.x - 6.0, to.y + NODE_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        let path = format!("M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}");
        let flowing = props.running
            && props.design.nodes.iter().position(|n| n.id == edge.from).is_some_and(|index| {
                stats_of(index).map_or(matches!(props.design.nodes[index].params, NodeParams::Users { .. }), |s| {
                    s.up && s.served > 0
                })
            });
        let class = classes!("edge", flowing.then_some("flow"), (props.selected_edge == Some(i)).then_some("selected"));
        Some(html! {
            <g class={class} data-edge={i.to_string()} data-from={edge.from.clone()} data-to={edge.to.clone()}>
                <path class="edge-hit" d={path.clone()} />
                <path class="edge-line" d={path} marker-end="url(#arrow)" />
            </g>
        })
    });
    let nodes = props.design.nodes.iter().enumerate().map(|(index, node)| {
        let at = position(&node.id).unwrap_or_default();
        let stats = stats_of(index);
        let kind = t(lang, kind_key(&node.params));
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
        let badge = stats.map(|s| {
            if s.up {
                // The busier of CPU and worker occupancy, named when it is the CPU.
                let load = crate::charts::load(s) * 100.0;
                let what = if crate::charts::cpu_bound(s) { Key::Cpu } else { Key::Utilization };
                let mut text = format!("{} {load:.0}% · {} {}", t(lang, what), t(lang, Key::Queue), s.queue_len);
                if let Some(hit) = s.hit_ratio {
                    text = format!("{text} · {} {:.0}%", t(lang, Key::DetailHit), hit * 100.0);
                }
                if s.instances > 1 || s.booting > 0 || is_pool(&node.params) {
                    text = format!("{text} · {}", t(lang, Key::DetailInstances).replace("{n}", &s.instances.to_string()));
                }
                if s.booting > 0 {
                    text = format!("{text} · {}", t(lang, Key::DetailBooting).replace("{n}", &s.booting.to_string()));
                }
                text
            } else {
                format!("✕ {}", t(lang, Key::NodeDown))
            }
        });
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
        html! {
            <g class={class} transform={format!("translate({},{})", at.x, at.y)}
                data-node={node.id.clone()} data-kind={node.params.kind_name()} tabindex="0" role="button"
                aria-pressed={selected.to_string()}
                aria-label={format!("{kind} {}. {}{}", node.id, badge.clone().unwrap_or_default(), load_text.clone().map(|l| format!(". {l}")).unwrap_or_default())}
                data-cpu={stats.map(|s| format!("{}", s.cpu_utilization))}
                data-occupancy={stats.map(|s| format!("{}", s.utilization))}
                {onkeydown}>
                if let Some(load_text) = load_text {
                    <title>{ load_text }</title>
                }
                <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="10" />
                <text class="kind" x="10" y="19">{ kind }</text>
                <text class="id" x={(NODE_W - 8.0).to_string()} y="19" text-anchor="end">{ node.id.clone() }</text>
                <text class="detail" x="10" y="37">{ node_detail(&node.params, !props.design.edges.iter().any(|e| e.from == node.id), lang) }</text>
                if let Some(badge) = badge {
                    <text class="badge" x="10" y="55">{ badge }</text>
                }
                if errors > 0 {
                    <g class="error-badge" transform={format!("translate({},-8)", NODE_W - 30.0)}>
                        <rect width="38" height="16" rx="8" />
                        <text x="19" y="12" text-anchor="middle">{ format!("⚠{errors}") }</text>
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
            let y0 = members.iter().map(|(_, p)| p.y).fold(f64::MAX, f64::min) - pad - 18.0;
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
            Some(html! {
                <g class={classes!("region", down.then_some("down"))} data-region={region.name.clone()}>
                    <rect x={x0.to_string()} y={y0.to_string()} width={(x1 - x0).to_string()} height={(y1 - y0).to_string()} rx="14" />
                    <text class="region-name" x={(x0 + 12.0).to_string()} y={(y0 + 16.0).to_string()}>
                        { format!("{} {}", t(lang, Key::DataCentre), region.name) }
                    </text>
                    <g class="region-action" data-region-action={region.name.clone()} role="button" tabindex="0"
                        transform={format!("translate({},{})", x1 - 150.0, y0 + 3.0)} {onclick}>
                        <rect width="140" height="18" rx="9" />
                        <text x="70" y="13" text-anchor="middle">{ label }</text>
                    </g>
                </g>
            })
        })
        .collect()
}

/// One line under the node's name: its most telling parameters.
/// `standalone`: the node calls nothing downstream (the first stage's server does it all).
/// A server node that stands for several instances or autoscales.
fn is_pool(params: &NodeParams) -> bool {
    matches!(
        params,
        NodeParams::Server { instances, autoscale, .. }
            if *instances > 1 || *autoscale != AutoscaleDoc::Off
    )
}

fn node_detail(params: &NodeParams, standalone: bool, lang: Lang) -> String {
    match params {
        NodeParams::Users {
            users, rate_rps, ..
        } => format!("{users} · {rate_rps:.0} req/s"),
        NodeParams::Dns { ttl_s, .. } => format!("TTL {ttl_s:.0} s"),
        NodeParams::Server {
            workers,
            service_ms,
            instances,
            autoscale,
            ..
        } => {
            let capacity = *workers as f64 / (service_ms / 1e3);
            let one = if standalone {
                format!("{} · {capacity:.0} req/s", t(lang, Key::ServerRoles))
            } else {
                format!("{workers} × {service_ms} ms · {capacity:.0} req/s")
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
            "{capacity} · {} · TTL {ttl_s:.0} s",
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
            "TTL {ttl_s:.0} s · {}",
            option(lang, "invalidation", invalidation)
        ),
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

//! The architecture drawn as SVG: nodes where the design places them, connections as arrows, and
//! each node coloured by its load in the latest window (with the number written too, so colour is
//! never the only cue).

use crate::i18n::{t, Key, Lang};
use scalelab_design::{Design, NodeParams};
use scalelab_engine::WindowStats;
use yew::prelude::*;

const NODE_W: f64 = 200.0;
const NODE_H: f64 = 70.0;

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub design: Design,
    pub latest: Option<WindowStats>,
    pub lang: Lang,
}

/// Utilisation to a fill from a colour-blind-safe sequential scale (light blue → dark orange).
fn load_class(utilization: f64) -> &'static str {
    match utilization {
        u if u >= 0.95 => "load-4",
        u if u >= 0.8 => "load-3",
        u if u >= 0.5 => "load-2",
        u if u > 0.0 => "load-1",
        _ => "load-0",
    }
}

#[function_component(Topology)]
pub fn topology(props: &CanvasProps) -> Html {
    let lang = props.lang;
    let design = &props.design;
    let stats_of = |index: usize| {
        props
            .latest
            .as_ref()
            .and_then(|w| w.nodes.iter().find(|n| n.id as usize == index))
    };
    let max_x = design.nodes.iter().map(|n| n.x).fold(0.0, f64::max) + NODE_W + 40.0;
    let max_y = design.nodes.iter().map(|n| n.y).fold(0.0, f64::max) + NODE_H + 40.0;
    let edges = design.edges.iter().filter_map(|edge| {
        let from = design.node(&edge.from)?;
        let to = design.node(&edge.to)?;
        let (x1, y1) = (from.x + NODE_W, from.y + NODE_H / 2.0);
        let (x2, y2) = (to.x, to.y + NODE_H / 2.0);
        Some(html! {
            <line class="edge" x1={x1.to_string()} y1={y1.to_string()} x2={(x2 - 4.0).to_string()} y2={y2.to_string()}
                marker-end="url(#arrow)" />
        })
    });
    let nodes = design.nodes.iter().enumerate().map(|(index, node)| {
        let stats = stats_of(index);
        let kind = t(lang, crate::i18n::kind_key(&node.params));
        let detail = node_detail(&node.params, lang);
        let class = match stats {
            Some(s) if !s.up => "node down".to_string(),
            Some(s) => format!("node {}", load_class(s.utilization)),
            None => "node load-0".to_string(),
        };
        let badge = stats.map(|s| {
            if s.up {
                format!(
                    "{} {:.0}% · {} {}",
                    t(lang, Key::Utilization),
                    s.utilization * 100.0,
                    t(lang, Key::Queue),
                    s.queue_len
                )
            } else {
                format!("✕ {}", t(lang, Key::NodeDown))
            }
        });
        html! {
            <g class={class} transform={format!("translate({},{})", node.x, node.y)}
                data-node={node.id.clone()} role="img"
                aria-label={format!("{kind} {}: {}", node.id, badge.clone().unwrap_or_default())}>
                <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="10" />
                <text class="kind" x="10" y="20">{ kind }</text>
                <text class="detail" x="10" y="40">{ detail }</text>
                if let Some(badge) = badge {
                    <text class="badge" x="10" y="60">{ badge }</text>
                }
            </g>
        }
    });
    html! {
        <svg class="topology" viewBox={format!("0 0 {max_x} {max_y}")} role="group"
            aria-label={t(lang, Key::StageSingleServer)}>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            { for edges }
            { for nodes }
        </svg>
    }
}

/// One line under the node's name: its most telling parameters.
fn node_detail(params: &NodeParams, lang: Lang) -> String {
    match params {
        NodeParams::Users {
            users, rate_rps, ..
        } => format!("{users} · {rate_rps:.0} req/s"),
        NodeParams::Dns { ttl_s, .. } => format!("TTL {ttl_s:.0} s"),
        NodeParams::Server {
            workers,
            service_ms,
            ..
        } => {
            let capacity = *workers as f64 / (service_ms / 1e3);
            format!("{} · {capacity:.0} req/s", t(lang, Key::ServerRoles))
        }
        NodeParams::LoadBalancer { policy, .. } => format!("{policy:?}"),
        NodeParams::SessionStore { workers, .. } => format!("{workers} workers"),
        NodeParams::Cache {
            capacity, eviction, ..
        } => format!("{capacity} · {eviction:?}"),
        NodeParams::Database {
            replicas,
            replication,
            ..
        } => format!("+{replicas} · {replication:?}"),
        NodeParams::Cdn { ttl_s, .. } => format!("TTL {ttl_s:.0} s"),
        NodeParams::Queue { consumers, .. } => format!("{consumers} consumers"),
        NodeParams::ShardedDatabase { shards, .. } => format!("{shards} shards"),
    }
}

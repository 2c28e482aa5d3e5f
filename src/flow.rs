//! Requests you can see: how many dots each connection carries, drawn from the latest window's
//! counters (no second simulation). Pure and tested natively; `canvas.rs` animates the dots.

use scalelab_design::kinds::Chart;
use scalelab_design::lower::ModelNode;
use scalelab_design::{Design, NodeParams};
use scalelab_engine::WindowStats;

/// The most dots one connection shows; the busiest connection of the design has this many.
pub const MAX_DOTS: u8 = 8;
/// Seconds a dot takes along a connection: the pace of the dots is their number over this.
pub const TRAVEL_S: f64 = 1.6;

/// What one connection carried in the latest window, rounded to dots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeFlow {
    /// Requests per second the target received over this connection.
    pub rps: f64,
    /// Dots in flight, proportional to `rps` against the busiest connection (at least one while
    /// anything flows).
    pub dots: u8,
    /// Of those, the dots drawn red: the share of the target's requests that failed.
    pub failing: u8,
    /// Dots that come back from a cache or CDN target: its hits, which never go further.
    pub returning: u8,
}

/// A design node's counts over the window, summed over the engine nodes it expands into (a
/// database's replicas, a sharded database's shards).
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    served: u64,
    errors: u64,
    up: bool,
    hit_ratio: Option<f64>,
}

fn totals(design: &Design, layout: &[ModelNode], w: &WindowStats) -> Vec<Totals> {
    let mut out = vec![Totals::default(); design.nodes.len()];
    for n in &w.nodes {
        let Some(t) = layout
            .get(n.id as usize)
            .and_then(|m| out.get_mut(m.design_index))
        else {
            continue;
        };
        t.served += n.served;
        t.errors += n.errors;
        t.up |= n.up;
        if t.hit_ratio.is_none() {
            t.hit_ratio = n.hit_ratio;
        }
    }
    out
}

/// One entry per connection of `design` (in its order): what it carried in window `w`, or
/// `None` where nothing did. A target fed by several connections is shared among them in
/// proportion to what each source passed on (a cache passes on its misses only).
pub fn edge_flows(design: &Design, layout: &[ModelNode], w: &WindowStats) -> Vec<Option<EdgeFlow>> {
    let totals = totals(design, layout, w);
    let index = |id: &str| design.nodes.iter().position(|n| n.id == id);
    let len_s = w.len_s.max(1e-9);
    // What a source passes downstream, as a weight for sharing its targets' arrivals.
    let passed_on = |i: usize| {
        let t = totals[i];
        let served = t.served as f64;
        match design.nodes[i].params {
            // A users node's own counts are its requests, whatever it reports as served.
            NodeParams::Users { .. } => served.max(1.0),
            // A cache (of any kind with a hit ratio) passes on its misses only.
            ref p if p.tag().spec().has_chart(Chart::HitRatio) => {
                served * (1.0 - t.hit_ratio.unwrap_or(0.0))
            }
            _ => served,
        }
    };
    let rates: Vec<Option<(usize, f64)>> = design
        .edges
        .iter()
        .map(|e| {
            let (from, to) = (index(&e.from)?, index(&e.to)?);
            let target = totals[to];
            let arrivals = (target.served + target.errors) as f64 / len_s;
            let feeders: Vec<usize> = design
                .edges
                .iter()
                .filter(|f| f.to == e.to)
                .filter_map(|f| index(&f.from))
                .collect();
            let all: f64 = feeders.iter().map(|&i| passed_on(i)).sum();
            let share = if all > 0.0 {
                passed_on(from) / all
            } else {
                1.0 / feeders.len().max(1) as f64
            };
            Some((to, arrivals * share))
        })
        .collect();
    let busiest = rates.iter().flatten().map(|(_, r)| *r).fold(0.0, f64::max);
    rates
        .into_iter()
        .map(|rate| {
            let (to, rps) = rate?;
            if rps <= 0.0 || busiest <= 0.0 {
                return None;
            }
            let target = totals[to];
            let dots = ((rps / busiest) * f64::from(MAX_DOTS))
                .ceil()
                .clamp(1.0, f64::from(MAX_DOTS)) as u8;
            let arrived = (target.served + target.errors) as f64;
            let error_share = if !target.up {
                1.0
            } else if arrived > 0.0 {
                target.errors as f64 / arrived
            } else {
                0.0
            };
            // Any failure shows: one red dot at least once a request in a hundred fails.
            let failing = match error_share {
                e if e <= 0.01 => 0,
                e => ((e * f64::from(dots)).round() as u8).clamp(1, dots),
            };
            // A cache's hits come back from it.
            let returning = if design.nodes[to]
                .params
                .tag()
                .spec()
                .has_chart(Chart::HitRatio)
            {
                (target.hit_ratio.unwrap_or(0.0) * f64::from(dots)).round() as u8
            } else {
                0
            };
            Some(EdgeFlow {
                rps,
                dots,
                failing,
                returning: returning.min(dots),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalelab_engine::NodeStats;

    fn stage(n: usize) -> Design {
        crate::stages::STAGES[n - 1].design().expect("stage design")
    }

    /// Stats for every engine node of `design`: `f(design node id)` gives (served, errors,
    /// hit ratio) over a one-second window.
    fn window(
        design: &Design,
        f: impl Fn(&str) -> (u64, u64, Option<f64>),
    ) -> (Vec<ModelNode>, WindowStats) {
        let layout = scalelab_design::lower::model_nodes(design);
        let mut seen = std::collections::BTreeSet::new();
        let nodes = layout
            .iter()
            .enumerate()
            .map(|(id, m)| {
                let design_id = &design.nodes[m.design_index].id;
                // The first engine node of a design node carries its counts.
                let (served, errors, hit_ratio) = if seen.insert(m.design_index) {
                    f(design_id)
                } else {
                    (0, 0, None)
                };
                NodeStats {
                    id: id as u32,
                    served,
                    errors,
                    hit_ratio,
                    up: true,
                    ..NodeStats::default()
                }
            })
            .collect();
        (
            layout,
            WindowStats {
                len_s: 1.0,
                nodes,
                ..WindowStats::default()
            },
        )
    }

    fn flow(design: &Design, flows: &[Option<EdgeFlow>], from: &str, to: &str) -> Option<EdgeFlow> {
        let i = design
            .edges
            .iter()
            .position(|e| e.from == from && e.to == to)
            .expect("edge exists");
        flows[i]
    }

    /// Stage 5: a cache that hits 80 % sends 8 of 10 dots back and passes a fifth of its
    /// lookups on to the database, which gets fewer dots than the cache.
    #[test]
    fn cache_hits_turn_back_and_misses_go_on() {
        let design = stage(5);
        let (layout, w) = window(&design, |id| match id {
            "cache" => (3000, 0, Some(0.8)),
            "db" => (600, 0, None),
            "users" | "dns" | "lb" => (3000, 0, None),
            _ => (1000, 0, None),
        });
        let flows = edge_flows(&design, &layout, &w);
        let into_cache = flow(&design, &flows, "web0", "cache").expect("flows");
        assert!((into_cache.rps - 1000.0).abs() < 1e-6, "{into_cache:?}");
        assert_eq!(
            into_cache.returning,
            (0.8 * f64::from(into_cache.dots)).round() as u8
        );
        let to_db = flow(&design, &flows, "cache", "db").expect("misses flow");
        assert!((to_db.rps - 600.0).abs() < 1e-6);
        assert!(to_db.dots < flow(&design, &flows, "lb", "web0").expect("flows").dots * 3);
        assert_eq!(to_db.returning, 0);
        // The busiest connection shows the most dots.
        assert_eq!(flows.iter().flatten().map(|f| f.dots).max(), Some(MAX_DOTS));
    }

    /// Errors at the target turn its dots red, in proportion; a quiet connection has none.
    #[test]
    fn failures_are_red_and_idle_connections_are_still() {
        let design = stage(1);
        let (layout, w) = window(&design, |id| match id {
            "server" => (150, 50, None),
            "dns" => (0, 0, None),
            _ => (200, 0, None),
        });
        let flows = edge_flows(&design, &layout, &w);
        let to_server = flow(&design, &flows, "dns", "server").expect("flows");
        assert_eq!(to_server.dots, MAX_DOTS);
        assert_eq!(to_server.failing, 2, "a quarter of eight");
        assert_eq!(flow(&design, &flows, "users", "dns"), None);
    }
}

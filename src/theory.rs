//! Theory beside simulation: the closed forms (M/M/c for a station, Che and its cousins for a
//! cache) that apply to the selected node, their inputs read off the design, and the inspector's
//! table comparing them with what the engine measured.

use crate::i18n::inspector::{text, Text};
use crate::i18n::Lang;
use scalelab_design::document::EvictionDoc;
use scalelab_design::{Design, NodeParams, ServiceShape};
use scalelab_engine::analytic;
use scalelab_engine::NodeStats;
use yew::prelude::*;

/// How many requests a node computes at once: as many as it has both workers and vCPUs.
fn servers_of(workers: u32, instance: &str) -> u32 {
    let cores = scalelab_engine::prices::instance_shape(instance).map(|s| s.vcpus.max(1));
    workers.min(cores.unwrap_or(u32::MAX))
}

/// The worker count and mean service time (seconds) that make a node an M/M/c station, or `None`
/// for kinds that are not one queue of workers.
pub fn station_of(design: &Design, params: &NodeParams) -> Option<(u32, f64)> {
    let read_fraction = design
        .nodes
        .iter()
        .find_map(|n| match &n.params {
            NodeParams::Users { read_fraction, .. } => Some(read_fraction.clamp(0.0, 1.0)),
            _ => None,
        })
        .unwrap_or(1.0);
    let (workers, mean_ms) = match params {
        // A pool's instances are one queue in front of all their workers, computing on as many
        // cores as they have both threads and vCPUs.
        NodeParams::Server {
            workers,
            service_ms,
            instances,
            instance,
            ..
        } => (
            servers_of(*workers, instance).saturating_mul((*instances).max(1)),
            *service_ms,
        ),
        NodeParams::SessionStore {
            workers,
            service_ms,
            instance,
            ..
        } => (servers_of(*workers, instance), *service_ms),
        NodeParams::Database {
            workers,
            read_ms,
            write_ms,
            replicas,
            instance,
            ..
        } => {
            // With replicas the primary takes only writes; alone it takes the users' mix.
            let mean = if *replicas == 0 {
                read_fraction * read_ms + (1.0 - read_fraction) * write_ms
            } else {
                *write_ms
            };
            // A database serves as many at once as it has both workers and vCPUs.
            (servers_of(*workers, instance), mean)
        }
        NodeParams::Queue {
            consumers, job_ms, ..
        } => (*consumers, *job_ms),
        _ => return None,
    };
    (workers >= 1 && mean_ms.is_finite() && mean_ms > 0.0).then_some((workers, mean_ms / 1e3))
}

/// The vCPUs a node computes on (all instances of a pool, one instance per queue consumer), or
/// `None` for kinds without an instance type or an instance type without a shape.
pub fn cores_of(params: &NodeParams, instances: u32) -> Option<u32> {
    let (instance, count) = match params {
        NodeParams::Server { instance, .. } => (instance, instances.max(1)),
        NodeParams::SessionStore { instance, .. } | NodeParams::Database { instance, .. } => {
            (instance, 1)
        }
        NodeParams::Queue {
            instance,
            consumers,
            ..
        } => (instance, (*consumers).max(1)),
        _ => return None,
    };
    let shape = scalelab_engine::prices::instance_shape(instance)?;
    Some(shape.vcpus.max(1).saturating_mul(count))
}

/// What the cache-theory formulas need: the catalogue size and skew the node sees, its capacity
/// and eviction, and its TTL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CacheInputs {
    pub items: u32,
    pub alpha: f64,
    pub capacity: u32,
    pub eviction: EvictionDoc,
    pub ttl_s: f64,
    pub ttl_reset: bool,
}

/// The Zipf catalogue a cache or CDN node sees: data keys for a cache (the largest users key
/// space, as lowering uses), static objects for a CDN (which evicts LRU and expires by TTL).
pub fn cache_inputs(design: &Design, params: &NodeParams) -> Option<CacheInputs> {
    let users = design.nodes.iter().filter_map(|n| match &n.params {
        NodeParams::Users {
            keys,
            zipf_alpha,
            static_objects,
            ..
        } => Some((*keys, *zipf_alpha, *static_objects)),
        _ => None,
    });
    match params {
        NodeParams::Cache {
            capacity,
            eviction,
            ttl_s,
            ttl_reset,
            ..
        } => {
            let (keys, alpha, _) = users.max_by_key(|(keys, _, _)| *keys)?;
            Some(CacheInputs {
                items: keys.clamp(1, 1_000_000),
                alpha,
                capacity: *capacity,
                eviction: *eviction,
                ttl_s: *ttl_s,
                ttl_reset: *ttl_reset,
            })
        }
        NodeParams::Cdn {
            capacity, ttl_s, ..
        } => {
            let (_, alpha, objects) = users.max_by_key(|(_, _, objects)| *objects)?;
            Some(CacheInputs {
                items: objects.clamp(1, 1_000_000),
                alpha,
                capacity: *capacity,
                eviction: EvictionDoc::Lru,
                ttl_s: *ttl_s,
                ttl_reset: false,
            })
        }
        _ => None,
    }
}

/// The capacity-limited hit ratio of a cache under the independent reference model.
pub fn expected_hit_ratio(probs: &[f64], capacity: u32, eviction: EvictionDoc) -> Option<f64> {
    let capacity = capacity as usize;
    match eviction {
        EvictionDoc::Lru => analytic::che_lru_hit_ratio(probs, capacity),
        EvictionDoc::Fifo => analytic::fifo_hit_ratio(probs, capacity),
        EvictionDoc::Lfu => analytic::lfu_hit_ratio(probs, capacity),
    }
}

/// The measured arrival rate at a node: everything it finished or failed, per second.
pub fn arrival_rate(stats: &NodeStats, len_s: f64) -> f64 {
    if len_s > 0.0 {
        (stats.served + stats.errors) as f64 / len_s
    } else {
        0.0
    }
}

/// `x` rounded to two significant digits (0 for nothing measurable): a memo keyed on it reruns
/// only when the value really moves.
pub fn round_2_digits(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 0.0;
    }
    let scale = 10f64.powi(1 - x.log10().floor() as i32);
    (x * scale).round() / scale
}

fn percent(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

#[allow(clippy::too_many_arguments)]
pub fn theory_view(
    lang: Lang,
    design: &Design,
    params: &NodeParams,
    stats: Option<&NodeStats>,
    len_s: f64,
    cache: Option<CacheInputs>,
    capacity_hit: Option<f64>,
    ttl_hit: Option<f64>,
) -> Html {
    let station = station_of(design, params);
    if station.is_none() && cache.is_none() {
        return html! {};
    }
    let row = |id: &str, name: &str, measured: String, expected: String| {
        html! {
            <tr id={id.to_string()}>
                <th scope="row">{ name.to_string() }</th><td>{ measured }</td><td>{ expected }</td>
            </tr>
        }
    };
    let dash = || "–".to_string();
    let mut rows: Vec<Html> = Vec::new();
    let mut notes: Vec<&'static str> = Vec::new();
    if let Some((servers, mean_s)) = station {
        notes.push(text(lang, Text::QueueModelNote));
        if let Some(stats) = stats {
            // A pool's workers are those of the instances serving now (an autoscaler changes it).
            let servers = match params {
                NodeParams::Server { workers, .. } => {
                    workers.saturating_mul(stats.instances.max(1))
                }
                _ => servers,
            };
            let lambda = arrival_rate(stats, len_s);
            let theory = analytic::mmc(lambda, 1.0 / mean_s, servers);
            rows.push(row(
                "theory-arrivals",
                text(lang, Text::ArrivalRate),
                format!("{lambda:.1} /s"),
                format!("c = {servers}, μ = {:.1} /s", 1.0 / mean_s),
            ));
            // The CPU's offered load: every service's CPU time over the vCPUs' time.
            let cores = cores_of(params, stats.instances);
            rows.push(row(
                "theory-cpu",
                text(lang, Text::CpuUtilization),
                percent(stats.cpu_utilization),
                cores.map_or_else(dash, |c| {
                    let load = lambda * mean_s / f64::from(c);
                    if load < 1.0 {
                        format!("{} ({} vCPU)", percent(load), c)
                    } else {
                        format!("≥ 100 % ({c} vCPU)")
                    }
                }),
            ));
            match theory {
                Some(q) => {
                    let ms = |s: f64| format!("{:.1} ms", s * 1e3);
                    rows.push(row(
                        "theory-utilization",
                        text(lang, Text::Occupancy),
                        percent(stats.utilization),
                        percent(q.utilization),
                    ));
                    rows.push(row(
                        "theory-queue",
                        text(lang, Text::MeanQueue),
                        format!("{:.2}", stats.mean_queue),
                        format!("{:.2}", q.mean_queue_length),
                    ));
                    rows.push(row(
                        "theory-response",
                        text(lang, Text::MeanResponse),
                        dash(),
                        ms(q.mean_response),
                    ));
                    rows.push(row(
                        "theory-p99",
                        text(lang, Text::P99Response),
                        dash(),
                        q.response_quantile(0.99).map_or_else(dash, ms),
                    ));
                }
                None => rows.push(row(
                    "theory-utilization",
                    text(lang, Text::Occupancy),
                    percent(stats.utilization),
                    text(lang, Text::Unstable).to_string(),
                )),
            }
        }
        if matches!(params, NodeParams::Server { .. }) {
            // A web server's worker also waits on the cache and database, which M/M/c omits.
            notes.push(text(lang, Text::OccupancyNote));
        }
        if let NodeParams::Server {
            service_shape: ServiceShape::Constant | ServiceShape::LogNormal,
            ..
        } = params
        {
            // The formula assumes exponential service; say so rather than hide the gap.
            notes.push(match lang {
                Lang::Ko => "처리 시간이 지수 분포가 아니므로 M/M/c는 근사입니다.",
                Lang::En => "Service is not exponential, so M/M/c is an approximation.",
            });
        }
    }
    if let Some(c) = cache {
        notes.push(text(lang, Text::CacheModelNote));
        let measured = stats.and_then(|s| s.hit_ratio).map_or_else(dash, percent);
        let label = match c.eviction {
            EvictionDoc::Lru => "LRU",
            EvictionDoc::Lfu => "LFU",
            EvictionDoc::Fifo => "FIFO",
        };
        rows.push(row(
            "theory-hit",
            &format!(
                "{} ({label}, N = {}, α = {}, C = {})",
                text(lang, Text::HitRatio),
                c.items,
                c.alpha,
                c.capacity
            ),
            measured,
            capacity_hit.map_or_else(|| text(lang, Text::Computing).to_string(), percent),
        ));
        if c.ttl_s > 0.0 {
            rows.push(row(
                "theory-hit-ttl",
                text(lang, Text::TtlOnly),
                dash(),
                ttl_hit.map_or_else(dash, percent),
            ));
        }
    }
    html! {
        <section class="inspector-theory" aria-labelledby="theory-title">
            <h3 id="theory-title">{ text(lang, Text::Theory) }</h3>
            if stats.is_none() {
                <p class="inspector-hint">{ text(lang, Text::NoMeasurement) }</p>
            }
            <table id="theory-table">
                <thead><tr>
                    <th></th><th scope="col">{ text(lang, Text::Measured) }</th>
                    <th scope="col">{ text(lang, Text::Expected) }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            { for notes.into_iter().map(|n| html! { <p class="theory-note">{ n }</p> }) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::tests::every_kind;

    #[test]
    fn theory_inputs_for_stations_and_caches() {
        let design = Design::single_server();
        let server = &design.nodes[2].params;
        // 4 workers on an m5.large's 2 vCPUs: two requests compute at once.
        assert_eq!(station_of(&design, server), Some((2, 0.02)));
        assert_eq!(station_of(&design, &design.nodes[1].params), None);
        // Stage 1 at 50 req/s against 2 vCPUs of 20 ms: ρ = 0.5.
        let q = analytic::mmc(50.0, 50.0, 2).expect("stable");
        assert!((q.utilization - 0.5).abs() < 1e-12);
        assert!(analytic::mmc(100.0, 50.0, 2).is_none(), "unstable at ρ ≥ 1");

        let mut design = Design::single_server();
        let kinds = every_kind();
        design.nodes[0].params = kinds[0].clone();
        let cache = cache_inputs(&design, &kinds[5]).expect("a cache with users");
        assert_eq!(
            (cache.items, cache.capacity, cache.eviction),
            (1000, 100, EvictionDoc::Lru)
        );
        let probs = analytic::zipf_pmf(1000, 0.8).expect("valid zipf");
        let lru = expected_hit_ratio(&probs, 100, EvictionDoc::Lru).expect("lru");
        let lfu = expected_hit_ratio(&probs, 100, EvictionDoc::Lfu).expect("lfu");
        let fifo = expected_hit_ratio(&probs, 100, EvictionDoc::Fifo).expect("fifo");
        // The textbook order under the independent reference model: LFU ≥ LRU ≥ FIFO.
        assert!(
            lfu >= lru && lru >= fifo && fifo > 0.0,
            "{lfu} {lru} {fifo}"
        );
        assert!(cache_inputs(&design, &kinds[2]).is_none());
        let cdn = cache_inputs(&design, &kinds[7]).expect("a cdn with users");
        assert_eq!(cdn.items, 100);
    }
}

//! "Find the limit": one button sends the design to the worker's sweep, then the panel draws the
//! latency–throughput curve as the steps arrive, marks the knee (the limit) and names the node
//! that saturated first. A table carries the same numbers for screen readers.

use crate::i18n::course::{limit_text, Lt};
use crate::i18n::Lang;
use scalelab_worker::limit::LimitReport;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Option<LimitReport>,
    pub lang: Lang,
    /// Start a sweep with a p99 target (ms, optional) and an error-rate target (a share).
    pub on_find: Callback<(Option<f64>, f64)>,
    pub on_cancel: Callback<()>,
}

#[function_component(LimitPanel)]
pub fn limit_panel(props: &Props) -> Html {
    let lang = props.lang;
    let p99 = use_node_ref();
    let errors = use_node_ref();
    let onclick = {
        let (p99, errors, on_find) = (p99.clone(), errors.clone(), props.on_find.clone());
        Callback::from(move |_: MouseEvent| {
            let read = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .and_then(|i| i.value().trim().parse::<f64>().ok())
            };
            let target_p99 = read(&p99).filter(|v| *v > 0.0);
            let error_rate = read(&errors).map_or(0.001, |pct| (pct / 100.0).clamp(0.0, 1.0));
            on_find.emit((target_p99, error_rate));
        })
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    let running = props.report.as_ref().is_some_and(|r| !r.done);
    html! {
        <section id="limit" class="limit" aria-label={limit_text(lang, Lt::Title)}>
            <h3>{ limit_text(lang, Lt::Title) }</h3>
            <p class="hint">{ limit_text(lang, Lt::Hint) }</p>
            <div class="limit-controls">
                <label>{ limit_text(lang, Lt::TargetP99) }
                    <input id="limit-p99" ref={p99} type="number" min="1" placeholder="—" /></label>
                <label>{ limit_text(lang, Lt::TargetErrors) }
                    <input id="limit-errors" ref={errors} type="number" min="0" max="100" step="0.1" value="0.1" /></label>
                if running {
                    <button id="cancel-limit" onclick={cancel}>{ limit_text(lang, Lt::Cancel) }</button>
                } else {
                    <button id="find-limit" class="primary" {onclick}>{ limit_text(lang, Lt::Find) }</button>
                }
            </div>
            if let Some(report) = &props.report {
                { result(report, lang) }
            }
        </section>
    }
}

fn result(r: &LimitReport, lang: Lang) -> Html {
    let state = match (&r.error, r.done) {
        (Some(_), _) => "error",
        (None, true) => "done",
        (None, false) => "running",
    };
    let status = match (&r.error, r.done) {
        (Some(e), _) => format!("{} {e}", limit_text(lang, Lt::Failed)),
        (None, false) => limit_text(lang, Lt::Running).replace("{n}", &r.points.len().to_string()),
        (None, true) => {
            let limit = r
                .limit_rps
                .map_or("—".to_string(), |l| format!("{l:.0} req/s"));
            let first = r.first_saturated.clone().unwrap_or_else(|| "—".into());
            limit_text(lang, Lt::Result)
                .replace("{limit}", &limit)
                .replace("{first}", &first)
        }
    };
    html! {
        <div class="limit-result">
            <p id="limit-status" role="status" data-state={state}
                data-limit={r.limit_rps.map_or(String::new(), |l| format!("{l:.3}"))}
                data-first={r.first_saturated.clone().unwrap_or_default()}>{ status }</p>
            { curve(r, lang) }
            <table id="limit-table">
                <thead><tr>
                    <th>{ limit_text(lang, Lt::Offered) }</th><th>{ limit_text(lang, Lt::Throughput) }</th>
                    <th>{ "p50" }</th><th>{ "p99" }</th><th>{ limit_text(lang, Lt::Errors) }</th>
                    <th>{ limit_text(lang, Lt::Busiest) }</th><th>{ limit_text(lang, Lt::Meets) }</th>
                </tr></thead>
                <tbody>{ for r.points.iter().map(|p| html! {
                    <tr data-rate={format!("{:.3}", p.rate_rps)} data-meets={p.meets.to_string()}>
                        <td>{ format!("{:.1}", p.rate_rps) }</td><td>{ format!("{:.1}", p.throughput_rps) }</td>
                        <td>{ format!("{:.1} ms", p.p50_ms) }</td><td>{ format!("{:.1} ms", p.p99_ms) }</td>
                        <td>{ format!("{:.2} %", p.error_rate * 100.0) }</td>
                        <td>{ format!("{} {:.0} %", p.busiest.clone().unwrap_or_default(), p.busiest_utilization * 100.0) }</td>
                        <td>{ if p.meets { limit_text(lang, Lt::Yes) } else { limit_text(lang, Lt::No) } }</td>
                    </tr>
                }) }</tbody>
            </table>
        </div>
    }
}

/// p99 against throughput, one dot per step (filled where the targets held), the knee circled.
fn curve(r: &LimitReport, lang: Lang) -> Html {
    if r.points.is_empty() {
        return html! {};
    }
    let (w, h, pad) = (320.0, 160.0, 30.0);
    let max_x = r
        .points
        .iter()
        .map(|p| p.throughput_rps)
        .fold(1.0, f64::max)
        * 1.05;
    let max_y = r.points.iter().map(|p| p.p99_ms).fold(1.0, f64::max) * 1.05;
    let at = |x: f64, y: f64| {
        (
            pad + x / max_x * (w - pad - 5.0),
            h - pad + 5.0 - y / max_y * (h - pad),
        )
    };
    let line: String = r
        .points
        .iter()
        .map(|p| {
            let (x, y) = at(p.throughput_rps, p.p99_ms);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let knee = r
        .limit_rps
        .and_then(|l| r.points.iter().find(|p| (p.rate_rps - l).abs() < 1e-9));
    html! {
        <svg id="limit-curve" class="limit-curve" viewBox={format!("0 0 {w} {h}")} role="img"
            aria-label={limit_text(lang, Lt::Curve)}>
            <line x1={pad.to_string()} y1={(h - pad + 5.0).to_string()} x2={(w - 5.0).to_string()} y2={(h - pad + 5.0).to_string()} class="axis" />
            <line x1={pad.to_string()} y1="5" x2={pad.to_string()} y2={(h - pad + 5.0).to_string()} class="axis" />
            <text x={(w - 5.0).to_string()} y={(h - 8.0).to_string()} text-anchor="end">{ format!("{} (max {max_x:.0} req/s)", limit_text(lang, Lt::Throughput)) }</text>
            <text x="2" y="12">{ format!("p99 (max {max_y:.0} ms)") }</text>
            <polyline points={line} class="curve" fill="none" />
            { for r.points.iter().map(|p| {
                let (x, y) = at(p.throughput_rps, p.p99_ms);
                html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="3" class={if p.meets { "meets" } else { "fails" }} /> }
            }) }
            if let Some(k) = knee {
                { { let (x, y) = at(k.throughput_rps, k.p99_ms); html! {
                    <g id="limit-knee">
                        <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="7" class="knee" fill="none" />
                        <text x={format!("{:.1}", x + 9.0)} y={format!("{:.1}", y.max(20.0))}>{ format!("{} {:.0}", limit_text(lang, Lt::Knee), k.rate_rps) }</text>
                    </g>
                } } }
            }
        </svg>
    }
}

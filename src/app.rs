//! The app shell: one screen with the canvas, run and traffic controls, live numbers and charts.
//! All side effects (worker, URL, storage) live in the effects of [`App`]; the reducer in
//! `state.rs` stays pure.

use crate::canvas::Topology;
use crate::charts::{Chart, ChartKind};
use crate::i18n::{decode_error, t, Key, Lang};
use crate::state::{Action, AppState, Notice, RunState};
use crate::storage;
use gloo::worker::{Spawnable, WorkerBridge};
use scalelab_design::{lower, Design, NodeParams};
use scalelab_engine::SimDuration;
use scalelab_worker::{SimWorker, Speed, WorkerOutput};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Reads the starting design: the link's if it decodes, otherwise the default, with a message
/// saying why; the last good design from storage is offered when it differs.
fn initial_state() -> AppState {
    let lang = storage::browser_language().map_or(Lang::En, |tag| Lang::from_tag(&tag));
    let saved = storage::saved_design();
    let (design, notice) = match storage::design_from_url() {
        Some(Ok(design)) => (design, None),
        Some(Err(err)) => (Design::single_server(), Some(Notice::BadLink(err))),
        None => (Design::single_server(), None),
    };
    let offer = saved.filter(|saved| *saved != design);
    AppState::new(design, lang, notice, offer)
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let bridge = use_mut_ref(|| None::<WorkerBridge<SimWorker>>);
    let delivered = use_mut_ref(|| 0u64);
    let dark = use_state(prefers_dark);

    // Effect: start the worker once and feed its messages to the reducer.
    {
        let bridge = bridge.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let spawned = SimWorker::spawner()
                .callback(move |wire: String| {
                    let output = WorkerOutput::from_wire(&wire)
                        .unwrap_or_else(|message| WorkerOutput::Error { message });
                    dispatcher.dispatch(Action::FromWorker(output));
                })
                .spawn("./scalelab_worker.js");
            *bridge.borrow_mut() = Some(spawned);
            move || {
                bridge.borrow_mut().take();
            }
        });
    }
    // Effect: deliver every queued message to the worker, each exactly once.
    {
        let bridge = bridge.clone();
        use_effect_with(state.outbox.clone(), move |outbox| {
            if let Some(bridge) = bridge.borrow().as_ref() {
                let mut next = delivered.borrow_mut();
                for (seq, input) in outbox.iter() {
                    if *seq >= *next {
                        bridge.send(input.to_wire());
                        *next = seq + 1;
                    }
                }
            }
        });
    }
    // Effect: the address bar always holds the current design; a design that lowers cleanly is
    // also remembered as the last good one.
    use_effect_with(state.design.clone(), move |design| {
        storage::write_url(design);
        if lower(design, SimDuration::ZERO).is_ok() {
            storage::save_design(design);
        }
    });
    // Effect: the document's language follows the UI's.
    use_effect_with(state.lang, |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.code());
        }
    });

    let lang = state.lang;
    let cb = |action: Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(action.clone()))
    };
    let (users, rate) = match state.users_index().map(|i| &state.design.nodes[i].params) {
        Some(NodeParams::Users {
            users, rate_rps, ..
        }) => (*users, *rate_rps),
        _ => (0, 0.0),
    };
    let on_rate = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(value) = input.value().parse::<f64>() {
                dispatcher.dispatch(Action::SetRate(value));
            }
        })
    };
    let on_users = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(value) = input.value().parse::<u32>() {
                dispatcher.dispatch(Action::SetUsers(value));
            }
        })
    };
    let on_speed = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let speed = match select.value().as_str() {
                "max" => Speed::Max,
                other => Speed::Times(other.parse().unwrap_or(5.0)),
            };
            dispatcher.dispatch(Action::SetSpeed(speed));
        })
    };
    let speed_value = match state.speed {
        Speed::Max => "max".to_string(),
        Speed::Times(x) => format!("{x}"),
    };
    let server_index = state
        .design
        .nodes
        .iter()
        .position(|n| matches!(n.params, NodeParams::Server { .. }));
    let server_up = server_index
        .and_then(|i| {
            state
                .latest()
                .and_then(|w| w.nodes.iter().find(|n| n.id as usize == i))
                .map(|n| n.up)
        })
        .unwrap_or(true);
    let capacity = server_index.and_then(|i| match &state.design.nodes[i].params {
        NodeParams::Server {
            workers,
            service_ms,
            ..
        } => Some(*workers as f64 / (service_ms / 1e3)),
        _ => None,
    });
    let status = match state.run {
        RunState::Idle => t(lang, Key::Idle),
        RunState::Running => t(lang, Key::Running),
        RunState::Paused => t(lang, Key::Paused),
    };

    html! {
        <div class={classes!("app", dark.then_some("dark"))}>
            <header>
                <h1>{ t(lang, Key::AppTitle) }<small>{ t(lang, Key::Tagline) }</small></h1>
                <div class="header-actions">
                    <button id="lang" onclick={cb(Action::SetLang(lang.other()))}>{ t(lang, Key::Language) }</button>
                    <button id="theme" aria-pressed={dark.to_string()}
                        onclick={{ let dark = dark.clone(); Callback::from(move |_| dark.set(!*dark)) }}>{ if *dark { "☀" } else { "☾" } }</button>
                </div>
            </header>
            { notice_view(&state, lang) }
            <main>
                <section class="stage">
                    <h2 id="stage-title">{ t(lang, Key::StageSingleServer) }</h2>
                    <p class="lesson">{ t(lang, Key::StageLesson) }</p>
                    <Topology design={state.design.clone()} latest={state.latest().cloned()} lang={lang} />
                    <div class="controls" role="toolbar">
                        if state.run == RunState::Running {
                            <button id="pause" onclick={cb(Action::Pause)}>{ "❚❚ " }{ t(lang, Key::Pause) }</button>
                        } else {
                            <button id="start" class="primary" onclick={cb(Action::Play)}>{ "▶ " }{ t(lang, Key::Start) }</button>
                        }
                        <button id="step" onclick={cb(Action::Step)}>{ t(lang, Key::Step) }</button>
                        <button id="reset" onclick={cb(Action::Reset)}>{ t(lang, Key::Reset) }</button>
                        <label>{ t(lang, Key::Speed) }
                            <select id="speed" onchange={on_speed}>
                                { for ["1", "5", "20", "100", "max"].iter().map(|v| html! {
                                    <option value={*v} selected={speed_value == *v}>{ if *v == "max" { t(lang, Key::SpeedMax).to_string() } else { format!("{v}×") } }</option>
                                }) }
                            </select>
                        </label>
                        <span class="status" id="run-status" data-state={format!("{:?}", state.run).to_lowercase()}>{ status }</span>
                        if let Some(i) = server_index {
                            if server_up {
                                <button id="kill-server" class="fault" onclick={cb(Action::Kill(i))}>{ t(lang, Key::KillServer) }</button>
                            } else {
                                <button id="restore-server" onclick={cb(Action::Restore(i))}>{ t(lang, Key::RestoreServer) }</button>
                            }
                        }
                    </div>
                    <div class="traffic">
                        <label for="rate">{ t(lang, Key::RequestsPerSecond) }{ ": " }
                            <output id="rate-value">{ format!("{rate:.0}") }</output></label>
                        <input id="rate" type="range" min="0" max="300" step="5" value={format!("{rate}")} oninput={on_rate} />
                        <label for="users">{ t(lang, Key::Users) }</label>
                        <input id="users" type="number" min="1" max="10000000" value={users.to_string()} onchange={on_users} />
                        if let Some(capacity) = capacity {
                            <span class="capacity">{ format!("{}: {capacity:.0} req/s", t(lang, Key::Capacity)) }</span>
                        }
                    </div>
                </section>
                <section class="dashboard">
                    { live_numbers(&state, lang) }
                    <Chart kind={ChartKind::Latency} windows={state.windows.clone()} lang={lang} dark={*dark} />
                    <Chart kind={ChartKind::Throughput} windows={state.windows.clone()} lang={lang} dark={*dark} />
                    { table_view(&state, lang) }
                </section>
            </main>
        </div>
    }
}

fn notice_view(state: &UseReducerHandle<AppState>, lang: Lang) -> Html {
    let on = |action: Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(action.clone()))
    };
    let restore = state.saved_offer.is_some();
    let message = match &state.notice {
        Some(Notice::BadLink(err)) => Some(html! {
            <>
                <strong>{ decode_error(lang, err) }</strong>{ " " }{ t(lang, Key::DefaultLoaded) }
                <details><summary>{ "…" }</summary><code>{ err.to_string() }</code></details>
            </>
        }),
        Some(Notice::Invalid(problems)) => Some(html! {
            <>
                <strong>{ t(lang, Key::InvalidDesign) }</strong>
                <ul>{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
            </>
        }),
        Some(Notice::WorkerError(message)) => Some(html! {
            <><strong>{ t(lang, Key::WorkerFailed) }</strong>{ " " }<code>{ message }</code></>
        }),
        None => None,
    };
    if message.is_none() && !restore {
        return html! {};
    }
    html! {
        <div id="notice" class="notice" role="alert">
            { message.unwrap_or_default() }
            <span class="notice-actions">
                if restore {
                    <button id="restore-saved" onclick={on(Action::RestoreSaved)}>{ t(lang, Key::RestoreSaved) }</button>
                }
                <button id="dismiss" onclick={on(Action::DismissNotice)}>{ t(lang, Key::Dismiss) }</button>
            </span>
        </div>
    }
}

fn live_numbers(state: &AppState, lang: Lang) -> Html {
    let latest = state.latest();
    let item = |id: &str, label: String, value: f64, text: String| {
        html! {
            <div class="metric" id={id.to_string()} data-value={format!("{value}")}>
                <dt>{ label }</dt><dd>{ text }</dd>
            </div>
        }
    };
    let lat = latest.map(|w| w.latency).unwrap_or_default();
    let errors = latest.map(|w| w.errors).unwrap_or_default();
    let per_s = |n: u64| latest.map_or(0.0, |w| n as f64 / w.len_s.max(1e-9));
    let throughput = latest.map_or(0.0, |w| w.throughput_rps);
    let utilization = latest
        .and_then(|w| w.nodes.first())
        .map_or(0.0, |n| n.utilization);
    let cost = state.totals.cost_per_hour_usd;
    html! {
        <dl class="live" id="live" data-windows={state.windows.len().to_string()}>
            { item("m-time", t(lang, Key::SimTime).into(), state.totals.sim_time_s, format!("{:.0} s", state.totals.sim_time_s)) }
            { item("m-p50", "p50".into(), lat.p50_ms, format!("{:.0} ms", lat.p50_ms)) }
            { item("m-p95", "p95".into(), lat.p95_ms, format!("{:.0} ms", lat.p95_ms)) }
            { item("m-p99", "p99".into(), lat.p99_ms, format!("{:.0} ms", lat.p99_ms)) }
            { item("m-throughput", t(lang, Key::Throughput).into(), throughput, format!("{throughput:.0}/s")) }
            { item("m-errors", t(lang, Key::Errors).into(), per_s(errors.total()),
                format!("{:.0}/s ({} {:.0} · {} {:.0} · {} {:.0} · {} {:.0})", per_s(errors.total()),
                    t(lang, Key::Timeouts), per_s(errors.timeout), t(lang, Key::Rejected), per_s(errors.rejected),
                    t(lang, Key::NodeDown), per_s(errors.node_down), t(lang, Key::NoRoute), per_s(errors.no_route))) }
            { item("m-util", t(lang, Key::Utilization).into(), utilization, format!("{:.0}%", utilization * 100.0)) }
            { item("m-cost", t(lang, Key::Cost).into(), cost,
                format!("${cost:.3} {} · ${:.0} {}", t(lang, Key::PerHour), cost * scalelab_engine::prices::HOURS_PER_MONTH, t(lang, Key::PerMonth))) }
        </dl>
    }
}

/// The charts' numbers as a table, newest window first: the accessible view of the same data.
fn table_view(state: &AppState, lang: Lang) -> Html {
    let rows = state.windows.iter().rev().take(30).map(|w| {
        html! {
            <tr data-start={format!("{}", w.start_s)} data-p99={format!("{}", w.latency.p99_ms)}
                data-errors={w.errors.total().to_string()} data-throughput={format!("{}", w.throughput_rps)}>
                <td>{ format!("{:.0}", w.start_s + w.len_s) }</td>
                <td>{ format!("{:.1}", w.latency.p50_ms) }</td>
                <td>{ format!("{:.1}", w.latency.p95_ms) }</td>
                <td>{ format!("{:.1}", w.latency.p99_ms) }</td>
                <td>{ format!("{:.0}", w.throughput_rps) }</td>
                <td>{ w.errors.total() }</td>
            </tr>
        }
    });
    html! {
        <details class="table-view" id="table-view">
            <summary>{ t(lang, Key::TableView) }</summary>
            <table id="windows-table">
                <thead><tr>
                    <th>{ format!("{} (s)", t(lang, Key::SimTime)) }</th><th>{ "p50 ms" }</th><th>{ "p95 ms" }</th>
                    <th>{ "p99 ms" }</th><th>{ t(lang, Key::Throughput) }</th><th>{ t(lang, Key::Errors) }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </details>
    }
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

//! The live dashboard: headline numbers, one chart per mechanism the design has (each redrawn at
//! most once per animation frame, and only when its numbers changed), values on hover, a table
//! view per chart built from the same series, and a CSV export of every window. The two or three
//! charts that matter for the design come first and small enough to share the screen with the
//! canvas; the rest (bill, tallies, other charts, export) follow below them.

use crate::charts::{self, ChartData, ChartId, Layout, ModelNode};
use crate::i18n::dashboard::{bill_line_text, text, Text};
use crate::i18n::Lang;
use scalelab_design::Design;
use scalelab_engine::prices::HOURS_PER_MONTH;
use scalelab_engine::{Counters, WindowStats};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlAnchorElement, HtmlCanvasElement};
use yew::prelude::*;

/// Rows in each table view: the newest windows, enough to read a trend without making every
/// snapshot re-render hundreds of rows.
const TABLE_ROWS: usize = 30;

/// The canvas size in pixels of the charts below the main ones; CSS scales it to the column.
const CANVAS_W: u32 = 560;
const CANVAS_H: u32 = 240;
/// The main charts' height in pixels (their width is their column's, so text is drawn 1:1).
const MAIN_H: u32 = 132;
const MAIN_H_PHONE: u32 = 118;

/// The charts that tell the current design's story, first and beside the headline numbers:
/// latency and throughput, and the mechanism the design adds (jobs, a cache's hits, replication
/// or the servers' load). Two on a phone.
pub fn main_charts(design: &Design, phone: bool) -> Vec<ChartId> {
    let applicable = charts::applicable(design);
    let third = [
        ChartId::Jobs,
        ChartId::HitRatio,
        ChartId::Replication,
        ChartId::Utilization,
    ]
    .into_iter()
    .find(|id| applicable.contains(id));
    let mut main = vec![ChartId::Latency, ChartId::Throughput];
    if !phone {
        main.extend(third);
    }
    main
}

/// The pixel size of a main chart: its share of the room right of the headline numbers (all
/// the width on a phone), from the window's width (app.css lays the columns out the same way).
fn main_chart_size(count: usize, phone: bool) -> (u32, u32) {
    let width = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(1280.0);
    if phone {
        return ((width - 26.0).max(200.0) as u32, MAIN_H_PHONE);
    }
    // Page padding, palette column, headline column, gaps and a scrollbar (app.css).
    let room = width - 20.0 - 112.0 - 250.0 - 30.0 - 16.0;
    let each = room / count.max(1) as f64 - 12.0;
    (each.clamp(220.0, 560.0) as u32, MAIN_H)
}

#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    pub windows: Rc<Vec<WindowStats>>,
    /// The mechanism counts since the run started.
    pub totals: Counters,
    pub design: Design,
    pub lang: Lang,
    pub dark: bool,
    /// A phone's layout: two main charts across the whole width.
    #[prop_or_default]
    pub phone: bool,
    /// Shown between the main charts and the rest: the run's event log.
    #[prop_or_default]
    pub children: Html,
    /// A moment (simulated seconds) chosen in the event log: a cursor on every time chart and
    /// its window's row in their tables.
    #[prop_or_default]
    pub moment: Option<f64>,
}

#[derive(Properties, PartialEq)]
pub struct HeadlineProps {
    pub windows: Rc<Vec<WindowStats>>,
    pub design: Design,
    pub lang: Lang,
}

/// The headline numbers of the latest window, on their own so the layout can put them beside
/// the canvas and the main charts.
#[function_component(Headline)]
pub fn headline(props: &HeadlineProps) -> Html {
    live_numbers(
        &props.windows,
        &charts::model_nodes(&props.design),
        props.lang,
    )
}

#[function_component(Dashboard)]
pub fn dashboard(props: &DashboardProps) -> Html {
    let lang = props.lang;
    let percentiles = use_state_eq(|| [true; 3]);
    // The secondary chart shown in the tabs, per design (by name) for this session.
    let tabs = use_state_eq(std::collections::BTreeMap::<String, ChartId>::new);
    let exported = use_state_eq(|| false);
    let csv_anchor = use_node_ref();
    let csv_url = use_mut_ref(|| None::<String>);

    let nodes = charts::model_nodes(&props.design);
    let tail = charts::shown(&props.windows);
    // Built afresh on every render; each chart component compares its data by value, so a chart
    // whose numbers did not change is neither re-rendered nor redrawn.
    let data: Vec<Rc<ChartData>> = charts::applicable(&props.design)
        .into_iter()
        .map(|id| Rc::new(charts::chart_data(id, tail, &props.design, &nodes, lang)))
        .collect();

    let on_toggle = {
        let percentiles = percentiles.clone();
        Callback::from(move |i: usize| {
            let mut next = *percentiles;
            if let Some(shown) = next.get_mut(i) {
                *shown = !*shown;
            }
            percentiles.set(next);
        })
    };
    let on_export = {
        let windows = props.windows.clone();
        let design = props.design.clone();
        let anchor = csv_anchor.clone();
        let exported = exported.clone();
        Callback::from(move |_: MouseEvent| {
            let csv = crate::csv::windows_to_csv(&windows, &design);
            let Some(url) = blob_url(&csv) else { return };
            if let Some(a) = anchor.cast::<HtmlAnchorElement>() {
                // The anchor keeps this href, so the file can be downloaded again (and a test can
                // fetch it) until the next export replaces it.
                a.set_href(&url);
                a.click();
            }
            let old = csv_url.borrow_mut().replace(url);
            if let Some(old) = old {
                let _ = web_sys::Url::revoke_object_url(&old);
            }
            exported.set(true);
        })
    };

    let find = |id: ChartId| data.iter().find(|d| d.id == id);
    let main = main_charts(&props.design, props.phone);
    let main_size = main_chart_size(main.len(), props.phone);
    // A main chart's table opens from a short link beside its caption.
    let short = |long: &str| {
        if main.contains(&ChartId::Throughput) {
            crate::i18n::screen::text(lang, crate::i18n::screen::Text::Table).to_string()
        } else {
            long.to_string()
        }
    };
    // The secondary charts, behind tabs: the one chosen for this design, else the first.
    let rest: Vec<ChartId> = data
        .iter()
        .map(|d| d.id)
        .filter(|id| !main.contains(id))
        .collect();
    let current = tabs
        .get(&props.design.name)
        .copied()
        .filter(|id| rest.contains(id))
        .or_else(|| rest.first().copied());
    let chart_html = |d: &Rc<ChartData>| {
        let slug = d.id.slug();
        let (visible, toggle) = if d.id == ChartId::Latency {
            (percentiles.to_vec(), Some(on_toggle.clone()))
        } else {
            (vec![true; d.series.len()], None)
        };
        // Latency and throughput share the one table the browser tests read, under the
        // throughput chart; every other chart has its own.
        let table = match d.id {
            ChartId::Latency => html! {},
            ChartId::Throughput => {
                let both: Vec<&ChartData> = [find(ChartId::Latency), Some(d)]
                    .into_iter()
                    .flatten()
                    .map(|d| d.as_ref())
                    .collect();
                html! {
                    <details class="table-view" id="table-view">
                        <summary>{ short(text(lang, Text::TableView)) }</summary>
                        { table_view("windows-table", &both, Some(tail), props.moment, lang) }
                    </details>
                }
            }
            _ => html! {
                <details class="table-view" id={format!("table-view-{slug}")}>
                    <summary>{ if main.contains(&d.id) { short(text(lang, Text::TableView)) } else { format!("{} · {}", text(lang, Text::TableOf), d.title) } }</summary>
                    { table_view(&format!("table-{slug}"), &[d.as_ref()], None, props.moment, lang) }
                </details>
            },
        };
        let is_main = main.contains(&d.id);
        let size = if is_main {
            main_size
        } else {
            (CANVAS_W, CANVAS_H)
        };
        // A secondary chart is a tab panel; a hidden one is not drawn until it is shown.
        let active = is_main || Some(d.id) == current;
        html! {
            <section class="dash-chart" key={slug} id={(!is_main).then(|| format!("tabpanel-{slug}"))}
                role={(!is_main).then_some("tabpanel")} aria-labelledby={(!is_main).then(|| format!("tab-{slug}"))}
                hidden={!active}>
                <ChartView data={d.clone()} {visible} dark={props.dark} {lang} on_toggle={toggle} {size} {active}
                    moment={props.moment} />
                { table }
            </section>
        }
    };
    // The main charts in their order, then every other one in the dashboard's, behind tabs.
    let main_html = main
        .iter()
        .filter_map(|id| data.iter().find(|d| d.id == *id))
        .map(chart_html);
    let rest_html = data
        .iter()
        .filter(|d| !main.contains(&d.id))
        .map(chart_html);
    let choose_tab = {
        let tabs = tabs.clone();
        let name = props.design.name.clone();
        move |id: ChartId| {
            let mut next = (*tabs).clone();
            next.insert(name.clone(), id);
            tabs.set(next);
        }
    };
    let tab_list = rest.iter().enumerate().map(|(i, &id)| {
        let slug = id.slug();
        let selected = Some(id) == current;
        let onclick = {
            let choose = choose_tab.clone();
            Callback::from(move |_: MouseEvent| choose(id))
        };
        // Arrow keys move along the tabs (and wrap), Home and End to either end, as the ARIA
        // tabs pattern has it; the chosen tab takes the focus.
        let onkeydown = {
            let choose = choose_tab.clone();
            let rest = rest.clone();
            Callback::from(move |e: KeyboardEvent| {
                let n = rest.len();
                let to = match e.key().as_str() {
                    "ArrowRight" | "ArrowDown" => (i + 1) % n,
                    "ArrowLeft" | "ArrowUp" => (i + n - 1) % n,
                    "Home" => 0,
                    "End" => n - 1,
                    _ => return,
                };
                e.prevent_default();
                choose(rest[to]);
                let id = format!("tab-{}", rest[to].slug());
                if let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&id))
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            })
        };
        let title = data.iter().find(|d| d.id == id).map_or("", |d| d.title);
        html! {
            <button role="tab" id={format!("tab-{slug}")} class="chart-tab" aria-selected={selected.to_string()}
                aria-controls={format!("tabpanel-{slug}")} tabindex={if selected { "0" } else { "-1" }}
                data-chart={slug} {onclick} {onkeydown}>
                { title }
            </button>
        }
    });

    html! {
        <div class="dash" id="dashboard">
            <div class="dash-main" style={format!("--main-charts:{}", main.len())}>{ for main_html }</div>
            { props.children.clone() }
            <p class="dash-hint">{ text(lang, Text::HoverHint) }</p>
            { tally_view(&charts::tallies(&props.totals, &props.design), lang) }
            { bill_view(props.windows.last(), &nodes, lang) }
            if !rest.is_empty() {
                <div class="chart-tabs" role="tablist" id="chart-tabs"
                    aria-label={crate::i18n::screen2::text(lang, crate::i18n::screen2::Text::MoreCharts)}>
                    { for tab_list }
                </div>
            }
            <div class="dash-grid">{ for rest_html }</div>
            <div class="dash-export">
                <button id="export-csv" onclick={on_export} disabled={props.windows.is_empty()}>
                    { "⤓ " }{ text(lang, Text::ExportCsv) }
                </button>
                <a id="csv-link" class="csv-link" ref={csv_anchor} download="scalelab-run.csv"
                    hidden={!*exported}>{ text(lang, Text::CsvReady) }</a>
            </div>
        </div>
    }
}

/// The headline numbers of the latest window, with the ids and `data-value`s the browser tests
/// read.
fn live_numbers(windows: &[WindowStats], nodes: &[ModelNode], lang: Lang) -> Html {
    let latest = windows.last();
    let item = |id: &str, label: String, value: f64, shown: String| {
        html! {
            <div class="metric" id={id.to_string()} data-value={format!("{value}")} title={shown.clone()}>
                <dt>{ label }</dt><dd>{ shown }</dd>
            </div>
        }
    };
    // Simulated time is the end of the last window: the worker reports in whole windows.
    let time = latest.map_or(0.0, |w| w.start_s + w.len_s);
    let lat = latest.map(|w| w.latency).unwrap_or_default();
    let errors = latest.map(|w| w.errors).unwrap_or_default();
    let per_s = |n: u64| latest.map_or(0.0, |w| n as f64 / w.len_s.max(1e-9));
    let throughput = latest.map_or(0.0, |w| w.throughput_rps);
    let (util, busiest_label) = latest
        .and_then(|w| busiest(w, nodes))
        .unwrap_or((0.0, String::new()));
    let cost = latest.map_or(0.0, |w| w.cost_per_hour_usd);
    let per_month = latest.map_or(0.0, |w| w.cost_per_month_usd);
    let per_million = latest.map_or(0.0, |w| w.usd_per_million_requests);
    let tr = |key| text(lang, key);
    // The gateway's and the WAF's refusals only where a design has them.
    let mut edge_errors = String::new();
    for (key, count) in [
        (Text::RateLimited, errors.rate_limited),
        (Text::Blocked, errors.blocked),
    ] {
        if count > 0 {
            edge_errors.push_str(&format!(" · {} {:.0}", tr(key), per_s(count)));
        }
    }
    let errors_text = format!(
        "{:.0}/s ({} {:.0} · {} {:.0} · {} {:.0} · {} {:.0}{edge_errors})",
        per_s(errors.total()),
        tr(Text::Timeout),
        per_s(errors.timeout),
        tr(Text::Rejected),
        per_s(errors.rejected),
        tr(Text::NoRoute),
        per_s(errors.no_route),
        tr(Text::NodeDown),
        per_s(errors.node_down),
    );
    let util_text = if busiest_label.is_empty() {
        format!("{:.0}%", util * 100.0)
    } else {
        format!("{:.0}% ({busiest_label})", util * 100.0)
    };
    html! {
        <dl class="live" id="live" data-windows={windows.len().to_string()}>
            { item("m-time", tr(Text::SimTime).into(), time, format!("{time:.0} s")) }
            { item("m-p50", "p50".into(), lat.p50_ms, format!("{:.0} ms", lat.p50_ms)) }
            { item("m-p95", "p95".into(), lat.p95_ms, format!("{:.0} ms", lat.p95_ms)) }
            { item("m-p99", "p99".into(), lat.p99_ms, format!("{:.0} ms", lat.p99_ms)) }
            { item("m-throughput", tr(Text::Throughput).into(), throughput, format!("{throughput:.0}/s")) }
            { item("m-errors", tr(Text::Errors).into(), per_s(errors.total()), errors_text) }
            { item("m-util", tr(Text::Busiest).into(), util, util_text) }
            { item("m-cost", tr(Text::Cost).into(), cost, format!("${cost:.3} {}", tr(Text::PerHour))) }
            { item("m-cost-month", tr(Text::CostPerMonth).into(), per_month, format!("${per_month:.0} {}", tr(Text::PerMonth))) }
            { item("m-cost-million", tr(Text::CostPerMillion).into(), per_million,
                format!("${per_million:.3} {}", tr(Text::PerMillion))) }
        </dl>
    }
}

/// One line of the bill with what it costs per hour and which nodes it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct BillLine {
    /// The engine's name of the line (`instances`, `internet_egress`…).
    pub key: &'static str,
    pub usd_per_hour: f64,
    /// (node label, dollars per hour) of every node with a share of this line, largest first.
    pub nodes: Vec<(String, f64)>,
}

/// The lines of a window's bill that cost anything, in the engine's order, each with the nodes
/// it comes from.
pub fn bill_lines(w: &WindowStats, nodes: &[ModelNode]) -> Vec<BillLine> {
    let label = |id: u32| {
        nodes
            .get(id as usize)
            .map_or_else(|| format!("#{id}"), |m| m.label.clone())
    };
    w.bill
        .lines()
        .into_iter()
        .enumerate()
        .filter(|(_, (_, usd))| *usd != 0.0)
        .map(|(i, (key, usd_per_hour))| {
            let mut by_node: Vec<(String, f64)> = w
                .nodes
                .iter()
                .map(|n| (label(n.id), n.bill.lines()[i].1))
                .filter(|(_, usd)| *usd != 0.0)
                .collect();
            by_node.sort_by(|a, b| b.1.total_cmp(&a.1));
            BillLine {
                key,
                usd_per_hour,
                nodes: by_node,
            }
        })
        .collect()
}

/// Dollars with as many decimals as a small amount needs.
fn usd(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("${x:.0}")
    } else if x.abs() >= 1.0 {
        format!("${x:.2}")
    } else {
        format!("${x:.4}")
    }
}

/// The latest window's bill by line (each line's nodes on hover), and by node in a table view.
fn bill_view(latest: Option<&WindowStats>, nodes: &[ModelNode], lang: Lang) -> Html {
    let Some(w) = latest else {
        return html! {};
    };
    let lines = bill_lines(w, nodes);
    let tr = |key| text(lang, key);
    let total = w.cost_per_hour_usd;
    let rows = lines.iter().map(|line| {
        let share = if total > 0.0 { line.usd_per_hour / total } else { 0.0 };
        let from: Vec<String> = line
            .nodes
            .iter()
            .map(|(node, x)| format!("{node} {}/h", usd(*x)))
            .collect();
        html! {
            <tr data-line={line.key} data-value={format!("{}", line.usd_per_hour)} title={from.join(" · ")}>
                <th scope="row">{ bill_line_text(lang, line.key) }</th>
                <td>{ usd(line.usd_per_hour) }</td>
                <td>{ usd(line.usd_per_hour * HOURS_PER_MONTH) }</td>
                <td>{ format!("{:.0} %", share * 100.0) }</td>
            </tr>
        }
    });
    // By node: the nodes that cost anything, a column per line of the bill.
    let node_rows = w.nodes.iter().filter(|n| n.cost_per_hour_usd != 0.0).map(|n| {
        let label = nodes
            .get(n.id as usize)
            .map_or_else(|| format!("#{}", n.id), |m| m.label.clone());
        let cells = lines.iter().map(|line| {
            let x = n
                .bill
                .lines()
                .iter()
                .find(|(key, _)| *key == line.key)
                .map_or(0.0, |(_, x)| *x);
            html! { <td data-line={line.key} data-value={format!("{x}")}>{ if x == 0.0 { "–".to_string() } else { usd(x) } }</td> }
        });
        html! {
            <tr data-node={label.clone()} data-value={format!("{}", n.cost_per_hour_usd)}>
                <th scope="row">{ label }</th>{ for cells }<td>{ usd(n.cost_per_hour_usd) }</td>
            </tr>
        }
    });
    html! {
        <section class="bill" id="bill" aria-labelledby="bill-title">
            <h3 id="bill-title">{ tr(Text::BillTitle) }</h3>
            <table id="bill-table">
                <thead><tr>
                    <th scope="col">{ tr(Text::BillLine) }</th>
                    <th scope="col">{ tr(Text::DollarsPerHour) }</th>
                    <th scope="col">{ tr(Text::DollarsPerMonth) }</th>
                    <th scope="col">{ tr(Text::Share) }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
                <tfoot><tr data-line="total" data-value={format!("{total}")}>
                    <th scope="row">{ tr(Text::Total) }</th>
                    <td>{ usd(total) }</td><td>{ usd(w.cost_per_month_usd) }</td><td>{ "100 %" }</td>
                </tr></tfoot>
            </table>
            <p class="dash-hint">{ tr(Text::BillHint) }</p>
            <details class="table-view" id="bill-by-node">
                <summary>{ tr(Text::BillByNode) }</summary>
                <table id="bill-nodes">
                    <thead><tr>
                        <th scope="col">{ tr(Text::Node) }</th>
                        { for lines.iter().map(|l| html! { <th scope="col" data-line={l.key}>{ bill_line_text(lang, l.key) }</th> }) }
                        <th scope="col">{ tr(Text::Total) }</th>
                    </tr></thead>
                    <tbody>{ for node_rows }</tbody>
                </table>
            </details>
        </section>
    }
}

/// The chapter's mechanisms that apply to the design, counted since the run started, each with
/// what it means on hover (`#c-<key>` with its `data-value` for the browser tests).
fn tally_view(tallies: &[charts::Tally], lang: Lang) -> Html {
    if tallies.is_empty() {
        return html! {};
    }
    html! {
        <section class="tally" id="tally" aria-label={text(lang, Text::TallyTitle)}>
            <h3>{ text(lang, Text::TallyTitle) }</h3>
            <dl class="live">
                { for tallies.iter().map(|t| html! {
                    <div class="metric" id={format!("c-{}", t.key)} data-value={t.value.to_string()}
                        title={text(lang, t.help)}>
                        <dt>{ text(lang, t.label) }</dt><dd>{ t.shown.clone() }</dd>
                    </div>
                }) }
            </dl>
        </section>
    }
}

/// The utilisation (0..=1) and label of the busiest server-like node in a window.
fn busiest(w: &WindowStats, nodes: &[ModelNode]) -> Option<(f64, String)> {
    w.nodes
        .iter()
        .filter(|n| nodes.get(n.id as usize).is_none_or(|m| m.server_like))
        .max_by(|a, b| charts::load(a).total_cmp(&charts::load(b)))
        .map(|n| {
            let label = nodes
                .get(n.id as usize)
                .map_or_else(|| format!("#{}", n.id), |m| m.label.clone());
            (charts::load(n), label)
        })
}

/// A table of the series of `charts`, newest window first. With `windows` (the same windows the
/// series were built from), rows also carry the raw attributes the browser tests read.
fn table_view(
    id: &str,
    charts: &[&ChartData],
    windows: Option<&[WindowStats]>,
    moment: Option<f64>,
    lang: Lang,
) -> Html {
    let Some(first) = charts.first() else {
        return html! {};
    };
    let at_moment = moment.and_then(|m| first.window_of(m));
    let unit = |d: &ChartData, s: &charts::Series| match s.axis {
        charts::Axis::Left => d.left_unit,
        charts::Axis::Right => d.right_unit.unwrap_or(d.left_unit),
    };
    let header = charts.iter().flat_map(|d| {
        d.series.iter().map(move |s| {
            let label = if s.label.contains(unit(d, s)) {
                s.label.clone()
            } else {
                format!("{} ({})", s.label, unit(d, s))
            };
            html! { <th scope="col" data-series={s.key.clone()}>{ label }</th> }
        })
    });
    // The newest windows, and the moment's window below them when it is older.
    let newest = first.xs.len().saturating_sub(TABLE_ROWS);
    let older = at_moment.filter(|&i| i < newest);
    let rows = (newest..first.xs.len()).rev().chain(older).map(|i| {
        let x = first.xs[i];
        let cells = charts.iter().flat_map(|d| {
            d.series.iter().map(move |s| {
                let v = s.values.get(i).copied().flatten();
                html! {
                    <td data-series={s.key.clone()} data-value={v.map(|v| format!("{v}")).unwrap_or_default()}>
                        { v.map_or_else(|| "–".to_string(), charts::fmt_value) }
                    </td>
                }
            })
        });
        let current = (at_moment == Some(i)).then_some("true");
        match windows.and_then(|w| w.get(i)) {
            Some(w) => html! {
                <tr key={w.index.to_string()} data-x={format!("{x}")} data-start={format!("{}", w.start_s)} aria-current={current}
                    data-p99={format!("{}", w.latency.p99_ms)} data-errors={w.errors.total().to_string()}
                    data-throughput={format!("{}", w.throughput_rps)}>
                    <th scope="row">{ format!("{x:.0}") }</th>{ for cells }
                </tr>
            },
            None => html! {
                <tr key={format!("{x}")} data-x={format!("{x}")} aria-current={current}>
                    <th scope="row">{ format!("{x:.0}") }</th>{ for cells }
                </tr>
            },
        }
    });
    html! {
        <table id={id.to_string()}>
            <thead><tr><th scope="col">{ text(lang, Text::SimTime) }</th>{ for header }</tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// A Blob URL holding `csv`; `None` if the browser refuses (the button then does nothing).
fn blob_url(csv: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(csv));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

// ----- one chart -------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct ChartViewProps {
    data: Rc<ChartData>,
    /// One flag per series; a hidden series is neither drawn nor listed in the tooltip.
    visible: Vec<bool>,
    dark: bool,
    lang: Lang,
    /// When set, legend entries are checkboxes (`#toggle-<key>`) that toggle their series.
    #[prop_or_default]
    on_toggle: Option<Callback<usize>>,
    /// The canvas's size in pixels.
    size: (u32, u32),
    /// Drawn only while shown (a secondary chart behind a tab that is not chosen is not).
    #[prop_or(true)]
    active: bool,
    /// The event log's chosen moment: a cursor line, and the tooltip on its window.
    #[prop_or_default]
    moment: Option<f64>,
}

/// What the tooltip follows. The mouse points at a place on the chart, so as windows stream in,
/// the tooltip shows whichever window is under it; the arrow keys pick a window, and the tooltip
/// stays on that window while the chart slides.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Hover {
    /// A canvas x coordinate, in canvas pixels.
    Pointer(f64),
    /// A window's end time, in simulated seconds.
    Window(f64),
    /// A moment chosen in the event log: the window it falls in.
    Moment(f64),
}

impl Hover {
    fn index(self, data: &ChartData, layout: Option<Layout>) -> Option<usize> {
        match self {
            Hover::Pointer(px) => data.nearest(layout?.x_at(px)),
            Hover::Window(x) => data.nearest(x),
            Hover::Moment(m) => data.window_of(m),
        }
    }
}

/// What the next animation frame draws: the newest data wins over any that arrived before it.
type DrawJob = (Rc<ChartData>, Vec<bool>, bool, Lang);

#[function_component(ChartView)]
fn chart_view(props: &ChartViewProps) -> Html {
    let canvas = use_node_ref();
    let layout = use_mut_ref(|| None::<Layout>);
    let job = use_mut_ref(|| None::<DrawJob>);
    let draws = use_mut_ref(|| 0u64);
    let hover = use_state_eq(|| None::<Hover>);

    {
        let canvas = canvas.clone();
        let layout = layout.clone();
        let deps = (
            props.data.clone(),
            props.visible.clone(),
            props.dark,
            props.lang,
            props.size,
            props.active,
        );
        use_effect_with(deps, move |deps| {
            if !deps.5 {
                return;
            }
            // Only the first change since the last draw queues one; later ones just replace
            // the job, so a chart is drawn at most once per frame however fast snapshots
            // arrive, and always with its newest data.
            let pending = job.borrow().is_some();
            let (data, visible, dark, lang, _, _) = deps.clone();
            *job.borrow_mut() = Some((data, visible, dark, lang));
            if !pending {
                on_next_frame(Box::new(move || {
                    let next = job.borrow_mut().take();
                    let (Some((data, visible, dark, lang)), Some(el)) =
                        (next, canvas.cast::<HtmlCanvasElement>())
                    else {
                        return;
                    };
                    // A drawing error (a canvas without a 2D context) leaves the old picture;
                    // the next change tries again.
                    if let Ok(l) = charts::draw(el.clone(), &data, &visible, dark, lang) {
                        *layout.borrow_mut() = Some(l);
                    }
                    let mut n = draws.borrow_mut();
                    *n += 1;
                    // Counted on the element so a performance test can see redraws per frame.
                    let _ = el.set_attribute("data-draws", &n.to_string());
                }));
            }
        });
    }

    let data = &props.data;
    let slug = data.id.slug();
    let shown = |i: usize| props.visible.get(i).copied().unwrap_or(true);

    let onmousemove = {
        let canvas = canvas.clone();
        let hover = hover.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let css_width = f64::from(el.client_width());
            if css_width <= 0.0 {
                return;
            }
            // The canvas is scaled by CSS: convert the mouse position to canvas pixels.
            let px = f64::from(e.offset_x()) * f64::from(el.width()) / css_width;
            hover.set(Some(Hover::Pointer(px)));
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let onblur = {
        let hover = hover.clone();
        Callback::from(move |_: FocusEvent| hover.set(None))
    };
    let onkeydown = {
        let hover = hover.clone();
        let layout = layout.clone();
        let data = data.clone();
        Callback::from(move |e: KeyboardEvent| {
            let last = data.xs.len().checked_sub(1);
            let current = (*hover).and_then(|h| h.index(&data, *layout.borrow()));
            let next = match e.key().as_str() {
                "ArrowLeft" => current.or(last).map(|i| i.saturating_sub(1)),
                "ArrowRight" => current.map(|i| (i + 1).min(last.unwrap_or(0))).or(last),
                "Home" => (!data.xs.is_empty()).then_some(0),
                "End" => last,
                "Escape" => {
                    hover.set(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            hover.set(
                next.and_then(|i| data.xs.get(i).copied())
                    .map(Hover::Window),
            );
        })
    };

    // The pointer's or the keys' window, else the event log's moment.
    let tooltip = (*hover)
        .or(props.moment.map(Hover::Moment))
        .and_then(|h| h.index(data, *layout.borrow()))
        .zip(*layout.borrow())
        .map(|(i, l)| {
            let left = (l.px_at(data.xs[i]) / l.canvas_width.max(1.0) * 100.0).clamp(0.0, 100.0);
            let rows = data
                .series
                .iter()
                .enumerate()
                .filter(|(k, _)| shown(*k))
                .map(|(_, s)| {
                    let v = s.values.get(i).copied().flatten();
                    html! {
                        <li>
                            <span class="swatch" style={format!("background:{}", charts::css_colour(s.colour, props.dark))}></span>
                            { &s.label }{ ": " }
                            <b data-series={s.key.clone()} data-value={v.map(|v| format!("{v}")).unwrap_or_default()}>
                                { v.map_or_else(|| "–".to_string(), charts::fmt_value) }
                            </b>
                        </li>
                    }
                });
            html! {
                <>
                    <div class="chart-cursor" style={format!("left:{left:.2}%")}></div>
                    <div id={format!("tooltip-{slug}")} class={classes!("chart-tooltip", (left > 55.0).then_some("flip"))}
                        role="status" style={format!("left:{left:.2}%")} data-x={format!("{}", data.xs[i])}>
                        <div class="tip-time">{ format!("{} {}", text(props.lang, Text::SimTime), charts::fmt_value(data.xs[i])) }</div>
                        <ul>{ for rows }</ul>
                    </div>
                </>
            }
        });

    let legend = data.series.iter().enumerate().map(|(i, s)| {
        let swatch = html! {
            <span class="swatch" style={format!("background:{}", charts::css_colour(s.colour, props.dark))}></span>
        };
        match &props.on_toggle {
            Some(toggle) => {
                let toggle = toggle.clone();
                let onchange = Callback::from(move |_: Event| toggle.emit(i));
                html! {
                    <li><label>
                        <input type="checkbox" id={format!("toggle-{}", s.key)} checked={shown(i)} {onchange} />
                        { swatch }{ &s.label }
                    </label></li>
                }
            }
            None => html! { <li>{ swatch }{ &s.label }</li> },
        }
    });
    let last_values = data
        .series
        .iter()
        .map(|s| {
            s.values
                .last()
                .copied()
                .flatten()
                .map(|v| format!("{v}"))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(",");
    let keys = data
        .series
        .iter()
        .map(|s| s.key.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let legend_label = if props.on_toggle.is_some() {
        text(props.lang, Text::ShowPercentile)
    } else {
        data.title
    };

    html! {
        <figure class="chart" id={format!("figure-{slug}")}>
            <figcaption>
                { data.title }
                <span class="window-label">
                    { format!(" · {} = {} s", text(props.lang, Text::Window), data.window_s) }
                </span>
            </figcaption>
            <ul class="legend" aria-label={legend_label}>{ for legend }</ul>
            <div class="chart-wrap">
                <canvas id={format!("chart-{slug}")} ref={canvas} width={props.size.0.to_string()} height={props.size.1.to_string()}
                    tabindex="0" role="img" aria-label={data.title}
                    data-windows={data.xs.len().to_string()} data-series={keys} data-last={last_values}
                    {onmousemove} {onmouseleave} {onkeydown} {onblur}></canvas>
                { tooltip.unwrap_or_default() }
                { charts::marker_overlay(data, *layout.borrow()) }
                { moment_cursor(props.moment, *layout.borrow(), props.lang) }
                if data.xs.is_empty() {
                    <p class="chart-empty">{ text(props.lang, Text::NoData) }</p>
                }
            </div>
        </figure>
    }
}

/// The event log's moment as a line across the plot, where it is on the chart's time axis.
fn moment_cursor(moment: Option<f64>, layout: Option<Layout>, lang: Lang) -> Html {
    let (Some(m), Some(l)) = (moment, layout) else {
        return html! {};
    };
    if m < l.x0 || m > l.x1 {
        return html! {};
    }
    let left = (l.px_at(m) / l.canvas_width.max(1.0) * 100.0).clamp(0.0, 100.0);
    html! {
        <div class="chart-moment" data-at={format!("{m}")} style={format!("left:{left:.2}%")}
            title={crate::i18n::screen2::text(lang, crate::i18n::screen2::Text::Moment)}></div>
    }
}

/// Charts drawn per animation frame at most. Snapshots tend to change every chart at once;
/// drawing them all in one frame makes that frame long enough to drop, while spreading them over
/// a few frames (a few tens of milliseconds, well under a window) keeps every frame short.
const DRAWS_PER_FRAME: usize = 2;

thread_local! {
    /// Draws waiting for a frame, oldest first; each chart has at most one here.
    static DRAW_QUEUE: RefCell<VecDeque<Box<dyn FnOnce()>>> = RefCell::new(VecDeque::new());
    static FRAME_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` at a coming animation frame, in order with the other charts' draws.
fn on_next_frame(f: Box<dyn FnOnce()>) {
    DRAW_QUEUE.with(|q| q.borrow_mut().push_back(f));
    if !FRAME_REQUESTED.with(Cell::get) {
        request_frame();
    }
}

fn request_frame() {
    let callback = Closure::once_into_js(run_frame);
    let requested = web_sys::window()
        .is_some_and(|w| w.request_animation_frame(callback.unchecked_ref()).is_ok());
    FRAME_REQUESTED.with(|r| r.set(requested));
    if !requested {
        // No frames to be had (no window): draw everything now rather than never.
        while let Some(f) = DRAW_QUEUE.with(|q| q.borrow_mut().pop_front()) {
            f();
        }
    }
}

fn run_frame() {
    FRAME_REQUESTED.with(|r| r.set(false));
    for _ in 0..DRAWS_PER_FRAME {
        // Popped before running, so a draw may queue another without a double borrow.
        let Some(f) = DRAW_QUEUE.with(|q| q.borrow_mut().pop_front()) else {
            break;
        };
        f();
    }
    if DRAW_QUEUE.with(|q| !q.borrow().is_empty()) {
        request_frame();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalelab_engine::NodeStats;

    fn node(id: u32, utilization: f64) -> NodeStats {
        NodeStats {
            id,
            utilization,
            ..NodeStats::default()
        }
    }

    /// The bill shows the lines that cost anything, each with the nodes it comes from; the
    /// nodes' shares add up to the line.
    #[test]
    fn bill_lines_name_their_nodes() {
        use scalelab_engine::Bill;
        let nodes = vec![
            ModelNode {
                label: "lb".into(),
                server_like: false,
                pool: false,
            },
            ModelNode {
                label: "web".into(),
                server_like: true,
                pool: false,
            },
        ];
        let node_bill = |id: u32, instances: f64, egress: f64| NodeStats {
            id,
            bill: Bill {
                instances,
                internet_egress: egress,
                ..Bill::default()
            },
            cost_per_hour_usd: instances + egress,
            ..NodeStats::default()
        };
        let w = WindowStats {
            nodes: vec![node_bill(0, 0.0225, 0.3), node_bill(1, 0.096, 0.1)],
            bill: Bill {
                instances: 0.1185,
                internet_egress: 0.4,
                ..Bill::default()
            },
            cost_per_hour_usd: 0.5185,
            ..WindowStats::default()
        };
        let lines = bill_lines(&w, &nodes);
        let keys: Vec<&str> = lines.iter().map(|l| l.key).collect();
        assert_eq!(keys, ["instances", "internet_egress"]);
        assert_eq!(
            lines[1].nodes,
            vec![("lb".to_string(), 0.3), ("web".to_string(), 0.1)]
        );
        for line in &lines {
            let sum: f64 = line.nodes.iter().map(|(_, x)| x).sum();
            assert!((sum - line.usd_per_hour).abs() < 1e-12, "{line:?}");
        }
        for (key, _) in Bill::default().lines() {
            for lang in [Lang::Ko, Lang::En] {
                assert_ne!(bill_line_text(lang, key), "?", "{key}");
            }
        }
    }

    #[test]
    fn busiest_ignores_nodes_without_workers() {
        let nodes = vec![
            ModelNode {
                label: "lb".into(),
                server_like: false,
                pool: false,
            },
            ModelNode {
                label: "web0".into(),
                server_like: true,
                pool: false,
            },
            ModelNode {
                label: "web1".into(),
                server_like: true,
                pool: false,
            },
        ];
        let w = WindowStats {
            nodes: vec![node(0, 0.99), node(1, 0.4), node(2, 0.7)],
            ..WindowStats::default()
        };
        assert_eq!(busiest(&w, &nodes), Some((0.7, "web1".to_string())));
        // A web server busy computing while few of its workers are held is the busiest.
        let mut cpu_bound = w.clone();
        cpu_bound.nodes[1].cpu_utilization = 0.9;
        assert_eq!(busiest(&cpu_bound, &nodes), Some((0.9, "web0".to_string())));
        assert_eq!(busiest(&WindowStats::default(), &nodes), None);
    }
}

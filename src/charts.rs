//! Live charts drawn with plotters on `<canvas>`: latency percentiles, and throughput with errors.
//! Each chart renders the windows it is given and nothing else.

use crate::i18n::{t, Key, Lang};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use scalelab_engine::WindowStats;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// How many of the most recent windows a chart shows.
const SHOWN: usize = 120;

/// Colour-blind-safe series colours (Okabe–Ito).
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const VERMILION: RGBColor = RGBColor(213, 94, 0);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const PURPLE: RGBColor = RGBColor(204, 121, 167);

#[derive(Clone, Copy, PartialEq)]
pub enum ChartKind {
    Latency,
    Throughput,
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub kind: ChartKind,
    pub windows: Rc<Vec<WindowStats>>,
    pub lang: Lang,
    pub dark: bool,
}

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let deps = (props.kind, props.windows.clone(), props.lang, props.dark);
        use_effect_with(deps, move |(kind, windows, lang, dark)| {
            if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                // Drawing errors (a zero-sized canvas while the page lays out) are harmless: the
                // next snapshot redraws.
                let _ = draw(element, *kind, windows, *lang, *dark);
            }
        });
    }
    let (title, id) = match props.kind {
        ChartKind::Latency => (t(props.lang, Key::LatencyChart), "chart-latency"),
        ChartKind::Throughput => (t(props.lang, Key::ThroughputChart), "chart-throughput"),
    };
    let window_s = props.windows.last().map_or(1.0, |w| w.len_s);
    html! {
        <figure class="chart">
            <figcaption>
                { title }
                <span class="window-label">{ format!(" · {} = {} s", t(props.lang, Key::Window), fmt_num(window_s)) }</span>
            </figcaption>
            <canvas id={id} ref={canvas} width="560" height="220"
                data-windows={props.windows.len().to_string()}
                role="img" aria-label={title}></canvas>
        </figure>
    }
}

fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

fn draw(
    element: HtmlCanvasElement,
    kind: ChartKind,
    windows: &[WindowStats],
    lang: Lang,
    dark: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let backend = CanvasBackend::with_canvas_object(element).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    let (bg, fg) = if dark {
        (RGBColor(24, 26, 31), RGBColor(220, 222, 228))
    } else {
        (WHITE, RGBColor(40, 40, 48))
    };
    root.fill(&bg)?;
    let shown = &windows[windows.len().saturating_sub(SHOWN)..];
    let x_end = shown.last().map_or(10.0, |w| w.start_s + w.len_s).max(10.0);
    let x_start = shown.first().map_or(0.0, |w| w.start_s).min(x_end - 10.0);
    let series: Vec<(&str, RGBColor, Vec<(f64, f64)>)> = match kind {
        ChartKind::Latency => vec![
            ("p50", BLUE, points(shown, |w| w.latency.p50_ms)),
            ("p95", ORANGE, points(shown, |w| w.latency.p95_ms)),
            ("p99", VERMILION, points(shown, |w| w.latency.p99_ms)),
        ],
        ChartKind::Throughput => vec![
            (
                t(lang, Key::Throughput),
                GREEN,
                points(shown, |w| w.throughput_rps),
            ),
            (
                t(lang, Key::Errors),
                PURPLE,
                points(shown, |w| w.errors.total() as f64 / w.len_s.max(1e-9)),
            ),
        ],
    };
    let y_max = series
        .iter()
        .flat_map(|(_, _, p)| p.iter().map(|&(_, y)| y))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.1;
    let label_style = ("sans-serif", 12).into_font().color(&fg);
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(48)
        .build_cartesian_2d(x_start..x_end, 0.0..y_max)?;
    chart
        .configure_mesh()
        .light_line_style(fg.mix(0.08))
        .bold_line_style(fg.mix(0.2))
        .axis_style(fg.mix(0.6))
        .label_style(label_style.clone())
        .x_desc(format!("{} (s)", t(lang, Key::SimTime)))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    for (name, colour, data) in series {
        chart
            .draw_series(LineSeries::new(data, colour.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(bg.mix(0.85))
        .border_style(fg.mix(0.3))
        .label_font(label_style)
        .draw()?;
    root.present()?;
    Ok(())
}

/// One point per window, at the window's end.
fn points(windows: &[WindowStats], value: impl Fn(&WindowStats) -> f64) -> Vec<(f64, f64)> {
    windows
        .iter()
        .map(|w| (w.start_s + w.len_s, value(w)))
        .collect()
}

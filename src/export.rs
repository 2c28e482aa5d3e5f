//! Pictures of a design and of a chart, each with a results card (design name, p50/p95/p99,
//! throughput, errors, cost per hour, seed, simulated time), as SVG (text stays text, in the
//! chosen language) and as PNG (the SVG drawn on a canvas; the card's numbers also travel in an
//! `iTXt` chunk). The SVG builders are pure, so the embed draws its chart with them too and the
//! tests read them natively.

use crate::charts::{self, Axis, ChartData, ChartId};
use crate::i18n::embed::{text, Text};
use crate::i18n::Lang;
use crate::state::{NODE_H, NODE_W};
use scalelab_design::Design;
use scalelab_engine::WindowStats;
use std::fmt::Write as _;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The results card's height, in picture pixels.
const CARD_H: f64 = 104.0;

/// Text and background colours of the theme (the same as `styles/app.css`).
struct Ink {
    bg: &'static str,
    fg: &'static str,
    muted: &'static str,
    node: &'static str,
    line: &'static str,
}

fn ink(dark: bool) -> Ink {
    if dark {
        Ink {
            bg: "#181a1f",
            fg: "#dcdee4",
            muted: "#9aa0ab",
            node: "#23262d",
            line: "#6b7280",
        }
    } else {
        Ink {
            bg: "#ffffff",
            fg: "#282830",
            muted: "#5f6470",
            node: "#f4f6fa",
            line: "#8a909c",
        }
    }
}

/// Load colours, light blue to dark red (the canvas's colour-blind-safe scale).
fn load_fill(load: f64) -> &'static str {
    match load {
        u if u >= 0.95 => "#b2182b",
        u if u >= 0.8 => "#ef8a62",
        u if u >= 0.5 => "#fddbc7",
        u if u > 0.0 => "#d1e5f0",
        _ => "",
    }
}

/// Escapes text for SVG content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The numbers on a results card, from the latest window (all zero before a run).
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub title: String,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub throughput: f64,
    pub errors_per_s: f64,
    pub cost_per_hour: f64,
    pub seed: u64,
    pub sim_time_s: f64,
    pub ran: bool,
}

impl Results {
    pub fn new(title: &str, design: &Design, latest: Option<&WindowStats>) -> Results {
        let w = latest.cloned().unwrap_or_default();
        Results {
            title: title.to_string(),
            p50_ms: w.latency.p50_ms,
            p95_ms: w.latency.p95_ms,
            p99_ms: w.latency.p99_ms,
            throughput: w.throughput_rps,
            errors_per_s: w.errors.total() as f64 / w.len_s.max(1e-9),
            cost_per_hour: w.cost_per_hour_usd,
            seed: design.seed,
            sim_time_s: w.start_s + w.len_s,
            ran: latest.is_some(),
        }
    }

    /// The card's lines, in `lang`: the same text in the SVG, the PNG's `iTXt` chunk and tests.
    pub fn lines(&self, lang: Lang) -> [String; 3] {
        let tr = |k| text(lang, k);
        let numbers = if self.ran {
            format!(
                "p50 {:.0} ms · p95 {:.0} ms · p99 {:.0} ms · {} {:.0}/s · {} {:.0}/s",
                self.p50_ms,
                self.p95_ms,
                self.p99_ms,
                tr(Text::Throughput),
                self.throughput,
                tr(Text::Errors),
                self.errors_per_s
            )
        } else {
            tr(Text::NoRunYet).to_string()
        };
        [
            self.title.clone(),
            numbers,
            format!(
                "{} ${:.3} · {} {} · {} {:.0} s",
                tr(Text::CostPerHour),
                self.cost_per_hour,
                tr(Text::Seed),
                self.seed,
                tr(Text::SimTime),
                self.sim_time_s
            ),
        ]
    }
}

/// The results card as an SVG group at `y`, `width` wide.
fn card(out: &mut String, results: &Results, lang: Lang, ink: &Ink, y: f64, width: f64) {
    let [title, numbers, more] = results.lines(lang);
    let _ = write!(
        out,
        r#"<g class="results-card" transform="translate(0,{y})"><rect x="12" y="8" width="{w}" height="{h}" rx="8" fill="{node}" stroke="{line}"/><text x="28" y="38" font-size="18" font-weight="600" fill="{fg}">{title}</text><text x="28" y="66" font-size="14" fill="{fg}">{numbers}</text><text x="28" y="90" font-size="13" fill="{muted}">{more} · ScaleLab</text></g>"#,
        w = width - 24.0,
        h = CARD_H - 16.0,
        node = ink.node,
        line = ink.line,
        fg = ink.fg,
        muted = ink.muted,
        title = esc(&title),
        numbers = esc(&numbers),
        more = esc(&more),
    );
}

fn svg_open(out: &mut String, width: f64, height: f64, ink: &Ink, lang: Lang) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui, -apple-system, 'Segoe UI', 'Noto Sans KR', 'Apple SD Gothic Neo', sans-serif" lang="{code}"><rect width="100%" height="100%" fill="{bg}"/>"#,
        code = lang.code(),
        bg = ink.bg,
    );
}

/// The design's canvas (nodes, connections, live load) above a results card.
pub fn design_svg(
    design: &Design,
    latest: Option<&WindowStats>,
    results: &Results,
    lang: Lang,
    dark: bool,
) -> String {
    let ink = ink(dark);
    let pad = 30.0;
    let (min_x, min_y, max_x, max_y) = design.nodes.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(a, b, c, d), n| {
            (
                a.min(n.x),
                b.min(n.y),
                c.max(n.x + NODE_W),
                d.max(n.y + NODE_H),
            )
        },
    );
    let (min_x, min_y, max_x, max_y) = if design.nodes.is_empty() {
        (0.0, 0.0, 400.0, 100.0)
    } else {
        (min_x, min_y, max_x, max_y)
    };
    let width = (max_x - min_x + 2.0 * pad).max(640.0);
    let height = max_y - min_y + 2.0 * pad + CARD_H;
    let (dx, dy) = (pad - min_x, pad - min_y);
    let mut out = String::new();
    svg_open(&mut out, width, height, &ink, lang);
    let _ = write!(
        out,
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill="{}"/></marker></defs><g class="design" transform="translate({dx},{dy})">"#,
        ink.line
    );
    for edge in &design.edges {
        let (Some(a), Some(b)) = (design.node(&edge.from), design.node(&edge.to)) else {
            continue;
        };
        let (x1, y1) = (a.x + NODE_W, a.y + NODE_H / 2.0);
        let (x2, y2) = (b.x, b.y + NODE_H / 2.0);
        let bend = ((x2 - x1).abs() / 2.0).max(30.0);
        let _ = write!(
            out,
            r#"<path d="M{x1} {y1}C{c1} {y1} {c2} {y2} {x2} {y2}" fill="none" stroke="{}" stroke-width="1.6" marker-end="url(#arrow)"/>"#,
            ink.line,
            c1 = x1 + bend,
            c2 = x2 - bend,
        );
    }
    let ids = scalelab_design::lower::model_ids(design);
    for (i, node) in design.nodes.iter().enumerate() {
        let stats = ids
            .get(i)
            .and_then(|id| latest?.nodes.iter().find(|n| n.id == *id));
        let load = stats.map_or(0.0, charts::load);
        let down = stats.is_some_and(|s| !s.up);
        let fill = match load_fill(load) {
            "" => ink.node,
            colour => colour,
        };
        // The darkest load colour needs light text, the light ones dark text in either theme.
        let fg = if fill == ink.node {
            ink.fg
        } else if load >= 0.95 {
            "#ffffff"
        } else {
            "#282830"
        };
        let stroke = if down { "#b2182b" } else { ink.line };
        let _ = write!(
            out,
            r#"<g class="node" data-node="{id}" transform="translate({x},{y})"><rect width="{NODE_W}" height="{NODE_H}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/><text x="10" y="22" font-size="13" font-weight="600" fill="{fg}">{kind}</text><text x="{idx}" y="22" font-size="12" text-anchor="end" fill="{fg}">{id}</text>"#,
            id = esc(&node.id),
            x = node.x,
            y = node.y,
            sw = if down { 3 } else { 1 },
            kind = esc(crate::i18n::kinds::kind_name(node.params.tag(), lang)),
            idx = NODE_W - 8.0,
        );
        if let Some(stats) = stats {
            let _ = write!(
                out,
                r#"<text x="10" y="48" font-size="12" fill="{fg}">{:.0}%</text>"#,
                load * 100.0
            );
            if !stats.up {
                let _ = write!(
                    out,
                    r##"<text x="{}" y="48" font-size="12" text-anchor="end" fill="{fg}">✕</text>"##,
                    NODE_W - 8.0
                );
            }
        }
        out.push_str("</g>");
    }
    out.push_str("</g>");
    card(&mut out, results, lang, &ink, height - CARD_H, width);
    out.push_str("</svg>");
    out
}

/// The chart's plot area in its own pixels.
const PLOT_L: f64 = 58.0;
const PLOT_T: f64 = 44.0;
const PLOT_B: f64 = 36.0;

/// A line chart of `data` as SVG, `width` × `height`, without a results card (the embed shows it
/// beside its numbers).
pub fn chart_svg(data: &ChartData, lang: Lang, dark: bool, width: f64, height: f64) -> String {
    let ink = ink(dark);
    let mut out = String::new();
    svg_open(&mut out, width, height, &ink, lang);
    chart_body(&mut out, data, lang, &ink, dark, width, height);
    out.push_str("</svg>");
    out
}

/// A chart above a results card.
pub fn chart_picture(data: &ChartData, results: &Results, lang: Lang, dark: bool) -> String {
    let (width, height) = (720.0, 320.0);
    let ink = ink(dark);
    let mut out = String::new();
    svg_open(&mut out, width, height + CARD_H, &ink, lang);
    chart_body(&mut out, data, lang, &ink, dark, width, height);
    card(&mut out, results, lang, &ink, height, width);
    out.push_str("</svg>");
    out
}

fn chart_body(
    out: &mut String,
    data: &ChartData,
    lang: Lang,
    ink: &Ink,
    dark: bool,
    width: f64,
    height: f64,
) {
    let right = if data.right_unit.is_some() {
        58.0
    } else {
        16.0
    };
    let (l, r, top, bottom) = (PLOT_L, width - right, PLOT_T, height - PLOT_B);
    let w = data.window_s.max(1e-3);
    let x0 = data.xs.first().map_or(0.0, |&x| (x - w).max(0.0));
    let x1 = data.xs.last().copied().unwrap_or(0.0).max(x0 + 10.0 * w);
    let top_of = |axis: Axis| {
        let max = data
            .series
            .iter()
            .filter(|s| s.axis == axis)
            .flat_map(|s| s.values.iter().flatten().copied())
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        if max > 0.0 {
            max * 1.1
        } else {
            1.0
        }
    };
    let left_top = if data.percent {
        105.0
    } else {
        top_of(Axis::Left)
    };
    let right_top = match data.right_scale {
        Some(k) => left_top * k,
        None => top_of(Axis::Right),
    };
    let px = |x: f64| l + (x - x0) / (x1 - x0).max(1e-9) * (r - l);
    let py = |v: f64, top_v: f64| bottom - v / top_v.max(1e-12) * (bottom - top);
    let _ = write!(
        out,
        r#"<g class="chart" data-chart="{slug}"><text x="{l}" y="20" font-size="15" font-weight="600" fill="{fg}">{title}</text>"#,
        slug = data.id.slug(),
        fg = ink.fg,
        title = esc(data.title),
    );
    // Grid and ticks: five steps on each axis.
    for k in 0..=4 {
        let f = f64::from(k) / 4.0;
        let y = bottom - f * (bottom - top);
        let _ = write!(
            out,
            r#"<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{line}" stroke-opacity="0.3"/><text x="{tx}" y="{ty}" font-size="11" text-anchor="end" fill="{muted}">{v}</text>"#,
            line = ink.line,
            muted = ink.muted,
            tx = l - 6.0,
            ty = y + 4.0,
            v = charts::fmt_value(f * left_top),
        );
        if data.right_unit.is_some() {
            let _ = write!(
                out,
                r#"<text x="{tx}" y="{ty}" font-size="11" fill="{muted}">{v}</text>"#,
                muted = ink.muted,
                tx = r + 6.0,
                ty = y + 4.0,
                v = charts::fmt_value(f * right_top),
            );
        }
        let x = x0 + f * (x1 - x0);
        let _ = write!(
            out,
            r#"<text x="{tx}" y="{ty}" font-size="11" text-anchor="middle" fill="{muted}">{x:.0}</text>"#,
            muted = ink.muted,
            tx = px(x),
            ty = bottom + 16.0,
        );
    }
    let _ = write!(
        out,
        r#"<text x="{cx}" y="{ty}" font-size="11" text-anchor="middle" fill="{muted}">{xdesc}</text><text x="{l}" y="{uy}" font-size="11" fill="{muted}">{unit}</text>"#,
        cx = (l + r) / 2.0,
        ty = height - 4.0,
        muted = ink.muted,
        xdesc = esc(crate::i18n::dashboard::text(
            lang,
            crate::i18n::dashboard::Text::SimTime
        )),
        uy = top - 6.0,
        unit = esc(data.left_unit),
    );
    if let Some(unit) = data.right_unit {
        let _ = write!(
            out,
            r#"<text x="{r}" y="{uy}" font-size="11" text-anchor="end" fill="{muted}">{unit}</text>"#,
            uy = top - 6.0,
            muted = ink.muted,
            unit = esc(unit),
        );
    }
    // Legend on the title line, right-aligned entries from the title's end.
    let mut lx = l + 14.0 + 8.5 * data.title.chars().count() as f64;
    for s in &data.series {
        let colour = charts::css_colour(s.colour, dark);
        let _ = write!(
            out,
            r#"<rect x="{lx}" y="10" width="10" height="10" fill="{colour}"/><text x="{tx}" y="19" font-size="11" fill="{fg}">{label}</text>"#,
            tx = lx + 14.0,
            fg = ink.fg,
            label = esc(&s.label),
        );
        lx += 24.0 + 6.5 * s.label.chars().count() as f64;
    }
    for s in &data.series {
        let top_v = match s.axis {
            Axis::Left => left_top,
            Axis::Right => right_top,
        };
        let colour = charts::css_colour(s.colour, dark);
        // A gap in the data (None) breaks the line rather than bridging it.
        let mut points = String::new();
        let flush = |points: &mut String, out: &mut String| {
            if !points.is_empty() {
                let _ = write!(
                    out,
                    r#"<polyline data-series="{key}" fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>"#,
                    key = esc(&s.key),
                );
                points.clear();
            }
        };
        for (x, v) in data.xs.iter().zip(&s.values) {
            match v {
                Some(v) if v.is_finite() => {
                    let _ = write!(points, "{:.1},{:.1} ", px(*x), py(*v, top_v));
                }
                _ => flush(&mut points, out),
            }
        }
        flush(&mut points, out);
    }
    out.push_str("</g>");
}

/// The chart `id` of the latest windows.
pub fn chart_of(id: ChartId, windows: &[WindowStats], design: &Design, lang: Lang) -> ChartData {
    let nodes = charts::model_nodes(design);
    charts::chart_data(id, charts::shown(windows), design, &nodes, lang)
}

// ----- PNG -------------------------------------------------------------------------------------

/// The CRC-32 of PNG chunks (ISO 3309, reflected, polynomial 0xEDB88320).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `png` with an `iTXt` chunk (UTF-8 text, uncompressed) under `keyword` after its header chunk;
/// `None` if `png` is not a PNG.
pub fn png_with_text(png: &[u8], keyword: &str, body: &str) -> Option<Vec<u8>> {
    const SIGNATURE: [u8; 8] = [137, 80, 78, 71, 13, 10, 26, 10];
    // The signature, then IHDR: length (4), type (4), 13 bytes of data, CRC (4).
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    if png.len() < ihdr_end || png[..8] != SIGNATURE || &png[12..16] != b"IHDR" {
        return None;
    }
    let mut chunk = b"iTXt".to_vec();
    chunk.extend_from_slice(keyword.as_bytes());
    // Null separator, compression flag and method, empty language and translated keyword.
    chunk.extend_from_slice(&[0, 0, 0, 0, 0]);
    chunk.extend_from_slice(body.as_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len() + 8);
    out.extend_from_slice(&png[..ihdr_end]);
    out.extend_from_slice(&((chunk.len() - 4) as u32).to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    out.extend_from_slice(&png[ihdr_end..]);
    Some(out)
}

/// Draws `svg` (`width` × `height`) on a canvas at twice its size and offers it as a PNG named
/// `name`, with `description` in its `iTXt` chunk.
pub fn download_png(svg: String, width: f64, height: f64, name: String, description: String) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(image) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let loaded = image.clone();
    let svg_url = url.clone();
    let onload = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&svg_url);
        let scale = 2.0;
        let Some(canvas) = document
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width((width * scale) as u32);
        canvas.set_height((height * scale) as u32);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let _ = ctx.scale(scale, scale);
        let _ = ctx.draw_image_with_html_image_element(&loaded, 0.0, 0.0);
        let Ok(data_url) = canvas.to_data_url_with_type("image/png") else {
            return;
        };
        let encoded = data_url.split_once(',').map_or("", |(_, b)| b);
        let url = base64_decode(encoded)
            .and_then(|png| png_with_text(&png, "Description", &description))
            .map(|png| format!("data:image/png;base64,{}", base64_encode(&png)))
            .unwrap_or(data_url);
        crate::files::download_url(&name, &url);
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&url);
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The picture's size, read back from the SVG's `width` and `height`.
pub fn svg_size(svg: &str) -> (f64, f64) {
    let attr = |name: &str| {
        svg.split_once(&format!("{name}=\""))
            .and_then(|(_, rest)| rest.split_once('"'))
            .and_then(|(v, _)| v.parse::<f64>().ok())
            .unwrap_or(400.0)
    };
    (attr("width"), attr("height"))
}

// ----- the buttons -----------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct PictureBarProps {
    pub design: Design,
    pub windows: std::rc::Rc<Vec<WindowStats>>,
    /// The design's title as the app shows it (a stage's name in the chosen language).
    pub title: AttrValue,
    pub lang: Lang,
    pub dark: bool,
}

/// Picture SVG / PNG of the canvas, and of a chosen chart.
#[function_component(PictureBar)]
pub fn picture_bar(props: &PictureBarProps) -> Html {
    let lang = props.lang;
    let chart = use_state_eq(|| ChartId::Latency);
    let applicable = charts::applicable(&props.design);
    let chosen = if applicable.contains(&*chart) {
        *chart
    } else {
        ChartId::Latency
    };
    let make = {
        let design = props.design.clone();
        let windows = props.windows.clone();
        let title = props.title.to_string();
        let dark = props.dark;
        move |which: Option<ChartId>| {
            let results = Results::new(&title, &design, windows.last());
            let stem = crate::files::file_stem(&design);
            let description = results.lines(lang).join("\n");
            match which {
                None => (
                    design_svg(&design, windows.last(), &results, lang, dark),
                    stem,
                    description,
                ),
                Some(id) => (
                    chart_picture(&chart_of(id, &windows, &design, lang), &results, lang, dark),
                    format!("{stem}-{}", id.slug()),
                    description,
                ),
            }
        }
    };
    let svg_button = |which: Option<ChartId>| {
        let make = make.clone();
        Callback::from(move |_: MouseEvent| {
            let (svg, stem, _) = make(which);
            crate::files::download_text(
                &format!("{stem}.svg"),
                "image/svg+xml;charset=utf-8",
                &svg,
            );
        })
    };
    let png_button = |which: Option<ChartId>| {
        let make = make.clone();
        Callback::from(move |_: MouseEvent| {
            let (svg, stem, description) = make(which);
            let (w, h) = svg_size(&svg);
            download_png(svg, w, h, format!("{stem}.png"), description);
        })
    };
    let on_chart = {
        let chart = chart.clone();
        let applicable = applicable.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(id) = applicable.iter().find(|id| id.slug() == select.value()) {
                chart.set(*id);
            }
        })
    };
    let nodes = charts::model_nodes(&props.design);
    html! {
        <span class="picture-bar">
            <button id="picture-svg" onclick={svg_button(None)}>{ text(lang, Text::PictureSvg) }</button>
            <button id="picture-png" onclick={png_button(None)}>{ text(lang, Text::PicturePng) }</button>
            <select id="picture-chart" aria-label={text(lang, Text::Chart)} onchange={on_chart}>
                { for applicable.iter().map(|id| html! {
                    <option value={id.slug()} selected={*id == chosen}>
                        { charts::chart_data(*id, &[], &props.design, &nodes, lang).title }
                    </option>
                }) }
            </select>
            <button id="chart-svg" onclick={svg_button(Some(chosen))}>{ text(lang, Text::ChartSvg) }</button>
            <button id="chart-png" onclick={png_button(Some(chosen))}>{ text(lang, Text::ChartPng) }</button>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalelab_engine::metrics::LatencySummary;

    fn window() -> WindowStats {
        WindowStats {
            start_s: 59.0,
            len_s: 1.0,
            throughput_rps: 98.0,
            cost_per_hour_usd: 0.096,
            latency: LatencySummary {
                p50_ms: 21.0,
                p95_ms: 48.0,
                p99_ms: 73.0,
                ..LatencySummary::default()
            },
            ..WindowStats::default()
        }
    }

    /// The picture's card carries the numbers a reader checks, as text, in the chosen language.
    #[test]
    fn the_design_picture_carries_the_results_as_text_in_the_chosen_language() {
        let design = Design::single_server();
        let w = window();
        let results = Results::new("단일 서버", &design, Some(&w));
        let svg = design_svg(&design, Some(&w), &results, Lang::Ko, false);
        for needle in [
            "단일 서버",
            "p50 21 ms",
            "p95 48 ms",
            "p99 73 ms",
            "처리량 98/s",
            "오류 0/s",
            "시간당 비용 $0.096",
            "시드 1",
            "시뮬레이션 시간 60 s",
            "lang=\"ko\"",
        ] {
            assert!(svg.contains(needle), "{needle} missing");
        }
        for node in &design.nodes {
            assert!(svg.contains(&format!("data-node=\"{}\"", node.id)));
        }
        let english = design_svg(&design, Some(&w), &results, Lang::En, false);
        assert!(english.contains("throughput 98/s") && english.contains("seed 1"));
    }

    /// A node id cannot break out of the SVG's markup.
    #[test]
    fn text_in_pictures_is_escaped() {
        let mut design = Design::single_server();
        design.nodes[0].id = "<script>&".into();
        let results = Results::new("a \"b\"", &design, None);
        let svg = design_svg(&design, None, &results, Lang::En, true);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;&amp;") && svg.contains("a &quot;b&quot;"));
        assert!(svg.contains("not run yet"));
    }

    /// A chart picture has one line per series and breaks it where a value is undefined.
    #[test]
    fn chart_pictures_break_lines_at_gaps() {
        let design = Design::single_server();
        let mut windows: Vec<WindowStats> = (0..6)
            .map(|i| WindowStats {
                start_s: f64::from(i),
                len_s: 1.0,
                completed: 10,
                ..window()
            })
            .collect();
        windows[3].completed = 0;
        let data = chart_of(ChartId::Latency, &windows, &design, Lang::En);
        let results = Results::new("x", &design, windows.last());
        let svg = chart_picture(&data, &results, Lang::En, false);
        assert_eq!(svg.matches("data-series=\"p99\"").count(), 2, "{svg}");
        assert!(svg.contains("p99 73 ms"));
    }

    /// The PNG text chunk is well formed: its CRC is the standard one ("IEND" has a known CRC).
    #[test]
    fn png_text_chunks_have_the_standard_crc() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        let mut png = vec![137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13];
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&[0; 17]);
        png.extend_from_slice(&[0, 0, 0, 0]);
        png.extend_from_slice(b"IEND");
        let out = png_with_text(&png, "Description", "p99 73 ms").expect("a png");
        assert_eq!(&out[37..41], b"iTXt");
        assert_eq!(u32::from_be_bytes([out[33], out[34], out[35], out[36]]), 25);
        assert!(png_with_text(b"not a png", "k", "v").is_none());
    }
}

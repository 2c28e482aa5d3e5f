//! Embed mode and the embed dialog. `embed.html#<design>&<options>` (or `index.html?embed#…`)
//! shows the canvas, the headline numbers and one chart with minimal chrome; the options travel in
//! the fragment because note hosts drop URL arguments. It runs while at least half of it is in
//! view and the page is visible, never starts by itself under reduced motion, and links back to
//! the full app with the design it is showing.

use crate::canvas::Canvas;
use crate::charts::ChartId;
use crate::export::{self, Results};
use crate::i18n::embed::{text, Text};
use crate::i18n::{t, Lang};
use crate::stages::stage_of;
use crate::state::{Action, AppState, Notice, RunState};
use gloo::worker::WorkerBridge;
use scalelab_design::budget::{self, Limits};
use scalelab_design::{decode_fragment, encode_fragment, Design, NodeParams};
use scalelab_engine::Command;
use scalelab_worker::{SimWorker, WorkerOutput};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// The reader's `prefers-color-scheme`.
    Auto,
    Light,
    Dark,
}

/// What an embed shows and allows, read from and written to the fragment after the design.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedOptions {
    pub canvas: bool,
    pub chart: bool,
    pub numbers: bool,
    /// The inspector of the node the reader selects (the canvas then takes pointer input).
    pub inspector: bool,
    /// Runs when scrolled into view (unless the reader prefers reduced motion).
    pub autoplay: bool,
    /// `None`: the reader's browser language.
    pub lang: Option<Lang>,
    pub theme: Theme,
    pub which: ChartId,
    /// The traffic slider is shown.
    pub traffic: bool,
    /// Document node ids that get a kill / restore button.
    pub faults: Vec<String>,
}

impl Default for EmbedOptions {
    fn default() -> EmbedOptions {
        EmbedOptions {
            canvas: true,
            chart: true,
            numbers: true,
            inspector: false,
            autoplay: true,
            lang: None,
            theme: Theme::Auto,
            which: ChartId::Latency,
            traffic: false,
            faults: Vec::new(),
        }
    }
}

/// Percent-encodes everything but unreserved characters, so a node id cannot end an option.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl EmbedOptions {
    /// Splits a fragment (with or without `#`) into the design's part and the options; unknown
    /// options and values are ignored, so an older embed reads a newer snippet.
    pub fn parse(fragment: &str) -> (String, EmbedOptions) {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut parts = fragment.split('&');
        let design = parts.next().unwrap_or_default().to_string();
        let mut o = EmbedOptions::default();
        for part in parts {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            match key {
                "show" => {
                    let shown: Vec<&str> = value.split(',').collect();
                    o.canvas = shown.contains(&"canvas");
                    o.chart = shown.contains(&"chart");
                    o.numbers = shown.contains(&"numbers");
                    o.inspector = shown.contains(&"inspector");
                }
                "autoplay" => o.autoplay = value != "0",
                "lang" => {
                    o.lang = match value {
                        "ko" => Some(Lang::Ko),
                        "en" => Some(Lang::En),
                        _ => None,
                    }
                }
                "theme" => {
                    o.theme = match value {
                        "light" => Theme::Light,
                        "dark" => Theme::Dark,
                        _ => Theme::Auto,
                    }
                }
                "chart" => {
                    if let Some(id) = ChartId::ALL.into_iter().find(|id| id.slug() == value) {
                        o.which = id;
                    }
                }
                "traffic" => o.traffic = value == "1",
                "faults" => {
                    o.faults = value
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(decode)
                        .collect()
                }
                _ => {}
            }
        }
        (design, o)
    }

    /// The options as fragment text after the design (`&key=value`…), defaults left out so
    /// links stay short.
    pub fn to_fragment(&self) -> String {
        let d = EmbedOptions::default();
        let mut out = String::new();
        let shown_now = (self.canvas, self.chart, self.numbers, self.inspector);
        if shown_now != (d.canvas, d.chart, d.numbers, d.inspector) {
            let shown: Vec<&str> = [
                (self.canvas, "canvas"),
                (self.chart, "chart"),
                (self.numbers, "numbers"),
                (self.inspector, "inspector"),
            ]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| name)
            .collect();
            out.push_str(&format!("&show={}", shown.join(",")));
        }
        if !self.autoplay {
            out.push_str("&autoplay=0");
        }
        if let Some(lang) = self.lang {
            out.push_str(&format!("&lang={}", lang.code()));
        }
        match self.theme {
            Theme::Auto => {}
            Theme::Light => out.push_str("&theme=light"),
            Theme::Dark => out.push_str("&theme=dark"),
        }
        if self.which != d.which {
            out.push_str(&format!("&chart={}", self.which.slug()));
        }
        if self.traffic {
            out.push_str("&traffic=1");
        }
        if !self.faults.is_empty() {
            let ids: Vec<String> = self.faults.iter().map(|s| encode(s)).collect();
            out.push_str(&format!("&faults={}", ids.join(",")));
        }
        out
    }
}

/// The links and snippets that share a design, for a site at `base` (the app's folder URL,
/// ending in `/`).
#[derive(Debug, Clone, PartialEq)]
pub struct Snippets {
    pub embed_url: String,
    pub app_url: String,
    pub iframe: String,
    pub markdown: String,
}

pub fn snippets(
    base: &str,
    design_fragment: &str,
    title: &str,
    opts: &EmbedOptions,
    picture: &str,
) -> Snippets {
    let embed_url = format!("{base}embed.html#{design_fragment}{}", opts.to_fragment());
    let app_url = format!("{base}index.html#{design_fragment}");
    let title = format!("ScaleLab: {title}");
    let iframe = format!(
        r#"<iframe src="{}" title="{}" loading="lazy" style="width:100%;max-width:960px;aspect-ratio:16/10;border:0" allow="clipboard-write"></iframe>"#,
        export::esc(&embed_url),
        export::esc(&title)
    );
    // Brackets in the alt text would end the Markdown link early.
    let alt: String = title.chars().filter(|c| !matches!(c, '[' | ']')).collect();
    let markdown = format!("[![{alt}]({picture})]({app_url})");
    Snippets {
        embed_url,
        app_url,
        iframe,
        markdown,
    }
}

/// The folder URL of the current page: where `index.html` and `embed.html` live.
pub fn base_url() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let folder = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    format!("{origin}{folder}/")
}

/// Whether this page is an embed: `embed.html`, or any page with `?embed`.
pub fn is_embed_page() -> bool {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return false;
    };
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    path.ends_with("/embed.html")
        || search
            .trim_start_matches('?')
            .split('&')
            .any(|arg| arg == "embed" || arg.starts_with("embed="))
}

fn media(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The title shown for a design: its stage's name in `lang`, or its own name.
pub fn title_of(design: &Design, lang: Lang) -> String {
    match stage_of(design) {
        Some(stage) => t(lang, stage.title).to_string(),
        // The default design is stage 1's, as the app titles it.
        None if design.name == "single-server" => t(lang, crate::i18n::Key::Stage1).to_string(),
        None if design.name.is_empty() => t(lang, crate::i18n::Key::CustomDesign).to_string(),
        None => design.name.clone(),
    }
}

fn initial() -> (AppState, EmbedOptions) {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let (fragment, options) = EmbedOptions::parse(&hash);
    let lang = options.lang.unwrap_or_else(|| {
        crate::storage::browser_language().map_or(Lang::En, |tag| Lang::from_tag(&tag))
    });
    let (design, notice) = if fragment.is_empty() {
        (Design::single_server(), None)
    } else {
        match decode_fragment(&fragment) {
            Ok(design) => match budget::check(&design, &Limits::browser()) {
                Ok(_) => (design, None),
                Err(err) => (Design::single_server(), Some(Notice::TooBig(err))),
            },
            Err(err) => (Design::single_server(), Some(Notice::BadLink(err))),
        }
    };
    (AppState::new(design, lang, notice, None), options)
}

#[function_component(Embed)]
pub fn embed() -> Html {
    let options = use_mut_ref(|| None::<EmbedOptions>);
    let state = use_reducer(|| {
        let (state, opts) = initial();
        *options.borrow_mut() = Some(opts);
        state
    });
    let opts = options.borrow().clone().unwrap_or_default();
    let bridge = use_mut_ref(|| None::<WorkerBridge<SimWorker>>);
    let delivered = use_mut_ref(|| 0u64);
    let root = use_node_ref();
    let in_view = use_state_eq(|| false);
    let page_visible = use_state_eq(|| true);
    let reduced = use_memo((), |_| media("(prefers-reduced-motion: reduce)"));
    // What the reader asked for: autoplay starts wanting to run, the buttons change it; the run
    // itself also needs the embed in view and the page visible.
    let wants = use_state_eq(|| opts.autoplay && !*reduced);
    let dark = match opts.theme {
        Theme::Auto => media("(prefers-color-scheme: dark)"),
        Theme::Light => false,
        Theme::Dark => true,
    };

    // Effect: the worker, as in the app.
    {
        let bridge = bridge.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let spawned = crate::bundle::spawn_worker(move |wire: String| {
                let output = WorkerOutput::from_wire(&wire)
                    .unwrap_or_else(|message| WorkerOutput::Error { message });
                dispatcher.dispatch(Action::FromWorker(output));
            });
            *bridge.borrow_mut() = Some(spawned);
            move || {
                bridge.borrow_mut().take();
            }
        });
    }
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
    // Effect: watch whether at least half the embed is in view, and whether the page is shown.
    {
        let root = root.clone();
        let in_view = in_view.clone();
        let page_visible = page_visible.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            fit(&dispatcher);
            let observed = root.cast::<web_sys::Element>();
            let on_entries =
                Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    if let Some(entry) = entries
                        .iter()
                        .last()
                        .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                    {
                        in_view.set(entry.is_intersecting() && entry.intersection_ratio() >= 0.5);
                    }
                });
            let init = web_sys::IntersectionObserverInit::new();
            init.set_threshold(&js_sys::Array::of3(&0.0.into(), &0.5.into(), &1.0.into()));
            let observer = web_sys::IntersectionObserver::new_with_options(
                on_entries.as_ref().unchecked_ref(),
                &init,
            )
            .ok();
            if let (Some(observer), Some(el)) = (&observer, &observed) {
                observer.observe(el);
            }
            let document = web_sys::window().and_then(|w| w.document());
            let on_visibility = Closure::<dyn Fn()>::new({
                let document = document.clone();
                move || {
                    page_visible.set(document.as_ref().is_none_or(|d| !d.hidden()));
                }
            });
            if let Some(d) = &document {
                let _ = d.add_event_listener_with_callback(
                    "visibilitychange",
                    on_visibility.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                if let Some(d) = &document {
                    let _ = d.remove_event_listener_with_callback(
                        "visibilitychange",
                        on_visibility.as_ref().unchecked_ref(),
                    );
                }
                drop(on_entries);
            }
        });
    }
    // Effect: run exactly while wanted, in view and visible.
    {
        let dispatcher = state.dispatcher();
        let running = state.run == RunState::Running;
        let should = *wants && *in_view && *page_visible;
        use_effect_with((should, running), move |&(should, running)| {
            if should && !running {
                dispatcher.dispatch(Action::Play);
            } else if !should && running {
                dispatcher.dispatch(Action::Pause);
            }
        });
    }
    // Effect: the document's language follows the embed's.
    use_effect_with(state.lang, |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.code());
        }
    });

    let lang = state.lang;
    let title = title_of(&state.design, lang);
    let app_link = format!(
        "index.html#{}",
        encode_fragment(&state.design).unwrap_or_default()
    );
    let toggle = {
        let wants = wants.clone();
        Callback::from(move |_: MouseEvent| wants.set(!*wants))
    };
    let users = state.users_index();
    let rate = users
        .and_then(|i| match &state.design.nodes[i].params {
            NodeParams::Users { rate_rps, .. } => Some(*rate_rps),
            _ => None,
        })
        .unwrap_or(0.0);
    let on_rate = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(value) = input.value().parse::<f64>() {
                dispatcher.dispatch(Action::SetRate(value));
            }
        })
    };
    let ids = scalelab_design::lower::model_ids(&state.design);
    let fault_buttons = opts.faults.iter().filter_map(|id| {
        let index = state.design.nodes.iter().position(|n| n.id == *id)?;
        let node = *ids.get(index)?;
        let up = state
            .latest()
            .and_then(|w| w.nodes.iter().find(|n| n.id == node))
            .is_none_or(|n| n.up);
        let dispatcher = state.dispatcher();
        let command = if up {
            Command::Kill { node }
        } else {
            Command::Restore { node }
        };
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(Action::Command(command))
        });
        let label = if up { Text::Kill } else { Text::Restore };
        Some(html! {
            <button class={classes!("fault-button", up.then_some("fault"))} data-fault={id.clone()} {onclick}>
                { format!("{} {id}", text(lang, label)) }
            </button>
        })
    });
    let results = Results::new(&title, &state.design, state.latest());
    let chart = opts.chart.then(|| {
        let which = if crate::charts::applicable(&state.design).contains(&opts.which) {
            opts.which
        } else {
            ChartId::Latency
        };
        let data = export::chart_of(which, &state.windows, &state.design, lang);
        Html::from_html_unchecked(AttrValue::from(export::chart_svg(
            &data, lang, dark, 560.0, 240.0,
        )))
    });
    let [_, numbers, more] = results.lines(lang);
    let status = format!("{:?}", state.run).to_lowercase();

    html! {
        <div ref={root} class={classes!("app", "embed", dark.then_some("dark"))} id="embed"
            role="region" aria-label={text(lang, Text::EmbedLabel)}
            data-state={status} data-in-view={in_view.to_string()} data-wants={wants.to_string()}
            data-reduced-motion={reduced.to_string()}>
            <header class="embed-bar">
                <h1 id="embed-title">{ title }</h1>
                <a id="open-in-app" href={app_link} target="_blank" rel="noopener">{ text(lang, Text::OpenInApp) }{ " ↗" }</a>
            </header>
            { notice(&state, lang) }
            <div class={classes!("embed-body", (!opts.canvas || !opts.chart).then_some("single"), opts.inspector.then_some("with-inspector"))}>
                if opts.canvas {
                    <div class={classes!("embed-canvas", opts.inspector.then_some("interactive"))}>
                        <Canvas design={state.design.clone()} selection={state.selection.clone()} selected_edge={None::<usize>}
                            camera={state.camera} latest={state.latest().cloned()} running={state.run == RunState::Running}
                            lang={lang} connect_from={None::<String>} dispatch={state.dispatcher()} />
                    </div>
                }
                if let Some(chart) = chart {
                    <div class="embed-chart" id="embed-chart" data-windows={state.windows.len().to_string()}>{ chart }</div>
                }
                if opts.inspector {
                    <aside class="embed-inspector">
                        <crate::inspector::Inspector design={state.design.clone()}
                            selected={if let [one] = state.selection.as_slice() { Some(one.clone()) } else { None }}
                            lang={lang} latest={state.latest().cloned()}
                            on_edit={{ let d = state.dispatcher(); Callback::from(move |edit| d.dispatch(Action::EditNode(edit))) }}
                            on_command={{ let d = state.dispatcher(); Callback::from(move |command| d.dispatch(Action::Command(command))) }} />
                    </aside>
                }
            </div>
            if opts.numbers {
                <p class="embed-numbers" id="embed-numbers" data-p99={format!("{}", results.p99_ms)}>{ numbers }{ " · " }{ more }</p>
            }
            <div class="embed-controls" role="toolbar">
                if state.run == RunState::Running {
                    <button id="embed-pause" onclick={toggle}>{ "❚❚ " }{ text(lang, Text::Pause) }</button>
                } else {
                    <button id="embed-run" class="primary" onclick={toggle}>{ "▶ " }{ text(lang, Text::Run) }</button>
                }
                if opts.traffic && users.is_some() {
                    <label for="embed-rate">{ text(lang, Text::Traffic) }{ " " }<output id="embed-rate-value">{ format!("{rate:.0}") }</output>{ " req/s" }</label>
                    <input id="embed-rate" type="range" min="0" max={format!("{}", (rate * 3.0).max(300.0).round())} step="5" value={format!("{rate}")} oninput={on_rate} />
                }
                { for fault_buttons }
            </div>
        </div>
    }
}

/// Why the embed shows the default design, or why its design cannot run, in one line.
fn notice(state: &AppState, lang: Lang) -> Html {
    let message = match &state.notice {
        Some(Notice::BadLink(err)) => format!(
            "{} {}",
            crate::i18n::decode_error(lang, err),
            t(lang, crate::i18n::Key::DefaultLoaded)
        ),
        Some(Notice::TooBig(err)) => format!(
            "{} {}",
            t(lang, crate::i18n::Key::DesignTooBig),
            t(lang, crate::i18n::Key::DesignTooBigHint)
                .replace("{parameter}", &err.parameter)
                .replace("{largest}", &format!("{}", err.largest))
        ),
        Some(Notice::Invalid(problems)) => format!(
            "{} {}",
            t(lang, crate::i18n::Key::InvalidDesign),
            problems.join("; ")
        ),
        Some(Notice::WorkerError(message)) => {
            format!("{} {message}", t(lang, crate::i18n::Key::WorkerFailed))
        }
        Some(Notice::WorkerRestarted) => format!(
            "{} {}",
            crate::i18n::worker::restarted(lang),
            crate::i18n::worker::restarted_hint(lang)
        ),
        Some(Notice::BadFile(_)) | None => return html! {},
    };
    html! { <p class="notice embed-notice" id="embed-notice" role="alert">{ message }</p> }
}

/// Fits the design to the canvas as measured now.
fn fit(dispatcher: &UseReducerDispatcher<AppState>) {
    let (width, height) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("svg.editor").ok().flatten())
        .map_or((560.0, 300.0), |el| {
            let rect = el.get_bounding_client_rect();
            (rect.width().max(200.0), rect.height().max(150.0))
        });
    dispatcher.dispatch(Action::Fit { width, height });
}

// ----- the dialog in the app -------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    pub design: Design,
    pub title: AttrValue,
    pub lang: Lang,
}

/// A button that opens the embed dialog: options, three snippets with copy buttons, a preview.
#[function_component(EmbedDialog)]
pub fn embed_dialog(props: &EmbedDialogProps) -> Html {
    let lang = props.lang;
    let open = use_state_eq(|| false);
    let opts = use_state_eq(EmbedOptions::default);
    let copied = use_state_eq(|| None::<&'static str>);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    if !*open {
        return html! {
            <button id="embed-open" onclick={toggle}>{ "⧉ " }{ text(lang, Text::Embed) }</button>
        };
    }
    let fragment = encode_fragment(&props.design).unwrap_or_default();
    let picture = format!("{}.png", crate::files::file_stem(&props.design));
    let s = snippets(&base_url(), &fragment, &props.title, &opts, &picture);
    let set = |f: fn(&mut EmbedOptions, &web_sys::HtmlInputElement)| {
        let opts = opts.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*opts).clone();
            f(&mut next, &input);
            opts.set(next);
        })
    };
    let check = |id: &'static str,
                 label: Text,
                 on: bool,
                 f: fn(&mut EmbedOptions, &HtmlInputElement)| {
        html! {
            <label><input type="checkbox" id={id} checked={on} onchange={set(f)} />{ text(lang, label) }</label>
        }
    };
    let select = |id: &'static str, f: fn(&mut EmbedOptions, &str)| {
        let opts = opts.clone();
        let _ = id;
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*opts).clone();
            f(&mut next, &select.value());
            opts.set(next);
        })
    };
    let copy = |what: &'static str, body: String| {
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let _ = clipboard.write_text(&body);
            }
            copied.set(Some(what));
        })
    };
    let snippet = |id: &'static str, label: Text, body: &str| {
        html! {
            <div class="snippet">
                <label for={id}>{ text(lang, label) }</label>
                <div class="snippet-row">
                    <textarea id={id} readonly=true rows="2" value={body.to_string()} />
                    <button id={format!("{id}-copy")} onclick={copy(id, body.to_string())}>
                        { if *copied == Some(id) { text(lang, Text::Copied) } else { text(lang, Text::Copy) } }
                    </button>
                </div>
            </div>
        }
    };
    let charts = crate::charts::applicable(&props.design);
    let nodes = crate::charts::model_nodes(&props.design);
    let faultable: Vec<String> = props
        .design
        .nodes
        .iter()
        .filter(|n| !matches!(n.params, NodeParams::Users { .. } | NodeParams::Dns { .. }))
        .map(|n| n.id.clone())
        .collect();
    html! {
        <>
        <button id="embed-open" aria-expanded="true" onclick={toggle.clone()}>{ "⧉ " }{ text(lang, Text::Embed) }</button>
        <div class="embed-dialog" id="embed-dialog" role="dialog" aria-labelledby="embed-dialog-title">
            <h3 id="embed-dialog-title">{ text(lang, Text::EmbedTitle) }</h3>
            <div class="embed-options">
                { check("opt-canvas", Text::ShowCanvas, opts.canvas, |o, i| o.canvas = i.checked()) }
                { check("opt-chart", Text::ShowChart, opts.chart, |o, i| o.chart = i.checked()) }
                { check("opt-numbers", Text::ShowNumbers, opts.numbers, |o, i| o.numbers = i.checked()) }
                { check("opt-inspector", Text::ShowInspector, opts.inspector, |o, i| o.inspector = i.checked()) }
                { check("opt-autoplay", Text::Autoplay, opts.autoplay, |o, i| o.autoplay = i.checked()) }
                { check("opt-traffic", Text::AllowTraffic, opts.traffic, |o, i| o.traffic = i.checked()) }
                <label>{ text(lang, Text::Chart) }
                    <select id="opt-which" onchange={select("opt-which", |o, v| {
                        if let Some(id) = ChartId::ALL.into_iter().find(|id| id.slug() == v) { o.which = id; }
                    })}>
                        { for charts.iter().map(|id| html! {
                            <option value={id.slug()} selected={*id == opts.which}>{ crate::charts::chart_data(*id, &[], &props.design, &nodes, lang).title }</option>
                        }) }
                    </select>
                </label>
                <label>{ text(lang, Text::Language) }
                    <select id="opt-lang" onchange={select("opt-lang", |o, v| o.lang = match v { "ko" => Some(Lang::Ko), "en" => Some(Lang::En), _ => None })}>
                        <option value="" selected={opts.lang.is_none()}>{ text(lang, Text::LangAuto) }</option>
                        <option value="ko" selected={opts.lang == Some(Lang::Ko)}>{ "한국어" }</option>
                        <option value="en" selected={opts.lang == Some(Lang::En)}>{ "English" }</option>
                    </select>
                </label>
                <label>{ text(lang, Text::Theme) }
                    <select id="opt-theme" onchange={select("opt-theme", |o, v| o.theme = match v { "light" => Theme::Light, "dark" => Theme::Dark, _ => Theme::Auto })}>
                        <option value="" selected={opts.theme == Theme::Auto}>{ text(lang, Text::ThemeAuto) }</option>
                        <option value="light" selected={opts.theme == Theme::Light}>{ text(lang, Text::ThemeLight) }</option>
                        <option value="dark" selected={opts.theme == Theme::Dark}>{ text(lang, Text::ThemeDark) }</option>
                    </select>
                </label>
                <fieldset class="embed-faults">
                    <legend>{ text(lang, Text::AllowFaults) }</legend>
                    { for faultable.iter().map(|id| {
                        let on = opts.faults.contains(id);
                        let opts = opts.clone();
                        let node = id.clone();
                        let onchange = Callback::from(move |_: Event| {
                            let mut next = (*opts).clone();
                            if let Some(i) = next.faults.iter().position(|f| *f == node) {
                                next.faults.remove(i);
                            } else {
                                next.faults.push(node.clone());
                            }
                            opts.set(next);
                        });
                        html! { <label><input type="checkbox" data-fault-option={id.clone()} checked={on} {onchange} />{ id.clone() }</label> }
                    }) }
                </fieldset>
            </div>
            { snippet("snippet-iframe", Text::IframeSnippet, &s.iframe) }
            { snippet("snippet-markdown", Text::MarkdownSnippet, &s.markdown) }
            <p class="hint">{ text(lang, Text::MarkdownHint) }</p>
            { snippet("snippet-link", Text::PlainLink, &s.app_url) }
            <h4>{ text(lang, Text::Preview) }</h4>
            // Keyed by its URL: a changed fragment alone would not reload the embed.
            <iframe key={s.embed_url.clone()} id="embed-preview" class="embed-preview" src={s.embed_url.clone()} title={format!("ScaleLab: {}", props.title)} loading="lazy"></iframe>
            <button id="embed-close" onclick={toggle}>{ text(lang, Text::Close) }</button>
        </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Options survive the trip through a fragment, and defaults are left out of it.
    #[test]
    fn options_round_trip_through_the_fragment() {
        assert_eq!(EmbedOptions::default().to_fragment(), "");
        let opts = EmbedOptions {
            canvas: false,
            chart: true,
            numbers: false,
            inspector: true,
            autoplay: false,
            lang: Some(Lang::Ko),
            theme: Theme::Dark,
            which: ChartId::Throughput,
            traffic: true,
            faults: vec!["web1".into(), "a&b,c=d 캐시".into()],
        };
        let fragment = format!("#v1.c.abc{}", opts.to_fragment());
        assert_eq!(
            fragment,
            "#v1.c.abc&show=chart,inspector&autoplay=0&lang=ko&theme=dark&chart=throughput&traffic=1&faults=web1,a%26b%2Cc%3Dd%20%EC%BA%90%EC%8B%9C"
        );
        assert_eq!(
            EmbedOptions::parse(&fragment),
            ("v1.c.abc".to_string(), opts)
        );
    }

    /// A fragment from an older or newer app: unknown options and values are ignored.
    #[test]
    fn unknown_options_are_ignored() {
        let (design, opts) = EmbedOptions::parse("v1.c.xyz&zoom=3&chart=nope&lang=fr&theme");
        assert_eq!(design, "v1.c.xyz");
        assert_eq!(opts, EmbedOptions::default());
    }

    /// The snippets carry the design and options, lazy-load and title the iframe, and the
    /// Markdown picture links to the full app.
    #[test]
    fn snippets_link_the_embed_and_the_app() {
        let opts = EmbedOptions {
            which: ChartId::Cost,
            ..EmbedOptions::default()
        };
        let s = snippets(
            "https://example.org/scalelab/",
            "v1.c.abc",
            "5. 캐시 [stage]",
            &opts,
            "scalelab-stage5.png",
        );
        assert_eq!(
            s.embed_url,
            "https://example.org/scalelab/embed.html#v1.c.abc&chart=cost"
        );
        assert_eq!(
            s.app_url,
            "https://example.org/scalelab/index.html#v1.c.abc"
        );
        assert!(s.iframe.contains(r#"loading="lazy""#));
        assert!(s.iframe.contains(r#"title="ScaleLab: 5. 캐시 [stage]""#));
        assert!(s.iframe.contains("embed.html#v1.c.abc&amp;chart=cost"));
        assert_eq!(
            s.markdown,
            "[![ScaleLab: 5. 캐시 stage](scalelab-stage5.png)](https://example.org/scalelab/index.html#v1.c.abc)"
        );
    }
}

//! The app shell: one screen with the canvas, run and traffic controls, live numbers and charts.
//! All side effects (worker, URL, storage) live in the effects of [`App`]; the reducer in
//! `state.rs` stays pure.

use crate::canvas::{Canvas, DRAG_KIND};
use crate::course::{
    self,
    progress::{Course, Msg},
    view::CoursePanel,
};
use crate::dashboard::{Dashboard, Headline};
use crate::editor::{Camera, Pt};
use crate::fields::DraftInput;
use crate::i18n::kinds::{kind_blurb, kind_name};
use crate::i18n::screen::{text as screen_text, Text as ScreenText};
use crate::i18n::{decode_error, t, Key, Lang};
use crate::inspector::Inspector;
use crate::stages::{stage_of, EXTRAS, STAGES};
use crate::state::{Action, AppState, Notice, RunState};
use crate::storage;
use crate::watchdog::Watchdog;
use gloo::timers::callback::Interval;
use gloo::worker::WorkerBridge;
use scalelab_design::budget::{self, Limits};
use scalelab_design::document::ProfileDoc;
use scalelab_design::{lower, Design, NodeParams};
use scalelab_engine::SimDuration;
use scalelab_worker::{SimWorker, Speed, WorkerOutput};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Reads the starting design: the link's if it decodes, otherwise the default, with a message
/// saying why; the last good design from storage is offered when it differs.
fn initial_state() -> AppState {
    let lang = storage::browser_language().map_or(Lang::En, |tag| Lang::from_tag(&tag));
    let saved = storage::saved_design();
    let linked = storage::design_from_url();
    let from_link = matches!(linked, Some(Ok(_)));
    let (design, notice) = match linked {
        // A link's design is checked against the browser's budget before anything lowers it.
        Some(Ok(design)) => match budget::check(&design, &Limits::browser()) {
            Ok(_) => (design, None),
            Err(err) => (Design::single_server(), Some(Notice::TooBig(err))),
        },
        Some(Err(err)) => (Design::single_server(), Some(Notice::BadLink(err))),
        None => (Design::single_server(), None),
    };
    let offer = saved.filter(|saved| *saved != design);
    let mut state = AppState::new(design, lang, notice, offer);
    state.course = Course::new(course::store::load_record());
    // A link may open a stage at a step (`?course=5.2`).
    let state =
        match course::store::position_in_url().and_then(|p| course::progress::parse_position(&p)) {
            Some((stage, step)) => {
                (*std::rc::Rc::new(state).reduce(Action::Course(Msg::Open { stage, step }))).clone()
            }
            None => state,
        };
    // A challenge's link (`?challenge=spike`); with a seed and a design it is a result link,
    // re-checked by running it at once.
    let query = course::store::query_in_url();
    match course::progress::parse_result(&query) {
        Some((challenge, Some(seed))) if from_link => {
            let state = std::rc::Rc::new(state)
                .reduce(Action::Course(Msg::CheckResult { challenge, seed }))
                .reduce(Action::SetSpeed(Speed::Max))
                .reduce(Action::Play);
            (*state).clone()
        }
        Some((challenge, _)) => {
            (*std::rc::Rc::new(state).reduce(Action::Course(Msg::Challenge { challenge }))).clone()
        }
        None => state,
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let bridge = use_mut_ref(|| None::<WorkerBridge<SimWorker>>);
    let delivered = use_mut_ref(|| 0u64);
    let watchdog = use_mut_ref(|| Watchdog::new(js_sys::Date::now()));
    let dark = use_state(prefers_dark);

    // Effect: start the worker, feed its messages to the reducer, and start a new one (with the
    // current design) when the watchdog hears it fall silent.
    {
        let bridge = bridge.clone();
        let watchdog = watchdog.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            *bridge.borrow_mut() = Some(spawn_worker(dispatcher.clone(), watchdog.clone()));
            let check = {
                let bridge = bridge.clone();
                Interval::new(1_000, move || {
                    let now = js_sys::Date::now();
                    if page_hidden() {
                        watchdog.borrow_mut().excuse(now);
                        return;
                    }
                    if watchdog.borrow().dead(now) {
                        // Dropping the old bridge asks a live-but-broken worker to close.
                        *watchdog.borrow_mut() = Watchdog::new(now);
                        *bridge.borrow_mut() =
                            Some(spawn_worker(dispatcher.clone(), watchdog.clone()));
                        dispatcher.dispatch(Action::WorkerRestarted);
                    }
                })
            };
            let stop_hook = test_hook_stop_worker(bridge.clone());
            move || {
                drop(check);
                drop(stop_hook);
                bridge.borrow_mut().take();
            }
        });
    }
    // Effect: deliver every queued message to the worker, each exactly once. With no worker (it
    // was stopped) a message is lost as it would be in a dead one, and the watchdog counts it.
    {
        let bridge = bridge.clone();
        use_effect_with(state.outbox.clone(), move |outbox| {
            let bridge = bridge.borrow();
            let mut next = delivered.borrow_mut();
            let now = js_sys::Date::now();
            for (seq, input) in outbox.iter() {
                if *seq >= *next {
                    watchdog.borrow_mut().sent(input, now);
                    if let Some(bridge) = bridge.as_ref() {
                        bridge.send(input.to_wire());
                    }
                    *next = seq + 1;
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
    // Effects: the course's record is kept in local storage, its position in the link.
    use_effect_with(state.course.record.clone(), |record| {
        course::store::save_record(record)
    });
    use_effect_with(
        (
            state.course.stage,
            state.course.step,
            state.course.challenge,
        ),
        |(stage, step, challenge)| {
            course::store::write_query(course::store::query_of(*stage, *step, *challenge))
        },
    );
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
    // The rate the profile offers now (its factor at the last window's end), beside the base.
    let offered = match state.users_index().map(|i| &state.design.nodes[i].params) {
        Some(NodeParams::Users { profile, .. }) if *profile != ProfileDoc::Steady => {
            let now = state.latest().map_or(0.0, |w| w.start_s + w.len_s);
            Some(rate * scalelab_design::lower::profile_of(profile).factor(now))
        }
        _ => None,
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
        Callback::from(move |text: String| {
            if let Ok(value) = text.trim().parse::<u32>() {
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
    let on_edit_mode = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            dispatcher.dispatch(Action::SetApplyFromNextWindow(select.value() == "next"));
        })
    };
    let speed_value = match state.speed {
        Speed::Max => "max".to_string(),
        Speed::Times(x) => format!("{x}"),
    };
    // The quick fault button and the capacity line are for the one-server stages; with several
    // servers each node's faults live in the inspector.
    let servers = state
        .design
        .nodes
        .iter()
        .filter(|n| matches!(n.params, NodeParams::Server { .. }))
        .count();
    let server_index = if servers == 1 {
        state
            .design
            .nodes
            .iter()
            .position(|n| matches!(n.params, NodeParams::Server { .. }))
    } else {
        None
    };
    let server_model_id = server_index.and_then(|i| {
        scalelab_design::lower::model_ids(&state.design)
            .get(i)
            .copied()
    });
    let server_up = server_model_id
        .and_then(|id| {
            state
                .latest()
                .and_then(|w| w.nodes.iter().find(|n| n.id == id))
                .map(|n| n.up)
        })
        .unwrap_or(true);
    // A pool's capacity is its serving instances' (the autoscaler's count when running).
    let live_instances = server_model_id.and_then(|id| {
        state
            .latest()
            .and_then(|w| w.nodes.iter().find(|n| n.id == id))
            .map(|n| n.instances.max(1))
    });
    let capacity = server_index.and_then(|i| match &state.design.nodes[i].params {
        NodeParams::Server {
            workers,
            service_ms,
            instances,
            ..
        } => {
            let serving = live_instances.unwrap_or(*instances).max(1);
            Some(f64::from(*workers) * f64::from(serving) / (service_ms / 1e3))
        }
        _ => None,
    });
    let status = match state.run {
        RunState::Idle => t(lang, Key::Idle),
        RunState::Running => t(lang, Key::Running),
        RunState::Paused => t(lang, Key::Paused),
    };

    let onkeydown = {
        let dispatcher = state.dispatcher();
        let camera = state.camera;
        let has_selection = !state.selection.is_empty();
        Callback::from(move |e: KeyboardEvent| {
            // Typing in a field is not an editor command.
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                });
            if typing {
                return;
            }
            let ctrl = e.ctrl_key() || e.meta_key();
            let step = if e.shift_key() {
                10.0 * crate::editor::GRID
            } else {
                crate::editor::GRID
            };
            let action = match (e.key().as_str(), ctrl) {
                ("z" | "Z", true) if e.shift_key() => Some(Action::Redo),
                ("z" | "Z", true) => Some(Action::Undo),
                ("y" | "Y", true) => Some(Action::Redo),
                ("d" | "D", true) => Some(Action::Duplicate),
                ("a" | "A", true) => Some(Action::SelectAll),
                ("Delete" | "Backspace", false) => Some(Action::DeleteSelection),
                ("Escape", _) => Some(Action::Escape),
                ("?", _) => Some(Action::ToggleShortcuts),
                ("c", false) => Some(Action::BeginConnect),
                ("+" | "=", false) => Some(zoom(camera, 1.25)),
                ("-", false) => Some(zoom(camera, 0.8)),
                ("0", false) => Some(Action::Editor(vec![crate::editor::Effect::SetCamera(
                    Camera::default(),
                )])),
                (arrow @ ("ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown"), false) => {
                    let (dx, dy) = match arrow {
                        "ArrowLeft" => (-step, 0.0),
                        "ArrowRight" => (step, 0.0),
                        "ArrowUp" => (0.0, -step),
                        _ => (0.0, step),
                    };
                    if has_selection {
                        Some(Action::Nudge { dx, dy })
                    } else {
                        // With nothing selected the arrows pan the view.
                        let moved = Camera {
                            x: camera.x - dx,
                            y: camera.y - dy,
                            ..camera
                        };
                        Some(Action::Editor(vec![crate::editor::Effect::SetCamera(
                            moved,
                        )]))
                    }
                }
                _ => None,
            };
            if let Some(action) = action {
                e.prevent_default();
                dispatcher.dispatch(action);
            }
        })
    };
    let on_stage = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(design) = select
                .value()
                .parse::<usize>()
                .ok()
                // Extras follow the stages in the picker's numbering.
                .and_then(|i| {
                    STAGES
                        .get(i)
                        .or_else(|| EXTRAS.get(i.checked_sub(STAGES.len())?))
                })
                .and_then(|s| s.design())
            {
                dispatcher.dispatch(Action::LoadDesign(Box::new(design)));
                dispatcher.dispatch(fit_action());
            }
        })
    };
    let fit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(fit_action()))
    };
    // Effect: a design opened from a link starts fitted to the canvas; after that first pass the
    // app marks itself ready (tests wait for it: Yew attaches event handlers just after the first
    // paint, so an instant robotic edit could otherwise land before anything listens).
    let ready = use_state(|| false);
    {
        let dispatcher = state.dispatcher();
        let ready = ready.clone();
        use_effect_with((), move |_| {
            dispatcher.dispatch(fit_action());
            ready.set(true);
        });
    }
    let current_stage = stage_of(&state.design);
    let (title, lesson) = match current_stage {
        Some(stage) => (
            t(lang, stage.title).to_string(),
            t(lang, stage.lesson).to_string(),
        ),
        None if state.design.name == "single-server" => (
            t(lang, Key::Stage1).to_string(),
            t(lang, Key::Lesson1).to_string(),
        ),
        None => (
            if state.design.name.is_empty() {
                t(lang, Key::CustomDesign).to_string()
            } else {
                state.design.name.clone()
            },
            String::new(),
        ),
    };
    // A file opens like a chosen stage (fitted); a refused one only leaves a notice.
    let on_file = {
        let dispatcher = state.dispatcher();
        Callback::from(
            move |result: Result<Design, crate::files::FileProblem>| match result {
                Ok(design) => {
                    dispatcher.dispatch(Action::OpenFile(Box::new(design)));
                    dispatcher.dispatch(fit_action());
                }
                Err(problem) => dispatcher.dispatch(Action::FileRefused(problem)),
            },
        )
    };
    let stage_index =
        current_stage.and_then(|c| STAGES.iter().chain(EXTRAS).position(|s| std::ptr::eq(s, c)));

    // The canvas is as tall as its design needs at the width it has (within bounds), so a flat
    // design leaves the room to its charts; measured again when the window resizes.
    let viewport = use_state(viewport_size);
    {
        let viewport = viewport.clone();
        use_effect_with((), move |_| {
            let on_resize = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
                viewport.set(viewport_size())
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "resize",
                        on_resize.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let phone = viewport.0 <= PHONE_MAX_W;
    let inspecting = matches!(state.selection.as_slice(), [_]);
    // On a wide screen the open inspector takes its room from the workspace (it never covers
    // the canvas), and the view fits again whenever it opens or closes.
    let drawer_w = if inspecting && !phone { DRAWER_W } else { 0.0 };
    let canvas_h = if phone {
        (viewport.1 * 0.27).clamp(200.0, 300.0)
    } else {
        crate::editor::canvas_height(
            &state.design,
            canvas_width(viewport.0 - drawer_w),
            400.0,
            460.0,
        )
    };
    {
        let dispatcher = state.dispatcher();
        use_effect_with(drawer_w.to_bits(), move |_| {
            dispatcher.dispatch(fit_action())
        });
    }
    let palette_open = use_state(|| false);
    let toggle_palette = {
        let palette_open = palette_open.clone();
        Callback::from(move |_: MouseEvent| palette_open.set(!*palette_open))
    };
    let first_step = first_step(&state.design);
    let default_design = current_stage.is_none() && state.design.name == "single-server";
    let picker_placeholder = if default_design {
        screen_text(lang, ScreenText::DefaultPicker).to_string()
    } else if state.design.nodes.is_empty() {
        t(lang, Key::NewDesign).to_string()
    } else {
        title.clone()
    };

    html! {
        <div class={classes!("app", dark.then_some("dark"), phone.then_some("phone"), inspecting.then_some("inspecting"))} data-ready={ready.to_string()} {onkeydown}>
            <header class="topbar">
                <h1>{ t(lang, Key::AppTitle) }<small>{ t(lang, Key::Tagline) }</small></h1>
                <label class="stage-picker"><span class="picker-label">{ t(lang, Key::Stages) }</span>
                    <select id="stage" onchange={on_stage}>
                        // The loaded design by its name when it is no stage (never a bare "—").
                        <option value="" selected={stage_index.is_none()} disabled=true>{ picker_placeholder }</option>
                        { for STAGES.iter().enumerate().map(|(i, stage)| html! {
                            <option value={i.to_string()} selected={stage_index == Some(i)}>{ t(lang, stage.title) }</option>
                        }) }
                        <optgroup label={t(lang, Key::BeyondTheChapter)}>
                            { for EXTRAS.iter().enumerate().map(|(i, stage)| { let i = STAGES.len() + i; html! {
                                <option value={i.to_string()} selected={stage_index == Some(i)}>{ t(lang, stage.title) }</option>
                            }}) }
                        </optgroup>
                    </select>
                </label>
                <div class="run-controls" role="toolbar" aria-label={t(lang, Key::Speed)}>
                    if state.run == RunState::Running {
                        <button id="pause" onclick={cb(Action::Pause)}>{ "❚❚ " }{ t(lang, Key::Pause) }</button>
                    } else {
                        <button id="start" class="primary" onclick={cb(Action::Play)}>{ "▶ " }{ t(lang, Key::Start) }</button>
                    }
                    <button id="step" onclick={cb(Action::Step)}>{ t(lang, Key::Step) }</button>
                    <button id="reset" onclick={cb(Action::Reset)}>{ t(lang, Key::Reset) }</button>
                    <label class="speed"><span class="speed-label">{ t(lang, Key::Speed) }</span>
                        <select id="speed" aria-label={t(lang, Key::Speed)} onchange={on_speed}>
                            { for ["1", "5", "20", "100", "max"].iter().map(|v| html! {
                                <option value={*v} selected={speed_value == *v}>{ if *v == "max" { t(lang, Key::SpeedMax).to_string() } else { format!("{v}×") } }</option>
                            }) }
                        </select>
                    </label>
                    <span class="status" id="run-status" data-state={format!("{:?}", state.run).to_lowercase()}>{ status }</span>
                    <button id="add-component" class="phone-only" aria-expanded={palette_open.to_string()} onclick={toggle_palette.clone()}
                        title={screen_text(lang, ScreenText::AddComponent)} aria-label={screen_text(lang, ScreenText::AddComponent)}>{ "＋" }</button>
                </div>
                <div class="header-actions">
                    <button id="new-design" onclick={cb(Action::LoadDesign(Box::new(empty_design())))}>{ t(lang, Key::NewDesign) }</button>
                    <button id="undo" title="Ctrl+Z" aria-label={t(lang, Key::Undo)} disabled={state.past.is_empty()} onclick={cb(Action::Undo)}>{ "↶" }<span class="wide-only">{ " " }{ t(lang, Key::Undo) }</span></button>
                    <button id="redo" title="Ctrl+Shift+Z" aria-label={t(lang, Key::Redo)} disabled={state.future.is_empty()} onclick={cb(Action::Redo)}>{ "↷" }<span class="wide-only">{ " " }{ t(lang, Key::Redo) }</span></button>
                    <button id="shortcuts" title="?" aria-label={t(lang, Key::Shortcuts)} onclick={cb(Action::ToggleShortcuts)}>{ "?" }</button>
                    <button id="lang" onclick={cb(Action::SetLang(lang.other()))}>{ t(lang, Key::Language) }</button>
                    <button id="theme" aria-pressed={dark.to_string()}
                        onclick={{ let dark = dark.clone(); Callback::from(move |_| dark.set(!*dark)) }}>{ if *dark { "☀" } else { "☾" } }</button>
                </div>
            </header>
            { notice_view(&state, lang, first_step.is_some()) }
            if state.show_shortcuts {
                { shortcut_sheet(&state, lang) }
            }
            <main class="workspace">
                { palette_view(&state, lang, &palette_open) }
                <section class="stage">
                    <div class="stage-head">
                        <h2 id="stage-title">{ title.clone() }</h2>
                        if !lesson.is_empty() {
                            <p class="lesson" title={lesson.clone()}>{ lesson }</p>
                        }
                        if default_design {
                            <p class="default-note" id="default-note">{ screen_text(lang, ScreenText::DefaultNote) }</p>
                        }
                    </div>
                    <div class="canvas-wrap" style={format!("height:{canvas_h}px")}>
                        <div class="canvas-drop" ondrop={crate::files::drop_handler(on_file.clone())}>
                        <Canvas design={state.design.clone()} selection={state.selection.clone()} selected_edge={state.selected_edge}
                            camera={state.camera} latest={state.latest().cloned()} running={state.run == RunState::Running}
                            lang={lang} connect_from={state.connect_from.clone()} dispatch={state.dispatcher()} />
                        </div>
                        if let Some(step) = first_step {
                            <p class={classes!("first-step", state.design.nodes.is_empty().then_some("empty"))} id="first-step" role="status">{ screen_text(lang, step) }</p>
                        }
                        <ul class="hints" id="hints" aria-live="polite" aria-label={t(lang, Key::Hints)}>
                            { for crate::hints::hints(&state.design, &state.windows, lang).into_iter().map(|h| html! { <li>{ h }</li> }) }
                        </ul>
                        if phone {
                            <p class="pinch-hint">{ screen_text(lang, ScreenText::PinchHint) }</p>
                        }
                    </div>
                    if let Some(reason) = &state.refusal {
                        <p class="refusal" id="refusal" role="alert"><strong>{ t(lang, Key::ConnectRefused) }{ ": " }</strong>{ reason }</p>
                    }
                    <div class="traffic">
                        <label for="rate"><span class="wide-label">{ t(lang, Key::RequestsPerSecond) }{ ": " }</span>
                            <output id="rate-value">{ format!("{rate:.0}") }</output>
                            <span class="phone-unit">{ " " }{ screen_text(lang, ScreenText::PerSecond) }</span>
                            if let Some(offered) = offered {
                                { " · " }{ crate::i18n::events::offered(lang) }{ " " }<output id="rate-offered">{ format!("{offered:.0}") }</output>
                            }</label>
                        <input id="rate" type="range" min="0" max={format!("{}", rate_max(rate))} step="5" value={format!("{rate}")} oninput={on_rate} />
                        <button id="spike" title={t(lang, Key::SpikeHint)} onclick={cb(Action::Spike)}>{ t(lang, Key::Spike) }</button>
                        <label for="users">{ t(lang, Key::Users) }</label>
                        <DraftInput id="users" kind="number" min={Some(AttrValue::Static("1"))} max={Some(AttrValue::from(format!("{}", scalelab_design::bounds::MAX_USERS)))} value={users.to_string()} on_commit={on_users} />
                        if let Some(capacity) = capacity {
                            <span class="capacity">{ format!("{}: {capacity:.0} {}", t(lang, Key::Capacity), screen_text(lang, ScreenText::PerSecond)) }</span>
                        }
                        <label title={t(lang, Key::EditModeHint)}>{ t(lang, Key::EditMode) }
                            <select id="edit-mode" onchange={on_edit_mode}>
                                <option value="restart" selected={!state.apply_from_next_window}>{ t(lang, Key::EditRestart) }</option>
                                <option value="next" selected={state.apply_from_next_window}>{ t(lang, Key::EditNextWindow) }</option>
                            </select>
                        </label>
                        if let Some(i) = server_index {
                            if server_up {
                                <button id="kill-server" class="fault" onclick={cb(Action::Kill(i))}>{ t(lang, Key::KillServer) }</button>
                            } else {
                                <button id="restore-server" onclick={cb(Action::Restore(i))}>{ t(lang, Key::RestoreServer) }</button>
                            }
                        }
                        <span class="canvas-tools" role="toolbar">
                            <button id="zoom-in" title="+" aria-label={t(lang, Key::ZoomIn)} onclick={cb(zoom(state.camera, 1.25))}>{ "+" }</button>
                            <button id="zoom-out" title="-" aria-label={t(lang, Key::ZoomOut)} onclick={cb(zoom(state.camera, 0.8))}>{ "−" }</button>
                            <button id="zoom-fit" onclick={fit.clone()}>{ t(lang, Key::ZoomFit) }</button>
                            <button id="duplicate" title="Ctrl+D" disabled={state.selection.is_empty()} onclick={cb(Action::Duplicate)}>{ t(lang, Key::Duplicate) }</button>
                            <button id="delete" title="Delete" disabled={state.selection.is_empty() && state.selected_edge.is_none()} onclick={cb(Action::DeleteSelection)}>{ t(lang, Key::Delete) }</button>
                            <button id="add-region" onclick={cb(Action::AddRegion)}>{ t(lang, Key::AddDataCentre) }</button>
                            if state.connect_from.is_some() {
                                <span class="hint" id="connect-hint">{ t(lang, Key::ConnectHint) }</span>
                            }
                        </span>
                    </div>
                </section>
                <section class="now" aria-label={t(lang, Key::Running)}>
                    <Headline windows={state.windows.clone()} design={state.design.clone()} lang={lang} />
                    if state.run == RunState::Running {
                        <p class="flow-legend">{ screen_text(lang, ScreenText::FlowLegend) }</p>
                    }
                </section>
                <section class="dashboard">
                    <Dashboard windows={state.windows.clone()} totals={state.totals} design={state.design.clone()} lang={lang} dark={*dark} phone={phone} moment={state.moment}>
                        // Under the main charts: the run's event log.
                        <crate::events::EventLog windows={state.windows.clone()} design={state.design.clone()} {lang}
                            on_select={{ let d = state.dispatcher(); Callback::from(move |id| d.dispatch(Action::Choose(id))) }}
                            on_moment={{ let d = state.dispatcher(); Callback::from(move |at| d.dispatch(Action::ShowMoment(at))) }} moment={state.moment} />
                    </Dashboard>
                    // Under the charts, so the canvas, the numbers and the main charts share the
                    // first screen (issue 16); the course and the files are a scroll away.
                    <div class="share-bar" role="toolbar">
                        <crate::files::FileBar design={state.design.clone()} {lang} on_open={on_file.clone()} />
                        <crate::export::PictureBar design={state.design.clone()} windows={state.windows.clone()} title={title.clone()} {lang} dark={*dark} />
                        <crate::embed::EmbedDialog design={state.design.clone()} title={title.clone()} {lang} />
                    </div>
                    <CoursePanel course={state.course.clone()} lang={lang}
                        on_msg={{ let d = state.dispatcher(); Callback::from(move |msg| d.dispatch(Action::Course(msg))) }} />
                    <crate::limit::LimitPanel report={state.limit.clone()} lang={lang}
                        on_find={{ let d = state.dispatcher(); Callback::from(move |(p99, errors)| d.dispatch(Action::FindLimit(p99, errors))) }}
                        on_cancel={{ let d = state.dispatcher(); Callback::from(move |()| d.dispatch(Action::CancelLimit)) }} />
                </section>
                // The inspector: a drawer at the right (a bottom sheet on a phone) while one
                // node is selected; closing it clears the selection.
                <aside class={classes!("inspector-column", inspecting.then_some("open"))} aria-hidden={(!inspecting).to_string()}>
                    <div class="drawer-head">
                        <strong>{ screen_text(lang, ScreenText::Inspector) }</strong>
                        <button id="close-inspector" aria-label={screen_text(lang, ScreenText::Close)} onclick={cb(Action::Escape)}>{ "✕" }</button>
                    </div>
                    <Inspector design={state.design.clone()}
                        selected={if let [one] = state.selection.as_slice() { Some(one.clone()) } else { None }}
                        lang={lang} latest={state.latest().cloned()}
                        on_edit={{ let d = state.dispatcher(); Callback::from(move |edit| d.dispatch(Action::EditNode(edit))) }}
                        on_command={{ let d = state.dispatcher(); Callback::from(move |command| d.dispatch(Action::Command(command))) }} />
                </aside>
            </main>
        </div>
    }
}

/// Widths up to this are laid out for a phone: one column, run controls in a bar at the bottom,
/// the inspector as a bottom sheet.
const PHONE_MAX_W: f64 = 700.0;
/// The inspector drawer's width on a wide screen (app.css).
const DRAWER_W: f64 = 400.0;
/// The palette column's width on wider screens, with the page's side padding and gaps (app.css).
const PALETTE_W: f64 = 112.0 + 3.0 * 10.0;

fn viewport_size() -> (f64, f64) {
    web_sys::window().map_or((1280.0, 720.0), |w| {
        let num = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64());
        (
            num(w.inner_width()).unwrap_or(1280.0),
            num(w.inner_height()).unwrap_or(720.0),
        )
    })
}

/// The canvas's width on a wide screen: what the palette column leaves (a scrollbar included).
fn canvas_width(viewport_w: f64) -> f64 {
    (viewport_w - PALETTE_W - 16.0).max(300.0)
}

/// What an unfinished design needs first, in the order a newcomer builds stage 1; `None` once
/// users reach something that answers.
fn first_step(design: &Design) -> Option<ScreenText> {
    let users: Vec<&str> = design
        .nodes
        .iter()
        .filter(|n| matches!(n.params, NodeParams::Users { .. }))
        .map(|n| n.id.as_str())
        .collect();
    if users.is_empty() {
        return Some(ScreenText::FirstAddUsers);
    }
    if design.nodes.len() == users.len() {
        return Some(ScreenText::FirstAddServer);
    }
    if !design
        .edges
        .iter()
        .any(|e| users.contains(&e.from.as_str()))
    {
        return Some(ScreenText::FirstConnect);
    }
    None
}

/// The slider's range grows with the traffic so large designs (10 k req/s) stay adjustable.
fn rate_max(rate: f64) -> f64 {
    let mut max = 300.0;
    while max < rate * 1.5 {
        max *= 10.0;
    }
    max
}

/// A blank canvas, for building a stage from scratch.
fn empty_design() -> Design {
    let mut design = Design::single_server();
    design.name = String::new();
    design.nodes.clear();
    design.edges.clear();
    design
}

/// Fits the view to the design, measuring the canvas now.
fn fit_action() -> Action {
    let (width, height) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("svg.editor").ok().flatten())
        .map_or((760.0, 440.0), |el| {
            let rect = el.get_bounding_client_rect();
            (rect.width().max(200.0), rect.height().max(200.0))
        });
    Action::Fit { width, height }
}

fn zoom(camera: Camera, factor: f64) -> Action {
    // Zoom about the canvas's upper-left quarter, where designs start.
    Action::Editor(vec![crate::editor::Effect::SetCamera(
        camera.zoomed_at(Pt::new(300.0, 150.0), factor),
    )])
}

fn palette_view(
    state: &UseReducerHandle<AppState>,
    lang: Lang,
    open: &UseStateHandle<bool>,
) -> Html {
    let items = crate::palette::kinds().map(|tag| {
        let onclick = {
            let dispatcher = state.dispatcher();
            let camera = state.camera;
            let design = state.design.clone();
            let open = open.clone();
            Callback::from(move |_| {
                // A tapped component lands in view, at a free place near the middle.
                let at = free_spot_in_view(&design, camera);
                dispatcher.dispatch(Action::AddNode { tag, at });
                open.set(false);
            })
        };
        let ondragstart = Callback::from(move |e: DragEvent| {
            if let Some(dt) = e.data_transfer() {
                let _ = dt.set_data(DRAG_KIND, tag.as_str());
                dt.set_effect_allowed("copy");
            }
        });
        html! {
            <li><button class="palette-item" draggable="true" data-kind={tag.as_str()}
                title={kind_blurb(tag, lang)} {onclick} {ondragstart}>
                { kind_name(tag, lang) }
            </button></li>
        }
    });
    html! {
        <nav class={classes!("palette", (**open).then_some("open"))} id="palette" aria-label={t(lang, Key::Palette)}>
            <h3>{ t(lang, Key::Palette) }</h3>
            <p class="hint">{ t(lang, Key::PaletteHint) }</p>
            <ul>{ for items }</ul>
        </nav>
    }
}

/// A grid place inside the canvas's view, near its middle, where a new node overlaps none;
/// `None` (the reducer's spot right of everything) when the view is full or unmeasured.
fn free_spot_in_view(design: &Design, camera: Camera) -> Option<Pt> {
    use crate::state::{NODE_H, NODE_W};
    let rect = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("svg.editor").ok().flatten())
        .map(|el| el.get_bounding_client_rect())?;
    let (w, h) = (rect.width(), rect.height());
    let centre = camera.to_world(Pt::new(w / 2.0, h / 2.0));
    let top_left = camera.to_world(Pt::new(0.0, 0.0));
    let bottom_right = camera.to_world(Pt::new(w, h));
    let free = |p: Pt| {
        p.x >= top_left.x
            && p.y >= top_left.y
            && p.x + NODE_W <= bottom_right.x
            && p.y + NODE_H <= bottom_right.y
            && design
                .nodes
                .iter()
                .all(|n| (n.x - p.x).abs() >= NODE_W + 40.0 || (n.y - p.y).abs() >= NODE_H + 50.0)
    };
    let step = 2.0 * crate::editor::GRID;
    let start = Pt::new(
        crate::editor::snap(centre.x - NODE_W / 2.0),
        crate::editor::snap(centre.y - NODE_H / 2.0),
    );
    // Rings around the middle, nearest first.
    (0..12).find_map(|ring: i32| {
        (-ring..=ring)
            .flat_map(|dx| (-ring..=ring).map(move |dy| (dx, dy)))
            .filter(|(dx, dy)| dx.abs() == ring || dy.abs() == ring)
            .map(|(dx, dy)| {
                Pt::new(
                    start.x + f64::from(dx) * step,
                    start.y + f64::from(dy) * step,
                )
            })
            .find(|p| free(*p))
    })
}

fn shortcut_sheet(state: &UseReducerHandle<AppState>, lang: Lang) -> Html {
    let rows: [(&str, Key); 12] = [
        ("Delete / Backspace", Key::Delete),
        ("Ctrl+Z", Key::Undo),
        ("Ctrl+Shift+Z · Ctrl+Y", Key::Redo),
        ("Ctrl+D", Key::Duplicate),
        ("Ctrl+A", Key::HelpSelectAll),
        ("← ↑ → ↓ (Shift ×10)", Key::HelpNudge),
        ("Tab · Enter", Key::HelpChoose),
        ("C", Key::HelpConnect),
        ("+ / − / 0", Key::HelpZoom),
        ("Alt+drag · ← ↑ → ↓", Key::HelpPan),
        ("Esc", Key::HelpEscape),
        ("?", Key::Shortcuts),
    ];
    let close = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::ToggleShortcuts))
    };
    html! {
        <div class="sheet" id="shortcut-sheet" role="dialog" aria-modal="false" aria-labelledby="sheet-title">
            <h3 id="sheet-title">{ t(lang, Key::ShortcutsTitle) }</h3>
            <table>{ for rows.iter().map(|(keys, what)| html! { <tr><th><kbd>{ *keys }</kbd></th><td>{ t(lang, *what) }</td></tr> }) }</table>
            <button onclick={close}>{ t(lang, Key::Close) }</button>
        </div>
    }
}

/// `guided`: the canvas says what to add first, which replaces the list of what is missing.
fn notice_view(state: &UseReducerHandle<AppState>, lang: Lang, guided: bool) -> Html {
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
        Some(Notice::Invalid(_)) if guided => None,
        Some(Notice::Invalid(problems)) => {
            // The worker reports in English; the same diagnostics, lowered here, are translated.
            let translated: Vec<String> = match lower(&state.design, SimDuration::ZERO) {
                Err(diags) => diags
                    .iter()
                    .map(|d| crate::i18n::diagnostic(lang, d))
                    .collect(),
                Ok(_) => problems.clone(),
            };
            Some(html! {
                <>
                    <strong>{ t(lang, Key::InvalidDesign) }</strong>
                    <ul>{ for translated.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
                </>
            })
        }
        Some(Notice::TooBig(err)) => Some(html! {
            <>
                <strong>{ t(lang, Key::DesignTooBig) }</strong>{ " " }
                { t(lang, Key::DesignTooBigHint).replace("{parameter}", &err.parameter).replace("{largest}", &format!("{}", err.largest)) }
                <details><summary>{ "…" }</summary><code>{ err.to_string() }</code></details>
            </>
        }),
        Some(Notice::WorkerRestarted) => Some(html! {
            <span id="worker-restarted"><strong>{ crate::i18n::worker::restarted(lang) }</strong>{ " " }{ crate::i18n::worker::restarted_hint(lang) }</span>
        }),
        Some(Notice::BadFile(problem)) => Some(crate::files::problem_view(lang, problem)),
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

/// Starts the simulation worker; every message it sends is first heard by the watchdog.
fn spawn_worker(
    dispatcher: UseReducerDispatcher<AppState>,
    watchdog: Rc<RefCell<Watchdog>>,
) -> WorkerBridge<SimWorker> {
    crate::bundle::spawn_worker(move |wire: String| {
        let output = WorkerOutput::from_wire(&wire)
            .unwrap_or_else(|message| WorkerOutput::Error { message });
        watchdog.borrow_mut().heard(&output, js_sys::Date::now());
        dispatcher.dispatch(Action::FromWorker(output));
    })
}

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// A test hook: the browser tests dispatch `scalelab-test-stop-worker` on the window to close
/// the worker (gloo's destroy) as a crash would. Only a script in the page can fire it, and the
/// CSP lets none but the app's own run; no link or URL reaches it. Removed when dropped.
struct StopHook(Option<Closure<dyn Fn()>>);

const STOP_HOOK_EVENT: &str = "scalelab-test-stop-worker";

fn test_hook_stop_worker(bridge: Rc<RefCell<Option<WorkerBridge<SimWorker>>>>) -> StopHook {
    let closure = Closure::<dyn Fn()>::new(move || {
        bridge.borrow_mut().take();
    });
    let added = web_sys::window().is_some_and(|w| {
        w.add_event_listener_with_callback(STOP_HOOK_EVENT, closure.as_ref().unchecked_ref())
            .is_ok()
    });
    StopHook(added.then_some(closure))
}

impl Drop for StopHook {
    fn drop(&mut self) {
        if let (Some(closure), Some(window)) = (self.0.take(), web_sys::window()) {
            let _ = window.remove_event_listener_with_callback(
                STOP_HOOK_EVENT,
                closure.as_ref().unchecked_ref(),
            );
        }
    }
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

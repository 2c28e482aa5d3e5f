//! Designs as files: save the document as `.json`, open one by file picker, by dropping it onto
//! the canvas or by pasting JSON. A file is checked before anything loads it (its size, its
//! JSON, its version, the browser's budget, lowering), so a bad one leaves the design as it was.

use crate::i18n::embed::{text, Text};
use crate::i18n::{t, Key, Lang};
use scalelab_design::budget::{self, BudgetError, Limits};
use scalelab_design::document::ParseError;
use scalelab_design::{lower, Design, Diagnostic};
use scalelab_engine::SimDuration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Why a file was not opened.
#[derive(Debug, Clone, PartialEq)]
pub enum FileProblem {
    /// Not JSON, or JSON that is not a design (serde's message says where).
    Syntax(String),
    MissingVersion,
    TooNew {
        found: u64,
        supported: u32,
    },
    /// Bigger, or costlier to run, than the browser allows.
    TooBig(BudgetError),
    /// A design that does not lower: each problem names its node and field.
    Invalid(Vec<Diagnostic>),
    /// The browser could not read the file.
    Unreadable,
}

/// Checks a file's text the way a link is checked, and lowering too: only a design that would
/// run is opened.
pub fn read_design(text: &str) -> Result<Design, FileProblem> {
    let limits = Limits::browser();
    budget::check_text(text.len(), &limits).map_err(FileProblem::TooBig)?;
    let design = Design::from_json(text).map_err(|err| match err {
        ParseError::Syntax(msg) => FileProblem::Syntax(msg),
        ParseError::MissingVersion => FileProblem::MissingVersion,
        ParseError::TooNew { found, supported } => FileProblem::TooNew { found, supported },
    })?;
    budget::check(&design, &limits).map_err(FileProblem::TooBig)?;
    lower(&design, SimDuration::ZERO).map_err(FileProblem::Invalid)?;
    Ok(design)
}

/// The problem in words, in `lang`: a headline and the details (one per line).
pub fn describe(lang: Lang, problem: &FileProblem) -> (&'static str, Vec<String>) {
    match problem {
        FileProblem::Syntax(msg) => (text(lang, Text::FileSyntax), vec![msg.clone()]),
        FileProblem::MissingVersion => (text(lang, Text::FileNoVersion), vec![]),
        FileProblem::TooNew { found, supported } => (
            text(lang, Text::FileTooNew),
            vec![format!("{found} > {supported}")],
        ),
        FileProblem::TooBig(err) => (
            text(lang, Text::FileTooBig),
            vec![t(lang, Key::DesignTooBigHint)
                .replace("{parameter}", &err.parameter)
                .replace("{largest}", &format!("{}", err.largest))],
        ),
        FileProblem::Invalid(diags) => (
            text(lang, Text::FileInvalid),
            diags
                .iter()
                .map(|d| crate::i18n::diagnostic(lang, d))
                .collect(),
        ),
        FileProblem::Unreadable => (text(lang, Text::FileUnreadable), vec![]),
    }
}

/// The notice over the canvas for a refused file.
pub fn problem_view(lang: Lang, problem: &FileProblem) -> Html {
    let (headline, details) = describe(lang, problem);
    html! {
        <span id="file-problem" data-problem={problem_slug(problem)}>
            <strong>{ text(lang, Text::FileRefused) }{ " " }{ headline }</strong>
            <ul>{ for details.iter().map(|d| html! { <li>{ d }</li> }) }</ul>
        </span>
    }
}

/// A language-free name of the problem, for the browser tests.
fn problem_slug(problem: &FileProblem) -> &'static str {
    match problem {
        FileProblem::Syntax(_) => "syntax",
        FileProblem::MissingVersion => "no-version",
        FileProblem::TooNew { .. } => "too-new",
        FileProblem::TooBig(_) => "too-big",
        FileProblem::Invalid(_) => "invalid",
        FileProblem::Unreadable => "unreadable",
    }
}

/// A file name for the design: its name in lower case, other characters as dashes.
pub fn file_stem(design: &Design) -> String {
    let slug: String = design
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "scalelab-design".to_string()
    } else {
        format!("scalelab-{slug}")
    }
}

// ----- browser glue ----------------------------------------------------------------------------

/// Offers `url` as a download named `name` through a temporary anchor.
pub fn download_url(name: &str, url: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = document.create_element("a") else {
        return;
    };
    let _ = a.set_attribute("href", url);
    let _ = a.set_attribute("download", name);
    if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
        a.click();
    }
}

/// Offers `body` as a download; the Blob URL is released a minute later (a download that starts
/// has read it by then).
pub fn download_text(name: &str, mime: &str, body: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(body));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(name, &url);
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

/// Reads a file as text and hands the checked design (or the problem) to `done`.
pub fn read_file(file: web_sys::File, done: Callback<Result<Design, FileProblem>>) {
    let failed = done.clone();
    let ok = Closure::<dyn FnMut(JsValue)>::new(move |value: JsValue| {
        done.emit(match value.as_string() {
            Some(text) => read_design(&text),
            None => Err(FileProblem::Unreadable),
        });
    });
    let err = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        failed.emit(Err(FileProblem::Unreadable))
    });
    let _ = file.text().then2(&ok, &err);
    // The promise settles once; the two small closures stay alive until then (and after).
    ok.forget();
    err.forget();
}

/// A drop handler for the canvas: a dropped file opens as a design; other drops (a palette kind)
/// are left to the canvas.
pub fn drop_handler(done: Callback<Result<Design, FileProblem>>) -> Callback<DragEvent> {
    Callback::from(move |e: DragEvent| {
        let Some(file) = e
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        e.prevent_default();
        read_file(file, done.clone());
    })
}

#[derive(Properties, PartialEq)]
pub struct FileBarProps {
    pub design: Design,
    pub lang: Lang,
    pub on_open: Callback<Result<Design, FileProblem>>,
}

/// Save, open and paste: the design's way in and out as a file.
#[function_component(FileBar)]
pub fn file_bar(props: &FileBarProps) -> Html {
    let lang = props.lang;
    let pasting = use_state_eq(|| false);
    let paste_area = use_node_ref();
    let on_save = {
        let design = props.design.clone();
        Callback::from(move |_: MouseEvent| {
            download_text(
                &format!("{}.json", file_stem(&design)),
                "application/json",
                &design.to_json_pretty(),
            );
        })
    };
    let on_pick = {
        let on_open = props.on_open.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                read_file(file, on_open.clone());
            }
            // The same file picked again is a new change.
            input.set_value("");
        })
    };
    let toggle_paste = {
        let pasting = pasting.clone();
        Callback::from(move |_: MouseEvent| pasting.set(!*pasting))
    };
    let on_paste_open = {
        let on_open = props.on_open.clone();
        let pasting = pasting.clone();
        let area = paste_area.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                let result = read_design(&area.value());
                if result.is_ok() {
                    pasting.set(false);
                }
                on_open.emit(result);
            }
        })
    };
    html! {
        <span class="file-bar">
            <button id="save-json" onclick={on_save} title={text(lang, Text::DropHint)}>{ "⤓ " }{ text(lang, Text::SaveJson) }</button>
            <label class="button" for="open-file">{ "⤒ " }{ text(lang, Text::OpenFile) }</label>
            <input id="open-file" class="visually-hidden" type="file" accept=".json,application/json" onchange={on_pick} />
            <button id="paste-json" aria-expanded={pasting.to_string()} onclick={toggle_paste.clone()}>{ text(lang, Text::PasteJson) }</button>
            if *pasting {
                <div class="paste-dialog" id="paste-dialog" role="dialog" aria-label={text(lang, Text::PasteJson)}>
                    <label for="paste-area">{ text(lang, Text::PasteHint) }</label>
                    <textarea id="paste-area" ref={paste_area} rows="8" spellcheck="false" />
                    <div>
                        <button id="paste-open" class="primary" onclick={on_paste_open}>{ text(lang, Text::OpenPasted) }</button>
                        <button id="paste-cancel" onclick={toggle_paste}>{ text(lang, Text::Cancel) }</button>
                    </div>
                </div>
            }
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/designs/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap_or_default()
    }

    /// A saved design opens as itself: the file is the documented format, written pretty.
    #[test]
    fn a_saved_design_opens_as_itself() {
        for name in ["stage01-single-server", "stage05-cache", "stage11-sharding"] {
            let design = Design::from_json(&stage(name)).expect(name);
            assert_eq!(read_design(&design.to_json_pretty()), Ok(design), "{name}");
        }
    }

    /// Each kind of bad file is refused with its own problem, naming the node and field where
    /// there is one.
    #[test]
    fn bad_files_are_refused_with_the_problem_named() {
        assert!(matches!(
            read_design("{ not json"),
            Err(FileProblem::Syntax(_))
        ));
        assert_eq!(
            read_design(r#"{"nodes": []}"#),
            Err(FileProblem::MissingVersion)
        );
        assert!(matches!(
            read_design(r#"{"version": 99, "nodes": []}"#),
            Err(FileProblem::TooNew { found: 99, .. })
        ));
        let mut design = Design::from_json(&stage("stage01-single-server")).unwrap();
        if let scalelab_design::NodeParams::Server { workers, .. } = &mut design
            .nodes
            .iter_mut()
            .find(|n| matches!(n.params, scalelab_design::NodeParams::Server { .. }))
            .unwrap()
            .params
        {
            *workers = 0;
        }
        match read_design(&design.to_json()) {
            Err(FileProblem::Invalid(diags)) => {
                let (_, lines) = describe(Lang::En, &FileProblem::Invalid(diags.clone()));
                assert!(lines.iter().any(|l| l.contains("workers")), "{lines:?}");
                assert!(diags.iter().any(|d| d.field == Some("workers")));
            }
            other => panic!("{other:?}"),
        }
        let mut huge = Design::single_server();
        huge.regions = (0..20_000)
            .map(|i| scalelab_design::document::RegionDoc {
                name: format!("r{i}"),
                standby: None,
            })
            .collect();
        assert!(matches!(
            read_design(&huge.to_json()),
            Err(FileProblem::TooBig(_))
        ));
    }

    #[test]
    fn file_names_come_from_the_design_name() {
        let mut design = Design::single_server();
        design.name = "Stage 5: Cache!".into();
        assert_eq!(file_stem(&design), "scalelab-stage-5--cache");
        design.name = "캐시".into();
        assert_eq!(file_stem(&design), "scalelab-design");
    }
}

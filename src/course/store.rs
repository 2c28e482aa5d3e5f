//! The course's effects on the browser: its record in local storage and the position in the
//! link's query (`?course=5.2`, `?challenge=spike`), which the design's fragment leaves alone.

use super::progress::Record;

const RECORD_KEY: &str = "scalelab.course";

/// The finished stages kept from earlier visits (empty on a first visit or a damaged entry).
pub fn load_record() -> Record {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(RECORD_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

pub fn save_record(record: &Record) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        if let Ok(text) = serde_json::to_string(record) {
            let _ = storage.set_item(RECORD_KEY, &text);
        }
    }
}

/// The page's query (`?course=5.2`, `?challenge=spike&seed=1`), empty without one.
pub fn query_in_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The `course` option of the page's query, if any.
pub fn position_in_url() -> Option<String> {
    query_in_url()
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("course=").map(str::to_string))
}

/// What the query says of the course: the stage and step followed, or the challenge taken up.
pub fn query_of(stage: Option<usize>, step: usize, challenge: Option<usize>) -> Option<String> {
    match (stage, challenge) {
        (Some(stage), _) => Some(format!(
            "course={}",
            super::progress::position_text(stage, step)
        )),
        (None, Some(c)) => super::challenges::CHALLENGES
            .get(c)
            .map(|c| format!("challenge={}", c.id)),
        (None, None) => None,
    }
}

/// Writes the course's query (or removes it in the sandbox), keeping the fragment.
pub fn write_query(query: Option<String>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(path), Ok(hash)) = (location.pathname(), location.hash()) else {
        return;
    };
    let query = query.map_or(String::new(), |q| format!("?{q}"));
    let url = format!("{path}{query}{hash}");
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

//! The course's effects on the browser: its record in local storage and the position in the
//! link's query (`?course=5.2`), which the design's fragment leaves alone.

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

/// The `course` option of the page's query, if any.
pub fn position_in_url() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("course=").map(str::to_string))
}

/// Writes the position into the query (or removes it in the sandbox), keeping the fragment.
pub fn write_position(position: Option<String>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(path), Ok(hash)) = (location.pathname(), location.hash()) else {
        return;
    };
    let query = position.map_or(String::new(), |p| format!("?course={p}"));
    let url = format!("{path}{query}{hash}");
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

//! The browser's address bar and local storage: where the design is kept between visits.

use scalelab_design::{decode_fragment, encode_fragment, DecodeError, Design};

const SAVED_KEY: &str = "scalelab.last-good-design";

/// The design in the URL fragment: `None` when there is no fragment.
pub fn design_from_url() -> Option<Result<Design, DecodeError>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let fragment = hash.trim_start_matches('#');
    if fragment.is_empty() {
        None
    } else {
        Some(decode_fragment(fragment))
    }
}

/// Writes the design into the fragment without adding a history entry per edit.
pub fn write_url(design: &Design) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // A design that cannot be written to a link leaves the last good link in place.
    let Ok(fragment) = encode_fragment(design) else {
        return;
    };
    let url = format!("#{fragment}");
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The last design that loaded without problems, if one was saved.
pub fn saved_design() -> Option<Design> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let text = storage.get_item(SAVED_KEY).ok()??;
    Design::from_json(&text).ok()
}

pub fn save_design(design: &Design) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(SAVED_KEY, &design.to_json());
    }
}

pub fn browser_language() -> Option<String> {
    web_sys::window()?.navigator().language()
}

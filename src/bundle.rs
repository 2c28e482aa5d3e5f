//! One wasm for the page and its simulation worker: the worker loads the page's own bundle.
//!
//! A second bundle for the worker would carry a second copy of the design crate, serde and the
//! standard library (283 KiB gzip in 2026-12). Instead `static/worker.js` imports the page's
//! wasm-bindgen script and wasm, named in its query, and `main` registers the worker when it finds
//! no window. The browser's HTTP cache (or the service worker) serves the second load.

use gloo::worker::{Registrable, Spawnable, WorkerBridge};
use scalelab_worker::SimWorker;

/// The script tag `static/boot.js` runs from; Trunk writes the bundle's hashed names on it.
const BOOT_TAG: &str = "script[data-scalelab-js][data-scalelab-wasm]";

/// True when this instance runs inside the worker (no window): registers the simulation worker,
/// which then answers the page through gloo's bridge.
pub fn serve_as_worker() -> bool {
    if web_sys::window().is_some() {
        return false;
    }
    SimWorker::registrar().register();
    true
}

/// Starts the simulation worker from its same-origin entry (the page's CSP allows no blob:
/// workers), telling it which bundle to load; `on_wire` hears every message it sends.
pub fn spawn_worker(on_wire: impl Fn(String) + 'static) -> WorkerBridge<SimWorker> {
    SimWorker::spawner()
        .callback(on_wire)
        .spawn_with_loader(&worker_url())
}

fn worker_url() -> String {
    let names = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(BOOT_TAG).ok().flatten())
        .map(|tag| {
            (
                tag.get_attribute("data-scalelab-js").unwrap_or_default(),
                tag.get_attribute("data-scalelab-wasm").unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    if names.0.is_empty() || names.1.is_empty() {
        // The page was not built by Trunk with Trunk.toml's pattern_script: say so where a
        // developer looks, since the worker cannot start.
        web_sys::console::error_1(
            &format!("ScaleLab: no `{BOOT_TAG}` tag names the bundle; the worker cannot start")
                .into(),
        );
    }
    // worker.js refuses any name that is not a ScaleLab bundle in its folder.
    format!(
        "./worker.js?js={}&wasm={}",
        js_sys::encode_uri_component(&names.0),
        js_sys::encode_uri_component(&names.1)
    )
}

// Starts ScaleLab without an inline script, so the page's Content-Security-Policy can forbid them:
// registers the service worker, then loads the app's wasm-bindgen module named by this tag's
// data attributes (Trunk writes the hashed file names through `pattern_script` in Trunk.toml).
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch(() => { /* offline support is optional */ });
  });
}

const tag = document.querySelector('script[data-scalelab-js][data-scalelab-wasm]');
const bindings = await import(tag.dataset.scalelabJs);
const wasm = await bindings.default({ module_or_path: tag.dataset.scalelabWasm });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));

// Starts ScaleLab without an inline script, so the page's Content-Security-Policy can forbid them:
// registers the service worker, then starts the app's wasm. Trunk writes the bundle's script (a
// classic script defining `wasm_bindgen`, run just before this one) and the hashed names on this
// tag through `pattern_script` in Trunk.toml; the simulation worker loads the same two files.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch(() => { /* offline support is optional */ });
  });
}

{
  // A block: a classic script's top-level names would be the page's globals.
  const tag = document.currentScript;
  const status = document.getElementById('boot');
  wasm_bindgen({ module_or_path: tag.dataset.scalelabWasm }).then((wasm) => {
    status?.remove();
    dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
  }, (error) => {
    // A failed download or a browser without WebAssembly: say so rather than stay blank.
    if (status) status.textContent = `ScaleLab could not start / ScaleLab을 시작하지 못했습니다: ${error}`;
  });
}

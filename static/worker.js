// The simulation worker's entry, a same-origin file so the page's CSP can say `worker-src 'self'`
// (gloo's default spawns from a blob: URL). It runs the page's own bundle, named in its query by
// the page (src/bundle.rs): the wasm's main() finds no window and registers the worker. A worker
// whose wasm trapped (a panic, out of memory) is closed rather than left half-alive: the page
// notices the silence and starts a new one.
self.addEventListener('error', () => self.close());
const query = new URLSearchParams(self.location.search);
const js = query.get('js');
const wasm = query.get('wasm');
// Only a ScaleLab bundle in this folder, its script and its wasm: never a script from elsewhere.
const SCRIPT = /^\.\/scalelab-[a-z]+(-[0-9a-f]+)?\.js$/;
const WASM = /^\.\/scalelab-[a-z]+(-[0-9a-f]+)?_bg\.wasm$/;
if (!SCRIPT.test(js ?? '') || !WASM.test(wasm ?? '')) {
  throw new Error(`worker.js: not a ScaleLab bundle: ${js} ${wasm}`);
}
importScripts(js);
wasm_bindgen({ module_or_path: wasm });

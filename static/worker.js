// The simulation worker's entry, a same-origin file so the page's CSP can say `worker-src 'self'`
// (gloo's default spawns from a blob: URL). A worker whose wasm trapped (a panic, out of memory)
// is closed rather than left half-alive: the page notices the silence and starts a new one.
self.addEventListener('error', () => self.close());
importScripts('./scalelab_worker.js');
wasm_bindgen('./scalelab_worker_bg.wasm');

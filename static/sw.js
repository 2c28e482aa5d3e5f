// ScaleLab's service worker: precaches the build so a page works offline after one visit.
// scripts/sw-precache.sh replaces the three placeholders at build time; the cache is named by the
// build's content hash, so a new build installs a new cache (and drops all but the last one).
const BUILD = '__SCALELAB_BUILD__';
// Every file but the two bundles (pages, styles, scripts, icons): small, precached whole.
const PRECACHE = __SCALELAB_PRECACHE__;
// Each bundle's script and wasm, precached only for a page that uses it (see `install`).
const BUNDLES = __SCALELAB_BUNDLES__;
const CACHE = 'scalelab-' + BUILD;

// A file named by its content's hash never changes: the copy the page just loaded (the HTTP
// cache's) is the right one, so the bundle is not downloaded twice. Any other file is fetched
// anew, never an older build's copy.
const cacheMode = (url) => (/-[0-9a-f]{8,}(_bg\.wasm|\.js|\.css)$/.test(url) ? 'default' : 'reload');
const isBundle = (url) => /\/scalelab-(app|embed)-[0-9a-f]+(_bg\.wasm|\.js)$/.test(new URL(url).pathname);

/** The bundle a page runs: embed.html its own, the app's page (and its `?embed`) the app's. */
function bundleOf(url) {
  const path = new URL(url).pathname;
  if (path.endsWith('/embed.html')) return 'embed';
  if (path.endsWith('/') || path.endsWith('/index.html')) return 'app';
  return null;
}

self.addEventListener('install', (event) => {
  // The bundles of the pages open now (the one that registered this worker, or tabs on an older
  // build): a study note's reader does not download the app's bundle, nor an app user the embed's.
  // Another page's bundle is cached the first time it is fetched (`fetch` below).
  event.waitUntil(
    Promise.all([caches.open(CACHE), self.clients.matchAll({ type: 'window', includeUncontrolled: true })])
      .then(([cache, pages]) => {
        const used = new Set(pages.map((page) => bundleOf(page.url)).filter(Boolean));
        // No page of ours open (an update found in the background): the app, as before.
        if (used.size === 0) used.add('app');
        const files = PRECACHE.concat(...[...used].map((name) => BUNDLES[name]));
        return cache.addAll(files.map((url) => new Request(url, { cache: cacheMode(url) })));
      })
      .then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      // Keep the build before this one: a tab still open on it starts its worker from that
      // build's bundle, which the server may no longer have.
      .then((keys) => keys.filter((k) => k.startsWith('scalelab-') && k !== CACHE).slice(0, -1))
      .then((stale) => Promise.all(stale.map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

// This build's copy first (a file of the same name in the previous build's cache is older), then
// any cache's (a previous build's hashed files).
const cached = (request) => caches.open(CACHE)
  .then((cache) => cache.match(request, { ignoreSearch: true }))
  .then((hit) => hit || caches.match(request, { ignoreSearch: true }));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (request.mode === 'navigate') {
    // Pages: the network when it answers (a new build shows at once), the cached shell otherwise.
    // The page itself when cached (embed.html is its own page), the app's shell otherwise.
    event.respondWith(fetch(request).catch(() => cached(request)
      .then((hit) => hit || cached(new Request('./index.html')))));
    return;
  }
  if (request.destination === 'worker') {
    // The simulation worker reads which bundle to load from its own URL's query (src/bundle.rs),
    // and a worker's URL is its response's: answer with a response that has none of its own, so
    // the request's URL, query included, is kept.
    event.respondWith(cached(request)
      .then((hit) => (hit ? new Response(hit.body, { status: hit.status, headers: hit.headers }) : fetch(request))));
    return;
  }
  event.respondWith(cached(request).then((hit) => hit || fetch(request).then((response) => {
    if (response.ok && isBundle(request.url)) {
      // A bundle not precached (its page was not open at install): keep it for offline use.
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
    }
    return response;
  })));
});

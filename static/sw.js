// ScaleLab's service worker: precaches every built file so the app loads and runs offline after
// one visit. scripts/sw-precache.sh replaces the two placeholders at build time; the cache is named
// by the build's content hash, so a new build installs a new cache and deletes the old one.
const BUILD = '__SCALELAB_BUILD__';
const PRECACHE = __SCALELAB_PRECACHE__;
const CACHE = 'scalelab-' + BUILD;

// A file named by its content's hash never changes: the copy the page just loaded (the HTTP
// cache's) is the right one, so the bundle is not downloaded twice. Any other file is fetched
// anew, never an older build's copy.
const cacheMode = (url) => (/-[0-9a-f]{8,}(_bg\.wasm|\.js|\.css)$/.test(url) ? 'default' : 'reload');

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: cacheMode(url) }))))
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
  event.respondWith(cached(request).then((hit) => hit || fetch(request)));
});

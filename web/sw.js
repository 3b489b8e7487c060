// sw.js: keeps the reader's own files so it opens with no connection.
// App files are served cache-first from a cache named after this version
// (package-web.sh writes the version and the file list below), by the
// browser itself where it can route requests statically; the bundle
// itself is never cached here: its Range requests go to the network, or are
// not made at all once the reader kept a copy in the Origin Private File
// System. config.json is asked of the network first, then of the cache.
'use strict';

const VERSION = 'dev';  // replaced by scripts/package-web.sh
const APP_FILES = ['./', 'index.html', 'style.css', 'app.js', 'core-worker.js', 'sitepack-ui.js', 'sitepack-ui.wasm',
                   'sitepack-core.js', 'sitepack-core.wasm', 'manifest.webmanifest', 'icon.svg', 'icon-192.png',
                   'icon-512.png'];
const CACHE = 'sitepack-reader-' + VERSION;

self.addEventListener('install', (event) => {
  // Chromium's static routing; elsewhere the fetch handler below does the
  // same. Bundles go straight to the network, without waking this worker
  // for each of their range requests. The reader's files (but the page
  // itself, whose address carries ?bundle=) come straight from this
  // version's cache: a warm start was 60 ms faster without this worker's
  // script answering each of them (A/B, 10 rounds).
  // The rules are made only where they can be added: a browser without
  // URLPattern must still install this worker.
  const canRoute = typeof event.addRoutes === 'function' && typeof URLPattern === 'function';
  const route = (rules) => (canRoute ? event.addRoutes(rules()).catch(() => { /* an optimisation only */ }) : Promise.resolve());
  const fromCache = () => APP_FILES.filter((file) => file !== './' && file !== 'index.html').map((file) => ({
    condition: {urlPattern: new URLPattern({pathname: new URL(file, self.registration.scope).pathname, search: ''})},
    source: {cacheName: CACHE},
  }));
  const routed = route(() => [{condition: {urlPattern: new URLPattern({pathname: '*.sitepack'})}, source: 'network'}])
    .then(() => route(fromCache));
  event.waitUntil(routed.then(() => caches.open(CACHE)).then((cache) => cache.addAll(APP_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('sitepack-reader-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

const scopePath = new URL(self.registration.scope).pathname;
function appFile(url) {
  if (url.origin !== self.location.origin || !url.pathname.startsWith(scopePath)) return null;
  const rest = url.pathname.slice(scopePath.length);
  if (rest === '' || rest === 'index.html') return 'index.html';
  return APP_FILES.includes(rest) ? rest : null;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const rest = url.pathname.slice(scopePath.length);
  if (rest === 'config.json') {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put('config.json', response.clone());
        return response;
      } catch (e) {
        return (await cache.match('config.json')) || new Response('{}', {headers: {'Content-Type': 'application/json'}});
      }
    })());
    return;
  }
  const file = appFile(url);
  if (!file) return;  // the bundle and anything else: the network, untouched
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(file);
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok && response.status === 200) await cache.put(file, response.clone());
    return response;
  })());
});

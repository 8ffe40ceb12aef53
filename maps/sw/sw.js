// qala's service worker: keeps the page's shell (index.html and the built assets) so that the page still
// opens, and says in the reader's language that qala cannot be reached, when the server is down or the
// phone is offline. It never answers for the API: problems, pins and areas always come from qala itself, so
// nothing stale is ever shown as current.
//
// `vite build` writes this file into dist/sw.js with SHELL (the built files) and VERSION (a hash of their
// names) filled in (vite.config.js); a new build is a new cache and the old one is dropped when it activates.
const SHELL = self.__QALA_SHELL__;
const CACHE = `qala-shell-${self.__QALA_VERSION__}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('qala-shell-') && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && (url.pathname === '/' || url.pathname === '/index.html')) {
    // The page itself: always the server's newest when it answers, the kept copy when it does not.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            event.waitUntil(caches.open(CACHE).then((cache) => cache.put('/', copy)));
          }
          return response;
        })
        .catch(() => caches.match('/', { cacheName: CACHE }).then((kept) => kept || Response.error())),
    );
  } else if (url.pathname.startsWith('/assets/')) {
    // Built files are named by their content's hash: a kept copy is never stale.
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((kept) => kept || fetch(request)));
  }
});

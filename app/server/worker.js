// Kiosque's service worker, release {{.Version}}.
// The app shell is cached at install. Pages and JSON come from the network
// first, so news is never stale while online, and from the cache when the
// network fails. Files named by their content are cached for good. Articles
// the reader saved for later live in a cache of their own.
const shellCache = "kiosque-shell-{{.Version}}";
const pagesCache = "kiosque-pages";
const filesCache = "kiosque-files";
const savedCache = "kiosque-saved";
const keptCaches = [shellCache, pagesCache, filesCache, savedCache];
const shell = {{.ResourcesToCache}};
const maxPages = 300;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(shellCache);
    await cache.addAll(shell);
    // The page is told of the new release (go-app's app.js) and offers a
    // reload: the worker takes over, the page is not reloaded under the reader.
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (!keptCaches.includes(key)) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" || url.pathname.startsWith("/api/")) {
    event.respondWith(networkFirst(request));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(pagesCache);
      await cache.put(request, response.clone());
      trim(cache);
    }
    return response;
  } catch (err) {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return markOffline(cached);
    throw err;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).pathname.startsWith("/web/")) {
    const cache = await caches.open(filesCache);
    await cache.put(request, response.clone());
  }
  return response;
}

// markOffline tells the page it reads a copy: the header is read by the app.
function markOffline(response) {
  const headers = new Headers(response.headers);
  headers.set("X-Kiosque-Offline", "1");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

// trim keeps the pages cache from growing without end: the oldest go first.
async function trim(cache) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - maxPages; i++) await cache.delete(keys[i]);
}

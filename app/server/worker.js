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
const maxFiles = 300;
// A file named by its content: /web/kiosque.1a2b3c4d5e6f.css.
const contentNamed = /\/web\/.+\.[0-9a-f]{12}\.[^/.]+$/;

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
      if (keptCaches.includes(key)) continue;
      // Pages kept from an earlier release still name its style sheet and
      // scripts: keep those (not its wasm: app.js loads the current one).
      if (key.startsWith("kiosque-shell-")) await keepFiles(key);
      await caches.delete(key);
    }
    await trim(await caches.open(filesCache), maxFiles);
    await self.clients.claim();
  })());
});

async function keepFiles(oldShell) {
  const from = await caches.open(oldShell);
  const to = await caches.open(filesCache);
  for (const request of await from.keys()) {
    const path = new URL(request.url).pathname;
    if (!contentNamed.test(path) || path.endsWith(".wasm")) continue;
    try {
      const response = await from.match(request);
      if (response) await to.put(request, response);
    } catch (err) {
      console.warn("kiosque: keeping", path, "failed:", err);
    }
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The publisher's dashboard is the browser's alone to fetch: it asks for
  // the token, and nothing of it is kept.
  if (url.pathname.startsWith("/insights")) return;
  if (request.mode === "navigate" || url.pathname.startsWith("/api/")) {
    event.respondWith(networkFirst(event, request));
  } else {
    event.respondWith(cacheFirst(event, request));
  }
});

async function networkFirst(event, request) {
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw err;
  }
  if (response.ok && !/no-store/.test(response.headers.get("Cache-Control") || "")) {
    // Storing must not cost the reader the fresh answer if it fails.
    const copy = response.clone();
    event.waitUntil(caches.open(pagesCache)
      .then((cache) => cache.put(request, copy).then(() => trim(cache, maxPages)))
      .catch(() => {}));
  }
  return response;
}

async function cacheFirst(event, request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && contentNamed.test(new URL(request.url).pathname)) {
    const copy = response.clone();
    event.waitUntil(caches.open(filesCache).then((cache) => cache.put(request, copy)).catch(() => {}));
  }
  return response;
}

// trim keeps a cache from growing without end: the oldest entries go first.
async function trim(cache, max) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - max; i++) await cache.delete(keys[i]);
}

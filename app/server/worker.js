// Kiosque's service worker, release {{.Version}}.
// The app shell is cached at install. Pages and JSON come from the network
// first, so news is never stale while online, and from the cache when the
// network fails. Files named by their content are cached for good. Articles
// the reader saved for later live in a cache of their own. What the server
// says is gone (404, 410: taken down, or removed at its source) leaves every
// cache.
const shellCache = "kiosque-shell-{{.Version}}";
const pagesCache = "kiosque-pages";
const filesCache = "kiosque-files";
const savedCache = "kiosque-saved";
const keptCaches = [shellCache, pagesCache, filesCache, savedCache];
const shell = {{.ResourcesToCache}};
const maxPages = 300;
const maxFiles = 300;
// A kept copy of an image of an imported article (/media/) is asked for
// again once it is this old (ms): its name says where it came from, not
// what it holds, and a takedown deletes it.
const mediaFresh = 24 * 60 * 60 * 1000;
// A file named by its content: /web/kiosque.1a2b3c4d5e6f.css.
const contentNamed = /\/web\/.+\.[0-9a-f]{12}\.[^/.]+$/;
const mediaPath = /^\/media\/[0-9a-f]{32}(\.[a-z]+)?$/;

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
  } else if (mediaPath.test(url.pathname)) {
    event.respondWith(media(event, request));
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
  if (gone(response)) {
    event.waitUntil(forget(request.url));
    return response;
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

// media answers an image of an imported article from a copy kept (with a
// saved article) while the copy is fresh, and from the network else: the
// server is asked past the browser's own cache, where the image is
// immutable for a year, so that a takedown reaches the copies.
async function media(event, request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached && Date.now() - Date.parse(cached.headers.get("Date")) < mediaFresh) return cached;
  let response;
  try {
    response = await fetch(request, cached ? { cache: "no-cache" } : {});
  } catch (err) {
    if (cached) return cached;
    throw err;
  }
  if (gone(response)) {
    event.waitUntil(forget(request.url));
  } else if (!response.ok && cached) {
    return cached; // the server fails: the copy is better than nothing
  } else if (response.ok && cached) {
    // The copy is fresh again where it was kept; nothing new is kept.
    event.waitUntil(replaceKept(request, response.clone()).catch(() => {}));
  }
  return response;
}

async function replaceKept(request, response) {
  for (const name of await caches.keys()) {
    if (!ours(name)) continue;
    const cache = await caches.open(name);
    if (await cache.match(request, { ignoreVary: true })) await cache.put(request, response.clone());
  }
}

// gone tells an answer that what was asked for is no more: taken down, or
// removed at its source.
function gone(response) {
  return response.status === 404 || response.status === 410;
}

function ours(cacheName) {
  return cacheName.startsWith("kiosque-");
}

// forget drops what url names from every cache of ours and, when url is
// an article's (its page, its view, its API answers, its widget), every
// copy of that article. Its images go too if the server says they are
// gone: another article may show them.
async function forget(url) {
  const article = articleOf(url);
  const images = new Set();
  for (const name of await caches.keys()) {
    if (!ours(name)) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (request.url !== url && (article === null || articleOf(request.url) !== article)) continue;
      const response = await cache.match(request);
      if (response) for (const src of await imagesOf(response)) images.add(src);
      await cache.delete(request);
    }
  }
  for (const src of images) {
    try {
      if (gone(await fetch(src, { cache: "no-cache" }))) await forget(src);
    } catch (err) {
      // Offline: the image is asked for again when it is shown.
    }
  }
}

// articleOf returns the slug of the article url is about, or null.
function articleOf(raw) {
  let url = new URL(raw);
  if (url.pathname === "/api/v1/view") url = new URL(url.searchParams.get("path") || "/", url);
  if (url.pathname === "/embed") return url.searchParams.get("article");
  const found = /^\/(?:a|api\/v1\/articles)\/([^/]+)(?:\/related)?$/.exec(url.pathname);
  if (!found) return null;
  try {
    return decodeURIComponent(found[1]);
  } catch (err) {
    return found[1];
  }
}

// imagesOf lists the images of imported articles that a kept answer
// about an article shows: its view's article, or the API's.
async function imagesOf(response) {
  if (!(response.headers.get("Content-Type") || "").includes("json")) return [];
  let article;
  try {
    const answer = await response.json();
    article = answer.article || answer;
  } catch (err) {
    return [];
  }
  const paths = [article.image && article.image.src, ...(String(article.html || "").match(/\/media\/[0-9a-f]{32}(?:\.[a-z]+)?/g) || [])];
  return paths.filter((p) => typeof p === "string" && mediaPath.test(new URL(p, self.location.origin).pathname))
    .map((p) => new URL(p, self.location.origin).href);
}

// trim keeps a cache from growing without end: the oldest entries go first.
async function trim(cache, max) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - max; i++) await cache.delete(keys[i]);
}

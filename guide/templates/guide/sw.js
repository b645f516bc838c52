/* Relais' service worker, hand-written (docs/guide.md, "Hors connexion"). guide/offline.py serves it at /sw.js
   and fills CONFIG: version, precache list, offline page, the public/never path rules, the network timeout. */
"use strict";
const CONFIG = {} /*CONFIG*/;
const PRECACHE = "relais-precache-" + CONFIG.version; // replaced by each new version
const PAGES = "relais-pages"; // pages the reader opened or saved: kept across versions, refreshed online
const SAVED_AT = "X-Relais-Saved-At";
const PUBLIC = new RegExp(CONFIG.public), NEVER = new RegExp(CONFIG.never);
const HASHED = /\.[0-9a-f]{12}(\.\w+)$/; // ManifestStaticFilesStorage's names: relais.1a2b3c4d5e6f.css

function keepable(url) {
  return url.origin === self.location.origin && PUBLIC.test(url.pathname) && !NEVER.test(url.pathname);
}

function isAsset(url) {
  return url.origin === self.location.origin && url.pathname.startsWith(CONFIG.static) && /\.(css|js)$/.test(url.pathname);
}

// Only a complete, public, text answer is kept: never private/no-store (every signed-in answer is), never an image.
function cacheable(response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) return false;
  if (/no-store|private/i.test(response.headers.get("Cache-Control") || "")) return false;
  return /^(text\/html|text\/css|text\/javascript|application\/javascript)/.test(response.headers.get("Content-Type") || "");
}

async function store(cacheName, request, response) {
  if (cacheName === PRECACHE && !(await caches.has(PRECACHE))) return false; // a newer version deleted it: leave it
  const cache = await caches.open(cacheName);
  if (!cacheable(response)) {
    if (response && response.type === "basic" && response.status !== 304) await cache.delete(request); // now private or gone
    return false;
  }
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, new Date().toISOString());
  const body = await response.blob();
  await cache.put(request, new Response(body, {status: response.status, statusText: response.statusText, headers}));
  return true;
}

async function lookup(request) {
  for (const name of [PAGES, PRECACHE]) {
    const found = await (await caches.open(name)).match(request, {ignoreVary: true});
    if (found) return found;
  }
  return null;
}

// A page served from the cache says when it was saved: a <meta> that guide/js/pocket.js turns into a sentence.
async function marked(response) {
  const savedAt = response.headers.get(SAVED_AT);
  if (!savedAt || !(response.headers.get("Content-Type") || "").startsWith("text/html")) return response;
  const html = (await response.text()).replace("<head>", '<head><meta name="relais-saved-at" content="' + savedAt + '">');
  const headers = new Headers(response.headers);
  headers.delete("Content-Length"); // the body grew
  return new Response(html, {status: response.status, statusText: response.statusText, headers});
}

async function offlinePage() {
  const page = await (await caches.open(PRECACHE)).match(CONFIG.offline, {ignoreVary: true});
  return page || new Response(CONFIG.offlineText, {status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}});
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    await caches.open(PRECACHE); // anonymous pages only (credentials omitted): nothing signed-in is precached
    await Promise.all(CONFIG.precache.map(async (url) => {
      const saved = await store(PRECACHE, new Request(url), await fetch(url, {credentials: "omit", cache: "reload"}).catch(() => null));
      if (!saved && url === CONFIG.offline) throw new Error("offline page not saved");
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    await Promise.all((await caches.keys()).filter((name) => name.startsWith("relais-precache-") && name !== PRECACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// Pages: the network first; after CONFIG.timeout or without a connection, the saved copy; else the offline page.
function navigate(event, url) {
  const request = event.request;
  const keep = keepable(url);
  const network = fetch(request).then(async (response) => {
    if (keep) await store(PAGES, request, response.clone()).catch(() => false);
    return response;
  });
  event.waitUntil(network.catch(() => null)); // a late answer still refreshes the saved copy
  const saved = async () => { const found = keep ? await lookup(request) : null; return found ? marked(found) : null; };
  return new Promise((resolve) => {
    const timer = setTimeout(async () => { const found = await saved(); if (found) resolve(found); }, CONFIG.timeout);
    network.then((response) => { clearTimeout(timer); resolve(response); }, async () => {
      clearTimeout(timer);
      resolve((await saved()) || (await offlinePage()));
    });
  });
}

// Style sheets and scripts: the saved copy first (their names change with their content in production).
async function asset(event, request) {
  const found = await lookup(request);
  if (found) return found;
  try {
    const response = await fetch(request);
    event.waitUntil(store(PRECACHE, request, response.clone()).catch(() => false));
    return response;
  } catch (error) { // a page saved under an older version asks for an older file name: its current version
    const wanted = new URL(request.url).pathname.replace(HASHED, "$1");
    const cache = await caches.open(PRECACHE);
    for (const key of await cache.keys()) {
      if (new URL(key.url).pathname.replace(HASHED, "$1") === wanted) return cache.match(key);
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // a form's POST goes to the network, untouched and never kept
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(navigate(event, url));
  else if (isAsset(url)) event.respondWith(asset(event, request));
});

// "Garder hors connexion" (guide/js/pocket.js): save the listed pages and files, four at a time, text only.
async function saveAll(urls, port) {
  let done = 0, saved = 0;
  const queue = urls.map((href) => new URL(href, self.location.origin)).filter((url) => keepable(url) || isAsset(url));
  const total = queue.length;
  async function next() {
    const url = queue.shift();
    if (!url) return;
    const response = await fetch(url.href, {credentials: "same-origin"}).catch(() => null);
    if (await store(isAsset(url) ? PRECACHE : PAGES, new Request(url.href), response).catch(() => false)) saved += 1;
    done += 1;
    if (port) port.postMessage({done, saved, total});
    return next();
  }
  await Promise.all([next(), next(), next(), next()]);
  if (port) port.postMessage({done, saved, total, finished: true});
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "save" && Array.isArray(data.urls)) event.waitUntil(saveAll(data.urls, event.ports[0]));
});

// The service worker (scope /). Versioning rule: the server stamps __VERSION__ with a hash of the
// app shell and this file, so any change installs a new worker and a new shell cache; the page offers
// "update available — reload" instead of swapping the worker under the user's feet.

import { flush } from "/static/js/outbox.js";
import { getMeta, setMeta } from "/static/js/idb.js";
import "/static/js/alerts-sw.js"; // push and notificationclick: alerts (docs/alerts.md)

const VERSION = "__VERSION__";
const SHELL_CACHE = `shell-${VERSION}`;
const PRECACHE = __PRECACHE__; // the fingerprinted URLs of the shell (app.pwa.assets)
const ASSETS = __ASSETS__; // plain name → fingerprinted URL, e.g. /static/js/app.js → /static/js/app.<hash>.js
const PAGE_PREFIX = "pages-";
const PUBLIC_CACHE = "public-pages"; // the public notice pages (app/public.py): no user, nothing personal
const NETWORK_TIMEOUT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k.startsWith("shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "SKIP_WAITING") self.skipWaiting();
  if (message.type === "CACHE_PAGES") {
    // Tell the page when its pages are in (it marks itself ready to go offline: html[data-offline-ready]).
    const done = cachePages(message.user, message.urls || [], message.force === true)
      .then(() => event.source?.postMessage({ type: "PAGES_CACHED" }));
    event.waitUntil(done);
  }
  if (message.type === "CACHE_PUBLIC") event.waitUntil(cachePublic(message.urls || []));
});

self.addEventListener("sync", (event) => {
  // Not sent yet (backing off, or it failed): reject, so the browser runs this sync again later.
  const sent = async () => { if ((await flush()) !== "done") throw new Error("outbox not sent yet"); };
  if (event.tag === "outbox") event.waitUntil(sent());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) event.respondWith(staticAsset(request));
  else if (request.mode === "navigate" && url.pathname.startsWith("/p/notices/")) event.respondWith(publicPage(request));
  else if (request.mode === "navigate") event.respondWith(page(request));
  // Everything else (API, htmx fragments) goes to the network untouched.
});

/** The shell's current URL for a plain name or another version's fingerprinted URL, if it is in the shell. */
function currentUrl(pathname) {
  const plain = pathname.replace(/\.[0-9a-f]{10}(\.[A-Za-z0-9]+)$/, "$1");
  return ASSETS[pathname] || ASSETS[plain] || null;
}

/** Shell files: cache first (their URLs carry their content's hash), then the network; offline, a plain
 * name or another version's URL (a page cached before an update) gets this version's file. */
async function staticAsset(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  if (cached) return cached;
  const current = currentUrl(new URL(request.url).pathname);
  try {
    return await fetch(request);
  } catch (error) {
    const fallback = current && (await caches.match(current, { cacheName: SHELL_CACHE }));
    if (fallback) return fallback;
    throw error;
  }
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

/** Pages: network first with a short timeout; the signed-in user's cached copy; else the offline page. */
async function page(request) {
  const user = await getMeta("user");
  const network = fetch(request);
  try {
    const response = await withTimeout(network, NETWORK_TIMEOUT_MS);
    await remember(request, response);
    return response;
  } catch {
    const cached = user ? await caches.match(request, { cacheName: PAGE_PREFIX + user, ignoreVary: true }) : null;
    if (cached) {
      network.then((response) => remember(request, response)).catch(() => {}); // refresh for next time
      return cached;
    }
    try {
      return await network; // slow network, nothing cached: keep waiting
    } catch {
      return (await caches.match("/offline", { cacheName: SHELL_CACHE })) || Response.error();
    }
  }
}

/** Keep a good page in the cache of the user it was rendered for (the X-Staff-Id header). */
async function remember(request, response) {
  const staff = response.headers.get("X-Staff-Id");
  if (!response.ok || !staff || response.redirected) return;
  if (staff !== (await getMeta("user"))) {
    // A different person signed in on this phone: drop every other person's pages.
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k.startsWith(PAGE_PREFIX) && k !== PAGE_PREFIX + staff).map((k) => caches.delete(k)));
    await setMeta("user", staff);
  }
  const cache = await caches.open(PAGE_PREFIX + staff);
  await cache.put(request, response.clone());
}

// A page of the navigation fetched for offline use less than this long ago is not fetched again on
// every page opened (each page would otherwise cost the server the whole navigation again); pages the
// person opens are always fetched afresh (network first), and `force` refetches (after a sync).
const CACHED_FRESH_MS = 5 * 60 * 1000;

/** Fetch and keep pages a person will need offline (the navigation; later a round's checkpoints). */
async function cachePages(user, urls, force = false) {
  if (!user || user !== (await getMeta("user"))) return;
  const cache = await caches.open(PAGE_PREFIX + user);
  await Promise.all([...new Set(urls)].map(async (url) => {
    try {
      if (!force) {
        const kept = await cache.match(url);
        const at = kept && Date.parse(kept.headers.get("date") || "");
        if (at && Date.now() - at < CACHED_FRESH_MS) return;
      }
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected && response.headers.get("X-Staff-Id") === user) {
        await cache.put(url, response);
      }
    } catch { /* offline: try next time */ }
  }));
}

/** A public notice page: network first; offline, the copy last seen on this phone (no user involved). */
async function publicPage(request) {
  const network = fetch(request, { credentials: "omit" });
  try {
    const response = await withTimeout(network, NETWORK_TIMEOUT_MS);
    if (response.ok && !response.redirected) await (await caches.open(PUBLIC_CACHE)).put(request, response.clone());
    return response;
  } catch {
    const cached = await caches.match(request, { cacheName: PUBLIC_CACHE, ignoreVary: true });
    if (cached) return cached;
    try {
      return await network;
    } catch {
      return (await caches.match("/offline", { cacheName: SHELL_CACHE })) || Response.error();
    }
  }
}

/** Keep public notice pages for reading offline (sent by /static/js/public.js on first visit). */
async function cachePublic(urls) {
  const cache = await caches.open(PUBLIC_CACHE);
  await Promise.all(urls.filter((u) => new URL(u, self.location.origin).pathname.startsWith("/p/notices/")).map(async (url) => {
    try {
      const response = await fetch(url, { credentials: "omit" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch { /* offline: next time */ }
  }));
}

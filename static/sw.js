// Jianfu service worker: static files cache-first (their URLs change with their content), pages
// network-first for 1.5 s, then the last copy (refreshed behind), /api never cached. Writes go through the outbox.
// The copies of pages are one person's: they go whenever the account changes (sign-in, sign-up,
// sign-out, or a page of another account), and only the shell and the offline page stay.
"use strict";
const VERSION = "__VERSION__";
const STATIC = "static-" + VERSION;
const PAGES = "pages";
const PRECACHE = "__PRECACHE__";
importScripts("__OUTBOX__");

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(PRECACHE.concat(["/offline"]))).then(() => self.skipWaiting()));
});

// Copies kept by a worker older than this one belong to no known account: they go on activation.
let activated = Promise.resolve();

self.addEventListener("activate", (event) => {
  activated = caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("static-") && k !== STATIC).map((k) => caches.delete(k))))
    .then(() => self.JianfuOutbox.getMeta("pages-of"))
    .then((of) => of === undefined && forget())
    .catch(() => null)
    .then(() => self.clients.claim());
  event.waitUntil(activated);
});

// Bumped when the copies go: a page fetched before then is not kept, even if it arrives after.
let generation = 0;

function forget() {
  generation += 1;
  return caches.delete(PAGES).then(() => self.JianfuOutbox.setMeta("pages-of", ""));
}

async function keepPage(request, response, since) {
  if (response.ok && !response.redirected && response.type === "basic" && since === generation) {
    const cache = await caches.open(PAGES);
    if (since === generation) await cache.put(request, response.clone());
  }
  return response;
}

// On bad signal a page waits at most this long for the network when the worker has a copy.
const PATIENCE_MS = 1500;

// Pages: the network's answer when it comes within PATIENCE_MS, else the last copy at once while
// the network's answer keeps arriving behind and replaces the copy for next time.
function page(event) {
  const request = event.request;
  const since = generation;
  const network = fetch(request).then((response) => keepPage(request, response, since));
  event.waitUntil(network.catch(() => null));
  return caches.open(PAGES).then(async (cache) => {
    // Pages vary on Accept-Language, but the reader's choice lives in the cookie or the URL.
    const copy = await cache.match(request, { ignoreVary: true });
    const late = copy ? new Promise((resolve) => setTimeout(() => resolve(copy), PATIENCE_MS)) : new Promise(() => null);
    return Promise.race([network, late]).catch(async () => copy || (await cache.match(request, { ignoreSearch: true, ignoreVary: true })) ||
      (await caches.match("/offline")) || Response.error());
  });
}

async function staticFile(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(STATIC)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The form posts that change who is signed in: the copies go before the next page can be kept.
  if (request.method === "POST" && ["/login", "/signup", "/logout"].includes(url.pathname) && url.origin === self.location.origin) {
    event.waitUntil(forget());
    return;
  }
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") event.respondWith(page(event));
  else if (url.pathname.startsWith("/static/")) event.respondWith(staticFile(request));
});

// Pages ask the worker for copies of the other pages, so they open offline without a visit first;
// a copy it already has is left alone (visiting a page refreshes it anyway), which keeps repeat
// visits light on the network.
// A page of another account than the copies' (a sign-in this worker did not see) drops them first.
async function warm(account, urls) {
  await activated;
  const of = await self.JianfuOutbox.getMeta("pages-of").catch(() => null);
  if (of !== account && of !== "") await forget();
  await self.JianfuOutbox.setMeta("pages-of", account).catch(() => null);
  const cache = await caches.open(PAGES);
  for (const url of urls) {
    if (await cache.match(url, { ignoreVary: true })) continue;
    const since = generation;
    await fetch(url, { credentials: "same-origin" }).then((r) => keepPage(new Request(url), r, since)).catch(() => null);
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "warm") event.waitUntil(warm(String(data.account || ""), data.urls));
  if (data.type === "forget") event.waitUntil(forget().finally(() => event.ports[0] && event.ports[0].postMessage("forgotten")));
});

// Background Sync, where the browser has it: send the outbox even with no page open.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(self.JianfuOutbox.flush());
});

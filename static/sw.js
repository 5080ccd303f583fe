// Jianfu service worker: static files cache-first (their URLs change with their content), pages
// network-first with the last copy as fallback, /api never cached. Writes go through the outbox.
"use strict";
const VERSION = "__VERSION__";
const STATIC = "static-" + VERSION;
const PAGES = "pages";
const PRECACHE = "__PRECACHE__";
importScripts("__OUTBOX__");

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(PRECACHE.concat(["/offline"]))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("static-") && k !== STATIC).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

async function keepPage(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const cache = await caches.open(PAGES);
    await cache.put(request, response.clone());
  }
  return response;
}

async function page(request) {
  try {
    return await keepPage(request, await fetch(request));
  } catch (offline) {
    const cache = await caches.open(PAGES);
    // Pages vary on Accept-Language, but the reader's choice lives in the cookie or the URL.
    return (await cache.match(request, { ignoreVary: true })) || (await cache.match(request, { ignoreSearch: true, ignoreVary: true })) ||
      (await caches.match("/offline")) || Response.error();
  }
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
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") event.respondWith(page(request));
  else if (url.pathname.startsWith("/static/")) event.respondWith(staticFile(request));
});

// Pages ask the worker for copies of the other pages, so they open offline without a visit first;
// a copy it already has is left alone (visiting a page refreshes it anyway), which keeps repeat
// visits light on the network.
async function warm(urls) {
  const cache = await caches.open(PAGES);
  for (const url of urls) {
    if (await cache.match(url, { ignoreVary: true })) continue;
    await fetch(url, { credentials: "same-origin" }).then((r) => keepPage(new Request(url), r)).catch(() => null);
  }
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "warm") event.waitUntil(warm(event.data.urls));
});

// Background Sync, where the browser has it: send the outbox even with no page open.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(self.JianfuOutbox.flush());
});

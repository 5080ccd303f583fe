// The outbox: what a cadre logs is stored on the phone first, under an id made when they tapped,
// and uploaded one item at a time. Only a 2xx counts as delivered; 401/403 pause it until the
// next sign-in; other failures retry after min(2^n, 300) seconds. Used by pages and the worker.
// A phone may be shared: every item carries its account, and only the signed-in account's items
// are sent (never under another person's session), shown, or forgotten at sign-out.
(function (scope) {
  "use strict";
  const DB_NAME = "jianfu", VERSION = 1;
  let running = null;

  function request(r) {
    return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  }

  function open() {
    const r = indexedDB.open(DB_NAME, VERSION);
    r.onupgradeneeded = () => {
      r.result.createObjectStore("outbox", { keyPath: "id" });
      r.result.createObjectStore("sent", { keyPath: "id" });
      r.result.createObjectStore("meta");
    };
    return request(r);
  }

  async function store(name, mode) {
    return (await open()).transaction(name, mode).objectStore(name);
  }

  async function all(name) {
    const items = await request((await store(name, "readonly")).getAll());
    return items.sort((a, b) => a.createdAt - b.createdAt);
  }

  async function put(name, item) { await request((await store(name, "readwrite")).put(item)); }
  async function remove(name, id) { await request((await store(name, "readwrite")).delete(id)); }
  async function getMeta(key) { return request((await store("meta", "readonly")).get(key)); }
  async function setMeta(key, value) { await request((await store("meta", "readwrite")).put(value, key)); }

  async function add(item) {
    const now = Date.now();
    await put("outbox", Object.assign({ createdAt: now, tries: 0, nextAt: 0, state: "waiting" }, item));
  }

  // Items made before items carried an account belong to whoever signs in next, as they did then.
  async function claim(account) {
    await setMeta("account", account);
    for (const name of ["outbox", "sent"]) {
      for (const item of await all(name)) if (item.account === undefined) await put(name, Object.assign(item, { account }));
    }
  }

  // Sign-out: this account's waiting and sent items go, and nothing is sent until the next sign-in.
  // It waits for an upload under way (which would put its item back), but not for ever.
  function forget(account) {
    async function work() {
      await setMeta("account", "");
      await setMeta("csrf", "");
      for (const name of ["outbox", "sent"]) {
        for (const item of await all(name)) if (item.account === account) await remove(name, item.id);
      }
    }
    if (!(scope.navigator && navigator.locks && self.AbortSignal && AbortSignal.timeout)) return work();
    return navigator.locks.request("jianfu-outbox", { signal: AbortSignal.timeout(3000) }, work).catch(work);
  }

  function backoffSeconds(tries) { return Math.min(Math.pow(2, tries), 300); }

  async function send(url, method, body) {
    const csrf = (await getMeta("csrf")) || "";
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf, "accept-language": (await getMeta("lang")) || "zh-Hans" },
      body: JSON.stringify(body),
    });
  }

  // A quota described with a new task creates the task first; both requests are idempotent.
  async function deliver(item) {
    if (item.kind === "quota" && item.task) {
      const made = await send("/api/tasks", "POST", item.task);
      if (!made.ok) return made;
      item.body.task = (await made.json()).id;
    }
    return send(item.url, item.method, item.body);
  }

  async function settle(item, response) {
    const body = response.status === 204 ? {} : await response.json().catch(() => ({}));
    const rejected = (body.rejected || [])[0];
    if (rejected && rejected.error.code !== "conflict") return refused(item, rejected.error);
    await remove("outbox", item.id);
    await put("sent", Object.assign({}, item, { state: "sent", sentAt: Date.now(), flags: body.flags || [] }));
    const sent = await all("sent");
    for (const old of sent.slice(0, Math.max(0, sent.length - 50))) await remove("sent", old.id);
  }

  // Refused for good: the item stays, out of the count of what waits, with the server's words
  // (which name the fields in the reader's language) until the person edits or deletes it.
  async function refused(item, error) {
    const fields = error.fields || {};
    Object.assign(item, { state: "failed", error: [error.message].concat(Object.values(fields)).filter(Boolean).join(" "), fieldErrors: fields });
    await put("outbox", item);
  }

  async function flushOnce() {
    if (await getMeta("paused")) return "paused";
    const account = await getMeta("account");
    for (const item of await all("outbox")) {
      if (item.state !== "waiting" || !account || item.account !== account) continue;
      if (item.nextAt > Date.now()) return "later";
      let response;
      try {
        response = await deliver(item);
      } catch (networkError) {
        response = null;
      }
      if (response && response.ok) { await settle(item, response); continue; }
      if (response && (response.status === 401 || response.status === 403)) { await setMeta("paused", true); return "paused"; }
      if (response && response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status)) {
        await refused(item, (await response.json().catch(() => ({}))).error || {});
        continue;
      }
      item.tries += 1;
      item.nextAt = Date.now() + backoffSeconds(item.tries) * 1000;
      await put("outbox", item);
      return "later";
    }
    return "done";
  }

  // One flush at a time: within a page or worker by a shared promise, and across the pages and the
  // worker (Background Sync) by a Web Lock, so no item is ever sent twice at once.
  function flush() {
    if (!running) {
      const locked = scope.navigator && navigator.locks ? navigator.locks.request("jianfu-outbox", flushOnce) : flushOnce();
      running = locked.finally(() => { running = null; });
    }
    return running;
  }

  scope.JianfuOutbox = { add, all, remove, put, flush, getMeta, setMeta, claim, forget, backoffSeconds };
})(self);
